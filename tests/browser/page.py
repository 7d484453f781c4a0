"""page.py: Page, the browser tests' handle on the one Chromium: navigation, waiting, filling forms through
the stable hooks of UI.md 7, screenshots, and the clean-page check (console errors, statuses, hosts)."""

import json
import time
import urllib.parse

from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

WINDOW = (1280, 900)
TIMEOUT = 20  # seconds: a loaded 2-core machine runs httpd, the store and Chromium at once


class Page:
    """Wraps the WebDriver for one test. Addresses are paths on the test server ("/admin/login")."""

    def __init__(self, driver, base_url):
        self.driver = driver
        self.base = base_url
        self.origin = urllib.parse.urlsplit(base_url)

    # ---- life cycle ----------------------------------------------------------------------------
    def reset(self):
        """Leaves the previous page, forgets this origin's storage and drops older log entries."""
        self.driver.get("about:blank")
        self.driver.execute_cdp_cmd("Storage.clearDataForOrigin", {"origin": self.base, "storageTypes": "all"})
        self.driver.get_log("browser")
        self.driver.get_log("performance")

    def restore_window(self):
        if tuple(self.driver.get_window_size().values()) != WINDOW:
            self.driver.set_window_size(*WINDOW)

    def screenshot(self, path):
        try:
            self.driver.save_screenshot(str(path))
        except Exception:  # a screenshot never hides the test's own outcome
            pass

    def problems(self):
        """What makes the page unclean since reset(): script errors (any SEVERE console entry except
        the network's own lines, judged below), 5xx answers, 4xx answers outside /api (a missing
        asset; the API's 4xx are answers the page handles), failed or blocked loads, and requests to
        another origin than the server's."""
        out = []
        for e in self.driver.get_log("browser"):
            if e.get("level") == "SEVERE" and e.get("source") != "network":
                out.append(f"console {e.get('source')}: {e.get('message')}")
        for e in self.driver.get_log("performance"):
            msg = json.loads(e["message"])["message"]
            method, params = msg.get("method"), msg.get("params", {})
            if method == "Network.requestWillBeSent":
                url = params["request"]["url"]
                parts = urllib.parse.urlsplit(url)
                if parts.scheme in ("data", "blob", "about", "chrome-error"):
                    continue
                if (parts.scheme, parts.netloc) != (self.origin.scheme, self.origin.netloc):
                    out.append(f"request to another host: {url}")
            elif method == "Network.responseReceived":
                resp = params["response"]
                url, status = resp["url"], resp["status"]
                path = urllib.parse.urlsplit(url).path
                if status >= 500 or (status >= 400 and not path.startswith("/api/")):
                    out.append(f"HTTP {status} for {url}")
            elif method == "Network.loadingFailed" and not params.get("canceled"):
                out.append(f"load failed ({params.get('errorText')}, {params.get('blockedReason')})")
        return out

    # ---- navigation and reading ---------------------------------------------------------------
    def go(self, path):
        self.driver.get(self.base + path)

    def reload(self):
        self.driver.refresh()

    @property
    def path(self):
        """The current path with its query string."""
        parts = urllib.parse.urlsplit(self.driver.current_url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def lang(self):
        return self.js("return document.documentElement.lang")

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def finds(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def until(self, predicate, what, timeout=TIMEOUT):
        """Waits until predicate() is truthy and returns its value; on timeout fails naming `what`."""
        def check(_):
            try:
                return predicate()
            except StaleElementReferenceException:
                return False
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(check)
        except TimeoutException:
            raise AssertionError(f"timed out after {timeout} s waiting for {what} (at {self.path})") from None

    def wait(self, css, timeout=TIMEOUT):
        """The first element matching css once it is displayed."""
        def shown():
            els = [e for e in self.finds(css) if e.is_displayed()]
            return els[0] if els else None
        return self.until(shown, f"a visible {css}", timeout)

    def wait_path(self, path, timeout=TIMEOUT):
        return self.until(lambda: self.path == path, f"the address {path}", timeout)

    def text(self, css):
        return self.wait(css).text

    # ---- acting ------------------------------------------------------------------------------
    def fill(self, name, value, form="form"):
        """Types `value` into the input named `name` (UI.md 7: names are API field names)."""
        el = self.wait(f"{form} [name='{name}']")
        el.send_keys(Keys.CONTROL, "a")  # typed over, so the page sees input events (clear() fires none)
        el.send_keys(Keys.DELETE)
        if value:
            el.send_keys(value)
        return el

    def set_value(self, name, value, form="form"):
        """Sets an input's value the way a picker would (date inputs) and fires its input event."""
        el = self.wait(f"{form} [name='{name}']")
        self.js("const el = arguments[0]; el.value = arguments[1];"
                "el.dispatchEvent(new Event('input', {bubbles: true}));"
                "el.dispatchEvent(new Event('change', {bubbles: true}));", el, value)
        return el

    def value(self, name, form="form"):
        return self.wait(f"{form} [name='{name}']").get_attribute("value")

    def click(self, css):
        el = self.wait(css)
        el.click()
        return el

    def submit(self, form="form"):
        self.click(f"{form} button[type=submit]")

    def storage(self, kind, key):
        """A value of localStorage or sessionStorage ('local' / 'session'), or None."""
        return self.js(f"return window.{kind}Storage.getItem(arguments[0])", key)

    def storage_keys(self, kind):
        return self.js(f"return Object.keys(window.{kind}Storage)")

    def pause_network(self, offline):
        """Cuts (or restores) the browser's network, as a lost mobile connection would."""
        self.driver.execute_cdp_cmd("Network.enable", {})
        self.driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})

    def settle(self, seconds=0.3):
        """A short pause for work the page does after the event a test waited for."""
        time.sleep(seconds)

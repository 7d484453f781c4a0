"""conftest.py: the browser test harness: one headless Chromium per run against a real httpd + module + SQLite
store serving the web front end (tests/integration/harness.py), seeded with `ruzizi-ctl seed-demo`.

Fixtures
  web        session: the server (harness.Server with web_root = the work tree's web/), its demo data and
             helpers (see WebWorld)
  browser    session: the one Chromium (Selenium + Debian's chromium-driver), reused by every test
  page       function: a Page on that browser with this origin's storage cleared; after the test it saves a
             screenshot under <build>/screenshots/ and fails the test on a script error, a 5xx, a
             failed non-API request, or a request to any host but the page's (UI.md 5 and 7)
"""

import datetime as dt
import json
import os
import re
import shutil
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
import harness  # noqa: E402
from page import Page  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROME_ARGS = ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--window-size=1280,900"]
SCREENSHOTS = harness.BUILD_DIR / "screenshots"
DEMO_PASSWORD = "Ruzizi-demo-2026"
MANAGER = "manager.bujumbura@ruzizi.demo"
STAFF = "staff.bujumbura@ruzizi.demo"
ADMIN = "admin@ruzizi.demo"
# the tests log in, refresh and search far more often than one person would
HIGH_LIMITS = "".join(f"RuziziRateLimit {scope} 100000/min 100000\n" for scope in (
    "login-ip", "login-email", "forgot-email", "reset-ip", "change-password", "refresh-ip", "booking-ip",
    "booking-contact", "lookup-ip", "availability-ip"))
UTC_OFFSET = dt.timedelta(hours=2)  # the demo establishments' +02:00
# an address answering 503, for test_page_check.py to prove that a 5xx fails a page
UNAVAILABLE = "/test-only/unavailable"


def i18n(lang):
    """The dictionary web/lib/i18n/<lang>.js as a dict (it is `export default {JSON};`)."""
    text = (harness.SRC_DIR / "web" / "lib" / "i18n" / f"{lang}.js").read_text(encoding="utf-8")
    body = re.sub(r"^//.*\n", "", text).strip()
    assert body.startswith("export default ") and body.endswith(";"), f"{lang}.js is not `export default {{...}};`"
    return json.loads(body[len("export default "):-1])


class WebWorld:
    """The server and what the tests know of its data: establishments by city, a nightly unit added to
    Bujumbura (so tonight has an offer whatever the demo bookings hold), the server clock offset file."""

    def __init__(self, server, clock_file):
        self.server = server
        self.clock_file = clock_file
        self.clock_offset = 0
        ests = server.get("/api/public/establishments").json()["data"]
        self.establishments = {e["location"]["city"]: e for e in ests}
        self.est = self.establishments["Bujumbura"]
        r = server.post("/api/accommodations", headers=self.manager_headers(), json={
            "name": "Chambre des tests", "type": "standard_room", "pricingMode": "nightly",
            "pricing": {"basePrice": 47000}, "capacity": {"maxGuests": 3}})
        assert r.status_code == 201, r.text
        self.unit = r.json()["data"]

    def manager_headers(self):
        """Authorization for the Bujumbura manager, freshly logged in (tests move the server clock)."""
        return {"Authorization": f"Bearer {self.login(MANAGER)['tokens']['accessToken']}"}

    def login(self, email, password=DEMO_PASSWORD):
        r = self.server.post("/api/auth/login", json={"email": email, "password": password})
        assert r.status_code == 200, r.text
        return r.json()["data"]

    def today(self):
        """The establishments' local date now (server clock, +02:00)."""
        now = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=self.clock_offset)
        return (now + UTC_OFFSET).date()

    def availability(self, **query):
        r = self.server.get("/api/public/availability", params=query)
        assert r.status_code == 200, r.text
        return r.json()["data"]

    def advance_clock(self, seconds):
        """Moves the server's clock forward (RuziziTestClockFile, re-read at most once a second)."""
        self.clock_offset += seconds
        self.clock_file.write_text(f"{self.clock_offset}\n")
        time.sleep(1.2)


def start_web_world():
    """Starts the server of the browser tests on a fresh, seeded SQLite store; returns (WebWorld, stop),
    where stop() stops it and returns the unexpected warn/error lines of its log. Also used by
    tests/bench/web.py."""
    ca_dir = harness.make_tmpdir("ruzizi-ca-")
    work = harness.make_tmpdir("ruzizi-web-")
    data = work / "data"
    uploads = work / "uploads"
    data.mkdir()
    uploads.mkdir()
    clock = work / "clock"
    clock.write_text("0\n")
    clock.chmod(0o644)
    store = f"sqlite:{data}/ruzizi.db"
    harness.run_ctl(store, "migrate")
    harness.run_ctl(store, "seed-demo", "--upload-dir", str(uploads), timeout=300)
    harness.chown_to_run_user(data)
    harness.chown_to_run_user(uploads)
    srv = harness.Server(harness.TlsCA(ca_dir), store, "sqlite", workdir=work, web_root=harness.SRC_DIR / "web",
                         extra_conf=HIGH_LIMITS + f"RuziziTestClockFile {clock}\nRedirect 503 {UNAVAILABLE}\n")
    srv.start()

    def stop():
        srv.stop()
        bad = srv.unexpected_log_lines()
        if not bad and not os.environ.get("RUZIZI_KEEP_TMP"):
            shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(ca_dir, ignore_errors=True)
        return bad
    try:
        return WebWorld(srv, clock), stop
    except BaseException:
        stop()
        raise


def new_browser(profile_dir):
    """A headless Chromium (Selenium + Debian's chromium-driver) with a fresh profile in profile_dir,
    logging the console and the network (goog:loggingPrefs)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in CHROME_ARGS:
        opts.add_argument(arg)
    opts.add_argument(f"--user-data-dir={profile_dir}")
    opts.accept_insecure_certs = True  # the harness's throw-away CA
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(60)
    return driver


@pytest.fixture(scope="session")
def web():
    missing = [str(p) for p in (harness.MODULE, harness.CTL) if not p.exists()]
    if missing:
        pytest.fail(f"not built: {', '.join(missing)} (set RUZIZI_BUILD_DIR or run scripts/test)")
    try:
        world, stop = start_web_world()
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    yield world
    bad = stop()
    assert not bad, f"{world.server.error_log} has unexpected warn/error lines:\n" + "\n".join(bad[:30])


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver = new_browser(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


@pytest.fixture
def page(browser, web, request):
    p = Page(browser, web.server.base_url)
    p.reset()
    yield p
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::", 1)[-1])
    p.screenshot(SCREENSHOTS / f"{Path(request.node.fspath).stem}.{name}.png")
    problems = p.problems()
    p.restore_window()
    call = getattr(request.node, "rep_call", None)
    if problems and call is not None and call.passed:
        pytest.fail("the page was not clean:\n  " + "\n  ".join(problems), pytrace=False)


def query_of(url):
    """The query string of `url` as a dict of single values."""
    return {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).items()}

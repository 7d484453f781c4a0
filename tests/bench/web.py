#!/usr/bin/python3
"""web.py: figures of the web front end in headless Chromium, never a pass/fail check (UI.md 5 budgets:
first page <= 150 KB over the wire for the booking site and <= 350 KB for the back office, offers shown
within 3 s of submitting the search at 400 kbit/s and 400 ms round trips).

usage: RUZIZI_BUILD_DIR=build/test tests/bench/web.py [--runs 5] [--files]
Prints, for each app's first page (empty cache), the bytes received (compressed as the harness httpd with
conf/ruzizi-web.conf serves them, headers included) for HTML, CSS and JavaScript, for API answers and for
images: the booking site's search page (/), and the back office's login page (/admin/login) plus what
its shell and Today page (/admin/) add once logged in; --files lists each file. Then, with Chromium's
network emulation (CDP Network.emulateNetworkConditions) at 400 kbit/s both ways and 400 ms of latency,
the time to a usable search form on a first visit and the time from submitting a search to the offers
shown (median of --runs searches with different dates). The server is the browser tests'
(tests/browser/conftest.py: real httpd + module, SQLite store seeded with seed-demo)."""
import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
import conftest  # noqa: E402  (tests/browser/conftest.py; it puts tests/integration on the path)
from page import Page  # noqa: E402

SLOW = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}


def transferred(driver, files=None):
    """Bytes received per kind ('static', 'api', 'image') since the last call, from the performance log;
    `files`, if a list, gets (bytes, path) of each response."""
    kinds, sizes, paths = {}, {}, {}
    for e in driver.get_log("performance"):
        msg = json.loads(e["message"])["message"]
        params = msg.get("params", {})
        if msg.get("method") == "Network.responseReceived":
            resp = params["response"]
            if resp["url"].startswith("data:"):
                continue  # inline (Chromium's own date-picker icon): nothing crosses the wire
            path = urllib.parse.urlsplit(resp["url"]).path
            kinds[params["requestId"]] = ("image" if resp["mimeType"].startswith("image/")
                                          else "api" if path.startswith("/api/") else "static")
            paths[params["requestId"]] = path
        elif msg.get("method") == "Network.loadingFinished":
            sizes[params["requestId"]] = params["encodedDataLength"]
    out = {"static": 0, "api": 0, "image": 0}
    for rid, size in sizes.items():
        out[kinds.get(rid, "static")] += size
        if files is not None:
            files.append((size, paths.get(rid, "?")))
    return out


def first_page(page, path, ready_css, files):
    page.driver.execute_cdp_cmd("Network.enable", {})
    page.driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    page.reset()
    page.go(path)
    page.wait(ready_css, timeout=60)
    page.settle(1.0)
    return transferred(page.driver, files)


def admin_shell(page, files):
    """Logs in on the login page just loaded; the bytes of the shell and Today page that follow."""
    page.fill("email", conftest.MANAGER)
    page.fill("password", conftest.DEMO_PASSWORD)
    page.submit()
    page.wait("[data-action=logout]", timeout=60)
    page.settle(1.0)
    return transferred(page.driver, files)


def kb(n):
    return f"{n / 1024:.1f} KB"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--files", action="store_true", help="list the bytes of each file of the first pages")
    args = ap.parse_args()
    world, stop = conftest.start_web_world()
    driver = conftest.new_browser(tempfile.mkdtemp(prefix="ruzizi-bench-chromium-"))
    try:
        page = Page(driver, world.server.base_url)
        site_files, admin_files = [], []
        site = first_page(page, "/", "select[name=establishmentId]:enabled", site_files)
        login = first_page(page, "/admin/login", "form button[type=submit]", admin_files)
        shell = admin_shell(page, admin_files)
        admin = {k: login[k] + shell[k] for k in login}
        print("first page, empty cache (bytes received, compressed, headers included)")
        for name, t, budget in (("booking site /", site, "(budget 150 KB)"),
                                ("back office /admin/login", login, ""),
                                ("  + shell /admin/", shell, ""),
                                ("  = back office", admin, "(budget 350 KB)")):
            print(f"  {name:26} HTML+CSS+JS+fonts {kb(t['static']):>9} {budget:15}   "
                  f"API {kb(t['api']):>8}   images {kb(t['image']):>8}")
        if args.files:
            for name, files in (("booking site", site_files), ("back office", admin_files)):
                print(f"  {name}: " + ", ".join(f"{p} {kb(n)}" for n, p in sorted(files, reverse=True)))

        driver.execute_cdp_cmd("Network.clearBrowserCache", {})
        page.reset()
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", SLOW)
        t0 = time.perf_counter()
        page.go("/")
        page.wait("select[name=establishmentId]:enabled", timeout=120)
        form_ready = time.perf_counter() - t0
        times = []
        for i in range(args.runs):
            day = world.today() + dt.timedelta(days=30 + 7 * i)
            page.set_value("checkIn", str(day))
            page.set_value("checkOut", str(day + dt.timedelta(days=2)))
            t0 = time.perf_counter()
            page.submit()
            page.wait(f"[data-accommodation-id='{world.unit['id']}']", timeout=120)
            times.append(time.perf_counter() - t0)
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        print("400 kbit/s, 400 ms latency (Chromium network emulation)")
        print(f"  first visit to a usable search form: {form_ready:.2f} s")
        print(f"  submit -> offers shown: median {statistics.median(times):.2f} s, "
              f"max {max(times):.2f} s over {len(times)} searches (budget 3 s)")
    finally:
        driver.quit()
        bad = stop()
        if bad:
            print("server log:\n" + "\n".join(bad[:20]))


if __name__ == "__main__":
    main()

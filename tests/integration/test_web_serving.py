"""test_web_serving.py: the web front end served by conf/ruzizi-web.conf next to the API: addresses,
client-side routes, security headers (UI.md 2), caching and compression, and the API left as it was."""
import gzip
import re
import subprocess

import pytest

import harness

WEB = harness.SRC_DIR / "web"
CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
PAGE_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Strict-Transport-Security": "max-age=63072000",
}
IMMUTABLE = "public, max-age=31536000, immutable"
HTML_CT = "text/html; charset=utf-8"
JS_CT = "text/javascript; charset=utf-8"
SITE_ROUTES = ["/", "/track", "/track?code=RZ-7KQ2-M9XD", "/book?accommodationId=x", "/no/such/page"]
ADMIN_ROUTES = ["/admin/", "/admin/login", "/admin/bookings?q=RZ-7KQ2-M9XD", "/admin/calendar",
                "/admin/housekeeping", "/admin/bookings/0123456789abcdef01234567", "/admin/accommodations",
                "/admin/accommodations/new", "/admin/today"]


@pytest.fixture(scope="module")
def web(server_factory):
    return server_factory(None, "sqlite", web_root=WEB)


def plain(srv, path, allow_redirects=True, **headers):
    """GET without compression (requests would otherwise ask for gzip and inflate it silently)."""
    return srv.get(path, headers={"Accept-Encoding": "identity", **headers}, allow_redirects=allow_redirects)


def assert_page_headers(r, cache):
    problems = [f"{k}: expected {v!r}, got {r.headers.get(k)!r}"
                for k, v in dict(PAGE_HEADERS, **{"Cache-Control": cache}).items() if r.headers.get(k) != v]
    assert not problems, f"{r.request.method} {r.url} -> {r.status_code}\n" + "\n".join(problems)


@pytest.mark.parametrize("path,app", [(p, "site") for p in SITE_ROUTES] + [(p, "admin") for p in ADMIN_ROUTES])
def test_app_addresses_load_their_app(web, path, app):
    r = plain(web, path, allow_redirects=False)  # a domain folder (admin/bookings/) must not redirect to .../
    assert r.status_code == 200, (path, r.status_code)
    assert r.headers["Content-Type"] == HTML_CT
    assert r.content == (WEB / app / "index.html").read_bytes()
    assert_page_headers(r, "no-cache")


def test_admin_without_slash_redirects(web):
    r = web.get("/admin", allow_redirects=False)
    assert r.status_code == 301
    assert r.headers["Location"].endswith("/admin/")


def test_work_tree_assets_are_revalidated_by_etag(web):
    for path, ct in [("/assets/dev/vendor/preact.mjs", JS_CT), ("/assets/dev/site/main.js", JS_CT),
                     ("/assets/dev/lib/base.css", "text/css; charset=utf-8")]:
        r = plain(web, path)
        assert r.status_code == 200, path
        assert r.headers["Content-Type"] == ct, path
        assert r.content == (WEB / path[len("/assets/dev/"):]).read_bytes()
        assert_page_headers(r, "no-cache")
        etag = r.headers["ETag"]
        again = plain(web, path, **{"If-None-Match": etag})
        assert again.status_code == 304, (path, again.status_code)
        # the compressed answer keeps the ETag, so a browser asking for gzip revalidates too
        gz = web.get(path, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
        assert gz.status_code == 304, (path, gz.status_code, gz.headers)


def test_versioned_assets_are_immutable(web):
    path = "/assets/0123456789ab/vendor/preact.mjs"
    r = plain(web, path)
    assert r.status_code == 200
    assert r.content == (WEB / "vendor" / "preact.mjs").read_bytes()
    assert r.headers["Content-Type"] == JS_CT
    assert_page_headers(r, IMMUTABLE)


@pytest.mark.parametrize("path", ["/assets/dev/site/no-such-module.js", "/assets/0123456789ab/lib/nope.js",
                                  "/assets/dev/conf/ruzizi-web.conf", "/assets/dev/../conf/ruzizi.conf"])
def test_missing_or_outside_assets_are_404_not_a_page(web, path):
    r = web.raw_request("GET", path)
    assert r.status == 404, (path, r.status)
    assert b"/assets/dev/site/main.js" not in r.body


def test_text_is_compressed(web):
    for path in ["/", "/admin/login", "/assets/dev/vendor/preact.mjs", "/assets/dev/lib/base.css"]:
        r = web.raw_request("GET", path, headers={"Accept-Encoding": "gzip"})
        assert r.status == 200, path
        assert r.header("Content-Encoding") == "gzip", (path, r.headers)
        assert "Accept-Encoding" in (r.header("Vary") or ""), path
        full = plain(web, path).content
        assert gzip.decompress(r.body) == full, path
        if len(full) > 2000:
            assert len(r.body) < len(full) * 0.6, (path, len(r.body), len(full))


def test_the_api_keeps_its_own_headers_and_is_not_compressed(web):
    r = web.raw_request("GET", "/api/health", headers={"Accept-Encoding": "gzip"})
    harness.assert_ok(r)
    assert r.header("Content-Encoding") is None
    missing = web.raw_request("GET", "/api/no-such-route", headers={"Accept-Encoding": "gzip"})
    harness.assert_error(missing, 404, "NOT_FOUND")


def test_api_answers_are_json_not_the_site(web):
    r = web.get("/api/")
    harness.assert_error(r, 404, "NOT_FOUND")
    assert r.headers["Content-Type"] == harness.JSON_CT


def test_pages_reference_only_existing_same_origin_assets(web):
    """Every script, stylesheet and module preload of both pages answers 200 from this server."""
    for page in ["/", "/admin/"]:
        html = plain(web, page).text
        refs = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert refs, page
        for ref in refs:
            if ref.startswith("data:"):
                continue
            assert ref.startswith("/assets/dev/"), f"{page}: {ref} is not a work-tree asset address"
            r = plain(web, ref)
            assert r.status_code == 200, (page, ref, r.status_code)



def test_site_example_loads_with_the_web_configuration(built, test_ca, tmp_path):
    """conf/ruzizi-site.conf.example names where make install puts the web files and ruzizi-web.conf,
    and passes `apache2 -t` with them (paths swapped for this machine's test files)."""
    example = (harness.SRC_DIR / "conf" / "ruzizi-site.conf.example").read_text()
    sysconf = subprocess.run(["apxs", "-q", "SYSCONFDIR"], capture_output=True, text=True, check=True).stdout.strip()
    include = f"Include {sysconf}/ruzizi-web.conf"
    define = "Define RUZIZI_WEB_ROOT /usr/local/share/ruzizi/web"  # $(datadir)/ruzizi/web, default prefix
    assert include in example and define in example
    text = (example.replace(include, f'Include "{harness.SRC_DIR}/conf/ruzizi-web.conf"')
            .replace(define, f'Define RUZIZI_WEB_ROOT "{WEB}"')
            .replace("/etc/letsencrypt/live/api.example.com/fullchain.pem", str(test_ca.cert))
            .replace("/etc/letsencrypt/live/api.example.com/privkey.pem", str(test_ca.key))
            .replace("sqlite:/var/lib/ruzizi/ruzizi.db", f"sqlite:{tmp_path}/ruzizi.db"))
    modules = ["mpm_event", "authz_core", "alias", "dir", "mime", "headers", "deflate", "filter", "env",
               "socache_shmcb", "ssl", "reqtimeout", "ratelimit"]
    loads = "".join(f"LoadModule {m}_module {harness.MODDIR}/mod_{m}.so\n" for m in modules)
    conf = tmp_path / "httpd.conf"
    conf.write_text(f"ServerRoot {tmp_path}\nPidFile {tmp_path}/httpd.pid\nErrorLog {tmp_path}/error.log\n"
                    f"Define APACHE_LOG_DIR {tmp_path}\nListen 127.0.0.1:{harness.free_port()}\n{loads}"
                    f"LoadModule ruzizi_module {harness.MODULE}\nTypesConfig /etc/mime.types\n{text}")
    r = subprocess.run(["/usr/sbin/apache2", "-t", "-f", str(conf)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr

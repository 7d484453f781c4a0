"""test_http_layer.py: envelope, headers, routing, raw-path rules and CORS (SPEC 2.1-2.3, 8.4)."""

import pytest

import harness
from harness import assert_api_headers, assert_error, assert_ok

ECHO = "/api/_test/echo"
ORIGIN = "https://book.example"
EXPOSE = "X-Request-Id, Retry-After, Location, Idempotent-Replayed, ETag"


@pytest.fixture(scope="module")
def cors_server(start_server):
    return start_server(extra_conf=f"RuziziCorsOrigins {ORIGIN}")


@pytest.fixture(scope="module")
def dead_store_server(server_factory):
    """A server whose MongoDB store has nothing listening behind it: every store call fails fast."""
    uri = (f"mongodb://127.0.0.1:{harness.free_port()}/ruzizi?replicaSet=jongodb-rs0"
           "&serverSelectionTimeoutMS=500&connectTimeoutMS=500")
    return server_factory(uri, "mongodb", migrate=False, allow_log=[r"\[ruzizi:(warn|error)\]"])


# ---- the envelope and headers on every status ------------------------------------------------

def _json(body):
    return {"data": body, "headers": {"Content-Type": "application/json"}}


STATUS_CASES = {
    "200": ("GET", "/api/health", {}),
    "404": ("GET", "/api/no-such-route", {}),
    "405": ("DELETE", "/api/health", {}),
    "413": ("POST", ECHO, _json(b'{"a":"' + b"x" * 70000 + b'"}')),
    "415": ("POST", ECHO, {"data": b"{}", "headers": {"Content-Type": "text/plain"}}),
    "400": ("POST", ECHO, _json(b'{"a":')),
}
STATUS_CODES = {"404": "NOT_FOUND", "405": "METHOD_NOT_ALLOWED", "413": "PAYLOAD_TOO_LARGE",
                "415": "UNSUPPORTED_MEDIA_TYPE", "400": "INVALID_JSON"}


@pytest.mark.parametrize("status", list(STATUS_CASES))
def test_every_status_has_envelope_and_headers(server, status):
    method, path, kw = STATUS_CASES[status]
    r = server.request(method, path, **kw)
    if status == "200":
        assert_ok(r)
    else:
        assert_error(r, int(status), STATUS_CODES[status])


def test_store_down_is_503_with_envelope(dead_store_server):
    r = dead_store_server.get("/api/health", timeout=10)
    assert_error(r, 503, "STORE_UNAVAILABLE")
    assert r.headers.get("Retry-After") == "5"
    assert r.elapsed.total_seconds() < 4, "the health ping is bounded at 1 s"


def test_request_ids_are_distinct(server):
    ids = [server.get("/api/health").headers.get("X-Request-Id") for _ in range(8)]
    ids += [server.get("/api/nope").headers.get("X-Request-Id") for _ in range(4)]
    assert all(i and harness.REQUEST_ID.match(i) for i in ids), ids
    assert len(set(ids)) == len(ids), ids


def test_no_server_version_banner(server):
    r = server.get("/api/health")
    banner = r.headers.get("Server", "")
    assert not any(c.isdigit() for c in banner), banner
    assert "X-Powered-By" not in r.headers


# ---- routing ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/no-such-route", "/api", "/api/health/extra", "/api/Health",
                                  "/api/HEALTH", "/api/healthz"])
def test_unknown_path_is_404(server, path):
    assert_error(server.get(path), 404, "NOT_FOUND")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_wrong_method_is_405_with_allow(server, method):
    r = server.request(method, "/api/health", data=b"not json", headers={"Content-Type": "text/plain"})
    assert_error(r, 405, "METHOD_NOT_ALLOWED")  # route and method are checked before the media type
    assert r.headers.get("Allow") == "GET, HEAD"


def test_trace_is_405_json(server):
    r = server.raw_request("TRACE", "/api/health")
    assert_error(r, 405, "METHOD_NOT_ALLOWED")
    assert r.header("Allow") == "GET, HEAD"


def test_post_only_route_405_allow(server):
    r = server.get(ECHO)
    assert_error(r, 405, "METHOD_NOT_ALLOWED")
    assert r.headers.get("Allow") == "POST"


def test_httpd_own_errors_are_json(server):
    """httpd answers these itself before any handler; ErrorDocument hands them back to the module."""
    big_header = server.get("/api/health", headers={"X-Big": "a" * 9000})
    assert_error(big_header, 400, "VALIDATION_ERROR")
    long_uri = server.get("/api/health?" + "a" * 9000)
    assert_error(long_uri, 414, "VALIDATION_ERROR")
    too_many = server.get("/api/health", headers={f"X-H{i}": "1" for i in range(120)})
    assert_error(too_many, 400, "VALIDATION_ERROR")


def test_head_health_has_headers_and_no_body(server):
    r = server.raw_request("HEAD", "/api/health")
    assert r.status == 200, r
    assert_api_headers(r)
    # read to the end of the connection: nothing may follow the headers
    full = server.raw_request("HEAD", "/api/health", to_eof=True)
    assert full.status == 200 and full.body == b"", full


def test_raw_request_line_control(server):
    r = server.raw_request("GET", "/api/health")
    assert_ok(r)


RAW_404 = ["/api/health/", "/api//health", "/api/./health", "/api/../api/health", "/api/health/.",
           "/api/health/..", "/api/%2e/health", "/api/%2E/health", "/api/%2e%2e/api/health",
           "/api/%2E%2e/health", "/api/health%2F", "/api/health%2f", "/api/%2Fhealth",
           "/api/health%00", "/api/%00", "/api/Health"]


@pytest.mark.parametrize("target", RAW_404)
def test_raw_path_rules_are_json_404(server, target):
    assert_error(server.raw_request("GET", target), 404, "NOT_FOUND")


# ---- CORS ---------------------------------------------------------------------------------

def _no_cors_headers(headers):
    return [h for h in headers if h.lower().startswith("access-control-")]


def test_cors_allowed_origin(cors_server):
    r = cors_server.get("/api/health", headers={"Origin": ORIGIN})
    assert_ok(r)
    assert r.headers.get("Access-Control-Allow-Origin") == ORIGIN
    assert "Origin" in [v.strip() for v in r.headers.get("Vary", "").split(",")]
    assert r.headers.get("Access-Control-Expose-Headers") == EXPOSE
    assert "Access-Control-Allow-Credentials" not in r.headers


def test_cors_on_error_responses(cors_server):
    r = cors_server.get("/api/no-such-route", headers={"Origin": ORIGIN})
    assert_error(r, 404, "NOT_FOUND")
    assert r.headers.get("Access-Control-Allow-Origin") == ORIGIN
    assert r.headers.get("Access-Control-Expose-Headers") == EXPOSE
    assert "Access-Control-Allow-Credentials" not in r.headers


def test_cors_preflight(cors_server):
    r = cors_server.request("OPTIONS", "/api/health", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization"})
    assert r.status_code == 204, harness.describe(r)
    assert r.content == b""
    assert_api_headers(r, content_type=None)
    assert r.headers.get("Access-Control-Allow-Origin") == ORIGIN
    assert r.headers.get("Access-Control-Allow-Methods") == "GET, POST, PATCH, DELETE"
    assert r.headers.get("Access-Control-Allow-Headers") == \
        "Authorization, Content-Type, Idempotency-Key, X-Filename, If-None-Match"
    assert r.headers.get("Access-Control-Max-Age") == "600"
    assert "Origin" in [v.strip() for v in r.headers.get("Vary", "").split(",")]
    assert "Access-Control-Allow-Credentials" not in r.headers


@pytest.mark.parametrize("origin", ["https://evil.example", "http://book.example",
                                    "https://book.example.evil.example", "https://book.example:8443",
                                    "null"])
def test_cors_other_origins_get_nothing(cors_server, origin):
    r = cors_server.get("/api/health", headers={"Origin": origin})
    assert_ok(r)
    assert _no_cors_headers(r.headers) == [], dict(r.headers)
    p = cors_server.request("OPTIONS", "/api/health", headers={
        "Origin": origin, "Access-Control-Request-Method": "GET"})
    assert _no_cors_headers(p.headers) == [], dict(p.headers)


def test_cors_default_is_no_origin(server):
    r = server.get("/api/health", headers={"Origin": ORIGIN})
    assert_ok(r)
    assert _no_cors_headers(r.headers) == [], dict(r.headers)

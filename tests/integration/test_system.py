"""test_system.py: GET /api/health and GET /api/openapi.json, and the route table agreeing with the
OpenAPI document (SPEC 7.21)."""

import json
import re
import time

import pytest

import harness
from harness import assert_api_headers, assert_error, assert_ok

OPENAPI_FILE = harness.SRC_DIR / "docs" / "openapi.json"
HTTP_METHODS = ("get", "post", "patch", "delete", "put", "options", "head", "trace")


# ---- health ---------------------------------------------------------------------------------

def test_health(server, backend):
    data = assert_ok(server.get("/api/health"))
    assert set(data) == {"status", "version", "uptimeSeconds", "store"}, data
    assert data["status"] == "ok"
    assert isinstance(data["version"], str) and data["version"], data
    assert isinstance(data["uptimeSeconds"], int) and not isinstance(data["uptimeSeconds"], bool)
    assert data["uptimeSeconds"] >= 0
    store = data["store"]
    assert set(store) == {"backend", "status", "latencyMs"}, store
    assert store["backend"] == backend
    assert store["status"] == "ok"
    assert isinstance(store["latencyMs"], (int, float)) and not isinstance(store["latencyMs"], bool)
    assert store["latencyMs"] >= 0


def test_health_head(server):
    r = server.raw_request("HEAD", "/api/health", to_eof=True)
    assert r.status == 200, r
    assert r.body == b""
    assert_api_headers(r)


def test_health_is_not_rate_limited(server):
    """The api bucket is 10/s with burst 20; health is exempt (SPEC 8.2)."""
    statuses = [server.get("/api/health").status_code for _ in range(40)]
    assert statuses == [200] * 40, statuses


def test_health_rejects_unknown_query_parameter(server):
    assert_error(server.get("/api/health?verbose=1"), 400, "VALIDATION_ERROR", field="verbose")


# ---- openapi.json ---------------------------------------------------------------------------

def test_openapi_document(server):
    r = server.get("/api/openapi.json")
    assert r.status_code == 200, harness.describe(r)
    assert_api_headers(r, cache="public, max-age=300")
    doc = r.json()
    assert "success" not in doc, "the document is served without the envelope"
    assert doc.get("openapi", "").startswith("3.1"), doc.get("openapi")
    assert doc == json.loads(OPENAPI_FILE.read_text(encoding="utf-8")), \
        "the served document differs from docs/openapi.json"


def test_openapi_paths_are_full():
    doc = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
    assert all(p.startswith("/api/") for p in doc.get("paths", {})), list(doc.get("paths", {}))


def _resolve(doc, obj):
    while isinstance(obj, dict) and "$ref" in obj:
        node = doc
        for part in obj["$ref"].lstrip("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        obj = node
    return obj


def openapi_operations(doc):
    """{(METHOD, path): {"access": x-access, "query": set of query parameter names}}"""
    ops = {}
    for path, item in doc.get("paths", {}).items():
        item = _resolve(doc, item)
        shared = [_resolve(doc, p) for p in item.get("parameters", [])]
        for method, op in item.items():
            if method not in HTTP_METHODS or method in ("head", "options"):
                continue
            params = shared + [_resolve(doc, p) for p in op.get("parameters", [])]
            ops[(method.upper(), path)] = {
                "access": op.get("x-access"),
                "query": {p["name"] for p in params if p.get("in") == "query"},
            }
    return ops


def route_table():
    """The module's route table as printed by `ruzizi-ctl routes` (one JSON object per line),
    without the test-build routes."""
    p = harness.run_ctl(None, "routes", check=False)
    assert p.returncode == 0, f"ruzizi-ctl routes failed ({p.returncode}): {p.stderr.strip()}"
    routes = {}
    for line in p.stdout.splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        if r["path"].startswith("/api/_test/") or r["method"] in ("HEAD", "OPTIONS"):
            continue
        key = (r["method"], r["path"])
        assert key not in routes, f"route declared twice: {key}"
        routes[key] = {"access": r.get("access"), "query": set(r.get("query", []))}
    return routes


def test_route_table_matches_openapi(built):
    routes = route_table()
    ops = openapi_operations(json.loads(OPENAPI_FILE.read_text(encoding="utf-8")))
    assert routes, "ruzizi-ctl routes printed no routes"
    only_code = sorted(set(routes) - set(ops))
    only_doc = sorted(set(ops) - set(routes))
    assert not only_code and not only_doc, \
        f"routes missing from docs/openapi.json: {only_code}; documented but not routed: {only_doc}"
    differences = []
    for key, route in sorted(routes.items()):
        op = ops[key]
        if route["access"] != op["access"]:
            differences.append(f"{key}: access {route['access']!r} in code, "
                               f"x-access {op['access']!r} in docs")
        if route["query"] != op["query"]:
            differences.append(f"{key}: query {sorted(route['query'])} in code, "
                               f"{sorted(op['query'])} in docs")
    assert not differences, "\n".join(differences)


@pytest.mark.parametrize("key", [("GET", "/api/health"), ("GET", "/api/openapi.json")])
def test_system_routes_are_public(built, key):
    routes = route_table()
    assert key in routes and routes[key]["access"] == "public", routes.get(key)


# ---- a store whose schema is behind this build ------------------------------------------------

def test_schema_behind_is_503_until_migrated(server_factory, backend):
    """SPEC 8.9 / DESIGN 3: the module answers 503 and logs one clear line per process while the
    store's migrations are behind; `ruzizi-ctl migrate` brings it back without a restart."""
    if backend != "sqlite":
        pytest.skip("schema-behind check: shown on the sqlite store (the check is backend-neutral)")
    d = harness.make_tmpdir("ruzizi-unmigrated-")
    harness.chown_to_run_user(d)
    uri = f"sqlite:{d}/store.db"
    srv = server_factory(uri, "sqlite", migrate=False, allow_log=[r"RZ00301", r"RZ00201"])
    for _ in range(6):
        r = srv.get("/api/health")
        assert_error(r, 503, "STORE_UNAVAILABLE")
        assert r.headers.get("Retry-After") == "5"
    lines = [l for l in srv.error_log.read_text().splitlines() if "RZ00301" in l]
    pids = [re.search(r"\[pid (\d+)", l).group(1) for l in lines]
    assert lines and len(pids) == len(set(pids)), lines  # one line per child process, not per request
    assert "ruzizi-ctl migrate" in lines[0]
    harness.run_ctl(uri, "migrate")
    harness.chown_to_run_user(d)
    deadline = time.time() + 15
    while time.time() < deadline:
        if srv.get("/api/health").status_code == 200:
            break
        time.sleep(0.5)
    assert_ok(srv.get("/api/health"))

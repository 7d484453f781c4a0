"""test_ratelimit.py: the rate limits of SPEC 8.2 are shared by every httpd process (prefork, several
children) and keyed by client address: clients come from several loopback sources (127.0.0.x)."""
import concurrent.futures
import re
import time

import pytest
import requests
from requests.adapters import HTTPAdapter

import harness
import identity
from harness import assert_error, assert_ok


class SourceAdapter(HTTPAdapter):
    """Connects from a given local address (a loopback alias such as 127.0.0.2)."""

    def __init__(self, source, **kw):
        self.source = source
        super().__init__(**kw)

    def init_poolmanager(self, *args, **kw):
        kw["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kw)


def client(server, source):
    s = requests.Session()
    s.trust_env = False
    s.verify = str(server.ca.ca_cert)
    s.mount("https://", SourceAdapter(source))
    s.headers["Connection"] = "close"  # a new connection, so a new process may serve each request
    return s


@pytest.fixture(scope="module")
def prefork(start_server):
    d = harness.make_tmpdir("ruzizi-pidlog-")
    harness.chown_to_run_user(d)
    conf = (f'LogFormat "%P %a %>s" pidlog\nCustomLog {d}/pid.log pidlog\n'
            "RuziziRateLimit api 10/min 10\n"
            "RuziziRateLimit login-ip 3/min\n")
    srv = start_server(extra_conf=conf, mpm="prefork")
    srv.pidlog = d / "pid.log"
    return srv


def served_by(srv, source):
    """PIDs of the children that answered `source` so far (from the access log)."""
    time.sleep(0.3)
    lines = srv.pidlog.read_text().splitlines() if srv.pidlog.exists() else []
    return {l.split()[0] for l in lines if l.split()[1] == source}


def test_ip_bucket_is_shared_across_processes(prefork):
    # concurrent connections, so that several prefork children serve the one address
    def one(_):
        return client(prefork, "127.0.0.2").get(prefork.url("/api/openapi.json")).status_code

    with concurrent.futures.ThreadPoolExecutor(7) as pool:
        codes = list(pool.map(one, range(14)))
    assert sorted(codes) == [200] * 10 + [429] * 4, codes
    assert len(served_by(prefork, "127.0.0.2")) >= 2, "all requests hit one process: not shown"
    c = client(prefork, "127.0.0.2")
    r = c.get(prefork.url("/api/openapi.json"))
    assert_error(r, 429, "RATE_LIMITED")
    assert re.fullmatch(r"[1-9][0-9]*", r.headers["Retry-After"]), r.headers


def test_each_client_address_has_its_own_bucket(prefork):
    for source in ("127.0.0.3", "127.0.0.4"):
        c = client(prefork, source)
        codes = [c.get(prefork.url("/api/openapi.json")).status_code for _ in range(11)]
        assert codes == [200] * 10 + [429], (source, codes)


def test_health_is_never_rate_limited(prefork):
    c = client(prefork, "127.0.0.2")  # already limited above
    for _ in range(5):
        assert c.get(prefork.url("/api/health")).status_code == 200


def test_failed_logins_count_per_address_successes_do_not(prefork):
    identity.create_admin(prefork, "rl-admin@example.com", "rl-admin-pass")
    good = {"email": "rl-admin@example.com", "password": "rl-admin-pass"}
    ok = client(prefork, "127.0.0.5")
    for _ in range(4):  # more successes than login-ip allows failures: successes do not count
        assert ok.post(prefork.url("/api/auth/login"), json=good).status_code == 200
    bad = client(prefork, "127.0.0.6")
    codes = [bad.post(prefork.url("/api/auth/login"),
                      json={"email": f"x{i}@example.com", "password": "wrong-pass"}).status_code
             for i in range(4)]
    assert codes == [401, 401, 401, 429], codes
    assert ok.post(prefork.url("/api/auth/login"), json=good).status_code == 200

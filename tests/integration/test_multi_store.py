"""test_multi_store.py: one httpd, several virtual hosts, several stores (issue 9 section 2): the
main server on a migrated SQLite file (A), a virtual host on a second migrated SQLite file (B), one
on a SQLite file that was never migrated (C) and, when jongodb runs, one on a migrated MongoDB
database (D). Served by one process, so that what a process remembers (schema state, the cache of
authenticated users) is shared by every request: each store keeps its own schema state, a user
cached for one store is never the answer on another, and background jobs run on every distinct
store, not only on the main server's."""
import copy
import os
import secrets
import time

import pytest

import harness
import identity
import storedirect
from harness import assert_error, assert_ok

JONGODB_URI = os.environ.get("RUZIZI_JONGODB_URI")
ADMIN = ("multi-admin@example.com", "multi-pass-123")


def one_process(mpm):
    """MPM directives for a server of exactly one child process."""
    if mpm == "prefork":  # one worker: no keep-alive, or a kept connection would block the next
        return ("StartServers 1\nMinSpareServers 1\nMaxSpareServers 1\nServerLimit 1\n"
                "MaxRequestWorkers 1\nKeepAlive Off\n")
    return ("StartServers 1\nServerLimit 1\nThreadsPerChild 10\nMaxRequestWorkers 10\n"
            "MinSpareThreads 1\nMaxSpareThreads 11\n")


def vhost_conf(ca, port, store_uri):
    return (f"Listen 127.0.0.1:{port}\n<VirtualHost 127.0.0.1:{port}>\n    ServerName localhost\n"
            f"    SSLEngine on\n    SSLCertificateFile {ca.cert}\n"
            f"    SSLCertificateKeyFile {ca.key}\n    RuziziStore {store_uri}\n</VirtualHost>\n")


def sqlite_store(migrate):
    d = harness.make_tmpdir("ruzizi-vhost-")
    uri = f"sqlite:{d}/ruzizi.db"
    if migrate:
        harness.run_ctl(uri, "migrate")
    harness.chown_to_run_user(d)
    return uri


class Vhost:
    """The parts of harness.Server the helpers use, for a virtual host of a running server."""

    def __init__(self, main, port, store_uri, backend):
        self.main, self.port, self.store_uri, self.backend = main, port, store_uri, backend
        self.base_url = f"https://127.0.0.1:{port}"
        self.dir, self.extra_conf, self.ca = main.dir, main.extra_conf, main.ca

    def url(self, path):
        return self.base_url + path

    def get(self, path, **kw):
        return self.main.session.get(self.url(path), timeout=kw.pop("timeout", 15), **kw)

    def post(self, path, **kw):
        return self.main.session.post(self.url(path), timeout=kw.pop("timeout", 15), **kw)


@pytest.fixture(scope="module")
def hosts(server_factory, test_ca):
    mpm = os.environ.get("MPM", "event")
    stores = {"B": (sqlite_store(True), "sqlite"), "C": (sqlite_store(False), "sqlite")}
    if JONGODB_URI:
        uri = harness.mongo_uri_with_db(JONGODB_URI, "rz_" + secrets.token_hex(6))
        harness.run_ctl(uri, "migrate")
        stores["D"] = (uri, "mongodb")
    ports = {name: harness.free_port() for name in stores}
    conf = one_process(mpm) + "".join(vhost_conf(test_ca, ports[n], stores[n][0]) for n in stores)
    # C is behind this build's schema: its requests answer 503 and say so in the log once
    main = server_factory(None, "sqlite", extra_conf=conf, mpm=mpm,
                          allow_log=(r"RZ00301: store schema is at version 0",
                                     r"RZ00201: store unavailable"))
    out = {"A": main}
    out.update({n: Vhost(main, ports[n], uri, be) for n, (uri, be) in stores.items()})
    return out


def health(host):
    return host.get("/api/health")


def test_each_store_keeps_its_own_schema_state(hosts):
    # the harness's start-up probe already found A current: that must not make C current
    for _ in range(3):
        assert assert_ok(health(hosts["A"]))["store"]["status"] == "ok"
        assert_error(health(hosts["C"]), 503, "STORE_UNAVAILABLE")
        # ... and C found behind must not make A or B answer 503 for the next 5 s
        assert_ok(health(hosts["A"]))
        assert_ok(health(hosts["B"]))
    if "D" in hosts:
        assert assert_ok(health(hosts["D"]))["store"]["backend"] == "mongodb"
        assert_error(health(hosts["C"]), 503, "STORE_UNAVAILABLE")


def test_a_cached_user_never_answers_for_another_store(hosts):
    a = hosts["A"]
    identity.create_admin(a, *ADMIN)
    tok = identity.login(a, *ADMIN)["tokens"]["accessToken"]
    h = identity.bearer(tok)
    me = assert_ok(a.get("/api/auth/me", headers=h))  # now cached for store A in the one process
    assert me["email"] == ADMIN[0]
    # the same token (same keys, issuer and audience) on the other stores: no such user there
    for name in ("B", "D"):
        if name in hosts:
            assert_error(hosts[name].get("/api/auth/me", headers=h), 401, "UNAUTHORIZED")
    assert assert_ok(a.get("/api/auth/me", headers=h))["email"] == ADMIN[0]


def leases(host):
    return {d.get("job") for d in storedirect.find_all(host, "job_leases")}


def test_jobs_run_on_every_distinct_store(hosts):
    want = {"purge", "booking_expiry", "no_show"}
    deadline = time.time() + 90
    names = [n for n in ("A", "B", "D") if n in hosts]
    while time.time() < deadline and not all(want <= leases(hosts[n]) for n in names):
        time.sleep(1)
    for n in names:
        assert want <= leases(hosts[n]), f"store {n}: job leases {leases(hosts[n])}"
    # the store behind this build's schema gets no job (nor any table written by one)
    assert storedirect.find_all(hosts["C"], "job_leases") == []


def test_the_store_behind_recovers_after_migrate(hosts):
    c = copy.copy(hosts["C"])
    harness.run_ctl(c.store_uri, "migrate")
    harness.chown_to_run_user(os.path.dirname(c.store_uri[len("sqlite:"):]))
    deadline = time.time() + 30  # a store found behind is asked again every 5 s
    while time.time() < deadline and health(c).status_code != 200:
        time.sleep(0.5)
    assert assert_ok(health(c))["store"]["backend"] == "sqlite"

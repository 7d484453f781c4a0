"""conftest.py: fixtures that run real httpd instances with the just-built module (see harness.py).

Fixtures
  test_ca          session: throw-away CA + server certificate
  backend          module, parametrised: "sqlite" | "mongodb" (skipped when RUZIZI_JONGODB_URI is unset)
  start_server     module: factory start_server(extra_conf="...", allow_log=(regex, ...)) -> Server on a
                   fresh, migrated store of `backend`; every server is stopped and its error log checked
                   when the module's tests for that backend are done
  server           module: start_server() with the default configuration
  server_factory   module: factory server_factory(store_uri, backend, migrate=..., web_root=..., ...) for
                   special stores, or a server that also serves the web front end from web_root
"""

import os
import shutil

import pytest

import harness

JONGODB_URI = os.environ.get("RUZIZI_JONGODB_URI")
BACKENDS = ["sqlite", "mongodb"]


@pytest.fixture(scope="session")
def test_ca():
    d = harness.make_tmpdir("ruzizi-ca-")
    yield harness.TlsCA(d)
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def built():
    """The module and ruzizi-ctl must have been built into RUZIZI_BUILD_DIR."""
    missing = [str(p) for p in (harness.MODULE, harness.CTL) if not p.exists()]
    if missing:
        pytest.fail(f"not built: {', '.join(missing)} (set RUZIZI_BUILD_DIR or run scripts/test)")
    return harness.BUILD_DIR


class ServerPool:
    """Starts servers and, at teardown, stops them all and checks their error logs."""

    def __init__(self, ca):
        self.ca = ca
        self.servers = []

    def start(self, store_uri, backend, extra_conf="", migrate=True, allow_log=(), mpm=None,
              web_root=None, web_conf=None):
        work = harness.make_tmpdir("ruzizi-httpd-")
        if store_uri is None:
            data = work / "data"
            data.mkdir()
            store_uri = harness.new_store_uri(backend, data, JONGODB_URI)
        srv = harness.Server(self.ca, store_uri, backend, extra_conf=extra_conf, mpm=mpm,
                             allow_log=allow_log, workdir=work, web_root=web_root,
                             web_conf=web_conf)
        self.servers.append(srv)
        problem = None
        try:
            if migrate:
                harness.run_ctl(store_uri, "migrate")
            if (work / "data").exists():
                harness.chown_to_run_user(work / "data")
            return srv.start()
        except RuntimeError as e:
            problem = str(e)
        pytest.fail(problem, pytrace=False)  # a start-up problem: reported without a traceback

    def close(self):
        problems = []
        for srv in self.servers:
            try:
                srv.stop()
            except Exception as e:  # keep stopping the others
                problems.append(f"{srv.base_url}: {e}")
            bad = srv.unexpected_log_lines()
            if bad:
                problems.append(f"{srv.error_log} has unexpected warn/error lines:\n  "
                                + "\n  ".join(bad[:30]))
            elif not os.environ.get("RUZIZI_KEEP_TMP"):
                shutil.rmtree(srv.dir, ignore_errors=True)
        if problems:
            pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request):
    if request.param == "mongodb" and not JONGODB_URI:
        pytest.skip("mongodb backend skipped: RUZIZI_JONGODB_URI is not set "
                    "(scripts/test starts jongodb and sets it)")
    return request.param


@pytest.fixture(scope="module")
def start_server(test_ca, built, backend):
    pool = ServerPool(test_ca)

    def start(extra_conf="", allow_log=(), mpm=None):
        return pool.start(None, backend, extra_conf=extra_conf, allow_log=allow_log, mpm=mpm)

    yield start
    pool.close()


@pytest.fixture(scope="module")
def server(start_server):
    return start_server()


@pytest.fixture(scope="module")
def server_factory(test_ca, built):
    pool = ServerPool(test_ca)
    yield pool.start
    pool.close()

"""harness.py: runs a real Debian httpd with the just-built mod_ruzizi for the integration tests."""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

import requests

SRC_DIR = Path(__file__).resolve().parents[2]
BUILD_DIR = Path(os.environ.get("RUZIZI_BUILD_DIR", SRC_DIR / "build" / "test")).resolve()
MODULE = BUILD_DIR / ".libs" / "mod_ruzizi.so"
CTL = BUILD_DIR / "ruzizi-ctl"
APACHE = "/usr/sbin/apache2"
MODDIR = "/usr/lib/apache2/modules"
IS_ROOT = os.geteuid() == 0
RUN_USER = "www-data"

# Error-log lines at warn or worse that are startup/shutdown noise, not defects. Keep this short.
LOG_ALLOW = [
    r"AH00558",  # could not reliably determine the server's fully qualified domain name
    r"AH01909",  # mod_ssl: certificate does not include an ID which matches the server name
    r"AH00098",  # pid file overwritten -- unclean shutdown of a previous instance
]
LOG_BAD = re.compile(r"^\[[^\]]*\] \[[\w.-]*:(warn|error|crit|alert|emerg)\]")

REQUEST_ID = re.compile(r"^[0-9a-f]{32}$")
SECURITY_HEADERS = {
    "Strict-Transport-Security": "max-age=63072000",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
}
JSON_CT = "application/json; charset=utf-8"


# ---- small helpers ----------------------------------------------------------------------------

def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_tmpdir(prefix):
    """A fresh directory the httpd children can reach (pytest's tmp dirs are 0700)."""
    d = Path(tempfile.mkdtemp(prefix=prefix))
    d.chmod(0o755)
    return d


def chown_to_run_user(path):
    """When root, hand `path` (recursively) to the user the httpd children run as."""
    if not IS_ROOT:
        return
    shutil.chown(path, RUN_USER, RUN_USER)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            shutil.chown(os.path.join(root, name), RUN_USER, RUN_USER)


def module_directives():
    """Directive names in the module's command table (mod_ruzizi/rz_cmds.c)."""
    text = (SRC_DIR / "mod_ruzizi" / "rz_cmds.c").read_text(encoding="utf-8")
    return set(re.findall(r'AP_INIT_[A-Z0-9_]*\(\s*"(Ruzizi\w+)"', text))


def documented_directives():
    """Directive names documented in conf/ruzizi.conf (one `#   RuziziName ...` line each)."""
    text = (SRC_DIR / "conf" / "ruzizi.conf").read_text(encoding="utf-8")
    return set(re.findall(r"^#\s+(Ruzizi\w+)\b", text, re.M))


def mongo_uri_with_db(uri, db):
    """Returns `uri` with its database path replaced by `db` (query string kept)."""
    parts = urllib.parse.urlsplit(uri)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + db, parts.query, ""))


def run_ctl(store_uri, *args, check=True, timeout=120):
    """Runs ruzizi-ctl --store URI ARGS...; returns the CompletedProcess."""
    if not CTL.exists():
        raise RuntimeError(f"{CTL} is missing: build first (RUZIZI_BUILD_DIR={BUILD_DIR})")
    cmd = [str(CTL)] + (["--store", store_uri] if store_uri else []) + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()}")
    return p


# ---- TLS ---------------------------------------------------------------------------------------

class TlsCA:
    """A throw-away CA and a server certificate for localhost / 127.0.0.1 (openssl CLI)."""

    def __init__(self, directory):
        self.dir = Path(directory)
        self.ca_cert = self.dir / "ca.pem"
        self.cert = self.dir / "server.pem"
        self.key = self.dir / "server.key"
        d = str(self.dir)
        ossl = ["openssl"]
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        self._run(ossl + ["req", "-x509"] + ec + ["-keyout", f"{d}/ca.key", "-out", str(self.ca_cert),
                  "-days", "2", "-subj", "/CN=ruzizi test CA",
                  "-addext", "basicConstraints=critical,CA:TRUE",
                  "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        self._run(ossl + ["req", "-new"] + ec + ["-keyout", str(self.key), "-out", f"{d}/server.csr",
                  "-subj", "/CN=localhost"])
        ext = self.dir / "server.ext"
        ext.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                       "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
        self._run(ossl + ["x509", "-req", "-in", f"{d}/server.csr", "-CA", str(self.ca_cert),
                  "-CAkey", f"{d}/ca.key", "-CAcreateserial", "-days", "2", "-out", str(self.cert),
                  "-extfile", str(ext)])
        self.key.chmod(0o600)

    @staticmethod
    def _run(cmd):
        subprocess.run(cmd, check=True, capture_output=True, stdin=subprocess.DEVNULL)

    def client_context(self):
        ctx = ssl.create_default_context(cafile=str(self.ca_cert))
        return ctx


# ---- raw HTTP over TLS -----------------------------------------------------------------------

class RawResponse:
    """Status, headers (name -> list of values, names lowercased) and body of a raw exchange."""

    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body

    def header(self, name):
        """The value of a header sent once (None if absent); joined with ', ' if repeated."""
        values = self.headers.get(name.lower())
        return ", ".join(values) if values else None

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return f"<RawResponse {self.status} {self.body[:200]!r}>"


def _read_chunked(f):
    body = b""
    while True:
        line = f.readline()
        if not line:
            raise EOFError("connection closed inside a chunked body")
        size = int(line.split(b";")[0].strip(), 16)
        if size == 0:
            while f.readline() not in (b"\r\n", b"\n", b""):
                pass
            return body
        body += f.read(size)
        f.readline()


def raw_exchange(host, port, ctx, data, timeout=15.0, to_eof=False):
    """Sends `data` (bytes, or a list of byte strings sent with short pauses) over TLS and parses
    one HTTP/1.1 response. A HEAD request is read without a body, unless to_eof: then everything
    up to the end of the connection is the body (send `Connection: close`)."""
    chunks = data if isinstance(data, list) else [data]
    with socket.create_connection((host, port), timeout=timeout) as sock:
        with ctx.wrap_socket(sock, server_hostname="localhost") as tls:
            for i, chunk in enumerate(chunks):
                try:
                    tls.sendall(chunk)
                except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                    break  # the server answered early and closed (e.g. 413): read what it sent
                if i + 1 < len(chunks):
                    time.sleep(0.05)
            f = tls.makefile("rb")
            status_line = f.readline()
            if not status_line:
                raise EOFError("no response")
            parts = status_line.decode("latin-1").rstrip("\r\n").split(" ", 2)
            status = int(parts[1])
            reason = parts[2] if len(parts) > 2 else ""
            headers = {}
            while True:
                line = f.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                headers.setdefault(name.strip().lower(), []).append(value.strip())
            is_head = chunks[0].startswith(b"HEAD ")
            if to_eof:
                body = f.read()
            elif is_head or status in (204, 304) or 100 <= status < 200:
                body = b""
            elif "chunked" in ",".join(headers.get("transfer-encoding", [])).lower():
                body = _read_chunked(f)
            elif "content-length" in headers:
                body = f.read(int(headers["content-length"][0]))
            else:
                body = f.read()
            return RawResponse(status, reason, headers, body)


# ---- the server ----------------------------------------------------------------------------

class Server:
    """One private httpd instance. Attributes: base_url, port, session (requests, verifying the test
    CA), error_log, access_log, store_uri, backend. Stopped by stop(); check_log() enforces a clean
    error log. With web_root (a directory laid out like web/), it also serves the web front end there
    through conf/ruzizi-web.conf, exactly as the shipped site configuration does."""

    def __init__(self, ca, store_uri, backend, extra_conf="", mpm=None, allow_log=(), workdir=None,
                 web_root=None, web_conf=None):
        self.ca = ca
        self.web_root = web_root
        self.web_conf = web_conf or SRC_DIR / "conf" / "ruzizi-web.conf"
        self.store_uri = store_uri
        self.backend = backend
        self.extra_conf = extra_conf
        self.mpm = mpm or os.environ.get("MPM", "event")
        self.allow_log = list(LOG_ALLOW) + list(allow_log)
        self.dir = workdir or make_tmpdir("ruzizi-httpd-")
        self.error_log = self.dir / "error.log"
        self.access_log = self.dir / "access.log"
        self.conf_path = self.dir / "httpd.conf"
        self.proc = None
        self.port = None
        self.session = None
        self.base_url = None
        self._ctx = ca.client_context()

    # -- configuration --
    def config_text(self):
        d = self.dir
        if self.mpm == "prefork":
            mpm = ("LoadModule mpm_prefork_module {m}/mod_mpm_prefork.so\n"
                   "StartServers 3\nMinSpareServers 3\nMaxSpareServers 5\n").format(m=MODDIR)
        elif self.mpm == "event":
            mpm = ("LoadModule mpm_event_module {m}/mod_mpm_event.so\n"
                   "StartServers 2\nThreadsPerChild 10\nMinSpareThreads 5\nMaxSpareThreads 20\n"
                   "MaxRequestWorkers 40\n").format(m=MODDIR)
        else:
            raise ValueError(f"unsupported MPM {self.mpm!r} (event or prefork)")
        user = f"User {RUN_USER}\nGroup {RUN_USER}\n" if IS_ROOT else ""
        keyfile = ""
        if "RuziziJwtKeyFile" in module_directives() and "RuziziJwtKeyFile" not in self.extra_conf:
            keyfile = f"RuziziJwtKeyFile {d}/jwt.keys\n"
        if "RuziziRateLimit" in module_directives():
            # tests send far more than 10 req/s from one address (SPEC 8.2 allows raising limits in
            # test configurations); rate-limit tests set their own values in extra_conf, which
            # comes later and wins
            keyfile += "RuziziRateLimit api 100000/s 100000\n"
        if "RuziziUploadDir" in module_directives() and "RuziziUploadDir" not in self.extra_conf:
            # image renditions: a directory the children (www-data when root) may write
            uploads = d / "uploads"
            uploads.mkdir(exist_ok=True)
            chown_to_run_user(uploads)
            keyfile += f"RuziziUploadDir {uploads}\n"
        web_modules = web = ""
        if self.web_root:
            web_modules = "".join(f"LoadModule {m}_module {MODDIR}/mod_{m}.so\n"
                                  for m in ("alias", "dir", "filter", "deflate"))
            web = f'Define RUZIZI_WEB_ROOT "{self.web_root}"\nInclude "{self.web_conf}"\n'
        return f"""# generated by tests/integration/harness.py
ServerRoot {d}
DefaultRuntimeDir {d}/run
PidFile {d}/run/httpd.pid
Mutex file:{d}/run default
ServerName localhost
Listen 127.0.0.1:{self.port}
{mpm}{user}LoadModule authz_core_module {MODDIR}/mod_authz_core.so
LoadModule mime_module {MODDIR}/mod_mime.so
LoadModule headers_module {MODDIR}/mod_headers.so
LoadModule reqtimeout_module {MODDIR}/mod_reqtimeout.so
LoadModule ratelimit_module {MODDIR}/mod_ratelimit.so
LoadModule socache_shmcb_module {MODDIR}/mod_socache_shmcb.so
LoadModule ssl_module {MODDIR}/mod_ssl.so
LoadModule ruzizi_module {MODULE}
{web_modules}TypesConfig /etc/mime.types
ErrorLog {self.error_log}
LogLevel info ssl:warn reqtimeout:warn
LogFormat "%h %t \\"%r\\" %>s %b %D %{{X-Request-Id}}o" timed
CustomLog {self.access_log} timed
ServerTokens Prod
ServerSignature Off
TraceEnable off
# httpd's own errors (headers too large, URI too long, ...) get the JSON envelope too
ErrorDocument 400 /api/_error
ErrorDocument 408 /api/_error
ErrorDocument 411 /api/_error
ErrorDocument 413 /api/_error
ErrorDocument 414 /api/_error
ErrorDocument 500 /api/_error
ErrorDocument 501 /api/_error
LimitRequestLine 8190
LimitRequestFields 100
LimitRequestFieldSize 8190
RequestReadTimeout header=20-40,MinRate=500 body=20,MinRate=500
SSLEngine on
SSLCertificateFile {self.ca.cert}
SSLCertificateKeyFile {self.ca.key}
SSLProtocol -all +TLSv1.2 +TLSv1.3
SSLSessionCache shmcb:{d}/run/ssl_scache(512000)
<Directory />
    Require all denied
</Directory>
<Location /api>
    Require all granted
    SetHandler ruzizi
</Location>
RuziziStore {self.store_uri}
{keyfile}{web}{self.extra_conf}
"""

    def _write_files(self):
        (self.dir / "run").mkdir(exist_ok=True)
        keys = self.dir / "jwt.keys"
        if not keys.exists():
            key = secrets.token_urlsafe(32).rstrip("=")
            keys.write_text(f"k1:{key}\n")
            keys.chmod(0o600)
        self.conf_path.write_text(self.config_text())
        if IS_ROOT:  # the children write the runtime files (ssl cache, mutexes) after setuid
            shutil.chown(self.dir / "run", RUN_USER, RUN_USER)

    # -- life cycle --
    def start(self, timeout=30.0):
        for attempt in range(3):
            self.port = free_port()
            self.base_url = f"https://127.0.0.1:{self.port}"
            self._write_files()
            if self.error_log.exists():
                self.error_log.unlink()
            with open(self.dir / "stdout.log", "ab") as out:
                self.proc = subprocess.Popen(
                    [APACHE, "-DFOREGROUND", "-f", str(self.conf_path)],
                    stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                    start_new_session=True)
            try:
                self._wait_ready(timeout)
                break
            except PortTaken:
                self.stop()
                continue
        self.session = self._new_session()
        return self

    def _new_session(self):
        s = requests.Session()
        s.trust_env = False  # REQUESTS_CA_BUNDLE or a proxy from the environment would win otherwise
        s.verify = str(self.ca.ca_cert)
        return s

    def _startup_output(self):
        out = ""
        for f in (self.dir / "stdout.log", self.error_log):
            if f.exists():
                out += f.read_text(errors="replace")[-4000:]
        return out

    def _wait_ready(self, timeout):
        """Polls GET /api/health until 200. A server that answers something else for 3 s is
        handed to the tests anyway (they report what is wrong); one that never answers fails."""
        deadline = time.monotonic() + timeout
        first_answer = None
        probe = self._new_session()
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                out = self._startup_output()
                if "Address already in use" in out:
                    raise PortTaken()
                raise RuntimeError(f"httpd exited with {self.proc.returncode} at start-up:\n{out}")
            try:
                r = probe.get(self.base_url + "/api/health", timeout=3)
                if r.status_code == 200:
                    return
                first_answer = first_answer or time.monotonic()
                if time.monotonic() - first_answer > 3:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"httpd did not answer GET /api/health within {timeout:.0f} s:\n"
                           f"{self._startup_output()}")

    def stop(self, timeout=15.0):
        if self.session is not None:
            self.session.close()
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)
            raise RuntimeError(f"httpd did not stop within {timeout:.0f} s after SIGTERM (killed)")
        finally:
            try:  # children left behind by a crashed parent
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def unexpected_log_lines(self):
        if not self.error_log.exists():
            return []
        bad = []
        for line in self.error_log.read_text(errors="replace").splitlines():
            if LOG_BAD.match(line) and not any(re.search(a, line) for a in self.allow_log):
                bad.append(line)
        return bad

    def check_log(self):
        bad = self.unexpected_log_lines()
        if bad:
            raise AssertionError(f"unexpected warn/error lines in {self.error_log}:\n" + "\n".join(bad[:30]))

    # -- requests --
    def url(self, path):
        return self.base_url + path

    def get(self, path, **kw):
        return self.session.get(self.url(path), timeout=kw.pop("timeout", 15), **kw)

    def post(self, path, **kw):
        return self.session.post(self.url(path), timeout=kw.pop("timeout", 15), **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def request(self, method, path, **kw):
        return self.session.request(method, self.url(path), timeout=kw.pop("timeout", 15), **kw)

    def raw(self, data, timeout=15.0, to_eof=False):
        """Sends raw bytes (or a list of byte strings) over TLS; returns a RawResponse."""
        return raw_exchange("127.0.0.1", self.port, self._ctx, data, timeout, to_eof)

    def raw_request(self, method, target, headers=None, body=b"", timeout=15.0, to_eof=False):
        """Builds an HTTP/1.1 request with `Host` and `Connection: close` and sends it raw.
        `target` is sent byte for byte (no normalisation)."""
        lines = [f"{method} {target} HTTP/1.1", f"Host: localhost:{self.port}", "Connection: close"]
        for k, v in (headers or {}).items():
            lines.append(f"{k}: {v}")
        framed = any(k.lower() in ("content-length", "transfer-encoding") for k in (headers or {}))
        if not framed and (body or method in ("POST", "PUT", "PATCH")):
            lines.append(f"Content-Length: {len(body)}")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        return self.raw(head + body, timeout, to_eof)


class PortTaken(Exception):
    """The chosen port was grabbed by someone else between free_port() and Listen."""


def new_store_uri(backend, tmpdir, jongodb_uri=None):
    """A fresh, empty store of `backend` ("sqlite" uses a file in tmpdir)."""
    if backend == "sqlite":
        return f"sqlite:{tmpdir}/ruzizi.db"
    if backend == "mongodb":
        return mongo_uri_with_db(jongodb_uri, "rz_" + secrets.token_hex(6))
    raise ValueError(backend)


def configtest(directives, workdir=None):
    """Runs `apache2 -t` on a minimal configuration loading the module plus `directives` (text).
    Returns (returncode, combined output)."""
    d = workdir or make_tmpdir("ruzizi-configtest-")
    try:
        return _configtest(directives, d)
    finally:
        if workdir is None:
            shutil.rmtree(d, ignore_errors=True)


def _configtest(directives, d):
    (d / "run").mkdir(exist_ok=True)
    conf = d / "httpd.conf"
    conf.write_text(f"""# generated by tests/integration/harness.py (configtest)
ServerRoot {d}
DefaultRuntimeDir {d}/run
PidFile {d}/run/httpd.pid
ServerName localhost
Listen 127.0.0.1:{free_port()}
LoadModule mpm_event_module {MODDIR}/mod_mpm_event.so
LoadModule authz_core_module {MODDIR}/mod_authz_core.so
LoadModule ruzizi_module {MODULE}
ErrorLog {d}/error.log
{directives}
""")
    p = subprocess.run([APACHE, "-t", "-f", str(conf)], capture_output=True, text=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout + p.stderr


# ---- assertions shared by the tests ----------------------------------------------------------

def status_of(resp):
    return resp.status if isinstance(resp, RawResponse) else resp.status_code


def header_of(resp, name):
    return resp.header(name) if isinstance(resp, RawResponse) else resp.headers.get(name)


def body_of(resp):
    return resp.body if isinstance(resp, RawResponse) else resp.content


def describe(resp):
    return f"HTTP {status_of(resp)} {body_of(resp)[:300]!r}"


def assert_api_headers(resp, cache="no-store", content_type=JSON_CT):
    """The headers every /api response carries (SPEC 2.2, 8.4). content_type=None skips that check
    (204 has no body)."""
    problems = []
    rid = header_of(resp, "X-Request-Id")
    if not rid or not REQUEST_ID.match(rid):
        problems.append(f"X-Request-Id {rid!r} is not 32 lowercase hex characters")
    expected = dict(SECURITY_HEADERS, **{"Cache-Control": cache})
    if content_type:
        expected["Content-Type"] = content_type
    for name, value in expected.items():
        got = header_of(resp, name)
        if got != value:
            problems.append(f"{name}: expected {value!r}, got {got!r}")
    server = header_of(resp, "Server")
    if server and re.search(r"\d", server):
        problems.append(f"Server header shows a version: {server!r}")
    if header_of(resp, "X-Powered-By"):
        problems.append("X-Powered-By is present")
    assert not problems, f"{describe(resp)}\n" + "\n".join(problems)


def assert_ok(resp, status=200):
    """A success envelope with the API headers; returns data."""
    assert status_of(resp) == status, describe(resp)
    assert_api_headers(resp)
    doc = json.loads(body_of(resp))
    assert doc.get("success") is True, doc
    assert "data" in doc, doc
    assert set(doc) <= {"success", "data", "message", "pagination"}, doc
    return doc["data"]


def assert_error(resp, status, code, field=None, message=None):
    """An error envelope (SPEC 2.2) with the API headers; returns the error object."""
    assert status_of(resp) == status, describe(resp)
    assert_api_headers(resp)
    doc = json.loads(body_of(resp))
    assert set(doc) == {"success", "error"}, doc
    assert doc["success"] is False, doc
    err = doc["error"]
    assert err.get("code") == code, doc
    assert isinstance(err.get("message"), str) and err["message"], doc
    assert set(err) <= {"code", "message", "details"}, doc
    if code == "VALIDATION_ERROR":
        assert isinstance(err.get("details"), list) and err["details"], doc
        for d in err["details"]:
            assert set(d) == {"field", "message"} and isinstance(d["field"], str), doc
    if field is not None:
        fields = [d["field"] for d in err.get("details", [])]
        assert field in fields, f"no detail for field {field!r}: {doc}"
        if message is not None:
            msgs = [d["message"] for d in err["details"] if d["field"] == field]
            assert message in msgs, f"field {field!r}: expected message {message!r}, got {msgs}"
    return err

"""backoffice.py: helpers of the back-office browser tests: log in as a demo account, call the API as an account
(to set data up or check what a page did), wait for a page to finish loading, make a test PNG."""

import struct
import urllib.parse
import uuid
import zlib

from conftest import DEMO_PASSWORD


def log_in(page, email, password=DEMO_PASSWORD):
    """Logs in through /admin/login and waits for the shell (the user's name in the header)."""
    page.go("/admin/login")
    page.fill("email", email)
    page.fill("password", password)
    page.submit()
    page.until(lambda: not page.path.startswith("/admin/login"), "the end of the login page")
    page.wait(".admin-user")


def settled(page, timeout=20):
    """Waits until the page under the shell has its main heading and no loading line left."""
    page.wait("main h1", timeout)
    page.until(lambda: not [e for e in page.finds("main .loading") if e.is_displayed()], "the page to finish loading", timeout)


class Api:
    """The API as one account (fresh tokens at creation): get/post/patch/delete return the response."""

    def __init__(self, web, email, password=DEMO_PASSWORD):
        self.server = web.server
        data = web.login(email, password)
        self.user = data["user"]
        self.headers = {"Authorization": f"Bearer {data['tokens']['accessToken']}"}

    def get(self, path, **params):
        # spaces as %20: the API takes '+' literally (SPEC 2.1)
        return self.server.get(f"/api{path}", headers=self.headers,
                               params=urllib.parse.urlencode(params, quote_via=urllib.parse.quote))

    def post(self, path, body=None, key=True):
        headers = dict(self.headers, **({"Idempotency-Key": str(uuid.uuid4())} if key else {}))
        return self.server.post(f"/api{path}", headers=headers, json=body or {})

    def patch(self, path, body):
        return self.server.patch(f"/api{path}", headers=self.headers, json=body)

    def delete(self, path):
        return self.server.delete(f"/api{path}", headers=self.headers)

    def data(self, method, path, *args, **kw):
        """The `data` of a 2xx answer (fails the test on anything else)."""
        r = getattr(self, method)(path, *args, **kw)
        assert r.status_code < 300, f"{method.upper()} {path} -> {r.status_code} {r.text}"
        return r.json()["data"]


def png(width, height, rgb):
    """A solid-colour RGB PNG of width x height pixels (the API wants at least 64 a side)."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def shown(text):
    """A dictionary text as the browser reports an element's text (no-break spaces read as spaces)."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def unique(prefix):
    """A name no other test uses."""
    return f"{prefix} {uuid.uuid4().hex[:6]}"

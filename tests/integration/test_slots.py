"""test_slots.py: the cross-process slots (rz_slots.h) on both stores: a write-gate holder killed
while it holds lets the next writer through within the gate's bound; hash slots held by killed
children come back (logins work afterwards, twice in a row); RuziziMaxConcurrentImageDecodes caps
uploads with 503 SERVER_BUSY and Retry-After: 1; reset-password looks its token up before taking a
hash slot. Slots are held through the test-build route POST /api/_test/hold, whose holder logs its
pid (RZ00901) so the test can SIGKILL it while it holds."""
import concurrent.futures
import hashlib
import os
import re
import secrets
import signal
import struct
import time
import zlib

import pytest
import requests

import identity
import storedirect
from harness import assert_error, assert_ok

ADMIN = ("slots-admin@example.com", "slots-pass-123")
LIMITS = "".join(f"RuziziRateLimit {scope} 100000/min\n" for scope in (
    "login-ip", "login-email", "reset-ip", "change-password"))
# children killed on purpose; writes refused while the gate is held answer 503 (warn RZ00201)
KILL_NOISE = (r"exit signal Killed", r"AH00052", r"RZ00201: store unavailable")
HOLD_LINE = re.compile(r"RZ00901: test hook: pid (\d+) holds the (\w+) slot")
HOLD_MS = 20000  # long enough for each test's steps; the holders are killed well before


class Holders:
    """Starts POST /api/_test/hold requests in the background and finds their holders' pids in
    the error log."""

    def __init__(self, server):
        self.server = server
        self.pool = concurrent.futures.ThreadPoolExecutor(8)
        self.pids = set()  # every holder handed out (a failed test may leave one holding)

    def _lines(self, slot):
        text = self.server.error_log.read_text(errors="replace")
        return [m for m in HOLD_LINE.finditer(text) if m.group(2) == slot]

    def hold(self, slot, n=1, ms=HOLD_MS):
        """Holds n slots of `slot`; returns the holders' pids once all n hold."""
        seen = len(self._lines(slot))
        for _ in range(n):
            self.pool.submit(self._one, slot, ms)
        deadline = time.time() + 30
        while time.time() < deadline:
            lines = self._lines(slot)
            if len(lines) >= seen + n:
                pids = {int(m.group(1)) for m in lines[seen:seen + n]}
                self.pids |= pids
                return pids
            time.sleep(0.1)
        raise AssertionError(f"{n} {slot} holder(s) did not report within 30 s")

    def _one(self, slot, ms):
        s = self.server._new_session()
        try:
            return s.post(self.server.url("/api/_test/hold"), json={"slot": slot, "ms": ms},
                          timeout=ms / 1000 + 30)
        except requests.RequestException as e:  # its child was killed
            return e
        finally:
            s.close()


def kill(pids):
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    # until httpd has reaped them: a killed child's leader is a zombie while its other threads
    # still exit, and the kernel undoes the semaphores only when the last of them has
    deadline = time.time() + 15
    while time.time() < deadline and any(os.path.exists(f"/proc/{p}") for p in pids):
        time.sleep(0.05)


def _state(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return f.read().lower()
    except OSError:
        return "zombie"


@pytest.fixture(scope="module")
def srv(start_server):
    server = start_server(extra_conf=LIMITS + "RuziziMaxConcurrentHashes 2\n"
                          "RuziziMaxConcurrentImageDecodes 1\n", allow_log=KILL_NOISE)
    identity.create_admin(server, *ADMIN)
    server.holders = Holders(server)
    yield server
    kill([p for p in server.holders.pids if "zombie" not in _state(p)])
    server.holders.pool.shutdown(wait=True, cancel_futures=True)


def login(srv):
    return srv.post("/api/auth/login", json={"email": ADMIN[0], "password": ADMIN[1]})


def token(srv):
    return assert_ok(login(srv))["tokens"]["accessToken"]


def test_hold_route_validates(srv):
    assert_error(srv.post("/api/_test/hold", json={"slot": "nope", "ms": 10}), 400,
                 "VALIDATION_ERROR")
    assert_error(srv.post("/api/_test/hold", json={"slot": "gate", "ms": 0}), 400,
                 "VALIDATION_ERROR")
    assert assert_ok(srv.post("/api/_test/hold", json={"slot": "gate", "ms": 1}))["slot"] == "gate"


def test_killed_gate_holder_lets_the_next_writer_through(srv):
    h = identity.bearer(token(srv))
    pids = srv.holders.hold("gate")
    # held: a writer waits for the gate's bound (5 s), then gets 503, never a hang
    r = srv.patch("/api/auth/me", json={"firstName": "Held"}, headers=h, timeout=30)
    assert_error(r, 503, "STORE_UNAVAILABLE")
    kill(pids)
    # the kernel gave the dead holder's gate back: the next writer proceeds at once
    me = assert_ok(srv.patch("/api/auth/me", json={"firstName": "Free"}, headers=h, timeout=30))
    assert me["firstName"] == "Free"


def test_hash_slots_of_killed_children_come_back(srv):
    for round_ in range(2):  # two kills used to leak two slots: every login 503 until restart
        pids = srv.holders.hold("hash", n=2)
        r = login(srv)
        assert_error(r, 503, "SERVER_BUSY")
        assert r.headers["Retry-After"] == "1"
        kill(pids)
        data = assert_ok(login(srv))  # logins work again once the holders are dead
        assert data["tokens"]["accessToken"], round_


def png(w=200, h=120):
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    rows = b"".join(b"\0" + bytes((x + y) % 256 for x in range(3 * w)) for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_image_decodes_are_capped(srv):
    h = identity.bearer(token(srv))
    est = assert_ok(srv.post("/api/establishments", headers=h, json={
        "name": f"Slots Hotel {secrets.token_hex(3)}",
        "location": {"city": "Bujumbura", "address": "1 Avenue", "lat": -3.38, "lng": 29.36},
        "contacts": {"phones": ["+25779000000"], "email": "slots@example.com"}}), 201)["id"]

    def upload():
        return srv.post(f"/api/images?establishmentId={est}", data=png(),
                        headers=dict(h, **{"Content-Type": "image/png"}), timeout=60)

    pids = srv.holders.hold("decode")  # RuziziMaxConcurrentImageDecodes 1: the only slot
    r = upload()
    assert_error(r, 503, "SERVER_BUSY")
    assert r.headers["Retry-After"] == "1"
    assert storedirect.find_all(srv, "images") == []  # nothing stored for the refused upload
    kill(pids)
    img = assert_ok(upload(), 201)
    assert img["establishmentId"] == est


def reset_token(srv, user_id, minutes=30):
    """A usable reset token of user_id stored as forgot-password would (hashed)."""
    tok = secrets.token_urlsafe(32)
    now = time.time()
    storedirect.insert(srv, "reset_tokens", {
        "userId": user_id, "tokenHash": hashlib.sha256(tok.encode()).hexdigest(),
        "expiresAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + minutes * 60)),
        "usedAt": None, "createdAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))})
    return tok


def test_reset_password_looks_the_token_up_before_taking_a_hash_slot(srv):
    user = identity.create_admin(srv, "reset-slot@example.com", "reset-pass-1", force=True)
    good = reset_token(srv, user)
    pids = srv.holders.hold("hash", n=2)  # every hash slot taken
    # an unknown token needs no hash: 400 at once, not 503
    assert_error(srv.post("/api/auth/reset-password",
                          json={"token": secrets.token_urlsafe(32), "newPassword": "reset-pass-2"}),
                 400, "VALIDATION_ERROR", field="token")
    # a usable one needs a slot: 503 with Retry-After, and the token stays usable
    r = srv.post("/api/auth/reset-password", json={"token": good, "newPassword": "reset-pass-2"})
    assert_error(r, 503, "SERVER_BUSY")
    assert r.headers["Retry-After"] == "1"
    kill(pids)
    assert_ok(srv.post("/api/auth/reset-password",
                       json={"token": good, "newPassword": "reset-pass-2"}))
    assert_ok(srv.post("/api/auth/login",
                       json={"email": "reset-slot@example.com", "password": "reset-pass-2"}))
    assert_error(srv.post("/api/auth/reset-password",
                          json={"token": good, "newPassword": "reset-pass-3"}),
                 400, "VALIDATION_ERROR", field="token")

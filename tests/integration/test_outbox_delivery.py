"""test_outbox_delivery.py: the email outbox of SPEC 8.7/8.8 against a real SMTP sink that goes down
and comes back: nothing is lost while the relay is down, and nothing is sent twice."""
import time

import pytest

import identity
import storedirect
from smtp_sink import SmtpSink
from test_auth import HIGH_LIMITS, Clock


@pytest.fixture(scope="module")
def sink(backend):
    s = SmtpSink()  # not started: the relay is down at first
    yield s
    s.stop()


def wait_until(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def test_relay_down_then_back_every_mail_once(start_server, sink):
    clock = Clock()
    srv = start_server(extra_conf=sink.config() + HIGH_LIMITS
                       + "RuziziPublicBaseUrl https://hotel.test\n"
                       + f"RuziziTestClockFile {clock.path}\n",
                       allow_log=[r"RZ00601"])
    emails = [f"guest{i}@example.com" for i in range(3)]
    for i, email in enumerate(emails):
        identity.create_admin(srv, email, f"mail-pass-{i}1", force=True)
        r = srv.post("/api/auth/forgot-password", json={"email": email})
        assert r.status_code == 202, r.text

    def outbox():
        return [d for d in storedirect.find_all(srv, "outbox") if d["to"] in emails]

    # the job (every 10 s) tries while the relay is down: temporary failures, still pending
    wait_until(lambda: len(outbox()) == 3 and all(d["attempts"] >= 1 for d in outbox()), 40,
               "a failed delivery attempt of each email")
    assert all(d["status"] == "pending" and d["lastError"] for d in outbox()), outbox()
    sink.start()
    clock.advance(10 * 60)  # past the backoff of the failed attempts
    got = sink.wait_for(lambda m: m["To"] in emails, timeout=60, count=3)
    assert sorted(m["To"] for m in got) == sorted(emails)
    time.sleep(12)  # at least one more run of the job: nothing is sent again
    again = [m for m in sink.messages() if m["To"] in emails]
    assert len(again) == 3, [m["To"] for m in again]
    assert all(d["status"] == "sent" and d["sentAt"] for d in outbox()), outbox()

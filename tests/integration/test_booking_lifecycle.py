"""test_booking_lifecycle.py: flow F8 (booking lifecycle: accept, confirm, check-in on the day,
check-out with its effects, the booking_expiry and no_show jobs as time moves, cancellation, a
checked_in stay extended and re-priced) and F11 (3)-(4) (a client's bookings and statistics), on
both stores, with the server clock moved through RuziziTestClockFile (SPEC 8.12)."""
import datetime as dt
import time

import pytest

from bookings_world import (HIGH_LIMITS, BookingWorld, Clock, desk_body, desk_create,
                            public_body, public_create)
from harness import assert_error, assert_ok
from test_users import audit_actions, docs


@pytest.fixture(scope="module")
def clock(backend):
    """One clock per store backend: each server's run moves its own time."""
    return Clock()


@pytest.fixture(scope="module")
def w(start_server, clock):
    server = start_server(extra_conf=HIGH_LIMITS + "RuziziPublicBaseUrl https://hotel.test\n"
                          + f"RuziziTestClockFile {clock.path}\n")
    return BookingWorld(server, clock)


def stored(w, code):
    return [b for b in docs(w.server, "bookings") if b["bookingCode"] == code][0]


def wait_status(w, booking_id, status, timeout=40):
    """Polls until the job moved the booking (jobs check their lease every second or so)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        b = assert_ok(w.server.get(f"/api/bookings/{booking_id}", headers=w.h("mgr_a")))
        if b["status"] == status:
            return b
        time.sleep(0.5)
    raise AssertionError(f"booking {booking_id} still {b['status']}, expected {status}")


def test_f8_lifecycle_and_f11_client_stats(w, clock):
    s = w.server
    # (1) a public booking for tomorrow: accept, confirm (no invoice, unpaid)
    pub = public_create(w, public_body(w, w.nightly2, w.day(1), w.day(3)))
    bid = stored(w, pub["bookingCode"])["id"]
    url = f"/api/bookings/{bid}"
    assert assert_ok(s.post(url + "/accept", json={}, headers=w.h("st_a")))["status"] == "accepted"
    conf = assert_ok(s.post(url + "/confirm", json={}, headers=w.h("st_a")))
    assert (conf["status"], conf["paymentStatus"], conf["invoiceId"], conf["invoice"]) == \
        ("confirmed", "unpaid", None, None)
    # check-in the day before checkInDate -> 409
    assert_error(s.post(url + "/checkin", json={}, headers=w.h("st_a")), 409, "INVALID_TRANSITION")
    clock.advance(86400)  # the next day: checkInDate is today
    got = assert_ok(s.post(url + "/checkin", json={"clientInfo": {"idType": "passport",
                                                                  "idNumber": "OB998877",
                                                                  "nationality": "BI"}},
                           headers=w.h("st_a")))
    assert got["status"] == "checked_in" and got["checkedInAt"] is not None
    assert got["clientInfo"]["idNumber"] == "OB998877"
    assert got["pricing"] == conf["pricing"]  # pricing is unchanged by check-in
    # (6) extending the stay re-prices it; into another booking -> 409 NOT_AVAILABLE
    # the clock moved one day: the stay is now day(0) .. day(2)
    blocker = desk_create(w, desk_body(w.nightly2, w.day(2), w.day(4)))
    assert_error(s.patch(url, json={"checkOut": w.day(3)}, headers=w.h("st_a")), 409,
                 "NOT_AVAILABLE")
    assert_ok(s.post(f"/api/bookings/{blocker['id']}/cancel", json={"reason": "Moved"},
                     headers=w.h("st_a")))
    ext = assert_ok(s.patch(url, json={"checkOut": w.day(3)}, headers=w.h("st_a")))
    assert ext["checkOutDate"] == w.day(3) and ext["pricing"]["total"] == 3 * 40000
    assert_error(s.patch(url, json={"checkIn": w.day(1)}, headers=w.h("st_a")), 409,
                 "INVALID_TRANSITION")
    # check-out: completed, the unit dirty, the client's statistics move (F11 (4))
    out = assert_ok(s.post(url + "/checkout", json={}, headers=w.h("st_a")))
    assert out["status"] == "completed" and out["checkedOutAt"] is not None
    assert out["pricing"]["total"] == 120000  # an early departure keeps the price
    unit = assert_ok(s.get(f"/api/accommodations/{w.nightly2}", headers=w.h("st_a")))
    assert unit["housekeepingStatus"] == "dirty"
    client = assert_ok(s.get(f"/api/clients/{out['clientId']}", headers=w.h("st_a")))
    assert (client["totalStays"], client["totalSpent"], client["lastStayAt"]) == \
        (1, 120000, out["checkedOutAt"])
    assert client["outstandingBalance"] == 0
    actions = audit_actions(s, bid)
    assert actions == ["booking.create", "booking.accept", "booking.confirm", "booking.checkin",
                       "booking.update", "booking.checkout"]
    assert audit_actions(s, out["clientId"])[-1] == "client.update"
    # F11 (3): the client's bookings, latest stay first (the blocker's guest had no known email
    # but the same phone: it was linked to this client, SPEC 6.7)
    mine = assert_ok(s.get(f"/api/clients/{out['clientId']}/bookings", headers=w.h("st_a")))
    assert [b["id"] for b in mine] == [blocker["id"], bid]
    # (5) cancel on a completed booking -> 409; without a reason -> 400
    assert_error(s.post(url + "/cancel", json={"reason": "late"}, headers=w.h("st_a")), 409,
                 "INVALID_TRANSITION")
    assert_error(s.post(url + "/cancel", json={}, headers=w.h("st_a")), 400, "VALIDATION_ERROR",
                 "reason")


def test_f8_expiry_and_no_show_jobs(w, clock):
    s = w.server
    # (3) a pending booking left 48 h is cancelled as expired; its dates are bookable again
    body = public_body(w, w.nightly, w.day(20), w.day(22))
    pend = public_create(w, body)
    pid = stored(w, pend["bookingCode"])["id"]
    # (4) a confirmed guest arriving today who never comes
    ns = desk_create(w, desk_body(w.hourly, w.local(0, 20), w.local(0, 21)))
    arrival = desk_create(w, desk_body(w.unit("No-show room", "nightly", 20000), w.day(0),
                                       w.day(1)))
    clock.advance(48 * 3600 + 60)
    exp = wait_status(w, pid, "cancelled")
    assert exp["cancelReason"] == "expired"
    assert exp["statusHistory"][-1]["by"] is None
    assert audit_actions(s, pid)[-1] == "booking.expire"
    mails = [m["template"] for m in docs(s, "outbox") if m.get("entityId") == pid]
    assert "booking_cancelled" in mails
    notified = {n["userId"] for n in docs(s, "notifications")
                if n["type"] == "booking_expired" and n["data"].get("entityId") == pid}
    assert notified == {w.mgr_a, w.st_a}
    again = public_create(w, public_body(w, w.nightly, w.day(20 - 2), w.day(22 - 2)))
    assert again["status"] == "pending"
    # both confirmed bookings are past their guard two days later: no_show
    for b in (ns, arrival):
        got = wait_status(w, b["id"], "no_show")
        assert audit_actions(s, b["id"])[-1] == "booking.no_show"
        assert got["statusHistory"][-1]["by"] is None
    assert {n["userId"] for n in docs(s, "notifications")
            if n["type"] == "booking_no_show" and n["data"].get("entityId") == arrival["id"]} \
        == {w.mgr_a}


def test_f8_no_show_between_six_and_quarter_past(w, clock):
    """A confirmed stay starting today turns no_show on the next business day, i.e. once local
    time passes 06:00 tomorrow: not at 05:50, and by 06:15."""
    s = w.server
    b = desk_create(w, desk_body(w.unit("Dawn room", "nightly", 20000), w.day(0), w.day(2)))
    now = clock.now()
    local = now + dt.timedelta(hours=2)
    tomorrow = (local - dt.timedelta(hours=6)).date() + dt.timedelta(days=1)
    target = dt.datetime.combine(tomorrow, dt.time(5, 50), tzinfo=dt.timezone.utc) \
        - dt.timedelta(hours=2)
    clock.advance(int((target - now).total_seconds()))
    time.sleep(3)
    assert assert_ok(s.get(f"/api/bookings/{b['id']}", headers=w.h("st_a")))["status"] == \
        "confirmed"
    assert_error(s.post(f"/api/bookings/{b['id']}/no-show", json={}, headers=w.h("st_a")), 409,
                 "INVALID_TRANSITION")
    clock.advance(15 * 60)  # 06:05 local
    wait_status(w, b["id"], "no_show", timeout=20)

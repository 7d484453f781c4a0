"""test_bookings.py: booking creation and changes on both stores: flows F2 (online booking with
idempotency), F3 (1)-(2) (lookup), F7 (front desk, walk-ins), PATCH with re-pricing (SPEC 5.1,
6.3), every bad input of the bookings issue with its exact code and nothing written, client
linkage (6.7) and the audit entries."""
import datetime as dt
import re

import pytest

from bookings_world import (HIGH_LIMITS, BookingWorld, client_info, desk_body, desk_create, key,
                            public_body, public_create)
from harness import assert_error, assert_ok
from test_users import audit_actions, docs

CODE_RE = re.compile(r"RZ-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")
PUBLIC_FIELDS = {"bookingCode", "status", "paymentStatus", "bookingType", "checkIn", "checkOut",
                 "checkInDate", "checkOutDate", "nights", "numberOfGuests", "clientInfo",
                 "arrivalTime", "specialRequests", "pricing", "expiresAt", "accommodation",
                 "establishment", "createdAt"}


@pytest.fixture(scope="module")
def w(start_server):
    server = start_server(extra_conf=HIGH_LIMITS + "RuziziPublicBaseUrl https://hotel.test\n")
    return BookingWorld(server)


def ts(s):
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)


def bookings(w):
    return docs(w.server, "bookings")


def outbox_for(w, booking_id):
    return [m for m in docs(w.server, "outbox") if m.get("entityId") == booking_id]


# ---- F2 ------------------------------------------------------------------------------------------

def test_f2_guest_online_booking(w):
    s, D = w.server, w.D
    d8 = D + dt.timedelta(days=8)
    # (1) the offer is priced like the SPEC 6.3 nightly example
    r = s.get(f"/api/public/availability?establishmentId={w.a}&checkIn={D}&checkOut={d8}&guests=2")
    offer = [o for o in assert_ok(r)["offers"] if o["accommodation"]["id"] == w.nightly][0]
    quote = offer["pricing"]
    assert (quote["subtotal"], quote["total"], quote["taxAmount"], quote["netAmount"]) == \
        (520000, 494000, 75356, 418644)
    assert quote["discount"] == {"percentBps": 500, "amount": 26000,
                                 "reason": "Long stay: 8 nights"}
    # (2) the booking: pending, online, priced by the server, client created, messages queued
    k1 = key()
    body = public_body(w, w.nightly, str(D), str(d8), specialRequests="Late arrival",
                       arrivalTime="21:30")
    r = s.post("/api/public/bookings", json=body, headers=k1)
    b = assert_ok(r, 201)
    assert "Location" not in r.headers
    assert set(b) == PUBLIC_FIELDS
    assert CODE_RE.fullmatch(b["bookingCode"])
    assert (b["status"], b["bookingType"], b["paymentStatus"]) == ("pending", "online", "unpaid")
    assert b["pricing"] == quote
    assert (b["checkIn"], b["checkOut"]) == (f"{D}T12:00:00Z", f"{d8}T09:00:00Z")
    assert (b["checkInDate"], b["checkOutDate"], b["nights"]) == (str(D), str(d8), 8)
    assert ts(b["expiresAt"]) - ts(b["createdAt"]) == dt.timedelta(hours=48)
    assert b["clientInfo"] == {"firstName": "Aline", "lastName": "Ndayishimiye"}
    assert set(b["accommodation"]) == {"id", "name", "type", "images"}
    assert set(b["establishment"]) == {"id", "name", "location", "contacts", "checkInTime",
                                       "checkOutTime"}
    stored = [x for x in bookings(w) if x["bookingCode"] == b["bookingCode"]]
    assert len(stored) == 1
    booking = stored[0]
    assert booking["createdBy"] is None and booking["notes"] is None
    assert booking["statusHistory"] == [{"status": "pending", "at": b["createdAt"], "by": None,
                                         "reason": None}]
    client = [c for c in docs(s, "clients") if c["id"] == booking["clientId"]][0]
    assert client["personalInfo"]["email"] == body["clientInfo"]["email"]
    assert client["classification"] == "regular"
    mails = outbox_for(w, booking["id"])
    assert sorted((m["template"], m["to"]) for m in mails) == sorted(
        [("booking_received", body["clientInfo"]["email"]), ("new_booking", "mgr.a@example.com")])
    assert "https://hotel.test/booking?code=" + b["bookingCode"] in \
        [m for m in mails if m["template"] == "booking_received"][0]["bodyText"]
    notified = {n["userId"] for n in docs(s, "notifications")
                if n["type"] == "booking_new" and n["data"].get("entityId") == booking["id"]}
    assert notified == {w.mgr_a, w.st_a}
    assert audit_actions(s, booking["id"]) == ["booking.create"]
    # (3) the same request with K1: replayed, no second booking
    r2 = s.post("/api/public/bookings", json=body, headers=k1)
    assert r2.status_code == 201 and r2.content == r.content
    assert r2.headers.get("Idempotent-Replayed") == "true"
    assert len([x for x in bookings(w) if x["accommodationId"] == w.nightly]) == 1
    # (4) K1 with another body -> 422
    other = dict(body, numberOfGuests=1)
    assert_error(s.post("/api/public/bookings", json=other, headers=k1), 422,
                 "IDEMPOTENCY_KEY_REUSED")
    # (5) overlapping -> 409; back to back -> 201
    over = public_body(w, w.nightly, str(D + dt.timedelta(days=7)), str(d8 + dt.timedelta(days=2)))
    assert_error(public_create(w, over, status=409), 409, "NOT_AVAILABLE")
    after = public_create(w, public_body(w, w.nightly, str(d8), str(d8 + dt.timedelta(days=2))))
    assert after["checkInDate"] == str(d8)
    # (6) pricing and status sent by the client are ignored
    d20 = D + dt.timedelta(days=20)
    sneaky = public_body(w, w.nightly, str(d20), str(d20 + dt.timedelta(days=1)),
                         pricing={"total": 1}, status="confirmed", bookingType="walkin")
    got = public_create(w, sneaky)
    assert (got["status"], got["bookingType"], got["pricing"]["total"]) == \
        ("pending", "online", 50000)
    # (7) no key -> 400
    r = s.post("/api/public/bookings", json=public_body(w, w.nightly, str(d20), str(d20)))
    assert_error(r, 400, "VALIDATION_ERROR", "Idempotency-Key")


# ---- F3 (1)-(2) ------------------------------------------------------------------------------------

def test_f3_lookup_by_code(w):
    s, d = w.server, w.D + dt.timedelta(days=30)
    body = public_body(w, w.nightly2, str(d), str(d + dt.timedelta(days=2)),
                       clientInfo=client_info(email="tracking@example.com", phone="79 44 55 66",
                                              idType="passport", idNumber="OP123456"))
    b = public_create(w, body)
    code = b["bookingCode"].lower().replace("-", "")
    r = s.get(f"/api/public/bookings/by-code?code={code}&email=Tracking@Example.com")
    found = assert_ok(r)
    assert found == b
    assert "OP123456" not in r.text and "tracking@" not in r.text and "79 44" not in r.text
    assert assert_ok(s.get(f"/api/public/bookings/by-code?code={code}&phone=79445566")) == b
    wrong = s.get(f"/api/public/bookings/by-code?code={code}&email=other@example.com")
    unknown = s.get("/api/public/bookings/by-code?code=RZ-0000-0000&email=tracking@example.com")
    assert_error(wrong, 404, "NOT_FOUND")
    assert wrong.json() == unknown.json() and unknown.status_code == 404


# ---- F7 --------------------------------------------------------------------------------------------

def test_f7_front_desk(w):
    s = w.server
    # (1) an existing client's email links that client, which stays unchanged
    cbody = {"personalInfo": {"firstName": "Pascal", "lastName": "Niyonzima",
                              "email": "pascal@example.com", "phone": "+25779000001"}}
    client = assert_ok(s.post("/api/clients", json=cbody, headers=w.h("st_a")), 201)
    b = desk_create(w, desk_body(w.nightly2, w.day(3), w.day(5), clientInfo=client_info(
        first="Pascale", last="Other", email="PASCAL@example.com", phone="+25779999999")))
    assert (b["status"], b["bookingType"], b["clientId"]) == ("confirmed", "onsite", client["id"])
    assert b["accommodation"]["id"] == w.nightly2 and b["establishment"]["id"] == w.a
    assert b["invoice"] is None and b["notes"] is None
    assert assert_ok(s.get(f"/api/clients/{client['id']}", headers=w.h("st_a"))) == client
    assert [m["template"] for m in outbox_for(w, b["id"])] == ["booking_confirmed"]
    assert audit_actions(s, b["id"]) == ["booking.create"]
    # (2) an hourly walk-in: checked in now, priced per SPEC 6.3
    now = w.now().replace(second=0, microsecond=0)
    out = (now + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    walk = desk_create(w, {"accommodationId": w.hourly, "bookingType": "walkin", "checkOut": out,
                           "numberOfGuests": 1,
                           "clientInfo": client_info(first="Eric", phone="+25779333444")})
    assert walk["status"] == "checked_in" and walk["bookingType"] == "walkin"
    assert abs(ts(walk["checkIn"]) - now) <= dt.timedelta(minutes=1)
    assert walk["checkedInAt"] is not None
    assert (walk["pricing"]["hours"], walk["pricing"]["total"]) == (2, 20000)
    assert outbox_for(w, walk["id"]) == []  # no guest email and none for a walk-in
    walk_client = [c for c in docs(s, "clients") if c["id"] == walk["clientId"]][0]
    assert walk_client["classification"] == "walkin"
    # (3) a walk-in without email or phone -> 400; with a phone only -> 201
    nocontact = {"accommodationId": w.nightly2, "bookingType": "walkin", "checkOut": w.day(1),
                 "numberOfGuests": 1, "clientInfo": {"firstName": "No", "lastName": "Contact"}}
    assert_error(desk_create(w, nocontact, status=400), 400, "VALIDATION_ERROR",
                 "clientInfo.email")
    nocontact["clientInfo"]["phone"] = "79 12 34 56"
    walk2 = desk_create(w, nocontact)
    assert walk2["clientInfo"]["phone"] == "+25779123456" and walk2["status"] == "checked_in"
    # a walk-in must not send checkIn
    assert_error(desk_create(w, dict(nocontact, checkIn=w.day(0)), status=400), 400,
                 "VALIDATION_ERROR", "checkIn")
    # (4) arrivals and guests in house today
    today = w.day(0)
    arrivals = assert_ok(s.get(f"/api/bookings?arrivalsOn={today}", headers=w.h("st_a")))
    assert {walk["id"], walk2["id"]} <= {x["id"] for x in arrivals}
    inhouse = assert_ok(s.get(f"/api/bookings?inHouseOn={today}&q=RZ-", headers=w.h("st_a")))
    assert {walk["id"], walk2["id"]} <= {x["id"] for x in inhouse}
    assert b["id"] not in {x["id"] for x in inhouse}
    # (5) staff of B -> 404 on A's booking
    assert_error(s.get(f"/api/bookings/{b['id']}", headers=w.h("st_b")), 404, "NOT_FOUND")


def test_back_office_initial_status_and_mails(w):
    for n, status, template in ((40, "pending", "booking_received"),
                                (44, "accepted", "booking_received")):
        b = desk_create(w, desk_body(w.nightly2, w.day(n), w.day(n + 1), initialStatus=status))
        assert b["status"] == status
        assert [m["template"] for m in outbox_for(w, b["id"])] == [template]
        assert (b["expiresAt"] is not None) == (status == "pending")
    # without an email no guest mail is queued
    b = desk_create(w, desk_body(w.nightly2, w.day(42), w.day(43),
                                 clientInfo=client_info(phone="+25779000777")))
    assert outbox_for(w, b["id"]) == []


def test_monthly_and_hourly_pricing(w):
    m = desk_create(w, desk_body(w.monthly, w.day(100), w.day(145)))
    assert m["pricing"]["mode"] == "monthly" and m["pricing"]["months"] == 1
    assert m["pricing"]["discount"] == {"percentBps": 0, "amount": 0, "reason": None}
    h = desk_create(w, desk_body(w.hourly, w.local(5, 14, 10), w.local(5, 14, 40)))
    assert (h["pricing"]["hours"], h["pricing"]["total"], h["nights"]) == (2, 20000, 0)
    assert h["pricing"]["nights"] == 0 and h["pricing"]["months"] is None


# ---- bad input -------------------------------------------------------------------------------------

def bad_cases(w):
    past = desk_body(w.nightly2, w.day(-2), w.day(1))
    return [
        ("past", past, 400, "VALIDATION_ERROR", "checkIn"),
        ("out<=in", desk_body(w.nightly2, w.day(50), w.day(50)), 400, "VALIDATION_ERROR",
         "checkOut"),
        ("beyond 730", desk_body(w.nightly2, w.day(731), w.day(733)), 400, "VALIDATION_ERROR",
         "checkIn"),
        ("366 nights", desk_body(w.nightly2, w.day(200), w.day(566)), 400, "VALIDATION_ERROR",
         "checkOut"),
        ("date on hourly", desk_body(w.hourly, w.day(5), w.day(6)), 400, "VALIDATION_ERROR",
         "checkIn"),
        ("hourly over 24 h", desk_body(w.hourly, w.local(6, 10), w.local(7, 10, 1)), 400,
         "VALIDATION_ERROR", "checkOut"),
        ("monthly under a month", desk_body(w.monthly, w.day(300), w.day(320)), 400,
         "VALIDATION_ERROR", "checkOut"),
        ("guests over capacity", desk_body(w.nightly2, w.day(60), w.day(61), guests=5), 400,
         "VALIDATION_ERROR", "numberOfGuests"),
        ("too many additional guests", desk_body(w.nightly2, w.day(60), w.day(61), guests=2,
                                                 additionalGuests=[
                                                     {"firstName": "A", "lastName": "B"},
                                                     {"firstName": "C", "lastName": "D"}]),
         400, "VALIDATION_ERROR", "additionalGuests"),
        ("float guests", desk_body(w.nightly2, w.day(60), w.day(61), guests=2.0), 400,
         "VALIDATION_ERROR", "numberOfGuests"),
        ("unknown field", desk_body(w.nightly2, w.day(60), w.day(61), colour="red"), 400,
         "VALIDATION_ERROR", "colour"),
        ("datetime without offset", desk_body(w.nightly2, w.day(60) + "T14:00:00", w.day(61)),
         400, "VALIDATION_ERROR", "checkIn"),
        ("bad date", desk_body(w.nightly2, "2027-02-30", w.day(61)), 400, "VALIDATION_ERROR",
         "checkIn"),
        ("online type at the desk", desk_body(w.nightly2, w.day(60), w.day(61),
                                              bookingType="online"),
         400, "VALIDATION_ERROR", "bookingType"),
        ("hostile name", desk_body(w.nightly2, w.day(60), w.day(61),
                                   clientInfo=client_info(first="A\u0007B", email="x@example.com")),
         400, "VALIDATION_ERROR", "clientInfo.firstName"),
        ("unit of B", desk_body(w.unit_b, w.day(60), w.day(61)), 404, "NOT_FOUND",
         "accommodationId"),
        ("unknown unit", desk_body("f" * 24, w.day(60), w.day(61)), 404, "NOT_FOUND",
         "accommodationId"),
    ]


def test_bad_input_exact_codes_nothing_written(w):
    s = w.server
    before = (len(bookings(w)), len(docs(s, "clients")), len(docs(s, "audit")))
    for name, body, status, code, field in bad_cases(w):
        r = s.post("/api/bookings", json=body, headers=w.h("st_a"))
        assert r.status_code == status, (name, r.text)
        assert_error(r, status, code, field)
    assert (len(bookings(w)), len(docs(s, "clients")), len(docs(s, "audit"))) == before


def test_public_bad_input(w):
    s = w.server
    before = len(bookings(w))
    d = w.day(70)
    nophone = public_body(w, w.nightly2, d, w.day(71),
                          clientInfo=client_info(email="x@example.com", phone=None))
    assert_error(public_create(w, nophone, status=400), 400, "VALIDATION_ERROR",
                 "clientInfo.phone")
    assert_error(public_create(w, public_body(w, w.nightly2, d, w.day(71), notes="hi"),
                               status=400), 400, "VALIDATION_ERROR", "notes")
    assert_error(public_create(w, public_body(w, w.unit_b, d, w.day(71)), status=404), 404,
                 "NOT_FOUND")
    for bad in ("", "a" * 256, "has space", "caf\u00e9"):
        r = s.post("/api/public/bookings", json=public_body(w, w.nightly2, d, w.day(71)),
                   headers={"Idempotency-Key": bad.encode("utf-8")})
        assert_error(r, 400, "VALIDATION_ERROR", "Idempotency-Key")
    # an out_of_service unit: 409 NOT_AVAILABLE (and 404 on the public route's catalogue)
    oos = w.unit("Closed room", "nightly", 10000)
    assert_ok(s.patch(f"/api/accommodations/{oos}", json={"status": "out_of_service"},
                      headers=w.h("mgr_a")))
    assert_error(desk_create(w, desk_body(oos, d, w.day(71)), status=409), 409, "NOT_AVAILABLE")
    assert_error(public_create(w, public_body(w, oos, d, w.day(71)), status=409), 409,
                 "NOT_AVAILABLE")
    # an inactive establishment refuses public bookings (404)
    assert len(bookings(w)) == before


# ---- PATCH -------------------------------------------------------------------------------------------

def test_patch_reprices_and_checks_availability(w):
    s = w.server
    b = desk_create(w, desk_body(w.nightly2, w.day(150), w.day(152)))
    assert b["pricing"]["total"] == 80000
    other = desk_create(w, desk_body(w.nightly2, w.day(154), w.day(156)))
    url = f"/api/bookings/{b['id']}"
    # extend by one night -> re-priced
    got = assert_ok(s.patch(url, json={"checkOut": w.day(153)}, headers=w.h("st_a")))
    assert (got["nights"], got["pricing"]["total"], got["checkOutDate"]) == (3, 120000, w.day(153))
    # into the other booking -> 409 NOT_AVAILABLE, nothing changed
    assert_error(s.patch(url, json={"checkOut": w.day(155)}, headers=w.h("st_a")), 409,
                 "NOT_AVAILABLE")
    assert assert_ok(s.get(url, headers=w.h("st_a")))["checkOutDate"] == w.day(153)
    # a no-op PATCH: 200, no audit entry
    n = len(audit_actions(s, b["id"]))
    same = assert_ok(s.patch(url, json={"checkOut": w.day(153)}, headers=w.h("st_a")))
    assert same == got and len(audit_actions(s, b["id"])) == n
    # notes and clientInfo merge; audit booking.update
    got = assert_ok(s.patch(url, json={"notes": "VIP", "clientInfo": {"city": "Gitega"}},
                            headers=w.h("st_a")))
    assert got["notes"] == "VIP" and got["clientInfo"]["city"] == "Gitega"
    assert audit_actions(s, b["id"])[-1] == "booking.update"
    # move to another nightly unit -> re-priced at its rate; to an hourly unit -> 400
    got = assert_ok(s.patch(url, json={"accommodationId": w.nightly}, headers=w.h("mgr_a")))
    assert got["accommodation"]["id"] == w.nightly and got["pricing"]["total"] == 150000
    assert_error(s.patch(url, json={"accommodationId": w.hourly}, headers=w.h("mgr_a")), 400,
                 "VALIDATION_ERROR", "accommodationId")
    # server-owned fields are ignored, unknown ones refused
    got2 = assert_ok(s.patch(url, json={"status": "completed", "pricing": {"total": 1}},
                             headers=w.h("st_a")))
    assert got2["status"] == "confirmed" and got2["pricing"] == got["pricing"]
    assert_error(s.patch(url, json={"colour": "red"}, headers=w.h("st_a")), 400,
                 "VALIDATION_ERROR", "colour")
    # a finished booking cannot change
    assert_ok(s.post(f"/api/bookings/{other['id']}/cancel", json={"reason": "Guest called"},
                     headers=w.h("st_a")))
    assert_error(s.patch(f"/api/bookings/{other['id']}", json={"notes": "x"},
                         headers=w.h("st_a")), 409, "INVALID_TRANSITION")


def test_transitions_refused(w):
    s = w.server
    b = public_create(w, public_body(w, w.nightly2, w.day(95), w.day(96)))
    bid = [x for x in bookings(w) if x["bookingCode"] == b["bookingCode"]][0]["id"]
    url = f"/api/bookings/{bid}"
    assert_error(s.post(url + "/confirm", json={}, headers=w.h("st_a")), 409, "INVALID_TRANSITION")
    assert_error(s.post(url + "/checkout", json={}, headers=w.h("st_a")), 409,
                 "INVALID_TRANSITION")
    assert_error(s.post(url + "/cancel", json={}, headers=w.h("st_a")), 400, "VALIDATION_ERROR",
                 "reason")
    acc = assert_ok(s.post(url + "/accept", headers=w.h("st_a")))
    assert acc["status"] == "accepted" and acc["expiresAt"] is None
    assert_error(s.post(url + "/accept", json={}, headers=w.h("st_a")), 409, "INVALID_TRANSITION")
    conf = assert_ok(s.post(url + "/confirm", json={}, headers=w.h("st_a")))
    assert conf["paymentStatus"] == "unpaid" and conf["invoice"] is None
    # a no-show before the day -> 409; check-in before the day -> 409
    assert_error(s.post(url + "/no-show", json={}, headers=w.h("st_a")), 409,
                 "INVALID_TRANSITION")
    assert_error(s.post(url + "/checkin", json={}, headers=w.h("st_a")), 409,
                 "INVALID_TRANSITION")
    can = assert_ok(s.post(url + "/cancel", json={"reason": "Plans changed"}, headers=w.h("st_a")))
    assert can["status"] == "cancelled" and can["cancelReason"] == "Plans changed"
    assert [h["status"] for h in can["statusHistory"]] == \
        ["pending", "accepted", "confirmed", "cancelled"]
    assert can["statusHistory"][-1]["by"] == w.st_a
    assert can["statusHistory"][-1]["reason"] == "Plans changed"
    assert audit_actions(s, bid) == ["booking.create", "booking.accept", "booking.confirm",
                                     "booking.cancel"]
    templates = [m["template"] for m in outbox_for(w, bid)]
    assert sorted(templates) == sorted(["booking_received", "new_booking", "booking_accepted",
                                        "booking_confirmed", "booking_cancelled"])
    assert_error(s.post(url + "/cancel", json={"reason": "again"}, headers=w.h("st_a")), 409,
                 "INVALID_TRANSITION")
    # the cancelled dates are free again
    desk_create(w, desk_body(w.nightly2, w.day(95), w.day(96)))


def test_public_booking_refused_by_an_inactive_establishment(w):
    s = w.server
    est = w.create_est("Closed Lodge")
    acc = assert_ok(s.post("/api/accommodations", headers=w.sa, json={
        "establishmentId": est, "name": "Lodge room", "type": "suite", "pricingMode": "nightly",
        "pricing": {"basePrice": 20000}, "capacity": {"maxGuests": 2}}), 201)["id"]
    body = dict(public_body(w, acc, w.day(30), w.day(31)), establishmentId=est)
    public_create(w, dict(body, checkIn=w.day(28), checkOut=w.day(29)))  # active: accepted
    assert_ok(s.patch(f"/api/establishments/{est}", json={"isActive": False}, headers=w.sa))
    assert_error(public_create(w, body, status=404), 404, "NOT_FOUND")
    # the back office keeps working for an inactive establishment (SPEC 4.3)
    desk_create(w, desk_body(acc, w.day(30), w.day(31)), who="sa")
    # a unit that is not in the establishment named -> 404
    wrong = dict(public_body(w, w.nightly2, w.day(30), w.day(31)), establishmentId=w.b)
    assert_error(public_create(w, wrong, status=404), 404, "NOT_FOUND")


def test_same_new_guest_twice_at_once_links_one_client(w):
    """SPEC 6.7: two concurrent first bookings with one new email create one client, never 409."""
    import concurrent.futures
    email = "twins@example.com"
    bodies = [desk_body(acc, w.day(120), w.day(121),
                        clientInfo=client_info(email=email, phone=None))
              for acc in (w.nightly, w.nightly2, w.monthly, w.hourly)]
    bodies[2] = desk_body(w.monthly, w.day(160), w.day(191),
                          clientInfo=client_info(email=email, phone=None))
    bodies[3] = desk_body(w.hourly, w.local(120, 9), w.local(120, 11),
                          clientInfo=client_info(email=email, phone=None))
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        made = list(pool.map(lambda b: desk_create(w, b), bodies))
    assert len({b["clientId"] for b in made}) == 1
    assert len([c for c in docs(w.server, "clients")
                if c["personalInfo"]["email"] == email]) == 1


def test_early_check_in_moves_check_in_when_free(w):
    s = w.server
    # hourly: allowed from an hour before checkIn; checkIn then becomes now
    now = w.now().replace(second=0, microsecond=0)
    start = now + dt.timedelta(minutes=50)
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    acc = w.unit("Early room", "hourly", 5000)
    b = desk_create(w, desk_body(acc, start.strftime(fmt),
                                 (start + dt.timedelta(hours=2)).strftime(fmt)))
    got = assert_ok(s.post(f"/api/bookings/{b['id']}/checkin", json={}, headers=w.h("st_a")))
    assert got["status"] == "checked_in"
    assert abs(ts(got["checkIn"]) - now) <= dt.timedelta(minutes=1)
    assert got["pricing"] == b["pricing"]
    # a second hourly unit: [now, checkIn) taken by another stay -> 409 NOT_AVAILABLE
    acc2 = w.unit("Busy room", "hourly", 5000)
    first = desk_create(w, {"accommodationId": acc2, "bookingType": "walkin",
                            "checkOut": (now + dt.timedelta(minutes=40)).strftime(fmt),
                            "numberOfGuests": 1, "clientInfo": client_info()})
    later = desk_create(w, desk_body(acc2, start.strftime(fmt),
                                     (start + dt.timedelta(hours=1)).strftime(fmt)))
    assert_error(s.post(f"/api/bookings/{later['id']}/checkin", json={}, headers=w.h("st_a")),
                 409, "NOT_AVAILABLE")
    # more than an hour ahead -> too early
    far = desk_create(w, desk_body(acc, (now + dt.timedelta(hours=5)).strftime(fmt),
                                   (now + dt.timedelta(hours=6)).strftime(fmt)))
    assert_error(s.post(f"/api/bookings/{far['id']}/checkin", json={}, headers=w.h("st_a")),
                 409, "INVALID_TRANSITION")
    # check-out writes booking.checkout, accommodation.update and client.update (SPEC 8.6)
    assert_ok(s.post(f"/api/bookings/{first['id']}/checkout", json={}, headers=w.h("st_a")))
    assert audit_actions(s, first["id"])[-1] == "booking.checkout"
    assert audit_actions(s, acc2)[-1] == "accommodation.update"
    assert audit_actions(s, first["clientId"])[-1] == "client.update"


@pytest.fixture(scope="module")
def limited(start_server):
    """A server with the default public booking limits (SPEC 8.2)."""
    server = start_server()
    return BookingWorld(server)


def test_public_booking_limits(limited):
    w = limited
    email = "eager@example.com"
    codes = []
    for i in range(6):
        body = public_body(w, w.nightly2, w.day(10 + 2 * i), w.day(11 + 2 * i),
                           clientInfo=client_info(email=email))
        codes.append(public_create(w, body, status=999).status_code)
    assert codes == [201] * 5 + [429], codes
    r = public_create(w, public_body(w, w.nightly2, w.day(40), w.day(41),
                                     clientInfo=client_info(email=email)), status=999)
    assert_error(r, 429, "RATE_LIMITED")
    assert int(r.headers["Retry-After"]) >= 1
    # another guest from the same address is still served (30/h per IP)
    public_create(w, public_body(w, w.nightly2, w.day(42), w.day(43)))
    # a request refused by validation spends no contact token (SPEC 2.3 (9a))
    bad = public_body(w, w.nightly2, w.day(44), w.day(45),
                      clientInfo=client_info(email="fresh@example.com"), numberOfGuests=0)
    for _ in range(6):
        assert public_create(w, bad, status=999).status_code == 400
    public_create(w, public_body(w, w.nightly2, w.day(46), w.day(47),
                                 clientInfo=client_info(email="fresh@example.com")))


def test_f6_3_new_price_quoted_existing_bookings_keep_theirs(w):
    s = w.server
    acc = w.unit("Repriced room", "nightly", 30000)
    b = desk_create(w, desk_body(acc, w.day(12), w.day(14)))
    assert b["pricing"]["total"] == 60000
    assert_ok(s.patch(f"/api/accommodations/{acc}", json={"pricing": {"basePrice": 45000}},
                      headers=w.h("mgr_a")))
    r = s.get(f"/api/public/availability?establishmentId={w.a}&checkIn={w.day(20)}"
              f"&checkOut={w.day(22)}&guests=1")
    offer = [o for o in assert_ok(r)["offers"] if o["accommodation"]["id"] == acc][0]
    assert offer["pricing"]["total"] == 90000
    assert assert_ok(s.get(f"/api/bookings/{b['id']}", headers=w.h("st_a")))["pricing"] == \
        b["pricing"]
    # a stay change re-prices at the new rate (SPEC 6.3 re-pricing)
    got = assert_ok(s.patch(f"/api/bookings/{b['id']}", json={"checkOut": w.day(15)},
                            headers=w.h("st_a")))
    assert got["pricing"]["total"] == 3 * 45000

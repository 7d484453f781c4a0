"""test_bookings_read.py: the read side of bookings on both stores (SPEC 4.5, 7.5, 7.6, 7.7): the
Booking view (every stored field but version, embeds, nulls), GET /api/bookings with each filter, q,
sorts and pagination, isolation (F7 (5), managers list their own establishment only), F7 (4),
GET /api/clients/{id}/bookings and the unit calendar with its range limits. Bookings are inserted
directly in the store, shaped like the stored document of domain/rz_bookings.h."""
import datetime as dt
import secrets

import pytest

import storedirect
from harness import assert_error, assert_ok
from test_users import World

MISSING = "f" * 24
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CLIENT_INFO_KEYS = ["firstName", "lastName", "email", "phone", "idType", "idNumber",
                    "nationality", "dateOfBirth", "gender", "address", "city", "country",
                    "companyName"]


# ---- helpers shared with test_availability.py -------------------------------------------------

def business_today(offset_h=2, day_start_h=6):
    """businessToday of an establishment with the default clock (+02:00, 06:00)."""
    now = dt.datetime.now(dt.timezone.utc)
    return (now + dt.timedelta(hours=offset_h - day_start_h)).date()


def iso(d):
    return d.isoformat()


def utc(d, hh, mm=0, offset_h=2):
    """The instant of local time hh:mm on date d at +02:00, as stored ("...Z")."""
    t = dt.datetime(d.year, d.month, d.day, hh, mm) - dt.timedelta(hours=offset_h)
    return t.strftime("%Y-%m-%dT%H:%M:00Z")


def new_code():
    c = "".join(secrets.choice(CROCKFORD) for _ in range(8))
    return f"RZ-{c[:4]}-{c[4:]}"


def client_info(first, last, email=None, phone=None, **kw):
    info = {k: None for k in CLIENT_INFO_KEYS}
    info.update(firstName=first, lastName=last, email=email, phone=phone, **kw)
    return info


def pricing_of(mode, total, nights=0):
    return {"mode": mode, "currency": "BIF", "nights": nights,
            "months": None, "extraNights": None, "hours": 2 if mode == "hourly" else None,
            "lines": [], "subtotal": total,
            "discount": {"percentBps": 0, "amount": 0, "reason": None}, "total": total,
            "taxRateBps": 1800, "taxAmount": 0, "netAmount": total}


_seq = [0]


def booking_doc(est, acc, d_in, d_out, status="confirmed", hourly=None, code=None, **kw):
    """A stored booking: an overnight stay d_in -> d_out (14:00 -> 11:00 local), or with
    hourly=(h_in, h_out) local hours on d_in (h_out may exceed 24: the next day)."""
    _seq[0] += 1
    created = (dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
               + dt.timedelta(minutes=_seq[0])).strftime("%Y-%m-%dT%H:%M:%SZ")
    if hourly:
        h_in, h_out = hourly
        check_in, check_out = utc(d_in, h_in), utc(d_in + dt.timedelta(days=h_out // 24),
                                                     h_out % 24)
        d_out = d_in + dt.timedelta(days=h_out // 24)
        pricing, nights = pricing_of("hourly", 20000), 0
    else:
        check_in, check_out = utc(d_in, 14), utc(d_out, 11)
        nights = (d_out - d_in).days
        pricing = pricing_of("nightly", 50000 * nights, nights)
    doc = {"bookingCode": code or new_code(), "establishmentId": est, "accommodationId": acc,
           "clientId": None, "bookingType": "onsite", "status": status,
           "paymentStatus": "unpaid", "checkIn": check_in, "checkOut": check_out,
           "checkInDate": iso(d_in), "checkOutDate": iso(d_out), "nights": nights,
           "numberOfGuests": 2, "clientInfo": client_info("Jean", "Doe", "jean@example.com"),
           "additionalGuests": [], "arrivalTime": None, "specialRequests": None,
           "notes": "internal note", "language": "fr", "marketingOptIn": False,
           "pricing": pricing, "invoiceId": None, "expiresAt": None, "cancelReason": None,
           "checkedInAt": None, "checkedOutAt": None,
           "statusHistory": [{"status": status, "at": created, "by": None, "reason": None}],
           "createdBy": None, "createdAt": created, "updatedAt": created}
    doc.update(kw)
    return doc


def insert_booking(server, *args, **kw):
    doc = booking_doc(*args, **kw)
    doc["id"] = storedirect.insert(server, "bookings", doc)
    return doc


def unit_body(name, mode="nightly", price=50000, guests=2, **kw):
    body = {"name": name, "type": "suite", "pricingMode": mode, "pricing": {"basePrice": price},
            "capacity": {"maxGuests": guests}}
    body.update(kw)
    return body


# ---- world ------------------------------------------------------------------------------------

class Bookings(World):
    """World (SA, establishments A and B, a manager and a staff member of each) plus units and the
    bookings b1..b8 of A and bB of B around businessToday T."""

    def __init__(self, server):
        super().__init__(server)
        s, T = server, business_today()
        self.T = T
        day = lambda n: T + dt.timedelta(days=n)  # noqa: E731
        self.acc1 = self.unit("Suite A1", self.a)
        self.acc2 = self.unit("Room A2", self.a, type="standard_room")
        self.acc3 = self.unit("Day A3", self.a, mode="hourly", price=10000)
        self.acc_b = self.unit("Suite B1", self.b)
        self.c1 = storedirect.insert(s, "clients", {
            "establishmentId": self.a, "personalInfo": client_info(
                "Alice", "Ndayisaba", "alice@example.com", "+25779111111"),
            "emailKey": "alice@example.com", "classification": "regular", "companyName": None,
            "preferences": [], "preferredLanguage": "fr", "marketingOptIn": False, "notes": None,
            "totalStays": 0, "totalSpent": 0, "lastStayAt": None,
            "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"})
        alice = client_info("Alice", "Ndayisaba", "alice@example.com", "+25779111111")
        self.b1 = insert_booking(s, self.a, self.acc1, day(1), day(4), code="RZ-A1B2-C3D4",
                                 clientInfo=alice, clientId=self.c1)
        self.b2 = insert_booking(s, self.a, self.acc1, day(10), day(12), "pending",
                                 bookingType="online", expiresAt="2030-01-01T00:00:00Z",
                                 clientInfo=client_info("Bob", "Hakizimana", None,
                                                        "+25779222222"))
        self.b3 = insert_booking(s, self.a, self.acc2, day(-1), day(2), "checked_in",
                                 bookingType="walkin", paymentStatus="partial",
                                 clientInfo=client_info("Claire", "Uwimana", "claire@example.com"))
        self.b4 = insert_booking(s, self.a, self.acc2, day(1), day(3), "cancelled",
                                 cancelReason="changed plans")
        self.b5 = insert_booking(s, self.a, self.acc3, day(0), None, "checked_in",
                                 hourly=(10, 12))
        self.b6 = insert_booking(s, self.a, self.acc1, day(-5), day(-2), "completed",
                                 paymentStatus="paid", clientInfo=alice, clientId=self.c1)
        self.b7 = insert_booking(s, self.a, self.acc2, day(-3), day(0), "checked_in")
        self.b8 = insert_booking(s, self.a, self.acc3, day(0), None, "checked_in",
                                 hourly=(22, 25))
        self.bB = insert_booking(s, self.b, self.acc_b, day(1), day(3))
        self.all_a = [self.b1, self.b2, self.b3, self.b4, self.b5, self.b6, self.b7, self.b8]

    def unit(self, name, est, **kw):
        r = self.server.post("/api/accommodations", json=unit_body(name, establishmentId=est, **kw),
                             headers=self.sa)
        return assert_ok(r, 201)["id"]

    def day(self, n):
        return iso(self.T + dt.timedelta(days=n))


@pytest.fixture(scope="module")
def world(server):
    return Bookings(server)


def ids(data):
    return [d["id"] for d in data]


def listing(w, who="mgr_a", **params):
    return assert_ok(w.server.get("/api/bookings", params=params, headers=w.h(who)))


def id_set(w, who="mgr_a", **params):
    return set(ids(listing(w, who, limit=100, **params)))


# ---- the view ---------------------------------------------------------------------------------

def expected_view(w, doc, acc_name, acc_type, mode, est_name="Hotel A"):
    out = {k: v for k, v in doc.items() if k != "version"}
    out["accommodation"] = {"id": doc["accommodationId"], "name": acc_name, "type": acc_type,
                            "pricingMode": mode}
    out["establishment"] = {"id": doc["establishmentId"], "name": est_name}
    out["invoice"] = None
    return out


def test_get_booking_view(world):
    w = world
    got = assert_ok(w.server.get(f"/api/bookings/{w.b1['id']}", headers=w.h("st_a")))
    assert got == expected_view(w, w.b1, "Suite A1", "suite", "nightly")
    assert "version" not in got and got["notes"] == "internal note"
    assert list(got["clientInfo"]) == CLIENT_INFO_KEYS
    for who in ("sa", "mgr_a"):
        assert assert_ok(w.server.get(f"/api/bookings/{w.b1['id']}", headers=w.h(who))) == got
    hourly = assert_ok(w.server.get(f"/api/bookings/{w.b5['id']}", headers=w.h("mgr_a")))
    assert hourly["accommodation"] == {"id": w.acc3, "name": "Day A3", "type": "suite",
                                       "pricingMode": "hourly"}


def test_view_outputs_missing_optional_fields_as_null(world):
    w = world
    sparse = {k: v for k, v in booking_doc(w.a, w.acc1, w.T + dt.timedelta(days=40),
                                           w.T + dt.timedelta(days=41)).items()
              if k not in ("arrivalTime", "expiresAt", "cancelReason", "createdBy")}
    sparse["clientInfo"] = {"firstName": "Sam", "lastName": "Sparse", "phone": "+25779333333"}
    bid = storedirect.insert(w.server, "bookings", sparse)
    got = assert_ok(w.server.get(f"/api/bookings/{bid}", headers=w.h("mgr_a")))
    for k in ("arrivalTime", "expiresAt", "cancelReason", "createdBy", "invoiceId"):
        assert k in got and got[k] is None, k
    assert got["clientInfo"] == client_info("Sam", "Sparse", None, "+25779333333")
    storedirect.set_field_where(w.server, "bookings", "id", bid, "status", "cancelled")


def test_f7_5_other_establishment_is_404(world):
    w = world
    missing = w.server.get(f"/api/bookings/{MISSING}", headers=w.h("st_b"))
    assert_error(missing, 404, "NOT_FOUND")
    for who in ("st_b", "mgr_b"):
        r = w.server.get(f"/api/bookings/{w.b1['id']}", headers=w.h(who))
        assert_error(r, 404, "NOT_FOUND")
        assert r.json() == missing.json()
    assert_error(w.server.get("/api/bookings/xyz", headers=w.h("st_a")), 404, "NOT_FOUND")
    assert_error(w.server.get(f"/api/bookings/{w.bB['id']}", headers=w.h("mgr_a")), 404,
                 "NOT_FOUND")
    assert assert_ok(w.server.get(f"/api/bookings/{w.bB['id']}", headers=w.h("st_b")))["id"] == \
        w.bB["id"]


# ---- list scope -------------------------------------------------------------------------------

def test_list_scope(world):
    w = world
    a_ids = {b["id"] for b in w.all_a}
    assert id_set(w, "mgr_a") >= a_ids and w.bB["id"] not in id_set(w, "mgr_a")
    assert id_set(w, "st_a", establishmentId=w.b) == id_set(w, "st_a")  # ignored for staff
    assert id_set(w, "mgr_b") == {w.bB["id"]}
    assert id_set(w, "sa", establishmentId=w.b) == {w.bB["id"]}
    assert id_set(w, "sa") >= a_ids | {w.bB["id"]}
    assert_error(w.server.get("/api/bookings", params={"establishmentId": "nope"}, headers=w.sa),
                 400, "VALIDATION_ERROR", "establishmentId")
    page = listing(w, "mgr_a", accommodationId=w.acc1)
    assert page[0]["accommodation"]["name"] == "Suite A1"
    assert page[0]["establishment"] == {"id": w.a, "name": "Hotel A"}
    assert all(b["invoice"] is None and "version" not in b for b in page)


# ---- filters ----------------------------------------------------------------------------------

def test_enum_filters(world):
    w = world
    assert id_set(w, status="checked_in") == {w.b3["id"], w.b5["id"], w.b7["id"], w.b8["id"]}
    assert id_set(w, status="pending,confirmed") >= {w.b1["id"], w.b2["id"]}
    assert w.b3["id"] not in id_set(w, status="pending,confirmed")
    assert id_set(w, paymentStatus="partial") == {w.b3["id"]}
    assert id_set(w, paymentStatus="paid,refunded") == {w.b6["id"]}
    assert id_set(w, bookingType="walkin") == {w.b3["id"]}
    assert id_set(w, bookingType="online,walkin") == {w.b2["id"], w.b3["id"]}
    for name, bad in (("status", "booked"), ("status", "pending,,confirmed"),
                      ("paymentStatus", "free"), ("bookingType", "phone")):
        assert_error(w.server.get("/api/bookings", params={name: bad}, headers=w.h("mgr_a")), 400,
                     "VALIDATION_ERROR", name)


def test_id_filters(world):
    w = world
    assert id_set(w, accommodationId=w.acc3) == {w.b5["id"], w.b8["id"]}
    assert id_set(w, clientId=w.c1) == {w.b1["id"], w.b6["id"]}
    assert id_set(w, accommodationId=w.acc_b) == set()  # B's unit: nothing of A matches
    for name in ("accommodationId", "clientId"):
        assert_error(w.server.get("/api/bookings", params={name: "12345"}, headers=w.h("mgr_a")),
                     400, "VALIDATION_ERROR", name, "must be a valid id")


def test_date_filters(world):
    w = world
    d = w.day
    assert id_set(w, checkInFrom=d(1), checkInTo=d(10)) == \
        {w.b1["id"], w.b4["id"], w.b2["id"]}
    assert id_set(w, checkInFrom=d(10)) >= {w.b2["id"]}
    assert w.b1["id"] not in id_set(w, checkInFrom=d(10))
    assert id_set(w, checkInTo=d(-3)) == {w.b6["id"], w.b7["id"]}
    assert id_set(w, arrivalsOn=d(1)) == {w.b1["id"], w.b4["id"]}
    assert id_set(w, departuresOn=d(0)) == {w.b7["id"], w.b5["id"]}  # b5: hourly, same day
    assert id_set(w, departuresOn=d(1)) == {w.b8["id"]}
    assert_error(w.server.get("/api/bookings", params={"checkInFrom": d(5), "checkInTo": d(4)},
                              headers=w.h("mgr_a")), 400, "VALIDATION_ERROR", "checkInTo")
    for name in ("checkInFrom", "checkInTo", "arrivalsOn", "departuresOn", "inHouseOn"):
        assert_error(w.server.get("/api/bookings", params={name: "2026-02-30"},
                                  headers=w.h("mgr_a")), 400, "VALIDATION_ERROR", name)


def test_f7_4_arrivals_and_in_house(world):
    w = world
    d = w.day
    # (4) arrivals on business today
    assert id_set(w, "st_a", arrivalsOn=d(0)) == {w.b5["id"], w.b8["id"]}
    # in house today: b3 (overnight, T-1 -> T+2), b5 (hourly, same day), b8 (hourly over midnight,
    # once); not b7 (departs today) nor the confirmed b1
    assert id_set(w, "st_a", inHouseOn=d(0)) == {w.b3["id"], w.b5["id"], w.b8["id"]}
    assert id_set(w, "st_a", inHouseOn=d(-1)) == {w.b3["id"], w.b7["id"]}
    assert id_set(w, "st_a", inHouseOn=d(1)) == {w.b3["id"]}
    assert id_set(w, "st_a", inHouseOn=d(0), q="RZ-") == {w.b3["id"], w.b5["id"], w.b8["id"]}
    assert id_set(w, "st_a", inHouseOn=d(0), q="claire") == {w.b3["id"]}
    assert id_set(w, "st_a", inHouseOn=d(0), accommodationId=w.acc3) == {w.b5["id"], w.b8["id"]}
    assert id_set(w, "st_b", inHouseOn=d(0)) == set()
    # merged in the sort order and paginated over both halves
    full = ids(listing(w, "st_a", inHouseOn=d(0), sort="checkIn"))
    assert full == [w.b3["id"], w.b5["id"], w.b8["id"]]
    r = w.server.get("/api/bookings", params={"inHouseOn": d(0), "sort": "checkIn", "limit": 1,
                                              "page": 2}, headers=w.h("st_a"))
    assert ids(assert_ok(r)) == [w.b5["id"]]
    assert r.json()["pagination"] == {"page": 2, "limit": 1, "total": 3, "totalPages": 3,
                                      "hasNextPage": True, "hasPrevPage": True}
    desc = ids(listing(w, "st_a", inHouseOn=d(0), sort="-checkIn", limit=2))
    assert desc == [w.b8["id"], w.b5["id"]]


def test_q(world):
    w = world
    assert id_set(w, q="rz-a1b2") == {w.b1["id"]}
    assert id_set(w, q="ndayi") == {w.b1["id"], w.b6["id"]}
    assert id_set(w, q="BOB") == {w.b2["id"]}  # firstName
    assert id_set(w, q="CLAIRE@EXAMPLE") == {w.b3["id"]}  # email
    assert id_set(w, q="79222") == {w.b2["id"]}  # phone
    assert id_set(w, q="%") == set()  # never a pattern
    # an empty q (after trimming) is no filter; requests would send spaces as '+', a literal
    blank = w.server.get("/api/bookings?limit=100&q=%20%20", headers=w.h("mgr_a"))
    assert set(ids(assert_ok(blank))) >= {b["id"] for b in w.all_a}
    assert_error(w.server.get("/api/bookings", params={"q": "x" * 101}, headers=w.h("mgr_a")),
                 400, "VALIDATION_ERROR", "q")


def test_sorts(world):
    w = world
    own = [b for b in w.all_a]

    def order(key, reverse=False):
        return [b["id"] for b in sorted(own, key=lambda b: (b[key], b["id"]), reverse=reverse)]

    def got(**params):
        return [i for i in ids(listing(w, "mgr_a", limit=100, **params))
                if i in {b["id"] for b in own}]

    assert got() == order("createdAt", True)  # default -createdAt
    assert got(sort="createdAt") == order("createdAt")
    assert got(sort="checkIn") == order("checkIn")
    assert got(sort="-checkOut") == order("checkOut", True)
    assert got(sort="bookingCode") == order("bookingCode")
    assert_error(w.server.get("/api/bookings", params={"sort": "nights"}, headers=w.h("mgr_a")),
                 400, "VALIDATION_ERROR", "sort")


def test_pagination(world):
    w = world
    total = len(listing(w, "mgr_a", limit=100))
    r = w.server.get("/api/bookings", params={"limit": 3, "page": 2, "sort": "createdAt"},
                     headers=w.h("mgr_a"))
    data = assert_ok(r)
    assert len(data) == 3
    pages = -(-total // 3)
    assert r.json()["pagination"] == {"page": 2, "limit": 3, "total": total, "totalPages": pages,
                                      "hasNextPage": 2 < pages, "hasPrevPage": True}
    first = ids(listing(w, "mgr_a", limit=100, sort="createdAt"))
    assert ids(data) == first[3:6]
    r = w.server.get("/api/bookings", params={"page": 99}, headers=w.h("mgr_a"))
    assert assert_ok(r) == [] and r.json()["pagination"]["total"] == total
    r = w.server.get("/api/bookings", params={"limit": 500}, headers=w.h("mgr_a"))
    assert r.json()["pagination"]["limit"] == 100
    for bad in ({"limit": 0}, {"page": 0}, {"page": "x"}):
        assert_error(w.server.get("/api/bookings", params=bad, headers=w.h("mgr_a")), 400,
                     "VALIDATION_ERROR", list(bad)[0])
    assert_error(w.server.get("/api/bookings", params={"from": w.day(0)}, headers=w.h("mgr_a")),
                 400, "VALIDATION_ERROR", "from")


# ---- a client's bookings ----------------------------------------------------------------------

def test_client_bookings(world):
    w = world
    url = f"/api/clients/{w.c1}/bookings"
    r = w.server.get(url, headers=w.h("st_a"))
    data = assert_ok(r)
    assert ids(data) == [w.b1["id"], w.b6["id"]]  # default -checkIn
    assert data[0] == assert_ok(w.server.get(f"/api/bookings/{w.b1['id']}", headers=w.h("st_a")))
    assert r.json()["pagination"]["total"] == 2
    assert ids(assert_ok(w.server.get(url, params={"sort": "checkIn"}, headers=w.h("st_a")))) == \
        [w.b6["id"], w.b1["id"]]
    assert ids(assert_ok(w.server.get(url, params={"sort": "-createdAt"},
                                      headers=w.h("st_a")))) == [w.b6["id"], w.b1["id"]]
    r = w.server.get(url, params={"limit": 1, "page": 2}, headers=w.h("mgr_a"))
    assert ids(assert_ok(r)) == [w.b6["id"]] and r.json()["pagination"]["totalPages"] == 2
    assert_error(w.server.get(url, params={"sort": "checkOut"}, headers=w.h("st_a")), 400,
                 "VALIDATION_ERROR", "sort")
    assert_error(w.server.get(url, params={"q": "x"}, headers=w.h("st_a")), 400,
                 "VALIDATION_ERROR", "q")
    for who in ("st_b", "mgr_b"):
        assert_error(w.server.get(url, headers=w.h(who)), 404, "NOT_FOUND")
    assert_error(w.server.get(f"/api/clients/{MISSING}/bookings", headers=w.h("st_a")), 404,
                 "NOT_FOUND")


# ---- calendar ---------------------------------------------------------------------------------

def calendar(w, acc, frm, to, who="st_a"):
    return w.server.get(f"/api/accommodations/{acc}/calendar", params={"from": frm, "to": to},
                        headers=w.h(who))


def entry(b):
    keys = ("id", "bookingCode", "status", "checkIn", "checkOut", "checkInDate", "checkOutDate")
    out = {k: b[k] for k in keys}
    out["clientName"] = f"{b['clientInfo']['firstName']} {b['clientInfo']['lastName']}"
    return out


def test_calendar_overnight(world):
    w = world
    d = w.day
    cal = assert_ok(calendar(w, w.acc1, d(-6), d(13)))
    assert set(cal) == {"accommodationId", "from", "to", "bookings", "days"}
    assert (cal["accommodationId"], cal["from"], cal["to"]) == (w.acc1, d(-6), d(13))
    # blocking only: b6 (completed) is left out
    assert cal["bookings"] == [entry(w.b1), entry(w.b2)]
    assert cal["bookings"][0]["clientName"] == "Alice Ndayisaba"
    assert [x["date"] for x in cal["days"]] == [d(n) for n in range(-6, 14)]
    by_day = {x["date"]: x["bookingIds"] for x in cal["days"]}
    for n in range(-6, 14):
        want = [w.b1["id"]] if 1 <= n <= 3 else [w.b2["id"]] if 10 <= n <= 11 else []
        assert by_day[d(n)] == want, n
    # a stay that started before `from` shows on its remaining nights; one that departs on `from`
    # does not show at all
    cal = assert_ok(calendar(w, w.acc2, d(0), d(0)))
    assert cal["bookings"] == [entry(w.b3)] and cal["days"] == [{"date": d(0),
                                                                 "bookingIds": [w.b3["id"]]}]
    cal = assert_ok(calendar(w, w.acc2, d(-1), d(1)))
    assert [b["id"] for b in cal["bookings"]] == [w.b7["id"], w.b3["id"]]
    assert [x["bookingIds"] for x in cal["days"]] == [[w.b7["id"], w.b3["id"]], [w.b3["id"]],
                                                      [w.b3["id"]]]


def test_calendar_hourly(world):
    w = world
    d = w.day
    cal = assert_ok(calendar(w, w.acc3, d(-1), d(1), who="mgr_a"))
    assert cal["bookings"] == [entry(w.b5), entry(w.b8)]
    assert cal["days"] == [{"date": d(-1), "bookingIds": []},
                           {"date": d(0), "bookingIds": [w.b5["id"], w.b8["id"]]},
                           {"date": d(1), "bookingIds": []}]  # b8 ends after midnight: its day only
    cal = assert_ok(calendar(w, w.acc3, d(1), d(2)))
    assert cal["bookings"] == [] and [x["bookingIds"] for x in cal["days"]] == [[], []]


def test_calendar_range_and_scope(world):
    w = world
    d = w.day
    cal = assert_ok(calendar(w, w.acc1, d(0), d(365)))
    assert len(cal["days"]) == 366
    assert_error(calendar(w, w.acc1, d(0), d(366)), 400, "VALIDATION_ERROR", "to")
    assert_error(calendar(w, w.acc1, d(5), d(4)), 400, "VALIDATION_ERROR", "to")
    assert_error(calendar(w, w.acc1, "2026-02-30", d(4)), 400, "VALIDATION_ERROR", "from")
    url = f"/api/accommodations/{w.acc1}/calendar"
    assert_error(w.server.get(url, params={"to": d(1)}, headers=w.h("st_a")), 400,
                 "VALIDATION_ERROR", "from", "required")
    assert_error(w.server.get(url, params={"from": d(1)}, headers=w.h("st_a")), 400,
                 "VALIDATION_ERROR", "to", "required")
    assert_error(w.server.get(url, params={"from": d(1), "to": d(2), "x": 1},
                              headers=w.h("st_a")), 400, "VALIDATION_ERROR", "x")
    missing = calendar(w, MISSING, d(0), d(1))
    assert_error(missing, 404, "NOT_FOUND")
    other = calendar(w, w.acc_b, d(0), d(1), who="mgr_a")
    assert_error(other, 404, "NOT_FOUND")
    assert other.json() == missing.json()
    cal = assert_ok(calendar(w, w.acc_b, d(0), d(3), who="sa"))
    assert [b["id"] for b in cal["bookings"]] == [w.bB["id"]]

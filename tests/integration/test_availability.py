"""test_availability.py: the guest side of bookings (SPEC 7.4) on both stores: priced availability
(flow F2 (1) priced exactly like the nightly example of SPEC 6.3, hourly offers on datetimes with
minHours, monthly offers, exclusions: overlapping blocking bookings, out_of_service units, capacity;
filters, the order by total then name, every 400, 404 for an unknown or inactive establishment,
the availability-ip limit) and the lookup by code (flow F3 (1), (2) and (4), phone lookups in
national format, the PublicBooking projection)."""
import calendar as cal
import datetime as dt
import json
import re
import time
import urllib.parse

import pytest
import requests
from requests.adapters import HTTPAdapter

import identity
from harness import assert_error, assert_ok
from test_bookings_read import business_today, client_info, insert_booking, iso, unit_body, utc
from test_public_catalogue import PUBLIC_ACC_KEYS, est_body

URL = "/api/public/availability"
LOOKUP = "/api/public/bookings/by-code"
PASSWORD = "avail-pass-123"
RAISED = ("RuziziRateLimit availability-ip 100000/min 100000\n"
          "RuziziRateLimit lookup-ip 100000/min 100000\n")
PUBLIC_BOOKING_KEYS = {"bookingCode", "status", "paymentStatus", "bookingType", "checkIn",
                       "checkOut", "checkInDate", "checkOutDate", "nights", "numberOfGuests",
                       "clientInfo", "arrivalTime", "specialRequests", "pricing", "expiresAt",
                       "accommodation", "establishment", "createdAt"}


def add_months(d, k):
    m = d.month - 1 + k
    y, m = d.year + m // 12, m % 12 + 1
    return dt.date(y, m, min(d.day, cal.monthrange(y, m)[1]))


class World:
    """Establishment A (the F2 unit), establishment E (units for the rules), an inactive X and a
    Rwandan R (phone lookups); D = businessToday + 60."""

    def __init__(self, srv):
        self.srv = srv
        admin = identity.create_admin(srv, "avail-admin@example.com", PASSWORD)
        self.sa = identity.bearer(identity.mint_token(srv, admin, "super_admin"))
        self.T = business_today()
        self.D = self.T + dt.timedelta(days=60)
        self.est, self.acc = {}, {}
        for key, name, kw in (("A", "Lakeside", {}), ("E", "Hills", {}), ("X", "Closed Inn", {}),
                              ("R", "Kigali Heights", {"location": {
                                  "city": "Kigali", "address": "2 Rue", "country": "RW",
                                  "lat": -1.9441, "lng": 30.0619}})):
            body = est_body(name, "Bujumbura", -3.38, 29.36)
            body.update(kw)
            self.est[key] = assert_ok(srv.post("/api/establishments", headers=self.sa, json=body),
                                      201)["id"]
        season = {"name": "Fêtes", "from": iso(self.day(2)), "to": iso(self.day(13)),
                  "price": 70000}
        self.unit("f2", "A", "Suite F2", pricing={"basePrice": 50000, "seasons": [season]})
        self.unit("alpha", "E", "Alpha", type="standard_room", price=60000)
        self.unit("bravo", "E", "Bravo", type="standard_room", price=60000)
        self.unit("charlie", "E", "Charlie", price=40000, guests=4)
        self.unit("delta", "E", "Delta", price=30000)
        self.unit("echo", "E", "Echo", price=35000)
        self.unit("foxtrot", "E", "Foxtrot", price=20000, status="out_of_service")
        self.unit("golf", "E", "Golf", price=25000, guests=1)
        self.unit("hourly", "E", "Hotel Hourly", mode="hourly",
                  pricing={"basePrice": 10000, "minHours": 2})
        self.unit("monthly", "E", "India Monthly", mode="monthly", price=900000, guests=3,
                  type="apartment")
        self.unit("closed", "X", "Closed Suite")
        self.unit("kigali", "R", "Kigali Suite")
        e = self.est["E"]
        # Delta: a confirmed stay inside [D, D+3) -> not offered
        insert_booking(srv, e, self.acc["delta"], self.day(1), self.day(2))
        # Echo: a cancelled overlapping stay and a back-to-back stay ending on D -> offered
        insert_booking(srv, e, self.acc["echo"], self.day(0), self.day(3), "cancelled")
        insert_booking(srv, e, self.acc["echo"], self.day(-2), self.day(0), "checked_in")
        # Hotel Hourly: busy D 16:00-18:00 local
        insert_booking(srv, e, self.acc["hourly"], self.day(0), None, "pending", hourly=(16, 18))
        assert_ok(srv.request("PATCH", f"/api/establishments/{self.est['X']}", headers=self.sa,
                              json={"isActive": False}))

    def day(self, n):
        return self.D + dt.timedelta(days=n)

    def unit(self, key, est, name, mode="nightly", price=50000, guests=2, **kw):
        body = unit_body(name, mode, price, guests, establishmentId=self.est[est], **kw)
        if mode == "hourly":
            body["type"] = "standard_room"
        self.acc[key] = assert_ok(self.srv.post("/api/accommodations", headers=self.sa,
                                                json=body), 201)["id"]


@pytest.fixture(scope="module")
def world(start_server):
    return World(start_server(extra_conf=RAISED))


def avail(w, est="E", check_in=None, check_out=None, guests=2, **params):
    params.update(establishmentId=w.est.get(est, est), guests=guests,
                  checkIn=check_in or iso(w.day(0)), checkOut=check_out or iso(w.day(3)))
    return w.srv.get(URL, params={k: v for k, v in params.items() if v is not None})


def offer_names(data):
    return [o["accommodation"]["name"] for o in data["offers"]]


# ---- F2 (1) -----------------------------------------------------------------------------------

def test_f2_1_offer_priced_like_the_nightly_example(world):
    w = world
    data = assert_ok(avail(w, "A", iso(w.day(0)), iso(w.day(8))))
    assert data["establishmentId"] == w.est["A"] and data["currency"] == "BIF"
    assert (data["checkIn"], data["checkOut"]) == (utc(w.day(0), 14), utc(w.day(8), 11))
    assert (data["checkInDate"], data["checkOutDate"], data["guests"]) == \
        (iso(w.day(0)), iso(w.day(8)), 2)
    assert len(data["offers"]) == 1
    offer = data["offers"][0]
    assert set(offer) == {"accommodation", "pricing"}
    acc = offer["accommodation"]
    assert set(acc) == PUBLIC_ACC_KEYS and acc["id"] == w.acc["f2"]
    public = assert_ok(w.srv.get(f"/api/public/accommodations/{w.acc['f2']}"))
    del public["establishment"]
    assert acc == public  # the catalogue's PublicAccommodation
    assert offer["pricing"] == {
        "mode": "nightly", "currency": "BIF", "nights": 8, "months": None, "extraNights": None,
        "hours": None,
        "lines": [{"label": "Base rate", "from": iso(w.day(0)), "to": iso(w.day(2)),
                   "quantity": 2, "unit": "night", "unitPrice": 50000, "amount": 100000},
                  {"label": "Fêtes", "from": iso(w.day(2)), "to": iso(w.day(8)), "quantity": 6,
                   "unit": "night", "unitPrice": 70000, "amount": 420000}],
        "subtotal": 520000,
        "discount": {"percentBps": 500, "amount": 26000, "reason": "Long stay: 8 nights"},
        "total": 494000, "taxRateBps": 1800, "taxAmount": 75356, "netAmount": 418644}


# ---- offers -----------------------------------------------------------------------------------

def test_exclusions_and_order(world):
    w = world
    data = assert_ok(avail(w))
    # Delta booked, Foxtrot out of service, Golf too small, hourly and monthly units not for 3
    # nights; Echo's cancelled overlap and back-to-back stay do not block it; Alpha/Bravo tie on
    # total and go by name
    assert offer_names(data) == ["Echo", "Charlie", "Alpha", "Bravo"]
    assert [o["pricing"]["total"] for o in data["offers"]] == [105000, 120000, 180000, 180000]
    assert all(o["pricing"]["mode"] == "nightly" for o in data["offers"])
    assert all("status" not in o["accommodation"] for o in data["offers"])
    assert offer_names(assert_ok(avail(w, guests=1))) == \
        ["Golf", "Echo", "Charlie", "Alpha", "Bravo"]
    assert offer_names(assert_ok(avail(w, guests=3))) == ["Charlie"]
    # one night later Delta is free again (its stay ends on D+2 at 11:00)
    assert "Delta" in offer_names(assert_ok(avail(w, check_in=iso(w.day(2)),
                                                  check_out=iso(w.day(4)))))


def test_filters(world):
    w = world
    assert offer_names(assert_ok(avail(w, type="suite"))) == ["Echo", "Charlie"]
    assert offer_names(assert_ok(avail(w, type="standard_room,house"))) == ["Alpha", "Bravo"]
    assert offer_names(assert_ok(avail(w, pricingMode="monthly"))) == []
    assert offer_names(assert_ok(avail(w, pricingMode="hourly"))) == []
    assert len(assert_ok(avail(w, pricingMode="nightly,hourly"))["offers"]) == 4


def test_hourly_offers_on_datetimes(world):
    w = world
    d = iso(w.day(0))
    data = assert_ok(avail(w, check_in=f"{d}T14:10:00+02:00", check_out=f"{d}T15:40+02:00"))
    assert offer_names(data) == ["Hotel Hourly"]
    assert (data["checkIn"], data["checkOut"]) == (utc(w.day(0), 14, 10), utc(w.day(0), 15, 40))
    assert (data["checkInDate"], data["checkOutDate"]) == (d, d)
    p = data["offers"][0]["pricing"]
    assert (p["mode"], p["hours"], p["nights"], p["months"], p["total"]) == \
        ("hourly", 2, 0, None, 20000)
    assert p["lines"] == [{"label": "Base rate", "from": utc(w.day(0), 14, 10),
                           "to": utc(w.day(0), 15, 40), "quantity": 2, "unit": "hour",
                           "unitPrice": 10000, "amount": 20000}]
    # 14:10 -> 14:40 is still 2 billed hours (minHours)
    data = assert_ok(avail(w, check_in=f"{d}T12:10:00Z", check_out=f"{d}T12:40:00Z"))
    assert data["offers"][0]["pricing"]["total"] == 20000
    # overlapping its pending booking (16:00-18:00 local) -> not offered; right after it -> offered
    assert offer_names(assert_ok(avail(w, check_in=f"{d}T17:00+02:00",
                                       check_out=f"{d}T19:00+02:00"))) == []
    assert offer_names(assert_ok(avail(w, check_in=f"{d}T18:00+02:00",
                                       check_out=f"{d}T19:00+02:00"))) == ["Hotel Hourly"]
    assert offer_names(assert_ok(avail(w, check_in=f"{d}T14:00+02:00",
                                       check_out=f"{d}T15:00+02:00", pricingMode="nightly"))) == []


def test_monthly_offers(world):
    w = world
    out = add_months(w.day(0), 1) + dt.timedelta(days=15)
    data = assert_ok(avail(w, check_out=iso(out), guests=3))
    # Charlie: 43..46 nights less 15 % is still above one month and a half of India
    assert offer_names(data) == ["India Monthly", "Charlie"]
    p = data["offers"][0]["pricing"]
    assert (p["mode"], p["months"], p["extraNights"], p["hours"]) == ("monthly", 1, 15, None)
    assert p["nights"] == (out - w.day(0)).days
    assert p["total"] == 900000 + 450000 and p["discount"]["amount"] == 0
    assert [(l["unit"], l["quantity"]) for l in p["lines"]] == [("month", 1),
                                                                 ("prorated_night", 15)]
    assert data["checkOutDate"] == iso(out)
    # a 20-night range gives nightly offers and no monthly ones
    data = assert_ok(avail(w, check_out=iso(w.day(20)), guests=3))
    assert offer_names(data) == ["Charlie"]
    # more than 365 nights: monthly only
    data = assert_ok(avail(w, check_out=iso(add_months(w.day(0), 13)), guests=3))
    assert offer_names(data) == ["India Monthly"]
    assert data["offers"][0]["pricing"]["months"] == 13


# ---- errors -----------------------------------------------------------------------------------

def test_validation_errors(world):
    w = world
    d0, d3 = iso(w.day(0)), iso(w.day(3))
    for name in ("establishmentId", "checkIn", "checkOut", "guests"):
        params = {"establishmentId": w.est["E"], "checkIn": d0, "checkOut": d3, "guests": 2}
        del params[name]
        assert_error(w.srv.get(URL, params=params), 400, "VALIDATION_ERROR", name, "required")
    cases = [
        ({"est": "xyz"}, "establishmentId"),
        ({"guests": 0}, "guests"), ({"guests": 51}, "guests"), ({"guests": "two"}, "guests"),
        ({"check_in": "2027-13-01"}, "checkIn"), ({"check_in": "tomorrow"}, "checkIn"),
        ({"check_in": f"{d0}T14:00"}, "checkIn"),  # a datetime without offset
        ({"check_out": f"{d3}T11:00:00Z"}, "checkOut"),  # a date and a datetime
        ({"check_in": iso(w.T - dt.timedelta(days=1)),
          "check_out": iso(w.T + dt.timedelta(days=1))}, "checkIn"),  # past
        ({"check_in": d3, "check_out": d0}, "checkOut"),
        ({"check_in": d0, "check_out": d0}, "checkOut"),
        ({"check_in": f"{d0}T15:00:00Z", "check_out": f"{d0}T15:00:00Z"}, "checkOut"),
        ({"check_in": iso(w.T + dt.timedelta(days=731)),
          "check_out": iso(w.T + dt.timedelta(days=733))}, "checkIn"),  # beyond +730
        ({"check_out": iso(add_months(w.day(0), 25))}, "checkOut"),  # no mode: > 24 months
        ({"check_in": f"{d0}T10:00:00Z", "check_out": f"{iso(w.day(1))}T10:01:00Z"},
         "checkOut"),  # no mode: hourly > 24 h
        ({"type": "villa"}, "type"), ({"pricingMode": "weekly"}, "pricingMode"),
        ({"foo": "1"}, "foo"),
    ]
    for kw, field in cases:
        kw = dict(kw)
        est = kw.pop("est", "E")
        assert_error(avail(w, est, **kw), 400, "VALIDATION_ERROR", field)
    # the last day of the window and today are fine
    assert_ok(avail(w, check_in=iso(w.T + dt.timedelta(days=730)),
                    check_out=iso(w.T + dt.timedelta(days=731))))
    assert_ok(avail(w, check_in=iso(w.T), check_out=iso(w.T + dt.timedelta(days=1))))


def test_unknown_or_inactive_establishment_is_404(world):
    w = world
    unknown = avail(w, "f" * 24)
    assert_error(unknown, 404, "NOT_FOUND")
    inactive = avail(w, "X")
    assert_error(inactive, 404, "NOT_FOUND")
    assert inactive.json() == unknown.json()


# ---- lookup by code ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def guest(world):
    w = world
    info = client_info("Grace", "Irakoze", "guest@example.com", "+25779000111",
                       idType="passport", idNumber="PX123456", city="Bujumbura")
    b = insert_booking(w.srv, w.est["A"], w.acc["f2"], w.day(30), w.day(33), "pending",
                       code="RZ-7KQ2-M9XD", bookingType="online", clientInfo=info,
                       notes="VIP internal", specialRequests="Late arrival", arrivalTime="22:00",
                       expiresAt="2030-01-01T00:00:00Z")
    rw = insert_booking(w.srv, w.est["R"], w.acc["kigali"], w.day(30), w.day(31),
                        code="RZ-1Q0Z-ABCD",
                        clientInfo=client_info("Eric", "Mugisha", None, "+250788123456"))
    closed = insert_booking(w.srv, w.est["X"], w.acc["closed"], w.day(30), w.day(31),
                            code="RZ-2222-3333",
                            clientInfo=client_info("Ida", "Closed", "ida@example.com"))
    return {"b": b, "rw": rw, "closed": closed}


def lookup(w, **params):
    # spaces as %20: requests would write '+', which the API reads literally (SPEC 2.1)
    return w.srv.get(LOOKUP + "?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote))


def test_f3_1_lookup_by_code_and_email(world, guest):
    w, b = world, guest["b"]
    data = assert_ok(lookup(w, code="rz-7kq2m9xd", email="GUEST@example.com"))
    assert set(data) == PUBLIC_BOOKING_KEYS
    for k in ("bookingCode", "status", "paymentStatus", "bookingType", "checkIn", "checkOut",
              "checkInDate", "checkOutDate", "nights", "numberOfGuests", "arrivalTime",
              "specialRequests", "pricing", "expiresAt", "createdAt"):
        assert data[k] == b[k], k
    assert data["clientInfo"] == {"firstName": "Grace", "lastName": "Irakoze"}
    assert data["accommodation"] == {"id": w.acc["f2"], "name": "Suite F2", "type": "suite",
                                     "images": []}
    est = data["establishment"]
    assert set(est) == {"id", "name", "location", "contacts", "checkInTime", "checkOutTime"}
    assert (est["id"], est["name"], est["checkInTime"]) == (w.est["A"], "Lakeside", "14:00")
    text = json.dumps(data)
    for secret in ("VIP internal", "guest@example.com", "+25779000111", "PX123456", "notes",
                   "idNumber", b["id"]):
        assert secret not in text, secret
    for code in ("RZ-7KQ2-M9XD", "rz 7kq2 m9xd", " Rz7Kq2-M9xD "):
        assert assert_ok(lookup(w, code=code, email="guest@example.com")) == data


def test_f3_2_mismatch_is_the_same_404_as_an_unknown_code(world, guest):
    w = world
    unknown = lookup(w, code="RZ-ZZZZ-ZZZZ", email="guest@example.com")
    assert_error(unknown, 404, "NOT_FOUND")
    for params in ({"code": "RZ-7KQ2-M9XD", "email": "other@example.com"},
                   {"code": "RZ-7KQ2-M9XD", "phone": "+25779000112"},
                   {"code": "RZ-1Q0Z-ABCD", "email": "eric@example.com"},  # no email stored
                   {"code": "RZ-2222-3333", "email": "ida@example.com"}):  # inactive establishment
        r = lookup(w, **params)
        assert_error(r, 404, "NOT_FOUND")
        assert r.content == unknown.content, params


def test_lookup_by_phone(world, guest):
    w = world
    want = assert_ok(lookup(w, code="RZ-7KQ2-M9XD", email="guest@example.com"))
    for phone in ("+25779000111", "79 00 01 11", "079-000-111", "00257 79 000 111",
                  "+257 (79) 000.111"):
        assert assert_ok(lookup(w, code="RZ-7KQ2-M9XD", phone=phone)) == want, phone
    # the national number is read in the booking's establishment country (RW: +250), and the
    # code's O and L read as 0 and 1
    got = assert_ok(lookup(w, code="rz-lqoz-abcd", phone="0788 123 456"))
    assert got["bookingCode"] == "RZ-1Q0Z-ABCD" and got["clientInfo"]["firstName"] == "Eric"
    assert_error(lookup(w, code="RZ-1Q0Z-ABCD", phone="788 123 457"), 404, "NOT_FOUND")


def test_lookup_validation(world, guest):
    w = world
    cases = [
        ({"email": "guest@example.com"}, "code", "required"),
        ({"code": "RZ-123", "email": "guest@example.com"}, "code", None),
        ({"code": "XX-7KQ2-M9XD", "email": "guest@example.com"}, "code", None),
        ({"code": "RZ-7KQ2-M9XU", "email": "guest@example.com"}, "code", None),  # U: not base32
        ({"code": "RZ-7KQ2-M9XD"}, "email", None),
        ({"code": "RZ-7KQ2-M9XD", "email": "guest@example.com", "phone": "+25779000111"},
         "phone", None),
        ({"code": "RZ-7KQ2-M9XD", "email": "not-an-email"}, "email", None),
        ({"code": "RZ-7KQ2-M9XD", "phone": "call me"}, "phone", None),
        ({"code": "RZ-7KQ2-M9XD", "email": "guest@example.com", "lang": "en"}, "lang", None),
    ]
    for params, field, message in cases:
        assert_error(lookup(w, **params), 400, "VALIDATION_ERROR", field, message)


# ---- rate limits (SPEC 8.2), on a server with the default limits -------------------------------

class SourceAdapter(HTTPAdapter):
    """Connects from a given loopback address, so the test has a bucket of its own."""

    def __init__(self, source, **kw):
        self.source = source
        super().__init__(**kw)

    def init_poolmanager(self, *args, **kw):
        kw["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kw)


def first_limited(srv, source, path, params, limit):
    """Sends requests from `source` until one is refused; returns (its number, the response, the
    seconds taken). Refills during the run (limit per minute) may let a few more through."""
    s = requests.Session()
    s.trust_env = False
    s.verify = str(srv.ca.ca_cert)
    s.mount("https://", SourceAdapter(source))
    start = time.monotonic()
    for n in range(1, limit + 30):
        r = s.get(srv.url(path), params=params)
        if r.status_code == 429:
            return n, r, time.monotonic() - start
        assert r.status_code in (200, 404), r.text
    pytest.fail(f"no 429 within {limit + 30} requests")


@pytest.fixture(scope="module")
def limited(start_server, world):
    srv = start_server()
    admin = identity.create_admin(srv, "limited-admin@example.com", PASSWORD)
    sa = identity.bearer(identity.mint_token(srv, admin, "super_admin"))
    est = assert_ok(srv.post("/api/establishments", headers=sa,
                             json=est_body("Limits", "Bujumbura", -3.38, 29.36)), 201)["id"]
    acc = assert_ok(srv.post("/api/accommodations", headers=sa,
                             json=unit_body("Room", establishmentId=est)), 201)["id"]
    insert_booking(srv, est, acc, world.day(1), world.day(2), code="RZ-7KQ2-M9XD",
                   clientInfo=client_info("Ana", "Limit", "ana@example.com"))
    return {"srv": srv, "est": est}


def test_availability_ip_limit(limited, world):
    srv = limited["srv"]
    params = {"establishmentId": limited["est"], "checkIn": iso(world.day(0)),
              "checkOut": iso(world.day(2)), "guests": 2}
    n, r, took = first_limited(srv, "127.0.0.7", URL, params, 60)
    assert 61 <= n <= 61 + int(took) + 1, (n, took)  # 60/min: one token back per second
    assert_error(r, 429, "RATE_LIMITED")
    assert re.fullmatch(r"[1-9][0-9]*", r.headers["Retry-After"]), r.headers


def test_f3_4_eleventh_lookup_in_a_minute_is_429(limited):
    srv = limited["srv"]
    params = {"code": "rz-7kq2m9xd", "email": "ana@example.com"}
    n, r, took = first_limited(srv, "127.0.0.8", LOOKUP, params, 10)
    assert 11 <= n <= 11 + int(took / 6) + 1, (n, took)  # 10/min: one token back per 6 s
    assert_error(r, 429, "RATE_LIMITED")
    assert re.fullmatch(r"[1-9][0-9]*", r.headers["Retry-After"]), r.headers

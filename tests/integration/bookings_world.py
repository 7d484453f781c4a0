"""bookings_world.py: the shared world of the booking tests: establishments A and B with their
users (test_users.World), the units of the SPEC 6.3 examples in A, a unit in B, business dates as
the server computes them (SPEC 2.7), request bodies and helpers."""
import datetime as dt
import time
import uuid

import harness
from harness import assert_ok
from test_users import World

# every booking limit of SPEC 8.2 raised: the tests count bookings, not tokens
HIGH_LIMITS = "".join(f"RuziziRateLimit {scope} 100000/min\n" for scope in (
    "booking-ip", "booking-contact", "lookup-ip", "availability-ip"))

UTC_OFFSET = dt.timedelta(hours=2)  # the establishments' default +02:00
DAY_START = dt.timedelta(hours=6)   # businessDayStart 06:00


class Clock:
    """RuziziTestClockFile: seconds added to the server's clock (re-read at most once a second)."""

    def __init__(self):
        self.path = harness.make_tmpdir("ruzizi-clock-") / "offset"
        self.offset = 0
        self.path.write_text("0\n")
        self.path.chmod(0o644)

    def advance(self, seconds):
        self.offset += seconds
        self.path.write_text(f"{self.offset}\n")
        time.sleep(1.2)

    def now(self):
        return dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=self.offset)


class BookingWorld(World):
    """World plus units in A: `nightly` (base 50,000, season "Fêtes" 70,000 over D+2..D+13 with
    D = businessToday + 60), `hourly` (10,000 per hour, minHours 2), `monthly` (900,000), a second
    nightly unit `nightly2`; `unit_b` in B."""

    def __init__(self, server, clock=None):
        self.clock = clock
        super().__init__(server)
        d = self.today() + dt.timedelta(days=60)
        self.D = d
        self.nightly = self.unit("Suite Fêtes", "nightly", 50000, seasons=[
            {"name": "Fêtes", "from": str(d + dt.timedelta(days=2)),
             "to": str(d + dt.timedelta(days=13)), "price": 70000}])
        self.nightly2 = self.unit("Chambre Lac", "nightly", 40000)
        self.hourly = self.unit("Salle de jour", "hourly", 10000, minHours=2)
        self.monthly = self.unit("Appartement", "monthly", 900000, type_="apartment")
        self.unit_b = self.unit("Suite B", "nightly", 30000, who="mgr_b")

    def unit(self, name, mode, price, seasons=None, minHours=None, who="mgr_a", type_="suite",
             max_guests=4):
        pricing = {"basePrice": price, "seasons": seasons or []}
        if minHours:
            pricing["minHours"] = minHours
        body = {"name": name, "type": type_, "pricingMode": mode, "pricing": pricing,
                "capacity": {"maxGuests": max_guests}}
        r = self.server.post("/api/accommodations", json=body, headers=self.h(who))
        return assert_ok(r, 201)["id"]

    def now(self):
        return self.clock.now() if self.clock else dt.datetime.now(dt.timezone.utc)

    def token(self, uid, role, est=None, iat=None):
        """Tokens issued at the server's (moved) time, so they stay valid as the clock moves."""
        if iat is None and self.clock:
            iat = int(self.clock.now().timestamp())
        return super().token(uid, role, est, iat=iat)

    def today(self):
        """businessToday of an establishment at +02:00 with businessDayStart 06:00."""
        return (self.now() + UTC_OFFSET - DAY_START).date()

    def day(self, n):
        return str(self.today() + dt.timedelta(days=n))

    def local(self, n_days, hh, mm=0):
        """An RFC 3339 local datetime (+02:00) n_days after businessToday."""
        d = self.today() + dt.timedelta(days=n_days)
        return f"{d}T{hh:02d}:{mm:02d}:00+02:00"


def client_info(first="Aline", last="Ndayishimiye", email=None, phone="+25779111222", **kw):
    ci = {"firstName": first, "lastName": last}
    if email:
        ci["email"] = email
    if phone:
        ci["phone"] = phone
    ci.update(kw)
    return ci


def public_body(w, acc, check_in, check_out, guests=2, **kw):
    body = {"establishmentId": w.a, "accommodationId": acc, "checkIn": check_in,
            "checkOut": check_out, "numberOfGuests": guests,
            "clientInfo": client_info(email=f"guest-{uuid.uuid4().hex[:8]}@example.com")}
    body.update(kw)
    return body


def desk_body(acc, check_in, check_out, guests=2, **kw):
    body = {"accommodationId": acc, "checkIn": check_in, "checkOut": check_out,
            "numberOfGuests": guests,
            "clientInfo": client_info(email=f"desk-{uuid.uuid4().hex[:8]}@example.com")}
    body.update(kw)
    return body


def key():
    return {"Idempotency-Key": str(uuid.uuid4())}


def public_create(w, body, status=201, headers=None):
    r = w.server.post("/api/public/bookings", json=body, headers=headers or key())
    return assert_ok(r, status) if status < 300 else r


def desk_create(w, body, who="st_a", status=201):
    r = w.server.post("/api/bookings", json=body, headers=w.h(who))
    return assert_ok(r, status) if status < 300 else r


def booking_id(w, code):
    """The id of the booking with bookingCode `code` (a public booking shows no id)."""
    r = w.server.get(f"/api/bookings?q={code}", headers=w.h("mgr_a"))
    found = assert_ok(r)
    assert len(found) == 1, found
    return found[0]["id"]

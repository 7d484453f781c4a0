"""admin_desk_helpers.py: what the front-desk browser tests (test_admin_desk_*.py) share: logging in through the
page, the business date, and data made through the API (units of their own, public and desk bookings, users)."""
import datetime as dt
import random
import uuid

import requests

from conftest import DEMO_PASSWORD, UTC_OFFSET

BUSINESS_DAY_START = dt.timedelta(hours=6)  # the demo establishments' businessDayStart


def log_in(page, email, password=DEMO_PASSWORD, then="/admin/"):
    """Logs in through /admin/login and waits for `then` (the address the login goes back to)."""
    if not page.path.startswith("/admin/login"):
        page.go("/admin/login")
    page.fill("email", email)
    page.fill("password", password)
    page.submit()
    page.wait_path(then)


def business_today(web):
    """The establishments' business date now on the server's clock (SPEC 2.7: local date of now - 06:00)."""
    now = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=web.clock_offset)
    return (now + UTC_OFFSET - BUSINESS_DAY_START).date()


def unique(prefix):
    return f"{prefix} {uuid.uuid4().hex[:6]}"


def unique_phone():
    """A Burundi mobile number no other test uses (bookings are found and clients linked by phone)."""
    return "+2577" + "".join(random.choices("0123456789", k=7))


def national(phone):
    """A +257 number as typed at the desk: "79 12 34 56"."""
    d = phone[4:]
    return f"{d[0:2]} {d[2:4]} {d[4:6]} {d[6:8]}"


def api(web, method, path, who=None, **kw):
    """An API call as the Bujumbura manager (or with the headers `who`; {} for none), returning the response.
    A dropped connection (a loaded machine) is tried again: a POST keeps its Idempotency-Key, so it happens once."""
    headers = who if who is not None else web.manager_headers()
    if method == "POST" and "/auth/" not in path:
        headers = {**headers, "Idempotency-Key": str(uuid.uuid4())}
    for attempt in range(3):
        try:
            return web.server.request(method, f"/api{path}", headers=headers, **kw)
        except requests.ConnectionError:
            if attempt == 2:
                raise


def bearer(web, email, password=DEMO_PASSWORD):
    """Authorization headers of a fresh login of `email`."""
    r = api(web, "POST", "/auth/login", who={}, json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['data']['tokens']['accessToken']}"}


def new_unit(web, name, mode="nightly", price=40000, guests=2, **extra):
    """A unit of the Bujumbura establishment for one test (its own, so no other test books it)."""
    pricing = {"basePrice": price, **({"minHours": 1} if mode == "hourly" else {})}
    r = api(web, "POST", "/accommodations", json={
        "name": unique(name), "type": "standard_room", "pricingMode": mode, "pricing": pricing,
        "capacity": {"maxGuests": guests}, **extra})
    assert r.status_code == 201, r.text
    return r.json()["data"]


def public_booking(web, unit, check_in, nights=1, first="Aline", last="Test", email=None, phone=None):
    """A booking made on the public site (POST /api/public/bookings): pending, online."""
    r = api(web, "POST", "/public/bookings", who={}, json={
        "establishmentId": web.est["id"], "accommodationId": unit["id"],
        "checkIn": str(check_in), "checkOut": str(check_in + dt.timedelta(days=nights)), "numberOfGuests": 1,
        "clientInfo": {"firstName": first, "lastName": last, "phone": phone or unique_phone(),
                       "email": email or f"{uuid.uuid4().hex[:10]}@guest.example"}})
    assert r.status_code == 201, r.text
    code = r.json()["data"]["bookingCode"]
    return find_booking(web, code)


def find_booking(web, code):
    """The back-office Booking of a code (as the manager)."""
    r = api(web, "GET", "/bookings", params={"q": code})
    assert r.status_code == 200, r.text
    found = [b for b in r.json()["data"] if b["bookingCode"] == code]
    assert len(found) == 1, r.text
    return found[0]


def booking(web, booking_id):
    r = api(web, "GET", f"/bookings/{booking_id}")
    assert r.status_code == 200, r.text
    return r.json()["data"]


def act(web, b, *actions):
    """Runs booking actions through the API (accept, confirm...) and returns the booking after them."""
    for a in actions:
        r = api(web, "POST", f"/bookings/{b['id']}/{a}", json={})
        assert r.status_code == 200, (a, r.text)
        b = r.json()["data"]
    return b


def actions_shown(page, scope=""):
    """The data-action values of the booking action buttons shown (under `scope`, a CSS prefix)."""
    wanted = ("accept", "confirm", "checkin", "checkout", "cancel", "no-show")
    return sorted({e.get_attribute("data-action") for e in page.finds(f"{scope} [data-action]")
                   if e.get_attribute("data-action") in wanted and e.is_displayed()})


def assert_no_injected_markup(page):
    """A guest name such as <img src=x onerror=alert(1)> must stay text: no such element, no alert."""
    assert page.finds("img[src='x']") == [], "the guest name became an element"
    assert page.js("return document.querySelectorAll('[onerror]').length") == 0

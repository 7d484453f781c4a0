"""site_helpers.py: what the booking-site browser tests (test_site_*.py) share: their own units made through
the API, stay addresses, the booking form filled through its input names (UI.md 7), bookings read back
through the API, a small PNG for uploads, and a fetch wrapper that loses or fakes an answer."""
import datetime as dt
import struct
import urllib.parse
import uuid
import zlib

from conftest import i18n

FR, EN = i18n("fr"), i18n("en")
CODE_FORMAT = r"^RZ-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$"


def plain(text):
    """Text with the narrow and ordinary no-break spaces of French formats as plain spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def money_fr(amount):
    return f"{amount:,}".replace(",", " ") + " BIF"


def new_unit(web, name, price=52000, max_guests=3, **extra):
    """A nightly unit of the Bujumbura establishment of the tests' own, so no other test books it."""
    body = {"name": f"{name} {uuid.uuid4().hex[:6]}", "type": "standard_room", "pricingMode": "nightly",
            "pricing": {"basePrice": price}, "capacity": {"maxGuests": max_guests}, **extra}
    r = web.server.post("/api/accommodations", headers=web.manager_headers(), json=body)
    assert r.status_code == 201, r.text
    return r.json()["data"]


def stay(web, days_ahead, nights=1, guests=2):
    """A stay starting `days_ahead` days after the establishments' today: the search's parameters."""
    day = web.today() + dt.timedelta(days=days_ahead)
    return {"establishmentId": web.est["id"], "checkIn": str(day),
            "checkOut": str(day + dt.timedelta(days=nights)), "guests": str(guests)}


def results_path(s):
    return "/?" + urllib.parse.urlencode(s)


def book_path(s, unit):
    return "/book?" + urllib.parse.urlencode({**s, "accommodationId": unit["id"]})


def quote(web, s, unit):
    """The API's offer of `unit` for stay `s` (None if it is not offered)."""
    offers = web.availability(**s)["offers"]
    return next((o for o in offers if o["accommodation"]["id"] == unit["id"]), None)


def open_form(page):
    """Waits for the booking form (its quote loaded) and returns it."""
    page.wait("form.book-form input[name=firstName]")
    return page.find("form.book-form")


def fill_guest(page, first="Aline", last="Niyonzima", phone="", email="", arrival="", requests=""):
    """Types the guest's details into the booking form by input name (UI.md 7)."""
    page.fill("firstName", first)
    page.fill("lastName", last)
    page.fill("phone", phone)
    page.fill("email", email)
    if arrival:
        page.set_value("arrivalTime", arrival)
    page.fill("specialRequests", requests)


def bookings_of(web, q):
    """The bookings the back office finds for `q` (a phone's digits, an email, a code)."""
    r = web.server.get("/api/bookings", params={"q": q}, headers=web.manager_headers())
    assert r.status_code == 200, r.text
    return r.json()["data"]


def book_through_api(web, s, unit, phone):
    """Books `unit` for stay `s` as another guest would, through the API."""
    r = web.server.post("/api/public/bookings", headers={"Idempotency-Key": str(uuid.uuid4())}, json={
        "establishmentId": s["establishmentId"], "accommodationId": unit["id"], "checkIn": s["checkIn"],
        "checkOut": s["checkOut"], "numberOfGuests": int(s["guests"]),
        "clientInfo": {"firstName": "Autre", "lastName": "Client", "phone": phone}})
    assert r.status_code == 201, r.text
    return r.json()["data"]


def png(width=320, height=200, rgb=(11, 92, 107)):
    """A plain PNG image of one colour (for POST /api/images)."""
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def upload_image(web, unit=None, rgb=(11, 92, 107)):
    """Uploads a PNG for `unit` (or for the establishment when unit is None); returns the Image."""
    params = {"accommodationId": unit["id"]} if unit else {"purpose": "establishment"}
    headers = {**web.manager_headers(), "Content-Type": "image/png"}
    r = web.server.post("/api/images", params=params, headers=headers, data=png(rgb=rgb))
    assert r.status_code == 201, r.text
    return r.json()["data"]


# Installs, in the page, a fetch that records each booking POST's Idempotency-Key in window.rzSent and
# answers the booking POSTs according to window.rzPlan, one entry per POST, then normally:
#   'hang'    the request reaches the server, but its answer never comes back to the page (a reload or a
#             dropped connection loses it)
#   '429:<s>' the API's 429 RATE_LIMITED envelope with Retry-After: <s>, without asking the server
WRAP_BOOKING_FETCH = """
window.rzSent = [];
window.rzPlan = arguments[0];
const realFetch = window.fetch;
window.fetch = async (url, init) => {
    if (!String(url).includes('/api/public/bookings') || !init || init.method !== 'POST') return realFetch(url, init);
    window.rzSent.push(init.headers['Idempotency-Key'] || null);
    const plan = window.rzPlan.shift() || 'real';
    if (plan === 'hang') {
        realFetch(url, init);
        return new Promise(() => {});
    }
    if (plan.startsWith('429:')) {
        return new Response(JSON.stringify({ success: false, error: { code: 'RATE_LIMITED', message: 'Too many requests' } }),
            { status: 429, headers: { 'Retry-After': plan.slice(4), 'Content-Type': 'application/json' } });
    }
    return realFetch(url, init);
};
"""


def wrap_booking_fetch(page, plan):
    page.js(WRAP_BOOKING_FETCH, list(plan))


def sent_keys(page):
    return page.js("return window.rzSent || []")


def attempt_keys(page):
    """The Idempotency-Keys of booking attempts kept in sessionStorage."""
    return {k: page.storage("session", k) for k in page.storage_keys("session") if k.startswith("rz.book.key.")}

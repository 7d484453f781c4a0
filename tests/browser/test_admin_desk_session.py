"""test_admin_desk_session.py: a session that ends while the desk is working: submitting a desk booking sends the
user to the login page, and logging in again comes back to the same form, still filled in, which then books."""
import datetime as dt
import urllib.parse
import uuid

from admin_desk_helpers import api, bearer, business_today, log_in, new_unit, unique, unique_phone
from conftest import i18n

FR = i18n("fr")
SEARCH = "form[data-form=search]"
BOOK = "form[data-form=booking]"
PASSWORD = "Desk-session-2026"


def test_an_expired_session_during_a_desk_booking_returns_to_login_and_back_with_the_form(page, web):
    # a front-desk account of its own: this test ends all of its sessions
    email = f"desk.{uuid.uuid4().hex[:8]}@ruzizi.test"
    r = api(web, "POST", "/users", json={"email": email, "password": PASSWORD, "firstName": "Séance",
                                          "lastName": "Expirée", "role": "staff"})
    assert r.status_code == 201, r.text
    unit = new_unit(web, "Desk session")
    d = business_today(web) + dt.timedelta(days=50)
    last = unique("Patient")

    log_in(page, email, PASSWORD)
    page.go(f"/admin/bookings/new?checkIn={d}&checkOut={d + dt.timedelta(days=2)}&guests=1")
    page.click(f"[data-accommodation-id='{unit['id']}'] [data-action=book]")
    page.fill("firstName", "Emmanuel", BOOK)
    page.fill("lastName", last, BOOK)
    phone = unique_phone()
    page.fill("phone", phone, BOOK)
    address = page.path

    # the session ends while the form is open: its refresh token is revoked (logout everywhere, from
    # another device) and its access token expires (the server's clock moves past the 15 minutes)
    r = api(web, "POST", "/auth/logout-all", who=bearer(web, email, PASSWORD), json={})
    assert r.status_code == 200, r.text
    web.advance_clock(1000)

    page.submit(BOOK)
    page.wait_path("/admin/login?next=" + urllib.parse.quote(address, safe=""))
    r = api(web, "GET", "/bookings", params={"accommodationId": unit["id"]})
    assert r.json()["pagination"]["total"] == 0, "the refused attempt booked nothing"
    log_in(page, email, PASSWORD, then=address)
    page.until(lambda: page.value("lastName", BOOK) == last, "the form as it was typed")
    assert [page.value(n, BOOK) for n in ("firstName", "phone")] == ["Emmanuel", phone]
    page.submit(BOOK)
    page.until(lambda: page.path.endswith("?created=1"), "the booking made after logging in again")
    assert page.text("[role=status].alert-success") == FR["desk.created"]
    r = api(web, "GET", "/bookings", params={"accommodationId": unit["id"]})
    booked = r.json()["data"]
    assert len(booked) == 1 and booked[0]["clientInfo"]["lastName"] == last
    assert page.storage("session", "rz.deskDraft") is None, "the draft is forgotten once booked"

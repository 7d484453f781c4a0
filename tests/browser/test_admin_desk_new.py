"""test_admin_desk_new.py: new desk bookings (/admin/bookings/new): for an existing client picked from a search,
for a new client typed in, a walk-in on an hourly unit, and a 409 when the unit is taken meanwhile (the form
kept, the search run again)."""
import datetime as dt
import uuid

from admin_desk_helpers import api, booking, business_today, log_in, national, new_unit, unique, unique_phone
from conftest import MANAGER, STAFF, i18n

FR = i18n("fr")
SEARCH = "form[data-form=search]"
BOOK = "form[data-form=booking]"


def search_stay(page, check_in, check_out, guests=1):
    page.go("/admin/bookings/new")
    page.wait(f"{SEARCH} [name=checkIn]")
    page.set_value("checkIn", str(check_in), SEARCH)
    page.set_value("checkOut", str(check_out), SEARCH)
    page.fill("guests", str(guests), SEARCH)
    page.submit(SEARCH)


def choose(page, unit):
    page.click(f"[data-accommodation-id='{unit['id']}'] [data-action=book]")
    page.wait(f"{BOOK} [name=firstName]")


def created_booking(page, web):
    page.until(lambda: page.path.endswith("?created=1"), "the new booking's page")
    booking_id = page.path.split("/")[-1].split("?")[0]
    page.wait("[data-booking-code]")
    assert page.text("[role=status].alert-success") == FR["desk.created"]
    return booking(web, booking_id)


def test_a_desk_booking_for_an_existing_client(page, web):
    unit = new_unit(web, "Desk existing")
    last = unique("Habitue")
    r = api(web, "POST", "/clients", json={"personalInfo": {
        "firstName": "Claudine", "lastName": last, "email": f"{uuid.uuid4().hex[:8]}@client.example",
        "phone": unique_phone()}})
    assert r.status_code == 201, r.text
    client = r.json()["data"]
    d = business_today(web) + dt.timedelta(days=40)
    log_in(page, STAFF)
    search_stay(page, d, d + dt.timedelta(days=3), guests=2)
    offer = page.wait(f"[data-accommodation-id='{unit['id']}']")
    assert "120" in offer.text  # 3 nights at 40 000
    choose(page, unit)
    page.fill("q", last, "form[data-form=client-search]")
    page.submit("form[data-form=client-search]")
    page.click(f"[data-client-id='{client['id']}'] [data-action=pick-client]")
    page.until(lambda: page.value("lastName", BOOK) == last, "the client's details in the form")
    assert page.value("email", BOOK) == client["personalInfo"]["email"]
    assert page.value("numberOfGuests", BOOK) == "2"
    page.fill("notes", "Chambre au calme", BOOK)
    page.submit(BOOK)
    b = created_booking(page, web)
    assert b["clientId"] == client["id"] and b["accommodationId"] == unit["id"]
    assert (b["status"], b["bookingType"], b["numberOfGuests"], b["nights"]) == ("confirmed", "onsite", 2, 3)
    assert b["notes"] == "Chambre au calme" and b["checkInDate"] == str(d)
    r = api(web, "GET", f"/clients/{client['id']}")
    assert r.json()["data"]["personalInfo"] == client["personalInfo"], "a booking never changes its client"


def test_a_desk_booking_for_a_new_client(page, web):
    unit = new_unit(web, "Desk new client")
    d = business_today(web) + dt.timedelta(days=41)
    email = f"{uuid.uuid4().hex[:8]}@new.example"
    last = unique("Nouveau")
    log_in(page, MANAGER)
    search_stay(page, d, d + dt.timedelta(days=1))
    choose(page, unit)
    page.fill("q", last, "form[data-form=client-search]")
    page.submit("form[data-form=client-search]")
    assert page.text("form[data-form=client-search] [role=status]") == FR["desk.noClient"]
    page.fill("firstName", "Gilbert", BOOK)
    page.fill("lastName", last, BOOK)
    page.fill("email", email, BOOK)
    phone = unique_phone()
    page.fill("phone", national(phone), BOOK)
    page.js("const s = document.querySelector(arguments[0]); s.value = 'accepted';"
            "s.dispatchEvent(new Event('change', {bubbles: true}))", f"{BOOK} select[name=initialStatus]")
    page.submit(BOOK)
    b = created_booking(page, web)
    assert b["status"] == "accepted" and b["clientInfo"]["phone"] == phone
    r = api(web, "GET", "/clients", params={"email": email})
    clients = r.json()["data"]
    assert len(clients) == 1 and clients[0]["id"] == b["clientId"]
    assert clients[0]["personalInfo"]["lastName"] == last and clients[0]["classification"] == "regular"


def test_a_walk_in_on_an_hourly_unit(page, web):
    unit = new_unit(web, "Desk day room", mode="hourly", price=8000)
    log_in(page, STAFF)
    page.go("/admin/bookings/new?mode=hours&bookingType=walkin")
    page.wait(f"{SEARCH} [name=hours]")
    assert page.find(f"{SEARCH} input[name=bookingType][value=walkin]").is_selected()
    assert page.finds(f"{SEARCH} [name=start]") == [], "a walk-in starts now"
    page.fill("hours", "2", SEARCH)
    page.submit(SEARCH)
    choose(page, unit)
    assert page.finds(f"{BOOK} [name=initialStatus]") == []
    page.fill("firstName", "Prosper", BOOK)
    page.fill("lastName", unique("Passage"), BOOK)
    page.fill("phone", unique_phone(), BOOK)
    page.submit(BOOK)
    b = created_booking(page, web)
    assert (b["status"], b["bookingType"]) == ("checked_in", "walkin")
    assert b["pricing"]["mode"] == "hourly" and b["pricing"]["hours"] == 2 and b["pricing"]["total"] == 16000
    assert b["checkedInAt"][:16] == b["checkIn"][:16], "a walk-in starts now"
    assert page.find("[data-booking-status]").get_attribute("data-booking-status") == "checked_in"
    r = api(web, "GET", f"/clients/{b['clientId']}")
    assert r.json()["data"]["classification"] == "walkin"


def test_a_unit_taken_meanwhile_gives_a_clear_409_and_keeps_the_form(page, web):
    unit = new_unit(web, "Desk taken")
    d = business_today(web) + dt.timedelta(days=42)
    last = unique("Retard")
    log_in(page, STAFF)
    search_stay(page, d, d + dt.timedelta(days=2))
    choose(page, unit)
    page.fill("firstName", "Annick", BOOK)
    page.fill("lastName", last, BOOK)
    phone = unique_phone()
    page.fill("phone", phone, BOOK)
    page.fill("specialRequests", "Lit bébé", BOOK)
    # another desk takes the unit for an overlapping stay
    r = api(web, "POST", "/bookings", json={
        "accommodationId": unit["id"],
        "checkIn": str(d + dt.timedelta(days=1)), "checkOut": str(d + dt.timedelta(days=3)),
        "numberOfGuests": 1, "clientInfo": {"firstName": "Autre", "lastName": "Client", "phone": unique_phone()}})
    assert r.status_code == 201, r.text
    page.submit(BOOK)
    alert = page.wait(f"{BOOK} [role=alert][data-error-code=NOT_AVAILABLE]")
    assert alert.text == FR["error.NOT_AVAILABLE"]
    assert [page.value(n, BOOK) for n in ("firstName", "lastName", "phone", "specialRequests")] == \
        ["Annick", last, phone, "Lit bébé"]
    assert page.path.startswith("/admin/bookings/new?")
    page.click("[data-action=search-again]")
    page.wait("[role=alert]")
    page.until(lambda: FR["desk.chosenGone"] in page.text("main"), "the unit is no longer offered")
    assert page.finds(f"[data-accommodation-id='{unit['id']}']") == []
    r = api(web, "GET", "/bookings", params={"accommodationId": unit["id"]})
    assert r.json()["pagination"]["total"] == 1, "the refused attempt made no booking"

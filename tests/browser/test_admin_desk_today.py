"""test_admin_desk_today.py: the front desk's day: staff log in, see a booking made on the public site on Today,
accept, confirm and check it in; the booking page offers exactly the actions of its state; a check-in the day
before is refused with the translated reason; a guest name made of HTML shows as typed everywhere."""
import datetime as dt

from admin_desk_helpers import (
    act, actions_shown, api, assert_no_injected_markup, bearer, booking, business_today, log_in, new_unit,
    public_booking, unique)
from conftest import ADMIN, STAFF, i18n

FR = i18n("fr")
XSS = "<img src=x onerror=alert(1)>"


def row(page, day_list, code):
    return f"[data-list='{day_list}'] [data-booking-code='{code}']"


def test_staff_accept_confirm_and_check_in_a_site_booking_from_today(page, web):
    unit = new_unit(web, "Desk today")
    today = business_today(web)
    b = public_booking(web, unit, today, nights=2, first="Aline", last=unique("Ndayi"))
    code = b["bookingCode"]
    assert b["status"] == "pending" and b["bookingType"] == "online"

    log_in(page, STAFF)
    # pending with its expiry in the list to accept, and among today's expected arrivals
    pending = page.wait(row(page, "today.pending", code))
    assert pending.get_attribute("data-booking-status") == "pending"
    assert FR["today.expires"].split("{")[0].strip() in pending.text
    arrival = row(page, "today.arrivals", code)
    assert actions_shown(page, arrival) == ["accept"]

    page.click(f"{arrival} [data-action=accept]")
    page.until(lambda: page.find(arrival).get_attribute("data-booking-status") == "accepted", "the booking accepted")
    assert FR["booking.done.accept"].format(code=code) in page.text("[role=status].alert-success")
    assert actions_shown(page, arrival) == ["confirm"]

    page.click(f"{arrival} [data-action=confirm]")
    page.until(lambda: page.find(arrival).get_attribute("data-booking-status") == "confirmed",
               "the booking confirmed")
    assert actions_shown(page, arrival) == ["checkin"]

    page.click(f"{arrival} [data-action=checkin]")
    in_house = page.wait(row(page, "today.inHouse", code))
    assert in_house.get_attribute("data-booking-status") == "checked_in"
    assert page.finds(arrival) == [], "a checked-in guest is no longer an expected arrival"
    after = booking(web, b["id"])
    assert after["status"] == "checked_in" and after["checkedInAt"]
    assert [h["status"] for h in after["statusHistory"]] == ["pending", "accepted", "confirmed", "checked_in"]

    # its page: exactly the actions of checked_in (SPEC 5.1), and the history by status
    page.click(f"{row(page, 'today.inHouse', code)} a[href='/admin/bookings/{b['id']}']")
    page.wait_path(f"/admin/bookings/{b['id']}")
    assert page.text("[data-booking-code]") == code
    assert page.find("[data-booking-status]").get_attribute("data-booking-status") == "checked_in"
    assert actions_shown(page) == ["checkout"]
    assert len(page.finds(".history li")) == 4


def test_a_booking_page_offers_what_its_state_allows_and_refuses_a_check_in_the_day_before(page, web):
    unit = new_unit(web, "Desk tomorrow")
    tomorrow = business_today(web) + dt.timedelta(days=1)
    b = public_booking(web, unit, tomorrow, first="Jean", last=unique("Demain"))
    log_in(page, STAFF)
    page.go(f"/admin/bookings/{b['id']}")
    page.wait("[data-action=accept]")
    assert actions_shown(page) == ["accept", "cancel"]
    act(web, b, "accept")
    page.reload()
    page.wait("[data-action=confirm]")
    assert actions_shown(page) == ["cancel", "confirm"]
    act(web, b, "confirm")
    page.go(f"/admin/bookings/{b['bookingCode']}")  # the code is an address too
    page.wait("[data-action=checkin]")
    assert actions_shown(page) == ["cancel", "checkin", "no-show"]

    page.click("[data-action=checkin]")
    alert = page.wait("[role=alert][data-error-code=INVALID_TRANSITION]")
    assert alert.text == FR["booking.actionError.checkin.INVALID_TRANSITION"]
    assert booking(web, b["id"])["status"] == "confirmed"
    assert page.find("[data-booking-status]").get_attribute("data-booking-status") == "confirmed"


def test_a_guest_name_made_of_html_shows_as_typed_on_today_the_list_and_the_booking(page, web):
    unit = new_unit(web, "Desk markup")
    b = public_booking(web, unit, business_today(web), first=XSS, last="Test")
    code = b["bookingCode"]
    log_in(page, STAFF)
    guest = page.wait(f"{row(page, 'today.pending', code)} .desk-row-guest")
    assert guest.text == f"{XSS} Test"
    assert_no_injected_markup(page)

    page.go(f"/admin/bookings?q={code}")
    cell = page.wait(f"tr[data-booking-code='{code}'] td")
    assert cell.text == f"{XSS} Test"
    assert_no_injected_markup(page)

    page.click(f"tr[data-booking-code='{code}'] a")
    page.wait_path(f"/admin/bookings/{b['id']}")
    assert page.text(".lead").startswith(f"{XSS} Test · ")
    assert page.text("[data-client-id]") == f"{XSS} Test"
    assert_no_injected_markup(page)


def test_a_super_admin_picks_todays_establishment_and_the_address_keeps_it(page, web):
    gitega = web.establishments["Gitega"]
    pending = api(web, "GET", "/bookings", who=bearer(web, ADMIN),
                  params={"status": "pending", "establishmentId": gitega["id"], "limit": 100})
    log_in(page, ADMIN)
    page.wait("[data-count='today.arrivals']")
    page.js("const s = document.querySelector('select[name=establishmentId]'); s.value = arguments[0];"
            "s.dispatchEvent(new Event('change', {bubbles: true}))", gitega["id"])
    page.wait_path(f"/admin/?establishmentId={gitega['id']}")
    page.until(lambda: page.text(".lead").startswith(gitega["name"]), "Today of Gitega")
    page.reload()
    page.until(lambda: page.text(".lead").startswith(gitega["name"]), "Gitega after a reload")
    assert page.value("establishmentId", "main") == gitega["id"]
    page.until(lambda: page.text("[data-count='today.pending']") == str(pending.json()["pagination"]["total"]),
               "Gitega's pending count")
    for r in page.finds("[data-list='today.pending'] [data-booking-code]"):
        assert r.get_attribute("data-booking-code") in {b["bookingCode"] for b in pending.json()["data"]}

"""test_admin_desk_bookings.py: the booking list (filters in the address survive a reload, ?q=<code>, pages), the
calendar's bars, cancel with a reason, a stay change priced before saving (the preview is the server's price),
and isolation: another establishment's booking shows as not found, never its data."""
import datetime as dt
import urllib.parse

import pytest

from admin_desk_helpers import (
    act, api, bearer, booking, business_today, log_in, new_unit, public_booking, unique, unique_phone)
from conftest import MANAGER, STAFF, i18n, query_of

FR = i18n("fr")


def test_list_filters_live_in_the_address_and_survive_a_reload(page, web):
    unit = new_unit(web, "Desk list")
    d = business_today(web) + dt.timedelta(days=20)
    pending = public_booking(web, unit, d, last=unique("Liste"))
    later = d + dt.timedelta(days=2)
    confirmed = act(web, public_booking(web, unit, later, last=unique("Liste")), "accept", "confirm")
    other = act(web, public_booking(web, unit, d + dt.timedelta(days=4), last=unique("Liste")), "accept", "confirm")
    log_in(page, MANAGER)
    page.go("/admin/bookings")
    page.wait("form[data-form=filters] input[name=status][value=pending]").click()
    form = "form[data-form=filters]"
    page.js("const s = document.querySelector(arguments[0]); s.value = arguments[1];"
            "s.dispatchEvent(new Event('change', {bubbles: true}))",
            f"{form} select[name=accommodationId]", unit["id"])
    page.submit(form)
    page.until(lambda: query_of(page.path).get("status") == "pending", "the status filter in the address")
    assert query_of(page.path)["accommodationId"] == unit["id"]
    page.until(lambda: [r.get_attribute("data-booking-code") for r in page.finds("tr[data-booking-code]")]
               == [pending["bookingCode"]], "the one pending booking of the unit")

    page.reload()
    page.until(lambda: [r.get_attribute("data-booking-code") for r in page.finds("tr[data-booking-code]")]
               == [pending["bookingCode"]], "the same rows after a reload")
    assert page.find(f"{form} input[name=status][value=pending]").is_selected()
    assert not page.find(f"{form} input[name=status][value=confirmed]").is_selected()
    assert page.value("accommodationId", form) == unit["id"]
    pending_row = page.find(f"tr[data-booking-code='{pending['bookingCode']}']")
    assert pending_row.get_attribute("data-booking-status") == "pending"

    # a code in the address (UI.md 7), and the API's pages, newest first, one per page
    page.go(f"/admin/bookings?q={confirmed['bookingCode']}")
    page.until(lambda: [r.get_attribute("data-booking-code") for r in page.finds("tr[data-booking-code]")]
               == [confirmed["bookingCode"]], "the booking of the code")
    assert page.value("q", form) == confirmed["bookingCode"]
    page.go(f"/admin/bookings?accommodationId={unit['id']}&status=confirmed&sort=checkIn&limit=1")
    page.wait(f"tr[data-booking-code='{confirmed['bookingCode']}']")
    page.click("a[rel=next]")
    page.wait(f"tr[data-booking-code='{other['bookingCode']}']")
    assert query_of(page.path)["page"] == "2" and query_of(page.path)["limit"] == "1"
    assert page.text(".pages span") == FR["desk.pageOf"].format(page=2, pages=2)


def test_the_calendar_shows_the_booking_as_a_bar_and_moves_by_week_and_month(page, web):
    unit = new_unit(web, "Desk calendar")
    d = business_today(web) + dt.timedelta(days=2)
    b = act(web, public_booking(web, unit, d, nights=3, first="Divine", last=unique("Cal")), "accept")
    log_in(page, STAFF)
    page.click("[data-nav=calendar]")
    page.wait_path("/admin/calendar")
    bar = page.wait(f"tr[data-accommodation-id='{unit['id']}'] a[data-booking-code='{b['bookingCode']}']")
    assert bar.get_attribute("data-booking-status") == "accepted"
    assert f"Divine {b['clientInfo']['lastName']}" in bar.text and FR["booking.status.accepted"] in bar.text
    cell = bar.find_element("xpath", "..")
    assert cell.get_attribute("colspan") == "3" and cell.get_attribute("data-date") == str(d)
    assert FR["booking.status.accepted"] in page.text(".cal-legend")

    page.click("[data-action=next]")
    next_week = str(business_today(web) + dt.timedelta(days=7))
    page.until(lambda: query_of(page.path).get("from") == next_week, "next week")
    page.wait("table.cal")
    page.click("[data-view=month]")
    page.until(lambda: query_of(page.path).get("view") == "month", "the month view")
    page.reload()
    page.wait("table.cal-month")
    start = dt.date.fromisoformat(query_of(page.path)["from"]).replace(day=1)
    assert page.finds("th.cal-day")[0].get_attribute("data-date") == str(start)
    page.go(f"/admin/calendar?from={d}")
    page.click(f"a[data-booking-code='{b['bookingCode']}']")
    page.wait_path(f"/admin/bookings/{b['id']}")


def test_cancel_asks_for_a_reason(page, web):
    unit = new_unit(web, "Desk cancel")
    b = public_booking(web, unit, business_today(web) + dt.timedelta(days=9), last=unique("Annule"))
    log_in(page, STAFF)
    page.go(f"/admin/bookings/{b['id']}")
    page.click("[data-action=cancel]")
    form = "form[data-form=cancel]"
    page.submit(form)
    reason = page.wait(f"{form} textarea[name=reason][aria-invalid=true]")
    assert page.find(f"#{reason.get_attribute('aria-describedby').split()[0]}").text == FR["detail.required"]
    assert booking(web, b["id"])["status"] == "pending"
    page.fill("reason", "Le client a changé ses plans", form)
    page.submit(form)
    page.until(lambda: page.find("[data-booking-status]").get_attribute("data-booking-status") == "cancelled",
               "the booking cancelled")
    after = booking(web, b["id"])
    assert after["status"] == "cancelled" and after["cancelReason"] == "Le client a changé ses plans"
    assert "Le client a changé ses plans" in page.text(".history")
    assert [a for a in ("accept", "cancel") if page.finds(f"[data-action={a}]")] == []


STAYS = {
    # a season and the 7-night discount tier: 8 nights, 3 of them in season
    "nightly": dict(price=40000, extra={"pricing": {"basePrice": 40000, "seasons": [
        {"name": "Saison test", "from": "D5", "to": "D7", "price": 55000}]}}),
    "monthly": dict(price=600000, extra={}),
    "hourly": dict(price=9000, extra={}),
}


@pytest.mark.parametrize("mode", ["nightly", "monthly", "hourly"])
def test_a_stay_change_shows_the_new_price_before_saving_and_it_is_the_servers(page, web, mode):
    day = business_today(web) + dt.timedelta(days=30)
    extra = STAYS[mode]["extra"]
    if extra:
        seasons = [{**s, "from": str(day + dt.timedelta(days=int(s["from"][1:]))),
                    "to": str(day + dt.timedelta(days=int(s["to"][1:])))} for s in extra["pricing"]["seasons"]]
        extra = {"pricing": {**extra["pricing"], "seasons": seasons}}
    unit = new_unit(web, f"Desk edit {mode}", mode=mode, price=STAYS[mode]["price"], guests=3, **extra)
    if mode == "hourly":
        start = f"{day}T10:00:00+02:00"
        body = {"checkIn": start, "checkOut": f"{day}T12:00:00+02:00", "new": f"{day}T15:30"}
    elif mode == "monthly":
        body = {"checkIn": str(day), "checkOut": str(day + dt.timedelta(days=31)),
                "new": str(day + dt.timedelta(days=75))}
    else:
        body = {"checkIn": str(day), "checkOut": str(day + dt.timedelta(days=2)),
                "new": str(day + dt.timedelta(days=8))}
    r = api(web, "POST", "/bookings", json={
        "accommodationId": unit["id"], "checkIn": body["checkIn"], "checkOut": body["checkOut"], "numberOfGuests": 1,
        "clientInfo": {"firstName": "Eric", "lastName": unique("Prix"), "phone": unique_phone()}})
    assert r.status_code == 201, r.text
    b = r.json()["data"]
    log_in(page, STAFF)
    page.go(f"/admin/bookings/{b['id']}")
    page.click("[data-action=edit-stay]")
    form = "form[data-form=stay]"
    page.wait(f"{form} [name=checkOut]")
    page.set_value("checkOut", body["new"], form)
    page.set_value("numberOfGuests", "2", form)
    preview = int(page.wait("[data-quote-total]").get_attribute("data-quote-total"))
    assert preview != b["pricing"]["total"]
    page.submit(form)
    page.until(lambda: page.finds("[role=status].alert-success"), "the saved change")
    after = booking(web, b["id"])
    assert after["numberOfGuests"] == 2
    assert after["pricing"]["total"] == preview, (after["pricing"], preview)
    assert page.text("[role=status].alert-success") == FR["booking.saved"]


@pytest.mark.parametrize("who", [MANAGER, STAFF])
def test_another_establishments_booking_shows_as_not_found(page, web, who):
    r = api(web, "GET", "/bookings", who=bearer(web, "manager.gitega@ruzizi.demo"), params={"limit": 1})
    theirs = r.json()["data"][0]
    log_in(page, who)
    for address in (f"/admin/bookings/{theirs['id']}", f"/admin/bookings/{theirs['bookingCode']}"):
        page.go(address)
        alert = page.wait("[role=alert][data-error-code=NOT_FOUND]")
        assert alert.text == FR["error.NOT_FOUND"]
        main = page.text("main")
        assert theirs["clientInfo"]["lastName"] not in main and theirs["bookingCode"] not in main
    page.go(f"/admin/bookings?q={urllib.parse.quote(theirs['bookingCode'])}")
    assert page.text(".empty") == FR["bookings.none"]

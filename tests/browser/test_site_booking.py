"""test_site_booking.py: the public flow search -> book -> confirmation -> track through the hooks of UI.md 7,
checked against the API; a guest name that looks like HTML shows as typed on confirmation and track."""
import re
import urllib.parse

import pytest

from conftest import query_of
from site_helpers import (CODE_FORMAT, EN, FR, book_path, bookings_of, fill_guest, money_fr, new_unit, open_form,
                          plain, quote, stay)

XSS_NAME = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def unit(web):
    return new_unit(web, "Chambre du parcours", price=52000)


def test_search_book_confirm_then_track(page, web, unit):
    s = stay(web, 120, nights=2)
    page.go("/")
    page.until(lambda: page.find("select[name=establishmentId]").is_enabled() and page.value("checkIn"),
               "the search form")
    page.set_value("checkIn", s["checkIn"])
    page.set_value("checkOut", s["checkOut"])
    page.fill("guests", "2")
    page.submit()
    offer = page.wait(f"[data-accommodation-id='{unit['id']}']")
    offer.find_element("css selector", "[data-action=book]").click()

    # the booking form: the stay and the server's price
    form = open_form(page)
    assert query_of(page.driver.current_url) == {**s, "accommodationId": unit["id"]}
    expected = quote(web, s, unit)["pricing"]
    assert expected["total"] == 2 * 52000
    summary = page.text(".book-summary")
    assert money_fr(expected["total"]) in plain(summary) and unit["name"] in summary
    fill_guest(page, first=XSS_NAME, last="Ndayishimiye", phone="79 12 34 01", email="parcours@example.com",
               arrival="18:30", requests="Un lit pour bébé, s'il vous plaît.")
    form.find_element("css selector", "button[type=submit]").click()

    # confirmation: code, status (the API value), stay, total, expiry
    code = page.text("[data-booking-code]")
    assert re.match(CODE_FORMAT, code), code
    assert page.path == "/confirmation?" + urllib.parse.urlencode({"code": code})
    assert page.text("[data-booking-status]") == "pending"
    card = page.text(".booking-card")
    assert f"{XSS_NAME} Ndayishimiye" in card, "the guest's name does not show as typed"
    assert not page.finds("img[src=x]") and not page.finds("img[onerror]")
    assert money_fr(expected["total"]) in plain(card) and "18:30" in card and "s'il vous plaît" in card
    assert FR["confirm.status.pending"] in card
    assert "expire le" in card  # when the pending request expires (pendingTtlHours)
    # the API has exactly this booking
    found = bookings_of(web, "+25779123401")
    assert [(b["bookingCode"], b["status"], b["clientInfo"]["firstName"]) for b in found] == [
        (code, "pending", XSS_NAME)]
    assert found[0]["checkInDate"] == s["checkIn"] and found[0]["pricing"]["total"] == expected["total"]

    # money and dates follow the language
    page.click("[data-lang=en]")
    page.until(lambda: "104,000 BIF" in plain(page.text(".booking-card")), "the English total")
    assert EN["confirm.status.pending"] in page.text(".booking-card")
    page.click("[data-lang=fr]")
    page.until(lambda: page.lang() == "fr", "back to French")

    # reload: still the confirmation (kept in this tab)
    page.reload()
    assert page.text("[data-booking-code]") == code

    # track it: the code comes in the address, the contact is typed
    page.click(f"a[href='/track?code={code}']")
    page.wait_path(f"/track?code={code}")
    assert page.value("code") == code
    page.fill("email", "PARCOURS@example.com")
    page.submit()
    page.until(lambda: page.finds(".track-result [data-booking-code]"), "the booking found")
    assert page.text(".track-result [data-booking-code]") == code
    assert page.text(".track-result [data-booking-status]") == "pending"
    result = page.text(".track-result")
    assert f"{XSS_NAME} Ndayishimiye" in result and unit["name"] in result
    assert money_fr(expected["total"]) in plain(result)
    assert not page.finds("img[src=x]")

    # by phone when no email is typed (the form sends exactly one contact)
    page.fill("email", "")
    page.fill("phone", "+257 79 12 34 01")
    page.submit()
    page.until(lambda: page.finds(".track-result [data-booking-code]"), "the booking found by phone")
    assert page.text(".track-result [data-booking-code]") == code


def test_track_says_the_same_for_an_unknown_code_and_a_wrong_contact(page, web, unit):
    s = stay(web, 124)
    page.go(book_path(s, unit))
    open_form(page)
    fill_guest(page, first="Jeanne", last="Suivi", phone="79 12 34 02", email="suivi@example.com")
    page.submit()
    code = page.text("[data-booking-code]")

    page.go("/track")
    page.fill("code", code)
    page.fill("email", "autre@example.com")  # the wrong contact
    page.submit()
    wrong = page.wait("[role=alert][data-error-code=NOT_FOUND]").text
    page.fill("code", "RZ-0000-0000")  # a code nobody has, with the right contact
    page.fill("email", "suivi@example.com")
    page.submit()
    page.until(lambda: page.find("[role=alert]").text == wrong, "the same message")
    assert wrong == FR["track.notFound"]
    assert page.value("code") == "RZ-0000-0000" and page.value("email") == "suivi@example.com"
    assert not page.finds("[data-booking-code]")
    # a code of the wrong shape is a field error next to the code
    page.fill("code", "abc")
    page.submit()
    field = page.wait("input[name=code][aria-invalid=true]")
    assert page.find(f"#{field.get_attribute('aria-describedby').split()[0]}").text.strip()
    # neither contact: asked for, next to the email field
    page.fill("code", code)
    page.fill("email", "")
    page.submit()
    field = page.wait("input[name=email][aria-invalid=true]")
    assert FR["track.contactNeeded"] in page.text(".track-form")

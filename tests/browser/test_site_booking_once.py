"""test_site_booking_once.py: one booking attempt is one booking: a double click, and a resubmission after a
reload that lost the first answer, carry the same Idempotency-Key and leave one booking in the API."""
import pytest
from selenium.webdriver.common.action_chains import ActionChains

from site_helpers import (attempt_keys, book_path, bookings_of, fill_guest, new_unit, open_form, sent_keys, stay,
                          wrap_booking_fetch)


@pytest.fixture(scope="module")
def unit(web):
    return new_unit(web, "Chambre du double clic", price=45000)


def test_a_double_click_makes_one_booking(page, web, unit):
    page.go(book_path(stay(web, 130), unit))
    open_form(page)
    fill_guest(page, first="Double", last="Clic", phone="79 22 00 01")
    wrap_booking_fetch(page, [])  # only records the keys sent
    ActionChains(page.driver).double_click(page.find("form.book-form button[type=submit]")).perform()
    code = page.text("[data-booking-code]")
    assert len(sent_keys(page)) == 1, sent_keys(page)
    assert [b["bookingCode"] for b in bookings_of(web, "+25779220001")] == [code]


def test_two_submits_in_one_tick_send_one_request(page, web, unit):
    page.go(book_path(stay(web, 131), unit))
    open_form(page)
    fill_guest(page, first="Deux", last="Envois", phone="79 22 00 02")
    wrap_booking_fetch(page, [])
    # faster than any person: the second submit event comes before the page could disable its button
    page.js("const f = document.querySelector('form.book-form'); f.requestSubmit(); f.requestSubmit();")
    code = page.text("[data-booking-code]")
    assert len(sent_keys(page)) == 1, sent_keys(page)
    assert [b["bookingCode"] for b in bookings_of(web, "+25779220002")] == [code]


def test_a_reload_after_a_lost_answer_resubmits_the_same_attempt(page, web, unit):
    s = stay(web, 132)
    page.go(book_path(s, unit))
    open_form(page)
    fill_guest(page, first="Recharge", last="Page", phone="79 22 00 03", email="recharge@example.com",
               requests="Chambre calme")
    wrap_booking_fetch(page, ["hang"])  # the server books, the answer never reaches the page
    page.submit()
    page.until(lambda: len(bookings_of(web, "+25779220003")) == 1, "the booking on the server")
    first = bookings_of(web, "+25779220003")[0]
    (key,) = sent_keys(page)
    assert list(attempt_keys(page).values()) == [key], "the attempt's key is not kept for a reload"

    page.reload()  # the guest reloads: the form comes back as typed, with the same attempt
    open_form(page)
    assert [page.value(n) for n in ("firstName", "lastName", "phone", "email", "specialRequests")] == [
        "Recharge", "Page", "79 22 00 03", "recharge@example.com", "Chambre calme"]
    assert list(attempt_keys(page).values()) == [key]
    wrap_booking_fetch(page, [])
    page.submit()
    assert page.text("[data-booking-code]") == first["bookingCode"]  # the server replayed the first answer
    assert sent_keys(page) == [key]
    assert [b["bookingCode"] for b in bookings_of(web, "+25779220003")] == [first["bookingCode"]]
    assert attempt_keys(page) == {}, "a finished attempt keeps its key"


def test_a_new_attempt_gets_a_new_key(page, web, unit):
    page.go(book_path(stay(web, 133), unit))
    open_form(page)
    fill_guest(page, first="Premier", last="Essai", phone="79 22 00 04")
    wrap_booking_fetch(page, [])
    page.submit()
    page.wait("[data-booking-code]")
    first = sent_keys(page)
    page.go(book_path(stay(web, 135), unit))  # another stay: another booking, another key
    open_form(page)
    fill_guest(page, first="Second", last="Essai", phone="79 22 00 04")
    wrap_booking_fetch(page, [])
    page.submit()
    page.wait("[data-booking-code]")
    assert len(first) == 1 and len(sent_keys(page)) == 1 and sent_keys(page) != first
    assert len(bookings_of(web, "+25779220004")) == 2

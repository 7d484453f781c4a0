"""test_site_search.py: the booking site's search page (/): defaults, real offers of GET /api/public/availability
through the hooks of UI.md 7, the search kept in the address, errors next to their field, text never HTML."""
import datetime as dt

from conftest import i18n, query_of

FR = i18n("fr")


def money_fr(amount):
    """494000 -> '494 000 BIF' with plain spaces (the page uses narrow no-break spaces)."""
    return f"{amount:,}".replace(",", " ") + " BIF"


def plain(text):
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def wait_form_ready(page):
    page.until(lambda: page.find("select[name=establishmentId]").is_enabled()
               and page.value("checkIn"), "the establishments and the default dates")


def test_defaults_then_search_shows_offers(page, web):
    page.go("/")
    wait_form_ready(page)
    # tonight as the page sees it: the browser's clock at the establishment's +02:00 (the server's
    # clock may have been moved forward by a test of token expiry)
    today = dt.date.fromisoformat(page.js("return new Date(Date.now() + 7200e3).toISOString().slice(0, 10)"))
    assert page.value("establishmentId") == web.est["id"]  # the first by name
    assert page.value("checkIn") == str(today)  # tonight
    assert page.value("checkOut") == str(today + dt.timedelta(days=1))  # one night
    assert page.value("guests") == "2"
    page.submit()
    offer = page.wait(f"[data-accommodation-id='{web.unit['id']}']")
    assert query_of(page.driver.current_url) == {
        "establishmentId": web.est["id"], "checkIn": str(today),
        "checkOut": str(today + dt.timedelta(days=1)), "guests": "2"}
    expected = web.availability(establishmentId=web.est["id"], checkIn=str(today),
                                checkOut=str(today + dt.timedelta(days=1)), guests=2)
    shown = [e.get_attribute("data-accommodation-id") for e in page.finds("[data-accommodation-id]")]
    assert shown == [o["accommodation"]["id"] for o in expected["offers"]]  # the API's order
    ours = next(o for o in expected["offers"] if o["accommodation"]["id"] == web.unit["id"])
    assert "Chambre des tests" in offer.text
    assert money_fr(ours["pricing"]["total"]) in plain(offer.text)
    book = offer.find_element("css selector", "[data-action=book]")
    assert query_of(book.get_attribute("href"))["accommodationId"] == web.unit["id"]
    offer.find_element("css selector", "summary").click()
    breakdown = offer.find_element("css selector", ".breakdown")
    assert "1 × nuit × " + money_fr(47000) in plain(breakdown.text)


def test_search_in_the_address_is_run_and_shown_in_the_form(page, web):
    day = web.today() + dt.timedelta(days=20)
    path = (f"/?establishmentId={web.est['id']}&checkIn={day}&checkOut={day + dt.timedelta(days=3)}"
            f"&guests=3")
    page.go(path)
    page.wait(f"[data-accommodation-id='{web.unit['id']}']")
    assert page.value("checkIn") == str(day) and page.value("guests") == "3"
    expected = web.availability(establishmentId=web.est["id"], checkIn=str(day),
                                checkOut=str(day + dt.timedelta(days=3)), guests=3)
    assert len(page.finds("[data-accommodation-id]")) == len(expected["offers"])
    assert "3 nuits" in page.text(f"[data-accommodation-id='{web.unit['id']}']")
    # a second search from the form, then back: the first search comes back
    page.fill("guests", "50")
    page.submit()
    page.until(lambda: FR["search.noOffers"] in page.text("#results-heading"), "the no-offer message")
    assert query_of(page.driver.current_url)["guests"] == "50"
    page.driver.back()
    page.wait(f"[data-accommodation-id='{web.unit['id']}']")
    assert page.value("guests") == "3"


def test_api_field_errors_show_next_to_their_field(page, web):
    day = web.today() + dt.timedelta(days=5)
    page.go(f"/?establishmentId={web.est['id']}&checkIn={day}&checkOut={day}&guests=2")
    field = page.wait("input[name=checkOut][aria-invalid=true]")
    message = page.find(f"#{field.get_attribute('aria-describedby')}")
    assert message.text.strip(), "no message next to checkOut"
    assert page.find("input[name=checkIn]").get_attribute("aria-invalid") is None
    alert = page.wait("[role=alert]")
    assert alert.get_attribute("data-error-code") == "VALIDATION_ERROR"
    assert alert.text == FR["error.VALIDATION_ERROR"]


def test_names_from_the_api_show_as_typed(page, web):
    name = "<img src=x onerror=alert(1)> Suite"
    r = web.server.post("/api/accommodations", headers=web.manager_headers(), json={
        "name": name, "type": "suite", "pricingMode": "nightly", "pricing": {"basePrice": 61000},
        "capacity": {"maxGuests": 2}})
    assert r.status_code == 201, r.text
    unit = r.json()["data"]
    day = web.today() + dt.timedelta(days=40)
    page.go(f"/?establishmentId={web.est['id']}&checkIn={day}&checkOut={day + dt.timedelta(days=1)}&guests=2")
    heading = page.wait(f"[data-accommodation-id='{unit['id']}'] h3")
    assert heading.text == name
    assert not page.finds("img[src=x]") and not page.finds("img[onerror]")


def test_search_page_fits_a_phone(page, web):
    page.driver.set_window_size(360, 740)
    day = web.today() + dt.timedelta(days=20)
    page.go(f"/?establishmentId={web.est['id']}&checkIn={day}&checkOut={day + dt.timedelta(days=2)}&guests=2")
    page.wait(f"[data-accommodation-id='{web.unit['id']}'] [data-action=book]")
    width, scroll = page.js("return [window.innerWidth, document.documentElement.scrollWidth]")
    assert scroll <= width, f"the page scrolls sideways at {width} px: {scroll} px wide"

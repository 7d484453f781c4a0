"""test_site_pages.py: the establishment and unit pages (galleries of WebP renditions with srcset, facts,
contacts, location as a plain map link), hourly searches, and every booking-site page at 360 px without
sideways scrolling."""
import datetime as dt
import urllib.parse

import pytest

from conftest import query_of
from site_helpers import (FR, book_path, fill_guest, new_unit, open_form, plain, results_path, stay,
                          upload_image)

XSS_NAME = "<img src=x onerror=alert(2)> Studio"


@pytest.fixture(scope="module")
def unit(web):
    u = new_unit(web, "Chambre en photos", price=58000, max_guests=2, description="Grande chambre\nVue sur le lac",
                 amenities=["wifi", "climatisation"], details={"floor": 3, "areaM2": 28, "view": "lac"},
                 capacity={"maxGuests": 2, "bedrooms": 1, "bathrooms": 1})
    images = [upload_image(web, u, rgb=(200, 60, 40)), upload_image(web, u, rgb=(40, 120, 200))]
    return {**u, "images": images}


def srcset_sizes(img):
    return sorted(part.split()[-1] for part in img.get_attribute("srcset").split(","))


def test_unit_page_has_gallery_facts_and_books_the_stay(page, web, unit):
    s = stay(web, 160)
    page.go(results_path(s))
    page.wait(f"[data-accommodation-id='{unit['id']}'] h3 a").click()
    page.wait_path(f"/accommodations/{unit['id']}?" + urllib.parse.urlencode(s))
    main = page.wait(".gallery-main")
    assert srcset_sizes(main) == ["150w", "300w", "600w"]
    first, second = unit["images"]
    assert f"/api/images/{first['id']}/large" in main.get_attribute("src")
    page.until(lambda: page.js("return arguments[0].complete && arguments[0].naturalWidth", main), "the photo loaded")
    thumbs = page.finds(".gallery-thumb")
    assert len(thumbs) == 2 and thumbs[0].get_attribute("aria-pressed") == "true"
    thumbs[1].click()
    page.until(lambda: f"/api/images/{second['id']}/" in page.find(".gallery-main").get_attribute("src"),
               "the second photo shown")
    text = page.text("main")
    for expected in ("Grande chambre\nVue sur le lac", "wifi", "climatisation", "28 m²", "lac",
                     "58 000 BIF", "14:00", "11:00", "Hôtel Ruzizi Bujumbura", "bujumbura@ruzizi.demo"):
        assert expected in plain(text), expected
    loc = web.est["location"]
    assert page.find("a[href*='openstreetmap.org']").get_attribute("href") == (
        f"https://www.openstreetmap.org/?mlat={loc['lat']}&mlon={loc['lng']}#map=16/{loc['lat']}/{loc['lng']}")
    page.click("[data-action=book]")
    open_form(page)
    assert query_of(page.driver.current_url) == {**s, "accommodationId": unit["id"]}


def test_establishment_page_lists_its_units_and_links_the_map(page, web, unit):
    page.go(f"/establishments/{web.est['id']}")
    page.wait("h1")
    est = web.server.get(f"/api/public/establishments/{web.est['id']}").json()["data"]
    assert page.text("h1") == est["name"]
    if est["images"]:  # seed-demo gives each demo establishment a photo
        assert srcset_sizes(page.wait(".gallery-main")) == ["150w", "300w", "600w"]
    text = plain(page.text("main"))
    for expected in [est["contacts"]["email"], *est["contacts"]["phones"], *est["services"],
                     est["location"]["address"], est["checkInTime"]]:
        assert expected in text, expected
    tile = page.wait(f".unit-tile[href='/accommodations/{unit['id']}']")
    assert unit["name"] in tile.text and "58 000 BIF" in plain(tile.text)
    link = page.find("a[href*='openstreetmap.org']")
    assert f"mlat={est['location']['lat']}" in link.get_attribute("href")
    page.click("a.button-primary[href^='/?establishmentId=']")  # see availability: the search of this establishment
    page.until(lambda: page.value("establishmentId") == web.est["id"], "the search of the establishment")


def test_demo_units_pages_open_cleanly(page, web):
    demo = web.server.get("/api/public/accommodations", params={"establishmentId": web.est["id"], "limit": 100})
    units = [u for u in demo.json()["data"] if u["images"]]
    assert units, "seed-demo gave no unit a photo"
    for u in units[:3]:
        page.go(f"/accommodations/{u['id']}")
        main = page.wait(".gallery-main")
        assert page.text("h1") == u["name"]
        page.until(lambda: page.js("return arguments[0].complete && arguments[0].naturalWidth > 0", main),
                   f"the photo of {u['name']}")


def test_names_show_as_typed_on_the_unit_page(page, web):
    u = new_unit(web, XSS_NAME)
    page.go(f"/accommodations/{u['id']}")
    assert page.text("h1") == u["name"]
    assert not page.finds("img[src=x]") and not page.finds("img[onerror]")


def test_unknown_unit_says_so(page, web):
    page.go("/accommodations/0123456789abcdef01234567")
    alert = page.wait("[role=alert]")
    assert alert.get_attribute("data-error-code") == "NOT_FOUND"


def test_hourly_search_sends_datetimes_and_offers_hourly_units(page, web):
    hourly = next(u for u in web.server.get("/api/public/accommodations", params={
        "establishmentId": web.est["id"], "pricingMode": "hourly"}).json()["data"])
    day = web.today() + dt.timedelta(days=170)
    page.go("/")
    page.until(lambda: page.find("select[name=establishmentId]").is_enabled(), "the search form")
    page.click("input[name=stayKind][value=hours]")
    page.set_value("date", str(day))
    page.set_value("time", "10:00")
    page.fill("hours", "3")
    page.submit()
    offer = page.wait(f"[data-accommodation-id='{hourly['id']}']")
    q = query_of(page.driver.current_url)
    assert q["checkIn"] == f"{day}T10:00:00+02:00" and q["checkOut"] == f"{day}T13:00:00+02:00", q
    assert "3 heure(s)" in offer.text
    assert not page.finds(f"[data-accommodation-id='{web.unit['id']}']"), "a nightly unit offered for hours"
    # reloaded, the form shows the date, the start and the hours again
    page.reload()
    page.wait(f"[data-accommodation-id='{hourly['id']}']")
    assert (page.value("date"), page.value("time"), page.value("hours")) == (str(day), "10:00", "3")
    offer = page.find(f"[data-accommodation-id='{hourly['id']}']")
    offer.find_element("css selector", "[data-action=book]").click()
    open_form(page)
    assert "10:00" in page.text(".book-summary") and "13:00" in page.text(".book-summary")


def test_every_site_page_fits_a_phone(page, web, unit):
    s = stay(web, 175)
    page.driver.set_window_size(360, 740)
    page.go(book_path(s, unit))
    open_form(page)
    fill_guest(page, first="Téléphone", last="Étroit", phone="79 44 00 01", email="etroit@example.com",
               requests="Un texte assez long pour voir que rien ne déborde de l'écran d'un petit téléphone.")
    page.submit()
    code = page.text("[data-booking-code]")
    pages = [(results_path(stay(web, 176)), f"[data-accommodation-id='{unit['id']}']"),
             (book_path(s, web.unit), "form.book-form input[name=firstName]"),
             (f"/confirmation?code={code}", "[data-booking-code]"),
             (f"/track?code={code}", "input[name=code]"),
             (f"/establishments/{web.est['id']}", ".unit-tile"),
             (f"/accommodations/{unit['id']}", ".gallery-main"),
             ("/nowhere", "h1")]
    for path, ready in pages:
        page.go(path)
        page.wait(ready)
        width, scroll = page.js("return [window.innerWidth, document.documentElement.scrollWidth]")
        assert scroll <= width, f"{path} scrolls sideways at {width} px: {scroll} px wide"
    page.go(f"/track?code={code}")
    page.fill("email", "etroit@example.com")
    page.submit()
    page.wait(".track-result [data-booking-code]")
    width, scroll = page.js("return [window.innerWidth, document.documentElement.scrollWidth]")
    assert scroll <= width, f"the track result scrolls sideways: {scroll} px wide"
    assert FR["track.title"] == page.text("h1")

"""test_admin_prop_accommodation.py: a manager creates an accommodation with a season (the API's 400 on
overlapping seasons shown at the right row), edits it (a season ending before it starts shown at its field),
puts it out of service and back, uploads photos (the browser's own preview first), reorders and deletes one,
then deletes the unit (so the public site's tests see the demo's offers only)."""
import datetime as dt
import re

from backoffice import Api, log_in, png, settled, shown, unique
from conftest import MANAGER, i18n

FR = i18n("fr")
FORM = "form[data-form=accommodation]"


def fr(key, **params):
    """The French text of `key` with its placeholders filled (typographic spaces as in the dictionary)."""
    return shown(re.sub(r"\{(\w+)\}", lambda m: str(params[m.group(1)]), FR[key]))


def season(page, i, name, start, end, price):
    base = f"pricing.seasons.{i}"
    page.fill(f"{base}.name", name, FORM)
    page.set_value(f"{base}.from", start.isoformat(), FORM)
    page.set_value(f"{base}.to", end.isoformat(), FORM)
    page.fill(f"{base}.price", price, FORM)


def field_error(page, name):
    """The message shown under the input `name` (tied to it by aria-describedby)."""
    el = page.wait(f"{FORM} [name='{name}'][aria-invalid=true]")
    ids = el.get_attribute("aria-describedby").split()
    return page.find(f"#{ids[-1]}").text


def test_create_with_season_edit_images(page, web, tmp_path):
    api = Api(web, MANAGER)
    name = unique("Villa des tests")
    start = web.today() + dt.timedelta(days=100)
    log_in(page, MANAGER)
    page.click("[data-nav=accommodations]")
    settled(page)
    page.click("main a[href='/admin/accommodations/new']")
    page.wait(FORM)
    page.fill("name", name, FORM)
    page.set_value("type", "house", FORM)
    page.set_value("pricingMode", "nightly", FORM)
    page.fill("pricing.basePrice", "60 000", FORM)
    page.fill("capacity.maxGuests", "4", FORM)
    page.fill("amenities", "wifi, jardin", FORM)
    page.click("[data-action=add-season]")
    season(page, 0, "Fêtes", start, start + dt.timedelta(days=10), "80000")
    page.click("[data-action=add-season]")
    season(page, 1, "Chevauche", start + dt.timedelta(days=5), start + dt.timedelta(days=20), "90000")
    page.submit(FORM)
    # the API's 400 (seasons must not overlap) at the second row, the form kept
    row = page.wait("[data-season-row='1'] .field-error")
    assert row.text == fr("seasons.overlaps", n=1)
    assert page.find("[data-error-code=VALIDATION_ERROR]").text.startswith(FR["error.VALIDATION_ERROR"])
    assert page.value("pricing.seasons.0.name", FORM) == "Fêtes"
    page.click("[data-season-row='1'] [data-action=remove-season]")
    page.submit(FORM)
    page.until(lambda: re.fullmatch(r"/admin/accommodations/[0-9a-f]{24}", page.path), "the new unit's page")
    unit_id = page.path.rsplit("/", 1)[1]
    settled(page)
    assert page.text("main h1") == name
    unit = api.data("get", f"/accommodations/{unit_id}")
    assert unit["type"] == "house" and unit["pricing"]["basePrice"] == 60000 and unit["amenities"] == ["wifi", "jardin"]
    assert unit["pricing"]["seasons"] == [{"name": "Fêtes", "from": start.isoformat(),
                                           "to": (start + dt.timedelta(days=10)).isoformat(), "price": 80000}]
    assert page.find("[data-season='Fêtes']").is_displayed()

    # edit: a season ending before it starts is refused at its field; then a new base price and season price
    page.click("[data-action=edit]")
    page.wait(FORM)
    page.set_value("pricing.seasons.0.to", (start - dt.timedelta(days=1)).isoformat(), FORM)
    page.submit(FORM)
    assert field_error(page, "pricing.seasons.0.to") == FR["seasons.toBeforeFrom"]
    page.set_value("pricing.seasons.0.to", (start + dt.timedelta(days=12)).isoformat(), FORM)
    page.fill("pricing.basePrice", "65000", FORM)
    page.fill("pricing.seasons.0.price", "85000", FORM)
    page.submit(FORM)
    page.wait_path(f"/admin/accommodations/{unit_id}")
    settled(page)
    unit = api.data("get", f"/accommodations/{unit_id}")
    assert unit["pricing"]["basePrice"] == 65000
    assert unit["pricing"]["seasons"][0]["price"] == 85000
    assert unit["pricing"]["seasons"][0]["to"] == (start + dt.timedelta(days=12)).isoformat()

    # out of service and back (PATCH status)
    page.click("[data-action=deactivate]")
    page.wait("[data-status=out_of_service]")
    assert api.data("get", f"/accommodations/{unit_id}")["status"] == "out_of_service"
    page.click("[data-action=activate]")
    page.wait("[data-status=available]")

    # photos: the chosen file is previewed by the browser (blob: URL) before it is sent
    files = []
    for i, rgb in enumerate([(200, 40, 40), (40, 160, 60)]):
        f = tmp_path / f"photo{i}.png"
        f.write_bytes(png(320, 240, rgb))
        files.append(f)
    for i, f in enumerate(files):
        page.find("input[type=file][name=file]").send_keys(str(f))
        preview = page.wait("img[data-preview]")
        assert preview.get_attribute("src").startswith("blob:")
        page.until(lambda: page.js("return arguments[0].complete && arguments[0].naturalWidth", preview) == 320,
                   "the preview to be drawn")
        page.click("[data-action=upload]")
        page.until(lambda: len(page.finds("li.photo")) == i + 1, f"photo {i + 1} in the list")
        page.until(lambda: not page.finds("img[data-preview]"), "the preview to go once sent")
    ids = [img["id"] for img in api.data("get", f"/accommodations/{unit_id}")["images"]]
    assert len(ids) == 2
    assert [e.get_attribute("data-image-id") for e in page.finds("li.photo")] == ids
    # the renditions are listed with their sizes (from the image metadata)
    first = f"li.photo[data-image-id='{ids[0]}']"
    page.until(lambda: "150×150" in page.find(f"{first} .renditions").text, "the renditions' sizes")
    assert [a.get_attribute("data-size") for a in page.finds(f"{first} .renditions a")] == ["small", "medium", "large", "full"]
    assert page.find(f"{first} img").get_attribute("src").endswith(f"/api/images/{ids[0]}/medium")
    # reorder: the first photo moves after the second
    page.click(f"{first} [data-action=move-down]")
    page.until(lambda: [e.get_attribute("data-image-id") for e in page.finds("li.photo")] == ids[::-1], "the new order")
    assert [img["id"] for img in api.data("get", f"/accommodations/{unit_id}")["images"]] == ids[::-1]
    # delete one (asked twice)
    page.click(f"{first} [data-action=delete-image]")
    page.click(f"{first} [data-action=confirm]")
    page.until(lambda: [e.get_attribute("data-image-id") for e in page.finds("li.photo")] == [ids[1]], "one photo left")
    assert [img["id"] for img in api.data("get", f"/accommodations/{unit_id}")["images"]] == [ids[1]]
    assert api.get(f"/images/{ids[0]}").status_code == 404
    page.reload()
    settled(page)
    page.until(lambda: len(page.finds("li.photo")) == 1, "one photo after a reload")
    # delete the unit (asked twice): back to the list, and its last photo goes with it
    page.click("[data-action=delete]")
    page.click("main .actions [data-action=confirm]")
    page.wait_path("/admin/accommodations")
    assert api.get(f"/accommodations/{unit_id}").status_code == 404
    assert api.get(f"/images/{ids[1]}").status_code == 404

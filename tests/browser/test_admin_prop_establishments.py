"""test_admin_prop_establishments.py: a super admin creates an establishment (a website that is not https refused
at its field), deactivates it (gone from the public site), activates it and deactivates it again (so the public
site's tests keep the demo's establishments only); a manager edits their own establishment, whose restricted
fields (name, currency, VAT...) are read-only to them."""
from backoffice import Api, log_in, settled, unique
from conftest import ADMIN, MANAGER, i18n

FR = i18n("fr")
FORM = "form[data-form=establishment]"


def test_super_admin_creates_and_deactivates_an_establishment(page, web):
    admin = Api(web, ADMIN)
    name = unique("Villa des tests")  # sorts after the demo establishments
    log_in(page, ADMIN)
    page.click("[data-nav=establishments]")
    settled(page)
    page.click("main a[href='/admin/establishments/new']")
    page.wait(FORM)
    for field, value in [("name", name), ("location.city", "Rumonge"), ("location.address", "Route du lac 3"),
                         ("location.lat", "-3.97"), ("location.lng", "29.43"), ("contacts.phones", "22 50 10 10"),
                         ("contacts.email", "rumonge@example.com"), ("contacts.website", "http://rumonge.example.com")]:
        page.fill(field, value, FORM)
    page.submit(FORM)
    field = page.wait(f"{FORM} [name='contacts.website'][aria-invalid=true]")
    assert page.find(f"#{field.get_attribute('aria-describedby').split()[-1]}").text  # the API's message, next to it
    assert page.value("name", FORM) == name
    page.fill("contacts.website", "https://rumonge.example.com", FORM)
    page.submit(FORM)
    page.until(lambda: page.path.startswith("/admin/establishments/") and page.path != "/admin/establishments/new",
               "the new establishment's page")
    est_id = page.path.rsplit("/", 1)[1]
    settled(page)
    assert page.text("main h1") == name
    est = admin.data("get", f"/establishments/{est_id}")
    assert est["contacts"]["phones"] == ["+25722501010"] and est["location"]["lat"] == -3.97
    assert est["longStayDiscounts"] == [{"minNights": 7, "percentBps": 500}, {"minNights": 14, "percentBps": 1000},
                                        {"minNights": 30, "percentBps": 1500}]
    assert web.server.get(f"/api/public/establishments/{est_id}").status_code == 200
    page.click("[data-action=deactivate]")
    page.wait("main [data-active=false]")
    assert web.server.get(f"/api/public/establishments/{est_id}").status_code == 404
    page.click("[data-action=activate]")
    page.wait("main [data-active=true]")
    assert admin.data("get", f"/establishments/{est_id}")["isActive"] is True
    page.click("[data-action=deactivate]")
    page.wait("main [data-active=false]")


def test_manager_edits_their_own_establishment(page, web):
    manager = Api(web, MANAGER)
    est_id = manager.user["establishmentId"]
    before = manager.data("get", f"/establishments/{est_id}")
    log_in(page, MANAGER)
    page.click("[data-nav=establishments]")
    settled(page)
    rows = page.finds("tr[data-establishment-id]")
    assert [r.get_attribute("data-establishment-id") for r in rows] == [est_id]  # their own only
    page.click(f"tr[data-establishment-id='{est_id}'] a")
    settled(page)
    assert not page.finds("[data-action=deactivate]")  # a super admin's action
    page.click("[data-action=edit]")
    page.wait(FORM)
    for restricted in ("name", "currency", "vatRateBps", "utcOffset", "invoicePrefix"):
        assert page.find(f"{FORM} [name='{restricted}']").get_attribute("disabled") is not None, restricted
    page.fill("description", "Au bord du lac Tanganyika.", FORM)
    page.set_value("checkInTime", "15:00", FORM)
    page.submit(FORM)
    page.wait_path(f"/admin/establishments/{est_id}")
    settled(page)
    after = manager.data("get", f"/establishments/{est_id}")
    assert after["description"] == "Au bord du lac Tanganyika." and after["checkInTime"] == "15:00"
    assert after["name"] == before["name"] and after["vatRateBps"] == before["vatRateBps"]
    manager.patch(f"/establishments/{est_id}", {"description": before["description"], "checkInTime": before["checkInTime"]})

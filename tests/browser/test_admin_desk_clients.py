"""test_admin_desk_clients.py: clients: create and edit through the form (409 DUPLICATE_EMAIL at the email field,
the form kept), the list's search kept in the address, a client's page with stays, spend and bookings."""
import re
import uuid

from admin_desk_helpers import api, log_in, national, unique, unique_phone
from conftest import MANAGER, STAFF, i18n, query_of

FR = i18n("fr")
FORM = "form[data-form=client]"


def field_message(page, name):
    el = page.wait(f"{FORM} [name={name}][aria-invalid=true]")
    return page.find(f"#{el.get_attribute('aria-describedby').split()[0]}").text


def choose(page, name, value):
    page.js("const s = document.querySelector(arguments[0]); s.value = arguments[1];"
            "s.dispatchEvent(new Event('change', {bubbles: true}))", f"{FORM} select[name={name}]", value)


def test_a_client_is_created_then_edited_and_found_by_the_list(page, web):
    last = unique("Kaneza")
    email = f"{uuid.uuid4().hex[:8]}@client.example"
    log_in(page, STAFF)
    page.click("[data-nav=clients]")
    page.click("[data-action=new-client]")
    page.wait_path("/admin/clients/new")
    page.fill("firstName", "Chantal", FORM)
    page.fill("lastName", last, FORM)
    page.fill("email", email, FORM)
    page.fill("nationality", "bi", FORM)
    choose(page, "classification", "corporate")
    page.submit(FORM)
    # corporate needs a company (SPEC 4.6): the API's answer is shown next to the field
    assert field_message(page, "companyName") == FR["detail.required"]
    assert page.value("lastName", FORM) == last
    page.fill("companyName", "Imbo Logistique", FORM)
    page.submit(FORM)
    page.until(lambda: page.path.endswith("?created=1"), "the new client's page")
    client_id = page.path.split("/")[-1].split("?")[0]
    assert page.text("h1") == f"Chantal {last}"
    assert page.text("[role=status].alert-success") == FR["client.created"]
    c = api(web, "GET", f"/clients/{client_id}").json()["data"]
    assert (c["personalInfo"]["email"], c["personalInfo"]["nationality"], c["classification"], c["companyName"]) == \
        (email, "BI", "corporate", "Imbo Logistique")

    page.click("[data-action=edit-client]")
    assert page.value("email", FORM) == email
    phone = unique_phone()
    page.fill("phone", national(phone), FORM)
    page.fill("city", "Gitega", FORM)
    page.fill("email", "", FORM)  # cleared: the phone is now the contact
    page.submit(FORM)
    page.until(lambda: page.finds("[role=status].alert-success")
               and page.text("[role=status].alert-success") == FR["client.saved"], "the saved client")
    c = api(web, "GET", f"/clients/{client_id}").json()["data"]
    info = c["personalInfo"]
    assert (info["phone"], info["city"], info["email"]) == (phone, "Gitega", None)
    assert c["companyName"] == "Imbo Logistique", "an edit sends only what changed"

    page.go("/admin/clients")
    page.fill("q", last, "form[data-form=filters]")
    page.submit("form[data-form=filters]")
    page.until(lambda: query_of(page.path).get("q") == last, "the search in the address")
    page.reload()
    page.until(lambda: [r.get_attribute("data-client-id") for r in page.finds("tr[data-client-id]")] == [client_id],
               "the client found after a reload")
    assert page.value("q", "form[data-form=filters]") == last


def test_a_duplicate_email_is_shown_at_the_email_field(page, web):
    taken = f"{uuid.uuid4().hex[:8]}@taken.example"
    r = api(web, "POST", "/clients", json={"personalInfo": {
        "firstName": "Gilbert", "lastName": unique("Pris"), "email": taken}})
    assert r.status_code == 201, r.text
    r = api(web, "POST", "/clients", json={"personalInfo": {
        "firstName": "Divine", "lastName": unique("Autre"), "phone": unique_phone()}})
    other = r.json()["data"]
    log_in(page, MANAGER)
    page.go("/admin/clients/new")
    page.fill("firstName", "Sandrine", FORM)
    page.fill("lastName", "Doublon", FORM)
    page.fill("email", taken.upper(), FORM)  # emails are compared without case
    page.submit(FORM)
    assert field_message(page, "email") == FR["error.DUPLICATE_EMAIL"]
    assert page.find(f"{FORM} [role=alert]").get_attribute("data-error-code") == "DUPLICATE_EMAIL"
    assert page.driver.switch_to.active_element == page.find(f"{FORM} [name=email]"), "the field in error has focus"
    assert [page.value(n, FORM) for n in ("firstName", "lastName", "email")] == ["Sandrine", "Doublon", taken.upper()]
    assert page.path == "/admin/clients/new"

    # the same on an edit
    page.go(f"/admin/clients/{other['id']}")
    page.click("[data-action=edit-client]")
    page.fill("email", taken, FORM)
    page.submit(FORM)
    assert field_message(page, "email") == FR["error.DUPLICATE_EMAIL"]
    assert api(web, "GET", f"/clients/{other['id']}").json()["data"]["personalInfo"]["email"] is None


def test_a_clients_page_shows_stays_spend_and_bookings(page, web):
    r = api(web, "GET", "/clients", params={"q": "aline.ndayishimiye@guest.ruzizi.demo"})
    demo = r.json()["data"][0]  # seed-demo: a guest with a completed stay
    bookings = api(web, "GET", f"/clients/{demo['id']}/bookings", params={"limit": 10}).json()
    assert demo["totalStays"] >= 1 and bookings["data"]
    log_in(page, STAFF)
    page.go("/admin/clients?q=Ndayishimiye")
    page.click(f"tr[data-client-id='{demo['id']}'] a")
    page.wait_path(f"/admin/clients/{demo['id']}")
    assert page.text("[data-count='client.totalStays']") == str(demo["totalStays"])
    assert re.sub(r"\D", "", page.text("[data-count='client.totalSpent']")) == str(demo["totalSpent"])
    assert re.sub(r"\D", "", page.text("[data-count='client.outstandingBalance']")) == str(demo["outstandingBalance"])
    shown = ".client-bookings [data-booking-code]"
    page.until(lambda: [e.get_attribute("data-booking-code") for e in page.finds(shown)]
               == [b["bookingCode"] for b in bookings["data"]], "the client's bookings, newest stay first")

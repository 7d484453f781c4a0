"""test_admin_prop_users.py: a manager creates a front-desk account (staff of their own establishment, whatever
the form could send), sees a taken email refused at its field, then deactivates the account, which can no
longer log in, and reactivates it."""
from backoffice import Api, log_in, settled, unique
from conftest import DEMO_PASSWORD, MANAGER, i18n

FR = i18n("fr")
FORM = "form[data-form=user]"


def new_user(page, email, first="Aline", last="Testeuse"):
    page.go("/admin/users/new")
    page.wait(FORM)
    page.fill("firstName", first, FORM)
    page.fill("lastName", last, FORM)
    page.fill("email", email, FORM)
    page.fill("password", DEMO_PASSWORD, FORM)
    page.submit(FORM)


def test_manager_creates_then_deactivates_staff(page, web):
    manager = Api(web, MANAGER)
    email = unique("aline").replace(" ", ".") + "@example.com"
    log_in(page, MANAGER)
    page.click("[data-nav=users]")
    page.wait_path("/admin/users")
    settled(page)
    # a manager's form offers the staff role only
    page.click("main a[href='/admin/users/new']")
    page.wait(FORM)
    assert [o.get_attribute("value") for o in page.finds(f"{FORM} select[name=role] option")] == ["staff"]
    assert not page.finds(f"{FORM} [name=establishmentId]")
    new_user(page, email)
    page.until(lambda: page.path.startswith("/admin/users/") and page.path != "/admin/users/new", "the new account's page")
    user_id = page.path.rsplit("/", 1)[1]
    settled(page)
    assert page.text("main h1") == "Aline Testeuse"
    created = manager.data("get", f"/users/{user_id}")
    assert created["role"] == "staff" and created["establishmentId"] == manager.user["establishmentId"]
    assert created["email"] == email and created["isActive"] is True
    assert web.login(email)["user"]["id"] == user_id

    # the same email again: 409 DUPLICATE_EMAIL, shown translated
    new_user(page, email.upper(), first="Autre")
    page.wait(f"{FORM} [data-error-code=DUPLICATE_EMAIL]")
    assert page.find(f"{FORM} [data-error-code=DUPLICATE_EMAIL]").text.startswith(FR["error.DUPLICATE_EMAIL"])
    field = page.wait(f"{FORM} [name=email][aria-invalid=true]")
    assert page.find(f"#{field.get_attribute('aria-describedby')}").text == FR["error.DUPLICATE_EMAIL"]
    assert page.value("firstName", FORM) == "Autre", "the form lost what was typed"

    # deactivate: the account can no longer log in; reactivate
    page.go(f"/admin/users/{user_id}")
    settled(page)
    page.click("[data-action=deactivate]")
    page.wait("main [data-user-active=false]")
    assert manager.data("get", f"/users/{user_id}")["isActive"] is False
    r = web.server.post("/api/auth/login", json={"email": email, "password": DEMO_PASSWORD})
    assert r.status_code == 401 and r.json()["error"]["code"] == "INVALID_CREDENTIALS"
    # the list shows it deactivated (filters in the address)
    page.go("/admin/users?isActive=false")
    settled(page)
    page.wait(f"tr[data-user-id='{user_id}'][data-user-active=false]")
    page.click(f"tr[data-user-id='{user_id}'] a")
    page.wait_path(f"/admin/users/{user_id}")
    page.click("[data-action=activate]")
    page.wait("main [data-user-active=true]")
    assert manager.data("get", f"/users/{user_id}")["isActive"] is True

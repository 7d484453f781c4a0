"""test_admin_prop_profile.py: the profile page (/admin/profile): the caller edits their name and phone (the
header follows at once), changes their password (this session goes on with the new token pair, the old
password no longer works, the new one does), then logs out everywhere."""
from backoffice import Api, log_in, settled, shown, unique
from conftest import DEMO_PASSWORD, MANAGER, i18n

FR = i18n("fr")
PROFILE = "form[data-form=profile]"
PASSWORD = "form[data-form=password]"
NEW_PASSWORD = "Nouveau-mot-2027"


def test_profile_edit_change_password_and_log_in_again(page, web):
    manager = Api(web, MANAGER)
    email = unique("profil").replace(" ", ".") + "@example.com"
    manager.data("post", "/users", {"email": email, "password": DEMO_PASSWORD, "firstName": "Pascal",
                                    "lastName": "Profil", "role": "staff"})
    log_in(page, email)
    page.click(".admin-user")  # the name in the header leads to the profile
    page.wait_path("/admin/profile")
    settled(page)
    page.fill("firstName", "Pascaline", PROFILE)
    page.fill("phone", "79 11 22 33", PROFILE)
    page.submit(PROFILE)
    page.wait(f"{PROFILE} .alert-success")
    page.until(lambda: page.find(".admin-user").text.startswith("Pascaline Profil"), "the header's new name")
    me = Api(web, email)
    assert me.user["firstName"] == "Pascaline" and me.user["phone"] == "+25779112233"

    # a wrong current password: the API's 400 at its field, the new password kept in its input
    page.fill("currentPassword", "pas-le-bon-mot", PASSWORD)
    page.fill("newPassword", NEW_PASSWORD, PASSWORD)
    page.fill("confirmPassword", NEW_PASSWORD, PASSWORD)
    page.submit(PASSWORD)
    page.wait(f"{PASSWORD} [data-error-code=VALIDATION_ERROR]")
    field = page.wait(f"{PASSWORD} [name=currentPassword][aria-invalid=true]")
    assert page.find(f"#{field.get_attribute('aria-describedby')}").text == shown(FR["profile.wrongPassword"])
    assert page.value("newPassword", PASSWORD) == NEW_PASSWORD
    # two different new passwords are caught before anything is sent
    page.fill("currentPassword", DEMO_PASSWORD, PASSWORD)
    page.fill("confirmPassword", NEW_PASSWORD + "x", PASSWORD)
    page.submit(PASSWORD)
    page.wait(f"{PASSWORD} [name=confirmPassword][aria-invalid=true]")
    page.fill("confirmPassword", NEW_PASSWORD, PASSWORD)
    page.submit(PASSWORD)
    page.wait(f"{PASSWORD} .alert-success")
    assert page.text(f"{PASSWORD} .alert-success") == shown(FR["profile.passwordChanged"])
    # this session goes on (the new token pair): another page loads without a trip to the login page
    page.click("[data-nav=notifications]")
    page.wait_path("/admin/notifications")
    settled(page)
    page.reload()
    settled(page)
    assert page.path == "/admin/notifications"
    old = web.server.post("/api/auth/login", json={"email": email, "password": DEMO_PASSWORD})
    assert old.status_code == 401
    # log out, then in with the new password
    page.click("[data-action=logout]")
    page.wait_path("/admin/login")
    log_in(page, email, NEW_PASSWORD)
    assert page.path == "/admin/"
    # log out everywhere: back to login, and the session's refresh token is dead
    page.go("/admin/profile")
    settled(page)
    refresh = page.storage("session", "rz.refreshToken")
    page.click("[data-action=logout-all]")
    page.wait_path("/admin/login")
    assert page.storage("session", "rz.refreshToken") is None
    assert web.server.post("/api/auth/refresh", json={"refreshToken": refresh}).status_code == 401

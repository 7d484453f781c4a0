"""test_admin_session.py: back-office login (/admin/login), the shell, token refresh on a 401, logout, and errors."""
import urllib.parse

from conftest import ADMIN, DEMO_PASSWORD, MANAGER, i18n

FR, EN = i18n("fr"), i18n("en")


def log_in(page, email, password=DEMO_PASSWORD):
    page.fill("email", email)
    page.fill("password", password)
    page.submit()


def test_login_shell_reload_logout(page, web):
    page.go("/admin/bookings?q=RZ")
    page.wait_path("/admin/login?next=" + urllib.parse.quote("/admin/bookings?q=RZ", safe=""))
    page.go("/admin/")
    page.wait_path("/admin/login?next=%2Fadmin%2F")
    log_in(page, MANAGER)
    page.wait_path("/admin/")
    user = page.wait(".admin-user")
    assert user.get_attribute("data-user-role") == "manager"
    assert "Marie" in user.text and FR["role.manager"] in user.text
    assert page.find("[data-nav=today]").get_attribute("aria-current") == "page"
    page.wait("[data-count='today.arrivals']")
    # tokens: the refresh token in sessionStorage only, nothing in localStorage but the language
    refresh = page.storage("session", "rz.refreshToken")
    assert refresh and len(refresh) >= 43
    assert [k for k in page.storage_keys("local") if k != "rz.lang"] == []
    # a reload keeps the session (the refresh token gets a new access token)
    page.reload()
    page.wait("[data-count='today.arrivals']")
    rotated = page.storage("session", "rz.refreshToken")
    assert rotated and rotated != refresh
    page.click("[data-action=logout]")
    page.wait_path("/admin/login")
    assert page.storage("session", "rz.refreshToken") is None
    # logout revoked the session on the server: the last refresh token no longer works
    r = web.server.post("/api/auth/refresh", json={"refreshToken": rotated})
    assert r.status_code == 401, r.text
    page.go("/admin/")
    page.wait_path("/admin/login?next=%2Fadmin%2F")


def test_wrong_password_shows_the_translated_message(page, web):
    page.go("/admin/login")
    log_in(page, MANAGER, "not-the-password")
    alert = page.wait("[role=alert][data-error-code=INVALID_CREDENTIALS]")
    assert alert.text == FR["error.INVALID_CREDENTIALS"]
    assert page.value("email") == MANAGER, "the form lost the email"
    assert page.path == "/admin/login"
    page.click("[data-lang=en]")
    page.until(lambda: page.text("[role=alert]") == EN["error.INVALID_CREDENTIALS"], "the English message")
    page.fill("password", "")
    page.fill("email", "")
    page.submit()
    field = page.wait("input[name=email][aria-invalid=true]")
    assert page.find(f"#{field.get_attribute('aria-describedby')}").text == EN["detail.required"]


def test_an_expired_access_token_is_refreshed_once_and_the_request_repeated(page, web):
    page.go("/admin/login")
    log_in(page, MANAGER)
    page.wait("[data-count='today.arrivals']")
    web.advance_clock(1000)  # past the access token's 900 s (+30 s leeway); the refresh token lives on
    seen = len(web.server.access_log.read_text().splitlines())
    page.click("[data-action=refresh]")
    page.settle(1.0)
    page.wait("[data-count='today.arrivals']")
    assert page.path == "/admin/"
    lines = web.server.access_log.read_text().splitlines()[seen:]
    statuses = [(ln.split('"')[1].split()[1], ln.split('"')[2].split()[0]) for ln in lines]
    assert any(p.startswith("/api/") and s == "401" for p, s in statuses), statuses
    assert ("/api/auth/refresh", "200") in statuses, statuses
    assert [s for p, s in statuses if p == "/api/auth/refresh"] == ["200"], "refreshed more than once"


def test_a_refused_refresh_goes_back_to_login(page, web):
    page.go("/admin/login")
    log_in(page, ADMIN)
    page.wait("[data-count='today.arrivals']")
    # the account's sessions end elsewhere (logout-all from another device)
    tokens = web.login(ADMIN)["tokens"]
    r = web.server.post("/api/auth/logout-all", json={},
                        headers={"Authorization": f"Bearer {tokens['accessToken']}"})
    assert r.status_code == 200, r.text
    # the server may accept the access token for up to 5 s more (SPEC 3.2 rule 5): ask until refused
    def refused():
        if page.path.startswith("/admin/login"):
            return True
        page.click("[data-action=refresh]")
        page.settle(1.0)
        return page.path.startswith("/admin/login")
    page.until(refused, "the login page after the refused refresh", timeout=30)
    assert page.path == "/admin/login?next=%2Fadmin%2F"
    assert page.storage("session", "rz.refreshToken") is None

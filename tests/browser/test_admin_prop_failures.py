"""test_admin_prop_failures.py: the back-office forms on a bad connection (UI.md 4, issue 10 "Bad input and
failure"): an answer lost after the server acted is retried with the same Idempotency-Key and creates one
accommodation; with no connection at all the translated message shows, the form keeps what was typed, and the
next try (same key) creates the account once."""
import re

from backoffice import Api, log_in, settled, shown, unique
from conftest import DEMO_PASSWORD, MANAGER, i18n

FR = i18n("fr")

# window.fetch wrapped (as a WebDriver script: the page's CSP allows no eval) to record each POST's
# Idempotency-Key and to lose answers: 'first' loses the first POST's answer after the server handled it,
# 'all' fails every POST before it leaves, 'none' lets everything through.
WRAP = """
window.__posts = window.__posts || [];
window.__lose = arguments[0];
if (!window.__realFetch) {
    window.__realFetch = window.fetch;
    window.fetch = async (url, init) => {
        if (!init || init.method !== 'POST') return window.__realFetch(url, init);
        window.__posts.push({ url: String(url), key: init.headers['Idempotency-Key'] || null });
        if (window.__lose === 'all') throw new TypeError('Failed to fetch (no connection in a test)');
        const res = await window.__realFetch(url, init);
        if (window.__lose === 'first' && window.__posts.length === 1) throw new TypeError('Failed to fetch (answer lost in a test)');
        return res;
    };
}
"""


def test_a_lost_answer_creates_one_accommodation(page, web):
    manager = Api(web, MANAGER)
    name = unique("Chambre perdue")
    log_in(page, MANAGER)
    page.go("/admin/accommodations/new")
    form = "form[data-form=accommodation]"
    page.wait(form)
    page.fill("name", name, form)
    page.fill("pricing.basePrice", "30000", form)
    page.fill("capacity.maxGuests", "2", form)
    page.js(WRAP, "first")
    page.submit(form)
    page.until(lambda: re.fullmatch(r"/admin/accommodations/[0-9a-f]{24}", page.path), "the unit's page")
    settled(page)
    posts = page.js("return window.__posts")
    assert [p["url"].split("/api")[1] for p in posts] == ["/accommodations", "/accommodations"]
    assert posts[0]["key"] and posts[0]["key"] == posts[1]["key"], posts
    found = manager.data("get", "/accommodations", q=name)
    assert [a["name"] for a in found] == [name]
    manager.data("delete", f"/accommodations/{found[0]['id']}")  # not an offer for the public site's tests


def test_no_connection_keeps_the_form_and_the_next_try_creates_once(page, web):
    manager = Api(web, MANAGER)
    email = unique("reseau").replace(" ", ".") + "@example.com"
    log_in(page, MANAGER)
    page.go("/admin/users/new")
    form = "form[data-form=user]"
    page.wait(form)
    page.fill("firstName", "Réseau", form)
    page.fill("lastName", "Coupé", form)
    page.fill("email", email, form)
    page.fill("password", DEMO_PASSWORD, form)
    page.js(WRAP, "all")
    page.submit(form)
    alert = page.wait(f"{form} [data-error-code=NETWORK]", timeout=30)
    assert alert.text == shown(FR["error.NETWORK"])
    assert page.value("email", form) == email and page.value("firstName", form) == "Réseau"
    assert manager.data("get", "/users", q=email) == []
    page.js(WRAP, "none")
    page.submit(form)
    page.until(lambda: re.fullmatch(r"/admin/users/[0-9a-f]{24}", page.path), "the new account's page")
    posts = page.js("return window.__posts")
    assert len(posts) == 4 and len({p["key"] for p in posts}) == 1, posts  # 3 tries offline, 1 online: one action
    assert [u["email"] for u in manager.data("get", "/users", q=email)] == [email]

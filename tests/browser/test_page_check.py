"""test_page_check.py: the clean-page check that every browser test ends with really catches what it must:
a script error, an inline script refused by the CSP, a missing asset, a 5xx, a request to another host."""
from conftest import UNAVAILABLE


def test_a_clean_page_has_no_problem(page, web):
    page.go("/")
    page.until(lambda: page.value("checkIn"), "the search form")
    assert page.problems() == []


def test_each_kind_of_problem_is_reported(page, web):
    page.go("/")
    page.until(lambda: page.value("checkIn"), "the search form")
    page.js("setTimeout(() => { throw new Error('boom from a test'); }, 0);")
    page.js("const s = document.createElement('script'); s.textContent = 'window.inlineRan = 1';"
            "document.body.appendChild(s);")
    page.js("const l = document.createElement('link'); l.rel = 'stylesheet';"
            "l.href = '/assets/dev/site/no-such.css'; document.head.appendChild(l);")
    page.js("fetch(arguments[0]).catch(() => {});", UNAVAILABLE)
    page.js("const i = document.createElement('img'); i.src = 'https://elsewhere.invalid/x.png';"
            "document.body.appendChild(i);")
    page.settle(1.5)
    found = "\n".join(page.problems())
    assert page.js("return window.inlineRan") is None, "the CSP let an inline script run"
    assert "boom from a test" in found, found
    assert "Content Security Policy" in found, found
    assert "no-such.css" in found, found  # refused by nosniff (httpd's 404 page is HTML): a console error
    assert f"HTTP 503 for {web.server.base_url}{UNAVAILABLE}" in found, found
    assert "request to another host: https://elsewhere.invalid/x.png" in found, found
    assert page.problems() == [], "problems() reports each entry once"

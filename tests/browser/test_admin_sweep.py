"""test_admin_sweep.py: every page of the back office opens for every role (UI.md 7): for super admin, manager and
staff, the menu holds exactly the domains web/admin/nav.js gives that role; each menu entry, and the pages its
list links to (one address of each shape: the first row's detail, the creation page, and what those link to
within the domain), opens with its main heading, no error message, no script error, no 5xx; an address the
API refuses to the role shows the API's 403/404 as the translated message, never a blank page."""
import re
import urllib.parse

import pytest

from backoffice import log_in, settled
from conftest import ADMIN, MANAGER, STAFF, i18n

import harness

FR = i18n("fr")
NAV = (harness.SRC_DIR / "web" / "admin" / "nav.js").read_text(encoding="utf-8")
ALL = ["super_admin", "manager", "staff"]
ACCOUNTS = {"super_admin": ADMIN, "manager": MANAGER, "staff": STAFF}
PER_DOMAIN = 6  # pages opened below each menu entry at most (the shapes of its addresses)
HEX_ID = re.compile(r"/[0-9a-f]{24}(?=/|$)")


def domains():
    """(id, href, roles) of every entry of DOMAINS in web/admin/nav.js, in menu order."""
    out = []
    for m in re.finditer(r"\{\s*id:\s*'([\w-]+)',\s*href:\s*'([^']+)'.*?roles:\s*(ALL|\[[^\]]*\])", NAV):
        roles = ALL if m.group(3) == "ALL" else re.findall(r"'([\w]+)'", m.group(3))
        out.append((m.group(1), m.group(2), roles))
    assert out, "no domain found in web/admin/nav.js"
    return out


def shape(path):
    """An address with its ids replaced ("/admin/users/:id"): one page of each shape is opened."""
    return HEX_ID.sub("/:id", path)


def inner_links(page, prefix):
    """The back-office paths below `prefix` that the page's main part links to, in document order."""
    hrefs = page.js("return Array.from(document.querySelectorAll('main a[href]'), a => a.getAttribute('href'))")
    out = []
    for href in hrefs:
        path = urllib.parse.urlsplit(href).path
        if path.startswith(prefix) and path != prefix.rstrip("/") and href not in out:
            out.append(href)
    return out


def check_page(page, where, problems):
    """The page at `where` is whole: a main heading, no error message, nothing wrong in the browser logs."""
    try:
        settled(page)
    except AssertionError as e:
        problems.append(f"{where}: {e}")
        return
    heading = page.find("main h1").text.strip()
    if not heading:
        problems.append(f"{where}: the main heading is empty")
    errors = [e.text for e in page.finds("main .alert-error") if e.is_displayed()]
    if errors:
        problems.append(f"{where}: shows an error: {errors}")
    problems.extend(f"{where}: {p}" for p in page.problems())


def walk(page, href, prefix, seen, problems, budget):
    """Opens `href`, checks it, then the addresses of new shapes it links to below `prefix` (depth first)."""
    page.go(href)
    check_page(page, href, problems)
    for link in inner_links(page, prefix):
        if len(seen) >= budget:
            return
        if shape(link) in seen:
            continue
        seen.add(shape(link))
        walk(page, link, prefix, seen, problems, budget)


def refused(page, web, role):
    """Addresses the API refuses to the role: (path, the error code or 'notFound' for the shell's own page)."""
    gitega = web.establishments["Gitega"]["id"]
    gitega_unit = web.server.get("/api/public/accommodations", params={"establishmentId": gitega}).json()["data"][0]["id"]
    cases = {
        "super_admin": [("/admin/accommodations/0123456789abcdef01234567", "NOT_FOUND"),
                        ("/admin/users/0123456789abcdef01234567", "NOT_FOUND")],
        "manager": [(f"/admin/accommodations/{gitega_unit}", "NOT_FOUND"), (f"/admin/establishments/{gitega}", "NOT_FOUND"),
                    ("/admin/audit/verify", "FORBIDDEN")],
        "staff": [(f"/admin/accommodations/{gitega_unit}", "NOT_FOUND"), (f"/admin/establishments/{gitega}", "NOT_FOUND"),
                  ("/admin/users", "notFound"), ("/admin/audit", "notFound")],
    }
    return cases[role]


@pytest.mark.parametrize("role", ALL)
def test_every_page_opens_for_the_role(page, web, role):
    log_in(page, ACCOUNTS[role])
    mine = [(i, href) for i, href, roles in domains() if role in roles]
    menu = [e.get_attribute("data-nav") for e in page.finds("nav [data-nav]")]
    assert menu == [i for i, _ in mine], f"the menu of a {role}"
    page.problems()  # the login page's own log is not a page of the sweep
    problems = []
    opened = 0
    for domain, href in mine:
        page.click(f"nav [data-nav='{domain}']")
        page.until(lambda: urllib.parse.urlsplit(page.path).path.rstrip("/") == href.rstrip("/"), f"the address {href}")
        check_page(page, f"{href} (menu)", problems)
        if page.find(f"nav [data-nav='{domain}']").get_attribute("aria-current") != "page":
            problems.append(f"{href}: its menu entry is not marked current")
        opened += 1
        if href.rstrip("/") == "/admin":
            continue  # the landing page's links lead into the other domains, walked from their own entries
        prefix = href.rstrip("/") + "/"
        seen = set()
        for link in inner_links(page, prefix):
            if len(seen) >= PER_DOMAIN:
                break
            if shape(link) not in seen:
                seen.add(shape(link))
                walk(page, link, prefix, seen, problems, PER_DOMAIN)
        opened += len(seen)
    for path, code in refused(page, web, role):
        page.go(path)
        try:
            settled(page)
            if code == "notFound":
                assert page.text("main h1") == FR["notFound.title"], path
            else:
                alert = page.wait(f"main [data-error-code={code}]")
                assert alert.text.startswith(FR[f"error.{code}"]), (path, alert.text)
        except AssertionError as e:
            problems.append(f"{path}: not the translated refusal ({code}): {e}")
        problems.extend(f"{path}: {p}" for p in page.problems())
    assert not problems, f"{len(problems)} problem(s) in {opened} pages opened as {role}:\n  " + "\n  ".join(problems)
    assert opened > len(mine), f"only the menu's {opened} pages opened as {role}: no list led anywhere"

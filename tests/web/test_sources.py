"""test_sources.py: house rules of the web front end's own files (web/site, web/admin, web/lib): a purpose line
on top, imports by relative path to files that exist, data shown as text (no HTML sinks), nothing inline
for the CSP, no other host, asset addresses only in the HTML (UI.md 2, 5, 6)."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
OWN = sorted(p for d in ("site", "admin", "lib") for p in (WEB / d).rglob("*") if p.is_file())
JS = [p for p in OWN if p.suffix == ".js"]
HTML = [p for p in OWN if p.suffix == ".html"]
# import/export ... from '<spec>' (the clause may span lines, never a string), import('<spec>'), import '<spec>';
# a string 'from' elsewhere (an API field: seasons and audit filters have one) is not an import
IMPORT = re.compile(r"""^\s*(?:import|export)\b[^;'"`]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]"""
                    r"""|^\s*import\s*['"]([^'"]+)['"]""", re.M)
# ways to turn a string into markup or code: API data must never reach them (UI.md 5)
SINKS = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|dangerouslySetInnerHTML|document\.write|\beval\s*\(|"
                   r"new\s+Function\b|createContextualFragment|setTimeout\(\s*['\"`]|setInterval\(\s*['\"`]")
# addresses of other sites that a page may only link to (UI.md 3.3: the location as a link to a map site);
# nothing is ever loaded from them (the CSP's 'self' and the browser tests' page check see to that)
LINK_ONLY = ("https://www.openstreetmap.org/",)


def rel(p):
    return p.relative_to(ROOT).as_posix()


def test_there_are_files_to_check():
    assert len(JS) >= 10 and len(HTML) == 2, [rel(p) for p in OWN]


def test_purpose_line_names_the_file():
    bad = []
    for path in OWN:
        first, name = path.read_text(encoding="utf-8").splitlines()[0], rel(path)
        if not first.startswith((f"// {name}: ", f"/* {name}: ", f"<!-- {name}: ")):
            bad.append(name)
    assert bad == [], "the first line should be the file's purpose, naming it"


def test_imports_are_relative_and_exist():
    bad = []
    for path in JS:
        for spec in (next(g for g in m.groups() if g) for m in IMPORT.finditer(path.read_text(encoding="utf-8"))):
            target = (path.parent / spec).resolve()
            if not spec.startswith(("./", "../")):
                bad.append(f"{rel(path)} imports {spec!r}: only relative paths load without an import map")
            elif not target.is_file() or WEB not in target.parents:
                bad.append(f"{rel(path)} imports {spec}, which is not a file under web/")
    assert bad == []


def test_no_html_or_code_from_strings():
    bad = [f"{rel(p)}: {SINKS.findall(p.read_text(encoding='utf-8'))}" for p in JS
           if SINKS.search(p.read_text(encoding="utf-8"))]
    assert bad == [], "render data as text (html`` templates), never as markup or code"


def test_no_other_host_and_no_absolute_asset_address():
    bad = []
    for path in OWN:
        text = path.read_text(encoding="utf-8")
        for link in LINK_ONLY:
            text = text.replace(link, "")
        if re.search(r"(?:https?:)?//[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", text):
            bad.append(f"{rel(path)} names another host")
        if path.suffix != ".html" and "/assets/" in text:
            bad.append(f"{rel(path)}: only the HTML names /assets/ (modules import relatively)")
    assert bad == []


@pytest.mark.parametrize("path", HTML, ids=rel)
def test_html_has_nothing_inline(path):
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline script: the CSP refuses it"
    assert "<style" not in text and not re.search(r"\sstyle=", text), "inline style: the CSP refuses it"
    assert not re.search(r"\son\w+=", text), "inline event handler: the CSP refuses it"
    scripts = re.findall(r'<script type="module" src="/assets/dev/([^"]+)"></script>', text)
    assert len(scripts) == 1 and (WEB / scripts[0]).is_file(), scripts
    for ref in re.findall(r'href="/assets/dev/([^"]+)"', text):
        assert (WEB / ref).is_file(), f"{rel(path)} refers to {ref}, which does not exist"


def test_admin_domains_have_their_pages_module():
    nav = (WEB / "admin" / "nav.js").read_text(encoding="utf-8")
    for domain, module in re.findall(r"\{\s*id:\s*'([\w-]+)'.*?import\('\./([\w-]+)/pages\.js'\)", nav):
        assert domain == module, f"domain {domain} loads the pages of {module}"
        pages = (WEB / "admin" / module / "pages.js").read_text(encoding="utf-8")
        assert "export const pages" in pages, f"web/admin/{module}/pages.js exports no `pages`"

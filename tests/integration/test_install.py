"""test_install.py: `make install` puts the module, ruzizi-ctl and Debian's mods-available files where
`a2enmod ruzizi` and `LoadModule` expect them, and the installed .load file loads the module; it installs
the web front end with versioned asset addresses, served by the installed conf/ruzizi-web.conf."""
import re
import shutil
import subprocess

import pytest

import harness


def apxs(name):
    return subprocess.run(["apxs", "-q", name], capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture(scope="module")
def installed(built):
    """The DESTDIR root of one `make install` of the test build (readable by the httpd children)."""
    top = harness.make_tmpdir("ruzizi-install-")
    dest = top / "root"
    subprocess.run(["make", "-C", str(built), "install", f"DESTDIR={dest}"], check=True,
                   capture_output=True, timeout=300)
    yield dest
    shutil.rmtree(top, ignore_errors=True)


def test_make_install_layout(installed, tmp_path):
    dest = installed
    moddir = apxs("LIBEXECDIR")
    confdir = apxs("SYSCONFDIR")
    so = dest / moddir.lstrip("/") / "mod_ruzizi.so"
    load = dest / confdir.lstrip("/") / "mods-available" / "ruzizi.load"
    conf = dest / confdir.lstrip("/") / "mods-available" / "ruzizi.conf"
    assert so.is_file() and not (so.parent / "mod_ruzizi.la").exists()
    assert load.is_file() and conf.is_file()
    assert list(dest.rglob("sbin/ruzizi-ctl")), "ruzizi-ctl not installed"
    # the .load file names the installed path, so `a2enmod ruzizi` + restart loads this module
    m = re.search(r"^LoadModule ruzizi_module (\S+)$", load.read_text(), re.M)
    assert m and m.group(1) == f"{moddir}/mod_ruzizi.so", load.read_text()
    # and the installed module really loads into httpd: a config test with it passes
    cfg = tmp_path / "t.conf"
    cfg.write_text(f"ServerRoot {tmp_path}\nListen 127.0.0.1:{harness.free_port()}\n"
                   f"LoadModule mpm_event_module {moddir}/mod_mpm_event.so\n"
                   f"LoadModule authz_core_module {moddir}/mod_authz_core.so\n"
                   f"LoadModule ruzizi_module {so}\nErrorLog {tmp_path}/e.log\n"
                   f"PidFile {tmp_path}/p.pid\nServerName localhost\n")
    r = subprocess.run(["/usr/sbin/apache2", "-t", "-f", str(cfg)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_installed_web_front_end_is_versioned_and_served(installed, server_factory):
    webs = list(installed.rglob("share/ruzizi/web"))
    assert len(webs) == 1, webs
    web = webs[0]
    src = harness.SRC_DIR / "web"
    for rel in ["site/index.html", "admin/index.html", "lib/base.css", "vendor/preact.mjs", "vendor/VERSIONS"]:
        assert (web / rel).is_file(), rel
    assert (web / "vendor/preact.mjs").read_bytes() == (src / "vendor/preact.mjs").read_bytes()
    html = (web / "site/index.html").read_text()
    versions = set(re.findall(r'"/assets/([^/"]+)/', html))
    assert len(versions) == 1 and re.fullmatch(r"[0-9a-f]{12}", next(iter(versions))), versions
    assert "/assets/dev/" not in html and "/assets/dev/" not in (web / "admin/index.html").read_text()
    web_conf = installed / apxs("SYSCONFDIR").lstrip("/") / "ruzizi-web.conf"
    assert web_conf.read_bytes() == (harness.SRC_DIR / "conf/ruzizi-web.conf").read_bytes()
    srv = server_factory(None, "sqlite", web_root=web, web_conf=web_conf)
    page = srv.get("/track", headers={"Accept-Encoding": "identity"})
    assert page.status_code == 200 and page.text == html
    assert page.headers["Cache-Control"] == "no-cache"
    for ref in re.findall(r'(?:src|href)="(/assets/[^"]+)"', html):
        r = srv.get(ref)
        assert r.status_code == 200, ref
        assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable", ref

"""test_install.py: `make install` puts the module, ruzizi-ctl and Debian's mods-available files where
`a2enmod ruzizi` and `LoadModule` expect them, and the installed .load file loads the module."""
import re
import subprocess

import harness


def test_make_install_layout(built, tmp_path):
    dest = tmp_path / "root"
    subprocess.run(["make", "-C", str(built), "install", f"DESTDIR={dest}"], check=True,
                   capture_output=True, timeout=300)
    moddir = subprocess.run(["apxs", "-q", "LIBEXECDIR"], capture_output=True, text=True,
                            check=True).stdout.strip()
    confdir = subprocess.run(["apxs", "-q", "SYSCONFDIR"], capture_output=True, text=True,
                             check=True).stdout.strip()
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

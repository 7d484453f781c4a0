"""test_conf_docs.py: the directive table agrees with conf/ruzizi.conf, and bad values fail configtest
naming the directive (SPEC 8.12)."""

import os
import shutil

import pytest

import harness


def test_every_directive_is_documented():
    code = harness.module_directives()
    docs = harness.documented_directives()
    assert code, "no AP_INIT_*(\"Ruzizi...\") entries found in mod_ruzizi/rz_cmds.c"
    assert not code - docs, f"in rz_cmds.c but not documented in conf/ruzizi.conf: {sorted(code - docs)}"
    assert not docs - code, f"documented in conf/ruzizi.conf but not in rz_cmds.c: {sorted(docs - code)}"


def test_shipped_conf_has_no_active_directive():
    """conf/ruzizi.conf only documents: enabling the module must not configure anything."""
    lines = (harness.SRC_DIR / "conf" / "ruzizi.conf").read_text(encoding="utf-8").splitlines()
    active = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    assert active == [], active


@pytest.fixture(scope="module")
def workdir():
    d = harness.make_tmpdir("ruzizi-conftest-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def good_store(workdir):
    return f"RuziziStore sqlite:{workdir}/ruzizi.db"


def test_good_config_passes(built, workdir):
    rc, out = harness.configtest(
        f"{good_store(workdir)}\n"
        f"Include {harness.SRC_DIR}/conf/ruzizi.conf\n"
        "<Location /api>\n  SetHandler ruzizi\n  RuziziJsonBodyLimit 2048\n</Location>\n"
        "RuziziJsonBodyLimit 4096\n"
        "RuziziCorsOrigins https://a.example https://b.example:8443\n")
    assert rc == 0, out
    assert "Syntax OK" in out


BAD = {
    "body-limit-not-a-number": ("RuziziJsonBodyLimit abc", "RuziziJsonBodyLimit"),
    "body-limit-negative": ("RuziziJsonBodyLimit -1", "RuziziJsonBodyLimit"),
    "body-limit-trailing-junk": ("RuziziJsonBodyLimit 10x", "RuziziJsonBodyLimit"),
    "store-scheme": ("RuziziStore ftp://x", "RuziziStore"),
    "store-empty-sqlite-path": ("RuziziStore sqlite:", "RuziziStore"),
    "store-in-location": ("<Location /api>\nRuziziStore sqlite:/tmp/x.db\n</Location>", "RuziziStore"),
    "cors-origin-without-scheme": ("RuziziCorsOrigins book.example", "RuziziCorsOrigins"),
    "cors-origin-with-path": ("RuziziCorsOrigins https://book.example/app", "RuziziCorsOrigins"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_value_fails_configtest(built, workdir, case):
    directive_line, name = BAD[case]
    store = "" if "RuziziStore" in directive_line else good_store(workdir)
    rc, out = harness.configtest(f"{store}\n{directive_line}\n")
    assert rc != 0, f"configtest passed with {directive_line!r}:\n{out}"
    assert name in out, f"the message does not name {name}:\n{out}"


def test_store_and_store_uri_file_are_exclusive(built, workdir):
    f = workdir / "store.uri"
    f.write_text(f"sqlite:{workdir}/other.db\n")
    f.chmod(0o600)
    rc, out = harness.configtest(f"{good_store(workdir)}\nRuziziStoreUriFile {f}\n")
    assert rc != 0, out
    assert "RuziziStore" in out, out


def test_store_uri_file(built, workdir):
    f = workdir / "store-ok.uri"
    f.write_text(f"sqlite:{workdir}/ruzizi.db\n")
    f.chmod(0o600)
    rc, out = harness.configtest(f"RuziziStoreUriFile {f}\n")
    assert rc == 0, out


@pytest.mark.parametrize("mode", [0o620, 0o602])
def test_store_uri_file_writable_by_others_refused(built, workdir, mode):
    f = workdir / f"store-{mode:o}.uri"
    f.write_text(f"sqlite:{workdir}/ruzizi.db\n")
    os.chmod(f, mode)
    rc, out = harness.configtest(f"RuziziStoreUriFile {f}\n")
    assert rc != 0, out
    assert "RuziziStoreUriFile" in out, out


def test_store_uri_file_missing(built, workdir):
    rc, out = harness.configtest(f"RuziziStoreUriFile {workdir}/does-not-exist\n")
    assert rc != 0, out
    assert "RuziziStoreUriFile" in out, out

"""test_conf_docs.py: the directive table agrees with conf/ruzizi.conf, docs/operator-guide.md and the
configuration's create and merge functions, and bad values fail configtest naming the directive
(SPEC 8.12)."""

import os
import re
import shutil

import pytest

import harness


def test_every_directive_is_documented():
    code = harness.module_directives()
    docs = harness.documented_directives()
    assert code, "no AP_INIT_*(\"Ruzizi...\") entries found in mod_ruzizi/rz_cmds.c"
    assert not code - docs, f"in rz_cmds.c but not documented in conf/ruzizi.conf: {sorted(code - docs)}"
    assert not docs - code, f"documented in conf/ruzizi.conf but not in rz_cmds.c: {sorted(docs - code)}"


def test_every_directive_is_in_the_operator_guide():
    """docs/operator-guide.md documents each directive in its directive table (a row that starts with
    the directive's name), not only in passing."""
    text = (harness.SRC_DIR / "docs" / "operator-guide.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\|\s*`(Ruzizi\w+)", text, re.M))
    code = harness.module_directives()
    assert not code - rows, f"directives without a row in docs/operator-guide.md: {sorted(code - rows)}"
    assert not rows - code, f"rows in docs/operator-guide.md for no directive: {sorted(rows - code)}"


def struct_fields(header, name):
    """{field: directives named in its comment} of `typedef struct {...} name;` in header."""
    body = re.search(r"typedef struct \{(.*?)\}\s*" + name + ";", header, re.S).group(1)
    fields, pending = {}, set()
    for line in body.splitlines():
        code, _, comment = line.partition("/*")
        names = set(re.findall(r"Ruzizi\w+", comment))
        decl = re.search(r"\**(\w+)(\[[^\]]*\])?\s*;", code)
        if not decl:
            pending |= names  # a comment line above the field it describes
            continue
        fields[decl.group(1)] = names | pending
        pending = set()
    return fields


def function_body(source, name):
    """The text of C function `name` in source, from its opening brace to the closing one."""
    start = re.search(r"^\S[^\n]*\b" + name + r"\(", source, re.M)
    assert start, f"{name} not found"
    i = source.index("{", start.end())
    depth = 0
    for j in range(i, len(source)):
        depth += {"{": 1, "}": -1}.get(source[j], 0)
        if depth == 0:
            return source[i:j + 1]
    raise AssertionError(f"{name}: unbalanced braces")


def directive_contexts():
    """{directive: its req_override text} from the AP_INIT_* entries of rz_cmds.c."""
    text = (harness.SRC_DIR / "mod_ruzizi" / "rz_cmds.c").read_text(encoding="utf-8")
    entries = re.findall(r'AP_INIT_\w+\(\s*"(Ruzizi\w+)",\s*\w+,\s*[^,]*,\s*([A-Z_| ]+),', text)
    return {d: ctx for d, ctx in entries}


@pytest.mark.parametrize("struct, create, merge, scope", [
    ("rz_srv_conf_t", "rz_config_create_server", "rz_config_merge_server", "RSRC_CONF"),
    ("rz_dir_conf_t", "rz_config_create_dir", "rz_config_merge_dir", "ACCESS_CONF"),
])
def test_every_directive_is_created_and_merged(struct, create, merge, scope):
    """Each directive has a field of the configuration struct (named in the field's comment), set
    in the create function and merged in the merge function, so that a virtual host or a
    <Location> inherits what it leaves unset; directives of <Location> scope also in the dir one."""
    src = harness.SRC_DIR / "mod_ruzizi"
    fields = struct_fields((src / "rz_config.h").read_text(encoding="utf-8"), struct)
    config_c = (src / "rz_config.c").read_text(encoding="utf-8")
    create_body, merge_body = function_body(config_c, create), function_body(config_c, merge)
    contexts = directive_contexts()
    assert set(contexts) == harness.module_directives(), "the AP_INIT_* scan is broken"
    wanted = {d for d, ctx in contexts.items() if scope in ctx}
    assert wanted, f"no directive of scope {scope}: the scan is broken"
    problems = []
    for directive in sorted(wanted):
        mine = [f for f, names in fields.items() if directive in names]
        if not mine:
            problems.append(f"{directive}: no field of {struct} names it")
        for f in mine:
            if not re.search(r"\bc->" + f + r"\b", create_body):
                problems.append(f"{directive}: {struct}.{f} is not set in {create}")
            if not re.search(r"(\bc->" + f + r"\b|RZ_MERGE\(" + f + r"\))", merge_body):
                problems.append(f"{directive}: {struct}.{f} is not merged in {merge}")
    assert problems == []


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

"""test_vendor.py: the vendored third-party modules under web/vendor/ are exactly what scripts/vendor-web wrote."""
import hashlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "web" / "vendor"
IMPORT = re.compile(r"""\b(?:from|import)\s*\(?\s*(["'])([^"']+)\1""")


def versions():
    pins = {}
    for line in (VENDOR / "VERSIONS").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version, integrity = line.split()
            pins[name] = (version, integrity)
    return pins


def sums():
    listed = {}
    for line in (VENDOR / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            digest, name = line.split(None, 1)
            listed[name.strip()] = digest
    return listed


def test_versions_pin_exact_versions_with_npm_integrity():
    pins = versions()
    assert set(pins) == {"preact", "htm"}, pins
    for name, (version, integrity) in pins.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name}: {version} is not an exact version"
        assert re.fullmatch(r"sha512-[A-Za-z0-9+/]{86}==", integrity), f"{name}: bad integrity {integrity}"


def test_vendored_files_match_the_manifest():
    listed = sums()
    present = {p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file()}
    present -= {"VERSIONS", "SHA256SUMS"}
    assert present == set(listed), f"unlisted: {present - set(listed)}, missing: {set(listed) - present}"
    for name, digest in listed.items():
        got = hashlib.sha256((VENDOR / name).read_bytes()).hexdigest()
        assert got == digest, f"web/vendor/{name} was changed after vendoring (run scripts/vendor-web)"


def test_vendored_modules_name_their_pinned_version_and_import_only_relative_paths():
    pins = versions()
    modules = sorted(VENDOR.glob("*.mjs"))
    assert {m.name for m in modules} >= {"preact.mjs", "preact-hooks.mjs", "htm.mjs"}
    for m in modules:
        text = m.read_text(encoding="utf-8")
        head = re.match(r"/\* (\S+)@(\S+) ", text)
        assert head, f"{m.name}: no vendoring header"
        assert pins[head.group(1)][0] == head.group(2), f"{m.name}: header {head.group(0)} vs VERSIONS"
        for _, spec in IMPORT.findall(text):
            assert spec.startswith("./") and (VENDOR / spec).is_file(), f"{m.name} imports {spec!r}"
        assert "sourceMappingURL" not in text, f"{m.name} points at a source map that is not vendored"

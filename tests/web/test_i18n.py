"""test_i18n.py: the dictionaries web/lib/i18n/fr.js and en.js have the same keys and placeholders, and cover
every text key the pages use and every API error code (UI.md 5: API errors are translated by code)."""
import json
import re
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
# SPEC 2.3, plus the client's own codes (lib/api.js: no answer, an answer that is not the API's)
ERROR_CODES = """INVALID_JSON VALIDATION_ERROR INVALID_IMAGE UNAUTHORIZED INVALID_CREDENTIALS FORBIDDEN NOT_FOUND
METHOD_NOT_ALLOWED NOT_AVAILABLE DUPLICATE_EMAIL DUPLICATE INVALID_TRANSITION IN_USE INVOICE_EXISTS LEAVE_OVERLAP
INSUFFICIENT_LEAVE_BALANCE IDEMPOTENCY_IN_PROGRESS PAYLOAD_TOO_LARGE UNSUPPORTED_MEDIA_TYPE IDEMPOTENCY_KEY_REUSED
RATE_LIMITED INTERNAL_ERROR STORE_UNAVAILABLE SERVER_BUSY NETWORK UNKNOWN""".split()


def load(lang):
    text = (WEB / "lib" / "i18n" / f"{lang}.js").read_text(encoding="utf-8")
    assert text.startswith(f"// web/lib/i18n/{lang}.js: "), "first line: the purpose comment"
    body = re.sub(r"^//.*\n", "", text).strip()
    assert body.startswith("export default {") and body.endswith("};"), \
        f"{lang}.js must be `export default {{...}};` holding a plain JSON object"
    pairs = json.loads(body[len("export default "):-1], object_pairs_hook=lambda kv: kv)
    keys = [k for k, _ in pairs]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    assert not dupes, f"{lang}.js repeats {dupes}"
    for k, v in pairs:
        assert isinstance(v, str) and v.strip(), f"{lang}.js: {k} is empty or not a string"
    return dict(pairs)


FR, EN = load("fr"), load("en")


def sources():
    return [p for d in ("site", "admin", "lib") for p in (WEB / d).rglob("*.js") if "i18n" not in p.parts]


def test_fr_and_en_have_the_same_keys():
    assert set(FR) - set(EN) == set(), "missing in en.js"
    assert set(EN) - set(FR) == set(), "missing in fr.js"


def test_placeholders_match():
    def names(text):
        return set(re.findall(r"\{(\w+)\}", text))
    assert [k for k in FR if k in EN and names(FR[k]) != names(EN[k])] == []


def test_every_key_the_pages_use_exists():
    used = set()
    for path in sources():
        used |= {(path.name, k) for k in re.findall(r"""\bt\(\s*['"]([\w.]+)['"]""", path.read_text(encoding="utf-8"))}
    assert used, "no t('...') call found: has the i18n API changed?"
    missing = sorted(f"{f}: {k}" for f, k in used if k not in FR)
    assert not missing, missing


def test_every_api_error_code_is_translated():
    assert [c for c in ERROR_CODES if f"error.{c}" not in FR] == []


def test_every_menu_entry_has_a_label():
    nav = (WEB / "admin" / "nav.js").read_text(encoding="utf-8")
    ids = re.findall(r"\{\s*id:\s*'([\w-]+)'", nav)
    assert ids, "no domain in web/admin/nav.js"
    assert [i for i in ids if f"nav.{i}" not in FR] == []


def test_enumerated_values_are_translated():
    """Keys built from API values: unit types, quote line units, roles (SPEC 4.1, 4.4, 4.5)."""
    wanted = [f"type.{v}" for v in ("standard_room", "suite", "house", "apartment")]
    wanted += [f"unit.{v}" for v in ("night", "month", "prorated_night", "hour")]
    wanted += [f"role.{v}" for v in ("super_admin", "manager", "staff")]
    wanted += ["lang.fr", "lang.en"]
    assert [k for k in wanted if k not in FR] == []

"""test_i18n_admin_values.py: the back-office texts built from API values (t(`housekeeping.status.${v}`) and the like,
which test_i18n.py cannot see) exist for every value: the enumerations of SPEC 4.4, the notification types and
audited entities the module itself declares, the actor roles and chain-check reasons of SPEC 4.13 and 8.6."""
import re
from pathlib import Path

import pytest

from test_i18n import EN, FR

ROOT = Path(__file__).resolve().parents[2]


def c_array(path, name):
    """The strings of `static const char *const <name>[] = {...}` in a module source file."""
    text = (ROOT / path).read_text(encoding="utf-8")
    m = re.search(rf"\b{name}\[\]\s*=\s*\{{(.*?)\}};", text, re.S)
    assert m, f"{name}[] not found in {path}"
    return re.findall(r'"([^"]+)"', m.group(1))


NOTIFICATION_TYPES = c_array("mod_ruzizi/domain/rz_notifications.c", "notif_types")
AUDIT_ENTITIES = c_array("mod_ruzizi/domain/rz_audit_routes.c", "entities")
HOUSEKEEPING = ["clean", "dirty", "inspected"]
MODES = ["nightly", "hourly", "monthly"]

KEYS = (
    [f"housekeeping.{k}.{v}" for k in ("status", "mark") for v in HOUSEKEEPING]
    + [f"accommodation.{k}.{m}" for k in ("mode", "modeHint", "unit", "per") for m in MODES]
    + [f"accommodation.status.{v}" for v in ("available", "out_of_service")]
    + [f"accommodation.capacity.{v}" for v in ("bedrooms", "bathrooms", "showers", "livingRooms", "kitchens", "balconies")]
    + [f"images.size.{v}" for v in ("small", "medium", "large", "full")]
    + [f"notifications.type.{v}" for v in NOTIFICATION_TYPES]
    + [f"audit.entity.{v}" for v in AUDIT_ENTITIES]
    + [f"audit.actor.{v}" for v in ("super_admin", "manager", "staff", "public", "system")]
    + [f"audit.reason.{v}" for v in ("gap", "link", "hash")]
)


def test_the_module_lists_were_read():
    assert len(NOTIFICATION_TYPES) == 18 and "booking_new" in NOTIFICATION_TYPES
    assert len(AUDIT_ENTITIES) == 19 and "accommodation" in AUDIT_ENTITIES


@pytest.mark.parametrize("lang,d", [("fr", FR), ("en", EN)])
def test_every_value_has_its_text(lang, d):
    assert [k for k in KEYS if k not in d] == []


def test_every_sort_offered_has_its_text():
    """The sort choices of the list pages (SORTS arrays and literal options) are translated."""
    missing = []
    for page in (ROOT / "web" / "admin").rglob("*.js"):
        text = page.read_text(encoding="utf-8")
        sorts = re.search(r"const SORTS = \[([^\]]*)\]", text)
        prefix = re.search(r"t\(`(\w+\.sort)\.\$\{", text)
        if not sorts:
            continue
        assert prefix, f"{page.name} has SORTS but no t(`<ns>.sort.${{...}}`)"
        missing += [f"{page.name}: {prefix.group(1)}.{v}" for v in re.findall(r"'([^']+)'", sorts.group(1))
                    if f"{prefix.group(1)}.{v}" not in FR]
    assert missing == []

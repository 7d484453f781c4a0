"""test_admin_prop_housekeeping.py: the housekeeping board (/admin/housekeeping, UI.md 7): staff move a unit from
dirty to clean in one click, and the board shows it so after a reload and in the API."""
from backoffice import Api, log_in, settled
from conftest import MANAGER, STAFF, i18n

FR = i18n("fr")


def test_staff_mark_a_dirty_unit_clean(page, web):
    manager = Api(web, MANAGER)
    unit = web.unit["id"]
    manager.data("patch", f"/accommodations/{unit}/housekeeping", {"housekeepingStatus": "dirty"})
    log_in(page, STAFF)
    page.click("[data-nav=housekeeping]")
    page.wait_path("/admin/housekeeping")
    settled(page)
    card = f"[data-accommodation-id='{unit}']"
    page.wait(f"[data-column=dirty] {card}")
    # one button per other status; the current one is not offered
    actions = sorted(b.get_attribute("data-action") for b in page.finds(f"{card} button[data-action]"))
    assert actions == ["mark-clean", "mark-inspected"]
    assert page.find(f"[data-column=dirty] h2").text.startswith(FR["housekeeping.status.dirty"])
    page.click(f"{card} [data-action=mark-clean]")
    page.wait(f"[data-column=clean] {card}")
    assert not page.finds(f"[data-column=dirty] {card}")
    assert page.find(card).get_attribute("data-housekeeping-status") == "clean"
    assert manager.data("get", f"/accommodations/{unit}")["housekeepingStatus"] == "clean"
    page.reload()
    settled(page)
    page.wait(f"[data-column=clean] {card}")
    assert page.path == "/admin/housekeeping"

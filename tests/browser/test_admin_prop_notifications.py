"""test_admin_prop_notifications.py: the bell in the back office's header shows the unread count, which goes down
when a notification is read in the list (/admin/notifications) and to zero with mark-all-read."""
import datetime as dt
import random
import uuid

from backoffice import Api, log_in, settled
from conftest import STAFF, i18n

FR = i18n("fr")


def public_booking(web, days_ahead):
    """A booking made on the public site: it notifies the establishment's managers and staff (booking_new)."""
    start = web.today() + dt.timedelta(days=days_ahead)
    r = web.server.post("/api/public/bookings", headers={"Idempotency-Key": str(uuid.uuid4())}, json={
        "establishmentId": web.est["id"], "accommodationId": web.unit["id"], "checkIn": start.isoformat(),
        "checkOut": (start + dt.timedelta(days=1)).isoformat(), "numberOfGuests": 1,
        "clientInfo": {"firstName": "Cloche", "lastName": "Test", "phone": "+25779000000"}})
    assert r.status_code == 201, r.text


def bell(page):
    return page.find(".top-bar [data-unread-count]").get_attribute("data-unread-count")


def test_bell_count_goes_down_when_one_is_read(page, web):
    days = random.randrange(300, 600)
    public_booking(web, days)
    public_booking(web, days + 2)
    staff = Api(web, STAFF)
    unread = staff.data("get", "/notifications/unread-count")["unreadCount"]
    assert unread >= 2
    log_in(page, STAFF)
    page.until(lambda: bell(page) == str(unread), f"the bell to show {unread}")
    label = page.find(".top-bar [data-unread-count]").get_attribute("aria-label")
    assert label == FR["notifications.bellUnread"].replace("{n}", str(unread))
    page.click(".top-bar [data-unread-count]")
    page.wait_path("/admin/notifications")
    settled(page)
    first = page.wait("[data-notification-id][data-read=false]")
    note_id = first.get_attribute("data-notification-id")
    assert FR["notifications.type.booking_new"] in first.text
    page.click(f"[data-notification-id='{note_id}'] [data-action=mark-read]")
    page.wait(f"[data-notification-id='{note_id}'][data-read=true]")
    page.until(lambda: bell(page) == str(unread - 1), f"the bell to show {unread - 1}")
    assert staff.data("get", "/notifications/unread-count")["unreadCount"] == unread - 1
    # the unread filter is in the address and leaves the read one out
    page.go("/admin/notifications?unread=true")
    settled(page)
    page.wait("[data-notification-id]")
    assert note_id not in [e.get_attribute("data-notification-id") for e in page.finds("[data-notification-id]")]
    page.click("[data-action=mark-all-read]")
    page.until(lambda: bell(page) == "0", "the bell at zero")
    page.wait("main .empty")
    assert page.text("main .empty") == FR["notifications.noneUnread"]
    assert staff.data("get", "/notifications/unread-count")["unreadCount"] == 0
    assert not page.finds(".top-bar .bell-count")

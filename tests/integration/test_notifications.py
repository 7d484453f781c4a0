"""test_notifications.py: the in-app notification routes (SPEC 4.12, 7.11) on both store backends:
own records only, filters, fixed order, pagination, mark read (idempotent, audited once) and
read-all. No endpoint creates notifications yet, so they (and the manager/staff users) are written
to the store directly (storedirect.py)."""
import datetime
import re

import pytest

import identity
import storedirect
from harness import assert_error, assert_ok

TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
FIELDS = {"id", "userId", "establishmentId", "type", "title", "message", "data", "readAt", "read",
          "createdAt", "updatedAt"}
EST_A = storedirect.new_id()
EST_B = storedirect.new_id()


def ago(days, hours=0):
    """A timestamp `days` (+ `hours`) before now. Read notifications must stay recent: the purge
    job deletes those read more than 180 days ago (SPEC 4.12), and it runs at server start."""
    t = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days, hours=hours)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def admin(server):
    uid = identity.create_admin(server)
    return uid, identity.bearer(identity.mint_token(server, uid, "super_admin"))


def make_user(server, admin, role, est):
    """A new user of `role` in `est`: (id, headers)."""
    uid = storedirect.add_user(server, role, est, admin[0])
    return uid, identity.bearer(identity.mint_token(server, uid, role, est))


def notify(server, user_id, est, ntype="booking_new", created=None, read_at=None, nid=None):
    """Writes one notification document as rz_notify_user would; returns its id."""
    doc = {"userId": user_id, "establishmentId": est, "type": ntype, "title": f"T {ntype}",
           "message": f"M {ntype}", "data": {"entity": "booking", "entityId": storedirect.new_id()},
           "readAt": read_at, "read": read_at is not None, "createdAt": created or ago(30),
           "updatedAt": read_at or created or ago(30)}
    if nid:
        doc["id"] = nid
    return storedirect.insert(server, "notifications", doc)


def audit_entries(server, admin, **params):
    r = server.get("/api/audit", headers=admin[1], params=dict({"limit": 100}, **params))
    return assert_ok(r)


# ---- access ---------------------------------------------------------------------------------

@pytest.mark.parametrize("method,path", [
    ("GET", "/api/notifications"), ("GET", "/api/notifications/unread-count"),
    ("POST", "/api/notifications/read-all"),
    ("POST", "/api/notifications/0123456789abcdef01234567/read")])
def test_anonymous_is_401(server, method, path):
    assert_error(server.request(method, path), 401, "UNAUTHORIZED")


@pytest.mark.parametrize("role", ["super_admin", "manager", "staff"])
def test_every_role_reads_its_own(server, admin, role):
    est = None if role == "super_admin" else EST_A
    me = make_user(server, admin, role, est)
    mine = notify(server, me[0], est)
    notify(server, admin[0], None)  # someone else's
    data = assert_ok(server.get("/api/notifications", headers=me[1]))
    assert [n["id"] for n in data] == [mine]
    assert assert_ok(server.get("/api/notifications/unread-count", headers=me[1])) == \
        {"unreadCount": 1}


# ---- list -------------------------------------------------------------------------------------

def test_list_shape_order_and_isolation(server, admin):
    staff = make_user(server, admin, "staff", EST_A)
    other = make_user(server, admin, "staff", EST_A)
    ids = [notify(server, staff[0], EST_A, created=ago(10 - d)) for d in (3, 1, 2)]
    # two at the same instant: the tie is broken by id, descending too
    tie = sorted([storedirect.new_id()[:-1] + c for c in "0f"])
    tie_at = ago(6)
    for nid in tie:
        notify(server, staff[0], EST_A, created=tie_at, nid=nid)
    notify(server, other[0], EST_A)
    r = server.get("/api/notifications", headers=staff[1])
    data = assert_ok(r)
    assert [n["id"] for n in data] == [tie[1], tie[0], ids[0], ids[2], ids[1]]
    assert r.json()["pagination"] == {"page": 1, "limit": 20, "total": 5, "totalPages": 1,
                                      "hasNextPage": False, "hasPrevPage": False}
    for n in data:
        assert set(n) == FIELDS, n  # never version
        assert n["userId"] == staff[0] and n["establishmentId"] == EST_A
        assert n["read"] is False and n["readAt"] is None
        assert set(n["data"]) == {"entity", "entityId"}


def test_filters_and_pagination(server, admin):
    me = make_user(server, admin, "manager", EST_B)
    a = notify(server, me[0], EST_B, "booking_new", ago(10))
    b = notify(server, me[0], EST_B, "expense_submitted", ago(9), read_at=ago(8))
    c = notify(server, me[0], EST_B, "leave_requested", ago(7))
    d = notify(server, me[0], EST_B, "booking_new", ago(6), read_at=ago(5))

    def ids(**params):
        return [n["id"] for n in assert_ok(server.get("/api/notifications", headers=me[1],
                                                      params=params))]

    assert ids() == [d, c, b, a]
    assert ids(unread="true") == [c, a]
    assert ids(unread="false") == [d, b]
    assert ids(type="booking_new") == [d, a]
    assert ids(type="booking_new,leave_requested") == [d, c, a]
    assert ids(type="booking_new", unread="true") == [a]
    assert ids(type="backup_failed") == []
    r = server.get("/api/notifications", headers=me[1], params={"limit": 3, "page": 2})
    assert [n["id"] for n in assert_ok(r)] == [a]
    assert r.json()["pagination"] == {"page": 2, "limit": 3, "total": 4, "totalPages": 2,
                                      "hasNextPage": False, "hasPrevPage": True}
    r = server.get("/api/notifications", headers=me[1], params={"page": 9})
    assert assert_ok(r) == [] and r.json()["pagination"]["total"] == 4
    assert assert_ok(server.get("/api/notifications/unread-count", headers=me[1])) == \
        {"unreadCount": 2}
    read = [n for n in assert_ok(server.get("/api/notifications", headers=me[1],
                                            params={"unread": "false"}))]
    assert all(n["read"] is True and TS.match(n["readAt"]) for n in read)


@pytest.mark.parametrize("params,field", [
    ({"unread": "yes"}, "unread"), ({"type": "booking_new,nope"}, "type"), ({"type": "x"}, "type"),
    ({"page": "0"}, "page"), ({"limit": "a"}, "limit"), ({"sort": "createdAt"}, "sort"),
    ({"userId": "0123456789abcdef01234567"}, "userId")])
def test_list_bad_query_is_400(server, admin, params, field):
    r = server.get("/api/notifications", headers=admin[1], params=params)
    assert_error(r, 400, "VALIDATION_ERROR", field=field)


# ---- mark read ------------------------------------------------------------------------------

def test_mark_read_once_audited_once(server, admin):
    me = make_user(server, admin, "staff", EST_A)
    nid = notify(server, me[0], EST_A)
    r = server.post(f"/api/notifications/{nid}/read", headers=me[1])
    n = assert_ok(r)
    assert set(n) == FIELDS and n["id"] == nid and n["read"] is True and TS.match(n["readAt"])
    assert n["updatedAt"] == n["readAt"]
    assert storedirect.get(server, "notifications", nid)["readAt"] == n["readAt"]
    entries = audit_entries(server, admin, action="notification.read", entityId=nid)
    assert len(entries) == 1
    e = entries[0]
    assert (e["actorId"], e["actorRole"], e["entity"], e["establishmentId"]) == \
        (me[0], "staff", "notification", EST_A)
    assert {c["field"]: (c["old"], c["new"]) for c in e["changes"]} == \
        {"read": (False, True), "readAt": (None, n["readAt"])}
    # again: 200, unchanged, no second entry
    again = assert_ok(server.post(f"/api/notifications/{nid}/read", headers=me[1], json={}))
    assert again == n
    assert len(audit_entries(server, admin, action="notification.read", entityId=nid)) == 1
    assert assert_ok(server.get("/api/notifications/unread-count", headers=me[1])) == \
        {"unreadCount": 0}


def test_mark_read_of_an_already_read_one_is_not_audited(server, admin):
    me = make_user(server, admin, "manager", EST_A)
    read_at = ago(2)
    nid = notify(server, me[0], EST_A, read_at=read_at)
    n = assert_ok(server.post(f"/api/notifications/{nid}/read", headers=me[1]))
    assert n["readAt"] == read_at and n["read"] is True
    assert audit_entries(server, admin, entityId=nid) == []


def test_mark_read_of_others_is_404(server, admin):
    me = make_user(server, admin, "manager", EST_A)
    colleague = make_user(server, admin, "staff", EST_A)
    theirs = notify(server, colleague[0], EST_A)
    for path in (f"/api/notifications/{theirs}/read", "/api/notifications/nothex/read",
                 f"/api/notifications/{storedirect.new_id()}/read",
                 "/api/notifications/0123456789ABCDEF01234567/read"):
        assert_error(server.post(path, headers=me[1]), 404, "NOT_FOUND")
    # a super_admin is not an owner either
    assert_error(server.post(f"/api/notifications/{theirs}/read", headers=admin[1]), 404,
                 "NOT_FOUND")
    assert storedirect.get(server, "notifications", theirs)["readAt"] is None


def test_mark_read_with_unknown_field_is_400(server, admin):
    me = make_user(server, admin, "staff", EST_A)
    nid = notify(server, me[0], EST_A)
    r = server.post(f"/api/notifications/{nid}/read", headers=me[1], json={"read": False})
    assert_error(r, 400, "VALIDATION_ERROR", field="read")
    assert storedirect.get(server, "notifications", nid)["readAt"] is None


# ---- read-all ---------------------------------------------------------------------------------

def test_read_all_is_idempotent_and_audited_once(server, admin):
    me = make_user(server, admin, "staff", EST_B)
    other = make_user(server, admin, "staff", EST_B)
    mine = [notify(server, me[0], EST_B, created=ago(5 - d)) for d in range(1, 4)]
    notify(server, me[0], EST_B, read_at=ago(1))
    theirs = notify(server, other[0], EST_B)
    assert assert_ok(server.post("/api/notifications/read-all", headers=me[1])) == {"updated": 3}
    assert assert_ok(server.get("/api/notifications/unread-count", headers=me[1])) == \
        {"unreadCount": 0}
    for nid in mine:
        assert storedirect.get(server, "notifications", nid)["read"] is True
    assert storedirect.get(server, "notifications", theirs)["readAt"] is None
    assert assert_ok(server.post("/api/notifications/read-all", headers=me[1], json={})) == \
        {"updated": 0}
    entries = audit_entries(server, admin, action="notification.read_all", actorId=me[0])
    assert len(entries) == 1
    assert entries[0]["meta"] == {"updated": 3} and entries[0]["establishmentId"] == EST_B
    r = server.post("/api/notifications/read-all", headers=me[1], json={"all": True})
    assert_error(r, 400, "VALIDATION_ERROR", field="all")

"""test_audit.py: the audit routes (SPEC 4.13, 7.12, 8.6) on both store backends: roles, manager
isolation, filters, sort and pagination, entity history, stats, chain verification, and tampering
with a stored entry behind the API's back (sqlite3 / pymongo via storedirect.py) detected by
GET /api/audit/verify and `ruzizi-ctl verify-audit`.

Audit entries come from `ruzizi-ctl create-admin` (user.create, actor system) and from marking
notifications read (notification.read / read_all, carrying the notification's establishment).
Managers, staff and notifications are written to the store directly (storedirect.py)."""
import re

import pytest

import harness
import identity
import storedirect
from harness import assert_error, assert_ok

FIELDS = {"id", "seq", "at", "actorId", "actorRole", "establishmentId", "action", "entity",
          "entityId", "changes", "meta", "ip", "userAgent", "requestId", "prevHash", "hash"}
VERIFY_KEYS = {"valid", "checked", "headSeq", "headHash", "firstInvalidSeq", "reason"}
HEX64 = re.compile(r"^[0-9a-f]{64}$")
ROUTES = ["/api/audit", "/api/audit/entity/user/0123456789abcdef01234567", "/api/audit/stats",
          "/api/audit/verify"]


class World:
    """Admin, managers of A and B, staff of A, and the audit entries their actions produced."""


def _headers(server, uid, role, est):
    return identity.bearer(identity.mint_token(server, uid, role, est))


def _notify_and_read(server, user, est, n=1):
    """Writes n notifications for `user` and marks the first one read (one notification.read
    entry of establishment `est`); returns the notification ids."""
    ids = [storedirect.insert(server, "notifications", {
        "userId": user[0], "establishmentId": est, "type": "booking_new", "title": "New",
        "message": "New booking", "data": {"entity": "booking", "entityId": storedirect.new_id()},
        "readAt": None, "read": False, "createdAt": "2026-01-01T00:00:00Z",
        "updatedAt": "2026-01-01T00:00:00Z"}) for _ in range(n)]
    assert_ok(server.post(f"/api/notifications/{ids[0]}/read", headers=user[1]))
    return ids


def make_world(server):
    w = World()
    w.admin_id = identity.create_admin(server)
    w.admin = _headers(server, w.admin_id, "super_admin", None)
    w.est_a, w.est_b = storedirect.new_id(), storedirect.new_id()
    users = {}
    for name, role, est in (("ma", "manager", w.est_a), ("mb", "manager", w.est_b),
                            ("sa", "staff", w.est_a)):
        uid = storedirect.add_user(server, role, est, w.admin_id)
        users[name] = (uid, _headers(server, uid, role, est))
    w.ma, w.mb, w.sa = users["ma"], users["mb"], users["sa"]
    # seq 1: user.create (system). Then A: 2 reads by the manager, 1 by staff, 1 read_all; B: 1 read
    w.notif_a = _notify_and_read(server, w.ma, w.est_a, n=3)
    w.notif_a2 = _notify_and_read(server, w.ma, w.est_a)
    w.notif_sa = _notify_and_read(server, w.sa, w.est_a)
    assert_ok(server.post("/api/notifications/read-all", headers=w.ma[1]))
    w.notif_b = _notify_and_read(server, w.mb, w.est_b)
    return w


@pytest.fixture(scope="module")
def world(server):
    return make_world(server)


def listing(server, headers, **params):
    r = server.get("/api/audit", headers=headers, params=params)
    return assert_ok(r), r.json()["pagination"]


# ---- access ---------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ROUTES)
def test_anonymous_is_401(server, path):
    assert_error(server.get(path), 401, "UNAUTHORIZED")


@pytest.mark.parametrize("path", ROUTES)
def test_staff_is_403(server, world, path):
    assert_error(server.get(path, headers=world.sa[1]), 403, "FORBIDDEN")


@pytest.mark.parametrize("path", ["/api/audit/stats", "/api/audit/verify"])
def test_manager_is_403_on_stats_and_verify(server, world, path):
    assert_error(server.get(path, headers=world.ma[1]), 403, "FORBIDDEN")


# ---- list -------------------------------------------------------------------------------------

def test_list_shape_and_default_order(server, world):
    data, page = listing(server, world.admin, limit=100)
    assert page["total"] == 6 and len(data) == 6
    assert [e["seq"] for e in data] == [6, 5, 4, 3, 2, 1]
    for e in data:
        assert set(e) == FIELDS, e  # never version
        assert HEX64.match(e["hash"]) and HEX64.match(e["prevHash"])
    first = data[-1]
    assert (first["action"], first["actorRole"], first["actorId"], first["entityId"]) == \
        ("user.create", "system", None, world.admin_id)
    assert first["prevHash"] == "0" * 64
    for newer, older in zip(data, data[1:]):
        assert newer["prevHash"] == older["hash"]
    assert all("[REDACTED]" == c["new"] for c in first["changes"] if c["field"] == "passwordHash")
    read = data[-2]
    assert (read["action"], read["actorId"], read["actorRole"], read["establishmentId"],
            read["entity"], read["entityId"]) == \
        ("notification.read", world.ma[0], "manager", world.est_a, "notification",
         world.notif_a[0])
    assert re.match(r"^[0-9a-f]{32}$", read["requestId"]) and read["ip"]


def test_sort_and_pagination(server, world):
    data, page = listing(server, world.admin, sort="seq", limit=4)
    assert [e["seq"] for e in data] == [1, 2, 3, 4]
    assert page == {"page": 1, "limit": 4, "total": 6, "totalPages": 2, "hasNextPage": True,
                    "hasPrevPage": False}
    data, page = listing(server, world.admin, sort="seq", limit=4, page=2)
    assert [e["seq"] for e in data] == [5, 6] and page["hasPrevPage"] is True
    data, _ = listing(server, world.admin, sort="-seq", limit=2)
    assert [e["seq"] for e in data] == [6, 5]
    data, page = listing(server, world.admin, page=5)
    assert data == [] and page["total"] == 6


def test_filters(server, world):
    def seqs(**params):
        return sorted(e["seq"] for e in listing(server, world.admin, **params)[0])

    assert seqs(action="notification.read") == [2, 3, 4, 6]
    assert seqs(action="user.create,notification.read_all") == [1, 5]
    assert seqs(entity="user") == [1]
    assert seqs(entity="notification") == [2, 3, 4, 5, 6]
    assert seqs(entity="booking") == []
    assert seqs(entityId=world.notif_a[0]) == [2]
    assert seqs(actorId=world.ma[0]) == [2, 3, 5]
    assert seqs(actorId=world.ma[0], action="notification.read") == [2, 3]
    assert seqs(establishmentId=world.est_a) == [2, 3, 4, 5]
    assert seqs(establishmentId=world.est_b) == [6]
    today = listing(server, world.admin, limit=1)[0][0]["at"][:10]
    assert seqs(**{"from": today, "to": today}) == [1, 2, 3, 4, 5, 6]
    assert seqs(**{"from": "2000-01-01", "to": "2000-12-31"}) == []
    assert seqs(**{"from": "2100-01-01"}) == []
    assert seqs(to="2000-01-01") == []


@pytest.mark.parametrize("params,field", [
    ({"from": "2026-02-02", "to": "2026-02-01"}, "to"), ({"from": "2026-13-01"}, "from"),
    ({"to": "yesterday"}, "to"), ({"action": "notification"}, "action"),
    ({"action": "Notification.Read"}, "action"), ({"action": "a.b,,c.d"}, "action"),
    ({"entity": "bogus"}, "entity"), ({"actorId": "xyz"}, "actorId"),
    ({"entityId": "0123456789ABCDEF01234567"}, "entityId"), ({"establishmentId": "1"},
                                                             "establishmentId"),
    ({"sort": "at"}, "sort"), ({"sort": "-id"}, "sort"), ({"limit": "0"}, "limit"),
    ({"seq": "1"}, "seq")])
def test_list_bad_query_is_400(server, world, params, field):
    r = server.get("/api/audit", headers=world.admin, params=params)
    assert_error(r, 400, "VALIDATION_ERROR", field=field)


def test_manager_sees_only_own_establishment(server, world):
    data, page = listing(server, world.ma[1], limit=100)
    assert [e["seq"] for e in data] == [5, 4, 3, 2]
    assert all(e["establishmentId"] == world.est_a for e in data)
    # establishmentId of another establishment is ignored, not honoured
    data, _ = listing(server, world.ma[1], establishmentId=world.est_b)
    assert [e["seq"] for e in data] == [5, 4, 3, 2]
    data, _ = listing(server, world.mb[1])
    assert [e["seq"] for e in data] == [6]
    # the chain-level user.create is not visible to a manager, even by id
    data, _ = listing(server, world.ma[1], entity="user")
    assert data == []


# ---- entity history -------------------------------------------------------------------------

def test_entity_history(server, world):
    nid = world.notif_a[0]
    r = server.get(f"/api/audit/entity/notification/{nid}", headers=world.admin)
    data = assert_ok(r)
    assert [e["action"] for e in data] == ["notification.read"] and set(data[0]) == FIELDS
    assert r.json()["pagination"]["total"] == 1
    assert assert_ok(server.get(f"/api/audit/entity/notification/{nid}",
                                headers=world.ma[1])) == data
    data = assert_ok(server.get(f"/api/audit/entity/user/{world.admin_id}", headers=world.admin))
    assert [e["seq"] for e in data] == [1]


def test_entity_history_oldest_first_and_paginated(start_server):
    """Three notification.read entries of one notification (reset to unread in the store between
    reads), listed oldest first, two per page."""
    srv = start_server()
    w = make_world(srv)
    nid = w.notif_b[0]
    for _ in range(2):
        storedirect.set_field_where(srv, "notifications", "id", nid, "readAt", None)
        storedirect.set_field_where(srv, "notifications", "id", nid, "read", False)
        assert_ok(srv.post(f"/api/notifications/{nid}/read", headers=w.mb[1]))
    path = f"/api/audit/entity/notification/{nid}"
    r = srv.get(path, headers=w.mb[1], params={"limit": 2})
    first = assert_ok(r)
    assert r.json()["pagination"] == {"page": 1, "limit": 2, "total": 3, "totalPages": 2,
                                      "hasNextPage": True, "hasPrevPage": False}
    r = srv.get(path, headers=w.mb[1], params={"limit": 2, "page": 2})
    seqs = [e["seq"] for e in first + assert_ok(r)]
    assert seqs == [6, 7, 8]
    assert assert_ok(srv.get(path, headers=w.admin, params={"limit": 5, "page": 2})) == []
    assert_error(srv.get(path, headers=w.ma[1]), 404, "NOT_FOUND")


def test_entity_history_scope_and_404s(server, world):
    b_notif = world.notif_b[0]
    assert_error(server.get(f"/api/audit/entity/notification/{b_notif}", headers=world.ma[1]),
                 404, "NOT_FOUND")
    assert assert_ok(server.get(f"/api/audit/entity/notification/{b_notif}",
                                headers=world.mb[1]))
    # a chain-level object (the super_admin, no establishment) is out of a manager's scope
    assert_error(server.get(f"/api/audit/entity/user/{world.admin_id}", headers=world.ma[1]),
                 404, "NOT_FOUND")
    for path in ("/api/audit/entity/bogus/" + world.admin_id,
                 "/api/audit/entity/auth/" + world.admin_id,
                 "/api/audit/entity/user/not-an-id",
                 "/api/audit/entity/user/" + storedirect.new_id()):
        assert_error(server.get(path, headers=world.admin), 404, "NOT_FOUND")
    r = server.get(f"/api/audit/entity/user/{world.admin_id}", headers=world.admin,
                   params={"page": "0"})
    assert_error(r, 400, "VALIDATION_ERROR", field="page")
    r = server.get(f"/api/audit/entity/user/{world.admin_id}", headers=world.admin,
                   params={"sort": "seq"})
    assert_error(r, 400, "VALIDATION_ERROR", field="sort")


# ---- stats ------------------------------------------------------------------------------------

def test_stats(server, world):
    s = assert_ok(server.get("/api/audit/stats", headers=world.admin))
    assert s == {
        "total": 6,
        "byEntity": [
            {"entity": "notification", "total": 5,
             "byAction": {"notification.read": 4, "notification.read_all": 1}},
            {"entity": "user", "total": 1, "byAction": {"user.create": 1}},
        ],
        "topActors": sorted([{"actorId": world.ma[0], "count": 3},
                             {"actorId": world.sa[0], "count": 1},
                             {"actorId": world.mb[0], "count": 1}],
                            key=lambda a: (-a["count"], a["actorId"])),
    }
    today = listing(server, world.admin, limit=1)[0][0]["at"][:10]
    assert assert_ok(server.get("/api/audit/stats", headers=world.admin,
                                params={"from": today, "to": today}))["total"] == 6
    empty = assert_ok(server.get("/api/audit/stats", headers=world.admin,
                                 params={"to": "2001-01-01"}))
    assert empty == {"total": 0, "byEntity": [], "topActors": []}
    r = server.get("/api/audit/stats", headers=world.admin,
                   params={"from": "2026-02-02", "to": "2026-02-01"})
    assert_error(r, 400, "VALIDATION_ERROR", field="to")
    assert_error(server.get("/api/audit/stats", headers=world.admin, params={"entity": "user"}),
                 400, "VALIDATION_ERROR", field="entity")


# ---- verify -----------------------------------------------------------------------------------

def test_verify_untouched_chain(server, world):
    entries, _ = listing(server, world.admin, limit=100)
    v = assert_ok(server.get("/api/audit/verify", headers=world.admin))
    assert set(v) == VERIFY_KEYS
    assert v == {"valid": True, "checked": 6, "headSeq": 6, "headHash": entries[0]["hash"],
                 "firstInvalidSeq": None, "reason": None}
    v = assert_ok(server.get("/api/audit/verify", headers=world.admin, params={"fromSeq": "4"}))
    assert (v["valid"], v["checked"], v["headSeq"]) == (True, 3, 6)
    v = assert_ok(server.get("/api/audit/verify", headers=world.admin, params={"fromSeq": "99"}))
    assert (v["valid"], v["checked"], v["headSeq"]) == (True, 0, 6)
    p = harness.run_ctl(server.store_uri, "verify-audit", check=False)
    assert p.returncode == 0, p.stderr


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "abc", "1e3"])
def test_verify_from_seq_validation(server, world, value):
    r = server.get("/api/audit/verify", headers=world.admin, params={"fromSeq": value})
    assert_error(r, 400, "VALIDATION_ERROR", field="fromSeq")


def test_audit_reads_are_not_audited(server, world):
    before = listing(server, world.admin)[1]["total"]
    for path in ROUTES[:1] + [f"/api/audit/entity/user/{world.admin_id}", "/api/audit/stats",
                              "/api/audit/verify"]:
        assert server.get(path, headers=world.admin).status_code == 200
    assert listing(server, world.admin)[1]["total"] == before


def test_tampered_entry_is_detected(start_server):
    """SPEC 9 F15 step 5: one stored entry altered in the store -> valid:false at that seq, on the
    API and in ruzizi-ctl verify-audit (exit 1, naming the seq)."""
    srv = start_server()
    w = make_world(srv)
    before = assert_ok(srv.get("/api/audit/verify", headers=w.admin))
    assert before["valid"] is True and before["headSeq"] == 6
    assert storedirect.set_field_where(srv, "audit", "seq", 3, "action", "notification.tampered") \
        == 1
    v = assert_ok(srv.get("/api/audit/verify", headers=w.admin))
    assert v == {"valid": False, "checked": 2, "headSeq": 6, "headHash": before["headHash"],
                 "firstInvalidSeq": 3, "reason": "hash"}
    # walking from past the altered entry, the rest of the chain still links and hashes
    v = assert_ok(srv.get("/api/audit/verify", headers=w.admin, params={"fromSeq": "4"}))
    assert v["valid"] is True and v["checked"] == 3
    p = harness.run_ctl(srv.store_uri, "verify-audit", check=False)
    assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
    assert "seq 3" in p.stderr and "hash" in p.stderr, p.stderr
    # a broken link: the next entry's prevHash altered
    storedirect.set_field_where(srv, "audit", "seq", 5, "prevHash", "f" * 64)
    v = assert_ok(srv.get("/api/audit/verify", headers=w.admin, params={"fromSeq": "4"}))
    assert (v["valid"], v["firstInvalidSeq"], v["reason"]) == (False, 5, "link")


# ---- a user's history follows the user (issue 9 §5) -------------------------------------------

def test_user_history_is_scoped_by_the_users_current_establishment(start_server):
    """GET /api/audit/entity/user/{id} for a manager is scoped by the user's establishment now,
    not by the newest audit entry that names one: once a staff member of A is moved to B, A's
    manager gets 404 and B's reads the whole history; once promoted to super_admin (whose entry
    names no establishment), no manager reads it."""
    from test_users import World as UsersWorld  # establishments and users made through the API
    srv = start_server()
    w = UsersWorld(srv)
    path = f"/api/audit/entity/user/{w.st_a}"
    assert [e["action"] for e in assert_ok(srv.get(path, headers=w.h("mgr_a")))] == \
        ["user.create"]
    assert_error(srv.get(path, headers=w.h("mgr_b")), 404, "NOT_FOUND")

    assert_ok(srv.patch(f"/api/users/{w.st_a}", json={"establishmentId": w.b}, headers=w.sa))
    assert_error(srv.get(path, headers=w.h("mgr_a")), 404, "NOT_FOUND")
    moved = assert_ok(srv.get(path, headers=w.h("mgr_b")))
    assert [e["action"] for e in moved] == ["user.create", "user.update"]
    assert moved[0]["establishmentId"] == w.a  # the history itself is unchanged

    assert_ok(srv.patch(f"/api/users/{w.st_b}", json={"role": "super_admin", "establishmentId": None},
                        headers=w.sa))
    path = f"/api/audit/entity/user/{w.st_b}"
    for mgr in ("mgr_a", "mgr_b"):
        assert_error(srv.get(path, headers=w.h(mgr)), 404, "NOT_FOUND")
    assert [e["action"] for e in assert_ok(srv.get(path, headers=w.sa))] == \
        ["user.create", "user.update"]
    # a user the store no longer holds (never through the API) is super_admin-only
    ghost = w.create_user("ghost@example.com", "staff", w.a)
    storedirect.delete(srv, "users", ghost)
    assert_error(srv.get(f"/api/audit/entity/user/{ghost}", headers=w.h("mgr_a")), 404,
                 "NOT_FOUND")
    assert assert_ok(srv.get(f"/api/audit/entity/user/{ghost}", headers=w.sa))

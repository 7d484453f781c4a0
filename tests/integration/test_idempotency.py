"""test_idempotency.py: Idempotency-Key (SPEC 8.1, step (8) of 2.3) on both stores: replays of a
creation (status, Location, body bytes, `Idempotent-Replayed`), the fingerprint (body, query,
canonical JSON, raw image bytes), scopes, stored outcomes (2xx, 404, 409) and dropped ones (400,
403), records in progress (409 + Retry-After, takeover after 60 s), expiry, the header syntax, the
routes that ignore the header (PATCH, IK-), the IK! route, and concurrent requests on one key."""
import calendar
import concurrent.futures
import hashlib
import json
import secrets
import time
import uuid

import pytest

import storedirect
from harness import assert_api_headers, assert_error, assert_ok
from test_accommodations import unit
from test_images import png_bytes
from test_users import World, audit_actions, docs

URL = "/api/accommodations"


@pytest.fixture(scope="module")
def world(server):
    return World(server)


def new_key():
    return str(uuid.uuid4())


def post(world, body, key, who="mgr_a", path=URL, **kw):
    headers = dict(world.h(who))
    if key is not None:
        headers["Idempotency-Key"] = key
    return world.server.post(path, json=body, headers=headers, **kw)


def records(server, key):
    return [d for d in docs(server, "idempotency") if d.get("key") == key]


def units_named(server, name):
    return [d for d in docs(server, "accommodations") if d.get("name") == name]


def fingerprint(path, body, query=""):
    """SPEC 8.1 for an ASCII body of strings and integers (Python's sorted compact dump is then
    the canonical form)."""
    canon = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(f"POST\n{path}\n{query}\n{canon}".encode()).hexdigest()


def stamp(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def epoch(ts):
    return calendar.timegm(time.strptime(ts, "%Y-%m-%dT%H:%M:%SZ"))


def seed_record(world, key, request_body, who="mgr_a", **fields):
    """An IdempotencyRecord written behind the API's back (in_progress, locked now by default)."""
    now = int(time.time())
    doc = {"scope": getattr(world, who) if who != "sa" else world.sa_id, "key": key,
           "fingerprint": fingerprint(URL, request_body), "state": "in_progress", "status": None,
           "headers": None, "body": None, "lockedAt": stamp(now), "expiresAt": stamp(now + 86400),
           "createdAt": stamp(now)}
    doc.update(fields)
    return storedirect.insert(world.server, "idempotency", doc)


# ---- replay ------------------------------------------------------------------------------------

def test_creation_is_replayed_exactly(world):
    s, key, body = world.server, new_key(), unit("Idem Replay Suite")
    first = post(world, body, key)
    created = assert_ok(first, 201)
    assert "Idempotent-Replayed" not in first.headers
    again = post(world, body, key)
    assert_ok(again, 201)
    assert again.content == first.content
    assert again.headers["Location"] == first.headers["Location"] == f"{URL}/{created['id']}"
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["X-Request-Id"] != first.headers["X-Request-Id"]
    # the canonical form: the same JSON with other key order and spacing is the same request
    text = json.dumps(dict(reversed(list(body.items()))), indent=2)
    third = s.post(URL, data=text, headers=dict(world.h("mgr_a"), **{
        "Idempotency-Key": key, "Content-Type": "application/json"}))
    assert third.status_code == 201 and third.content == first.content
    assert third.headers["Idempotent-Replayed"] == "true"
    # nothing executed twice: one unit, one audit entry
    assert len(units_named(s, "Idem Replay Suite")) == 1
    assert audit_actions(s, created["id"]) == ["accommodation.create"]
    # the record: scope, fingerprint, the exact bytes, 24 h of life
    (rec,) = records(s, key)
    assert rec["scope"] == world.mgr_a and rec["state"] == "done" and rec["status"] == 201
    assert rec["fingerprint"] == fingerprint(URL, body)
    assert rec["headers"] == {"Location": first.headers["Location"]}
    assert rec["body"].encode() == first.content
    assert epoch(rec["expiresAt"]) - epoch(rec["createdAt"]) == 24 * 3600
    assert abs(epoch(rec["createdAt"]) - time.time()) < 120


def test_other_body_or_query_with_the_same_key_is_422(world):
    s, key = world.server, new_key()
    assert_ok(post(world, unit("Idem Body A"), key), 201)
    assert_error(post(world, unit("Idem Body B"), key), 422, "IDEMPOTENCY_KEY_REUSED")
    assert units_named(s, "Idem Body B") == []
    # same body, another query string: 422 at step (8), before the query allow-list of step (9)
    assert_error(post(world, unit("Idem Body A"), key, params={"x": "1"}), 422,
                 "IDEMPOTENCY_KEY_REUSED")
    assert_error(post(world, unit("Idem Body C"), new_key(), params={"x": "1"}), 400,
                 "VALIDATION_ERROR", "x")
    assert len(units_named(s, "Idem Body A")) == 1


def test_scope_is_the_caller(world):
    s, key, body = world.server, new_key(), unit("Idem Scoped Suite")
    a = assert_ok(post(world, body, key, who="mgr_a"), 201)
    r = post(world, body, key, who="mgr_b")
    b = assert_ok(r, 201)
    assert "Idempotent-Replayed" not in r.headers
    assert (a["establishmentId"], b["establishmentId"]) == (world.a, world.b)
    assert sorted(d["scope"] for d in records(s, key)) == sorted([world.mgr_a, world.mgr_b])


# ---- which outcomes are stored ------------------------------------------------------------------

def test_409_is_stored_and_replayed_without_effects(world):
    s, key = world.server, new_key()
    original = assert_ok(post(world, unit("Idem Dup Suite"), None), 201)
    audit_before = len(docs(s, "audit"))
    first = post(world, unit("Idem Dup Suite"), key)
    assert_error(first, 409, "DUPLICATE")
    assert len(docs(s, "audit")) == audit_before  # rolled back: nothing half-written
    assert len(units_named(s, "Idem Dup Suite")) == 1
    (rec,) = records(s, key)
    assert (rec["state"], rec["status"], rec["headers"]) == ("done", 409, {})
    # the name is free again, yet the key answers what it answered
    assert_ok(s.request("DELETE", f"{URL}/{original['id']}", headers=world.h("mgr_a")))
    again = post(world, unit("Idem Dup Suite"), key)
    assert again.status_code == 409 and again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true" and "Location" not in again.headers
    assert_api_headers(again)
    assert units_named(s, "Idem Dup Suite") == []


def test_404_is_stored(world):
    key = new_key()
    missing = "f" * 24
    path = f"/api/users/{missing}/deactivate"
    first = post(world, {}, key, who="sa", path=path)
    assert_error(first, 404, "NOT_FOUND")
    again = post(world, {}, key, who="sa", path=path)
    assert again.status_code == 404 and again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"


def test_400_and_403_are_not_stored(world):
    s, key = world.server, new_key()
    body = unit("Idem Fixed Suite")
    broken = dict(body, name="")
    assert_error(post(world, broken, key), 400, "VALIDATION_ERROR", "name")
    assert records(s, key) == []
    assert_error(post(world, body, key, who="st_a"), 403, "FORBIDDEN")
    assert records(s, key) == []
    r = post(world, body, key)  # the key may be used again, with another body
    assert_ok(r, 201)
    assert "Idempotent-Replayed" not in r.headers
    assert records(s, key)[0]["status"] == 201


def test_action_replay_does_not_execute_again(world):
    s, key = world.server, new_key()
    uid = world.create_user(f"idem-{secrets.token_hex(4)}@example.com", "staff", world.a)
    path = f"/api/users/{uid}/deactivate"
    first = post(world, {}, key, who="sa", path=path)
    assert assert_ok(first)["isActive"] is False
    assert_ok(s.post(f"/api/users/{uid}/activate", json={}, headers=world.sa))
    again = post(world, {}, key, who="sa", path=path)
    assert again.content == first.content and again.headers["Idempotent-Replayed"] == "true"
    assert storedirect.get(s, "users", uid)["isActive"] is True  # replayed, not executed
    assert audit_actions(s, uid) == ["user.create", "user.deactivate", "user.activate"]
    # a password set with a key: the stored record holds the answer, never the password
    pw_key, password = new_key(), "Idem-pass-" + secrets.token_hex(6)
    assert_ok(post(world, {"newPassword": password}, pw_key, who="sa",
                   path=f"/api/users/{uid}/password"))
    (rec,) = records(s, pw_key)
    assert rec["status"] == 200 and password not in json.dumps(rec)


def test_answer_without_a_write_is_stored(world):
    s, key = world.server, new_key()
    path = "/api/notifications/read-all"
    first = post(world, {}, key, who="st_b", path=path)
    assert assert_ok(first) == {"updated": 0}
    again = post(world, {}, key, who="st_b", path=path)
    assert again.content == first.content and again.headers["Idempotent-Replayed"] == "true"
    (rec,) = records(s, key)
    assert (rec["scope"], rec["status"]) == (world.st_b, 200)


def test_raw_image_upload_is_replayed(world):
    s, key = world.server, new_key()
    data = png_bytes(80, 64)
    headers = dict(world.h("mgr_a"), **{"Content-Type": "image/png", "Idempotency-Key": key})
    first = s.post("/api/images", data=data, headers=headers)
    img = assert_ok(first, 201)
    again = s.post("/api/images", data=data, headers=headers)
    assert again.status_code == 201 and again.content == first.content
    assert again.headers["Location"] == f"/api/images/{img['id']}"
    assert again.headers["Idempotent-Replayed"] == "true"
    assert [d["id"] for d in docs(s, "images") if d.get("sha256") == img["sha256"]] == [img["id"]]
    other = s.post("/api/images", data=png_bytes(80, 65), headers=headers)
    assert_error(other, 422, "IDEMPOTENCY_KEY_REUSED")


# ---- records in progress and expired ones -------------------------------------------------------

def test_in_progress_then_taken_over_after_60_s(world):
    s, key, body = world.server, new_key(), unit("Idem Locked Suite")
    rid = seed_record(world, key, body)
    r = post(world, body, key)
    assert_error(r, 409, "IDEMPOTENCY_IN_PROGRESS")
    assert r.headers["Retry-After"] == "1"
    # another request under that key: 422 comes first
    assert_error(post(world, unit("Idem Other Suite"), key), 422, "IDEMPOTENCY_KEY_REUSED")
    assert units_named(s, "Idem Locked Suite") == []
    storedirect.set_field_where(s, "idempotency", "id", rid, "lockedAt",
                                stamp(int(time.time()) - 61))
    r = post(world, body, key)
    created = assert_ok(r, 201)
    assert "Idempotent-Replayed" not in r.headers
    (rec,) = records(s, key)
    assert rec["id"] == rid and rec["state"] == "done" and rec["body"].encode() == r.content
    assert [u["id"] for u in units_named(s, "Idem Locked Suite")] == [created["id"]]


def test_expired_record_is_treated_as_new(world):
    s, key, body = world.server, new_key(), unit("Idem Expired Suite")
    old = int(time.time()) - 24 * 3600 - 30
    stale = seed_record(world, key, body, state="done", status=201, headers={},
                        body='{"success":true,"data":"stale"}', createdAt=stamp(old),
                        lockedAt=stamp(old), expiresAt=stamp(old + 24 * 3600))
    r = post(world, body, key)
    created = assert_ok(r, 201)
    assert "Idempotent-Replayed" not in r.headers and created["name"] == "Idem Expired Suite"
    (rec,) = records(s, key)
    assert rec["id"] != stale and rec["state"] == "done"
    assert epoch(rec["expiresAt"]) > time.time() + 23 * 3600


# ---- the header --------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["x" * 256, "has space", "cl\u00e9", "", "tab\tkey"])
def test_malformed_key_is_400(world, bad):
    r = post(world, unit("Idem Bad Key Suite"), bad)
    assert_error(r, 400, "VALIDATION_ERROR", "Idempotency-Key")
    assert units_named(world.server, "Idem Bad Key Suite") == []


def test_key_of_255_printable_characters(world):
    printable = "".join(chr(c) for c in range(0x21, 0x7F))  # 94 characters, '!' to '~'
    key = (printable * 3)[:255]
    assert_ok(post(world, unit("Idem Long Key Suite"), key), 201)
    r = post(world, unit("Idem Long Key Suite"), key)
    assert r.status_code == 201 and r.headers["Idempotent-Replayed"] == "true"
    assert len(records(world.server, key)) == 1


def test_header_ignored_on_patch(world):
    s, key = world.server, new_key()
    acc = assert_ok(post(world, unit("Idem Patch Suite"), None), 201)
    for name in ("Idem Patch Suite 2", "Idem Patch Suite 3"):
        r = s.request("PATCH", f"{URL}/{acc['id']}", json={"name": name},
                      headers=dict(world.h("mgr_a"), **{"Idempotency-Key": key}))
        assert assert_ok(r)["name"] == name and "Idempotent-Replayed" not in r.headers
    assert records(s, key) == []
    bad = s.request("PATCH", f"{URL}/{acc['id']}", json={"description": "x"},
                    headers=dict(world.h("mgr_a"), **{"Idempotency-Key": "bad key"}))
    assert_ok(bad)


def test_header_ignored_on_ik_refused_routes(world):
    s, key = world.server, new_key()
    body = {"email": "admin@example.com", "password": "admin-pass-1"}
    tokens = []
    for _ in range(2):
        r = s.post("/api/auth/login", json=body, headers={"Idempotency-Key": key})
        tokens.append(assert_ok(r)["tokens"]["refreshToken"])
        assert "Idempotent-Replayed" not in r.headers
    assert tokens[0] != tokens[1]
    assert records(s, key) == []
    r = s.post("/api/auth/login", json=body, headers={"Idempotency-Key": "not valid"})
    assert_ok(r)


def test_public_booking_requires_a_key(world):
    s = world.server
    assert_error(s.post("/api/public/bookings", json={}), 400, "VALIDATION_ERROR",
                 "Idempotency-Key", "required")
    assert_error(s.post("/api/public/bookings", json={}, headers={"Idempotency-Key": "a b"}), 400,
                 "VALIDATION_ERROR", "Idempotency-Key")
    assert_error(s.post("/api/public/bookings", json={},
                        headers={"Idempotency-Key": "k" * 256}), 400, "VALIDATION_ERROR",
                 "Idempotency-Key")
    assert [d for d in docs(s, "idempotency") if d.get("scope") == "public"] == []


# ---- concurrency -------------------------------------------------------------------------------

def test_concurrent_requests_on_one_key_execute_once(world):
    s, key, body = world.server, new_key(), unit("Idem Race Suite")
    headers = dict(world.h("mgr_a"), **{"Idempotency-Key": key})

    def call(_):
        sess = s._new_session()
        try:
            return sess.post(s.url(URL), json=body, headers=headers, timeout=30)
        finally:
            sess.close()

    with concurrent.futures.ThreadPoolExecutor(4) as ex:
        results = list(ex.map(call, range(4)))
    created = [r for r in results if r.status_code == 201]
    busy = [r for r in results if r.status_code == 409]
    assert len(created) + len(busy) == 4, [r.status_code for r in results]
    assert created and len({r.content for r in created}) == 1
    assert sum("Idempotent-Replayed" not in r.headers for r in created) == 1
    for r in busy:
        assert_error(r, 409, "IDEMPOTENCY_IN_PROGRESS")
    assert len(units_named(s, "Idem Race Suite")) == 1
    assert len(records(s, key)) == 1

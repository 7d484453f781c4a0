"""test_flow_f5.py: acceptance flow F5 (bootstrap and administration, SPEC 9) end to end, with real
logins, on both store backends."""
import subprocess

import harness
import identity
import storedirect
from harness import assert_error, assert_ok
from test_auth import HIGH_LIMITS

PASSWORD = "flow-pass-123"


def est_body(name, city="Bujumbura"):
    return {"name": name, "location": {"city": city, "address": "Boulevard du 28 Novembre",
                                       "lat": -3.3822, "lng": 29.3644},
            "contacts": {"phones": ["22 22 33 44"], "email": "info@example.com"}}


def login_h(srv, email, password=PASSWORD):
    return identity.bearer(identity.login(srv, email, password)["tokens"]["accessToken"])


def test_flow_f5(start_server):
    srv = start_server(extra_conf=HIGH_LIMITS + "RuziziPublicBaseUrl https://hotel.test\n")
    # (1) migrate (done by the fixture) then create-admin; a second admin is refused without --force
    identity.create_admin(srv, "root@example.com", PASSWORD)
    again = subprocess.run([str(harness.CTL), "--store", srv.store_uri, "create-admin", "--email",
                            "other@example.com", "--first-name", "O", "--last-name", "T"],
                           input=PASSWORD + "\n", capture_output=True, text=True)
    assert again.returncode == 1 and "super_admin" in again.stderr
    sa = login_h(srv, "root@example.com")

    # (2) an establishment with the defaults of SPEC 4.3
    r = srv.post("/api/establishments", headers=sa, json=est_body("Hotel Alpha"))
    a = assert_ok(r, 201)
    assert r.headers["Location"].endswith(a["id"])
    assert (a["utcOffset"], a["checkInTime"], a["checkOutTime"], a["currency"], a["vatRateBps"],
            a["invoicePrefix"], a["creditNotePrefix"]) == ("+02:00", "14:00", "11:00", "BIF", 1800,
                                                           "INV", "CN")
    b = assert_ok(srv.post("/api/establishments", headers=sa, json=est_body("Hotel Beta", "Gitega")),
                  201)

    # (3) a manager of A; the outbox holds account_created, without any password
    mgr = assert_ok(srv.post("/api/users", headers=sa, json={
        "email": "manager.a@example.com", "password": PASSWORD, "firstName": "Marie",
        "lastName": "Manager", "role": "manager", "establishmentId": a["id"]}), 201)
    mails = [d for d in storedirect.find_all(srv, "outbox") if d["to"] == "manager.a@example.com"]
    assert [m["template"] for m in mails] == ["account_created"]
    assert PASSWORD not in mails[0]["bodyText"] and "password" not in mails[0]

    # (4) the manager creates staff; role manager -> 403; establishmentId B -> created in A
    mh = login_h(srv, "manager.a@example.com")
    staff = assert_ok(srv.post("/api/users", headers=mh, json={
        "email": "staff.a@example.com", "password": PASSWORD, "firstName": "Sam",
        "lastName": "Staff", "role": "staff"}), 201)
    assert staff["establishmentId"] == a["id"]
    assert_error(srv.post("/api/users", headers=mh, json={
        "email": "boss@example.com", "password": PASSWORD, "firstName": "B", "lastName": "B",
        "role": "manager"}), 403, "FORBIDDEN")
    moved = assert_ok(srv.post("/api/users", headers=mh, json={
        "email": "staff.b@example.com", "password": PASSWORD, "firstName": "Sue",
        "lastName": "Staff", "role": "staff", "establishmentId": b["id"]}), 201)
    assert moved["establishmentId"] == a["id"]

    # (5) staff cannot make themselves super_admin
    st_tokens = identity.login(srv, "staff.a@example.com", PASSWORD)["tokens"]
    sh = identity.bearer(st_tokens["accessToken"])
    assert_error(srv.request("PATCH", "/api/auth/me", headers=sh, json={"role": "super_admin"}),
                 400, "VALIDATION_ERROR", field="role")

    # (6) deactivation: that user's access and refresh tokens are refused (within 5 s: at once here)
    assert_ok(srv.post(f"/api/users/{staff['id']}/deactivate", headers=sa, json={}))
    assert_error(srv.get("/api/auth/me", headers=sh), 401, "UNAUTHORIZED")
    assert_error(srv.post("/api/auth/refresh", json={"refreshToken": st_tokens["refreshToken"]}),
                 401, "UNAUTHORIZED")
    assert_error(srv.post("/api/auth/login", json={"email": "staff.a@example.com",
                                                   "password": PASSWORD}),
                 401, "INVALID_CREDENTIALS")

    # (7) the counts
    stats = assert_ok(srv.get("/api/users/stats", headers=sa))
    assert (stats["total"], stats["active"], stats["inactive"]) == (4, 3, 1)
    assert stats["byRole"] == {"super_admin": 1, "manager": 1, "staff": 2}
    per_est = {e["establishmentId"]: (e["total"], e["active"]) for e in stats["byEstablishment"]}
    assert per_est[a["id"]] == (3, 2)
    assert per_est.get(b["id"], (0, 0)) == (0, 0)

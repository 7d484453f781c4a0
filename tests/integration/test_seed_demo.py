"""test_seed_demo.py: `ruzizi-ctl seed-demo` gives logins of every role that work against the real
server, and a second run changes nothing."""
import re

import harness
import identity
from harness import assert_ok


def test_seed_demo_logins_work_and_it_is_idempotent(start_server):
    srv = start_server()
    out = harness.run_ctl(srv.store_uri, "seed-demo").stdout
    if srv.store_uri.startswith("sqlite:"):  # ruzizi-ctl ran as root: hand the files back
        harness.chown_to_run_user(srv.dir / "data")
    password = re.search(r"password (\S+)\)", out).group(1)
    logins = re.findall(r"^\s+(super_admin|manager|staff)\s+(\S+@\S+)", out, re.M)
    assert sorted(role for role, _ in logins) == ["manager", "manager", "staff", "staff",
                                                  "super_admin"]
    ests = set()
    for role, email in logins:
        user = identity.login(srv, email, password)["user"]
        assert user["role"] == role
        if role != "super_admin":
            ests.add(user["establishment"]["name"])
    assert len(ests) == 2
    admin = identity.login(srv, "admin@ruzizi.demo", password)["tokens"]["accessToken"]
    before = assert_ok(srv.get("/api/audit/verify", headers=identity.bearer(admin)))
    harness.run_ctl(srv.store_uri, "seed-demo")
    after = assert_ok(srv.get("/api/audit/verify", headers=identity.bearer(admin)))
    assert after["valid"] and after["headSeq"] == before["headSeq"]
    listed = assert_ok(srv.get("/api/establishments", headers=identity.bearer(admin)))
    assert len(listed) == 2
    units = assert_ok(srv.get("/api/accommodations?limit=100", headers=identity.bearer(admin)))
    assert len(units) == 6  # three per establishment, not duplicated by the second run
    assert sorted(u["pricingMode"] for u in units) == ["hourly"] * 2 + ["monthly"] * 2 + \
        ["nightly"] * 2
    assert all(u["pricing"]["seasons"] for u in units)
    assert {u["pricing"]["minHours"] for u in units if u["pricingMode"] == "hourly"} == {2}

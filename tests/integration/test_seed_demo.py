"""test_seed_demo.py: `ruzizi-ctl seed-demo` gives logins of every role that work against the real
server, with --upload-dir generated images the public catalogue shows, and a second run changes
nothing."""
import re
from pathlib import Path

import harness
import identity
from harness import assert_ok


def upload_dir(srv):
    """The server's RuziziUploadDir, read from its configuration."""
    m = re.search(r"^RuziziUploadDir\s+(\S+)", srv.conf_path.read_text(), re.M)
    assert m, "the harness configures RuziziUploadDir"
    return Path(m.group(1))


def seed(srv):
    """Runs seed-demo with the server's upload directory; hands the files back when root."""
    uploads = upload_dir(srv)
    out = harness.run_ctl(srv.store_uri, "seed-demo", "--upload-dir", str(uploads)).stdout
    if srv.store_uri.startswith("sqlite:"):  # ruzizi-ctl ran as root: hand the files back
        harness.chown_to_run_user(srv.dir / "data")
    harness.chown_to_run_user(uploads)
    return out


def test_seed_demo_logins_work_and_it_is_idempotent(start_server):
    srv = start_server()
    out = seed(srv)
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
    images = assert_ok(srv.get("/api/images?limit=100", headers=identity.bearer(admin)))
    assert len(images) == 8  # one per establishment and per unit
    seed(srv)
    assert len(assert_ok(srv.get("/api/images?limit=100", headers=identity.bearer(admin)))) == 8
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


def test_seed_demo_images_show_in_the_public_catalogue(start_server):
    srv = start_server()
    seed(srv)
    ests = assert_ok(srv.get("/api/public/establishments?limit=100"))
    units = assert_ok(srv.get("/api/public/accommodations?limit=100"))
    assert len(ests) == 2 and len(units) == 6
    refs = [r for owner in ests + units for r in owner["images"]]
    assert len(refs) == 8 and all(len(owner["images"]) == 1 for owner in ests + units)
    assert len({r["id"] for r in refs}) == 8
    for ref in refs:
        assert ref["url"] == f"/api/images/{ref['id']}/full"
        resp = srv.get(ref["thumbnails"]["small"])
        assert resp.status_code == 200, resp.text
        assert resp.headers["Content-Type"] == "image/webp"
        assert resp.content[:4] == b"RIFF" and resp.content[8:12] == b"WEBP"
    password = re.search(r"password (\S+)\)", seed(srv)).group(1)
    admin = identity.login(srv, "admin@ruzizi.demo", password)["tokens"]["accessToken"]
    images = assert_ok(srv.get("/api/images?limit=100", headers=identity.bearer(admin)))
    assert len(images) == 8  # the second run added none
    for img in images:
        assert img["sourceFilename"] == "demo.png" and img["uploadedBy"] is None
        assert img["mimeType"] == "image/png" and img["ownerId"] is None
        assert img["purpose"] == ("accommodation" if img["accommodationId"] else "establishment")
        assert set(img["sizes"]) == {"small", "medium", "large", "full"}

"""test_seed_demo.py: `ruzizi-ctl seed-demo` gives logins of every role that work against the real
server, with --upload-dir generated images the public catalogue shows, demo clients and bookings
of every state around today's business date (arrivals, departures, guests in house; no overlap;
the server's prices), and a second run changes nothing."""
import datetime as dt
import re
import urllib.parse
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
    assert len(images) == 10  # one per establishment and per unit
    seed(srv)
    assert len(assert_ok(srv.get("/api/images?limit=100", headers=identity.bearer(admin)))) == 10
    after = assert_ok(srv.get("/api/audit/verify", headers=identity.bearer(admin)))
    assert after["valid"] and after["headSeq"] == before["headSeq"]
    listed = assert_ok(srv.get("/api/establishments", headers=identity.bearer(admin)))
    assert len(listed) == 2
    units = assert_ok(srv.get("/api/accommodations?limit=100", headers=identity.bearer(admin)))
    assert len(units) == 8  # four per establishment, not duplicated by the second run
    assert sorted(u["pricingMode"] for u in units) == ["hourly"] * 2 + ["monthly"] * 2 + \
        ["nightly"] * 4
    assert all(u["pricing"]["seasons"] for u in units)
    assert {u["pricing"]["minHours"] for u in units if u["pricingMode"] == "hourly"} == {2}


def test_seed_demo_images_show_in_the_public_catalogue(start_server):
    srv = start_server()
    seed(srv)
    ests = assert_ok(srv.get("/api/public/establishments?limit=100"))
    units = assert_ok(srv.get("/api/public/accommodations?limit=100"))
    assert len(ests) == 2 and len(units) == 8
    refs = [r for owner in ests + units for r in owner["images"]]
    assert len(refs) == 10 and all(len(owner["images"]) == 1 for owner in ests + units)
    assert len({r["id"] for r in refs}) == 10
    for ref in refs:
        assert ref["url"] == f"/api/images/{ref['id']}/full"
        resp = srv.get(ref["thumbnails"]["small"])
        assert resp.status_code == 200, resp.text
        assert resp.headers["Content-Type"] == "image/webp"
        assert resp.content[:4] == b"RIFF" and resp.content[8:12] == b"WEBP"
    password = re.search(r"password (\S+)\)", seed(srv)).group(1)
    admin = identity.login(srv, "admin@ruzizi.demo", password)["tokens"]["accessToken"]
    images = assert_ok(srv.get("/api/images?limit=100", headers=identity.bearer(admin)))
    assert len(images) == 10  # the second run added none
    for img in images:
        assert img["sourceFilename"] == "demo.png" and img["uploadedBy"] is None
        assert img["mimeType"] == "image/png" and img["ownerId"] is None
        assert img["purpose"] == ("accommodation" if img["accommodationId"] else "establishment")
        assert set(img["sizes"]) == {"small", "medium", "large", "full"}


# ---- demo clients and bookings --------------------------------------------------------------

STATUSES = ["pending", "accepted", "confirmed", "checked_in", "completed", "cancelled", "no_show"]
BLOCKING = {"pending", "accepted", "confirmed", "checked_in"}
RAISED = "RuziziRateLimit availability-ip 100000/min 100000\n"


def listing(srv, headers, path):
    """Every item of a list endpoint, page by page (limit 100)."""
    items, page = [], 1
    while True:
        sep = "&" if "?" in path else "?"
        r = srv.get(f"{path}{sep}limit=100&page={page}", headers=headers)
        items += assert_ok(r)
        if not r.json()["pagination"]["hasNextPage"]:
            return items
        page += 1


def ts(s):
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)


def minutes(hhmm):
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def business_today(est):
    """SPEC 2.7 businessDate(now) with the establishment's utcOffset and businessDayStart."""
    sign = -1 if est["utcOffset"][0] == "-" else 1
    offset = sign * minutes(est["utcOffset"][1:])
    local = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=offset)
    return (local - dt.timedelta(minutes=minutes(est["businessDayStart"]))).date()


def round_half_up(a, b):
    return (2 * a + b) // (2 * b)


def nightly_total(unit, est, d_in, nights):
    """SPEC 6.3 for a nightly stay: seasons, the long-stay tier, the VAT split."""
    def price_on(d):
        for s in unit["pricing"]["seasons"]:
            if s["from"] <= d.isoformat() <= s["to"]:
                return s["price"]
        return unit["pricing"]["basePrice"]
    subtotal = sum(price_on(d_in + dt.timedelta(days=k)) for k in range(nights))
    tiers = [t for t in est["longStayDiscounts"] if t["minNights"] <= nights]
    bps = max(tiers, key=lambda t: t["minNights"])["percentBps"] if tiers else 0
    total = subtotal - round_half_up(subtotal * bps, 10000)
    vat = est["vatRateBps"]
    return subtotal, total, round_half_up(total * vat, 10000 + vat)


def clone_unit(srv, headers, unit):
    """A free copy of `unit` (same mode, prices, seasons) in its establishment, so availability
    prices a stay the seeded booking itself keeps the original from offering."""
    pricing = {"basePrice": unit["pricing"]["basePrice"],
               "seasons": [{k: s[k] for k in ("name", "from", "to", "price")}
                           for s in unit["pricing"]["seasons"]]}
    if unit["pricingMode"] == "hourly":
        pricing["minHours"] = unit["pricing"]["minHours"]
    body = {"name": f"Copie {unit['name']}", "type": unit["type"],
            "pricingMode": unit["pricingMode"], "pricing": pricing,
            "capacity": {"maxGuests": unit["capacity"]["maxGuests"]}}
    return assert_ok(srv.post("/api/accommodations", headers=headers, json=body), 201)


def offered_pricing(srv, est_id, booking, unit_id):
    """The PricingQuote GET /api/public/availability offers unit `unit_id` for the booking's stay
    (dates for overnight units, the instants for hourly ones)."""
    if booking["pricing"]["mode"] == "hourly":
        stay = {"checkIn": booking["checkIn"], "checkOut": booking["checkOut"]}
    else:
        stay = {"checkIn": booking["checkInDate"], "checkOut": booking["checkOutDate"]}
    query = urllib.parse.urlencode(dict(establishmentId=est_id, guests=1,
                                        pricingMode=booking["pricing"]["mode"], **stay))
    data = assert_ok(srv.get(f"/api/public/availability?{query}"))
    offers = [o for o in data["offers"] if o["accommodation"]["id"] == unit_id]
    assert len(offers) == 1, (booking["bookingCode"], stay, data)
    return offers[0]["pricing"]


def check_states(b, est):
    """Fields consistent with the status (SPEC 4.5, 5.1)."""
    hist = b["statusHistory"]
    assert hist[-1]["status"] == b["status"] and hist[0]["at"] == b["createdAt"]
    assert b["updatedAt"] == hist[-1]["at"]
    assert all(h["by"] is None for h in hist)
    assert [h["at"] for h in hist] == sorted(h["at"] for h in hist)
    assert b["createdBy"] is None and b["paymentStatus"] == "unpaid" and b["invoiceId"] is None
    if b["status"] == "pending":
        expires = ts(b["createdAt"]) + dt.timedelta(hours=est["pendingTtlHours"])
        assert ts(b["expiresAt"]) == expires > dt.datetime.now(dt.timezone.utc)
    else:
        assert b["expiresAt"] is None
    assert (b["checkedInAt"] is not None) == (b["status"] in ("checked_in", "completed"))
    assert (b["checkedOutAt"] is not None) == (b["status"] == "completed")
    if b["status"] == "cancelled":
        assert b["cancelReason"] and hist[-1]["reason"] == b["cancelReason"]
    else:
        assert b["cancelReason"] is None
    if b["bookingType"] == "walkin":
        assert hist[0]["status"] == "checked_in" and b["checkedInAt"] == b["checkIn"]
    assert len(b["additionalGuests"]) <= b["numberOfGuests"] - 1


def test_seed_demo_bookings_fill_the_back_office(start_server):
    srv = start_server(extra_conf=RAISED)
    out = seed(srv)
    m = re.search(r"^demo clients and bookings: (\d+) clients and (\d+) bookings added", out, re.M)
    assert m, out
    assert 12 <= int(m.group(1)) <= 20 and int(m.group(2)) >= 24
    password = re.search(r"password (\S+)\)", out).group(1)
    admin = identity.bearer(identity.login(srv, "admin@ruzizi.demo", password)["tokens"]
                            ["accessToken"])
    login = identity.login(srv, "manager.bujumbura@ruzizi.demo", password)
    mgr = identity.bearer(login["tokens"]["accessToken"])
    est_id = login["user"]["establishment"]["id"]
    est = assert_ok(srv.get(f"/api/establishments/{est_id}", headers=mgr))
    today = business_today(est).isoformat()
    now = dt.datetime.now(dt.timezone.utc)

    # the desk's day: arrivals, departures, guests in house (an hourly walk-in among them)
    arrivals = listing(srv, mgr, f"/api/bookings?arrivalsOn={today}")
    assert any(b["status"] == "confirmed" for b in arrivals)
    assert all(b["checkInDate"] == today for b in arrivals)
    departures = listing(srv, mgr, f"/api/bookings?departuresOn={today}")
    assert any(b["status"] == "checked_in" for b in departures)
    assert all(b["checkOutDate"] == today for b in departures)
    in_house = listing(srv, mgr, f"/api/bookings?inHouseOn={today}")
    assert all(b["status"] == "checked_in" for b in in_house)
    assert any(b["checkInDate"] < today < b["checkOutDate"] for b in in_house)
    assert any(b["bookingType"] == "walkin" and b["pricing"]["mode"] == "hourly"
               and b["checkInDate"] == today for b in in_house)

    # every state of SPEC 5.1, over the units of the three pricing modes
    bookings = listing(srv, mgr, "/api/bookings")
    assert len(bookings) >= 12 and {b["establishmentId"] for b in bookings} == {est_id}
    assert sorted({b["status"] for b in bookings}) == sorted(STATUSES)
    assert {b["accommodation"]["pricingMode"] for b in bookings} == {"nightly", "monthly",
                                                                       "hourly"}
    assert len({b["bookingCode"] for b in bookings}) == len(bookings)
    assert all(re.fullmatch(r"RZ-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", b["bookingCode"])
               for b in bookings)
    units = {u["id"]: u for u in listing(srv, mgr, "/api/accommodations")}
    for b in bookings:
        check_states(b, est)
        assert b["numberOfGuests"] <= units[b["accommodationId"]]["capacity"]["maxGuests"]

    # SPEC 2.8: no two blocking bookings of one unit overlap
    for unit_id in units:
        held = sorted((ts(b["checkIn"]), ts(b["checkOut"]), b["bookingCode"]) for b in bookings
                      if b["accommodationId"] == unit_id and b["status"] in BLOCKING)
        for (_, out1, c1), (in2, _, c2) in zip(held, held[1:]):
            assert out1 <= in2, f"{c1} and {c2} overlap"

    # clients: Burundian guests, linked, snapshots, the statistics of their completed stays
    clients = {c["id"]: c for c in listing(srv, mgr, "/api/clients")}
    assert 6 <= len(clients) <= 10
    for c in clients.values():
        info = c["personalInfo"]
        assert info["phone"].startswith("+257") and c["establishmentId"] == est_id
        mine = [b for b in bookings if b["clientId"] == c["id"]]
        assert mine, f"client {info['lastName']} has no booking"
        done = [b for b in mine if b["status"] == "completed"]
        assert c["totalStays"] == len(done)
        assert c["totalSpent"] == sum(b["pricing"]["total"] for b in done)
        assert c["lastStayAt"] == max((b["checkedOutAt"] for b in done), default=None)
        for b in mine:
            snapshot = {k: v for k, v in b["clientInfo"].items() if k != "companyName"}
            assert snapshot == info and b["clientInfo"]["companyName"] == c["companyName"]
    assert {b["clientId"] for b in bookings} <= set(clients)
    assert any(c["personalInfo"]["email"] is None for c in clients.values())
    email = next(c["personalInfo"]["email"] for c in clients.values() if c["personalInfo"]["email"])
    found = assert_ok(srv.get(f"/api/clients?email={email.upper()}", headers=mgr))
    assert [c["personalInfo"]["email"] for c in found] == [email]  # emailKey as the API keeps it

    # prices are the server's: SPEC 6.3 recomputed for nightly stays, availability for future ones
    for b in bookings:
        if b["pricing"]["mode"] == "nightly":
            unit = units[b["accommodationId"]]
            d_in = dt.date.fromisoformat(b["checkInDate"])
            subtotal, total, tax = nightly_total(unit, est, d_in, b["pricing"]["nights"])
            assert (b["pricing"]["subtotal"], b["pricing"]["total"], b["pricing"]["taxAmount"]) \
                == (subtotal, total, tax), b["bookingCode"]
    clones, compared = {}, 0
    for b in bookings:
        future = (b["checkInDate"] >= today if b["pricing"]["mode"] != "hourly"
                  else ts(b["checkIn"]) > now)
        if not future:
            continue
        unit = units[b["accommodationId"]]
        if unit["id"] not in clones:
            clones[unit["id"]] = clone_unit(srv, mgr, unit)["id"]
        assert offered_pricing(srv, est_id, b, clones[unit["id"]]) == b["pricing"], \
            b["bookingCode"]
        compared += 1
    assert compared >= 6 and len(clones) == 3

    # the booking site's first search (tonight, one night, two guests) finds a room in each
    # establishment: the free nightly demo unit, whatever the demo bookings hold
    for e in listing(srv, admin, "/api/establishments"):
        local_today = business_today(e)
        query = urllib.parse.urlencode(dict(
            establishmentId=e["id"], guests=2, checkIn=local_today.isoformat(),
            checkOut=(local_today + dt.timedelta(days=1)).isoformat()))
        offers = assert_ok(srv.get(f"/api/public/availability?{query}"))["offers"]
        assert "Chambre Rusizi" in [o["accommodation"]["name"] for o in offers], (e["name"], offers)

    # the other establishment got its own; a second run adds nothing
    every = listing(srv, admin, "/api/bookings")
    assert len({b["establishmentId"] for b in every}) == 2
    assert all(sum(b["establishmentId"] == e for b in every) >= 12
               for e in {b["establishmentId"] for b in every})
    n_clients = len(listing(srv, admin, "/api/clients"))
    out = seed(srv)
    assert re.search(r"^demo clients and bookings: 0 clients and 0 bookings added", out, re.M), out
    assert len(listing(srv, admin, "/api/bookings")) == len(every)
    assert len(listing(srv, admin, "/api/clients")) == n_clients


# ---- a store with a super_admin of its own (issue 9 §5) --------------------------------------

def test_seed_demo_refuses_a_store_with_its_own_super_admin(start_server):
    """The demo super_admin has a published password: on a store whose own super_admin exists,
    seed-demo adds nothing and prints no login unless --force; then the logins are printed and
    work."""
    srv = start_server()
    identity.create_admin(srv, "owner@hotel.example", "owner-pass-123")
    uploads = upload_dir(srv)
    p = harness.run_ctl(srv.store_uri, "seed-demo", "--upload-dir", str(uploads), check=False)
    assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
    assert "super_admin of its own" in p.stderr and "--force" in p.stderr
    assert p.stdout == ""  # no demo login, no password
    owner = identity.bearer(identity.login(srv, "owner@hotel.example", "owner-pass-123")
                            ["tokens"]["accessToken"])
    assert assert_ok(srv.get("/api/establishments", headers=owner)) == []
    assert [u["email"] for u in assert_ok(srv.get("/api/users", headers=owner))] == \
        ["owner@hotel.example"]
    assert not list(uploads.rglob("*.webp"))

    out = seed_forced(srv)
    password = re.search(r"password (\S+)\)", out).group(1)
    assert "admin@ruzizi.demo" in out
    assert identity.login(srv, "admin@ruzizi.demo", password)["user"]["role"] == "super_admin"
    assert len(assert_ok(srv.get("/api/establishments", headers=owner))) == 2
    # forced once, the store still has a super_admin of its own: a plain run is refused again
    p = harness.run_ctl(srv.store_uri, "seed-demo", check=False)
    assert p.returncode == 1 and p.stdout == ""


def seed_forced(srv):
    """seed-demo --force with the server's upload directory (files handed back when root)."""
    uploads = upload_dir(srv)
    out = harness.run_ctl(srv.store_uri, "seed-demo", "--force", "--upload-dir",
                          str(uploads)).stdout
    if srv.store_uri.startswith("sqlite:"):
        harness.chown_to_run_user(srv.dir / "data")
    harness.chown_to_run_user(uploads)
    return out


def test_seed_demo_reruns_on_its_own_demo_store(start_server):
    """scripts/dev-up runs seed-demo on every start: on the demo store it made (whose only
    super_admin is the demo one) a second run succeeds, prints the logins and adds nothing; an
    inactive own super_admin still counts as the store's own."""
    srv = start_server()
    first = seed(srv)
    second = seed(srv)
    assert re.search(r"^demo logins \(password ", second, re.M), second
    assert re.findall(r"^\s+super_admin\s+(\S+)", second, re.M) == ["admin@ruzizi.demo"]
    assert "0 clients and 0 bookings added" in second and first != second
    password = re.search(r"password (\S+)\)", second).group(1)
    admin = identity.bearer(identity.login(srv, "admin@ruzizi.demo", password)["tokens"]
                            ["accessToken"])
    own = identity.create_admin(srv, "own@hotel.example", "own-pass-1234", force=True)
    assert_ok(srv.post(f"/api/users/{own}/deactivate", headers=admin, json={}))
    p = harness.run_ctl(srv.store_uri, "seed-demo", check=False)
    assert p.returncode == 1 and p.stdout == ""

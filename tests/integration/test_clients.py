"""test_clients.py: the client endpoints of SPEC 7.7 (all but GET /api/clients/{id}/bookings) on both
stores: flow F11 steps 1, 2 and 5, every rule of SPEC 4.6 with its exact detail, the per-establishment
case-insensitive email (DUPLICATE_EMAIL), national phones in the establishment's country, merge patch
(null clears, no-op without audit), IN_USE, isolation (SPEC 3.2), the role rows of SPEC 3.3, lists
(filters, q, sort, pagination) and the audit entries."""
import datetime
import threading
import urllib.parse

import pytest

import storedirect
from harness import assert_error, assert_ok
from test_establishments import seed
from test_users import World, audit_actions, docs, patch

URL = "/api/clients"
MISSING = "f" * 24
PERSONAL_KEYS = {"firstName", "lastName", "email", "phone", "idType", "idNumber", "nationality",
                 "dateOfBirth", "gender", "address", "city", "country"}
VIEW_KEYS = {"id", "establishmentId", "personalInfo", "classification", "companyName",
             "preferences", "preferredLanguage", "marketingOptIn", "notes", "totalStays",
             "totalSpent", "lastStayAt", "outstandingBalance", "createdBy", "createdAt",
             "updatedAt"}


@pytest.fixture(scope="module")
def world(server):
    return World(server)


def client(first="Aline", last="Ndayishimiye", email=None, phone=None, **kw):
    info = {"firstName": first, "lastName": last}
    if email:
        info["email"] = email
    if phone:
        info["phone"] = phone
    info.update(kw.pop("info", {}))
    body = {"personalInfo": info}
    body.update(kw)
    return body


def create(world, body, who="mgr_a", status=201):
    r = world.server.post(URL, json=body, headers=world.h(who))
    return assert_ok(r, status) if status < 300 else r


def delete(world, cid, who="mgr_a"):
    return world.server.request("DELETE", f"{URL}/{cid}", headers=world.h(who))


def query(params):
    """URL with `params` percent-encoded (a space as %20: the API takes '+' literally, SPEC 2.1)."""
    return URL + "?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


def entries(server, entity_id):
    return sorted((d for d in docs(server, "audit") if d.get("entityId") == entity_id),
                  key=lambda d: d["seq"])


# ---- F11 (1): create, DUPLICATE_EMAIL per establishment ---------------------------------------

def test_f11_1_create_and_duplicate_email(world):
    s = world.server
    r = s.post(URL, json=client(email="Aline.N@Example.com", phone="79 11 22 33",
                                establishmentId=world.b), headers=world.h("mgr_a"))
    c = assert_ok(r, 201)
    assert r.headers["Location"] == f"{URL}/{c['id']}"
    assert set(c) == VIEW_KEYS and set(c["personalInfo"]) == PERSONAL_KEYS
    assert c["establishmentId"] == world.a  # a manager's establishmentId is replaced by their own
    assert c["personalInfo"] == {"firstName": "Aline", "lastName": "Ndayishimiye",
                                 "email": "aline.n@example.com", "phone": "+25779112233",
                                 "idType": None, "idNumber": None, "nationality": None,
                                 "dateOfBirth": None, "gender": None, "address": None,
                                 "city": None, "country": None}
    assert (c["classification"], c["companyName"], c["preferences"], c["preferredLanguage"],
            c["marketingOptIn"], c["notes"]) == ("regular", None, [], "fr", False, None)
    assert (c["totalStays"], c["totalSpent"], c["lastStayAt"], c["outstandingBalance"]) == \
        (0, 0, None, 0)
    assert c["createdBy"] == world.mgr_a
    assert c["createdAt"].endswith("Z") and c["updatedAt"] == c["createdAt"]
    assert assert_ok(s.get(f"{URL}/{c['id']}", headers=world.h("st_a"))) == c
    stored = storedirect.get(s, "clients", c["id"])
    assert stored["emailKey"] == "aline.n@example.com"
    # the same email (another case) in A -> 409 naming the field
    err = assert_error(s.post(URL, json=client("Other", "Person", email=" ALINE.n@example.COM "),
                              headers=world.h("st_a")), 409, "DUPLICATE_EMAIL")
    assert err["details"] == [{"field": "personalInfo.email", "message": "already used"}]
    # in B -> 201
    other = create(world, client(email="aline.n@example.com"), who="mgr_b")
    assert other["establishmentId"] == world.b
    # audit: client.create with every field, old null, no internal key
    assert audit_actions(s, c["id"]) == ["client.create"]
    entry = entries(s, c["id"])[0]
    assert entry["entity"] == "client" and entry["establishmentId"] == world.a
    fields = {ch["field"] for ch in entry["changes"]}
    assert {"personalInfo.email", "personalInfo.phone", "classification", "totalStays"} <= fields
    assert "emailKey" not in fields and all(ch["old"] is None for ch in entry["changes"])


def test_concurrent_creations_with_one_email(world):
    """Creation serialises on the contact keys: one 201, the others 409, never a 500."""
    s, n = world.server, 6
    barrier, statuses = threading.Barrier(n), [None] * n

    def run(i):
        barrier.wait()
        r = s.post(URL, json=client("Race", str(i), email="race@example.com"),
                   headers=world.h("mgr_a" if i % 2 else "st_a"))
        statuses[i] = (r.status_code, r.json().get("error", {}).get("code"))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses, key=str) == sorted([(201, None)] + [(409, "DUPLICATE_EMAIL")] * (n - 1),
                                               key=str)
    assert len([d for d in docs(s, "clients") if d.get("emailKey") == "race@example.com"
                and d["establishmentId"] == world.a]) == 1


def test_phone_only_clients_do_not_collide(world):
    s = world.server
    a = create(world, client("Phone", "One", phone="+257 71 00 00 01"))
    b = create(world, client("Phone", "Two", phone="071 000 002"), who="st_a")
    assert a["personalInfo"]["email"] is None and b["personalInfo"]["phone"] == "+25771000002"
    assert "emailKey" not in storedirect.get(s, "clients", a["id"])
    assert "emailKey" not in storedirect.get(s, "clients", b["id"])


def test_defaults_from_the_establishment(world):
    s = world.server
    rw = world.create_est("Kigali Lodge", defaultLanguage="en",
                          location={"city": "Kigali", "address": "KN 1", "country": "RW",
                                    "lat": -1.95, "lng": 30.06},
                          contacts={"phones": ["+250788000000"], "email": "info@example.rw"})
    c = create(world, client(phone="0788 123 456", establishmentId=rw), who="sa")
    assert c["personalInfo"]["phone"] == "+250788123456"  # national number of Rwanda
    assert c["preferredLanguage"] == "en" and c["createdBy"] == world.sa_id
    c = create(world, client(phone="0788 123 457", establishmentId=rw, preferredLanguage="fr",
                             marketingOptIn=True, classification="corporate",
                             companyName="Lake Corp", preferences=["quiet room", "late checkout"],
                             notes="Prefers the ground floor"), who="sa")
    assert (c["preferredLanguage"], c["marketingOptIn"], c["classification"], c["companyName"],
            c["preferences"], c["notes"]) == ("fr", True, "corporate", "Lake Corp",
                                              ["quiet room", "late checkout"],
                                              "Prefers the ground floor")


def test_every_personal_field_and_birth_dates(world):
    info = {"idType": "passport", "idNumber": "OP1234567", "nationality": "BI",
            "dateOfBirth": "1985-04-12", "gender": "female", "address": "12 Avenue de la Plage",
            "city": "Bujumbura", "country": "BI"}
    c = create(world, client("Full", "Record", email="full.record@example.com", info=info))
    assert {k: c["personalInfo"][k] for k in info} == info
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    for dob in ("1900-01-01", today, "2000-02-29"):
        got = create(world, client("Born", dob, phone="+25776000000", info={"dateOfBirth": dob}))
        assert got["personalInfo"]["dateOfBirth"] == dob


def test_server_fields_are_ignored(world):
    c = create(world, client("Server", "Fields", phone="+25775000000", totalStays=5,
                             totalSpent=100000, lastStayAt="2026-01-01T00:00:00Z",
                             outstandingBalance=9, createdBy=MISSING, id=MISSING,
                             createdAt="2020-01-01T00:00:00Z"))
    assert (c["totalStays"], c["totalSpent"], c["lastStayAt"], c["outstandingBalance"]) == \
        (0, 0, None, 0)
    assert c["id"] != MISSING and c["createdBy"] == world.mgr_a
    assert not c["createdAt"].startswith("2020")


def test_super_admin_establishment(world):
    s = world.server
    assert_error(s.post(URL, json=client(phone="+25779000001"), headers=world.sa), 400,
                 "VALIDATION_ERROR", "establishmentId", "required")
    assert_error(s.post(URL, json=client(phone="+25779000001", establishmentId="xyz"),
                        headers=world.sa), 400, "VALIDATION_ERROR", "establishmentId",
                 "must be a valid id")
    err = assert_error(s.post(URL, json=client(phone="+25779000001", establishmentId=MISSING),
                              headers=world.sa), 404, "NOT_FOUND")
    assert err["details"] == [{"field": "establishmentId", "message": "not found"}]
    c = create(world, client(phone="+25779000001", establishmentId=world.b), who="sa")
    assert c["establishmentId"] == world.b


# ---- validation --------------------------------------------------------------------------------

FUTURE = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
RULES = [
    ({"personalInfo": None}, "personalInfo", "required"),
    ({"personalInfo": "Aline"}, "personalInfo", "must be an object"),
    ({"info": {"firstName": None}}, "personalInfo.firstName", "required"),
    ({"info": {"firstName": "  "}}, "personalInfo.firstName", "required"),
    ({"info": {"lastName": "x" * 51}}, "personalInfo.lastName", "must be at most 50 characters"),
    ({"info": {"email": None, "phone": None}}, "personalInfo.email",
     "email or phone is required"),
    ({"info": {"email": "", "phone": " "}}, "personalInfo.email", "email or phone is required"),
    ({"info": {"email": "not-an-email"}}, "personalInfo.email", "must be a valid email"),
    ({"info": {"email": "a@b@example.com"}}, "personalInfo.email", "must be a valid email"),
    ({"info": {"phone": "12"}}, "personalInfo.phone", "must be a valid phone number"),
    ({"info": {"phone": "+25 abc"}}, "personalInfo.phone", "must be a valid phone number"),
    ({"info": {"idType": "visa"}}, "personalInfo.idType",
     "must be one of: national_id, passport, driving_license, other"),
    ({"info": {"idNumber": "9" * 51}}, "personalInfo.idNumber", "must be at most 50 characters"),
    ({"info": {"nationality": "Burundi"}}, "personalInfo.nationality",
     "must be an ISO 3166-1 alpha-2 code"),
    ({"info": {"country": "bi"}}, "personalInfo.country", "must be an ISO 3166-1 alpha-2 code"),
    ({"info": {"dateOfBirth": "1899-12-31"}}, "personalInfo.dateOfBirth",
     "must not be before 1900-01-01"),
    ({"info": {"dateOfBirth": FUTURE}}, "personalInfo.dateOfBirth", "must not be in the future"),
    ({"info": {"dateOfBirth": "1985-02-29"}}, "personalInfo.dateOfBirth",
     "must be a valid date (YYYY-MM-DD)"),
    ({"info": {"dateOfBirth": "12/04/1985"}}, "personalInfo.dateOfBirth",
     "must be a valid date (YYYY-MM-DD)"),
    ({"info": {"dateOfBirth": 1985}}, "personalInfo.dateOfBirth", "must be a string"),
    ({"info": {"gender": "unknown"}}, "personalInfo.gender", "must be one of: male, female, other"),
    ({"info": {"address": "a" * 201}}, "personalInfo.address", "must be at most 200 characters"),
    ({"info": {"city": "c" * 101}}, "personalInfo.city", "must be at most 100 characters"),
    ({"info": {"nickname": "Ali"}}, "personalInfo.nickname", "unknown field"),
    ({"info": {"companyName": "Corp"}}, "personalInfo.companyName", "unknown field"),
    ({"classification": "vip"}, "classification", "must be one of: regular, walkin, corporate"),
    ({"classification": "corporate"}, "companyName", "required when classification is corporate"),
    ({"classification": "corporate", "companyName": " "}, "companyName",
     "required when classification is corporate"),
    ({"companyName": "c" * 101}, "companyName", "must be at most 100 characters"),
    ({"preferences": ["p"] * 21}, "preferences", "must have at most 20 items"),
    ({"preferences": ["p" * 101]}, "preferences.0", "must be at most 100 characters"),
    ({"preferences": ["ok", ""]}, "preferences.1", "required"),
    ({"preferences": "quiet"}, "preferences", "must be an array"),
    ({"preferredLanguage": "de"}, "preferredLanguage", "must be one of: fr, en"),
    ({"marketingOptIn": "yes"}, "marketingOptIn", "must be a boolean"),
    ({"notes": "n" * 2001}, "notes", "must be at most 2000 characters"),
    ({"emailKey": "x@example.com"}, "emailKey", "unknown field"),
    ({"vip": True}, "vip", "unknown field"),
]


@pytest.mark.parametrize("change,field,message", RULES,
                         ids=[f"{r[1]}:{r[2][:24]}" for r in RULES])
def test_validation_rule(world, change, field, message):
    body = client(email="rules@example.com", phone="+25779000009")
    change = dict(change)
    body["personalInfo"].update(change.pop("info", {}))
    body["personalInfo"] = {k: v for k, v in body["personalInfo"].items() if v is not None}
    body.update(change)
    if "personalInfo" in change and change["personalInfo"] is None:
        del body["personalInfo"]
    assert_error(world.server.post(URL, json=body, headers=world.h("mgr_a")), 400,
                 "VALIDATION_ERROR", field, message)


def test_limits_accepted(world):
    c = create(world, client("f" * 50, "l" * 50, phone="+25779000010",
                             preferences=["p" * 100] * 20, notes="n" * 2000,
                             classification="corporate", companyName="c" * 100,
                             info={"idNumber": "9" * 50, "address": "a" * 200, "city": "c" * 100}))
    assert len(c["preferences"]) == 20 and len(c["notes"]) == 2000


# ---- merge patch -------------------------------------------------------------------------------

def test_merge_patch_semantics(world):
    s = world.server
    c = create(world, client("Patch", "Me", email="patch.me@example.com", phone="+25779000020",
                             preferences=["a", "b"], notes="Old",
                             info={"city": "Gitega", "gender": "male"}))
    url, m = f"{URL}/{c['id']}", world.h("mgr_a")
    p = assert_ok(patch(s, url, {"personalInfo": {"city": None, "firstName": " Patched "},
                                 "preferences": ["c"], "notes": None}, m))
    assert p["personalInfo"] == dict(c["personalInfo"], city=None, firstName="Patched")
    assert (p["preferences"], p["notes"], p["createdAt"]) == (["c"], None, c["createdAt"])
    assert p["updatedAt"] >= c["updatedAt"]
    entry = entries(s, c["id"])[-1]
    assert entry["action"] == "client.update"
    changed = {ch["field"]: (ch["old"], ch["new"]) for ch in entry["changes"]}
    assert changed == {"personalInfo.city": ("Gitega", None),
                       "personalInfo.firstName": ("Patch", "Patched"),
                       "preferences": (["a", "b"], ["c"]), "notes": ("Old", None)}
    # nothing changed -> 200 without an audit entry; server fields and ids are ignored
    before = audit_actions(s, c["id"])
    same = assert_ok(patch(s, url, {"personalInfo": {"email": "PATCH.ME@example.com",
                                                     "phone": "79 00 00 20"},
                                    "totalStays": 7, "totalSpent": 5, "outstandingBalance": 3,
                                    "id": MISSING, "establishmentId": world.b,
                                    "createdAt": "2020-01-01T00:00:00Z"}, m))
    assert same == p and audit_actions(s, c["id"]) == before == ["client.create", "client.update"]
    assert assert_ok(patch(s, url, {}, m)) == p
    # null on a required field -> 400
    for body, field in [({"personalInfo": None}, "personalInfo"),
                        ({"personalInfo": {"lastName": None}}, "personalInfo.lastName")]:
        assert_error(patch(s, url, body, m), 400, "VALIDATION_ERROR", field, "must not be null")
    assert_error(patch(s, url, {"personalInfo": {"middleName": "X"}}, m), 400,
                 "VALIDATION_ERROR", "personalInfo.middleName", "unknown field")
    assert_error(patch(s, url, {"personalInfo": {"phone": "1"}}, m), 400, "VALIDATION_ERROR",
                 "personalInfo.phone", "must be a valid phone number")
    # the merged document is validated: the contact rule and the corporate rule
    r = assert_ok(patch(s, url, {"personalInfo": {"email": None}}, m))
    assert r["personalInfo"]["email"] is None and r["personalInfo"]["phone"] == "+25779000020"
    assert "emailKey" not in storedirect.get(s, "clients", c["id"])
    assert_error(patch(s, url, {"personalInfo": {"phone": None}}, m), 400, "VALIDATION_ERROR",
                 "personalInfo.email", "email or phone is required")
    assert_error(patch(s, url, {"classification": "corporate"}, m), 400, "VALIDATION_ERROR",
                 "companyName", "required when classification is corporate")
    r = assert_ok(patch(s, url, {"classification": "corporate", "companyName": "Acme"}, m))
    assert (r["classification"], r["companyName"]) == ("corporate", "Acme")
    assert_error(patch(s, url, {"companyName": None}, m), 400, "VALIDATION_ERROR", "companyName")
    # null on an optional field with a default resets it to the default
    r = assert_ok(patch(s, url, {"classification": None, "marketingOptIn": True,
                                 "preferredLanguage": "en"}, m))
    assert (r["classification"], r["marketingOptIn"], r["preferredLanguage"]) == \
        ("regular", True, "en")
    r = assert_ok(patch(s, url, {"marketingOptIn": None, "preferredLanguage": None}, m))
    assert (r["marketingOptIn"], r["preferredLanguage"]) == (False, "fr")
    # a stored total is never written by a PATCH
    storedirect.set_field_where(s, "clients", "id", c["id"], "totalSpent", 4200)
    r = assert_ok(patch(s, url, {"notes": "Still here", "totalSpent": 1}, m))
    assert r["totalSpent"] == 4200


def test_patch_email_uniqueness(world):
    s = world.server
    m = world.h("mgr_a")
    a = create(world, client("Email", "Owner", email="owner@example.com"))
    b = create(world, client("Email", "Taker", email="taker@example.com"))
    url = f"{URL}/{b['id']}"
    err = assert_error(patch(s, url, {"personalInfo": {"email": "OWNER@example.com"}}, m), 409,
                       "DUPLICATE_EMAIL")
    assert err["details"] == [{"field": "personalInfo.email", "message": "already used"}]
    # a change of case of one's own email is no change at all
    before = audit_actions(s, b["id"])
    assert assert_ok(patch(s, url, {"personalInfo": {"email": "Taker@Example.com"}}, m)) == b
    assert audit_actions(s, b["id"]) == before
    # a new email moves the key; the old one is free again
    r = assert_ok(patch(s, url, {"personalInfo": {"email": "new.taker@example.com"}}, m))
    assert r["personalInfo"]["email"] == "new.taker@example.com"
    assert storedirect.get(s, "clients", b["id"])["emailKey"] == "new.taker@example.com"
    create(world, client("Email", "Again", email="taker@example.com"))
    # an email used in another establishment is fine
    create(world, client("Email", "InB", email="b.only@example.com"), who="mgr_b")
    assert assert_ok(patch(s, f"{URL}/{a['id']}", {"personalInfo": {"email": "b.only@example.com"}},
                           m))["personalInfo"]["email"] == "b.only@example.com"


def test_patch_establishment_id(world):
    s = world.server
    c = create(world, client("Anchored", "Client", phone="+25779000030"))
    url = f"{URL}/{c['id']}"
    r = assert_ok(patch(s, url, {"establishmentId": world.b, "notes": "moved?"},
                        world.h("mgr_a")))
    assert r["establishmentId"] == world.a and r["notes"] == "moved?"
    assert assert_ok(patch(s, url, {"establishmentId": world.a}, world.sa)) == r
    assert_error(patch(s, url, {"establishmentId": world.b}, world.sa), 400, "VALIDATION_ERROR",
                 "establishmentId", "cannot be changed")


# ---- F11 (5): delete ---------------------------------------------------------------------------

def test_f11_5_delete(world):
    s = world.server
    c = create(world, client("Booked", "Guest", email="booked.guest@example.com"))
    assert_error(delete(world, c["id"], "st_a"), 403, "FORBIDDEN")
    seed(s, "bookings", {"establishmentId": world.a, "accommodationId": storedirect.new_id(),
                         "clientId": c["id"], "status": "confirmed",
                         "checkIn": "2027-03-01T12:00:00Z", "checkOut": "2027-03-03T09:00:00Z"})
    err = assert_error(delete(world, c["id"]), 409, "IN_USE")
    assert err["details"] == [{"field": "bookings", "message": "reference this client"}]
    assert_ok(s.get(f"{URL}/{c['id']}", headers=world.h("mgr_a")))
    # a client without bookings is deleted
    d = create(world, client("Short", "Lived", email="short.lived@example.com"))
    assert assert_ok(delete(world, d["id"])) is None
    assert_error(s.get(f"{URL}/{d['id']}", headers=world.h("mgr_a")), 404, "NOT_FOUND")
    assert_error(delete(world, d["id"]), 404, "NOT_FOUND")
    assert audit_actions(s, d["id"]) == ["client.create", "client.delete"]
    entry = entries(s, d["id"])[-1]
    assert all(ch["new"] is None for ch in entry["changes"])
    assert {"personalInfo.email", "classification"} <= {ch["field"] for ch in entry["changes"]}
    # its email is free again; super_admin may delete too
    e = create(world, client("Short", "Lived", email="short.lived@example.com"))
    assert assert_ok(s.request("DELETE", f"{URL}/{e['id']}", headers=world.sa)) is None


# ---- roles and isolation -----------------------------------------------------------------------

def test_staff_rows(world):
    s = world.server
    st = world.h("st_a")
    c = create(world, client("Staff", "Made", phone="+25779000040"), who="st_a")
    assert c["createdBy"] == world.st_a and c["establishmentId"] == world.a
    url = f"{URL}/{c['id']}"
    assert assert_ok(s.get(url, headers=st)) == c
    assert assert_ok(patch(s, url, {"notes": "by staff"}, st))["notes"] == "by staff"
    assert_error(delete(world, c["id"], "st_a"), 403, "FORBIDDEN")
    assert any(x["id"] == c["id"] for x in assert_ok(s.get(URL, params={"limit": 100},
                                                           headers=st)))
    assert_error(s.get(URL), 401, "UNAUTHORIZED")
    assert_error(s.get(url), 401, "UNAUTHORIZED")


def test_isolation(world):
    s = world.server
    a = create(world, client("Only", "InA", email="only.in.a@example.com"))
    for who in ("mgr_b", "st_b"):
        h = world.h(who)
        for method, body in [("GET", None), ("PATCH", {"notes": "x"}), ("PATCH", {}),
                             ("DELETE", None)]:
            if who == "st_b" and method == "DELETE":
                continue
            path = f"{URL}/{a['id']}"
            r = s.request(method, path, json=body, headers=h)
            missing = s.request(method, f"{URL}/{MISSING}", json=body, headers=h)
            malformed = s.request(method, f"{URL}/zz", json=body, headers=h)
            assert_error(r, 404, "NOT_FOUND")
            assert r.json()["error"] == missing.json()["error"] == malformed.json()["error"]
    assert storedirect.get(s, "clients", a["id"])["notes"] is None
    # lists: a manager's establishmentId filter is ignored; super_admin's applies
    listed = assert_ok(s.get(URL, params={"establishmentId": world.a, "limit": 100},
                             headers=world.h("mgr_b")))
    assert all(x["establishmentId"] == world.b for x in listed)
    assert a["id"] not in {x["id"] for x in listed}
    listed = assert_ok(s.get(URL, params={"establishmentId": world.a, "limit": 100},
                             headers=world.sa))
    assert listed and all(x["establishmentId"] == world.a for x in listed)
    # a body error still comes before the lookup (step 9 before step 10)
    assert_error(patch(s, f"{URL}/{a['id']}", {"bogus": 1}, world.h("mgr_b")), 400,
                 "VALIDATION_ERROR", "bogus", "unknown field")


# ---- lists -------------------------------------------------------------------------------------

def test_f11_2_search_sorted_by_total_spent(world):
    s = world.server
    est = world.create_est("Search Lodge")

    def mk(first, last, spent, **kw):
        c = create(world, client(first, last, establishmentId=est, **kw), who="sa")
        assert storedirect.set_field_where(s, "clients", "id", c["id"], "totalSpent", spent) == 1
        return c["id"]

    by_name = mk("Aline", "Ndayishimiye", 150000, phone="+25779100001")
    by_email = mk("Jean", "Bizimana", 900000, email="jean.ndayi@example.com")
    by_company = mk("Eric", "Hakizimana", 50000, phone="+25779100002",
                    classification="corporate", companyName="NDAYI Trading")
    by_id = mk("Claire", "Irakoze", 400000, phone="+25779100003",
               info={"idType": "national_id", "idNumber": "NDAYI-77"})
    mk("Other", "Person", 999999, phone="+25779100004")
    r = s.get(URL, params={"q": "ndayi", "sort": "-totalSpent", "establishmentId": est},
              headers=world.sa)
    found = assert_ok(r)
    assert [c["id"] for c in found] == [by_email, by_id, by_name, by_company]
    assert [c["totalSpent"] for c in found] == [900000, 400000, 150000, 50000]
    assert r.json()["pagination"]["total"] == 4
    asc = assert_ok(s.get(URL, params={"q": "NDAYI", "sort": "totalSpent", "establishmentId": est},
                          headers=world.sa))
    assert [c["id"] for c in asc] == [by_company, by_name, by_id, by_email]
    # q over the phone, and never a pattern
    assert [c["id"] for c in assert_ok(s.get(URL, params={"q": "79100002", "establishmentId": est},
                                               headers=world.sa))] == [by_company]
    for pattern in ("%", "_", ".*"):
        assert assert_ok(s.get(URL, params={"q": pattern, "establishmentId": est},
                               headers=world.sa)) == []


def test_filters(world):
    s = world.server
    est = world.create_est("Filter Lodge")
    mk = lambda **kw: create(world, dict(kw, establishmentId=est), who="sa")["id"]
    walkin = mk(**client("Walk", "In", phone="+25779000000", classification="walkin"))
    corp = mk(**client("Corp", "Guest", email="Corp.Guest@Example.com", phone="+25779000000",
                       classification="corporate", companyName="Corp"))
    regular = mk(**client("Reg", "Ular", email="reg@example.com"))

    def ids(**params):
        r = s.get(query(dict(params, establishmentId=est)), headers=world.sa)
        return sorted(c["id"] for c in assert_ok(r))

    assert ids() == sorted([walkin, corp, regular])
    assert ids(classification="walkin,corporate") == sorted([walkin, corp])
    assert ids(classification="regular") == [regular]
    # email: exact, case-insensitive, normalised like the body field
    assert ids(email="CORP.guest@example.COM") == [corp]
    assert ids(email="corp@example.com") == []
    # phone: national numbers of the establishment's country
    for phone in ("79 00 00 00", "+257 79 00 00 00", "0025779000000", "079-00-00-00"):
        assert ids(phone=phone) == sorted([walkin, corp]), phone
    assert ids(phone="79000000", classification="walkin") == [walkin]
    assert ids(phone="+25779000001") == []
    for params, field in [({"email": "nope"}, "email"), ({"phone": "12"}, "phone"),
                          ({"classification": "vip"}, "classification"),
                          ({"establishmentId": "x"}, "establishmentId")]:
        assert_error(s.get(URL, params=params, headers=world.sa), 400, "VALIDATION_ERROR", field)
    # a manager filters within their own establishment only
    mine = create(world, client("Mine", "Filter", phone="+25779555555"))
    r = s.get(query({"phone": "79 55 55 55", "establishmentId": est}), headers=world.h("mgr_a"))
    assert [c["id"] for c in assert_ok(r)] == [mine["id"]]


def test_list_pagination_and_sort(world):
    s = world.server
    est = world.create_est("Paging Lodge")
    ids, created = [], {}
    for i, last in enumerate(["Charlie", "alpha", "Bravo"]):
        c = create(world, client("P", last, phone=f"+2577920000{i}", establishmentId=est),
                   who="sa")
        ids.append(c["id"])
        created[c["id"]] = c["createdAt"]
    # createdAt has whole seconds and ids from several processes are not monotonic: the order is
    # by (createdAt, id), whichever seconds the three creations fell in
    by_created = sorted(ids, key=lambda i: (created[i], i))
    storedirect.set_field_where(s, "clients", "id", ids[0], "totalStays", 3)
    storedirect.set_field_where(s, "clients", "id", ids[2], "totalStays", 1)
    storedirect.set_field_where(s, "clients", "id", ids[2], "lastStayAt", "2026-05-01T10:00:00Z")
    storedirect.set_field_where(s, "clients", "id", ids[0], "lastStayAt", "2026-06-01T10:00:00Z")

    def order(**params):
        r = s.get(URL, params=dict(params, establishmentId=est), headers=world.sa)
        return [c["id"] for c in assert_ok(r)]

    # default: createdAt descending, ties by id descending
    assert order() == by_created[::-1]
    assert order(sort="lastName") == [ids[2], ids[0], ids[1]]  # byte order: "B" < "C" < "a"
    assert order(sort="-totalStays") == [ids[0], ids[2], ids[1]]
    assert order(sort="totalStays") == [ids[1], ids[2], ids[0]]
    assert order(sort="-lastStayAt") == [ids[0], ids[2], ids[1]]
    assert order(sort="lastStayAt")[-1] == ids[0]
    r = s.get(URL, params={"establishmentId": est, "limit": 2, "page": 2, "sort": "createdAt"},
              headers=world.sa)
    assert r.json()["pagination"] == {"page": 2, "limit": 2, "total": 3, "totalPages": 2,
                                      "hasNextPage": False, "hasPrevPage": True}
    assert [c["id"] for c in r.json()["data"]] == [by_created[2]]
    r = s.get(URL, params={"establishmentId": est, "page": 5}, headers=world.sa)
    assert r.json()["data"] == [] and r.json()["pagination"]["total"] == 3
    r = s.get(URL, params={"establishmentId": est, "limit": 500}, headers=world.sa)
    assert r.json()["pagination"]["limit"] == 100
    for params, field in [({"sort": "email"}, "sort"), ({"sort": "-firstName"}, "sort"),
                          ({"page": "0"}, "page"), ({"limit": "0"}, "limit"),
                          ({"limit": "x"}, "limit"), ({"city": "Bujumbura"}, "city"),
                          ({"q": "q" * 101}, "q")]:
        assert_error(s.get(URL, params=params, headers=world.sa), 400, "VALIDATION_ERROR", field)


def test_outstanding_balance_and_internal_fields_never_output(world):
    s = world.server
    c = create(world, client("Balance", "Zero", email="balance.zero@example.com"))
    for got in (c, assert_ok(s.get(f"{URL}/{c['id']}", headers=world.h("mgr_a"))),
                [x for x in assert_ok(s.get(URL, params={"email": "balance.zero@example.com"},
                                            headers=world.h("mgr_a")))][0]):
        assert got["outstandingBalance"] == 0
        assert not {"emailKey", "version"} & set(got)

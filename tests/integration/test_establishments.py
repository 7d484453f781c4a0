"""test_establishments.py: the establishment and payroll-settings endpoints of SPEC 7.3 on both
stores: defaults (4.3, 4.19), every constraint, DUPLICATE names, isolation, the role rows of SPEC
3.3, restricted fields, immutable fields (IN_USE), merge patch, delete, lists and audit entries."""
import sqlite3

import pytest

import storedirect
from harness import assert_error, assert_ok
from test_users import World, audit_actions, docs, est_body, patch


@pytest.fixture(scope="module")
def world(server):
    return World(server)


def seed(server, coll, doc):
    """Inserts a document into a collection no endpoint fills yet (bookings, accommodations...)."""
    if server.backend == "sqlite":
        db = sqlite3.connect(server.store_uri[len("sqlite:"):], timeout=10)
        with db:
            db.execute(f'CREATE TABLE IF NOT EXISTS "{coll}" (id TEXT PRIMARY KEY, doc TEXT NOT NULL)')
        db.close()
    return storedirect.insert(server, coll, doc)


BIF_BRACKETS = [{"upTo": 150000, "rateBps": 0}, {"upTo": 300000, "rateBps": 2000},
                {"upTo": None, "rateBps": 3000}]


def test_create_defaults(world):
    s = world.server
    r = s.post("/api/establishments", json=est_body("Defaults Inn"), headers=world.sa)
    e = assert_ok(r, 201)
    assert r.headers["Location"] == "/api/establishments/" + e["id"]
    assert e["location"] == {"city": "Bujumbura", "address": "1 Avenue du Lac", "country": "BI",
                             "lat": -3.3822, "lng": 29.3644}
    assert e["contacts"] == {"phones": ["+25779000000"], "email": "info@example.bi",
                             "website": None}
    expected = {"description": None, "services": [], "images": [], "utcOffset": "+02:00",
                "businessDayStart": "06:00", "checkInTime": "14:00", "checkOutTime": "11:00",
                "currency": "BIF", "vatRateBps": 1800, "invoicePrefix": "INV",
                "creditNotePrefix": "CN",
                "longStayDiscounts": [{"minNights": 7, "percentBps": 500},
                                      {"minNights": 14, "percentBps": 1000},
                                      {"minNights": 30, "percentBps": 1500}],
                "pendingTtlHours": 48, "autoNoShow": True, "defaultLanguage": "fr",
                "hrSettings": {"workWeek": [1, 2, 3, 4, 5], "workdayStart": "08:00",
                               "lateGraceMinutes": 15, "publicHolidays": []},
                "isActive": True, "accommodationCount": 0, "pricingModes": []}
    assert {k: e[k] for k in expected} == expected
    assert not {"nameKey", "cityKey", "version", "payrollSettings"} & set(e)
    assert e["createdAt"].endswith("Z") and e["updatedAt"] == e["createdAt"]
    ps = assert_ok(s.get(f"/api/establishments/{e['id']}/payroll-settings", headers=world.sa))
    assert ps["workingDaysPerMonth"] == 22 and ps["hoursPerDay"] == 8
    assert ps["overtimeMultiplierBps"] == 15000 and ps["allowanceRules"] == []
    assert [(d["code"], d["rateBps"], d["appliesTo"]) for d in ps["deductionRules"]] == \
        [("HEALTH", 500, "healthInsurance"), ("RETIREMENT", 1000, "retirementPlan"),
         ("SOCIAL_SECURITY", 800, "always")]
    assert ps["incomeTaxBrackets"] == BIF_BRACKETS
    usd = assert_ok(s.post("/api/establishments", json=est_body("Dollar Inn", currency="USD"),
                           headers=world.sa), 201)
    ps = assert_ok(s.get(f"/api/establishments/{usd['id']}/payroll-settings", headers=world.sa))
    assert ps["incomeTaxBrackets"] == [{"upTo": None, "rateBps": 0}]
    assert audit_actions(s, e["id"]) == ["establishment.create"]
    # owner arrays and server fields are ignored on create
    r = s.post("/api/establishments", json=est_body("Ignored Inn", images=[storedirect.new_id()],
                                                   accommodationCount=9, payrollSettings={}),
               headers=world.sa)
    assert assert_ok(r, 201)["images"] == []


def loc(**kw):
    base = {"city": "Bujumbura", "address": "1 Avenue du Lac", "lat": -3.38, "lng": 29.36}
    base.update(kw)
    return base


def contacts(**kw):
    base = {"phones": ["79 00 00 00"], "email": "info@example.bi"}
    base.update(kw)
    return base


@pytest.mark.parametrize("change,field,message", [
    ({"name": " "}, "name", "required"),
    ({"name": "N" * 101}, "name", "must be at most 100 characters"),
    ({"description": "d" * 5001}, "description", "must be at most 5000 characters"),
    ({"location": loc(lat=91)}, "location.lat", "must be at most 90"),
    ({"location": loc(lng=-180.5)}, "location.lng", "must be at least -180"),
    ({"location": loc(lat=-3.123456789)}, "location.lat", "must have at most 7 decimals"),
    ({"location": loc(country="bi")}, "location.country", "must be an ISO 3166-1 alpha-2 code"),
    ({"location": {"city": "X", "lat": 1, "lng": 1}}, "location.address", "required"),
    ({"contacts": contacts(phones=[])}, "contacts.phones", "must have at least 1 items"),
    ({"contacts": contacts(phones=["79000000"] * 6)}, "contacts.phones",
     "must have at most 5 items"),
    ({"contacts": contacts(phones=["12"])}, "contacts.phones.0", "must be a valid phone number"),
    ({"contacts": contacts(email="x")}, "contacts.email", "must be a valid email"),
    ({"contacts": contacts(website="http://example.bi")}, "contacts.website",
     "must be an https:// URL"),
    ({"contacts": contacts(website="https://e.bi/" + "a" * 200)}, "contacts.website",
     "must be at most 200 characters"),
    ({"services": ["s" * 51]}, "services.0", "must be at most 50 characters"),
    ({"services": ["x"] * 51}, "services", "must have at most 50 items"),
    ({"utcOffset": "+02:15"}, "utcOffset", None),
    ({"utcOffset": "+15:00"}, "utcOffset", None),
    ({"utcOffset": "0200"}, "utcOffset", None),
    ({"businessDayStart": "12:30"}, "businessDayStart", "must be between 00:00 and 12:00"),
    ({"businessDayStart": "25:00"}, "businessDayStart", "must be HH:MM"),
    ({"checkInTime": "05:00"}, "checkInTime", "must not be before businessDayStart"),
    ({"checkOutTime": "05:59"}, "checkOutTime", "must not be before businessDayStart"),
    ({"checkOutTime": "15:00"}, "checkOutTime", "must not be after checkInTime"),
    ({"currency": "GBP"}, "currency", "must be one of: BIF, USD, EUR"),
    ({"vatRateBps": 10001}, "vatRateBps", "must be at most 10000"),
    ({"vatRateBps": 18.5}, "vatRateBps", "must be an integer"),
    ({"invoicePrefix": "inv"}, "invoicePrefix", "must match ^[A-Z0-9]{1,10}$"),
    ({"creditNotePrefix": "CN-1"}, "creditNotePrefix", "must match ^[A-Z0-9]{1,10}$"),
    ({"invoicePrefix": "ABCDEFGHIJK"}, "invoicePrefix", "must be at most 10 characters"),
    ({"longStayDiscounts": [{"minNights": 7, "percentBps": 100},
                            {"minNights": 7, "percentBps": 200}]},
     "longStayDiscounts.1.minNights", "must be distinct"),
    ({"longStayDiscounts": [{"minNights": 1, "percentBps": 100}]},
     "longStayDiscounts.0.minNights", "must be at least 2"),
    ({"longStayDiscounts": [{"minNights": 3, "percentBps": 5001}]},
     "longStayDiscounts.0.percentBps", "must be at most 5000"),
    ({"longStayDiscounts": [{"minNights": n, "percentBps": 10} for n in range(2, 13)]},
     "longStayDiscounts", "must have at most 10 items"),
    ({"pendingTtlHours": 721}, "pendingTtlHours", "must be at most 720"),
    ({"autoNoShow": "yes"}, "autoNoShow", "must be a boolean"),
    ({"defaultLanguage": "rn"}, "defaultLanguage", "must be one of: fr, en"),
    ({"hrSettings": {"workWeek": [1, 1]}}, "hrSettings.workWeek.1", "must be distinct"),
    ({"hrSettings": {"workWeek": [8]}}, "hrSettings.workWeek.0", "must be at most 7"),
    ({"hrSettings": {"lateGraceMinutes": 241}}, "hrSettings.lateGraceMinutes",
     "must be at most 240"),
    ({"hrSettings": {"publicHolidays": ["2026-02-30"]}}, "hrSettings.publicHolidays.0",
     "must be a valid date (YYYY-MM-DD)"),
    ({"stars": 5}, "stars", "unknown field"),
    ({"location": loc(zip="1000")}, "location.zip", "unknown field"),
])
def test_create_validation(world, change, field, message):
    body = est_body("Valid Inn")
    body.update(change)
    r = world.server.post("/api/establishments", json=body, headers=world.sa)
    assert_error(r, 400, "VALIDATION_ERROR", field, message)


def test_phone_uses_the_country(world):
    body = est_body("Kigali Inn", location=loc(city="Kigali", country="RW"),
                    contacts=contacts(phones=["0788 123 456", "+257 79 00 00 01"]))
    e = assert_ok(world.server.post("/api/establishments", json=body, headers=world.sa), 201)
    assert e["contacts"]["phones"] == ["+250788123456", "+25779000001"]
    body = est_body("Polar Inn", location=loc(country="AQ"), contacts=contacts(phones=["0821234567"]))
    assert_error(world.server.post("/api/establishments", json=body, headers=world.sa), 400,
                 "VALIDATION_ERROR", "contacts.phones.0")


def test_duplicate_name(world):
    s = world.server
    assert_error(s.post("/api/establishments", json=est_body("  hotel a "), headers=world.sa), 409,
                 "DUPLICATE", "name")
    other = world.create_est("Dup Target")
    assert_error(patch(s, f"/api/establishments/{other}", {"name": "HOTEL B"}, world.sa), 409,
                 "DUPLICATE", "name")
    renamed = assert_ok(patch(s, f"/api/establishments/{other}", {"name": "dup target"}, world.sa))
    assert renamed["name"] == "dup target"


def test_list_and_read(world):
    s = world.server
    kig = world.create_est("Lake Kivu Lodge", location=loc(city="Gisenyi", country="RW"),
                           contacts=contacts(phones=["+250788000000"]))
    r = s.get("/api/establishments?city=GISENYI", headers=world.sa)
    assert [e["id"] for e in assert_ok(r)] == [kig]
    assert assert_ok(s.get("/api/establishments?city=Gisen", headers=world.sa)) == []
    assert [e["id"] for e in assert_ok(s.get("/api/establishments?q=kivu", headers=world.sa))] == \
        [kig]
    assert kig in [e["id"] for e in assert_ok(s.get("/api/establishments?q=GISENYI",
                                                    headers=world.sa))]
    names = [e["name"] for e in assert_ok(s.get("/api/establishments?limit=100",
                                                headers=world.sa))]
    assert names == sorted(names, key=str.lower)
    newest = assert_ok(s.get("/api/establishments?sort=-createdAt&limit=100", headers=world.sa))
    stamps = [e["createdAt"] for e in newest]
    assert stamps == sorted(stamps, reverse=True) and kig in [e["id"] for e in newest]
    assert_ok(patch(s, f"/api/establishments/{kig}", {"isActive": False}, world.sa))
    inactive = assert_ok(s.get("/api/establishments?isActive=false", headers=world.sa))
    assert [e["id"] for e in inactive] == [kig]
    for who, own in (("mgr_a", world.a), ("st_a", world.a), ("st_b", world.b)):
        r = s.get("/api/establishments?limit=100", headers=world.h(who))
        assert [e["id"] for e in assert_ok(r)] == [own]
        assert r.json()["pagination"]["total"] == 1
        assert assert_ok(s.get(f"/api/establishments/{own}", headers=world.h(who)))["id"] == own
    assert_error(s.get("/api/establishments?sort=city", headers=world.sa), 400,
                 "VALIDATION_ERROR", "sort")
    assert_error(s.get("/api/establishments?isActive=1", headers=world.sa), 400,
                 "VALIDATION_ERROR", "isActive")


def test_isolation(world):
    s = world.server
    for who in ("mgr_a", "st_a"):
        assert_error(s.get(f"/api/establishments/{world.b}", headers=world.h(who)), 404,
                     "NOT_FOUND")
    m = world.h("mgr_a")
    assert_error(patch(s, f"/api/establishments/{world.b}", {"description": "x"}, m), 404,
                 "NOT_FOUND")
    assert_error(s.get(f"/api/establishments/{world.b}/payroll-settings", headers=m), 404,
                 "NOT_FOUND")
    assert_error(patch(s, f"/api/establishments/{world.b}/payroll-settings",
                       {"hoursPerDay": 7}, m), 404, "NOT_FOUND")
    for bad in (storedirect.new_id(), "nope"):
        assert_error(s.get(f"/api/establishments/{bad}", headers=world.sa), 404, "NOT_FOUND")
    assert_error(s.get("/api/establishments/nope"), 401, "UNAUTHORIZED")


def test_role_matrix(world):
    s = world.server
    e = world.a
    rows = [
        ("GET", "/api/establishments", None, {"sa": 200, "mgr_a": 200, "st_a": 200}),
        ("POST", "/api/establishments", "new", {"sa": 201, "mgr_a": 403, "st_a": 403}),
        ("GET", f"/api/establishments/{e}", None, {"sa": 200, "mgr_a": 200, "st_a": 200}),
        ("PATCH", f"/api/establishments/{e}", {"services": ["wifi"]},
         {"sa": 200, "mgr_a": 200, "st_a": 403}),
        ("DELETE", f"/api/establishments/{e}", None, {"sa": 409, "mgr_a": 403, "st_a": 403}),
        ("GET", f"/api/establishments/{e}/payroll-settings", None,
         {"sa": 200, "mgr_a": 200, "st_a": 403}),
        ("PATCH", f"/api/establishments/{e}/payroll-settings", {"hoursPerDay": 8},
         {"sa": 200, "mgr_a": 200, "st_a": 403}),
    ]
    n = 0
    for method, path, body, row in rows:
        assert_error(s.request(method, path, json=None if body == "new" else body), 401,
                     "UNAUTHORIZED")
        for who, status in row.items():
            n += 1
            payload = est_body(f"Matrix {n}") if body == "new" else body
            r = s.request(method, path, json=payload, headers=world.h(who))
            assert r.status_code == status, (method, path, who, r.text)


def test_patch_merge_and_restricted_fields(world):
    s = world.server
    e = world.create_est("Merge Hotel", description="Old text", services=["wifi"])
    m = world.token(world.create_user("mgr.merge@example.com", "manager", e), "manager", e)
    url = f"/api/establishments/{e}"
    before = assert_ok(s.get(url, headers=world.sa))
    after = assert_ok(patch(s, url, {"location": {"city": "Rumonge"}, "description": None,
                                     "services": ["pool"]}, m))
    assert after["location"] == dict(before["location"], city="Rumonge")
    assert after["description"] is None and after["services"] == ["pool"]
    assert audit_actions(s, e) == ["establishment.create", "establishment.update"]
    # unchanged restricted values are fine; a different value is 403, even with a valid change
    same = {"name": "Merge Hotel", "isActive": True, "currency": "BIF", "utcOffset": "+02:00",
            "businessDayStart": "06:00", "vatRateBps": 1800, "invoicePrefix": "INV",
            "creditNotePrefix": "CN"}
    assert assert_ok(patch(s, url, same, m))["updatedAt"] == after["updatedAt"]
    assert audit_actions(s, e) == ["establishment.create", "establishment.update"]
    for field, value in (("name", "Other"), ("isActive", False), ("currency", "USD"),
                         ("utcOffset", "+03:00"), ("businessDayStart", "05:00"),
                         ("vatRateBps", 0), ("invoicePrefix", "FAC"), ("creditNotePrefix", "AV")):
        assert_error(patch(s, url, {field: value, "services": []}, m), 403, "FORBIDDEN")
    assert assert_ok(s.get(url, headers=world.sa))["services"] == ["pool"]
    done = assert_ok(patch(s, url, {"vatRateBps": 0, "invoicePrefix": "FAC", "utcOffset": "+03:00",
                                    "currency": "EUR"}, world.sa))
    assert (done["vatRateBps"], done["invoicePrefix"], done["utcOffset"]) == (0, "FAC", "+03:00")
    ps = assert_ok(s.get(url + "/payroll-settings", headers=world.sa))
    assert ps["incomeTaxBrackets"] == [{"upTo": None, "rateBps": 0}]  # followed the currency
    # merge-patch validation
    assert_error(patch(s, url, {"name": None}, world.sa), 400, "VALIDATION_ERROR", "name",
                 "must not be null")
    assert_error(patch(s, url, {"location": {"lat": 100}}, world.sa), 400, "VALIDATION_ERROR",
                 "location.lat")
    assert_error(patch(s, url, {"checkInTime": "05:00"}, world.sa), 400, "VALIDATION_ERROR",
                 "checkInTime")
    assert_error(patch(s, url, {"images": [storedirect.new_id()]}, world.sa), 400,
                 "VALIDATION_ERROR", "images.0")
    assert_error(patch(s, url, {"payrollSettingz": {}}, world.sa), 400, "VALIDATION_ERROR",
                 "payrollSettingz", "unknown field")
    # null on an optional field falls back to its default
    assert assert_ok(patch(s, url, {"pendingTtlHours": None}, world.sa))["pendingTtlHours"] == 48


def test_immutable_fields_in_use(world):
    s = world.server
    e = world.create_est("Busy Hotel")
    url = f"/api/establishments/{e}"
    seed(s, "bookings", {"establishmentId": e, "status": "confirmed"})
    for field, value in (("utcOffset", "+01:00"), ("businessDayStart", "07:00")):
        assert_error(patch(s, url, {field: value}, world.sa), 409, "IN_USE", field)
    assert assert_ok(patch(s, url, {"currency": "USD"}, world.sa))["currency"] == "USD"
    seed(s, "employees", {"establishmentId": e, "firstName": "E"})
    assert_error(patch(s, url, {"currency": "BIF"}, world.sa), 409, "IN_USE", "currency")
    assert assert_ok(patch(s, url, {"checkInTime": "15:00"}, world.sa))["checkInTime"] == "15:00"
    assert_error(s.request("DELETE", url, headers=world.sa), 409, "IN_USE")


def test_accommodation_stats(world):
    s = world.server
    e = world.create_est("Counted Hotel")
    for mode in ("nightly", "hourly", "nightly"):
        seed(s, "accommodations", {"establishmentId": e, "pricingMode": mode})
    got = assert_ok(s.get(f"/api/establishments/{e}", headers=world.sa))
    assert got["accommodationCount"] == 3 and got["pricingModes"] == ["hourly", "nightly"]
    assert_error(patch(s, f"/api/establishments/{e}", {"currency": "USD"}, world.sa), 409,
                 "IN_USE", "currency")


def test_delete(world):
    s = world.server
    e = world.create_est("Short Lived")
    url = f"/api/establishments/{e}"
    assert_error(s.request("DELETE", url, headers=world.h("mgr_a")), 403, "FORBIDDEN")
    assert assert_ok(s.request("DELETE", url, headers=world.sa)) is None
    assert_error(s.request("DELETE", url, headers=world.sa), 404, "NOT_FOUND")
    assert_error(s.get(url, headers=world.sa), 404, "NOT_FOUND")
    assert audit_actions(s, e) == ["establishment.create", "establishment.delete"]
    assert_error(s.request("DELETE", f"/api/establishments/{world.a}", headers=world.sa), 409,
                 "IN_USE", "users")


@pytest.mark.parametrize("body,field,message", [
    ({"incomeTaxBrackets": [{"upTo": 100, "rateBps": 0}, {"upTo": 100, "rateBps": 10},
                            {"upTo": None, "rateBps": 20}]},
     "incomeTaxBrackets.1.upTo", "must be greater than the previous upTo"),
    ({"incomeTaxBrackets": [{"upTo": 100, "rateBps": 0}]}, "incomeTaxBrackets.0.upTo",
     "must be null for the last bracket"),
    ({"incomeTaxBrackets": [{"upTo": None, "rateBps": 0}, {"upTo": None, "rateBps": 0}]},
     "incomeTaxBrackets.0.upTo", "only the last bracket may be open (null)"),
    ({"incomeTaxBrackets": []}, "incomeTaxBrackets", "must have at least 1 items"),
    ({"allowanceRules": [{"code": "HOUSING", "label": "Housing", "rateBps": 500},
                         {"code": "HOUSING", "label": "Again", "amount": 1000}]},
     "allowanceRules.1.code", "duplicate code"),
    ({"allowanceRules": [{"code": "T", "label": "T", "rateBps": 500, "amount": 5}]},
     "allowanceRules.0", "must have exactly one of rateBps and amount"),
    ({"allowanceRules": [{"code": "T", "label": "T"}]}, "allowanceRules.0",
     "must have exactly one of rateBps and amount"),
    ({"allowanceRules": [{"code": "bad code", "label": "T", "amount": 1}]},
     "allowanceRules.0.code", "must match ^[A-Z0-9_]{1,30}$"),
    ({"deductionRules": [{"code": "A", "label": "A", "basis": "base", "rateBps": 1},
                         {"code": "A", "label": "B", "basis": "gross", "rateBps": 2}]},
     "deductionRules.1.code", "duplicate code"),
    ({"deductionRules": [{"code": "A", "label": "A", "basis": "net", "rateBps": 1}]},
     "deductionRules.0.basis", "must be one of: base, gross"),
    ({"workingDaysPerMonth": 32}, "workingDaysPerMonth", "must be at most 31"),
    ({"overtimeMultiplierBps": 9999}, "overtimeMultiplierBps", "must be at least 10000"),
    ({"taxFree": True}, "taxFree", "unknown field"),
])
def test_payroll_settings_validation(world, body, field, message):
    r = patch(world.server, f"/api/establishments/{world.a}/payroll-settings", body, world.sa)
    assert_error(r, 400, "VALIDATION_ERROR", field, message)


def test_payroll_settings_update(world):
    s = world.server
    e = world.create_est("Payroll Hotel")
    url = f"/api/establishments/{e}/payroll-settings"
    m = world.token(world.create_user("mgr.pay@example.com", "manager", e), "manager", e)
    ps = assert_ok(patch(s, url, {"hoursPerDay": 9, "allowanceRules": [
        {"code": "TRANSPORT", "label": "Transport", "amount": 20000},
        {"code": "HOUSING", "label": "Housing", "positions": ["Chef"], "rateBps": 1000}]}, m))
    assert ps["hoursPerDay"] == 9 and ps["workingDaysPerMonth"] == 22
    assert ps["allowanceRules"] == [
        {"code": "TRANSPORT", "label": "Transport", "positions": [], "rateBps": None,
         "amount": 20000},
        {"code": "HOUSING", "label": "Housing", "positions": ["Chef"], "rateBps": 1000,
         "amount": None}]
    assert ps["incomeTaxBrackets"] == BIF_BRACKETS
    assert assert_ok(s.get(url, headers=m)) == ps
    assert assert_ok(patch(s, url, {"hoursPerDay": 9}, m)) == ps  # no change, no audit
    assert audit_actions(s, e) == ["establishment.create", "payroll_settings.update"]
    entry = [d for d in docs(s, "audit") if d["action"] == "payroll_settings.update"
             and d["entityId"] == e][0]
    assert entry["entity"] == "payroll_settings" and entry["establishmentId"] == e
    assert {c["field"] for c in entry["changes"]} == {"hoursPerDay", "allowanceRules"}

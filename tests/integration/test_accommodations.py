"""test_accommodations.py: the accommodation endpoints of SPEC 7.5 (all but the calendar) on both
stores: flow F6 steps 1, 4 and 5, every rule of SPEC 4.4 with its exact detail, money as integers,
the establishment's currency, merge patch, images (4.14), DUPLICATE names, IN_USE, isolation, the
role rows of SPEC 3.3, lists and the audit entries."""
import json

import pytest

import storedirect
from harness import assert_error, assert_ok
from test_establishments import seed
from test_users import World, audit_actions, docs, patch

URL = "/api/accommodations"
MISSING = "f" * 24


@pytest.fixture(scope="module")
def world(server):
    return World(server)


def unit(name, **kw):
    body = {"name": name, "type": "suite", "pricingMode": "nightly",
            "pricing": {"basePrice": 50000,
                        "seasons": [{"name": "High", "from": "2027-07-01", "to": "2027-08-31",
                                     "price": 70000}]},
            "capacity": {"maxGuests": 2}}
    body.update(kw)
    return body


def create(world, body, who="mgr_a", status=201):
    r = world.server.post(URL, json=body, headers=world.h(who))
    return assert_ok(r, status) if status < 300 else r


def blocking_booking(world, acc, est, status="confirmed"):
    return seed(world.server, "bookings", {
        "accommodationId": acc, "establishmentId": est, "status": status,
        "checkIn": "2027-03-01T12:00:00Z", "checkOut": "2027-03-03T09:00:00Z"})


# ---- F6 (1): create ----------------------------------------------------------------------------

def test_f6_1_manager_creates_nightly_unit_with_seasons(world):
    s = world.server
    r = s.post(URL, json=unit("Suite Tanganyika", establishmentId=world.b, description="Lake view"),
               headers=world.h("mgr_a"))
    a = assert_ok(r, 201)
    assert r.headers["Location"] == f"{URL}/{a['id']}"
    assert a["establishmentId"] == world.a  # a manager's establishmentId is replaced by their own
    assert a["pricing"] == {"basePrice": 50000, "currency": "BIF", "minHours": None,
                            "seasons": [{"name": "High", "from": "2027-07-01",
                                         "to": "2027-08-31", "price": 70000}]}
    assert a["capacity"] == {"maxGuests": 2, "bedrooms": 0, "bathrooms": 0, "showers": 0,
                             "livingRooms": 0, "kitchens": 0, "balconies": 0}
    assert a["details"] == {"floor": None, "areaM2": None, "view": None, "bedType": None}
    assert (a["amenities"], a["images"], a["status"], a["housekeepingStatus"]) == \
        ([], [], "available", "clean")
    assert a["description"] == "Lake view" and a["type"] == "suite"
    assert not {"nameKey", "version"} & set(a)
    assert a["createdAt"].endswith("Z") and a["updatedAt"] == a["createdAt"]
    assert assert_ok(s.get(f"{URL}/{a['id']}", headers=world.h("st_a"))) == a
    stored = storedirect.get(s, "accommodations", a["id"])
    assert stored["nameKey"] == "suite tanganyika"
    # overlapping seasons -> 400 naming the later season
    body = unit("Overlap Suite")
    body["pricing"]["seasons"].append({"name": "Peak", "from": "2027-08-31", "to": "2027-09-10",
                                       "price": 90000})
    assert_error(s.post(URL, json=body, headers=world.h("mgr_a")), 400, "VALIDATION_ERROR",
                 "pricing.seasons.1", "overlaps pricing.seasons.0")
    # the same call by staff -> 403
    assert_error(s.post(URL, json=unit("Staff Suite"), headers=world.h("st_a")), 403, "FORBIDDEN")
    # audit: accommodation.create with every field, old null
    assert audit_actions(s, a["id"]) == ["accommodation.create"]
    entry = [d for d in docs(s, "audit") if d.get("entityId") == a["id"]][0]
    assert entry["establishmentId"] == world.a and entry["entity"] == "accommodation"
    fields = {c["field"] for c in entry["changes"]}
    assert {"name", "pricing.basePrice", "pricing.currency", "capacity.maxGuests"} <= fields
    assert all(c["old"] is None for c in entry["changes"]) and "nameKey" not in fields


def test_modes_and_min_hours(world):
    hourly = create(world, unit("Day room", type="standard_room", pricingMode="hourly",
                                pricing={"basePrice": 10000}))
    assert hourly["pricing"]["minHours"] == 1 and hourly["pricing"]["seasons"] == []
    two = create(world, unit("Day room 2", pricingMode="hourly",
                             pricing={"basePrice": 10000, "minHours": 2}))
    assert two["pricing"]["minHours"] == 2
    monthly = create(world, unit("Apartment", type="apartment", pricingMode="monthly",
                                 pricing={"basePrice": 900000}))
    assert monthly["pricing"]["minHours"] is None
    for mode in ("nightly", "monthly"):
        r = world.server.post(URL, json=unit("Bad", pricingMode=mode,
                                             pricing={"basePrice": 1, "minHours": 1}),
                              headers=world.h("mgr_a"))
        assert_error(r, 400, "VALIDATION_ERROR", "pricing.minHours",
                     "only allowed when pricingMode is hourly")


def test_super_admin_establishment_and_currency(world):
    s = world.server
    usd = world.create_est("Dollar Lodge", currency="USD")
    a = create(world, unit("Dollar Suite", establishmentId=usd), who="sa")
    assert a["establishmentId"] == usd and a["pricing"]["currency"] == "USD"
    # pricing.currency is server-owned: ignored on input
    body = unit("Euro Try", establishmentId=usd)
    body["pricing"]["currency"] = "EUR"
    assert create(world, body, who="sa")["pricing"]["currency"] == "USD"
    assert_error(s.post(URL, json=unit("No Est"), headers=world.sa), 400, "VALIDATION_ERROR",
                 "establishmentId", "required")
    assert_error(s.post(URL, json=unit("Bad Est", establishmentId="xyz"), headers=world.sa), 400,
                 "VALIDATION_ERROR", "establishmentId")
    err = assert_error(s.post(URL, json=unit("Ghost Est", establishmentId=MISSING),
                              headers=world.sa), 404, "NOT_FOUND")
    assert err["details"] == [{"field": "establishmentId", "message": "not found"}]


# ---- validation --------------------------------------------------------------------------------

def _set(path, value):
    def mutate(body):
        node = body
        keys = path.split(".")
        for k in keys[:-1]:
            node = node.setdefault(k, {}) if not k.isdigit() else node[int(k)]
        if value is KeyError:
            del node[keys[-1]]
        else:
            node[keys[-1]] = value
    return mutate


SEASON = {"name": "S", "from": "2027-01-01", "to": "2027-01-02", "price": 5}
RULES = [
    ("name", KeyError, "name", "required"),
    ("name", "x" * 101, "name", "must be at most 100 characters"),
    ("name", "   ", "name", "required"),
    ("description", "x" * 2001, "description", "must be at most 2000 characters"),
    ("type", "villa", "type", "must be one of: standard_room, suite, house, apartment"),
    ("type", KeyError, "type", "required"),
    ("pricingMode", "weekly", "pricingMode", "must be one of: nightly, monthly, hourly"),
    ("pricing", KeyError, "pricing", "required"),
    ("pricing.basePrice", KeyError, "pricing.basePrice", "required"),
    ("pricing.basePrice", 0, "pricing.basePrice", "must be at least 1"),
    ("pricing.basePrice", 10**12 + 1, "pricing.basePrice", "must be at most 1000000000000"),
    ("pricing.basePrice", 100.0, "pricing.basePrice", "must be an integer"),
    ("pricing.basePrice", "100", "pricing.basePrice", "must be an integer"),
    ("pricing.seasons", [SEASON] * 51, "pricing.seasons", "must have at most 50 items"),
    ("pricing.seasons", [dict(SEASON, price=0)], "pricing.seasons.0.price", "must be at least 1"),
    ("pricing.seasons", [dict(SEASON, price=5.5)], "pricing.seasons.0.price",
     "must be an integer"),
    ("pricing.seasons", [dict(SEASON, name="")], "pricing.seasons.0.name", "required"),
    ("pricing.seasons", [dict(SEASON, name="n" * 51)], "pricing.seasons.0.name",
     "must be at most 50 characters"),
    ("pricing.seasons", [dict(SEASON, to="2027-02-30")], "pricing.seasons.0.to",
     "must be a valid date (YYYY-MM-DD)"),
    ("pricing.seasons", [{"name": "S", "to": "2027-01-02", "price": 5}],
     "pricing.seasons.0.from", "required"),
    ("pricing.seasons", [dict(SEASON, **{"from": "2027-01-03"})], "pricing.seasons.0.to",
     "must not be before from"),
    ("pricing.seasons", [SEASON, dict(SEASON, **{"from": "2027-01-02", "to": "2027-01-05"})],
     "pricing.seasons.1", "overlaps pricing.seasons.0"),
    ("pricing.seasons", [SEASON, dict(SEASON, extra=1)], "pricing.seasons.1.extra",
     "unknown field"),
    ("pricing.minHours", 1, "pricing.minHours", "only allowed when pricingMode is hourly"),
    ("pricing.discount", 5, "pricing.discount", "unknown field"),
    ("capacity", KeyError, "capacity", "required"),
    ("capacity.maxGuests", KeyError, "capacity.maxGuests", "required"),
    ("capacity.maxGuests", 0, "capacity.maxGuests", "must be at least 1"),
    ("capacity.maxGuests", 51, "capacity.maxGuests", "must be at most 50"),
    ("capacity.bedrooms", -1, "capacity.bedrooms", "must be at least 0"),
    ("capacity.balconies", 51, "capacity.balconies", "must be at most 50"),
    ("capacity.kitchens", 1.5, "capacity.kitchens", "must be an integer"),
    ("details.floor", -6, "details.floor", "must be at least -5"),
    ("details.floor", 201, "details.floor", "must be at most 200"),
    ("details.areaM2", 0, "details.areaM2", None),
    ("details.areaM2", 100001, "details.areaM2", None),
    ("details.view", "v" * 101, "details.view", "must be at most 100 characters"),
    ("details.bedType", "b" * 51, "details.bedType", "must be at most 50 characters"),
    ("amenities", ["wifi"] * 51, "amenities", "must have at most 50 items"),
    ("amenities", ["a" * 51], "amenities.0", "must be at most 50 characters"),
    ("status", "closed", "status", "must be one of: available, out_of_service"),
    ("housekeepingStatus", "messy", "housekeepingStatus",
     "must be one of: clean, dirty, inspected"),
    ("color", "red", "color", "unknown field"),
]


@pytest.mark.parametrize("path,value,field,message", RULES,
                         ids=[f"{r[0]}={str(r[1])[:20]}" for r in RULES])
def test_validation_rule(world, path, value, field, message):
    body = unit("Validation unit")
    if path.startswith("pricing.seasons") or path == "pricing.minHours":
        body["pricing"].pop("seasons")
    _set(path, value)(body)
    assert_error(world.server.post(URL, json=body, headers=world.h("mgr_a")), 400,
                 "VALIDATION_ERROR", field, message)


def test_money_as_exponent_is_refused(world):
    raw = json.dumps(unit("Exponent")).replace('"basePrice": 50000', '"basePrice": 5e4')
    r = world.server.post(URL, data=raw, headers=dict(world.h("mgr_a"),
                                                      **{"Content-Type": "application/json"}))
    assert_error(r, 400, "VALIDATION_ERROR", "pricing.basePrice", "must be an integer")


def test_bounds_accepted_and_images_ignored_on_create(world):
    body = unit("Bounds", images=[storedirect.new_id()], details={"floor": -5, "areaM2": 100000,
                                                                    "view": "v" * 100},
                pricing={"basePrice": 10**12}, capacity={"maxGuests": 50, "bedrooms": 50},
                amenities=["a" * 50] * 50)
    a = create(world, body)
    assert a["images"] == [] and a["pricing"]["basePrice"] == 10**12
    assert a["details"] == {"floor": -5, "areaM2": 100000, "view": "v" * 100, "bedType": None}


# ---- duplicates --------------------------------------------------------------------------------

def test_duplicate_name_case_insensitive(world):
    s = world.server
    create(world, unit("Chambre Ruzizi"))
    err = assert_error(s.post(URL, json=unit("  CHAMBRE ruzizi "), headers=world.h("mgr_a")), 409,
                       "DUPLICATE")
    assert err["details"] == [{"field": "name", "message": "already used"}]
    create(world, unit("chambre RUZIZI"), who="mgr_b")  # another establishment: fine
    other = create(world, unit("Chambre Kibira"))
    assert_error(patch(s, f"{URL}/{other['id']}", {"name": "CHAMBRE RUZIZI"}, world.h("mgr_a")),
                 409, "DUPLICATE")
    # renaming a unit to another case of its own name is not a duplicate
    assert assert_ok(patch(s, f"{URL}/{other['id']}", {"name": "CHAMBRE KIBIRA"},
                           world.h("mgr_a")))["name"] == "CHAMBRE KIBIRA"


# ---- merge patch -------------------------------------------------------------------------------

def test_merge_patch_semantics(world):
    s = world.server
    a = create(world, unit("Patch Suite", description="Old", details={"floor": 3, "view": "lake"},
                           amenities=["wifi", "tv"]))
    url, m = f"{URL}/{a['id']}", world.h("mgr_a")
    b = assert_ok(patch(s, url, {"description": None, "details": {"floor": 4},
                                 "pricing": {"basePrice": 55000}, "amenities": ["tv"]}, m))
    assert b["description"] is None and b["amenities"] == ["tv"]
    assert b["details"] == {"floor": 4, "areaM2": None, "view": "lake", "bedType": None}
    assert b["pricing"]["basePrice"] == 55000 and b["pricing"]["seasons"] == a["pricing"]["seasons"]
    assert b["createdAt"] == a["createdAt"]
    # arrays are replaced whole
    c = assert_ok(patch(s, url, {"pricing": {"seasons": []}}, m))
    assert c["pricing"]["seasons"] == [] and c["pricing"]["basePrice"] == 55000
    # null on a required field -> 400
    assert_error(patch(s, url, {"name": None}, m), 400, "VALIDATION_ERROR", "name",
                 "must not be null")
    assert_error(patch(s, url, {"capacity": {"maxGuests": None}}, m), 400, "VALIDATION_ERROR",
                 "capacity.maxGuests", "must not be null")
    assert_error(patch(s, url, {"pricing": {"basePrice": 1.5}}, m), 400, "VALIDATION_ERROR",
                 "pricing.basePrice", "must be an integer")
    assert_error(patch(s, url, {"bogus": 1}, m), 400, "VALIDATION_ERROR", "bogus", "unknown field")
    # the merged document is validated: overlapping seasons
    assert_error(patch(s, url, {"pricing": {"seasons": [SEASON, SEASON]}}, m), 400,
                 "VALIDATION_ERROR", "pricing.seasons.1", "overlaps pricing.seasons.0")
    # nothing changed -> 200 without an audit entry; server fields are ignored
    before = audit_actions(s, a["id"])
    same = assert_ok(patch(s, url, {"description": None, "pricing": {"currency": "USD"},
                                    "id": MISSING, "createdAt": "2020-01-01T00:00:00Z"}, m))
    assert same == c and audit_actions(s, a["id"]) == before
    assert before == ["accommodation.create", "accommodation.update", "accommodation.update"]
    entry = [d for d in docs(s, "audit") if d.get("entityId") == a["id"]
             and d["action"] == "accommodation.update"][0]
    changed = {ch["field"]: (ch["old"], ch["new"]) for ch in entry["changes"]}
    assert changed == {"description": ("Old", None), "details.floor": (3, 4),
                       "pricing.basePrice": (50000, 55000), "amenities": (["wifi", "tv"], ["tv"])}


def test_patch_establishment_id(world):
    s = world.server
    a = create(world, unit("Anchored"))
    url = f"{URL}/{a['id']}"
    # a manager's establishmentId is ignored
    r = assert_ok(patch(s, url, {"establishmentId": world.b, "status": "out_of_service"},
                        world.h("mgr_a")))
    assert r["establishmentId"] == world.a and r["status"] == "out_of_service"
    # super_admin: the same value is fine, another one is refused
    assert assert_ok(patch(s, url, {"establishmentId": world.a}, world.sa)) == r
    assert_error(patch(s, url, {"establishmentId": world.b}, world.sa), 400, "VALIDATION_ERROR",
                 "establishmentId", "cannot be changed")


def test_patch_pricing_mode(world):
    s = world.server
    a = create(world, unit("Switcher"))
    url, m = f"{URL}/{a['id']}", world.h("mgr_a")
    h = assert_ok(patch(s, url, {"pricingMode": "hourly"}, m))
    assert h["pricing"]["minHours"] == 1
    h = assert_ok(patch(s, url, {"pricing": {"minHours": 3}}, m))
    assert h["pricing"]["minHours"] == 3
    # leaving hourly drops the stored minHours; naming it explicitly is refused
    assert_error(patch(s, url, {"pricingMode": "nightly", "pricing": {"minHours": 3}}, m), 400,
                 "VALIDATION_ERROR", "pricing.minHours")
    n = assert_ok(patch(s, url, {"pricingMode": "monthly"}, m))
    assert n["pricingMode"] == "monthly" and n["pricing"]["minHours"] is None
    assert_error(patch(s, url, {"pricing": {"minHours": 2}}, m), 400, "VALIDATION_ERROR",
                 "pricing.minHours", "only allowed when pricingMode is hourly")


# ---- F6 (4), (5): IN_USE ------------------------------------------------------------------------

def test_f6_4_pricing_mode_change_with_blocking_booking(world):
    s = world.server
    a = create(world, unit("Booked Suite"))
    url, m = f"{URL}/{a['id']}", world.h("mgr_a")
    seed(s, "bookings", {"accommodationId": a["id"], "establishmentId": world.a,
                         "status": "cancelled"})
    assert_ok(patch(s, url, {"pricingMode": "monthly"}, m))  # a cancelled booking does not block
    blocking_booking(world, a["id"], world.a)
    err = assert_error(patch(s, url, {"pricingMode": "hourly"}, m), 409, "IN_USE")
    assert err["details"] == [{"field": "pricingMode", "message": "blocking bookings exist"}]
    # other changes remain possible; existing bookings are untouched
    assert assert_ok(patch(s, url, {"pricing": {"basePrice": 60000}}, m))["pricing"][
        "basePrice"] == 60000
    assert storedirect.get(s, "accommodations", a["id"])["pricingMode"] == "monthly"


@pytest.mark.parametrize("coll,status", [("bookings", "completed"), ("bookings", "confirmed"),
                                         ("maintenance", "open")])
def test_f6_5_delete_referenced_unit(world, coll, status):
    s = world.server
    a = create(world, unit(f"Referenced {coll} {status}"))
    seed(s, coll, {"accommodationId": a["id"], "establishmentId": world.a, "status": status})
    err = assert_error(s.request("DELETE", f"{URL}/{a['id']}", headers=world.h("mgr_a")), 409,
                       "IN_USE")
    assert err["details"][0]["field"] == coll
    assert_ok(s.get(f"{URL}/{a['id']}", headers=world.h("mgr_a")))


def test_delete(world):
    s = world.server
    a = create(world, unit("Short-lived"))
    assert assert_ok(s.request("DELETE", f"{URL}/{a['id']}", headers=world.h("mgr_a"))) is None
    assert_error(s.get(f"{URL}/{a['id']}", headers=world.h("mgr_a")), 404, "NOT_FOUND")
    assert audit_actions(s, a["id"]) == ["accommodation.create", "accommodation.delete"]
    entry = [d for d in docs(s, "audit") if d.get("entityId") == a["id"]][-1]
    assert all(c["new"] is None for c in entry["changes"])
    # the name is free again
    create(world, unit("Short-lived"))


# ---- images ------------------------------------------------------------------------------------

def image_doc(world, acc):
    return storedirect.insert(world.server, "images", {
        "establishmentId": world.a, "purpose": "accommodation", "accommodationId": acc,
        "ownerId": None, "sourceFilename": "room.jpg", "mimeType": "image/jpeg",
        "sha256": "0" * 64, "bytes": 10, "width": 10, "height": 10, "sizes": {},
        "uploadedBy": world.mgr_a, "createdAt": "2026-01-01T00:00:00Z",
        "updatedAt": "2026-01-01T00:00:00Z"})


def test_images_reorder_remove_and_delete(world):
    s = world.server
    a = create(world, unit("Gallery"))
    ids = [image_doc(world, a["id"]) for _ in range(3)]
    assert storedirect.set_field_where(s, "accommodations", "id", a["id"], "images", ids) == 1
    url, m = f"{URL}/{a['id']}", world.h("mgr_a")
    got = assert_ok(s.get(url, headers=m))["images"]
    assert [i["id"] for i in got] == ids
    assert got[0] == {"id": ids[0], "url": f"/api/images/{ids[0]}/full",
                      "thumbnails": {k: f"/api/images/{ids[0]}/{k}"
                                     for k in ("small", "medium", "large")}}
    # reorder
    r = assert_ok(patch(s, url, {"images": [ids[2], ids[0], ids[1]]}, m))
    assert [i["id"] for i in r["images"]] == [ids[2], ids[0], ids[1]]
    # an id that is not the unit's -> 400 images.N, nothing deleted
    assert_error(patch(s, url, {"images": [ids[2], storedirect.new_id()]}, m), 400,
                 "VALIDATION_ERROR", "images.1", "not an image of this accommodation")
    assert_error(patch(s, url, {"images": ["nope"]}, m), 400, "VALIDATION_ERROR", "images.0")
    assert all(storedirect.get(s, "images", i) for i in ids)
    # remove -> the image is deleted in the same unit of work
    r = assert_ok(patch(s, url, {"images": [ids[0], ids[1]]}, m))
    assert [i["id"] for i in r["images"]] == [ids[0], ids[1]]
    assert storedirect.get(s, "images", ids[2]) is None
    assert storedirect.get(s, "images", ids[0])
    # delete of the unit deletes its images
    assert_ok(s.request("DELETE", url, headers=m))
    assert storedirect.get(s, "images", ids[0]) is None
    assert storedirect.get(s, "images", ids[1]) is None


# ---- housekeeping ------------------------------------------------------------------------------

def test_housekeeping(world):
    s = world.server
    a = create(world, unit("Housekept"))
    url = f"{URL}/{a['id']}/housekeeping"
    r = assert_ok(patch(s, url, {"housekeepingStatus": "dirty"}, world.h("st_a")))
    assert r["housekeepingStatus"] == "dirty" and r["updatedAt"] >= a["updatedAt"]
    assert {k: v for k, v in r.items() if k not in ("housekeepingStatus", "updatedAt")} == \
        {k: v for k, v in a.items() if k not in ("housekeepingStatus", "updatedAt")}
    assert assert_ok(patch(s, url, {"housekeepingStatus": "dirty"}, world.h("mgr_a"))) == r
    assert_ok(patch(s, url, {"housekeepingStatus": "inspected"}, world.sa))
    assert audit_actions(s, a["id"]) == ["accommodation.create", "accommodation.update",
                                         "accommodation.update"]
    entry = [d for d in docs(s, "audit") if d.get("entityId") == a["id"]][1]
    assert entry["changes"] == [{"field": "housekeepingStatus", "old": "clean", "new": "dirty"}]
    assert entry["actorRole"] == "staff"
    assert_error(patch(s, url, {}, world.h("st_a")), 400, "VALIDATION_ERROR",
                 "housekeepingStatus", "required")
    assert_error(patch(s, url, {"housekeepingStatus": "shiny"}, world.h("st_a")), 400,
                 "VALIDATION_ERROR", "housekeepingStatus")
    assert_error(patch(s, url, {"housekeepingStatus": "clean", "status": "available"},
                       world.h("st_a")), 400, "VALIDATION_ERROR", "status", "unknown field")
    assert_error(patch(s, url, {"housekeepingStatus": None}, world.h("st_a")), 400,
                 "VALIDATION_ERROR", "housekeepingStatus")


# ---- roles and isolation -----------------------------------------------------------------------

def test_role_rows(world):
    s = world.server
    a = create(world, unit("Role Suite"))
    url = f"{URL}/{a['id']}"
    st = world.h("st_a")
    assert_error(patch(s, url, {"name": "X"}, st), 403, "FORBIDDEN")
    assert_error(s.request("DELETE", url, headers=st), 403, "FORBIDDEN")
    assert_ok(s.get(url, headers=st))
    assert_ok(s.get(URL, headers=st))
    assert_error(s.get(URL), 401, "UNAUTHORIZED")
    # super_admin may do everything on any establishment's unit
    assert assert_ok(patch(s, url, {"name": "Role Suite SA"}, world.sa))["name"] == "Role Suite SA"


def test_isolation(world):
    s = world.server
    b = create(world, unit("B's suite"), who="mgr_b")
    for who in ("mgr_a", "st_a"):
        h = world.h(who)
        for method, path, body in [("GET", f"{URL}/{b['id']}", None),
                                   ("PATCH", f"{URL}/{b['id']}", {"description": "x"}),
                                   ("DELETE", f"{URL}/{b['id']}", None),
                                   ("PATCH", f"{URL}/{b['id']}/housekeeping",
                                    {"housekeepingStatus": "dirty"})]:
            if who == "st_a" and method == "DELETE":
                continue
            if who == "st_a" and path == f"{URL}/{b['id']}" and method == "PATCH":
                continue
            r = s.request(method, path, json=body, headers=h)
            missing = s.request(method, path.replace(b["id"], MISSING), json=body, headers=h)
            malformed = s.request(method, path.replace(b["id"], "zz"), json=body, headers=h)
            assert_error(r, 404, "NOT_FOUND")
            assert r.json()["error"] == missing.json()["error"] == malformed.json()["error"]
    assert storedirect.get(s, "accommodations", b["id"])["housekeepingStatus"] == "clean"
    # lists: a manager's establishmentId filter is ignored
    listed = assert_ok(s.get(URL, params={"establishmentId": world.b, "limit": 100},
                             headers=world.h("mgr_a")))
    assert listed and all(x["establishmentId"] == world.a for x in listed)
    listed = assert_ok(s.get(URL, params={"establishmentId": world.b, "limit": 100},
                             headers=world.sa))
    assert listed and all(x["establishmentId"] == world.b for x in listed)


# ---- lists -------------------------------------------------------------------------------------

def test_list_filters_sort_and_search(world):
    s = world.server
    est = world.create_est("List Lodge")
    mk = lambda name, **kw: create(world, unit(name, establishmentId=est, **kw), who="sa")
    u1 = mk("Alpha room", type="standard_room", pricing={"basePrice": 300},
            capacity={"maxGuests": 1}, description="Quiet garden side")
    u2 = mk("bravo suite", pricing={"basePrice": 100}, capacity={"maxGuests": 4})
    u3 = mk("Charlie flat", type="apartment", pricingMode="monthly", pricing={"basePrice": 200},
            capacity={"maxGuests": 3}, status="out_of_service", housekeepingStatus="dirty")
    u4 = mk("Delta day room", pricingMode="hourly", pricing={"basePrice": 400},
            capacity={"maxGuests": 2}, description="GARDEN view")

    def names(**params):
        r = s.get(URL, params=dict(params, establishmentId=est), headers=world.sa)
        return [x["name"] for x in assert_ok(r)]

    assert names() == ["Alpha room", "bravo suite", "Charlie flat", "Delta day room"]
    assert names(sort="-name") == ["Delta day room", "Charlie flat", "bravo suite", "Alpha room"]
    assert names(sort="basePrice") == ["bravo suite", "Charlie flat", "Alpha room",
                                       "Delta day room"]
    assert names(sort="-basePrice")[0] == "Delta day room"
    assert sorted(names(sort="-createdAt")) == sorted(names())  # same second: ties by id
    assert names(type="suite") == ["bravo suite", "Delta day room"]
    assert names(type="apartment,standard_room") == ["Alpha room", "Charlie flat"]
    assert names(pricingMode="monthly,hourly") == ["Charlie flat", "Delta day room"]
    assert names(status="out_of_service") == ["Charlie flat"]
    assert names(housekeepingStatus="clean") == ["Alpha room", "bravo suite", "Delta day room"]
    assert names(minGuests="3") == ["bravo suite", "Charlie flat"]
    assert names(q="garden") == ["Alpha room", "Delta day room"]
    assert names(q="BRAVO") == ["bravo suite"]
    assert names(q="%") == []
    r = s.get(URL, params={"establishmentId": est, "limit": 2, "page": 2}, headers=world.sa)
    assert r.json()["pagination"] == {"page": 2, "limit": 2, "total": 4, "totalPages": 2,
                                      "hasNextPage": False, "hasPrevPage": True}
    assert [x["id"] for x in r.json()["data"]] == [u3["id"], u4["id"]]
    assert u1["id"] and u2["id"]
    for params, field in [({"sort": "price"}, "sort"), ({"type": "villa"}, "type"),
                          ({"minGuests": "0"}, "minGuests"), ({"minGuests": "x"}, "minGuests"),
                          ({"status": "closed"}, "status"), ({"establishmentId": "x"},
                                                             "establishmentId"),
                          ({"capacity": "2"}, "capacity")]:
        assert_error(s.get(URL, params=params, headers=world.sa), 400, "VALIDATION_ERROR", field)

"""test_public_catalogue.py: the anonymous catalogue of SPEC 7.4 on both stores: flow F1 steps
(1)-(4), the PublicEstablishment (4.3) and PublicAccommodation (4.4) projections, inactive
establishments and out_of_service units hidden (404 on reads), the geo search (haversine distances,
radius boundary, antimeridian, poles, pagination by distance), filters, sorts and query errors."""
import math

import pytest

import identity
from harness import assert_error, assert_ok

PASSWORD = "pub-pass-123"
R_KM = 6371.0088
BUJUMBURA = (-3.3822, 29.3644)
GITEGA = (-3.4264, 29.9246)
KIGALI = (-1.9441, 30.0619)

PUBLIC_EST_KEYS = {"id", "name", "description", "location", "contacts", "services", "images",
                   "utcOffset", "checkInTime", "checkOutTime", "currency", "pricingModes",
                   "accommodationCount"}
PUBLIC_ACC_KEYS = {"id", "establishmentId", "name", "description", "type", "pricingMode",
                   "pricing", "capacity", "details", "amenities", "images"}


def haversine(a, b):
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = math.radians(b[0] - a[0]), math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R_KM * math.asin(math.sqrt(min(1.0, h)))


def km1(d):
    """distanceKm as the server rounds it: half up at 1 decimal."""
    return math.floor(d * 10 + 0.5) / 10


def est_body(name, city, lat, lng, **kw):
    body = {"name": name, "location": {"city": city, "address": "1 Avenue", "lat": lat, "lng": lng},
            "contacts": {"phones": ["+25779000000"], "email": "desk@example.com"}}
    body.update(kw)
    return body


def acc_body(est, name, typ, mode, price, guests, **kw):
    body = {"establishmentId": est, "name": name, "type": typ, "pricingMode": mode,
            "pricing": {"basePrice": price}, "capacity": {"maxGuests": guests}}
    if mode == "hourly":
        body["pricing"]["minHours"] = 2
    body.update(kw)
    return body


class World:
    def __init__(self, srv):
        self.srv = srv
        admin = identity.create_admin(srv, "pub-admin@example.com", PASSWORD)
        self.sa = identity.bearer(identity.mint_token(srv, admin, "super_admin"))
        self.est, self.coords, self.acc = {}, {}, {}

    def establishment(self, key, name, city, coords, **kw):
        r = self.srv.post("/api/establishments", headers=self.sa,
                          json=est_body(name, city, coords[0], coords[1], **kw))
        self.est[key] = assert_ok(r, 201)["id"]
        self.coords[key] = coords

    def unit(self, key, est, name, typ, mode, price, guests, **kw):
        r = self.srv.post("/api/accommodations", headers=self.sa,
                          json=acc_body(self.est[est], name, typ, mode, price, guests, **kw))
        self.acc[key] = assert_ok(r, 201)["id"]


@pytest.fixture(scope="module")
def world(start_server):
    w = World(start_server())
    w.establishment("A", "Hotel du Lac", "Bujumbura", BUJUMBURA,
                    description="Beach front on Lake Tanganyika", services=["wifi", "pool"])
    w.establishment("C", "Club Kiriri", "bujumbura", (-3.3601, 29.3805))
    w.establishment("B", "Gitega Lodge", "Gitega", GITEGA)
    w.establishment("K", "Mille Collines", "Kigali", KIGALI, currency="USD")
    w.establishment("X", "Shuttered Inn", "Bujumbura", (-3.3830, 29.3650))
    w.establishment("F", "Taveuni Edge", "Taveuni", (-16.5, 179.9))
    w.establishment("P", "Polar Station", "Nowhere", (89.5, 0.0))
    w.unit("lac", "A", "Suite Lac", "suite", "nightly", 120000, 2, description="Lake view suite",
           amenities=["wifi"], details={"floor": 2, "view": "lake"})
    w.unit("royale", "A", "Suite Royale", "suite", "nightly", 200000, 4)
    w.unit("broken", "A", "Suite Broken", "suite", "nightly", 90000, 3, status="out_of_service")
    w.unit("room", "A", "Room 101", "standard_room", "nightly", 50000, 2)
    w.unit("hour", "A", "Studio Hour", "standard_room", "hourly", 10000, 1)
    w.unit("maison", "B", "Maison Gitega", "house", "monthly", 900000, 6,
           description="A house with a garden")
    w.unit("apt", "K", "Kigali Apartment", "apartment", "monthly", 150000, 3)
    w.unit("hidden", "X", "Hidden Suite", "suite", "nightly", 1000, 2)
    r = w.srv.request("PATCH", f"/api/establishments/{w.est['X']}", headers=w.sa,
                      json={"isActive": False})
    assert_ok(r)
    return w


def get(w, path, **params):
    return w.srv.get(path, params=params)


def names(data):
    return [d["name"] for d in data]


# ---- F1 ---------------------------------------------------------------------------------------


def test_f1_1_city_lists_active_only(world):
    r = get(world, "/api/public/establishments", city="Bujumbura")
    data = assert_ok(r)
    assert names(data) == ["Club Kiriri", "Hotel du Lac"]  # "bujumbura" matches; inactive hidden
    assert r.json()["pagination"] == {"page": 1, "limit": 20, "total": 2, "totalPages": 1,
                                      "hasNextPage": False, "hasPrevPage": False}
    for e in data:
        assert set(e) == PUBLIC_EST_KEYS
    assert names(assert_ok(get(world, "/api/public/establishments", city="BUJUMBURA"))) == \
        ["Club Kiriri", "Hotel du Lac"]
    assert assert_ok(get(world, "/api/public/establishments", city="Bujumbur")) == []


def test_f1_2_read_and_inactive_404(world):
    e = assert_ok(world.srv.get(f"/api/public/establishments/{world.est['A']}"))
    assert set(e) == PUBLIC_EST_KEYS
    assert e["id"] == world.est["A"] and e["name"] == "Hotel du Lac"
    assert e["location"] == {"city": "Bujumbura", "address": "1 Avenue", "country": "BI",
                             "lat": -3.3822, "lng": 29.3644}
    assert e["contacts"] == {"phones": ["+25779000000"], "email": "desk@example.com",
                             "website": None}
    assert e["description"] == "Beach front on Lake Tanganyika"
    assert e["services"] == ["wifi", "pool"] and e["images"] == []
    assert (e["utcOffset"], e["checkInTime"], e["checkOutTime"], e["currency"]) == \
        ("+02:00", "14:00", "11:00", "BIF")
    # computed like the back-office view: every unit of the establishment
    assert e["accommodationCount"] == 5 and e["pricingModes"] == ["hourly", "nightly"]
    missing = world.srv.get("/api/public/establishments/" + "f" * 24)
    assert_error(missing, 404, "NOT_FOUND")
    for bad in (world.est["X"], "not-an-id", world.est["A"].upper()):
        r = world.srv.get("/api/public/establishments/" + bad)
        assert_error(r, 404, "NOT_FOUND")
        assert r.json() == missing.json()


def test_f1_3_accommodations_of_a(world):
    r = get(world, "/api/public/accommodations", establishmentId=world.est["A"], guests="2",
            type="suite", sort="basePrice")
    data = assert_ok(r)
    assert names(data) == ["Suite Lac", "Suite Royale"]  # Suite Broken is out_of_service
    for a in data:
        assert set(a) == PUBLIC_ACC_KEYS
        assert "status" not in a and "housekeepingStatus" not in a
    lac = data[0]
    assert lac["id"] == world.acc["lac"] and lac["establishmentId"] == world.est["A"]
    assert lac["pricing"]["basePrice"] == 120000 and lac["pricing"]["currency"] == "BIF"
    assert lac["capacity"]["maxGuests"] == 2 and lac["amenities"] == ["wifi"]
    assert lac["details"]["floor"] == 2 and lac["images"] == []
    assert lac["description"] == "Lake view suite"


def test_f1_4_accommodation_read(world):
    a = assert_ok(world.srv.get(f"/api/public/accommodations/{world.acc['lac']}"))
    assert set(a) == PUBLIC_ACC_KEYS | {"establishment"}
    assert a["name"] == "Suite Lac"
    assert a["establishment"] == {
        "id": world.est["A"], "name": "Hotel du Lac",
        "location": {"city": "Bujumbura", "address": "1 Avenue", "country": "BI",
                     "lat": -3.3822, "lng": 29.3644},
        "checkInTime": "14:00", "checkOutTime": "11:00"}
    missing = world.srv.get("/api/public/accommodations/" + "f" * 24)
    assert_error(missing, 404, "NOT_FOUND")
    for bad in (world.acc["broken"], world.acc["hidden"], "xyz", world.est["A"]):
        r = world.srv.get("/api/public/accommodations/" + bad)
        assert_error(r, 404, "NOT_FOUND")
        assert r.json() == missing.json()


# ---- establishments: filters, sorts, errors --------------------------------------------------


def test_establishments_list_hides_inactive_and_sorts(world):
    data = assert_ok(get(world, "/api/public/establishments"))
    assert names(data) == ["Club Kiriri", "Gitega Lodge", "Hotel du Lac", "Mille Collines",
                           "Polar Station", "Taveuni Edge"]
    desc = assert_ok(get(world, "/api/public/establishments", sort="-name"))
    assert names(desc) == list(reversed(names(data)))
    r = get(world, "/api/public/establishments", limit="4", page="2")
    assert names(assert_ok(r)) == ["Polar Station", "Taveuni Edge"]
    assert r.json()["pagination"] == {"page": 2, "limit": 4, "total": 6, "totalPages": 2,
                                      "hasNextPage": False, "hasPrevPage": True}


def test_establishments_q_and_pricing_mode(world):
    def q(**kw):
        return names(assert_ok(get(world, "/api/public/establishments", **kw)))
    assert q(q="BEACH") == ["Hotel du Lac"]          # description
    assert q(q="kigali") == ["Mille Collines"]       # location.city
    assert q(q="lodge") == ["Gitega Lodge"]          # name
    assert q(q="shuttered") == []                    # inactive
    assert q(pricingMode="monthly") == ["Gitega Lodge", "Mille Collines"]
    assert q(pricingMode="hourly") == ["Hotel du Lac"]
    assert q(pricingMode="hourly,monthly") == ["Gitega Lodge", "Hotel du Lac", "Mille Collines"]
    assert q(pricingMode="monthly", city="gitega") == ["Gitega Lodge"]
    assert_error(get(world, "/api/public/establishments", pricingMode="weekly"), 400,
                 "VALIDATION_ERROR", field="pricingMode")
    assert_error(get(world, "/api/public/establishments", sort="createdAt"), 400,
                 "VALIDATION_ERROR", field="sort")
    assert_error(get(world, "/api/public/establishments", isActive="false"), 400,
                 "VALIDATION_ERROR", field="isActive")


# ---- geo ---------------------------------------------------------------------------------------


def near(w, lat, lng, **kw):
    return get(w, "/api/public/establishments", near=f"{lat},{lng}", **kw)


def test_near_distances_and_order(world):
    r = near(world, *BUJUMBURA, radiusKm="100")
    data = assert_ok(r)
    assert names(data) == ["Hotel du Lac", "Club Kiriri", "Gitega Lodge"]
    for e in data:
        assert set(e) == PUBLIC_EST_KEYS | {"distanceKm"}
        key = next(k for k, v in world.est.items() if v == e["id"])
        assert e["distanceKm"] == km1(haversine(BUJUMBURA, world.coords[key])), e
    assert data[0]["distanceKm"] == 0.0
    assert 61 < data[2]["distanceKm"] < 63
    # default radius 50 km
    assert names(assert_ok(near(world, *BUJUMBURA))) == ["Hotel du Lac", "Club Kiriri"]
    # from Kigali, 300 km: Kigali then the Burundi ones by distance
    data = assert_ok(near(world, *KIGALI, radiusKm="300"))
    expect = sorted(["A", "C", "B", "K"], key=lambda k: haversine(KIGALI, world.coords[k]))
    assert [e["id"] for e in data] == [world.est[k] for k in expect]
    assert [e["distanceKm"] for e in data] == \
        [km1(haversine(KIGALI, world.coords[k])) for k in expect]
    # other filters still apply
    assert names(assert_ok(near(world, *BUJUMBURA, radiusKm="100", q="lodge"))) == ["Gitega Lodge"]
    assert names(assert_ok(near(world, *BUJUMBURA, radiusKm="100", pricingMode="monthly"))) == \
        ["Gitega Lodge"]


def test_near_radius_boundary(world):
    d = haversine(BUJUMBURA, GITEGA)
    assert 61 < d < 63
    assert "Gitega Lodge" not in names(assert_ok(near(world, *BUJUMBURA,
                                                      radiusKm=str(math.floor(d)))))
    assert "Gitega Lodge" in names(assert_ok(near(world, *BUJUMBURA, radiusKm=str(math.ceil(d)))))
    below, above = math.floor(d * 100) / 100, math.ceil(d * 100) / 100  # decimal radius
    assert "Gitega Lodge" not in names(assert_ok(near(world, *BUJUMBURA, radiusKm=f"{below:.2f}")))
    assert "Gitega Lodge" in names(assert_ok(near(world, *BUJUMBURA, radiusKm=f"{above:.2f}")))


def test_near_antimeridian_and_pole(world):
    for lng in (-179.9, -179.95, 179.95):
        data = assert_ok(near(world, -16.5, lng, radiusKm="50"))
        assert names(data) == ["Taveuni Edge"], lng
        assert data[0]["distanceKm"] == km1(haversine((-16.5, lng), (-16.5, 179.9)))
    assert assert_ok(near(world, -16.5, -179.5, radiusKm="10")) == []
    # across the North Pole: 0.1 + 0.5 degrees of latitude, on the opposite meridian
    data = assert_ok(near(world, 89.9, 180, radiusKm="100"))
    assert names(data) == ["Polar Station"]
    assert data[0]["distanceKm"] == km1(haversine((89.9, 180.0), (89.5, 0.0)))
    assert 60 < data[0]["distanceKm"] < 70
    assert names(assert_ok(near(world, 90, -120, radiusKm="100"))) == ["Polar Station"]
    assert assert_ok(near(world, -90, 0, radiusKm="1000")) == []


def test_near_pagination(world):
    r = near(world, *KIGALI, radiusKm="1000", limit="2", page="2")
    data = assert_ok(r)
    expect = sorted(["A", "C", "B", "K"], key=lambda k: haversine(KIGALI, world.coords[k]))
    assert [e["id"] for e in data] == [world.est[k] for k in expect[2:4]]
    assert r.json()["pagination"] == {"page": 2, "limit": 2, "total": 4, "totalPages": 2,
                                      "hasNextPage": False, "hasPrevPage": True}
    r = near(world, *KIGALI, radiusKm="1000", page="3", limit="2")
    assert assert_ok(r) == [] and r.json()["pagination"]["total"] == 4


@pytest.mark.parametrize("value", ["abc", "1", "1,2,3", "91,0", "-90.5,0", "0,181", "0,-180.01",
                                   "nan,0", "inf,0", "1e1,2", "0x1,2", ",", "1,", " ,2",
                                   "1;2", "--1,2"])
def test_near_malformed(world, value):
    r = get(world, "/api/public/establishments", near=value)
    assert_error(r, 400, "VALIDATION_ERROR", field="near")


def test_near_query_errors(world):
    for radius in ("0", "0.5", "1000.5", "abc", "1e2", "-5"):
        assert_error(near(world, *BUJUMBURA, radiusKm=radius), 400, "VALIDATION_ERROR",
                     field="radiusKm")
    assert_ok(near(world, *BUJUMBURA, radiusKm="1"))
    assert_ok(near(world, *BUJUMBURA, radiusKm="1000"))
    assert_error(get(world, "/api/public/establishments", radiusKm="10"), 400,
                 "VALIDATION_ERROR", field="radiusKm")  # radiusKm without near
    assert_error(near(world, *BUJUMBURA, sort="name"), 400, "VALIDATION_ERROR", field="sort")
    assert_error(get(world, "/api/public/establishments", near="0,0", lat="1"), 400,
                 "VALIDATION_ERROR", field="lat")


# ---- accommodations: filters, sorts, errors ----------------------------------------------------


def acc_names(w, **kw):
    return names(assert_ok(get(w, "/api/public/accommodations", **kw)))


def test_accommodations_list_default_and_sorts(world):
    by_price = ["Studio Hour", "Room 101", "Suite Lac", "Kigali Apartment", "Suite Royale",
                "Maison Gitega"]
    assert acc_names(world) == by_price  # no out_of_service unit, no unit of an inactive one
    assert acc_names(world, sort="-basePrice") == list(reversed(by_price))
    assert acc_names(world, sort="name") == sorted(by_price, key=str.lower)
    assert acc_names(world, sort="-name") == sorted(by_price, key=str.lower, reverse=True)
    r = get(world, "/api/public/accommodations", limit="4", page="2")
    assert names(assert_ok(r)) == by_price[4:]
    assert r.json()["pagination"]["total"] == 6 and r.json()["pagination"]["totalPages"] == 2
    for a in assert_ok(get(world, "/api/public/accommodations")):
        assert set(a) == PUBLIC_ACC_KEYS


def test_accommodations_filters(world):
    assert acc_names(world, minPrice="50000", maxPrice="150000") == \
        ["Room 101", "Suite Lac", "Kigali Apartment"]
    assert acc_names(world, minPrice="200000") == ["Suite Royale", "Maison Gitega"]
    assert acc_names(world, guests="4") == ["Suite Royale", "Maison Gitega"]
    assert acc_names(world, guests="50") == []
    assert acc_names(world, type="apartment,house") == ["Kigali Apartment", "Maison Gitega"]
    assert acc_names(world, pricingMode="hourly") == ["Studio Hour"]
    assert acc_names(world, q="GARDEN") == ["Maison Gitega"]        # description
    assert acc_names(world, q="suite") == ["Suite Lac", "Suite Royale"]  # name
    assert acc_names(world, establishmentId=world.est["B"]) == ["Maison Gitega"]
    assert acc_names(world, establishmentId=world.est["X"]) == []    # inactive
    assert acc_names(world, establishmentId="f" * 24) == []          # unknown
    assert acc_names(world, establishmentId=world.est["C"]) == []
    k = assert_ok(get(world, "/api/public/accommodations", establishmentId=world.est["K"]))
    assert k[0]["pricing"]["currency"] == "USD"


@pytest.mark.parametrize("params,field", [
    ({"establishmentId": "nope"}, "establishmentId"),
    ({"type": "villa"}, "type"),
    ({"pricingMode": "weekly"}, "pricingMode"),
    ({"minPrice": "1.5"}, "minPrice"),
    ({"maxPrice": "-1"}, "maxPrice"),
    ({"minPrice": "10", "maxPrice": "5"}, "maxPrice"),
    ({"guests": "0"}, "guests"),
    ({"guests": "51"}, "guests"),
    ({"sort": "createdAt"}, "sort"),
    ({"status": "available"}, "status"),
    ({"page": "0"}, "page"),
])
def test_accommodations_query_errors(world, params, field):
    r = get(world, "/api/public/accommodations", **params)
    assert_error(r, 400, "VALIDATION_ERROR", field=field)


def test_anonymous_and_head(world):
    """No token needed; a token is not required and HEAD works on every public GET."""
    r = world.srv.request("HEAD", f"/api/public/establishments/{world.est['A']}")
    assert r.status_code == 200 and r.content == b""
    r = world.srv.get("/api/public/accommodations", headers=world.sa)
    assert_ok(r)

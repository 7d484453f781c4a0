"""test_images.py: the image endpoints of SPEC 7.20 on both stores: processing (EXIF rotation, the
four WebP renditions), the hostile corpus (each refused with its exact status and nothing written
to the store or the disk), owners' arrays, ETag/304 and caching headers (8.4), delete, isolation,
the role rows of SPEC 3.3, flows F1 (5) and F6 (2). Test images come from the standard library
(PNG) and the `vips` CLI (JPEG, WebP; Debian libvips-tools)."""
import os
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

import pytest

import harness
import storedirect
from harness import assert_error, assert_ok
from test_users import World

SIZES = {"small": (150, 150), "medium": (300, 300), "large": (600, 400)}
IMMUTABLE = "public, max-age=31536000, immutable"


# ---- test images -----------------------------------------------------------------------------

def png_bytes(w, h, depth=8, color=2, rows=None):
    """A PNG (RGB by default) of w x h with a simple gradient; `rows` overrides the raw scanlines."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    if rows is None:
        rows = b"".join(b"\0" + bytes(((x * 7 + y * 3) % 256, (x * 3) % 256, (y * 5) % 256)
                                      [c % 3] for x in range(w) for c in range(3))
                        for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def bomb_png():
    """10,000 x 10,000 one-bit grey: a few kB on the wire, 100 megapixels when decoded."""
    return png_bytes(10000, 10000, depth=1, color=0, rows=(b"\0" * 1251) * 10000)


def vips_convert(png, suffix):
    with tempfile.TemporaryDirectory() as d:
        src, dst = Path(d) / "in.png", Path(d) / ("out" + suffix)
        src.write_bytes(png)
        subprocess.run(["vips", "copy", str(src), str(dst)], check=True, capture_output=True)
        return dst.read_bytes()


def with_orientation(jpeg, orientation):
    """Inserts an EXIF APP1 segment holding only the Orientation tag right after SOI."""
    tiff = (b"MM\0\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1)
            + struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(">I", 0))
    payload = b"Exif\0\0" + tiff
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def webp_dims(data):
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP", data[:16]
    with tempfile.NamedTemporaryFile(suffix=".webp") as f:
        f.write(data)
        f.flush()
        out = subprocess.run(["vipsheader", "-f", "width", f.name], check=True,
                             capture_output=True, text=True).stdout
        out2 = subprocess.run(["vipsheader", "-f", "height", f.name], check=True,
                              capture_output=True, text=True).stdout
    return int(out), int(out2)


@pytest.fixture(scope="module")
def pics():
    png = png_bytes(200, 100)
    noisy = png_bytes(400, 300, rows=b"".join(b"\0" + os.urandom(1200) for _ in range(300)))
    jpeg = vips_convert(png, ".jpg")
    big_jpeg = vips_convert(noisy, ".jpg")
    return {"png": png, "jpeg": jpeg, "webp": vips_convert(png, ".webp"),
            "jpeg6": with_orientation(jpeg, 6), "truncated": big_jpeg[:len(big_jpeg) // 2],
            "tiny": png_bytes(32, 32), "bomb": bomb_png(),
            "svg": b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
                   b'<rect width="100" height="100"/></svg>',
            "gif": b"GIF89a\x40\x00\x40\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff,\x00\x00\x00\x00"
                   b"\x40\x00\x40\x00\x00\x02\x02D\x01\x00;"}


# ---- world -----------------------------------------------------------------------------------

class ImgWorld(World):
    def __init__(self, server):
        super().__init__(server)
        self.acc_a = self.accommodation(self.a, "Suite A")
        self.acc_b = self.accommodation(self.b, "Suite B")

    def accommodation(self, est, name, images=None):
        return storedirect.insert(self.server, "accommodations", {
            "establishmentId": est, "name": name, "nameKey": name.lower(), "type": "suite",
            "status": "available", "images": images or [], "createdAt": "2026-01-01T00:00:00Z",
            "updatedAt": "2026-01-01T00:00:00Z"})

    def upload(self, data, ctype="image/jpeg", who="mgr_a", query="", headers=None):
        h = dict(self.h(who), **{"Content-Type": ctype}, **(headers or {}))
        return self.server.post("/api/images" + query, data=data, headers=h)


@pytest.fixture(scope="module")
def world(server):
    return ImgWorld(server)


def uploads(server):
    root = server.dir / "uploads"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def image_ids(server):
    return sorted(d["id"] for d in storedirect.find_all(server, "images"))


# ---- hostile corpus --------------------------------------------------------------------------

CORPUS = [
    ("zero bytes", "empty", "image/jpeg", 400, "INVALID_IMAGE"),
    ("truncated jpeg", "truncated", "image/jpeg", 400, "INVALID_IMAGE"),
    ("png declared jpeg", "png", "image/jpeg", 400, "INVALID_IMAGE"),
    ("svg declared svg", "svg", "image/svg+xml", 415, "UNSUPPORTED_MEDIA_TYPE"),
    ("svg declared png", "svg", "image/png", 400, "INVALID_IMAGE"),
    ("gif declared gif", "gif", "image/gif", 415, "UNSUPPORTED_MEDIA_TYPE"),
    ("gif declared png", "gif", "image/png", 400, "INVALID_IMAGE"),
    ("decompression bomb", "bomb", "image/png", 400, "INVALID_IMAGE"),
    ("32 x 32", "tiny", "image/png", 400, "INVALID_IMAGE"),
    ("json", "json", "application/json", 415, "UNSUPPORTED_MEDIA_TYPE"),
]


@pytest.mark.parametrize("name,key,ctype,status,code", CORPUS, ids=[c[0] for c in CORPUS])
def test_hostile_corpus(world, pics, name, key, ctype, status, code):
    s = world.server
    data = {"empty": b"", "json": b"{}"}[key] if key in ("empty", "json") else pics[key]
    before_ids, before_files = image_ids(s), uploads(s)
    acc_before = storedirect.get(s, "accommodations", world.acc_a)["images"]
    r = world.upload(data, ctype, query=f"?accommodationId={world.acc_a}")
    assert_error(r, status, code)
    assert image_ids(s) == before_ids and uploads(s) == before_files
    assert storedirect.get(s, "accommodations", world.acc_a)["images"] == acc_before


def test_too_large_413_while_reading(world):
    s = world.server
    before_ids, before_files = image_ids(s), uploads(s)
    big = b"\xff\xd8\xff" + b"\0" * (11 * 1024 * 1024)
    assert_error(world.upload(big), 413, "PAYLOAD_TOO_LARGE")
    auth = world.h("mgr_a")["Authorization"]
    head = (f"POST /api/images?accommodationId={world.acc_a} HTTP/1.1\r\nHost: localhost\r\n"
            f"Authorization: {auth}\r\nContent-Type: image/jpeg\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").encode()
    chunk = b"%x\r\n" % (1024 * 1024) + b"\0" * (1024 * 1024) + b"\r\n"
    r = s.raw([head] + [chunk] * 11 + [b"0\r\n\r\n"], timeout=30)
    assert r.status == 413, r
    assert r.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert image_ids(s) == before_ids and uploads(s) == before_files


def test_validation_and_roles(world, pics):
    acc = f"?accommodationId={world.acc_a}"
    assert_error(world.upload(pics["jpeg"], who="st_a", query=acc), 403, "FORBIDDEN")
    assert_error(world.upload(pics["jpeg"], query="?purpose=expense"), 400, "VALIDATION_ERROR")
    assert_error(world.upload(pics["jpeg"], query="?purpose=accommodation"), 400,
                 "VALIDATION_ERROR", field="accommodationId")
    assert_error(world.upload(pics["jpeg"], who="sa"), 400, "VALIDATION_ERROR",
                 field="establishmentId")
    assert_error(world.upload(pics["jpeg"], query=acc, headers={"X-Filename": "x" * 256}), 400,
                 "VALIDATION_ERROR", field="X-Filename")
    assert_error(world.upload(pics["jpeg"], query=acc + "&bogus=1"), 400, "VALIDATION_ERROR")
    # isolation: B's manager on A's unit -> 404; SA mixing establishments -> 400
    assert_error(world.upload(pics["jpeg"], who="mgr_b", query=acc), 404, "NOT_FOUND")
    assert_error(world.upload(pics["jpeg"], who="sa", query=acc + f"&establishmentId={world.b}"),
                 400, "VALIDATION_ERROR")


# ---- positive path ---------------------------------------------------------------------------

def test_jpeg_exif_rotation_renditions_owner(world, pics):
    s = world.server
    r = world.upload(pics["jpeg6"], query=f"?accommodationId={world.acc_a}",
                     headers={"X-Filename": "chambre 12.jpg"})
    img = assert_ok(r, 201)
    assert r.headers["Location"] == "/api/images/" + img["id"]
    assert img["purpose"] == "accommodation" and img["accommodationId"] == world.acc_a
    assert img["establishmentId"] == world.a and img["ownerId"] is None
    assert img["sourceFilename"] == "chambre 12.jpg" and img["mimeType"] == "image/jpeg"
    assert img["bytes"] == len(pics["jpeg6"]) and len(img["sha256"]) == 64
    assert (img["width"], img["height"]) == (100, 200)  # orientation 6: 200x100 turned upright
    assert img["uploadedBy"] == world.mgr_a and "version" not in img
    for size, (w, h) in SIZES.items():
        assert (img["sizes"][size]["width"], img["sizes"][size]["height"]) == (w, h)
    assert (img["sizes"]["full"]["width"], img["sizes"]["full"]["height"]) == (100, 200)
    for size in list(SIZES) + ["full"]:
        b = s.get(f"/api/images/{img['id']}/{size}")
        assert b.status_code == 200 and b.headers["Content-Type"] == "image/webp"
        assert webp_dims(b.content) == (img["sizes"][size]["width"], img["sizes"][size]["height"])
        assert len(b.content) == img["sizes"][size]["bytes"]
        path = s.dir / "uploads" / world.a / img["id"] / f"{size}.webp"
        assert path.read_bytes() == b.content
    assert not [p for p in uploads(s) if "/." in p]  # no temporary files left
    assert storedirect.get(s, "accommodations", world.acc_a)["images"][-1] == img["id"]
    assert assert_ok(s.get(f"/api/images/{img['id']}", headers=world.h("st_a"))) == img


def test_png_webp_and_establishment_images(world, pics):
    s = world.server
    ids = []
    for kind, ctype in (("png", "image/png"), ("webp", "image/webp")):
        img = assert_ok(world.upload(pics[kind], ctype), 201)
        assert img["purpose"] == "establishment" and img["accommodationId"] is None
        assert (img["width"], img["height"]) == (200, 100)  # never upscaled
        ids.append(img["id"])
    est = assert_ok(s.get(f"/api/establishments/{world.a}", headers=world.sa))
    assert [ref["id"] for ref in est["images"]] == ids
    assert est["images"][0] == {"id": ids[0], "url": f"/api/images/{ids[0]}/full",
                                "thumbnails": {k: f"/api/images/{ids[0]}/{k}" for k in SIZES}}
    # SA uploads to B (establishmentId required and honoured)
    img = assert_ok(world.upload(pics["png"], "image/png", who="sa",
                                 query=f"?establishmentId={world.b}"), 201)
    assert img["establishmentId"] == world.b


def test_list_filters_and_isolation(world, pics):
    s = world.server
    mine = assert_ok(s.get("/api/images", headers=world.h("st_a")))
    assert mine and all(i["establishmentId"] == world.a for i in mine)
    created = [i["createdAt"] for i in mine]
    assert created == sorted(created, reverse=True)
    accs = assert_ok(s.get(f"/api/images?purpose=accommodation&accommodationId={world.acc_a}",
                           headers=world.h("mgr_a")))
    assert accs and all(i["accommodationId"] == world.acc_a for i in accs)
    only_b = assert_ok(s.get(f"/api/images?establishmentId={world.b}", headers=world.sa))
    assert only_b and all(i["establishmentId"] == world.b for i in only_b)
    ignored = assert_ok(s.get(f"/api/images?establishmentId={world.b}", headers=world.h("mgr_a")))
    assert all(i["establishmentId"] == world.a for i in ignored)
    assert_error(s.get("/api/images?sort=bytes", headers=world.sa), 400, "VALIDATION_ERROR")
    foreign = only_b[0]["id"]
    for who in ("mgr_a", "st_a"):
        assert_error(s.get(f"/api/images/{foreign}", headers=world.h(who)), 404, "NOT_FOUND")
    assert_error(s.request("DELETE", f"/api/images/{foreign}", headers=world.h("mgr_a")), 404, "NOT_FOUND")
    assert_error(s.request("DELETE", f"/api/images/{foreign}", headers=world.h("st_b")), 403, "FORBIDDEN")
    assert_error(s.get("/api/images"), 401, "UNAUTHORIZED")


def test_f1_5_etag_304_and_caching_headers(world, pics):
    s = world.server
    img = assert_ok(world.upload(pics["jpeg"], query=f"?accommodationId={world.acc_a}"), 201)
    url = f"/api/images/{img['id']}/medium"
    r = s.get(url)
    assert r.status_code == 200
    assert r.headers["ETag"] == f'"{img["id"]}-medium"'
    assert r.headers["Cache-Control"] == IMMUTABLE
    assert r.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert harness.REQUEST_ID.match(r.headers["X-Request-Id"])
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    n = s.get(url, headers={"If-None-Match": r.headers["ETag"]})
    assert n.status_code == 304 and n.content == b""
    assert n.headers["ETag"] == r.headers["ETag"] and n.headers["Cache-Control"] == IMMUTABLE
    assert n.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert harness.REQUEST_ID.match(n.headers["X-Request-Id"])
    other = s.get(url, headers={"If-None-Match": '"nope"'})
    assert other.status_code == 200 and other.content == r.content
    assert s.request("HEAD", url).status_code == 200
    for bad in (f"/api/images/{img['id']}/huge", f"/api/images/{'f' * 24}/small",
                "/api/images/nope/small"):
        e = assert_error(s.get(bad), 404, "NOT_FOUND")
        assert e
    # an inactive establishment's public images are 404
    assert_ok(s.request("PATCH", f"/api/establishments/{world.b}", json={"isActive": False},
                        headers=world.sa))
    b_img = assert_ok(s.get(f"/api/images?establishmentId={world.b}", headers=world.sa))[0]
    assert_error(s.get(f"/api/images/{b_img['id']}/small"), 404, "NOT_FOUND")
    assert_ok(s.request("PATCH", f"/api/establishments/{world.b}", json={"isActive": True},
                        headers=world.sa))
    assert s.get(f"/api/images/{b_img['id']}/small").status_code == 200


def test_owner_maximum_20(world, pics):
    s = world.server
    full = world.accommodation(world.a, "Full unit", images=[storedirect.new_id() for _ in range(20)])
    before_ids, before_files = image_ids(s), uploads(s)
    assert_error(world.upload(pics["jpeg"], query=f"?accommodationId={full}"), 400,
                 "VALIDATION_ERROR", field="images")
    assert image_ids(s) == before_ids and uploads(s) == before_files


def test_delete_removes_files_and_owner_entry(world, pics):
    s = world.server
    img = assert_ok(world.upload(pics["jpeg"], query=f"?accommodationId={world.acc_a}"), 201)
    folder = s.dir / "uploads" / world.a / img["id"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{k}.webp" for k in
                                                              list(SIZES) + ["full"])
    assert_error(s.request("DELETE", f"/api/images/{img['id']}", headers=world.h("st_a")), 403, "FORBIDDEN")
    assert assert_ok(s.request("DELETE", f"/api/images/{img['id']}", headers=world.h("mgr_a"))) is None
    assert not folder.exists()
    assert img["id"] not in storedirect.get(s, "accommodations", world.acc_a)["images"]
    assert storedirect.get(s, "images", img["id"]) is None
    assert_error(s.get(f"/api/images/{img['id']}/small"), 404, "NOT_FOUND")
    assert_error(s.request("DELETE", f"/api/images/{img['id']}", headers=world.sa), 404, "NOT_FOUND")


def test_establishment_patch_removing_an_image_deletes_it(world, pics):
    s = world.server
    img = assert_ok(world.upload(pics["png"], "image/png"), 201)
    est = assert_ok(s.get(f"/api/establishments/{world.a}", headers=world.sa))
    kept = [ref["id"] for ref in est["images"] if ref["id"] != img["id"]]
    assert_ok(s.request("PATCH", f"/api/establishments/{world.a}", json={"images": kept},
                        headers=world.h("mgr_a")))
    assert storedirect.get(s, "images", img["id"]) is None
    assert_error(s.get(f"/api/images/{img['id']}/small"), 404, "NOT_FOUND")


def test_f6_2(world, pics):
    """F6 (2): a JPEG for a unit -> 201 with 4 renditions, appended; PNG as JPEG -> 400; 11 MiB
    -> 413."""
    img = assert_ok(world.upload(pics["jpeg"], query=f"?accommodationId={world.acc_a}"), 201)
    assert set(img["sizes"]) == {"small", "medium", "large", "full"}
    assert storedirect.get(world.server, "accommodations", world.acc_a)["images"][-1] == img["id"]
    assert_error(world.upload(pics["png"], query=f"?accommodationId={world.acc_a}"), 400,
                 "INVALID_IMAGE")
    assert_error(world.upload(b"\0" * (11 * 1024 * 1024), query=f"?accommodationId={world.acc_a}"),
                 413, "PAYLOAD_TOO_LARGE")


def test_without_upload_dir_503(start_server, pics):
    srv = start_server(extra_conf="# no RuziziUploadDir in this configuration\n")
    w = ImgWorld(srv)
    assert_error(w.upload(pics["png"], "image/png"), 503, "STORE_UNAVAILABLE")
    assert "RZ00701" in srv.error_log.read_text()
    assert not (srv.dir / "uploads").exists()


# ---- security review (issue 9 §5): metadata, decoded size ------------------------------------

def _ifd_entry(tag, kind, count, value):
    return struct.pack(">HHI", tag, kind, count) + value


def exif_with_gps():
    """An EXIF APP1 payload naming a camera (Make), an author (Artist) and a GPS latitude."""
    make, artist = b"Canon\0", b"Jane Doe\0"
    ifd0_size = 2 + 3 * 12 + 4
    make_off = 8 + ifd0_size
    artist_off = make_off + len(make)
    gps_off = artist_off + len(artist)
    ifd0 = (struct.pack(">H", 3) + _ifd_entry(0x010F, 2, len(make), struct.pack(">I", make_off))
            + _ifd_entry(0x013B, 2, len(artist), struct.pack(">I", artist_off))
            + _ifd_entry(0x8825, 4, 1, struct.pack(">I", gps_off)) + struct.pack(">I", 0))
    lat_off = gps_off + 2 + 2 * 12 + 4
    gps = (struct.pack(">H", 2) + _ifd_entry(0x0001, 2, 2, b"S\0\0\0")
           + _ifd_entry(0x0002, 5, 3, struct.pack(">I", lat_off)) + struct.pack(">I", 0))
    lat = struct.pack(">IIIIII", 3, 1, 23, 1, 1269, 100)
    return b"Exif\0\0MM\0\x2a" + struct.pack(">I", 8) + ifd0 + make + artist + gps + lat


XMP = (b'http://ns.adobe.com/xap/1.0/\0<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
       b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
       b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
       b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>Jane Doe'
       b'</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>'
       b'<?xpacket end="w"?>')


def jpeg_with_metadata():
    """A 400x300 JPEG with a Display P3 ICC profile (vips), EXIF (camera, author, GPS) and XMP
    (dc:creator) segments; vipsheader confirms libvips reads all three."""
    with tempfile.TemporaryDirectory() as d:
        src, dst = Path(d) / "in.png", Path(d) / "p3.jpg"
        src.write_bytes(png_bytes(400, 300))
        subprocess.run(["vips", "copy", str(src), f"{dst}[profile=p3]"], check=True,
                       capture_output=True)
        jpeg = dst.read_bytes()
        def app1(payload):
            return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
        data = jpeg[:2] + app1(exif_with_gps()) + app1(XMP) + jpeg[2:]
        dst.write_bytes(data)
        fields = subprocess.run(["vipsheader", "-a", str(dst)], check=True, capture_output=True,
                                text=True).stdout
    for needle in ("exif-ifd3-GPSLatitude", "exif-ifd0-Artist", "xmp-data", "icc-profile-data"):
        assert needle in fields, fields
    return data


def riff_chunks(data):
    """The chunk ids of a WebP file (RIFF), in order, and the VP8X flags byte (0 without VP8X)."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    assert struct.unpack("<I", data[4:8])[0] == len(data) - 8
    chunks, flags, i = [], 0, 12
    while i < len(data):
        kind, n = data[i:i + 4], struct.unpack("<I", data[i + 4:i + 8])[0]
        assert i + 8 + n <= len(data), "chunk past the end"
        if kind == b"VP8X":
            flags = data[i + 8]
        chunks.append(kind)
        i += 8 + n + (n & 1)
    return chunks, flags


def test_renditions_carry_no_metadata(world):
    """EXIF (GPS, camera, author), XMP and the ICC profile of an upload reach none of the four
    WebP renditions, served or on disk: no EXIF, XMP or ICCP chunk, no VP8X flag for them."""
    s = world.server
    img = assert_ok(world.upload(jpeg_with_metadata(), query=f"?accommodationId={world.acc_a}"),
                    201)
    assert (img["width"], img["height"]) == (400, 300)
    for size in list(SIZES) + ["full"]:
        data = s.get(f"/api/images/{img['id']}/{size}").content
        assert data == (s.dir / "uploads" / world.a / img["id"] / f"{size}.webp").read_bytes()
        chunks, flags = riff_chunks(data)
        assert not {b"EXIF", b"XMP ", b"ICCP"} & set(chunks), (size, chunks)
        assert flags & 0x2C == 0, (size, hex(flags))  # VP8X: ICC 0x20, EXIF 0x08, XMP 0x04
        assert b"Jane Doe" not in data and b"Canon" not in data


def header_only_png(w, h, depth, color, bytes_per_pixel):
    """A PNG whose header says w x h (two zero rows of data follow): libvips reads its header, a
    full decode would fail on the missing rows."""
    return png_bytes(w, h, depth=depth, color=color, rows=(b"\0" * (1 + w * bytes_per_pixel)) * 2)


def test_decoded_size_cap_from_the_header(world):
    """SPEC 8.3 + issue 9: width x height x bytes per pixel is capped at 160 MB before any pixel
    is decoded. A 39.6 MP 16-bit RGB PNG (6 bytes per pixel, 237 MB; 72 s and 420 MB of one child
    before) -> 400 INVALID_IMAGE naming the cap; 26.6 MP of the same kind (160 MB) passes the
    header check (and then fails its decode: its rows are missing)."""
    s = world.server
    before_ids, before_files = image_ids(s), uploads(s)
    r = world.upload(header_only_png(7000, 5657, 16, 2, 6), "image/png",
                     query=f"?accommodationId={world.acc_a}")
    assert_error(r, 400, "INVALID_IMAGE")
    assert r.json()["error"]["message"] == ("The image is 7000x5657 with 6 bytes per pixel: at most "
                                            "160 MB of decoded pixels are accepted")
    r = world.upload(header_only_png(5200, 5128, 16, 2, 6), "image/png",
                     query=f"?accommodationId={world.acc_a}")
    assert_error(r, 400, "INVALID_IMAGE")
    assert r.json()["error"]["message"] == "The image cannot be decoded"
    # 8-bit RGBA at the 40 MP limit is 160 MB: the size cap does not refuse it either
    r = world.upload(header_only_png(8000, 5000, 8, 6, 4), "image/png",
                     query=f"?accommodationId={world.acc_a}")
    assert r.json()["error"]["message"] == "The image cannot be decoded"
    assert image_ids(s) == before_ids and uploads(s) == before_files

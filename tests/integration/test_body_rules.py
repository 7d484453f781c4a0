"""test_body_rules.py: media type, size, JSON and query rules (SPEC 2.1, 2.3, 8.3) and the validation
toolkit (SPEC 2.1, 2.5-2.7), through the test-build routes POST /api/_test/echo and /api/_test/validate."""

import json
import time

import pytest

from harness import assert_error, assert_ok

ECHO = "/api/_test/echo"
VALIDATE = "/api/_test/validate"
JSON_CT = {"Content-Type": "application/json"}
SMALL = 1024
DEFAULT = 65536


@pytest.fixture(scope="module")
def small(start_server):
    return start_server(extra_conf=f"RuziziJsonBodyLimit {SMALL}")


@pytest.fixture(scope="module")
def location_limit(start_server):
    """RuziziJsonBodyLimit is also a location directive (SPEC 8.12)."""
    return start_server(extra_conf=f"<Location {ECHO}>\n    RuziziJsonBodyLimit 200\n</Location>")


def sized(n):
    """A valid JSON object of exactly n bytes."""
    doc = b'{"a":"' + b"x" * (n - 8) + b'"}'
    assert len(doc) == n
    return doc


def echo(server, body=b"", ctype="application/json", query=""):
    headers = {"Content-Type": ctype} if ctype else {}
    return server.post(ECHO + query, data=body, headers=headers)


def echo_raw(server, query):
    """POST with an empty body and a query string sent byte for byte."""
    return server.raw_request("POST", ECHO + query, headers={"Content-Length": "0"})


def chunked(server, path, body, ctype="application/json", chunk=500):
    parts = [body[i:i + chunk] for i in range(0, len(body), chunk)]
    head = (f"POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            f"Content-Type: {ctype}\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
    data = [head] + [b"%x\r\n%s\r\n" % (len(p), p) for p in parts] + [b"0\r\n\r\n"]
    return server.raw(data)


def nested(depth):
    """An object nested `depth` levels deep ({} is depth 1)."""
    return b'{"a":' * (depth - 1) + b"{}" + b"}" * (depth - 1)


# ---- media type -----------------------------------------------------------------------------

def test_echo_returns_body_and_query(server):
    doc = {"x": 1, "s": "é", "n": None, "arr": [1, 2.5, "z"], "o": {"k": True}}
    data = assert_ok(echo(server, json.dumps(doc).encode()))
    assert data == {"body": doc, "query": {}}


@pytest.mark.parametrize("ctype", ["application/json", "application/json; charset=utf-8",
                                   "application/json;charset=UTF-8"])
def test_json_media_types_accepted(server, ctype):
    assert assert_ok(echo(server, b'{"a":1}', ctype))["body"] == {"a": 1}


@pytest.mark.parametrize("ctype", ["text/plain", "application/json; charset=latin1",
                                   "application/json; charset=iso-8859-1",
                                   "application/x-www-form-urlencoded", "application/jsonx",
                                   "multipart/form-data; boundary=x"])
def test_other_media_types_415(server, ctype):
    assert_error(echo(server, b'{"a":1}', ctype), 415, "UNSUPPORTED_MEDIA_TYPE")


def test_body_without_content_type_415(server):
    assert_error(echo(server, b'{"a":1}', None), 415, "UNSUPPORTED_MEDIA_TYPE")


@pytest.mark.parametrize("ctype", [None, "application/json"])
def test_empty_body_is_empty_object(server, ctype):
    r = echo(server, b"", ctype)
    assert r.request.headers.get("Content-Length") == "0"
    assert assert_ok(r)["body"] == {}


# ---- size -----------------------------------------------------------------------------------

def test_small_limit_boundary(small):
    assert assert_ok(echo(small, sized(SMALL)))["body"]["a"] == "x" * (SMALL - 8)
    assert_error(echo(small, sized(SMALL + 1)), 413, "PAYLOAD_TOO_LARGE")


def test_small_limit_chunked(small):
    assert_ok(chunked(small, ECHO, sized(600), chunk=100))
    assert_error(chunked(small, ECHO, sized(2000)), 413, "PAYLOAD_TOO_LARGE")
    assert_ok(small.get("/api/health"))


def test_default_limit_64k(server):
    assert_ok(echo(server, sized(DEFAULT)))
    assert_error(echo(server, sized(DEFAULT + 1)), 413, "PAYLOAD_TOO_LARGE")
    assert_error(chunked(server, ECHO, sized(DEFAULT + 4000), chunk=8000), 413, "PAYLOAD_TOO_LARGE")
    assert_ok(server.get("/api/health"))


def test_huge_declared_length_rejected_early(server):
    """A 10 MB Content-Length is refused without waiting for the body."""
    start = time.monotonic()
    r = server.raw(b"POST " + ECHO.encode() + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                   b"Content-Type: application/json\r\nContent-Length: 10000000\r\n\r\n" + b'{"a":"xxxx',
                   timeout=20)
    assert_error(r, 413, "PAYLOAD_TOO_LARGE")
    assert time.monotonic() - start < 10
    assert_ok(server.get("/api/health"))


def test_location_limit(location_limit):
    assert_ok(echo(location_limit, sized(200)))
    assert_error(echo(location_limit, sized(201)), 413, "PAYLOAD_TOO_LARGE")
    assert_ok(validate_raw(location_limit, b'{"name":"' + b"x" * 40 + b'","tags":["' + b"a" * 20 + b'"]}'
                           + b" " * 300))


def validate_raw(server, body):
    return server.post(VALIDATE, data=body, headers=JSON_CT)


def test_media_type_checked_before_size(small):
    assert_error(echo(small, sized(2000), "text/plain"), 415, "UNSUPPORTED_MEDIA_TYPE")


def test_size_checked_before_parse(small):
    assert_error(echo(small, b"{" * 2000), 413, "PAYLOAD_TOO_LARGE")


# ---- JSON parsing ---------------------------------------------------------------------------

INVALID_JSON = {
    "truncated": b'{"a":',
    "missing-colon": b'{"a" 1}',
    "single-quotes": b"{'a':1}",
    "top-level-array": b"[1,2]",
    "top-level-string": b'"x"',
    "top-level-number": b"1",
    "top-level-null": b"null",
    "duplicate-key": b'{"a":1,"a":2}',
    "nested-duplicate-key": b'{"o":{"k":1,"k":1}}',
    "depth-33-objects": nested(33),
    "depth-33-arrays": b'{"a":' + b"[" * 32 + b"]" * 32 + b"}",
    "invalid-utf8": b'{"a":"\xff"}',
    "overlong-utf8": b'{"a":"\xc0\xaf"}',
    "NaN": b'{"a":NaN}',
    "Infinity": b'{"a":Infinity}',
    "minus-Infinity": b'{"a":-Infinity}',
    "nul-in-value": b'{"a":"x\\u0000y"}',
    "nul-in-key": b'{"a\\u0000":1}',
    "int-2^53": b'{"a":9007199254740992}',
    "int-minus-2^53": b'{"a":-9007199254740992}',
    "int-2^63": b'{"a":9223372036854775808}',
    "real-overflow": b'{"a":1e400}',
    "trailing-garbage": b"{}x",
    "two-objects": b"{}{}",
    "bom": b"\xef\xbb\xbf{}",
}


@pytest.mark.parametrize("case", list(INVALID_JSON))
def test_invalid_json(server, case):
    assert_error(echo(server, INVALID_JSON[case]), 400, "INVALID_JSON")


VALID_JSON = {
    "depth-32": (nested(32), None),
    "int-2^53-1": (b'{"a":9007199254740991}', {"a": 9007199254740991}),
    "int-minus-2^53-1": (b'{"a":-9007199254740991}', {"a": -9007199254740991}),
    "c0-control-parses": (b'{"a":"x\\u0001y"}', {"a": "x\x01y"}),
    "escapes": (b'{"a":"\\u00e9\\ud83d\\ude00"}', {"a": "é\U0001F600"}),
    "raw-utf8": ('{"a":"Ruzizi – Bujumbura"}'.encode(), {"a": "Ruzizi – Bujumbura"}),
    "real": (b'{"a":73.45}', {"a": 73.45}),
    "whitespace": (b' \n{ "a" : [ ] }\n', {"a": []}),
}


@pytest.mark.parametrize("case", list(VALID_JSON))
def test_valid_json_edges(server, case):
    body, expected = VALID_JSON[case]
    data = assert_ok(echo(server, body))
    assert data["body"] == (expected if expected is not None else json.loads(body))


# ---- query strings --------------------------------------------------------------------------

@pytest.mark.parametrize("query,expected", [
    ("?a=1+2", {"a": "1+2"}),
    ("?a=%C3%A9t%C3%A9&b=x%20y", {"a": "été", "b": "x y"}),
    ("?a=2026-01-01T10:00:00+02:00", {"a": "2026-01-01T10:00:00+02:00"}),
    ("?a=%2B", {"a": "+"}),
    ("?a=1&b=2&page=3&limit=4&sort=-x&q=y", {"a": "1", "b": "2", "page": "3", "limit": "4",
                                             "sort": "-x", "q": "y"}),
])
def test_query_decoding(server, query, expected):
    assert assert_ok(echo_raw(server, query))["query"] == expected


def test_query_length_limit(server):
    ok = "?a=" + "x" * (2048 - 2)  # the query string (after '?') is exactly 2,048 bytes
    assert len(ok) - 1 == 2048
    assert assert_ok(echo_raw(server, ok))["query"]["a"] == "x" * 2046
    assert_error(echo_raw(server, ok + "x"), 400, "VALIDATION_ERROR")


def test_query_repeated_parameter(server):
    assert_error(echo_raw(server, "?a=1&a=2"), 400, "VALIDATION_ERROR", field="a")


def test_query_unknown_parameter(server):
    assert_error(echo_raw(server, "?zzz=1"), 400, "VALIDATION_ERROR", field="zzz")


def test_query_bad_escape(server):
    assert_error(echo_raw(server, "?a=%zz"), 400, "VALIDATION_ERROR")


# ---- the validation toolkit (POST /api/_test/validate) -------------------------------------
# schema: name string 1..50 required; email; phone (BI); amount money; count int 0..10; when
# datetime; day date; tags array of strings (<= 3 items, each 1..20); place {city string 1..100
# required, lat number -90..90, <= 7 decimals}

def validate(server, doc):
    return server.post(VALIDATE, data=json.dumps(doc).encode(), headers=JSON_CT)


def valid(server, doc):
    return assert_ok(validate(server, doc))


def invalid(server, doc, field, message=None):
    return assert_error(validate(server, doc), 400, "VALIDATION_ERROR", field=field, message=message)


def test_validate_minimal(server):
    assert valid(server, {"name": "Ana"}) == {"name": "Ana"}


def test_validate_full_document_normalised(server):
    data = valid(server, {
        "name": "  Ana  ", "email": "Ana.Uwimana@Example.COM", "phone": "79 00 00 00",
        "amount": 150000, "count": 10, "when": "2026-03-01T10:00:00+02:00", "day": "2024-02-29",
        "tags": [" a ", "b"], "place": {"city": " Bujumbura ", "lat": -3.3614}})
    assert data == {
        "name": "Ana", "email": "ana.uwimana@example.com", "phone": "+25779000000",
        "amount": 150000, "count": 10, "when": "2026-03-01T08:00:00Z", "day": "2024-02-29",
        "tags": ["a", "b"], "place": {"city": "Bujumbura", "lat": -3.3614}}


@pytest.mark.parametrize("raw,expected", [("  Ana  ", "Ana"), ("\u00a0Ana\u2003", "Ana"),
                                          ("\tAna\n", "Ana"), ("A\tna", "A\tna")])
def test_validate_trims_unicode_whitespace(server, raw, expected):
    assert valid(server, {"name": raw})["name"] == expected


def test_validate_lengths_in_code_points(server):
    assert valid(server, {"name": "é" * 50})["name"] == "é" * 50
    invalid(server, {"name": "é" * 51}, "name")
    assert valid(server, {"name": "😀" * 50})["name"] == "😀" * 50


@pytest.mark.parametrize("name", ["", "   ", None])
def test_validate_required_empty_or_null(server, name):
    invalid(server, {"name": name}, "name")


def test_validate_required_missing(server):
    invalid(server, {}, "name", "required")


@pytest.mark.parametrize("name", ["A\u0001na", "An\u001fa", "\u001bAna"])
def test_validate_control_characters_rejected(server, name):
    invalid(server, {"name": name}, "name")


def test_validate_unknown_fields(server):
    invalid(server, {"name": "Ana", "foo": 1}, "foo", "unknown field")
    invalid(server, {"name": "Ana", "place": {"city": "Gitega", "zip": "x"}}, "place.zip", "unknown field")


def test_validate_ignores_server_owned_fields(server):
    data = valid(server, {"name": "Ana", "id": "x", "createdAt": "y", "updatedAt": "z"})
    assert data == {"name": "Ana"}


@pytest.mark.parametrize("amount", ["100.0", "1e3", "1E3", "1.5", "-1", "1000000000001", '"100"', "true"])
def test_validate_money_rejected(server, amount):
    body = b'{"name":"Ana","amount":' + amount.encode() + b"}"
    r = server.post(VALIDATE, data=body, headers=JSON_CT)
    assert_error(r, 400, "VALIDATION_ERROR", field="amount")


@pytest.mark.parametrize("amount", [0, 100, 10**12])
def test_validate_money_accepted(server, amount):
    assert valid(server, {"name": "Ana", "amount": amount})["amount"] == amount


@pytest.mark.parametrize("count", [-1, 11, 2.5, "3", True])
def test_validate_int_range(server, count):
    invalid(server, {"name": "Ana", "count": count}, "count")


def test_validate_int_bounds_accepted(server):
    assert valid(server, {"name": "Ana", "count": 0})["count"] == 0
    assert valid(server, {"name": "Ana", "count": 10})["count"] == 10


@pytest.mark.parametrize("when,expected", [
    ("2026-03-01T10:00:00Z", "2026-03-01T10:00:00Z"),
    ("2026-03-01T10:00Z", "2026-03-01T10:00:00Z"),
    ("2026-03-01T10:00:30.999+00:00", "2026-03-01T10:00:30Z"),
    ("2026-03-01T01:00:00+02:00", "2026-02-28T23:00:00Z"),
])
def test_validate_datetime_normalised(server, when, expected):
    assert valid(server, {"name": "Ana", "when": when})["when"] == expected


@pytest.mark.parametrize("when", ["2026-03-01T10:00:00", "2026-03-01 10:00", "2026-03-01",
                                  "2026-02-30T10:00:00Z", "2026-03-01T24:00:00Z", "tomorrow"])
def test_validate_datetime_rejected(server, when):
    invalid(server, {"name": "Ana", "when": when}, "when")


@pytest.mark.parametrize("day", ["2026-02-30", "2025-02-29", "1999-12-31", "2101-01-01", "2026-1-5",
                                 "2026-01-05T00:00:00Z"])
def test_validate_date_rejected(server, day):
    invalid(server, {"name": "Ana", "day": day}, "day")


@pytest.mark.parametrize("day", ["2000-01-01", "2024-02-29", "2100-12-31"])
def test_validate_date_accepted(server, day):
    assert valid(server, {"name": "Ana", "day": day})["day"] == day


@pytest.mark.parametrize("email", ["a@b", "a b@example.com", "ab.example.com", "a@@example.com",
                                   "a@exa_mple.com", "x" * 65 + "@example.com"])
def test_validate_email_rejected(server, email):
    invalid(server, {"name": "Ana", "email": email}, "email")


@pytest.mark.parametrize("phone,expected", [
    ("79 00 00 00", "+25779000000"), ("+257 79 00 00 00", "+25779000000"),
    ("00257 79-00-00-00", "+25779000000"), ("(+257) 79.00.00.00", "+25779000000"),
    ("079000000", "+25779000000"), ("+33 6 12 34 56 78", "+33612345678"),
])
def test_validate_phone_normalised(server, phone, expected):
    assert valid(server, {"name": "Ana", "phone": phone})["phone"] == expected


@pytest.mark.parametrize("phone", ["12", "+12", "79 00 00 0a", "+1234567890123456"])
def test_validate_phone_rejected(server, phone):
    invalid(server, {"name": "Ana", "phone": phone}, "phone")


def test_validate_arrays(server):
    assert valid(server, {"name": "Ana", "tags": ["a", "b", "c"]})["tags"] == ["a", "b", "c"]
    invalid(server, {"name": "Ana", "tags": ["a", "b", "c", "d"]}, "tags")
    invalid(server, {"name": "Ana", "tags": ["a", "x" * 21]}, "tags.1")
    invalid(server, {"name": "Ana", "tags": ["a", " "]}, "tags.1")
    invalid(server, {"name": "Ana", "tags": ["a", 3]}, "tags.1")
    invalid(server, {"name": "Ana", "tags": "a"}, "tags")


def test_validate_nested_object(server):
    invalid(server, {"name": "Ana", "place": {"lat": 1}}, "place.city", "required")
    invalid(server, {"name": "Ana", "place": {"city": "Ngozi", "lat": 91}}, "place.lat")
    invalid(server, {"name": "Ana", "place": {"city": "Ngozi", "lat": -90.5}}, "place.lat")
    invalid(server, {"name": "Ana", "place": {"city": "Ngozi", "lat": 1.12345678}}, "place.lat")
    invalid(server, {"name": "Ana", "place": "Ngozi"}, "place")
    data = valid(server, {"name": "Ana", "place": {"city": "Ngozi", "lat": 1.1234567}})
    assert data["place"] == {"city": "Ngozi", "lat": 1.1234567}


def test_validate_reports_every_problem(server):
    err = invalid(server, {"name": "", "count": 99, "foo": 1, "amount": 1.5,
                           "place": {"city": "Muyinga", "zip": 1}}, "name")
    fields = {d["field"] for d in err["details"]}
    assert {"name", "count", "foo", "amount", "place.zip"} <= fields, err

"""test_auth_cache.py: the per-process cache of authenticated users (SPEC 8.5 step 7, <= 5 s) answers
only the token that filled it: another token reusing its jti with another `sub` or `sid` is checked
against the store, never given the cached principal. One server process, so the cache is shared by
every request of the test."""
import base64
import json
import os
import secrets

import pytest

import identity
from harness import assert_error, assert_ok
from test_multi_store import one_process

ADMIN = ("cache-admin@example.com", "cache-pass-123")
OTHER = "cache-other@example.com"


def claims_of(token):
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


@pytest.fixture(scope="module")
def srv(start_server):
    server = start_server(extra_conf=one_process(os.environ.get("MPM", "event")))
    identity.create_admin(server, *ADMIN)
    return server


def me(srv, token):
    return srv.get("/api/auth/me", headers=identity.bearer(token))


def test_a_reused_jti_with_another_subject_is_not_the_cached_user(srv):
    data = identity.login(srv, *ADMIN)
    admin, tok = data["user"], data["tokens"]["accessToken"]
    other = assert_ok(srv.post("/api/users", headers=identity.bearer(tok), json={
        "email": OTHER, "password": "other-pass-123", "firstName": "Olive", "lastName": "Other",
        "role": "super_admin"}), 201)
    assert assert_ok(me(srv, tok))["id"] == admin["id"]  # cached under its jti
    claims = claims_of(tok)
    # a validly signed token with the same jti but another subject (and session family)
    forged = identity.mint_token(srv, sub=other["id"], role="super_admin", jti=claims["jti"],
                                 sid=secrets.token_hex(12))
    assert assert_ok(me(srv, forged))["id"] == other["id"]
    # the same subject with another session family: checked anew too (and still the admin)
    same_sub = identity.mint_token(srv, sub=admin["id"], role="super_admin", jti=claims["jti"],
                                   sid=secrets.token_hex(12))
    assert assert_ok(me(srv, same_sub))["id"] == admin["id"]
    # a subject that does not exist, under the cached jti: 401, not the cached user
    ghost = identity.mint_token(srv, sub=secrets.token_hex(12), role="super_admin",
                                jti=claims["jti"], sid=claims["sid"])
    assert_error(me(srv, ghost), 401, "UNAUTHORIZED")
    assert assert_ok(me(srv, tok))["id"] == admin["id"]


def test_a_reused_jti_with_a_revoked_session_family_is_refused(srv):
    # two sessions of one user; the second is logged out (its family revoked) before the first
    # fills the cache, so the cache entry is newer than the revocation
    first = identity.login(srv, *ADMIN)["tokens"]
    second = identity.login(srv, *ADMIN)["tokens"]
    assert srv.post("/api/auth/logout", headers=identity.bearer(second["accessToken"]),
                    json={}).status_code == 200
    assert_ok(me(srv, first["accessToken"]))  # cached under the first token's jti
    c1, c2 = claims_of(first["accessToken"]), claims_of(second["accessToken"])
    # the cached jti and subject with the revoked family: the store refuses it, the cache must not
    # answer it with the cached user
    forged = identity.mint_token(srv, sub=c1["sub"], role="super_admin", jti=c1["jti"],
                                 sid=c2["sid"])
    assert_error(me(srv, forged), 401, "UNAUTHORIZED")
    assert assert_ok(me(srv, first["accessToken"]))["email"] == ADMIN[0]

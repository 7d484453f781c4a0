"""identity.py: test helpers for authenticated calls: create the first admin with ruzizi-ctl, mint
access tokens with the server's own key file (to test the token checks), and log in."""
import base64
import hashlib
import hmac
import json
import secrets
import subprocess
import time
from pathlib import Path

import harness

ISSUER = "ruzizi"
AUDIENCE = "ruzizi-api"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def server_issuer(server):
    """The iss the server expects (SPEC 8.12): RuziziJwtIssuer, else RuziziPublicBaseUrl, else
    "ruzizi"."""
    import re
    conf = server.extra_conf or ""
    for name in ("RuziziJwtIssuer", "RuziziPublicBaseUrl"):
        m = re.search(rf"^{name}\s+(\S+)", conf, re.M)
        if m:
            return m.group(1)
    return ISSUER


def server_keys(server):
    """[(kid, key bytes)] from the key file the harness wrote for `server`."""
    keys = []
    for line in (server.dir / "jwt.keys").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            kid, key = line.strip().split(":", 1)
            keys.append((kid, base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))))
    return keys


def mint_token(server, sub, role, est=None, sid=None, iat=None, exp=None, jti=None, header=None,
               key=None, kid=None, claims=None):
    """An access token as the server would sign it (SPEC 8.5), with any part overridable, so tests
    can forge, expire or tamper with tokens. `sid` defaults to a fresh id (an unknown family is not
    a revoked one)."""
    now = int(time.time())
    iat = now if iat is None else iat
    body = {"iss": server_issuer(server), "aud": AUDIENCE, "sub": sub, "role": role, "est": est,
            "sid": sid or secrets.token_hex(12), "iat": iat, "nbf": iat,
            "exp": iat + 900 if exp is None else exp, "jti": jti or secrets.token_hex(16)}
    body.update(claims or {})
    first_kid, first_key = server_keys(server)[0]
    hdr = header or {"alg": "HS256", "typ": "at+jwt", "kid": kid or first_kid}
    signing = b64url(json.dumps(hdr, separators=(",", ":")).encode()) + "." + \
        b64url(json.dumps(body, separators=(",", ":")).encode())
    sig = hmac.new(key or first_key, signing.encode(), hashlib.sha256).digest()
    return signing + "." + b64url(sig)


def create_admin(server, email="admin@example.com", password="admin-pass-1", first="Ada",
                 last="Admin", force=False):
    """Runs `ruzizi-ctl create-admin` against the server's store; returns the new user id."""
    args = [str(harness.CTL), "--store", server.store_uri, "create-admin", "--email", email,
            "--first-name", first, "--last-name", last] + (["--force"] if force else [])
    p = subprocess.run(args, input=password + "\n", capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError(f"create-admin failed ({p.returncode}): {p.stderr.strip()}")
    if server.store_uri.startswith("sqlite:"):  # the file's directory stays the children's
        harness.chown_to_run_user(Path(server.store_uri[len("sqlite:"):]).parent)
    return p.stdout.strip()


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def login(server, email, password):
    """POST /api/auth/login; returns the data object ({user, tokens})."""
    r = server.post("/api/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return r.json()["data"]

#!/usr/bin/python3
"""forgot_timing.py: how long POST /api/auth/forgot-password takes to answer for an existing and
for an unknown account (issue 9: 7-15 ms against 1-3 ms before the work moved after the answer),
each request on a new connection; then, on one keep-alive connection, how long a GET /api/health
sent right after each answer waits (the work after the answer still holds that connection's
worker). Not part of the test suite and never a pass/fail check: figures for a note.

usage: RUZIZI_BUILD_DIR=build/test tests/bench/forgot_timing.py [--requests 200]"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
import harness  # noqa: E402
import identity  # noqa: E402

UNLIMITED = "".join(f"RuziziRateLimit {s} 1000000/s 1000000\n" for s in (
    "api", "login-ip", "forgot-email"))


def figures(ms):
    ms = sorted(ms)
    return (f"median {statistics.median(ms):6.2f} ms  p90 {ms[int(len(ms) * 0.9)]:6.2f} ms  "
            f"max {ms[-1]:6.2f} ms")


def session(srv):
    s = requests.Session()
    s.trust_env = False
    s.verify = str(srv.ca.ca_cert)
    return s


def timed_post(s, url, email):
    t = time.perf_counter()
    r = s.post(url, json={"email": email}, timeout=30)
    elapsed = (time.perf_counter() - t) * 1000
    assert r.status_code == 202, r.text
    return elapsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=200)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ruzizi-bench-"))
    ca = harness.TlsCA(work)
    data = harness.make_tmpdir("ruzizi-bench-data-")
    uri = f"sqlite:{data}/bench.db"
    harness.run_ctl(uri, "migrate")
    harness.chown_to_run_user(data)
    srv = harness.Server(ca, uri, "sqlite", extra_conf=UNLIMITED)
    srv.start()
    try:
        identity.create_admin(srv, "known@example.com", "known-pass-123")
        url = srv.url("/api/auth/forgot-password")
        known, unknown = [], []
        for i in range(args.requests):  # interleaved, a new connection (and TLS handshake) each
            for email, out in (("known@example.com", known), (f"ghost{i}@example.com", unknown)):
                with session(srv) as s:
                    s.get(srv.url("/api/health"), timeout=30)  # connect outside the timing
                    out.append(timed_post(s, url, email))
        print(f"forgot-password, existing account: {figures(known)}")
        print(f"forgot-password, unknown account:  {figures(unknown)}")
        after = {"known@example.com": [], "unknown": []}
        with session(srv) as s:
            for i in range(args.requests):
                for email, key in (("known@example.com", "known@example.com"),
                                   (f"late{i}@example.com", "unknown")):
                    timed_post(s, url, email)
                    t = time.perf_counter()
                    s.get(srv.url("/api/health"), timeout=30)
                    after[key].append((time.perf_counter() - t) * 1000)
        print(f"same connection, GET /api/health right after an existing account's answer: "
              f"{figures(after['known@example.com'])}")
        print(f"same connection, GET /api/health right after an unknown account's answer:  "
              f"{figures(after['unknown'])}")
    finally:
        srv.stop()


if __name__ == "__main__":
    main()

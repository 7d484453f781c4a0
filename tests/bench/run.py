#!/usr/bin/python3
"""run.py: benchmarks of mod_ruzizi endpoints, each printed as a ratio to a trivial handler measured in
the same run on the same server (absolute numbers on a shared machine mean little). Not part of the
test suite and never a pass/fail check.

usage: RUZIZI_BUILD_DIR=build/test tests/bench/run.py [--seconds 5] [--connections 16]
       [--bookings | --bookings-only] [--quick] [--skip-10x]
(needs a test build: configure --enable-test-hooks, for the `ruzizi-trivial` handler)
At the end it prints the resident memory (VmRSS) of each httpd child when the figures began and
when they ended, with the requests run.py's own figures sent in between (a leak shows as growth;
children replaced by httpd meanwhile are named).
--bookings adds the booking figures of tests/bench/bookings.py (availability at 100k and 1M bookings,
POST /api/bookings throughput and an overlap check); --bookings-only runs just those."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
import harness  # noqa: E402
import identity  # noqa: E402

import bookings  # noqa: E402  (tests/bench/bookings.py)

UNLIMITED = "".join(f"RuziziRateLimit {s} 1000000/s 1000000\n" for s in (
    "api", "login-ip", "login-email", "refresh-ip"))
UNLIMITED += "RuziziRateLimit availability-ip 1000000/min\n"  # bookings.py


def child_rss(srv):
    """{pid: VmRSS in kB} of the server's children (the processes whose parent is its httpd)."""
    rss = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue  # gone meanwhile
        m = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
        if m and re.search(rf"^PPid:\s+{srv.proc.pid}$", text, re.M):
            rss[int(status.parent.name)] = int(m.group(1))
    return rss


WRK_REQUESTS = [0]  # the requests wrk() has sent in this run (not those of bookings.py's figures)


def print_rss(start, end):
    """The RSS lines: each child's start -> end, and the children that came or went."""
    print(f"RSS of each child, start -> end ({WRK_REQUESTS[0]:,} requests of run.py's figures, "
          f"plus any of the booking figures):")
    for pid in sorted(set(start) | set(end)):
        a, b = start.get(pid), end.get(pid)
        if a is not None and b is not None:
            print(f"  child {pid}: {a / 1024:7.1f} MB -> {b / 1024:7.1f} MB  ({(b - a) / 1024:+.1f} MB)")
        else:
            print(f"  child {pid}: {'started meanwhile' if a is None else 'replaced meanwhile'} "
                  f"({(a or b) / 1024:.1f} MB)")


def wrk(url, seconds, connections, headers=(), script=None):
    """Runs wrk; returns (requests/s, p99 ms, non-2xx count)."""
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for h in headers:
        cmd += ["-H", h]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    sent = re.search(r"(\d+) requests in", out)
    WRK_REQUESTS[0] += int(sent.group(1)) if sent else 0
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, float(p99.group(1)) * scale, int(non2xx.group(1)) if non2xx else 0


def bench_image(srv, token, est_id):
    """Uploads one PNG image of establishment `est_id`; returns its id, or None when the build has
    no RuziziUploadDir."""
    import struct
    import zlib

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    rows = b"".join(b"\0" + bytes((x + y) % 256 for x in range(600)) for y in range(200))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 200, 200, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    h = {"Authorization": f"Bearer {token}"}
    r = srv.post(f"/api/images?establishmentId={est_id}", data=png,
                 headers=dict(h, **{"Content-Type": "image/png"}))
    return r.json()["data"]["id"] if r.status_code == 201 else None


def bench_establishment(srv, token, units=20):
    """An establishment with `units` nightly units; returns its id."""
    h = {"Authorization": f"Bearer {token}"}
    est = srv.post("/api/establishments", headers=h, json={
        "name": "Bench Hotel", "location": {"city": "Bujumbura", "address": "1 Avenue",
                                            "lat": -3.38, "lng": 29.36},
        "contacts": {"phones": ["+25779000000"], "email": "bench@example.com"}})
    est_id = est.json()["data"]["id"]
    for i in range(units):
        r = srv.post("/api/accommodations", headers=h, json={
            "establishmentId": est_id, "name": f"Room {i:02d}", "type": "standard_room",
            "pricingMode": "nightly", "pricing": {"basePrice": 40000 + 1000 * i, "seasons": [
                {"name": "High", "from": "2027-07-01", "to": "2027-08-31", "price": 60000}]},
            "capacity": {"maxGuests": 2}, "amenities": ["wifi", "tv"],
            "description": "A quiet room with a view of the lake."})
        assert r.status_code == 201, r.text
    return est_id


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--bookings", action="store_true", help="also the booking figures")
    ap.add_argument("--bookings-only", action="store_true", help="only the booking figures")
    ap.add_argument("--quick", action="store_true", help="bookings: 10k/100k instead of 100k/1M")
    ap.add_argument("--skip-10x", action="store_true", help="bookings: no 10x data figure")
    ap.add_argument("--bookings-seed", type=int, default=1)
    ap.add_argument("--keep-data", action="store_true", help="bookings: keep the bench store")
    args = ap.parse_args()
    if args.quick and args.seconds == 5:
        args.seconds = 3
    work = Path(tempfile.mkdtemp(prefix="ruzizi-bench-"))
    ca = harness.TlsCA(work)
    data = harness.make_tmpdir("ruzizi-bench-data-")
    uri = f"sqlite:{data}/bench.db"
    harness.run_ctl(uri, "migrate")
    harness.chown_to_run_user(data)
    srv = harness.Server(ca, uri, "sqlite", extra_conf=UNLIMITED + (
        "<Location /bench-trivial>\n    Require all granted\n    SetHandler ruzizi-trivial\n</Location>\n"))
    srv.start()
    try:
        identity.create_admin(srv, "bench@example.com", "bench-pass-1")
        token = identity.login(srv, "bench@example.com", "bench-pass-1")["tokens"]["accessToken"]
        s, c = args.seconds, args.connections
        rss_start = child_rss(srv)
        if args.bookings_only:
            bookings.run(srv, token, args, work)
            print_rss(rss_start, child_rss(srv))
            return
        base, base_p99, _ = wrk(srv.url("/bench-trivial"), s, c)
        print(f"trivial handler           {base:9.0f} req/s  p99 {base_p99:7.2f} ms   (1.00)")
        rps, p99, bad = wrk(srv.url("/api/auth/me"), s, c,
                            headers=[f"Authorization: Bearer {token}"])
        print(f"GET /api/auth/me (auth)   {rps:9.0f} req/s  p99 {p99:7.2f} ms   "
              f"({rps / base:.2f} of trivial; goal >= 0.60){'  non-2xx: %d' % bad if bad else ''}")
        rps, p99, bad = wrk(srv.url("/api/health"), s, c)
        print(f"GET /api/health           {rps:9.0f} req/s  p99 {p99:7.2f} ms   "
              f"({rps / base:.2f} of trivial)")
        est_id = bench_establishment(srv, token)
        rps, p99, bad = wrk(srv.url(f"/api/public/accommodations?establishmentId={est_id}&limit=20"),
                            s, c)
        print(f"GET public list of 20 units {rps:7.0f} req/s  p99 {p99:7.2f} ms   "
              f"({rps / base:.2f} of trivial; goal >= 0.50){'  non-2xx: %d' % bad if bad else ''}")
        image = bench_image(srv, token, est_id)
        if image:
            rps, p99, bad = wrk(srv.url(f"/api/images/{image}/small"), s, c)
            print(f"GET /api/images/{{id}}/small {rps:7.0f} req/s  p99 {p99:7.2f} ms   "
                  f"({rps / base:.2f} of trivial){'  non-2xx: %d' % bad if bad else ''}")
        lua = work / "login.lua"
        lua.write_text('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                       'wrk.body = \'{"email":"bench@example.com","password":"bench-pass-1"}\'\n')
        rps, p99, bad = wrk(srv.url("/api/auth/login"), s, 4, script=str(lua))
        cores = os.cpu_count() or 1
        print(f"POST /api/auth/login      {rps:9.1f} req/s  p99 {p99:7.2f} ms   "
              f"({rps / cores:.1f} per core on {cores} cores; argon2id-bound; "
              f"503 SERVER_BUSY/other non-2xx: {bad})")
        if args.bookings:
            bookings.run(srv, token, args, work)
        print_rss(rss_start, child_rss(srv))
    finally:
        srv.stop()
        if (args.bookings or args.bookings_only) and not args.keep_data:
            shutil.rmtree(data, ignore_errors=True)  # this run's own store (GBs with bookings)


if __name__ == "__main__":
    main()

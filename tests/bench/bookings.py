"""bookings.py: booking benchmarks of mod_ruzizi, run from tests/bench/run.py with --bookings (after
the other figures) or --bookings-only. Like run.py, every figure is printed next to the trivial
handler (`SetHandler ruzizi-trivial`) measured on the same server in the same run, as a ratio; the
goals are reported, never asserted (this is not part of the test suite).

  1. GET /api/public/availability (SPEC 7.4, 6.1) on one establishment of 100 units (40 nightly,
     20 monthly, 40 hourly, created through the API) with 100,000 bookings inserted directly into
     the store, at --connections (16) clients, each request a random date range
     [today+1..today+180, +3 nights] with guests=2: req/s, p50, p99. Goal: p99 <= 10 ms.
  2. The same with 10x the data: 1,000,000 bookings on the same 100 units (the query and its
     answer stay the same: the future that availability reads is generated identically in both
     sets, only the history and the cancellations grow). Prints the p99 growth. Goal: <= 1.5x.
  3. POST /api/bookings (SPEC 7.6) with a manager token on SQLite (the store's own
     synchronous=FULL, WAL) at --connections clients, run right after figure 1 on its store of
     100,000 bookings; each request a distinct stay (a new guest, one night on a nightly unit or
     one hour on an hourly unit, in [today+560, today+729], beyond the generated bookings):
     created bookings/s (goal >= 500/s). Then the store is read back and every pair of blocking
     bookings of one unit is checked for overlap (SPEC 2.8); the count checked and the overlaps
     found are printed.
Before each availability figure, the SQL the SQLite backend generates for the handler's two store
queries and for the free() check of a creation is replayed with python's sqlite3 (the same
library) and timed, with its query plan: it shows where the time goes.

The generated history (SQLite only; one transaction of executemany after dropping the bookings
indexes, which are then recreated with the store's own SQL) spans today-548 .. today+548 days.
Each unit has a non-overlapping timeline: completed stays in the past, a checked_in stay around
now, blocking stays (confirmed, accepted, pending) thinning out into the future; nightly units
take 1..14-night stays, monthly 1..3 months (+0..10 nights), hourly units 30 min..3 h slots between
07:00 and 24:00 local. The rest of the count is history on the hourly units (up to 16 slots a
day) and cancelled or no_show bookings anywhere (non-blocking, so free to overlap). Documents have
every field of domain/rz_bookings.h (version 1, base-rate pricing quotes, clientIds from a pool of
fake clients that are not inserted in the clients collection).

usage (a test build: configure --enable-test-hooks; wrk installed):
  (from the repository's root; build/test, made by scripts/test, is such a build)
  RUZIZI_BUILD_DIR=build/test /usr/bin/python3 tests/bench/run.py --bookings-only
  RUZIZI_BUILD_DIR=build/test /usr/bin/python3 tests/bench/run.py --bookings-only --quick
  RUZIZI_BUILD_DIR=build/test /usr/bin/python3 tests/bench/run.py --bookings   # all figures
options: --seconds N (per figure, default 5; --quick 3), --connections N (default 16),
  --quick (10,000 and 100,000 bookings), --skip-10x, --bookings-seed N, --keep-data (keep the
store, about 1.8 GB at 1,000,000 bookings; it is deleted by default).
Runtime: about 4 minutes in full on 2 idle cores, most of it loading 1,000,000 documents (a slow
endpoint stretches a figure up to 60 s so that every client completes a few requests); about a
minute with --quick."""
import datetime as dt
import json
import math
import multiprocessing
import os
import random
import re
import sqlite3
import statistics
import subprocess
import time
from pathlib import Path

import harness
import identity
import storedirect

BLOCKING = ("pending", "accepted", "confirmed", "checked_in")  # SPEC 2.8
SPAN_DAYS = 548            # the history spans today-548 .. today+548 (about 3 years)
HOURLY_DAY = (7 * 60, 24 * 60)  # hourly slots between 07:00 and 24:00 local
HOURLY_CAP = 16            # at most this many hourly bookings a day on one unit
CREATE_DAYS = (560, 729)   # POST bench: stays in [today+560, today+729] (window: +730)
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHUNK = 20000              # documents generated per worker task
UNIT_MIX = (("nightly", 40), ("monthly", 20), ("hourly", 40))


# ---- wrk --------------------------------------------------------------------------------------

def wrk_run(url, seconds, connections, script=None, headers=(), timeout=60, script_args=()):
    """Runs wrk --latency; returns a dict: rps, p50, p99 (ms), requests, duration (s), non2xx,
    timeouts, errors, and the raw output."""
    cmd = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency",
           f"--timeout={timeout}s"]
    for h in headers:
        cmd += ["-H", h]
    if script:
        cmd += ["-s", str(script)]
    cmd.append(url)
    if script_args:
        cmd += ["--"] + [str(a) for a in script_args]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout

    def ms(label):
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\b", out, re.M)
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)] if m else None
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", out)
    dur = float(done.group(2)) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[done.group(3)]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": ms(50), "p99": ms(99), "requests": int(done.group(1)), "duration": dur,
            "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "timeouts": int(sock.group(4)) if sock else 0,
            "errors": sum(int(x) for x in sock.groups()[:3]) if sock else 0, "out": out}


def trivial(srv, seconds, connections):
    """The trivial handler on `srv`: (req/s, p99 ms), printed."""
    r = wrk_run(srv.url("/bench-trivial"), seconds, connections)
    print(f"trivial handler             {r['rps']:9.0f} req/s  p50 {r['p50']:7.2f} ms  "
          f"p99 {r['p99']:7.2f} ms   (1.00)", flush=True)
    return r["rps"]


def settle(srv, quiet, limit=90):
    """Waits until the server has finished the requests wrk left in flight (the access log has
    not grown for `quiet` seconds, at most `limit` s): slow requests still running would weigh on
    the next figure."""
    end, last, since = time.monotonic() + limit, -1, time.monotonic()
    while time.monotonic() < end:
        size = srv.access_log.stat().st_size if srv.access_log.exists() else 0
        if size != last:
            last, since = size, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.2)


def problems(r):
    bits = [f"{k}: {r[k]}" for k in ("non2xx", "timeouts") if r[k]]
    if r["errors"]:
        bits.append(re.search(r"Socket errors: .*", r["out"]).group(0))
    return ("  " + ", ".join(bits)) if bits else ""


# ---- time (SPEC 2.7, 2.8) ---------------------------------------------------------------------

def hhmm(s):
    h, m = s.split(":")
    return int(h) * 3600 + int(m) * 60


class Clock:
    """The establishment's clock: utcOffset, businessDayStart, checkInTime, checkOutTime. Days
    are integers (days since 1970-01-01)."""

    def __init__(self, est):
        off = est.get("utcOffset") or "+02:00"
        self.offset = (1 if off[0] == "+" else -1) * hhmm(off[1:])
        self.day_start = hhmm(est.get("businessDayStart") or "06:00")
        self.check_in = hhmm(est.get("checkInTime") or "14:00")
        self.check_out = hhmm(est.get("checkOutTime") or "11:00")
        self._days = {}

    def today(self, now=None):
        now = time.time() if now is None else now
        return int(now + self.offset - self.day_start) // 86400

    def date(self, day):
        s = self._days.get(day)
        if s is None:
            s = self._days[day] = (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()
        return s

    def ts(self, sec):
        day, r = divmod(int(sec), 86400)
        return f"{self.date(day)}T{r // 3600:02d}:{r % 3600 // 60:02d}:{r % 60:02d}Z"

    def business_day(self, sec):
        return int(sec + self.offset - self.day_start) // 86400

    def local_day(self, sec):
        return int(sec + self.offset) // 86400

    def night_in(self, day):
        return day * 86400 + self.check_in - self.offset

    def night_out(self, day):
        return day * 86400 + self.check_out - self.offset

    def local_sec(self, day, minute):
        return day * 86400 + minute * 60 - self.offset


def add_months(day, k):
    """SPEC 6.3 addMonths on day numbers (the day of month capped at the target month's end)."""
    d = dt.date(1970, 1, 1) + dt.timedelta(days=day)
    y, m = divmod(d.month - 1 + k, 12)
    y, m = d.year + y, m + 1
    last = ((dt.date(y + (m == 12), m % 12 + 1, 1)) - dt.timedelta(days=1)).day
    return (dt.date(y, m, min(d.day, last)) - dt.date(1970, 1, 1)).days


# ---- the establishment ------------------------------------------------------------------------

def make_establishment(srv, h):
    """An establishment with the 100 units of UNIT_MIX, through the API. Returns (est doc, units:
    [{id, mode, price, minHours}])."""
    r = srv.post("/api/establishments", headers=h, json={
        "name": "Bench Bookings Hotel", "location": {"city": "Gitega", "address": "2 Avenue",
                                                     "lat": -3.43, "lng": 29.92},
        "contacts": {"phones": ["+25779000001"], "email": "bookings-bench@example.com"}})
    assert r.status_code == 201, r.text
    est_id = r.json()["data"]["id"]
    units = []
    for mode, n in UNIT_MIX:
        for i in range(n):
            pricing = {"nightly": {"basePrice": 40000 + 1000 * i, "seasons": [
                {"name": "High", "from": "2027-07-01", "to": "2027-08-31", "price": 90000}]},
                "monthly": {"basePrice": 900000 + 10000 * i},
                "hourly": {"basePrice": 10000 + 500 * i, "minHours": 1 + i % 2}}[mode]
            body = {"establishmentId": est_id, "name": f"{mode.title()} {i:02d}",
                    "type": {"nightly": ("standard_room", "suite")[i % 2], "monthly": "apartment",
                             "hourly": "suite"}[mode],
                    "pricingMode": mode, "pricing": pricing,
                    "capacity": {"maxGuests": 2 + i % 3, "bedrooms": 1},
                    "amenities": ["wifi", "tv"], "description": f"A {mode} unit for the bench."}
            r = srv.post("/api/accommodations", headers=h, json=body)
            assert r.status_code == 201, r.text
            units.append({"id": r.json()["data"]["id"], "mode": mode,
                          "price": pricing["basePrice"], "minHours": pricing.get("minHours")})
    return storedirect.get(srv, "establishments", est_id), units


# ---- generated bookings -----------------------------------------------------------------------

def round_half_up(a, b):
    return (2 * a + b) // (2 * b)


def quote(mode, price, cur, vat, tiers, clock, d0=None, d1=None, t_in=None, t_out=None,
          min_hours=1):
    """A base-rate PricingQuote (SPEC 4.5, 6.3; seasons ignored)."""
    months = extra = hours = None
    if mode == "hourly":
        hours = max(min_hours or 1, -(-int(t_out - t_in) // 3600))
        lines = [{"label": "Base rate", "from": clock.ts(t_in), "to": clock.ts(t_out),
                  "quantity": hours, "unit": "hour", "unitPrice": price, "amount": hours * price}]
        nights = 0
    elif mode == "nightly":
        nights = d1 - d0
        lines = [{"label": "Base rate", "from": clock.date(d0), "to": clock.date(d1),
                  "quantity": nights, "unit": "night", "unitPrice": price,
                  "amount": nights * price}]
    else:
        nights = d1 - d0
        months = 0
        while add_months(d0, months + 1) <= d1:
            months += 1
        extra = d1 - add_months(d0, months)
        lines = [{"label": "Base rate", "from": clock.date(add_months(d0, k)),
                  "to": clock.date(add_months(d0, k + 1)), "quantity": 1, "unit": "month",
                  "unitPrice": price, "amount": price} for k in range(months)]
        if extra:
            lines.append({"label": "Base rate", "from": clock.date(add_months(d0, months)),
                          "to": clock.date(d1), "quantity": extra, "unit": "prorated_night",
                          "unitPrice": price, "amount": round_half_up(extra * price, 30)})
    subtotal = sum(x["amount"] for x in lines)
    discount = {"percentBps": 0, "amount": 0, "reason": None}
    if mode == "nightly":
        tier = max((t for t in tiers if t["minNights"] <= nights), key=lambda t: t["minNights"],
                   default=None)
        if tier:
            discount = {"percentBps": tier["percentBps"],
                        "amount": round_half_up(subtotal * tier["percentBps"], 10000),
                        "reason": f"Long stay: {nights} nights"}
    total = subtotal - discount["amount"]
    tax = round_half_up(total * vat, 10000 + vat)
    return {"mode": mode, "currency": cur, "nights": nights, "months": months,
            "extraNights": extra, "hours": hours, "lines": lines, "subtotal": subtotal,
            "discount": discount, "total": total, "taxRateBps": vat, "taxAmount": tax,
            "netAmount": total - tax}


class Generator:
    """Booking documents of one establishment (see the module docstring). A stay is (unit index,
    t_in, t_out, d0, d1) with instants in Unix seconds and, for nightly/monthly units, the local
    dates d0, d1 of the stay."""

    def __init__(self, est, units, seed, now=None):
        self.est, self.units, self.seed = est, units, seed
        self.clock = Clock(est)
        self.now = int(time.time() if now is None else now)
        self.today = self.clock.today(self.now)
        self.cur = est.get("currency") or "BIF"
        self.vat = est.get("vatRateBps", 1800)
        self.tiers = est.get("longStayDiscounts") or []
        rnd = random.Random(seed)
        first = ["Aline", "Jean", "Claudine", "Eric", "Divine", "Olivier", "Grace", "Pacifique"]
        last = ["Ndayishimiye", "Niyonzima", "Irakoze", "Hakizimana", "Uwimana", "Bizimana"]
        self.clients = [("%08x%016x" % (self.now - 86400 * 400, rnd.getrandbits(64)),
                         rnd.choice(first), rnd.choice(last), i) for i in range(5000)]
        self.staff = "%08x%016x" % (self.now - 86400 * 600, rnd.getrandbits(64))
        self.counter = 0

    # -- timelines --
    def _stay_len(self, rnd, mode):
        if mode == "nightly":
            return rnd.choices((1, 2, 3, 4, 5, 7, 10, 14), (3, 3, 2, 1, 1, 1, 0.3, 0.2))[0]
        return None

    def _night_like(self, rnd, ui, d0):
        """(d0, d1) of a stay of unit ui starting on d0."""
        if self.units[ui]["mode"] == "nightly":
            return d0, d0 + self._stay_len(rnd, "nightly")
        return d0, add_months(d0, rnd.choice((1, 1, 2, 3))) + rnd.choice((0, 0, 3, 10))

    def _future(self, ui):
        """The blocking (and current) stays of unit ui from now on, independent of the scale.
        Returns (stays, first day used by them)."""
        rnd = random.Random(f"{self.seed}-future-{ui}")
        mode, c, out = self.units[ui]["mode"], self.today, []
        if mode == "hourly":
            for day in range(self.today, self.today + SPAN_DAYS + 1):
                lam = 3.0 * math.exp(-(day - self.today) / 30.0)
                k = min(HOURLY_CAP, sum(rnd.random() < lam / 6 for _ in range(6)))
                out += self._hourly_day(rnd, ui, day, k)
            return out, self.today
        first = c
        if rnd.random() < 0.6:  # a guest in the unit now
            d0, d1 = self._night_like(rnd, ui, c - rnd.randint(1, 3))
            if d1 > c:
                out.append((ui, self.clock.night_in(d0), self.clock.night_out(d1), d0, d1))
                first, c = d0, d1
        while True:
            occ = 0.75 * math.exp(-(c - self.today) / 90.0)
            mean_len = 3.0 if mode == "nightly" else 50.0
            gap = int(rnd.expovariate(max(occ, 0.02) / (mean_len * (1 - occ) + 0.5)))
            d0, d1 = self._night_like(rnd, ui, c + gap)
            if d1 > self.today + SPAN_DAYS:
                return out, first
            out.append((ui, self.clock.night_in(d0), self.clock.night_out(d1), d0, d1))
            c = d1

    def _past_nightly(self, rnd, ui, end):
        """Non-overlapping past stays of a nightly or monthly unit before day `end`."""
        mode, c, out = self.units[ui]["mode"], self.today - SPAN_DAYS, []
        while True:
            mean_len = 3.0 if mode == "nightly" else 50.0
            gap = int(rnd.expovariate(0.75 / (mean_len * 0.25 + 0.5)))
            d0, d1 = self._night_like(rnd, ui, c + gap)
            if d1 > end:
                return out
            out.append((ui, self.clock.night_in(d0), self.clock.night_out(d1), d0, d1))
            c = d1

    def _hourly_day(self, rnd, ui, day, k):
        """k non-overlapping hourly stays of unit ui on local day `day`."""
        if k <= 0:
            return []
        lo, hi = HOURLY_DAY
        durs = [rnd.choice((30, 45, 60) if k > 8 else (30, 60, 60, 90, 120, 180)) for _ in range(k)]
        free = hi - lo - sum(durs)
        w = [rnd.random() for _ in range(k + 1)]
        gaps = [int(free * x / sum(w)) for x in w]
        out, m = [], lo
        for i in range(k):
            m += gaps[i]
            t_in = self.clock.local_sec(day, m)
            m += durs[i]
            out.append((ui, t_in, t_in + durs[i] * 60, None, None))
        return out

    def plan(self, n):
        """The stays of n bookings: (timeline stays, cancelled stays)."""
        rnd = random.Random(f"{self.seed}-past-{n}")
        timeline, hourly = [], []
        for ui, u in enumerate(self.units):
            fut, first = self._future(ui)
            timeline += fut
            if u["mode"] == "hourly":
                hourly.append(ui)
            else:
                timeline += self._past_nightly(rnd, ui, first)
        past_days = list(range(self.today - SPAN_DAYS, self.today))
        room = n - len(timeline) - int(0.2 * n)  # at least 20 % cancelled or no_show
        cells = len(hourly) * len(past_days)
        per = max(0, min(room, cells * HOURLY_CAP))
        base, extra = divmod(per, cells) if cells else (0, 0)
        plus = set(rnd.sample(range(cells), extra)) if extra else set()
        for i, ui in enumerate(hourly):
            for j, day in enumerate(past_days):
                k = base + (1 if i * len(past_days) + j in plus else 0)
                timeline += self._hourly_day(rnd, ui, day, k)
        cancelled = []
        for _ in range(max(0, n - len(timeline))):
            ui = rnd.randrange(len(self.units))
            if rnd.random() < 0.9:
                day = rnd.randrange(self.today - SPAN_DAYS, self.today)
            else:
                day = rnd.randrange(self.today + 1, self.today + SPAN_DAYS)
            if self.units[ui]["mode"] == "hourly":
                cancelled += self._hourly_day(rnd, ui, day, 1)
            else:
                d0, d1 = self._night_like(rnd, ui, day)
                cancelled.append((ui, self.clock.night_in(d0), self.clock.night_out(d1), d0, d1))
        return timeline[:n], cancelled

    # -- documents --
    def _id(self, sec, rnd):
        self.counter += 1
        return "%08x%010x%06x" % (int(sec), rnd.getrandbits(40), self.counter & 0xFFFFFF)

    def _code(self):
        x = (self.counter * 0x9E3779B97F + self.seed * 7919) & ((1 << 40) - 1)
        s = "".join(CROCKFORD[(x >> (5 * i)) & 31] for i in range(8))
        return f"RZ-{s[:4]}-{s[4:]}"

    def doc(self, stay, status, rnd):
        """The stored document of stay `stay` in `status`."""
        ui, t_in, t_out, d0, d1 = stay
        u, c, ts = self.units[ui], self.clock, self.clock.ts
        mode = u["mode"]
        if mode == "hourly":
            in_date, out_date, nights = c.business_day(t_in), c.local_day(t_out), 0
            pricing = quote(mode, u["price"], self.cur, self.vat, self.tiers, c, t_in=t_in,
                            t_out=t_out, min_hours=u["minHours"])
        else:
            in_date, out_date = c.business_day(t_in), max(d0 + 1, c.local_day(t_out))
            nights = out_date - in_date
            pricing = quote(mode, u["price"], self.cur, self.vat, self.tiers, c, d0=d0, d1=d1)
        if status == "pending":
            created = self.now - rnd.randint(60, 6 * 3600)
        else:
            created = min(t_in, self.now) - rnd.randint(3600, 30 * 86400)
        online = status == "pending" or rnd.random() < 0.4
        by = None if online else self.staff
        cid, first, last, k = self.clients[rnd.randrange(len(self.clients))]
        first_status = "pending" if online else "confirmed"
        hist = [{"status": first_status, "at": ts(created), "by": by, "reason": None}]
        checked_in = checked_out = reason = None
        last_at = created
        if status in ("accepted", "confirmed", "checked_in", "completed", "no_show") and online:
            last_at = created + 3600
            hist.append({"status": "accepted", "at": ts(last_at), "by": self.staff,
                         "reason": None})
            if status != "accepted":
                last_at += 60
                hist.append({"status": "confirmed", "at": ts(last_at), "by": self.staff,
                             "reason": None})
        if status in ("checked_in", "completed"):
            last_at = t_in
            checked_in = ts(t_in)
            hist.append({"status": "checked_in", "at": checked_in, "by": self.staff,
                         "reason": None})
        if status == "completed":
            last_at = t_out
            checked_out = ts(t_out)
            hist.append({"status": "completed", "at": checked_out, "by": self.staff,
                         "reason": None})
        elif status == "no_show":
            last_at = max(t_out, t_in + 86400)
            hist.append({"status": "no_show", "at": ts(last_at), "by": None, "reason": None})
        elif status == "cancelled":
            last_at = created + rnd.randint(600, 5 * 86400)
            reason = "expired" if online and rnd.random() < 0.3 else "Guest changed plans"
            hist.append({"status": "cancelled", "at": ts(last_at),
                         "by": None if reason == "expired" else self.staff, "reason": reason})
        doc = {"id": self._id(created, rnd), "bookingCode": self._code(),
               "establishmentId": self.est["id"], "accommodationId": u["id"],
               "bookingType": "online" if online else "onsite", "status": status,
               "paymentStatus": "unpaid", "checkIn": ts(t_in), "checkOut": ts(t_out),
               "checkInDate": c.date(in_date), "checkOutDate": c.date(out_date),
               "nights": nights, "pricing": pricing, "numberOfGuests": 2,
               "clientInfo": {"firstName": first, "lastName": last,
                              "email": f"guest{k}@example.com", "phone": f"+2577{k:07d}",
                              "idType": None, "idNumber": None, "nationality": None,
                              "dateOfBirth": None, "gender": None, "address": None,
                              "city": None, "country": None, "companyName": None},
               "additionalGuests": [], "arrivalTime": None, "specialRequests": None,
               "notes": None, "language": "fr", "marketingOptIn": False, "invoiceId": None,
               "expiresAt": ts(created + 48 * 3600) if status == "pending" else None,
               "cancelReason": reason, "checkedInAt": checked_in, "checkedOutAt": checked_out,
               "statusHistory": hist, "createdBy": by, "createdAt": ts(created),
               "updatedAt": ts(max(last_at, created)), "clientId": cid, "version": 1}
        return doc

    def statuses(self, n, stats):
        """[(stay, status)] of n bookings; counts statuses into `stats`."""
        timeline, cancelled = self.plan(n)
        rnd = random.Random(f"{self.seed}-status-{n}")
        future_mix = ("confirmed",) * 14 + ("accepted",) * 3 + ("pending",) * 3
        out = []
        for stay in timeline:
            if stay[2] <= self.now:
                status = "completed"
            elif stay[1] <= self.now:
                status = "checked_in"
            else:
                status = future_mix[rnd.randrange(len(future_mix))]
            out.append((stay, status))
        for stay in cancelled:
            out.append((stay, "no_show" if stay[2] <= self.now and rnd.random() < 0.1
                        else "cancelled"))
        for _, status in out:
            stats[status] = stats.get(status, 0) + 1
        return out

    def chunk_rows(self, index, items):
        """(id, json) rows of the documents of `items`, chunk `index` (ids and codes stay
        unique across chunks)."""
        rnd = random.Random(f"{self.seed}-docs-{index}")
        self.counter = index * CHUNK
        dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
        rows = []
        for stay, status in items:
            d = self.doc(stay, status, rnd)
            rows.append((d["id"], dumps(d)))
        return rows

    def rows(self, n, stats):
        """(id, json) rows of n bookings, generated by worker processes while the caller
        consumes them; counts statuses into `stats`."""
        items = self.statuses(n, stats)
        chunks = [(self, i, items[i * CHUNK:(i + 1) * CHUNK])
                  for i in range(-(-len(items) // CHUNK))]
        workers = max(1, min(len(chunks), os.cpu_count() or 1))
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for rows in pool.imap(_chunk_rows, chunks):
                yield from rows


def _chunk_rows(args):
    gen, index, items = args
    return gen.chunk_rows(index, items)


# ---- the store --------------------------------------------------------------------------------

def sqlite_path(srv):
    return srv.store_uri[len("sqlite:"):]


def load_sqlite(srv, gen, n):
    """Replaces every booking of the (stopped) server's SQLite store with n generated ones: the
    bookings indexes are dropped, the rows inserted with one executemany and the indexes recreated
    with their stored SQL, all in one transaction. Prints a summary."""
    path = sqlite_path(srv)
    t0 = time.monotonic()
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=OFF")  # a bench store: no rollback journal for the load
        db.execute("PRAGMA synchronous=OFF")
        db.execute("PRAGMA cache_size=-262144")
        idx = db.execute("SELECT name, sql FROM sqlite_master WHERE type='index' AND "
                         "tbl_name='bookings' AND sql IS NOT NULL").fetchall()
        db.execute("BEGIN")
        for name, _ in idx:
            db.execute(f'DROP INDEX "{name}"')
        db.execute('DELETE FROM "bookings"')
        stats = {}
        db.executemany('INSERT INTO "bookings"(id, doc) VALUES(?, ?)', gen.rows(n, stats))
        t1 = time.monotonic()
        for _, sql in idx:
            db.execute(sql)
        db.execute("COMMIT")
        t2 = time.monotonic()
        mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        assert mode == "wal", mode
        size = os.path.getsize(path)
    finally:
        db.close()
    harness.chown_to_run_user(os.path.dirname(path))
    total = sum(stats.values())
    mix = ", ".join(f"{k} {v}" for k, v in sorted(stats.items(), key=lambda kv: -kv[1]))
    print(f"loaded {total:,} bookings in {t2 - t0:.1f} s (rows {t1 - t0:.1f} s, "
          f"{len(idx)} indexes {t2 - t1:.1f} s; store {size / 1e6:.0f} MB): {mix}", flush=True)
    return stats


def check_overlaps(srv):
    """Reads every blocking booking of the store and checks that no two of one unit overlap
    (SPEC 2.8). Returns (bookings checked, units, overlaps: [(id, id)])."""
    db = sqlite3.connect(f"file:{sqlite_path(srv)}?mode=ro", uri=True, timeout=30)
    try:
        rows = db.execute(
            "SELECT json_extract(doc,'$.accommodationId'), json_extract(doc,'$.checkIn'), "
            "json_extract(doc,'$.checkOut'), id FROM bookings WHERE json_extract(doc,'$.status') "
            f"IN ({','.join('?' * len(BLOCKING))}) ORDER BY 1, 2", BLOCKING).fetchall()
    finally:
        db.close()
    bad, units, unit, end, end_id = [], set(), None, None, None
    for acc, t_in, t_out, bid in rows:
        units.add(acc)
        if acc != unit:
            unit, end, end_id = acc, t_out, bid
            continue
        if t_in < end:  # sorted by checkIn: overlaps the latest-ending earlier booking
            bad.append((end_id, bid))
        if t_out > end:
            end, end_id = t_out, bid
    return len(rows), len(units), bad


def replay_queries(srv, est_id, units, day_in, clock):
    """Times (python sqlite3, same library) the SQL the SQLite backend generates for the two store
    queries of GET /api/public/availability and the free() check of a booking creation, as they
    are written at the time of writing (rz_public_bookings.c, rz_bookings.c,
    rz_store_sqlite_sql.c, rz_store_sqlite_read.c: keep them in step); prints ms, rows and query
    plans. A diagnostic of where the time goes, not a measurement of the endpoint."""
    def ex(f):
        return f"json_extract(doc,'$.{f}')"

    def eq(f):
        return f"({ex(f)} = ? AND typeof({ex(f)}) = 'text')"

    def rel(f, op):
        return f"({ex(f)} {op} ? AND typeof({ex(f)}) = 'text')"

    def is_in(f, n):
        return f"({ex(f)} IN ({','.join('?' * n)}) AND typeof({ex(f)}) = 'text')"
    t_in, t_out = clock.ts(clock.night_in(day_in)), clock.ts(clock.night_out(day_in + 3))
    busy = (f"SELECT id, {ex('accommodationId')}, json_type(doc,'$.accommodationId') "
            f"FROM \"bookings\" WHERE 1 AND {eq('establishmentId')} AND "
            f"{is_in('status', len(BLOCKING))} AND {rel('checkIn', '<')} AND "
            f"{rel('checkOut', '>')} LIMIT -1 OFFSET 0")
    unit_q = (f"SELECT doc FROM \"accommodations\" WHERE 1 AND {eq('establishmentId')} AND "
              f"{eq('status')} AND {is_in('pricingMode', 2)} AND "
              "(json_extract(doc,'$.capacity.maxGuests') >= ? AND "
              "json_type(doc,'$.capacity.maxGuests') IN ('integer','real')) "
              "ORDER BY id ASC LIMIT -1 OFFSET 0")
    hourly = next(u["id"] for u in units if u["mode"] == "hourly")
    low = clock.ts(clock.night_in(day_in) - 2 * 86400)  # rz_stay_max_seconds(hourly)
    free_q = (f"SELECT doc FROM \"bookings\" WHERE 1 AND {eq('accommodationId')} AND "
              f"{is_in('status', len(BLOCKING))} AND {rel('checkIn', '<')} AND "
              f"{rel('checkIn', '>')} AND {rel('checkOut', '>')} ORDER BY id ASC "
              "LIMIT 1 OFFSET 0")
    db = sqlite3.connect(f"file:{sqlite_path(srv)}?mode=ro", uri=True, timeout=30)
    try:
        for label, sql, args in (
                ("availability: blocking bookings of the establishment", busy,
                 (est_id,) + BLOCKING + (t_out, t_in)),
                ("availability: candidate units", unit_q,
                 (est_id, "available", "nightly", "monthly", 2)),
                ("create: free(u) on an hourly unit", free_q,
                 (hourly,) + BLOCKING + (t_out, low, t_in))):
            plan = " / ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql, args))
            times = []
            for _ in range(3):
                t0 = time.perf_counter()
                n = len(db.execute(sql, args).fetchall())
                times.append((time.perf_counter() - t0) * 1000)
            print(f"  store query, {label}: {min(times):.2f} ms, {n} rows  [{plan}]")
    finally:
        db.close()


# ---- the benchmarks ---------------------------------------------------------------------------

def availability(srv, est_id, clock, work, seconds, connections, base, label, last=False):
    """Figure 1/2: GET /api/public/availability over random 3-night ranges. Returns the wrk dict
    or None when the endpoint does not answer 200. Unless `last`, waits for the server to finish
    the requests wrk left in flight."""
    today = clock.today()
    path = f"/api/public/availability?establishmentId={est_id}&guests=2"
    d = today + 30
    r = srv.get(f"{path}&checkIn={clock.date(d)}&checkOut={clock.date(d + 3)}", timeout=120)
    if r.status_code != 200:
        print(f"{label}: GET /api/public/availability answers {r.status_code} "
              f"{r.text[:200]!r}: skipped", flush=True)
        return None
    seq, t_end, k = [], time.monotonic() + 15, 0
    while len(seq) < 3 or (len(seq) < 20 and time.monotonic() < t_end):
        k += 1
        d = today + 1 + (37 * k) % 180
        t0 = time.perf_counter()
        r = srv.get(f"{path}&checkIn={clock.date(d)}&checkOut={clock.date(d + 3)}", timeout=120)
        seq.append((time.perf_counter() - t0) * 1000)
    offers = len(r.json()["data"]["offers"])
    seq_ms = statistics.median(seq)
    # slow requests: run long enough for every connection to finish a few of them (<= 60 s)
    secs = max(seconds, min(60, math.ceil(10 * seq_ms / 1000 * connections /
                                          (os.cpu_count() or 1))))
    lua = work / "availability.lua"
    dates = ",".join(f'{{"{clock.date(today + k)}","{clock.date(today + k + 3)}"}}'
                     for k in range(1, 181))
    lua.write_text(f'local dates = {{{dates}}}\nlocal path = "{path}"\n'
                   "request = function()\n  local d = dates[math.random(#dates)]\n"
                   '  return wrk.format("GET", path .. "&checkIn=" .. d[1] .. "&checkOut=" .. d[2])'
                   "\nend\n")
    res = wrk_run(srv.url(path), secs, connections, script=lua)
    res["seq"] = seq_ms
    if not last:
        settle(srv, min(10.0, max(1.0, (res["p99"] or seq_ms * connections) / 1000)))
    if res["requests"] < 2 * connections:
        print(f"{label:27s} {res['rps']:9.1f} req/s  p99 not measured: {res['requests']} requests "
              f"completed in {secs} s at {connections} clients{problems(res)}", flush=True)
        res["p99"] = None
    else:
        goal = "met" if res["p99"] <= 10 else "NOT met"
        print(f"{label:27s} {res['rps']:9.1f} req/s  p50 {res['p50']:7.2f} ms  p99 "
              f"{res['p99']:7.2f} ms   ({res['rps'] / base:.3f} of trivial; goal p99 <= 10 ms: "
              f"{goal}; {res['requests']} requests in {secs} s){problems(res)}", flush=True)
    print(f"  the same, 1 client: median {seq_ms:.2f} ms over {len(seq)} sequential requests; "
          f"{offers} offers in the last answer", flush=True)
    return res


def create_bench(srv, units, mgr_token, clock, work, seconds, connections, base, mgr_id, label):
    """Figure 3: POST /api/bookings, each request a distinct stay, then the overlap check."""
    today = clock.today()
    nightly = [u["id"] for u in units if u["mode"] == "nightly"]
    hourly = [u["id"] for u in units if u["mode"] == "hourly"]
    days = [clock.date(today + k) for k in range(CREATE_DAYS[0], CREATE_DAYS[1] + 2)]
    h = identity.bearer(mgr_token)
    probe = srv.post("/api/bookings", headers=h, json={
        "accommodationId": nightly[0], "checkIn": days[-2], "checkOut": days[-1],
        "numberOfGuests": 2, "clientInfo": {"firstName": "Probe", "lastName": "Guest",
                                            "email": "probe@example.com"}})
    if probe.status_code != 201:
        print(f"POST /api/bookings answers {probe.status_code} {probe.text[:200]!r}: skipped",
              flush=True)
        return
    arr = lambda xs: "{" + ",".join(f'"{x}"' for x in xs) + "}"  # noqa: E731
    lua = work / "create.lua"
    lua.write_text(f"""
local nightly = {arr(nightly)}
local hourly = {arr(hourly)}
local days = {arr(days[:-1])}
local ndays = {len(days) - 2}
local threads = {{}}
function setup(thread)
  thread:set("TID", #threads)  -- a global of the thread's own Lua state
  table.insert(threads, thread)
end
function init(args)
  first = tonumber(args[1])  -- the first request index of this run
  nthreads = tonumber(args[2])  -- wrk -t
  n, c201, c409, cother = 0, 0, 0, 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer {mgr_token}"
end
local function body(acc, cin, cout, i)
  return '{{"accommodationId":"' .. acc .. '","checkIn":"' .. cin .. '","checkOut":"' .. cout ..
    '","numberOfGuests":2,"clientInfo":{{"firstName":"Bench","lastName":"Guest' .. i ..
    '","email":"bench-' .. i .. '@example.com","phone":"' .. string.format("+2576%07d", i) ..
    '"}}}}'
end
request = function()
  local i = first + n * nthreads + TID
  n = n + 1
  -- i < 2 * nslots: even i a night (slot i / 2), odd i an hour (slot (i - 1) / 2); beyond, hours
  local nslots = #nightly * ndays
  local k = math.floor(i / 2)
  local hslot = k
  if i >= 2 * nslots then
    hslot = i - nslots
  elseif i % 2 == 0 then
    local u, d = k % #nightly, math.floor(k / #nightly)
    return wrk.format(nil, nil, nil, body(nightly[u + 1], days[d + 1], days[d + 2], i))
  end
  local u, r = hslot % #hourly, math.floor(hslot / #hourly)
  local d, hh = math.floor(r / 16), 7 + r % 16
  local day = days[d + 1]
  if day == nil then error("create.lua: out of distinct stays") end
  local cin = day .. string.format("T%02d:00:00+02:00", hh)
  return wrk.format(nil, nil, nil, body(hourly[u + 1], cin,
    day .. string.format("T%02d:59:00+02:00", hh), i))
end
response = function(status, headers, body)
  if status == 201 then c201 = c201 + 1 elseif status == 409 then c409 = c409 + 1
  else cother = cother + 1; other = status end
end
function done(summary, latency, requests)
  local a, b, c, o = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    a, b, c = a + t:get("c201"), b + t:get("c409"), c + t:get("cother")
    o = t:get("other") or o
  end
  io.write(string.format("STATUS %d %d %d %d\\n", a, b, c, o))
end
""")
    if clock.offset != 7200:
        raise RuntimeError("create.lua writes +02:00 local times")
    first = 0
    for clients in (connections, 1):
        res = wrk_run(srv.url("/api/bookings"), seconds, clients, script=lua,
                      script_args=[first, min(2, clients)])
        settle(srv, min(10.0, max(1.0, (res["p99"] or 0) / 1000)))
        c201, c409, cother, other = map(
            int, re.search(r"STATUS (\d+) (\d+) (\d+) (\d+)", res["out"]).groups())
        cother = f"{cother} (e.g. {other})" if cother else "0"
        first += 2 * (res["requests"] + clients + 100)  # even: the next run starts with a night
        rate = c201 / res["duration"]
        if clients > 1:
            goal = "met" if rate >= 500 else "NOT met"
            print(f"{label:27s} {rate:9.1f} bookings/s  p50 {res['p50'] or 0:7.2f} ms  "
                  f"p99 {res['p99'] or 0:7.2f} ms   ({rate / base:.3f} of trivial; goal >= 500/s: "
                  f"{goal}; {clients} clients, SQLite synchronous=FULL; 201: {c201}, 409: {c409}, "
                  f"other: {cother}){problems(res)}", flush=True)
        else:
            print(f"  the same, 1 client: {rate:.1f} bookings/s, p50 {res['p50'] or 0:.2f} ms, "
                  f"p99 {res['p99'] or 0:.2f} ms (201: {c201}, 409: {c409}, other: {cother})"
                  f"{problems(res)}", flush=True)
    t0 = time.monotonic()
    checked, nunits, bad = check_overlaps(srv)
    db = sqlite3.connect(f"file:{sqlite_path(srv)}?mode=ro", uri=True, timeout=30)
    try:
        mine = db.execute("SELECT COUNT(*) FROM bookings WHERE json_extract(doc,'$.createdBy') = ?",
                          (mgr_id,)).fetchone()[0]
    finally:
        db.close()
    print(f"overlap check: {checked:,} blocking bookings of {nunits} units read back from the "
          f"store ({mine} created by the bench user, probe included), {len(bad)} overlapping "
          f"pairs{(': ' + str(bad[:5])) if bad else ''} ({time.monotonic() - t0:.1f} s)",
          flush=True)


def run(srv, admin_token, args, work):
    """The three booking figures on `srv` (SQLite); the server is restarted after each load."""
    if srv.backend != "sqlite":
        raise SystemExit("the booking benchmarks load data into SQLite only")
    quick = getattr(args, "quick", False)
    seconds = args.seconds
    n1 = 10_000 if quick else 100_000
    h = identity.bearer(admin_token)
    t0 = time.monotonic()
    est, units = make_establishment(srv, h)
    mgr_id = storedirect.add_user(srv, "manager", est["id"],
                                  srv.get("/api/auth/me", headers=h).json()["data"]["id"])
    print(f"\n-- bookings: establishment {est['id']} with {len(units)} units "
          f"({', '.join(f'{n} {m}' for m, n in UNIT_MIX)}) made in {time.monotonic() - t0:.1f} s",
          flush=True)
    gen = Generator(est, units, args.bookings_seed)
    clock = gen.clock

    def reload(n):
        srv.stop()
        load_sqlite(srv, Generator(est, units, args.bookings_seed, now=gen.now), n)
        checked, _, bad = check_overlaps(srv)
        print(f"  generated data: {checked:,} blocking bookings, {len(bad)} overlapping pairs",
              flush=True)
        srv.start()

    reload(n1)
    base = trivial(srv, seconds, args.connections)
    replay_queries(srv, est["id"], units, clock.today() + 30, clock)
    r1 = availability(srv, est["id"], clock, work, seconds, args.connections, base,
                      f"availability, {n1 // 1000}k bookings")
    mgr_token = identity.mint_token(srv, mgr_id, "manager", est["id"],
                                    exp=int(time.time()) + 4 * 3600)
    create_bench(srv, units, mgr_token, clock, work, seconds, args.connections, base, mgr_id,
                 f"POST /api/bookings, {n1 // 1000}k")
    if args.skip_10x:
        return
    reload(10 * n1)
    base = trivial(srv, seconds, args.connections)
    replay_queries(srv, est["id"], units, clock.today() + 30, clock)
    r10 = availability(srv, est["id"], clock, work, seconds, args.connections, base,
                       f"availability, {n1 // 100}k bookings", last=True)
    if r1 and r10:
        seq = f"1-client median {r10['seq'] / r1['seq']:.2f}x"
        if r1["p99"] and r10["p99"]:
            g = r10["p99"] / r1["p99"]
            print(f"p99 growth at 10x the bookings (100 units both times): {g:.2f}x (p50 "
                  f"{r10['p50'] / r1['p50']:.2f}x, {seq}; goal p99 <= 1.5x: "
                  f"{'met' if g <= 1.5 else 'NOT met'})", flush=True)
        else:
            print(f"p99 growth at 10x the bookings (100 units both times): not measured "
                  f"({seq}; goal p99 <= 1.5x)", flush=True)

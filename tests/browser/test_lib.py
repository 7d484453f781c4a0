"""test_lib.py: web/lib in the real browser against the real API: a lost answer is retried with the same
Idempotency-Key (one booking), the error envelope becomes an ApiError, what is never repeated, formats."""
import datetime as dt

# Runs BODY (the body of an async function) in the page with the lib modules imported; the WebDriver
# runs it as its own script (the page's CSP allows no eval, so it cannot be compiled inside the page).
RUN = """
const done = arguments[arguments.length - 1];
const args = arguments[0];
(async () => {
    const api = await import('/assets/dev/lib/api.js');
    const i18n = await import('/assets/dev/lib/i18n.js');
    const format = await import('/assets/dev/lib/format.js');
    BODY
})().then((v) => done({ ok: v }), (e) => done({ error: String(e && e.stack || e) }));
"""

# fetch wrapped so that the first answer of a request "is lost" after the server has handled it
LOSE_FIRST_ANSWER = """
const seen = [];
const realFetch = window.fetch;
window.fetch = async (url, init) => {
    seen.push({ url: String(url), key: init.headers['Idempotency-Key'] || null });
    const res = await realFetch(url, init);
    if (seen.length === 1) throw new TypeError('Failed to fetch (answer lost in a test)');
    return res;
};
"""


def run(page, body, args=None):
    page.driver.set_script_timeout(30)
    out = page.driver.execute_async_script(RUN.replace("BODY", body), args)
    assert "error" not in out, out["error"]
    return out["ok"]


def open_site(page):
    page.go("/")
    page.until(lambda: page.value("checkIn"), "the search form")


def booking_body(web, day, phone):
    return {"establishmentId": web.est["id"], "accommodationId": web.unit["id"],
            "checkIn": str(day), "checkOut": str(day + dt.timedelta(days=1)), "numberOfGuests": 1,
            "clientInfo": {"firstName": "Ama", "lastName": "Lost", "phone": phone}}


def bookings_of(web, phone):
    r = web.server.get("/api/bookings", params={"q": phone}, headers=web.manager_headers())
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_a_lost_answer_is_retried_with_the_same_key_and_books_once(page, web):
    open_site(page)
    phone = "+25779111222"
    body = booking_body(web, web.today() + dt.timedelta(days=90), phone)
    got = run(page, LOSE_FIRST_ANSWER + """
        const key = api.newIdempotencyKey();
        const r = await api.publicApi.post('/public/bookings', args, { idempotencyKey: key });
        return { key, seen, status: r.status, replayed: r.headers.get('Idempotent-Replayed'),
                 code: r.data.bookingCode };
    """, body)
    assert [s["key"] for s in got["seen"]] == [got["key"], got["key"]], got
    assert got["status"] == 201 and got["replayed"] == "true", got
    found = bookings_of(web, phone)
    assert [b["bookingCode"] for b in found] == [got["code"]], "the retry made a second booking"


def test_a_post_without_key_is_not_repeated_after_a_lost_answer(page, web):
    open_site(page)
    got = run(page, LOSE_FIRST_ANSWER + """
        try {
            await api.publicApi.post('/auth/forgot-password', { email: 'nobody@ruzizi.demo' });
            return { seen, error: null };
        } catch (e) {
            return { seen, error: { name: e.name, code: e.code, status: e.status, uncertain: e.uncertain } };
        }
    """)
    assert len(got["seen"]) == 1, got
    assert got["error"] == {"name": "ApiError", "code": "NETWORK", "status": 0, "uncertain": True}, got


def test_error_envelope_becomes_an_api_error(page, web):
    open_site(page)
    got = run(page, """
        const out = {};
        try {
            await api.publicApi.get('/public/availability', { establishmentId: args, checkIn: '2001-01-01',
                                                               checkOut: '2001-01-01', guests: 0 });
        } catch (e) {
            out.validation = { name: e.name, status: e.status, code: e.code, fields: e.details.map((d) => d.field),
                               uncertain: e.uncertain, text: i18n.errorText(e) };
        }
        const realFetch = window.fetch;
        window.fetch = async () => new Response(JSON.stringify({ success: false,
            error: { code: 'RATE_LIMITED', message: 'Too many requests' } }),
            { status: 429, headers: { 'Retry-After': '7', 'Content-Type': 'application/json' } });
        let calls = 0;
        const counting = window.fetch;
        window.fetch = (...a) => { calls += 1; return counting(...a); };
        try { await api.publicApi.get('/public/establishments'); } catch (e) {
            out.limited = { status: e.status, code: e.code, retryAfter: e.retryAfter, uncertain: e.uncertain,
                            text: i18n.errorText(e), calls };
        }
        window.fetch = async () => new Response('<html>proxy error</html>', { status: 502 });
        try { await api.publicApi.get('/public/establishments'); } catch (e) {
            out.proxy = { status: e.status, code: e.code };
        }
        window.fetch = realFetch;
        return out;
    """, web.est["id"])
    v = got["validation"]
    assert v["name"] == "ApiError" and v["status"] == 400 and v["code"] == "VALIDATION_ERROR", v
    assert v["fields"] and not v["uncertain"], v
    assert v["text"].startswith("Certaines informations"), v
    assert got["limited"] == {"status": 429, "code": "RATE_LIMITED", "retryAfter": 7, "uncertain": True,
                              "text": "Trop de demandes. Réessayez dans 7 s.", "calls": 1}, got
    assert got["proxy"] == {"status": 502, "code": "INTERNAL_ERROR"}, got


def test_money_and_dates_follow_the_language_and_the_offset(page, web):
    open_site(page)
    got = run(page, """
        const nb = (s) => s.replace(/[\\u202f\\u00a0]/g, ' ');
        return {
            frBif: nb(format.money(494000, 'BIF', 'fr')), enBif: nb(format.money(494000, 'BIF', 'en')),
            frUsd: nb(format.money(1250, 'USD', 'fr')), enUsd: nb(format.money(1250, 'USD', 'en')),
            localDate: format.localDate('2026-12-01T23:30:00Z', '+02:00'),
            west: format.localDate('2026-12-01T01:30:00Z', '-03:30'),
            frDateTime: nb(format.dateTimeText('2026-12-01T12:00:00Z', '+02:00', 'fr')),
            enDate: format.dateText('2026-12-01', 'en'),
            addDays: format.addDays('2026-12-31', 1),
        };
    """)
    assert got["frBif"] == "494 000 BIF" and got["enBif"] == "494,000 BIF", got
    assert got["frUsd"] == "12,50 USD" and got["enUsd"] == "12.50 USD", got
    assert got["localDate"] == "2026-12-02" and got["west"] == "2026-11-30", got
    assert "14:00" in got["frDateTime"] and "déc." in got["frDateTime"], got
    assert got["enDate"] == "Tue, 1 Dec 2026", got
    assert got["addDays"] == "2027-01-01", got

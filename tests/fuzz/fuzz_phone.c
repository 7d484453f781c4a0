/* fuzz_phone.c: libFuzzer harness of phone normalisation (SPEC 2.5) and the email rule that sits
 * beside it: the first byte picks the establishment's country, the rest is the number as a
 * validated JSON string would hand it over (valid UTF-8, no NUL). */
#include "fuzz_common.h"

#include "core/rz_text.h"

static const char *const countries[] = {"BI", "RW", "FR", "US", "CD", "XX", "", NULL};

/* ^\+[0-9]{8,15}$ (SPEC 2.5) */
static int e164(const char *s)
{
    size_t n = strlen(s), i;

    if (s[0] != '+' || n < 9 || n > 16) {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    const char *country, *s, *phone, *email;

    if (size < 1 || !fz_valid_text((const char *)data + 1, size - 1)) {
        return 0;
    }
    p = fz_pool();
    country = countries[data[0] % (sizeof(countries) / sizeof(countries[0]))];
    s = fz_cstr(p, data + 1, size - 1);
    phone = rz_phone_normalize(p, s, country);
    if (phone) {
        FZ_CHECK(e164(phone));
        /* a stored phone is the same phone in any establishment */
        FZ_CHECK(strcmp(rz_phone_normalize(p, phone, "BI"), phone) == 0);
        FZ_CHECK(strcmp(rz_phone_normalize(p, phone, NULL), phone) == 0);
    }
    email = rz_email_normalize(p, s);
    if (email) {
        FZ_CHECK(strcmp(rz_email_normalize(p, email), email) == 0);
        FZ_CHECK(strcmp(rz_text_fold(p, email), email) == 0);
    }
    s = rz_text_trim(p, s);
    FZ_CHECK(strcmp(rz_text_trim(p, s), s) == 0);
    rz_text_codepoints(s);
    rz_text_has_bad_control(s);
    rz_country_valid(s);
    apr_pool_destroy(p);
    return 0;
}

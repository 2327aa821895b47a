/* test_id_cred_lookup.c - the credential lookup on a received ID_CRED map
 * (RFC 9528 §3.5.3: a COSE header map, whose labels may be integers or text
 * strings, RFC 9052 §3). The Responder of RFC 9529 trace 2 knows the
 * Initiator's CCS with kid h'2b'. A text-labelled parameter it does not use
 * must not hide the kid next to it, wherever it stands in the map. */
#include <check.h>

#include "../edhoc/edhoc_internal.h"
#include "../fuzz/fuzz_common.h"

/* Read `map` as ID_CRED_I (lenient CBOR: map order not judged here) and look
 * the credential up; the lookup's result. */
static eh_err lookup(const uint8_t *map, size_t len, bool *found_trace_2)
{
    static fz_peer r;
    static eh_session s;
    eh_cbor_reader rd;
    fz_peer_init(&r, 0);
    r.cfg.lenient_cbor = true;
    ck_assert_int_eq(eh_session_init(&s, &r.cfg), EH_OK);
    eh_reader_init(&s, &rd, map, len);
    eh_err e = eh_id_cred_read(&s, &rd, "ID_CRED_I");
    if (e == EH_OK)
        e = eh_peer_cred_lookup(&s, "ID_CRED_I");
    const eh_cred *c = eh_peer_cred(&s);
    *found_trace_2 = e == EH_OK && c != NULL && c->cred_len == sizeof T2_CRED_I &&
                     memcmp(c->cred, T2_CRED_I, sizeof T2_CRED_I) == 0;
    eh_session_wipe(&s);
    return e;
}

START_TEST(kid_is_found_beside_text_labels)
{
    static const uint8_t kid_only[] = {0xa1, 0x04, 0x41, 0x2b};              /* {4: h'2b'} */
    static const uint8_t kid_first[] = {0xa2, 0x04, 0x41, 0x2b, 0x61, 0x78, 0x01}; /* +"x": 1 */
    static const uint8_t text_first[] = {0xa2, 0x61, 0x78, 0x01, 0x04, 0x41, 0x2b};
    static const uint8_t text_value_map[] = {0xa2, 0x61, 0x78, 0xa1, 0x01, 0x02, 0x04, 0x41,
                                             0x2b}; /* {"x": {1: 2}, 4: h'2b'} */
    bool found;
    /* a map with the kid alone must be sent as a compact kid (§3.5.3.2) */
    ck_assert_int_eq(lookup(kid_only, sizeof kid_only, &found), EH_ERR_ID_CRED_ENCODING);
    ck_assert(!found);
    ck_assert_int_eq(lookup(kid_first, sizeof kid_first, &found), EH_OK);
    ck_assert(found);
    ck_assert_int_eq(lookup(text_first, sizeof text_first, &found), EH_OK);
    ck_assert(found);
    ck_assert_int_eq(lookup(text_value_map, sizeof text_value_map, &found), EH_OK);
    ck_assert(found);
}
END_TEST

START_TEST(no_identifier_or_unknown_kid_fail_with_their_reasons)
{
    static const uint8_t text_only[] = {0xa1, 0x61, 0x78, 0x01};             /* {"x": 1} */
    static const uint8_t other_kid[] = {0xa2, 0x61, 0x78, 0x01, 0x04, 0x41, 0x2c};
    bool found;
    ck_assert_int_eq(lookup(text_only, sizeof text_only, &found), EH_ERR_CREDENTIAL);
    ck_assert(!found);
    ck_assert_int_eq(lookup(other_kid, sizeof other_kid, &found), EH_ERR_UNKNOWN_CREDENTIAL);
    ck_assert(!found);
}
END_TEST

Suite *eh_test_id_cred_lookup_suite(void)
{
    Suite *s = suite_create("id_cred_lookup");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, kid_is_found_beside_text_labels);
    tcase_add_test(tc, no_identifier_or_unknown_kid_fail_with_their_reasons);
    suite_add_tcase(s, tc);
    return s;
}

/* test_prefix_split.c - the executor's split of a request payload into the
 * RFC 9528 Appendix A.2 prefix and the EDHOC message, on the messages of
 * RFC 9529 traces 1 and 2 (trace 2's C_R is the one-byte int 0x27). */
#include <check.h>
#include <string.h>

#include "../scenario/prefix_split.h"
#include "testutil.h"

static size_t cat(uint8_t *out, const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
    memcpy(out, a, na);
    memcpy(out + na, b, nb);
    return na + nb;
}

START_TEST(prefixes_of_trace_messages)
{
    json_t *t1 = tu_load_json("vectors/rfc9529-trace1.json");
    json_t *t2 = tu_load_json("vectors/rfc9529-trace2.json");
    uint8_t m1[256], m3[256], m1_t1[256], c_r[8], p[600];
    size_t n1 = tu_vec(t2, "message_1", m1, sizeof m1), n3 = tu_vec(t2, "message_3", m3, sizeof m3);
    size_t n1_t1 = tu_vec(t1, "message_1", m1_t1, sizeof m1_t1);
    size_t k = tu_vec(t2, "c_r", c_r, sizeof c_r);
    ck_assert_uint_eq(k, 1);
    static const uint8_t t = 0xf5, other = 0x2a, error[] = {0x01, 0x64, 't', 'e', 's', 't'};
    sc_split sp;
    size_t n;

    n = cat(p, &t, 1, m1, n1); /* CBOR true, message_1 */
    ck_assert(sc_prefix_split(p, n, c_r, k, &sp));
    ck_assert_str_eq(sp.kind, "message_1");
    ck_assert_uint_eq(sp.msg_offset, 1);
    ck_assert(!sp.foreign_prefix);

    n = cat(p, c_r, k, m3, n3); /* C_R, message_3 */
    ck_assert(sc_prefix_split(p, n, c_r, k, &sp));
    ck_assert_str_eq(sp.kind, "message_3");
    ck_assert_uint_eq(sp.msg_offset, 1);
    ck_assert(!sp.foreign_prefix);

    n = cat(p, c_r, k, error, sizeof error); /* C_R, error message */
    ck_assert(sc_prefix_split(p, n, c_r, k, &sp));
    ck_assert_str_eq(sp.kind, "error");
    ck_assert_uint_eq(sp.msg_offset, 1);

    n = cat(p, &other, 1, m3, n3); /* another identifier, message_3 */
    ck_assert(sc_prefix_split(p, n, c_r, k, &sp));
    ck_assert_str_eq(sp.kind, "message_3");
    ck_assert_uint_eq(sp.msg_offset, 1);
    ck_assert(sp.foreign_prefix);

    n = cat(p, &other, 1, error, sizeof error); /* another identifier, error */
    ck_assert(sc_prefix_split(p, n, c_r, k, &sp));
    ck_assert_str_eq(sp.kind, "error");
    ck_assert(sp.foreign_prefix);

    /* Something else where the prefix belongs: flagged, and split after it.
     * message_1 after false, after another identifier, after our C_R (an
     * Initiator that frames message_1 as it frames message_3) */
    static const uint8_t f4 = 0xf4, tstr0 = 0x60, bstr_c_r[] = {0x41, 0x27};
    const uint8_t *before_m1[] = {&f4, &other, c_r};
    for (size_t i = 0; i < 3; i++) {
        n = cat(p, before_m1[i], 1, m1, n1);
        ck_assert(sc_prefix_split(p, n, c_r, k, &sp));
        ck_assert_str_eq(sp.kind, "message_1");
        ck_assert_uint_eq(sp.msg_offset, 1);
        ck_assert(sp.foreign_prefix);
    }
    n = cat(p, bstr_c_r, 2, m1_t1, n1_t1); /* trace 1's message_1 (SUITES_I an int) */
    ck_assert(sc_prefix_split(p, n, c_r, k, &sp));
    ck_assert_str_eq(sp.kind, "message_1");
    ck_assert_uint_eq(sp.msg_offset, 2);
    ck_assert(sp.foreign_prefix);
    /* message_3 after false, an empty text string, our C_R as a bstr */
    n = cat(p, &f4, 1, m3, n3);
    ck_assert(sc_prefix_split(p, n, c_r, k, &sp));
    ck_assert_str_eq(sp.kind, "message_3");
    ck_assert_uint_eq(sp.msg_offset, 1);
    ck_assert(sp.foreign_prefix);
    n = cat(p, &tstr0, 1, m3, n3);
    ck_assert(sc_prefix_split(p, n, c_r, k, &sp));
    ck_assert_str_eq(sp.kind, "message_3");
    ck_assert(sp.foreign_prefix);
    n = cat(p, bstr_c_r, 2, m3, n3);
    ck_assert(sc_prefix_split(p, n, c_r, k, &sp));
    ck_assert_str_eq(sp.kind, "message_3");
    ck_assert_uint_eq(sp.msg_offset, 2);
    ck_assert(sp.foreign_prefix);
    /* a bare message_3 or error, or one item alone, is not split */
    ck_assert(!sc_prefix_split(m3, n3, c_r, k, &sp));
    ck_assert(!sc_prefix_split(error, sizeof error, c_r, k, &sp));
    ck_assert(!sc_prefix_split(&f4, 1, c_r, k, &sp));

    /* bare message_1s are not taken for prefixed messages: trace 2's
     * (METHOD, SUITES_I array, ...) and trace 1's (METHOD 0, SUITES_I 0, G_X) */
    ck_assert(!sc_prefix_split(m1, n1, c_r, k, &sp));
    ck_assert(!sc_prefix_split(m1_t1, n1_t1, c_r, k, &sp));
    ck_assert(!sc_prefix_split(p, 0, c_r, k, &sp)); /* empty */
    ck_assert(sc_looks_like_message_1(m1, n1) && sc_looks_like_message_1(m1_t1, n1_t1));
    ck_assert(!sc_looks_like_message_1(m3, n3) && !sc_looks_like_message_1(error, sizeof error));
    json_decref(t1);
    json_decref(t2);
}
END_TEST

Suite *eh_test_prefix_split_suite(void)
{
    Suite *s = suite_create("prefix_split");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, prefixes_of_trace_messages);
    suite_add_tcase(s, tc);
    return s;
}

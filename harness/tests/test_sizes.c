/*
 * harness/edhoc/sizes: message sizes from the encoding rules against the
 * published figures only: RFC 9528 §1.2 Table 1 and the messages of the
 * RFC 9529 traces (their lengths, and their ID_CRED and C_R encodings,
 * copied from RFC 9529 §2 and §3).
 */
#include <check.h>

#include "../edhoc/sizes.h"
#include "testutil.h"

/* RFC 9529 §2 (trace 1): x5t ID_CRED_I / ID_CRED_R, C_R h'18' = 41 18. */
static const char trace1_id_cred_i[] = "a11822822e48c24ab2fd7643c79f";
static const char trace1_id_cred_r[] = "a11822822e4879f2a41b510c1f9b";
/* RFC 9529 §3 (trace 2): ID_CRED_I {4: h'2b'}, ID_CRED_R {4: h'32'}. */
static const char trace2_id_cred_i[] = "a104412b";
static const char trace2_id_cred_r[] = "a1044132";

static size_t id_cred_size_hex(const char *hex)
{
    uint8_t b[64];
    size_t n = tu_hex(hex, b, sizeof b);
    return eh_id_cred_size(b, n);
}

START_TEST(id_cred_and_int_encodings)
{
    ck_assert_uint_eq(id_cred_size_hex(trace2_id_cred_i), 1); /* compact: 0x2b */
    ck_assert_uint_eq(id_cred_size_hex(trace2_id_cred_r), 1); /* compact: 0x32 */
    ck_assert_uint_eq(id_cred_size_hex(trace1_id_cred_i), 14); /* x5t: the map */
    ck_assert_uint_eq(id_cred_size_hex(trace1_id_cred_r), 14);
    ck_assert_uint_eq(id_cred_size_hex("a1044118"), 2);       /* kid h'18': bstr 41 18 */
    ck_assert_uint_eq(id_cred_size_hex("a104420102"), 3);     /* kid h'0102' */
    ck_assert_uint_eq(eh_id_cred_size(NULL, 0), 0);
    ck_assert_uint_eq(eh_int_size(23), 1);
    ck_assert_uint_eq(eh_int_size(24), 2);
    ck_assert_uint_eq(eh_int_size(-24), 1);
    ck_assert_uint_eq(eh_int_size(-25), 2);
    static const int prefs[] = {6, 2}, big[] = {24, 25};
    ck_assert_uint_eq(eh_suites_i_size(prefs, 0), 1); /* RFC 9529 §3: 06 */
    ck_assert_uint_eq(eh_suites_i_size(prefs, 1), 3); /* RFC 9529 §3: 82 06 02 */
    ck_assert_uint_eq(eh_suites_i_size(big, 0), 2);   /* 18 18 */
    ck_assert_uint_eq(eh_suites_i_size(big, 1), 5);   /* 82 18 18 18 19 */
}
END_TEST

/* RFC 9528 §1.2 Table 1: suite 2, one-byte identifiers, no EAD; "Static DH"
 * is METHOD 3, "Signature" METHOD 0. message_4 (empty EAD_4, 8-byte tag)
 * is 9 bytes, as in both RFC 9529 traces. */
START_TEST(rfc9528_table_1)
{
    static const struct {
        int method;
        const char *id_cred_i, *id_cred_r;
        size_t m1, m2, m3;
    } col[] = {
        {3, trace2_id_cred_i, trace2_id_cred_r, 37, 45, 19},  /* static DH + kid */
        {3, trace1_id_cred_i, trace1_id_cred_r, 37, 58, 33},  /* static DH + x5t */
        {0, trace2_id_cred_i, trace2_id_cred_r, 37, 102, 77}, /* signature + kid */
        {0, trace1_id_cred_i, trace1_id_cred_r, 37, 115, 90}, /* signature + x5t */
    };
    for (size_t k = 0; k < sizeof col / sizeof col[0]; k++) {
        eh_size_opts o = {.method = col[k].method, .suite = 2};
        o.id_cred_i_len = id_cred_size_hex(col[k].id_cred_i);
        o.id_cred_r_len = id_cred_size_hex(col[k].id_cred_r);
        ck_assert_uint_eq(eh_message_size(&o, 1), col[k].m1);
        ck_assert_uint_eq(eh_message_size(&o, 2), col[k].m2);
        ck_assert_uint_eq(eh_message_size(&o, 3), col[k].m3);
        ck_assert_uint_eq(eh_message_size(&o, 4), 9);
        ck_assert_uint_eq(eh_message_size(&o, 1) + eh_message_size(&o, 2) +
                              eh_message_size(&o, 3),
                          col[k].m1 + col[k].m2 + col[k].m3); /* the "Total" row */
    }
    /* The defaults (0) are the compact one-byte kid and one-byte ids. */
    eh_size_opts o = {.method = 3, .suite = 2};
    ck_assert_uint_eq(eh_message_size(&o, 2), 45);
    ck_assert_uint_eq(eh_message_size(&o, 3), 19);
    /* Mixed METHODs: message_2 depends only on how the Responder
     * authenticates, message_3 only on the Initiator (§3.2), so each takes
     * its figure from the matching Table 1 column. */
    o.method = 1; /* Initiator signs, Responder static DH */
    ck_assert_uint_eq(eh_message_size(&o, 2), 45);
    ck_assert_uint_eq(eh_message_size(&o, 3), 77);
    o.method = 2; /* Initiator static DH, Responder signs */
    ck_assert_uint_eq(eh_message_size(&o, 2), 102);
    ck_assert_uint_eq(eh_message_size(&o, 3), 19);
}
END_TEST

/* RFC 9529 trace 1: METHOD 0, suite 0, x5t; C_I h'2d' (one byte), C_R
 * h'18' (41 18: two bytes, hence 116 where Table 1 says 115). */
START_TEST(rfc9529_trace_1)
{
    eh_size_opts o = {.method = 0, .suite = 0, .c_i_len = 1, .c_r_len = 2};
    o.id_cred_i_len = id_cred_size_hex(trace1_id_cred_i);
    o.id_cred_r_len = id_cred_size_hex(trace1_id_cred_r);
    ck_assert_uint_eq(eh_message_size(&o, 1), 37);
    ck_assert_uint_eq(eh_message_size(&o, 2), 116);
    ck_assert_uint_eq(eh_message_size(&o, 3), 90);
    ck_assert_uint_eq(eh_message_size(&o, 4), 9);
    o.c_r_len = 1; /* with a one-byte C_R: Table 1 */
    ck_assert_uint_eq(eh_message_size(&o, 2), 115);
}
END_TEST

/* RFC 9529 trace 2: METHOD 3, suite 2, kid; the first message_1 selects
 * suite 6 alone (37 bytes), the second offers [6, 2] (39 bytes). */
START_TEST(rfc9529_trace_2)
{
    static const int prefs[] = {6, 2};
    eh_size_opts o = {.method = 3, .suite = 6};
    o.id_cred_i_len = id_cred_size_hex(trace2_id_cred_i);
    o.id_cred_r_len = id_cred_size_hex(trace2_id_cred_r);
    ck_assert_uint_eq(eh_message_size(&o, 1), 37);
    o.suite = 2;
    ck_assert_uint_eq(eh_message_size(&o, 1), 37); /* the single-suite form */
    o.suites_i_len = eh_suites_i_size(prefs, 1);
    ck_assert_uint_eq(eh_message_size(&o, 1), 39);
    ck_assert_uint_eq(eh_message_size(&o, 2), 45);
    ck_assert_uint_eq(eh_message_size(&o, 3), 19);
    ck_assert_uint_eq(eh_message_size(&o, 4), 9);
}
END_TEST

START_TEST(unknown_inputs_give_zero)
{
    eh_size_opts o = {.method = 3, .suite = 7};
    ck_assert_uint_eq(eh_message_size(&o, 1), 0); /* no suite 7 */
    o.suite = 2, o.method = 4;
    ck_assert_uint_eq(eh_message_size(&o, 2), 0);
    o.method = 3;
    ck_assert_uint_eq(eh_message_size(&o, 0), 0);
    ck_assert_uint_eq(eh_message_size(&o, 5), 0);
}
END_TEST

Suite *eh_test_sizes_suite(void)
{
    Suite *s = suite_create("sizes");
    TCase *tc = tcase_create("sizes");
    tcase_add_test(tc, id_cred_and_int_encodings);
    tcase_add_test(tc, rfc9528_table_1);
    tcase_add_test(tc, rfc9529_trace_1);
    tcase_add_test(tc, rfc9529_trace_2);
    tcase_add_test(tc, unknown_inputs_give_zero);
    suite_add_tcase(s, tc);
    return s;
}

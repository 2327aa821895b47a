/*
 * eh_initiator_message_1_sent and eh_message_1_view_parse: an Initiator
 * session follows message_1 as actually sent (a test harness that mutated
 * it, or wrote it by hand), so that TH_2 covers the bytes on the wire.
 * Built on RFC 9529 trace 2.
 */
#include <check.h>
#include <string.h>

#include "fixture.h"

/* Trace 2's message_1 with METHOD re-encoded 19 00 03 (RFC 9529 §4.3.1). */
static size_t non_shortest_method(const fixture *f, uint8_t *out)
{
    ck_assert_uint_eq(f->m1.b[0], 0x03);
    out[0] = 0x19, out[1] = 0x00, out[2] = 0x03;
    memcpy(out + 3, f->m1.b + 1, f->m1.n - 1);
    return f->m1.n + 2;
}

/* A lenient Responder (RFC 9528 §9.8) answers the mutated message_1. */
static size_t lenient_message_2(fixture *f, const uint8_t *m1, size_t n, uint8_t *out, size_t cap)
{
    eh_config cr = f->cr;
    eh_session r;
    size_t len = 0;
    cr.lenient_cbor = true;
    ck_assert_int_eq(eh_session_init(&r, &cr), EH_OK);
    ck_assert_int_eq(eh_session_set_ephemeral(&r, f->y.b, f->y.n, NULL, 0), EH_OK);
    ck_assert_int_eq(eh_responder_process_message_1(&r, m1, n), EH_OK);
    ck_assert_int_eq(eh_responder_message_2(&r, out, cap, &len), EH_OK);
    eh_session_wipe(&r);
    return len;
}

START_TEST(a_mutated_message_1_is_followed)
{
    fixture *f = fx_load(2);
    uint8_t m1[128], m2[512], h[32];
    size_t n = non_shortest_method(f, m1);
    size_t n2 = lenient_message_2(f, m1, n, m2, sizeof m2);
    eh_session s;
    /* without following: TH_2 over the message as built, MAC_2 fails */
    fx_initiator_to_wait_m2(f, &s);
    ck_assert_int_ne(eh_initiator_process_message_2(&s, m2, n2), EH_OK);
    /* following: H(message_1) of the bytes sent, message_2 verifies */
    fx_initiator_to_wait_m2(f, &s);
    const char *why = "unset";
    ck_assert_int_eq(eh_initiator_message_1_sent(&s, m1, n, &why), EH_OK);
    ck_assert_ptr_null(why);
    eh_hash_sha256.digest(m1, n, h);
    ck_assert_mem_eq(s.h_message_1, h, 32);
    ck_assert_int_eq(s.state, EH_STATE_WAIT_M2);
    ck_assert_int_eq(eh_initiator_process_message_2(&s, m2, n2), EH_OK);
    eh_session_wipe(&s);
    fx_free(f);
}
END_TEST

/* C_I as sent: 38 17 is C_I 0x37; a bstr C_I is its bytes. */
START_TEST(c_i_is_taken_as_sent)
{
    fixture *f = fx_load(2);
    uint8_t m1[128];
    eh_session s;
    memcpy(m1, f->m1.b, f->m1.n - 1);
    m1[f->m1.n - 1] = 0x42, m1[f->m1.n] = 0xab, m1[f->m1.n + 1] = 0xcd; /* C_I h'abcd' */
    fx_initiator_to_wait_m2(f, &s);
    ck_assert_int_eq(eh_initiator_message_1_sent(&s, m1, f->m1.n + 2, NULL), EH_OK);
    ck_assert_uint_eq(s.c_i_len, 2);
    ck_assert_uint_eq(s.c_i[0], 0xab);
    m1[f->m1.n - 1] = 0x38, m1[f->m1.n] = 0x17; /* -24, non-shortest */
    fx_initiator_to_wait_m2(f, &s);
    ck_assert_int_eq(eh_initiator_message_1_sent(&s, m1, f->m1.n + 1, NULL), EH_OK);
    ck_assert_uint_eq(s.c_i_len, 1);
    ck_assert_uint_eq(s.c_i[0], 0x37);
    fx_free(f);
}
END_TEST

/* What the session cannot stand behind leaves it unchanged. */
START_TEST(a_message_1_the_session_cannot_stand_behind_is_refused)
{
    fixture *f = fx_load(2);
    uint8_t m1[128], h[32];
    eh_session s;
    const char *why = NULL;
    struct {
        size_t at;
        uint8_t byte;
        eh_err err;
        const char *why;
    } cases[] = {
        {0, 0x00, EH_ERR_UNSUPPORTED, "METHOD is not the session's"},
        {3, 0x00, EH_ERR_UNSUPPORTED, "SUITES_I selects a suite the session does not offer"},
        {10, 0x00, EH_ERR_UNSUPPORTED, "G_X is not a key whose private key the session holds"},
        {0, 0x61, EH_ERR_MESSAGE_FORMAT, "METHOD"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(m1, f->m1.b, f->m1.n);
        m1[cases[i].at] = cases[i].byte; /* 03 82 06 02 58 20 <G_X> 37 */
        fx_initiator_to_wait_m2(f, &s);
        memcpy(h, s.h_message_1, 32);
        ck_assert_int_eq(eh_initiator_message_1_sent(&s, m1, f->m1.n, &why), cases[i].err);
        ck_assert_str_eq(why, cases[i].why);
        ck_assert_mem_eq(s.h_message_1, h, 32);
        ck_assert_int_eq(s.state, EH_STATE_WAIT_M2);
    }
    fx_free(f);
}
END_TEST

/* A message_1 written by hand: followed from START only with the injected
 * private key of its G_X. */
START_TEST(a_hand_written_message_1_needs_its_private_key)
{
    fixture *f = fx_load(2);
    eh_session s;
    const char *why = NULL;
    ck_assert_int_eq(eh_session_init(&s, &f->ci), EH_OK);
    ck_assert_int_eq(eh_initiator_message_1_sent(&s, f->m1.b, f->m1.n, &why), EH_ERR_UNSUPPORTED);
    ck_assert_str_eq(why, "G_X is not a key whose private key the session holds");
    ck_assert_int_eq(s.state, EH_STATE_START);
    ck_assert_int_eq(eh_session_set_ephemeral(&s, f->x.b, f->x.n, NULL, 0), EH_OK);
    ck_assert_int_eq(eh_initiator_message_1_sent(&s, f->m1.b, f->m1.n, &why), EH_OK);
    ck_assert_int_eq(eh_initiator_process_message_2(&s, f->m2.b, f->m2.n), EH_OK);
    eh_session_wipe(&s);
    fx_free(f);
}
END_TEST

START_TEST(the_view_reads_an_indefinite_suites_i)
{
    uint8_t m[64];
    size_t n = tu_hex("039f0602ff5820741a13d7ba048fbb615e94386aa3b61bea5b3d8f65f32620b749bee8d278efa90e",
                      m, sizeof m);
    eh_message_1_view v;
    const char *field = "unset";
    ck_assert_int_eq(eh_message_1_view_parse(m, n, &v, &field), EH_OK);
    ck_assert_ptr_null(field);
    ck_assert_int_eq(v.method, 3);
    ck_assert_int_eq(v.selected_suite, 2);
    ck_assert_uint_eq(v.g_x_len, 32);
    ck_assert_uint_eq(v.c_i_len, 1);
    ck_assert_uint_eq(v.c_i[0], 0x0e);
    /* G_X as a text string (RFC 9529 §4.1.4) */
    n = tu_hex("0302782020616972207370656564206f66206120756e6c6164656e207377616c6c6f77200e", m,
               sizeof m);
    ck_assert_int_eq(eh_message_1_view_parse(m, n, &v, &field), EH_ERR_MESSAGE_FORMAT);
    ck_assert_str_eq(field, "G_X");
}
END_TEST

Suite *eh_test_message_1_sent_suite(void)
{
    Suite *s = suite_create("message_1_sent");
    TCase *tc = tcase_create("follow");
    tcase_add_test(tc, a_mutated_message_1_is_followed);
    tcase_add_test(tc, c_i_is_taken_as_sent);
    tcase_add_test(tc, a_message_1_the_session_cannot_stand_behind_is_refused);
    tcase_add_test(tc, a_hand_written_message_1_needs_its_private_key);
    tcase_add_test(tc, the_view_reads_an_indefinite_suites_i);
    suite_add_tcase(s, tc);
    return s;
}

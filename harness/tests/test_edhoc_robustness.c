/*
 * Every receiver, fed every truncation and every single-bit flip of the
 * RFC 9529 messages it receives, returns an error or a valid parse and
 * never reads out of bounds: each variant is copied into an exact-size heap
 * block, so AddressSanitizer (make unit-asan) catches any overread.
 *
 * What must be rejected is asserted too: a strict prefix of any message,
 * and any bit flip of message_2/3/4, which are authenticated end to end
 * (a flip in G_Y changes TH_2 and so MAC_2 / the signature).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

typedef enum { RX_M1, RX_M2, RX_M3, RX_M4, RX_ERROR_AT_I } receiver;

/* A session in the state that receives `rx`, prepared once and copied for
 * each trial (the session is plain memory; its config stays in the fixture). */
static void prepare(fixture *f, receiver rx, eh_session *s)
{
    f->ci.trace = f->cr.trace = NULL;
    switch (rx) {
    case RX_M1:
        ck_assert_int_eq(eh_session_init(s, &f->cr), EH_OK);
        break;
    case RX_M2:
    case RX_ERROR_AT_I:
        fx_initiator_to_wait_m2(f, s);
        break;
    case RX_M3:
        fx_responder_to_wait_m3(f, s);
        break;
    case RX_M4:
        fx_initiator_to_m3_sent(f, s);
        break;
    }
}

static eh_err deliver(fixture *f, receiver rx, const eh_session *base, const uint8_t *m,
                      size_t n)
{
    eh_session s = *base;
    uint8_t *copy = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, m, n);
    eh_err err;
    switch (rx) {
    case RX_M1:
        eh_session_set_ephemeral(&s, f->y.b, f->y.n, NULL, 0);
        err = eh_responder_process_message_1(&s, copy, n);
        break;
    case RX_M3:
        err = eh_responder_process_message_3(&s, copy, n);
        break;
    case RX_M4:
        err = eh_initiator_process_message_4(&s, copy, n);
        break;
    default:
        err = eh_initiator_process_message_2(&s, copy, n);
        break;
    }
    /* Whatever happened, the session is in a defined state and any error
     * message it owes can be encoded. */
    if (err != EH_OK && s.err_code_to_send != 0) {
        uint8_t em[128];
        size_t em_len;
        ck_assert_int_eq(eh_error_message(&s, em, sizeof em, &em_len), EH_OK);
    }
    free(copy);
    eh_session_wipe(&s);
    return err;
}

static void mutate_all(int trace, receiver rx, const fx_bytes *msg, bool flips_must_fail)
{
    fixture *f = fx_load(trace);
    eh_session base;
    prepare(f, rx, &base);
    ck_assert_msg(deliver(f, rx, &base, msg->b, msg->n) == EH_OK, "unmodified message rejected");
    for (size_t cut = 0; cut < msg->n; cut++)
        ck_assert_msg(deliver(f, rx, &base, msg->b, cut) != EH_OK,
                      "prefix of %zu/%zu bytes accepted", cut, msg->n);
    uint8_t m[2048];
    for (size_t bit = 0; bit < 8 * msg->n; bit++) {
        memcpy(m, msg->b, msg->n);
        m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        eh_err err = deliver(f, rx, &base, m, msg->n);
        if (flips_must_fail)
            ck_assert_msg(err != EH_OK, "bit %zu flipped, still accepted", bit);
    }
    fx_free(f);
}

START_TEST(trace1_message_1) { fixture *f = fx_load(1); mutate_all(1, RX_M1, &f->m1, false); fx_free(f); }
END_TEST
START_TEST(trace1_message_2) { fixture *f = fx_load(1); mutate_all(1, RX_M2, &f->m2, true); fx_free(f); }
END_TEST
START_TEST(trace1_message_3) { fixture *f = fx_load(1); mutate_all(1, RX_M3, &f->m3, true); fx_free(f); }
END_TEST
START_TEST(trace1_message_4) { fixture *f = fx_load(1); mutate_all(1, RX_M4, &f->m4, true); fx_free(f); }
END_TEST
START_TEST(trace2_message_1) { fixture *f = fx_load(2); mutate_all(2, RX_M1, &f->m1, false); fx_free(f); }
END_TEST
START_TEST(trace2_message_2) { fixture *f = fx_load(2); mutate_all(2, RX_M2, &f->m2, true); fx_free(f); }
END_TEST
START_TEST(trace2_message_3) { fixture *f = fx_load(2); mutate_all(2, RX_M3, &f->m3, true); fx_free(f); }
END_TEST
START_TEST(trace2_message_4) { fixture *f = fx_load(2); mutate_all(2, RX_M4, &f->m4, true); fx_free(f); }
END_TEST

/* The error message parser (an Initiator receiving `02 02` instead of
 * message_2): every prefix and flip yields a defined result. */
START_TEST(trace2_error_message)
{
    fixture *f = fx_load(2);
    eh_session base;
    prepare(f, RX_ERROR_AT_I, &base);
    fx_bytes em;
    em.n = tu_vec(f->json, "error_message", em.b, sizeof em.b);
    ck_assert_int_eq(deliver(f, RX_ERROR_AT_I, &base, em.b, em.n), EH_ERR_PEER_ERROR);
    for (size_t cut = 0; cut < em.n; cut++)
        ck_assert_int_ne(deliver(f, RX_ERROR_AT_I, &base, em.b, cut), EH_OK);
    for (size_t bit = 0; bit < 8 * em.n; bit++) {
        uint8_t m[2];
        memcpy(m, em.b, 2);
        m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        ck_assert_int_ne(deliver(f, RX_ERROR_AT_I, &base, m, em.n), EH_OK);
    }
    fx_free(f);
}
END_TEST

/* A message arriving in the wrong state is refused without side effects. */
START_TEST(wrong_state_refused)
{
    fixture *f = fx_load(2);
    eh_session s;
    uint8_t out[256];
    size_t len;
    ck_assert_int_eq(eh_session_init(&s, &f->cr), EH_OK);
    ck_assert_int_eq(eh_responder_process_message_3(&s, f->m3.b, f->m3.n), EH_ERR_STATE);
    ck_assert_int_eq(eh_responder_message_2(&s, out, sizeof out, &len), EH_ERR_STATE);
    ck_assert_int_eq(eh_initiator_message_1(&s, out, sizeof out, &len), EH_ERR_STATE);
    ck_assert_int_eq(s.state, EH_STATE_WAIT_M1);
    fx_responder_to_completed(f, &s);
    /* message_3 replayed after completion. */
    ck_assert_int_eq(eh_responder_process_message_3(&s, f->m3.b, f->m3.n), EH_ERR_STATE);
    /* message_1 processed twice by one session. */
    fx_responder_to_wait_m3(f, &s);
    ck_assert_int_eq(eh_responder_process_message_1(&s, f->m1.b, f->m1.n), EH_ERR_STATE);
    /* Output buffers too small are reported, not overrun. */
    ck_assert_int_eq(eh_session_init(&s, &f->ci), EH_OK);
    ck_assert_int_eq(eh_session_set_ephemeral(&s, f->x.b, f->x.n, NULL, 0), EH_OK);
    ck_assert_int_eq(eh_initiator_message_1(&s, out, 10, &len), EH_ERR_BUFFER_TOO_SMALL);
    fx_free(f);
}
END_TEST

Suite *eh_test_edhoc_robustness_suite(void)
{
    Suite *s = suite_create("edhoc_robustness");
    TCase *tc = tcase_create("truncations_and_bit_flips");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, trace1_message_1);
    tcase_add_test(tc, trace1_message_2);
    tcase_add_test(tc, trace1_message_3);
    tcase_add_test(tc, trace1_message_4);
    tcase_add_test(tc, trace2_message_1);
    tcase_add_test(tc, trace2_message_2);
    tcase_add_test(tc, trace2_message_3);
    tcase_add_test(tc, trace2_message_4);
    tcase_add_test(tc, trace2_error_message);
    tcase_add_test(tc, wrong_state_refused);
    suite_add_tcase(s, tc);
    return s;
}

/* test_fuzz_setup.c - the fixed state the fuzz targets start from
 * (harness/fuzz/fuzz_common.h) is RFC 9529 trace 2 byte for byte: with it
 * the Initiator sends the trace's message_1 and message_3 and accepts its
 * message_2 and message_4, the Responder sends its message_2 and accepts
 * its message_3. Without this the message_3/message_4 targets would stop
 * before the input is parsed. */
#include <check.h>

#include "../fuzz/fuzz_common.h"

START_TEST(test_fuzz_state_is_trace_2)
{
    static fz_peer i, r;
    static eh_session si, sr;
    uint8_t out[2048];
    size_t n = 0;
    fz_peer_init(&i, 1);
    fz_peer_init(&r, 0);
    ck_assert_int_eq(eh_session_init(&si, &i.cfg), EH_OK);
    ck_assert_int_eq(eh_session_set_ephemeral(&si, T2_X, sizeof T2_X, NULL, 0), EH_OK);
    ck_assert_int_eq(eh_initiator_message_1(&si, out, sizeof out, &n), EH_OK);
    ck_assert_uint_eq(n, sizeof T2_MESSAGE_1);
    ck_assert_mem_eq(out, T2_MESSAGE_1, n);
    ck_assert_int_eq(eh_initiator_process_message_2(&si, T2_MESSAGE_2, sizeof T2_MESSAGE_2), EH_OK);
    ck_assert_int_eq(eh_initiator_message_3(&si, out, sizeof out, &n), EH_OK);
    ck_assert_uint_eq(n, sizeof T2_MESSAGE_3);
    ck_assert_mem_eq(out, T2_MESSAGE_3, n);
    ck_assert_int_eq(eh_initiator_process_message_4(&si, T2_MESSAGE_4, sizeof T2_MESSAGE_4), EH_OK);
    ck_assert_int_eq(eh_session_init(&sr, &r.cfg), EH_OK);
    ck_assert_int_eq(eh_session_set_ephemeral(&sr, T2_Y, sizeof T2_Y, NULL, 0), EH_OK);
    ck_assert_int_eq(eh_responder_process_message_1(&sr, T2_MESSAGE_1, sizeof T2_MESSAGE_1), EH_OK);
    ck_assert_int_eq(eh_responder_message_2(&sr, out, sizeof out, &n), EH_OK);
    ck_assert_uint_eq(n, sizeof T2_MESSAGE_2);
    ck_assert_mem_eq(out, T2_MESSAGE_2, n);
    ck_assert_int_eq(eh_responder_process_message_3(&sr, T2_MESSAGE_3, sizeof T2_MESSAGE_3), EH_OK);
    eh_session_wipe(&si);
    eh_session_wipe(&sr);
}
END_TEST

Suite *eh_test_fuzz_setup_suite(void)
{
    Suite *s = suite_create("fuzz_setup");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_fuzz_state_is_trace_2);
    suite_add_tcase(s, tc);
    return s;
}

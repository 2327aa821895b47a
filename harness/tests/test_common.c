/* harness/common: error names, hex text and the command {harness} expands to. */
#include <check.h>
#include <string.h>

#include "../common/eh_err.h"
#include "../common/hex.h"
#include "../common/selfexec.h"

START_TEST(error_names_are_stable_and_total)
{
    ck_assert_str_eq(eh_err_name(EH_OK), "EH_OK");
    ck_assert_str_eq(eh_err_name(EH_ERR_MAC), "EH_ERR_MAC");
    ck_assert_str_eq(eh_err_name(EH_ERR_PEER_ERROR), "EH_ERR_PEER_ERROR");
    for (int e = 0; e < EH_ERR_COUNT_; e++)
        ck_assert_msg(strncmp(eh_err_name((eh_err)e), "EH_", 3) == 0, "error %d unnamed", e);
    ck_assert_str_eq(eh_err_name((eh_err)EH_ERR_COUNT_), "EH_ERR_UNKNOWN");
    ck_assert_str_eq(eh_err_name((eh_err)-1), "EH_ERR_UNKNOWN");
}
END_TEST

START_TEST(hex_round_trip_and_rejects)
{
    uint8_t b[4];
    char s[9];
    size_t n = 99;
    ck_assert_int_eq(eh_hex_decode("00aBff7f", b, sizeof b, &n), 0);
    ck_assert_uint_eq(n, 4);
    ck_assert_mem_eq(b, "\x00\xab\xff\x7f", 4);
    eh_hex_encode(b, 4, s);
    ck_assert_str_eq(s, "00abff7f");
    ck_assert_int_eq(eh_hex_decode("", b, 0, &n), 0);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(eh_hex_decode("abc", b, sizeof b, &n), -1);        /* odd */
    ck_assert_int_eq(eh_hex_decode("zz", b, sizeof b, &n), -1);         /* not hex */
    ck_assert_int_eq(eh_hex_decode("0011223344", b, sizeof b, &n), -1); /* too long */
    ck_assert(!eh_hex_valid("0x00"));
    ck_assert(eh_hex_valid("DEADbeef"));
}
END_TEST

START_TEST(harness_placeholder_is_the_variable_else_the_executable)
{
    char out[32];
    /* the variable wins when set and not empty */
    ck_assert_str_eq(eh_self_command_in("/w/valgrind-harness", "/b/edhoc-harness", out,
                                        sizeof out),
                     "/w/valgrind-harness");
    ck_assert_str_eq(eh_self_command_in("", "/b/edhoc-harness", out, sizeof out),
                     "/b/edhoc-harness");
    ck_assert_str_eq(eh_self_command_in(NULL, "/b/edhoc-harness", out, sizeof out),
                     "/b/edhoc-harness");
    ck_assert_str_eq(eh_self_command_in(NULL, NULL, out, sizeof out), "");
    /* never a cut path (it would name another program) */
    char small[8];
    ck_assert_str_eq(eh_self_command_in("/a/long/path", NULL, small, sizeof small), "");
    ck_assert_str_eq(eh_self_command_in("/a/b/cd", NULL, small, sizeof small), "/a/b/cd");
}
END_TEST

Suite *eh_test_common_suite(void)
{
    Suite *s = suite_create("common");
    TCase *tc = tcase_create("common");
    tcase_add_test(tc, error_names_are_stable_and_total);
    tcase_add_test(tc, hex_round_trip_and_rejects);
    tcase_add_test(tc, harness_placeholder_is_the_variable_else_the_executable);
    suite_add_tcase(s, tc);
    return s;
}

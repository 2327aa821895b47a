/* harness/scenario/budget: profile names, budgets, verdicts. The radio
 * figures are those of draft-ietf-lake-reqs §2.11.1 (LoRaWAN SF12: 51
 * bytes) and §2.11.2 (6TiSCH: 45 bytes of CoAP payload). */
#include <check.h>

#include "../scenario/budget.h"

START_TEST(names_round_trip)
{
    for (int b = 0; b < SC_BUDGET_COUNT_; b++) {
        sc_budget got;
        ck_assert_int_eq(sc_budget_parse(sc_budget_name((sc_budget)b), &got), 0);
        ck_assert_int_eq(got, b);
    }
    sc_budget got = SC_BUDGET_NONE;
    ck_assert_int_eq(sc_budget_parse("rfc9528", &got), 0);
    ck_assert_int_eq(got, SC_BUDGET_RFC9528);
    ck_assert_int_eq(SC_BUDGET_RFC9528, 0); /* zeroed options get the default */
    ck_assert_int_eq(sc_budget_parse("lorawan", &got), -1);
    ck_assert_int_eq(sc_budget_parse("", &got), -1);
    ck_assert_int_eq(sc_budget_parse(NULL, &got), -1);
    ck_assert_str_eq(sc_budget_name((sc_budget)SC_BUDGET_COUNT_), "unknown");
    ck_assert_ptr_null(sc_budget_names[SC_BUDGET_COUNT_]);
}
END_TEST

START_TEST(budgets_and_verdicts)
{
    /* rfc9528: the minimum itself; none when it is unknown */
    ck_assert_int_eq(sc_budget_bytes(SC_BUDGET_RFC9528, 45, 0), 45);
    ck_assert_int_eq(sc_budget_bytes(SC_BUDGET_RFC9528, 37, 1), 37);
    ck_assert_int_eq(sc_budget_bytes(SC_BUDGET_RFC9528, -1, 0), -1);
    /* LoRaWAN SF12: 51 bytes per EDHOC message, whatever the prefix */
    ck_assert_int_eq(sc_budget_bytes(SC_BUDGET_LORAWAN_SF12, 102, 0), 51);
    ck_assert_int_eq(sc_budget_bytes(SC_BUDGET_LORAWAN_SF12, -1, 1), 51);
    /* 6TiSCH: 45 bytes of CoAP payload, prefix included */
    ck_assert_int_eq(sc_budget_bytes(SC_BUDGET_6TISCH, 45, 0), 45);
    ck_assert_int_eq(sc_budget_bytes(SC_BUDGET_6TISCH, 37, 1), 44);  /* 0xf5 || message_1 */
    ck_assert_int_eq(sc_budget_bytes(SC_BUDGET_6TISCH, 19, 2), 43);  /* 41 18 || message_3 */
    ck_assert_int_eq(sc_budget_bytes(SC_BUDGET_6TISCH, 19, 60), 0);
    ck_assert_int_eq(sc_budget_bytes(SC_BUDGET_NONE, 45, 0), -1);
    /* never a failure for what RFC 9528 allows; a failure for a chosen gate */
    ck_assert_int_eq(sc_budget_verdict(SC_BUDGET_RFC9528), V_NONSTRICT);
    ck_assert_int_eq(sc_budget_verdict(SC_BUDGET_LORAWAN_SF12), V_FAIL);
    ck_assert_int_eq(sc_budget_verdict(SC_BUDGET_6TISCH), V_FAIL);
    ck_assert_int_eq(sc_budget_verdict(SC_BUDGET_NONE), V_PASS);
}
END_TEST

Suite *eh_test_budget_suite(void)
{
    Suite *s = suite_create("budget");
    TCase *tc = tcase_create("budget");
    tcase_add_test(tc, names_round_trip);
    tcase_add_test(tc, budgets_and_verdicts);
    suite_add_tcase(s, tc);
    return s;
}

/* harness/runner/iut_outcome: the verdict of how an IUT process ended. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runner/iut_outcome.h"

/* A result as the executor leaves it. */
static sc_result result(verdict v, const char *message)
{
    sc_result r;
    memset(&r, 0, sizeof r);
    r.v = v;
    snprintf(r.message, sizeof r.message, "%s", message);
    snprintf(r.iut_stderr_path, sizeof r.iut_stderr_path, "out/x.iut.stderr");
    return r;
}

/* An IUT Initiator that exited by itself with code (or signal) after a
 * handshake the harness completed (or not), having sent `requests`. */
static iut_end initiator_end(int code, int sig, bool completed, size_t requests)
{
    iut_end e;
    memset(&e, 0, sizeof e);
    e.iut_initiator = true;
    e.by_itself = true;
    e.ex.exited = true;
    e.ex.code = sig ? -1 : code;
    e.ex.signal = sig;
    e.run.requests = requests;
    e.run.completed = completed;
    e.not_implemented = 77;
    snprintf(e.run.last_answer, sizeof e.run.last_answer, "message_4 (CoAP 2.04, 9 bytes)");
    if (completed)
        snprintf(e.run.requirement, sizeof e.run.requirement, "R-5.5.3-a (RFC 9528 §5.5.3)");
    return e;
}

static void judge(iut_end e, sc_result *r)
{
    iut_outcome_after_run(&e, r);
    free(r->transcript);
    r->transcript = NULL;
}

START_TEST(exit_1_after_a_completed_handshake_fails)
{
    sc_result r = result(V_PASS, "");
    judge(initiator_end(1, 0, true, 2), &r);
    ck_assert_int_eq(r.v, V_FAIL);
    ck_assert_str_eq(r.message, "after the last step: the IUT exited with code 1 after the "
                                "harness's message_4 (CoAP 2.04, 9 bytes): it rejected it, "
                                "although the handshake had completed with valid messages "
                                "(peers/README.md, adapter contract: an Initiator exits 1 when "
                                "the handshake failed) [requirements: R-5.5.3-a (RFC 9528 "
                                "§5.5.3)]");
    r = result(V_NONSTRICT, "step 2: over budget");
    judge(initiator_end(1, 0, true, 2), &r);
    ck_assert_int_eq(r.v, V_FAIL);
}
END_TEST

START_TEST(other_codes_after_a_completed_handshake)
{
    sc_result r = result(V_PASS, "");
    judge(initiator_end(0, 0, true, 2), &r);
    ck_assert_int_eq(r.v, V_PASS);
    judge(initiator_end(77, 0, true, 2), &r); /* the declared "not implemented" */
    ck_assert_int_eq(r.v, V_PASS);
    judge(initiator_end(3, 0, true, 2), &r);
    ck_assert_int_eq(r.v, V_ERROR);
    ck_assert_ptr_nonnull(strstr(r.message, "the IUT exited with code 3 after the harness's "
                                            "message_4"));
    ck_assert_ptr_nonnull(strstr(r.message, "defines 0 done, 1 failed, 77 not supported"));
    /* 101, how a Rust program ends on a panic: a crash on what the harness sent */
    r = result(V_PASS, "");
    judge(initiator_end(101, 0, true, 2), &r);
    ck_assert_int_eq(r.v, V_FAIL);
    ck_assert_str_eq(r.level, "MUST");
    ck_assert_ptr_nonnull(strstr(r.message, "the IUT crashed (exit code 101: how a Rust program "
                                            "ends on a panic)"));
    r = result(V_PASS, ""); /* 127, the shell's "command not found", is not defined */
    judge(initiator_end(127, 0, true, 2), &r);
    ck_assert_int_eq(r.v, V_ERROR);
}
END_TEST

START_TEST(negative_scenarios_accept_any_exit)
{
    for (int code = 0; code < 4; code++) {
        sc_result r = result(V_PASS, "");
        judge(initiator_end(code, 0, false, 2), &r);
        ck_assert_int_eq(r.v, V_PASS);
        ck_assert_str_eq(r.message, "");
    }
    /* a failure stands as it is */
    sc_result r = result(V_FAIL, "step 3: expected an error message");
    judge(initiator_end(1, 0, true, 2), &r);
    ck_assert_int_eq(r.v, V_FAIL);
    ck_assert_str_eq(r.message, "step 3: expected an error message");
}
END_TEST

START_TEST(an_initiator_that_sent_nothing_tested_nothing)
{
    sc_result r = result(V_FAIL, "step 1: expected a valid message_1, received nothing");
    judge(initiator_end(2, 0, false, 0), &r);
    ck_assert_int_eq(r.v, V_ERROR);
    ck_assert_str_eq(r.message, "the IUT exited with code 2 before sending anything: nothing "
                                "was tested (see its output, out/x.iut.stderr)");
    r = result(V_FAIL, "step 1: expected a valid message_1, received nothing");
    judge(initiator_end(0, SIGSEGV, false, 0), &r);
    ck_assert_int_eq(r.v, V_ERROR);
    ck_assert_str_eq(r.message, "the IUT crashed (signal 11, Segmentation fault) before sending "
                                "anything: nothing was tested");
    r = result(V_FAIL, "step 1: expected a valid message_1, received nothing");
    judge(initiator_end(77, 0, false, 0), &r);
    ck_assert_int_eq(r.v, V_SKIPPED);
    ck_assert_str_eq(r.message, "the IUT exited with code 77: scenario not implemented");
    r = result(V_FAIL, "step 1: expected a valid message_1, received nothing");
    judge(initiator_end(127, 0, false, 0), &r);
    ck_assert_int_eq(r.v, V_ERROR);
    ck_assert_ptr_nonnull(strstr(r.message, "the IUT exited with code 127 before sending "
                                            "anything: the shell's \"command not found\""));
}
END_TEST

START_TEST(crashes_and_stops)
{
    sc_result r = result(V_FAIL, "step 2: received nothing (timeout)");
    judge(initiator_end(139, 0, false, 1), &r);
    ck_assert_int_eq(r.v, V_FAIL);
    ck_assert_str_eq(r.message, "step 2: received nothing (timeout); the IUT crashed (exit code "
                                "139: a shell's report of a command killed by signal 11, "
                                "Segmentation fault)");
    r = result(V_PASS, "");
    judge(initiator_end(0, SIGABRT, true, 2), &r);
    ck_assert_int_eq(r.v, V_FAIL);
    ck_assert_str_eq(r.message, "the IUT crashed (signal 6, Aborted), after the harness's "
                                "message_4 (CoAP 2.04, 9 bytes), on what the harness had sent (the "
                                "transcript shows it): a crash is no answer RFC 9528 allows (a "
                                "message that cannot be processed ends its session, with or "
                                "without an error message, §6), nor an end of the adapter "
                                "contract (peers/README.md)");
    /* before the harness had answered anything: nothing of the scenario's to judge */
    iut_end early = initiator_end(0, SIGSEGV, false, 1);
    early.run.last_answer[0] = 0;
    r = result(V_PASS, "");
    judge(early, &r);
    ck_assert_int_eq(r.v, V_ERROR);
    ck_assert_str_eq(r.message, "the IUT crashed (signal 11, Segmentation fault) before the "
                                "harness answered it: no answer of the scenario to judge");
    /* an IUT Responder gone during a step: the step is named */
    iut_end g;
    memset(&g, 0, sizeof g);
    g.by_itself = true, g.ex.exited = true, g.ex.code = -1, g.ex.signal = SIGSEGV;
    g.gone_step = 2, g.not_implemented = 77;
    r = result(V_NONSTRICT, "step 2: silence (allowed, graded non-strict)");
    snprintf(r.level, sizeof r.level, "INFO");
    judge(g, &r);
    ck_assert_int_eq(r.v, V_FAIL);
    ck_assert_ptr_nonnull(strstr(r.message, "the IUT crashed (signal 11, Segmentation fault) "
                                            "during step 2, on what the harness had sent"));
    ck_assert_str_eq(r.level, "MUST"); /* the scenario's was INFO: a crash is none */
    /* stopped by the harness: not judged, whatever the status says */
    iut_end e = initiator_end(1, 0, true, 2);
    e.by_itself = false;
    r = result(V_PASS, "");
    iut_outcome_after_run(&e, &r);
    ck_assert_int_eq(r.v, V_PASS);
    ck_assert_ptr_nonnull(strstr(r.transcript, "IUT: did not exit by itself; stopped by the "
                                               "harness"));
    free(r.transcript);
}
END_TEST

/* An IUT Responder that exited by itself (code 3, say)
 * while the steps ran (gone_step), or only after them. */
static iut_end responder_end(int code, size_t gone_step)
{
    iut_end e;
    memset(&e, 0, sizeof e);
    e.by_itself = true;
    e.ex.exited = true;
    e.ex.code = code;
    e.not_implemented = 77;
    e.gone_step = gone_step;
    return e;
}

START_TEST(a_responder_that_exits_mid_scenario_tested_nothing_from_there)
{
    sc_result r = result(V_PASS, "");
    judge(responder_end(3, 2), &r);
    ck_assert_int_eq(r.v, V_ERROR);
    ck_assert_str_eq(r.message, "the IUT Responder exited with code 3 during step 2, before "
                                "the scenario ended: a Responder runs until the harness stops "
                                "it (peers/README.md, adapter contract), so the steps from "
                                "there tested nothing (see its output, out/x.iut.stderr)");
    r = result(V_NONSTRICT, "step 2: over budget");
    judge(responder_end(0, 4), &r);
    ck_assert_int_eq(r.v, V_ERROR);
    /* a failure stands, with the exit named once */
    r = result(V_FAIL, "step 2: expected an error message, received a reset");
    judge(responder_end(1, 2), &r);
    ck_assert_int_eq(r.v, V_FAIL);
    ck_assert_str_eq(r.message, "step 2: expected an error message, received a reset; the IUT "
                                "exited with code 1");
    r = result(V_FAIL, "step 2: expected message_2, received nothing; the IUT exited with code 1 "
                       "while the harness waited");
    judge(responder_end(1, 2), &r);
    ck_assert_str_eq(r.message, "step 2: expected message_2, received nothing; the IUT exited "
                                "with code 1 while the harness waited");
    /* exited only after the steps: what they judged stands */
    r = result(V_PASS, "");
    judge(responder_end(0, 0), &r);
    ck_assert_int_eq(r.v, V_PASS);
    /* code 77 where the scenario did not pass: not implemented, as before */
    r = result(V_FAIL, "step 2: x");
    judge(responder_end(77, 2), &r);
    ck_assert_int_eq(r.v, V_SKIPPED);
}
END_TEST

START_TEST(the_transcript_says_how_it_ended)
{
    sc_result r = result(V_PASS, "");
    r.transcript = strdup("verdict: pass\n");
    iut_outcome_after_run((iut_end[]){initiator_end(1, 0, true, 2)}, &r);
    ck_assert_ptr_nonnull(strstr(r.transcript, "verdict: pass\nIUT: exited with code 1\n"
                                               "verdict: fail: after the last step: "));
    free(r.transcript);
}
END_TEST

Suite *eh_test_iut_outcome_suite(void)
{
    Suite *s = suite_create("iut_outcome");
    TCase *tc = tcase_create("iut_outcome");
    tcase_add_test(tc, exit_1_after_a_completed_handshake_fails);
    tcase_add_test(tc, other_codes_after_a_completed_handshake);
    tcase_add_test(tc, negative_scenarios_accept_any_exit);
    tcase_add_test(tc, an_initiator_that_sent_nothing_tested_nothing);
    tcase_add_test(tc, crashes_and_stops);
    tcase_add_test(tc, the_transcript_says_how_it_ended);
    tcase_add_test(tc, a_responder_that_exits_mid_scenario_tested_nothing_from_there);
    suite_add_tcase(s, tc);
    return s;
}

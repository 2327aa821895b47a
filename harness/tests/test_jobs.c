/*
 * test_jobs.c - the jobs of a run (runner/jobs.h): with every profile
 * (run --all-profiles, and serve) a scenario becomes one job per fitting
 * profile, pushed while the list grows; each keeps its own profile.
 * Regression: a copy was made from the list while the list moved (a
 * use-after-free the sanitizer pass names; serve crashed on it).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../runner/jobs.h"
#include "../scenario/profile.h"

static const char peer[] =
    "name: many\nversion: \"1\"\ncapabilities: [coap, coap-tcp, udp, cred-files]\n"
    "profiles:\n"
    "  - {method: [0, 1, 2], suite: [0, 2], credentials: {id: [kid, x5t]}}\n"
    "initiator: {command: \"remote\", ready: none}\n"
    "responder: {command: \"remote\", ready: none}\n";

START_TEST(every_profile_a_job_of_its_own)
{
    peer_file *pf = calloc(1, sizeof *pf);
    char err[512];
    ck_assert_ptr_nonnull(pf);
    ck_assert_msg(peer_file_load_mem("many.yaml", peer, sizeof peer - 1, pf, err, sizeof err) == 0,
                  "%s", err);
    /* 12 a role and scenario: the list's first 64 jobs end inside a scenario's copies */
    ck_assert_uint_eq(pf->n_profiles, 12);
    const char *paths[] = {"scenarios/interop/handshake.yaml",
                           "scenarios/interop/handshake-udp.yaml",
                           "scenarios/interop/m3-s2-kid.yaml",
                           "scenarios/rfc9528/5.3.3/wrong-mac-2.yaml",
                           "scenarios/rfc9528/5.4.3/wrong-mac-3.yaml"};
    run_opts o;
    memset(&o, 0, sizeof o);
    o.paths = paths;
    o.n_paths = 5;
    o.iut_roles = RUN_IUT_INITIATOR | RUN_IUT_RESPONDER;
    o.all_profiles = true;
    o.seed = 1;
    job_list l;
    ck_assert_int_eq(jobs_build(&o, pf, &l), 0);
    /* handshake: every profile (the generated credentials, cred-files) in both roles */
    size_t handshake = 0;
    for (size_t i = 0; i < l.n; i++) {
        const job *j = &l.v[i];
        if (strcmp(j->id, "interop/handshake") != 0)
            continue;
        handshake++;
        ck_assert(j->has_profile);
        for (size_t k = 0; k < i; k++) /* no two jobs of a role share a profile */
            if (strcmp(l.v[k].id, j->id) == 0 && l.v[k].harness_role == j->harness_role)
                ck_assert(memcmp(&l.v[k].profile, &j->profile, sizeof j->profile) != 0);
    }
    ck_assert_uint_eq(handshake, 24);
    ck_assert_msg(l.n > 64, "%zu jobs", l.n); /* the list grew past its first allocation */
    size_t udp = 0;
    for (size_t i = 0; i < l.n; i++)
        udp += strcmp(l.v[i].id, "interop/handshake-udp") == 0 && !l.v[i].skip;
    ck_assert_msg(udp == 24, "%zu raw UDP jobs", udp);
    jobs_free(&l);
    free(pf);
}
END_TEST

Suite *eh_test_jobs_suite(void)
{
    Suite *s = suite_create("jobs");
    TCase *tc = tcase_create("jobs");
    tcase_add_test(tc, every_profile_a_job_of_its_own);
    suite_add_tcase(s, tc);
    return s;
}

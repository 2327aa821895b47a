/* harness/runner/quick: the --quick selection of a run's jobs. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runner/quick.h"

START_TEST(area_is_the_first_two_components)
{
    ck_assert_uint_eq(quick_area_len("rfc9528/5.3.3/wrong-mac-2"), strlen("rfc9528/5.3.3"));
    ck_assert_uint_eq(quick_area_len("interop/matrix/m0-s0-kid"), strlen("interop/matrix"));
    ck_assert_uint_eq(quick_area_len("interop/m3-s2-kid"), strlen("interop/m3-s2-kid"));
    ck_assert_uint_eq(quick_area_len("single"), strlen("single"));
    ck_assert_uint_eq(quick_area_len(""), 0);
}
END_TEST

/* Jobs in run order: id, harness role, skipped; NULL id: a file that did
 * not load. */
typedef struct spec {
    const char *id;
    sc_role role;
    bool skip;
} spec;

static scenario *dummy;

static void make_list(job_list *l, const spec *s, size_t n)
{
    memset(l, 0, sizeof *l);
    l->v = calloc(n, sizeof *l->v);
    ck_assert_ptr_nonnull(l->v);
    l->n = l->cap = n;
    for (size_t i = 0; i < n; i++) {
        job *j = &l->v[i];
        j->tmpl = s[i].id ? dummy : NULL;
        snprintf(j->id, sizeof j->id, "%s", s[i].id ? s[i].id : "");
        snprintf(j->file, sizeof j->file, "f%zu.yaml", i);
        j->harness_role = s[i].role;
        j->skip = s[i].skip;
    }
}

static void expect(const job_list *l, const char *const *want, size_t n)
{
    ck_assert_uint_eq(l->n, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_str_eq(l->v[i].tmpl ? l->v[i].id : l->v[i].file, want[i]);
}

START_TEST(one_job_per_area_and_role_first_runnable_by_id)
{
    dummy = calloc(1, sizeof *dummy);
    ck_assert_ptr_nonnull(dummy);
    const sc_role I = SC_HARNESS_INITIATOR, R = SC_HARNESS_RESPONDER;
    static const spec jobs[] = {
        {"interop/m3-s2-kid", I, false},         /* an area of its own: kept */
        {"interop/m3-s2-kid", R, false},         /* ...in each role */
        {"interop/m3-s2-kid-udp", I, false},     /* another baseline: kept */
        {"interop/matrix/m0-s0-kid", I, false},  /* run order is not id order: */
        {"interop/matrix/m0-s0-kccs", I, false}, /* kccs < kid wins */
        {"rfc9528/5.3.3/b", I, true},            /* skipped: a runnable one wins */
        {"rfc9528/5.3.3/c", I, false},           /* kept */
        {"rfc9528/5.3.3/d", I, false},
        {"rfc9528/5.3.3/a", R, true},            /* all skipped: the first by id */
        {"rfc9528/5.3.3/0", R, true},            /* kept */
        {"rfc9528/5.3/x", I, false},             /* 5.3 is not 5.3.3 */
        {NULL, I, false},                        /* did not load: always kept */
        {"rfc9528/5.3.3/c", I, false},           /* the same id twice: the first */
    };
    job_list l;
    make_list(&l, jobs, sizeof jobs / sizeof jobs[0]);
    ck_assert_int_eq(jobs_select_quick(&l), 0);
    static const char *const want[] = {
        "interop/m3-s2-kid", "interop/m3-s2-kid", "interop/m3-s2-kid-udp",
        "interop/matrix/m0-s0-kccs", "rfc9528/5.3.3/c", "rfc9528/5.3.3/0", "rfc9528/5.3/x",
        "f11.yaml"};
    expect(&l, want, sizeof want / sizeof want[0]);
    ck_assert_int_eq(l.v[0].harness_role, I);
    ck_assert_int_eq(l.v[1].harness_role, R);
    ck_assert_int_eq(l.v[5].harness_role, R);
    /* selecting again changes nothing; an empty list stays empty */
    ck_assert_int_eq(jobs_select_quick(&l), 0);
    expect(&l, want, sizeof want / sizeof want[0]);
    free(l.v);
    job_list empty = {0};
    ck_assert_int_eq(jobs_select_quick(&empty), 0);
    ck_assert_uint_eq(empty.n, 0);
    free(empty.v);
    free(dummy);
}
END_TEST

/* issue 16 item 2: the job bound counts every wait the files allow */
START_TEST(job_bound_counts_every_wait)
{
    scenario *sc = calloc(1, sizeof *sc);
    peer_file *pf = calloc(1, sizeof *pf);
    ck_assert_ptr_nonnull(sc);
    ck_assert_ptr_nonnull(pf);
    sc->n_steps = 4;
    sc->steps[0].kind = SC_STEP_WAIT, sc->steps[0].wait_ms = 30000;
    sc->steps[1].kind = SC_STEP_SEND;
    sc->steps[2].kind = SC_STEP_EXPECT, sc->steps[2].timeout_ms = 7000;
    sc->steps[3].kind = SC_STEP_FLOOD, sc->steps[3].flood_ms = 900;
    pf->responder.present = true;
    pf->responder.ready_timeout_ms = 60000;
    job j;
    memset(&j, 0, sizeof j);
    j.tmpl = sc;
    j.harness_role = SC_HARNESS_INITIATOR; /* the IUT is the Responder */
    job_bound_parts b;
    ck_assert_int_eq(job_bound_ms(&j, pf, 2000, &b), 60000 + 30000 + 2000 + 7000 + 900 + 2000 +
                                                          JOB_BOUND_MARGIN_MS);
    ck_assert_int_eq(b.ready_ms, 60000);
    ck_assert_int_eq(b.steps_ms, 39900);
    /* an IUT at a fixed address has no start-up */
    pf->responder.fixed_port = 5683;
    ck_assert_int_eq(job_bound_ms(&j, pf, 2000, &b), 39900 + 2000 + JOB_BOUND_MARGIN_MS);
    free(sc), free(pf);
}
END_TEST

Suite *eh_test_quick_suite(void)
{
    Suite *s = suite_create("quick");
    TCase *tc = tcase_create("quick");
    tcase_add_test(tc, area_is_the_first_two_components);
    tcase_add_test(tc, one_job_per_area_and_role_first_runnable_by_id);
    tcase_add_test(tc, job_bound_counts_every_wait);
    suite_add_tcase(s, tc);
    return s;
}

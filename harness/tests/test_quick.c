/* harness/runner/quick: the --quick selection of a run's jobs. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runner/quick.h"
#include "../runner/shard.h"

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

/* issue 21: --shard K/N */
START_TEST(shard_parse_bounds)
{
    int k = 0, n = 0;
    ck_assert_int_eq(shard_parse("1/1", &k, &n), 0);
    ck_assert_int_eq(k, 1);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(shard_parse("3/1000", &k, &n), 0);
    ck_assert_int_eq(k, 3);
    ck_assert_int_eq(n, 1000);
    static const char *const bad[] = {"0/3", "4/3", "1/0", "1/1001", "1/3x", "1", "/3",
                                      "a/b", "", "-1/3", "1/-3", " 1/3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(shard_parse(bad[i], &k, &n) == -1, "%s accepted", bad[i]);
    ck_assert_int_eq(shard_parse(NULL, &k, &n), -1);
}
END_TEST

/* Longest first, each to the least loaded part (the lowest on a tie). */
START_TEST(shard_assign_longest_first)
{
    const double cost[] = {3, 5, 3, 4, 3};
    int part[5];
    shard_assign(cost, 5, 2, part);
    /* 5 -> 0; 4 -> 1; 3 (index 0) -> 1 (4 < 5); 3 (2) -> 0 (5 < 7); 3 (4) -> 1 (7 < 8) */
    const int want[] = {1, 0, 0, 1, 1};
    ck_assert_mem_eq(part, want, sizeof want);
    /* more parts than jobs: one job each, the rest empty */
    shard_assign(cost, 5, 8, part);
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < i; j++)
            ck_assert_int_ne(part[i], part[j]);
    /* all equal (zero) costs: spread in order */
    const double zero[6] = {0};
    int z[6];
    shard_assign(zero, 6, 3, z);
    const int wz[] = {0, 1, 2, 0, 1, 2};
    ck_assert_mem_eq(z, wz, sizeof wz);
}
END_TEST

/* The parts of one list are disjoint, together the list in its order, and
 * say the same digest and size; times from an earlier report move a job. */
START_TEST(shard_parts_make_the_whole_list)
{
    dummy = calloc(1, sizeof *dummy);
    ck_assert_ptr_nonnull(dummy);
    dummy->n_steps = 3;
    const sc_role I = SC_HARNESS_INITIATOR, R = SC_HARNESS_RESPONDER;
    static const spec jobs[] = {
        {"a/1", I, false}, {"a/1", R, false}, {"a/2", I, true}, {NULL, I, false},
        {"b/1", I, false}, {"b/2", R, false}, {"c/1", I, false},
    };
    const size_t n = sizeof jobs / sizeof jobs[0];
    for (int parts = 1; parts <= 4; parts++) {
        char seen[8] = {0}, digest[17] = "";
        size_t total = 0;
        for (int k = 1; k <= parts; k++) {
            job_list l;
            make_list(&l, jobs, n);
            shard_info info;
            ck_assert_int_eq(jobs_select_shard(&l, k, parts, NULL, &info), 0);
            ck_assert_int_eq(info.k, k);
            ck_assert_int_eq(info.n, parts);
            ck_assert_uint_eq(info.jobs, n);
            if (k == 1)
                memcpy(digest, info.digest, sizeof digest);
            ck_assert_str_eq(info.digest, digest);
            int last = -1;
            for (size_t i = 0; i < l.n; i++) {
                int at = atoi(l.v[i].file + 1); /* "f<index>.yaml" */
                ck_assert_uint_eq(info.pos[i], (size_t)at);
                ck_assert_int_gt(at, last);    /* in list order */
                last = at;
                ck_assert_int_eq(seen[at], 0);
                seen[at] = 1;
            }
            total += l.n;
            free(l.v);
            shard_info_free(&info);
        }
        ck_assert_uint_eq(total, n);
    }
    /* another list has another digest */
    job_list l1, l2;
    shard_info i1, i2;
    make_list(&l1, jobs, n);
    make_list(&l2, jobs, n - 1);
    ck_assert_int_eq(jobs_select_shard(&l1, 1, 2, NULL, &i1), 0);
    ck_assert_int_eq(jobs_select_shard(&l2, 1, 2, NULL, &i2), 0);
    ck_assert_str_ne(i1.digest, i2.digest);
    free(l1.v), free(l2.v);
    shard_info_free(&i1), shard_info_free(&i2);
    /* an earlier run's seconds: c/1 took long, so it is alone in part 1 */
    json_t *times = json_pack(
        "{s:[{s:s, s:s, s:s, s:f}, {s:s, s:s, s:s, s:f}, {s:s, s:s, s:s, s:f}, "
        "{s:s, s:s, s:s, s:f}, {s:s, s:s, s:s, s:f}]}",
        "results", "id", "c/1", "role", "initiator", "profile", "", "seconds", 50.0, "id", "a/1",
        "role", "initiator", "profile", "", "seconds", 1.0, "id", "a/1", "role", "responder",
        "profile", "", "seconds", 1.0, "id", "b/1", "role", "initiator", "profile", "",
        "seconds", 1.0, "id", "b/2", "role", "responder", "profile", "", "seconds", 1.0);
    ck_assert_ptr_nonnull(times);
    job_list l3;
    shard_info i3;
    make_list(&l3, jobs, n);
    ck_assert_int_eq(jobs_select_shard(&l3, 1, 2, times, &i3), 0);
    ck_assert_uint_eq(l3.n, 1);
    ck_assert_str_eq(l3.v[0].id, "c/1");
    ck_assert_uint_eq(i3.pos[0], 6); /* its place in the whole list */
    free(l3.v);
    shard_info_free(&i3);
    json_decref(times);
    free(dummy);
}
END_TEST

Suite *eh_test_quick_suite(void)
{
    Suite *s = suite_create("quick");
    TCase *tc = tcase_create("quick");
    tcase_add_test(tc, area_is_the_first_two_components);
    tcase_add_test(tc, one_job_per_area_and_role_first_runnable_by_id);
    tcase_add_test(tc, job_bound_counts_every_wait);
    tcase_add_test(tc, shard_parse_bounds);
    tcase_add_test(tc, shard_assign_longest_first);
    tcase_add_test(tc, shard_parts_make_the_whole_list);
    suite_add_tcase(s, tc);
    return s;
}

/*
 * harness/report/baseline: `run --write-baseline`; what it writes always
 * loads as a peer file's known_failures: (the loader is the judge).
 */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../report/baseline.h"
#include "../scenario/scenario.h"

static char dir[64];

static void add(run_report *r, const char *id, const char *harness_role, verdict v,
                const char *message)
{
    sc_result *res = calloc(1, sizeof *res);
    ck_assert_ptr_nonnull(res);
    snprintf(res->id, sizeof res->id, "%s", id);
    snprintf(res->role, sizeof res->role, "%s", harness_role);
    snprintf(res->message, sizeof res->message, "%s", message);
    res->v = v;
    ck_assert_int_eq(run_report_add(r, res), 0);
    free(res);
}

/* The baseline behind a minimal peer file header, loaded. */
static void load_with_peer(const char *baseline, peer_file *pf)
{
    char path[128], text[1 << 16];
    FILE *f = fopen(baseline, "r");
    ck_assert_ptr_nonnull(f);
    size_t off = (size_t)snprintf(text, sizeof text, "name: x\ninitiator: {command: x}\n");
    off += fread(text + off, 1, sizeof text - off - 1, f);
    text[off] = 0;
    fclose(f);
    snprintf(path, sizeof path, "%s/peer.yaml", dir);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    char err[512] = "";
    ck_assert_msg(peer_file_load(path, pf, err, sizeof err) == 0, "%s\n%s", err, text);
}

START_TEST(failures_become_known_failures_that_load)
{
    snprintf(dir, sizeof dir, "/tmp/eh-baseline-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    run_report r;
    run_report_init(&r);
    snprintf(r.peer, sizeof r.peer, "my-iut");
    snprintf(r.peer_version, sizeof r.peer_version, "1.0\nknown_failures: [oops]");
    snprintf(r.started, sizeof r.started, "2026-01-02T03:04:05Z");
    /* every character the YAML reader refuses, quotes, a second line, bad UTF-8 */
    char hostile[900];
    size_t n = (size_t)snprintf(hostile, sizeof hostile,
                                "step 2: \"MAC_2\" \\ wrong \x01\t\xff \xc2\x85 \xef\xbb\xbf "
                                "\xc2\xa7 5.3.3 ");
    memset(hostile + n, 'x', sizeof hostile - n - 1);
    hostile[sizeof hostile - 1] = 0;
    add(&r, "rfc9528/5.3.3/wrong-mac-2", "initiator", V_FAIL, hostile);
    add(&r, "interop/m3-s2-kid", "initiator", V_PASS, "");
    add(&r, "interop/m3-s2-kid", "responder", V_ERROR,
        "the IUT crashed [requirements: R-1-a (RFC 9528 §1)]\nsecond line");
    add(&r, "rfc9528/3.8/x", "responder", V_XFAIL, "failed");
    snprintf(r.results[r.n - 1].kf_reason, sizeof r.results[0].kf_reason, "unsupported");
    snprintf(r.results[r.n - 1].kf_note, sizeof r.results[0].kf_note, "no \"EAD\" yet");
    add(&r, "rfc9528/3.8/y", "responder", V_XPASS, "");
    add(&r, "rfc9528/3.8/z", "responder", V_SKIPPED, "lacks");
    add(&r, "rfc9528/3.8/w", "responder", V_NONSTRICT, "allowed");
    add(&r, "/path/broken.yaml", "initiator", V_ERROR, "did not load");
    r.results[r.n - 1].no_scenario = true;
    add(&r, "rfc9528/5.3.3/wrong-mac-2", "initiator", V_FAIL, "again"); /* listed once */

    char path[128];
    snprintf(path, sizeof path, "%s/baseline.yaml", dir);
    ck_assert_int_eq(report_write_baseline(&r, path), 3);
    ck_assert_int_ne(access(path, F_OK), -1);
    char tmp[160];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    ck_assert_int_eq(access(tmp, F_OK), -1);

    peer_file *pf = malloc(sizeof *pf);
    ck_assert_ptr_nonnull(pf);
    load_with_peer(path, pf);
    ck_assert_uint_eq(pf->n_known, 3);
    known_failure *k = pf->known;
    ck_assert_str_eq(k[0].pattern, "rfc9528/5.3.3/wrong-mac-2");
    ck_assert_int_eq(k[0].harness_roles, SC_HARNESS_INITIATOR); /* role: responder */
    ck_assert_int_eq(k[0].reason, KF_KNOWN_BUG);
    const char *prefix = "baseline 2026-01-02: fail as IUT responder: step 2: \"MAC_2\" \\ wrong";
    ck_assert_msg(strncmp(k[0].note, prefix, strlen(prefix)) == 0, "%s", k[0].note);
    ck_assert_ptr_nonnull(strstr(k[0].note, "\xc2\xa7 5.3.3 xxx")); /* UTF-8 kept */
    ck_assert_ptr_nonnull(strstr(k[0].note, "\x01\t\xef\xbf\xbd \xc2\x85 \xef\xbb\xbf"));
    ck_assert_uint_le(strlen(k[0].note), 400);
    ck_assert_str_eq(k[1].pattern, "interop/m3-s2-kid");
    ck_assert_int_eq(k[1].harness_roles, SC_HARNESS_RESPONDER); /* role: initiator */
    ck_assert_str_eq(k[1].note, "baseline 2026-01-02: error as IUT initiator: the IUT crashed");
    ck_assert_str_eq(k[2].pattern, "rfc9528/3.8/x");
    ck_assert_int_eq(k[2].reason, KF_UNSUPPORTED);
    ck_assert_str_eq(k[2].note, "no \"EAD\" yet");
    /* each entry carries its failure's fingerprint */
    char fp[32];
    ck_assert_str_eq(k[0].fingerprint, report_fingerprint(&r.results[0], fp, sizeof fp));
    ck_assert_str_eq(k[1].fingerprint, report_fingerprint(&r.results[2], fp, sizeof fp));
    ck_assert_str_eq(k[2].fingerprint, report_fingerprint(&r.results[3], fp, sizeof fp));

    /* nothing failed: an empty list, which loads too */
    run_report_free(&r);
    run_report_init(&r);
    add(&r, "interop/m3-s2-kid", "initiator", V_PASS, "");
    ck_assert_int_eq(report_write_baseline(&r, path), 0);
    load_with_peer(path, pf);
    ck_assert_uint_eq(pf->n_known, 0);
    /* an unwritable place: -1, nothing left behind */
    ck_assert_int_eq(report_write_baseline(&r, "/nonexistent-dir/b.yaml"), -1);
    run_report_free(&r);
    free(pf);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

static const char *fp_of(const char *message, char *out)
{
    static sc_result res;
    memset(&res, 0, sizeof res);
    snprintf(res.message, sizeof res.message, "%s", message);
    return report_fingerprint(&res, out, 32);
}

/* What a fingerprint keeps (the step, the message, field and reason) and
 * what it leaves out (numbers, hex bytes, paths, the requirement list). */
START_TEST(fingerprints_keep_the_reason_not_the_numbers)
{
    char a[32], b[32];
    fp_of("step 3 (line 16): expected an error message, received message_3 (90 bytes) "
          "[requirements: R-5.4.3-b (RFC 9528 §5.4.3)]", a);
    ck_assert_str_eq(a, fp_of("step 3 (line 18): expected an error message, received "
                              "message_3 (91 bytes)", b));
    ck_assert(strncmp(a, "s3-", 3) == 0 && strlen(a) == 11);
    ck_assert_str_eq(fp_of("the IUT exited with code 2 before sending anything (see its "
                           "output, /tmp/a/x.iut.stderr)", a),
                     fp_of("the IUT exited with code 2 before sending anything (see its "
                           "output, /tmp/pytest-7/y.iut.stderr)", b));
    ck_assert_str_eq(fp_of("step 2: C_R 4127 at byte offset 0, expected f5", a),
                     fp_of("step 2: C_R 0e at byte offset 3, expected 27", b));
    /* the values of an engine finding are not read: a fingerprint of a
     * baseline written before they were printed still matches */
    const char *mac = "step 2 (line 9): expected a valid message_2, received message_2 that "
                      "the harness rejects (46 bytes, CoAP 2.04): EH_ERR_MAC: field "
                      "Signature_or_MAC_2 at byte offset 3: MAC_2 does not match (RFC 9528 "
                      "§5.3.3)";
    char with[512];
    snprintf(with, sizeof with, "%s; expected cae5afc580038e5a, received cbe5afc580038e5a "
                                "[requirements: R-3.2-a (RFC 9528 §3.2)]", mac);
    ck_assert_str_eq(fp_of(mac, a), fp_of(with, b));
    snprintf(with, sizeof with, "%s; received 7877d32378 [requirements: R-3.2-a]", mac);
    ck_assert_str_eq(fp_of(mac, a), fp_of(with, b));
    /* ... but a text that only looks like one is */
    ck_assert_str_ne(fp_of("step 2; expected nothing", a), fp_of("step 2", b));
    /* another step, message, field or reason: another fingerprint */
    fp_of("step 3 (line 16): expected an error message, received message_3", a);
    ck_assert_str_ne(a, fp_of("step 4 (line 16): expected an error message, received message_3", b));
    ck_assert_str_ne(a, fp_of("step 3 (line 16): expected an error message, received nothing", b));
    ck_assert_str_ne(fp_of("step 2: field C_R at byte offset 0", a),
                     fp_of("step 2: field C_I at byte offset 0", b));
    ck_assert_str_eq(fp_of("", a), "s0-811c9dc5"); /* FNV-1a of nothing */
    /* what run appends for a known failure with another fingerprint is not read */
    ck_assert_str_eq(fp_of("the IUT crashed", a),
                     fp_of("the IUT crashed" REPORT_OTHER_REASON " (baseline fingerprint "
                           "s0-00000000, now s0-11111111): a new failure", b));
}
END_TEST

Suite *eh_test_baseline_suite(void)
{
    Suite *s = suite_create("baseline");
    TCase *tc = tcase_create("baseline");
    tcase_add_test(tc, failures_become_known_failures_that_load);
    tcase_add_test(tc, fingerprints_keep_the_reason_not_the_numbers);
    suite_add_tcase(s, tc);
    return s;
}

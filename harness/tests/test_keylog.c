/* test_keylog.c - report_write_keylog: the block of each transcript, one
 * "ID ROLE NAME HEX" line per value, in result order; nothing for a
 * transcript without the block; the file is 0600. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../report/keylog.h"

/* The keylog of r written to a new file at path (a mkstemp template), which
 * must have `lines` lines; its text (a static buffer). */
static const char *written(const run_report *r, char *path, long lines)
{
    static char buf[8192];
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(report_write_keylog(r, path), lines);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return buf;
}

START_TEST(test_keylog_lines)
{
    run_report r;
    run_report_init(&r);
    sc_result a, b;
    memset(&a, 0, sizeof a), memset(&b, 0, sizeof b);
    snprintf(a.id, sizeof a.id, "interop/x");
    snprintf(a.role, sizeof a.role, "initiator");
    a.transcript = strdup("step 1\n" KEYLOG_BLOCK "\n  th_2: 0a0b\n  prk_out: ff\nsizes:\n");
    snprintf(b.id, sizeof b.id, "interop/y");
    snprintf(b.role, sizeof b.role, "responder");
    b.transcript = strdup("no secrets here\n  th_2: 0102\n");
    ck_assert_int_eq(run_report_add(&r, &a), 0);
    ck_assert_int_eq(run_report_add(&r, &b), 0);
    char path[] = "/tmp/eh-keylog-XXXXXX";
    ck_assert_str_eq(written(&r, path, 2),
                     "interop/x initiator th_2 0a0b\ninterop/x initiator prk_out ff\n");
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    unlink(path);
    run_report_free(&r);
}
END_TEST

/* A value of any length (KEYSTREAM_2 of a long PLAINTEXT_2) and an empty one
 * (an empty OSCORE Sender ID) are written whole. */
START_TEST(test_keylog_long_and_empty_values)
{
    run_report r;
    run_report_init(&r);
    sc_result a;
    memset(&a, 0, sizeof a);
    snprintf(a.id, sizeof a.id, "interop/x");
    snprintf(a.role, sizeof a.role, "initiator");
    static char text[4096], want[4096];
    char hex[2001];
    for (size_t i = 0; i < 2000; i++)
        hex[i] = "0123456789abcdef"[i % 16];
    hex[2000] = 0;
    /* two blocks (a first session, and the second after the steps): both, in order */
    snprintf(text, sizeof text, KEYLOG_BLOCK "\n  g_x: 00\nafter the scenario\n" KEYLOG_BLOCK
                                "\n  g_x: 01\n  keystream_2: %s\n  oscore_client_sender_id: \n",
             hex);
    a.transcript = strdup(text);
    ck_assert_int_eq(run_report_add(&r, &a), 0);
    char path[] = "/tmp/eh-keylog-XXXXXX";
    const char *buf = written(&r, path, 4);
    snprintf(want, sizeof want, "interop/x initiator g_x 00\ninterop/x initiator g_x 01\n"
                                "interop/x initiator keystream_2 %s\n"
                                "interop/x initiator oscore_client_sender_id \n", hex);
    ck_assert_str_eq(buf, want);
    unlink(path);
    run_report_free(&r);
}
END_TEST

Suite *eh_test_keylog_suite(void)
{
    Suite *s = suite_create("keylog");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_keylog_lines);
    tcase_add_test(tc, test_keylog_long_and_empty_values);
    suite_add_tcase(s, tc);
    return s;
}

/*
 * test_page.c - the results page's document and file (report/page.h):
 * relative paths, a peer's results with "iut_role", paths made relative
 * and counts by role; the page embeds the document so that no text from
 * the results can end the script element ("</script>", "<!--"), and the
 * embedded JSON reads back equal to the document.
 */
#define _DEFAULT_SOURCE /* mkstemps, mkdtemp */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../report/page.h"

START_TEST(relative_paths)
{
    char out[256], dir[] = "/tmp/eh-page-XXXXXX", sub[300], file[300];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(sub, sizeof sub, "%s/out", dir);
    ck_assert_int_eq(mkdir(sub, 0777), 0);
    snprintf(file, sizeof file, "%s/out/peer/t.txt", dir); /* need not exist */
    ck_assert_int_eq(page_relative_path(sub, file, out, sizeof out), 0);
    ck_assert_str_eq(out, "peer/t.txt");
    snprintf(file, sizeof file, "%s/other/x.txt", dir);
    ck_assert_int_eq(page_relative_path(sub, file, out, sizeof out), 0);
    ck_assert_str_eq(out, "../other/x.txt");
    snprintf(file, sizeof file, "%s/out/../out/y.txt", dir);
    ck_assert_int_eq(page_relative_path(sub, file, out, sizeof out), 0);
    ck_assert_str_eq(out, "y.txt");
    ck_assert_int_eq(page_relative_path(sub, sub, out, sizeof out), 0);
    ck_assert_str_eq(out, ".");
    ck_assert_int_eq(page_relative_path(sub, "", out, sizeof out), 0);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(page_relative_path(sub, file, out, 3), -1);
    rmdir(sub);
    rmdir(dir);
}
END_TEST

static json_t *results_doc(void)
{
    return json_pack("{s:[{s:s,s:s,s:s,s:s},{s:s,s:s,s:s},{s:s,s:s,s:s}]}", "results",
                     "id", "a", "role", "initiator", "verdict", "pass", "transcript_path",
                     "/tmp/eh-page-doc/out/iut-responder/a.txt", "id", "b", "role",
                     "responder", "verdict", "fail", "id", "c", "role", "responder",
                     "verdict", "bogus");
}

START_TEST(peer_results_get_roles_counts_and_relative_paths)
{
    json_t *doc = page_doc_new("run");
    ck_assert_ptr_nonnull(doc);
    json_t *res = results_doc();
    ck_assert_int_eq(page_doc_add_peer(doc, json_pack("{s:s}", "name", "p"), res,
                                       "/tmp/eh-page-doc/out"),
                     0);
    json_decref(res);
    json_t *pairs = json_pack("[{s:s}]", "verdict", "pass");
    ck_assert_int_eq(page_doc_add_pair(doc, "p", "p", pairs), 0);
    ck_assert_int_eq(page_doc_finish(doc), 0);
    json_t *peer = json_array_get(json_object_get(doc, "peers"), 0);
    json_t *r = json_object_get(peer, "results");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(r, 0), "iut_role")),
                     "responder");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(r, 1), "iut_role")),
                     "initiator");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(r, 0), "transcript_path")),
                     "iut-responder/a.txt");
    json_t *sum = json_object_get(peer, "summary");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(sum, "responder"),
                                                        "pass")),
                     1);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(sum, "initiator"),
                                                        "fail")),
                     1);
    /* an unknown verdict counts as an error, never as a pass */
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(sum, "initiator"),
                                                        "error")),
                     1);
    json_t *total = json_object_get(json_object_get(doc, "summary"), "pairs");
    ck_assert_int_eq(json_integer_value(json_object_get(total, "pass")), 1);
    ck_assert_int_eq(json_object_size(total), 7);
    json_decref(doc);
}
END_TEST

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return buf;
}

START_TEST(page_embeds_the_document_safely)
{
    const char *evil = "</script><script>alert(1)</script><!--<script> & \"quotes\" \xc3\xa9";
    json_t *doc = page_doc_new("run");
    json_object_set_new(doc, "note", json_string(evil));
    char path[] = "/tmp/eh-page-XXXXXX.html";
    int fd = mkstemps(path, 5);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(page_write_html(doc, path), 0);
    char *page = slurp(path);
    const char *open = "<script type=\"application/json\" id=\"data\">";
    char *start = strstr(page, open);
    ck_assert_ptr_nonnull(start);
    start += strlen(open);
    char *end = strstr(start, "</script>");
    ck_assert_ptr_nonnull(end);
    *end = 0;
    ck_assert_ptr_null(strchr(start, '<'));
    ck_assert_ptr_null(strchr(start, '>'));
    json_t *back = json_loads(start, 0, NULL);
    ck_assert_ptr_nonnull(back);
    ck_assert(json_equal(back, doc));
    json_decref(back);
    /* the page itself: no marker left, one inline script besides the data */
    ck_assert_ptr_null(strstr(end + 1, "@EH_DATA@"));
    ck_assert_ptr_nonnull(strstr(end + 1, "<script>"));
    ck_assert_ptr_null(strstr(page, "http://"));
    ck_assert_ptr_null(strstr(end + 1, "https://"));
    json_decref(doc);
    unlink(path);
}
END_TEST

Suite *eh_test_page_suite(void)
{
    Suite *s = suite_create("page");
    TCase *tc = tcase_create("page");
    tcase_add_test(tc, relative_paths);
    tcase_add_test(tc, peer_results_get_roles_counts_and_relative_paths);
    tcase_add_test(tc, page_embeds_the_document_safely);
    suite_add_tcase(s, tc);
    return s;
}

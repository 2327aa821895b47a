/* test_vector_file.c - harness/vectors/vector_file: vfile_load_mem gives
 * what vfile_load gives for the same bytes, reads only within its length,
 * and reports problems under the name it was given. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../vectors/vector_file.h"

#define TRACE2 EH_SOURCE_DIR "/vectors/rfc9529-trace2.json"

/* The whole file in a heap block of exactly its size (plus `extra` bytes
 * of 0xff after it, outside the length returned). */
static char *slurp(const char *path, size_t extra, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    ck_assert_int_gt(n, 0);
    rewind(f);
    char *buf = malloc((size_t)n + extra);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    memset(buf + n, 0xff, extra);
    *len = (size_t)n;
    return buf;
}

/* stderr of vfile_load_mem(name, text, len) into out (one line, no '\n'). */
static int load_capturing(vfile *vf, const char *name, const char *text, size_t len, char *out,
                          size_t cap)
{
    char path[] = "/tmp/eh-vfile-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    fflush(stderr);
    int saved = dup(2);
    ck_assert_int_ge(saved, 0);
    ck_assert_int_ge(dup2(fd, 2), 0);
    int rc = vfile_load_mem(vf, name, text, len);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    ssize_t n = pread(fd, out, cap - 1, 0);
    close(fd);
    unlink(path);
    out[n > 0 ? n : 0] = '\0';
    out[strcspn(out, "\n")] = '\0';
    return rc;
}

START_TEST(memory_equals_file)
{
    vfile a, b;
    size_t len;
    char *text = slurp(TRACE2, 8, &len);
    ck_assert_int_eq(vfile_load(&a, TRACE2), 0);
    ck_assert_int_eq(vfile_load_mem(&b, "trace2", text, len), 0);
    free(text); /* nothing of the text is kept */
    ck_assert_str_eq(b.path, "trace2");
    ck_assert(json_equal(a.root, b.root));
    uint8_t x1[64], x2[64];
    size_t n1, n2;
    ck_assert_int_eq(vfile_hex(&a, "message_1", x1, sizeof x1, &n1, true), 0);
    ck_assert_int_eq(vfile_hex(&b, "message_1", x2, sizeof x2, &n2, true), 0);
    ck_assert_uint_eq(n1, n2);
    ck_assert_mem_eq(x1, x2, n1);
    vfile_free(&a);
    vfile_free(&b);
}
END_TEST

START_TEST(memory_errors_name_the_given_name)
{
    vfile vf;
    char msg[256];
    static const struct {
        const char *text, *needle;
    } cases[] = {
        {"{\"x\": \"00\"", "mem.json: not a valid JSON vector file (line 1"},
        {"[1, 2]", "mem.json: not a vector file: the top level is not a JSON object"},
        {"{\"x\": \"0g\"}", "mem.json: key 'x': not a hex string"},
        {"{\"x\": 1}", "mem.json: key 'x': not a hex string"},
        {"{\"app_aead_alg\": \"0a\"}", "mem.json: key 'app_aead_alg': expected a JSON integer"},
        {"{\"x\": \"00\", \"x\": \"01\"}", "mem.json: not a valid JSON vector file"},
        {"", "mem.json: not a valid JSON vector file"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_int_eq(load_capturing(&vf, "mem.json", cases[i].text, strlen(cases[i].text),
                                        msg, sizeof msg), 2);
        ck_assert_ptr_null(vf.root);
        ck_assert_msg(strncmp(msg, cases[i].needle, strlen(cases[i].needle)) == 0,
                      "case %zu: '%s'", i, msg);
    }
    ck_assert_int_eq(load_capturing(&vf, "none", NULL, 0, msg, sizeof msg), 2);
    ck_assert_ptr_nonnull(strstr(msg, "none: not a valid JSON vector file"));
    /* the length bounds the text: a complete object cut short is not JSON,
     * and what follows the length is never looked at */
    static const char obj[] = "{\"x\": \"00\"}garbage";
    ck_assert_int_eq(load_capturing(&vf, "cut", obj, 5, msg, sizeof msg), 2);
    ck_assert_int_eq(vfile_load_mem(&vf, "exact", obj, 11), 0);
    ck_assert(vfile_has(&vf, "x"));
    vfile_free(&vf);
}
END_TEST

Suite *eh_test_vector_file_suite(void)
{
    Suite *s = suite_create("vector_file");
    TCase *tc = tcase_create("vector_file");
    tcase_add_test(tc, memory_equals_file);
    tcase_add_test(tc, memory_errors_name_the_given_name);
    suite_add_tcase(s, tc);
    return s;
}

/* harness/common: error names, hex text and the command {harness} expands to. */
#include <check.h>
#include <limits.h>
#include <string.h>

#include "../common/numparse.h"
#include "../common/eh_err.h"
#include "../common/hex.h"
#include "../common/lazylib.h"
#include "../common/selfexec.h"
#include "../common/mkdirs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

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

START_TEST(numbers_are_strict_and_in_range)
{
    long l = 42;
    int i = 42;
    unsigned long u = 42;
    ck_assert_int_eq(eh_parse_int("64", 1, 64, &i), 0);
    ck_assert_int_eq(i, 64);
    ck_assert_int_eq(eh_parse_int("+7", 1, 64, &i), 0);
    ck_assert_int_eq(i, 7);
    ck_assert_int_eq(eh_parse_long("-65536", -65536, 65535, &l), 0);
    ck_assert_int_eq(l, -65536);
    /* what strtol takes and a cast wraps or an option must refuse */
    const char *bad[] = {"4294967297", "4294967346", "99999999999999999999", "", " 5", "5 ",
                         "0x10", "65", "0", "-", "+", "1e3", "--5"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        ck_assert_msg(eh_parse_int(bad[k], 1, 64, &i) != 0, "int '%s' accepted", bad[k]);
        ck_assert_int_eq(i, 7); /* untouched */
    }
    ck_assert_int_eq(eh_parse_ulong("18446744073709551615", ULONG_MAX, &u), 0);
    ck_assert(u == ULONG_MAX);
    const char *ubad[] = {"-1", "+1", "18446744073709551616", "", " 1", "1x"};
    for (size_t k = 0; k < sizeof ubad / sizeof *ubad; k++)
        ck_assert_msg(eh_parse_ulong(ubad[k], ULONG_MAX, &u) != 0, "ulong '%s' accepted",
                      ubad[k]);
    ck_assert_int_eq(eh_parse_ulong("11", 10, &u), -1);
    ck_assert_int_eq(eh_parse_long(NULL, 0, 1, &l), -1);
}
END_TEST

/* lazylib: a library and its symbols are resolved once; what is missing is
 * named, and the answer does not change on a second call. */
START_TEST(lazy_libraries_name_what_is_missing)
{
    size_t (*my_strlen)(const char *) = NULL;
    const lazylib_sym ok_syms[] = {{"strlen", (void **)&my_strlen}};
    lazylib libc_lib = {"libc.so.6", ok_syms, 1, 0, ""};
    ck_assert_int_eq(lazylib_load(&libc_lib), 0);
    ck_assert_ptr_nonnull(my_strlen);
    ck_assert_uint_eq(my_strlen("abc"), 3);
    ck_assert_int_eq(lazylib_load(&libc_lib), 0);

    void *nothing = NULL;
    const lazylib_sym bad_syms[] = {{"eh_no_such_function", &nothing}};
    lazylib no_sym = {"libc.so.6", bad_syms, 1, 0, ""};
    ck_assert_int_eq(lazylib_load(&no_sym), -1);
    ck_assert_ptr_nonnull(strstr(no_sym.err, "libc.so.6 has no eh_no_such_function"));
    ck_assert_int_eq(lazylib_load(&no_sym), -1);

    lazylib no_lib = {"libeh-not-there.so.9", ok_syms, 1, 0, ""};
    ck_assert_int_eq(lazylib_load(&no_lib), -1);
    ck_assert_ptr_nonnull(strstr(no_lib.err, "cannot load libeh-not-there.so.9"));
}
END_TEST

/* eh_mkdirs: parents made, an existing directory fine, a file in the way
 * and a path too long refused with errno. */
START_TEST(mkdirs_makes_parents_and_refuses_files)
{
    char base[] = "/tmp/eh-mkdirs-XXXXXX", path[PATH_MAX], file[PATH_MAX];
    ck_assert_ptr_nonnull(mkdtemp(base));
    snprintf(path, sizeof path, "%s/a/b/c", base);
    ck_assert_int_eq(eh_mkdirs(path), 0);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_int_eq(eh_mkdirs(path), 0); /* again: fine */
    snprintf(file, sizeof file, "%s/a/f", base);
    FILE *f = fopen(file, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    errno = 0;
    ck_assert_int_eq(eh_mkdirs(file), -1);
    ck_assert_int_eq(errno, ENOTDIR);
    snprintf(path, sizeof path, "%s/a/f/g", base);
    ck_assert_int_eq(eh_mkdirs(path), -1);
    static char longer[PATH_MAX + 8];
    memset(longer, 'x', sizeof longer - 1);
    longer[0] = '/';
    errno = 0;
    ck_assert_int_eq(eh_mkdirs(longer), -1);
    ck_assert_int_eq(errno, ENAMETOOLONG);
    ck_assert_int_eq(eh_mkdirs(""), -1);
    unlink(file);
    snprintf(path, sizeof path, "rm -rf '%s'", base);
    ck_assert_int_eq(system(path), 0);
}
END_TEST

Suite *eh_test_common_suite(void)
{
    Suite *s = suite_create("common");
    TCase *tc = tcase_create("common");
    tcase_add_test(tc, error_names_are_stable_and_total);
    tcase_add_test(tc, hex_round_trip_and_rejects);
    tcase_add_test(tc, lazy_libraries_name_what_is_missing);
    tcase_add_test(tc, numbers_are_strict_and_in_range);
    tcase_add_test(tc, harness_placeholder_is_the_variable_else_the_executable);
    tcase_add_test(tc, mkdirs_makes_parents_and_refuses_files);
    suite_add_tcase(s, tc);
    return s;
}

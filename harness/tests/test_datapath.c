/* harness/common/datapath: where data files are found outside the source tree. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/datapath.h"

/* A scratch tree: cwd/ (the working directory), env/, and an install
 * prefix/bin + prefix/share/edhoc-harness; removed at the end. */
typedef struct tree {
    char root[64], old_cwd[PATH_MAX];
    char path[256];
} tree;

static const char *at(tree *t, const char *rel)
{
    snprintf(t->path, sizeof t->path, "%s/%s", t->root, rel);
    return t->path;
}

static void touch(tree *t, const char *rel)
{
    FILE *f = fopen(at(t, rel), "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
}

static void tree_make(tree *t)
{
    snprintf(t->root, sizeof t->root, "/tmp/eh-datapath-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(t->root));
    const char *dirs[] = {"cwd", "cwd/scenarios", "env", "env/scenarios", "prefix",
                          "prefix/bin", "prefix/share", "prefix/share/edhoc-harness",
                          "prefix/share/edhoc-harness/scenarios"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        ck_assert_int_eq(mkdir(at(t, dirs[i]), 0700), 0);
    touch(t, "cwd/scenarios/here.yaml");
    touch(t, "env/scenarios/env.yaml");
    touch(t, "env/scenarios/both.yaml");
    touch(t, "prefix/share/edhoc-harness/scenarios/both.yaml");
    touch(t, "prefix/share/edhoc-harness/scenarios/share.yaml");
    ck_assert_ptr_nonnull(getcwd(t->old_cwd, sizeof t->old_cwd));
    ck_assert_int_eq(chdir(at(t, "cwd")), 0);
}

static void tree_free(tree *t)
{
    ck_assert_int_eq(chdir(t->old_cwd), 0);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->root);
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(working_directory_then_environment_then_install_prefix)
{
    tree t;
    tree_make(&t);
    char env[256], exe[256], out[PATH_MAX], want[PATH_MAX];
    snprintf(env, sizeof env, "%s", at(&t, "env"));
    snprintf(exe, sizeof exe, "%s", at(&t, "prefix/bin/edhoc-harness"));
    /* the working directory first: unchanged, still relative */
    ck_assert_str_eq(eh_data_path_in("scenarios/here.yaml", env, exe, out, sizeof out),
                     "scenarios/here.yaml");
    ck_assert_str_eq(eh_data_path_in("scenarios", env, exe, out, sizeof out), "scenarios");
    /* then $EDHOC_HARNESS_DATA, which wins over the install prefix */
    snprintf(want, sizeof want, "%s/scenarios/env.yaml", env);
    ck_assert_str_eq(eh_data_path_in("scenarios/env.yaml", env, exe, out, sizeof out), want);
    snprintf(want, sizeof want, "%s/scenarios/both.yaml", env);
    ck_assert_str_eq(eh_data_path_in("scenarios/both.yaml", env, exe, out, sizeof out), want);
    /* then <exe>/../share/edhoc-harness, canonical (no "bin/..") */
    snprintf(want, sizeof want, "%s", at(&t, "prefix/share/edhoc-harness/scenarios/both.yaml"));
    char real[PATH_MAX];
    ck_assert_ptr_nonnull(realpath(want, real));
    ck_assert_str_eq(eh_data_path_in("scenarios/both.yaml", NULL, exe, out, sizeof out), real);
    ck_assert_str_eq(eh_data_path_in("scenarios/both.yaml", "", exe, out, sizeof out), real);
    ck_assert_ptr_null(strstr(eh_data_path_in("scenarios/share.yaml", env, exe, out, sizeof out),
                              "/bin/.."));
    /* found nowhere, absolute, empty: unchanged */
    ck_assert_str_eq(eh_data_path_in("scenarios/none.yaml", env, exe, out, sizeof out),
                     "scenarios/none.yaml");
    ck_assert_str_eq(eh_data_path_in("/nonexistent/x", env, exe, out, sizeof out),
                     "/nonexistent/x");
    ck_assert_str_eq(eh_data_path_in("", env, exe, out, sizeof out), "");
    ck_assert_str_eq(eh_data_path_in("scenarios/share.yaml", NULL, NULL, out, sizeof out),
                     "scenarios/share.yaml");
    /* a result that does not fit is not used (cut, never a wrong file) */
    char small[8];
    ck_assert_str_eq(eh_data_path_in("scenarios/env.yaml", env, exe, small, sizeof small),
                     "scenari");
    tree_free(&t);
}
END_TEST

Suite *eh_test_datapath_suite(void)
{
    Suite *s = suite_create("datapath");
    TCase *tc = tcase_create("datapath");
    tcase_add_test(tc, working_directory_then_environment_then_install_prefix);
    suite_add_tcase(s, tc);
    return s;
}

/*
 * harness/scenario/matrix: `matrix:` scenario files expand into stable
 * variants (ids, METHOD, suite, credentials by RFC 9528 §3.2 Table 1,
 * needs, OSCORE only where the suite defines it), and the loader refuses
 * matrices it cannot expand.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../scenario/matrix.h"
#include "../scenario/scenario.h"

#define MATRIX_FILE EH_SOURCE_DIR "/scenarios/interop/matrix.yaml"

static scenario *load_file(const char *path)
{
    scenario *sc = malloc(sizeof *sc);
    char err[512] = "";
    ck_assert_ptr_nonnull(sc);
    ck_assert_msg(scenario_load(path, sc, err, sizeof err) == 0, "%s", err);
    return sc;
}

/* Load text from a temporary file; 0 or -1 with err. */
static int load_text(const char *text, scenario *sc, char *err, size_t cap)
{
    char path[] = "/tmp/eh-matrix-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    int rc = scenario_load(path, sc, err, cap);
    unlink(path);
    return rc;
}

static bool has_need(const scenario *sc, const char *need)
{
    for (size_t i = 0; i < sc->n_needs; i++)
        if (!strcmp(sc->needs[i], need))
            return true;
    return false;
}

static size_t n_oscore_steps(const scenario *sc)
{
    size_t n = 0;
    for (size_t i = 0; i < sc->n_steps; i++)
        n += sc->steps[i].kind == SC_STEP_OSCORE;
    return n;
}

START_TEST(the_shipped_matrix_expands_to_stable_ids)
{
    static const int suites[] = {0, 1, 2, 3, 4, 5, 6, 24, 25};
    static const char *const kinds[] = {"kid", "kccs", "x5t", "x5chain"};
    scenario *t = load_file(MATRIX_FILE), *v = malloc(sizeof *v);
    char err[256], want[SC_MAX_ID];
    ck_assert_ptr_nonnull(v);
    ck_assert_str_eq(t->id, "interop/matrix");
    ck_assert_uint_eq(sc_variant_count(t), 4 * 9 * 4);
    /* order: METHOD, then suite, then kind (fastest), as the file lists them */
    size_t k = 0;
    for (int m = 0; m < 4; m++)
        for (size_t s = 0; s < 9; s++)
            for (size_t c = 0; c < 4; c++, k++) {
                ck_assert_int_eq(sc_variant(t, k, v, err, sizeof err), 0);
                snprintf(want, sizeof want, "interop/matrix/m%d-s%d-%s", m, suites[s], kinds[c]);
                ck_assert_str_eq(v->id, want);
                ck_assert_int_eq(v->method, m);
                ck_assert_uint_eq(v->n_suites, 1);
                ck_assert_int_eq(v->suites[0], suites[s]);
                ck_assert_str_eq(v->cred_id, kinds[c]);
                ck_assert_uint_eq(v->matrix.n_methods, 0); /* a variant is a plain scenario */
                /* needs: the three of the combination first, then the file's */
                char n0[32], n1[32], n2[32];
                snprintf(n0, sizeof n0, "method-%d", m);
                snprintf(n1, sizeof n1, "suite-%d", suites[s]);
                snprintf(n2, sizeof n2, "cred-%s", kinds[c]);
                ck_assert_str_eq(v->needs[0], n0);
                ck_assert_str_eq(v->needs[1], n1);
                ck_assert_str_eq(v->needs[2], n2);
                ck_assert(has_need(v, "coap"));
                /* suite 25's SHAKE256 gives OSCORE no HKDF: no oscore step; the
                 * others keep theirs, which an IUT without OSCORE does not need
                 * (its profile leaves the step out) */
                bool oscore = suites[s] != 25;
                ck_assert_uint_eq(n_oscore_steps(v), oscore ? 1 : 0);
                ck_assert_uint_eq(v->n_steps, oscore ? 5 : 4);
                ck_assert(!has_need(v, "oscore"));
                ck_assert(strstr(v->title, "METHOD") != NULL);
            }
    ck_assert_int_eq(sc_variant(t, k, v, err, sizeof err), -1);
    free(t), free(v);
}
END_TEST

/* RFC 9528 §3.2 Table 1: who authenticates with static DH. */
START_TEST(credentials_follow_the_method_table)
{
    static const struct {
        int method, suite;
        const char *i, *r;
    } rows[] = {
        {0, 2, "gen-p256-sig-i", "gen-p256-sig-r"},   {1, 2, "gen-p256-sig-i", "gen-p256-dh-r"},
        {2, 2, "gen-p256-dh-i", "gen-p256-sig-r"},    {3, 2, "gen-p256-dh-i", "gen-p256-dh-r"},
        {0, 0, "gen-ed25519-sig-i", "gen-ed25519-sig-r"},
        {3, 0, "gen-x25519-dh-i", "gen-x25519-dh-r"},
        {1, 6, "gen-p256-sig-i", "gen-x25519-dh-r"},  /* suite 6: X25519 with ES256 */
        {2, 24, "gen-p384-dh-i", "gen-p384-sig-r"},   {1, 25, "gen-ed448-sig-i", "gen-x448-dh-r"},
        {2, 4, "gen-x25519-dh-i", "gen-ed25519-sig-r"}, {0, 5, "gen-p256-sig-i", "gen-p256-sig-r"},
    };
    char name[64], want[64];
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++)
        for (int x509 = 0; x509 < 2; x509++) {
            ck_assert_int_eq(sc_matrix_cred_name(rows[k].method, rows[k].suite, true, x509, name,
                                                 sizeof name), 0);
            snprintf(want, sizeof want, "%s%s", rows[k].i, x509 ? "-x509" : "");
            ck_assert_str_eq(name, want);
            ck_assert_int_eq(sc_matrix_cred_name(rows[k].method, rows[k].suite, false, x509,
                                                 name, sizeof name), 0);
            snprintf(want, sizeof want, "%s%s", rows[k].r, x509 ? "-x509" : "");
            ck_assert_str_eq(name, want);
        }
    ck_assert_int_eq(sc_matrix_cred_name(4, 2, true, false, name, sizeof name), -1);
    ck_assert_int_eq(sc_matrix_cred_name(3, 7, true, false, name, sizeof name), -1);
    ck_assert_int_eq(sc_matrix_cred_name(3, 25, true, true, name, 17), -1); /* too small */
    ck_assert_int_eq(sc_gen_cred_name(3, false, SC_GEN_INITIATOR, false, name, sizeof name), -1);

    /* the variant's names, from the Initiator's side (role: both) */
    scenario *t = load_file(MATRIX_FILE), *v = malloc(sizeof *v);
    char err[256];
    ck_assert_ptr_nonnull(v);
    /* m1-s6-x5t: METHOD 1 = 1 * 36, suite 6 = index 6 * 4, x5t = 2 */
    ck_assert_int_eq(sc_variant(t, 36 + 6 * 4 + 2, v, err, sizeof err), 0);
    ck_assert_str_eq(v->id, "interop/matrix/m1-s6-x5t");
    ck_assert_str_eq(v->cred, "gen-p256-sig-i-x509");
    ck_assert_str_eq(v->peer_cred, "gen-x25519-dh-r-x509");
    free(t), free(v);
}
END_TEST

START_TEST(oscore_where_the_suite_defines_it)
{
    static const int with[] = {0, 1, 2, 3, 4, 5, 6, 24};
    for (size_t i = 0; i < sizeof with / sizeof with[0]; i++)
        ck_assert(sc_suite_has_oscore(with[i]));
    ck_assert(!sc_suite_has_oscore(25));
    ck_assert(!sc_suite_has_oscore(7));
    ck_assert(!sc_suite_has_oscore(-24));
}
END_TEST

START_TEST(a_file_without_matrix_is_its_only_variant)
{
    scenario *t = load_file(EH_SOURCE_DIR "/scenarios/interop/m3-s2-kid.yaml");
    scenario *v = malloc(sizeof *v);
    char err[256];
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(sc_variant_count(t), 1);
    ck_assert_int_eq(sc_variant(t, 0, v, err, sizeof err), 0);
    ck_assert_int_eq(memcmp(t, v, sizeof *v), 0);
    ck_assert_int_eq(sc_variant(t, 1, v, err, sizeof err), -1);
    free(t), free(v);
}
END_TEST

static const char head[] = "id: x/m\ntitle: t\nlevel: MUST\nrole: both\n";
static const char steps[] = "steps:\n  - send: message_1\n  - oscore: /hello\n";

START_TEST(the_loader_refuses_what_cannot_expand)
{
    static const struct {
        const char *body, *needle;
    } bad[] = {
        {"matrix: {methods: [3], suites: [2]}\n", "credentials"},
        {"matrix: {methods: [4], suites: [2], credentials: [kid]}\n", "matrix.methods"},
        {"matrix: {methods: [3, 3], suites: [2], credentials: [kid]}\n", "listed twice"},
        {"matrix: {methods: [3], suites: [7], credentials: [kid]}\n", "not a registered"},
        {"matrix: {methods: [3], suites: [2], credentials: [kid, kid]}\n", "listed twice"},
        {"matrix: {methods: [3], suites: [2], credentials: [x5u]}\n", "matrix.credentials"},
        {"matrix: {methods: [], suites: [2], credentials: [kid]}\n", "matrix.methods"},
        {"matrix: {methods: [3], suites: [2], credentials: [kid], size: 2}\n", "size"},
        {"method: 3\nmatrix: {methods: [3], suites: [2], credentials: [kid]}\n", "not with matrix"},
        {"suites: [2]\nmatrix: {methods: [3], suites: [2], credentials: [kid]}\n",
         "not with matrix"},
        {"credentials: {id: kid}\nmatrix: {methods: [3], suites: [2], credentials: [kid]}\n",
         "not with matrix"},
        {"matrix: [3, 2, kid]\n", "expected a map"},
    };
    scenario *sc = malloc(sizeof *sc);
    char text[1024], err[512];
    ck_assert_ptr_nonnull(sc);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "%s%s%s", head, bad[i].body, steps);
        ck_assert_msg(load_text(text, sc, err, sizeof err) == -1, "loaded: %s", bad[i].body);
        ck_assert_msg(strstr(err, bad[i].needle) != NULL, "%s: wanted '%s' in '%s'",
                      bad[i].body, bad[i].needle, err);
    }
    /* only oscore steps: the suites without OSCORE would have none */
    snprintf(text, sizeof text, "%smatrix: {methods: [3], suites: [2], credentials: [kid]}\n"
                                "steps:\n  - oscore: /hello\n", head);
    ck_assert_int_eq(load_text(text, sc, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "a step other than oscore"));
    /* an id too long to name every combination */
    char id[SC_MAX_ID];
    memset(id, 'a', 115);
    id[115] = 0;
    snprintf(text, sizeof text, "id: %s\ntitle: t\nlevel: MUST\nrole: both\n"
                                "matrix: {methods: [3], suites: [2], credentials: [kid]}\n%s",
             id, steps);
    ck_assert_int_eq(load_text(text, sc, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "too long"));
    /* a small matrix loads, with its lists in the file's order */
    snprintf(text, sizeof text, "%smatrix: {methods: [1, 0], suites: [25, 2], credentials: "
                                "[x5chain]}\n%s", head, steps);
    ck_assert_msg(load_text(text, sc, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(sc_variant_count(sc), 4);
    scenario *v = malloc(sizeof *v);
    ck_assert_ptr_nonnull(v);
    static const char *const ids[] = {"x/m/m1-s25-x5chain", "x/m/m1-s2-x5chain",
                                      "x/m/m0-s25-x5chain", "x/m/m0-s2-x5chain"};
    for (size_t k = 0; k < 4; k++) {
        ck_assert_int_eq(sc_variant(sc, k, v, err, sizeof err), 0);
        ck_assert_str_eq(v->id, ids[k]);
    }
    free(v);
    free(sc);
}
END_TEST

Suite *eh_test_matrix_suite(void)
{
    Suite *s = suite_create("matrix");
    TCase *tc = tcase_create("matrix");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, the_shipped_matrix_expands_to_stable_ids);
    tcase_add_test(tc, credentials_follow_the_method_table);
    tcase_add_test(tc, oscore_where_the_suite_defines_it);
    tcase_add_test(tc, a_file_without_matrix_is_its_only_variant);
    tcase_add_test(tc, the_loader_refuses_what_cannot_expand);
    suite_add_tcase(s, tc);
    return s;
}

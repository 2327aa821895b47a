/* harness/scenario: the YAML loaders of scenario and peer files. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../scenario/scenario.h"

/* ------------------------------------------------------------- helpers */

static char tmp_path[64];

/* Write len bytes of text to a fresh temporary file; its path in tmp_path. */
static const char *write_tmp(const char *text, size_t len)
{
    snprintf(tmp_path, sizeof tmp_path, "/tmp/eh-scenario-XXXXXX");
    int fd = mkstemp(tmp_path);
    ck_assert_int_ge(fd, 0);
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        ck_assert_int_gt(w, 0);
        off += (size_t)w;
    }
    close(fd);
    return tmp_path;
}

static scenario *new_scenario(void)
{
    scenario *sc = malloc(sizeof *sc);
    ck_assert_ptr_nonnull(sc);
    return sc;
}

static int load_sc_n(const char *text, size_t len, scenario *sc, char *err, size_t cap)
{
    const char *p = write_tmp(text, len);
    int rc = scenario_load(p, sc, err, cap);
    unlink(p);
    return rc;
}

static int load_sc(const char *text, scenario *sc, char *err, size_t cap)
{
    return load_sc_n(text, strlen(text), sc, err, cap);
}

static int load_peer(const char *text, peer_file *pf, char *err, size_t cap)
{
    const char *p = write_tmp(text, strlen(text));
    int rc = peer_file_load(p, pf, err, cap);
    unlink(p);
    return rc;
}

/* err is one line "<tmp_path>:<line>: ..." containing needle. */
static void check_err(const char *err, int line, const char *needle, const char *what)
{
    char prefix[96];
    snprintf(prefix, sizeof prefix, "%s:%d: ", tmp_path, line);
    ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0, "%s: wanted prefix '%s', got '%s'",
                  what, prefix, err);
    ck_assert_msg(strstr(err, needle) != NULL, "%s: wanted '%s' in '%s'", what, needle, err);
    ck_assert_msg(strchr(err, '\n') == NULL, "%s: more than one line: '%s'", what, err);
}

static void mem_eq(const uint8_t *got, size_t got_n, const char *bytes, size_t n)
{
    ck_assert_uint_eq(got_n, n);
    ck_assert_mem_eq(got, bytes, n);
}
/* either kind of scenario byte string */
#define hex_eq(x, want, want_n) mem_eq((x)->b, (x)->n, (want), (want_n))

/* --------------------------------------------------------- valid files */

static const char full_scenario[] =
    "# A full scenario: every key and form.\n"                                     /* 1 */
    "id: rfc9528/6.3/selected-suite-unsupported\n"                                 /* 2 */
    "title: Responder answers an unsupported selected suite with ERR_CODE 2\n"     /* 3 */
    "requirements: [R-5.2.3-b, R-6.3-b]\n"                                         /* 4 */
    "level: SHOULD\n"                                                              /* 5 */
    "role: both\n"                                                                 /* 6 */
    "transport: udp\n"                                                             /* 7 */
    "method: 1\n"                                                                  /* 8 */
    "suites: [24, 2]\n"                                                            /* 9 */
    "credentials: {own: rfc9529-trace2-i, peer: rfc9529-trace2-r, id: x5chain}\n"  /* 10 */
    "vector: vectors/rfc9529-trace2.json\n"                                        /* 11 */
    "ead: {1: \"0041e9\", 3: \"1864\"}\n"                                          /* 12 */
    "c_i: \"37\"\n"                                                                /* 13 */
    "c_r: \"\"\n"                                                                  /* 14 */
    "message_4: true\n"                                                            /* 15 */
    "needs: [suite-2, method-3]\n"                                                 /* 16 */
    "steps:\n"                                                                     /* 17 */
    "  - send: message_1\n"                                                        /* 18 */
    "    faults: [wrong-mac-2, trailing-bytes]\n"                                  /* 19 */
    "    mutate:\n"                                                                /* 20 */
    "      - replace: {field: SUITES_I, hex: \"8102\"}\n"                          /* 21 */
    "      - flip: {offset: -1, bit: 3}\n"                                         /* 22 */
    "      - truncate: -1\n"                                                       /* 23 */
    "      - append: \"FF\"\n"                                                     /* 24 */
    "      - nondeterministic: {field: METHOD, width: 2}\n"                        /* 25 */
    "      - raw: \"03 02\"\n"                                                     /* 26 */
    "  - send: error\n"                                                            /* 27 */
    "    code: 1\n"                                                                /* 28 */
    "    info: \"6568656c6c6f\"\n"                                                 /* 29 */
    "  - expect: message_2\n"                                                      /* 30 */
    "    timeout: 2000\n"                                                          /* 31 */
    "    max_size: 45\n"                                                           /* 32 */
    "    deterministic: true\n"                                                    /* 33 */
    "    equals_vector: true\n"                                                    /* 34 */
    "    fields: {C_R: \"27\", ID_CRED_R: \"32\"}\n"                               /* 35 */
    "  - expect:\n"                                                                /* 36 */
    "      any_of:\n"                                                              /* 37 */
    "        - error: {code: 2, info: suites, suites_include: [2, 24]}\n"          /* 38 */
    "        - error: {code: 1}\n"                                                 /* 39 */
    "        - coap: \"4.00\"\n"                                                   /* 40 */
    "        - silence\n"                                                          /* 41 */
    "        - close\n"                                                            /* 42 */
    "        - {message: message_2, grade: non-strict}\n"                          /* 43 */
    "        - {error: {info: true}, grade: non-strict}\n"                         /* 44 */
    "        - oscore\n"                                                           /* 45 */
    "  - wait: 100\n"                                                              /* 46 */
    "  - oscore: /hello\n"                                                         /* 47 */
    "  - oscore: {resource: /temp, timeout: 1500}\n"                               /* 48 */
    "  - expect: silence\n"                                                        /* 49 */
    "  - send: raw\n"                                                              /* 50 */
    "    mutate:\n"                                                                /* 51 */
    "      - raw: |\n"                                                             /* 52 */
    "          f5 03\n"                                                            /* 53 */
    "          02\n"                                                               /* 54 */
    "  - expect: {coap: \"5.03\"}\n"                                               /* 55 */
    "  - expect: error\n"                                                          /* 56 */
    "  - oscore:\n"                                                                /* 57 */
    "    timeout: 700\n"                                                           /* 58 */
    "  - expect: {error: {code: 3}, grade: strict}\n"                              /* 59 */
    "    max_size: 0\n";                                                           /* 60 */

START_TEST(full_scenario_lands_in_fields)
{
    scenario *sc = new_scenario();
    char err[256] = "";
    ck_assert_msg(load_sc(full_scenario, sc, err, sizeof err) == 0, "%s", err);
    ck_assert_str_eq(sc->file, tmp_path);
    ck_assert_str_eq(sc->id, "rfc9528/6.3/selected-suite-unsupported");
    ck_assert_str_eq(sc->title, "Responder answers an unsupported selected suite with ERR_CODE 2");
    ck_assert_uint_eq(sc->n_requirements, 2);
    ck_assert_str_eq(sc->requirements[0], "R-5.2.3-b");
    ck_assert_str_eq(sc->requirements[1], "R-6.3-b");
    ck_assert_int_eq(sc->level, SC_SHOULD);
    ck_assert_int_eq(sc->role, SC_BOTH);
    ck_assert_int_eq(sc->transport, SC_UDP);
    ck_assert_int_eq(sc->method, 1);
    ck_assert_uint_eq(sc->n_suites, 2);
    ck_assert_int_eq(sc->suites[0], 24);
    ck_assert_int_eq(sc->suites[1], 2);
    ck_assert_str_eq(sc->cred, "rfc9529-trace2-i");
    ck_assert_str_eq(sc->peer_cred, "rfc9529-trace2-r");
    ck_assert_str_eq(sc->cred_id, "x5chain");
    ck_assert_str_eq(sc->vector, "vectors/rfc9529-trace2.json");
    ck_assert_uint_eq(sc->ead[0].n, 0);
    hex_eq(&sc->ead[1], "\x00\x41\xe9", 3);
    ck_assert_uint_eq(sc->ead[2].n, 0);
    hex_eq(&sc->ead[3], "\x18\x64", 2);
    ck_assert_uint_eq(sc->ead[4].n, 0);
    ck_assert(sc->has_conn_id);
    hex_eq(&sc->c_i, "\x37", 1);
    ck_assert_uint_eq(sc->c_r.n, 0);
    ck_assert(sc->message_4);
    ck_assert_uint_eq(sc->n_needs, 2);
    ck_assert_str_eq(sc->needs[0], "suite-2");
    ck_assert_str_eq(sc->needs[1], "method-3");
    ck_assert_uint_eq(sc->n_steps, 13);

    const sc_step *s = &sc->steps[0];
    ck_assert_int_eq(s->kind, SC_STEP_SEND);
    ck_assert_int_eq(s->line, 18);
    ck_assert_str_eq(s->message, "message_1");
    ck_assert_uint_eq(s->n_faults, 2);
    ck_assert_str_eq(s->faults[0], "wrong-mac-2");
    ck_assert_str_eq(s->faults[1], "trailing-bytes");
    ck_assert_uint_eq(s->n_mutations, 6);
    ck_assert_int_eq(s->mutations[0].kind, SC_MUT_REPLACE);
    ck_assert_str_eq(s->mutations[0].field, "SUITES_I");
    mem_eq(sc_mutation_bytes(s, &s->mutations[0]), s->mutations[0].bytes_n, "\x81\x02", 2);
    ck_assert_int_eq(s->mutations[1].kind, SC_MUT_FLIP);
    ck_assert_int_eq(s->mutations[1].offset, -1);
    ck_assert_int_eq(s->mutations[1].bit, 3);
    ck_assert_int_eq(s->mutations[2].kind, SC_MUT_TRUNCATE);
    ck_assert_int_eq(s->mutations[2].offset, -1);
    ck_assert_int_eq(s->mutations[3].kind, SC_MUT_APPEND);
    mem_eq(sc_mutation_bytes(s, &s->mutations[3]), s->mutations[3].bytes_n, "\xff", 1);
    ck_assert_int_eq(s->mutations[4].kind, SC_MUT_NONDET);
    ck_assert_str_eq(s->mutations[4].field, "METHOD");
    ck_assert_int_eq(s->mutations[4].width, 2);
    ck_assert_int_eq(s->mutations[5].kind, SC_MUT_RAW);
    mem_eq(sc_mutation_bytes(s, &s->mutations[5]), s->mutations[5].bytes_n, "\x03\x02", 2);

    s = &sc->steps[1];
    ck_assert_int_eq(s->kind, SC_STEP_SEND);
    ck_assert_int_eq(s->line, 27);
    ck_assert_str_eq(s->message, "error");
    ck_assert_int_eq(s->err_code, 1);
    hex_eq(&s->err_info, "ehello", 6);

    s = &sc->steps[2];
    ck_assert_int_eq(s->kind, SC_STEP_EXPECT);
    ck_assert_uint_eq(s->n_outcomes, 1);
    ck_assert_int_eq(s->outcomes[0].kind, SC_OUT_MESSAGE);
    ck_assert_str_eq(s->outcomes[0].message, "message_2");
    ck_assert(!s->outcomes[0].non_strict);
    ck_assert_int_eq(s->timeout_ms, 2000);
    ck_assert_int_eq(s->checks.max_size, 45);
    ck_assert(s->checks.deterministic);
    ck_assert(s->checks.equals_vector);
    ck_assert_uint_eq(s->checks.n_fields, 2);
    ck_assert_str_eq(s->checks.fields[0].field, "C_R");
    hex_eq(&s->checks.fields[0].equals, "\x27", 1);
    ck_assert_str_eq(s->checks.fields[1].field, "ID_CRED_R");
    hex_eq(&s->checks.fields[1].equals, "\x32", 1);

    s = &sc->steps[3];
    ck_assert_int_eq(s->kind, SC_STEP_EXPECT);
    ck_assert_int_eq(s->line, 36);
    ck_assert_int_eq(s->timeout_ms, 0);
    ck_assert_int_eq(s->checks.max_size, -1);
    ck_assert(!s->checks.deterministic);
    ck_assert_uint_eq(s->n_outcomes, 8);
    const sc_outcome *o = s->outcomes;
    ck_assert_int_eq(o[0].kind, SC_OUT_ERROR);
    ck_assert_int_eq(o[0].err_code, 2);
    ck_assert_str_eq(o[0].err_info, "suites");
    ck_assert_uint_eq(o[0].n_suites_include, 2);
    ck_assert_int_eq(o[0].suites_include[0], 2);
    ck_assert_int_eq(o[0].suites_include[1], 24);
    ck_assert(!o[0].non_strict);
    ck_assert_int_eq(o[1].kind, SC_OUT_ERROR);
    ck_assert_int_eq(o[1].err_code, 1);
    ck_assert_str_eq(o[1].err_info, "");
    ck_assert_uint_eq(o[1].n_suites_include, 0);
    ck_assert_int_eq(o[2].kind, SC_OUT_COAP);
    ck_assert_int_eq(o[2].coap_code, 0x80);
    ck_assert_int_eq(o[3].kind, SC_OUT_SILENCE);
    ck_assert_int_eq(o[4].kind, SC_OUT_CLOSE);
    ck_assert_int_eq(o[5].kind, SC_OUT_MESSAGE);
    ck_assert_str_eq(o[5].message, "message_2");
    ck_assert(o[5].non_strict);
    ck_assert_int_eq(o[6].kind, SC_OUT_ERROR);
    ck_assert_int_eq(o[6].err_code, -1);
    ck_assert_str_eq(o[6].err_info, "true");
    ck_assert(o[6].non_strict);
    ck_assert_int_eq(o[7].kind, SC_OUT_MESSAGE);
    ck_assert_str_eq(o[7].message, "oscore");

    s = &sc->steps[4];
    ck_assert_int_eq(s->kind, SC_STEP_WAIT);
    ck_assert_int_eq(s->wait_ms, 100);
    s = &sc->steps[5];
    ck_assert_int_eq(s->kind, SC_STEP_OSCORE);
    ck_assert_str_eq(s->resource, "/hello");
    ck_assert_int_eq(s->timeout_ms, 0);
    s = &sc->steps[6];
    ck_assert_int_eq(s->kind, SC_STEP_OSCORE);
    ck_assert_str_eq(s->resource, "/temp");
    ck_assert_int_eq(s->timeout_ms, 1500);
    s = &sc->steps[7];
    ck_assert_int_eq(s->kind, SC_STEP_EXPECT);
    ck_assert_uint_eq(s->n_outcomes, 1);
    ck_assert_int_eq(s->outcomes[0].kind, SC_OUT_SILENCE);
    s = &sc->steps[8];
    ck_assert_int_eq(s->kind, SC_STEP_SEND);
    ck_assert_str_eq(s->message, "raw");
    ck_assert_uint_eq(s->n_mutations, 1);
    ck_assert_int_eq(s->mutations[0].kind, SC_MUT_RAW);
    mem_eq(sc_mutation_bytes(s, &s->mutations[0]), s->mutations[0].bytes_n, "\xf5\x03\x02", 3);
    s = &sc->steps[9];
    ck_assert_int_eq(s->outcomes[0].kind, SC_OUT_COAP);
    ck_assert_int_eq(s->outcomes[0].coap_code, 5 << 5 | 3);
    s = &sc->steps[10];
    ck_assert_int_eq(s->outcomes[0].kind, SC_OUT_ERROR);
    ck_assert_int_eq(s->outcomes[0].err_code, -1);
    s = &sc->steps[11];
    ck_assert_int_eq(s->kind, SC_STEP_OSCORE);
    ck_assert_str_eq(s->resource, "/hello");
    ck_assert_int_eq(s->timeout_ms, 700);
    s = &sc->steps[12];
    ck_assert_int_eq(s->outcomes[0].kind, SC_OUT_ERROR);
    ck_assert_int_eq(s->outcomes[0].err_code, 3);
    ck_assert(!s->outcomes[0].non_strict);
    ck_assert_int_eq(s->checks.max_size, 0);
    free(sc);
}
END_TEST

START_TEST(defaults_of_a_minimal_scenario)
{
    scenario *sc = new_scenario();
    char err[256] = "";
    const char *text = "id: a/b\ntitle: T\nlevel: INFO\nrole: responder\n"
                       "steps:\n  - expect: message_1\n  - send: message_2\n"
                       "  - expect: {coap: any}\n  - expect:\n      any_of: [message_3]\n";
    ck_assert_msg(load_sc(text, sc, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(sc->level, SC_INFO);
    ck_assert_int_eq(sc->role, SC_HARNESS_RESPONDER);
    ck_assert_int_eq(sc->transport, SC_COAP);
    ck_assert_int_eq(sc->method, 3);
    ck_assert_uint_eq(sc->n_suites, 1);
    ck_assert_int_eq(sc->suites[0], 2);
    ck_assert_str_eq(sc->cred, "");
    ck_assert_str_eq(sc->cred_id, "");
    ck_assert_str_eq(sc->iut_peer_cred, "");
    ck_assert_str_eq(sc->vector, "");
    ck_assert(!sc->has_conn_id);
    ck_assert(!sc->message_4);
    ck_assert_uint_eq(sc->n_requirements, 0);
    ck_assert_uint_eq(sc->n_needs, 0);
    ck_assert_uint_eq(sc->n_steps, 4);
    ck_assert_int_eq(sc->steps[0].line, 6);
    ck_assert_int_eq(sc->steps[0].checks.max_size, -1);
    ck_assert_int_eq(sc->steps[0].outcomes[0].err_code, -1);
    ck_assert_int_eq(sc->steps[1].kind, SC_STEP_SEND);
    ck_assert_uint_eq(sc->steps[1].n_mutations, 0);
    ck_assert_int_eq(sc->steps[2].outcomes[0].kind, SC_OUT_COAP);
    ck_assert_int_eq(sc->steps[2].outcomes[0].coap_code, 0);
    ck_assert_uint_eq(sc->steps[3].n_outcomes, 1);
    ck_assert_str_eq(sc->steps[3].outcomes[0].message, "message_3");

    /* the send kinds of RFC 9528 §7 and RFC 9668 */
    text = "id: a/b\ntitle: T\nlevel: MUST\nrole: initiator\nsteps:\n"
           "  - send: repeat\n  - expect: same\n"
           "  - send: message_3\n    combined: {edhoc_option: \"01\", oscore_option: false}\n"
           "  - send: message_3\n    combined: true\n"
           "  - send: raw\n    with_c_r: true\n    mutate: [{raw: \"40\"}]\n  - send: none\n";
    ck_assert_msg(load_sc(text, sc, err, sizeof err) == 0, "%s", err);
    ck_assert_str_eq(sc->steps[0].message, "repeat");
    ck_assert_int_eq(sc->steps[1].outcomes[0].kind, SC_OUT_SAME);
    ck_assert(sc->steps[2].combined && sc->steps[2].no_oscore_option);
    ck_assert_uint_eq(sc->steps[2].edhoc_option.n, 1);
    ck_assert_uint_eq(sc->steps[2].edhoc_option.b[0], 1);
    ck_assert_str_eq(sc->steps[2].resource, "/hello");
    ck_assert(sc->steps[3].combined && !sc->steps[3].no_oscore_option);
    ck_assert_uint_eq(sc->steps[3].edhoc_option.n, 0);
    ck_assert(sc->steps[4].with_c_r);
    ck_assert(!sc->steps[3].with_c_r);
    ck_assert_str_eq(sc->steps[5].message, "none");

    /* role initiator, c_r alone sets has_conn_id */
    text = "id: x\ntitle: T\nlevel: MUST\nrole: initiator\nc_r: \"\"\nsteps: [{wait: 0}]\n";
    ck_assert_msg(load_sc(text, sc, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(sc->role, SC_HARNESS_INITIATOR);
    ck_assert_int_eq(sc->level, SC_MUST);
    ck_assert(sc->has_conn_id);
    ck_assert_uint_eq(sc->c_r.n, 0);

    /* what the IUT is told about the harness's credential */
    text = "id: x\ntitle: T\nlevel: MUST\nrole: responder\n"
           "credentials: {iut_peer: negative-kid-07}\nsteps: [{wait: 0}]\n";
    ck_assert_msg(load_sc(text, sc, err, sizeof err) == 0, "%s", err);
    ck_assert_str_eq(sc->iut_peer_cred, "negative-kid-07");
    ck_assert_str_eq(sc->cred, "");

    /* flood steps (defaults and every key), the amplification check */
    text = "id: x\ntitle: T\nlevel: SHOULD\nrole: initiator\nsteps:\n"
           "  - flood: {count: 200}\n"
           "  - flood: {count: 4096, distinct_c_i: false, time: 60000}\n"
           "  - send: message_1\n"
           "  - expect: message_2\n    amplification: true\n";
    ck_assert_msg(load_sc(text, sc, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(sc->n_steps, 4);
    ck_assert_int_eq(sc->steps[0].kind, SC_STEP_FLOOD);
    ck_assert_int_eq(sc->steps[0].line, 6);
    ck_assert_int_eq(sc->steps[0].flood_count, 200);
    ck_assert(sc->steps[0].flood_distinct_c_i);
    ck_assert_int_eq(sc->steps[0].flood_ms, SC_FLOOD_DEFAULT_MS);
    ck_assert_int_eq(sc->steps[1].flood_count, SC_FLOOD_MAX_COUNT);
    ck_assert(!sc->steps[1].flood_distinct_c_i);
    ck_assert_int_eq(sc->steps[1].flood_ms, SC_FLOOD_MAX_MS);
    ck_assert(!sc->steps[2].checks.amplification);
    ck_assert(sc->steps[3].checks.amplification);
    free(sc);
}
END_TEST

/* ------------------------------------------------------------ errors */

#define HDR "id: a/b\ntitle: T\nlevel: MUST\nrole: initiator\n" /* lines 1-4 */
#define ST "steps: [{wait: 1}]\n"

typedef struct err_case {
    const char *yaml;
    int line;
    const char *needle;
} err_case;

static const err_case scenario_errors[] = {
    /* unknown keys (typos) */
    {HDR "titel: x\n" ST, 5, "unknown key 'titel' (did you mean 'title'?)"},
    {HDR "steps:\n  - send: message_1\n    fautls: [wrong-mac-2]\n", 7,
     "step 1: unknown key 'fautls' (did you mean 'faults'?)"},
    {HDR "credentials: {own: x, peers: y}\n" ST, 5,
     "credentials: unknown key 'peers' (did you mean 'peer'?)"},
    {HDR "steps:\n  - send: message_1\n    mutate:\n      - truncat: 1\n", 8,
     "mutate: unknown key 'truncat' (did you mean 'truncate'?)"},
    {HDR "steps:\n  - send: message_1\n    mutate: [{flip: {offest: 1}}]\n", 7,
     "flip: unknown key 'offest' (did you mean 'offset'?)"},
    {HDR "steps:\n  - expect: {error: {cod: 1}}\n", 6,
     "error: unknown key 'cod' (did you mean 'code'?)"},
    {HDR "steps:\n  - expect:\n      anyof: [silence]\n", 7, "unknown key 'anyof'"},
    {HDR "steps:\n  - oscore: {resorce: /x}\n", 6, "oscore: unknown key 'resorce'"},
    {HDR "steps:\n  - send: message_1\n    timeout: 5\n", 7,
     "step 1: 'timeout' does not apply to a send step"},
    {HDR "steps:\n  - wait: 5\n    deterministic: true\n", 7,
     "'deterministic' does not apply to a wait step"},
    /* wrong types */
    {HDR "method: three\n" ST, 5, "method: expected an integer, got 'three'"},
    {HDR "method: \"3\"\n" ST, 5, "method: expected an integer, got the quoted string"},
    {HDR "method: [3, 3]\n" ST, 5, "method: 3 listed twice"},
    {HDR "method: [4]\n" ST, 5, "method:"},
    {HDR "suites: 2\n" ST, 5, "suites: expected a list, got a scalar"},
    {HDR "message_4: yes\n" ST, 5, "message_4: expected true or false, got 'yes'"},
    {HDR "title2: \n" ST, 5, "unknown key 'title2'"},
    {"id: a\ntitle:\nlevel: MUST\nrole: initiator\n" ST, 2,
     "title: expected a string, got nothing"},
    {"id: a\ntitle: {x: 1}\nlevel: MUST\nrole: initiator\n" ST, 2,
     "title: expected a string, got a map"},
    {HDR "steps: {wait: 1}\n", 5, "steps: expected a list, got a map"},
    {HDR "steps:\n  - silence\n", 6, "step 1: expected a map, got a scalar"},
    {HDR "steps:\n  -\n", 6, "step 1: expected a map, got nothing"},
    {HDR "ead: [\"00\"]\n" ST, 5, "ead: expected a map"},
    {HDR "steps:\n  - expect: message_2\n    fields: [C_R]\n", 7, "fields: expected a map"},
    /* values out of range / unknown values */
    {HDR "method: 4\n" ST, 5, "method: 4 out of range 0..3"},
    {HDR "method: 99999999999999999999999\n" ST, 5, "method: 99999999999999999999999 out of range"},
    {HDR "suites: [2, 70000]\n" ST, 5, "suites: 70000 out of range"},
    {HDR "suites: [2, 3, 2]\n" ST, 5, "suites: suite 2 listed twice"},
    {HDR "suites: []\n" ST, 5, "suites: needs at least 1 item"},
    {HDR "transport: tcp\n" ST, 5, "transport: unknown value 'tcp' (expected one of coap, udp, coap-tcp)"},
    {"id: a\ntitle: T\nlevel: must\nrole: initiator\n" ST, 3,
     "level: unknown value 'must' (expected one of MUST, SHOULD, INFO)"},
    {"id: a\ntitle: T\nlevel: MUST\nrole: initator\n" ST, 4,
     "role: unknown value 'initator' (did you mean 'initiator'?"},
    {HDR "credentials: {id: kidd}\n" ST, 5,
     "credentials.id: unknown value 'kidd' (did you mean 'kid'?"},
    {HDR "ead: {5: \"00\"}\n" ST, 5, "ead (message number): 5 out of range 1..4"},
    {HDR "ead: {1: \"00\", 01: \"11\"}\n" ST, 5, "ead: message 1 given twice"},
    {"id: a b\ntitle: T\nlevel: MUST\nrole: initiator\n" ST, 1,
     "id: 'a b' has a character outside"},
    {HDR "requirements: [R-1, R-1]\n" ST, 5, "requirements: 'R-1' listed twice"},
    {HDR "needs: [\"suite 2\"]\n" ST, 5, "needs: 'suite 2' has a character outside"},
    {HDR "vector: \"\"\n" ST, 5, "vector: must not be empty"},
    {HDR "steps:\n  - send: message_5\n", 6, "send: unknown value 'message_5'"},
    {HDR "steps:\n  - send: message_1\n    faults: [no-such-fault]\n", 7,
     "faults: unknown fault 'no-such-fault' (known: wrong-mac-2"},
    {HDR "steps:\n  - send: message_1\n    mutate:\n      - flip: {offset: 0, bit: 8}\n", 8,
     "flip.bit: 8 out of range 0..7"},
    {HDR "steps:\n  - send: message_1\n    mutate:\n      - flip: {bit: 1}\n", 8,
     "missing required key 'offset'"},
    {HDR "steps:\n  - send: message_1\n    mutate:\n"
     "      - nondeterministic: {field: METHOD, width: 3}\n",
     8, "nondeterministic.width: 3 is not 1, 2, 4 or 8"},
    {HDR "steps:\n  - send: message_1\n    mutate:\n"
     "      - replace: {field: suites_i, hex: \"00\"}\n",
     8, "replace.field: 'suites_i' is not a field name"},
    {HDR "steps:\n  - send: message_1\n    mutate:\n      - replace: {field: G_X}\n", 8,
     "missing required key 'hex'"},
    {HDR "steps:\n  - send: message_1\n    mutate:\n      - {truncate: 1, append: \"00\"}\n", 8,
     "mutate: each item is a map with exactly one key"},
    {HDR "steps:\n  - send: message_1\n    code: 1\n", 7, "code: only valid with 'send: error'"},
    {HDR "steps:\n  - send: error\n    info: \"00\"\n", 6, "missing required key 'code'"},
    {HDR "steps:\n  - send: raw\n", 6, "send: raw needs a first mutation 'raw: HEX'"},
    {HDR "steps:\n  - send: raw\n    mutate: [{append: \"00\"}, {raw: \"00\"}]\n", 6,
     "send: raw needs"},
    {HDR "steps:\n  - send: message_1\n    expect: message_2\n", 6,
     "step 1: has both 'send' and 'expect'"},
    {HDR "steps:\n  - {}\n", 6, "step 1: needs one of send, expect, wait, oscore"},
    {HDR "steps:\n  - wait: 1\n  - timeout: 5\n", 7, "step 2: needs one of"},
    {HDR "steps:\n  - expect: message_9\n", 6, "expect: unknown outcome 'message_9'"},
    {HDR "steps:\n  - expect:\n      any_of:\n        - silence\n        - coap: \"6.00\"\n", 9,
     "coap: '6.00' is not a CoAP error code"},
    {HDR "steps:\n  - expect: {coap: \"4.32\"}\n", 6, "coap: '4.32' is not a CoAP error code"},
    {HDR "steps:\n  - expect:\n      any_of:\n        - error: {code: 1, suites_include: [2]}\n", 8,
     "error.suites_include: only valid with code: 2"},
    {HDR "steps:\n  - expect:\n      any_of:\n        - {error: {code: 1}, coap: \"4.00\"}\n", 8,
     "an outcome map has exactly one of error, coap, message"},
    {HDR "steps:\n  - expect:\n      any_of:\n        - {grade: non-strict}\n", 8,
     "exactly one of error, coap, message"},
    {HDR "steps:\n  - expect:\n      any_of:\n        - {message: message_2, grade: lenient}\n", 8,
     "grade: unknown value 'lenient'"},
    {HDR "steps:\n  - expect:\n      any_of:\n        - {any_of: [silence]}\n", 8,
     "any_of cannot be nested"},
    {HDR "steps:\n  - expect: {error: {code: 70000}}\n", 6,
     "error.code: 70000 out of range 0..65535"},
    {HDR "steps:\n  - expect: {error: {info: foo}}\n", 6,
     "error.info: unknown value 'foo' (expected one of tstr, true, suites)"},
    {HDR "steps:\n  - expect:\n      any_of: []\n", 7, "any_of: needs at least 1 item"},
    {HDR "steps:\n  - expect: silence\n    timeout: 0\n", 7, "timeout: 0 out of range 1..600000"},
    {HDR "steps:\n  - expect: silence\n    max_size: -2\n", 7, "max_size: -2 out of range"},
    {HDR "steps:\n  - expect: message_2\n    fields: {c_r: \"00\"}\n", 7,
     "fields: 'c_r' is not a field name"},
    {HDR "steps:\n  - expect: message_2\n    fields: {C_R: \"0\"}\n", 7,
     "C_R: not hex bytes (pairs of hex digits)"},
    {HDR "steps:\n  - wait: -1\n", 6, "wait: -1 out of range 0..600000"},
    {HDR "steps:\n  - oscore: hello\n", 6, "oscore.resource: 'hello' must start with '/'"},
    {HDR "steps:\n  - oscore: {resource: /x, timeout: 5}\n    timeout: 5\n", 6,
     "oscore: timeout given twice"},
    {HDR "steps: []\n", 5, "steps: needs at least 1 item"},
    /* repeat / none / combined / with_c_r */
    {HDR "steps:\n  - send: repeat\n    mutate: [{truncate: 1}]\n", 6,
     "send: repeat takes no mutate or faults"},
    {HDR "steps:\n  - send: none\n    faults: [wrong-mac-2]\n", 6,
     "send: none takes no mutate or faults"},
    {HDR "steps:\n  - send: message_1\n    combined: true\n", 7,
     "combined: only valid with 'send: message_3'"},
    {HDR "steps:\n  - send: message_3\n    combined: {resource: x}\n", 7,
     "combined.resource: must start with '/'"},
    {HDR "steps:\n  - send: message_3\n    combined: {edhoc_option: \"0\"}\n", 7,
     "combined.edhoc_option: not hex bytes"},
    {HDR "steps:\n  - send: message_3\n    combined: {kid: \"00\"}\n", 7, "kid"},
    {HDR "steps:\n  - send: message_1\n    with_c_r: true\n", 7,
     "with_c_r: only valid with 'send: raw'"},
    /* a send step's own EAD */
    {HDR "steps:\n  - send: error\n    code: 1\n    ead: \"00\"\n", 8,
     "ead: only valid with 'send: message_1' .. 'message_4'"},
    {HDR "steps:\n  - send: message_1\n    ead: \"\"\n", 7, "ead: 1 to 64 bytes"},
    {HDR "steps:\n  - send: message_1\n    ead: \"0x\"\n", 7, "ead: not hex bytes"},
    {HDR "steps:\n  - expect: sam\n", 6, "expected silence, close, error, same"},
    {HDR "steps:\n  - send: message_1\n    again: true\n", 7,
     "again: only valid with 'send: message_3'"},
    {HDR "steps:\n  - send: message_1\n    mutate: [{overwrite: {offset: 2}}]\n", 7,
     "missing required key 'hex'"},
    {HDR "steps:\n  - send: message_1\n    prefix: \"f\"\n", 7, "prefix: not hex bytes"},
    /* flood steps */
    {HDR "steps:\n  - flood: 200\n", 6, "flood: expected a map {count: N"},
    {HDR "steps:\n  - flood: {distinct_c_i: true}\n", 6, "missing required key 'count'"},
    {HDR "steps:\n  - flood: {count: 0}\n", 6, "flood.count: 0 out of range 1..4096"},
    {HDR "steps:\n  - flood: {count: 4097}\n", 6, "flood.count: 4097 out of range 1..4096"},
    {HDR "steps:\n  - flood: {count: 2, time: 60001}\n", 6, "flood.time: 60001 out of range"},
    {HDR "steps:\n  - flood: {count: 2, distinct_c_i: 1}\n", 6,
     "flood.distinct_c_i: expected true or false"},
    {HDR "steps:\n  - flood: {count: 2, cout: 3}\n", 6, "flood: unknown key 'cout'"},
    {HDR "steps:\n  - flood: {count: 2}\n    timeout: 5\n", 7,
     "step 1: 'timeout' does not apply to a flood step"},
    {"id: a\ntitle: T\nlevel: MUST\nrole: both\nsteps:\n  - wait: 1\n  - flood: {count: 2}\n", 7,
     "step 2: a flood is sent by the harness as Initiator: needs role: initiator"},
    {"id: a\ntitle: T\nlevel: MUST\nrole: responder\nsteps:\n  - flood: {count: 2}\n", 6,
     "needs role: initiator"},
    {HDR "steps:\n  - send: message_1\n    amplification: true\n", 7,
     "'amplification' does not apply to a send step"},
    {HDR "steps:\n  - expect: message_2\n    amplification: yes\n", 7,
     "amplification: expected true or false"},
    /* problems of a whole block map / list point at its key */
    {HDR "steps:\n  - send: message_1\n    mutate:\n      - flip:\n          bit: 2\n", 8,
     "missing required key 'offset'"},
    {HDR "steps:\n  - expect:\n", 6, "expect: missing outcome"},
    {HDR "steps:\n  - expect:\n      - silence\n", 6, "expect: expected a map, got a list"},
    {HDR "credentials:\n  own: a\n  id: kid\n  peer: [x]\n" ST, 8,
     "credentials.peer: expected a string, got a list"},
    {"id: a\ntitle: T\nlevel: MUST\nrole: both\ncredentials: {iut_peer: x}\n" ST, 5,
     "credentials.iut_peer: needs role initiator or responder, not both"},
    {"id: a\ntitle: T\nlevel: MUST\nrole: both\ncredentials: {iut_peer: other}\n" ST, 5,
     "credentials.iut_peer: needs role initiator or responder, not both"},
    {HDR "credentials: {id_cred: iut_peer}\n" ST, 5,
     "credentials.id_cred: iut_peer needs credentials.iut_peer"},
    {HDR "credentials: {id: [kid, x5t, kid]}\n" ST, 5, "credentials.id: kid listed twice"},
    {HDR "steps:\n  - send: message_1\n    plaintext:\n      - {append: \"00\"}\n", 8,
     "plaintext: only with 'send: message_2' or 'send: message_3'"},
    {HDR "steps:\n  - send: message_3\n    plaintext:\n      - replace: {field: C_R, hex: \"\"}\n",
     8, "plaintext: PLAINTEXT_3 has no field C_R"},
    {HDR "steps:\n  - send: message_2\n    plaintext: []\n", 7, "plaintext: needs at least 1 item"},
    {HDR "credentials: {id_cred_extra: \"0a41\"}\n" ST, 5,
     "credentials.id_cred_extra: not one map entry"},
    {HDR "credentials: {id_cred_extra: \"0a410001\"}\n" ST, 5,
     "credentials.id_cred_extra: not one map entry"},
    {HDR "credentials: {id_cred_extra: \"410a00\"}\n" ST, 5,
     "credentials.id_cred_extra: not one map entry"},
    {"id: a\ntitle: T\nlevel: MUST\nrole: both\ncredentials: {id_cred_extra: \"0a4100\"}\n" ST, 5,
     "credentials.id_cred: needs role initiator or responder, not both"},
    {HDR "credentials: {id: [kid, x5u]}\n" ST, 5, "credentials.id"},
    {HDR "credentials: {iut_peer: other}\nsuites: [7]\n" ST, 5,
     "credentials.iut_peer: no generated credential for METHOD 3, suite 7"},
    {HDR "requirements:\n  - R-1\n  - [x]\n" ST, 7, "requirements: expected a string, got a list"},
    {HDR "suites:\n  a: 1\n" ST, 6, "suites: unknown key 'a'"},
    {HDR "suites: {one_of: [2, 7]}\n" ST, 5,
     "suites.one_of: 7 is not a registered cipher suite (0-6, 24, 25)"},
    {HDR "suites: {one_of: []}\n" ST, 5, "suites.one_of: needs at least 1 item"},
    {HDR "suites: {one_of: [2, 2]}\n" ST, 5, "suites.one_of: suite 2 listed twice"},
    {HDR "steps:\n  - send: message_1\n    mutate: [{insert: {hex: \"00\"}}]\n", 7,
     "insert: exactly one of offset and field"},
    {HDR "steps:\n  - send: message_1\n    mutate: [{insert: {offset: 0, field: G_X, "
         "hex: \"00\"}}]\n", 7, "insert: exactly one of offset and field"},
    {HDR "steps:\n  - send: message_1\n    mutate: [{insert: {offset: 0}}]\n", 7,
     "missing required key 'hex'"},
    /* `other` only with suites: [other, profile]; lists of suites only where suites are */
    {HDR "suites: [profile, other]\n" ST, 5, "suites: [other, profile] is the one list"},
    {HDR "suites: [other, profile]\nneeds: [suite-2]\n" ST, 5, "not with a suite-N need"},
    {HDR "steps:\n  - send: message_1\n  - expect: {error: {code: 2, suites_include: [other]}}\n",
     6, "steps: `other` names the second suite of `suites: [other, profile]`"},
    {"id: a\ntitle: T\nlevel: MUST\nrole: responder\nsteps:\n"
     "  - {expect: message_1, fields: {C_I: [profile]}}\n", 6,
     "fields: a list of suites only for SUITES_I"},
    {HDR "steps:\n  - {send: error, code: 1, info: [profile]}\n", 6,
     "info: a list of suites only with code: 2 (SUITES_R)"},
    {HDR "steps:\n  - expect: {message: message_2, end: true}\n", 6,
     "end: only for an outcome that ends the conversation"},
    {HDR "steps:\n  - expect: {silence: null, end: maybe}\n", 6, "end: expected true or false"},
    {"id: a\ntitle: T\nlevel: MUST\nrole: responder\nsteps:\n  - expect: {error: null, "
     "end: true}\n", 4, "step 1: end: true needs role: initiator"},
    {HDR "steps:\n  - expect: {error: {code: 2, suites_include: [mine]}}\n", 6,
     "error.suites_include (a suite, `profile` or `other`): expected an integer"},
    /* bad hex */
    {HDR "c_i: \"3\"\n" ST, 5, "c_i: not hex bytes (pairs of hex digits): '3'"},
    {HDR "c_i: \"zz\"\n" ST, 5, "c_i: not hex bytes (pairs of hex digits)"},
    {HDR "c_i:\n" ST, 5, "c_i: expected a hex string, got nothing"},
    {HDR "ead: {2: [00]}\n" ST, 5, "ead.2: expected a hex string, got a list"},
    /* missing required keys (reported at the top-level map's line) */
    {"title: T\nlevel: MUST\nrole: initiator\n" ST, 1, "missing required key 'id'"},
    {"id: a\nlevel: MUST\nrole: initiator\n" ST, 1, "missing required key 'title'"},
    {"# comment\n\nid: a\ntitle: T\nrole: initiator\n" ST, 3, "missing required key 'level'"},
    {"id: a\ntitle: T\nlevel: MUST\n" ST, 1, "missing required key 'role'"},
    {HDR "method: 2\n", 1, "missing required key 'steps'"},
    /* duplicates */
    {HDR "level: SHOULD\n" ST, 5, "duplicate key 'level' (first on line 3)"},
    {HDR "steps:\n  - expect: message_2\n    fields: {C_R: \"00\", C_R: \"01\"}\n", 7,
     "fields: duplicate field 'C_R'"},
    /* YAML itself */
    {HDR "steps: [\n", 6, "YAML: "},
    {HDR "steps:\n  - wait: 1\n   - wait: 2\n", 7, "YAML: "},
    {"[1, 2]\n", 1, "expected a map at the top level, got a list"},
    {"just text\n", 1, "expected a map at the top level, got a scalar"},
    {"", 1, "empty file"},
    {"# only a comment\n", 1, "empty file"},
    {HDR ST "---\nid: b\n", 7, "a second YAML document"},
    {HDR "steps: &s [*s]\n", 5, "step 1: expected a map, got a list"},
    {HDR "suites: &x [*x]\n" ST, 5, "suites: expected an integer, got a list"},
    {HDR "? [a]\n: b\n" ST, 5, "a key must be a plain name"},
    {HDR "t\x01tle: x\n" ST, 5, "YAML: "},
};

START_TEST(scenario_errors_name_line_and_key)
{
    scenario *sc = new_scenario();
    for (size_t i = 0; i < sizeof scenario_errors / sizeof scenario_errors[0]; i++) {
        const err_case *e = &scenario_errors[i];
        char err[512] = "";
        char what[32];
        snprintf(what, sizeof what, "case %zu", i);
        ck_assert_msg(load_sc(e->yaml, sc, err, sizeof err) == -1, "%s loaded: %s", what, e->yaml);
        check_err(err, e->line, e->needle, what);
    }
    free(sc);
}
END_TEST

/* Texts made of many parts: long strings, too many items. */
START_TEST(scenario_sizes_are_bounded)
{
    scenario *sc = new_scenario();
    size_t cap = 32768;
    char *t = malloc(cap), err[512];
    ck_assert_ptr_nonnull(t);

    /* id of 127 characters fits, 128 does not */
    for (int n = 127; n <= 128; n++) {
        int k = snprintf(t, cap, "id: ");
        memset(t + k, 'a', (size_t)n);
        snprintf(t + k + n, cap - (size_t)(k + n), "\ntitle: T\nlevel: MUST\nrole: both\n" ST);
        int rc = load_sc(t, sc, err, sizeof err);
        if (n == 127) {
            ck_assert_msg(rc == 0, "%s", err);
            ck_assert_uint_eq(strlen(sc->id), 127);
        } else {
            ck_assert_int_eq(rc, -1);
            check_err(err, 1, "id: longer than 127 characters", "id");
        }
    }
    /* title of 512 characters */
    int k = snprintf(t, cap, "id: a\ntitle: \"");
    memset(t + k, 'x', 512);
    snprintf(t + k + 512, cap - (size_t)(k + 512), "\"\nlevel: MUST\nrole: both\n" ST);
    ck_assert_int_eq(load_sc(t, sc, err, sizeof err), -1);
    check_err(err, 2, "title: longer than 511 characters", "title");
    /* a step's smaller byte strings: 1024 bytes fit, 1025 do not */
    static const char *const shorts[] = {
        "steps:\n  - send: error\n    code: 1\n    info: \"",
        "steps:\n  - send: message_3\n    prefix: \"",
        "steps:\n  - expect: message_2\n    fields: {C_R: \"",
        "steps:\n  - send: message_3\n    combined: {edhoc_option: \"",
    };
    static const char *const closing[] = {"\"\n", "\"\n", "\"}\n", "\"}\n"};
    static const char *const key[] = {"info", "prefix", "C_R", "combined.edhoc_option"};
    for (size_t s = 0; s < 4; s++)
        for (int n = SC_MAX_SHORT_BYTES; n <= SC_MAX_SHORT_BYTES + 1; n++) {
            k = snprintf(t, cap, HDR "%s", shorts[s]);
            for (int i = 0; i < n; i++)
                memcpy(t + k + 2 * i, "ab", 2);
            snprintf(t + k + 2 * n, cap - (size_t)(k + 2 * n), "%s", closing[s]);
            int rc = load_sc(t, sc, err, sizeof err);
            if (n == SC_MAX_SHORT_BYTES) {
                ck_assert_msg(rc == 0, "%s: %s", key[s], err);
            } else {
                char want[96];
                snprintf(want, sizeof want, "%s: more than %d bytes", key[s], SC_MAX_SHORT_BYTES);
                ck_assert_int_eq(rc, -1);
                ck_assert_msg(strstr(err, want) != NULL, "%s", err);
            }
        }
    /* a step's mutations share 4096 bytes: a raw message of 4000 and an
     * append of 96 fit, of 97 do not */
    for (int n = 96; n <= 97; n++) {
        k = snprintf(t, cap, HDR "steps:\n  - send: raw\n    mutate:\n      - raw: \"");
        for (int i = 0; i < 4000; i++)
            memcpy(t + k + 2 * i, "ab", 2);
        k += 8000;
        k += snprintf(t + k, cap - (size_t)k, "\"\n      - append: \"");
        for (int i = 0; i < n; i++)
            memcpy(t + k + 2 * i, "cd", 2);
        snprintf(t + k + 2 * n, cap - (size_t)(k + 2 * n), "\"\n");
        int rc = load_sc(t, sc, err, sizeof err);
        if (n == 96) {
            ck_assert_msg(rc == 0, "%s", err);
            const sc_step *st = &sc->steps[0];
            ck_assert_uint_eq(st->mutations[1].bytes_n, 96);
            ck_assert_uint_eq(st->mutations[1].bytes_off, 4000);
            ck_assert_uint_eq(sc_mutation_bytes(st, &st->mutations[1])[95], 0xcd);
            ck_assert_uint_eq(sc_mutation_bytes(st, &st->mutations[0])[3999], 0xab);
        } else {
            ck_assert_int_eq(rc, -1);
            ck_assert_msg(strstr(err, "append: the step's mutations hold more than 4096 bytes in "
                                      "all") != NULL, "%s", err);
        }
    }
    /* hex: 4096 bytes fit, 4097 do not */
    for (int n = 4096; n <= 4097; n++) {
        k = snprintf(t, cap, HDR "c_i: ");
        for (int i = 0; i < n; i++)
            memcpy(t + k + 2 * i, "ab", 2);
        snprintf(t + k + 2 * n, cap - (size_t)(k + 2 * n), "\n" ST);
        int rc = load_sc(t, sc, err, sizeof err);
        if (n == 4096) {
            ck_assert_msg(rc == 0, "%s", err);
            ck_assert_uint_eq(sc->c_i.n, 4096);
        } else {
            ck_assert_int_eq(rc, -1);
            check_err(err, 5, "c_i: more than 4096 bytes", "hex");
        }
    }
    /* a fault name of 64 characters */
    k = snprintf(t, cap, HDR "steps:\n  - send: message_1\n    faults: [");
    memset(t + k, 'f', 64);
    snprintf(t + k + 64, cap - (size_t)(k + 64), "]\n");
    ck_assert_int_eq(load_sc(t, sc, err, sizeof err), -1);
    check_err(err, 7, "faults: longer than 63 characters", "fault name");

    /* lists: exactly the maximum loads, one more is an error */
    struct {
        const char *head, *item, *tail;
        int max, line;
        const char *needle;
    } lists[] = {
        {HDR "suites: [", "%d, ", "99]\n" ST, SC_MAX_LIST, 5, "suites: 33 items, at most 32"},
        {HDR "requirements: [", "R-%d, ", "R-x]\n" ST, SC_MAX_LIST, 5,
         "requirements: 33 items, at most 32"},
        {HDR "steps:\n", "  - wait: %d\n", "  - wait: 0\n", SC_MAX_STEPS, 5,
         "steps: 33 items, at most 32"},
        {HDR "steps:\n  - send: message_1\n    mutate:\n", "      - truncate: %d\n",
         "      - truncate: 0\n", SC_MAX_MUTATIONS, 7, "mutate: 9 items, at most 8"},
        {HDR "steps:\n  - expect:\n      any_of:\n", "        - {error: {code: %d}}\n",
         "        - silence\n", SC_MAX_OUTCOMES, 7, "any_of: 17 items, at most 16"},
        {HDR "steps:\n  - expect: message_2\n    fields: {", "F%d: \"00\", ", "FX: \"01\"}\n",
         SC_MAX_FIELD_CHECKS, 7, "fields: 9 entries, at most 8"},
        {HDR "steps:\n  - expect:\n      any_of:\n        - error: {code: 2, suites_include: [",
         "%d, ", "99]}\n", SC_MAX_LIST, 8, "error.suites_include: 33 items, at most 32"},
    };
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
        for (int n = lists[l].max - 1; n <= lists[l].max; n++) {
            size_t off = (size_t)snprintf(t, cap, "%s", lists[l].head);
            for (int i = 0; i < n; i++)
                off += (size_t)snprintf(t + off, cap - off, lists[l].item, i);
            snprintf(t + off, cap - off, "%s", lists[l].tail);
            int rc = load_sc(t, sc, err, sizeof err);
            if (n < lists[l].max) {
                ck_assert_msg(rc == 0, "list %zu: %s", l, err);
            } else {
                ck_assert_msg(rc == -1, "list %zu loaded", l);
                check_err(err, lists[l].line, lists[l].needle, lists[l].needle);
            }
        }
    }
    /* needs: the list's bound comes before the names are checked (fewer than 32
     * capabilities exist, so no list of 32 distinct ones loads) */
    size_t at = (size_t)snprintf(t, cap, "%s", HDR "needs: [");
    for (int i = 0; i < SC_MAX_LIST + 1; i++)
        at += (size_t)snprintf(t + at, cap - at, "%sn%d", i ? ", " : "", i);
    snprintf(t + at, cap - at, "]\n" ST);
    ck_assert_int_eq(load_sc(t, sc, err, sizeof err), -1);
    check_err(err, 5, "needs: 33 items, at most 32", "needs");
    /* deep nesting is refused quickly (libyaml's scanner is quadratic in it) */
    k = snprintf(t, cap, HDR "steps: ");
    memset(t + k, '[', 30000);
    t[k + 30000] = '\0';
    ck_assert_int_eq(load_sc(t, sc, err, sizeof err), -1);
    check_err(err, 5, "nested deeper than 32 levels", "flow nesting");
    size_t off = (size_t)snprintf(t, cap, HDR "steps:\n");
    for (int i = 1; i < 100 && off + 200 < cap; i++)
        off += (size_t)snprintf(t + off, cap - off, "%*s- k%d:\n", i * 2, "", i);
    ck_assert_int_eq(load_sc(t, sc, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "nested deeper than 32 levels") != NULL, "%s", err);
    free(t);
    free(sc);
}
END_TEST

START_TEST(unreadable_files_and_small_buffers)
{
    scenario *sc = new_scenario();
    char err[256];
    ck_assert_int_eq(scenario_load("/nonexistent/dir/x.yaml", sc, err, sizeof err), -1);
    ck_assert_str_eq(err, "/nonexistent/dir/x.yaml: cannot open: No such file or directory");
    peer_file *pf = malloc(sizeof *pf);
    ck_assert_ptr_nonnull(pf);
    ck_assert_int_eq(peer_file_load("/nonexistent/p.yaml", pf, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "cannot open"));
    /* errors are cut to the buffer, never overrun it; NULL / 0 buffers are fine */
    char small[12];
    ck_assert_int_eq(load_sc(HDR "method: 9\n" ST, sc, small, sizeof small), -1);
    ck_assert_uint_eq(strlen(small), sizeof small - 1);
    ck_assert_int_eq(load_sc(HDR "method: 9\n" ST, sc, NULL, 0), -1);
    ck_assert_int_eq(load_sc(HDR ST, sc, NULL, 0), 0);
    /* a path longer than the file field */
    char longpath[SC_MAX_PATH + 10];
    memset(longpath, 'p', sizeof longpath - 1);
    longpath[sizeof longpath - 1] = '\0';
    ck_assert_int_eq(scenario_load(longpath, sc, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "path longer than"));
    free(pf);
    free(sc);
}
END_TEST

/* -------------------------------------------------------------- peers */

static const char full_peer[] =
    "name: reference\n"                                                        /* 1 */
    "version: \"0.1\"\n"                                                       /* 2 */
    "template: false\n"                                                        /* 3 */
    "capabilities: [method-0, method-3, suite-2, cred-kid, ead, message-4, "
    "rfc9668, coap, udp, error-messages, vectors]\n"                           /* 4 */
    "initiator:\n"                                                             /* 5 */
    "  command: \"{harness} peer initiator --host {host} --port {port}\"\n"    /* 6 */
    "  ready: exit\n"                                                          /* 7 */
    "  timeout: 3000\n"                                                        /* 8 */
    "responder:\n"                                                             /* 9 */
    "  command: \"{harness} peer responder --host {host} --port {port}\"\n"    /* 10 */
    "  ready: \"listening on\"\n"                                              /* 11 */
    "  per_run: true\n"                                                        /* 12 */
    "known_failures:\n"                                                        /* 13 */
    "  - {id: \"rfc9528/9.8/*\", reason: known-bug, note: \"non-deterministic CBOR\"}\n"
    "  - {id: rfc9528/3.3/x, reason: unsupported}\n"
    "  - {id: \"rfc9528/[5-6].*\", reason: spec-ambiguity}\n"
    "  - {id: interop/a, role: responder, reason: known-bug}\n"
    "  - {id: interop/b, role: initiator, reason: known-bug}\n"
    "  - {id: interop/c, role: both, reason: known-bug}\n";

START_TEST(peer_file_lands_in_fields)
{
    peer_file *pf = malloc(sizeof *pf);
    ck_assert_ptr_nonnull(pf);
    char err[256] = "";
    ck_assert_msg(load_peer(full_peer, pf, err, sizeof err) == 0, "%s", err);
    ck_assert_str_eq(pf->file, tmp_path);
    ck_assert_str_eq(pf->name, "reference");
    ck_assert_str_eq(pf->version, "0.1");
    ck_assert(!pf->is_template);
    ck_assert_uint_eq(pf->n_capabilities, 11);
    ck_assert(peer_has_capability(pf, "method-3"));
    ck_assert(peer_has_capability(pf, "vectors"));
    ck_assert(!peer_has_capability(pf, "method-2"));
    ck_assert(!peer_has_capability(pf, "method"));
    ck_assert(pf->initiator.present);
    ck_assert_str_eq(pf->initiator.command, "{harness} peer initiator --host {host} --port {port}");
    ck_assert_str_eq(pf->initiator.ready_line, "");
    ck_assert(!pf->initiator.ready_probe);
    ck_assert_int_eq(pf->initiator.ready_timeout_ms, 3000);
    ck_assert(!pf->initiator.per_run);
    ck_assert_int_eq(pf->initiator.fixed_port, 0);
    ck_assert(pf->responder.present);
    ck_assert_str_eq(pf->responder.ready_line, "listening on");
    ck_assert(!pf->responder.ready_probe);
    ck_assert_int_eq(pf->responder.ready_timeout_ms, 5000);
    ck_assert(pf->responder.per_run);
    ck_assert_uint_eq(pf->n_known, 6);
    ck_assert_str_eq(pf->known[0].pattern, "rfc9528/9.8/*");
    ck_assert_int_eq(pf->known[0].reason, KF_KNOWN_BUG);
    ck_assert_str_eq(pf->known[0].note, "non-deterministic CBOR");
    ck_assert_int_eq(pf->known[1].reason, KF_UNSUPPORTED);
    ck_assert_str_eq(pf->known[1].note, "");
    ck_assert_int_eq(pf->known[2].reason, KF_SPEC_AMBIGUITY);
    /* role: the IUT's; stored as the harness roles it covers; none = both */
    ck_assert_int_eq(pf->known[0].harness_roles, SC_BOTH);
    ck_assert_int_eq(pf->known[3].harness_roles, SC_HARNESS_INITIATOR);
    ck_assert_int_eq(pf->known[4].harness_roles, SC_HARNESS_RESPONDER);
    ck_assert_int_eq(pf->known[5].harness_roles, SC_BOTH);

    /* address form, probe, none; one role only; template */
    const char *t = "name: other-iut\ntemplate: true\n"
                    "responder:\n  address: {host: 127.0.0.1, port: 5683}\n  ready: probe\n";
    ck_assert_msg(load_peer(t, pf, err, sizeof err) == 0, "%s", err);
    ck_assert(pf->is_template);
    ck_assert(!pf->initiator.present);
    ck_assert(pf->responder.present);
    ck_assert_str_eq(pf->responder.command, "");
    ck_assert_str_eq(pf->responder.fixed_host, "127.0.0.1");
    ck_assert_int_eq(pf->responder.fixed_port, 5683);
    ck_assert(pf->responder.ready_probe);
    ck_assert_str_eq(pf->responder.ready_line, "");
    ck_assert_uint_eq(pf->n_capabilities, 0);
    ck_assert_str_eq(pf->version, "");

    t = "name: x\ninitiator: {command: run, ready: none}\n";
    ck_assert_msg(load_peer(t, pf, err, sizeof err) == 0, "%s", err);
    ck_assert_str_eq(pf->initiator.ready_line, "");
    ck_assert(!pf->initiator.ready_probe);
    ck_assert(!pf->responder.present);
    ck_assert_str_eq(pf->budget, ""); /* no budget: the run's default */

    t = "name: x\ninitiator: {command: run}\nbudget: lorawan-sf12\n";
    ck_assert_msg(load_peer(t, pf, err, sizeof err) == 0, "%s", err);
    ck_assert_str_eq(pf->budget, "lorawan-sf12");
    free(pf);
}
END_TEST

static const err_case peer_errors[] = {
    {"version: \"1\"\ninitiator: {command: x}\n", 1, "missing required key 'name'"},
    {"name: x\n", 1, "at least one role"},
    {"name: x\ninitiator: {command: x}\nbudget: lorawan\n", 3,
     "budget: unknown value 'lorawan'"},
    {"name: x\nresponder:\n  command: a\n  address: {host: h, port: 1}\n", 3,
     "responder: needs exactly one of 'command' or 'address'"},
    {"name: x\nresponder:\n  ready: probe\n", 3, "needs exactly one of 'command' or 'address'"},
    {"name: x\nresponder:\n  address: {host: h, port: 0}\n", 3,
     "responder.address.port: 0 out of range 1..65535"},
    {"name: x\nresponder:\n  address: {port: 5}\n", 3, "missing required key 'host'"},
    {"name: x\ninitiator:\n  comand: x\n", 3,
     "initiator: unknown key 'comand' (did you mean 'command'?)"},
    {"name: x\ninitiator: run\n", 2, "initiator: expected a map, got a scalar"},
    {"name: x\ninitiator: {command: x, timeout: 0}\n", 2, "initiator.timeout: 0 out of range"},
    {"name: x\ninitiator: {command: x, per_run: 1}\n", 2,
     "initiator.per_run: expected true or false"},
    {"name: x\ninitiator: {command: \"\"}\n", 2, "initiator.command: must not be empty"},
    {"name: x\ntemplate: 1\ninitiator: {command: x}\n", 2, "template: expected true or false"},
    {"name: x y\ninitiator: {command: x}\n", 1, "name: 'x y' has a character outside"},
    {"name: x\ncapabilites: [a]\ninitiator: {command: x}\n", 2,
     "unknown key 'capabilites' (did you mean 'capabilities'?)"},
    {"name: x\ncapabilities: [a, a]\ninitiator: {command: x}\n", 2,
     "capabilities: 'a' listed twice"},
    {"name: x\ninitiator: {command: x}\nknown_failures:\n  - {id: a, reason: known_bug}\n", 4,
     "known_failures.reason: unknown value 'known_bug' (did you mean 'known-bug'?"},
    {"name: x\ninitiator: {command: x}\nknown_failures:\n  - {reason: known-bug}\n", 4,
     "missing required key 'id'"},
    {"name: x\ninitiator: {command: x}\nknown_failures:\n  - {id: a}\n", 4,
     "missing required key 'reason'"},
    {"name: x\ninitiator: {command: x}\nknown_failures:\n"
     "  - {id: \"a b\", reason: unsupported}\n", 4,
     "known_failures.id: 'a b' is not a scenario id or glob"},
    {"name: x\ninitiator: {command: x}\nknown_failures:\n"
     "  - {id: a, reason: unsupported, notes: x}\n",
     4, "known_failures: unknown key 'notes' (did you mean 'note'?)"},
    {"name: x\ninitiator: {command: x}\nknown_failures: {id: a}\n", 3,
     "known_failures: expected a list, got a map"},
    {"name: x\ninitiator: {command: x}\nknown_failures:\n"
     "  - {id: a, role: harness, reason: unsupported}\n",
     4, "known_failures.role: unknown value 'harness'"},
};

START_TEST(peer_errors_name_line_and_key)
{
    peer_file *pf = malloc(sizeof *pf);
    ck_assert_ptr_nonnull(pf);
    for (size_t i = 0; i < sizeof peer_errors / sizeof peer_errors[0]; i++) {
        char err[512] = "", what[32];
        snprintf(what, sizeof what, "peer case %zu", i);
        ck_assert_msg(load_peer(peer_errors[i].yaml, pf, err, sizeof err) == -1, "%s loaded", what);
        check_err(err, peer_errors[i].line, peer_errors[i].needle, what);
    }
    /* every capability loads (each once); 65 items do not fit, whatever their names */
    char t[4096];
    size_t o = (size_t)snprintf(t, sizeof t, "name: x\ninitiator: {command: x}\ncapabilities: [");
    for (size_t i = 0; sc_capability_names[i]; i++)
        o += (size_t)snprintf(t + o, sizeof t - o, "%s%s", i ? ", " : "", sc_capability_names[i]);
    snprintf(t + o, sizeof t - o, "]\n");
    char e0[256] = "";
    ck_assert_msg(load_peer(t, pf, e0, sizeof e0) == 0, "%s", e0);
    for (int n = 65; n <= 65; n++) {
        size_t off =
            (size_t)snprintf(t, sizeof t, "name: x\ninitiator: {command: x}\ncapabilities: [");
        for (int i = 0; i < n; i++)
            off += (size_t)snprintf(t + off, sizeof t - off, "%sc%d", i ? ", " : "", i);
        snprintf(t + off, sizeof t - off, "]\n");
        char err[256] = "";
        int rc = load_peer(t, pf, err, sizeof err);
        ck_assert_int_eq(rc, -1);
        check_err(err, 3, "capabilities: 65 items, at most 64", "capabilities");
    }
    /* SC_MAX_KNOWN known failures fit (a whole run's baseline), one more does not */
    size_t cap = 64 + (SC_MAX_KNOWN + 1) * 48;
    char *k = malloc(cap);
    ck_assert_ptr_nonnull(k);
    for (int n = SC_MAX_KNOWN; n <= SC_MAX_KNOWN + 1; n++) {
        size_t off = (size_t)snprintf(k, cap, "name: x\ninitiator: {command: x}\nknown_failures:\n");
        for (int i = 0; i < n; i++)
            off += (size_t)snprintf(k + off, cap - off, "  - {id: s/%d, reason: unsupported}\n", i);
        char err[256] = "";
        int rc = load_peer(k, pf, err, sizeof err);
        if (n == SC_MAX_KNOWN) {
            ck_assert_msg(rc == 0, "%s", err);
            ck_assert_uint_eq(pf->n_known, SC_MAX_KNOWN);
        } else {
            ck_assert_int_eq(rc, -1);
            ck_assert_ptr_nonnull(strstr(err, "known_failures:"));
        }
    }
    free(k);
    free(pf);
}
END_TEST

/* ------------------------------------------------------ robustness */

/* Any outcome but a crash: a load either succeeds with counts in bounds or
 * fails with one line naming the file. */
static void check_outcome(int rc, const scenario *sc, const char *err)
{
    if (rc == 0) {
        ck_assert_uint_ge(sc->n_steps, 1);
        ck_assert_uint_le(sc->n_steps, SC_MAX_STEPS);
        ck_assert_uint_le(sc->n_suites, SC_MAX_LIST);
        for (size_t i = 0; i < sc->n_steps; i++) {
            ck_assert_uint_le(sc->steps[i].n_mutations, SC_MAX_MUTATIONS);
            ck_assert_uint_le(sc->steps[i].n_outcomes, SC_MAX_OUTCOMES);
        }
    } else {
        ck_assert_int_eq(rc, -1);
        ck_assert_msg(strncmp(err, tmp_path, strlen(tmp_path)) == 0 && err[strlen(tmp_path)] == ':',
                      "error does not name the file: '%s'", err);
        ck_assert_msg(strchr(err, '\n') == NULL, "not one line: '%s'", err);
    }
}

START_TEST(every_truncation_loads_or_errors)
{
    scenario *sc = new_scenario();
    size_t len = strlen(full_scenario);
    size_t ok = 0;
    for (size_t n = 0; n <= len; n++) {
        char err[512] = "";
        int rc = load_sc_n(full_scenario, n, sc, err, sizeof err);
        check_outcome(rc, sc, err);
        ok += rc == 0;
    }
    ck_assert_uint_ge(ok, 1); /* at least the whole file */
    len = strlen(full_peer);
    peer_file *pf = malloc(sizeof *pf);
    ck_assert_ptr_nonnull(pf);
    for (size_t n = 0; n <= len; n++) {
        char err[512] = "";
        const char *p = write_tmp(full_peer, n);
        int rc = peer_file_load(p, pf, err, sizeof err);
        unlink(p);
        if (rc != 0)
            ck_assert_msg(strncmp(err, p, strlen(p)) == 0 && !strchr(err, '\n'), "'%s'", err);
    }
    free(pf);
    free(sc);
}
END_TEST

START_TEST(single_byte_corruptions_load_or_error)
{
    static const unsigned char bytes[] = {0x00, ':', '-',  ' ',  '\n', '[',  ']', '{', '}',
                                          '"',  '\'', '&', '*',  '!',  '|',  '>', '#', '%',
                                          '@',  '\t', 0xff, 0x80, 0xc3, 'x', '9', ',', '?', '\\'};
    scenario *sc = new_scenario();
    size_t len = strlen(full_scenario);
    char *t = malloc(len + 1);
    ck_assert_ptr_nonnull(t);
    size_t nb = sizeof bytes;
    for (size_t i = 0; i < len; i++) {
        for (size_t k = 0; k < 3; k++) {
            memcpy(t, full_scenario, len + 1);
            t[i] = (char)bytes[(i * 7 + k * 11) % nb];
            char err[512] = "";
            int rc = load_sc_n(t, len, sc, err, sizeof err);
            check_outcome(rc, sc, err);
        }
    }
    free(t);
    free(sc);
}
END_TEST

/* ------------------------------------------------------- from memory */

/* scenario_load_mem / peer_file_load_mem read the text only within len and
 * give exactly what the file gives; `name` stands for the path. */
START_TEST(loading_from_memory_equals_loading_the_file)
{
    scenario *a = new_scenario(), *b = new_scenario();
    char err[256] = "";
    ck_assert_msg(load_sc(full_scenario, a, err, sizeof err) == 0, "%s", err);
    /* the same text followed by bytes that are not YAML, which len excludes */
    size_t len = strlen(full_scenario);
    char *t = malloc(len + 4);
    ck_assert_ptr_nonnull(t);
    memcpy(t, full_scenario, len);
    memcpy(t + len, "\0:[\xff", 4);
    ck_assert_msg(scenario_load_mem(tmp_path, t, len, b, err, sizeof err) == 0, "%s", err);
    ck_assert_str_eq(b->file, tmp_path);
    ck_assert(memcmp(a, b, sizeof *a) == 0);

    peer_file *pa = malloc(sizeof *pa), *pb = malloc(sizeof *pb);
    ck_assert_ptr_nonnull(pa);
    ck_assert_ptr_nonnull(pb);
    ck_assert_msg(load_peer(full_peer, pa, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(peer_file_load_mem(tmp_path, full_peer, strlen(full_peer), pb, err,
                                     sizeof err) == 0, "%s", err);
    ck_assert(memcmp(pa, pb, sizeof *pa) == 0);
    free(pa);
    free(pb);
    free(t);
    free(a);
    free(b);
}
END_TEST

START_TEST(memory_loader_errors_name_the_given_name)
{
    scenario *sc = new_scenario();
    peer_file *pf = malloc(sizeof *pf);
    ck_assert_ptr_nonnull(pf);
    char err[256] = "";
    static const char bad[] = HDR "method: 9\n" ST;
    const char *method_line = strstr(bad, "method: 9");
    int line = 1;
    for (const char *q = bad; q < method_line; q++)
        line += *q == '\n';
    ck_assert_int_eq(scenario_load_mem("mem/x.yaml", bad, strlen(bad), sc, err, sizeof err), -1);
    char prefix[32];
    snprintf(prefix, sizeof prefix, "mem/x.yaml:%d: ", line);
    ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0, "'%s'", err);
    ck_assert_str_eq(sc->file, "mem/x.yaml");
    ck_assert_int_eq(peer_file_load_mem("mem/p.yaml", "name: [", 7, pf, err, sizeof err), -1);
    ck_assert_msg(strncmp(err, "mem/p.yaml:", 11) == 0, "'%s'", err);
    /* no text at all: an empty file */
    ck_assert_int_eq(scenario_load_mem("empty", NULL, 0, sc, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "empty file"));
    ck_assert_int_eq(peer_file_load_mem("empty", NULL, 0, pf, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "empty file"));
    /* the size bound of a file holds for memory too (the text is not read) */
    ck_assert_int_eq(scenario_load_mem("big", bad, (1u << 20) + 1, sc, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "larger than"));
    ck_assert_int_eq(peer_file_load_mem("big", bad, (1u << 20) + 1, pf, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "larger than"));
    /* a name longer than the file field */
    char longname[SC_MAX_PATH + 10];
    memset(longname, 'p', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    ck_assert_int_eq(scenario_load_mem(longname, bad, strlen(bad), sc, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "path longer than"));
    ck_assert_int_eq(peer_file_load_mem(longname, full_peer, strlen(full_peer), pf, err,
                                        sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "path longer than"));
    free(pf);
    free(sc);
}
END_TEST

/* The branch labels, suite and inconclusive grade that explore writes
 * (scenario.h), the map form of silence/close/same, and oscore replay. */
/* `ead:` of a send step: that message's EAD only; the scenario's stays. */
START_TEST(send_step_ead)
{
    scenario *sc = malloc(sizeof *sc);
    char err[512];
    ck_assert_ptr_nonnull(sc);
    char big[2 * SC_MAX_STEP_EAD + 2 + 64];
    const char *text = HDR "ead: {1: \"0041e9\"}\n"
                           "steps:\n"
                           "  - send: message_1\n"
                           "    ead: \"386340\"\n"
                           "  - send: message_3\n"
                           "    ead: \"18 64 41 00\"\n"
                           "  - send: message_1\n";
    int rc = load_sc(text, sc, err, sizeof err);
    ck_assert_msg(rc == 0, "%s", err);
    hex_eq(&sc->ead[1], "\x00\x41\xe9", 3);
    ck_assert(sc->steps[0].has_ead && sc->steps[1].has_ead && !sc->steps[2].has_ead);
    ck_assert_uint_eq(sc->steps[0].ead_len, 3);
    ck_assert_mem_eq(sc->steps[0].ead, "\x38\x63\x40", 3);
    ck_assert_uint_eq(sc->steps[1].ead_len, 4);
    ck_assert_mem_eq(sc->steps[1].ead, "\x18\x64\x41\x00", 4);
    /* the largest allowed, and one byte more */
    for (size_t n = SC_MAX_STEP_EAD; n <= SC_MAX_STEP_EAD + 1; n++) {
        char *p = big + sprintf(big, "steps:\n  - send: message_2\n    ead: \"");
        for (size_t i = 0; i < n; i++)
            p += sprintf(p, "00");
        sprintf(p, "\"\n");
        char doc[sizeof big + 128];
        snprintf(doc, sizeof doc, HDR "%s", big);
        rc = load_sc(doc, sc, err, sizeof err);
        ck_assert_msg((rc == 0) == (n == SC_MAX_STEP_EAD), "%zu: %s", n, err);
    }
    free(sc);
}
END_TEST

START_TEST(explore_outcomes)
{
    scenario *sc = malloc(sizeof *sc);
    char err[512];
    ck_assert_ptr_nonnull(sc);
    const char *text =
        HDR "steps:\n"
        "  - expect:\n"
        "      any_of:\n"
        "        - {message: message_1, suite: supported, state: sent_m1}\n"
        "        - {message: message_1, suite: unsupported, grade: inconclusive}\n"
        "  - expect:\n"
        "      any_of:\n"
        "        - {silence: null, in: [sent_m1, ended], state: ended}\n"
        "        - {same: null, in: [sent_m1]}\n"
        "        - {close: , in: [a]}\n"
        "  - oscore: {resource: /hello, replay: true}\n";
    int rc = load_sc(text, sc, err, sizeof err);
    ck_assert_msg(rc == 0, "%s", err);
    const sc_outcome *o = sc->steps[0].outcomes;
    ck_assert_int_eq(o[0].suite, SC_SUITE_SUPPORTED);
    ck_assert_str_eq(o[0].state, "sent_m1");
    ck_assert_uint_eq(o[0].n_in, 0);
    ck_assert_int_eq(o[1].suite, SC_SUITE_UNSUPPORTED);
    ck_assert(o[1].inconclusive && !o[1].non_strict);
    o = sc->steps[1].outcomes;
    ck_assert_int_eq(o[0].kind, SC_OUT_SILENCE);
    ck_assert_uint_eq(o[0].n_in, 2);
    ck_assert_str_eq(o[0].in[1], "ended");
    ck_assert_int_eq(o[1].kind, SC_OUT_SAME);
    ck_assert_int_eq(o[2].kind, SC_OUT_CLOSE);
    ck_assert(sc->steps[2].replay);
    static const struct {
        const char *outcome, *needle;
    } bad[] = {
        {"{error: {code: 2}, suite: supported}", "suite: only valid with message: message_1"},
        {"{silence: 1}", "silence: takes no value"},
        {"{silence: null, coap: any}", "exactly one of error, coap, message, silence"},
        {"{message: message_2, in: [a-very-long-label-of-more-than-31-characters]}",
         "longer than 31 characters"},
        {"{message: message_2, grade: maybe}", "grade"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char t[512];
        snprintf(t, sizeof t, HDR "steps:\n  - expect:\n      any_of:\n        - %s\n",
                 bad[i].outcome);
        ck_assert_int_eq(load_sc(t, sc, err, sizeof err), -1);
        ck_assert_msg(strstr(err, bad[i].needle) != NULL, "%s: got '%s'", bad[i].outcome, err);
    }
    free(sc);
}
END_TEST

Suite *eh_test_scenario_load_suite(void)
{
    Suite *s = suite_create("scenario_load");
    TCase *tc = tcase_create("scenario_load");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, full_scenario_lands_in_fields);
    tcase_add_test(tc, explore_outcomes);
    tcase_add_test(tc, send_step_ead);
    tcase_add_test(tc, defaults_of_a_minimal_scenario);
    tcase_add_test(tc, scenario_errors_name_line_and_key);
    tcase_add_test(tc, scenario_sizes_are_bounded);
    tcase_add_test(tc, unreadable_files_and_small_buffers);
    tcase_add_test(tc, peer_file_lands_in_fields);
    tcase_add_test(tc, peer_errors_name_line_and_key);
    tcase_add_test(tc, every_truncation_loads_or_errors);
    tcase_add_test(tc, single_byte_corruptions_load_or_error);
    tcase_add_test(tc, loading_from_memory_equals_loading_the_file);
    tcase_add_test(tc, memory_loader_errors_name_the_given_name);
    suite_add_tcase(s, tc);
    return s;
}

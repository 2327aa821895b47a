/* harness/explore: the reference state models of `explore` as data
 * (complete, deterministic, tied to known requirements, right on a few
 * well-known sequences; the loader rejects models that are not), and
 * sequences compiled into scenario files the loader takes. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../explore/explore_internal.h"
#include "../explore/model.h"

static xm_model *load_flow(const char *role, bool reverse)
{
    xm_model *m = malloc(sizeof *m);
    char err[512];
    ck_assert_ptr_nonnull(m);
    int rc = xm_load_builtin(m, role, reverse, err, sizeof err);
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert(m->reverse == reverse);
    return m;
}

static xm_model *load(const char *role)
{
    return load_flow(role, false);
}

/* Follow (input, output) pairs from the initial state; -1 when an output
 * is not acceptable (a deviation) or an input is na. */
static int walk(const xm_model *m, unsigned profile, const char *const *pairs)
{
    int s = m->initial;
    for (size_t i = 0; pairs[i]; i += 2) {
        int in = xm_input_index(m, pairs[i]), out = xm_output_index(m, pairs[i + 1]);
        ck_assert_msg(in >= 0 && out >= 0, "%s / %s", pairs[i], pairs[i + 1]);
        const xm_alt *a = xm_find(m, s, in, out, profile);
        if (a == NULL)
            return -1;
        s = xm_alt_to(a, s);
    }
    return s;
}

static int state(const xm_model *m, const char *name)
{
    int s = xm_state_index(m, name);
    ck_assert_int_ge(s, 0);
    return s;
}

/* Checked here independently of the loader's own checks. */
static void check_complete_and_deterministic(const xm_model *m)
{
    for (size_t s = 0; s < m->n_states; s++)
        for (size_t i = 0; i < m->n_in; i++) {
            const xm_trans *t = &m->t[s][i];
            ck_assert_msg(t->defined, "%s: (%s, %s) undefined", m->role, m->state[s],
                          m->in[i].name);
            if (t->na) {
                ck_assert(t->na_why[0]);
                continue;
            }
            ck_assert(t->rfc[0]);
            for (int p = 0; p < 4; p++) {
                unsigned prof = xm_profile(p & 1, p & 2);
                int count[XM_MAX_OUTPUTS] = {0}, active = 0;
                for (size_t a = 0; a < t->n_alts; a++) {
                    if (!xm_alt_active(&t->alts[a], prof))
                        continue;
                    active++;
                    ck_assert_int_eq(++count[t->alts[a].out], 1);
                    int to = xm_alt_to(&t->alts[a], (int)s);
                    ck_assert(to >= 0 && (size_t)to < m->n_states);
                }
                ck_assert_msg(active > 0, "%s: (%s, %s) accepts nothing", m->role, m->state[s],
                              m->in[i].name);
            }
        }
}

START_TEST(builtin_models_are_complete_and_deterministic)
{
    xm_model *r = load("responder"), *i = load("initiator");
    ck_assert_str_eq(r->role, "responder");
    ck_assert_int_eq(r->iut_role, SC_HARNESS_INITIATOR);
    ck_assert_int_eq(i->iut_role, SC_HARNESS_RESPONDER);
    check_complete_and_deterministic(r);
    check_complete_and_deterministic(i);
    /* the alphabet of issue 10: valid messages, invalid classes, error,
     * duplicate, OSCORE, silence */
    static const char *const r_in[] = {"m1", "m1_suite", "m1_malformed", "m3", "m3_mac",
                                       "m3_malformed", "m3_unknown_cr", "err", "dup", "oscore",
                                       "oscore_replay", "silence", NULL};
    for (size_t k = 0; r_in[k]; k++)
        ck_assert_int_ge(xm_input_index(r, r_in[k]), 0);
    static const char *const i_in[] = {"m2", "m2_mac", "m2_malformed", "m2_twice", "err1",
                                       "err2", "none", "answer", NULL};
    for (size_t k = 0; i_in[k]; k++)
        ck_assert_int_ge(xm_input_index(i, i_in[k]), 0);
    free(r);
    free(i);
}
END_TEST

START_TEST(responder_well_known_sequences)
{
    xm_model *m = load("responder");
    unsigned plain = xm_profile(false, true), m4 = xm_profile(true, true);
    const char *const handshake[] = {"m1", "m2", "m3", "accepted", "oscore", "oscore", NULL};
    ck_assert_int_eq(walk(m, plain, handshake), state(m, "done"));
    /* with message_4 the empty answer is a deviation, message_4 is right */
    ck_assert_int_eq(walk(m, m4, handshake), -1);
    const char *const with_m4[] = {"m1", "m2", "m3", "m4", NULL};
    ck_assert_int_eq(walk(m, m4, with_m4), state(m, "done"));
    /* §6: after its own error the Responder has aborted: the correct message_3
     * is not accepted, an error is fine */
    const char *const keep_alive[] = {"m1", "m2", "m3_mac", "error1", "m3", "accepted", NULL};
    ck_assert_int_eq(walk(m, plain, keep_alive), -1);
    const char *const aborted[] = {"m1", "m2", "m3_mac", "error1", "m3", "error", NULL};
    ck_assert_int_eq(walk(m, plain, aborted), state(m, "aborted"));
    /* a MAC failure is ERR_CODE 1 (outcome rule rejects-code-1): an error
     * message with another code (e.g. 3, for an unknown credential) is a deviation */
    const char *const other_code[] = {"m1", "m2", "m3_mac", "error", NULL};
    ck_assert_int_eq(walk(m, plain, other_code), -1);
    /* §6: after the Initiator's error the Responder MAY continue or abort;
     * having accepted message_3, its OSCORE context must work */
    const char *const cont[] = {"m1", "m2", "err", "accepted", "m3", "accepted", "oscore",
                                "oscore", NULL};
    ck_assert_int_eq(walk(m, plain, cont), state(m, "done"));
    const char *const half[] = {"m1", "m2", "err", "accepted", "m3", "accepted", "oscore",
                                "coap", NULL};
    ck_assert_int_eq(walk(m, plain, half), -1);
    const char *const abort_after_err[] = {"m1", "m2", "err", "accepted", "m3", "error",
                                           "oscore", "coap", NULL};
    ck_assert_int_eq(walk(m, plain, abort_after_err), state(m, "aborted"));
    /* §7: a duplicate message_1 gets the same message_2, or nothing */
    const char *const dup[] = {"m1", "m2", "dup", "same", "m3", "accepted", NULL};
    ck_assert_int_eq(walk(m, plain, dup), state(m, "done"));
    /* a replayed message_3 after completion: the same answer is allowed, the
     * replayed OSCORE request is rejected (4.01), a verified answer is not */
    const char *const replay[] = {"m1", "m2", "m3", "accepted", "oscore", "oscore", "m3",
                                  "accepted", "oscore_replay", "coap", NULL};
    ck_assert_int_eq(walk(m, plain, replay), state(m, "done"));
    const char *const replay_bad[] = {"m1", "m2", "m3", "accepted", "oscore", "oscore", "m3",
                                      "accepted", "oscore_replay", "oscore", NULL};
    ck_assert_int_eq(walk(m, plain, replay_bad), -1);
    /* ERR_CODE 2 answers an unsupported suite; an error is never answered
     * with an error */
    const char *const suite[] = {"m1_suite", "error2", NULL};
    ck_assert_int_eq(walk(m, plain, suite), state(m, "idle"));
    /* §5.2.3: another ERR_CODE for an unsupported suite breaks the MUST */
    const char *const suite_1[] = {"m1_suite", "error", NULL};
    ck_assert_int_eq(walk(m, plain, suite_1), -1);
    /* RFC 9668 after completion: message_3 inside is a duplicate; answering
     * the OSCORE part, or the earlier answer again, departs without breaking */
    const char *const comb[] = {"m1", "m2", "m3", "accepted", "m3_combined", "oscore", NULL};
    ck_assert_int_eq(walk(m, plain, comb), state(m, "done"));
    ck_assert(xm_find(m, state(m, "done"), xm_input_index(m, "m3_combined"),
                      xm_output_index(m, "oscore"), plain)->non_strict);
    ck_assert_ptr_null(xm_find(m, state(m, "aborted"), xm_input_index(m, "m3_combined"),
                               xm_output_index(m, "oscore"), plain));
    ck_assert_ptr_null(xm_find(m, state(m, "done"), xm_input_index(m, "m3_combined"),
                               xm_output_index(m, "oscore"), m4));
    const char *const err_err[] = {"m1", "m2", "err", "error", NULL};
    ck_assert_int_eq(walk(m, plain, err_err), -1);
    /* RFC 8613 §8.2, Appendix A.1: no context before message_3, so an OSCORE
     * request then gets 4.01 (coap), never an answer */
    const char *const early[] = {"m1", "m2", "oscore_early", "coap", "m3", "accepted", "oscore",
                                 "oscore", NULL};
    ck_assert_int_eq(walk(m, plain, early), state(m, "done"));
    const char *const early_ok[] = {"m1", "m2", "oscore_early", "oscore", NULL};
    ck_assert_int_eq(walk(m, plain, early_ok), -1);
    ck_assert(m->t[state(m, "done")][xm_input_index(m, "oscore_early")].na);
    /* §3.8: an unknown critical EAD item aborts the session it is in */
    const char *const ead_1[] = {"m1_ead_critical", "m2", NULL};
    ck_assert_int_eq(walk(m, plain, ead_1), -1);
    const char *const ead_3[] = {"m1", "m2", "m3_ead_critical", "error1", "m3", "accepted", NULL};
    ck_assert_int_eq(walk(m, plain, ead_3), -1);
    const char *const ead_3_ok[] = {"m1", "m2", "m3_ead_critical", "error1", "oscore", "coap",
                                    NULL};
    ck_assert_int_eq(walk(m, plain, ead_3_ok), state(m, "aborted"));
    /* the grade of an allowed departure */
    int in = xm_input_index(m, "m3_mac"), out = xm_output_index(m, "silence");
    const xm_alt *a = xm_find(m, state(m, "wait_m3"), in, out, plain);
    ck_assert_ptr_nonnull(a);
    ck_assert(a->non_strict);
    free(m);
}
END_TEST

START_TEST(initiator_well_known_sequences)
{
    xm_model *m = load("initiator");
    unsigned plain = xm_profile(false, true);
    const char *const full[] = {"start", "m1_suite", "err2", "m1", "m2", "m3", "answer",
                                "oscore", NULL};
    ck_assert_int_eq(walk(m, plain, full), state(m, "finished"));
    /* §6.3.1: after ERR_CODE 2 the same unsupported suite again loops */
    const char *const loop[] = {"start", "m1_suite", "err2", "m1_suite", NULL};
    ck_assert_int_eq(walk(m, plain, loop), -1);
    const int in = xm_input_index(m, "err2");
    ck_assert_int_eq(m->t[state(m, "sent_m1s")][in].level, SC_SHOULD);
    /* a MAC failure gets an error message with ERR_CODE 1 (rule rejects-code-1); one
     * with another code is a deviation, silence is allowed (non-strict) */
    const char *const mac[] = {"start", "m1", "m2_mac", "error1", NULL};
    ck_assert_int_eq(walk(m, plain, mac), state(m, "ended"));
    const char *const mac_other[] = {"start", "m1", "m2_mac", "error", NULL};
    ck_assert_int_eq(walk(m, plain, mac_other), -1);
    const char *const mac_silent[] = {"start", "m1", "m2_mac", "silence", NULL};
    ck_assert_int_eq(walk(m, plain, mac_silent), state(m, "ended"));
    const char *const mac_then_m3[] = {"start", "m1", "m2_mac", "m3", NULL};
    ck_assert_int_eq(walk(m, plain, mac_then_m3), -1);
    /* a duplicate message_2 does not make an error message */
    const char *const twice[] = {"start", "m1", "m2_twice", "m3", "answer", "error", NULL};
    ck_assert_int_eq(walk(m, plain, twice), -1);
    /* without OSCORE the IUT goes quiet after the handshake */
    const char *const quiet[] = {"start", "m1", "m2", "m3", "answer", "silence", NULL};
    ck_assert_int_eq(walk(m, xm_profile(false, false), quiet), state(m, "ended"));
    ck_assert_int_eq(walk(m, plain, quiet), -1);
    /* nothing pending: the harness gives no input */
    ck_assert(m->t[state(m, "ended")][xm_input_index(m, "m2")].na);
    /* §3.8: an unknown critical EAD item in message_2 gets an error, not message_3 */
    const char *const ead[] = {"start", "m1", "m2_ead_critical", "error1", NULL};
    ck_assert_int_eq(walk(m, plain, ead), state(m, "ended"));
    const char *const ead_m3[] = {"start", "m1", "m2_ead_critical", "m3", NULL};
    ck_assert_int_eq(walk(m, plain, ead_m3), -1);
    /* §5.5.3: a message_4 that does not decrypt: an error, never the session's OSCORE */
    unsigned m4 = xm_profile(true, true);
    const char *const m4_ok[] = {"start", "m1", "m2", "m3", "answer", "oscore", NULL};
    ck_assert_int_eq(walk(m, m4, m4_ok), state(m, "finished"));
    for (int k = 0; k < 2; k++) {
        const char *bad = k ? "m4_malformed" : "m4_tag";
        ck_assert(m->in[xm_input_index(m, bad)].needs & XM_NEED_M4);
        const char *const err_seq[] = {"start", "m1", "m2", "m3", bad, "error", NULL};
        ck_assert_int_eq(walk(m, m4, err_seq), state(m, "ended"));
        const char *const osc[] = {"start", "m1", "m2", "m3", bad, "oscore", NULL};
        ck_assert_int_eq(walk(m, m4, osc), -1);
    }
    free(m);
}
END_TEST

/* The reverse message flow's models (RFC 9528 Appendix A.2.2): the IUT answers
 * only what its CoAP role lets it, and the RFC's verdicts are those of the
 * forward models for the same messages. */
START_TEST(reverse_flow_well_known_sequences)
{
    xm_model *r = load_flow("responder", true), *i = load_flow("initiator", true);
    check_complete_and_deterministic(r);
    check_complete_and_deterministic(i);
    unsigned plain = xm_profile(false, true), m4 = xm_profile(true, true);
    /* IUT Responder, the client: message_1 answers its trigger, message_3 its message_2 */
    const char *const ok[] = {"m1", "m2", "m3", "accepted", NULL};
    ck_assert_int_eq(walk(r, plain, ok), state(r, "done"));
    ck_assert_int_eq(walk(r, m4, ok), -1); /* with message_4 it must send message_4 */
    const char *const ok4[] = {"m1", "m2", "m3", "m4", NULL};
    ck_assert_int_eq(walk(r, m4, ok4), state(r, "done"));
    const char *const mac[] = {"m1", "m2", "m3_mac", "accepted", NULL};
    ck_assert_int_eq(walk(r, plain, mac), -1);
    const char *const mac_err[] = {"m1", "m2", "m3_mac", "error1", NULL};
    ck_assert_int_eq(walk(r, plain, mac_err), state(r, "ended"));
    const char *const err_err[] = {"m1", "m2", "err", "error", NULL}; /* §6 */
    ck_assert_int_eq(walk(r, plain, err_err), -1);
    const char *const suite[] = {"m1_suite", "error", NULL}; /* ERR_CODE 2 is due */
    ck_assert_int_eq(walk(r, plain, suite), -1);
    /* the harness cannot answer what the IUT did not ask, nor start a second session */
    ck_assert(r->t[state(r, "start")][xm_input_index(r, "m3")].na);
    ck_assert(r->t[state(r, "sent_m2")][xm_input_index(r, "m1")].na);
    ck_assert_int_lt(xm_input_index(r, "dup"), 0);
    ck_assert_int_lt(xm_input_index(r, "oscore"), 0);
    ck_assert(r->in[xm_input_index(r, "m3")].needs & XM_NEED_PENDING_M2);
    /* IUT Initiator, the server: message_1 in the response to the trigger */
    const char *const full[] = {"start", "m1", "m2", "m3", "oscore", "oscore", NULL};
    ck_assert_int_eq(walk(i, plain, full), state(i, "finished"));
    const char *const full4[] = {"start", "m1", "m2", "m3", "m4", "accepted", "oscore_m4",
                                 "oscore", NULL};
    ck_assert_int_eq(walk(i, m4, full4), state(i, "finished"));
    const char *const mac2[] = {"start", "m1", "m2_mac", "m3", NULL};
    ck_assert_int_eq(walk(i, plain, mac2), -1);
    const char *const mac2_coap[] = {"start", "m1", "m2_mac", "coap", NULL};
    ck_assert_int_eq(walk(i, plain, mac2_coap), state(i, "ended"));
    ck_assert(i->in[xm_input_index(i, "oscore")].needs & XM_NEED_NO_M4);
    ck_assert(i->t[state(i, "sent_m1s")][xm_input_index(i, "m2")].na);
    free(r);
    free(i);
}
END_TEST

/* Every requirement the models cite is a row of scenarios/requirements.md. */
START_TEST(requirements_exist)
{
    char path[1024], line[2048];
    snprintf(path, sizeof path, "%s/scenarios/requirements.md", EH_SOURCE_DIR);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    static char ids[400][SC_MAX_NAME];
    size_t n = 0;
    while (fgets(line, sizeof line, f) && n < 400)
        if (strncmp(line, "| R-", 4) == 0) {
            char *end = strchr(line + 2, ' ');
            size_t len = end ? (size_t)(end - (line + 2)) : 0;
            if (len > 0 && len < SC_MAX_NAME) {
                memcpy(ids[n], line + 2, len);
                ids[n++][len] = 0;
            }
        }
    fclose(f);
    ck_assert_uint_gt(n, 100);
    static const char *const roles[] = {"responder", "initiator"};
    for (int r = 0; r < 4; r++) {
        xm_model *m = load_flow(roles[r % 2], r >= 2);
        for (size_t s = 0; s < m->n_states; s++)
            for (size_t i = 0; i < m->n_in; i++)
                for (size_t k = 0; k < m->t[s][i].n_reqs; k++) {
                    bool found = false;
                    for (size_t j = 0; j < n; j++)
                        found |= strcmp(ids[j], m->t[s][i].reqs[k]) == 0;
                    ck_assert_msg(found, "%s: %s", m->file, m->t[s][i].reqs[k]);
                }
        free(m);
    }
}
END_TEST

/* A small model, then broken in one way each. */
#define MINI_HEAD                                                                                \
    "role: responder\ntitle: t\ninitial: a\nstates: {a: A, b: B}\n"                             \
    "outputs: {x: {text: X, outcome: \"silence: null\"}, y: {text: Y, outcome: \"coap: any\"}}\n"  \
    "inputs: {i: {text: I, steps: [{send: message_1}]}}\n"

static int try_load(const char *text, char *err, size_t cap)
{
    xm_model *m = malloc(sizeof *m);
    ck_assert_ptr_nonnull(m);
    int rc = xm_load_mem(m, "mini.yaml", text, strlen(text), err, cap);
    free(m);
    return rc;
}

START_TEST(loader_rejects_broken_models)
{
    char err[512];
    const char *ok = MINI_HEAD "transitions:\n"
                               "  - {states: [a, b], inputs: [i], level: MUST, rfc: r, "
                               "requirements: [], accept: [{out: x, to: b}]}\n";
    ck_assert_msg(try_load(ok, err, sizeof err) == 0, "%s", err);
    const char *incomplete = MINI_HEAD "transitions:\n"
                                       "  - {states: [a], inputs: [i], level: MUST, rfc: r, "
                                       "requirements: [], accept: [{out: x, to: b}]}\n";
    ck_assert_int_eq(try_load(incomplete, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "incomplete: no transition for state b, input i"));
    const char *twice = MINI_HEAD "transitions:\n"
                                  "  - {states: [a, b], inputs: [i], level: MUST, rfc: r, "
                                  "requirements: [], accept: [{out: x, to: b}, {out: x, to: a}]}\n";
    ck_assert_int_eq(try_load(twice, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "output 'x' twice"));
    /* the same output under exclusive profiles is deterministic */
    const char *profiles = MINI_HEAD "transitions:\n"
                                     "  - {states: [a, b], inputs: [i], level: MUST, rfc: r, "
                                     "requirements: [], accept: [{out: x, to: b, if: m4}, "
                                     "{out: x, to: a, if: no-m4}]}\n";
    ck_assert_msg(try_load(profiles, err, sizeof err) == 0, "%s", err);
    const char *nothing = MINI_HEAD "transitions:\n"
                                    "  - {states: [a, b], inputs: [i], level: MUST, rfc: r, "
                                    "requirements: [], accept: [{out: x, to: b, if: m4}]}\n";
    ck_assert_int_eq(try_load(nothing, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "nothing is acceptable under the profile no-m4"));
    /* ... unless the input needs message_4: it is never given without it */
    const char *m4_only =
        "role: responder\ntitle: t\ninitial: a\nstates: {a: A, b: B}\n"
        "outputs: {x: {text: X, outcome: \"silence: null\"}}\n"
        "inputs: {i: {text: I, steps: [{send: message_1}]}, "
        "j: {text: J, needs: [m4], steps: [{send: message_4}]}}\n"
        "transitions:\n"
        "  - {states: [a, b], inputs: [i], level: MUST, rfc: r, requirements: [], "
        "accept: [{out: x, to: b}]}\n"
        "  - {states: [a, b], inputs: [j], level: MUST, rfc: r, requirements: [], "
        "accept: [{out: x, to: b, if: m4}]}\n";
    ck_assert_msg(try_load(m4_only, err, sizeof err) == 0, "%s", err);
    const char *unknown = MINI_HEAD "transitions:\n"
                                    "  - {states: [a, b], inputs: [i], level: MUST, rfc: r, "
                                    "requirements: [], accept: [{out: x, to: c}]}\n";
    ck_assert_int_eq(try_load(unknown, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "unknown state 'c'"));
    const char *unreachable = MINI_HEAD "transitions:\n"
                                        "  - {states: [a, b], inputs: [i], level: MUST, rfc: r, "
                                        "requirements: [], accept: [{out: y, to: $same}]}\n";
    ck_assert_int_eq(try_load(unreachable, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "state b cannot be reached"));
    const char *dup = MINI_HEAD "transitions:\n"
                                "  - {states: [a, b], inputs: [i], na: none}\n"
                                "  - {states: [b], inputs: [i], na: none}\n";
    ck_assert_int_eq(try_load(dup, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "(b, i) is defined twice"));
}
END_TEST

/* accept: [{rule: NAME, to: S}] expands into the model's outputs for the
 * rule's outcomes (harness/scenario/outcome_rules.yaml), with their grades. */
#define RULE_HEAD                                                                                \
    "role: responder\ntitle: t\ninitial: a\nstates: {a: A, b: B}\n"                             \
    "outputs: {e1: {text: E1, outcome: \"error: {code: 1, info: tstr}\"}, "                      \
    "c: {text: C, outcome: \"coap: any\"}, s: {text: S, outcome: \"silence: null\"}}\n"          \
    "inputs: {i: {text: I, steps: [{send: message_1}]}}\n"

START_TEST(rules_expand_into_outputs)
{
    char err[512];
    xm_model *m = malloc(sizeof *m);
    ck_assert_ptr_nonnull(m);
    const char *ok = RULE_HEAD "transitions:\n"
                               "  - {states: [a, b], inputs: [i], level: MUST, rfc: r, "
                               "requirements: [], accept: [{rule: rejects-code-1, "
                               "to: b}]}\n";
    ck_assert_msg(xm_load_mem(m, "rule.yaml", ok, strlen(ok), err, sizeof err) == 0, "%s", err);
    const xm_trans *t = &m->t[0][0];
    ck_assert_str_eq(t->rule, "rejects-code-1");
    ck_assert_uint_eq(t->n_alts, 3);
    static const char *const outs[] = {"e1", "c", "s"};
    static const bool ns[] = {false, true, true};
    for (size_t i = 0; i < 3; i++) {
        ck_assert_str_eq(m->out[t->alts[i].out].name, outs[i]);
        ck_assert_int_eq(t->alts[i].non_strict, ns[i]);
        ck_assert_int_eq(t->alts[i].to, 1);
    }
    /* without: [coap] leaves the CoAP error out (a model whose IUT is the client) */
    const char *without = RULE_HEAD "transitions:\n"
                                    "  - {states: [a, b], inputs: [i], level: MUST, rfc: r, "
                                    "requirements: [], accept: [{rule: rejects-code-1, "
                                    "to: $same, without: [coap]}, {out: c, to: b}]}\n";
    ck_assert_msg(xm_load_mem(m, "rule.yaml", without, strlen(without), err, sizeof err) == 0,
                  "%s", err);
    ck_assert_uint_eq(m->t[0][0].n_alts, 3);
    ck_assert_str_eq(m->out[m->t[0][0].alts[1].out].name, "s");
    ck_assert_str_eq(m->out[m->t[0][0].alts[2].out].name, "c");
    free(m);
    /* an outcome no output recognises (ERR_CODE 2 here), an unknown rule, another level,
     * out or grade beside rule, without alone */
    static const struct {
        const char *level, *accept, *error;
    } bad[] = {
        {"MUST", "{rule: responder-rejects-message-1, to: b}",
         "rule: responder-rejects-message-1 allows an answer (its outcome 2)"},
        {"MUST", "{rule: nope, to: b}", "unknown outcome rule 'nope'"},
        {"SHOULD", "{rule: rejects-code-1, to: b}",
         "is of level MUST, the transition of level SHOULD"},
        {"MUST", "{rule: rejects-code-1, out: s, to: b}", "rule excludes out and grade"},
        {"MUST", "{out: s, to: b, without: [coap]}", "without goes with rule"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text,
                 RULE_HEAD "transitions:\n"
                           "  - {states: [a, b], inputs: [i], level: %s, rfc: r, "
                           "requirements: [], accept: [%s]}\n",
                 bad[i].level, bad[i].accept);
        ck_assert_int_eq(try_load(text, err, sizeof err), -1);
        ck_assert_msg(strstr(err, bad[i].error), "%zu: %s", i, err);
    }
}
END_TEST

/* The table itself: every rule loads, names a level and at least one outcome; the
 * scenario loader takes expect: {rule: NAME} as the rule's any_of and refuses a rule
 * of another level than the scenario's. */
START_TEST(rules_table_loads_and_scenarios_use_it)
{
    char names[32][SC_MAX_NAME], err[512];
    size_t n = sc_rule_names(names, 32);
    ck_assert_uint_ge(n, 5);
    sc_rule r;
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(sc_rule_get(names[i], &r, err, sizeof err) == 0, "%s", err);
        ck_assert_uint_gt(r.n, 0);
        ck_assert(r.rfc[0] != 0);
    }
    ck_assert_int_eq(sc_rule_get("responder-rejects-message-1", &r, err, sizeof err), 0);
    ck_assert_uint_eq(r.n, 4);
    ck_assert_int_eq(r.alt[0].kind, SC_OUT_ERROR);
    ck_assert_int_eq(r.alt[0].err_code, 1);
    ck_assert_str_eq(r.alt[0].err_info, "tstr");
    ck_assert_int_eq(r.alt[1].err_code, 2);
    ck_assert(!r.alt[1].non_strict && r.alt[2].non_strict && r.alt[3].non_strict);
    ck_assert_int_eq(r.alt[3].kind, SC_OUT_SILENCE);
    sc_rule none;
    ck_assert_int_eq(sc_rule_get("no-such-rule", &none, err, sizeof err), -1);
    sc_outcome a, b;
    ck_assert_int_eq(sc_outcome_parse("error: {code: 1, info: tstr}", &a, err, sizeof err), 0);
    ck_assert(sc_outcome_same(&a, &r.alt[0]) && !sc_outcome_same(&a, &r.alt[1]));
    ck_assert_int_eq(sc_outcome_parse("silence: null", &b, err, sizeof err), 0);
    ck_assert(sc_outcome_same(&b, &r.alt[3]) && !sc_outcome_same(&a, &b));
    ck_assert_int_eq(sc_outcome_parse("error: {code: 9", &b, err, sizeof err), -1);

    scenario *sc = malloc(sizeof *sc);
    ck_assert_ptr_nonnull(sc);
    const char *text = "id: t\ntitle: t\nlevel: MUST\nrole: initiator\nsteps:\n"
                       "  - send: message_1\n  - expect: {rule: responder-rejects-message-1}\n";
    ck_assert_msg(scenario_load_mem("t.yaml", text, strlen(text), sc, err, sizeof err) == 0, "%s",
                  err);
    ck_assert_uint_eq(sc->steps[1].n_outcomes, 4);
    ck_assert_str_eq(sc->steps[1].rule, "responder-rejects-message-1");
    for (size_t i = 0; i < 4; i++) {
        ck_assert(sc_outcome_same(&sc->steps[1].outcomes[i], &r.alt[i]));
        ck_assert_int_eq(sc->steps[1].outcomes[i].non_strict, r.alt[i].non_strict);
    }
    const char *should = "id: t\ntitle: t\nlevel: SHOULD\nrole: initiator\nsteps:\n"
                         "  - send: message_1\n  - expect: {rule: responder-rejects-message-1}\n";
    ck_assert_int_eq(scenario_load_mem("t.yaml", should, strlen(should), sc, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "rule responder-rejects-message-1 is of level MUST, the scenario "
                              "of level SHOULD"), "%s", err);
    const char *extra = "id: t\ntitle: t\nlevel: MUST\nrole: initiator\nsteps:\n"
                        "  - send: message_1\n  - expect: {rule: not-processed, grade: non-strict}\n";
    ck_assert_int_eq(scenario_load_mem("t.yaml", extra, strlen(extra), sc, err, sizeof err), -1);
    const char *nope = "id: t\ntitle: t\nlevel: MUST\nrole: initiator\nsteps:\n"
                       "  - send: message_1\n  - expect: {rule: nope}\n";
    ck_assert_int_eq(scenario_load_mem("t.yaml", nope, strlen(nope), sc, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "t.yaml:7: rule: unknown outcome rule 'nope'"), "%s", err);
    free(sc);
}
END_TEST

START_TEST(input_steps_are_flow_yaml)
{
    xm_model *m = load("responder");
    const xm_input *in = &m->in[xm_input_index(m, "m1_suite")];
    ck_assert_uint_eq(in->n_steps, 1);
    ck_assert_str_eq(in->steps[0],
                     "{send: message_1, mutate: [{replace: {field: SUITES_I, hex: \"37\"}}]}");
    ck_assert(m->in[xm_input_index(m, "m3")].needs & XM_NEED_C_R);
    ck_assert_uint_eq(m->in[xm_input_index(m, "silence")].n_steps, 0);
    free(m);
}
END_TEST

START_TEST(dot_names_every_state)
{
    xm_model *m = load("responder");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    xm_write_dot(m, 0, f);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "digraph"));
    for (size_t s = 0; s < m->n_states; s++)
        ck_assert_ptr_nonnull(strstr(buf, m->state[s]));
    ck_assert_ptr_nonnull(strstr(buf, "wait_m3 -> done [label=\"m3 / accepted [no-m4]|m4 [m4]"));
    ck_assert_ptr_nonnull(strstr(buf, "style=dashed"));
    free(buf);
    free(m);
}
END_TEST

Suite *eh_test_explore_model_suite(void)
{
    Suite *s = suite_create("explore_model");
    TCase *tc = tcase_create("model");
    tcase_add_test(tc, builtin_models_are_complete_and_deterministic);
    tcase_add_test(tc, responder_well_known_sequences);
    tcase_add_test(tc, initiator_well_known_sequences);
    tcase_add_test(tc, reverse_flow_well_known_sequences);
    tcase_add_test(tc, requirements_exist);
    tcase_add_test(tc, loader_rejects_broken_models);
    tcase_add_test(tc, rules_expand_into_outputs);
    tcase_add_test(tc, rules_table_loads_and_scenarios_use_it);
    tcase_add_test(tc, input_steps_are_flow_yaml);
    tcase_add_test(tc, dot_names_every_state);
    suite_add_tcase(s, tc);
    return s;
}

/* ------------------------------------------------------------- compiling */


/* Offline, on the models alone: every sequence of up to 3 inputs the harness
 * could give along the first acceptable outputs compiles into a scenario the
 * loader takes, with one expect step per input listing outcomes. */
static size_t compile_all(const char *role, bool udp, bool m4)
{
    xm_model *m = load(role);
    explore_opts o;
    xctx c;
    scenario *sc = malloc(sizeof *sc);
    peer_file *pf = calloc(1, sizeof *pf);
    ck_assert_ptr_nonnull(sc);
    ck_assert_ptr_nonnull(pf);
    memset(&o, 0, sizeof o);
    memset(&c, 0, sizeof c);
    o.timeout_ms = 500;
    c.o = &o, c.m = m, c.pf = pf, c.udp = udp, c.oscore = true, c.rfc9668 = !udp;
    c.profile = xm_profile(m4, true);
    c.suites[0] = 6, c.suites[1] = 2, c.n_suites = 2;
    snprintf(c.role_harness, sizeof c.role_harness, "%s",
             m->iut_role == SC_HARNESS_INITIATOR ? "initiator" : "responder");
    for (size_t i = 0; i < m->n_in; i++)
        c.kind[i] = xin_kind(m->in[i].n_steps ? m->in[i].steps[0] : NULL, m->in[i].needs);
    size_t compiled = 0;
    xseq stack[64];
    size_t top = 0;
    memset(&stack[0], 0, sizeof stack[0]);
    stack[0].state[0] = m->initial;
    xk_init(&stack[0].know[0]);
    top = 1;
    while (top > 0) {
        xseq node = stack[--top];
        size_t len = node.n;
        if (len == 3)
            continue;
        for (size_t in = 0; in < m->n_in; in++) {
            int st = node.state[len];
            if (!xk_allows(&c, &node.know[len], (int)in) || m->t[st][in].na)
                continue;
            xseq ch = node;
            ch.in[len] = (int)in;
            ch.out[len] = -1;
            ch.n = len + 1;
            xcompiled comp;
            char err[512];
            ck_assert_msg(xcompile(&c, &ch, "# test\n", &comp) == 0, "%s: input %s after %zu",
                          role, m->in[in].name, len);
            int rc = scenario_load_mem(comp.id, comp.yaml, strlen(comp.yaml), sc, err, sizeof err);
            ck_assert_msg(rc == 0, "%s\n%s", err, comp.yaml);
            for (size_t j = 0; j < ch.n; j++) {
                ck_assert_uint_gt(comp.n_outc[j], 0);
                ck_assert_int_eq(sc->steps[comp.expect_step[j]].kind, SC_STEP_EXPECT);
                ck_assert_uint_eq(sc->steps[comp.expect_step[j]].n_outcomes, comp.n_outc[j]);
            }
            compiled++;
            /* go on along the first acceptable output */
            const xm_trans *t = &m->t[st][in];
            for (size_t a = 0; a < t->n_alts; a++)
                if (xm_alt_active(&t->alts[a], c.profile)) {
                    ch.out[len] = t->alts[a].out;
                    ch.state[len + 1] = xm_alt_to(&t->alts[a], st);
                    ch.know[len + 1] = ch.know[len];
                    xk_update(&c, &ch.know[len + 1], (int)in, t->alts[a].out);
                    break;
                }
            if (top < 64)
                stack[top++] = ch;
            xcompiled_free(&comp);
        }
    }
    free(sc);
    free(pf);
    free(m);
    return compiled;
}

START_TEST(sequences_compile_into_loadable_scenarios)
{
    ck_assert_uint_gt(compile_all("responder", false, false), 50);
    ck_assert_uint_gt(compile_all("responder", true, true), 50);
    ck_assert_uint_gt(compile_all("initiator", false, false), 5);
    ck_assert_uint_gt(compile_all("initiator", true, true), 5);
}
END_TEST

/* A compiled sequence: the branch labels and the planned path. */
START_TEST(compiled_scenario_follows_the_model)
{
    xm_model *m = load("responder");
    explore_opts o;
    xctx c;
    memset(&o, 0, sizeof o);
    memset(&c, 0, sizeof c);
    o.timeout_ms = 500;
    c.o = &o, c.m = m, c.oscore = true;
    c.profile = xm_profile(false, true);
    c.suites[0] = 2, c.n_suites = 1;
    snprintf(c.role_harness, sizeof c.role_harness, "initiator");
    for (size_t i = 0; i < m->n_in; i++)
        c.kind[i] = xin_kind(m->in[i].n_steps ? m->in[i].steps[0] : NULL, m->in[i].needs);
    xseq s;
    memset(&s, 0, sizeof s);
    s.state[0] = m->initial;
    xk_init(&s.know[0]);
    static const char *const ins[] = {"m1", "m3_mac", "m3"};
    for (size_t j = 0; j < 3; j++) {
        s.in[j] = xm_input_index(m, ins[j]);
        s.out[j] = -1;
    }
    s.n = 3;
    xcompiled comp;
    ck_assert_int_eq(xcompile(&c, &s, NULL, &comp), 0);
    ck_assert_str_eq(comp.id, "explore/responder/m1.m3-mac.m3");
    /* refusing the session would leave the harness without message_2: the
     * rest does not apply there (inconclusive, skipped) */
    ck_assert_ptr_nonnull(strstr(comp.yaml, "- {error: null, grade: inconclusive}"));
    ck_assert_ptr_nonnull(strstr(comp.yaml, "- {send: message_3, faults: [wrong-mac-3]}"));
    /* the second message_3 is rebuilt from the same state */
    ck_assert_ptr_nonnull(strstr(comp.yaml, "- {send: message_3, again: true}"));
    ck_assert_ptr_nonnull(strstr(comp.yaml, "{error: null, in: [aborted], state: aborted}"));
    ck_assert_ptr_null(strstr(comp.yaml, "{message: accepted, in: [aborted]"));
    ck_assert_ptr_nonnull(strstr(comp.yaml, "requirements: [R-6-b, R-5.4.3-a]"));
    xcompiled_free(&comp);
    free(m);
}
END_TEST

Suite *eh_test_explore_compile_suite(void)
{
    Suite *s = suite_create("explore_compile");
    TCase *tc = tcase_create("compile");
    tcase_set_timeout(tc, 60); /* hundreds of scenarios compiled and loaded (1 MB each) */
    tcase_add_test(tc, sequences_compile_into_loadable_scenarios);
    tcase_add_test(tc, compiled_scenario_follows_the_model);
    suite_add_tcase(s, tc);
    return s;
}

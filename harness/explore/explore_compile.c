/*
 * explore_compile.c - an input sequence as a scenario file: the model's
 * inputs become the scenario steps the model file gives, each followed by
 * an expect step listing every output the model accepts there, labelled with
 * the states they lead to (`state:` / `in:`, scenarios/README.md), so the
 * executor itself judges each answer in the state the IUT's earlier answers
 * put it in. What explore runs is exactly the text it writes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore_internal.h"

void xk_init(xknow *k)
{
    memset(k, 0, sizeof *k);
    k->first = true;
}

bool xk_equal(const xknow *a, const xknow *b)
{
    return a->first == b->first && a->c_r == b->c_r && a->m3_sent == b->m3_sent &&
           a->oscore_ok == b->oscore_ok && a->oscore_sent == b->oscore_sent &&
           a->m3_valid == b->m3_valid && a->osc_restarted == b->osc_restarted &&
           a->bad_m3_taken == b->bad_m3_taken &&
           a->last == b->last && a->pending == b->pending;
}

int xin_kind(const char *first_step, unsigned needs)
{
    if (first_step == NULL || !first_step[0])
        return needs & XM_NEED_FIRST        ? XI_START
               : needs & XM_NEED_PENDING_M3 ? XI_ANSWER
                                            : XI_NONE;
    if (strncmp(first_step, "{send: message_1", 16) == 0)
        return XI_M1;
    if (strcmp(first_step, "{send: message_3}") == 0)
        return XI_M3;
    if (strncmp(first_step, "{send: message_3, combined: ", 28) == 0)
        return XI_M3_COMBINED; /* valid, inside the first OSCORE request (RFC 9668) */
    if (strncmp(first_step, "{send: message_3", 16) == 0)
        return XI_M3_BAD; /* with faults or mutations */
    if (strncmp(first_step, "{send: repeat", 13) == 0)
        return XI_DUP;
    if (strncmp(first_step, "{oscore:", 8) == 0)
        return strstr(first_step, "replay: true")  ? XI_OSCORE_REPLAY
               : strstr(first_step, "early: true") ? XI_OSCORE_EARLY
                                                   : XI_OSCORE;
    return XI_OTHER;
}

bool xk_allows(const xctx *c, const xknow *k, int in)
{
    unsigned n = c->m->in[in].needs;
    return (!(n & XM_NEED_C_R) || k->c_r) && (!(n & XM_NEED_M3_SENT) || k->m3_sent) &&
           (!(n & XM_NEED_OSCORE_OK) || k->oscore_ok) &&
           (!(n & XM_NEED_OSCORE_SENT) || k->oscore_sent) &&
           (!(n & XM_NEED_LAST_EDHOC) || k->last == XL_EDHOC) && (!(n & XM_NEED_UDP) || c->udp) &&
           (!(n & XM_NEED_FIRST) || k->first) && (!(n & XM_NEED_PENDING) || k->pending) &&
           (!(n & XM_NEED_PENDING_M1) || k->pending == XP_M1 || k->pending == XP_M1_OK) &&
           (!(n & XM_NEED_PENDING_M1_OK) || k->pending == XP_M1_OK) &&
           (!(n & XM_NEED_PENDING_M3) || k->pending == XP_M3) &&
           (!(n & XM_NEED_PENDING_M2) || k->pending == XP_M2) &&
           (!(n & XM_NEED_NO_M4) || !(c->profile & XM_IF_M4)) &&
           (!(n & XM_NEED_RFC9668) || c->rfc9668) && (!(n & XM_NEED_M4) || (c->profile & XM_IF_M4)) &&
           (!(n & XM_NEED_NO_M3) || !k->m3_sent) && (!(n & XM_NEED_OSCORE) || c->oscore) &&
           (!(n & XM_NEED_OTHER_SUITE) || c->has_preferred) && (!(n & XM_NEED_KID) || c->kid);
}

static bool out_is(const xctx *c, int out, const char *name)
{
    return out >= 0 && strcmp(c->m->out[out].name, name) == 0;
}

/* The harness side of each input, as the executor handles it (exec_judge.c
 * x_build, exec_roles.c): a message_1 starts a new session; message_2 is
 * verified only as the answer to a valid message_1; with message_4 an error
 * in answer to message_3 ends the harness's session. */
void xk_update(const xctx *c, xknow *k, int in, int out)
{
    bool iut_initiator = c->m->iut_role == SC_HARNESS_RESPONDER;
    k->first = false;
    if (iut_initiator || c->reverse) {
        /* what the IUT sent last decides what the harness can answer or send
         * next (in the reverse flow every input answers the IUT's last
         * request, or follows its last response) */
        k->pending = out_is(c, out, "m1")         ? XP_M1_OK
                     : out_is(c, out, "m1_suite") ? XP_M1
                     : out_is(c, out, "m3")       ? XP_M3
                     : out_is(c, out, "m2")       ? XP_M2
                                                  : XP_NONE;
        return;
    }
    switch (c->kind[in]) {
    case XI_M1:
        k->c_r = out_is(c, out, "m2");
        k->m3_sent = k->oscore_ok = k->oscore_sent = k->m3_valid = k->osc_restarted = false;
        k->bad_m3_taken = false;
        k->last = XL_EDHOC;
        break;
    case XI_M3:
    case XI_M3_BAD:
    case XI_M3_COMBINED:
        /* the harness's session is now the one this message_3 was built in: an
         * OSCORE context derived from a faulty one would not be the IUT's; one
         * derived before stays (exec_roles.c) */
        /* a combined request derives the harness's OSCORE context anew: sent
         * again, its sequence numbers restart, so a later request would replay
         * its own Partial IVs */
        k->osc_restarted |= c->kind[in] == XI_M3_COMBINED && k->m3_sent;
        k->bad_m3_taken |= c->kind[in] == XI_M3_BAD && !k->m3_sent &&
                           (out_is(c, out, "accepted") || out_is(c, out, "m4"));
        k->oscore_ok = !k->osc_restarted && !k->bad_m3_taken &&
                       (c->kind[in] != XI_M3_BAD || k->oscore_sent) &&
                       (!(c->profile & XM_IF_M4) || !out_is(c, out, "error"));
        k->m3_sent = true;
        k->m3_valid = c->kind[in] != XI_M3_BAD;
        k->last = c->kind[in] == XI_M3_COMBINED ? XL_NONE : XL_EDHOC; /* not repeatable */
        /* its OSCORE part is kept for a replay (exec_roles.c), in place of any
         * earlier request: a replay only when the IUT processed it (answered it) */
        if (c->kind[in] == XI_M3_COMBINED)
            k->oscore_sent = out_is(c, out, "oscore");
        break;
    case XI_OSCORE:
        k->oscore_sent = true;
        k->last = XL_OSCORE;
        break;
    case XI_OSCORE_REPLAY:
    case XI_OSCORE_EARLY: /* not kept for a replay: the IUT never had its context */
        k->last = XL_OSCORE;
        break;
    case XI_DUP:
    case XI_OTHER:
        k->last = XL_EDHOC;
        break;
    default:
        break;
    }
}

void xseq_name(const xctx *c, const xseq *s, char *out, size_t cap)
{
    size_t k = 0;
    out[0] = 0;
    for (size_t j = 0; j < s->n && k + 1 < cap; j++) {
        const char *name = c->m->in[s->in[j]].name;
        if (j)
            out[k++] = '.';
        for (size_t i = 0; name[i] && k + 1 < cap; i++)
            out[k++] = name[i] == '_' ? '-' : name[i];
        out[k] = 0;
    }
}

void xseq_text(const xctx *c, const xseq *s, char *out, size_t cap)
{
    size_t k = 0;
    out[0] = 0;
    for (size_t j = 0; j < s->n && k + 1 < cap; j++) {
        int w = snprintf(out + k, cap - k, "%s%s", j ? ", " : "", c->m->in[s->in[j]].name);
        if (w < 0)
            break;
        k += (size_t)w;
    }
}

/* ------------------------------------------------------------- text */

typedef struct buf {
    char *p;
    size_t len, cap;
    bool bad;
} buf;

static void put(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(buf *b, const char *fmt, ...)
{
    va_list ap;
    for (int tries = 0; tries < 2 && !b->bad; tries++) {
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->bad = true;
            return;
        }
        if (b->p && (size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->bad = true;
            return;
        }
        b->p = p, b->cap = cap;
    }
}

/* The hex of suite s as a CBOR int (a registered suite: -24..255). */
static void suite_hex(int s, char hex[8])
{
    if (s >= 0 && s < 24)
        snprintf(hex, 8, "%02x", s);
    else if (s < 0 && s >= -24)
        snprintf(hex, 8, "%02x", 0x20 + (-1 - s));
    else
        snprintf(hex, 8, "18%02x", s & 0xff);
}

/* An ephemeral key of the suite's curve that a Responder MUST reject (RFC 9528
 * §9.2), as the hex of its CBOR bstr: for P-256 and P-384 an x-coordinate of no
 * point on the curve (x^3 - 3x + b a non-residue mod p, checked when written);
 * for X25519 the u-coordinate p (a low-order point, 0 mod p; RFC 7748 §6.1);
 * for X448 u = 0 (low order). */
static const char *bad_g_x_hex(int suite)
{
    switch (suite) {
    case 2:
    case 3: /* P-256 */
        return "5820a04e73601df544a70ba7ea1e57030f7d4b4eb7f673924e58d54ca77a5e7d4d4a";
    case 24: /* P-384 */
        return "58300a04e73601df544a70ba7ea1e57030f7d4b4eb7f673924e58d54ca77a5e7d4d4a04e73601d"
               "f544a70ba7ea1e57030f7d";
    case 25: /* X448 */
        return "5838000000000000000000000000000000000000000000000000000000000000000000000000"
               "00000000000000000000000000000000";
    default: /* X25519 */
        return "5820edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f";
    }
}

/* text with the run's values put in: $SUITES_R (the harness's suite as
 * ERR_CODE 2's info: its quoted hex, or `[profile]` when the suites are a
 * profile's pair), $SUITE_HEX (the harness's suite, hex of its CBOR int),
 * $PREFERRED_HEX and $PREFERRED (a
 * suite the IUT supports besides it: hex, decimal), $BAD_G_X_HEX (an
 * invalid ephemeral key of the suite's curve, bad_g_x_hex, as a bstr) and
 * $BAD_KEY_HEX (its bytes alone). */
static void put_vars(const xctx *c, buf *b, const char *text)
{
    static const char *const names[] = {"$SUITES_R",  "$SUITE_HEX",   "$PREFERRED_HEX",
                                        "$PREFERRED", "$BAD_G_X_HEX", "$BAD_KEY_HEX"};
    while (*text) {
        size_t i = 0, len = 0;
        for (; i < 6; i++)
            if (strncmp(text, names[i], len = strlen(names[i])) == 0)
                break;
        if (*text != '$' || i == 6) {
            put(b, "%c", *text++);
            continue;
        }
        if (i >= 4) { /* the bstr, or the key's bytes alone (after the 2-byte head) */
            put(b, "%s", bad_g_x_hex(c->suites[c->n_suites - 1]) + (i == 5 ? 4 : 0));
            text += len;
            continue;
        }
        char val[16];
        int s = i < 2 ? c->suites[c->n_suites - 1] : c->preferred;
        if (i < 3)
            suite_hex(s, val);
        else
            snprintf(val, sizeof val, "%d", s);
        if (i == 0 && c->suites_paired)
            put(b, "[profile]");
        else
            put(b, i == 0 ? "\"%s\"" : "%s", val);
        text += len;
    }
}

/* An input step's flow text with the run's values (put_vars) and `again:
 * true` for a message_3 after one was sent in the session (the same message
 * rebuilt). */
static void put_step(const xctx *c, buf *b, const char *step, bool again)
{
    if (again && strncmp(step, "{send: message_3", 16) == 0) {
        size_t n = strlen(step);
        put(b, "  - %.*s, again: true}\n", (int)(n - 1), step);
        return;
    }
    put(b, "  - ");
    put_vars(c, b, step);
    put(b, "\n");
}

/* The states the IUT may be in before a position: a set of model states,
 * all of which leave the harness holding `know`. */
typedef struct stateset {
    bool in[XM_MAX_STATES];
} stateset;

int xcompile(const xctx *c, const xseq *seq, const char *header_comment, xcompiled *out)
{
    const xm_model *m = c->m;
    buf b = {0};
    char name[256], text[512];
    memset(out, 0, sizeof *out);
    xseq_name(c, seq, name, sizeof name);
    xseq_text(c, seq, text, sizeof text);
    /* explore/ROLE[-reverse][-udp][-m4]/INPUTS: the same inputs mean other messages over
     * raw UDP or with message_4 */
    snprintf(out->id, sizeof out->id, "explore/%.16s%s%s%s/%.80s", m->role,
             c->reverse ? "-reverse" : "", c->udp ? "-udp" : "",
             c->profile & XM_IF_M4 ? "-m4" : "", name);
    const int last_in = seq->in[seq->n - 1];

    /* the state at the last position on the known or assumed path: its
     * transition is what the scenario checks in the end */
    stateset S;
    memset(&S, 0, sizeof S);
    S.in[m->initial] = true;
    xknow k;
    xk_init(&k);
    int path_state = m->initial;
    const xm_trans *final = NULL;

    /* header, written once the steps are known (requirements and level of
     * the last transition) */
    buf steps = {0};
    size_t step_index = 0;
    bool first_expect = true;
    for (size_t j = 0; j < seq->n; j++) {
        int in = seq->in[j];
        const xm_input *inp = &m->in[in];
        if (!xk_allows(c, &k, in))
            goto not_applicable;
        for (size_t i = 0; i < inp->n_steps; i++, step_index++)
            put_step(c, &steps, inp->steps[i],
                     k.m3_sent && (c->kind[in] == XI_M3 || c->kind[in] == XI_M3_BAD ||
                                   c->kind[in] == XI_M3_COMBINED));
        /* outcomes: every active alternative of every possible state,
         * merged by (output, next state, grade) */
        struct {
            int out, to;
            bool ns, inconclusive;
            bool from[XM_MAX_STATES];
        } oc[SC_MAX_OUTCOMES];
        size_t n_oc = 0;
        /* the output of the path: observed, or the first acceptable one */
        int path_out = seq->out[j];
        const xm_trans *pt = &m->t[path_state][in];
        if (pt->na)
            goto not_applicable;
        if (path_out >= 0 && xm_find(m, path_state, in, path_out, c->profile) == NULL)
            path_out = -1; /* a hint that does not apply here */
        if (path_out < 0)
            for (size_t a = 0; a < pt->n_alts && path_out < 0; a++)
                if (xm_alt_active(&pt->alts[a], c->profile))
                    path_out = pt->alts[a].out;
        const xm_alt *pa = xm_find(m, path_state, in, path_out, c->profile);
        if (pa == NULL)
            goto not_applicable;
        xknow kp = k;
        xk_update(c, &kp, in, path_out);
        if (j + 1 == seq->n)
            final = pt;
        stateset next;
        memset(&next, 0, sizeof next);
        /* The first outcome that matches decides, so in each state's branch
         * its alternatives keep the model's order: one is merged into an
         * earlier entry only after every earlier one of the same state. */
        for (int pass = 0; pass < 2; pass++)
            for (size_t s = 0; s < m->n_states; s++) {
                if (!S.in[s] || (pass == 0) != ((int)s == path_state))
                    continue;
                const xm_trans *t = &m->t[s][in];
                long used = -1; /* the last entry this state's alternatives went to */
                for (size_t a = 0; !t->na && a < t->n_alts; a++) {
                    const xm_alt *al = &t->alts[a];
                    if (!xm_alt_active(al, c->profile))
                        continue;
                    xknow k2 = k;
                    xk_update(c, &k2, in, al->out);
                    bool inconclusive = j + 1 < seq->n && !xk_equal(&k2, &kp);
                    int to = inconclusive ? -1 : xm_alt_to(al, (int)s);
                    size_t i = (size_t)(used + 1);
                    while (i < n_oc && !(oc[i].out == al->out && oc[i].to == to &&
                                         oc[i].ns == al->non_strict))
                        i++;
                    used = (long)i;
                    if (i == n_oc) {
                        if (n_oc == SC_MAX_OUTCOMES)
                            goto not_applicable;
                        memset(&oc[n_oc], 0, sizeof oc[n_oc]);
                        oc[n_oc].out = al->out, oc[n_oc].to = to, oc[n_oc].ns = al->non_strict;
                        oc[n_oc].inconclusive = inconclusive;
                        n_oc++;
                    }
                    oc[i].from[s] = true;
                    if (to >= 0)
                        next.in[to] = true;
                }
            }
        put(&steps, "  - expect:\n      any_of:\n");
        for (size_t i = 0; i < n_oc; i++) {
            put(&steps, "        - {");
            put_vars(c, &steps, m->out[oc[i].out].outcome);
            if (!first_expect) {
                put(&steps, ", in: [");
                bool any = false;
                for (size_t s = 0; s < m->n_states; s++)
                    if (oc[i].from[s]) {
                        put(&steps, "%s%s", any ? ", " : "", m->state[s]);
                        any = true;
                    }
                put(&steps, "]");
            }
            if (oc[i].inconclusive)
                put(&steps, ", grade: inconclusive");
            else {
                put(&steps, ", state: %s", m->state[oc[i].to]);
                if (oc[i].ns)
                    put(&steps, ", grade: non-strict");
            }
            put(&steps, "}\n");
            out->outc[j][i] = (xoutc){oc[i].out, oc[i].to, oc[i].ns};
        }
        out->n_outc[j] = n_oc;
        put(&steps, "    timeout: %d\n", c->o->timeout_ms);
        out->expect_step[j] = step_index++;
        out->n = j + 1;
        first_expect = false;
        S = next;
        k = kp;
        path_state = xm_alt_to(pa, path_state);
    }
    if (step_index > SC_MAX_STEPS)
        goto not_applicable;

    if (header_comment)
        put(&b, "%s", header_comment);
    put(&b, "id: %s\n", out->id);
    put(&b, "title: \"Explored sequence %s: the IUT's answer to %s is one the state model of "
            "RFC 9528 accepts (%s)\"\n",
        text, m->in[last_in].name, final->rfc);
    put(&b, "requirements: [");
    for (size_t i = 0; i < final->n_reqs; i++)
        put(&b, "%s%s", i ? ", " : "", final->reqs[i]);
    put(&b, "]\nlevel: %s\nrole: %s\n",
        final->level == SC_MUST ? "MUST" : final->level == SC_SHOULD ? "SHOULD" : "INFO",
        c->role_harness);
    /* A single suite is what the harness runs anyway (the scenarios' default);
     * left out, the scenario runs in the IUT's profile under `run`
     * (scenario/profile.h). A preference list is part of the sequence. */
    bool other_suite = false;
    for (size_t j = 0; j < seq->n; j++)
        other_suite |= (m->in[seq->in[j]].needs & XM_NEED_OTHER_SUITE) != 0;
    bool pin_suites = !(c->n_suites == 1 && c->suites[0] == 2) || other_suite;
    put(&b, "transport: %s\n", c->udp ? "udp" : "coap");
    if (c->suites_paired) {
        put(&b, "suites: [other, profile]\n"); /* any two of the IUT's, run's pairing */
        pin_suites = false;
    } else if (pin_suites) {
        put(&b, "suites: [");
        for (size_t i = 0; i < c->n_suites; i++)
            put(&b, "%s%d", i ? ", " : "", c->suites[i]);
        put(&b, "]\n");
    }
    if (c->profile & XM_IF_M4)
        put(&b, "message_4: true\n");
    put(&b, "needs: [");
    for (size_t i = 0; pin_suites && i < c->n_suites; i++)
        put(&b, "suite-%d, ", c->suites[i]);
    if (other_suite)
        put(&b, "suite-%d, ", c->preferred);
    /* the OSCORE requests of an IUT that is the CoAP client, where the steps
     * expect one (a sequence that never completes a handshake, say start,
     * err2, is the same for an IUT without OSCORE: it needs none) */
    bool oscore = (c->m->iut_role == SC_HARNESS_RESPONDER) != c->reverse && c->oscore &&
                  steps.p != NULL && strstr(steps.p, "oscore") != NULL;
    bool rfc9668 = false;
    for (size_t j = 0; j < seq->n; j++) {
        oscore |= c->kind[seq->in[j]] == XI_OSCORE || c->kind[seq->in[j]] == XI_OSCORE_REPLAY ||
                  c->kind[seq->in[j]] == XI_OSCORE_EARLY;
        rfc9668 |= (m->in[seq->in[j]].needs & XM_NEED_RFC9668) != 0;
    }
    put(&b, "%s%s%s%s]\n", c->udp ? "udp" : "coap", oscore || rfc9668 ? ", oscore" : "",
        rfc9668 ? ", rfc9668" : "", c->profile & XM_IF_M4 ? ", message-4" : "");
    put(&b, "steps:\n%s", steps.p ? steps.p : "");
    free(steps.p);
    if (b.bad) {
        free(b.p);
        return -1;
    }
    out->yaml = b.p;
    return 0;
not_applicable:
    free(steps.p);
    free(b.p);
    return -1;
}

void xcompiled_free(xcompiled *x)
{
    free(x->yaml);
    x->yaml = NULL;
}

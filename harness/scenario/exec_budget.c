/*
 * exec_budget.c - message sizes against budgets: a size entry for every
 * EDHOC message seen, and the verdict when an IUT's message on a positive
 * path exceeds the run's budget (see exec.h and budget.h).
 *
 * The minimum of a message is computed (edhoc/sizes.h) from the options of
 * the party that sent it, as the run set them:
 *  - the harness: its own configuration (METHOD, suites, identifier,
 *    credential, EAD);
 *  - the IUT in a deterministic run: the vector file's configuration of its
 *    role (identifiers, EAD, preference list), which it was told to use;
 *  - the IUT otherwise: what it was told ({method}, {suites}, its
 *    credential {cred} by {cred_id}) and what it may choose at its
 *    smallest: a one-byte identifier, no EAD.
 * METHOD and the selected suite are those of the session (for the IUT's
 * message_1: read from the message, which the engine may have refused for
 * its suite alone).
 */
#include <stdio.h>
#include <string.h>

#include "../cbor/cbor.h"
#include "../edhoc/sizes.h"
#include "exec_internal.h"

/* "message_N" -> N (1..4), anything else 0. */
static int message_number(const char *kind)
{
    if (kind == NULL || strncmp(kind, "message_", 8) != 0 || kind[8] < '1' || kind[8] > '4' ||
        kind[9] != 0)
        return 0;
    return kind[8] - '0';
}

/* METHOD and the selected (last) suite of SUITES_I, read leniently. */
static bool message_1_choice(const uint8_t *msg, size_t n, int *method, int *suite)
{
    eh_cbor_reader r;
    int64_t v;
    size_t count = 1;
    eh_cbor_reader_init(&r, msg, n);
    r.lenient = true;
    if (eh_cbor_read_int(&r, &v) != EH_OK || v < 0 || v > 3)
        return false;
    *method = (int)v;
    if (eh_cbor_peek_major(&r) == EH_CBOR_ARRAY &&
        (eh_cbor_read_array(&r, &count) != EH_OK || count == 0 || count > EH_MAX_SUITES))
        return false;
    for (size_t i = 0; i < count; i++)
        if (eh_cbor_read_int(&r, &v) != EH_OK || v < -65536 || v > 65535)
            return false;
    *suite = (int)v;
    return true;
}

/* Bytes of the encoded identifier of a configuration (1 when unset). */
static size_t conn_id_size(const eh_config *c)
{
    uint8_t enc[EH_MAX_CONN_ID + 2];
    size_t n = c->conn_id ? eh_conn_id_encode(c->conn_id, c->conn_id_len, enc, sizeof enc) : 0;
    return n ? n : 1;
}

/* The smallest size of message m (1..4) from the sender's options; -1 if
 * the METHOD or the suite is not known. */
static long minimum_size(sc_exec *x, bool from_iut, int m, const uint8_t *msg, size_t n)
{
    bool harness_initiator = x->o.role == SC_HARNESS_INITIATOR;
    /* the sender's configuration; NULL: an IUT told no identifiers or EAD */
    const eh_config *sender = !from_iut ? &x->cfg
                              : x->vs   ? (harness_initiator ? &x->vs->cr : &x->vs->ci)
                                        : NULL;
    eh_size_opts o;
    memset(&o, 0, sizeof o);
    if (m == 1 && from_iut) {
        if (!message_1_choice(msg, n, &o.method, &o.suite))
            return -1;
    } else if (x->s.suite != NULL) {
        o.method = x->s.method;
        o.suite = x->s.suite->id;
    } else {
        return -1;
    }
    if (m == 1) {
        /* SUITES_I: the sender's preference list up to the selected suite */
        const int *prefs = sender ? sender->suites : x->sc->suites;
        size_t n_prefs = sender ? sender->n_suites : x->sc->n_suites, sel = 0;
        while (sel < n_prefs && prefs[sel] != o.suite)
            sel++;
        o.suites_i_len = sel < n_prefs ? eh_suites_i_size(prefs, sel) : 0;
    }
    const eh_cred *cred = sender                   ? &sender->own_cred
                          : x->cfg.n_peer_creds > 0 ? &x->cfg.peer_creds[0]
                                                    : NULL;
    size_t id_cred = cred ? eh_id_cred_size(cred->id_cred, cred->id_cred_len) : 0;
    o.id_cred_i_len = o.id_cred_r_len = id_cred;
    o.c_i_len = o.c_r_len = sender ? conn_id_size(sender) : 1;
    if (sender != NULL)
        o.ead_len[m] = sender->ead_len[m];
    size_t size = eh_message_size(&o, m);
    return size ? (long)size : -1;
}

static void entry_compute(sc_exec *x, bool from_iut, int m, const uint8_t *msg, size_t n,
                          size_t prefix, sc_size_entry *e)
{
    memset(e, 0, sizeof *e);
    e->message = m;
    e->from_iut = from_iut;
    e->size = (long)n;
    e->prefix = (long)prefix;
    e->minimum = minimum_size(x, from_iut, m, msg, n);
    e->budget = sc_budget_bytes(x->o.budget, e->minimum, prefix);
    snprintf(e->profile, sizeof e->profile, "%s", sc_budget_name(x->o.budget));
}

static bool same_entry(const sc_size_entry *a, const sc_size_entry *b)
{
    return a->message == b->message && a->from_iut == b->from_iut && a->size == b->size &&
           a->prefix == b->prefix && a->minimum == b->minimum;
}

void x_record_size(sc_exec *x, bool from_iut, const char *kind, const uint8_t *msg, size_t n,
                   size_t prefix)
{
    int m = message_number(kind);
    if (m == 0)
        return;
    x->sizes[m - 1] = (long)n;
    sc_size_entry e;
    entry_compute(x, from_iut, m, msg, n, prefix, &e);
    for (size_t i = 0; i < x->n_entries; i++)
        if (same_entry(&x->entries[i], &e))
            return; /* a retransmission, or the same message again */
    if (x->n_entries < REPORT_MAX_SIZES)
        x->entries[x->n_entries++] = e;
}

/* Negative scenarios provoke the IUT, and an IUT asked for a choice (`iut:`)
 * may not make its smallest, so its sizes there are reported but not judged. */
bool x_positive_scenario(const scenario *sc)
{
    if (sc->iut_peer_cred[0])
        return false;
    for (int k = 0; k < SC_ASK_COUNT_; k++)
        if (sc->iut_ask[k][0]) /* the IUT was asked for a choice, maybe not its smallest */
            return false;
    for (size_t i = 0; i < sc->n_steps; i++) {
        const sc_step *st = &sc->steps[i];
        if (st->kind == SC_STEP_SEND && (st->n_mutations > 0 || st->n_faults > 0 ||
                                         strncmp(st->message, "message_", 8) != 0))
            return false;
    }
    return true;
}

/* A flood's half-open sessions may hold every one-byte identifier (there are
 * 48, RFC 9528 §3.3.2), so after one a Responder that keeps them needs a
 * longer C_R: its sizes are reported, not judged against the minimum. */
static bool after_a_flood(const scenario *sc)
{
    for (size_t i = 0; i < sc->n_steps; i++)
        if (sc->steps[i].kind == SC_STEP_FLOOD)
            return true;
    return false;
}

void x_budget_judge(sc_exec *x)
{
    const received *rx = &x->rx;
    int m = message_number(rx->kind);
    if (m == 0 || rx->st != TR_OK || rx->msg == NULL || !rx->engine_ok ||
        !x_positive_scenario(x->o.sc) || after_a_flood(x->o.sc))
        return;
    sc_size_entry e;
    size_t prefix = (size_t)(rx->msg - rx->payload);
    entry_compute(x, true, m, rx->msg, rx->msg_len, prefix, &e);
    for (size_t i = 0; i < x->n_entries; i++)
        if (same_entry(&x->entries[i], &e))
            x->entries[i].judged = true;
    if (e.budget < 0 || e.size <= e.budget)
        return;
    char minimum[120] = "";
    if (e.minimum >= 0)
        snprintf(minimum, sizeof minimum, "the minimum for METHOD %d, cipher suite %d and the "
                                          "credentials of the run is %ld bytes",
                 x->s.method, x->s.suite ? x->s.suite->id : -1, e.minimum);
    switch (sc_budget_verdict(x->o.budget)) {
    case V_NONSTRICT:
        if (x->v != V_PASS)
            return;
        x->v = V_NONSTRICT;
        snprintf(x->message, sizeof x->message,
                 "step %zu: message_%d is %ld bytes, over the rfc9528 budget of %ld bytes (%s); "
                 "RFC 9528 allows it (longer identifiers, EAD, a SUITES_I list), graded "
                 "non-strict",
                 x->step + 1, m, e.size, e.budget, minimum);
        xt_printf(x, "  => nonstrict: %s\n", x->message);
        return;
    case V_FAIL:
        if (x->o.budget == SC_BUDGET_6TISCH) {
            char with[96] = "";
            if (e.prefix > 0)
                snprintf(with, sizeof with, ", %ld with its %ld-byte Appendix A.2 prefix",
                         e.size + e.prefix, e.prefix);
            x_fail_plain(x, V_FAIL, "message_%d is %ld bytes%s, over the %s budget of %ld bytes "
                                    "of CoAP payload%s%s",
                         m, e.size, with, e.profile, e.budget + e.prefix, minimum[0] ? "; " : "",
                         minimum);
        } else
            x_fail_plain(x, V_FAIL, "message_%d is %ld bytes, over the %s budget of %ld bytes%s%s",
                         m, e.size, e.profile, e.budget, minimum[0] ? "; " : "", minimum);
        return;
    default:
        return;
    }
}

void x_budget_transcript(sc_exec *x)
{
    if (x->n_entries == 0)
        return;
    xt_printf(x, "sizes (budget profile %s):\n", sc_budget_name(x->o.budget));
    for (size_t i = 0; i < x->n_entries; i++) {
        const sc_size_entry *e = &x->entries[i];
        char budget[24] = "none", minimum[24] = "unknown", prefix[64] = "";
        if (e->budget >= 0)
            snprintf(budget, sizeof budget, "%ld", e->budget);
        if (e->minimum >= 0)
            snprintf(minimum, sizeof minimum, "%ld", e->minimum);
        if (e->prefix > 0)
            snprintf(prefix, sizeof prefix, " (after a %ld-byte prefix)", e->prefix);
        xt_printf(x, "  message_%d from the %s: %ld bytes%s, budget %s, minimum %s%s%s\n",
                  e->message, e->from_iut ? "IUT" : "harness", e->size, prefix, budget, minimum,
                  e->judged ? ", judged" : "",
                  e->budget >= 0 && e->size > e->budget ? ", OVER BUDGET" : "");
    }
}

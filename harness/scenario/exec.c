/*
 * exec.c - the scenario executor (see exec.h): harness side of one
 * scenario, step by step, with verdicts that name the step, the message,
 * the field, the byte offset and the requirement.
 */
#include "exec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../cbor/cbor.h"
#include "../common/hex.h"
#include "../peer/credfile.h"
#include "../peer/peer.h"
#include "../transport/udp.h"
#include "exec_internal.h"

/* ------------------------------------------------------------ transcript */

void xt_printf(sc_exec *x, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = strnlen(line, sizeof line);
    if (x->text_len + len + 1 > XT_MAX)
        return; /* bounded: a runaway IUT cannot grow the report without end */
    if (x->text_len + len + 1 > x->text_cap) {
        size_t cap = x->text_cap ? x->text_cap * 2 : 4096;
        while (cap < x->text_len + len + 1)
            cap *= 2;
        char *t = realloc(x->text, cap);
        if (t == NULL)
            return;
        x->text = t, x->text_cap = cap;
    }
    memcpy(x->text + x->text_len, line, len + 1);
    x->text_len += len;
}

void xt_bytes(sc_exec *x, const char *arrow, const uint8_t *b, size_t n)
{
    char hex[2 * 512 + 1], diag[2048];
    size_t shown = n < 512 ? n : 512;
    eh_hex_encode(b, shown, hex);
    eh_cbor_diag(b, n, diag, sizeof diag);
    xt_printf(x, "  %s %zu bytes: %s%s\n", arrow, n, hex, shown < n ? "..." : "");
    xt_printf(x, "     cbor: %s\n", diag);
}

/* --------------------------------------------------------------- verdict */

void sc_requirement_text(const char *id, char *out, size_t cap)
{
    const char *start = strncmp(id, "R-", 2) == 0 ? id + 2 : NULL;
    const char *end = start ? strrchr(start, '-') : NULL;
    if (start == NULL || end == NULL || end == start) {
        snprintf(out, cap, "%s", id);
        return;
    }
    if (strncmp(start, "9668-", 5) == 0 && end > start + 5) { /* R-9668-3.3.1-a */
        snprintf(out, cap, "%s (RFC 9668 \xc2\xa7%.*s)", id, (int)(end - start - 5), start + 5);
        return;
    }
    int n = (int)(end - start);
    snprintf(out, cap, "%s (RFC 9528 %s%.*s)", id,
             start[0] >= 'A' && start[0] <= 'Z' ? "Appendix " : "\xc2\xa7", n, start);
}

/* The requirement IDs of `ids` ("R-A.2-b, R-A.2-d"), each with its section. */
static void cited_text(const char *ids, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = 0;
    for (const char *p = ids; *p && k + 1 < cap;) {
        size_t n = strcspn(p, ", ");
        char id[64], r[96];
        snprintf(id, sizeof id, "%.*s", (int)(n < sizeof id ? n : sizeof id - 1), p);
        sc_requirement_text(id, r, sizeof r);
        int w = snprintf(buf + k, cap - k, "%s%s", k ? ", " : "", r);
        if (w < 0)
            break;
        k += (size_t)w;
        p += n;
        p += strspn(p, ", ");
    }
}

static void requirement_text(const scenario *sc, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = 0;
    for (size_t i = 0; i < sc->n_requirements && k + 1 < cap; i++) {
        char r[96];
        sc_requirement_text(sc->requirements[i], r, sizeof r);
        int w = snprintf(buf + k, cap - k, "%s%s", i ? ", " : "", r);
        if (w < 0)
            break;
        k += (size_t)w;
    }
}

/* cite: NULL for the scenario's requirements, "" for none, else the IDs. */
static void fail_v(sc_exec *x, verdict v, const char *cite, const char *fmt, va_list ap)
{
    if (x->v == V_FAIL || x->v == V_ERROR)
        return; /* the first failure is the verdict */
    char what[1400], req[1900] = ""; /* 32 requirements with their sections fit */
    vsnprintf(what, sizeof what, fmt, ap);
    if (cite == NULL)
        requirement_text(x->sc, req, sizeof req);
    else
        cited_text(cite, req, sizeof req);
    const sc_step *st = x->step < x->sc->n_steps ? &x->sc->steps[x->step] : NULL;
    snprintf(x->message, sizeof x->message, "step %zu%s%d%s: %s%s%s", x->step + 1,
             st ? " (line " : "", st ? st->line : 0, st ? ")" : "", what,
             req[0] ? " [requirements: " : "", req[0] ? req : "");
    if (req[0])
        strncat(x->message, "]", sizeof x->message - strlen(x->message) - 1);
    x->v = v;
    x->verdict_line = st ? st->line : 0;
    xt_printf(x, "  => %s: %s\n", verdict_name(v), x->message);
}

void x_fail(sc_exec *x, verdict v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_v(x, v, NULL, fmt, ap);
    va_end(ap);
}

void x_fail_cite(sc_exec *x, verdict v, const char *ids, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_v(x, v, ids, fmt, ap);
    va_end(ap);
}

void x_fail_plain(sc_exec *x, verdict v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_v(x, v, "", fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------ set-up */

/* The key of the job's random stream: SHA-256(seed || harness role ||
 * scenario id). Reproducible for a seed, and different in every scenario
 * and role: a fresh ephemeral key per session is a MUST for the harness too
 * (RFC 9528 §9.2), and an IUT shared by a run must not see one scenario's
 * message_1 again in the next (it may take it for a duplicate, §7). */
static void rng_key_init(sc_exec *x)
{
    uint8_t in[9 + sizeof x->sc->id];
    size_t id_len = strnlen(x->sc->id, sizeof x->sc->id);
    memset(in, 0, 8);
    memcpy(in, &x->o.seed, sizeof x->o.seed < 8 ? sizeof x->o.seed : 8);
    in[8] = x->o.role == SC_HARNESS_INITIATOR ? 'I' : 'R';
    memcpy(in + 9, x->sc->id, id_len);
    eh_hash_sha256.digest(in, 9 + id_len, x->rng_key);
}

/* Reproducible harness randomness: SHA-256(rng_key || counter). */
static eh_err seeded_rng(void *arg, uint8_t *out, size_t len)
{
    sc_exec *x = arg;
    while (len > 0) {
        uint8_t in[40], block[32];
        memcpy(in, x->rng_key, 32);
        memcpy(in + 32, &x->rng_counter, sizeof x->rng_counter);
        x->rng_counter++;
        eh_hash_sha256.digest(in, sizeof in, block);
        size_t n = len < sizeof block ? len : sizeof block;
        memcpy(out, block, n);
        out += n, len -= n;
    }
    return EH_OK;
}

void sc_cred_names(const scenario *sc, sc_role harness_role, const char **own,
                   const char **peer)
{
    bool initiator = harness_role == SC_HARNESS_INITIATOR;
    bool swap = sc->role == SC_BOTH && !initiator;
    const char *a = sc->cred[0] ? sc->cred : NULL, *b = sc->peer_cred[0] ? sc->peer_cred : NULL;
    *own = swap ? b : a;
    *peer = swap ? a : b;
    if (*own == NULL)
        *own = initiator ? "rfc9529-trace2-i" : "rfc9529-trace2-r";
    if (*peer == NULL)
        *peer = initiator ? "rfc9529-trace2-r" : "rfc9529-trace2-i";
}

static bool step_uses_oscore(const sc_step *st)
{
    if (st->kind == SC_STEP_OSCORE || (st->kind == SC_STEP_SEND && st->combined))
        return true;
    for (size_t k = 0; st->kind == SC_STEP_EXPECT && k < st->n_outcomes; k++)
        if (st->outcomes[k].kind == SC_OUT_MESSAGE && strcmp(st->outcomes[k].message, "oscore") == 0)
            return true;
    return false;
}

bool sc_uses_oscore(const scenario *sc)
{
    for (size_t i = 0; i < sc->n_needs; i++)
        if (strcmp(sc->needs[i], "oscore") == 0)
            return true;
    for (size_t i = 0; i < sc->n_steps; i++)
        if (step_uses_oscore(&sc->steps[i]))
            return true;
    return false;
}

static int load_creds(sc_exec *x, char *err, size_t cap)
{
    const scenario *sc = x->sc;
    const char *own, *peer;
    sc_cred_names(x->o.sc, x->o.role, &own, &peer);
    credfile_id id = CREDFILE_KID;
    if (sc->cred_id[0] && credfile_id_parse(sc->cred_id, &id) != 0) {
        snprintf(err, cap, "%s: unknown credential identification %s", sc->file, sc->cred_id);
        return -1;
    }
    if (credfile_load(x->o.cred_dir, own, id, &x->own) != 0 ||
        credfile_load(x->o.cred_dir, peer, id, &x->peer) != 0) {
        snprintf(err, cap, "%s: cannot load credentials %s / %s from %s", sc->file, own, peer,
                 x->o.cred_dir);
        return -1;
    }
    if (sc->id_cred_of_iut_peer &&
        credfile_load(x->o.cred_dir, sc->iut_peer_cred, id, &x->iut_peer) != 0) {
        snprintf(err, cap, "%s: cannot load credential %s from %s", sc->file,
                 sc->iut_peer_cred, x->o.cred_dir);
        return -1;
    }
    if (sc->id_cred_extra.n > 0) {
        eh_err e = eh_cbor_map_insert(x->own.id_cred, x->own.id_cred_len, sc->id_cred_extra.b,
                                      sc->id_cred_extra.n, x->id_cred_extended,
                                      sizeof x->id_cred_extended, &x->id_cred_extended_len);
        if (e != EH_OK) {
            snprintf(err, cap, "%s: credentials.id_cred_extra cannot be added to ID_CRED of %s: %s",
                     sc->file, own, eh_err_name(e));
            return -1;
        }
    }
    return 0;
}

static void config_init(sc_exec *x)
{
    const scenario *sc = x->sc;
    eh_config *c = &x->cfg;
    bool initiator = x->o.role == SC_HARNESS_INITIATOR;
    memset(c, 0, sizeof *c);
    c->role = initiator ? EH_INITIATOR : EH_RESPONDER;
    c->method = sc->method;
    c->methods = initiator ? 0 : 0xf;
    /* Initiator: offers the list (the last one selected). Responder: the
     * IUT Initiator is told the list as its preferences ({suites}); the
     * harness supports only the last one, so a preference list makes the
     * IUT go through the ERR_CODE 2 negotiation of §6.3. */
    for (size_t i = 0; i < sc->n_suites && i < EH_MAX_SUITES; i++)
        if (initiator || i == sc->n_suites - 1)
            c->suites[c->n_suites++] = sc->suites[i];
    if (c->n_suites == 0)
        c->suites[c->n_suites++] = 2;
    /* the Initiator selects its last listed suite: SUITES_I = the list */
    c->initial_suite_index = initiator ? c->n_suites - 1 : 0;
    static const uint8_t default_c_i = 0x37, default_c_r = 0x27;
    const sc_bytes *cid = initiator ? &sc->c_i : &sc->c_r;
    if (sc->has_conn_id && cid->n <= EH_MAX_CONN_ID) {
        c->conn_id = cid->b, c->conn_id_len = cid->n;
    } else {
        c->conn_id = initiator ? &default_c_i : &default_c_r;
        c->conn_id_len = 1;
    }
    c->own_cred = x->own.c;
    if (sc->own_id_cred.n > 0) /* ID_CRED with other parameters (§3.5.3) */
        c->own_cred.id_cred = sc->own_id_cred.b, c->own_cred.id_cred_len = sc->own_id_cred.n;
    else if (sc->id_cred_of_iut_peer) /* names the credential the IUT was told about */
        c->own_cred.id_cred = x->iut_peer.id_cred, c->own_cred.id_cred_len = x->iut_peer.id_cred_len;
    else if (x->id_cred_extended_len > 0) /* the profile's ID_CRED with one more parameter */
        c->own_cred.id_cred = x->id_cred_extended, c->own_cred.id_cred_len = x->id_cred_extended_len;
    c->own_priv = x->own.priv, c->own_priv_len = x->own.priv_len;
    c->own_sign_alg = x->own.sign_alg, c->own_sign_key = x->own.sign_key;
    x->peer_creds[0] = x->peer.c;
    c->peer_creds = x->peer_creds, c->n_peer_creds = 1;
    c->trust_by_value = true; /* the harness judges the protocol, not trust */
    for (int k = 1; k <= 4; k++)
        c->ead[k] = sc->ead[k].b, c->ead_len[k] = sc->ead[k].n;
    c->message_4 = sc->message_4;
    c->rng = seeded_rng, c->rng_arg = x;
    c->trace = x_trace, c->trace_arg = x;
    c->plaintext_hook = x_plaintext_hook, c->plaintext_arg = x;
}

/*
 * A `role: both` scenario is written for the harness Initiator. As
 * Responder the harness mirrors it: `send message_N` becomes `expect
 * message_N` with the checks of the expect step that followed it (they
 * describe the IUT's message), expect steps become the engine's natural
 * answers, oscore stays. Mutations and faults do not mirror: such
 * scenarios must name one role.
 */
static scenario *mirror_scenario(const scenario *sc, char *err, size_t cap)
{
    scenario *m = malloc(sizeof *m);
    if (m == NULL) {
        snprintf(err, cap, "out of memory");
        return NULL;
    }
    memcpy(m, sc, sc_scenario_size(sc)); /* sc may be compact */
    m->n_steps = 0;
    for (size_t i = 0; i < sc->n_steps; i++) {
        const sc_step *st = &sc->steps[i];
        if (st->kind == SC_STEP_EXPECT || st->kind == SC_STEP_WAIT)
            continue;
        sc_step *d = &m->steps[m->n_steps++];
        *d = *st;
        if (st->kind != SC_STEP_SEND)
            continue;
        if (st->n_mutations || st->n_faults || st->has_ead ||
            strncmp(st->message, "message_", 8) != 0) {
            snprintf(err, cap, "%s: step %zu cannot be mirrored for the Responder role "
                               "(mutations, faults, a step's ead or non-message sends): "
                               "use role: initiator",
                     sc->file, i + 1);
            free(m);
            return NULL;
        }
        memset(d, 0, sizeof *d);
        d->kind = SC_STEP_EXPECT;
        d->line = st->line;
        d->outcomes[0].kind = SC_OUT_MESSAGE;
        memcpy(d->outcomes[0].message, st->message, sizeof d->outcomes[0].message);
        d->n_outcomes = 1;
        d->checks.max_size = -1;
        if (i + 1 < sc->n_steps && sc->steps[i + 1].kind == SC_STEP_EXPECT) {
            d->checks = sc->steps[i + 1].checks;
            d->checks.n_fields = 0; /* field names differ between the messages */
            d->checks.max_size = -1; /* budgets are per message */
            d->checks.amplification = false; /* the IUT Responder's answers only */
        }
    }
    return m;
}

sc_exec *sc_exec_new(const sc_exec_opts *o, char *err, size_t cap)
{
    sc_exec *x = calloc(1, sizeof *x);
    if (x == NULL) {
        snprintf(err, cap, "out of memory");
        return NULL;
    }
    x->o = *o;
    x->sc = o->sc;
    x->reverse = o->sc->flow == SC_FLOW_REVERSE;
    if (o->sc->role == SC_BOTH && o->role == SC_HARNESS_RESPONDER) {
        x->mirror = mirror_scenario(o->sc, err, cap);
        if (x->mirror == NULL)
            goto fail;
        x->sc = x->mirror;
    }
    x->timeout = o->timeout_ms > 0 ? o->timeout_ms : 3000;
    rng_key_init(x);
    for (int k = 0; k < 5; k++)
        x->sizes[k] = -1;
    if (x->sc->vector[0]) {
        /* Deterministic: keys, identifiers, EAD and credentials of a vector
         * file, so the harness's messages equal the file's. */
        vfile vf;
        x->vs = calloc(1, sizeof *x->vs);
        if (x->vs == NULL || vfile_load(&vf, x->sc->vector) != 0) {
            snprintf(err, cap, "%s: cannot load the vector file %s", x->sc->file, x->sc->vector);
            goto fail;
        }
        int rc = vector_setup_load(&vf, x->vs, NULL);
        vfile_free(&vf);
        if (rc != 0) {
            snprintf(err, cap, "%s: the vector file %s is not usable", x->sc->file,
                     x->sc->vector);
            goto fail;
        }
        x->cfg = o->role == SC_HARNESS_INITIATOR ? x->vs->ci : x->vs->cr;
        x->cfg.trace = x_trace, x->cfg.trace_arg = x;
    } else {
        if (load_creds(x, err, cap) != 0)
            goto fail;
        config_init(x);
    }
    if (!x_flood_refused(x) && x_transport_open(x, err, cap) != 0)
        goto fail;
    return x;
fail:
    sc_exec_free(x);
    return NULL;
}

int sc_exec_port(const sc_exec *x)
{
    return x->port;
}

size_t sc_exec_iut_gone_step(const sc_exec *x, const char **how)
{
    if (how != NULL)
        *how = x != NULL ? x->iut_end : "";
    return x != NULL && x->iut_gone_ms > 0 ? x->iut_gone_step : 0;
}

void sc_exec_free(sc_exec *x)
{
    if (x == NULL)
        return;
    x_transport_close(x);
    eh_session_wipe(&x->s);
    eh_session_wipe(&x->snap);
    eh_session_wipe(&x->before_m3);
    eh_oscore_ctx_clear(&x->oscore);
    credfile_wipe(&x->own);
    credfile_wipe(&x->peer);
    credfile_wipe(&x->iut_peer);
    free(x->text);
    free(x->mirror);
    if (x->vs != NULL)
        eh_wipe(x->vs, sizeof *x->vs);
    free(x->vs);
    eh_wipe(x, sizeof *x);
    free(x);
}

/* --------------------------------------------------------------- running */

const char *x_step_kind_name(sc_step_kind k)
{
    return k == SC_STEP_SEND     ? "send"
           : k == SC_STEP_EXPECT ? "expect"
           : k == SC_STEP_WAIT   ? "wait"
           : k == SC_STEP_FLOOD  ? "flood"
                                 : "oscore";
}

void x_inject_ephemeral(sc_exec *x)
{
    if (x->vs == NULL)
        return;
    const bytes *k = x->o.role == SC_HARNESS_INITIATOR ? &x->vs->in.x : &x->vs->in.y;
    eh_session_set_ephemeral(&x->s, k->b, k->n, NULL, 0);
}

void sc_exec_run(sc_exec *x, sc_result *res)
{
    const scenario *sc = x->sc;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    x->v = V_PASS;
    xt_printf(x, "scenario %s (%s)\n", sc->id, sc->file);
    if (x->reverse)
        xt_printf(x, "reverse message flow (RFC 9528 Appendix A.2.2): the harness is the CoAP "
                     "%s\n", x->o.role == SC_HARNESS_INITIATOR ? "server" : "client");
    xt_printf(x, "harness %s, IUT %s, %s, METHOD %d\n",
              x->o.role == SC_HARNESS_INITIATOR ? "Initiator" : "Responder",
              x->o.role == SC_HARNESS_INITIATOR ? "Responder" : "Initiator",
              sc->transport == SC_UDP       ? "raw UDP"
              : sc->transport == SC_COAP_TCP ? "CoAP over TCP"
                                             : "CoAP",
              sc->method);
    if (sc->profile[0])
        xt_printf(x, "profile of the IUT: %s (METHOD %d, suite %d, %s)%s\n", sc->profile,
                  sc->method, sc->n_suites ? sc->suites[sc->n_suites - 1] : 2,
                  sc->cred_id[0] ? sc->cred_id : "kid",
                  sc->framing == SC_FRAMING_BARE ? ", bare EDHOC messages (no Appendix A.2 "
                                                   "prefixes)"
                                                 : "");
    if (eh_session_init(&x->s, &x->cfg) != EH_OK)
        x_fail(x, V_ERROR, "scenario error: invalid EDHOC configuration (method, suites)");
    if (x->refused[0]) {
        x->v = V_SKIPPED; /* nothing was opened, nothing is sent */
        snprintf(x->message, sizeof x->message, "%s", x->refused);
        xt_printf(x, "skipped: %s\n", x->refused);
    } else if (x->reverse && x->o.role == SC_HARNESS_INITIATOR) {
        x_reverse_initiator_run(x);
    } else if (x->o.role == SC_HARNESS_INITIATOR || x->reverse) {
        for (x->step = 0; x->step < sc->n_steps && x->v != V_FAIL && x->v != V_ERROR &&
                          x->v != V_SKIPPED && !x->ended;
             x->step++) {
            const sc_step *st = &sc->steps[x->step];
            xt_printf(x, "step %zu (line %d): %s %s\n", x->step + 1, st->line,
                      x_step_kind_name(st->kind), st->kind == SC_STEP_SEND ? st->message : "");
            if (st->kind != SC_STEP_EXPECT || x->rx.kind == NULL)
                x_step_begin(x);
            x->cfg.faults = x_faults(x, st);
            if (x->reverse)
                x_reverse_responder_step(x, st);
            else
                x_initiator_step(x, st);
        }
    } else if (x->v == V_PASS) {
        x_responder_run(x);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    x_derived_transcript(x);
    x_budget_transcript(x);
    xt_printf(x, "verdict: %s%s%s\n", verdict_name(x->v), x->message[0] ? ": " : "",
              x->message);
    res->v = x->v;
    if (x->v == V_PASS && !x->message[0])
        snprintf(res->message, sizeof res->message, "%s", x->info);
    else if (x->v == V_FAIL && x->info[0]) /* e.g. the flood that came before */
        snprintf(res->message, sizeof res->message, "%s (before: %s)", x->message,
                 x->info);
    else
        snprintf(res->message, sizeof res->message, "%s", x->message);
    if ((x->v == V_FAIL || x->v == V_ERROR) && x->verdict_line > 0)
        res->line = x->verdict_line; /* the step the verdict names */
    for (int k = 0; k < 5; k++)
        res->sizes[k] = x->sizes[k];
    memcpy(res->size_entries, x->entries, x->n_entries * sizeof x->entries[0]);
    res->n_size_entries = x->n_entries;
    res->amplification = x->amp;
    res->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    res->transcript = x->text; /* moved */
    x->text = NULL, x->text_len = x->text_cap = 0;
}

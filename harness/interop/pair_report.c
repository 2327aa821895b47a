/*
 * pair_report.c - a pair job's transcript (text) and JSON result (format:
 * interop/matrix_run.h), from what pair_job.c gathered.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cbor/cbor.h"
#include "../common/hex.h"
#include "../report/report_json.h"
#include "pair_internal.h"

#define DIAG_CAP 16384
#define TRANSCRIPT_MAX (4u << 20)

static const char *const kind_names[] = {"edhoc",  "block", "retransmission", "empty",
                                         "oscore", "other", "malformed"};

/* The relay's client is the Initiator, or in the reverse flow the
 * Responder: "from the client" means from that role. */
static bool from_initiator(const pair_run *p, relay_dir d)
{
    return (d == RELAY_TO_RESPONDER) != p->o->reverse;
}

static const char *dir_name(const pair_run *p, relay_dir d)
{
    return from_initiator(p, d) ? "initiator->responder" : "responder->initiator";
}

/* ----------------------------------------------------------- transcript */

typedef struct text {
    char *s;
    size_t len, cap;
    bool full;
} text;

static void tprintf(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tprintf(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || t->full)
        return;
    if (t->len + (size_t)n + 1 > TRANSCRIPT_MAX) {
        t->full = true;
        return;
    }
    if (t->len + (size_t)n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + (size_t)n + 1)
            cap *= 2;
        char *s = realloc(t->s, cap);
        if (s == NULL) {
            t->full = true;
            return;
        }
        t->s = s, t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

/* hex of n bytes, malloc'd ("" when n is 0); NULL when out of memory. */
static char *hex_of(const uint8_t *b, size_t n)
{
    char *h = malloc(2 * n + 1);
    if (h != NULL)
        eh_hex_encode(b, n, h);
    return h;
}

static void t_datagram(text *t, const pair_run *p, size_t i)
{
    const relay_datagram *d = &p->d[i];
    const pw_frame *f = &p->w->frames[i];
    char *h = hex_of(d->data, d->len);
    tprintf(t, "#%zu +%.3f ms %s %zu bytes%s%s%s\n", i + 1, (double)d->t_us / 1000.0,
            from_initiator(p, d->dir) ? "I -> R" : "R -> I", d->len, f->coap[0] ? ": " : "",
            f->coap, d->forwarded ? "" : " (NOT forwarded)");
    tprintf(t, "     datagram: %s\n", h ? h : "");
    free(h);
    if (f->kind != PW_EDHOC) {
        if (f->kind != PW_OTHER && f->kind != PW_EMPTY)
            tprintf(t, "     (%s)\n", kind_names[f->kind]);
        return;
    }
    const pw_body *b = &p->w->bodies[f->body];
    const pj_note *n = &p->j->notes[f->body];
    char *diag = malloc(DIAG_CAP);
    h = hex_of(b->data, b->len);
    if (diag != NULL)
        eh_cbor_diag(b->data, b->len, diag, DIAG_CAP);
    tprintf(t, "  %s %s: payload %zu bytes (prefix %zu, message %zu)\n",
            from_initiator(p, b->dir) ? "->" : "<-", n->name, b->len, n->prefix_len,
            n->msg_len);
    tprintf(t, "     payload: %s\n", h ? h : "");
    tprintf(t, "     cbor: %s\n", diag ? diag : "");
    tprintf(t, "     %s: %s\n", n->ok ? "ok" : "FAIL", n->text);
    free(h);
    free(diag);
}

char *pair_transcript(const pair_run *p)
{
    const scenario *sc = p->o->sc;
    text t = {0};
    tprintf(&t, "pair %s (%s): %s\n", sc->id, sc->file, sc->title);
    tprintf(&t, "Initiator %s (%s), Responder %s (%s), %s, METHOD %d\n", p->o->initiator->name,
            p->o->initiator->file, p->o->responder->name, p->o->responder->file,
            p->res.transport, sc->method);
    if (p->cmd_r[0])
        tprintf(&t, "responder command: %s\n", p->cmd_r);
    if (p->cmd_i[0])
        tprintf(&t, "initiator command: %s\n", p->cmd_i);
    if (p->relay_port)
        tprintf(&t, "relay: 127.0.0.1:%d -> 127.0.0.1:%d (the %s)%s\n", p->relay_port,
                p->responder_port, p->o->reverse ? "Initiator" : "Responder",
                p->o->reverse ? "; the reverse message flow (RFC 9528 Appendix A.2.2)" : "");
    for (size_t i = 0; p->w != NULL && i < p->n_d && i < p->w->n_frames; i++)
        t_datagram(&t, p, i);
    if (p->unrecorded)
        tprintf(&t, "(%zu more datagrams relayed, not recorded)\n", p->unrecorded);
    if (p->exit_i[0])
        tprintf(&t, "initiator: %s\n", p->exit_i);
    if (p->exit_r[0])
        tprintf(&t, "responder: %s\n", p->exit_r);
    if (p->res.n_size_entries)
        tprintf(&t, "sizes (budget profile %s; reported, not judged):\n",
                p->res.size_entries[0].profile);
    for (size_t i = 0; i < p->res.n_size_entries; i++) {
        const sc_size_entry *e = &p->res.size_entries[i];
        char budget[24] = "none", minimum[24] = "unknown", prefix[48] = "";
        if (e->budget >= 0)
            snprintf(budget, sizeof budget, "%ld", e->budget);
        if (e->minimum >= 0)
            snprintf(minimum, sizeof minimum, "%ld", e->minimum);
        if (e->prefix > 0)
            snprintf(prefix, sizeof prefix, " (after a %ld-byte prefix)", e->prefix);
        tprintf(&t, "  message_%d from the %s: %ld bytes%s, budget %s, minimum %s%s\n",
                e->message, e->message % 2 ? "initiator" : "responder", e->size, prefix, budget,
                minimum, e->budget >= 0 && e->size > e->budget ? ", over budget" : "");
    }
    tprintf(&t, "verdict: %s\n", verdict_name(p->res.v));
    if (p->res.message[0])
        tprintf(&t, "  %s\n", p->res.message);
    if (t.full && t.s == NULL)
        return NULL;
    if (t.s == NULL)
        t.s = calloc(1, 1);
    return t.s;
}

/* ----------------------------------------------------------------- JSON */

static int put(json_t *o, const char *k, json_t *v)
{
    return v && json_object_set_new(o, k, v) == 0 ? 0 : -1;
}

/* A JSON string from bytes that may not be valid UTF-8 (peer-controlled). */
static json_t *jtext(const char *s)
{
    char *c = report_clean_text(s, strlen(s), false, (size_t)-1, NULL);
    json_t *j = c ? json_string(c) : NULL;
    free(c);
    return j;
}

static json_t *edhoc_json(const pair_run *p, const pw_frame *f)
{
    if (f->kind != PW_EDHOC || f->body < 0)
        return json_null();
    const pw_body *b = &p->w->bodies[f->body];
    const pj_note *n = &p->j->notes[f->body];
    json_t *o = json_object();
    char *diag = malloc(DIAG_CAP), *h = hex_of(b->data, b->len);
    if (diag != NULL)
        eh_cbor_diag(b->data, b->len, diag, DIAG_CAP);
    int bad = !o || !diag || !h || put(o, "name", json_string(n->name)) ||
              put(o, "ok", json_boolean(n->ok)) || put(o, "check", jtext(n->text)) ||
              put(o, "payload_bytes", json_integer((json_int_t)b->len)) ||
              put(o, "prefix_bytes", json_integer((json_int_t)n->prefix_len)) ||
              put(o, "message_bytes", json_integer((json_int_t)n->msg_len)) ||
              put(o, "payload_hex", json_string(h)) || put(o, "diag", jtext(diag)) ||
              put(o, "combined", json_boolean(b->combined));
    free(diag);
    free(h);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *datagrams_json(const pair_run *p)
{
    json_t *a = json_array();
    for (size_t i = 0; a && p->w != NULL && i < p->n_d && i < p->w->n_frames; i++) {
        const relay_datagram *d = &p->d[i];
        const pw_frame *f = &p->w->frames[i];
        json_t *o = json_object();
        char *h = hex_of(d->data, d->len);
        int bad = !o || !h || put(o, "index", json_integer((json_int_t)i + 1)) ||
                  put(o, "direction", json_string(dir_name(p, d->dir))) ||
                  put(o, "time_ms", json_real((double)d->t_us / 1000.0)) ||
                  put(o, "bytes", json_integer((json_int_t)d->len)) ||
                  put(o, "client", json_integer(d->client)) ||
                  put(o, "forwarded", json_boolean(d->forwarded)) ||
                  put(o, "hex", json_string(h)) ||
                  put(o, "coap", f->coap[0] ? jtext(f->coap) : json_null()) ||
                  put(o, "kind", json_string(kind_names[f->kind])) ||
                  put(o, "edhoc", edhoc_json(p, f));
        free(h);
        if (bad || json_array_append_new(a, o) != 0) {
            if (bad)
                json_decref(o);
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

json_t *pair_result_json(const pair_run *p)
{
    json_t *o = report_result_json(&p->res);
    if (o == NULL)
        return NULL;
    /* budgets: who sent each message (both are IUTs here) */
    json_t *budgets = json_object_get(o, "budgets");
    for (size_t i = 0; i < json_array_size(budgets); i++)
        json_object_set_new(json_array_get(budgets, i), "from",
                            json_string(p->res.size_entries[i].message % 2 ? "initiator"
                                                                           : "responder"));
    json_t *rl = p->relay_port ? json_object() : json_null();
    if (rl && p->relay_port &&
        (put(rl, "port", json_integer(p->relay_port)) ||
         put(rl, "responder_port", json_integer(p->responder_port)) ||
         put(rl, "unrecorded", json_integer((json_int_t)p->unrecorded)))) {
        json_decref(rl);
        rl = NULL;
    }
    if (put(o, "initiator", json_string(p->o->initiator->name)) ||
        put(o, "responder", json_string(p->o->responder->name)) ||
        put(o, "initiator_command", jtext(p->cmd_i)) ||
        put(o, "responder_command", jtext(p->cmd_r)) ||
        put(o, "initiator_exit", json_string(p->exit_i)) ||
        put(o, "responder_exit", json_string(p->exit_r)) ||
        put(o, "initiator_stdout_path", json_string(p->out_i)) ||
        put(o, "initiator_stderr_path", json_string(p->err_i)) ||
        put(o, "responder_stdout_path", json_string(p->out_r)) ||
        put(o, "responder_stderr_path", json_string(p->err_r)) || put(o, "relay", rl) ||
        put(o, "datagrams", datagrams_json(p))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

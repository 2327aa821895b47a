/* pair_job.c - see pair_job.h. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../edhoc/sizes.h"
#include "../peer/credfile.h"
#include "../runner/iut.h"
#include "../scenario/exec.h"
#include "../scenario/profile.h"
#include "../transport/free_port.h"
#include "../transport/pcap_file.h"
#include "../transport/udp.h"
#include "child_pool.h"
#include "pair_internal.h"

#define HOST "127.0.0.1"

/* ------------------------------------------------------------ selection */

static bool launchable(const peer_role_spec *r)
{
    return r->present && r->fixed_port == 0 && r->command[0];
}

int pair_flow(const peer_file *initiator, const peer_file *responder)
{
    if (sc_peer_has_forward_flow(initiator) && sc_peer_has_forward_flow(responder))
        return PAIR_FLOW_FORWARD;
    if (sc_peer_has_reverse_flow(initiator) && sc_peer_has_reverse_flow(responder))
        return PAIR_FLOW_REVERSE;
    return PAIR_FLOW_NONE;
}

static bool speaks_coap(const peer_file *pf)
{
    return peer_has_capability(pf, "coap") ||
           !(peer_has_capability(pf, "udp") || peer_has_capability(pf, "coap-tcp"));
}

int pair_transport(const scenario *sc, const peer_file *initiator, const peer_file *responder)
{
    if (sc->pins_transport)
        return (int)sc->transport;
    if (speaks_coap(initiator) && speaks_coap(responder))
        return SC_COAP;
    if (peer_has_capability(initiator, "udp") && peer_has_capability(responder, "udp"))
        return SC_UDP;
    return -1;
}

const char *pair_job_refusal(const pair_job_opts *o, char *buf, size_t cap)
{
    if (pair_flow(o->initiator, o->responder) == PAIR_FLOW_NONE) {
        snprintf(buf, cap, "no message flow in common: one of %s and %s has only forward "
                 "profiles, the other only reverse ones (RFC 9528 Appendix A.2)",
                 o->initiator->name, o->responder->name);
        return buf;
    }
    if (!launchable(&o->initiator->initiator)) {
        snprintf(buf, cap, "%s has no initiator command to launch (none, or an address)",
                 o->initiator->name);
        return buf;
    }
    if (!launchable(&o->responder->responder)) {
        snprintf(buf, cap, "%s has no responder command to launch (none, or an address)",
                 o->responder->name);
        return buf;
    }
    if (o->transport < 0) {
        snprintf(buf, cap, "no transport in common: %s and %s claim neither both `coap` nor "
                 "both `udp`", o->initiator->name, o->responder->name);
        return buf;
    }
    if (o->transport == SC_COAP_TCP)
        return "CoAP over TCP: the relay carries datagrams only (CoAP over UDP, raw UDP)";
    if (o->reverse && o->transport != SC_COAP)
        return "raw UDP has no reverse message flow (RFC 9528 Appendix A.2.2 is CoAP's)";
    char why[160];
    if (o->reverse && !sc_runs_in_reverse_flow(o->sc, why, sizeof why)) {
        snprintf(buf, cap, "not in the reverse message flow: %s", why);
        return buf;
    }
    for (size_t k = 0; k < o->sc->n_needs; k++) {
        const peer_file *pf = !peer_has_capability(o->initiator, o->sc->needs[k]) ? o->initiator
                              : !peer_has_capability(o->responder, o->sc->needs[k])
                                  ? o->responder
                                  : NULL;
        if (pf != NULL) {
            snprintf(buf, cap, "%s lacks the capability '%s'", pf->name, o->sc->needs[k]);
            return buf;
        }
    }
    return NULL;
}

static bool plain_send(const sc_step *st, const char *message)
{
    return strcmp(st->message, message) == 0 && !st->combined && !st->with_c_r &&
           !st->has_prefix && !st->again && st->n_mutations == 0 && st->n_faults == 0;
}

bool pair_scenario_ok(const scenario *sc)
{
    if (strncmp(sc->id, "interop/", 8) != 0 || sc->role != SC_BOTH || sc->iut_peer_cred[0] ||
        sc->own_id_cred.n > 0 || sc->n_steps == 0)
        return false;
    bool m1 = false, m3 = false;
    for (size_t i = 0; i < sc->n_steps; i++) {
        const sc_step *st = &sc->steps[i];
        switch (st->kind) {
        case SC_STEP_SEND:
            if (plain_send(st, "message_1") && !m1)
                m1 = true;
            else if (plain_send(st, "message_3") && m1 && !m3)
                m3 = true;
            else
                return false;
            break;
        case SC_STEP_EXPECT:
            for (size_t k = 0; k < st->n_outcomes; k++) {
                const sc_outcome *oc = &st->outcomes[k];
                if (oc->kind != SC_OUT_MESSAGE || oc->non_strict ||
                    (strcmp(oc->message, "message_2") && strcmp(oc->message, "accepted") &&
                     strcmp(oc->message, "message_4")))
                    return false;
            }
            break;
        case SC_STEP_OSCORE:
            break;
        default:
            return false;
        }
    }
    return m1 && m3;
}

/* ---------------------------------------------------------------- paths */

static void safe_copy(char *out, size_t cap, const char *s)
{
    size_t i = 0;
    for (; s[i] && i + 1 < cap; i++)
        out[i] = s[i] == '/' || s[i] == ' ' ? '_' : s[i];
    out[i] = 0;
}

void pair_dir(const pair_job_opts *o, char *out, size_t cap)
{
    snprintf(out, cap, "pairs/%s__%s", o->initiator->name, o->responder->name);
}

void pair_stem(const scenario *sc, char *out, size_t cap)
{
    safe_copy(out, cap, sc->id);
}

/* ---------------------------------------------------------------- result */

static void base(const pair_job_opts *o, sc_result *res)
{
    const scenario *sc = o->sc;
    memset(res, 0, sizeof *res);
    snprintf(res->id, sizeof res->id, "%s", sc->id);
    snprintf(res->title, sizeof res->title, "%s", sc->title);
    snprintf(res->area, sizeof res->area, "interop.pairs");
    snprintf(res->role, sizeof res->role, "relay");
    snprintf(res->level, sizeof res->level, "%s",
             sc->level == SC_MUST ? "MUST" : sc->level == SC_SHOULD ? "SHOULD" : "INFO");
    size_t k = 0;
    for (size_t i = 0; i < sc->n_requirements && k + 1 < sizeof res->requirements; i++) {
        int w = snprintf(res->requirements + k, sizeof res->requirements - k, "%s%s",
                         i ? ", " : "", sc->requirements[i]);
        if (w < 0)
            break;
        k += (size_t)w;
    }
    res->method = sc->method;
    res->suite = sc->n_suites ? sc->suites[sc->n_suites - 1] : -1;
    snprintf(res->transport, sizeof res->transport, "%s",
             o->transport == SC_UDP ? "udp" : o->transport == SC_COAP_TCP ? "coap-tcp" : "coap");
    res->seed = o->seed;
    for (int m = 0; m < 5; m++)
        res->sizes[m] = -1;
}

json_t *pair_job_result(const pair_job_opts *o, verdict v, const char *message)
{
    pair_run p;
    memset(&p, 0, sizeof p);
    p.o = o;
    base(o, &p.res);
    p.res.v = v;
    snprintf(p.res.message, sizeof p.res.message, "%s", message);
    return pair_result_json(&p);
}

/* ------------------------------------------------------------------ run */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void join_list(char *out, size_t cap, const int *v, size_t n)
{
    size_t k = 0;
    out[0] = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        int w = snprintf(out + k, cap - k, "%s%d", i ? "," : "", v[i]);
        if (w < 0)
            break;
        k += (size_t)w;
    }
}

/* Bytes ID_CRED_x takes in PLAINTEXT_x for a credential; -1 unknown. */
static long id_cred_len(const pair_job_opts *o, const char *name)
{
    credfile_id id = CREDFILE_KID;
    credfile *c = malloc(sizeof *c);
    long n = -1;
    if (c != NULL && (!o->sc->cred_id[0] || credfile_id_parse(o->sc->cred_id, &id) == 0) &&
        credfile_load(o->cred_dir, name, id, c) == 0) {
        n = (long)eh_id_cred_size(c->id_cred, c->id_cred_len);
        credfile_wipe(c);
    }
    free(c);
    return n;
}

static void describe_exit(const iut_exit *ex, bool killed_by_us, char *out, size_t cap)
{
    if (killed_by_us)
        snprintf(out, cap, "still running at the end: stopped%s", ex->killed ? " (SIGKILL)" : "");
    else if (ex->signal)
        snprintf(out, cap, "killed by signal %d", ex->signal);
    else
        snprintf(out, cap, "exited with code %d", ex->code);
}

/* The last non-empty line of a file (at most cap - 1 bytes of it). */
static void last_line(const char *path, char *out, size_t cap)
{
    out[0] = 0;
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    char line[512];
    while (fgets(line, sizeof line, f) != NULL) {
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' '))
            line[--n] = 0;
        if (n)
            snprintf(out, cap, "%s", line);
    }
    fclose(f);
}

typedef struct launch {
    iut_proc *p;
    iut_exit ex;
    bool stopped; /* still running when we stopped it */
} launch;

static iut_proc *start(int slot, const pair_job_opts *o, const peer_role_spec *spec, int port,
                       const char *cred, const char *peer_cred, char *cmd, const char *out,
                       const char *err)
{
    const scenario *sc = o->sc;
    char port_s[16], method_s[16], suite_s[16], suites_s[128];
    snprintf(port_s, sizeof port_s, "%d", port);
    snprintf(method_s, sizeof method_s, "%d", sc->method);
    snprintf(suite_s, sizeof suite_s, "%d", sc->n_suites ? sc->suites[sc->n_suites - 1] : 2);
    join_list(suites_s, sizeof suites_s, sc->suites, sc->n_suites);
    const char *transport = o->transport == SC_UDP ? "udp" : "coap";
    /* both talk to the CoAP server's EDHOC resource: the Responder's, or in
     * the reverse flow the Initiator's */
    const peer_file *server = o->reverse ? o->initiator : o->responder;
    iut_vars v = {.host = HOST,
                  .edhoc_path = o->transport == SC_UDP ? "" : server->edhoc_path,
                  .port = port_s,
                  .creds_dir = o->cred_dir,
                  .method = method_s,
                  .suite = suite_s,
                  .suites = suites_s,
                  .vector = sc->vector,
                  .harness = o->harness_path,
                  .cred = cred,
                  .peer_cred = peer_cred,
                  .transport = transport,
                  .cred_id = sc->cred_id[0] ? sc->cred_id : "kid",
                  .message_4 = sc->message_4 ? "message_4" : "",
                  .flow = o->reverse ? "reverse" : "forward",
                  .oscore = iut_oscore_value(sc_uses_oscore(sc),
                                              peer_has_capability(o->initiator, "oscore") &&
                                                  peer_has_capability(o->responder, "oscore"))};
    if (iut_expand(spec->command, &v, cmd, SC_MAX_CMD) != 0)
        return NULL;
    return iut_start_tracked(cmd, out, err, child_pool_iut_slot(slot));
}

static void full(const pair_job_opts *o, const char *rel, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", o->out_dir, rel);
}

/* The verdict text (cut to fit: it may quote the IUT and the judge). */
static void set_msg(sc_result *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_msg(sc_result *res, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->message, sizeof res->message, fmt, ap);
    va_end(ap);
}

/* The verdict from the client's exit (the Initiator; in the reverse flow
 * the Responder) and the judgement; then the server's end. */
static void verdict_of(pair_run *p, const launch *a, const launch *b, const pj_report *j,
                       int bound_ms)
{
    sc_result *res = &p->res;
    bool rev = p->o->reverse;
    const launch *cli = rev ? b : a, *srv = rev ? a : b;
    const char *cr = rev ? "Responder" : "Initiator", *sr = rev ? "Initiator" : "Responder";
    const peer_file *cpf = rev ? p->o->responder : p->o->initiator,
                    *spf = rev ? p->o->initiator : p->o->responder;
    char line[200], path[PAIR_PATH + 64];
    full(p->o, rev ? p->err_r : p->err_i, path, sizeof path);
    last_line(path, line, sizeof line);
    if (!line[0]) {
        full(p->o, rev ? p->out_r : p->out_i, path, sizeof path);
        last_line(path, line, sizeof line);
    }
    char said[260] = "";
    if (line[0])
        snprintf(said, sizeof said, " (its last line: \"%s\")", line);
    char first[1100] = "";
    if (j->finding[0])
        snprintf(first, sizeof first, "; first problem: %s", j->finding);
    if (cli->stopped) {
        res->v = V_FAIL;
        set_msg(res, "the %s did not exit within %d ms and was stopped; the relay saw: %s%s",
                cr, bound_ms, j->stage, first);
    } else if (cli->ex.signal) {
        res->v = V_ERROR;
        set_msg(res, "the %s crashed (signal %d); the relay saw: %s%s", cr, cli->ex.signal,
                j->stage, first);
    } else if (cli->ex.code == cpf->not_implemented_exit) {
        res->v = V_SKIPPED;
        set_msg(res, "the %s exited with code %d: scenario not implemented", cr, cli->ex.code);
    } else if (cli->ex.code != 0) {
        res->v = V_FAIL;
        set_msg(res, "the %s exited with code %d%s; the relay saw: %s%s", cr, cli->ex.code,
                said, j->stage, first);
    } else if (j->finding[0]) {
        res->v = V_FAIL;
        set_msg(res, "%s", j->finding);
    } else if (!j->complete) {
        res->v = V_FAIL;
        set_msg(res, "the %s exited 0, but the relay did not see the whole handshake%s: it "
                "saw %s", cr, p->o->sc->message_4 ? " (with message_4)" : "", j->stage);
    } else {
        res->v = V_PASS;
        set_msg(res, "handshake relayed%s: %s, each checked (structure and prefixes; the "
                "ciphertexts are not decrypted)", rev ? " in the reverse message flow" : "",
                j->stage);
    }
    bool srv_exited = !srv->stopped && srv->ex.exited;
    if (srv_exited && !srv->ex.signal && srv->ex.code == spf->not_implemented_exit &&
        res->v != V_PASS) {
        res->v = V_SKIPPED;
        set_msg(res, "the %s exited with code %d: scenario not implemented", sr, srv->ex.code);
    } else if (srv->ex.signal && srv->ex.signal != SIGTERM && srv->ex.signal != SIGKILL &&
               res->v != V_FAIL) {
        res->v = V_ERROR;
        set_msg(res, "the %s crashed (signal %d)", sr, srv->ex.signal);
    } else if (rev && srv_exited && !srv->ex.signal && srv->ex.code != 0 && res->v == V_PASS) {
        /* the reverse Initiator ends after its handshake: 0 done, 1 failed */
        res->v = V_FAIL;
        set_msg(res, "the Initiator exited with code %d after the handshake the relay saw "
                "complete (%s): it rejected something it received", srv->ex.code, j->stage);
    }
}

/* The server's readiness failure as the result (role: "Responder", or the
 * reverse flow's "Initiator"); true when there was one. */
static bool not_ready(pair_run *p, iut_ready r, launch *b, int slot, const char *role,
                      const peer_file *pf)
{
    if (r == IUT_READY)
        return false;
    iut_stop_tracked(b->p, 1000, &b->ex, child_pool_iut_slot(slot));
    b->p = NULL;
    char *exit_text = slot == 0 ? p->exit_i : p->exit_r;
    describe_exit(&b->ex, false, exit_text, sizeof p->exit_r);
    if (r == IUT_EXITED && !b->ex.signal && b->ex.code == pf->not_implemented_exit) {
        p->res.v = V_SKIPPED;
        set_msg(&p->res, "the %s exited with code %d: scenario not implemented", role,
                b->ex.code);
    } else {
        p->res.v = V_ERROR;
        set_msg(&p->res, "the %s %s (%s)", role,
                 r == IUT_EXITED ? "exited before it was ready" : "never became ready",
                 exit_text);
    }
    return true;
}

/* The datagrams the relay saw on the Initiator's side (the Initiator's
 * address and the relay's), as a pcap next to the transcript (see
 * transport/pcap_file.h); t0 is the real time the relay started. */
static void write_pcap(pair_run *p, const relay *rl, const struct timespec *t0)
{
    char path[PAIR_PATH + 64], err[160];
    struct sockaddr_storage me, them;
    socklen_t me_len, them_len;
    full(p->o, p->res.pcap_path, path, sizeof path);
    tr_pcap *cap = tr_pcap_open(path, 10000, 4u << 20, err, sizeof err);
    if (cap == NULL || !relay_listen_addr(rl, &me, &me_len)) {
        if (cap != NULL)
            tr_pcap_discard(cap);
        p->res.pcap_path[0] = 0;
        return;
    }
    for (size_t i = 0; i < p->n_d; i++) {
        const relay_datagram *d = &p->d[i];
        if (!relay_client_addr(rl, d->client, &them, &them_len))
            continue;
        struct timespec ts = *t0;
        ts.tv_sec += d->t_us / 1000000;
        ts.tv_nsec += (long)(d->t_us % 1000000) * 1000;
        if (ts.tv_nsec >= 1000000000L)
            ts.tv_sec++, ts.tv_nsec -= 1000000000L;
        bool up = d->dir == RELAY_TO_RESPONDER;
        tr_pcap_add_udp(cap, (const struct sockaddr *)(up ? &them : &me),
                        (const struct sockaddr *)(up ? &me : &them), d->data, d->len, d->len, &ts);
    }
    if (tr_pcap_close(cap, err, sizeof err) != 0)
        p->res.pcap_path[0] = 0;
}

static void write_transcript(pair_run *p)
{
    char *t = pair_transcript(p), path[PAIR_PATH + 64];
    if (t == NULL)
        return;
    full(p->o, p->res.transcript_path, path, sizeof path);
    FILE *f = fopen(path, "w");
    if (f != NULL) {
        fputs(t, f);
        fclose(f);
    }
    p->res.transcript = t; /* freed by the caller */
}

json_t *pair_job_run(const pair_job_opts *o)
{
    const scenario *sc = o->sc;
    pair_run *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    launch a = {0}, b = {0};
    relay *rl = NULL;
    struct timespec t0_real; /* when the relay started, for the capture's timestamps */
    clock_gettime(CLOCK_REALTIME, &t0_real);
    pw_result w = {0};
    pj_report j;
    memset(&j, 0, sizeof j);
    double t0 = now_s();
    p->o = o;
    base(o, &p->res);

    char dir[160], stem[SC_MAX_ID], path[PAIR_PATH + 64], err[256];
    pair_dir(o, dir, sizeof dir);
    pair_stem(sc, stem, sizeof stem);
    full(o, "pairs", path, sizeof path);
    mkdir(o->out_dir, 0777);
    mkdir(path, 0777);
    full(o, dir, path, sizeof path);
    mkdir(path, 0777);
    snprintf(p->out_i, sizeof p->out_i, "%s/%s.initiator.stdout", dir, stem);
    snprintf(p->err_i, sizeof p->err_i, "%s/%s.initiator.stderr", dir, stem);
    snprintf(p->out_r, sizeof p->out_r, "%s/%s.responder.stdout", dir, stem);
    snprintf(p->err_r, sizeof p->err_r, "%s/%s.responder.stderr", dir, stem);
    snprintf(p->res.transcript_path, sizeof p->res.transcript_path, "%s/%s.txt", dir, stem);
    snprintf(p->res.pcap_path, sizeof p->res.pcap_path, "%s/%s.pcap", dir, stem);

    const char *cred_i, *cred_r; /* the Initiator's and the Responder's credentials */
    sc_cred_names(sc, SC_HARNESS_INITIATOR, &cred_i, &cred_r);
    const peer_role_spec *rs = &o->responder->responder, *is = &o->initiator->initiator;

    /* The CoAP server first (B, the Responder; in the reverse flow A, the
     * Initiator), then the relay towards it, then the client pointed at the
     * relay. Slots: 0 the Initiator, 1 the Responder (child_pool.h). */
    bool rev = o->reverse;
    launch *srv = rev ? &a : &b, *cli = rev ? &b : &a;
    const peer_role_spec *ss = rev ? is : rs, *cs = rev ? rs : is;
    const peer_file *spf = rev ? o->initiator : o->responder;
    const char *srv_role = rev ? "Initiator" : "Responder", *cli_role = rev ? "Responder"
                                                                         : "Initiator";
    int srv_slot = rev ? 0 : 1, cli_slot = rev ? 1 : 0;
    char out[PAIR_PATH + 64], errp[PAIR_PATH + 64];
    p->responder_port = tr_free_port(HOST); /* the server's */
    full(o, rev ? p->out_i : p->out_r, out, sizeof out);
    full(o, rev ? p->err_i : p->err_r, errp, sizeof errp);
    srv->p = p->responder_port > 0
                 ? start(srv_slot, o, ss, p->responder_port, rev ? cred_i : cred_r,
                         rev ? cred_r : cred_i, rev ? p->cmd_i : p->cmd_r, out, errp)
                 : NULL;
    if (srv->p == NULL) {
        p->res.v = V_ERROR;
        set_msg(&p->res, "cannot start the %s (%s's %s command)", srv_role, spf->name,
                rev ? "initiator" : "responder");
        goto done;
    }
    /* a reverse Initiator without a ready line is awaited with a CoAP ping */
    if (ss->ready_line[0] || ss->ready_probe || rev) {
        iut_ready r = iut_wait_ready(srv->p, ss->ready_probe || !ss->ready_line[0]
                                                 ? NULL : ss->ready_line,
                                     HOST, p->responder_port, peer_ready_timeout_ms(ss));
        if (not_ready(p, r, srv, srv_slot, srv_role, spf))
            goto done;
    }

    clock_gettime(CLOCK_REALTIME, &t0_real);
    rl = relay_start(HOST, p->responder_port, err, sizeof err);
    if (rl == NULL) {
        p->res.v = V_ERROR;
        set_msg(&p->res, "%s", err);
        goto done;
    }
    p->relay_port = relay_port(rl);
    full(o, rev ? p->out_r : p->out_i, out, sizeof out);
    full(o, rev ? p->err_r : p->err_i, errp, sizeof errp);
    cli->p = start(cli_slot, o, cs, p->relay_port, rev ? cred_r : cred_i, rev ? cred_i : cred_r,
                   rev ? p->cmd_r : p->cmd_i, out, errp);
    if (cli->p == NULL) {
        p->res.v = V_ERROR;
        set_msg(&p->res, "cannot start the %s (%s's %s command)", cli_role,
                rev ? o->responder->name : o->initiator->name, rev ? "responder" : "initiator");
        goto done;
    }
    /* The client bounds each of its waits itself; this bounds the whole. */
    int bound = (int)(sc->n_steps + 2) * o->timeout_ms;
    if (!iut_wait(cli->p, bound, &cli->ex))
        cli->stopped = true;
    iut_stop_tracked(cli->p, 1000, cli->stopped ? &cli->ex : NULL, child_pool_iut_slot(cli_slot));
    cli->p = NULL;
    relay_stop(rl);
    iut_exit sx;
    memset(&sx, 0, sizeof sx);
    /* a reverse Initiator serves one handshake and exits: a moment for that */
    srv->stopped = !(rev ? iut_wait(srv->p, 200, &sx) : iut_poll(srv->p, &sx));
    iut_stop_tracked(srv->p, 1000, &srv->ex, child_pool_iut_slot(srv_slot));
    srv->p = NULL;
    if (!srv->stopped)
        srv->ex = sx;
    describe_exit(&a.ex, a.stopped, p->exit_i, sizeof p->exit_i);
    describe_exit(&b.ex, b.stopped, p->exit_r, sizeof p->exit_r);

    /* judge */
    p->d = relay_records(rl, &p->n_d);
    p->unrecorded = relay_unrecorded(rl);
    pj_expect e = {.coap = o->transport != SC_UDP, .reverse = rev, .message_4 = sc->message_4,
                   .budget = o->budget, .suites = sc->suites, .n_suites = sc->n_suites,
                   .id_cred_i_len = id_cred_len(o, cred_i),
                   .id_cred_r_len = id_cred_len(o, cred_r)};
    const peer_file *server = rev ? o->initiator : o->responder;
    if (pw_split(e.coap, p->d, p->n_d, server->edhoc_path, &w) != 0 ||
        pj_judge(&w, &e, &j) != 0) {
        p->res.v = V_ERROR;
        set_msg(&p->res, "out of memory judging the pair");
        goto done;
    }
    p->w = &w;
    p->j = &j;
    for (size_t i = 0; i < j.n_sizes; i++) {
        p->res.size_entries[p->res.n_size_entries++] = j.sizes[i];
        p->res.sizes[j.sizes[i].message - 1] = j.sizes[i].size;
    }
    verdict_of(p, &a, &b, &j, bound);
done:
    if (a.p != NULL) {
        iut_stop_tracked(a.p, 1000, &a.ex, child_pool_iut_slot(0));
        describe_exit(&a.ex, true, p->exit_i, sizeof p->exit_i);
    }
    if (b.p != NULL) {
        iut_stop_tracked(b.p, 1000, &b.ex, child_pool_iut_slot(1));
        describe_exit(&b.ex, true, p->exit_r, sizeof p->exit_r);
    }
    relay_stop(rl);
    if (rl != NULL) {
        p->d = relay_records(rl, &p->n_d);
        write_pcap(p, rl, &t0_real);
    } else {
        p->res.pcap_path[0] = 0;
    }
    p->res.seconds = now_s() - t0;
    write_transcript(p);
    json_t *result = pair_result_json(p);
    free(p->res.transcript);
    pj_free(&j);
    pw_free(&w);
    relay_free(rl);
    free(p);
    return result;
}

/*
 * explore.c - see explore.h and harness/explore/README.md.
 *
 * Breadth first: every sequence of length d+1 extends a sequence of length
 * d that ran and conformed, with every input the harness can give in the
 * state its outputs led to. Equivalence under the model: children of the
 * same sequence that conform and lead to the same model state with the harness
 * holding the same material have the same future in the model; all of them
 * run (each checks its own transition), one representative (chosen with the
 * seed) is extended. A sequence that deviates is not extended; its deviation
 * is confirmed on a fresh IUT and shrunk: single inputs are removed as long
 * as what is left still shows the same deviation (the same input answered
 * with the same kind of output); no shorter prefix shows one, since the
 * prefixes ran first.
 */
#define _GNU_SOURCE /* strdup */
#include "explore.h"
#include "../common/mkdirs.h"
#include "../edhoc/edhoc.h"
#include "../peer/credfile.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../report/dot_render.h"
#include "../report/report.h"
#include "../report/report_json.h"
#include "../runner/peer_template.h"
#include "../runner/run_html.h"
#include "../runner/reaper.h"
#include "../runner/runner.h"
#include "../scenario/profile.h"
#include "../transport/udp.h"
#include "explore_internal.h"

#define MAX_NODES 200000

typedef struct xclass {
    size_t runs, pass, nonstrict, inconclusive, errors;
    double seconds;
    xseq example;
    char note[512];               /* a non-strict or inconclusive result's text */
    bool has_dev;
    xseq dev;
    char dev_kind[16], dev_msg[4096], dev_transcript[512];
    bool shrunk, reproduced;
    xseq min;
    char min_msg[4096], min_transcript[512], scenario_path[1400];
    char err_msg[4096];
} xclass;

typedef struct explore {
    xctx c;
    xclass cls[XM_MAX_STATES][XM_MAX_INPUTS];
    /* observed edges: to[state][input][output] + 1 (0: not seen) */
    signed char seen_to[XM_MAX_STATES][XM_MAX_INPUTS][XM_MAX_OUTPUTS];
    size_t n_runs, n_pruned, n_not_compiled;
} explore;

/* ------------------------------------------------------------- set-up */

static int parse_suites(const char *s, int *out, size_t *n)
{
    *n = 0;
    while (s && *s) {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s || *n == 8 || v < -24 || v > 255)
            return -1;
        out[(*n)++] = (int)v;
        s = *end == ',' ? end + 1 : end;
        if (*end && *end != ',')
            return -1;
    }
    return *n ? 0 : -1;
}

/* Is the harness's credential in the profile identified by a one-byte kid whose
 * compact form is a CBOR int (ID_CRED {4: h'XX'}), the case the inputs about its
 * encodings (need kid: m2_kid_bstr, m3_kid_bstr, m2_id_cred_map) change? */
static bool compact_kid(const xctx *c, bool iut_responder)
{
    char ci[SC_MAX_NAME], cr[SC_MAX_NAME];
    credfile *cf;
    if (strcmp(c->prof.cred_id, "kid") != 0 ||
        sc_profile_creds(&c->prof, c->cred_files, ci, cr, sizeof ci) != 0 ||
        (cf = malloc(sizeof *cf)) == NULL)
        return false;
    bool ok = credfile_load(c->o->cred_dir, iut_responder ? ci : cr, CREDFILE_KID, cf) == 0 &&
              cf->id_cred_len == 4 && cf->id_cred[0] == 0xa1 && cf->id_cred[1] == 0x04 &&
              cf->id_cred[2] == 0x41 && eh_conn_id_is_int(&cf->id_cred[3], 1);
    credfile_wipe(cf);
    free(cf);
    return ok;
}

static int setup(explore *e, const explore_opts *o, char *err, size_t cap)
{
    xctx *c = &e->c;
    c->o = o;
    c->m = malloc(sizeof *c->m);
    c->pf = calloc(1, sizeof *c->pf);
    if (c->m == NULL || c->pf == NULL) {
        snprintf(err, cap, "out of memory");
        return -1;
    }
    if (peer_file_load(o->peer_file, c->pf, err, cap) != 0 ||
        peer_template_refused(c->pf, o->peer_file, o->allow_template, err, cap))
        return -1;
    bool fwd = sc_peer_has_forward_flow(c->pf), rev = sc_peer_has_reverse_flow(c->pf);
    c->cred_files = peer_has_capability(c->pf, "cred-files");
    if (o->profile) {
        char label[64], known[512];
        size_t k = 0;
        known[0] = 0;
        for (size_t i = 0; i < c->pf->n_profiles && !c->has_prof; i++) {
            if (sc_profile_label(&c->pf->profiles[i], label, sizeof label) != 0)
                continue;
            if (strcmp(label, o->profile) == 0)
                c->prof = c->pf->profiles[i], c->has_prof = true;
            else if (k + strlen(label) + 3 < sizeof known)
                k += (size_t)snprintf(known + k, sizeof known - k, "%s%s", k ? ", " : "", label);
        }
        if (!c->has_prof) {
            snprintf(err, cap, "--profile %.60s: not a profile of %.200s (it has: %.200s)",
                     o->profile, o->peer_file, known);
            return -1;
        }
        if (o->flow && (strcmp(o->flow, "reverse") == 0) != (c->prof.flow == SC_FLOW_REVERSE)) {
            snprintf(err, cap, "--profile %.60s is in the %s message flow, not --flow %s",
                     o->profile, c->prof.flow == SC_FLOW_REVERSE ? "reverse" : "forward",
                     o->flow);
            return -1;
        }
        fwd = c->prof.flow != SC_FLOW_REVERSE, rev = !fwd;
    }
    c->reverse = o->flow ? strcmp(o->flow, "reverse") == 0 : !fwd;
    if (o->flow && !(c->reverse ? rev : fwd)) {
        snprintf(err, cap, "%s: --flow %s: no profile of the peer file is in the %s message "
                           "flow (RFC 9528 Appendix A.2)", o->peer_file, o->flow, o->flow);
        return -1;
    }
    if (c->reverse && o->transport && strcmp(o->transport, "udp") == 0) {
        snprintf(err, cap, "the reverse message flow is CoAP's (RFC 9528 Appendix A.2.2): "
                           "--transport udp has no client and server");
        return -1;
    }
    int rc = o->model_file ? xm_load_file(c->m, o->model_file, err, cap)
                           : xm_load_builtin(c->m, o->role, c->reverse, err, cap);
    if (rc != 0)
        return -1;
    if (c->m->reverse != c->reverse) {
        snprintf(err, cap, "the model %.300s is for the %s message flow, the run's is %s",
                 c->m->file, c->m->reverse ? "reverse" : "forward",
                 c->reverse ? "reverse" : "forward");
        return -1;
    }
    if (strcmp(c->m->role, o->role) != 0) {
        snprintf(err, cap, "the model %.300s is for an IUT %s, not %s", c->m->file, c->m->role,
                 o->role);
        return -1;
    }
    bool iut_responder = c->m->iut_role == SC_HARNESS_INITIATOR;
    const peer_role_spec *spec = iut_responder ? &c->pf->responder : &c->pf->initiator;
    if (!spec->present) {
        snprintf(err, cap, "%s: no IUT %s in the peer file", o->peer_file, o->role);
        return -1;
    }
    snprintf(c->role_harness, sizeof c->role_harness, "%s",
             iut_responder ? "initiator" : "responder");
    if (explore_transport_udp(o, c->pf, &c->udp, err, cap) != 0)
        return -1;
    if (c->reverse && c->udp) {
        snprintf(err, cap, "the reverse message flow is CoAP's (RFC 9528 Appendix A.2.2); "
                           "the IUT claims raw UDP only");
        return -1;
    }
    c->oscore = c->has_prof ? c->prof.oscore : peer_has_capability(c->pf, "oscore");
    c->rfc9668 = c->oscore && peer_has_capability(c->pf, "rfc9668") && !c->udp;
    c->profile = xm_profile(!o->no_message_4 && (o->message_4 || (c->has_prof &&
                                                                   c->prof.message_4)),
                            c->oscore);
    /* sizes are `run`'s concern unless asked for (--budget): a reused IUT
     * Responder with many sessions chooses longer identifiers, which a budget
     * would grade (with --fresh every sequence meets a new IUT) */
    if (sc_budget_parse(o->budget ? o->budget : "none", &c->budget) != 0) {
        snprintf(err, cap, "--budget %.60s: rfc9528, none or a budget file", o->budget);
        return -1;
    }
    /* 6,2 makes the first message_1 one the harness answers with ERR_CODE 2, which
     * the reverse flow's harness Responder does not send */
    const char *suites = o->suites                                           ? o->suites
                         : !iut_responder && !c->reverse &&
                                   peer_has_capability(c->pf, "suite-6") ? "6,2"
                                                                          : "2";
    if (parse_suites(suites, c->suites, &c->n_suites) != 0) {
        snprintf(err, cap, "--suites: a comma-separated list of suites, e.g. 6,2");
        return -1;
    }
    if (c->has_prof && !o->suites) {
        c->suites[0] = c->prof.suite, c->n_suites = 1;
        /* an IUT Initiator with another suite for the same METHOD and kind of
         * credential is told [that suite, the profile's] in the forward flow, as
         * [6, 2] by default: its first message_1 meets ERR_CODE 2 (§6.3). That
         * suite is run's `other` (sc_profiles_pair_suites, scenario/profile.h) */
        if (!iut_responder && !c->reverse && c->prof.has_other_suite) {
            c->suites[0] = c->prof.other_suite, c->suites[1] = c->prof.suite, c->n_suites = 2;
            c->suites_paired = true;
        }
    }
    c->kid = !c->has_prof || compact_kid(c, iut_responder);
    /* $PREFERRED: the lowest other suite of the IUT's profiles with the
     * session's METHOD, kind of credential, framing and flow. Whether an IUT that has a
     * suite only with another METHOD or credential (suite 0 only with METHOD 0
     * and x5t) "supports" it in this session, RFC 9528 §5.2.3 leaves open: it
     * could not complete that session in it, so it may take the selected suite
     * (the same reading as run's, scenario/profile.c) */
    for (size_t i = 0; i < c->pf->n_profiles; i++) {
        const sc_profile *p = &c->pf->profiles[i];
        int s = p->suite;
        if (c->has_prof && (p->method != c->prof.method || p->flow != c->prof.flow ||
                            p->framing != c->prof.framing ||
                            strcmp(p->cred_id, c->prof.cred_id) != 0))
            continue;
        if (s != c->suites[c->n_suites - 1] && (!c->has_preferred || s < c->preferred))
            c->preferred = s, c->has_preferred = true;
    }
    for (size_t i = 0; i < c->m->n_in; i++)
        c->kind[i] = xin_kind(c->m->in[i].n_steps ? c->m->in[i].steps[0] : NULL,
                              c->m->in[i].needs);
    /* the alphabet: --symbols, or every input the transport allows */
    bool chosen[XM_MAX_INPUTS] = {false};
    if (o->symbols) {
        char list[512];
        snprintf(list, sizeof list, "%s", o->symbols);
        for (char *save = NULL, *t = strtok_r(list, ",", &save); t;
             t = strtok_r(NULL, ",", &save)) {
            int i = xm_input_index(c->m, t);
            if (i < 0) {
                snprintf(err, cap, "--symbols: unknown input '%s' (the model's inputs: "
                                   "explore --model-dot %s, harness/explore/model_%s.yaml)",
                         t, o->role, o->role);
                return -1;
            }
            chosen[i] = true;
        }
        for (size_t i = 0; i < c->m->n_in; i++)
            if (c->kind[i] == XI_START)
                chosen[i] = true; /* the IUT Initiator's first message needs no input */
    }
    for (size_t i = 0; i < c->m->n_in; i++) {
        /* by default, only inputs the transport and the profile allow */
        unsigned needs = c->m->in[i].needs;
        if (o->symbols ? !chosen[i]
                       : ((needs & XM_NEED_UDP) && !c->udp) ||
                             ((needs & XM_NEED_M4) && !(c->profile & XM_IF_M4)) ||
                             ((needs & XM_NEED_NO_M4) && (c->profile & XM_IF_M4)) ||
                             ((needs & XM_NEED_RFC9668) && !c->rfc9668) ||
                             ((needs & XM_NEED_OSCORE) && !c->oscore) ||
                             ((needs & XM_NEED_OTHER_SUITE) && !c->has_preferred) ||
                             ((needs & XM_NEED_KID) && !c->kid))
            continue;
        c->alphabet[c->n_alpha++] = (int)i;
    }
    return 0;
}

/* ------------------------------------------------------------- results */

typedef enum { R_CONFORM, R_NONSTRICT, R_INCONCLUSIVE, R_DEVIATION, R_ERROR } rstatus;

/* The position a failing verdict names ("step N (line L): ..."). */
static size_t failing_position(const xcompiled *comp, size_t n, const xrec *r)
{
    for (size_t j = 0; j < n; j++) {
        size_t e = comp->expect_step[j];
        if (e < SC_MAX_STEPS && r->seen[e] && r->outcome[e] < 0)
            return j;
    }
    unsigned long step = 0;
    if (sscanf(r->message, "step %lu", &step) == 1 && step > 0)
        for (size_t j = 0; j < n; j++)
            if (step - 1 <= comp->expect_step[j])
                return j;
    return n - 1;
}

/* Fill s->out / state / know from the run's observations; the status, and
 * the position it concerns. */
static rstatus interpret(explore *e, xseq *s, const xcompiled *comp, const xrec *r, size_t *pos)
{
    const xctx *c = &e->c;
    *pos = s->n - 1;
    if (r->v == V_ERROR)
        return R_ERROR;
    size_t fail = r->v == V_FAIL ? failing_position(comp, s->n, r) : s->n;
    for (size_t j = 0; j < s->n && j < fail; j++) {
        size_t st = comp->expect_step[j];
        int oi = st < SC_MAX_STEPS && r->seen[st] ? r->outcome[st] : -1;
        if (oi < 0 || (size_t)oi >= comp->n_outc[j]) {
            *pos = j;
            return r->v == V_SKIPPED ? R_INCONCLUSIVE : R_ERROR;
        }
        const xoutc *oc = &comp->outc[j][oi];
        if (oc->to < 0) { /* inconclusive: another path than planned */
            *pos = j;
            return R_INCONCLUSIVE;
        }
        s->out[j] = oc->out;
        s->state[j + 1] = oc->to;
        s->know[j + 1] = s->know[j];
        xk_update(c, &s->know[j + 1], s->in[j], oc->out);
    }
    if (r->v == V_FAIL) {
        *pos = fail;
        return R_DEVIATION;
    }
    if (r->v == V_SKIPPED)
        return R_INCONCLUSIVE;
    /* non-strict is the grade of the transition this run is about (the last
     * one): an earlier one's was its own prefix's, recorded when that ran;
     * else every sequence that extends a lenient answer would repeat it */
    if (r->v == V_NONSTRICT && s->n > 0) {
        size_t st = comp->expect_step[s->n - 1];
        int oi = st < SC_MAX_STEPS && r->seen[st] ? r->outcome[st] : -1;
        unsigned long step = 0; /* the verdict names the step of its first reason */
        bool earlier = sscanf(r->message, "step %lu", &step) == 1 && step > 0 && s->n > 1 &&
                       step - 1 <= comp->expect_step[s->n - 2];
        if (oi >= 0 && (size_t)oi < comp->n_outc[s->n - 1] &&
            !comp->outc[s->n - 1][oi].non_strict && earlier)
            return R_CONFORM;
    }
    return r->v == V_NONSTRICT ? R_NONSTRICT : R_CONFORM;
}

static void seq_root(const xctx *c, xseq *s)
{
    memset(s, 0, sizeof *s);
    s->state[0] = c->m->initial;
    xk_init(&s->know[0]);
    for (size_t j = 0; j < EXPLORE_MAX_DEPTH; j++)
        s->out[j] = -1;
}

/* prefix, a, sep and at most max bytes of b on one stdout line, made valid
 * UTF-8 (report_clean_text): the messages are cut at byte counts, which may
 * fall inside a character such as '§'. */
static void print_clean(const char *prefix, const char *a, const char *sep, const char *b,
                        size_t max)
{
    size_t n = strlen(b);
    char *clean = report_clean_text(b, n < max ? n : max, false, SIZE_MAX, NULL);
    printf("%s%s%s%s\n", prefix, a, sep, clean ? clean : "");
    free(clean);
}

/* A deterministic choice from the seed and a text. */
static uint64_t mix(unsigned long seed, const char *text, uint64_t key)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)seed;
    for (const char *p = text; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    h ^= key;
    h *= 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 31);
}

static void record(explore *e, const xseq *s, rstatus st, size_t pos, const xrec *r)
{
    const xm_model *m = e->c.m;
    xclass *k = &e->cls[s->state[pos]][s->in[pos]];
    if (k->runs++ == 0)
        k->example = *s;
    k->seconds += r->seconds;
    for (size_t j = 0; j < pos || (st != R_DEVIATION && st != R_ERROR && j < s->n); j++)
        if (s->out[j] >= 0 && s->out[j] < (int)m->n_out)
            e->seen_to[s->state[j]][s->in[j]][s->out[j]] = (signed char)(s->state[j + 1] + 1);
    switch (st) {
    case R_CONFORM:
        k->pass++;
        break;
    case R_NONSTRICT:
    case R_INCONCLUSIVE:
        if (st == R_NONSTRICT)
            k->nonstrict++;
        else
            k->inconclusive++;
        if (!k->note[0])
            snprintf(k->note, sizeof k->note, "%.500s", r->message);
        break;
    case R_ERROR:
        k->errors++;
        if (!k->err_msg[0])
            snprintf(k->err_msg, sizeof k->err_msg, "%s", r->message);
        break;
    case R_DEVIATION:
        if (!k->has_dev) {
            k->has_dev = true;
            k->dev = *s;
            k->dev.n = pos + 1;
            snprintf(k->dev_msg, sizeof k->dev_msg, "%s", r->message);
            snprintf(k->dev_transcript, sizeof k->dev_transcript, "%s", r->transcript);
        }
        break;
    }
}

/* The kind the IUT answered at the position a failing run names. */
static void deviation_kind(const xcompiled *comp, size_t pos, const xrec *r, char *out,
                           size_t cap)
{
    size_t st = comp->expect_step[pos];
    snprintf(out, cap, "%s", st < SC_MAX_STEPS && r->seen[st] ? r->kind[st] : "");
}

/* ------------------------------------------------------------- levels */

static int explore_levels(explore *e)
{
    const xctx *c = &e->c;
    const xm_model *m = c->m;
    xseq *nodes = malloc(sizeof *nodes), *children = NULL;
    size_t n_nodes = 1;
    if (nodes == NULL)
        return -1;
    seq_root(c, &nodes[0]);
    for (int d = 1; d <= c->o->depth && n_nodes > 0; d++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        size_t cap = n_nodes * c->n_alpha, n = 0;
        children = malloc((cap ? cap : 1) * sizeof *children);
        xcompiled *comp = calloc(cap ? cap : 1, sizeof *comp);
        size_t *parent = malloc((cap ? cap : 1) * sizeof *parent);
        if (children == NULL || comp == NULL || parent == NULL)
            return -1;
        for (size_t p = 0; p < n_nodes; p++) {
            const xseq *node = &nodes[p];
            size_t len = node->n;
            for (size_t a = 0; a < c->n_alpha; a++) {
                int in = c->alphabet[a];
                int st = node->state[len];
                if (!xk_allows(c, &node->know[len], in) || m->t[st][in].na)
                    continue;
                xseq *ch = &children[n];
                *ch = *node;
                ch->in[len] = in;
                ch->out[len] = -1;
                ch->n = len + 1;
                if (xcompile(c, ch, NULL, &comp[n]) != 0) {
                    e->n_not_compiled++;
                    continue;
                }
                parent[n] = p;
                n++;
            }
        }
        if (n == 0) { /* no input applies any more (e.g. the reverse flow's short models) */
            free(comp), free(parent), free(children);
            break;
        }
        xrec *recs = malloc(n * sizeof *recs);
        if (recs == NULL || xrun_batch(c, comp, n, c->o->fresh, recs) != 0)
            return -1;
        e->n_runs += n;
        /* interpret, then keep one representative per (parent, state, harness
         * material) among those that conformed */
        xseq *next = malloc(n * sizeof *next);
        size_t n_next = 0, devs = 0, ok = 0, lenient = 0;
        bool *extend = calloc(n, sizeof *extend);
        rstatus *status = malloc(n * sizeof *status);
        if (next == NULL || extend == NULL || status == NULL)
            return -1;
        for (size_t i = 0; i < n; i++) {
            size_t pos;
            status[i] = interpret(e, &children[i], &comp[i], &recs[i], &pos);
            record(e, &children[i], status[i], pos, &recs[i]);
            if (status[i] == R_DEVIATION) {
                xclass *k = &e->cls[children[i].state[pos]][children[i].in[pos]];
                if (k->has_dev && !k->dev_kind[0])
                    deviation_kind(&comp[i], pos, &recs[i], k->dev_kind, sizeof k->dev_kind);
                char text[256];
                xseq_text(c, &children[i], text, sizeof text);
                print_clean("  deviation: ", text, ": ", recs[i].message, 300);
                devs++;
            }
            ok += status[i] == R_CONFORM || status[i] == R_NONSTRICT;
            lenient += status[i] == R_NONSTRICT;
        }
        for (size_t i = 0; i < n; i++) {
            if (!(status[i] == R_CONFORM || status[i] == R_NONSTRICT) || extend[i])
                continue;
            size_t members[XM_MAX_INPUTS], k = 0, len = children[i].n;
            /* equivalent: the same parent, a settled state (model.h), the same
             * material; elsewhere every child is its own class */
            bool settled = m->settled[children[i].state[len]];
            for (size_t j = i; j < n && parent[j] == parent[i]; j++)
                if ((status[j] == R_CONFORM || status[j] == R_NONSTRICT) && !extend[j] &&
                    children[j].state[len] == children[i].state[len] &&
                    xk_equal(&children[j].know[len], &children[i].know[len]) &&
                    k < XM_MAX_INPUTS && (settled || j == i))
                    members[k++] = j;
            char name[256];
            xseq_name(c, &nodes[parent[i]], name, sizeof name);
            size_t pick = members[mix(c->o->seed, name, (uint64_t)children[i].state[len] << 8 |
                                                             (uint64_t)children[i].know[len].pending)
                                  % k];
            for (size_t j = 0; j < k; j++)
                extend[members[j]] = true; /* handled */
            if (d < c->o->depth)
                e->n_pruned += k - 1;
            if (d < c->o->depth && n_next < MAX_NODES)
                next[n_next++] = children[pick];
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        printf("depth %d: %zu sequences, %zu conform, %zu deviate; %zu extended (%.2f s)\n", d, n,
               ok, devs, d < c->o->depth ? n_next : 0,
               (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
        fflush(stdout);
        for (size_t i = 0; i < n; i++)
            xcompiled_free(&comp[i]);
        free(comp), free(recs), free(parent), free(extend), free(status), free(children);
        free(nodes);
        nodes = next, n_nodes = n_next;
        if (explore_stop)
            break;
        if (c->o->until_found && (devs || lenient) && d < c->o->depth) {
            printf("--until-found: a deviation or a non-strict answer at depth %d: the deeper "
                   "levels are not run\n", d);
            break;
        }
    }
    free(nodes);
    return 0;
}

/* ------------------------------------------------------------- shrinking */

/* Run candidates on fresh IUTs; the index of the first that shows the
 * deviation (its last input answered with `kind`, failing), or -1. */
static long first_reproducing(explore *e, xseq *cand, size_t n, const char *kind, xrec *keep)
{
    xcompiled *comp = calloc(n ? n : 1, sizeof *comp);
    xrec *recs = malloc((n ? n : 1) * sizeof *recs);
    size_t *map = malloc((n ? n : 1) * sizeof *map), m = 0;
    long found = -1;
    if (comp == NULL || recs == NULL || map == NULL)
        goto out;
    for (size_t i = 0; i < n; i++)
        if (xcompile(&e->c, &cand[i], NULL, &comp[m]) == 0)
            map[m++] = i;
    if (m == 0 || xrun_batch(&e->c, comp, m, true, recs) != 0)
        goto out;
    e->n_runs += m;
    for (size_t i = 0; i < m && found < 0; i++) {
        xseq s = cand[map[i]];
        size_t pos;
        char got[16] = "";
        if (interpret(e, &s, &comp[i], &recs[i], &pos) != R_DEVIATION || pos + 1 != s.n)
            continue;
        deviation_kind(&comp[i], pos, &recs[i], got, sizeof got);
        if (strcmp(got, kind) == 0) {
            found = (long)map[i];
            *keep = recs[i];
        }
    }
out:
    for (size_t i = 0; i < m; i++)
        xcompiled_free(&comp[i]);
    free(comp), free(recs), free(map);
    return found;
}

static void shrink(explore *e, xclass *k)
{
    const xctx *c = &e->c;
    /* the outputs observed before the deviation guide the planned path (a hint:
     * where it does not apply, the first acceptable output is assumed) */
    xseq cur = k->dev;
    xrec rec;
    cur.out[cur.n - 1] = -1;
    k->shrunk = true;
    /* confirmed on a fresh IUT? */
    if (first_reproducing(e, &cur, 1, k->dev_kind, &rec) < 0) {
        k->reproduced = false;
        k->min = cur;
        return;
    }
    k->reproduced = true;
    snprintf(k->min_msg, sizeof k->min_msg, "%s", rec.message);
    snprintf(k->min_transcript, sizeof k->min_transcript, "%s", rec.transcript);
    for (bool smaller = true; smaller && cur.n > 1;) {
        xseq cand[EXPLORE_MAX_DEPTH];
        size_t n = 0;
        for (size_t drop = 0; drop + 1 < cur.n; drop++) {
            xseq s;
            seq_root(c, &s);
            for (size_t j = 0; j < cur.n; j++)
                if (j != drop) {
                    s.out[s.n] = j + 1 < cur.n ? cur.out[j] : -1;
                    s.in[s.n++] = cur.in[j];
                }
            cand[n++] = s;
        }
        long f = first_reproducing(e, cand, n, k->dev_kind, &rec);
        smaller = f >= 0;
        if (smaller) {
            cur = cand[f];
            snprintf(k->min_msg, sizeof k->min_msg, "%s", rec.message);
            snprintf(k->min_transcript, sizeof k->min_transcript, "%s", rec.transcript);
        }
    }
    k->min = cur;
}

/* ------------------------------------------------------------- output */

static const char *outputs_text(const xctx *c, int state, int in, char *buf, size_t cap)
{
    const xm_trans *t = &c->m->t[state][in];
    size_t k = 0;
    buf[0] = 0;
    for (size_t a = 0; !t->na && a < t->n_alts; a++) {
        if (!xm_alt_active(&t->alts[a], c->profile))
            continue;
        int w = snprintf(buf + k, cap - k, "%s%s%s", k ? ", " : "", c->m->out[t->alts[a].out].name,
                         t->alts[a].non_strict ? " (non-strict)" : "");
        if (w < 0 || (size_t)w >= cap - k)
            break;
        k += (size_t)w;
    }
    return buf;
}

/* The minimal deviation as a scenario file: DIR/explore/<role>/<name>.yaml,
 * so that `cp -r DIR/explore scenarios/` adds it to the suite. */
static void write_scenario(explore *e, xclass *k, const char *dir)
{
    const xctx *c = &e->c;
    char name[256], text[512], acc[512], header[2048], path[1400], sub[1024];
    xcompiled comp;
    xseq s = k->min;
    int last = s.in[s.n - 1];
    xseq_name(c, &s, name, sizeof name);
    xseq_text(c, &s, text, sizeof text);
    /* the state before the last input, on the path the model expects */
    int st = k->dev.state[k->dev.n - 1];
    char opts[640] = "";
    if (c->udp)
        strcat(opts, " --transport udp");
    if (c->profile & XM_IF_M4)
        strcat(opts, " --message-4");
    if (c->o->symbols)
        snprintf(opts + strlen(opts), sizeof opts - strlen(opts), " --symbols %.500s",
                 c->o->symbols);
    snprintf(header, sizeof header,
             "# Found by `edhoc-harness explore --role %s --depth %d --seed %lu%s` against %s %s:\n"
             "# the minimal sequence %s (no shorter prefix or subsequence shows the deviation).\n"
             "# Observed: %s answered with %s; the model (harness/explore/model_%s.yaml) accepts:\n"
             "# %s. To add it to the suite: cp -r %s/explore scenarios/\n",
             c->m->role, c->o->depth, c->o->seed, opts, c->pf->name, c->pf->version, text,
             c->m->in[last].name, k->dev_kind[0] ? k->dev_kind : "(see the verdict)", c->m->role,
             outputs_text(c, k->min.n == k->dev.n ? st : k->dev.state[k->dev.n - 1], last, acc,
                          sizeof acc),
             dir);
    if (xcompile(c, &s, header, &comp) != 0)
        return;
    /* the file's place mirrors its id: DIR/explore/ROLE[-reverse][-udp][-m4]/NAME.yaml */
    const char *slash = strrchr(comp.id, '/');
    snprintf(sub, sizeof sub, "%s/%.*s", dir, (int)(slash - comp.id), comp.id);
    snprintf(path, sizeof path, "%s/%s.yaml", sub, name);
    FILE *f = eh_mkdirs(sub) == 0 ? fopen(path, "w") : NULL;
    if (f != NULL) {
        fputs(comp.yaml, f);
        fclose(f);
        snprintf(k->scenario_path, sizeof k->scenario_path, "%s", path);
    }
    xcompiled_free(&comp);
}

static char *read_text(const char *path)
{
    FILE *f = path && path[0] ? fopen(path, "r") : NULL;
    if (f == NULL)
        return NULL;
    char *b = malloc(1 << 20);
    size_t n = b ? fread(b, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (b)
        b[n] = 0;
    return b;
}

static void fill_result(explore *e, int state, int in, xclass *k, sc_result *r)
{
    const xctx *c = &e->c;
    const xm_trans *t = &c->m->t[state][in];
    char sname[64], iname[64], text[512], acc[512];
    memset(r, 0, sizeof *r);
    size_t i = 0;
    for (; c->m->state[state][i] && i + 1 < sizeof sname; i++)
        sname[i] = c->m->state[state][i] == '_' ? '-' : c->m->state[state][i];
    sname[i] = 0;
    for (i = 0; c->m->in[in].name[i] && i + 1 < sizeof iname; i++)
        iname[i] = c->m->in[in].name[i] == '_' ? '-' : c->m->in[in].name[i];
    iname[i] = 0;
    snprintf(r->id, sizeof r->id, "explore/%.16s%s/%.45s/%.45s", c->m->role,
             c->reverse ? "-reverse" : "", sname, iname);
    snprintf(r->title, sizeof r->title, "In state %s (%.180s), input %s (%.180s)",
             c->m->state[state], c->m->state_text[state], c->m->in[in].name,
             c->m->in[in].text);
    snprintf(r->area, sizeof r->area, "explore.%s", c->m->role);
    snprintf(r->role, sizeof r->role, "%s", c->role_harness);
    snprintf(r->level, sizeof r->level, "%s",
             t->level == SC_MUST ? "MUST" : t->level == SC_SHOULD ? "SHOULD" : "INFO");
    size_t q = 0;
    for (size_t j = 0; j < t->n_reqs && q + 1 < sizeof r->requirements; j++) {
        int w = snprintf(r->requirements + q, sizeof r->requirements - q, "%s%s", j ? ", " : "",
                         t->reqs[j]);
        if (w < 0)
            break;
        q += (size_t)w;
    }
    r->method = c->has_prof ? c->prof.method : 3;
    r->suite = c->suites[c->n_suites - 1];
    if (c->o->config_label)
        snprintf(r->profile, sizeof r->profile, "%s", c->o->config_label);
    else if (c->has_prof)
        (void)sc_profile_label(&c->prof, r->profile, sizeof r->profile);
    snprintf(r->transport, sizeof r->transport, "%s", c->udp ? "udp" : "coap");
    r->seed = c->o->seed;
    r->seconds = k->seconds;
    for (int m = 0; m < 5; m++)
        r->sizes[m] = -1;
    outputs_text(c, state, in, acc, sizeof acc);
    if (k->has_dev) {
        xseq_text(c, k->shrunk ? &k->min : &k->dev, text, sizeof text);
        r->v = V_FAIL;
        snprintf(r->message, sizeof r->message,
                 "%s sequence %.200s: %s answered with %s; acceptable: %.200s (%s)%s%.160s: "
                 "%.300s",
                 !k->shrunk ? "deviating" : k->reproduced ? "minimal" : "not reproduced on a "
                                                                          "fresh IUT:",
                 text, c->m->in[in].name, k->dev_kind[0] ? k->dev_kind : "?", acc, t->rfc,
                 k->scenario_path[0] ? "; scenario " : "", k->scenario_path,
                 k->min_msg[0] ? k->min_msg : k->dev_msg);
        if (strcmp(k->dev_kind, "crash") == 0) /* no level of conformance allows it */
            snprintf(r->level, sizeof r->level, "MUST");
        const char *tp = k->min_transcript[0] ? k->min_transcript : k->dev_transcript;
        snprintf(r->transcript_path, sizeof r->transcript_path, "%s", tp);
        r->transcript = read_text(tp);
    } else if (k->errors) {
        r->v = V_ERROR;
        snprintf(r->message, sizeof r->message, "%zu of %zu sequences could not run: %.500s",
                 k->errors, k->runs, k->err_msg);
    } else {
        xseq_text(c, &k->example, text, sizeof text);
        r->v = k->nonstrict ? V_NONSTRICT : V_PASS;
        snprintf(r->message, sizeof r->message,
                 "%zu sequence%s (e.g. %.200s), %zu non-strict, %zu inconclusive; acceptable: "
                 "%.300s%s%.300s",
                 k->runs, k->runs == 1 ? "" : "s", text, k->nonstrict, k->inconclusive, acc,
                 k->note[0] ? "; " : "", k->note);
    }
}

/* The IUT's observed state machine in the model's terms: the transitions
 * seen (black), and each deviation in red to a node of its own. */
static void fill_observed_dot(FILE *f, void *arg)
{
    explore *e = arg;
    const xctx *c = &e->c;
    const xm_model *m = c->m;
    fprintf(f, "// the IUT's state machine as `edhoc-harness explore` observed it, in the terms of "
               "%s (compare model-%s.dot); red: deviations\n", m->file, m->role);
    fprintf(f, "digraph \"observed_%s\" {\n  rankdir=LR;\n  node [shape=box, style=rounded, "
               "fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=9];\n", m->role);
    for (size_t s = 0; s < m->n_states; s++)
        fprintf(f, "  %s%s;\n", m->state[s], (int)s == m->initial ? " [penwidth=2]" : "");
    for (size_t s = 0; s < m->n_states; s++)
        for (size_t to = 0; to < m->n_states; to++) {
            char label[2048];
            size_t k = 0;
            label[0] = 0;
            for (size_t i = 0; i < m->n_in; i++)
                for (size_t o = 0; o < m->n_out; o++)
                    if (e->seen_to[s][i][o] == (signed char)(to + 1)) {
                        int w = snprintf(label + k, sizeof label - k, "%s%s / %s", k ? "\\n" : "",
                                         m->in[i].name, m->out[o].name);
                        if (w > 0 && (size_t)w < sizeof label - k)
                            k += (size_t)w;
                    }
            if (k)
                fprintf(f, "  %s -> %s [label=\"%s\"];\n", m->state[s], m->state[to], label);
        }
    int n = 0;
    for (size_t s = 0; s < m->n_states; s++)
        for (size_t i = 0; i < m->n_in; i++) {
            const xclass *k = &e->cls[s][i];
            if (!k->has_dev)
                continue;
            fprintf(f, "  deviation_%d [label=\"deviation\", shape=octagon, color=red, "
                       "fontcolor=red];\n", n);
            fprintf(f, "  %s -> deviation_%d [label=\"%s / %s\", color=red, fontcolor=red];\n",
                    m->state[s], n, m->in[i].name, k->dev_kind[0] ? k->dev_kind : "?");
            n++;
        }
    fprintf(f, "}\n");
}

typedef struct model_dot_arg {
    const xm_model *m;
    unsigned profile;
} model_dot_arg;

static void fill_model_dot(FILE *f, void *arg)
{
    const model_dot_arg *a = arg;
    xm_write_dot(a->m, a->profile, f);
}

/* OUT/model-ROLE.dot and OUT/observed-ROLE.dot, written atomically, and
 * each as SVG where Graphviz's dot is installed (dot_render.h). */
/* One fault class (a requirement ID, or an outcome rule) of a coverage map:
 * its entry, created on first use. */
static json_t *class_entry(json_t *map, const char *name)
{
    json_t *k = json_object_get(map, name);
    if (k == NULL) {
        k = json_object();
        json_object_set_new(k, "sequences", json_integer(0));
        json_object_set_new(k, "exercised_by", json_array());
        json_object_set_new(k, "not_exercised", json_array());
        json_object_set_new(map, name, k);
    }
    return k;
}

static void class_add(json_t *k, const char *state, const char *input, size_t runs)
{
    json_t *x = json_object();
    json_object_set_new(x, "state", json_string(state));
    json_object_set_new(x, "input", json_string(input));
    if (runs) {
        json_object_set_new(x, "sequences", json_integer((json_int_t)runs));
        json_object_set_new(k, "sequences",
                            json_integer(json_integer_value(json_object_get(k, "sequences")) +
                                         (json_int_t)runs));
    }
    json_array_append_new(json_object_get(k, runs ? "exercised_by" : "not_exercised"), x);
}

/* How many classes of map were exercised. */
static size_t classes_hit(const json_t *map, size_t *total)
{
    const char *key;
    json_t *k;
    size_t hit = 0;
    *total = 0;
    json_object_foreach((json_t *)map, key, k) {
        (*total)++;
        hit += json_integer_value(json_object_get(k, "sequences")) > 0;
    }
    return hit;
}

/* OUT/coverage.json (issue 22 item 3): for each fault class, the requirement
 * IDs and the outcome rules the model's transitions judge, which (state,
 * input) of the alphabet exercised it and in how many sequences, and which
 * were not reached at this depth. Prints one line of totals. 0 or -1. */
static int write_coverage(explore *e, const char *out_dir)
{
    const xctx *c = &e->c;
    const xm_model *m = c->m;
    json_t *doc = json_object(), *reqs = json_object(), *rules = json_object();
    json_object_set_new(doc, "format", json_string("edhoc-harness-explore-coverage"));
    json_object_set_new(doc, "schema", json_integer(1));
    json_object_set_new(doc, "role", json_string(m->role));
    json_object_set_new(doc, "model", json_string(m->file));
    json_object_set_new(doc, "depth", json_integer(c->o->depth));
    for (size_t s = 0; s < m->n_states; s++)
        for (size_t a = 0; a < c->n_alpha; a++) {
            int in = c->alphabet[a];
            const xm_trans *t = &m->t[s][in];
            if (!t->defined || t->na)
                continue;
            size_t runs = e->cls[s][in].runs;
            for (size_t r = 0; r < t->n_reqs; r++)
                class_add(class_entry(reqs, t->reqs[r]), m->state[s], m->in[in].name, runs);
            if (t->rule[0])
                class_add(class_entry(rules, t->rule), m->state[s], m->in[in].name, runs);
        }
    size_t n_req, n_rule, hit_req = classes_hit(reqs, &n_req), hit_rule = classes_hit(rules, &n_rule);
    json_object_set_new(doc, "requirements", reqs);
    json_object_set_new(doc, "outcome_rules", rules);
    char path[1100];
    snprintf(path, sizeof path, "%.1000s/coverage.json", out_dir);
    int rc = report_write_json_doc(doc, path);
    json_decref(doc);
    printf("fault classes: %zu of %zu requirements and %zu of %zu outcome rules the model "
           "judges were exercised (%s)\n", hit_req, n_req, hit_rule, n_rule, path);
    return rc;
}

static void write_diagrams(explore *e, const char *out_dir)
{
    const xctx *c = &e->c;
    char dots[2][1024], svgs[2][1024];
    model_dot_arg ma = {c->m, c->profile};
    for (int i = 0; i < 2; i++) {
        const char *kind = i ? "observed" : "model";
        snprintf(dots[i], sizeof dots[i], "%s/%s-%s.dot", out_dir, kind, c->m->role);
        snprintf(svgs[i], sizeof svgs[i], "%s/%s-%s.svg", out_dir, kind, c->m->role);
        unlink(svgs[i]); /* a stale one from an earlier run would not match */
        if (dot_write_atomic(dots[i], i ? fill_observed_dot : fill_model_dot,
                             i ? (void *)e : (void *)&ma) != 0)
            fprintf(stderr, "explore: cannot write %s\n", dots[i]);
    }
    const char *const in[2] = {dots[0], dots[1]}, *const out[2] = {svgs[0], svgs[1]};
    char why[1024];
    int n = dot_render_svgs(in, out, 2, 10000, why, sizeof why);
    if (n == 2)
        printf("diagrams: %s and %s (and .svg)\n", dots[0], dots[1]);
    else
        printf("diagrams: %s and %s (SVG: %s)\n", dots[0], dots[1], why);
}

static void on_explore_signal(int sig)
{
    (void)sig;
    explore_stop = 1;
}

int explore_one(const explore_opts *o, char *why, size_t why_cap)
{
    explore *e = calloc(1, sizeof *e);
    char err[512], path[1024];
    int rc = 2;
    bool handlers = false; /* the caller's SIGINT/SIGTERM/SIGHUP handlers, given back */
    struct sigaction sa, old_int, old_term, old_hup;
    run_report rep;
    run_report_init(&rep);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (e == NULL || setup(e, o, err, sizeof err) != 0) {
        fprintf(stderr, "explore: %s\n", e ? err : "out of memory");
        if (why)
            snprintf(why, why_cap, "%s", e ? err : "out of memory");
        goto out;
    }
    const xctx *c = &e->c;
    if (eh_mkdirs(o->out_dir) != 0) {
        fprintf(stderr, "explore: exit %d (set-up error): cannot create %s\n", RUN_EXIT_SETUP,
                o->out_dir);
        rc = RUN_EXIT_SETUP;
        goto out;
    }
    printf("edhoc-harness explore: IUT %s (%s %s), model %s, depth %d, seed %lu, %zu inputs:",
           c->m->role, c->pf->name, c->pf->version, c->m->file, o->depth, o->seed, c->n_alpha);
    for (size_t i = 0; i < c->n_alpha; i++)
        printf(" %s", c->m->in[c->alphabet[i]].name);
    printf("\n");
    fflush(stdout);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_explore_signal;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup);
    handlers = true;
    (void)reaper_become(); /* orphans of a worker stopped at its deadline come back here
                            * (xrun_batch sweeps them) */
    if (explore_levels(e) != 0) {
        fprintf(stderr, "explore: exit %d (set-up error): out of memory or cannot fork\n",
                RUN_EXIT_SETUP);
        rc = RUN_EXIT_SETUP;
        goto out;
    }
    /* deviations: confirmed on a fresh IUT, shrunk, written */
    const char *sdir = o->write_scenarios ? o->write_scenarios : o->out_dir;
    size_t n_dev = 0, must_fail = 0, errors = 0, exercised = 0;
    for (size_t s = 0; s < c->m->n_states; s++)
        for (size_t i = 0; i < c->m->n_in; i++) {
            xclass *k = &e->cls[s][i];
            if (!k->has_dev)
                continue;
            n_dev++;
            if (!explore_stop)
                shrink(e, k);
            if (k->reproduced)
                write_scenario(e, k, sdir);
            char text[512];
            xseq_text(c, &k->min, text, sizeof text);
            printf("deviation in state %s, input %s: %s answered with %s; minimal sequence: %s%s%s\n",
                   c->m->state[s], c->m->in[i].name, c->m->in[i].name,
                   k->dev_kind[0] ? k->dev_kind : "?", text,
                   k->reproduced ? "" : " (not reproduced on a fresh IUT)",
                   k->scenario_path[0] ? "" : "");
            if (k->scenario_path[0])
                printf("  written: %s\n", k->scenario_path);
        }
    for (size_t s = 0; s < c->m->n_states; s++)
        for (size_t i = 0; i < c->m->n_in; i++) {
            xclass *k = &e->cls[s][i];
            if (k->runs == 0)
                continue;
            exercised++;
            sc_result r;
            fill_result(e, (int)s, (int)i, k, &r);
            if (r.v == V_FAIL && strcmp(r.level, "MUST") == 0)
                must_fail++;
            errors += r.v == V_ERROR;
            if (r.v != V_PASS)
                print_clean(r.v == V_FAIL ? "FAIL      " : r.v == V_ERROR ? "ERROR     "
                                                                     : "NONSTRICT ",
                            r.id, "\n          ", r.message, SIZE_MAX);
            run_report_add(&rep, &r);
        }
    rep.interrupted = explore_stop != 0;
    if (rep.interrupted)
        printf("explore interrupted: the sequences run so far are reported\n");
    snprintf(rep.peer, sizeof rep.peer, "%s", c->pf->name);
    snprintf(rep.peer_version, sizeof rep.peer_version, "%s", c->pf->version);
    rep.seed = o->seed;
    time_t now = time(NULL);
    strftime(rep.started, sizeof rep.started, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    size_t unwritten = 0;
    snprintf(path, sizeof path, "%s/junit.xml", o->out_dir);
    if (report_write_junit(&rep, o->junit ? o->junit : path) != 0) {
        fprintf(stderr, "explore: cannot write %s: %s\n", o->junit ? o->junit : path,
                strerror(errno));
        unwritten++;
    }
    snprintf(path, sizeof path, "%s/results.json", o->out_dir);
    if (report_write_json(&rep, o->json ? o->json : path) != 0) {
        fprintf(stderr, "explore: cannot write %s: %s\n", o->json ? o->json : path,
                strerror(errno));
        unwritten++;
    }
    if (o->html && run_write_html(o->html, c->pf, &rep, "none", NULL) != 0) {
        fprintf(stderr, "explore: cannot write %s: %s\n", o->html, strerror(errno));
        unwritten++;
    }
    write_diagrams(e, o->out_dir);
    if (write_coverage(e, o->out_dir) != 0) {
        fprintf(stderr, "explore: cannot write %s/coverage.json: %s\n", o->out_dir,
                strerror(errno));
        unwritten++;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    size_t applicable = 0;
    for (size_t s = 0; s < c->m->n_states; s++)
        for (size_t a = 0; a < c->n_alpha; a++)
            applicable += !c->m->t[s][c->alphabet[a]].na;
    printf("summary: %zu sequences run (%zu equivalent prefixes not extended), %zu transitions "
           "of %zu exercised, %zu deviation%s (%zu at MUST level), %zu error%s; %.2f s\n",
           e->n_runs, e->n_pruned, exercised, applicable, n_dev, n_dev == 1 ? "" : "s",
           must_fail, errors, errors == 1 ? "" : "s",
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    /* the exit code, as run's (RUN_EXIT_*, runner.h) */
    rc = unwritten || rep.interrupted ? RUN_EXIT_SETUP
         : must_fail ? RUN_EXIT_FAILED
         : errors    ? RUN_EXIT_SETUP
         : exercised == 0 ? RUN_EXIT_EMPTY
                          : RUN_EXIT_OK;
    if (unwritten || rep.interrupted)
        fprintf(stderr, "explore: exit %d (set-up error): %s\n", rc,
                unwritten ? "a report could not be written" : "the exploration was interrupted");
    else if (rc == RUN_EXIT_SETUP)
        fprintf(stderr, "explore: exit %d (no verdict): %zu transition%s could not be judged "
                        "(error: see their messages)\n", rc, errors, errors == 1 ? "" : "s");
    else if (rc == RUN_EXIT_EMPTY)
        fprintf(stderr, "explore: exit %d: no transition was exercised: nothing was tested\n",
                rc);
out:
    if (handlers) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
        sigaction(SIGHUP, &old_hup, NULL);
    }
    run_report_free(&rep);
    if (e) {
        free(e->c.m);
        free(e->c.pf);
    }
    free(e);
    return rc;
}

int explore_main(const explore_opts *o)
{
    explore_stop = 0;
    return o->all_profiles ? explore_all_profiles(o) : explore_one(o, NULL, 0);
}

int explore_transport_udp(const explore_opts *o, const peer_file *pf, bool *udp, char *why,
                          size_t cap)
{
    bool coap = peer_has_capability(pf, "coap"), raw = peer_has_capability(pf, "udp");
    if (o->transport == NULL) {
        *udp = !coap && raw;
        return 0;
    }
    *udp = strcmp(o->transport, "udp") == 0;
    if ((coap || raw) && (*udp ? !raw : !coap)) {
        snprintf(why, cap, "%s: --transport %s: the IUT lacks the capability '%s' (its "
                 "transport: %s)", o->peer_file, o->transport, *udp ? "udp" : "coap",
                 coap ? "coap" : "udp");
        return -1;
    }
    return 0;
}

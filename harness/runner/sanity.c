/* sanity.c - see sanity.h. */
#include "sanity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../scenario/profile.h"

/* A plain handshake; as Responder the harness mirrors it (`role: both`).
 * Over raw UDP nothing answers an accepted message_3. */
static const char sanity_text[] =
    "id: " SANITY_ID "\n"
    "title: \"Sanity conversation: a plain handshake in the IUT's profile, before the suite\"\n"
    "requirements: [R-3.2-a]\n"
    "level: MUST\n"
    "role: both\n"
    "transport: %s\n"
    "steps:\n"
    "  - send: message_1\n"
    "  - expect: message_2\n"
    "  - send: message_3\n"
    "  - expect:\n"
    "      any_of: [accepted, message_4%s]\n";

static const char *sanity_transport(const peer_file *pf)
{
    if (peer_has_capability(pf, "coap") || !(peer_has_capability(pf, "udp") ||
                                             peer_has_capability(pf, "coap-tcp")))
        return "coap";
    return peer_has_capability(pf, "udp") ? "udp" : "coap-tcp";
}

static bool seen(const job_list *out, const job *j)
{
    for (size_t i = 0; i < out->n; i++)
        if (out->v[i].harness_role == j->harness_role &&
            memcmp(&out->v[i].profile, &j->profile, sizeof j->profile) == 0)
            return true;
    return false;
}

int sanity_jobs(const job_list *jl, const peer_file *pf, job_list *out, char *err, size_t cap)
{
    char text[sizeof sanity_text + 32];
    const char *transport = sanity_transport(pf);
    memset(out, 0, sizeof *out);
    snprintf(text, sizeof text, sanity_text, transport,
             strcmp(transport, "udp") == 0 ? ", silence" : "");
    scenario *sc = calloc(1, sizeof *sc);
    out->tmpls = malloc(sizeof *out->tmpls);
    if (sc == NULL || out->tmpls == NULL) {
        free(sc);
        snprintf(err, cap, "out of memory");
        return -1;
    }
    out->tmpls[out->n_tmpls++] = sc;
    if (scenario_load_mem("(built-in sanity conversation)", text, strlen(text), sc, err, cap) != 0)
        return -1;
    for (size_t i = 0; i < jl->n; i++) {
        const job *j = &jl->v[i];
        if (j->tmpl == NULL || j->skip || !j->has_profile || seen(out, j))
            continue;
        if (out->n == out->cap) {
            size_t n = out->cap ? 2 * out->cap : 16;
            job *v = realloc(out->v, n * sizeof *v);
            if (v == NULL) {
                snprintf(err, cap, "out of memory");
                return -1;
            }
            out->v = v, out->cap = n;
        }
        job *s = &out->v[out->n++];
        memset(s, 0, sizeof *s);
        s->tmpl = sc;
        snprintf(s->file, sizeof s->file, "%s", sc->file);
        snprintf(s->id, sizeof s->id, "%s", SANITY_ID);
        s->harness_role = j->harness_role;
        s->has_profile = true;
        s->profile = j->profile;
        s->cred_files = j->cred_files;
    }
    return 0;
}

/* Is every outcome of a (the job's step) one of b's (the conversation's)? */
static bool outcomes_within(const sc_step *a, const sc_step *b)
{
    for (size_t i = 0; i < a->n_outcomes; i++) {
        const sc_outcome *o = &a->outcomes[i];
        bool found = false;
        for (size_t k = 0; k < b->n_outcomes && !found; k++)
            found = o->kind == b->outcomes[k].kind &&
                    strcmp(o->message, b->outcomes[k].message) == 0;
        if (!found || o->inconclusive || o->n_in > 0 || o->state[0])
            return false;
    }
    return a->n_outcomes > 0;
}

/* A send step that sends the message as the engine makes it, nothing else. */
static bool plain_send(const sc_step *st)
{
    return st->n_mutations == 0 && st->n_faults == 0 && !st->has_ead && !st->has_prefix &&
           !st->again && !st->combined && !st->with_c_r && st->edhoc_option.n == 0 &&
           !st->no_oscore_option;
}

bool sanity_stands_in(const scenario *job_sc, const scenario *conv)
{
    const scenario *a = job_sc, *b = conv;
    /* the same conversation: roles, transport, profile, credentials */
    if (a->role != b->role || a->transport != b->transport || a->framing != b->framing ||
        a->pins_framing || a->flow != b->flow || a->method != b->method ||
        a->n_suites != b->n_suites ||
        memcmp(a->suites, b->suites, a->n_suites * sizeof a->suites[0]) != 0 ||
        strcmp(a->cred, b->cred) != 0 || strcmp(a->peer_cred, b->peer_cred) != 0 ||
        strcmp(a->cred_id, b->cred_id) != 0 || a->message_4 != b->message_4)
        return false;
    /* nothing that changes it: vectors, identifiers, EAD, credential tricks,
     * requests to the IUT */
    if (a->vector[0] || a->has_conn_id || a->iut_peer_cred[0] || a->iut_peer_other ||
        a->own_id_cred.n > 0 || a->id_cred_extra.n > 0 || a->id_cred_of_iut_peer)
        return false;
    for (size_t k = 0; k < sizeof a->ead / sizeof a->ead[0]; k++)
        if (a->ead[k].n > 0)
            return false;
    for (size_t k = 0; k < SC_ASK_COUNT_; k++)
        if (a->iut_ask[k][0])
            return false;
    /* its first steps are the conversation's, plain */
    if (a->n_steps < b->n_steps)
        return false;
    for (size_t i = 0; i < b->n_steps; i++) {
        const sc_step *x = &a->steps[i], *y = &b->steps[i];
        if (x->kind != y->kind)
            return false;
        if (x->kind == SC_STEP_SEND &&
            (strcmp(x->message, y->message) != 0 || !plain_send(x)))
            return false;
        if (x->kind == SC_STEP_EXPECT && !outcomes_within(x, y))
            return false;
    }
    return true;
}

int sanity_substitutes(const job_list *jl, const job_list *sj, long *subst, char *err,
                       size_t cap)
{
    scenario *conv = malloc(sizeof *conv), *cand = malloc(sizeof *cand);
    if (conv == NULL || cand == NULL) {
        free(conv);
        free(cand);
        snprintf(err, cap, "out of memory");
        return -1;
    }
    char why[512];
    for (size_t i = 0; i < sj->n; i++) {
        const job *s = &sj->v[i];
        subst[i] = -1;
        const scenario *c = job_scenario(s, conv, why, sizeof why);
        for (size_t k = 0; c != NULL && k < jl->n && subst[i] < 0; k++) {
            const job *j = &jl->v[k];
            if (j->tmpl == NULL || j->skip || !j->has_profile ||
                j->harness_role != s->harness_role ||
                memcmp(&j->profile, &s->profile, sizeof j->profile) != 0 ||
                j->cred_files != s->cred_files)
                continue;
            const scenario *sc = job_scenario(j, cand, why, sizeof why);
            if (sc != NULL && sanity_stands_in(sc, c))
                subst[i] = (long)k;
        }
    }
    free(conv);
    free(cand);
    return 0;
}

bool sanity_passed(const sc_result *res)
{
    return res->v == V_PASS || res->v == V_NONSTRICT;
}

/* The message the harness sent last before step k (1-based) failed, from
 * its role: as Initiator steps 1-2 answer message_1 and 3-4 message_3; as
 * Responder, mirrored, step 1 awaits message_1 and step 2 answers the
 * message_2 the harness sent. NULL when the IUT had nothing to answer. */
static const char *answered(bool harness_initiator, int step)
{
    if (harness_initiator)
        return step <= 2 ? "message_1" : "message_3";
    return step >= 2 ? "message_2" : NULL;
}

void sanity_explain(const sc_result *res, char *out, size_t cap)
{
    bool h_init = strcmp(res->role, "initiator") == 0;
    const char *iut = h_init ? "responder" : "initiator";
    const char *m = res->message, *what;
    int step = 0;
    const char *at = strstr(m, "step ");
    if (at != NULL)
        step = atoi(at + 5);
    const char *msg = answered(h_init, step);
    char buf[128];
    if (strstr(m, "before it was ready") || strstr(m, "never became ready") ||
        strstr(m, "not ready") || strstr(m, "cannot start the IUT") ||
        strstr(m, "scenario not implemented"))
        what = "the IUT did not start";
    else if (strstr(m, "before sending anything"))
        what = h_init ? "the IUT sent nothing" : "the IUT sent no message_1";
    else if (strstr(m, "received error") && msg != NULL) {
        snprintf(buf, sizeof buf, "the IUT rejected %s", msg);
        what = buf;
    } else if ((strstr(m, "received nothing") || strstr(m, "silence")) && msg != NULL) {
        snprintf(buf, sizeof buf, "the IUT did not answer %s", msg);
        what = buf;
    } else if (strstr(m, "received nothing") || strstr(m, "silence")) {
        what = h_init ? "the IUT did not answer" : "the IUT sent no message_1";
    } else if (strstr(m, "CoAP 4.04")) {
        /* Appendix A.2: an application may serve EDHOC at a path of its own
         * (the IUT is the server: the forward flow's Responder, the reverse
         * flow's Initiator, whose 4.04 answers the harness's trigger) */
        snprintf(buf, sizeof buf, "the IUT answered %s with 4.04 Not Found (an EDHOC resource "
                 "elsewhere? the peer file's edhoc_path)", h_init && msg ? msg : "the request");
        what = buf;
    } else {
        what = res->v == V_ERROR ? "the harness could not run it" : "the handshake failed";
    }
    snprintf(out, cap, "sanity: IUT %s in profile %s: %s (%.600s)", iut,
             res->profile[0] ? res->profile : "-", what, m);
}

/* profile.c - see profile.h. */
#include "profile.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cbor/cbor.h"
#include "matrix.h"
#include "sc_yaml.h"

const char *const sc_capability_names[] = {
    "method-0", "method-1", "method-2", "method-3", "suite-0", "suite-1", "suite-2", "suite-3",
    "suite-4", "suite-5", "suite-6", "suite-24", "suite-25", "cred-kid", "cred-kccs",
    "cred-x5t", "cred-x5chain", "cred-files", "ead", "message-4", "rfc9668", "coap",
    "coap-tcp", "udp", "error-messages", "oscore", "vectors", NULL};

int sc_capabilities_check(sy_ctx *c, const yaml_node_t *list, const char *key,
                          const char (*names)[SC_MAX_NAME], size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (sc_capability_names[k] && strcmp(sc_capability_names[k], names[i]) != 0)
            k++;
        if (sc_capability_names[k])
            continue;
        const char *s = sy_suggest(names[i], sc_capability_names);
        return sy_fail(c, sy_seq_item(c, list, i), "%s: unknown capability '%s'%s%s%s (the "
                       "names are in peers/README.md, \"Capabilities\")", key, names[i],
                       s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
    }
    return 0;
}

static const char *const kinds[] = {"kid", "kccs", "x5t", "x5chain"};
static const int registered_suites[] = {0, 1, 2, 3, 4, 5, 6, 24, 25};

int sc_profile_label(const sc_profile *p, char *out, size_t cap)
{
    int n = snprintf(out, cap, "m%d-s%d-%.16s%s%s%.23s", p->method, p->suite, p->cred_id,
                     p->framing == SC_FRAMING_BARE ? "-bare" : "",
                     p->flow == SC_FLOW_REVERSE ? "-reverse" : "", p->label_extra);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

void sc_profiles_label_apart(peer_file *pf)
{
    size_t n = pf->n_profiles;
    char (*base)[SC_MAX_NAME] = calloc(n ? n : 1, sizeof *base);
    if (base == NULL)
        return; /* labels stay shared: reports are named alike, nothing worse */
    for (size_t i = 0; i < n; i++) {
        pf->profiles[i].label_extra[0] = 0;
        if (sc_profile_label(&pf->profiles[i], base[i], sizeof base[i]) != 0)
            base[i][0] = 0;
    }
    /* what differs among the profiles of one label */
    for (size_t i = 0; i < n; i++) {
        sc_profile *p = &pf->profiles[i];
        bool m4 = false, oscore = false, errors = false;
        for (size_t j = 0; j < n; j++) {
            const sc_profile *q = &pf->profiles[j];
            if (j == i || !base[i][0] || strcmp(base[i], base[j]) != 0)
                continue;
            m4 |= q->message_4 != p->message_4;
            oscore |= q->oscore != p->oscore;
            errors |= q->error_messages != p->error_messages;
        }
        snprintf(p->label_extra, sizeof p->label_extra, "%s%s%s",
                 m4 && p->message_4 ? "+m4" : "", oscore && p->oscore ? "+oscore" : "",
                 errors && !p->error_messages ? "+noerr" : "");
    }
    /* what is still shared (other credential names, or a profile listed twice):
     * numbered in order, the first keeps its label */
    for (size_t i = 0; i < n; i++)
        if (sc_profile_label(&pf->profiles[i], base[i], sizeof base[i]) != 0)
            base[i][0] = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned k = 1;
        for (size_t j = 0; j < i; j++)
            k += base[i][0] && strcmp(base[i], base[j]) == 0;
        if (k > 1) {
            size_t used = strlen(pf->profiles[i].label_extra);
            snprintf(pf->profiles[i].label_extra + used,
                     sizeof pf->profiles[i].label_extra - used, "#%u", k);
        }
    }
    free(base);
}

void sc_profiles_pair_suites(peer_file *pf)
{
    for (size_t i = 0; i < pf->n_profiles; i++) {
        sc_profile *p = &pf->profiles[i];
        p->has_other_suite = false;
        for (size_t j = 0; j < pf->n_profiles; j++) {
            const sc_profile *q = &pf->profiles[j];
            if (q->suite == p->suite || q->method != p->method || q->flow != p->flow ||
                q->framing != p->framing || strcmp(q->cred_id, p->cred_id) != 0)
                continue;
            if (!p->has_other_suite || q->suite < p->other_suite)
                p->other_suite = q->suite, p->has_other_suite = true;
        }
    }
}

/* The suites of list (n of them, SC_SUITE_OF_PROFILE / SC_SUITE_OTHER
 * resolved) encoded as SUITES_I and SUITES_R are (RFC 9528 §5.2.2, §6.3):
 * one suite as an int, more as an array. */
static void suites_encode(const int *list, size_t n, int other, int selected, sc_short_bytes *out)
{
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, out->b, sizeof out->b);
    if (n > 1)
        eh_cbor_write_array(&w, n);
    for (size_t i = 0; i < n; i++)
        eh_cbor_write_int(&w, list[i] == SC_SUITE_OTHER        ? other
                              : list[i] == SC_SUITE_OF_PROFILE ? selected
                                                               : list[i]);
    /* at most SC_MAX_LIST ints of 3 bytes: always fits */
    out->n = eh_cbor_writer_status(&w) == EH_OK ? w.len : 0;
}

void sc_suites_resolve(scenario *sc, int other)
{
    int selected = sc->n_suites ? sc->suites[sc->n_suites - 1] : 2;
    for (size_t i = 0; i < sc->n_steps; i++) {
        sc_step *st = &sc->steps[i];
        if (st->n_err_suites)
            suites_encode(st->err_suites, st->n_err_suites, other, selected, &st->err_info);
        for (size_t f = 0; f < st->checks.n_fields; f++) {
            sc_field_check *fc = &st->checks.fields[f];
            if (fc->n_suites)
                suites_encode(fc->suites, fc->n_suites, other, selected, &fc->equals);
        }
    }
}

static bool has(const peer_file *pf, const char *cap)
{
    for (size_t i = 0; i < pf->n_capabilities; i++)
        if (strcmp(pf->capabilities[i], cap) == 0)
            return true;
    return false;
}

void sc_profiles_from_capabilities(peer_file *pf, sc_framing framing)
{
    int methods[4], suites[9];
    const char *ids[4];
    size_t nm = 0, ns = 0, nk = 0;
    char name[SC_MAX_NAME];
    for (int m = 0; m <= 3; m++) {
        snprintf(name, sizeof name, "method-%d", m);
        if (has(pf, name))
            methods[nm++] = m;
    }
    for (size_t i = 0; i < sizeof registered_suites / sizeof *registered_suites; i++) {
        snprintf(name, sizeof name, "suite-%d", registered_suites[i]);
        if (has(pf, name))
            suites[ns++] = registered_suites[i];
    }
    for (size_t i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "cred-%s", kinds[i]);
        if (has(pf, name))
            ids[nk++] = kinds[i];
    }
    if (nm == 0)
        methods[nm++] = 3;
    if (ns == 0)
        suites[ns++] = 2;
    if (nk == 0)
        ids[nk++] = "kid";
    pf->n_profiles = 0;
    for (size_t a = 0; a < nm; a++)
        for (size_t b = 0; b < ns; b++)
            for (size_t k = 0; k < nk && pf->n_profiles < SC_MAX_PROFILES; k++) {
                sc_profile *p = &pf->profiles[pf->n_profiles++];
                memset(p, 0, sizeof *p);
                p->method = methods[a], p->suite = suites[b];
                snprintf(p->cred_id, sizeof p->cred_id, "%s", ids[k]);
                p->framing = framing;
                p->message_4 = has(pf, "message-4");
                p->oscore = has(pf, "oscore") && sc_suite_has_oscore(p->suite);
                p->error_messages = has(pf, "error-messages");
            }
}

int sc_profile_creds(const sc_profile *p, bool cred_files, char *cred_i, char *cred_r,
                     size_t cap)
{
    if (p->cred_i[0] && p->cred_r[0]) {
        snprintf(cred_i, cap, "%s", p->cred_i);
        snprintf(cred_r, cap, "%s", p->cred_r);
        return 0;
    }
    bool x509 = strcmp(p->cred_id, "x5t") == 0 || strcmp(p->cred_id, "x5chain") == 0;
    /* the RFC 9529 credentials where their keys fit: trace 2's are P-256
     * static-DH keys (METHOD 3 with suite 2 or 3), trace 1's Ed25519
     * signature keys in certificates (METHOD 0 with suite 0 or 1) */
    const char *trace = NULL;
    if (p->method == 3 && (p->suite == 2 || p->suite == 3) && !x509)
        trace = "rfc9529-trace2";
    else if (p->method == 0 && (p->suite == 0 || p->suite == 1) && x509)
        trace = "rfc9529-trace1";
    if (trace != NULL) {
        snprintf(cred_i, cap, "%s-i", trace);
        snprintf(cred_r, cap, "%s-r", trace);
        return 0;
    }
    if (!cred_files)
        return -1;
    if (sc_matrix_cred_name(p->method, p->suite, true, x509, cred_i, cap) != 0 ||
        sc_matrix_cred_name(p->method, p->suite, false, x509, cred_r, cap) != 0)
        return -1;
    return 0;
}

static bool needs(const scenario *sc, const char *name)
{
    for (size_t i = 0; i < sc->n_needs; i++)
        if (strcmp(sc->needs[i], name) == 0)
            return true;
    return false;
}

static const char *const kinds_or[] = {"kid", "kccs", "x5t", "x5chain", NULL};

static bool kind_allowed(const scenario *sc, const char *kind)
{
    if (sc->cred_id_set == 0)
        return strcmp(kind, sc->cred_id[0] ? sc->cred_id : "kid") == 0;
    for (unsigned k = 0; kinds_or[k]; k++)
        if ((sc->cred_id_set >> k) & 1u && strcmp(kinds_or[k], kind) == 0)
            return true;
    return false;
}

/* "ID_CRED by kid" or "ID_CRED by kid or x5t". */
static void describe_kinds(const scenario *sc, char *out, size_t cap)
{
    if (sc->cred_id_set == 0) {
        snprintf(out, cap, "ID_CRED by %s", sc->cred_id[0] ? sc->cred_id : "kid");
        return;
    }
    size_t k = (size_t)snprintf(out, cap, "ID_CRED by");
    for (unsigned i = 0, first = 1; kinds_or[i] && k < cap; i++)
        if ((sc->cred_id_set >> i) & 1u) {
            k += (size_t)snprintf(out + k, cap - k, "%s %s", first ? "" : " or", kinds_or[i]);
            first = 0;
        }
}

static bool method_allowed(const scenario *sc, int method)
{
    return sc->method_set ? (sc->method_set >> method) & 1u : method == sc->method;
}

/* "METHOD 3" or "METHOD 1 or 3". */
static void describe_methods(const scenario *sc, char *out, size_t cap)
{
    unsigned set = sc->method_set ? sc->method_set : 1u << sc->method;
    size_t k = (size_t)snprintf(out, cap, "METHOD");
    for (int m = 0, first = 1; m <= 3 && k < cap; m++)
        if (set & (1u << m)) {
            k += (size_t)snprintf(out + k, cap - k, "%s %d", first ? "" : " or", m);
            first = 0;
        }
}

static int selected_suite(const scenario *sc)
{
    return sc->n_suites ? sc->suites[sc->n_suites - 1] : 2;
}

static bool suite_allowed(const scenario *sc, int suite)
{
    if (sc->suite_set)
        return suite >= 0 && suite < 32 && (sc->suite_set >> suite) & 1ul;
    return suite == selected_suite(sc);
}

/* "suite 2" or "suite 2, 3 or 5". */
static void describe_suites(const scenario *sc, char *out, size_t cap)
{
    if (!sc->suite_set) {
        snprintf(out, cap, "suite %d", selected_suite(sc));
        return;
    }
    size_t k = (size_t)snprintf(out, cap, "suite"), left = 0;
    for (int s = 0; s < 32; s++)
        left += (sc->suite_set >> s) & 1ul;
    for (int s = 0; s < 32 && k < cap; s++)
        if ((sc->suite_set >> s) & 1ul) {
            left--;
            k += (size_t)snprintf(out + k, cap - k, "%s%d", k == 5 ? " " : left ? ", " : " or ",
                                  s);
        }
}

bool sc_peer_has_forward_flow(const peer_file *pf)
{
    for (size_t i = 0; i < pf->n_profiles; i++)
        if (pf->profiles[i].flow == SC_FLOW_FORWARD)
            return true;
    return pf->n_profiles == 0;
}

bool sc_peer_has_reverse_flow(const peer_file *pf)
{
    for (size_t i = 0; i < pf->n_profiles; i++)
        if (pf->profiles[i].flow == SC_FLOW_REVERSE)
            return true;
    return false;
}

bool sc_runs_in_reverse_flow(const scenario *sc, char *why, size_t cap)
{
    if (sc->transport == SC_UDP) {
        snprintf(why, cap, "raw UDP has no CoAP client and server");
        return false;
    }
    if (sc->pins_framing) {
        snprintf(why, cap, "it is about the forward flow's prefixes");
        return false;
    }
    size_t sessions = 0;
    for (size_t i = 0; i < sc->n_steps; i++) {
        const sc_step *st = &sc->steps[i];
        const char *what = NULL;
        sessions += st->kind == SC_STEP_SEND && strcmp(st->message, "message_1") == 0;
        if (sessions > 1)
            what = "a second session (in the reverse flow the IUT's client starts sessions)";
        else if (st->kind == SC_STEP_EXPECT && st->checks.amplification)
            what = "an amplification check (answers to a message_1 request)";
        else if (st->kind == SC_STEP_FLOOD || st->kind == SC_STEP_WAIT)
            what = st->kind == SC_STEP_FLOOD ? "a flood step" : "a wait step";
        else if (st->kind == SC_STEP_OSCORE && (st->replay || st->early))
            what = "an OSCORE step out of the handshake's order";
        else if (st->kind == SC_STEP_SEND &&
                 (st->combined || st->has_prefix || st->with_c_r || st->again ||
                  (strncmp(st->message, "message_", 8) != 0 &&
                   /* the harness Initiator's error goes in a 4.00 response; the
                    * Responder's, a POST, is followed by a new trigger only if
                    * the IUT's client starts again */
                   (strcmp(st->message, "error") != 0 || sc->role != SC_HARNESS_INITIATOR))))
            what = st->combined ? "an RFC 9668 combined request (forward flow only)"
                                : "a send step the reverse flow does not take yet";
        if (what != NULL) {
            snprintf(why, cap, "step %zu: %s", i + 1, what);
            return false;
        }
    }
    return true;
}

bool sc_profile_fits(const scenario *sc, const sc_profile *p, bool cred_files, char *why,
                     size_t cap)
{
    unsigned pins = sc->pins;
    char a[SC_MAX_NAME], b[SC_MAX_NAME], rw[96];
    if (pins & SC_PIN_CREDS)
        pins |= SC_PIN_ALL;
    if ((pins & SC_PIN_METHOD) && !method_allowed(sc, p->method))
        describe_methods(sc, why, cap);
    else if ((pins & SC_PIN_SUITE) && !suite_allowed(sc, p->suite))
        describe_suites(sc, why, cap);
    else if ((pins & SC_PIN_CRED_ID) && !kind_allowed(sc, p->cred_id))
        describe_kinds(sc, why, cap);
    else if (sc->suites_other && !p->has_other_suite)
        snprintf(why, cap, "a second suite beside suite %d in METHOD %d with %s%s", p->suite,
                 p->method, p->cred_id, p->flow == SC_FLOW_REVERSE ? " (reverse flow)" : "");
    else if ((sc->message_4 || needs(sc, "message-4")) && !p->message_4)
        snprintf(why, cap, "message_4");
    else if (needs(sc, "oscore") && !p->oscore)
        snprintf(why, cap, "OSCORE");
    else if (needs(sc, "error-messages") && !p->error_messages)
        snprintf(why, cap, "EDHOC error messages");
    else if ((pins & SC_PIN_CREDS) == 0 && sc_profile_creds(p, cred_files, a, b, sizeof a) != 0)
        snprintf(why, cap, "credentials named in the profile or cred-files");
    else if (sc->iut_peer_other && !cred_files)
        snprintf(why, cap, "cred-files (the IUT is told of a generated credential)");
    else if (p->flow == SC_FLOW_REVERSE && !sc_runs_in_reverse_flow(sc, rw, sizeof rw))
        snprintf(why, cap, "the forward message flow (%s)", rw);
    else
        return true;
    return false;
}

int sc_name_other_cred(scenario *sc)
{
    if (!sc->iut_peer_other)
        return 0;
    bool x509 = strcmp(sc->cred_id, "x5t") == 0 || strcmp(sc->cred_id, "x5chain") == 0;
    return sc_other_cred_name(sc->method, selected_suite(sc), sc->role == SC_HARNESS_INITIATOR,
                              x509, sc->iut_peer_cred, sizeof sc->iut_peer_cred);
}

static unsigned long fnv1a(const char *s)
{
    unsigned long h = 2166136261ul;
    for (; *s; s++)
        h = ((h ^ (unsigned char)*s) * 16777619ul) & 0xfffffffful;
    return h;
}

/* A need for a suite other than the job's (suite-0 beside the selected suite
 * 2, as explore's scenarios have) is one of the IUT in the profile's METHOD,
 * kind of credential, framing and flow (as sc_profiles_pair_suites' other
 * suite is): a peer file whose suite 0 exists
 * only with METHOD 0 and x5t has no suite 0 to prefer in a METHOD 3 session
 * by kid. Peer files of capabilities (a cross product) have them all. */
static bool other_suites_beside(const scenario *sc, const peer_file *pf, const sc_profile *p,
                                char *why, size_t cap)
{
    int selected = sc->suite_set || !(sc->pins & SC_PIN_SUITE) ? p->suite : selected_suite(sc);
    for (size_t i = 0; i < sc->n_needs; i++) {
        char *end;
        if (strncmp(sc->needs[i], "suite-", 6) != 0)
            continue;
        long want = strtol(sc->needs[i] + 6, &end, 10);
        if (*end != 0 || want == selected)
            continue;
        bool found = false;
        for (size_t k = 0; k < pf->n_profiles && !found; k++) {
            const sc_profile *q = &pf->profiles[k];
            found = q->suite == want && q->method == p->method && q->flow == p->flow &&
                    q->framing == p->framing && strcmp(q->cred_id, p->cred_id) == 0;
        }
        if (!found) {
            snprintf(why, cap, "suite %ld beside suite %d in METHOD %d with %s", want, selected,
                     p->method, p->cred_id);
            return false;
        }
    }
    return true;
}

int sc_profile_choose(const scenario *sc, const peer_file *pf, sc_role harness_role,
                      unsigned long seed, size_t *fit, size_t *n_fit, char *why, size_t cap)
{
    size_t local[SC_MAX_PROFILES], n = 0;
    size_t *f = fit ? fit : local;
    bool files = has(pf, "cred-files");
    char first[160] = "";
    for (size_t i = 0; i < pf->n_profiles; i++) {
        char w[160];
        if (sc_profile_fits(sc, &pf->profiles[i], files, w, sizeof w) &&
            other_suites_beside(sc, pf, &pf->profiles[i], w, sizeof w))
            f[n++] = i;
        else if (!first[0])
            snprintf(first, sizeof first, "%s", w);
    }
    if (n_fit)
        *n_fit = n;
    if (n == 0) {
        snprintf(why, cap, "no profile of the IUT has %s", first[0] ? first : "what it needs");
        return -1;
    }
    char key[SC_MAX_ID + 48];
    snprintf(key, sizeof key, "%lu/%s/%s", seed, sc->id,
             harness_role == SC_HARNESS_INITIATOR ? "initiator" : "responder");
    return (int)f[fnv1a(key) % n];
}

/* The CBOR encoding of a registered suite (an int: 0..23 one byte, 24 and
 * 25 two) into out[2]; its length. */
static size_t suite_encoding(int suite, uint8_t out[2])
{
    if (suite < 24) {
        out[0] = (uint8_t)suite;
        return 1;
    }
    out[0] = 0x18, out[1] = (uint8_t)suite;
    return 2;
}

/* An ERR_CODE 2 the harness sends names its supported suite in SUITES_R; a
 * scenario that does not pin its suites writes the default, 2 ("02"), which
 * becomes the profile's suite (now sc->suites[0]). */
static void suites_r_follow(scenario *sc)
{
    for (size_t i = 0; i < sc->n_steps; i++) {
        sc_step *st = &sc->steps[i];
        if (st->kind != SC_STEP_SEND || strcmp(st->message, "error") != 0 ||
            st->err_code != 2 || st->n_err_suites || st->err_info.n != 1 ||
            st->err_info.b[0] != 0x02)
            continue;
        st->err_info.n = suite_encoding(sc->suites[sc->n_suites - 1], st->err_info.b);
    }
}

/* Drop the oscore steps, each with the expect step right after it when
 * the harness is the Initiator (that step judges the IUT's answer to the
 * OSCORE request, scenarios/README.md). As Responder the harness receives
 * the request and answers within the oscore step, so an expect step after
 * it is about what the IUT does next and stays. */
static void drop_oscore_steps(scenario *sc)
{
    size_t k = 0;
    bool judged_next = sc->role != SC_HARNESS_RESPONDER;
    for (size_t i = 0; i < sc->n_steps; i++) {
        if (sc->steps[i].kind == SC_STEP_OSCORE) {
            if (judged_next && i + 1 < sc->n_steps && sc->steps[i + 1].kind == SC_STEP_EXPECT)
                i++;
            continue;
        }
        if (k != i)
            sc->steps[k] = sc->steps[i];
        k++;
    }
    sc->n_steps = k;
}

int sc_profile_apply(scenario *sc, const sc_profile *p, bool cred_files, char *err, size_t cap)
{
    unsigned pins = sc->pins & SC_PIN_CREDS ? SC_PIN_ALL : sc->pins;
    if (!(pins & SC_PIN_METHOD) || method_allowed(sc, p->method))
        sc->method = p->method;
    if (sc->suites_other) {
        /* sc_profile_fits saw that p has a second suite */
        sc->suites[0] = p->other_suite, sc->suites[1] = p->suite, sc->n_suites = 2;
        suites_r_follow(sc);
        sc_suites_resolve(sc, p->other_suite);
    } else if (!(pins & SC_PIN_SUITE) || (sc->suite_set && suite_allowed(sc, p->suite))) {
        sc->suites[0] = p->suite, sc->n_suites = 1;
        suites_r_follow(sc);
        sc_suites_resolve(sc, SC_SUITE_OTHER);
    }
    if (!(pins & SC_PIN_CRED_ID) || (sc->cred_id_set && kind_allowed(sc, p->cred_id)))
        snprintf(sc->cred_id, sizeof sc->cred_id, "%s", p->cred_id);
    /* own / peer are the harness's, named from the Initiator's side unless
     * the harness is only the Responder (exec.h, sc_cred_names) */
    bool responder = sc->role == SC_HARNESS_RESPONDER;
    if (!(pins & SC_PIN_CREDS) &&
        sc_profile_creds(p, cred_files, responder ? sc->peer_cred : sc->cred,
                         responder ? sc->cred : sc->peer_cred, sizeof sc->cred) != 0) {
        snprintf(err, cap, "%s: no credentials for the profile METHOD %d, suite %d, %s",
                 sc->file, p->method, p->suite, p->cred_id);
        return -1;
    }
    if (sc_name_other_cred(sc) != 0) {
        snprintf(err, cap, "%s: no generated credential for METHOD %d, suite %d", sc->file,
                 sc->method, selected_suite(sc));
        return -1;
    }
    if (!p->oscore && !needs(sc, "oscore"))
        drop_oscore_steps(sc);
    if (!sc->pins_framing)
        sc->framing = p->framing;
    if (!sc->pins_transport)
        sc->transport = p->transport;
    sc->flow = p->flow;
    sc_profile_label(p, sc->profile, sizeof sc->profile);
    return 0;
}

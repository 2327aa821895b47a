/*
 * matrix.c - variants of a scenario file with a `matrix:` key, and the
 * names of the generated credentials they use (see matrix.h).
 */
#include "matrix.h"

#include <stdio.h>
#include <string.h>

#include "../edhoc/edhoc.h"
#include "../oscore/oscore.h"

size_t sc_variant_count(const scenario *sc)
{
    const sc_matrix *m = &sc->matrix;
    if (m->n_methods == 0)
        return 1;
    return m->n_methods * m->n_suites * m->n_cred_ids;
}

bool sc_suite_has_oscore(int suite)
{
    const eh_suite *s = eh_suite_by_id(suite);
    return s != NULL && eh_oscore_hkdf_supported(s->app_hash);
}

static const char *key_name(int cose_crv)
{
    switch (cose_crv) {
    case 1:
        return "p256";
    case 2:
        return "p384";
    case 4:
        return "x25519";
    case 5:
        return "x448";
    case 6:
        return "ed25519";
    case 7:
        return "ed448";
    default:
        return NULL;
    }
}

int sc_gen_cred_name(int cose_crv, bool static_dh, sc_gen_role role, bool x509, char *out,
                     size_t cap)
{
    const char *key = key_name(cose_crv);
    if (key == NULL || out == NULL)
        return -1;
    int n = snprintf(out, cap, "gen-%s-%s-%s%s", key, static_dh ? "dh" : "sig",
                     role == SC_GEN_INITIATOR ? "i" : role == SC_GEN_RESPONDER ? "r" : "o",
                     x509 ? "-x509" : "");
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static int cred_name_of(int method, int suite, bool initiator, sc_gen_role role, bool x509,
                        char *out, size_t cap)
{
    const eh_suite *s = eh_suite_by_id(suite);
    if (s == NULL || method < 0 || method > 3)
        return -1;
    /* RFC 9528 §3.2 Table 1: METHOD 0 sig/sig, 1 sig/DH, 2 DH/sig, 3 DH/DH */
    bool static_dh = initiator ? method >= 2 : method % 2 == 1;
    return sc_gen_cred_name(static_dh ? s->ecdh->cose_crv : s->sig->cose_crv, static_dh, role,
                            x509, out, cap);
}

int sc_matrix_cred_name(int method, int suite, bool initiator, bool x509, char *out,
                        size_t cap)
{
    return cred_name_of(method, suite, initiator,
                        initiator ? SC_GEN_INITIATOR : SC_GEN_RESPONDER, x509, out, cap);
}

int sc_other_cred_name(int method, int suite, bool initiator, bool x509, char *out,
                       size_t cap)
{
    return cred_name_of(method, suite, initiator, SC_GEN_OTHER, x509, out, cap);
}

/* Append "<a><b>" to the text of cap bytes at dst; -1 if it does not fit. */
static int append(char *dst, size_t cap, const char *a, const char *b)
{
    size_t len = strlen(dst);
    int n = snprintf(dst + len, cap - len, "%s%s", a, b);
    return n < 0 || (size_t)n >= cap - len ? -1 : 0;
}

int sc_variant(const scenario *tmpl, size_t k, scenario *out, char *err, size_t cap)
{
    if (k >= sc_variant_count(tmpl)) {
        snprintf(err, cap, "%s: variant %zu of %zu", tmpl->file, k, sc_variant_count(tmpl));
        return -1;
    }
    memcpy(out, tmpl, sc_scenario_size(tmpl)); /* tmpl may be compact */
    const sc_matrix *m = &tmpl->matrix;
    if (m->n_methods == 0)
        return 0;
    memset(&out->matrix, 0, sizeof out->matrix);
    int method = m->methods[k / (m->n_suites * m->n_cred_ids)];
    int suite = m->suites[(k / m->n_cred_ids) % m->n_suites];
    const char *kind = m->cred_ids[k % m->n_cred_ids];
    bool x509 = strcmp(kind, "x5t") == 0 || strcmp(kind, "x5chain") == 0;
    bool oscore = sc_suite_has_oscore(suite);
    char tag[SC_MAX_NAME], what[SC_MAX_NAME + 32];
    snprintf(tag, sizeof tag, "/m%d-s%d-%s", method, suite, kind);
    snprintf(what, sizeof what, " (METHOD %d, suite %d, %s)", method, suite, kind);
    out->method = method;
    out->pins = SC_PIN_ALL;
    out->suites[0] = suite, out->n_suites = 1;
    snprintf(out->cred_id, sizeof out->cred_id, "%s", kind);
    out->n_needs = 0;
    snprintf(out->needs[out->n_needs++], SC_MAX_NAME, "method-%d", method);
    snprintf(out->needs[out->n_needs++], SC_MAX_NAME, "suite-%d", suite);
    snprintf(out->needs[out->n_needs++], SC_MAX_NAME, "cred-%s", kind);
    for (size_t i = 0; i < tmpl->n_needs; i++) {
        if (!oscore && strcmp(tmpl->needs[i], "oscore") == 0)
            continue;
        if (out->n_needs == SC_MAX_LIST)
            goto too_long;
        memcpy(out->needs[out->n_needs++], tmpl->needs[i], SC_MAX_NAME);
    }
    out->n_steps = 0;
    for (size_t i = 0; i < tmpl->n_steps; i++)
        if (oscore || tmpl->steps[i].kind != SC_STEP_OSCORE)
            out->steps[out->n_steps++] = tmpl->steps[i];
    if (append(out->id, sizeof out->id, "", tag) != 0 ||
        append(out->title, sizeof out->title, "", what) != 0 ||
        sc_matrix_cred_name(method, suite, true, x509, out->cred, sizeof out->cred) != 0 ||
        sc_matrix_cred_name(method, suite, false, x509, out->peer_cred, sizeof out->peer_cred))
        goto too_long;
    return 0;
too_long:
    snprintf(err, cap, "%s: variant %zu (%s): a name does not fit", tmpl->file, k, tag + 1);
    return -1;
}

/* vector_setup.c - see vector_setup.h. */
#include <stdio.h>
#include <string.h>

#include "../cbor/cbor.h"
#include "vector_setup.h"

static void log_derived(trace_log *log, const char *name, const uint8_t *v, size_t n)
{
    if (log != NULL)
        trace_log_put(log, name, v, n);
}


/* Public key of an authentication private key, as the engine's eh_cred wants it. */
static eh_err auth_public_key(const eh_suite *suite, bool static_dh, const uint8_t *sk,
                              size_t sk_len, uint8_t *pub, size_t *pub_len, trace_log *derived,
                              const char *who)
{
    char k[32];
    eh_err err;
    if (static_dh) {
        const eh_ecdh_alg *e = suite->ecdh;
        if (sk_len != e->priv_len)
            return EH_ERR_ARG;
        err = e->public_key(sk, pub, e->is_okp ? NULL : pub + e->coord_len);
        *pub_len = e->is_okp ? e->coord_len : 2 * e->coord_len;
    } else {
        const eh_sig_alg *sg = suite->sig;
        if (sk_len != sg->priv_len)
            return EH_ERR_ARG;
        err = sg->public_key(sk, pub);
        *pub_len = sg->pub_len;
    }
    if (err != EH_OK)
        return err;
    if (*pub_len == 32 || *pub_len == 57 || *pub_len == 56) { /* OKP */
        snprintf(k, sizeof k, "pk_%s", who);
        log_derived(derived, k, pub, *pub_len);
    } else {
        size_t half = *pub_len / 2;
        snprintf(k, sizeof k, "pk_%s_x", who);
        log_derived(derived, k, pub, half);
        snprintf(k, sizeof k, "pk_%s_y", who);
        log_derived(derived, k, pub + half, half);
    }
    return EH_OK;
}

/* Decode a CBOR int or [2* int] (SUITES_I / METHOD items of the file). */
int parse_int_list(const uint8_t *b, size_t n, int *out, size_t *count)
{
    eh_cbor_reader r;
    size_t k = 1;
    int64_t v;
    eh_cbor_reader_init(&r, b, n);
    if (eh_cbor_peek_major(&r) == EH_CBOR_ARRAY && eh_cbor_read_array(&r, &k) != EH_OK)
        return -1;
    if (k == 0 || k > EH_MAX_SUITES)
        return -1;
    for (size_t i = 0; i < k; i++) {
        if (eh_cbor_read_int(&r, &v) != EH_OK || v < -65536 || v > 65535)
            return -1;
        out[i] = (int)v;
    }
    *count = k;
    return eh_cbor_at_end(&r) ? 0 : -1;
}


static int load_inputs(const vfile *vf, vector_inputs *in)
{
    static const char *const ead_keys[5] = {NULL, "ead_1", "ead_2", "ead_3", "ead_4"};
    struct {
        const char *key;
        bytes *b;
        bool required;
    } spec[] = {
        {"method", &in->method, true},       {"suites_i", &in->suites_i, true},
        {"x", &in->x, true},                 {"y", &in->y, true},
        {"c_i", &in->c_i, true},             {"c_r", &in->c_r, true},
        {"sk_i", &in->sk_i, true},           {"sk_r", &in->sk_r, true},
        {"id_cred_i", &in->id_cred_i, true}, {"id_cred_r", &in->id_cred_r, true},
        {"cred_i", &in->cred_i, true},       {"cred_r", &in->cred_r, true},
        {"message_1", &in->msg1, true},      {"message_2", &in->msg2, true},
        {"message_3", &in->msg3, true},      {"message_4", &in->msg4, false},
        {"first_suites_i", &in->first_suites_i, false},
        {"first_x", &in->first_x, false},    {"first_g_x", &in->first_g_x, false},
        {"first_c_i", &in->first_c_i, false},
        {"first_message_1", &in->first_msg1, false},
        {"error_message", &in->error_msg, false},
        {"keyupdate_context", &in->keyupdate_context, false},
        {"exporter_context", &in->exporter_context, false},
    };
    for (size_t i = 0; i < sizeof spec / sizeof spec[0]; i++)
        if (vfile_hex(vf, spec[i].key, spec[i].b->b, VMAX, &spec[i].b->n, spec[i].required))
            return 2;
    for (int k = 1; k <= 4; k++)
        if (vfile_hex(vf, ead_keys[k], in->ead[k].b, VMAX, &in->ead[k].n, false))
            return 2;
    if (vfile_has(vf, "first_message_1") &&
        (!vfile_has(vf, "first_x") || !vfile_has(vf, "first_suites_i") ||
         !vfile_has(vf, "first_c_i") || !vfile_has(vf, "error_message"))) {
        fprintf(stderr, "%s: first_message_1 needs first_x, first_suites_i, first_c_i and "
                        "error_message\n", vf->path);
        return 2;
    }
    return 0;
}


/* The EAD labels each endpoint understands (vector_setup.h). 0, or 2 after
 * printing why. */
static int ead_understood(const vfile *vf, vector_setup *vs)
{
    static const char *const keys[2] = {"_ead_understood_i", "_ead_understood_r"};
    int64_t *list[2] = {vs->ead_known_i, vs->ead_known_r};
    size_t n[2] = {0, 0};
    bool positive = !vfile_has(vf, "invalid_message");
    for (int e = 0; e < 2; e++) {
        json_t *a = json_object_get(vf->root, keys[e]);
        if (a != NULL) {
            size_t i;
            json_t *v;
            if (!json_is_array(a) || json_array_size(a) > VS_MAX_EAD_KNOWN) {
                fprintf(stderr, "%s: '%s' must be an array of at most %d integers (EAD labels)\n",
                        vf->path, keys[e], VS_MAX_EAD_KNOWN);
                return 2;
            }
            json_array_foreach(a, i, v) {
                if (!json_is_integer(v)) {
                    fprintf(stderr, "%s: '%s' must hold integers (EAD labels)\n", vf->path,
                            keys[e]);
                    return 2;
                }
                list[e][n[e]++] = (int64_t)json_integer_value(v); /* size checked above */
            }
            continue;
        }
        for (int k = 1; positive && k <= 4; k++) {
            long m = eh_ead_critical_labels(vs->in.ead[k].b, vs->in.ead[k].n, list[e], n[e],
                                            VS_MAX_EAD_KNOWN);
            if (m >= 0) /* malformed (or too many): the engine will say so */
                n[e] = (size_t)m;
        }
    }
    vs->ci.ead_known = vs->ead_known_i, vs->ci.n_ead_known = n[0];
    vs->cr.ead_known = vs->ead_known_r, vs->cr.n_ead_known = n[1];
    return 0;
}

int vector_setup_load(const vfile *vf, vector_setup *vs, trace_log *derived)
{
    memset(vs, 0, sizeof *vs);
    if (load_inputs(vf, &vs->in) != 0)
        return 2;
    /* METHOD, suites, and the Responder's supported suites. */
    int method_list[EH_MAX_SUITES];
    size_t n_method;
    int *prefs = vs->prefs, *first_sel = vs->first_sel;
    size_t n_prefs = 0;
    vs->n_first = 0;
    if (parse_int_list(vs->in.method.b, vs->in.method.n, method_list, &n_method) || n_method != 1 ||
        method_list[0] < 0 || method_list[0] > 3) {
        fprintf(stderr, "%s: key 'method': not a METHOD 0..3 as a CBOR int\n", vf->path);
        return 2;
    }
    if (parse_int_list(vs->in.suites_i.b, vs->in.suites_i.n, prefs, &n_prefs)) {
        fprintf(stderr, "%s: key 'suites_i': not a CBOR int or array of ints\n", vf->path);
        return 2;
    }
    if (vs->in.first_suites_i.n &&
        parse_int_list(vs->in.first_suites_i.b, vs->in.first_suites_i.n, first_sel, &vs->n_first)) {
        fprintf(stderr, "%s: key 'first_suites_i': not a CBOR int or array of ints\n", vf->path);
        return 2;
    }
    int method = vs->method = method_list[0];
    vs->n_prefs = n_prefs;
    const eh_suite *suite = vs->suite = eh_suite_by_id(prefs[n_prefs - 1]);
    if (suite == NULL) {
        fprintf(stderr, "%s: key 'suites_i': selected suite %d is not supported\n", vf->path,
                prefs[n_prefs - 1]);
        return 2;
    }
    int r_suites[EH_MAX_SUITES];
    size_t n_r_suites = 1;
    r_suites[0] = suite->id;
    json_t *rs = json_object_get(vf->root, "_responder_suites");
    if (json_is_array(rs) && json_array_size(rs) > 0 && json_array_size(rs) <= EH_MAX_SUITES) {
        n_r_suites = json_array_size(rs);
        for (size_t i = 0; i < n_r_suites; i++)
            r_suites[i] = (int)json_integer_value(json_array_get(rs, i));
    }

    /* Authentication keys: derived from the private keys in the file. */
    eh_err err = auth_public_key(suite, method == 2 || method == 3, vs->in.sk_i.b,
                                 vs->in.sk_i.n, vs->pub_i, &vs->pub_i_len, derived, "i");
    if (err == EH_OK)
        err = auth_public_key(suite, method == 1 || method == 3, vs->in.sk_r.b, vs->in.sk_r.n,
                              vs->pub_r, &vs->pub_r_len, derived, "r");
    if (err != EH_OK) {
        fprintf(stderr, "%s: keys 'sk_i'/'sk_r': not private keys of suite %d for METHOD %d (%s)\n",
                vf->path, suite->id, method, eh_err_name(err));
        return 2;
    }
    vs->cred_i = (eh_cred){vs->in.cred_i.b, vs->in.cred_i.n, vs->in.id_cred_i.b,
                           vs->in.id_cred_i.n, vs->pub_i, vs->pub_i_len};
    vs->cred_r = (eh_cred){vs->in.cred_r.b, vs->in.cred_r.n, vs->in.id_cred_r.b,
                           vs->in.id_cred_r.n, vs->pub_r, vs->pub_r_len};

    /* Ephemeral public keys and their y-coordinates. */
    {
        uint8_t gx[EH_MAX_COORD_LEN], gy[EH_MAX_COORD_LEN];
        const eh_ecdh_alg *e = suite->ecdh;
        if (vs->in.x.n == e->priv_len && e->public_key(vs->in.x.b, gx, e->is_okp ? NULL : gy) == EH_OK) {
            log_derived(derived, "g_x", gx, e->coord_len);
            if (!e->is_okp)
                log_derived(derived, "g_x_y_coord", gy, e->coord_len);
        }
        if (vs->in.y.n == e->priv_len && e->public_key(vs->in.y.b, gx, e->is_okp ? NULL : gy) == EH_OK) {
            log_derived(derived, "g_y", gx, e->coord_len);
            if (!e->is_okp)
                log_derived(derived, "g_y_y_coord", gy, e->coord_len);
        }
        log_derived(derived, "c_i", vs->in.c_i.b, vs->in.c_i.n);
        log_derived(derived, "c_r", vs->in.c_r.b, vs->in.c_r.n);
        if (vs->in.first_c_i.n)
            log_derived(derived, "first_c_i", vs->in.first_c_i.b, vs->in.first_c_i.n);
        if (vfile_has(vf, "keyupdate_context")) /* for keyupdate_context_cbor */
            log_derived(derived, "keyupdate_context", vs->in.keyupdate_context.b,
                    vs->in.keyupdate_context.n);
    }

    vs->ci.role = EH_INITIATOR;
    vs->ci.method = method;
    memcpy(vs->ci.suites, prefs, sizeof vs->prefs);
    vs->ci.n_suites = n_prefs;
    vs->ci.initial_suite_index = n_prefs - 1;
    vs->ci.conn_id = vs->in.c_i.b;
    vs->ci.conn_id_len = vs->in.c_i.n;
    vs->ci.own_cred = vs->cred_i;
    vs->ci.own_priv = vs->in.sk_i.b;
    vs->ci.own_priv_len = vs->in.sk_i.n;
    vs->ci.peer_creds = &vs->cred_r;
    vs->ci.n_peer_creds = 1;
    vs->ci.ead[1] = vs->in.ead[1].b, vs->ci.ead_len[1] = vs->in.ead[1].n;
    vs->ci.ead[3] = vs->in.ead[3].b, vs->ci.ead_len[3] = vs->in.ead[3].n;
    vs->ci.message_4 = vs->in.msg4.n > 0;

    vs->cr.role = EH_RESPONDER;
    vs->cr.method = method;
    memcpy(vs->cr.suites, r_suites, sizeof r_suites);
    vs->cr.n_suites = n_r_suites;
    vs->cr.conn_id = vs->in.c_r.b;
    vs->cr.conn_id_len = vs->in.c_r.n;
    vs->cr.own_cred = vs->cred_r;
    vs->cr.own_priv = vs->in.sk_r.b;
    vs->cr.own_priv_len = vs->in.sk_r.n;
    vs->cr.peer_creds = &vs->cred_i;
    vs->cr.n_peer_creds = 1;
    vs->cr.ead[2] = vs->in.ead[2].b, vs->cr.ead_len[2] = vs->in.ead[2].n;
    vs->cr.ead[4] = vs->in.ead[4].b, vs->cr.ead_len[4] = vs->in.ead[4].n;
    vs->cr.message_4 = vs->ci.message_4;
    return ead_understood(vf, vs);
}

/*
 * vectors_generate.c - `edhoc-harness vectors generate`: write vector files
 * in the format of vectors/README.md for any METHOD, suite and credential
 * kind, reproducible from a seed.
 *
 * Every key (static, ephemeral, certificate issuer) comes from a
 * deterministic generator keyed by the seed and a label naming its use,
 * ECDSA is deterministic (RFC 6979) and EdDSA is deterministic by design,
 * so the same command line always writes the same bytes. Both roles run;
 * a value both compute is written only if they agree.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/version.h"
#include "../cbor/cbor.h"
#include "../crypto/x509.h"
#include "../edhoc/edhoc.h"
#include "../report/report.h"
#include "cli.h"
#include "../vectors/trace_log.h"
#include "vector_gen.h"

static const char *const kind_names[] = {"kid", "kccs", "x5t", "x5chain"};

int gen_kind_parse(const char *s, gen_cred_kind *kind)
{
    for (int k = 0; k < 4; k++)
        if (strcmp(s, kind_names[k]) == 0) {
            *kind = (gen_cred_kind)k;
            return 0;
        }
    return -1;
}

const char *gen_kind_name(gen_cred_kind kind)
{
    return kind_names[kind];
}

void gen_drbg(uint64_t seed, const char *label, uint8_t *out, size_t len)
{
    uint8_t in[8 + 64 + 4], block[32];
    size_t label_len = strnlen(label, 64);
    for (int i = 0; i < 8; i++)
        in[i] = (uint8_t)(seed >> (8 * i));
    memcpy(in + 8, label, label_len);
    for (uint32_t ctr = 0; len > 0; ctr++) {
        size_t n = len < sizeof block ? len : sizeof block;
        for (int i = 0; i < 4; i++)
            in[8 + label_len + i] = (uint8_t)(ctr >> (24 - 8 * i));
        eh_hash_sha256.digest(in, 8 + label_len + 4, block);
        memcpy(out, block, n);
        out += n;
        len -= n;
    }
    eh_wipe(block, sizeof block);
}

typedef struct party {
    const char *who; /* "i" or "r" */
    uint8_t priv[EH_MAX_PRIV_LEN];
    size_t priv_len;
    uint8_t pub[EH_MAX_SIG_PUB_LEN];
    size_t pub_len;
    eh_key_type type;
    uint8_t der[1024];
    size_t der_len;
    uint8_t cred[1200], id_cred[1300];
    size_t cred_len, id_cred_len;
    eh_cred c;
} party;

static eh_key_type key_type_of(int cose_crv)
{
    switch (cose_crv) {
    case 1:
        return EH_KEY_P256;
    case 2:
        return EH_KEY_P384;
    case 4:
        return EH_KEY_X25519;
    case 5:
        return EH_KEY_X448;
    case 6:
        return EH_KEY_ED25519;
    default:
        return EH_KEY_ED448;
    }
}

int gen_keypair_make(uint64_t seed, const char *label, const eh_ecdh_alg *dh,
                     const eh_sig_alg *sig, gen_keypair *k)
{
    for (int attempt = 0; attempt < 16; attempt++) {
        char l[64];
        eh_err err;
        snprintf(l, sizeof l, "%s/%d", label, attempt);
        if (dh != NULL) {
            k->priv_len = dh->priv_len;
            gen_drbg(seed, l, k->priv, k->priv_len);
            err = dh->public_key(k->priv, k->pub, dh->is_okp ? NULL : k->pub + dh->coord_len);
            k->pub_len = dh->is_okp ? dh->coord_len : 2 * dh->coord_len;
            k->type = key_type_of(dh->cose_crv);
        } else {
            k->priv_len = sig->priv_len;
            gen_drbg(seed, l, k->priv, k->priv_len);
            err = sig->public_key(k->priv, k->pub);
            k->pub_len = sig->pub_len;
            k->type = key_type_of(sig->cose_crv);
        }
        if (err == EH_OK)
            return 0;
        if (err != EH_ERR_ARG)
            break;
    }
    eh_wipe(k, sizeof *k);
    return -1;
}

/* The authentication key of a party: the suite's static-DH or signature
 * key. */
static int make_key(uint64_t seed, const char *label, const eh_suite *suite, bool static_dh,
                    party *p)
{
    gen_keypair k;
    if (gen_keypair_make(seed, label, static_dh ? suite->ecdh : NULL, suite->sig, &k) != 0)
        return -1;
    memcpy(p->priv, k.priv, k.priv_len), p->priv_len = k.priv_len;
    memcpy(p->pub, k.pub, k.pub_len), p->pub_len = k.pub_len;
    p->type = k.type;
    eh_wipe(&k, sizeof k);
    return 0;
}

/* An ephemeral private key of the suite's curve. */
static int make_ephemeral(uint64_t seed, const char *label, const eh_suite *suite, uint8_t *priv)
{
    uint8_t x[EH_MAX_COORD_LEN];
    for (int attempt = 0; attempt < 16; attempt++) {
        char l[64];
        snprintf(l, sizeof l, "%s/%d", label, attempt);
        gen_drbg(seed, l, priv, suite->ecdh->priv_len);
        if (suite->ecdh->public_key(priv, x, NULL) == EH_OK)
            return 0;
    }
    return -1;
}

int gen_cose_crv(eh_key_type t)
{
    static const int crv[] = {[EH_KEY_ED25519] = 6, [EH_KEY_ED448] = 7, [EH_KEY_X25519] = 4,
                              [EH_KEY_X448] = 5,    [EH_KEY_P256] = 1,  [EH_KEY_P384] = 2};
    return crv[t];
}

size_t gen_ccs_encode(eh_key_type type, const uint8_t *pub, size_t pub_len,
                      const char *subject, uint8_t kid, uint8_t *out, size_t cap)
{
    bool ec2 = type == EH_KEY_P256 || type == EH_KEY_P384;
    size_t half = ec2 ? pub_len / 2 : pub_len;
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, out, cap);
    eh_cbor_write_map(&w, 2);
    eh_cbor_write_uint(&w, 2);
    eh_cbor_write_tstr(&w, subject, strlen(subject));
    eh_cbor_write_uint(&w, 8);
    eh_cbor_write_map(&w, 1);
    eh_cbor_write_uint(&w, 1);
    eh_cbor_write_map(&w, ec2 ? 5 : 4);
    eh_cbor_write_uint(&w, 1);
    eh_cbor_write_uint(&w, ec2 ? 2 : 1); /* kty EC2 / OKP */
    eh_cbor_write_uint(&w, 2);
    eh_cbor_write_bstr(&w, &kid, 1);
    eh_cbor_write_int(&w, -1);
    eh_cbor_write_uint(&w, (uint64_t)gen_cose_crv(type));
    eh_cbor_write_int(&w, -2);
    eh_cbor_write_bstr(&w, pub, half);
    if (ec2) {
        eh_cbor_write_int(&w, -3);
        eh_cbor_write_bstr(&w, pub + half, half);
    }
    return eh_cbor_writer_status(&w) == EH_OK ? w.len : 0;
}

/* CCS of a party, as RFC 9529 §3. */
static size_t ccs_encode(const party *p, uint8_t kid, uint8_t *out, size_t cap)
{
    char subject[48];
    snprintf(subject, sizeof subject, "%s.edhoc-harness.example",
             p->who[0] == 'i' ? "initiator" : "responder");
    return gen_ccs_encode(p->type, p->pub, p->pub_len, subject, kid, out, cap);
}

static int make_cred(uint64_t seed, gen_cred_kind kind, party *p, uint8_t kid,
                     const uint8_t root_seed[32])
{
    eh_cbor_writer w;
    if (kind == GEN_KID || kind == GEN_KCCS) {
        p->cred_len = ccs_encode(p, kid, p->cred, sizeof p->cred);
        if (p->cred_len == 0)
            return -1;
    } else {
        uint8_t serial[4];
        char label[32];
        snprintf(label, sizeof label, "serial_%s", p->who);
        gen_drbg(seed, label, serial, sizeof serial);
        uint32_t sn = ((uint32_t)serial[0] << 24 | (uint32_t)serial[1] << 16 |
                       (uint32_t)serial[2] << 8 | serial[3]) & 0x7fffffffu;
        if (eh_x509_create(p->type, p->pub, p->pub_len,
                           p->who[0] == 'i' ? "EDHOC Initiator" : "EDHOC Responder", root_seed,
                           "EDHOC Root Ed25519", sn, "20260101000000Z", "20361231235959Z", p->der,
                           sizeof p->der, &p->der_len) != EH_OK)
            return -1;
        eh_cbor_writer_init(&w, p->cred, sizeof p->cred);
        eh_cbor_write_bstr(&w, p->der, p->der_len);
        if (eh_cbor_writer_status(&w) != EH_OK)
            return -1;
        p->cred_len = w.len;
    }
    eh_cbor_writer_init(&w, p->id_cred, sizeof p->id_cred);
    eh_cbor_write_map(&w, 1);
    switch (kind) {
    case GEN_KID:
        eh_cbor_write_uint(&w, 4);
        eh_cbor_write_bstr(&w, &kid, 1);
        break;
    case GEN_KCCS:
        eh_cbor_write_uint(&w, 14);
        eh_cbor_write_raw(&w, p->cred, p->cred_len);
        break;
    case GEN_X5T: {
        uint8_t h[32];
        eh_hash_sha256.digest(p->der, p->der_len, h);
        eh_cbor_write_uint(&w, 34);
        eh_cbor_write_array(&w, 2);
        eh_cbor_write_int(&w, -15); /* SHA-256/64, RFC 9528 §9.3 */
        eh_cbor_write_bstr(&w, h, 8);
        break;
    }
    case GEN_X5CHAIN:
        eh_cbor_write_uint(&w, 33);
        eh_cbor_write_bstr(&w, p->der, p->der_len);
        break;
    }
    if (eh_cbor_writer_status(&w) != EH_OK)
        return -1;
    p->id_cred_len = w.len;
    p->c = (eh_cred){p->cred, p->cred_len, p->id_cred, p->id_cred_len, p->pub, p->pub_len};
    return 0;
}

/* Output order: the order of the RFC 9529 trace files. */
static const char *const key_order[] = {
    "method", "suites_i", "x", "g_x", "g_x_y_coord", "g_x_cbor", "c_i", "c_i_cbor", "ead_1",
    "message_1", "y", "g_y", "g_y_y_coord", "g_y_cbor", "c_r", "c_r_cbor", "h_message_1",
    "h_message_1_cbor", "input_th_2", "th_2", "th_2_cbor", "g_xy", "salt_2e", "prk_2e", "sk_r",
    "pk_r", "pk_r_x", "pk_r_y", "info_salt_3e2m", "salt_3e2m", "g_rx", "prk_3e2m", "id_cred_r",
    "cred_r", "cred_r_der", "ead_2", "context_2", "context_2_bstr", "info_mac_2", "mac_2",
    "mac_2_cbor", "to_be_signed_2", "sig_or_mac_2", "sig_or_mac_2_cbor", "plaintext_2",
    "info_keystream_2", "keystream_2", "ciphertext_2", "message_2", "input_th_3", "th_3",
    "th_3_cbor", "sk_i", "pk_i", "pk_i_x", "pk_i_y", "info_salt_4e3m", "salt_4e3m", "g_iy",
    "prk_4e3m", "id_cred_i", "cred_i", "cred_i_der", "ead_3", "context_3", "context_3_bstr",
    "info_mac_3", "mac_3", "mac_3_cbor", "to_be_signed_3", "sig_or_mac_3", "sig_or_mac_3_cbor",
    "plaintext_3", "a_3", "info_k_3", "k_3", "info_iv_3", "iv_3", "ciphertext_3", "message_3",
    "input_th_4", "th_4", "th_4_cbor", "ead_4", "plaintext_4", "a_4", "info_k_4", "k_4",
    "info_iv_4", "iv_4", "ciphertext_4", "message_4", "info_prk_out", "prk_out",
    "info_prk_exporter", "prk_exporter", "app_aead_alg", "app_hash_alg",
    "oscore_client_sender_id", "oscore_server_sender_id", "info_oscore_master_secret",
    "oscore_master_secret", "info_oscore_master_salt", "oscore_master_salt", "exporter_label",
    "exporter_context", "exporter_length", "info_exporter", "exporter_output",
    "keyupdate_context", "keyupdate_context_cbor", "keyupdate_prk_out", "keyupdate_prk_exporter",
    "keyupdate_oscore_master_secret", "keyupdate_oscore_master_salt", "root_ca_pk", NULL};

/* Values to write in bstr-encoded (`_cbor`) form too. */
static const char *const cbor_forms[] = {"g_x", "g_y", "h_message_1", "th_2", "th_3", "th_4",
                                        "mac_2", "mac_3", "sig_or_mac_2", "sig_or_mac_3",
                                        "keyupdate_context", NULL};

static void put_cbor_forms(trace_log *all)
{
    for (size_t i = 0; cbor_forms[i] != NULL; i++) {
        static uint8_t raw[8192], enc[8200];
        long n = trace_log_get(all, cbor_forms[i], raw, sizeof raw);
        if (n < 0)
            continue;
        eh_cbor_writer w;
        eh_cbor_writer_init(&w, enc, sizeof enc);
        eh_cbor_write_bstr(&w, raw, (size_t)n);
        char key[64];
        snprintf(key, sizeof key, "%s_cbor", cbor_forms[i]);
        trace_log_put(all, key, enc, w.len);
    }
}

static void put_conn_id_cbor(trace_log *all, const char *key, const uint8_t *id, size_t len)
{
    uint8_t enc[EH_MAX_CONN_ID + 2];
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, enc, sizeof enc);
    if (eh_conn_id_is_int(id, len))
        eh_cbor_write_raw(&w, id, 1);
    else
        eh_cbor_write_bstr(&w, id, len);
    trace_log_put(all, key, enc, w.len);
}

/* Merge what the Initiator and the Responder traced; they must agree. */
static int merge_logs(trace_log *all, const trace_log *li, const trace_log *lr)
{
    const char *key;
    json_t *v;
    json_object_foreach(li->values, key, v) json_object_set(all->values, key, v);
    json_object_foreach(lr->values, key, v) {
        json_t *mine = json_object_get(li->values, key);
        if (mine != NULL && !json_equal(mine, v)) {
            fprintf(stderr, "vectors generate: internal error: the roles disagree on %s\n", key);
            return -1;
        }
        json_object_set(all->values, key, v);
    }
    return 0;
}

static json_t *ordered_output(const gen_opts *o, const trace_log *all)
{
    json_t *out = json_object();
    char desc[160];
    const char *variant = o->variant        ? o->variant
                          : o->kind_i != o->kind_r ? "mixed"
                                                   : "base";
    snprintf(desc, sizeof desc,
             "METHOD %d, cipher suite %d, credentials I: %s, R: %s, variant %s, seed %llu",
             o->method, o->suite, kind_names[o->kind_i], kind_names[o->kind_r], variant,
             (unsigned long long)o->seed);
    json_object_set_new(out, "_source",
                        json_string(o->command ? o->command : "edhoc-harness vectors generate"));
    json_object_set_new(out, "_harness_version", json_string(eh_version()));
    json_object_set_new(out, "_description", json_string(desc));
    json_object_set_new(out, "_method_int", json_integer(o->method));
    json_object_set_new(out, "_selected_suite", json_integer(o->suite));
    json_object_set_new(out, "_cred_kind_i", json_string(kind_names[o->kind_i]));
    json_object_set_new(out, "_cred_kind_r", json_string(kind_names[o->kind_r]));
    json_object_set_new(out, "_variant", json_string(variant));
    json_object_set_new(out, "_seed", json_integer((json_int_t)o->seed));
    for (size_t i = 0; key_order[i] != NULL; i++) {
        json_t *v = json_object_get(all->values, key_order[i]);
        if (v != NULL)
            json_object_set(out, key_order[i], v);
    }
    const char *key;
    json_t *v;
    json_object_foreach(all->values, key, v) if (json_object_get(out, key) == NULL)
        json_object_set(out, key, v);
    return out;
}

static void put_int(trace_log *all, const char *key, long long v)
{
    json_object_set_new(all->values, key, json_integer(v));
}

json_t *gen_vector(const gen_opts *o)
{
    const eh_suite *suite = eh_suite_by_id(o->suite);
    party *pi = calloc(1, sizeof *pi), *pr = calloc(1, sizeof *pr);
    eh_config *ci = calloc(1, sizeof *ci), *cr = calloc(1, sizeof *cr);
    eh_session *si = calloc(1, sizeof *si), *sr = calloc(1, sizeof *sr);
    uint8_t *m = malloc(EH_WORK_SIZE + 64);
    uint8_t x[EH_MAX_PRIV_LEN], y[EH_MAX_PRIV_LEN], root_seed[32], root_pub[32];
    uint8_t ku_ctx[16], exp_ctx[4];
    trace_log li = {0}, lr = {0}, all = {0};
    json_t *result = NULL;
    size_t n;
    eh_err err = EH_OK;
    const char *step = "set-up";
    if (!suite || !pi || !pr || !ci || !cr || !si || !sr || !m || trace_log_init(&li) ||
        trace_log_init(&lr) || trace_log_init(&all))
        goto done;
    pi->who = "i", pr->who = "r";
    gen_drbg(o->seed, "root_ca", root_seed, sizeof root_seed);
    eh_sig_ed25519.public_key(root_seed, root_pub);
    step = "keys";
    if (make_key(o->seed, "sk_i", suite, o->method == 2 || o->method == 3, pi) ||
        make_key(o->seed, "sk_r", suite, o->method == 1 || o->method == 3, pr) ||
        make_cred(o->seed, o->kind_i, pi, 0x2b, root_seed) ||
        make_cred(o->seed, o->kind_r, pr, 0x32, root_seed) ||
        make_ephemeral(o->seed, "x", suite, x) || make_ephemeral(o->seed, "y", suite, y))
        goto done;
    gen_drbg(o->seed, "keyupdate_context", ku_ctx, sizeof ku_ctx);
    gen_drbg(o->seed, "exporter_context", exp_ctx, sizeof exp_ctx);

    ci->role = EH_INITIATOR;
    ci->method = o->method;
    ci->suites[0] = o->suite, ci->n_suites = 1;
    ci->conn_id = o->c_i, ci->conn_id_len = o->c_i_len;
    ci->own_cred = pi->c, ci->own_priv = pi->priv, ci->own_priv_len = pi->priv_len;
    ci->peer_creds = &pr->c, ci->n_peer_creds = 1;
    ci->message_4 = o->message_4;
    ci->trace = trace_log_cb, ci->trace_arg = &li;
    *cr = *ci;
    cr->role = EH_RESPONDER;
    cr->conn_id = o->c_r, cr->conn_id_len = o->c_r_len;
    cr->own_cred = pr->c, cr->own_priv = pr->priv, cr->own_priv_len = pr->priv_len;
    cr->peer_creds = &pi->c;
    cr->trace_arg = &lr;
    for (int k = 1; k <= 4; k++) {
        eh_config *c = (k % 2) ? ci : cr;
        c->ead[k] = o->ead[k], c->ead_len[k] = o->ead_len[k];
    }
    /* A positive vector documents a completed run: both endpoints understand
     * every critical item it carries (vectors/README.md, "EAD"). */
    int64_t known[32];
    size_t n_known = 0;
    for (int k = 1; k <= 4; k++) {
        long got = eh_ead_critical_labels(o->ead[k], o->ead_len[k], known, n_known, 32);
        if (got >= 0)
            n_known = (size_t)got;
    }
    ci->ead_known = cr->ead_known = known;
    ci->n_ead_known = cr->n_ead_known = n_known;

    step = "handshake";
    if ((err = eh_session_init(si, ci)) || (err = eh_session_init(sr, cr)) ||
        (err = eh_session_set_ephemeral(si, x, suite->ecdh->priv_len, NULL, 0)) ||
        (err = eh_session_set_ephemeral(sr, y, suite->ecdh->priv_len, NULL, 0)) ||
        (err = eh_initiator_message_1(si, m, EH_WORK_SIZE, &n)) ||
        (err = eh_responder_process_message_1(sr, m, n)) ||
        (err = eh_responder_message_2(sr, m, EH_WORK_SIZE, &n)) ||
        (err = eh_initiator_process_message_2(si, m, n)) ||
        (err = eh_initiator_message_3(si, m, EH_WORK_SIZE, &n)) ||
        (err = eh_responder_process_message_3(sr, m, n)))
        goto done;
    if (o->message_4 && ((err = eh_responder_message_4(sr, m, EH_WORK_SIZE, &n)) ||
                         (err = eh_initiator_process_message_4(si, m, n))))
        goto done;
    step = "exporter";
    eh_oscore_material op;
    eh_session *ss[2] = {si, sr};
    for (int k = 0; k < 2; k++) {
        if ((err = eh_oscore_material_derive(ss[k], &op)) ||
            (err = eh_exporter(ss[k], 32768, exp_ctx, sizeof exp_ctx, m, 32)) ||
            (err = eh_key_update(ss[k], ku_ctx, sizeof ku_ctx)) ||
            (err = eh_oscore_material_derive(ss[k], &op)))
            goto done;
    }

    /* Inputs, then everything traced, then the derived encodings. */
    uint8_t item[16];
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, item, sizeof item);
    eh_cbor_write_uint(&w, (uint64_t)o->method);
    trace_log_put(&all, "method", item, w.len);
    eh_cbor_writer_init(&w, item, sizeof item);
    eh_cbor_write_int(&w, o->suite);
    trace_log_put(&all, "suites_i", item, w.len);
    trace_log_put(&all, "x", x, suite->ecdh->priv_len);
    trace_log_put(&all, "y", y, suite->ecdh->priv_len);
    if (!suite->ecdh->is_okp) {
        uint8_t gx[EH_MAX_COORD_LEN], gy[EH_MAX_COORD_LEN];
        suite->ecdh->public_key(x, gx, gy);
        trace_log_put(&all, "g_x_y_coord", gy, suite->ecdh->coord_len);
        suite->ecdh->public_key(y, gx, gy);
        trace_log_put(&all, "g_y_y_coord", gy, suite->ecdh->coord_len);
    }
    trace_log_put(&all, "c_i", o->c_i, o->c_i_len);
    trace_log_put(&all, "c_r", o->c_r, o->c_r_len);
    put_conn_id_cbor(&all, "c_i_cbor", o->c_i, o->c_i_len);
    for (int k = 1; k <= 4; k++) {
        char key[16];
        snprintf(key, sizeof key, "ead_%d", k);
        if (k < 4 || o->message_4)
            trace_log_put(&all, key, o->ead[k], o->ead_len[k]);
    }
    party *ps[2] = {pi, pr};
    for (int k = 0; k < 2; k++) {
        party *p = ps[k];
        char key[16];
        snprintf(key, sizeof key, "sk_%s", p->who);
        trace_log_put(&all, key, p->priv, p->priv_len);
        if (p->type == EH_KEY_P256 || p->type == EH_KEY_P384) {
            snprintf(key, sizeof key, "pk_%s_x", p->who);
            trace_log_put(&all, key, p->pub, p->pub_len / 2);
            snprintf(key, sizeof key, "pk_%s_y", p->who);
            trace_log_put(&all, key, p->pub + p->pub_len / 2, p->pub_len / 2);
        } else {
            snprintf(key, sizeof key, "pk_%s", p->who);
            trace_log_put(&all, key, p->pub, p->pub_len);
        }
        snprintf(key, sizeof key, "id_cred_%s", p->who);
        trace_log_put(&all, key, p->id_cred, p->id_cred_len);
        snprintf(key, sizeof key, "cred_%s", p->who);
        trace_log_put(&all, key, p->cred, p->cred_len);
        if (p->der_len) {
            snprintf(key, sizeof key, "cred_%s_der", p->who);
            trace_log_put(&all, key, p->der, p->der_len);
        }
    }
    if (pi->der_len || pr->der_len)
        trace_log_put(&all, "root_ca_pk", root_pub, sizeof root_pub);
    put_int(&all, "exporter_label", 32768);
    trace_log_put(&all, "exporter_context", exp_ctx, sizeof exp_ctx);
    put_int(&all, "exporter_length", 32);
    trace_log_put(&all, "keyupdate_context", ku_ctx, sizeof ku_ctx);
    put_int(&all, "app_aead_alg", suite->app_aead->cose_alg);
    put_int(&all, "app_hash_alg", suite->app_hash->cose_alg);
    if (merge_logs(&all, &li, &lr))
        goto done;
    put_cbor_forms(&all);
    result = ordered_output(o, &all);
    err = EH_OK;
done:
    if (result == NULL)
        fprintf(stderr, "vectors generate: METHOD %d suite %d %s/%s: %s failed: %s%s%s\n",
                o->method, o->suite, kind_names[o->kind_i], kind_names[o->kind_r], step,
                eh_err_name(err), si && si->finding.field ? " at " : "",
                si && si->finding.field ? si->finding.field
                                        : (sr && sr->finding.field ? sr->finding.field : ""));
    if (si)
        eh_session_wipe(si);
    if (sr)
        eh_session_wipe(sr);
    eh_wipe(x, sizeof x);
    eh_wipe(y, sizeof y);
    eh_wipe(root_seed, sizeof root_seed);
    if (pi)
        eh_wipe(pi, sizeof *pi);
    if (pr)
        eh_wipe(pr, sizeof *pr);
    free(pi), free(pr), free(ci), free(cr), free(si), free(sr), free(m);
    trace_log_free(&li), trace_log_free(&lr), trace_log_free(&all);
    return result;
}

static int emit_json(int fd, void *ctx)
{
    char *text = json_dumps(ctx, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (text == NULL) {
        errno = ENOMEM;
        return -1;
    }
    int rc = report_write_all(fd, text, strlen(text)) == 0 && report_write_all(fd, "\n", 1) == 0
                 ? 0
                 : -1;
    free(text);
    return rc;
}

int gen_write_json(const json_t *j, const char *path)
{
    /* a temporary file renamed (never a half-written file), through links to
     * the file they name; straight to a device or FIFO (report/report.h) */
    if (report_write_atomic(path, emit_json, (void *)j) != 0) {
        fprintf(stderr, "vectors generate: cannot write %s: %s\n", path, strerror(errno));
        return 2;
    }
    return 0;
}

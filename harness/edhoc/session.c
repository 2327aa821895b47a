/*
 * session.c - session set-up, failure bookkeeping, ephemeral keys, and what
 * a completed session offers: EDHOC_Exporter, OSCORE parameters and
 * EDHOC_KeyUpdate (RFC 9528 §4.2, Appendix A.1, Appendix H).
 */
#include <string.h>

#include "edhoc_internal.h"

void eh_trace(const eh_session *s, const char *name, const uint8_t *val, size_t len)
{
    if (s->cfg->trace != NULL && name != NULL)
        s->cfg->trace(s->cfg->trace_arg, name, val, len);
}

static int err_code_for(const eh_session *s, eh_err err)
{
    if (EH_FAULTY(s, EH_FAULT_NO_ERROR_MESSAGE))
        return 0;
    if (EH_FAULTY(s, EH_FAULT_WRONG_ERR_CODE))
        return 1;
    if (EH_FAULTY(s, EH_FAULT_ERR_CODE_3_UNSUPPORTED) && err == EH_ERR_CREDENTIAL)
        return 3;
    switch (err) {
    case EH_ERR_SUITE:
        return 2;
    case EH_ERR_UNKNOWN_CREDENTIAL:
        return 3;
    default:
        return 1;
    }
}

eh_err eh_fail(eh_session *s, eh_err err, const char *field, size_t offset, const char *reason,
               const char *rfc)
{
    s->finding.err = err;
    s->finding.field = field;
    s->finding.offset = offset;
    s->finding.reason = reason;
    s->finding.rfc = rfc;
    s->finding.expected_len = s->finding.received_len = 0;
    s->err_code_to_send = err_code_for(s, err);
    s->state = EH_STATE_ABORTED;
    eh_wipe(s->eph_priv, sizeof s->eph_priv);
    return err;
}

void eh_finding_values(eh_session *s, const uint8_t *expected, size_t expected_len,
                       const uint8_t *received, size_t received_len)
{
    eh_finding *f = &s->finding;
    f->expected_len = expected_len < sizeof f->expected ? expected_len : sizeof f->expected;
    f->received_len = received_len < sizeof f->received ? received_len : sizeof f->received;
    if (f->expected_len)
        memcpy(f->expected, expected, f->expected_len);
    if (f->received_len)
        memcpy(f->received, received, f->received_len);
}

eh_err eh_fail_cbor(eh_session *s, const eh_cbor_reader *r, eh_err cbor_err, const char *field,
                    const char *rfc)
{
    size_t off = r->err != EH_OK ? r->err_offset : r->pos;
    switch (cbor_err) {
    case EH_ERR_CBOR_NONDETERMINISTIC:
        return eh_fail(s, cbor_err, field, off, "not deterministically encoded CBOR",
                       "RFC 9528 §3.1, RFC 8949 §4.2.1");
    case EH_ERR_CBOR_TRUNCATED:
        return eh_fail(s, EH_ERR_MESSAGE_FORMAT, field, off, "input ends inside or before this item",
                       rfc);
    case EH_ERR_CBOR_TYPE:
        return eh_fail(s, EH_ERR_MESSAGE_FORMAT, field, off, "item has the wrong CBOR type", rfc);
    case EH_ERR_CBOR_RANGE:
        return eh_fail(s, EH_ERR_MESSAGE_FORMAT, field, off, "integer out of range", rfc);
    case EH_ERR_CBOR_DEPTH:
        return eh_fail(s, EH_ERR_MESSAGE_FORMAT, field, off, "nesting too deep", rfc);
    default:
        return eh_fail(s, EH_ERR_MESSAGE_FORMAT, field, off, "not well-formed CBOR",
                       "RFC 8949 §3");
    }
}

void eh_reader_init(const eh_session *s, eh_cbor_reader *r, const uint8_t *buf, size_t len)
{
    eh_cbor_reader_init(r, buf, len);
    r->lenient = s->cfg->lenient_cbor;
}


eh_err eh_session_init(eh_session *s, const eh_config *cfg)
{
    if (s == NULL || cfg == NULL)
        return EH_ERR_ARG;
    memset(s, 0, sizeof *s);
    s->cfg = cfg;
    if (cfg->n_suites == 0 || cfg->n_suites > EH_MAX_SUITES || cfg->conn_id_len > EH_MAX_CONN_ID ||
        (cfg->conn_id == NULL && cfg->conn_id_len > 0))
        return EH_ERR_ARG;
    s->conn_id = cfg->conn_id;
    s->conn_id_len = cfg->conn_id_len;
    if (cfg->role == EH_INITIATOR) {
        if (cfg->method < 0 || cfg->method > 3 || cfg->initial_suite_index >= cfg->n_suites)
            return EH_ERR_ARG;
        s->method = cfg->method;
        s->suite_index = cfg->initial_suite_index;
        s->state = EH_STATE_START;
    } else if (cfg->role == EH_RESPONDER) {
        s->state = EH_STATE_WAIT_M1;
    } else {
        return EH_ERR_ARG;
    }
    return EH_OK;
}

void eh_session_wipe(eh_session *s)
{
    if (s != NULL)
        eh_wipe(s, sizeof *s);
}

eh_err eh_session_set_ephemeral(eh_session *s, const uint8_t *priv, size_t priv_len,
                                const uint8_t *pub, size_t pub_len)
{
    if (priv == NULL || priv_len == 0 || priv_len > sizeof s->eph_priv ||
        (pub != NULL && pub_len > sizeof s->g_own))
        return EH_ERR_ARG;
    eh_wipe(s->eph_priv, sizeof s->eph_priv);
    memcpy(s->eph_priv, priv, priv_len);
    s->eph_injected = true;
    s->eph_pub_injected = pub != NULL;
    if (pub != NULL) {
        memset(s->g_own, 0, sizeof s->g_own);
        memcpy(s->g_own, pub, pub_len);
    }
    return EH_OK;
}

eh_err eh_session_set_conn_id(eh_session *s, const uint8_t *id, size_t len)
{
    if (len > EH_MAX_CONN_ID || (id == NULL && len > 0))
        return EH_ERR_ARG;
    s->conn_id = id;
    s->conn_id_len = len;
    return EH_OK;
}

eh_err eh_ephemeral_generate(eh_session *s)
{
    const eh_ecdh_alg *ecdh = s->suite->ecdh;
    eh_err err = EH_OK;
    if (s->eph_injected) {
        s->eph_injected = false;
        if (s->eph_pub_injected) {
            s->eph_pub_injected = false;
            return EH_OK;
        }
        return ecdh->public_key(s->eph_priv, s->g_own, NULL);
    }
    if (s->cfg->rng == NULL)
        return EH_ERR_RNG;
    /* A random EC2 scalar can be out of range; try a few draws. */
    for (int attempt = 0; attempt < 8; attempt++) {
        if (s->cfg->rng(s->cfg->rng_arg, s->eph_priv, ecdh->priv_len) != EH_OK)
            return EH_ERR_RNG;
        err = ecdh->public_key(s->eph_priv, s->g_own, NULL);
        if (err != EH_ERR_ARG)
            break;
    }
    return err;
}

/* ------------------------------------------------------------ after the handshake */

static bool keys_available(const eh_session *s)
{
    return s->state == EH_STATE_COMPLETED ||
           (s->cfg->role == EH_INITIATOR && s->state == EH_STATE_WAIT_M4);
}

eh_err eh_exporter(eh_session *s, uint64_t label, const uint8_t *context, size_t context_len,
                   uint8_t *out, size_t out_len)
{
    if (!keys_available(s))
        return EH_ERR_STATE;
    if (label > INT64_MAX || (context == NULL && context_len > 0))
        return EH_ERR_ARG;
    return eh_kdf_traced(s, s->prk_exporter, (int64_t)label, context, context_len, out, out_len,
                         "info_exporter", "exporter_output");
}

eh_err eh_oscore_material_derive(eh_session *s, eh_oscore_material *o)
{
    if (!keys_available(s))
        return EH_ERR_STATE;
    memset(o, 0, sizeof *o);
    o->master_secret_len = s->suite->app_aead->key_len;
    o->master_salt_len = 8;
    /* After EDHOC_KeyUpdate the values are traced under the keyupdate_ names. */
    bool ku = s->key_updated;
    eh_err err = eh_kdf_traced(s, s->prk_exporter, 0, NULL, 0, o->master_secret,
                               o->master_secret_len, ku ? NULL : "info_oscore_master_secret",
                               ku ? "keyupdate_oscore_master_secret" : "oscore_master_secret");
    if (err == EH_OK)
        err = eh_kdf_traced(s, s->prk_exporter, 1, NULL, 0, o->master_salt, o->master_salt_len,
                            ku ? NULL : "info_oscore_master_salt",
                            ku ? "keyupdate_oscore_master_salt" : "oscore_master_salt");
    if (err != EH_OK) {
        eh_wipe(o, sizeof *o);
        return err;
    }
    /* Appendix A.1: the Initiator's Sender ID is C_R, the Responder's is C_I. */
    bool initiator = s->cfg->role == EH_INITIATOR;
    const uint8_t *snd = initiator ? s->c_r : s->c_i, *rcv = initiator ? s->c_i : s->c_r;
    o->sender_id_len = initiator ? s->c_r_len : s->c_i_len;
    o->recipient_id_len = initiator ? s->c_i_len : s->c_r_len;
    memcpy(o->sender_id, snd, o->sender_id_len);
    memcpy(o->recipient_id, rcv, o->recipient_id_len);
    o->aead_alg = s->suite->app_aead->cose_alg;
    o->hash_alg = s->suite->app_hash->cose_alg;
    if (!ku) {
        eh_trace(s, "oscore_client_sender_id", s->c_r, s->c_r_len);
        eh_trace(s, "oscore_server_sender_id", s->c_i, s->c_i_len);
    }
    return EH_OK;
}

eh_err eh_key_update(eh_session *s, const uint8_t *context, size_t context_len)
{
    uint8_t prk_out[EH_MAX_HASH_LEN];
    size_t hl;
    eh_err err;
    if (!keys_available(s))
        return EH_ERR_STATE;
    if (context == NULL && context_len > 0)
        return EH_ERR_ARG;
    hl = s->suite->hash->out_len;
    err = eh_kdf_traced(s, s->prk_out, 11, context, context_len, prk_out, hl, NULL,
                        "keyupdate_prk_out");
    if (err == EH_OK) {
        memcpy(s->prk_out, prk_out, hl);
        err = eh_kdf_traced(s, s->prk_out, 10, NULL, 0, s->prk_exporter, hl, NULL,
                            "keyupdate_prk_exporter");
        s->key_updated = true;
    }
    eh_wipe(prk_out, sizeof prk_out);
    return err;
}

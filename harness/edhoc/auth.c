/*
 * auth.c - MAC_2/MAC_3 and Signature_or_MAC_2/3 (RFC 9528 §5.3.2, §5.4.2):
 * one implementation for both messages and both directions.
 */
#include <string.h>

#include "edhoc_internal.h"

size_t eh_sig_or_mac_len(const eh_session *s, bool static_dh)
{
    return static_dh ? s->suite->mac_len : s->suite->sig->sig_len;
}

/* context_x = << [C_R,] ID_CRED_x, TH_x, CRED_x, ? EAD_x >> and MAC_x. */
static eh_err mac_compute(const eh_session *s, const eh_auth_input *in, uint8_t *mac,
                          size_t *mac_len)
{
    uint8_t ctx[EH_WORK_SIZE];
    size_t hl = s->suite->hash->out_len;
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, ctx, sizeof ctx);
    eh_cbor_write_raw(&w, in->c_r_enc, in->c_r_enc_len);
    eh_cbor_write_raw(&w, in->id_cred, in->id_cred_len);
    eh_cbor_write_bstr(&w, s->th, hl);
    eh_cbor_write_raw(&w, in->cred, in->cred_len);
    eh_cbor_write_raw(&w, in->ead, in->ead_len);
    if (eh_cbor_writer_status(&w) != EH_OK)
        return EH_ERR_BUFFER_TOO_SMALL;
    bool two = in->n == 2;
    eh_trace(s, two ? "context_2" : "context_3", ctx, w.len);
    if (s->cfg->trace != NULL) {
        uint8_t wrapped[EH_WORK_SIZE + 9];
        eh_cbor_writer b;
        eh_cbor_writer_init(&b, wrapped, sizeof wrapped);
        eh_cbor_write_bstr(&b, ctx, w.len);
        eh_trace(s, two ? "context_2_bstr" : "context_3_bstr", wrapped, b.len);
    }
    *mac_len = in->static_dh ? s->suite->mac_len : hl;
    return eh_kdf_traced(s, in->prk, two ? 2 : 6, ctx, w.len, mac, *mac_len,
                         two ? "info_mac_2" : "info_mac_3", two ? "mac_2" : "mac_3");
}

/* Sig_structure = ["Signature1", << ID_CRED_x >>, << TH_x, CRED_x, ? EAD_x >>, MAC_x]. */
static eh_err to_be_signed(const eh_session *s, const eh_auth_input *in, const uint8_t *mac,
                           size_t mac_len, uint8_t *buf, size_t cap, size_t *len)
{
    uint8_t aad[EH_WORK_SIZE];
    eh_cbor_writer a, w;
    eh_cbor_writer_init(&a, aad, sizeof aad);
    eh_cbor_write_bstr(&a, s->th, s->suite->hash->out_len);
    eh_cbor_write_raw(&a, in->cred, in->cred_len);
    eh_cbor_write_raw(&a, in->ead, in->ead_len);
    if (eh_cbor_writer_status(&a) != EH_OK)
        return EH_ERR_BUFFER_TOO_SMALL;
    eh_cbor_writer_init(&w, buf, cap);
    eh_cbor_write_array(&w, 4);
    eh_cbor_write_tstr(&w, "Signature1", 10);
    eh_cbor_write_bstr(&w, in->id_cred, in->id_cred_len);
    eh_cbor_write_bstr(&w, aad, a.len);
    eh_cbor_write_bstr(&w, mac, mac_len);
    *len = w.len;
    if (eh_cbor_writer_status(&w) != EH_OK)
        return EH_ERR_BUFFER_TOO_SMALL;
    eh_trace(s, in->n == 2 ? "to_be_signed_2" : "to_be_signed_3", buf, *len);
    return EH_OK;
}

eh_err eh_sig_or_mac_make(const eh_session *s, const eh_auth_input *in, uint8_t *out,
                          size_t *out_len)
{
    uint8_t mac[EH_MAX_HASH_LEN];
    size_t mac_len = 0;
    eh_err err = mac_compute(s, in, mac, &mac_len);
    if (err == EH_OK && (in->static_dh || EH_FAULTY(s, EH_FAULT_MAC_FOR_SIGNATURE))) {
        memcpy(out, mac, mac_len);
        *out_len = mac_len;
    } else if (err == EH_OK) {
        uint8_t tbs[EH_WORK_SIZE + 64];
        size_t tbs_len;
        const eh_sig_alg *sig = s->suite->sig;
        err = to_be_signed(s, in, mac, mac_len, tbs, sizeof tbs, &tbs_len);
        if (err == EH_OK && s->cfg->own_priv_len != sig->priv_len)
            err = EH_ERR_CREDENTIAL;
        if (err == EH_OK && s->cfg->sign != NULL)
            err = s->cfg->sign(s->cfg->sign_arg, tbs, tbs_len, out);
        else if (err == EH_OK && s->cfg->own_sign_alg == sig && s->cfg->own_sign_key != NULL)
            err = sig->sign_prepared(s->cfg->own_sign_key, tbs, tbs_len, out);
        else if (err == EH_OK)
            err = sig->sign(s->cfg->own_priv, tbs, tbs_len, out);
        *out_len = sig->sig_len;
    }
    if (err == EH_OK && EH_FAULTY(s, in->n == 2 ? EH_FAULT_WRONG_MAC_2 : EH_FAULT_WRONG_MAC_3))
        out[0] ^= 0x01;
    if (err == EH_OK && EH_FAULTY(s, EH_FAULT_MAC_TRUNCATED) && *out_len > 4)
        *out_len = 4;
    if (err == EH_OK)
        eh_trace(s, in->n == 2 ? "sig_or_mac_2" : "sig_or_mac_3", out, *out_len);
    eh_wipe(mac, sizeof mac);
    return err;
}

eh_err eh_sig_or_mac_verify(const eh_session *s, const eh_auth_input *in, uint8_t *expected,
                            size_t *expected_len, const uint8_t *sig_in, size_t sig_len)
{
    *expected_len = 0;
    uint8_t mac[EH_MAX_HASH_LEN];
    size_t mac_len = 0;
    eh_err err = mac_compute(s, in, mac, &mac_len);
    if (err != EH_OK)
        return err;
    eh_trace(s, in->n == 2 ? "sig_or_mac_2" : "sig_or_mac_3", sig_in, sig_len);
    if (EH_FAULTY(s, in->n == 2 ? EH_FAULT_SKIP_MAC_2_CHECK : EH_FAULT_SKIP_MAC_3_CHECK)) {
        eh_wipe(mac, sizeof mac);
        return EH_OK;
    }
    if (in->static_dh) {
        err = sig_len == mac_len && eh_ct_equal(mac, sig_in, mac_len) ? EH_OK : EH_ERR_MAC;
        if (err == EH_ERR_MAC) {
            memcpy(expected, mac, mac_len);
            *expected_len = mac_len;
        }
    } else {
        uint8_t tbs[EH_WORK_SIZE + 64];
        size_t tbs_len;
        const eh_sig_alg *sig = s->suite->sig;
        err = to_be_signed(s, in, mac, mac_len, tbs, sizeof tbs, &tbs_len);
        if (err == EH_OK) {
            if (in->pub_len != sig->pub_len || sig_len != sig->sig_len)
                err = EH_ERR_SIGNATURE;
            else
                err = sig->verify(in->pub, tbs, tbs_len, sig_in) == EH_OK
                          ? EH_OK
                          : EH_ERR_SIGNATURE;
        }
    }
    eh_wipe(mac, sizeof mac);
    return err;
}

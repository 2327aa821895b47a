/*
 * key_schedule.c - EDHOC_KDF, transcript hashes and the COSE_Encrypt0 of
 * message_3 / message_4 (RFC 9528 §4, §5.4.2, §5.5.2).
 */
#include <string.h>

#include "edhoc_internal.h"

/* info = (label : int, context : bstr, length : uint) as a CBOR sequence. */
static eh_err info_encode(int64_t label, const uint8_t *ctx, size_t ctx_len, size_t length,
                          uint8_t *buf, size_t cap, size_t *len)
{
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, buf, cap);
    eh_cbor_write_int(&w, label);
    eh_cbor_write_bstr(&w, ctx, ctx_len);
    eh_cbor_write_uint(&w, length);
    *len = w.len;
    return eh_cbor_writer_status(&w);
}

static eh_err kdf_info(const eh_suite *suite, const uint8_t *prk, int64_t label,
                       const uint8_t *ctx, size_t ctx_len, uint8_t *out, size_t out_len,
                       uint8_t *info, size_t info_cap, size_t *info_len)
{
    eh_err err = info_encode(label, ctx, ctx_len, out_len, info, info_cap, info_len);
    if (err != EH_OK)
        return err;
    return suite->hash->expand(prk, suite->hash->out_len, info, *info_len, out, out_len);
}

eh_err eh_kdf(const eh_suite *suite, const uint8_t *prk, int64_t label, const uint8_t *context,
              size_t context_len, uint8_t *out, size_t out_len)
{
    uint8_t info[EH_WORK_SIZE + 32];
    size_t info_len;
    if (suite == NULL || prk == NULL || (context == NULL && context_len > 0))
        return EH_ERR_ARG;
    return kdf_info(suite, prk, label, context, context_len, out, out_len, info, sizeof info,
                    &info_len);
}

eh_err eh_kdf_traced(const eh_session *s, const uint8_t *prk, int64_t label, const uint8_t *ctx,
                     size_t ctx_len, uint8_t *out, size_t out_len, const char *info_name,
                     const char *out_name)
{
    uint8_t info[EH_WORK_SIZE + 32];
    size_t info_len = 0;
    eh_err err = kdf_info(s->suite, prk, label, ctx, ctx_len, out, out_len, info, sizeof info,
                          &info_len);
    if (err != EH_OK)
        return err;
    if (info_name)
        eh_trace(s, info_name, info, info_len);
    if (out_name)
        eh_trace(s, out_name, out, out_len);
    return EH_OK;
}

eh_err eh_transcript_hash(const eh_session *s, const uint8_t *input, size_t input_len,
                          uint8_t *th, const char *input_name, const char *th_name)
{
    eh_err err = s->suite->hash->digest(input, input_len, th);
    if (err != EH_OK)
        return err;
    eh_trace(s, input_name, input, input_len);
    eh_trace(s, th_name, th, s->suite->hash->out_len);
    return EH_OK;
}

eh_err eh_ecdh(const eh_session *s, const uint8_t *priv, const uint8_t *own_pub,
               const uint8_t *peer_x, const uint8_t *peer_y, uint8_t *secret, const char *name)
{
    eh_err err = s->suite->ecdh->shared_secret_xy(priv, own_pub, peer_x, peer_y, secret);
    if (err == EH_OK)
        eh_trace(s, name, secret, s->suite->ecdh->secret_len);
    return err;
}

eh_err eh_ecdh_peer_ephemeral(eh_session *s, const uint8_t *priv, const uint8_t *own_pub,
                              uint8_t *secret, const char *name)
{
    const eh_ecdh_alg *e = s->suite->ecdh;
    if (e->decode != NULL && !s->g_peer_y_known) {
        eh_err err = e->decode(s->g_peer, s->g_peer_y);
        if (err != EH_OK)
            return err;
        s->g_peer_y_known = true;
    }
    return eh_ecdh(s, priv, own_pub, s->g_peer, s->g_peer_y_known ? s->g_peer_y : NULL, secret,
                   name);
}

const uint8_t *eh_own_static_pub(const eh_session *s)
{
    const eh_cred *c = &s->cfg->own_cred;
    size_t coord = s->suite->ecdh->coord_len;
    return c->pub != NULL && (c->pub_len == coord || c->pub_len == 2 * coord) ? c->pub : NULL;
}

const uint8_t *eh_cred_pub_y(const eh_session *s, const eh_cred *c)
{
    size_t coord = s->suite->ecdh->coord_len;
    return !s->suite->ecdh->is_okp && c->pub_len == 2 * coord ? c->pub + coord : NULL;
}

/* Enc_structure = ["Encrypt0", h'', TH] (RFC 9052 §5.3, RFC 9528 §5.4.2). */
static eh_err enc_structure(const eh_session *s, uint8_t *buf, size_t cap, size_t *len)
{
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, buf, cap);
    eh_cbor_write_array(&w, 3);
    eh_cbor_write_tstr(&w, "Encrypt0", 8);
    eh_cbor_write_bstr(&w, NULL, 0);
    eh_cbor_write_bstr(&w, s->th, s->suite->hash->out_len);
    *len = w.len;
    return eh_cbor_writer_status(&w);
}

typedef struct encrypt0_keys {
    uint8_t key[EH_MAX_AEAD_KEY_LEN];
    uint8_t iv[EH_MAX_AEAD_NONCE_LEN];
    uint8_t aad[EH_MAX_HASH_LEN + 16];
    size_t aad_len;
} encrypt0_keys;

static eh_err encrypt0_keys_derive(const eh_session *s, const uint8_t *prk, int n,
                                   encrypt0_keys *k)
{
    const eh_aead_alg *aead = s->suite->aead;
    size_t th_len = s->suite->hash->out_len;
    int64_t label_k = n == 3 ? 3 : 8, label_iv = n == 3 ? 4 : 9;
    eh_err err;
    err = eh_kdf_traced(s, prk, label_k, s->th, th_len, k->key, aead->key_len,
                        n == 3 ? "info_k_3" : "info_k_4", n == 3 ? "k_3" : "k_4");
    if (err == EH_OK)
        err = eh_kdf_traced(s, prk, label_iv, s->th, th_len, k->iv, aead->nonce_len,
                            n == 3 ? "info_iv_3" : "info_iv_4", n == 3 ? "iv_3" : "iv_4");
    if (err == EH_OK)
        err = enc_structure(s, k->aad, sizeof k->aad, &k->aad_len);
    if (err == EH_OK)
        eh_trace(s, n == 3 ? "a_3" : "a_4", k->aad, k->aad_len);
    return err;
}

eh_err eh_encrypt0_seal(const eh_session *s, const uint8_t *prk, int n, const uint8_t *pt,
                        size_t pt_len, uint8_t *ct)
{
    encrypt0_keys k;
    eh_err err = encrypt0_keys_derive(s, prk, n, &k);
    if (err == EH_OK)
        err = s->suite->aead->seal(k.key, k.iv, k.aad, k.aad_len, pt, pt_len, ct);
    if (err == EH_OK)
        eh_trace(s, n == 3 ? "ciphertext_3" : "ciphertext_4", ct,
                 pt_len + s->suite->aead->tag_len);
    eh_wipe(&k, sizeof k);
    return err;
}

eh_err eh_encrypt0_open(const eh_session *s, const uint8_t *prk, int n, const uint8_t *ct,
                        size_t ct_len, uint8_t *pt)
{
    encrypt0_keys k;
    if (ct_len < s->suite->aead->tag_len)
        return EH_ERR_AEAD_TAG;
    eh_err err = encrypt0_keys_derive(s, prk, n, &k);
    if (err == EH_OK) {
        eh_trace(s, n == 3 ? "ciphertext_3" : "ciphertext_4", ct, ct_len);
        err = s->suite->aead->open(k.key, k.iv, k.aad, k.aad_len, ct, ct_len, pt);
    }
    eh_wipe(&k, sizeof k);
    return err;
}

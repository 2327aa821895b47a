/*
 * message_3.c - build message_3 (Initiator) and process it (Responder),
 * RFC 9528 §5.4, and derive PRK_out / PRK_exporter (§4.1.3, §4.2.1):
 *   message_3 = (CIPHERTEXT_3 : bstr)
 *   PLAINTEXT_3 = (ID_CRED_I / bstr / -24..23, Signature_or_MAC_3 : bstr, ? EAD_3)
 */
#include <string.h>

#include "edhoc_internal.h"

#define RFC_M3 "RFC 9528 §5.4"

/* PRK_4e3m: Extract(SALT_4e3m, G_IY) if the Initiator uses static DH, else
 * PRK_3e2m (§4.1.1.3). priv: I at I (with G_Y, peer NULL), Y at R (with
 * G_I, the key of `peer`). */
static eh_err prk_4e3m_derive(eh_session *s, const uint8_t *priv, const eh_cred *peer)
{
    size_t hl = s->suite->hash->out_len;
    if (!eh_method_i_static(s->method)) {
        memcpy(s->prk_4e3m, s->prk_3e2m, hl);
        eh_trace(s, "prk_4e3m", s->prk_4e3m, hl);
        return EH_OK;
    }
    uint8_t salt[EH_MAX_HASH_LEN], g_iy[EH_MAX_COORD_LEN];
    eh_err err = eh_kdf_traced(s, s->prk_3e2m, 5, s->th, hl, salt, hl, "info_salt_4e3m",
                               "salt_4e3m");
    if (err == EH_OK)
        err = peer == NULL
                  ? eh_ecdh_peer_ephemeral(s, priv, eh_own_static_pub(s), g_iy, "g_iy")
                  : eh_ecdh(s, priv, s->g_own, peer->pub, eh_cred_pub_y(s, peer), g_iy, "g_iy");
    if (err == EH_OK)
        err = s->suite->hash->extract(salt, hl, g_iy, s->suite->ecdh->secret_len, s->prk_4e3m);
    if (err == EH_OK)
        eh_trace(s, "prk_4e3m", s->prk_4e3m, hl);
    eh_wipe(salt, sizeof salt);
    eh_wipe(g_iy, sizeof g_iy);
    return err;
}

/* TH_4 = H(TH_3, PLAINTEXT_3, CRED_I); then PRK_out and PRK_exporter. */
static eh_err th_4_and_prk_out(eh_session *s, const uint8_t *pt, size_t pt_len,
                               const eh_cred *cred_i)
{
    uint8_t input[EH_WORK_SIZE];
    size_t hl = s->suite->hash->out_len;
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, input, sizeof input);
    eh_cbor_write_bstr(&w, s->th, hl);
    eh_cbor_write_raw(&w, pt, pt_len);
    eh_cbor_write_raw(&w, cred_i->cred, cred_i->cred_len);
    if (eh_cbor_writer_status(&w) != EH_OK)
        return EH_ERR_BUFFER_TOO_SMALL;
    eh_err err = eh_transcript_hash(s, input, w.len, s->th, "input_th_4", "th_4");
    if (err == EH_OK)
        err = eh_kdf_traced(s, s->prk_4e3m, 7, s->th, hl, s->prk_out, hl, "info_prk_out",
                            "prk_out");
    if (err == EH_OK)
        err = eh_kdf_traced(s, s->prk_out, 10, NULL, 0, s->prk_exporter, hl,
                            "info_prk_exporter", "prk_exporter");
    return err;
}

static void auth_input_3(const eh_session *s, eh_auth_input *in, const eh_cred *cred,
                         const uint8_t *id_cred, size_t id_cred_len, const uint8_t *ead,
                         size_t ead_len)
{
    memset(in, 0, sizeof *in);
    in->n = 3;
    in->prk = s->prk_4e3m;
    in->id_cred = id_cred;
    in->id_cred_len = id_cred_len;
    in->cred = cred->cred;
    in->cred_len = cred->cred_len;
    in->ead = ead;
    in->ead_len = ead_len;
    in->static_dh = eh_method_i_static(s->method);
}

eh_err eh_initiator_message_3(eh_session *s, uint8_t *out, size_t cap, size_t *out_len)
{
    const eh_config *c = s->cfg;
    uint8_t pt[EH_WORK_SIZE], ct[EH_WORK_SIZE + EH_MAX_AEAD_TAG_LEN], sig[EH_MAX_SIG_LEN];
    size_t sig_len = 0, pt_len;
    eh_cbor_writer w;
    eh_auth_input in;
    eh_err err;
    if (c->role != EH_INITIATOR || s->state != EH_STATE_VERIFIED_M2)
        return EH_ERR_STATE;
    err = EH_ERR_CREDENTIAL;
    if (eh_method_i_static(s->method) && c->own_priv_len != s->suite->ecdh->priv_len)
        goto out;
    TRY(prk_4e3m_derive(s, c->own_priv, NULL));
    auth_input_3(s, &in, &c->own_cred, c->own_cred.id_cred, c->own_cred.id_cred_len, c->ead[3],
                 c->ead_len[3]);
    TRY(eh_sig_or_mac_make(s, &in, sig, &sig_len));

    eh_cbor_writer_init(&w, pt, sizeof pt);
    TRY(eh_id_cred_write_compact(s, &w, &c->own_cred));
    eh_cbor_write_bstr(&w, sig, sig_len);
    eh_cbor_write_raw(&w, c->ead[3], c->ead_len[3]);
    TRY(eh_cbor_writer_status(&w));
    pt_len = w.len;
    if (c->plaintext_hook != NULL)
        TRY(c->plaintext_hook(c->plaintext_arg, 3, pt, &pt_len, sizeof pt));
    eh_trace(s, "plaintext_3", pt, pt_len);

    TRY(eh_encrypt0_seal(s, s->prk_3e2m, 3, pt, pt_len, ct));
    eh_cbor_writer_init(&w, out, cap);
    eh_message_bstr_write(s, &w, ct, pt_len + s->suite->aead->tag_len);
    TRY(eh_cbor_writer_status(&w));
    *out_len = w.len;
    eh_trace(s, "message_3", out, w.len);

    TRY(th_4_and_prk_out(s, pt, pt_len, &c->own_cred));
    s->state = c->message_4 ? EH_STATE_WAIT_M4 : EH_STATE_COMPLETED;
out:
    eh_wipe(pt, sizeof pt);
    return err;
}

eh_err eh_responder_process_message_3(eh_session *s, const uint8_t *msg, size_t len)
{
    const eh_config *c = s->cfg;
    uint8_t pt[EH_WORK_SIZE];
    const uint8_t *ct, *sig;
    size_t ct_len, pt_len, sig_len, off_sig, tag;
    eh_cbor_reader r;
    eh_auth_input in;
    const eh_cred *peer;
    eh_err err;
    if (c->role != EH_RESPONDER || s->state != EH_STATE_WAIT_M3)
        return EH_ERR_STATE;
    if ((err = eh_error_message_check(s, msg, len)) != EH_OK)
        return err;
    tag = s->suite->aead->tag_len;

    eh_reader_init(s, &r, msg, len);
    if ((err = eh_cbor_read_bstr(&r, &ct, &ct_len)) != EH_OK)
        return eh_fail_cbor(s, &r, err, "CIPHERTEXT_3", RFC_M3);
    if (!eh_cbor_at_end(&r))
        return eh_fail(s, EH_ERR_TRAILING_DATA, "message_3", r.pos,
                       "more than one item: message_3 is a single bstr", "RFC 9528 §5.4.1");
    if (ct_len < tag || ct_len - tag > sizeof pt)
        return eh_fail(s, EH_ERR_LENGTH, "CIPHERTEXT_3", 0,
                       ct_len < tag ? "shorter than the AEAD tag" : "longer than supported",
                       "RFC 9528 §5.4.2");
    eh_trace(s, "message_3", msg, len);
    pt_len = ct_len - tag;
    err = eh_encrypt0_open(s, s->prk_3e2m, 3, ct, ct_len, pt);
    if (err != EH_OK) {
        err = eh_fail(s, err, "CIPHERTEXT_3", 0,
                      err == EH_ERR_AEAD_TAG ? "AEAD decryption failed" : "AEAD failed",
                      "RFC 9528 §5.4.3");
        goto out;
    }
    eh_trace(s, "plaintext_3", pt, pt_len);

    eh_reader_init(s, &r, pt, pt_len);
    if ((err = eh_id_cred_read(s, &r, "ID_CRED_I")) != EH_OK)
        goto out;
    off_sig = r.pos;
    if ((err = eh_cbor_read_bstr(&r, &sig, &sig_len)) != EH_OK) {
        err = eh_fail_cbor(s, &r, err, "Signature_or_MAC_3", "RFC 9528 §5.4.2");
        goto out;
    }
    if (sig_len != eh_sig_or_mac_len(s, eh_method_i_static(s->method))) {
        err = eh_fail(s, EH_ERR_LENGTH, "Signature_or_MAC_3", off_sig,
                      "length differs from the MAC length or signature size of METHOD and suite",
                      "RFC 9528 §5.4.2, §9.8");
        goto out;
    }
    eh_cbor_reader ead_reader = r;
    if ((err = eh_peer_cred_lookup(s, "ID_CRED_I")) != EH_OK)
        goto out;
    peer = eh_peer_cred(s);
    if (eh_method_i_static(s->method) && peer->pub_len < s->suite->ecdh->coord_len) {
        err = eh_fail(s, EH_ERR_CREDENTIAL, "CRED_I", 0, "no static DH key of the suite's curve",
                      "RFC 9528 §3.5.1");
        goto out;
    }
    if ((err = prk_4e3m_derive(s, s->eph_priv, peer)) != EH_OK) {
        err = eh_fail(s, err, "CRED_I", 0, "static DH with the Initiator's key failed",
                      "RFC 9528 §4.1.1.3");
        goto out;
    }
    auth_input_3(s, &in, peer, s->peer_id_cred, s->peer_id_cred_len, pt + ead_reader.pos,
                 pt_len - ead_reader.pos);
    in.pub = peer->pub, in.pub_len = peer->pub_len;
    uint8_t mac[EH_MAX_HASH_LEN];
    size_t mac_len;
    err = eh_sig_or_mac_verify(s, &in, mac, &mac_len, sig, sig_len);
    if (err != EH_OK) {
        err = eh_fail(s, err, "Signature_or_MAC_3", off_sig,
                      err == EH_ERR_MAC ? "MAC_3 does not match" : "signature does not verify",
                      "RFC 9528 §5.4.3");
        eh_finding_values(s, mac, mac_len, sig, sig_len);
        eh_wipe(mac, sizeof mac);
        goto out;
    }
    if ((err = eh_ead_read(s, &ead_reader, "EAD_3")) != EH_OK)
        goto out;
    if ((err = th_4_and_prk_out(s, pt, pt_len, peer)) != EH_OK) {
        err = eh_fail(s, err, "message_3", 0, "key derivation failed", RFC_M3);
        goto out;
    }
    eh_wipe(s->eph_priv, sizeof s->eph_priv);
    s->state = EH_STATE_COMPLETED;
out:
    eh_wipe(pt, sizeof pt);
    return err;
}

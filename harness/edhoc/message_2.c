/*
 * message_2.c - build message_2 (Responder) and process it (Initiator),
 * RFC 9528 §5.3:
 *   message_2 = (G_Y_CIPHERTEXT_2 : bstr)
 *   PLAINTEXT_2 = (C_R, ID_CRED_R / bstr / -24..23, Signature_or_MAC_2 : bstr, ? EAD_2)
 */
#include <string.h>

#include "edhoc_internal.h"

#define RFC_M2 "RFC 9528 §5.3"

/* TH_2 = H(G_Y, H(message_1)), then PRK_2e = Extract(TH_2, G_XY). */
static eh_err th_2_and_prk_2e(eh_session *s, const uint8_t *g_y, const uint8_t *g_xy,
                              uint8_t *prk_2e)
{
    uint8_t input[2 * (EH_MAX_HASH_LEN + 2) + EH_MAX_COORD_LEN];
    size_t hl = s->suite->hash->out_len;
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, input, sizeof input);
    eh_cbor_write_bstr(&w, g_y, s->suite->ecdh->coord_len);
    uint8_t h_m1[EH_MAX_HASH_LEN];
    memcpy(h_m1, s->h_message_1, hl);
    if (s->cfg->role == EH_RESPONDER && EH_FAULTY(s, EH_FAULT_TH_2_OTHER_MESSAGE_1))
        h_m1[hl - 1] ^= 0x01;
    eh_cbor_write_bstr(&w, h_m1, hl);
    eh_err err = eh_transcript_hash(s, input, w.len, s->th, "input_th_2", "th_2");
    if (err != EH_OK)
        return err;
    err = s->suite->hash->extract(s->th, hl, g_xy, s->suite->ecdh->secret_len, prk_2e);
    if (err == EH_OK) {
        eh_trace(s, "salt_2e", s->th, hl);
        eh_trace(s, "prk_2e", prk_2e, hl);
    }
    return err;
}

/*
 * PRK_3e2m: Extract(SALT_3e2m, G_RX) when the Responder authenticates with
 * static DH, else PRK_2e (§4.1.1.2). `priv` is R at the Responder (with
 * G_X, peer NULL), X at the Initiator (with G_R, the key of `peer`).
 */
static eh_err prk_3e2m_derive(eh_session *s, const uint8_t *prk_2e, const uint8_t *priv,
                              const eh_cred *peer)
{
    size_t hl = s->suite->hash->out_len;
    if (!eh_method_r_static(s->method)) {
        memcpy(s->prk_3e2m, prk_2e, hl);
        eh_trace(s, "prk_3e2m", s->prk_3e2m, hl);
        return EH_OK;
    }
    uint8_t salt[EH_MAX_HASH_LEN], g_rx[EH_MAX_COORD_LEN];
    eh_err err = eh_kdf_traced(s, prk_2e, 1, s->th, hl, salt, hl, "info_salt_3e2m", "salt_3e2m");
    if (err == EH_OK)
        err = peer == NULL
                  ? eh_ecdh_peer_ephemeral(s, priv, eh_own_static_pub(s), g_rx, "g_rx")
                  : eh_ecdh(s, priv, s->g_own, peer->pub, eh_cred_pub_y(s, peer), g_rx, "g_rx");
    if (err == EH_OK)
        err = s->suite->hash->extract(salt, hl, g_rx, s->suite->ecdh->secret_len, s->prk_3e2m);
    if (err == EH_OK)
        eh_trace(s, "prk_3e2m", s->prk_3e2m, hl);
    eh_wipe(salt, sizeof salt);
    eh_wipe(g_rx, sizeof g_rx);
    return err;
}

/*
 * KEYSTREAM_2, XORed into buf[0..len) in place: KDF(PRK_2e, 0, TH_2, len)
 * (RFC 9528 §5.3.2). One HKDF-Expand gives at most 255 x the hash length
 * (8160 bytes with SHA-256); a longer PLAINTEXT_2 takes RFC 9528 Appendix G:
 * KEYSTREAM_2 = OKM(0) | OKM(1) | ..., OKM(i) = KDF(PRK_2e, -i, TH_2, length
 * of part i), the parts 255 x hash length bytes long but the last. Up to
 * that length both coincide. The trace has info_keystream_2 (part 0) and
 * the whole keystream_2.
 */
static eh_err keystream_2_apply(eh_session *s, const uint8_t *prk_2e, uint8_t *buf, size_t len)
{
    uint8_t ks[EH_WORK_SIZE];
    size_t hl = s->suite->hash->out_len, most = 255 * hl;
    if (len > sizeof ks)
        return EH_ERR_UNSUPPORTED;
    eh_err err = EH_OK;
    for (size_t off = 0, i = 0; err == EH_OK && (off < len || i == 0); i++) {
        size_t part = len - off < most ? len - off : most;
        err = eh_kdf_traced(s, prk_2e, -(int64_t)i, s->th, hl, ks + off, part,
                            i == 0 ? "info_keystream_2" : NULL, NULL);
        off += part;
    }
    if (err == EH_OK) {
        eh_trace(s, "keystream_2", ks, len);
        for (size_t i = 0; i < len; i++)
            buf[i] ^= ks[i];
    }
    eh_wipe(ks, len);
    return err;
}

/* TH_3 = H(TH_2, PLAINTEXT_2, CRED_R), replacing TH_2 in s->th. */
static eh_err th_3_compute(eh_session *s, const uint8_t *pt, size_t pt_len, const eh_cred *cred_r)
{
    uint8_t input[EH_WORK_SIZE];
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, input, sizeof input);
    eh_cbor_write_bstr(&w, s->th, s->suite->hash->out_len);
    eh_cbor_write_raw(&w, pt, pt_len);
    eh_cbor_write_raw(&w, cred_r->cred, cred_r->cred_len);
    if (eh_cbor_writer_status(&w) != EH_OK)
        return EH_ERR_BUFFER_TOO_SMALL;
    return eh_transcript_hash(s, input, w.len, s->th, "input_th_3", "th_3");
}

static void auth_input_2(const eh_session *s, eh_auth_input *in, const uint8_t *c_r_enc,
                         size_t c_r_enc_len, const eh_cred *cred, const uint8_t *id_cred,
                         size_t id_cred_len, const uint8_t *ead, size_t ead_len)
{
    memset(in, 0, sizeof *in);
    in->n = 2;
    in->prk = s->prk_3e2m;
    in->c_r_enc = c_r_enc;
    in->c_r_enc_len = c_r_enc_len;
    in->id_cred = id_cred;
    in->id_cred_len = id_cred_len;
    in->cred = cred->cred;
    in->cred_len = cred->cred_len;
    in->ead = ead;
    in->ead_len = ead_len;
    in->static_dh = eh_method_r_static(s->method);
}

eh_err eh_responder_message_2(eh_session *s, uint8_t *out, size_t cap, size_t *out_len)
{
    const eh_config *c = s->cfg;
    uint8_t prk_2e[EH_MAX_HASH_LEN], pt[EH_WORK_SIZE], c_r_enc[EH_MAX_CONN_ID + 2];
    uint8_t sig[EH_MAX_SIG_LEN], body[EH_MAX_COORD_LEN + EH_WORK_SIZE];
    size_t sig_len = 0, coord, pt_len, c_r_enc_len;
    eh_cbor_writer w;
    eh_auth_input in;
    eh_err err;
    if (c->role != EH_RESPONDER || s->state != EH_STATE_RECEIVED_M1)
        return EH_ERR_STATE;
    coord = s->suite->ecdh->coord_len;
    memcpy(s->c_r, s->conn_id, s->conn_id_len);
    s->c_r_len = s->conn_id_len;
    if (c->faults & EH_FAULT_C_R_EQUALS_C_I) {
        memcpy(s->c_r, s->c_i, s->c_i_len);
        s->c_r_len = s->c_i_len;
    }
    eh_trace(s, "g_y", s->g_own, coord);

    TRY(th_2_and_prk_2e(s, s->g_own, s->g_xy, prk_2e));
    err = EH_ERR_CREDENTIAL;
    if (eh_method_r_static(s->method) && c->own_priv_len != s->suite->ecdh->priv_len)
        goto out;
    TRY(prk_3e2m_derive(s, prk_2e, c->own_priv, NULL));

    eh_cbor_writer_init(&w, c_r_enc, sizeof c_r_enc);
    eh_conn_id_write_own(s, &w, s->c_r, s->c_r_len);
    c_r_enc_len = w.len;
    eh_trace(s, "c_r_cbor", c_r_enc, c_r_enc_len);
    /* EAD_2, plus 40 bytes of padding under EH_FAULT_EXTRA_PADDING. */
    uint8_t ead2[EH_WORK_SIZE];
    size_t ead2_len = 0;
    err = EH_ERR_BUFFER_TOO_SMALL;
    if (c->ead_len[2] > sizeof ead2 - 43)
        goto out;
    if (c->ead_len[2] > 0)
        memcpy(ead2, c->ead[2], c->ead_len[2]);
    ead2_len = c->ead_len[2];
    if (EH_FAULTY(s, EH_FAULT_EXTRA_PADDING)) {
        memcpy(ead2 + ead2_len, "\x00\x58\x28", 3);
        memset(ead2 + ead2_len + 3, 0, 40);
        ead2_len += 43;
    }
    auth_input_2(s, &in, c_r_enc, c_r_enc_len, &c->own_cred, c->own_cred.id_cred,
                 c->own_cred.id_cred_len, ead2, ead2_len);
    TRY(eh_sig_or_mac_make(s, &in, sig, &sig_len));

    /* PLAINTEXT_2 = (C_R, ID_CRED_R, Signature_or_MAC_2, ? EAD_2) */
    eh_cbor_writer_init(&w, pt, sizeof pt);
    eh_cbor_write_raw(&w, c_r_enc, c_r_enc_len);
    TRY(eh_id_cred_write_compact(s, &w, &c->own_cred));
    eh_cbor_write_bstr(&w, sig, sig_len);
    eh_cbor_write_raw(&w, ead2, ead2_len);
    TRY(eh_cbor_writer_status(&w));
    pt_len = w.len;
    if (c->plaintext_hook != NULL)
        TRY(c->plaintext_hook(c->plaintext_arg, 2, pt, &pt_len, sizeof pt));
    eh_trace(s, "plaintext_2", pt, pt_len);

    /* message_2 = bstr(G_Y || PLAINTEXT_2 XOR KEYSTREAM_2) */
    err = EH_ERR_BUFFER_TOO_SMALL;
    if (pt_len > sizeof body - coord)
        goto out;
    memcpy(body, s->g_own, coord);
    memcpy(body + coord, pt, pt_len);
    TRY(keystream_2_apply(s, prk_2e, body + coord, pt_len));
    eh_trace(s, "ciphertext_2", body + coord, pt_len);
    eh_cbor_writer_init(&w, out, cap);
    eh_message_bstr_write(s, &w, body, coord + pt_len);
    TRY(eh_cbor_writer_status(&w));
    *out_len = w.len;
    eh_trace(s, "message_2", out, w.len);

    TRY(th_3_compute(s, pt, pt_len, &c->own_cred));
    s->state = EH_STATE_WAIT_M3;
out:
    eh_wipe(prk_2e, sizeof prk_2e);
    eh_wipe(pt, sizeof pt);
    eh_wipe(body, sizeof body);
    return err;
}

eh_err eh_initiator_process_message_2(eh_session *s, const uint8_t *msg, size_t len)
{
    const eh_config *c = s->cfg;
    uint8_t prk_2e[EH_MAX_HASH_LEN], pt[EH_WORK_SIZE], g_xy[EH_MAX_COORD_LEN];
    const uint8_t *body, *sig;
    size_t body_len, coord, pt_len, sig_len, off_body, off_sig, off_cr, off_cr_end;
    eh_cbor_reader r;
    eh_auth_input in;
    const eh_cred *peer;
    eh_err err;
    if (c->role != EH_INITIATOR || s->state != EH_STATE_WAIT_M2)
        return EH_ERR_STATE;
    if ((err = eh_error_message_check(s, msg, len)) != EH_OK)
        return err;
    coord = s->suite->ecdh->coord_len;

    /* message_2 is exactly one bstr, longer than G_Y (§5.3.1, §9.8). */
    eh_reader_init(s, &r, msg, len);
    off_body = r.pos;
    if ((err = eh_cbor_read_bstr(&r, &body, &body_len)) != EH_OK)
        return eh_fail_cbor(s, &r, err, "G_Y_CIPHERTEXT_2", RFC_M2);
    if (!eh_cbor_at_end(&r))
        return eh_fail(s, EH_ERR_TRAILING_DATA, "message_2", r.pos,
                       "more than one item: message_2 is a single bstr", "RFC 9528 §5.3.1");
    if (body_len <= coord)
        return eh_fail(s, EH_ERR_LENGTH, "G_Y_CIPHERTEXT_2", off_body,
                       "not longer than G_Y: no CIPHERTEXT_2", "RFC 9528 §5.3.1, §9.8");
    pt_len = body_len - coord;
    if (pt_len > sizeof pt)
        return eh_fail(s, EH_ERR_UNSUPPORTED, "CIPHERTEXT_2", off_body,
                       "longer than this harness supports", "RFC 9528 Appendix G");
    memcpy(s->g_peer, body, coord);
    s->g_peer_y_known = false;
    eh_trace(s, "g_y", s->g_peer, coord);
    eh_trace(s, "message_2", msg, len);

    err = eh_ecdh_peer_ephemeral(s, s->eph_priv, s->g_own, g_xy, "g_xy");
    if (err != EH_OK) {
        eh_wipe(g_xy, sizeof g_xy);
        return eh_fail(s, err, "G_Y", off_body + 1,
                       err == EH_ERR_LOW_ORDER_POINT ? "low-order point: all-zero shared secret"
                                                     : "public key fails validation",
                       "RFC 9528 §9.2");
    }
    err = th_2_and_prk_2e(s, s->g_peer, g_xy, prk_2e);
    eh_wipe(g_xy, sizeof g_xy);
    if (err != EH_OK)
        goto crypto_fail;
    memcpy(pt, body + coord, pt_len);
    eh_trace(s, "ciphertext_2", pt, pt_len);
    if ((err = keystream_2_apply(s, prk_2e, pt, pt_len)) != EH_OK)
        goto crypto_fail;
    eh_trace(s, "plaintext_2", pt, pt_len);

    /* PLAINTEXT_2 (offsets in findings count from its first byte). */
    eh_reader_init(s, &r, pt, pt_len);
    off_cr = r.pos;
    if ((err = eh_peer_conn_id_read(s, &r, s->c_r, &s->c_r_len, &s->c_r_known, "C_R")) != EH_OK)
        goto out;
    off_cr_end = r.pos;
    if ((err = eh_id_cred_read(s, &r, "ID_CRED_R")) != EH_OK)
        goto out;
    off_sig = r.pos;
    if ((err = eh_cbor_read_bstr(&r, &sig, &sig_len)) != EH_OK) {
        err = eh_fail_cbor(s, &r, err, "Signature_or_MAC_2", "RFC 9528 §5.3.2");
        goto out;
    }
    if (sig_len != eh_sig_or_mac_len(s, eh_method_r_static(s->method))) {
        err = eh_fail(s, EH_ERR_LENGTH, "Signature_or_MAC_2", off_sig,
                      "length differs from the MAC length or signature size of METHOD and suite",
                      "RFC 9528 §5.3.2, §9.8");
        goto out;
    }
    eh_cbor_reader ead_reader = r;

    if ((err = eh_peer_cred_lookup(s, "ID_CRED_R")) != EH_OK)
        goto out;
    peer = eh_peer_cred(s);
    if (eh_method_r_static(s->method) && peer->pub_len < coord) {
        err = eh_fail(s, EH_ERR_CREDENTIAL, "CRED_R", 0, "no static DH key of the suite's curve",
                      "RFC 9528 §3.5.1");
        goto out;
    }
    if ((err = prk_3e2m_derive(s, prk_2e, s->eph_priv, peer)) != EH_OK) {
        err = eh_fail(s, err, "CRED_R", 0,
                      err == EH_ERR_CRYPTO ? "key derivation failed" : "static DH key invalid",
                      "RFC 9528 §4.1.1.2");
        goto out;
    }
    auth_input_2(s, &in, pt + off_cr, off_cr_end - off_cr, peer, s->peer_id_cred,
                 s->peer_id_cred_len, pt + ead_reader.pos, pt_len - ead_reader.pos);
    in.pub = peer->pub, in.pub_len = peer->pub_len;
    uint8_t mac[EH_MAX_HASH_LEN];
    size_t mac_len;
    err = eh_sig_or_mac_verify(s, &in, mac, &mac_len, sig, sig_len);
    if (err != EH_OK) {
        err = eh_fail(s, err, "Signature_or_MAC_2", off_sig,
                      err == EH_ERR_MAC ? "MAC_2 does not match" : "signature does not verify",
                      "RFC 9528 §5.3.3");
        eh_finding_values(s, mac, mac_len, sig, sig_len);
        eh_wipe(mac, sizeof mac);
        goto out;
    }
    if ((err = eh_ead_read(s, &ead_reader, "EAD_2")) != EH_OK)
        goto out;
    if ((err = th_3_compute(s, pt, pt_len, peer)) != EH_OK)
        goto crypto_fail;
    s->state = EH_STATE_VERIFIED_M2;
    eh_wipe(s->eph_priv, sizeof s->eph_priv); /* X is not needed any more */
    goto out;
crypto_fail:
    err = eh_fail(s, err, "message_2", 0, "cryptographic operation failed", RFC_M2);
out:
    eh_wipe(prk_2e, sizeof prk_2e);
    eh_wipe(pt, sizeof pt);
    return err;
}

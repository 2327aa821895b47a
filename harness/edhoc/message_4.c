/*
 * message_4.c - build message_4 (Responder) and process it (Initiator),
 * RFC 9528 §5.5:  message_4 = (CIPHERTEXT_4 : bstr), PLAINTEXT_4 = (? EAD_4)
 */
#include <string.h>

#include "edhoc_internal.h"

#define RFC_M4 "RFC 9528 §5.5"

eh_err eh_responder_message_4(eh_session *s, uint8_t *out, size_t cap, size_t *out_len)
{
    const eh_config *c = s->cfg;
    uint8_t ct[EH_WORK_SIZE + EH_MAX_AEAD_TAG_LEN];
    eh_cbor_writer w;
    eh_err err;
    if (c->role != EH_RESPONDER || s->state != EH_STATE_COMPLETED || s->message_4_sent)
        return EH_ERR_STATE;
    if (c->ead_len[4] > EH_WORK_SIZE)
        return EH_ERR_BUFFER_TOO_SMALL;
    eh_trace(s, "plaintext_4", c->ead[4], c->ead_len[4]);
    if ((err = eh_encrypt0_seal(s, s->prk_4e3m, 4, c->ead[4], c->ead_len[4], ct)) != EH_OK)
        return err;
    eh_cbor_writer_init(&w, out, cap);
    eh_cbor_write_bstr(&w, ct, c->ead_len[4] + s->suite->aead->tag_len);
    if ((err = eh_cbor_writer_status(&w)) != EH_OK)
        return err;
    *out_len = w.len;
    eh_trace(s, "message_4", out, w.len);
    s->message_4_sent = true;
    return EH_OK;
}

eh_err eh_initiator_process_message_4(eh_session *s, const uint8_t *msg, size_t len)
{
    uint8_t pt[EH_WORK_SIZE];
    const uint8_t *ct;
    size_t ct_len, tag;
    eh_cbor_reader r;
    eh_err err;
    if (s->cfg->role != EH_INITIATOR || s->state != EH_STATE_WAIT_M4)
        return EH_ERR_STATE;
    if ((err = eh_error_message_check(s, msg, len)) != EH_OK)
        return err;
    tag = s->suite->aead->tag_len;
    eh_reader_init(s, &r, msg, len);
    if ((err = eh_cbor_read_bstr(&r, &ct, &ct_len)) != EH_OK)
        return eh_fail_cbor(s, &r, err, "CIPHERTEXT_4", RFC_M4);
    if (!eh_cbor_at_end(&r))
        return eh_fail(s, EH_ERR_TRAILING_DATA, "message_4", r.pos,
                       "more than one item: message_4 is a single bstr", "RFC 9528 §5.5.1");
    if (ct_len < tag || ct_len - tag > sizeof pt)
        return eh_fail(s, EH_ERR_LENGTH, "CIPHERTEXT_4", 0,
                       ct_len < tag ? "shorter than the AEAD tag" : "longer than supported",
                       "RFC 9528 §5.5.2");
    eh_trace(s, "message_4", msg, len);
    err = eh_encrypt0_open(s, s->prk_4e3m, 4, ct, ct_len, pt);
    if (err != EH_OK) {
        err = eh_fail(s, err, "CIPHERTEXT_4", 0, "AEAD decryption failed", "RFC 9528 §5.5.3");
        goto out;
    }
    eh_trace(s, "plaintext_4", pt, ct_len - tag);
    eh_cbor_reader_init(&r, pt, ct_len - tag);
    r.lenient = s->cfg->lenient_cbor;
    if ((err = eh_ead_read(s, &r, "EAD_4")) != EH_OK)
        goto out;
    s->state = EH_STATE_COMPLETED;
out:
    eh_wipe(pt, sizeof pt);
    return err;
}

/*
 * error_message.c - the EDHOC error message (RFC 9528 §6): build the one a
 * failed session owes its peer, and recognise and parse a received one.
 */
#include <stdio.h>
#include <string.h>

#include "edhoc_internal.h"

#define RFC_ERR "RFC 9528 §6"

eh_err eh_error_message_encode(int64_t err_code, const uint8_t *err_info, size_t info_len,
                               uint8_t *out, size_t cap, size_t *out_len)
{
    eh_cbor_writer w;
    if (out_len == NULL || (err_info == NULL && info_len > 0))
        return EH_ERR_ARG;
    eh_cbor_writer_init(&w, out, cap);
    eh_cbor_write_int(&w, err_code);
    eh_cbor_write_raw(&w, err_info, info_len);
    *out_len = w.len;
    return eh_cbor_writer_status(&w);
}

eh_err eh_error_message(const eh_session *s, uint8_t *out, size_t cap, size_t *out_len)
{
    uint8_t info[128];
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, info, sizeof info);
    switch (s->err_code_to_send) {
    case 1: {
        /* ERR_INFO: English text naming the field and the reason (§6.2). */
        char text[96];
        int n = snprintf(text, sizeof text, "%s: %s", s->finding.field ? s->finding.field : "message",
                         s->finding.reason ? s->finding.reason : "processing failed");
        if (n < 0)
            return EH_ERR_ARG;
        eh_cbor_write_tstr(&w, text, strnlen(text, sizeof text));
        break;
    }
    case 2: {
        /* SUITES_R: all supported suites; a single one as an int (§6.3.1). */
        const eh_config *c = s->cfg;
        if (EH_FAULTY(s, EH_FAULT_SUITES_R_WRONG)) {
            eh_cbor_write_int(&w, -24); /* a private-use suite nobody offered */
        } else if (c->n_suites == 1) {
            eh_cbor_write_int(&w, c->suites[0]);
        } else {
            eh_cbor_write_array(&w, c->n_suites);
            for (size_t i = 0; i < c->n_suites; i++)
                eh_cbor_write_int(&w, c->suites[i]);
        }
        break;
    }
    case 3:
        eh_cbor_write_bool(&w, true);
        break;
    default:
        return EH_ERR_STATE;
    }
    if (eh_cbor_writer_status(&w) != EH_OK)
        return EH_ERR_BUFFER_TOO_SMALL;
    return eh_error_message_encode(s->err_code_to_send, info, w.len, out, cap, out_len);
}

/* SUITES_R = [2* int] / int. */
static eh_err suites_r_read(eh_session *s, eh_cbor_reader *r)
{
    eh_err err;
    int64_t v;
    size_t n = 1;
    bool array = eh_cbor_peek_major(r) == EH_CBOR_ARRAY;
    if (array) {
        if ((err = eh_cbor_read_array(r, &n)) != EH_OK)
            return err;
        if (n < 2 || n > EH_MAX_SUITES)
            return EH_ERR_MESSAGE_FORMAT;
    }
    for (size_t i = 0; i < n; i++) {
        if ((err = eh_cbor_read_int(r, &v)) != EH_OK)
            return err;
        if (v < -65536 || v > 65535)
            return EH_ERR_CBOR_RANGE;
        s->suites_r[i] = (int)v;
    }
    s->n_suites_r = n;
    return EH_OK;
}

/* §6.3.2: pick the Initiator's most preferred suite that SUITES_R offers. */
static bool select_retry_suite(eh_session *s)
{
    for (size_t i = 0; i < s->cfg->n_suites; i++)
        for (size_t j = 0; j < s->n_suites_r; j++)
            if (s->cfg->suites[i] == s->suites_r[j] && eh_suite_by_id(s->suites_r[j]) != NULL) {
                s->suite_index = i;
                return true;
            }
    return false;
}

eh_err eh_error_message_check(eh_session *s, const uint8_t *msg, size_t len)
{
    eh_cbor_reader r;
    const uint8_t *info;
    size_t info_len;
    int64_t code;
    eh_err err;
    eh_reader_init(s, &r, msg, len);
    int major = eh_cbor_peek_major(&r);
    if (major != EH_CBOR_UINT && major != EH_CBOR_NEGINT)
        return EH_OK; /* message_2/3/4 start with a bstr */

    if ((err = eh_cbor_read_int(&r, &code)) != EH_OK)
        return eh_fail_cbor(s, &r, err, "ERR_CODE", RFC_ERR);
    size_t info_off = r.pos;
    if ((err = eh_cbor_read_item(&r, &info, &info_len)) != EH_OK)
        return eh_fail_cbor(s, &r, err, "ERR_INFO", RFC_ERR);
    if (!eh_cbor_at_end(&r))
        return eh_fail(s, EH_ERR_TRAILING_DATA, "error", r.pos,
                       "items after ERR_INFO", RFC_ERR);
    s->peer_err_code = code;
    s->peer_err_info_len = info_len < sizeof s->peer_err_info ? info_len : sizeof s->peer_err_info;
    memcpy(s->peer_err_info, info, s->peer_err_info_len);

    /* An error is never answered with an error (§6). */
    eh_fail(s, EH_ERR_PEER_ERROR, "ERR_CODE", 0, "the peer sent an EDHOC error message", RFC_ERR);
    s->err_code_to_send = 0;
    if (code == 2 && s->cfg->role == EH_INITIATOR) {
        eh_cbor_reader ri;
        eh_reader_init(s, &ri, msg + info_off, info_len);
        if (suites_r_read(s, &ri) == EH_OK && select_retry_suite(s))
            s->state = EH_STATE_START; /* a new message_1 may be sent */
    }
    return EH_ERR_PEER_ERROR;
}

/*
 * coap_codec.c - CoAP message codec (RFC 7252 §3), see coap_codec.h.
 */
#include "coap_codec.h"

#include <string.h>

/* Bounded output cursor: counts every byte, stores those that fit. */
typedef struct coap_out {
    uint8_t *buf;
    size_t cap;
    size_t len;
} coap_out;

static void coap_put(coap_out *o, const uint8_t *data, size_t n)
{
    if (n && o->buf && o->len <= o->cap && n <= o->cap - o->len)
        memcpy(o->buf + o->len, data, n);
    o->len += n;
}

static void coap_put_byte(coap_out *o, uint8_t b)
{
    coap_put(o, &b, 1);
}

/* Nibble and extended bytes for a delta or length value (§3.1). */
static uint8_t coap_nibble(size_t v, uint8_t ext[2], size_t *ext_len)
{
    if (v < 13) {
        *ext_len = 0;
        return (uint8_t)v;
    }
    if (v < 269) {
        ext[0] = (uint8_t)(v - 13);
        *ext_len = 1;
        return 13;
    }
    size_t e = v - 269;
    ext[0] = (uint8_t)(e >> 8);
    ext[1] = (uint8_t)e;
    *ext_len = 2;
    return 14;
}

/* Next option in (number, index) order after opts[prev] (prev -1: the
 * first); -1 when done.
 * Selection instead of sorting keeps the input const and needs no scratch. */
static long coap_next_sorted(const eh_coap_option *opts, size_t n, long prev)
{
    long best = -1;
    for (size_t i = 0; i < n; i++) {
        if (prev >= 0) {
            uint16_t pn = opts[prev].number;
            if (opts[i].number < pn || (opts[i].number == pn && (long)i <= prev))
                continue;
        }
        if (best < 0 || opts[i].number < opts[best].number)
            best = (long)i;
    }
    return best;
}

static eh_err coap_options_put(coap_out *o, const eh_coap_option *opts, size_t n)
{
    if (n && !opts)
        return EH_ERR_ARG;
    unsigned last = 0;
    for (long i = coap_next_sorted(opts, n, -1); i >= 0; i = coap_next_sorted(opts, n, i)) {
        const eh_coap_option *op = &opts[i];
        if (op->len > EH_COAP_MAX_OPTION_LEN || (op->len && !op->value))
            return EH_ERR_ARG;
        uint8_t dext[2], lext[2];
        size_t dlen, llen;
        uint8_t dn = coap_nibble(op->number - last, dext, &dlen);
        uint8_t ln = coap_nibble(op->len, lext, &llen);
        coap_put_byte(o, (uint8_t)(dn << 4 | ln));
        coap_put(o, dext, dlen);
        coap_put(o, lext, llen);
        coap_put(o, op->value, op->len);
        last = op->number;
    }
    return EH_OK;
}

eh_err eh_coap_options_encode(const eh_coap_option *opts, size_t n, uint8_t *out,
                              size_t cap, size_t *out_len)
{
    if (!out_len || (!out && cap))
        return EH_ERR_ARG;
    coap_out o = {out, cap, 0};
    eh_err err = coap_options_put(&o, opts, n);
    *out_len = o.len;
    if (err)
        return err;
    return o.len <= cap ? EH_OK : EH_ERR_BUFFER_TOO_SMALL;
}

/* Read the extended form of a nibble at in[*pos]; false if malformed. */
static bool coap_ext(const uint8_t *in, size_t len, size_t *pos, uint8_t nib, size_t *v)
{
    if (nib < 13) {
        *v = nib;
        return true;
    }
    if (nib == 13) {
        if (len - *pos < 1)
            return false;
        *v = (size_t)in[*pos] + 13;
        *pos += 1;
        return true;
    }
    if (nib == 14) {
        if (len - *pos < 2)
            return false;
        *v = ((size_t)in[*pos] << 8 | in[*pos + 1]) + 269;
        *pos += 2;
        return true;
    }
    return false; /* 15 is reserved outside the payload marker */
}

eh_err eh_coap_options_decode(const uint8_t *in, size_t len, eh_coap_option *opts,
                              size_t max_opts, size_t *n_opts, size_t *consumed)
{
    if ((!in && len) || !n_opts || !consumed || (!opts && max_opts))
        return EH_ERR_ARG;
    size_t pos = 0, n = 0, number = 0;
    *n_opts = 0;
    *consumed = 0;
    while (pos < len && in[pos] != 0xFF) {
        uint8_t head = in[pos];
        size_t p = pos + 1, delta, vlen;
        if (!coap_ext(in, len, &p, head >> 4, &delta) ||
            !coap_ext(in, len, &p, head & 0x0F, &vlen)) {
            *consumed = pos;
            return EH_ERR_MESSAGE_FORMAT;
        }
        if (vlen > len - p || number + delta > 0xFFFF) {
            *consumed = pos;
            return EH_ERR_MESSAGE_FORMAT;
        }
        if (n == max_opts) {
            *consumed = pos;
            return EH_ERR_UNSUPPORTED;
        }
        number += delta;
        opts[n].number = (uint16_t)number;
        opts[n].value = vlen ? in + p : NULL;
        opts[n].len = vlen;
        n++;
        *n_opts = n;
        pos = p + vlen;
    }
    *consumed = pos;
    return EH_OK;
}

eh_err eh_coap_udp_encode(const eh_coap_udp_hdr *hdr, const eh_coap_msg *msg,
                          uint8_t *out, size_t cap, size_t *out_len)
{
    if (!hdr || !msg || !out_len || (!out && cap))
        return EH_ERR_ARG;
    *out_len = 0;
    if (hdr->type > 3 || hdr->token_len > EH_COAP_MAX_TOKEN_LEN ||
        (hdr->token_len && !hdr->token) || msg->n_opts > EH_COAP_MAX_OPTIONS ||
        (msg->payload_len && !msg->payload))
        return EH_ERR_ARG;
    coap_out o = {out, cap, 0};
    coap_put_byte(&o, (uint8_t)(1u << 6 | (unsigned)hdr->type << 4 | hdr->token_len));
    coap_put_byte(&o, msg->code);
    coap_put_byte(&o, (uint8_t)(hdr->message_id >> 8));
    coap_put_byte(&o, (uint8_t)hdr->message_id);
    coap_put(&o, hdr->token, hdr->token_len);
    eh_err err = coap_options_put(&o, msg->opts, msg->n_opts);
    if (err)
        return err;
    if (msg->payload_len) {
        coap_put_byte(&o, 0xFF);
        coap_put(&o, msg->payload, msg->payload_len);
    }
    *out_len = o.len;
    return o.len <= cap ? EH_OK : EH_ERR_BUFFER_TOO_SMALL;
}

eh_err eh_coap_udp_decode(const uint8_t *in, size_t len, eh_coap_udp_hdr *hdr,
                          eh_coap_msg *msg)
{
    if ((!in && len) || !hdr || !msg)
        return EH_ERR_ARG;
    memset(hdr, 0, sizeof *hdr);
    memset(msg, 0, sizeof *msg);
    if (len < 4 || in[0] >> 6 != 1)
        return EH_ERR_MESSAGE_FORMAT;
    size_t tkl = in[0] & 0x0F;
    if (tkl > EH_COAP_MAX_TOKEN_LEN || tkl > len - 4)
        return EH_ERR_MESSAGE_FORMAT;
    if (in[1] == EH_COAP_CODE_EMPTY && len != 4)
        return EH_ERR_MESSAGE_FORMAT;
    hdr->type = (uint8_t)(in[0] >> 4 & 3);
    hdr->message_id = (uint16_t)(in[2] << 8 | in[3]);
    hdr->token = tkl ? in + 4 : NULL;
    hdr->token_len = tkl;
    msg->code = in[1];
    size_t pos = 4 + tkl, consumed;
    eh_err err = eh_coap_options_decode(in + pos, len - pos, msg->opts, EH_COAP_MAX_OPTIONS,
                                        &msg->n_opts, &consumed);
    if (err)
        return err;
    pos += consumed;
    if (pos < len) { /* in[pos] is the payload marker */
        pos++;
        if (pos == len)
            return EH_ERR_MESSAGE_FORMAT; /* marker without payload (§3) */
        msg->payload = in + pos;
        msg->payload_len = len - pos;
    }
    return EH_OK;
}

int eh_coap_find_option(const eh_coap_msg *msg, uint16_t number)
{
    if (!msg)
        return -1;
    for (size_t i = 0; i < msg->n_opts && i < EH_COAP_MAX_OPTIONS; i++)
        if (msg->opts[i].number == number)
            return (int)i;
    return -1;
}

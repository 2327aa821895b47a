/*
 * message_1.c - build message_1 (Initiator) and process it (Responder),
 * RFC 9528 §5.2:
 *   message_1 = (METHOD : int, SUITES_I : suites, G_X : bstr,
 *                C_I : bstr / -24..23, ? EAD_1)
 */
#include <string.h>

#include "edhoc_internal.h"

#define RFC_M1 "RFC 9528 §5.2.1"

eh_err eh_initiator_message_1(eh_session *s, uint8_t *out, size_t cap, size_t *out_len)
{
    const eh_config *c = s->cfg;
    eh_cbor_writer w;
    eh_err err;
    if (c->role != EH_INITIATOR || s->state != EH_STATE_START)
        return EH_ERR_STATE;
    s->suite = eh_suite_by_id(c->suites[s->suite_index]);
    if (s->suite == NULL)
        return EH_ERR_UNSUPPORTED;
    /* A fresh ephemeral key for every message_1, retries included (§6.3.2). */
    if ((err = eh_ephemeral_generate(s)) != EH_OK)
        return err;
    memcpy(s->c_i, s->conn_id, s->conn_id_len);
    s->c_i_len = s->conn_id_len;

    eh_cbor_writer_init(&w, out, cap);
    eh_cbor_write_int(&w, s->method);
    /* SUITES_I: preference list truncated after the selected suite; a lone
     * int when the most preferred suite is selected (§5.2.2). */
    if (s->suite_index == 0) {
        eh_cbor_write_int(&w, c->suites[0]);
    } else {
        eh_cbor_write_array(&w, s->suite_index + 1);
        for (size_t i = 0; i <= s->suite_index; i++)
            eh_cbor_write_int(&w, c->suites[i]);
    }
    eh_cbor_write_bstr(&w, s->g_own, s->suite->ecdh->coord_len);
    eh_conn_id_write_own(s, &w, s->c_i, s->c_i_len);
    eh_cbor_write_raw(&w, c->ead[1], c->ead_len[1]);
    if ((err = eh_cbor_writer_status(&w)) != EH_OK)
        return err;
    *out_len = w.len;

    if ((err = s->suite->hash->digest(out, w.len, s->h_message_1)) != EH_OK)
        return err;
    eh_trace(s, "g_x", s->g_own, s->suite->ecdh->coord_len);
    eh_trace(s, "message_1", out, w.len);
    eh_trace(s, "h_message_1", s->h_message_1, s->suite->hash->out_len);
    s->state = EH_STATE_WAIT_M2;
    return EH_OK;
}

/* Lenient mode only: SUITES_I as an indefinite-length array (9f ... ff, as
 * in RFC 9529 §4.3.2), which RFC 9528 §9.8 lets a receiver accept. */
static eh_err suites_i_read_indefinite(eh_session *s, eh_cbor_reader *r, int *suites, size_t *n)
{
    size_t start = r->pos, count = 0;
    r->pos++; /* 0x9f */
    while (r->pos < r->len && r->buf[r->pos] != 0xff) {
        int64_t v;
        eh_err err = eh_cbor_read_int(r, &v);
        if (err != EH_OK)
            return eh_fail_cbor(s, r, err, "SUITES_I", "RFC 9528 §5.2.2");
        if (count == EH_MAX_SUITES)
            return eh_fail(s, EH_ERR_LENGTH, "SUITES_I", start, "more suites than supported",
                           "RFC 9528 §5.2.2");
        if (v < -65536 || v > 65535)
            return eh_fail(s, EH_ERR_SUITE, "SUITES_I", start, "unknown cipher suite value",
                           "RFC 9528 §6.3.1");
        suites[count++] = (int)v;
    }
    if (r->pos >= r->len)
        return eh_fail(s, EH_ERR_MESSAGE_FORMAT, "SUITES_I", start,
                       "indefinite-length array without its break", "RFC 8949 §3.2.1");
    r->pos++; /* the break */
    if (count < 2)
        return eh_fail(s, EH_ERR_MESSAGE_FORMAT, "SUITES_I", start,
                       "array with fewer than 2 suites; a single suite is sent as an int",
                       "RFC 9528 §5.2.2");
    *n = count;
    return EH_OK;
}

/* SUITES_I = [2* int] / int; the selected suite is the last element. */
static eh_err suites_i_read(eh_session *s, eh_cbor_reader *r, int *suites, size_t *n)
{
    size_t start = r->pos, count = 1;
    eh_err err;
    if (r->lenient && r->pos < r->len && r->buf[r->pos] == 0x9f)
        return suites_i_read_indefinite(s, r, suites, n);
    int major = eh_cbor_peek_major(r);
    if (major == EH_CBOR_ARRAY) {
        if ((err = eh_cbor_read_array(r, &count)) != EH_OK)
            return eh_fail_cbor(s, r, err, "SUITES_I", "RFC 9528 §5.2.2");
        if (count < 2)
            return eh_fail(s, EH_ERR_MESSAGE_FORMAT, "SUITES_I", start,
                           "array with fewer than 2 suites; a single suite is sent as an int",
                           "RFC 9528 §5.2.2");
        if (count > EH_MAX_SUITES)
            return eh_fail(s, EH_ERR_LENGTH, "SUITES_I", start, "more suites than supported",
                           "RFC 9528 §5.2.2");
    } else if (major != EH_CBOR_UINT && major != EH_CBOR_NEGINT) {
        if (major < 0)
            return eh_fail(s, EH_ERR_MESSAGE_FORMAT, "SUITES_I", start, "missing", RFC_M1);
        if ((err = eh_cbor_read_array(r, &count)) != EH_OK) /* records the offset */
            return eh_fail_cbor(s, r, err, "SUITES_I", "RFC 9528 §5.2.2");
    }
    for (size_t i = 0; i < count; i++) {
        int64_t v;
        if ((err = eh_cbor_read_int(r, &v)) != EH_OK)
            return eh_fail_cbor(s, r, err, "SUITES_I", "RFC 9528 §5.2.2");
        if (v < -65536 || v > 65535)
            return eh_fail(s, EH_ERR_SUITE, "SUITES_I", start, "unknown cipher suite value",
                           "RFC 9528 §6.3.1");
        suites[i] = (int)v;
    }
    *n = count;
    return EH_OK;
}

static bool responder_supports(const eh_config *c, int suite)
{
    for (size_t i = 0; i < c->n_suites; i++)
        if (c->suites[i] == suite && eh_suite_by_id(suite) != NULL)
            return true;
    return false;
}

static bool responder_accepts_method(const eh_config *c, int64_t m)
{
    if (m < 0 || m > 3)
        return false;
    if (c->methods == 0)
        return m == c->method;
    return (c->methods >> m) & 1u;
}

eh_err eh_responder_process_message_1(eh_session *s, const uint8_t *msg, size_t len)
{
    const eh_config *c = s->cfg;
    eh_cbor_reader r;
    int64_t method;
    int suites[EH_MAX_SUITES];
    size_t n_suites = 0, off_method, off_suites, off_gx;
    const uint8_t *g_x;
    size_t g_x_len;
    eh_err err;
    if (c->role != EH_RESPONDER || s->state != EH_STATE_WAIT_M1)
        return EH_ERR_STATE;

    /* 1. Structure (CDDL), strictly, field by field. */
    eh_reader_init(s, &r, msg, len);
    off_method = r.pos;
    if (eh_cbor_peek_major(&r) == EH_CBOR_ARRAY)
        return eh_fail(s, EH_ERR_MESSAGE_FORMAT, "message_1", 0,
                       "message is a CBOR array; EDHOC messages are CBOR sequences",
                       "RFC 9528 §3.1");
    if ((err = eh_cbor_read_int(&r, &method)) != EH_OK)
        return eh_fail_cbor(s, &r, err, "METHOD", RFC_M1);
    off_suites = r.pos;
    if ((err = suites_i_read(s, &r, suites, &n_suites)) != EH_OK)
        return err;
    off_gx = r.pos;
    if ((err = eh_cbor_read_bstr(&r, &g_x, &g_x_len)) != EH_OK)
        return eh_fail_cbor(s, &r, err, "G_X", RFC_M1);
    if ((err = eh_peer_conn_id_read(s, &r, s->c_i, &s->c_i_len, NULL, "C_I")) != EH_OK)
        return err;
    eh_cbor_reader ead_reader = r;
    /* Parse EAD_1 now only for its structure; it is acted on at the end. */
    {
        eh_cbor_reader probe = r;
        while (!eh_cbor_at_end(&probe)) {
            const uint8_t *item;
            size_t item_len, at = probe.pos;
            int major = eh_cbor_peek_major(&probe);
            if ((err = eh_cbor_read_item(&probe, &item, &item_len)) != EH_OK)
                return eh_fail_cbor(s, &probe, err, "EAD_1", "RFC 9528 §3.8");
            if (major != EH_CBOR_UINT && major != EH_CBOR_NEGINT && major != EH_CBOR_BSTR)
                return eh_fail(s, EH_ERR_TRAILING_DATA, "message_1", at,
                               "item after C_I that is not an EAD item", RFC_M1);
        }
    }

    /* 2. METHOD. */
    if (!responder_accepts_method(c, method) &&
        !(EH_FAULTY(s, EH_FAULT_ACCEPT_ANY_METHOD) && method >= 0 && method < 256))
        return eh_fail(s, EH_ERR_METHOD, "METHOD", off_method, "METHOD not supported",
                       "RFC 9528 §3.2, §5.2.3");
    s->method = (int)method;

    /* 3. Cipher suite: the selected (last) suite must be supported and no
     *    suite I prefers over it may be (§5.2.3, §6.3.1). */
    if (EH_FAULTY(s, EH_FAULT_IGNORE_SUITES_ORDER)) {
        if (responder_supports(c, suites[n_suites - 1]))
            s->suite = eh_suite_by_id(suites[n_suites - 1]);
    } else {
        for (size_t i = 0; i < n_suites; i++) {
            if (!responder_supports(c, suites[i]))
                continue;
            if (i != n_suites - 1)
                return eh_fail(s, EH_ERR_SUITE, "SUITES_I", off_suites,
                               "a suite preferred over the selected one is supported",
                               "RFC 9528 §6.3.1");
            s->suite = eh_suite_by_id(suites[i]);
        }
    }
    if (s->suite == NULL)
        return eh_fail(s, EH_ERR_SUITE, "SUITES_I", off_suites, "selected suite not supported",
                       "RFC 9528 §6.3.1");

    /* 4. G_X: exactly the coordinate length of the suite's curve (§3.7). */
    if (g_x_len != s->suite->ecdh->coord_len)
        return eh_fail(s, EH_ERR_LENGTH, "G_X", off_gx,
                       "length differs from the selected suite's curve", "RFC 9528 §3.7, §9.8");
    memcpy(s->g_peer, g_x, g_x_len);
    s->g_peer_y_known = false;
    eh_trace(s, "g_x", g_x, g_x_len); /* the Responder's view: the session's name on the wire */

    /* 5. Own ephemeral key and G_XY: validates G_X (§9.2). */
    if ((err = eh_ephemeral_generate(s)) != EH_OK)
        return eh_fail(s, err, "Y", 0, "cannot create the ephemeral key", "RFC 9528 §5.3.2");
    err = eh_ecdh_peer_ephemeral(s, s->eph_priv, s->g_own, s->g_xy, "g_xy");
    if (err == EH_ERR_LOW_ORDER_POINT)
        return eh_fail(s, err, "G_X", off_gx, "low-order point: all-zero shared secret",
                       "RFC 9528 §9.2");
    if (err != EH_OK)
        return eh_fail(s, err, "G_X", off_gx, "public key fails validation", "RFC 9528 §9.2");

    /* 6. EAD_1, after everything else succeeded (§5.2.3). */
    if ((err = eh_ead_read(s, &ead_reader, "EAD_1")) != EH_OK)
        return err;

    if ((err = s->suite->hash->digest(msg, len, s->h_message_1)) != EH_OK)
        return eh_fail(s, err, "message_1", 0, "hash failed", RFC_M1);
    eh_trace(s, "message_1", msg, len);
    eh_trace(s, "h_message_1", s->h_message_1, s->suite->hash->out_len);
    s->state = EH_STATE_RECEIVED_M1;
    return EH_OK;
}

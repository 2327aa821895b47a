/*
 * encoding.c - the small encodings shared by several messages: connection
 * identifiers (§3.3.2), ID_CRED with the compact kid (§3.5.3.2), and EAD
 * items (§3.8).
 */
#include <string.h>

#include "edhoc_internal.h"

#define RFC_CID "RFC 9528 §3.3.2"
#define RFC_KID "RFC 9528 §3.5.3.2"
#define RFC_EAD "RFC 9528 §3.8"

bool eh_conn_id_is_int(const uint8_t *id, size_t len)
{
    return len == 1 && (id[0] <= 0x17 || (id[0] >= 0x20 && id[0] <= 0x37));
}

size_t eh_conn_id_encode(const uint8_t *id, size_t len, uint8_t *out, size_t cap)
{
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, out, cap);
    eh_conn_id_write(&w, id, len);
    return eh_cbor_writer_status(&w) == EH_OK ? w.len : 0;
}

void eh_conn_id_write(eh_cbor_writer *w, const uint8_t *id, size_t len)
{
    if (eh_conn_id_is_int(id, len))
        eh_cbor_write_raw(w, id, 1);
    else
        eh_cbor_write_bstr(w, id, len);
}

void eh_conn_id_write_own(const eh_session *s, eh_cbor_writer *w, const uint8_t *id, size_t len)
{
    if (EH_FAULTY(s, EH_FAULT_CONN_ID_BSTR))
        eh_cbor_write_bstr(w, id, len);
    else
        eh_conn_id_write(w, id, len);
}

void eh_message_bstr_write(const eh_session *s, eh_cbor_writer *w, const uint8_t *body,
                           size_t len)
{
    if (EH_FAULTY(s, EH_FAULT_NONDETERMINISTIC)) {
        size_t head = eh_cbor_head_size(len);
        int width = head < 3 ? 2 : head < 5 ? 4 : 8; /* one size up */
        eh_cbor_write_head_width(w, EH_CBOR_BSTR, len, width);
        eh_cbor_write_raw(w, body, len);
    } else {
        eh_cbor_write_bstr(w, body, len);
    }
    if (EH_FAULTY(s, EH_FAULT_TRAILING_BYTES))
        eh_cbor_write_raw(w, (const uint8_t *)"", 1);
}

eh_err eh_conn_id_read(eh_session *s, eh_cbor_reader *r, uint8_t *id, size_t *len, bool *known,
                       const char *field)
{
    size_t start = r->pos;
    bool ignored;
    if (known == NULL)
        known = &ignored;
    *known = false;
    int major = eh_cbor_peek_major(r);
    eh_err err;
    if (major == EH_CBOR_UINT || major == EH_CBOR_NEGINT) {
        int64_t v;
        if ((err = eh_cbor_read_int(r, &v)) != EH_OK)
            return eh_fail_cbor(s, r, err, field, RFC_CID);
        if (v < -24 || v > 23 || (r->pos - start != 1 && !r->lenient))
            return eh_fail(s, EH_ERR_CONN_ID_ENCODING, field, start,
                           "integer identifier outside -24..23", RFC_CID);
        /* the identifier is the one-byte encoding of the value (§3.3.2),
         * also when a lenient reader took a wider head (38 17 for -24) */
        id[0] = v >= 0 ? (uint8_t)v : (uint8_t)(0x20 + (-1 - v));
        *len = 1;
        *known = true;
        return EH_OK;
    }
    if (major == EH_CBOR_BSTR) {
        const uint8_t *p;
        size_t n;
        if ((err = eh_cbor_read_bstr(r, &p, &n)) != EH_OK)
            return eh_fail_cbor(s, r, err, field, RFC_CID);
        if (n > EH_MAX_CONN_ID)
            return eh_fail(s, EH_ERR_LENGTH, field, start, "identifier longer than supported",
                           RFC_CID);
        memcpy(id, p, n);
        *len = n;
        *known = true;
        if (eh_conn_id_is_int(p, n) && !EH_FAULTY(s, EH_FAULT_ACCEPT_BSTR_CONN_ID))
            return eh_fail(s, EH_ERR_CONN_ID_ENCODING, field, start,
                           "one-byte identifier sent as bstr; it must be the CBOR integer", RFC_CID);
        return EH_OK;
    }
    return eh_fail(s, EH_ERR_MESSAGE_FORMAT, field, start,
                   major < 0 ? "missing" : "must be a bstr or an int in -24..23", RFC_CID);
}

eh_err eh_peer_conn_id_read(eh_session *s, eh_cbor_reader *r, uint8_t *id, size_t *len, bool *known,
                            const char *field)
{
    size_t start = r->pos;
    eh_err err = eh_conn_id_read(s, r, id, len, known, field);
    if (err == EH_OK && s->cfg->max_peer_conn_id && *len > s->cfg->max_peer_conn_id)
        return eh_fail(s, EH_ERR_LENGTH, field, start, "identifier longer than supported",
                       RFC_CID);
    return err;
}

bool eh_id_cred_kid_only(const uint8_t *map, size_t len, const uint8_t **kid, size_t *kid_len)
{
    eh_cbor_reader r;
    size_t n;
    int64_t label;
    eh_cbor_reader_init(&r, map, len);
    r.lenient = true;
    if (eh_cbor_read_map(&r, &n) != EH_OK || n != 1)
        return false;
    if (eh_cbor_read_int(&r, &label) != EH_OK || label != 4)
        return false;
    if (eh_cbor_read_bstr(&r, kid, kid_len) != EH_OK)
        return false;
    return eh_cbor_at_end(&r);
}

/* Fault kccs-no-cnf: {14 (kccs): CCS} written with the CCS's cnf claim (8)
 * left out. False if id_cred is not a kccs (written as usual then). */
static bool write_kccs_without_cnf(eh_cbor_writer *w, const uint8_t *id_cred, size_t len)
{
    eh_cbor_reader r, scan;
    size_t n, m, kept = 0;
    int64_t label, key;
    const uint8_t *item;
    size_t item_len;
    eh_cbor_reader_init(&r, id_cred, len);
    r.lenient = true;
    if (eh_cbor_read_map(&r, &n) != EH_OK || n != 1 || eh_cbor_read_int(&r, &label) != EH_OK ||
        label != 14 || eh_cbor_read_map(&r, &m) != EH_OK)
        return false;
    scan = r;
    for (size_t i = 0; i < m; i++) {
        if (eh_cbor_read_int(&scan, &key) != EH_OK ||
            eh_cbor_read_item(&scan, &item, &item_len) != EH_OK)
            return false;
        kept += key != 8;
    }
    eh_cbor_write_map(w, 1);
    eh_cbor_write_int(w, 14);
    eh_cbor_write_map(w, kept);
    for (size_t i = 0; i < m; i++) {
        size_t at = r.pos;
        eh_cbor_read_int(&r, &key);
        eh_cbor_read_item(&r, &item, &item_len);
        if (key != 8)
            eh_cbor_write_raw(w, id_cred + at, r.pos - at);
    }
    return true;
}

eh_err eh_id_cred_write_compact(const eh_session *s, eh_cbor_writer *w, const eh_cred *cred)
{
    if (EH_FAULTY(s, EH_FAULT_KCCS_NO_CNF) &&
        write_kccs_without_cnf(w, cred->id_cred, cred->id_cred_len))
        return EH_OK;
    const uint8_t *kid;
    size_t kid_len;
    if (EH_FAULTY(s, EH_FAULT_ID_CRED_X5U)) {
        static const char uri[] = "coap://cred.example/c";
        eh_cbor_write_map(w, 1);
        eh_cbor_write_int(w, 35); /* x5u (RFC 9360) */
        eh_cbor_write_tstr(w, uri, sizeof uri - 1);
        return EH_OK;
    }
    if (!EH_FAULTY(s, EH_FAULT_ID_CRED_MAP) &&
        eh_id_cred_kid_only(cred->id_cred, cred->id_cred_len, &kid, &kid_len)) {
        if (EH_FAULTY(s, EH_FAULT_ID_CRED_KID_BSTR))
            eh_cbor_write_bstr(w, kid, kid_len);
        else
            eh_conn_id_write(w, kid, kid_len);
    } else {
        eh_cbor_write_raw(w, cred->id_cred, cred->id_cred_len);
    }
    return EH_OK;
}

eh_err eh_id_cred_read(eh_session *s, eh_cbor_reader *r, const char *field)
{
    size_t start = r->pos;
    int major = eh_cbor_peek_major(r);
    eh_err err;
    if (major == EH_CBOR_MAP) {
        /* A full header map; labels need not be sorted (§3.5.3). */
        const uint8_t *item, *kid;
        size_t item_len, kid_len;
        bool strict = !r->lenient;
        r->lenient = true;
        err = eh_cbor_read_item(r, &item, &item_len);
        r->lenient = !strict;
        if (err != EH_OK)
            return eh_fail_cbor(s, r, err, field, "RFC 9528 §3.5.3");
        if (eh_id_cred_kid_only(item, item_len, &kid, &kid_len) &&
            !EH_FAULTY(s, EH_FAULT_ACCEPT_ID_CRED_MAP))
            return eh_fail(s, EH_ERR_ID_CRED_ENCODING, field, start,
                           "ID_CRED is only a kid, so it must be sent in compact form", RFC_KID);
        if (item_len > sizeof s->peer_id_cred)
            return eh_fail(s, EH_ERR_LENGTH, field, start, "ID_CRED larger than supported",
                           "RFC 9528 §3.5.3");
        memcpy(s->peer_id_cred, item, item_len);
        s->peer_id_cred_len = item_len;
        return EH_OK;
    }
    if (major == EH_CBOR_BSTR || major == EH_CBOR_UINT || major == EH_CBOR_NEGINT) {
        uint8_t kid[EH_MAX_CONN_ID];
        size_t kid_len;
        /* The compact kid follows the identifier rule of §3.3.2. */
        err = eh_conn_id_read(s, r, kid, &kid_len, NULL, field);
        if (err != EH_OK) {
            if (err == EH_ERR_CONN_ID_ENCODING)
                s->finding.err = EH_ERR_ID_CRED_ENCODING, s->finding.rfc = RFC_KID;
            return s->finding.err;
        }
        eh_cbor_writer w;
        eh_cbor_writer_init(&w, s->peer_id_cred, sizeof s->peer_id_cred);
        eh_cbor_write_map(&w, 1);
        eh_cbor_write_uint(&w, 4);
        eh_cbor_write_bstr(&w, kid, kid_len);
        s->peer_id_cred_len = w.len;
        return EH_OK;
    }
    return eh_fail(s, EH_ERR_MESSAGE_FORMAT, field, start,
                   major < 0 ? "missing" : "must be a map, a bstr or an int", "RFC 9528 §5.3.2");
}

long eh_ead_critical_labels(const uint8_t *ead, size_t len, int64_t *labels, size_t n,
                            size_t cap)
{
    eh_cbor_reader r;
    if (ead == NULL && len > 0)
        return -1;
    eh_cbor_reader_init(&r, ead, len);
    while (!eh_cbor_at_end(&r)) {
        int64_t label;
        if (eh_cbor_read_int(&r, &label) != EH_OK)
            return -1;
        if (eh_cbor_peek_major(&r) == EH_CBOR_BSTR) {
            const uint8_t *v;
            size_t vn;
            if (eh_cbor_read_bstr(&r, &v, &vn) != EH_OK)
                return -1;
        }
        if (label >= 0)
            continue;
        bool seen = false;
        for (size_t i = 0; i < n; i++)
            seen |= labels[i] == label;
        if (seen)
            continue;
        if (n == cap)
            return -1;
        labels[n++] = label;
    }
    return (long)n;
}

static bool ead_label_known(const eh_session *s, int64_t label)
{
    for (size_t i = 0; i < s->cfg->n_ead_known; i++)
        if (s->cfg->ead_known[i] == label)
            return true;
    return false;
}

eh_err eh_ead_read(eh_session *s, eh_cbor_reader *r, const char *field)
{
    size_t start = r->pos;
    eh_err err;
    s->ead_recv_len = 0;
    while (!eh_cbor_at_end(r)) {
        size_t item = r->pos;
        int64_t label;
        int major = eh_cbor_peek_major(r);
        if (major != EH_CBOR_UINT && major != EH_CBOR_NEGINT)
            return eh_fail(s, EH_ERR_MESSAGE_FORMAT, field, item,
                           "unexpected item: an EAD item starts with an int label", RFC_EAD);
        if ((err = eh_cbor_read_int(r, &label)) != EH_OK)
            return eh_fail_cbor(s, r, err, field, RFC_EAD);
        if (eh_cbor_peek_major(r) == EH_CBOR_BSTR) {
            const uint8_t *v;
            size_t n;
            if ((err = eh_cbor_read_bstr(r, &v, &n)) != EH_OK)
                return eh_fail_cbor(s, r, err, field, RFC_EAD);
        } else if (!eh_cbor_at_end(r) && eh_cbor_peek_major(r) != EH_CBOR_UINT &&
                   eh_cbor_peek_major(r) != EH_CBOR_NEGINT) {
            return eh_fail(s, EH_ERR_MESSAGE_FORMAT, field, r->pos,
                           "ead_value must be a bstr", RFC_EAD);
        }
        if (label == 0 && EH_FAULTY(s, EH_FAULT_REJECT_EAD_PADDING))
            return eh_fail(s, EH_ERR_EAD_CRITICAL, field, item,
                           "padding EAD item rejected (--fault reject-ead-padding)", RFC_EAD);
        if (label < 0 && !ead_label_known(s, label) &&
            !EH_FAULTY(s, EH_FAULT_ACCEPT_CRITICAL_EAD))
            return eh_fail(s, EH_ERR_EAD_CRITICAL, field, item,
                           "unknown critical EAD item (negative label)", RFC_EAD);
    }
    /* Every item was checked above; keep a copy for the application, cut
     * when it is larger than the session keeps (large padding is legal). */
    size_t n = r->pos - start;
    s->ead_recv_truncated = n > sizeof s->ead_recv;
    s->ead_recv_len = s->ead_recv_truncated ? sizeof s->ead_recv : n;
    memcpy(s->ead_recv, r->buf + start, s->ead_recv_len);
    return EH_OK;
}

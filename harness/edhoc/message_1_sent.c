/*
 * message_1_sent.c - a message_1 as it was actually sent, for a test
 * harness that changes its own messages (edhoc.h): a lenient view of its
 * fields, and a session that follows those bytes, so that TH_2 covers
 * H(message_1) of the message on the wire (RFC 9528 §5.3.2).
 */
#include <string.h>

#include "edhoc_internal.h"

/* SUITES_I as an int, a definite array or (9f ... ff) an indefinite one:
 * the last suite is the selected one. */
static bool suites_i_selected(eh_cbor_reader *r, int *selected)
{
    bool indefinite = r->pos < r->len && r->buf[r->pos] == 0x9f;
    size_t count = 1, n = 0;
    if (indefinite)
        r->pos++;
    else if (eh_cbor_peek_major(r) == EH_CBOR_ARRAY && eh_cbor_read_array(r, &count) != EH_OK)
        return false;
    for (;;) {
        if (indefinite && r->pos < r->len && r->buf[r->pos] == 0xff) {
            r->pos++;
            break;
        }
        if (!indefinite && n == count)
            break;
        int64_t v;
        if (eh_cbor_read_int(r, &v) != EH_OK || v < -65536 || v > 65535)
            return false;
        *selected = (int)v;
        n++;
    }
    return n > 0;
}

/* C_I: an int in -24..23 (any head width) is the byte of its one-byte
 * encoding (§3.3.2); a bstr is its bytes. */
static bool c_i_read(eh_cbor_reader *r, uint8_t *id, size_t *len)
{
    int major = eh_cbor_peek_major(r);
    if (major == EH_CBOR_UINT || major == EH_CBOR_NEGINT) {
        int64_t v;
        if (eh_cbor_read_int(r, &v) != EH_OK || v < -24 || v > 23)
            return false;
        id[0] = v >= 0 ? (uint8_t)v : (uint8_t)(0x20 + (-1 - v));
        *len = 1;
        return true;
    }
    const uint8_t *p;
    size_t n;
    if (major != EH_CBOR_BSTR || eh_cbor_read_bstr(r, &p, &n) != EH_OK || n > EH_MAX_CONN_ID)
        return false;
    memcpy(id, p, n);
    *len = n;
    return true;
}

eh_err eh_message_1_view_parse(const uint8_t *msg, size_t len, eh_message_1_view *v,
                               const char **field)
{
    eh_cbor_reader r;
    const char *bad = NULL;
    memset(v, 0, sizeof *v);
    eh_cbor_reader_init(&r, msg, len);
    r.lenient = true;
    if (eh_cbor_read_int(&r, &v->method) != EH_OK)
        bad = "METHOD";
    else if (!suites_i_selected(&r, &v->selected_suite))
        bad = "SUITES_I";
    else if (eh_cbor_read_bstr(&r, &v->g_x, &v->g_x_len) != EH_OK)
        bad = "G_X";
    else if (!c_i_read(&r, v->c_i, &v->c_i_len))
        bad = "C_I";
    if (field != NULL)
        *field = bad;
    return bad ? EH_ERR_MESSAGE_FORMAT : EH_OK;
}

/* Index of suite in the configured list, or n_suites if absent. */
static size_t suite_index(const eh_config *c, int suite)
{
    size_t i = 0;
    while (i < c->n_suites && c->suites[i] != suite)
        i++;
    return i;
}

/* Does the session hold the private key of g_x (coordinate length of
 * suite)? Its own key once message_1 was built; in START an injected one. */
static bool holds_key_of(eh_session *s, const eh_suite *suite, const uint8_t *g_x)
{
    size_t coord = suite->ecdh->coord_len;
    if (s->state == EH_STATE_WAIT_M2)
        return s->suite == suite && memcmp(s->g_own, g_x, coord) == 0;
    if (!s->eph_injected)
        return false;
    uint8_t pub[EH_MAX_COORD_LEN];
    if (!s->eph_pub_injected && suite->ecdh->public_key(s->eph_priv, pub, NULL) != EH_OK)
        return false;
    return memcmp(s->eph_pub_injected ? s->g_own : pub, g_x, coord) == 0;
}

/* Why the session cannot stand behind view v, or NULL. */
static const char *cannot_follow(eh_session *s, const eh_message_1_view *v,
                                 const eh_suite **suite)
{
    const eh_config *c = s->cfg;
    if (v->method != s->method)
        return "METHOD is not the session's";
    *suite = eh_suite_by_id(v->selected_suite);
    if (*suite == NULL || suite_index(c, v->selected_suite) == c->n_suites)
        return "SUITES_I selects a suite the session does not offer";
    if (v->g_x_len != (*suite)->ecdh->coord_len)
        return "G_X does not have the length of the selected suite's curve";
    if (!holds_key_of(s, *suite, v->g_x))
        return "G_X is not a key whose private key the session holds";
    return NULL;
}

eh_err eh_initiator_message_1_sent(eh_session *s, const uint8_t *msg, size_t len,
                                   const char **why)
{
    const char *dummy;
    const eh_suite *suite = NULL;
    eh_message_1_view v;
    eh_err err;
    if (why == NULL)
        why = &dummy;
    *why = NULL;
    if (s->cfg->role != EH_INITIATOR ||
        (s->state != EH_STATE_START && s->state != EH_STATE_WAIT_M2)) {
        *why = "not an Initiator session before message_2";
        return EH_ERR_STATE;
    }
    const char *field;
    if (eh_message_1_view_parse(msg, len, &v, &field) != EH_OK) {
        *why = field;
        return EH_ERR_MESSAGE_FORMAT;
    }
    if ((*why = cannot_follow(s, &v, &suite)) != NULL)
        return EH_ERR_UNSUPPORTED;
    uint8_t h[EH_MAX_HASH_LEN];
    if ((err = suite->hash->digest(msg, len, h)) != EH_OK) {
        *why = "hash failed";
        return err;
    }
    if (s->state == EH_STATE_START) { /* the injected key is this message_1's */
        if (!s->eph_pub_injected)
            suite->ecdh->public_key(s->eph_priv, s->g_own, NULL);
        s->eph_injected = s->eph_pub_injected = false;
    }
    s->suite = suite;
    s->suite_index = suite_index(s->cfg, v.selected_suite);
    memcpy(s->c_i, v.c_i, v.c_i_len);
    s->c_i_len = v.c_i_len;
    memcpy(s->h_message_1, h, suite->hash->out_len);
    eh_trace(s, "message_1", msg, len);
    eh_trace(s, "h_message_1", s->h_message_1, suite->hash->out_len);
    s->state = EH_STATE_WAIT_M2;
    return EH_OK;
}

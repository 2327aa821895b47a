/*
 * exec_wire.c - the harness's session follows what was on the wire, so
 * that the harness's own choices never fail an IUT (issue 14):
 *
 *   - as Responder it picks its C_R only once it has seen C_I, and a C_R
 *     different from it (RFC 9528 §3.3.3: the choice is the Responder's;
 *     an Initiator cannot know C_R when it sends message_1);
 *   - what it then expects (the C_R prefix of message_3, Appendix A.2) is
 *     the C_R it actually sent;
 *   - as Initiator, TH_2 covers message_1 as sent (RFC 9528 §5.3.2), also
 *     when a scenario mutated it or wrote it by hand; where the harness
 *     cannot stand behind those bytes (a G_X whose private key it lacks,
 *     a message that is no message_1), a message_2 answering them is
 *     judged for its form only, and the transcript says so.
 */
#include <stdio.h>
#include <string.h>

#include "../cbor/cbor.h"
#include "../common/hex.h"
#include "exec_internal.h"

/* The next one-byte identifier after b of the same §3.3.2 class, cyclically:
 * one-byte CBOR integers (0x00..0x17, 0x20..0x37) stay integers, other bytes
 * (sent as a one-byte bstr) stay other bytes. */
static uint8_t next_one_byte_id(uint8_t b)
{
    bool want_int = eh_conn_id_is_int(&b, 1);
    uint8_t n = b;
    do {
        n = (uint8_t)(n + 1);
    } while (eh_conn_id_is_int(&n, 1) != want_int);
    return n;
}

/* An identifier different from id[0..n), of the same length and, for one
 * byte, the same encoding class: what a scenario about that encoding
 * still exercises. The empty identifier has no sibling: 0x27, the
 * harness's usual C_R, then. Returns its length. */
static size_t sibling_id(const uint8_t *id, size_t n, uint8_t *out)
{
    if (n == 0) {
        out[0] = 0x27;
        return 1;
    }
    memcpy(out, id, n);
    if (n == 1)
        out[0] = next_one_byte_id(id[0]);
    else
        out[n - 1] = (uint8_t)(id[n - 1] + 1);
    return n;
}

static void id_text(const uint8_t *id, size_t n, char *out)
{
    if (n == 0)
        snprintf(out, 8, "(empty)");
    else
        eh_hex_encode(id, n, out);
}

void x_responder_choose_c_r(sc_exec *x)
{
    const eh_session *s = &x->s;
    if (s->c_i_len != s->conn_id_len || memcmp(s->c_i, s->conn_id, s->c_i_len) != 0)
        return; /* the scenario's (or default) C_R differs from C_I: kept */
    char c_i[2 * EH_MAX_CONN_ID + 8], c_r[2 * EH_MAX_CONN_ID + 8];
    id_text(s->c_i, s->c_i_len, c_i);
    x->own_c_r_len = sibling_id(s->c_i, s->c_i_len, x->own_c_r);
    eh_session_set_conn_id(&x->s, x->own_c_r, x->own_c_r_len);
    id_text(x->own_c_r, x->own_c_r_len, c_r);
    xt_printf(x, "     note: the IUT's C_I %s equals the C_R %s the harness would have chosen; "
                 "it takes C_R %s instead (RFC 9528 §3.3.3)\n", c_i, c_i, c_r);
}

const uint8_t *x_own_c_r(const sc_exec *x, size_t *len)
{
    if (x->c_r_sent) {
        *len = x->s.c_r_len;
        return x->s.c_r;
    }
    *len = x->s.conn_id_len;
    return x->s.conn_id;
}

const char *x_edhoc_path(const sc_exec *x)
{
    return x->o.edhoc_path && x->o.edhoc_path[0] ? x->o.edhoc_path : "/.well-known/edhoc";
}

/* The suite message_1 selects, if it reads as one and the suite exists. */
static const eh_suite *selected_suite(const uint8_t *msg, size_t n)
{
    eh_message_1_view v;
    return eh_message_1_view_parse(msg, n, &v, NULL) == EH_OK ? eh_suite_by_id(v.selected_suite)
                                                             : NULL;
}

void x_initiator_follow_message_1(sc_exec *x, const uint8_t *msg, size_t n, bool raw)
{
    static eh_session fresh; /* a raw message_1 starts a new session */
    eh_session *s = &x->s;
    const char *why = NULL;
    if (raw) {
        eh_session_init(&fresh, &x->cfg);
        if (x->vs != NULL) /* vector mode: the vector's X may be the key of its G_X */
            eh_session_set_ephemeral(&fresh, x->vs->in.x.b, x->vs->in.x.n, NULL, 0);
        s = &fresh;
    }
    eh_err err = eh_initiator_message_1_sent(s, msg, n, &why);
    x->m1_suite = selected_suite(msg, n);
    if (err == EH_OK) {
        char c_i[2 * EH_MAX_CONN_ID + 8];
        id_text(s->c_i, s->c_i_len, c_i);
        x->m1_unverifiable[0] = 0;
        if (raw) {
            eh_session_wipe(&x->s);
            x->s = fresh;
            x->oscore_ready = false;
        }
        xt_printf(x, "     note: the session follows message_1 as sent: H(message_1) over these "
                     "%zu bytes (RFC 9528 §5.3.2), C_I %s\n", n, c_i);
    } else {
        snprintf(x->m1_unverifiable, sizeof x->m1_unverifiable, "%s%s",
                 err == EH_ERR_MESSAGE_FORMAT ? "it does not read as a message_1 at " : "",
                 why ? why : eh_err_name(err));
        xt_printf(x, "     note: the harness cannot derive keys for this message_1 (%s): a "
                     "message_2 answering it is judged for its form only\n",
                  x->m1_unverifiable);
    }
    eh_wipe(&fresh, sizeof fresh);
}

/* PLAINTEXT_2 holds at least C_R (1 byte), ID_CRED_R (1 byte) and
 * Signature_or_MAC_2, a bstr of at least 8 bytes (§3.6, §9.3). */
#define MIN_PLAINTEXT_2 11

/* Is x->rx a well-formed message_2 for the suite message_1 selected? */
static bool message_2_well_formed(sc_exec *x, char *why, size_t cap)
{
    const received *rx = &x->rx;
    eh_cbor_reader r;
    const uint8_t *body;
    size_t len;
    eh_cbor_reader_init(&r, rx->msg, rx->msg_len); /* strict: sent CBOR is deterministic (§3.1) */
    if (eh_cbor_read_bstr(&r, &body, &len) != EH_OK) {
        snprintf(why, cap, "field G_Y_CIPHERTEXT_2 at byte offset %zu: not a deterministically "
                           "encoded bstr (RFC 9528 §5.3.1, §3.1)", r.err_offset);
        return false;
    }
    if (!eh_cbor_at_end(&r)) {
        snprintf(why, cap, "message_2 at byte offset %zu: more than one item; message_2 is a "
                           "single bstr (RFC 9528 §5.3.1)", r.pos);
        return false;
    }
    const eh_suite *suite = x->m1_suite;
    if (suite == NULL)
        return true; /* no known curve: a bstr is all that can be said */
    size_t coord = suite->ecdh->coord_len, at = (size_t)(body - rx->msg);
    if (len < coord + MIN_PLAINTEXT_2) {
        snprintf(why, cap, "field G_Y_CIPHERTEXT_2 at byte offset 0: %zu bytes, too short for "
                           "G_Y (%zu bytes) and a CIPHERTEXT_2 of at least %d (RFC 9528 §5.3.1, "
                           "§9.8)", len, coord, MIN_PLAINTEXT_2);
        return false;
    }
    uint8_t probe[EH_MAX_PRIV_LEN], secret[EH_MAX_COORD_LEN];
    memset(probe, 1, sizeof probe); /* any scalar: only G_Y's validity matters */
    eh_err err = suite->ecdh->shared_secret(probe, body, secret);
    eh_wipe(secret, sizeof secret);
    if (err != EH_OK) {
        snprintf(why, cap, "field G_Y at byte offset %zu: %s for %s (RFC 9528 §9.2)", at,
                 err == EH_ERR_LOW_ORDER_POINT ? "a low-order point" : "not a valid public key",
                 suite->ecdh->name);
        return false;
    }
    return true;
}

void x_message_2_unverified(sc_exec *x)
{
    received *rx = &x->rx;
    char why[400];
    x_record_size(x, true, "message_2", rx->msg, rx->msg_len, 0);
    rx->unverified = message_2_well_formed(x, why, sizeof why);
    x->m2_unverified = rx->unverified;
    if (rx->unverified) {
        xt_printf(x, "     message_2 well-formed, NOT VERIFIED: the harness cannot derive its "
                     "keys (%s)\n", x->m1_unverifiable);
        return;
    }
    snprintf(rx->engine_why, sizeof rx->engine_why, "%s", why);
    xt_printf(x, "     message_2 REJECTED: %s\n", why);
}

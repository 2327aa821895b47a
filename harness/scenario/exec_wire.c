/*
 * exec_wire.c - the harness's session follows what was on the wire, so
 * that the harness's own choices never fail an IUT (issue 14):
 *
 *   - as Responder it picks its C_R only once it has seen C_I, and a C_R
 *     different from it (RFC 9528 §3.3.3: the choice is the Responder's;
 *     an Initiator cannot know C_R when it sends message_1);
 *   - what it then expects (the C_R prefix of message_3, Appendix A.2) is
 *     the C_R it actually sent.
 */
#include <stdio.h>
#include <string.h>

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

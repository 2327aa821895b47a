/*
 * exec_framing.c - the RFC 9528 Appendix A.2 framing of what an IUT
 * Initiator sends the harness Responder: `true` (0xf5) before message_1,
 * the harness's C_R in its §3.3.2 representation before message_3. A wrong
 * or missing prefix is named with the bytes received and expected, and
 * cites the framing requirement (scenarios/requirements.md, R-A.2-*).
 */
#include <stdio.h>
#include <string.h>

#include "../common/hex.h"
#include "exec_internal.h"

/* Up to 8 bytes at b (n in all) as hex, "..." after them when there is more. */
void x_hex_start(const uint8_t *b, size_t n, char *out, size_t cap)
{
    size_t shown = n < 8 ? n : 8;
    char hex[17];
    eh_hex_encode(b, shown, hex);
    snprintf(out, cap, "%s%s", hex, shown < n ? "..." : "");
}

/* The requirement a message_3 prefixed with something other than our C_R
 * breaks: our C_R as a byte string where §3.3.2 makes it an int is its
 * representation (R-A.2-d); another identifier is not C_R at all (R-A.2-b). */
static const char *foreign_c_r_requirement(const sc_exec *x, size_t prefix_len)
{
    const received *rx = &x->rx;
    size_t n;
    const uint8_t *c_r = x_own_c_r(x, &n);
    bool bstr_of_ours = prefix_len == n + 1 && n < 24 && rx->payload[0] == (0x40 | n) &&
                        memcmp(rx->payload + 1, c_r, n) == 0;
    return bstr_of_ours ? "R-A.2-d" : "R-A.2-b";
}

/* Harness Responder over CoAP or raw UDP: the Initiator prefixes
 * message_1 with `true` and message_3 with our C_R in its §3.3.2
 * representation (RFC 9528 Appendix A.2). A failure names the bytes
 * received and expected and cites the Appendix A.2 requirement. Errors are
 * not judged here: an Initiator that could not parse message_2 may not
 * know C_R. */
/* The failure of a request (message_3, an error message) that arrived
 * without the C_R prefix or with another one, naming what came and C_R's
 * encoding; held and why add to the two texts. */
static void c_r_prefix_failure(sc_exec *x, const char *what, const char *foreign_requirement,
                               const char *held, const char *why)
{
    const received *rx = &x->rx;
    const char *where = x->server ? "CoAP payload" : "datagram";
    size_t pl = (size_t)(rx->msg - rx->payload);
    char got[32], first[32], want[2 * (EH_MAX_CONN_ID + 2) + 1];
    uint8_t enc[EH_MAX_CONN_ID + 2];
    size_t c_r_len;
    const uint8_t *c_r = x_own_c_r(x, &c_r_len);
    eh_hex_encode(enc, eh_conn_id_encode(c_r, c_r_len, enc, sizeof enc), want);
    x_hex_start(rx->payload, pl, got, sizeof got);
    x_hex_start(rx->msg, rx->msg_len, first, sizeof first);
    if (rx->bare)
        x_fail_cite(x, V_FAIL, "R-A.2-b", "%s arrived without the C_R prefix %s at byte offset "
                    "0 of the %s, which starts with the message itself (%s) (RFC 9528 Appendix "
                    "A.2%s)", what, want, where, first, why);
    else
        x_fail_cite(x, V_FAIL, foreign_requirement, "%s is prefixed with %s at byte offset 0 of "
                    "the %s, but C_R%s is encoded %s (RFC 9528 Appendix A.2 and §3.3.2)", what,
                    got, where, held, want);
}

void x_check_prefix(sc_exec *x)
{
    const received *rx = &x->rx;
    if (x->o.role != SC_HARNESS_RESPONDER || rx->st != TR_OK || !(rx->bare || rx->foreign_prefix) ||
        x->sc->framing == SC_FRAMING_BARE) /* a bare profile: no prefix expected */
        return;
    bool m1 = strcmp(rx->kind, "message_1") == 0, m3 = strcmp(rx->kind, "message_3") == 0;
    if (!m1 && !m3)
        return;
    /* raw UDP carries the same prefixes (scenarios/README.md, transport) */
    const char *where = x->server ? "CoAP payload" : "datagram";
    size_t pl = (size_t)(rx->msg - rx->payload);
    char got[32], first[32];
    x_hex_start(rx->payload, pl, got, sizeof got);
    x_hex_start(rx->msg, rx->msg_len, first, sizeof first);
    if (m1 && rx->bare) {
        x_fail_cite(x, V_FAIL, "R-A.2-c", "message_1 arrived without the prefix true (0xf5) at "
                    "byte offset 0 of the %s, which starts with the message itself (%s) (RFC "
                    "9528 Appendix A.2)", where, first);
        return;
    }
    if (m1) {
        x_fail_cite(x, V_FAIL, "R-A.2-c", "message_1 is prefixed with %s at byte offset 0 of the "
                    "%s, expected true (f5) (RFC 9528 Appendix A.2)", got, where);
        return;
    }
    c_r_prefix_failure(x, "message_3", foreign_c_r_requirement(x, pl), "", "");
}

void x_check_error_prefix(sc_exec *x)
{
    const received *rx = &x->rx;
    if (x->o.role != SC_HARNESS_RESPONDER || x->reverse || rx->st != TR_OK || rx->kind == NULL ||
        strcmp(rx->kind, "error") != 0 || !(rx->bare || rx->foreign_prefix) ||
        x->sc->framing == SC_FRAMING_BARE || !x->c_r_sent || !x->m2_unaltered ||
        x->v == V_FAIL || x->v == V_ERROR)
        return;
    c_r_prefix_failure(x, "the error message", "R-A.2-b", ", which the message_2 it answers held,",
                       ": a client's request carries the server's connection identifier, and "
                       "the message_2 it answers held C_R");
}

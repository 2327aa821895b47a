/*
 * exec_flood.c - the flood step: the harness Initiator sends many message_1
 * and completes none of them, as an attacker filling a Responder's state
 * would (RFC 9528 §9.7: "by sending a number of new or replayed message_1,
 * an attacker may cause the Responder to allocate state"). What the
 * scenario then judges is what follows the flood, typically a complete
 * legitimate handshake; the flood's own answers are counted, not judged.
 *
 * Contract:
 *  - each message_1 comes from a fresh engine session: a fresh ephemeral
 *    key, and (distinct_c_i, the default) its own C_I, a two-byte string
 *    0xE000 + i that never equals the scenario's own C_I; without
 *    distinct_c_i every message_1 carries the scenario's C_I;
 *  - lockstep: the next message_1 goes when the previous one is answered
 *    (or its wait ran out), so the IUT has handled every one before the
 *    next step; an unanswered message_1 is allowed (a rate-limiting IUT);
 *    over CoAP a 4.01 with an Echo option makes the CoAP stack send that
 *    message_1 again with the option (RFC 9175 §2.3), as any client would;
 *  - bounded: at most `count` messages and `time` ms in all (every wait is
 *    cut to what is left); an IUT that exits ends the flood;
 *  - only against a loopback address, and never against an IUT that other
 *    scenarios share (x_flood_refused, checked before the transport opens).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cbor/cbor.h"
#include "exec_internal.h"

bool x_flood_refused(sc_exec *x)
{
    bool flood = false;
    for (size_t i = 0; i < x->sc->n_steps; i++)
        flood |= x->sc->steps[i].kind == SC_STEP_FLOOD;
    if (!flood)
        return false;
    if (!tr_host_is_loopback(x->o.host))
        snprintf(x->refused, sizeof x->refused,
                 "the scenario floods the IUT, which the harness does only on loopback, and the "
                 "IUT is at %.120s", x->o.host);
    else if (x->o.iut_shared)
        snprintf(x->refused, sizeof x->refused,
                 "the scenario floods the IUT, and the half-open sessions it leaves would change "
                 "the results of the other scenarios that share this IUT (an address or per_run "
                 "IUT in the peer file): give the IUT a command, so that it is started per "
                 "scenario");
    return x->refused[0] != 0;
}

/* The i-th flood C_I: 0xE000 + i (two bytes, i < 4096), never the
 * scenario's own identifier. */
static void flood_c_i(const sc_exec *x, int i, uint8_t out[2])
{
    out[0] = (uint8_t)(0xe0 | ((i >> 8) & 0x0f));
    out[1] = (uint8_t)(i & 0xff);
    if (x->cfg.conn_id_len == 2 && memcmp(x->cfg.conn_id, out, 2) == 0)
        out[0] ^= 0x10; /* 0xF000 + i instead */
}

typedef struct flood_counts {
    int sent, message_2, errors, coap, silent, closed;
} flood_counts;

static void count_answer(const received *rx, flood_counts *c)
{
    if (rx->st == TR_TIMEOUT) {
        c->silent++;
        return;
    }
    if (rx->st != TR_OK) {
        c->closed++;
        return;
    }
    int major = rx->len ? rx->payload[0] >> 5 : -1;
    if (major == EH_CBOR_UINT || major == EH_CBOR_NEGINT)
        c->errors++; /* an EDHOC error message starts with ERR_CODE */
    else if (rx->code >= 0x80 || rx->len == 0)
        c->coap++;
    else
        c->message_2++; /* counted as such, not verified: the flood is not judged */
}

void x_flood(sc_exec *x, const sc_step *st)
{
    static uint8_t payload[TR_MAX_BODY];
    eh_session *s = calloc(1, sizeof *s);
    if (s == NULL) {
        x_fail(x, V_ERROR, "harness error: out of memory");
        return;
    }
    eh_config cfg = x->cfg;
    cfg.trace = NULL, cfg.trace_arg = NULL, cfg.faults = 0;
    peer_udp_client *uc = x->udp_client;
    int saved_timeout = x->timeout, saved_udp = uc ? uc->timeout_ms : 0;
    int64_t start = tr_now_ms(), deadline = start + st->flood_ms;
    flood_counts c = {0};
    bool out_of_time = false, gone = false;
    xt_printf(x, "  flood: up to %d message_1 (%s), at most %d ms\n", st->flood_count,
              st->flood_distinct_c_i ? "each with its own C_I" : "all with the same C_I",
              st->flood_ms);
    for (int i = 0; i < st->flood_count && x->v != V_ERROR; i++) {
        int64_t left = deadline - tr_now_ms();
        if (left <= 0) {
            out_of_time = true;
            break;
        }
        if ((gone = x_iut_gone(x)))
            break;
        uint8_t cid[2];
        if (st->flood_distinct_c_i) {
            flood_c_i(x, i, cid);
            cfg.conn_id = cid, cfg.conn_id_len = sizeof cid;
        }
        size_t n = 0;
        if (eh_session_init(s, &cfg) != EH_OK ||
            eh_initiator_message_1(s, payload + 1, sizeof payload - 1, &n) != EH_OK) {
            x_fail(x, V_ERROR, "harness error: cannot build the flood's message_1 number %d",
                   i + 1);
            break;
        }
        payload[0] = 0xf5; /* Appendix A.2: a new session */
        tr_message req;
        memset(&req, 0, sizeof req);
        req.code = TR_CODE_POST;
        req.uri_path = x_edhoc_path(x);
        req.content_format = 65;
        req.payload = payload, req.payload_len = n + 1;
        x->timeout = left < saved_timeout ? (int)left : saved_timeout;
        if (uc)
            uc->timeout_ms = x->timeout;
        x_exchange(x, &req);
        c.sent++;
        count_answer(&x->rx, &c);
        if (i == 0) { /* the first one, for the record */
            xt_bytes(x, "->", payload, n + 1);
            if (x->rx.st == TR_OK)
                xt_bytes(x, "<-", x->rx.payload, x->rx.len);
        }
    }
    x->timeout = saved_timeout;
    if (uc)
        uc->timeout_ms = saved_udp;
    eh_session_wipe(s);
    free(s);
    memset(&x->rx, 0, sizeof x->rx); /* nothing for an expect step to judge */
    x->last_sent[0] = 0;
    long ms = (long)(tr_now_ms() - start);
    char end[160] = "";
    if (out_of_time)
        snprintf(end, sizeof end, "; its time bound of %d ms ran out after %d of %d",
                 st->flood_ms, c.sent, st->flood_count);
    else if (gone)
        snprintf(end, sizeof end, "; the IUT exited after %d of %d", c.sent, st->flood_count);
    xt_printf(x, "  flood: %d message_1 sent in %ld ms: %d answered with message_2, %d with an "
                 "error message, %d with another CoAP response, %d unanswered, %d reset%s\n",
              c.sent, ms, c.message_2, c.errors, c.coap, c.silent, c.closed, end);
    x_info(x, "flood of %d message_1 (%s C_I) in %ld ms: %d message_2, %d errors, %d other, "
              "%d unanswered%s",
           c.sent, st->flood_distinct_c_i ? "distinct" : "one", ms, c.message_2, c.errors,
           c.coap, c.silent + c.closed, end);
}

/*
 * exec_roles.c - the harness as Initiator (requests out, answers judged)
 * and as Responder (requests judged, answers built), over the executor's
 * transport.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../cbor/cbor.h"
#include "../common/hex.h"
#include "exec_internal.h"
#include "prefix_split.h"

#define CF_EDHOC 64
#define CF_CID_EDHOC 65

/* The engine's finding as verdict text; a value it computed and the one
 * received follow as "; expected HEX, received HEX" (the results page shows
 * them side by side), a received value alone as "; received HEX". */
static void engine_why(sc_exec *x, char *buf, size_t cap)
{
    const eh_finding *f = &x->s.finding;
    char exp_hex[2 * EH_FINDING_VALUE_MAX + 1], rcv_hex[2 * EH_FINDING_VALUE_MAX + 1];
    eh_hex_encode(f->expected, f->expected_len, exp_hex);
    eh_hex_encode(f->received, f->received_len, rcv_hex);
    snprintf(buf, cap, "%s: field %s at byte offset %zu: %s (%s)%s%s%s%s",
             eh_err_name(f->err), f->field ? f->field : "?", f->offset,
             f->reason ? f->reason : "", f->rfc ? f->rfc : "RFC 9528",
             f->expected_len ? "; expected " : "", exp_hex,
             f->received_len ? (f->expected_len ? ", received " : "; received ") : "",
             rcv_hex);
}

/* Record what the harness engine said of the message just received. */
void x_engine_result(sc_exec *x, eh_err err)
{
    received *rx = &x->rx;
    x_record_size(x, true, rx->kind, rx->msg, rx->msg_len, (size_t)(rx->msg - rx->payload));
    rx->engine_ok = err == EH_OK;
    rx->suite_only = err == EH_ERR_SUITE && strcmp(rx->kind, "message_1") == 0;
    if (!rx->engine_ok) {
        if (err == EH_ERR_STATE)
            snprintf(rx->engine_why, sizeof rx->engine_why, "not expected in this state");
        else
            engine_why(x, rx->engine_why, sizeof rx->engine_why);
    }
    xt_printf(x, "     %s %s%s%s\n", rx->kind, rx->engine_ok ? "accepted" : "REJECTED",
              rx->engine_ok ? "" : ": ", rx->engine_why);
    if (rx->engine_ok || strcmp(rx->kind, "message_1") == 0)
        x_fields_line(x, rx->kind, rx->msg, rx->msg_len);
}

void x_parse_error(received *rx)
{
    eh_cbor_reader r;
    const uint8_t *info;
    size_t len;
    eh_cbor_reader_init(&r, rx->msg, rx->msg_len);
    r.lenient = true;
    rx->err_info_ok = eh_cbor_read_int(&r, &rx->err_code) == EH_OK &&
                      eh_cbor_read_item(&r, &info, &len) == EH_OK && len <= sizeof rx->err_info;
    if (rx->err_info_ok) {
        memcpy(rx->err_info, info, len);
        rx->err_info_len = len;
    } else {
        rx->err_code = -1000;
    }
}


/* ================================================= harness as Initiator */

/* Classify the answer to what we last sent, and let the engine process it. */
static void classify_answer_in_session(sc_exec *x);

/* After `send: repeat`: the identical answer again is "same"; anything
 * else is classified against the session as it was right after the first
 * copy was sent (a new message_2 is a new session), leaving the harness's
 * own session untouched. */
static void classify_repeat_answer(sc_exec *x)
{
    received *rx = &x->rx;
    if (rx->st == TR_OK && x->prev_answer_set && rx->code == x->prev_code &&
        rx->len == x->prev_answer_len && memcmp(rx->payload, x->prev_answer, rx->len) == 0) {
        rx->msg = rx->payload, rx->msg_len = rx->len;
        xt_bytes(x, "<-", rx->payload, rx->len);
        xt_printf(x, "     the identical answer again\n");
        rx->kind = "same";
        return;
    }
    static eh_session keep;
    keep = x->s;
    x->s = x->snap;
    classify_answer_in_session(x);
    if (rx->st == TR_OK && rx->engine_ok && strcmp(rx->kind, "message_2") == 0 &&
        x->s.c_r_len == keep.c_r_len && memcmp(x->s.c_r, keep.c_r, keep.c_r_len) == 0)
        rx->new_message_same_c_r = true;
    eh_session_wipe(&x->s);
    x->s = keep;
    eh_wipe(&keep, sizeof keep);
}

/* The answer to an RFC 9668 combined request: an OSCORE-protected
 * response, an EDHOC error, or a CoAP error. */
static void classify_combined_answer(sc_exec *x)
{
    received *rx = &x->rx;
    rx->kind = rx->st == TR_TIMEOUT ? "silence" : rx->st == TR_RESET ? "close" : "other";
    if (rx->st != TR_OK)
        return;
    rx->msg = rx->payload, rx->msg_len = rx->len;
    bool has_oscore = false;
    for (size_t i = 0; i < rx->n_opts; i++)
        has_oscore |= rx->opts[i].number == TR_OPTION_OSCORE;
    xt_bytes(x, has_oscore ? "<- OSCORE" : "<-", rx->payload, rx->len);
    xt_printf(x, "     CoAP %d.%02d, Content-Format %d\n", rx->code >> 5, rx->code & 31, rx->cf);
    if (has_oscore) {
        tr_message resp;
        char what[160];
        memset(&resp, 0, sizeof resp);
        resp.code = (uint8_t)rx->code;
        memcpy(resp.opts, rx->opts, rx->n_opts * sizeof resp.opts[0]);
        resp.n_opts = rx->n_opts;
        resp.payload = rx->payload, resp.payload_len = rx->len;
        rx->kind = "oscore";
        rx->engine_ok = peer_oscore_check_response(&x->oscore, &x->combined_rq, &resp, what,
                                                   sizeof what) == EH_OK;
        if (!rx->engine_ok)
            snprintf(rx->engine_why, sizeof rx->engine_why, "OSCORE response %s (RFC 8613 "
                     "§8.4)", what);
        xt_printf(x, "     OSCORE response %s\n", what);
        return;
    }
    if (rx->len > 0 && (rx->payload[0] >> 5) <= 1) {
        rx->kind = "error";
        x_parse_error(rx);
        return;
    }
    /* an empty success: the answer to a message_3 seen before, sent again (§7) */
    rx->kind = rx->code >= 0x80 ? "coap" : rx->len == 0 ? "accepted" : "other";
    if (strcmp(rx->kind, "other") == 0 && rx->code >= 0x40)
        snprintf(rx->engine_why, sizeof rx->engine_why,
                 "a success response without the OSCORE option to an OSCORE-protected request: "
                 "answered as plain CoAP (RFC 8613 §8.2, §8.3)");
}

void x_classify_answer(sc_exec *x)
{
    if (x->combined_in_flight)
        classify_combined_answer(x);
    else if (x->repeating)
        classify_repeat_answer(x);
    else
        classify_answer_in_session(x);
    received *rx = &x->rx;
    /* what the IUT sent unasked is no answer: `send: repeat` still compares
     * with the answer to the previous request */
    if (!x->repeating && !x->listening) {
        x->prev_answer_set = rx->st == TR_OK;
        x->prev_code = rx->code;
        x->prev_answer_len = rx->st == TR_OK ? rx->len : 0;
        memcpy(x->prev_answer, rx->payload, x->prev_answer_len);
    }
}

bool x_classify_start(sc_exec *x)
{
    received *rx = &x->rx;
    rx->kind = rx->st == TR_TIMEOUT ? "silence" : rx->st == TR_RESET ? "close" : "other";
    if (rx->st != TR_OK)
        return false;
    rx->msg = rx->payload, rx->msg_len = rx->len;
    xt_bytes(x, "<-", rx->payload, rx->len);
    if (rx->code)
        xt_printf(x, "     CoAP %d.%02d, Content-Format %d\n", rx->code >> 5, rx->code & 31, rx->cf);
    return true;
}

static void classify_answer_in_session(sc_exec *x)
{
    received *rx = &x->rx;
    if (!x_classify_start(x))
        return;
    if (rx->len == 0) {
        rx->kind = rx->code < 0x80 ? "accepted" : "coap";
        return;
    }
    int major = rx->payload[0] >> 5;
    if (major == EH_CBOR_UINT || major == EH_CBOR_NEGINT) {
        rx->kind = "error";
        x_parse_error(rx);
        /* an error message also ends the engine's session (§6) */
        if (x->s.state == EH_STATE_WAIT_M2)
            eh_initiator_process_message_2(&x->s, rx->msg, rx->msg_len);
        else if (x->s.state == EH_STATE_WAIT_M4)
            eh_initiator_process_message_4(&x->s, rx->msg, rx->msg_len);
        return;
    }
    if (rx->code >= 0x80) {
        rx->kind = "coap";
        return;
    }
    eh_err err = EH_ERR_STATE;
    if (x->sent_m1) {
        rx->kind = "message_2";
        if (x->m1_unverifiable[0]) {
            x_message_2_unverified(x);
            return;
        }
        err = eh_initiator_process_message_2(&x->s, rx->msg, rx->msg_len);
    } else if (strcmp(x->last_sent, "message_3") == 0) {
        rx->kind = "message_4";
        err = x->s.state == EH_STATE_WAIT_M4
                  ? eh_initiator_process_message_4(&x->s, rx->msg, rx->msg_len)
                  : EH_ERR_STATE;
    }
    x_engine_result(x, err);
}

/* `send: repeat`: the previous request's bytes again, as a new request. */
static void initiator_repeat(sc_exec *x)
{
    if (x->last_payload_len == 0) {
        x_fail(x, V_ERROR, "scenario error: send: repeat needs an earlier send");
        return;
    }
    xt_bytes(x, "-> (repeated)", x->last_payload, x->last_payload_len);
    tr_message req;
    memset(&req, 0, sizeof req);
    req.code = TR_CODE_POST;
    req.uri_path = x_edhoc_path(x);
    req.content_format = x->last_cf;
    req.payload = x->last_payload, req.payload_len = x->last_payload_len;
    x->repeating = true;
    x_exchange(x, &req);
    x_classify_answer(x);
    x->repeating = false;
}

static void keep_oscore_request(sc_exec *x, const tr_message *req, const peer_oscore_req *rq,
                                const char *resource);

/* RFC 9668: message_3 and the first OSCORE request in one CoAP request. Its
 * OSCORE part (the OSCORE option and ciphertext, without the EDHOC option
 * and message_3, which OSCORE does not protect: RFC 9668 §3.1, §3.2) is kept
 * for `oscore: {replay: true}`: the same request, the same Partial IV. */
static void initiator_combined(sc_exec *x, const sc_step *st, const uint8_t *m3, size_t n)
{
    static uint8_t buf[TR_MAX_BODY];
    tr_message req;
    eh_err err = peer_oscore_setup(&x->s, &x->oscore, &x->oscore_m, false);
    if (err == EH_OK)
        err = peer_oscore_request(&x->oscore, st->resource, m3, n, &req, buf, sizeof buf,
                                  &x->combined_rq);
    if (err != EH_OK) {
        x_fail(x, V_ERROR, "harness error: cannot build the combined request: %s",
               eh_err_name(err));
        return;
    }
    x->oscore_ready = true; /* a later oscore step goes on with this context */
    tr_message plain = req;
    size_t k = 0;
    for (size_t i = 0; i < req.n_opts; i++)
        if (req.opts[i].number != TR_OPTION_EDHOC)
            plain.opts[k++] = req.opts[i];
    plain.n_opts = k;
    plain.payload = req.payload + n, plain.payload_len = req.payload_len - n;
    keep_oscore_request(x, &plain, &x->combined_rq, st->resource);
    k = 0;
    for (size_t i = 0; i < req.n_opts; i++) {
        if (req.opts[i].number == TR_OPTION_OSCORE && st->no_oscore_option)
            continue;
        req.opts[k] = req.opts[i];
        if (req.opts[k].number == TR_OPTION_EDHOC)
            req.opts[k].value = st->edhoc_option.b, req.opts[k].len = st->edhoc_option.n;
        k++;
    }
    req.n_opts = k;
    xt_printf(x, "  combined request (RFC 9668) to %s: message_3 (%zu bytes) || OSCORE "
                 "ciphertext; EDHOC option %zu bytes%s\n", st->resource, n,
              st->edhoc_option.n, st->no_oscore_option ? "; no OSCORE option" : "");
    xt_bytes(x, "->", req.payload, req.payload_len);
    x->combined_in_flight = true;
    x_exchange(x, &req);
    x_classify_answer(x);
    x->combined_in_flight = false;
}

/* Does the request about to go carry a message_1? Then the session follows
 * it as sent where the bytes are not the engine's own (mutations, a raw
 * payload after its 0xf5), and the answer is classified as a message_2. */
void x_follow_message_1(sc_exec *x, const sc_step *st, const uint8_t *msg, size_t n)
{
    bool m1 = strcmp(st->message, "message_1") == 0;
    bool raw_m1 = strcmp(st->message, "raw") == 0 && !st->with_c_r && !st->has_prefix && n > 1 &&
                  msg[0] == 0xf5;
    x->sent_m1 = m1 || raw_m1;
    x->m1_unverifiable[0] = 0;
    x->m1_suite = m1 ? x->s.suite : NULL;
    x->m2_unverified = false;
    if (m1 && st->n_mutations > 0)
        x_initiator_follow_message_1(x, msg, n, false);
    else if (raw_m1)
        x_initiator_follow_message_1(x, msg + 1, n - 1, true);
}

static void initiator_send(sc_exec *x, const sc_step *st)
{
    static uint8_t msg[TR_MAX_BODY], payload[TR_MAX_BODY + 32];
    size_t n = 0, k = 0;
    if (strcmp(st->message, "repeat") == 0) {
        initiator_repeat(x);
        return;
    }
    if (strcmp(st->message, "none") == 0) {
        x_fail(x, V_ERROR, "scenario error: send: none is for the Responder role");
        return;
    }
    if (x_build(x, st, msg, sizeof msg, &n) != 0)
        return;
    x_follow_message_1(x, st, msg, n);
    x->snap = x->s;
    if (st->combined) {
        x_record_size(x, false, st->message, msg, n, 0);
        snprintf(x->last_sent, sizeof x->last_sent, "%s", st->message);
        x->last_payload_len = 0; /* not repeatable */
        initiator_combined(x, st, msg, n);
        return;
    }
    bool m1 = strcmp(st->message, "message_1") == 0;
    bool bare = x->sc->framing == SC_FRAMING_BARE;
    if (bare && strcmp(st->message, "raw") == 0 && n > 0 && msg[0] == 0xf5 && !st->with_c_r) {
        /* a raw message_1 written with its Appendix A.2 prefix: bare, it goes without */
        memmove(msg, msg + 1, --n);
    }
    /* Appendix A.2 prefixes: `true` before message_1, C_R before what
     * follows message_2; raw payloads go as they are. A bare profile
     * (scenario/profile.h) sends no prefix. */
    if (st->has_prefix) {
        memcpy(payload, st->prefix.b, st->prefix.n);
        k = st->prefix.n;
    } else if (bare) {
        k = 0;
    } else if (m1) {
        payload[k++] = 0xf5;
    } else if ((strcmp(st->message, "raw") != 0 || st->with_c_r) &&
               x->s.state != EH_STATE_WAIT_M2 && x->s.state != EH_STATE_START) {
        k = eh_conn_id_encode(x->s.c_r, x->s.c_r_len, payload, sizeof payload);
    }
    memcpy(payload + k, msg, n);
    x_record_size(x, false, st->message, msg, n, k);
    snprintf(x->last_sent, sizeof x->last_sent, "%s", st->message);
    xt_bytes(x, "->", payload, k + n);
    if (!x_mutates_message(st))
        x_fields_line(x, st->message, msg, n);
    tr_message req;
    memset(&req, 0, sizeof req);
    req.code = TR_CODE_POST;
    req.uri_path = x_edhoc_path(x);
    req.content_format = CF_CID_EDHOC;
    req.payload = payload, req.payload_len = k + n;
    x->last_payload_len = k + n;
    x->last_cf = req.content_format;
    memcpy(x->last_payload, payload, k + n);
    x_exchange(x, &req);
    x_classify_answer(x);
    x_amplification_record(x, payload, k + n, m1);
}

/* Keep a copy of the OSCORE request just built, for `oscore: {replay: true}`. */
static void keep_oscore_request(sc_exec *x, const tr_message *req, const peer_oscore_req *rq,
                                const char *resource)
{
    size_t used = 0;
    x->osc_sent = req->payload_len <= sizeof x->osc_payload && req->n_opts <= TR_MAX_OPTIONS;
    for (size_t i = 0; x->osc_sent && i < req->n_opts; i++) {
        x->osc_opts[i] = req->opts[i];
        if (req->opts[i].len > sizeof x->osc_optval - used) {
            x->osc_sent = false;
            break;
        }
        memcpy(x->osc_optval + used, req->opts[i].value, req->opts[i].len);
        x->osc_opts[i].value = x->osc_optval + used;
        used += req->opts[i].len;
    }
    if (!x->osc_sent)
        return;
    x->osc_n_opts = req->n_opts;
    x->osc_code = req->code;
    memcpy(x->osc_payload, req->payload, req->payload_len);
    x->osc_payload_len = req->payload_len;
    x->osc_rq = *rq;
    snprintf(x->osc_resource, sizeof x->osc_resource, "%s", resource);
}

/* An OSCORE request before message_3 (`early`): protected with the context
 * derived from message_3 built on a copy of the session and not sent, as an
 * RFC 9668 Initiator derives it. The session does not change; the context
 * is the harness's until a later oscore step derives its own (oscore_ready
 * stays false: its sequence numbers start again, which the IUT, never having
 * had this context, cannot tell), and the request is not kept for `replay`. */
static bool early_oscore_request(sc_exec *x, const char *resource, tr_message *req, uint8_t *buf,
                                 size_t cap, peer_oscore_req *rq)
{
    static eh_session copy;
    static uint8_t m3[TR_MAX_BODY];
    size_t n = 0;
    if (x->s.state != EH_STATE_VERIFIED_M2) {
        x_fail(x, V_ERROR, "scenario error: an early OSCORE request needs a verified message_2 "
                           "and no message_3 sent");
        return false;
    }
    copy = x->s;
    eh_err err = eh_initiator_message_3(&copy, m3, sizeof m3, &n);
    if (err == EH_OK)
        err = peer_oscore_setup(&copy, &x->oscore, &x->oscore_m, false);
    if (err == EH_OK)
        err = peer_oscore_request(&x->oscore, resource, NULL, 0, req, buf, cap, rq);
    x->oscore_ready = false;
    eh_wipe(&copy, sizeof copy);
    eh_wipe(m3, sizeof m3);
    if (err != EH_OK) {
        x_fail(x, V_ERROR, "harness error: cannot build the early OSCORE request: %s",
               eh_err_name(err));
        return false;
    }
    xt_bytes(x, "-> OSCORE (early: before message_3)", req->payload, req->payload_len);
    return true;
}

void x_oscore_exchange(sc_exec *x, const sc_step *st)
{
    const char *resource = st->resource[0] ? st->resource : "/hello";
    static uint8_t buf[TR_MAX_BODY];
    static peer_oscore_req rq;
    tr_message req;
    char what[160];
    /* an expect step right after judges the answer (explore); else the
     * answer must verify */
    bool judged = x->step + 1 < x->sc->n_steps && x->sc->steps[x->step + 1].kind == SC_STEP_EXPECT;
    if (st->replay) {
        if (!x->osc_sent) {
            x_fail(x, V_ERROR, "scenario error: oscore replay needs an earlier OSCORE request");
            return;
        }
        memset(&req, 0, sizeof req);
        req.code = x->osc_code;
        req.content_format = -1;
        memcpy(req.opts, x->osc_opts, x->osc_n_opts * sizeof req.opts[0]);
        req.n_opts = x->osc_n_opts;
        req.payload = x->osc_payload, req.payload_len = x->osc_payload_len;
        rq = x->osc_rq;
        resource = x->osc_resource;
        xt_bytes(x, "-> OSCORE (replayed: the same Partial IV)", req.payload, req.payload_len);
    } else if (st->early) {
        if (!early_oscore_request(x, resource, &req, buf, sizeof buf, &rq))
            return;
    } else {
        if (x->s.state != EH_STATE_COMPLETED && x->s.state != EH_STATE_WAIT_M4) {
            x_fail(x, V_FAIL, "OSCORE cannot run: the handshake did not complete");
            return;
        }
        eh_err err = x->oscore_ready ? EH_OK
                                     : peer_oscore_setup(&x->s, &x->oscore, &x->oscore_m, false);
        if (err == EH_ERR_UNSUPPORTED) {
            xt_printf(x, "  OSCORE not available for this suite (no HKDF for its hash)\n");
            return;
        }
        x->oscore_ready = err == EH_OK;
        if (err != EH_OK || peer_oscore_request(&x->oscore, resource, NULL, 0, &req, buf,
                                                sizeof buf, &rq) != EH_OK) {
            x_fail(x, V_ERROR, "harness error: cannot build the OSCORE request");
            return;
        }
        keep_oscore_request(x, &req, &rq, resource);
        xt_bytes(x, "-> OSCORE", req.payload, req.payload_len);
    }
    x_exchange(x, &req);
    if (judged) {
        x->combined_rq = rq; /* classified as the answer to a protected request */
        classify_combined_answer(x);
        return;
    }
    if (x->rx.st != TR_OK) {
        const char *why = x->rx.st != TR_TIMEOUT ? "reset"
                          : x->rx.gave_up        ? "the wait ended with the IUT process"
                                                 : "timeout";
        x_fail(x, V_FAIL, "OSCORE request to %s: no answer (%s)%s", resource, why,
               x_iut_exit_note(x));
        return;
    }
    xt_bytes(x, "<- OSCORE", x->rx.payload, x->rx.len);
    tr_message resp;
    memset(&resp, 0, sizeof resp);
    resp.code = (uint8_t)x->rx.code;
    if (x->rx.n_opts > 0)
        memcpy(resp.opts, x->rx.opts, x->rx.n_opts * sizeof resp.opts[0]);
    resp.n_opts = x->rx.n_opts;
    resp.payload = x->rx.payload, resp.payload_len = x->rx.len;
    if (peer_oscore_check_response(&x->oscore, &rq, &resp, what, sizeof what) != EH_OK)
        x_fail(x, V_FAIL, "OSCORE response from the IUT: %s (RFC 9528 Appendix A.1, RFC 8613 "
                          "§8.4)", what);
    else
        xt_printf(x, "  OSCORE %s -> %s\n", resource, what);
}

bool x_raw_udp_m3_unanswered(const sc_exec *x)
{
    return x->sc->transport == SC_UDP && !x->reverse && x->o.role == SC_HARNESS_INITIATOR &&
           strcmp(x->last_sent, "message_3") == 0 && x->s.state == EH_STATE_COMPLETED;
}

/* Over raw UDP a Responder that accepts message_3 (no message_4) sends
 * nothing: RFC 9528 defines no acknowledgment (the reference peer's empty
 * datagram is its own habit). Silence is then what `accepted` looks like;
 * an error message within the bound would have said otherwise, and a
 * following oscore step shows the keys. A step that takes silence anyway
 * keeps it (its `accepted` may be bound to a state). */
static void raw_udp_silence_accepts(sc_exec *x, const sc_step *st)
{
    if (x->rx.kind == NULL || strcmp(x->rx.kind, "silence") != 0 || x->rx.st != TR_TIMEOUT ||
        x->rx.gave_up || !x_raw_udp_m3_unanswered(x) ||
        !x_step_allows(st, SC_OUT_MESSAGE, "accepted") || x_step_allows(st, SC_OUT_SILENCE, NULL))
        return;
    xt_printf(x, "     no error message within %d ms: message_3 accepted (over raw UDP, "
                 "without message_4, nothing answers it: RFC 9528 defines no "
                 "acknowledgment)\n",
              st->timeout_ms > 0 ? st->timeout_ms : x->timeout);
    x->rx.st = TR_OK;
    x->rx.kind = "accepted";
}

void x_initiator_step(sc_exec *x, const sc_step *st)
{
    switch (st->kind) {
    case SC_STEP_SEND: {
        /* the answer is awaited with the next expect step's timeout */
        const sc_step *next = x->step + 1 < x->sc->n_steps ? st + 1 : NULL;
        int saved = x->timeout;
        if (next && next->kind == SC_STEP_EXPECT && next->timeout_ms > 0)
            x->timeout = next->timeout_ms;
        initiator_send(x, st);
        x->timeout = saved;
        break;
    }
    case SC_STEP_EXPECT:
        if (x->rx.kind == NULL) {
            /* nothing asked: listen for what the IUT sends unasked */
            xt_printf(x, "  listening %d ms for anything the IUT sends unasked\n",
                      st->timeout_ms > 0 ? st->timeout_ms : x->timeout);
            x_listen(x, st->timeout_ms > 0 ? st->timeout_ms : x->timeout);
            x->listening = true;
            x_classify_answer(x);
            x->listening = false;
        }
        raw_udp_silence_accepts(x, st);
        x_judge(x, st);
        x->rx.kind = NULL; /* consumed */
        break;
    case SC_STEP_WAIT: {
        struct timespec ts = {st->wait_ms / 1000, (long)(st->wait_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL); /* a pause the scenario asks for, not synchronisation */
        break;
    }
    case SC_STEP_OSCORE:
        x_oscore_exchange(x, st);
        break;
    case SC_STEP_FLOOD:
        x_flood(x, st);
        break;
    }
}

/* ================================================= harness as Responder */

static bool split_prefix(sc_exec *x, received *rx)
{
    uint8_t enc[EH_MAX_CONN_ID + 2];
    size_t c_r_len;
    const uint8_t *c_r = x_own_c_r(x, &c_r_len);
    size_t k = eh_conn_id_encode(c_r, c_r_len, enc, sizeof enc);
    sc_split sp;
    if (!sc_prefix_split(rx->payload, rx->len, enc, k, &sp))
        return false;
    rx->kind = sp.kind;
    rx->msg = rx->payload + sp.msg_offset, rx->msg_len = rx->len - sp.msg_offset;
    rx->foreign_prefix = sp.foreign_prefix;
    if (sp.foreign_prefix)
        xt_printf(x, "     note: prefixed with %zu bytes that are not %s\n", sp.msg_offset,
                  strcmp(sp.kind, "message_1") == 0 ? "true (f5)" : "our C_R");
    return true;
}

eh_err x_responder_take_message(sc_exec *x, int n)
{
    const received *rx = &x->rx;
    eh_err err;
    if (n == 1) {
        eh_session_init(&x->s, &x->cfg); /* every message_1 starts a session */
        x->oscore_ready = false;
        x->c_r_sent = false;
        x_inject_ephemeral(x);
        err = eh_responder_process_message_1(&x->s, rx->msg, rx->msg_len);
        if (err == EH_OK)
            x_responder_choose_c_r(x);
        return err;
    }
    err = x->s.state == EH_STATE_WAIT_M3
              ? eh_responder_process_message_3(&x->s, rx->msg, rx->msg_len)
              : EH_ERR_STATE;
    x->m3_accepted |= err == EH_OK;
    return err;
}

bool x_take_request(sc_exec *x, const tr_message *req)
{
    received *rx = &x->rx;
    memset(rx, 0, sizeof *rx);
    rx->st = TR_OK;
    rx->code = req->code;
    rx->cf = req->content_format;
    if (req->payload_len > sizeof rx->payload) { /* not cut: judged as what it is */
        rx->st = TR_ERROR;
        rx->kind = "other";
        snprintf(rx->detail, sizeof rx->detail, "a request of %zu bytes, over the %zu bytes the "
                 "harness takes", req->payload_len, sizeof rx->payload);
        xt_printf(x, "  <- %zu bytes: %s\n", req->payload_len, rx->detail);
        return false;
    }
    rx->len = req->payload_len;
    if (rx->len > 0)
        memcpy(rx->payload, req->payload, rx->len);
    for (size_t i = 0; i < req->n_opts && i < TR_MAX_OPTIONS; i++)
        if (req->opts[i].number == TR_OPTION_OSCORE)
            rx->kind = "oscore";
    return true;
}

static void classify_request(sc_exec *x, const tr_message *req)
{
    received *rx = &x->rx;
    if (!x_take_request(x, req))
        return;
    xt_bytes(x, rx->kind != NULL ? "<- OSCORE" : "<-", rx->payload, rx->len);
    if (rx->kind != NULL)
        return;
    if (x->sc->framing == SC_FRAMING_BARE || !split_prefix(x, rx)) {
        /* no Appendix A.2 prefix (or a bare profile: none expected): a bare message */
        rx->bare = true;
        rx->msg = rx->payload, rx->msg_len = rx->len;
        int major = rx->len ? rx->payload[0] >> 5 : -1;
        rx->kind = major == EH_CBOR_BSTR                        ? "message_3"
                   : sc_looks_like_message_1(rx->payload, rx->len) ? "message_1"
                   : major >= 0 && major <= 1                   ? "error"
                                                                : "other";
        if (x->sc->framing != SC_FRAMING_BARE)
            xt_printf(x, "     note: no Appendix A.2 prefix (bare %s)\n", rx->kind);
    }
    eh_err err = EH_ERR_STATE;
    if (strcmp(rx->kind, "message_1") == 0) {
        err = x_responder_take_message(x, 1);
    } else if (strcmp(rx->kind, "message_3") == 0) {
        err = x_responder_take_message(x, 3);
    } else if (strcmp(rx->kind, "error") == 0) {
        x_parse_error(rx);
        return;
    } else {
        return;
    }
    x_engine_result(x, err);
}

/* The answer to the request (code 0: none), kept as the harness's last
 * answer (x_note_answer: what it is, and req, the requirement an Initiator
 * that rejects it breaks when it is an answer of a completed handshake). */
/* The answer x->answer[0..n) with this code and Content-Format (-1: none),
 * logged with arrow ("->", or "-> OSCORE" for an OSCORE-protected one). */
void x_answer_logged(sc_exec *x, tr_message *resp, uint8_t code, int cf, size_t n,
                     const char *what, const char *req, const char *arrow)
{
    memset(resp, 0, sizeof *resp);
    resp->code = code;
    resp->content_format = cf;
    resp->payload = x->answer;
    resp->payload_len = n;
    if (code)
        xt_bytes(x, arrow, x->answer, n);
    x_note_answer(x, resp, what, req);
}

static void answer(sc_exec *x, tr_message *resp, uint8_t code, int cf, size_t n,
                   const char *what, const char *req)
{
    x_answer_logged(x, resp, code, cf, n, what, req, "->");
}

/* What the engine would answer to the request just classified. */
static void natural_answer(sc_exec *x, tr_message *resp)
{
    const received *rx = &x->rx;
    size_t n = 0;
    if (strcmp(rx->kind, "message_1") == 0 || strcmp(rx->kind, "message_3") == 0) {
        if (!rx->engine_ok) {
            if (eh_error_message(&x->s, x->answer, sizeof x->answer, &n) == EH_OK)
                answer(x, resp, TR_CODE_BAD_REQUEST, CF_EDHOC, n, "an error message", NULL);
            else
                answer(x, resp, TR_CODE_BAD_REQUEST, -1, 0, "an empty 4.00", NULL);
            return;
        }
        if (rx->kind[8] == '1' &&
            eh_responder_message_2(&x->s, x->answer, sizeof x->answer, &n) == EH_OK) {
            x->c_r_sent = true;
            x->m2_unaltered = (x->cfg.faults & ~EH_FAULT_WRONG_MAC_2) == 0;
            x_record_size(x, false, "message_2", x->answer, n, 0);
            answer(x, resp, TR_CODE_CHANGED, CF_EDHOC, n, "message_2", NULL);
            x_fields_line(x, "message_2", x->answer, n);
            return;
        }
        if (rx->kind[8] == '3') {
            if (x->cfg.message_4 &&
                eh_responder_message_4(&x->s, x->answer, sizeof x->answer, &n) == EH_OK) {
                x_record_size(x, false, "message_4", x->answer, n, 0);
                answer(x, resp, TR_CODE_CHANGED, CF_EDHOC, n, "message_4", "R-5.5.3-a");
            } else {
                answer(x, resp, TR_CODE_CHANGED, -1, 0, "the empty answer acknowledging message_3",
                       "R-A.2-a");
            }
            return;
        }
    }
    /* An error message is never answered with one (RFC 9528 §6); CoAP
     * still wants a response: an empty 2.04. */
    if (strcmp(rx->kind, "error") == 0)
        answer(x, resp, TR_CODE_CHANGED, -1, 0, "the empty answer to an error message", NULL);
    else
        answer(x, resp, TR_CODE_BAD_REQUEST, -1, 0, "an empty 4.00", NULL);
}

/* Verify the IUT's OSCORE request with the session's context and answer it
 * (4.01 without a context, 4.00 when it does not verify): true when it
 * verified, else why in `why`. */
bool x_answer_oscore(sc_exec *x, const tr_message *req, tr_message *resp, char *why,
                          size_t cap)
{
    size_t n = 0, n_opts = 0;
    uint8_t code = 0;
    static tr_option opts[TR_MAX_OPTIONS];
    if (!x->oscore_ready) {
        eh_err err = peer_oscore_setup(&x->s, &x->oscore, &x->oscore_m, false);
        x->oscore_ready = err == EH_OK;
        if (!x->oscore_ready) {
            snprintf(why, cap, "an OSCORE request arrived but the handshake did not complete "
                               "(%s)", eh_err_name(err));
            answer(x, resp, 0x81, -1, 0, "4.01 (no OSCORE context)", NULL);
            return false;
        }
    }
    if (peer_oscore_serve(&x->oscore, req, "/hello", x->answer, sizeof x->answer, &n, &code, opts,
                          &n_opts) != EH_OK) {
        snprintf(why, cap, "the IUT's OSCORE request does not verify with the keys of the "
                           "handshake (RFC 9528 Appendix A.1, RFC 8613 §8.2)");
        answer(x, resp, TR_CODE_BAD_REQUEST, -1, 0,
               "4.00 to an OSCORE request that does not verify", NULL);
        return false;
    }
    x_answer_logged(x, resp, code, -1, n, "the OSCORE response", "R-A.1-a", "-> OSCORE");
    if (n_opts > 0)
        memcpy(resp->opts, opts, n_opts * sizeof opts[0]);
    resp->n_opts = n_opts;
    xt_printf(x, "  OSCORE request verified and answered\n");
    return true;
}

bool x_answer_judged_oscore(sc_exec *x, const tr_message *req, tr_message *resp)
{
    if (strcmp(x->rx.kind, "oscore") != 0)
        return false;
    char why[300];
    x->rx.engine_ok = x_answer_oscore(x, req, resp, why, sizeof why);
    if (!x->rx.engine_ok)
        snprintf(x->rx.engine_why, sizeof x->rx.engine_why, "%s", why);
    return true;
}

static void serve_oscore(sc_exec *x, const tr_message *req, tr_message *resp)
{
    char why[300];
    if (!x_answer_oscore(x, req, resp, why, sizeof why))
        x_fail(x, V_FAIL, "%s", why);
}

void x_on_request(sc_exec *x, const tr_message *req, const char *client, tr_message *resp)
{
    const scenario *sc = x->sc;
    (void)client;
    x->n_requests++;
    if (x->step >= sc->n_steps || x->v == V_FAIL || x->v == V_ERROR || x->v == V_SKIPPED ||
        x->handled) {
        /* after the scenario (or a verdict): answer as the engine would */
        xt_printf(x, "after the last step:\n");
        classify_request(x, req);
        if (x->step >= sc->n_steps)
            x_after_last_step(x);
        if (strcmp(x->rx.kind, "oscore") == 0 && x->v != V_FAIL && x->v != V_ERROR)
            serve_oscore(x, req, resp);
        else
            natural_answer(x, resp);
        return;
    }
    const sc_step *st = &sc->steps[x->step];
    xt_printf(x, "step %zu (line %d): %s\n", x->step + 1, st->line, x_step_kind_name(st->kind));
    classify_request(x, req);
    x->handled = true;
    if (st->kind == SC_STEP_OSCORE) {
        if (strcmp(x->rx.kind, "oscore") == 0)
            serve_oscore(x, req, resp);
        else {
            x_fail(x, V_FAIL, "expected an OSCORE request, received %s", x->rx.kind);
            natural_answer(x, resp);
        }
        x->step++;
        return;
    }
    /* An OSCORE request judged by an expect step (outcome `oscore`) is
     * verified and answered first. */
    bool answered = x_answer_judged_oscore(x, req, resp);
    x_judge(x, st);
    x->step++;
    /* The send steps that follow answer this request. */
    while (x->step < sc->n_steps && sc->steps[x->step].kind != SC_STEP_EXPECT &&
           sc->steps[x->step].kind != SC_STEP_OSCORE && x->v != V_FAIL && x->v != V_ERROR &&
           x->v != V_SKIPPED) {
        const sc_step *s2 = &sc->steps[x->step];
        xt_printf(x, "step %zu (line %d): %s %s\n", x->step + 1, s2->line,
                  x_step_kind_name(s2->kind), s2->kind == SC_STEP_SEND ? s2->message : "");
        if (s2->kind == SC_STEP_SEND) {
            size_t n = 0;
            if (strcmp(s2->message, "repeat") == 0) {
                /* the answer just built, delivered twice (raw UDP only: a
                 * CoAP server answers a request once) */
                if (!answered || sc->transport != SC_UDP) {
                    x_fail(x, V_ERROR, "scenario error: as Responder, send: repeat follows a "
                                       "send step, over raw UDP");
                    break;
                }
                x->answer_twice = true;
                x->step++;
                continue;
            }
            if (answered) {
                x_fail(x, V_ERROR, "scenario error: two send steps answer one request");
                break;
            }
            if (strcmp(s2->message, "none") == 0) {
                xt_printf(x, "  left unanswered\n");
                answer(x, resp, 0, -1, 0, "", NULL);
                answered = true;
                x->step++;
                continue;
            }
            x->cfg.faults = x_faults(x, s2);
            if (x_build(x, s2, x->answer, sizeof x->answer, &n) != 0)
                break;
            bool err = strcmp(s2->message, "error") == 0;
            x_record_size(x, false, s2->message, x->answer, n, 0);
            answer(x, resp, err ? TR_CODE_BAD_REQUEST : TR_CODE_CHANGED, CF_EDHOC, n,
                   err ? "an error message" : s2->message,
                   strcmp(s2->message, "message_4") == 0 ? "R-5.5.3-a" : NULL);
            if (x_mutates_plaintext(s2) && !x_mutates_message(s2))
                x_fields_line(x, s2->message, x->answer, n); /* the PLAINTEXT as sent */
            answered = true;
        }
        x->step++;
    }
    if (!answered)
        natural_answer(x, resp);
}

int x_serve_step(sc_exec *x, const sc_step *st)
{
    x_step_begin(x);
    int bound = st->timeout_ms > 0 ? st->timeout_ms : x->timeout;
    if (x->n_requests == 0 && x->o.first_request_ms > bound)
        bound = x->o.first_request_ms; /* the IUT may still be starting */
    x_serve(x, bound);
    return bound;
}

void x_nothing_received(sc_exec *x, const sc_step *st)
{
    xt_printf(x, "step %zu (line %d): %s\n     nothing received\n", x->step + 1, st->line,
              x_step_kind_name(st->kind));
    memset(&x->rx, 0, sizeof x->rx);
    x->rx.st = TR_TIMEOUT;
    x->rx.kind = "silence";
    x->rx.gave_up = x_iut_gone(x); /* x_serve stops waiting for an IUT gone */
    if (x->server != NULL) { /* what the CoAP layer dropped meanwhile */
        bool too_large = false;
        snprintf(x->rx.detail, sizeof x->rx.detail, "%s",
                 tr_coap_server_detail(x->server, &too_large));
        if (too_large)
            x->rx.st = TR_ERROR, x->rx.kind = "other";
    }
}

void x_judge_nothing(sc_exec *x, const sc_step *st)
{
    if (st->kind == SC_STEP_OSCORE)
        x_fail(x, V_FAIL, "no OSCORE request from the IUT%s", x_iut_exit_note(x));
    else
        x_judge(x, st);
    x->step++;
    while (x->step < x->sc->n_steps && x->sc->steps[x->step].kind == SC_STEP_SEND)
        x->step++; /* nothing to answer */
}

void x_responder_run(sc_exec *x)
{
    const scenario *sc = x->sc;
    while (x->step < sc->n_steps && x->v != V_FAIL && x->v != V_ERROR && x->v != V_SKIPPED) {
        const sc_step *st = &sc->steps[x->step];
        if (st->kind == SC_STEP_SEND) {
            x_fail(x, V_ERROR, "scenario error: in the Responder role a send step answers a "
                               "request, so it must follow an expect step");
            return;
        }
        if (st->kind == SC_STEP_WAIT) {
            xt_printf(x, "step %zu (line %d): wait %d ms\n", x->step + 1, st->line, st->wait_ms);
            x->step++;
            x_serve(x, st->wait_ms); /* requests meanwhile are answered naturally */
            x->handled = false;
            continue;
        }
        size_t before = x->step;
        x_serve_step(x, st);
        if (x->step == before) {
            /* nothing arrived in time (or the IUT is gone) */
            x_nothing_received(x, st);
            x_judge_nothing(x, st);
        }
        x->handled = false;
    }
    x->handled = true; /* from now on requests are answered naturally */
}

/*
 * exec_reverse.c - the executor in the reverse message flow (RFC 9528
 * Appendix A.2.2), where the CoAP client is the Responder:
 *   - harness Initiator = CoAP server. The IUT Responder's empty POST is
 *     answered by the first send step (message_1, no prefix); every later
 *     POST carries C_I || message_2 (or message_4, or an error message) and
 *     is judged by an expect step, then answered by the send step after it
 *     (message_3), else as the engine would (exec_reverse's natural answer).
 *     A Responder that accepts message_3 without message_4 sends nothing
 *     more, or its OSCORE request: both are its acceptance; its exit status
 *     (sc_exec_ending: silence_accepts_m3 / silence_rejects_m3) must agree.
 *   - harness Responder = CoAP client. The first expect step sends the empty
 *     POST (tried again while the IUT's port refuses it: it may still be
 *     starting) and judges message_1 in the response; send steps, and the
 *     engine's natural messages after an expect step, go as POSTs of C_I ||
 *     message, whose response the next expect step judges. A bare CoAP error
 *     from the IUT Initiator, now the server, is its way to reject without an
 *     error message: judged as the forward client's silence.
 * Which scenarios can run this way: sc_runs_in_reverse_flow (profile.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../cbor/cbor.h"
#include "../common/hex.h"
#include "exec_internal.h"

#define CF_EDHOC 64
#define CF_CID_EDHOC 65


static bool stopped(const sc_exec *x)
{
    return x->v == V_FAIL || x->v == V_ERROR || x->v == V_SKIPPED || x->ended;
}

/* ====================================== harness Initiator: a CoAP server */

static void answer(sc_exec *x, tr_message *resp, uint8_t code, int cf, size_t n,
                   const char *what, const char *req)
{
    x_answer_logged(x, resp, code, cf, n, what, req, "->");
}

/* A POST of the IUT Responder into x->rx: the empty trigger, an OSCORE
 * request, or C_I || message (classified as the answer to what the harness
 * sent last, x_classify_answer). */
static void classify_post(sc_exec *x, const tr_message *req)
{
    received *rx = &x->rx;
    if (!x_take_request(x, req))
        return;
    if (rx->kind != NULL || req->payload_len == 0) {
        rx->msg = rx->payload, rx->msg_len = rx->len;
        if (rx->kind != NULL) {
            xt_bytes(x, "<- OSCORE", rx->payload, rx->len);
        } else {
            rx->kind = "trigger";
            xt_printf(x, "  <- an empty POST (the reverse flow's trigger, RFC 9528 Appendix "
                         "A.2.2)\n");
        }
        return;
    }
    uint8_t enc[EH_MAX_CONN_ID + 2];
    size_t k = eh_conn_id_encode(x->s.c_i, x->s.c_i_len, enc, sizeof enc);
    if (x->s.state == EH_STATE_START || k == 0 || req->payload_len <= k ||
        memcmp(req->payload, enc, k) != 0) {
        rx->msg = rx->payload, rx->msg_len = rx->len;
        if (x->c_i_unreadable && rx->len > 0 && (rx->payload[0] >> 5) <= 1) {
            /* the message_1 sent had no readable C_I: an error message without
             * the prefix it could not know is what the IUT could do */
            xt_bytes(x, "<-", rx->payload, rx->len);
            xt_printf(x, "     an error message without C_I prefix (the message_1 sent had no "
                         "C_I to read)\n");
            rx->kind = "error";
            x_parse_error(rx);
            return;
        }
        rx->kind = "other";
        rx->foreign_prefix = true;
        snprintf(rx->engine_why, sizeof rx->engine_why, "a POST not prefixed with the harness's "
                 "C_I (RFC 9528 Appendix A.2.2: the client prepends the identifier the server "
                 "chose)");
        xt_bytes(x, "<-", rx->payload, rx->len);
        xt_printf(x, "     %s\n", rx->engine_why);
        return;
    }
    xt_printf(x, "  <- C_I prefix %zu byte%s, then:\n", k, k == 1 ? "" : "s");
    memcpy(rx->payload, req->payload + k, req->payload_len - k);
    rx->len = req->payload_len - k;
    rx->code = 0; /* a request: what follows is no CoAP response code */
    x_classify_answer(x);
}

/* Can a Responder read C_I in message_1 m[0..n): METHOD (int), SUITES_I
 * (int or array), G_X (bstr), then C_I (int or bstr)? Read leniently: only
 * the items' types and places count. */
static bool c_i_readable(const uint8_t *m, size_t n)
{
    eh_cbor_reader rd;
    eh_cbor_reader_init(&rd, m, n);
    rd.lenient = true;
    for (int i = 0; i < 4; i++) {
        int major = eh_cbor_peek_major(&rd);
        bool is_int = major == EH_CBOR_UINT || major == EH_CBOR_NEGINT;
        bool ok = i == 0   ? is_int
                  : i == 1 ? is_int || major == EH_CBOR_ARRAY
                  : i == 2 ? major == EH_CBOR_BSTR
                           : is_int || major == EH_CBOR_BSTR;
        if (!ok || eh_cbor_read_item(&rd, NULL, NULL) != EH_OK)
            return false;
    }
    return true;
}

/* The send step st answers the request: its message, without prefix. */
static void send_answers(sc_exec *x, const sc_step *st, tr_message *resp)
{
    size_t n = 0;
    x->cfg.faults = x_faults(x, st);
    xt_printf(x, "step %zu (line %d): send %s\n", x->step + 1, st->line, st->message);
    if (x_build(x, st, x->answer, sizeof x->answer, &n) != 0) {
        answer(x, resp, TR_CODE_INTERNAL, -1, 0, "", NULL);
        return;
    }
    x_follow_message_1(x, st, x->answer, n);
    if (strcmp(st->message, "message_1") == 0)
        x->c_i_unreadable = !c_i_readable(x->answer, n);
    x->snap = x->s;
    x_record_size(x, false, st->message, x->answer, n, 0);
    snprintf(x->last_sent, sizeof x->last_sent, "%s", st->message);
    bool err = strcmp(st->message, "error") == 0; /* in a 4.00 (Appendix A.2.3) */
    answer(x, resp, err ? TR_CODE_BAD_REQUEST : TR_CODE_CHANGED, CF_EDHOC, n,
           err ? "an error message" : st->message, NULL);
    if (!x_mutates_message(st))
        x_fields_line(x, st->message, x->answer, n);
}

/* What the engine answers to the POST just classified. */
static void natural_answer(sc_exec *x, const tr_message *req, tr_message *resp)
{
    const received *rx = &x->rx;
    size_t n = 0;
    bool m2 = strcmp(rx->kind, "message_2") == 0, m4 = strcmp(rx->kind, "message_4") == 0;
    if ((m2 || m4) && !rx->engine_ok) {
        if (eh_error_message(&x->s, x->answer, sizeof x->answer, &n) == EH_OK)
            answer(x, resp, TR_CODE_BAD_REQUEST, CF_EDHOC, n, "an error message", NULL);
        else
            answer(x, resp, TR_CODE_BAD_REQUEST, -1, 0, "an empty 4.00", NULL);
    } else if (m2 && eh_initiator_message_3(&x->s, x->answer, sizeof x->answer, &n) == EH_OK) {
        x_record_size(x, false, "message_3", x->answer, n, 0);
        snprintf(x->last_sent, sizeof x->last_sent, "message_3");
        answer(x, resp, TR_CODE_CHANGED, CF_EDHOC, n, "message_3", NULL);
        x_fields_line(x, "message_3", x->answer, n);
    } else if (strcmp(rx->kind, "oscore") == 0) {
        char why[300];
        if (!x_answer_oscore(x, req, resp, why, sizeof why))
            xt_printf(x, "  %s\n", why);
    } else if (m4 || strcmp(rx->kind, "error") == 0) {
        /* an error message is never answered with one (RFC 9528 §6) */
        answer(x, resp, TR_CODE_CHANGED, -1, 0, m4 ? "the empty answer acknowledging message_4"
                                                   : "the empty answer to an error message",
               NULL);
    } else {
        answer(x, resp, TR_CODE_BAD_REQUEST, -1, 0, "an empty 4.00", NULL);
    }
}

/* An OSCORE request while an expect step waits for the Responder's word on
 * message_3: it accepted it (without message_4 it sends nothing else). */
static bool oscore_means_accepted(const sc_exec *x, const sc_step *st)
{
    return strcmp(x->rx.kind, "oscore") == 0 &&
           x_step_allows(st, SC_OUT_MESSAGE, "accepted") &&
           strcmp(x->last_sent, "message_3") == 0 && x->s.state == EH_STATE_COMPLETED;
}

void x_reverse_on_request(sc_exec *x, const tr_message *req, tr_message *resp)
{
    const scenario *sc = x->sc;
    x->n_requests++;
    if (x->step >= sc->n_steps || stopped(x) || x->handled) {
        xt_printf(x, "after the last step:\n");
        classify_post(x, req);
        natural_answer(x, req, resp);
        return;
    }
    const sc_step *st = &sc->steps[x->step];
    if (st->kind != SC_STEP_SEND)
        xt_printf(x, "step %zu (line %d): %s\n", x->step + 1, st->line,
                  x_step_kind_name(st->kind));
    classify_post(x, req);
    x->handled = true;
    if (st->kind == SC_STEP_SEND) {
        if (strcmp(x->rx.kind, "trigger") != 0) {
            x_fail(x, V_FAIL, "expected the empty POST with which the IUT Responder starts the "
                              "session (RFC 9528 Appendix A.2.2), received %s", x->rx.kind);
            natural_answer(x, req, resp);
            return;
        }
        send_answers(x, st, resp);
        x->step++;
        return;
    }
    if (st->kind == SC_STEP_OSCORE) {
        char why[300];
        if (strcmp(x->rx.kind, "oscore") != 0) {
            x_fail(x, V_FAIL, "expected an OSCORE request, received %s", x->rx.kind);
            natural_answer(x, req, resp);
        } else if (!x_answer_oscore(x, req, resp, why, sizeof why)) {
            x_fail(x, V_FAIL, "%s", why);
        }
        x->step++;
        return;
    }
    if (oscore_means_accepted(x, st)) {
        xt_printf(x, "     an OSCORE request: the IUT Responder accepted message_3 (without "
                     "message_4 it sends no answer to it)\n");
        received keep = x->rx;
        x->rx.kind = "accepted";
        x->rx.engine_ok = true;
        x_judge(x, st);
        x->rx = keep;
        x->step++;
        if (x->step < sc->n_steps && sc->steps[x->step].kind == SC_STEP_OSCORE && !stopped(x)) {
            char why[300];
            xt_printf(x, "step %zu (line %d): oscore\n", x->step + 1, sc->steps[x->step].line);
            if (!x_answer_oscore(x, req, resp, why, sizeof why))
                x_fail(x, V_FAIL, "%s", why);
            x->step++;
        } else {
            natural_answer(x, req, resp);
        }
        return;
    }
    if (x->rx.foreign_prefix && x->sc->framing != SC_FRAMING_BARE) {
        /* the framing comes first (as x_check_prefix has it forward) */
        uint8_t enc[EH_MAX_CONN_ID + 2];
        char want[2 * sizeof enc + 1], got[32];
        size_t k = eh_conn_id_encode(x->s.c_i, x->s.c_i_len, enc, sizeof enc);
        eh_hex_encode(enc, k, want);
        x_hex_start(x->rx.payload, x->rx.len, got, sizeof got);
        x_fail_cite(x, V_FAIL, "R-A.2-b", "the IUT Responder's POST does not start with the C_I "
                    "prefix %s (the identifier the harness chose, RFC 9528 Appendix A.2.2 and "
                    "§3.3.2): its payload starts %s", want, got);
        x->step++;
        natural_answer(x, req, resp);
        return;
    }
    bool answered = x_answer_judged_oscore(x, req, resp); /* an `oscore` outcome */
    x_judge(x, st);
    x->step++;
    if (answered)
        return;
    if (x->step < sc->n_steps && sc->steps[x->step].kind == SC_STEP_SEND && !stopped(x)) {
        send_answers(x, &sc->steps[x->step], resp);
        x->step++;
        return;
    }
    natural_answer(x, req, resp);
}

void x_reverse_initiator_run(sc_exec *x)
{
    const scenario *sc = x->sc;
    while (x->step < sc->n_steps && !stopped(x)) {
        const sc_step *st = &sc->steps[x->step];
        size_t before = x->step;
        int bound = x_serve_step(x, st);
        x->handled = false;
        if (x->step != before)
            continue;
        if (st->kind == SC_STEP_SEND) {
            x_nothing_received(x, st); /* what the CoAP layer dropped meanwhile */
            if (x->rx.st == TR_ERROR) {
                x_fail(x, V_ERROR, "waiting for the IUT Responder's empty POST, the harness "
                                   "received something it cannot take: %.500s", x->rx.detail);
                return;
            }
            char within[48] = "";
            if (!x_iut_gone(x))
                snprintf(within, sizeof within, " within %d ms", bound);
            x_fail(x, V_FAIL, "no empty POST from the IUT Responder%s: in the reverse message "
                              "flow it starts the session (RFC 9528 Appendix A.2.2)%s",
                   within, x_iut_exit_note(x));
            return;
        }
        x_nothing_received(x, st);
        bool silence = strcmp(x->rx.kind, "silence") == 0;
        if (silence && strcmp(x->last_sent, "message_1") == 0 && x->c_i_unreadable) {
            x->rx.silence_only = true;
            xt_printf(x, "     the message_1 sent has no C_I the Responder can read: it cannot "
                         "address an error message to the harness (RFC 9528 Appendix A.2.2: "
                         "its POSTs carry C_I), so silence is all it can do\n");
        }
        bool after_m3 = st->kind == SC_STEP_EXPECT && strcmp(x->last_sent, "message_3") == 0;
        bool takes_accepted = x_step_allows(st, SC_OUT_MESSAGE, "accepted");
        if (silence && after_m3 && !takes_accepted) {
            x->silence_rejects_m3 = true; /* the IUT's exit status confirms it, or not */
            x->silence_m3_line = st->line;
        }
        if (silence && after_m3 && takes_accepted && !x->cfg.message_4 &&
            x->s.state == EH_STATE_COMPLETED) {
            /* A.2.2: a Responder that accepts message_3 (no message_4) sends
             * nothing more; only an error message would have said otherwise.
             * Its exit status tells a silent rejection (sc_exec_ending), which
             * the step's silence outcome then grades. */
            x->silence_grade = 0;
            for (size_t i = 0; i < st->n_outcomes; i++)
                if (st->outcomes[i].kind == SC_OUT_SILENCE)
                    x->silence_grade = st->outcomes[i].non_strict ? 2 : 1;
            xt_printf(x, "     no error message within %d ms: message_3 accepted (RFC 9528 "
                         "Appendix A.2.2: without message_4 the Responder does not answer it)\n",
                      bound);
            x->rx.st = TR_OK;
            x->rx.kind = "accepted";
            x->rx.gave_up = false;
            x->silence_accepts_m3 = true;
            x->silence_m3_line = st->line;
        }
        x_judge_nothing(x, st);
    }
    x->handled = true; /* from now on requests are answered naturally */
}

/* ====================================== harness Responder: a CoAP client */

/* POST payload[0..n) to the IUT's EDHOC resource; its response in x->rx. */
static void post(sc_exec *x, const uint8_t *payload, size_t n, int cf)
{
    tr_message req;
    memset(&req, 0, sizeof req);
    req.code = TR_CODE_POST;
    req.uri_path = x_edhoc_path(x);
    req.content_format = cf;
    req.payload = payload, req.payload_len = n;
    x_exchange(x, &req);
    if (x->rx.st == TR_OK)
        x->n_requests++; /* the IUT answered: it sent something */
}

/* The response to a POST, as the Responder's engine sees it. */
static void classify_response(sc_exec *x)
{
    received *rx = &x->rx;
    if (!x_classify_start(x))
        return;
    /* An error message (its code is judged, A.2.3); message_1 starts with an
     * int too, so in the trigger's response only an error code says error. */
    if (rx->len > 0 && (rx->payload[0] >> 5) <= 1 && (x->triggered || rx->code >= 0x80)) {
        rx->kind = "error";
        x_parse_error(rx);
        return;
    }
    if (rx->code >= 0x80) {
        rx->kind = "coap";
        return;
    }
    if (rx->len == 0) {
        rx->kind = "accepted";
        return;
    }
    eh_err err = EH_ERR_STATE;
    if (!x->triggered) {
        rx->kind = "message_1";
        err = x_responder_take_message(x, 1);
    } else if (strcmp(x->last_sent, "message_2") == 0) {
        rx->kind = "message_3";
        err = x_responder_take_message(x, 3);
    } else {
        return; /* "other": a payload where none is due */
    }
    x_engine_result(x, err);
}

/* The empty POST that starts the session; message_1 comes in its response.
 * While the IUT's port refuses it (an Initiator still starting), it goes
 * again, at most until the first request's bound. */
static void trigger(sc_exec *x, int bound)
{
    xt_printf(x, "  -> an empty POST to %s (the reverse flow's trigger, RFC 9528 Appendix "
                 "A.2.2)\n", x_edhoc_path(x));
    int64_t deadline = tr_now_ms() + (x->o.first_request_ms > bound ? x->o.first_request_ms
                                                                    : bound);
    long pause_ms = 10;
    int saved = x->timeout;
    x->timeout = bound;
    for (;;) {
        int64_t t0 = tr_now_ms();
        post(x, NULL, 0, -1);
        /* refused: a Reset, a refused TCP connection, or over UDP an ICMP
         * port unreachable, which ends the exchange long before its bound */
        bool refused = x->rx.st == TR_RESET ||
                       (x->rx.st == TR_TIMEOUT && !x->rx.gave_up && tr_now_ms() - t0 < bound / 2);
        if (!refused || tr_now_ms() + pause_ms >= deadline || x_iut_gone(x))
            break;
        /* no event tells that a port got bound: try again after 10 ms,
         * doubling up to 200 ms (as the readiness probe does, runner/iut.c) */
        struct timespec ts = {0, pause_ms * 1000000L};
        nanosleep(&ts, NULL);
        pause_ms = pause_ms < 100 ? pause_ms * 2 : 200;
    }
    x->timeout = saved;
    classify_response(x);
    x->triggered = true;
}

/* message (n bytes in msg) as a POST of C_I || message. */
static void post_message(sc_exec *x, const char *kind, const uint8_t *msg, size_t n)
{
    static uint8_t payload[TR_MAX_BODY + EH_MAX_CONN_ID + 2];
    size_t k = eh_conn_id_encode(x->s.c_i, x->s.c_i_len, payload, sizeof payload);
    if (n > sizeof payload - k)
        n = sizeof payload - k;
    memcpy(payload + k, msg, n);
    x_record_size(x, false, kind, msg, n, k);
    snprintf(x->last_sent, sizeof x->last_sent, "%s", kind);
    xt_bytes(x, "->", payload, k + n);
    post(x, payload, k + n, CF_CID_EDHOC);
    classify_response(x);
}

/* After an expect step with no send step after it: what the engine sends
 * next (message_2 after a valid message_1, message_4 when due, the error
 * message it owes), as the forward flow's server would answer. */
static void natural_send(sc_exec *x, const char *judged, bool engine_ok)
{
    static uint8_t msg[TR_MAX_BODY];
    size_t n = 0;
    bool m1 = strcmp(judged, "message_1") == 0, m3 = strcmp(judged, "message_3") == 0;
    if ((m1 || m3) && !engine_ok) {
        if (x->s.c_i_len > 0 && eh_error_message(&x->s, msg, sizeof msg, &n) == EH_OK) {
            xt_printf(x, "  the error message the engine owes:\n");
            post_message(x, "error", msg, n);
        }
    } else if (m1 && eh_responder_message_2(&x->s, msg, sizeof msg, &n) == EH_OK) {
        x->c_r_sent = true;
        x_fields_line(x, "message_2", msg, n);
        post_message(x, "message_2", msg, n);
        return; /* its response, message_3, is for the next expect step */
    } else if (m3 && x->cfg.message_4 &&
               eh_responder_message_4(&x->s, msg, sizeof msg, &n) == EH_OK) {
        post_message(x, "message_4", msg, n);
        tr_message as_sent = {.code = TR_CODE_POST, .payload = msg, .payload_len = n};
        x_note_answer(x, &as_sent, "message_4", "R-5.5.3-a");
        if (strcmp(x->rx.kind, "accepted") != 0 && x_positive_scenario(x->o.sc))
            x_fail(x, V_FAIL, "the IUT Initiator answered message_4 with %s, not the empty "
                              "2.04 of an accepted message (RFC 9528 §5.5.3, Appendix A.2.2)",
                   x->rx.kind);
    }
    memset(&x->rx, 0, sizeof x->rx); /* nothing pending for an expect step */
}

void x_reverse_responder_step(sc_exec *x, const sc_step *st)
{
    const scenario *sc = x->sc;
    const sc_step *next = x->step + 1 < sc->n_steps ? st + 1 : NULL;
    int bound = st->timeout_ms > 0 ? st->timeout_ms : x->timeout;
    switch (st->kind) {
    case SC_STEP_SEND: {
        static uint8_t msg[TR_MAX_BODY];
        size_t n = 0;
        int saved = x->timeout;
        if (next && next->kind == SC_STEP_EXPECT && next->timeout_ms > 0)
            x->timeout = next->timeout_ms; /* the answer is awaited with that bound */
        if (x_build(x, st, msg, sizeof msg, &n) == 0) {
            /* the PLAINTEXT as sent, when a mutation changed it (as the forward
             * flow's server says it) */
            if (x_mutates_plaintext(st) && !x_mutates_message(st))
                x_fields_line(x, st->message, msg, n);
            post_message(x, st->message, msg, n);
        }
        x->timeout = saved;
        break;
    }
    case SC_STEP_EXPECT: {
        if (x->rx.kind == NULL && !x->triggered) {
            trigger(x, bound);
        } else if (x->rx.kind == NULL) {
            memset(&x->rx, 0, sizeof x->rx);
            x->rx.st = TR_TIMEOUT;
            x->rx.kind = "silence";
            xt_printf(x, "     nothing pending: as CoAP client the harness hears the IUT "
                         "only in responses\n");
        }
        if (x->rx.st == TR_OK && strcmp(x->rx.kind, "coap") == 0 && x->rx.len == 0 &&
            x_step_allows(st, SC_OUT_SILENCE, NULL) && !x_step_allows(st, SC_OUT_COAP, NULL)) {
            /* a scenario written for an Initiator that is a client, whose way to
             * reject without an error message is to say nothing; as the server
             * it must answer the POST: a bare CoAP error is that silence */
            xt_printf(x, "     a CoAP error without an EDHOC error message: the server's way to "
                         "reject without one (the reverse flow, RFC 9528 Appendix A.2.2), "
                         "judged as silence\n");
            x->rx.st = TR_TIMEOUT;
            x->rx.kind = "silence";
        }
        const char *judged = x->rx.kind;
        bool ok = x->rx.engine_ok;
        x_judge(x, st);
        x->rx.kind = NULL; /* consumed */
        if (!stopped(x) && (next == NULL || next->kind != SC_STEP_SEND))
            natural_send(x, judged, ok); /* its response waits for the next expect step */
        break;
    }
    case SC_STEP_OSCORE:
        x_oscore_exchange(x, st);
        break;
    case SC_STEP_WAIT:
    case SC_STEP_FLOOD:
        x_fail(x, V_ERROR, "scenario error: %s steps do not run in the reverse message flow",
               x_step_kind_name(st->kind));
        break;
    }
}

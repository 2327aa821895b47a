/*
 * exec_ending.c - the harness Responder after the scenario's last step: the
 * drain (the IUT Initiator finishes, e.g. its OSCORE request, answered as
 * the engine would), the error message with which an IUT rejects the answer
 * that completed the handshake, and what the runner needs to judge the IUT
 * Initiator's exit status (sc_exec_ending, exec.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cbor/cbor.h"
#include "exec_internal.h"

void x_note_answer(sc_exec *x, const tr_message *resp, const char *what, const char *req)
{
    x->last_answer_req = resp->code ? req : NULL;
    if (resp->code == 0 || what[0] == 0) {
        x->last_answer[0] = 0;
        return;
    }
    if (x->sc->transport == SC_UDP)
        snprintf(x->last_answer, sizeof x->last_answer, "%s (%zu bytes)", what,
                 resp->payload_len);
    else
        snprintf(x->last_answer, sizeof x->last_answer, "%s (CoAP %d.%02d, %zu bytes)", what,
                 resp->code >> 5, resp->code & 31, resp->payload_len);
}

/* The handshake completed on the harness's side in a positive scenario, and
 * its last answer is one of the completed handshake's (sc_exec_ending). */
static bool completed(const sc_exec *x)
{
    return x->o.role == SC_HARNESS_RESPONDER && x_positive_scenario(x->o.sc) &&
           x->m3_accepted && x->last_answer_req != NULL;
}

void x_after_last_step(sc_exec *x)
{
    const received *rx = &x->rx;
    if (rx->st != TR_OK || strcmp(rx->kind, "error") != 0 || !completed(x) ||
        (x->v != V_PASS && x->v != V_NONSTRICT) || x->rejected[0])
        return;
    char info[200] = "?";
    if (rx->err_info_ok)
        eh_cbor_diag(rx->err_info, rx->err_info_len, info, sizeof info);
    x->rejected_req = x->last_answer_req;
    int w = snprintf(x->rejected, sizeof x->rejected, "the IUT answered the harness's %.160s "
                     "with an error message (ERR_CODE %lld, ERR_INFO %.150s)", x->last_answer,
                     (long long)rx->err_code, info);
    if (w < 0) /* cannot happen with these formats; the text then stays empty */
        x->rejected[0] = 0;
    xt_printf(x, "  note: %s\n", x->rejected);
}

/* Append what the transcript gained since sc_exec_run moved it into res. */
static void append_transcript(sc_exec *x, sc_result *res)
{
    if (x->text == NULL)
        return;
    size_t have = res->transcript ? strlen(res->transcript) : 0;
    char *t = realloc(res->transcript, have + x->text_len + 1);
    if (t != NULL) {
        memcpy(t + have, x->text, x->text_len + 1);
        res->transcript = t;
    }
    free(x->text);
    x->text = NULL, x->text_len = x->text_cap = 0;
}

void sc_exec_drain(sc_exec *x, int timeout_ms, sc_result *res)
{
    if (x->o.role != SC_HARNESS_RESPONDER || x->reverse) /* reverse: a client, nothing to serve */
        return;
    xt_printf(x, "after the scenario: the IUT Initiator may finish (at most %d ms); its "
                 "requests get the engine's answers\n", timeout_ms);
    x->draining = true;
    x->step = x->sc->n_steps; /* every request now gets the natural answer */
    unsigned long derived = x->derived_changes;
    x_serve(x, timeout_ms);
    x->draining = false;
    if (x->derived_changes != derived) /* the session went on: its values again, all */
        x_derived_transcript(x);
    if (x->rejected[0] && (res->v == V_PASS || res->v == V_NONSTRICT)) {
        char req[96];
        sc_requirement_text(x->rejected_req, req, sizeof req);
        res->v = V_FAIL;
        snprintf(res->message, sizeof res->message, "after the last step: %s, although the "
                 "handshake had completed with valid messages [requirements: %s]", x->rejected,
                 req);
        xt_printf(x, "verdict: %s: %s\n", verdict_name(res->v), res->message);
    }
    append_transcript(x, res);
}

void sc_exec_ending_of(const sc_exec *x, sc_exec_ending *e)
{
    memset(e, 0, sizeof *e);
    e->requests = x->n_requests;
    e->completed = completed(x) && !x->rejected[0];
    snprintf(e->last_answer, sizeof e->last_answer, "%s", x->last_answer);
    e->silence_rejects_m3 = x->silence_rejects_m3;
    e->silence_accepts_m3 = x->silence_accepts_m3;
    e->step_line = x->silence_m3_line;
    e->silence_grade = x->silence_grade;
    if (e->completed)
        sc_requirement_text(x->last_answer_req, e->requirement, sizeof e->requirement);
}

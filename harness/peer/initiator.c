/*
 * initiator.c - the reference Initiator: message_1 (retried after ERR_CODE 2
 * with the Responder's suites), message_2, message_3 (alone, or inside the
 * first OSCORE request as RFC 9668 describes), optional message_4, then an
 * OSCORE-protected request that proves the keys. Every outcome ends in a
 * verdict: which message, which field, which RFC section.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../cbor/cbor.h"
#include "peer_internal.h"

#define CF_EDHOC 64
#define CF_CID_EDHOC 65

typedef struct run {
    const peer_initiator_opts *o;
    peer_exchange_fn exchange;
    void *arg;
    peer_result *res;
    eh_session s;
    bool oscore_skipped;
    uint8_t msg[TR_MAX_BODY], payload[TR_MAX_BODY + 16], rbuf[TR_MAX_BODY + 512];
} run;

/* the run's verdict line and exit code (peer_result_verdict) */
#define verdict(r, ...) peer_result_verdict((r)->res, __VA_ARGS__)

static const char *status_text(tr_status st)
{
    return st == TR_TIMEOUT ? "no answer before the timeout"
           : st == TR_RESET ? "the peer reset the exchange (CoAP Reset or ICMP unreachable)"
                            : "local transport failure";
}

/* POST an EDHOC payload to the EDHOC resource; the response lands in resp. */
static tr_status post(run *r, const uint8_t *p, size_t n, int cf, const char *kind,
                      tr_message *resp)
{
    tr_message req;
    memset(&req, 0, sizeof req);
    req.code = TR_CODE_POST;
    req.uri_path = r->o->edhoc_path ? r->o->edhoc_path : PEER_EDHOC_PATH;
    req.content_format = cf;
    req.payload = p;
    req.payload_len = n;
    if (r->o->log)
        peer_log_wire(r->o->log, "sent", kind, p, n, TR_CODE_POST);
    tr_status st = r->exchange(r->arg, &req, resp, r->rbuf, sizeof r->rbuf);
    if (st == TR_OK && r->o->log)
        peer_log_wire(r->o->log, "received", resp->code >= 0x80 ? "error" : "response",
                      resp->payload, resp->payload_len, resp->code);
    return st;
}

/* Prefix with `true` (message_1) or C_R (message_3), per Appendix A.2. */
static size_t frame(run *r, const uint8_t *prefix, size_t prefix_len, const uint8_t *m, size_t n)
{
    size_t k = 0;
    if (r->o->framing == PEER_FRAMING_RFC9528) {
        memcpy(r->payload, prefix, prefix_len);
        k = prefix_len;
    }
    memcpy(r->payload + k, m, n);
    return k + n;
}

/* Send the error message our session owes after a processing failure,
 * prefixed with C_R when known (Appendix A.2: client errors go in a POST). */
/* C_R as the prefix of a request (Appendix A.2, §3.3.2 encoding; with the
 * fault c-r-prefix-bstr always as a bstr, whatever its value) into prefix;
 * its length. */
static size_t c_r_prefix(const run *r, uint8_t prefix[EH_MAX_CONN_ID + 2])
{
    if ((r->o->faults & PEER_FAULT_C_R_PREFIX_BSTR) && r->s.c_r_len < 24) {
        prefix[0] = (uint8_t)(0x40 | r->s.c_r_len);
        memcpy(prefix + 1, r->s.c_r, r->s.c_r_len);
        return 1 + r->s.c_r_len;
    }
    return eh_conn_id_encode(r->s.c_r, r->s.c_r_len, prefix, EH_MAX_CONN_ID + 2);
}

static void send_error(run *r)
{
    size_t n = 0, used = 0;
    uint8_t prefix[EH_MAX_CONN_ID + 2];
    tr_message resp;
    if (eh_error_message(&r->s, r->msg, sizeof r->msg, &n) != EH_OK)
        return;
    if (!r->s.c_r_known)
        return; /* C_R unknown (message_2 did not decrypt, or its C_R did not read):
                 * no way to address the Responder's session */
    used = c_r_prefix(r, prefix);
    size_t len = frame(r, prefix, used, r->msg, n);
    post(r, r->payload, len, r->o->framing == PEER_FRAMING_RFC9528 ? CF_CID_EDHOC : CF_EDHOC,
         "error", &resp);
}

/* RFC 9668 §4.1.3: with OSCORE, C_R equal to C_I would make both OSCORE
 * Recipient IDs equal: abort with an error message, ERR_CODE 1. */
static bool c_r_equals_c_i(run *r)
{
    static const char info[] = "C_R equals C_I (RFC 9668 4.1.3)";
    uint8_t prefix[EH_MAX_CONN_ID + 2], tstr[64];
    size_t n = 0, used;
    tr_message resp;
    eh_cbor_writer w;
    if (!r->o->oscore || r->s.c_r_len != r->s.c_i_len ||
        memcmp(r->s.c_r, r->s.c_i, r->s.c_i_len) != 0)
        return false;
    eh_cbor_writer_init(&w, tstr, sizeof tstr);
    eh_cbor_write_tstr(&w, info, sizeof info - 1);
    if (eh_error_message_encode(1, tstr, w.len, r->msg, sizeof r->msg, &n) == EH_OK) {
        used = c_r_prefix(r, prefix);
        size_t len = frame(r, prefix, used, r->msg, n);
        post(r, r->payload, len,
             r->o->framing == PEER_FRAMING_RFC9528 ? CF_CID_EDHOC : CF_EDHOC, "error", &resp);
    }
    verdict(r, PEER_EXIT_VERDICT, "FAIL: message_2 from the Responder: C_R equals C_I, so both "
                                  "OSCORE Recipient IDs would be equal (RFC 9668 §4.1.3); "
                                  "aborted with ERR_CODE 1");
    return true;
}

static void engine_verdict(run *r, const char *what)
{
    char why[400];
    peer_describe_finding(&r->s, why, sizeof why);
    verdict(r, PEER_EXIT_VERDICT, "FAIL: %s: %s", what, why);
}

/* Response to message_1 or message_3 that is not 2.04: an EDHOC error in a
 * 4.xx/5.xx with Content-Format 64 (A.2.3), or a bare CoAP error. */
static bool is_edhoc_error(const tr_message *resp)
{
    return resp->code >= 0x80 && resp->payload_len > 0;
}

/* A payload of printable text that does not start as a CBOR sequence of an
 * EDHOC error message can (ERR_CODE, an integer: 0x00..0x37): a diagnostic. */
static bool diagnostic_text(const tr_message *resp)
{
    if (resp->payload_len == 0 || resp->payload_len > 512 || resp->payload[0] < 0x38)
        return false;
    for (size_t i = 0; i < resp->payload_len; i++)
        if (resp->payload[i] < 0x20 || resp->payload[i] > 0x7e)
            return false;
    return true;
}

static bool handshake_to_message_2(run *r, tr_message *resp)
{
    const peer_initiator_opts *o = r->o;
    int attempts = o->max_attempts > 0 ? o->max_attempts : 3;
    for (int attempt = 1; attempt <= attempts; attempt++) {
        size_t n = 0;
        if (o->eph_priv != NULL)
            eh_session_set_ephemeral(&r->s, o->eph_priv, o->eph_priv_len, NULL, 0);
        eh_err err = eh_initiator_message_1(&r->s, r->msg, sizeof r->msg, &n);
        if (err != EH_OK) {
            verdict(r, PEER_EXIT_USAGE, "ERROR: cannot build message_1: %s", eh_err_name(err));
            return false;
        }
        static const uint8_t t = 0xf5;
        size_t len = frame(r, &t, 1, r->msg, n);
        tr_status st = post(r, r->payload, len,
                            o->framing == PEER_FRAMING_RFC9528 ? CF_CID_EDHOC : CF_EDHOC,
                            "message_1", resp);
        if (st != TR_OK) {
            verdict(r, st == TR_TIMEOUT || st == TR_RESET ? PEER_EXIT_TIMEOUT : PEER_EXIT_VERDICT,
                    "FAIL: message_1 sent: %s", status_text(st));
            return false;
        }
        if (resp->code != TR_CODE_CHANGED && !is_edhoc_error(resp)) {
            verdict(r, PEER_EXIT_VERDICT,
                    "FAIL: response to message_1 is CoAP %d.%02d without an EDHOC error message "
                    "(RFC 9528 Appendix A.2: 2.04 with message_2, or an error message)",
                    resp->code >> 5, resp->code & 31);
            return false;
        }
        if (resp->code >= 0x80 && resp->content_format != CF_EDHOC &&
            resp->content_format != CF_CID_EDHOC && diagnostic_text(resp)) {
            /* RFC 7252 §5.5.2: a diagnostic payload, not an EDHOC error message */
            verdict(r, PEER_EXIT_VERDICT, "FAIL: response to message_1 is CoAP %d.%02d: \"%.*s\"",
                    resp->code >> 5, resp->code & 31, (int)resp->payload_len,
                    (const char *)resp->payload);
            return false;
        }
        if (resp->code == TR_CODE_CHANGED && resp->content_format != CF_EDHOC &&
            resp->content_format != -1 && o->log)
            peer_log_note(o->log, "message_2 response has Content-Format %d, not 64",
                          resp->content_format);
        err = eh_initiator_process_message_2(&r->s, resp->payload, resp->payload_len);
        if (err == EH_OK)
            return !c_r_equals_c_i(r);
        if (err == EH_ERR_PEER_ERROR && r->s.state == EH_STATE_START) {
            if (o->faults & PEER_FAULT_FORGET_SUITE_AFTER_ERR_2)
                r->s.suite_index = o->edhoc->initial_suite_index; /* SUITES_R ignored */
            if (o->out)
                fprintf(o->out, "initiator: ERR_CODE 2 received; retrying with suite %d\n",
                        r->s.cfg->suites[r->s.suite_index]);
            continue; /* §6.3.2: a new message_1 with the Responder's suite */
        }
        if (err == EH_ERR_PEER_ERROR) {
            char info[128];
            eh_cbor_diag(r->s.peer_err_info, r->s.peer_err_info_len, info, sizeof info);
            verdict(r, PEER_EXIT_VERDICT, "FAIL: the Responder answered message_1 with an EDHOC "
                                          "error: ERR_CODE %lld, ERR_INFO %s",
                    (long long)r->s.peer_err_code, info);
            return false;
        }
        send_error(r);
        engine_verdict(r, "message_2 from the Responder");
        return false;
    }
    verdict(r, PEER_EXIT_VERDICT, "FAIL: no common cipher suite after %d attempts", attempts);
    return false;
}

static bool oscore_exchange(run *r, const uint8_t *m3, size_t m3_len, tr_message *resp)
{
    char what[160];
    tr_status st = TR_OK;
    switch (peer_oscore_client_check(&r->s, r->o->resource, m3, m3_len, r->exchange, r->arg,
                                     r->o->log, r->payload, sizeof r->payload, r->rbuf,
                                     sizeof r->rbuf, resp, &r->res->oscore, &st, what,
                                     sizeof what)) {
    case PEER_OSCORE_OK:
        if (r->o->out)
            fprintf(r->o->out, "initiator: OSCORE %s -> %s\n", r->o->resource, what);
        return true;
    case PEER_OSCORE_UNSUPPORTED:
        r->oscore_skipped = true;
        if (r->o->out)
            fprintf(r->o->out, "initiator: OSCORE not available for suite %d: its application "
                               "hash has no HKDF (RFC 8613 §3.2); check skipped\n",
                    r->s.suite->id);
        return true;
    case PEER_OSCORE_LOCAL:
        verdict(r, PEER_EXIT_USAGE, "ERROR: %s", what);
        return false;
    case PEER_OSCORE_TRANSPORT:
        verdict(r, st == TR_TIMEOUT || st == TR_RESET ? PEER_EXIT_TIMEOUT : PEER_EXIT_VERDICT,
                "FAIL: OSCORE request to %s: %s", r->o->resource, status_text(st));
        return false;
    case PEER_OSCORE_BAD_RESPONSE:
        break;
    }
    verdict(r, PEER_EXIT_VERDICT, "FAIL: OSCORE response: %s (RFC 8613 §8.4)", what);
    return false;
}

void peer_initiator_run(const peer_initiator_opts *o, peer_exchange_fn exchange, void *arg,
                        peer_result *res)
{
    run *r = calloc(1, sizeof *r);
    eh_session *again = NULL; /* fault resend-new-message-3 */
    tr_message resp;
    memset(res, 0, sizeof *res);
    if (r == NULL) {
        peer_result_verdict(res, PEER_EXIT_USAGE, "ERROR: out of memory");
        return;
    }
    r->o = o, r->exchange = exchange, r->arg = arg, r->res = res;
    if (eh_session_init(&r->s, o->edhoc) != EH_OK) {
        verdict(r, PEER_EXIT_USAGE, "ERROR: invalid EDHOC configuration");
        goto done;
    }
    if (!handshake_to_message_2(r, &resp))
        goto done;
    /* fault reprocess-message-2: message_2 is kept, to be recognised again */
    static uint8_t m2_copy[TR_MAX_BODY];
    size_t m2_len = resp.payload_len <= sizeof m2_copy ? resp.payload_len : 0;
    memcpy(m2_copy, resp.payload, m2_len);

    /* fault resend-new-message-3: the session as it was after message_2 */
    if (o->faults & PEER_FAULT_RESEND_NEW_MESSAGE_3) {
        again = malloc(sizeof *again);
        if (again != NULL)
            *again = r->s;
    }

    size_t n = 0;
    eh_err err = eh_initiator_message_3(&r->s, r->msg, sizeof r->msg, &n);
    if (err != EH_OK) {
        verdict(r, PEER_EXIT_USAGE, "ERROR: cannot build message_3: %s", eh_err_name(err));
        goto done;
    }
    if (o->combined) {
        /* RFC 9668: message_3 and the first OSCORE request in one request. */
        if (!oscore_exchange(r, r->msg, n, &resp))
            goto done;
        res->completed = true;
        verdict(r, PEER_EXIT_OK, "PASS: handshake (RFC 9668 combined request) and OSCORE");
        goto done;
    }
    uint8_t prefix[EH_MAX_CONN_ID + 2];
    size_t prefix_len = c_r_prefix(r, prefix);
    size_t len = frame(r, prefix, prefix_len, r->msg, n);
    bool unanswered = o->m3_once != NULL && !o->edhoc->message_4;
    if (unanswered)
        *o->m3_once = true;
    tr_status st = post(r, r->payload, len,
                        o->framing == PEER_FRAMING_RFC9528 ? CF_CID_EDHOC : CF_EDHOC,
                        "message_3", &resp);
    if (st == TR_TIMEOUT && unanswered) {
        /* raw UDP: no error message within the bound is acceptance */
        if (o->log)
            peer_log_note(o->log, "no answer to message_3 within the bound: accepted (raw "
                                  "UDP, no message_4: RFC 9528 defines no acknowledgment)");
        memset(&resp, 0, sizeof resp);
        resp.code = TR_CODE_CHANGED;
        st = TR_OK;
    }
    if (st != TR_OK) {
        verdict(r, st == TR_TIMEOUT || st == TR_RESET ? PEER_EXIT_TIMEOUT : PEER_EXIT_VERDICT,
                "FAIL: message_3 sent: %s", status_text(st));
        goto done;
    }
    if (again != NULL && m2_len > 0 && resp.payload_len == m2_len &&
        memcmp(resp.payload, m2_copy, m2_len) == 0) {
        /* the fault: a new message_3 for the duplicate message_2, from the
         * session as it was after message_2, with a padding EAD_3 item (a
         * re-signing Initiator sends other bytes too); then on as usual */
        static const uint8_t padding[] = {0x00, 0x41, 0xe9}; /* label 0, h'e9' */
        eh_config cfg = *o->edhoc;
        cfg.ead[3] = padding, cfg.ead_len[3] = sizeof padding;
        again->cfg = &cfg;
        if (eh_initiator_message_3(again, r->msg, sizeof r->msg, &n) == EH_OK) {
            len = frame(r, prefix, prefix_len, r->msg, n);
            st = post(r, r->payload, len,
                      o->framing == PEER_FRAMING_RFC9528 ? CF_CID_EDHOC : CF_EDHOC,
                      "message_3", &resp);
        }
        eh_session_wipe(again);
        if (st != TR_OK) {
            verdict(r, st == TR_TIMEOUT || st == TR_RESET ? PEER_EXIT_TIMEOUT : PEER_EXIT_VERDICT,
                    "FAIL: message_3 sent again: %s", status_text(st));
            goto done;
        }
    }
    if ((o->faults & PEER_FAULT_REPROCESS_MESSAGE_2) && m2_len > 0 &&
        resp.payload_len == m2_len && memcmp(resp.payload, m2_copy, m2_len) == 0) {
        /* the fault: the duplicate message_2 is processed again, which the
         * session's state refuses: an error message, and abort */
        static const char info[] = "message_2 received again";
        uint8_t tstr[64];
        eh_cbor_writer w;
        eh_cbor_writer_init(&w, tstr, sizeof tstr);
        eh_cbor_write_tstr(&w, info, sizeof info - 1);
        if (eh_error_message_encode(1, tstr, w.len, r->msg, sizeof r->msg, &n) == EH_OK) {
            size_t elen = frame(r, prefix, prefix_len, r->msg, n);
            post(r, r->payload, elen,
                 o->framing == PEER_FRAMING_RFC9528 ? CF_CID_EDHOC : CF_EDHOC, "error", &resp);
        }
        verdict(r, PEER_EXIT_VERDICT, "FAIL: message_2 received again while waiting for the "
                                      "answer to message_3 (fault reprocess-message-2)");
        goto done;
    }
    if (resp.code != TR_CODE_CHANGED) {
        char info[160] = "";
        if (resp.payload_len)
            eh_cbor_diag(resp.payload, resp.payload_len, info, sizeof info);
        verdict(r, PEER_EXIT_VERDICT, "FAIL: the Responder rejected message_3: CoAP %d.%02d %s",
                resp.code >> 5, resp.code & 31, info);
        goto done;
    }
    if (o->edhoc->message_4 && (o->faults & PEER_FAULT_REJECT_MESSAGE_4)) {
        verdict(r, PEER_EXIT_VERDICT, "FAIL: message_4 from the Responder rejected without "
                                      "looking at it (fault reject-message-4)");
        goto done;
    }
    if (o->edhoc->message_4) {
        err = eh_initiator_process_message_4(&r->s, resp.payload, resp.payload_len);
        if (err != EH_OK) {
            send_error(r);
            engine_verdict(r, "message_4 from the Responder");
            goto done;
        }
    } else if (resp.payload_len > 0 && o->log) {
        peer_log_note(o->log, "2.04 response to message_3 carries %zu bytes although no "
                              "message_4 was expected", resp.payload_len);
    }
    res->completed = true;
    if (o->oscore && !oscore_exchange(r, NULL, 0, &resp))
        goto done;
    if (!o->oscore)
        eh_oscore_material_derive(&r->s, &res->oscore);
    verdict(r, PEER_EXIT_OK, "PASS: handshake%s%s", o->edhoc->message_4 ? " with message_4" : "",
            o->oscore && !r->oscore_skipped ? " and OSCORE" : "");
done:
    if (again != NULL) {
        eh_session_wipe(again);
        free(again);
    }
    eh_session_wipe(&r->s);
    eh_wipe(r, sizeof *r);
    free(r);
}

/*
 * responder_client.c - the reference Responder in the reverse message flow
 * (RFC 9528 Appendix A.2.2): a CoAP client that starts the session with an
 * empty POST, takes message_1 from the response, sends message_2 prefixed
 * with C_I, takes message_3 from the response, then message_4 and the OSCORE
 * request when asked. One handshake; every outcome ends in a verdict.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../cbor/cbor.h"
#include "peer_internal.h"

#define CF_EDHOC 64
#define CF_CID_EDHOC 65

typedef struct client_run {
    const peer_reverse_opts *o;
    peer_exchange_fn exchange;
    void *arg;
    peer_result *res;
    eh_session s;
    uint8_t c_r[EH_MAX_CONN_ID];
    uint8_t msg[TR_MAX_BODY], payload[TR_MAX_BODY + 16], rbuf[TR_MAX_BODY + 512];
} client_run;

/* the run's verdict line and exit code (peer_result_verdict) */
#define verdict(r, ...) peer_result_verdict((r)->res, __VA_ARGS__)

static void transport_verdict(client_run *r, const char *what, tr_status st)
{
    verdict(r, st == TR_TIMEOUT || st == TR_RESET ? PEER_EXIT_TIMEOUT : PEER_EXIT_VERDICT,
            "FAIL: %s: %s", what,
            st == TR_TIMEOUT  ? "no answer before the timeout"
            : st == TR_RESET ? "the peer reset the exchange (CoAP Reset or ICMP unreachable)"
                             : "local transport failure");
}

/* POST p[0..n) (prefixed with C_I when prefixed) to the EDHOC resource. */
static tr_status post(client_run *r, bool prefixed, const uint8_t *p, size_t n, const char *kind,
                      tr_message *resp)
{
    size_t k = 0;
    if (prefixed && !(r->o->faults & PEER_FAULT_REVERSE_NO_PREFIX))
        k = eh_conn_id_encode(r->s.c_i, r->s.c_i_len, r->payload, sizeof r->payload);
    if (n > sizeof r->payload - k)
        return TR_ERROR;
    memcpy(r->payload + k, p, n);
    tr_message req;
    memset(&req, 0, sizeof req);
    req.code = TR_CODE_POST;
    req.uri_path = r->o->edhoc_path ? r->o->edhoc_path : PEER_EDHOC_PATH;
    req.content_format = prefixed ? CF_CID_EDHOC : -1;
    req.payload = r->payload;
    req.payload_len = k + n;
    if (r->o->log)
        peer_log_wire(r->o->log, "sent", kind, r->payload, k + n, TR_CODE_POST);
    tr_status st = r->exchange(r->arg, &req, resp, r->rbuf, sizeof r->rbuf);
    if (st == TR_OK && r->o->log)
        peer_log_wire(r->o->log, "received", resp->code >= 0x80 ? "error" : "response",
                      resp->payload, resp->payload_len, resp->code);
    return st;
}

/* C_I of a message_1 the engine rejected before it read C_I (say, SUITES_I
 * as an array of one): its fourth item, read leniently, if that is an
 * identifier (RFC 9528 §3.3.2: an int -24..23 or a bstr), so that the error
 * message can still be addressed (Appendix A.2.2: the Responder's requests
 * carry C_I). Nothing when there is no such item. */
static void c_i_of_rejected_message_1(client_run *r, const uint8_t *m, size_t n)
{
    eh_cbor_reader rd;
    const uint8_t *item = NULL, *id = NULL;
    size_t len = 0, id_len = 0;
    eh_cbor_reader_init(&rd, m, n);
    rd.lenient = true;
    for (int i = 0; i < 4; i++)
        if (eh_cbor_read_item(&rd, &item, &len) != EH_OK)
            return;
    if (len == 1 && (item[0] <= 0x17 || (item[0] >= 0x20 && item[0] <= 0x37))) {
        id = item, id_len = 1;
    } else {
        eh_cbor_reader_init(&rd, item, len);
        rd.lenient = true;
        if (eh_cbor_read_bstr(&rd, &id, &id_len) != EH_OK || !eh_cbor_at_end(&rd))
            return;
    }
    if (id_len == 0 || id_len > sizeof r->s.c_i)
        return;
    memcpy(r->s.c_i, id, id_len);
    r->s.c_i_len = id_len;
}

/* After a processing failure: the error message the session owes, in a POST
 * prefixed with C_I (Appendix A.2.2), and the engine's finding as verdict. */
static void fail_with_error(client_run *r, const char *what)
{
    size_t n = 0;
    tr_message resp;
    if (eh_error_message(&r->s, r->msg, sizeof r->msg, &n) == EH_OK && r->s.c_i_len > 0)
        post(r, true, r->msg, n, "error", &resp);
    char why[400];
    peer_describe_finding(&r->s, why, sizeof why);
    verdict(r, PEER_EXIT_VERDICT, "FAIL: %s: %s", what, why);
}

/* A response that is not 2.04: an EDHOC error (4.xx/5.xx, CF 64) or a bare
 * CoAP error; named in the verdict. */
static void rejected(client_run *r, const char *what, const tr_message *resp)
{
    char info[160] = "";
    if (resp->payload_len)
        eh_cbor_diag(resp->payload, resp->payload_len, info, sizeof info);
    verdict(r, PEER_EXIT_VERDICT, "FAIL: the Initiator answered %s with CoAP %d.%02d%s%s", what,
            resp->code >> 5, resp->code & 31, info[0] ? " " : "", info);
}

/* C_R: the configured one, unless it equals C_I (RFC 9528 §3.3.3: the
 * Responder picks one different from C_I; fixed_conn_id keeps it anyway). */
static void choose_c_r(client_run *r)
{
    const eh_config *c = r->o->edhoc;
    size_t n = c->conn_id_len;
    if (n > sizeof r->c_r)
        n = sizeof r->c_r;
    memcpy(r->c_r, c->conn_id, n);
    if (!r->o->fixed_conn_id && n == r->s.c_i_len && memcmp(r->c_r, r->s.c_i, n) == 0) {
        n = 1;
        r->c_r[0] = r->s.c_i_len == 1 && r->s.c_i[0] == 0x27 ? 0x28 : 0x27;
    }
    eh_session_set_conn_id(&r->s, r->c_r, n);
}

static bool oscore_request(client_run *r)
{
    char what[160];
    tr_status st = TR_OK;
    tr_message resp;
    switch (peer_oscore_client_check(&r->s, r->o->resource, NULL, 0, r->exchange, r->arg,
                                     r->o->log, r->payload, sizeof r->payload, r->rbuf,
                                     sizeof r->rbuf, &resp, &r->res->oscore, &st, what,
                                     sizeof what)) {
    case PEER_OSCORE_OK:
        if (r->o->out)
            fprintf(r->o->out, "responder: OSCORE %s -> %s\n", r->o->resource, what);
        return true;
    case PEER_OSCORE_UNSUPPORTED:
        if (r->o->out)
            fprintf(r->o->out, "responder: OSCORE not available for suite %d (RFC 8613 §3.2); "
                               "check skipped\n", r->s.suite->id);
        return true;
    case PEER_OSCORE_LOCAL:
        verdict(r, PEER_EXIT_USAGE, "ERROR: %s", what);
        return false;
    case PEER_OSCORE_TRANSPORT:
        transport_verdict(r, "OSCORE request", st);
        return false;
    case PEER_OSCORE_BAD_RESPONSE:
        break;
    }
    verdict(r, PEER_EXIT_VERDICT, "FAIL: OSCORE response: %s (RFC 8613 §8.4)", what);
    return false;
}

/* POST r->msg[0..n) (kind, prefixed with C_I or not) and expect a 2.04:
 * false, with the verdict set, when the exchange failed or the Initiator
 * answered otherwise. */
static bool post_ok(client_run *r, bool prefixed, size_t n, const char *kind, tr_message *resp)
{
    tr_status st = post(r, prefixed, r->msg, n, kind, resp);
    if (st != TR_OK) {
        char sent[96];
        snprintf(sent, sizeof sent, "%s sent", kind);
        transport_verdict(r, prefixed ? sent : "empty POST (the reverse flow's trigger)", st);
        return false;
    }
    if (resp->code != TR_CODE_CHANGED) {
        rejected(r, prefixed ? kind : "the empty POST", resp);
        return false;
    }
    return true;
}

static void handshake(client_run *r)
{
    const peer_reverse_opts *o = r->o;
    tr_message resp;
    size_t n = 0;
    /* the trigger: an empty POST; message_1 in the response */
    if (!post_ok(r, false, 0, "trigger", &resp))
        return;
    if (o->eph_priv != NULL)
        eh_session_set_ephemeral(&r->s, o->eph_priv, o->eph_priv_len, NULL, 0);
    if (eh_responder_process_message_1(&r->s, resp.payload, resp.payload_len) != EH_OK) {
        if (r->s.c_i_len == 0)
            c_i_of_rejected_message_1(r, resp.payload, resp.payload_len);
        return fail_with_error(r, "message_1 from the Initiator");
    }
    choose_c_r(r);
    eh_err err = eh_responder_message_2(&r->s, r->msg, sizeof r->msg, &n);
    if (err != EH_OK)
        return verdict(r, PEER_EXIT_USAGE, "ERROR: cannot build message_2: %s",
                       eh_err_name(err));
    if (!post_ok(r, true, n, "message_2", &resp))
        return;
    if (eh_responder_process_message_3(&r->s, resp.payload, resp.payload_len) != EH_OK)
        return fail_with_error(r, "message_3 from the Initiator");
    if (o->edhoc->message_4) {
        if ((err = eh_responder_message_4(&r->s, r->msg, sizeof r->msg, &n)) != EH_OK)
            return verdict(r, PEER_EXIT_USAGE, "ERROR: cannot build message_4: %s",
                           eh_err_name(err));
        if (!post_ok(r, true, n, "message_4", &resp))
            return;
    }
    r->res->completed = true;
    if (o->oscore && !oscore_request(r))
        return;
    if (!o->oscore)
        eh_oscore_material_derive(&r->s, &r->res->oscore);
    verdict(r, PEER_EXIT_OK, "PASS: handshake (reverse message flow)%s%s",
            o->edhoc->message_4 ? " with message_4" : "", o->oscore ? " and OSCORE" : "");
}

void peer_responder_client_run(const peer_reverse_opts *o, peer_exchange_fn exchange, void *arg,
                               peer_result *res)
{
    client_run *r = calloc(1, sizeof *r);
    memset(res, 0, sizeof *res);
    if (r == NULL) {
        peer_result_verdict(res, PEER_EXIT_USAGE, "ERROR: out of memory");
        return;
    }
    r->o = o, r->exchange = exchange, r->arg = arg, r->res = res;
    if (eh_session_init(&r->s, o->edhoc) != EH_OK)
        verdict(r, PEER_EXIT_USAGE, "ERROR: invalid EDHOC configuration");
    else
        handshake(r);
    eh_session_wipe(&r->s);
    eh_wipe(r, sizeof *r);
    free(r);
}

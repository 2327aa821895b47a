/*
 * initiator_server.c - the reference Initiator in the reverse message flow
 * (RFC 9528 Appendix A.2.2): a CoAP server's handler. An empty POST starts
 * the session and gets message_1; a POST of C_I || message_2 gets message_3
 * (or, when message_2 fails, an EDHOC error in a 4.00); a POST of
 * C_I || message_4 gets an empty 2.04; a POST of C_I || error ends the
 * session; an OSCORE request protected with C_I (RFC 9528 Appendix A.1) is
 * served. One handshake: its outcome is the result (peer_initiator_server_done).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../cbor/cbor.h"
#include "peer_internal.h"

#define CF_EDHOC 64

typedef enum srv_state { SRV_IDLE, SRV_WAIT_M2, SRV_WAIT_M4, SRV_WAIT_OSCORE, SRV_DONE } srv_state;

struct peer_initiator_server {
    peer_reverse_opts o;
    srv_state state;
    eh_session s;
    eh_oscore_ctx oscore;
    bool oscore_ready;
    peer_result res;
    unsigned long requests;
    uint8_t out[TR_MAX_BODY + 512];
    tr_option opts[TR_MAX_OPTIONS];
};

peer_initiator_server *peer_initiator_server_new(const peer_reverse_opts *o)
{
    peer_initiator_server *sv = calloc(1, sizeof *sv);
    if (sv != NULL)
        sv->o = *o;
    return sv;
}

void peer_initiator_server_free(peer_initiator_server *sv)
{
    if (sv == NULL)
        return;
    eh_session_wipe(&sv->s);
    eh_oscore_ctx_clear(&sv->oscore);
    eh_wipe(sv, sizeof *sv);
    free(sv);
}

unsigned long peer_initiator_server_activity(const peer_initiator_server *sv)
{
    return sv->requests;
}

bool peer_initiator_server_done(const peer_initiator_server *sv, peer_result *res)
{
    if (sv->state != SRV_DONE)
        return false;
    *res = sv->res;
    return true;
}

static void finish(peer_initiator_server *sv, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void finish(peer_initiator_server *sv, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sv->res.verdict, sizeof sv->res.verdict, fmt, ap);
    va_end(ap);
    sv->res.exit_code = code;
    sv->state = SRV_DONE;
}

static void respond(peer_initiator_server *sv, tr_message *resp, uint8_t code, int cf,
                    const uint8_t *p, size_t n, const char *kind)
{
    resp->code = code;
    resp->content_format = cf;
    resp->payload = p;
    resp->payload_len = n;
    if (kind != NULL && sv->o.log)
        peer_log_wire(sv->o.log, "sent", kind, p, n, code);
}

/* The engine failed on the Responder's message: the error message it owes
 * goes in a 4.00 response with Content-Format 64 (Appendix A.2.3). */
static void engine_failure(peer_initiator_server *sv, tr_message *resp, const char *what)
{
    size_t n = 0;
    if (eh_error_message(&sv->s, sv->out, sizeof sv->out, &n) == EH_OK)
        respond(sv, resp, TR_CODE_BAD_REQUEST, CF_EDHOC, sv->out, n, "error");
    else
        respond(sv, resp, TR_CODE_BAD_REQUEST, -1, NULL, 0, NULL);
    char why[400];
    peer_describe_finding(&sv->s, why, sizeof why);
    finish(sv, PEER_EXIT_VERDICT, "FAIL: %s: %s", what, why);
}

static void start(peer_initiator_server *sv, tr_message *resp)
{
    if (sv->state != SRV_IDLE) {
        if (sv->o.out)
            fprintf(sv->o.out, "initiator: a new trigger: the session so far is dropped\n");
        eh_session_wipe(&sv->s);
        eh_oscore_ctx_clear(&sv->oscore);
        sv->oscore_ready = false;
    }
    memset(&sv->res, 0, sizeof sv->res);
    size_t n = 0;
    eh_err err = eh_session_init(&sv->s, sv->o.edhoc);
    if (err == EH_OK && sv->o.eph_priv != NULL)
        eh_session_set_ephemeral(&sv->s, sv->o.eph_priv, sv->o.eph_priv_len, NULL, 0);
    if (err == EH_OK)
        err = eh_initiator_message_1(&sv->s, sv->out, sizeof sv->out, &n);
    if (err != EH_OK) {
        respond(sv, resp, TR_CODE_INTERNAL, -1, NULL, 0, NULL);
        finish(sv, PEER_EXIT_USAGE, "ERROR: cannot build message_1: %s", eh_err_name(err));
        return;
    }
    respond(sv, resp, TR_CODE_CHANGED, CF_EDHOC, sv->out, n, "message_1");
    sv->state = SRV_WAIT_M2;
}

/* The session is complete: OSCORE next, or done. */
static void completed(peer_initiator_server *sv)
{
    sv->res.completed = true;
    if (sv->o.oscore) {
        eh_err err = peer_oscore_setup(&sv->s, &sv->oscore, &sv->res.oscore, false);
        if (err == EH_OK) {
            sv->oscore_ready = true;
            sv->state = SRV_WAIT_OSCORE;
            return;
        }
        if (err != EH_ERR_UNSUPPORTED) {
            finish(sv, PEER_EXIT_USAGE, "ERROR: cannot derive the OSCORE context: %s",
                   eh_err_name(err));
            return;
        }
    }
    eh_oscore_material_derive(&sv->s, &sv->res.oscore);
    finish(sv, PEER_EXIT_OK, "PASS: handshake (reverse message flow)%s",
           sv->o.edhoc->message_4 ? " with message_4"
                                  : "; message_3 sent (without message_4 or OSCORE nothing "
                                    "confirms that the Responder accepted it)");
}

static void on_message_2(peer_initiator_server *sv, const uint8_t *p, size_t len,
                         tr_message *resp)
{
    if (eh_initiator_process_message_2(&sv->s, p, len) != EH_OK) {
        engine_failure(sv, resp, "message_2 from the Responder");
        return;
    }
    if (sv->o.oscore && sv->s.c_r_len == sv->s.c_i_len &&
        memcmp(sv->s.c_r, sv->s.c_i, sv->s.c_i_len) == 0) {
        /* RFC 9668 §4.1.3: both OSCORE Recipient IDs would be equal */
        static const char info[] = "C_R equals C_I (RFC 9668 4.1.3)";
        uint8_t tstr[64];
        size_t n = 0;
        eh_cbor_writer w;
        eh_cbor_writer_init(&w, tstr, sizeof tstr);
        eh_cbor_write_tstr(&w, info, sizeof info - 1);
        if (eh_error_message_encode(1, tstr, w.len, sv->out, sizeof sv->out, &n) == EH_OK)
            respond(sv, resp, TR_CODE_BAD_REQUEST, CF_EDHOC, sv->out, n, "error");
        else
            respond(sv, resp, TR_CODE_BAD_REQUEST, -1, NULL, 0, NULL);
        finish(sv, PEER_EXIT_VERDICT, "FAIL: message_2 from the Responder: C_R equals C_I, so "
                                      "both OSCORE Recipient IDs would be equal (RFC 9668 "
                                      "§4.1.3); aborted with ERR_CODE 1");
        return;
    }
    size_t n = 0;
    eh_err err = eh_initiator_message_3(&sv->s, sv->out, sizeof sv->out, &n);
    if (err != EH_OK) {
        respond(sv, resp, TR_CODE_INTERNAL, -1, NULL, 0, NULL);
        finish(sv, PEER_EXIT_USAGE, "ERROR: cannot build message_3: %s", eh_err_name(err));
        return;
    }
    respond(sv, resp, TR_CODE_CHANGED, CF_EDHOC, sv->out, n, "message_3");
    if (sv->o.edhoc->message_4)
        sv->state = SRV_WAIT_M4;
    else
        completed(sv);
}

static void on_message_4(peer_initiator_server *sv, const uint8_t *p, size_t len,
                         tr_message *resp)
{
    if (eh_initiator_process_message_4(&sv->s, p, len) != EH_OK) {
        engine_failure(sv, resp, "message_4 from the Responder");
        return;
    }
    respond(sv, resp, TR_CODE_CHANGED, -1, NULL, 0, "empty 2.04");
    completed(sv);
}

static void on_peer_error(peer_initiator_server *sv, const uint8_t *p, size_t len,
                          tr_message *resp)
{
    char info[200];
    eh_cbor_diag(p, len, info, sizeof info);
    static const char *const after[] = {"", "message_1", "message_3", "message_3", ""};
    respond(sv, resp, TR_CODE_CHANGED, -1, NULL, 0, "empty 2.04");
    finish(sv, PEER_EXIT_VERDICT, "FAIL: the Responder answered %s with an EDHOC error message: %s",
           after[sv->state], info);
}

static void on_oscore(peer_initiator_server *sv, const tr_message *req, tr_message *resp)
{
    const tr_option *osc = NULL;
    for (size_t i = 0; i < req->n_opts; i++)
        if (req->opts[i].number == TR_OPTION_OSCORE)
            osc = &req->opts[i];
    uint8_t kid[EH_MAX_CONN_ID];
    size_t kid_len = 0, n = 0, n_opts = 0;
    uint8_t code = 0;
    if (!sv->oscore_ready || peer_oscore_option_kid(osc->value, osc->len, kid, &kid_len) != EH_OK ||
        kid_len != sv->s.c_i_len || memcmp(kid, sv->s.c_i, kid_len) != 0) {
        respond(sv, resp, TR_CODE_BAD_REQUEST, -1, NULL, 0, NULL);
        return; /* not for this session: the handshake goes on */
    }
    if (sv->o.log)
        peer_log_wire(sv->o.log, "received", "oscore_request", req->payload, req->payload_len,
                      req->code);
    if (peer_oscore_serve(&sv->oscore, req, sv->o.resource, sv->out, sizeof sv->out, &n, &code,
                          sv->opts, &n_opts) != EH_OK) {
        respond(sv, resp, TR_CODE_BAD_REQUEST, -1, NULL, 0, NULL);
        finish(sv, PEER_EXIT_VERDICT, "FAIL: the Responder's OSCORE request did not verify "
                                      "(RFC 8613 §8.2)");
        return;
    }
    respond(sv, resp, code, -1, sv->out, n, "oscore_response");
    for (size_t i = 0; i < n_opts && i < TR_MAX_OPTIONS; i++)
        resp->opts[i] = sv->opts[i];
    resp->n_opts = n_opts;
    finish(sv, PEER_EXIT_OK, "PASS: handshake (reverse message flow)%s and OSCORE",
           sv->o.edhoc->message_4 ? " with message_4" : "");
}

void peer_initiator_server_handle(peer_initiator_server *sv, const tr_message *req,
                                  const char *client, tr_message *resp)
{
    (void)client;
    sv->requests++;
    memset(resp, 0, sizeof *resp);
    resp->content_format = -1;
    for (size_t i = 0; i < req->n_opts; i++)
        if (req->opts[i].number == TR_OPTION_OSCORE) {
            on_oscore(sv, req, resp);
            return;
        }
    if (req->code != TR_CODE_POST || !peer_is_edhoc_path(req->uri_path, sv->o.edhoc_path)) {
        respond(sv, resp, TR_CODE_NOT_FOUND, -1, NULL, 0, NULL);
        return;
    }
    if (sv->o.log && req->payload_len > 0)
        peer_log_wire(sv->o.log, "received", "request", req->payload, req->payload_len,
                      req->code);
    if (req->payload_len == 0) {
        if (sv->state == SRV_DONE) { /* one handshake only */
            respond(sv, resp, TR_CODE_INTERNAL, -1, NULL, 0, NULL);
            return;
        }
        start(sv, resp);
        return;
    }
    uint8_t c_i[EH_MAX_CONN_ID];
    size_t c_i_len = 0, used = 0;
    if (sv->state == SRV_IDLE || sv->state == SRV_DONE ||
        !peer_split_conn_id(req->payload, req->payload_len, c_i, &c_i_len, &used) ||
        c_i_len != sv->s.c_i_len || memcmp(c_i, sv->s.c_i, c_i_len) != 0) {
        /* no session of ours: not an EDHOC message to process (4.00) */
        respond(sv, resp, TR_CODE_BAD_REQUEST, -1, NULL, 0, NULL);
        if (sv->o.out)
            fprintf(sv->o.out, "initiator: a POST without the C_I prefix of a session in "
                               "progress (RFC 9528 A.2.2): 4.00\n");
        return;
    }
    const uint8_t *p = req->payload + used;
    size_t len = req->payload_len - used;
    if (peer_is_error_message(p, len))
        on_peer_error(sv, p, len, resp);
    else if (sv->state == SRV_WAIT_M2)
        on_message_2(sv, p, len, resp);
    else if (sv->state == SRV_WAIT_M4)
        on_message_4(sv, p, len, resp);
    else
        respond(sv, resp, TR_CODE_BAD_REQUEST, -1, NULL, 0, NULL);
}

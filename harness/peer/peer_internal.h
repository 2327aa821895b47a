/* peer_internal.h - shared by the peer layer's files; not a public API. */
#ifndef EH_PEER_INTERNAL_H
#define EH_PEER_INTERNAL_H

#include "peer.h"

/* One Responder session slot. */
typedef struct resp_session {
    bool used;
    uint64_t created;        /* logical creation time, for eviction */
    char client[64];         /* transport address of the Initiator */
    bool raw;                /* bare framing: message_3 correlated by address */
    uint8_t c_r[EH_MAX_CONN_ID];
    size_t c_r_len;
    eh_session s;
    uint8_t last_req[512], last_resp[512]; /* duplicate detection (raw UDP) */
    size_t last_req_len, last_resp_len;
    eh_oscore_ctx oscore;
    eh_oscore_material oscore_params;
    bool oscore_ready;
} resp_session;

void resp_session_clear(resp_session *rs);
/* The live session with this C_R, other than `except` (may be NULL). */
resp_session *resp_session_by_c_r(peer_responder *r, const uint8_t *c_r, size_t len,
                                  const resp_session *except);
void peer_responder_oscore(peer_responder *r, const tr_message *req, tr_message *resp);

/* "role: verdict: <message> ... field ... offset ... RFC" for a failed session. */
void peer_report_failure(FILE *out, const char *role, const eh_session *s);
void peer_responder_completed(FILE *out, const resp_session *rs);
/* One-line description of a session's finding into buf. */
void peer_describe_finding(const eh_session *s, char *buf, size_t cap);

/* OSCORE glue (peer_oscore.c). */
typedef struct peer_oscore_req {
    eh_oscore_req_state st;
    uint8_t combined[TR_MAX_BODY]; /* RFC 9668 payload: message_3 || ciphertext */
} peer_oscore_req;

/* Export the OSCORE material of a completed session (RFC 9528 A.1) and
 * derive the security context from it (RFC 8613 §3.2). */
eh_err peer_oscore_setup(eh_session *s, eh_oscore_ctx *ctx, eh_oscore_material *m);
/* Client: a protected GET of `resource`; with m3 != NULL the RFC 9668
 * combined request (EDHOC option, payload message_3 || ciphertext). The
 * request points into buf and st. */
eh_err peer_oscore_request(eh_oscore_ctx *ctx, const char *resource, const uint8_t *m3,
                           size_t m3_len, tr_message *req, uint8_t *buf, size_t cap,
                           peer_oscore_req *st);
/* Client: verify and decrypt the response; `what` describes the outcome
 * (inner code and payload, or why it failed). */
eh_err peer_oscore_check_response(eh_oscore_ctx *ctx, const peer_oscore_req *st,
                                  const tr_message *resp, char *what, size_t cap);
eh_err peer_oscore_option_kid(const uint8_t *v, size_t len, uint8_t *kid, size_t *kid_len);
/* Unprotect the request, answer the resource, protect the response. */
eh_err peer_oscore_serve(resp_session *rs, const tr_message *req, const char *resource,
                         uint8_t *out, size_t cap, size_t *n, uint8_t *code, tr_option *opts,
                         size_t *n_opts);

#endif

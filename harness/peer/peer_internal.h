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
    /* faults replay-message-3, keep-session-after-error: the session as it was
     * before message_3 (allocated only with those faults) */
    eh_session *before_m3;
    bool tombstone;          /* fault answer-aborted-message-3: ended by the Initiator's error */
    /* session_table.c's links (slot + 1; 0: none); cleared with the session */
    uint32_t prev, next;     /* eviction list: half-open, or completed */
    bool in_completed;
    bool c_r_indexed, m1_indexed;
    uint32_t next_c_r, next_m1;
    uint32_t m1_bucket;
} resp_session;

void resp_session_clear(resp_session *rs);
/* Split the connection identifier prefix of Appendix A.2 (a one-byte CBOR
 * integer or a bstr, RFC 9528 §3.3.2) off p[0..len): the identifier into
 * id (EH_MAX_CONN_ID bytes), the prefix's length into *used. False when p
 * does not start with one. */
/* Is p[0..len) exactly an EDHOC error message (ERR_CODE : int, ERR_INFO)? */
bool peer_is_error_message(const uint8_t *p, size_t len);
/* Is got (a request's Uri-Path, "/a/b"; NULL: none) the EDHOC resource
 * want (NULL: PEER_EDHOC_PATH)? A "?query" in want is what a client sends
 * as Uri-Query options; a server ignores it. */
bool peer_is_edhoc_path(const char *got, const char *want);
bool peer_split_conn_id(const uint8_t *p, size_t len, uint8_t *id, size_t *id_len, size_t *used);
/* The live session with this C_R, other than `except` (may be NULL). */
resp_session *resp_session_by_c_r(peer_responder *r, const uint8_t *c_r, size_t len,
                                  const resp_session *except);
void peer_responder_oscore(peer_responder *r, const tr_message *req, tr_message *resp);

/* "role: verdict: <message> ... field ... offset ... RFC" for a failed session. */
void peer_report_failure(FILE *out, const char *role, const eh_session *s);
void peer_responder_completed(FILE *out, const resp_session *rs);
/* res's verdict line (formatted) and exit code. */
void peer_result_verdict(peer_result *res, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* One-line description of a session's finding into buf. */
void peer_describe_finding(const eh_session *s, char *buf, size_t cap);

#endif

/*
 * peer.h - the reference peer: EDHOC Initiator and Responder driven over a
 * transport (CoAP or raw UDP), with the framing of RFC 9528 Appendix A.2
 * (message_1 prefixed by CBOR true, message_3 by C_R), and the OSCORE
 * exchange that proves the derived keys work.
 *
 * This layer owns no socket: the Responder is a function from a received
 * request to the response to send (peer_responder_handle), the Initiator
 * talks through an exchange callback. The transports (harness/transport/)
 * and the command line (harness/cli/peer_cmd.c) sit around it.
 */
#ifndef EH_PEER_H
#define EH_PEER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../edhoc/edhoc.h"
#include "../oscore/oscore.h"
#include "../transport/coap.h"
#include "../transport/udp.h"

typedef enum peer_framing {
    PEER_FRAMING_RFC9528, /* f5 || message_1, C_R || message_3 (Appendix A.2) */
    PEER_FRAMING_RAW,     /* bare EDHOC messages, correlated by the client's address */
    PEER_FRAMING_AUTO     /* Responder: decide per message_1 from its first byte */
} peer_framing;

typedef enum peer_transport { PEER_COAP, PEER_UDP, PEER_COAP_TCP } peer_transport;

/* The EDHOC resource of RFC 9528 Appendix A.2 (§10.10, well-known URI). */
#define PEER_EDHOC_PATH "/.well-known/edhoc"

/* Exit codes of `edhoc-harness peer` (documented in --help and the README). */
enum {
    PEER_EXIT_OK = 0,       /* handshake (and OSCORE check) succeeded */
    PEER_EXIT_VERDICT = 1,  /* the other peer misbehaved: a verdict was printed */
    PEER_EXIT_USAGE = 2,    /* usage or local error */
    PEER_EXIT_TIMEOUT = 3   /* the other peer did not answer in time */
};

/* Deliberate deviations of the reference peer beyond the engine's
 * EH_FAULT_* (which it also accepts): see peer_fault_parse. */
enum {
    PEER_FAULT_REUSE_EPHEMERAL = 1u << 0, /* one ephemeral key for every session / attempt */
    PEER_FAULT_NO_MESSAGE_4 = 1u << 1,    /* Responder omits a required message_4 */
    PEER_FAULT_OSCORE_SWAP_IDS = 1u << 2, /* Responder derives OSCORE with swapped IDs */
    PEER_FAULT_C_R_PREFIX_BSTR = 1u << 3, /* Initiator prefixes message_3 and its error
                                             messages with C_R always as a bstr (breaks
                                             §3.3.2 for one-byte integers) */
    PEER_FAULT_DUPLICATE_NEW_MESSAGE_2 = 1u << 4, /* Responder answers a duplicate message_1
                                             with a new message_2 keeping C_R (breaks §7) */
    PEER_FAULT_NO_EVICTION = 1u << 5,     /* Responder with a full session table refuses every
                                             new message_1 instead of evicting the oldest
                                             half-open session (so a flood locks it up) */
    /* Faults that show only in sequences (issue 10, found by `explore`): */
    PEER_FAULT_REPLAY_MESSAGE_3 = 1u << 6, /* Responder processes a replayed message_3 of a
                                             completed session again: a new OSCORE context,
                                             whose replay window is empty (breaks §5.1) */
    PEER_FAULT_KEEP_SESSION_AFTER_ERROR = 1u << 7, /* Responder that rejected message_3 with an
                                             error keeps the session: the correct message_3
                                             is accepted afterwards (breaks §6) */
    PEER_FAULT_ANSWER_ABORTED_MESSAGE_3 = 1u << 8, /* Responder answers message_3 of a session
                                             the Initiator's error message ended with 2.04,
                                             as if accepted, but has no OSCORE context */
    PEER_FAULT_REPROCESS_MESSAGE_2 = 1u << 9, /* Initiator over raw UDP takes a duplicate
                                             message_2 for the answer to message_3 and
                                             processes it again: an error, and abort */
    PEER_FAULT_FORGET_SUITE_AFTER_ERR_2 = 1u << 10, /* Initiator ignores SUITES_R: after
                                             ERR_CODE 2 it selects the same suite again */
    PEER_FAULT_PLAIN_COAP_WITHOUT_CONTEXT = 1u << 11, /* Responder answers an OSCORE request
                                             it has no context for (e.g. before message_3)
                                             as plain CoAP: 2.05, unprotected (breaks
                                             RFC 8613 §8.2) */
    PEER_FAULT_REJECT_MESSAGE_4 = 1u << 12, /* Initiator takes a valid message_4 for an invalid
                                             one: it gives up silently (no error message)
                                             and exits 1, for tests of how its exit status
                                             is judged (the engine's own rejection of a bad
                                             message_4 sends an error message) */
    PEER_FAULT_RESEND_NEW_MESSAGE_3 = 1u << 13, /* Initiator over raw UDP answers a duplicate
                                             message_2 with a new message_3, built again from
                                             the session as it was after message_2 with a
                                             padding EAD_3 item (as a re-signing Initiator
                                             would: breaks RFC 9528 §7) */
    PEER_FAULT_REVERSE_NO_PREFIX = 1u << 14, /* reverse flow: the Responder (CoAP client)
                                             POSTs message_2 and message_4 without the
                                             C_I prefix (breaks Appendix A.2.2) */
    PEER_FAULT_COUNT_ = 15
};
/* "reuse-ephemeral" ... -> bit, 0 if unknown; names for --help. */
unsigned peer_fault_parse(const char *name);
const char *peer_fault_name(unsigned bit);

/* One message on the wire, for the transcript. */
typedef struct peer_wire_event {
    const char *direction;  /* "sent" / "received" */
    const char *kind;       /* "message_1", "error", "oscore_request", ... */
    const uint8_t *bytes;   /* the EDHOC message or CoAP payload */
    size_t len;
    int coap_code;          /* 0 when not CoAP */
} peer_wire_event;

/* Records messages and derived values; writes the transcript JSON. */
typedef struct peer_log peer_log;
peer_log *peer_log_new(void);
void peer_log_free(peer_log *log);
void peer_log_wire(peer_log *log, const char *direction, const char *kind, const uint8_t *b,
                   size_t len, int coap_code);
void peer_log_note(peer_log *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* eh_trace_fn adapter (arg = peer_log). */
void peer_log_trace(void *arg, const char *name, const uint8_t *val, size_t len);
/* Atomically write {"messages": [...], "values": {...}, "notes": [...],
 * "verdict": ...} to path; 0 or -1. */
int peer_log_write(peer_log *log, const char *path, const char *verdict);
/* OSCORE context as JSON (hex strings), atomically; 0 or -1. */
int peer_oscore_write(const eh_oscore_material *p, const char *path);

/* ------------------------------------------------------------- Responder */

typedef struct peer_responder peer_responder;

typedef struct peer_responder_opts {
    const eh_config *edhoc;    /* template; conn_id ignored unless fixed_c_r */
    bool fixed_c_r;            /* use edhoc->conn_id for every session (vector mode) */
    peer_framing framing;
    size_t max_sessions;       /* bounded table (session_table.h: allocated at once,
                                * about 6 KB a session); when it is full a new message_1
                                * evicts the oldest half-open session (the least recently
                                * completed one if none is half-open) */
    const char *resource;      /* OSCORE resource path, e.g. "/hello" */
    const char *edhoc_path;    /* CoAP: the EDHOC resource it serves (NULL:
                                * PEER_EDHOC_PATH; RFC 9528 Appendix A.2 lets an
                                * application define its own) */
    const uint8_t *eph_priv;   /* vector mode: ephemeral key for every session */
    size_t eph_priv_len;
    peer_log *log;             /* optional */
    FILE *out;                 /* one-line summaries (stdout), may be NULL */
    unsigned faults;           /* PEER_FAULT_* */
    bool no_oscore;            /* serve no OSCORE: a request with an OSCORE option gets
                                * 4.02 Bad Option (RFC 7252 §5.4.1: an unrecognized
                                * critical option), as from a peer without OSCORE */
} peer_responder_opts;

peer_responder *peer_responder_new(const peer_responder_opts *opts);
void peer_responder_free(peer_responder *r);

/*
 * Handle one request. `req` is the CoAP request (for raw UDP: code POST,
 * uri_path "/.well-known/edhoc", payload = the datagram) and `client` names
 * the sender (address string) for raw-framing correlation. Fills *resp
 * (payload in the responder's own buffer, valid until the next call).
 */
void peer_responder_handle(peer_responder *r, const tr_message *req, const char *client,
                           tr_message *resp);

/* Counters for summaries and tests. */
typedef struct peer_responder_stats {
    unsigned long handshakes_completed, oscore_ok, errors_sent, evictions, raw_framing_seen;
    unsigned long refused;     /* message_1 refused for a full table (fault no-eviction) */
    size_t active_sessions;
} peer_responder_stats;
void peer_responder_get_stats(const peer_responder *r, peer_responder_stats *st);

/* ------------------------------------------------------------- Initiator */

/* Perform one request/response over the transport. */
typedef tr_status (*peer_exchange_fn)(void *arg, const tr_message *req, tr_message *resp,
                                      uint8_t *buf, size_t cap);

typedef struct peer_initiator_opts {
    const eh_config *edhoc;
    peer_framing framing;     /* RFC9528 or RAW */
    bool combined;            /* RFC 9668: message_3 inside the first OSCORE request */
    bool oscore;              /* run the OSCORE check after the handshake */
    const char *resource;     /* "/hello" */
    const char *edhoc_path;   /* CoAP: the EDHOC resource (NULL: PEER_EDHOC_PATH) */
    int max_attempts;         /* message_1 attempts (suite negotiation), e.g. 3 */
    const uint8_t *eph_priv;  /* vector mode: ephemeral key */
    size_t eph_priv_len;
    peer_log *log;
    FILE *out;
    unsigned faults;          /* PEER_FAULT_* */
    /* Raw UDP (peer_udp_client.once, NULL over CoAP): nothing answers a
     * message_3 accepted without message_4 (RFC 9528 defines no
     * acknowledgment), so it goes once and silence within the bound is its
     * acceptance; an error message would have said otherwise. */
    bool *m3_once;
} peer_initiator_opts;

typedef struct peer_result {
    int exit_code;            /* PEER_EXIT_* */
    char verdict[512];        /* one line */
    eh_oscore_material oscore;  /* valid when the handshake completed */
    bool completed;
} peer_result;

void peer_initiator_run(const peer_initiator_opts *o, peer_exchange_fn exchange, void *arg,
                        peer_result *res);

/* --------------------------------------------------- reverse message flow
 * RFC 9528 Appendix A.2.2: the CoAP client is the Responder and the CoAP
 * server the Initiator. The client starts a session with an empty POST to
 * the EDHOC resource; message_1 comes back in the 2.04 response; message_2
 * (and message_4) go in POSTs prefixed with C_I (CF 65); message_3 comes back
 * in the response to message_2. EDHOC errors from the server go in 4.00
 * responses (CF 64), from the client in a POST prefixed with C_I. OSCORE
 * (RFC 9528 Appendix A.1): the client, the Responder, protects a request
 * with its Sender ID C_I, the server answers it. CoAP only: raw UDP has no
 * client and server. */
typedef struct peer_reverse_opts {
    const eh_config *edhoc;
    bool fixed_conn_id;       /* Responder: edhoc->conn_id even when it equals C_I */
    bool oscore;              /* Responder: an OSCORE request after the handshake;
                               * Initiator: wait for it (and serve it) before passing */
    const char *resource;     /* "/hello" */
    const char *edhoc_path;   /* CoAP: the EDHOC resource (NULL: PEER_EDHOC_PATH) */
    const uint8_t *eph_priv;  /* vector mode: ephemeral key */
    size_t eph_priv_len;
    peer_log *log;
    FILE *out;
    unsigned faults;          /* PEER_FAULT_REVERSE_NO_PREFIX only */
} peer_reverse_opts;

/* The Responder as CoAP client: one handshake (trigger, message_1 .. 3,
 * message_4 when edhoc->message_4, then the OSCORE request when oscore). */
void peer_responder_client_run(const peer_reverse_opts *o, peer_exchange_fn exchange, void *arg,
                               peer_result *res);

/* The Initiator as CoAP server: handles the requests of one handshake; a
 * new trigger while one runs starts it again (with a note). */
typedef struct peer_initiator_server peer_initiator_server;
peer_initiator_server *peer_initiator_server_new(const peer_reverse_opts *o);
void peer_initiator_server_free(peer_initiator_server *s);
/* Same contract as peer_responder_handle (resp's payload valid until the
 * next call). */
void peer_initiator_server_handle(peer_initiator_server *s, const tr_message *req,
                                  const char *client, tr_message *resp);
/* True once the handshake has ended, passed or failed; *res then holds the
 * outcome (exit code, verdict, OSCORE material when it completed). Without
 * message_4 or OSCORE, the server cannot know whether the client accepted
 * message_3: it passes once message_3 is sent (its verdict says so). */
bool peer_initiator_server_done(const peer_initiator_server *s, peer_result *res);
/* How many requests it has handled (to bound the wait for the next one). */
unsigned long peer_initiator_server_activity(const peer_initiator_server *s);

/* ------------------------------------------------------------- raw UDP */

/* Initiator side: peer_udp_exchange has the shape of peer_exchange_fn
 * (arg = a peer_udp_client with a connected socket). */
typedef struct peer_udp_client {
    tr_udp u;
    int timeout_ms;           /* bound of one exchange, retransmissions included */
    uint16_t mid;             /* of the last CoAP request; its token is mid too */
    uint8_t token[2];
    bool coap_in_flight;
    uint8_t dgram[TR_UDP_MAX_DATAGRAM];
    /* The previous answer (has_last: there is one; an empty datagram is an
     * answer too) and how many late copies of it may still come (one per
     * retransmission of its request): those are dropped. */
    uint8_t last[TR_UDP_MAX_DATAGRAM];
    size_t last_len;
    bool has_last;
    int late;
    /* The request it answered: only the same request again can be
     * answered by an identical datagram (RFC 9528 §7 allows that). */
    uint8_t last_req[TR_UDP_MAX_DATAGRAM];
    size_t last_req_len;
    bool same_request;
    bool keep_copies;         /* fault reprocess-message-2: no late copy is dropped */
    /* Set before an exchange: send the request once and wait the whole
     * bound (a message_3 no answer is due to over raw UDP: a copy sent
     * again would be a duplicate the peer may answer with an error, §7).
     * Cleared by the exchange. */
    bool once;
} peer_udp_client;
tr_status peer_udp_exchange(void *arg, const tr_message *req, tr_message *resp, uint8_t *buf,
                            size_t cap);

/* Responder side: a datagram is a CoAP message when it parses as one and
 * carries an OSCORE option, else a bare EDHOC message (a POST to
 * /.well-known/edhoc). req points into the datagram.
 * EDHOC wins where both readings fit: a datagram that is exactly one CBOR
 * bstr (a bare message_3), or a C_R prefix and message_3 (one bstr) or an
 * error message when awaits_m3 (if not NULL) says a session with that C_R
 * waits for message_3. A bstr's first byte reads as CoAP version 1, so such
 * EDHOC messages can parse as CoAP with an OSCORE option (with two-byte
 * C_Rs about one message_3 in a few hundred does). */
typedef struct peer_udp_request {
    bool coap;
    eh_coap_udp_hdr hdr;
    tr_message req;
} peer_udp_request;
typedef bool (*peer_awaits_m3_fn)(void *arg, const uint8_t *c_r, size_t len);
void peer_udp_request_parse(const uint8_t *d, size_t n, peer_udp_request *rq);
void peer_udp_request_parse_for(const uint8_t *d, size_t n, peer_awaits_m3_fn awaits_m3,
                                void *arg, peer_udp_request *rq);
/* peer_awaits_m3_fn of a Responder (arg = the peer_responder). */
bool peer_responder_awaits_m3(void *responder, const uint8_t *c_r, size_t len);
/* The datagram answering rq: false when nothing is to be sent (code 0). */
bool peer_udp_response_encode(const peer_udp_request *rq, const tr_message *resp, uint8_t *out,
                              size_t cap, const uint8_t **dgram, size_t *len);

/* Responder side, retransmissions: a datagram byte-identical to the last
 * one from the same client within EXCHANGE_LIFETIME (247 s, RFC 7252
 * §4.8.2) is a retransmission and gets the identical answer again, or none
 * if none was sent (RFC 9528 §7: a duplicate never causes a new message;
 * RFC 7252 §4.5). One slot per client, the least recently used one is
 * reused; copies are heap-allocated, at most two datagrams per slot. */
#define PEER_UDP_REPLAY_SLOTS 32
#define PEER_UDP_EXCHANGE_LIFETIME_MS 247000
typedef struct peer_udp_replay_slot {
    tr_addr from;
    uint8_t *req, *resp;
    size_t req_len, resp_len;
    bool answered;
    int64_t at_ms;
} peer_udp_replay_slot;
typedef struct peer_udp_replay {
    peer_udp_replay_slot slot[PEER_UDP_REPLAY_SLOTS];
} peer_udp_replay;
/* True when d[0..n) from `from` is a retransmission: *answer, *answer_len
 * is what to send again (*answer NULL: nothing was sent). */
bool peer_udp_replay_lookup(peer_udp_replay *c, const tr_addr *from, const uint8_t *d, size_t n,
                            int64_t now_ms, const uint8_t **answer, size_t *answer_len);
/* The same, whoever sent it: with one client (a scenario's IUT), the same
 * datagram from another address is a retransmission from a client whose
 * address changed (a NAT rebinding, a socket per datagram). Not for a
 * server of many clients: two of them may send the same bytes (RFC 9529's
 * deterministic keys). */
bool peer_udp_replay_lookup_any(peer_udp_replay *c, const uint8_t *d, size_t n, int64_t now_ms,
                                const uint8_t **answer, size_t *answer_len);
/* Remember d[0..n) from `from` and its answer (NULL: none was sent). On
 * allocation failure the slot is simply left empty. */
void peer_udp_replay_store(peer_udp_replay *c, const tr_addr *from, const uint8_t *d, size_t n,
                           const uint8_t *answer, size_t answer_len, int64_t now_ms);
void peer_udp_replay_free(peer_udp_replay *c);

/* ------------------------------------------------------------ OSCORE glue
 * (peer_oscore.c), also used by the scenario executor. */
/* OSCORE glue (peer_oscore.c). */
typedef struct peer_oscore_req {
    eh_oscore_req_state st;
    uint8_t combined[TR_MAX_BODY]; /* RFC 9668 payload: message_3 || ciphertext */
} peer_oscore_req;

/* Export the OSCORE material of a completed session (RFC 9528 A.1) and
 * derive the security context from it (RFC 8613 §3.2). */
eh_err peer_oscore_setup(eh_session *s, eh_oscore_ctx *ctx, eh_oscore_material *m, bool swap_ids);
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

/* Client: the OSCORE check after a handshake (both flows' clients): derive the
 * context from s (its material into *m), protect a GET of resource (with m3:
 * the RFC 9668 combined request carrying it), exchange it, verify the
 * response, which lands in *resp (buf/rbuf: the request's and the response's
 * room). `what` gets the outcome: the inner code and payload, or why not. */
typedef enum peer_oscore_outcome {
    PEER_OSCORE_OK,
    PEER_OSCORE_UNSUPPORTED,   /* the suite's hash gives OSCORE no HKDF (RFC 8613 §3.2) */
    PEER_OSCORE_LOCAL,         /* the context or the request could not be made */
    PEER_OSCORE_TRANSPORT,     /* the exchange failed: *st says how */
    PEER_OSCORE_BAD_RESPONSE   /* the response does not verify (RFC 8613 §8.4) */
} peer_oscore_outcome;
peer_oscore_outcome peer_oscore_client_check(eh_session *s, const char *resource,
                                             const uint8_t *m3, size_t m3_len,
                                             peer_exchange_fn exchange, void *arg,
                                             peer_log *log, uint8_t *buf, size_t cap,
                                             uint8_t *rbuf, size_t rcap, tr_message *resp,
                                             eh_oscore_material *m, tr_status *st, char *what,
                                             size_t what_cap);
/* Server: unprotect the request with ctx, answer `resource` (2.05 with a
 * greeting, 4.04 for other paths), protect the response into out. */
eh_err peer_oscore_serve(eh_oscore_ctx *ctx, const tr_message *req, const char *resource,
                         uint8_t *out, size_t cap, size_t *n, uint8_t *code, tr_option *opts,
                         size_t *n_opts);



#endif

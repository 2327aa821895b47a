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

typedef enum peer_framing {
    PEER_FRAMING_RFC9528, /* f5 || message_1, C_R || message_3 (Appendix A.2) */
    PEER_FRAMING_RAW,     /* bare EDHOC messages, correlated by the client's address */
    PEER_FRAMING_AUTO     /* Responder: decide per message_1 from its first byte */
} peer_framing;

typedef enum peer_transport { PEER_COAP, PEER_UDP } peer_transport;

/* Exit codes of `edhoc-harness peer` (documented in --help and the README). */
enum {
    PEER_EXIT_OK = 0,       /* handshake (and OSCORE check) succeeded */
    PEER_EXIT_VERDICT = 1,  /* the other peer misbehaved: a verdict was printed */
    PEER_EXIT_USAGE = 2,    /* usage or local error */
    PEER_EXIT_TIMEOUT = 3   /* the other peer did not answer in time */
};

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
    size_t max_sessions;       /* bounded table; the oldest half-open is evicted */
    const char *resource;      /* OSCORE resource path, e.g. "/hello" */
    const uint8_t *eph_priv;   /* vector mode: ephemeral key for every session */
    size_t eph_priv_len;
    peer_log *log;             /* optional */
    FILE *out;                 /* one-line summaries (stdout), may be NULL */
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
    int max_attempts;         /* message_1 attempts (suite negotiation), e.g. 3 */
    const uint8_t *eph_priv;  /* vector mode: ephemeral key */
    size_t eph_priv_len;
    peer_log *log;
    FILE *out;
} peer_initiator_opts;

typedef struct peer_result {
    int exit_code;            /* PEER_EXIT_* */
    char verdict[512];        /* one line */
    eh_oscore_material oscore;  /* valid when the handshake completed */
    bool completed;
} peer_result;

void peer_initiator_run(const peer_initiator_opts *o, peer_exchange_fn exchange, void *arg,
                        peer_result *res);

#endif

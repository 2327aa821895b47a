/*
 * coap.h - CoAP transport on libcoap 3 (Debian libcoap3, 4.3.1, no DTLS):
 * a client that performs one request/response exchange at a time, and a
 * server that hands every request to one handler. Block-wise transfer
 * (RFC 7959) is done by libcoap underneath in both directions, so handlers
 * see whole bodies.
 *
 * Every wait is bounded: the client gives up at its deadline
 * (EH_ERR_TIMEOUT-like result: tr_status TR_TIMEOUT), the server's run
 * call returns after at most timeout_ms. Nothing here knows EDHOC; the
 * peer layer decides what the bytes mean.
 *
 * Buffers: request/response views point into memory owned by the caller
 * (client) or by the server for the duration of the handler call only.
 */
#ifndef EH_TRANSPORT_COAP_H
#define EH_TRANSPORT_COAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/eh_err.h"

#define TR_MAX_OPTIONS 16
#define TR_MAX_BODY 16384 /* largest request or response body handled */

/* CoAP codes as in RFC 7252 §12.1: class << 5 | detail. */
enum {
    TR_CODE_GET = 0x01,
    TR_CODE_POST = 0x02,
    TR_CODE_CHANGED = 0x44,     /* 2.04 */
    TR_CODE_CONTENT = 0x45,     /* 2.05 */
    TR_CODE_BAD_REQUEST = 0x80, /* 4.00 */
    TR_CODE_BAD_OPTION = 0x82,  /* 4.02 */
    TR_CODE_NOT_FOUND = 0x84,   /* 4.04 */
    TR_CODE_INTERNAL = 0xa0     /* 5.00 */
};

enum { TR_OPTION_OSCORE = 9, TR_OPTION_EDHOC = 21 };

typedef enum tr_status {
    TR_OK = 0,        /* a response arrived */
    TR_TIMEOUT,       /* no response before the deadline */
    TR_RESET,         /* the peer answered with a CoAP Reset */
    TR_ERROR          /* local failure (socket, libcoap); see stderr */
} tr_status;

/*
 * Optional watch for a client's waits: has the process at the other end
 * ended (an IUT that exited or crashed)? Asked at least every 100 ms while
 * a wait runs; when it says true, what had already arrived is still read,
 * and then the wait ends at once as TR_TIMEOUT instead of at its deadline
 * (the client then tells that it gave up early: tr_coap_client_gave_up,
 * tr_udp.gave_up).
 */
typedef bool (*tr_gone_fn)(void *arg);

typedef struct tr_option {
    uint16_t number;
    const uint8_t *value;
    size_t len;
} tr_option;

/* A CoAP request or response as the peer layer sees it. */
typedef struct tr_message {
    uint8_t code;            /* TR_CODE_* or any CoAP code */
    const char *uri_path;    /* requests: "/.well-known/edhoc", or NULL for none */
    int content_format;      /* -1 = option absent */
    tr_option opts[TR_MAX_OPTIONS]; /* other options (e.g. OSCORE, EDHOC), any order */
    size_t n_opts;
    const uint8_t *payload;
    size_t payload_len;
} tr_message;

/* ------------------------------------------------------------------ client */

typedef struct tr_coap_client tr_coap_client;

/* CoAP over UDP (RFC 7252) or over TCP (RFC 8323). */
/* The largest datagram the CoAP client and server take over UDP (a
 * response, a request): libcoap 4.3.1's receive buffer (COAP_RXBUFFER_SIZE),
 * above RFC 7252 §4.6's 1152 bytes. A larger one is dropped and named
 * (tr_coap_client_detail, tr_coap_server_detail); a longer body must come
 * in blocks (RFC 7959). What the harness sends keeps to 1152 bytes a
 * datagram (longer bodies in Block1 / Block2 blocks). */
#define TR_COAP_MAX_DATAGRAM 1472

typedef enum tr_coap_proto { TR_COAP_UDP = 0, TR_COAP_TCP } tr_coap_proto;

/* host: IPv4 or IPv6 literal or name; port: UDP port. Returns EH_OK or
 * EH_ERR_ARG (unresolvable address) / EH_ERR_UNSUPPORTED (libcoap failure). */
eh_err tr_coap_client_open(tr_coap_client **out, const char *host, uint16_t port);
/* The same over the given protocol (TCP: the connection is made with the
 * first request; a refused connection is TR_RESET). */
eh_err tr_coap_client_open_proto(tr_coap_client **out, const char *host, uint16_t port,
                                 tr_coap_proto proto);
void tr_coap_client_close(tr_coap_client *c);

/*
 * Send a confirmable request and wait for its response for at most
 * timeout_ms in total (libcoap retransmits within that time). The
 * response's payload and options are copied into buf (cap bytes) and resp
 * points into it. Returns the status; resp is filled only for TR_OK.
 */
tr_status tr_coap_client_request(tr_coap_client *c, const tr_message *req, int timeout_ms,
                                 tr_message *resp, uint8_t *buf, size_t cap);

/*
 * Sizes of the last exchange's datagrams, bytes of the CoAP-over-UDP message
 * (header, token, options, payload marker, payload; RFC 7252 §3): the
 * request's first transmission (with Block1, its first block) and the
 * response as received. -1 when not known: no request yet, no response, a
 * response that libcoap reassembled from several Block2 datagrams, or the
 * answer to a request libcoap repeated for an Echo option (below).
 */
void tr_coap_client_wire_sizes(const tr_coap_client *c, long *request, long *response);
/*
 * Did the server first answer the last request with 4.01 (Unauthorized) and
 * an Echo option (RFC 9175 §2.4 item 3; RFC 9528 Appendix A.2 allows it for
 * the first POST)? libcoap then repeats the request with that Echo option by
 * itself (RFC 9175 §2.3): the response the caller got answers the
 * repetition, and the 4.01 was never seen (its size is not known).
 */
bool tr_coap_client_echo_retried(const tr_coap_client *c);
/*
 * Why the last exchange brought no usable response, when the client knows
 * more than its status says: what the server sent that was dropped or
 * rejected on the way (signaling codes over UDP, responses with an unknown
 * critical option, Block2 blocks other than the one due, datagrams too
 * large) and why a TR_ERROR ended it (e.g. a Block2 body past TR_MAX_BODY).
 * "" when there is nothing to add; valid until the next request.
 */
const char *tr_coap_client_detail(const tr_coap_client *c);
/* Watch the server's process during every wait (tr_gone_fn); gone NULL:
 * no watch (the default). */
void tr_coap_client_watch(tr_coap_client *c, tr_gone_fn gone, void *arg);
/* Did the last exchange end early, TR_TIMEOUT because the watch said the
 * server's process had ended? */
bool tr_coap_client_gave_up(const tr_coap_client *c);

/* ------------------------------------------------------------------ server */

typedef struct tr_coap_server tr_coap_server;

/*
 * Called for every request whatever its Uri-Path (unknown paths included).
 * Fill *resp (code, content format, options, payload pointing to memory
 * that stays valid until the handler is called again, e.g. a buffer in
 * arg). Set resp->code to 0 to send no response at all (the request is
 * then only acknowledged if confirmable, as an empty ACK).
 */
typedef void (*tr_coap_handler)(void *arg, const tr_message *req, const char *peer_addr,
                                tr_message *resp);


/* Bind host:port (port 0 = any free port; tr_coap_server_port() tells
 * which). Options 9 (OSCORE) and 21 (EDHOC) are registered as known. */
eh_err tr_coap_server_open(tr_coap_server **out, const char *host, uint16_t port,
                           tr_coap_handler handler, void *arg);
/* The same over the given protocol (TCP: a listening endpoint). */
eh_err tr_coap_server_open_proto(tr_coap_server **out, const char *host, uint16_t port,
                                 tr_coap_proto proto, tr_coap_handler handler, void *arg);
uint16_t tr_coap_server_port(const tr_coap_server *s);
/* Process I/O for at most timeout_ms (returns earlier after work).
 * EH_OK, or EH_ERR_UNSUPPORTED on a libcoap failure. */
eh_err tr_coap_server_run(tr_coap_server *s, int timeout_ms);
void tr_coap_server_close(tr_coap_server *s);
/*
 * What the server dropped from the IUT before libcoap saw it since the
 * last call (signaling codes over UDP; a datagram too large for libcoap's
 * receive buffer, or a Block1 request whose body goes past TR_MAX_BODY:
 * *too_large is then set, as such a request could not be taken), "" when
 * nothing; valid until the next call.
 */
const char *tr_coap_server_detail(tr_coap_server *s, bool *too_large);
/*
 * How many requests since the last call were duplicates (RFC 7252 §4.5:
 * the same client endpoint and Message ID as an earlier request over UDP
 * within EXCHANGE_LIFETIME): answered with the earlier response (or not at
 * all, if Non-confirmable), never passed to the handler.
 */
unsigned tr_coap_server_duplicates(tr_coap_server *s);

/* Tell the server it has one client (a scenario's IUT): a Confirmable
 * request from another endpoint with the Message ID, token and payload of
 * one it served is then that request's retransmission, sent after the
 * client's address changed (a NAT rebinding), and is answered as before.
 * Off by default: a server of many clients cannot tell. */
void tr_coap_server_one_client(tr_coap_server *s, bool on);

#endif

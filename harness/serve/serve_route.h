/*
 * serve_route.h - what a datagram asks of `edhoc-harness serve` (serve.h):
 * which test a client picks by its request, and the few answers the front
 * gives itself. Pure: bytes in, a description out; no sockets.
 *
 * The resources (CoAP over UDP, RFC 7252; paths as Uri-Path options):
 *
 *   POST /.well-known/edhoc                  the interop baseline: a plain
 *                                            handshake (RFC 9528 Appendix A.2);
 *                                            an empty POST: in the reverse flow
 *                                            (A.2.2), the harness the Initiator
 *   POST /.well-known/edhoc/test/<id>        scenario <id> (it has slashes:
 *                                            rfc9528/5.3.3/wrong-mac-2), the
 *                                            harness the Responder
 *   GET  /.well-known/edhoc/results          the client's results (JSON)
 *
 * Query options (Uri-Query, any of them): `name=NAME`, the name the
 * client's results go under (else its IP address); `profile=LABEL`, the
 * profile a test runs in (sc_profile_label, e.g. m0-s0-x5t); `oscore=1`
 * (or 0): a profile with (without) the OSCORE exchange after the handshake,
 * which is then judged.
 */
#ifndef EH_SERVE_ROUTE_H
#define EH_SERVE_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../scenario/scenario.h"

#define SERVE_MAX_NAME 33 /* a client name: 1..32 of [A-Za-z0-9._-], not starting with '.' */

typedef enum serve_route_kind {
    SR_IGNORE = 0,  /* not a CoAP request (a response, an ACK, a Reset, not CoAP): dropped */
    SR_BASELINE,    /* POST /.well-known/edhoc */
    SR_TEST,        /* POST /.well-known/edhoc/test/<id> */
    SR_RESULTS,     /* GET /.well-known/edhoc/results */
    SR_ANSWER       /* the front answers it: answer_code, answer_text */
} serve_route_kind;

typedef struct serve_request {
    serve_route_kind kind;
    uint8_t type;               /* EH_COAP_CON .. (coap_codec.h) */
    uint8_t code;
    uint16_t message_id;
    uint8_t token[8];
    size_t token_len;
    char test_id[SC_MAX_ID];    /* SR_TEST */
    char name[SERVE_MAX_NAME];  /* name=, "" when not given */
    char profile[64];           /* profile=, "" when not given */
    int oscore;                 /* oscore=1 / oscore=0: a profile with / without OSCORE
                                 * after the handshake; -1 when not given */
    const uint8_t *payload;     /* into the datagram */
    size_t payload_len;
    uint8_t answer_code;        /* SR_ANSWER: 4.00, 4.04, 4.05 */
    char answer_text[160];      /* SR_ANSWER: the diagnostic payload (RFC 7252 §5.5.2) */
} serve_request;

/* Classify datagram d[0..n). Never fails: what it cannot read is SR_IGNORE,
 * a request it cannot take SR_ANSWER saying why. */
void serve_route(const uint8_t *d, size_t n, serve_request *out);

/* CoAP over TCP (RFC 8323 §3.2): the message at the start of d[0..n).
 * Returns its length when it is whole (r filled as by serve_route; a
 * signaling message, CSM first, or a response is SR_IGNORE), 0 when more
 * bytes are needed, SERVE_TCP_BAD when it is malformed or longer than
 * SERVE_TCP_MAX_FRAME. */
#define SERVE_TCP_MAX_FRAME 65536
#define SERVE_TCP_BAD ((size_t)-1)
size_t serve_route_tcp(const uint8_t *d, size_t n, serve_request *r);
/* The response to r over TCP (same token). 0 when it does not fit cap. */
size_t serve_response_tcp(const serve_request *r, uint8_t code, int content_format,
                          int max_age, const uint8_t *payload, size_t len, uint8_t *out,
                          size_t cap);

/* Does this request start an EDHOC session: a POST to an EDHOC resource
 * (not an OSCORE request), with message_1, or empty (the reverse flow's
 * trigger, RFC 9528 Appendix A.2.2)? */
bool serve_route_starts_session(const serve_request *r);

/* The response to r: piggybacked in an ACK for a CON request (same message
 * ID), else a NON with message ID mid; same token. content_format, max_age
 * (RFC 7252 §5.10.5): -1 for none. Returns its length, or 0 when it does
 * not fit cap. */
size_t serve_response(const serve_request *r, uint16_t mid, uint8_t code, int content_format,
                      int max_age, const uint8_t *payload, size_t len, uint8_t *out,
                      size_t cap);

/* METHOD and the selected suite (the last of SUITES_I) of the message_1 in
 * a POST's payload, after its CBOR true prefix when there is one (RFC 9528
 * Appendix A.2.1; bare framing has none). false when it does not start as
 * a message_1 does. */
bool serve_message_1_peek(const uint8_t *p, size_t n, int *method, int *suite);

#endif

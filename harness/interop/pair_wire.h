/*
 * pair_wire.h - what the datagrams an interop pair exchanged carry, before
 * any EDHOC judgement (pair_judge.h does that).
 *
 * CoAP over UDP: every datagram is decoded (RFC 7252 §3). A request whose
 * Uri-Path is /.well-known/edhoc carries an EDHOC payload (a "body"), and
 * so does every response with the token of such a request (RFC 9528
 * Appendix A.2); a request with the EDHOC option (RFC 9668) is a combined
 * request whose body starts with message_3. Bodies split with Block1 /
 * Block2 (RFC 7959) are reassembled; 2.31 Continue, Block2 continuation
 * requests and a 4.01 with an Echo option (RFC 9175 §2.4: the client then
 * repeats its request with the option) are messaging only. A CON / NON with a message ID already seen
 * in that direction, and a repeated ACK / RST, are retransmissions. Other
 * traffic is classified: Empty messages, OSCORE (an OSCORE option), other.
 *
 * Raw UDP: every datagram is a body, except a byte-identical copy of an
 * earlier datagram in the same direction (a retransmission, or the same
 * answer to a retransmission, RFC 9528 §7).
 */
#ifndef EH_INTEROP_PAIR_WIRE_H
#define EH_INTEROP_PAIR_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "relay.h"

#define PW_MAX_BODY 65536 /* largest reassembled payload */

typedef enum pw_kind {
    PW_EDHOC = 0,      /* carries, or completes, an EDHOC payload: body >= 0 */
    PW_BLOCK,          /* a block of a payload that a later datagram completes */
    PW_RETRANSMISSION, /* a copy of an earlier datagram */
    PW_EMPTY,          /* CoAP Empty message: ACK, RST or ping */
    PW_OSCORE,         /* a CoAP request or response with an OSCORE option */
    PW_OTHER,          /* any other CoAP message */
    PW_MALFORMED       /* over CoAP: not a CoAP message */
} pw_kind;

typedef struct pw_frame {
    pw_kind kind;
    char coap[192];  /* CoAP summary ("CON POST /.well-known/edhoc mid 0x1a2b
                      * token 5e ..."), "" over raw UDP */
    int body;        /* index of the body this datagram completes, or -1 */
} pw_frame;

typedef struct pw_body {
    relay_dir dir;
    size_t frame;    /* index of the datagram that completes it */
    uint8_t *data;   /* the payload (prefix and EDHOC message), owned */
    size_t len;
    int coap_code;   /* code of the CoAP message that completed it; 0 raw UDP */
    bool combined;   /* RFC 9668 combined request: message_3, then the OSCORE payload */
    bool truncated;  /* reassembly went past PW_MAX_BODY: cut */
} pw_body;

typedef struct pw_result {
    pw_frame *frames;  /* one per datagram, in order */
    size_t n_frames;
    pw_body *bodies;   /* in order of completion */
    size_t n_bodies;
} pw_result;

/* Split n datagrams (coap: CoAP over UDP, else raw UDP) into *out (zeroed
 * first); the EDHOC resource is edhoc_path ("/a/b"; NULL or "":
 * /.well-known/edhoc). 0, or -1 when out of memory (*out is then freed). */
int pw_split(bool coap, const relay_datagram *d, size_t n, const char *edhoc_path,
             pw_result *out);
void pw_free(pw_result *w);
/* "1.01"-style code text of a CoAP code ("POST" etc. for methods). */
void pw_code_name(int code, char *out, size_t cap);

#endif

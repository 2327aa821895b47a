/*
 * coap_internal.h - shared by coap.c (the client, and what both sides use)
 * and coap_server.c; not a public API.
 */
#ifndef EH_TRANSPORT_COAP_INTERNAL_H
#define EH_TRANSPORT_COAP_INTERNAL_H

#include <coap3/coap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "coap.h"

void tr_coap__startup(void);
eh_err tr_coap__resolve(const char *host, uint16_t port, coap_address_t *out);
/* Block-wise options libcoap handles itself: never shown to, or taken
 * from, the peer layer. */
bool tr_coap__transport_option(uint16_t number);
int64_t tr_coap__now_ms(void);

/* What the guard (coap.c, top) needs of a CoAP-over-UDP datagram. */
typedef struct tr_coap__peek {
    uint8_t code;
    bool block1, block2, size1, size2;
    uint32_t block1_value, block2_value; /* the options' uint values */
    uint64_t size1_value, size2_value;
    unsigned unknown_critical; /* the first critical option unknown to libcoap, or 0 */
    size_t payload_len;
} tr_coap__peek;

/* Parse d[0..n) as a CoAP-over-UDP message (RFC 7252 §3): false when it is
 * not a well-formed one. */
bool tr_coap__peek_parse(const uint8_t *d, size_t n, tr_coap__peek *p);

/* Does d[0..n) lack a CoAP header at all (shorter than 4 bytes, or a
 * version other than 1)? RFC 7252 §3 has such a datagram silently ignored;
 * libcoap 4.3.1 answers it with a Reset, and a peer that answers that
 * Reset (a raw-UDP EDHOC stack sends an error message back) starts an
 * endless exchange. The guards drop it before libcoap sees it. */
bool tr_coap__not_coap_at_all(const uint8_t *d, size_t n);

/* Bytes of the body up to and including a Block option's block that
 * carries payload_len bytes (RFC 7959 §2.2: NUM * 2^(SZX + 4) + length;
 * SZX 7 taken as 1024-byte blocks). */
uint64_t tr_coap__block_end(uint32_t block_value, size_t payload_len);

#endif

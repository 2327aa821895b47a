/*
 * coap_codec.h - minimal CoAP (RFC 7252 §3) message codec for the OSCORE
 * module and for raw-UDP OSCORE runs of the harness.
 *
 * Sans-I/O, no allocation, no globals. Decoded views point into the input
 * buffer: keep it alive (and unchanged) for as long as the view is used.
 * Encoders write into caller-owned buffers and report the length written.
 *
 * Errors:
 *   EH_ERR_ARG              NULL pointer where data is required, token longer
 *                           than 8 bytes, option value too long to encode
 *   EH_ERR_BUFFER_TOO_SMALL output buffer (or option array) too small
 *   EH_ERR_MESSAGE_FORMAT   input breaks RFC 7252 §3 (see each decoder)
 *   EH_ERR_UNSUPPORTED      more than EH_COAP_MAX_OPTIONS options in a
 *                           well-formed message
 */
#ifndef EH_COAP_CODEC_H
#define EH_COAP_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/eh_err.h"

#define EH_COAP_MAX_OPTIONS 24
#define EH_COAP_MAX_TOKEN_LEN 8
/* Largest option value the delta/length scheme can express: 269 + 65535. */
#define EH_COAP_MAX_OPTION_LEN (269u + 65535u)

/* Message types (RFC 7252 §3). */
enum { EH_COAP_CON = 0, EH_COAP_NON = 1, EH_COAP_ACK = 2, EH_COAP_RST = 3 };

/* Code as one byte, class << 5 | detail: 0x01 GET, 0x02 POST, 0x44 2.04. */
#define EH_COAP_CODE(cls, detail) ((uint8_t)(((cls) << 5) | (detail)))
enum {
    EH_COAP_CODE_EMPTY = 0x00,
    EH_COAP_CODE_GET = 0x01,
    EH_COAP_CODE_POST = 0x02,
    EH_COAP_CODE_CHANGED = 0x44, /* 2.04 */
    EH_COAP_CODE_CONTENT = 0x45  /* 2.05 */
};

/* Option numbers used by the harness (RFC 7252 §5.10, RFC 7641, RFC 8613,
 * RFC 9668). */
enum {
    EH_COAP_OPT_URI_HOST = 3,
    EH_COAP_OPT_OBSERVE = 6,
    EH_COAP_OPT_URI_PORT = 7,
    EH_COAP_OPT_OSCORE = 9,
    EH_COAP_OPT_URI_PATH = 11,
    EH_COAP_OPT_CONTENT_FORMAT = 12,
    EH_COAP_OPT_EDHOC = 21,
    EH_COAP_OPT_PROXY_URI = 35,
    EH_COAP_OPT_PROXY_SCHEME = 39
};

/* One option instance; value points to len bytes (may be NULL if len 0). */
typedef struct eh_coap_option {
    uint16_t number;
    const uint8_t *value;
    size_t len;
} eh_coap_option;

/* The request/response layer of a message: code, options, payload. Options
 * need not be sorted for the encoders; decoders return them in wire order
 * (which is sorted). payload may be NULL when payload_len is 0. */
typedef struct eh_coap_msg {
    uint8_t code;
    eh_coap_option opts[EH_COAP_MAX_OPTIONS];
    size_t n_opts;
    const uint8_t *payload;
    size_t payload_len;
} eh_coap_msg;

/* The messaging layer of a CoAP-over-UDP datagram (version is always 1). */
typedef struct eh_coap_udp_hdr {
    uint8_t type;       /* EH_COAP_CON .. EH_COAP_RST */
    uint16_t message_id;
    const uint8_t *token; /* token_len bytes; NULL allowed when 0 */
    size_t token_len;     /* 0..8 */
} eh_coap_udp_hdr;

/*
 * Encode n options (any order; repeated numbers keep their relative order)
 * sorted by number with the delta/length scheme of RFC 7252 §3.1,
 * including the 13 (1 extra byte) and 14 (2 extra bytes) forms. Writes at
 * most cap bytes to out (out may be NULL with cap 0 to measure); *out_len
 * receives the encoded size (also on EH_ERR_BUFFER_TOO_SMALL).
 */
eh_err eh_coap_options_encode(const eh_coap_option *opts, size_t n, uint8_t *out,
                              size_t cap, size_t *out_len);

/*
 * Decode options from in[0..len) until the end of input or a 0xFF byte in
 * the position of an option header (the payload marker, not consumed).
 * *consumed receives the offset where decoding stopped; opts[0..*n_opts)
 * point into in. Strict and total: never reads outside in[0..len).
 * EH_ERR_MESSAGE_FORMAT: delta or length nibble 15 (other than the marker),
 * extended bytes or value running past the end, option number above 65535.
 * EH_ERR_UNSUPPORTED: more than max_opts options.
 */
eh_err eh_coap_options_decode(const uint8_t *in, size_t len, eh_coap_option *opts,
                              size_t max_opts, size_t *n_opts, size_t *consumed);

/*
 * Whole datagram: 4-byte header (version 1, type, token length, code,
 * message id), token, options, and 0xFF + payload when payload_len > 0.
 * *out_len receives the size (also on EH_ERR_BUFFER_TOO_SMALL).
 */
eh_err eh_coap_udp_encode(const eh_coap_udp_hdr *hdr, const eh_coap_msg *msg,
                          uint8_t *out, size_t cap, size_t *out_len);

/*
 * Parse a datagram. hdr->token and msg's option values and payload point
 * into in. EH_ERR_MESSAGE_FORMAT: shorter than 4 bytes, version not 1,
 * token length 9..15, token running past the end, malformed options, a
 * payload marker followed by no payload, or an Empty message (code 0.00)
 * with a token or any byte after the message id (RFC 7252 §4.1).
 */
eh_err eh_coap_udp_decode(const uint8_t *in, size_t len, eh_coap_udp_hdr *hdr,
                          eh_coap_msg *msg);

/* Index of the first option with this number in msg, or -1. */
int eh_coap_find_option(const eh_coap_msg *msg, uint16_t number);

#endif

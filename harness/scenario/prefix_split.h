/*
 * prefix_split.h - how the harness, as Responder, splits a request payload
 * it received into the RFC 9528 Appendix A.2 prefix and the EDHOC message:
 * CBOR true (0xf5) before message_1, C_R before message_3 or an error
 * message. Pure: bytes in, offsets out; used by the scenario executor.
 */
#ifndef EH_SCENARIO_PREFIX_SPLIT_H
#define EH_SCENARIO_PREFIX_SPLIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sc_split {
    const char *kind;    /* "message_1", "message_3" or "error"; static strings */
    size_t msg_offset;   /* where the EDHOC message starts in the payload */
    bool foreign_prefix; /* prefixed with something other than the prefix due:
                          * not true before message_1, not own_c_r before
                          * message_3 or an error */
} sc_split;

/* Split payload[0..len) given the Responder's own C_R as it is encoded on
 * the wire (own_c_r, k bytes; k may be 0 for none). True when the payload
 * is a prefix and a message (out filled): true then message_1, own_c_r then
 * message_3 (a bstr) or an error message (an int); or, foreign_prefix, one
 * CBOR item other than these then a message_1, a message_3 or an error
 * message. False when it is none of these (a bare message, or something
 * else: the caller judges it). Reads nothing beyond len. */
bool sc_prefix_split(const uint8_t *payload, size_t len, const uint8_t *own_c_r, size_t k,
                     sc_split *out);

/* Does p[0..n) start as message_1 does: METHOD (an int), SUITES_I (an int
 * or an array), G_X (a byte string)? (An error message is ERR_CODE and one
 * ERR_INFO that is never a byte string; message_3 is one byte string.) */
bool sc_looks_like_message_1(const uint8_t *p, size_t n);

#endif

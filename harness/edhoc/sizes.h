/*
 * sizes.h - the size in bytes of EDHOC message_1 .. message_4 computed
 * from the message formats (RFC 9528 §5.2.1, §5.3.1, §5.4.1, §5.5.1) and
 * the CBOR encoding rules (RFC 8949 §3: every head in its shortest form,
 * as §3.1 requires), without running a handshake.
 *
 * With every option at its smallest (one-byte connection identifiers, a
 * compact one-byte kid, SUITES_I a single int, no EAD) the result is the
 * minimum size of each message for a METHOD and cipher suite; for suite 2
 * these are the figures of RFC 9528 §1.2 Table 1.
 *
 * Pure functions: no allocation, no state.
 */
#ifndef EH_EDHOC_SIZES_H
#define EH_EDHOC_SIZES_H

#include <stddef.h>
#include <stdint.h>

typedef struct eh_size_opts {
    int method;            /* METHOD 0..3 (RFC 9528 §3.2) */
    int suite;             /* the selected cipher suite (§3.6) */
    size_t suites_i_len;   /* bytes of the encoded SUITES_I; 0 = the selected suite as an int */
    size_t id_cred_i_len;  /* bytes of ID_CRED_I as PLAINTEXT_3 carries it (compact kid: 1);
                            * 0 = a compact one-byte kid */
    size_t id_cred_r_len;  /* the same for ID_CRED_R in PLAINTEXT_2 */
    size_t c_i_len, c_r_len; /* bytes of the encoded C_I / C_R; 0 = one byte (-24..23) */
    size_t ead_len[5];     /* bytes of the encoded EAD_1 .. EAD_4 item sequences; 0 = none */
} eh_size_opts;

/*
 * Bytes of message_n (n = 1..4) with these options. 0 when n, the method
 * or the suite is unknown. message_2 and message_3 carry Signature_or_MAC_x:
 * the suite's EDHOC MAC length when that party authenticates with static
 * DH (METHOD 1 and 3 for the Responder, 2 and 3 for the Initiator), else
 * the suite's signature length (RFC 9528 §3.2, §5.3.2, §5.4.2).
 */
size_t eh_message_size(const eh_size_opts *o, int n);

/*
 * Bytes of SUITES_I for an Initiator whose preference list is
 * suites[0..sel] and that selects suites[sel] (RFC 9528 §5.2.2): the
 * selected suite as an int when it is the most preferred (sel 0), else an
 * array of the suites up to and including the selected one.
 */
size_t eh_suites_i_size(const int *suites, size_t sel);

/*
 * Bytes ID_CRED_x (a COSE header map, as in eh_cred.id_cred) takes inside
 * PLAINTEXT_2 / PLAINTEXT_3: the compact kid encoding when the map is
 * exactly {4: kid} (§3.5.3.2; one byte for a kid that is a one-byte CBOR
 * integer encoding), else the whole map. 0 for len 0.
 */
size_t eh_id_cred_size(const uint8_t *id_cred, size_t len);

/* Bytes of the shortest CBOR encoding of the integer v. */
size_t eh_int_size(int64_t v);

#endif

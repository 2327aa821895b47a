/*
 * pair_judge.h - the EDHOC judgement of what an interop pair exchanged
 * through the relay (the payloads of pair_wire.h, in order).
 *
 * The relay is a passive observer: it has neither side's ephemeral key,
 * so it cannot decrypt CIPHERTEXT_2 / CIPHERTEXT_3 or verify a MAC or a
 * signature. What it checks, per payload:
 *   message_1  the 0xf5 prefix (RFC 9528 Appendix A.2), then the whole
 *              message through the harness engine as a Responder supporting
 *              the selected suite and every METHOD would process it:
 *              deterministic CBOR, METHOD, SUITES_I, G_X length and point
 *              validation (§9.2), C_I encoding (§3.3.2), EAD_1 structure
 *              (§3.8; not which critical items the peers process: theirs to
 *              agree on)
 *   message_2  one deterministic CBOR byte string and nothing after it
 *              (§5.3.1), G_Y of the selected suite's length and a valid
 *              point (§9.2), at least the smallest size possible for the
 *              METHOD and suite (edhoc/sizes.h); carried in a 2.xx response
 *   message_3  the C_R prefix: a one-byte CBOR integer or a byte string
 *              that is not a one-byte integer's encoding (Appendix A.2,
 *              §3.3.2; its value is inside PLAINTEXT_2 and not checked);
 *              then one byte string, nothing after it, at least the
 *              smallest size possible; or, in an RFC 9668 combined request,
 *              the byte string first in the payload
 *   message_4  one byte string, at least the AEAD tag (when asked for)
 *   errors     an EDHOC error message (first item an integer) where a
 *              message belongs is a failure, except ERR_CODE 2 answering
 *              message_1 (cipher suite negotiation, §6.3) when the
 *              Initiator then starts again with a new message_1
 * Order: message_1, message_2, message_3 (then message_4 if expected);
 * a new message_1 starts the handshake again. After message_3 the OSCORE
 * traffic (and anything else) is shown, not judged.
 *
 * The reverse flow (e->reverse; relay_dir RELAY_TO_RESPONDER is then the
 * Responder's request): an empty POST (the trigger), message_1 in the 2.xx
 * response, without a prefix; C_I || message_2 in a POST, C_I exactly as
 * message_1 gave it; message_3 in the response; C_I || message_4 when
 * expected, acknowledged by an empty 2.xx. The same per-message checks; an
 * error message from either side is a failure, but ERR_CODE 2 from the
 * Responder for message_1 (negotiation; a new trigger may follow).
 */
#ifndef EH_INTEROP_PAIR_JUDGE_H
#define EH_INTEROP_PAIR_JUDGE_H

#include <stdbool.h>
#include <stddef.h>

#include "../report/report.h"
#include "../scenario/budget.h"
#include "pair_wire.h"

typedef struct pj_expect {
    bool coap;                /* CoAP over UDP (else raw UDP) */
    bool reverse;             /* the reverse message flow (RFC 9528 Appendix A.2.2): the
                               * relay's client is the Responder (see below) */
    bool message_4;           /* the scenario asks for message_4 */
    sc_budget budget;         /* profile of the size entries (reported, never judged) */
    const int *suites;        /* what the Initiator was told to offer ({suites}) */
    size_t n_suites;
    long id_cred_i_len, id_cred_r_len; /* bytes of ID_CRED_x in PLAINTEXT_x for the
                                        * scenario's credentials; -1 unknown */
} pj_expect;

typedef struct pj_note {
    char name[16];            /* message_1..message_4, error, empty, oscore, repeat, data, ? */
    size_t prefix_len;        /* bytes of the body before the EDHOC message */
    size_t msg_len;           /* bytes of the EDHOC message (after the prefix) */
    bool ok;                  /* no check failed on it */
    char text[600];           /* what was checked, or what failed */
} pj_note;

typedef struct pj_report {
    pj_note *notes;           /* one per body of the pw_result, owned */
    size_t n_notes;
    bool seen[5];             /* message_1..message_4 passed their checks (index 1..4) */
    bool complete;            /* the whole handshake seen in order and every check passed */
    char finding[1024];       /* the first failed check ("" if none) */
    char stage[160];          /* what the relay saw: "message_1, message_2, message_3" */
    int method, suite;        /* from the last message_1, -1 unknown */
    sc_size_entry sizes[REPORT_MAX_SIZES]; /* message_1..4 as relayed */
    size_t n_sizes;
} pj_report;

/* Judge w's payloads. 0, or -1 when out of memory. */
int pj_judge(const pw_result *w, const pj_expect *e, pj_report *out);
void pj_free(pj_report *r);

#endif

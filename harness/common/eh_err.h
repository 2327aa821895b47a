/*
 * eh_err.h - the project's one error enum.
 *
 * Every fallible function of every module returns an eh_err. EH_OK is 0 so
 * that `if (err)` reads naturally. eh_err_name() gives a stable, readable
 * name ("EH_ERR_MAC") for reports; the names never change once published.
 */
#ifndef EH_ERR_H
#define EH_ERR_H

#include <stddef.h>
#include <stdint.h>

typedef enum eh_err {
    EH_OK = 0,

    /* caller / local problems */
    EH_ERR_ARG,               /* invalid argument (caller bug or bad config) */
    EH_ERR_BUFFER_TOO_SMALL,  /* output buffer cannot hold the result */
    EH_ERR_STATE,             /* call not allowed in the session's state */
    EH_ERR_RNG,               /* the RNG callback failed */
    EH_ERR_UNSUPPORTED,       /* algorithm or feature not implemented */

    /* CBOR */
    EH_ERR_CBOR_TRUNCATED,        /* input ends inside an item */
    EH_ERR_CBOR_MALFORMED,        /* not well-formed CBOR (RFC 8949 §3) */
    EH_ERR_CBOR_NONDETERMINISTIC, /* well-formed but not deterministic (RFC 8949 §4.2.1) */
    EH_ERR_CBOR_TYPE,             /* well-formed, but not the type expected here */
    EH_ERR_CBOR_RANGE,            /* integer does not fit the expected range */
    EH_ERR_CBOR_DEPTH,            /* nesting deeper than the reader allows */

    /* crypto */
    EH_ERR_CRYPTO,             /* the crypto backend failed unexpectedly */
    EH_ERR_INVALID_PUBLIC_KEY, /* peer public key fails validation (RFC 9528 §9.2) */
    EH_ERR_LOW_ORDER_POINT,    /* X25519/X448 all-zero shared secret (§9.2) */
    EH_ERR_AEAD_TAG,           /* AEAD decryption failed */
    EH_ERR_SIGNATURE,          /* signature does not verify */
    EH_ERR_MAC,                /* MAC_2 / MAC_3 does not match */

    /* EDHOC message content */
    EH_ERR_MESSAGE_FORMAT,     /* message does not match its CDDL (§9.8) */
    EH_ERR_TRAILING_DATA,      /* items after the end of the message */
    EH_ERR_LENGTH,             /* cryptographic field of the wrong length (§9.8) */
    EH_ERR_METHOD,             /* METHOD value not supported */
    EH_ERR_SUITE,              /* selected suite not acceptable (§6.3): ERR_CODE 2 */
    EH_ERR_CONN_ID_ENCODING,   /* connection identifier breaks §3.3.2 */
    EH_ERR_ID_CRED_ENCODING,   /* ID_CRED breaks the compact-kid rule of §3.5.3.2 */
    EH_ERR_UNKNOWN_CREDENTIAL, /* ID_CRED refers to no known credential: ERR_CODE 3 */
    EH_ERR_CREDENTIAL,         /* credential unusable (wrong key type, bad format) */
    EH_ERR_EAD_CRITICAL,       /* unknown critical EAD item (§3.8) */
    EH_ERR_PEER_ERROR,         /* the peer sent an EDHOC error message */

    EH_ERR_COUNT_
} eh_err;

/* Stable readable name of an error code; never NULL. */
const char *eh_err_name(eh_err err);

/* Longest value a finding holds (an Ed448 signature is 114 bytes). */
#define EH_FINDING_VALUE_MAX 132

/*
 * A parser's explanation of a rejected input: which field, where, why, and
 * which RFC section says so. Offsets count from the start of the input the
 * parser was given (a message, or a decrypted PLAINTEXT). `field`, `reason`
 * and `rfc` point to static strings.
 * For a value the engine checks against one it computes (MAC_2, MAC_3), the
 * computed value (expected) and the received one; a signature that does not
 * verify has only the received value (no expected one exists). Lengths are 0
 * when the finding carries no such value. The expected MAC is that of a
 * session that failed there, so showing it gives nothing away.
 */
typedef struct eh_finding {
    eh_err err;
    const char *field;  /* e.g. "G_X", "SUITES_I", "ID_CRED_R" */
    size_t offset;      /* byte offset of the offending item */
    const char *reason; /* one sentence, no trailing period */
    const char *rfc;    /* e.g. "RFC 9528 §3.3.2" */
    uint8_t expected[EH_FINDING_VALUE_MAX], received[EH_FINDING_VALUE_MAX];
    size_t expected_len, received_len;
} eh_finding;

#endif

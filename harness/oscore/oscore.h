/*
 * oscore.h - sans-I/O OSCORE (RFC 8613) over the keys an EDHOC run derived.
 *
 * No sockets, no allocation, no globals. The caller owns every buffer; the
 * security context is a plain struct the caller keeps (one per peer) and
 * clears with eh_oscore_ctx_clear(), which wipes the keys.
 *
 * Message model: an unprotected message is an eh_coap_msg (code, options,
 * payload; see coap_codec.h). Protect turns it into the protected
 * eh_coap_msg (outer code, class U options + OSCORE option, ciphertext as
 * payload); the messaging layer (type, token, message id) is the caller's
 * and is not touched: frame the result with eh_coap_udp_encode() or hand it
 * to any other CoAP stack.
 *
 * Option classes (RFC 8613 §4.1) as this module applies them: class U
 * (kept outside, unencrypted) are Uri-Host 3, Observe 6, Uri-Port 7,
 * OSCORE 9, EDHOC 21 (RFC 9668), Proxy-Uri 35, Proxy-Scheme 39; every other
 * option is class E (encrypted). Observe is treated as class U only (no
 * inner Observe copy). Outer class E options of a received message are
 * ignored (RFC 8613 §4.1.1).
 *
 * Errors (eh_err):
 *   EH_ERR_ARG              bad parameters (NULL, unknown AEAD, an ID too
 *                           long for the nonce, an OSCORE option already in
 *                           the message to protect)
 *   EH_ERR_BUFFER_TOO_SMALL caller buffer or option array too small
 *   EH_ERR_MESSAGE_FORMAT   no or repeated OSCORE option, malformed OSCORE
 *                           option value (§6.1), request without kid or
 *                           Partial IV, ciphertext shorter than the tag + 1,
 *                           malformed decrypted plaintext
 *   EH_ERR_UNKNOWN_CREDENTIAL kid differs from the Recipient ID, or kid
 *                           context differs from the ID Context (§8.2
 *                           "security context not found", 4.01)
 *   EH_ERR_AEAD_TAG         decryption failed (§8.2 step 6, 4.00)
 *   EH_ERR_STATE            replay or Partial IV outside the replay window
 *                           (§7.4; RFC 8613 answers 4.01 "Replay detected"),
 *                           or Sender Sequence Number exhausted (§7.2.1).
 *                           EH_ERR_STATE stands in for a dedicated replay
 *                           code until eh_err.h has one.
 *   EH_ERR_UNSUPPORTED      algorithm not available (e.g. SHAKE256 as HKDF)
 *   EH_ERR_CRYPTO           backend failure
 */
#ifndef EH_OSCORE_H
#define EH_OSCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/eh_err.h"
#include "../crypto/crypto.h"
#include "coap_codec.h"

/* Sender/Recipient ID bound: nonce_len - 6 (§5.2); 7 for 13-byte nonces,
 * 6 for the 12-byte nonces of GCM and ChaCha20/Poly1305. */
#define EH_OSCORE_MAX_ID_LEN 7
/* ID Context bound of this implementation (kid context length is 1 byte). */
#define EH_OSCORE_MAX_ID_CONTEXT_LEN 64
#define EH_OSCORE_MAX_PIV_LEN 5
#define EH_OSCORE_MAX_SEQ ((UINT64_C(1) << 40) - 1)
#define EH_OSCORE_REPLAY_WINDOW 32
/* Largest OSCORE option value this module produces or accepts:
 * flags + Partial IV + s + kid context + kid. */
#define EH_OSCORE_MAX_OPTION_LEN \
    (1 + EH_OSCORE_MAX_PIV_LEN + 1 + EH_OSCORE_MAX_ID_CONTEXT_LEN + EH_OSCORE_MAX_ID_LEN)

/* Can this module use h as OSCORE's HKDF (RFC 8613 §3.2.1)? SHA-256 and
 * SHA-384 yes; SHAKE256 (suite 25's application hash) and NULL no. */
bool eh_oscore_hkdf_supported(const eh_hash_alg *h);

/* Inputs of the context derivation (RFC 8613 §3.2). Pointers are only read
 * during eh_oscore_ctx_derive(); the context keeps copies. */
typedef struct eh_oscore_params {
    const uint8_t *master_secret; /* required, >= 1 byte */
    size_t master_secret_len;
    const uint8_t *master_salt;   /* may be NULL / empty (default h'') */
    size_t master_salt_len;
    const uint8_t *id_context;    /* NULL: absent (nil in the info); else
                                   * id_context_len bytes (0 allowed: h'') */
    size_t id_context_len;
    const uint8_t *sender_id;     /* may be NULL when sender_id_len is 0 */
    size_t sender_id_len;
    const uint8_t *recipient_id;  /* must differ from sender_id */
    size_t recipient_id_len;
    int aead_alg;                 /* COSE id; 0 means 10 (AES-CCM-16-64-128) */
    const eh_hash_alg *hkdf;      /* NULL means &eh_hash_sha256; SHA-384 ok */
    bool send_kid_context;        /* put 'kid context' in protected requests */
} eh_oscore_params;

/* A security context (RFC 8613 §3.1). The fields are readable (tests and
 * traces print them); write only sender_seq, e.g. to start at a vector's
 * Sender Sequence Number. */
typedef struct eh_oscore_ctx {
    const eh_aead_alg *aead;
    const eh_hash_alg *hkdf;
    uint8_t id_context[EH_OSCORE_MAX_ID_CONTEXT_LEN];
    size_t id_context_len;
    bool has_id_context;
    bool send_kid_context;
    uint8_t common_iv[EH_MAX_AEAD_NONCE_LEN]; /* aead->nonce_len bytes */
    uint8_t sender_id[EH_OSCORE_MAX_ID_LEN];
    size_t sender_id_len;
    uint8_t sender_key[EH_MAX_AEAD_KEY_LEN];  /* aead->key_len bytes */
    uint64_t sender_seq;                      /* next Partial IV to send */
    uint8_t recipient_id[EH_OSCORE_MAX_ID_LEN];
    size_t recipient_id_len;
    uint8_t recipient_key[EH_MAX_AEAD_KEY_LEN];
    /* Replay window (§7.4): bit i of replay_bits set = replay_max - i seen. */
    bool replay_used;
    uint64_t replay_max;
    uint32_t replay_bits;
} eh_oscore_ctx;

/* What a response needs from its request (§5.4, §8.3): request_kid,
 * request_piv and the request's nonce. protect_request fills it at the
 * client, unprotect_request at the server. Plain data, no pointers. */
typedef struct eh_oscore_req_state {
    uint8_t kid[EH_OSCORE_MAX_ID_LEN];
    size_t kid_len;
    uint8_t piv[EH_OSCORE_MAX_PIV_LEN];
    size_t piv_len;
    uint8_t nonce[EH_MAX_AEAD_NONCE_LEN];
    size_t nonce_len;
} eh_oscore_req_state;

/* Parsed OSCORE option value (§6.1); pointers into the parsed value. */
typedef struct eh_oscore_option_value {
    const uint8_t *piv;          /* piv_len 0..5 bytes */
    size_t piv_len;
    bool has_kid_context;
    const uint8_t *kid_context;
    size_t kid_context_len;      /* 0..255 */
    bool has_kid;
    const uint8_t *kid;
    size_t kid_len;
} eh_oscore_option_value;

/*
 * Derive a context: Sender Key, Recipient Key (aead->key_len bytes) and
 * Common IV (aead->nonce_len bytes) = HKDF(salt, secret, info, L) with
 * info = [id, id_context, alg_aead, type, L] (§3.2.1). Sets sender_seq 0
 * and an empty replay window. EH_ERR_ARG: missing secret, unknown AEAD,
 * an ID longer than nonce_len - 6, equal Sender and Recipient IDs, ID
 * Context over EH_OSCORE_MAX_ID_CONTEXT_LEN. On error ctx is wiped.
 */
eh_err eh_oscore_ctx_derive(eh_oscore_ctx *ctx, const eh_oscore_params *params);

/* Wipe the whole context (keys included). NULL is a no-op. */
void eh_oscore_ctx_clear(eh_oscore_ctx *ctx);

/*
 * The CBOR info of §3.2.1 for one derivation: id is the Sender or Recipient
 * ID for a key and h'' for the IV (is_iv true selects "IV"); id_context
 * NULL encodes nil. *out_len receives the size (also when too small).
 */
eh_err eh_oscore_info(const uint8_t *id, size_t id_len, const uint8_t *id_context,
                      size_t id_context_len, int alg_aead, bool is_iv, size_t L,
                      uint8_t *out, size_t cap, size_t *out_len);

/* AEAD nonce of §5.2 from the Common IV of ctx, ID_PIV and a Partial IV
 * (1..5 bytes). nonce receives ctx->aead->nonce_len bytes. EH_ERR_ARG if
 * id_len > nonce_len - 6 or piv_len > 5. */
eh_err eh_oscore_nonce(const eh_oscore_ctx *ctx, const uint8_t *id_piv, size_t id_len,
                       const uint8_t *piv, size_t piv_len, uint8_t *nonce);

/*
 * The AAD of §5.4: Enc_structure ["Encrypt0", h'', external_aad] with
 * external_aad = bstr .cbor [1, [alg_aead], request_kid, request_piv, h''].
 * For traces and tests; protect/unprotect build it themselves. *aad_len
 * receives the size (also on EH_ERR_BUFFER_TOO_SMALL).
 */
eh_err eh_oscore_aad(const eh_oscore_ctx *ctx, const uint8_t *request_kid, size_t kid_len,
                     const uint8_t *request_piv, size_t piv_len, uint8_t *aad, size_t cap,
                     size_t *aad_len);

/*
 * Encode an OSCORE option value (§6.1): flags, Partial IV, s + kid context,
 * kid. All-zero flags give the empty value. EH_ERR_ARG: piv_len > 5 or
 * kid_context_len > 255. *out_len as for the CoAP encoders.
 */
eh_err eh_oscore_option_encode(const eh_oscore_option_value *v, uint8_t *out, size_t cap,
                               size_t *out_len);

/*
 * Parse an OSCORE option value strictly; total on any input. The empty
 * value means no field. EH_ERR_MESSAGE_FORMAT: reserved flag bits 5-7 set,
 * n = 6 or 7, a one-byte value 0x00 (must be empty), fields running past
 * the end, kid context flag without its length byte.
 */
eh_err eh_oscore_option_decode(const uint8_t *in, size_t len, eh_oscore_option_value *v);

/*
 * Client: protect a request (§8.1). in is the unprotected request (code a
 * method, any options without OSCORE, optional payload). out receives the
 * OSCORE request: code POST, in's class U options plus the OSCORE option
 * (Partial IV = sender_seq in shortest form, kid = Sender ID, kid context
 * if ctx->send_kid_context), payload = ciphertext. buf (cap bytes) holds
 * the OSCORE option value and the ciphertext that out points to; out also
 * points to in's class U option values. Increments ctx->sender_seq.
 * st receives the request data needed for the response.
 */
eh_err eh_oscore_protect_request(eh_oscore_ctx *ctx, const eh_coap_msg *in,
                                 eh_coap_msg *out, uint8_t *buf, size_t cap,
                                 eh_oscore_req_state *st);

/*
 * Server: verify and decrypt a request (§8.2). in is the received message;
 * out receives the unprotected request: the inner code, the outer class U
 * options except OSCORE merged (sorted by number) with the decrypted class E
 * options, and the payload. buf (cap >= ciphertext length) receives the
 * plaintext that out points to; out also points into in's option values.
 * The replay window is updated only after successful decryption. st
 * receives request kid, Partial IV and nonce for protect_response.
 * Non-shortest Partial IVs (leading zero byte) are rejected as
 * EH_ERR_MESSAGE_FORMAT.
 */
eh_err eh_oscore_unprotect_request(eh_oscore_ctx *ctx, const eh_coap_msg *in,
                                   eh_coap_msg *out, uint8_t *buf, size_t cap,
                                   eh_oscore_req_state *st);

/*
 * Server: protect a response (§8.3) to the request described by req. By
 * default (with_piv false) the OSCORE option is empty and the request's
 * nonce is reused; with_piv true uses the next Sender Sequence Number as
 * Partial IV and the server's own nonce (then sender_seq increments). The
 * AAD always binds request_kid and request_piv. Outer code 2.04. Buffers
 * as for eh_oscore_protect_request.
 */
eh_err eh_oscore_protect_response(eh_oscore_ctx *ctx, const eh_oscore_req_state *req,
                                  bool with_piv, const eh_coap_msg *in, eh_coap_msg *out,
                                  uint8_t *buf, size_t cap);

/*
 * Client: verify and decrypt a response (§8.4) to the request described by
 * req. Without Partial IV the request nonce is used; with one, the nonce of
 * the Recipient ID and that Partial IV, checked against the replay window
 * (§7.4.1 notifications). A kid, if present, must equal the Recipient ID.
 * Buffers and out as for eh_oscore_unprotect_request.
 */
eh_err eh_oscore_unprotect_response(eh_oscore_ctx *ctx, const eh_oscore_req_state *req,
                                    const eh_coap_msg *in, eh_coap_msg *out, uint8_t *buf,
                                    size_t cap);

/* True when option number is class U in this module (see above). */
bool eh_oscore_option_is_class_u(uint16_t number);

#endif

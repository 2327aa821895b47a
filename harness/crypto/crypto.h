/*
 * crypto.h - the one crypto provider interface of the harness.
 *
 * Algorithms are tables of function pointers plus their sizes (picotls
 * style); a cipher suite is a row of pointers to these tables (see
 * harness/edhoc/suites.c). libsodium backs X25519, Ed25519 and
 * ChaCha20-Poly1305; OpenSSL 3 libcrypto backs the rest (SHA-2 and HMAC,
 * AES-CCM/GCM, P-256/P-384, X448/Ed448, SHAKE256/KMAC): for each the faster
 * library, as measured in harness/crypto/README.md and by make bench.
 *
 * Conventions:
 * - Every buffer size is fixed by the algorithm's size fields; callers
 *   supply buffers of at least that size. No function allocates memory
 *   that it returns. Lengths are bytes.
 * - EC public keys in "x only" form are the big-endian x-coordinate of
 *   exactly coord_len bytes (leading zeros kept), as EDHOC sends them
 *   (RFC 9528 Appendix B). EC2 signature public keys are x || y.
 * - OKP public keys (X25519, X448, Ed25519, Ed448) are the raw RFC 7748 /
 *   RFC 8032 encodings.
 * - Private keys: X25519/X448 scalars and EdDSA seeds as raw bytes; P-256 /
 *   P-384 scalars big-endian, coord_len bytes.
 * - Every function wipes the secret intermediates it created.
 * - Errors: EH_ERR_CRYPTO (backend failure), EH_ERR_ARG (bad length),
 *   EH_ERR_INVALID_PUBLIC_KEY, EH_ERR_LOW_ORDER_POINT, EH_ERR_AEAD_TAG,
 *   EH_ERR_SIGNATURE, EH_ERR_UNSUPPORTED.
 */
#ifndef EH_CRYPTO_H
#define EH_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/eh_err.h"

#define EH_MAX_HASH_LEN 64   /* SHAKE256 as used by suites 24/25 */
#define EH_MAX_COORD_LEN 56  /* X448 */
#define EH_MAX_PRIV_LEN 57   /* Ed448 seed */
#define EH_MAX_SIG_LEN 114   /* Ed448 */
#define EH_MAX_SIG_PUB_LEN 96 /* P-384 x || y */
#define EH_MAX_SIG_PREPARED_LEN 114 /* Ed448 seed || public key */
#define EH_MAX_AEAD_KEY_LEN 32
#define EH_MAX_AEAD_NONCE_LEN 13
#define EH_MAX_AEAD_TAG_LEN 16

/* Hash with its EDHOC_Extract / EDHOC_Expand (RFC 9528 §4.1). */
typedef struct eh_hash_alg {
    const char *name;   /* "SHA-256" */
    int cose_alg;       /* -16 SHA-256, -43 SHA-384, -45 SHAKE256 */
    size_t out_len;     /* hash_length: 32, 48, 64 */
    eh_err (*digest)(const uint8_t *in, size_t in_len, uint8_t *out);
    /* PRK (out_len bytes) = HKDF-Extract(salt, ikm), or for SHAKE256
     * KMAC256(salt, ikm, 512, "") as RFC 9528 §4.1.1 defines it. */
    eh_err (*extract)(const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
                      size_t ikm_len, uint8_t *prk);
    /* out = HKDF-Expand(prk, info, out_len), or KMAC256(prk, info, 8*out_len, "")
     * for SHAKE256. prk_len is normally hash out_len. */
    eh_err (*expand)(const uint8_t *prk, size_t prk_len, const uint8_t *info,
                     size_t info_len, uint8_t *out, size_t out_len);
} eh_hash_alg;

/* AEAD as COSE names it (RFC 9053). Ciphertext = encrypted text || tag. */
typedef struct eh_aead_alg {
    const char *name;  /* "AES-CCM-16-64-128" */
    int cose_alg;      /* 10, 30, 1, 3, 24 */
    size_t key_len, nonce_len, tag_len;
    /* ct receives pt_len + tag_len bytes; ct may equal pt (in place). */
    eh_err (*seal)(const uint8_t *key, const uint8_t *nonce, const uint8_t *aad,
                   size_t aad_len, const uint8_t *pt, size_t pt_len, uint8_t *ct);
    /* ct_len includes the tag; pt receives ct_len - tag_len bytes and is
     * zeroed on EH_ERR_AEAD_TAG. ct_len < tag_len -> EH_ERR_AEAD_TAG. */
    eh_err (*open)(const uint8_t *key, const uint8_t *nonce, const uint8_t *aad,
                   size_t aad_len, const uint8_t *ct, size_t ct_len, uint8_t *pt);
} eh_aead_alg;

/* Key agreement on the curve of a suite. */
typedef struct eh_ecdh_alg {
    const char *name;   /* "X25519" */
    int cose_crv;       /* 4 X25519, 1 P-256, 2 P-384, 5 X448 */
    bool is_okp;        /* X25519/X448: no y-coordinate */
    size_t priv_len;    /* 32, 32, 48, 56 */
    size_t coord_len;   /* public key length on the wire: 32, 32, 48, 56 */
    size_t secret_len;  /* shared secret length: 32, 32, 48, 56 */
    /* pub_x = public key of priv; for EC2 curves also pub_y (may be NULL). */
    eh_err (*public_key)(const uint8_t *priv, uint8_t *pub_x, uint8_t *pub_y);
    /* Validates peer_x (RFC 9528 §9.2: on the curve, x < p for EC2 ->
     * EH_ERR_INVALID_PUBLIC_KEY; all-zero X25519/X448 result ->
     * EH_ERR_LOW_ORDER_POINT). For EC2 either y may be chosen: the shared
     * x-coordinate does not depend on it. */
    eh_err (*shared_secret)(const uint8_t *priv, const uint8_t *peer_x, uint8_t *secret);
    /* EC2 only (NULL for OKP): decode a received x-coordinate once. It is
     * validated as shared_secret validates it (EH_ERR_INVALID_PUBLIC_KEY)
     * and peer_y receives the y (coord_len bytes) of a point with that x,
     * for shared_secret_xy: the square root is then not taken again. */
    eh_err (*decode)(const uint8_t *peer_x, uint8_t *peer_y);
    /* shared_secret with what the caller already knows: the peer's y (from
     * decode, or a credential's x || y; NULL = decode x here; a y that
     * makes no point on the curve with x is ignored: x alone decides, as in
     * shared_secret; OKP curves ignore it) and priv's own public key
     * (own_pub, as public_key gives it, or NULL): X448 keys are imported
     * into OpenSSL with it, which otherwise derives it on import, a scalar
     * multiplication as costly as the ECDH. The result never depends on
     * own_pub (the shared secret is priv times the peer's key). */
    eh_err (*shared_secret_xy)(const uint8_t *priv, const uint8_t *own_pub,
                               const uint8_t *peer_x, const uint8_t *peer_y, uint8_t *secret);
    /* EC2 only (NULL for OKP): EH_OK if (x, y) is a point on the curve. */
    eh_err (*check_point)(const uint8_t *x, const uint8_t *y);
} eh_ecdh_alg;

/* Signature algorithm of a suite (COSE: EdDSA with its curve, ES256, ES384). */
typedef struct eh_sig_alg {
    const char *name;    /* "Ed25519", "ES256" */
    int cose_alg;        /* -8 EdDSA, -7 ES256, -35 ES384 */
    int cose_crv;        /* 6 Ed25519, 7 Ed448, 1 P-256, 2 P-384 */
    size_t priv_len;     /* 32, 57, 32, 48 */
    size_t pub_len;      /* 32, 57, 64 (x||y), 96 */
    size_t sig_len;      /* 64, 114, 64 (r||s), 96 */
    eh_err (*public_key)(const uint8_t *priv, uint8_t *pub);
    /* ECDSA: deterministic (RFC 6979, ecdsa_rfc6979.c); EdDSA is
     * deterministic. Signature in COSE form (r || s for ECDSA). */
    eh_err (*sign)(const uint8_t *priv, const uint8_t *msg, size_t msg_len, uint8_t *sig);
    /* EH_OK or EH_ERR_SIGNATURE (also for a malformed public key). */
    eh_err (*verify)(const uint8_t *pub, const uint8_t *msg, size_t msg_len,
                     const uint8_t *sig);
    /* A private key prepared once for many signatures: prepared_len bytes
     * (at most EH_MAX_SIG_PREPARED_LEN). Ed25519: libsodium's expanded
     * key, seed || public key, so that a signature skips deriving the
     * public key (about half its cost); Ed448 likewise seed || public key
     * (OpenSSL derives it when a raw private key is imported); ES256 /
     * ES384: the private key as it is. A secret: wipe it after use. sign_prepared signs exactly as sign
     * does with the key it was prepared from. */
    size_t prepared_len;
    eh_err (*prepare)(const uint8_t *priv, uint8_t *prepared);
    eh_err (*sign_prepared)(const uint8_t *prepared, const uint8_t *msg, size_t msg_len,
                            uint8_t *sig);
} eh_sig_alg;

extern const eh_hash_alg eh_hash_sha256, eh_hash_sha384, eh_hash_shake256;
extern const eh_aead_alg eh_aead_aes_ccm_16_64_128, eh_aead_aes_ccm_16_128_128,
    eh_aead_a128gcm, eh_aead_a256gcm, eh_aead_chacha20_poly1305;
extern const eh_ecdh_alg eh_ecdh_x25519, eh_ecdh_p256, eh_ecdh_p384, eh_ecdh_x448;
extern const eh_sig_alg eh_sig_ed25519, eh_sig_ed448, eh_sig_es256, eh_sig_es384;

/* Initialise the backends (sodium_init). Idempotent; EH_ERR_CRYPTO on failure. */
eh_err eh_crypto_init(void);

/* Fill out with len bytes from the operating system's CSPRNG (libsodium's
 * randombytes). Has the shape of eh_rng_fn; arg is ignored. */
eh_err eh_crypto_random(void *arg, uint8_t *out, size_t len);

/* Constant-time equality of two n-byte buffers (for MACs and tags). */
bool eh_ct_equal(const uint8_t *a, const uint8_t *b, size_t n);

/* Overwrite n bytes with zeros in a way the compiler cannot elide. */
void eh_wipe(void *p, size_t n);

/* Look-ups by COSE identifier; NULL when unknown. */
const eh_hash_alg *eh_hash_by_cose(int cose_alg);
const eh_aead_alg *eh_aead_by_cose(int cose_alg);

#endif

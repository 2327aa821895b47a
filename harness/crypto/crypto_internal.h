/*
 * crypto_internal.h - helpers of harness/crypto/ that are not part of the
 * provider interface (crypto.h). Used by the crypto module itself and by
 * its unit tests (harness/tests/test_crypto.c); nothing else should need it.
 */
#ifndef EH_CRYPTO_INTERNAL_H
#define EH_CRYPTO_INTERNAL_H

#include <openssl/ec.h>
#include <openssl/evp.h>

#include "crypto.h"

/* The group of P-256 (NID_X9_62_prime256v1) or P-384 (NID_secp384r1),
 * shared for the process's lifetime and only to be read (never freed, never
 * changed); NULL for another curve or when OpenSSL cannot make it. */
const EC_GROUP *eh_ec_group(int nid);

/* y of a point with x-coordinate x on curve nid (P-256 / P-384), either of
 * the two: EH_ERR_INVALID_PUBLIC_KEY when x >= p or no point has this x.
 * For public values only (not constant-time). bn: the caller's context. */
eh_err eh_ec_y_from_x(int nid, const BIGNUM *x, BIGNUM *y, BN_CTX *bn);

/* Digests fetched once per process (fetched.c); only to be read. NULL when
 * OpenSSL cannot provide one. */
typedef enum eh_md_id { EH_MD_SHA256, EH_MD_SHA384, EH_MD_SHAKE256, EH_MD_COUNT_ } eh_md_id;
const EVP_MD *eh_md(eh_md_id id);
/* KMAC-256, fetched once per process (fetched.c). */
EVP_MAC *eh_mac_kmac256(void);

/*
 * HMAC (RFC 2104) with SHA-256 or SHA-384 (md_id) over the concatenation of
 * up to three parts a || b || c (a part may be NULL when its length is 0):
 * out receives the hash length (32 / 48 bytes). Any key length, 0
 * included. EH_ERR_ARG for another digest, EH_ERR_CRYPTO when OpenSSL
 * fails (out zeroed). Wipes its key pads.
 */
eh_err eh_hmac(eh_md_id md_id, const uint8_t *key, size_t key_len, const uint8_t *a,
               size_t a_len, const uint8_t *b, size_t b_len, const uint8_t *c, size_t c_len,
               uint8_t *out);

/*
 * The EVP_PKEY of the EC2 public key pub = x || y (2 * coord_len bytes) on
 * curve nid / OpenSSL group name `group`, imported once per key and kept
 * in a small process-wide table (pubkey_cache.c): a new reference, to be
 * freed with EVP_PKEY_free, or NULL when the bytes are no valid point.
 * check (may be NULL) validates the point before it is first imported
 * (check_point of eh_ecdh_p256 / p384); a key found in the table passed it.
 */
EVP_PKEY *eh_ec_pubkey(int nid, const char *group, const uint8_t *pub, size_t coord_len,
                       eh_err (*check)(const uint8_t *x, const uint8_t *y));
/* Drop every cached key (tests). */
void eh_ec_pubkey_cache_clear(void);

/*
 * Overwrite the stack below the caller's frame (EH_STACK_SCRUB bytes) with
 * zeros. OpenSSL's SHA-256 with the CPU's SHA instructions leaves message
 * words on the stack (found by test_secret_residue.c); eh_hmac calls this
 * after hashing keys and secrets. Never inlined, so the area it clears is
 * the one the callee frames just used.
 */
#define EH_STACK_SCRUB 4096
void eh_stack_scrub(void);

/*
 * KMAC256(K = key, X = data, L = 8 * out_len, S = custom) of NIST SP 800-185
 * §4. OpenSSL requires 4 <= key_len <= 512; other key lengths give
 * EH_ERR_UNSUPPORTED. out_len must be at least 1. custom may be NULL when
 * custom_len is 0.
 */
eh_err eh_kmac256(const uint8_t *key, size_t key_len, const uint8_t *data, size_t data_len,
                  const uint8_t *custom, size_t custom_len, uint8_t *out, size_t out_len);

#endif

/*
 * crypto_internal.h - helpers of harness/crypto/ that are not part of the
 * provider interface (crypto.h). Used by the crypto module itself and by
 * its unit tests (harness/tests/test_crypto.c); nothing else should need it.
 */
#ifndef EH_CRYPTO_INTERNAL_H
#define EH_CRYPTO_INTERNAL_H

#include <openssl/ec.h>

#include "crypto.h"

/* The group of P-256 (NID_X9_62_prime256v1) or P-384 (NID_secp384r1),
 * shared for the process's lifetime and only to be read (never freed, never
 * changed); NULL for another curve or when OpenSSL cannot make it. */
const EC_GROUP *eh_ec_group(int nid);

/*
 * KMAC256(K = key, X = data, L = 8 * out_len, S = custom) of NIST SP 800-185
 * §4. OpenSSL requires 4 <= key_len <= 512; other key lengths give
 * EH_ERR_UNSUPPORTED. out_len must be at least 1. custom may be NULL when
 * custom_len is 0.
 */
eh_err eh_kmac256(const uint8_t *key, size_t key_len, const uint8_t *data, size_t data_len,
                  const uint8_t *custom, size_t custom_len, uint8_t *out, size_t out_len);

#endif

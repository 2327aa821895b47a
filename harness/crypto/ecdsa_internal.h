/*
 * ecdsa_internal.h - deterministic ECDSA (RFC 6979) behind eh_sig_es256 and
 * eh_sig_es384. Internal to harness/crypto/ (sig.c) and its unit tests
 * (harness/tests/test_ecdsa.c); everything else signs through crypto.h.
 *
 * Curves are named by their COSE crv (RFC 9053): 1 = P-256 with SHA-256,
 * 2 = P-384 with SHA-384; anything else -> EH_ERR_UNSUPPORTED. priv is the
 * big-endian scalar of coord_len bytes (32 / 48) and must lie in [1, n-1]
 * (else EH_ERR_ARG). msg may be NULL when msg_len is 0.
 */
#ifndef EH_ECDSA_INTERNAL_H
#define EH_ECDSA_INTERNAL_H

#include "crypto.h"

/*
 * k receives the first nonce of RFC 6979 §3.2 steps a-h for (priv, H(msg)):
 * coord_len bytes, big-endian. This is the nonce the signature uses unless r
 * or s comes out 0 (probability ~2^-256), when signing continues the
 * generator. Test hook: exposes a secret, never use it outside tests.
 */
eh_err eh_ecdsa_rfc6979_nonce(int cose_crv, const uint8_t *priv, const uint8_t *msg,
                              size_t msg_len, uint8_t *k);

/*
 * Deterministic ECDSA signature sig = r || s (2 * coord_len bytes, each
 * left-padded with zeros) with r = x(kG) mod n, s = k^-1 (e + r d) mod n,
 * e = bits2int(H(msg)) and k from RFC 6979 §3.2. sig is zeroed on failure.
 */
eh_err eh_ecdsa_rfc6979_sign(int cose_crv, const uint8_t *priv, const uint8_t *msg,
                             size_t msg_len, uint8_t *sig);

#endif

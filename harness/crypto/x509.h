/*
 * x509.h - the X.509 and PEM the EDHOC engine and the vector generator need
 * (OpenSSL 3 libcrypto underneath).
 *
 * Conventions (as in crypto.h):
 * - Keys are in the engine's raw forms. Public: OKP (Ed25519, Ed448,
 *   X25519, X448) raw RFC 8032 / RFC 7748 bytes (32, 57, 32, 56); P-256 /
 *   P-384 x || y, each coordinate big-endian with leading zeros kept (64 /
 *   96 bytes). Private: EdDSA seeds (32 / 57), X25519 / X448 scalars
 *   (32 / 56), P-256 / P-384 big-endian scalars (32 / 48).
 * - Callers own every buffer; nothing allocated is returned. Output buffers
 *   have a capacity `cap`; the produced length goes to *_len. PEM output is
 *   NUL-terminated: cap must hold pem_len + 1 bytes.
 * - Inputs are read only within their stated lengths; PEM input need not be
 *   NUL-terminated.
 * - Errors: EH_ERR_ARG (NULL pointer, wrong key length, bad name or time
 *   string, key out of range), EH_ERR_BUFFER_TOO_SMALL, EH_ERR_CREDENTIAL
 *   (input not parsable, or holding a key type not listed here),
 *   EH_ERR_INVALID_PUBLIC_KEY (EC x || y not on the curve), EH_ERR_SIGNATURE,
 *   EH_ERR_CRYPTO (backend failure). Outputs are undefined on error, except
 *   that private-key outputs are zeroed.
 */
#ifndef EH_X509_H
#define EH_X509_H

#include <stddef.h>
#include <stdint.h>

#include "../common/eh_err.h"

/* Key types a certificate or PEM file can hold. */
typedef enum eh_key_type {
    EH_KEY_ED25519,
    EH_KEY_ED448,
    EH_KEY_X25519,
    EH_KEY_X448,
    EH_KEY_P256,
    EH_KEY_P384
} eh_key_type;

/* Raw public / private key lengths of a type (0 for an unknown value). */
size_t eh_key_type_pub_len(eh_key_type type);
size_t eh_key_type_priv_len(eh_key_type type);

/*
 * Public key of a DER certificate's subject in raw form; *type receives its
 * type. The DER must be exactly one certificate (trailing bytes ->
 * EH_ERR_CREDENTIAL). The signature is not checked. Compressed EC points
 * are returned as x || y.
 */
eh_err eh_x509_public_key(const uint8_t *der, size_t der_len, eh_key_type *type, uint8_t *pub,
                          size_t cap, size_t *pub_len);

/*
 * Checks that a DER certificate is signed by the Ed25519 public key
 * issuer_pub (32 bytes): EH_OK, EH_ERR_SIGNATURE (does not verify), or
 * EH_ERR_CREDENTIAL (not a certificate, or not signed with Ed25519).
 * Only the signature: no validity period, name chaining or extensions.
 */
eh_err eh_x509_verify_ed25519(const uint8_t *der, size_t der_len, const uint8_t issuer_pub[32]);

/*
 * Builds a minimal X.509 v3 certificate (DER, no extensions, like the RFC
 * 9529 certificates) for the raw subject public key subject_pub of `type`,
 * signed with Ed25519 by the issuer whose 32-byte seed is issuer_seed.
 * subject_cn / issuer_cn: NUL-terminated UTF-8, 1..64 bytes, encoded as a
 * single commonName UTF8String. serial: encoded as a DER INTEGER (0 is
 * accepted though RFC 5280 wants a positive value). not_before / not_after:
 * "YYYYMMDDHHMMSSZ"; encoded as UTCTime for 1950..2049 and GeneralizedTime
 * otherwise (RFC 5280 §4.1.2.5). Deterministic: the same inputs give the
 * same bytes.
 */
eh_err eh_x509_create(eh_key_type type, const uint8_t *subject_pub, size_t subject_pub_len,
                      const char *subject_cn, const uint8_t issuer_seed[32],
                      const char *issuer_cn, uint32_t serial, const char *not_before,
                      const char *not_after, uint8_t *der, size_t cap, size_t *der_len);

/*
 * Private key from PEM text: an unencrypted PKCS#8 "PRIVATE KEY" block (the
 * legacy "EC PRIVATE KEY" form is accepted too; encrypted keys are refused
 * without prompting). *type and the raw private key are returned; priv is
 * zeroed on error.
 */
eh_err eh_pem_private_key_read(const char *pem, size_t pem_len, eh_key_type *type,
                               uint8_t *priv, size_t cap, size_t *priv_len);

/*
 * Raw private key of `type` -> unencrypted PKCS#8 PEM ("-----BEGIN PRIVATE
 * KEY-----"). EC keys carry their public key; a P-256 / P-384 scalar outside
 * [1, n-1] -> EH_ERR_ARG. The text is a secret: pem is zeroed on error and
 * the caller wipes it after use.
 */
eh_err eh_pem_private_key_write(eh_key_type type, const uint8_t *priv, size_t priv_len,
                                char *pem, size_t cap, size_t *pem_len);

/*
 * First "-----BEGIN CERTIFICATE-----" block of pem -> its DER bytes, which
 * must parse as exactly one certificate (else EH_ERR_CREDENTIAL).
 */
eh_err eh_pem_cert_read(const char *pem, size_t pem_len, uint8_t *der, size_t cap,
                        size_t *der_len);

/* DER certificate (checked to parse, written byte for byte) -> PEM. */
eh_err eh_pem_cert_write(const uint8_t *der, size_t der_len, char *pem, size_t cap,
                         size_t *pem_len);

#endif

/* The cipher suites registered by RFC 9528 §3.6 / §10.2, row by row. */
#include "edhoc.h"

static const eh_suite suites[] = {
    {0, &eh_aead_aes_ccm_16_64_128, &eh_hash_sha256, 8, &eh_ecdh_x25519, &eh_sig_ed25519,
     &eh_aead_aes_ccm_16_64_128, &eh_hash_sha256},
    {1, &eh_aead_aes_ccm_16_128_128, &eh_hash_sha256, 16, &eh_ecdh_x25519, &eh_sig_ed25519,
     &eh_aead_aes_ccm_16_64_128, &eh_hash_sha256},
    {2, &eh_aead_aes_ccm_16_64_128, &eh_hash_sha256, 8, &eh_ecdh_p256, &eh_sig_es256,
     &eh_aead_aes_ccm_16_64_128, &eh_hash_sha256},
    {3, &eh_aead_aes_ccm_16_128_128, &eh_hash_sha256, 16, &eh_ecdh_p256, &eh_sig_es256,
     &eh_aead_aes_ccm_16_64_128, &eh_hash_sha256},
    {4, &eh_aead_chacha20_poly1305, &eh_hash_sha256, 16, &eh_ecdh_x25519, &eh_sig_ed25519,
     &eh_aead_chacha20_poly1305, &eh_hash_sha256},
    {5, &eh_aead_chacha20_poly1305, &eh_hash_sha256, 16, &eh_ecdh_p256, &eh_sig_es256,
     &eh_aead_chacha20_poly1305, &eh_hash_sha256},
    {6, &eh_aead_a128gcm, &eh_hash_sha256, 16, &eh_ecdh_x25519, &eh_sig_es256, &eh_aead_a128gcm,
     &eh_hash_sha256},
    {24, &eh_aead_a256gcm, &eh_hash_sha384, 16, &eh_ecdh_p384, &eh_sig_es384, &eh_aead_a256gcm,
     &eh_hash_sha384},
    {25, &eh_aead_chacha20_poly1305, &eh_hash_shake256, 16, &eh_ecdh_x448, &eh_sig_ed448,
     &eh_aead_chacha20_poly1305, &eh_hash_shake256},
};

const eh_suite *eh_suite_by_id(int id)
{
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        if (suites[i].id == id)
            return &suites[i];
    return NULL;
}

/*
 * crypto.c - backend initialisation, constant-time comparison, wiping and
 * the look-ups by COSE identifier (see crypto.h).
 */
#include "crypto.h"
#include "crypto_internal.h"

#include <sodium.h>

eh_err eh_crypto_init(void)
{
    /* sodium_init() returns 0 on first success, 1 when already done and
     * -1 on failure; it is safe to call repeatedly. OpenSSL 3 initialises
     * itself on first use. */
    if (sodium_init() < 0)
        return EH_ERR_CRYPTO;
    return EH_OK;
}

bool eh_ct_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
    if (n == 0)
        return true;
    if (a == NULL || b == NULL)
        return false;
    return sodium_memcmp(a, b, n) == 0;
}

__attribute__((noinline)) void eh_stack_scrub(void)
{
    uint8_t area[EH_STACK_SCRUB];
    sodium_memzero(area, sizeof area);
    __asm__ __volatile__("" : : "r"(area) : "memory"); /* keep the frame */
}

void eh_wipe(void *p, size_t n)
{
    if (p != NULL && n > 0)
        sodium_memzero(p, n);
}

const eh_hash_alg *eh_hash_by_cose(int cose_alg)
{
    static const eh_hash_alg *const all[] = {&eh_hash_sha256, &eh_hash_sha384,
                                             &eh_hash_shake256};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i]->cose_alg == cose_alg)
            return all[i];
    return NULL;
}

const eh_aead_alg *eh_aead_by_cose(int cose_alg)
{
    static const eh_aead_alg *const all[] = {
        &eh_aead_aes_ccm_16_64_128, &eh_aead_aes_ccm_16_128_128, &eh_aead_a128gcm,
        &eh_aead_a256gcm, &eh_aead_chacha20_poly1305};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i]->cose_alg == cose_alg)
            return all[i];
    return NULL;
}

eh_err eh_crypto_random(void *arg, uint8_t *out, size_t len)
{
    (void)arg;
    if (out == NULL && len > 0)
        return EH_ERR_ARG;
    randombytes_buf(out, len);
    return EH_OK;
}

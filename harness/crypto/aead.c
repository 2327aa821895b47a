/*
 * aead.c - the COSE AEADs of the EDHOC cipher suites (RFC 9053):
 *   AES-CCM-16-64-128 (10), AES-CCM-16-128-128 (30): AES-128-CCM, 13-byte
 *     nonce (L = 2), tag 8 or 16 bytes (OpenSSL EVP)
 *   A128GCM (1), A256GCM (3): 12-byte nonce, 16-byte tag (OpenSSL EVP)
 *   ChaCha20/Poly1305 (24): IETF variant, 12-byte nonce (libsodium)
 * Ciphertext = encrypted text || tag. Open zeroes the plaintext buffer when
 * authentication fails. pt == ct (in place) is supported.
 */
#include "crypto.h"

#include <string.h>

#include <openssl/evp.h>
#include <sodium.h>

/* Non-NULL stand-in for empty inputs, which OpenSSL may reject as NULL. */
static const uint8_t empty_buf[1] = {0};
#define NONNULL(p) ((p) != NULL ? (p) : empty_buf)

/* --------------------------------------------------------------- AES-CCM -- */

static eh_err ccm_seal(size_t tag_len, const uint8_t *key, const uint8_t *nonce,
                       const uint8_t *aad, size_t aad_len, const uint8_t *pt, size_t pt_len,
                       uint8_t *ct)
{
    uint8_t dummy[1];
    int outl = 0;
    eh_err err = EH_ERR_CRYPTO;

    if (key == NULL || nonce == NULL || ct == NULL || (aad == NULL && aad_len) ||
        (pt == NULL && pt_len) || pt_len > INT32_MAX || aad_len > INT32_MAX)
        return EH_ERR_ARG;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL)
        return EH_ERR_CRYPTO;
    if (EVP_EncryptInit_ex(ctx, EVP_aes_128_ccm(), NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, 13, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, (int)tag_len, NULL) != 1 ||
        EVP_EncryptInit_ex(ctx, NULL, NULL, key, nonce) != 1)
        goto done;
    /* CCM needs the total plaintext length before the AAD. */
    if (EVP_EncryptUpdate(ctx, NULL, &outl, NULL, (int)pt_len) != 1)
        goto done;
    if (aad_len && EVP_EncryptUpdate(ctx, NULL, &outl, aad, (int)aad_len) != 1)
        goto done;
    if (EVP_EncryptUpdate(ctx, pt_len ? ct : dummy, &outl, NONNULL(pt), (int)pt_len) != 1 ||
        (size_t)outl != pt_len)
        goto done;
    if (EVP_EncryptFinal_ex(ctx, dummy, &outl) != 1)
        goto done;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, (int)tag_len, ct + pt_len) != 1)
        goto done;
    err = EH_OK;
done:
    EVP_CIPHER_CTX_free(ctx); /* cleanses the key schedule */
    if (err != EH_OK)
        sodium_memzero(ct, pt_len + tag_len);
    return err;
}

static eh_err ccm_open(size_t tag_len, const uint8_t *key, const uint8_t *nonce,
                       const uint8_t *aad, size_t aad_len, const uint8_t *ct, size_t ct_len,
                       uint8_t *pt)
{
    uint8_t tag[EH_MAX_AEAD_TAG_LEN];
    uint8_t dummy[1];
    int outl = 0;
    eh_err err = EH_ERR_CRYPTO;

    if (key == NULL || nonce == NULL || ct == NULL || (aad == NULL && aad_len) ||
        ct_len > INT32_MAX || aad_len > INT32_MAX)
        return EH_ERR_ARG;
    if (ct_len < tag_len)
        return EH_ERR_AEAD_TAG;
    size_t pt_len = ct_len - tag_len;
    if (pt == NULL && pt_len)
        return EH_ERR_ARG;
    /* Copy the tag first: with pt == ct it lies beyond the plaintext, but
     * a copy keeps the code independent of that. */
    memcpy(tag, ct + pt_len, tag_len);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL)
        return EH_ERR_CRYPTO;
    if (EVP_DecryptInit_ex(ctx, EVP_aes_128_ccm(), NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, 13, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, (int)tag_len, tag) != 1 ||
        EVP_DecryptInit_ex(ctx, NULL, NULL, key, nonce) != 1)
        goto done;
    if (EVP_DecryptUpdate(ctx, NULL, &outl, NULL, (int)pt_len) != 1)
        goto done;
    if (aad_len && EVP_DecryptUpdate(ctx, NULL, &outl, aad, (int)aad_len) != 1)
        goto done;
    /* For CCM the tag is checked inside this final update. */
    if (EVP_DecryptUpdate(ctx, pt_len ? pt : dummy, &outl, NONNULL(ct), (int)pt_len) != 1) {
        err = EH_ERR_AEAD_TAG;
        goto done;
    }
    err = (size_t)outl == pt_len ? EH_OK : EH_ERR_CRYPTO;
done:
    EVP_CIPHER_CTX_free(ctx);
    if (err != EH_OK && pt != NULL)
        sodium_memzero(pt, pt_len);
    return err;
}

static eh_err ccm8_seal(const uint8_t *key, const uint8_t *nonce, const uint8_t *aad,
                        size_t aad_len, const uint8_t *pt, size_t pt_len, uint8_t *ct)
{
    return ccm_seal(8, key, nonce, aad, aad_len, pt, pt_len, ct);
}

static eh_err ccm8_open(const uint8_t *key, const uint8_t *nonce, const uint8_t *aad,
                        size_t aad_len, const uint8_t *ct, size_t ct_len, uint8_t *pt)
{
    return ccm_open(8, key, nonce, aad, aad_len, ct, ct_len, pt);
}

static eh_err ccm16_seal(const uint8_t *key, const uint8_t *nonce, const uint8_t *aad,
                         size_t aad_len, const uint8_t *pt, size_t pt_len, uint8_t *ct)
{
    return ccm_seal(16, key, nonce, aad, aad_len, pt, pt_len, ct);
}

static eh_err ccm16_open(const uint8_t *key, const uint8_t *nonce, const uint8_t *aad,
                         size_t aad_len, const uint8_t *ct, size_t ct_len, uint8_t *pt)
{
    return ccm_open(16, key, nonce, aad, aad_len, ct, ct_len, pt);
}

/* --------------------------------------------------------------- AES-GCM -- */

#define GCM_TAG_LEN 16

static eh_err gcm_seal(const EVP_CIPHER *cipher, const uint8_t *key, const uint8_t *nonce,
                       const uint8_t *aad, size_t aad_len, const uint8_t *pt, size_t pt_len,
                       uint8_t *ct)
{
    uint8_t dummy[1];
    int outl = 0;
    eh_err err = EH_ERR_CRYPTO;

    if (key == NULL || nonce == NULL || ct == NULL || (aad == NULL && aad_len) ||
        (pt == NULL && pt_len) || pt_len > INT32_MAX || aad_len > INT32_MAX)
        return EH_ERR_ARG;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL)
        return EH_ERR_CRYPTO;
    if (EVP_EncryptInit_ex(ctx, cipher, NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) != 1 ||
        EVP_EncryptInit_ex(ctx, NULL, NULL, key, nonce) != 1)
        goto done;
    if (aad_len && EVP_EncryptUpdate(ctx, NULL, &outl, aad, (int)aad_len) != 1)
        goto done;
    if (pt_len && (EVP_EncryptUpdate(ctx, ct, &outl, pt, (int)pt_len) != 1 ||
                   (size_t)outl != pt_len))
        goto done;
    if (EVP_EncryptFinal_ex(ctx, dummy, &outl) != 1 || outl != 0)
        goto done;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, GCM_TAG_LEN, ct + pt_len) != 1)
        goto done;
    err = EH_OK;
done:
    EVP_CIPHER_CTX_free(ctx);
    if (err != EH_OK)
        sodium_memzero(ct, pt_len + GCM_TAG_LEN);
    return err;
}

static eh_err gcm_open(const EVP_CIPHER *cipher, const uint8_t *key, const uint8_t *nonce,
                       const uint8_t *aad, size_t aad_len, const uint8_t *ct, size_t ct_len,
                       uint8_t *pt)
{
    uint8_t tag[GCM_TAG_LEN];
    uint8_t dummy[1];
    int outl = 0;
    eh_err err = EH_ERR_CRYPTO;

    if (key == NULL || nonce == NULL || ct == NULL || (aad == NULL && aad_len) ||
        ct_len > INT32_MAX || aad_len > INT32_MAX)
        return EH_ERR_ARG;
    if (ct_len < GCM_TAG_LEN)
        return EH_ERR_AEAD_TAG;
    size_t pt_len = ct_len - GCM_TAG_LEN;
    if (pt == NULL && pt_len)
        return EH_ERR_ARG;
    memcpy(tag, ct + pt_len, GCM_TAG_LEN);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL)
        return EH_ERR_CRYPTO;
    if (EVP_DecryptInit_ex(ctx, cipher, NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) != 1 ||
        EVP_DecryptInit_ex(ctx, NULL, NULL, key, nonce) != 1)
        goto done;
    if (aad_len && EVP_DecryptUpdate(ctx, NULL, &outl, aad, (int)aad_len) != 1)
        goto done;
    if (pt_len && (EVP_DecryptUpdate(ctx, pt, &outl, ct, (int)pt_len) != 1 ||
                   (size_t)outl != pt_len))
        goto done;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, GCM_TAG_LEN, tag) != 1)
        goto done;
    err = EVP_DecryptFinal_ex(ctx, dummy, &outl) == 1 ? EH_OK : EH_ERR_AEAD_TAG;
done:
    EVP_CIPHER_CTX_free(ctx);
    if (err != EH_OK && pt != NULL)
        sodium_memzero(pt, pt_len);
    return err;
}

static eh_err a128gcm_seal(const uint8_t *key, const uint8_t *nonce, const uint8_t *aad,
                           size_t aad_len, const uint8_t *pt, size_t pt_len, uint8_t *ct)
{
    return gcm_seal(EVP_aes_128_gcm(), key, nonce, aad, aad_len, pt, pt_len, ct);
}

static eh_err a128gcm_open(const uint8_t *key, const uint8_t *nonce, const uint8_t *aad,
                           size_t aad_len, const uint8_t *ct, size_t ct_len, uint8_t *pt)
{
    return gcm_open(EVP_aes_128_gcm(), key, nonce, aad, aad_len, ct, ct_len, pt);
}

static eh_err a256gcm_seal(const uint8_t *key, const uint8_t *nonce, const uint8_t *aad,
                           size_t aad_len, const uint8_t *pt, size_t pt_len, uint8_t *ct)
{
    return gcm_seal(EVP_aes_256_gcm(), key, nonce, aad, aad_len, pt, pt_len, ct);
}

static eh_err a256gcm_open(const uint8_t *key, const uint8_t *nonce, const uint8_t *aad,
                           size_t aad_len, const uint8_t *ct, size_t ct_len, uint8_t *pt)
{
    return gcm_open(EVP_aes_256_gcm(), key, nonce, aad, aad_len, ct, ct_len, pt);
}

/* ------------------------------------------------------ ChaCha20/Poly1305 -- */

static eh_err chacha_seal(const uint8_t *key, const uint8_t *nonce, const uint8_t *aad,
                          size_t aad_len, const uint8_t *pt, size_t pt_len, uint8_t *ct)
{
    if (key == NULL || nonce == NULL || ct == NULL || (aad == NULL && aad_len) ||
        (pt == NULL && pt_len))
        return EH_ERR_ARG;
    /* libsodium allows ct == pt. */
    if (crypto_aead_chacha20poly1305_ietf_encrypt_detached(
            ct, ct + pt_len, NULL, NONNULL(pt), pt_len, NONNULL(aad), aad_len, NULL, nonce,
            key) != 0) {
        sodium_memzero(ct, pt_len + crypto_aead_chacha20poly1305_ietf_ABYTES);
        return EH_ERR_CRYPTO;
    }
    return EH_OK;
}

static eh_err chacha_open(const uint8_t *key, const uint8_t *nonce, const uint8_t *aad,
                          size_t aad_len, const uint8_t *ct, size_t ct_len, uint8_t *pt)
{
    uint8_t tag[crypto_aead_chacha20poly1305_ietf_ABYTES];
    uint8_t dummy[1];

    if (key == NULL || nonce == NULL || ct == NULL || (aad == NULL && aad_len))
        return EH_ERR_ARG;
    if (ct_len < sizeof tag)
        return EH_ERR_AEAD_TAG;
    size_t pt_len = ct_len - sizeof tag;
    if (pt == NULL && pt_len)
        return EH_ERR_ARG;
    memcpy(tag, ct + pt_len, sizeof tag);
    /* libsodium verifies the tag before decrypting. */
    if (crypto_aead_chacha20poly1305_ietf_decrypt_detached(pt_len ? pt : dummy, NULL, ct,
                                                           pt_len, tag, NONNULL(aad), aad_len,
                                                           nonce, key) != 0) {
        if (pt != NULL)
            sodium_memzero(pt, pt_len);
        return EH_ERR_AEAD_TAG;
    }
    return EH_OK;
}

/* --------------------------------------------------------------- tables -- */

const eh_aead_alg eh_aead_aes_ccm_16_64_128 = {
    .name = "AES-CCM-16-64-128",
    .cose_alg = 10,
    .key_len = 16,
    .nonce_len = 13,
    .tag_len = 8,
    .seal = ccm8_seal,
    .open = ccm8_open,
};

const eh_aead_alg eh_aead_aes_ccm_16_128_128 = {
    .name = "AES-CCM-16-128-128",
    .cose_alg = 30,
    .key_len = 16,
    .nonce_len = 13,
    .tag_len = 16,
    .seal = ccm16_seal,
    .open = ccm16_open,
};

const eh_aead_alg eh_aead_a128gcm = {
    .name = "A128GCM",
    .cose_alg = 1,
    .key_len = 16,
    .nonce_len = 12,
    .tag_len = 16,
    .seal = a128gcm_seal,
    .open = a128gcm_open,
};

const eh_aead_alg eh_aead_a256gcm = {
    .name = "A256GCM",
    .cose_alg = 3,
    .key_len = 32,
    .nonce_len = 12,
    .tag_len = 16,
    .seal = a256gcm_seal,
    .open = a256gcm_open,
};

const eh_aead_alg eh_aead_chacha20_poly1305 = {
    .name = "ChaCha20/Poly1305",
    .cose_alg = 24,
    .key_len = 32,
    .nonce_len = 12,
    .tag_len = crypto_aead_chacha20poly1305_ietf_ABYTES,
    .seal = chacha_seal,
    .open = chacha_open,
};

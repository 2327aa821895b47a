/*
 * hash.c - hash algorithms with EDHOC_Extract / EDHOC_Expand (RFC 9528 §4.1):
 *   SHA-256  (OpenSSL):    HKDF-SHA-256 (RFC 5869) on eh_hmac (RFC 2104 on the digest)
 *   SHA-384  (OpenSSL):    HKDF-SHA-384 the same way
 *   SHAKE256 (OpenSSL):    EDHOC_Extract(salt, IKM) = KMAC256(salt, IKM, 512, "")
 *                          EDHOC_Expand(PRK, info, L) = KMAC256(PRK, info, 8 * L, "")
 */
#include "crypto.h"
#include "crypto_internal.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sodium.h>

#define SHA256_LEN 32
#define SHA384_LEN 48
#define SHAKE256_EDHOC_LEN 64

/* ---------------------------------------------------------------- HMAC -- */

#define MAX_BLOCK 128 /* SHA-384 */

static eh_err digest3(EVP_MD_CTX *ctx, const EVP_MD *md, const uint8_t *a, size_t a_len,
                      const uint8_t *b, size_t b_len, const uint8_t *c, size_t c_len,
                      const uint8_t *d, size_t d_len, uint8_t *out)
{
    return EVP_DigestInit_ex2(ctx, md, NULL) == 1 &&
                   (a_len == 0 || EVP_DigestUpdate(ctx, a, a_len) == 1) &&
                   (b_len == 0 || EVP_DigestUpdate(ctx, b, b_len) == 1) &&
                   (c_len == 0 || EVP_DigestUpdate(ctx, c, c_len) == 1) &&
                   (d_len == 0 || EVP_DigestUpdate(ctx, d, d_len) == 1) &&
                   EVP_DigestFinal_ex(ctx, out, NULL) == 1
               ? EH_OK
               : EH_ERR_CRYPTO;
}

/*
 * RFC 2104 directly on the digest: H(K ^ opad || H(K ^ ipad || text)), K
 * zero-padded to the block size (hashed first when longer). With SHA-256
 * this takes 0.29 us for 80 bytes where libsodium's crypto_auth_hmacsha256
 * takes 1.04 us and OpenSSL's EVP_MAC "HMAC" 0.87 us with a new context
 * (harness/crypto/README.md).
 */
eh_err eh_hmac(eh_md_id md_id, const uint8_t *key, size_t key_len, const uint8_t *a,
               size_t a_len, const uint8_t *b, size_t b_len, const uint8_t *c, size_t c_len,
               uint8_t *out)
{
    uint8_t pad[MAX_BLOCK], inner[EH_MAX_HASH_LEN];
    size_t block, hlen;
    eh_err err = EH_ERR_CRYPTO;

    if (md_id == EH_MD_SHA256)
        block = 64, hlen = SHA256_LEN;
    else if (md_id == EH_MD_SHA384)
        block = 128, hlen = SHA384_LEN;
    else
        return EH_ERR_ARG;
    if ((key == NULL && key_len) || (a == NULL && a_len) || (b == NULL && b_len) ||
        (c == NULL && c_len) || out == NULL)
        return EH_ERR_ARG;
    const EVP_MD *md = eh_md(md_id);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (md == NULL || ctx == NULL)
        goto done;
    memset(pad, 0, sizeof pad);
    if (key_len > block) {
        if (digest3(ctx, md, key, key_len, NULL, 0, NULL, 0, NULL, 0, pad) != EH_OK)
            goto done;
    } else if (key_len) {
        memcpy(pad, key, key_len);
    }
    for (size_t i = 0; i < block; i++)
        pad[i] ^= 0x36;
    if (digest3(ctx, md, pad, block, a, a_len, b, b_len, c, c_len, inner) != EH_OK)
        goto done;
    for (size_t i = 0; i < block; i++)
        pad[i] ^= 0x36 ^ 0x5c;
    err = digest3(ctx, md, pad, block, inner, hlen, NULL, 0, NULL, 0, out);
done:
    EVP_MD_CTX_free(ctx); /* the digest provider cleanses its state */
    eh_stack_scrub();
    sodium_memzero(pad, sizeof pad);
    sodium_memzero(inner, sizeof inner);
    if (err != EH_OK)
        sodium_memzero(out, hlen);
    return err;
}

/* ---------------------------------------------------------------- HKDF -- */

/* One HMAC evaluation over up to three concatenated parts, as HKDF needs:
 * Extract = HMAC(salt, IKM); Expand step = HMAC(PRK, T(i-1) || info || i). */
typedef eh_err (*hmac3_fn)(const uint8_t *key, size_t key_len, const uint8_t *a, size_t a_len,
                           const uint8_t *b, size_t b_len, const uint8_t *c, size_t c_len,
                           uint8_t *out);

static eh_err hmac_sha256_3(const uint8_t *key, size_t key_len, const uint8_t *a, size_t a_len,
                            const uint8_t *b, size_t b_len, const uint8_t *c, size_t c_len,
                            uint8_t *out)
{
    return eh_hmac(EH_MD_SHA256, key, key_len, a, a_len, b, b_len, c, c_len, out);
}

static eh_err hmac_sha384_3(const uint8_t *key, size_t key_len, const uint8_t *a, size_t a_len,
                            const uint8_t *b, size_t b_len, const uint8_t *c, size_t c_len,
                            uint8_t *out)
{
    /* An empty key is the same as HashLen zeros (RFC 2104 pads the key with
     * zeros), as RFC 5869 §2.2 prescribes for an absent salt. */
    return eh_hmac(EH_MD_SHA384, key, key_len, a, a_len, b, b_len, c, c_len, out);
}

/* HKDF-Expand of RFC 5869 §2.3 for any HMAC with hash length hlen. */
static eh_err hkdf_expand(hmac3_fn hmac, size_t hlen, const uint8_t *prk, size_t prk_len,
                          const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len)
{
    uint8_t t[EH_MAX_HASH_LEN];
    size_t t_len = 0, done = 0;
    uint8_t counter = 0;
    eh_err err = EH_OK;

    if ((prk == NULL && prk_len) || (info == NULL && info_len) || (out == NULL && out_len))
        return EH_ERR_ARG;
    if (out_len > 255 * hlen)
        return EH_ERR_ARG;
    while (done < out_len) {
        counter++;
        err = hmac(prk, prk_len, t, t_len, info, info_len, &counter, 1, t);
        if (err != EH_OK)
            break;
        t_len = hlen;
        size_t n = out_len - done < hlen ? out_len - done : hlen;
        memcpy(out + done, t, n);
        done += n;
    }
    sodium_memzero(t, sizeof t);
    if (err != EH_OK)
        sodium_memzero(out, out_len);
    return err;
}

/* -------------------------------------------------------------- SHA-256 -- */

/* One-shot digest with a fetched md (0.15 us for 80 bytes with SHA-256,
 * libsodium's crypto_hash_sha256 0.40 us: OpenSSL uses the CPU's SHA
 * instructions). */
static eh_err md_digest(eh_md_id id, size_t len, const uint8_t *in, size_t in_len, uint8_t *out)
{
    static const uint8_t empty[1] = {0};
    unsigned int got = 0;
    const EVP_MD *md = eh_md(id);
    if (in == NULL && in_len)
        return EH_ERR_ARG;
    if (md == NULL || EVP_Digest(in_len ? in : empty, in_len, out, &got, md, NULL) != 1 ||
        got != len)
        return EH_ERR_CRYPTO;
    return EH_OK;
}

static eh_err sha256_digest(const uint8_t *in, size_t in_len, uint8_t *out)
{
    return md_digest(EH_MD_SHA256, SHA256_LEN, in, in_len, out);
}

static eh_err sha256_extract(const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
                             size_t ikm_len, uint8_t *prk)
{
    if ((salt == NULL && salt_len) || (ikm == NULL && ikm_len))
        return EH_ERR_ARG;
    return hmac_sha256_3(salt, salt_len, ikm, ikm_len, NULL, 0, NULL, 0, prk);
}

static eh_err sha256_expand(const uint8_t *prk, size_t prk_len, const uint8_t *info,
                            size_t info_len, uint8_t *out, size_t out_len)
{
    return hkdf_expand(hmac_sha256_3, SHA256_LEN, prk, prk_len, info, info_len, out, out_len);
}

/* -------------------------------------------------------------- SHA-384 -- */

static eh_err sha384_digest(const uint8_t *in, size_t in_len, uint8_t *out)
{
    return md_digest(EH_MD_SHA384, SHA384_LEN, in, in_len, out);
}

static eh_err sha384_extract(const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
                             size_t ikm_len, uint8_t *prk)
{
    if ((salt == NULL && salt_len) || (ikm == NULL && ikm_len))
        return EH_ERR_ARG;
    return hmac_sha384_3(salt, salt_len, ikm, ikm_len, NULL, 0, NULL, 0, prk);
}

static eh_err sha384_expand(const uint8_t *prk, size_t prk_len, const uint8_t *info,
                            size_t info_len, uint8_t *out, size_t out_len)
{
    return hkdf_expand(hmac_sha384_3, SHA384_LEN, prk, prk_len, info, info_len, out, out_len);
}

/* ------------------------------------------------------ SHAKE256 / KMAC -- */

static eh_err shake256_digest(const uint8_t *in, size_t in_len, uint8_t *out)
{
    eh_err err = EH_ERR_CRYPTO;
    if (in == NULL && in_len)
        return EH_ERR_ARG;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL)
        return EH_ERR_CRYPTO;
    if (eh_md(EH_MD_SHAKE256) != NULL && EVP_DigestInit_ex2(ctx, eh_md(EH_MD_SHAKE256), NULL) == 1 &&
        (in_len == 0 || EVP_DigestUpdate(ctx, in, in_len) == 1) &&
        EVP_DigestFinalXOF(ctx, out, SHAKE256_EDHOC_LEN) == 1)
        err = EH_OK;
    EVP_MD_CTX_free(ctx);
    return err;
}

eh_err eh_kmac256(const uint8_t *key, size_t key_len, const uint8_t *data, size_t data_len,
                  const uint8_t *custom, size_t custom_len, uint8_t *out, size_t out_len)
{
    OSSL_PARAM params[3];
    size_t size = out_len, got = 0;
    eh_err err = EH_ERR_CRYPTO;
    int n = 0;

    if ((key == NULL && key_len) || (data == NULL && data_len) ||
        (custom == NULL && custom_len) || out == NULL || out_len == 0)
        return EH_ERR_ARG;
    /* OpenSSL's KMAC accepts keys of 4..512 bytes and customisation
     * strings up to 512 bytes; EDHOC keys (salts, PRKs) are 64 bytes. */
    if (key_len < 4 || key_len > 512 || custom_len > 512)
        return EH_ERR_UNSUPPORTED;

    EVP_MAC *mac = eh_mac_kmac256();
    EVP_MAC_CTX *ctx = mac != NULL ? EVP_MAC_CTX_new(mac) : NULL;
    if (ctx == NULL)
        goto done;
    params[n++] = OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size);
    if (custom_len)
        params[n++] = OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_CUSTOM,
                                                        (void *)custom, custom_len);
    params[n] = OSSL_PARAM_construct_end();
    if (EVP_MAC_init(ctx, key, key_len, params) != 1)
        goto done;
    if (data_len && EVP_MAC_update(ctx, data, data_len) != 1)
        goto done;
    if (EVP_MAC_final(ctx, out, &got, out_len) != 1 || got != out_len)
        goto done;
    err = EH_OK;
done:
    if (err != EH_OK)
        sodium_memzero(out, out_len);
    EVP_MAC_CTX_free(ctx); /* the KMAC provider cleanses its key state */
    return err;
}

static eh_err shake256_extract(const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
                               size_t ikm_len, uint8_t *prk)
{
    /* RFC 9528 §4.1.1: KMAC(salt, IKM, 8 * hash_length, ""). An empty salt
     * (never used by EDHOC) is below OpenSSL's KMAC key minimum and gives
     * EH_ERR_UNSUPPORTED. */
    return eh_kmac256(salt, salt_len, ikm, ikm_len, NULL, 0, prk, SHAKE256_EDHOC_LEN);
}

static eh_err shake256_expand(const uint8_t *prk, size_t prk_len, const uint8_t *info,
                              size_t info_len, uint8_t *out, size_t out_len)
{
    /* RFC 9528 §4.1.2: KMAC(PRK, info, L, "") with L = 8 * length. */
    if (out_len == 0)
        return EH_OK;
    return eh_kmac256(prk, prk_len, info, info_len, NULL, 0, out, out_len);
}

/* --------------------------------------------------------------- tables -- */

const eh_hash_alg eh_hash_sha256 = {
    .name = "SHA-256",
    .cose_alg = -16,
    .out_len = SHA256_LEN,
    .digest = sha256_digest,
    .extract = sha256_extract,
    .expand = sha256_expand,
};

const eh_hash_alg eh_hash_sha384 = {
    .name = "SHA-384",
    .cose_alg = -43,
    .out_len = SHA384_LEN,
    .digest = sha384_digest,
    .extract = sha384_extract,
    .expand = sha384_expand,
};

const eh_hash_alg eh_hash_shake256 = {
    .name = "SHAKE256",
    .cose_alg = -45,
    .out_len = SHAKE256_EDHOC_LEN,
    .digest = shake256_digest,
    .extract = shake256_extract,
    .expand = shake256_expand,
};

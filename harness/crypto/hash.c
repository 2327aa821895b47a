/*
 * hash.c - hash algorithms with EDHOC_Extract / EDHOC_Expand (RFC 9528 §4.1):
 *   SHA-256  (libsodium):  HKDF-SHA-256 (RFC 5869) on crypto_auth_hmacsha256
 *   SHA-384  (OpenSSL):    HKDF-SHA-384 on EVP_MAC "HMAC"
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
    crypto_auth_hmacsha256_state st;
    static const uint8_t empty[1] = {0};
    int rc = crypto_auth_hmacsha256_init(&st, key_len ? key : empty, key_len);
    if (rc == 0 && a_len)
        rc = crypto_auth_hmacsha256_update(&st, a, a_len);
    if (rc == 0 && b_len)
        rc = crypto_auth_hmacsha256_update(&st, b, b_len);
    if (rc == 0 && c_len)
        rc = crypto_auth_hmacsha256_update(&st, c, c_len);
    if (rc == 0)
        rc = crypto_auth_hmacsha256_final(&st, out);
    sodium_memzero(&st, sizeof st);
    if (rc != 0) {
        sodium_memzero(out, SHA256_LEN);
        return EH_ERR_CRYPTO;
    }
    return EH_OK;
}

static eh_err hmac_sha384_3(const uint8_t *key, size_t key_len, const uint8_t *a, size_t a_len,
                            const uint8_t *b, size_t b_len, const uint8_t *c, size_t c_len,
                            uint8_t *out)
{
    /* An empty HMAC key is the same as any all-zero key no longer than the
     * block size (RFC 2104 pads the key with zeros), so use HashLen zeros
     * as RFC 5869 §2.2 prescribes for an absent salt. */
    static const uint8_t zeros[SHA384_LEN] = {0};
    char digest_name[] = "SHA384";
    OSSL_PARAM params[2];
    size_t out_len = 0;
    eh_err err = EH_ERR_CRYPTO;

    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = mac != NULL ? EVP_MAC_CTX_new(mac) : NULL;
    if (ctx == NULL)
        goto done;
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0);
    params[1] = OSSL_PARAM_construct_end();
    if (key_len == 0) {
        key = zeros;
        key_len = sizeof zeros;
    }
    if (EVP_MAC_init(ctx, key, key_len, params) != 1)
        goto done;
    if ((a_len && EVP_MAC_update(ctx, a, a_len) != 1) ||
        (b_len && EVP_MAC_update(ctx, b, b_len) != 1) ||
        (c_len && EVP_MAC_update(ctx, c, c_len) != 1))
        goto done;
    if (EVP_MAC_final(ctx, out, &out_len, SHA384_LEN) != 1 || out_len != SHA384_LEN)
        goto done;
    err = EH_OK;
done:
    if (err != EH_OK)
        sodium_memzero(out, SHA384_LEN);
    EVP_MAC_CTX_free(ctx); /* the HMAC provider cleanses its key state */
    EVP_MAC_free(mac);
    return err;
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

static eh_err sha256_digest(const uint8_t *in, size_t in_len, uint8_t *out)
{
    if (in == NULL && in_len)
        return EH_ERR_ARG;
    return crypto_hash_sha256(out, in, in_len) == 0 ? EH_OK : EH_ERR_CRYPTO;
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
    static const uint8_t empty[1] = {0};
    unsigned int len = 0;
    if (in == NULL && in_len)
        return EH_ERR_ARG;
    if (EVP_Digest(in_len ? in : empty, in_len, out, &len, EVP_sha384(), NULL) != 1 ||
        len != SHA384_LEN)
        return EH_ERR_CRYPTO;
    return EH_OK;
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
    if (EVP_DigestInit_ex(ctx, EVP_shake256(), NULL) == 1 &&
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

    EVP_MAC *mac = EVP_MAC_fetch(NULL, "KMAC256", NULL);
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
    EVP_MAC_free(mac);
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

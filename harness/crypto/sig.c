/*
 * sig.c - signature algorithms of the EDHOC cipher suites:
 *   Ed25519 (libsodium; private key = 32-byte seed, detached signatures)
 *   Ed448   (OpenSSL EVP_PKEY raw keys; 57-byte seed, empty context)
 *   ES256 / ES384 (OpenSSL; ECDSA with SHA-256 / SHA-384 on P-256 / P-384,
 *     signatures in the COSE form r || s (RFC 9053 §2.1), public keys x || y)
 * ECDSA signing is deterministic (RFC 6979, implemented in ecdsa_rfc6979.c
 * because OpenSSL 3.0 has no deterministic mode); verification uses EVP.
 */
#include "crypto.h"
#include "crypto_internal.h"
#include "ecdsa_internal.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/params.h>
#include <sodium.h>

/* --------------------------------------------------------------- Ed25519 -- */

static eh_err ed25519_public_key(const uint8_t *priv, uint8_t *pub)
{
    uint8_t sk[crypto_sign_ed25519_SECRETKEYBYTES];
    if (priv == NULL || pub == NULL)
        return EH_ERR_ARG;
    int rc = crypto_sign_ed25519_seed_keypair(pub, sk, priv);
    sodium_memzero(sk, sizeof sk);
    return rc == 0 ? EH_OK : EH_ERR_CRYPTO;
}

/* libsodium's expanded secret key: seed || public key. Made only here, from
 * the seed, so that the public half always belongs to the seed (signing
 * with a wrong public half would leak the key). */
static eh_err ed25519_prepare(const uint8_t *priv, uint8_t *prepared)
{
    uint8_t pk[crypto_sign_ed25519_PUBLICKEYBYTES];
    if (priv == NULL || prepared == NULL)
        return EH_ERR_ARG;
    int rc = crypto_sign_ed25519_seed_keypair(pk, prepared, priv);
    if (rc != 0)
        sodium_memzero(prepared, crypto_sign_ed25519_SECRETKEYBYTES);
    return rc == 0 ? EH_OK : EH_ERR_CRYPTO;
}

static eh_err ed25519_sign_prepared(const uint8_t *prepared, const uint8_t *msg, size_t msg_len,
                                    uint8_t *sig)
{
    static const uint8_t empty[1] = {0};
    if (prepared == NULL || sig == NULL || (msg == NULL && msg_len))
        return EH_ERR_ARG;
    if (crypto_sign_ed25519_detached(sig, NULL, msg_len ? msg : empty, msg_len, prepared) != 0) {
        sodium_memzero(sig, crypto_sign_ed25519_BYTES);
        return EH_ERR_CRYPTO;
    }
    return EH_OK;
}

static eh_err ed25519_sign(const uint8_t *priv, const uint8_t *msg, size_t msg_len,
                           uint8_t *sig)
{
    uint8_t sk[crypto_sign_ed25519_SECRETKEYBYTES];
    if (priv == NULL || sig == NULL || (msg == NULL && msg_len))
        return EH_ERR_ARG;
    eh_err err = ed25519_prepare(priv, sk);
    if (err == EH_OK)
        err = ed25519_sign_prepared(sk, msg, msg_len, sig);
    sodium_memzero(sk, sizeof sk);
    return err;
}

static eh_err ed25519_verify(const uint8_t *pub, const uint8_t *msg, size_t msg_len,
                             const uint8_t *sig)
{
    static const uint8_t empty[1] = {0};
    if (pub == NULL || sig == NULL || (msg == NULL && msg_len))
        return EH_ERR_SIGNATURE;
    return crypto_sign_ed25519_verify_detached(sig, msg_len ? msg : empty, msg_len, pub) == 0
               ? EH_OK
               : EH_ERR_SIGNATURE;
}

/* ----------------------------------------------------------------- Ed448 -- */

#define ED448_KEY_LEN 57
#define ED448_SIG_LEN 114

static eh_err ed448_public_key(const uint8_t *priv, uint8_t *pub)
{
    size_t len = ED448_KEY_LEN;
    eh_err err = EH_ERR_CRYPTO;
    if (priv == NULL || pub == NULL)
        return EH_ERR_ARG;
    EVP_PKEY *key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED448, NULL, priv, ED448_KEY_LEN);
    if (key != NULL && EVP_PKEY_get_raw_public_key(key, pub, &len) == 1 && len == ED448_KEY_LEN)
        err = EH_OK;
    EVP_PKEY_free(key);
    if (err != EH_OK)
        ERR_clear_error();
    return err;
}

/* seed || public key: imported later without deriving the public key again */
static eh_err ed448_prepare(const uint8_t *priv, uint8_t *prepared)
{
    if (priv == NULL || prepared == NULL)
        return EH_ERR_ARG;
    eh_err err = ed448_public_key(priv, prepared + ED448_KEY_LEN);
    if (err == EH_OK)
        memcpy(prepared, priv, ED448_KEY_LEN);
    return err;
}

static eh_err ed448_sign_prepared(const uint8_t *prepared, const uint8_t *msg, size_t msg_len,
                                  uint8_t *sig)
{
    static const uint8_t empty[1] = {0};
    size_t len = ED448_SIG_LEN;
    eh_err err = EH_ERR_CRYPTO;
    EVP_MD_CTX *md = NULL;
    EVP_PKEY *key = NULL;
    EVP_PKEY_CTX *kctx = NULL;

    if (prepared == NULL || sig == NULL || (msg == NULL && msg_len))
        return EH_ERR_ARG;
    OSSL_PARAM params[3] = {
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PRIV_KEY, (void *)prepared,
                                          ED448_KEY_LEN),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
                                          (void *)(prepared + ED448_KEY_LEN), ED448_KEY_LEN),
        OSSL_PARAM_END};
    kctx = EVP_PKEY_CTX_new_from_name(NULL, "ED448", NULL);
    if (kctx == NULL || EVP_PKEY_fromdata_init(kctx) != 1 ||
        EVP_PKEY_fromdata(kctx, &key, EVP_PKEY_KEYPAIR, params) != 1)
        goto done;
    md = EVP_MD_CTX_new();
    if (key == NULL || md == NULL || EVP_DigestSignInit(md, NULL, NULL, NULL, key) != 1 ||
        EVP_DigestSign(md, sig, &len, msg_len ? msg : empty, msg_len) != 1 ||
        len != ED448_SIG_LEN)
        goto done;
    err = EH_OK;
done:
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(key);
    EVP_PKEY_CTX_free(kctx);
    if (err != EH_OK) {
        sodium_memzero(sig, ED448_SIG_LEN);
        ERR_clear_error();
    }
    return err;
}

static eh_err ed448_sign(const uint8_t *priv, const uint8_t *msg, size_t msg_len, uint8_t *sig)
{
    uint8_t prepared[2 * ED448_KEY_LEN];
    eh_err err = ed448_prepare(priv, prepared);
    if (err == EH_OK)
        err = ed448_sign_prepared(prepared, msg, msg_len, sig);
    else if (sig != NULL)
        sodium_memzero(sig, ED448_SIG_LEN);
    sodium_memzero(prepared, sizeof prepared);
    return err;
}

static eh_err ed448_verify(const uint8_t *pub, const uint8_t *msg, size_t msg_len,
                           const uint8_t *sig)
{
    static const uint8_t empty[1] = {0};
    eh_err err = EH_ERR_SIGNATURE;
    EVP_MD_CTX *md = NULL;

    if (pub == NULL || sig == NULL || (msg == NULL && msg_len))
        return EH_ERR_SIGNATURE;
    EVP_PKEY *key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED448, NULL, pub, ED448_KEY_LEN);
    md = EVP_MD_CTX_new();
    if (key != NULL && md != NULL && EVP_DigestVerifyInit(md, NULL, NULL, NULL, key) == 1 &&
        EVP_DigestVerify(md, sig, ED448_SIG_LEN, msg_len ? msg : empty, msg_len) == 1)
        err = EH_OK;
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(key);
    ERR_clear_error();
    return err;
}

/* ---------------------------------------------------------- ES256/ES384 -- */

typedef struct ecdsa_params {
    int nid;
    const char *group;  /* OpenSSL group name */
    eh_md_id md;        /* the digest (fetched.c) */
    size_t coord_len;
    const eh_ecdh_alg *ecdh; /* same curve: public key derivation, point check */
} ecdsa_params;

static const ecdsa_params es256_params = {NID_X9_62_prime256v1, "prime256v1", EH_MD_SHA256,
                                          32, &eh_ecdh_p256};
static const ecdsa_params es384_params = {NID_secp384r1, "secp384r1", EH_MD_SHA384, 48,
                                          &eh_ecdh_p384};

static eh_err ecdsa_public_key(const ecdsa_params *ep, const uint8_t *priv, uint8_t *pub)
{
    if (priv == NULL || pub == NULL)
        return EH_ERR_ARG;
    return ep->ecdh->public_key(priv, pub, pub + ep->coord_len);
}

/* Deterministic ECDSA (RFC 6979), see ecdsa_rfc6979.c. */
static eh_err ecdsa_sign(const ecdsa_params *ep, const uint8_t *priv, const uint8_t *msg,
                         size_t msg_len, uint8_t *sig)
{
    return eh_ecdsa_rfc6979_sign(ep->ecdh->cose_crv, priv, msg, msg_len, sig);
}

static eh_err ecdsa_verify(const ecdsa_params *ep, const uint8_t *pub, const uint8_t *msg,
                           size_t msg_len, const uint8_t *sig)
{
    static const uint8_t empty[1] = {0};
    unsigned char *der = NULL;
    ECDSA_SIG *es = NULL;
    BIGNUM *r = NULL, *s = NULL;
    EVP_PKEY *key = NULL;
    eh_err err = EH_ERR_SIGNATURE;
    int n = (int)ep->coord_len;

    uint8_t hash[EH_MAX_HASH_LEN];
    unsigned int hash_len = 0;
    EVP_PKEY_CTX *pctx = NULL;

    if (pub == NULL || sig == NULL || (msg == NULL && msg_len))
        return EH_ERR_SIGNATURE;
    /* imported once per key, checked on the curve (check_point) first */
    key = eh_ec_pubkey(ep->nid, ep->group, pub, ep->coord_len, ep->ecdh->check_point);
    es = ECDSA_SIG_new();
    r = BN_bin2bn(sig, n, NULL);
    s = BN_bin2bn(sig + n, n, NULL);
    if (key == NULL || es == NULL || r == NULL || s == NULL)
        goto done;
    if (ECDSA_SIG_set0(es, r, s) != 1)
        goto done;
    r = s = NULL; /* owned by es now */
    int der_len = i2d_ECDSA_SIG(es, &der);
    /* the digest here (a fetched md), then ECDSA on it: EVP_PKEY_verify
     * takes the hash as ECDSA's e (SEC 1 §4.1.4), as EVP_DigestVerify
     * would after hashing, without fetching the digest by name again */
    if (der_len <= 0 || eh_md(ep->md) == NULL ||
        EVP_Digest(msg_len ? msg : empty, msg_len, hash, &hash_len, eh_md(ep->md), NULL) != 1)
        goto done;
    pctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
    if (pctx != NULL && EVP_PKEY_verify_init(pctx) == 1 &&
        EVP_PKEY_verify(pctx, der, (size_t)der_len, hash, hash_len) == 1)
        err = EH_OK;
done:
    EVP_PKEY_CTX_free(pctx);
    OPENSSL_free(der);
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(es);
    EVP_PKEY_free(key);
    ERR_clear_error();
    return err;
}

static eh_err es256_public_key(const uint8_t *priv, uint8_t *pub)
{
    return ecdsa_public_key(&es256_params, priv, pub);
}

static eh_err es256_sign(const uint8_t *priv, const uint8_t *msg, size_t msg_len, uint8_t *sig)
{
    return ecdsa_sign(&es256_params, priv, msg, msg_len, sig);
}

static eh_err es256_verify(const uint8_t *pub, const uint8_t *msg, size_t msg_len,
                           const uint8_t *sig)
{
    return ecdsa_verify(&es256_params, pub, msg, msg_len, sig);
}

static eh_err es384_public_key(const uint8_t *priv, uint8_t *pub)
{
    return ecdsa_public_key(&es384_params, priv, pub);
}

static eh_err es384_sign(const uint8_t *priv, const uint8_t *msg, size_t msg_len, uint8_t *sig)
{
    return ecdsa_sign(&es384_params, priv, msg, msg_len, sig);
}

static eh_err es384_verify(const uint8_t *pub, const uint8_t *msg, size_t msg_len,
                           const uint8_t *sig)
{
    return ecdsa_verify(&es384_params, pub, msg, msg_len, sig);
}

/* ECDSA signs from the private key as it is: nothing to gain from preparing
 * it (RFC 6979 starts from the scalar's bytes). */
static eh_err copy_prepared(const uint8_t *priv, uint8_t *prepared, size_t len)
{
    if (priv == NULL || prepared == NULL)
        return EH_ERR_ARG;
    memcpy(prepared, priv, len);
    return EH_OK;
}

static eh_err es256_prepare(const uint8_t *priv, uint8_t *prepared)
{
    return copy_prepared(priv, prepared, 32);
}

static eh_err es384_prepare(const uint8_t *priv, uint8_t *prepared)
{
    return copy_prepared(priv, prepared, 48);
}

/* --------------------------------------------------------------- tables -- */

const eh_sig_alg eh_sig_ed25519 = {
    .name = "Ed25519",
    .cose_alg = -8,
    .cose_crv = 6,
    .priv_len = 32,
    .pub_len = 32,
    .sig_len = 64,
    .public_key = ed25519_public_key,
    .sign = ed25519_sign,
    .verify = ed25519_verify,
    .prepared_len = 64,
    .prepare = ed25519_prepare,
    .sign_prepared = ed25519_sign_prepared,
};

const eh_sig_alg eh_sig_ed448 = {
    .name = "Ed448",
    .cose_alg = -8,
    .cose_crv = 7,
    .priv_len = ED448_KEY_LEN,
    .pub_len = ED448_KEY_LEN,
    .sig_len = ED448_SIG_LEN,
    .public_key = ed448_public_key,
    .sign = ed448_sign,
    .verify = ed448_verify,
    .prepared_len = 2 * ED448_KEY_LEN,
    .prepare = ed448_prepare,
    .sign_prepared = ed448_sign_prepared,
};

const eh_sig_alg eh_sig_es256 = {
    .name = "ES256",
    .cose_alg = -7,
    .cose_crv = 1,
    .priv_len = 32,
    .pub_len = 64,
    .sig_len = 64,
    .public_key = es256_public_key,
    .sign = es256_sign,
    .verify = es256_verify,
    .prepared_len = 32,
    .prepare = es256_prepare,
    .sign_prepared = es256_sign,
};

const eh_sig_alg eh_sig_es384 = {
    .name = "ES384",
    .cose_alg = -35,
    .cose_crv = 2,
    .priv_len = 48,
    .pub_len = 96,
    .sig_len = 96,
    .public_key = es384_public_key,
    .sign = es384_sign,
    .verify = es384_verify,
    .prepared_len = 48,
    .prepare = es384_prepare,
    .sign_prepared = es384_sign,
};

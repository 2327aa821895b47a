/*
 * ecdh.c - key agreement for the EDHOC cipher suites:
 *   X25519 (libsodium), X448 (OpenSSL EVP_PKEY raw keys),
 *   P-256 / P-384 (OpenSSL EC_GROUP / EC_POINT / BIGNUM; these calls are
 *   not deprecated in OpenSSL 3.0, unlike EC_KEY).
 * EC2 peers send only the x-coordinate (RFC 9528 Appendix B): it is
 * decompressed (either y works: the x-coordinate of d * (x, y) and of
 * d * (x, -y) are the same) and validated: x < p and on the curve. The
 * decompression (a square root mod p, ~11 us on P-256 of a ~45 us ECDH:
 * eh_ec_y_from_x) is
 * done once per received key: `decode` gives the y that shared_secret_xy
 * then takes, checked on the curve again at almost no cost.
 */
#include "crypto_internal.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/params.h>
#include <sodium.h>

/* ---------------------------------------------------------------- X25519 -- */

static eh_err x25519_public_key(const uint8_t *priv, uint8_t *pub_x, uint8_t *pub_y)
{
    (void)pub_y;
    if (priv == NULL || pub_x == NULL)
        return EH_ERR_ARG;
    if (crypto_scalarmult_curve25519_base(pub_x, priv) != 0) {
        sodium_memzero(pub_x, crypto_scalarmult_curve25519_BYTES);
        return EH_ERR_CRYPTO;
    }
    return EH_OK;
}

static eh_err x25519_shared_secret(const uint8_t *priv, const uint8_t *peer_x, uint8_t *secret);

static eh_err x25519_shared_secret_xy(const uint8_t *priv, const uint8_t *own_pub,
                                      const uint8_t *peer_x, const uint8_t *peer_y,
                                      uint8_t *secret)
{
    (void)own_pub, (void)peer_y;
    return x25519_shared_secret(priv, peer_x, secret);
}

static eh_err x25519_shared_secret(const uint8_t *priv, const uint8_t *peer_x, uint8_t *secret)
{
    if (priv == NULL || peer_x == NULL || secret == NULL)
        return EH_ERR_ARG;
    /* libsodium returns -1 when the result is all zeros (low-order peer). */
    int rc = crypto_scalarmult_curve25519(secret, priv, peer_x);
    if (rc != 0 || sodium_is_zero(secret, crypto_scalarmult_curve25519_BYTES)) {
        sodium_memzero(secret, crypto_scalarmult_curve25519_BYTES);
        return EH_ERR_LOW_ORDER_POINT;
    }
    return EH_OK;
}

/* ------------------------------------------------------------------ X448 -- */

#define X448_LEN 56

static eh_err x448_public_key(const uint8_t *priv, uint8_t *pub_x, uint8_t *pub_y)
{
    size_t len = X448_LEN;
    eh_err err = EH_ERR_CRYPTO;
    (void)pub_y;
    if (priv == NULL || pub_x == NULL)
        return EH_ERR_ARG;
    EVP_PKEY *key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X448, NULL, priv, X448_LEN);
    if (key != NULL && EVP_PKEY_get_raw_public_key(key, pub_x, &len) == 1 && len == X448_LEN)
        err = EH_OK;
    EVP_PKEY_free(key); /* cleanses the private key */
    if (err != EH_OK) {
        sodium_memzero(pub_x, X448_LEN);
        ERR_clear_error();
    }
    return err;
}

/* priv as an EVP_PKEY: with its public key when the caller has it, so that
 * OpenSSL does not compute it (EVP_PKEY_new_raw_private_key does). */
static EVP_PKEY *x448_private(const uint8_t *priv, const uint8_t *own_pub)
{
    if (own_pub == NULL)
        return EVP_PKEY_new_raw_private_key(EVP_PKEY_X448, NULL, priv, X448_LEN);
    EVP_PKEY *key = NULL;
    OSSL_PARAM params[3] = {
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PRIV_KEY, (void *)priv, X448_LEN),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)own_pub, X448_LEN),
        OSSL_PARAM_END};
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "X448", NULL);
    if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_KEYPAIR, params) != 1) {
        EVP_PKEY_free(key);
        key = NULL;
    }
    EVP_PKEY_CTX_free(ctx);
    return key;
}

static eh_err x448_shared_secret_xy(const uint8_t *priv, const uint8_t *own_pub,
                                    const uint8_t *peer_x, const uint8_t *peer_y,
                                    uint8_t *secret)
{
    size_t len = X448_LEN;
    eh_err err = EH_ERR_CRYPTO;
    EVP_PKEY *peer = NULL;
    EVP_PKEY_CTX *ctx = NULL;

    (void)peer_y;
    if (priv == NULL || peer_x == NULL || secret == NULL)
        return EH_ERR_ARG;
    EVP_PKEY *key = x448_private(priv, own_pub);
    if (key == NULL)
        goto done;
    peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X448, NULL, peer_x, X448_LEN);
    if (peer == NULL) {
        err = EH_ERR_INVALID_PUBLIC_KEY;
        goto done;
    }
    ctx = EVP_PKEY_CTX_new(key, NULL);
    if (ctx == NULL || EVP_PKEY_derive_init(ctx) != 1 || EVP_PKEY_derive_set_peer(ctx, peer) != 1)
        goto done;
    /* OpenSSL's X448 refuses to output an all-zero secret; with valid
     * lengths that is the only way derivation can fail. */
    if (EVP_PKEY_derive(ctx, secret, &len) != 1 || len != X448_LEN ||
        sodium_is_zero(secret, X448_LEN)) {
        err = EH_ERR_LOW_ORDER_POINT;
        goto done;
    }
    err = EH_OK;
done:
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(peer);
    EVP_PKEY_free(key);
    if (err != EH_OK) {
        sodium_memzero(secret, X448_LEN);
        ERR_clear_error();
    }
    return err;
}

static eh_err x448_shared_secret(const uint8_t *priv, const uint8_t *peer_x, uint8_t *secret)
{
    return x448_shared_secret_xy(priv, NULL, peer_x, NULL, secret);
}

/* --------------------------------------------------------- P-256 / P-384 -- */

typedef struct ec_curve {
    int nid;
    size_t coord_len;
} ec_curve;

static const ec_curve curve_p256 = {NID_X9_62_prime256v1, 32};
static const ec_curve curve_p384 = {NID_secp384r1, 48};

/* Everything an EC2 operation needs, allocated together. */
typedef struct ec_work {
    const EC_GROUP *group; /* shared: eh_ec_group() */
    BN_CTX *bn;
    const BIGNUM *p; /* owned by group */
    BIGNUM *d, *x, *y;
    EC_POINT *pt, *res;
} ec_work;

static void ec_work_free(ec_work *w)
{
    EC_POINT_clear_free(w->res);
    EC_POINT_clear_free(w->pt);
    BN_clear_free(w->y);
    BN_clear_free(w->x);
    BN_clear_free(w->d);
    BN_CTX_free(w->bn);
    ERR_clear_error();
}

static eh_err ec_work_new(const ec_curve *c, ec_work *w)
{
    *w = (ec_work){0};
    w->group = eh_ec_group(c->nid);
    w->bn = BN_CTX_secure_new();
    w->d = BN_secure_new();
    w->x = BN_new();
    w->y = BN_new();
    if (w->group == NULL || w->bn == NULL || w->d == NULL || w->x == NULL || w->y == NULL)
        goto fail;
    w->p = EC_GROUP_get0_field(w->group);
    w->pt = EC_POINT_new(w->group);
    w->res = EC_POINT_new(w->group);
    if (w->p == NULL || w->pt == NULL || w->res == NULL)
        goto fail;
    BN_set_flags(w->d, BN_FLG_CONSTTIME);
    return EH_OK;
fail:
    ec_work_free(w);
    *w = (ec_work){0};
    return EH_ERR_CRYPTO;
}

/* w->d = priv, which must lie in [1, n-1]. */
static eh_err ec_load_scalar(const ec_curve *c, ec_work *w, const uint8_t *priv)
{
    if (BN_bin2bn(priv, (int)c->coord_len, w->d) == NULL)
        return EH_ERR_CRYPTO;
    if (BN_is_zero(w->d) || BN_cmp(w->d, EC_GROUP_get0_order(w->group)) >= 0)
        return EH_ERR_ARG;
    return EH_OK;
}

/* w->x = x, which must be < p. */
static eh_err ec_load_coord(const ec_curve *c, ec_work *w, BIGNUM *dst, const uint8_t *v)
{
    if (BN_bin2bn(v, (int)c->coord_len, dst) == NULL)
        return EH_ERR_CRYPTO;
    return BN_cmp(dst, w->p) < 0 ? EH_OK : EH_ERR_INVALID_PUBLIC_KEY;
}

static eh_err ec_public_key(const ec_curve *c, const uint8_t *priv, uint8_t *pub_x,
                            uint8_t *pub_y)
{
    ec_work w;
    eh_err err;

    if (priv == NULL || pub_x == NULL)
        return EH_ERR_ARG;
    err = ec_work_new(c, &w);
    if (err != EH_OK)
        return err;
    err = ec_load_scalar(c, &w, priv);
    if (err != EH_OK)
        goto done;
    err = EH_ERR_CRYPTO;
    if (EC_POINT_mul(w.group, w.res, w.d, NULL, NULL, w.bn) != 1 ||
        EC_POINT_get_affine_coordinates(w.group, w.res, w.x, w.y, w.bn) != 1 ||
        BN_bn2binpad(w.x, pub_x, (int)c->coord_len) != (int)c->coord_len ||
        (pub_y != NULL && BN_bn2binpad(w.y, pub_y, (int)c->coord_len) != (int)c->coord_len))
        goto done;
    err = EH_OK;
done:
    ec_work_free(&w);
    return err;
}

/*
 * w->pt = the point with x-coordinate x: (x, y) when y is given and makes a
 * point on the curve with x, else the decompressed point (either y).
 * EH_ERR_INVALID_PUBLIC_KEY when x >= p or no point has this x.
 */
static eh_err ec_load_peer(const ec_curve *c, ec_work *w, const uint8_t *x, const uint8_t *y)
{
    eh_err err = ec_load_coord(c, w, w->x, x);
    if (err != EH_OK)
        return err;
    if (y != NULL && ec_load_coord(c, w, w->y, y) == EH_OK &&
        EC_POINT_set_affine_coordinates(w->group, w->pt, w->x, w->y, w->bn) == 1)
        return EH_OK; /* OpenSSL 3 refuses a point that is not on the curve */
    ERR_clear_error();
    /* Fails when x^3 + ax + b is not a square mod p: no point has this x. */
    err = eh_ec_y_from_x(c->nid, w->x, w->y, w->bn);
    if (err != EH_OK)
        return err;
    if (EC_POINT_set_affine_coordinates(w->group, w->pt, w->x, w->y, w->bn) != 1 ||
        EC_POINT_is_on_curve(w->group, w->pt, w->bn) != 1)
        return EH_ERR_INVALID_PUBLIC_KEY;
    return EH_OK;
}

static eh_err ec_shared_secret_xy(const ec_curve *c, const uint8_t *priv, const uint8_t *peer_x,
                                  const uint8_t *peer_y, uint8_t *secret)
{
    ec_work w;
    eh_err err;

    if (priv == NULL || peer_x == NULL || secret == NULL)
        return EH_ERR_ARG;
    err = ec_work_new(c, &w);
    if (err != EH_OK)
        return err;
    err = ec_load_scalar(c, &w, priv);
    if (err != EH_OK)
        goto done;
    err = ec_load_peer(c, &w, peer_x, peer_y);
    if (err != EH_OK)
        goto done;
    err = EH_ERR_CRYPTO;
    /* The curves have cofactor 1, so a valid non-infinity point times a
     * scalar in [1, n-1] is never the point at infinity. */
    if (EC_POINT_mul(w.group, w.res, NULL, w.pt, w.d, w.bn) != 1 ||
        EC_POINT_is_at_infinity(w.group, w.res) ||
        EC_POINT_get_affine_coordinates(w.group, w.res, w.x, NULL, w.bn) != 1 ||
        BN_bn2binpad(w.x, secret, (int)c->coord_len) != (int)c->coord_len)
        goto done;
    err = EH_OK;
done:
    if (err != EH_OK)
        sodium_memzero(secret, c->coord_len);
    ec_work_free(&w);
    return err;
}

static eh_err ec_shared_secret(const ec_curve *c, const uint8_t *priv, const uint8_t *peer_x,
                               uint8_t *secret)
{
    return ec_shared_secret_xy(c, priv, peer_x, NULL, secret);
}

/* A received x-coordinate decoded once: validated, and a y of its point. */
static eh_err ec_decode(const ec_curve *c, const uint8_t *x, uint8_t *y)
{
    ec_work w;
    eh_err err;

    if (x == NULL || y == NULL)
        return EH_ERR_ARG;
    err = ec_work_new(c, &w);
    if (err != EH_OK)
        return err;
    err = ec_load_peer(c, &w, x, NULL);
    if (err == EH_OK && BN_bn2binpad(w.y, y, (int)c->coord_len) != (int)c->coord_len)
        err = EH_ERR_CRYPTO;
    ec_work_free(&w);
    return err;
}

static eh_err ec_check_point(const ec_curve *c, const uint8_t *x, const uint8_t *y)
{
    ec_work w;
    eh_err err;

    if (x == NULL || y == NULL)
        return EH_ERR_ARG;
    err = ec_work_new(c, &w);
    if (err != EH_OK)
        return err;
    err = ec_load_coord(c, &w, w.x, x);
    if (err == EH_OK)
        err = ec_load_coord(c, &w, w.y, y);
    if (err == EH_OK && (EC_POINT_set_affine_coordinates(w.group, w.pt, w.x, w.y, w.bn) != 1 ||
                         EC_POINT_is_on_curve(w.group, w.pt, w.bn) != 1))
        err = EH_ERR_INVALID_PUBLIC_KEY;
    ec_work_free(&w);
    return err;
}

/* The table entries of one EC2 curve: thin wrappers that name the curve. */
#define EC2_CURVE_FUNCTIONS(name, curve)                                                   \
    static eh_err name##_public_key(const uint8_t *priv, uint8_t *pub_x, uint8_t *pub_y)   \
    {                                                                                      \
        return ec_public_key(&curve, priv, pub_x, pub_y);                                  \
    }                                                                                      \
    static eh_err name##_shared_secret(const uint8_t *priv, const uint8_t *peer_x,         \
                                       uint8_t *secret)                                    \
    {                                                                                      \
        return ec_shared_secret(&curve, priv, peer_x, secret);                             \
    }                                                                                      \
    static eh_err name##_shared_secret_xy(const uint8_t *priv, const uint8_t *own_pub,     \
                                          const uint8_t *peer_x, const uint8_t *peer_y,    \
                                          uint8_t *secret)                                 \
    {                                                                                      \
        (void)own_pub;                                                                     \
        return ec_shared_secret_xy(&curve, priv, peer_x, peer_y, secret);                  \
    }                                                                                      \
    static eh_err name##_decode(const uint8_t *peer_x, uint8_t *peer_y)                    \
    {                                                                                      \
        return ec_decode(&curve, peer_x, peer_y);                                          \
    }                                                                                      \
    static eh_err name##_check_point(const uint8_t *x, const uint8_t *y)                   \
    {                                                                                      \
        return ec_check_point(&curve, x, y);                                               \
    }

EC2_CURVE_FUNCTIONS(p256, curve_p256)
EC2_CURVE_FUNCTIONS(p384, curve_p384)

/* --------------------------------------------------------------- tables -- */

const eh_ecdh_alg eh_ecdh_x25519 = {
    .name = "X25519",
    .cose_crv = 4,
    .is_okp = true,
    .priv_len = 32,
    .coord_len = 32,
    .secret_len = 32,
    .public_key = x25519_public_key,
    .shared_secret = x25519_shared_secret,
    .decode = NULL,
    .shared_secret_xy = x25519_shared_secret_xy,
    .check_point = NULL,
};

const eh_ecdh_alg eh_ecdh_p256 = {
    .name = "P-256",
    .cose_crv = 1,
    .is_okp = false,
    .priv_len = 32,
    .coord_len = 32,
    .secret_len = 32,
    .public_key = p256_public_key,
    .shared_secret = p256_shared_secret,
    .decode = p256_decode,
    .shared_secret_xy = p256_shared_secret_xy,
    .check_point = p256_check_point,
};

const eh_ecdh_alg eh_ecdh_p384 = {
    .name = "P-384",
    .cose_crv = 2,
    .is_okp = false,
    .priv_len = 48,
    .coord_len = 48,
    .secret_len = 48,
    .public_key = p384_public_key,
    .shared_secret = p384_shared_secret,
    .decode = p384_decode,
    .shared_secret_xy = p384_shared_secret_xy,
    .check_point = p384_check_point,
};

const eh_ecdh_alg eh_ecdh_x448 = {
    .name = "X448",
    .cose_crv = 5,
    .is_okp = true,
    .priv_len = X448_LEN,
    .coord_len = X448_LEN,
    .secret_len = X448_LEN,
    .public_key = x448_public_key,
    .shared_secret = x448_shared_secret,
    .decode = NULL,
    .shared_secret_xy = x448_shared_secret_xy,
    .check_point = NULL,
};

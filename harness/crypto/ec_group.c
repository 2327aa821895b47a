/*
 * ec_group.c - the EC2 curves' OpenSSL groups, made once per process and
 * then only read (an EC_GROUP may be shared between threads for reading).
 * Building one for every ECDH, key pair or ECDSA signature cost a tenth of
 * a P-256 ECDH and half of a key pair (make bench: METHOD 3 suite 2
 * handshake 382 -> 320 us).
 *
 * Also the square root mod p that decompresses a received x-coordinate,
 * with what it needs made once: EC_POINT_set_compressed_coordinates goes
 * through BN_mod_sqrt, which builds a Montgomery context for p and
 * computes (p + 1) / 4 on every call (21 us on P-256 where the
 * exponentiation alone with a kept context takes 10 us). Both curves have
 * p = 3 (mod 4), so sqrt(v) = v^((p+1)/4) when v is a square, which the
 * result's square tells. Only public values go through it.
 */
#include "crypto_internal.h"

#include <openssl/bn.h>
#include <openssl/obj_mac.h>
#include <pthread.h>

typedef struct curve_data {
    EC_GROUP *group;
    BIGNUM *a, *b, *sqrt_exp; /* curve coefficients; (p + 1) / 4 */
    BN_MONT_CTX *mont_p;
} curve_data;

static curve_data curves[2];
static pthread_once_t curves_once = PTHREAD_ONCE_INIT;

static void curve_make(curve_data *c, int nid)
{
    BN_CTX *bn = BN_CTX_new();
    EC_GROUP *g = EC_GROUP_new_by_curve_name(nid);
    BIGNUM *a = BN_new(), *b = BN_new(), *e = BN_new();
    BN_MONT_CTX *mont = BN_MONT_CTX_new();
    const BIGNUM *p = g != NULL ? EC_GROUP_get0_field(g) : NULL;
    if (bn == NULL || p == NULL || a == NULL || b == NULL || e == NULL || mont == NULL ||
        EC_GROUP_get_curve(g, NULL, a, b, bn) != 1 || BN_mod_word(p, 4) != 3 ||
        BN_add(e, p, BN_value_one()) != 1 || BN_rshift(e, e, 2) != 1 ||
        BN_MONT_CTX_set(mont, p, bn) != 1) {
        EC_GROUP_free(g);
        BN_free(a), BN_free(b), BN_free(e);
        BN_MONT_CTX_free(mont);
    } else {
        *c = (curve_data){g, a, b, e, mont};
    }
    BN_CTX_free(bn);
}

static void curves_make(void)
{
    curve_make(&curves[0], NID_X9_62_prime256v1);
    curve_make(&curves[1], NID_secp384r1);
}

static const curve_data *curve_get(int nid)
{
    if (nid != NID_X9_62_prime256v1 && nid != NID_secp384r1)
        return NULL;
    pthread_once(&curves_once, curves_make);
    return &curves[nid == NID_X9_62_prime256v1 ? 0 : 1];
}

const EC_GROUP *eh_ec_group(int nid)
{
    const curve_data *c = curve_get(nid);
    return c != NULL ? c->group : NULL;
}

eh_err eh_ec_y_from_x(int nid, const BIGNUM *x, BIGNUM *y, BN_CTX *bn)
{
    const curve_data *c = curve_get(nid);
    if (c == NULL || c->group == NULL)
        return EH_ERR_CRYPTO;
    const BIGNUM *p = EC_GROUP_get0_field(c->group);
    if (BN_is_negative(x) || BN_cmp(x, p) >= 0)
        return EH_ERR_INVALID_PUBLIC_KEY;
    eh_err err = EH_ERR_CRYPTO;
    BN_CTX_start(bn);
    BIGNUM *v = BN_CTX_get(bn), *t = BN_CTX_get(bn);
    /* v = x^3 + a x + b mod p */
    if (t == NULL || BN_mod_sqr(v, x, p, bn) != 1 || BN_mod_add(v, v, c->a, p, bn) != 1 ||
        BN_mod_mul(v, v, x, p, bn) != 1 || BN_mod_add(v, v, c->b, p, bn) != 1 ||
        BN_mod_exp_mont(y, v, c->sqrt_exp, p, bn, c->mont_p) != 1 ||
        BN_mod_sqr(t, y, p, bn) != 1)
        goto done;
    err = BN_cmp(t, v) == 0 ? EH_OK : EH_ERR_INVALID_PUBLIC_KEY; /* v not a square: no point */
done:
    BN_CTX_end(bn);
    return err;
}

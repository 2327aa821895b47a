/*
 * ecdsa_rfc6979.c - deterministic ECDSA (RFC 6979) on P-256 / SHA-256 and
 * P-384 / SHA-384, computed with OpenSSL's BN and EC_POINT primitives
 * (OpenSSL 3.0 has no deterministic ECDSA mode).
 *
 * Nonce: RFC 6979 §3.2, HMAC_DRBG with the curve's hash. Signature: SEC 1
 * §4.1.3 / FIPS 186-4 §6.4: r = x(kG) mod n, s = k^-1 (e + r d) mod n.
 *
 * Side channels, as far as OpenSSL's public API allows: the scalar and the
 * nonce carry BN_FLG_CONSTTIME; kG uses EC_POINT_mul with only the generator
 * scalar set (constant-time ladder / nistz256 in OpenSSL 3); k^-1 is
 * k^(n-2) mod n through BN_mod_exp_mont_consttime; the two products with
 * secrets go through BN_mod_mul, whose division is the fixed-top one in
 * OpenSSL 3 but is not documented as constant-time. Secrets live in the
 * secure heap when one is configured and are cleared on every path.
 */
#include "ecdsa_internal.h"
#include "crypto_internal.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/params.h>

#define MAX_H 48 /* SHA-384 */
#define MAX_Q 48 /* P-384 order */

typedef struct rfc6979_curve {
    int cose_crv;
    int nid;
    eh_md_id md;        /* the curve's hash (fetched.c) */
    size_t coord_len;   /* rlen / 8 (= qlen / 8 for both curves) */
} rfc6979_curve;

static const rfc6979_curve curves[] = {
    {1, NID_X9_62_prime256v1, EH_MD_SHA256, 32},
    {2, NID_secp384r1, EH_MD_SHA384, 48},
};

static const rfc6979_curve *curve_by_crv(int cose_crv)
{
    for (size_t i = 0; i < sizeof curves / sizeof curves[0]; i++)
        if (curves[i].cose_crv == cose_crv)
            return &curves[i];
    return NULL;
}

/* Everything one signature needs; freed and cleared by work_free. */
typedef struct work {
    const rfc6979_curve *c;
    const EC_GROUP *group; /* shared: eh_ec_group() */
    const BIGNUM *n; /* owned by group */
    int qlen;        /* bits of n */
    BN_CTX *bn;
    BIGNUM *d, *k, *e, *t, *r, *s; /* d, k, t, s secret */
    /* HMAC_DRBG of RFC 6979 §3.2 (HMAC: eh_hmac) */
    size_t hlen;
    uint8_t K[MAX_H], V[MAX_H];
    uint8_t h1[MAX_H];     /* H(m) */
    uint8_t sep_x_h1[1 + 2 * MAX_Q]; /* a separator byte || int2octets(d) ||
                                      * bits2octets(h1) */
    int started;           /* a candidate k was already drawn */
} work;

static void work_free(work *w)
{
    BN_clear_free(w->d);
    BN_clear_free(w->k);
    BN_clear_free(w->t);
    BN_clear_free(w->s);
    BN_free(w->e);
    BN_free(w->r);
    BN_CTX_free(w->bn);
    OPENSSL_cleanse(w, sizeof *w);
}

static BIGNUM *secret_bn(void)
{
    BIGNUM *b = BN_secure_new();
    if (b != NULL)
        BN_set_flags(b, BN_FLG_CONSTTIME);
    return b;
}

static eh_err work_new(work *w, int cose_crv)
{
    memset(w, 0, sizeof *w);
    w->c = curve_by_crv(cose_crv);
    if (w->c == NULL)
        return EH_ERR_UNSUPPORTED;
    w->group = eh_ec_group(w->c->nid);
    w->bn = BN_CTX_secure_new();
    w->d = secret_bn();
    w->k = secret_bn();
    w->t = secret_bn();
    w->s = secret_bn();
    w->e = BN_new();
    w->r = BN_new();
    if (w->group == NULL || w->bn == NULL || w->d == NULL || w->k == NULL || w->t == NULL ||
        w->s == NULL || w->e == NULL || w->r == NULL)
        return EH_ERR_CRYPTO;
    w->n = EC_GROUP_get0_order(w->group);
    w->qlen = BN_num_bits(w->n);
    return EH_OK;
}

/* out (hlen bytes) = HMAC_K(V || sep || int2octets(d) || bits2octets(h1));
 * sep < 0 means HMAC_K(V) alone. out may be K or V. */
static int hmac_kv(work *w, int sep, uint8_t *out)
{
    uint8_t tag[MAX_H];
    size_t tail = sep >= 0 ? 1 + 2 * w->c->coord_len : 0;
    w->sep_x_h1[0] = (uint8_t)sep;
    int ok = eh_hmac(w->c->md, w->K, w->hlen, w->V, w->hlen, w->sep_x_h1, tail, NULL, 0, tag) ==
             EH_OK;
    if (ok)
        memcpy(out, tag, w->hlen);
    OPENSSL_cleanse(tag, sizeof tag);
    return ok;
}

/* §2.3.2 bits2int: the leftmost qlen bits of the blen-bit string b. */
static int bits2int(work *w, BIGNUM *out, const uint8_t *b, size_t b_len)
{
    int blen = (int)(8 * b_len);
    if (BN_bin2bn(b, (int)b_len, out) == NULL)
        return 0;
    return blen <= w->qlen || BN_rshift(out, out, blen - w->qlen) == 1;
}

/*
 * Loads d = priv (must be in [1, n-1]), computes h1 = H(msg), e =
 * bits2int(h1) and runs §3.2 steps b-g.
 */
static eh_err drbg_start(work *w, const uint8_t *priv, const uint8_t *msg, size_t msg_len)
{
    static const uint8_t empty[1] = {0};
    unsigned int h_len = 0;
    int n = (int)w->c->coord_len;

    if (BN_bin2bn(priv, n, w->d) == NULL)
        return EH_ERR_CRYPTO;
    if (BN_is_zero(w->d) || BN_cmp(w->d, w->n) >= 0)
        return EH_ERR_ARG;
    /* a. h1 = H(m) */
    if (eh_md(w->c->md) == NULL ||
        EVP_Digest(msg_len ? msg : empty, msg_len, w->h1, &h_len, eh_md(w->c->md), NULL) != 1 ||
        h_len > MAX_H)
        return EH_ERR_CRYPTO;
    w->hlen = h_len;
    /* int2octets(x): rlen bits big-endian, which is priv itself (rlen = 8 * coord_len). */
    memcpy(w->sep_x_h1 + 1, priv, w->c->coord_len);
    /* bits2octets(h1) = int2octets(bits2int(h1) mod q); z1 < 2^qlen < 2q so
     * one conditional subtraction reduces it (§2.3.4). e is the same z1. */
    if (!bits2int(w, w->e, w->h1, w->hlen) || BN_copy(w->t, w->e) == NULL ||
        (BN_cmp(w->t, w->n) >= 0 && BN_sub(w->t, w->t, w->n) != 1) ||
        BN_bn2binpad(w->t, w->sep_x_h1 + 1 + n, n) != n)
        return EH_ERR_CRYPTO;
    /* b. V = 0x01 0x01 ...; c. K = 0x00 0x00 ... */
    memset(w->V, 0x01, w->hlen);
    memset(w->K, 0x00, w->hlen);
    /* d.-g. */
    if (!hmac_kv(w, 0x00, w->K) || !hmac_kv(w, -1, w->V) || !hmac_kv(w, 0x01, w->K) ||
        !hmac_kv(w, -1, w->V))
        return EH_ERR_CRYPTO;
    return EH_OK;
}

/* §3.2 step h: w->k = the next candidate in [1, n-1]. */
static eh_err drbg_next_k(work *w)
{
    uint8_t T[2 * MAX_H];
    eh_err err = EH_ERR_CRYPTO;
    for (int tries = 0; tries < 64; tries++) {
        if (w->started && (!hmac_kv(w, 0x00, w->K) || !hmac_kv(w, -1, w->V)))
            goto done;
        w->started = 1;
        /* h.1-2: T = V_1 || V_2 || ... until tlen >= qlen. */
        size_t tlen = 0;
        while (8 * tlen < (size_t)w->qlen) {
            if (tlen + w->hlen > sizeof T || !hmac_kv(w, -1, w->V))
                goto done;
            memcpy(T + tlen, w->V, w->hlen);
            tlen += w->hlen;
        }
        /* h.3: k = bits2int(T); accept if 1 <= k <= q-1. */
        if (!bits2int(w, w->k, T, tlen))
            goto done;
        if (!BN_is_zero(w->k) && BN_cmp(w->k, w->n) < 0) {
            err = EH_OK;
            goto done;
        }
    }
done:
    OPENSSL_cleanse(T, sizeof T);
    return err;
}

eh_err eh_ecdsa_rfc6979_nonce(int cose_crv, const uint8_t *priv, const uint8_t *msg,
                              size_t msg_len, uint8_t *k)
{
    work w;
    eh_err err;
    if (priv == NULL || k == NULL || (msg == NULL && msg_len))
        return EH_ERR_ARG;
    err = work_new(&w, cose_crv);
    if (err == EH_OK)
        err = drbg_start(&w, priv, msg, msg_len);
    if (err == EH_OK)
        err = drbg_next_k(&w);
    if (err == EH_OK && BN_bn2binpad(w.k, k, (int)w.c->coord_len) != (int)w.c->coord_len)
        err = EH_ERR_CRYPTO;
    if (err != EH_OK && w.c != NULL)
        OPENSSL_cleanse(k, w.c->coord_len);
    work_free(&w);
    ERR_clear_error();
    return err;
}

/* r, s from w->k (already drawn); 0 if r or s is 0 (draw another k), -1 on
 * failure, 1 on success. */
static int sign_with_k(work *w, EC_POINT *R, BIGNUM *n_minus_2)
{
    /* r = x(kG) mod n */
    if (EC_POINT_mul(w->group, R, w->k, NULL, NULL, w->bn) != 1 ||
        EC_POINT_get_affine_coordinates(w->group, R, w->r, NULL, w->bn) != 1 ||
        BN_nnmod(w->r, w->r, w->n, w->bn) != 1)
        return -1;
    if (BN_is_zero(w->r))
        return 0;
    /* t = e + r d mod n (e < 2^qlen: reduce it first) */
    if (BN_nnmod(w->e, w->e, w->n, w->bn) != 1 ||
        BN_mod_mul(w->t, w->r, w->d, w->n, w->bn) != 1 ||
        BN_mod_add(w->t, w->t, w->e, w->n, w->bn) != 1)
        return -1;
    /* s = k^(n-2) t mod n (Fermat inverse; n is prime) */
    /* with the group's Montgomery context of n, not a new one each time */
    BN_MONT_CTX *mont = (BN_MONT_CTX *)EC_GROUP_get_mont_data(w->group);
    if (BN_mod_exp_mont_consttime(w->s, w->k, n_minus_2, w->n, w->bn, mont) != 1 ||
        BN_mod_mul(w->s, w->s, w->t, w->n, w->bn) != 1)
        return -1;
    return BN_is_zero(w->s) ? 0 : 1;
}

eh_err eh_ecdsa_rfc6979_sign(int cose_crv, const uint8_t *priv, const uint8_t *msg,
                             size_t msg_len, uint8_t *sig)
{
    work w;
    eh_err err;
    EC_POINT *R = NULL;
    BIGNUM *n_minus_2 = NULL;

    if (priv == NULL || sig == NULL || (msg == NULL && msg_len))
        return EH_ERR_ARG;
    err = work_new(&w, cose_crv);
    if (err == EH_OK)
        err = drbg_start(&w, priv, msg, msg_len);
    if (err != EH_OK)
        goto done;
    err = EH_ERR_CRYPTO;
    R = EC_POINT_new(w.group);
    n_minus_2 = BN_dup(w.n);
    if (R == NULL || n_minus_2 == NULL || BN_sub_word(n_minus_2, 2) != 1)
        goto done;
    for (int tries = 0; tries < 16; tries++) {
        if (drbg_next_k(&w) != EH_OK)
            goto done;
        int rc = sign_with_k(&w, R, n_minus_2);
        if (rc < 0)
            goto done;
        if (rc > 0) {
            int n = (int)w.c->coord_len;
            if (BN_bn2binpad(w.r, sig, n) == n && BN_bn2binpad(w.s, sig + n, n) == n)
                err = EH_OK;
            goto done;
        }
    }
done:
    EC_POINT_clear_free(R);
    BN_free(n_minus_2);
    if (err != EH_OK && w.c != NULL)
        OPENSSL_cleanse(sig, 2 * w.c->coord_len);
    work_free(&w);
    ERR_clear_error();
    return err;
}

/*
 * bench_best.c - the best-primitives floor: the operations of the provider
 * floor (bench_floor.c, the same rows and input sizes), each called directly
 * on libsodium or OpenSSL 3 and never through the harness's crypto provider
 * (crypto.h), with everything a caller can prepare prepared once: keys
 * generated and imported (EVP_PKEY, libsodium's expanded Ed25519 key),
 * algorithms fetched, the derive context of an ECDH set up with its peer.
 * Where both libraries have a primitive, both are timed and the faster
 * counts; which one it was is reported (bench_op_cost.impl), so the choice
 * of a library per algorithm is measured here, not assumed. OpenSSL is
 * timed twice where it offers two ways: its EVP interface, and its
 * lower-level calls ("OpenSSL low-level": an EC2 key pair as EC_POINT_mul
 * of the generator, a received x-only key decoded with
 * EC_POINT_set_compressed_coordinates, HMAC computed on EVP digests as
 * RFC 2104 defines it), so that no faster route the provider might take
 * is missing from this floor.
 *
 * The engine's handshake over this floor is what the provider and the
 * engine together cost above the libraries' own speed.
 */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/params.h>
#include <sodium.h>
#include <string.h>

#include "bench_floor.h"

#define BUF 4096

typedef enum lib { LIB_OPENSSL, LIB_OPENSSL_LOW, LIB_SODIUM } lib;

typedef struct best_ctx {
    const eh_suite *s;
    const bench_sizes *sz;
    lib lib;
    uint8_t in[BUF], out[BUF + 64], prk[64], key[32], nonce[16];
    uint8_t ct_3[BUF + 16], ct_4[BUF + 16];
    /* ECDH: OpenSSL's keys and a derive context set up with the peer;
     * libsodium's X25519 as raw bytes */
    EVP_PKEY_CTX *kgen, *derive;
    EVP_PKEY *eph, *peer;
    uint8_t x_priv[32], x_peer[32], secret[64];
    size_t secret_len;
    /* EC2 through OpenSSL's lower-level calls: the group, a received x */
    EC_GROUP *group;
    BN_CTX *bn;
    BIGNUM *d, *x, *y;
    EC_POINT *pt;
    uint8_t peer_x[64], peer_point[1 + 2 * 64];
    size_t coord_len;
    /* signatures over TBS_2 and TBS_3 (same key: the cost is the key's kind) */
    EVP_PKEY *sig_key;
    const char *sig_md;                 /* NULL: EdDSA */
    uint8_t ed_sk[64], ed_pk[32];
    uint8_t sig_2[160], sig_3[160], ed_sig_2[64], ed_sig_3[64];
    size_t sig_2_len, sig_3_len;
    /* hash, HMAC or KMAC, AEAD */
    EVP_MD *md;
    EVP_MD_CTX *md_ctx;
    EVP_MAC *mac;
    EVP_MAC_CTX *mac_ctx;
    bool kmac;
    EVP_CIPHER *cipher;
    size_t nonce_len, tag_len;
    bool ccm;
} best_ctx;

static size_t input_len(const best_ctx *c, const floor_row *r)
{
    const bench_sizes *z = c->sz;
    switch (r->input) {
    case IN_M1: return z->message_1;
    case IN_TH2: return z->input_th_2;
    case IN_TH3: return z->input_th_3;
    case IN_TH4: return z->input_th_4;
    case IN_TBS2: return z->tbs_2;
    case IN_TBS3: return z->tbs_3;
    default: return 0;
    }
}

/* ------------------------------------------------------------- OpenSSL -- */

static eh_err ossl_keygen(best_ctx *c)
{
    EVP_PKEY *k = NULL;
    uint8_t pub[133];
    size_t len = sizeof pub;
    eh_err err = EH_ERR_CRYPTO;
    if (EVP_PKEY_keygen(c->kgen, &k) == 1 &&
        EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pub, sizeof pub,
                                        &len) == 1)
        err = EH_OK;
    EVP_PKEY_free(k);
    return err;
}

static eh_err ossl_mac(best_ctx *c, const uint8_t *key, size_t key_len, const uint8_t *a,
                       size_t a_len, const uint8_t *b, size_t b_len, uint8_t *out, size_t out_len)
{
    OSSL_PARAM params[2] = {OSSL_PARAM_END, OSSL_PARAM_END};
    size_t size = out_len, got = 0;
    if (c->kmac)
        params[0] = OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size);
    if (EVP_MAC_init(c->mac_ctx, key, key_len, params) != 1 ||
        (a_len && EVP_MAC_update(c->mac_ctx, a, a_len) != 1) ||
        (b_len && EVP_MAC_update(c->mac_ctx, b, b_len) != 1) ||
        EVP_MAC_final(c->mac_ctx, out, &got, out_len) != 1)
        return EH_ERR_CRYPTO;
    return EH_OK;
}

/* HKDF-Expand (RFC 5869) on the MAC, or one KMAC call of out_len bytes. */
static eh_err expand(best_ctx *c, eh_err (*mac)(best_ctx *, const uint8_t *, size_t,
                                                 const uint8_t *, size_t, const uint8_t *,
                                                 size_t, uint8_t *, size_t),
                     const uint8_t *prk, size_t hl, const uint8_t *info, size_t info_len,
                     uint8_t *out, size_t out_len)
{
    if (c->kmac)
        return mac(c, prk, hl, info, info_len, NULL, 0, out, out_len);
    uint8_t t[64 + BUF + 1], block[64];
    size_t t_len = 0;
    for (size_t done = 0, n = 1; done < out_len; n++) {
        memcpy(t + t_len, info, info_len);
        t[t_len + info_len] = (uint8_t)n;
        eh_err err = mac(c, prk, hl, t, t_len + info_len + 1, NULL, 0, block, hl);
        if (err != EH_OK)
            return err;
        size_t k = out_len - done < hl ? out_len - done : hl;
        memcpy(out + done, block, k);
        done += k;
        memcpy(t, block, hl);
        t_len = hl;
    }
    return EH_OK;
}

static eh_err ossl_aead(best_ctx *c, bool seal, const uint8_t *aad, size_t aad_len,
                        const uint8_t *in, size_t len, uint8_t *out)
{
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    int outl = 0, tag = (int)c->tag_len;
    eh_err err = EH_ERR_CRYPTO;
    uint8_t *tagp = (uint8_t *)(seal ? out + len : in + len);
    if (x == NULL || EVP_CipherInit_ex2(x, c->cipher, NULL, NULL, seal, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_IVLEN, (int)c->nonce_len, NULL) != 1 ||
        (c->ccm && EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, tag, seal ? NULL : tagp) != 1) ||
        EVP_CipherInit_ex2(x, NULL, c->key, c->nonce, seal, NULL) != 1 ||
        (c->ccm && EVP_CipherUpdate(x, NULL, &outl, NULL, (int)len) != 1) ||
        EVP_CipherUpdate(x, NULL, &outl, aad, (int)aad_len) != 1 ||
        EVP_CipherUpdate(x, out, &outl, in, (int)len) != 1)
        goto done;
    if (!seal && !c->ccm && EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, tag, tagp) != 1)
        goto done;
    if (!c->ccm && EVP_CipherFinal_ex(x, out + outl, &outl) != 1)
        goto done;
    if (seal && EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG, tag, tagp) != 1)
        goto done;
    err = EH_OK;
done:
    EVP_CIPHER_CTX_free(x);
    return err;
}

static eh_err ossl_sign(best_ctx *c, const uint8_t *msg, size_t len, uint8_t *sig,
                        size_t *sig_len)
{
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    eh_err err = EH_ERR_CRYPTO;
    *sig_len = 160;
    if (m != NULL && EVP_DigestSignInit_ex(m, NULL, c->sig_md, NULL, NULL, c->sig_key, NULL) == 1 &&
        EVP_DigestSign(m, sig, sig_len, msg, len) == 1)
        err = EH_OK;
    EVP_MD_CTX_free(m);
    return err;
}

static eh_err ossl_verify(best_ctx *c, const uint8_t *msg, size_t len, const uint8_t *sig,
                          size_t sig_len)
{
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    eh_err err = EH_ERR_SIGNATURE;
    if (m != NULL &&
        EVP_DigestVerifyInit_ex(m, NULL, c->sig_md, NULL, NULL, c->sig_key, NULL) == 1 &&
        EVP_DigestVerify(m, sig, sig_len, msg, len) == 1)
        err = EH_OK;
    EVP_MD_CTX_free(m);
    return err;
}

/* ------------------------------------------------------------ libsodium -- */

static eh_err sodium_mac(best_ctx *c, const uint8_t *key, size_t key_len, const uint8_t *a,
                         size_t a_len, const uint8_t *b, size_t b_len, uint8_t *out,
                         size_t out_len)
{
    (void)c, (void)out_len;
    crypto_auth_hmacsha256_state st;
    if (crypto_auth_hmacsha256_init(&st, key, key_len) != 0 ||
        crypto_auth_hmacsha256_update(&st, a, a_len) != 0 ||
        crypto_auth_hmacsha256_update(&st, b, b_len) != 0 ||
        crypto_auth_hmacsha256_final(&st, out) != 0)
        return EH_ERR_CRYPTO;
    return EH_OK;
}

/* What libsodium has of this suite's algorithms. */
static bool sodium_has(const best_ctx *c, op_kind k)
{
    const eh_suite *s = c->s;
    switch (k) {
    case KEYGEN:
    case ECDH: return s->ecdh->cose_crv == 4;
    case DECODE: return false;
    case SIGN:
    case VERIFY: return s->sig->cose_alg == -8 && s->sig->cose_crv == 6;
    case HASH:
    case EXTRACT:
    case EXPAND: return s->hash->cose_alg == -16;
    case SEAL:
    case OPEN:
        return s->aead->cose_alg == 24 ||
               (s->aead->cose_alg == 3 && crypto_aead_aes256gcm_is_available());
    }
    return false;
}

static eh_err sodium_aead(best_ctx *c, bool seal, const uint8_t *aad, size_t aad_len,
                          const uint8_t *in, size_t len, uint8_t *out)
{
    unsigned long long n = 0;
    int rc;
    if (c->s->aead->cose_alg == 24)
        rc = seal ? crypto_aead_chacha20poly1305_ietf_encrypt(out, &n, in, len, aad, aad_len,
                                                              NULL, c->nonce, c->key)
                  : crypto_aead_chacha20poly1305_ietf_decrypt(out, &n, NULL, in, len + 16, aad,
                                                              aad_len, c->nonce, c->key);
    else
        rc = seal ? crypto_aead_aes256gcm_encrypt(out, &n, in, len, aad, aad_len, NULL, c->nonce,
                                                  c->key)
                  : crypto_aead_aes256gcm_decrypt(out, &n, NULL, in, len + 16, aad, aad_len,
                                                  c->nonce, c->key);
    return rc == 0 ? EH_OK : EH_ERR_AEAD_TAG;
}

/* ---------------------------------------------------- OpenSSL low-level -- */

/* Key pair as EC_POINT_mul of the generator: random scalar, public x. */
static eh_err low_keygen(best_ctx *c)
{
    int n = (int)c->coord_len;
    return BN_priv_rand_range_ex(c->d, EC_GROUP_get0_order(c->group), 0, c->bn) == 1 &&
                   EC_POINT_mul(c->group, c->pt, c->d, NULL, NULL, c->bn) == 1 &&
                   EC_POINT_get_affine_coordinates(c->group, c->pt, c->x, NULL, c->bn) == 1 &&
                   BN_bn2binpad(c->x, c->out, n) == n
               ? EH_OK
               : EH_ERR_CRYPTO;
}

/* x-only key to a checked point (either y). */
static eh_err low_decode(best_ctx *c)
{
    return BN_bin2bn(c->peer_x, (int)c->coord_len, c->x) != NULL &&
                   EC_POINT_set_compressed_coordinates(c->group, c->pt, c->x, 0, c->bn) == 1 &&
                   EC_POINT_is_on_curve(c->group, c->pt, c->bn) == 1
               ? EH_OK
               : EH_ERR_INVALID_PUBLIC_KEY;
}

/* HMAC (RFC 2104) on EVP digests: H(K ^ opad || H(K ^ ipad || a || b)),
 * the key no longer than a block here. */
static eh_err low_mac(best_ctx *c, const uint8_t *key, size_t key_len, const uint8_t *a,
                      size_t a_len, const uint8_t *b, size_t b_len, uint8_t *out, size_t out_len)
{
    uint8_t pad[128], inner[64];
    size_t block = out_len == 32 ? 64 : 128;
    (void)c;
    if (key_len > block)
        return EH_ERR_ARG;
    memset(pad, 0x36, block);
    for (size_t i = 0; i < key_len; i++)
        pad[i] ^= key[i];
    EVP_MD_CTX *m = c->md_ctx;
    int ok = EVP_DigestInit_ex2(m, c->md, NULL) == 1 && EVP_DigestUpdate(m, pad, block) == 1 &&
             (a_len == 0 || EVP_DigestUpdate(m, a, a_len) == 1) &&
             (b_len == 0 || EVP_DigestUpdate(m, b, b_len) == 1) &&
             EVP_DigestFinal_ex(m, inner, NULL) == 1;
    for (size_t i = 0; i < block; i++)
        pad[i] ^= 0x36 ^ 0x5c;
    ok = ok && EVP_DigestInit_ex2(m, c->md, NULL) == 1 && EVP_DigestUpdate(m, pad, block) == 1 &&
         EVP_DigestUpdate(m, inner, out_len) == 1 && EVP_DigestFinal_ex(m, out, NULL) == 1;
    return ok ? EH_OK : EH_ERR_CRYPTO;
}

/* What OpenSSL's lower-level calls add for this suite. */
static bool low_has(const best_ctx *c, op_kind k)
{
    switch (k) {
    case KEYGEN:
    case DECODE: return c->group != NULL;
    case EXTRACT:
    case EXPAND: return !c->kmac;
    default: return false;
    }
}

/* ------------------------------------------------------------ one call -- */

static eh_err best_op(void *arg, const floor_row *r)
{
    best_ctx *c = arg;
    const eh_suite *s = c->s;
    const bench_sizes *z = c->sz;
    size_t hl = s->hash->out_len;
    bool na = c->lib == LIB_SODIUM;
    if (na && !sodium_has(c, r->kind))
        return EH_ERR_UNSUPPORTED;
    if (c->lib == LIB_OPENSSL_LOW) {
        switch (r->kind) {
        case KEYGEN: return low_keygen(c);
        case DECODE: return low_decode(c);
        case EXTRACT:
            return low_mac(c, c->in, hl, c->secret, c->secret_len, NULL, 0, c->prk, hl);
        case EXPAND:
            return expand(c, low_mac, c->prk, hl, c->in, z->info[r->label], c->out,
                          z->out[r->label]);
        default: return EH_ERR_UNSUPPORTED;
        }
    }
    switch (r->kind) {
    case DECODE: { /* EVP: the point imported in compressed form */
        OSSL_PARAM params[3];
        const char *group = c->coord_len == 32 ? "P-256" : "P-384";
        EVP_PKEY *k = NULL;
        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)group, 0);
        params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, c->peer_point,
                                                      1 + c->coord_len);
        params[2] = OSSL_PARAM_construct_end();
        EVP_PKEY_CTX *x = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
        int ok = x != NULL && EVP_PKEY_fromdata_init(x) == 1 &&
                 EVP_PKEY_fromdata(x, &k, EVP_PKEY_PUBLIC_KEY, params) == 1;
        EVP_PKEY_free(k);
        EVP_PKEY_CTX_free(x);
        return ok ? EH_OK : EH_ERR_INVALID_PUBLIC_KEY;
    }
    case KEYGEN:
        if (na) {
            randombytes_buf(c->x_priv, 32);
            return crypto_scalarmult_curve25519_base(c->out, c->x_priv) == 0 ? EH_OK
                                                                              : EH_ERR_CRYPTO;
        }
        return ossl_keygen(c);
    case ECDH: {
        if (na)
            return crypto_scalarmult_curve25519(c->secret, c->x_priv, c->x_peer) == 0
                       ? EH_OK
                       : EH_ERR_LOW_ORDER_POINT;
        size_t len = sizeof c->secret;
        return EVP_PKEY_derive(c->derive, c->secret, &len) == 1 ? EH_OK : EH_ERR_CRYPTO;
    }
    case HASH:
        if (na)
            return crypto_hash_sha256(c->out, c->in, input_len(c, r)) == 0 ? EH_OK
                                                                          : EH_ERR_CRYPTO;
        return EVP_Digest(c->in, input_len(c, r), c->out, NULL, c->md, NULL) == 1
                   ? EH_OK
                   : EH_ERR_CRYPTO;
    case EXTRACT: /* salt: hash_length bytes; IKM: a DH secret */
        return (na ? sodium_mac : ossl_mac)(c, c->in, hl, c->secret, c->secret_len, NULL, 0,
                                            c->prk, c->kmac ? 64 : hl);
    case EXPAND:
        return expand(c, na ? sodium_mac : ossl_mac, c->prk, hl, c->in, z->info[r->label],
                      c->out, z->out[r->label]);
    case SIGN: {
        bool two = r->input == IN_TBS2;
        if (na)
            return crypto_sign_ed25519_detached(c->out, NULL, c->in, two ? z->tbs_2 : z->tbs_3,
                                                c->ed_sk) == 0
                       ? EH_OK
                       : EH_ERR_CRYPTO;
        size_t len;
        return ossl_sign(c, c->in, two ? z->tbs_2 : z->tbs_3, c->out, &len);
    }
    case VERIFY: {
        bool two = r->input == IN_TBS2;
        if (na)
            return crypto_sign_ed25519_verify_detached(two ? c->ed_sig_2 : c->ed_sig_3, c->in,
                                                       two ? z->tbs_2 : z->tbs_3, c->ed_pk) == 0
                       ? EH_OK
                       : EH_ERR_SIGNATURE;
        return ossl_verify(c, c->in, two ? z->tbs_2 : z->tbs_3, two ? c->sig_2 : c->sig_3,
                           two ? c->sig_2_len : c->sig_3_len);
    }
    case SEAL:
    case OPEN: {
        bool three = r->input == IN_CT3;
        size_t pt = three ? z->plaintext_3 : z->plaintext_4, aad = three ? z->a_3 : z->a_4;
        bool seal = r->kind == SEAL;
        const uint8_t *in = seal ? c->in : three ? c->ct_3 : c->ct_4;
        return (na ? sodium_aead : ossl_aead)(c, seal, c->in, aad, in, pt, c->out);
    }
    }
    return EH_ERR_ARG;
}

/* ------------------------------------------------------------- set-up -- */

static const char *curve_name(int crv, const char **group)
{
    *group = NULL;
    switch (crv) {
    case 4: return "X25519";
    case 5: return "X448";
    case 1: *group = "P-256"; return "EC";
    case 2: *group = "P-384"; return "EC";
    }
    return NULL;
}

static EVP_PKEY *keygen_named(const char *alg, const char *group)
{
    return group ? EVP_PKEY_Q_keygen(NULL, NULL, alg, group) : EVP_PKEY_Q_keygen(NULL, NULL, alg);
}

static void ctx_free(best_ctx *c)
{
    EVP_PKEY_CTX_free(c->kgen);
    EVP_PKEY_CTX_free(c->derive);
    EVP_PKEY_free(c->eph);
    EVP_PKEY_free(c->peer);
    EVP_PKEY_free(c->sig_key);
    EVP_MD_free(c->md);
    EVP_MAC_CTX_free(c->mac_ctx);
    EVP_MAC_free(c->mac);
    EVP_CIPHER_free(c->cipher);
    EVP_MD_CTX_free(c->md_ctx);
    EC_POINT_free(c->pt);
    BN_clear_free(c->d);
    BN_free(c->x);
    BN_free(c->y);
    BN_CTX_free(c->bn);
    EC_GROUP_free(c->group);
    sodium_memzero(c, sizeof *c);
}

static int ctx_init(best_ctx *c, const bench_pair *p, const bench_sizes *sz)
{
    const eh_suite *s = p->suite;
    memset(c, 0, sizeof *c);
    c->s = s, c->sz = sz;
    randombytes_buf(c->in, sizeof c->in);
    randombytes_buf(c->prk, sizeof c->prk);
    randombytes_buf(c->key, sizeof c->key);
    randombytes_buf(c->nonce, sizeof c->nonce);
    randombytes_buf(c->x_priv, sizeof c->x_priv);
    crypto_scalarmult_curve25519_base(c->x_peer, c->prk); /* any valid peer key */
    c->secret_len = s->ecdh->secret_len;
    /* ECDH and key generation */
    const char *group, *alg = curve_name(s->ecdh->cose_crv, &group);
    if (alg == NULL || (c->eph = keygen_named(alg, group)) == NULL ||
        (c->peer = keygen_named(alg, group)) == NULL ||
        (c->kgen = EVP_PKEY_CTX_new_from_name(NULL, alg, NULL)) == NULL ||
        EVP_PKEY_keygen_init(c->kgen) != 1 ||
        (group && EVP_PKEY_CTX_set_group_name(c->kgen, group) != 1) ||
        (c->derive = EVP_PKEY_CTX_new(c->eph, NULL)) == NULL ||
        EVP_PKEY_derive_init(c->derive) != 1 || EVP_PKEY_derive_set_peer(c->derive, c->peer) != 1)
        return -1;
    c->coord_len = s->ecdh->coord_len;
    if (group != NULL) { /* EC2: the lower-level objects and an x-only peer key */
        int nid = s->ecdh->cose_crv == 1 ? NID_X9_62_prime256v1 : NID_secp384r1;
        size_t plen = 0;
        if ((c->group = EC_GROUP_new_by_curve_name(nid)) == NULL ||
            (c->bn = BN_CTX_new()) == NULL || (c->d = BN_secure_new()) == NULL ||
            (c->x = BN_new()) == NULL || (c->y = BN_new()) == NULL ||
            (c->pt = EC_POINT_new(c->group)) == NULL ||
            EVP_PKEY_get_octet_string_param(c->peer, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                            c->peer_point, sizeof c->peer_point, &plen) != 1 ||
            plen != 1 + 2 * c->coord_len)
            return -1;
        BN_set_flags(c->d, BN_FLG_CONSTTIME);
        memcpy(c->peer_x, c->peer_point + 1, c->coord_len);
        c->peer_point[0] = 0x02; /* compressed: 02 || x (y even or not, either point) */
    }
    /* signatures */
    const eh_sig_alg *sig = s->sig;
    const char *salg = sig->cose_alg == -8 ? (sig->cose_crv == 6 ? "ED25519" : "ED448") : "EC";
    const char *sgroup = sig->cose_alg == -7 ? "P-256" : sig->cose_alg == -35 ? "P-384" : NULL;
    c->sig_md = sig->cose_alg == -7 ? "SHA256" : sig->cose_alg == -35 ? "SHA384" : NULL;
    if ((c->sig_key = keygen_named(salg, sgroup)) == NULL ||
        ossl_sign(c, c->in, sz->tbs_2, c->sig_2, &c->sig_2_len) != EH_OK ||
        ossl_sign(c, c->in, sz->tbs_3, c->sig_3, &c->sig_3_len) != EH_OK)
        return -1;
    crypto_sign_ed25519_keypair(c->ed_pk, c->ed_sk);
    crypto_sign_ed25519_detached(c->ed_sig_2, NULL, c->in, sz->tbs_2, c->ed_sk);
    crypto_sign_ed25519_detached(c->ed_sig_3, NULL, c->in, sz->tbs_3, c->ed_sk);
    /* hash and MAC */
    int h = s->hash->cose_alg;
    const char *md = h == -16 ? "SHA2-256" : h == -43 ? "SHA2-384" : "SHAKE-256";
    c->kmac = h == -45;
    if ((c->md = EVP_MD_fetch(NULL, md, NULL)) == NULL || (c->md_ctx = EVP_MD_CTX_new()) == NULL ||
        (c->mac = EVP_MAC_fetch(NULL, c->kmac ? "KMAC-256" : "HMAC", NULL)) == NULL ||
        (c->mac_ctx = EVP_MAC_CTX_new(c->mac)) == NULL)
        return -1;
    if (!c->kmac) {
        OSSL_PARAM params[2] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)md, 0),
            OSSL_PARAM_END};
        if (EVP_MAC_CTX_set_params(c->mac_ctx, params) != 1)
            return -1;
    }
    /* AEAD */
    int a = s->aead->cose_alg;
    const char *cipher = a == 10 || a == 30 ? "AES-128-CCM"
                         : a == 1          ? "AES-128-GCM"
                         : a == 3          ? "AES-256-GCM"
                                           : "ChaCha20-Poly1305";
    c->ccm = a == 10 || a == 30;
    c->nonce_len = s->aead->nonce_len;
    c->tag_len = s->aead->tag_len;
    if ((c->cipher = EVP_CIPHER_fetch(NULL, cipher, NULL)) == NULL)
        return -1;
    if (ossl_aead(c, true, c->in, sz->a_3, c->in, sz->plaintext_3, c->ct_3) != EH_OK ||
        ossl_aead(c, true, c->in, sz->a_4, c->in, sz->plaintext_4, c->ct_4) != EH_OK)
        return -1;
    return 0;
}

int bench_floor_best_measure(const bench_pair *p, const bench_sizes *sz, const bench_budget *b,
                             bench_floor *fl)
{
    static best_ctx c; /* large; one at a time */
    size_t n;
    const floor_row *rows = bench_floor_rows(&n);
    memset(fl, 0, sizeof *fl);
    if (ctx_init(&c, p, sz) != 0) {
        ctx_free(&c);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const floor_row *r = &rows[i];
        if (!bench_floor_row_applies(r, p->method, p->suite))
            continue;
        bench_op_cost *o = &fl->op[fl->n++];
        o->what = r->what, o->rfc = r->rfc, o->count = r->count;
        c.lib = LIB_OPENSSL;
        o->us = bench_floor_time_op(best_op, &c, r, b);
        o->impl = "OpenSSL";
        if (low_has(&c, r->kind)) {
            c.lib = LIB_OPENSSL_LOW;
            double us = bench_floor_time_op(best_op, &c, r, b);
            if (us >= 0 && (o->us < 0 || us < o->us))
                o->us = us, o->impl = "OpenSSL low-level";
        }
        if (sodium_has(&c, r->kind)) {
            /* the AEAD's ciphertexts for OPEN, as libsodium makes them */
            c.lib = LIB_SODIUM;
            if (r->kind == OPEN &&
                (sodium_aead(&c, true, c.in, sz->a_3, c.in, sz->plaintext_3, c.ct_3) != EH_OK ||
                 sodium_aead(&c, true, c.in, sz->a_4, c.in, sz->plaintext_4, c.ct_4) != EH_OK))
                rc = -1;
            double us = bench_floor_time_op(best_op, &c, r, b);
            if (us >= 0 && (o->us < 0 || us < o->us))
                o->us = us, o->impl = "libsodium";
        }
        if (o->us < 0)
            rc = -1;
        fl->total_us += o->count * o->us;
    }
    ctx_free(&c);
    return rc;
}

/*
 * x509.c - X.509 certificates and PEM files for the harness (see x509.h),
 * on OpenSSL 3 (EVP_PKEY / OSSL_PARAM only, no deprecated key APIs).
 */
#include "x509.h"

#include <limits.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "crypto.h"

typedef struct key_info {
    eh_key_type type;
    int evp_id;          /* EVP_PKEY_ED25519, ..., EVP_PKEY_EC */
    int curve_nid;       /* EC only */
    const char *group;   /* EC only: OpenSSL group name */
    size_t pub_len, priv_len;
    const eh_ecdh_alg *ecdh; /* EC only: public key derivation, point check */
} key_info;

static const key_info key_infos[] = {
    {EH_KEY_ED25519, EVP_PKEY_ED25519, 0, NULL, 32, 32, NULL},
    {EH_KEY_ED448, EVP_PKEY_ED448, 0, NULL, 57, 57, NULL},
    {EH_KEY_X25519, EVP_PKEY_X25519, 0, NULL, 32, 32, NULL},
    {EH_KEY_X448, EVP_PKEY_X448, 0, NULL, 56, 56, NULL},
    {EH_KEY_P256, EVP_PKEY_EC, NID_X9_62_prime256v1, "prime256v1", 64, 32, &eh_ecdh_p256},
    {EH_KEY_P384, EVP_PKEY_EC, NID_secp384r1, "secp384r1", 96, 48, &eh_ecdh_p384},
};
#define N_KEY_INFOS (sizeof key_infos / sizeof key_infos[0])

static const key_info *info_of_type(eh_key_type type)
{
    for (size_t i = 0; i < N_KEY_INFOS; i++)
        if (key_infos[i].type == type)
            return &key_infos[i];
    return NULL;
}

size_t eh_key_type_pub_len(eh_key_type type)
{
    const key_info *ki = info_of_type(type);
    return ki != NULL ? ki->pub_len : 0;
}

size_t eh_key_type_priv_len(eh_key_type type)
{
    const key_info *ki = info_of_type(type);
    return ki != NULL ? ki->priv_len : 0;
}

/* Which of our key types pkey is; NULL for any other (incl. explicit EC curves). */
static const key_info *info_of_pkey(const EVP_PKEY *pkey)
{
    int id = EVP_PKEY_get_base_id(pkey);
    int nid = NID_undef;
    if (id == EVP_PKEY_EC) {
        char name[64];
        size_t name_len = 0;
        if (EVP_PKEY_get_group_name(pkey, name, sizeof name, &name_len) != 1)
            return NULL;
        nid = OBJ_txt2nid(name);
        if (nid == NID_undef)
            nid = EC_curve_nist2nid(name);
    }
    for (size_t i = 0; i < N_KEY_INFOS; i++)
        if (key_infos[i].evp_id == id && (id != EVP_PKEY_EC || key_infos[i].curve_nid == nid))
            return &key_infos[i];
    return NULL;
}

/* EC EVP_PKEY from raw x || y (priv == NULL) or from the scalar priv. */
static eh_err ec_pkey(const key_info *ki, const uint8_t *pub, const uint8_t *priv,
                      EVP_PKEY **out)
{
    size_t cl = ki->priv_len;
    uint8_t point[1 + 2 * EH_MAX_COORD_LEN];
    OSSL_PARAM_BLD *bld = NULL;
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    BIGNUM *d = NULL;
    eh_err err;

    point[0] = 0x04; /* SEC 1 uncompressed point */
    if (priv != NULL) {
        err = ki->ecdh->public_key(priv, point + 1, point + 1 + cl); /* range check: EH_ERR_ARG */
        if (err != EH_OK)
            goto done;
    } else {
        memcpy(point + 1, pub, 2 * cl);
        err = ki->ecdh->check_point(pub, pub + cl) == EH_OK ? EH_OK : EH_ERR_INVALID_PUBLIC_KEY;
        if (err != EH_OK)
            goto done;
    }
    err = EH_ERR_CRYPTO;
    if (priv != NULL &&
        ((d = BN_secure_new()) == NULL || BN_bin2bn(priv, (int)cl, d) == NULL))
        goto done;
    bld = OSSL_PARAM_BLD_new();
    if (bld == NULL ||
        OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, ki->group, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, 1 + 2 * cl) != 1 ||
        (d != NULL && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) != 1))
        goto done;
    params = OSSL_PARAM_BLD_to_param(bld);
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, out, d != NULL ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                          params) != 1)
        goto done;
    err = EH_OK;
done:
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params); /* d's copy sits in a block that is cleared when freed */
    OSSL_PARAM_BLD_free(bld);
    BN_clear_free(d);
    OPENSSL_cleanse(point, sizeof point);
    return err;
}

/* EVP_PKEY of a raw public key (is_priv = 0) or private key (is_priv = 1). */
static eh_err make_pkey(eh_key_type type, const uint8_t *key, size_t key_len, int is_priv,
                        EVP_PKEY **out)
{
    const key_info *ki = info_of_type(type);
    *out = NULL;
    if (ki == NULL || key == NULL || key_len != (is_priv ? ki->priv_len : ki->pub_len))
        return EH_ERR_ARG;
    if (ki->evp_id == EVP_PKEY_EC)
        return ec_pkey(ki, is_priv ? NULL : key, is_priv ? key : NULL, out);
    *out = is_priv ? EVP_PKEY_new_raw_private_key(ki->evp_id, NULL, key, key_len)
                   : EVP_PKEY_new_raw_public_key(ki->evp_id, NULL, key, key_len);
    return *out != NULL ? EH_OK : EH_ERR_CRYPTO;
}

/* Raw public key of pkey; EH_ERR_CREDENTIAL for other key types. */
static eh_err raw_public(const EVP_PKEY *pkey, eh_key_type *type, uint8_t *pub, size_t cap,
                         size_t *pub_len)
{
    const key_info *ki = info_of_pkey(pkey);
    BIGNUM *x = NULL, *y = NULL;
    eh_err err = EH_ERR_CREDENTIAL;
    size_t len;

    if (ki == NULL)
        return EH_ERR_CREDENTIAL;
    if (cap < ki->pub_len)
        return EH_ERR_BUFFER_TOO_SMALL;
    if (ki->evp_id != EVP_PKEY_EC) {
        len = cap;
        if (EVP_PKEY_get_raw_public_key(pkey, pub, &len) != 1 || len != ki->pub_len)
            return EH_ERR_CREDENTIAL;
    } else {
        int cl = (int)ki->priv_len;
        if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x) != 1 ||
            EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y) != 1 ||
            BN_bn2binpad(x, pub, cl) != cl || BN_bn2binpad(y, pub + cl, cl) != cl)
            goto done;
    }
    *type = ki->type;
    *pub_len = ki->pub_len;
    err = EH_OK;
done:
    BN_free(x);
    BN_free(y);
    return err;
}

/* One DER certificate, all der_len bytes of it; NULL otherwise. */
static X509 *parse_cert(const uint8_t *der, size_t der_len)
{
    const unsigned char *p = der;
    if (der == NULL || der_len == 0 || der_len > LONG_MAX)
        return NULL;
    X509 *cert = d2i_X509(NULL, &p, (long)der_len);
    if (cert != NULL && p != der + der_len) {
        X509_free(cert);
        cert = NULL;
    }
    return cert;
}

eh_err eh_x509_public_key(const uint8_t *der, size_t der_len, eh_key_type *type, uint8_t *pub,
                          size_t cap, size_t *pub_len)
{
    if (type == NULL || pub == NULL || pub_len == NULL)
        return EH_ERR_ARG;
    X509 *cert = parse_cert(der, der_len);
    EVP_PKEY *pkey = cert != NULL ? X509_get0_pubkey(cert) : NULL; /* owned by cert */
    eh_err err = pkey != NULL ? raw_public(pkey, type, pub, cap, pub_len) : EH_ERR_CREDENTIAL;
    X509_free(cert);
    ERR_clear_error();
    return err;
}

eh_err eh_x509_verify_ed25519(const uint8_t *der, size_t der_len, const uint8_t issuer_pub[32])
{
    EVP_PKEY *issuer = NULL;
    eh_err err = EH_ERR_CREDENTIAL;
    if (issuer_pub == NULL)
        return EH_ERR_ARG;
    X509 *cert = parse_cert(der, der_len);
    if (cert == NULL || X509_get_signature_nid(cert) != NID_ED25519)
        goto done;
    err = EH_ERR_CRYPTO;
    issuer = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, issuer_pub, 32);
    if (issuer == NULL)
        goto done;
    err = X509_verify(cert, issuer) == 1 ? EH_OK : EH_ERR_SIGNATURE;
done:
    EVP_PKEY_free(issuer);
    X509_free(cert);
    ERR_clear_error();
    return err;
}

/* "YYYYMMDDHHMMSSZ" only: 14 digits and a Z. */
static int time_string_ok(const char *s)
{
    if (s == NULL || strlen(s) != 15 || s[14] != 'Z')
        return 0;
    for (int i = 0; i < 14; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* X509_NAME holding one commonName UTF8String. */
static X509_NAME *cn_name(const char *cn)
{
    size_t len = cn != NULL ? strlen(cn) : 0;
    if (len == 0 || len > 64)
        return NULL;
    X509_NAME *name = X509_NAME_new();
    if (name != NULL && X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
                                                   (const unsigned char *)cn, (int)len, -1,
                                                   0) != 1) {
        X509_NAME_free(name);
        name = NULL;
    }
    return name;
}

/* Sets notBefore (which = 0) or notAfter from a checked time string. */
static int set_time(X509 *cert, const char *s, int which)
{
    ASN1_TIME *t = ASN1_TIME_new();
    int ok = t != NULL && ASN1_TIME_set_string_X509(t, s) == 1 &&
             (which == 0 ? X509_set1_notBefore(cert, t) : X509_set1_notAfter(cert, t)) == 1;
    ASN1_TIME_free(t);
    return ok;
}

eh_err eh_x509_create(eh_key_type type, const uint8_t *subject_pub, size_t subject_pub_len,
                      const char *subject_cn, const uint8_t issuer_seed[32],
                      const char *issuer_cn, uint32_t serial, const char *not_before,
                      const char *not_after, uint8_t *der, size_t cap, size_t *der_len)
{
    EVP_PKEY *subject = NULL, *issuer = NULL;
    X509_NAME *sname = NULL, *iname = NULL;
    X509 *cert = NULL;
    eh_err err;

    if (issuer_seed == NULL || der == NULL || der_len == NULL || !time_string_ok(not_before) ||
        !time_string_ok(not_after))
        return EH_ERR_ARG;
    err = make_pkey(type, subject_pub, subject_pub_len, 0, &subject);
    if (err != EH_OK)
        goto done;
    err = EH_ERR_ARG;
    sname = cn_name(subject_cn);
    iname = cn_name(issuer_cn);
    if (sname == NULL || iname == NULL)
        goto done;
    err = EH_ERR_CRYPTO;
    issuer = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, issuer_seed, 32);
    cert = X509_new();
    if (issuer == NULL || cert == NULL || X509_set_version(cert, X509_VERSION_3) != 1 ||
        ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert), serial) != 1 ||
        X509_set_issuer_name(cert, iname) != 1 || X509_set_subject_name(cert, sname) != 1 ||
        X509_set_pubkey(cert, subject) != 1)
        goto done;
    if (!set_time(cert, not_before, 0) || !set_time(cert, not_after, 1)) {
        err = EH_ERR_ARG; /* e.g. month 13 */
        goto done;
    }
    if (X509_sign(cert, issuer, NULL) <= 0) /* Ed25519: no separate digest */
        goto done;
    int len = i2d_X509(cert, NULL);
    if (len <= 0)
        goto done;
    err = EH_ERR_BUFFER_TOO_SMALL;
    if ((size_t)len > cap)
        goto done;
    err = EH_ERR_CRYPTO;
    unsigned char *p = der;
    if (i2d_X509(cert, &p) != len)
        goto done;
    *der_len = (size_t)len;
    err = EH_OK;
done:
    X509_free(cert);
    X509_NAME_free(sname);
    X509_NAME_free(iname);
    EVP_PKEY_free(subject);
    EVP_PKEY_free(issuer);
    ERR_clear_error();
    return err;
}

/* Never prompt for a PEM pass phrase: encrypted input simply fails. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf, (void)size, (void)rwflag, (void)u;
    return -1;
}

/* Copies the contents of a memory BIO to pem as NUL-terminated text. */
static eh_err bio_to_text(BIO *bio, char *pem, size_t cap, size_t *pem_len)
{
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    if (n <= 0 || data == NULL)
        return EH_ERR_CRYPTO;
    if ((size_t)n >= cap)
        return EH_ERR_BUFFER_TOO_SMALL;
    memcpy(pem, data, (size_t)n);
    pem[n] = '\0';
    *pem_len = (size_t)n;
    return EH_OK;
}

static BIO *read_bio(const char *pem, size_t pem_len)
{
    if (pem == NULL || pem_len == 0 || pem_len > INT_MAX)
        return NULL;
    return BIO_new_mem_buf(pem, (int)pem_len);
}

eh_err eh_pem_private_key_read(const char *pem, size_t pem_len, eh_key_type *type,
                               uint8_t *priv, size_t cap, size_t *priv_len)
{
    EVP_PKEY *pkey = NULL;
    BIGNUM *d = NULL;
    const key_info *ki;
    eh_err err = EH_ERR_CREDENTIAL;

    if (type == NULL || priv == NULL || priv_len == NULL)
        return EH_ERR_ARG;
    BIO *bio = read_bio(pem, pem_len);
    if (bio != NULL)
        pkey = PEM_read_bio_PrivateKey(bio, NULL, no_password, NULL);
    BIO_free(bio);
    if (pkey == NULL || (ki = info_of_pkey(pkey)) == NULL)
        goto done;
    err = EH_ERR_BUFFER_TOO_SMALL;
    if (cap < ki->priv_len)
        goto done;
    err = EH_ERR_CREDENTIAL;
    if (ki->evp_id == EVP_PKEY_EC) {
        int cl = (int)ki->priv_len;
        if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &d) != 1 ||
            BN_bn2binpad(d, priv, cl) != cl)
            goto done;
    } else {
        size_t len = cap;
        if (EVP_PKEY_get_raw_private_key(pkey, priv, &len) != 1 || len != ki->priv_len)
            goto done;
    }
    *type = ki->type;
    *priv_len = ki->priv_len;
    err = EH_OK;
done:
    if (err != EH_OK)
        OPENSSL_cleanse(priv, cap);
    BN_clear_free(d);
    EVP_PKEY_free(pkey);
    ERR_clear_error();
    return err;
}

eh_err eh_pem_private_key_write(eh_key_type type, const uint8_t *priv, size_t priv_len,
                                char *pem, size_t cap, size_t *pem_len)
{
    EVP_PKEY *pkey = NULL;
    BIO *bio = NULL;
    eh_err err;

    if (pem == NULL || pem_len == NULL)
        return EH_ERR_ARG;
    err = make_pkey(type, priv, priv_len, 1, &pkey);
    if (err != EH_OK)
        goto done;
    err = EH_ERR_CRYPTO;
    bio = BIO_new(BIO_s_secmem()); /* its buffer is cleared when freed */
    if (bio == NULL || PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL) != 1)
        goto done;
    err = bio_to_text(bio, pem, cap, pem_len);
done:
    if (err != EH_OK && cap > 0)
        OPENSSL_cleanse(pem, cap);
    BIO_free(bio);
    EVP_PKEY_free(pkey);
    ERR_clear_error();
    return err;
}

eh_err eh_pem_cert_read(const char *pem, size_t pem_len, uint8_t *der, size_t cap,
                        size_t *der_len)
{
    unsigned char *data = NULL;
    char *name = NULL;
    long len = 0;
    X509 *cert = NULL;
    eh_err err = EH_ERR_CREDENTIAL;

    if (der == NULL || der_len == NULL)
        return EH_ERR_ARG;
    BIO *bio = read_bio(pem, pem_len);
    if (bio == NULL ||
        PEM_bytes_read_bio(&data, &len, &name, PEM_STRING_X509, bio, no_password, NULL) != 1 ||
        len <= 0 || (cert = parse_cert(data, (size_t)len)) == NULL)
        goto done;
    err = EH_ERR_BUFFER_TOO_SMALL;
    if ((size_t)len > cap)
        goto done;
    memcpy(der, data, (size_t)len);
    *der_len = (size_t)len;
    err = EH_OK;
done:
    X509_free(cert);
    OPENSSL_free(data);
    OPENSSL_free(name);
    BIO_free(bio);
    ERR_clear_error();
    return err;
}

eh_err eh_pem_cert_write(const uint8_t *der, size_t der_len, char *pem, size_t cap,
                         size_t *pem_len)
{
    BIO *bio = NULL;
    eh_err err = EH_ERR_CREDENTIAL;

    if (pem == NULL || pem_len == NULL)
        return EH_ERR_ARG;
    X509 *cert = parse_cert(der, der_len);
    if (cert == NULL)
        goto done;
    err = EH_ERR_CRYPTO;
    bio = BIO_new(BIO_s_mem());
    if (bio == NULL || PEM_write_bio(bio, PEM_STRING_X509, "", der, (long)der_len) <= 0)
        goto done;
    err = bio_to_text(bio, pem, cap, pem_len);
done:
    BIO_free(bio);
    X509_free(cert);
    ERR_clear_error();
    return err;
}

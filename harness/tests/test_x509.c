/*
 * test_x509.c - unit tests of harness/crypto/x509.c.
 *
 * Known answers: the two certificates of RFC 9529 §2 (trace 1), read from
 * vectors/rfc9529-trace1.json: CRED_R / CRED_I DER (cred_r_der, cred_i_der),
 * their subject keys PK_R / PK_I (pk_r, pk_i) and the root CA key that
 * signed both (root_ca_pk). Everything else is a round trip.
 */
#include <check.h>
#include <jansson.h>
#include <stdbool.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "../crypto/crypto.h"
#include "../crypto/x509.h"

/* ------------------------------------------------------------- helpers -- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (; *s; s++) {
        int v = hexval(*s);
        ck_assert_msg(v >= 0, "bad hex digit '%c'", *s);
        if (hi < 0) {
            hi = v;
        } else {
            ck_assert_msg(n < cap, "hex string too long");
            out[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    ck_assert_msg(hi < 0, "odd number of hex digits");
    return n;
}

/* Hex member `key` of the trace object, decoded. */
static size_t vec(json_t *obj, const char *key, uint8_t *out, size_t cap)
{
    const char *s = json_string_value(json_object_get(obj, key));
    ck_assert_msg(s != NULL, "vector has no string '%s'", key);
    return unhex(s, out, cap);
}

static json_t *load_trace1(void)
{
    json_error_t jerr;
    json_t *root = json_load_file(EH_SOURCE_DIR "/vectors/rfc9529-trace1.json", 0, &jerr);
    ck_assert_msg(root != NULL, "rfc9529-trace1.json: %s", jerr.text);
    return root;
}

/* Deterministic key material (splitmix64). */
static void fill(uint8_t *p, size_t n, uint64_t seed)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        p[i] = (uint8_t)(z ^ (z >> 31));
    }
}

#define ck_err(expr, want) ck_assert_int_eq((int)(expr), (int)(want))

static const eh_key_type all_types[] = {EH_KEY_ED25519, EH_KEY_ED448, EH_KEY_X25519,
                                        EH_KEY_X448,    EH_KEY_P256,  EH_KEY_P384};
#define N_TYPES (sizeof all_types / sizeof all_types[0])

/* A generated key pair of `type` in raw form (EC private keys below n). */
static void gen_key(eh_key_type type, uint64_t seed, uint8_t *priv, size_t *priv_len,
                    uint8_t *pub, size_t *pub_len)
{
    *priv_len = eh_key_type_priv_len(type);
    *pub_len = eh_key_type_pub_len(type);
    fill(priv, *priv_len, seed);
    switch (type) {
    case EH_KEY_ED25519:
        ck_err(eh_sig_ed25519.public_key(priv, pub), EH_OK);
        break;
    case EH_KEY_ED448:
        ck_err(eh_sig_ed448.public_key(priv, pub), EH_OK);
        break;
    case EH_KEY_X25519:
        ck_err(eh_ecdh_x25519.public_key(priv, pub, NULL), EH_OK);
        break;
    case EH_KEY_X448:
        ck_err(eh_ecdh_x448.public_key(priv, pub, NULL), EH_OK);
        break;
    case EH_KEY_P256:
        priv[0] &= 0x7f;
        ck_err(eh_sig_es256.public_key(priv, pub), EH_OK);
        break;
    case EH_KEY_P384:
        priv[0] &= 0x7f;
        ck_err(eh_sig_es384.public_key(priv, pub), EH_OK);
        break;
    }
}

#define NB "20220316082436Z"
#define NA "20291231230000Z"

/* ------------------------------------------------------------ RFC 9529 -- */

static void check_rfc9529_cert(json_t *t, const char *cert_key, const char *pk_key)
{
    uint8_t der[512], want_pk[32], root_pk[32], pub[128];
    size_t der_len = vec(t, cert_key, der, sizeof der), pub_len = 0;
    eh_key_type type = EH_KEY_P384;

    ck_assert_uint_eq(vec(t, pk_key, want_pk, sizeof want_pk), 32);
    ck_assert_uint_eq(vec(t, "root_ca_pk", root_pk, sizeof root_pk), 32);

    ck_err(eh_x509_public_key(der, der_len, &type, pub, sizeof pub, &pub_len), EH_OK);
    ck_assert_int_eq(type, EH_KEY_ED25519);
    ck_assert_uint_eq(pub_len, 32);
    ck_assert_mem_eq(pub, want_pk, 32);
    ck_err(eh_x509_public_key(der, der_len, &type, pub, 31, &pub_len), EH_ERR_BUFFER_TOO_SMALL);

    ck_err(eh_x509_verify_ed25519(der, der_len, root_pk), EH_OK);
    /* Another issuer key: the subject's own. */
    ck_err(eh_x509_verify_ed25519(der, der_len, want_pk), EH_ERR_SIGNATURE);
    /* Every bit of the last signature byte, and one bit in the TBS (serial). */
    for (int bit = 0; bit < 8; bit++) {
        der[der_len - 1] ^= (uint8_t)(1u << bit);
        ck_err(eh_x509_verify_ed25519(der, der_len, root_pk), EH_ERR_SIGNATURE);
        der[der_len - 1] ^= (uint8_t)(1u << bit);
    }
    der[der_len - 40] ^= 0x80; /* first half of the signature (R) */
    ck_err(eh_x509_verify_ed25519(der, der_len, root_pk), EH_ERR_SIGNATURE);
    der[der_len - 40] ^= 0x80;
    ck_assert_uint_eq(der[13], 0x62); /* first byte of the 4-byte serial */
    der[13] ^= 0x01;
    ck_err(eh_x509_verify_ed25519(der, der_len, root_pk), EH_ERR_SIGNATURE);
    der[13] ^= 0x01;
    ck_err(eh_x509_verify_ed25519(der, der_len, root_pk), EH_OK);

    /* Every truncation fails cleanly; a trailing byte is refused too. */
    for (size_t n = 0; n < der_len; n++) {
        ck_assert_int_ne(eh_x509_public_key(der, n, &type, pub, sizeof pub, &pub_len), EH_OK);
        ck_assert_int_ne(eh_x509_verify_ed25519(der, n, root_pk), EH_OK);
    }
    der[der_len] = 0x00;
    ck_err(eh_x509_public_key(der, der_len + 1, &type, pub, sizeof pub, &pub_len),
           EH_ERR_CREDENTIAL);
    ck_err(eh_x509_verify_ed25519(der, der_len + 1, root_pk), EH_ERR_CREDENTIAL);
    ck_err(eh_x509_public_key(NULL, 10, &type, pub, sizeof pub, &pub_len), EH_ERR_CREDENTIAL);
}

START_TEST(test_rfc9529_certificates)
{
    json_t *t = load_trace1();
    /* RFC 9529 §2: CRED_R (PK_R) and CRED_I (PK_I), both issued by the root CA. */
    check_rfc9529_cert(t, "cred_r_der", "pk_r");
    check_rfc9529_cert(t, "cred_i_der", "pk_i");
    json_decref(t);
}
END_TEST

/* eh_x509_create with the fields of the RFC 9529 certificates reproduces
 * them byte for byte except the 64-byte signature (the root CA's private
 * key is not published, so we sign with another one). */
START_TEST(test_rfc9529_reencode)
{
    static const struct {
        const char *cert, *pk, *cn, *not_before;
        uint32_t serial;
    } certs[] = {
        {"cred_r_der", "pk_r", "EDHOC Responder Ed25519", "20220316082436Z", 0x62319ec4},
        {"cred_i_der", "pk_i", "EDHOC Initiator Ed25519", "20220316082400Z", 0x62319ea0},
    };
    json_t *t = load_trace1();
    uint8_t seed[32], issuer_pk[32];
    fill(seed, sizeof seed, 9529);
    ck_err(eh_sig_ed25519.public_key(seed, issuer_pk), EH_OK);
    for (size_t i = 0; i < 2; i++) {
        uint8_t want[512], pk[32], der[512];
        size_t want_len = vec(t, certs[i].cert, want, sizeof want), der_len = 0;
        ck_assert_uint_eq(vec(t, certs[i].pk, pk, sizeof pk), 32);
        ck_err(eh_x509_create(EH_KEY_ED25519, pk, 32, certs[i].cn, seed, "EDHOC Root Ed25519",
                              certs[i].serial, certs[i].not_before, NA, der, sizeof der,
                              &der_len),
               EH_OK);
        ck_assert_uint_eq(der_len, want_len);
        ck_assert_mem_eq(der, want, want_len - 64);
        ck_err(eh_x509_verify_ed25519(der, der_len, issuer_pk), EH_OK);
    }
    json_decref(t);
}
END_TEST

/* --------------------------------------------------------- round trips -- */

START_TEST(test_create_all_types)
{
    uint8_t seed[32], seed2[32], issuer_pk[32], issuer2_pk[32];
    fill(seed, sizeof seed, 1);
    fill(seed2, sizeof seed2, 2);
    ck_err(eh_sig_ed25519.public_key(seed, issuer_pk), EH_OK);
    ck_err(eh_sig_ed25519.public_key(seed2, issuer2_pk), EH_OK);

    for (size_t i = 0; i < N_TYPES; i++) {
        eh_key_type type = all_types[i], got_type;
        uint8_t priv[64], pub[128], got[128], der[1024], der2[1024];
        size_t priv_len, pub_len, got_len = 0, der_len = 0, der2_len = 0;
        gen_key(type, 100 + i, priv, &priv_len, pub, &pub_len);

        ck_err(eh_x509_create(type, pub, pub_len, "subject", seed, "issuer", 7, NB, NA, der,
                              sizeof der, &der_len),
               EH_OK);
        got_type = type == EH_KEY_ED25519 ? EH_KEY_P256 : EH_KEY_ED25519;
        ck_err(eh_x509_public_key(der, der_len, &got_type, got, sizeof got, &got_len), EH_OK);
        ck_assert_int_eq(got_type, type);
        ck_assert_uint_eq(got_len, pub_len);
        ck_assert_mem_eq(got, pub, pub_len);
        ck_err(eh_x509_verify_ed25519(der, der_len, issuer_pk), EH_OK);
        ck_err(eh_x509_verify_ed25519(der, der_len, issuer2_pk), EH_ERR_SIGNATURE);

        /* Deterministic; any changed input changes the bytes. */
        ck_err(eh_x509_create(type, pub, pub_len, "subject", seed, "issuer", 7, NB, NA, der2,
                              sizeof der2, &der2_len),
               EH_OK);
        ck_assert_uint_eq(der2_len, der_len);
        ck_assert_mem_eq(der2, der, der_len);
        ck_err(eh_x509_create(type, pub, pub_len, "subject", seed, "issuer", 8, NB, NA, der2,
                              sizeof der2, &der2_len),
               EH_OK);
        ck_assert(der2_len != der_len || memcmp(der, der2, der_len) != 0);

        /* Exact capacity works, one byte less does not. */
        ck_err(eh_x509_create(type, pub, pub_len, "subject", seed, "issuer", 7, NB, NA, der2,
                              der_len, &der2_len),
               EH_OK);
        ck_err(eh_x509_create(type, pub, pub_len, "subject", seed, "issuer", 7, NB, NA, der2,
                              der_len - 1, &der2_len),
               EH_ERR_BUFFER_TOO_SMALL);
        /* Wrong key length for the type. */
        ck_err(eh_x509_create(type, pub, pub_len - 1, "subject", seed, "issuer", 7, NB, NA,
                              der2, sizeof der2, &der2_len),
               EH_ERR_ARG);

        /* Certificate PEM round trip, byte for byte. */
        char pem[2048];
        size_t pem_len = 0;
        ck_err(eh_pem_cert_write(der, der_len, pem, sizeof pem, &pem_len), EH_OK);
        ck_assert_uint_eq(strlen(pem), pem_len);
        ck_assert(strncmp(pem, "-----BEGIN CERTIFICATE-----\n", 28) == 0);
        ck_err(eh_pem_cert_write(der, der_len, pem, pem_len, &pem_len), EH_ERR_BUFFER_TOO_SMALL);
        ck_err(eh_pem_cert_write(der, der_len, pem, sizeof pem, &pem_len), EH_OK);
        memset(der2, 0, sizeof der2);
        ck_err(eh_pem_cert_read(pem, pem_len, der2, sizeof der2, &der2_len), EH_OK);
        ck_assert_uint_eq(der2_len, der_len);
        ck_assert_mem_eq(der2, der, der_len);
        ck_err(eh_pem_cert_read(pem, pem_len, der2, der_len - 1, &der2_len),
               EH_ERR_BUFFER_TOO_SMALL);
    }
}
END_TEST

START_TEST(test_create_rejects)
{
    uint8_t seed[32], priv[64], pub[128], der[1024];
    size_t priv_len, pub_len, der_len;
    char long_cn[66];
    fill(seed, sizeof seed, 3);
    memset(long_cn, 'a', 65);
    long_cn[65] = '\0';

    gen_key(EH_KEY_P256, 5, priv, &priv_len, pub, &pub_len);
#define CREATE(type, p, pl, scn, icn, nb, na)                                               \
    eh_x509_create(type, p, pl, scn, seed, icn, 1, nb, na, der, sizeof der, &der_len)
    ck_err(CREATE(EH_KEY_P256, pub, pub_len, "s", "i", NB, NA), EH_OK);
    ck_err(CREATE(EH_KEY_P256, pub, pub_len, "", "i", NB, NA), EH_ERR_ARG);
    ck_err(CREATE(EH_KEY_P256, pub, pub_len, "s", NULL, NB, NA), EH_ERR_ARG);
    ck_err(CREATE(EH_KEY_P256, pub, pub_len, long_cn, "i", NB, NA), EH_ERR_ARG);
    long_cn[64] = '\0';
    ck_err(CREATE(EH_KEY_P256, pub, pub_len, long_cn, "i", NB, NA), EH_OK);
    ck_err(CREATE(EH_KEY_P256, pub, pub_len, "s", "i", "220316082436Z", NA), EH_ERR_ARG);
    ck_err(CREATE(EH_KEY_P256, pub, pub_len, "s", "i", "2022-03-16T08:2Z", NA), EH_ERR_ARG);
    ck_err(CREATE(EH_KEY_P256, pub, pub_len, "s", "i", NB, "20291331230000Z"), EH_ERR_ARG);
    ck_err(CREATE(EH_KEY_P256, pub, pub_len, "s", "i", NB, NULL), EH_ERR_ARG);
    /* Times past 2049 become GeneralizedTime and still work. */
    ck_err(CREATE(EH_KEY_P256, pub, pub_len, "s", "i", NB, "20991231235959Z"), EH_OK);
    /* EC point off the curve. */
    pub[pub_len - 1] ^= 0x01;
    ck_err(CREATE(EH_KEY_P256, pub, pub_len, "s", "i", NB, NA), EH_ERR_INVALID_PUBLIC_KEY);
    memset(pub, 0xff, pub_len);
    ck_err(CREATE(EH_KEY_P256, pub, pub_len, "s", "i", NB, NA), EH_ERR_INVALID_PUBLIC_KEY);
    ck_err(CREATE((eh_key_type)42, pub, 32, "s", "i", NB, NA), EH_ERR_ARG);
    ck_err(CREATE(EH_KEY_ED25519, NULL, 32, "s", "i", NB, NA), EH_ERR_ARG);
#undef CREATE
    ck_assert_uint_eq(eh_key_type_pub_len((eh_key_type)42), 0);
}
END_TEST

/* Certificates the module must refuse: a P-521 subject key (not an EDHOC
 * key type) and a certificate signed with ECDSA instead of Ed25519. */
START_TEST(test_foreign_certificates)
{
    uint8_t seed[32], issuer_pk[32], pub[256];
    unsigned char *der = NULL;
    size_t pub_len;
    eh_key_type type;
    fill(seed, sizeof seed, 4);
    ck_err(eh_sig_ed25519.public_key(seed, issuer_pk), EH_OK);

    EVP_PKEY *p521 = EVP_EC_gen("P-521");
    EVP_PKEY *ed = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
    X509 *cert = X509_new();
    ck_assert_ptr_nonnull(p521);
    ck_assert_ptr_nonnull(ed);
    ck_assert_ptr_nonnull(cert);
    ck_assert_int_eq(X509_set_version(cert, X509_VERSION_3), 1);
    ck_assert_int_eq(X509_set_pubkey(cert, p521), 1);
    ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notBefore(cert), 0));
    ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notAfter(cert), 0));

    /* Signed by our Ed25519 issuer: the signature checks, the key type is foreign. */
    ck_assert_int_gt(X509_sign(cert, ed, NULL), 0);
    int len = i2d_X509(cert, &der);
    ck_assert_int_gt(len, 0);
    ck_err(eh_x509_verify_ed25519(der, (size_t)len, issuer_pk), EH_OK);
    ck_err(eh_x509_public_key(der, (size_t)len, &type, pub, sizeof pub, &pub_len),
           EH_ERR_CREDENTIAL);
    OPENSSL_free(der);
    der = NULL;

    /* Self-signed with ECDSA P-521 / SHA-512: not an Ed25519 signature. */
    ck_assert_int_gt(X509_sign(cert, p521, EVP_sha512()), 0);
    len = i2d_X509(cert, &der);
    ck_assert_int_gt(len, 0);
    ck_err(eh_x509_verify_ed25519(der, (size_t)len, issuer_pk), EH_ERR_CREDENTIAL);
    char pem[4096];
    size_t pem_len;
    ck_err(eh_pem_cert_write(der, (size_t)len, pem, sizeof pem, &pem_len), EH_OK);

    OPENSSL_free(der);
    X509_free(cert);
    EVP_PKEY_free(ed);
    EVP_PKEY_free(p521);
}
END_TEST

/* A certificate with a compressed P-256 point (written by OpenSSL itself)
 * still yields x || y. */
START_TEST(test_compressed_point)
{
    uint8_t seed[32], priv[32], want[64], pub[128];
    unsigned char *der = NULL;
    size_t pub_len = 0;
    eh_key_type type;
    BIGNUM *d = NULL;
    fill(seed, sizeof seed, 5);

    EVP_PKEY *p256 = EVP_EC_gen("P-256");
    EVP_PKEY *ed = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
    X509 *cert = X509_new();
    ck_assert_ptr_nonnull(p256);
    ck_assert_ptr_nonnull(ed);
    ck_assert_ptr_nonnull(cert);
    ck_assert_int_eq(EVP_PKEY_get_bn_param(p256, "priv", &d), 1);
    ck_assert_int_eq(BN_bn2binpad(d, priv, 32), 32);
    BN_clear_free(d);
    ck_err(eh_sig_es256.public_key(priv, want), EH_OK);
    ck_assert_int_eq(
        EVP_PKEY_set_utf8_string_param(p256, "point-format", "compressed"), 1);
    ck_assert_int_eq(X509_set_pubkey(cert, p256), 1);
    ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notBefore(cert), 0));
    ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notAfter(cert), 0));
    ck_assert_int_gt(X509_sign(cert, ed, NULL), 0);
    int len = i2d_X509(cert, &der);
    ck_assert_int_gt(len, 0);
    /* SubjectPublicKey BIT STRING: 03 22 00 02|03 x (33-byte point). */
    bool found = false;
    for (int i = 0; i + 3 <= len; i++)
        found = found || memcmp(der + i, "\x03\x22\x00", 3) == 0;
    ck_assert(found);
    ck_err(eh_x509_public_key(der, (size_t)len, &type, pub, sizeof pub, &pub_len), EH_OK);
    ck_assert_int_eq(type, EH_KEY_P256);
    ck_assert_uint_eq(pub_len, 64);
    ck_assert_mem_eq(pub, want, 64);

    OPENSSL_free(der);
    X509_free(cert);
    EVP_PKEY_free(ed);
    EVP_PKEY_free(p256);
}
END_TEST

START_TEST(test_pem_private_keys)
{
    for (size_t i = 0; i < N_TYPES; i++) {
        eh_key_type type = all_types[i], got_type;
        uint8_t priv[64], pub[128], got[64];
        size_t priv_len, pub_len, got_len = 0, pem_len = 0, pem2_len = 0;
        char pem[1024], pem2[1024];
        gen_key(type, 200 + i, priv, &priv_len, pub, &pub_len);

        ck_err(eh_pem_private_key_write(type, priv, priv_len, pem, sizeof pem, &pem_len), EH_OK);
        ck_assert_uint_eq(strlen(pem), pem_len);
        ck_assert(strncmp(pem, "-----BEGIN PRIVATE KEY-----\n", 28) == 0);
        ck_assert(strstr(pem, "-----END PRIVATE KEY-----") != NULL);
        got_type = type == EH_KEY_ED25519 ? EH_KEY_P384 : EH_KEY_ED25519;
        ck_err(eh_pem_private_key_read(pem, pem_len, &got_type, got, sizeof got, &got_len),
               EH_OK);
        ck_assert_int_eq(got_type, type);
        ck_assert_uint_eq(got_len, priv_len);
        ck_assert_mem_eq(got, priv, priv_len);

        /* Deterministic text; capacities. */
        ck_err(eh_pem_private_key_write(type, priv, priv_len, pem2, sizeof pem2, &pem2_len),
               EH_OK);
        ck_assert_str_eq(pem, pem2);
        ck_err(eh_pem_private_key_write(type, priv, priv_len, pem2, pem_len, &pem2_len),
               EH_ERR_BUFFER_TOO_SMALL);
        ck_assert_uint_eq((uint8_t)pem2[0], 0); /* wiped */
        ck_err(eh_pem_private_key_read(pem, pem_len, &got_type, got, priv_len - 1, &got_len),
               EH_ERR_BUFFER_TOO_SMALL);
        ck_err(eh_pem_private_key_write(type, priv, priv_len - 1, pem2, sizeof pem2, &pem2_len),
               EH_ERR_ARG);

        /* Truncations (short of the final newline) and corruptions fail. */
        for (size_t n = 0; n + 1 < pem_len; n++)
            ck_assert_int_ne(eh_pem_private_key_read(pem, n, &got_type, got, sizeof got,
                                                     &got_len),
                             EH_OK);
        memcpy(pem2, pem, pem_len + 1);
        pem2[40] = '*';
        ck_assert_int_ne(eh_pem_private_key_read(pem2, pem_len, &got_type, got, sizeof got,
                                                 &got_len),
                         EH_OK);
        /* A private key is not a certificate. */
        uint8_t der[1024];
        size_t der_len;
        ck_err(eh_pem_cert_read(pem, pem_len, der, sizeof der, &der_len), EH_ERR_CREDENTIAL);
    }
    /* EC scalars must lie in [1, n-1]. */
    uint8_t zero[48] = {0}, ff[48];
    char pem[1024];
    size_t pem_len;
    memset(ff, 0xff, sizeof ff);
    ck_err(eh_pem_private_key_write(EH_KEY_P256, zero, 32, pem, sizeof pem, &pem_len),
           EH_ERR_ARG);
    ck_err(eh_pem_private_key_write(EH_KEY_P384, ff, 48, pem, sizeof pem, &pem_len), EH_ERR_ARG);
}
END_TEST

START_TEST(test_pem_malformed)
{
    static const char *bad[] = {
        "",
        "hello",
        "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----\n",
        "-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END PRIVATE KEY-----\n",
        /* An encrypted key must fail without prompting for a pass phrase. */
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAc\n"
        "-----END ENCRYPTED PRIVATE KEY-----\n",
    };
    uint8_t out[1024];
    size_t out_len;
    eh_key_type type;
    char pem[2048];
    size_t pem_len;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_ne(eh_pem_private_key_read(bad[i], strlen(bad[i]), &type, out, sizeof out,
                                                 &out_len),
                         EH_OK);
        ck_assert_int_ne(eh_pem_cert_read(bad[i], strlen(bad[i]), out, sizeof out, &out_len),
                         EH_OK);
    }
    ck_err(eh_pem_private_key_read(NULL, 0, &type, out, sizeof out, &out_len), EH_ERR_CREDENTIAL);
    ck_err(eh_pem_cert_read(NULL, 5, out, sizeof out, &out_len), EH_ERR_CREDENTIAL);
    ck_err(eh_pem_cert_write((const uint8_t *)"hello", 5, pem, sizeof pem, &pem_len),
           EH_ERR_CREDENTIAL);
    ck_err(eh_pem_cert_write(NULL, 0, pem, sizeof pem, &pem_len), EH_ERR_CREDENTIAL);

    /* A certificate PEM whose DER is truncated, and one followed by junk. */
    json_t *t = load_trace1();
    uint8_t der[512];
    size_t der_len = vec(t, "cred_r_der", der, sizeof der);
    json_decref(t);
    ck_err(eh_pem_cert_write(der, der_len, pem, sizeof pem, &pem_len), EH_OK);
    ck_err(eh_pem_cert_read(pem, pem_len, out, sizeof out, &out_len), EH_OK);
    ck_assert_uint_eq(out_len, der_len);
    ck_assert_mem_eq(out, der, der_len);
    for (size_t n = 0; n + 1 < pem_len; n++)
        ck_assert_int_ne(eh_pem_cert_read(pem, n, out, sizeof out, &out_len), EH_OK);
    ck_err(eh_pem_cert_write(der, der_len - 1, pem, sizeof pem, &pem_len), EH_ERR_CREDENTIAL);
    ck_err(eh_pem_private_key_read(pem, pem_len, &type, out, sizeof out, &out_len),
           EH_ERR_CREDENTIAL);
}
END_TEST

Suite *eh_test_x509_suite(void)
{
    Suite *s = suite_create("x509");
    TCase *tc = tcase_create("x509");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_rfc9529_certificates);
    tcase_add_test(tc, test_rfc9529_reencode);
    tcase_add_test(tc, test_create_all_types);
    tcase_add_test(tc, test_create_rejects);
    tcase_add_test(tc, test_foreign_certificates);
    tcase_add_test(tc, test_compressed_point);
    tcase_add_test(tc, test_pem_private_keys);
    tcase_add_test(tc, test_pem_malformed);
    suite_add_tcase(s, tc);
    return s;
}

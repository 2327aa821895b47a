/*
 * test_crypto.c - unit tests of harness/crypto/.
 *
 * Every known answer below is copied from a published document, cited next
 * to the vector; none was produced by this code. RFC 9529 values are read
 * from the trace files' published numbers (copied here so that the test
 * needs no JSON reader).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../crypto/crypto.h"
#include "../crypto/crypto_internal.h"

#include <openssl/bn.h>
#include <openssl/hmac.h>

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

/* Decodes hex (whitespace ignored) into out; fails the test on bad input. */
static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (; *s; s++) {
        if (*s == ' ' || *s == '\n')
            continue;
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

#define BUF 512
typedef struct {
    uint8_t b[BUF];
    size_t n;
} bytes;

static bytes H(const char *s)
{
    bytes r;
    r.n = unhex(s, r.b, sizeof r.b);
    return r;
}

static void fill_seq(uint8_t *p, size_t n, uint8_t start)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(start + i);
}

#define ck_assert_bytes(got, exp_bytes)                                          \
    do {                                                                         \
        bytes e_ = (exp_bytes);                                                  \
        ck_assert_mem_eq((got), e_.b, e_.n);                                     \
    } while (0)

#define ck_assert_err(expr, want) ck_assert_int_eq((int)(expr), (int)(want))

static void setup(void)
{
    ck_assert_err(eh_crypto_init(), EH_OK);
}

/* ------------------------------------------------------------- basics -- */

START_TEST(test_ct_equal_wipe_lookup)
{
    uint8_t a[4] = {1, 2, 3, 4}, b[4] = {1, 2, 3, 4}, c[4] = {1, 2, 3, 5};
    ck_assert(eh_ct_equal(a, b, 4));
    ck_assert(!eh_ct_equal(a, c, 4));
    ck_assert(eh_ct_equal(a, c, 3));
    ck_assert(eh_ct_equal(a, c, 0));
    eh_wipe(a, sizeof a);
    ck_assert(a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0);
    ck_assert_err(eh_crypto_init(), EH_OK); /* idempotent */

    ck_assert_ptr_eq(eh_hash_by_cose(-16), &eh_hash_sha256);
    ck_assert_ptr_eq(eh_hash_by_cose(-43), &eh_hash_sha384);
    ck_assert_ptr_eq(eh_hash_by_cose(-45), &eh_hash_shake256);
    ck_assert_ptr_null(eh_hash_by_cose(0));
    ck_assert_ptr_eq(eh_aead_by_cose(10), &eh_aead_aes_ccm_16_64_128);
    ck_assert_ptr_eq(eh_aead_by_cose(30), &eh_aead_aes_ccm_16_128_128);
    ck_assert_ptr_eq(eh_aead_by_cose(1), &eh_aead_a128gcm);
    ck_assert_ptr_eq(eh_aead_by_cose(3), &eh_aead_a256gcm);
    ck_assert_ptr_eq(eh_aead_by_cose(24), &eh_aead_chacha20_poly1305);
    ck_assert_ptr_null(eh_aead_by_cose(2));
}
END_TEST

/* ------------------------------------------------------ SHA-256 / HKDF -- */

START_TEST(test_sha256_hkdf_rfc5869)
{
    uint8_t out[128], prk[32];
    /* FIPS 180-2 Appendix B.1: SHA-256("abc"). */
    ck_assert_err(eh_hash_sha256.digest((const uint8_t *)"abc", 3, out), EH_OK);
    ck_assert_bytes(out, H("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));

    /* RFC 5869 Appendix A.1, Test Case 1. */
    uint8_t ikm1[22], salt1[13], info1[10];
    memset(ikm1, 0x0b, sizeof ikm1);
    fill_seq(salt1, sizeof salt1, 0x00);
    fill_seq(info1, sizeof info1, 0xf0);
    ck_assert_err(eh_hash_sha256.extract(salt1, sizeof salt1, ikm1, sizeof ikm1, prk), EH_OK);
    ck_assert_bytes(prk, H("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5"));
    ck_assert_err(eh_hash_sha256.expand(prk, 32, info1, sizeof info1, out, 42), EH_OK);
    ck_assert_bytes(out, H("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                           "34007208d5b887185865"));

    /* RFC 5869 Appendix A.2, Test Case 2 (80-byte inputs, L = 82). */
    uint8_t ikm2[80], salt2[80], info2[80];
    fill_seq(ikm2, 80, 0x00);
    fill_seq(salt2, 80, 0x60);
    fill_seq(info2, 80, 0xb0);
    ck_assert_err(eh_hash_sha256.extract(salt2, 80, ikm2, 80, prk), EH_OK);
    ck_assert_bytes(prk, H("06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244"));
    ck_assert_err(eh_hash_sha256.expand(prk, 32, info2, 80, out, 82), EH_OK);
    ck_assert_bytes(out, H("b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
                           "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
                           "cc30c58179ec3e87c14c01d5c1f3434f1d87"));

    /* RFC 5869 Appendix A.3, Test Case 3 (empty salt and info). */
    ck_assert_err(eh_hash_sha256.extract(NULL, 0, ikm1, sizeof ikm1, prk), EH_OK);
    ck_assert_bytes(prk, H("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04"));
    ck_assert_err(eh_hash_sha256.expand(prk, 32, NULL, 0, out, 42), EH_OK);
    ck_assert_bytes(out, H("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
                           "9d201395faa4b61a96c8"));

    /* L > 255 * HashLen is refused (RFC 5869 §2.3). */
    static uint8_t big[255 * 32 + 1];
    ck_assert_err(eh_hash_sha256.expand(prk, 32, NULL, 0, big, sizeof big), EH_ERR_ARG);
}
END_TEST

START_TEST(test_hkdf_rfc9529_traces)
{
    uint8_t prk[32];
    /* RFC 9529 §2 (trace 1): PRK_2e = HKDF-Extract(SALT_2e = TH_2, G_XY). */
    bytes salt = H("c6405c154c567466ab1df20369500e540e9f14bd3a796a0652cae66c9061688d");
    bytes gxy = H("e5cdf3a986cdac5b7bf04691e2b07c08e71f53998d8f842b7c3fb4d839cf7b28");
    ck_assert_err(eh_hash_sha256.extract(salt.b, salt.n, gxy.b, gxy.n, prk), EH_OK);
    ck_assert_bytes(prk, H("d584ac2e5dad5a77d14b53ebe72ef1d5daa8860d399373bf2c240afa7ba804da"));
    /* RFC 9529 §3 (trace 2): salt_2e, g_xy -> prk_2e. */
    salt = H("356efd53771425e008f3fe3a86c83ff4c6b16e57028ff39d5236c182b202084b");
    gxy = H("2f0cb7e860ba538fbf5c8bded009f6259b4b628fe1eb7dbe9378e5ecf7a824ba");
    ck_assert_err(eh_hash_sha256.extract(salt.b, salt.n, gxy.b, gxy.n, prk), EH_OK);
    ck_assert_bytes(prk, H("5aa0d69f3e3d1e0c479f0b8a486690c9802630c3466b1dc92371c982563170b5"));
}
END_TEST

/* ------------------------------------------------------------ SHA-384 -- */

START_TEST(test_sha384_hkdf)
{
    uint8_t out[200], out2[200], prk[48];
    /* FIPS 180-2 Appendix D.1: SHA-384("abc"). */
    ck_assert_err(eh_hash_sha384.digest((const uint8_t *)"abc", 3, out), EH_OK);
    ck_assert_bytes(out, H("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
                           "8086072ba1e7cc2358baeca134c825a7"));
    /* HKDF-Extract(salt, IKM) = HMAC-SHA-384(key = salt, data = IKM), so
     * RFC 4231 §4.3 Test Case 2 (key "Jefe") is a known answer of extract. */
    const char *data = "what do ya want for nothing?";
    ck_assert_err(eh_hash_sha384.extract((const uint8_t *)"Jefe", 4, (const uint8_t *)data,
                                         strlen(data), prk),
                  EH_OK);
    ck_assert_bytes(prk, H("af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
                           "8e2240ca5e69e2c78b3239ecfab21649"));
    /* RFC 4231 §4.2 Test Case 1: key = 0x0b * 20, data "Hi There". */
    uint8_t k1[20];
    memset(k1, 0x0b, sizeof k1);
    ck_assert_err(eh_hash_sha384.extract(k1, 20, (const uint8_t *)"Hi There", 8, prk), EH_OK);
    ck_assert_bytes(prk, H("afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
                           "faea9ea9076ede7f4af152e8b2fa9cb6"));
    /* Project Wycheproof, testvectors/hkdf_sha384_test.json (C2SP/wycheproof),
     * tcId 9, 12 and 18: extract then expand, 64-byte outputs (two blocks). */
    static const struct {
        const char *ikm, *salt, *info, *okm;
    } wp[] = {
        {"08867e76311126089356623ba5381e73", "0c164c443edcdfaedb1ab150f047951f", "",
         "59debea3637c46394e2fb2790ebf8760de4986f36a6b142305bb62d1466dd56f"
         "a201c96814a2e5846acdf141733ccc54df9e6ccbaebf84c4f40e21201e180b12"},
        {"8677dc79233ef3480777c4c601ef4f0b", "ad88db718244e2cb60e35f874d7ad81f",
         "a38f634d947819a9bfa792174b42baa20c9fce15",
         "758546362a070c0f13cbfbf1756e8f29b7819fb903c7ed4f97a56be3c8f81e8c"
         "37aef5c0f8e5d2b17eb1aa02ec04c33f546cb2f3d193e930a9f89ec9ce3a82b5"},
        {"6cf725e939e8824d4392233eeac75d30",
         "1e72f24b05a91a0093f34306ffced79e7003055b0833c6d0f27a4f33a1bd",
         "495425d9727fee2e2b7e78899868c1c3e7735e1d",
         "e13a7490f842b6e5be206e6d5ce69b2a8e2cba5525715283f22b021d2fbc2aec"
         "59d0144088581058f0fb2f551c6d62bfbd8a15d2706e23e10f3bf7277fff337f"},
    };
    for (size_t i = 0; i < sizeof wp / sizeof wp[0]; i++) {
        bytes ikm = H(wp[i].ikm), salt = H(wp[i].salt), info = H(wp[i].info);
        uint8_t p384[48];
        ck_assert_err(eh_hash_sha384.extract(salt.b, salt.n, ikm.b, ikm.n, p384), EH_OK);
        ck_assert_err(eh_hash_sha384.expand(p384, 48, info.b, info.n, out, 64), EH_OK);
        ck_assert_bytes(out, H(wp[i].okm));
    }
    /* Structural properties of RFC 5869 §2.3 (shorter outputs are
     * prefixes; more than one block; limit 255 * HashLen). */
    ck_assert_err(eh_hash_sha384.expand(prk, 48, (const uint8_t *)"info", 4, out, 150), EH_OK);
    ck_assert_err(eh_hash_sha384.expand(prk, 48, (const uint8_t *)"info", 4, out2, 20), EH_OK);
    ck_assert_mem_eq(out, out2, 20);
    ck_assert(!eh_ct_equal(out, out + 48, 48));
    static uint8_t big[255 * 48 + 1];
    ck_assert_err(eh_hash_sha384.expand(prk, 48, NULL, 0, big, sizeof big), EH_ERR_ARG);
    /* Empty salt = HashLen zeros (RFC 5869 §2.2). */
    uint8_t zeros[48] = {0};
    ck_assert_err(eh_hash_sha384.extract(NULL, 0, k1, 20, out), EH_OK);
    ck_assert_err(eh_hash_sha384.extract(zeros, 48, k1, 20, out2), EH_OK);
    ck_assert_mem_eq(out, out2, 48);
}
END_TEST

/* eh_hmac (RFC 2104 on the fetched digest, behind HKDF-SHA-256/384): keys
 * longer than the block size are hashed first (RFC 4231 §4.7, §4.8), the
 * three parts are one concatenated text, and every key length agrees with
 * OpenSSL's own HMAC (independent code). */
START_TEST(test_hmac_long_keys_and_parts)
{
    uint8_t key[200], out[48], ref[48];
    unsigned int ref_len = 0;
    memset(key, 0xaa, 131);
    const char *t6 = "Test Using Larger Than Block-Size Key - Hash Key First";
    const char *t7 = "This is a test using a larger than block-size key and a larger than "
                     "block-size data. The key needs to be hashed before being used by the "
                     "HMAC algorithm.";
    ck_assert_err(eh_hmac(EH_MD_SHA256, key, 131, (const uint8_t *)t6, strlen(t6), NULL, 0,
                          NULL, 0, out),
                  EH_OK);
    ck_assert_bytes(out, H("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"));
    ck_assert_err(eh_hmac(EH_MD_SHA384, key, 131, (const uint8_t *)t6, strlen(t6), NULL, 0,
                          NULL, 0, out),
                  EH_OK);
    ck_assert_bytes(out, H("4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
                           "0c2ef6ab4030fe8296248df163f44952"));
    /* Test Case 7 with its text given in three parts. */
    size_t n7 = strlen(t7);
    const uint8_t *p7 = (const uint8_t *)t7;
    ck_assert_err(eh_hmac(EH_MD_SHA256, key, 131, p7, 10, p7 + 10, 100, p7 + 110, n7 - 110, out),
                  EH_OK);
    ck_assert_bytes(out, H("9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"));
    ck_assert_err(eh_hmac(EH_MD_SHA384, key, 131, p7, n7, NULL, 0, NULL, 0, out), EH_OK);
    ck_assert_bytes(out, H("6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5"
                           "a678cc31e799176d3860e6110c46523e"));
    /* Every key length around both block sizes against OpenSSL's HMAC(). */
    for (size_t i = 0; i < sizeof key; i++)
        key[i] = (uint8_t)(i * 7 + 1);
    for (size_t len = 0; len <= sizeof key; len++) {
        ck_assert_err(eh_hmac(EH_MD_SHA256, key, len, p7, 33, NULL, 0, NULL, 0, out), EH_OK);
        ck_assert_ptr_nonnull(HMAC(EVP_sha256(), len ? key : (const uint8_t *)"", (int)len, p7,
                                   33, ref, &ref_len));
        ck_assert_mem_eq(out, ref, 32);
        ck_assert_err(eh_hmac(EH_MD_SHA384, key, len, NULL, 0, p7, 7, NULL, 0, out), EH_OK);
        ck_assert_ptr_nonnull(HMAC(EVP_sha384(), len ? key : (const uint8_t *)"", (int)len, p7,
                                   7, ref, &ref_len));
        ck_assert_mem_eq(out, ref, 48);
    }
    /* Only SHA-256 and SHA-384; NULL with a length is refused. */
    ck_assert_err(eh_hmac(EH_MD_SHAKE256, key, 32, NULL, 0, NULL, 0, NULL, 0, out), EH_ERR_ARG);
    ck_assert_err(eh_hmac(EH_MD_SHA256, NULL, 3, NULL, 0, NULL, 0, NULL, 0, out), EH_ERR_ARG);
}
END_TEST

/* ------------------------------------------------------ SHAKE256 / KMAC -- */

START_TEST(test_shake256_kmac256)
{
    uint8_t out[64], key[32], data[200];
    const char *tag = "My Tagged Application";
    /* FIPS 202 / NIST SHAKE256 example: SHAKE256(""), first 512 bits. */
    ck_assert_err(eh_hash_shake256.digest(NULL, 0, out), EH_OK);
    ck_assert_bytes(out, H("46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f"
                           "d75dc4ddd8c0f200cb05019d67b592f6fc821c49479ab48640292eacb3b7c4be"));

    fill_seq(key, 32, 0x40);
    fill_seq(data, 200, 0x00);
    /* NIST SP 800-185 KMAC_samples.pdf, Sample #4 (KMAC256, 4-byte data,
     * S = "My Tagged Application", L = 512). */
    ck_assert_err(eh_kmac256(key, 32, data, 4, (const uint8_t *)tag, strlen(tag), out, 64), EH_OK);
    ck_assert_bytes(out, H("20c570c31346f703c9ac36c61c03cb64c3970d0cfc787e9b79599d273a68d2f7"
                           "f69d4cc3de9d104a351689f27cf6f5951f0103f33f4f24871024d9c27773a8dd"));
    /* Sample #5 (200-byte data, S = "", L = 512): this is exactly EDHOC_Extract
     * and EDHOC_Expand(L = 64) with SHAKE256 (RFC 9528 §4.1.1/4.1.2). */
    bytes s5 = H("75358cf39e41494e949707927cee0af20a3ff553904c86b08f21cc414bcfd691"
                 "589d27cf5e15369cbbff8b9a4c2eb17800855d0235ff635da82533ec6b759b69");
    ck_assert_err(eh_kmac256(key, 32, data, 200, NULL, 0, out, 64), EH_OK);
    ck_assert_mem_eq(out, s5.b, 64);
    memset(out, 0, sizeof out);
    ck_assert_err(eh_hash_shake256.extract(key, 32, data, 200, out), EH_OK);
    ck_assert_mem_eq(out, s5.b, 64);
    memset(out, 0, sizeof out);
    ck_assert_err(eh_hash_shake256.expand(key, 32, data, 200, out, 64), EH_OK);
    ck_assert_mem_eq(out, s5.b, 64);
    /* Sample #6 (200-byte data, S = "My Tagged Application"). */
    ck_assert_err(eh_kmac256(key, 32, data, 200, (const uint8_t *)tag, strlen(tag), out, 64),
                  EH_OK);
    ck_assert_bytes(out, H("b58618f71f92e1d56c1b8c55ddd7cd188b97b4ca4d99831eb2699a837da2e4d9"
                           "70fbacfde50033aea585f1a2708510c32d07880801bd182898fe476876fc8965"));
    /* KMAC encodes L, so a shorter output is not a prefix of a longer one. */
    ck_assert_err(eh_hash_shake256.expand(key, 32, data, 200, out, 16), EH_OK);
    ck_assert(!eh_ct_equal(out, s5.b, 16));
    /* OpenSSL's KMAC needs a key of at least 4 bytes: empty salt unsupported. */
    ck_assert_err(eh_hash_shake256.extract(NULL, 0, data, 4, out), EH_ERR_UNSUPPORTED);
}
END_TEST

/* --------------------------------------------------------------- AEAD -- */

typedef struct {
    const eh_aead_alg *alg;
    const char *key, *nonce, *aad, *pt, *ct; /* ct includes the tag */
} aead_kat;

static void run_aead_kat(const aead_kat *k)
{
    bytes key = H(k->key), nonce = H(k->nonce), aad = H(k->aad), pt = H(k->pt), ct = H(k->ct);
    uint8_t buf[BUF], out[BUF];
    ck_assert_uint_eq(key.n, k->alg->key_len);
    ck_assert_uint_eq(nonce.n, k->alg->nonce_len);
    ck_assert_uint_eq(ct.n, pt.n + k->alg->tag_len);

    ck_assert_err(k->alg->seal(key.b, nonce.b, aad.b, aad.n, pt.b, pt.n, buf), EH_OK);
    ck_assert_mem_eq(buf, ct.b, ct.n);
    ck_assert_err(k->alg->open(key.b, nonce.b, aad.b, aad.n, ct.b, ct.n, out), EH_OK);
    if (pt.n)
        ck_assert_mem_eq(out, pt.b, pt.n);

    /* In place: seal then open in the same buffer. */
    memcpy(buf, pt.b, pt.n);
    ck_assert_err(k->alg->seal(key.b, nonce.b, aad.b, aad.n, buf, pt.n, buf), EH_OK);
    ck_assert_mem_eq(buf, ct.b, ct.n);
    ck_assert_err(k->alg->open(key.b, nonce.b, aad.b, aad.n, buf, ct.n, buf), EH_OK);
    if (pt.n)
        ck_assert_mem_eq(buf, pt.b, pt.n);

    /* Flipped tag bit, flipped ciphertext bit: EH_ERR_AEAD_TAG, output zeroed. */
    for (int which = 0; which < 2; which++) {
        if (which == 1 && pt.n == 0)
            break;
        memcpy(buf, ct.b, ct.n);
        buf[which == 0 ? ct.n - 1 : 0] ^= 0x01;
        memset(out, 0xa5, sizeof out);
        ck_assert_err(k->alg->open(key.b, nonce.b, aad.b, aad.n, buf, ct.n, out),
                      EH_ERR_AEAD_TAG);
        for (size_t i = 0; i < pt.n; i++)
            ck_assert_uint_eq(out[i], 0);
    }
    /* Wrong AAD. */
    uint8_t aad2[BUF];
    memcpy(aad2, aad.b, aad.n);
    aad2[aad.n] = 0x00;
    ck_assert_err(k->alg->open(key.b, nonce.b, aad2, aad.n + 1, ct.b, ct.n, out),
                  EH_ERR_AEAD_TAG);
    /* Shorter than a tag. */
    ck_assert_err(k->alg->open(key.b, nonce.b, aad.b, aad.n, ct.b, k->alg->tag_len - 1, out),
                  EH_ERR_AEAD_TAG);
}

static const aead_kat aead_kats[] = {
    /* RFC 3610 §8, Packet Vectors #1-#3 (M = 8, L = 2, 13-byte nonce: COSE
     * AES-CCM-16-64-128). The first 8 bytes of each packet are the AAD. */
    {&eh_aead_aes_ccm_16_64_128, "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf",
     "00000003020100a0a1a2a3a4a5", "0001020304050607",
     "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e",
     "588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e0"},
    {&eh_aead_aes_ccm_16_64_128, "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf",
     "00000004030201a0a1a2a3a4a5", "0001020304050607",
     "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
     "72c91a36e135f8cf291ca894085c87e3cc15c439c9e43a3ba091d56e10400916"},
    {&eh_aead_aes_ccm_16_64_128, "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf",
     "00000005040302a0a1a2a3a4a5", "0001020304050607",
     "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20",
     "51b1e5f44a197d1da46b0f8e2d282ae871e838bb64da8596574adaa76fbd9fb0c5"},
    /* RFC 9529 §2 (trace 1) message_4: empty PLAINTEXT_4, A_4 as AAD,
     * K_4 / IV_4 -> CIPHERTEXT_4 (the 8-byte tag only). */
    {&eh_aead_aes_ccm_16_64_128, "df8cb5861e1fdfedd3b23015a39d1e2e",
     "128ec658d970d7380f74fc6c27",
     "8368456e6372797074304058200eb868f263cf3555dccd396dd8dec29d3750d599be42d5a41a5a37c896f294ac",
     "", "4f0edee366e5c883"},
    /* RFC 9529 §3 (trace 2) message_4. */
    {&eh_aead_aes_ccm_16_64_128, "d3c77872b6eeb508911bdbd308b2e6a0",
     "04ff0f44456e96e217853c3601",
     "8368456e637279707430405820c902b1e3a4326c93c5551f5f3aa6c5ecc0246806765612e52b5d99e6059d6b6e",
     "", "28c966b7ca304f83"},
    /* COSE WG examples (github.com/cose-wg/Examples, the RFC 8152 example
     * set), aes-ccm-examples/aes-ccm-enc-02.json: "Encrypt w/ AES-CCM
     * 16-128/128" (COSE alg 30 = AES-CCM-16-128-128), plaintext "This is the
     * content.", AAD = the Enc_structure of the example. */
    {&eh_aead_aes_ccm_16_128_128, "849b57219dae48de646d07dbb533566e",
     "89f52f65a1c580933b5261a72f", "8369456e6372797074656444a101181e40",
     "546869732069732074686520636f6e74656e742e",
     "6899da0a132bd2d2b9b10915743ee1f7b92a4680122d9d77e744a057a24c041740301098"},
    /* McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)",
     * Appendix B, Test Case 3 (AES-128, no AAD). */
    {&eh_aead_a128gcm, "feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888", "",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985"
     "4d5c2af327cd64a62cf35abd2ba6fab4"},
    /* ... Test Case 4 (AES-128, 20-byte AAD, 60-byte plaintext). */
    {&eh_aead_a128gcm, "feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
     "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
     "5bc94fbc3221a5db94fae95ae7121a47"},
    /* ... Test Case 15 (AES-256, no AAD). */
    {&eh_aead_a256gcm, "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
     "cafebabefacedbaddecaf888", "",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"
     "b094dac5d93471bdec1a502270e3cc6c"},
    /* ... Test Case 16 (AES-256, AAD, 60-byte plaintext). */
    {&eh_aead_a256gcm, "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
     "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
     "76fc6ece0f4e1768cddf8853bb2d551b"},
    /* RFC 8439 §2.8.2: AEAD_CHACHA20_POLY1305 ("Ladies and Gentlemen ..."). */
    {&eh_aead_chacha20_poly1305,
     "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
     "070000004041424344454647", "50515253c0c1c2c3c4c5c6c7",
     "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
     "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
     "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
     "637265656e20776f756c642062652069742e",
     "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
     "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
     "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
     "3ff4def08e4b7a9de576d26586cec64b6116"
     "1ae10b594f09e26a7e902ecbd0600691"},
};

START_TEST(test_aead_kat)
{
    run_aead_kat(&aead_kats[_i]);
}
END_TEST

/* Every AEAD: round trips of several lengths (0 included), in place,
 * tamper detection, and tag length. */
START_TEST(test_aead_roundtrip_all)
{
    static const eh_aead_alg *const algs[] = {
        &eh_aead_aes_ccm_16_64_128, &eh_aead_aes_ccm_16_128_128, &eh_aead_a128gcm,
        &eh_aead_a256gcm, &eh_aead_chacha20_poly1305};
    static const size_t lens[] = {0, 1, 15, 16, 17, 100};
    const eh_aead_alg *alg = algs[_i];
    uint8_t key[32], nonce[13], aad[7], pt[100], buf[200], out[200];
    fill_seq(key, sizeof key, 0x11);
    fill_seq(nonce, sizeof nonce, 0x22);
    fill_seq(aad, sizeof aad, 0x33);
    fill_seq(pt, sizeof pt, 0x44);
    for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
        size_t n = lens[l];
        ck_assert_err(alg->seal(key, nonce, aad, sizeof aad, pt, n, buf), EH_OK);
        ck_assert(n == 0 || memcmp(buf, pt, n) != 0);
        ck_assert_err(alg->open(key, nonce, aad, sizeof aad, buf, n + alg->tag_len, out), EH_OK);
        ck_assert(n == 0 || memcmp(out, pt, n) == 0);
        /* empty AAD */
        ck_assert_err(alg->seal(key, nonce, NULL, 0, pt, n, buf), EH_OK);
        ck_assert_err(alg->open(key, nonce, NULL, 0, buf, n + alg->tag_len, out), EH_OK);
        /* tag flip */
        buf[n + alg->tag_len - 1] ^= 0x80;
        memset(out, 0xa5, sizeof out);
        ck_assert_err(alg->open(key, nonce, NULL, 0, buf, n + alg->tag_len, out),
                      EH_ERR_AEAD_TAG);
        for (size_t i = 0; i < n; i++)
            ck_assert_uint_eq(out[i], 0);
        /* in place, with a wrong key */
        buf[n + alg->tag_len - 1] ^= 0x80;
        key[0] ^= 1;
        ck_assert_err(alg->open(key, nonce, NULL, 0, buf, n + alg->tag_len, buf),
                      EH_ERR_AEAD_TAG);
        key[0] ^= 1;
    }
    /* The 16-byte-tag CCM variant really produces a 16-byte tag whose first
     * 8 bytes differ from the 8-byte tag (M is authenticated in B_0). */
    if (alg == &eh_aead_aes_ccm_16_128_128) {
        uint8_t t8[8 + 5], t16[16 + 5];
        ck_assert_err(eh_aead_aes_ccm_16_64_128.seal(key, nonce, aad, 7, pt, 5, t8), EH_OK);
        ck_assert_err(alg->seal(key, nonce, aad, 7, pt, 5, t16), EH_OK);
        ck_assert_mem_eq(t8, t16, 5); /* same CTR keystream */
        ck_assert(memcmp(t8 + 5, t16 + 5, 8) != 0);
    }
}
END_TEST

/* --------------------------------------------------------------- X25519 -- */

START_TEST(test_x25519)
{
    uint8_t out[32];
    /* RFC 7748 §5.2, first X25519 test vector. */
    bytes k = H("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
    bytes u = H("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
    ck_assert_err(eh_ecdh_x25519.shared_secret(k.b, u.b, out), EH_OK);
    ck_assert_bytes(out, H("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"));
    /* RFC 7748 §5.2, second vector (u has its top bit set: masked per §5). */
    k = H("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d");
    u = H("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493");
    ck_assert_err(eh_ecdh_x25519.shared_secret(k.b, u.b, out), EH_OK);
    ck_assert_bytes(out, H("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"));

    /* RFC 7748 §6.1: Alice and Bob. */
    bytes a = H("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    bytes b = H("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    bytes apub = H("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    bytes bpub = H("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    bytes k_ab = H("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    ck_assert_err(eh_ecdh_x25519.public_key(a.b, out, NULL), EH_OK);
    ck_assert_mem_eq(out, apub.b, 32);
    ck_assert_err(eh_ecdh_x25519.public_key(b.b, out, NULL), EH_OK);
    ck_assert_mem_eq(out, bpub.b, 32);
    ck_assert_err(eh_ecdh_x25519.shared_secret(a.b, bpub.b, out), EH_OK);
    ck_assert_mem_eq(out, k_ab.b, 32);
    ck_assert_err(eh_ecdh_x25519.shared_secret(b.b, apub.b, out), EH_OK);
    ck_assert_mem_eq(out, k_ab.b, 32);

    /* RFC 9529 §2 (trace 1): X, G_Y -> G_XY. */
    bytes x = H("892ec28e5cb6669108470539500b705e60d008d347c5817ee9f3327c8a87bb03");
    bytes gy = H("dc88d2d51da5ed67fc4616356bc8ca74ef9ebe8b387e623a360ba480b9b29d1c");
    ck_assert_err(eh_ecdh_x25519.shared_secret(x.b, gy.b, out), EH_OK);
    ck_assert_bytes(out, H("e5cdf3a986cdac5b7bf04691e2b07c08e71f53998d8f842b7c3fb4d839cf7b28"));
    /* ... and G_X = public key of X. */
    ck_assert_err(eh_ecdh_x25519.public_key(x.b, out, NULL), EH_OK);
    ck_assert_bytes(out, H("31f82c7b5b9cbbf0f194d913cc12ef1532d328ef32632a4881a1c0701e237f04"));

    /* Low-order points (RFC 7748 §6.1; RFC 9528 §9.2): all-zero result. */
    bytes lo = H("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    memset(out, 0x77, sizeof out);
    ck_assert_err(eh_ecdh_x25519.shared_secret(a.b, lo.b, out), EH_ERR_LOW_ORDER_POINT);
    uint8_t zero[32] = {0};
    ck_assert_mem_eq(out, zero, 32);
    ck_assert_err(eh_ecdh_x25519.shared_secret(a.b, zero, out), EH_ERR_LOW_ORDER_POINT);
    uint8_t one[32] = {1};
    ck_assert_err(eh_ecdh_x25519.shared_secret(a.b, one, out), EH_ERR_LOW_ORDER_POINT);
}
END_TEST

START_TEST(test_x448)
{
    uint8_t out[56];
    /* RFC 7748 §6.2: Alice and Bob on Curve448. */
    bytes a = H("9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf5"
                "74a9419744897391006382a6f127ab1d9ac2d8c0a598726b");
    bytes apub = H("9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c22c5d9bb"
                   "c836647241d953d40c5b12da88120d53177f80e532c41fa0");
    bytes b = H("1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d6927c120"
                "bb5ee8972b0d3e21374c9c921b09d1b0366f10b65173992d");
    bytes bpub = H("3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b43027d8b972"
                   "fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609");
    bytes k_ab = H("07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282bb60c0b56"
                   "fd2464c335543936521c24403085d59a449a5037514a879d");
    ck_assert_err(eh_ecdh_x448.public_key(a.b, out, NULL), EH_OK);
    ck_assert_mem_eq(out, apub.b, 56);
    ck_assert_err(eh_ecdh_x448.public_key(b.b, out, NULL), EH_OK);
    ck_assert_mem_eq(out, bpub.b, 56);
    ck_assert_err(eh_ecdh_x448.shared_secret(a.b, bpub.b, out), EH_OK);
    ck_assert_mem_eq(out, k_ab.b, 56);
    ck_assert_err(eh_ecdh_x448.shared_secret(b.b, apub.b, out), EH_OK);
    ck_assert_mem_eq(out, k_ab.b, 56);
    /* With the own public key handed over (no derivation on import): the
     * same secret; it never depends on own_pub, even a wrong one. */
    memset(out, 0, sizeof out);
    ck_assert_err(eh_ecdh_x448.shared_secret_xy(a.b, apub.b, bpub.b, NULL, out), EH_OK);
    ck_assert_mem_eq(out, k_ab.b, 56);
    memset(out, 0, sizeof out);
    ck_assert_err(eh_ecdh_x448.shared_secret_xy(b.b, apub.b, apub.b, NULL, out), EH_OK);
    ck_assert_mem_eq(out, k_ab.b, 56);
    /* Low-order u = 0 and u = 1: all-zero result. */
    uint8_t u[56] = {0};
    ck_assert_err(eh_ecdh_x448.shared_secret_xy(a.b, apub.b, u, NULL, out),
                  EH_ERR_LOW_ORDER_POINT);
    ck_assert_err(eh_ecdh_x448.shared_secret(a.b, u, out), EH_ERR_LOW_ORDER_POINT);
    u[0] = 1;
    ck_assert_err(eh_ecdh_x448.shared_secret(a.b, u, out), EH_ERR_LOW_ORDER_POINT);
}
END_TEST

/* ------------------------------------------------------- P-256 / P-384 -- */

START_TEST(test_p256_ecdh)
{
    uint8_t x[32], y[32], s[32];
    /* RFC 5903 §8.1 (256-bit random ECP group). */
    bytes i = H("C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433");
    bytes gix = H("DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180");
    bytes giy = H("5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3");
    bytes r = H("C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53");
    bytes grx = H("D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63");
    bytes gry = H("56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB");
    bytes girx = H("D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE");
    ck_assert_err(eh_ecdh_p256.public_key(i.b, x, y), EH_OK);
    ck_assert_mem_eq(x, gix.b, 32);
    ck_assert_mem_eq(y, giy.b, 32);
    ck_assert_err(eh_ecdh_p256.public_key(r.b, x, NULL), EH_OK);
    ck_assert_mem_eq(x, grx.b, 32);
    /* x-only peer keys, as EDHOC sends them. */
    ck_assert_err(eh_ecdh_p256.shared_secret(i.b, grx.b, s), EH_OK);
    ck_assert_mem_eq(s, girx.b, 32);
    ck_assert_err(eh_ecdh_p256.shared_secret(r.b, gix.b, s), EH_OK);
    ck_assert_mem_eq(s, girx.b, 32);
    ck_assert_err(eh_ecdh_p256.check_point(gix.b, giy.b), EH_OK);
    ck_assert_err(eh_ecdh_p256.check_point(grx.b, gry.b), EH_OK);
    gry.b[31] ^= 1;
    ck_assert_err(eh_ecdh_p256.check_point(grx.b, gry.b), EH_ERR_INVALID_PUBLIC_KEY);

    /* RFC 9529 §3 (trace 2): X, G_Y -> G_XY; SK_R -> PK_R (x, y). */
    bytes tx = H("368ec1f69aeb659ba37d5a8d45b21bdc0299dceaa8ef235f3ca42ce3530f9525");
    bytes tgy = H("419701d7f00a26c2dc587a36dd752549f33763c893422c8ea0f955a13a4ff5d5");
    ck_assert_err(eh_ecdh_p256.shared_secret(tx.b, tgy.b, s), EH_OK);
    ck_assert_bytes(s, H("2f0cb7e860ba538fbf5c8bded009f6259b4b628fe1eb7dbe9378e5ecf7a824ba"));
    ck_assert_err(eh_ecdh_p256.public_key(tx.b, x, y), EH_OK);
    ck_assert_bytes(x, H("8af6f430ebe18d34184017a9a11bf511c8dff8f834730b96c1b7c8dbca2fc3b6"));
    ck_assert_bytes(y, H("51e8af6c6edb781601ad1d9c5fa8bf7aa15716c7c06a5d038503c614ff80c9b3"));
    bytes skr = H("72cc4761dbd4c78f758931aa589d348d1ef874a7e303ede2f140dcf3e6aa4aac");
    ck_assert_err(eh_ecdh_p256.public_key(skr.b, x, y), EH_OK);
    ck_assert_bytes(x, H("bbc34960526ea4d32e940cad2a234148ddc21791a12afbcbac93622046dd44f0"));
    ck_assert_bytes(y, H("4519e257236b2a0ce2023f0931f1f386ca7afda64fcde0108c224c51eabf6072"));

    /* Invalid peer keys (RFC 9528 §9.2). */
    bytes ge_p = H("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
    bytes off = H("a04e73601df544a70ba7ea1e57030f7d4b4eb7f673924e58d54ca77a5e7d4d4a");
    memset(s, 0x77, sizeof s);
    ck_assert_err(eh_ecdh_p256.shared_secret(i.b, ge_p.b, s), EH_ERR_INVALID_PUBLIC_KEY);
    ck_assert_err(eh_ecdh_p256.shared_secret(i.b, off.b, s), EH_ERR_INVALID_PUBLIC_KEY);
    uint8_t zero[32] = {0};
    ck_assert_mem_eq(s, zero, 32);
    uint8_t ff[32];
    memset(ff, 0xff, sizeof ff);
    ck_assert_err(eh_ecdh_p256.shared_secret(i.b, ff, s), EH_ERR_INVALID_PUBLIC_KEY);
    ck_assert_err(eh_ecdh_p256.check_point(ge_p.b, giy.b), EH_ERR_INVALID_PUBLIC_KEY);

    /* Private scalars outside [1, n-1]. */
    bytes n = H("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
    ck_assert_err(eh_ecdh_p256.shared_secret(zero, gix.b, s), EH_ERR_ARG);
    ck_assert_err(eh_ecdh_p256.shared_secret(n.b, gix.b, s), EH_ERR_ARG);
    ck_assert_err(eh_ecdh_p256.public_key(n.b, x, y), EH_ERR_ARG);
    n.b[31] -= 1; /* n - 1 is valid */
    ck_assert_err(eh_ecdh_p256.public_key(n.b, x, y), EH_OK);
    ck_assert_mem_eq(x, H("6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296").b, 32);

    /* A received x decoded once (decode), then used with its y: the same
     * secrets; a y that is no point with x (off the curve, >= p) is ignored,
     * x alone decides; x that is no point's fails either way. */
    bytes gry2 = H("56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB");
    uint8_t dy[32];
    ck_assert_err(eh_ecdh_p256.decode(gix.b, dy), EH_OK);
    /* y is giy or p - giy (OpenSSL's BN as the independent arithmetic) */
    BIGNUM *bp = BN_bin2bn(ge_p.b, 32, NULL), *by = BN_bin2bn(giy.b, 32, NULL);
    uint8_t neg[32];
    ck_assert(BN_sub(by, bp, by) == 1 && BN_bn2binpad(by, neg, 32) == 32);
    BN_free(bp), BN_free(by);
    ck_assert(memcmp(dy, giy.b, 32) == 0 || memcmp(dy, neg, 32) == 0);
    ck_assert_err(eh_ecdh_p256.shared_secret_xy(r.b, NULL, gix.b, dy, s), EH_OK);
    ck_assert_mem_eq(s, girx.b, 32);
    ck_assert_err(eh_ecdh_p256.shared_secret_xy(r.b, NULL, gix.b, neg, s), EH_OK);
    ck_assert_mem_eq(s, girx.b, 32);
    ck_assert_err(eh_ecdh_p256.shared_secret_xy(i.b, NULL, grx.b, gry2.b, s), EH_OK);
    ck_assert_mem_eq(s, girx.b, 32);
    ck_assert_err(eh_ecdh_p256.shared_secret_xy(i.b, NULL, grx.b, NULL, s), EH_OK);
    ck_assert_mem_eq(s, girx.b, 32);
    gry2.b[31] ^= 1; /* off the curve */
    ck_assert_err(eh_ecdh_p256.shared_secret_xy(i.b, NULL, grx.b, gry2.b, s), EH_OK);
    ck_assert_mem_eq(s, girx.b, 32);
    ck_assert_err(eh_ecdh_p256.shared_secret_xy(i.b, NULL, grx.b, ff, s), EH_OK); /* y >= p */
    ck_assert_mem_eq(s, girx.b, 32);
    ck_assert_err(eh_ecdh_p256.decode(off.b, dy), EH_ERR_INVALID_PUBLIC_KEY);
    ck_assert_err(eh_ecdh_p256.decode(ge_p.b, dy), EH_ERR_INVALID_PUBLIC_KEY);
    ck_assert_err(eh_ecdh_p256.shared_secret_xy(i.b, NULL, ge_p.b, giy.b, s), EH_ERR_INVALID_PUBLIC_KEY);
    ck_assert_err(eh_ecdh_p256.shared_secret_xy(i.b, NULL, off.b, giy.b, s), EH_ERR_INVALID_PUBLIC_KEY);
    ck_assert_mem_eq(s, zero, 32);
    ck_assert_ptr_null(eh_ecdh_x25519.decode);
}
END_TEST

START_TEST(test_p384_ecdh)
{
    uint8_t x[48], y[48], s[48];
    /* RFC 5903 §8.2 (384-bit random ECP group). */
    bytes i = H("099F3C7034D4A2C699884D73A375A67F7624EF7C6B3C0F160647B67414DCE655"
                "E35B538041E649EE3FAEF896783AB194");
    bytes gix = H("667842D7D180AC2CDE6F74F37551F55755C7645C20EF73E31634FE72B4C55EE6"
                  "DE3AC808ACB4BDB4C88732AEE95F41AA");
    bytes giy = H("9482ED1FC0EEB9CAFC4984625CCFC23F65032149E0E144ADA024181535A0F38E"
                  "EB9FCFF3C2C947DAE69B4C634573A81C");
    bytes r = H("41CB0779B4BDB85D47846725FBEC3C9430FAB46CC8DC5060855CC9BDA0AA2942"
                "E0308312916B8ED2960E4BD55A7448FC");
    bytes grx = H("E558DBEF53EECDE3D3FCCFC1AEA08A89A987475D12FD950D83CFA41732BC509D"
                  "0D1AC43A0336DEF96FDA41D0774A3571");
    bytes gry = H("DCFBEC7AACF3196472169E838430367F66EEBE3C6E70C416DD5F0C68759DD1FF"
                  "F83FA40142209DFF5EAAD96DB9E6386C");
    bytes girx = H("11187331C279962D93D604243FD592CB9D0A926F422E47187521287E7156C5C4"
                   "D603135569B9E9D09CF5D4A270F59746");
    ck_assert_err(eh_ecdh_p384.public_key(i.b, x, y), EH_OK);
    ck_assert_mem_eq(x, gix.b, 48);
    ck_assert_mem_eq(y, giy.b, 48);
    ck_assert_err(eh_ecdh_p384.public_key(r.b, x, y), EH_OK);
    ck_assert_mem_eq(x, grx.b, 48);
    ck_assert_mem_eq(y, gry.b, 48);
    ck_assert_err(eh_ecdh_p384.shared_secret(i.b, grx.b, s), EH_OK);
    ck_assert_mem_eq(s, girx.b, 48);
    ck_assert_err(eh_ecdh_p384.shared_secret(r.b, gix.b, s), EH_OK);
    ck_assert_mem_eq(s, girx.b, 48);
    ck_assert_err(eh_ecdh_p384.check_point(gix.b, giy.b), EH_OK);
    /* decode, then shared_secret_xy: the same secret */
    uint8_t dy[48];
    ck_assert_err(eh_ecdh_p384.decode(grx.b, dy), EH_OK);
    ck_assert_err(eh_ecdh_p384.check_point(grx.b, dy), EH_OK);
    ck_assert_err(eh_ecdh_p384.shared_secret_xy(i.b, NULL, grx.b, dy, s), EH_OK);
    ck_assert_mem_eq(s, girx.b, 48);
    ck_assert_err(eh_ecdh_p384.shared_secret_xy(r.b, NULL, gix.b, giy.b, s), EH_OK);
    ck_assert_mem_eq(s, girx.b, 48);
    giy.b[0] ^= 1;
    ck_assert_err(eh_ecdh_p384.check_point(gix.b, giy.b), EH_ERR_INVALID_PUBLIC_KEY);
    uint8_t ff[48];
    memset(ff, 0xff, sizeof ff); /* >= p */
    ck_assert_err(eh_ecdh_p384.shared_secret(i.b, ff, s), EH_ERR_INVALID_PUBLIC_KEY);
    uint8_t zero[48] = {0};
    ck_assert_err(eh_ecdh_p384.public_key(zero, x, y), EH_ERR_ARG);
}
END_TEST

/* ----------------------------------------------------------- Signatures -- */

typedef struct {
    const char *seed, *pub, *msg, *sig;
} eddsa_kat;

static void run_eddsa(const eh_sig_alg *alg, const eddsa_kat *k)
{
    bytes seed = H(k->seed), pub = H(k->pub), msg = H(k->msg), sig = H(k->sig);
    uint8_t p[64], s[128];
    ck_assert_uint_eq(seed.n, alg->priv_len);
    ck_assert_uint_eq(sig.n, alg->sig_len);
    ck_assert_err(alg->public_key(seed.b, p), EH_OK);
    ck_assert_mem_eq(p, pub.b, pub.n);
    ck_assert_err(alg->sign(seed.b, msg.b, msg.n, s), EH_OK);
    ck_assert_mem_eq(s, sig.b, sig.n);
    /* The key prepared once signs the same. */
    uint8_t prep[EH_MAX_SIG_PREPARED_LEN];
    ck_assert_uint_le(alg->prepared_len, sizeof prep);
    ck_assert_err(alg->prepare(seed.b, prep), EH_OK);
    /* EdDSA keys are prepared as seed || public key (libsodium's expanded
     * Ed25519 key; Ed448 imported into OpenSSL with both) */
    ck_assert_uint_eq(alg->prepared_len, 2 * alg->priv_len);
    ck_assert_mem_eq(prep, seed.b, seed.n);
    ck_assert_mem_eq(prep + seed.n, pub.b, pub.n);
    memset(s, 0, sizeof s);
    ck_assert_err(alg->sign_prepared(prep, msg.b, msg.n, s), EH_OK);
    ck_assert_mem_eq(s, sig.b, sig.n);
    ck_assert_err(alg->verify(pub.b, msg.b, msg.n, sig.b), EH_OK);
    sig.b[5] ^= 0x01;
    ck_assert_err(alg->verify(pub.b, msg.b, msg.n, sig.b), EH_ERR_SIGNATURE);
    sig.b[5] ^= 0x01;
    uint8_t m2[1] = {0x55};
    ck_assert_err(alg->verify(pub.b, m2, 1, sig.b), EH_ERR_SIGNATURE);
}

START_TEST(test_ed25519)
{
    /* RFC 8032 §7.1, TEST 1 (empty message). */
    static const eddsa_kat t1 = {
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"};
    /* RFC 8032 §7.1, TEST 2 (one byte 0x72). */
    static const eddsa_kat t2 = {
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"};
    /* RFC 8032 §7.1, TEST 3 (two bytes af82). */
    static const eddsa_kat t3 = {
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"};
    run_eddsa(&eh_sig_ed25519, &t1);
    run_eddsa(&eh_sig_ed25519, &t2);
    run_eddsa(&eh_sig_ed25519, &t3);
    /* RFC 9529 §2 (trace 1): SK_R -> PK_R. */
    uint8_t p[32];
    bytes skr = H("ef140ff900b0ab03f0c08d879cbbd4b31ea71e6e7ee7ffcb7e7955777a332799");
    ck_assert_err(eh_sig_ed25519.public_key(skr.b, p), EH_OK);
    ck_assert_bytes(p, H("a1db47b95184854ad12a0c1a354e418aace33aa0f2c662c00b3ac55de92f9359"));
}
END_TEST

START_TEST(test_ed448)
{
    /* RFC 8032 §7.4, Ed448 "Blank" (empty message, empty context). */
    static const eddsa_kat blank = {
        "6c82a562cb808d10d632be89c8513ebf6c929f34ddfa8c9f63c9960ef6e348a3"
        "528c8a3fcc2f044e39a3fc5b94492f8f032e7549a20098f95b",
        "5fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d80e96778"
        "edf124769b46c7061bd6783df1e50f6cd1fa1abeafe8256180",
        "",
        "533a37f6bbe457251f023c0d88f976ae2dfb504a843e34d2074fd823d41a591f"
        "2b233f034f628281f2fd7a22ddd47d7828c59bd0a21bfd3980ff0d2028d4b18a"
        "9df63e006c5d1c2d345b925d8dc00b4104852db99ac5c7cdda8530a113a0f4db"
        "b61149f05a7363268c71d95808ff2e652600"};
    run_eddsa(&eh_sig_ed448, &blank);
}
END_TEST

static void run_ecdsa(const eh_sig_alg *alg, const char *priv_hex, const char *pub_hex,
                      const char *sig_hex)
{
    bytes priv = H(priv_hex), pub = H(pub_hex), sig = H(sig_hex);
    const uint8_t *msg = (const uint8_t *)"sample";
    uint8_t p[96], s[96];
    ck_assert_uint_eq(pub.n, alg->pub_len);
    ck_assert_uint_eq(sig.n, alg->sig_len);
    ck_assert_err(alg->public_key(priv.b, p), EH_OK);
    ck_assert_mem_eq(p, pub.b, pub.n);
    /* The published deterministic signature verifies. */
    ck_assert_err(alg->verify(pub.b, msg, 6, sig.b), EH_OK);
    sig.b[sig.n - 1] ^= 0x01;
    ck_assert_err(alg->verify(pub.b, msg, 6, sig.b), EH_ERR_SIGNATURE);
    sig.b[sig.n - 1] ^= 0x01;
    ck_assert_err(alg->verify(pub.b, (const uint8_t *)"samplf", 6, sig.b), EH_ERR_SIGNATURE);
    /* Sign then verify (deterministic RFC 6979 signatures, see test_ecdsa.c). */
    for (int round = 0; round < 3; round++) {
        ck_assert_err(alg->sign(priv.b, msg, 6, s), EH_OK);
        ck_assert_err(alg->verify(pub.b, msg, 6, s), EH_OK);
        s[round] ^= 0x40;
        ck_assert_err(alg->verify(pub.b, msg, 6, s), EH_ERR_SIGNATURE);
    }
    ck_assert_err(alg->sign(priv.b, NULL, 0, s), EH_OK);
    ck_assert_err(alg->verify(pub.b, NULL, 0, s), EH_OK);
    /* The prepared key (the scalar as it is) signs the same bytes. */
    uint8_t prep[EH_MAX_SIG_PREPARED_LEN], s2[96];
    ck_assert_uint_eq(alg->prepared_len, alg->priv_len);
    ck_assert_err(alg->prepare(priv.b, prep), EH_OK);
    ck_assert_mem_eq(prep, priv.b, priv.n);
    ck_assert_err(alg->sign(priv.b, msg, 6, s), EH_OK);
    ck_assert_err(alg->sign_prepared(prep, msg, 6, s2), EH_OK);
    ck_assert_mem_eq(s, s2, sig.n);
    /* Public keys are imported once and kept (pubkey_cache.c): more keys
     * than it holds, each verifying only its own signature, before and
     * after the cache is emptied. */
    for (int pass = 0; pass < 2; pass++) {
        uint8_t d[48], kp[20][96], ks[20][96];
        for (int k = 0; k < 20; k++) {
            memset(d, 0, sizeof d);
            d[alg->priv_len - 1] = (uint8_t)(k + 1);
            ck_assert_err(alg->public_key(d, kp[k]), EH_OK);
            ck_assert_err(alg->sign(d, msg, 6, ks[k]), EH_OK);
        }
        for (int k = 0; k < 20; k++) {
            ck_assert_err(alg->verify(kp[k], msg, 6, ks[k]), EH_OK);
            ck_assert_err(alg->verify(kp[(k + 1) % 20], msg, 6, ks[k]), EH_ERR_SIGNATURE);
        }
        eh_ec_pubkey_cache_clear();
    }
    /* r = 0 and s = 0 are refused. */
    memset(s, 0, sizeof s);
    ck_assert_err(alg->verify(pub.b, msg, 6, s), EH_ERR_SIGNATURE);
    /* Malformed public keys. */
    pub.b[pub.n - 1] ^= 0x01; /* y no longer on the curve */
    ck_assert_err(alg->verify(pub.b, msg, 6, sig.b), EH_ERR_SIGNATURE);
    memset(pub.b, 0xff, pub.n); /* coordinates >= p */
    ck_assert_err(alg->verify(pub.b, msg, 6, sig.b), EH_ERR_SIGNATURE);
    memset(pub.b, 0, pub.n);
    ck_assert_err(alg->verify(pub.b, msg, 6, sig.b), EH_ERR_SIGNATURE);
    /* Out-of-range private key. */
    memset(priv.b, 0, priv.n);
    ck_assert_err(alg->sign(priv.b, msg, 6, s), EH_ERR_ARG);
}

START_TEST(test_es256)
{
    /* RFC 6979 Appendix A.2.5 (P-256): key pair, SHA-256, message "sample". */
    run_ecdsa(&eh_sig_es256, "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721",
              "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6"
              "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299",
              "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716"
              "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8");
    /* RFC 9529 §3 (trace 2): SK_R -> PK_R = x || y. */
    uint8_t p[64];
    bytes skr = H("72cc4761dbd4c78f758931aa589d348d1ef874a7e303ede2f140dcf3e6aa4aac");
    ck_assert_err(eh_sig_es256.public_key(skr.b, p), EH_OK);
    ck_assert_bytes(p, H("bbc34960526ea4d32e940cad2a234148ddc21791a12afbcbac93622046dd44f0"
                         "4519e257236b2a0ce2023f0931f1f386ca7afda64fcde0108c224c51eabf6072"));
}
END_TEST

START_TEST(test_es384)
{
    /* RFC 6979 Appendix A.2.6 (P-384): key pair, SHA-384, message "sample". */
    run_ecdsa(&eh_sig_es384,
              "6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D8"
              "96D5724E4C70A825F872C9EA60D2EDF5",
              "EC3A4E415B4E19A4568618029F427FA5DA9A8BC4AE92E02E06AAE5286B300C64"
              "DEF8F0EA9055866064A254515480BC13"
              "8015D9B72D7D57244EA8EF9AC0C621896708A59367F9DFB9F54CA84B3F1C9DB1"
              "288B231C3AE0D4FE7344FD2533264720",
              "94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA73D64C4EA95AD133C"
              "81A648152E44ACF96E36DD1E80FABE46"
              "99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526203B6351D0A3A94F"
              "A329C145786E679E7B82C71A38628AC8");
}
END_TEST

START_TEST(test_table_sizes)
{
    ck_assert_uint_eq(eh_hash_sha256.out_len, 32);
    ck_assert_uint_eq(eh_hash_sha384.out_len, 48);
    ck_assert_uint_eq(eh_hash_shake256.out_len, 64);
    ck_assert_uint_eq(eh_aead_aes_ccm_16_64_128.tag_len, 8);
    ck_assert_uint_eq(eh_aead_aes_ccm_16_128_128.tag_len, 16);
    ck_assert_uint_eq(eh_ecdh_x25519.coord_len, 32);
    ck_assert_uint_eq(eh_ecdh_p384.coord_len, 48);
    ck_assert_uint_eq(eh_ecdh_x448.coord_len, 56);
    ck_assert_ptr_null(eh_ecdh_x25519.check_point);
    ck_assert_ptr_null(eh_ecdh_x448.check_point);
    ck_assert_uint_eq(eh_sig_ed448.sig_len, 114);
    ck_assert_uint_eq(eh_sig_es384.pub_len, 96);
}
END_TEST

Suite *eh_test_crypto_suite(void)
{
    Suite *s = suite_create("crypto");
    TCase *tc = tcase_create("crypto");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_ct_equal_wipe_lookup);
    tcase_add_test(tc, test_table_sizes);
    tcase_add_test(tc, test_sha256_hkdf_rfc5869);
    tcase_add_test(tc, test_hkdf_rfc9529_traces);
    tcase_add_test(tc, test_sha384_hkdf);
    tcase_add_test(tc, test_hmac_long_keys_and_parts);
    tcase_add_test(tc, test_shake256_kmac256);
    tcase_add_loop_test(tc, test_aead_kat, 0, (int)(sizeof aead_kats / sizeof aead_kats[0]));
    tcase_add_loop_test(tc, test_aead_roundtrip_all, 0, 5);
    tcase_add_test(tc, test_x25519);
    tcase_add_test(tc, test_x448);
    tcase_add_test(tc, test_p256_ecdh);
    tcase_add_test(tc, test_p384_ecdh);
    tcase_add_test(tc, test_ed25519);
    tcase_add_test(tc, test_ed448);
    tcase_add_test(tc, test_es256);
    tcase_add_test(tc, test_es384);
    suite_add_tcase(s, tc);
    return s;
}

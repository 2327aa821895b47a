/*
 * test_ecdsa.c - deterministic ECDSA (RFC 6979) behind eh_sig_es256 /
 * eh_sig_es384 (harness/crypto/ecdsa_rfc6979.c).
 *
 * Known answers: RFC 6979 Appendix A.2.5 (P-256) and A.2.6 (P-384), the
 * "With SHA-256" / "With SHA-384" entries for the messages "sample" and
 * "test" (k, r, s as published; private key x and public key Ux, Uy from the
 * same sections). Copied from the RFC text, not produced by this code.
 */
#include <check.h>
#include <string.h>

#include "../crypto/crypto.h"
#include "../crypto/ecdsa_internal.h"

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

/* Decodes hex into out; fails the test on bad input or overflow. */
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

typedef struct kat {
    const char *msg, *k, *r, *s;
} kat;

/* RFC 6979 A.2.5, curve NIST P-256. */
static const char p256_x[] = "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721";
static const char p256_u[] = "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6"
                             "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299";
static const kat p256_sha256[] = {
    /* A.2.5, With SHA-256, message = "sample" */
    {"sample", "A6E3C57DD01ABE90086538398355DD4C3B17AA873382B0F24D6129493D8AAD60",
     "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
     "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8"},
    /* A.2.5, With SHA-256, message = "test" */
    {"test", "D16B6AE827F17175E040871A1C7EC3500192C4C92677336EC2537ACAEE0008E0",
     "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367",
     "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083"},
};

/* RFC 6979 A.2.6, curve NIST P-384. */
static const char p384_x[] = "6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D8"
                             "96D5724E4C70A825F872C9EA60D2EDF5";
static const char p384_u[] = "EC3A4E415B4E19A4568618029F427FA5DA9A8BC4AE92E02E06AAE5286B300C64"
                             "DEF8F0EA9055866064A254515480BC13"
                             "8015D9B72D7D57244EA8EF9AC0C621896708A59367F9DFB9F54CA84B3F1C9DB1"
                             "288B231C3AE0D4FE7344FD2533264720";
static const kat p384_sha384[] = {
    /* A.2.6, With SHA-384, message = "sample" */
    {"sample",
     "94ED910D1A099DAD3254E9242AE85ABDE4BA15168EAF0CA87A555FD56D10FBCA"
     "2907E3E83BA95368623B8C4686915CF9",
     "94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA73D64C4EA95AD133C"
     "81A648152E44ACF96E36DD1E80FABE46",
     "99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526203B6351D0A3A94F"
     "A329C145786E679E7B82C71A38628AC8"},
    /* A.2.6, With SHA-384, message = "test" */
    {"test",
     "015EE46A5BF88773ED9123A5AB0807962D193719503C527B031B4C2D225092AD"
     "A71F4A459BC0DA98ADB95837DB8312EA",
     "8203B63D3C853E8D77227FB377BCF7B7B772E97892A80F36AB775D509D7A5FEB"
     "0542A7F0812998DA8F1DD3CA3CF023DB",
     "DDD0760448D42D8A43AF45AF836FCE4DE8BE06B485E9B61B827C2F13173923E0"
     "6A739F040649A667BF3B828246BAA5A5"},
};

static void run_kats(const eh_sig_alg *alg, const char *x_hex, const char *u_hex,
                     const kat *kats, size_t n_kats)
{
    uint8_t priv[48], pub[96], want_pub[96], k[48], want_k[48], sig[96], want_sig[96],
        sig2[96];
    size_t cl = alg->priv_len;

    ck_assert_uint_eq(unhex(x_hex, priv, sizeof priv), cl);
    ck_assert_uint_eq(unhex(u_hex, want_pub, sizeof want_pub), alg->pub_len);
    ck_assert_int_eq(alg->public_key(priv, pub), EH_OK);
    ck_assert_mem_eq(pub, want_pub, alg->pub_len);

    for (size_t i = 0; i < n_kats; i++) {
        const uint8_t *m = (const uint8_t *)kats[i].msg;
        size_t m_len = strlen(kats[i].msg);
        ck_assert_uint_eq(unhex(kats[i].k, want_k, sizeof want_k), cl);
        ck_assert_uint_eq(unhex(kats[i].r, want_sig, sizeof want_sig), cl);
        ck_assert_uint_eq(unhex(kats[i].s, want_sig + cl, sizeof want_sig - cl), cl);

        ck_assert_int_eq(eh_ecdsa_rfc6979_nonce(alg->cose_crv, priv, m, m_len, k), EH_OK);
        ck_assert_mem_eq(k, want_k, cl);

        ck_assert_int_eq(alg->sign(priv, m, m_len, sig), EH_OK);
        ck_assert_mem_eq(sig, want_sig, 2 * cl);
        ck_assert_int_eq(alg->verify(pub, m, m_len, sig), EH_OK);

        /* Same input, same bytes. */
        ck_assert_int_eq(alg->sign(priv, m, m_len, sig2), EH_OK);
        ck_assert_mem_eq(sig, sig2, 2 * cl);
    }
}

START_TEST(test_es256_rfc6979)
{
    run_kats(&eh_sig_es256, p256_x, p256_u, p256_sha256, 2);
}
END_TEST

START_TEST(test_es384_rfc6979)
{
    run_kats(&eh_sig_es384, p384_x, p384_u, p384_sha384, 2);
}
END_TEST

/* Deterministic and verifiable for many keys and message lengths, including
 * the empty message; different messages give different signatures. */
static void run_many(const eh_sig_alg *alg)
{
    uint8_t priv[48], pub[96], sig[96], sig2[96], prev[96], msg[200];
    size_t cl = alg->priv_len;
    for (size_t round = 0; round < 24; round++) {
        for (size_t i = 0; i < cl; i++)
            priv[i] = (uint8_t)(round * 31 + i * 7 + 1);
        priv[0] &= 0x7f; /* below n */
        for (size_t i = 0; i < sizeof msg; i++)
            msg[i] = (uint8_t)(round + i * 13);
        size_t m_len = (round * 37) % sizeof msg;
        ck_assert_int_eq(alg->public_key(priv, pub), EH_OK);
        ck_assert_int_eq(alg->sign(priv, m_len ? msg : NULL, m_len, sig), EH_OK);
        ck_assert_int_eq(alg->sign(priv, m_len ? msg : NULL, m_len, sig2), EH_OK);
        ck_assert_mem_eq(sig, sig2, 2 * cl);
        ck_assert_int_eq(alg->verify(pub, m_len ? msg : NULL, m_len, sig), EH_OK);
        if (round > 0)
            ck_assert(memcmp(prev, sig, 2 * cl) != 0);
        memcpy(prev, sig, 2 * cl);
        sig[round % (2 * cl)] ^= 0x01;
        ck_assert_int_eq(alg->verify(pub, m_len ? msg : NULL, m_len, sig), EH_ERR_SIGNATURE);
    }
}

START_TEST(test_es256_many)
{
    run_many(&eh_sig_es256);
}
END_TEST

START_TEST(test_es384_many)
{
    run_many(&eh_sig_es384);
}
END_TEST

START_TEST(test_rfc6979_args)
{
    uint8_t priv[48], k[48], sig[96];
    memset(priv, 0, sizeof priv);
    /* d = 0 and d >= n are refused, and sig comes back zeroed. */
    memset(sig, 0xaa, sizeof sig);
    ck_assert_int_eq(eh_sig_es256.sign(priv, (const uint8_t *)"m", 1, sig), EH_ERR_ARG);
    for (size_t i = 0; i < 64; i++)
        ck_assert_uint_eq(sig[i], 0);
    memset(priv, 0xff, sizeof priv);
    ck_assert_int_eq(eh_sig_es384.sign(priv, (const uint8_t *)"m", 1, sig), EH_ERR_ARG);
    ck_assert_int_eq(eh_ecdsa_rfc6979_nonce(1, priv, NULL, 0, k), EH_ERR_ARG);
    priv[0] = 0x01;
    ck_assert_int_eq(eh_ecdsa_rfc6979_nonce(7, priv, NULL, 0, k), EH_ERR_UNSUPPORTED);
    ck_assert_int_eq(eh_ecdsa_rfc6979_sign(2, priv, NULL, 1, sig), EH_ERR_ARG);
    ck_assert_int_eq(eh_ecdsa_rfc6979_sign(2, NULL, NULL, 0, sig), EH_ERR_ARG);
}
END_TEST

Suite *eh_test_ecdsa_suite(void)
{
    Suite *s = suite_create("ecdsa");
    TCase *tc = tcase_create("rfc6979");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_es256_rfc6979);
    tcase_add_test(tc, test_es384_rfc6979);
    tcase_add_test(tc, test_es256_many);
    tcase_add_test(tc, test_es384_many);
    tcase_add_test(tc, test_rfc6979_args);
    suite_add_tcase(s, tc);
    return s;
}

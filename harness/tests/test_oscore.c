/*
 * test_oscore.c - unit tests of harness/oscore: the CoAP codec (RFC 7252
 * §3), the OSCORE security context, protect/unprotect and replay
 * protection (RFC 8613).
 *
 * Known answers: RFC 8613 Appendix C (test vectors C.1 - C.8), taken from
 * the RFC text as published (copy consulted: rfc8613.txt in the
 * core-wg/oscore GitHub repository, "Appendix C. Test Vectors", pages
 * 72-83). Every C.x value below is quoted from there.
 *
 * Inputs of robustness tests are exact-size heap copies so that
 * AddressSanitizer reports any read past the end.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../oscore/oscore.h"
#include "testutil.h"

/* --------------------------------------------------------------- helpers */

static uint8_t *heap_copy(const uint8_t *data, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(copy);
    if (len)
        memcpy(copy, data, len);
    return copy;
}

static void expect_bytes(const uint8_t *got, size_t got_len, const char *hex,
                         const char *what)
{
    uint8_t want[512];
    size_t n = tu_hex(hex, want, sizeof want);
    ck_assert_msg(got_len == n && (n == 0 || memcmp(got, want, n) == 0),
                  "%s: got %s, expected %s", what, tu_tohex(got, got_len), hex);
}

/* RFC 8613 Appendix C inputs. */
#define C_MASTER_SECRET "0102030405060708090a0b0c0d0e0f10"
#define C_MASTER_SALT "9e7ca92223786340"
#define C_ID_CONTEXT "37cbf3210017a2d3"

typedef struct vec_ctx {
    const char *salt;      /* NULL: no Master Salt */
    const char *id_context; /* NULL: absent */
    const char *sender_id, *recipient_id;
} vec_ctx;

static void derive_vec(eh_oscore_ctx *ctx, const vec_ctx *v, bool send_kid_context)
{
    uint8_t secret[16], salt[16], idctx[16], sid[8], rid[8];
    eh_oscore_params p = {0};
    p.master_secret = secret;
    p.master_secret_len = tu_hex(C_MASTER_SECRET, secret, sizeof secret);
    if (v->salt) {
        p.master_salt = salt;
        p.master_salt_len = tu_hex(v->salt, salt, sizeof salt);
    }
    if (v->id_context) {
        p.id_context = idctx;
        p.id_context_len = tu_hex(v->id_context, idctx, sizeof idctx);
    }
    p.sender_id = sid;
    p.sender_id_len = tu_hex(v->sender_id, sid, sizeof sid);
    p.recipient_id = rid;
    p.recipient_id_len = tu_hex(v->recipient_id, rid, sizeof rid);
    p.send_kid_context = send_kid_context;
    ck_assert_int_eq(eh_oscore_ctx_derive(ctx, &p), EH_OK);
}

/* A decoded datagram and the heap block its views point into. */
typedef struct dgram {
    uint8_t *bytes;
    size_t len;
    eh_coap_udp_hdr hdr;
    eh_coap_msg msg;
} dgram;

static void dgram_from_hex(dgram *d, const char *hex)
{
    uint8_t tmp[512];
    d->len = tu_hex(hex, tmp, sizeof tmp);
    d->bytes = heap_copy(tmp, d->len);
    ck_assert_int_eq(eh_coap_udp_decode(d->bytes, d->len, &d->hdr, &d->msg), EH_OK);
}

static void dgram_free(dgram *d)
{
    free(d->bytes);
    d->bytes = NULL;
}

/* Encode msg with hdr and compare with the expected datagram. */
static void expect_dgram(const eh_coap_udp_hdr *hdr, const eh_coap_msg *msg, const char *hex,
                         const char *what)
{
    uint8_t out[512];
    size_t n;
    ck_assert_int_eq(eh_coap_udp_encode(hdr, msg, out, sizeof out, &n), EH_OK);
    expect_bytes(out, n, hex, what);
}

/* Same datagram bytes for two messages under one header. */
static void expect_same_msg(const eh_coap_udp_hdr *hdr, const eh_coap_msg *a,
                            const eh_coap_msg *b)
{
    uint8_t ea[2048], eb[2048];
    size_t na, nb;
    ck_assert_int_eq(eh_coap_udp_encode(hdr, a, ea, sizeof ea, &na), EH_OK);
    ck_assert_int_eq(eh_coap_udp_encode(hdr, b, eb, sizeof eb, &nb), EH_OK);
    ck_assert_msg(na == nb && memcmp(ea, eb, na) == 0, "messages differ: %s", tu_tohex(ea, na));
}

/* ------------------------------------------------------------ CoAP codec */

/* C.4's unprotected request: CON GET, MID 0x5d1f, token 00003974,
 * Uri-Host "localhost", Uri-Path "tv1". */
#define C4_UNPROTECTED "44015d1f00003974396c6f63616c686f737483747631"

START_TEST(test_coap_decode_encode)
{
    dgram d;
    dgram_from_hex(&d, C4_UNPROTECTED);
    ck_assert_int_eq(d.hdr.type, EH_COAP_CON);
    ck_assert_int_eq(d.hdr.message_id, 0x5d1f);
    expect_bytes(d.hdr.token, d.hdr.token_len, "00003974", "token");
    ck_assert_int_eq(d.msg.code, EH_COAP_CODE_GET);
    ck_assert_uint_eq(d.msg.n_opts, 2);
    ck_assert_int_eq(d.msg.opts[0].number, EH_COAP_OPT_URI_HOST);
    ck_assert_uint_eq(d.msg.opts[0].len, 9);
    ck_assert(memcmp(d.msg.opts[0].value, "localhost", 9) == 0);
    ck_assert_int_eq(d.msg.opts[1].number, EH_COAP_OPT_URI_PATH);
    ck_assert_uint_eq(d.msg.payload_len, 0);
    ck_assert_int_eq(eh_coap_find_option(&d.msg, EH_COAP_OPT_URI_PATH), 1);
    ck_assert_int_eq(eh_coap_find_option(&d.msg, EH_COAP_OPT_OSCORE), -1);
    expect_dgram(&d.hdr, &d.msg, C4_UNPROTECTED, "re-encoded C.4 request");
    dgram_free(&d);

    /* C.7's unprotected response: ACK 2.05, payload "Hello World!". */
    dgram_from_hex(&d, "64455d1f00003974ff48656c6c6f20576f726c6421");
    ck_assert_int_eq(d.hdr.type, EH_COAP_ACK);
    ck_assert_int_eq(d.msg.code, EH_COAP_CODE_CONTENT);
    ck_assert_uint_eq(d.msg.n_opts, 0);
    ck_assert_uint_eq(d.msg.payload_len, 12);
    ck_assert(memcmp(d.msg.payload, "Hello World!", 12) == 0);
    dgram_free(&d);
}
END_TEST

START_TEST(test_coap_options_extended_forms)
{
    static const uint8_t v13[13] = {0}, v300[300] = {0};
    /* Given out of order: the encoder sorts, keeping repeated options in
     * their given order. */
    eh_coap_option opts[] = {
        {300, NULL, 0},   /* delta 300 - 60 = 240 -> 13 form (240 - 13 = 0xe3) */
        {11, (const uint8_t *)"b", 1},
        {11, (const uint8_t *)"a", 1},
        {60, v300, 300},  /* delta 47 -> 13 form (0x22), length 300 -> 14 form */
        {13, v13, 13},    /* delta 2, length 13 -> 13 form (0x00) */
        {1000, NULL, 0},  /* delta 700 -> 14 form (700 - 269 = 0x01af) */
    };
    uint8_t out[512];
    size_t n;
    ck_assert_int_eq(eh_coap_options_encode(opts, 6, out, sizeof out, &n), EH_OK);
    ck_assert_uint_eq(n, 2 + 2 + 2 + 13 + 4 + 300 + 2 + 3);
    expect_bytes(out, 4, "b1620161", "first options");
    expect_bytes(out + 4, 2, "2d00", "option 13 head");
    expect_bytes(out + 19, 4, "de22001f", "option 60 head");
    expect_bytes(out + 323, 2, "d0e3", "option 300 head");
    expect_bytes(out + 325, 3, "e001af", "option 1000 head");

    /* Measuring, and too small. */
    size_t m;
    ck_assert_int_eq(eh_coap_options_encode(opts, 6, NULL, 0, &m), EH_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(m, n);
    ck_assert_int_eq(eh_coap_options_encode(opts, 6, out, n - 1, &m), EH_ERR_BUFFER_TOO_SMALL);

    eh_coap_option back[EH_COAP_MAX_OPTIONS];
    size_t nb, used;
    uint8_t *heap = heap_copy(out, n);
    ck_assert_int_eq(eh_coap_options_decode(heap, n, back, EH_COAP_MAX_OPTIONS, &nb, &used),
                     EH_OK);
    ck_assert_uint_eq(used, n);
    ck_assert_uint_eq(nb, 6);
    static const uint16_t nums[] = {11, 11, 13, 60, 300, 1000};
    static const size_t lens[] = {1, 1, 13, 300, 0, 0};
    for (size_t i = 0; i < 6; i++) {
        ck_assert_int_eq(back[i].number, nums[i]);
        ck_assert_uint_eq(back[i].len, lens[i]);
    }
    ck_assert(back[0].value[0] == 'b' && back[1].value[0] == 'a');
    /* Array too small for the options. */
    ck_assert_int_eq(eh_coap_options_decode(heap, n, back, 3, &nb, &used), EH_ERR_UNSUPPORTED);
    free(heap);
}
END_TEST

START_TEST(test_coap_malformed)
{
    static const struct {
        const char *hex, *why;
    } bad[] = {
        {"", "empty"},
        {"440100", "3 bytes"},
        {"84015d1f", "version 2"},
        {"49015d1f0102030405060708ff", "token length 9"},
        {"42015d1f01", "token past the end"},
        {"40015d1ff0", "option delta 15"},
        {"40015d1f1f", "option length 15"},
        {"40015d1fd1", "13-form delta byte missing"},
        {"40015d1fe100", "14-form delta bytes missing"},
        {"40015d1f1d", "13-form length byte missing"},
        {"40015d1f13aa", "option value past the end"},
        {"40015d1fe0fef3e0fef3", "option number above 65535"},
        {"40015d1fff", "payload marker without payload"},
        {"40005d1f00", "Empty message with bytes after the id"},
        {"41005d1f00", "Empty message with a token"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t tmp[32];
        size_t n = tu_hex(bad[i].hex, tmp, sizeof tmp);
        uint8_t *heap = heap_copy(tmp, n);
        eh_coap_udp_hdr hdr;
        eh_coap_msg msg;
        eh_err err = eh_coap_udp_decode(heap, n, &hdr, &msg);
        ck_assert_msg(err == EH_ERR_MESSAGE_FORMAT, "%s: got %s", bad[i].why, eh_err_name(err));
        free(heap);
    }
    /* Well-formed edge cases. */
    uint8_t ok1[] = {0x40, 0x00, 0x12, 0x34}; /* Empty CON (ping) */
    uint8_t ok2[] = {0x60, 0x00, 0x12, 0x34}; /* Empty ACK */
    eh_coap_udp_hdr hdr;
    eh_coap_msg msg;
    ck_assert_int_eq(eh_coap_udp_decode(ok1, 4, &hdr, &msg), EH_OK);
    ck_assert_int_eq(eh_coap_udp_decode(ok2, 4, &hdr, &msg), EH_OK);
    ck_assert_int_eq(hdr.type, EH_COAP_ACK);

    /* Encoder arguments. */
    uint8_t out[64];
    size_t n;
    uint8_t tok[9] = {0};
    eh_coap_udp_hdr long_tok = {EH_COAP_CON, 1, tok, 9};
    memset(&msg, 0, sizeof msg);
    ck_assert_int_eq(eh_coap_udp_encode(&long_tok, &msg, out, sizeof out, &n), EH_ERR_ARG);
    eh_coap_udp_hdr h = {EH_COAP_NON, 0xabcd, tok, 8};
    msg.code = EH_COAP_CODE_POST;
    msg.payload = (const uint8_t *)"x";
    msg.payload_len = 1;
    ck_assert_int_eq(eh_coap_udp_encode(&h, &msg, out, 5, &n), EH_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(n, 4 + 8 + 2);
    ck_assert_int_eq(eh_coap_udp_encode(&h, &msg, out, sizeof out, &n), EH_OK);
    expect_bytes(out, n, "5802abcd0000000000000000ff78", "NON POST with token");
}
END_TEST

/* Decode must be total; whatever decodes must re-encode to the same bytes
 * (the CoAP option encoding is unique). */
static void check_codec_input(const uint8_t *data, size_t len)
{
    uint8_t *heap = heap_copy(data, len);
    eh_coap_udp_hdr hdr;
    eh_coap_msg msg;
    eh_err err = eh_coap_udp_decode(heap, len, &hdr, &msg);
    if (err == EH_OK) {
        uint8_t out[1024];
        size_t n;
        ck_assert_int_eq(eh_coap_udp_encode(&hdr, &msg, out, sizeof out, &n), EH_OK);
        ck_assert_msg(n == len && memcmp(out, heap, len) == 0, "re-encoding differs for %s",
                      tu_tohex(data, len));
    } else {
        ck_assert_msg(err == EH_ERR_MESSAGE_FORMAT || err == EH_ERR_UNSUPPORTED, "%s",
                      eh_err_name(err));
    }
    size_t nopts, used;
    eh_coap_option opts[EH_COAP_MAX_OPTIONS];
    (void)eh_coap_options_decode(heap, len, opts, EH_COAP_MAX_OPTIONS, &nopts, &used);
    ck_assert_uint_le(used, len);
    free(heap);
}

START_TEST(test_coap_truncations_and_bit_flips)
{
    /* A message with a token, 13- and 14-form deltas and lengths, payload. */
    static const uint8_t v20[20] = {1, 2, 3}, v280[280] = {4, 5, 6};
    eh_coap_option opts[] = {
        {EH_COAP_OPT_URI_HOST, (const uint8_t *)"localhost", 9},
        {EH_COAP_OPT_OSCORE, (const uint8_t *)"\x09\x14", 2},
        {EH_COAP_OPT_URI_PATH, v20, 20},
        {60, v280, 280},
        {2000, NULL, 0},
    };
    eh_coap_msg msg = {0};
    msg.code = EH_COAP_CODE_POST;
    memcpy(msg.opts, opts, sizeof opts);
    msg.n_opts = 5;
    msg.payload = (const uint8_t *)"payload!";
    msg.payload_len = 8;
    eh_coap_udp_hdr hdr = {EH_COAP_CON, 0x1234, (const uint8_t *)"\xaa\xbb\xcc", 3};
    uint8_t wire[512];
    size_t n;
    ck_assert_int_eq(eh_coap_udp_encode(&hdr, &msg, wire, sizeof wire, &n), EH_OK);
    check_codec_input(wire, n);
    for (size_t cut = 0; cut < n; cut++)
        check_codec_input(wire, cut);
    for (size_t bit = 0; bit < 8 * n; bit++) {
        wire[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        check_codec_input(wire, n);
        wire[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    /* Every 1- and 2-byte input after a fixed header. */
    uint8_t small[6] = {0x40, 0x01, 0, 0};
    for (unsigned a = 0; a < 256; a++) {
        small[4] = (uint8_t)a;
        check_codec_input(small, 5);
        for (unsigned b = 0; b < 256; b++) {
            small[5] = (uint8_t)b;
            check_codec_input(small, 6);
        }
    }
}
END_TEST

/* ---------------------------------------------------- OSCORE option value */

START_TEST(test_option_value_codec)
{
    uint8_t out[64];
    size_t n;
    eh_oscore_option_value v = {0};
    ck_assert_int_eq(eh_oscore_option_encode(&v, out, sizeof out, &n), EH_OK);
    ck_assert_uint_eq(n, 0); /* all flags zero: empty value (§6.1) */
    uint8_t piv = 0x14;
    v.piv = &piv;
    v.piv_len = 1;
    v.has_kid = true;
    ck_assert_int_eq(eh_oscore_option_encode(&v, out, sizeof out, &n), EH_OK);
    expect_bytes(out, n, "0914", "C.4 OSCORE option value");

    /* Malformed values. */
    static const char *const bad[] = {
        "00",         /* flags all zero must be the empty value */
        "20",         /* reserved bit 5 */
        "40", "80",   /* reserved bits 6, 7 */
        "06", "07",   /* n = 6, 7 */
        "02aa",       /* Partial IV past the end */
        "10",         /* kid context flag without s */
        "1003aabb",   /* kid context past the end */
        "0100ff",     /* trailing byte without kid flag */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t tmp[8];
        size_t len = tu_hex(bad[i], tmp, sizeof tmp);
        uint8_t *heap = heap_copy(tmp, len);
        ck_assert_msg(eh_oscore_option_decode(heap, len, &v) == EH_ERR_MESSAGE_FORMAT, "%s",
                      bad[i]);
        free(heap);
    }
}
END_TEST

static void check_option_value_input(const uint8_t *data, size_t len)
{
    uint8_t *heap = heap_copy(data, len);
    eh_oscore_option_value v;
    eh_err err = eh_oscore_option_decode(heap, len, &v);
    if (err == EH_OK) {
        uint8_t out[300];
        size_t n;
        ck_assert_int_eq(eh_oscore_option_encode(&v, out, sizeof out, &n), EH_OK);
        ck_assert_msg(n == len && memcmp(out, heap, len) == 0, "re-encoding differs: %s",
                      tu_tohex(data, len));
    } else {
        ck_assert_int_eq(err, EH_ERR_MESSAGE_FORMAT);
    }
    free(heap);
}

START_TEST(test_option_value_truncations_and_bit_flips)
{
    static const char *const values[] = {
        "0914", "091400", "19140837cbf3210017a2d3", "0100", "0d0102030405aabbcc"};
    for (size_t k = 0; k < sizeof values / sizeof values[0]; k++) {
        uint8_t v[32];
        size_t n = tu_hex(values[k], v, sizeof v);
        for (size_t cut = 0; cut <= n; cut++)
            check_option_value_input(v, cut);
        for (size_t bit = 0; bit < 8 * n; bit++) {
            v[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            check_option_value_input(v, n);
            v[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        }
    }
    for (unsigned a = 0; a < 256; a++) {
        uint8_t one = (uint8_t)a;
        check_option_value_input(&one, 1);
    }
}
END_TEST

/* ------------------------------------------ context derivation C.1 - C.3 */

typedef struct kdf_vec {
    const char *name;
    vec_ctx in;
    const char *info_sender, *info_recipient, *info_iv;
    const char *sender_key, *recipient_key, *common_iv;
    const char *sender_nonce0, *recipient_nonce0;
} kdf_vec;

/* RFC 8613 Appendix C.1.1, C.1.2, C.2.1, C.2.2, C.3.1, C.3.2. */
static const kdf_vec kdf_vectors[] = {
    {"C.1.1", {C_MASTER_SALT, NULL, "", "01"}, "8540f60a634b657910", "854101f60a634b657910",
     "8540f60a6249560d", "f0910ed7295e6ad4b54fc793154302ff",
     "ffb14e093c94c9cac9471648b4f98710", "4622d4dd6d944168eefb54987c",
     "4622d4dd6d944168eefb54987c", "4722d4dd6d944169eefb54987c"},
    {"C.1.2", {C_MASTER_SALT, NULL, "01", ""}, "854101f60a634b657910", "8540f60a634b657910",
     "8540f60a6249560d", "ffb14e093c94c9cac9471648b4f98710",
     "f0910ed7295e6ad4b54fc793154302ff", "4622d4dd6d944168eefb54987c",
     "4722d4dd6d944169eefb54987c", "4622d4dd6d944168eefb54987c"},
    {"C.2.1", {NULL, NULL, "00", "01"}, "854100f60a634b657910", "854101f60a634b657910",
     "8540f60a6249560d", "321b26943253c7ffb6003b0b64d74041",
     "e57b5635815177cd679ab4bcec9d7dda", "be35ae297d2dace910c52e99f9",
     "bf35ae297d2dace910c52e99f9", "bf35ae297d2dace810c52e99f9"},
    {"C.2.2", {NULL, NULL, "01", "00"}, "854101f60a634b657910", "854100f60a634b657910",
     "8540f60a6249560d", "e57b5635815177cd679ab4bcec9d7dda",
     "321b26943253c7ffb6003b0b64d74041", "be35ae297d2dace910c52e99f9",
     "bf35ae297d2dace810c52e99f9", "bf35ae297d2dace910c52e99f9"},
    {"C.3.1", {C_MASTER_SALT, C_ID_CONTEXT, "", "01"}, "85404837cbf3210017a2d30a634b657910",
     "8541014837cbf3210017a2d30a634b657910", "85404837cbf3210017a2d30a6249560d",
     "af2a1300a5e95788b356336eeecd2b92", "e39a0c7c77b43f03b4b39ab9a268699f",
     "2ca58fb85ff1b81c0b7181b85e", "2ca58fb85ff1b81c0b7181b85e",
     "2da58fb85ff1b81d0b7181b85e"},
    {"C.3.2", {C_MASTER_SALT, C_ID_CONTEXT, "01", ""}, "8541014837cbf3210017a2d30a634b657910",
     "85404837cbf3210017a2d30a634b657910", "85404837cbf3210017a2d30a6249560d",
     "e39a0c7c77b43f03b4b39ab9a268699f", "af2a1300a5e95788b356336eeecd2b92",
     "2ca58fb85ff1b81c0b7181b85e", "2da58fb85ff1b81d0b7181b85e",
     "2ca58fb85ff1b81c0b7181b85e"},
};

START_TEST(test_context_derivation_rfc8613)
{
    const kdf_vec *v = &kdf_vectors[_i];
    eh_oscore_ctx ctx;
    derive_vec(&ctx, &v->in, false);
    ck_assert_ptr_eq(ctx.aead, &eh_aead_aes_ccm_16_64_128);
    ck_assert_ptr_eq(ctx.hkdf, &eh_hash_sha256);
    char what[64];
    snprintf(what, sizeof what, "%s Sender Key", v->name);
    expect_bytes(ctx.sender_key, 16, v->sender_key, what);
    snprintf(what, sizeof what, "%s Recipient Key", v->name);
    expect_bytes(ctx.recipient_key, 16, v->recipient_key, what);
    snprintf(what, sizeof what, "%s Common IV", v->name);
    expect_bytes(ctx.common_iv, 13, v->common_iv, what);

    const uint8_t *idctx = ctx.has_id_context ? ctx.id_context : NULL;
    uint8_t info[128];
    size_t n;
    ck_assert_int_eq(eh_oscore_info(ctx.sender_id, ctx.sender_id_len, idctx,
                                    ctx.id_context_len, 10, false, 16, info, sizeof info, &n),
                     EH_OK);
    expect_bytes(info, n, v->info_sender, "info (for Sender Key)");
    ck_assert_int_eq(eh_oscore_info(ctx.recipient_id, ctx.recipient_id_len, idctx,
                                    ctx.id_context_len, 10, false, 16, info, sizeof info, &n),
                     EH_OK);
    expect_bytes(info, n, v->info_recipient, "info (for Recipient Key)");
    ck_assert_int_eq(eh_oscore_info(NULL, 0, idctx, ctx.id_context_len, 10, true, 13, info,
                                    sizeof info, &n),
                     EH_OK);
    expect_bytes(info, n, v->info_iv, "info (for Common IV)");

    uint8_t piv0 = 0, nonce[13];
    ck_assert_int_eq(eh_oscore_nonce(&ctx, ctx.sender_id, ctx.sender_id_len, &piv0, 1, nonce),
                     EH_OK);
    expect_bytes(nonce, 13, v->sender_nonce0, "sender nonce");
    ck_assert_int_eq(
        eh_oscore_nonce(&ctx, ctx.recipient_id, ctx.recipient_id_len, &piv0, 1, nonce), EH_OK);
    expect_bytes(nonce, 13, v->recipient_nonce0, "recipient nonce");

    eh_oscore_ctx_clear(&ctx);
    static const eh_oscore_ctx zero;
    ck_assert(memcmp(&ctx, &zero, sizeof ctx) == 0);
}
END_TEST

START_TEST(test_context_derivation_errors)
{
    uint8_t secret[16] = {1}, id[8] = {1, 2, 3, 4, 5, 6, 7, 8}, other[1] = {9};
    eh_oscore_params p = {0};
    eh_oscore_ctx ctx;
    p.master_secret = secret;
    p.master_secret_len = sizeof secret;
    p.sender_id = id;
    p.recipient_id = other;
    p.recipient_id_len = 1;
    p.sender_id_len = 7; /* max for AES-CCM-16-64-128 (13-byte nonce) */
    ck_assert_int_eq(eh_oscore_ctx_derive(&ctx, &p), EH_OK);
    p.sender_id_len = 8;
    ck_assert_int_eq(eh_oscore_ctx_derive(&ctx, &p), EH_ERR_ARG);
    ck_assert_ptr_null(ctx.aead); /* wiped on error */
    p.sender_id_len = 7;
    p.aead_alg = 1; /* A128GCM: 12-byte nonce, IDs up to 6 bytes */
    ck_assert_int_eq(eh_oscore_ctx_derive(&ctx, &p), EH_ERR_ARG);
    p.sender_id_len = 6;
    ck_assert_int_eq(eh_oscore_ctx_derive(&ctx, &p), EH_OK);
    ck_assert_ptr_eq(ctx.aead, &eh_aead_a128gcm);
    p.aead_alg = 12345;
    ck_assert_int_eq(eh_oscore_ctx_derive(&ctx, &p), EH_ERR_ARG);
    p.aead_alg = 0;
    p.hkdf = &eh_hash_shake256;
    ck_assert_int_eq(eh_oscore_ctx_derive(&ctx, &p), EH_ERR_UNSUPPORTED);
    p.hkdf = NULL;
    p.recipient_id = id; /* equal IDs */
    p.recipient_id_len = 6;
    ck_assert_int_eq(eh_oscore_ctx_derive(&ctx, &p), EH_ERR_ARG);
    p.recipient_id = other;
    p.recipient_id_len = 1;
    p.master_secret_len = 0;
    ck_assert_int_eq(eh_oscore_ctx_derive(&ctx, &p), EH_ERR_ARG);
    ck_assert_int_eq(eh_oscore_ctx_derive(&ctx, NULL), EH_ERR_ARG);
    eh_oscore_ctx_clear(NULL);
}
END_TEST

/* ------------------------------------------ requests C.4 - C.6 (client) */

typedef struct req_vec {
    const char *name;
    vec_ctx client, server;
    bool send_kid_context;
    const char *unprotected, *option_value, *ciphertext, *protected_req;
} req_vec;

static const vec_ctx C1_CLIENT = {C_MASTER_SALT, NULL, "", "01"};
static const vec_ctx C1_SERVER = {C_MASTER_SALT, NULL, "01", ""};

/* RFC 8613 Appendix C.4 (context of C.1), C.5 (C.2), C.6 (C.3, 'kid
 * context' sent); Sender Sequence Number 20 in each. */
static const req_vec req_vectors[] = {
    {"C.4", {C_MASTER_SALT, NULL, "", "01"}, {C_MASTER_SALT, NULL, "01", ""}, false,
     C4_UNPROTECTED, "0914", "612f1092f1776f1c1668b3825e",
     "44025d1f00003974396c6f63616c686f7374620914ff612f1092f1776f1c1668b3825e"},
    {"C.5", {NULL, NULL, "00", "01"}, {NULL, NULL, "01", "00"}, false,
     "440171c30000b932396c6f63616c686f737483747631", "091400", "4ed339a5a379b0b8bc731fffb0",
     "440271c30000b932396c6f63616c686f737463091400ff4ed339a5a379b0b8bc731fffb0"},
    {"C.6", {C_MASTER_SALT, C_ID_CONTEXT, "", "01"}, {C_MASTER_SALT, C_ID_CONTEXT, "01", ""},
     true, "44012f8eef9bbf7a396c6f63616c686f737483747631", "19140837cbf3210017a2d3",
     "72cd7273fd331ac45cffbe55c3",
     "44022f8eef9bbf7a396c6f63616c686f73746b19140837cbf3210017a2d3ff"
     "72cd7273fd331ac45cffbe55c3"},
};

START_TEST(test_request_vectors)
{
    const req_vec *v = &req_vectors[_i];
    eh_oscore_ctx client, server;
    derive_vec(&client, &v->client, v->send_kid_context);
    derive_vec(&server, &v->server, false);
    client.sender_seq = 20;

    dgram plain;
    dgram_from_hex(&plain, v->unprotected);
    eh_coap_msg prot;
    uint8_t buf[256];
    eh_oscore_req_state cst, sst;
    ck_assert_int_eq(eh_oscore_protect_request(&client, &plain.msg, &prot, buf, sizeof buf, &cst),
                     EH_OK);
    ck_assert_uint_eq(client.sender_seq, 21);
    int at = eh_coap_find_option(&prot, EH_COAP_OPT_OSCORE);
    ck_assert_int_ge(at, 0);
    expect_bytes(prot.opts[at].value, prot.opts[at].len, v->option_value, "OSCORE option value");
    expect_bytes(prot.payload, prot.payload_len, v->ciphertext, "ciphertext");
    ck_assert_int_eq(prot.code, EH_COAP_CODE_POST);
    expect_dgram(&plain.hdr, &prot, v->protected_req, "protected request");
    expect_bytes(cst.piv, cst.piv_len, "14", "request Partial IV");

    /* Server side: the RFC's protected bytes give the unprotected request. */
    dgram wire;
    dgram_from_hex(&wire, v->protected_req);
    eh_coap_msg back;
    uint8_t pt[256];
    ck_assert_int_eq(
        eh_oscore_unprotect_request(&server, &wire.msg, &back, pt, sizeof pt, &sst), EH_OK);
    expect_dgram(&wire.hdr, &back, v->unprotected, "unprotected request");
    ck_assert(sst.kid_len == cst.kid_len && memcmp(sst.kid, cst.kid, cst.kid_len) == 0);
    ck_assert(sst.piv_len == cst.piv_len && memcmp(sst.piv, cst.piv, cst.piv_len) == 0);
    ck_assert(memcmp(sst.nonce, cst.nonce, 13) == 0);
    /* Replay of the same bytes. */
    ck_assert_int_eq(eh_oscore_unprotect_request(&server, &wire.msg, &back, pt, sizeof pt, &sst),
                     EH_ERR_STATE);
    dgram_free(&wire);
    dgram_free(&plain);
    eh_oscore_ctx_clear(&client);
    eh_oscore_ctx_clear(&server);
}
END_TEST

/* C.4's nonce (RFC 8613 Appendix C.4: 0x4622d4dd6d944168eefb549868). */
START_TEST(test_request_nonce_c4)
{
    eh_oscore_ctx client;
    derive_vec(&client, &C1_CLIENT, false);
    client.sender_seq = 20;
    dgram plain;
    dgram_from_hex(&plain, C4_UNPROTECTED);
    eh_coap_msg prot;
    uint8_t buf[128];
    eh_oscore_req_state st;
    ck_assert_int_eq(eh_oscore_protect_request(&client, &plain.msg, &prot, buf, sizeof buf, &st),
                     EH_OK);
    expect_bytes(st.nonce, st.nonce_len, "4622d4dd6d944168eefb549868", "C.4 nonce");
    /* AAD of C.4 (RFC 8613 Appendix C.4: external_aad 0x8501810a40411440). */
    uint8_t aad[64];
    size_t aad_len;
    ck_assert_int_eq(
        eh_oscore_aad(&client, NULL, 0, st.piv, st.piv_len, aad, sizeof aad, &aad_len), EH_OK);
    expect_bytes(aad, aad_len, "8368456e63727970743040488501810a40411440", "C.4 AAD");
    ck_assert_int_eq(eh_oscore_aad(&client, NULL, 0, st.piv, st.piv_len, aad, 10, &aad_len),
                     EH_ERR_BUFFER_TOO_SMALL);
    dgram_free(&plain);
}
END_TEST

/* ---------------------------------------- responses C.7, C.8 (server) */

#define C7_UNPROTECTED "64455d1f00003974ff48656c6c6f20576f726c6421"
#define C4_PROTECTED "44025d1f00003974396c6f63616c686f7374620914ff612f1092f1776f1c1668b3825e"

static const struct {
    const char *name;
    bool with_piv;
    const char *option_value, *ciphertext, *protected_resp;
} resp_vectors[] = {
    /* RFC 8613 Appendix C.7: no Partial IV, request nonce reused. */
    {"C.7", false, "", "dbaad1e9a7e7b2a813d3c31524378303cdafae119106",
     "64445d1f0000397490ffdbaad1e9a7e7b2a813d3c31524378303cdafae119106"},
    /* RFC 8613 Appendix C.8: Partial IV 0x00 (Sender Sequence Number 0). */
    {"C.8", true, "0100", "4d4c13669384b67354b2b6175ff4b8658c666a6cf88e",
     "64445d1f00003974920100ff4d4c13669384b67354b2b6175ff4b8658c666a6cf88e"},
};

START_TEST(test_response_vectors)
{
    eh_oscore_ctx client, server;
    derive_vec(&client, &C1_CLIENT, false);
    derive_vec(&server, &C1_SERVER, false);
    client.sender_seq = 20;

    /* Both ends process the C.4 request to get the request state. */
    dgram req_plain, req_wire;
    dgram_from_hex(&req_plain, C4_UNPROTECTED);
    dgram_from_hex(&req_wire, C4_PROTECTED);
    eh_coap_msg m;
    uint8_t buf[256];
    eh_oscore_req_state cst, sst;
    ck_assert_int_eq(eh_oscore_protect_request(&client, &req_plain.msg, &m, buf, sizeof buf, &cst),
                     EH_OK);
    ck_assert_int_eq(eh_oscore_unprotect_request(&server, &req_wire.msg, &m, buf, sizeof buf, &sst),
                     EH_OK);

    const bool with_piv = resp_vectors[_i].with_piv;
    dgram plain;
    dgram_from_hex(&plain, C7_UNPROTECTED);
    eh_coap_msg prot;
    uint8_t rbuf[256];
    ck_assert_uint_eq(server.sender_seq, 0);
    ck_assert_int_eq(
        eh_oscore_protect_response(&server, &sst, with_piv, &plain.msg, &prot, rbuf, sizeof rbuf),
        EH_OK);
    ck_assert_uint_eq(server.sender_seq, with_piv ? 1 : 0);
    int at = eh_coap_find_option(&prot, EH_COAP_OPT_OSCORE);
    ck_assert_int_ge(at, 0);
    expect_bytes(prot.opts[at].value, prot.opts[at].len, resp_vectors[_i].option_value,
                 "OSCORE option value");
    expect_bytes(prot.payload, prot.payload_len, resp_vectors[_i].ciphertext, "ciphertext");
    ck_assert_int_eq(prot.code, EH_COAP_CODE_CHANGED);
    expect_dgram(&plain.hdr, &prot, resp_vectors[_i].protected_resp, "protected response");

    /* Client: the RFC's bytes give the unprotected response back. */
    dgram wire;
    dgram_from_hex(&wire, resp_vectors[_i].protected_resp);
    eh_coap_msg back;
    uint8_t pt[256];
    ck_assert_int_eq(eh_oscore_unprotect_response(&client, &cst, &wire.msg, &back, pt, sizeof pt),
                     EH_OK);
    expect_dgram(&wire.hdr, &back, C7_UNPROTECTED, "unprotected response");
    /* Bound to its request: another request state does not verify. */
    eh_oscore_req_state other = cst;
    other.piv[0] ^= 1;
    other.nonce[12] ^= 1;
    ck_assert_int_eq(eh_oscore_unprotect_response(&client, &other, &wire.msg, &back, pt, sizeof pt),
                     with_piv ? EH_ERR_STATE : EH_ERR_AEAD_TAG);

    dgram_free(&wire);
    dgram_free(&plain);
    dgram_free(&req_wire);
    dgram_free(&req_plain);
    eh_oscore_ctx_clear(&client);
    eh_oscore_ctx_clear(&server);
}
END_TEST

/* ------------------------------------------------------------ round trips */

static const uint8_t rt_secret[32] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
                                      0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00,
                                      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

static void rt_pair(eh_oscore_ctx *client, eh_oscore_ctx *server, int alg,
                    const eh_hash_alg *hkdf)
{
    static const uint8_t cid[] = {0x2b}, sid[] = {0x0a, 0x0b, 0x0c}, salt[] = {0x5a, 0xa5},
                         idctx[] = {0xc0, 0xff, 0xee};
    eh_oscore_params p = {0};
    p.master_secret = rt_secret;
    p.master_secret_len = sizeof rt_secret;
    p.master_salt = salt;
    p.master_salt_len = sizeof salt;
    p.id_context = idctx;
    p.id_context_len = sizeof idctx;
    p.aead_alg = alg;
    p.hkdf = hkdf;
    p.send_kid_context = true;
    p.sender_id = cid;
    p.sender_id_len = sizeof cid;
    p.recipient_id = sid;
    p.recipient_id_len = sizeof sid;
    ck_assert_int_eq(eh_oscore_ctx_derive(client, &p), EH_OK);
    p.send_kid_context = false;
    p.sender_id = sid;
    p.sender_id_len = sizeof sid;
    p.recipient_id = cid;
    p.recipient_id_len = sizeof cid;
    ck_assert_int_eq(eh_oscore_ctx_derive(server, &p), EH_OK);
    ck_assert(memcmp(client->sender_key, server->recipient_key, client->aead->key_len) == 0);
    ck_assert(memcmp(client->common_iv, server->common_iv, client->aead->nonce_len) == 0);
}

/* A request with class U options (Uri-Host, Uri-Port, EDHOC) and class E
 * options (Uri-Path twice, Content-Format, Uri-Query 15), and a payload. */
static void rt_request(eh_coap_msg *m, const uint8_t *payload, size_t payload_len)
{
    static const eh_coap_option opts[] = {
        {EH_COAP_OPT_URI_HOST, (const uint8_t *)"example.com", 11},
        {EH_COAP_OPT_URI_PORT, (const uint8_t *)"\x16\x33", 2},
        {EH_COAP_OPT_URI_PATH, (const uint8_t *)".well-known", 11},
        {EH_COAP_OPT_URI_PATH, (const uint8_t *)"edhoc", 5},
        {EH_COAP_OPT_CONTENT_FORMAT, (const uint8_t *)"\x3c", 1},
        {15, (const uint8_t *)"a=b", 3},
        {EH_COAP_OPT_EDHOC, NULL, 0},
    };
    memset(m, 0, sizeof *m);
    m->code = EH_COAP_CODE_POST;
    memcpy(m->opts, opts, sizeof opts);
    m->n_opts = sizeof opts / sizeof opts[0];
    m->payload = payload;
    m->payload_len = payload_len;
}

static void round_trip(int alg, const eh_hash_alg *hkdf)
{
    eh_oscore_ctx client, server;
    rt_pair(&client, &server, alg, hkdf);
    eh_coap_udp_hdr hdr = {EH_COAP_CON, 7, (const uint8_t *)"\x01\x02", 2};
    for (unsigned round = 0; round < 3; round++) {
        uint8_t payload[300];
        for (size_t i = 0; i < sizeof payload; i++)
            payload[i] = (uint8_t)(i * 7 + round);
        size_t plen = round == 1 ? 0 : (round == 0 ? 5 : sizeof payload);
        eh_coap_msg req, prot, got;
        rt_request(&req, payload, plen);
        uint8_t buf[512], pt[512];
        eh_oscore_req_state cst, sst;
        ck_assert_int_eq(eh_oscore_protect_request(&client, &req, &prot, buf, sizeof buf, &cst),
                         EH_OK);
        /* Only class U options stay outside. */
        for (size_t i = 0; i < prot.n_opts; i++)
            ck_assert(eh_oscore_option_is_class_u(prot.opts[i].number));
        ck_assert_uint_eq(prot.n_opts, 4);
        /* Over the wire as a datagram. */
        uint8_t wire[1024];
        size_t wlen;
        ck_assert_int_eq(eh_coap_udp_encode(&hdr, &prot, wire, sizeof wire, &wlen), EH_OK);
        dgram d = {heap_copy(wire, wlen), wlen, {0}, {0}};
        ck_assert_int_eq(eh_coap_udp_decode(d.bytes, d.len, &d.hdr, &d.msg), EH_OK);
        ck_assert_int_eq(eh_oscore_unprotect_request(&server, &d.msg, &got, pt, sizeof pt, &sst),
                         EH_OK);
        expect_same_msg(&hdr, &req, &got);
        dgram_free(&d);

        /* Response: 2.05 with Content-Format and a payload; with and without
         * Partial IV in turn. */
        eh_coap_msg resp = {0}, rprot, rgot;
        resp.code = EH_COAP_CODE_CONTENT;
        resp.opts[0] = (eh_coap_option){EH_COAP_OPT_CONTENT_FORMAT, NULL, 0};
        resp.n_opts = 1;
        resp.payload = payload;
        resp.payload_len = plen;
        bool with_piv = round == 2;
        ck_assert_int_eq(
            eh_oscore_protect_response(&server, &sst, with_piv, &resp, &rprot, buf, sizeof buf),
            EH_OK);
        ck_assert_int_eq(
            eh_oscore_unprotect_response(&client, &cst, &rprot, &rgot, pt, sizeof pt), EH_OK);
        expect_same_msg(&hdr, &resp, &rgot);
    }
    ck_assert_uint_eq(client.sender_seq, 3);
    ck_assert_uint_eq(server.sender_seq, 1);
    eh_oscore_ctx_clear(&client);
    eh_oscore_ctx_clear(&server);
}

static const int rt_algs[] = {10, 1, 3, 24};

START_TEST(test_round_trip)
{
    round_trip(rt_algs[_i], NULL);
}
END_TEST

START_TEST(test_round_trip_sha384)
{
    round_trip(10, &eh_hash_sha384);
    round_trip(3, &eh_hash_sha384);
}
END_TEST

/* ------------------------------------------------------ replay and errors */

/* Client protects a request with sequence number seq; server unprotects. */
static eh_err send_seq(eh_oscore_ctx *client, eh_oscore_ctx *server, uint64_t seq)
{
    eh_coap_msg req, prot, got;
    rt_request(&req, (const uint8_t *)"hi", 2);
    uint8_t buf[256], pt[256];
    eh_oscore_req_state cst, sst;
    client->sender_seq = seq;
    ck_assert_int_eq(eh_oscore_protect_request(client, &req, &prot, buf, sizeof buf, &cst), EH_OK);
    return eh_oscore_unprotect_request(server, &prot, &got, pt, sizeof pt, &sst);
}

START_TEST(test_replay_window)
{
    eh_oscore_ctx client, server;
    rt_pair(&client, &server, 10, NULL);
    ck_assert_int_eq(send_seq(&client, &server, 5), EH_OK);
    ck_assert_int_eq(send_seq(&client, &server, 5), EH_ERR_STATE);
    ck_assert_int_eq(send_seq(&client, &server, 3), EH_OK); /* late, in window */
    ck_assert_int_eq(send_seq(&client, &server, 3), EH_ERR_STATE);
    ck_assert_int_eq(send_seq(&client, &server, 40), EH_OK);
    ck_assert_int_eq(send_seq(&client, &server, 5), EH_ERR_STATE);  /* 35 behind */
    ck_assert_int_eq(send_seq(&client, &server, 8), EH_ERR_STATE);  /* 32 behind */
    ck_assert_int_eq(send_seq(&client, &server, 9), EH_OK);         /* 31 behind */
    ck_assert_int_eq(send_seq(&client, &server, 9), EH_ERR_STATE);
    ck_assert_int_eq(send_seq(&client, &server, 39), EH_OK);
    ck_assert_int_eq(send_seq(&client, &server, 40), EH_ERR_STATE);
    ck_assert_int_eq(send_seq(&client, &server, 1000), EH_OK);      /* jump clears */
    ck_assert_int_eq(send_seq(&client, &server, 999), EH_OK);
    ck_assert_int_eq(send_seq(&client, &server, 39), EH_ERR_STATE);
    ck_assert_int_eq(send_seq(&client, &server, EH_OSCORE_MAX_SEQ), EH_OK);
    /* Sender Sequence Number exhausted. */
    eh_coap_msg req, prot;
    rt_request(&req, NULL, 0);
    uint8_t buf[256];
    eh_oscore_req_state st;
    client.sender_seq = EH_OSCORE_MAX_SEQ + 1;
    ck_assert_int_eq(eh_oscore_protect_request(&client, &req, &prot, buf, sizeof buf, &st),
                     EH_ERR_STATE);
}
END_TEST

START_TEST(test_unprotect_errors)
{
    eh_oscore_ctx client, server;
    rt_pair(&client, &server, 10, NULL);
    eh_coap_msg req, prot, got, bad;
    rt_request(&req, (const uint8_t *)"hi", 2);
    uint8_t buf[256], pt[256];
    eh_oscore_req_state cst, sst;
    ck_assert_int_eq(eh_oscore_protect_request(&client, &req, &prot, buf, sizeof buf, &cst),
                     EH_OK);
    int at = eh_coap_find_option(&prot, EH_COAP_OPT_OSCORE);
    ck_assert_int_ge(at, 0);

    /* No OSCORE option. */
    bad = prot;
    memmove(&bad.opts[at], &bad.opts[at + 1], (bad.n_opts - at - 1) * sizeof bad.opts[0]);
    bad.n_opts--;
    ck_assert_int_eq(eh_oscore_unprotect_request(&server, &bad, &got, pt, sizeof pt, &sst),
                     EH_ERR_MESSAGE_FORMAT);
    /* Two OSCORE options. */
    bad = prot;
    bad.opts[bad.n_opts++] = prot.opts[at];
    ck_assert_int_eq(eh_oscore_unprotect_request(&server, &bad, &got, pt, sizeof pt, &sst),
                     EH_ERR_MESSAGE_FORMAT);
    /* Malformed value: reserved flag bit. */
    uint8_t val[64];
    memcpy(val, prot.opts[at].value, prot.opts[at].len);
    bad = prot;
    bad.opts[at].value = val;
    val[0] |= 0x20;
    ck_assert_int_eq(eh_oscore_unprotect_request(&server, &bad, &got, pt, sizeof pt, &sst),
                     EH_ERR_MESSAGE_FORMAT);
    /* Request without kid: flags 0x01, Partial IV 0x00. */
    static const uint8_t no_kid[] = {0x01, 0x00};
    bad.opts[at].value = no_kid;
    bad.opts[at].len = 2;
    ck_assert_int_eq(eh_oscore_unprotect_request(&server, &bad, &got, pt, sizeof pt, &sst),
                     EH_ERR_MESSAGE_FORMAT);
    /* Non-shortest Partial IV 0x0000 with the right kid and kid context. */
    static const uint8_t long_piv[] = {0x1a, 0x00, 0x00, 0x03, 0xc0, 0xff, 0xee, 0x2b};
    bad.opts[at].value = long_piv;
    bad.opts[at].len = sizeof long_piv;
    ck_assert_int_eq(eh_oscore_unprotect_request(&server, &bad, &got, pt, sizeof pt, &sst),
                     EH_ERR_MESSAGE_FORMAT);
    /* Unknown kid (server's own ID, and one byte too many). */
    static const uint8_t kid_sid[] = {0x19, 0x00, 0x03, 0xc0, 0xff, 0xee, 0x0a, 0x0b, 0x0c};
    bad.opts[at].value = kid_sid;
    bad.opts[at].len = sizeof kid_sid;
    ck_assert_int_eq(eh_oscore_unprotect_request(&server, &bad, &got, pt, sizeof pt, &sst),
                     EH_ERR_UNKNOWN_CREDENTIAL);
    static const uint8_t kid_long[] = {0x19, 0x00, 0x03, 0xc0, 0xff, 0xee, 0x2b, 0x00};
    bad.opts[at].value = kid_long;
    bad.opts[at].len = sizeof kid_long;
    ck_assert_int_eq(eh_oscore_unprotect_request(&server, &bad, &got, pt, sizeof pt, &sst),
                     EH_ERR_UNKNOWN_CREDENTIAL);
    /* Wrong kid context. */
    static const uint8_t bad_ctx[] = {0x19, 0x00, 0x03, 0xc0, 0xff, 0xef, 0x2b};
    bad.opts[at].value = bad_ctx;
    bad.opts[at].len = sizeof bad_ctx;
    ck_assert_int_eq(eh_oscore_unprotect_request(&server, &bad, &got, pt, sizeof pt, &sst),
                     EH_ERR_UNKNOWN_CREDENTIAL);
    /* Ciphertext shorter than tag + 1. */
    bad = prot;
    bad.payload_len = client.aead->tag_len;
    ck_assert_int_eq(eh_oscore_unprotect_request(&server, &bad, &got, pt, sizeof pt, &sst),
                     EH_ERR_MESSAGE_FORMAT);
    /* Output buffer too small. */
    ck_assert_int_eq(eh_oscore_unprotect_request(&server, &prot, &got, pt, 3, &sst),
                     EH_ERR_BUFFER_TOO_SMALL);
    /* Every bit flip of the ciphertext fails the tag; then the original,
     * never accepted before, still verifies (failures leave the window). */
    uint8_t ct[256];
    memcpy(ct, prot.payload, prot.payload_len);
    bad = prot;
    bad.payload = ct;
    for (size_t bit = 0; bit < 8 * prot.payload_len; bit++) {
        ct[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        ck_assert_int_eq(eh_oscore_unprotect_request(&server, &bad, &got, pt, sizeof pt, &sst),
                         EH_ERR_AEAD_TAG);
        ct[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    /* A bit flip of the Partial IV changes nonce and AAD. */
    memcpy(val, prot.opts[at].value, prot.opts[at].len);
    bad = prot;
    bad.opts[at].value = val;
    val[1] ^= 0x01;
    ck_assert_int_eq(eh_oscore_unprotect_request(&server, &bad, &got, pt, sizeof pt, &sst),
                     EH_ERR_AEAD_TAG);
    ck_assert_int_eq(eh_oscore_unprotect_request(&server, &prot, &got, pt, sizeof pt, &sst),
                     EH_OK);
    expect_same_msg(&(eh_coap_udp_hdr){0, 0, NULL, 0}, &req, &got);

    /* Protect: OSCORE option already present, buffer too small. */
    bad = req;
    bad.opts[bad.n_opts++] = (eh_coap_option){EH_COAP_OPT_OSCORE, NULL, 0};
    ck_assert_int_eq(eh_oscore_protect_request(&client, &bad, &got, buf, sizeof buf, &cst),
                     EH_ERR_ARG);
    uint64_t seq = client.sender_seq;
    ck_assert_int_eq(eh_oscore_protect_request(&client, &req, &got, buf, 20, &cst),
                     EH_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(client.sender_seq, seq); /* nothing consumed on failure */

    /* Response errors: bit flips of the response ciphertext. */
    eh_coap_msg resp = {0}, rprot;
    resp.code = EH_COAP_CODE_CONTENT;
    resp.payload = (const uint8_t *)"ok";
    resp.payload_len = 2;
    ck_assert_int_eq(eh_oscore_protect_request(&client, &req, &prot, buf, sizeof buf, &cst),
                     EH_OK);
    ck_assert_int_eq(eh_oscore_unprotect_request(&server, &prot, &got, pt, sizeof pt, &sst),
                     EH_OK);
    uint8_t rbuf[128];
    ck_assert_int_eq(
        eh_oscore_protect_response(&server, &sst, false, &resp, &rprot, rbuf, sizeof rbuf),
        EH_OK);
    memcpy(ct, rprot.payload, rprot.payload_len);
    bad = rprot;
    bad.payload = ct;
    for (size_t bit = 0; bit < 8 * rprot.payload_len; bit++) {
        ct[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        ck_assert_int_eq(eh_oscore_unprotect_response(&client, &cst, &bad, &got, pt, sizeof pt),
                         EH_ERR_AEAD_TAG);
        ct[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    /* Response without OSCORE option. */
    bad = rprot;
    bad.n_opts = 0;
    ck_assert_int_eq(eh_oscore_unprotect_response(&client, &cst, &bad, &got, pt, sizeof pt),
                     EH_ERR_MESSAGE_FORMAT);
    ck_assert_int_eq(eh_oscore_unprotect_response(&client, &cst, &rprot, &got, pt, sizeof pt),
                     EH_OK);
    expect_same_msg(&(eh_coap_udp_hdr){0, 0, NULL, 0}, &resp, &got);
}
END_TEST

/* Every truncation and bit flip of a protected request datagram: decode +
 * unprotect never crash, and only flips outside the protected parts (the
 * messaging header, token, outer Uri-Host value) can still verify. */
START_TEST(test_protected_truncations_and_bit_flips)
{
    eh_oscore_ctx client, server;
    derive_vec(&client, &C1_CLIENT, false);
    derive_vec(&server, &C1_SERVER, false);
    uint8_t wire[128];
    size_t n = tu_hex(C4_PROTECTED, wire, sizeof wire);
    for (size_t round = 0; round <= n + 8 * n; round++) {
        size_t len = n;
        size_t bit = 0;
        if (round < n)
            len = round; /* truncation */
        else if (round > n)
            bit = round - n - 1;
        if (round > n)
            wire[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        uint8_t *heap = heap_copy(wire, len);
        eh_coap_udp_hdr hdr;
        eh_coap_msg msg, got;
        uint8_t pt[128];
        eh_oscore_req_state sst;
        if (eh_coap_udp_decode(heap, len, &hdr, &msg) == EH_OK) {
            server.replay_used = false; /* every attempt is a first */
            eh_err err = eh_oscore_unprotect_request(&server, &msg, &got, pt, sizeof pt, &sst);
            if (err == EH_OK)
                ck_assert_msg(round == n ||
                                  (round > n && (bit / 8 < 8 || (bit / 8 >= 9 && bit / 8 < 18))),
                              "%s %zu accepted", round < n ? "truncation to" : "flip of bit",
                              round < n ? len : bit);
            else if (round == n)
                ck_abort_msg("unmodified message rejected: %s", eh_err_name(err));
        }
        free(heap);
        if (round > n)
            wire[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
}
END_TEST

Suite *eh_test_oscore_suite(void)
{
    Suite *s = suite_create("oscore");

    TCase *coap = tcase_create("coap");
    tcase_set_timeout(coap, 60);
    tcase_add_test(coap, test_coap_decode_encode);
    tcase_add_test(coap, test_coap_options_extended_forms);
    tcase_add_test(coap, test_coap_malformed);
    tcase_add_test(coap, test_coap_truncations_and_bit_flips);
    suite_add_tcase(s, coap);

    TCase *opt = tcase_create("option");
    tcase_add_test(opt, test_option_value_codec);
    tcase_add_test(opt, test_option_value_truncations_and_bit_flips);
    suite_add_tcase(s, opt);

    TCase *known = tcase_create("rfc8613");
    tcase_add_loop_test(known, test_context_derivation_rfc8613, 0,
                        (int)(sizeof kdf_vectors / sizeof kdf_vectors[0]));
    tcase_add_test(known, test_context_derivation_errors);
    tcase_add_loop_test(known, test_request_vectors, 0,
                        (int)(sizeof req_vectors / sizeof req_vectors[0]));
    tcase_add_test(known, test_request_nonce_c4);
    tcase_add_loop_test(known, test_response_vectors, 0,
                        (int)(sizeof resp_vectors / sizeof resp_vectors[0]));
    suite_add_tcase(s, known);

    TCase *rt = tcase_create("round-trip");
    tcase_add_loop_test(rt, test_round_trip, 0, (int)(sizeof rt_algs / sizeof rt_algs[0]));
    tcase_add_test(rt, test_round_trip_sha384);
    suite_add_tcase(s, rt);

    TCase *err = tcase_create("errors");
    tcase_set_timeout(err, 60);
    tcase_add_test(err, test_replay_window);
    tcase_add_test(err, test_unprotect_errors);
    tcase_add_test(err, test_protected_truncations_and_bit_flips);
    suite_add_tcase(s, err);

    return s;
}

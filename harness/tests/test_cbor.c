/*
 * test_cbor.c - unit tests of harness/cbor: RFC 8949 Appendix A known
 * answers (writer bytes and diagnostic text), strict/lenient reading,
 * deterministic-encoding findings with offsets, robustness on truncated and
 * bit-flipped input, and the RFC 9529 message_1 use case.
 *
 * Inputs for robustness tests are copied into exact-size heap blocks so that
 * AddressSanitizer reports any read past the end.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cbor/cbor.h"

/* --------------------------------------------------------------- helpers */

static int hex_nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Hex (spaces ignored) into out; aborts the test on bad input. */
static size_t hex_decode(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int high = -1;
    for (const char *p = hex; *p; p++) {
        if (*p == ' ')
            continue;
        int v = hex_nibble(*p);
        ck_assert_msg(v >= 0, "bad hex digit in %s", hex);
        if (high < 0) {
            high = v;
            continue;
        }
        ck_assert_msg(n < cap, "hex too long: %s", hex);
        out[n++] = (uint8_t)(high << 4 | v);
        high = -1;
    }
    ck_assert_msg(high < 0, "odd hex length: %s", hex);
    return n;
}

/* Exact-size heap copy (at least one byte allocated, so never NULL). */
static uint8_t *heap_copy(const uint8_t *data, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(copy);
    if (len)
        memcpy(copy, data, len);
    return copy;
}

static void expect_written(const eh_cbor_writer *w, const char *hex)
{
    uint8_t want[256];
    size_t n = hex_decode(hex, want, sizeof want);
    ck_assert_int_eq(eh_cbor_writer_status(w), EH_OK);
    ck_assert_msg(w->len == n, "wrote %zu bytes, expected %zu (%s)", w->len, n, hex);
    ck_assert_msg(memcmp(w->buf, want, n) == 0, "bytes differ from %s", hex);
}

/* Build with writer calls into a fresh writer `w`, then compare with hex. */
#define WRITE_CASE(hex, ...)                                                \
    do {                                                                    \
        uint8_t case_buf_[256];                                             \
        eh_cbor_writer case_writer_;                                        \
        eh_cbor_writer_init(&case_writer_, case_buf_, sizeof case_buf_);    \
        eh_cbor_writer *w = &case_writer_;                                  \
        __VA_ARGS__;                                                        \
        expect_written(w, hex);                                             \
    } while (0)

static void expect_diag(const char *hex, const char *want)
{
    uint8_t in[256];
    char text[512];
    size_t n = hex_decode(hex, in, sizeof in);
    eh_err err = eh_cbor_diag(in, n, text, sizeof text);
    ck_assert_msg(err == EH_OK, "diag(%s): %s", hex, eh_err_name(err));
    ck_assert_str_eq(text, want);
}

/* A reader over hex decoded into storage. */
static void reader_from_hex(eh_cbor_reader *r, uint8_t *storage, size_t cap, const char *hex)
{
    eh_cbor_reader_init(r, storage, hex_decode(hex, storage, cap));
}

/* RFC 9529 trace 2, message_1: METHOD, SUITES_I, G_X, C_I. */
static const char message_1_hex[] =
    "0382060258208af6f430ebe18d34184017a9a11bf511c8dff8f834730b96c1b7c8dbca2fc3b637";

/* ----------------------------------------------- RFC 8949 Appendix A data */

typedef struct known_answer {
    const char *hex;
    const char *diag;
    bool deterministic; /* per RFC 8949 §4.2.1, floats not judged */
} known_answer;

static const known_answer rfc8949_examples[] = {
    { "00", "0", true },
    { "01", "1", true },
    { "0a", "10", true },
    { "17", "23", true },
    { "1818", "24", true },
    { "1819", "25", true },
    { "1864", "100", true },
    { "1903e8", "1000", true },
    { "1a000f4240", "1000000", true },
    { "1b000000e8d4a51000", "1000000000000", true },
    { "1bffffffffffffffff", "18446744073709551615", true },
    { "c249010000000000000000", "2(h'010000000000000000')", true },
    { "3bffffffffffffffff", "-18446744073709551616", true },
    { "c349010000000000000000", "3(h'010000000000000000')", true },
    { "20", "-1", true },
    { "29", "-10", true },
    { "3863", "-100", true },
    { "3903e7", "-1000", true },
    { "f90000", "float16(0x0000)", true },
    { "f98000", "float16(0x8000)", true },
    { "f93c00", "float16(0x3c00)", true },
    { "fb3ff199999999999a", "float64(0x3ff199999999999a)", true },
    { "f93e00", "float16(0x3e00)", true },
    { "f97bff", "float16(0x7bff)", true },
    { "fa47c35000", "float32(0x47c35000)", true },
    { "fa7f7fffff", "float32(0x7f7fffff)", true },
    { "fb7e37e43c8800759c", "float64(0x7e37e43c8800759c)", true },
    { "f90001", "float16(0x0001)", true },
    { "f90400", "float16(0x0400)", true },
    { "f9c400", "float16(0xc400)", true },
    { "fbc010666666666666", "float64(0xc010666666666666)", true },
    { "f97c00", "float16(0x7c00)", true },
    { "f97e00", "float16(0x7e00)", true },
    { "f9fc00", "float16(0xfc00)", true },
    { "fa7f800000", "float32(0x7f800000)", true },
    { "fa7fc00000", "float32(0x7fc00000)", true },
    { "faff800000", "float32(0xff800000)", true },
    { "fb7ff0000000000000", "float64(0x7ff0000000000000)", true },
    { "fb7ff8000000000000", "float64(0x7ff8000000000000)", true },
    { "fbfff0000000000000", "float64(0xfff0000000000000)", true },
    { "f4", "false", true },
    { "f5", "true", true },
    { "f6", "null", true },
    { "f7", "undefined", true },
    { "f0", "simple(16)", true },
    { "f8ff", "simple(255)", true },
    { "c074323031332d30332d32315432303a30343a30305a", "0(\"2013-03-21T20:04:00Z\")", true },
    { "c11a514b67b0", "1(1363896240)", true },
    { "c1fb41d452d9ec200000", "1(float64(0x41d452d9ec200000))", true },
    { "d74401020304", "23(h'01020304')", true },
    { "d818456449455446", "24(h'6449455446')", true },
    { "d82076687474703a2f2f7777772e6578616d706c652e636f6d",
      "32(\"http://www.example.com\")", true },
    { "40", "h''", true },
    { "4401020304", "h'01020304'", true },
    { "60", "\"\"", true },
    { "6161", "\"a\"", true },
    { "6449455446", "\"IETF\"", true },
    { "62225c", "\"\\\"\\\\\"", true },
    { "62c3bc", "\"\xc3\xbc\"", true },          /* "\u00fc": UTF-8 copied */
    { "63e6b0b4", "\"\xe6\xb0\xb4\"", true },     /* "\u6c34" */
    { "64f0908591", "\"\xf0\x90\x85\x91\"", true }, /* "\ud800\udd51" */
    { "80", "[]", true },
    { "83010203", "[1, 2, 3]", true },
    { "8301820203820405", "[1, [2, 3], [4, 5]]", true },
    { "98190102030405060708090a0b0c0d0e0f101112131415161718181819",
      "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, "
      "21, 22, 23, 24, 25]", true },
    { "a0", "{}", true },
    { "a201020304", "{1: 2, 3: 4}", true },
    { "a26161016162820203", "{\"a\": 1, \"b\": [2, 3]}", true },
    { "826161a161626163", "[\"a\", {\"b\": \"c\"}]", true },
    { "a56161614161626142616361436164614461656145",
      "{\"a\": \"A\", \"b\": \"B\", \"c\": \"C\", \"d\": \"D\", \"e\": \"E\"}", true },
    { "5f42010243030405ff", "(_ h'0102', h'030405')", false },
    { "7f657374726561646d696e67ff", "(_ \"strea\", \"ming\")", false },
    { "9fff", "[_ ]", false },
    { "9f018202039f0405ffff", "[_ 1, [2, 3], [_ 4, 5]]", false },
    { "9f01820203820405ff", "[_ 1, [2, 3], [4, 5]]", false },
    { "83018202039f0405ff", "[1, [2, 3], [_ 4, 5]]", false },
    { "83019f0203ff820405", "[1, [_ 2, 3], [4, 5]]", false },
    { "9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff",
      "[_ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, "
      "21, 22, 23, 24, 25]", false },
    { "bf61610161629f0203ffff", "{_ \"a\": 1, \"b\": [_ 2, 3]}", false },
    { "826161bf61626163ff", "[\"a\", {_ \"b\": \"c\"}]", false },
    { "bf6346756ef563416d7421ff", "{_ \"Fun\": true, \"Amt\": -2}", false },
};

#define N_EXAMPLES (sizeof rfc8949_examples / sizeof rfc8949_examples[0])

/* ----------------------------------------------------- known answers */

START_TEST(test_writer_rfc8949_integers)
{
    static const struct { uint64_t value; const char *hex; } uints[] = {
        { 0, "00" }, { 1, "01" }, { 10, "0a" }, { 23, "17" }, { 24, "1818" },
        { 25, "1819" }, { 100, "1864" }, { 1000, "1903e8" },
        { 1000000, "1a000f4240" }, { 1000000000000, "1b000000e8d4a51000" },
        { UINT64_MAX, "1bffffffffffffffff" },
    };
    static const struct { int64_t value; const char *hex; } ints[] = {
        { 0, "00" }, { 100, "1864" }, { 1000000000000, "1b000000e8d4a51000" },
        { -1, "20" }, { -10, "29" }, { -24, "37" }, { -25, "3818" },
        { -100, "3863" }, { -1000, "3903e7" },
        { INT64_MAX, "1b7fffffffffffffff" }, { INT64_MIN, "3b7fffffffffffffff" },
    };
    for (size_t i = 0; i < sizeof uints / sizeof uints[0]; i++)
        WRITE_CASE(uints[i].hex, eh_cbor_write_uint(w, uints[i].value));
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        WRITE_CASE(ints[i].hex, eh_cbor_write_int(w, ints[i].value));
    /* -18446744073709551616 has no int64_t; the head writer reaches it. */
    WRITE_CASE("3bffffffffffffffff", eh_cbor_write_head_width(w, EH_CBOR_NEGINT, UINT64_MAX, 8));
}
END_TEST

START_TEST(test_writer_rfc8949_strings_and_containers)
{
    static const uint8_t b4[] = { 1, 2, 3, 4 };
    static const uint8_t bignum[] = { 1, 0, 0, 0, 0, 0, 0, 0, 0 };
    WRITE_CASE("40", eh_cbor_write_bstr(w, NULL, 0));
    WRITE_CASE("4401020304", eh_cbor_write_bstr(w, b4, 4));
    WRITE_CASE("60", eh_cbor_write_tstr(w, "", 0));
    WRITE_CASE("6161", eh_cbor_write_tstr(w, "a", 1));
    WRITE_CASE("6449455446", eh_cbor_write_tstr(w, "IETF", 4));
    WRITE_CASE("62225c", eh_cbor_write_tstr(w, "\"\\", 2));
    WRITE_CASE("62c3bc", eh_cbor_write_tstr(w, "\xc3\xbc", 2));
    WRITE_CASE("63e6b0b4", eh_cbor_write_tstr(w, "\xe6\xb0\xb4", 3));
    WRITE_CASE("64f0908591", eh_cbor_write_tstr(w, "\xf0\x90\x85\x91", 4));
    WRITE_CASE("80", eh_cbor_write_array(w, 0));
    WRITE_CASE("83010203", eh_cbor_write_array(w, 3); eh_cbor_write_int(w, 1);
               eh_cbor_write_int(w, 2); eh_cbor_write_int(w, 3));
    WRITE_CASE("8301820203820405", eh_cbor_write_array(w, 3); eh_cbor_write_uint(w, 1);
               eh_cbor_write_array(w, 2); eh_cbor_write_uint(w, 2); eh_cbor_write_uint(w, 3);
               eh_cbor_write_array(w, 2); eh_cbor_write_uint(w, 4); eh_cbor_write_uint(w, 5));
    WRITE_CASE("98190102030405060708090a0b0c0d0e0f101112131415161718181819",
               eh_cbor_write_array(w, 25);
               for (uint64_t v = 1; v <= 25; v++) eh_cbor_write_uint(w, v));
    WRITE_CASE("a0", eh_cbor_write_map(w, 0));
    WRITE_CASE("a201020304", eh_cbor_write_map(w, 2); eh_cbor_write_uint(w, 1);
               eh_cbor_write_uint(w, 2); eh_cbor_write_uint(w, 3); eh_cbor_write_uint(w, 4));
    WRITE_CASE("a26161016162820203", eh_cbor_write_map(w, 2); eh_cbor_write_tstr(w, "a", 1);
               eh_cbor_write_uint(w, 1); eh_cbor_write_tstr(w, "b", 1);
               eh_cbor_write_array(w, 2); eh_cbor_write_uint(w, 2); eh_cbor_write_uint(w, 3));
    WRITE_CASE("826161a161626163", eh_cbor_write_array(w, 2); eh_cbor_write_tstr(w, "a", 1);
               eh_cbor_write_map(w, 1); eh_cbor_write_tstr(w, "b", 1);
               eh_cbor_write_tstr(w, "c", 1));
    WRITE_CASE("a56161614161626142616361436164614461656145", eh_cbor_write_map(w, 5);
               for (char c = 'a'; c <= 'e'; c++) {
                   char upper = (char)(c - 'a' + 'A');
                   eh_cbor_write_tstr(w, &c, 1);
                   eh_cbor_write_tstr(w, &upper, 1);
               });
    WRITE_CASE("c249010000000000000000", eh_cbor_write_tag(w, 2);
               eh_cbor_write_bstr(w, bignum, sizeof bignum));
    WRITE_CASE("c349010000000000000000", eh_cbor_write_tag(w, 3);
               eh_cbor_write_bstr(w, bignum, sizeof bignum));
}
END_TEST

START_TEST(test_writer_rfc8949_tags_simple_floats_indefinite)
{
    static const char date[] = "2013-03-21T20:04:00Z";
    static const char url[] = "http://www.example.com";
    static const uint8_t b4[] = { 1, 2, 3, 4 };
    static const uint8_t ietf[] = { 0x64, 0x49, 0x45, 0x54, 0x46 };
    WRITE_CASE("c074323031332d30332d32315432303a30343a30305a", eh_cbor_write_tag(w, 0);
               eh_cbor_write_tstr(w, date, strlen(date)));
    WRITE_CASE("c11a514b67b0", eh_cbor_write_tag(w, 1); eh_cbor_write_uint(w, 1363896240));
    WRITE_CASE("c1fb41d452d9ec200000", eh_cbor_write_tag(w, 1);
               eh_cbor_write_head_width(w, EH_CBOR_SIMPLE, 0x41d452d9ec200000u, 8));
    WRITE_CASE("d74401020304", eh_cbor_write_tag(w, 23); eh_cbor_write_bstr(w, b4, 4));
    WRITE_CASE("d818456449455446", eh_cbor_write_tag(w, 24);
               eh_cbor_write_bstr(w, ietf, sizeof ietf));
    WRITE_CASE("d82076687474703a2f2f7777772e6578616d706c652e636f6d", eh_cbor_write_tag(w, 32);
               eh_cbor_write_tstr(w, url, strlen(url)));
    WRITE_CASE("f4", eh_cbor_write_bool(w, false));
    WRITE_CASE("f5", eh_cbor_write_bool(w, true));
    WRITE_CASE("f6", eh_cbor_write_simple(w, EH_CBOR_NULL));
    WRITE_CASE("f7", eh_cbor_write_simple(w, 23));
    WRITE_CASE("f0", eh_cbor_write_simple(w, 16));
    WRITE_CASE("f8ff", eh_cbor_write_simple(w, 255));
    WRITE_CASE("f93c00", eh_cbor_write_head_width(w, EH_CBOR_SIMPLE, 0x3c00, 2));
    WRITE_CASE("fa47c35000", eh_cbor_write_head_width(w, EH_CBOR_SIMPLE, 0x47c35000, 4));
    WRITE_CASE("fbc010666666666666",
               eh_cbor_write_head_width(w, EH_CBOR_SIMPLE, 0xc010666666666666u, 8));
    WRITE_CASE("5f42010243030405ff", eh_cbor_write_indefinite(w, EH_CBOR_BSTR);
               eh_cbor_write_bstr(w, b4, 2); eh_cbor_write_raw(w, (const uint8_t *)"\x43\x03\x04\x05", 4);
               eh_cbor_write_break(w));
    WRITE_CASE("7f657374726561646d696e67ff", eh_cbor_write_indefinite(w, EH_CBOR_TSTR);
               eh_cbor_write_tstr(w, "strea", 5); eh_cbor_write_tstr(w, "ming", 4);
               eh_cbor_write_break(w));
    WRITE_CASE("9fff", eh_cbor_write_indefinite(w, EH_CBOR_ARRAY); eh_cbor_write_break(w));
    WRITE_CASE("9f018202039f0405ffff", eh_cbor_write_indefinite(w, EH_CBOR_ARRAY);
               eh_cbor_write_uint(w, 1); eh_cbor_write_array(w, 2); eh_cbor_write_uint(w, 2);
               eh_cbor_write_uint(w, 3); eh_cbor_write_indefinite(w, EH_CBOR_ARRAY);
               eh_cbor_write_uint(w, 4); eh_cbor_write_uint(w, 5); eh_cbor_write_break(w);
               eh_cbor_write_break(w));
    WRITE_CASE("bf6346756ef563416d7421ff", eh_cbor_write_indefinite(w, EH_CBOR_MAP);
               eh_cbor_write_tstr(w, "Fun", 3); eh_cbor_write_bool(w, true);
               eh_cbor_write_tstr(w, "Amt", 3); eh_cbor_write_int(w, -2);
               eh_cbor_write_break(w));
}
END_TEST

START_TEST(test_diag_rfc8949)
{
    for (size_t i = 0; i < N_EXAMPLES; i++)
        expect_diag(rfc8949_examples[i].hex, rfc8949_examples[i].diag);
}
END_TEST

/* Every example is well-formed; check() and read_item() agree on which are
 * deterministic, and diag() of the whole table as one sequence is the
 * examples joined by ", ". */
START_TEST(test_check_rfc8949)
{
    static uint8_t all[2048];
    static char want[4096], got[4096];
    size_t all_len = 0, want_len = 0;
    for (size_t i = 0; i < N_EXAMPLES; i++) {
        const known_answer *ka = &rfc8949_examples[i];
        uint8_t in[256];
        size_t n = hex_decode(ka->hex, in, sizeof in);
        eh_cbor_check_result res;
        eh_err err = eh_cbor_check(in, n, &res);
        ck_assert_msg(err == (ka->deterministic ? EH_OK : EH_ERR_CBOR_NONDETERMINISTIC),
                      "check(%s): %s", ka->hex, eh_err_name(err));
        ck_assert_uint_eq(res.items, 1);
        ck_assert_ptr_nonnull(res.what);

        eh_cbor_reader r;
        eh_cbor_reader_init(&r, in, n);
        const uint8_t *item;
        size_t item_len;
        err = eh_cbor_read_item(&r, &item, &item_len);
        if (ka->deterministic) {
            ck_assert_msg(err == EH_OK, "read_item(%s): %s", ka->hex, eh_err_name(err));
            ck_assert_ptr_eq(item, in);
            ck_assert_uint_eq(item_len, n);
            ck_assert(eh_cbor_at_end(&r));
        } else {
            ck_assert_int_eq(err, EH_ERR_CBOR_NONDETERMINISTIC);
            ck_assert_uint_eq(r.pos, 0);
        }

        memcpy(all + all_len, in, n);
        all_len += n;
        want_len += (size_t)snprintf(want + want_len, sizeof want - want_len, "%s%s",
                                     i ? ", " : "", ka->diag);
    }
    eh_cbor_check_result res;
    ck_assert_int_eq(eh_cbor_check(all, all_len, &res), EH_ERR_CBOR_NONDETERMINISTIC);
    ck_assert_uint_eq(res.items, N_EXAMPLES);
    ck_assert_str_eq(res.what, "indefinite length");
    ck_assert_int_eq(eh_cbor_diag(all, all_len, got, sizeof got), EH_OK);
    ck_assert_str_eq(got, want);
}
END_TEST

/* ------------------------------------------------------------ reader */

START_TEST(test_typed_reads)
{
    uint8_t buf[64];
    eh_cbor_reader r;
    reader_from_hex(&r, buf, sizeof buf, "01 20 1bffffffffffffffff 43616263 6449455446 "
                                         "a1 01 02 c1 f5 f6 f8ff 80");
    ck_assert_int_eq(eh_cbor_peek_major(&r), EH_CBOR_UINT);
    int64_t i;
    uint64_t u;
    const uint8_t *data;
    size_t len, count;
    uint8_t simple;
    ck_assert_int_eq(eh_cbor_read_int(&r, &i), EH_OK);
    ck_assert_int_eq(i, 1);
    ck_assert_int_eq(eh_cbor_read_uint(&r, &u), EH_ERR_CBOR_TYPE);
    ck_assert_int_eq(r.err, EH_ERR_CBOR_TYPE);
    ck_assert_uint_eq(r.err_offset, 1);
    ck_assert_uint_eq(r.pos, 1);
    ck_assert_int_eq(eh_cbor_read_int(&r, &i), EH_OK);
    ck_assert_int_eq(i, -1);
    ck_assert_int_eq(eh_cbor_read_uint(&r, &u), EH_OK);
    ck_assert_uint_eq(u, UINT64_MAX);
    ck_assert_int_eq(eh_cbor_read_tstr(&r, &data, &len), EH_ERR_CBOR_TYPE);
    ck_assert_int_eq(eh_cbor_read_bstr(&r, &data, &len), EH_OK);
    ck_assert_uint_eq(len, 3);
    ck_assert_mem_eq(data, "abc", 3);
    ck_assert_ptr_eq(data, buf + 12);
    ck_assert_int_eq(eh_cbor_read_bstr(&r, &data, &len), EH_ERR_CBOR_TYPE);
    ck_assert_int_eq(eh_cbor_read_tstr(&r, &data, &len), EH_OK);
    ck_assert_uint_eq(len, 4);
    ck_assert_mem_eq(data, "IETF", 4);
    ck_assert_int_eq(eh_cbor_read_array(&r, &count), EH_ERR_CBOR_TYPE);
    ck_assert_int_eq(eh_cbor_read_map(&r, &count), EH_OK);
    ck_assert_uint_eq(count, 1);
    ck_assert_int_eq(eh_cbor_read_uint(&r, &u), EH_OK);
    ck_assert_int_eq(eh_cbor_read_uint(&r, &u), EH_OK);
    ck_assert_int_eq(eh_cbor_peek_major(&r), EH_CBOR_TAG);
    ck_assert_int_eq(eh_cbor_read_simple(&r, &simple), EH_ERR_CBOR_TYPE);
    ck_assert_int_eq(eh_cbor_read_tag(&r, &u), EH_OK);
    ck_assert_uint_eq(u, 1);
    ck_assert_int_eq(eh_cbor_read_simple(&r, &simple), EH_OK);
    ck_assert_uint_eq(simple, EH_CBOR_TRUE);
    ck_assert_int_eq(eh_cbor_read_simple(&r, &simple), EH_OK);
    ck_assert_uint_eq(simple, EH_CBOR_NULL);
    ck_assert_int_eq(eh_cbor_read_simple(&r, &simple), EH_OK);
    ck_assert_uint_eq(simple, 255);
    ck_assert_int_eq(eh_cbor_read_array(&r, &count), EH_OK);
    ck_assert_uint_eq(count, 0);
    ck_assert(eh_cbor_at_end(&r));
    ck_assert_int_eq(eh_cbor_peek_major(&r), -1);
    ck_assert_int_eq(eh_cbor_read_int(&r, &i), EH_ERR_CBOR_TRUNCATED);
    ck_assert_int_eq(eh_cbor_read_item(&r, &data, &len), EH_ERR_CBOR_TRUNCATED);

    /* empty input, NULL buffer */
    eh_cbor_reader_init(&r, NULL, 0);
    ck_assert(eh_cbor_at_end(&r));
    ck_assert_int_eq(eh_cbor_read_bstr(&r, &data, &len), EH_ERR_CBOR_TRUNCATED);
}
END_TEST

/* One non-deterministic form, preceded by two items so offsets are not 0. */
typedef struct nondet_case {
    const char *hex;         /* the item alone */
    int major;               /* read with the typed read of this major */
    bool indefinite;         /* else non-shortest head */
} nondet_case;

static const nondet_case nondet_cases[] = {
    { "1805", EH_CBOR_UINT, false },
    { "190003", EH_CBOR_UINT, false },
    { "1900ff", EH_CBOR_UINT, false },
    { "1a0000ffff", EH_CBOR_UINT, false },
    { "1b00000000ffffffff", EH_CBOR_UINT, false },
    { "3805", EH_CBOR_NEGINT, false },
    { "39000a", EH_CBOR_NEGINT, false },
    { "5801aa", EH_CBOR_BSTR, false },
    { "590000", EH_CBOR_BSTR, false },
    { "780161", EH_CBOR_TSTR, false },
    { "980101", EH_CBOR_ARRAY, false },
    { "b8010102", EH_CBOR_MAP, false },
    { "d80100", EH_CBOR_TAG, false },
    { "5f41aaff", EH_CBOR_BSTR, true },
    { "7fff", EH_CBOR_TSTR, true },
    { "9f01ff", EH_CBOR_ARRAY, true },
    { "bfff", EH_CBOR_MAP, true },
};

static eh_err typed_read(eh_cbor_reader *r, int major)
{
    int64_t i;
    uint64_t u;
    const uint8_t *data;
    size_t len;
    switch (major) {
    case EH_CBOR_UINT: return eh_cbor_read_uint(r, &u);
    case EH_CBOR_NEGINT: return eh_cbor_read_int(r, &i);
    case EH_CBOR_BSTR: return eh_cbor_read_bstr(r, &data, &len);
    case EH_CBOR_TSTR: return eh_cbor_read_tstr(r, &data, &len);
    case EH_CBOR_ARRAY: return eh_cbor_read_array(r, &len);
    case EH_CBOR_MAP: return eh_cbor_read_map(r, &len);
    case EH_CBOR_TAG: return eh_cbor_read_tag(r, &u);
    default: {
        uint8_t s;
        return eh_cbor_read_simple(r, &s);
    }
    }
}

START_TEST(test_nondeterministic_forms_flagged)
{
    for (size_t i = 0; i < sizeof nondet_cases / sizeof nondet_cases[0]; i++) {
        const nondet_case *c = &nondet_cases[i];
        uint8_t buf[64];
        size_t n = hex_decode("00 6161", buf, sizeof buf);
        n += hex_decode(c->hex, buf + n, sizeof buf - n);
        const uint8_t *item;
        size_t item_len;

        /* strict typed read */
        eh_cbor_reader r;
        eh_cbor_reader_init(&r, buf, n);
        r.pos = 3;
        ck_assert_msg(typed_read(&r, c->major) == EH_ERR_CBOR_NONDETERMINISTIC, "%s", c->hex);
        ck_assert_uint_eq(r.err_offset, 3);
        ck_assert_uint_eq(r.pos, 3);

        /* strict read_item, from the start of the sequence */
        eh_cbor_reader_init(&r, buf, n);
        ck_assert_int_eq(eh_cbor_read_item(&r, &item, &item_len), EH_OK);
        ck_assert_int_eq(eh_cbor_read_item(&r, &item, &item_len), EH_OK);
        ck_assert_int_eq(eh_cbor_read_item(&r, &item, &item_len), EH_ERR_CBOR_NONDETERMINISTIC);
        ck_assert_uint_eq(r.err_offset, 3);
        ck_assert_uint_eq(r.pos, 3);

        /* check */
        eh_cbor_check_result res;
        ck_assert_int_eq(eh_cbor_check(buf, n, &res), EH_ERR_CBOR_NONDETERMINISTIC);
        ck_assert_uint_eq(res.offset, 3);
        ck_assert_uint_eq(res.items, 3);
        ck_assert_str_eq(res.what, c->indefinite ? "indefinite length" : "non-shortest head");

        /* lenient: non-shortest accepted, indefinite still refused */
        eh_cbor_reader_init(&r, buf, n);
        r.lenient = true;
        r.pos = 3;
        eh_err want = c->indefinite ? EH_ERR_CBOR_MALFORMED : EH_OK;
        ck_assert_msg(typed_read(&r, c->major) == want, "lenient %s", c->hex);
        r.pos = 3;
        ck_assert_int_eq(eh_cbor_read_item(&r, &item, &item_len), want);
        if (!c->indefinite) {
            ck_assert_uint_eq(item_len, n - 3);
            ck_assert(eh_cbor_at_end(&r));
        }
    }
}
END_TEST

START_TEST(test_lenient_values)
{
    uint8_t buf[64];
    eh_cbor_reader r;
    reader_from_hex(&r, buf, sizeof buf, "1805 3b0000000000000009 5a00000002abcd 9900020102");
    r.lenient = true;
    int64_t i;
    const uint8_t *data;
    size_t len;
    ck_assert_int_eq(eh_cbor_read_int(&r, &i), EH_OK);
    ck_assert_int_eq(i, 5);
    ck_assert_int_eq(eh_cbor_read_int(&r, &i), EH_OK);
    ck_assert_int_eq(i, -10);
    ck_assert_int_eq(eh_cbor_read_bstr(&r, &data, &len), EH_OK);
    ck_assert_uint_eq(len, 2);
    ck_assert_int_eq(data[0], 0xab);
    ck_assert_int_eq(eh_cbor_read_array(&r, &len), EH_OK);
    ck_assert_uint_eq(len, 2);
    /* a nested non-shortest head in an item read strictly */
    reader_from_hex(&r, buf, sizeof buf, "01 02 82 01 1805");
    r.pos = 2;
    ck_assert_int_eq(eh_cbor_read_item(&r, &data, &len), EH_ERR_CBOR_NONDETERMINISTIC);
    ck_assert_uint_eq(r.err_offset, 4);
    r.lenient = true;
    ck_assert_int_eq(eh_cbor_read_item(&r, &data, &len), EH_OK);
    ck_assert_uint_eq(len, 4);
}
END_TEST

START_TEST(test_malformed_heads)
{
    static const char *const malformed[] = {
        "1c", "1d", "1e", "3c", "5d", "7e", "9c", "bd", "de", "fc", "fd", "fe", /* ai 28..30 */
        "ff",                                                             /* stray break */
        "1f", "3f", "df",                                  /* indefinite int / tag */
        "f800", "f813", "f81f",                            /* two-byte simple < 32 */
    };
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        uint8_t buf[16];
        size_t n = hex_decode("01", buf, sizeof buf);
        n += hex_decode(malformed[i], buf + n, sizeof buf - n);
        eh_cbor_check_result res;
        ck_assert_msg(eh_cbor_check(buf, n, &res) == EH_ERR_CBOR_MALFORMED, "%s", malformed[i]);
        ck_assert_uint_eq(res.offset, 1);
        ck_assert_uint_eq(res.items, 1);
        eh_cbor_reader r;
        eh_cbor_reader_init(&r, buf, n);
        r.pos = 1;
        const uint8_t *item;
        size_t len;
        ck_assert_int_eq(eh_cbor_read_item(&r, &item, &len), EH_ERR_CBOR_MALFORMED);
        ck_assert_uint_eq(r.err_offset, 1);
        int major = buf[1] >> 5;
        if (major != EH_CBOR_TAG && major != EH_CBOR_SIMPLE) /* every typed read fails */
            ck_assert_int_eq(typed_read(&r, major), EH_ERR_CBOR_MALFORMED);
        r.lenient = true;
        ck_assert_int_eq(eh_cbor_read_item(&r, &item, &len), EH_ERR_CBOR_MALFORMED);
        ck_assert_uint_eq(r.pos, 1);
    }
    /* break inside a definite array, break after a map key, bad chunks */
    static const struct { const char *hex; size_t offset; } nested[] = {
        { "8201ff", 2 }, { "bf01ff", 2 }, { "5f6161ff", 1 }, { "7f5f41aaffff", 1 },
        { "5f01ff", 1 }, { "9f01", 2 }, { "5f4161", 3 }, { "5f", 1 },
    };
    for (size_t i = 0; i < sizeof nested / sizeof nested[0]; i++) {
        uint8_t buf[16];
        size_t n = hex_decode(nested[i].hex, buf, sizeof buf);
        eh_cbor_check_result res;
        eh_err err = eh_cbor_check(buf, n, &res);
        ck_assert_msg(err == EH_ERR_CBOR_MALFORMED || err == EH_ERR_CBOR_TRUNCATED, "%s: %s",
                      nested[i].hex, eh_err_name(err));
        ck_assert_msg(res.offset == nested[i].offset, "%s: offset %zu", nested[i].hex,
                      res.offset);
        ck_assert_uint_eq(res.items, 0);
    }
}
END_TEST

START_TEST(test_simple_values)
{
    uint8_t buf[32];
    eh_cbor_reader r;
    reader_from_hex(&r, buf, sizeof buf, "e0 f3 f4 f7 f820 f93c00 fa47c35000 fb3ff199999999999a");
    uint8_t v;
    ck_assert_int_eq(eh_cbor_read_simple(&r, &v), EH_OK);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(eh_cbor_read_simple(&r, &v), EH_OK);
    ck_assert_uint_eq(v, 19);
    ck_assert_int_eq(eh_cbor_read_simple(&r, &v), EH_OK);
    ck_assert_uint_eq(v, EH_CBOR_FALSE);
    ck_assert_int_eq(eh_cbor_read_simple(&r, &v), EH_OK);
    ck_assert_uint_eq(v, 23);
    ck_assert_int_eq(eh_cbor_read_simple(&r, &v), EH_OK);
    ck_assert_uint_eq(v, 32);
    for (int i = 0; i < 3; i++) {
        size_t at = r.pos;
        ck_assert_int_eq(eh_cbor_read_simple(&r, &v), EH_ERR_CBOR_TYPE);
        ck_assert_uint_eq(r.pos, at);
        const uint8_t *item;
        size_t len;
        ck_assert_int_eq(eh_cbor_read_item(&r, &item, &len), EH_OK); /* floats are items */
    }
    ck_assert(eh_cbor_at_end(&r));
}
END_TEST

START_TEST(test_int64_range)
{
    static const struct { const char *hex; eh_err err; int64_t value; } cases[] = {
        { "1b7fffffffffffffff", EH_OK, INT64_MAX },
        { "1b8000000000000000", EH_ERR_CBOR_RANGE, 0 },
        { "1bffffffffffffffff", EH_ERR_CBOR_RANGE, 0 },
        { "3b7fffffffffffffff", EH_OK, INT64_MIN },
        { "3b7ffffffffffffffe", EH_OK, INT64_MIN + 1 },
        { "3b8000000000000000", EH_ERR_CBOR_RANGE, 0 },
        { "3bffffffffffffffff", EH_ERR_CBOR_RANGE, 0 },
        { "1a7fffffff", EH_OK, INT32_MAX },
        { "3a7fffffff", EH_OK, INT32_MIN },
        { "37", EH_OK, -24 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t buf[16];
        eh_cbor_reader r;
        reader_from_hex(&r, buf, sizeof buf, cases[i].hex);
        int64_t v = 12345;
        ck_assert_msg(eh_cbor_read_int(&r, &v) == cases[i].err, "%s", cases[i].hex);
        if (cases[i].err == EH_OK) {
            ck_assert_int_eq(v, cases[i].value);
            ck_assert(eh_cbor_at_end(&r));
        } else {
            ck_assert_int_eq(v, 12345);
            ck_assert_uint_eq(r.pos, 0);
            ck_assert_uint_eq(r.err_offset, 0);
        }
    }
    uint8_t buf[16];
    eh_cbor_reader r;
    uint64_t u;
    reader_from_hex(&r, buf, sizeof buf, "1b8000000000000000");
    ck_assert_int_eq(eh_cbor_read_uint(&r, &u), EH_OK);
    ck_assert_uint_eq(u, (uint64_t)1 << 63);
}
END_TEST

START_TEST(test_map_key_order)
{
    static const struct {
        const char *hex;
        eh_err err;
        size_t offset;
        const char *what;
    } cases[] = {
        { "a201000200", EH_OK, 0, NULL },
        { "a202000100", EH_ERR_CBOR_NONDETERMINISTIC, 3, "map keys not in bytewise lexicographic order" },
        { "a201000100", EH_ERR_CBOR_NONDETERMINISTIC, 3, "duplicate map key" },
        /* bytewise, not length-first (RFC 8949 §4.2.1 vs RFC 7049 canonical) */
        { "a21818002000", EH_OK, 0, NULL },
        { "a22000181800", EH_ERR_CBOR_NONDETERMINISTIC, 3, "map keys not in bytewise lexicographic order" },
        { "a20a002000", EH_OK, 0, NULL },
        { "a3010002006161f5", EH_OK, 0, NULL },
        { "a301006161f50200", EH_ERR_CBOR_NONDETERMINISTIC, 6, "map keys not in bytewise lexicographic order" },
        /* container keys compared by their whole encoding */
        { "a2810000810100", EH_OK, 0, NULL },
        { "a2810100810000", EH_ERR_CBOR_NONDETERMINISTIC, 4, "map keys not in bytewise lexicographic order" },
        { "a2a10102f4a10102f5", EH_ERR_CBOR_NONDETERMINISTIC, 5, "duplicate map key" },
        /* a nested map inside a value, offsets relative to the sequence */
        { "82 01 a2 6162 00 6161 00", EH_ERR_CBOR_NONDETERMINISTIC, 6, "map keys not in bytewise lexicographic order" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t buf[32];
        size_t n = hex_decode(cases[i].hex, buf, sizeof buf);
        eh_cbor_reader r;
        eh_cbor_reader_init(&r, buf, n);
        const uint8_t *item;
        size_t len;
        eh_err err = eh_cbor_read_item(&r, &item, &len);
        ck_assert_msg(err == cases[i].err, "%s: %s", cases[i].hex, eh_err_name(err));
        eh_cbor_check_result res;
        ck_assert_int_eq(eh_cbor_check(buf, n, &res), cases[i].err);
        if (err) {
            ck_assert_msg(r.err_offset == cases[i].offset, "%s: offset %zu", cases[i].hex,
                          r.err_offset);
            ck_assert_uint_eq(r.pos, 0);
            ck_assert_uint_eq(res.offset, cases[i].offset);
            ck_assert_str_eq(res.what, cases[i].what);
            /* lenient read accepts unsorted and duplicate keys */
            r.lenient = true;
            ck_assert_int_eq(eh_cbor_read_item(&r, &item, &len), EH_OK);
            ck_assert_uint_eq(len, n);
        } else {
            ck_assert_uint_eq(len, n);
        }
    }
    /* unsorted keys inside an indefinite map: the indefinite head comes first */
    uint8_t buf[16];
    size_t n = hex_decode("bf 02 00 01 00 ff", buf, sizeof buf);
    eh_cbor_check_result res;
    ck_assert_int_eq(eh_cbor_check(buf, n, &res), EH_ERR_CBOR_NONDETERMINISTIC);
    ck_assert_uint_eq(res.offset, 0);
    ck_assert_str_eq(res.what, "indefinite length");
}
END_TEST

static size_t nested_heads(uint8_t *buf, size_t heads, uint8_t head, uint8_t leaf)
{
    memset(buf, head, heads);
    buf[heads] = leaf;
    return heads + 1;
}

START_TEST(test_depth_limit)
{
    static const uint8_t heads[] = { 0x81, 0xa1, 0xc1, 0x9f };
    for (size_t h = 0; h < sizeof heads; h++) {
        uint8_t buf[64];
        char text[512];
        const uint8_t *item;
        size_t len;
        eh_cbor_reader r;
        eh_cbor_check_result res;
        /* maps need a key before the nested map: use the map as a value */
        size_t n;
        if (heads[h] == 0xa1) {
            n = 0;
            for (int d = 0; d < EH_CBOR_MAX_DEPTH; d++) {
                buf[n++] = 0xa1;
                buf[n++] = 0x00;
            }
            buf[n++] = 0x00;
        } else {
            n = nested_heads(buf, EH_CBOR_MAX_DEPTH, heads[h], 0x00);
            for (int d = 0; heads[h] == 0x9f && d < EH_CBOR_MAX_DEPTH; d++)
                buf[n++] = 0xff;
        }
        uint8_t *exact = heap_copy(buf, n);
        bool indefinite = heads[h] == 0x9f;
        eh_cbor_reader_init(&r, exact, n);
        ck_assert_int_eq(eh_cbor_read_item(&r, &item, &len),
                         (indefinite ? EH_ERR_CBOR_NONDETERMINISTIC : EH_OK));
        r.pos = 0;
        r.lenient = true;
        ck_assert_int_eq(eh_cbor_read_item(&r, &item, &len),
                         (indefinite ? EH_ERR_CBOR_MALFORMED : EH_OK));
        eh_err err = eh_cbor_check(exact, n, &res);
        ck_assert_int_eq(err, heads[h] == 0x9f ? EH_ERR_CBOR_NONDETERMINISTIC : EH_OK);
        ck_assert_int_eq(eh_cbor_diag(exact, n, text, sizeof text), EH_OK);
        free(exact);

        /* one level more */
        size_t deep;
        if (heads[h] == 0xa1) {
            n = 0;
            for (int d = 0; d <= EH_CBOR_MAX_DEPTH; d++) {
                buf[n++] = 0xa1;
                buf[n++] = 0x00;
            }
            buf[n++] = 0x00;
            deep = 2 * EH_CBOR_MAX_DEPTH;
        } else {
            n = nested_heads(buf, EH_CBOR_MAX_DEPTH + 1, heads[h], 0x00);
            for (int d = 0; heads[h] == 0x9f && d <= EH_CBOR_MAX_DEPTH; d++)
                buf[n++] = 0xff;
            deep = EH_CBOR_MAX_DEPTH;
        }
        exact = heap_copy(buf, n);
        eh_cbor_reader_init(&r, exact, n);
        if (heads[h] != 0x9f) {
            ck_assert_int_eq(eh_cbor_read_item(&r, &item, &len), EH_ERR_CBOR_DEPTH);
            ck_assert_uint_eq(r.err_offset, deep);
            ck_assert_uint_eq(r.pos, 0);
        }
        ck_assert_int_eq(eh_cbor_check(exact, n, &res), EH_ERR_CBOR_DEPTH);
        ck_assert_uint_eq(res.offset, deep);
        ck_assert_int_eq(eh_cbor_diag(exact, n, text, sizeof text), EH_ERR_CBOR_DEPTH);
        ck_assert_ptr_nonnull(strstr(text, "<error at offset"));
        free(exact);
    }
}
END_TEST

/* Single items: every proper prefix is truncated. */
static const char *const truncation_items[] = {
    "1b000000e8d4a51000",
    "3b7fffffffffffffff",
    "5818000102030405060708090a0b0c0d0e0f1011121314151617",
    "7903e8", /* length 1000: never complete */
    "a26161016162820203",
    "c249010000000000000000",
    "d8184c83010203a1616102c3416100",
    "fb3ff199999999999a",
    "f8ff",
    "9f018202039f0405ffff",
    "5f42010243030405ff",
    "bf6346756ef563416d7421ff",
};

static bool starts_indefinite(const uint8_t *item)
{
    return (item[0] & 0x1f) == 31;
}

START_TEST(test_truncated_prefixes)
{
    for (size_t i = 0; i < sizeof truncation_items / sizeof truncation_items[0]; i++) {
        uint8_t full[128];
        size_t n = hex_decode(truncation_items[i], full, sizeof full);
        for (size_t cut = 1; cut < n; cut++) {
            uint8_t *prefix = heap_copy(full, cut);
            const char *hex = truncation_items[i];
            eh_cbor_check_result res;
            eh_err err = eh_cbor_check(prefix, cut, &res);
            ck_assert_msg(err == EH_ERR_CBOR_TRUNCATED, "check %s[..%zu]: %s", hex, cut,
                          eh_err_name(err));
            ck_assert_uint_eq(res.items, 0);
            char text[512];
            err = eh_cbor_diag(prefix, cut, text, sizeof text);
            ck_assert_msg(err == EH_ERR_CBOR_TRUNCATED, "diag %s[..%zu]: %s", hex, cut,
                          eh_err_name(err));
            for (int lenient = 0; lenient <= 1; lenient++) {
                eh_cbor_reader r;
                eh_cbor_reader_init(&r, prefix, cut);
                r.lenient = lenient;
                const uint8_t *item;
                size_t len;
                err = eh_cbor_read_item(&r, &item, &len);
                eh_err want = !starts_indefinite(full) ? EH_ERR_CBOR_TRUNCATED
                              : lenient               ? EH_ERR_CBOR_MALFORMED
                                                      : EH_ERR_CBOR_NONDETERMINISTIC;
                ck_assert_msg(err == want, "read_item %s[..%zu]: %s", hex, cut, eh_err_name(err));
                ck_assert_uint_eq(r.pos, 0);
                for (int major = 0; major < 8; major++) {
                    eh_cbor_reader_init(&r, prefix, cut);
                    r.lenient = lenient;
                    if (typed_read(&r, major) != EH_OK)
                        ck_assert_uint_eq(r.pos, 0);
                    ck_assert(r.pos <= cut);
                }
            }
            free(prefix);
        }
    }
}
END_TEST

/* message_1 is a sequence: prefixes ending between items are complete. */
START_TEST(test_truncated_message_1)
{
    uint8_t full[64];
    size_t n = hex_decode(message_1_hex, full, sizeof full);
    for (size_t cut = 0; cut <= n; cut++) {
        uint8_t *prefix = heap_copy(full, cut);
        bool boundary = cut == 0 || cut == 1 || cut == 4 || cut == 38 || cut == n;
        eh_cbor_check_result res;
        ck_assert_int_eq(eh_cbor_check(prefix, cut, &res),
                         boundary ? EH_OK : EH_ERR_CBOR_TRUNCATED);
        char text[256];
        ck_assert_int_eq(eh_cbor_diag(prefix, cut, text, sizeof text),
                         boundary ? EH_OK : EH_ERR_CBOR_TRUNCATED);
        free(prefix);
    }
}
END_TEST

/* Typed reads on the truncations of single-head items all say TRUNCATED. */
START_TEST(test_truncated_typed_reads)
{
    static const struct { const char *hex; int major; } items[] = {
        { "1b000000e8d4a51000", EH_CBOR_UINT }, { "3a000f4240", EH_CBOR_NEGINT },
        { "5a0000000401020304", EH_CBOR_BSTR }, { "780568656c6c6f", EH_CBOR_TSTR },
        { "9a00000002", EH_CBOR_ARRAY }, { "b9000101", EH_CBOR_MAP },
        { "db0000000100000000", EH_CBOR_TAG }, { "f8ff", EH_CBOR_SIMPLE },
    };
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        uint8_t full[32];
        size_t n = hex_decode(items[i].hex, full, sizeof full);
        for (size_t cut = 0; cut < n; cut++) {
            uint8_t *prefix = heap_copy(full, cut);
            eh_cbor_reader r;
            eh_cbor_reader_init(&r, prefix, cut);
            r.lenient = true; /* some heads are not shortest; truncation is the point */
            ck_assert_msg(typed_read(&r, items[i].major) == EH_ERR_CBOR_TRUNCATED, "%s[..%zu]",
                          items[i].hex, cut);
            ck_assert_uint_eq(r.err, EH_ERR_CBOR_TRUNCATED);
            ck_assert_uint_eq(r.pos, 0);
            free(prefix);
        }
    }
    /* array counts beyond the bytes left are truncated at the head */
    uint8_t buf[16];
    eh_cbor_reader r;
    size_t count;
    reader_from_hex(&r, buf, sizeof buf, "9bffffffffffffffff01");
    ck_assert_int_eq(eh_cbor_read_array(&r, &count), EH_ERR_CBOR_TRUNCATED);
    reader_from_hex(&r, buf, sizeof buf, "a20102 03");
    ck_assert_int_eq(eh_cbor_read_map(&r, &count), EH_ERR_CBOR_TRUNCATED);
    reader_from_hex(&r, buf, sizeof buf, "5bffffffffffffffff00");
    const uint8_t *data;
    ck_assert_int_eq(eh_cbor_read_bstr(&r, &data, &count), EH_ERR_CBOR_TRUNCATED);
}
END_TEST

/* check's ck_assert records a mark point (a write to the log) per call; the
 * hot loops below assert this way to stay fast. */
#define require(cond)                                                           \
    do {                                                                        \
        if (!(cond))                                                            \
            ck_abort_msg("%s:%d: %s failed", __FILE__, __LINE__, #cond);        \
    } while (0)

/* Run every entry point on buf[0..n): nothing may crash or read outside it,
 * and the ones that must agree do. */
static void exercise_all(const uint8_t *buf, size_t n)
{
    eh_cbor_check_result res;
    eh_err checked = eh_cbor_check(buf, n, &res);
    require(res.offset <= n);
    require(res.what != NULL);

    char text[256];
    eh_err diag = eh_cbor_diag(buf, n, text, sizeof text);
    require(strlen(text) < sizeof text);
    if (checked == EH_ERR_CBOR_TRUNCATED || checked == EH_ERR_CBOR_MALFORMED ||
        checked == EH_ERR_CBOR_DEPTH)
        require(diag == checked || diag == EH_ERR_BUFFER_TOO_SMALL);
    else
        require(diag == EH_OK || diag == EH_ERR_BUFFER_TOO_SMALL);

    for (int lenient = 0; lenient <= 1; lenient++) {
        eh_cbor_reader r;
        eh_cbor_reader_init(&r, buf, n);
        r.lenient = lenient;
        size_t items = 0;
        const uint8_t *item;
        size_t len;
        eh_err err = EH_OK;
        while (!eh_cbor_at_end(&r) && (err = eh_cbor_read_item(&r, &item, &len)) == EH_OK) {
            require(item >= buf && len >= 1 && (size_t)(item - buf) + len <= n);
            items++;
        }
        require(r.pos <= n);
        if (!lenient) {
            /* strict read_item and check agree on "deterministic" */
            require((err == EH_OK) == (checked == EH_OK));
            if (err == EH_OK)
                require(items == res.items);
            else if (err != EH_ERR_CBOR_NONDETERMINISTIC)
                require(err == checked);
        } else if (checked != EH_OK && checked != EH_ERR_CBOR_NONDETERMINISTIC) {
            require(err != EH_OK);
        }
        for (int major = 0; major < 8; major++) {
            eh_cbor_reader_init(&r, buf, n);
            r.lenient = lenient;
            size_t before = r.pos;
            if (typed_read(&r, major) != EH_OK)
                require(r.pos == before);
            require(r.pos <= n);
        }
    }
}

START_TEST(test_bit_flips)
{
    static const char *const items[] = {
        "0382060258208af6f430ebe18d34184017a9a11bf511c8dff8f834730b96c1b7c8dbca2fc3b637",
        "a26161016162820203",
        "9f018202039f0405ffff",
        "bf6346756ef563416d7421ff",
        "d8184c83010203a1616102c3416100",
        "a2810000810100",
        "5f42010243030405ff",
    };
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        uint8_t full[128];
        size_t n = hex_decode(items[i], full, sizeof full);
        for (size_t bit = 0; bit < 8 * n; bit++) {
            uint8_t *flipped = heap_copy(full, n);
            flipped[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            exercise_all(flipped, n);
            free(flipped);
        }
    }
}
END_TEST

/* Every input of one and two bytes, each in an exact-size heap block. */
START_TEST(test_all_short_inputs)
{
    uint8_t *one = malloc(1);
    uint8_t *two = malloc(2);
    ck_assert_ptr_nonnull(one);
    ck_assert_ptr_nonnull(two);
    for (unsigned a = 0; a < 256; a++) {
        one[0] = (uint8_t)a;
        exercise_all(one, 1);
        two[0] = (uint8_t)a;
        for (unsigned b = 0; b < 256; b++) {
            two[1] = (uint8_t)b;
            exercise_all(two, 2);
        }
    }
    free(one);
    free(two);
}
END_TEST

/* Pseudo-random inputs (fixed seed) drawn mostly from bytes that start
 * heads, containers, indefinite items and breaks. */
START_TEST(test_random_inputs)
{
    static const uint8_t palette[] = {
        0x00, 0x01, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1f, 0x20, 0x38, 0x3b, 0x40, 0x41,
        0x58, 0x5f, 0x60, 0x61, 0x7f, 0x80, 0x81, 0x82, 0x98, 0x9f, 0xa0, 0xa1, 0xa2, 0xb8,
        0xbf, 0xc1, 0xd8, 0xf4, 0xf8, 0xf9, 0xfa, 0xfb, 0xff,
    };
    uint64_t state = 0x9e3779b97f4a7c15u;
    uint8_t *blocks[17];
    for (size_t n = 1; n <= 16; n++) {
        blocks[n] = malloc(n);
        ck_assert_ptr_nonnull(blocks[n]);
    }
    for (int round = 0; round < 100000; round++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        size_t n = 1 + (size_t)(state % 16);
        uint8_t *buf = blocks[n];
        for (size_t i = 0; i < n; i++) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            buf[i] = (state & 0x300) ? palette[(state >> 16) % sizeof palette]
                                     : (uint8_t)(state >> 24);
        }
        exercise_all(buf, n);
    }
    for (size_t n = 1; n <= 16; n++)
        free(blocks[n]);
}
END_TEST

/* --------------------------------------------------------- EDHOC use case */

START_TEST(test_edhoc_message_1)
{
    uint8_t buf[64];
    eh_cbor_reader r;
    reader_from_hex(&r, buf, sizeof buf, message_1_hex);
    int64_t method, suite_a, suite_b, c_i;
    size_t count, g_x_len;
    const uint8_t *g_x;
    ck_assert_int_eq(eh_cbor_read_int(&r, &method), EH_OK);
    ck_assert_int_eq(method, 3);
    ck_assert_int_eq(eh_cbor_peek_major(&r), EH_CBOR_ARRAY);
    ck_assert_int_eq(eh_cbor_read_array(&r, &count), EH_OK);
    ck_assert_uint_eq(count, 2);
    ck_assert_int_eq(eh_cbor_read_int(&r, &suite_a), EH_OK);
    ck_assert_int_eq(eh_cbor_read_int(&r, &suite_b), EH_OK);
    ck_assert_int_eq(suite_a, 6);
    ck_assert_int_eq(suite_b, 2);
    ck_assert_int_eq(eh_cbor_read_bstr(&r, &g_x, &g_x_len), EH_OK);
    ck_assert_uint_eq(g_x_len, 32);
    ck_assert_ptr_eq(g_x, buf + 6);
    ck_assert_int_eq(g_x[0], 0x8a);
    ck_assert_int_eq(g_x[31], 0xb6);
    ck_assert_int_eq(eh_cbor_read_int(&r, &c_i), EH_OK);
    ck_assert_int_eq(c_i, -24);
    ck_assert(eh_cbor_at_end(&r));

    size_t n = r.len;
    char text[256];
    ck_assert_int_eq(eh_cbor_diag(buf, n, text, sizeof text), EH_OK);
    ck_assert_str_eq(text, "3, [6, 2], h'8af6f430ebe18d34184017a9a11bf511c8dff8f834730b96c1b7c8"
                           "dbca2fc3b6', -24");
    eh_cbor_check_result res;
    ck_assert_int_eq(eh_cbor_check(buf, n, &res), EH_OK);
    ck_assert_uint_eq(res.items, 4);

    /* the same message built by the writer, in counting mode first */
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, NULL, 0);
    for (int pass = 0; pass < 2; pass++) {
        eh_cbor_write_int(&w, 3);
        eh_cbor_write_array(&w, 2);
        eh_cbor_write_int(&w, 6);
        eh_cbor_write_int(&w, 2);
        eh_cbor_write_bstr(&w, g_x, g_x_len);
        eh_cbor_write_int(&w, -24);
        if (pass == 0) {
            ck_assert_uint_eq(w.len, n);
            ck_assert_int_eq(eh_cbor_writer_status(&w), EH_ERR_BUFFER_TOO_SMALL);
            uint8_t *out = malloc(w.len);
            ck_assert_ptr_nonnull(out);
            eh_cbor_writer_init(&w, out, n);
        }
    }
    ck_assert_int_eq(eh_cbor_writer_status(&w), EH_OK);
    ck_assert_uint_eq(w.len, n);
    ck_assert_mem_eq(w.buf, buf, n);
    free(w.buf);
}
END_TEST

/* ------------------------------------------------------------ writer */

START_TEST(test_writer_overflow)
{
    uint8_t message[64];
    size_t n = hex_decode(message_1_hex, message, sizeof message);
    for (size_t cap = 0; cap <= n; cap++) {
        uint8_t out[64];
        memset(out, 0xee, sizeof out);
        eh_cbor_writer w;
        eh_cbor_writer_init(&w, out, cap);
        eh_cbor_write_raw(&w, message, 1);
        eh_cbor_write_array(&w, 2);
        eh_cbor_write_uint(&w, 6);
        eh_cbor_write_uint(&w, 2);
        eh_cbor_write_bstr(&w, message + 6, 32);
        eh_cbor_write_int(&w, -24);
        ck_assert_uint_eq(w.len, n);
        ck_assert_int_eq(w.overflow, cap < n);
        ck_assert_int_eq(eh_cbor_writer_status(&w), cap < n ? EH_ERR_BUFFER_TOO_SMALL : EH_OK);
        ck_assert_mem_eq(out, message, cap); /* a true prefix */
        ck_assert_int_eq(out[cap], 0xee);    /* nothing past cap */
    }
    /* sticky: a later write that would fit does not clear it */
    uint8_t out[4];
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, out, sizeof out);
    eh_cbor_write_uint(&w, 1000000);
    ck_assert(w.overflow);
    ck_assert_uint_eq(w.len, 5);
    eh_cbor_write_uint(&w, 0);
    ck_assert(w.overflow);
    ck_assert_uint_eq(w.len, 6);
    /* counting mode */
    eh_cbor_writer_init(&w, NULL, 0);
    eh_cbor_write_tstr(&w, "IETF", 4);
    eh_cbor_write_uint(&w, UINT64_MAX);
    eh_cbor_write_int(&w, INT64_MIN);
    ck_assert_uint_eq(w.len, 5 + 9 + 9);
    /* simple values 24..31 have no encoding */
    eh_cbor_writer_init(&w, out, sizeof out);
    eh_cbor_write_simple(&w, 24);
    ck_assert(w.overflow);
    ck_assert_uint_eq(w.len, 0);
}
END_TEST

START_TEST(test_writer_deliberate_encodings)
{
    /* RFC 9529 §8 invalid encodings: non-shortest 3 and an indefinite SUITES_I */
    WRITE_CASE("190003", eh_cbor_write_head_width(w, EH_CBOR_UINT, 3, 2));
    WRITE_CASE("9f0602ff", eh_cbor_write_indefinite(w, EH_CBOR_ARRAY); eh_cbor_write_int(w, 6);
               eh_cbor_write_int(w, 2); eh_cbor_write_break(w));
    WRITE_CASE("03 1803 190003 1a00000003 1b0000000000000003",
               for (int width = 0; width <= 8; width = width ? 2 * width : 1)
                   eh_cbor_write_head_width(w, EH_CBOR_UINT, 3, width));
    WRITE_CASE("5f 7f 9f bf ff", for (int m = EH_CBOR_BSTR; m <= EH_CBOR_MAP; m++)
                                     eh_cbor_write_indefinite(w, m);
               eh_cbor_write_break(w));
    WRITE_CASE("f818", eh_cbor_write_head_width(w, EH_CBOR_SIMPLE, 24, 1));

    static const struct { int major; uint64_t value; int width; } refused[] = {
        { 0, 24, 0 }, { 0, 256, 1 }, { 0, 65536, 2 }, { 0, (uint64_t)1 << 32, 4 },
        { 0, 1, 3 }, { 0, 1, -1 }, { 0, 1, 16 }, { 8, 1, 1 }, { -1, 1, 1 },
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        uint8_t out[16];
        eh_cbor_writer w;
        eh_cbor_writer_init(&w, out, sizeof out);
        eh_cbor_write_head_width(&w, refused[i].major, refused[i].value, refused[i].width);
        ck_assert(w.overflow);
        ck_assert_uint_eq(w.len, 0);
    }
    static const int bad_indefinite[] = { -1, 0, 1, 6, 7, 8 };
    for (size_t i = 0; i < sizeof bad_indefinite / sizeof bad_indefinite[0]; i++) {
        uint8_t out[16];
        eh_cbor_writer w;
        eh_cbor_writer_init(&w, out, sizeof out);
        eh_cbor_write_indefinite(&w, bad_indefinite[i]);
        ck_assert(w.overflow);
        ck_assert_uint_eq(w.len, 0);
    }

    /* the reader sees them for what they are */
    uint8_t buf[16];
    eh_cbor_reader r;
    int64_t v;
    reader_from_hex(&r, buf, sizeof buf, "03 190003");
    r.pos = 1;
    ck_assert_int_eq(eh_cbor_read_int(&r, &v), EH_ERR_CBOR_NONDETERMINISTIC);
    ck_assert_uint_eq(r.err_offset, 1);
    r.lenient = true;
    ck_assert_int_eq(eh_cbor_read_int(&r, &v), EH_OK);
    ck_assert_int_eq(v, 3);
    eh_cbor_check_result res;
    size_t n = hex_decode("03 9f0602ff", buf, sizeof buf);
    ck_assert_int_eq(eh_cbor_check(buf, n, &res), EH_ERR_CBOR_NONDETERMINISTIC);
    ck_assert_uint_eq(res.offset, 1);
    ck_assert_uint_eq(res.items, 2);
    ck_assert_str_eq(res.what, "indefinite length");
    char text[64];
    ck_assert_int_eq(eh_cbor_diag(buf, n, text, sizeof text), EH_OK);
    ck_assert_str_eq(text, "3, [_ 6, 2]");
}
END_TEST

START_TEST(test_head_size)
{
    static const struct { uint64_t value; size_t size; } cases[] = {
        { 0, 1 }, { 23, 1 }, { 24, 2 }, { 255, 2 }, { 256, 3 }, { 65535, 3 }, { 65536, 5 },
        { 0xffffffffu, 5 }, { (uint64_t)1 << 32, 9 }, { UINT64_MAX, 9 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_uint_eq(eh_cbor_head_size(cases[i].value), cases[i].size);
        eh_cbor_writer w;
        eh_cbor_writer_init(&w, NULL, 0);
        eh_cbor_write_tag(&w, cases[i].value);
        ck_assert_uint_eq(w.len, cases[i].size);
    }
}
END_TEST

/* ------------------------------------------------------------ diag */

START_TEST(test_diag_escapes_and_values)
{
    expect_diag("6a 0a 0d 09 00 1f 7f 22 5c 2f 41", "\"\\n\\r\\t\\u0000\\u001f\\u007f\\\"\\\\/A\"");
    /* text that is not UTF-8 (RFC 3629): each offending byte as \xNN, so a
     * transcript stays valid UTF-8; well-formed sequences are copied */
    expect_diag("62 ff 41", "\"\\xffA\"");
    expect_diag("62 c3 28", "\"\\xc3(\"");                /* cut sequence */
    expect_diag("62 c0 80", "\"\\xc0\\x80\"");          /* overlong NUL */
    expect_diag("63 e0 80 80", "\"\\xe0\\x80\\x80\"");   /* overlong */
    expect_diag("63 ed a0 80", "\"\\xed\\xa0\\x80\"");   /* surrogate U+D800 */
    expect_diag("64 f4 90 80 80", "\"\\xf4\\x90\\x80\\x80\""); /* above U+10FFFF */
    expect_diag("63 41 c3 bc", "\"A\xc3\xbc\"");          /* ends with a whole sequence */
    expect_diag("62 e6 b0", "\"\\xe6\\xb0\"");          /* the text ends inside it */
    expect_diag("3b7fffffffffffffff", "-9223372036854775808");
    expect_diag("3b8000000000000000", "-9223372036854775809");
    expect_diag("3bfffffffffffffffe", "-18446744073709551615");
    expect_diag("1bffffffffffffffff 20", "18446744073709551615, -1");
    expect_diag("5fff 7fff bfff", "''_, \"\"_, {_ }");
    expect_diag("a1 81 01 c1 a0", "{[1]: 1({})}");
    expect_diag("1805 5801aa", "5, h'aa'"); /* non-shortest shown by value */
    expect_diag("f820 f8ff e0", "simple(32), simple(255), simple(0)");
    expect_diag("", "");
    expect_diag("a2 02 00 01 00", "{2: 0, 1: 0}"); /* printed as sent */
}
END_TEST

START_TEST(test_diag_cut)
{
    uint8_t buf[64];
    size_t n = hex_decode(message_1_hex, buf, sizeof buf);
    const char *full = "3, [6, 2], h'8af6f430ebe18d34184017a9a11bf511c8dff8f834730b96c1b7c8dbca2fc3b6', -24";
    size_t full_len = strlen(full);
    ck_assert_int_eq(eh_cbor_diag(buf, n, NULL, 0), EH_ERR_BUFFER_TOO_SMALL);
    for (size_t cap = 1; cap <= full_len + 1; cap++) {
        char *out = malloc(cap);
        ck_assert_ptr_nonnull(out);
        eh_err err = eh_cbor_diag(buf, n, out, cap);
        if (cap == full_len + 1) {
            ck_assert_int_eq(err, EH_OK);
            ck_assert_str_eq(out, full);
        } else {
            ck_assert_int_eq(err, EH_ERR_BUFFER_TOO_SMALL);
            size_t len = strlen(out);
            ck_assert_uint_eq(len, cap - 1);
            size_t dots = cap - 1 < 3 ? cap - 1 : 3;
            ck_assert(strspn(out + len - dots, ".") == dots);
            ck_assert(strncmp(out, full, len - dots) == 0);
        }
        free(out);
    }
    /* a cut never leaves half a UTF-8 sequence before the dots */
    n = hex_decode("66 c3bc c3bc c3bc", buf, sizeof buf);
    char out[6];
    ck_assert_int_eq(eh_cbor_diag(buf, n, out, sizeof out), EH_ERR_BUFFER_TOO_SMALL);
    ck_assert_str_eq(out, "\"...");
}
END_TEST

START_TEST(test_diag_errors)
{
    static const struct { const char *hex; eh_err err; const char *text; } cases[] = {
        { "01 02 1c", EH_ERR_CBOR_MALFORMED, "1, 2 <error at offset 2>" },
        { "82 01", EH_ERR_CBOR_TRUNCATED, "[1 <error at offset 2>" },
        { "ff", EH_ERR_CBOR_MALFORMED, "<error at offset 0>" },
        { "01 6261", EH_ERR_CBOR_TRUNCATED, "1 <error at offset 1>" },
        { "a1 01 ff", EH_ERR_CBOR_MALFORMED, "{1 <error at offset 2>" },
        { "bf 01 ff", EH_ERR_CBOR_MALFORMED, "{_ 1 <error at offset 2>" },
        { "5f 41aa 6161 ff", EH_ERR_CBOR_MALFORMED, "(_ h'aa' <error at offset 3>" },
        { "9f 01 02", EH_ERR_CBOR_TRUNCATED, "[_ 1, 2 <error at offset 3>" },
        { "c1 f818", EH_ERR_CBOR_MALFORMED, "1( <error at offset 1>" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t buf[32];
        char text[128];
        size_t n = hex_decode(cases[i].hex, buf, sizeof buf);
        ck_assert_msg(eh_cbor_diag(buf, n, text, sizeof text) == cases[i].err, "%s",
                      cases[i].hex);
        ck_assert_str_eq(text, cases[i].text);
    }
    /* an error whose text does not fit still reports the CBOR error */
    uint8_t bad[] = { 0x01, 0x1c };
    char small[8];
    ck_assert_int_eq(eh_cbor_diag(bad, sizeof bad, small, sizeof small), EH_ERR_CBOR_MALFORMED);
    ck_assert_str_eq(small, "1 <e...");
}
END_TEST

/* -------------------------------------------------------------- suite */

/* One more entry in a map, in RFC 8949 §4.2.1 order of the encoded keys:
 * 0x04 < 0x0a < 0x18 0x22; a duplicate key, an entry that is not two items
 * or a map that is no map are refused; a too small output too. */
START_TEST(test_map_insert_keeps_key_order)
{
    static const uint8_t kid[] = {0xa1, 0x04, 0x41, 0x2b};              /* {4: h'2b'} */
    static const uint8_t x5t[] = {0xa1, 0x18, 0x22, 0x82, 0x2e, 0x41, 0x01}; /* {34: [-15, h'01']} */
    static const uint8_t ctx[] = {0x0a, 0x41, 0x00};                     /* 10: h'00' */
    static const uint8_t want_kid[] = {0xa2, 0x04, 0x41, 0x2b, 0x0a, 0x41, 0x00};
    static const uint8_t want_x5t[] = {0xa2, 0x0a, 0x41, 0x00, 0x18, 0x22, 0x82, 0x2e, 0x41, 0x01};
    uint8_t out[32];
    size_t n = 0;
    ck_assert_int_eq(eh_cbor_map_insert(kid, sizeof kid, ctx, sizeof ctx, out, sizeof out, &n), EH_OK);
    ck_assert_uint_eq(n, sizeof want_kid);
    ck_assert_mem_eq(out, want_kid, n);
    ck_assert_int_eq(eh_cbor_map_insert(x5t, sizeof x5t, ctx, sizeof ctx, out, sizeof out, &n), EH_OK);
    ck_assert_uint_eq(n, sizeof want_x5t);
    ck_assert_mem_eq(out, want_x5t, n);
    static const uint8_t dup[] = {0x04, 0x41, 0x00};
    ck_assert_int_eq(eh_cbor_map_insert(kid, sizeof kid, dup, sizeof dup, out, sizeof out, &n),
                     EH_ERR_ARG);
    static const uint8_t three[] = {0x0a, 0x41, 0x00, 0x01};
    ck_assert_int_eq(eh_cbor_map_insert(kid, sizeof kid, three, sizeof three, out, sizeof out, &n),
                     EH_ERR_CBOR_TYPE);
    static const uint8_t arr[] = {0x81, 0x01};
    ck_assert_int_eq(eh_cbor_map_insert(arr, sizeof arr, ctx, sizeof ctx, out, sizeof out, &n),
                     EH_ERR_CBOR_TYPE);
    ck_assert_int_eq(eh_cbor_map_insert(kid, sizeof kid, ctx, sizeof ctx, out, 6, &n),
                     EH_ERR_BUFFER_TOO_SMALL);
}
END_TEST

Suite *eh_test_cbor_suite(void)
{
    Suite *s = suite_create("cbor");

    TCase *known = tcase_create("rfc8949");
    tcase_add_test(known, test_writer_rfc8949_integers);
    tcase_add_test(known, test_writer_rfc8949_strings_and_containers);
    tcase_add_test(known, test_writer_rfc8949_tags_simple_floats_indefinite);
    tcase_add_test(known, test_diag_rfc8949);
    tcase_add_test(known, test_check_rfc8949);
    suite_add_tcase(s, known);

    TCase *reader = tcase_create("reader");
    tcase_add_test(reader, test_typed_reads);
    tcase_add_test(reader, test_nondeterministic_forms_flagged);
    tcase_add_test(reader, test_lenient_values);
    tcase_add_test(reader, test_malformed_heads);
    tcase_add_test(reader, test_simple_values);
    tcase_add_test(reader, test_int64_range);
    tcase_add_test(reader, test_map_key_order);
    tcase_add_test(reader, test_depth_limit);
    tcase_add_test(reader, test_edhoc_message_1);
    suite_add_tcase(s, reader);

    TCase *robust = tcase_create("robustness");
    tcase_set_timeout(robust, 60);
    tcase_add_test(robust, test_truncated_prefixes);
    tcase_add_test(robust, test_truncated_message_1);
    tcase_add_test(robust, test_truncated_typed_reads);
    tcase_add_test(robust, test_bit_flips);
    tcase_add_test(robust, test_all_short_inputs);
    tcase_add_test(robust, test_random_inputs);
    suite_add_tcase(s, robust);

    TCase *writer = tcase_create("writer");
    tcase_add_test(writer, test_writer_overflow);
    tcase_add_test(writer, test_writer_deliberate_encodings);
    tcase_add_test(writer, test_head_size);
    tcase_add_test(writer, test_map_insert_keeps_key_order);
    suite_add_tcase(s, writer);

    TCase *diag = tcase_create("diag");
    tcase_add_test(diag, test_diag_escapes_and_values);
    tcase_add_test(diag, test_diag_cut);
    tcase_add_test(diag, test_diag_errors);
    suite_add_tcase(s, diag);

    return s;
}

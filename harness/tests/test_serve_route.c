/*
 * test_serve_route.c - what a datagram asks of `serve` (serve/serve_route.h),
 * on CoAP datagrams encoded here by hand after RFC 7252 §3 (not with the
 * harness's encoder), and the METHOD and selected suite of RFC 9529's two
 * message_1 (trace 1: METHOD 0, suite 0; trace 2: METHOD 3, SUITES_I
 * [6, 2], so suite 2).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../serve/serve_internal.h"
#include "../serve/serve_route.h"
#include "testutil.h"

/* CON POST, MID 0x1234, token 0x5e, then the given options and payload. */
static size_t con_post(uint8_t *out, uint8_t code, const uint8_t *opts, size_t n_opts,
                       const uint8_t *payload, size_t n_payload)
{
    size_t k = 0;
    out[k++] = 0x41; /* version 1, CON, token length 1 */
    out[k++] = code;
    out[k++] = 0x12, out[k++] = 0x34;
    out[k++] = 0x5e;
    memcpy(out + k, opts, n_opts);
    k += n_opts;
    if (n_payload) {
        out[k++] = 0xff;
        memcpy(out + k, payload, n_payload);
        k += n_payload;
    }
    return k;
}

/* Uri-Path ".well-known" (option 11: delta 11, length 11), "edhoc" (delta 0) */
#define WK 0xbb, '.', 'w', 'e', 'l', 'l', '-', 'k', 'n', 'o', 'w', 'n', 0x05, 'e', 'd', 'h', 'o', 'c'

START_TEST(routes_by_path_and_query)
{
    static const uint8_t m1[] = {0xf5, 0x03, 0x82, 0x06, 0x02};
    uint8_t d[300];
    serve_request r;
    /* /.well-known/edhoc/test/rfc9528/5.3.3/wrong-mac-2?name=alice&profile=m0-s0-x5t */
    static const uint8_t test[] = {WK, 0x04, 't', 'e', 's', 't',
                                   0x07, 'r', 'f', 'c', '9', '5', '2', '8',
                                   0x05, '5', '.', '3', '.', '3',
                                   0x0b, 'w', 'r', 'o', 'n', 'g', '-', 'm', 'a', 'c', '-', '2',
                                   0x4a, 'n', 'a', 'm', 'e', '=', 'a', 'l', 'i', 'c', 'e',
                                   0x0d, 0x04, 'p', 'r', 'o', 'f', 'i', 'l', 'e', '=', 'm', '0',
                                   '-', 's', '0', '-', 'x', '5', 't'};
    size_t n = con_post(d, 0x02, test, sizeof test, m1, sizeof m1);
    serve_route(d, n, &r);
    ck_assert_int_eq(r.kind, SR_TEST);
    ck_assert_str_eq(r.test_id, "rfc9528/5.3.3/wrong-mac-2");
    ck_assert_str_eq(r.name, "alice");
    ck_assert_str_eq(r.profile, "m0-s0-x5t");
    ck_assert_uint_eq(r.message_id, 0x1234);
    ck_assert_uint_eq(r.token_len, 1);
    ck_assert_uint_eq(r.payload_len, sizeof m1);
    ck_assert(serve_route_starts_session(&r));

    static const uint8_t base[] = {WK};
    n = con_post(d, 0x02, base, sizeof base, m1, sizeof m1);
    serve_route(d, n, &r);
    ck_assert_int_eq(r.kind, SR_BASELINE);
    ck_assert_str_eq(r.name, "");
    n = con_post(d, 0x02, base, sizeof base, NULL, 0); /* the reverse flow's trigger */
    serve_route(d, n, &r);
    ck_assert_int_eq(r.kind, SR_BASELINE);
    ck_assert_uint_eq(r.payload_len, 0);
    ck_assert(serve_route_starts_session(&r));

    static const uint8_t results[] = {WK, 0x07, 'r', 'e', 's', 'u', 'l', 't', 's'};
    n = con_post(d, 0x01, results, sizeof results, NULL, 0);
    serve_route(d, n, &r);
    ck_assert_int_eq(r.kind, SR_RESULTS);

    /* a GET on the EDHOC resource: 4.05; elsewhere: 4.04 */
    n = con_post(d, 0x01, base, sizeof base, NULL, 0);
    serve_route(d, n, &r);
    ck_assert_int_eq(r.kind, SR_ANSWER);
    ck_assert_uint_eq(r.answer_code, 0x85);
    static const uint8_t other[] = {0xb3, 'f', 'o', 'o'};
    n = con_post(d, 0x02, other, sizeof other, m1, sizeof m1);
    serve_route(d, n, &r);
    ck_assert_int_eq(r.kind, SR_ANSWER);
    ck_assert_uint_eq(r.answer_code, 0x84);
    /* /.well-known/edhoc/test/ with no id: 4.04 */
    static const uint8_t no_id[] = {WK, 0x04, 't', 'e', 's', 't'};
    n = con_post(d, 0x02, no_id, sizeof no_id, m1, sizeof m1);
    serve_route(d, n, &r);
    ck_assert_uint_eq(r.answer_code, 0x84);
}
END_TEST

START_TEST(what_it_cannot_take)
{
    static const uint8_t m1[] = {0xf5, 0x00, 0x00};
    uint8_t d[300];
    serve_request r;
    /* a name with a '/': 4.00 */
    static const uint8_t bad_name[] = {WK, 0x48, 'n', 'a', 'm', 'e', '=', '.', '.', '/'};
    size_t n = con_post(d, 0x02, bad_name, sizeof bad_name, m1, sizeof m1);
    serve_route(d, n, &r);
    ck_assert_int_eq(r.kind, SR_ANSWER);
    ck_assert_uint_eq(r.answer_code, 0x80);
    /* oscore=1 picks the judged OSCORE exchange; oscore=x is refused; none: -1 */
    static const uint8_t osc1[] = {WK, 0x48, 'o', 's', 'c', 'o', 'r', 'e', '=', '1'};
    n = con_post(d, 0x02, osc1, sizeof osc1, m1, sizeof m1);
    serve_route(d, n, &r);
    ck_assert_int_eq(r.kind, SR_BASELINE);
    ck_assert_int_eq(r.oscore, 1);
    static const uint8_t oscx[] = {WK, 0x48, 'o', 's', 'c', 'o', 'r', 'e', '=', 'x'};
    n = con_post(d, 0x02, oscx, sizeof oscx, m1, sizeof m1);
    serve_route(d, n, &r);
    ck_assert_int_eq(r.kind, SR_ANSWER);
    ck_assert_uint_eq(r.answer_code, 0x80);
    n = con_post(d, 0x02, bad_name, 0, m1, sizeof m1); /* no options at all */
    serve_route(d, n, &r);
    ck_assert_int_eq(r.oscore, -1);
    /* an OSCORE request (option 9, empty value) with no session: 4.01 */
    static const uint8_t oscore[] = {0x90};
    n = con_post(d, 0x02, oscore, sizeof oscore, m1, sizeof m1);
    serve_route(d, n, &r);
    ck_assert_int_eq(r.kind, SR_ANSWER);
    ck_assert_uint_eq(r.answer_code, 0x81);
    /* not requests: an empty ACK, a 2.04 response, not CoAP at all, a cut option */
    static const uint8_t ack[] = {0x60, 0x00, 0x12, 0x34};
    serve_route(ack, sizeof ack, &r);
    ck_assert_int_eq(r.kind, SR_IGNORE);
    static const uint8_t resp[] = {0x60, 0x44, 0x12, 0x34};
    serve_route(resp, sizeof resp, &r);
    ck_assert_int_eq(r.kind, SR_IGNORE);
    serve_route(m1, sizeof m1, &r);
    ck_assert_int_eq(r.kind, SR_IGNORE);
    static const uint8_t cut[] = {0x40, 0x02, 0x12, 0x34, 0xbb, '.', 'w'};
    serve_route(cut, sizeof cut, &r);
    ck_assert_int_eq(r.kind, SR_IGNORE);
    serve_route(cut, 0, &r);
    ck_assert_int_eq(r.kind, SR_IGNORE);
}
END_TEST

START_TEST(responses_piggybacked_or_non)
{
    uint8_t d[64], out[64];
    serve_request r;
    static const uint8_t results[] = {WK, 0x07, 'r', 'e', 's', 'u', 'l', 't', 's'};
    size_t n = con_post(d, 0x01, results, sizeof results, NULL, 0);
    serve_route(d, n, &r);
    /* ACK (same MID and token), 2.05, Content-Format 50 (delta 12, length 1), "{}" */
    static const uint8_t want[] = {0x61, 0x45, 0x12, 0x34, 0x5e, 0xc1, 50, 0xff, '{', '}'};
    n = serve_response(&r, 0x7777, 0x45, 50, -1, (const uint8_t *)"{}", 2, out, sizeof out);
    ck_assert_uint_eq(n, sizeof want);
    ck_assert_mem_eq(out, want, n);
    /* a NON request gets a NON response with the server's MID, no option for CF -1 */
    d[0] = 0x51;
    serve_route(d, sizeof results + 5, &r);
    ck_assert_int_eq(r.kind, SR_RESULTS);
    static const uint8_t want_non[] = {0x51, 0x84, 0x77, 0x77, 0x5e, 0xff, 'x'};
    n = serve_response(&r, 0x7777, 0x84, -1, -1, (const uint8_t *)"x", 1, out, sizeof out);
    ck_assert_uint_eq(n, sizeof want_non);
    ck_assert_mem_eq(out, want_non, n);
    ck_assert_uint_eq(serve_response(&r, 1, 0x84, -1, -1, (const uint8_t *)"x", 1, out, 4), 0);
}
END_TEST

START_TEST(message_1_of_the_rfc9529_traces)
{
    uint8_t m1[128];
    size_t n;
    int method = -1, suite = -1;
    for (int t = 1; t <= 2; t++) {
        char path[64];
        snprintf(path, sizeof path, "vectors/rfc9529-trace%d.json", t);
        json_t *doc = tu_load_json(path);
        ck_assert_ptr_nonnull(doc);
        n = tu_hex(json_string_value(json_object_get(doc, "message_1")), m1 + 1,
                   sizeof m1 - 1);
        json_decref(doc);
        m1[0] = 0xf5; /* as a CoAP payload (RFC 9528 Appendix A.2.1) */
        ck_assert(serve_message_1_peek(m1, n + 1, &method, &suite));
        ck_assert_int_eq(method, t == 1 ? 0 : 3);
        ck_assert_int_eq(suite, t == 1 ? 0 : 2);
        ck_assert(serve_message_1_peek(m1 + 1, n, &method, &suite)); /* bare framing */
        ck_assert_int_eq(suite, t == 1 ? 0 : 2);
    }
    static const uint8_t not_m1[][3] = {{0xf5, 0x60, 0x00}, {0x04, 0x80, 0x00}, {0xf5, 0x18, 0xff}};
    for (size_t i = 0; i < 3; i++)
        ck_assert(!serve_message_1_peek(not_m1[i], 3, &method, &suite));
    ck_assert(!serve_message_1_peek(not_m1[0], 0, &method, &suite));
}
END_TEST

/* RFC 8323 §3.2 frames, by hand: Len|TKL, (extended length), code, token,
 * options, payload. */
START_TEST(coap_over_tcp_frames)
{
    serve_request r;
    /* the client's CSM: Len 0, TKL 0, code 7.01 */
    static const uint8_t csm[] = {0x00, 0xe1};
    ck_assert_uint_eq(serve_route_tcp(csm, sizeof csm, &r), 2);
    ck_assert_int_eq(r.kind, SR_IGNORE);
    ck_assert_uint_eq(serve_route_tcp(csm, 1, &r), 0); /* more needed */
    /* POST /.well-known/edhoc, token 0x5e, payload f5 00 00 00: options 18 bytes +
     * marker + 4 = 23 bytes: Len 13, extended 23 - 13 = 10 */
    uint8_t d[64] = {0xd1, 10, 0x02, 0x5e, WK, 0xff, 0xf5, 0x00, 0x00, 0x00};
    size_t n = 4 + 18 + 1 + 4;
    ck_assert_uint_eq(serve_route_tcp(d, n, &r), n);
    ck_assert_int_eq(r.kind, SR_BASELINE);
    ck_assert_uint_eq(r.payload_len, 4);
    ck_assert_uint_eq(r.token_len, 1);
    ck_assert_uint_eq(serve_route_tcp(d, n - 1, &r), 0);
    /* CSM then the request, as a client sends them: one frame at a time */
    uint8_t two[80];
    memcpy(two, csm, 2);
    memcpy(two + 2, d, n);
    size_t first = serve_route_tcp(two, n + 2, &r);
    ck_assert_uint_eq(first, 2);
    ck_assert_uint_eq(serve_route_tcp(two + first, n, &r), n);
    ck_assert_int_eq(r.kind, SR_BASELINE);
    /* TKL 9, a marker with nothing after it, a 4-byte length past the bound: malformed */
    static const uint8_t tkl9[] = {0x09, 0x02, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    ck_assert_uint_eq(serve_route_tcp(tkl9, sizeof tkl9, &r), SERVE_TCP_BAD);
    static const uint8_t marker[] = {0x10, 0x02, 0xff};
    ck_assert_uint_eq(serve_route_tcp(marker, sizeof marker, &r), SERVE_TCP_BAD);
    static const uint8_t huge[] = {0xf0, 0xff, 0xff, 0xff, 0xff, 0x02};
    ck_assert_uint_eq(serve_route_tcp(huge, sizeof huge, &r), SERVE_TCP_BAD);
    /* the answer: 2.05, CF 50, Max-Age 1, "{}": options c1 32 21 01 (4) + ff + 2 = 7 */
    serve_route_tcp(d, n, &r);
    uint8_t out[32];
    static const uint8_t want[] = {0x71, 0x45, 0x5e, 0xc1, 50, 0x21, 1, 0xff, '{', '}'};
    size_t len = serve_response_tcp(&r, 0x45, 50, 1, (const uint8_t *)"{}", 2, out, sizeof out);
    ck_assert_uint_eq(len, sizeof want);
    ck_assert_mem_eq(out, want, len);
}
END_TEST

/* GET results: the newest results that fit one datagram, the earlier ones counted. */
START_TEST(results_summary_keeps_the_newest_that_fit)
{
    client *c = calloc(1, sizeof *c);
    ck_assert_ptr_nonnull(c);
    run_report_init(&c->rep);
    for (int i = 0; i < 40; i++) {
        sc_result r;
        memset(&r, 0, sizeof r);
        snprintf(r.id, sizeof r.id, "rfc9528/x/scenario-%02d", i);
        snprintf(r.profile, sizeof r.profile, "m3-s2-kid");
        r.v = i % 3 ? V_PASS : V_FAIL;
        ck_assert_int_eq(run_report_add(&c->rep, &r), 0);
    }
    char out[1024];
    size_t n = sv_results_body(c, "alice", out, sizeof out);
    ck_assert_uint_gt(n, 0);
    ck_assert_uint_lt(n, sizeof out);
    json_error_t e;
    json_t *doc = json_loadb(out, n, 0, &e);
    ck_assert_msg(doc != NULL, "%s", e.text);
    json_t *arr = json_object_get(doc, "results");
    size_t shown = json_array_size(arr), earlier =
        (size_t)json_integer_value(json_object_get(doc, "earlier"));
    ck_assert_uint_gt(shown, 3);
    ck_assert_uint_eq(shown + earlier, 40);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(arr, shown - 1), "id")),
                     "rfc9528/x/scenario-39");
    /* one more entry (about 70 bytes) would not have fitted */
    ck_assert_uint_gt(n + 60, sizeof out - 1);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(doc, "summary"),
                                                        "fail")), 14);
    json_decref(doc);
    /* room for all: none left out */
    static char big[8192];
    n = sv_results_body(c, "alice", big, sizeof big);
    doc = json_loadb(big, n, 0, &e);
    ck_assert_ptr_nonnull(doc);
    ck_assert_uint_eq(json_array_size(json_object_get(doc, "results")), 40);
    ck_assert_ptr_null(json_object_get(doc, "earlier"));
    json_decref(doc);
    /* a client with no results yet */
    n = sv_results_body(NULL, "bob", out, sizeof out);
    ck_assert_str_eq((out[n] = 0, out), "{\"client\":\"bob\",\"results\":[]}");
    run_report_free(&c->rep);
    free(c);
}
END_TEST

Suite *eh_test_serve_route_suite(void)
{
    Suite *s = suite_create("serve_route");
    TCase *tc = tcase_create("serve_route");
    tcase_add_test(tc, routes_by_path_and_query);
    tcase_add_test(tc, what_it_cannot_take);
    tcase_add_test(tc, responses_piggybacked_or_non);
    tcase_add_test(tc, message_1_of_the_rfc9529_traces);
    tcase_add_test(tc, coap_over_tcp_frames);
    tcase_add_test(tc, results_summary_keeps_the_newest_that_fit);
    suite_add_tcase(s, tc);
    return s;
}

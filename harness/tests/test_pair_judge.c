/*
 * test_pair_judge.c - what the relay's recordings of an interop pair mean
 * (interop/pair_wire.h, interop/pair_judge.h), on the RFC 9529 traces'
 * messages carried as the peers would carry them: raw UDP datagrams and
 * CoAP datagrams (Appendix A.2 prefixes, retransmissions, Block2). The
 * whole handshake is complete; each broken variant is caught with its
 * reason (no 0xf5 prefix, a bstr C_R prefix for a one-byte identifier,
 * bytes after message_2, an invalid G_Y, an error message) or is left
 * incomplete (no message_3, no message_4 when asked for); ERR_CODE 2
 * followed by a new message_1 is negotiation, not a failure. Also which
 * scenarios a pair runs (pair_scenario_ok, pair_job_refusal).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../interop/pair_job.h"
#include "../interop/pair_judge.h"
#include "../oscore/coap_codec.h"
#include "fixture.h"

#define MAX_D 16

typedef struct rec {
    relay_datagram d[MAX_D];
    uint8_t buf[MAX_D][600];
    size_t n;
} rec;

static void push(rec *r, relay_dir dir, const uint8_t *a, size_t na, const uint8_t *b,
                 size_t nb)
{
    ck_assert_uint_lt(r->n, MAX_D);
    ck_assert_uint_le(na + nb, sizeof r->buf[0]);
    if (na)
        memcpy(r->buf[r->n], a, na);
    if (nb)
        memcpy(r->buf[r->n] + na, b, nb);
    r->d[r->n] = (relay_datagram){.dir = dir, .client = 0, .t_us = (int64_t)r->n * 1000,
                                  .forwarded = true, .len = na + nb, .data = r->buf[r->n]};
    r->n++;
}

/* A CoAP datagram: type, code, mid, one-byte token, EDHOC path for
 * requests when edhoc, optional Block2 value, another option (number opt,
 * empty value; 0: none), payload. */
static void push_coap_opt(rec *r, relay_dir dir, uint8_t type, uint8_t code, uint16_t mid,
                          uint8_t token, bool edhoc, int block2, uint16_t opt, const uint8_t *p,
                          size_t n)
{
    eh_coap_udp_hdr h = {.type = type, .message_id = mid, .token = &token, .token_len = 1};
    eh_coap_msg m;
    memset(&m, 0, sizeof m);
    m.code = code;
    uint8_t b2[3];
    if (edhoc) {
        m.opts[m.n_opts++] = (eh_coap_option){EH_COAP_OPT_URI_PATH,
                                              (const uint8_t *)".well-known", 11};
        m.opts[m.n_opts++] = (eh_coap_option){EH_COAP_OPT_URI_PATH, (const uint8_t *)"edhoc", 5};
    }
    if (block2 >= 0) {
        b2[0] = (uint8_t)block2;
        m.opts[m.n_opts++] = (eh_coap_option){23, b2, 1};
    }
    if (opt)
        m.opts[m.n_opts++] = (eh_coap_option){opt, NULL, 0};
    m.payload = p, m.payload_len = n;
    uint8_t out[600];
    size_t len = 0;
    ck_assert_int_eq(eh_coap_udp_encode(&h, &m, out, sizeof out, &len), EH_OK);
    push(r, dir, out, len, NULL, 0);
}

static void push_coap(rec *r, relay_dir dir, uint8_t type, uint8_t code, uint16_t mid,
                      uint8_t token, bool edhoc, int block2, const uint8_t *p, size_t n)
{
    push_coap_opt(r, dir, type, code, mid, token, edhoc, block2, 0, p, n);
}

static const uint8_t F5 = 0xf5;

typedef struct judged {
    pw_result w;
    pj_report j;
} judged;

static judged *judge_flow(const rec *r, bool coap, bool message_4, bool reverse)
{
    static const int suites[] = {6, 2};
    judged *x = calloc(1, sizeof *x);
    ck_assert_ptr_nonnull(x);
    pj_expect e = {.coap = coap, .reverse = reverse, .message_4 = message_4,
                   .budget = SC_BUDGET_RFC9528,
                   .suites = suites, .n_suites = 2, .id_cred_i_len = 1, .id_cred_r_len = 1};
    ck_assert_int_eq(pw_split(coap, r->d, r->n, NULL, &x->w), 0);
    ck_assert_int_eq(pj_judge(&x->w, &e, &x->j), 0);
    return x;
}

static judged *judge(const rec *r, bool coap, bool message_4)
{
    return judge_flow(r, coap, message_4, false);
}

static void judged_free(judged *x)
{
    pj_free(&x->j);
    pw_free(&x->w);
    free(x);
}

/* Trace 2 over raw UDP: f5 || message_1, message_2, C_R || message_3, ack. */
static void raw_handshake(rec *r, const fixture *f)
{
    push(r, RELAY_TO_RESPONDER, &F5, 1, f->m1.b, f->m1.n);
    push(r, RELAY_TO_INITIATOR, f->m2.b, f->m2.n, NULL, 0);
    push(r, RELAY_TO_RESPONDER, f->c_r.b, f->c_r.n, f->m3.b, f->m3.n);
    push(r, RELAY_TO_INITIATOR, NULL, 0, NULL, 0);
}

START_TEST(raw_udp_handshake_complete)
{
    fixture *f = fx_load(2);
    rec r = {0};
    raw_handshake(&r, f);
    push(&r, RELAY_TO_RESPONDER, &F5, 1, f->m1.b, f->m1.n); /* a late copy: retransmission */
    judged *x = judge(&r, false, false);
    ck_assert_msg(x->j.complete, "%s", x->j.finding);
    ck_assert_str_eq(x->j.finding, "");
    ck_assert_uint_eq(x->w.n_bodies, 4);
    ck_assert_int_eq(x->w.frames[4].kind, PW_RETRANSMISSION);
    ck_assert_str_eq(x->j.notes[0].name, "message_1");
    ck_assert_uint_eq(x->j.notes[0].prefix_len, 1);
    ck_assert_str_eq(x->j.notes[1].name, "message_2");
    ck_assert_str_eq(x->j.notes[2].name, "message_3");
    ck_assert_uint_eq(x->j.notes[2].prefix_len, 1);
    ck_assert_str_eq(x->j.notes[3].name, "empty");
    ck_assert_int_eq(x->j.method, 3);
    ck_assert_int_eq(x->j.suite, 2);
    ck_assert_str_eq(x->j.stage, "message_1, message_2, message_3");
    /* sizes: the trace's message_1 offers [6, 2]: 39 bytes, its minimum too */
    ck_assert_uint_eq(x->j.n_sizes, 3);
    ck_assert_int_eq(x->j.sizes[0].size, (long)f->m1.n);
    ck_assert_int_eq(x->j.sizes[0].minimum, (long)f->m1.n);
    ck_assert_int_eq(x->j.sizes[1].size, 45);
    ck_assert_int_eq(x->j.sizes[1].budget, 45);
    ck_assert_int_eq(x->j.sizes[2].prefix, 1);
    judged_free(x);
    fx_free(f);
}
END_TEST

START_TEST(coap_handshake_with_retransmission_and_block2)
{
    fixture *f = fx_load(2);
    rec r = {0};
    uint8_t p1[64], p3[64];
    p1[0] = 0xf5;
    memcpy(p1 + 1, f->m1.b, f->m1.n);
    memcpy(p3, f->c_r.b, f->c_r.n);
    memcpy(p3 + f->c_r.n, f->m3.b, f->m3.n);
    push_coap(&r, RELAY_TO_RESPONDER, EH_COAP_CON, 0x02, 0x100, 1, true, -1, p1, f->m1.n + 1);
    push_coap(&r, RELAY_TO_RESPONDER, EH_COAP_CON, 0x02, 0x100, 1, true, -1, p1, f->m1.n + 1);
    /* message_2 (45 bytes) in 16-byte blocks: NUM 0 and 1 with M, NUM 2 last */
    push_coap(&r, RELAY_TO_INITIATOR, EH_COAP_ACK, 0x44, 0x100, 1, false, 0x08, f->m2.b, 16);
    push_coap(&r, RELAY_TO_RESPONDER, EH_COAP_CON, 0x02, 0x101, 2, true, 0x10, NULL, 0);
    push_coap(&r, RELAY_TO_INITIATOR, EH_COAP_ACK, 0x44, 0x101, 2, false, 0x18, f->m2.b + 16,
              16);
    push_coap(&r, RELAY_TO_RESPONDER, EH_COAP_CON, 0x02, 0x102, 3, true, 0x20, NULL, 0);
    push_coap(&r, RELAY_TO_INITIATOR, EH_COAP_ACK, 0x44, 0x102, 3, false, 0x20, f->m2.b + 32,
              f->m2.n - 32);
    push_coap(&r, RELAY_TO_RESPONDER, EH_COAP_CON, 0x02, 0x103, 4, true, -1, p3,
              f->c_r.n + f->m3.n);
    push_coap(&r, RELAY_TO_INITIATOR, EH_COAP_ACK, 0x44, 0x103, 4, false, -1, NULL, 0);
    /* afterwards: an unrelated response is shown, not judged */
    push_coap(&r, RELAY_TO_INITIATOR, EH_COAP_ACK, 0x45, 0x104, 9, false, -1,
              (const uint8_t *)"x", 1);
    judged *x = judge(&r, true, false);
    ck_assert_msg(x->j.complete, "%s", x->j.finding);
    ck_assert_int_eq(x->w.frames[1].kind, PW_RETRANSMISSION);
    ck_assert_int_eq(x->w.frames[2].kind, PW_BLOCK);
    ck_assert_int_eq(x->w.frames[3].kind, PW_OTHER);
    ck_assert_int_eq(x->w.frames[6].kind, PW_EDHOC);
    ck_assert_int_eq(x->w.frames[9].kind, PW_OTHER);
    ck_assert_uint_eq(x->w.n_bodies, 4);
    ck_assert_uint_eq(x->w.bodies[1].len, f->m2.n);
    ck_assert(memcmp(x->w.bodies[1].data, f->m2.b, f->m2.n) == 0);
    ck_assert(strstr(x->w.frames[0].coap, "CON POST /.well-known/edhoc") != NULL);
    judged_free(x);
    fx_free(f);
}
END_TEST

/* Neither a Responder that does not acknowledge message_3 over raw UDP (its
 * next datagram is the OSCORE response) nor one that first answers 4.01
 * with an Echo option over CoAP (RFC 9175) is taken for a failure. */
START_TEST(no_ack_over_udp_and_echo_over_coap)
{
    fixture *f = fx_load(2);
    rec r = {0};
    push(&r, RELAY_TO_RESPONDER, &F5, 1, f->m1.b, f->m1.n);
    push(&r, RELAY_TO_INITIATOR, f->m2.b, f->m2.n, NULL, 0);
    push(&r, RELAY_TO_RESPONDER, f->c_r.b, f->c_r.n, f->m3.b, f->m3.n);
    push_coap_opt(&r, RELAY_TO_RESPONDER, EH_COAP_CON, 0x02, 7, 7, false, -1,
                  EH_COAP_OPT_OSCORE, (const uint8_t *)"ct", 2);
    push_coap_opt(&r, RELAY_TO_INITIATOR, EH_COAP_ACK, 0x44, 7, 7, false, -1,
                  EH_COAP_OPT_OSCORE, (const uint8_t *)"ct", 2);
    judged *x = judge(&r, false, false);
    ck_assert_msg(x->j.complete, "%s", x->j.finding);
    ck_assert_str_eq(x->j.notes[3].name, "oscore");
    ck_assert_str_eq(x->j.notes[4].name, "oscore");
    judged_free(x);

    memset(&r, 0, sizeof r);
    uint8_t p1[64], p3[64];
    p1[0] = 0xf5;
    memcpy(p1 + 1, f->m1.b, f->m1.n);
    memcpy(p3, f->c_r.b, f->c_r.n);
    memcpy(p3 + f->c_r.n, f->m3.b, f->m3.n);
    push_coap(&r, RELAY_TO_RESPONDER, EH_COAP_CON, 0x02, 1, 1, true, -1, p1, f->m1.n + 1);
    push_coap_opt(&r, RELAY_TO_INITIATOR, EH_COAP_ACK, 0x81, 1, 1, false, -1, 252, NULL, 0);
    push_coap_opt(&r, RELAY_TO_RESPONDER, EH_COAP_CON, 0x02, 2, 2, true, -1, 252, p1,
                  f->m1.n + 1);
    push_coap(&r, RELAY_TO_INITIATOR, EH_COAP_ACK, 0x44, 2, 2, false, -1, f->m2.b, f->m2.n);
    push_coap(&r, RELAY_TO_RESPONDER, EH_COAP_CON, 0x02, 3, 3, true, -1, p3,
              f->c_r.n + f->m3.n);
    push_coap(&r, RELAY_TO_INITIATOR, EH_COAP_ACK, 0x44, 3, 3, false, -1, NULL, 0);
    x = judge(&r, true, false);
    ck_assert_msg(x->j.complete, "%s", x->j.finding);
    ck_assert_int_eq(x->w.frames[1].kind, PW_OTHER);
    ck_assert_str_eq(x->j.notes[1].name, "repeat");
    judged_free(x);
    fx_free(f);
}
END_TEST

/* One broken raw-UDP handshake: the finding must contain `why`. */
static void expect_finding(rec *r, const char *why)
{
    judged *x = judge(r, false, false);
    ck_assert(!x->j.complete);
    ck_assert_msg(strstr(x->j.finding, why) != NULL, "finding \"%s\" lacks \"%s\"", x->j.finding,
                  why);
    judged_free(x);
}

START_TEST(broken_handshakes_are_caught)
{
    fixture *f = fx_load(2);
    rec r;
    uint8_t m2[64], bad_cr[2] = {0x41, f->c_r.b[0]}, err1[] = {0x01, 0x62, 'n', 'o'};

    memset(&r, 0, sizeof r); /* message_1 without the 0xf5 prefix */
    push(&r, RELAY_TO_RESPONDER, f->m1.b, f->m1.n, NULL, 0);
    expect_finding(&r, "0xf5");

    memset(&r, 0, sizeof r); /* C_R as a one-byte bstr */
    push(&r, RELAY_TO_RESPONDER, &F5, 1, f->m1.b, f->m1.n);
    push(&r, RELAY_TO_INITIATOR, f->m2.b, f->m2.n, NULL, 0);
    push(&r, RELAY_TO_RESPONDER, bad_cr, 2, f->m3.b, f->m3.n);
    expect_finding(&r, "one-byte identifier sent as a byte string");

    memset(&r, 0, sizeof r); /* a byte after message_2 */
    memcpy(m2, f->m2.b, f->m2.n);
    m2[f->m2.n] = 0;
    push(&r, RELAY_TO_RESPONDER, &F5, 1, f->m1.b, f->m1.n);
    push(&r, RELAY_TO_INITIATOR, m2, f->m2.n + 1, NULL, 0);
    expect_finding(&r, "1 bytes after its byte string");

    memset(&r, 0, sizeof r); /* G_Y = p - 1 .. not on P-256: all 0xff is >= p */
    memcpy(m2, f->m2.b, f->m2.n);
    memset(m2 + 2, 0xff, 32);
    push(&r, RELAY_TO_RESPONDER, &F5, 1, f->m1.b, f->m1.n);
    push(&r, RELAY_TO_INITIATOR, m2, f->m2.n, NULL, 0);
    expect_finding(&r, "G_Y");

    memset(&r, 0, sizeof r); /* an error message instead of message_2 */
    push(&r, RELAY_TO_RESPONDER, &F5, 1, f->m1.b, f->m1.n);
    push(&r, RELAY_TO_INITIATOR, err1, sizeof err1, NULL, 0);
    expect_finding(&r, "answered message_1 with an EDHOC error message: ERR_CODE 1");

    memset(&r, 0, sizeof r); /* the Responder rejects message_3 */
    push(&r, RELAY_TO_RESPONDER, &F5, 1, f->m1.b, f->m1.n);
    push(&r, RELAY_TO_INITIATOR, f->m2.b, f->m2.n, NULL, 0);
    push(&r, RELAY_TO_RESPONDER, f->c_r.b, f->c_r.n, f->m3.b, f->m3.n);
    push(&r, RELAY_TO_INITIATOR, err1, sizeof err1, NULL, 0);
    expect_finding(&r, "answered message_3");
    fx_free(f);
}
END_TEST

START_TEST(incomplete_handshakes_and_negotiation)
{
    fixture *f = fx_load(2);
    rec r;
    /* no message_3: incomplete, nothing wrong in what was seen */
    memset(&r, 0, sizeof r);
    push(&r, RELAY_TO_RESPONDER, &F5, 1, f->m1.b, f->m1.n);
    push(&r, RELAY_TO_INITIATOR, f->m2.b, f->m2.n, NULL, 0);
    judged *x = judge(&r, false, false);
    ck_assert(!x->j.complete);
    ck_assert_str_eq(x->j.finding, "");
    ck_assert_str_eq(x->j.stage, "message_1, message_2");
    judged_free(x);
    /* message_4 asked for, only an empty acknowledgement came */
    memset(&r, 0, sizeof r);
    raw_handshake(&r, f);
    x = judge(&r, false, true);
    ck_assert(!x->j.complete);
    judged_free(x);
    /* ... and with message_4 */
    memset(&r, 0, sizeof r);
    push(&r, RELAY_TO_RESPONDER, &F5, 1, f->m1.b, f->m1.n);
    push(&r, RELAY_TO_INITIATOR, f->m2.b, f->m2.n, NULL, 0);
    push(&r, RELAY_TO_RESPONDER, f->c_r.b, f->c_r.n, f->m3.b, f->m3.n);
    push(&r, RELAY_TO_INITIATOR, f->m4.b, f->m4.n, NULL, 0);
    x = judge(&r, false, true);
    ck_assert_msg(x->j.complete, "%s", x->j.finding);
    ck_assert_str_eq(x->j.notes[3].name, "message_4");
    judged_free(x);
    /* ERR_CODE 2 (SUITES_R 2) to another message_1 (trace 1's, suite 0), then
     * a new message_1: negotiation */
    uint8_t err2[] = {0x02, 0x02};
    fixture *f1 = fx_load(1);
    memset(&r, 0, sizeof r);
    push(&r, RELAY_TO_RESPONDER, &F5, 1, f1->m1.b, f1->m1.n);
    fx_free(f1);
    push(&r, RELAY_TO_INITIATOR, err2, sizeof err2, NULL, 0);
    raw_handshake(&r, f);
    x = judge(&r, false, false);
    ck_assert_msg(x->j.complete, "%s", x->j.finding);
    ck_assert_str_eq(x->j.notes[1].name, "error");
    ck_assert(x->j.notes[1].ok);
    judged_free(x);
    fx_free(f);
}
END_TEST

/* EAD_1: its structure is checked, not whether the relay knows a critical
 * item (the peers agree on those). */
START_TEST(ead_1_structure_only)
{
    fixture *f = fx_load(2);
    rec r = {0};
    uint8_t m1[64];
    memcpy(m1, f->m1.b, f->m1.n);
    m1[f->m1.n] = 0x29; /* critical EAD item, label -10, no value */
    push(&r, RELAY_TO_RESPONDER, &F5, 1, m1, f->m1.n + 1);
    judged *x = judge(&r, false, false);
    ck_assert_msg(x->j.notes[0].ok, "%s", x->j.notes[0].text);
    judged_free(x);
    memset(&r, 0, sizeof r);
    m1[f->m1.n] = 0x61, m1[f->m1.n + 1] = 'x'; /* a text string is no EAD item */
    push(&r, RELAY_TO_RESPONDER, &F5, 1, m1, f->m1.n + 2);
    expect_finding(&r, "EAD");
    fx_free(f);
}
END_TEST

/* Trace 1: METHOD 0, suite 0, C_R h'18' sent as a bstr (41 18), signatures. */
START_TEST(signature_method_and_bstr_c_r)
{
    fixture *f = fx_load(1);
    rec r = {0};
    uint8_t cr[2] = {0x41, f->c_r.b[0]};
    ck_assert(!eh_conn_id_is_int(f->c_r.b, f->c_r.n));
    push(&r, RELAY_TO_RESPONDER, &F5, 1, f->m1.b, f->m1.n);
    push(&r, RELAY_TO_INITIATOR, f->m2.b, f->m2.n, NULL, 0);
    push(&r, RELAY_TO_RESPONDER, cr, 2, f->m3.b, f->m3.n);
    push(&r, RELAY_TO_INITIATOR, NULL, 0, NULL, 0);
    judged *x = judge(&r, false, false);
    ck_assert_msg(x->j.complete, "%s", x->j.finding);
    ck_assert_int_eq(x->j.method, 0);
    ck_assert_int_eq(x->j.suite, 0);
    ck_assert_uint_eq(x->j.notes[2].prefix_len, 2);
    judged_free(x);
    /* message_2 cut below what METHOD 0 with signatures can be */
    memset(&r, 0, sizeof r);
    uint8_t m2[64] = {0x58, 40};
    memcpy(m2 + 2, f->m2.b + 2, 40);
    push(&r, RELAY_TO_RESPONDER, &F5, 1, f->m1.b, f->m1.n);
    push(&r, RELAY_TO_INITIATOR, m2, 42, NULL, 0);
    expect_finding(&r, "smallest possible");
    fx_free(f);
}
END_TEST

START_TEST(which_scenarios_a_pair_runs)
{
    char err[256], why[256];
    scenario *sc = malloc(sizeof *sc);
    peer_file *pf = calloc(1, sizeof *pf);
    ck_assert_ptr_nonnull(sc);
    ck_assert_int_eq(peer_file_load(EH_SOURCE_DIR "/peers/reference.yaml", pf, err, sizeof err),
                     0);
    pair_job_opts o = {.sc = sc, .initiator = pf, .responder = pf};
    ck_assert_int_eq(scenario_load(EH_SOURCE_DIR "/scenarios/interop/m3-s2-kid.yaml", sc, err,
                                   sizeof err),
                     0);
    o.transport = pair_transport(sc, pf, pf);
    ck_assert(pair_scenario_ok(sc));
    ck_assert_ptr_null(pair_job_refusal(&o, why, sizeof why));
    ck_assert_int_eq(scenario_load(EH_SOURCE_DIR "/scenarios/interop/m3-s2-kid-tcp.yaml", sc, err,
                                   sizeof err),
                     0);
    o.transport = pair_transport(sc, pf, pf);
    ck_assert(pair_scenario_ok(sc));
    ck_assert(strstr(pair_job_refusal(&o, why, sizeof why), "TCP") != NULL);
    ck_assert_int_eq(scenario_load(EH_SOURCE_DIR "/scenarios/interop/rfc9529-trace-2.yaml", sc,
                                   err, sizeof err),
                     0);
    o.transport = pair_transport(sc, pf, pf);
    ck_assert(pair_scenario_ok(sc));
    ck_assert_int_eq(scenario_load(EH_SOURCE_DIR
                                   "/scenarios/rfc9528/6.3/selected-suite-unsupported.yaml",
                                   sc, err, sizeof err),
                     0);
    ck_assert(!pair_scenario_ok(sc)); /* not interop/, and a negative scenario */
    /* a peer without the capability, or without an initiator command */
    ck_assert_int_eq(scenario_load(EH_SOURCE_DIR "/scenarios/interop/m3-s2-kid.yaml", sc, err,
                                   sizeof err),
                     0);
    o.transport = pair_transport(sc, pf, pf);
    pf->n_capabilities = 0;
    ck_assert(strstr(pair_job_refusal(&o, why, sizeof why), "lacks the capability") != NULL);
    pf->initiator.present = false;
    ck_assert(strstr(pair_job_refusal(&o, why, sizeof why), "no initiator command") != NULL);
    /* a scenario that names no transport runs over one both claim: CoAP when both do,
     * raw UDP when both claim it and one lacks CoAP, none when they share none */
    pf->initiator.present = true;
    ck_assert_int_eq(scenario_load(EH_SOURCE_DIR "/scenarios/interop/m3-s3-kid.yaml", sc, err,
                                   sizeof err),
                     0);
    peer_file *raw = calloc(1, sizeof *raw), *tcp = calloc(1, sizeof *tcp);
    ck_assert_ptr_nonnull(raw);
    ck_assert_ptr_nonnull(tcp);
    ck_assert_int_eq(peer_file_load(EH_SOURCE_DIR "/peers/reference.yaml", raw, err, sizeof err),
                     0);
    *tcp = *raw;
    ck_assert_int_eq(pair_transport(sc, raw, raw), SC_COAP);
    raw->n_capabilities = 0;
    snprintf(raw->capabilities[raw->n_capabilities++], sizeof raw->capabilities[0], "udp");
    tcp->n_capabilities = 0;
    snprintf(tcp->capabilities[tcp->n_capabilities++], sizeof tcp->capabilities[0], "coap-tcp");
    ck_assert_int_eq(pair_transport(sc, raw, raw), SC_UDP);
    ck_assert_int_eq(pair_transport(sc, tcp, raw), -1);
    pair_job_opts none = {.sc = sc, .initiator = tcp, .responder = raw, .transport = -1};
    ck_assert(strstr(pair_job_refusal(&none, why, sizeof why), "no transport in common") !=
              NULL);
    /* a scenario that names its transport keeps it */
    ck_assert_int_eq(scenario_load(EH_SOURCE_DIR "/scenarios/interop/m3-s2-kid-udp.yaml", sc,
                                   err, sizeof err),
                     0);
    ck_assert_int_eq(pair_transport(sc, tcp, tcp), SC_UDP);
    free(raw), free(tcp);
    free(pf);
    free(sc);
}
END_TEST

/* RFC 9528 Appendix A.2.2 with RFC 9529 trace 2's messages: the Responder
 * (the relay's client) triggers with an empty POST, message_1 comes in the
 * 2.04, C_I || message_2 (trace 2: C_I -24, 0x37) in a POST, message_3 in
 * its 2.04, C_I || message_4 acknowledged by an empty 2.04. */
static void reverse_handshake(rec *r, const fixture *f, const uint8_t *m2_prefix, size_t np,
                              bool error_for_m2)
{
    uint8_t b[600];
    push_coap(r, RELAY_TO_RESPONDER, EH_COAP_CON, EH_COAP_CODE_POST, 1, 1, true, -1, NULL, 0);
    push_coap(r, RELAY_TO_INITIATOR, EH_COAP_ACK, 0x44, 1, 1, false, -1, f->m1.b, f->m1.n);
    memcpy(b, m2_prefix, np);
    memcpy(b + np, f->m2.b, f->m2.n);
    push_coap(r, RELAY_TO_RESPONDER, EH_COAP_CON, EH_COAP_CODE_POST, 2, 2, true, -1, b,
              np + f->m2.n);
    if (error_for_m2) { /* 4.00 with ERR_CODE 1, "bad MAC" */
        static const uint8_t err[] = {0x01, 0x67, 'b', 'a', 'd', ' ', 'M', 'A', 'C'};
        push_coap(r, RELAY_TO_INITIATOR, EH_COAP_ACK, 0x80, 2, 2, false, -1, err, sizeof err);
        return;
    }
    push_coap(r, RELAY_TO_INITIATOR, EH_COAP_ACK, 0x44, 2, 2, false, -1, f->m3.b, f->m3.n);
    memcpy(b, f->c_i.b, f->c_i.n);
    memcpy(b + f->c_i.n, f->m4.b, f->m4.n);
    push_coap(r, RELAY_TO_RESPONDER, EH_COAP_CON, EH_COAP_CODE_POST, 3, 3, true, -1, b,
              f->c_i.n + f->m4.n);
    push_coap(r, RELAY_TO_INITIATOR, EH_COAP_ACK, 0x44, 3, 3, false, -1, NULL, 0);
}

START_TEST(reverse_flow_handshake_and_its_faults)
{
    fixture *f = fx_load(2);
    ck_assert_uint_eq(f->c_i.n, 1);
    ck_assert_uint_eq(f->c_i.b[0], 0x37); /* RFC 9529 trace 2: C_I = -24 */
    rec r = {0};
    reverse_handshake(&r, f, f->c_i.b, f->c_i.n, false);
    judged *x = judge_flow(&r, true, true, true);
    ck_assert_msg(x->j.complete, "%s", x->j.finding);
    static const char *const names[] = {"trigger", "message_1", "message_2", "message_3",
                                        "message_4", "empty"};
    ck_assert_uint_eq(x->w.n_bodies, 6);
    for (size_t i = 0; i < 6; i++)
        ck_assert_str_eq(x->j.notes[i].name, names[i]);
    ck_assert_uint_eq(x->j.notes[1].prefix_len, 0);
    ck_assert_uint_eq(x->j.notes[2].prefix_len, 1);
    ck_assert_uint_eq(x->j.notes[4].prefix_len, 1);
    ck_assert_str_eq(x->j.stage, "message_1, message_2, message_3, message_4");
    /* the forward judge reads the same datagrams as broken (no 0xf5 prefix) */
    judged *fw = judge_flow(&r, true, true, false);
    ck_assert(!fw->j.complete);
    judged_free(fw);
    judged_free(x);

    /* message_2 without C_I, and with C_R instead of C_I (trace 2: -8, 0x27) */
    for (int k = 0; k < 2; k++) {
        rec b = {0};
        reverse_handshake(&b, f, f->c_r.b, k == 0 ? 0 : f->c_r.n, false);
        x = judge_flow(&b, true, true, true);
        ck_assert(!x->j.complete);
        ck_assert_msg(strstr(x->j.finding, "does not start with C_I from message_1 (37)") != NULL,
                      "%s", x->j.finding);
        judged_free(x);
    }
    /* the Initiator rejects message_2 with an error message in a 4.00 */
    rec e = {0};
    reverse_handshake(&e, f, f->c_i.b, f->c_i.n, true);
    x = judge_flow(&e, true, false, true);
    ck_assert(!x->j.complete);
    ck_assert_msg(strstr(x->j.finding, "the Initiator answered message_2 with an EDHOC error "
                                       "message: ERR_CODE 1") != NULL, "%s", x->j.finding);
    judged_free(x);
    fx_free(f);
}
END_TEST

Suite *eh_test_pair_judge_suite(void)
{
    Suite *s = suite_create("pair_judge");
    TCase *tc = tcase_create("pair_judge");
    tcase_add_test(tc, raw_udp_handshake_complete);
    tcase_add_test(tc, coap_handshake_with_retransmission_and_block2);
    tcase_add_test(tc, no_ack_over_udp_and_echo_over_coap);
    tcase_add_test(tc, broken_handshakes_are_caught);
    tcase_add_test(tc, incomplete_handshakes_and_negotiation);
    tcase_add_test(tc, ead_1_structure_only);
    tcase_add_test(tc, signature_method_and_bstr_c_r);
    tcase_add_test(tc, which_scenarios_a_pair_runs);
    tcase_add_test(tc, reverse_flow_handshake_and_its_faults);
    suite_add_tcase(s, tc);
    return s;
}

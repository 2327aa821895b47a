/*
 * RFC 9529 §4: every invalid message is rejected, with the reason the RFC
 * names (our error code and the field of the finding), and the receiver
 * owes the right error message. PLAINTEXT_2 entries are encrypted with the
 * trace-2 keystream (computed from the RFC's PRK_2e and TH_2) and delivered
 * as a real message_2 to an Initiator in the trace-2 state.
 */
#include <check.h>
#include <string.h>

#include "fixture.h"

typedef struct expectation {
    const char *section; /* RFC 9529 §4 entry title, as in the JSON */
    eh_err err;
    const char *field;
    int suites[3];       /* Responder's supported suites for message_1 entries */
    size_t n_suites;
} expectation;

static const expectation expected[] = {
    {"Surplus array encoding of message", EH_ERR_MESSAGE_FORMAT, "message_1", {2}, 1},
    {"Surplus bstr encoding of connection identifier", EH_ERR_CONN_ID_ENCODING, "C_I", {2}, 1},
    {"Surplus array encoding of ciphersuite", EH_ERR_MESSAGE_FORMAT, "SUITES_I", {2}, 1},
    {"Text string encoding of ephemeral key", EH_ERR_MESSAGE_FORMAT, "G_X", {2}, 1},
    {"Wrong number of CBOR sequence elements", EH_ERR_TRAILING_DATA, "message_2", {0}, 0},
    {"Surplus map encoding of ID_CRED field", EH_ERR_ID_CRED_ENCODING, "ID_CRED_R", {0}, 0},
    {"Surplus bstr encoding of ID_CRED field", EH_ERR_ID_CRED_ENCODING, "ID_CRED_R", {0}, 0},
    /* The Responder supports P-384 suite 24 but not 2, so the suite
     * negotiation passes and the 32-byte G_X is the reason. */
    {"Error in length of ephemeral key", EH_ERR_LENGTH, "G_X", {24}, 1},
    {"Error in elliptic curve representation", EH_ERR_INVALID_PUBLIC_KEY, "G_X", {2}, 1},
    {"Error in elliptic curve point", EH_ERR_INVALID_PUBLIC_KEY, "G_X", {2}, 1},
    {"Curve point of low order", EH_ERR_LOW_ORDER_POINT, "G_X", {0, 2}, 2},
    {"Error in length of MAC", EH_ERR_LENGTH, "Signature_or_MAC_2", {0}, 0},
    {"Error in elliptic curve encoding", EH_ERR_LENGTH, "G_X", {2}, 1},
    {"Unnecessary long encoding", EH_ERR_CBOR_NONDETERMINISTIC, "METHOD", {2}, 1},
    {"Indefinite-length array encoding", EH_ERR_CBOR_NONDETERMINISTIC, "SUITES_I", {2}, 1},
};

static const expectation *find(const char *section)
{
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        if (strcmp(expected[i].section, section) == 0)
            return &expected[i];
    return NULL;
}

static uint64_t seed = 42;

static void check_error_message(const eh_session *s, int code)
{
    uint8_t msg[128];
    size_t len;
    ck_assert_int_eq(s->state, EH_STATE_ABORTED);
    ck_assert_int_eq(s->err_code_to_send, code);
    ck_assert_int_eq(eh_error_message(s, msg, sizeof msg, &len), EH_OK);
    ck_assert_int_eq(msg[0], code); /* ERR_CODE as a one-byte CBOR int */
    if (code == 1)
        ck_assert_int_eq(msg[1] >> 5, 3); /* ERR_INFO is a tstr (§6.2) */
}

static eh_err deliver_message_1(fixture *f, const expectation *e, const uint8_t *m, size_t n,
                                eh_session *s)
{
    eh_config cfg = f->cr;
    memcpy(cfg.suites, e->suites, sizeof e->suites);
    cfg.n_suites = e->n_suites;
    cfg.rng = tu_rng;
    cfg.rng_arg = &seed;
    cfg.trace = NULL;
    /* cfg lives on this stack frame: only the result is used afterwards. */
    ck_assert_int_eq(eh_session_init(s, &cfg), EH_OK);
    eh_err err = eh_responder_process_message_1(s, m, n);
    if (err != EH_OK)
        check_error_message(s, 1);
    return err;
}

/* message_2 = bstr(G_Y || PT XOR KDF(PRK_2e, 0, TH_2, |PT|)) with trace-2 values. */
static size_t encrypt_plaintext_2(fixture *f, const uint8_t *pt, size_t pt_len, uint8_t *out)
{
    uint8_t prk_2e[32], th_2[32], g_y[32], ks[64], body[96];
    tu_vec(f->json, "prk_2e", prk_2e, sizeof prk_2e);
    tu_vec(f->json, "th_2", th_2, sizeof th_2);
    tu_vec(f->json, "g_y", g_y, sizeof g_y);
    ck_assert_uint_le(pt_len, sizeof ks);
    ck_assert_int_eq(eh_kdf(f->suite, prk_2e, 0, th_2, 32, ks, pt_len), EH_OK);
    memcpy(body, g_y, 32);
    for (size_t i = 0; i < pt_len; i++)
        body[32 + i] = pt[i] ^ ks[i];
    out[0] = 0x58;
    out[1] = (uint8_t)(32 + pt_len);
    memcpy(out + 2, body, 32 + pt_len);
    return 34 + pt_len;
}

START_TEST(every_rfc9529_invalid_message_rejected_for_its_reason)
{
    json_t *j = tu_load_json("vectors/invalid/rfc9529-invalid.json");
    json_t *list = json_object_get(j, "vectors");
    fixture *f = fx_load(2);
    size_t i;
    json_t *v;
    ck_assert_uint_eq(json_array_size(list), 15);
    json_array_foreach(list, i, v) {
        const char *section = json_string_value(json_object_get(v, "section"));
        const char *applies = json_string_value(json_object_get(v, "applies_to"));
        const expectation *e = find(section);
        ck_assert_msg(e != NULL, "no expectation for '%s'", section);
        uint8_t m[256], wire[256];
        size_t n = tu_hex(json_string_value(json_object_get(v, "hex")), m, sizeof m);
        ck_assert_uint_eq(n, (size_t)json_integer_value(json_object_get(v, "declared_len")));
        eh_session s;
        eh_err err;
        if (strcmp(applies, "message_1") == 0) {
            err = deliver_message_1(f, e, m, n, &s);
        } else {
            fx_initiator_to_wait_m2(f, &s);
            if (strcmp(applies, "PLAINTEXT_2") == 0)
                n = encrypt_plaintext_2(f, m, n, wire);
            else
                memcpy(wire, m, n);
            err = eh_initiator_process_message_2(&s, wire, n);
            if (err != EH_OK)
                check_error_message(&s, 1);
        }
        ck_assert_msg(err == e->err, "'%s': got %s, expected %s", section, eh_err_name(err),
                      eh_err_name(e->err));
        ck_assert_msg(s.finding.field != NULL && strcmp(s.finding.field, e->field) == 0,
                      "'%s': finding names field %s, expected %s", section,
                      s.finding.field ? s.finding.field : "(none)", e->field);
        ck_assert_ptr_nonnull(s.finding.reason);
        ck_assert_ptr_nonnull(s.finding.rfc);
        eh_session_wipe(&s);
    }
    fx_free(f);
    json_decref(j);
}
END_TEST

/* The harness can also be lenient about non-shortest heads (§9.8 allows
 * either): then `19 00 03` is accepted as METHOD 3. */
START_TEST(lenient_mode_accepts_non_shortest_method)
{
    fixture *f = fx_load(2);
    uint8_t m[64];
    size_t n = tu_hex("190003025820741a13d7ba048fbb615e94386aa3b61bea5b3d8f65f32620b749bee8d278efa90e",
                      m, sizeof m);
    eh_config cfg = f->cr;
    cfg.lenient_cbor = true;
    cfg.rng = tu_rng;
    cfg.rng_arg = &seed;
    cfg.trace = NULL;
    eh_session s;
    ck_assert_int_eq(eh_session_init(&s, &cfg), EH_OK);
    ck_assert_int_eq(eh_responder_process_message_1(&s, m, n), EH_OK);
    ck_assert_int_eq(s.method, 3);
    /* C_I -24 as 38 17: the identifier is still the byte 0x37 (§3.3.2) */
    n = tu_hex("03025820741a13d7ba048fbb615e94386aa3b61bea5b3d8f65f32620b749bee8d278efa93817",
               m, sizeof m);
    ck_assert_int_eq(eh_session_init(&s, &cfg), EH_OK);
    ck_assert_int_eq(eh_responder_process_message_1(&s, m, n), EH_OK);
    ck_assert_uint_eq(s.c_i_len, 1);
    ck_assert_uint_eq(s.c_i[0], 0x37);
    cfg.lenient_cbor = false;
    ck_assert_int_eq(eh_session_init(&s, &cfg), EH_OK);
    ck_assert_int_ne(eh_responder_process_message_1(&s, m, n), EH_OK);
    ck_assert_str_eq(s.finding.field, "C_I");
    fx_free(f);
}
END_TEST

/* Lenient mode also takes SUITES_I as an indefinite-length array (RFC 9529
 * §4.3.2: 9f 06 02 ff), hashing message_1 as received; strict mode refuses
 * it for its encoding. */
START_TEST(lenient_mode_accepts_indefinite_suites_i)
{
    fixture *f = fx_load(2);
    uint8_t m[64];
    size_t n = tu_hex("039f0602ff5820741a13d7ba048fbb615e94386aa3b61bea5b3d8f65f32620b749bee8d278efa90e",
                      m, sizeof m);
    eh_config cfg = f->cr;
    cfg.rng = tu_rng;
    cfg.rng_arg = &seed;
    cfg.trace = NULL;
    eh_session s;
    ck_assert_int_eq(eh_session_init(&s, &cfg), EH_OK);
    ck_assert_int_ne(eh_responder_process_message_1(&s, m, n), EH_OK);
    ck_assert_str_eq(s.finding.field, "SUITES_I");
    cfg.lenient_cbor = true;
    ck_assert_int_eq(eh_session_init(&s, &cfg), EH_OK);
    ck_assert_int_eq(eh_responder_process_message_1(&s, m, n), EH_OK);
    ck_assert_int_eq(s.suite->id, 2);
    uint8_t h[32];
    eh_hash_sha256.digest(m, n, h);
    ck_assert_mem_eq(s.h_message_1, h, 32);
    /* without its break, or with one suite only: still malformed */
    static const char *const bad[] = {
        "039f06025820741a13d7ba048fbb615e94386aa3b61bea5b3d8f65f32620b749bee8d278efa90e",
        "039f02ff5820741a13d7ba048fbb615e94386aa3b61bea5b3d8f65f32620b749bee8d278efa90e"};
    for (size_t i = 0; i < 2; i++) {
        n = tu_hex(bad[i], m, sizeof m);
        ck_assert_int_eq(eh_session_init(&s, &cfg), EH_OK);
        ck_assert_int_ne(eh_responder_process_message_1(&s, m, n), EH_OK);
        ck_assert_str_eq(s.finding.field, "SUITES_I");
    }
    fx_free(f);
}
END_TEST

/* A valid message_1 from the same state is accepted (the negative results
 * above are not an artefact of a broken receiver). */
START_TEST(valid_message_1_from_same_state_accepted)
{
    fixture *f = fx_load(2);
    uint8_t m[64];
    size_t n = tu_hex("03025820741a13d7ba048fbb615e94386aa3b61bea5b3d8f65f32620b749bee8d278efa90e",
                      m, sizeof m);
    expectation e = {"", EH_OK, "", {2}, 1};
    eh_session s;
    ck_assert_int_eq(deliver_message_1(f, &e, m, n, &s), EH_OK);
    ck_assert_int_eq(s.state, EH_STATE_RECEIVED_M1);
    fx_free(f);
}
END_TEST

Suite *eh_test_edhoc_invalid_suite(void)
{
    Suite *s = suite_create("edhoc_invalid");
    TCase *tc = tcase_create("rfc9529_section4");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, every_rfc9529_invalid_message_rejected_for_its_reason);
    tcase_add_test(tc, lenient_mode_accepts_non_shortest_method);
    tcase_add_test(tc, lenient_mode_accepts_indefinite_suites_i);
    tcase_add_test(tc, valid_message_1_from_same_state_accepted);
    suite_add_tcase(s, tc);
    return s;
}

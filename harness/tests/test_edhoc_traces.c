/*
 * The two RFC 9529 traces reproduced byte for byte, in both roles. Each
 * role is fed the RFC's messages (not the other role's output), and every
 * value it traces is compared with the RFC value of the same name. The
 * lists below say which values each role must have produced, so a value
 * that silently stops being computed fails the test too.
 */
#include <check.h>
#include <string.h>

#include "fixture.h"

/* Values both roles compute in every method. */
static const char *const common_keys[] = {
    "h_message_1", "input_th_2", "th_2", "g_xy", "salt_2e", "prk_2e", "prk_3e2m",
    "context_2", "context_2_bstr", "info_mac_2", "mac_2", "sig_or_mac_2", "plaintext_2",
    "info_keystream_2", "keystream_2", "ciphertext_2", "input_th_3", "th_3", "prk_4e3m",
    "context_3", "context_3_bstr", "info_mac_3", "mac_3", "sig_or_mac_3", "plaintext_3", "a_3",
    "info_k_3", "k_3", "info_iv_3", "iv_3", "ciphertext_3", "input_th_4", "th_4", "a_4",
    "info_k_4", "k_4", "info_iv_4", "iv_4", "ciphertext_4", "plaintext_4", "info_prk_out",
    "prk_out", "info_prk_exporter", "prk_exporter", "info_oscore_master_secret",
    "oscore_master_secret", "info_oscore_master_salt", "oscore_master_salt",
    "oscore_client_sender_id", "oscore_server_sender_id", "keyupdate_prk_out",
    "keyupdate_prk_exporter", "keyupdate_oscore_master_secret", "keyupdate_oscore_master_salt",
    "message_1", "message_2", "message_3", "message_4", "g_y", NULL};
static const char *const sig_keys[] = {"to_be_signed_2", "to_be_signed_3", NULL};
static const char *const dh_keys[] = {"info_salt_3e2m", "salt_3e2m", "g_rx", "info_salt_4e3m",
                                      "salt_4e3m", "g_iy", NULL};

static int compare_keys(fixture *f, const tu_log *log, const char *const *keys, const char *role)
{
    int compared = 0;
    for (size_t i = 0; keys[i] != NULL; i++) {
        uint8_t want[2048];
        size_t want_len, got_len;
        want_len = tu_vec(f->json, keys[i], want, sizeof want);
        const uint8_t *got = tu_log_get(log, keys[i], &got_len);
        ck_assert_msg(got != NULL, "%s did not compute %s", role, keys[i]);
        ck_assert_msg(got_len == want_len && memcmp(got, want, want_len) == 0,
                      "%s: %s differs from RFC 9529: got %s", role, keys[i],
                      tu_tohex(got, got_len));
        compared++;
    }
    return compared;
}

static void run_both_roles(fixture *f, eh_session *si, eh_session *sr)
{
    uint8_t ctx[64];
    size_t ctx_len = tu_vec(f->json, "keyupdate_context", ctx, sizeof ctx);
    eh_oscore_material oi, or_;

    fx_initiator_to_m3_sent(f, si);
    ck_assert_int_eq(si->state, EH_STATE_WAIT_M4);
    ck_assert_int_eq(eh_initiator_process_message_4(si, f->m4.b, f->m4.n), EH_OK);
    ck_assert_int_eq(si->state, EH_STATE_COMPLETED);

    uint8_t m4[64];
    size_t m4_len;
    fx_responder_to_completed(f, sr);
    ck_assert_int_eq(eh_responder_message_4(sr, m4, sizeof m4, &m4_len), EH_OK);

    ck_assert_int_eq(eh_oscore_material_derive(si, &oi), EH_OK);
    ck_assert_int_eq(eh_oscore_material_derive(sr, &or_), EH_OK);
    /* Appendix A.1: each side's Sender ID is the other's Recipient ID. */
    ck_assert_mem_eq(oi.sender_id, or_.recipient_id, oi.sender_id_len);
    ck_assert_int_eq(oi.aead_alg, 10);
    ck_assert_int_eq(oi.hash_alg, -16);
    ck_assert_int_eq(eh_key_update(si, ctx, ctx_len), EH_OK);
    ck_assert_int_eq(eh_key_update(sr, ctx, ctx_len), EH_OK);
    ck_assert_int_eq(eh_oscore_material_derive(si, &oi), EH_OK);
    ck_assert_int_eq(eh_oscore_material_derive(sr, &or_), EH_OK);
}

/* prep: 0 = own_priv only; 1 = the Ed25519 keys prepared once
 * (own_sign_key); 2 = a prepared key of another algorithm, which the engine
 * must not use (it signs with own_priv). */
static void check_trace_prepared(int n, int prep)
{
    fixture *f = fx_load(n);
    eh_session si, sr;
    uint8_t ki[EH_MAX_SIG_PREPARED_LEN], kr[EH_MAX_SIG_PREPARED_LEN];
    if (prep == 1) {
        ck_assert_int_eq(eh_sig_ed25519.prepare(f->ci.own_priv, ki), EH_OK);
        ck_assert_int_eq(eh_sig_ed25519.prepare(f->cr.own_priv, kr), EH_OK);
        f->ci.own_sign_alg = f->cr.own_sign_alg = &eh_sig_ed25519;
    } else if (prep == 2) {
        memset(ki, 0x11, sizeof ki), memset(kr, 0x22, sizeof kr);
        f->ci.own_sign_alg = f->cr.own_sign_alg = &eh_sig_es256;
    }
    if (prep)
        f->ci.own_sign_key = ki, f->cr.own_sign_key = kr;
    run_both_roles(f, &si, &sr);
    int ci = compare_keys(f, &f->log_i, common_keys, "initiator");
    int cr = compare_keys(f, &f->log_r, common_keys, "responder");
    const char *const *extra = (f->method == 0) ? sig_keys : dh_keys;
    ci += compare_keys(f, &f->log_i, extra, "initiator");
    cr += compare_keys(f, &f->log_r, extra, "responder");
    ck_assert_int_ge(ci, 60);
    ck_assert_int_eq(ci, cr);

    /* The Responder traced C_R in its wire encoding. */
    uint8_t want[8];
    size_t wl = tu_vec(f->json, "c_r_cbor", want, sizeof want), gl;
    const uint8_t *got = tu_log_get(&f->log_r, "c_r_cbor", &gl);
    ck_assert_ptr_nonnull(got);
    ck_assert_uint_eq(gl, wl);
    ck_assert_mem_eq(got, want, wl);
    eh_session_wipe(&si);
    eh_session_wipe(&sr);
    eh_wipe(ki, sizeof ki), eh_wipe(kr, sizeof kr);
    fx_free(f);
}

static void check_trace(int n)
{
    check_trace_prepared(n, 0);
}

START_TEST(trace_1_byte_exact_both_roles) { check_trace(1); }
END_TEST

/* Trace 1 signs with Ed25519: the same bytes with the keys prepared once,
 * and with a prepared key the suite's algorithm cannot use. */
START_TEST(trace_1_byte_exact_with_prepared_keys)
{
    check_trace_prepared(1, 1);
    check_trace_prepared(1, 2);
}
END_TEST

START_TEST(trace_2_byte_exact_both_roles) { check_trace(2); }
END_TEST

/* Trace 2's negotiation: SUITES_I = 6 rejected with `02 02`, then [6, 2]. */
START_TEST(trace_2_suite_negotiation)
{
    fixture *f = fx_load(2);
    uint8_t first_x[32], first_g_x[32], first_c_i[4], first_m1[64], err_msg[8], out[128];
    size_t fx_len = tu_vec(f->json, "first_x", first_x, sizeof first_x);
    size_t fg_len = tu_vec(f->json, "first_g_x", first_g_x, sizeof first_g_x);
    size_t fc_len = tu_vec(f->json, "first_c_i", first_c_i, sizeof first_c_i);
    size_t fm_len = tu_vec(f->json, "first_message_1", first_m1, sizeof first_m1);
    size_t em_len = tu_vec(f->json, "error_message", err_msg, sizeof err_msg);
    size_t len;
    eh_session si, sr;

    /* Initiator: first attempt with its most preferred suite (6). The
     * trace's first_g_x is a P-256 key (RFC 9529 quirk), injected as is. */
    f->ci.initial_suite_index = 0;
    ck_assert_int_eq(eh_session_init(&si, &f->ci), EH_OK);
    ck_assert_int_eq(eh_session_set_ephemeral(&si, first_x, fx_len, first_g_x, fg_len), EH_OK);
    ck_assert_int_eq(eh_session_set_conn_id(&si, first_c_i, fc_len), EH_OK);
    ck_assert_int_eq(eh_initiator_message_1(&si, out, sizeof out, &len), EH_OK);
    ck_assert_uint_eq(len, fm_len);
    ck_assert_mem_eq(out, first_m1, fm_len);

    /* Responder (suite 2 only) answers with ERR_CODE 2, SUITES_R = 2. */
    ck_assert_int_eq(eh_session_init(&sr, &f->cr), EH_OK);
    ck_assert_int_eq(eh_session_set_ephemeral(&sr, f->y.b, f->y.n, NULL, 0), EH_OK);
    ck_assert_int_eq(eh_responder_process_message_1(&sr, first_m1, fm_len), EH_ERR_SUITE);
    ck_assert_int_eq(sr.state, EH_STATE_ABORTED);
    ck_assert_int_eq(eh_error_message(&sr, out, sizeof out, &len), EH_OK);
    ck_assert_uint_eq(len, em_len);
    ck_assert_mem_eq(out, err_msg, em_len);

    /* Initiator takes the error, selects suite 2, sends SUITES_I [6, 2]
     * with a fresh key and the second C_I: exactly the trace's message_1. */
    ck_assert_int_eq(eh_initiator_process_message_2(&si, err_msg, em_len), EH_ERR_PEER_ERROR);
    ck_assert_int_eq(si.state, EH_STATE_START);
    ck_assert_int_eq(si.peer_err_code, 2);
    ck_assert_int_eq(eh_error_message(&si, out, sizeof out, &len), EH_ERR_STATE);
    ck_assert_int_eq(eh_session_set_conn_id(&si, f->c_i.b, f->c_i.n), EH_OK);
    ck_assert_int_eq(eh_session_set_ephemeral(&si, f->x.b, f->x.n, NULL, 0), EH_OK);
    ck_assert_int_eq(eh_initiator_message_1(&si, out, sizeof out, &len), EH_OK);
    ck_assert_uint_eq(len, f->m1.n);
    ck_assert_mem_eq(out, f->m1.b, f->m1.n);
    ck_assert_int_eq(eh_initiator_process_message_2(&si, f->m2.b, f->m2.n), EH_OK);
    fx_free(f);
}
END_TEST

/* Exporter with the OSCORE labels equals the trace's OSCORE values. */
START_TEST(exporter_matches_oscore_values)
{
    fixture *f = fx_load(2);
    eh_session si;
    uint8_t secret[16], want[16];
    fx_initiator_to_m3_sent(f, &si);
    ck_assert_int_eq(eh_exporter(&si, 0, NULL, 0, secret, 16), EH_OK);
    tu_vec(f->json, "oscore_master_secret", want, sizeof want);
    ck_assert_mem_eq(secret, want, 16);
    ck_assert_int_eq(eh_exporter(&si, 1, NULL, 0, secret, 8), EH_OK);
    tu_vec(f->json, "oscore_master_salt", want, sizeof want);
    ck_assert_mem_eq(secret, want, 8);
    eh_session_wipe(&si);
    /* Not available before the handshake. */
    eh_session s2;
    fx_initiator_to_wait_m2(f, &s2);
    ck_assert_int_eq(eh_exporter(&s2, 0, NULL, 0, secret, 16), EH_ERR_STATE);
    fx_free(f);
}
END_TEST

/* A MAC that does not match names the MAC computed and the one received
 * (eh_finding.expected / received): trace 2's message_2 with one bit of
 * MAC_2 flipped (CIPHERTEXT_2 is PLAINTEXT_2 XOR KEYSTREAM_2, so the flip
 * goes through), and a message_3 whose MAC_3 has a bit flipped. Known
 * answers: MAC_2 and MAC_3 of RFC 9529 §3. */
START_TEST(a_wrong_mac_names_the_expected_and_received_values)
{
    fixture *f = fx_load(2);
    uint8_t mac_2[64], mac_3[64], pt_2[256], m2[512], m3[512];
    size_t mac_2_len = tu_vec(f->json, "mac_2", mac_2, sizeof mac_2);
    size_t mac_3_len = tu_vec(f->json, "mac_3", mac_3, sizeof mac_3);
    size_t pt_len = tu_vec(f->json, "plaintext_2", pt_2, sizeof pt_2), m3_len;
    ck_assert_uint_eq(mac_2_len, 8);
    ck_assert_uint_eq(mac_3_len, 8);
    /* MAC_2 is at the end of PLAINTEXT_2 (no EAD_2), which ends message_2 */
    ck_assert_mem_eq(pt_2 + pt_len - mac_2_len, mac_2, mac_2_len);
    memcpy(m2, f->m2.b, f->m2.n);
    m2[f->m2.n - 3] ^= 0x10;
    eh_session si, sr;
    fx_initiator_to_wait_m2(f, &si);
    ck_assert_int_eq(eh_initiator_process_message_2(&si, m2, f->m2.n), EH_ERR_MAC);
    ck_assert_str_eq(si.finding.field, "Signature_or_MAC_2");
    ck_assert_uint_eq(si.finding.expected_len, mac_2_len);
    ck_assert_mem_eq(si.finding.expected, mac_2, mac_2_len);
    mac_2[mac_2_len - 3] ^= 0x10;
    ck_assert_uint_eq(si.finding.received_len, mac_2_len);
    ck_assert_mem_eq(si.finding.received, mac_2, mac_2_len);

    /* MAC_3: the trace's Initiator with one bit of MAC_3 flipped */
    f->ci.faults = EH_FAULT_WRONG_MAC_3;
    fx_initiator_to_wait_m2(f, &si);
    ck_assert_int_eq(eh_initiator_process_message_2(&si, f->m2.b, f->m2.n), EH_OK);
    ck_assert_int_eq(eh_initiator_message_3(&si, m3, sizeof m3, &m3_len), EH_OK);
    fx_responder_to_wait_m3(f, &sr);
    ck_assert_int_eq(eh_responder_process_message_3(&sr, m3, m3_len), EH_ERR_MAC);
    ck_assert_uint_eq(sr.finding.expected_len, mac_3_len);
    ck_assert_mem_eq(sr.finding.expected, mac_3, mac_3_len);
    ck_assert_uint_eq(sr.finding.received_len, mac_3_len);
    int bits = 0;
    for (size_t i = 0; i < mac_3_len; i++)
        bits += __builtin_popcount(sr.finding.received[i] ^ mac_3[i]);
    ck_assert_int_eq(bits, 1);
    eh_session_wipe(&si);
    eh_session_wipe(&sr);
    fx_free(f);
}
END_TEST

/* A signature that does not verify names the value received, and no
 * expected one (trace 1, METHOD 0: the last byte of Signature_2 flipped). */
START_TEST(a_signature_that_does_not_verify_names_the_received_value)
{
    fixture *f = fx_load(1);
    uint8_t sig[128], m2[512];
    size_t sig_len = tu_vec(f->json, "sig_or_mac_2", sig, sizeof sig);
    ck_assert_uint_eq(sig_len, 64);
    memcpy(m2, f->m2.b, f->m2.n);
    m2[f->m2.n - 1] ^= 0x01;
    sig[sig_len - 1] ^= 0x01;
    eh_session si;
    fx_initiator_to_wait_m2(f, &si);
    ck_assert_int_eq(eh_initiator_process_message_2(&si, m2, f->m2.n), EH_ERR_SIGNATURE);
    ck_assert_uint_eq(si.finding.expected_len, 0);
    ck_assert_uint_eq(si.finding.received_len, sig_len);
    ck_assert_mem_eq(si.finding.received, sig, sig_len);
    eh_session_wipe(&si);
    fx_free(f);
}
END_TEST

Suite *eh_test_edhoc_traces_suite(void)
{
    Suite *s = suite_create("edhoc_traces");
    TCase *tc = tcase_create("rfc9529");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, trace_1_byte_exact_both_roles);
    tcase_add_test(tc, trace_1_byte_exact_with_prepared_keys);
    tcase_add_test(tc, trace_2_byte_exact_both_roles);
    tcase_add_test(tc, trace_2_suite_negotiation);
    tcase_add_test(tc, exporter_matches_oscore_values);
    tcase_add_test(tc, a_wrong_mac_names_the_expected_and_received_values);
    tcase_add_test(tc, a_signature_that_does_not_verify_names_the_received_value);
    suite_add_tcase(s, tc);
    return s;
}

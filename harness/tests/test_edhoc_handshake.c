/*
 * In-memory handshakes, Initiator <-> Responder, no I/O: every METHOD with
 * every registered suite, CCS credentials by kid and X.509-style
 * credentials by x5t, with and without EAD. Message sizes are checked
 * against RFC 9528 Table 1 (suite 2 profile), which is independent of our
 * code; key agreement is checked by both sides deriving the same keys.
 */
#include <check.h>
#include <string.h>

#include "../cbor/cbor.h"
#include "../crypto/x509.h"
#include "../edhoc/sizes.h"
#include "testutil.h"

static const int all_suites[] = {0, 1, 2, 3, 4, 5, 6, 24, 25};

typedef struct party {
    uint8_t priv[EH_MAX_PRIV_LEN];
    size_t priv_len;
    uint8_t pub[EH_MAX_SIG_PUB_LEN];
    uint8_t cred[1100], id_cred[1200];
    eh_cred c;
} party;

static uint64_t seed;

typedef enum cred_kind { KIND_KID, KIND_KCCS, KIND_X5T, KIND_X5CHAIN } cred_kind;

static eh_key_type key_type_of(int cose_crv)
{
    switch (cose_crv) {
    case 1: return EH_KEY_P256;
    case 2: return EH_KEY_P384;
    case 4: return EH_KEY_X25519;
    case 5: return EH_KEY_X448;
    case 6: return EH_KEY_ED25519;
    default: return EH_KEY_ED448;
    }
}

/* An authentication key for the suite (signature or static DH), and a
 * credential for it: a CCS {2: name, 8: {1: COSE_Key}} identified by kid
 * or sent by value (kccs), or an X.509 certificate (signed by a test root)
 * identified by x5t or sent as x5chain. */
static void party_make(party *p, const eh_suite *suite, bool static_dh, cred_kind kind, uint8_t kid)
{
    size_t pub_len;
    eh_key_type type;
    memset(p, 0, sizeof *p);
    for (int attempt = 0;; attempt++) {
        eh_err err;
        ck_assert_int_lt(attempt, 8);
        if (static_dh) {
            const eh_ecdh_alg *e = suite->ecdh;
            p->priv_len = e->priv_len;
            tu_rng(&seed, p->priv, p->priv_len);
            err = e->public_key(p->priv, p->pub, e->is_okp ? NULL : p->pub + e->coord_len);
            pub_len = e->is_okp ? e->coord_len : 2 * e->coord_len;
            type = key_type_of(e->cose_crv);
        } else {
            const eh_sig_alg *sg = suite->sig;
            p->priv_len = sg->priv_len;
            tu_rng(&seed, p->priv, p->priv_len);
            err = sg->public_key(p->priv, p->pub);
            pub_len = sg->pub_len;
            type = key_type_of(sg->cose_crv);
        }
        if (err == EH_OK)
            break;
        ck_assert_int_eq(err, EH_ERR_ARG); /* scalar out of range: draw again */
    }
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, p->cred, sizeof p->cred);
    uint8_t der[1024];
    size_t der_len = 0;
    if (kind == KIND_X5T || kind == KIND_X5CHAIN) {
        static const uint8_t root_seed[32] = {1, 2, 3};
        ck_assert_int_eq(eh_x509_create(type, p->pub, pub_len, kid == 0x2b ? "I" : "R", root_seed,
                                        "Root", kid, "20260101000000Z", "20300101000000Z", der,
                                        sizeof der, &der_len),
                         EH_OK);
        eh_cbor_write_bstr(&w, der, der_len);
    } else {
        eh_cbor_write_map(&w, 2);
        eh_cbor_write_uint(&w, 2);
        eh_cbor_write_tstr(&w, "harness", 7);
        eh_cbor_write_uint(&w, 8);
        eh_cbor_write_map(&w, 1);
        eh_cbor_write_uint(&w, 1);
        bool ec2 = pub_len == 64 || pub_len == 96;
        eh_cbor_write_map(&w, ec2 ? 4 : 3);
        eh_cbor_write_uint(&w, 1);
        eh_cbor_write_uint(&w, ec2 ? 2 : 1); /* kty */
        eh_cbor_write_uint(&w, 2);
        eh_cbor_write_bstr(&w, &kid, 1);
        eh_cbor_write_int(&w, -2);
        eh_cbor_write_bstr(&w, p->pub, ec2 ? pub_len / 2 : pub_len);
        if (ec2) {
            eh_cbor_write_int(&w, -3);
            eh_cbor_write_bstr(&w, p->pub + pub_len / 2, pub_len / 2);
        }
    }
    ck_assert_int_eq(eh_cbor_writer_status(&w), EH_OK);
    p->c.cred = p->cred, p->c.cred_len = w.len;

    eh_cbor_writer_init(&w, p->id_cred, sizeof p->id_cred);
    eh_cbor_write_map(&w, 1);
    if (kind == KIND_X5T) {
        uint8_t h[32];
        eh_hash_sha256.digest(der, der_len, h);
        eh_cbor_write_uint(&w, 34);
        eh_cbor_write_array(&w, 2);
        eh_cbor_write_int(&w, -15);
        eh_cbor_write_bstr(&w, h, 8);
    } else if (kind == KIND_X5CHAIN) {
        eh_cbor_write_uint(&w, 33);
        eh_cbor_write_bstr(&w, der, der_len);
    } else if (kind == KIND_KCCS) {
        eh_cbor_write_uint(&w, 14);
        eh_cbor_write_raw(&w, p->cred, p->c.cred_len);
    } else {
        eh_cbor_write_uint(&w, 4);
        eh_cbor_write_bstr(&w, &kid, 1);
    }
    ck_assert_int_eq(eh_cbor_writer_status(&w), EH_OK);
    p->c.id_cred = p->id_cred, p->c.id_cred_len = w.len;
    p->c.pub = p->pub, p->c.pub_len = pub_len;
}

typedef struct pair {
    party i, r;
    eh_config ci, cr;
    eh_session si, sr;
    uint8_t c_i, c_r;
    size_t len[5]; /* message sizes */
} pair;

static void pair_make(pair *p, int method, int suite_id, cred_kind kind)
{
    const eh_suite *suite = eh_suite_by_id(suite_id);
    ck_assert_ptr_nonnull(suite);
    memset(p, 0, sizeof *p);
    party_make(&p->i, suite, method == 2 || method == 3, kind, 0x2b);
    party_make(&p->r, suite, method == 1 || method == 3, kind, 0x32);
    p->c_i = 0x37, p->c_r = 0x27;
    eh_config *c = &p->ci;
    c->role = EH_INITIATOR;
    c->method = method;
    c->suites[0] = suite_id, c->n_suites = 1;
    c->conn_id = &p->c_i, c->conn_id_len = 1;
    c->own_cred = p->i.c, c->own_priv = p->i.priv, c->own_priv_len = p->i.priv_len;
    c->peer_creds = &p->r.c, c->n_peer_creds = 1;
    c->rng = tu_rng, c->rng_arg = &seed;
    c = &p->cr;
    c->role = EH_RESPONDER;
    c->methods = 0xf;
    c->suites[0] = suite_id, c->n_suites = 1;
    c->conn_id = &p->c_r, c->conn_id_len = 1;
    c->own_cred = p->r.c, c->own_priv = p->r.priv, c->own_priv_len = p->r.priv_len;
    c->peer_creds = &p->i.c, c->n_peer_creds = 1;
    c->rng = tu_rng, c->rng_arg = &seed;
}

/* Run the whole exchange; returns the first failing call's error. */
static eh_err pair_run(pair *p)
{
    uint8_t m[4096];
    size_t n;
    eh_err err;
    if ((err = eh_session_init(&p->si, &p->ci)) || (err = eh_session_init(&p->sr, &p->cr)))
        return err;
    if ((err = eh_initiator_message_1(&p->si, m, sizeof m, &n)))
        return err;
    p->len[1] = n;
    if ((err = eh_responder_process_message_1(&p->sr, m, n)))
        return err;
    if ((err = eh_responder_message_2(&p->sr, m, sizeof m, &n)))
        return err;
    p->len[2] = n;
    if ((err = eh_initiator_process_message_2(&p->si, m, n)))
        return err;
    if ((err = eh_initiator_message_3(&p->si, m, sizeof m, &n)))
        return err;
    p->len[3] = n;
    if ((err = eh_responder_process_message_3(&p->sr, m, n)))
        return err;
    if (p->cr.message_4) {
        if ((err = eh_responder_message_4(&p->sr, m, sizeof m, &n)))
            return err;
        p->len[4] = n;
        if ((err = eh_initiator_process_message_4(&p->si, m, n)))
            return err;
    }
    return EH_OK;
}

static void assert_same_keys(pair *p)
{
    eh_oscore_material oi, or_;
    ck_assert_int_eq(p->si.state, EH_STATE_COMPLETED);
    ck_assert_int_eq(p->sr.state, EH_STATE_COMPLETED);
    size_t hl = p->si.suite->hash->out_len;
    ck_assert_mem_eq(p->si.prk_out, p->sr.prk_out, hl);
    ck_assert_int_eq(eh_oscore_material_derive(&p->si, &oi), EH_OK);
    ck_assert_int_eq(eh_oscore_material_derive(&p->sr, &or_), EH_OK);
    ck_assert_uint_eq(oi.master_secret_len, p->si.suite->app_aead->key_len);
    ck_assert_mem_eq(oi.master_secret, or_.master_secret, oi.master_secret_len);
    ck_assert_mem_eq(oi.master_salt, or_.master_salt, 8);
    ck_assert_uint_eq(oi.sender_id_len, 1);
    ck_assert_int_eq(oi.sender_id[0], p->c_r); /* Appendix A.1 */
    ck_assert_int_eq(or_.sender_id[0], p->c_i);
}

/* Every (METHOD, suite, credential kind), with EAD on all four messages
 * (padding with a value, bare padding, a non-critical item) and message_4.
 * Loop index: method * 36 + suite index * 4 + kind. */
START_TEST(every_method_suite_and_credential_kind)
{
    static const uint8_t ead[] = {0x00, 0x41, 0xe9, 0x00, 0x18, 0x64, 0x41, 0x00};
    int method = _i / 36, suite = all_suites[(_i / 4) % 9];
    cred_kind kind = (cred_kind)(_i % 4);
    pair p;
    seed = 1000 + (uint64_t)_i;
    pair_make(&p, method, suite, kind);
    p.cr.message_4 = p.ci.message_4 = true;
    for (int k = 1; k <= 4; k++) {
        eh_config *c = (k % 2) ? &p.ci : &p.cr;
        c->ead[k] = ead, c->ead_len[k] = sizeof ead;
    }
    eh_err err = pair_run(&p);
    ck_assert_msg(err == EH_OK, "METHOD %d suite %d kind %d: %s (I: %s, R: %s)", method, suite,
                  kind, eh_err_name(err), p.si.finding.field ? p.si.finding.field : "-",
                  p.sr.finding.field ? p.sr.finding.field : "-");
    assert_same_keys(&p);
    /* The sizes computed from the encoding rules (edhoc/sizes.h) are those
     * of the messages the engine builds, whatever the combination. */
    uint8_t enc[4];
    eh_size_opts so = {.method = method, .suite = suite};
    so.c_i_len = eh_conn_id_encode(&p.c_i, 1, enc, sizeof enc);
    so.c_r_len = eh_conn_id_encode(&p.c_r, 1, enc, sizeof enc);
    so.id_cred_i_len = eh_id_cred_size(p.i.c.id_cred, p.i.c.id_cred_len);
    so.id_cred_r_len = eh_id_cred_size(p.r.c.id_cred, p.r.c.id_cred_len);
    for (int k = 1; k <= 4; k++)
        so.ead_len[k] = sizeof ead;
    for (int k = 1; k <= 4; k++)
        ck_assert_msg(eh_message_size(&so, k) == p.len[k], "message_%d: %zu computed, %zu built",
                      k, eh_message_size(&so, k), p.len[k]);
    ck_assert_uint_eq(p.sr.ead_recv_len, sizeof ead); /* EAD_3 */
    ck_assert_mem_eq(p.si.ead_recv, ead, sizeof ead); /* EAD_4 */
    /* A credential sent by value was matched to the provisioned one. */
    ck_assert_ptr_eq(p.si.peer_cred, &p.r.c);
    ck_assert_ptr_eq(p.sr.peer_cred, &p.i.c);
}
END_TEST

/* A credential sent by value that the peer does not have is refused
 * (ERR_CODE 3), unless the peer trusts credentials by value. */
START_TEST(credential_by_value_trust)
{
    for (cred_kind kind = KIND_KCCS; kind <= KIND_X5CHAIN; kind += 2) {
        pair p;
        seed = 1500 + (uint64_t)kind;
        pair_make(&p, 0, 2, kind);
        p.ci.n_peer_creds = 0;
        ck_assert_int_eq(pair_run(&p), EH_ERR_UNKNOWN_CREDENTIAL);
        ck_assert_int_eq(p.si.err_code_to_send, 3);
        p.ci.trust_by_value = true;
        ck_assert_int_eq(pair_run(&p), EH_OK);
        ck_assert(p.si.by_value_used);
        assert_same_keys(&p);
    }
}
END_TEST

/* x5chain with several certificates, [end-entity, issuer] (RFC 9360 §2):
 * the receiver takes the first as CRED. */
START_TEST(x5chain_with_two_certificates)
{
    pair p;
    seed = 1600;
    pair_make(&p, 0, 0, KIND_X5CHAIN);
    uint8_t chain[1200], root[600];
    size_t root_len;
    static const uint8_t root_seed[32] = {9};
    uint8_t root_pub[32];
    ck_assert_int_eq(eh_sig_ed25519.public_key(root_seed, root_pub), EH_OK);
    ck_assert_int_eq(eh_x509_create(EH_KEY_ED25519, root_pub, 32, "Root", root_seed, "Root", 1,
                                    "20260101000000Z", "20300101000000Z", root, sizeof root,
                                    &root_len),
                     EH_OK);
    eh_cbor_reader rd;
    const uint8_t *der;
    size_t der_len;
    eh_cbor_reader_init(&rd, p.r.c.cred, p.r.c.cred_len);
    ck_assert_int_eq(eh_cbor_read_bstr(&rd, &der, &der_len), EH_OK);
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, chain, sizeof chain);
    eh_cbor_write_map(&w, 1);
    eh_cbor_write_uint(&w, 33);
    eh_cbor_write_array(&w, 2);
    eh_cbor_write_bstr(&w, der, der_len);
    eh_cbor_write_bstr(&w, root, root_len);
    ck_assert_int_eq(eh_cbor_writer_status(&w), EH_OK);
    p.cr.own_cred.id_cred = chain, p.cr.own_cred.id_cred_len = w.len;
    ck_assert_int_eq(pair_run(&p), EH_OK);
    ck_assert_ptr_eq(p.si.peer_cred, &p.r.c);
    assert_same_keys(&p);
}
END_TEST

/* RFC 9528 Table 1 (§1.2): suite 2, 1-byte identifiers, no EAD. */
START_TEST(message_sizes_match_rfc9528_table_1)
{
    static const struct {
        int method;
        cred_kind kind;
        size_t m1, m2, m3;
    } rows[] = {
        {3, KIND_KID, 37, 45, 19},  {3, KIND_X5T, 37, 58, 33},  {0, KIND_KID, 37, 102, 77},
        {0, KIND_X5T, 37, 115, 90}, {1, KIND_KID, 37, 45, 77},  {2, KIND_KID, 37, 102, 19},
    };
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        pair p;
        seed = 3000 + k;
        pair_make(&p, rows[k].method, 2, rows[k].kind);
        p.c_r = 0x18 - 1; /* keep C_R a one-byte int */
        p.cr.message_4 = p.ci.message_4 = true;
        ck_assert_int_eq(pair_run(&p), EH_OK);
        ck_assert_uint_eq(p.len[1], rows[k].m1);
        ck_assert_uint_eq(p.len[2], rows[k].m2);
        ck_assert_uint_eq(p.len[3], rows[k].m3);
        ck_assert_uint_eq(p.len[4], 9); /* RFC 9529: empty EAD_4, 8-byte tag */
    }
}
END_TEST

START_TEST(ead_on_every_message)
{
    /* padding (label 0) with a value, a bare padding item, a non-critical
     * item (label 100), and a known critical item (label -5). */
    static const uint8_t ead[] = {0x00, 0x41, 0xe9, 0x00, 0x18, 0x64, 0x41, 0x00, 0x24, 0x40};
    static const int64_t known[] = {-5};
    for (int method = 0; method < 4; method++) {
        pair p;
        seed = 4000 + (uint64_t)method;
        pair_make(&p, method, method % 2 ? 0 : 2, KIND_KID);
        p.cr.message_4 = p.ci.message_4 = true;
        for (int k = 1; k <= 4; k++) {
            eh_config *c = (k % 2) ? &p.ci : &p.cr;
            c->ead[k] = ead, c->ead_len[k] = sizeof ead;
        }
        p.ci.ead_known = p.cr.ead_known = known;
        p.ci.n_ead_known = p.cr.n_ead_known = 1;
        ck_assert_int_eq(pair_run(&p), EH_OK);
        assert_same_keys(&p);
        ck_assert_uint_eq(p.si.ead_recv_len, sizeof ead); /* EAD_4 */
        ck_assert_mem_eq(p.si.ead_recv, ead, sizeof ead);
        ck_assert_uint_eq(p.sr.ead_recv_len, sizeof ead); /* EAD_3 */
    }
}
END_TEST

START_TEST(unknown_critical_ead_aborts_each_message)
{
    static const uint8_t critical[] = {0x38, 0x63, 0x40}; /* label -100 */
    for (int k = 1; k <= 4; k++) {
        pair p;
        seed = 5000 + (uint64_t)k;
        pair_make(&p, 3, 2, KIND_KID);
        p.cr.message_4 = p.ci.message_4 = true;
        eh_config *c = (k % 2) ? &p.ci : &p.cr;
        c->ead[k] = critical, c->ead_len[k] = sizeof critical;
        ck_assert_int_eq(pair_run(&p), EH_ERR_EAD_CRITICAL);
        const eh_session *rx = (k % 2) ? &p.sr : &p.si;
        ck_assert_int_eq(rx->state, EH_STATE_ABORTED);
        ck_assert_int_eq(rx->err_code_to_send, 1);
        char field[8] = "EAD_0";
        field[4] = (char)('0' + k);
        ck_assert_str_eq(rx->finding.field, field);
    }
}
END_TEST

START_TEST(suite_negotiation_retry)
{
    pair p;
    uint8_t m[512], g_x_first[32];
    size_t n;
    seed = 6000;
    pair_make(&p, 3, 2, KIND_KID);
    p.ci.suites[0] = 0, p.ci.suites[1] = 2, p.ci.n_suites = 2; /* I prefers 0 */
    p.cr.suites[0] = 3, p.cr.suites[1] = 2, p.cr.n_suites = 2; /* R: 3 and 2 */
    ck_assert_int_eq(eh_session_init(&p.si, &p.ci), EH_OK);
    ck_assert_int_eq(eh_session_init(&p.sr, &p.cr), EH_OK);
    ck_assert_int_eq(eh_initiator_message_1(&p.si, m, sizeof m, &n), EH_OK);
    ck_assert_int_eq(m[1], 0x00); /* SUITES_I = 0, a lone int */
    memcpy(g_x_first, m + 4, 32);
    ck_assert_int_eq(eh_responder_process_message_1(&p.sr, m, n), EH_ERR_SUITE);
    ck_assert_int_eq(eh_error_message(&p.sr, m, sizeof m, &n), EH_OK);
    ck_assert_uint_eq(n, 4);
    ck_assert_mem_eq(m, "\x02\x82\x03\x02", 4); /* SUITES_R = [3, 2] */
    ck_assert_int_eq(eh_initiator_process_message_2(&p.si, m, n), EH_ERR_PEER_ERROR);
    ck_assert_int_eq(p.si.state, EH_STATE_START);
    ck_assert_int_eq(eh_initiator_message_1(&p.si, m, sizeof m, &n), EH_OK);
    ck_assert_mem_eq(m, "\x03\x82\x00\x02\x58\x20", 6); /* SUITES_I = [0, 2] */
    ck_assert_msg(memcmp(m + 6, g_x_first, 32) != 0, "G_X reused after the error");
    ck_assert_int_eq(eh_session_init(&p.sr, &p.cr), EH_OK);
    ck_assert_int_eq(eh_responder_process_message_1(&p.sr, m, n), EH_OK);
    ck_assert_int_eq(p.sr.suite->id, 2);

    /* SUITES_I = [3, 2] is rejected although 2 is supported: the Responder
     * also supports 3, which the Initiator prefers (§6.3.1). */
    uint8_t m1[64];
    ck_assert_int_eq(eh_session_init(&p.sr, &p.cr), EH_OK);
    memcpy(m1, m, n);
    m1[2] = 0x03; /* SUITES_I [3, 2] */
    ck_assert_int_eq(eh_responder_process_message_1(&p.sr, m1, n), EH_ERR_SUITE);
}
END_TEST

START_TEST(unknown_credential_gets_err_code_3)
{
    pair p;
    uint8_t m[16];
    size_t n;
    seed = 7000;
    pair_make(&p, 3, 2, KIND_KID);
    p.ci.n_peer_creds = 0; /* the Initiator knows no Responder credential */
    ck_assert_int_eq(pair_run(&p), EH_ERR_UNKNOWN_CREDENTIAL);
    ck_assert_int_eq(eh_error_message(&p.si, m, sizeof m, &n), EH_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_mem_eq(m, "\x03\xf5", 2);
}
END_TEST

START_TEST(wrong_key_fails_mac_or_signature)
{
    for (int method = 0; method < 4; method++) {
        pair p;
        seed = 8000 + (uint64_t)method;
        pair_make(&p, method, 0, KIND_KID);
        p.r.priv[5] ^= 1; /* R authenticates with a key that is not in CRED_R */
        eh_err want = (method == 1 || method == 3) ? EH_ERR_MAC : EH_ERR_SIGNATURE;
        ck_assert_int_eq(pair_run(&p), want);
        ck_assert_int_eq(p.si.state, EH_STATE_ABORTED);
        ck_assert_str_eq(p.si.finding.field, "Signature_or_MAC_2");

        pair q;
        seed = 8100 + (uint64_t)method;
        pair_make(&q, method, 2, KIND_KID);
        q.i.priv[5] ^= 1;
        want = (method == 2 || method == 3) ? EH_ERR_MAC : EH_ERR_SIGNATURE;
        ck_assert_int_eq(pair_run(&q), want);
        ck_assert_int_eq(q.sr.state, EH_STATE_ABORTED);
        ck_assert_str_eq(q.sr.finding.field, "Signature_or_MAC_3");
    }
}
END_TEST

/* A flipped AEAD tag on message_3 / message_4 aborts the receiver with
 * EH_ERR_AEAD_TAG, and the aborted session then refuses the genuine
 * message (RFC 9528 §5.4.3, §5.5.3). */
START_TEST(aead_tag_failures_abort)
{
    for (int suite_idx = 0; suite_idx < 9; suite_idx++) {
        pair p;
        uint8_t m[512], bad[512];
        size_t n;
        seed = 9500 + (uint64_t)suite_idx;
        pair_make(&p, 3, all_suites[suite_idx], KIND_KID);
        p.cr.message_4 = p.ci.message_4 = true;
        ck_assert_int_eq(eh_session_init(&p.si, &p.ci), EH_OK);
        ck_assert_int_eq(eh_session_init(&p.sr, &p.cr), EH_OK);
        ck_assert_int_eq(eh_initiator_message_1(&p.si, m, sizeof m, &n), EH_OK);
        ck_assert_int_eq(eh_responder_process_message_1(&p.sr, m, n), EH_OK);
        ck_assert_int_eq(eh_responder_message_2(&p.sr, m, sizeof m, &n), EH_OK);
        ck_assert_int_eq(eh_initiator_process_message_2(&p.si, m, n), EH_OK);
        ck_assert_int_eq(eh_initiator_message_3(&p.si, m, sizeof m, &n), EH_OK);
        eh_session r_before = p.sr;
        memcpy(bad, m, n);
        bad[n - 1] ^= 0x80;
        ck_assert_int_eq(eh_responder_process_message_3(&p.sr, bad, n), EH_ERR_AEAD_TAG);
        ck_assert_int_eq(p.sr.err_code_to_send, 1);
        ck_assert_int_eq(eh_responder_process_message_3(&p.sr, m, n), EH_ERR_STATE);
        p.sr = r_before;
        ck_assert_int_eq(eh_responder_process_message_3(&p.sr, m, n), EH_OK);
        ck_assert_int_eq(eh_responder_message_4(&p.sr, m, sizeof m, &n), EH_OK);
        memcpy(bad, m, n);
        bad[n - 1] ^= 0x01;
        ck_assert_int_eq(eh_initiator_process_message_4(&p.si, bad, n), EH_ERR_AEAD_TAG);
        ck_assert_int_eq(p.si.state, EH_STATE_ABORTED);
        ck_assert_str_eq(p.si.finding.field, "CIPHERTEXT_4");
    }
}
END_TEST

START_TEST(connection_identifier_encodings)
{
    /* One-byte ids that are CBOR ints go as that byte; others as bstr. */
    static const uint8_t ids[][3] = {{1, 0x00}, {1, 0x17}, {1, 0x20}, {1, 0x37},
                                     {1, 0x18}, {1, 0x38}, {1, 0xff}, {2, 0xab, 0xcd}, {0}};
    for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++) {
        pair p;
        uint8_t m[512];
        size_t n;
        seed = 9000 + k;
        pair_make(&p, 3, 0, KIND_KID);
        p.ci.conn_id = &ids[k][1], p.ci.conn_id_len = ids[k][0];
        ck_assert_int_eq(eh_session_init(&p.si, &p.ci), EH_OK);
        ck_assert_int_eq(eh_initiator_message_1(&p.si, m, sizeof m, &n), EH_OK);
        bool as_int = ids[k][0] == 1 && (ids[k][1] <= 0x17 || (ids[k][1] >= 0x20 && ids[k][1] <= 0x37));
        size_t enc = as_int ? 1 : 1 + ids[k][0];
        ck_assert_uint_eq(n, 2 + 34 + enc); /* METHOD, SUITES_I, G_X, C_I */
        if (as_int)
            ck_assert_int_eq(m[n - 1], ids[k][1]);
        else
            ck_assert_int_eq(m[36], 0x40 | ids[k][0]);
        ck_assert_int_eq(eh_session_init(&p.sr, &p.cr), EH_OK);
        ck_assert_int_eq(eh_responder_process_message_1(&p.sr, m, n), EH_OK);
        ck_assert_uint_eq(p.sr.c_i_len, ids[k][0]);
        ck_assert_mem_eq(p.sr.c_i, &ids[k][1], ids[k][0]);
    }
}
END_TEST

/* max_peer_conn_id: a constrained build's limit on the peer's identifier
 * (RFC 9528 sets none); 0 takes up to EH_MAX_CONN_ID. An Initiator that
 * rejects C_R, for its length or its form, still knows it (c_r_known) to
 * prefix its error message with (Appendix A.2). */
START_TEST(a_limit_on_peer_identifiers_rejects_longer_ones)
{
    static const uint8_t two[] = {0x01, 0x02};
    pair p;
    seed = 9100;
    pair_make(&p, 3, 2, KIND_KID);
    p.ci.conn_id = two, p.ci.conn_id_len = 2;
    p.cr.max_peer_conn_id = 1;
    ck_assert_int_eq(pair_run(&p), EH_ERR_LENGTH);
    ck_assert_str_eq(p.sr.finding.field, "C_I");
    pair_make(&p, 3, 2, KIND_KID);
    p.ci.conn_id = two, p.ci.conn_id_len = 2;
    p.cr.max_peer_conn_id = 2;
    ck_assert_int_eq(pair_run(&p), EH_OK);
    /* the Initiator: C_R of two bytes, one taken */
    pair_make(&p, 3, 2, KIND_KID);
    p.cr.conn_id = two, p.cr.conn_id_len = 2;
    p.ci.max_peer_conn_id = 1;
    ck_assert_int_eq(pair_run(&p), EH_ERR_LENGTH);
    ck_assert_str_eq(p.si.finding.field, "C_R");
    ck_assert(p.si.c_r_known);
    ck_assert_uint_eq(p.si.c_r_len, 2);
    ck_assert_mem_eq(p.si.c_r, two, 2);
    /* a one-byte C_R sent as a bstr (41 27): rejected, its byte known */
    pair_make(&p, 3, 2, KIND_KID);
    p.cr.faults = EH_FAULT_CONN_ID_BSTR;
    ck_assert_int_eq(pair_run(&p), EH_ERR_CONN_ID_ENCODING);
    ck_assert(p.si.c_r_known);
    ck_assert_uint_eq(p.si.c_r_len, 1);
    ck_assert_int_eq(p.si.c_r[0], 0x27);
    /* before message_2: nothing known */
    pair_make(&p, 3, 2, KIND_KID);
    ck_assert_int_eq(eh_session_init(&p.si, &p.ci), EH_OK);
    ck_assert(!p.si.c_r_known);
}
END_TEST

/* Every engine fault (EH_FAULT_*) is observable by a healthy peer: each
 * makes the handshake fail in the way the RFC rule it breaks predicts, or
 * (for the "accept" faults) makes a deviation pass that must not. */
START_TEST(engine_faults_are_observable)
{
    static const uint8_t critical[] = {0x38, 0x63, 0x40};
    struct {
        const char *name;
        bool on_responder;
        eh_err want;          /* first failing call's error, EH_OK = completes */
        const char *field;    /* the healthy side's finding */
    } cases[] = {
        {"wrong-mac-2", true, EH_ERR_MAC, "Signature_or_MAC_2"},
        {"wrong-mac-3", false, EH_ERR_MAC, "Signature_or_MAC_3"},
        {"conn-id-bstr", true, EH_ERR_CONN_ID_ENCODING, "C_R"},
        {"conn-id-bstr", false, EH_ERR_CONN_ID_ENCODING, "C_I"},
        {"trailing-bytes", true, EH_ERR_TRAILING_DATA, "message_2"},
        {"trailing-bytes", false, EH_ERR_TRAILING_DATA, "message_3"},
        {"nondeterministic-cbor", true, EH_ERR_CBOR_NONDETERMINISTIC, "G_Y_CIPHERTEXT_2"},
        {"id-cred-map", true, EH_ERR_ID_CRED_ENCODING, "ID_CRED_R"},
        {"id-cred-map", false, EH_ERR_ID_CRED_ENCODING, "ID_CRED_I"},
        {"extra-padding", true, EH_OK, NULL},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        pair p;
        seed = 12000 + k;
        pair_make(&p, 3, 2, KIND_KID);
        unsigned long f = eh_fault_parse(cases[k].name);
        ck_assert_msg(f != 0, "unknown fault %s", cases[k].name);
        (cases[k].on_responder ? &p.cr : &p.ci)->faults = f;
        eh_err err = pair_run(&p);
        ck_assert_msg(err == cases[k].want, "%s: got %s", cases[k].name, eh_err_name(err));
        if (cases[k].field) {
            const eh_session *healthy = cases[k].on_responder ? &p.si : &p.sr;
            ck_assert_str_eq(healthy->finding.field, cases[k].field);
        } else {
            ck_assert_uint_eq(p.len[2], 45 + 43); /* Table 1 size + the padding item */
        }
    }

    /* "skip" and "accept" faults: a deviation the healthy engine rejects
     * goes through. */
    pair p;
    seed = 12100;
    pair_make(&p, 3, 2, KIND_KID);
    p.ci.faults = EH_FAULT_WRONG_MAC_3;
    p.cr.faults = EH_FAULT_SKIP_MAC_3_CHECK;
    ck_assert_int_eq(pair_run(&p), EH_OK);
    pair_make(&p, 3, 2, KIND_KID);
    p.cr.faults = EH_FAULT_WRONG_MAC_2;
    p.ci.faults = EH_FAULT_SKIP_MAC_2_CHECK;
    ck_assert_int_eq(pair_run(&p), EH_OK);
    pair_make(&p, 3, 2, KIND_KID);
    p.ci.faults = EH_FAULT_CONN_ID_BSTR;
    p.cr.faults = EH_FAULT_ACCEPT_BSTR_CONN_ID;
    ck_assert_int_eq(pair_run(&p), EH_OK);
    /* lenient receivers (§3.5.3.2 binds the sender): ID_CRED {4: kid} as a
     * map, and the compact kid as a bstr (41 2b, accepted with the
     * identifier leniency of §3.3.2) */
    pair_make(&p, 3, 2, KIND_KID);
    p.cr.faults = EH_FAULT_ID_CRED_MAP;
    p.ci.faults = EH_FAULT_ACCEPT_ID_CRED_MAP;
    ck_assert_int_eq(pair_run(&p), EH_OK);
    pair_make(&p, 3, 2, KIND_KID);
    p.ci.faults = EH_FAULT_ID_CRED_KID_BSTR;
    p.cr.faults = EH_FAULT_ACCEPT_BSTR_CONN_ID;
    ck_assert_int_eq(pair_run(&p), EH_OK);
    pair_make(&p, 3, 2, KIND_KID);
    p.ci.ead[1] = critical, p.ci.ead_len[1] = sizeof critical;
    p.cr.faults = EH_FAULT_ACCEPT_CRITICAL_EAD;
    ck_assert_int_eq(pair_run(&p), EH_OK);
    /* reject-ead-padding: padding (label 0, §3.8.1) in EAD_1 taken for a
     * critical item; the healthy Responder completes with it */
    static const uint8_t padding[] = {0x00, 0x41, 0xe9, 0x00};
    pair_make(&p, 3, 2, KIND_KID);
    p.ci.ead[1] = padding, p.ci.ead_len[1] = sizeof padding;
    ck_assert_int_eq(pair_run(&p), EH_OK);
    pair_make(&p, 3, 2, KIND_KID);
    p.ci.ead[1] = padding, p.ci.ead_len[1] = sizeof padding;
    p.cr.faults = EH_FAULT_REJECT_EAD_PADDING;
    ck_assert_int_eq(pair_run(&p), EH_ERR_EAD_CRITICAL);
    ck_assert_str_eq(p.sr.finding.field, "EAD_1");
    /* ignore-suites-order: I offers [3, 2] (selects 2), R supports both */
    pair_make(&p, 3, 2, KIND_KID);
    p.ci.suites[0] = 3, p.ci.suites[1] = 2, p.ci.n_suites = 2, p.ci.initial_suite_index = 1;
    p.cr.suites[0] = 2, p.cr.suites[1] = 3, p.cr.n_suites = 2;
    ck_assert_int_eq(pair_run(&p), EH_ERR_SUITE);
    p.cr.faults = EH_FAULT_IGNORE_SUITES_ORDER;
    ck_assert_int_eq(pair_run(&p), EH_OK);

    /* error-message faults: what the failed Responder would send */
    uint8_t m[64];
    size_t n;
    pair_make(&p, 3, 2, KIND_KID);
    p.ci.suites[0] = 0, p.ci.n_suites = 1; /* R supports only 2: ERR_CODE 2 due */
    ck_assert_int_eq(pair_run(&p), EH_ERR_SUITE);
    ck_assert_int_eq(eh_error_message(&p.sr, m, sizeof m, &n), EH_OK);
    ck_assert_mem_eq(m, "\x02\x02", 2);
    p.cr.faults = EH_FAULT_SUITES_R_WRONG;
    ck_assert_int_eq(pair_run(&p), EH_ERR_SUITE);
    ck_assert_int_eq(eh_error_message(&p.sr, m, sizeof m, &n), EH_OK);
    ck_assert_mem_eq(m, "\x02\x37", 2);
    p.cr.faults = EH_FAULT_WRONG_ERR_CODE;
    ck_assert_int_eq(pair_run(&p), EH_ERR_SUITE);
    ck_assert_int_eq(p.sr.err_code_to_send, 1);
    p.cr.faults = EH_FAULT_NO_ERROR_MESSAGE;
    ck_assert_int_eq(pair_run(&p), EH_ERR_SUITE);
    ck_assert_int_eq(eh_error_message(&p.sr, m, sizeof m, &n), EH_ERR_STATE);

    /* id-cred-x5u: the Initiator cannot use ID_CRED_R {35: uri}; it sends
     * ERR_CODE 1, and ERR_CODE 3 only with err-code-3-unsupported-cred */
    uint8_t em[160]; /* ERR_INFO text of up to 95 bytes */
    pair_make(&p, 3, 2, KIND_KID);
    p.cr.faults = EH_FAULT_ID_CRED_X5U;
    ck_assert_int_eq(pair_run(&p), EH_ERR_CREDENTIAL);
    ck_assert_str_eq(p.si.finding.field, "ID_CRED_R");
    ck_assert_int_eq(eh_error_message(&p.si, em, sizeof em, &n), EH_OK);
    ck_assert_uint_eq(em[0], 0x01);
    ck_assert_uint_eq(em[1] >> 5, 3); /* ERR_INFO a text string */
    p.ci.faults = EH_FAULT_ERR_CODE_3_UNSUPPORTED;
    ck_assert_int_eq(pair_run(&p), EH_ERR_CREDENTIAL);
    ck_assert_int_eq(eh_error_message(&p.si, em, sizeof em, &n), EH_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_mem_eq(em, "\x03\xf5", 2);

    /* th-2-other-message-1: the healthy Initiator cannot process message_2
     * (PLAINTEXT_2 decrypts to garbage, or MAC_2 fails), on every run */
    for (int k = 0; k < 8; k++) {
        pair_make(&p, k % 4, 2, KIND_KID);
        p.cr.faults = EH_FAULT_TH_2_OTHER_MESSAGE_1;
        ck_assert_int_ne(pair_run(&p), EH_OK);
        ck_assert_int_eq(p.si.state, EH_STATE_ABORTED);
        ck_assert_int_eq(p.sr.state == EH_STATE_ABORTED, 0);
    }

    /* accept-any-method: METHOD 4 in message_1 */
    pair_make(&p, 3, 2, KIND_KID);
    ck_assert_int_eq(eh_session_init(&p.si, &p.ci), EH_OK);
    ck_assert_int_eq(eh_initiator_message_1(&p.si, m, sizeof m, &n), EH_OK);
    m[0] = 0x04;
    ck_assert_int_eq(eh_session_init(&p.sr, &p.cr), EH_OK);
    p.cr.methods = 0x8; /* METHOD 3 only */
    ck_assert_int_eq(eh_responder_process_message_1(&p.sr, m, n), EH_ERR_METHOD);
    p.cr.faults = EH_FAULT_ACCEPT_ANY_METHOD;
    ck_assert_int_eq(eh_session_init(&p.sr, &p.cr), EH_OK);
    ck_assert_int_eq(eh_responder_process_message_1(&p.sr, m, n), EH_OK);

    /* names round-trip */
    for (unsigned i = 0; i < EH_FAULT_COUNT_; i++)
        ck_assert_uint_eq(eh_fault_parse(eh_fault_name(1ul << i)), 1ul << i);
    ck_assert_uint_eq(eh_fault_parse("no-such-fault"), 0);
}
END_TEST

Suite *eh_test_edhoc_handshake_suite(void)
{
    Suite *s = suite_create("edhoc_handshake");
    TCase *tc = tcase_create("in_memory");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, every_method_suite_and_credential_kind, 0, 4 * 9 * 4);
    tcase_add_test(tc, credential_by_value_trust);
    tcase_add_test(tc, x5chain_with_two_certificates);
    tcase_add_test(tc, message_sizes_match_rfc9528_table_1);
    tcase_add_test(tc, ead_on_every_message);
    tcase_add_test(tc, unknown_critical_ead_aborts_each_message);
    tcase_add_test(tc, suite_negotiation_retry);
    tcase_add_test(tc, unknown_credential_gets_err_code_3);
    tcase_add_test(tc, wrong_key_fails_mac_or_signature);
    tcase_add_test(tc, connection_identifier_encodings);
    tcase_add_test(tc, aead_tag_failures_abort);
    tcase_add_test(tc, engine_faults_are_observable);
    tcase_add_test(tc, a_limit_on_peer_identifiers_rejects_longer_ones);
    suite_add_tcase(s, tc);
    return s;
}

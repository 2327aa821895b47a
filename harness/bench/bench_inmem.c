/*
 * bench_inmem.c - the two parties of a (METHOD, suite) row and full
 * handshakes between them in one process, without I/O: message_1 to
 * message_4, fresh sessions and ephemeral keys from the OS RNG every time,
 * no trace callback.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bench.h"

static clockid_t cost_clock = CLOCK_MONOTONIC;

static double clock_us(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

double bench_now_us(void)
{
    return clock_us(CLOCK_MONOTONIC);
}

void bench_use_cpu_clock(bool on)
{
    cost_clock = on ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC;
}

double bench_cost_now_us(void)
{
    return clock_us(cost_clock);
}

/* gen-<alg>-<sig|dh>-<i|r>: the key of the suite's signature algorithm
 * (METHOD 0: both sign) or curve (METHOD 3: both use static DH). */
static const char *alg_name(const bench_pair *p, bool static_dh)
{
    if (static_dh) {
        switch (p->suite->ecdh->cose_crv) {
        case 1: return "p256";
        case 2: return "p384";
        case 4: return "x25519";
        default: return "x448";
        }
    }
    switch (p->suite->sig->cose_crv) {
    case 1: return "p256";
    case 2: return "p384";
    case 6: return "ed25519";
    default: return "ed448";
    }
}

int bench_pair_load(bench_pair *p, const char *cred_dir, int method, int suite)
{
    static const uint8_t c_i = 0x37, c_r = 0x27;
    memset(p, 0, sizeof *p);
    p->method = method;
    p->suite = eh_suite_by_id(suite);
    if (p->suite == NULL || method < 0 || method > 3)
        return -1;
    bool i_static = method == 2 || method == 3, r_static = method == 1 || method == 3;
    snprintf(p->cred_i, sizeof p->cred_i, "gen-%s-%s-i", alg_name(p, i_static),
             i_static ? "dh" : "sig");
    snprintf(p->cred_r, sizeof p->cred_r, "gen-%s-%s-r", alg_name(p, r_static),
             r_static ? "dh" : "sig");
    if (credfile_load(cred_dir, p->cred_i, CREDFILE_KID, &p->i) != 0 ||
        credfile_load(cred_dir, p->cred_r, CREDFILE_KID, &p->r) != 0)
        return -1;
    eh_config *c = &p->ci;
    c->role = EH_INITIATOR;
    c->method = method;
    c->suites[0] = suite, c->n_suites = 1;
    c->conn_id = &c_i, c->conn_id_len = 1;
    c->own_cred = p->i.c, c->own_priv = p->i.priv, c->own_priv_len = p->i.priv_len;
    c->own_sign_alg = p->i.sign_alg, c->own_sign_key = p->i.sign_key;
    c->peer_creds = &p->r.c, c->n_peer_creds = 1;
    c->message_4 = true;
    c->rng = eh_crypto_random;
    c = &p->cr;
    c->role = EH_RESPONDER;
    c->methods = 1u << method;
    c->suites[0] = suite, c->n_suites = 1;
    c->conn_id = &c_r, c->conn_id_len = 1;
    c->own_cred = p->r.c, c->own_priv = p->r.priv, c->own_priv_len = p->r.priv_len;
    c->own_sign_alg = p->r.sign_alg, c->own_sign_key = p->r.sign_key;
    c->peer_creds = &p->i.c, c->n_peer_creds = 1;
    c->message_4 = true;
    c->rng = eh_crypto_random;
    return 0;
}

void bench_pair_free(bench_pair *p)
{
    credfile_wipe(&p->i);
    credfile_wipe(&p->r);
}

/* One complete handshake; sessions and buffer are the caller's. */
static eh_err handshake(const eh_config *ci, const eh_config *cr, eh_session *si, eh_session *sr,
                        uint8_t *m, size_t cap)
{
    size_t n;
    eh_err err;
    if ((err = eh_session_init(si, ci)) || (err = eh_session_init(sr, cr)) ||
        (err = eh_initiator_message_1(si, m, cap, &n)) ||
        (err = eh_responder_process_message_1(sr, m, n)) ||
        (err = eh_responder_message_2(sr, m, cap, &n)) ||
        (err = eh_initiator_process_message_2(si, m, n)) ||
        (err = eh_initiator_message_3(si, m, cap, &n)) ||
        (err = eh_responder_process_message_3(sr, m, n)) ||
        (err = eh_responder_message_4(sr, m, cap, &n)) ||
        (err = eh_initiator_process_message_4(si, m, n)))
        return err;
    if (si->state != EH_STATE_COMPLETED || sr->state != EH_STATE_COMPLETED ||
        memcmp(si->prk_out, sr->prk_out, si->suite->hash->out_len) != 0)
        return EH_ERR_STATE;
    return EH_OK;
}

static eh_session si, sr;
static uint8_t msg[EH_WORK_SIZE];

double bench_handshake_us(const bench_pair *p, const bench_budget *b)
{
    eh_err err;
    if ((err = handshake(&p->ci, &p->cr, &si, &sr, msg, sizeof msg)) != EH_OK) {
        fprintf(stderr, "edhoc-bench: METHOD %d suite %d: handshake failed: %s\n", p->method,
                p->suite->id, eh_err_name(err));
        return -1;
    }
    double t0 = bench_cost_now_us();
    handshake(&p->ci, &p->cr, &si, &sr, msg, sizeof msg);
    double one = bench_cost_now_us() - t0;
    long iters = one > 0 ? (long)(b->hs_ms * 1000.0 / one) : 1000;
    if (iters < b->min_iters)
        iters = b->min_iters;
    t0 = bench_cost_now_us();
    for (long k = 0; k < iters; k++)
        if (handshake(&p->ci, &p->cr, &si, &sr, msg, sizeof msg) != EH_OK)
            return -1;
    double us = (bench_cost_now_us() - t0) / (double)iters;
    eh_session_wipe(&si);
    eh_session_wipe(&sr);
    return us;
}

/* ------------------------------------------------- sizes of one handshake */

typedef struct size_probe {
    bench_sizes *sz;
} size_probe;

static void size_trace(void *arg, const char *name, const uint8_t *val, size_t len)
{
    static const char *const info[10] = {"info_keystream_2", "info_salt_3e2m", "info_mac_2",
                                         "info_k_3",         "info_iv_3",      "info_salt_4e3m",
                                         "info_mac_3",       "info_prk_out",   "info_k_4",
                                         "info_iv_4"};
    static const char *const out[10] = {"keystream_2", "salt_3e2m", "mac_2", "k_3", "iv_3",
                                        "salt_4e3m",   "mac_3",     "prk_out", "k_4", "iv_4"};
    static const struct {
        const char *name;
        size_t off;
    } named[] = {
        {"message_1", offsetof(bench_sizes, message_1)},
        {"input_th_2", offsetof(bench_sizes, input_th_2)},
        {"input_th_3", offsetof(bench_sizes, input_th_3)},
        {"input_th_4", offsetof(bench_sizes, input_th_4)},
        {"plaintext_2", offsetof(bench_sizes, plaintext_2)},
        {"plaintext_3", offsetof(bench_sizes, plaintext_3)},
        {"plaintext_4", offsetof(bench_sizes, plaintext_4)},
        {"a_3", offsetof(bench_sizes, a_3)},
        {"a_4", offsetof(bench_sizes, a_4)},
        {"to_be_signed_2", offsetof(bench_sizes, tbs_2)},
        {"to_be_signed_3", offsetof(bench_sizes, tbs_3)},
    };
    bench_sizes *sz = ((size_probe *)arg)->sz;
    (void)val;
    for (size_t i = 0; i < 10; i++) {
        if (strcmp(name, info[i]) == 0)
            sz->info[i] = len;
        if (strcmp(name, out[i]) == 0)
            sz->out[i] = len;
    }
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (strcmp(name, named[i].name) == 0)
            *(size_t *)((char *)sz + named[i].off) = len;
}

int bench_sizes_measure(const bench_pair *p, bench_sizes *sz)
{
    eh_config ci = p->ci, cr = p->cr;
    size_probe probe = {sz};
    memset(sz, 0, sizeof *sz);
    ci.trace = cr.trace = size_trace;
    ci.trace_arg = cr.trace_arg = &probe;
    eh_err err = handshake(&ci, &cr, &si, &sr, msg, sizeof msg);
    eh_session_wipe(&si);
    eh_session_wipe(&sr);
    if (err != EH_OK || sz->message_1 == 0 || sz->input_th_4 == 0 || sz->plaintext_3 == 0 ||
        sz->info[7] == 0)
        return -1;
    return 0;
}

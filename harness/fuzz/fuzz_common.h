/*
 * fuzz_common.h - what the libFuzzer targets (harness/fuzz/fuzz_*.c) share:
 * an Initiator and a Responder configured from RFC 9529 trace 2 (METHOD 3,
 * suite 2, CCS by kid; harness/fuzz/trace2.h), with a deterministic RNG, so
 * that a target can bring a session to the state where the fuzzed input is
 * the next message. Everything is on the stack or static const: a target
 * iteration allocates nothing the engine does not.
 *
 *   make fuzz FUZZ_SECONDS=N   each target N seconds, corpus grown under build/fuzz/
 *   make fuzz-smoke            each target over its seed corpus, then 2000 runs
 */
#ifndef EH_FUZZ_COMMON_H
#define EH_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../crypto/crypto.h"
#include "../edhoc/edhoc.h"
#include "trace2.h"

/* libsodium wants sodium_init() before use (it is idempotent); a target
 * calls this first. */
static inline void fz_crypto_init(void)
{
    static int done;
    if (!done && eh_crypto_init() == EH_OK)
        done = 1;
}

static eh_err fz_rng(void *arg, uint8_t *out, size_t len)
{
    (void)arg;
    for (size_t i = 0; i < len; i++)
        out[i] = (uint8_t)(0x5a ^ i);
    return EH_OK;
}

typedef struct fz_peer {
    eh_config cfg;
    eh_cred own, peer;
    uint8_t own_pub[64], peer_pub[64];
} fz_peer;

/* Trace 2's Initiator (initiator = 1) or Responder, with message_4 on. */
static void fz_peer_init(fz_peer *p, int initiator)
{
    memset(p, 0, sizeof *p);
    memcpy(p->own_pub, initiator ? T2_PK_I_X : T2_PK_R_X, 32);
    memcpy(p->own_pub + 32, initiator ? T2_PK_I_Y : T2_PK_R_Y, 32);
    memcpy(p->peer_pub, initiator ? T2_PK_R_X : T2_PK_I_X, 32);
    memcpy(p->peer_pub + 32, initiator ? T2_PK_R_Y : T2_PK_I_Y, 32);
    p->own = (eh_cred){initiator ? T2_CRED_I : T2_CRED_R,
                       initiator ? sizeof T2_CRED_I : sizeof T2_CRED_R,
                       initiator ? T2_ID_CRED_I : T2_ID_CRED_R,
                       initiator ? sizeof T2_ID_CRED_I : sizeof T2_ID_CRED_R, p->own_pub, 64};
    p->peer = (eh_cred){initiator ? T2_CRED_R : T2_CRED_I,
                        initiator ? sizeof T2_CRED_R : sizeof T2_CRED_I,
                        initiator ? T2_ID_CRED_R : T2_ID_CRED_I,
                        initiator ? sizeof T2_ID_CRED_R : sizeof T2_ID_CRED_I, p->peer_pub, 64};
    eh_config *c = &p->cfg;
    c->role = initiator ? EH_INITIATOR : EH_RESPONDER;
    c->method = 3;
    c->methods = 0xf;
    /* the trace's SUITES_I is [6, 2] with 2 selected; the Responder has 2 */
    c->suites[0] = initiator ? 6 : 2;
    c->suites[1] = 2;
    c->n_suites = initiator ? 2 : 1;
    c->initial_suite_index = initiator ? 1 : 0;
    c->conn_id = initiator ? T2_C_I : T2_C_R;
    c->conn_id_len = 1;
    c->own_cred = p->own;
    c->own_priv = initiator ? T2_SK_I : T2_SK_R;
    c->own_priv_len = 32;
    c->peer_creds = &p->peer;
    c->n_peer_creds = 1;
    c->trust_by_value = true;
    c->message_4 = true;
    c->rng = fz_rng;
}

#endif

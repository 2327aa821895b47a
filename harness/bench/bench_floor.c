/*
 * bench_floor.c - the crypto floor of one EDHOC handshake: the primitive
 * operations RFC 9528 requires of the Initiator and the Responder together,
 * each measured by calling the crypto provider (crypto.h) directly with the
 * input sizes of a real handshake, and summed.
 *
 * The list comes from the RFC, not from what the engine happens to call, so
 * that redundant work in the engine shows up as overhead above the floor.
 * Counts are per handshake, both parties together; "R static" means the
 * Responder authenticates with a static DH key (METHOD 1, 3), "I static"
 * the Initiator (METHOD 2, 3); otherwise that party signs (RFC 9528 §3.2).
 *
 *  operation                                   count  when       RFC 9528
 *  ------------------------------------------  -----  ---------  ------------------
 *  ephemeral key pair (RNG + public key):        2    always     §5.2.1 X, G_X; §5.3.2 Y, G_Y
 *    X, G_X (I) and Y, G_Y (R)
 *  decode G_Y (I), G_X (R): the x-only key's    2    P-256,     §9.2, Appendix B
 *    point found (square root mod p) and checked      P-384
 *  ECDH G_XY: ECDH(X, G_Y) (I), ECDH(Y, G_X) (R) 2    always     §4.1.1.1
 *  ECDH G_RX: ECDH(X, G_R) (I), ECDH(R, G_X) (R) 2    R static   §4.1.1.2
 *  ECDH G_IY: ECDH(I, G_Y) (I), ECDH(Y, G_I) (R) 2    I static   §4.1.1.3
 *  hash H(message_1)                             2    always     §5.3.2 (inside TH_2)
 *  hash TH_2 = H(G_Y, H(message_1))              2    always     §5.3.2
 *  Extract PRK_2e = Extract(TH_2, G_XY)          2    always     §4.1.1.1
 *  Expand SALT_3e2m = KDF(PRK_2e, 1, TH_2)       2    R static   §4.1.1.2
 *  Extract PRK_3e2m = Extract(SALT_3e2m, G_RX)   2    R static   §4.1.1.2
 *  Expand MAC_2 = KDF(PRK_3e2m, 2, context_2)    2    always     §5.3.2, §5.3.3
 *  sign Signature_or_MAC_2 (R)                   1    R signs    §5.3.2
 *  verify Signature_or_MAC_2 (I)                 1    R signs    §5.3.3
 *  Expand KEYSTREAM_2 = KDF(PRK_2e, 0, TH_2)     2    always     §5.3.2, §5.3.3
 *  hash TH_3 = H(TH_2, PLAINTEXT_2, CRED_R)      2    always     §5.3.2, §5.3.3
 *  Expand SALT_4e3m = KDF(PRK_3e2m, 5, TH_3)     2    I static   §4.1.1.3
 *  Extract PRK_4e3m = Extract(SALT_4e3m, G_IY)   2    I static   §4.1.1.3
 *  Expand MAC_3 = KDF(PRK_4e3m, 6, context_3)    2    always     §5.4.2, §5.4.3
 *  sign Signature_or_MAC_3 (I)                   1    I signs    §5.4.2
 *  verify Signature_or_MAC_3 (R)                 1    I signs    §5.4.3
 *  Expand K_3 = KDF(PRK_3e2m, 3, TH_3)           2    always     §5.4.2, §5.4.3
 *  Expand IV_3 = KDF(PRK_3e2m, 4, TH_3)          2    always     §5.4.2, §5.4.3
 *  AEAD encrypt CIPHERTEXT_3 (I)                 1    always     §5.4.2
 *  AEAD decrypt CIPHERTEXT_3 (R)                 1    always     §5.4.3
 *  hash TH_4 = H(TH_3, PLAINTEXT_3, CRED_I)      2    always     §5.4.2, §5.4.3
 *  Expand PRK_out = KDF(PRK_4e3m, 7, TH_4)       2    always     §4.1.3
 *  Expand K_4 = KDF(PRK_4e3m, 8, TH_4)           2    always     §5.5.2, §5.5.3
 *  Expand IV_4 = KDF(PRK_4e3m, 9, TH_4)          2    always     §5.5.2, §5.5.3
 *  AEAD encrypt CIPHERTEXT_4 (R)                 1    always     §5.5.2
 *  AEAD decrypt CIPHERTEXT_4 (I)                 1    always     §5.5.3
 *
 * message_4 is part of the handshake measured (the in-memory handshakes
 * send it too). Not in the floor, because the handshake does not need it:
 * PRK_exporter (§4.2.1, which the engine derives as soon as PRK_out is
 * known, one Expand per party), CBOR encoding and parsing, copies, wiping.
 * Public-key validation (§9.2) counts: for X25519 / X448 it is inside the
 * ECDH; an EC2 key, sent as its x-coordinate alone, is decoded (its y
 * found and the point checked) once per received key, a row of its own
 * (the ECDH rows then take the decoded point, as the engine's do). Signing
 * keys are prepared once per credential (eh_sig_alg.prepare), as the
 * reference peer's are when it loads them.
 *
 * Sizes: every input has the length of the RFC's named byte string in one
 * traced handshake of the same credentials (input_th_3, info_mac_2,
 * plaintext_3, to_be_signed_2, ...); contents are random, keys and
 * signatures valid.
 */
#include <string.h>

#include "bench.h"

#include "bench_floor.h"

static const floor_row rows[] = {
    {KEYGEN, ALWAYS, 2, IN_NONE, 0, "ephemeral key pair", "§5.2.1, §5.3.2"},
    {DECODE, EC2_KEYS, 2, IN_NONE, 0, "decode G_X, G_Y", "§9.2, Appendix B"},
    {ECDH, ALWAYS, 2, IN_NONE, 0, "ECDH G_XY", "§4.1.1.1"},
    {ECDH, R_STATIC, 2, IN_NONE, 0, "ECDH G_RX", "§4.1.1.2"},
    {ECDH, I_STATIC, 2, IN_NONE, 0, "ECDH G_IY", "§4.1.1.3"},
    {HASH, ALWAYS, 2, IN_M1, 0, "hash H(message_1)", "§5.3.2"},
    {HASH, ALWAYS, 2, IN_TH2, 0, "hash TH_2", "§5.3.2"},
    {EXTRACT, ALWAYS, 2, IN_NONE, 0, "Extract PRK_2e", "§4.1.1.1"},
    {EXPAND, R_STATIC, 2, IN_KDF, 1, "Expand SALT_3e2m", "§4.1.1.2"},
    {EXTRACT, R_STATIC, 2, IN_NONE, 0, "Extract PRK_3e2m", "§4.1.1.2"},
    {EXPAND, ALWAYS, 2, IN_KDF, 2, "Expand MAC_2", "§5.3.2, §5.3.3"},
    {SIGN, R_SIGNS, 1, IN_TBS2, 0, "sign Signature_or_MAC_2", "§5.3.2"},
    {VERIFY, R_SIGNS, 1, IN_TBS2, 0, "verify Signature_or_MAC_2", "§5.3.3"},
    {EXPAND, ALWAYS, 2, IN_KDF, 0, "Expand KEYSTREAM_2", "§5.3.2, §5.3.3"},
    {HASH, ALWAYS, 2, IN_TH3, 0, "hash TH_3", "§5.3.2, §5.3.3"},
    {EXPAND, I_STATIC, 2, IN_KDF, 5, "Expand SALT_4e3m", "§4.1.1.3"},
    {EXTRACT, I_STATIC, 2, IN_NONE, 0, "Extract PRK_4e3m", "§4.1.1.3"},
    {EXPAND, ALWAYS, 2, IN_KDF, 6, "Expand MAC_3", "§5.4.2, §5.4.3"},
    {SIGN, I_SIGNS, 1, IN_TBS3, 0, "sign Signature_or_MAC_3", "§5.4.2"},
    {VERIFY, I_SIGNS, 1, IN_TBS3, 0, "verify Signature_or_MAC_3", "§5.4.3"},
    {EXPAND, ALWAYS, 2, IN_KDF, 3, "Expand K_3", "§5.4.2, §5.4.3"},
    {EXPAND, ALWAYS, 2, IN_KDF, 4, "Expand IV_3", "§5.4.2, §5.4.3"},
    {SEAL, ALWAYS, 1, IN_CT3, 0, "AEAD encrypt CIPHERTEXT_3", "§5.4.2"},
    {OPEN, ALWAYS, 1, IN_CT3, 0, "AEAD decrypt CIPHERTEXT_3", "§5.4.3"},
    {HASH, ALWAYS, 2, IN_TH4, 0, "hash TH_4", "§5.4.2, §5.4.3"},
    {EXPAND, ALWAYS, 2, IN_KDF, 7, "Expand PRK_out", "§4.1.3"},
    {EXPAND, ALWAYS, 2, IN_KDF, 8, "Expand K_4", "§5.5.2, §5.5.3"},
    {EXPAND, ALWAYS, 2, IN_KDF, 9, "Expand IV_4", "§5.5.2, §5.5.3"},
    {SEAL, ALWAYS, 1, IN_CT4, 0, "AEAD encrypt CIPHERTEXT_4", "§5.5.2"},
    {OPEN, ALWAYS, 1, IN_CT4, 0, "AEAD decrypt CIPHERTEXT_4", "§5.5.3"},
};

bool bench_floor_row_applies(const floor_row *r, int method, const eh_suite *s)
{
    bool r_static = method == 1 || method == 3, i_static = method == 2 || method == 3;
    switch (r->when) {
    case R_STATIC: return r_static;
    case I_STATIC: return i_static;
    case R_SIGNS: return !r_static;
    case I_SIGNS: return !i_static;
    case EC2_KEYS: return !s->ecdh->is_okp;
    default: return true;
    }
}

/* Everything one operation reads and writes, prepared once per row. */
typedef struct op_ctx {
    const eh_suite *s;
    const bench_sizes *sz;
    uint8_t in[EH_WORK_SIZE];          /* random input bytes */
    uint8_t prk[EH_MAX_HASH_LEN], out[EH_WORK_SIZE];
    uint8_t eph_priv[EH_MAX_PRIV_LEN], eph_pub[EH_MAX_COORD_LEN];
    uint8_t peer_pub[EH_MAX_COORD_LEN], secret[EH_MAX_COORD_LEN];
    uint8_t peer_y[EH_MAX_COORD_LEN], y_out[EH_MAX_COORD_LEN]; /* EC2: decoded once */
    uint8_t prep_2[EH_MAX_SIG_PREPARED_LEN], prep_3[EH_MAX_SIG_PREPARED_LEN];
    const credfile *signer_2, *signer_3; /* R and I */
    uint8_t sig_2[EH_MAX_SIG_LEN], sig_3[EH_MAX_SIG_LEN];
    uint8_t key[EH_MAX_AEAD_KEY_LEN], nonce[EH_MAX_AEAD_NONCE_LEN];
    uint8_t ct_3[EH_WORK_SIZE + EH_MAX_AEAD_TAG_LEN], ct_4[EH_WORK_SIZE + EH_MAX_AEAD_TAG_LEN];
} op_ctx;

/* An ephemeral key pair as the engine makes one: random scalar, public key
 * (a scalar out of range for an EC2 curve is drawn again). */
static eh_err keygen(const eh_ecdh_alg *e, uint8_t *priv, uint8_t *pub)
{
    eh_err err = EH_ERR_ARG;
    for (int attempt = 0; attempt < 8 && err == EH_ERR_ARG; attempt++) {
        if ((err = eh_crypto_random(NULL, priv, e->priv_len)) != EH_OK)
            return err;
        err = e->public_key(priv, pub, NULL);
    }
    return err;
}

static eh_err run_op(op_ctx *c, const floor_row *r)
{
    const eh_suite *s = c->s;
    const bench_sizes *z = c->sz;
    size_t hl = s->hash->out_len;
    switch (r->kind) {
    case KEYGEN:
        return keygen(s->ecdh, c->eph_priv, c->eph_pub);
    case DECODE:
        return s->ecdh->decode(c->peer_pub, c->y_out);
    case ECDH:
        return s->ecdh->shared_secret_xy(c->eph_priv, c->eph_pub, c->peer_pub,
                                         s->ecdh->is_okp ? NULL : c->peer_y, c->secret);
    case HASH: {
        size_t n = r->input == IN_M1 ? z->message_1 : r->input == IN_TH2 ? z->input_th_2
                   : r->input == IN_TH3 ? z->input_th_3 : z->input_th_4;
        return s->hash->digest(c->in, n, c->out);
    }
    case EXTRACT: /* salt: TH_2 or SALT_xxxx (hash_length); IKM: a DH secret */
        return s->hash->extract(c->in, hl, c->secret, s->ecdh->secret_len, c->prk);
    case EXPAND:
        return s->hash->expand(c->prk, hl, c->in, z->info[r->label], c->out, z->out[r->label]);
    case SIGN: {
        bool two = r->input == IN_TBS2;
        return s->sig->sign_prepared(two ? c->prep_2 : c->prep_3, c->in,
                                     two ? z->tbs_2 : z->tbs_3, c->out);
    }
    case VERIFY: {
        bool two = r->input == IN_TBS2;
        const credfile *k = two ? c->signer_2 : c->signer_3;
        return s->sig->verify(k->pub, c->in, two ? z->tbs_2 : z->tbs_3,
                              two ? c->sig_2 : c->sig_3);
    }
    case SEAL: {
        bool three = r->input == IN_CT3;
        return s->aead->seal(c->key, c->nonce, c->in, three ? z->a_3 : z->a_4, c->in,
                             three ? z->plaintext_3 : z->plaintext_4, c->out);
    }
    case OPEN: {
        bool three = r->input == IN_CT3;
        size_t pt = three ? z->plaintext_3 : z->plaintext_4;
        return s->aead->open(c->key, c->nonce, c->in, three ? z->a_3 : z->a_4,
                             three ? c->ct_3 : c->ct_4, pt + s->aead->tag_len, c->out);
    }
    }
    return EH_ERR_ARG;
}

static int ctx_init(op_ctx *c, const bench_pair *p, const bench_sizes *sz)
{
    const eh_suite *s = p->suite;
    memset(c, 0, sizeof *c);
    c->s = s, c->sz = sz;
    eh_crypto_random(NULL, c->in, sizeof c->in);
    eh_crypto_random(NULL, c->prk, sizeof c->prk);
    eh_crypto_random(NULL, c->key, sizeof c->key);
    eh_crypto_random(NULL, c->nonce, sizeof c->nonce);
    uint8_t other[EH_MAX_PRIV_LEN];
    if (keygen(s->ecdh, other, c->peer_pub) != EH_OK || keygen(s->ecdh, c->eph_priv, c->eph_pub) ||
        s->ecdh->shared_secret(c->eph_priv, c->peer_pub, c->secret) != EH_OK ||
        (!s->ecdh->is_okp && s->ecdh->decode(c->peer_pub, c->peer_y) != EH_OK))
        return -1;
    eh_wipe(other, sizeof other);
    if ((!(p->method == 1 || p->method == 3) && s->sig->prepare(p->r.priv, c->prep_2) != EH_OK) ||
        (!(p->method == 2 || p->method == 3) && s->sig->prepare(p->i.priv, c->prep_3) != EH_OK))
        return -1;
    c->signer_2 = &p->r, c->signer_3 = &p->i;
    if (!(p->method == 1 || p->method == 3) &&
        s->sig->sign(p->r.priv, c->in, sz->tbs_2, c->sig_2) != EH_OK)
        return -1;
    if (!(p->method == 2 || p->method == 3) &&
        s->sig->sign(p->i.priv, c->in, sz->tbs_3, c->sig_3) != EH_OK)
        return -1;
    if (s->aead->seal(c->key, c->nonce, c->in, sz->a_3, c->in, sz->plaintext_3, c->ct_3) ||
        s->aead->seal(c->key, c->nonce, c->in, sz->a_4, c->in, sz->plaintext_4, c->ct_4))
        return -1;
    return 0;
}

double bench_floor_time_op(floor_op_fn op, void *c, const floor_row *r, const bench_budget *b)
{
    if (op(c, r) != EH_OK || op(c, r) != EH_OK)
        return -1;
    double t0 = bench_cost_now_us();
    op(c, r);
    double one = bench_cost_now_us() - t0;
    long iters = one > 0 ? (long)(b->op_ms * 1000.0 / one) : 100000;
    if (iters < b->min_iters)
        iters = b->min_iters;
    if (iters > 1000000)
        iters = 1000000;
    t0 = bench_cost_now_us();
    for (long k = 0; k < iters; k++)
        if (op(c, r) != EH_OK)
            return -1;
    return (bench_cost_now_us() - t0) / (double)iters;
}

const floor_row *bench_floor_rows(size_t *n)
{
    *n = sizeof rows / sizeof rows[0];
    return rows;
}

static eh_err provider_op(void *c, const floor_row *r)
{
    return run_op(c, r);
}

int bench_floor_measure(const bench_pair *p, const bench_sizes *sz, const bench_budget *b,
                        bench_floor *fl)
{
    static op_ctx c; /* large; one at a time */
    if (ctx_init(&c, p, sz) != 0)
        return -1;
    memset(fl, 0, sizeof *fl);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const floor_row *r = &rows[i];
        if (!bench_floor_row_applies(r, p->method, p->suite))
            continue;
        bench_op_cost *o = &fl->op[fl->n++];
        o->what = r->what, o->rfc = r->rfc, o->count = r->count;
        o->us = bench_floor_time_op(provider_op, &c, r, b);
        if (o->us < 0)
            return -1;
        fl->total_us += o->count * o->us;
    }
    eh_wipe(&c, sizeof c);
    return 0;
}

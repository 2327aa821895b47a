/* fuzz_oscore_unprotect.c - OSCORE (harness/oscore/oscore.h) on any bytes,
 * with the security contexts of RFC 8613 Appendix C.1 - C.3 (both ends):
 *  - as a CoAP datagram: the server unprotects it as a request (§8.2, and
 *    protects a response to what it accepted), the client as the response
 *    (§8.4) to its C.4 / C.5 / C.6 request;
 *  - as a plaintext (§5.3: code, class E options, payload) that the target
 *    seals itself with C.1's keys, so that the decrypted-plaintext parsing
 *    is reached, which the AEAD keeps forged datagrams from;
 *  - as an OSCORE option value (§6.1), which must encode back the same.
 * The contexts are derived once and copied for every input. */
#include <stdbool.h>
#include <string.h>

#include "../crypto/crypto.h"
#include "../oscore/oscore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* RFC 8613 Appendix C.1.1 - C.3.2 inputs. */
static const uint8_t SECRET[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
static const uint8_t SALT[8] = {0x9e, 0x7c, 0xa9, 0x22, 0x23, 0x78, 0x63, 0x40};
static const uint8_t ID_CONTEXT[8] = {0x37, 0xcb, 0xf3, 0x21, 0x00, 0x17, 0xa2, 0xd3};
static const uint8_t ID_00[1] = {0x00}, ID_01[1] = {0x01};
/* The unprotected requests of Appendix C.4, C.5 and C.6 (GET
 * coap://localhost/tv1), as datagrams. */
static const uint8_t REQ_C4[] = {0x44, 0x01, 0x5d, 0x1f, 0x00, 0x00, 0x39, 0x74, 0x39, 0x6c,
                                 0x6f, 0x63, 0x61, 0x6c, 0x68, 0x6f, 0x73, 0x74, 0x83, 0x74,
                                 0x76, 0x31};
static const uint8_t REQ_C5[] = {0x44, 0x01, 0x71, 0xc3, 0x00, 0x00, 0xb9, 0x32, 0x39, 0x6c,
                                 0x6f, 0x63, 0x61, 0x6c, 0x68, 0x6f, 0x73, 0x74, 0x83, 0x74,
                                 0x76, 0x31};
static const uint8_t REQ_C6[] = {0x44, 0x01, 0x2f, 0x8e, 0xef, 0x9b, 0xbf, 0x7a, 0x39, 0x6c,
                                 0x6f, 0x63, 0x61, 0x6c, 0x68, 0x6f, 0x73, 0x74, 0x83, 0x74,
                                 0x76, 0x31};

enum { C1, C2, C3, N_VEC };

typedef struct vec {
    eh_oscore_ctx client, server;
    eh_oscore_req_state req; /* the client's C.4/C.5/C.6 request */
} vec;

static vec vecs[N_VEC];
static int ready;

static bool derive(eh_oscore_ctx *ctx, int v, bool client)
{
    eh_oscore_params p;
    memset(&p, 0, sizeof p);
    p.master_secret = SECRET, p.master_secret_len = sizeof SECRET;
    if (v != C2)
        p.master_salt = SALT, p.master_salt_len = sizeof SALT;
    if (v == C3)
        p.id_context = ID_CONTEXT, p.id_context_len = sizeof ID_CONTEXT;
    /* C.1 / C.3: client ID h'', server ID h'01'; C.2: h'00' and h'01' */
    const uint8_t *cid = v == C2 ? ID_00 : NULL;
    size_t cid_len = v == C2 ? 1 : 0;
    p.sender_id = client ? cid : ID_01, p.sender_id_len = client ? cid_len : 1;
    p.recipient_id = client ? ID_01 : cid, p.recipient_id_len = client ? 1 : cid_len;
    p.send_kid_context = client && v == C3;
    return eh_oscore_ctx_derive(ctx, &p) == EH_OK;
}

static bool setup(void)
{
    static const uint8_t *const reqs[N_VEC] = {REQ_C4, REQ_C5, REQ_C6};
    static const size_t req_lens[N_VEC] = {sizeof REQ_C4, sizeof REQ_C5, sizeof REQ_C6};
    for (int v = 0; v < N_VEC; v++) {
        eh_coap_udp_hdr hdr;
        eh_coap_msg plain, prot;
        uint8_t buf[256];
        if (!derive(&vecs[v].client, v, true) || !derive(&vecs[v].server, v, false) ||
            eh_coap_udp_decode(reqs[v], req_lens[v], &hdr, &plain) != EH_OK)
            return false;
        vecs[v].client.sender_seq = 20; /* as in the RFC */
        if (eh_oscore_protect_request(&vecs[v].client, &plain, &prot, buf, sizeof buf,
                                      &vecs[v].req) != EH_OK)
            return false;
    }
    return true;
}

/* The server's view of msg as a request, and a response to it. */
static void as_request(const eh_oscore_ctx *tmpl, const eh_coap_msg *msg)
{
    static eh_oscore_ctx ctx;
    static uint8_t pt[70000], rbuf[70000];
    eh_coap_msg out, resp;
    eh_oscore_req_state st;
    ctx = *tmpl;
    if (eh_oscore_unprotect_request(&ctx, msg, &out, pt, sizeof pt, &st) == EH_OK) {
        out.code = EH_COAP_CODE_CONTENT;
        (void)eh_oscore_protect_response(&ctx, &st, true, &out, &resp, rbuf, sizeof rbuf);
    }
    eh_oscore_ctx_clear(&ctx);
}

static void as_response(const eh_oscore_ctx *tmpl, const eh_oscore_req_state *req,
                        const eh_coap_msg *msg)
{
    static eh_oscore_ctx ctx;
    static uint8_t pt[70000];
    eh_coap_msg out;
    ctx = *tmpl;
    (void)eh_oscore_unprotect_response(&ctx, req, msg, &out, pt, sizeof pt);
    eh_oscore_ctx_clear(&ctx);
}

/* data as the plaintext of a request from C.1's client (Partial IV 20, kid
 * h'') and of a response (no Partial IV) to its C.4 request. */
static void sealed(const uint8_t *data, size_t size)
{
    static uint8_t ct[4096 + EH_MAX_AEAD_TAG_LEN];
    const vec *v = &vecs[C1];
    const eh_oscore_ctx *c = &v->client;
    uint8_t nonce[EH_MAX_AEAD_NONCE_LEN], aad[128], opt[16];
    size_t aad_len, opt_len;
    if (size > 4096)
        return;
    eh_oscore_option_value ov;
    memset(&ov, 0, sizeof ov);
    ov.piv = v->req.piv, ov.piv_len = v->req.piv_len;
    ov.has_kid = true, ov.kid = c->sender_id, ov.kid_len = c->sender_id_len;
    eh_coap_msg m;
    memset(&m, 0, sizeof m);
    m.code = EH_COAP_CODE_POST;
    m.n_opts = 1;
    m.opts[0] = (eh_coap_option){EH_COAP_OPT_OSCORE, opt, 0};
    m.payload = ct, m.payload_len = size + c->aead->tag_len;
    if (eh_oscore_option_encode(&ov, opt, sizeof opt, &opt_len) != EH_OK ||
        eh_oscore_nonce(c, c->sender_id, c->sender_id_len, ov.piv, ov.piv_len, nonce) !=
            EH_OK ||
        eh_oscore_aad(c, c->sender_id, c->sender_id_len, ov.piv, ov.piv_len, aad, sizeof aad,
                      &aad_len) != EH_OK ||
        c->aead->seal(c->sender_key, nonce, aad, aad_len, data, size, ct) != EH_OK)
        return;
    m.opts[0].len = opt_len;
    as_request(&v->server, &m);

    /* the response: the server's key, the request's nonce, an empty option */
    const eh_oscore_ctx *s = &v->server;
    m.code = EH_COAP_CODE_CHANGED;
    m.opts[0].len = 0;
    if (s->aead->seal(s->sender_key, v->req.nonce, aad, aad_len, data, size, ct) != EH_OK)
        return;
    as_response(&v->client, &v->req, &m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static eh_coap_msg msg;
    static uint8_t enc[70000];
    eh_coap_udp_hdr hdr;
    eh_oscore_option_value ov;
    size_t n;
    (void)eh_crypto_init(); /* idempotent */
    if (!ready) {
        if (!setup())
            return 0;
        ready = 1;
    }
    if (eh_coap_udp_decode(data, size, &hdr, &msg) == EH_OK) {
        for (int v = 0; v < N_VEC; v++) {
            as_request(&vecs[v].server, &msg);
            as_response(&vecs[v].client, &vecs[v].req, &msg);
        }
    }
    sealed(data, size);
    if (size <= sizeof enc && eh_oscore_option_decode(data, size, &ov) == EH_OK &&
        (eh_oscore_option_encode(&ov, enc, sizeof enc, &n) != EH_OK || n != size ||
         (n > 0 && memcmp(enc, data, n) != 0)))
        __builtin_trap();
    return 0;
}

/*
 * oscore.c - OSCORE (RFC 8613): security context derivation (§3.2), the
 * COSE_Encrypt0 object in its compressed form (§5, §6), request/response
 * protection (§8) and replay protection (§7.4). See oscore.h.
 */
#include "oscore.h"

#include <string.h>

#include "../cbor/cbor.h"

/* AAD and info are small: ids <= 7 bytes, ID Context <= 64 bytes. */
#define OSC_INFO_CAP 128
#define OSC_AAD_CAP 64

bool eh_oscore_option_is_class_u(uint16_t number)
{
    switch (number) {
    case EH_COAP_OPT_URI_HOST:
    case EH_COAP_OPT_OBSERVE:
    case EH_COAP_OPT_URI_PORT:
    case EH_COAP_OPT_OSCORE:
    case EH_COAP_OPT_EDHOC:
    case EH_COAP_OPT_PROXY_URI:
    case EH_COAP_OPT_PROXY_SCHEME:
        return true;
    default:
        return false;
    }
}

/* ------------------------------------------------------ context (§3.2) */

eh_err eh_oscore_info(const uint8_t *id, size_t id_len, const uint8_t *id_context,
                      size_t id_context_len, int alg_aead, bool is_iv, size_t L,
                      uint8_t *out, size_t cap, size_t *out_len)
{
    if (!out_len || (!id && id_len) || (!out && cap))
        return EH_ERR_ARG;
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, out, cap);
    eh_cbor_write_array(&w, 5);
    eh_cbor_write_bstr(&w, id, id_len);
    if (id_context)
        eh_cbor_write_bstr(&w, id_context, id_context_len);
    else
        eh_cbor_write_simple(&w, EH_CBOR_NULL);
    eh_cbor_write_int(&w, alg_aead);
    if (is_iv)
        eh_cbor_write_tstr(&w, "IV", 2);
    else
        eh_cbor_write_tstr(&w, "Key", 3);
    eh_cbor_write_uint(&w, L);
    *out_len = w.len;
    return eh_cbor_writer_status(&w);
}

/* One HKDF-Expand output of §3.2.1 from the PRK. */
static eh_err osc_expand(const eh_oscore_ctx *ctx, const uint8_t *prk, const uint8_t *id,
                         size_t id_len, bool is_iv, uint8_t *out, size_t L)
{
    uint8_t info[OSC_INFO_CAP];
    size_t info_len;
    eh_err err = eh_oscore_info(id, id_len, ctx->has_id_context ? ctx->id_context : NULL,
                                ctx->id_context_len, ctx->aead->cose_alg, is_iv, L, info,
                                sizeof info, &info_len);
    if (err)
        return err;
    return ctx->hkdf->expand(prk, ctx->hkdf->out_len, info, info_len, out, L);
}

bool eh_oscore_hkdf_supported(const eh_hash_alg *h)
{
    return h == &eh_hash_sha256 || h == &eh_hash_sha384;
}

eh_err eh_oscore_ctx_derive(eh_oscore_ctx *ctx, const eh_oscore_params *p)
{
    if (!ctx)
        return EH_ERR_ARG;
    memset(ctx, 0, sizeof *ctx);
    if (!p || !p->master_secret || p->master_secret_len == 0 ||
        (!p->master_salt && p->master_salt_len) || (!p->sender_id && p->sender_id_len) ||
        (!p->recipient_id && p->recipient_id_len) ||
        p->id_context_len > EH_OSCORE_MAX_ID_CONTEXT_LEN)
        return EH_ERR_ARG;
    const eh_aead_alg *aead = eh_aead_by_cose(p->aead_alg ? p->aead_alg : 10);
    const eh_hash_alg *hkdf = p->hkdf ? p->hkdf : &eh_hash_sha256;
    if (!aead || aead->nonce_len < 7 || aead->nonce_len > EH_MAX_AEAD_NONCE_LEN ||
        aead->key_len > EH_MAX_AEAD_KEY_LEN)
        return EH_ERR_ARG;
    if (!eh_oscore_hkdf_supported(hkdf))
        return EH_ERR_UNSUPPORTED; /* RFC 8613 §3.2.1 needs an HKDF */
    size_t max_id = aead->nonce_len - 6;
    if (p->sender_id_len > max_id || p->recipient_id_len > max_id)
        return EH_ERR_ARG;
    if (p->sender_id_len == p->recipient_id_len &&
        (p->sender_id_len == 0 || memcmp(p->sender_id, p->recipient_id, p->sender_id_len) == 0))
        return EH_ERR_ARG; /* §3.3: Sender IDs unique within the context */

    ctx->aead = aead;
    ctx->hkdf = hkdf;
    ctx->has_id_context = p->id_context != NULL;
    if (p->id_context_len)
        memcpy(ctx->id_context, p->id_context, p->id_context_len);
    ctx->id_context_len = p->id_context_len;
    ctx->send_kid_context = p->send_kid_context && ctx->has_id_context;
    if (p->sender_id_len)
        memcpy(ctx->sender_id, p->sender_id, p->sender_id_len);
    ctx->sender_id_len = p->sender_id_len;
    if (p->recipient_id_len)
        memcpy(ctx->recipient_id, p->recipient_id, p->recipient_id_len);
    ctx->recipient_id_len = p->recipient_id_len;

    uint8_t prk[EH_MAX_HASH_LEN];
    eh_err err = hkdf->extract(p->master_salt, p->master_salt_len, p->master_secret,
                               p->master_secret_len, prk);
    if (!err)
        err = osc_expand(ctx, prk, ctx->sender_id, ctx->sender_id_len, false, ctx->sender_key,
                         aead->key_len);
    if (!err)
        err = osc_expand(ctx, prk, ctx->recipient_id, ctx->recipient_id_len, false,
                         ctx->recipient_key, aead->key_len);
    if (!err)
        err = osc_expand(ctx, prk, NULL, 0, true, ctx->common_iv, aead->nonce_len);
    eh_wipe(prk, sizeof prk);
    if (err)
        eh_oscore_ctx_clear(ctx);
    return err;
}

void eh_oscore_ctx_clear(eh_oscore_ctx *ctx)
{
    if (ctx)
        eh_wipe(ctx, sizeof *ctx);
}

/* ------------------------------------------------------- nonce (§5.2) */

eh_err eh_oscore_nonce(const eh_oscore_ctx *ctx, const uint8_t *id_piv, size_t id_len,
                       const uint8_t *piv, size_t piv_len, uint8_t *nonce)
{
    if (!ctx || !ctx->aead || !nonce || (!id_piv && id_len) || !piv || piv_len == 0 ||
        piv_len > EH_OSCORE_MAX_PIV_LEN)
        return EH_ERR_ARG;
    size_t nl = ctx->aead->nonce_len;
    if (id_len > nl - 6)
        return EH_ERR_ARG;
    uint8_t n[EH_MAX_AEAD_NONCE_LEN] = {0};
    n[0] = (uint8_t)id_len;                           /* S */
    if (id_len)
        memcpy(n + 1 + (nl - 6 - id_len), id_piv, id_len); /* ID_PIV, left-padded */
    memcpy(n + nl - piv_len, piv, piv_len);           /* PIV, left-padded to 5 */
    for (size_t i = 0; i < nl; i++)
        nonce[i] = n[i] ^ ctx->common_iv[i];
    return EH_OK;
}

/* Partial IV of a sequence number: big-endian, shortest, 0 -> 0x00. */
static size_t osc_piv_of_seq(uint64_t seq, uint8_t piv[EH_OSCORE_MAX_PIV_LEN])
{
    size_t n = 1;
    while (n < EH_OSCORE_MAX_PIV_LEN && (seq >> (8 * n)) != 0)
        n++;
    for (size_t i = 0; i < n; i++)
        piv[i] = (uint8_t)(seq >> (8 * (n - 1 - i)));
    return n;
}

static uint64_t osc_seq_of_piv(const uint8_t *piv, size_t len)
{
    uint64_t s = 0;
    for (size_t i = 0; i < len; i++)
        s = s << 8 | piv[i];
    return s;
}

/* ------------------------------------------------ option value (§6.1) */

eh_err eh_oscore_option_encode(const eh_oscore_option_value *v, uint8_t *out, size_t cap,
                               size_t *out_len)
{
    if (!v || !out_len || (!out && cap) || v->piv_len > EH_OSCORE_MAX_PIV_LEN ||
        (v->has_kid_context && v->kid_context_len > 255) || (!v->piv && v->piv_len) ||
        (v->has_kid_context && !v->kid_context && v->kid_context_len) ||
        (v->has_kid && !v->kid && v->kid_len))
        return EH_ERR_ARG;
    uint8_t flags = (uint8_t)(v->piv_len | (v->has_kid ? 0x08 : 0) |
                              (v->has_kid_context ? 0x10 : 0));
    size_t need = 0;
    if (flags)
        need = 1 + v->piv_len + (v->has_kid_context ? 1 + v->kid_context_len : 0) +
               (v->has_kid ? v->kid_len : 0);
    *out_len = need;
    if (need > cap)
        return EH_ERR_BUFFER_TOO_SMALL;
    if (!flags)
        return EH_OK;
    size_t pos = 0;
    out[pos++] = flags;
    if (v->piv_len)
        memcpy(out + pos, v->piv, v->piv_len);
    pos += v->piv_len;
    if (v->has_kid_context) {
        out[pos++] = (uint8_t)v->kid_context_len;
        if (v->kid_context_len)
            memcpy(out + pos, v->kid_context, v->kid_context_len);
        pos += v->kid_context_len;
    }
    if (v->has_kid && v->kid_len)
        memcpy(out + pos, v->kid, v->kid_len);
    return EH_OK;
}

eh_err eh_oscore_option_decode(const uint8_t *in, size_t len, eh_oscore_option_value *v)
{
    if (!v || (!in && len))
        return EH_ERR_ARG;
    memset(v, 0, sizeof *v);
    if (len == 0)
        return EH_OK;
    uint8_t flags = in[0];
    size_t n = flags & 0x07, pos = 1;
    if ((flags & 0xE0) || n > EH_OSCORE_MAX_PIV_LEN || flags == 0)
        return EH_ERR_MESSAGE_FORMAT; /* reserved bits, n 6/7, 0x00 not empty */
    if (n > len - pos)
        return EH_ERR_MESSAGE_FORMAT;
    v->piv = in + pos;
    v->piv_len = n;
    pos += n;
    if (flags & 0x10) {
        if (pos == len || in[pos] > len - pos - 1)
            return EH_ERR_MESSAGE_FORMAT;
        v->has_kid_context = true;
        v->kid_context_len = in[pos];
        v->kid_context = in + pos + 1;
        pos += 1 + v->kid_context_len;
    }
    if (flags & 0x08) {
        v->has_kid = true;
        v->kid = in + pos;
        v->kid_len = len - pos;
        pos = len;
    }
    if (pos != len) {
        memset(v, 0, sizeof *v);
        return EH_ERR_MESSAGE_FORMAT; /* bytes left with no kid flag */
    }
    if (!v->piv_len)
        v->piv = NULL;
    return EH_OK;
}

/* ------------------------------------------------------------ AAD (§5.4) */

static eh_err osc_aad(const eh_oscore_ctx *ctx, const uint8_t *kid, size_t kid_len,
                      const uint8_t *piv, size_t piv_len, uint8_t *aad, size_t *aad_len)
{
    uint8_t ext[OSC_AAD_CAP];
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, ext, sizeof ext);
    eh_cbor_write_array(&w, 5);
    eh_cbor_write_uint(&w, 1); /* oscore_version */
    eh_cbor_write_array(&w, 1); /* algorithms = [alg_aead] */
    eh_cbor_write_int(&w, ctx->aead->cose_alg);
    eh_cbor_write_bstr(&w, kid, kid_len);
    eh_cbor_write_bstr(&w, piv, piv_len);
    eh_cbor_write_bstr(&w, NULL, 0); /* options: no class I options */
    eh_err err = eh_cbor_writer_status(&w);
    if (err)
        return err;
    eh_cbor_writer a;
    eh_cbor_writer_init(&a, aad, OSC_AAD_CAP);
    eh_cbor_write_array(&a, 3);
    eh_cbor_write_tstr(&a, "Encrypt0", 8);
    eh_cbor_write_bstr(&a, NULL, 0);
    eh_cbor_write_bstr(&a, ext, w.len);
    *aad_len = a.len;
    return eh_cbor_writer_status(&a);
}

eh_err eh_oscore_aad(const eh_oscore_ctx *ctx, const uint8_t *request_kid, size_t kid_len,
                     const uint8_t *request_piv, size_t piv_len, uint8_t *aad, size_t cap,
                     size_t *aad_len)
{
    if (!ctx || !ctx->aead || !aad_len || (!aad && cap) || (!request_kid && kid_len) ||
        (!request_piv && piv_len) || kid_len > EH_OSCORE_MAX_ID_LEN ||
        piv_len > EH_OSCORE_MAX_PIV_LEN)
        return EH_ERR_ARG;
    uint8_t tmp[OSC_AAD_CAP];
    size_t n;
    eh_err err = osc_aad(ctx, request_kid, kid_len, request_piv, piv_len, tmp, &n);
    if (!err) {
        *aad_len = n;
        if (n > cap)
            err = EH_ERR_BUFFER_TOO_SMALL;
        else
            memcpy(aad, tmp, n);
    }
    return err;
}

/* ------------------------------------------------------ replay (§7.4) */

static bool osc_replay_ok(const eh_oscore_ctx *ctx, uint64_t seq)
{
    if (!ctx->replay_used || seq > ctx->replay_max)
        return true;
    uint64_t d = ctx->replay_max - seq;
    return d < EH_OSCORE_REPLAY_WINDOW && !((ctx->replay_bits >> d) & 1u);
}

static void osc_replay_mark(eh_oscore_ctx *ctx, uint64_t seq)
{
    if (!ctx->replay_used) {
        ctx->replay_used = true;
        ctx->replay_max = seq;
        ctx->replay_bits = 1;
    } else if (seq > ctx->replay_max) {
        uint64_t d = seq - ctx->replay_max;
        ctx->replay_bits = d >= EH_OSCORE_REPLAY_WINDOW ? 0 : ctx->replay_bits << d;
        ctx->replay_bits |= 1;
        ctx->replay_max = seq;
    } else {
        ctx->replay_bits |= UINT32_C(1) << (ctx->replay_max - seq);
    }
}

/* ------------------------------------------------------------ protect */

/* Shared part of §8.1 / §8.3: plaintext (§5.3), encryption, outer message. */
static eh_err osc_protect(const eh_oscore_ctx *ctx, const eh_coap_msg *in, eh_coap_msg *out,
                          uint8_t *buf, size_t cap, uint8_t outer_code,
                          const eh_oscore_option_value *ov, const uint8_t *nonce,
                          const uint8_t *req_kid, size_t req_kid_len, const uint8_t *req_piv,
                          size_t req_piv_len)
{
    if (!in || !out || (!buf && cap) || in->n_opts > EH_COAP_MAX_OPTIONS ||
        (in->payload_len && !in->payload))
        return EH_ERR_ARG;
    eh_coap_option inner[EH_COAP_MAX_OPTIONS];
    eh_coap_msg res;
    memset(&res, 0, sizeof res);
    size_t n_inner = 0;
    for (size_t i = 0; i < in->n_opts; i++) {
        if (in->opts[i].number == EH_COAP_OPT_OSCORE)
            return EH_ERR_ARG;
        if (eh_oscore_option_is_class_u(in->opts[i].number))
            res.opts[res.n_opts++] = in->opts[i];
        else
            inner[n_inner++] = in->opts[i];
    }
    if (res.n_opts >= EH_COAP_MAX_OPTIONS)
        return EH_ERR_BUFFER_TOO_SMALL;

    size_t ov_len, opts_len;
    eh_err err = eh_oscore_option_encode(ov, buf, cap, &ov_len);
    if (err)
        return err;
    err = eh_coap_options_encode(inner, n_inner, NULL, 0, &opts_len);
    if (err && err != EH_ERR_BUFFER_TOO_SMALL)
        return err;
    size_t pt_len = 1 + opts_len + (in->payload_len ? 1 + in->payload_len : 0);
    size_t tag = ctx->aead->tag_len;
    if (pt_len > cap - ov_len || tag > cap - ov_len - pt_len)
        return EH_ERR_BUFFER_TOO_SMALL;
    uint8_t *pt = buf + ov_len;
    pt[0] = in->code;
    err = eh_coap_options_encode(inner, n_inner, pt + 1, opts_len, &opts_len);
    if (err)
        return err;
    if (in->payload_len) {
        pt[1 + opts_len] = 0xFF;
        memcpy(pt + 2 + opts_len, in->payload, in->payload_len);
    }

    uint8_t aad[OSC_AAD_CAP];
    size_t aad_len;
    err = osc_aad(ctx, req_kid, req_kid_len, req_piv, req_piv_len, aad, &aad_len);
    if (!err)
        err = ctx->aead->seal(ctx->sender_key, nonce, aad, aad_len, pt, pt_len, pt);
    if (err) {
        eh_wipe(buf, ov_len + pt_len + tag);
        return err;
    }

    /* Outer options: class U in order, OSCORE inserted by number. */
    size_t at = 0;
    while (at < res.n_opts && res.opts[at].number <= EH_COAP_OPT_OSCORE)
        at++;
    memmove(&res.opts[at + 1], &res.opts[at], (res.n_opts - at) * sizeof res.opts[0]);
    res.opts[at].number = EH_COAP_OPT_OSCORE;
    res.opts[at].value = ov_len ? buf : NULL;
    res.opts[at].len = ov_len;
    res.n_opts++;
    res.code = outer_code;
    res.payload = pt;
    res.payload_len = pt_len + tag;
    *out = res;
    return EH_OK;
}

eh_err eh_oscore_protect_request(eh_oscore_ctx *ctx, const eh_coap_msg *in,
                                 eh_coap_msg *out, uint8_t *buf, size_t cap,
                                 eh_oscore_req_state *st)
{
    if (!ctx || !ctx->aead || !st)
        return EH_ERR_ARG;
    if (ctx->sender_seq > EH_OSCORE_MAX_SEQ)
        return EH_ERR_STATE; /* §7.2.1: sequence numbers exhausted */
    eh_oscore_req_state s;
    memset(&s, 0, sizeof s);
    s.piv_len = osc_piv_of_seq(ctx->sender_seq, s.piv);
    s.kid_len = ctx->sender_id_len;
    memcpy(s.kid, ctx->sender_id, s.kid_len);
    s.nonce_len = ctx->aead->nonce_len;
    eh_err err = eh_oscore_nonce(ctx, ctx->sender_id, ctx->sender_id_len, s.piv, s.piv_len,
                                 s.nonce);
    if (err)
        return err;
    eh_oscore_option_value ov = {
        .piv = s.piv,
        .piv_len = s.piv_len,
        .has_kid_context = ctx->send_kid_context,
        .kid_context = ctx->id_context,
        .kid_context_len = ctx->send_kid_context ? ctx->id_context_len : 0,
        .has_kid = true,
        .kid = ctx->sender_id,
        .kid_len = ctx->sender_id_len,
    };
    err = osc_protect(ctx, in, out, buf, cap, EH_COAP_CODE_POST, &ov, s.nonce, s.kid,
                      s.kid_len, s.piv, s.piv_len);
    if (err)
        return err;
    ctx->sender_seq++;
    *st = s;
    return EH_OK;
}

eh_err eh_oscore_protect_response(eh_oscore_ctx *ctx, const eh_oscore_req_state *req,
                                  bool with_piv, const eh_coap_msg *in, eh_coap_msg *out,
                                  uint8_t *buf, size_t cap)
{
    if (!ctx || !ctx->aead || !req || req->kid_len > EH_OSCORE_MAX_ID_LEN ||
        req->piv_len == 0 || req->piv_len > EH_OSCORE_MAX_PIV_LEN ||
        req->nonce_len != ctx->aead->nonce_len)
        return EH_ERR_ARG;
    eh_oscore_option_value ov;
    memset(&ov, 0, sizeof ov);
    uint8_t piv[EH_OSCORE_MAX_PIV_LEN], nonce[EH_MAX_AEAD_NONCE_LEN];
    const uint8_t *use_nonce = req->nonce;
    if (with_piv) {
        if (ctx->sender_seq > EH_OSCORE_MAX_SEQ)
            return EH_ERR_STATE;
        ov.piv = piv;
        ov.piv_len = osc_piv_of_seq(ctx->sender_seq, piv);
        eh_err err = eh_oscore_nonce(ctx, ctx->sender_id, ctx->sender_id_len, piv,
                                     ov.piv_len, nonce);
        if (err)
            return err;
        use_nonce = nonce;
    }
    eh_err err = osc_protect(ctx, in, out, buf, cap, EH_COAP_CODE_CHANGED, &ov, use_nonce,
                             req->kid, req->kid_len, req->piv, req->piv_len);
    if (!err && with_piv)
        ctx->sender_seq++;
    return err;
}

/* ---------------------------------------------------------- unprotect */

static bool osc_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* Shared part of §8.2 / §8.4. req is NULL for requests; st receives the
 * request state for requests. */
static eh_err osc_unprotect(eh_oscore_ctx *ctx, const eh_oscore_req_state *req,
                            const eh_coap_msg *in, eh_coap_msg *out, uint8_t *buf,
                            size_t cap, eh_oscore_req_state *st)
{
    bool is_request = req == NULL;
    if (!ctx || !ctx->aead || !in || !out || (!buf && cap) ||
        in->n_opts > EH_COAP_MAX_OPTIONS || (in->payload_len && !in->payload))
        return EH_ERR_ARG;
    const eh_coap_option *osc = NULL;
    for (size_t i = 0; i < in->n_opts; i++) {
        if (in->opts[i].number != EH_COAP_OPT_OSCORE)
            continue;
        if (osc)
            return EH_ERR_MESSAGE_FORMAT; /* OSCORE is not repeatable */
        osc = &in->opts[i];
    }
    if (!osc)
        return EH_ERR_MESSAGE_FORMAT;
    eh_oscore_option_value ov;
    eh_err err = eh_oscore_option_decode(osc->value, osc->len, &ov);
    if (err)
        return err;
    if (ov.piv_len > 1 && ov.piv[0] == 0)
        return EH_ERR_MESSAGE_FORMAT; /* Partial IV not in shortest form */
    if (is_request && (!ov.piv_len || !ov.has_kid))
        return EH_ERR_MESSAGE_FORMAT; /* §8.2 step 2 */
    if (ov.has_kid && !osc_eq(ov.kid, ov.kid_len, ctx->recipient_id, ctx->recipient_id_len))
        return EH_ERR_UNKNOWN_CREDENTIAL;
    if (ov.has_kid_context &&
        (!ctx->has_id_context ||
         !osc_eq(ov.kid_context, ov.kid_context_len, ctx->id_context, ctx->id_context_len)))
        return EH_ERR_UNKNOWN_CREDENTIAL;
    uint64_t seq = osc_seq_of_piv(ov.piv, ov.piv_len);
    if (ov.piv_len && !osc_replay_ok(ctx, seq))
        return EH_ERR_STATE; /* replay (§7.4) */

    uint8_t nonce[EH_MAX_AEAD_NONCE_LEN];
    if (ov.piv_len) {
        err = eh_oscore_nonce(ctx, ctx->recipient_id, ctx->recipient_id_len, ov.piv,
                              ov.piv_len, nonce);
        if (err)
            return err;
    } else {
        if (req->nonce_len != ctx->aead->nonce_len)
            return EH_ERR_ARG;
        memcpy(nonce, req->nonce, req->nonce_len);
    }
    uint8_t aad[OSC_AAD_CAP];
    size_t aad_len;
    if (is_request)
        err = osc_aad(ctx, ov.kid, ov.kid_len, ov.piv, ov.piv_len, aad, &aad_len);
    else if (req->kid_len > EH_OSCORE_MAX_ID_LEN || req->piv_len > EH_OSCORE_MAX_PIV_LEN)
        err = EH_ERR_ARG;
    else
        err = osc_aad(ctx, req->kid, req->kid_len, req->piv, req->piv_len, aad, &aad_len);
    if (err)
        return err;

    size_t tag = ctx->aead->tag_len;
    if (in->payload_len < tag + 1)
        return EH_ERR_MESSAGE_FORMAT; /* no room for code + tag */
    size_t pt_len = in->payload_len - tag;
    if (pt_len > cap)
        return EH_ERR_BUFFER_TOO_SMALL;
    err = ctx->aead->open(ctx->recipient_key, nonce, aad, aad_len, in->payload,
                          in->payload_len, buf);
    if (err)
        return err;

    /* Plaintext (§5.3): code, class E options, 0xFF payload. */
    eh_coap_msg res;
    memset(&res, 0, sizeof res);
    res.code = buf[0];
    uint8_t cls = res.code >> 5;
    if (is_request ? (cls != 0 || res.code == 0) : (cls < 2 || cls > 5))
        err = EH_ERR_MESSAGE_FORMAT;
    eh_coap_option inner[EH_COAP_MAX_OPTIONS];
    size_t n_inner = 0, used = 0;
    if (!err)
        err = eh_coap_options_decode(buf + 1, pt_len - 1, inner, EH_COAP_MAX_OPTIONS,
                                     &n_inner, &used);
    if (!err && 1 + used < pt_len) {
        if (2 + used == pt_len)
            err = EH_ERR_MESSAGE_FORMAT; /* marker without payload */
        res.payload = buf + 2 + used;
        res.payload_len = pt_len - 2 - used;
    }
    for (size_t i = 0; !err && i < n_inner; i++)
        if (inner[i].number == EH_COAP_OPT_OSCORE)
            err = EH_ERR_MESSAGE_FORMAT;
    /* Outer class U options (not OSCORE) plus the inner ones. */
    for (size_t i = 0; !err && i < in->n_opts; i++) {
        uint16_t num = in->opts[i].number;
        if (num == EH_COAP_OPT_OSCORE || !eh_oscore_option_is_class_u(num))
            continue; /* OSCORE consumed; outer class E ignored (§4.1.1) */
        if (res.n_opts == EH_COAP_MAX_OPTIONS)
            err = EH_ERR_UNSUPPORTED;
        else
            res.opts[res.n_opts++] = in->opts[i];
    }
    for (size_t i = 0; !err && i < n_inner; i++) {
        if (res.n_opts == EH_COAP_MAX_OPTIONS)
            err = EH_ERR_UNSUPPORTED;
        else
            res.opts[res.n_opts++] = inner[i];
    }
    if (err) {
        eh_wipe(buf, pt_len);
        return err;
    }
    /* Stable insertion sort by option number. */
    for (size_t i = 1; i < res.n_opts; i++) {
        eh_coap_option o = res.opts[i];
        size_t j = i;
        while (j > 0 && res.opts[j - 1].number > o.number) {
            res.opts[j] = res.opts[j - 1];
            j--;
        }
        res.opts[j] = o;
    }
    if (ov.piv_len)
        osc_replay_mark(ctx, seq);
    if (is_request) {
        memset(st, 0, sizeof *st);
        memcpy(st->kid, ov.kid, ov.kid_len); /* kid_len <= max: equals recipient ID */
        st->kid_len = ov.kid_len;
        memcpy(st->piv, ov.piv, ov.piv_len);
        st->piv_len = ov.piv_len;
        memcpy(st->nonce, nonce, ctx->aead->nonce_len);
        st->nonce_len = ctx->aead->nonce_len;
    }
    *out = res;
    return EH_OK;
}

eh_err eh_oscore_unprotect_request(eh_oscore_ctx *ctx, const eh_coap_msg *in,
                                   eh_coap_msg *out, uint8_t *buf, size_t cap,
                                   eh_oscore_req_state *st)
{
    if (!st)
        return EH_ERR_ARG;
    return osc_unprotect(ctx, NULL, in, out, buf, cap, st);
}

eh_err eh_oscore_unprotect_response(eh_oscore_ctx *ctx, const eh_oscore_req_state *req,
                                    const eh_coap_msg *in, eh_coap_msg *out, uint8_t *buf,
                                    size_t cap)
{
    if (!req)
        return EH_ERR_ARG;
    return osc_unprotect(ctx, req, in, out, buf, cap, NULL);
}

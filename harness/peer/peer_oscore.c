/*
 * peer_oscore.c - the OSCORE exchange after an EDHOC handshake: context
 * from the EDHOC exporter (RFC 9528 Appendix A.1), one protected request
 * to a resource and its protected response (RFC 8613 §8), and the RFC 9668
 * combined request.
 */
#include <stdio.h>
#include <string.h>

#include "peer_internal.h"

static const char hello[] = "Hello from edhoc-harness";

eh_err peer_oscore_setup(eh_session *s, eh_oscore_ctx *ctx, eh_oscore_material *m, bool swap_ids)
{
    eh_err err = eh_oscore_material_derive(s, m);
    if (err != EH_OK)
        return err;
    eh_oscore_params p;
    memset(&p, 0, sizeof p);
    p.master_secret = m->master_secret, p.master_secret_len = m->master_secret_len;
    p.master_salt = m->master_salt, p.master_salt_len = m->master_salt_len;
    p.sender_id = m->sender_id, p.sender_id_len = m->sender_id_len;
    p.recipient_id = m->recipient_id, p.recipient_id_len = m->recipient_id_len;
    if (swap_ids) { /* PEER_FAULT_OSCORE_SWAP_IDS */
        p.sender_id = m->recipient_id, p.sender_id_len = m->recipient_id_len;
        p.recipient_id = m->sender_id, p.recipient_id_len = m->sender_id_len;
    }
    p.aead_alg = m->aead_alg;
    p.hkdf = eh_hash_by_cose(m->hash_alg);
    if (p.hkdf == NULL)
        return EH_ERR_UNSUPPORTED;
    return eh_oscore_ctx_derive(ctx, &p);
}

eh_err peer_oscore_option_kid(const uint8_t *v, size_t len, uint8_t *kid, size_t *kid_len)
{
    eh_oscore_option_value ov;
    eh_err err = eh_oscore_option_decode(v, len, &ov);
    if (err != EH_OK)
        return err;
    if (!ov.has_kid || ov.kid_len > EH_MAX_CONN_ID)
        return EH_ERR_MESSAGE_FORMAT;
    memcpy(kid, ov.kid, ov.kid_len);
    *kid_len = ov.kid_len;
    return EH_OK;
}

/* "/a/b" -> Uri-Path options "a", "b" (pointing into path). */
static size_t path_options(const char *path, eh_coap_option *opts, size_t max)
{
    size_t n = 0;
    const char *p = path;
    while (*p == '/')
        p++;
    while (*p != 0 && n < max) {
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        opts[n].number = EH_COAP_OPT_URI_PATH;
        opts[n].value = (const uint8_t *)p;
        opts[n].len = len;
        n++;
        p += len;
        while (*p == '/')
            p++;
    }
    return n;
}

static void to_tr(const eh_coap_msg *m, tr_message *t)
{
    memset(t, 0, sizeof *t);
    t->code = m->code;
    t->content_format = -1;
    for (size_t i = 0; i < m->n_opts && i < TR_MAX_OPTIONS; i++) {
        t->opts[i].number = m->opts[i].number;
        t->opts[i].value = m->opts[i].value;
        t->opts[i].len = m->opts[i].len;
        t->n_opts++;
    }
    t->payload = m->payload;
    t->payload_len = m->payload_len;
}

static void from_tr(const tr_message *t, eh_coap_msg *m)
{
    memset(m, 0, sizeof *m);
    m->code = t->code;
    for (size_t i = 0; i < t->n_opts && i < EH_COAP_MAX_OPTIONS; i++) {
        m->opts[m->n_opts].number = t->opts[i].number;
        m->opts[m->n_opts].value = t->opts[i].value;
        m->opts[m->n_opts].len = t->opts[i].len;
        m->n_opts++;
    }
    m->payload = t->payload;
    m->payload_len = t->payload_len;
}

eh_err peer_oscore_request(eh_oscore_ctx *ctx, const char *resource, const uint8_t *m3,
                           size_t m3_len, tr_message *req, uint8_t *buf, size_t cap,
                           peer_oscore_req *st)
{
    eh_coap_msg in, out;
    memset(&in, 0, sizeof in);
    in.code = EH_COAP_CODE_GET;
    in.n_opts = path_options(resource, in.opts, EH_COAP_MAX_OPTIONS);
    eh_err err = eh_oscore_protect_request(ctx, &in, &out, buf, cap, &st->st);
    if (err != EH_OK)
        return err;
    to_tr(&out, req);
    if (m3 != NULL) {
        /* RFC 9668 §3.2.1: COMB_PAYLOAD = EDHOC_MSG_3 || OSCORE ciphertext,
         * with the (empty) EDHOC option. */
        if (m3_len + out.payload_len > sizeof st->combined || req->n_opts >= TR_MAX_OPTIONS)
            return EH_ERR_BUFFER_TOO_SMALL;
        memcpy(st->combined, m3, m3_len);
        memcpy(st->combined + m3_len, out.payload, out.payload_len);
        req->payload = st->combined;
        req->payload_len = m3_len + out.payload_len;
        req->opts[req->n_opts].number = TR_OPTION_EDHOC;
        req->opts[req->n_opts].value = NULL;
        req->opts[req->n_opts].len = 0;
        req->n_opts++;
    }
    return EH_OK;
}

eh_err peer_oscore_check_response(eh_oscore_ctx *ctx, const peer_oscore_req *st,
                                  const tr_message *resp, char *what, size_t cap)
{
    eh_coap_msg in, out;
    uint8_t plain[TR_MAX_BODY];
    from_tr(resp, &in);
    if (eh_coap_find_option(&in, EH_COAP_OPT_OSCORE) < 0) {
        snprintf(what, cap, "CoAP %d.%02d without OSCORE option", resp->code >> 5,
                 resp->code & 31);
        return EH_ERR_MESSAGE_FORMAT;
    }
    eh_err err = eh_oscore_unprotect_response(ctx, &st->st, &in, &out, plain, sizeof plain);
    if (err != EH_OK) {
        snprintf(what, cap, "does not verify (%s)", eh_err_name(err));
        return err;
    }
    snprintf(what, cap, "%d.%02d \"%.*s\"", out.code >> 5, out.code & 31,
             (int)(out.payload_len < 64 ? out.payload_len : 64), (const char *)out.payload);
    return (out.code >> 5) == 2 ? EH_OK : EH_ERR_MESSAGE_FORMAT;
}

static bool path_matches(const eh_coap_msg *m, const char *resource)
{
    char path[256] = "";
    size_t k = 0;
    for (size_t i = 0; i < m->n_opts; i++) {
        if (m->opts[i].number != EH_COAP_OPT_URI_PATH)
            continue;
        int w = snprintf(path + k, sizeof path - k, "/%.*s", (int)m->opts[i].len,
                         (const char *)m->opts[i].value);
        if (w < 0 || (size_t)w >= sizeof path - k)
            return false;
        k += (size_t)w;
    }
    const char *r = resource;
    while (r[0] == '/' && r[1] == '/')
        r++;
    return strcmp(path, r) == 0;
}

eh_err peer_oscore_serve(eh_oscore_ctx *ctx, const tr_message *req, const char *resource,
                         uint8_t *out, size_t cap, size_t *n, uint8_t *code, tr_option *opts,
                         size_t *n_opts)
{
    eh_coap_msg in, plain, inner, outer;
    eh_oscore_req_state st;
    uint8_t pbuf[TR_MAX_BODY], obuf[TR_MAX_BODY];
    from_tr(req, &in);
    eh_err err = eh_oscore_unprotect_request(ctx, &in, &plain, pbuf, sizeof pbuf, &st);
    if (err != EH_OK)
        return err;
    memset(&inner, 0, sizeof inner);
    bool found = (plain.code == EH_COAP_CODE_GET || plain.code == EH_COAP_CODE_POST) &&
                 path_matches(&plain, resource);
    inner.code = found ? EH_COAP_CODE_CONTENT : EH_COAP_CODE(4, 4);
    if (found) {
        inner.payload = (const uint8_t *)hello;
        inner.payload_len = sizeof hello - 1;
    }
    err = eh_oscore_protect_response(ctx, &st, false, &inner, &outer, obuf, sizeof obuf);
    if (err != EH_OK)
        return err;
    if (outer.payload_len > cap)
        return EH_ERR_BUFFER_TOO_SMALL;
    memcpy(out, outer.payload, outer.payload_len);
    *n = outer.payload_len;
    *code = outer.code;
    *n_opts = 0;
    for (size_t i = 0; i < outer.n_opts && i < TR_MAX_OPTIONS; i++) {
        if (outer.opts[i].len != 0) /* only value-less options outlive obuf */
            return EH_ERR_UNSUPPORTED;
        opts[i].number = outer.opts[i].number;
        opts[i].value = NULL;
        opts[i].len = 0;
        (*n_opts)++;
    }
    return EH_OK;
}

peer_oscore_outcome peer_oscore_client_check(eh_session *s, const char *resource,
                                             const uint8_t *m3, size_t m3_len,
                                             peer_exchange_fn exchange, void *arg,
                                             peer_log *log, uint8_t *buf, size_t cap,
                                             uint8_t *rbuf, size_t rcap, tr_message *resp,
                                             eh_oscore_material *m, tr_status *st, char *what,
                                             size_t what_cap)
{
    eh_oscore_ctx ctx;
    peer_oscore_req rq;
    tr_message req;
    peer_oscore_outcome out = PEER_OSCORE_LOCAL;
    what[0] = 0;
    eh_err err = peer_oscore_setup(s, &ctx, m, false);
    if (err != EH_OK) {
        snprintf(what, what_cap, "cannot derive the OSCORE context: %s", eh_err_name(err));
        return err == EH_ERR_UNSUPPORTED && m3 == NULL ? PEER_OSCORE_UNSUPPORTED
                                                       : PEER_OSCORE_LOCAL;
    }
    if (peer_oscore_request(&ctx, resource, m3, m3_len, &req, buf, cap, &rq) != EH_OK) {
        snprintf(what, what_cap, "cannot protect the OSCORE request");
        goto done;
    }
    if (log)
        peer_log_wire(log, "sent", m3 ? "message_3+oscore_request" : "oscore_request",
                      req.payload, req.payload_len, req.code);
    *st = exchange(arg, &req, resp, rbuf, rcap);
    if (*st != TR_OK) {
        out = PEER_OSCORE_TRANSPORT;
        goto done;
    }
    if (log)
        peer_log_wire(log, "received", "oscore_response", resp->payload, resp->payload_len,
                      resp->code);
    out = peer_oscore_check_response(&ctx, &rq, resp, what, what_cap) == EH_OK
              ? PEER_OSCORE_OK
              : PEER_OSCORE_BAD_RESPONSE;
done:
    eh_oscore_ctx_clear(&ctx);
    return out;
}

/*
 * coap_server.c - the CoAP server of the transport (see coap.h).
 *
 * One libcoap context with one UDP endpoint and two resources that share
 * one libcoap handler: ".well-known/edhoc" and libcoap's "unknown"
 * resource. In libcoap 4.3.1 a request whose path matches no resource goes
 * to the unknown resource whenever a handler for its method is registered
 * there (not only PUT), and a request without Uri-Path has the empty path,
 * which matches no resource here, so it lands there too. The only path
 * libcoap answers itself is GET /.well-known/core (and a request carrying
 * Proxy-Uri/Proxy-Scheme, which would need a proxy resource).
 *
 * Suppressing a response (handler code 0): the response PDU libcoap
 * prepared is left with code 0 (COAP_EMPTY_CODE). For a CON request
 * libcoap then strips the token and sends an empty ACK; for a NON request
 * it sends nothing (CON checked by the unit tests, NON checked by hand).
 *
 * Sizes (UDP): libcoap parses a datagram into a PDU of the session's MTU
 * at most, which is COAP_DEFAULT_MTU (1152 bytes, RFC 7252 §4.6) unless set,
 * and answers a larger one with a Reset of Message ID 0. The endpoint's
 * MTU is therefore raised to libcoap's receive buffer, COAP_RXBUFFER_SIZE
 * (1472 bytes in 4.3.1): the harness takes every request datagram up to
 * that size (TR_COAP_MAX_DATAGRAM, coap.h), and one larger is cut by the
 * buffer and dropped by server_guard, which names both sizes. Responses
 * stay within 1152 bytes (a longer body goes by Block2): the MTU is lowered
 * while a response is built and raised again for the next request.
 *
 * Duplicates: libcoap 4.3.1 keeps no response cache for requests, so a
 * retransmission (the client's ACK timer ran out before the response
 * came, or the response was lost) would call the handler again with the
 * same request, and the peer layer would judge one EDHOC message twice.
 * RFC 7252 §4.5 asks a server to process a request only once: over UDP the
 * server remembers the last DEDUP_SLOTS requests by client endpoint and
 * Message ID, for EXCHANGE_LIFETIME, with the response built for them; a
 * duplicate Confirmable request gets that response again, a duplicate
 * Non-confirmable one nothing, and neither reaches the handler
 * (tr_coap_server_duplicates() counts them). A request the client means as
 * a new one (EDHOC's own repetition, §7) has a new Message ID.
 */
#include "coap.h"

#include <coap3/coap.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coap_internal.h"
#include "port_own.h"
#include "udp.h"
#include "wire_tap.h"

#define PATH_CAP 1024
#define DEDUP_SLOTS 8
#define EXCHANGE_LIFETIME_MS 247000 /* RFC 7252 §4.8.2, default parameters */

/* A request served over UDP, and the response built for it (owned copies). */
typedef struct dedup_entry {
    bool used;
    coap_address_t from;
    coap_mid_t mid;
    int64_t at_ms;
    tr_message resp; /* payload and option values point into blob */
    uint8_t *blob;
    uint8_t *req;    /* one_client: the request's token, then its payload */
    size_t token_len, req_len;
} dedup_entry;

_Static_assert(TR_COAP_MAX_DATAGRAM == COAP_RXBUFFER_SIZE, "libcoap's receive buffer");

struct tr_coap_server {
    coap_context_t *ctx;
    coap_endpoint_t *ep;
    uint16_t port;
    tr_coap_proto proto;
    /* the guard (coap.c, top) since tr_coap_server_detail() was last
     * called: what it dropped before libcoap saw it */
    unsigned n_signaling, n_too_large, n_not_coap;
    uint8_t signaling_code;
    char too_large[200];
    char detail[500];
    tr_coap_handler handler;
    void *arg;
    char path[PATH_CAP];
    dedup_entry dedup[DEDUP_SLOTS];
    size_t dedup_next;
    unsigned n_duplicates;
    bool one_client; /* tr_coap_server_one_client */
};

static void dedup_clear(dedup_entry *e)
{
    free(e->blob);
    free(e->req);
    memset(e, 0, sizeof *e);
}

/* A request as the dedup cache sees it beyond its endpoint and Message ID. */
typedef struct dedup_key {
    const uint8_t *token, *payload;
    size_t token_len, payload_len;
} dedup_key;

static bool same_request(const dedup_entry *e, const dedup_key *k)
{
    return e->req != NULL && e->token_len == k->token_len &&
           e->req_len == k->token_len + k->payload_len &&
           (k->token_len == 0 || memcmp(e->req, k->token, k->token_len) == 0) &&
           (k->payload_len == 0 || memcmp(e->req + k->token_len, k->payload, k->payload_len) == 0);
}

/* The entry of an earlier request with this endpoint and Message ID; with
 * one client, also one from another endpoint with the same Message ID,
 * token and payload: the client's address changed between the request and
 * its retransmission (a NAT rebinding), the datagram did not. */
static dedup_entry *dedup_find(tr_coap_server *s, const coap_address_t *from, coap_mid_t mid,
                               const dedup_key *k)
{
    int64_t now = tr_now_ms();
    dedup_entry *moved = NULL;
    for (size_t i = 0; i < DEDUP_SLOTS; i++) {
        dedup_entry *e = &s->dedup[i];
        if (e->used && now - e->at_ms > EXCHANGE_LIFETIME_MS)
            dedup_clear(e);
        if (e->used && e->mid == mid && coap_address_equals(&e->from, from))
            return e;
        if (e->used && e->mid == mid && s->one_client && moved == NULL && same_request(e, k))
            moved = e;
    }
    return moved;
}

/* Remember the request and a copy of its response (the oldest entry goes).
 * Without memory for the copy the request is not remembered: a duplicate
 * then reaches the handler, as it did before this cache. */
static void dedup_store(tr_coap_server *s, const coap_address_t *from, coap_mid_t mid,
                        const dedup_key *key, const tr_message *resp)
{
    dedup_entry *e = &s->dedup[s->dedup_next];
    s->dedup_next = (s->dedup_next + 1) % DEDUP_SLOTS;
    dedup_clear(e);
    if (s->one_client && (e->req = malloc(key->token_len + key->payload_len + 1)) != NULL) {
        if (key->token_len)
            memcpy(e->req, key->token, key->token_len);
        if (key->payload_len)
            memcpy(e->req + key->token_len, key->payload, key->payload_len);
        e->token_len = key->token_len, e->req_len = key->token_len + key->payload_len;
    }
    size_t plen = resp->payload ? resp->payload_len : 0, total = plen;
    size_t n_opts = resp->n_opts < TR_MAX_OPTIONS ? resp->n_opts : TR_MAX_OPTIONS;
    for (size_t i = 0; i < n_opts; i++)
        total += resp->opts[i].len;
    e->blob = malloc(total ? total : 1);
    if (!e->blob)
        return;
    e->resp = *resp;
    e->resp.uri_path = NULL;
    size_t k = 0;
    if (plen) {
        memcpy(e->blob, resp->payload, plen);
        e->resp.payload = e->blob;
        k = plen;
    }
    for (size_t i = 0; i < n_opts; i++) {
        if (resp->opts[i].len)
            memcpy(e->blob + k, resp->opts[i].value, resp->opts[i].len);
        e->resp.opts[i].value = e->blob + k;
        k += resp->opts[i].len;
    }
    e->resp.n_opts = n_opts;
    e->from = *from;
    e->mid = mid;
    e->at_ms = tr_now_ms();
    e->used = true;
}

static void add_response_options(coap_pdu_t *response, const tr_message *m, bool with_cf)
{
    coap_optlist_t *list = NULL;
    bool ok = true;
    if (with_cf && m->content_format >= 0) {
        uint8_t b[4];
        unsigned n = coap_encode_var_safe(b, sizeof b, (unsigned)m->content_format);
        coap_optlist_t *o = coap_new_optlist(COAP_OPTION_CONTENT_FORMAT, n, b);
        ok = o && coap_insert_optlist(&list, o);
    }
    for (size_t i = 0; ok && i < m->n_opts && i < TR_MAX_OPTIONS; i++) {
        coap_optlist_t *o = coap_new_optlist(m->opts[i].number, m->opts[i].len, m->opts[i].value);
        ok = o && coap_insert_optlist(&list, o);
    }
    if (ok && list)
        ok = coap_add_optlist_pdu(response, &list) != 0;
    if (!ok)
        fprintf(stderr, "coap server: cannot add response options\n");
    coap_delete_optlist(list);
}

static void release_copy(coap_session_t *session, void *p)
{
    (void)session;
    free(p);
}

static void fill_response(coap_resource_t *resource, coap_session_t *session,
                          const coap_pdu_t *request, const coap_string_t *query,
                          coap_pdu_t *response, const tr_message *m)
{
    coap_pdu_set_code(response, (coap_pdu_code_t)m->code);
    size_t len = m->payload_len <= TR_MAX_BODY ? m->payload_len : 0;
    if (len == 0 || !m->payload) {
        add_response_options(response, m, true);
        return;
    }
    /* Small body without Content-Format: coap_add_data_large_response()
     * always adds a Content-Format, so add the data directly if it fits. */
    if (m->content_format < 0) {
        add_response_options(response, m, false);
        if (len + 64 <= coap_session_max_pdu_size(session)) {
            if (!coap_add_data(response, len, m->payload))
                fprintf(stderr, "coap server: cannot add the payload\n");
            return;
        }
        fprintf(stderr, "coap server: large body without Content-Format sent "
                        "with Content-Format 0 (libcoap 4.3.1 limitation)\n");
    } else {
        add_response_options(response, m, false);
    }
    uint8_t *copy = malloc(len);
    if (!copy) {
        coap_pdu_set_code(response, COAP_RESPONSE_CODE_INTERNAL_ERROR);
        return;
    }
    memcpy(copy, m->payload, len);
    uint16_t cf = m->content_format >= 0 ? (uint16_t)m->content_format : 0;
    if (!coap_add_data_large_response(resource, session, request, response, query, cf, -1, 0,
                                      len, copy, release_copy, copy)) {
        fprintf(stderr, "coap server: cannot add the large payload\n");
        coap_pdu_set_code(response, COAP_RESPONSE_CODE_INTERNAL_ERROR);
    }
}

/* fill_response within the MTU of RFC 7252 §4.6 (top of the file). */
static void fill_response_1152(coap_resource_t *resource, coap_session_t *session,
                               const coap_pdu_t *request, const coap_string_t *query,
                               coap_pdu_t *response, const tr_message *m)
{
    bool udp = coap_session_get_proto(session) == COAP_PROTO_UDP;
    if (udp)
        coap_session_set_mtu(session, COAP_DEFAULT_MTU);
    fill_response(resource, session, request, query, response, m);
    if (udp)
        coap_session_set_mtu(session, TR_COAP_MAX_DATAGRAM);
}

static void server_handler(coap_resource_t *resource, coap_session_t *session,
                           const coap_pdu_t *request, const coap_string_t *query,
                           coap_pdu_t *response)
{
    tr_coap_server *s = coap_get_app_data(coap_session_get_context(session));
    bool udp = coap_session_get_proto(session) == COAP_PROTO_UDP;
    const coap_address_t *from = coap_session_get_addr_remote(session);
    coap_mid_t mid = coap_pdu_get_mid(request);
    coap_bin_const_t tok = coap_pdu_get_token(request);
    dedup_key key = {.token = tok.s, .token_len = tok.length};
    coap_get_data(request, &key.payload_len, &key.payload);
    if (udp && from) {
        const dedup_entry *e = dedup_find(s, from, mid, &key);
        if (e) {
            s->n_duplicates++;
            if (coap_pdu_get_type(request) == COAP_MESSAGE_CON && e->resp.code != 0)
                fill_response_1152(resource, session, request, query, response, &e->resp);
            else
                coap_pdu_set_code(response, COAP_EMPTY_CODE);
            return;
        }
    }
    tr_message req;
    memset(&req, 0, sizeof req);
    req.code = (uint8_t)coap_pdu_get_code(request);
    req.content_format = -1;

    size_t plen = 0;
    bool has_path = false, too_many = false, path_long = false;
    coap_opt_iterator_t it;
    coap_opt_t *opt;
    coap_option_iterator_init(request, &it, COAP_OPT_ALL);
    while ((opt = coap_option_next(&it)) != NULL) {
        uint16_t num = it.number;
        const uint8_t *v = coap_opt_value(opt);
        size_t n = coap_opt_length(opt);
        if (num == COAP_OPTION_URI_PATH) {
            if (plen + 1 + n >= PATH_CAP) {
                path_long = true;
                continue;
            }
            s->path[plen++] = '/';
            memcpy(s->path + plen, v, n);
            plen += n;
            has_path = true;
        } else if (num == COAP_OPTION_CONTENT_FORMAT) {
            req.content_format = (int)coap_decode_var_bytes(v, n);
        } else if (!tr_coap__transport_option(num)) {
            if (req.n_opts < TR_MAX_OPTIONS)
                req.opts[req.n_opts++] = (tr_option){num, v, n};
            else
                too_many = true;
        }
    }
    s->path[plen] = '\0';
    req.uri_path = has_path ? s->path : NULL;

    size_t len = 0, offset = 0, total = 0;
    const uint8_t *data = NULL;
    if (coap_get_data_large(request, &len, &data, &offset, &total)) {
        if (offset != 0 || total != len || len > TR_MAX_BODY) {
            coap_pdu_set_code(response, COAP_RESPONSE_CODE_REQUEST_TOO_LARGE);
            return;
        }
        req.payload = data;
        req.payload_len = len;
    }
    if (path_long) {
        coap_pdu_set_code(response, COAP_RESPONSE_CODE(414));
        return;
    }
    if (too_many) {
        coap_pdu_set_code(response, COAP_RESPONSE_CODE_BAD_OPTION);
        return;
    }

    char peer[64];
    size_t pn = coap_print_addr(coap_session_get_addr_remote(session), (unsigned char *)peer,
                                sizeof peer - 1);
    peer[pn < sizeof peer ? pn : sizeof peer - 1] = '\0';

    tr_message resp;
    memset(&resp, 0, sizeof resp);
    resp.content_format = -1;
    s->handler(s->arg, &req, peer, &resp);
    if (udp && from)
        dedup_store(s, from, mid, &key, &resp);

    if (resp.code == 0) {
        coap_pdu_set_code(response, COAP_EMPTY_CODE); /* empty ACK / nothing */
        return;
    }
    fill_response_1152(resource, session, request, query, response, &resp);
}

static void register_all(coap_resource_t *r)
{
    static const coap_request_t methods[] = {
        COAP_REQUEST_GET,   COAP_REQUEST_POST,  COAP_REQUEST_PUT,   COAP_REQUEST_DELETE,
        COAP_REQUEST_FETCH, COAP_REQUEST_PATCH, COAP_REQUEST_IPATCH};
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        coap_register_handler(r, methods[i], server_handler);
}

/* The bound port, from libcoap's description of the endpoint
 * ("127.0.0.1:5683 UDP", "[::1]:5683 UDP"): the endpoint is opaque in
 * 4.3.1, and its bind address holds the port getsockname() reported. */
static uint16_t endpoint_port(const coap_endpoint_t *ep)
{
    const char *d = coap_endpoint_str(ep);
    const char *sp = d ? strchr(d, ' ') : NULL;
    const char *colon = NULL;
    for (const char *p = d; p && p < sp; p++)
        if (*p == ':')
            colon = p;
    if (!colon)
        return 0;
    unsigned long v = strtoul(colon + 1, NULL, 10);
    return v <= 65535 ? (uint16_t)v : 0;
}

/* A UDP endpoint on addr that no other socket shares (port_own.h); with
 * any_port, on a port chosen here (a few tries when another socket took
 * it meanwhile). NULL when addr cannot be bound or is shared. */
static coap_endpoint_t *udp_endpoint_own(coap_context_t *ctx, coap_address_t *addr, bool any_port)
{
    for (int i = 0; i < 8; i++) {
        if (any_port) {
            int port = tr_port_unused(&addr->addr.sa, addr->size);
            if (port <= 0)
                return NULL;
            coap_address_set_port(addr, (uint16_t)port);
        }
        coap_endpoint_t *ep = coap_new_endpoint(ctx, addr, COAP_PROTO_UDP);
        if (ep == NULL)
            return NULL;
        if (tr_port_own(&addr->addr.sa, addr->size))
            return ep;
        coap_free_endpoint(ep);
        if (!any_port)
            return NULL;
    }
    return NULL;
}

eh_err tr_coap_server_open(tr_coap_server **out, const char *host, uint16_t port,
                           tr_coap_handler handler, void *arg)
{
    return tr_coap_server_open_proto(out, host, port, TR_COAP_UDP, handler, arg);
}

eh_err tr_coap_server_open_proto(tr_coap_server **out, const char *host, uint16_t port,
                                 tr_coap_proto proto, tr_coap_handler handler, void *arg)
{
    if (!out || !handler)
        return EH_ERR_ARG;
    *out = NULL;
    tr_coap__startup();
    if (proto == TR_COAP_TCP && !coap_tcp_is_supported())
        return EH_ERR_UNSUPPORTED;
    coap_address_t addr;
    eh_err err = tr_coap__resolve(host, port, &addr);
    if (err)
        return err;
    tr_coap_server *s = calloc(1, sizeof *s);
    if (!s)
        return EH_ERR_UNSUPPORTED;
    s->handler = handler;
    s->arg = arg;
    s->proto = proto;
    s->ctx = coap_new_context(NULL);
    if (!s->ctx) {
        free(s);
        return EH_ERR_UNSUPPORTED;
    }
    coap_set_app_data(s->ctx, s);
    coap_context_set_block_mode(s->ctx, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
    coap_register_option(s->ctx, TR_OPTION_OSCORE);
    coap_register_option(s->ctx, TR_OPTION_EDHOC);

    if (proto == TR_COAP_TCP)
        s->ep = coap_new_endpoint(s->ctx, &addr, COAP_PROTO_TCP);
    else
        s->ep = udp_endpoint_own(s->ctx, &addr, port == 0);
    if (s->ep != NULL && proto == TR_COAP_UDP)
        coap_endpoint_set_default_mtu(s->ep, TR_COAP_MAX_DATAGRAM);
    static const char wk[] = ".well-known/edhoc";
    /* A heap copy released with the resource (coap_make_str_const() uses a
     * static ring buffer, not safe with a second thread). */
    coap_str_const_t *uri = coap_new_str_const((const uint8_t *)wk, sizeof wk - 1);
    coap_resource_t *edhoc = uri ? coap_resource_init(uri, COAP_RESOURCE_FLAGS_RELEASE_URI) : NULL;
    if (uri && !edhoc)
        coap_delete_str_const(uri);
    coap_resource_t *unknown = coap_resource_unknown_init2(server_handler, 0);
    if (edhoc) {
        register_all(edhoc);
        coap_add_resource(s->ctx, edhoc);
    }
    if (unknown) {
        register_all(unknown);
        coap_add_resource(s->ctx, unknown);
    }
    s->port = s->ep ? endpoint_port(s->ep) : 0;
    if (!s->ep || !edhoc || !unknown || s->port == 0) {
        err = s->ep ? EH_ERR_UNSUPPORTED : EH_ERR_ARG; /* no endpoint: cannot bind */
        tr_coap_server_close(s);
        return err;
    }
    *out = s;
    return EH_OK;
}

uint16_t tr_coap_server_port(const tr_coap_server *s)
{
    return s ? s->port : 0;
}

/* The receive filter while a UDP server runs (coap.c, top): datagrams
 * without a CoAP header and signaling codes are dropped, and so are a
 * datagram cut to libcoap's receive buffer and a Block1 request whose body
 * (Size1, or the block's end) goes past TR_MAX_BODY, before libcoap
 * allocates it. */
static bool server_guard(void *arg, const uint8_t *d, size_t n, size_t len)
{
    tr_coap_server *s = arg;
    tr_coap__peek p;
    if (len > n) {
        if (s->n_too_large++ == 0)
            snprintf(s->too_large, sizeof s->too_large, "a datagram of %zu bytes, over the %zu "
                     "bytes the CoAP layer reads", len, n);
        return true;
    }
    if (tr_coap__not_coap_at_all(d, n)) {
        s->n_not_coap++;
        return true; /* no Reset for it (coap_internal.h) */
    }
    if (!tr_coap__peek_parse(d, n, &p))
        return false;
    if (p.code >> 5 == 7) {
        if (s->n_signaling++ == 0)
            s->signaling_code = p.code;
        return true;
    }
    if (p.code >> 5 != 0 || !p.block1)
        return false;
    bool announced = p.size1 && p.size1_value > TR_MAX_BODY;
    if (!announced && tr_coap__block_end(p.block1_value, p.payload_len) <= TR_MAX_BODY)
        return false;
    if (s->n_too_large++ == 0) {
        if (announced)
            snprintf(s->too_large, sizeof s->too_large, "a Block1 request announcing a body of "
                     "%" PRIu64 " bytes (Size1), over the %d bytes the harness takes",
                     p.size1_value, TR_MAX_BODY);
        else
            snprintf(s->too_large, sizeof s->too_large, "a Block1 request (block %" PRIu32
                     ") whose body goes past the %d bytes the harness takes",
                     p.block1_value >> 4, TR_MAX_BODY);
    }
    return true;
}

const char *tr_coap_server_detail(tr_coap_server *s, bool *too_large)
{
    size_t k = 0;
    if (too_large)
        *too_large = s && s->n_too_large > 0;
    if (!s)
        return "";
    s->detail[0] = 0;
    if (s->n_too_large)
        k += (size_t)snprintf(s->detail, sizeof s->detail, "%u request%s dropped (the first: %s)",
                              s->n_too_large, s->n_too_large > 1 ? "s" : "", s->too_large);
    if (s->n_signaling && k < sizeof s->detail)
        k += (size_t)snprintf(s->detail + k, sizeof s->detail - k, "%s%u CoAP signaling "
                              "message%s (the first %d.%02d) ignored: they exist only over "
                              "reliable transports (RFC 8323 §5)",
                              k ? "; " : "", s->n_signaling, s->n_signaling > 1 ? "s" : "",
                              s->signaling_code >> 5, s->signaling_code & 31);
    if (s->n_not_coap && k < sizeof s->detail)
        snprintf(s->detail + k, sizeof s->detail - k, "%s%u datagram%s ignored for not being "
                 "CoAP messages (RFC 7252 §3)", k ? "; " : "", s->n_not_coap,
                 s->n_not_coap > 1 ? "s" : "");
    s->n_signaling = s->n_too_large = s->n_not_coap = 0;
    return s->detail;
}

void tr_coap_server_one_client(tr_coap_server *s, bool on)
{
    if (s)
        s->one_client = on;
}

unsigned tr_coap_server_duplicates(tr_coap_server *s)
{
    unsigned n = s ? s->n_duplicates : 0;
    if (s)
        s->n_duplicates = 0;
    return n;
}

eh_err tr_coap_server_run(tr_coap_server *s, int timeout_ms)
{
    if (!s)
        return EH_ERR_ARG;
    if (timeout_ms < 0)
        timeout_ms = 0;
    /* COAP_IO_NO_WAIT for 0: coap_io_process(ctx, 0) would block. */
    uint32_t t = timeout_ms == 0 ? COAP_IO_NO_WAIT : (uint32_t)timeout_ms;
    if (s->proto == TR_COAP_UDP)
        tr_tap_set_filter(server_guard, s);
    int rc = coap_io_process(s->ctx, t);
    tr_tap_set_filter(NULL, NULL);
    return rc < 0 ? EH_ERR_UNSUPPORTED : EH_OK;
}

void tr_coap_server_close(tr_coap_server *s)
{
    if (!s)
        return;
    coap_free_context(s->ctx); /* frees endpoint, sessions and resources */
    for (size_t i = 0; i < DEDUP_SLOTS; i++)
        dedup_clear(&s->dedup[i]);
    free(s);
}

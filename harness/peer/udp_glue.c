/*
 * udp_glue.c - raw UDP for the peer layer: EDHOC messages travel as bare
 * datagrams (with the Appendix A.2 prefixes), the OSCORE request and
 * response (and the RFC 9668 combined request) as CoAP datagrams of our
 * own minimal framing (harness/oscore/coap_codec.h).
 */
#include <stdlib.h>
#include <string.h>

#include "../cbor/cbor.h"
#include "peer.h"

static bool has_opt(const tr_message *m, uint16_t n)
{
    for (size_t i = 0; i < m->n_opts; i++)
        if (m->opts[i].number == n)
            return true;
    return false;
}

/* A late copy of the previous answer: the server answered each copy of a
 * retransmitted request (at most `late` such copies), or a duplicate
 * reached us (a copy of the previous answer can only answer the same
 * request again, never a different one). Dropped. */
static bool late_duplicate(peer_udp_client *uc, const uint8_t *d, size_t n)
{
    if (!uc->has_last || n != uc->last_len || memcmp(d, uc->last, n) != 0)
        return false;
    if (uc->late > 0) {
        uc->late--;
        return true;
    }
    return !uc->same_request;
}

/* What the drain drops: a late copy counts against `late`. */
static bool drain_seen(void *arg, const uint8_t *d, size_t n)
{
    peer_udp_client *uc = arg;
    if (uc->late > 0 && uc->has_last && n == uc->last_len && memcmp(d, uc->last, n) == 0)
        uc->late--;
    return false;
}

/* Accepts what answers the request in flight: for a CoAP request a CoAP
 * response with its token, else anything but a late duplicate. */
static bool answers_request(void *arg, const uint8_t *d, size_t n)
{
    peer_udp_client *uc = arg;
    eh_coap_udp_hdr h;
    eh_coap_msg m;
    if (uc->coap_in_flight && eh_coap_udp_decode(d, n, &h, &m) == EH_OK)
        return h.token_len == sizeof uc->token && memcmp(h.token, uc->token, h.token_len) == 0;
    return uc->keep_copies || !late_duplicate(uc, d, n);
}

tr_status peer_udp_exchange(void *arg, const tr_message *req, tr_message *resp, uint8_t *buf,
                            size_t cap)
{
    peer_udp_client *uc = arg;
    size_t n = 0;
    bool coap = has_opt(req, TR_OPTION_OSCORE);
    const uint8_t *out = req->payload;
    size_t out_len = req->payload_len;
    memset(resp, 0, sizeof *resp);
    resp->content_format = -1;
    /* Whatever is queued answers an earlier request (lockstep); with the fault
     * reprocess-message-2 it is taken for the next answer. */
    if (!uc->keep_copies)
        tr_udp_drain(&uc->u, buf, cap, drain_seen, uc);
    uc->coap_in_flight = coap;
    if (coap) {
        eh_coap_msg m;
        uc->mid++;
        uc->token[0] = (uint8_t)(uc->mid >> 8), uc->token[1] = (uint8_t)uc->mid;
        eh_coap_udp_hdr h = {EH_COAP_CON, uc->mid, uc->token, sizeof uc->token};
        memset(&m, 0, sizeof m);
        m.code = req->code;
        for (size_t i = 0; i < req->n_opts; i++)
            m.opts[m.n_opts++] = (eh_coap_option){req->opts[i].number, req->opts[i].value,
                                                  req->opts[i].len};
        m.payload = req->payload, m.payload_len = req->payload_len;
        if (eh_coap_udp_encode(&h, &m, uc->dgram, sizeof uc->dgram, &out_len) != EH_OK)
            return TR_ERROR;
        out = uc->dgram;
    }
    uc->same_request = out_len == uc->last_req_len && memcmp(out, uc->last_req, out_len) == 0;
    /* first wait timeout/7, then doubled twice: the sum stays in the bound;
     * once: one copy, the whole bound */
    int sends = 0;
    bool once = uc->once;
    uc->once = false;
    tr_status st = tr_udp_exchange(&uc->u, out, out_len, buf, cap, &n,
                                   once ? uc->timeout_ms : uc->timeout_ms / 7, once ? 0 : 2,
                                   answers_request, uc, &sends);
    if (st != TR_OK)
        return st;
    uc->last_len = n <= sizeof uc->last ? n : 0;
    memcpy(uc->last, buf, uc->last_len);
    uc->has_last = true;
    uc->late = sends - 1;
    uc->last_req_len = out_len <= sizeof uc->last_req ? out_len : 0;
    memcpy(uc->last_req, out, uc->last_req_len);
    if (coap) {
        eh_coap_udp_hdr h;
        eh_coap_msg m;
        if (eh_coap_udp_decode(buf, n, &h, &m) != EH_OK) {
            /* not CoAP: an EDHOC error datagram (e.g. message_3 rejected) */
            resp->code = TR_CODE_BAD_REQUEST;
            resp->payload = buf, resp->payload_len = n;
            return TR_OK;
        }
        resp->code = m.code;
        for (size_t i = 0; i < m.n_opts && i < TR_MAX_OPTIONS; i++)
            resp->opts[resp->n_opts++] = (tr_option){m.opts[i].number, m.opts[i].value,
                                                     m.opts[i].len};
        resp->payload = m.payload, resp->payload_len = m.payload_len;
        return TR_OK;
    }
    /* An EDHOC error message starts with an int; everything else is the
     * next EDHOC message (or the empty acknowledgement of message_3). */
    resp->code = n > 0 && (buf[0] >> 5) <= 1 ? TR_CODE_BAD_REQUEST : TR_CODE_CHANGED;
    resp->payload = buf, resp->payload_len = n;
    return TR_OK;
}

/* Is the datagram one CBOR bstr (a bare message_3), or a C_R prefix (an int
 * or a bstr) followed by one bstr (message_3) or by an int and one item (an
 * error message)? 1: bare; 2: prefixed (*c_r, *c_r_len set); 0: neither. */
static int edhoc_shape(const uint8_t *d, size_t n, uint8_t *c_r, size_t *c_r_len)
{
    eh_cbor_reader r;
    const uint8_t *id;
    int64_t v;
    eh_cbor_reader_init(&r, d, n);
    r.lenient = true;
    int major = eh_cbor_peek_major(&r);
    if (major == EH_CBOR_BSTR) {
        if (eh_cbor_read_bstr(&r, &id, c_r_len) != EH_OK)
            return 0;
        if (eh_cbor_at_end(&r))
            return 1;
        if (*c_r_len > EH_MAX_CONN_ID)
            return 0;
        memcpy(c_r, id, *c_r_len);
    } else if ((major == EH_CBOR_UINT || major == EH_CBOR_NEGINT) &&
               eh_cbor_read_int(&r, &v) == EH_OK && r.pos == 1) {
        c_r[0] = d[0], *c_r_len = 1;
    } else {
        return 0;
    }
    major = eh_cbor_peek_major(&r);
    if ((major == EH_CBOR_UINT || major == EH_CBOR_NEGINT) && eh_cbor_read_int(&r, &v) != EH_OK)
        return 0;
    if (major != EH_CBOR_BSTR && major != EH_CBOR_UINT && major != EH_CBOR_NEGINT)
        return 0;
    return eh_cbor_read_item(&r, NULL, NULL) == EH_OK && eh_cbor_at_end(&r) ? 2 : 0;
}

void peer_udp_request_parse(const uint8_t *d, size_t n, peer_udp_request *rq)
{
    peer_udp_request_parse_for(d, n, NULL, NULL, rq);
}

void peer_udp_request_parse_for(const uint8_t *d, size_t n, peer_awaits_m3_fn awaits_m3,
                                void *arg, peer_udp_request *rq)
{
    eh_coap_msg m;
    uint8_t c_r[EH_MAX_CONN_ID];
    size_t c_r_len = 0;
    memset(rq, 0, sizeof *rq);
    rq->req.content_format = -1;
    int shape = edhoc_shape(d, n, c_r, &c_r_len);
    bool edhoc = shape == 1 || (shape == 2 && awaits_m3 != NULL && awaits_m3(arg, c_r, c_r_len));
    rq->coap = !edhoc && eh_coap_udp_decode(d, n, &rq->hdr, &m) == EH_OK &&
               eh_coap_find_option(&m, EH_COAP_OPT_OSCORE) >= 0;
    if (rq->coap) {
        rq->req.code = m.code;
        for (size_t i = 0; i < m.n_opts && i < TR_MAX_OPTIONS; i++)
            rq->req.opts[rq->req.n_opts++] = (tr_option){m.opts[i].number, m.opts[i].value,
                                                         m.opts[i].len};
        rq->req.payload = m.payload, rq->req.payload_len = m.payload_len;
    } else {
        rq->req.code = TR_CODE_POST;
        rq->req.uri_path = "/.well-known/edhoc";
        rq->req.payload = d, rq->req.payload_len = n;
    }
}

bool peer_udp_response_encode(const peer_udp_request *rq, const tr_message *resp, uint8_t *out,
                              size_t cap, const uint8_t **dgram, size_t *len)
{
    if (resp->code == 0)
        return false;
    if (!rq->coap) {
        *dgram = resp->payload, *len = resp->payload_len;
        return true;
    }
    eh_coap_udp_hdr rh = {EH_COAP_ACK, rq->hdr.message_id, rq->hdr.token, rq->hdr.token_len};
    eh_coap_msg rm;
    memset(&rm, 0, sizeof rm);
    rm.code = resp->code;
    for (size_t i = 0; i < resp->n_opts; i++)
        rm.opts[rm.n_opts++] = (eh_coap_option){resp->opts[i].number, resp->opts[i].value,
                                                resp->opts[i].len};
    rm.payload = resp->payload, rm.payload_len = resp->payload_len;
    if (eh_coap_udp_encode(&rh, &rm, out, cap, len) != EH_OK)
        return false;
    *dgram = out;
    return true;
}

static bool same_addr(const tr_addr *a, const tr_addr *b)
{
    return a->len == b->len && memcmp(&a->sa, &b->sa, a->len) == 0;
}

static bool slot_holds(const peer_udp_replay_slot *sl, const uint8_t *d, size_t n, int64_t now_ms)
{
    return sl->req != NULL && now_ms - sl->at_ms <= PEER_UDP_EXCHANGE_LIFETIME_MS &&
           sl->req_len == n && memcmp(sl->req, d, n) == 0;
}

static bool replay_find(peer_udp_replay *c, const tr_addr *from, const uint8_t *d, size_t n,
                        int64_t now_ms, const uint8_t **answer, size_t *answer_len)
{
    const peer_udp_replay_slot *hit = NULL;
    for (size_t i = 0; i < PEER_UDP_REPLAY_SLOTS && hit == NULL; i++)
        if (slot_holds(&c->slot[i], d, n, now_ms) &&
            (from == NULL || same_addr(&c->slot[i].from, from)))
            hit = &c->slot[i];
    if (hit == NULL)
        return false;
    *answer = hit->answered ? hit->resp : NULL;
    *answer_len = hit->answered ? hit->resp_len : 0;
    return true;
}

bool peer_udp_replay_lookup(peer_udp_replay *c, const tr_addr *from, const uint8_t *d, size_t n,
                            int64_t now_ms, const uint8_t **answer, size_t *answer_len)
{
    return replay_find(c, from, d, n, now_ms, answer, answer_len);
}

bool peer_udp_replay_lookup_any(peer_udp_replay *c, const uint8_t *d, size_t n, int64_t now_ms,
                                const uint8_t **answer, size_t *answer_len)
{
    return replay_find(c, NULL, d, n, now_ms, answer, answer_len);
}

static void slot_clear(peer_udp_replay_slot *sl)
{
    free(sl->req), free(sl->resp);
    memset(sl, 0, sizeof *sl);
}

void peer_udp_replay_store(peer_udp_replay *c, const tr_addr *from, const uint8_t *d, size_t n,
                           const uint8_t *answer, size_t answer_len, int64_t now_ms)
{
    peer_udp_replay_slot *sl = NULL;
    for (size_t i = 0; i < PEER_UDP_REPLAY_SLOTS && sl == NULL; i++)
        if (c->slot[i].req != NULL && same_addr(&c->slot[i].from, from))
            sl = &c->slot[i];
    for (size_t i = 0; i < PEER_UDP_REPLAY_SLOTS && sl == NULL; i++)
        if (c->slot[i].req == NULL)
            sl = &c->slot[i];
    if (sl == NULL) {
        sl = &c->slot[0];
        for (size_t i = 1; i < PEER_UDP_REPLAY_SLOTS; i++)
            if (c->slot[i].at_ms < sl->at_ms)
                sl = &c->slot[i];
    }
    slot_clear(sl);
    sl->req = malloc(n ? n : 1);
    sl->resp = malloc(answer_len ? answer_len : 1);
    if (sl->req == NULL || sl->resp == NULL) {
        slot_clear(sl);
        return;
    }
    sl->from = *from;
    memcpy(sl->req, d, n);
    sl->req_len = n;
    if (answer != NULL)
        memcpy(sl->resp, answer, answer_len);
    sl->resp_len = answer != NULL ? answer_len : 0;
    sl->answered = answer != NULL;
    sl->at_ms = now_ms;
}

void peer_udp_replay_free(peer_udp_replay *c)
{
    for (size_t i = 0; i < PEER_UDP_REPLAY_SLOTS; i++)
        slot_clear(&c->slot[i]);
}

/*
 * coap.c - CoAP transport on libcoap 3 (4.3.1): shared helpers and the
 * client. The server is in coap_server.c.
 *
 * The client owns one libcoap context and one UDP client session. A
 * request is one confirmable PDU with a fresh token from libcoap; the
 * response handler copies the (block-wise reassembled) response into the
 * caller's buffer if the token matches, and ignores anything else (stale
 * responses to an earlier, timed-out request). After a timeout or a local
 * failure the session is replaced by a new one, so that a still
 * retransmitting old request (NSTART = 1) can never delay the next one.
 *
 * Tokens: every request token comes from the session's own token counter
 * (coap_session_new_token()), never from a counter of ours. libcoap 4.3.1
 * takes tokens from that same counter for its block-wise state: a request
 * sent with Block1 gets an lg_crcv whose "stateless token" base is a fresh
 * counter value, used for the following Block1 and all Block2 continuation
 * requests, and that lg_crcv outlives the exchange. A response whose token
 * has that base is taken as part of the old transfer and never reaches
 * client_response(). With a separate counter of ours, the next request
 * (after one with Block1 and a Block2 response) could get exactly such a
 * token, and its response was swallowed. A replacement session continues
 * the old session's counter (coap_session_init_token()), so tokens stay
 * unique per client across sessions as well.
 *
 * What a hostile server can do to libcoap 4.3.1, and the guard against it:
 * every datagram libcoap reads while the client (or the server) runs passes
 * the wire tap's receive filter first (wire_tap.h), where client_guard
 * below (server_guard in coap_server.c) looks at it before libcoap does,
 * parsed by coap_guard.c.
 *  - Signaling codes (7.xx, RFC 8323 §5) exist only over reliable
 *    transports, but libcoap acts on them over UDP too: a 7.04 Release or
 *    7.05 Abort tears the session down and cancels the request in flight,
 *    which then looks like a Reset. Over UDP they are dropped.
 *  - A Block2 response body is reassembled without a bound: libcoap
 *    allocates what Size2 announces (up to 4 GiB) and grows the body as
 *    far as the block numbers go (up to 1 GiB), for as long as the server
 *    keeps sending. A response that announces or extends the body past
 *    TR_MAX_BODY (all the caller could take) ends the exchange (TR_ERROR)
 *    before libcoap sees it; a block other than the one due (a repeat, a
 *    jump) is dropped, so a transfer that never progresses ends at the
 *    deadline instead of reaching the caller as a partial body.
 *  - A datagram larger than libcoap's receive buffer would reach it cut
 *    short; it ends the exchange (TR_ERROR) instead, and on the server side
 *    it is dropped (coap_server.c).
 *  - A response libcoap rejects for an unknown critical option (RFC 7252
 *    §5.4.1), datagrams that are not CoAP, and the above are counted, so
 *    that tr_coap_client_detail() can say why no answer came.
 *
 * No global mutable state except libcoap's own start-up (coap_startup(),
 * run once through pthread_once).
 */
#include "coap.h"

#include <coap3/coap.h>
#include <inttypes.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "coap_internal.h"
#include "wire_tap.h"

/* ------------------------------------------------------------ shared */

static pthread_once_t startup_once = PTHREAD_ONCE_INIT;

static void startup_impl(void)
{
    coap_startup();
    coap_set_log_level(LOG_EMERG); /* the harness reports errors itself */
}

void tr_coap__startup(void)
{
    pthread_once(&startup_once, startup_impl);
}

eh_err tr_coap__resolve(const char *host, uint16_t port, coap_address_t *out)
{
    if (!host || !out)
        return EH_ERR_ARG;
    /* Accept "[::1]" as well as "::1". */
    char name[256];
    size_t hl = strlen(host);
    if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
        host++;
        hl -= 2;
    }
    if (hl == 0 || hl >= sizeof name)
        return EH_ERR_ARG;
    memcpy(name, host, hl);
    name[hl] = '\0';

    char serv[8];
    snprintf(serv, sizeof serv, "%u", (unsigned)port);
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICSERV;
    if (getaddrinfo(name, serv, &hints, &res) != 0 || !res)
        return EH_ERR_ARG;
    eh_err err = EH_ERR_ARG;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        if ((ai->ai_family == AF_INET || ai->ai_family == AF_INET6) &&
            ai->ai_addrlen <= sizeof out->addr) {
            coap_address_init(out);
            memcpy(&out->addr, ai->ai_addr, ai->ai_addrlen);
            out->size = (socklen_t)ai->ai_addrlen;
            err = EH_OK;
            break;
        }
    }
    freeaddrinfo(res);
    return err;
}

bool tr_coap__transport_option(uint16_t number)
{
    return number == COAP_OPTION_BLOCK1 || number == COAP_OPTION_BLOCK2 ||
           number == COAP_OPTION_SIZE1 || number == COAP_OPTION_SIZE2 ||
           number == COAP_OPTION_RTAG;
}

int64_t tr_coap__now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------ client */

enum { EXCH_IDLE, EXCH_WAITING, EXCH_DONE };

struct tr_coap_client {
    coap_context_t *ctx;
    coap_session_t *session;
    coap_address_t dst;
    tr_coap_proto proto;
    /* the exchange in progress */
    int state;
    tr_status result;
    uint8_t token[8];
    size_t token_len;
    /* the token counter carried over to a replacement session (libcoap
     * would restart it at 0 for every new session) */
    uint8_t next_token[8];
    size_t next_token_len;
    coap_mid_t mid;
    tr_message *resp;
    uint8_t *buf;
    size_t cap;
    /* datagram sizes of the last exchange (tr_coap_client_wire_sizes), and
     * whether libcoap repeated its request with an Echo option */
    long wire_req, wire_resp;
    bool echo_retry;
    /* the guard (top of the file) during the exchange: the Block2 number
     * due next, what it dropped or saw rejected, why it ended the exchange */
    uint32_t block_due;
    unsigned n_not_coap, n_signaling, n_critical, n_block_other, n_mid_other, n_token_other;
    uint16_t mid_other, mid_other_due;
    uint8_t signaling_code, critical_code;
    unsigned critical_option;
    uint32_t block_other, block_other_due;
    char ended[200];
    char detail[600]; /* tr_coap_client_detail */
    tr_gone_fn gone;  /* tr_coap_client_watch */
    void *gone_arg;
    bool gave_up;
};

static bool token_matches(const tr_coap_client *c, coap_bin_const_t tok)
{
    return c->state == EXCH_WAITING && tok.length == c->token_len &&
           (tok.length == 0 || memcmp(tok.s, c->token, tok.length) == 0);
}

/* Copies n bytes into the caller's buffer; NULL when it is full. */
static const uint8_t *buf_put(tr_coap_client *c, size_t *used, const uint8_t *p, size_t n)
{
    if (n > c->cap - *used)
        return NULL;
    uint8_t *dst = c->buf + *used;
    if (n)
        memcpy(dst, p, n);
    *used += n;
    return dst;
}

/*
 * Bytes of pdu as one CoAP-over-UDP datagram (RFC 7252 §3): the 4-byte
 * header, the token, every option as encoded (coap_opt_size: its header
 * with extended delta and length, and the value), and the payload marker
 * and payload when there is a payload. *block is set when the PDU carries
 * a Block1 or Block2 option (a body split over several datagrams).
 */
static long pdu_wire_size(const coap_pdu_t *pdu, bool *block)
{
    long n = 4 + (long)coap_pdu_get_token(pdu).length;
    coap_opt_iterator_t it;
    coap_opt_t *opt;
    *block = false;
    coap_option_iterator_init(pdu, &it, COAP_OPT_ALL);
    while ((opt = coap_option_next(&it)) != NULL) {
        n += (long)coap_opt_size(opt);
        *block |= it.number == COAP_OPTION_BLOCK1 || it.number == COAP_OPTION_BLOCK2;
    }
    size_t len = 0;
    const uint8_t *data = NULL;
    if (coap_get_data(pdu, &len, &data) && len > 0)
        n += 1 + (long)len;
    return n;
}

static bool has_option(const coap_pdu_t *pdu, uint16_t number)
{
    coap_opt_iterator_t it;
    return coap_check_option(pdu, number, &it) != NULL;
}

static coap_response_t client_response(coap_session_t *session, const coap_pdu_t *sent,
                                       const coap_pdu_t *received, const coap_mid_t mid)
{
    tr_coap_client *c = coap_get_app_data(coap_session_get_context(session));
    if (!c || session != c->session)
        return COAP_RESPONSE_OK; /* a replaced session's: acknowledge, ignore */
    if (c->state != EXCH_WAITING)
        return COAP_RESPONSE_OK; /* late: acknowledge, ignore */
    if (!token_matches(c, coap_pdu_get_token(received))) {
        c->n_token_other++; /* answers another request (RFC 7252 §5.3.2) */
        return COAP_RESPONSE_OK;
    }
    /* A piggybacked response answers the CON whose Message ID it carries
     * (RFC 7252 §4.2, §5.2.1); libcoap found none outstanding (sent NULL),
     * so it acknowledges nothing, and our request would go on being
     * retransmitted, holding back the next one (NSTART 1): ignored. */
    if (c->proto == TR_COAP_UDP && coap_pdu_get_type(received) == COAP_MESSAGE_ACK &&
        sent == NULL) {
        if (c->n_mid_other++ == 0)
            c->mid_other = (uint16_t)mid, c->mid_other_due = (uint16_t)c->mid;
        return COAP_RESPONSE_OK;
    }

    tr_message *r = c->resp;
    memset(r, 0, sizeof *r);
    r->code = (uint8_t)coap_pdu_get_code(received);
    /* `sent` is the request this answers. libcoap sends requests of its own
     * within one exchange: the Block2 continuations of a body it reassembles
     * (the PDU we get is then the last block's, its Block2 option removed,
     * the whole body attached: not one datagram), and the repetition of a
     * request answered with 4.01 and an Echo option (RFC 9175 §2.3), which
     * carries that Echo option (ours never does) and a token of libcoap's
     * (the PDU we get has ours again: its size is not the datagram's). */
    bool block = false, sent_block = false;
    c->wire_resp = pdu_wire_size(received, &block);
    if (sent != NULL) {
        sent_block = has_option(sent, COAP_OPTION_BLOCK1) || has_option(sent, COAP_OPTION_BLOCK2);
        c->echo_retry = has_option(sent, COAP_OPTION_ECHO);
    }
    /* A separate response (RFC 7252 §5.2.2: a CON or NON after an empty
     * ACK) is a datagram of its own with its own Message ID: its size is
     * known. A piggybacked one for another Message ID is not ours. */
    bool separate = coap_pdu_get_type(received) != COAP_MESSAGE_ACK;
    if (block || sent_block || c->echo_retry || (sent == NULL && mid != c->mid && !separate))
        c->wire_resp = -1;
    r->content_format = -1;
    size_t used = 0;
    bool overflow = false;

    coap_opt_iterator_t it;
    coap_opt_t *opt;
    coap_option_iterator_init(received, &it, COAP_OPT_ALL);
    while ((opt = coap_option_next(&it)) != NULL) {
        uint16_t num = it.number;
        if (tr_coap__transport_option(num))
            continue;
        if (num == COAP_OPTION_CONTENT_FORMAT) {
            r->content_format =
                (int)coap_decode_var_bytes(coap_opt_value(opt), coap_opt_length(opt));
            continue;
        }
        if (r->n_opts >= TR_MAX_OPTIONS) {
            overflow = true;
            break;
        }
        const uint8_t *v = buf_put(c, &used, coap_opt_value(opt), coap_opt_length(opt));
        if (!v) {
            overflow = true;
            break;
        }
        r->opts[r->n_opts++] = (tr_option){num, v, coap_opt_length(opt)};
    }

    size_t len = 0, offset = 0, total = 0;
    const uint8_t *data = NULL;
    if (!overflow && coap_get_data_large(received, &len, &data, &offset, &total)) {
        if (offset != 0 || total != len) {
            fprintf(stderr, "coap client: partial body (offset %zu, %zu of %zu)\n", offset,
                    len, total);
            snprintf(c->ended, sizeof c->ended, "a partial response body (%zu bytes at offset "
                     "%zu of %zu)", len, offset, total);
            overflow = true;
        } else if (len > TR_MAX_BODY || !(r->payload = buf_put(c, &used, data, len))) {
            overflow = true;
        } else {
            r->payload_len = len;
        }
    }
    if (overflow) {
        fprintf(stderr, "coap client: response does not fit the buffer (%zu bytes)\n",
                c->cap);
        if (!c->ended[0])
            snprintf(c->ended, sizeof c->ended, "a response (%zu bytes of payload, %zu options) "
                     "that does not fit the %zu bytes the harness takes", len, r->n_opts,
                     c->cap);
    }
    c->result = overflow ? TR_ERROR : TR_OK;
    c->state = EXCH_DONE;
    return COAP_RESPONSE_OK;
}

/* The receive filter during an exchange (see the top of the file). */
static bool client_guard(void *arg, const uint8_t *d, size_t n, size_t len)
{
    tr_coap_client *c = arg;
    tr_coap__peek p;
    if (c->proto != TR_COAP_UDP)
        return false;
    if (len <= n && tr_coap__not_coap_at_all(d, n)) {
        c->n_not_coap += c->state == EXCH_WAITING; /* dropped: no Reset (coap_internal.h) */
        return true;
    }
    if (c->state != EXCH_WAITING)
        return false;
    if (len > n) { /* cut to libcoap's buffer: it cannot be taken */
        snprintf(c->ended, sizeof c->ended, "a datagram of %zu bytes, over the %zu bytes the "
                 "CoAP layer reads", len, n);
        c->result = TR_ERROR;
        c->state = EXCH_DONE;
        return true;
    }
    if (!tr_coap__peek_parse(d, n, &p)) {
        c->n_not_coap++; /* a malformed CoAP message: libcoap may Reset it (RFC 7252 §4.2) */
        return false;
    }
    int cls = p.code >> 5;
    if (cls == 7) {
        c->n_signaling++;
        c->signaling_code = p.code;
        return true;
    }
    if (cls < 2 || cls > 5)
        return false; /* requests and empty messages: libcoap's business */
    if (p.unknown_critical && c->n_critical++ == 0) /* libcoap rejects it */
        c->critical_option = p.unknown_critical, c->critical_code = p.code;
    if (!p.block2)
        return false;
    uint32_t num = p.block2_value >> 4;
    bool more = p.block2_value & 8;
    uint64_t size = (uint64_t)16 << ((p.block2_value & 7) == 7 ? 6 : (p.block2_value & 7));
    if ((p.size2 && p.size2_value > TR_MAX_BODY) ||
        tr_coap__block_end(p.block2_value, p.payload_len) > TR_MAX_BODY) {
        if (p.size2 && p.size2_value > TR_MAX_BODY)
            snprintf(c->ended, sizeof c->ended, "a Block2 response announcing a body of %" PRIu64
                     " bytes (Size2), over the %d bytes the harness takes", p.size2_value,
                     TR_MAX_BODY);
        else
            snprintf(c->ended, sizeof c->ended, "a Block2 response (block %" PRIu32 " of %" PRIu64
                     " bytes, more=%d) takes the body past the %d bytes the harness takes", num,
                     size, more, TR_MAX_BODY);
        c->result = TR_ERROR;
        c->state = EXCH_DONE;
        return true;
    }
    if (num != c->block_due) {
        if (c->n_block_other++ == 0)
            c->block_other = num, c->block_other_due = c->block_due;
        return true;
    }
    c->block_due = num + 1;
    return false;
}

/* Why the exchange just ended without a usable answer, from the guard's
 * counts, into c->detail ("" when there is nothing to say). */
static void client_detail(tr_coap_client *c)
{
    size_t k = 0;
    c->detail[0] = 0;
#define ADD(...)                                                                                  \
    do {                                                                                         \
        if (k < sizeof c->detail)                                                                \
            k += (size_t)snprintf(c->detail + k, sizeof c->detail - k, "%s", k ? "; " : "");     \
        if (k < sizeof c->detail)                                                                \
            k += (size_t)snprintf(c->detail + k, sizeof c->detail - k, __VA_ARGS__);             \
    } while (0)
    if (c->ended[0])
        ADD("%s", c->ended);
    if (c->n_critical)
        ADD("%u response%s (the first %d.%02d) carried the critical option %u, unknown to the "
            "harness, and %s rejected (RFC 7252 §5.4.1)",
            c->n_critical, c->n_critical > 1 ? "s" : "", c->critical_code >> 5,
            c->critical_code & 31, c->critical_option, c->n_critical > 1 ? "were" : "was");
    if (c->n_block_other)
        ADD("%u Block2 response%s ignored for carrying another block than the one due (the "
            "first: block %" PRIu32 " where block %" PRIu32 " was due; RFC 7959 §2.4)",
            c->n_block_other, c->n_block_other > 1 ? "s" : "", c->block_other,
            c->block_other_due);
    if (c->n_signaling)
        ADD("%u CoAP signaling message%s (the first %d.%02d) ignored: they exist only over "
            "reliable transports (RFC 8323 §5)",
            c->n_signaling, c->n_signaling > 1 ? "s" : "", c->signaling_code >> 5,
            c->signaling_code & 31);
    if (c->n_not_coap)
        ADD("%u datagram%s ignored for not being CoAP messages (RFC 7252 §3)", c->n_not_coap,
            c->n_not_coap > 1 ? "s" : "");
    if (c->n_mid_other)
        ADD("%u piggybacked response%s ignored for a Message ID that is not the request's (the "
            "first: 0x%04x where 0x%04x was due; RFC 7252 §4.2)", c->n_mid_other,
            c->n_mid_other > 1 ? "s" : "", c->mid_other, c->mid_other_due);
    if (c->n_token_other)
        ADD("%u response%s ignored for a token that is not the request's (RFC 7252 §5.3.2)",
            c->n_token_other, c->n_token_other > 1 ? "s" : "");
#undef ADD
}

static void client_nack(coap_session_t *session, const coap_pdu_t *sent,
                        const coap_nack_reason_t reason, const coap_mid_t mid)
{
    tr_coap_client *c = coap_get_app_data(coap_session_get_context(session));
    if (!c || c->state != EXCH_WAITING)
        return;
    if (session != c->session)
        return; /* a replaced session giving up on an old request */
    bool ours = sent ? token_matches(c, coap_pdu_get_token(sent)) : mid == c->mid;
    if (!ours && reason != COAP_NACK_ICMP_ISSUE && reason != COAP_NACK_NOT_DELIVERABLE)
        return;
    switch (reason) {
    case COAP_NACK_RST:
        c->result = TR_RESET;
        break;
    case COAP_NACK_TOO_MANY_RETRIES:
    case COAP_NACK_NOT_DELIVERABLE:
    case COAP_NACK_ICMP_ISSUE:
        /* No response will come: report it now instead of at the deadline. */
        c->result = TR_TIMEOUT;
        break;
    default:
        c->result = TR_ERROR;
        break;
    }
    c->state = EXCH_DONE;
}

static eh_err client_new_session(tr_coap_client *c)
{
    if (c->session) {
        /* Remember where the old session's counter (ours and libcoap's
         * internal block-wise tokens) has got to. */
        coap_session_new_token(c->session, &c->next_token_len, c->next_token);
        coap_session_release(c->session);
        c->session = NULL;
    }
    c->session = coap_new_client_session(c->ctx, NULL, &c->dst,
                                         c->proto == TR_COAP_TCP ? COAP_PROTO_TCP : COAP_PROTO_UDP);
    if (!c->session)
        return EH_ERR_UNSUPPORTED;
    if (c->next_token_len)
        coap_session_init_token(c->session, c->next_token_len, c->next_token);
    return EH_OK;
}

eh_err tr_coap_client_open(tr_coap_client **out, const char *host, uint16_t port)
{
    return tr_coap_client_open_proto(out, host, port, TR_COAP_UDP);
}

eh_err tr_coap_client_open_proto(tr_coap_client **out, const char *host, uint16_t port,
                                 tr_coap_proto proto)
{
    if (!out)
        return EH_ERR_ARG;
    *out = NULL;
    tr_coap__startup();
    if (proto == TR_COAP_TCP && !coap_tcp_is_supported())
        return EH_ERR_UNSUPPORTED;
    tr_coap_client *c = calloc(1, sizeof *c);
    if (!c)
        return EH_ERR_UNSUPPORTED;
    c->proto = proto;
    eh_err err = tr_coap__resolve(host, port, &c->dst);
    if (err) {
        free(c);
        return err;
    }
    c->ctx = coap_new_context(NULL);
    if (!c->ctx) {
        free(c);
        return EH_ERR_UNSUPPORTED;
    }
    c->wire_req = c->wire_resp = -1;
    coap_set_app_data(c->ctx, c);
    coap_context_set_block_mode(c->ctx, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
    coap_register_option(c->ctx, TR_OPTION_OSCORE);
    coap_register_option(c->ctx, TR_OPTION_EDHOC);
    coap_register_response_handler(c->ctx, client_response);
    coap_register_nack_handler(c->ctx, client_nack);
    if (client_new_session(c) != EH_OK) {
        tr_coap_client_close(c);
        return EH_ERR_UNSUPPORTED;
    }
    *out = c;
    return EH_OK;
}

void tr_coap_client_close(tr_coap_client *c)
{
    if (!c)
        return;
    if (c->session)
        coap_session_release(c->session);
    if (c->ctx)
        coap_free_context(c->ctx);
    free(c);
}

/*
 * Retransmission parameters so that libcoap gives up (worst case, with
 * ACK_RANDOM_FACTOR 1.5) within timeout_ms where libcoap allows it: a CON
 * lives ACK_TIMEOUT * 1.5 * (2^(MAX_RETRANSMIT+1) - 1). RFC 7252's defaults
 * (2 s, 4) when they fit, else fewer retransmissions, else a shorter ACK
 * timeout. libcoap 4.3.1 silently ignores an ACK_TIMEOUT below 1 s and a
 * MAX_RETRANSMIT of 0, so below ~4.5 s the floor is (1 s, 1): libcoap would
 * give up after the deadline, but the deadline ends the wait anyway and the
 * session (with its queued retransmissions) is then replaced.
 */
static void client_set_timing(tr_coap_client *c, int timeout_ms)
{
    unsigned n = 4;
    int64_t ack_ms = 2000;
    for (; n >= 1; n--) {
        int64_t fit = (int64_t)timeout_ms * 2 / ((int64_t)3 * ((1 << (n + 1)) - 1));
        if (fit >= 1000) {
            ack_ms = fit < 2000 ? fit : 2000;
            break;
        }
    }
    if (n == 0) {
        n = 1;
        ack_ms = 1000;
    }
    coap_fixed_point_t at = {(uint16_t)(ack_ms / 1000), (uint16_t)(ack_ms % 1000)};
    coap_session_set_ack_timeout(c->session, at);
    coap_session_set_max_retransmit(c->session, n);
}

static void release_copy(coap_session_t *session, void *p)
{
    (void)session;
    free(p);
}

static void free_optlist(coap_optlist_t **l)
{
    coap_delete_optlist(*l);
    *l = NULL;
}

static bool add_opt(coap_optlist_t **l, uint16_t num, size_t len, const uint8_t *v)
{
    coap_optlist_t *o = coap_new_optlist(num, len, v);
    return o && coap_insert_optlist(l, o);
}

/* Builds the request PDU; NULL on failure. */
static coap_pdu_t *build_request(tr_coap_client *c, const tr_message *req)
{
    coap_pdu_t *pdu = coap_new_pdu(COAP_MESSAGE_CON, (coap_pdu_code_t)req->code, c->session);
    if (!pdu)
        return NULL;
    /* The session's token counter, shared with libcoap's block-wise
     * tokens (see the top of this file). */
    coap_session_new_token(c->session, &c->token_len, c->token);
    coap_optlist_t *opts = NULL;
    bool ok = coap_add_token(pdu, c->token_len, c->token) != 0;

    /* "/a/b?x=1&y=2": Uri-Path a, b; Uri-Query x=1, y=2 */
    const char *p = req->uri_path;
    const char *q = p ? strchr(p, '?') : NULL;
    const char *end = p ? (q ? q : p + strlen(p)) : NULL;
    if (ok && p && p < end) {
        if (*p == '/')
            p++;
        if (p < end || req->uri_path[0] != '/') {
            for (;;) { /* one Uri-Path option per segment, empty ones kept */
                const char *slash = memchr(p, '/', (size_t)(end - p));
                size_t n = slash ? (size_t)(slash - p) : (size_t)(end - p);
                ok = ok && add_opt(&opts, COAP_OPTION_URI_PATH, n, (const uint8_t *)p);
                if (!slash)
                    break;
                p = slash + 1;
            }
        }
    }
    for (const char *a = q ? q + 1 : NULL; ok && a && *a;) {
        const char *amp = strchr(a, '&');
        size_t n = amp ? (size_t)(amp - a) : strlen(a);
        ok = add_opt(&opts, COAP_OPTION_URI_QUERY, n, (const uint8_t *)a);
        a = amp ? amp + 1 : NULL;
    }
    if (ok && req->content_format >= 0) {
        uint8_t b[4];
        unsigned n = coap_encode_var_safe(b, sizeof b, (unsigned)req->content_format);
        ok = add_opt(&opts, COAP_OPTION_CONTENT_FORMAT, n, b);
    }
    for (size_t i = 0; ok && i < req->n_opts && i < TR_MAX_OPTIONS; i++)
        ok = add_opt(&opts, req->opts[i].number, req->opts[i].len, req->opts[i].value);
    if (ok && opts)
        ok = coap_add_optlist_pdu(pdu, &opts) != 0;
    free_optlist(&opts);

    if (ok && req->payload_len) {
        uint8_t *copy = malloc(req->payload_len);
        ok = copy != NULL;
        if (ok) {
            memcpy(copy, req->payload, req->payload_len);
            ok = coap_add_data_large_request(c->session, pdu, req->payload_len, copy,
                                             release_copy, copy) != 0;
            if (!ok)
                free(copy); /* assumption: not released by libcoap on failure */
        }
    }
    if (!ok) {
        coap_delete_pdu(pdu);
        return NULL;
    }
    return pdu;
}

/*
 * CoAP over TCP: libcoap 4.3.1 holds the first request of a session until
 * the server's CSM has come (RFC 8323 §5.3.1), waiting for it inside
 * coap_send() for up to 5 s whatever the caller's timeout
 * (coap_client_delay_first). The connection and the CSM exchange are driven
 * here instead, within the deadline (and the watch): TR_OK once the
 * session is established, TR_RESET when the connection is refused or
 * closed, TR_TIMEOUT with c->ended saying which part did not come.
 */
static tr_status client_tcp_establish(tr_coap_client *c, int64_t deadline)
{
    for (;;) {
        coap_session_state_t state = coap_session_get_state(c->session);
        if (state == COAP_SESSION_STATE_ESTABLISHED)
            return TR_OK;
        if (state == COAP_SESSION_STATE_NONE) {
            snprintf(c->ended, sizeof c->ended, "the TCP connection was refused or closed "
                     "before a CoAP session was established (RFC 8323 §3)");
            return TR_RESET;
        }
        int64_t left = deadline - tr_coap__now_ms();
        if (left <= 0 || (c->gone != NULL && c->gone(c->gone_arg))) {
            c->gave_up = left > 0;
            snprintf(c->ended, sizeof c->ended, "%s", state == COAP_SESSION_STATE_CONNECTING
                     ? "the TCP connection was not completed"
                     : "the TCP connection was made, but the IUT sent no CSM message (RFC "
                       "8323 §5.3.1), so no CoAP session was established");
            return TR_TIMEOUT;
        }
        if (coap_io_process(c->ctx, (uint32_t)(left < 100 ? left : 100)) < 0)
            return TR_ERROR;
    }
}

tr_status tr_coap_client_request(tr_coap_client *c, const tr_message *req, int timeout_ms,
                                 tr_message *resp, uint8_t *buf, size_t cap)
{
    if (!c || !req || !resp || (!buf && cap) || timeout_ms < 0 ||
        req->payload_len > TR_MAX_BODY || (req->payload_len && !req->payload) ||
        req->n_opts > TR_MAX_OPTIONS) {
        fprintf(stderr, "coap client: invalid request arguments\n");
        return TR_ERROR;
    }
    int64_t deadline = tr_coap__now_ms() + timeout_ms;
    if (!c->session && client_new_session(c) != EH_OK)
        return TR_ERROR;
    client_set_timing(c, timeout_ms);
    /* what this exchange drops, rejects or gives up on (tr_coap_client_detail) */
    c->gave_up = false;
    c->n_not_coap = c->n_signaling = c->n_critical = c->n_block_other = 0;
    c->n_mid_other = c->n_token_other = 0;
    c->ended[0] = 0;
    if (c->proto == TR_COAP_TCP) {
        tr_status st = client_tcp_establish(c, deadline);
        if (st != TR_OK) {
            client_detail(c);
            if (client_new_session(c) != EH_OK)
                fprintf(stderr, "coap client: cannot recreate the session\n");
            return st;
        }
    }

    coap_pdu_t *pdu = build_request(c, req);
    if (!pdu) {
        fprintf(stderr, "coap client: cannot build the request\n");
        return TR_ERROR;
    }
    bool block = false;
    c->wire_req = pdu_wire_size(pdu, &block); /* with Block1: its first datagram */
    c->wire_resp = -1;
    c->echo_retry = false;
    c->resp = resp;
    c->buf = buf;
    c->cap = cap;
    c->result = TR_TIMEOUT;
    c->state = EXCH_WAITING;
    c->mid = coap_pdu_get_mid(pdu);
    c->block_due = 0; /* the counters and `ended` were reset above */
    tr_tap_set_filter(client_guard, c);
    /* The request was built within 1152 bytes a datagram (RFC 7252 §4.6; a
     * longer body in Block1 blocks); responses are taken up to libcoap's
     * receive buffer: the session's MTU bounds the PDU libcoap parses a
     * datagram into, and it answers a larger one with a Reset. */
    if (c->proto == TR_COAP_UDP)
        coap_session_set_mtu(c->session, TR_COAP_MAX_DATAGRAM);
    if (coap_send(c->session, pdu) == COAP_INVALID_MID && c->state == EXCH_WAITING) {
        fprintf(stderr, "coap client: coap_send failed\n");
        c->result = TR_ERROR;
        c->state = EXCH_DONE;
    }

    while (c->state == EXCH_WAITING) {
        int64_t left = deadline - tr_coap__now_ms();
        if (left <= 0)
            break;
        if (coap_io_process(c->ctx, (uint32_t)(left < 100 ? left : 100)) < 0) {
            fprintf(stderr, "coap client: coap_io_process failed\n");
            c->result = TR_ERROR;
            break;
        }
        if (c->state == EXCH_WAITING && c->gone != NULL && c->gone(c->gone_arg)) {
            /* what the server sent before it ended is still taken */
            if (coap_io_process(c->ctx, COAP_IO_NO_WAIT) >= 0 && c->state != EXCH_WAITING)
                break;
            c->result = TR_TIMEOUT;
            c->gave_up = true;
            break;
        }
    }
    tr_tap_set_filter(NULL, NULL);
    if (c->proto == TR_COAP_UDP && c->session)
        coap_session_set_mtu(c->session, COAP_DEFAULT_MTU);
    tr_status st = c->result;
    client_detail(c);
    c->state = EXCH_IDLE;
    c->resp = NULL;
    c->buf = NULL;
    c->cap = 0;
    if (st != TR_OK && st != TR_RESET) {
        /* Drop the old session with whatever it still retransmits. */
        if (client_new_session(c) != EH_OK)
            fprintf(stderr, "coap client: cannot recreate the session\n");
    }
    return st;
}

void tr_coap_client_wire_sizes(const tr_coap_client *c, long *request, long *response)
{
    *request = c ? c->wire_req : -1;
    *response = c ? c->wire_resp : -1;
}

bool tr_coap_client_echo_retried(const tr_coap_client *c)
{
    return c && c->echo_retry;
}

void tr_coap_client_watch(tr_coap_client *c, tr_gone_fn gone, void *arg)
{
    if (c != NULL)
        c->gone = gone, c->gone_arg = arg;
}

bool tr_coap_client_gave_up(const tr_coap_client *c)
{
    return c != NULL && c->gave_up;
}

const char *tr_coap_client_detail(const tr_coap_client *c)
{
    return c ? c->detail : "";
}

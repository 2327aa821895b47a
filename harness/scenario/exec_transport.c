/*
 * exec_transport.c - the executor's side of the wire: a client of the IUT
 * (harness Initiator) or a server the IUT connects to (harness Responder),
 * over CoAP or raw UDP. Every wait is bounded and ends early when the IUT
 * process is gone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec_internal.h"

/* The peer layer's raw UDP client, embedded so it shares our socket. */
static peer_udp_client *udp_client(sc_exec *x)
{
    return (peer_udp_client *)x->udp_client;
}

/* The transport's watch of its waits (tr_gone_fn): the IUT process. */
static bool iut_gone_watch(void *arg)
{
    return x_iut_gone(arg);
}

int x_transport_open(sc_exec *x, char *err, size_t cap)
{
    bool coap = x->sc->transport != SC_UDP;
    tr_coap_proto proto = x->sc->transport == SC_COAP_TCP ? TR_COAP_TCP : TR_COAP_UDP;
    if ((x->o.role == SC_HARNESS_INITIATOR) != x->reverse) { /* the CoAP client */
        if (coap) {
            if (tr_coap_client_open_proto(&x->client, x->o.host, (uint16_t)x->o.port, proto) ==
                EH_OK) {
                if (x->o.iut_state != NULL)
                    tr_coap_client_watch(x->client, iut_gone_watch, x);
                return 0;
            }
        } else {
            x->udp_client = calloc(1, sizeof(peer_udp_client));
            if (x->udp_client != NULL &&
                tr_udp_connect(&udp_client(x)->u, x->o.host, (uint16_t)x->o.port) == EH_OK) {
                udp_client(x)->timeout_ms = x->timeout;
                if (x->o.iut_state != NULL)
                    udp_client(x)->u.gone = iut_gone_watch, udp_client(x)->u.gone_arg = x;
                return 0;
            }
        }
        snprintf(err, cap, "cannot reach the IUT at %s port %d", x->o.host, x->o.port);
        return -1;
    }
    if (coap) {
        if (tr_coap_server_open_proto(&x->server, x->o.host, 0, proto, x_coap_handler, x) ==
            EH_OK) {
            x->port = tr_coap_server_port(x->server);
            tr_coap_server_one_client(x->server, true); /* the IUT */
            return 0;
        }
    } else if ((x->udp_replay = calloc(1, sizeof(peer_udp_replay))) != NULL &&
               tr_udp_bind(&x->udp, x->o.host, 0) == EH_OK) {
        x->udp_open = true;
        x->port = tr_udp_local_port(&x->udp);
        return 0;
    }
    snprintf(err, cap, "cannot listen on %s", x->o.host);
    return -1;
}

void x_transport_close(sc_exec *x)
{
    if (x->client)
        tr_coap_client_close(x->client);
    if (x->server)
        tr_coap_server_close(x->server);
    if (x->udp_open)
        tr_udp_close(&x->udp);
    if (x->udp_client) {
        tr_udp_close(&udp_client(x)->u);
        free(x->udp_client);
    }
    if (x->udp_replay) {
        peer_udp_replay_free(x->udp_replay);
        free(x->udp_replay);
    }
    x->client = NULL, x->server = NULL, x->udp_open = false, x->udp_client = NULL;
    x->udp_replay = NULL;
}

static void copy_message(received *rx, const tr_message *m)
{
    size_t used = 0;
    rx->code = m->code;
    rx->cf = m->content_format;
    rx->len = m->payload_len < sizeof rx->payload ? m->payload_len : sizeof rx->payload;
    if (m->payload != rx->payload && rx->len)
        memmove(rx->payload, m->payload, rx->len);
    rx->n_opts = 0;
    for (size_t i = 0; i < m->n_opts && i < TR_MAX_OPTIONS; i++) {
        if (m->opts[i].len > sizeof rx->optval - used)
            break;
        if (m->opts[i].len > 0)
            memcpy(rx->optval + used, m->opts[i].value, m->opts[i].len);
        rx->opts[rx->n_opts++] = (tr_option){m->opts[i].number, rx->optval + used, m->opts[i].len};
        used += m->opts[i].len;
    }
}

/* An answer of n bytes the executor cannot hold is not cut: it is a
 * TR_ERROR that says so (over raw UDP any datagram up to 65535 bytes is
 * read whole, so its size is known). */
static bool too_large(sc_exec *x, size_t n)
{
    if (n <= sizeof x->rx.payload)
        return false;
    x->rx.st = TR_ERROR;
    snprintf(x->rx.detail, sizeof x->rx.detail, "a datagram of %zu bytes, over the %zu bytes "
             "the harness takes", n, sizeof x->rx.payload);
    return true;
}

void x_exchange(sc_exec *x, const tr_message *req)
{
    static uint8_t buf[TR_UDP_MAX_DATAGRAM + 1024];
    tr_message resp;
    memset(&x->rx, 0, sizeof x->rx);
    x->rx.cf = -1;
    if (x->client) {
        x->rx.st = tr_coap_client_request(x->client, req, x->timeout, &resp, buf, sizeof buf);
        tr_coap_client_wire_sizes(x->client, &x->wire_req, &x->wire_resp);
        x->echo_retry = tr_coap_client_echo_retried(x->client);
        x->rx.gave_up = x->rx.st == TR_TIMEOUT && tr_coap_client_gave_up(x->client);
        snprintf(x->rx.detail, sizeof x->rx.detail, "%s", tr_coap_client_detail(x->client));
        if (x->echo_retry)
            xt_printf(x, "     the IUT answered 4.01 with an Echo option (RFC 9528 Appendix A.2); "
                         "the request was repeated with it (RFC 9175 §2.3), and what follows "
                         "answers the repetition\n");
    } else {
        /* an EDHOC message travels as a bare datagram: its size is the
         * payload's; CoAP (OSCORE) datagrams are not measured */
        bool coap = false;
        for (size_t i = 0; i < req->n_opts; i++)
            coap |= req->opts[i].number == TR_OPTION_OSCORE;
        /* no answer is due to such a message_3: a copy sent again would be
         * a duplicate, which the IUT may answer with an error (§7) */
        udp_client(x)->once = !coap && x_raw_udp_m3_unanswered(x);
        x->rx.st = peer_udp_exchange(udp_client(x), req, &resp, buf, sizeof buf);
        x->rx.gave_up = x->rx.st == TR_TIMEOUT && udp_client(x)->u.gave_up;
        if (udp_client(x)->u.resends_refused > 0) {
            /* no answer, not a reset: the first copy arrived (udp.h) */
            static const char what[] = "resends met a closed port (ICMP port unreachable): "
                                       "the IUT stopped listening after the first copy arrived";
            xt_printf(x, "     %d of the harness's %s\n", udp_client(x)->u.resends_refused,
                      what);
            if (x->rx.st == TR_TIMEOUT)
                snprintf(x->rx.detail, sizeof x->rx.detail, "the harness's %s", what);
        }
        x->echo_retry = false;
        x->wire_req = coap ? -1 : (long)req->payload_len;
        x->wire_resp = coap || x->rx.st != TR_OK ? -1 : (long)resp.payload_len;
    }
    if (x->rx.st == TR_OK && !too_large(x, resp.payload_len))
        copy_message(&x->rx, &resp);
}

/* A datagram byte-identical to the IUT's answer to the last request: a
 * retransmission (RFC 9528 §7 lets it send the identical message again),
 * not a new message. */
static bool repeats_last_answer(const sc_exec *x, const uint8_t *d, size_t n)
{
    return x->prev_answer_set && n == x->prev_answer_len && memcmp(d, x->prev_answer, n) == 0;
}

void x_listen(sc_exec *x, int timeout_ms)
{
    static uint8_t d[TR_UDP_MAX_DATAGRAM];
    size_t n = 0;
    memset(&x->rx, 0, sizeof x->rx);
    x->rx.cf = -1;
    x->rx.st = TR_TIMEOUT;
    if (x->udp_client == NULL)
        return;
    int64_t deadline = tr_now_ms() + timeout_ms;
    for (;;) {
        int64_t left = deadline - tr_now_ms();
        if (left <= 0) {
            x->rx.st = TR_TIMEOUT;
            return;
        }
        x->rx.st = tr_udp_recv(&udp_client(x)->u, d, sizeof d, &n, (int)left, NULL);
        x->rx.gave_up = x->rx.st == TR_TIMEOUT && udp_client(x)->u.gave_up;
        if (x->rx.st != TR_OK || !repeats_last_answer(x, d, n))
            break;
        xt_printf(x, "  the IUT sent its previous answer again (%zu bytes): a retransmission "
                     "(RFC 9528 §7), not judged as a new message\n", n);
    }
    if (x->rx.st == TR_OK && !too_large(x, n)) {
        memcpy(x->rx.payload, d, n);
        x->rx.len = n;
    }
}

/* ------------------------------------------------------------ server side */

void x_coap_handler(void *arg, const tr_message *req, const char *peer_addr, tr_message *resp)
{
    sc_exec *x = arg;
    if (x->reverse)
        x_reverse_on_request(x, req, resp);
    else
        x_on_request(x, req, peer_addr, resp);
}

bool x_iut_gone(sc_exec *x)
{
    char desc[sizeof x->iut_end];
    if (x->iut_gone_ms > 0)
        return true;
    if (x->o.iut_state == NULL || x->o.iut_state(x->o.iut_arg, desc, sizeof desc) == 0)
        return false;
    snprintf(x->iut_end, sizeof x->iut_end, "%s", desc);
    x->iut_gone_ms = tr_now_ms();
    x->iut_gone_step = x->step < x->sc->n_steps ? x->step + 1 : 0;
    return true;
}

void x_step_begin(sc_exec *x)
{
    x_iut_gone(x);
    x->step_t0 = tr_now_ms();
}

const char *x_iut_exit_note(sc_exec *x)
{
    if (!x_iut_gone(x))
        return "";
    snprintf(x->iut_note, sizeof x->iut_note, "; the IUT %s %s", x->iut_end,
             x->iut_gone_ms <= x->step_t0 ? "before this step" : "while the harness waited");
    return x->iut_note;
}

void x_serve(sc_exec *x, int timeout_ms)
{
    int64_t deadline = tr_now_ms() + timeout_ms;
    static uint8_t d[TR_UDP_MAX_DATAGRAM], out[TR_UDP_MAX_DATAGRAM];
    x->handled = false;
    int drain_slice = 1;
    while (!x->handled || x->draining) {
        int64_t left = deadline - tr_now_ms();
        if (left <= 0)
            return;
        /* Bounded slices, to notice an IUT that exited; short ones while
         * draining, where that is what ends the wait (an IUT Initiator
         * exits right after its last exchange, most within a few ms): 1 ms
         * first, doubled up to 10 ms for one that takes its time. */
        int most = x->draining ? drain_slice : 100;
        if (x->draining && drain_slice < 10)
            drain_slice = drain_slice * 2 > 10 ? 10 : drain_slice * 2;
        int slice = left < most ? (int)left : most;
        if (x->server) {
            if (tr_coap_server_run(x->server, slice) != EH_OK)
                return;
            unsigned dup = tr_coap_server_duplicates(x->server);
            if (dup > 0)
                xt_printf(x, "  the IUT's CoAP layer sent %u request%s again with the same "
                             "Message ID (a retransmission): answered as before, not judged "
                             "again (RFC 7252 §4.5)\n", dup, dup > 1 ? "s" : "");
        } else {
            size_t n = 0;
            tr_addr from;
            if (tr_udp_recv(&x->udp, d, sizeof d, &n, slice, &from) == TR_OK) {
                char client[64];
                peer_udp_request rq;
                tr_message resp;
                const uint8_t *dgram = NULL;
                size_t len = 0;
                int64_t now = tr_now_ms();
                /* A retransmission (the IUT gave up waiting too early) gets
                 * the same answer; it is recorded, not judged again. The
                 * IUT is the only client: the same bytes from another of
                 * its addresses are one too (peer.h). */
                bool moved = false;
                if (peer_udp_replay_lookup(x->udp_replay, &from, d, n, now, &dgram, &len) ||
                    (moved = peer_udp_replay_lookup_any(x->udp_replay, d, n, now, &dgram,
                                                        &len))) {
                    xt_printf(x, "  IUT retransmitted its last datagram (%zu bytes)%s: %s\n", n,
                              moved ? " from another address" : "",
                              dgram ? "answered as before" : "not answered, as before");
                    if (dgram != NULL)
                        tr_udp_send(&x->udp, dgram, len, &from);
                    continue;
                }
                tr_addr_format(&from, client, sizeof client);
                peer_udp_request_parse(d, n, &rq);
                x_on_request(x, &rq.req, client, &resp);
                if (peer_udp_response_encode(&rq, &resp, out, sizeof out, &dgram, &len)) {
                    tr_udp_send(&x->udp, dgram, len, &from);
                    if (x->answer_twice) {
                        tr_udp_send(&x->udp, dgram, len, &from);
                        xt_printf(x, "  the same datagram sent a second time\n");
                    }
                } else {
                    dgram = NULL;
                }
                x->answer_twice = false;
                peer_udp_replay_store(x->udp_replay, &from, d, n, dgram, len, now);
            }
        }
        /* An IUT Initiator that exited has nothing more to send: stop
         * waiting (whatever it sent has been handled above). */
        if ((!x->handled || x->draining) && x_iut_gone(x))
            return;
    }
}

/*
 * bench_table.c - the reference Responder with many sessions (issue 19 item
 * 3): in one process, peer_responder_handle fed by a flood of message_1 from
 * many client addresses until the table is full, then the cost of one more
 * message_1 (each evicts the oldest half-open session), the cost of a whole
 * legitimate handshake during the flood, and the memory per session.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../peer/peer.h"
#include "bench.h"

static uint8_t buf[TR_MAX_BODY];

/* A message_1 request with the `true` prefix from a new Initiator session. */
static int message_1_request(const bench_pair *p, eh_session *si, tr_message *req)
{
    size_t n = 0;
    if (eh_session_init(si, &p->ci) != EH_OK ||
        eh_initiator_message_1(si, buf + 1, sizeof buf - 1, &n) != EH_OK)
        return -1;
    buf[0] = 0xf5;
    memset(req, 0, sizeof *req);
    req->code = TR_CODE_POST;
    req->uri_path = "/.well-known/edhoc";
    req->content_format = 65;
    req->payload = buf, req->payload_len = n + 1;
    return 0;
}

/* Client address number i: one of 2^24 IPv4 addresses, 16 ports each. */
static void client_name(long i, char *out, size_t cap)
{
    snprintf(out, cap, "10.%ld.%ld.%ld:%ld", (i >> 20) & 255, (i >> 12) & 255, (i >> 4) & 255,
             40000 + (i & 15));
}

/* The wire prefix of message_3: C_R as RFC 9528 §3.3.2 encodes it. */
static size_t c_r_prefix(const eh_session *si, uint8_t *out)
{
    uint8_t b = si->c_r[0];
    if (si->c_r_len == 1 && (b <= 0x17 || (b >= 0x20 && b <= 0x37))) {
        out[0] = b;
        return 1;
    }
    out[0] = (uint8_t)(0x40 | si->c_r_len);
    memcpy(out + 1, si->c_r, si->c_r_len);
    return 1 + si->c_r_len;
}

static eh_session si;

int bench_table_measure(const bench_pair *p, long n, int probes, bench_table_row *row)
{
    memset(row, 0, sizeof *row);
    row->sessions = n;
    peer_responder_opts o;
    memset(&o, 0, sizeof o);
    o.edhoc = &p->cr;
    o.framing = PEER_FRAMING_RFC9528;
    o.max_sessions = (size_t)n;
    o.resource = "/hello";
    o.no_oscore = true;
    long rss0 = bench_rss_kib(getpid());
    peer_responder *r = peer_responder_new(&o);
    if (r == NULL) {
        fprintf(stderr, "edhoc-bench: a Responder with %ld sessions: out of memory\n", n);
        return -1;
    }
    tr_message req, resp;
    char client[64];
    double t0 = bench_now_us();
    for (long i = 0; i < n; i++) { /* the flood: half-open sessions, many addresses */
        client_name(i, client, sizeof client);
        if (message_1_request(p, &si, &req) != 0)
            goto fail;
        peer_responder_handle(r, &req, client, &resp);
        if (resp.code != TR_CODE_CHANGED)
            goto fail;
    }
    row->fill_seconds = (bench_now_us() - t0) / 1e6;
    row->bytes_per_session = (double)(bench_rss_kib(getpid()) - rss0) * 1024.0 / (double)n;
    /* one more message_1 each: the table is full, the oldest half-open goes */
    double spent = 0;
    for (int k = 0; k < probes; k++) {
        client_name(n + k, client, sizeof client);
        if (message_1_request(p, &si, &req) != 0)
            goto fail;
        double t = bench_now_us();
        peer_responder_handle(r, &req, client, &resp);
        spent += bench_now_us() - t;
        if (resp.code != TR_CODE_CHANGED)
            goto fail;
    }
    row->message_1_us = spent / probes;
    /* a legitimate handshake (both parties' work) while the table is full */
    double best = -1;
    for (int k = 0; k < 5; k++) {
        client_name(n + probes + k, client, sizeof client);
        double t = bench_now_us();
        if (message_1_request(p, &si, &req) != 0)
            goto fail;
        peer_responder_handle(r, &req, client, &resp);
        size_t m3 = 0, pre;
        if (resp.code != TR_CODE_CHANGED ||
            eh_initiator_process_message_2(&si, resp.payload, resp.payload_len) != EH_OK)
            goto fail;
        pre = c_r_prefix(&si, buf);
        if (eh_initiator_message_3(&si, buf + pre, sizeof buf - pre, &m3) != EH_OK)
            goto fail;
        req.payload_len = pre + m3;
        peer_responder_handle(r, &req, client, &resp);
        if (resp.code != TR_CODE_CHANGED || resp.payload_len == 0 ||
            eh_initiator_process_message_4(&si, resp.payload, resp.payload_len) != EH_OK)
            goto fail;
        double us = bench_now_us() - t;
        if (best < 0 || us < best)
            best = us;
    }
    row->handshake_us = best;
    eh_session_wipe(&si);
    peer_responder_free(r);
    return 0;
fail:
    fprintf(stderr, "edhoc-bench: the Responder with %ld sessions did not answer as expected\n",
            n);
    eh_session_wipe(&si);
    peer_responder_free(r);
    return -1;
}

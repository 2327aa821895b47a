/*
 * test_udp_transport.c - raw UDP request/response of the peer layer
 * (peer_udp_exchange) against a scripted server thread, and the
 * Responder's retransmission cache (peer_udp_replay).
 *
 * The server thread answers the k-th datagram it receives with the
 * datagrams its script lists for k (possibly none). No sleeps: the server
 * blocks on its socket, the client's own bounded wait is the
 * synchronisation. What is checked: a late copy of the previous answer
 * (the server answered every copy of a retransmitted request) is not taken
 * as the answer to the next request; an identical answer to a request
 * sent once is kept (RFC 9528 §7 allows the identical message again); a
 * CoAP response with another token is not taken as the answer. Also which
 * host names count as loopback (flood steps are refused elsewhere), and
 * that the port picked for an IUT lies below the ephemeral range and is free
 * for UDP and TCP.
 */
#include <check.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../peer/peer.h"
#include "../transport/free_port.h"

#define MAX_STEPS 8
#define MAX_ANSWERS 3

typedef struct answer {
    uint8_t bytes[64];
    size_t len;
} answer;

typedef struct server {
    tr_udp u;
    pthread_t thread;
    int steps;
    answer script[MAX_STEPS][MAX_ANSWERS];
    int n_answers[MAX_STEPS];
    uint8_t seen[MAX_STEPS][128]; /* what the server received */
    size_t seen_len[MAX_STEPS];
} server;

static void *serve(void *arg)
{
    server *s = arg;
    static __thread uint8_t d[TR_UDP_MAX_DATAGRAM];
    for (int k = 0; k < s->steps; k++) {
        size_t n = 0;
        tr_addr from;
        if (tr_udp_recv(&s->u, d, sizeof d, &n, 10000, &from) != TR_OK)
            return NULL;
        s->seen_len[k] = n < sizeof s->seen[k] ? n : sizeof s->seen[k];
        memcpy(s->seen[k], d, s->seen_len[k]);
        for (int i = 0; i < s->n_answers[k]; i++)
            tr_udp_send(&s->u, s->script[k][i].bytes, s->script[k][i].len, &from);
    }
    return NULL;
}

static void script(server *s, int step, const void *bytes, size_t len)
{
    answer *a = &s->script[step][s->n_answers[step]++];
    memcpy(a->bytes, bytes, len);
    a->len = len;
    if (step + 1 > s->steps)
        s->steps = step + 1;
}

static void start(server *s, peer_udp_client *c, int timeout_ms)
{
    ck_assert_int_eq(tr_udp_bind(&s->u, "127.0.0.1", 0), EH_OK);
    ck_assert_int_eq(tr_udp_connect(&c->u, "127.0.0.1", tr_udp_local_port(&s->u)), EH_OK);
    c->timeout_ms = timeout_ms;
    ck_assert_int_eq(pthread_create(&s->thread, NULL, serve, s), 0);
}

static void stop(server *s, peer_udp_client *c)
{
    pthread_join(s->thread, NULL);
    tr_udp_close(&s->u);
    tr_udp_close(&c->u);
}

static tr_status post(peer_udp_client *c, const uint8_t *p, size_t n, tr_message *resp,
                      uint8_t *buf, size_t cap)
{
    tr_message req;
    memset(&req, 0, sizeof req);
    req.code = TR_CODE_POST;
    req.uri_path = "/.well-known/edhoc";
    req.payload = p, req.payload_len = n;
    req.content_format = -1;
    return peer_udp_exchange(c, &req, resp, buf, cap);
}

static const uint8_t M1[] = {0xf5, 0x03, 0x02, 0x41, 0x01};
static const uint8_t M2[] = {0x58, 0x03, 0xaa, 0xbb, 0xcc};
static const uint8_t M3[] = {0x37, 0x43, 0x01, 0x02, 0x03};
static const uint8_t M4[] = {0x42, 0xdd, 0xee};

START_TEST(test_late_copy_of_previous_answer_dropped)
{
    /* message_1 is sent twice (the server holds its first answer until
     * the retransmission arrives, then answers both copies); the second
     * copy of message_2 then arrives after message_3 was sent. */
    server *s = calloc(1, sizeof *s);
    peer_udp_client *c = calloc(1, sizeof *c);
    static uint8_t buf[TR_UDP_MAX_DATAGRAM];
    tr_message resp;
    s->steps = 1; /* first copy of message_1: no answer yet */
    script(s, 1, M2, sizeof M2);
    script(s, 2, M2, sizeof M2); /* late copy, after message_3 */
    script(s, 2, M4, sizeof M4);
    start(s, c, 700); /* waits 100, 200, 400 ms */
    ck_assert_int_eq(post(c, M1, sizeof M1, &resp, buf, sizeof buf), TR_OK);
    ck_assert_mem_eq(resp.payload, M2, sizeof M2);
    ck_assert_int_eq(post(c, M3, sizeof M3, &resp, buf, sizeof buf), TR_OK);
    ck_assert_uint_eq(resp.payload_len, sizeof M4);
    ck_assert_mem_eq(resp.payload, M4, sizeof M4);
    stop(s, c);
    ck_assert_mem_eq(s->seen[0], M1, sizeof M1);
    ck_assert_mem_eq(s->seen[1], M1, sizeof M1);
    ck_assert_mem_eq(s->seen[2], M3, sizeof M3);
    free(s), free(c);
}
END_TEST

START_TEST(test_identical_answer_to_a_request_sent_once_kept)
{
    /* Each request went out once: an identical answer to the next one is
     * that request's answer (RFC 9528 §7 lets a peer resend the same
     * message), never dropped as a late copy. */
    server *s = calloc(1, sizeof *s);
    peer_udp_client *c = calloc(1, sizeof *c);
    static uint8_t buf[TR_UDP_MAX_DATAGRAM];
    tr_message resp;
    script(s, 0, M2, sizeof M2);
    script(s, 1, M2, sizeof M2);
    start(s, c, 7000);
    ck_assert_int_eq(post(c, M1, sizeof M1, &resp, buf, sizeof buf), TR_OK);
    ck_assert_int_eq(post(c, M1, sizeof M1, &resp, buf, sizeof buf), TR_OK);
    ck_assert_uint_eq(resp.payload_len, sizeof M2);
    ck_assert_mem_eq(resp.payload, M2, sizeof M2);
    stop(s, c);
    free(s), free(c);
}
END_TEST

START_TEST(test_copy_of_previous_answer_never_answers_another_request)
{
    /* message_1 went out once, but the network delivered message_2 twice:
     * the copy that arrives after message_3 was sent is not its answer. */
    server *s = calloc(1, sizeof *s);
    peer_udp_client *c = calloc(1, sizeof *c);
    static uint8_t buf[TR_UDP_MAX_DATAGRAM];
    tr_message resp;
    script(s, 0, M2, sizeof M2);
    script(s, 1, M2, sizeof M2);
    script(s, 1, M4, sizeof M4);
    start(s, c, 7000);
    ck_assert_int_eq(post(c, M1, sizeof M1, &resp, buf, sizeof buf), TR_OK);
    ck_assert_int_eq(post(c, M3, sizeof M3, &resp, buf, sizeof buf), TR_OK);
    ck_assert_uint_eq(resp.payload_len, sizeof M4);
    ck_assert_mem_eq(resp.payload, M4, sizeof M4);
    stop(s, c);
    free(s), free(c);
}
END_TEST

START_TEST(test_coap_response_with_another_token_dropped)
{
    server *s = calloc(1, sizeof *s);
    peer_udp_client *c = calloc(1, sizeof *c);
    static uint8_t buf[TR_UDP_MAX_DATAGRAM];
    uint8_t d[64];
    size_t n = 0;
    eh_coap_msg m;
    tr_message req, resp;
    const uint8_t other_token[2] = {0x99, 0x99}, token[2] = {0x00, 0x01}; /* first mid: 1 */
    memset(&m, 0, sizeof m);
    m.code = 0x84; /* 4.04: from an earlier exchange */
    eh_coap_udp_hdr h = {EH_COAP_ACK, 0x9999, other_token, 2};
    ck_assert_int_eq(eh_coap_udp_encode(&h, &m, d, sizeof d, &n), EH_OK);
    script(s, 0, d, n);
    m.code = 0x45; /* 2.05 */
    h = (eh_coap_udp_hdr){EH_COAP_ACK, 1, token, 2};
    ck_assert_int_eq(eh_coap_udp_encode(&h, &m, d, sizeof d, &n), EH_OK);
    script(s, 0, d, n);
    start(s, c, 7000);
    static const uint8_t kid[] = {0x09, 0x00};
    memset(&req, 0, sizeof req);
    req.code = TR_CODE_POST;
    req.opts[0] = (tr_option){TR_OPTION_OSCORE, kid, sizeof kid};
    req.n_opts = 1;
    req.content_format = -1;
    ck_assert_int_eq(peer_udp_exchange(c, &req, &resp, buf, sizeof buf), TR_OK);
    ck_assert_uint_eq(resp.code, 0x45);
    stop(s, c);
    free(s), free(c);
}
END_TEST

/* ------------------------------------------------------ the replay cache */

static tr_addr addr(uint16_t port)
{
    tr_addr a;
    ck_assert_int_eq(tr_addr_resolve("127.0.0.1", port, &a), EH_OK);
    return a;
}

START_TEST(test_replay_same_client_same_bytes)
{
    peer_udp_replay *c = calloc(1, sizeof *c);
    tr_addr a = addr(1000), b = addr(1001);
    const uint8_t *ans;
    size_t len;
    ck_assert(!peer_udp_replay_lookup(c, &a, M1, sizeof M1, 0, &ans, &len));
    peer_udp_replay_store(c, &a, M1, sizeof M1, M2, sizeof M2, 0);
    ck_assert(peer_udp_replay_lookup(c, &a, M1, sizeof M1, 1000, &ans, &len));
    ck_assert_uint_eq(len, sizeof M2);
    ck_assert_mem_eq(ans, M2, sizeof M2);
    /* another client, other bytes, one byte fewer: not a retransmission */
    ck_assert(!peer_udp_replay_lookup(c, &b, M1, sizeof M1, 1000, &ans, &len));
    /* ... unless there is one client only, whose address changed */
    ck_assert(peer_udp_replay_lookup_any(c, M1, sizeof M1, 1000, &ans, &len));
    ck_assert_uint_eq(len, sizeof M2);
    ck_assert_mem_eq(ans, M2, sizeof M2);
    ck_assert(!peer_udp_replay_lookup_any(c, M3, sizeof M3, 1000, &ans, &len));
    ck_assert(!peer_udp_replay_lookup_any(c, M1, sizeof M1 - 1, 1000, &ans, &len));
    ck_assert(!peer_udp_replay_lookup(c, &a, M3, sizeof M3, 1000, &ans, &len));
    ck_assert(!peer_udp_replay_lookup(c, &a, M1, sizeof M1 - 1, 1000, &ans, &len));
    /* EXCHANGE_LIFETIME (247 s) over: a new request */
    ck_assert(peer_udp_replay_lookup(c, &a, M1, sizeof M1, 247000, &ans, &len));
    ck_assert(!peer_udp_replay_lookup(c, &a, M1, sizeof M1, 247001, &ans, &len));
    ck_assert(!peer_udp_replay_lookup_any(c, M1, sizeof M1, 247001, &ans, &len));
    /* the next request of the client replaces its slot; no answer sent */
    peer_udp_replay_store(c, &a, M3, sizeof M3, NULL, 0, 2000);
    ck_assert(!peer_udp_replay_lookup(c, &a, M1, sizeof M1, 2000, &ans, &len));
    ck_assert(peer_udp_replay_lookup(c, &a, M3, sizeof M3, 2000, &ans, &len));
    ck_assert_ptr_null(ans);
    ck_assert_uint_eq(len, 0);
    peer_udp_replay_free(c);
    free(c);
}
END_TEST

START_TEST(test_replay_bounded_least_recent_evicted)
{
    peer_udp_replay *c = calloc(1, sizeof *c);
    const uint8_t *ans;
    size_t len;
    for (uint16_t i = 0; i < PEER_UDP_REPLAY_SLOTS + 1; i++) {
        tr_addr a = addr((uint16_t)(2000 + i));
        peer_udp_replay_store(c, &a, M1, sizeof M1, M2, sizeof M2, i);
    }
    tr_addr first = addr(2000), second = addr(2001), last = addr(2000 + PEER_UDP_REPLAY_SLOTS);
    ck_assert(!peer_udp_replay_lookup(c, &first, M1, sizeof M1, 100, &ans, &len));
    ck_assert(peer_udp_replay_lookup(c, &second, M1, sizeof M1, 100, &ans, &len));
    ck_assert(peer_udp_replay_lookup(c, &last, M1, sizeof M1, 100, &ans, &len));
    peer_udp_replay_free(c);
    free(c);
}
END_TEST

/* ------------------------------------------ what a Responder's datagram is */

static bool awaits_03c8(void *arg, const uint8_t *c_r, size_t len)
{
    (void)arg;
    return len == 2 && c_r[0] == 0x03 && c_r[1] == 0xc8;
}

static bool awaits_nothing(void *arg, const uint8_t *c_r, size_t len)
{
    (void)arg, (void)c_r, (void)len;
    return false;
}

/* message_3 with a two-byte C_R (h'03c8', as the reference Responder hands
 * out after its 48 one-byte identifiers) whose bytes also decode as a CoAP
 * request with an OSCORE option (0x42: version 1, CON, a two-byte token): a
 * repeated loopback run met one in a few hundred. It is EDHOC when a session
 * with that C_R waits for message_3. */
START_TEST(test_message_3_that_parses_as_coap_is_edhoc)
{
    uint8_t d[88];
    size_t n = 0;
    memcpy(d, "\x42\x03\xc8\x58\x53", 5), n = 5; /* C_R, then bstr(83) */
    d[n++] = 0xa7;                              /* CoAP: the token's second byte */
    d[n++] = 0x9a;                              /* option delta 9 (OSCORE), length 10 */
    memset(d + n, 0x11, 10), n += 10;
    d[n++] = 0xff;                              /* payload marker */
    memset(d + n, 0x22, sizeof d - n), n = sizeof d;
    eh_coap_udp_hdr h;
    eh_coap_msg m;
    ck_assert_int_eq(eh_coap_udp_decode(d, n, &h, &m), EH_OK); /* the premise */
    ck_assert_int_ge(eh_coap_find_option(&m, EH_COAP_OPT_OSCORE), 0);
    peer_udp_request rq;
    peer_udp_request_parse_for(d, n, awaits_03c8, NULL, &rq);
    ck_assert(!rq.coap);
    ck_assert_ptr_eq(rq.req.payload, d);
    ck_assert_uint_eq(rq.req.payload_len, n);
    ck_assert_str_eq(rq.req.uri_path, "/.well-known/edhoc");
    /* no session waits for it: CoAP, as it parses */
    peer_udp_request_parse_for(d, n, awaits_nothing, NULL, &rq);
    ck_assert(rq.coap);
    /* bare framing: message_3 alone, one bstr (0x58: version 1, a token of 8) */
    peer_udp_request_parse(d + 3, n - 3, &rq);
    ck_assert(!rq.coap);
}
END_TEST

/* An OSCORE request whose bytes are also a bstr(2) and one more bstr to the
 * end (its Message ID's low byte 0x40 + the rest's length) stays CoAP when
 * no session waits for message_3 with that "C_R". */
START_TEST(test_oscore_request_that_parses_as_edhoc_is_coap)
{
    uint8_t tok[2] = {0x02, 0x56}, payload[15], out[128], osc[3] = {0x09, 0x00, 0x27};
    size_t len = 0;
    memset(payload, 0x33, sizeof payload);
    eh_coap_msg m;
    memset(&m, 0, sizeof m);
    m.code = 0x02; /* POST, as OSCORE sends it */
    m.opts[m.n_opts++] = (eh_coap_option){EH_COAP_OPT_OSCORE, osc, sizeof osc};
    m.payload = payload, m.payload_len = sizeof payload;
    eh_coap_udp_hdr rh = {EH_COAP_CON, 0x0200, tok, sizeof tok};
    ck_assert_int_eq(eh_coap_udp_encode(&rh, &m, out, sizeof out, &len), EH_OK);
    rh.message_id = (uint16_t)(0x0200 | (0x40 + len - 4));
    ck_assert_int_eq(eh_coap_udp_encode(&rh, &m, out, sizeof out, &len), EH_OK);
    peer_udp_request rq;
    peer_udp_request_parse_for(out, len, awaits_nothing, NULL, &rq);
    ck_assert(rq.coap);
    ck_assert_uint_eq(rq.hdr.message_id, rh.message_id);
    peer_udp_request_parse(out, len, &rq);
    ck_assert(rq.coap);
}
END_TEST

/* Flood steps run only against loopback addresses (tr_host_is_loopback). */
START_TEST(test_loopback_hosts)
{
    ck_assert(tr_host_is_loopback("127.0.0.1"));
    ck_assert(tr_host_is_loopback("127.1.2.3"));
    ck_assert(tr_host_is_loopback("::1"));
    ck_assert(tr_host_is_loopback("[::1]"));
    ck_assert(tr_host_is_loopback("::ffff:127.0.0.1"));
    ck_assert(!tr_host_is_loopback("192.0.2.1"));
    ck_assert(!tr_host_is_loopback("128.0.0.1"));
    ck_assert(!tr_host_is_loopback("::2"));
    ck_assert(!tr_host_is_loopback("::ffff:192.0.2.1"));
    ck_assert(!tr_host_is_loopback("2001:db8::1"));
    ck_assert(!tr_host_is_loopback("0.0.0.0"));
    ck_assert(!tr_host_is_loopback(""));
    ck_assert(!tr_host_is_loopback("[]"));
    ck_assert(!tr_host_is_loopback(NULL));
}
END_TEST

static bool binds(const char *host, int type, int port)
{
    tr_addr a;
    ck_assert_int_eq(tr_addr_resolve(host, (uint16_t)port, &a), EH_OK);
    int fd = socket(a.sa.ss_family, type, 0);
    ck_assert_int_ge(fd, 0);
    bool ok = bind(fd, (struct sockaddr *)&a.sa, a.len) == 0;
    close(fd);
    return ok;
}

START_TEST(test_iut_port_below_the_ephemeral_range)
{
    int low = 0, high = 0;
    FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
    if (f != NULL) {
        ck_assert_int_eq(fscanf(f, "%d %d", &low, &high), 2);
        fclose(f);
        ck_assert_int_eq(tr_ephemeral_low(), low);
    } else {
        ck_assert_int_eq(tr_ephemeral_low(), 32768);
    }
    const char *hosts[] = {"127.0.0.1", "::1"};
    for (size_t h = 0; h < 2; h++) {
        int seen[20];
        size_t distinct = 0;
        for (int i = 0; i < 20; i++) {
            int port = tr_free_port(hosts[h]);
            ck_assert_int_ge(port, TR_FREE_PORT_LOW);
            ck_assert_int_lt(port, tr_ephemeral_low());
            ck_assert(binds(hosts[h], SOCK_DGRAM, port) && binds(hosts[h], SOCK_STREAM, port));
            bool again = false;
            for (size_t k = 0; k < distinct; k++)
                again |= seen[k] == port;
            if (!again)
                seen[distinct++] = port;
        }
        ck_assert_uint_gt(distinct, 10); /* drawn at random, not one fixed port */
    }
    ck_assert_int_eq(tr_free_port("no-such-host.invalid"), -1);
}
END_TEST

/* A peer restarted after each session (peers/README.md's loop): it takes the
 * first copy of a request and closes its port; a resend meets the closed
 * port (ICMP port unreachable). That is no answer and no reset: the first
 * copy arrived. With `reopen` it binds the port again and answers the next
 * copy it takes, as a restarted IUT would. */
typedef struct restarting {
    tr_udp u; /* bound by the test before the thread starts */
    int port;
    bool reopen;
    uint8_t first[16];
    ssize_t first_len;
} restarting;

static void *restarting_peer(void *arg)
{
    restarting *r = arg;
    tr_udp u;
    r->first_len = recv(r->u.fd, r->first, sizeof r->first, 0);
    tr_udp_close(&r->u); /* "exits" after its session */
    if (!r->reopen || tr_udp_bind(&u, "127.0.0.1", (uint16_t)r->port) != EH_OK)
        return NULL;
    uint8_t d[64];
    size_t n = 0;
    tr_addr from;
    if (tr_udp_recv(&u, d, sizeof d, &n, 5000, &from) == TR_OK)
        tr_udp_send(&u, M2, sizeof M2, &from);
    tr_udp_close(&u);
    return NULL;
}

START_TEST(test_a_resend_that_meets_a_closed_port_is_no_reset)
{
    for (int reopen = 0; reopen <= 1; reopen++) {
        restarting r = {.port = tr_free_port("127.0.0.1"), .reopen = reopen};
        ck_assert_int_gt(r.port, 0);
        /* bound here, so the first copy finds the port open */
        ck_assert_int_eq(tr_udp_bind(&r.u, "127.0.0.1", (uint16_t)r.port), EH_OK);
        pthread_t t;
        ck_assert_int_eq(pthread_create(&t, NULL, restarting_peer, &r), 0);
        tr_udp c;
        ck_assert_int_eq(tr_udp_connect(&c, "127.0.0.1", (uint16_t)r.port), EH_OK);
        uint8_t buf[64];
        size_t n = 0;
        int sends = 0;
        tr_status st = tr_udp_exchange(&c, M1, sizeof M1, buf, sizeof buf, &n, 50, 3, NULL,
                                       NULL, &sends);
        if (reopen) {
            /* a later copy reached the restarted peer, which answered it */
            ck_assert_int_eq(st, TR_OK);
            ck_assert_mem_eq(buf, M2, sizeof M2);
        } else {
            ck_assert_int_eq(st, TR_TIMEOUT); /* not TR_RESET */
            ck_assert_int_eq(sends, 4);
            ck_assert_int_ge(c.resends_refused, 1);
        }
        tr_udp_close(&c);
        pthread_join(t, NULL);
        ck_assert_int_eq(r.first_len, (ssize_t)sizeof M1);
        ck_assert_mem_eq(r.first, M1, sizeof M1);
    }
}
END_TEST

/* Nothing listens when the first copy arrives: that is a reset, at once. */
START_TEST(test_a_first_copy_that_meets_a_closed_port_is_a_reset)
{
    int port = tr_free_port("127.0.0.1");
    ck_assert_int_gt(port, 0);
    tr_udp c;
    ck_assert_int_eq(tr_udp_connect(&c, "127.0.0.1", (uint16_t)port), EH_OK);
    uint8_t buf[64];
    size_t n = 0;
    int sends = 0;
    ck_assert_int_eq(tr_udp_exchange(&c, M1, sizeof M1, buf, sizeof buf, &n, 5000, 3, NULL,
                                     NULL, &sends),
                     TR_RESET);
    ck_assert_int_eq(sends, 1);
    ck_assert_int_eq(c.resends_refused, 0);
    tr_udp_close(&c);
}
END_TEST

/* tr_port_taken: a port a UDP socket holds is taken, and free again once it is
 * closed (the test an IUT's failed start uses to tell a port race from a failure). */
START_TEST(test_port_taken_while_a_socket_holds_it)
{
    tr_udp u;
    /* below the ephemeral range: free again once closed, whatever client
     * sockets other processes open meanwhile */
    int port = tr_free_port("127.0.0.1");
    ck_assert_int_gt(port, 0);
    ck_assert(!tr_port_taken("127.0.0.1", port));
    ck_assert_int_eq(tr_udp_bind(&u, "127.0.0.1", port), EH_OK);
    ck_assert(tr_port_taken("127.0.0.1", port));
    tr_udp_close(&u);
    ck_assert(!tr_port_taken("127.0.0.1", port));
    ck_assert(!tr_port_taken("no-such-host.invalid", port));
}
END_TEST

Suite *eh_test_udp_transport_suite(void)
{
    Suite *s = suite_create("udp_transport");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_late_copy_of_previous_answer_dropped);
    tcase_add_test(tc, test_identical_answer_to_a_request_sent_once_kept);
    tcase_add_test(tc, test_copy_of_previous_answer_never_answers_another_request);
    tcase_add_test(tc, test_coap_response_with_another_token_dropped);
    tcase_add_test(tc, test_replay_same_client_same_bytes);
    tcase_add_test(tc, test_replay_bounded_least_recent_evicted);
    tcase_add_test(tc, test_loopback_hosts);
    tcase_add_test(tc, test_iut_port_below_the_ephemeral_range);
    tcase_add_test(tc, test_port_taken_while_a_socket_holds_it);
    tcase_add_test(tc, test_a_resend_that_meets_a_closed_port_is_no_reset);
    tcase_add_test(tc, test_a_first_copy_that_meets_a_closed_port_is_a_reset);
    tcase_add_test(tc, test_message_3_that_parses_as_coap_is_edhoc);
    tcase_add_test(tc, test_oscore_request_that_parses_as_edhoc_is_coap);
    suite_add_tcase(s, tc);
    return s;
}

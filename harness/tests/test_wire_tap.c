/*
 * test_wire_tap.c - the datagram recorder (harness/transport/wire_tap.h).
 *
 * Both ends of each exchange live in this process, so every datagram is
 * recorded twice: once as sent, once as received, with the same addresses,
 * ports and bytes. Checked: our raw UDP transport over IPv4 (an empty
 * datagram included), libcoap's client and server over IPv6 (the CON POST
 * and its piggybacked 2.04, byte for byte as a CoAP datagram), and
 * nothing recorded once stopped; and the receive filter (dropped datagrams
 * skipped, the whole length seen, EAGAIN when none is left). No sleeps: a UDP datagram is queued on
 * the receiving socket when send returns; the CoAP server runs in a
 * thread and the client's own bounded wait is the synchronisation.
 */
#define _DEFAULT_SOURCE /* libpcap's headers use the BSD types u_char, u_int */
#include <check.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../transport/coap.h"
#include "../transport/udp.h"
#include "../transport/wire_tap.h"

typedef struct rec {
    int v;
    uint8_t src[16], dst[16];
    unsigned sport, dport;
    uint8_t data[512];
    size_t len;
} rec;

static char dir[64], path[128];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/eh-tap-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/job.pcap", dir);
}

static void teardown(void)
{
    unlink(path);
    rmdir(dir);
}

static tr_pcap *open_capture(size_t max_packets)
{
    char err[256];
    tr_pcap *p = tr_pcap_open(path, max_packets, 1 << 20, err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    return p;
}

/* Reads the records of the closed capture back with libpcap. */
static size_t read_back(rec *out, size_t cap)
{
    char perr[PCAP_ERRBUF_SIZE];
    pcap_t *r = pcap_open_offline(path, perr);
    ck_assert_msg(r != NULL, "%s", perr);
    struct pcap_pkthdr *h;
    const u_char *d;
    size_t n = 0;
    while (pcap_next_ex(r, &h, &d) == 1) {
        ck_assert_uint_lt(n, cap);
        rec *x = &out[n++];
        memset(x, 0, sizeof *x);
        x->v = d[0] >> 4;
        size_t ip = x->v == 4 ? 20 : 40, alen = x->v == 4 ? 4 : 16;
        memcpy(x->src, d + (x->v == 4 ? 12 : 8), alen);
        memcpy(x->dst, d + (x->v == 4 ? 16 : 24), alen);
        x->sport = (unsigned)d[ip] << 8 | d[ip + 1];
        x->dport = (unsigned)d[ip + 2] << 8 | d[ip + 3];
        x->len = h->caplen - ip - 8;
        ck_assert_uint_le(x->len, sizeof x->data);
        memcpy(x->data, d + ip + 8, x->len);
    }
    pcap_close(r);
    return n;
}

static void close_capture(tr_pcap *p)
{
    char err[256];
    ck_assert_ptr_eq(tr_tap_stop(), p);
    ck_assert_int_eq(tr_pcap_close(p, err, sizeof err), 0);
}

START_TEST(test_raw_udp_both_directions)
{
    tr_udp srv, cli;
    ck_assert_int_eq(tr_udp_bind(&srv, "127.0.0.1", 0), EH_OK);
    unsigned sport = tr_udp_local_port(&srv);
    ck_assert_int_eq(tr_udp_connect(&cli, "127.0.0.1", (uint16_t)sport), EH_OK);
    unsigned cport = tr_udp_local_port(&cli);
    static const uint8_t m1[] = {0xf5, 0x03, 0x02, 0x58, 0x20};
    uint8_t buf[64];
    size_t n = 0;
    tr_addr from;

    tr_pcap *p = open_capture(100);
    tr_tap_start(p);
    ck_assert_int_eq(tr_udp_send(&cli, m1, sizeof m1, NULL), TR_OK);              /* send */
    ck_assert_int_eq(tr_udp_recv(&srv, buf, sizeof buf, &n, 1000, &from), TR_OK); /* recvfrom */
    ck_assert_int_eq(tr_udp_send(&srv, buf, 0, &from), TR_OK);                    /* sendto */
    ck_assert_int_eq(tr_udp_recv(&cli, buf, sizeof buf, &n, 1000, NULL), TR_OK);  /* recvfrom */
    ck_assert_uint_eq(n, 0);
    close_capture(p);
    /* not recorded any more */
    ck_assert_int_eq(tr_udp_send(&cli, m1, sizeof m1, NULL), TR_OK);
    tr_udp_close(&srv);
    tr_udp_close(&cli);

    rec r[8];
    ck_assert_uint_eq(read_back(r, 8), 4);
    static const uint8_t lo[4] = {127, 0, 0, 1};
    for (int i = 0; i < 4; i++) {
        bool to_srv = i < 2;
        ck_assert_int_eq(r[i].v, 4);
        ck_assert_mem_eq(r[i].src, lo, 4);
        ck_assert_mem_eq(r[i].dst, lo, 4);
        ck_assert_uint_eq(r[i].sport, to_srv ? cport : sport);
        ck_assert_uint_eq(r[i].dport, to_srv ? sport : cport);
        ck_assert_uint_eq(r[i].len, to_srv ? sizeof m1 : 0);
        if (to_srv)
            ck_assert_mem_eq(r[i].data, m1, sizeof m1);
    }
}
END_TEST

typedef struct server {
    tr_coap_server *s;
    pthread_t thread;
    atomic_bool stop;
} server;

static const uint8_t REPLY[] = {0x58, 0x2b, 0xc9, 0x42};

static void handler(void *arg, const tr_message *req, const char *peer, tr_message *resp)
{
    (void)arg, (void)req, (void)peer;
    resp->code = TR_CODE_CHANGED;
    resp->content_format = 64;
    resp->payload = REPLY;
    resp->payload_len = sizeof REPLY;
}

static void *serve(void *arg)
{
    server *sv = arg;
    while (!atomic_load(&sv->stop))
        tr_coap_server_run(sv->s, 20);
    return NULL;
}

static bool contains(const rec *r, const char *s, size_t n)
{
    for (size_t i = 0; i + n <= r->len; i++)
        if (memcmp(r->data + i, s, n) == 0)
            return true;
    return false;
}

/* Does the CoAP datagram end with the payload marker and pl? */
static bool ends_with_payload(const rec *r, const uint8_t *pl, size_t n)
{
    return r->len > 4 + n && r->data[r->len - n - 1] == 0xff &&
           memcmp(r->data + r->len - n, pl, n) == 0;
}

START_TEST(test_libcoap_datagrams_ipv6)
{
    server sv;
    memset(&sv, 0, sizeof sv);
    atomic_init(&sv.stop, false);
    if (tr_coap_server_open(&sv.s, "::1", 0, handler, NULL) != EH_OK) {
        fprintf(stderr, "wire_tap: cannot bind ::1, test skipped\n");
        return;
    }
    unsigned port = tr_coap_server_port(sv.s);
    tr_coap_client *c = NULL;
    ck_assert_int_eq(tr_coap_client_open(&c, "::1", (uint16_t)port), EH_OK);
    tr_pcap *p = open_capture(100);
    tr_tap_start(p);
    ck_assert_int_eq(pthread_create(&sv.thread, NULL, serve, &sv), 0);

    static const uint8_t m1[] = {0xf5, 0x03, 0x02, 0x58, 0x20, 0x11};
    tr_message req, resp;
    memset(&req, 0, sizeof req);
    req.code = TR_CODE_POST;
    req.uri_path = "/.well-known/edhoc";
    req.content_format = 65;
    req.payload = m1, req.payload_len = sizeof m1;
    uint8_t buf[256];
    ck_assert_int_eq(tr_coap_client_request(c, &req, 3000, &resp, buf, sizeof buf), TR_OK);
    long wreq, wresp;
    tr_coap_client_wire_sizes(c, &wreq, &wresp);
    atomic_store(&sv.stop, true);
    pthread_join(sv.thread, NULL);
    close_capture(p);
    tr_coap_client_close(c);
    tr_coap_server_close(sv.s);

    rec r[16];
    size_t n = read_back(r, 16);
    /* the request and the response, each as sent and as received */
    ck_assert_uint_eq(n, 4);
    static const uint8_t lo6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    int posts = 0, answers = 0;
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(r[i].v, 6);
        ck_assert_mem_eq(r[i].src, lo6, 16);
        ck_assert_mem_eq(r[i].dst, lo6, 16);
        if (r[i].dport == port) { /* CON POST /.well-known/edhoc, Content-Format 65 */
            posts++;
            ck_assert_uint_eq(r[i].data[0] >> 4, 0x4); /* version 1, CON */
            ck_assert_uint_eq(r[i].data[1], TR_CODE_POST);
            ck_assert(contains(&r[i], "\xbb.well-known\x05" "edhoc", 18));
            ck_assert(ends_with_payload(&r[i], m1, sizeof m1));
            ck_assert_int_eq((long)r[i].len, wreq);
        } else { /* piggybacked ACK 2.04 */
            answers++;
            ck_assert_uint_eq(r[i].sport, port);
            ck_assert_uint_eq(r[i].data[0] >> 4, 0x6); /* version 1, ACK */
            ck_assert_uint_eq(r[i].data[1], TR_CODE_CHANGED);
            ck_assert(ends_with_payload(&r[i], REPLY, sizeof REPLY));
            ck_assert_int_eq((long)r[i].len, wresp);
        }
    }
    ck_assert_int_eq(posts, 2);
    ck_assert_int_eq(answers, 2);
    /* as sent = as received */
    for (size_t i = 0; i < n; i++)
        for (size_t k = i + 1; k < n; k++)
            if (r[i].dport == r[k].dport) {
                ck_assert_uint_eq(r[i].len, r[k].len);
                ck_assert_mem_eq(r[i].data, r[k].data, r[i].len);
            }
}
END_TEST

/* The receive filter: drops what starts with 'x', records what it saw. */
typedef struct seen {
    int calls;
    size_t n, len;
} seen;

static bool drop_x(void *arg, const uint8_t *d, size_t n, size_t len)
{
    seen *s = arg;
    s->calls++, s->n = n, s->len = len;
    return n > 0 && d[0] == 'x';
}

START_TEST(test_receive_filter)
{
    tr_udp srv, cli;
    ck_assert_int_eq(tr_udp_bind(&srv, "127.0.0.1", 0), EH_OK);
    ck_assert_int_eq(tr_udp_connect(&cli, "127.0.0.1", tr_udp_local_port(&srv)), EH_OK);
    uint8_t big[3000], buf[64];
    memset(big, 'y', sizeof big);
    seen s = {0};
    tr_addr from;
    from.len = sizeof from.sa; /* the call keeps it right for each datagram taken */
    tr_udp_send(&cli, (const uint8_t *)"x1", 2, NULL);
    tr_udp_send(&cli, (const uint8_t *)"ok", 2, NULL);
    tr_udp_send(&cli, (const uint8_t *)"x2", 2, NULL);
    tr_udp_send(&cli, big, sizeof big, NULL);

    tr_pcap *p = open_capture(100);
    tr_tap_start(p);
    tr_tap_set_filter(drop_x, &s);
    /* the dropped "x1" is skipped: the call returns the next one */
    ck_assert_int_eq(recvfrom(srv.fd, buf, sizeof buf, 0, (struct sockaddr *)&from.sa, &from.len), 2);
    ck_assert_mem_eq(buf, "ok", 2);
    ck_assert_int_eq(s.calls, 2);
    /* the filter sees a datagram's whole length; the caller gets what fits,
     * as without a filter ("x2" is dropped on the way) */
    ck_assert_int_eq(recvfrom(srv.fd, buf, sizeof buf, 0, (struct sockaddr *)&from.sa, &from.len), (int)sizeof buf);
    ck_assert_uint_eq(s.len, sizeof big);
    ck_assert_uint_eq(s.n, sizeof buf);
    /* nothing left after a dropped datagram: EAGAIN, not a wait */
    tr_udp_send(&cli, (const uint8_t *)"x3", 2, NULL);
    errno = 0;
    ck_assert_int_eq(recvfrom(srv.fd, buf, sizeof buf, 0, (struct sockaddr *)&from.sa, &from.len), -1);
    ck_assert_int_eq(errno, EAGAIN);
    /* without a filter nothing is dropped */
    tr_tap_set_filter(NULL, NULL);
    tr_udp_send(&cli, (const uint8_t *)"x4", 2, NULL);
    ck_assert_int_eq(recvfrom(srv.fd, buf, sizeof buf, 0, (struct sockaddr *)&from.sa, &from.len), 2);
    close_capture(p);
    tr_udp_close(&srv);
    tr_udp_close(&cli);
    /* every datagram received was recorded, the dropped ones too (and x3,
     * x4 as sent) */
    rec r[16];
    ck_assert_uint_eq(read_back(r, 16), 8);
    ck_assert_uint_eq(r[2].len, 2);
    ck_assert_mem_eq(r[2].data, "x2", 2);
}
END_TEST

Suite *eh_test_wire_tap_suite(void)
{
    Suite *s = suite_create("wire_tap");
    TCase *tc = tcase_create("wire_tap");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_raw_udp_both_directions);
    tcase_add_test(tc, test_libcoap_datagrams_ipv6);
    tcase_add_test(tc, test_receive_filter);
    suite_add_tcase(s, tc);
    return s;
}

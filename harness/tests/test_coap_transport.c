/*
 * test_coap_transport.c - unit tests of harness/transport/coap: client and
 * server in one process, the server driven by a second thread that runs
 * tr_coap_server_run() until told to stop (no sleeps: the client's own
 * wait is the synchronisation). Covers the EDHOC POST, error responses,
 * OSCORE/EDHOC options without Uri-Path, block-wise bodies both ways,
 * IPv4 and IPv6, timeouts (nobody listening, handler sends nothing), reuse
 * after a timeout, interoperability with Debian's coap-client-notls, and the
 * datagram sizes the client reports and its answer to an Echo challenge
 * (against a hand-made server), and the guard's parse of hostile datagrams.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../transport/coap.h"
#include "../transport/free_port.h"
#include "../transport/coap_internal.h"

/* ------------------------------------------------------------ fixture */

enum mode { MODE_ECHO, MODE_BAD_REQUEST, MODE_SILENT, MODE_LARGE };

typedef struct srv_state {
    pthread_mutex_t lock;
    enum mode mode;
    int calls;
    /* copy of the last request */
    uint8_t code;
    bool has_path;
    char path[256];
    int cf;
    size_t n_opts;
    uint16_t opt_num[TR_MAX_OPTIONS];
    uint8_t opt_val[TR_MAX_OPTIONS][32];
    size_t opt_len[TR_MAX_OPTIONS];
    uint8_t payload[TR_MAX_BODY];
    size_t payload_len;
    char peer[64];
    /* response body */
    uint8_t out[TR_MAX_BODY];
} srv_state;

typedef struct fixture {
    tr_coap_server *srv;
    pthread_t thread;
    atomic_bool stop;
    srv_state st;
} fixture;

static const uint8_t REPLY[] = {0x58, 0x20, 0xaa, 0xbb, 0xcc};

static void handler(void *arg, const tr_message *req, const char *peer, tr_message *resp)
{
    srv_state *st = arg;
    pthread_mutex_lock(&st->lock);
    st->calls++;
    st->code = req->code;
    st->has_path = req->uri_path != NULL;
    snprintf(st->path, sizeof st->path, "%s", req->uri_path ? req->uri_path : "");
    st->cf = req->content_format;
    st->n_opts = req->n_opts;
    for (size_t i = 0; i < req->n_opts; i++) {
        st->opt_num[i] = req->opts[i].number;
        st->opt_len[i] = req->opts[i].len;
        if (req->opts[i].len <= sizeof st->opt_val[i])
            memcpy(st->opt_val[i], req->opts[i].value, req->opts[i].len);
    }
    st->payload_len = req->payload_len;
    if (req->payload_len)
        memcpy(st->payload, req->payload, req->payload_len);
    snprintf(st->peer, sizeof st->peer, "%s", peer);

    switch (st->mode) {
    case MODE_ECHO:
        resp->code = TR_CODE_CHANGED;
        resp->content_format = 64;
        resp->payload = REPLY;
        resp->payload_len = sizeof REPLY;
        break;
    case MODE_BAD_REQUEST:
        resp->code = TR_CODE_BAD_REQUEST;
        resp->content_format = 64;
        resp->payload = REPLY;
        resp->payload_len = 1;
        resp->opts[0] = (tr_option){TR_OPTION_EDHOC, NULL, 0};
        resp->n_opts = 1;
        break;
    case MODE_SILENT:
        resp->code = 0;
        break;
    case MODE_LARGE:
        for (size_t i = 0; i < 3000; i++)
            st->out[i] = (uint8_t)(i * 7 + 1);
        resp->code = TR_CODE_CHANGED;
        resp->content_format = 64;
        resp->payload = st->out;
        resp->payload_len = 3000;
        break;
    }
    pthread_mutex_unlock(&st->lock);
}

static void *server_main(void *arg)
{
    fixture *f = arg;
    while (!atomic_load(&f->stop))
        ck_assert_int_eq(tr_coap_server_run(f->srv, 20), EH_OK);
    return NULL;
}

/* Opens the server on host:0 and starts its thread; false if host cannot
 * be bound (e.g. no IPv6). The port is known before the thread starts. */
static bool fixture_open(fixture *f, const char *host, enum mode mode)
{
    memset(f, 0, sizeof *f);
    f->st.mode = mode;
    atomic_init(&f->stop, false);
    if (tr_coap_server_open(&f->srv, host, 0, handler, &f->st) != EH_OK)
        return false;
    pthread_mutex_init(&f->st.lock, NULL);
    ck_assert_uint_ne(tr_coap_server_port(f->srv), 0);
    return true;
}

static void fixture_run_thread(fixture *f)
{
    ck_assert_int_eq(pthread_create(&f->thread, NULL, server_main, f), 0);
}

static bool fixture_start(fixture *f, const char *host, enum mode mode)
{
    if (!fixture_open(f, host, mode))
        return false;
    fixture_run_thread(f);
    return true;
}

static void fixture_stop(fixture *f)
{
    atomic_store(&f->stop, true);
    pthread_join(f->thread, NULL);
    tr_coap_server_close(f->srv);
    pthread_mutex_destroy(&f->st.lock);
}

static void set_mode(fixture *f, enum mode m)
{
    pthread_mutex_lock(&f->st.lock);
    f->st.mode = m;
    pthread_mutex_unlock(&f->st.lock);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static tr_message edhoc_post(const uint8_t *payload, size_t len)
{
    tr_message m;
    memset(&m, 0, sizeof m);
    m.code = TR_CODE_POST;
    m.uri_path = "/.well-known/edhoc";
    m.content_format = 65;
    m.payload = payload;
    m.payload_len = len;
    return m;
}

static const uint8_t MSG1[] = {0xf5, 0x01, 0x02, 0x03};

/* The EDHOC POST of RFC 9528 Appendix A.2 and its 2.04 on host. */
static void check_edhoc_post(const char *host, const char *peer_prefix)
{
    fixture f;
    if (!fixture_start(&f, host, MODE_ECHO)) {
        fprintf(stderr, "coap_transport: cannot bind %s, test skipped\n", host);
        return;
    }
    tr_coap_client *c = NULL;
    ck_assert_int_eq(tr_coap_client_open(&c, host, tr_coap_server_port(f.srv)), EH_OK);
    tr_message req = edhoc_post(MSG1, sizeof MSG1), resp;
    uint8_t buf[256];
    ck_assert_int_eq(tr_coap_client_request(c, &req, 3000, &resp, buf, sizeof buf), TR_OK);
    ck_assert_uint_eq(resp.code, TR_CODE_CHANGED);
    ck_assert_int_eq(resp.content_format, 64);
    ck_assert_uint_eq(resp.n_opts, 0);
    ck_assert_uint_eq(resp.payload_len, sizeof REPLY);
    ck_assert_mem_eq(resp.payload, REPLY, sizeof REPLY);

    pthread_mutex_lock(&f.st.lock);
    ck_assert_int_eq(f.st.calls, 1);
    ck_assert_uint_eq(f.st.code, TR_CODE_POST);
    ck_assert(f.st.has_path);
    ck_assert_str_eq(f.st.path, "/.well-known/edhoc");
    ck_assert_int_eq(f.st.cf, 65);
    ck_assert_uint_eq(f.st.n_opts, 0);
    ck_assert_uint_eq(f.st.payload_len, sizeof MSG1);
    ck_assert_mem_eq(f.st.payload, MSG1, sizeof MSG1);
    ck_assert_msg(strncmp(f.st.peer, peer_prefix, strlen(peer_prefix)) == 0, "peer %s",
                  f.st.peer);
    pthread_mutex_unlock(&f.st.lock);

    tr_coap_client_close(c);
    fixture_stop(&f);
}

/* -------------------------------------------------------------- tests */

START_TEST(test_edhoc_post_ipv4)
{
    check_edhoc_post("127.0.0.1", "127.0.0.1:");
}
END_TEST

START_TEST(test_edhoc_post_ipv6)
{
    check_edhoc_post("::1", "[::1]:");
}
END_TEST

START_TEST(test_bad_request)
{
    fixture f;
    ck_assert(fixture_start(&f, "127.0.0.1", MODE_BAD_REQUEST));
    tr_coap_client *c = NULL;
    ck_assert_int_eq(tr_coap_client_open(&c, "127.0.0.1", tr_coap_server_port(f.srv)), EH_OK);
    tr_message req = edhoc_post(MSG1, sizeof MSG1), resp;
    uint8_t buf[64];
    ck_assert_int_eq(tr_coap_client_request(c, &req, 3000, &resp, buf, sizeof buf), TR_OK);
    ck_assert_uint_eq(resp.code, TR_CODE_BAD_REQUEST);
    ck_assert_int_eq(resp.content_format, 64);
    ck_assert_uint_eq(resp.payload_len, 1);
    ck_assert_uint_eq(resp.payload[0], REPLY[0]);
    ck_assert_uint_eq(resp.n_opts, 1); /* the EDHOC option, empty */
    ck_assert_uint_eq(resp.opts[0].number, TR_OPTION_EDHOC);
    ck_assert_uint_eq(resp.opts[0].len, 0);
    tr_coap_client_close(c);
    fixture_stop(&f);
}
END_TEST

/* RFC 9668 style: OSCORE and EDHOC options, no Uri-Path at all. */
START_TEST(test_oscore_edhoc_options_no_path)
{
    fixture f;
    ck_assert(fixture_start(&f, "127.0.0.1", MODE_ECHO));
    tr_coap_client *c = NULL;
    ck_assert_int_eq(tr_coap_client_open(&c, "127.0.0.1", tr_coap_server_port(f.srv)), EH_OK);
    static const uint8_t oscore[] = {0x09, 0x00, 0x41, 0x2b};
    tr_message req, resp;
    memset(&req, 0, sizeof req);
    req.code = TR_CODE_POST;
    req.content_format = -1;
    req.opts[0] = (tr_option){TR_OPTION_EDHOC, NULL, 0}; /* order on purpose */
    req.opts[1] = (tr_option){TR_OPTION_OSCORE, oscore, sizeof oscore};
    req.n_opts = 2;
    req.payload = MSG1;
    req.payload_len = sizeof MSG1;
    uint8_t buf[64];
    ck_assert_int_eq(tr_coap_client_request(c, &req, 3000, &resp, buf, sizeof buf), TR_OK);
    ck_assert_uint_eq(resp.code, TR_CODE_CHANGED);

    pthread_mutex_lock(&f.st.lock);
    ck_assert(!f.st.has_path);
    ck_assert_int_eq(f.st.cf, -1);
    ck_assert_uint_eq(f.st.n_opts, 2);
    ck_assert_uint_eq(f.st.opt_num[0], TR_OPTION_OSCORE);
    ck_assert_uint_eq(f.st.opt_len[0], sizeof oscore);
    ck_assert_mem_eq(f.st.opt_val[0], oscore, sizeof oscore);
    ck_assert_uint_eq(f.st.opt_num[1], TR_OPTION_EDHOC);
    ck_assert_uint_eq(f.st.opt_len[1], 0);
    ck_assert_uint_eq(f.st.payload_len, sizeof MSG1);
    pthread_mutex_unlock(&f.st.lock);
    tr_coap_client_close(c);
    fixture_stop(&f);
}
END_TEST

/* Unknown paths and other methods reach the same handler. */
START_TEST(test_unknown_path_get)
{
    fixture f;
    ck_assert(fixture_start(&f, "127.0.0.1", MODE_ECHO));
    tr_coap_client *c = NULL;
    ck_assert_int_eq(tr_coap_client_open(&c, "127.0.0.1", tr_coap_server_port(f.srv)), EH_OK);
    tr_message req, resp;
    memset(&req, 0, sizeof req);
    req.code = TR_CODE_GET;
    req.uri_path = "/a/b/c";
    req.content_format = -1;
    uint8_t buf[64];
    ck_assert_int_eq(tr_coap_client_request(c, &req, 3000, &resp, buf, sizeof buf), TR_OK);
    ck_assert_uint_eq(resp.code, TR_CODE_CHANGED);
    pthread_mutex_lock(&f.st.lock);
    ck_assert_uint_eq(f.st.code, TR_CODE_GET);
    ck_assert_str_eq(f.st.path, "/a/b/c");
    ck_assert_uint_eq(f.st.payload_len, 0);
    pthread_mutex_unlock(&f.st.lock);
    tr_coap_client_close(c);
    fixture_stop(&f);
}
END_TEST

START_TEST(test_blockwise_both_ways)
{
    fixture f;
    ck_assert(fixture_start(&f, "127.0.0.1", MODE_LARGE));
    tr_coap_client *c = NULL;
    ck_assert_int_eq(tr_coap_client_open(&c, "127.0.0.1", tr_coap_server_port(f.srv)), EH_OK);
    uint8_t *big = malloc(3000);
    ck_assert_ptr_nonnull(big);
    for (size_t i = 0; i < 3000; i++)
        big[i] = (uint8_t)(i * 13 + 5);
    tr_message req = edhoc_post(big, 3000), resp;
    uint8_t *buf = malloc(TR_MAX_BODY);
    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(tr_coap_client_request(c, &req, 5000, &resp, buf, TR_MAX_BODY), TR_OK);
    ck_assert_uint_eq(resp.code, TR_CODE_CHANGED);
    ck_assert_int_eq(resp.content_format, 64);
    ck_assert_uint_eq(resp.payload_len, 3000);
    for (size_t i = 0; i < 3000; i++)
        ck_assert_uint_eq(resp.payload[i], (uint8_t)(i * 7 + 1));

    pthread_mutex_lock(&f.st.lock);
    ck_assert_int_eq(f.st.calls, 1); /* one whole body, not one call per block */
    ck_assert_str_eq(f.st.path, "/.well-known/edhoc");
    ck_assert_int_eq(f.st.cf, 65);
    ck_assert_uint_eq(f.st.payload_len, 3000);
    ck_assert_mem_eq(f.st.payload, big, 3000);
    pthread_mutex_unlock(&f.st.lock);

    /* Datagram sizes: the request's first block, the response not one datagram. */
    long wreq, wresp;
    tr_coap_client_wire_sizes(c, &wreq, &wresp);
    ck_assert_int_gt(wreq, 16);
    ck_assert_int_lt(wreq, 3000);
    ck_assert_int_eq(wresp, -1);

    /* A buffer too small for the response is a local error, not a crash. */
    ck_assert_int_eq(tr_coap_client_request(c, &req, 5000, &resp, buf, 100), TR_ERROR);
    free(buf);
    free(big);
    tr_coap_client_close(c);
    fixture_stop(&f);
}
END_TEST

/* Regression: after an exchange with Block1 in the request AND Block2 in
 * the response, the next request on the same client (small, then large
 * both ways again) still gets its response. libcoap's own tokens for the
 * Block2 continuation requests must not collide with the client's. */
START_TEST(test_blockwise_both_ways_then_more)
{
    fixture f;
    ck_assert(fixture_start(&f, "127.0.0.1", MODE_LARGE));
    tr_coap_client *c = NULL;
    ck_assert_int_eq(tr_coap_client_open(&c, "127.0.0.1", tr_coap_server_port(f.srv)), EH_OK);
    uint8_t *big = malloc(3000);
    uint8_t *buf = malloc(TR_MAX_BODY);
    ck_assert_ptr_nonnull(big);
    ck_assert_ptr_nonnull(buf);
    for (size_t i = 0; i < 3000; i++)
        big[i] = (uint8_t)(i * 13 + 5);
    tr_message large = edhoc_post(big, 3000), small = edhoc_post(MSG1, sizeof MSG1), resp;

    for (int round = 0; round < 3; round++) {
        /* large both ways (rounds 0 and 2), small both ways (round 1) */
        bool is_large = round != 1;
        set_mode(&f, is_large ? MODE_LARGE : MODE_ECHO);
        const tr_message *req = is_large ? &large : &small;
        ck_assert_msg(tr_coap_client_request(c, req, 5000, &resp, buf, TR_MAX_BODY) == TR_OK,
                      "round %d: no response", round);
        ck_assert_uint_eq(resp.code, TR_CODE_CHANGED);
        ck_assert_int_eq(resp.content_format, 64);
        if (is_large) {
            ck_assert_uint_eq(resp.payload_len, 3000);
            for (size_t i = 0; i < 3000; i++)
                ck_assert_uint_eq(resp.payload[i], (uint8_t)(i * 7 + 1));
        } else {
            ck_assert_uint_eq(resp.payload_len, sizeof REPLY);
            ck_assert_mem_eq(resp.payload, REPLY, sizeof REPLY);
        }
        pthread_mutex_lock(&f.st.lock);
        ck_assert_int_eq(f.st.calls, round + 1); /* one handler call per exchange */
        ck_assert_uint_eq(f.st.payload_len, req->payload_len);
        ck_assert_mem_eq(f.st.payload, req->payload, req->payload_len);
        pthread_mutex_unlock(&f.st.lock);
    }
    free(buf);
    free(big);
    tr_coap_client_close(c);
    fixture_stop(&f);
}
END_TEST

/* 127.0.0.1:port */
static struct sockaddr_in loopback(uint16_t port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    return a;
}

/* A UDP port where nobody listens: bound once to learn it, then closed. */
static uint16_t dead_port(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in a = loopback(0);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t l = sizeof a;
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &l), 0);
    close(fd);
    return ntohs(a.sin_port);
}

START_TEST(test_nobody_listening)
{
    tr_coap_client *c = NULL;
    ck_assert_int_eq(tr_coap_client_open(&c, "127.0.0.1", dead_port()), EH_OK);
    tr_message req = edhoc_post(MSG1, sizeof MSG1), resp;
    uint8_t buf[64];
    int64_t t0 = now_ms();
    tr_status st = tr_coap_client_request(c, &req, 1000, &resp, buf, sizeof buf);
    int64_t elapsed = now_ms() - t0;
    ck_assert_msg(st == TR_TIMEOUT || st == TR_RESET, "status %d", (int)st);
    ck_assert_int_lt(elapsed, 1000 + 1000);
    tr_coap_client_close(c);
}
END_TEST

/* Handler code 0: nothing but an empty ACK, so the client times out; the
 * same client then completes a normal exchange. */
START_TEST(test_silent_then_reuse)
{
    fixture f;
    ck_assert(fixture_start(&f, "127.0.0.1", MODE_SILENT));
    tr_coap_client *c = NULL;
    ck_assert_int_eq(tr_coap_client_open(&c, "127.0.0.1", tr_coap_server_port(f.srv)), EH_OK);
    tr_message req = edhoc_post(MSG1, sizeof MSG1), resp;
    uint8_t buf[64];
    int64_t t0 = now_ms();
    ck_assert_int_eq(tr_coap_client_request(c, &req, 800, &resp, buf, sizeof buf), TR_TIMEOUT);
    int64_t elapsed = now_ms() - t0;
    ck_assert_int_ge(elapsed, 700);
    ck_assert_int_lt(elapsed, 800 + 1000);
    pthread_mutex_lock(&f.st.lock);
    ck_assert_int_eq(f.st.calls, 1); /* empty ACK stopped the retransmissions */
    pthread_mutex_unlock(&f.st.lock);

    set_mode(&f, MODE_ECHO);
    ck_assert_int_eq(tr_coap_client_request(c, &req, 3000, &resp, buf, sizeof buf), TR_OK);
    ck_assert_uint_eq(resp.code, TR_CODE_CHANGED);
    ck_assert_mem_eq(resp.payload, REPLY, sizeof REPLY);
    tr_coap_client_close(c);
    fixture_stop(&f);
}
END_TEST

/* The server only starts reading after the client gave up: the old request
 * (and its retransmissions) reach the handler late and their responses go
 * to the replaced client socket; the next request gets its own response. */
START_TEST(test_late_server_then_reuse)
{
    fixture f;
    ck_assert(fixture_open(&f, "127.0.0.1", MODE_ECHO));
    tr_coap_client *c = NULL;
    ck_assert_int_eq(tr_coap_client_open(&c, "127.0.0.1", tr_coap_server_port(f.srv)), EH_OK);
    tr_message req = edhoc_post(MSG1, sizeof MSG1), resp;
    uint8_t buf[64];
    int64_t t0 = now_ms();
    ck_assert_int_eq(tr_coap_client_request(c, &req, 1200, &resp, buf, sizeof buf), TR_TIMEOUT);
    int64_t elapsed = now_ms() - t0;
    ck_assert_int_ge(elapsed, 1100);
    ck_assert_int_lt(elapsed, 1200 + 1000);

    fixture_run_thread(&f);
    static const uint8_t second[] = {0x01, 0x02};
    req.payload = second;
    req.payload_len = sizeof second;
    ck_assert_int_eq(tr_coap_client_request(c, &req, 3000, &resp, buf, sizeof buf), TR_OK);
    ck_assert_uint_eq(resp.code, TR_CODE_CHANGED);
    pthread_mutex_lock(&f.st.lock);
    ck_assert_int_ge(f.st.calls, 2);
    ck_assert_uint_eq(f.st.payload_len, sizeof second); /* the last call is ours */
    pthread_mutex_unlock(&f.st.lock);
    tr_coap_client_close(c);
    fixture_stop(&f);
}
END_TEST

START_TEST(test_bad_arguments)
{
    tr_coap_client *c = NULL;
    ck_assert_int_eq(tr_coap_client_open(&c, "no such host.invalid", 5683), EH_ERR_ARG);
    ck_assert_ptr_null(c);
    tr_coap_server *s = NULL;
    ck_assert_int_eq(tr_coap_server_open(&s, "127.0.0.1", 0, NULL, NULL), EH_ERR_ARG);
    ck_assert_int_eq(tr_coap_server_open(&s, "not-an-address.invalid", 0, handler, NULL),
                     EH_ERR_ARG);
    ck_assert_ptr_null(s);
    /* An address that is not local cannot be bound. */
    ck_assert_int_eq(tr_coap_server_open(&s, "192.0.2.1", 0, handler, NULL), EH_ERR_ARG);
    ck_assert_ptr_null(s);
    srv_state st;
    memset(&st, 0, sizeof st);
    ck_assert_int_eq(tr_coap_server_open(&s, "127.0.0.1", 0, handler, &st), EH_OK);
    ck_assert_int_eq(tr_coap_server_run(s, 0), EH_OK);
    /* A second server on the first one's port is refused, although libcoap
     * sets SO_REUSEADDR, with which Linux lets two UDP sockets bind it. */
    tr_coap_server *again = NULL;
    ck_assert_int_eq(tr_coap_server_open(&again, "127.0.0.1", tr_coap_server_port(s), handler,
                                         &st),
                     EH_ERR_ARG);
    ck_assert_ptr_null(again);
    tr_coap_server_close(s);
}
END_TEST

/* A UDP socket bound to 127.0.0.1:port with SO_REUSEADDR, as libcoap's
 * servers (and other CoAP stacks) bind theirs; -1 when it cannot be. */
static int reuse_socket(uint16_t port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int on = 1, fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
        bind(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static uint16_t socket_port(int fd)
{
    struct sockaddr_in a;
    socklen_t l = sizeof a;
    return getsockname(fd, (struct sockaddr *)&a, &l) == 0 ? ntohs(a.sin_port) : 0;
}

/* A server on "any free port" never lands on a port that another
 * SO_REUSEADDR socket holds: the kernel's bind(0) hands such ports out
 * (one bind in ~28000 per holder), and the two sockets then take each
 * other's datagrams (an IUT's request reaching the wrong run). With 1000
 * holders and 200 servers, a server without the check lands on a held port
 * about 7 times (all 200 miss with probability ~0.1%). */
START_TEST(test_any_port_is_never_a_shared_port)
{
    enum { HOLDERS = 1000, SERVERS = 200 };
    struct rlimit rl;
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
    if (rl.rlim_cur < HOLDERS + 256 && rl.rlim_max >= HOLDERS + 256) {
        rl.rlim_cur = HOLDERS + 256;
        ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
    }
    ck_assert_uint_ge(rl.rlim_cur, HOLDERS + 256);
    static int held[HOLDERS];
    static bool is_held[65536];
    memset(is_held, 0, sizeof is_held);
    for (int i = 0; i < HOLDERS; i++) {
        held[i] = reuse_socket(0);
        ck_assert_int_ge(held[i], 0);
        is_held[socket_port(held[i])] = true;
    }
    for (int i = 0; i < SERVERS; i++) {
        tr_coap_server *s = NULL;
        ck_assert_int_eq(tr_coap_server_open(&s, "127.0.0.1", 0, handler, NULL), EH_OK);
        uint16_t p = tr_coap_server_port(s);
        ck_assert_msg(!is_held[p], "server %d got port %u, which another socket holds", i,
                      (unsigned)p);
        /* and no later SO_REUSEADDR socket can join it */
        int late = reuse_socket(p);
        ck_assert_int_eq(late, -1);
        tr_coap_server_close(s);
    }
    for (int i = 0; i < HOLDERS; i++)
        close(held[i]);
}
END_TEST

/* A port that another process's SO_REUSEADDR socket holds is refused when
 * asked for explicitly (a peer told --port of a busy one): the socket table
 * shows both. */
START_TEST(test_explicit_port_held_elsewhere_is_refused)
{
    int ready[2], go[2];
    ck_assert_int_eq(pipe(ready), 0);
    ck_assert_int_eq(pipe(go), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        /* a port below the ephemeral range: the check below that it is free
         * again must not race the client sockets of processes beside this
         * one (make test runs the end-to-end tests alongside) */
        int want = tr_free_port("127.0.0.1");
        int fd = want > 0 ? reuse_socket((uint16_t)want) : -1;
        uint16_t p = fd >= 0 ? socket_port(fd) : 0;
        char c;
        if (write(ready[1], &p, sizeof p) != (ssize_t)sizeof p || read(go[0], &c, 1) < 0)
            _exit(1);
        _exit(0);
    }
    uint16_t p = 0;
    ck_assert_int_eq(read(ready[0], &p, sizeof p), (ssize_t)sizeof p);
    ck_assert_uint_ne(p, 0);
    tr_coap_server *s = NULL;
    eh_err e = tr_coap_server_open(&s, "127.0.0.1", p, handler, NULL);
    ck_assert_int_eq(write(go[1], "x", 1), 1);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    close(ready[0]), close(ready[1]), close(go[0]), close(go[1]);
    ck_assert_int_eq(e, EH_ERR_ARG);
    ck_assert_ptr_null(s);
    /* the child is gone: the port is free again */
    ck_assert_int_eq(tr_coap_server_open(&s, "127.0.0.1", p, handler, NULL), EH_OK);
    ck_assert_uint_eq(tr_coap_server_port(s), p);
    tr_coap_server_close(s);
}
END_TEST

/* Debian's coap-client-notls (libcoap3-bin) against our server. */
START_TEST(test_interop_coap_client)
{
    const char *tool = "/usr/bin/coap-client-notls";
    if (access(tool, X_OK) != 0) {
        fprintf(stderr, "coap_transport: %s not installed, test skipped\n", tool);
        return;
    }
    fixture f;
    ck_assert(fixture_start(&f, "127.0.0.1", MODE_ECHO));
    char cmd[256];
    snprintf(cmd, sizeof cmd,
             "%s -m post -t 65 -e %%F5abc -B 5 -o - coap://127.0.0.1:%u/.well-known/edhoc",
             tool, (unsigned)tr_coap_server_port(f.srv));
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    uint8_t out[64];
    size_t n = fread(out, 1, sizeof out, p);
    int rc = pclose(p);
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(n, sizeof REPLY);
    ck_assert_mem_eq(out, REPLY, sizeof REPLY);

    static const uint8_t sent[] = {0xf5, 'a', 'b', 'c'};
    pthread_mutex_lock(&f.st.lock);
    ck_assert_int_eq(f.st.calls, 1);
    ck_assert_uint_eq(f.st.code, TR_CODE_POST);
    ck_assert_str_eq(f.st.path, "/.well-known/edhoc");
    ck_assert_int_eq(f.st.cf, 65);
    ck_assert_uint_eq(f.st.payload_len, sizeof sent);
    ck_assert_mem_eq(f.st.payload, sent, sizeof sent);
    pthread_mutex_unlock(&f.st.lock);
    fixture_stop(&f);
}
END_TEST

/* A plain UDP socket playing the server: it records the size of the
 * datagrams it gets and answers with a piggybacked 2.04 it builds byte by
 * byte, so the client's datagram sizes are checked independently of
 * libcoap's encoder. With `echo`, it first answers 4.01 with an Echo option
 * (RFC 9175 §2.3) and then expects the request again, with that option. */
typedef struct raw_server {
    int fd;
    bool echo;
    size_t got[2], sent;
    bool echoed; /* the second request carried our Echo value */
} raw_server;

static const uint8_t ECHO_VALUE[4] = {0xec, 0x40, 0x01, 0x02};

static bool contains(const uint8_t *d, size_t n, const uint8_t *v, size_t k)
{
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(d + i, v, k) == 0)
            return true;
    return false;
}

static void *raw_server_main(void *arg)
{
    raw_server *rs = arg;
    uint8_t d[2048], out[64];
    struct sockaddr_storage from;
    for (int round = 0; round < (rs->echo ? 2 : 1); round++) {
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(rs->fd, d, sizeof d, 0, (struct sockaddr *)&from, &fl);
        ck_assert_int_ge(n, 4);
        rs->got[round] = (size_t)n;
        size_t tkl = d[0] & 0x0f, k = 0;
        out[k++] = (uint8_t)(0x60 | tkl); /* version 1, ACK */
        out[k++] = round == 0 && rs->echo ? 0x81 : TR_CODE_CHANGED; /* 4.01 / 2.04 */
        out[k++] = d[2], out[k++] = d[3]; /* the request's message ID */
        memcpy(out + k, d + 4, tkl), k += tkl;
        if (round == 0 && rs->echo) {
            out[k++] = 0xd4, out[k++] = 252 - 13; /* Echo (252), 4 bytes */
            memcpy(out + k, ECHO_VALUE, 4), k += 4;
        } else {
            rs->echoed = rs->echo && contains(d, (size_t)n, ECHO_VALUE, sizeof ECHO_VALUE);
            out[k++] = 0xc1, out[k++] = 64; /* Content-Format (12): 64 */
            out[k++] = 0xff;
            for (int i = 0; i < 10; i++)
                out[k++] = (uint8_t)i;
            rs->sent = k;
        }
        ck_assert_int_eq(sendto(rs->fd, out, k, 0, (struct sockaddr *)&from, fl), (ssize_t)k);
    }
    return NULL;
}

static void wire_sizes_case(bool echo)
{
    raw_server rs = {.fd = socket(AF_INET, SOCK_DGRAM, 0), .echo = echo};
    ck_assert_int_ge(rs.fd, 0);
    struct sockaddr_in a = loopback(0);
    ck_assert_int_eq(bind(rs.fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t l = sizeof a;
    ck_assert_int_eq(getsockname(rs.fd, (struct sockaddr *)&a, &l), 0);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, raw_server_main, &rs), 0);

    tr_coap_client *c = NULL;
    long wreq, wresp;
    ck_assert_int_eq(tr_coap_client_open(&c, "127.0.0.1", ntohs(a.sin_port)), EH_OK);
    tr_coap_client_wire_sizes(c, &wreq, &wresp);
    ck_assert_int_eq(wreq, -1); /* nothing sent yet */
    ck_assert_int_eq(wresp, -1);
    ck_assert(!tr_coap_client_echo_retried(c));
    tr_message req = edhoc_post(MSG1, sizeof MSG1), resp;
    uint8_t buf[64];
    ck_assert_int_eq(tr_coap_client_request(c, &req, 3000, &resp, buf, sizeof buf), TR_OK);
    pthread_join(t, NULL);
    ck_assert_uint_eq(resp.code, TR_CODE_CHANGED);
    ck_assert_uint_eq(resp.payload_len, 10);
    tr_coap_client_wire_sizes(c, &wreq, &wresp);
    ck_assert_int_eq(wreq, (long)rs.got[0]); /* the first request, not the repetition */
    /* the answer the caller got; after an Echo repetition (libcoap's own
     * token on the wire) not measured */
    ck_assert_int_eq(wresp, echo ? -1 : (long)rs.sent);
    ck_assert(tr_coap_client_echo_retried(c) == echo);
    if (echo) { /* libcoap repeated the request with the Echo option */
        ck_assert(rs.echoed);
        /* the Echo option (header 2, value 4), and libcoap's token may be longer */
        ck_assert_uint_ge(rs.got[1], rs.got[0] + 6);
    }
    tr_coap_client_close(c);
    close(rs.fd);
}

START_TEST(test_wire_sizes_of_one_exchange)
{
    wire_sizes_case(false);
}
END_TEST

START_TEST(test_echo_challenge_is_answered_and_reported)
{
    wire_sizes_case(true);
}
END_TEST

/* RFC 7252 §4.5: a request sent again with the same Message ID (a
 * retransmission) is processed once. Datagrams encoded by hand (§3): the
 * duplicate Confirmable POST gets the same response bytes and never
 * reaches the handler; a new Message ID is a new request; a duplicate
 * Non-confirmable one is dropped (the next datagram the client sees is the
 * answer to the request after it). */
static size_t edhoc_post_datagram(uint8_t *d, uint8_t type, uint16_t mid, uint8_t token)
{
    static const char wk[] = ".well-known";
    size_t k = 0;
    d[k++] = (uint8_t)(0x40 | type << 4 | 1); /* version 1, type, TKL 1 */
    d[k++] = TR_CODE_POST;
    d[k++] = (uint8_t)(mid >> 8), d[k++] = (uint8_t)mid;
    d[k++] = token;
    d[k++] = 0xbb; /* Uri-Path (11), 11 bytes */
    memcpy(d + k, wk, 11), k += 11;
    d[k++] = 0x05; /* Uri-Path, 5 bytes */
    memcpy(d + k, "edhoc", 5), k += 5;
    d[k++] = 0x11, d[k++] = 65; /* Content-Format (12): 65 */
    d[k++] = 0xff;
    memcpy(d + k, MSG1, sizeof MSG1), k += sizeof MSG1;
    return k;
}

static size_t recv_datagram(int fd, uint8_t *d, size_t cap)
{
    struct timeval tv = {.tv_sec = 5};
    ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
    ssize_t n = recv(fd, d, cap, 0);
    ck_assert_msg(n >= 4, "no answer from the server within 5 s");
    return (size_t)n;
}

static int handler_calls(fixture *f)
{
    pthread_mutex_lock(&f->st.lock);
    int n = f->st.calls;
    pthread_mutex_unlock(&f->st.lock);
    return n;
}

/* An echo server (fixture) and a UDP socket connected to it. */
static int echo_server_and_client(fixture *f)
{
    ck_assert(fixture_start(f, "127.0.0.1", MODE_ECHO));
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in a = loopback(tr_coap_server_port(f->srv));
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

START_TEST(test_retransmitted_request_is_processed_once)
{
    fixture f;
    int fd = echo_server_and_client(&f);
    uint8_t req[64], first[256], again[256], other[256];
    size_t n = edhoc_post_datagram(req, 0, 0x1234, 0x77);

    ck_assert_int_eq(send(fd, req, n, 0), (ssize_t)n);
    size_t n1 = recv_datagram(fd, first, sizeof first);
    ck_assert_uint_eq(first[0], 0x61); /* ACK, TKL 1 */
    ck_assert_uint_eq(first[1], TR_CODE_CHANGED);
    ck_assert_uint_eq(first[2] << 8 | first[3], 0x1234);
    ck_assert_uint_eq(first[4], 0x77);
    ck_assert(contains(first, n1, REPLY, sizeof REPLY));
    ck_assert_int_eq(handler_calls(&f), 1);

    ck_assert_int_eq(send(fd, req, n, 0), (ssize_t)n); /* the retransmission */
    size_t n2 = recv_datagram(fd, again, sizeof again);
    ck_assert_uint_eq(n2, n1);
    ck_assert_mem_eq(again, first, n1);
    ck_assert_int_eq(handler_calls(&f), 1);

    n = edhoc_post_datagram(req, 0, 0x1235, 0x78); /* a new request */
    ck_assert_int_eq(send(fd, req, n, 0), (ssize_t)n);
    size_t n3 = recv_datagram(fd, other, sizeof other);
    ck_assert_uint_eq(other[2] << 8 | other[3], 0x1235);
    ck_assert_int_eq(handler_calls(&f), 2);
    (void)n3;

    n = edhoc_post_datagram(req, 1, 0x2000, 0x79); /* Non-confirmable, twice */
    ck_assert_int_eq(send(fd, req, n, 0), (ssize_t)n);
    recv_datagram(fd, other, sizeof other);
    ck_assert_uint_eq(other[4], 0x79);
    ck_assert_int_eq(handler_calls(&f), 3);
    ck_assert_int_eq(send(fd, req, n, 0), (ssize_t)n);
    n = edhoc_post_datagram(req, 0, 0x2001, 0x7a);
    ck_assert_int_eq(send(fd, req, n, 0), (ssize_t)n);
    recv_datagram(fd, other, sizeof other);
    ck_assert_uint_eq(other[2] << 8 | other[3], 0x2001); /* nothing for the duplicate */
    ck_assert_uint_eq(other[4], 0x7a);
    ck_assert_int_eq(handler_calls(&f), 4);
    close(fd);
    /* the count, once the server's thread is done with it */
    atomic_store(&f.stop, true);
    pthread_join(f.thread, NULL);
    ck_assert_uint_eq(tr_coap_server_duplicates(f.srv), 2);
    ck_assert_uint_eq(tr_coap_server_duplicates(f.srv), 0); /* counted once */
    tr_coap_server_close(f.srv);
    pthread_mutex_destroy(&f.st.lock);
}
END_TEST

/* A datagram without a CoAP header (a raw-UDP EDHOC message_1, an error
 * message) is silently ignored (RFC 7252 §3): no Reset, which a raw-UDP
 * stack would answer with an error, and so on without end. The answer that
 * comes first is the one to the request sent after it. */
START_TEST(test_a_datagram_that_is_not_coap_gets_no_reset)
{
    fixture f;
    int fd = echo_server_and_client(&f);
    static const uint8_t m1[] = {0xf5, 0x03, 0x02, 0x58, 0x20, 0x00}; /* bare, truncated */
    static const uint8_t err[] = {0x01, 0x63, 'b', 'a', 'd'};         /* ERR_CODE 1 */
    ck_assert_int_eq(send(fd, m1, sizeof m1, 0), (ssize_t)sizeof m1);
    ck_assert_int_eq(send(fd, err, sizeof err, 0), (ssize_t)sizeof err);
    uint8_t req[64], resp[256];
    size_t n = edhoc_post_datagram(req, 0, 0x4321, 0x55);
    ck_assert_int_eq(send(fd, req, n, 0), (ssize_t)n);
    recv_datagram(fd, resp, sizeof resp);
    ck_assert_uint_eq(resp[0], 0x61); /* the ACK of the request, no Reset before it */
    ck_assert_uint_eq(resp[2] << 8 | resp[3], 0x4321);
    ck_assert_int_eq(handler_calls(&f), 1);
    close(fd);
    atomic_store(&f.stop, true);
    pthread_join(f.thread, NULL);
    bool too_large = true;
    ck_assert_str_eq(tr_coap_server_detail(f.srv, &too_large),
                     "2 datagrams ignored for not being CoAP messages (RFC 7252 §3)");
    ck_assert(!too_large);
    tr_coap_server_close(f.srv);
    pthread_mutex_destroy(&f.st.lock);
}
END_TEST

/* One client whose address changes between a request and its
 * retransmission (a NAT rebinding): with tr_coap_server_one_client the copy
 * from the new endpoint (same Message ID, token and payload) is answered as
 * before; without it, it is a new request (RFC 7252 §4.5 is per endpoint). */
START_TEST(test_one_client_dedup_follows_a_new_address)
{
    for (int one = 0; one <= 1; one++) {
        fixture f;
        int fd = echo_server_and_client(&f);
        tr_coap_server_one_client(f.srv, one);
        struct sockaddr_in a = loopback(tr_coap_server_port(f.srv));
        int moved[2];
        for (int k = 0; k < 2; k++) {
            moved[k] = socket(AF_INET, SOCK_DGRAM, 0);
            ck_assert_int_ge(moved[k], 0);
            ck_assert_int_eq(connect(moved[k], (struct sockaddr *)&a, sizeof a), 0);
        }
        uint8_t req[64], first[256], again[256];
        size_t n = edhoc_post_datagram(req, 0, 0x5151, 0x42);
        ck_assert_int_eq(send(fd, req, n, 0), (ssize_t)n);
        size_t n1 = recv_datagram(fd, first, sizeof first);
        /* the same Message ID with another token, from elsewhere: a new request */
        uint8_t other[64];
        size_t no = edhoc_post_datagram(other, 0, 0x5151, 0x43);
        ck_assert_int_eq(send(moved[0], other, no, 0), (ssize_t)no);
        recv_datagram(moved[0], again, sizeof again);
        ck_assert_uint_eq(again[4], 0x43);
        /* the first request's copy, from elsewhere */
        ck_assert_int_eq(send(moved[1], req, n, 0), (ssize_t)n);
        size_t n2 = recv_datagram(moved[1], again, sizeof again);
        ck_assert_uint_eq(again[4], 0x42);
        if (one) { /* answered as before */
            ck_assert_uint_eq(n2, n1);
            ck_assert_mem_eq(again, first, n1);
        }
        ck_assert_int_eq(handler_calls(&f), (one ? 2 : 3));
        close(fd), close(moved[0]), close(moved[1]);
        atomic_store(&f.stop, true);
        pthread_join(f.thread, NULL);
        ck_assert_uint_eq(tr_coap_server_duplicates(f.srv), (one ? 1u : 0u));
        tr_coap_server_close(f.srv);
        pthread_mutex_destroy(&f.st.lock);
    }
}
END_TEST

/* The guard's parse of hostile datagrams (coap_guard.c). */
START_TEST(test_guard_peek_parse)
{
    tr_coap__peek p;
    /* ACK 2.04, token 2 bytes, Content-Format 64, Block2 (num 0, more, 64
     * bytes), Size2 2^32-1, 3 bytes of payload */
    static const uint8_t ok[] = {0x62, 0x44, 0x12, 0x34, 0xaa, 0xbb, 0xc1, 0x40, 0xb1, 0x0a,
                                 0x54, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3};
    ck_assert(tr_coap__peek_parse(ok, sizeof ok, &p));
    ck_assert_uint_eq(p.code, 0x44);
    ck_assert(p.block2 && !p.block1 && p.size2 && !p.size1);
    ck_assert_uint_eq(p.block2_value, 0x0a);
    ck_assert_uint_eq(p.size2_value, 0xffffffffu);
    ck_assert_uint_eq(p.payload_len, 3);
    ck_assert_uint_eq(p.unknown_critical, 0);
    /* option 65001 (critical, unknown) by a two-byte extended delta; 9
     * (OSCORE) and 21 (EDHOC) are known */
    static const uint8_t crit[] = {0x60, 0x44, 0, 1, 0x91, 0, 0xc1, 0, 0xe1, 0xfc, 0xc7, 1};
    ck_assert(tr_coap__peek_parse(crit, sizeof crit, &p));
    ck_assert_uint_eq(p.unknown_critical, 65001);
    ck_assert_uint_eq(p.payload_len, 0);
    /* not CoAP: too short, version 2, token length 9, an option running past
     * the end, a payload marker without payload, reserved nibble 15 */
    static const uint8_t bad[][6] = {{0x40, 0x44, 0}, {0x80, 0x44, 0, 1},
                                     {0x49, 0x44, 0, 1}, {0x40, 0x44, 0, 1, 0x13, 0},
                                     {0x40, 0x44, 0, 1, 0xff}, {0x40, 0x44, 0, 1, 0xf1, 0}};
    static const size_t bad_len[] = {3, 4, 4, 6, 5, 6};
    for (size_t i = 0; i < sizeof bad_len / sizeof bad_len[0]; i++)
        ck_assert_msg(!tr_coap__peek_parse(bad[i], bad_len[i], &p), "case %zu", i);
    /* no CoAP header at all: too short, version 2; a malformed version-1
     * message has one (libcoap may Reset it: RFC 7252 §4.2) */
    ck_assert(tr_coap__not_coap_at_all(bad[0], bad_len[0]));
    ck_assert(tr_coap__not_coap_at_all(bad[1], bad_len[1]));
    for (size_t i = 2; i < sizeof bad_len / sizeof bad_len[0]; i++)
        ck_assert_msg(!tr_coap__not_coap_at_all(bad[i], bad_len[i]), "case %zu", i);
    ck_assert(!tr_coap__not_coap_at_all(ok, sizeof ok));
    /* the end of a block: NUM * 2^(SZX+4) + its length; SZX 7 as 1024 */
    ck_assert_uint_eq(tr_coap__block_end(1024u << 4 | 8 | 0, 16), 1024u * 16 + 16);
    ck_assert_uint_eq(tr_coap__block_end(0xfffffu << 4 | 8 | 6, 1024), 0x100000ull * 1024);
    ck_assert_uint_eq(tr_coap__block_end(2u << 4 | 7, 10), 2048u + 10);
}
END_TEST

Suite *eh_test_coap_transport_suite(void)
{
    Suite *s = suite_create("coap_transport");
    TCase *tc = tcase_create("coap");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_edhoc_post_ipv4);
    tcase_add_test(tc, test_edhoc_post_ipv6);
    tcase_add_test(tc, test_bad_request);
    tcase_add_test(tc, test_oscore_edhoc_options_no_path);
    tcase_add_test(tc, test_unknown_path_get);
    tcase_add_test(tc, test_blockwise_both_ways);
    tcase_add_test(tc, test_blockwise_both_ways_then_more);
    tcase_add_test(tc, test_nobody_listening);
    tcase_add_test(tc, test_silent_then_reuse);
    tcase_add_test(tc, test_late_server_then_reuse);
    tcase_add_test(tc, test_bad_arguments);
    tcase_add_test(tc, test_any_port_is_never_a_shared_port);
    tcase_add_test(tc, test_explicit_port_held_elsewhere_is_refused);
    tcase_add_test(tc, test_interop_coap_client);
    tcase_add_test(tc, test_wire_sizes_of_one_exchange);
    tcase_add_test(tc, test_echo_challenge_is_answered_and_reported);
    tcase_add_test(tc, test_guard_peek_parse);
    tcase_add_test(tc, test_a_datagram_that_is_not_coap_gets_no_reset);
    tcase_add_test(tc, test_one_client_dedup_follows_a_new_address);
    tcase_add_test(tc, test_retransmitted_request_is_processed_once);
    suite_add_tcase(s, tc);
    return s;
}

/* relay.c - see relay.h. */
#define _GNU_SOURCE /* pipe2 */
#include "relay.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../transport/udp.h"

#define DRAIN_MAX 1024 /* datagrams forwarded per socket by relay_stop's final pass */

typedef struct client {
    struct sockaddr_storage addr;
    socklen_t len;
    int fd; /* upstream socket, connected to the target */
} client;

struct relay {
    int listen_fd;
    int port;
    tr_addr target;
    int stop_rd, stop_wr;
    pthread_t thread;
    bool running;
    int64_t t0_us;
    client clients[RELAY_MAX_CLIENTS];
    int n_clients;
    relay_datagram *rec;
    size_t n_rec;
    size_t unrecorded;
    uint8_t buf[65536];
};

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void record(relay *r, relay_dir dir, int cl, const uint8_t *d, size_t n, bool forwarded)
{
    if (r->n_rec >= RELAY_MAX_RECORDS) {
        r->unrecorded++;
        return;
    }
    uint8_t *copy = malloc(n ? n : 1);
    if (copy == NULL) {
        r->unrecorded++;
        return;
    }
    memcpy(copy, d, n);
    r->rec[r->n_rec++] = (relay_datagram){
        .dir = dir, .client = cl, .t_us = now_us() - r->t0_us, .forwarded = forwarded,
        .len = n, .data = copy};
}

static bool same_addr(const client *c, const struct sockaddr_storage *a, socklen_t len)
{
    return c->len == len && memcmp(&c->addr, a, len) == 0;
}

/* The client entry of a sender, created (with its upstream socket) on its
 * first datagram; -1 when the table is full or a socket cannot be made. */
static int client_of(relay *r, const struct sockaddr_storage *a, socklen_t len)
{
    for (int i = 0; i < r->n_clients; i++)
        if (same_addr(&r->clients[i], a, len))
            return i;
    if (r->n_clients >= RELAY_MAX_CLIENTS)
        return -1;
    int fd = socket(r->target.sa.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (const struct sockaddr *)&r->target.sa, r->target.len) != 0) {
        close(fd);
        return -1;
    }
    client *c = &r->clients[r->n_clients];
    memcpy(&c->addr, a, len);
    c->len = len;
    c->fd = fd;
    return r->n_clients++;
}

/* One datagram from the listening socket (a client): forward it to the
 * target. false when nothing was queued. */
static bool from_client(relay *r)
{
    struct sockaddr_storage a;
    socklen_t len = sizeof a;
    ssize_t n = recvfrom(r->listen_fd, r->buf, sizeof r->buf, MSG_DONTWAIT,
                         (struct sockaddr *)&a, &len);
    if (n < 0)
        return errno == EINTR;
    int cl = client_of(r, &a, len);
    bool sent = cl >= 0 && send(r->clients[cl].fd, r->buf, (size_t)n, 0) == n;
    record(r, RELAY_TO_RESPONDER, cl, r->buf, (size_t)n, sent);
    return true;
}

/* One datagram from the target on client cl's upstream socket: back to
 * that client. false when nothing was queued (or the target's port was
 * unreachable, reported by the kernel on the connected socket). */
static bool from_target(relay *r, int cl)
{
    client *c = &r->clients[cl];
    ssize_t n = recv(c->fd, r->buf, sizeof r->buf, MSG_DONTWAIT);
    if (n < 0)
        return errno == EINTR;
    bool sent = sendto(r->listen_fd, r->buf, (size_t)n, 0, (const struct sockaddr *)&c->addr,
                       c->len) == n;
    record(r, RELAY_TO_INITIATOR, cl, r->buf, (size_t)n, sent);
    return true;
}

static void *relay_main(void *arg)
{
    relay *r = arg;
    for (;;) {
        struct pollfd p[RELAY_MAX_CLIENTS + 2];
        int n = 0, n_clients = r->n_clients;
        p[n++] = (struct pollfd){.fd = r->stop_rd, .events = POLLIN};
        p[n++] = (struct pollfd){.fd = r->listen_fd, .events = POLLIN};
        for (int i = 0; i < n_clients; i++)
            p[n++] = (struct pollfd){.fd = r->clients[i].fd, .events = POLLIN};
        int rc = poll(p, (nfds_t)n, RELAY_POLL_MS);
        if (rc < 0 && errno != EINTR)
            break;
        if (rc <= 0)
            continue;
        /* the answers first: they were sent before anything that now asks for more */
        for (int i = 0; i < n_clients; i++)
            if (p[2 + i].revents)
                from_target(r, i);
        if (p[1].revents)
            from_client(r);
        if (p[0].revents)
            break;
    }
    /* Final pass: whatever is queued is forwarded and recorded, bounded. */
    for (int round = 0; round < DRAIN_MAX; round++) {
        bool any = from_client(r);
        for (int i = 0; i < r->n_clients; i++)
            any |= from_target(r, i);
        if (!any)
            break;
    }
    return NULL;
}

relay *relay_start(const char *host, int target_port, char *err, size_t cap)
{
    relay *r = calloc(1, sizeof *r);
    int pp[2] = {-1, -1};
    tr_addr local;
    if (r == NULL || (r->rec = calloc(RELAY_MAX_RECORDS, sizeof *r->rec)) == NULL) {
        snprintf(err, cap, "relay: out of memory");
        goto fail;
    }
    r->listen_fd = r->stop_rd = r->stop_wr = -1;
    if (target_port <= 0 || target_port > 65535 ||
        tr_addr_resolve(host, (uint16_t)target_port, &r->target) != EH_OK ||
        tr_addr_resolve(host, 0, &local) != EH_OK) {
        snprintf(err, cap, "relay: cannot resolve %s", host);
        goto fail;
    }
    r->listen_fd = socket(local.sa.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    struct sockaddr_storage bound;
    socklen_t blen = sizeof bound;
    if (r->listen_fd < 0 || bind(r->listen_fd, (const struct sockaddr *)&local.sa, local.len) ||
        getsockname(r->listen_fd, (struct sockaddr *)&bound, &blen)) {
        snprintf(err, cap, "relay: cannot bind %s: %s", host, strerror(errno));
        goto fail;
    }
    r->port = bound.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&bound)->sin6_port)
                                          : ntohs(((struct sockaddr_in *)&bound)->sin_port);
    if (pipe2(pp, O_CLOEXEC) != 0) {
        snprintf(err, cap, "relay: pipe: %s", strerror(errno));
        goto fail;
    }
    r->stop_rd = pp[0], r->stop_wr = pp[1];
    r->t0_us = now_us();
    /* The thread takes no signals: a process-directed SIGINT/SIGTERM must
     * reach the thread that holds them while it starts an IUT (runner/iut.h,
     * iut_start_tracked), or the handler could run before the IUT is known. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int trc = pthread_create(&r->thread, NULL, relay_main, r);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (trc != 0) {
        snprintf(err, cap, "relay: cannot start its thread");
        goto fail;
    }
    r->running = true;
    return r;
fail:
    relay_free(r);
    return NULL;
}

int relay_port(const relay *r)
{
    return r->port;
}

void relay_stop(relay *r)
{
    if (r == NULL || !r->running)
        return;
    char c = 1;
    while (write(r->stop_wr, &c, 1) < 0 && errno == EINTR)
        ;
    pthread_join(r->thread, NULL);
    r->running = false;
}

const relay_datagram *relay_records(const relay *r, size_t *n)
{
    *n = r->running ? 0 : r->n_rec;
    return r->running ? NULL : r->rec;
}

size_t relay_unrecorded(const relay *r)
{
    return r->unrecorded;
}

void relay_free(relay *r)
{
    if (r == NULL)
        return;
    relay_stop(r);
    for (int i = 0; i < r->n_clients; i++)
        close(r->clients[i].fd);
    if (r->listen_fd >= 0)
        close(r->listen_fd);
    if (r->stop_rd >= 0)
        close(r->stop_rd);
    if (r->stop_wr >= 0)
        close(r->stop_wr);
    for (size_t i = 0; r->rec && i < r->n_rec; i++)
        free(r->rec[i].data);
    free(r->rec);
    free(r);
}

bool relay_listen_addr(const relay *r, struct sockaddr_storage *out, socklen_t *len)
{
    *len = sizeof *out;
    return r != NULL && getsockname(r->listen_fd, (struct sockaddr *)out, len) == 0;
}

bool relay_client_addr(const relay *r, int idx, struct sockaddr_storage *out, socklen_t *len)
{
    if (r == NULL || idx < 0 || idx >= r->n_clients)
        return false;
    *out = r->clients[idx].addr;
    *len = r->clients[idx].len;
    return true;
}

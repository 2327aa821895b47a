#define _GNU_SOURCE /* getaddrinfo flags, MSG_TRUNC */
#include "udp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int64_t tr_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

eh_err tr_addr_resolve(const char *host, uint16_t port, tr_addr *out)
{
    struct addrinfo hints, *res = NULL;
    char service[8];
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICSERV;
    snprintf(service, sizeof service, "%u", port);
    if (host == NULL || getaddrinfo(host, service, &hints, &res) != 0 || res == NULL)
        return EH_ERR_ARG;
    memcpy(&out->sa, res->ai_addr, res->ai_addrlen);
    out->len = res->ai_addrlen;
    freeaddrinfo(res);
    return EH_OK;
}

static bool sockaddr_is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;
        return (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
        static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(a->s6_addr, v4mapped, sizeof v4mapped) == 0)
            return a->s6_addr[12] == 127;
        return IN6_IS_ADDR_LOOPBACK(a);
    }
    return false;
}

bool tr_host_is_loopback(const char *host)
{
    char name[256];
    size_t n = host ? strlen(host) : 0;
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']') /* "[::1]" */
        host++, n -= 2;
    if (n == 0 || n >= sizeof name)
        return false;
    memcpy(name, host, n);
    name[n] = 0;
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    if (getaddrinfo(name, NULL, &hints, &res) != 0 || res == NULL)
        return false;
    bool all = true;
    for (struct addrinfo *ai = res; ai && all; ai = ai->ai_next)
        all = sockaddr_is_loopback(ai->ai_addr);
    freeaddrinfo(res);
    return all;
}

void tr_addr_format(const tr_addr *a, char *buf, size_t cap)
{
    char ip[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    if (a->sa.ss_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)&a->sa;
        inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof ip);
        port = ntohs(s4->sin_port);
        snprintf(buf, cap, "%s:%u", ip, port);
    } else {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&a->sa;
        inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof ip);
        port = ntohs(s6->sin6_port);
        snprintf(buf, cap, "[%s]:%u", ip, port);
    }
}

static eh_err udp_open(tr_udp *u, const char *host, uint16_t port, bool bind_it)
{
    tr_addr a;
    memset(u, 0, sizeof *u);
    u->fd = -1;
    if (tr_addr_resolve(host, port, &a) != EH_OK)
        return EH_ERR_ARG;
    u->fd = socket(a.sa.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (u->fd < 0)
        return EH_ERR_ARG;
    int rc = bind_it ? bind(u->fd, (struct sockaddr *)&a.sa, a.len)
                     : connect(u->fd, (struct sockaddr *)&a.sa, a.len);
    if (rc != 0) {
        fprintf(stderr, "udp: cannot %s %s port %u: %s\n", bind_it ? "bind" : "connect", host,
                port, strerror(errno));
        close(u->fd);
        u->fd = -1;
        return EH_ERR_ARG;
    }
    memcpy(&u->peer, &a.sa, a.len);
    u->peer_len = a.len;
    return EH_OK;
}

eh_err tr_udp_bind(tr_udp *u, const char *host, uint16_t port)
{
    return udp_open(u, host, port, true);
}

eh_err tr_udp_connect(tr_udp *u, const char *host, uint16_t port)
{
    return udp_open(u, host, port, false);
}

uint16_t tr_udp_local_port(const tr_udp *u)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(u->fd, (struct sockaddr *)&ss, &len) != 0)
        return 0;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

void tr_udp_close(tr_udp *u)
{
    if (u->fd >= 0)
        close(u->fd);
    u->fd = -1;
}

tr_status tr_udp_send(tr_udp *u, const uint8_t *buf, size_t len, const tr_addr *to)
{
    ssize_t n = to ? sendto(u->fd, buf, len, 0, (const struct sockaddr *)&to->sa, to->len)
                   : send(u->fd, buf, len, 0);
    return n == (ssize_t)len ? TR_OK : TR_ERROR;
}

tr_status tr_udp_recv(tr_udp *u, uint8_t *buf, size_t cap, size_t *len, int timeout_ms,
                      tr_addr *from)
{
    int64_t deadline = tr_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    u->gave_up = false;
    for (;;) {
        int64_t left = deadline - tr_now_ms();
        struct pollfd p = {.fd = u->fd, .events = POLLIN};
        int slice = left > 0 ? (int)left : 0;
        bool watched = u->gone != NULL && slice > 100;
        int rc = poll(&p, 1, watched ? 100 : slice);
        if (rc < 0 && errno == EINTR)
            return TR_ERROR; /* let the caller look at its signal flags */
        if (rc == 0 && watched) {
            if (!u->gone(u->gone_arg))
                continue;
            /* the peer's process ended: what it sent before is queued */
            if (poll(&p, 1, 0) != 1) {
                u->gave_up = true;
                return TR_TIMEOUT;
            }
            rc = 1;
        }
        if (rc <= 0)
            return rc == 0 ? TR_TIMEOUT : TR_ERROR;
        tr_addr src;
        src.len = sizeof src.sa;
        ssize_t n = recvfrom(u->fd, buf, cap, MSG_TRUNC, (struct sockaddr *)&src.sa, &src.len);
        if (n < 0) {
            if (errno == ECONNREFUSED) /* ICMP port unreachable on a connected socket */
                return TR_RESET;
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return TR_ERROR;
        }
        if ((size_t)n > cap)
            return TR_ERROR;
        *len = (size_t)n;
        if (from)
            *from = src;
        return TR_OK;
    }
}

size_t tr_udp_drain(tr_udp *u, uint8_t *scratch, size_t cap, tr_udp_accept_fn keep_out,
                    void *arg)
{
    size_t dropped = 0;
    for (;;) {
        ssize_t n = recv(u->fd, scratch, cap, MSG_DONTWAIT | MSG_TRUNC);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return dropped; /* EAGAIN: nothing queued; or an ICMP error consumed */
        if (keep_out != NULL)
            keep_out(arg, scratch, (size_t)n < cap ? (size_t)n : cap);
        dropped++;
    }
}

tr_status tr_udp_exchange(tr_udp *u, const uint8_t *req, size_t req_len, uint8_t *resp,
                          size_t cap, size_t *resp_len, int timeout_ms, int retries,
                          tr_udp_accept_fn accept, void *arg, int *sends)
{
    int wait = timeout_ms;
    if (sends)
        *sends = 0;
    u->resends_refused = 0;
    for (int attempt = 0; attempt <= retries; attempt++) {
        tr_status sent = tr_udp_send(u, req, req_len, NULL);
        if (sent != TR_OK && errno == ECONNREFUSED) {
            /* an ICMP error that came after the last receive: send() reported
             * it (and cleared it) instead of sending; it answers an earlier
             * copy */
            if (attempt > 0)
                u->resends_refused++;
            sent = tr_udp_send(u, req, req_len, NULL);
        }
        if (sent != TR_OK)
            return TR_ERROR;
        if (sends)
            (*sends)++;
        int64_t deadline = tr_now_ms() + wait;
        for (;;) {
            int64_t left = deadline - tr_now_ms();
            tr_status st = tr_udp_recv(u, resp, cap, resp_len, left > 0 ? (int)left : 0, NULL);
            if (st == TR_RESET && attempt > 0) {
                u->resends_refused++; /* the first copy arrived: see udp.h */
                continue;
            }
            if (st != TR_OK && st != TR_TIMEOUT)
                return st;
            if (st == TR_TIMEOUT && u->gave_up)
                return TR_TIMEOUT;
            if (st == TR_TIMEOUT)
                break;
            if (accept == NULL || accept(arg, resp, *resp_len))
                return TR_OK;
            /* a late answer to an earlier request: dropped, keep waiting */
        }
        wait *= 2;
    }
    return TR_TIMEOUT;
}

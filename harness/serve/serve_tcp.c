#define _GNU_SOURCE /* accept4 */
/*
 * serve_tcp.c - CoAP over TCP (RFC 8323) in `serve` (serve_internal.h).
 *
 * The front sends its CSM at once (RFC 8323 §5.3; a client may wait for it).
 * A connection is read until its first request (the client's CSM and pings
 * before it are kept, not answered): GET results, an unknown path and the
 * like are answered by the front,
 * a request that starts a session hands the connection to a job. From then
 * on the front relays bytes both ways between the client's connection and
 * one of its own to the job's server, everything from the first byte, so
 * the job's libcoap sees the client's CSM and answers with its own (a
 * second CSM after the front's is allowed, §5.3). One session per
 * connection: it closes when the job ends.
 *
 * Bounds: SERVE_MAX_CONNS connections waiting for their first request, each
 * at most SERVE_TCP_BUF bytes and SERVE_CONN_WAITS times --timeout; SERVE_TCP_BUF bytes in
 * each direction of a relay (a side is read only while the other has
 * room). Every socket is non-blocking.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../transport/udp.h"
#include "serve_internal.h"

void sv_conn_close(sv_conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->in.d);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

void sv_tcp_accept(serve_state *st, size_t li)
{
    for (int burst = 0; burst < 16; burst++) {
        struct sockaddr_storage from;
        socklen_t fl = sizeof from;
        int fd = accept4(st->l[li].fd, (struct sockaddr *)&from, &fl,
                         SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        sv_conn *c = NULL;
        for (size_t i = 0; i < SERVE_MAX_CONNS && c == NULL; i++)
            if (st->conns[i].fd < 0)
                c = &st->conns[i];
        if (c != NULL)
            c->in.d = malloc(SERVE_TCP_BUF);
        if (c == NULL || c->in.d == NULL) { /* full: the client sees the connection close */
            close(fd);
            continue;
        }
        c->fd = fd;
        c->lst = li;
        c->from = from;
        c->from_len = fl;
        c->in.len = c->off = 0;
        /* RFC 8323 §5.3: a CSM (7.01, empty) first; a client (libcoap's)
         * sends no request before it has the server's */
        static const uint8_t csm[] = {0x00, 0xe1};
        c->csm_sent = write(fd, csm, sizeof csm) == (ssize_t)sizeof csm;
        c->deadline = tr_now_ms() + SERVE_CONN_WAITS * (int64_t)st->o->timeout_ms;
    }
}

void sv_tcp_conn_io(serve_state *st, sv_conn *c)
{
    for (;;) {
        if (c->in.len == SERVE_TCP_BUF) { /* no request in that many bytes */
            sv_conn_close(c);
            return;
        }
        ssize_t r = read(c->fd, c->in.d + c->in.len, SERVE_TCP_BUF - c->in.len);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            sv_conn_close(c);
            return;
        }
        if (r < 0)
            break;
        c->in.len += (size_t)r;
    }
    sv_reply rp = {.l = &st->l[c->lst], .to = &c->from, .to_len = c->from_len, .conn = c};
    while (c->off < c->in.len) {
        serve_request req;
        size_t n = serve_route_tcp(c->in.d + c->off, c->in.len - c->off, &req);
        if (n == 0)
            return;
        if (n == SERVE_TCP_BAD) {
            sv_conn_close(c);
            return;
        }
        if (req.kind == SR_IGNORE) { /* CSM, ping: kept for the job's server */
            c->off += n;
            continue;
        }
        if (sv_take_request(st, c->lst, &req, &rp, c->in.d, c->in.len, SC_COAP_TCP)) {
            c->fd = -1; /* the job's now */
            sv_conn_close(c);
            return;
        }
        /* answered by the front: not the job's to see */
        memmove(c->in.d + c->off, c->in.d + c->off + n, c->in.len - c->off - n);
        c->in.len -= n;
    }
}

void sv_tcp_connect_up(sjob *sj)
{
    sj->up = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (sj->up < 0)
        return;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)sj->port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(sj->up, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS) {
        close(sj->up);
        sj->up = -1;
    }
}

short sv_tcp_conn_wants(const sjob *sj)
{
    if (sj->conn < 0)
        return 0;
    short ev = 0;
    if (!sj->conn_eof && sj->c2u.len < SERVE_TCP_BUF)
        ev |= POLLIN;
    if (sj->u2c.len > 0)
        ev |= POLLOUT;
    return ev;
}

short sv_tcp_up_wants(const sjob *sj)
{
    if (sj->up < 0)
        return 0;
    short ev = 0;
    if (!sj->up_eof && sj->u2c.len < SERVE_TCP_BUF)
        ev |= POLLIN;
    if (sj->c2u.len > 0 || (sj->conn_eof && !sj->up_shut))
        ev |= POLLOUT;
    return ev;
}

/* Read from fd into b while there is room: false at the end of the stream
 * or an error. */
static bool fill(int fd, sv_buf *b)
{
    while (b->len < SERVE_TCP_BUF) {
        ssize_t r = read(fd, b->d + b->len, SERVE_TCP_BUF - b->len);
        if (r > 0) {
            b->len += (size_t)r;
            continue;
        }
        return r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
    }
    return true;
}

/* Write what b holds to fd: false on an error. */
static bool drain(int fd, sv_buf *b)
{
    while (b->len > 0) {
        ssize_t w = send(fd, b->d, b->len, MSG_NOSIGNAL);
        if (w < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        memmove(b->d, b->d + w, b->len - (size_t)w);
        b->len -= (size_t)w;
    }
    return true;
}

void sv_tcp_job_io(sjob *sj, short conn_events, short up_events)
{
    if (sj->conn >= 0 && (conn_events & (POLLIN | POLLHUP | POLLERR)) && !sj->conn_eof &&
        !fill(sj->conn, &sj->c2u))
        sj->conn_eof = true;
    if (sj->up >= 0 && (up_events & (POLLIN | POLLHUP | POLLERR)) && !sj->up_eof &&
        !fill(sj->up, &sj->u2c))
        sj->up_eof = true;
    if (sj->up >= 0 && (up_events & POLLOUT)) {
        if (!drain(sj->up, &sj->c2u))
            sj->up_eof = true, sj->c2u.len = 0;
    }
    if (sj->conn >= 0 && (conn_events & POLLOUT || sj->u2c.len > 0)) {
        if (!drain(sj->conn, &sj->u2c))
            sj->conn_eof = true, sj->u2c.len = 0;
    }
    /* one side ended: the other learns it once what was on its way is through */
    if (sj->up >= 0 && sj->conn_eof && sj->c2u.len == 0 && !sj->up_shut) {
        shutdown(sj->up, SHUT_WR);
        sj->up_shut = true;
    }
    if (sj->conn >= 0 && sj->up_eof && sj->u2c.len == 0) {
        close(sj->conn);
        sj->conn = -1;
    }
}

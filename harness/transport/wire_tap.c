/*
 * wire_tap.c - the datagram recorder of wire_tap.h.
 *
 * Why the socket calls, for CoAP over libcoap 4.3.1 (Debian libcoap3):
 *  - it has no public hook for its network I/O: its installed headers
 *    (coap3/coap_io.h, net.h, coap_session.h) declare no send or receive
 *    callback and no packet callback, and its sockets are opaque;
 *  - its handlers see PDUs, not datagrams: no empty ACKs, no
 *    retransmissions, no Resets, no Block2 continuation requests, no request
 *    repeated with an Echo option, and a block-wise body comes reassembled;
 *    re-encoding those PDUs would miss all of that;
 *  - its debug log (coap_show_pdu) is text with decoded options, not bytes.
 * Its datagrams go through the C library: `nm -D` of libcoap-3-notls.so
 * lists send, recv (connected client sessions) and sendmsg, recvmsg
 * (server endpoints) among its imports. A program's own definition of such
 * a symbol comes first in the dynamic linker's search order, so libcoap's
 * calls land here; each is forwarded untouched to the next definition
 * (dlsym RTLD_NEXT: the C library, or AddressSanitizer's interceptor that
 * then calls the C library) and what was really sent or received is
 * recorded afterwards. Our raw UDP transport (udp.c) uses sendto, send,
 * recvfrom and recv, which are covered the same way.
 *
 * This file is compiled without _GNU_SOURCE, so that the definitions below
 * match sys/socket.h's POSIX prototypes; _FORTIFY_SOURCE is turned off here,
 * since its inline recv/recvfrom wrappers would clash with definitions.
 */
#undef _FORTIFY_SOURCE
#include "wire_tap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>

void *tr_tap__next(const char *name); /* wire_tap_next.c */

typedef ssize_t (*send_fn)(int, const void *, size_t, int);
typedef ssize_t (*sendto_fn)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
typedef ssize_t (*sendmsg_fn)(int, const struct msghdr *, int);
typedef ssize_t (*recv_fn)(int, void *, size_t, int);
typedef ssize_t (*recvfrom_fn)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
typedef ssize_t (*recvmsg_fn)(int, struct msghdr *, int);

static struct {
    send_fn send;
    sendto_fn sendto;
    sendmsg_fn sendmsg;
    recv_fn recv;
    recvfrom_fn recvfrom;
    recvmsg_fn recvmsg;
} next;

static pthread_once_t next_once = PTHREAD_ONCE_INIT;

static void resolve_next(void)
{
    next.send = (send_fn)tr_tap__next("send");
    next.sendto = (sendto_fn)tr_tap__next("sendto");
    next.sendmsg = (sendmsg_fn)tr_tap__next("sendmsg");
    next.recv = (recv_fn)tr_tap__next("recv");
    next.recvfrom = (recvfrom_fn)tr_tap__next("recvfrom");
    next.recvmsg = (recvmsg_fn)tr_tap__next("recvmsg");
}

/* The capture being written, and a buffer to gather scattered data into. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static tr_pcap *active;
static uint8_t gathered[65536];

/* The receive filter of this thread (wire_tap.h), and a buffer to gather a
 * scattered datagram into for it. */
static _Thread_local tr_tap_filter_fn filter_fn;
static _Thread_local void *filter_arg;
static _Thread_local uint8_t filter_buf[65536];

void tr_tap_set_filter(tr_tap_filter_fn fn, void *arg)
{
    filter_fn = fn;
    filter_arg = arg;
}

void tr_tap_start(tr_pcap *p)
{
    pthread_mutex_lock(&mu);
    active = p;
    pthread_mutex_unlock(&mu);
}

tr_pcap *tr_tap_stop(void)
{
    pthread_mutex_lock(&mu);
    tr_pcap *p = active;
    active = NULL;
    pthread_mutex_unlock(&mu);
    return p;
}

static bool inet_family(const struct sockaddr_storage *s)
{
    return s->ss_family == AF_INET || s->ss_family == AF_INET6;
}

static bool is_loopback(const struct sockaddr_storage *s)
{
    if (s->ss_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)(const void *)s)->sin_addr.s_addr) >> 24) ==
               127;
    const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)s)->sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
}

/* An unbound or wildcard-bound local address towards a loopback peer: the
 * address the kernel sends from on loopback. */
static void local_fixup(struct sockaddr_storage *local, const struct sockaddr_storage *peer)
{
    if (!is_loopback(peer) || local->ss_family != peer->ss_family)
        return;
    if (local->ss_family == AF_INET) {
        struct sockaddr_in *l4 = (struct sockaddr_in *)(void *)local;
        if (l4->sin_addr.s_addr == htonl(INADDR_ANY))
            l4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return;
    }
    struct sockaddr_in6 *l6 = (struct sockaddr_in6 *)(void *)local;
    const struct sockaddr_in6 *p6 = (const struct sockaddr_in6 *)(const void *)peer;
    if (IN6_IS_ADDR_UNSPECIFIED(&l6->sin6_addr)) {
        if (IN6_IS_ADDR_V4MAPPED(&p6->sin6_addr)) {
            static const uint8_t lo4[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
            memcpy(l6->sin6_addr.s6_addr, lo4, 16);
        } else {
            l6->sin6_addr = in6addr_loopback;
        }
    }
}

/*
 * Record one datagram of len bytes that fd sent (sent) or received, its
 * first bytes in iov; addr/addr_len the peer's address when the call named
 * it (else the connected peer is asked). Keeps errno.
 */
static void record(int fd, bool sent, const struct sockaddr *addr, socklen_t addr_len,
                   const struct iovec *iov, size_t iovcnt, size_t len)
{
    int saved = errno;
    pthread_mutex_lock(&mu);
    int type = 0;
    socklen_t tl = sizeof type;
    if (active == NULL || getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) != 0 ||
        type != SOCK_DGRAM)
        goto out;
    struct sockaddr_storage local, peer;
    socklen_t ll = sizeof local, pl = sizeof peer;
    memset(&local, 0, sizeof local);
    memset(&peer, 0, sizeof peer);
    if (getsockname(fd, (struct sockaddr *)&local, &ll) != 0 || !inet_family(&local))
        goto out;
    if (addr != NULL && addr_len >= sizeof(sa_family_t))
        memcpy(&peer, addr, addr_len < sizeof peer ? addr_len : sizeof peer);
    else if (getpeername(fd, (struct sockaddr *)&peer, &pl) != 0)
        goto out;
    if (!inet_family(&peer))
        goto out;
    local_fixup(&local, &peer);

    size_t got = 0;
    for (size_t i = 0; i < iovcnt && got < len && got < sizeof gathered; i++) {
        size_t n = iov[i].iov_len;
        if (n > len - got)
            n = len - got;
        if (n > sizeof gathered - got)
            n = sizeof gathered - got;
        if (n)
            memcpy(gathered + got, iov[i].iov_base, n);
        got += n;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    const struct sockaddr *l = (const struct sockaddr *)&local, *p = (const struct sockaddr *)&peer;
    tr_pcap_add_udp(active, sent ? l : p, sent ? p : l, gathered, got, len, &ts);
out:
    pthread_mutex_unlock(&mu);
    errno = saved;
}

static void record_flat(int fd, bool sent, const struct sockaddr *addr, socklen_t addr_len,
                        const void *buf, size_t bufcap, size_t len)
{
    struct iovec v = {(void *)(uintptr_t)buf, bufcap};
    record(fd, sent, addr, addr_len, &v, buf ? 1 : 0, len);
}

/* Does this thread's filter look at what fd receives with these flags
 * (a datagram socket, not a peek)? Keeps errno. */
static bool filter_on(int fd, int flags)
{
    if (filter_fn == NULL || (flags & MSG_PEEK))
        return false;
    int saved = errno, type = 0;
    socklen_t tl = sizeof type;
    bool dgram = getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_DGRAM;
    errno = saved;
    return dgram;
}

/* Does the filter drop the datagram of len bytes just received, cap bytes
 * of which are in iov? */
static bool filtered(const struct iovec *iov, size_t iovcnt, size_t cap, size_t len)
{
    size_t n = len < cap ? len : cap;
    const uint8_t *d = iovcnt > 0 ? iov[0].iov_base : NULL;
    if (iovcnt > 1 || n > (iovcnt ? iov[0].iov_len : 0)) { /* gather it */
        size_t got = 0;
        for (size_t i = 0; i < iovcnt && got < n && got < sizeof filter_buf; i++) {
            size_t k = iov[i].iov_len < n - got ? iov[i].iov_len : n - got;
            if (k > sizeof filter_buf - got)
                k = sizeof filter_buf - got;
            if (k)
                memcpy(filter_buf + got, iov[i].iov_base, k);
            got += k;
        }
        d = filter_buf, n = got;
    }
    return filter_fn(filter_arg, d, n, len);
}

static bool filtered_flat(const void *buf, size_t cap, size_t len)
{
    struct iovec v = {(void *)(uintptr_t)buf, cap};
    return filtered(&v, buf ? 1 : 0, cap, len);
}

/* With a filter on, a receive asks for the datagram's whole length
 * (MSG_TRUNC, for the filter and the capture) and returns to its caller
 * what it would have returned without: at most the buffer's size, unless
 * the caller asked for MSG_TRUNC itself. */
static ssize_t as_asked(ssize_t r, size_t cap, int flags)
{
    return r > 0 && (size_t)r > cap && !(flags & MSG_TRUNC) ? (ssize_t)cap : r;
}

/* ------------------------------------------------ the interposed calls */

ssize_t send(int fd, const void *buf, size_t n, int flags)
{
    pthread_once(&next_once, resolve_next);
    if (next.send == NULL)
        return errno = ENOSYS, -1;
    ssize_t r = next.send(fd, buf, n, flags);
    if (r >= 0)
        record_flat(fd, true, NULL, 0, buf, n, (size_t)r);
    return r;
}

ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *to,
               socklen_t tolen)
{
    pthread_once(&next_once, resolve_next);
    if (next.sendto == NULL)
        return errno = ENOSYS, -1;
    ssize_t r = next.sendto(fd, buf, n, flags, to, tolen);
    if (r >= 0)
        record_flat(fd, true, to, to ? tolen : 0, buf, n, (size_t)r);
    return r;
}

ssize_t sendmsg(int fd, const struct msghdr *m, int flags)
{
    pthread_once(&next_once, resolve_next);
    if (next.sendmsg == NULL)
        return errno = ENOSYS, -1;
    ssize_t r = next.sendmsg(fd, m, flags);
    if (r >= 0 && m != NULL)
        record(fd, true, m->msg_namelen ? m->msg_name : NULL, m->msg_namelen, m->msg_iov,
               (size_t)m->msg_iovlen, (size_t)r);
    return r;
}

/* With MSG_TRUNC a receive returns the datagram's real length, which may
 * exceed the buffer: only n bytes were stored. A datagram the filter drops
 * is recorded like any other, then the next queued one is taken. */
ssize_t recv(int fd, void *buf, size_t n, int flags)
{
    pthread_once(&next_once, resolve_next);
    if (next.recv == NULL)
        return errno = ENOSYS, -1;
    bool filter = filter_on(fd, flags);
    for (;;) {
        ssize_t r = next.recv(fd, buf, n, flags | (filter ? MSG_TRUNC : 0));
        if (r < 0 || (flags & MSG_PEEK))
            return r;
        record_flat(fd, false, NULL, 0, buf, n, (size_t)r);
        if (!filter || !filtered_flat(buf, n, (size_t)r))
            return as_asked(r, n, flags);
        flags |= MSG_DONTWAIT;
    }
}

ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *from,
                 socklen_t *fromlen)
{
    pthread_once(&next_once, resolve_next);
    if (next.recvfrom == NULL)
        return errno = ENOSYS, -1;
    bool filter = filter_on(fd, flags);
    socklen_t fromcap = fromlen ? *fromlen : 0;
    for (;;) {
        ssize_t r = next.recvfrom(fd, buf, n, flags | (filter ? MSG_TRUNC : 0), from, fromlen);
        if (r < 0 || (flags & MSG_PEEK))
            return r;
        record_flat(fd, false, from, from && fromlen ? *fromlen : 0, buf, n, (size_t)r);
        if (!filter || !filtered_flat(buf, n, (size_t)r))
            return as_asked(r, n, flags);
        flags |= MSG_DONTWAIT;
        if (fromlen)
            *fromlen = fromcap;
    }
}

ssize_t recvmsg(int fd, struct msghdr *m, int flags)
{
    pthread_once(&next_once, resolve_next);
    if (next.recvmsg == NULL)
        return errno = ENOSYS, -1;
    bool filter = m != NULL && filter_on(fd, flags);
    socklen_t namecap = m ? m->msg_namelen : 0;
    size_t controlcap = m ? m->msg_controllen : 0;
    for (;;) {
        ssize_t r = next.recvmsg(fd, m, flags | (filter ? MSG_TRUNC : 0));
        if (r < 0 || m == NULL || (flags & MSG_PEEK))
            return r;
        record(fd, false, m->msg_namelen ? m->msg_name : NULL, m->msg_namelen, m->msg_iov,
               (size_t)m->msg_iovlen, (size_t)r);
        size_t cap = 0;
        for (size_t i = 0; i < (size_t)m->msg_iovlen; i++)
            cap += m->msg_iov[i].iov_len;
        if (!filter || !filtered(m->msg_iov, (size_t)m->msg_iovlen, cap, (size_t)r))
            return as_asked(r, cap, flags);
        flags |= MSG_DONTWAIT;
        m->msg_namelen = namecap, m->msg_controllen = controlcap, m->msg_flags = 0;
    }
}

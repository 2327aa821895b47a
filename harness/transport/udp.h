/*
 * udp.h - plain UDP datagrams with bounded waits (IPv4 and IPv6).
 *
 * One EDHOC message per datagram (same prefixes as the CoAP payloads,
 * RFC 9528 Appendix A.2). The Initiator side retransmits with exponential
 * back-off a bounded number of times; every receive has a timeout.
 */
#ifndef EH_TRANSPORT_UDP_H
#define EH_TRANSPORT_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "../common/eh_err.h"
#include "coap.h" /* tr_status */

#define TR_UDP_MAX_DATAGRAM 65535

typedef struct tr_udp {
    int fd;
    struct sockaddr_storage peer; /* client: the server; server: last sender */
    socklen_t peer_len;
    /* Optional (set after bind/connect, which clear them): the watch of
     * every receive's wait (coap.h, tr_gone_fn), and whether the last
     * receive ended early, TR_TIMEOUT, because of it. */
    tr_gone_fn gone;
    void *gone_arg;
    bool gave_up;
    /* Set by tr_udp_exchange: how many of its resends met a closed port
     * (ICMP port unreachable) after the first copy had not. */
    int resends_refused;
} tr_udp;

typedef struct tr_addr {
    struct sockaddr_storage sa;
    socklen_t len;
} tr_addr;

/* Resolve host (literal or name) and port. EH_ERR_ARG if it cannot be. */
eh_err tr_addr_resolve(const char *host, uint16_t port, tr_addr *out);
/* Does host (a literal, "[v6]", or a name) resolve only to loopback
 * addresses (127.0.0.0/8, ::1, ::ffff:127.0.0.0/104)? False when it does not
 * resolve at all. */
bool tr_host_is_loopback(const char *host);
/* "127.0.0.1:5683" / "[::1]:5683" into buf. */
void tr_addr_format(const tr_addr *a, char *buf, size_t cap);

/* Server: bind host:port (0 = any free port). */
eh_err tr_udp_bind(tr_udp *u, const char *host, uint16_t port);
/* Client: a socket connected to host:port. */
eh_err tr_udp_connect(tr_udp *u, const char *host, uint16_t port);
uint16_t tr_udp_local_port(const tr_udp *u);
void tr_udp_close(tr_udp *u);

/* Send one datagram to `to` (NULL: the connected peer). */
tr_status tr_udp_send(tr_udp *u, const uint8_t *buf, size_t len, const tr_addr *to);
/* Wait at most timeout_ms for one datagram; from may be NULL. A datagram
 * larger than cap is reported as TR_ERROR (never truncated silently). With
 * a watch (u->gone) the wait ends early once it says the peer's process
 * ended and nothing is queued (u->gave_up). */
tr_status tr_udp_recv(tr_udp *u, uint8_t *buf, size_t cap, size_t *len, int timeout_ms,
                      tr_addr *from);

/* Does datagram d[0..n) answer the request in flight? */
typedef bool (*tr_udp_accept_fn)(void *arg, const uint8_t *d, size_t n);

/* Client request/response: send, wait timeout_ms, resend with the wait
 * doubled, at most `retries` resends; total wait bounded by the sum. A
 * datagram that `accept` (if not NULL) rejects is dropped and the wait
 * goes on. *sends (if not NULL) counts the copies of req sent: the server
 * may answer each of them, so up to *sends - 1 late answers can follow.
 * A receive that gave up (u->gone) ends it: no more resends.
 * A closed port (ICMP port unreachable, TR_RESET) answering the first copy
 * ends it: nothing listened when the request arrived. One answering a
 * resend does not: the first copy arrived and the peer stopped listening
 * after it (an IUT restarted after each session, say), which is no answer
 * to the request; the wait and the resends go on (a restarted peer may
 * take a later copy), u->resends_refused counts them, and the result is
 * TR_TIMEOUT if nothing else comes. */
tr_status tr_udp_exchange(tr_udp *u, const uint8_t *req, size_t req_len, uint8_t *resp,
                          size_t cap, size_t *resp_len, int timeout_ms, int retries,
                          tr_udp_accept_fn accept, void *arg, int *sends);

/* Drop every datagram already queued on the socket without waiting (in a
 * lockstep exchange they answer earlier requests), reading each into
 * scratch[0..cap); keep_out (if not NULL) sees each one first (truncated
 * to cap). Returns how many were dropped. */
size_t tr_udp_drain(tr_udp *u, uint8_t *scratch, size_t cap, tr_udp_accept_fn keep_out,
                    void *arg);

/* Milliseconds of CLOCK_MONOTONIC. */
int64_t tr_now_ms(void);

#endif

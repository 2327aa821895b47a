/*
 * wire_tap.h - records every UDP datagram this process sends or receives
 * into a capture file (pcap_file.h): the bytes exactly as they went to or
 * came from the socket, with the socket's real addresses and ports.
 *
 * Where it listens: at the C library's socket calls. The process defines
 * send, sendto, sendmsg, recv, recvfrom and recvmsg itself (wire_tap.c);
 * every caller in the process reaches these first (our transport and, through
 * ordinary dynamic symbol interposition, libcoap), and they forward each
 * call unchanged to the next definition (the C library's, or a sanitizer's
 * interceptor in front of it), then record what was actually sent or
 * received. Why not elsewhere (see wire_tap.c for the details): libcoap
 * 4.3.1 offers no hook for its socket I/O, and what it shows otherwise (PDUs
 * in the handlers, its text debug log) is neither every datagram (no ACKs,
 * retransmissions, Resets, Block2 continuations, Echo repetitions) nor the
 * bytes.
 *
 * Scope: process-wide, so it is meant for a process that talks to one peer
 * only (a runner job: the harness and its IUT). Only datagram sockets of
 * AF_INET / AF_INET6 are recorded (CoAP over TCP is not); MSG_PEEK reads
 * and failed calls are not; an empty datagram is. A socket bound to the
 * unspecified address talking to a loopback peer is recorded with the
 * loopback address the kernel uses (127.0.0.1 / ::1).
 *
 * While no capture is set the calls only forward (one mutex round trip).
 * Thread-safe: recording is serialised by a mutex.
 */
#ifndef EH_TRANSPORT_WIRE_TAP_H
#define EH_TRANSPORT_WIRE_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcap_file.h"

/*
 * A receive filter for the calling thread (fn NULL: none). fn sees every
 * datagram that a receive call made by this thread takes from a datagram
 * socket (after it is recorded): n bytes of it at d, len its whole length
 * (n < len when it did not fit the caller's buffer, which then gets what
 * fitted, as always). When fn returns true the datagram is dropped: the
 * call takes the next queued one without waiting, or fails with EAGAIN as a
 * non-blocking socket would.
 *
 * Why here: libcoap 4.3.1 acts on some datagrams in ways a hostile peer can
 * abuse and offers no hook before it parses them (coap.c says which); its
 * receive calls come through this file anyway.
 */
typedef bool (*tr_tap_filter_fn)(void *arg, const uint8_t *d, size_t n, size_t len);
void tr_tap_set_filter(tr_tap_filter_fn fn, void *arg);

/* Record into p from now on (NULL: stop). p stays owned by the caller and
 * must outlive the recording: stop (tr_tap_stop) before closing it. */
void tr_tap_start(tr_pcap *p);
/* Stop recording; returns the capture that was set (NULL if none). */
tr_pcap *tr_tap_stop(void);

#endif

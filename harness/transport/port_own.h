/*
 * port_own.h - a UDP port that one socket has to itself.
 *
 * libcoap 4.3.1 sets SO_REUSEADDR on every socket it binds for a server,
 * and Linux then lets a second such socket bind the same address and port:
 * bind(0) may even hand out a port another SO_REUSEADDR socket holds (about
 * one bind in 28000 per such socket on the host). Two servers on one port
 * take each other's datagrams: an IUT's request reaches a harness run that
 * did not expect it, and two unrelated runs both fail. The harness runs many
 * servers side by side (parallel jobs, explore's workers, pairs), so it
 * claims its ports:
 *
 *   1. tr_port_unused() asks the kernel for a port that no socket holds
 *      (a bind without SO_REUSEADDR conflicts with every holder);
 *   2. the caller has libcoap bind that port;
 *   3. tr_port_own() clears SO_REUSEADDR on this process's socket there,
 *      so no later socket can share it, and tells whether another socket
 *      already does (it asks the kernel through sock_diag, as ss does, or
 *      reads /proc/net/udp{,6} where that fails; the caller then closes its
 *      endpoint and starts again with a new port).
 *
 * UDP only: a listening TCP socket is never shared that way.
 */
#ifndef EH_TRANSPORT_PORT_OWN_H
#define EH_TRANSPORT_PORT_OWN_H

#include <stdbool.h>
#include <sys/socket.h>

/* A UDP port on a's address (a's port ignored) that no socket holds now,
 * or -1 when none can be bound there. */
int tr_port_unused(const struct sockaddr *a, socklen_t len);

/* Clear SO_REUSEADDR on every UDP socket of this process bound to exactly
 * a (address and port). Returns true when one socket of this process is
 * bound there and no other socket is (or the kernel's socket table cannot
 * be read: then nothing more can be told). False when another socket
 * shares the address, or when no socket of this process is bound there. */
bool tr_port_own(const struct sockaddr *a, socklen_t len);

#endif

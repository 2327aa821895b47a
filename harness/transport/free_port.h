/*
 * free_port.h - a port for an IUT to listen on.
 *
 * The harness picks the port and passes it to the IUT ({port}), which binds
 * it a moment later. A port that bind(0) hands out lies in the kernel's
 * ephemeral range, where every other process's unbound UDP or TCP client
 * draws its source port in the meantime (parallel jobs, other runs on the
 * machine): the IUT then cannot bind it and looks as if it failed to start.
 * So the port is drawn at random below the ephemeral range
 * (net.ipv4.ip_local_port_range; 32768 when unreadable), from
 * TR_FREE_PORT_LOW up, and kept only when a UDP and a TCP socket can both
 * bind it on the host; after 64 tries, whatever bind(0) gives.
 */
#ifndef EH_TRANSPORT_FREE_PORT_H
#define EH_TRANSPORT_FREE_PORT_H

#include <stdbool.h>

#define TR_FREE_PORT_LOW 10000

/* A free port on host (a literal or a name), or -1 when host does not
 * resolve or nothing can be bound. */
int tr_free_port(const char *host);

/* Is port on host held by some socket now (a UDP or a TCP one cannot bind
 * it)? After an IUT failed to start on a port tr_free_port gave, true
 * means another process took the port in the meantime: a race to try
 * again on another port, not the IUT's failure. */
bool tr_port_taken(const char *host, int port);

/* The low end of the kernel's ephemeral port range (32768 when unknown). */
int tr_ephemeral_low(void);

#endif

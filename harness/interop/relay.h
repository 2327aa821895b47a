/*
 * relay.h - a transparent UDP relay between two IUTs of an interop pair,
 * recording every datagram it forwards.
 *
 * The relay listens on a port of its own (the Initiator is pointed at it)
 * and forwards every datagram a client sends there to the target (the
 * Responder's host:port), and every datagram the target sends back to the
 * client it answers. CoAP over UDP and raw UDP are both datagram
 * transports: the relay parses nothing, it only copies and records.
 *
 * Each client address gets an upstream socket of its own, connected to the
 * target (so the target sees one source address per client, as behind a
 * NAT, and answers reach the right client); at most RELAY_MAX_CLIENTS, the
 * datagrams of further clients are recorded as not forwarded.
 *
 * A thread does the forwarding, so the caller can wait for the Initiator
 * to exit (iut_wait) meanwhile. Records are appended in the order the
 * thread handles the datagrams, each with its direction, the client it
 * belongs to and the time since relay_start; the thread polls with a
 * bounded timeout (RELAY_POLL_MS) and sees relay_stop through a pipe.
 * relay_stop forwards what is still queued in the sockets (a datagram sent
 * on loopback is queued before sendto returns, so nothing the Initiator
 * sent before it exited is lost), then joins the thread. Records can be
 * read only after relay_stop.
 *
 * Bounds: at most RELAY_MAX_RECORDS datagrams are recorded (the rest are
 * still forwarded, and counted); a datagram is at most 65535 bytes.
 */
#ifndef EH_INTEROP_RELAY_H
#define EH_INTEROP_RELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define RELAY_MAX_CLIENTS 8
#define RELAY_MAX_RECORDS 4096
#define RELAY_POLL_MS 200

typedef enum relay_dir {
    RELAY_TO_RESPONDER = 0, /* from a client (the Initiator) to the target */
    RELAY_TO_INITIATOR = 1  /* from the target back to a client */
} relay_dir;

typedef struct relay_datagram {
    relay_dir dir;
    int client;       /* index of the client address, 0 for the first; -1: a client
                       * beyond RELAY_MAX_CLIENTS (not forwarded) */
    int64_t t_us;     /* microseconds since relay_start (CLOCK_MONOTONIC) */
    bool forwarded;   /* sent on (sendto succeeded) */
    size_t len;
    uint8_t *data;    /* len bytes, owned by the relay */
} relay_datagram;

typedef struct relay relay;

/* Bind the listening socket on host (port 0: any free port) and start the
 * thread forwarding to host:target_port. NULL and err filled on failure. */
relay *relay_start(const char *host, int target_port, char *err, size_t cap);
/* The listening port (where the Initiator must send). */
int relay_port(const relay *r);
/* Forward what is queued, stop the thread and join it. Idempotent. */
void relay_stop(relay *r);
/* After relay_stop: the records, in order, as an array of *n (NULL and
 * 0 while the relay runs). */
const relay_datagram *relay_records(const relay *r, size_t *n);
/* After relay_stop: datagrams forwarded but not recorded (over the bound). */
size_t relay_unrecorded(const relay *r);
/* The address the relay listens on, and client number idx's address (the
 * Initiator's socket); false if there is none. For the pair's capture. */
bool relay_listen_addr(const relay *r, struct sockaddr_storage *out, socklen_t *len);
bool relay_client_addr(const relay *r, int idx, struct sockaddr_storage *out, socklen_t *len);
/* Stops the relay if it runs, then frees everything. NULL is ignored. */
void relay_free(relay *r);

#endif

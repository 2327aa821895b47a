/*
 * pcap_file.h - a capture file of UDP datagrams, written with libpcap
 * (pcap_open_dead + pcap_dump_open + pcap_dump): the classic pcap format
 * (microsecond timestamps), link type LINKTYPE_RAW (DLT_RAW: every record
 * starts with an IPv4 or IPv6 header, so both families share one file).
 *
 * Each datagram becomes one record: an IPv4 header (20 bytes, TTL 64, DF,
 * header checksum) or an IPv6 header (40 bytes, hop limit 64), a UDP header
 * with the real ports and the UDP checksum, then the datagram's bytes. An
 * IPv4-mapped IPv6 address pair (::ffff:a.b.c.d) is written as IPv4, as it
 * travels on the wire.
 *
 * Atomic: the records go to PATH.tmp while the capture is open;
 * tr_pcap_close() flushes and fsyncs it and renames it over PATH, so a
 * reader never sees a half-written file (an interrupted process leaves
 * only PATH.tmp behind).
 *
 * Bounded: at most max_packets records and max_bytes bytes of file (the
 * 24-byte file header, each record's 16-byte header and its bytes). A
 * datagram that would exceed either cap is not written; it is counted in
 * the stats instead (dropped, dropped_bytes), so the caller can say the
 * capture is truncated. Not thread-safe: one writer per capture.
 */
#ifndef EH_TRANSPORT_PCAP_FILE_H
#define EH_TRANSPORT_PCAP_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

/* The snapshot length in the file header (libpcap's largest, tcpdump's
 * default): every UDP datagram fits whole. */
#define TR_PCAP_SNAPLEN 262144

typedef struct tr_pcap tr_pcap;

typedef struct tr_pcap_stats {
    size_t packets;       /* records written */
    size_t bytes;         /* datagram bytes in those records (UDP payloads) */
    size_t dropped;       /* datagrams not written: a cap was reached */
    size_t dropped_bytes; /* their UDP payload bytes */
} tr_pcap_stats;

/* Load libpcap now (it is loaded on first use: common/lazylib.h). A
 * process that forks writers calls it first, so that each child does not
 * load it again. 0, or -1 with the reason in err. */
int tr_pcap_load(char *err, size_t cap);

/*
 * Create PATH.tmp (truncating an old one) and write the file header.
 * max_packets, max_bytes: the caps (max_bytes below 24 + 16 + 28 leaves
 * room for no record). NULL on failure, with a reason in err.
 */
tr_pcap *tr_pcap_open(const char *path, size_t max_packets, size_t max_bytes, char *err,
                      size_t cap);

/*
 * Append one UDP datagram from src to dst (struct sockaddr_in or
 * sockaddr_in6, with the ports), sent or received at ts (CLOCK_REALTIME).
 * data[0..caplen) are its first bytes; len (>= caplen) is its real length
 * (caplen < len: the receiver saw only the first caplen bytes; the record
 * is then marked truncated and its UDP checksum is 0). Returns 0 written,
 * 1 not written because of a cap, -1 unusable arguments (an address that is
 * neither IPv4 nor IPv6, mixed families, len over 65507 / 65527 bytes).
 */
int tr_pcap_add_udp(tr_pcap *p, const struct sockaddr *src, const struct sockaddr *dst,
                    const uint8_t *data, size_t caplen, size_t len, const struct timespec *ts);

void tr_pcap_get_stats(const tr_pcap *p, tr_pcap_stats *out);

/* The final path given to tr_pcap_open(). */
const char *tr_pcap_path(const tr_pcap *p);

/*
 * Flush, fsync, rename PATH.tmp over PATH (and fsync the directory); frees
 * p. 0, or -1 with a reason in err (the temporary file is then removed).
 */
int tr_pcap_close(tr_pcap *p, char *err, size_t cap);

/* Give up: remove PATH.tmp and free p. */
void tr_pcap_discard(tr_pcap *p);

#endif

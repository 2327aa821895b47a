/*
 * pcap_file.c - UDP datagrams into a pcap file through libpcap (see
 * pcap_file.h). libpcap writes the file format (header, record headers,
 * byte order); this file builds each record's IPv4/IPv6 and UDP headers.
 */
#define _DEFAULT_SOURCE /* libpcap's headers use the BSD types u_char, u_int */
#include "pcap_file.h"
#include "../common/lazylib.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FILE_HEADER 24   /* struct pcap_file_header */
#define RECORD_HEADER 16 /* struct pcap_sf_pkthdr */
#define IP4_HEADER 20
#define IP6_HEADER 40
#define UDP_HEADER 8
#define MAX_RECORD (IP6_HEADER + UDP_HEADER + 65535)

struct tr_pcap {
    pcap_t *dead;
    pcap_dumper_t *dump;
    char *path, *tmp;
    size_t max_packets, max_bytes, file_bytes;
    uint16_t ip_id;
    tr_pcap_stats st;
    uint8_t rec[MAX_RECORD];
};

/* libpcap, loaded on first use (common/lazylib.h says why): the entry
 * points this writer calls, with the library's own prototypes. */
static struct {
    pcap_t *(*open_dead)(int, int);
    pcap_dumper_t *(*dump_open)(pcap_t *, const char *);
    char *(*geterr)(pcap_t *);
    void (*dump)(u_char *, const struct pcap_pkthdr *, const u_char *);
    FILE *(*dump_file)(pcap_dumper_t *);
    int (*dump_flush)(pcap_dumper_t *);
    void (*dump_close)(pcap_dumper_t *);
    void (*close)(pcap_t *);
} PL;

#define PL_SYM(f) {"pcap_" #f, (void **)&PL.f}
static const lazylib_sym pl_syms[] = {PL_SYM(open_dead), PL_SYM(dump_open),  PL_SYM(geterr),
                                      PL_SYM(dump),      PL_SYM(dump_file),  PL_SYM(dump_flush),
                                      PL_SYM(dump_close), PL_SYM(close)};
static lazylib pl_lib = {EH_SONAME_LIBPCAP, pl_syms, sizeof pl_syms / sizeof pl_syms[0], 0, ""};

int tr_pcap_load(char *err, size_t cap)
{
    if (lazylib_load(&pl_lib) == 0)
        return 0;
    snprintf(err, cap, "%s", pl_lib.err);
    return -1;
}

/* An address as the wire carries it: family 4 or 6, 4 or 16 bytes. */
typedef struct wire_addr {
    int v;
    uint8_t a[16];
    uint16_t port; /* host order */
} wire_addr;

static bool wire_addr_of(const struct sockaddr *sa, wire_addr *w)
{
    static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (sa == NULL)
        return false;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;
        w->v = 4;
        memcpy(w->a, &s4->sin_addr, 4);
        w->port = ntohs(s4->sin_port);
        return true;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
        w->port = ntohs(s6->sin6_port);
        if (memcmp(s6->sin6_addr.s6_addr, v4mapped, sizeof v4mapped) == 0) {
            w->v = 4;
            memcpy(w->a, s6->sin6_addr.s6_addr + 12, 4);
        } else {
            w->v = 6;
            memcpy(w->a, s6->sin6_addr.s6_addr, 16);
        }
        return true;
    }
    return false;
}

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

/* One's complement sum of 16-bit big-endian words (RFC 1071). */
static uint32_t sum16(uint32_t acc, const uint8_t *p, size_t n)
{
    for (; n >= 2; p += 2, n -= 2)
        acc += (uint32_t)p[0] << 8 | p[1];
    if (n)
        acc += (uint32_t)p[0] << 8;
    return acc;
}

static uint16_t fold(uint32_t acc)
{
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (uint16_t)~acc;
}

tr_pcap *tr_pcap_open(const char *path, size_t max_packets, size_t max_bytes, char *err,
                      size_t cap)
{
    tr_pcap *p = calloc(1, sizeof *p);
    size_t n = path ? strlen(path) : 0;
    if (p == NULL || n == 0) {
        snprintf(err, cap, "%s", p ? "no path" : "out of memory");
        free(p);
        return NULL;
    }
    if (tr_pcap_load(err, cap) != 0) {
        free(p);
        return NULL;
    }
    p->path = strdup(path);
    p->tmp = malloc(n + 5);
    p->dead = PL.open_dead(DLT_RAW, TR_PCAP_SNAPLEN);
    if (p->path == NULL || p->tmp == NULL || p->dead == NULL) {
        snprintf(err, cap, "out of memory");
        tr_pcap_discard(p);
        return NULL;
    }
    memcpy(p->tmp, path, n);
    memcpy(p->tmp + n, ".tmp", 5);
    p->dump = PL.dump_open(p->dead, p->tmp);
    if (p->dump == NULL) {
        snprintf(err, cap, "%s", PL.geterr(p->dead));
        tr_pcap_discard(p);
        return NULL;
    }
    p->max_packets = max_packets, p->max_bytes = max_bytes;
    p->file_bytes = FILE_HEADER;
    return p;
}

int tr_pcap_add_udp(tr_pcap *p, const struct sockaddr *src, const struct sockaddr *dst,
                    const uint8_t *data, size_t caplen, size_t len, const struct timespec *ts)
{
    wire_addr s, d;
    if (p == NULL || !wire_addr_of(src, &s) || !wire_addr_of(dst, &d) || s.v != d.v ||
        caplen > len || (caplen && data == NULL) || ts == NULL)
        return -1;
    size_t ip = s.v == 4 ? IP4_HEADER : IP6_HEADER;
    if (len > (s.v == 4 ? 65535 - IP4_HEADER - UDP_HEADER : 65535 - UDP_HEADER))
        return -1;
    size_t rec = ip + UDP_HEADER + caplen;
    if (p->st.packets >= p->max_packets || p->file_bytes + RECORD_HEADER + rec > p->max_bytes) {
        p->st.dropped++;
        p->st.dropped_bytes += len;
        return 1;
    }

    uint8_t *h = p->rec, *u = p->rec + ip;
    size_t udp_len = UDP_HEADER + len;
    memset(h, 0, ip + UDP_HEADER);
    if (s.v == 4) {
        h[0] = 0x45;
        put16(h + 2, (unsigned)(IP4_HEADER + udp_len));
        put16(h + 4, p->ip_id++);
        put16(h + 6, 0x4000); /* don't fragment */
        h[8] = 64, h[9] = IPPROTO_UDP;
        memcpy(h + 12, s.a, 4), memcpy(h + 16, d.a, 4);
        put16(h + 10, fold(sum16(0, h, IP4_HEADER)));
    } else {
        h[0] = 0x60;
        put16(h + 4, (unsigned)udp_len);
        h[6] = IPPROTO_UDP, h[7] = 64;
        memcpy(h + 8, s.a, 16), memcpy(h + 24, d.a, 16);
    }
    put16(u, s.port), put16(u + 2, d.port), put16(u + 4, (unsigned)udp_len);
    if (caplen)
        memcpy(u + UDP_HEADER, data, caplen);
    if (caplen == len) { /* the pseudo-header, the UDP header and the data */
        size_t alen = s.v == 4 ? 4 : 16;
        uint32_t acc = sum16(0, s.a, alen);
        acc = sum16(acc, d.a, alen);
        acc += IPPROTO_UDP + (uint32_t)udp_len;
        uint16_t c = fold(sum16(acc, u, udp_len));
        put16(u + 6, c == 0 ? 0xffff : c);
    }

    struct pcap_pkthdr ph;
    ph.ts.tv_sec = ts->tv_sec;
    ph.ts.tv_usec = (suseconds_t)(ts->tv_nsec / 1000);
    ph.caplen = (bpf_u_int32)rec;
    ph.len = (bpf_u_int32)(ip + udp_len);
    PL.dump((u_char *)p->dump, &ph, p->rec);
    p->file_bytes += RECORD_HEADER + rec;
    p->st.packets++;
    p->st.bytes += len;
    return 0;
}

void tr_pcap_get_stats(const tr_pcap *p, tr_pcap_stats *out)
{
    memset(out, 0, sizeof *out);
    if (p != NULL)
        *out = p->st;
}

const char *tr_pcap_path(const tr_pcap *p)
{
    return p ? p->path : NULL;
}

static void free_pcap(tr_pcap *p)
{
    if (p->dead)
        PL.close(p->dead);
    free(p->path);
    free(p->tmp);
    free(p);
}

/* fsync the directory holding path, so that the rename is durable. */
static void sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int tr_pcap_close(tr_pcap *p, char *err, size_t cap)
{
    if (p == NULL) {
        snprintf(err, cap, "no capture");
        return -1;
    }
    FILE *f = PL.dump_file(p->dump);
    bool ok = PL.dump_flush(p->dump) == 0 && !ferror(f) && fsync(fileno(f)) == 0;
    int e = errno;
    PL.dump_close(p->dump);
    p->dump = NULL;
    if (ok && rename(p->tmp, p->path) != 0)
        ok = false, e = errno;
    if (!ok) {
        snprintf(err, cap, "cannot write %s: %s", p->tmp, strerror(e));
        unlink(p->tmp);
        free_pcap(p);
        return -1;
    }
    sync_dir(p->path);
    free_pcap(p);
    return 0;
}

void tr_pcap_discard(tr_pcap *p)
{
    if (p == NULL)
        return;
    if (p->dump != NULL) {
        PL.dump_close(p->dump);
        unlink(p->tmp);
    }
    free_pcap(p);
}

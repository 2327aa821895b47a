/*
 * test_pcap_file.c - the pcap writer (harness/transport/pcap_file.h): the
 * file header's bytes, a round trip through libpcap's own reader
 * (pcap_open_offline) with IPv4, IPv6, IPv4-mapped, empty and truncated
 * datagrams (headers, ports, checksums, timestamps, bytes), the caps, the
 * atomic rename and the arguments it refuses.
 */
#define _DEFAULT_SOURCE /* libpcap's headers use the BSD types u_char, u_int */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../transport/pcap_file.h"

typedef struct tmp {
    char dir[64], path[128], tmp[160];
} tmp;

static void tmp_make(tmp *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/eh-pcap-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(t->dir));
    snprintf(t->path, sizeof t->path, "%s/job.pcap", t->dir);
    snprintf(t->tmp, sizeof t->tmp, "%s.tmp", t->path);
}

static void tmp_remove(tmp *t)
{
    unlink(t->path);
    unlink(t->tmp);
    ck_assert_int_eq(rmdir(t->dir), 0);
}

static bool exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static struct sockaddr_in v4(const char *ip, uint16_t port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    ck_assert_int_eq(inet_pton(AF_INET, ip, &a.sin_addr), 1);
    return a;
}

static struct sockaddr_in6 v6(const char *ip, uint16_t port)
{
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    ck_assert_int_eq(inet_pton(AF_INET6, ip, &a.sin6_addr), 1);
    return a;
}

#define SA(x) ((const struct sockaddr *)(const void *)&(x))

static unsigned get16(const uint8_t *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

/* One's complement sum over the buffers, folded: 0xffff when a checksum
 * they contain is right. */
static unsigned csum(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < na; i += 2)
        s += get16(a + i);
    for (size_t i = 0; i < nb; i += 2)
        s += i + 1 < nb ? get16(b + i) : (uint32_t)b[i] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return s;
}

START_TEST(test_header_bytes)
{
    tmp t;
    char err[256];
    tmp_make(&t);
    tr_pcap *p = tr_pcap_open(t.path, 10, 1000, err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    ck_assert_str_eq(tr_pcap_path(p), t.path);
    ck_assert_int_eq(tr_pcap_close(p, err, sizeof err), 0);

    /* struct pcap_file_header in the writer's (host) byte order: magic
     * (microseconds), version 2.4, thiszone 0, sigfigs 0, snaplen 262144,
     * link type 101 (LINKTYPE_RAW). */
    uint8_t want[24];
    uint32_t magic = 0xa1b2c3d4, zero = 0, snap = 262144, link = 101;
    uint16_t major = 2, minor = 4;
    memcpy(want, &magic, 4), memcpy(want + 4, &major, 2), memcpy(want + 6, &minor, 2);
    memcpy(want + 8, &zero, 4), memcpy(want + 12, &zero, 4);
    memcpy(want + 16, &snap, 4), memcpy(want + 20, &link, 4);
    static const uint8_t le[24] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
                                   0,    0,    0,    0,    0, 0, 4, 0, 101, 0, 0, 0};
    if (want[0] == 0xd4) /* a little-endian host: the bytes spelled out */
        ck_assert_mem_eq(want, le, sizeof le);

    uint8_t got[64];
    FILE *f = fopen(t.path, "rb");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(got, 1, sizeof got, f);
    fclose(f);
    ck_assert_uint_eq(n, 24); /* no records: still a valid, empty capture */
    ck_assert_mem_eq(got, want, 24);

    char perr[PCAP_ERRBUF_SIZE];
    pcap_t *r = pcap_open_offline(t.path, perr);
    ck_assert_msg(r != NULL, "%s", perr);
    ck_assert_int_eq(pcap_datalink(r), DLT_RAW);
    ck_assert_int_eq(pcap_snapshot(r), 262144);
    struct pcap_pkthdr *h;
    const u_char *d;
    ck_assert_int_eq(pcap_next_ex(r, &h, &d), PCAP_ERROR_BREAK); /* end of file */
    pcap_close(r);
    tmp_remove(&t);
}
END_TEST

typedef struct sent {
    int v; /* 4 or 6 on the wire */
    const struct sockaddr *src, *dst;
    uint16_t sport, dport;
    const uint8_t *data;
    size_t caplen, len;
    struct timespec ts;
} sent;

/* Checks one record read back against what was added. */
static void check_record(pcap_t *r, const sent *s)
{
    struct pcap_pkthdr *h;
    const u_char *d;
    ck_assert_int_eq(pcap_next_ex(r, &h, &d), 1);
    size_t ip = s->v == 4 ? 20 : 40;
    ck_assert_int_eq(h->ts.tv_sec, s->ts.tv_sec);
    ck_assert_int_eq(h->ts.tv_usec, s->ts.tv_nsec / 1000);
    ck_assert_uint_eq(h->caplen, ip + 8 + s->caplen);
    ck_assert_uint_eq(h->len, ip + 8 + s->len);
    ck_assert_uint_eq(d[0] >> 4, (unsigned)s->v);
    uint8_t pseudo[40];
    size_t alen = s->v == 4 ? 4 : 16;
    if (s->v == 4) {
        ck_assert_uint_eq(d[0], 0x45);
        ck_assert_uint_eq(get16(d + 2), 20 + 8 + s->len); /* total length */
        ck_assert_uint_eq(d[8], 64);
        ck_assert_uint_eq(d[9], 17); /* UDP */
        ck_assert_uint_eq(csum(d, 20, NULL, 0), 0xffff); /* header checksum */
        memcpy(pseudo, d + 12, 8);
    } else {
        ck_assert_uint_eq(get16(d + 4), 8 + s->len); /* payload length */
        ck_assert_uint_eq(d[6], 17);
        ck_assert_uint_eq(d[7], 64);
        memcpy(pseudo, d + 8, 32);
    }
    /* addresses as given (an IPv4-mapped pair as plain IPv4) */
    for (int k = 0; k < 2; k++) {
        const struct sockaddr *sa = k == 0 ? s->src : s->dst;
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
        const uint8_t *want = sa->sa_family == AF_INET ? (const uint8_t *)&s4->sin_addr
                                                       : s6->sin6_addr.s6_addr;
        if (sa->sa_family == AF_INET6 && s->v == 4)
            want += 12;
        ck_assert_mem_eq(pseudo + k * alen, want, alen);
    }
    const u_char *u = d + ip;
    ck_assert_uint_eq(get16(u), s->sport);
    ck_assert_uint_eq(get16(u + 2), s->dport);
    ck_assert_uint_eq(get16(u + 4), 8 + s->len);
    if (s->caplen)
        ck_assert_mem_eq(u + 8, s->data, s->caplen);
    if (s->caplen < s->len) {
        ck_assert_uint_eq(get16(u + 6), 0); /* not computed over bytes not seen */
    } else {
        /* pseudo-header (addresses, protocol, UDP length) + UDP header + data */
        uint8_t ph[40 + 4];
        memcpy(ph, pseudo, 2 * alen);
        ph[2 * alen] = 0, ph[2 * alen + 1] = 17;
        ph[2 * alen + 2] = (uint8_t)((8 + s->len) >> 8), ph[2 * alen + 3] = (uint8_t)(8 + s->len);
        uint32_t sum = csum(ph, 2 * alen + 4, NULL, 0) + csum(u, 0, u, 8 + s->len);
        while (sum >> 16)
            sum = (sum & 0xffff) + (sum >> 16);
        ck_assert_uint_eq(sum, 0xffff);
        ck_assert_uint_ne(get16(u + 6), 0);
    }
}

START_TEST(test_round_trip_through_libpcap)
{
    tmp t;
    char err[256];
    tmp_make(&t);
    struct sockaddr_in a4 = v4("127.0.0.1", 40001), b4 = v4("127.0.0.1", 5683);
    struct sockaddr_in6 a6 = v6("::1", 40002), b6 = v6("::1", 61616);
    struct sockaddr_in6 m6 = v6("::ffff:127.0.0.1", 40003), n6 = v6("::ffff:127.0.0.2", 40004);
    static const uint8_t post[] = {0x42, 0x02, 0x12, 0x34, 0xab, 0xcd, 0xff, 0xf5, 0x03, 0x02};
    static const uint8_t odd[] = {0x58, 0x2b, 0xc9};
    uint8_t big[1500];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 13 + 7);
    sent s[] = {
        {4, SA(a4), SA(b4), 40001, 5683, post, sizeof post, sizeof post, {1700000000, 123456789}},
        {4, SA(b4), SA(a4), 5683, 40001, odd, sizeof odd, sizeof odd, {1700000000, 999999999}},
        {6, SA(a6), SA(b6), 40002, 61616, big, sizeof big, sizeof big, {1700000001, 5000}},
        {6, SA(b6), SA(a6), 61616, 40002, NULL, 0, 0, {1700000002, 0}}, /* empty datagram */
        {4, SA(m6), SA(n6), 40003, 40004, post, 4, sizeof post, {1700000003, 1000}}, /* truncated */
    };
    size_t n = sizeof s / sizeof s[0];
    tr_pcap *p = tr_pcap_open(t.path, 100, 1 << 20, err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    /* written to the temporary file, the final name appears at close */
    ck_assert(exists(t.tmp));
    ck_assert(!exists(t.path));
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(tr_pcap_add_udp(p, s[i].src, s[i].dst, s[i].data, s[i].caplen,
                                         s[i].len, &s[i].ts),
                         0);
    tr_pcap_stats st;
    tr_pcap_get_stats(p, &st);
    ck_assert_uint_eq(st.packets, n);
    ck_assert_uint_eq(st.bytes, 2 * sizeof post + sizeof odd + sizeof big);
    ck_assert_uint_eq(st.dropped, 0);
    ck_assert_int_eq(tr_pcap_close(p, err, sizeof err), 0);
    ck_assert(exists(t.path));
    ck_assert(!exists(t.tmp));

    char perr[PCAP_ERRBUF_SIZE];
    pcap_t *r = pcap_open_offline(t.path, perr);
    ck_assert_msg(r != NULL, "%s", perr);
    ck_assert_int_eq(pcap_datalink(r), DLT_RAW);
    for (size_t i = 0; i < n; i++)
        check_record(r, &s[i]);
    struct pcap_pkthdr *h;
    const u_char *d;
    ck_assert_int_eq(pcap_next_ex(r, &h, &d), PCAP_ERROR_BREAK);
    pcap_close(r);
    tmp_remove(&t);
}
END_TEST

START_TEST(test_caps_count_what_is_left_out)
{
    tmp t;
    char err[256];
    tmp_make(&t);
    struct sockaddr_in a = v4("127.0.0.1", 1000), b = v4("127.0.0.1", 2000);
    struct timespec ts = {1700000000, 0};
    uint8_t d[100] = {0};
    /* packet cap: 2 records */
    tr_pcap *p = tr_pcap_open(t.path, 2, 1 << 20, err, sizeof err);
    ck_assert_ptr_nonnull(p);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(tr_pcap_add_udp(p, SA(a), SA(b), d, 10, 10, &ts), i < 2 ? 0 : 1);
    tr_pcap_stats st;
    tr_pcap_get_stats(p, &st);
    ck_assert_uint_eq(st.packets, 2);
    ck_assert_uint_eq(st.dropped, 3);
    ck_assert_uint_eq(st.dropped_bytes, 30);
    ck_assert_int_eq(tr_pcap_close(p, err, sizeof err), 0);

    /* byte cap: header 24 + one record (16 + 20 + 8 + 100 = 144) = 168 */
    p = tr_pcap_open(t.path, 100, 24 + 144 + 143, err, sizeof err);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(tr_pcap_add_udp(p, SA(a), SA(b), d, 100, 100, &ts), 0);
    ck_assert_int_eq(tr_pcap_add_udp(p, SA(a), SA(b), d, 100, 100, &ts), 1); /* 1 byte short */
    ck_assert_int_eq(tr_pcap_add_udp(p, SA(a), SA(b), d, 99, 99, &ts), 0);   /* fits exactly */
    ck_assert_int_eq(tr_pcap_add_udp(p, SA(a), SA(b), NULL, 0, 0, &ts), 1);
    tr_pcap_get_stats(p, &st);
    ck_assert_uint_eq(st.packets, 2);
    ck_assert_uint_eq(st.dropped, 2);
    ck_assert_int_eq(tr_pcap_close(p, err, sizeof err), 0);
    struct stat fs;
    ck_assert_int_eq(stat(t.path, &fs), 0);
    ck_assert_int_eq(fs.st_size, 24 + 144 + 143);
    tmp_remove(&t);
}
END_TEST

START_TEST(test_refused_arguments_and_discard)
{
    tmp t;
    char err[256];
    tmp_make(&t);
    struct sockaddr_in a = v4("127.0.0.1", 1000);
    struct sockaddr_in6 b = v6("::1", 2000);
    struct sockaddr_un u;
    memset(&u, 0, sizeof u);
    u.sun_family = AF_UNIX;
    struct timespec ts = {0, 0};
    static uint8_t d[65536];
    tr_pcap *p = tr_pcap_open(t.path, 10, 1 << 20, err, sizeof err);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(tr_pcap_add_udp(p, SA(a), SA(b), d, 1, 1, &ts), -1); /* mixed families */
    ck_assert_int_eq(tr_pcap_add_udp(p, SA(u), SA(a), d, 1, 1, &ts), -1); /* not IP */
    ck_assert_int_eq(tr_pcap_add_udp(p, SA(a), NULL, d, 1, 1, &ts), -1);
    ck_assert_int_eq(tr_pcap_add_udp(p, SA(a), SA(a), d, 2, 1, &ts), -1); /* caplen > len */
    ck_assert_int_eq(tr_pcap_add_udp(p, SA(a), SA(a), d, 65508, 65508, &ts), -1);
    ck_assert_int_eq(tr_pcap_add_udp(p, SA(a), SA(a), d, 65507, 65507, &ts), 0); /* largest */
    ck_assert_int_eq(tr_pcap_add_udp(p, SA(b), SA(b), d, 65528, 65528, &ts), -1);
    ck_assert_int_eq(tr_pcap_add_udp(p, SA(b), SA(b), d, 65527, 65527, &ts), 0);
    tr_pcap_stats st;
    tr_pcap_get_stats(p, &st);
    ck_assert_uint_eq(st.packets, 2);
    ck_assert_uint_eq(st.dropped, 0);
    tr_pcap_discard(p); /* nothing left behind */
    ck_assert(!exists(t.tmp));
    ck_assert(!exists(t.path));
    /* a directory that does not exist */
    char bad[200];
    snprintf(bad, sizeof bad, "%s/no/such/dir.pcap", t.dir);
    err[0] = 0;
    ck_assert_ptr_null(tr_pcap_open(bad, 10, 1000, err, sizeof err));
    ck_assert_uint_gt(strlen(err), 0);
    ck_assert_ptr_null(tr_pcap_open("", 10, 1000, err, sizeof err));
    tmp_remove(&t);
}
END_TEST

Suite *eh_test_pcap_file_suite(void)
{
    Suite *s = suite_create("pcap_file");
    TCase *tc = tcase_create("pcap_file");
    tcase_add_test(tc, test_header_bytes);
    tcase_add_test(tc, test_round_trip_through_libpcap);
    tcase_add_test(tc, test_caps_count_what_is_left_out);
    tcase_add_test(tc, test_refused_arguments_and_discard);
    suite_add_tcase(s, tc);
    return s;
}

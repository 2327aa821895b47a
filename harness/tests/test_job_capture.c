/*
 * test_job_capture.c - a runner job's wire capture (harness/runner/capture.h):
 * the file it leaves (pcap_path) and the note it appends to the transcript:
 * path, datagrams and bytes, a truncation by the caps, how to decode the
 * file with tshark (Wireshark's own CoAP port 5683 needs no -d), CoAP over
 * TCP, no transcript, and a capture that could not begin.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../runner/capture.h"
#include "../transport/udp.h"
#include "../transport/wire_tap.h"

static char dir[64], path[128];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/eh-capture-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/job.pcap", dir);
}

static void teardown(void)
{
    unlink(path);
    rmdir(dir);
}

/* A capture with small caps (job_capture_begin() uses the job's). */
static tr_pcap *open_capture(size_t max_packets)
{
    char err[256];
    tr_pcap *p = tr_pcap_open(path, max_packets, 1 << 20, err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    return p;
}

static void fill_result(sc_result *res, const char *transport)
{
    memset(res, 0, sizeof *res);
    snprintf(res->transport, sizeof res->transport, "%s", transport);
    res->transcript = strdup("verdict: pass\n");
    ck_assert_ptr_nonnull(res->transcript);
}

START_TEST(test_job_capture_note)
{
    sc_result res;
    tr_udp a, b;
    ck_assert_int_eq(tr_udp_bind(&a, "127.0.0.1", 0), EH_OK);
    ck_assert_int_eq(tr_udp_connect(&b, "127.0.0.1", tr_udp_local_port(&a)), EH_OK);

    /* a capture that ran into its cap */
    fill_result(&res, "coap");
    tr_pcap *p = open_capture(2);
    tr_tap_start(p);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(tr_udp_send(&b, (const uint8_t *)"abc", 3, NULL), TR_OK);
    job_capture_end(p, "", 40123, &res);
    ck_assert_ptr_null(tr_tap_stop());
    ck_assert_str_eq(res.pcap_path, path);
    char want[1024];
    snprintf(want, sizeof want,
             "verdict: pass\npcap: %s: 2 datagrams, 6 bytes of UDP payload (LINKTYPE_RAW: IP "
             "and UDP headers with the real addresses and ports)\n"
             "pcap truncated: the cap of %d datagrams / %zu bytes of file was reached; 3 later "
             "datagrams (9 bytes) are not in the file\n"
             "     CoAP on udp port 40123: tshark -r %s -d udp.port==40123,coap\n",
             path, JOB_PCAP_MAX_PACKETS, JOB_PCAP_MAX_BYTES, path);
    ck_assert_str_eq(res.transcript, want);
    free(res.transcript);

    /* nothing exchanged, on Wireshark's own CoAP port: an empty file */
    fill_result(&res, "coap");
    job_capture_end(open_capture(2), "", 5683, &res);
    ck_assert(strstr(res.transcript, ": 0 datagrams, 0 bytes") != NULL);
    ck_assert(strstr(res.transcript, "CoAP on udp port 5683: tshark -r ") != NULL);
    ck_assert(strstr(res.transcript, "-d udp.port") == NULL);
    free(res.transcript);

    /* CoAP over TCP, and no transcript at all */
    fill_result(&res, "coap-tcp");
    job_capture_end(open_capture(2), "", 1, &res);
    ck_assert(strstr(res.transcript, "CoAP over TCP is not captured") != NULL);
    free(res.transcript);
    fill_result(&res, "udp");
    free(res.transcript);
    res.transcript = NULL;
    job_capture_end(open_capture(2), "", 1, &res);
    ck_assert_str_eq(res.pcap_path, path);

    /* no capture: why */
    fill_result(&res, "udp");
    job_capture_end(NULL, "disk full", 1, &res);
    ck_assert_str_eq(res.pcap_path, "");
    ck_assert_str_eq(res.transcript, "verdict: pass\npcap: not written (disk full)\n");
    free(res.transcript);
    tr_udp_close(&a);
    tr_udp_close(&b);
}
END_TEST

START_TEST(test_job_capture_begin_records)
{
    char err[256];
    tr_udp a, b;
    ck_assert_int_eq(tr_udp_bind(&a, "127.0.0.1", 0), EH_OK);
    ck_assert_int_eq(tr_udp_connect(&b, "127.0.0.1", tr_udp_local_port(&a)), EH_OK);
    tr_pcap *p = job_capture_begin(path, err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    ck_assert_int_eq(tr_udp_send(&b, (const uint8_t *)"x", 1, NULL), TR_OK);
    sc_result res;
    fill_result(&res, "udp");
    job_capture_end(p, "", 1, &res);
    ck_assert(strstr(res.transcript, ": 1 datagram, 1 byte of") != NULL);
    free(res.transcript);
    ck_assert_ptr_null(job_capture_begin("/nonexistent-dir/x.pcap", err, sizeof err));
    ck_assert_ptr_null(tr_tap_stop()); /* nothing left recording */
    tr_udp_close(&a);
    tr_udp_close(&b);
}
END_TEST

Suite *eh_test_job_capture_suite(void)
{
    Suite *s = suite_create("job_capture");
    TCase *tc = tcase_create("job_capture");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_job_capture_note);
    tcase_add_test(tc, test_job_capture_begin_records);
    suite_add_tcase(s, tc);
    return s;
}

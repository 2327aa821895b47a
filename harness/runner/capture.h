/*
 * capture.h - the wire capture of one runner job: every UDP datagram the
 * job's process exchanges with the IUT (the harness side of the scenario,
 * and the readiness probe if the peer file asks for one), as a pcap file
 * next to the job's transcript (reports/iut-<role>/<id>.pcap).
 *
 * The file (transport/pcap_file.h): classic pcap, LINKTYPE_RAW, IPv4 or
 * IPv6 and UDP headers with the real loopback addresses and ports, real
 * clock timestamps; the datagrams are the bytes the sockets sent and
 * received (transport/wire_tap.h). A job that exchanged nothing still gets
 * a valid file with no records, so every job that ran has one.
 *
 * Bounded: at most JOB_PCAP_MAX_PACKETS records and JOB_PCAP_MAX_BYTES
 * bytes of file; later datagrams are counted, not written, and the
 * transcript says so.
 *
 * Decoding: Wireshark decodes CoAP by itself on udp port 5683 only; the
 * jobs use other ports (one free port each), so the transcript names the
 * port of the job's CoAP server (the IUT's, or the harness's when it is the
 * Responder) and the command: tshark -r FILE -d udp.port==PORT,coap.
 */
#ifndef EH_RUNNER_CAPTURE_H
#define EH_RUNNER_CAPTURE_H

#include <stddef.h>

#include "../report/report.h"
#include "../transport/pcap_file.h"

#define JOB_PCAP_MAX_PACKETS 10000
#define JOB_PCAP_MAX_BYTES ((size_t)4 << 20)

/*
 * Create path's temporary file and record this process's datagrams into it
 * from now on. NULL when the file cannot be created (reason in err; the job
 * runs anyway, without a capture).
 */
tr_pcap *job_capture_begin(const char *path, char *err, size_t cap);

/*
 * Stop recording and write the file (atomically: see pcap_file.h). On
 * success res->pcap_path is set. A note is appended to res->transcript
 * (when there is one): the path, the datagrams and bytes, a truncation,
 * and how to decode it; or why there is no file (open_err for a capture
 * that never began, p NULL), which res->unwritten then says too (unless it
 * names an earlier file already). port: the job's CoAP server port;
 * res->transport says whether the datagrams are CoAP, raw UDP or none
 * (coap-tcp).
 */
void job_capture_end(tr_pcap *p, const char *open_err, int port, sc_result *res);

/*
 * After job_capture_end wrote res->pcap_path: the tshark command that
 * decodes the capture with the harness's EDHOC dissector (wireshark/edhoc.lua,
 * found as data files are: common/datapath.h), decode-as on port, and with
 * keylog (the --keylog file, or NULL) the option that decrypts; and for an
 * application AEAD Wireshark's OSCORE decrypts (AES-CCM-16-64-128: suites
 * 0..3) the `uat:oscore_contexts` line built from the transcript's derived
 * values. Appended to res->transcript; paths absolute and shell-quoted.
 */
void job_capture_wireshark_hint(sc_result *res, int port, const char *keylog);

#endif

/* capture.c - see capture.h. */
#include "capture.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../transport/wire_tap.h"

tr_pcap *job_capture_begin(const char *path, char *err, size_t cap)
{
    tr_pcap *p = tr_pcap_open(path, JOB_PCAP_MAX_PACKETS, JOB_PCAP_MAX_BYTES, err, cap);
    if (p != NULL)
        tr_tap_start(p);
    return p;
}

/* Append a formatted line to the transcript (nothing if there is none). */
static void note(sc_result *res, const char *fmt, ...)
{
    char line[1536];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0 || res->transcript == NULL)
        return;
    size_t have = strlen(res->transcript), add = strnlen(line, sizeof line);
    char *t = realloc(res->transcript, have + add + 1);
    if (t == NULL)
        return;
    memcpy(t + have, line, add + 1);
    res->transcript = t;
}

static void decode_hint(sc_result *res, const char *path, int port)
{
    if (strcmp(res->transport, "coap-tcp") == 0) {
        note(res, "     CoAP over TCP is not captured: the file holds UDP datagrams only\n");
        return;
    }
    char d[64] = "";
    if (port != 5683) /* Wireshark's only default CoAP port */
        snprintf(d, sizeof d, " -d udp.port==%d,coap", port);
    if (strcmp(res->transport, "udp") == 0)
        note(res, "     raw UDP: the EDHOC messages are bare datagrams (tshark shows them as UDP "
                  "data); the OSCORE request and response are CoAP (tshark -r %s%s decodes them, "
                  "and shows the EDHOC datagrams as malformed CoAP)\n",
             path, d);
    else
        note(res, "     CoAP on udp port %d: tshark -r %s%s\n", port, path, d);
}

void job_capture_end(tr_pcap *p, const char *open_err, int port, sc_result *res)
{
    tr_tap_stop();
    if (p == NULL) {
        note(res, "pcap: not written (%s)\n", open_err ? open_err : "no capture");
        if (res->unwritten[0] == 0)
            snprintf(res->unwritten, sizeof res->unwritten, "the pcap: %.500s",
                     open_err ? open_err : "no capture");
        return;
    }
    tr_pcap_stats st;
    tr_pcap_get_stats(p, &st);
    char path[sizeof res->pcap_path], err[512];
    snprintf(path, sizeof path, "%s", tr_pcap_path(p));
    if (tr_pcap_close(p, err, sizeof err) != 0) {
        note(res, "pcap: not written (%s)\n", err);
        if (res->unwritten[0] == 0)
            snprintf(res->unwritten, sizeof res->unwritten, "%.590s", err);
        return;
    }
    snprintf(res->pcap_path, sizeof res->pcap_path, "%s", path); /* not the bytes after it */
    note(res, "pcap: %s: %zu datagram%s, %zu byte%s of UDP payload (LINKTYPE_RAW: IP and UDP "
              "headers with the real addresses and ports)\n",
         path, st.packets, st.packets == 1 ? "" : "s", st.bytes, st.bytes == 1 ? "" : "s");
    if (st.dropped > 0)
        note(res, "pcap truncated: the cap of %d datagrams / %zu bytes of file was reached; %zu "
                  "later datagram%s (%zu bytes) are not in the file\n",
             JOB_PCAP_MAX_PACKETS, JOB_PCAP_MAX_BYTES, st.dropped, st.dropped == 1 ? "" : "s",
             st.dropped_bytes);
    decode_hint(res, path, port);
}

/* capture.c - see capture.h. */
#define _DEFAULT_SOURCE /* realpath */
#include "capture.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/datapath.h"
#include "../report/keylog.h"
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

/* p as an absolute path (the file need not exist yet), shell-quoted. */
static void abs_quoted(const char *p, char *out, size_t cap)
{
    char abs[PATH_MAX * 2], cwd[PATH_MAX];
    if (p[0] == '/')
        snprintf(abs, sizeof abs, "%s", p);
    else if (realpath(p, abs) == NULL)
        snprintf(abs, sizeof abs, "%s/%s", getcwd(cwd, sizeof cwd) ? cwd : ".", p);
    bool plain = true;
    for (const char *c = abs; *c; c++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+:,@%",
                    *c))
            plain = false;
    if (plain) {
        snprintf(out, cap, "%s", abs);
        return;
    }
    size_t n = 0;
    if (n + 1 < cap)
        out[n++] = '\'';
    for (const char *c = abs; *c && n + 5 < cap; c++) {
        if (*c == '\'') {
            memcpy(out + n, "'\\''", 4);
            n += 4;
        } else {
            out[n++] = *c;
        }
    }
    if (n + 1 < cap)
        out[n++] = '\'';
    out[n < cap ? n : cap - 1] = 0;
}

/* The hex of "  NAME: HEX" in the transcript's derived-values block; "" and
 * false when absent. */
static bool derived_value(const char *t, const char *name, char *out, size_t cap)
{
    const char *block = keylog_last_block(t);
    out[0] = 0;
    if (block == NULL)
        return false;
    char key[64];
    snprintf(key, sizeof key, "\n  %s: ", name);
    const char *at = strstr(block, key);
    if (at == NULL)
        return false;
    at += strlen(key);
    size_t n = strspn(at, "0123456789abcdef");
    if (n >= cap)
        return false;
    memcpy(out, at, n);
    out[n] = 0;
    return true;
}

void job_capture_wireshark_hint(sc_result *res, int port, const char *keylog)
{
    if (res->pcap_path[0] == 0 || strcmp(res->transport, "coap-tcp") == 0)
        return;
    char found[PATH_MAX], lua[PATH_MAX * 2 + 8], pcap[PATH_MAX * 2 + 8], keys[PATH_MAX * 2 + 8];
    const char *d = eh_data_path("wireshark/edhoc.lua", found, sizeof found);
    if (access(d, R_OK) != 0)
        return;
    abs_quoted(d, lua, sizeof lua);
    abs_quoted(res->pcap_path, pcap, sizeof pcap);
    if (keylog)
        abs_quoted(keylog, keys, sizeof keys);
    char secret[129], salt[129], sid[129], rid[129], uat[700] = "";
    bool oscore = keylog && derived_value(res->transcript, "oscore_master_secret", secret,
                                          sizeof secret) &&
                  derived_value(res->transcript, "oscore_master_salt", salt, sizeof salt) &&
                  derived_value(res->transcript, "oscore_client_sender_id", sid, sizeof sid) &&
                  derived_value(res->transcript, "oscore_server_sender_id", rid, sizeof rid);
    if (oscore && res->suite >= 0 && res->suite <= 3) /* the context Wireshark's OSCORE wants */
        snprintf(uat, sizeof uat,
                 " -o 'uat:oscore_contexts:\"%s\",\"%s\",\"%s\",\"%s\",\"\","
                 "\"AES-CCM-16-64-128 (CCM*)\"'",
                 sid, rid, secret, salt);
    note(res, "     EDHOC dissector: tshark -X lua_script:%s -d udp.port==%d,edhoc%s%s%s -r %s -V\n",
         lua, port, keylog ? " -o edhoc.keylog_file:" : "", keylog ? keys : "", uat, pcap);
    if (keylog == NULL)
        note(res, "     (with run --keylog FILE the dissector decrypts CIPHERTEXT_2/3/4)\n");
    else if (oscore && uat[0] == 0)
        note(res, "     (Wireshark decrypts OSCORE with AES-CCM-16-64-128 only: suites 0 to 3)\n");
}

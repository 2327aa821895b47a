/*
 * serve_cmd.c - `edhoc-harness serve`: option parsing; the work is in
 * harness/serve/.
 */
#define _DEFAULT_SOURCE /* realpath */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/datapath.h"
#include "../common/numparse.h"
#include "../serve/serve.h"
#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: edhoc-harness serve [SCENARIO-PATH...] [options]\n"
            "\n"
            "A reference peer that IUTs connect to by themselves (an interop event, a board in\n"
            "CI): a Responder for Initiators that POST message_1, an Initiator for Responders\n"
            "that trigger with an empty POST (the reverse flow, RFC 9528 Appendix A.2.2). The\n"
            "client picks its test by the request (CoAP over UDP or TCP; over TCP the baseline\n"
            "and the scenarios written for CoAP over TCP):\n"
            "  POST /.well-known/edhoc             the interop baseline (a plain handshake in the\n"
            "                                      profile its message_1 asks for)\n"
            "  POST /.well-known/edhoc/test/<id>   scenario <id> (e.g. rfc9528/5.3.3/wrong-mac-2)\n"
            "                                      with the harness the Responder, judged as `run`\n"
            "                                      judges it (from the wire: no exit status)\n"
            "  GET  /.well-known/edhoc/results     the client's results (JSON)\n"
            "Query options: ?name=NAME (the client's results go under it, else its IP address),\n"
            "?profile=LABEL (the profile a test runs in, e.g. m0-s0-x5t), ?oscore=1 (the OSCORE\n"
            "exchange after the handshake is judged; without it, answered only).\n"
            "Results: DIR/clients/NAME/{results.json,junit.xml,index.html} and transcripts and\n"
            "pcaps below, DIR/index.html and DIR/clients.json, rewritten after every job.\n"
            "Runs until SIGINT or SIGTERM, then writes everything and exits as `run` does over\n"
            "every client's results: 0 all passed, 1 a conformance failure, 3 a job in error or\n"
            "a report not written (or a port not bound), 4 no job ran, 2 usage error.\n"
            "\n"
            "  --scenarios PATH...  scenario files or directories (default scenarios/; also\n"
            "                       as the first arguments)\n"
            "  --host HOST          bind every address of HOST (default localhost: ::1 and\n"
            "                       127.0.0.1; '::' and '0.0.0.0' for all, at an event)\n"
            "  --port N             CoAP over UDP port (default 5683; 0: any free one, printed)\n"
            "  --no-tcp             no CoAP over TCP (RFC 8323; default: on the CoAP port too,\n"
            "                       one session per connection)\n"
            "  --raw PORT=ID[@PROFILE]  also a raw UDP port whose sessions run scenario ID (one\n"
            "                       with transport: udp); repeatable, at most %d\n"
            "  --out DIR            results (default reports/serve)\n"
            "  --peer-profile FILE  a peer file: the profiles and capabilities offered (default\n"
            "                       peers/serve.yaml: m3-s2-kid and m0-s0-x5t, with and without\n"
            "                       OSCORE, in both flows)\n"
            "  --filter GLOB        only scenario ids matching GLOB (the baseline stays)\n"
            "  --max-jobs N         jobs at once (default 8; beyond: 5.03 with Max-Age 1)\n"
            "  --timeout MS         bound of every wait of a job (default 2000)\n"
            "  --linger MS          after a job's steps, the client's retransmissions and last\n"
            "                       error message still get answers (default 500)\n"
            "  --seed N             seed of the harness's keys (default 1)\n"
            "  --creds DIR          credential files (default vectors/creds)\n"
            "  -h, --help           this text\n",
            SERVE_MAX_RAW);
}

int cli_serve(int argc, char **argv)
{
    serve_opts o;
    memset(&o, 0, sizeof o);
    o.host = "localhost";
    o.port = 5683;
    o.tcp = true;
    o.out_dir = "reports/serve";
    o.peer_profile = "peers/serve.yaml";
    o.cred_dir = "vectors/creds";
    o.timeout_ms = 2000;
    o.linger_ms = 500;
    o.max_jobs = 8;
    o.seed = 1;
    const char *paths[64];
    size_t n_paths = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(a, "--no-tcp")) {
            o.tcp = false;
            continue;
        }
        if (!strcmp(a, "--scenarios")) /* the paths that follow, as matrix takes them */
            continue;
        if (a[0] != '-') {
            if (n_paths >= sizeof paths / sizeof paths[0]) {
                fprintf(stderr, "serve: too many scenario paths\n");
                return 2;
            }
            paths[n_paths++] = a;
            continue;
        }
        if (v == NULL) {
            fprintf(stderr, "serve: %s needs a value (see --help)\n", a);
            return 2;
        }
        i++;
        bool bad = false;
        if (!strcmp(a, "--host")) {
            o.host = v;
        } else if (!strcmp(a, "--port")) {
            bad = eh_parse_int(v, 0, 65535, &o.port) != 0;
        } else if (!strcmp(a, "--raw")) {
            const char *eq = strchr(v, '=');
            char num[8];
            if (o.n_raw >= SERVE_MAX_RAW) {
                fprintf(stderr, "serve: at most %d --raw ports\n", SERVE_MAX_RAW);
                return 2;
            }
            bad = eq == NULL || eq == v || eq[1] == 0 || (size_t)(eq - v) >= sizeof num;
            if (!bad) {
                memcpy(num, v, (size_t)(eq - v));
                num[eq - v] = 0;
                bad = eh_parse_int(num, 0, 65535, &o.raw[o.n_raw].port) != 0;
                o.raw[o.n_raw].id = eq + 1;
            }
            if (!bad)
                o.n_raw++;
        } else if (!strcmp(a, "--out")) {
            o.out_dir = v;
        } else if (!strcmp(a, "--peer-profile")) {
            o.peer_profile = v;
        } else if (!strcmp(a, "--filter")) {
            o.filter = v;
        } else if (!strcmp(a, "--max-jobs")) {
            bad = eh_parse_int(v, 1, 256, &o.max_jobs) != 0;
        } else if (!strcmp(a, "--timeout")) {
            bad = eh_parse_int(v, 50, 600000, &o.timeout_ms) != 0;
        } else if (!strcmp(a, "--linger")) {
            bad = eh_parse_int(v, 0, 60000, &o.linger_ms) != 0;
        } else if (!strcmp(a, "--seed")) {
            bad = eh_parse_ulong(v, ULONG_MAX, &o.seed) != 0;
        } else if (!strcmp(a, "--creds")) {
            o.cred_dir = v;
        } else {
            fprintf(stderr, "serve: unknown option %s (see --help)\n", a);
            return 2;
        }
        if (bad) {
            fprintf(stderr, "serve: invalid value for %s: %s\n", a, v);
            return 2;
        }
    }
    if (n_paths == 0)
        paths[n_paths++] = "scenarios";
    /* relative inputs not found here come from the data directories, as
     * for run (common/datapath.h) */
    static char resolved[64 + 2][PATH_MAX];
    static char creds[PATH_MAX];
    for (size_t i = 0; i < n_paths; i++)
        paths[i] = eh_data_path(paths[i], resolved[i], PATH_MAX);
    o.peer_profile = eh_data_path(o.peer_profile, resolved[64], PATH_MAX);
    const char *cred_dir = eh_data_path(o.cred_dir, resolved[65], PATH_MAX);
    o.cred_dir = realpath(cred_dir, creds) ? creds : cred_dir;
    o.paths = paths;
    o.n_paths = n_paths;
    return serve_main(&o);
}

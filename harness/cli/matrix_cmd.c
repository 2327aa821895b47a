/*
 * matrix_cmd.c - `edhoc-harness matrix`: option parsing; the work is in
 * harness/interop/matrix_run.c.
 */
#define _DEFAULT_SOURCE /* realpath */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/numparse.h"
#include "../common/datapath.h"
#include "../common/selfexec.h"
#include "../interop/matrix_run.h"
#include "../scenario/budget.h"
#include "../runner/shard.h"
#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: edhoc-harness matrix --peers A.yaml B.yaml ... [--scenarios PATH...] "
            "[options] --out DIR\n"
            "\n"
            "Every IUT against the reference harness in both roles (as `run`, results under\n"
            "DIR/<peer>/), then every ordered pair of IUTs (A as Initiator, B as Responder, A = B\n"
            "included) on the positive handshake scenarios (interop/ baselines whose needs both\n"
            "meet) with the harness relaying the datagrams between them. Writes DIR/matrix.json\n"
            "and DIR/index.html (a static page: open it in a browser, no server needed).\n"
            "\n"
            "  --peers FILE...      peer files (names must differ)\n"
            "  --scenarios PATH...  scenario files or directories (default scenarios/)\n"
            "  --out DIR            where everything goes (required)\n"
            "  -j N                 jobs in parallel (default 1)\n"
            "  --filter GLOB        only scenario ids matching GLOB\n"
            "  --seed N             seed of the harness's keys (default 1)\n"
            "  --timeout MS         bound of every wait (default 2000)\n"
            "  --creds DIR          credential files (default vectors/creds)\n"
            "  --budget PROFILE     size budget profile (rfc9528, lorawan-sf12, 6tisch, none):\n"
            "                       for every run, and for the pairs' reported sizes\n"
            "  --quiet              print only what did not pass, and the summaries\n"
            "  --allow-template     run peer files marked template: true as they are (local\n"
            "                       paths unedited); without it such a file is refused\n"
            "  --shard K/N          part K of N of every peer's jobs and of the pairs, for a\n"
            "                       CI job matrix; `edhoc-harness merge` joins the parts'\n"
            "                       DIRs into the whole matrix (docs/ci/README.md)\n"
            "  --shard-times OLD/matrix.json  balance the parts by the seconds of each job\n"
            "                       and pair in an earlier matrix (default: by step count)\n"
            "  -h, --help           this text\n"
            "\n"
            "verdicts of a pair: pass (the Initiator exited 0 and the relay saw message_1..3\n"
            "in order, structure and prefixes checked), fail (with the reason), skipped, error\n"
            "exit codes (as run's): 0 every run exited 0 or 4 (nothing to run), a job or a pair\n"
            "ran, no pair failed, matrix.json written; 1 a conformance failure (a run exited 1,\n"
            "a pair failed); 2 usage or input error; 3 set-up error or no verdict (a run exited\n"
            "3, a pair in error, interrupted, a report not written); 4 nothing ran\n");
}

int cli_matrix(int argc, char **argv)
{
    static const char *peers[64], *paths[256];
    static char harness[PATH_MAX], creds[PATH_MAX];
    matrix_opts o;
    memset(&o, 0, sizeof o);
    o.jobs = 1;
    o.seed = 1;
    o.timeout_ms = 2000;
    const char *cred_dir = "vectors/creds", *shard_times = NULL;
    const char **list = NULL; /* --peers / --scenarios: the list being filled */
    size_t *n_list = NULL, cap = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        }
        if (a[0] != '-') {
            if (list == NULL) {
                fprintf(stderr, "matrix: unexpected argument %s (see --help)\n", a);
                return 2;
            }
            if (*n_list >= cap) {
                fprintf(stderr, "matrix: too many values for one option\n");
                return 2;
            }
            list[(*n_list)++] = a;
            continue;
        }
        list = NULL;
        if (!strcmp(a, "--peers")) {
            list = peers, n_list = &o.n_peers, cap = sizeof peers / sizeof peers[0];
            continue;
        }
        if (!strcmp(a, "--scenarios")) {
            list = paths, n_list = &o.n_paths, cap = sizeof paths / sizeof paths[0];
            continue;
        }
        if (!strcmp(a, "--quiet")) {
            o.quiet = true;
            continue;
        }
        if (!strcmp(a, "--allow-template")) {
            o.allow_template = true;
            continue;
        }
        if (v == NULL) {
            fprintf(stderr, "matrix: %s needs a value (see --help)\n", a);
            return 2;
        }
        i++;
        bool bad = false;
        if (!strcmp(a, "--out")) o.out_dir = v;
        else if (!strcmp(a, "-j")) {
            bad = eh_parse_int(v, 1, 64, &o.jobs) != 0;
        } else if (!strcmp(a, "--filter")) o.filter = v;
        else if (!strcmp(a, "--seed")) {
            bad = eh_parse_ulong(v, ULONG_MAX, &o.seed) != 0;
        } else if (!strcmp(a, "--timeout")) {
            bad = eh_parse_int(v, 50, 600000, &o.timeout_ms) != 0;
        } else if (!strcmp(a, "--creds")) cred_dir = v;
        else if (!strcmp(a, "--shard")) {
            bad = shard_parse(v, &o.shard_k, &o.shard_n) != 0;
        } else if (!strcmp(a, "--shard-times")) {
            shard_times = v;
        } else if (!strcmp(a, "--budget")) {
            sc_budget b;
            o.budget = v;
            bad = sc_budget_parse(v, &b) != 0;
        } else {
            fprintf(stderr, "matrix: unknown option %s (see --help)\n", a);
            return 2;
        }
        if (bad) {
            fprintf(stderr, "matrix: invalid value for %s: %s\n", a, v);
            return 2;
        }
    }
    if (o.n_peers == 0 || o.out_dir == NULL) {
        fprintf(stderr, "matrix: --peers FILE... and --out DIR are required (see --help)\n");
        return 2;
    }
    if (o.n_paths == 0)
        paths[o.n_paths++] = "scenarios";
    /* relative inputs not found here come from the data directories, as for
     * run (common/datapath.h): an installed binary works from any folder */
    static char resolved[64 + 256 + 1][PATH_MAX];
    size_t k = 0;
    for (size_t i = 0; i < o.n_peers; i++)
        peers[i] = eh_data_path(peers[i], resolved[k++], PATH_MAX);
    for (size_t i = 0; i < o.n_paths; i++)
        paths[i] = eh_data_path(paths[i], resolved[k++], PATH_MAX);
    cred_dir = eh_data_path(cred_dir, resolved[k++], PATH_MAX);
    o.peer_files = peers;
    o.paths = paths;
    o.harness_path = eh_self_command(harness, sizeof harness);
    o.cred_dir = realpath(cred_dir, creds) ? creds : cred_dir;
    json_t *times = NULL;
    if (shard_times != NULL) {
        json_error_t jerr;
        if (o.shard_n == 0) {
            fprintf(stderr, "matrix: --shard-times needs --shard K/N\n");
            return 2;
        }
        times = json_load_file(shard_times, 0, &jerr);
        if (times == NULL || !json_is_array(json_object_get(times, "peers")) ||
            !json_is_array(json_object_get(times, "pairs"))) {
            fprintf(stderr, "matrix: --shard-times %s: %s\n", shard_times,
                    times == NULL ? jerr.text : "not a matrix.json (no \"peers\" and \"pairs\")");
            json_decref(times);
            return 2;
        }
    }
    o.shard_times = times;
    int rc = matrix_main(&o);
    json_decref(times);
    return rc;
}

/*
 * explore_cmd.c - `edhoc-harness explore`: option parsing; the work is in
 * harness/explore/. Relative input paths not found in the working directory
 * are looked up in the data directories (common/datapath.h).
 */
#define _DEFAULT_SOURCE /* realpath */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/numparse.h"
#include "../common/datapath.h"
#include "../explore/explore.h"
#include "../explore/model.h"
#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: edhoc-harness explore --peer peers/NAME.yaml --role initiator|responder\n"
            "                             [--depth N] [options]\n"
            "       edhoc-harness explore --model-dot initiator|responder [--flow F]\n"
            "                             [--model FILE]\n"
            "\n"
            "State-machine conformance (issue 10): every input sequence up to --depth over the\n"
            "model's alphabet, run against the IUT (in the role given) with the harness's engine\n"
            "building every message, each output judged against the reference state model of\n"
            "RFC 9528 (harness/explore/model_*.yaml). Each deviation is shrunk to a minimal\n"
            "sequence and written as an ordinary scenario file.\n"
            "\n"
            "  --peer FILE          the IUT (peers/README.md)\n"
            "  --allow-template     run a peer file marked template: true as it is (its local\n"
            "                       paths unedited); without it such a file is refused\n"
            "  --role R             the IUT's role: responder (the harness is the Initiator) or\n"
            "                       initiator\n"
            "  --depth N            inputs per sequence (default 4; 1..8)\n"
            "  --symbols LIST       the alphabet, comma-separated (default: every input of the\n"
            "                       model the transport allows); `explore --model-dot ROLE` and\n"
            "                       harness/explore/model_ROLE.yaml name them\n"
            "  --seed S             seed of the harness's keys and of the representatives kept\n"
            "                       when sequences are equivalent under the model (default 1)\n"
            "  -j N                 sequences run in parallel (default 1)\n"
            "  --out DIR            reports, transcripts, observed.dot (default reports/explore)\n"
            "  --write-scenarios DIR  write each minimal deviating sequence as a scenario file\n"
            "  --junit FILE         JUnit report (default DIR/junit.xml)\n"
            "  --json FILE          JSON report (default DIR/results.json)\n"
            "  --html FILE          also the static results page of run --html\n"
            "  --transport T        coap or udp (default: the IUT's, coap if its peer file\n"
            "                       claims it, else udp; one it does not claim is refused)\n"
            "  --flow F             the message flow over CoAP (RFC 9528 Appendix A.2):\n"
            "                       forward (the Initiator is the CoAP client) or reverse (the\n"
            "                       Responder is); default forward when one of the peer file's\n"
            "                       profiles has it, else reverse. Each flow has its own model\n"
            "                       (harness/explore/model_ROLE[_reverse].yaml)\n"
            "  --suites LIST        suites the IUT is told ({suites}); default 6,2 for an IUT\n"
            "                       Initiator with suite-6 in the forward flow (the harness\n"
            "                       supports only the last), else 2\n"
            "  --message-4          the profile uses message_4\n"
            "  --profile LABEL      run in that profile of the peer file (e.g. m0-s0-x5t: its\n"
            "                       METHOD, suite, credentials, message_4, OSCORE and flow, as\n"
            "                       run's jobs get them; the labels of run's reports);\n"
            "                       default: METHOD 3, kid credentials, --suites\n"
            "  --all-profiles       one exploration per configuration of the peer file: each\n"
            "                       profile in the flow, without and (where it has it) with\n"
            "                       message_4, over --transport; reports in DIR/LABEL/\n"
            "                       (m3-s2-kid+m4), all merged in DIR; exit code the worst\n"
            "  --parallel-configs N with --all-profiles: configurations explored at once, each\n"
            "                       with -j workers (default 1; an IUT Initiator's exploration\n"
            "                       mostly waits, so more than the cores is worthwhile)\n"
            "  --budget PROFILE     judge each EDHOC message's size as run does (rfc9528, a\n"
            "                       budget file; default none: a reused IUT Responder chooses\n"
            "                       longer identifiers as its sessions add up; use --fresh)\n"
            "  --fresh              start the IUT Responder for every sequence (default: one per\n"
            "                       worker and level, reused while the model says sessions are\n"
            "                       independent; a deviation is always confirmed on a fresh one)\n"
            "  --until-found        stop after the first depth at which an answer deviated or\n"
            "                       was non-strict (the deeper levels are not run)\n"
            "  --timeout MS         bound of every wait (default 1000)\n"
            "  --creds DIR          credential files (default vectors/creds)\n"
            "  --model FILE         another model file (format: harness/explore/README.md)\n"
            "  --model-dot ROLE     print the model of the IUT role (in --flow, default\n"
            "                       forward) as Graphviz dot, and exit\n"
            "  -h, --help           this text\n"
            "\n"
            "exit codes (as run's): 0 transitions exercised, reports written, no MUST-level\n"
            "deviation and no error; 1 a MUST-level deviation; 2 usage or input error; 3 set-up\n"
            "error or no verdict (a report not written, a transition in error, cannot fork);\n"
            "4 nothing exercised\n");
}

static const char *const value_opts[] = {
    "--peer", "--role", "--depth", "--symbols", "--seed", "-j", "--out", "--write-scenarios",
    "--junit", "--json", "--html", "--transport", "--suites", "--timeout", "--creds", "--model",
    "--profile", "--budget", "--parallel-configs",
    "--model-dot", "--flow", NULL};

static bool takes_value(const char *a)
{
    for (size_t i = 0; value_opts[i]; i++)
        if (!strcmp(a, value_opts[i]))
            return true;
    return false;
}

static int model_dot(const char *role, const char *flow, const char *file)
{
    xm_model *m = malloc(sizeof *m);
    char err[512];
    bool reverse = flow != NULL && strcmp(flow, "reverse") == 0;
    int rc = m == NULL ? -1
             : file    ? xm_load_file(m, file, err, sizeof err)
                       : xm_load_builtin(m, role, reverse, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "explore: %s\n", m ? err : "out of memory");
        free(m);
        return 2;
    }
    xm_write_dot(m, 0, stdout);
    free(m);
    return 0;
}

int cli_explore(int argc, char **argv)
{
    explore_opts o;
    memset(&o, 0, sizeof o);
    o.depth = 4;
    o.seed = 1;
    o.jobs = 1;
    o.timeout_ms = 1000;
    o.out_dir = "reports/explore";
    const char *cred_dir = "vectors/creds", *dot_role = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(a, "--message-4")) { o.message_4 = true; continue; }
        if (!strcmp(a, "--fresh")) { o.fresh = true; continue; }
        if (!strcmp(a, "--until-found")) { o.until_found = true; continue; }
        if (!strcmp(a, "--allow-template")) { o.allow_template = true; continue; }
        if (!strcmp(a, "--all-profiles")) { o.all_profiles = true; continue; }
        if (!takes_value(a)) {
            fprintf(stderr, "explore: unknown option %s (see --help)\n", a);
            return 2;
        }
        if (v == NULL) {
            fprintf(stderr, "explore: %s needs a value (see --help)\n", a);
            return 2;
        }
        i++;
        bool bad = false;
        if (!strcmp(a, "--peer")) o.peer_file = v;
        else if (!strcmp(a, "--role")) {
            o.role = v;
            bad = strcmp(v, "initiator") != 0 && strcmp(v, "responder") != 0;
        } else if (!strcmp(a, "--model-dot")) {
            dot_role = v;
            bad = strcmp(v, "initiator") != 0 && strcmp(v, "responder") != 0;
        } else if (!strcmp(a, "--depth")) {
            bad = eh_parse_int(v, 1, EXPLORE_MAX_DEPTH, &o.depth) != 0;
        } else if (!strcmp(a, "-j")) {
            bad = eh_parse_int(v, 1, 64, &o.jobs) != 0;
        } else if (!strcmp(a, "--parallel-configs")) {
            bad = eh_parse_int(v, 1, 64, &o.parallel_configs) != 0;
        } else if (!strcmp(a, "--seed")) {
            bad = eh_parse_ulong(v, ULONG_MAX, &o.seed) != 0;
        } else if (!strcmp(a, "--timeout")) {
            bad = eh_parse_int(v, 50, 600000, &o.timeout_ms) != 0;
        } else if (!strcmp(a, "--transport")) {
            o.transport = v;
            bad = strcmp(v, "coap") != 0 && strcmp(v, "udp") != 0;
        } else if (!strcmp(a, "--flow")) {
            o.flow = v;
            bad = strcmp(v, "forward") != 0 && strcmp(v, "reverse") != 0;
        } else if (!strcmp(a, "--symbols")) o.symbols = v;
        else if (!strcmp(a, "--out")) o.out_dir = v;
        else if (!strcmp(a, "--write-scenarios")) o.write_scenarios = v;
        else if (!strcmp(a, "--junit")) o.junit = v;
        else if (!strcmp(a, "--json")) o.json = v;
        else if (!strcmp(a, "--html")) o.html = v;
        else if (!strcmp(a, "--suites")) o.suites = v;
        else if (!strcmp(a, "--profile")) o.profile = v;
        else if (!strcmp(a, "--budget")) o.budget = v;
        else if (!strcmp(a, "--creds")) cred_dir = v;
        else o.model_file = v; /* --model */
        if (bad) {
            fprintf(stderr, "explore: invalid value for %s: %s\n", a, v);
            return 2;
        }
    }
    if (dot_role)
        return model_dot(dot_role, o.flow, o.model_file);
    if (o.peer_file == NULL || o.role == NULL) {
        fprintf(stderr, "explore: --peer FILE and --role initiator|responder are required\n");
        return 2;
    }
    static char peer[PATH_MAX], creds[PATH_MAX], harness[PATH_MAX], cbuf[PATH_MAX];
    snprintf(peer, sizeof peer, "%s", eh_data_path(o.peer_file, cbuf, sizeof cbuf));
    o.peer_file = peer;
    const char *cdir = eh_data_path(cred_dir, cbuf, sizeof cbuf);
    o.cred_dir = realpath(cdir, creds) ? creds : cdir;
    ssize_t n = readlink("/proc/self/exe", harness, sizeof harness - 1);
    harness[n > 0 ? n : 0] = 0;
    o.harness_path = harness;
    return explore_main(&o);
}

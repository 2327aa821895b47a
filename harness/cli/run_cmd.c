/*
 * run_cmd.c - `edhoc-harness run`: option parsing; the work is in
 * harness/runner/. Relative input paths (scenario paths, --peer, --creds
 * and their defaults) not found in the working directory are looked up in
 * the data directories (common/datapath.h).
 */
#define _DEFAULT_SOURCE /* realpath */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/numparse.h"
#include "../report/diff.h"
#include "../common/datapath.h"
#include "../common/selfexec.h"
#include "../runner/runner.h"
#include "../runner/shard.h"
#include "../scenario/budget.h"
#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: edhoc-harness run [SCENARIO-PATH...] --peer peers/NAME.yaml [options]\n"
            "\n"
            "Runs scenario files (default: scenarios/) against the implementation under test\n"
            "described by the peer file, in the roles asked for.\n"
            "\n"
            "  --peer FILE          the IUT: how to launch it per role, capabilities, known failures\n"
            "  --allow-template     run a peer file marked template: true as it is (its local\n"
            "                       paths unedited); without it such a file is refused\n"
            "  --role initiator|responder|both   the IUT's role(s) to test (default both)\n"
            "  -j N                 scenarios run in parallel (default 1)\n"
            "  --filter GLOB        only scenario ids matching GLOB (e.g. 'rfc9528/6.3/*')\n"
            "  --quick              a pull-request selection: per area (the id's first two\n"
            "                       components, e.g. rfc9528/5.3.3; each interop/ baseline is\n"
            "                       one) and IUT role, the first scenario by id the IUT can run\n"
            "  --junit FILE         JUnit XML report (default reports/junit.xml)\n"
            "  --json FILE          JSON report (default reports/results.json)\n"
            "  --out DIR            transcripts and IUT output (default reports/)\n"
            "  --keylog FILE        testing only: write the derived values of the harness's\n"
            "                       sessions (PRKs, keys, OSCORE master secret) to FILE and\n"
            "                       show them in the transcripts; without it none is printed\n"
            "  --html FILE          also a static results page (open it in a browser, no\n"
            "                       server: the results are embedded; links are relative)\n"
            "  --compare OLD.json   an earlier run's JSON report: the jobs that got worse and\n"
            "                       the counts of `edhoc-harness diff` printed, and the whole\n"
            "                       comparison on the --html page (the exit code is the run's)\n"
            "  --all-profiles       run each scenario in every profile of the IUT that fits it\n"
            "                       (default: in one, chosen from the seed; peers/README.md)\n"
            "  --no-sanity          no sanity conversation (a plain handshake per IUT role and\n"
            "                       profile) before the suite; without it a failed one stops\n"
            "                       the run with exit code 3\n"
            "  --allow-empty        exit 0, not 4, when no job ran (all skipped or none selected)\n"
            "  --shard K/N          run part K of N of the jobs (1 <= K <= N), for a CI job\n"
            "                       matrix: the N parts of one command are disjoint and together\n"
            "                       the whole run, ids and seeds unchanged; `edhoc-harness merge`\n"
            "                       joins their reports (docs/ci.md)\n"
            "  --shard-times OLD.json  balance the parts by the seconds of each job in an earlier\n"
            "                       run's JSON report (default: by step count); every part must\n"
            "                       be given the same file\n"
            "  --strict             SHOULD-level failures and non-strict results fail the run\n"
            "  --seed N             seed of the harness's keys (default 1; they differ in every\n"
            "                       scenario and role)\n"
            "  --timeout MS         bound of every wait (default 2000)\n"
            "  --creds DIR          credential files (default vectors/creds)\n"
            "  --quiet              print only what did not pass, and the summary\n"
            "  --write-baseline FILE  write this run's failures (fail, error, xfail) as a\n"
            "                       peer-file known_failures: list (peers/README.md)\n"
            "  --budget PROFILE     size budget of each EDHOC message: rfc9528 (default: the\n"
            "                       minimum for the options; over it: non-strict), lorawan-sf12\n"
            "                       (51 bytes), 6tisch (45 bytes of CoAP payload) (over these:\n"
            "                       fail), none; wins over the peer file's budget:\n"
            "  -h, --help           this text\n"
            "\n"
            "Relative input paths not found in the working directory are looked up in\n"
            "$EDHOC_HARNESS_DATA, then in <bin>/../share/edhoc-harness (installed).\n"
            "verdicts: pass, fail, non-strict, skipped, error, xfail, xpass\n"
            "exit codes: 0 at least one job ran, every report was written and nothing failed\n"
            "at MUST level; 1 a conformance failure (a MUST-level fail, any with --strict, or\n"
            "an xpass); 2 usage or input error (nothing ran); 3 set-up error or no verdict (a\n"
            "report not written, the run interrupted, the sanity conversation failed, or a\n"
            "job in error: the IUT not reachable, not started, crashed before it was sent\n"
            "anything); 4 no job ran\n");
}

/* Options that take a value. */
static const char *const value_opts[] = {"--peer", "--role",  "-j",     "--filter",
                                         "--junit", "--json", "--out",  "--seed",
                                         "--timeout", "--creds", "--budget",
                                         "--write-baseline", "--html", "--keylog",
                                         "--compare", "--shard", "--shard-times", NULL};

static bool takes_value(const char *a)
{
    for (size_t i = 0; value_opts[i]; i++)
        if (!strcmp(a, value_opts[i]))
            return true;
    return false;
}

/* Resolve a relative input path (common/datapath.h) into a new string. */
static char *resolved(const char *path)
{
    char buf[PATH_MAX];
    return strdup(eh_data_path(path, buf, sizeof buf));
}

static int run_resolved(run_opts *o, const char *cred_dir)
{
    static char harness[PATH_MAX], creds[PATH_MAX];
    const char *orig_peer = o->peer_file;
    const char *const *orig = o->paths;
    char **paths = calloc(o->n_paths, sizeof *paths);
    char *peer = resolved(o->peer_file), *cdir = resolved(cred_dir);
    int rc = 2;
    bool ok = paths && peer && cdir;
    for (size_t i = 0; ok && i < o->n_paths; i++)
        ok = (paths[i] = resolved(orig[i])) != NULL;
    if (ok) {
        o->harness_path = eh_self_command(harness, sizeof harness);
        o->cred_dir = realpath(cdir, creds) ? creds : cdir;
        o->peer_file = peer;
        o->paths = (const char *const *)paths;
        rc = run_main(o);
    } else {
        fprintf(stderr, "run: out of memory\n");
    }
    o->peer_file = orig_peer, o->paths = orig;
    for (size_t i = 0; paths && i < o->n_paths; i++)
        free(paths[i]);
    free(paths);
    free(peer);
    free(cdir);
    return rc;
}

/* --compare FILE: an earlier run's JSON report, checked before anything runs
 * (report_diff accepts it); NULL after saying why. */
static json_t *compare_load(const char *path)
{
    json_error_t err;
    const char *why = "";
    json_t *old = json_load_file(path, 0, &err), *probe = NULL;
    if (old == NULL) {
        fprintf(stderr, "run: --compare %s: %s (line %d)\n", path, err.text, err.line);
        return NULL;
    }
    if ((probe = report_diff(old, old, &why)) == NULL) {
        fprintf(stderr, "run: --compare %s: %s\n", path, why);
        json_decref(old);
        return NULL;
    }
    json_decref(probe);
    return old;
}

int cli_run(int argc, char **argv)
{
    run_opts o;
    memset(&o, 0, sizeof o);
    o.iut_roles = RUN_IUT_INITIATOR | RUN_IUT_RESPONDER;
    o.jobs = 1;
    o.junit = "reports/junit.xml";
    o.json = "reports/results.json";
    o.out_dir = "reports";
    o.seed = 1;
    o.timeout_ms = 2000;
    const char *cred_dir = "vectors/creds", *compare = NULL, *shard_times = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(a, "--strict")) { o.strict = true; continue; }
        if (!strcmp(a, "--quiet")) { o.quiet = true; continue; }
        if (!strcmp(a, "--quick")) { o.quick = true; continue; }
        if (!strcmp(a, "--all-profiles")) { o.all_profiles = true; continue; }
        if (!strcmp(a, "--no-sanity")) { o.no_sanity = true; continue; }
        if (!strcmp(a, "--allow-template")) { o.allow_template = true; continue; }
        if (!strcmp(a, "--allow-empty")) { o.allow_empty = true; continue; }
        if (a[0] != '-') {
            argv[o.n_paths++] = argv[i]; /* the paths, compacted at the front of argv */
            continue;
        }
        if (!takes_value(a)) {
            fprintf(stderr, "run: unknown option %s (see --help)\n", a);
            return 2;
        }
        if (v == NULL) {
            fprintf(stderr, "run: %s needs a value (see --help)\n", a);
            return 2;
        }
        i++;
        bool bad = false;
        if (!strcmp(a, "--peer")) o.peer_file = v;
        else if (!strcmp(a, "--role")) {
            o.iut_roles = !strcmp(v, "initiator") ? RUN_IUT_INITIATOR
                          : !strcmp(v, "responder") ? RUN_IUT_RESPONDER
                          : !strcmp(v, "both") ? RUN_IUT_INITIATOR | RUN_IUT_RESPONDER : 0;
            bad = o.iut_roles == 0;
        } else if (!strcmp(a, "-j")) {
            bad = eh_parse_int(v, 1, 64, &o.jobs) != 0;
        } else if (!strcmp(a, "--filter")) o.filter = v;
        else if (!strcmp(a, "--junit")) o.junit = v;
        else if (!strcmp(a, "--json")) o.json = v;
        else if (!strcmp(a, "--out")) o.out_dir = v;
        else if (!strcmp(a, "--write-baseline")) o.baseline = v;
        else if (!strcmp(a, "--html")) o.html = v;
        else if (!strcmp(a, "--keylog")) o.keylog = v;
        else if (!strcmp(a, "--compare")) compare = v;
        else if (!strcmp(a, "--shard")) bad = shard_parse(v, &o.shard_k, &o.shard_n) != 0;
        else if (!strcmp(a, "--shard-times")) shard_times = v;
        else if (!strcmp(a, "--seed")) {
            bad = eh_parse_ulong(v, ULONG_MAX, &o.seed) != 0;
        } else if (!strcmp(a, "--timeout")) {
            bad = eh_parse_int(v, 50, 600000, &o.timeout_ms) != 0;
        } else if (!strcmp(a, "--creds")) cred_dir = v;
        else { /* --budget */
            sc_budget b;
            o.budget = v;
            bad = sc_budget_parse(v, &b) != 0;
        }
        if (bad) {
            fprintf(stderr, "run: invalid value for %s: %s\n", a, v);
            return 2;
        }
    }
    if (o.peer_file == NULL) {
        fprintf(stderr, "run: --peer FILE is required (e.g. peers/reference.yaml)\n");
        return 2;
    }
    static const char *const default_paths[] = {"scenarios"};
    o.paths = o.n_paths ? (const char *const *)argv : default_paths;
    o.n_paths = o.n_paths ? o.n_paths : 1;
    json_t *old = NULL, *times = NULL;
    if (compare != NULL && (old = compare_load(compare)) == NULL)
        return 2;
    if (shard_times != NULL) {
        json_error_t jerr;
        if (o.shard_n == 0) {
            fprintf(stderr, "run: --shard-times needs --shard K/N\n");
            json_decref(old);
            return 2;
        }
        times = json_load_file(shard_times, 0, &jerr);
        if (times == NULL || !json_is_array(json_object_get(times, "results"))) {
            fprintf(stderr, "run: --shard-times %s: %s\n", shard_times,
                    times == NULL ? jerr.text : "not a JSON report (no \"results\" array)");
            json_decref(times);
            json_decref(old);
            return 2;
        }
    }
    o.compare = old;
    o.shard_times = times;
    int rc = run_resolved(&o, cred_dir);
    json_decref(times);
    json_decref(old);
    return rc;
}

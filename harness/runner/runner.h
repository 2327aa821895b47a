/*
 * runner.h - `edhoc-harness run`: scenarios x roles against a peer file's
 * IUT, in parallel, with verdicts, known failures, console summary and
 * JUnit/JSON reports.
 *
 * Each (scenario, role) job runs in a child process of its own (a harness
 * problem in one job becomes that job's `error` verdict, never the run's
 * end), starts the IUT as the peer file says, runs the scenario executor
 * and sends its result back through a pipe. Every job is bounded in time.
 */
#ifndef EH_RUNNER_H
#define EH_RUNNER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum { RUN_IUT_INITIATOR = 1, RUN_IUT_RESPONDER = 2 };

typedef struct run_opts {
    const char *peer_file;
    const char *const *paths;    /* scenario files or directories (recursive) */
    size_t n_paths;
    unsigned iut_roles;          /* RUN_IUT_* */
    int jobs;                    /* parallel jobs */
    const char *filter;          /* fnmatch glob on scenario ids, or NULL */
    bool quick;                  /* after the filter: the pull-request selection (quick.h) */
    const char *junit, *json;    /* report files, or NULL */
    const char *out_dir;         /* transcripts and IUT output */
    bool strict;                 /* SHOULD-level failures and non-strict fail the run too */
    unsigned long seed;
    int timeout_ms;              /* default bound of every wait */
    const char *harness_path;    /* this binary, for {harness} */
    const char *cred_dir;        /* {creds_dir} and the harness's credentials */
    bool quiet;                  /* only failures and the summary on the console */
    const char *budget;          /* size budget profile (scenario/budget.h), or NULL:
                                  * the peer file's `budget:`, else rfc9528 */
    const char *baseline;        /* --write-baseline: the run's failures as a peer-file
                                  * known_failures: list (report/baseline.h), or NULL */
    const char *html;            /* the results page (report/page.h), or NULL */
    const json_t *compare;       /* --compare: an earlier run's JSON report (borrowed;
                                  * report_diff accepts it), or NULL: the jobs that
                                  * changed are printed and shown on the page */
    const char *keylog;          /* --keylog: derived values of the harness's sessions
                                  * (report/keylog.h; testing only), or NULL */
    bool all_profiles;           /* every fitting profile of the IUT, not one per job */
    bool no_profiles;            /* scenarios as written (the matrix of IUT pairs) */
    bool no_sanity;              /* no sanity conversation before the suite (sanity.h) */
    bool allow_template;         /* run a peer file marked template: true (peer_template.h) */
    bool allow_empty;            /* a run in which no job ran exits 0, not RUN_EXIT_EMPTY */
    int shard_k, shard_n;        /* --shard K/N (runner/shard.h); shard_n 0: the whole run */
    const json_t *shard_times;   /* --shard-times: an earlier run's JSON report (borrowed),
                                  * or NULL: jobs weighed by their steps */
} run_opts;

/* Exit codes of `run` (README, "Exit codes"; edhoc-harness(1)), checked in
 * this order: */
enum {
    RUN_EXIT_OK = 0,      /* at least one job ran, every report was written, and no
                           * result fails the run (MUST-level fail, error, xpass) */
    RUN_EXIT_FAILED = 1,  /* a conformance failure: a MUST-level fail (any fail or
                           * non-strict with --strict) or an xpass */
    RUN_EXIT_USAGE = 2,   /* usage or input error: an option, a peer file or a scenario
                           * that does not load; nothing ran */
    RUN_EXIT_SETUP = 3,   /* the harness could not judge: a report not written, the run
                           * interrupted, a failed sanity conversation, or (without a
                           * conformance failure) a job in `error` (the IUT not
                           * reachable, not started, exited before it was ready) */
    RUN_EXIT_EMPTY = 4    /* no job ran (all skipped, or none selected): nothing was
                           * tested; 0 with --allow-empty */
};

/* Returns the process exit code (RUN_EXIT_*), a message printed for any
 * but RUN_EXIT_OK and RUN_EXIT_FAILED. */
int run_main(const run_opts *o);

#endif

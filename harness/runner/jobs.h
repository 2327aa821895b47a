/*
 * jobs.h - the jobs of a run (private to the runner): every scenario file
 * below the given paths (sorted), each of its variants (one, or one per
 * combination of a `matrix:`, see scenario/matrix.h) whose id matches the
 * filter, in each harness role the scenario and the run allow; each job
 * with the reason it is skipped, if it is (the peer file has no IUT for
 * that role, or lacks a capability the scenario needs).
 *
 * Each job runs in one of the peer file's profiles that fits the scenario
 * (sc_profile_choose, scenario/profile.h), or in every fitting one with
 * o->all_profiles; none fitting skips the job with the reason.
 *
 * A scenario's relative `vector:` path not found in the working directory
 * is looked up in the data directories (common/datapath.h).
 *
 * Memory: a file's scenario is loaded once and shared by its jobs (a
 * scenario struct is large); a job names its variant by index and gets
 * the complete scenario from job_scenario() when it needs it.
 */
#ifndef EH_RUNNER_JOBS_H
#define EH_RUNNER_JOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../scenario/scenario.h"
#include "runner.h"

typedef struct job {
    const scenario *tmpl;     /* the file's scenario; NULL: it did not load (load_err) */
    size_t variant;           /* index for sc_variant() */
    char file[SC_MAX_PATH];
    char id[SC_MAX_ID];       /* the variant's scenario id; "" when tmpl is NULL */
    char load_err[512];
    sc_role harness_role;     /* SC_HARNESS_INITIATOR (IUT responder) or RESPONDER */
    bool skip;                /* a capability or role is missing: skip_text says which */
    char skip_text[160];
    /* the IUT's profile the job runs in (scenario/profile.h), applied by
     * job_scenario(); has_profile false: the scenario as written */
    bool has_profile;
    sc_profile profile;
    bool cred_files;          /* the IUT loads any credential file (profile.h) */
    /* running (runner.c) */
    pid_t pid;
    int fd;
    int64_t deadline;
    double started_ms;        /* CLOCK_MONOTONIC when it was forked */
    unsigned char *buf;       /* what the child sent */
    size_t len, cap;
} job;

typedef struct job_list {
    job *v;
    size_t n, cap;
    size_t n_files;           /* scenario files found */
    scenario **tmpls;         /* loaded files, owned */
    size_t n_tmpls;
} job_list;

/* Build the jobs of o->paths against pf into *l (zeroed first). 0, or
 * non-zero after printing why (a path that does not exist, more than 20000
 * scenario files, two files with one scenario id, out of memory). Files
 * that do not load, or a variant that cannot be made, become jobs whose
 * tmpl is NULL (reported as errors). */
int jobs_build(const run_opts *o, const peer_file *pf, job_list *l);

/* The job's complete scenario: its file's scenario when it has no matrix
 * and no profile, else the variant with the job's profile applied, made in
 * *scratch. NULL when the file did not load or the variant cannot be made
 * (err filled). */
const scenario *job_scenario(const job *j, scenario *scratch, char *err, size_t cap);

/* The longest a job of j may take, from every wait the files allow: the
 * IUT's start-up (the peer file's readiness timeout, for a launched IUT),
 * each step's (its own timeout, else timeout_ms; a wait; a flood's time),
 * timeout_ms for the IUT to finish after the last step, and a margin of
 * JOB_BOUND_MARGIN_MS for the process, the IUT's stop and the files.
 * Filled into parts when given (what the error names when it runs out). */
#define JOB_BOUND_MARGIN_MS 10000
typedef struct job_bound_parts {
    int64_t ready_ms, steps_ms, after_ms;
} job_bound_parts;
int64_t job_bound_ms(const job *j, const peer_file *pf, int timeout_ms, job_bound_parts *parts);

/* "responder" for a job whose harness is the Initiator, else "initiator". */
const char *job_iut_role_name(sc_role harness_role);

/* The scenario files below paths (each a file or a folder): every *.yaml,
 * sorted, each file once whatever links lead to it, a folder entered once
 * (a link back up is not followed again), at most 16 folders deep and
 * 20000 files. 0 with *out (free with jobs_files_free), or -1 after
 * printing why. */
int jobs_collect_files(const char *const *paths, size_t n_paths, char ***out, size_t *n);
void jobs_files_free(char **paths, size_t n);

void jobs_free(job_list *l);

#endif

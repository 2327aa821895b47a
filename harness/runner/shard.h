/*
 * shard.h - `run --shard K/N`: a deterministic part of a run's jobs, for
 * CI systems that give N machines (a job matrix) and collect their reports
 * (`merge`, cli/merge_cmd.c). The N parts of one job list are disjoint and
 * together exactly the list: every machine builds the same list (same
 * files, options, peer file), computes the same assignment and keeps its
 * part. Jobs keep their ids and seeds, so a part's results are the ones
 * the whole run would have had.
 *
 * Balance: longest expected time first, each job to the part with the
 * least expected time so far (lowest index on a tie). The expected time of
 * a job is its seconds in an earlier run's JSON report (--shard-times: the
 * same id, harness role and profile), else, for a job that report lacks
 * or without one, its step count scaled by the report's seconds per step
 * (1 s per step without a report); a job that will not run (skipped, or
 * its file did not load) costs nothing. Equal times go to the part with the
 * fewest jobs, so that jobs that cost nothing are spread too.
 */
#ifndef EH_RUNNER_SHARD_H
#define EH_RUNNER_SHARD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "jobs.h"

#define SHARD_MAX 1000

/* "K/N" with 1 <= K <= N <= SHARD_MAX -> *k, *n: 0; else -1. */
int shard_parse(const char *s, int *k, int *n);

/* part[i] (0-based) for n jobs of expected time cost[i] >= 0, over parts
 * parts, as described above; deterministic. */
void shard_assign(const double *cost, size_t n, int parts, int *part);

/* What a sharded run records of the whole list, so that `merge` can tell
 * whether its parts belong together and are all there. */
typedef struct shard_info {
    int k, n;            /* this part, of n (1-based); n 0: not sharded */
    size_t jobs;         /* jobs of the whole list */
    char digest[17];     /* FNV-1a 64 of the whole list (file, id, role, profile,
                          * skipped), hex */
    size_t *pos;         /* the kept jobs' places in the whole list (malloc'd, in
                          * their order; shard_info_free) */
} shard_info;

/* Keep in l the jobs of part k of n (their order kept), after filling
 * *info from the whole list. times: an earlier run's JSON report, or
 * NULL. 0, or -1 (out of memory: l unchanged, info->pos NULL). */
int jobs_select_shard(job_list *l, int k, int n, const json_t *times, shard_info *info);
void shard_info_free(shard_info *info);

#endif

/*
 * quick.h - `run --quick`: the pull-request selection of a run's jobs
 * (the full suite is for nightly runs).
 *
 * The area of a scenario id is its first two '/'-separated components:
 * "rfc9528/5.3.3/wrong-mac-2" -> "rfc9528/5.3.3", "mutations/message-2/..."
 * -> "mutations/message-2", "interop/matrix/m0-s0-kid" -> "interop/matrix";
 * an id of two components is an area of its own, so every interop/
 * baseline ("interop/m3-s2-kid", its UDP and TCP variants, the RFC 9529
 * traces) is always selected.
 *
 * For each (area, IUT role) with jobs, one job is kept: the first by id
 * (byte order, strcmp) that is not skipped, or the first by id when all
 * of them are skipped (the skip then shows the gap). Jobs whose scenario
 * file did not load are all kept (they are errors). The selection depends
 * only on the ids, roles and skips (the peer file's roles and
 * capabilities), never on the order of files or on earlier results; kept
 * jobs keep their run order.
 */
#ifndef EH_RUNNER_QUICK_H
#define EH_RUNNER_QUICK_H

#include <stddef.h>

#include "jobs.h"

/* Length of the area prefix of id (the whole id when it has fewer than
 * three components). */
size_t quick_area_len(const char *id);

/* Reduce l->v to the selection, in place. 0, or -1 (out of memory; l is
 * unchanged). */
int jobs_select_quick(job_list *l);

#endif

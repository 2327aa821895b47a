/*
 * per_run.h - the per-run IUT Responder (`per_run: true`, peers/README.md):
 * the runner starts it once for all jobs in which the IUT is the Responder,
 * and those jobs, each in a process of its own, cannot see how it is doing.
 * So the runner tells them: a job does not start against an IUT that did not
 * start or has ended (an error naming why, instead of a failure of every step
 * against nothing), and a job that ran while it ended names that end.
 */
#ifndef EH_RUNNER_PER_RUN_H
#define EH_RUNNER_PER_RUN_H

#include <stdbool.h>

#include "../report/report.h"
#include "iut.h"

/* Before a job of the IUT Responder role: true when it must not run, res
 * then an error naming why: the per-run IUT p did not start (p NULL,
 * start_failure its reason) or has ended. false when there is nothing to
 * say (p running, or no per-run IUT: p NULL and start_failure ""). */
bool per_run_refuses(iut_proc *p, const char *start_failure, sc_result *res);

/* After such a job: if p has ended, a crash makes a pass an error and is
 * named after a failure; any other end is named after a failure or error
 * (the likely reason nothing more came). */
void per_run_job_done(iut_proc *p, sc_result *res);

#endif

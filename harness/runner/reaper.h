/*
 * reaper.h - the processes an IUT leaves behind.
 *
 * An IUT runs in a session of its own (iut.h), which iut_stop kills as a
 * whole. A child that leaves it (setsid, setpgid, a daemonizing launcher)
 * would outlive the run. So the processes that start IUTs (the run, each
 * job, each pair of the matrix, each explore worker) are child subreapers
 * (prctl PR_SET_CHILD_SUBREAPER, Linux >= 3.4): such a child, once its own
 * parent is gone, becomes their child instead of init's, and reaper_sweep,
 * when the IUT has been stopped, kills every child still there (its
 * process group too) and reaps it, round after round, until none is left.
 */
#ifndef EH_RUNNER_REAPER_H
#define EH_RUNNER_REAPER_H

#include <stddef.h>

/* Make the calling process a child subreaper. 0, or -1 (errno). */
int reaper_become(void);

/* Kill and reap every child of the calling process (found in /proc by
 * parent pid), also those that become its children meanwhile; at most 32
 * rounds. The number of processes stopped. Call it only when no child is
 * meant to be running any more. */
size_t reaper_sweep(void);

#endif

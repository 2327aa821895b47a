/*
 * sanity.h - the sanity conversation before a run (as tlsfuzzer does): one
 * plain handshake per IUT role and profile among the jobs that will run. An
 * IUT that cannot do that much (it does not start, does not answer, or
 * rejects a valid message) would otherwise fail hundreds of scenarios for
 * one reason; the run stops instead with one line per failed conversation,
 * and the exit code of a set-up error (runner.h).
 *
 * The conversation is the scenario SANITY_ID (built in, below), run as any
 * job: in the profile and with the transport the IUT has (CoAP, else raw
 * UDP, else CoAP over TCP), both roles mirrored as in `role: both`.
 *
 * A job of the suite that holds the conversation (sanity_stands_in: the
 * same role, transport, profile and credentials, its first steps the
 * conversation's, plain, and nothing that changes the handshake), such as
 * interop/matrix's and interop/handshake's, is run first instead: its pass
 * is the profile's sanity conversation, and its result the suite's. Only
 * where it does not pass does the built-in conversation run, and decide.
 * So a healthy IUT's run has no job more than its suite.
 */
#ifndef EH_RUNNER_SANITY_H
#define EH_RUNNER_SANITY_H

#include <stddef.h>

#include "../report/report.h"
#include "../scenario/scenario.h"
#include "jobs.h"

#define SANITY_ID "sanity/handshake"

/* The sanity jobs for the runnable jobs of jl into *out (zeroed first; it
 * owns the built-in scenario): one per (harness role, profile), in the
 * order they first occur. 0, or -1 (out of memory, or the built-in
 * scenario does not load: a bug; err filled). */
int sanity_jobs(const job_list *jl, const peer_file *pf, job_list *out, char *err, size_t cap);

/* Does job_sc (a job's scenario, its profile applied) hold the sanity
 * conversation conv (the built-in one, in the same role and profile)? */
bool sanity_stands_in(const scenario *job_sc, const scenario *conv);

/* For each sanity job sj->v[i], the index in jl of the first runnable job of
 * the same role and profile whose scenario stands in for it, or -1, into
 * subst[i]. 0, or -1 (out of memory; err filled). */
int sanity_substitutes(const job_list *jl, const job_list *sj, long *subst, char *err,
                       size_t cap);

/* One line on a failed sanity result: which IUT, which profile, what
 * failed ("did not start", "did not answer", "rejected message_N") and
 * the verdict's own text. */
void sanity_explain(const sc_result *res, char *out, size_t cap);

/* Did the conversation pass (pass or non-strict)? */
bool sanity_passed(const sc_result *res);

#endif

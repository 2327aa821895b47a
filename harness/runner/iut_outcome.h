/*
 * iut_outcome.h - the verdict of how an IUT process ended, for `run`: before
 * it was ready, and after the scenario. The rules are those of the adapter
 * contract (peers/README.md): a launched IUT becomes ready as its peer file
 * says; an IUT Initiator exits when the handshake ends, 0 done, 1 failed,
 * the peer file's not_implemented_exit (default 77) scenario not supported;
 * a Responder runs until SIGTERM. RFC 9528 says
 * nothing about processes, so an exit status is judged only as far as that
 * contract goes. Pure: no process is touched here.
 */
#ifndef EH_RUNNER_IUT_OUTCOME_H
#define EH_RUNNER_IUT_OUTCOME_H

#include <stdbool.h>
#include <stddef.h>

#include "../report/report.h"
#include "../scenario/exec.h"
#include "iut.h"

/* The text of a skip for the exit code a peer file declares for "scenario
 * not implemented" (`not_implemented_exit:`, default 77, automake's SKIP);
 * the runner lists such skips on the console. */
#define NOT_IMPLEMENTED_TEXT "scenario not implemented"
#define DEFAULT_NOT_IMPLEMENTED_EXIT 77

/* The IUT did not become ready (r is IUT_EXITED or IUT_NOT_READY; ex is how
 * it ended, ready_line NULL for a CoAP probe): res becomes skipped for the
 * exit code not_implemented (NOT_IMPLEMENTED_TEXT), else an error naming the
 * exit status (127 as the shell's "command not found", quoting the first line
 * of res->iut_stderr_path) or the wait that ran out. */
void iut_outcome_not_ready(iut_ready r, const iut_exit *ex, const char *ready_line,
                           int timeout_ms, int not_implemented, sc_result *res);

/* How a launched IUT ended after the scenario. */
typedef struct iut_end {
    bool iut_initiator; /* the IUT was the Initiator (the harness the Responder) */
    bool by_itself;     /* it had exited before the harness stopped it */
    iut_exit ex;        /* how it ended (by itself, or when stopped) */
    sc_exec_ending run; /* iut_initiator: what the harness saw (exec.h) */
    int not_implemented; /* the peer file's exit code for "scenario not implemented" */
    size_t gone_step;   /* the step during which the executor saw it gone, 0 none
                         * (sc_exec_iut_gone_step) */
    bool client_responder; /* the IUT Responder was the CoAP client (the reverse flow,
                         * RFC 9528 A.2.2): it ends after its session, as an Initiator
                         * does, so its exit during the steps ends nothing early */
} iut_end;

/* The verdict after the scenario, in res (which holds the executor's):
 *  - a crash (iut_exit_is_crash): the scenario's failure stands with the
 *    crash named after it; any other verdict becomes a failure naming it, the
 *    step and the harness's last answer (a crash is no answer the RFC allows),
 *    or an error when the harness had sent nothing yet (an IUT Initiator
 *    before its first answer: nothing of the scenario's was tested);
 *  - the exit code e->not_implemented where the scenario did not pass:
 *    skipped (NOT_IMPLEMENTED_TEXT);
 *  - an IUT Initiator that sent no request at all and exited: a failure
 *    (nothing arrived) becomes an error, as nothing was tested;
 *  - an IUT Initiator whose handshake completed on the harness's side
 *    (e->run.completed) in a scenario that passed (or non-strict): exit code
 *    0 passes, 1 is a fail (it rejected the harness's last answer, which the
 *    text names), any other code an error (the contract does not say what it
 *    means). Negative scenarios (the IUT is meant to fail) accept any code;
 *  - an IUT Responder that exited by itself while the steps ran
 *    (e->gone_step): the adapter contract has a Responder run until it is
 *    stopped, so what the steps from there saw (silence) tested nothing: a
 *    pass or non-strict becomes an error naming the exit and the step, a
 *    failure stands with the exit named.
 * An IUT the harness stopped (it did not exit in time) is not judged for how
 * it ended. A line saying how the IUT ended is added to res->transcript,
 * and the new verdict when it changed. */
void iut_outcome_after_run(const iut_end *e, sc_result *res);

#endif

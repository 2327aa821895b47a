/*
 * pair_job.h - one interop pair job: IUT A as Initiator against IUT B as
 * Responder on one positive handshake scenario, with the harness as a
 * transparent relay in the middle (relay.h), judged from what it relayed
 * (pair_wire.h, pair_judge.h).
 *
 * Steps: start B's Responder command on a free port and wait until it is
 * ready as its peer file says; start the relay towards it; start A's
 * Initiator command pointed at the relay's port; wait (bounded) for A to
 * exit, killing it when the bound passes; stop the relay (forwarding what
 * is queued) and B; judge.
 *
 * Verdict: pass when A exited 0 and the relay saw message_1, message_2,
 * message_3 (and message_4 when the scenario asks for it) in order with
 * every check of pair_judge.h passed; fail otherwise, with the reason (A's
 * exit and last output line, how far the handshake got, the first failed
 * check); error when B never became ready or an IUT crashed; skipped when
 * an IUT exits with code 127 (scenario not implemented, peers/README.md).
 * Sizes are reported against the budget profile, never judged here.
 *
 * Files, under DIR/pairs/<A>__<B>/: <scenario>.txt (the transcript),
 * <scenario>.initiator.stdout / .stderr and <scenario>.responder.stdout /
 * .stderr (the IUTs' output).
 */
#ifndef EH_INTEROP_PAIR_JOB_H
#define EH_INTEROP_PAIR_JOB_H

#include <jansson.h>
#include <stdbool.h>

#include "../report/report.h"
#include "../scenario/budget.h"
#include "../scenario/scenario.h"

typedef struct pair_job_opts {
    const scenario *sc;          /* complete (a matrix variant already made) */
    const peer_file *initiator;  /* A: its `initiator` command is launched */
    const peer_file *responder;  /* B: its `responder` command is launched */
    const char *out_dir;         /* DIR */
    const char *cred_dir;        /* {creds_dir} */
    const char *harness_path;    /* {harness} */
    int timeout_ms;              /* the run's bound of every wait */
    sc_budget budget;            /* profile of the reported sizes */
    unsigned long seed;
    /* The reverse message flow (RFC 9528 Appendix A.2.2): A, the Initiator,
     * is the CoAP server ({flow} reverse), started first and waited for
     * (its ready line, else a CoAP ping); the relay forwards to it; B, the
     * Responder, is the client pointed at the relay, and its exit decides as
     * A's does in the forward flow; A, which serves one handshake, is judged
     * by its exit when it exits by itself. */
    bool reverse;
    /* The pair's transport (sc_transport): the scenario's when it names one,
     * else one both IUTs claim (pair_transport); -1: none in common. */
    int transport;
} pair_job_opts;

/* The transport a pair runs sc over: sc's own when it names one; else CoAP
 * when both claim `coap` (a peer file that claims no transport is CoAP's),
 * else raw UDP when both claim `udp`; -1 when they share none. */
int pair_transport(const scenario *sc, const peer_file *initiator, const peer_file *responder);

/* The message flow a pair runs in: the forward one when both peers have a
 * forward profile, else the reverse one when both have a reverse profile
 * (RFC 9528 Appendix A.2.2), else none (PAIR_FLOW_NONE). */
enum { PAIR_FLOW_NONE = 0, PAIR_FLOW_FORWARD, PAIR_FLOW_REVERSE };
int pair_flow(const peer_file *initiator, const peer_file *responder);

/* Can the pair run sc at all? NULL, or why not (a static or reason text in
 * buf): a peer without a launchable command for its role, CoAP over TCP
 * (the relay carries datagrams), a capability of sc's needs missing; in
 * the reverse flow also raw UDP and what sc_runs_in_reverse_flow refuses;
 * no message flow in common (pair_flow). */
const char *pair_job_refusal(const pair_job_opts *o, char *buf, size_t cap);

/* Is sc a positive handshake that a pair can run (an interop/ scenario for
 * both roles, only send message_1 / message_3, expect message_2 /
 * accepted / message_4 and oscore steps, no mutations, faults or
 * credentials.iut_peer)? */
bool pair_scenario_ok(const scenario *sc);

/* Run the pair job (it starts processes and a thread: call it in a child
 * process of its own). The result as a JSON object in the format of
 * interop/matrix_run.h ("pairs[].results[]"); NULL only when out of memory. */
json_t *pair_job_run(const pair_job_opts *o);

/* The result of a job that did not run: verdict v (skipped, error) with
 * this message, same format. */
json_t *pair_job_result(const pair_job_opts *o, verdict v, const char *message);

#endif

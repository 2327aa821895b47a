/*
 * remote_job.h - a job of `run` whose IUT Initiator nobody launches: it is
 * somewhere on the network and comes by itself (`edhoc-harness serve`,
 * harness/serve/serve.h). Also the pipe format by which a job's process
 * hands its result to its parent, shared by `run` and `serve`.
 *
 * Defined in runner.c, next to the launched job it mirrors: the same
 * result fields, files (transcript, pcap) and executor, without an IUT
 * process, so without an exit status to judge (the verdict is what the
 * wire showed, and the transcript says so).
 */
#ifndef EH_RUNNER_REMOTE_JOB_H
#define EH_RUNNER_REMOTE_JOB_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "../report/report.h"
#include "../scenario/budget.h"
#include "jobs.h"
#include "runner.h"

typedef struct runner_remote {
    /* Called once the harness Responder listens (on 127.0.0.1, port), or
     * with port 0 when it could not be set up (res then says why): where
     * the caller must relay the client's datagrams. */
    void (*on_port)(void *arg, int port);
    /* Called (if not NULL) when the steps are over and the linger starts. */
    void (*on_linger)(void *arg);
    void *arg;
    /* After the steps, the client's further requests (a retransmission, an
     * error message answering the last message) get the engine's answers for
     * at most linger_ms (sc_exec_drain), or until *moved_on becomes non-zero
     * (set from a signal handler: the client started another handshake). */
    int linger_ms;
    const volatile sig_atomic_t *moved_on;
    bool oscore;        /* the profile has OSCORE (sc_exec_opts.iut_without_oscore) */
    /* Filled (if not NULL, capture_tmp_cap bytes) before the capture starts:
     * the temporary file it writes until the job ends, for a signal handler
     * of the caller's to unlink when the job is stopped half-way. */
    char *capture_tmp;
    size_t capture_tmp_cap;
    const char *client; /* named in the transcript, e.g. "alice (192.0.2.7 port 5683)" */
} runner_remote;

/* Run job j (harness Responder) of scenario sc against the remote client
 * (in a process of the caller's: the executor's waits block). Files go
 * below o->out_dir as in `run`. res is filled as run_job fills it. */
void runner_remote_job(const job *j, const scenario *sc, const run_opts *o, sc_budget budget,
                       const runner_remote *rm, sc_result *res);

/* A job process's result through a pipe: the struct, then the transcript.
 * runner_result_decode reads what arrived (len bytes from buf): false when
 * it is incomplete; else res (transcript malloc'd, or NULL when out of
 * memory). Both ends are the same binary. */
void runner_result_send(int fd, const sc_result *res);
bool runner_result_decode(const unsigned char *buf, size_t len, sc_result *res);

#endif

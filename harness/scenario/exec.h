/*
 * exec.h - runs one scenario in one harness role against a running IUT and
 * produces its verdict, message sizes and annotated transcript.
 *
 * Harness Initiator: the executor is a CoAP/UDP client of the IUT at
 * host:port; `send` steps make requests, `expect` steps judge the answer.
 * Harness Responder: the executor binds a server first (so the runner can
 * start the IUT Initiator with its port); `expect` steps judge the IUT's
 * requests and `send` steps answer them. A request left unanswered when
 * the next `expect` (or the end) comes gets the engine's natural answer:
 * message_2 after a valid message_1, the error message the engine owes
 * after an invalid one, message_4 or an empty 2.04 after message_3.
 *
 * Every wait is bounded by the step's timeout (or the run default).
 */
#ifndef EH_SCENARIO_EXEC_H
#define EH_SCENARIO_EXEC_H

#include "../report/report.h"
#include "budget.h"
#include "scenario.h"

typedef struct sc_exec_opts {
    const scenario *sc;
    sc_role role;            /* SC_HARNESS_INITIATOR or SC_HARNESS_RESPONDER */
    const char *host;        /* IUT address (harness Initiator) or bind address */
    int port;                /* IUT port (harness Initiator); ignored otherwise */
    const char *cred_dir;    /* credential files (vectors/creds) */
    int timeout_ms;          /* default bound of every wait */
    /* Harness Responder: the bound of the wait for the IUT Initiator's first
     * request, which includes the IUT's start-up (the peer file's `timeout`
     * for it); a step's shorter bound applies from the first request on.
     * 0: the step's bound alone. */
    int first_request_ms;
    unsigned long seed;      /* seeds the harness's ephemeral keys */
    sc_budget budget;        /* size budget profile (budget.h); 0 = rfc9528 */
    /* Optional: is the IUT still running? 0 running, 1 exited, 2 crashed;
     * desc receives how it ended, to follow "the IUT" ("exited with code 1",
     * iut_exit_describe). Lets waits end early; a step that received
     * nothing names it. */
    int (*iut_state)(void *arg, char *desc, size_t cap);
    void *iut_arg;
    /* The IUT is shared with other scenarios (an address or per_run IUT in
     * the peer file): flood steps are then skipped, since the half-open
     * sessions they leave would change other scenarios' results. */
    bool iut_shared;
    /* The IUT does not claim `oscore`: its connection identifier need not
     * differ from the harness's nor fit an OSCORE Sender ID (RFC 9528
     * §3.3.1, §3.3.3 and RFC 9668 §4.1 constrain identifiers that key
     * OSCORE). False (the default): both are checked. */
    bool iut_without_oscore;
    /* The IUT's EDHOC resource when it is the CoAP server (the peer file's
     * edhoc_path); NULL or "": /.well-known/edhoc. */
    const char *edhoc_path;
    /* Key logging (run --keylog, for testing only): the transcript lists
     * the derived values of the harness's session. Off: no secret printed. */
    bool keylog;
    /* Optional (explore): after each judged expect or oscore step, the step's
     * index, the outcome that matched (-1: none), the kind of what arrived
     * (message_2, accepted, error, coap, silence, same, oscore, ...; "" for
     * an oscore step that passed) and the scenario's branch after it. */
    void (*observe)(void *arg, size_t step, int outcome, const char *kind, const char *branch);
    void *observe_arg;
} sc_exec_opts;

/*
 * The credential names of a run: the harness's own and the one it expects
 * from the IUT (the IUT's own). A scenario names them from the harness
 * Initiator's side for `role: both` (swapped when the harness responds);
 * the defaults are the RFC 9529 trace-2 credentials of vectors/creds/.
 */
void sc_cred_names(const scenario *sc, sc_role harness_role, const char **own,
                   const char **peer);

/*
 * Does the scenario run OSCORE after the handshake: an oscore step, an
 * expected outcome `oscore`, a combined message_3 (RFC 9668), or `oscore`
 * among its needs? Only then is an IUT told to run OSCORE ({oscore}).
 */
bool sc_uses_oscore(const scenario *sc);

typedef struct sc_exec sc_exec;

/* Prepare (load credentials; bind the server in the Responder role). NULL
 * and err filled on failure (a scenario error, verdict `error`). */
sc_exec *sc_exec_new(const sc_exec_opts *o, char *err, size_t cap);
/* The bound port (harness Responder), to give to the IUT Initiator. */
int sc_exec_port(const sc_exec *x);
/* Run every step. Fills res->v (PASS, FAIL, NONSTRICT, ERROR, or SKIPPED for
 * a flood step the IUT's address or sharing rules out), res->message (on a
 * pass: what the scenario reports, e.g. its amplification factor and flood,
 * or empty), res->sizes, res->size_entries, res->amplification (harness
 * Initiator: the answer to the first message_1 sent, RFC 9528 §9.7) and
 * res->transcript (malloc'd).
 *
 * Budgets: every message_1..4 seen gets a size entry (its size, the
 * budget of the profile, the minimum for the run's options). A message the
 * IUT sent is judged against its budget when it matched a `message_N`
 * outcome, the harness engine accepted it, and the scenario is positive
 * (no mutations, faults, error or raw sends, no credentials.iut_peer):
 * over the rfc9528 budget the scenario becomes non-strict, over
 * lorawan-sf12 or 6tisch it fails. A step's own max_size is judged as
 * always. */
void sc_exec_run(sc_exec *x, sc_result *res);
/* Harness Responder, after the run: keep answering the IUT Initiator as the
 * engine would (e.g. its OSCORE request) until it exits or timeout_ms
 * passes, so that it can finish cleanly. What happens meanwhile is added to
 * res->transcript. An EDHOC error message with which the IUT answers the
 * harness's last answer of a completed handshake (sc_exec_ending) turns a
 * pass or non-strict res into a fail naming both. */
void sc_exec_drain(sc_exec *x, int timeout_ms, sc_result *res);

/* What the harness Responder saw of the IUT Initiator's handshake, for the
 * verdict of its exit status (runner/iut_outcome.h). */
typedef struct sc_exec_ending {
    size_t requests;       /* requests the IUT sent (not counting retransmissions) */
    /* The handshake completed on the harness's side in a positive scenario
     * (only messages its engine builds, exec_budget.c): the engine accepted
     * the IUT's message_3, and the last thing the harness sent is an answer
     * of the completed handshake (message_4, the empty answer acknowledging
     * message_3, the response to the IUT's OSCORE request, which verified),
     * which the IUT did not answer with an error message. An Initiator that
     * follows RFC 9528 then ends "done". */
    bool completed;
    char last_answer[160]; /* the harness's last answer, e.g. "message_4 (CoAP 2.04, 9
                            * bytes)"; "" if none */
    char requirement[96];  /* completed: what an Initiator that rejects that answer
                            * breaks, e.g. "R-5.5.3-a (RFC 9528 §5.5.3)" */
    /* Reverse flow, harness Initiator (the IUT Responder is the CoAP client,
     * whose silence after message_3 is all it says when it sends neither
     * message_4 nor OSCORE): its silence was judged as a rejection of the
     * harness's message_3 (the step did not allow accepting it), or as its
     * acceptance. Its exit status (0 done, 1 failed: peers/README.md) then
     * confirms or contradicts that reading. */
    bool silence_rejects_m3, silence_accepts_m3;
    int step_line;         /* the scenario line of that expect step */
    int silence_grade;     /* silence_accepts_m3: whether that step allows silence too,
                            * 0 no, 1 yes, 2 graded non-strict */
} sc_exec_ending;
void sc_exec_ending_of(const sc_exec *x, sc_exec_ending *e);

/* The step (1-based) during which the executor first saw the IUT process
 * gone (o.iut_state; checked at each step and throughout its waits), and in
 * *how (if not NULL) how it ended, to follow "the IUT" ("exited with code
 * 101"); 0 when it did not see that while the steps ran. */
size_t sc_exec_iut_gone_step(const sc_exec *x, const char **how);

/* "R-5.2.3-b" -> "R-5.2.3-b (RFC 9528 §5.2.3)", "R-A.2.3-a" -> "R-A.2.3-a
 * (RFC 9528 Appendix A.2.3)", "R-9668-3.3.1-a" -> "... (RFC 9668 §3.3.1)". */
void sc_requirement_text(const char *id, char *out, size_t cap);
void sc_exec_free(sc_exec *x);

#endif

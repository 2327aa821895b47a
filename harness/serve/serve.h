/*
 * serve.h - `edhoc-harness serve`: a long-running reference Responder that
 * IUT Initiators connect to by themselves (an interop event, a board in a
 * project's CI), each picking its test by the request (serve_route.h).
 *
 * How it works. The front (serve.c) owns the listening sockets: CoAP over
 * UDP on --host (every address it resolves to, IPv4 and IPv6) and --port,
 * and a raw UDP port per `--raw PORT=ID` (raw UDP has no path: the port
 * picks the scenario). A request that starts a session from a client
 * (source address and port) without a running job starts a job: a process
 * of its own (runner_remote_job, runner/remote_job.h) whose executor binds
 * on 127.0.0.1 and judges the scenario exactly as `run` does with the
 * harness the Responder. The front relays the client's datagrams to it
 * from a socket of the job's (as a NAT would) and its answers back from
 * the listening socket. A job ends after its steps and a linger (--linger:
 * the client's retransmissions and last error message still get their
 * answers), or earlier when the same client starts another session; each
 * job is bounded in time (its steps' bounds plus a margin) and killed past
 * it, its result then an error.
 *
 * Results: per client (its `name=` query, else its IP address), the
 * latest result per (scenario, profile), in OUT/clients/NAME/ (results.json,
 * junit.xml, index.html, and the jobs' transcripts and pcaps below it) and
 * OUT/index.html and OUT/clients.json over all clients, every file
 * rewritten atomically after every job. GET /.well-known/edhoc/results
 * returns the client's summary.
 *
 * Bounds: at most max_jobs jobs at once (a new session beyond that gets
 * 5.03 Service Unavailable with Max-Age 1), at most SERVE_MAX_CLIENTS
 * result sets (further names get 5.03) of SERVE_MAX_RESULTS results each
 * (about 10 kB a result; the transcripts stay in their files, which the
 * reports name), SERVE_QUEUE datagrams queued per job while it starts. SIGINT / SIGTERM: the running jobs are stopped (and
 * recorded as errors, interrupted), every report is written, and serve
 * returns 0 (3 when a report could not be written).
 */
#ifndef EH_SERVE_H
#define EH_SERVE_H

#include <stdbool.h>
#include <stddef.h>

#define SERVE_MAX_CLIENTS 64
#define SERVE_MAX_RESULTS 512  /* per client: the latest per scenario and profile, at most
                                * this many (the oldest goes) */
#define SERVE_MAX_RAW 8
#define SERVE_QUEUE 16

typedef struct serve_raw_port {
    int port;              /* 0: any free one (printed) */
    const char *id;        /* the scenario its sessions run */
} serve_raw_port;

typedef struct serve_opts {
    const char *host;      /* bind address or name (all its addresses) */
    int port;              /* CoAP over UDP; 0: any free one (printed) */
    bool tcp;              /* also CoAP over TCP (RFC 8323) */
    int tcp_port;          /* its port; 0: the UDP port */
    const char *out_dir;
    const char *const *paths; /* scenario files or folders (default: scenarios/) */
    size_t n_paths;
    const char *filter;    /* only scenario ids matching this glob, or NULL */
    const char *peer_profile; /* a peer file: the clients' profiles and capabilities */
    const char *cred_dir;
    int timeout_ms;        /* each wait of a job's steps */
    int linger_ms;         /* after the steps */
    int max_jobs;
    unsigned long seed;
    serve_raw_port raw[SERVE_MAX_RAW];
    size_t n_raw;
} serve_opts;

/* Serve until SIGINT or SIGTERM. Prints "serve: listening on ..." lines
 * (with the ports) once ready. Returns the exit code, as `run`'s over every
 * client's results (so that CI can gate on it): 0 every job passed, 1 a
 * conformance failure (a MUST-level fail, an xpass), 2 a usage or input
 * error (nothing served), 3 a listening socket not bound, a report not
 * written, or a job in error (one stopped half-way included), 4 no job ran. */
int serve_main(const serve_opts *o);

#endif

/*
 * serve_internal.h - the parts of `serve` (serve.h) and what they share:
 * serve.c the front (sockets, the poll loop, UDP datagrams), serve_tcp.c
 * CoAP over TCP connections, serve_jobs.c the job processes and the relay
 * to them, serve_results.c the results per client and their files.
 * Private to harness/serve/.
 */
#ifndef EH_SERVE_INTERNAL_H
#define EH_SERVE_INTERNAL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "../report/report.h"
#include "../runner/jobs.h"
#include "../scenario/budget.h"
#include "serve.h"
#include "serve_route.h"

#define SERVE_MAX_LISTENERS 16
#define SERVE_MAX_DATAGRAM 65535
#define SERVE_MAX_JOB_OUTPUT ((size_t)16 << 20) /* result + transcript from a job */
#define SERVE_BASELINE_ID "interop/handshake"
#define SERVE_STOP_GRACE_MS 2000

typedef struct listener {
    int fd;
    int family;
    int port;
    bool raw;          /* raw UDP: every session runs raw_job */
    bool tcp;          /* CoAP over TCP: a listening socket */
    size_t raw_job;
} listener;

typedef struct pending {
    uint8_t *d;
    size_t n;
} pending;

/* Bytes on their way over a TCP relay, at most SERVE_TCP_BUF. */
#define SERVE_TCP_BUF ((size_t)128 << 10)
typedef struct sv_buf {
    uint8_t *d;
    size_t len;
} sv_buf;

typedef struct sjob {
    bool used;
    bool detached;     /* the client moved on: its datagrams go elsewhere now */
    bool lingering;    /* the steps are over */
    bool late;         /* past its bound: stopped */
    pid_t pid;
    int fd;            /* the job's output: port, markers, result */
    int up;            /* our socket towards the job's executor */
    int port;          /* the executor's, 0 until known */
    bool port_known;
    struct sockaddr_storage client;
    socklen_t client_len;
    size_t lst;
    size_t client_idx;
    size_t job_idx;
    pending q[SERVE_QUEUE];
    size_t nq;
    uint16_t first_mid;   /* CoAP: the message ID of the request that started it */
    uint8_t first[64];    /* raw UDP: the start of the datagram that started it */
    size_t first_len;
    unsigned char *buf;
    size_t len, cap, off; /* off: what of buf is parsed (port, markers) */
    bool in_result;
    int64_t deadline, kill_at;
    /* CoAP over TCP (serve_tcp.c): the client's connection, relayed to a
     * connection of ours (up) to the job's server */
    bool tcp;
    int conn;
    sv_buf c2u, u2c;   /* client -> job, job -> client */
    bool conn_eof, up_eof, up_shut;
} sjob;

/* A TCP connection whose first request has not come yet. */
typedef struct sv_conn {
    int fd;            /* -1: a free slot */
    size_t lst;
    struct sockaddr_storage from;
    socklen_t from_len;
    sv_buf in;
    size_t off;        /* what of in is parsed */
    bool csm_sent;     /* the front answered something: its CSM went first */
    int64_t deadline;
} sv_conn;
#define SERVE_MAX_CONNS 32
#define SERVE_CONN_WAITS 5 /* times --timeout, for a connection's first request */

typedef struct client {
    char name[SERVE_MAX_NAME + 8];
    char addr[80];     /* where it last came from */
    char dir[1024];
    run_report rep;
} client;

typedef struct serve_state {
    const serve_opts *o;
    peer_file *pf, *named; /* named: pf with a client's name, for the pages */
    job_list jl;
    sc_budget budget;
    listener l[SERVE_MAX_LISTENERS];
    size_t n_l;
    sjob *jobs;        /* o->max_jobs slots */
    client *clients;   /* SERVE_MAX_CLIENTS */
    size_t n_clients;
    char started[32];
    uint16_t next_mid;
    size_t unwritten;  /* reports that could not be written */
    sv_conn conns[SERVE_MAX_CONNS];
    uint8_t dgram[SERVE_MAX_DATAGRAM];
} serve_state;

/* serve.c */
/* Where an answer of the front goes: a UDP client (l, to), or a TCP
 * connection before its session (conn). */
typedef struct sv_reply {
    const listener *l;
    const struct sockaddr_storage *to;
    socklen_t to_len;
    sv_conn *conn;
} sv_reply;
/* The front's own response to r (max_age >= 0: with that Max-Age option). */
void sv_answer(serve_state *st, const sv_reply *rp, const serve_request *r, uint8_t code,
               int cf, int max_age, const char *body, size_t len);
/* A request no job holds, d[0..n) the bytes that carried it (over TCP: all
 * of the connection's so far), from listener li over transport t: answered,
 * or a job started for it. true when a job took it (and a TCP connection). */
bool sv_take_request(serve_state *st, size_t li, const serve_request *r, const sv_reply *rp,
                     const uint8_t *d, size_t n, sc_transport t);
void sv_addr_text(const struct sockaddr_storage *a, char *host, size_t hcap, int *port);
void sv_mkdir_p(const char *dir);

/* serve_results.c */
/* The result set of the client named name (created when new; addr: where
 * it came from); SIZE_MAX when SERVE_MAX_CLIENTS are taken. */
size_t sv_client_of(serve_state *st, const char *name, const char *addr);
/* Record res (its transcript moved): the latest per scenario, profile and role. */
void sv_client_add(client *c, sc_result *res);
/* Client ci's three files (every client's: SIZE_MAX), then the overview. */
void sv_write_reports(serve_state *st, size_t ci, bool interrupted);
/* The JSON summary of c (NULL: none yet) named name, at most cap bytes. */
size_t sv_results_body(const client *c, const char *name, char *out, size_t cap);

/* serve_jobs.c */
/* The job for a test id over the given transport with the harness in that
 * role (the Responder: the forward flow; the Initiator: the reverse flow,
 * for a client that triggers with an empty POST), and profile label (""
 * for the first fitting; oscore >= 0: with (1) or without (0) OSCORE;
 * method >= 0: of that METHOD and suite); SIZE_MAX
 * when none; *skipped: a skipped one's index when that is all there is. */
size_t sv_find_job(const serve_state *st, const char *id, const char *profile, int oscore,
                   sc_transport transport, sc_role harness, int method, int suite,
                   size_t *skipped);
/* Start job ji for client ci, which came from `from` on listener lst with
 * d[0..n) (queued for the job); conn: the client's TCP connection (taken)
 * or -1. 0, or -1 when no slot or process is available. */
int sv_start_job(serve_state *st, size_t lst, const struct sockaddr_storage *from,
                 socklen_t from_len, size_t ci, size_t ji, const uint8_t *d, size_t n, int conn);
void sv_relay_to_job(sjob *sj, const uint8_t *d, size_t n);
/* Read what the job's process sent (its port, markers, result): more may
 * come, its output ended, or it is over SERVE_MAX_JOB_OUTPUT (not read on). */
enum { SV_OUT_MORE = 0, SV_OUT_EOF, SV_OUT_FULL };
int sv_job_output(serve_state *st, sjob *sj);
void sv_job_done(serve_state *st, sjob *sj, const char *why_not);
void sv_stop_jobs(serve_state *st);
void sv_on_late(serve_state *st, sjob *sj, int64_t now);
void sv_slot_clear(sjob *sj);

/* serve_tcp.c */
void sv_tcp_accept(serve_state *st, size_t li);
/* A connection before its session: read, answer what the front answers,
 * start the job at the first request that starts a session. */
void sv_tcp_conn_io(serve_state *st, sv_conn *c);
/* A job's relay: move what can be moved both ways. */
void sv_tcp_job_io(sjob *sj, short conn_events, short up_events);
/* The poll events a job's relay waits for. */
short sv_tcp_conn_wants(const sjob *sj);
short sv_tcp_up_wants(const sjob *sj);
/* The job's server is known: connect to it (the client's bytes so far go first). */
void sv_tcp_connect_up(sjob *sj);
void sv_conn_close(sv_conn *c);

#endif

/*
 * bench.h - `make bench` (build/edhoc-bench): what one EDHOC handshake costs
 * against the cost of the cryptography RFC 9528 makes it do, and how the
 * reference peer and the conformance suite perform around it.
 *
 * A separate program rather than an `edhoc-harness` command: it links the
 * same library objects (build/, -O2, no sanitizers) but stays out of the
 * shipped command line, its manual and its tests; it drives the shipped
 * binary (`peer`, `run`) as separate processes like any user would.
 *
 * Files: bench_floor.c (the RFC-derived list of primitive operations and
 * their cost through the crypto provider), bench_best.c (the same operations
 * on the faster of libsodium and OpenSSL, keys imported beforehand: the
 * best-primitives floor), bench_inmem.c (credentials, in-memory handshakes),
 * bench_wire.c (processes: loopback throughput, memory per session, suite
 * wall time), bench_main.c (options, the table, the JSON report).
 */
#ifndef EH_BENCH_H
#define EH_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../edhoc/edhoc.h"
#include "../peer/credfile.h"

/* Microseconds of CLOCK_MONOTONIC. */
double bench_now_us(void);
/* The clock of the in-memory figures (floor and handshakes): CLOCK_MONOTONIC,
 * or with bench_use_cpu_clock(true) the process's CPU time, which a busy
 * machine disturbs less (preemption is not counted; shared caches still are). */
void bench_use_cpu_clock(bool on);
double bench_cost_now_us(void);

/* How hard to measure (full run or the seconds-long smoke run). */
typedef struct bench_budget {
    int rounds;        /* repetitions of every measurement; the fastest counts */
    double op_ms;      /* time spent on one primitive operation per round */
    double hs_ms;      /* time spent on in-memory handshakes per round */
    int min_iters;     /* at least this many calls per measurement */
} bench_budget;

/* ---------------------------------------------------------- credentials */

/* The two parties of a (METHOD, suite) row: credential files of
 * vectors/creds/ (gen-<alg>-<sig|dh>-<i|r>), identified by kid. */
typedef struct bench_pair {
    int method;
    const eh_suite *suite;
    char cred_i[48], cred_r[48]; /* credential names */
    credfile i, r;
    eh_config ci, cr;
} bench_pair;

/* Load the credentials and configure both roles (message_4 on, the OS
 * RNG). 0, or -1 after a message on stderr. */
int bench_pair_load(bench_pair *p, const char *cred_dir, int method, int suite);
void bench_pair_free(bench_pair *p);

/* ------------------------------------------------------------ the floor */

/* Sizes of the RFC's named byte strings in one handshake of this pair
 * (input_th_2, info_mac_2, plaintext_3, ...), from a traced handshake. */
typedef struct bench_sizes {
    size_t message_1, input_th_2, input_th_3, input_th_4, plaintext_2, plaintext_3, plaintext_4;
    size_t info[10];  /* EDHOC_KDF info by label 0..9 */
    size_t out[10];   /* EDHOC_KDF output length by label 0..9 */
    size_t a_3, a_4, tbs_2, tbs_3;
} bench_sizes;

/* Run one traced handshake and record the sizes. 0 or -1. */
int bench_sizes_measure(const bench_pair *p, bench_sizes *sz);

/* One line of the floor: an operation RFC 9528 requires, how often per
 * handshake (both parties) and what one call costs. */
typedef struct bench_op_cost {
    const char *what;  /* "ECDH G_XY" */
    const char *rfc;   /* "§4.1.1.1" */
    int count;
    double us;         /* one call */
    const char *impl;  /* the best-primitives floor: "libsodium" or "OpenSSL" */
} bench_op_cost;

#define BENCH_MAX_OPS 40

typedef struct bench_floor {
    bench_op_cost op[BENCH_MAX_OPS];
    size_t n;
    double total_us;   /* sum of count * us */
} bench_floor;

/* Measure the crypto floor of one handshake of p (sizes from sz): every
 * operation once for about budget->op_ms (one round). 0 or -1. */
int bench_floor_measure(const bench_pair *p, const bench_sizes *sz, const bench_budget *b,
                        bench_floor *fl);

/* The same operations, each called directly on libsodium or OpenSSL (the
 * faster where both have it, op[k].impl), keys imported and algorithms
 * fetched beforehand, never through the crypto provider (bench_best.c).
 * 0 or -1. */
int bench_floor_best_measure(const bench_pair *p, const bench_sizes *sz, const bench_budget *b,
                             bench_floor *fl);

/* --------------------------------------------------- in-memory handshake */

/* Full handshakes (message_1 .. message_4, no I/O) for budget->hs_ms:
 * microseconds per handshake, or a negative value when one failed. */
double bench_handshake_us(const bench_pair *p, const bench_budget *b);

/* -------------------------------------------------------- processes */

typedef struct bench_proc {
    pid_t pid;
    int out_fd;        /* its stdout (and stderr), read end; -1 at EOF */
    char buf[4096];    /* output not yet split into lines */
    size_t len;
    char line[512];    /* the line asked for (bench_proc_wait_line, ..._finish, ..._stop) */
} bench_proc;

/* Start argv[0] with argv (stdin /dev/null, stdout+stderr to a pipe). */
int bench_proc_start(bench_proc *pr, char *const argv[]);
/* The same in the folder cwd (NULL: this one). */
int bench_proc_start_in(bench_proc *pr, char *const argv[], const char *cwd);
/* Read its output until a line containing `needle` (copied to pr->line),
 * at most timeout_ms. 0, or -1 (timeout, EOF). */
int bench_proc_wait_line(bench_proc *pr, const char *needle, int timeout_ms);
/* Read its output (discarding it unless a line contains `keep`, which is
 * copied to pr->line) until it exits; also drain `other` (a second
 * process, e.g. the Responder) meanwhile. Returns the exit status
 * (waitpid), or -1. At most timeout_ms; then it is killed. */
int bench_proc_finish(bench_proc *pr, const char *keep, bench_proc *other, int timeout_ms);
/* Read whatever output is ready without waiting (a process writing to a
 * full pipe would block). */
void bench_proc_drain(bench_proc *pr);
/* SIGTERM, read its output to the end (a line containing `keep`, if not
 * NULL, is copied to pr->line), reap; SIGKILL after 5 s. Exit status. */
int bench_proc_stop(bench_proc *pr, const char *keep);
/* VmRSS of a process in KiB, or -1. */
long bench_rss_kib(pid_t pid);

/* Handshakes per second of `peer initiator --repeat n` against a
 * `peer responder` of the same credentials, both with message_4 and no
 * OSCORE check; transport "coap" or "udp". The Initiator's own timing of
 * its n handshakes (process start-up excluded), best of `runs` Initiators
 * against one Responder. Negative on failure. */
double bench_loopback(const char *harness, const char *cred_dir, const bench_pair *p,
                      const char *transport, long n, int runs);

typedef struct bench_memory {
    long sessions;            /* half-open sessions created */
    long rss_before_kib, rss_after_kib;
    double bytes_per_session;
    double seconds;           /* time to create them */
} bench_memory;

/* A UDP Responder (METHOD 3, suite 2, RFC 9529 trace-2 credentials) with
 * --max-sessions n, sent n message_1 with distinct C_I and never message_3;
 * its RSS before and after. 0 or -1. */
int bench_memory_measure(const char *harness, const char *cred_dir, long n, bench_memory *m);

/* The reference Responder holding n half-open sessions (bench_table.c). */
typedef struct bench_table_row {
    long sessions;
    double fill_seconds;       /* the flood that filled the table */
    double message_1_us;       /* one more message_1 (evicting the oldest half-open) */
    double handshake_us;       /* a whole legitimate handshake while the table is full */
    double bytes_per_session;  /* VmRSS growth / sessions */
} bench_table_row;

/* In this process: a Responder (p's Responder credentials, CoAP framing,
 * message_4 as p's config says) with --max-sessions n filled by n message_1
 * from as many client addresses, then probes message_1 timed, then the best
 * of five handshakes. 0, or -1 after a message. */
int bench_table_measure(const bench_pair *p, long n, int probes, bench_table_row *row);

/* The phases of a job (the JSON report's `timing`, runner.c), in order. */
enum { BENCH_PHASES = 7 };
extern const char *const bench_phase_names[BENCH_PHASES];

typedef struct bench_suite_time {
    const char *label;        /* "full -j 1" */
    double seconds;
    int exit_status;
    char summary[256];        /* the run's summary line */
    /* from its JSON report, when it has `timing` (have_phases): per phase
     * the sum over the jobs that ran and the median, in ms; the run's own
     * phases in s */
    bool have_phases;
    size_t jobs;
    double phase_sum_ms[BENCH_PHASES], phase_median_ms[BENCH_PHASES];
    double sanity_s, suite_s, junit_s;
} bench_suite_time;

/* Wall time of `edhoc-harness run --peer peers/reference.yaml --role both`
 * with extra arguments (NULL-terminated) into a temporary --out, run in
 * the folder cwd (NULL: this one; its peers/ and scenarios/ are used).
 * 0 or -1. */
int bench_suite_run(const char *harness, const char *cwd, const char *const *extra,
                    bench_suite_time *t);

#endif

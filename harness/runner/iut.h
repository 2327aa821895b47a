/*
 * iut.h - launching and controlling an implementation under test (IUT)
 * process: command templates, readiness, output capture, bounded stop.
 *
 * Every wait has a timeout; an IUT that ignores SIGTERM is killed; output
 * is copied to files by a background thread (so a chatty IUT never blocks
 * on a full pipe) and capped at IUT_MAX_CAPTURE bytes per stream (the rest
 * is counted and discarded, so the harness's memory and disk stay bounded).
 */
#ifndef EH_IUT_H
#define EH_IUT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../scenario/scenario.h"

#define IUT_MAX_CAPTURE (4u << 20)

/* Values for the {placeholders} of a command template (the names of the
 * fields, e.g. {transport} = coap | udp). NULL = empty. {oscore} is "oscore"
 * when the job runs OSCORE after the handshake (iut_oscore_value), else "". */
typedef struct iut_vars {
    const char *host, *port, *creds_dir, *method, *suite, *suites, *vector, *harness, *cred,
        *peer_cred, *transport, *cred_id, *message_4;
    const char *framing;  /* rfc9528 | bare (the profile's) */
    const char *flow;     /* forward | reverse (the profile's; RFC 9528 Appendix A.2.1/2) */
    const char *oscore;   /* {oscore}: iut_oscore_value() */
    const char *edhoc_path; /* {edhoc_path}: the CoAP server's EDHOC resource when it is
                             * not /.well-known/edhoc (the peer file's edhoc_path), else
                             * empty; empty over raw UDP, which has no resources */
    const char *ask[SC_ASK_COUNT_]; /* what the scenario asks (`iut:`): {c_i} {c_r} {ead_N} */
} iut_vars;

/* Does the command template use placeholder {name}? */
bool iut_uses(const char *tmpl, const char *name);

/* The value of {oscore}: "oscore" when the scenario uses OSCORE and every
 * IUT of the job claims it (oscore_claimed), else "". */
const char *iut_oscore_value(bool scenario_uses_oscore, bool oscore_claimed);

/* Expand {name} placeholders; {name?TEXT} is TEXT (its own placeholders
 * expanded) when {name} is not empty, else nothing; {name!TEXT} is TEXT when
 * it is empty (peers/README.md, "Placeholders"); "{{" and "}}" are literal
 * braces. 0, or -1 for an unknown placeholder, an unclosed one, or an output
 * longer than cap. */
int iut_expand(const char *tmpl, const iut_vars *vars, char *out, size_t cap);


typedef struct iut_proc iut_proc;

/* Start `command` with /bin/sh -c in its own process group, stdout and
 * stderr captured to the given files (created/truncated). NULL on failure
 * (message on stderr). */
iut_proc *iut_start(const char *command, const char *stdout_path, const char *stderr_path);

typedef enum iut_ready {
    IUT_READY = 0,
    IUT_EXITED,     /* exited (or crashed) before becoming ready */
    IUT_NOT_READY   /* the timeout passed */
} iut_ready;

/*
 * The address of host (a name or a numeric address; "[::1]" too) at which
 * an IUT that is already running listens on UDP port: every address the
 * name resolves to (localhost: ::1 and 127.0.0.1 on a stock Debian) gets a
 * CoAP ping (empty CON); the first to answer (ACK or Reset) wins, else the
 * first no ICMP "port unreachable" came back from (a raw-UDP IUT may ignore
 * the ping). Waits at most timeout_ms. Numeric result (IPv6 without
 * brackets) in out; 0, or -1 when the name does not resolve or every
 * address refused (nothing listens: out then holds the first address).
 */
int iut_pick_address(const char *host, int port, int timeout_ms, char *out, size_t cap);

/* Ready when `line` (a substring) appears on stdout, or, when line is NULL
 * or "", when a CoAP ping (empty CON) to host:port over UDP gets a Reset or
 * an ACK. */
iut_ready iut_wait_ready(iut_proc *p, const char *line, const char *host, int port,
                         int timeout_ms);

typedef struct iut_exit {
    bool exited;      /* false: still running when asked */
    int code;         /* exit code, if exited normally */
    int signal;       /* terminating signal, 0 if none */
    bool killed;      /* we had to send SIGKILL */
    size_t stdout_bytes, stderr_bytes; /* everything written, captured or not */
    /* a write to the capture file failed (errno; the capture stopped there,
     * the counting went on), 0 if none; final once iut_stop filled it */
    int stdout_errno, stderr_errno;
} iut_exit;

/* How it ended, for verdicts, after "the IUT": "exited with code 1", "was
 * killed by signal 15 (Terminated)", "crashed (signal 11, Segmentation
 * fault)", "crashed (exit code 139: a shell's report of a command killed by
 * signal 11, Segmentation fault)", "crashed (exit code 101: how a Rust
 * program ends on a panic)" (iut_exit_is_crash); "had not exited" when
 * ex->exited is false. */
void iut_exit_describe(const iut_exit *ex, char *out, size_t cap);
/* Did it end as a program that went wrong does: killed by a signal other
 * than SIGTERM and SIGKILL (with which programs are stopped), an exit code
 * of 128 + SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS or SIGTRAP (how
 * /bin/sh -c reports a command that died of one of them), or 101 (how a
 * Rust program ends on a panic: "crashed (exit code 101: ...)")? */
bool iut_exit_is_crash(const iut_exit *ex);

/* Non-blocking: has it exited? Fills ex when it has. */
bool iut_poll(iut_proc *p, iut_exit *ex);
/* Wait up to timeout_ms for it to exit by itself. */
bool iut_wait(iut_proc *p, int timeout_ms, iut_exit *ex);
/* SIGTERM to its process group, wait grace_ms, SIGKILL if needed, reap,
 * stop the capture thread, free p. ex may be NULL. */
void iut_stop(iut_proc *p, int grace_ms, iut_exit *ex);
pid_t iut_pid(const iut_proc *p);
/* In a process forked after iut_start (a job child): free this copy of the
 * handle and close its descriptors, leaving the IUT, and the capture thread
 * (which only the parent has), alone. NULL is a no-op. */
void iut_release_inherited(iut_proc *p);

/* For a process whose SIGINT/SIGTERM/SIGHUP handler kills the IUT's group named
 * in *pgid_slot: iut_start with those signals held until the slot names
 * the new group (a signal arriving during the start is handled after it, so
 * the handler never misses a started IUT), and iut_stop that clears the
 * slot only once the group is gone. */
iut_proc *iut_start_tracked(const char *command, const char *stdout_path,
                            const char *stderr_path, volatile sig_atomic_t *pgid_slot);
void iut_stop_tracked(iut_proc *p, int grace_ms, iut_exit *ex,
                      volatile sig_atomic_t *pgid_slot);

#endif

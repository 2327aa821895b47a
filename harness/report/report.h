/*
 * report.h - results of a run and their reports: JUnit XML (libxml2),
 * JSON (jansson), both written atomically (temporary file + rename, so an
 * interrupted run never leaves a half-written report).
 */
#ifndef EH_REPORT_H
#define EH_REPORT_H

#include <stdbool.h>
#include <stddef.h>

typedef enum verdict {
    V_PASS = 0,
    V_FAIL,
    V_SKIPPED,    /* the IUT lacks a capability (reason given), or exited 127 */
    V_NONSTRICT,  /* an allowed deviation from a SHOULD / a lower-graded outcome */
    V_ERROR,      /* the IUT crashed / never became ready, or the harness could not run it */
    V_XFAIL,      /* failed, and listed as a known failure */
    V_XPASS,      /* passed although listed as a known failure: fails the run */
    V_COUNT_
} verdict;

const char *verdict_name(verdict v); /* "pass", "fail", ... */

/* One EDHOC message's size against its budget (see scenario/budget.h). */
#define REPORT_MAX_SIZES 16
typedef struct sc_size_entry {
    int message;            /* 1..4: message_1 .. message_4 */
    bool from_iut;          /* sent by the IUT; else by the harness (for reference) */
    bool judged;            /* counted towards the verdict: an IUT message on a
                             * scenario's positive path */
    long size;              /* bytes of the EDHOC message */
    long prefix;            /* bytes before it in the CoAP payload / datagram
                             * (RFC 9528 Appendix A.2: 0xf5, C_R), 0 if none */
    long budget;            /* bytes the EDHOC message may take, -1 = none */
    long minimum;           /* smallest size possible for the run's options, -1 unknown */
    char profile[16];       /* budget profile: rfc9528, lorawan-sf12, 6tisch, none */
} sc_size_entry;
/*
 * Amplification (RFC 9528 §9.7): what the IUT Responder sent back to the
 * first message_1 of a job in which the harness is the Initiator, against
 * what that message_1 cost. All zero (measured false) when the job sent no
 * message_1 or got no answer; byte counts of -1 are unknown.
 *   request_bytes           the EDHOC message_1 as sent (no 0xf5 prefix)
 *   reply_bytes             the EDHOC payload of the answer (message_2, an
 *                           error message; 0 for a CoAP error without one)
 *   request_datagram_bytes  the whole UDP payload carrying message_1: the
 *                           CoAP message (header, token, options, payload),
 *                           or over raw UDP the prefixed message
 *   reply_datagram_bytes    likewise for the answer (-1: e.g. a Block2 body)
 * An IUT that first answers 4.01 with an Echo option (RFC 9175 §2.4 item 3)
 * has the reply "coap 4.01 echo" and unknown reply sizes: the CoAP stack
 * consumed that answer and repeated the request with the option (§2.3).
 * Factors are reply / request (report_amplification_milli).
 */
typedef struct sc_amplification {
    bool measured;
    char reply[16];         /* "message_2", "error", "coap 4.01", ... */
    long request_bytes, reply_bytes;
    long request_datagram_bytes, reply_datagram_bytes;
} sc_amplification;

/* reply / request rounded to three decimals, in thousandths (so that both
 * writers print the same digits); -1 when either is unknown or request is 0. */
long report_amplification_milli(long reply, long request);

/* Where a job's time went (runner.c), in milliseconds; all 0 where not
 * measured (a job not run, explore's, the matrix's pairs). */
typedef struct sc_job_timing {
    double setup_ms; /* the job process: its files, the executor (credentials, sockets) */
    double spawn_ms; /* starting the IUT process */
    double ready_ms; /* the IUT's readiness (its start-up), 0 for a client IUT */
    double steps_ms; /* the scenario's steps (a client IUT's start-up included) */
    double stop_ms;  /* the IUT's own end, and stopping it */
    double files_ms; /* the job's capture and transcript written */
    double job_ms;   /* the job as the run saw it, from its fork to its result */
} sc_job_timing;

typedef struct sc_result {
    char id[128];           /* scenario id */
    char title[512];
    char area[64];          /* classname: first path segments, e.g. "rfc9528.6.3" */
    char role[16];          /* harness role: "initiator" / "responder" */
    char level[8];          /* MUST / SHOULD / INFO */
    char requirements[1024]; /* "R-6.3-b, R-6.3-c, ...": every ID of the scenario */
    verdict v;
    char message[4096];     /* verdict text (whole, never cut): step, message, field, offset, expected vs
                             * actual, requirement and RFC section */
    char kf_reason[32];     /* known failure: unsupported / known-bug / spec-ambiguity */
    char kf_note[256];
    double seconds;
    /* properties */
    int method, suite;
    char profile[64];       /* the IUT's profile the job ran in (m3-s2-kid), or "" */
    char transport[16];
    unsigned long seed;
    long sizes[5];          /* bytes of message_1..4 seen, -1 if none: sizes[0..3]
                             * (message_1 in sizes[0]); sizes[4] is not reported */
    sc_size_entry size_entries[REPORT_MAX_SIZES]; /* messages seen, in order */
    size_t n_size_entries;
    sc_amplification amplification;
    bool no_scenario;       /* the scenario file did not load (or its variant could not
                             * be made): id is the file's path; never a known failure */
    char *transcript;       /* annotated transcript (system-out), owned, may be NULL */
    char transcript_path[512], iut_stdout_path[512], iut_stderr_path[512];
    char file[512];         /* the scenario file, "" if unknown (JUnit file=) */
    int line;               /* its line the verdict comes from: the failing step's, else
                             * the first step's; 0 if unknown (JUnit line=) */
    char pcap_path[512];    /* the job's wire capture (runner/capture.h), "" if none */
    /* A file of the job that could not be written whole (the transcript, the
     * pcap, the IUT's captured output; a full disk, say): "cannot write PATH:
     * reason", the first one; "" if none. The run then exits as a set-up
     * error. */
    char unwritten[600];
    sc_job_timing timing;
    /* The fingerprint as a report gave it (report_result_from_json): the
     * message read back from JSON has lost its invalid UTF-8, so it is not
     * computed again. "" (normally): computed from the message. */
    char fingerprint[24];
} sc_result;

typedef struct run_report {
    char peer[64], peer_version[64];
    unsigned long seed;
    char started[32];       /* ISO 8601 UTC */
    bool interrupted;
    bool strict;            /* --strict: a fail below MUST level (and non-strict) fails the
                             * run; without it such a fail is a finding, not a JUnit
                             * <failure> (report_fails_run) */
    sc_result *results;     /* owned */
    size_t n, cap;
    /* run's phases, in seconds (0: not measured): the sanity conversations
     * (with the suite's jobs run in their place), the rest of the suite,
     * and writing the JUnit report (written before the JSON) */
    double sanity_s, suite_s, junit_s;
} run_report;

/*
 * The fingerprint of a failure (issue 15 item 5): "s<STEP>-<8 hex digits>",
 * STEP the step its verdict text names ("step 3 ..."; 0 when none), the
 * digits the FNV-1a hash of that text without its requirement list, with
 * every run of digits and hex digits that holds a digit read as one "N"
 * and every path (a token starting with '/') as one "P", and without an
 * engine finding's values ("; expected HEX, received HEX", "; received
 * HEX": the bytes differ from run to run, the failure does not), so that ports,
 * timings, sizes and temporary paths do not change it, while another step,
 * message, field or reason does. Into out (cap >= 16); returns out.
 */
const char *report_fingerprint(const sc_result *s, char *out, size_t cap);

/* What `run` appends to a failure that a known failure of its id and role
 * lists under another fingerprint; report_fingerprint reads the text only up
 * to it, so that a baseline written from such a run matches the next. */
#define REPORT_OTHER_REASON "; a known failure of this id and role, but for another reason"

/* Does this result fail the run (and so show as a JUnit <failure> or <error>)?
 * fail at MUST level (any level with strict), non-strict with strict, error,
 * xpass. A fail below MUST level without strict is a finding: reported, not
 * failing. */
bool report_fails_run(const sc_result *s, bool strict);

void run_report_init(run_report *r);
/* Append a copy (the transcript string is moved: res->transcript = NULL).
 * Returns 0, or -1 (out of memory; res, transcript included, is untouched). */
int run_report_add(run_report *r, sc_result *res);
void run_report_free(run_report *r);
/* Counts per verdict. */
void run_report_counts(const run_report *r, size_t counts[V_COUNT_]);

/* JUnit XML: one <testsuite> per (peer, IUT role), one <testcase> per
 * scenario (classname = "iut-ROLE." area, name = id: unique over the whole
 * report), <properties>, <failure>, <error>, <skipped>, <system-out>.
 * What fails the run (report_fails_run) is a <failure> / <error>; a fail
 * below MUST level without strict is a `finding` property and system-out
 * line. Returns 0 or -1.
 *
 * The format (validated by tests/junit.xsd):
 *   <testsuites name tests failures errors skipped time>  (totals)
 *     <testsuite name="PEER/iut-initiator|iut-responder" tests failures errors
 *                skipped time timestamp hostname>   one per IUT role, in order
 *                            of first appearance; its testcases in input order
 *       <properties> peer, version, harness_version, seed, role (the
 *                    harness's), iut_role, started, interrupted
 *       <testcase name=ID classname=iut-ROLE.AREA time=SECONDS file=SCENARIO
 *                 line=N>    line: the step the verdict names, else the first
 *         <properties>  per-testcase properties live HERE, as a child of
 *                       <testcase> (Jenkins reads them; other readers ignore
 *                       them): title, verdict, level, requirements, method,
 *                       suite, transport, seed, m1..m4 (only sizes >= 0),
 *                       size.FROM.message_N per size entry (FROM = iut or
 *                       harness; a repeated name gets .2, .3, ...), value
 *                       "S bytes; budget B bytes (PROFILE); minimum M bytes"
 *                       plus "; after a P-byte prefix" when P > 0, "; judged" when
 *                       judged, "; over budget" when S > B (B, M: "none" /
 *                       "unknown" when -1),
 *                       amplification_reply, amplification_request_bytes,
 *                       amplification_reply_bytes, amplification_factor and the
 *                       same three for datagrams (amplification_request_datagram_bytes,
 *                       ..._reply_datagram_bytes, ..._datagram_factor); only when
 *                       measured, numbers only when known, factors as "3.027",
 *                       known_failure_reason/_note, transcript_path, pcap_path,
 *                       iut_stdout_path, iut_stderr_path (when set),
 *                       nonstrict (the message, for V_NONSTRICT)
 *         then at most one of:
 *           fail    -> <failure type="fail" message=MESSAGE>
 *           xpass   -> <failure type="xpass" message="xpass: ...">
 *           error   -> <error type="error" message=MESSAGE> (also an
 *                      out-of-range verdict)
 *           skipped -> <skipped message=MESSAGE>
 *           xfail   -> <skipped message="xfail: REASON: NOTE">
 *           pass, nonstrict -> nothing
 *         <system-out>  "nonstrict: MESSAGE" line (V_NONSTRICT), then the
 *                       transcript, capped at REPORT_JUNIT_MAX_OUT bytes
 *   Totals: failures = fail + xpass, errors = error, skipped = skipped + xfail.
 *   Text is made valid XML 1.0: invalid UTF-8 bytes become U+FFFD, other
 *   characters XML cannot carry (control characters but tab, LF, CR;
 *   U+FFFE, U+FFFF) become the text "\xNN" per byte. Empty id / area /
 *   role are written as "unnamed" / "unclassified" / "unspecified". */
#define REPORT_JUNIT_MAX_OUT ((size_t)4 << 20)
int report_write_junit(const run_report *r, const char *path);
/* JSON with the same content (JSON_PRESERVE_ORDER | JSON_INDENT(2)):
 *   {"peer","version","seed","started","interrupted","strict",
 *    "summary": {"pass": N, ... every verdict, in enum order},
 *    "results": [{"id","title","area","role","level","requirements",
 *                 "verdict","message","fingerprint" (report_fingerprint, or
 *                 null for pass and skipped),"known_failure": {"reason","note"} or
 *                 null (null when kf_reason is empty),"seconds","method",
 *                 "suite","transport","seed","sizes": [m1, m2, m3, m4] (-1 =
 *                 none),"budgets": [{"message": "message_N","size","budget",
 *                 "minimum" (both null when -1),"profile","from": "iut"|"harness",
 *                 "prefix","judged"}] (one per size entry, in order),
 *                 none),"amplification": null (not measured) or {"reply",
 *                 "request_bytes","reply_bytes","factor","request_datagram_bytes",
 *                 "reply_datagram_bytes","datagram_factor"} (unknown numbers
 *                 null, factors reals with three decimals),
 *                 "file","line" (the scenario file and the step's line, as in
 *                 JUnit; "" and 0 when unknown),
 *                 "transcript_path","pcap_path" ("" when none),
 *                 "iut_stdout_path","iut_stderr_path",
 *                 "transcript" (string or null)}]}
 * Seeds are integers, or decimal strings above the largest JSON integer
 * jansson can hold (LLONG_MAX). Invalid UTF-8 bytes become U+FFFD.
 * Returns 0 or -1. */
int report_write_json(const run_report *r, const char *path);

/* Internal, shared by the writers (report.c). */
/* A copy of s (at most n bytes, stopping at NUL) that is valid UTF-8:
 * invalid bytes become U+FFFD; with xml, characters XML 1.0 forbids become
 * "\xNN" text. At most max_out bytes of output (cut at a character
 * boundary; *truncated set when given). NULL when out of memory. */
char *report_clean_text(const char *s, size_t n, bool xml, size_t max_out, bool *truncated);
/* Write everything (retries short writes and EINTR). 0 or -1. */
int report_write_all(int fd, const void *buf, size_t len);
/* Atomic file write: emit(fd, ctx) writes a temporary file of the process's
 * own (PATH.PID-K.tmp, so two processes writing one path at once do not
 * share it), which is then fsync'd and renamed over path (the directory is
 * fsync'd too). A path that is a
 * symbolic link: the file it names is replaced (created for a dangling
 * link), never the link. A path that exists and is not a regular file
 * (/dev/null, /dev/stdout, a FIFO) is written to in place, nothing
 * replaced; a folder is EISDIR. On any failure the temporary file is
 * removed and -1 returned (errno kept); else 0. */
int report_write_atomic(const char *path, int (*emit)(int fd, void *ctx), void *ctx);

#endif

/*
 * matrix_run.h - `edhoc-harness matrix`: every IUT against the reference
 * harness in both roles, and every ordered pair of IUTs against each other
 * through a relay; DIR/matrix.json and the static page DIR/index.html.
 *
 * For each peer file, in the order given: the scenarios run as `run` runs
 * them (harness/runner/, both IUT roles), with results.json, junit.xml,
 * transcripts and IUT output under DIR/<peer>/. Then, for every ordered
 * pair (A, B) of the peers, A == B included (an implementation against
 * itself), each positive handshake scenario among the scenarios
 * (pair_scenario_ok) is a pair job (pair_job.h): A as Initiator, B as
 * Responder, the harness relaying; up to -j jobs at a time, each in a
 * child process bounded in time. Peer names must differ, and be none of
 * "pairs", "matrix.json", "index.html" (names in DIR) nor start with ".".
 *
 * DIR/matrix.json is the document of report/page.h with kind "matrix",
 * written atomically, and the same document is embedded in DIR/index.html.
 * Its keys:
 *   "format": "edhoc-harness-results-page", "schema": 1, "kind": "matrix",
 *   "peers": [...], "pairs": [...]          (see below)
 *   "started": ISO 8601 UTC, "seed", "timeout_ms",
 *   "budget": the profile of the pairs' sizes (the per-peer runs use each
 *             peer file's own unless --budget is given),
 *   "scenarios": [the scenario paths], "filter": glob or null,
 *   "interrupted": true when SIGINT/SIGTERM/SIGHUP cut the run short,
 *   "exit_code": the command's exit code,
 *   "summary": {"peers": COUNTS, "pairs": COUNTS}
 * peers[]: "name", "version", "file", "capabilities", "roles" (as in
 *   page.h), "dir" ("NAME"), "results_json" ("NAME/results.json"), "junit"
 *   ("NAME/junit.xml"), "exit_code" (of its run: 0, 1, 2),
 *   "summary": {"initiator": COUNTS, "responder": COUNTS, "total": COUNTS}
 *   by the IUT's role, "results": results.json's results with "iut_role"
 *   and their paths relative to DIR.
 * pairs[]: one per ordered pair, in order (A over the peers, then B):
 *   "initiator": A, "responder": B, "summary": COUNTS, "results": [...]:
 *   every key of a results.json result ("role" is "relay", "area"
 *   "interop.pairs", "known_failure" and "amplification" null, "budgets[]
 *   .from" "initiator" or "responder", "iut_*_path" empty), plus
 *   "initiator", "responder", "initiator_command", "responder_command",
 *   "initiator_exit", "responder_exit" (how each ended: "exited with code
 *   N", "killed by signal N", "still running at the end: stopped"),
 *   "initiator_stdout_path", "initiator_stderr_path",
 *   "responder_stdout_path", "responder_stderr_path", "transcript_path"
 *   (relative to DIR; "" when the job did not run), "relay": null or
 *   {"port", "responder_port", "unrecorded"}, and "datagrams": [{"index"
 *   (from 1), "direction": "initiator->responder" | "responder->initiator",
 *   "time_ms" (since the relay started), "bytes", "client", "forwarded",
 *   "hex" (the whole datagram), "coap" (summary, null over raw UDP), "kind"
 *   ("edhoc", "block", "retransmission", "empty", "oscore", "other",
 *   "malformed"), "edhoc": null or {"name" (message_1..4, error, empty,
 *   oscore, repeat, data, ?), "ok", "check" (what was checked or what
 *   failed), "payload_bytes", "prefix_bytes", "message_bytes",
 *   "payload_hex", "diag" (CBOR diagnostic notation of the payload),
 *   "combined"}}] in the order relayed.
 *   A pair job that cannot run has verdict "skipped" and the reason (a
 *   peer without a launchable command for its role, a capability missing,
 *   CoAP over TCP); one the harness could not finish, "error".
 * COUNTS: {"pass", "fail", "skipped", "nonstrict", "error", "xfail",
 *   "xpass"}, numbers of results.
 *
 * A part (--shard K/N, runner/shard.h) runs part K of each peer's jobs and
 * part K of the pair tasks (every ordered pair x pair scenario, balanced
 * by steps; tasks skipped from the start cost nothing); its matrix.json
 * has only its pair results and a "shard" object: {"index", "count",
 * "tasks" (of the whole matrix), "digest" (of the peers and the pair
 * scenarios), "pair_positions": for each pair, the task numbers of its
 * results in the whole matrix}; each peer's results.json is a part of
 * that peer's run. `merge` joins the parts (cli/merge_cmd.c).
 *
 * Exit code: 0 when every peer's run exited 0 and no pair job failed,
 * errored or xpassed; 1 otherwise (or interrupted); 2 usage or set-up
 * errors (a peer file that does not load, two peers with one name, DIR
 * that cannot be made, a scenario path that does not exist).
 */
#ifndef EH_INTEROP_MATRIX_RUN_H
#define EH_INTEROP_MATRIX_RUN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct matrix_opts {
    const char *const *peer_files;
    size_t n_peers;
    const char *const *paths;    /* scenario files or directories */
    size_t n_paths;
    const char *filter;          /* fnmatch glob on scenario ids, or NULL */
    int jobs;
    const char *out_dir;         /* DIR */
    unsigned long seed;
    int timeout_ms;
    const char *harness_path;
    const char *cred_dir;
    const char *budget;          /* NULL: rfc9528 for pairs, the peer files' own for runs */
    bool quiet;
    bool allow_template;         /* run peer files marked template: true */
    int shard_k, shard_n;        /* --shard K/N: part K of every peer's jobs (run --shard,
                                  * with --allow-empty) and of the pair tasks; shard_n 0:
                                  * the whole matrix */
    const json_t *shard_times;   /* --shard-times: an earlier matrix.json (borrowed): each
                                  * peer's jobs and each pair task weighed by its seconds
                                  * there; NULL: by steps */
} matrix_opts;

int matrix_main(const matrix_opts *o);

#endif

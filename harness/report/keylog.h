/*
 * keylog.h - `run --keylog FILE`: the derived values of the harness's
 * sessions (PRKs, TH_x, K_3/IV_3, PRK_out, PRK_exporter, the OSCORE master
 * secret and salt), for testing only. Without it no secret is printed:
 * the executor adds the "derived values of the harness's session:" block
 * to a transcript only when key logging is on (sc_exec_opts.keylog).
 *
 * The file has one line per value, "SCENARIO-ID HARNESS-ROLE NAME HEX",
 * in the order of the run's results, taken from their transcripts; it is
 * written atomically (report_write_atomic) with mode 0600. A transcript
 * holds one block per session of the harness (a new G_X starts one), and a
 * session that went on after the scenario's steps has its block again,
 * complete (exec_ending.c); every block is written, in order, so that the
 * last values of a G_X are the last lines with it. A session's
 * values start with its "g_x" line (G_X names the session on the wire: the
 * EDHOC dissector, wireshark/README.md, finds its keys by it); values have
 * any length (KEYSTREAM_2) and may be empty (an empty OSCORE Sender ID).
 */
#ifndef EH_REPORT_KEYLOG_H
#define EH_REPORT_KEYLOG_H

#include "report.h"

/* The header line of the block in a transcript. */
#define KEYLOG_BLOCK "derived values of the harness's session:"

/* The last block in a transcript (at its header line), or NULL. */
const char *keylog_last_block(const char *transcript);

/* Number of lines written, or -1 (errno set). */
long report_write_keylog(const run_report *r, const char *path);

#endif

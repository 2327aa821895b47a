/*
 * diff.h - what changed between two runs: two JSON reports of `run`
 * (report/json.c) compared job by job, a job being (scenario id, IUT role).
 *
 * A job is failing when its verdict is fail, error or xpass (what fails a
 * run, whatever --strict said), else passing (pass, non-strict, xfail) or
 * not run (skipped, or absent from the report). Categories, from OLD to NEW:
 *   - new failure: failing in NEW, and passing or not run in OLD;
 *   - changed reason: failing in both, with another fingerprint
 *     (report_fingerprint: another step, message, field or reason);
 *   - fixed: failing in OLD, passing in NEW;
 *   - no longer run: passing or failing in OLD, not run in NEW;
 *   - newly run: not run in OLD, passing in NEW.
 * The first two made things worse.
 */
#ifndef EH_REPORT_DIFF_H
#define EH_REPORT_DIFF_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

enum { DIFF_NEW_FAILURE, DIFF_CHANGED, DIFF_FIXED, DIFF_NOT_RUN, DIFF_NEWLY_RUN, DIFF_KINDS };

/* Compare the results arrays of two reports into a JSON object: "old",
 * "new" (harness version, peer, version, started of each), one array per
 * category ("new_failures", "changed_reasons", "fixed", "no_longer_run",
 * "newly_run") of {"id", "iut_role", "old", "new"} where old/new are
 * {"verdict", "message"} or null, and "counts". NULL after printing why
 * (not a report of `run`). Caller json_decref()s. */
json_t *report_diff(const json_t *old_doc, const json_t *new_doc, const char **why);

/* Did anything get worse (a new failure or a changed reason)? */
bool report_diff_worse(const json_t *diff);

/* The diff as text (one line per job, the first line of each message) and
 * as a static HTML page (no script; works from file://). 0, or -1 on a
 * write error. */
int report_diff_print(const json_t *diff, FILE *out);
int report_diff_write_html(const json_t *diff, const char *path);

#endif

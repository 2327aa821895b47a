/*
 * baseline.h - `run --write-baseline FILE`: a run's failures as the
 * `known_failures:` list of a peer file (peers/README.md), so that a
 * project can adopt the suite with its IUT's current state and gate CI on
 * regressions only (docs/ci/README.md).
 *
 * One entry per result with verdict fail, error or xfail, except results
 * whose scenario file did not load (no_scenario: they are not scenario
 * ids), in run order, each (id, role) once:
 *   - id: "SCENARIO-ID"            the exact id, never a glob
 *     role: initiator|responder    the IUT's role (the harness played the other)
 *     fingerprint: "s3-1a2b3c4d"   report_fingerprint(): the entry covers this
 *                                  failure only (another reason is a new one)
 *     reason: known-bug            an xfail keeps its entry's reason and note;
 *     note: "..."                  a new failure says known-bug and, as note,
 *                                  "baseline DATE: VERDICT as IUT ROLE: MESSAGE"
 *                                  (its first line without the "[requirements:
 *                                  ...]" list and without an engine finding's
 *                                  "; expected HEX, received HEX", cut to fit the
 *                                  loader's limit)
 * after a comment block naming the peer, the date and what to review. No
 * failures: `known_failures: []`. Strings are YAML double-quoted, valid
 * UTF-8 (invalid bytes become U+FFFD), with every character libyaml does
 * not accept as printable escaped, so the list always loads.
 * Written atomically (report_write_atomic).
 */
#ifndef EH_REPORT_BASELINE_H
#define EH_REPORT_BASELINE_H

#include "report.h"

/* Does this result go into a baseline? */
bool report_baseline_includes(const sc_result *res);

/* Write the baseline of r to path. Returns the number of entries, or -1
 * (errno set; nothing is left at path that was not there). */
long report_write_baseline(const run_report *r, const char *path);

#endif

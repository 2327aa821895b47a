/*
 * run_html.h - a peer file and a run's results as parts of the results
 * page's document (report/page.h): `run --html FILE`, and the peers of
 * `matrix`.
 */
#ifndef EH_RUNNER_RUN_HTML_H
#define EH_RUNNER_RUN_HTML_H

#include <jansson.h>

#include "../report/report.h"
#include "../scenario/scenario.h"

/* A peer's "info" for page_doc_add_peer: name, version, file, capabilities,
 * roles ({"initiator": "command" | "address" | "none", "responder": ...}).
 * NULL when out of memory. */
json_t *run_peer_info(const peer_file *pf);

/* The page of one run (kind "run": one peer, no pairs; "started", "seed",
 * "budget", "interrupted", "strict" at the top level, and "compare": the
 * report_diff of an earlier run with this one when compare is not NULL;
 * borrowed), written atomically to path. 0, or -1 (nothing written). */
int run_write_html(const char *path, const peer_file *pf, const run_report *rep,
                   const char *budget, json_t *compare);
/* The same with the peer's info given (run_peer_info's form, taken): `merge`
 * has it from the parts' reports, not a peer file. */
int run_write_html_info(const char *path, json_t *info, const run_report *rep,
                        const char *budget, json_t *compare);

#endif

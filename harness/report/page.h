/*
 * page.h - the results document behind the static HTML page, and the page.
 *
 * One document format serves `edhoc-harness matrix` (written as
 * DIR/matrix.json and embedded in DIR/index.html) and `run --html FILE`
 * (embedded in FILE only):
 *
 *   {"format": "edhoc-harness-results-page", "schema": 1,
 *    "kind": "matrix" | "run",
 *    ... the writer's own top-level keys (interop/matrix_run.h lists the matrix's),
 *    "peers": [{
 *        "name", "version", "file", "capabilities": [..],
 *        "roles": {"initiator": R, "responder": R}   R = "command" | "address" | "none"
 *        ... the writer's own keys,
 *        "summary": {"initiator": COUNTS, "responder": COUNTS, "total": COUNTS},
 *        "results": [RESULT + {"iut_role": "initiator" | "responder"}]}],
 *    "pairs": [{
 *        "initiator": NAME, "responder": NAME, "summary": COUNTS,
 *        "results": [PAIR RESULT]}],
 *    "summary": {"peers": COUNTS, "pairs": COUNTS},
 *    "strict": true | false   (run only; absent: false)
 *    "compare": DIFF}         (run --compare only: report_diff, report/diff.h)
 *
 * COUNTS is {"pass": N, "fail": N, "skipped": N, "nonstrict": N, "error": N,
 * "xfail": N, "xpass": N} (every verdict, in this order). RESULT is an
 * element of results.json's "results" (report.h), whose "fingerprint" groups
 * the failures on the page (absent in older documents: the page then groups
 * by verdict and first line); "iut_role" is the IUT's
 * role (the harness took the other one); its summary role is the same.
 * PAIR RESULT is described in interop/matrix_run.h. Every path in the document
 * (transcript_path, iut_*_path, ...) is relative to the directory of the
 * file the document is written to (matrix.json / the page), so the page's
 * links work from file://.
 *
 * The page (harness/report/page.html, compiled in) is plain HTML, CSS and
 * one inline script with no network access; the document is embedded in
 * <script type="application/json" id="data"> with every "<" and ">"
 * written as \u003c / \u003e (valid JSON, and no "</script>" or "<!--" can
 * appear), so a browser shows it from file:// without fetch().
 */
#ifndef EH_REPORT_PAGE_H
#define EH_REPORT_PAGE_H

#include <jansson.h>

/* A new document of this kind with empty "peers" and "pairs". */
json_t *page_doc_new(const char *kind);

/* Add a peer: info (taken) holds its name, version, file, capabilities,
 * roles and any other keys; results_doc (borrowed) is a results.json
 * document (report_json_doc or its file loaded). Its results are copied
 * with "iut_role" added and every path made relative to base_dir (paths
 * are read as the process sees them: relative to the working directory or
 * absolute). 0 or -1. */
int page_doc_add_peer(json_t *doc, json_t *info, json_t *results_doc, const char *base_dir);

/* Add a pair with its results (taken; their paths already relative). */
int page_doc_add_pair(json_t *doc, const char *initiator, const char *responder,
                      json_t *results);

/* The document's "summary" (call once, after the last peer and pair). */
int page_doc_finish(json_t *doc);

/* Counts per verdict of a "results" array. */
json_t *page_counts(json_t *results, const char *iut_role);

/* The page with doc embedded, written atomically to path. 0 or -1. */
int page_write_html(json_t *doc, const char *path);

/* path relative to dir, both as the process sees them (relative to the
 * working directory, or absolute): "a/b.txt" for dir "x" and path
 * "x/a/b.txt", "../y/c.txt" for dir "x" and path "y/c.txt". The existing
 * part of each is resolved (symbolic links, ".."). "" for "". 0, or -1
 * when it does not fit cap. */
int page_relative_path(const char *dir, const char *path, char *out, size_t cap);

#endif

/*
 * report_json.h - the JSON report's pieces as jansson values, for the
 * documents built on top of it (the interop matrix, the HTML page). The
 * format is the one report.h describes for report_write_json.
 */
#ifndef EH_REPORT_JSON_H
#define EH_REPORT_JSON_H

#include <jansson.h>

#include "report.h"

/* One element of "results"; NULL when out of memory. Caller owns it. */
json_t *report_result_json(const sc_result *s);
/* The whole document of report_write_json; NULL when out of memory. */
json_t *report_json_doc(const run_report *r);
/* Write any document as report_write_json does (indented, in key order,
 * a final newline, atomically). 0 or -1. doc is not taken. */
int report_write_json_doc(json_t *doc, const char *path);

#endif

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
/*
 * One element of "results" read back (json_read.c): every field the writer
 * wrote, transcript included (owned by *s: free it, or hand it to
 * run_report_add). 0, or -1 with err naming the key that has the wrong
 * shape (*s then holds no allocation). Keys left out keep their zero value
 * (sizes -1).
 */
int report_result_from_json(const json_t *o, sc_result *s, char *err, size_t cap);

/* Write any document as report_write_json does (indented, in key order,
 * a final newline, atomically). 0 or -1. doc is not taken. */
int report_write_json_doc(json_t *doc, const char *path);

#endif

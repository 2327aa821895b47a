/* pair_internal.h - shared by pair_job.c (running and judging a pair) and
 * pair_report.c (its transcript and JSON result); not a public API. */
#ifndef EH_INTEROP_PAIR_INTERNAL_H
#define EH_INTEROP_PAIR_INTERNAL_H

#include "pair_job.h"
#include "pair_judge.h"
#include "pair_wire.h"
#include "relay.h"

#define PAIR_PATH 1024

/* Everything one pair job knows when it is over. Paths are relative to
 * the run's DIR (as they go into matrix.json). */
typedef struct pair_run {
    const pair_job_opts *o;
    sc_result res;               /* id, verdict, message, sizes, ... */
    char cmd_i[SC_MAX_CMD], cmd_r[SC_MAX_CMD];
    char exit_i[160], exit_r[160];
    char out_i[PAIR_PATH], err_i[PAIR_PATH], out_r[PAIR_PATH], err_r[PAIR_PATH];
    int relay_port, responder_port;
    const relay_datagram *d;     /* what the relay recorded (NULL: it never ran) */
    size_t n_d, unrecorded;
    const pw_result *w;          /* NULL when the relay never ran */
    const pj_report *j;
} pair_run;

/* The pair's directory relative to DIR ("pairs/A__B") and a scenario's
 * file stem inside it ("interop_m3-s2-kid"). */
void pair_dir(const pair_job_opts *o, char *out, size_t cap);
void pair_stem(const scenario *sc, char *out, size_t cap);

/* The annotated transcript (malloc'd, NULL when out of memory). */
char *pair_transcript(const pair_run *p);
/* The JSON result: the keys of a results.json result, then the pair's own
 * (interop/matrix_run.h). NULL when out of memory. */
json_t *pair_result_json(const pair_run *p);

#endif

/*
 * explore.h - `edhoc-harness explore`: every input sequence up to a depth
 * over a state model's alphabet (model.h), run against an IUT with the
 * scenario executor, judged against the model, deviations shrunk to
 * minimal sequences and written as scenario files. How it works:
 * harness/explore/README.md.
 */
#ifndef EH_EXPLORE_H
#define EH_EXPLORE_H

#include <stdbool.h>

#define EXPLORE_MAX_DEPTH 8

typedef struct explore_opts {
    const char *peer_file;
    const char *role;            /* the IUT's role: "responder" | "initiator" */
    int depth;                   /* inputs per sequence */
    const char *symbols;         /* comma-separated alphabet, or NULL: all */
    unsigned long seed;
    int jobs;
    const char *out_dir;
    const char *write_scenarios; /* directory for the minimal deviating sequences, or NULL */
    const char *junit, *json;    /* NULL: DIR/junit.xml, DIR/results.json */
    const char *html;            /* the results page (report/page.h), or NULL */
    const char *transport;       /* "coap" | "udp", or NULL: the IUT's (CoAP if it claims
                                  * coap, else raw UDP if it claims udp) */
    const char *flow;            /* "forward" | "reverse" (RFC 9528 Appendix A.2.2), or
                                  * NULL: forward when the peer file has it, else reverse */
    const char *suites;          /* {suites} for the IUT, comma-separated, or NULL */
    bool message_4;
    const char *profile;         /* a profile label of the peer file, or NULL */
    bool all_profiles;           /* one exploration per configuration: every profile of
                                  * the flow, with and without message_4 where it has
                                  * it, over each transport (explore_all.c) */
    int parallel_configs;        /* with all_profiles: configurations explored at once */
    bool no_message_4;           /* (explore_all.c) the profile's message_4 left unused */
    const char *config_label;    /* (explore_all.c) the results' `profile`, or NULL: the
                                  * profile's label */
    const char *budget;          /* size budget (scenario/budget.h), or NULL: none */
    bool fresh;                  /* a fresh IUT Responder for every sequence */
    bool until_found;            /* stop after the first level with a finding */
    int timeout_ms;
    const char *cred_dir;
    const char *harness_path;    /* this binary, for {harness} */
    const char *model_file;      /* NULL: the built-in model of the role */
    bool allow_template;         /* run a peer file marked template: true */
} explore_opts;

/* Returns the exit code (RUN_EXIT_*, as run's): 0 no MUST-level deviation
 * and no error, 1 a MUST-level deviation, 2 usage or input error (message
 * printed), 3 set-up error or no verdict, 4 nothing exercised. With
 * all_profiles, the worst over the configurations, reports merged. */
int explore_main(const explore_opts *o);

#endif

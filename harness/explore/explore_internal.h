/* explore_internal.h - shared by explore*.c; not a public API. */
#ifndef EH_EXPLORE_INTERNAL_H
#define EH_EXPLORE_INTERNAL_H

#include <stdbool.h>
#include <signal.h>
#include <stddef.h>

#include "../report/report.h"
#include "../scenario/budget.h"
#include "../scenario/scenario.h"
#include "explore.h"
#include "model.h"

/* What the harness holds (the `needs` of inputs, model.h), followed along a
 * sequence from the outputs observed or assumed. */
enum { XL_NONE = 0, XL_EDHOC, XL_OSCORE };                /* the last request */
/* the pending request of an IUT that is the CoAP client (an Initiator in the forward
 * flow, a Responder in the reverse one), or the message an IUT Initiator sent last */
enum { XP_NONE = 0, XP_M1, XP_M1_OK, XP_M3, XP_M2 };

typedef struct xknow {
    bool first, c_r, m3_sent, oscore_ok, oscore_sent;
    bool m3_valid;             /* the harness's session is that of its valid message_3 */
    bool osc_restarted;        /* a combined request sent again restarted its OSCORE context */
    bool bad_m3_taken;         /* the IUT accepted a message_3 the harness built faulty (a
                                * lenient IUT): its OSCORE context is not the harness's */
    int last, pending;
} xknow;

/* What an input does, read from its first scenario step. */
enum { XI_NONE = 0, XI_START, XI_ANSWER, XI_M1, XI_M3, XI_M3_BAD, XI_M3_COMBINED, XI_OSCORE,
       XI_OSCORE_REPLAY, XI_OSCORE_EARLY, XI_DUP, XI_OTHER };

/* An input sequence; out[j] is the output observed at position j (-1: not
 * known yet), state[j] the model state before position j. */
typedef struct xseq {
    int in[EXPLORE_MAX_DEPTH];
    int out[EXPLORE_MAX_DEPTH];
    int state[EXPLORE_MAX_DEPTH + 1];
    xknow know[EXPLORE_MAX_DEPTH + 1];
    size_t n;
} xseq;

/* One outcome of a compiled expect step, as the model sees it. */
typedef struct xoutc {
    int out;                   /* model output */
    int to;                    /* next state; -1: inconclusive (another path) */
    bool non_strict;
} xoutc;

typedef struct xcompiled {
    char *yaml;                /* the scenario file (malloc'd) */
    char id[SC_MAX_ID];
    size_t expect_step[EXPLORE_MAX_DEPTH]; /* scenario step index of each position's expect */
    size_t n;                  /* positions (inputs) compiled */
    xoutc outc[EXPLORE_MAX_DEPTH][SC_MAX_OUTCOMES];
    size_t n_outc[EXPLORE_MAX_DEPTH];
} xcompiled;

/* The run of one compiled sequence, from a worker. */
typedef struct xrec {
    size_t idx;
    int v;                     /* verdict */
    double seconds;
    char message[4096];        /* the verdict text, whole */
    int outcome[SC_MAX_STEPS]; /* matched outcome per scenario step, -1 none */
    bool seen[SC_MAX_STEPS];
    char kind[SC_MAX_STEPS][16];
    char transcript[512];      /* path of the transcript written (non-pass), or "" */
} xrec;

typedef struct xctx {
    const explore_opts *o;
    xm_model *m;
    peer_file *pf;
    unsigned profile;          /* XM_IF_* */
    bool udp;
    bool reverse;              /* the reverse message flow (RFC 9528 Appendix A.2.2) */
    bool oscore;               /* the IUT runs OSCORE */
    bool rfc9668;              /* the IUT takes the combined request */
    int alphabet[XM_MAX_INPUTS];
    size_t n_alpha;
    int kind[XM_MAX_INPUTS];   /* XI_* per model input */
    int suites[8];
    size_t n_suites;
    bool suites_paired;        /* suites are [prof.other_suite, prof.suite]: written as
                                * run's `suites: [other, profile]`, SUITES_R as
                                * `[profile]`, so the scenario runs in any IUT's pair */
    int preferred;             /* a suite the IUT supports besides the session's */
    bool has_preferred;        /* (need other_suite; $PREFERRED) */
    bool kid;                  /* the credentials are identified by kid (need kid) */
    bool has_prof;             /* --profile: every sequence runs in prof */
    sc_profile prof;
    bool cred_files;
    sc_budget budget;
    char role_harness[16];     /* the scenario `role:` (the harness's) */
} xctx;

/* explore_compile.c */
void xk_init(xknow *k);
bool xk_equal(const xknow *a, const xknow *b);
/* Can the harness give input `in` holding k (and the transport allows it)? */
bool xk_allows(const xctx *c, const xknow *k, int in);
/* k after input `in` answered with output `out`. */
void xk_update(const xctx *c, xknow *k, int in, int out);
int xin_kind(const char *first_step, unsigned needs);
/* The name of a sequence: inputs joined by '.', '_' as '-' (ids allow no '_'). */
void xseq_name(const xctx *c, const xseq *s, char *out, size_t cap);
void xseq_text(const xctx *c, const xseq *s, char *out, size_t cap);
/* Compile seq into a scenario (every acceptable outcome of every state the
 * IUT may be in, labelled with branches; an outcome after which the harness
 * would hold other material than on the path observed (seq->out) or assumed
 * (the first acceptable one) is `inconclusive`). 0, or -1 when an input
 * cannot be given on that path (not applicable). header_comment may be NULL. */
int xcompile(const xctx *c, const xseq *seq, const char *header_comment, xcompiled *out);
void xcompiled_free(xcompiled *x);

/* explore.c: one exploration as explore_main without all_profiles does it,
 * reports written in o->out_dir; a set-up error's text also goes to why
 * (may be NULL). Returns the exit code. explore_stop is not reset. */
int explore_one(const explore_opts *o, char *why, size_t why_cap);
/* Over raw UDP? --transport when given (0; -1 with why filled when pf
 * claims transports but not that one), else the IUT's: CoAP when pf claims
 * `coap` or no transport, else raw UDP when it claims `udp`. */
int explore_transport_udp(const explore_opts *o, const peer_file *pf, bool *udp, char *why,
                          size_t cap);
/* explore_all.c: explore --all-profiles. */
int explore_all_profiles(const explore_opts *o);

/* Set by explore_main's SIGINT/SIGTERM/SIGHUP handler: the batch running stops its
 * workers (each stops its IUT first), no further level or shrinking runs,
 * and the reports are written marked interrupted. */
extern volatile sig_atomic_t explore_stop;

/* explore_run.c: run compiled sequences with o->jobs workers; recs[i] for
 * comp[i]. fresh: an IUT per sequence. 0, or -1 (fork failed). Sequences
 * not run (explore_stop, a worker stopped at its deadline) are errors. */
int xrun_batch(const xctx *c, xcompiled *comp, size_t n, bool fresh, xrec *recs);

#endif

/*
 * model.h - the reference state models of `edhoc-harness explore`: an EDHOC
 * session with the IUT as Responder (model_responder.yaml) or as Initiator
 * (model_initiator.yaml), as data. Format and rules: harness/explore/README.md.
 *
 * A model is a Mealy machine with a set of acceptable outputs: for each
 * (state, input) either `na` (the harness cannot give that input there) or
 * a list of alternatives {output, next state, grade, condition}. Loading
 * checks that it is complete (every state x input defined exactly once),
 * deterministic (under every profile an output appears at most once per
 * transition, so the next state follows from what was observed), that
 * every alternative's state and output exist, that no transition accepts
 * nothing under some profile, and that every state is reachable.
 *
 * The YAML texts are compiled in (build/<dir>/model_*.inc); a model file can
 * also be loaded from disk (explore --model FILE).
 */
#ifndef EH_EXPLORE_MODEL_H
#define EH_EXPLORE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../scenario/scenario.h"

#define XM_MAX_STATES 16
#define XM_MAX_INPUTS 32
#define XM_MAX_OUTPUTS 16
#define XM_MAX_ALTS 8
#define XM_MAX_REQS 8
#define XM_MAX_STEPS 4
#define XM_NAME 32
#define XM_TEXT 256
#define XM_STEP 512

/* Profile conditions of an alternative (`if:`). */
enum {
    XM_IF_M4 = 1u << 0,        /* message_4 is used */
    XM_IF_NO_M4 = 1u << 1,
    XM_IF_OSCORE = 1u << 2,    /* the IUT runs OSCORE after the handshake */
    XM_IF_NO_OSCORE = 1u << 3
};

/* What the harness must hold before it can give an input (`needs:`). */
enum {
    XM_NEED_C_R = 1u << 0,          /* a verified message_2 of its latest session */
    XM_NEED_M3_SENT = 1u << 1,      /* a message_3 of that session sent */
    XM_NEED_OSCORE_OK = 1u << 2,    /* an OSCORE context for that session */
    XM_NEED_OSCORE_SENT = 1u << 3,  /* an OSCORE request sent with it */
    XM_NEED_LAST_EDHOC = 1u << 4,   /* the previous request was an EDHOC message */
    XM_NEED_UDP = 1u << 5,          /* raw UDP transport */
    XM_NEED_FIRST = 1u << 6,        /* nothing happened yet */
    XM_NEED_PENDING = 1u << 7,      /* an EDHOC request of the IUT waits for an answer */
    XM_NEED_PENDING_M1 = 1u << 8,   /* ... a message_1 */
    XM_NEED_PENDING_M1_OK = 1u << 9, /* ... a message_1 the harness's engine accepted */
    XM_NEED_PENDING_M3 = 1u << 10,  /* ... a message_3 */
    XM_NEED_RFC9668 = 1u << 11,     /* the IUT supports the RFC 9668 combined request */
    XM_NEED_M4 = 1u << 12,          /* the run's profile uses message_4 */
    XM_NEED_NO_M3 = 1u << 13,       /* no message_3 of the latest session sent yet */
    XM_NEED_OSCORE = 1u << 14,      /* the IUT runs OSCORE (its peer file's capability) */
    XM_NEED_PENDING_M2 = 1u << 15,  /* the IUT Responder's message_2 (a POST in the reverse
                                     * flow) waits for an answer */
    XM_NEED_NO_M4 = 1u << 16,       /* the run's profile does not use message_4 */
    XM_NEED_OTHER_SUITE = 1u << 17, /* the IUT supports a suite besides the session's
                                     * ($PREFERRED of the input's steps and outcomes) */
    XM_NEED_KID = 1u << 18          /* the credentials are identified by kid (compact
                                     * encodings of ID_CRED, RFC 9528 §3.5.3.2) */
};

typedef struct xm_alt {
    int out;                   /* index into outputs */
    int to;                    /* next state; XM_SAME: the state it leaves */
    bool non_strict;
    unsigned cond;             /* XM_IF_* all of which must hold (0: always) */
} xm_alt;

#define XM_SAME (-2)

typedef struct xm_trans {
    bool defined;
    bool na;
    char na_why[XM_TEXT];
    xm_alt alts[XM_MAX_ALTS];
    size_t n_alts;
    char rule[SC_MAX_NAME];    /* the first outcome rule its accept list names, or "" */
    sc_level level;
    char rfc[XM_TEXT];
    char reqs[XM_MAX_REQS][SC_MAX_NAME];
    size_t n_reqs;
    int line;                  /* in the model file */
} xm_trans;

typedef struct xm_input {
    char name[XM_NAME];
    char text[XM_TEXT];
    unsigned needs;            /* XM_NEED_* */
    char steps[XM_MAX_STEPS][XM_STEP]; /* scenario steps, YAML flow text */
    size_t n_steps;
    /* `scenario: {id, state}`: the suite's scenario that sends this input in
     * that state and judges the answer by the same outcome rule ("" none) */
    char scenario[SC_MAX_NAME];
    int scenario_state;
} xm_input;

typedef struct xm_output {
    char name[XM_NAME];
    char text[XM_TEXT];
    char outcome[XM_STEP];     /* the body of a scenario outcome map, e.g. "message: message_2" */
} xm_output;

typedef struct xm_model {
    char file[SC_MAX_PATH];
    sc_role iut_role;          /* SC_HARNESS_INITIATOR: the IUT is the Responder */
    bool reverse;              /* `flow: reverse`: RFC 9528 Appendix A.2.2 (default forward) */
    char role[XM_NAME];        /* "responder" | "initiator": the IUT's role */
    char title[XM_TEXT];
    char state[XM_MAX_STATES][XM_NAME];
    char state_text[XM_MAX_STATES][XM_TEXT];
    bool settled[XM_MAX_STATES]; /* `settled:` the session is over there: sequences that reach
                                  * such a state from the same prefix are equivalent */
    size_t n_states;
    xm_input in[XM_MAX_INPUTS];
    size_t n_in;
    xm_output out[XM_MAX_OUTPUTS];
    size_t n_out;
    int initial;
    xm_trans t[XM_MAX_STATES][XM_MAX_INPUTS];
} xm_model;

/* Load and check a model from text (name for messages) or a file; 0, or -1
 * with err ("FILE:LINE: message"). */
int xm_load_mem(xm_model *m, const char *name, const char *text, size_t len, char *err,
                size_t cap);
int xm_load_file(xm_model *m, const char *path, char *err, size_t cap);
/* The compiled-in model of the IUT's role ("responder" / "initiator") in the
 * forward message flow, or with reverse in the reverse one (RFC 9528
 * Appendix A.2.2: model_ROLE_reverse.yaml). */
int xm_load_builtin(xm_model *m, const char *iut_role, bool reverse, char *err, size_t cap);
/* The compiled-in model text of a role and flow, or NULL. */
const char *xm_builtin_text(const char *iut_role, bool reverse);

int xm_state_index(const xm_model *m, const char *name);
int xm_input_index(const xm_model *m, const char *name);
int xm_output_index(const xm_model *m, const char *name);

/* The profile a run satisfies: XM_IF_* bits that hold (one of each pair). */
unsigned xm_profile(bool message_4, bool oscore);
/* Is alternative a active under profile? */
bool xm_alt_active(const xm_alt *a, unsigned profile);
/* Next state of alternative a taken from state s. */
int xm_alt_to(const xm_alt *a, int s);
/* The active alternative of (s, in) with output out, or NULL. */
const xm_alt *xm_find(const xm_model *m, int s, int in, int out, unsigned profile);

/* Graphviz dot text of the model: states as nodes, one edge per
 * (state, next state) with the inputs / outputs taking it; non-strict
 * alternatives dashed. The profile selects the conditional edges (0: all,
 * labelled with their condition). */
void xm_write_dot(const xm_model *m, unsigned profile, FILE *f);

#endif

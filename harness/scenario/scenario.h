/*
 * scenario.h - the data model of scenario files (scenarios/<dir>/<name>.yaml) and
 * peer files (peers/<name>.yaml), and their loaders (libyaml). The syntax is
 * documented with worked examples in scenarios/README.md and peers/README.md.
 *
 * Loaders allocate nothing the caller must free beyond the struct itself:
 * every string and byte field is a fixed-size array, sized by the
 * SC_MAX_* constants; input that does not fit is an error, never truncated.
 * Errors are reported as one line "FILE:LINE: message" into err (cap bytes).
 */
#ifndef EH_SCENARIO_H
#define EH_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SC_MAX_ID 128
#define SC_MAX_TEXT 512
#define SC_MAX_NAME 64
#define SC_MAX_LIST 32
#define SC_MAX_STEPS 32
#define SC_MAX_MUTATIONS 8
#define SC_MAX_OUTCOMES 16
#define SC_MAX_STEP_EAD 64   /* bytes of a send step's own EAD */
#define SC_MAX_BRANCH 8     /* labels of an outcome's `in:` */
#define SC_MAX_LABEL 32
#define SC_MAX_FIELD_CHECKS 8
#define SC_MAX_BYTES 4096
#define SC_MAX_PATH 512
#define SC_MAX_CMD 2048

typedef enum sc_level { SC_MUST = 0, SC_SHOULD, SC_INFO } sc_level;

/* The harness's role; the IUT takes the other. BOTH: run twice. */
typedef enum sc_role { SC_HARNESS_INITIATOR = 1, SC_HARNESS_RESPONDER = 2, SC_BOTH = 3 } sc_role;

/* CoAP over UDP (RFC 9528 Appendix A.2), raw UDP, CoAP over TCP (RFC 8323) */
typedef enum sc_transport { SC_COAP = 0, SC_UDP, SC_COAP_TCP } sc_transport;

typedef struct sc_bytes {
    uint8_t b[SC_MAX_BYTES];
    size_t n;
} sc_bytes;

/* The smaller byte strings of a step (a field's expected encoding, a
 * prefix, an option value, ERR_INFO): a step is repeated SC_MAX_STEPS times
 * in every loaded scenario, and a run holds one scenario per file. */
#define SC_MAX_SHORT_BYTES 1024
typedef struct sc_short_bytes {
    uint8_t b[SC_MAX_SHORT_BYTES];
    size_t n;
} sc_short_bytes;

/* ---------------------------------------------------------------- steps */

typedef enum sc_step_kind {
    SC_STEP_SEND, SC_STEP_EXPECT, SC_STEP_WAIT, SC_STEP_OSCORE, SC_STEP_FLOOD
} sc_step_kind;

#define SC_FLOOD_MAX_COUNT 4096    /* message_1 of one flood step */
#define SC_FLOOD_MAX_MS 60000      /* time bound of one flood step */
#define SC_FLOOD_DEFAULT_MS 5000

/*
 * Mutations of a message the engine built, applied in order (YAML key in
 * parentheses):
 *  REPLACE  (replace: {field: NAME, hex: ...})  the CBOR item of a top-level
 *           field (message_1: METHOD SUITES_I G_X C_I EAD_1; message_2/3/4:
 *           the bstr) replaced by the given encoded bytes
 *  FLIP     (flip: {offset: N, bit: B})  offset from the start, negative
 *           from the end; bit 0 = least significant
 *  TRUNCATE (truncate: N)  keep N bytes (negative: drop -N from the end)
 *  APPEND   (append: HEX)  bytes appended after the message
 *  NONDET   (nondeterministic: {field: NAME, width: 1|2|4|8})  the field's
 *           CBOR head re-encoded with a longer argument
 *  RAW      (raw: HEX)  the whole message replaced
 *  OVERWRITE (overwrite: {offset: N, hex: ...})  bytes from offset N (negative:
 *           from the end) overwritten in place, e.g. G_Y inside message_2
 *  INSERT   (insert: {offset: N, hex: ...} or {field: NAME, hex: ...})  bytes
 *           inserted before offset N (negative: from the end; the length:
 *           after the last byte) or before the field's CBOR item, e.g. an
 *           array head before message_1 or before SUITES_I
 */
typedef enum sc_mutation_kind {
    SC_MUT_REPLACE, SC_MUT_FLIP, SC_MUT_TRUNCATE, SC_MUT_APPEND, SC_MUT_NONDET, SC_MUT_RAW,
    SC_MUT_OVERWRITE, SC_MUT_INSERT
} sc_mutation_kind;

typedef struct sc_mutation {
    sc_mutation_kind kind;
    char field[SC_MAX_NAME];
    long offset;  /* FLIP, OVERWRITE, INSERT (no field): byte offset; TRUNCATE: length */
    int bit;      /* FLIP */
    int width;    /* NONDET */
    /* REPLACE, APPEND, RAW, OVERWRITE, INSERT: bytes_n bytes at bytes_off in the
     * step's mut_bytes (sc_mutation_bytes) */
    size_t bytes_off, bytes_n;
    bool plaintext; /* `plaintext:` of a message_2 / message_3 send: applied to
                     * PLAINTEXT_2 / PLAINTEXT_3 before encryption (fields
                     * C_R ID_CRED_R Signature_or_MAC_2 EAD_2 / ID_CRED_I
                     * Signature_or_MAC_3 EAD_3), not to the message */
} sc_mutation;

/* `suites_include: [profile]`: the suite the job selects (the profile's,
 * scenario/profile.h), outside the range of suite values a file can write. */
#define SC_SUITE_OF_PROFILE (-1000000)
/* `other` in a list of suites (`suites: [other, profile]`, a field's or an
 * ERR_CODE 2's list of suites, suites_include): a second suite of the IUT
 * beside the profile's, in the same METHOD, kind of credential and flow
 * (sc_profile.other_suite). */
#define SC_SUITE_OTHER (-1000001)

/*
 * One acceptable outcome of an expect step:
 *  MESSAGE  (message: message_2)   that message arrived and the harness's
 *           engine accepted it (MACs, signatures, AEAD all verify)
 *  ERROR    (error: {code: 2, info: tstr|true|suites, suites_include: [..]};
 *           in suites_include, `profile` is the job's selected suite)
 *           an EDHOC error message; code -1 = any code
 *  COAP     (coap: "4.00")         a CoAP response with this code (any
 *           payload), e.g. an error without EDHOC payload
 *  SILENCE  (silence)              nothing within the step's timeout
 *  CLOSE    (close)                the transport was closed / reset
 *  SAME     (same)                 after `send: repeat`: byte for byte the
 *           answer the IUT gave to the first copy (RFC 9528 §7)
 * `grade: non-strict` marks an outcome the RFC allows but that deviates
 * from a SHOULD: the scenario then ends non-strict instead of pass.
 *
 * Branches (`state:` / `in:`, written by `explore` from its state model):
 * where the RFC allows several outcomes that lead to different states, a
 * matching outcome with `state: LABEL` sets the scenario's branch, and an
 * outcome with `in: [LABEL, ...]` is acceptable only while the branch is one
 * of those (an outcome without `in` in any branch; the branch starts empty).
 */
typedef enum sc_outcome_kind {
    SC_OUT_MESSAGE, SC_OUT_ERROR, SC_OUT_COAP, SC_OUT_SILENCE, SC_OUT_CLOSE, SC_OUT_SAME
} sc_outcome_kind;

typedef struct sc_outcome {
    sc_outcome_kind kind;
    char message[SC_MAX_NAME]; /* MESSAGE: message_1 .. message_4, oscore */
    int err_code;              /* ERROR: -1 = any */
    char err_info[SC_MAX_NAME]; /* ERROR: "", "tstr", "true", "suites" */
    int suites_include[SC_MAX_LIST]; /* ERROR code 2: SUITES_R must contain these
                                      * (SC_SUITE_OF_PROFILE: the job's selected suite) */
    size_t n_suites_include;
    int coap_code;             /* COAP: class << 5 | detail; 0 = any 4.xx/5.xx */
    bool non_strict;
    bool inconclusive;         /* `grade: inconclusive`: allowed, but the steps that
                                * follow were written for another path: the scenario
                                * ends there, skipped */
    bool end;                  /* `end: true` (an error, coap, silence or close outcome,
                                * harness Initiator): allowed, and the scenario ends
                                * there with its verdict (say, non-strict: an IUT that
                                * rejects what RFC 9528 lets it reject) */
    /* MESSAGE message_1 (`suite:`): SC_SUITE_ANY, or SUPPORTED (the harness's
     * engine accepts it: a suite the harness supports, correctly listed) or
     * UNSUPPORTED (well-formed, rejected only for its selected suite) */
    int suite;
    char in[SC_MAX_BRANCH][SC_MAX_LABEL]; /* branches where it applies (n_in 0: any) */
    size_t n_in;
    char state[SC_MAX_LABEL];  /* the branch it leads to, or "" (unchanged) */
} sc_outcome;

enum { SC_SUITE_ANY = 0, SC_SUITE_SUPPORTED, SC_SUITE_UNSUPPORTED };

/* Checks on the message an expect step received (all optional). */
typedef struct sc_field_check {
    char field[SC_MAX_NAME]; /* e.g. "C_R", "ID_CRED_R", "SUITES_I", "METHOD" */
    sc_short_bytes equals;   /* expected encoded item */
    int suites[SC_MAX_LIST]; /* written as a list of suites (n_suites > 0, entries may be
                              * SC_SUITE_OF_PROFILE / SC_SUITE_OTHER): equals is its
                              * encoding as SUITES_I (one suite: an int), made again
                              * for the job's suites (sc_suites_resolve) */
    size_t n_suites;
} sc_field_check;

typedef struct sc_checks {
    long max_size;           /* bytes of the EDHOC message; -1 = no budget */
    bool deterministic;      /* every item in deterministic CBOR (RFC 8949 §4.2.1) */
    bool equals_vector;      /* equal to the scenario vector's message */
    sc_field_check fields[SC_MAX_FIELD_CHECKS];
    size_t n_fields;
    /* ead_labels: the EAD labels (absolute values) the message may carry,
     * those the harness knows to be registered (RFC 9528 §3.8, §10.5); any
     * other grades the scenario non-strict (a later specification may
     * have registered it). */
    int ead_labels[SC_MAX_LIST];
    size_t n_ead_labels;
    bool has_ead_labels;
    bool amplification;      /* the answer to a message_1: state its amplification
                              * factor (RFC 9528 §9.7) in the verdict text */
} sc_checks;

typedef struct sc_step {
    sc_step_kind kind;
    int line;                         /* in the scenario file, for reports */
    /* SEND: message_1 .. message_4, error, raw; repeat (harness Initiator:
     * the bytes of the previous send again, as a new request); none
     * (harness Responder: leave the request unanswered); plus engine
     * options */
    char message[SC_MAX_NAME];
    /* SEND message_3 with `combined:` (RFC 9668): message_3 inside the
     * first OSCORE request to `resource`; the EDHOC option carries
     * edhoc_option (normally empty); no_oscore_option drops the OSCORE
     * option (a malformed combined request, RFC 9668 §3.3.1). */
    bool combined;
    bool with_c_r;                    /* SEND raw: prefixed with the IUT's C_R */
    sc_short_bytes prefix;            /* SEND (harness Initiator): this Appendix A.2
                                       * prefix instead of 0xf5 / C_R */
    bool has_prefix;
    bool again;                       /* SEND message_3 (harness Initiator): built again
                                       * from the session as it was before the previous
                                       * send of it, without that send's faults/mutations */
    sc_short_bytes edhoc_option;
    bool no_oscore_option;
    sc_mutation mutations[SC_MAX_MUTATIONS];
    size_t n_mutations;
    uint8_t mut_bytes[SC_MAX_BYTES];  /* the bytes of all its mutations, in order */
    size_t mut_bytes_used;
    char faults[SC_MAX_LIST][SC_MAX_NAME]; /* engine deviations (see --fault) */
    size_t n_faults;
    uint8_t ead[SC_MAX_STEP_EAD];     /* SEND message_N: EAD_N of this message only (the
                                       * encoded items), instead of the scenario's ead N */
    size_t ead_len;
    bool has_ead;
    int err_code;                     /* SEND error: ERR_CODE */
    sc_short_bytes err_info;          /* SEND error: encoded ERR_INFO */
    int err_suites[SC_MAX_LIST];      /* SEND error, `info: [profile]`: SUITES_R as a list
                                       * (as sc_field_check.suites; err_info its encoding) */
    size_t n_err_suites;
    /* EXPECT */
    sc_outcome outcomes[SC_MAX_OUTCOMES];
    size_t n_outcomes;
    char rule[SC_MAX_NAME];           /* expect: {rule: NAME}: the outcome rule, or "" */
    int rule_level;                   /* its level (sc_level) */
    sc_checks checks;
    int timeout_ms;                   /* EXPECT/OSCORE: 0 = run default */
    int wait_ms;                      /* WAIT */
    char resource[SC_MAX_NAME];       /* OSCORE, combined: path, default /hello */
    bool replay;                      /* OSCORE (harness Initiator): the previous OSCORE
                                       * request again, byte for byte (same Partial IV) */
    bool early;                       /* OSCORE (harness Initiator): between message_2 and
                                       * message_3, protected with the context the session's
                                       * message_3 will give (built, not sent): the IUT has
                                       * no context for it yet */
    /* FLOOD (harness Initiator only): flood_count message_1, each from a fresh
     * session (fresh ephemeral key), none completed; with flood_distinct_c_i
     * each with its own C_I, else all with the scenario's C_I. Bounded by
     * flood_ms in all. */
    int flood_count;
    bool flood_distinct_c_i;
    int flood_ms;
} sc_step;

/* The bytes of mutation m of step st (m->bytes_n of them). */
static inline const uint8_t *sc_mutation_bytes(const sc_step *st, const sc_mutation *m)
{
    return st->mut_bytes + m->bytes_off;
}

/* ------------------------------------------------------------- scenario */

/* `matrix:` (matrix.h): the lists one file expands over, each in the
 * file's order without repeats; n_methods == 0: no matrix. */
typedef struct sc_matrix {
    int methods[4];
    size_t n_methods;
    int suites[SC_MAX_LIST];          /* registered suites only */
    size_t n_suites;
    char cred_ids[4][SC_MAX_NAME];    /* kid, kccs, x5t, x5chain */
    size_t n_cred_ids;
} sc_matrix;

/* ------------------------------------------------------------- profiles */

/* Appendix A.2 framing (0xf5 || message_1, C_R || message_3) or bare EDHOC
 * messages (correlated by the peer's address, as some stacks do). */
typedef enum sc_framing { SC_FRAMING_RFC9528 = 0, SC_FRAMING_BARE } sc_framing;
/* Appendix A.2.1 (forward: the Initiator is the CoAP client) or A.2.2
 * (reverse: the Initiator is the CoAP server). */
typedef enum sc_flow { SC_FLOW_FORWARD = 0, SC_FLOW_REVERSE } sc_flow;

/*
 * One combination an IUT supports (peers/README.md, "Profiles"): the
 * METHOD, the cipher suite, the kind of ID_CRED, the credentials of each
 * side, the framing, and whether it uses message_4, OSCORE and EDHOC error
 * messages. A scenario that does not pin a METHOD, suite or credentials
 * runs its handshake in a profile of the IUT (profile.h).
 */
typedef struct sc_profile {
    int method;                       /* 0..3 */
    int suite;                        /* a registered cipher suite */
    char cred_id[SC_MAX_NAME];        /* kid, kccs, x5t, x5chain */
    char cred_i[SC_MAX_NAME], cred_r[SC_MAX_NAME]; /* the Initiator's and the Responder's
                                       * credential names (vectors/creds); "" = the
                                       * defaults of profile.h */
    sc_framing framing;
    sc_flow flow;
    sc_transport transport;           /* the IUT's transport for a scenario that names
                                       * none: CoAP if it claims `coap`, else raw UDP
                                       * (`udp`), else `coap-tcp` (sc_profiles_transport) */
    bool message_4, oscore, error_messages;
    bool has_other_suite;             /* other_suite: the lowest other suite of the peer
                                       * file's profiles with this METHOD, kind of
                                       * credential and flow (sc_profiles_pair_suites) */
    int other_suite;
    char label_extra[24];             /* what tells it from another profile of the peer
                                       * file with the same label ("+m4", "+oscore",
                                       * "+noerr", "#2"; sc_profiles_label_apart) */
} sc_profile;

/* What a scenario file fixes itself (sc->pins); the rest comes from the
 * job's profile. */
enum {
    SC_PIN_METHOD = 1u << 0,   /* `method:` */
    SC_PIN_SUITE = 1u << 1,    /* `suites:` (the selected suite is the last, or one of
                                * `suites: {one_of: [..]}`) */
    SC_PIN_CRED_ID = 1u << 2,  /* `credentials: {id: ...}` */
    SC_PIN_CREDS = 1u << 3,    /* credential names (own, peer, iut_peer, id_cred): the
                                * METHOD, suite and kind as written, too */
    SC_PIN_ALL = 0xf
};

/* `iut:` what a scenario asks the IUT to do, through placeholders of the
 * peer file's command (peers/README.md): {c_i} / {c_r} the connection
 * identifier it uses (hex), {ead_1}..{ead_4} an EAD item it sends
 * (LABEL or LABEL:HEX). A job whose command lacks an asked placeholder is
 * skipped, naming it. */
enum { SC_ASK_C_I, SC_ASK_C_R, SC_ASK_EAD_1, SC_ASK_EAD_2, SC_ASK_EAD_3, SC_ASK_EAD_4,
       SC_ASK_COUNT_ };
extern const char *const sc_ask_names[SC_ASK_COUNT_ + 1]; /* "c_i", ..., NULL */
#define SC_MAX_ASK 128

typedef struct scenario {
    char file[SC_MAX_PATH];
    char id[SC_MAX_ID];               /* stable, e.g. rfc9528/6.3/selected-suite-unsupported */
    char title[SC_MAX_TEXT];
    char requirements[SC_MAX_LIST][SC_MAX_NAME]; /* IDs of the requirement catalogue */
    size_t n_requirements;
    sc_level level;
    sc_role role;                     /* harness role(s) */
    sc_transport transport;           /* `transport:`; without it the profile's */
    bool pins_transport;              /* `transport:` given: about that transport */
    int method;
    unsigned method_set;              /* `method: [1, 3]`: bit M for each METHOD the
                                       * scenario can run in (the profile's, if one; method
                                       * is the first); 0: just method */
    int suites[SC_MAX_LIST];          /* harness Initiator: offered, in order;
                                       * harness Responder: supported */
    size_t n_suites;
    bool suites_other;                /* `suites: [other, profile]`: the IUT's two suites of
                                       * one METHOD and kind, the profile's selected (not a
                                       * pin; suites holds [6, 2] until a profile applies) */
    unsigned long suite_set;          /* `suites: {one_of: [2, 3, 5]}`: bit S for each suite
                                       * the scenario can run in, offered alone (the
                                       * profile's, if one; suites[0] is the first); 0: the
                                       * suites as listed */
    char cred[SC_MAX_NAME], peer_cred[SC_MAX_NAME], cred_id[SC_MAX_NAME];
    unsigned cred_id_set;             /* `credentials: {id: [kid, x5t]}`: bit k for each
                                       * kind (kid, kccs, x5t, x5chain) the scenario can run
                                       * in (the profile's, if one; cred_id is the first);
                                       * 0: just cred_id */
    char iut_peer_cred[SC_MAX_NAME];  /* what the IUT is told the harness's credential is
                                       * ({peer_cred}); "" = the harness's own. Lets a
                                       * scenario present a credential the IUT does not
                                       * know (single-role scenarios only) */
    bool iut_peer_other;              /* `iut_peer: other`: iut_peer_cred is the generated
                                       * third identity with the harness's key type
                                       * (sc_other_cred_name), named anew for each profile;
                                       * pins nothing */
    sc_bytes own_id_cred;             /* credentials.id_cred: the ID_CRED map the harness
                                       * sends and authenticates for its own credential
                                       * (e.g. kid with other parameters); single-role */
    sc_bytes id_cred_extra;           /* credentials.id_cred_extra: one more map entry
                                       * (key and value, encoded) in the ID_CRED the harness
                                       * sends for its own credential, whatever its kind
                                       * (e.g. a kid context); single-role, pins nothing */
    bool id_cred_of_iut_peer;         /* `id_cred: iut_peer`: the harness sends the ID_CRED
                                       * of iut_peer_cred (which the IUT knows) and
                                       * authenticates with its own key and CRED */
    char vector[SC_MAX_PATH];         /* deterministic run, or "" */
    sc_bytes ead[5];                  /* EAD_1..4 the harness sends */
    sc_bytes c_i, c_r;                /* harness's identifier, if set */
    bool has_conn_id;
    bool message_4;
    char needs[SC_MAX_LIST][SC_MAX_NAME]; /* IUT capabilities required */
    size_t n_needs;
    sc_matrix matrix;                 /* expand with sc_variant() (matrix.h) */
    unsigned pins;                    /* SC_PIN_*: what the file fixes (a `vector:` or a
                                       * matrix variant: everything) */
    sc_framing framing;               /* from the job's profile (profile.h) */
    bool pins_framing;                /* `framing: rfc9528`: about Appendix A.2 itself, so
                                       * the profile's framing does not apply */
    sc_flow flow;                     /* from the job's profile (profile.h) */
    char iut_ask[SC_ASK_COUNT_][SC_MAX_ASK]; /* `iut:`, "" = not asked */
    char profile[SC_MAX_NAME];        /* the label of the profile applied, or "" */
    size_t n_steps;
    sc_step steps[SC_MAX_STEPS];      /* last: a compact copy (sc_scenario_compact) holds
                                       * only the n_steps it uses */
} scenario;

/* Bytes of sc up to and including its n_steps steps: what a copy must take
 * (a compact scenario has no more). */
static inline size_t sc_scenario_size(const scenario *sc)
{
    return offsetof(scenario, steps) + sc->n_steps * sizeof(sc_step);
}

/* A malloc'd copy of sc of sc_scenario_size(sc) bytes (a step is about 28
 * kB, a full scenario about 1 MB: a run keeps one per file, and every job
 * process is forked from it), or NULL. Read it only up to n_steps; copy it
 * with sc_scenario_size, never sizeof(scenario). */
scenario *sc_scenario_compact(const scenario *sc);

/* Outcome rules (harness/scenario/outcome_rules.yaml, compiled in): the
 * answers RFC 9528 allows to a kind of input, named once and shared by
 * scenarios (`expect: {rule: NAME}`) and explore's models (`accept:
 * [{rule: NAME, to: STATE}]`). */
typedef struct sc_rule {
    char name[SC_MAX_NAME];
    char rfc[256];
    sc_level level;
    sc_outcome alt[SC_MAX_OUTCOMES]; /* as an expect step's any_of; no in/state */
    size_t n;
} sc_rule;

/* Rule `name` into r; 0, or -1 with err (an unknown name, or a problem of
 * the table as "FILE:LINE: message"). */
int sc_rule_get(const char *name, sc_rule *r, char *err, size_t cap);
/* The names of the table's rules, in order (at most max); how many. */
size_t sc_rule_names(char names[][SC_MAX_NAME], size_t max);
/* The table's text (NUL-terminated, static). */
const char *sc_rules_text(void);
/* One outcome written as in an expect step's any_of item without braces
 * (e.g. "error: {code: 1, info: tstr}", "silence: null") into o; 0 or -1. */
int sc_outcome_parse(const char *text, sc_outcome *o, char *err, size_t cap);
/* a and b recognise the same answers (kind, message, ERR_CODE, ERR_INFO,
 * SUITES_R inclusions, CoAP code, suite); grade, in and state not compared. */
bool sc_outcome_same(const sc_outcome *a, const sc_outcome *b);

/* Load one scenario file; 0 or -1 with err filled. A file with a
 * `matrix:` loads as the template of its variants (matrix.h). */
int scenario_load(const char *path, scenario *sc, char *err, size_t cap);
/* The same from memory: text[0..len) is the file's content (need not be
 * NUL-terminated; NULL only with len 0; not kept after the call; at most
 * 1 MiB, as a file), `name` stands for its path in sc->file and in error
 * messages (shorter than SC_MAX_PATH, else -1). 0 or -1 with err filled. */
int scenario_load_mem(const char *name, const char *text, size_t len, scenario *sc, char *err,
                      size_t cap);

/* ---------------------------------------------------------------- peers */

typedef enum kf_reason { KF_UNSUPPORTED, KF_KNOWN_BUG, KF_SPEC_AMBIGUITY } kf_reason;

typedef struct known_failure {
    char pattern[SC_MAX_ID];          /* scenario id or glob (fnmatch) */
    sc_role harness_roles;            /* the jobs it covers, by the HARNESS's role: the
                                       * file's `role: responder` (the IUT's) is
                                       * SC_HARNESS_INITIATOR; no role: SC_BOTH */
    kf_reason reason;
    char note[SC_MAX_TEXT];
    char fingerprint[32];             /* `fingerprint:` (report_fingerprint): the entry
                                       * covers only a failure with this fingerprint; ""
                                       * = any failure of the id and role */
} known_failure;

/* Entries a peer file's known_failures: may hold (a baseline of a whole
 * run fits: one per scenario id and role). */
#define SC_MAX_KNOWN 1024

#define SC_MAX_PROFILES 160 /* 4 METHODs x 9 suites x 4 kinds = 144 */

typedef struct peer_role_spec {
    bool present;
    /* Launch command template (run by /bin/sh -c) with placeholders
     * {host} {port} {creds_dir} {method} {suite} {suites} {vector} {harness}
     * {cred} {peer_cred}; or a fixed address of an already-running IUT. */
    char command[SC_MAX_CMD];
    char fixed_host[SC_MAX_NAME];
    int fixed_port;                   /* 0 = launched */
    char ready_line[SC_MAX_TEXT];     /* substring on stdout that means ready, or "" */
    bool ready_probe;                 /* probe the port instead */
    int ready_timeout_ms;
    bool per_run;                     /* start once per run instead of per scenario */
} peer_role_spec;

typedef struct peer_file {
    char file[SC_MAX_PATH];
    char name[SC_MAX_NAME], version[SC_MAX_NAME];
    bool is_template;                 /* a template: commands need local paths */
    peer_role_spec initiator, responder; /* the IUT in that role */
    char capabilities[64][SC_MAX_NAME]; /* e.g. method-3, suite-2, cred-kid, ead, message-4,
                                         * rfc9668, coap, udp, error-messages, vectors */
    size_t n_capabilities;
    known_failure known[SC_MAX_KNOWN];
    size_t n_known;
    char budget[SC_MAX_NAME];         /* `budget:` size budget profile (budget.h), or "" */
    char edhoc_path[SC_MAX_NAME];     /* `edhoc_path:` the IUT's EDHOC resource when it is
                                       * the CoAP server (RFC 9528 Appendix A.2: an
                                       * application may define its own), "/..."; ""
                                       * = /.well-known/edhoc */
    int not_implemented_exit;         /* `not_implemented_exit:` the IUT's exit code for
                                       * "scenario not implemented" (default 77) */
    /* `profiles:`, or the cross product of the capabilities' method-*, suite-*
     * and cred-* (profile.h); never empty after loading */
    sc_profile profiles[SC_MAX_PROFILES];
    size_t n_profiles;
    bool explicit_profiles;           /* the file has `profiles:` */
} peer_file;

/* Every capability a peer file may claim and a scenario may need
 * (peers/README.md, "Capabilities"), NULL-terminated; a name outside it is
 * a load error that suggests the closest. */
extern const char *const sc_capability_names[];

int peer_file_load(const char *path, peer_file *pf, char *err, size_t cap);
/* s[0..n) starts with '{' (not "{{"): the length of the command placeholder there,
 * {name}, or {name?TEXT} / {name!TEXT} up to the brace that closes it
 * (TEXT may hold placeholders, and "{{" "}}" outside them); 0 if none. */
size_t peer_placeholder_end(const char *s, size_t n);
/* The same from memory, with the contract of scenario_load_mem. */
int peer_file_load_mem(const char *name, const char *text, size_t len, peer_file *pf, char *err,
                       size_t cap);
/* cap is in `capabilities:`, or (method-N, suite-N, cred-KIND, message-4,
 * oscore, error-messages) holds for one of the profiles. */
bool peer_has_capability(const peer_file *pf, const char *cap);
/* The role's `timeout` (ms to become ready; for an Initiator, also the bound
 * of the wait for its first request): 5000 when unset (a spec built in
 * code, not loaded). */
int peer_ready_timeout_ms(const peer_role_spec *spec);

#endif

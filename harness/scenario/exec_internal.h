/* exec_internal.h - shared by the executor's files; not a public API. */
#ifndef EH_SCENARIO_EXEC_INTERNAL_H
#define EH_SCENARIO_EXEC_INTERNAL_H

#include "../peer/credfile.h"
#include "../peer/peer.h"
#include "../transport/udp.h"
#include "../vectors/vector_setup.h"
#include "exec.h"

#define XT_MAX (1u << 20) /* transcript bound */

/* What arrived: the answer to our request (harness Initiator) or the IUT's
 * request (harness Responder), classified. */
typedef struct received {
    tr_status st;                 /* TR_OK, TR_TIMEOUT (silence), TR_RESET (close) */
    int code;                     /* CoAP code, 0 for raw UDP */
    int cf;                       /* Content-Format, -1 if none */
    uint8_t payload[TR_MAX_BODY + 512];
    size_t len;
    tr_option opts[TR_MAX_OPTIONS];
    size_t n_opts;
    uint8_t optval[512];          /* option values of opts */
    const char *kind;             /* message_1..message_4, error, accepted, oscore, other */
    const uint8_t *msg;           /* the EDHOC message inside payload (after a prefix) */
    size_t msg_len;
    bool bare;                    /* a request without the Appendix A.2 prefix */
    bool foreign_prefix;          /* prefixed with an identifier that is not our C_R */
    bool engine_ok;               /* the harness engine accepted the message */
    bool gave_up;                 /* TR_TIMEOUT: the wait ended early, the IUT process
                                   * having ended (x_iut_gone), not at its deadline */
    bool unverified;              /* a well-formed message_2 the harness cannot verify:
                                   * it answers a message_1 whose keys the harness
                                   * lacks (x->m1_unverifiable) */
    bool suite_only;              /* message_1 rejected only for its cipher suite: well-formed */
    char engine_why[1024];         /* else why not */
    int64_t err_code;             /* kind == error */
    uint8_t err_info[256];
    size_t err_info_len;
    bool err_info_ok;             /* ERR_INFO could be parsed */
    bool new_message_same_c_r;    /* after `send: repeat`: a different message_2 that
                                   * keeps the first one's C_R (RFC 9528 §7) */
    char detail[600];             /* what the transport knows beyond st: what it
                                   * dropped or why it could not take the answer */
    bool silence_only;            /* silence, and nothing else was possible: in the reverse
                                   * flow the IUT Responder could not read C_I in the
                                   * message_1 it got, so it could not address an error
                                   * message (RFC 9528 Appendix A.2.2); not non-strict */
} received;

struct sc_exec {
    sc_exec_opts o;
    const scenario *sc;
    scenario *mirror;             /* role: both, run as Responder: mirrored steps */
    bool reverse;                 /* the reverse message flow (exec_reverse.c) */
    bool triggered;               /* reverse, harness Responder: the empty POST went */
    bool silence_rejects_m3, silence_accepts_m3; /* reverse (sc_exec_ending) */
    int silence_m3_line, silence_grade;
    bool c_i_unreadable;          /* reverse, harness Initiator: the message_1 sent has no
                                   * C_I where RFC 9528 §5.2.1 puts it */
    vector_setup *vs;             /* `vector:` deterministic mode, else NULL */
    int timeout;
    credfile own, peer;
    credfile iut_peer;        /* `id_cred: iut_peer`: the credential whose ID_CRED is sent */
    const sc_step *building;  /* the send step whose message the engine builds (plaintext mutations) */
    uint8_t id_cred_extended[2400]; /* `id_cred_extra`: own ID_CRED with the entry added */
    size_t id_cred_extended_len;
    eh_cred peer_creds[1];
    eh_config cfg;
    eh_session s;
    eh_oscore_ctx oscore;
    eh_oscore_material oscore_m;
    bool oscore_ready;
    uint8_t rng_key[32];          /* the job's random stream (exec.c) */
    uint64_t rng_counter;
    /* transport */
    tr_coap_client *client;
    tr_coap_server *server;
    tr_udp udp;                   /* harness Responder over UDP */
    bool udp_open;
    void *udp_replay;             /* a peer_udp_replay: IUT retransmissions */
    void *udp_client;             /* harness Initiator over UDP: a peer_udp_client */
    int port;
    /* verdict */
    verdict v;
    char message[3400];           /* the verdict text: never cut (issue 15) */
    int verdict_line;             /* the scenario line of the step the verdict names, 0 */
    size_t step;
    long sizes[5];
    sc_size_entry entries[REPORT_MAX_SIZES]; /* sizes and budgets (exec_budget.c) */
    size_t n_entries;
    char *text;
    size_t text_len, text_cap;
    /* the last thing received, and (harness Initiator) what we last sent */
    received rx;
    char last_sent[SC_MAX_NAME];
    /* harness Initiator: the last request carried a message_1 (built, or
     * a raw payload after 0xf5), so the answer may be a message_2; if the
     * session could not follow that message_1 as sent, why (exec_wire.c),
     * and the suite it selects (NULL: unknown) */
    bool sent_m1;
    char m1_unverifiable[200];
    const eh_suite *m1_suite;
    bool m2_unverified;           /* such a message_2 was taken as well-formed */
    /* harness Initiator, for `send: repeat`: the last request's payload,
     * the answer to it, and the session as it was right after sending */
    uint8_t last_payload[TR_MAX_BODY + 32];
    size_t last_payload_len;
    int last_cf;
    uint8_t prev_answer[TR_MAX_BODY + 512];
    size_t prev_answer_len;
    int prev_code;
    bool prev_answer_set;
    bool repeating;
    bool listening;               /* classifying what the IUT sent unasked */
    bool combined_in_flight;      /* the RFC 9668 request is awaiting its answer */
    bool answer_twice;            /* harness Responder: `send: repeat` after a send */
    peer_oscore_req combined_rq;
    eh_session snap;
    eh_session before_m3;         /* the session before message_3 was last built */
    bool before_m3_set;
    /* harness Responder: the C_R picked when the IUT's C_I equals the
     * configured one (exec_wire.c), and whether message_2 carried C_R yet */
    uint8_t own_c_r[EH_MAX_CONN_ID];
    size_t own_c_r_len;
    bool c_r_sent;
    bool m2_unaltered;            /* the last message_2 went without a mutation or a fault
                                   * but wrong-mac-2: the IUT could read C_R from it
                                   * (x_check_error_prefix) */
    /* harness Responder, for the verdict of the IUT Initiator's exit
     * (sc_exec_ending): the requests it sent, whether the engine accepted
     * its message_3, the harness's last answer (described, "" if none) and
     * the requirement an Initiator that rejects it breaks (NULL when it is
     * no answer of a completed handshake), and, after the last step, the
     * error message with which the IUT rejected that answer ("" if none) */
    size_t n_requests;
    bool m3_accepted;
    char last_answer[160];
    const char *last_answer_req;
    char rejected[400];
    const char *rejected_req;
    /* harness Responder: the answer being built for the current request */
    bool handled;                 /* the handler consumed the awaited request */
    bool draining;                /* sc_exec_drain: serve until the IUT is gone */
    uint8_t answer[TR_MAX_BODY];
    tr_message resp;
    /* ephemeral keys the IUT sent in this scenario (freshness, §9.2) */
    uint8_t seen_keys[8][EH_MAX_COORD_LEN];
    size_t seen_len[8], n_seen_keys;
    /* derived values of the harness's session (x_trace), the latest of each
     * name of x_derived_names, for the transcript and the results page */
    uint8_t derived[24][EH_MAX_HASH_LEN];
    size_t derived_len[24];
    bool derived_set[24];         /* traced (an OSCORE id may be empty) */
    unsigned long derived_changes; /* values stored so far: the drain prints the block
                                   * again when it derived more (exec_ending.c) */
    /* KEYSTREAM_2 of the harness's session: with the keylog, the EDHOC
     * dissector (wireshark/edhoc.lua) decrypts CIPHERTEXT_2 with it */
    uint8_t keystream_2[TR_MAX_BODY];
    size_t keystream_2_len;
    /* PLAINTEXT_2/3 as the engine decrypted them (field checks) */
    uint8_t plaintext[2][TR_MAX_BODY];
    size_t plaintext_len[2];
    /* datagram sizes of the last x_exchange (-1 unknown); whether the IUT
     * first answered it with 4.01 and an Echo option (the CoAP stack then
     * repeated the request with it, RFC 9175 §2.3) */
    long wire_req, wire_resp;
    bool echo_retry;
    /* amplification (RFC 9528 §9.7): of the first message_1 answered (the
     * job's record) and of the last send, if it was a message_1 */
    sc_amplification amp, last_amp;
    /* what a passing scenario reports (amplification, flood), "; "-joined */
    char info[600];
    char refused[400];            /* why the scenario must not run (skipped), or "" */
    bool ended;                   /* an outcome with `end: true` matched: no more steps */
    /* the IUT process (o.iut_state): how it ended ("exited with code 1"), when
     * the harness first saw it gone (0: not yet), when the current step began */
    char iut_end[160], iut_note[200];
    int64_t iut_gone_ms, step_t0;
    size_t iut_gone_step;         /* the step (1-based) during which it was first seen
                                   * gone; 0: not while the steps ran */
    char branch[SC_MAX_LABEL];    /* outcomes' state: / in: (scenario.h) */
    /* harness Initiator: the last OSCORE request, for `oscore: {replay: true}` */
    uint8_t osc_payload[TR_MAX_BODY];
    size_t osc_payload_len;
    tr_option osc_opts[TR_MAX_OPTIONS];
    size_t osc_n_opts;
    uint8_t osc_optval[512];
    char osc_resource[SC_MAX_NAME];
    uint8_t osc_code;
    peer_oscore_req osc_rq;
    bool osc_sent;
};

/* Positive: the harness sends only what its engine builds, and the IUT
 * knows the harness's credential (exec_budget.c). */
bool x_positive_scenario(const scenario *sc);
/* Does one of the step's outcomes have that kind (and, message not NULL,
 * that message: "accepted", "message_2", ...)? Branches aside. (exec_judge.c) */
bool x_step_allows(const sc_step *st, sc_outcome_kind kind, const char *message);
/* Over raw UDP nothing answers a message_3 accepted without message_4
 * (RFC 9528 defines no acknowledgment): after the harness Initiator sent
 * one, silence is that acceptance when the step allows it (exec_roles.c). */
bool x_raw_udp_m3_unanswered(const sc_exec *x);

/* transcript */
void xt_printf(sc_exec *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void xt_bytes(sc_exec *x, const char *arrow, const uint8_t *b, size_t n);
/* Record the verdict (the first failure wins) with the step and the
 * scenario's requirement IDs. */
void x_fail(sc_exec *x, verdict v, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same citing the requirement IDs of `ids` ("R-A.2-b, R-A.2-d") instead
 * of the scenario's: for a failure that comes before what the scenario
 * checks, such as the Appendix A.2 framing of the message it judges. */
void x_fail_cite(sc_exec *x, verdict v, const char *ids, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same without the requirement IDs: for a verdict that is not about an
 * RFC requirement (a size budget the user chose). */
void x_fail_plain(sc_exec *x, verdict v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* eh_trace_fn of the harness session: keeps PLAINTEXT_2/3 for checks and
 * the derived values named in x_derived_names. */
void x_trace(void *arg, const char *name, const uint8_t *val, size_t len);
/* "derived values of the harness's session:" and one "  NAME: HEX" line
 * each, into the transcript (nothing if none was derived). */
void x_derived_transcript(sc_exec *x);
unsigned long x_faults(sc_exec *x, const sc_step *st);
const char *x_step_kind_name(sc_step_kind k);

/* transport (exec_transport.c) */
int x_transport_open(sc_exec *x, char *err, size_t cap);
void x_transport_close(sc_exec *x);
/* harness Initiator: one request; the answer lands in x->rx (st, code, cf,
 * payload). */
void x_exchange(sc_exec *x, const tr_message *req);
/* harness Initiator over UDP: wait at most timeout_ms for a datagram the
 * IUT sends unasked (into x->rx); over CoAP nothing can come unasked, so
 * x->rx is silence at once. */
void x_listen(sc_exec *x, int timeout_ms);
/* Has the IUT process exited (o.iut_state)? false when unknown. The first
 * time it has, how (x->iut_end) and when are kept. */
bool x_iut_gone(sc_exec *x);
/* At the start of a step (as Initiator, not of an expect step that judges
 * the answer to the send before it, whose wait began with that send): note
 * whether the IUT is gone already, and when the step began. */
void x_step_begin(sc_exec *x);
/* For a step that received nothing: "; the IUT exited with code 1 before
 * this step" (or "crashed (...)", "while the harness waited"), or "" while
 * the IUT runs or when that is unknown. */
const char *x_iut_exit_note(sc_exec *x);
/* harness Responder: serve requests for at most timeout_ms or until
 * x->handled is set by the handler. */
void x_serve(sc_exec *x, int timeout_ms);
/* tr_coap_handler of the harness Responder (arg = the executor). */
void x_coap_handler(void *arg, const tr_message *req, const char *peer_addr, tr_message *resp);
/* A request from the IUT (harness Responder): judge it against the awaited
 * step, run the send steps that answer it, fill *resp. */
void x_on_request(sc_exec *x, const tr_message *req, const char *client, tr_message *resp);

/* judging (exec_judge.c) */
/* Build `message` with the engine, apply the step's mutations: 0, or -1
 * after x_fail (scenario error / state). */
int x_build(sc_exec *x, const sc_step *st, uint8_t *out, size_t cap, size_t *len);
/* eh_plaintext_fn of the harness's engine: the `plaintext:` mutations of the
 * send step being built (x->building); none for the engine's natural answers. */
eh_err x_plaintext_hook(void *arg, int n, uint8_t *pt, size_t *len, size_t cap);
/* Has the send step mutations of the message itself / of its PLAINTEXT? */
bool x_mutates_message(const sc_step *st);
bool x_mutates_plaintext(const sc_step *st);
/* A transcript line with the message's fields (message_1, error) or its
 * decrypted PLAINTEXT's (message_2, message_3), each in diagnostic notation. */
void x_fields_line(sc_exec *x, const char *kind, const uint8_t *msg, size_t len);
/* Does x->rx match one of the step's outcomes? Sets the verdict. */
void x_judge(sc_exec *x, const sc_step *st);

/* framing (exec_framing.c) */
/* Harness Responder: x->rx, a message_1 or message_3 without its Appendix
 * A.2 prefix or with another one, fails the step (the bytes received and
 * expected, R-A.2-b/c/d); anything else passes unjudged. */
void x_check_prefix(sc_exec *x);
/* An error message the IUT Initiator sends as a request (forward flow) after
 * a message_2 it could read C_R from (x->m2_unaltered) is prefixed with C_R
 * as message_3 is (Appendix A.2); else a failure naming both. After an
 * altered message_2 the IUT may not know C_R: not judged. */
void x_check_error_prefix(sc_exec *x);
/* Up to 8 bytes at b (n in all) as hex, "..." after them when there is more. */
void x_hex_start(const uint8_t *b, size_t n, char *out, size_t cap);

/* budgets (exec_budget.c) */
/* A message_1..4 (kind; anything else is ignored) of n bytes at msg, sent
 * after prefix bytes, by the IUT or by the harness: kept in x->sizes and
 * as a size entry with its budget and minimum (repeats are kept once). */
void x_record_size(sc_exec *x, bool from_iut, const char *kind, const uint8_t *msg, size_t n,
                   size_t prefix);
/* x->rx matched a message outcome: judge its size against the budget (see
 * exec.h for when it counts). */
void x_budget_judge(sc_exec *x);
/* The size entries as transcript lines. */
void x_budget_transcript(sc_exec *x);

/* Vector mode: inject the vector's ephemeral key before message_1 is built
 * (harness Initiator) or processed (harness Responder). */
void x_inject_ephemeral(sc_exec *x);

/* the session follows the wire (exec_wire.c) */
/* Harness Responder, after message_1 was accepted: keep the configured C_R
 * unless it equals the IUT's C_I, else take another of the same encoding
 * class (RFC 9528 §3.3.3) and note it in the transcript. */
void x_responder_choose_c_r(sc_exec *x);
/* Harness Responder: the C_R of its current session, the one message_2
 * carried once sent (x->c_r_sent), else the one it will send. */
const uint8_t *x_own_c_r(const sc_exec *x, size_t *len);
/* The IUT's EDHOC resource (sc_exec_opts.edhoc_path, or /.well-known/edhoc). */
const char *x_edhoc_path(const sc_exec *x);

/* Harness Initiator, before sending a message_1 whose bytes differ from
 * what the engine built (mutations) or that a raw payload carries (raw):
 * the session follows msg[0..n) as sent (eh_initiator_message_1_sent);
 * where it cannot, x->m1_unverifiable says why and the answer is judged
 * for its form only (x_message_2_unverified). A raw message_1 the session
 * follows replaces the session. */
void x_initiator_follow_message_1(sc_exec *x, const uint8_t *msg, size_t n, bool raw);
/* x->rx, a message_2 answering a message_1 the session could not follow:
 * rx->unverified when it is well-formed (one bstr, G_Y a valid point of
 * the selected suite's curve, a CIPHERTEXT_2 of plausible length), else
 * rx->engine_why says what is wrong. */
void x_message_2_unverified(sc_exec *x);

/* roles */
void x_initiator_step(sc_exec *x, const sc_step *st);
void x_responder_run(sc_exec *x);

/* exec_roles.c's parts that the reverse flow (exec_reverse.c) shares: the
 * engine's word on x->rx, an error message's fields, the classification of
 * what answers the harness Initiator's last message, the OSCORE server and
 * client sides, and the session following a message_1 about to go. */
void x_engine_result(sc_exec *x, eh_err err);
void x_parse_error(received *rx);
void x_classify_answer(sc_exec *x);
/* What answered the harness's request (x->rx), before its content: silence,
 * close or other when nothing usable came (false), else shown in the
 * transcript with its CoAP code, rx->msg set to the whole payload (true). */
bool x_classify_start(sc_exec *x);
/* The harness Responder's engine on message_n (1 or 3) in x->rx.msg: a
 * message_1 starts a session (and picks C_R), a message_3 counts as
 * accepted when the engine takes it. The engine's answer. */
eh_err x_responder_take_message(sc_exec *x, int n);
/* The harness as CoAP server, when no request came for step st in time:
 * x->rx says silence (with gave_up, and what the CoAP layer dropped), then
 * the step judges it and the send steps after it have nothing to answer. */
/* The harness as CoAP server: serve requests for step st, at most its bound
 * (the first request's when none came yet: the IUT may still be starting),
 * until one is handled. The bound. */
int x_serve_step(sc_exec *x, const sc_step *st);
void x_nothing_received(sc_exec *x, const sc_step *st);
/* The IUT's request into x->rx (code, Content-Format, payload; kind "oscore"
 * when it has an OSCORE option): false when it is larger than x->rx takes
 * (then kind "other" and rx.detail say so). */
bool x_take_request(sc_exec *x, const tr_message *req);
/* The harness server's answer x->answer[0..n) with this code and
 * Content-Format (-1: none), logged with arrow ("->", "-> OSCORE"), kept as
 * its last answer (x_note_answer: what it is, req the requirement). */
void x_answer_logged(sc_exec *x, tr_message *resp, uint8_t code, int cf, size_t n,
                     const char *what, const char *req, const char *arrow);
void x_judge_nothing(sc_exec *x, const sc_step *st);
bool x_answer_oscore(sc_exec *x, const tr_message *req, tr_message *resp, char *why,
                     size_t cap);
/* An OSCORE request (x->rx) that an expect step judges: verified and answered
 * first (x->rx.engine_ok, engine_why); false when x->rx is no OSCORE request. */
bool x_answer_judged_oscore(sc_exec *x, const tr_message *req, tr_message *resp);
void x_oscore_exchange(sc_exec *x, const sc_step *st);
void x_follow_message_1(sc_exec *x, const sc_step *st, const uint8_t *msg, size_t n);

/* exec_reverse.c: the reverse message flow (RFC 9528 Appendix A.2.2).
 * Harness Initiator: a CoAP server; the IUT Responder's empty POST is
 * answered by the first send step (message_1), each later POST (C_I ||
 * message) is judged by an expect step and answered by the send steps after
 * it. Harness Responder: a CoAP client; the first expect step sends the
 * empty POST and judges message_1 in its response, send steps POST C_I ||
 * message and the response is judged by the next expect step. */
void x_reverse_initiator_run(sc_exec *x);
void x_reverse_on_request(sc_exec *x, const tr_message *req, tr_message *resp);
void x_reverse_responder_step(sc_exec *x, const sc_step *st);

/* after the last step (exec_ending.c) */
/* Keep resp, the harness Responder's answer (code 0: none), as its last
 * answer: `what` names it ("message_4"), req is the requirement an Initiator
 * that rejects it breaks when it is an answer of the completed handshake
 * (message_4, the empty answer acknowledging message_3, the OSCORE
 * response), else NULL. */
void x_note_answer(sc_exec *x, const tr_message *resp, const char *what, const char *req);
/* A request of the IUT after the last step, just classified (x->rx): an
 * error message rejecting the answer of a completed handshake is noted in
 * x->rejected (sc_exec_drain makes it the verdict). */
void x_after_last_step(sc_exec *x);

/* amplification (exec_amplification.c) */
/* After a send: if payload[0..len) was a message_1 (0xf5 prefix: a
 * message_1 or a raw payload starting so) and an answer came, record its
 * amplification in x->last_amp (and in x->amp if it is the first). */
void x_amplification_record(sc_exec *x, const uint8_t *payload, size_t len, bool message_1);
/* The expect check `amplification: true`: state x->last_amp in x->info. */
void x_amplification_report(sc_exec *x);
/* Append "; text" to x->info (what a passing scenario reports). */
void x_info(sc_exec *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* flood (exec_flood.c) */
/* Before anything is sent: a scenario with a flood step runs only against
 * a loopback IUT that no other scenario shares. true (the reason in
 * x->refused) when it must not run: its verdict is then skipped. */
bool x_flood_refused(sc_exec *x);
/* The flood step (harness Initiator): see scenario.h and scenarios/README.md. */
void x_flood(sc_exec *x, const sc_step *st);

#endif

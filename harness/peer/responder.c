/*
 * responder.c - the reference Responder: a bounded table of concurrent
 * sessions, the Appendix A.2 framing (with raw and auto modes for
 * deployed implementations that send bare messages), duplicate handling
 * for raw UDP, and the OSCORE resource behind a completed handshake.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cbor/cbor.h"
#include "peer_internal.h"
#include "session_table.h"

#define CF_EDHOC 64     /* application/edhoc+cbor-seq */
#define CF_CID_EDHOC 65 /* application/cid-edhoc+cbor-seq */

struct peer_responder {
    peer_responder_opts o;
    session_table *table;  /* the sessions, indexed (session_table.h) */
    unsigned next_c_r;     /* identifier allocator */
    uint8_t out[TR_MAX_BODY];
    tr_option opts_store[TR_MAX_OPTIONS]; /* options of the last response */
    peer_responder_stats st;
};

peer_responder *peer_responder_new(const peer_responder_opts *opts)
{
    peer_responder *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    r->o = *opts;
    r->table = st_new(opts->max_sessions ? opts->max_sessions : 64);
    if (r->table == NULL) {
        free(r);
        return NULL;
    }
    return r;
}

void peer_responder_free(peer_responder *r)
{
    if (r == NULL)
        return;
    st_free(r->table);
    free(r);
}

void peer_responder_get_stats(const peer_responder *r, peer_responder_stats *st)
{
    *st = r->st;
    st->active_sessions = st_active(r->table);
}

void resp_session_clear(resp_session *rs)
{
    if (rs->before_m3 != NULL) {
        eh_session_wipe(rs->before_m3);
        free(rs->before_m3);
    }
    eh_session_wipe(&rs->s);
    eh_oscore_ctx_clear(&rs->oscore);
    memset(rs, 0, sizeof *rs);
}

/* Next C_R not used by a live session: one-byte CBOR ints first (the
 * cheapest on the wire, RFC 9528 §3.3.2), then two-byte strings. */
/* The one-byte identifiers (RFC 9528 §3.3.2: 0x00..0x17 and 0x20..0x37
 * encode as one-byte CBOR integers): index 0..47 -> byte. */
static uint8_t one_byte_id(unsigned i)
{
    return (uint8_t)(i < 24 ? i : 0x20 + (i - 24));
}

/* C_R for a new session: the smallest free one-byte identifier (the
 * shortest messages), else a two-byte one from a rotating counter (three
 * bytes once two-byte ones are scarce); never one in use, never C_I (RFC 9668
 * §4.1.2). */
static void choose_c_r(peer_responder *r, resp_session *rs)
{
    uint64_t used = 0; /* bit i: one_byte_id(i) in use (rs is not indexed yet) */
    for (unsigned k = 0; k < 48; k++)
        if (st_one_byte_users(r->table, one_byte_id(k)) > 0)
            used |= 1ull << k;
    if (rs->s.c_i_len == 1)
        for (unsigned k = 0; k < 48; k++)
            if (one_byte_id(k) == rs->s.c_i[0])
                used |= 1ull << k;
    for (unsigned k = 0; k < 48; k++)
        if (!(used & (1ull << k))) {
            rs->c_r[0] = one_byte_id(k);
            rs->c_r_len = 1;
            return;
        }
    /* two bytes from a rotating counter; when a few in a row are taken (tens of
     * thousands of sessions), three bytes: a message_1 costs the same whatever
     * the number of sessions */
    for (size_t len = 2; len <= 3; len++)
        for (unsigned tries = 0; tries < (len == 2 ? 16u : 65536u); tries++) {
            unsigned n = r->next_c_r++;
            rs->c_r_len = len;
            for (size_t b = 0; b < len; b++)
                rs->c_r[b] = (uint8_t)(n >> (8 * (len - 1 - b)));
            bool is_c_i = rs->s.c_i_len == len && memcmp(rs->s.c_i, rs->c_r, len) == 0;
            if (resp_session_by_c_r(r, rs->c_r, len, rs) == NULL && !is_c_i)
                return;
        }
}

resp_session *resp_session_by_c_r(peer_responder *r, const uint8_t *c_r, size_t len,
                                  const resp_session *except)
{
    return st_by_c_r(r->table, c_r, len, except);
}

bool peer_responder_awaits_m3(void *responder, const uint8_t *c_r, size_t len)
{
    resp_session *rs = resp_session_by_c_r(responder, c_r, len, NULL);
    return rs != NULL && rs->s.state == EH_STATE_WAIT_M3;
}

/* Raw framing: the newest session of this client waiting for message_3,
 * else a completed one whose message_3 was exactly m3 (a retransmission,
 * answered as before by handle_message_3). */
static resp_session *session_by_client(peer_responder *r, const char *client, const uint8_t *m3,
                                       size_t len)
{
    resp_session *best = NULL;
    size_t cap = st_cap(r->table);
    for (size_t i = 0; i < cap; i++) { /* not indexed: raw framing only */
        resp_session *rs = st_at(r->table, i);
        if (rs->used && rs->s.state == EH_STATE_WAIT_M3 && strcmp(rs->client, client) == 0 &&
            (best == NULL || rs->created > best->created))
            best = rs;
    }
    for (size_t i = 0; i < cap && best == NULL; i++) {
        resp_session *rs = st_at(r->table, i);
        if (rs->used && rs->s.state == EH_STATE_COMPLETED && strcmp(rs->client, client) == 0 &&
            rs->last_req_len == len && len > 0 && memcmp(rs->last_req, m3, len) == 0)
            best = rs;
    }
    return best;
}

/* A free slot, or the oldest half-open session, or the oldest at all;
 * NULL when the table is full and the fault no-eviction is on. */
static resp_session *session_alloc(peer_responder *r)
{
    bool evicted = false;
    resp_session *rs = st_alloc(r->table, !(r->o.faults & PEER_FAULT_NO_EVICTION), &evicted);
    if (evicted)
        r->st.evictions++;
    return rs;
}

static void respond(peer_responder *r, tr_message *resp, uint8_t code, int cf,
                    const uint8_t *payload, size_t len, const char *kind)
{
    memset(resp, 0, sizeof *resp);
    resp->code = code;
    resp->content_format = cf;
    if (payload != r->out && len > 0)
        memcpy(r->out, payload, len);
    resp->payload = r->out;
    resp->payload_len = len;
    if (kind != NULL && r->o.log != NULL)
        peer_log_wire(r->o.log, "sent", kind, r->out, len, code);
}

/* The error message the failed session owes (RFC 9528 §6), as a 4.00
 * response with Content-Format 64 (Appendix A.2.3); nothing if none is due. */
static void respond_error(peer_responder *r, resp_session *rs, tr_message *resp)
{
    size_t n = 0;
    if (eh_error_message(&rs->s, r->out, sizeof r->out, &n) == EH_OK) {
        r->st.errors_sent++;
        respond(r, resp, TR_CODE_BAD_REQUEST, CF_EDHOC, r->out, n, "error");
    } else {
        respond(r, resp, TR_CODE_BAD_REQUEST, -1, NULL, 0, NULL);
    }
    peer_report_failure(r->o.out, "responder", &rs->s);
}

/* An ERR_CODE 1 error for a request that matches no session. */
static void respond_unknown(peer_responder *r, tr_message *resp, const char *what)
{
    uint8_t info[96];
    eh_cbor_writer w;
    size_t n = 0;
    eh_cbor_writer_init(&w, info, sizeof info);
    eh_cbor_write_tstr(&w, what, strlen(what));
    eh_error_message_encode(1, info, w.len, r->out, sizeof r->out, &n);
    r->st.errors_sent++;
    respond(r, resp, TR_CODE_BAD_REQUEST, CF_EDHOC, r->out, n, "error");
    if (r->o.out)
        fprintf(r->o.out, "responder: %s\n", what);
}

/* Fault no-eviction: a full table refuses the new session with an ERR_CODE 1
 * error in a 5.03 (Service Unavailable; RFC 9528 Appendix A.2.3: a server
 * error, Content-Format 64). */
static void respond_refused(peer_responder *r, tr_message *resp)
{
    static const char what[] = "session table full";
    uint8_t info[32];
    eh_cbor_writer w;
    size_t n = 0;
    eh_cbor_writer_init(&w, info, sizeof info);
    eh_cbor_write_tstr(&w, what, sizeof what - 1);
    eh_error_message_encode(1, info, w.len, r->out, sizeof r->out, &n);
    r->st.errors_sent++;
    r->st.refused++;
    respond(r, resp, 0xa3 /* 5.03 */, CF_EDHOC, r->out, n, "error");
    if (r->o.out)
        fprintf(r->o.out, "responder: message_1 refused: %s\n", what);
}

/* A retransmitted message_1 from the same client gets the same message_2,
 * not a second session (raw UDP; libcoap 4.3.1 does not deduplicate CON
 * retransmissions either). */
static resp_session *duplicate_message_1(peer_responder *r, const uint8_t *m1, size_t len,
                                         const char *client)
{
    return st_duplicate_message_1(r->table, client, m1, len);
}

/* A fixed C_R (--c-r, or a vector's) that equals the C_I just received
 * cannot be used (RFC 9528 §3.3.3, RFC 9668 §4.1.2): the Responder then
 * picks another, as it would without one, and says so. */
static bool fixed_c_r_is_c_i(peer_responder *r, const resp_session *rs)
{
    const eh_config *c = r->o.edhoc;
    bool same = rs->s.c_i_len == c->conn_id_len &&
                memcmp(rs->s.c_i, c->conn_id, c->conn_id_len) == 0;
    if (same && r->o.out)
        fprintf(r->o.out, "responder: the fixed C_R equals the Initiator's C_I; another C_R "
                          "is used (RFC 9528 3.3.3)\n");
    return same;
}

static void handle_message_1(peer_responder *r, const uint8_t *m1, size_t len, const char *client,
                             bool raw, tr_message *resp)
{
    resp_session *dup = duplicate_message_1(r, m1, len, client);
    uint8_t dup_c_r[EH_MAX_CONN_ID];
    size_t dup_c_r_len = 0;
    if (dup != NULL && !(r->o.faults & PEER_FAULT_DUPLICATE_NEW_MESSAGE_2)) {
        respond(r, resp, TR_CODE_CHANGED, CF_EDHOC, dup->last_resp, dup->last_resp_len,
                "duplicate answered");
        return;
    }
    if (dup != NULL) { /* the fault: a new session that takes over the old C_R */
        dup_c_r_len = dup->c_r_len;
        memcpy(dup_c_r, dup->c_r, dup_c_r_len);
        st_release(r->table, dup);
    }
    resp_session *rs = session_alloc(r);
    size_t n = 0;
    if (rs == NULL) {
        respond_refused(r, resp);
        return;
    }
    snprintf(rs->client, sizeof rs->client, "%s", client);
    rs->raw = raw;
    if (r->o.log)
        peer_log_wire(r->o.log, "received", "message_1", m1, len, 0);
    eh_session_init(&rs->s, r->o.edhoc);
    if (r->o.eph_priv != NULL)
        eh_session_set_ephemeral(&rs->s, r->o.eph_priv, r->o.eph_priv_len, NULL, 0);
    eh_err m1_err = eh_responder_process_message_1(&rs->s, m1, len);
    /* C_R once C_I is known: distinct from it, as both become OSCORE
     * Recipient IDs (RFC 9668 §4.1.2) */
    if (dup_c_r_len > 0) {
        memcpy(rs->c_r, dup_c_r, dup_c_r_len);
        rs->c_r_len = dup_c_r_len;
    } else if (r->o.fixed_c_r && !(m1_err == EH_OK && fixed_c_r_is_c_i(r, rs))) {
        memcpy(rs->c_r, r->o.edhoc->conn_id, r->o.edhoc->conn_id_len);
        rs->c_r_len = r->o.edhoc->conn_id_len;
    } else {
        choose_c_r(r, rs);
    }
    eh_session_set_conn_id(&rs->s, rs->c_r, rs->c_r_len);
    if (m1_err != EH_OK) {
        respond_error(r, rs, resp);
        st_release(r->table, rs);
        return;
    }
    if (eh_responder_message_2(&rs->s, r->out, sizeof r->out, &n) != EH_OK) {
        respond(r, resp, TR_CODE_INTERNAL, -1, NULL, 0, NULL);
        st_release(r->table, rs);
        return;
    }
    /* the C_R message_2 carries is the one message_3 comes back with (the
     * engine's choice; with the fault c-r-equals-c-i it is C_I) */
    memcpy(rs->c_r, rs->s.c_r, rs->s.c_r_len);
    rs->c_r_len = rs->s.c_r_len;
    st_index_c_r(r->table, rs);
    respond(r, resp, TR_CODE_CHANGED, CF_EDHOC, r->out, n, "message_2");
    rs->last_resp_len = n < sizeof rs->last_resp ? n : 0;
    memcpy(rs->last_resp, r->out, rs->last_resp_len);
    rs->last_req_len = len < sizeof rs->last_req ? len : 0;
    memcpy(rs->last_req, m1, rs->last_req_len);
    if (rs->last_req_len > 0)
        st_index_message_1(r->table, rs, client, m1, len);
}

/* message_3 for session rs; `extra` is what followed message_3 (RFC 9668). */
static bool process_message_3(peer_responder *r, resp_session *rs, const uint8_t *m3, size_t len,
                              tr_message *resp)
{
    if (r->o.log)
        peer_log_wire(r->o.log, "received", "message_3", m3, len, 0);
    bool keep = (r->o.faults & PEER_FAULT_KEEP_SESSION_AFTER_ERROR) != 0;
    if (keep || (r->o.faults & PEER_FAULT_REPLAY_MESSAGE_3)) {
        if (rs->before_m3 == NULL)
            rs->before_m3 = malloc(sizeof *rs->before_m3);
        if (rs->before_m3 != NULL)
            *rs->before_m3 = rs->s;
    }
    if (eh_responder_process_message_3(&rs->s, m3, len) != EH_OK) {
        respond_error(r, rs, resp);
        if (keep && rs->before_m3 != NULL) {
            /* the fault: the session goes on as if nothing had been sent */
            eh_session_wipe(&rs->s);
            rs->s = *rs->before_m3;
            st_relist(r->table, rs);
            if (r->o.out)
                fprintf(r->o.out, "responder: fault keep-session-after-error: session kept\n");
            return false;
        }
        st_release(r->table, rs);
        return false;
    }
    st_relist(r->table, rs); /* completed: evicted after every half-open session */
    r->st.handshakes_completed++;
    peer_responder_completed(r->o.out, rs);
    if (r->o.no_oscore)
        return true; /* no OSCORE context: its identifiers need not suit one */
    eh_err err = peer_oscore_setup(&rs->s, &rs->oscore, &rs->oscore_params,
                                   (r->o.faults & PEER_FAULT_OSCORE_SWAP_IDS) != 0);
    if (err == EH_ERR_UNSUPPORTED) {
        /* e.g. suite 25: SHAKE256 has no HKDF for OSCORE (RFC 8613 §3.2) */
        if (r->o.out)
            fprintf(r->o.out, "responder: OSCORE not available for suite %d\n",
                    rs->s.suite->id);
        return true;
    }
    if (err != EH_OK) {
        respond(r, resp, TR_CODE_INTERNAL, -1, NULL, 0, NULL);
        return false;
    }
    rs->oscore_ready = true;
    return true;
}

static void handle_message_3(peer_responder *r, resp_session *rs, const uint8_t *m3, size_t len,
                             tr_message *resp)
{
    size_t n = 0;
    if (rs->tombstone) {
        /* fault answer-aborted-message-3: "accepted", without a session */
        respond(r, resp, TR_CODE_CHANGED, -1, NULL, 0, "empty 2.04 (fault)");
        return;
    }
    /* A retransmitted message_3 (raw UDP) gets the previous answer again. */
    if (rs->s.state == EH_STATE_COMPLETED) {
        bool same = len == rs->last_req_len && memcmp(m3, rs->last_req, len) == 0;
        if (same && (r->o.faults & PEER_FAULT_REPLAY_MESSAGE_3) && rs->before_m3 != NULL) {
            /* the fault: processed again, with a new OSCORE context */
            eh_session_wipe(&rs->s);
            rs->s = *rs->before_m3;
            st_relist(r->table, rs);
            eh_oscore_ctx_clear(&rs->oscore);
            rs->oscore_ready = false;
            if (r->o.out)
                fprintf(r->o.out, "responder: fault replay-message-3: message_3 processed "
                                  "again\n");
        } else if (same) {
            respond(r, resp, TR_CODE_CHANGED, rs->last_resp_len ? CF_EDHOC : -1, rs->last_resp,
                    rs->last_resp_len, "duplicate answered");
            return;
        } else {
            respond_unknown(r, resp, "message_3 for a completed session");
            return;
        }
    }
    rs->last_req_len = len < sizeof rs->last_req ? len : 0;
    memcpy(rs->last_req, m3, rs->last_req_len);
    if (!process_message_3(r, rs, m3, len, resp))
        return;
    rs->last_resp_len = 0;
    if (r->o.edhoc->message_4 && !(r->o.faults & PEER_FAULT_NO_MESSAGE_4) &&
        eh_responder_message_4(&rs->s, r->out, sizeof r->out, &n) == EH_OK) {
        respond(r, resp, TR_CODE_CHANGED, CF_EDHOC, r->out, n, "message_4");
        rs->last_resp_len = n < sizeof rs->last_resp ? n : 0;
        memcpy(rs->last_resp, r->out, rs->last_resp_len);
    } else {
        respond(r, resp, TR_CODE_CHANGED, -1, NULL, 0, "empty 2.04");
    }
}

/* Is p[0..len) exactly an error message: (ERR_CODE : int, ERR_INFO)? A
 * bare message_1 also starts with an int but has four or more items. */
bool peer_is_error_message(const uint8_t *p, size_t len)
{
    eh_cbor_reader rd;
    int64_t code;
    eh_cbor_reader_init(&rd, p, len);
    rd.lenient = true;
    return eh_cbor_read_int(&rd, &code) == EH_OK && eh_cbor_read_item(&rd, NULL, NULL) == EH_OK &&
           eh_cbor_at_end(&rd);
}

bool peer_split_conn_id(const uint8_t *p, size_t len, uint8_t *c_r, size_t *c_r_len, size_t *used)
{
    eh_cbor_reader rd;
    eh_cbor_reader_init(&rd, p, len);
    int major = eh_cbor_peek_major(&rd);
    if (major == EH_CBOR_UINT || major == EH_CBOR_NEGINT) {
        int64_t v;
        if (eh_cbor_read_int(&rd, &v) != EH_OK || rd.pos != 1 || v < -24 || v > 23)
            return false;
        c_r[0] = p[0];
        *c_r_len = 1;
    } else if (major == EH_CBOR_BSTR) {
        const uint8_t *b;
        size_t n;
        if (eh_cbor_read_bstr(&rd, &b, &n) != EH_OK || n > EH_MAX_CONN_ID)
            return false;
        memcpy(c_r, b, n);
        *c_r_len = n;
    } else {
        return false;
    }
    *used = rd.pos;
    return true;
}

/* An EDHOC error message from the Initiator of session rs (NULL: none):
 * the session ends; an error is never answered with an error (§6). */
static void initiator_error(peer_responder *r, resp_session *rs, const uint8_t *p, size_t len,
                            tr_message *resp)
{
    if (r->o.log)
        peer_log_wire(r->o.log, "received", "error", p, len, 0);
    if (r->o.out)
        fprintf(r->o.out, "responder: the Initiator sent an EDHOC error message%s\n",
                rs ? "; session ended" : "");
    if (rs != NULL && (r->o.faults & PEER_FAULT_ANSWER_ABORTED_MESSAGE_3)) {
        /* the fault: the slot stays, as a tombstone that "accepts" message_3 */
        eh_session_wipe(&rs->s);
        eh_oscore_ctx_clear(&rs->oscore);
        rs->oscore_ready = false;
        rs->tombstone = true;
        st_relist(r->table, rs);
    } else if (rs != NULL) {
        st_release(r->table, rs);
    }
    respond(r, resp, TR_CODE_CHANGED, -1, NULL, 0, NULL);
}

static void handle_edhoc(peer_responder *r, const tr_message *req, const char *client,
                         tr_message *resp)
{
    const uint8_t *p = req->payload;
    size_t len = req->payload_len, used = 0;
    uint8_t c_r[EH_MAX_CONN_ID];
    size_t c_r_len = 0;
    if (len == 0) {
        respond_unknown(r, resp, "empty payload: no EDHOC message");
        return;
    }
    /* message_1 with the `true` prefix of Appendix A.2. */
    if (p[0] == 0xf5 && r->o.framing != PEER_FRAMING_RAW) {
        handle_message_1(r, p + 1, len - 1, client, false, resp);
        return;
    }
    /* A C_R prefix followed by an EDHOC error from the Initiator: the
     * session ends; an error is never answered with an error (§6). */
    if (r->o.framing != PEER_FRAMING_RAW && peer_split_conn_id(p, len, c_r, &c_r_len, &used) &&
        used < len && peer_is_error_message(p + used, len - used)) {
        initiator_error(r, resp_session_by_c_r(r, c_r, c_r_len, NULL), p + used, len - used,
                        resp);
        return;
    }
    /* A C_R prefix followed by message_3 (a bstr). */
    if (r->o.framing != PEER_FRAMING_RAW && peer_split_conn_id(p, len, c_r, &c_r_len, &used) &&
        used < len && (p[used] >> 5) == EH_CBOR_BSTR) {
        resp_session *rs = resp_session_by_c_r(r, c_r, c_r_len, NULL);
        if (rs != NULL && !rs->raw) {
            handle_message_3(r, rs, p + used, len - used, resp);
            return;
        }
        if (r->o.framing == PEER_FRAMING_RFC9528) {
            respond_unknown(r, resp, "no session for this C_R");
            return;
        }
    }
    if (r->o.framing == PEER_FRAMING_RFC9528) {
        respond_unknown(r, resp, "payload has neither the `true` nor a C_R prefix (RFC 9528 A.2)");
        return;
    }
    /* Raw framing: message_1 starts with METHOD (an int), message_3 is a
     * bstr correlated by the client's address. */
    eh_cbor_reader rd;
    eh_cbor_reader_init(&rd, p, len);
    int major = eh_cbor_peek_major(&rd);
    /* an error message from a client with a session awaiting message_3 (a
     * message_1 has a bstr G_X after its first two items, an error nothing) */
    resp_session *waiting = session_by_client(r, client, p, len);
    if (waiting != NULL && waiting->s.state == EH_STATE_WAIT_M3 && peer_is_error_message(p, len)) {
        initiator_error(r, waiting, p, len, resp);
        return;
    }
    if (major == EH_CBOR_UINT || major == EH_CBOR_NEGINT) {
        r->st.raw_framing_seen++;
        if (r->o.framing == PEER_FRAMING_AUTO && r->o.out)
            fprintf(r->o.out, "responder: deviation: message_1 without the `true` prefix "
                              "(RFC 9528 Appendix A.2); answering in raw framing\n");
        if (r->o.log)
            peer_log_note(r->o.log, "deviation: bare message_1 (no 0xf5 prefix, RFC 9528 A.2)");
        handle_message_1(r, p, len, client, true, resp);
        return;
    }
    resp_session *rs = session_by_client(r, client, p, len);
    if (rs == NULL) {
        respond_unknown(r, resp, "message_3 from a client with no session");
        return;
    }
    handle_message_3(r, rs, p, len, resp);
}

static bool has_option(const tr_message *m, uint16_t number)
{
    for (size_t i = 0; i < m->n_opts; i++)
        if (m->opts[i].number == number)
            return true;
    return false;
}

void peer_responder_handle(peer_responder *r, const tr_message *req, const char *client,
                           tr_message *resp)
{
    if (has_option(req, TR_OPTION_OSCORE) && r->o.no_oscore) {
        /* no OSCORE here: the option is an unrecognized critical one */
        respond(r, resp, TR_CODE_BAD_OPTION, -1, NULL, 0, "OSCORE request, no OSCORE served");
        if (r->o.out)
            fprintf(r->o.out, "responder: OSCORE request answered 4.02 (--no-oscore)\n");
        return;
    }
    if (has_option(req, TR_OPTION_OSCORE)) {
        peer_responder_oscore(r, req, resp);
        return;
    }
    if (has_option(req, TR_OPTION_EDHOC)) {
        /* RFC 9668 §3.3.1: a combined request needs the OSCORE option */
        respond(r, resp, TR_CODE_BAD_REQUEST, -1, NULL, 0, "EDHOC option without OSCORE option");
        if (r->o.out)
            fprintf(r->o.out, "responder: EDHOC option without OSCORE option: 4.00 "
                              "(RFC 9668 §3.3.1)\n");
        return;
    }
    if (peer_is_edhoc_path(req->uri_path, r->o.edhoc_path) && req->code == TR_CODE_POST) {
        handle_edhoc(r, req, client, resp);
        return;
    }
    respond(r, resp, TR_CODE_NOT_FOUND, -1, NULL, 0, NULL);
}

/* ------------------------------------------------------------ OSCORE side */

/* RFC 9668 §3.3.1: the combined request carries message_3 (a bstr) before
 * the OSCORE ciphertext, and C_R as the OSCORE kid. */
void peer_responder_oscore(peer_responder *r, const tr_message *req, tr_message *resp)
{
    const tr_option *osc = NULL;
    for (size_t i = 0; i < req->n_opts; i++)
        if (req->opts[i].number == TR_OPTION_OSCORE)
            osc = &req->opts[i];
    uint8_t kid[EH_MAX_CONN_ID];
    size_t kid_len = 0;
    if (peer_oscore_option_kid(osc->value, osc->len, kid, &kid_len) != EH_OK) {
        respond(r, resp, TR_CODE_BAD_REQUEST, -1, NULL, 0, "oscore: malformed option");
        return;
    }
    resp_session *rs = resp_session_by_c_r(r, kid, kid_len, NULL);
    tr_message inner = *req;
    if (has_option(req, TR_OPTION_EDHOC)) {
        eh_cbor_reader rd;
        const uint8_t *item;
        size_t item_len;
        eh_cbor_reader_init(&rd, req->payload, req->payload_len);
        if (rs == NULL || rs->s.state != EH_STATE_WAIT_M3 ||
            eh_cbor_read_item(&rd, &item, &item_len) != EH_OK) {
            respond_unknown(r, resp, rs == NULL ? "combined request: no session for this kid"
                                                : "combined request: malformed EDHOC part");
            return;
        }
        if (r->o.edhoc->message_4) {
            /* RFC 9668 §3.3.1 step 4: a profile that needs message_4 cannot use it;
             * the EDHOC processing failed, so the session is aborted (RFC 9528
             * §5.4.3): a message_3 sent afterwards is not accepted */
            respond_unknown(r, resp, "combined request while message_4 is required");
            st_release(r->table, rs);
            return;
        }
        if (!process_message_3(r, rs, item, item_len, resp))
            return;
        /* the same message_3 again, alone, is a duplicate (RFC 9528 §7): answered
         * with an empty 2.04, as message_3 was accepted */
        rs->last_req_len = item_len < sizeof rs->last_req ? item_len : 0;
        memcpy(rs->last_req, item, rs->last_req_len);
        rs->last_resp_len = 0;
        inner.payload = req->payload + item_len;
        inner.payload_len = req->payload_len - item_len;
    } else if (rs == NULL || !rs->oscore_ready) {
        if (r->o.faults & PEER_FAULT_PLAIN_COAP_WITHOUT_CONTEXT) {
            static const char plain[] = "Hello (no OSCORE context)";
            memcpy(r->out, plain, sizeof plain - 1);
            respond(r, resp, 0x45 /* 2.05 Content */, -1, r->out, sizeof plain - 1,
                    "oscore: no context, answered as plain CoAP (fault)");
            return;
        }
        respond(r, resp, 0x81 /* 4.01 Unauthorized */, -1, NULL, 0, "oscore: unknown kid");
        return;
    }
    size_t n = 0;
    uint8_t code = 0;
    tr_option opts[TR_MAX_OPTIONS];
    size_t n_opts = 0;
    if (peer_oscore_serve(&rs->oscore, &inner, r->o.resource, r->out, sizeof r->out, &n, &code, opts,
                          &n_opts) != EH_OK) {
        respond(r, resp, TR_CODE_BAD_REQUEST, -1, NULL, 0, "oscore: verification failed");
        if (r->o.out)
            fprintf(r->o.out, "responder: OSCORE request did not verify\n");
        return;
    }
    r->st.oscore_ok++;
    respond(r, resp, code, -1, r->out, n, "oscore_response");
    memcpy(r->opts_store, opts, n_opts * sizeof opts[0]);
    memcpy(resp->opts, r->opts_store, n_opts * sizeof opts[0]);
    resp->n_opts = n_opts;
}

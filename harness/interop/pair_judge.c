/* pair_judge.c - see pair_judge.h. */
#include "pair_judge.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cbor/cbor.h"
#include "../edhoc/edhoc.h"
#include "../edhoc/sizes.h"
#include "../oscore/coap_codec.h"

typedef enum { S_M1, S_M2, S_M3, S_ACK, S_DONE } pj_state;
/* The reverse flow (RFC 9528 Appendix A.2.2): the Responder, the CoAP
 * client, triggers with an empty POST; message_1 and message_3 come in the
 * Initiator's responses, C_I || message_2 and C_I || message_4 in the
 * Responder's POSTs. */
typedef enum { R_TRIGGER, R_M1, R_M2, R_M3, R_M4, R_ACK4, R_DONE } pj_rstate;

typedef struct judge {
    const pj_expect *e;
    pj_report *r;
    pj_state st;
    pj_rstate rst;
    eh_config cfg;
    eh_session s;             /* the last message_1, as the engine's Responder took it */
    bool s_ok;
    const pw_body *last[2];   /* the previous body in each direction */
} judge;

/* The note's text; the first failure also becomes the report's finding. */
static void note(judge *j, pj_note *n, bool ok, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void note(judge *j, pj_note *n, bool ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(n->text, sizeof n->text, fmt, ap);
    va_end(ap);
    n->ok = ok;
    if (!ok && !j->r->finding[0])
        snprintf(j->r->finding, sizeof j->r->finding, "%s", n->text);
}

static void name(pj_note *n, const char *s)
{
    snprintf(n->name, sizeof n->name, "%s", s);
}

/* ------------------------------------------------------------- sizes */

static long minimum(const judge *j, int m)
{
    if (j->r->method < 0 || j->r->suite < 0)
        return -1;
    eh_size_opts o;
    memset(&o, 0, sizeof o);
    o.method = j->r->method;
    o.suite = j->r->suite;
    if (m == 1) {
        size_t sel = 0;
        while (sel < j->e->n_suites && j->e->suites[sel] != o.suite)
            sel++;
        o.suites_i_len = sel < j->e->n_suites ? eh_suites_i_size(j->e->suites, sel) : 0;
    }
    o.id_cred_i_len = j->e->id_cred_i_len > 0 ? (size_t)j->e->id_cred_i_len : 0;
    o.id_cred_r_len = j->e->id_cred_r_len > 0 ? (size_t)j->e->id_cred_r_len : 0;
    size_t n = eh_message_size(&o, m);
    return n ? (long)n : -1;
}

/* The smallest size message m can have for the METHOD and suite at all. */
static long smallest(const judge *j, int m)
{
    if (j->r->method < 0 || j->r->suite < 0)
        return -1;
    eh_size_opts o;
    memset(&o, 0, sizeof o);
    o.method = j->r->method;
    o.suite = j->r->suite;
    size_t n = eh_message_size(&o, m);
    return n ? (long)n : -1;
}

static void size_entry(judge *j, int m, size_t size, size_t prefix)
{
    pj_report *r = j->r;
    if (r->n_sizes >= REPORT_MAX_SIZES)
        return;
    sc_size_entry *e = &r->sizes[r->n_sizes++];
    memset(e, 0, sizeof *e);
    e->message = m;
    e->from_iut = true;
    e->size = (long)size;
    e->prefix = (long)prefix;
    e->minimum = minimum(j, m);
    e->budget = sc_budget_bytes(j->e->budget, e->minimum, prefix);
    snprintf(e->profile, sizeof e->profile, "%s", sc_budget_name(j->e->budget));
}

/* -------------------------------------------------------------- checks */

/* METHOD and the selected suite of a message_1, read leniently (to set up
 * the engine); false when they cannot be read. */
static bool m1_choice(const uint8_t *m, size_t n, int *method, int *suite)
{
    eh_cbor_reader r;
    int64_t v;
    size_t count = 1;
    eh_cbor_reader_init(&r, m, n);
    r.lenient = true;
    if (eh_cbor_read_int(&r, &v) != EH_OK || v < -100000 || v > 100000)
        return false;
    *method = (int)v;
    if (eh_cbor_peek_major(&r) == EH_CBOR_ARRAY &&
        (eh_cbor_read_array(&r, &count) != EH_OK || count == 0 || count > EH_MAX_SUITES))
        return false;
    for (size_t i = 0; i < count; i++)
        if (eh_cbor_read_int(&r, &v) != EH_OK || v < -65536 || v > 65535)
            return false;
    *suite = (int)v;
    return true;
}

static void check_m1(judge *j, pj_note *n, const uint8_t *m, size_t len)
{
    int method = 3, suite = 2;
    m1_choice(m, len, &method, &suite);
    memset(&j->cfg, 0, sizeof j->cfg);
    j->cfg.role = EH_RESPONDER;
    j->cfg.methods = 0xf;
    j->cfg.suites[0] = suite;
    j->cfg.n_suites = 1;
    j->cfg.rng = eh_crypto_random;
    /* Which critical EAD items the two peers process is theirs to agree on:
     * the relay checks EAD_1's structure, not that it knows every item. */
    j->cfg.faults = EH_FAULT_ACCEPT_CRITICAL_EAD;
    j->r->method = j->r->suite = -1;
    j->s_ok = false;
    if (eh_session_init(&j->s, &j->cfg) != EH_OK) {
        note(j, n, false, "message_1: the harness engine cannot be set up for it");
        return;
    }
    if (eh_responder_process_message_1(&j->s, m, len) != EH_OK) {
        const eh_finding *f = &j->s.finding;
        note(j, n, false, "message_1 rejected by the harness engine: %s at byte %zu: %s (%s)",
             f->field ? f->field : "?", f->offset, f->reason ? f->reason : eh_err_name(f->err),
             f->rfc ? f->rfc : "RFC 9528");
        return;
    }
    j->s_ok = true;
    j->r->method = j->s.method;
    j->r->suite = j->s.suite->id;
    note(j, n, true,
         "message_1 accepted by the harness engine as a Responder would take it: METHOD %d, "
         "selected cipher suite %d, G_X a valid %s key, C_I and EAD_1 well-formed, "
         "deterministic CBOR",
         j->r->method, j->r->suite, j->s.suite->ecdh->name);
}

/* One deterministic byte string making up the whole message; its content
 * in *c / *clen. false after noting the failure. */
static bool single_bstr(judge *j, pj_note *n, const char *what, const uint8_t *m, size_t len,
                        const uint8_t **c, size_t *clen)
{
    eh_cbor_reader r;
    eh_cbor_reader_init(&r, m, len);
    eh_err err = eh_cbor_read_bstr(&r, c, clen);
    if (err != EH_OK) {
        note(j, n, false, "%s is not one deterministic CBOR byte string: %s at byte %zu "
                          "(RFC 9528 %s)",
             what, eh_err_name(err), r.pos, strcmp(what, "message_2") == 0 ? "§5.3.1"
                                            : strcmp(what, "message_3") == 0 ? "§5.4.1"
                                                                              : "§5.5.1");
        return false;
    }
    if (!eh_cbor_at_end(&r)) {
        note(j, n, false, "%s: %zu bytes after its byte string (RFC 9528 §3.1: a message is "
                          "exactly its CBOR sequence)",
             what, len - r.pos);
        return false;
    }
    return true;
}

static bool big_enough(judge *j, pj_note *n, int m, size_t len)
{
    long least = smallest(j, m);
    if (least < 0 || (long)len >= least)
        return true;
    note(j, n, false, "message_%d is %zu bytes; the smallest possible for METHOD %d and cipher "
                      "suite %d is %ld bytes (RFC 9528 §5)",
         m, len, j->r->method, j->r->suite, least);
    return false;
}

static void check_m2(judge *j, pj_note *n, const uint8_t *m, size_t len, int code)
{
    const uint8_t *c;
    size_t clen;
    if (!single_bstr(j, n, "message_2", m, len, &c, &clen))
        return;
    if (code != 0 && (code >> 5) != 2) {
        note(j, n, false, "message_2 in a CoAP response with code %d.%02d; Appendix A.2 of "
                          "RFC 9528 sends it in 2.04 (Changed)",
             code >> 5, code & 31);
        return;
    }
    if (!j->s_ok) {
        note(j, n, true, "message_2: one deterministic CBOR byte string of %zu bytes (G_Y not "
                         "checked: message_1 was not accepted)", clen);
        return;
    }
    const eh_ecdh_alg *ecdh = j->s.suite->ecdh;
    if (clen < ecdh->coord_len) {
        note(j, n, false, "message_2: %zu bytes inside its byte string, fewer than G_Y alone "
                          "(%zu bytes for %s, RFC 9528 §5.3.1)",
             clen, ecdh->coord_len, ecdh->name);
        return;
    }
    uint8_t secret[EH_MAX_COORD_LEN];
    eh_err err = ecdh->shared_secret(j->s.eph_priv, c, secret);
    eh_wipe(secret, sizeof secret);
    if (err != EH_OK) {
        note(j, n, false, "message_2: G_Y (the first %zu bytes of its byte string) is not a "
                          "valid %s public key: %s (RFC 9528 §9.2)",
             ecdh->coord_len, ecdh->name, eh_err_name(err));
        return;
    }
    if (!big_enough(j, n, 2, len))
        return;
    note(j, n, true, "message_2: one deterministic CBOR byte string, G_Y a valid %s key, "
                     "CIPHERTEXT_2 of %zu bytes (not decrypted: the relay has no ephemeral key)",
         ecdh->name, clen - ecdh->coord_len);
}

/* The C_R prefix of a request after message_2: its length, or 0 with
 * *why saying what is wrong with it. */
static size_t c_r_prefix(const uint8_t *b, size_t len, const char **why)
{
    eh_cbor_reader r;
    eh_cbor_reader_init(&r, b, len);
    int major = eh_cbor_peek_major(&r);
    if (major == EH_CBOR_UINT || major == EH_CBOR_NEGINT) {
        int64_t v;
        if (eh_cbor_read_int(&r, &v) != EH_OK || r.pos != 1 || v < -24 || v > 23) {
            *why = "the C_R prefix is an integer outside -24..23 or not in one byte "
                   "(RFC 9528 §3.3.2, Appendix A.2)";
            return 0;
        }
        return 1;
    }
    const uint8_t *p;
    size_t pn;
    if (major != EH_CBOR_BSTR || eh_cbor_read_bstr(&r, &p, &pn) != EH_OK) {
        *why = "the payload after message_2 does not start with a C_R prefix (a CBOR byte "
               "string or one-byte integer, RFC 9528 Appendix A.2)";
        return 0;
    }
    if (eh_conn_id_is_int(p, pn)) {
        *why = "the C_R prefix is a one-byte identifier sent as a byte string; it must be the "
               "CBOR integer (RFC 9528 §3.3.2, Appendix A.2)";
        return 0;
    }
    return r.pos;
}

/* An EDHOC error message (first item an integer)? Its text in out. */
static bool error_message(const uint8_t *m, size_t len, int64_t *code, char *out, size_t cap)
{
    eh_cbor_reader r;
    eh_cbor_reader_init(&r, m, len);
    r.lenient = true;
    int major = eh_cbor_peek_major(&r);
    if ((major != EH_CBOR_UINT && major != EH_CBOR_NEGINT) || eh_cbor_read_int(&r, code))
        return false;
    char diag[400];
    eh_cbor_diag(m + r.pos, len - r.pos, diag, sizeof diag);
    snprintf(out, cap, "ERR_CODE %lld, ERR_INFO %s", (long long)*code,
             r.pos < len ? diag : "(none)");
    return true;
}

static void check_tail(judge *j, pj_note *n, int m, const uint8_t *msg, size_t len)
{
    const uint8_t *c;
    size_t clen;
    char what[16];
    snprintf(what, sizeof what, "message_%d", m);
    if (!single_bstr(j, n, what, msg, len, &c, &clen) || !big_enough(j, n, m, len))
        return;
    note(j, n, true, "%s: one deterministic CBOR byte string, CIPHERTEXT_%d of %zu bytes (not "
                     "decrypted: the relay has no keys)",
         what, m, clen);
}

/* check_tail, and when it passed: the message seen and its size entry. */
static void take_tail(judge *j, pj_note *n, int m, const uint8_t *msg, size_t len,
                      size_t prefix)
{
    check_tail(j, n, m, msg, len);
    if (n->ok) {
        j->r->seen[m] = true;
        size_entry(j, m, len, prefix);
    }
}

/* ------------------------------------------------------------- bodies */

static bool same_body(const pw_body *a, const pw_body *b)
{
    return a && b && a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

/* Over raw UDP after message_3: a CoAP message with an OSCORE option? */
static bool oscore_datagram(const pw_body *b)
{
    eh_coap_udp_hdr h;
    eh_coap_msg m;
    return eh_coap_udp_decode(b->data, b->len, &h, &m) == EH_OK &&
           eh_coap_find_option(&m, EH_COAP_OPT_OSCORE) >= 0;
}

static void to_responder(judge *j, const pw_body *b, pj_note *n)
{
    char err[480];
    int64_t code;
    if (b->combined) {
        name(n, "message_3");
        if (j->st != S_M3) {
            note(j, n, false, "an RFC 9668 combined request where message_3 does not belong");
            return;
        }
        eh_cbor_reader r;
        const uint8_t *item;
        size_t ilen;
        eh_cbor_reader_init(&r, b->data, b->len);
        if (eh_cbor_read_item(&r, &item, &ilen) != EH_OK) {
            note(j, n, false, "RFC 9668 combined request: no message_3 at the start of its "
                              "payload (RFC 9668 §3.2)");
            return;
        }
        n->msg_len = ilen;
        take_tail(j, n, 3, item, ilen, 0);
        j->st = S_ACK;
        return;
    }
    if (b->len > 0 && b->data[0] == 0xf5) {
        name(n, "message_1");
        n->prefix_len = 1;
        n->msg_len = b->len - 1;
        if (same_body(b, j->last[RELAY_TO_RESPONDER]) && j->st == S_M2) {
            name(n, "repeat");
            note(j, n, true, "the same message_1 again");
            return;
        }
        bool again = j->st != S_M1;
        check_m1(j, n, b->data + 1, b->len - 1);
        if (again && n->ok) {
            static const char lead[] = "a new handshake starts; ";
            size_t keep = sizeof n->text - sizeof lead;
            memmove(n->text + sizeof lead - 1, n->text, keep);
            n->text[sizeof n->text - 1] = 0;
            memcpy(n->text, lead, sizeof lead - 1);
        }
        memset(j->r->seen, 0, sizeof j->r->seen);
        j->r->seen[1] = n->ok;
        if (n->ok)
            size_entry(j, 1, b->len - 1, 1);
        j->st = S_M2;
        return;
    }
    if (j->st == S_M3) {
        const char *why = NULL;
        size_t p = c_r_prefix(b->data, b->len, &why);
        name(n, "message_3");
        if (p == 0) {
            note(j, n, false, "%s", why);
            j->st = S_ACK;
            return;
        }
        n->prefix_len = p;
        n->msg_len = b->len - p;
        if (error_message(b->data + p, b->len - p, &code, err, sizeof err)) {
            name(n, "error");
            note(j, n, false, "the Initiator answered message_2 with an EDHOC error message: %s",
                 err);
            j->st = S_DONE;
            return;
        }
        take_tail(j, n, 3, b->data + p, b->len - p, p);
        j->st = S_ACK;
        return;
    }
    if (j->st == S_M1) {
        name(n, "?");
        note(j, n, false, "the Initiator's first EDHOC payload does not start with the 0xf5 "
                          "prefix of message_1 (RFC 9528 Appendix A.2)");
        return;
    }
    if (j->st == S_M2) {
        name(n, "?");
        note(j, n, false, "the Initiator sent a payload that is not message_1 before message_2 "
                          "arrived");
        return;
    }
    /* after message_3 */
    if (!j->e->coap && oscore_datagram(b)) {
        name(n, "oscore");
        note(j, n, true, "an OSCORE-protected CoAP request after the handshake (not judged)");
        return;
    }
    if (same_body(b, j->last[RELAY_TO_RESPONDER])) {
        name(n, "repeat");
        note(j, n, true, "the same payload again (a retransmission)");
        return;
    }
    const char *why = NULL;
    size_t p = c_r_prefix(b->data, b->len, &why);
    if (p > 0 && error_message(b->data + p, b->len - p, &code, err, sizeof err)) {
        name(n, "error");
        n->prefix_len = p;
        n->msg_len = b->len - p;
        note(j, n, false, "the Initiator sent an EDHOC error message after message_3: %s", err);
        return;
    }
    name(n, "data");
    note(j, n, true, "a payload after message_3 (not judged)");
}

static void to_initiator(judge *j, const pw_body *b, pj_note *n)
{
    char err[480];
    int64_t code;
    bool is_err = b->len > 0 && error_message(b->data, b->len, &code, err, sizeof err);
    if (j->st != S_M1 && same_body(b, j->last[RELAY_TO_INITIATOR]) &&
        (j->st == S_M3 || j->st == S_DONE)) {
        name(n, "repeat");
        note(j, n, true, "the same answer again (to a retransmitted request)");
        return;
    }
    if (is_err) {
        name(n, "error");
        n->msg_len = b->len;
    }
    if (!j->e->coap && (j->st == S_ACK || j->st == S_DONE) && oscore_datagram(b)) {
        /* raw UDP: an OSCORE response (a Responder need not acknowledge message_3) */
        name(n, "oscore");
        note(j, n, true, "an OSCORE-protected CoAP response after the handshake (not judged)");
        j->st = S_DONE;
        return;
    }
    switch (j->st) {
    case S_M1:
        name(n, is_err ? "error" : "?");
        note(j, n, false, "the Responder sent an EDHOC payload before any message_1");
        return;
    case S_M2:
        if (is_err && code == 2) {
            note(j, n, true, "cipher suite negotiation: %s (RFC 9528 §6.3); the Initiator may "
                             "start again with a new message_1", err);
            j->st = S_M1;
            return;
        }
        if (is_err) {
            note(j, n, false, "the Responder answered message_1 with an EDHOC error message: %s",
                 err);
            return;
        }
        name(n, "message_2");
        if (b->len == 0) {
            note(j, n, false, "the Responder answered message_1 with no EDHOC payload%s",
                 b->coap_code ? " (an empty CoAP response)" : " (an empty datagram)");
            return;
        }
        n->msg_len = b->len;
        check_m2(j, n, b->data, b->len, b->coap_code);
        if (n->ok) {
            j->r->seen[2] = true;
            size_entry(j, 2, b->len, 0);
        }
        j->st = S_M3;
        return;
    case S_M3:
        name(n, is_err ? "error" : "?");
        note(j, n, false, "the Responder sent an EDHOC payload after message_2 before message_3 "
                          "came");
        return;
    case S_ACK:
        if (is_err) {
            note(j, n, false, "the Responder answered message_3 with an EDHOC error message: %s",
                 err);
            j->st = S_DONE;
            return;
        }
        if (b->len == 0) {
            name(n, "empty");
            note(j, n, true, "message_3 acknowledged without message_4%s",
                 b->coap_code ? " (an empty CoAP response)" : " (an empty datagram)");
        } else {
            name(n, "message_4");
            n->msg_len = b->len;
            take_tail(j, n, 4, b->data, b->len, 0);
        }
        j->st = S_DONE;
        return;
    case S_DONE:
        name(n, "data");
        note(j, n, true, "a payload after the handshake ended (not judged)");
        return;
    }
}

/* -------------------------------------------------------- reverse flow */

/* The Responder's POST after message_1: C_I (as message_1 gave it, RFC
 * 9528 Appendix A.2.2) then the message; the message's offset, or 0 after
 * noting what is wrong. */
static size_t c_i_prefix(judge *j, pj_note *n, const pw_body *b)
{
    uint8_t want[EH_MAX_CONN_ID + 4];
    size_t wl = j->s_ok ? eh_conn_id_encode(j->s.c_i, j->s.c_i_len, want, sizeof want) : 0;
    if (wl == 0) {
        note(j, n, false, "a POST with an EDHOC payload before a message_1 was accepted");
        return 0;
    }
    if (b->len <= wl || memcmp(b->data, want, wl) != 0) {
        char hex[2 * sizeof want + 1];
        for (size_t i = 0; i < wl; i++)
            snprintf(hex + 2 * i, 3, "%02x", want[i]);
        note(j, n, false, "the Responder's POST does not start with C_I from message_1 (%s): "
                          "the reverse flow sends C_I || message (RFC 9528 Appendix A.2.2)",
             hex);
        return 0;
    }
    return wl;
}

static void rev_from_responder(judge *j, const pw_body *b, pj_note *n)
{
    char err[480];
    int64_t code;
    if (b->len == 0) {
        name(n, "trigger");
        bool again = j->rst != R_TRIGGER;
        note(j, n, true, "%san empty POST: the Responder starts the session (RFC 9528 Appendix "
                         "A.2.2)", again ? "a new handshake starts; " : "");
        memset(j->r->seen, 0, sizeof j->r->seen);
        j->rst = R_M1;
        return;
    }
    if (same_body(b, j->last[RELAY_TO_RESPONDER])) {
        name(n, "repeat");
        note(j, n, true, "the same POST again (a retransmission)");
        return;
    }
    name(n, "?");
    size_t p = c_i_prefix(j, n, b);
    if (p == 0)
        return;
    n->prefix_len = p;
    n->msg_len = b->len - p;
    if (error_message(b->data + p, b->len - p, &code, err, sizeof err)) {
        name(n, "error");
        if (j->rst == R_M2 && code == 2) {
            note(j, n, true, "cipher suite negotiation: %s (RFC 9528 §6.3); the session may "
                             "start again", err);
            j->rst = R_TRIGGER;
            return;
        }
        note(j, n, false, "the Responder sent an EDHOC error message %s: %s",
             j->rst == R_M2 ? "for message_1" : j->rst == R_M4 ? "for message_3"
                                                               : "out of order", err);
        j->rst = R_DONE;
        return;
    }
    if (j->rst == R_M2) {
        name(n, "message_2");
        check_m2(j, n, b->data + p, b->len - p, 0);
        if (n->ok) {
            j->r->seen[2] = true;
            size_entry(j, 2, b->len - p, p);
        }
        j->rst = R_M3;
    } else if (j->rst == R_M4) {
        name(n, "message_4");
        take_tail(j, n, 4, b->data + p, b->len - p, p);
        j->rst = R_ACK4;
    } else if (j->rst == R_DONE || j->rst == R_ACK4) {
        name(n, "data");
        note(j, n, true, "a payload after the handshake (not judged)");
    } else {
        note(j, n, false, "the Responder sent an EDHOC payload %s",
             j->rst == R_TRIGGER ? "before its trigger" : "before the Initiator answered");
    }
}

static void rev_from_initiator(judge *j, const pw_body *b, pj_note *n)
{
    char err[480];
    int64_t code;
    /* message_1 starts with an integer too: an error message comes in a 4.xx
     * or 5.xx (Appendix A.2.3) */
    bool is_err = b->len > 0 && (b->coap_code >> 5) >= 4 &&
                  error_message(b->data, b->len, &code, err, sizeof err);
    if (same_body(b, j->last[RELAY_TO_INITIATOR]) && b->len > 0) {
        name(n, "repeat");
        note(j, n, true, "the same answer again (to a retransmitted request)");
        return;
    }
    if (is_err) {
        name(n, "error");
        n->msg_len = b->len;
        note(j, n, false, "the Initiator answered %s with an EDHOC error message: %s",
             j->rst == R_M1 ? "the trigger" : j->rst == R_M3 ? "message_2" : "a request", err);
        j->rst = R_DONE;
        return;
    }
    bool two = b->coap_code == 0 || (b->coap_code >> 5) == 2;
    switch (j->rst) {
    case R_M1:
        name(n, "message_1");
        n->msg_len = b->len;
        if (b->len == 0 || !two) {
            note(j, n, false, "the Initiator answered the trigger with %s (RFC 9528 Appendix "
                              "A.2.2: message_1 in a 2.04 response)",
                 b->len == 0 ? "no EDHOC payload" : "a CoAP error");
            j->rst = R_DONE;
            return;
        }
        check_m1(j, n, b->data, b->len);
        j->r->seen[1] = n->ok;
        if (n->ok)
            size_entry(j, 1, b->len, 0);
        j->rst = R_M2;
        return;
    case R_M3:
        name(n, "message_3");
        n->msg_len = b->len;
        if (b->len == 0 || !two) {
            note(j, n, false, "the Initiator answered message_2 with %s",
                 b->len == 0 ? "no message_3" : "a CoAP error without an EDHOC error message");
            j->rst = R_DONE;
            return;
        }
        take_tail(j, n, 3, b->data, b->len, 0);
        j->rst = R_M4;
        return;
    case R_ACK4:
        name(n, b->len ? "data" : "empty");
        note(j, n, b->len == 0 && two, "message_4 %s",
             b->len == 0 && two ? "acknowledged (an empty CoAP response)"
                                : "answered with a payload or a CoAP error");
        j->rst = R_DONE;
        return;
    case R_DONE:
        name(n, "data");
        note(j, n, true, "a payload after the handshake ended (not judged)");
        return;
    default:
        name(n, "?");
        note(j, n, false, "the Initiator sent an EDHOC payload nothing asked for");
        return;
    }
}

int pj_judge(const pw_result *w, const pj_expect *e, pj_report *out)
{
    memset(out, 0, sizeof *out);
    out->method = out->suite = -1;
    judge *j = calloc(1, sizeof *j);
    out->notes = calloc(w->n_bodies ? w->n_bodies : 1, sizeof *out->notes);
    if (j == NULL || out->notes == NULL) {
        free(j);
        pj_free(out);
        return -1;
    }
    out->n_notes = w->n_bodies;
    j->e = e;
    j->r = out;
    for (size_t i = 0; i < w->n_frames && e->coap; i++)
        if (w->frames[i].kind == PW_MALFORMED && !out->finding[0])
            snprintf(out->finding, sizeof out->finding,
                     "datagram %zu is not a CoAP message (RFC 7252 §3)", i + 1);
    for (size_t i = 0; i < w->n_bodies; i++) {
        const pw_body *b = &w->bodies[i];
        pj_note *n = &out->notes[i];
        if (b->truncated) {
            name(n, "?");
            note(j, n, false, "a block-wise payload with a missing or oversized block");
        } else if (e->reverse) { /* the relay's client is the Responder */
            if (b->dir == RELAY_TO_RESPONDER)
                rev_from_responder(j, b, n);
            else
                rev_from_initiator(j, b, n);
        } else if (b->dir == RELAY_TO_RESPONDER) {
            to_responder(j, b, n);
        } else {
            to_initiator(j, b, n);
        }
        j->last[b->dir] = b;
    }
    size_t k = 0;
    out->stage[0] = 0;
    for (int m = 1; m <= 4; m++)
        if (out->seen[m]) {
            int wr = snprintf(out->stage + k, sizeof out->stage - k, "%smessage_%d",
                              k ? ", " : "", m);
            if (wr > 0 && (size_t)wr < sizeof out->stage - k)
                k += (size_t)wr;
        }
    if (k == 0)
        snprintf(out->stage, sizeof out->stage, "no EDHOC message accepted");
    out->complete = !out->finding[0] && out->seen[1] && out->seen[2] && out->seen[3] &&
                    (!e->message_4 || out->seen[4]);
    eh_session_wipe(&j->s);
    free(j);
    return 0;
}

void pj_free(pj_report *r)
{
    free(r->notes);
    r->notes = NULL;
    r->n_notes = 0;
}

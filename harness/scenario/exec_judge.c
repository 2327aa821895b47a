/*
 * exec_judge.c - building the harness's messages (engine + mutations) and
 * judging what the IUT sent against a step's acceptable outcomes and
 * checks.
 */
#include <stdio.h>
#include <string.h>

#include "../cbor/cbor.h"
#include "../common/hex.h"
#include "../report/keylog.h"
#include "exec_internal.h"

/* The key schedule's values worth showing (RFC 9528 §4, Appendix A.1),
 * in the order they are derived, and what the EDHOC dissector needs
 * (wireshark/README.md): G_X names the session, KEYSTREAM_2, K_3/IV_3 and
 * K_4/IV_4 decrypt, the OSCORE values fill Wireshark's OSCORE context; at
 * most 24 (x->derived). */
static const char *const x_derived_names[] = {
    "g_x",      "g_xy",  "th_2",  "prk_2e", "prk_3e2m", "th_3", "k_3",
    "iv_3",     "prk_4e3m", "th_4", "k_4",  "iv_4",     "prk_out", "prk_exporter",
    "oscore_master_secret", "oscore_master_salt", "oscore_client_sender_id",
    "oscore_server_sender_id", NULL};

void x_derived_transcript(sc_exec *x)
{
    bool any = false;
    if (!x->o.keylog)
        return;
    for (size_t i = 0; x_derived_names[i]; i++) {
        if (!x->derived_set[i])
            continue;
        char hex[2 * EH_MAX_HASH_LEN + 1];
        eh_hex_encode(x->derived[i], x->derived_len[i], hex);
        if (!any)
            xt_printf(x, "%s\n", KEYLOG_BLOCK);
        any = true;
        xt_printf(x, "  %s: %s\n", x_derived_names[i], hex);
    }
    if (x->keystream_2_len) {
        if (!any)
            xt_printf(x, "%s\n", KEYLOG_BLOCK);
        xt_printf(x, "  keystream_2: ");
        for (size_t i = 0; i < x->keystream_2_len; i++)
            xt_printf(x, "%02x", x->keystream_2[i]);
        xt_printf(x, "\n");
    }
}

void x_trace(void *arg, const char *name, const uint8_t *val, size_t len)
{
    sc_exec *x = arg;
    if (strcmp(name, "g_x") == 0) { /* a new session: its values only, never a mix */
        bool any = x->keystream_2_len > 0;
        for (size_t i = 0; i < sizeof x->derived_set / sizeof x->derived_set[0]; i++)
            any |= x->derived_set[i];
        if (any) /* the previous session's values stay in the transcript (and the keylog) */
            x_derived_transcript(x);
        memset(x->derived_set, 0, sizeof x->derived_set);
        x->keystream_2_len = 0;
    }
    for (size_t i = 0; x_derived_names[i]; i++)
        if (strcmp(name, x_derived_names[i]) == 0 && len <= sizeof x->derived[i]) {
            memcpy(x->derived[i], val, len);
            x->derived_len[i] = len;
            x->derived_set[i] = true;
            x->derived_changes++;
        }
    if (strcmp(name, "keystream_2") == 0 && len <= sizeof x->keystream_2) {
        memcpy(x->keystream_2, val, len);
        x->keystream_2_len = len;
    }
    int k = strcmp(name, "plaintext_2") == 0 ? 0 : strcmp(name, "plaintext_3") == 0 ? 1 : -1;
    if (k >= 0 && len <= sizeof x->plaintext[k]) {
        memcpy(x->plaintext[k], val, len);
        x->plaintext_len[k] = len;
    }
}

unsigned long x_faults(sc_exec *x, const sc_step *st)
{
    unsigned long f = 0;
    for (size_t i = 0; i < st->n_faults; i++) {
        unsigned long bit = eh_fault_parse(st->faults[i]);
        if (bit == 0)
            x_fail(x, V_ERROR, "scenario error: unknown fault '%s'", st->faults[i]);
        f |= bit;
    }
    return f;
}

/* ------------------------------------------------------------ CBOR items */

/* Top-level items of a CBOR sequence (lenient: the IUT's bytes). */
typedef struct items {
    size_t off[16], len[16], n;
} items;

static void split_items(const uint8_t *b, size_t n, items *it)
{
    eh_cbor_reader r;
    eh_cbor_reader_init(&r, b, n);
    r.lenient = true;
    it->n = 0;
    while (!eh_cbor_at_end(&r) && it->n < 16) {
        const uint8_t *item;
        size_t len, at = r.pos;
        if (eh_cbor_read_item(&r, &item, &len) != EH_OK)
            break;
        it->off[it->n] = at, it->len[it->n] = len, it->n++;
    }
}

/* Index of a named field among the items of `message` (-1 if unknown). */
static int field_index(const char *message, const char *field)
{
    static const struct {
        const char *message, *fields[5];
    } layout[] = {
        {"message_1", {"METHOD", "SUITES_I", "G_X", "C_I", "EAD_1"}},
        {"message_2", {"G_Y_CIPHERTEXT_2", NULL}},
        {"message_3", {"CIPHERTEXT_3", NULL}},
        {"message_4", {"CIPHERTEXT_4", NULL}},
        {"error", {"ERR_CODE", "ERR_INFO", NULL}},
        {"plaintext_2", {"C_R", "ID_CRED_R", "Signature_or_MAC_2", "EAD_2", NULL}},
        {"plaintext_3", {"ID_CRED_I", "Signature_or_MAC_3", "EAD_3", NULL}},
    };
    for (size_t i = 0; i < sizeof layout / sizeof layout[0]; i++) {
        if (strcmp(layout[i].message, message) != 0)
            continue;
        for (int k = 0; k < 5 && layout[i].fields[k]; k++)
            if (strcmp(layout[i].fields[k], field) == 0)
                return k;
    }
    return -1;
}

/* One transcript line naming the fields of a message (or, for message_2 /
 * message_3 the engine decrypted, of its PLAINTEXT) with each item in CBOR
 * diagnostic notation; items past the layout are the EAD. */
void x_fields_line(sc_exec *x, const char *kind, const uint8_t *msg, size_t len)
{
    const char *layout = kind, *ead = "EAD_1", *title = "fields";
    const uint8_t *b = msg;
    size_t n = len;
    if (strcmp(kind, "message_2") == 0 && x->plaintext_len[0] > 0)
        layout = "plaintext_2", ead = "EAD_2", title = "PLAINTEXT_2", b = x->plaintext[0],
        n = x->plaintext_len[0];
    else if (strcmp(kind, "message_3") == 0 && x->plaintext_len[1] > 0)
        layout = "plaintext_3", ead = "EAD_3", title = "PLAINTEXT_3", b = x->plaintext[1],
        n = x->plaintext_len[1];
    else if (strcmp(kind, "message_1") != 0 && strcmp(kind, "error") != 0)
        return;
    items it;
    split_items(b, n, &it);
    if (it.n == 0)
        return;
    static const struct {
        const char *layout, *fields[4];
    } names[] = {
        {"message_1", {"METHOD", "SUITES_I", "G_X", "C_I"}},
        {"plaintext_2", {"C_R", "ID_CRED_R", "Signature_or_MAC_2", NULL}},
        {"plaintext_3", {"ID_CRED_I", "Signature_or_MAC_3", NULL, NULL}},
        {"error", {"ERR_CODE", "ERR_INFO", NULL, NULL}},
    };
    const char *const *fields = NULL;
    for (size_t m = 0; m < sizeof names / sizeof names[0]; m++)
        if (strcmp(names[m].layout, layout) == 0)
            fields = names[m].fields;
    char line[1500];
    size_t k = (size_t)snprintf(line, sizeof line, "     %s:", title);
    for (size_t i = 0; i < it.n && k < sizeof line; i++) {
        const char *name = fields && i < 4 && fields[i] ? fields[i] : ead;
        char diag[400];
        eh_cbor_diag(b + it.off[i], it.len[i], diag, sizeof diag);
        k += (size_t)snprintf(line + k, sizeof line - k, "%s %s %s", i ? "," : "", name, diag);
    }
    xt_printf(x, "%s\n", line);
}

/* Re-encode the head of the item at b[0..] with a longer argument. */
static size_t nondet_item(const uint8_t *b, size_t len, int width, uint8_t *out, size_t cap)
{
    uint8_t ai = b[0] & 31;
    int major = b[0] >> 5;
    size_t head = ai < 24 ? 1 : ai == 24 ? 2 : ai == 25 ? 3 : ai == 26 ? 5 : ai == 27 ? 9 : 0;
    if (head == 0 || head > len)
        return 0;
    uint64_t arg = ai < 24 ? ai : 0;
    for (size_t i = 1; i < head; i++)
        arg = arg << 8 | b[i];
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, out, cap);
    eh_cbor_write_head_width(&w, major, arg, width);
    eh_cbor_write_raw(&w, b + head, len - head);
    return eh_cbor_writer_status(&w) == EH_OK ? w.len : 0;
}

/* Apply m to buf (*len bytes of cap); fields by the layout of `layout`
 * (the message, or plaintext_2 / plaintext_3). */
static int mutate(sc_exec *x, const sc_step *st, const sc_mutation *m, const char *layout,
                  uint8_t *buf, size_t cap, size_t *len)
{
    static uint8_t tmp[TR_MAX_BODY];
    switch (m->kind) {
    case SC_MUT_FLIP: {
        long off = m->offset < 0 ? (long)*len + m->offset : m->offset;
        if (off < 0 || (size_t)off >= *len || m->bit < 0 || m->bit > 7)
            goto bad;
        buf[off] ^= (uint8_t)(1u << m->bit);
        return 0;
    }
    case SC_MUT_TRUNCATE: {
        long keep = m->offset < 0 ? (long)*len + m->offset : m->offset;
        if (keep < 0 || (size_t)keep > *len)
            goto bad;
        *len = (size_t)keep;
        return 0;
    }
    case SC_MUT_OVERWRITE: {
        long off = m->offset < 0 ? (long)*len + m->offset : m->offset;
        if (off < 0 || (size_t)off > *len || m->bytes_n > *len - (size_t)off)
            goto bad;
        memcpy(buf + off, sc_mutation_bytes(st, m), m->bytes_n);
        return 0;
    }
    case SC_MUT_INSERT: {
        long off = m->offset < 0 ? (long)*len + m->offset : m->offset;
        if (m->field[0]) {
            items it;
            int k = field_index(layout, m->field);
            split_items(buf, *len, &it);
            if (k < 0 || (size_t)k >= it.n)
                goto bad;
            off = (long)it.off[k];
        }
        if (off < 0 || (size_t)off > *len || m->bytes_n > cap - *len)
            goto bad;
        memmove(buf + off + m->bytes_n, buf + off, *len - (size_t)off);
        memcpy(buf + off, sc_mutation_bytes(st, m), m->bytes_n);
        *len += m->bytes_n;
        return 0;
    }
    case SC_MUT_APPEND:
        if (m->bytes_n > cap - *len)
            goto bad;
        memcpy(buf + *len, sc_mutation_bytes(st, m), m->bytes_n);
        *len += m->bytes_n;
        return 0;
    case SC_MUT_RAW:
        if (m->bytes_n > cap)
            goto bad;
        memcpy(buf, sc_mutation_bytes(st, m), m->bytes_n);
        *len = m->bytes_n;
        return 0;
    case SC_MUT_REPLACE:
    case SC_MUT_NONDET: {
        items it;
        int k = field_index(layout, m->field);
        split_items(buf, *len, &it);
        if (k < 0 || (size_t)k >= it.n)
            goto bad;
        size_t n = 0;
        if (m->kind == SC_MUT_REPLACE) {
            if (m->bytes_n > sizeof tmp)
                goto bad;
            memcpy(tmp, sc_mutation_bytes(st, m), m->bytes_n);
            n = m->bytes_n;
        } else {
            n = nondet_item(buf + it.off[k], it.len[k], m->width, tmp, sizeof tmp);
            if (n == 0)
                goto bad;
        }
        size_t tail = *len - it.off[k] - it.len[k];
        if (it.off[k] + n + tail > cap)
            goto bad;
        memmove(buf + it.off[k] + n, buf + it.off[k] + it.len[k], tail);
        memcpy(buf + it.off[k], tmp, n);
        *len = it.off[k] + n + tail;
        return 0;
    }
    }
bad:
    x_fail(x, V_ERROR, "scenario error: mutation %d of %s does not apply (field %s)",
           (int)m->kind, layout, m->field[0] ? m->field : "-");
    return -1;
}

eh_err x_plaintext_hook(void *arg, int n, uint8_t *pt, size_t *len, size_t cap)
{
    sc_exec *x = arg;
    const sc_step *st = x->building;
    if (st == NULL) /* a natural answer, not a scripted send */
        return EH_OK;
    for (size_t i = 0; i < st->n_mutations; i++)
        if (st->mutations[i].plaintext &&
            mutate(x, st, &st->mutations[i], n == 2 ? "plaintext_2" : "plaintext_3", pt, cap,
                   len) != 0)
            return EH_ERR_ARG;
    return EH_OK;
}

static int build(sc_exec *x, const sc_step *st, uint8_t *out, size_t cap, size_t *len);

/* A step's own `ead` replaces the scenario's EAD_N while message_N is built
 * (the session points at x->cfg; EAD is read only while a message is built). */
int x_build(sc_exec *x, const sc_step *st, uint8_t *out, size_t cap, size_t *len)
{
    int n = st->has_ead ? st->message[8] - '0' : 0;
    if (n < 1 || n > 4)
        return build(x, st, out, cap, len);
    const uint8_t *ead = x->cfg.ead[n];
    size_t ead_len = x->cfg.ead_len[n];
    x->cfg.ead[n] = st->ead, x->cfg.ead_len[n] = st->ead_len;
    int r = build(x, st, out, cap, len);
    x->cfg.ead[n] = ead, x->cfg.ead_len[n] = ead_len;
    return r;
}

bool x_mutates_message(const sc_step *st)
{
    for (size_t i = 0; i < st->n_mutations; i++)
        if (!st->mutations[i].plaintext)
            return true;
    return false;
}

bool x_mutates_plaintext(const sc_step *st)
{
    for (size_t i = 0; i < st->n_mutations; i++)
        if (st->mutations[i].plaintext)
            return true;
    return false;
}

static int build(sc_exec *x, const sc_step *st, uint8_t *out, size_t cap, size_t *len)
{
    eh_err err = EH_OK;
    *len = 0;
    if (strcmp(st->message, "message_1") == 0) {
        if (x->s.state != EH_STATE_START) /* a new attempt: a new session */
            eh_session_init(&x->s, &x->cfg);
        x->oscore_ready = false;
        x_inject_ephemeral(x);
        err = eh_initiator_message_1(&x->s, out, cap, len);
    } else if (strcmp(st->message, "message_3") == 0) {
        if (st->again && x->before_m3_set) {
            eh_session_wipe(&x->s);
            x->s = x->before_m3; /* the state message_3 was first built from */
        } else if (st->again) {
            x_fail(x, V_ERROR, "scenario error: message_3 again, but none was sent before");
            return -1;
        }
        if (x->s.state == EH_STATE_VERIFIED_M2) {
            x->before_m3 = x->s;
            x->before_m3_set = true;
        }
        if (x->s.state != EH_STATE_VERIFIED_M2 && x->m2_unverified) {
            x_fail_plain(x, V_SKIPPED, "inconclusive: message_3 needs the keys of a message_2 "
                         "the harness could not verify (%s)", x->m1_unverifiable);
            return -1;
        }
        if (x->s.state != EH_STATE_VERIFIED_M2) {
            x_fail(x, V_FAIL, "message_3 cannot be sent: no valid message_2 was received");
            return -1;
        }
        x->building = st;
        err = eh_initiator_message_3(&x->s, out, cap, len);
        x->building = NULL;
    } else if (strcmp(st->message, "message_2") == 0) {
        if (x->s.state != EH_STATE_RECEIVED_M1) {
            x_fail(x, V_FAIL, "message_2 cannot be sent: no valid message_1 was received");
            return -1;
        }
        x->building = st;
        err = eh_responder_message_2(&x->s, out, cap, len);
        x->building = NULL;
        x->c_r_sent = err == EH_OK;
        /* a wrong MAC_2 keeps C_R, the first item of PLAINTEXT_2, as it is */
        x->m2_unaltered = st->n_mutations == 0 && (x->cfg.faults & ~EH_FAULT_WRONG_MAC_2) == 0;
    } else if (strcmp(st->message, "message_4") == 0) {
        if (x->s.state != EH_STATE_COMPLETED) {
            x_fail(x, V_FAIL, "message_4 cannot be sent: no valid message_3 was received");
            return -1;
        }
        err = eh_responder_message_4(&x->s, out, cap, len);
    } else if (strcmp(st->message, "error") == 0) {
        err = eh_error_message_encode(st->err_code, st->err_info.b, st->err_info.n, out, cap,
                                      len);
    } else if (strcmp(st->message, "raw") != 0) {
        x_fail(x, V_ERROR, "scenario error: cannot send '%s'", st->message);
        return -1;
    }
    if (err != EH_OK) {
        x_fail(x, V_ERROR, "harness error: building %s failed: %s", st->message,
               eh_err_name(err));
        return -1;
    }
    for (size_t i = 0; i < st->n_mutations; i++)
        if (!st->mutations[i].plaintext &&
            mutate(x, st, &st->mutations[i], st->message, out, cap, len) != 0)
            return -1;
    return 0;
}

/* ---------------------------------------------------------------- judge */

bool x_step_allows(const sc_step *st, sc_outcome_kind kind, const char *message)
{
    for (size_t i = 0; i < st->n_outcomes; i++)
        if (st->outcomes[i].kind == kind &&
            (message == NULL || strcmp(st->outcomes[i].message, message) == 0))
            return true;
    return false;
}

static void outcome_text(const sc_outcome *o, char *buf, size_t cap)
{
    switch (o->kind) {
    case SC_OUT_MESSAGE:
        if (strcmp(o->message, "accepted") == 0)
            snprintf(buf, cap, "an empty success response (accepted)");
        else if (strcmp(o->message, "oscore") == 0)
            snprintf(buf, cap, "an OSCORE message that verifies");
        else if (o->suite == SC_SUITE_SUPPORTED)
            snprintf(buf, cap, "a message_1 selecting a suite the harness supports");
        else if (o->suite == SC_SUITE_UNSUPPORTED)
            snprintf(buf, cap, "a well-formed message_1 selecting a suite the harness lacks");
        else
            snprintf(buf, cap, "a valid %s", o->message);
        break;
    case SC_OUT_ERROR:
        if (o->err_code >= 0)
            snprintf(buf, cap, "an error message with ERR_CODE %d", o->err_code);
        else
            snprintf(buf, cap, "an error message");
        break;
    case SC_OUT_COAP:
        if (o->coap_code == 0)
            snprintf(buf, cap, "a CoAP error response without an EDHOC error message");
        else
            snprintf(buf, cap, "CoAP %d.%02d without an EDHOC error message", o->coap_code >> 5,
                     o->coap_code & 31);
        break;
    case SC_OUT_SILENCE:
        snprintf(buf, cap, "silence");
        break;
    case SC_OUT_CLOSE:
        snprintf(buf, cap, "a closed/reset transport");
        break;
    case SC_OUT_SAME:
        snprintf(buf, cap, "the identical answer again");
        break;
    }
}

static void received_text(const sc_exec *x, const received *rx, char *buf, size_t cap)
{
    /* what the transport adds: what it dropped on the way, or why it could
     * not take the answer */
    const char *sep = rx->detail[0] ? "; " : "";
    if (rx->st == TR_TIMEOUT) {
        /* a wait that ended because the IUT process did is no timeout: the
         * exit note that follows says how it ended */
        snprintf(buf, cap, "nothing%s%s%.500s", rx->gave_up ? "" : " (timeout)", sep,
                 rx->detail);
        return;
    }
    if (rx->st == TR_RESET) {
        snprintf(buf, cap, "a reset (CoAP Reset or ICMP port unreachable)%s%.500s", sep,
                 rx->detail);
        return;
    }
    if (rx->st != TR_OK) {
        snprintf(buf, cap, "something the harness cannot take: %.500s",
                 rx->detail[0] ? rx->detail : "a transport failure");
        return;
    }
    char diag[200] = "", coap[32] = "";
    if (strcmp(rx->kind, "error") == 0)
        eh_cbor_diag(rx->msg, rx->msg_len, diag, sizeof diag);
    /* raw UDP has no CoAP code (the transport's is a stand-in) */
    bool coap_code = x->sc->transport != SC_UDP;
    if (coap_code && rx->code >= 0x40) /* a response code, not a request method */
        snprintf(coap, sizeof coap, ", CoAP %d.%02d", rx->code >> 5, rx->code & 31);
    else if (coap_code && rx->code > 0 && strcmp(rx->kind, "other") == 0)
        snprintf(coap, sizeof coap, ", CoAP request %d.%02d", rx->code >> 5, rx->code & 31);
    bool judged = strncmp(rx->kind, "message_", 8) == 0;
    /* the Appendix A.2 framing as received (harness Responder), and the
     * first bytes of what could not be classified */
    char framing[64] = "", start[48] = "";
    size_t pl = rx->msg ? (size_t)(rx->msg - rx->payload) : 0;
    if (x->o.role == SC_HARNESS_RESPONDER && rx->bare && strcmp(rx->kind, "other") != 0)
        snprintf(framing, sizeof framing, " without an Appendix A.2 prefix");
    else if (x->o.role == SC_HARNESS_RESPONDER && rx->foreign_prefix) {
        char hex[32];
        x_hex_start(rx->payload, pl, hex, sizeof hex);
        snprintf(framing, sizeof framing, " prefixed with %s", hex);
    }
    if (strcmp(rx->kind, "other") == 0 && rx->len > 0) {
        char hex[32];
        x_hex_start(rx->payload, rx->len, hex, sizeof hex);
        snprintf(start, sizeof start, ", starting %s", hex);
    }
    int w = snprintf(buf, cap, "%s%s%s%s%.200s (%zu bytes%s%s)%s%.300s",
             strcmp(rx->kind, "accepted") == 0 ? "an empty success response"
             : strcmp(rx->kind, "same") == 0   ? "the identical answer again"
                                               : rx->kind,
             framing, rx->engine_ok || !judged ? "" : " that the harness rejects",
             diag[0] ? " " : "", diag, rx->msg_len, start, coap, rx->engine_why[0] ? ": " : "",
             rx->engine_why);
    if (w < 0 || (size_t)w >= cap) /* a description cut short is still a description */
        buf[cap - 1] = 0;
}

/* The k-th suite SUITES_R must include: as written, for `profile` the
 * suite the job selects, for `other` the one preferred to it (`suites:
 * [other, profile]`; the loader allows `other` only there). */
static int suite_required(const sc_exec *x, const sc_outcome *o, size_t k)
{
    const scenario *sc = x->sc;
    if (o->suites_include[k] == SC_SUITE_OTHER)
        return sc->suites[0];
    if (o->suites_include[k] != SC_SUITE_OF_PROFILE)
        return o->suites_include[k];
    return sc->n_suites ? sc->suites[sc->n_suites - 1] : 2;
}

/* Does ERR_INFO have the form the outcome asks for (§6.2, §6.3, §6.4)? */
static bool err_info_matches(const sc_exec *x, const received *rx, const sc_outcome *o)
{
    if (o->err_info[0] == 0 && o->n_suites_include == 0)
        return true;
    eh_cbor_reader r;
    eh_cbor_reader_init(&r, rx->err_info, rx->err_info_len);
    r.lenient = true;
    int major = eh_cbor_peek_major(&r);
    if (strcmp(o->err_info, "tstr") == 0 && major != EH_CBOR_TSTR)
        return false;
    if (strcmp(o->err_info, "true") == 0 &&
        !(rx->err_info_len == 1 && rx->err_info[0] == 0xf5))
        return false;
    if (strcmp(o->err_info, "suites") == 0 || o->n_suites_include > 0) {
        int suites[EH_MAX_SUITES];
        size_t n = 1;
        int64_t v;
        if (major == EH_CBOR_ARRAY) {
            if (eh_cbor_read_array(&r, &n) != EH_OK || n < 2 || n > EH_MAX_SUITES)
                return false;
        } else if (major != EH_CBOR_UINT && major != EH_CBOR_NEGINT) {
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            if (eh_cbor_read_int(&r, &v) != EH_OK)
                return false;
            suites[i] = (int)v;
        }
        for (size_t k = 0; k < o->n_suites_include; k++) {
            bool found = false;
            for (size_t i = 0; i < n; i++)
                found |= suites[i] == suite_required(x, o, k);
            if (!found)
                return false;
        }
    }
    return true;
}

static bool outcome_matches(sc_exec *x, const sc_outcome *o, char *why, size_t cap)
{
    const received *rx = &x->rx;
    why[0] = 0;
    switch (o->kind) {
    case SC_OUT_SILENCE:
        return rx->st == TR_TIMEOUT;
    case SC_OUT_CLOSE:
        return rx->st == TR_RESET;
    case SC_OUT_SAME:
        return rx->st == TR_OK && strcmp(rx->kind, "same") == 0;
    case SC_OUT_COAP:
        /* a CoAP response that is not an EDHOC error message: an error
         * message is judged by the `error` outcomes (its code, its info),
         * never let through as "some CoAP error" */
        return rx->st == TR_OK && rx->code != 0 && strcmp(rx->kind, "error") != 0 &&
               (o->coap_code == 0 ? rx->code >= 0x80 : rx->code == o->coap_code);
    case SC_OUT_MESSAGE:
        if (rx->st != TR_OK || strcmp(rx->kind, o->message) != 0)
            return false;
        if (o->suite == SC_SUITE_SUPPORTED)
            return rx->engine_ok;
        if (o->suite == SC_SUITE_UNSUPPORTED)
            return rx->suite_only;
        return rx->engine_ok || rx->suite_only || rx->unverified ||
               strcmp(o->message, "accepted") == 0;
    case SC_OUT_ERROR:
        if (rx->st != TR_OK || strcmp(rx->kind, "error") != 0)
            return false;
        if (o->err_code >= 0 && rx->err_code != o->err_code)
            return false;
        if (!err_info_matches(x, rx, o)) {
            char need[96] = "";
            for (size_t k = 0, n = 0; k < o->n_suites_include && n < sizeof need; k++)
                n += (size_t)snprintf(need + n, sizeof need - n, "%s%d", k ? ", " : "",
                                      suite_required(x, o, k));
            snprintf(why, cap, "ERR_INFO does not have the form required (%s%s%s%s)",
                     o->n_suites_include ? "SUITES_R" : o->err_info[0] ? o->err_info : "suites",
                     o->n_suites_include ? " including suite" : "",
                     o->n_suites_include > 1 ? "s " : o->n_suites_include ? " " : "", need);
            return false;
        }
        /* Appendix A.2.3: an error in a CoAP response uses an error code
         * and Content-Format 64. */
        bool in_response = (x->o.role == SC_HARNESS_INITIATOR) != x->reverse;
        if (in_response && x->sc->transport != SC_UDP) {
            if (rx->code < 0x80) {
                snprintf(why, cap, "the error message came in CoAP %d.%02d; RFC 9528 Appendix "
                                   "A.2.3 requires an error response code", rx->code >> 5,
                         rx->code & 31);
                return false;
            }
            if (rx->cf != -1 && rx->cf != 64) {
                snprintf(why, cap, "the error response has Content-Format %d; RFC 9528 "
                                   "Appendix A.2.3 requires 64", rx->cf);
                return false;
            }
        }
        return true;
    }
    return false;
}

/* ead_labels: every EAD item of the message (EAD_1 after C_I in
 * message_1; EAD_2 / EAD_3 after Signature_or_MAC in the decrypted
 * plaintext) has a label whose absolute value is listed. */
static void check_ead_labels(sc_exec *x, const sc_checks *c)
{
    const received *rx = &x->rx;
    const uint8_t *b = rx->msg;
    size_t n = rx->msg_len, first = 4; /* message_1: METHOD SUITES_I G_X C_I, then EAD_1 */
    const char *where = rx->kind;
    if (strcmp(rx->kind, "message_2") == 0)
        b = x->plaintext[0], n = x->plaintext_len[0], first = 3, where = "PLAINTEXT_2";
    else if (strcmp(rx->kind, "message_3") == 0)
        b = x->plaintext[1], n = x->plaintext_len[1], first = 2, where = "PLAINTEXT_3";
    else if (strcmp(rx->kind, "message_1") != 0)
        return;
    if (!rx->engine_ok)
        return;
    items it;
    split_items(b, n, &it);
    for (size_t i = first; i < it.n; i++) {
        eh_cbor_reader r;
        int64_t label;
        eh_cbor_reader_init(&r, b + it.off[i], it.len[i]);
        r.lenient = true;
        if (eh_cbor_read_int(&r, &label) != EH_OK)
            continue; /* an ead_value: follows its label */
        int64_t a = label < 0 ? -label : label;
        bool known = false;
        for (size_t k = 0; k < c->n_ead_labels; k++)
            known |= a == c->ead_labels[k];
        if (!known && x->v == V_PASS) {
            x->v = V_NONSTRICT;
            snprintf(x->message, sizeof x->message,
                     "step %zu: %s carries an EAD item with label %lld at byte offset %zu, not "
                     "among the labels registered as far as this scenario knows (RFC 9528 "
                     "§3.8: only registered labels are sent; graded non-strict, as a later "
                     "specification may have registered it)", x->step + 1, where,
                     (long long)label, it.off[i]);
            xt_printf(x, "  note: %s\n", x->message);
        }
    }
}

static void run_checks(sc_exec *x, const sc_step *st)
{
    const sc_checks *c = &st->checks;
    const received *rx = &x->rx;
    if (rx->st != TR_OK || rx->msg == NULL)
        return;
    if (c->has_ead_labels)
        check_ead_labels(x, c);
    if (c->max_size >= 0 && (long)rx->msg_len > c->max_size)
        x_fail(x, V_FAIL, "%s is %zu bytes, over the budget of %ld bytes", rx->kind, rx->msg_len,
               c->max_size);
    if (c->deterministic) {
        eh_cbor_check_result cr;
        if (eh_cbor_check(rx->msg, rx->msg_len, &cr) != EH_OK)
            x_fail(x, V_FAIL, "%s is not deterministic CBOR: %s at byte offset %zu (RFC 9528 "
                              "§3.1, RFC 8949 §4.2.1)",
                   rx->kind, cr.what ? cr.what : eh_err_name(cr.err), cr.offset);
    }
    if (c->equals_vector) {
        const bytes *want = NULL;
        if (x->vs != NULL && strncmp(rx->kind, "message_", 8) == 0 && rx->kind[8] >= '1' &&
            rx->kind[8] <= '4') {
            const bytes *all[4] = {&x->vs->in.msg1, &x->vs->in.msg2, &x->vs->in.msg3,
                                   &x->vs->in.msg4};
            want = all[rx->kind[8] - '1'];
        }
        if (want == NULL) {
            x_fail(x, V_ERROR, "scenario error: equals_vector without a vector file or for %s",
                   rx->kind);
        } else if (want->n != rx->msg_len || memcmp(want->b, rx->msg, want->n) != 0) {
            size_t at = 0;
            while (at < want->n && at < rx->msg_len && want->b[at] == rx->msg[at])
                at++;
            /* up to 16 bytes of each from there: "; expected HEX, received HEX" */
            size_t wl = want->n - at < 16 ? want->n - at : 16;
            size_t gl = rx->msg_len - at < 16 ? rx->msg_len - at : 16;
            char w[33], g[33];
            eh_hex_encode(want->b + at, wl, w);
            eh_hex_encode(rx->msg + at, gl, g);
            x_fail(x, V_FAIL, "%s differs from the vector's %s at byte offset %zu (%zu bytes, "
                              "the vector has %zu)%s%s%s%s",
                   rx->kind, rx->kind, at, rx->msg_len, want->n,
                   wl && gl ? "; expected " : "", wl && gl ? w : "",
                   gl ? (wl ? ", received " : "; received ") : "", gl ? g : "");
        }
    }
    for (size_t i = 0; i < c->n_fields; i++) {
        const sc_field_check *f = &c->fields[i];
        const uint8_t *b = rx->msg;
        size_t n = rx->msg_len;
        const char *layout = rx->kind;
        if (strcmp(rx->kind, "message_2") == 0 && field_index("plaintext_2", f->field) >= 0)
            b = x->plaintext[0], n = x->plaintext_len[0], layout = "plaintext_2";
        if (strcmp(rx->kind, "message_3") == 0 && field_index("plaintext_3", f->field) >= 0)
            b = x->plaintext[1], n = x->plaintext_len[1], layout = "plaintext_3";
        int k = field_index(layout, f->field);
        items it;
        split_items(b, n, &it);
        if (k < 0) {
            x_fail(x, V_ERROR, "scenario error: %s has no field %s", rx->kind, f->field);
            return;
        }
        if ((size_t)k >= it.n) {
            x_fail(x, V_FAIL, "%s: field %s is missing", rx->kind, f->field);
            return;
        }
        if (it.len[k] != f->equals.n || memcmp(b + it.off[k], f->equals.b, f->equals.n) != 0) {
            char got[129], want[129];
            eh_hex_encode(b + it.off[k], it.len[k] < 64 ? it.len[k] : 64, got);
            eh_hex_encode(f->equals.b, f->equals.n < 64 ? f->equals.n : 64, want);
            x_fail(x, V_FAIL, "%s: field %s at byte offset %zu is %s, expected %s", rx->kind,
                   f->field, it.off[k], got, want);
        }
    }
}

/* Every message_1 / message_2 must carry a fresh ephemeral key (RFC 9528
 * §9.2, §5.2.2, §5.3.2): a key seen before in this scenario fails it. The
 * key is read from the message itself (G_X: the third item of message_1;
 * G_Y: the start of message_2's bstr), so a message_1 the harness rejects
 * for its suite still counts. */
static void check_fresh_ephemeral(sc_exec *x)
{
    const received *rx = &x->rx;
    bool m1 = strcmp(rx->kind, "message_1") == 0, m2 = strcmp(rx->kind, "message_2") == 0;
    if (rx->st != TR_OK || !(m1 || m2) || rx->msg == NULL)
        return;
    items it;
    split_items(rx->msg, rx->msg_len, &it);
    size_t k = m1 ? 2 : 0;
    if (k >= it.n)
        return;
    eh_cbor_reader r;
    const uint8_t *b;
    size_t n;
    eh_cbor_reader_init(&r, rx->msg + it.off[k], it.len[k]);
    r.lenient = true;
    if (eh_cbor_read_bstr(&r, &b, &n) != EH_OK)
        return;
    if (m2) { /* G_Y is the first coordinate-length bytes */
        size_t glen = x->s.suite ? x->s.suite->ecdh->coord_len : 0;
        if (glen == 0 || n < glen)
            return;
        n = glen;
    }
    if (n == 0 || n > EH_MAX_COORD_LEN)
        return;
    for (size_t i = 0; i < x->n_seen_keys; i++)
        if (x->seen_len[i] == n && memcmp(x->seen_keys[i], b, n) == 0) {
            x_fail(x, V_FAIL, "%s reuses the ephemeral key %s of an earlier message in this "
                              "scenario (RFC 9528 §9.2: a fresh ephemeral key per session)",
                   rx->kind, m2 ? "G_Y" : "G_X");
            return;
        }
    if (x->n_seen_keys < 8) {
        memcpy(x->seen_keys[x->n_seen_keys], b, n);
        x->seen_len[x->n_seen_keys++] = n;
    }
}

/* The IUT's connection identifier fits the OSCORE Sender ID length of the
 * suite's application AEAD (§3.3.1: nonce length - 6), and an IUT
 * Responder's C_R differs from the C_I the harness sent (OSCORE Recipient
 * IDs must differ: RFC 9528 §3.3.3, RFC 9668 §4.1); both only for an IUT
 * whose identifiers key OSCORE. An IUT Initiator's C_I is never compared
 * with the harness's C_R: it could not know C_R, and the harness as
 * Responder picks its C_R after C_I (exec_wire.c). */
static void check_identifier(sc_exec *x)
{
    const received *rx = &x->rx;
    bool m2 = strcmp(rx->kind, "message_2") == 0, m1 = strcmp(rx->kind, "message_1") == 0;
    if (rx->st != TR_OK || !rx->engine_ok || !(m1 || m2) || x->s.suite == NULL ||
        x->o.iut_without_oscore)
        return;
    const uint8_t *theirs = m2 ? x->s.c_r : x->s.c_i;
    size_t n = m2 ? x->s.c_r_len : x->s.c_i_len;
    if (m2 && n == x->s.c_i_len && memcmp(theirs, x->s.c_i, n) == 0)
        x_fail(x, V_FAIL, "message_2: the IUT chose the identifier C_R equal to the harness's "
                          "C_I, so both OSCORE Recipient IDs would be equal (RFC 9528 §3.3.3, "
                          "RFC 9668 §4.1)");
    size_t max = x->s.suite->app_aead->nonce_len - 6;
    if (n > max)
        x_fail(x, V_FAIL, "%s: %s is %zu bytes, longer than the %zu bytes an OSCORE Sender ID "
                          "can have with %s (RFC 9528 §3.3.1, RFC 8613 §3.3)",
               rx->kind, m2 ? "C_R" : "C_I", n, max, x->s.suite->app_aead->name);
}

/* Error codes the IUT may never use where it used them: ERR_CODE 0 is
 * never sent (RFC 9528 §6.1); ERR_CODE 2 answers message_1 only (§6.3),
 * so never from an Initiator, nor to anything else the harness sent. */
static void check_error_code_use(sc_exec *x)
{
    const received *rx = &x->rx;
    if (rx->st != TR_OK || rx->kind == NULL || strcmp(rx->kind, "error") != 0 ||
        !rx->err_info_ok)
        return;
    if (rx->err_code == 0) {
        x_fail(x, V_FAIL, "the IUT sent an error message with ERR_CODE 0, which is never sent "
                          "(RFC 9528 §6.1)");
        return;
    }
    if (rx->err_code != 2)
        return;
    bool to_message_1 = x->o.role == SC_HARNESS_INITIATOR &&
                        (strcmp(x->last_sent, "message_1") == 0 ||
                         (strcmp(x->last_sent, "raw") == 0 && x->last_payload_len > 0 &&
                          (x->last_payload[0] == 0xf5 || x->sc->framing == SC_FRAMING_BARE)));
    if (!to_message_1 && !x->combined_in_flight)
        x_fail(x, V_FAIL, "the IUT sent ERR_CODE 2 (wrong selected cipher suite) %s; it is a "
                          "reply to message_1 only (RFC 9528 §6.3)",
               x->o.role == SC_HARNESS_INITIATOR ? "in reply to a message other than message_1"
                                                 : "as Initiator");
}

/* An outcome with `in:` applies only in those branches (scenario.h). */
static bool in_branch(const sc_exec *x, const sc_outcome *o)
{
    for (size_t i = 0; i < o->n_in; i++)
        if (strcmp(o->in[i], x->branch) == 0)
            return true;
    return o->n_in == 0;
}

/* Does one of the step's outcomes (in the current branch) expect the
 * message that arrived? */
static bool expects_kind(const sc_exec *x, const sc_step *st)
{
    if (x->rx.st != TR_OK || x->rx.kind == NULL)
        return false;
    for (size_t i = 0; i < st->n_outcomes; i++)
        if (in_branch(x, &st->outcomes[i]) && st->outcomes[i].kind == SC_OUT_MESSAGE &&
            strcmp(st->outcomes[i].message, x->rx.kind) == 0)
            return true;
    return false;
}

static void observe(sc_exec *x, int outcome)
{
    if (x->o.observe)
        x->o.observe(x->o.observe_arg, x->step, outcome, x->rx.kind ? x->rx.kind : "",
                     x->branch);
}

void x_judge(sc_exec *x, const sc_step *st)
{
    check_error_code_use(x);
    if (x->rx.new_message_same_c_r)
        x_fail(x, V_FAIL, "the repeated message_1 was answered with a different message_2 that "
                          "keeps the first one's C_R: a duplicate caused a new message in the "
                          "same session (RFC 9528 §7; the identical message_2 again, or "
                          "nothing, or a new session with another C_R are allowed)");
    check_fresh_ephemeral(x);
    check_identifier(x);
    if (st->checks.amplification)
        x_amplification_report(x);
    /* The framing of the message the step expects comes before its content:
     * a missing or wrong Appendix A.2 prefix is the first failure. (When
     * another message came, that is the first failure, and its prefix
     * follows from it, e.g. an IUT that accepted a faulty C_R.) */
    if (expects_kind(x, st))
        x_check_prefix(x);
    x_check_error_prefix(x);
    char why[300] = "", got[700], list[400] = "";
    for (size_t i = 0; i < st->n_outcomes; i++) {
        char w[300];
        if (!in_branch(x, &st->outcomes[i]))
            continue;
        if (outcome_matches(x, &st->outcomes[i], w, sizeof w)) {
            if (st->outcomes[i].state[0]) {
                snprintf(x->branch, sizeof x->branch, "%s", st->outcomes[i].state);
                xt_printf(x, "  branch: %s\n", x->branch);
            }
            if (st->outcomes[i].non_strict && x->v == V_PASS &&
                !(st->outcomes[i].kind == SC_OUT_SILENCE && x->rx.silence_only)) {
                char t[100];
                outcome_text(&st->outcomes[i], t, sizeof t);
                x->v = V_NONSTRICT;
                snprintf(x->message, sizeof x->message, "step %zu: %s (allowed, graded non-strict)",
                         x->step + 1, t);
            }
            if (st->outcomes[i].inconclusive && (x->v == V_PASS || x->v == V_NONSTRICT)) {
                char t[100];
                outcome_text(&st->outcomes[i], t, sizeof t);
                x->v = V_SKIPPED;
                snprintf(x->message, sizeof x->message, "step %zu: %s is allowed, but the steps "
                         "that follow were written for another path (skipped)", x->step + 1, t);
                xt_printf(x, "  %s\n", x->message);
            }
            xt_printf(x, "  ok: outcome %zu of %zu matches\n", i + 1, st->n_outcomes);
            if (st->outcomes[i].end && x->step + 1 < x->sc->n_steps) {
                x->ended = true;
                xt_printf(x, "  the scenario ends here (end: true): steps %zu..%zu not run\n",
                          x->step + 2, x->sc->n_steps);
            }
            run_checks(x, st);
            if (st->outcomes[i].kind == SC_OUT_MESSAGE)
                x_budget_judge(x);
            observe(x, (int)i);
            return;
        }
        if (w[0] && !why[0])
            snprintf(why, sizeof why, "%s", w);
    }
    for (size_t i = 0, n = 0; i < st->n_outcomes; i++) {
        char t[100];
        if (!in_branch(x, &st->outcomes[i]))
            continue;
        outcome_text(&st->outcomes[i], t, sizeof t);
        size_t k = strlen(list);
        snprintf(list + k, sizeof list - k, "%s%s", n++ ? " or " : "", t);
    }
    received_text(x, &x->rx, got, sizeof got);
    if (x->rx.st != TR_OK) { /* nothing came: the IUT may be why */
        size_t k = strlen(got);
        snprintf(got + k, sizeof got - k, "%s", x_iut_exit_note(x));
    }
    observe(x, -1);
    /* what the transport could not take (e.g. larger than the harness
     * handles) is not judged: the scenario could not run */
    x_fail(x, x->rx.st == TR_ERROR ? V_ERROR : V_FAIL, "expected %s%s%s%s, received %s%s%s",
           list[0] ? list : "nothing", x->branch[0] ? " (in state " : "", x->branch,
           x->branch[0] ? ")" : "", got,
           why[0] ? "; " : "", why);
}

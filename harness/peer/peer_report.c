/* peer_report.c - one-line verdicts and summaries of the peer. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../cbor/cbor.h"
#include "peer_internal.h"

static const char *received_what(const eh_session *s)
{
    switch (s->state) {
    case EH_STATE_ABORTED:
    default:
        return s->cfg->role == EH_INITIATOR ? "message from the Responder"
                                            : "message from the Initiator";
    }
}

static const char *const fault_names[PEER_FAULT_COUNT_] = {
    "reuse-ephemeral", "no-message-4", "oscore-swap-ids", "c-r-prefix-bstr",
    "duplicate-new-message-2", "no-eviction", "replay-message-3", "keep-session-after-error",
    "answer-aborted-message-3", "reprocess-message-2", "forget-suite-after-err-2",
    "plain-coap-without-context", "reject-message-4", "resend-new-message-3",
    "reverse-no-prefix"};

unsigned peer_fault_parse(const char *name)
{
    for (unsigned i = 0; i < PEER_FAULT_COUNT_; i++)
        if (strcmp(name, fault_names[i]) == 0)
            return 1u << i;
    return 0;
}

const char *peer_fault_name(unsigned bit)
{
    for (unsigned i = 0; i < PEER_FAULT_COUNT_; i++)
        if (bit == 1u << i)
            return fault_names[i];
    return NULL;
}

void peer_describe_finding(const eh_session *s, char *buf, size_t cap)
{
    const eh_finding *f = &s->finding;
    if (f->err == EH_ERR_PEER_ERROR) {
        char info[128];
        eh_cbor_diag(s->peer_err_info, s->peer_err_info_len, info, sizeof info);
        snprintf(buf, cap, "EDHOC error message received: ERR_CODE %lld, ERR_INFO %s (%s)",
                 (long long)s->peer_err_code, info, f->rfc ? f->rfc : "RFC 9528 §6");
        return;
    }
    snprintf(buf, cap, "%s: field %s at byte %zu: %s (%s)", eh_err_name(f->err),
             f->field ? f->field : "?", f->offset, f->reason ? f->reason : "no reason recorded",
             f->rfc ? f->rfc : "RFC 9528");
}

void peer_report_failure(FILE *out, const char *role, const eh_session *s)
{
    char why[400];
    if (out == NULL)
        return;
    peer_describe_finding(s, why, sizeof why);
    fprintf(out, "%s: rejected %s: %s\n", role, received_what(s), why);
    fflush(out);
}

void peer_responder_completed(FILE *out, const resp_session *rs)
{
    if (out == NULL)
        return;
    char c_r[2 * EH_MAX_CONN_ID + 1];
    for (size_t i = 0; i < rs->c_r_len; i++)
        snprintf(c_r + 2 * i, 3, "%02x", rs->c_r[i]);
    c_r[2 * rs->c_r_len] = 0;
    fprintf(out, "responder: handshake completed with %s: METHOD %d, suite %d, C_R h'%s'\n",
            rs->client, rs->s.method, rs->s.suite ? rs->s.suite->id : -1, c_r);
    fflush(out);
}

void peer_result_verdict(peer_result *res, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->verdict, sizeof res->verdict, fmt, ap);
    va_end(ap);
    res->exit_code = code;
}

bool peer_is_edhoc_path(const char *got, const char *want)
{
    if (got == NULL)
        return false;
    if (want == NULL)
        want = PEER_EDHOC_PATH;
    const char *q = strchr(want, '?');
    size_t n = q ? (size_t)(q - want) : strlen(want);
    return strlen(got) == n && strncmp(got, want, n) == 0;
}

/* iut_outcome.c - see iut_outcome.h. */
#include "iut_outcome.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first non-empty line of the file at path (at most cap - 1 bytes,
 * control characters as '?'), or "" when there is none. */
static void first_line(const char *path, char *out, size_t cap)
{
    out[0] = 0;
    FILE *f = path && path[0] ? fopen(path, "r") : NULL;
    if (f == NULL)
        return;
    char line[512];
    while (fgets(line, sizeof line, f) != NULL) {
        size_t n = strcspn(line, "\r\n");
        line[n] = 0;
        if (n == 0)
            continue;
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)line[i] < 0x20)
                line[i] = '?';
        if (n >= cap) {
            n = cap - 1;
            while (n > 0 && ((unsigned char)line[n] & 0xc0) == 0x80)
                n--; /* not inside a UTF-8 character */
        }
        memcpy(out, line, n);
        out[n] = 0;
        break;
    }
    fclose(f);
}

static void not_implemented(int code, sc_result *res)
{
    res->v = V_SKIPPED;
    snprintf(res->message, sizeof res->message, "the IUT exited with code %d: %s", code,
             NOT_IMPLEMENTED_TEXT);
}

void iut_outcome_not_ready(iut_ready r, const iut_exit *ex, const char *ready_line,
                           int timeout_ms, int not_implemented_exit, sc_result *res)
{
    char how[128];
    if (r == IUT_EXITED && !ex->signal && ex->code == not_implemented_exit) {
        not_implemented(ex->code, res);
        return;
    }
    res->v = V_ERROR;
    if (r == IUT_EXITED && !ex->signal && ex->code == 127) {
        char line[300];
        first_line(res->iut_stderr_path, line, sizeof line);
        snprintf(res->message, sizeof res->message,
                 "the IUT exited with code 127 before it was ready: the shell's \"command not "
                 "found\" (its stderr: \"%s\"; %.300s); a wrapper that does not implement a "
                 "scenario exits with the peer file's not_implemented_exit (default %d, "
                 "peers/README.md)", line[0] ? line : "empty", res->iut_stderr_path,
                 DEFAULT_NOT_IMPLEMENTED_EXIT);
    } else if (r == IUT_EXITED) {
        char line[300];
        iut_exit_describe(ex, how, sizeof how);
        first_line(res->iut_stderr_path, line, sizeof line);
        if (line[0])
            snprintf(res->message, sizeof res->message,
                     "the IUT %s before it was ready (its stderr: \"%s\"; %.300s)", how, line,
                     res->iut_stderr_path);
        else
            snprintf(res->message, sizeof res->message, "the IUT %s before it was ready", how);
    } else if (ready_line != NULL && ready_line[0]) {
        snprintf(res->message, sizeof res->message,
                 "the IUT never became ready (timeout: no \"%.200s\" on its stdout within %d ms)",
                 ready_line, timeout_ms);
    } else {
        snprintf(res->message, sizeof res->message,
                 "the IUT never became ready (timeout: no answer to a CoAP ping within %d ms)",
                 timeout_ms);
    }
}

/* Append "; text" to the verdict text, cutting the text before it (never a
 * character) when there is no room. */
static void message_append(sc_result *res, const char *text)
{
    char add[400];
    int wn = snprintf(add, sizeof add, "; %s", text);
    size_t k = strnlen(res->message, sizeof res->message), room = sizeof res->message;
    if (wn > 0 && k + (size_t)wn >= room) {
        k = room - (size_t)wn - 1;
        while (k > 0 && ((unsigned char)res->message[k] & 0xc0) == 0x80)
            k--;
    }
    snprintf(res->message + k, room - k, "%s", add);
}

/* Append a line to res->transcript (best effort: the verdict does not
 * depend on it). */
static void transcript_line(sc_result *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void transcript_line(sc_result *res, const char *fmt, ...)
{
    char line[1400];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t have = res->transcript ? strlen(res->transcript) : 0, add = strnlen(line, sizeof line);
    char *t = realloc(res->transcript, have + add + 2);
    if (t == NULL)
        return;
    memcpy(t + have, line, add);
    t[have + add] = '\n', t[have + add + 1] = 0;
    res->transcript = t;
}

/* An IUT Initiator that exited by itself with a status that is neither a
 * crash nor 127. */
static void judge_initiator_exit(const iut_end *e, const char *how, sc_result *res)
{
    const sc_exec_ending *r = &e->run;
    if (r->requests == 0 && res->v == V_FAIL) {
        res->v = V_ERROR;
        if (!e->ex.signal && e->ex.code == 127) {
            char line[300];
            first_line(res->iut_stderr_path, line, sizeof line);
            snprintf(res->message, sizeof res->message, "the IUT %s before sending anything: "
                     "the shell's \"command not found\" (its stderr: \"%s\"; %.300s)", how,
                     line[0] ? line : "empty", res->iut_stderr_path);
            return;
        }
        snprintf(res->message, sizeof res->message, "the IUT %s before sending anything: nothing "
                 "was tested (see its output, %.400s)", how, res->iut_stderr_path);
        return;
    }
    if (!r->completed || (res->v != V_PASS && res->v != V_NONSTRICT) || e->ex.signal ||
        e->ex.code == 0 || e->ex.code == e->not_implemented)
        return;
    if (e->ex.code == 1) {
        res->v = V_FAIL;
        snprintf(res->message, sizeof res->message, "after the last step: the IUT exited with "
                 "code 1 after the harness's %s: it rejected it, although the handshake had "
                 "completed with valid messages (peers/README.md, adapter contract: an "
                 "Initiator exits 1 when the handshake failed) [requirements: %s]",
                 r->last_answer, r->requirement);
    } else {
        res->v = V_ERROR;
        snprintf(res->message, sizeof res->message, "after the last step: the IUT exited with "
                 "code %d after the harness's %s, which completed the handshake; the adapter "
                 "contract (peers/README.md) defines 0 done, 1 failed, %d not supported, not "
                 "%d (see its output, %.300s)", e->ex.code, r->last_answer, e->not_implemented,
                 e->ex.code, res->iut_stderr_path);
    }
}

/* The reverse flow's Responder, a CoAP client, that exited by itself: after
 * message_3 its silence was read as a rejection or as an acceptance; its
 * exit status (0 done, 1 failed) says which it was. */
static void judge_client_responder_exit(const iut_end *e, const char *how, sc_result *res)
{
    const sc_exec_ending *r = &e->run;
    if (r->requests == 0 && res->v == V_FAIL) { /* as an Initiator that sent nothing */
        res->v = V_ERROR;
        snprintf(res->message, sizeof res->message, "the IUT %s before sending anything: nothing "
                 "was tested (see its output, %.400s)", how, res->iut_stderr_path);
        return;
    }
    if (e->ex.signal || (res->v != V_PASS && res->v != V_NONSTRICT))
        return;
    if (r->silence_rejects_m3 && e->ex.code == 0) {
        res->v = V_FAIL;
        snprintf(res->message, sizeof res->message, "step at line %d: the IUT Responder sent "
                 "nothing after the harness's message_3, then %s: it completed the handshake, "
                 "so it accepted that message_3, which it must reject (the reverse flow, RFC "
                 "9528 Appendix A.2.2: without message_4 or OSCORE its exit status is its only "
                 "answer; peers/README.md, adapter contract)", r->step_line, how);
    } else if (r->silence_accepts_m3 && e->ex.code == 1 && r->silence_grade > 0) {
        /* it rejected that message_3 in silence, which the step allows */
        if (r->silence_grade == 2 && res->v == V_PASS) {
            res->v = V_NONSTRICT;
            snprintf(res->message, sizeof res->message, "step at line %d: silence (allowed, "
                     "graded non-strict): the IUT Responder sent nothing after the harness's "
                     "message_3, then %s: it rejected it without an error message (the "
                     "reverse flow, RFC 9528 Appendix A.2.2)", r->step_line, how);
        }
    } else if (r->silence_accepts_m3 && e->ex.code == 1) {
        res->v = V_FAIL;
        snprintf(res->message, sizeof res->message, "step at line %d: the IUT Responder sent "
                 "nothing after the harness's message_3, then %s: its handshake failed, so it "
                 "rejected a valid message_3 without an error message (RFC 9528 §5.4.3; the "
                 "reverse flow, Appendix A.2.2; peers/README.md, adapter contract)",
                 r->step_line, how);
    }
}

void iut_outcome_after_run(const iut_end *e, sc_result *res)
{
    char how[160], text[200];
    verdict before = res->v;
    iut_exit_describe(&e->ex, how, sizeof how);
    if (!e->by_itself) {
        transcript_line(res, "IUT: did not exit by itself; stopped by the harness (it %s)", how);
        return;
    }
    transcript_line(res, "IUT: %s", how);
    if (iut_exit_is_crash(&e->ex)) {
        snprintf(text, sizeof text, "the IUT %s", how);
        if (e->iut_initiator && e->run.requests == 0) {
            res->v = V_ERROR;
            snprintf(res->message, sizeof res->message, "%s before sending anything: nothing was "
                     "tested", text);
        } else if (res->v == V_FAIL) {
            /* the failure stands (what the IUT did before it died), and the
             * crash, which is likely why nothing more came, is named (if the
             * step's verdict did not already); at MUST level whatever the
             * scenario's: no level of conformance allows a crash */
            if (strstr(res->message, text) == NULL)
                message_append(res, text);
            snprintf(res->level, sizeof res->level, "MUST");
        } else if (e->iut_initiator && !e->run.last_answer[0]) {
            /* before the harness had answered it: not what a scenario sent */
            res->v = V_ERROR;
            snprintf(res->message, sizeof res->message, "%s before the harness answered it: "
                     "no answer of the scenario to judge", text);
        } else {
            /* on what the harness had sent: a crash is no answer the RFC allows,
             * whatever the step allowed (explore's models judge it so too) */
            char where[220] = "";
            if (e->gone_step > 0)
                snprintf(where, sizeof where, " during step %zu", e->gone_step);
            if (e->iut_initiator)
                snprintf(where + strlen(where), sizeof where - strlen(where), ", after the "
                         "harness's %s", e->run.last_answer);
            res->v = V_FAIL;
            snprintf(res->level, sizeof res->level, "MUST"); /* whatever the scenario's */
            snprintf(res->message, sizeof res->message, "%s%s, on what the harness had sent "
                     "(the transcript shows it): a crash is no answer RFC 9528 allows (a "
                     "message that cannot be processed ends its session, with or without an "
                     "error message, §6), nor an end of the adapter contract (peers/README.md)",
                     text, where);
        }
    } else if (!e->ex.signal && e->ex.code == e->not_implemented && res->v != V_PASS) {
        not_implemented(e->ex.code, res);
    } else if (e->iut_initiator) {
        judge_initiator_exit(e, how, res);
    } else if (e->client_responder) {
        judge_client_responder_exit(e, how, res);
    } else if (e->gone_step > 0 && !e->client_responder) {
        snprintf(text, sizeof text, "the IUT %s", how);
        if (res->v == V_PASS || res->v == V_NONSTRICT) {
            res->v = V_ERROR;
            snprintf(res->message, sizeof res->message, "the IUT Responder %s during step %zu, "
                     "before the scenario ended: a Responder runs until the harness stops it "
                     "(peers/README.md, adapter contract), so the steps from there tested "
                     "nothing (see its output, %.300s)", how, e->gone_step,
                     res->iut_stderr_path);
        } else if (strstr(res->message, text) == NULL) {
            message_append(res, text);
        }
    }
    if (res->v != before)
        transcript_line(res, "verdict: %s: %s", verdict_name(res->v), res->message);
}

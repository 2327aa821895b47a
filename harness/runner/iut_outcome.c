/* iut_outcome.c - see iut_outcome.h. */
#include "iut_outcome.h"

#include <stdio.h>
#include <string.h>

void iut_outcome_not_ready(iut_ready r, const iut_exit *ex, const char *ready_line,
                           int timeout_ms, sc_result *res)
{
    char how[128];
    if (r == IUT_EXITED && !ex->signal && ex->code == 127) {
        res->v = V_SKIPPED;
        snprintf(res->message, sizeof res->message,
                 "the IUT exited with code 127: scenario not implemented");
        return;
    }
    res->v = V_ERROR;
    if (r == IUT_EXITED) {
        iut_exit_describe(ex, how, sizeof how);
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

void iut_outcome_after_run(const iut_end *e, sc_result *res)
{
    char how[160], text[200];
    if (!e->by_itself)
        return;
    iut_exit_describe(&e->ex, how, sizeof how);
    if (iut_exit_is_crash(&e->ex)) {
        snprintf(text, sizeof text, "the IUT %s", how);
        if (res->v == V_FAIL) {
            /* the failure stands (what the IUT did before it died), and the
             * crash, which is likely why nothing more came, is named */
            message_append(res, text);
        } else {
            res->v = V_ERROR;
            snprintf(res->message, sizeof res->message, "%s", text);
        }
    } else if (!e->ex.signal && e->ex.code == 127 && res->v != V_PASS) {
        res->v = V_SKIPPED;
        snprintf(res->message, sizeof res->message,
                 "the IUT exited with code 127: scenario not implemented");
    }
}

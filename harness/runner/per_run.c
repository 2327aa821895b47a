/* per_run.c - see per_run.h. */
#include "per_run.h"

#include <stdio.h>
#include <string.h>

bool per_run_refuses(iut_proc *p, const char *start_failure, sc_result *res)
{
    iut_exit ex;
    char how[160];
    if (p == NULL && start_failure[0] == 0)
        return false;
    res->v = V_ERROR;
    if (p == NULL) {
        snprintf(res->message, sizeof res->message, "%s", start_failure);
        return true;
    }
    if (!iut_poll(p, &ex))
        return false;
    iut_exit_describe(&ex, how, sizeof how);
    snprintf(res->message, sizeof res->message, "the per-run IUT Responder %s before this "
             "scenario", how);
    return true;
}

void per_run_job_done(iut_proc *p, sc_result *res)
{
    iut_exit ex;
    char text[200];
    if (p == NULL || !iut_poll(p, &ex))
        return;
    char how[160];
    iut_exit_describe(&ex, how, sizeof how);
    snprintf(text, sizeof text, "the per-run IUT Responder %s", how);
    if (iut_exit_is_crash(&ex) && (res->v == V_PASS || res->v == V_NONSTRICT)) {
        /* as a Responder started per job (iut_outcome.c): a crash on what the
         * harness had sent is no answer the RFC allows */
        res->v = V_FAIL;
        snprintf(res->level, sizeof res->level, "MUST"); /* whatever the scenario's */
        snprintf(res->message, sizeof res->message, "%s during this scenario, on what the "
                 "harness had sent (the transcript shows it): a crash is no answer RFC 9528 "
                 "allows (a message that cannot be processed ends its session, with or "
                 "without an error message, §6)", text);
        return;
    }
    if ((res->v == V_FAIL || res->v == V_ERROR) && strstr(res->message, text) == NULL) {
        size_t k = strnlen(res->message, sizeof res->message);
        if (k + strlen(text) + 3 < sizeof res->message)
            snprintf(res->message + k, sizeof res->message - k, "; %s", text);
    }
}

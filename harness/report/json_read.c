/*
 * json_read.c - a JSON report read back into results (report_json.h), the
 * inverse of json.c: `merge` joins the reports of a sharded run's parts and
 * writes them again with the same writers, as if one machine had run them.
 * Strict about shapes (a wrong type or an unknown verdict is an error that
 * names the key), lenient about keys a writer of another version left out
 * (they keep their zero value).
 */
#include "report_json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int bad(char *err, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
    return -1;
}

/* o[key] as a string into dst (cap bytes; cut when longer); absent or null:
 * "". -1 for another type. */
static int get_str(const json_t *o, const char *key, char *dst, size_t cap, char *err,
                   size_t ecap)
{
    const json_t *v = json_object_get(o, key);
    dst[0] = '\0';
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return bad(err, ecap, "\"%s\" is not a string", key);
    snprintf(dst, cap, "%s", json_string_value(v));
    return 0;
}

static int get_long(const json_t *o, const char *key, long null_value, long *dst, char *err,
                    size_t ecap)
{
    const json_t *v = json_object_get(o, key);
    if (v == NULL || json_is_null(v)) {
        *dst = null_value;
        return 0;
    }
    if (!json_is_integer(v))
        return bad(err, ecap, "\"%s\" is not an integer", key);
    *dst = (long)json_integer_value(v);
    return 0;
}

static double get_real(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : 0.0;
}

/* An integer, or a decimal string (above the largest JSON integer). */
static int get_seed(const json_t *o, const char *key, unsigned long *dst, char *err, size_t ecap)
{
    const json_t *v = json_object_get(o, key);
    *dst = 0;
    if (v == NULL || json_is_null(v))
        return 0;
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *dst = (unsigned long)json_integer_value(v);
        return 0;
    }
    if (json_is_string(v)) {
        char *end;
        errno = 0;
        unsigned long long x = strtoull(json_string_value(v), &end, 10);
        if (errno == 0 && *end == '\0' && end != json_string_value(v)) {
            *dst = (unsigned long)x;
            return 0;
        }
    }
    return bad(err, ecap, "\"%s\" is not a seed", key);
}

static int get_verdict(const json_t *o, verdict *v, char *err, size_t ecap)
{
    const char *name = json_string_value(json_object_get(o, "verdict"));
    for (int i = 0; name != NULL && i < V_COUNT_; i++)
        if (strcmp(name, verdict_name((verdict)i)) == 0) {
            *v = (verdict)i;
            return 0;
        }
    return bad(err, ecap, "\"verdict\" is not one of pass, fail, skipped, nonstrict, error, "
                          "xfail, xpass");
}

static int get_sizes(const json_t *o, sc_result *s, char *err, size_t ecap)
{
    const json_t *a = json_object_get(o, "sizes");
    for (int m = 0; m < 5; m++)
        s->sizes[m] = -1;
    if (a == NULL || json_is_null(a))
        return 0;
    if (!json_is_array(a) || json_array_size(a) > 4)
        return bad(err, ecap, "\"sizes\" is not an array of at most 4 integers");
    for (size_t m = 0; m < json_array_size(a); m++) {
        const json_t *x = json_array_get(a, m);
        if (!json_is_integer(x))
            return bad(err, ecap, "\"sizes\"[%zu] is not an integer", m);
        s->sizes[m] = (long)json_integer_value(x);
    }
    return 0;
}

static int get_budgets(const json_t *o, sc_result *s, char *err, size_t ecap)
{
    const json_t *a = json_object_get(o, "budgets");
    if (a == NULL || json_is_null(a))
        return 0;
    if (!json_is_array(a) || json_array_size(a) > REPORT_MAX_SIZES)
        return bad(err, ecap, "\"budgets\" is not an array of at most %d entries",
                   REPORT_MAX_SIZES);
    for (size_t i = 0; i < json_array_size(a); i++) {
        const json_t *e = json_array_get(a, i);
        sc_size_entry *z = &s->size_entries[i];
        const char *msg = json_string_value(json_object_get(e, "message"));
        const char *from = json_string_value(json_object_get(e, "from"));
        int m = 0;
        if (!json_is_object(e) || msg == NULL || sscanf(msg, "message_%d", &m) != 1 || m < 1 ||
            m > 4 || from == NULL)
            return bad(err, ecap, "\"budgets\"[%zu] is not a size entry", i);
        z->message = m;
        z->from_iut = strcmp(from, "iut") == 0;
        z->judged = json_is_true(json_object_get(e, "judged"));
        if (get_long(e, "size", -1, &z->size, err, ecap) ||
            get_long(e, "prefix", 0, &z->prefix, err, ecap) ||
            get_long(e, "budget", -1, &z->budget, err, ecap) ||
            get_long(e, "minimum", -1, &z->minimum, err, ecap) ||
            get_str(e, "profile", z->profile, sizeof z->profile, err, ecap))
            return -1;
    }
    s->n_size_entries = json_array_size(a);
    return 0;
}

static int get_amplification(const json_t *o, sc_result *s, char *err, size_t ecap)
{
    const json_t *a = json_object_get(o, "amplification");
    sc_amplification *x = &s->amplification;
    if (a == NULL || json_is_null(a))
        return 0;
    if (!json_is_object(a))
        return bad(err, ecap, "\"amplification\" is not an object");
    x->measured = true;
    return get_str(a, "reply", x->reply, sizeof x->reply, err, ecap) ||
                   get_long(a, "request_bytes", -1, &x->request_bytes, err, ecap) ||
                   get_long(a, "reply_bytes", -1, &x->reply_bytes, err, ecap) ||
                   get_long(a, "request_datagram_bytes", -1, &x->request_datagram_bytes, err,
                            ecap) ||
                   get_long(a, "reply_datagram_bytes", -1, &x->reply_datagram_bytes, err, ecap)
               ? -1
               : 0;
}

static void get_timing(const json_t *o, sc_job_timing *t)
{
    const json_t *x = json_object_get(o, "timing");
    if (!json_is_object(x))
        return;
    t->setup_ms = get_real(x, "setup_ms"), t->spawn_ms = get_real(x, "spawn_ms");
    t->ready_ms = get_real(x, "ready_ms"), t->steps_ms = get_real(x, "steps_ms");
    t->stop_ms = get_real(x, "stop_ms"), t->files_ms = get_real(x, "files_ms");
    t->job_ms = get_real(x, "job_ms");
}

int report_result_from_json(const json_t *o, sc_result *s, char *err, size_t cap)
{
    memset(s, 0, sizeof *s);
    if (!json_is_object(o))
        return bad(err, cap, "a result is not an object");
    long method = 0, suite = 0, line = 0;
    const json_t *kf = json_object_get(o, "known_failure");
    if (get_str(o, "id", s->id, sizeof s->id, err, cap) ||
        get_str(o, "title", s->title, sizeof s->title, err, cap) ||
        get_str(o, "area", s->area, sizeof s->area, err, cap) ||
        get_str(o, "role", s->role, sizeof s->role, err, cap) ||
        get_str(o, "level", s->level, sizeof s->level, err, cap) ||
        get_str(o, "requirements", s->requirements, sizeof s->requirements, err, cap) ||
        get_verdict(o, &s->v, err, cap) ||
        get_str(o, "message", s->message, sizeof s->message, err, cap) ||
        (json_is_object(kf) &&
         (get_str(kf, "reason", s->kf_reason, sizeof s->kf_reason, err, cap) ||
          get_str(kf, "note", s->kf_note, sizeof s->kf_note, err, cap))) ||
        get_long(o, "method", 0, &method, err, cap) || get_long(o, "suite", 0, &suite, err, cap) ||
        get_str(o, "transport", s->transport, sizeof s->transport, err, cap) ||
        get_str(o, "profile", s->profile, sizeof s->profile, err, cap) ||
        get_seed(o, "seed", &s->seed, err, cap) || get_sizes(o, s, err, cap) ||
        get_budgets(o, s, err, cap) || get_amplification(o, s, err, cap) ||
        get_str(o, "file", s->file, sizeof s->file, err, cap) ||
        get_long(o, "line", 0, &line, err, cap) ||
        get_str(o, "transcript_path", s->transcript_path, sizeof s->transcript_path, err, cap) ||
        get_str(o, "pcap_path", s->pcap_path, sizeof s->pcap_path, err, cap) ||
        get_str(o, "iut_stdout_path", s->iut_stdout_path, sizeof s->iut_stdout_path, err, cap) ||
        get_str(o, "iut_stderr_path", s->iut_stderr_path, sizeof s->iut_stderr_path, err, cap) ||
        get_str(o, "unwritten", s->unwritten, sizeof s->unwritten, err, cap) ||
        get_str(o, "fingerprint", s->fingerprint, sizeof s->fingerprint, err, cap))
        return -1;
    s->method = (int)method, s->suite = (int)suite, s->line = (int)line;
    s->seconds = get_real(o, "seconds");
    get_timing(o, &s->timing);
    const json_t *t = json_object_get(o, "transcript");
    if (json_is_string(t) && (s->transcript = strdup(json_string_value(t))) == NULL)
        return bad(err, cap, "out of memory");
    return 0;
}

/*
 * json.c - the JSON report (jansson), in the format described in report.h.
 * Strings are made valid UTF-8 first (jansson refuses anything else);
 * control characters are kept, jansson escapes them.
 */
#include "report_json.h"

#include "../common/version.h"

#include <jansson.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A string value from at most n bytes of s; NULL when out of memory. */
static json_t *jstr(const char *s, size_t n)
{
    char *clean = report_clean_text(s, n, false, SIZE_MAX, NULL);
    if (!clean)
        return NULL;
    json_t *j = json_string(clean);
    free(clean);
    return j;
}

#if JSON_INTEGER_IS_LONG_LONG
#define EH_JSON_INT_MAX LLONG_MAX
#else
#define EH_JSON_INT_MAX LONG_MAX
#endif

/* An integer, or a decimal string when json_int_t cannot hold it. */
static json_t *jseed(unsigned long seed)
{
    if ((unsigned long long)seed <= (unsigned long long)EH_JSON_INT_MAX)
        return json_integer((json_int_t)seed);
    char buf[32];
    snprintf(buf, sizeof buf, "%lu", seed);
    return json_string(buf);
}

/* Set obj[key] = v; v is taken (jansson frees it on failure too); a NULL v
 * (out of memory) fails. */
static int put(json_t *obj, const char *key, json_t *v)
{
    return v && json_object_set_new(obj, key, v) == 0 ? 0 : -1;
}

#define PUT_STR(obj, key, field) put((obj), (key), jstr((field), sizeof(field)))

/* The IUT's role: the other one than the harness's (s->role). */
static const char *iut_role(const sc_result *s)
{
    if (strncmp(s->role, "initiator", sizeof s->role) == 0)
        return "responder";
    return strncmp(s->role, "responder", sizeof s->role) == 0 ? "initiator" : "";
}

static json_t *known_failure_json(const sc_result *s)
{
    if (!strnlen(s->kf_reason, sizeof s->kf_reason))
        return json_null();
    json_t *kf = json_object();
    if (kf && (PUT_STR(kf, "reason", s->kf_reason) || PUT_STR(kf, "note", s->kf_note))) {
        json_decref(kf);
        return NULL;
    }
    return kf;
}

/* message_1..4: sizes[0..3]. */
static json_t *sizes_json(const sc_result *s)
{
    json_t *a = json_array();
    for (int m = 0; a && m < 4; m++)
        if (json_array_append_new(a, json_integer(s->sizes[m])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

/* An integer, or null for -1 (no budget, unknown minimum). */
static json_t *jlong_or_null(long v)
{
    return v < 0 ? json_null() : json_integer(v);
}

static json_t *size_entry_json(const sc_size_entry *e)
{
    char name[16];
    json_t *o = json_object();
    snprintf(name, sizeof name, "message_%d", e->message);
    if (o && (put(o, "message", json_string(name)) || put(o, "size", json_integer(e->size)) ||
              put(o, "budget", jlong_or_null(e->budget)) ||
              put(o, "minimum", jlong_or_null(e->minimum)) || PUT_STR(o, "profile", e->profile) ||
              put(o, "from", json_string(e->from_iut ? "iut" : "harness")) ||
              put(o, "prefix", json_integer(e->prefix)) ||
              put(o, "judged", json_boolean(e->judged)))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* A byte count, or null when unknown (-1). */
static json_t *jcount(long n)
{
    return n >= 0 ? json_integer(n) : json_null();
}

/* A factor in thousandths as a real (3.027), or null when unknown. */
static json_t *jfactor(long milli)
{
    return milli >= 0 ? json_real((double)milli / 1000.0) : json_null();
}

static json_t *amplification_json(const sc_result *s)
{
    const sc_amplification *a = &s->amplification;
    if (!a->measured)
        return json_null();
    json_t *o = json_object();
    if (o && (PUT_STR(o, "reply", a->reply) || put(o, "request_bytes", jcount(a->request_bytes)) ||
              put(o, "reply_bytes", jcount(a->reply_bytes)) ||
              put(o, "factor", jfactor(report_amplification_milli(a->reply_bytes,
                                                                  a->request_bytes))) ||
              put(o, "request_datagram_bytes", jcount(a->request_datagram_bytes)) ||
              put(o, "reply_datagram_bytes", jcount(a->reply_datagram_bytes)) ||
              put(o, "datagram_factor",
                  jfactor(report_amplification_milli(a->reply_datagram_bytes,
                                                     a->request_datagram_bytes))))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The size entries, at most REPORT_MAX_SIZES. */
static json_t *budgets_json(const sc_result *s)
{
    json_t *a = json_array();
    size_t n = s->n_size_entries < REPORT_MAX_SIZES ? s->n_size_entries : REPORT_MAX_SIZES;
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, size_entry_json(&s->size_entries[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

/* report_fingerprint for a result that did not pass (fail, non-strict,
 * error, xfail, xpass), null otherwise. */
static json_t *fingerprint_json(const sc_result *s)
{
    char fp[32];
    if (s->v == V_PASS || s->v == V_SKIPPED)
        return json_null();
    return json_string(report_fingerprint(s, fp, sizeof fp));
}

/* A finite number rounded to 1/100 (jansson rejects NaN and infinities). */
static json_t *num2(double v)
{
    return json_real(v - v == 0 ? (double)(long long)(v * 100 + 0.5) / 100 : 0.0);
}

/* The job's timing, or null for a job that did not run. */
static json_t *timing_json(const sc_job_timing *t)
{
    if (t->job_ms <= 0)
        return json_null();
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "setup_ms", num2(t->setup_ms),
                     "spawn_ms", num2(t->spawn_ms), "ready_ms", num2(t->ready_ms), "steps_ms",
                     num2(t->steps_ms), "stop_ms", num2(t->stop_ms), "files_ms",
                     num2(t->files_ms), "job_ms", num2(t->job_ms));
}

json_t *report_result_json(const sc_result *s)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    /* jansson rejects NaN and infinities; x - x is 0 only for finite x */
    double secs = s->seconds - s->seconds == 0 ? s->seconds : 0.0;
    if (PUT_STR(o, "id", s->id) || PUT_STR(o, "title", s->title) ||
        PUT_STR(o, "area", s->area) || PUT_STR(o, "role", s->role) ||
        put(o, "iut_role", json_string(iut_role(s))) ||
        PUT_STR(o, "level", s->level) || PUT_STR(o, "requirements", s->requirements) ||
        put(o, "verdict", json_string(verdict_name(s->v))) ||
        PUT_STR(o, "message", s->message) || put(o, "fingerprint", fingerprint_json(s)) ||
        put(o, "known_failure", known_failure_json(s)) ||
        put(o, "seconds", json_real(secs)) || put(o, "method", json_integer(s->method)) ||
        put(o, "suite", json_integer(s->suite)) || PUT_STR(o, "transport", s->transport) ||
        PUT_STR(o, "profile", s->profile) ||
        put(o, "seed", jseed(s->seed)) || put(o, "sizes", sizes_json(s)) ||
        put(o, "budgets", budgets_json(s)) ||
        put(o, "amplification", amplification_json(s)) || PUT_STR(o, "file", s->file) ||
        put(o, "line", json_integer(s->line)) ||
        PUT_STR(o, "transcript_path", s->transcript_path) ||
        PUT_STR(o, "pcap_path", s->pcap_path) ||
        PUT_STR(o, "iut_stdout_path", s->iut_stdout_path) ||
        PUT_STR(o, "iut_stderr_path", s->iut_stderr_path) ||
        PUT_STR(o, "unwritten", s->unwritten) || put(o, "timing", timing_json(&s->timing)) ||
        put(o, "transcript", s->transcript ? jstr(s->transcript, SIZE_MAX) : json_null())) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *report_json_doc(const run_report *r)
{
    json_t *root = json_object(), *summary = json_object(), *results = json_array();
    if (!root || !summary || !results)
        goto fail;
    size_t c[V_COUNT_];
    run_report_counts(r, c);
    for (int v = 0; v < V_COUNT_; v++)
        if (put(summary, verdict_name((verdict)v), json_integer((json_int_t)c[v])))
            goto fail;
    for (size_t i = 0; i < r->n; i++) {
        json_t *res = report_result_json(&r->results[i]);
        if (!res || json_array_append_new(results, res) != 0)
            goto fail;
    }
    if (put(root, "harness_version", json_string(eh_version())) ||
        PUT_STR(root, "peer", r->peer) || PUT_STR(root, "version", r->peer_version) ||
        put(root, "seed", jseed(r->seed)) || PUT_STR(root, "started", r->started) ||
        put(root, "interrupted", json_boolean(r->interrupted)) ||
        put(root, "strict", json_boolean(r->strict)))
        goto fail;
    if ((r->sanity_s > 0 || r->suite_s > 0) &&
        put(root, "timing", json_pack("{s:o, s:o, s:o}", "sanity_s", num2(r->sanity_s),
                                      "suite_s", num2(r->suite_s), "junit_s", num2(r->junit_s))))
        goto fail;
    int rc = put(root, "summary", summary);
    summary = NULL;
    if (rc)
        goto fail;
    rc = put(root, "results", results);
    results = NULL;
    if (rc)
        goto fail;
    return root;
fail:
    json_decref(root);
    json_decref(summary);
    json_decref(results);
    return NULL;
}

static int dump_cb(const char *buf, size_t size, void *data)
{
    return report_write_all(*(int *)data, buf, size);
}

static int emit_json(int fd, void *ctx)
{
    json_t *doc = ctx;
    if (json_dump_callback(doc, dump_cb, &fd, JSON_PRESERVE_ORDER | JSON_INDENT(2)) != 0)
        return -1;
    return report_write_all(fd, "\n", 1);
}

int report_write_json_doc(json_t *doc, const char *path)
{
    return doc && path ? report_write_atomic(path, emit_json, doc) : -1;
}

int report_write_json(const run_report *r, const char *path)
{
    if (!r || !path)
        return -1;
    json_t *doc = report_json_doc(r);
    if (!doc)
        return -1;
    int rc = report_write_json_doc(doc, path);
    json_decref(doc);
    return rc;
}

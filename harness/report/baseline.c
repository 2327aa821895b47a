/* baseline.c - see baseline.h. */
#include "baseline.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of a note's text, so that prefix + text stays below the peer
 * loader's limit (SC_MAX_TEXT - 1 = 511 bytes after unescaping). */
#define NOTE_MESSAGE_MAX 400
#define NOTE_KEPT_MAX 500

typedef struct sbuf {
    char *p;
    size_t n, cap;
    bool failed;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t len)
{
    if (b->failed)
        return;
    if (b->n + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + len + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->failed = true;
            return;
        }
        b->p = p, b->cap = cap;
    }
    memcpy(b->p + b->n, s, len);
    b->n += len;
    b->p[b->n] = 0;
}

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp)
        b->failed = true; /* callers print short, bounded pieces */
    else
        sb_add(b, tmp, (size_t)n);
}

/* Code point and length of the valid UTF-8 sequence at s. */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
    uint32_t v = s[0] & (0x7fu >> len);
    for (size_t k = 1; k < len; k++)
        v = (v << 6) | (s[k] & 0x3fu);
    *cp = v;
    return len;
}

/* Printable for libyaml (its reader rejects anything else), minus what
 * a double-quoted scalar must escape anyway. */
static bool yaml_raw_ok(uint32_t cp)
{
    if (cp == '"' || cp == '\\')
        return false;
    return (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) ||
           (cp >= 0xe000 && cp <= 0xfffd && cp != 0xfeff) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/* "TEXT" with at most max bytes of text (valid UTF-8, cut at a character). */
static void sb_quoted(sbuf *b, const char *text, size_t n, size_t max)
{
    char *clean = report_clean_text(text, n, false, max, NULL);
    if (clean == NULL) {
        b->failed = true;
        return;
    }
    sb_add(b, "\"", 1);
    const unsigned char *s = (const unsigned char *)clean;
    for (size_t i = 0; s[i];) {
        uint32_t cp;
        size_t len = utf8_next(s + i, &cp);
        if (yaml_raw_ok(cp))
            sb_add(b, (const char *)s + i, len);
        else if (cp == '"' || cp == '\\')
            sb_printf(b, "\\%c", (char)cp);
        else if (cp < 0x100)
            sb_printf(b, "\\x%02x", (unsigned)cp);
        else
            sb_printf(b, "\\u%04x", (unsigned)cp);
        i += len;
    }
    sb_add(b, "\"", 1);
    free(clean);
}

bool report_baseline_includes(const sc_result *res)
{
    return !res->no_scenario && (res->v == V_FAIL || res->v == V_ERROR || res->v == V_XFAIL);
}

/* The IUT's role: the harness played the other one. */
static const char *iut_role(const sc_result *res)
{
    return strcmp(res->role, "initiator") == 0 ? "responder" : "initiator";
}

static bool listed_before(const run_report *r, size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (report_baseline_includes(&r->results[k]) &&
            strcmp(r->results[k].id, r->results[i].id) == 0 &&
            strcmp(r->results[k].role, r->results[i].role) == 0)
            return true;
    return false;
}

static void entry(sbuf *b, const sc_result *res, const char *date)
{
    char fp[32];
    sb_add(b, "  - id: ", 8);
    sb_quoted(b, res->id, sizeof res->id, sizeof res->id);
    sb_printf(b, "\n    role: %s\n    fingerprint: \"%s\"\n", iut_role(res),
              report_fingerprint(res, fp, sizeof fp));
    if (res->v == V_XFAIL && res->kf_reason[0]) {
        sb_add(b, "    reason: ", 12);
        sb_quoted(b, res->kf_reason, sizeof res->kf_reason, sizeof res->kf_reason);
        sb_add(b, "\n    note: ", 11);
        sb_quoted(b, res->kf_note, sizeof res->kf_note, NOTE_KEPT_MAX);
    } else {
        char prefix[96];
        snprintf(prefix, sizeof prefix, "baseline %s: %s as IUT %s: ", date,
                 verdict_name(res->v), iut_role(res));
        size_t line = strcspn(res->message, "\n");
        char *note = malloc(sizeof prefix + line);
        if (note == NULL) {
            b->failed = true;
            return;
        }
        snprintf(note, sizeof prefix + line, "%s%.*s", prefix, (int)line, res->message);
        char *reqs = strstr(note + strlen(prefix), " [requirements: "); /* in the report */
        if (reqs != NULL)
            *reqs = 0;
        /* nor the values of an engine finding: they differ from run to run */
        static const char *const values[] = {"; expected ", "; received "};
        for (size_t v = 0; v < 2; v++) {
            char *at = strstr(note + strlen(prefix), values[v]);
            if (at != NULL && strchr("0123456789abcdef", at[strlen(values[v])]) != NULL &&
                at[strlen(values[v])] != 0)
                *at = 0;
        }
        sb_add(b, "    reason: known-bug\n    note: ", 32);
        sb_quoted(b, note, strlen(note), NOTE_MESSAGE_MAX);
        free(note);
    }
    sb_add(b, "\n", 1);
}

static int emit(int fd, void *ctx)
{
    const sbuf *b = ctx;
    return report_write_all(fd, b->p, b->n);
}

/* s for a comment line: characters other than printable ASCII become '?'. */
static const char *comment_safe(const char *s, size_t n, char *out, size_t cap)
{
    size_t i = 0;
    for (; i < n && s[i] && i + 1 < cap; i++)
        out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
    out[i] = 0;
    return out;
}

long report_write_baseline(const run_report *r, const char *path)
{
    sbuf b = {0};
    char date[16], peer[64], version[64], started[32];
    snprintf(date, sizeof date, "%.10s", r->started[0] ? r->started : "unknown");
    comment_safe(date, sizeof date, date, sizeof date);
    long n = 0;
    for (size_t i = 0; i < r->n; i++)
        n += report_baseline_includes(&r->results[i]) && !listed_before(r, i);
    sb_printf(&b, "# Known failures of the IUT %s %s: written by `edhoc-harness run\n"
                  "# --write-baseline` on %s from this run's fail, error and xfail\n"
                  "# verdicts (%ld entries; an xfail keeps its reason and note).\n",
              comment_safe(r->peer, sizeof r->peer, peer, sizeof peer),
              comment_safe(r->peer_version, sizeof r->peer_version, version, sizeof version),
              r->started[0] ? comment_safe(r->started, sizeof r->started, started, sizeof started)
                            : "an unknown date",
              n);
    sb_printf(&b, "# Use it as the peer file's known_failures: (replace the old list, or append\n"
                  "# this one when there is none), then review each reason (new entries say\n"
                  "# known-bug) and note. See peers/README.md, \"Known failures\".\n");
    if (n == 0)
        sb_printf(&b, "known_failures: []\n");
    else
        sb_printf(&b, "known_failures:\n");
    for (size_t i = 0; i < r->n; i++)
        if (report_baseline_includes(&r->results[i]) && !listed_before(r, i))
            entry(&b, &r->results[i], date);
    if (b.failed) {
        free(b.p);
        errno = ENOMEM;
        return -1;
    }
    int rc = report_write_atomic(path, emit, &b);
    free(b.p);
    return rc == 0 ? n : -1;
}

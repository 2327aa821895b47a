/*
 * junit.c - the JUnit XML report (libxml2 xmlTextWriter), in the format
 * described in report.h and checked by tests/junit.xsd.
 *
 * Every string from a result goes through report_clean_text() first, so
 * the document is well-formed XML 1.0 whatever bytes a transcript holds;
 * xmlTextWriter escapes markup (<, &, ", "]]>" ...).
 */
#include "../common/lazylib.h"
#include "../common/version.h"
#include "report.h"

#include <libxml/xmlwriter.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* libxml2, loaded on first use (common/lazylib.h says why): the entry
 * points this writer calls, with the libraries' own prototypes. */
static struct {
    void (*FreeTextWriter)(xmlTextWriterPtr);
    void (*InitParser)(void);
    xmlTextWriterPtr (*NewTextWriter)(xmlOutputBufferPtr);
    int (*OutputBufferClose)(xmlOutputBufferPtr);
    xmlOutputBufferPtr (*OutputBufferCreateIO)(xmlOutputWriteCallback, xmlOutputCloseCallback,
                                               void *, xmlCharEncodingHandlerPtr);
    int (*TextWriterEndDocument)(xmlTextWriterPtr);
    int (*TextWriterEndElement)(xmlTextWriterPtr);
    int (*TextWriterFlush)(xmlTextWriterPtr);
    int (*TextWriterSetIndent)(xmlTextWriterPtr, int);
    int (*TextWriterSetIndentString)(xmlTextWriterPtr, const xmlChar *);
    int (*TextWriterStartDocument)(xmlTextWriterPtr, const char *, const char *,
                                   const char *);
    int (*TextWriterStartElement)(xmlTextWriterPtr, const xmlChar *);
    int (*TextWriterWriteAttribute)(xmlTextWriterPtr, const xmlChar *, const xmlChar *);
    int (*TextWriterWriteString)(xmlTextWriterPtr, const xmlChar *);
} XL;

#define XL_SYM(f) {"xml" #f, (void **)&XL.f}
static const lazylib_sym xl_syms[] = {
    XL_SYM(FreeTextWriter),
    XL_SYM(InitParser),
    XL_SYM(NewTextWriter),
    XL_SYM(OutputBufferClose),
    XL_SYM(OutputBufferCreateIO),
    XL_SYM(TextWriterEndDocument),
    XL_SYM(TextWriterEndElement),
    XL_SYM(TextWriterFlush),
    XL_SYM(TextWriterSetIndent),
    XL_SYM(TextWriterSetIndentString),
    XL_SYM(TextWriterStartDocument),
    XL_SYM(TextWriterStartElement),
    XL_SYM(TextWriterWriteAttribute),
    XL_SYM(TextWriterWriteString)};
static lazylib xl_lib = {EH_SONAME_LIBXML2, xl_syms, sizeof xl_syms / sizeof xl_syms[0], 0, ""};

/* Room for a role, or "unspecified", and its NUL. */
enum { ROLE_KEY = 24 };

/* "%.*s" arguments for a fixed-size field that may lack its NUL. */
#define FLD(f) (int)strnlen((f), sizeof(f)), (f)

typedef struct junit_ctx {
    const run_report *r;
    int fd;
    int io_failed;
} junit_ctx;

static int io_write(void *c, const char *buf, int len)
{
    junit_ctx *j = c;
    if (len < 0 || report_write_all(j->fd, buf, (size_t)len) != 0) {
        j->io_failed = 1;
        return -1;
    }
    return len;
}

static int io_close(void *c)
{
    (void)c; /* the descriptor belongs to report_write_atomic() */
    return 0;
}

/* Write attribute name = cleaned text (at most n bytes of s). */
static int attr(xmlTextWriterPtr w, const char *name, const char *s, size_t n)
{
    char *clean = report_clean_text(s, n, true, SIZE_MAX, NULL);
    if (!clean)
        return -1;
    int rc = XL.TextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST clean);
    free(clean);
    return rc < 0 ? -1 : 0;
}

static int text(xmlTextWriterPtr w, const char *s, size_t n)
{
    char *clean = report_clean_text(s, n, true, SIZE_MAX, NULL);
    if (!clean)
        return -1;
    int rc = *clean ? XL.TextWriterWriteString(w, BAD_CAST clean) : 0;
    free(clean);
    return rc < 0 ? -1 : 0;
}

static int attrf(xmlTextWriterPtr w, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int attrf(xmlTextWriterPtr w, const char *name, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return attr(w, name, buf, sizeof buf);
}

static int prop(xmlTextWriterPtr w, const char *name, const char *value, size_t n)
{
    if (XL.TextWriterStartElement(w, BAD_CAST "property") < 0 || attr(w, "name", name, SIZE_MAX) ||
        attr(w, "value", value, n) || XL.TextWriterEndElement(w) < 0)
        return -1;
    return 0;
}

static int propf(xmlTextWriterPtr w, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int propf(xmlTextWriterPtr w, const char *name, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return prop(w, name, buf, sizeof buf);
}

/* A non-empty fixed-size field as a property; nothing when it is empty. */
static int prop_opt(xmlTextWriterPtr w, const char *name, const char *value, size_t n)
{
    return strnlen(value, n) ? prop(w, name, value, n) : 0;
}

/* Seconds as xs:decimal, locale-independent, never negative. */
static void fmt_seconds(double s, char *buf, size_t cap)
{
    if (!(s >= 0)) /* negative or NaN */
        s = 0;
    if (s > 1e12)
        s = 1e12;
    unsigned long long ms = (unsigned long long)(s * 1000.0 + 0.5);
    snprintf(buf, cap, "%llu.%03llu", ms / 1000, ms % 1000);
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Is s an xs:dateTime, YYYY-MM-DDThh:mm:ss[.f+][Z|(+|-)hh:mm]? */
static bool is_datetime(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    if (n < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        return false;
    int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
    int h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 ||
        se > 59)
        return false;
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap))
        return false;
    size_t i = 19;
    if (i < n && s[i] == '.') {
        size_t start = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == start)
            return false;
    }
    if (i < n && s[i] == 'Z') {
        i++;
    } else if (i < n && (s[i] == '+' || s[i] == '-')) {
        if (n - i != 6 || s[i + 3] != ':')
            return false;
        int th = digits(s + i + 1, 2), tm = digits(s + i + 4, 2);
        if (th < 0 || th > 14 || tm < 0 || tm > 59)
            return false;
        i += 6;
    }
    return i == n;
}

/* Empty or whitespace only (an empty xs:token once collapsed)? */
static bool blank(const char *s, size_t cap)
{
    for (size_t i = 0; i < cap && s[i]; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return false;
    return true;
}

/* The IUT's role, the key of its testsuite: "iut-responder" when the
 * harness was the Initiator, "iut-initiator" when it was the Responder, else
 * "iut-unspecified". */
static void role_of(const sc_result *s, char out[ROLE_KEY])
{
    if (strncmp(s->role, "initiator", sizeof s->role) == 0)
        strcpy(out, "iut-responder");
    else if (strncmp(s->role, "responder", sizeof s->role) == 0)
        strcpy(out, "iut-initiator");
    else
        strcpy(out, "iut-unspecified");
}

static bool bad_verdict(verdict v)
{
    return (int)v < 0 || v >= V_COUNT_;
}

/* "S bytes; budget B bytes (PROFILE); minimum M bytes[; after a P-byte prefix][;
 * judged][; over budget]" */
static void size_entry_text(const sc_size_entry *e, char *buf, size_t cap)
{
    char budget[32] = "none", minimum[32] = "unknown";
    if (e->budget >= 0)
        snprintf(budget, sizeof budget, "%ld bytes", e->budget);
    if (e->minimum >= 0)
        snprintf(minimum, sizeof minimum, "%ld bytes", e->minimum);
    int n = snprintf(buf, cap, "%ld bytes; budget %s (%.*s); minimum %s", e->size, budget,
                     FLD(e->profile), minimum);
    size_t k = n > 0 ? (size_t)n : 0; /* past cap when cut: nothing more is written */
    if (e->prefix > 0 && k < cap)
        k += (size_t)snprintf(buf + k, cap - k, "; after a %ld-byte prefix", e->prefix);
    if (e->judged && k < cap)
        k += (size_t)snprintf(buf + k, cap - k, "; judged");
    if (e->budget >= 0 && e->size > e->budget && k < cap)
        snprintf(buf + k, cap - k, "; over budget");
}

/* One property per size entry: size.FROM.message_N, then .2, .3 ... for a
 * name already used (names are unique per testcase). */
static int size_props(xmlTextWriterPtr w, const sc_result *s)
{
    size_t n = s->n_size_entries < REPORT_MAX_SIZES ? s->n_size_entries : REPORT_MAX_SIZES;
    for (size_t i = 0; i < n; i++) {
        const sc_size_entry *e = &s->size_entries[i];
        size_t same = 0;
        for (size_t j = 0; j < i; j++)
            same += s->size_entries[j].message == e->message &&
                    s->size_entries[j].from_iut == e->from_iut;
        char name[48], value[160];
        int k = snprintf(name, sizeof name, "size.%s.message_%d", e->from_iut ? "iut" : "harness",
                         e->message);
        if (same > 0 && k > 0 && (size_t)k < sizeof name)
            snprintf(name + k, sizeof name - (size_t)k, ".%zu", same + 1);
        size_entry_text(e, value, sizeof value);
        if (prop(w, name, value, sizeof value))
            return -1;
    }
    return 0;
}

/* "3.027" from thousandths. */
static int prop_factor(xmlTextWriterPtr w, const char *name, long milli)
{
    return milli >= 0 ? propf(w, name, "%ld.%03ld", milli / 1000, milli % 1000) : 0;
}

static int prop_count(xmlTextWriterPtr w, const char *name, long n)
{
    return n >= 0 ? propf(w, name, "%ld", n) : 0;
}

/* The amplification properties (report.h), when measured. */
static int amplification_props(xmlTextWriterPtr w, const sc_amplification *a)
{
    if (!a->measured)
        return 0;
    return prop(w, "amplification_reply", a->reply, sizeof a->reply) ||
           prop_count(w, "amplification_request_bytes", a->request_bytes) ||
           prop_count(w, "amplification_reply_bytes", a->reply_bytes) ||
           prop_factor(w, "amplification_factor",
                       report_amplification_milli(a->reply_bytes, a->request_bytes)) ||
           prop_count(w, "amplification_request_datagram_bytes", a->request_datagram_bytes) ||
           prop_count(w, "amplification_reply_datagram_bytes", a->reply_datagram_bytes) ||
           prop_factor(w, "amplification_datagram_factor",
                       report_amplification_milli(a->reply_datagram_bytes,
                                                  a->request_datagram_bytes))
               ? -1
               : 0;
}

/* <testcase>: properties, verdict element, system-out. */
static int write_testcase(xmlTextWriterPtr w, const sc_result *s, bool strict)
{
    char buf[64];
    if (XL.TextWriterStartElement(w, BAD_CAST "testcase") < 0)
        return -1;
    if (!blank(s->id, sizeof s->id) ? attr(w, "name", s->id, sizeof s->id)
                                    : attr(w, "name", "unnamed", SIZE_MAX))
        return -1;
    /* classname: the IUT's role, then the area, so that (classname, name) is
     * unique in the whole report, also where a reader flattens the suites */
    char role[ROLE_KEY];
    role_of(s, role);
    bool no_area = blank(s->area, sizeof s->area);
    if (attrf(w, "classname", "%s.%.*s", role,
              no_area ? 12 : (int)strnlen(s->area, sizeof s->area),
              no_area ? "unclassified" : s->area))
        return -1;
    if (!blank(s->file, sizeof s->file) && attr(w, "file", s->file, sizeof s->file))
        return -1;
    if (s->line > 0 && attrf(w, "line", "%d", s->line))
        return -1;
    fmt_seconds(s->seconds, buf, sizeof buf);
    if (attr(w, "time", buf, sizeof buf))
        return -1;

    /* Per-testcase properties: a <properties> child of <testcase>. */
    if (XL.TextWriterStartElement(w, BAD_CAST "properties") < 0 ||
        prop_opt(w, "title", s->title, sizeof s->title) ||
        prop(w, "verdict", verdict_name(s->v), SIZE_MAX) ||
        prop_opt(w, "level", s->level, sizeof s->level) ||
        prop_opt(w, "requirements", s->requirements, sizeof s->requirements) ||
        propf(w, "method", "%d", s->method) || propf(w, "suite", "%d", s->suite) ||
        prop_opt(w, "transport", s->transport, sizeof s->transport) ||
        (s->profile[0] && prop_opt(w, "profile", s->profile, sizeof s->profile)) ||
        propf(w, "seed", "%lu", s->seed))
        return -1;
    for (int m = 1; m <= 4; m++) { /* message_m: sizes[m - 1] */
        char name[4] = {'m', (char)('0' + m), '\0', '\0'};
        if (s->sizes[m - 1] >= 0 && propf(w, name, "%ld", s->sizes[m - 1]))
            return -1;
    }
    if (size_props(w, s))
        return -1;
    if (amplification_props(w, &s->amplification) ||
        prop_opt(w, "known_failure_reason", s->kf_reason, sizeof s->kf_reason) ||
        prop_opt(w, "known_failure_note", s->kf_note, sizeof s->kf_note) ||
        prop_opt(w, "transcript_path", s->transcript_path, sizeof s->transcript_path) ||
        prop_opt(w, "pcap_path", s->pcap_path, sizeof s->pcap_path) ||
        prop_opt(w, "iut_stdout_path", s->iut_stdout_path, sizeof s->iut_stdout_path) ||
        prop_opt(w, "iut_stderr_path", s->iut_stderr_path, sizeof s->iut_stderr_path))
        return -1;
    /* a fail below MUST level without --strict: a finding, not a <failure> (a green
     * run has no red test) */
    bool finding = s->v == V_FAIL && !report_fails_run(s, strict);
    if (s->v == V_NONSTRICT && prop(w, "nonstrict", s->message, sizeof s->message))
        return -1;
    if (finding && prop(w, "finding", s->message, sizeof s->message))
        return -1;
    if (XL.TextWriterEndElement(w) < 0)
        return -1;

    /* The verdict element. */
    const char *msg = strnlen(s->message, sizeof s->message) ? s->message : verdict_name(s->v);
    size_t msg_cap = msg == s->message ? sizeof s->message : SIZE_MAX;
    bool has_req = strnlen(s->requirements, sizeof s->requirements) > 0;
    int rlen = (int)strnlen(s->kf_reason, sizeof s->kf_reason);
    int nlen = (int)strnlen(s->kf_note, sizeof s->kf_note);
    int rc = 0;
    /* the message attribute: the verdict text without its requirement list (the
     * body has the whole text and the list, once) */
    char shortmsg[sizeof s->message];
    snprintf(shortmsg, sizeof shortmsg, "%s", msg);
    char *cite = strstr(shortmsg, " [requirements: ");
    /* the body: the short text, then the requirements on a line of their own, once:
     * those the message cites (with their sections), else the scenario's list */
    const char *cited = NULL, *after = "";
    size_t cited_len = 0;
    if (cite != NULL) {
        cited = msg + (cite - shortmsg) + strlen(" [requirements: ");
        const char *end = strchr(cited, ']');
        cited_len = end ? (size_t)(end - cited) : strlen(cited);
        after = end ? end + 1 : "";
        *cite = 0;
    }
    switch (bad_verdict(s->v) ? V_ERROR : finding ? V_PASS : s->v) {
    case V_PASS:
    case V_NONSTRICT:
    case V_COUNT_:
        break;
    case V_FAIL:
    case V_ERROR:
        rc = XL.TextWriterStartElement(w, BAD_CAST(s->v == V_FAIL ? "failure" : "error")) < 0 ||
             attr(w, "message", shortmsg, sizeof shortmsg) ||
             attr(w, "type", s->v == V_FAIL ? "fail" : "error", SIZE_MAX) ||
             (bad_verdict(s->v) && text(w, "invalid verdict; ", SIZE_MAX)) ||
             (cited ? text(w, shortmsg, sizeof shortmsg) || text(w, after, SIZE_MAX) ||
                          text(w, "\nrequirements: ", SIZE_MAX) || text(w, cited, cited_len)
                    : text(w, msg, msg_cap) ||
                          (has_req && (text(w, "\nrequirements: ", SIZE_MAX) ||
                                       text(w, s->requirements, sizeof s->requirements)))) ||
             XL.TextWriterEndElement(w) < 0;
        break;
    case V_XPASS:
        rc = XL.TextWriterStartElement(w, BAD_CAST "failure") < 0 ||
             attrf(w, "message", "xpass: passed although listed as a known failure (%.*s%s%.*s)",
                   rlen ? rlen : 7, rlen ? s->kf_reason : "unknown", nlen ? ": " : "", nlen,
                   s->kf_note) ||
             attr(w, "type", "xpass", SIZE_MAX) || text(w, msg, msg_cap) ||
             XL.TextWriterEndElement(w) < 0;
        break;
    case V_SKIPPED:
        rc = XL.TextWriterStartElement(w, BAD_CAST "skipped") < 0 ||
             attr(w, "message", msg, msg_cap) || XL.TextWriterEndElement(w) < 0;
        break;
    case V_XFAIL:
        rc = XL.TextWriterStartElement(w, BAD_CAST "skipped") < 0 ||
             attrf(w, "message", "xfail%s%.*s%s%.*s", rlen ? ": " : "", rlen, s->kf_reason,
                   nlen ? ": " : "", nlen, s->kf_note) ||
             text(w, msg, msg_cap) || XL.TextWriterEndElement(w) < 0;
        break;
    }
    if (rc)
        return -1;

    /* system-out: the nonstrict line, then the (capped) transcript. */
    if (s->v == V_NONSTRICT || finding || (s->transcript && *s->transcript)) {
        if (XL.TextWriterStartElement(w, BAD_CAST "system-out") < 0)
            return -1;
        if (s->v == V_NONSTRICT && (text(w, "nonstrict: ", SIZE_MAX) ||
                                    text(w, msg, msg_cap) || text(w, "\n", SIZE_MAX)))
            return -1;
        if (finding && (text(w, "finding (", SIZE_MAX) || text(w, s->level, sizeof s->level) ||
                        text(w, " level: does not fail the run without --strict): ", SIZE_MAX) ||
                        text(w, msg, msg_cap) || text(w, "\n", SIZE_MAX)))
            return -1;
        if (s->transcript && *s->transcript) {
            bool cut = false;
            char *clean =
                report_clean_text(s->transcript, SIZE_MAX, true, REPORT_JUNIT_MAX_OUT, &cut);
            if (!clean)
                return -1;
            rc = XL.TextWriterWriteString(w, BAD_CAST clean) < 0;
            free(clean);
            if (rc)
                return -1;
            if (cut) {
                char note[700];
                snprintf(note, sizeof note,
                         "\n[transcript truncated at %zu bytes; the full text is in the JSON "
                         "report%s%.*s]\n",
                         REPORT_JUNIT_MAX_OUT, *s->transcript_path ? " and in " : "",
                         FLD(s->transcript_path));
                if (text(w, note, sizeof note))
                    return -1;
            }
        }
        if (XL.TextWriterEndElement(w) < 0)
            return -1;
    }
    return XL.TextWriterEndElement(w) < 0 ? -1 : 0;
}

/* The results shown as <failure>: fails of the run's level, and xpass. */
static size_t failing_count(const run_report *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++)
        n += (r->results[i].v == V_FAIL && report_fails_run(&r->results[i], r->strict)) ||
             r->results[i].v == V_XPASS;
    return n;
}

/* One <testsuite> for the results whose role is `role`. */
static int write_testsuite(xmlTextWriterPtr w, const run_report *r, const char *role,
                           const char *timestamp, const char *hostname)
{
    size_t tests = 0, failures = 0, errors = 0, skipped = 0;
    double secs = 0;
    char key[ROLE_KEY], buf[64];
    for (size_t i = 0; i < r->n; i++) {
        const sc_result *s = &r->results[i];
        role_of(s, key);
        if (strcmp(key, role) != 0)
            continue;
        tests++;
        if (s->seconds > 0)
            secs += s->seconds;
        if ((s->v == V_FAIL && report_fails_run(s, r->strict)) || s->v == V_XPASS)
            failures++;
        else if (s->v == V_ERROR || bad_verdict(s->v))
            errors++;
        else if (s->v == V_SKIPPED || s->v == V_XFAIL)
            skipped++;
    }
    fmt_seconds(secs, buf, sizeof buf);
    if (XL.TextWriterStartElement(w, BAD_CAST "testsuite") < 0 ||
        attrf(w, "name", "%.*s/%s", FLD(r->peer), role) || attrf(w, "tests", "%zu", tests) ||
        attrf(w, "failures", "%zu", failures) || attrf(w, "errors", "%zu", errors) ||
        attrf(w, "skipped", "%zu", skipped) || attr(w, "time", buf, sizeof buf) ||
        attr(w, "timestamp", timestamp, SIZE_MAX) ||
        (*hostname && attr(w, "hostname", hostname, SIZE_MAX)))
        return -1;
    if (XL.TextWriterStartElement(w, BAD_CAST "properties") < 0 ||
        prop(w, "peer", r->peer, sizeof r->peer) ||
        prop(w, "version", r->peer_version, sizeof r->peer_version) ||
        prop(w, "harness_version", eh_version(), SIZE_MAX) ||
        propf(w, "seed", "%lu", r->seed) ||
        prop(w, "role", !strcmp(role, "iut-responder")   ? "initiator"
                        : !strcmp(role, "iut-initiator") ? "responder"
                                                         : "unspecified", SIZE_MAX) ||
        prop(w, "iut_role", role + 4, SIZE_MAX) ||
        prop_opt(w, "started", r->started, sizeof r->started) ||
        prop(w, "interrupted", r->interrupted ? "true" : "false", SIZE_MAX) ||
        XL.TextWriterEndElement(w) < 0)
        return -1;
    for (size_t i = 0; i < r->n; i++) {
        role_of(&r->results[i], key);
        if (strcmp(key, role) == 0 && write_testcase(w, &r->results[i], r->strict))
            return -1;
    }
    return XL.TextWriterEndElement(w) < 0 ? -1 : 0;
}

static int write_document(xmlTextWriterPtr w, const run_report *r)
{
    size_t c[V_COUNT_];
    run_report_counts(r, c);
    double secs = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->results[i].seconds > 0)
            secs += r->results[i].seconds;
    char tbuf[64], timestamp[40], hostname[256] = "";
    fmt_seconds(secs, tbuf, sizeof tbuf);

    if (is_datetime(r->started, sizeof r->started)) {
        snprintf(timestamp, sizeof timestamp, "%.*s", FLD(r->started));
    } else {
        time_t now = time(NULL);
        struct tm tm;
        if (!gmtime_r(&now, &tm) ||
            strftime(timestamp, sizeof timestamp, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
            strcpy(timestamp, "1970-01-01T00:00:00Z");
    }
    if (gethostname(hostname, sizeof hostname - 1) != 0)
        hostname[0] = '\0';
    hostname[sizeof hostname - 1] = '\0';

    if (XL.TextWriterSetIndent(w, 1) < 0 || XL.TextWriterSetIndentString(w, BAD_CAST "  ") < 0 ||
        XL.TextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0 ||
        XL.TextWriterStartElement(w, BAD_CAST "testsuites") < 0 ||
        attr(w, "name", "edhoc-harness", SIZE_MAX) || attrf(w, "tests", "%zu", r->n) ||
        attrf(w, "failures", "%zu", failing_count(r)) ||
        attrf(w, "errors", "%zu", c[V_ERROR]) ||
        attrf(w, "skipped", "%zu", c[V_SKIPPED] + c[V_XFAIL]) || attr(w, "time", tbuf, sizeof tbuf))
        return -1;

    /* One testsuite per role, in order of the role's first appearance. */
    char key[ROLE_KEY], prev[ROLE_KEY];
    for (size_t i = 0; i < r->n; i++) {
        role_of(&r->results[i], key);
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++) {
            role_of(&r->results[j], prev);
            seen = strcmp(prev, key) == 0;
        }
        if (!seen && write_testsuite(w, r, key, timestamp, hostname))
            return -1;
    }
    return XL.TextWriterEndDocument(w) < 0 ? -1 : 0;
}

static int emit_junit(int fd, void *ctx)
{
    junit_ctx *j = ctx;
    j->fd = fd;
    xmlOutputBufferPtr out = XL.OutputBufferCreateIO(io_write, io_close, j, NULL);
    if (!out)
        return -1;
    xmlTextWriterPtr w = XL.NewTextWriter(out); /* owns out from here */
    if (!w) {
        XL.OutputBufferClose(out);
        return -1;
    }
    int rc = write_document(w, j->r);
    if (rc == 0 && XL.TextWriterFlush(w) < 0)
        rc = -1;
    XL.FreeTextWriter(w);
    return rc == 0 && !j->io_failed ? 0 : -1;
}

int report_write_junit(const run_report *r, const char *path)
{
    if (!r || !path)
        return -1;
    if (lazylib_load(&xl_lib) != 0) {
        fprintf(stderr, "junit: %s\n", xl_lib.err);
        return -1;
    }
    XL.InitParser();
    junit_ctx j = {.r = r, .fd = -1, .io_failed = 0};
    return report_write_atomic(path, emit_junit, &j);
}

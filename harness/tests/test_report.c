/*
 * harness/report: the run report, its JUnit XML and JSON writers.
 *
 * With EH_JUNIT_SAMPLE=PATH in the environment, the round-trip test also
 * writes its (hostile) JUnit report to PATH, for tests/test_junit_schema.py
 * to validate against tests/junit.xsd.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/version.h"
#include "../report/report.h"
#include "../report/report_json.h"

#define BIG_TRANSCRIPT ((size_t)1 << 20)

/* ---- fixtures ---------------------------------------------------------- */

static char tmpdir[64];

static void mk_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/eh-report-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void rm_tmpdir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

static void tmp_path(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", tmpdir, name);
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* Is a temporary file of path left (PATH.*.tmp, report_write_atomic)? */
static bool tmp_file_remains(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[600];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    const char *base = slash ? slash + 1 : path;
    size_t nb = strlen(base);
    DIR *d = opendir(dir);
    if (d == NULL)
        return false; /* no folder: nothing in it */
    bool found = false;
    for (struct dirent *e; !found && (e = readdir(d)) != NULL;) {
        size_t n = strlen(e->d_name);
        found = n > nb + 5 && strncmp(e->d_name, base, nb) == 0 && e->d_name[nb] == '.' &&
                strcmp(e->d_name + n - 4, ".tmp") == 0;
    }
    closedir(d);
    return found;
}

/* A 1 MiB transcript: valid UTF-8 with control characters and "]]>". */
static char *big_transcript(void)
{
    char *t = malloc(BIG_TRANSCRIPT + 1);
    ck_assert_ptr_nonnull(t);
    static const char line[] = "-> message_2 (45 bytes) \xc2\xa7 ]]> <&> \"q\" \x07\x1b[0m\t58 20 ab\n";
    size_t o = 0;
    while (o < BIG_TRANSCRIPT) {
        size_t k = sizeof line - 1;
        if (k > BIG_TRANSCRIPT - o)
            k = BIG_TRANSCRIPT - o;
        memcpy(t + o, line, k);
        o += k;
    }
    /* do not end inside a UTF-8 sequence */
    while (o > 0 && ((unsigned char)t[o - 1] & 0x80))
        o--;
    t[o] = '\0';
    return t;
}

static const char *const roles[2] = {"initiator", "responder"};

/* One result of verdict v for role, full of hostile strings. */
static void fill(sc_result *s, verdict v, int role, int i)
{
    memset(s, 0, sizeof *s);
    snprintf(s->id, sizeof s->id, "rfc9528.6.%d/case-%d \"q\" <&> '%s'", (int)v, i, roles[role]);
    snprintf(s->title, sizeof s->title, "title ]]> ctl\x01\x02 bad\xff\xfe utf8 \xc3\xa9 %d", i);
    snprintf(s->area, sizeof s->area, "rfc9528.6.%d", (int)v);
    snprintf(s->role, sizeof s->role, "%s", roles[role]);
    snprintf(s->level, sizeof s->level, "%s", v == V_NONSTRICT ? "SHOULD" : "MUST");
    snprintf(s->requirements, sizeof s->requirements, "R-6.3-b (RFC 9528 \xc2\xa7" "6.3), R-%d", i);
    s->v = v;
    snprintf(s->message, sizeof s->message,
             "%s: step 2 ]]> \"quotes\" 'apos' <tag> & \x01\x1b[31m \xc3\x28 \xc0\xaf tab\tnl\n"
             "cr\r end %d",
             verdict_name(v), i);
    if (v == V_XFAIL || v == V_XPASS) {
        snprintf(s->kf_reason, sizeof s->kf_reason, "known-bug");
        snprintf(s->kf_note, sizeof s->kf_note, "note \"q\" ]]> \x0b %d", i);
    }
    s->seconds = 0.25 * (i + 1);
    if (i % 2 == 0) { /* the scenario file and the verdict's step line */
        snprintf(s->file, sizeof s->file, "scenarios/rfc9528/6.3/case-%d.yaml", i);
        s->line = 10 + i;
    }
    s->method = i % 4;
    s->suite = i % 3 == 0 ? 2 : -1;
    snprintf(s->transport, sizeof s->transport, "%s", i % 2 ? "udp" : "coap");
    s->seed = 1000u + (unsigned long)i;
    s->sizes[0] = 37 + i; /* message_1 */
    s->sizes[1] = i % 2 ? -1 : 120;
    s->sizes[2] = -1;
    s->sizes[3] = i == 3 ? 0 : -1; /* message_4 */
    s->sizes[4] = 999;             /* not reported */
    if (i % 3 != 1) { /* size entries: an IUT message_2, a harness message_1, repeats */
        static const sc_size_entry e[4] = {
            {1, false, false, 37, 1, 44, 37, "6tisch"},
            {2, true, true, 47, 0, 45, 45, "rfc9528"},
            {2, true, false, 45, 0, -1, -1, "none"},
            {3, true, true, 19, 3, 42, 19, "6tisch"},
        };
        s->n_size_entries = (size_t)(i % 3 == 0 ? 4 : 1);
        memcpy(s->size_entries, e, sizeof e);
    }
    if (i % 3 != 1) { /* amplification: measured, with a hostile reply name, or not */
        sc_amplification *a = &s->amplification;
        a->measured = true;
        snprintf(a->reply, sizeof a->reply, "%s", i % 3 ? "coap 4.01 <&>" : "message_2");
        a->request_bytes = 39, a->reply_bytes = i % 3 ? 0 : 118;
        a->request_datagram_bytes = 66;
        a->reply_datagram_bytes = i % 2 ? -1 : 133;
    }
    if (v == V_FAIL && role == 0) {
        s->transcript = big_transcript();
    } else if (v != V_PASS || role == 0) {
        ck_assert_ptr_nonnull(s->transcript = strdup("line1\n\x01\x7f\xc0\xaf]]>\xef\xbf\xbe" " end "
                                                       "\xf0\x9f\x94\x91 \xed\xa0\x80\n"));
    }
    if (i % 2) {
        snprintf(s->transcript_path, sizeof s->transcript_path, "/tmp/t/%d.txt", i);
        snprintf(s->iut_stdout_path, sizeof s->iut_stdout_path, "/tmp/t/%d.out", i);
        snprintf(s->iut_stderr_path, sizeof s->iut_stderr_path, "/tmp/t/%d.err", i);
        snprintf(s->pcap_path, sizeof s->pcap_path, "/tmp/t/%d.pcap", i);
        if (i % 3 == 0)
            snprintf(s->unwritten, sizeof s->unwritten,
                     "cannot write /tmp/t/%d.txt: No space left on device \"\\", i);
        /* a job that ran: where its time went (a skipped one has none) */
        s->timing = (sc_job_timing){.setup_ms = 1.234, .spawn_ms = 2, .ready_ms = 3.005,
                                    .steps_ms = 4, .stop_ms = 5, .files_ms = 6,
                                    .job_ms = 30.5 + i};
    }
}

/* Every verdict in both roles, interleaved: initiator, responder, ... */
static void build_report(run_report *r)
{
    run_report_init(r);
    snprintf(r->peer, sizeof r->peer, "ref<&>\"peer\" \x01");
    snprintf(r->peer_version, sizeof r->peer_version, "1.0 ]]>");
    r->seed = ULONG_MAX;
    snprintf(r->started, sizeof r->started, "2025-01-02T03:04:05Z");
    r->interrupted = true;
    int i = 0;
    for (int v = 0; v < V_COUNT_; v++)
        for (int role = 0; role < 2; role++, i++) {
            sc_result s;
            fill(&s, (verdict)v, role, i);
            char *t = s.transcript;
            ck_assert_int_eq(run_report_add(r, &s), 0);
            ck_assert_ptr_null(s.transcript);
            ck_assert_ptr_eq(r->results[r->n - 1].transcript, t);
        }
    ck_assert_uint_eq(r->n, 2 * V_COUNT_);
}

static char *clean(const char *s, size_t n, bool xml)
{
    char *c = report_clean_text(s, n, xml, SIZE_MAX, NULL);
    ck_assert_ptr_nonnull(c);
    return c;
}
#define CLEAN_XML(field) clean((field), sizeof(field), true)
#define CLEAN_JSON(field) clean((field), sizeof(field), false)

/* ---- libxml2 helpers --------------------------------------------------- */

static size_t n_children(xmlNode *n, const char *name)
{
    size_t k = 0;
    for (xmlNode *c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && (!name || !strcmp((const char *)c->name, name)))
            k++;
    return k;
}

static xmlNode *child(xmlNode *n, const char *name, size_t idx)
{
    for (xmlNode *c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name) && idx-- == 0)
            return c;
    return NULL;
}

static void assert_attr(xmlNode *n, const char *name, const char *want)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    ck_assert_msg(v != NULL, "<%s> lacks %s", n->name, name);
    ck_assert_msg(!strcmp((const char *)v, want), "<%s %s=\"%s\">, expected \"%s\"", n->name, name,
                  v, want);
    xmlFree(v);
}

static void assert_attr_prefix(xmlNode *n, const char *name, const char *want)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    ck_assert_msg(v != NULL, "<%s> lacks %s", n->name, name);
    ck_assert_msg(!strncmp((const char *)v, want, strlen(want)), "<%s %s=\"%s\">, expected %s...",
                  n->name, name, v, want);
    xmlFree(v);
}

/* Value of property name in the <properties> child of n, or NULL (xmlFree). */
static xmlChar *property(xmlNode *n, const char *name)
{
    xmlNode *ps = child(n, "properties", 0);
    if (!ps)
        return NULL;
    for (xmlNode *p = ps->children; p; p = p->next) {
        if (p->type != XML_ELEMENT_NODE)
            continue;
        ck_assert_str_eq((const char *)p->name, "property");
        xmlChar *pn = xmlGetProp(p, BAD_CAST "name");
        bool hit = pn && !strcmp((const char *)pn, name);
        xmlFree(pn);
        if (hit)
            return xmlGetProp(p, BAD_CAST "value");
    }
    return NULL;
}

static void assert_property(xmlNode *n, const char *name, const char *want)
{
    xmlChar *v = property(n, name);
    if (!want) {
        ck_assert_msg(v == NULL, "property %s=\"%s\" unexpected", name, v);
        return;
    }
    ck_assert_msg(v != NULL, "property %s missing", name);
    ck_assert_msg(!strcmp((const char *)v, want), "property %s=\"%s\", expected \"%s\"", name, v,
                  want);
    xmlFree(v);
}

static char *content(xmlNode *n)
{
    xmlChar *c = xmlNodeGetContent(n);
    ck_assert_ptr_nonnull(c);
    return (char *)c;
}

/* Every byte of the file: UTF-8 only, no raw control character other than
 * tab, LF, CR. */
static void assert_file_clean(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    int c;
    long off = 0;
    while ((c = fgetc(f)) != EOF) {
        /* an assertion only when it fails: Check records every ck_assert it
         * passes (a write per call without fork), a second per byte here */
        if (!(c >= 0x20 || c == '\t' || c == '\n' || c == '\r'))
            ck_abort_msg("raw control byte 0x%02x at offset %ld", c, off);
        off++;
    }
    fclose(f);
    ck_assert_int_gt(off, (long)BIG_TRANSCRIPT);
}

/* ---- tests ------------------------------------------------------------- */

START_TEST(verdict_names)
{
    static const char *const want[V_COUNT_] = {"pass",  "fail",  "skipped", "nonstrict",
                                               "error", "xfail", "xpass"};
    for (int v = 0; v < V_COUNT_; v++)
        ck_assert_str_eq(verdict_name((verdict)v), want[v]);
    ck_assert_str_eq(verdict_name(V_COUNT_), "unknown");
    ck_assert_str_eq(verdict_name((verdict)-1), "unknown");
}
END_TEST

START_TEST(amplification_factor)
{
    ck_assert_int_eq(report_amplification_milli(118, 39), 3026); /* 3.0256 */
    ck_assert_int_eq(report_amplification_milli(39, 39), 1000);
    ck_assert_int_eq(report_amplification_milli(0, 39), 0);
    ck_assert_int_eq(report_amplification_milli(1, 2000), 1);     /* 0.0005 rounds up */
    ck_assert_int_eq(report_amplification_milli(1, 2001), 0);
    ck_assert_int_eq(report_amplification_milli(10, 0), -1);      /* no request bytes */
    ck_assert_int_eq(report_amplification_milli(-1, 39), -1);     /* unknown */
    ck_assert_int_eq(report_amplification_milli(39, -1), -1);
    ck_assert_int_eq(report_amplification_milli(LONG_MAX, 1), -1); /* would overflow */
}
END_TEST

START_TEST(add_moves_transcripts_and_grows)
{
    run_report r;
    run_report_init(&r);
    ck_assert_uint_eq(r.n, 0);
    for (int i = 0; i < 1000; i++) {
        sc_result s;
        memset(&s, 0, sizeof s);
        snprintf(s.id, sizeof s.id, "id-%d", i);
        s.v = (verdict)(i % V_COUNT_);
        s.transcript = i % 3 ? strdup("transcript") : NULL;
        char *t = s.transcript;
        ck_assert_int_eq(run_report_add(&r, &s), 0);
        ck_assert_ptr_null(s.transcript);
        ck_assert_ptr_eq(r.results[i].transcript, t);
        ck_assert_uint_le(r.n, r.cap);
    }
    ck_assert_uint_eq(r.n, 1000);
    ck_assert_uint_lt(r.cap, 2000); /* doubling, not one-by-one slack */
    for (int i = 0; i < 1000; i++) {
        char id[32];
        snprintf(id, sizeof id, "id-%d", i);
        ck_assert_str_eq(r.results[i].id, id);
    }
    size_t c[V_COUNT_], total = 0;
    run_report_counts(&r, c);
    for (int v = 0; v < V_COUNT_; v++) {
        ck_assert_uint_eq(c[v], 1000 / V_COUNT_ + (v < 1000 % V_COUNT_));
        total += c[v];
    }
    ck_assert_uint_eq(total, 1000);
    run_report_free(&r); /* ASan: every transcript freed */
    ck_assert_ptr_null(r.results);
    ck_assert_uint_eq(r.n, 0);
    run_report_free(&r);
}
END_TEST

START_TEST(clean_text)
{
    char *c;
    /* XML: controls as \xNN, invalid UTF-8 as U+FFFD, U+FFFE as \xNN */
    c = report_clean_text("a\x01" "b\xff" "c\xef\xbf\xbe" "d\t\n\r\x7f", SIZE_MAX, true, SIZE_MAX,
                          NULL);
    ck_assert_str_eq(c, "a\\x01b\xef\xbf\xbd" "c\\xef\\xbf\\xbed\t\n\r\x7f");
    free(c);
    /* JSON: controls kept */
    c = report_clean_text("a\x01" "b\xff" "c\xef\xbf\xbe", SIZE_MAX, false, SIZE_MAX, NULL);
    ck_assert_str_eq(c, "a\x01" "b\xef\xbf\xbd" "c\xef\xbf\xbe");
    free(c);
    /* overlong, surrogate, above U+10FFFF, truncated sequence: each byte U+FFFD */
    c = report_clean_text("\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\xe2\x82", SIZE_MAX, true,
                          SIZE_MAX, NULL);
    ck_assert_str_eq(c, "\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|"
                        "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd");
    free(c);
    /* valid multi-byte characters pass unchanged */
    c = report_clean_text("\xc2\xa7 \xe2\x82\xac \xf0\x9f\x94\x91 \xf4\x8f\xbf\xbd", SIZE_MAX,
                          true, SIZE_MAX, NULL);
    ck_assert_str_eq(c, "\xc2\xa7 \xe2\x82\xac \xf0\x9f\x94\x91 \xf4\x8f\xbf\xbd");
    free(c);
    /* a fixed-size field without its NUL: n bounds it */
    char field[4] = {'a', 'b', 'c', 'd'};
    c = report_clean_text(field, sizeof field, true, SIZE_MAX, NULL);
    ck_assert_str_eq(c, "abcd");
    free(c);
    /* truncation at a character boundary */
    bool cut = false;
    c = report_clean_text("ab\xe2\x82\xac", SIZE_MAX, true, 4, &cut);
    ck_assert_str_eq(c, "ab");
    ck_assert(cut);
    free(c);
    c = report_clean_text("ab\xe2\x82\xac", SIZE_MAX, true, 5, &cut);
    ck_assert_str_eq(c, "ab\xe2\x82\xac");
    ck_assert(!cut);
    free(c);
    c = report_clean_text(NULL, SIZE_MAX, true, SIZE_MAX, NULL);
    ck_assert_str_eq(c, "");
    free(c);
}
END_TEST

/* The testcase element for result s, checked against its verdict. */
static void check_testcase(xmlNode *tc, const sc_result *s)
{
    char *want = CLEAN_XML(s->id);
    assert_attr(tc, "name", want);
    free(want);
    char *area = CLEAN_XML(s->area), cls[160];
    snprintf(cls, sizeof cls, "iut-%s.%s", strcmp(s->role, "initiator") ? "initiator" : "responder",
             area);
    assert_attr(tc, "classname", cls);
    free(area);
    char buf[64];
    snprintf(buf, sizeof buf, "%.3f", s->seconds);
    assert_attr(tc, "time", buf);

    assert_property(tc, "verdict", verdict_name(s->v));
    want = CLEAN_XML(s->title);
    assert_property(tc, "title", want);
    free(want);
    want = CLEAN_XML(s->requirements);
    assert_property(tc, "requirements", want);
    free(want);
    assert_property(tc, "level", s->level);
    snprintf(buf, sizeof buf, "%d", s->method);
    assert_property(tc, "method", buf);
    snprintf(buf, sizeof buf, "%d", s->suite);
    assert_property(tc, "suite", buf);
    assert_property(tc, "transport", s->transport);
    snprintf(buf, sizeof buf, "%lu", s->seed);
    assert_property(tc, "seed", buf);
    assert_property(tc, "m0", NULL);
    assert_property(tc, "m5", NULL);
    for (int m = 1; m <= 4; m++) {
        char name[4] = {'m', (char)('0' + m), '\0', '\0'};
        snprintf(buf, sizeof buf, "%ld", s->sizes[m - 1]);
        assert_property(tc, name, s->sizes[m - 1] >= 0 ? buf : NULL);
    }
    static const char *const size_names[4] = {"size.harness.message_1", "size.iut.message_2",
                                               "size.iut.message_2.2", "size.iut.message_3"};
    static const char *const size_values[4] = {
        "37 bytes; budget 44 bytes (6tisch); minimum 37 bytes; after a 1-byte prefix",
        "47 bytes; budget 45 bytes (rfc9528); minimum 45 bytes; judged; over budget",
        "45 bytes; budget none (none); minimum unknown",
        "19 bytes; budget 42 bytes (6tisch); minimum 19 bytes; after a 3-byte prefix; judged"};
    for (size_t k = 0; k < 4; k++)
        assert_property(tc, size_names[k], k < s->n_size_entries ? size_values[k] : NULL);
    const sc_amplification *a = &s->amplification;
    bool meas = a->measured;
    char *reply = meas ? CLEAN_XML(a->reply) : NULL;
    assert_property(tc, "amplification_reply", reply);
    free(reply);
    assert_property(tc, "amplification_request_bytes", meas ? "39" : NULL);
    assert_property(tc, "amplification_reply_bytes",
                    meas ? (a->reply_bytes ? "118" : "0") : NULL);
    /* 118 / 39 = 3.0256..., 0 / 39 = 0, 133 / 66 = 2.0151... */
    assert_property(tc, "amplification_factor", meas ? (a->reply_bytes ? "3.026" : "0.000") : NULL);
    assert_property(tc, "amplification_request_datagram_bytes", meas ? "66" : NULL);
    bool dg = meas && a->reply_datagram_bytes >= 0;
    assert_property(tc, "amplification_reply_datagram_bytes", dg ? "133" : NULL);
    assert_property(tc, "amplification_datagram_factor", dg ? "2.015" : NULL);
    assert_property(tc, "transcript_path", *s->transcript_path ? s->transcript_path : NULL);
    assert_property(tc, "pcap_path", *s->pcap_path ? s->pcap_path : NULL);
    assert_property(tc, "iut_stdout_path", *s->iut_stdout_path ? s->iut_stdout_path : NULL);
    assert_property(tc, "iut_stderr_path", *s->iut_stderr_path ? s->iut_stderr_path : NULL);

    char *msg = CLEAN_XML(s->message);
    size_t nverdict = n_children(tc, "failure") + n_children(tc, "error") +
                      n_children(tc, "skipped");
    xmlNode *el = NULL;
    char *txt;
    switch (s->v) {
    case V_PASS:
    case V_NONSTRICT:
        ck_assert_uint_eq(nverdict, 0);
        break;
    case V_FAIL:
        ck_assert_uint_eq(nverdict, 1);
        ck_assert_ptr_nonnull(el = child(tc, "failure", 0));
        assert_attr(el, "type", "fail");
        assert_attr(el, "message", msg);
        txt = content(el);
        ck_assert(!strncmp(txt, msg, strlen(msg)));
        xmlFree(txt);
        break;
    case V_XPASS:
        ck_assert_uint_eq(nverdict, 1);
        ck_assert_ptr_nonnull(el = child(tc, "failure", 0));
        assert_attr(el, "type", "xpass");
        assert_attr_prefix(el, "message", "xpass: passed although listed as a known failure (known-bug: note");
        break;
    case V_ERROR:
        ck_assert_uint_eq(nverdict, 1);
        ck_assert_ptr_nonnull(el = child(tc, "error", 0));
        assert_attr(el, "message", msg);
        assert_attr(el, "type", "error");
        break;
    case V_SKIPPED:
        ck_assert_uint_eq(nverdict, 1);
        ck_assert_ptr_nonnull(el = child(tc, "skipped", 0));
        assert_attr(el, "message", msg);
        break;
    case V_XFAIL: {
        ck_assert_uint_eq(nverdict, 1);
        ck_assert_ptr_nonnull(el = child(tc, "skipped", 0));
        char *note = CLEAN_XML(s->kf_note);
        char *m = malloc(strlen(note) + 64);
        ck_assert_ptr_nonnull(m);
        sprintf(m, "xfail: known-bug: %s", note);
        assert_attr(el, "message", m);
        free(m);
        free(note);
        txt = content(el);
        ck_assert_str_eq(txt, msg);
        xmlFree(txt);
        break;
    }
    default:
        ck_abort();
    }
    if (s->v == V_NONSTRICT)
        assert_property(tc, "nonstrict", msg);
    else
        assert_property(tc, "nonstrict", NULL);

    /* system-out: the nonstrict line, then the transcript */
    xmlNode *out = child(tc, "system-out", 0);
    if (!s->transcript && s->v != V_NONSTRICT) {
        ck_assert_ptr_null(out);
    } else {
        ck_assert_ptr_nonnull(out);
        char *got = content(out), *tr = clean(s->transcript, SIZE_MAX, true);
        size_t off = 0;
        if (s->v == V_NONSTRICT) {
            ck_assert(!strncmp(got, "nonstrict: ", 11));
            ck_assert(!strncmp(got + 11, msg, strlen(msg)));
            off = 11 + strlen(msg);
            ck_assert_int_eq(got[off], '\n');
            off++;
        }
        ck_assert_uint_eq(strlen(got + off), strlen(tr));
        ck_assert(!strcmp(got + off, tr));
        free(tr);
        xmlFree(got);
    }
    free(msg);
}

START_TEST(junit_round_trip)
{
    mk_tmpdir();
    run_report r;
    build_report(&r);
    char path[512];
    tmp_path(path, sizeof path, "report.xml");
    ck_assert_int_eq(report_write_junit(&r, path), 0);
    ck_assert(!tmp_file_remains(path));
    assert_file_clean(path);
    /* writing again replaces the file */
    ck_assert_int_eq(report_write_junit(&r, path), 0);
    ck_assert(!tmp_file_remains(path));

    const char *sample = getenv("EH_JUNIT_SAMPLE");
    if (sample && *sample) {
        ck_assert_int_eq(report_write_junit(&r, sample), 0);
        ck_assert(!tmp_file_remains(sample));
    }

    xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    ck_assert_msg(doc != NULL, "the JUnit report does not parse");
    xmlNode *root = xmlDocGetRootElement(doc);
    ck_assert_str_eq((const char *)root->name, "testsuites");
    size_t n = r.n;
    char buf[64];
    snprintf(buf, sizeof buf, "%zu", n);
    assert_attr(root, "tests", buf);
    assert_attr(root, "failures", "4"); /* fail + xpass, both roles */
    assert_attr(root, "errors", "2");
    assert_attr(root, "skipped", "4"); /* skipped + xfail */
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += r.results[i].seconds;
    snprintf(buf, sizeof buf, "%.3f", total);
    assert_attr(root, "time", buf);

    ck_assert_uint_eq(n_children(root, NULL), 2);
    char *peer = CLEAN_XML(r.peer), *version = CLEAN_XML(r.peer_version);
    for (int role = 0; role < 2; role++) {
        xmlNode *ts = child(root, "testsuite", (size_t)role);
        ck_assert_ptr_nonnull(ts);
        char name[128];
        snprintf(name, sizeof name, "%s/iut-%s", peer, roles[1 - role]);
        assert_attr(ts, "name", name);
        snprintf(buf, sizeof buf, "%d", V_COUNT_);
        assert_attr(ts, "tests", buf);
        assert_attr(ts, "failures", "2");
        assert_attr(ts, "errors", "1");
        assert_attr(ts, "skipped", "2");
        assert_attr(ts, "timestamp", "2025-01-02T03:04:05Z");
        double t = 0;
        for (size_t i = (size_t)role; i < n; i += 2)
            t += r.results[i].seconds;
        snprintf(buf, sizeof buf, "%.3f", t);
        assert_attr(ts, "time", buf);
        assert_property(ts, "peer", peer);
        assert_property(ts, "version", version);
        assert_property(ts, "seed", "18446744073709551615");
        assert_property(ts, "role", roles[role]);
        assert_property(ts, "iut_role", roles[1 - role]);
        assert_property(ts, "interrupted", "true");
        assert_property(ts, "started", "2025-01-02T03:04:05Z");

        /* the role's results, in input order */
        ck_assert_uint_eq(n_children(ts, "testcase"), V_COUNT_);
        ck_assert_uint_eq(n_children(ts, NULL), V_COUNT_ + 1);
        for (int v = 0; v < V_COUNT_; v++)
            check_testcase(child(ts, "testcase", (size_t)v), &r.results[2 * v + role]);
    }
    free(peer);
    free(version);
    xmlFreeDoc(doc);
    run_report_free(&r);
    rm_tmpdir();
}
END_TEST

static void assert_jstr(json_t *obj, const char *key, const char *want)
{
    json_t *v = json_object_get(obj, key);
    ck_assert_msg(json_is_string(v), "%s is not a string", key);
    ck_assert_msg(!strcmp(json_string_value(v), want), "%s = \"%s\", expected \"%s\"", key,
                  json_string_value(v), want);
}

static void assert_jstr_field(json_t *obj, const char *key, const char *field, size_t cap)
{
    char *want = clean(field, cap, false);
    assert_jstr(obj, key, want);
    free(want);
}
#define ASSERT_JFIELD(obj, key, field) assert_jstr_field((obj), (key), (field), sizeof(field))

START_TEST(json_round_trip)
{
    mk_tmpdir();
    run_report r;
    build_report(&r);
    char path[512];
    tmp_path(path, sizeof path, "report.json");
    ck_assert_int_eq(report_write_json(&r, path), 0);
    ck_assert(!tmp_file_remains(path));

    json_error_t err;
    json_t *doc = json_load_file(path, 0, &err);
    ck_assert_msg(doc != NULL, "JSON does not parse: %s (line %d)", err.text, err.line);
    /* the keys, in order */
    static const char *const keys[] = {"harness_version", "peer",   "version", "seed",
                                       "started", "interrupted", "strict",  "summary",
                                       "results"};
    size_t k = 0;
    for (void *it = json_object_iter(doc); it; it = json_object_iter_next(doc, it), k++) {
        ck_assert_uint_lt(k, sizeof keys / sizeof *keys);
        ck_assert_str_eq(json_object_iter_key(it), keys[k]);
    }
    ck_assert_uint_eq(k, sizeof keys / sizeof *keys);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "harness_version")), eh_version());
    ck_assert_str_ne(eh_version(), "");
    ASSERT_JFIELD(doc, "peer", r.peer);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "peer")), "ref<&>\"peer\" \x01");
    ASSERT_JFIELD(doc, "version", r.peer_version);
    assert_jstr(doc, "seed", "18446744073709551615"); /* above LLONG_MAX: a string */
    assert_jstr(doc, "started", "2025-01-02T03:04:05Z");
    ck_assert(json_is_true(json_object_get(doc, "interrupted")));
    ck_assert(json_is_boolean(json_object_get(doc, "strict")));
    ck_assert(json_is_true(json_object_get(doc, "strict")) == r.strict);
    json_t *summary = json_object_get(doc, "summary");
    ck_assert_uint_eq(json_object_size(summary), V_COUNT_);
    for (int v = 0; v < V_COUNT_; v++)
        ck_assert_int_eq(json_integer_value(json_object_get(summary, verdict_name((verdict)v))), 2);

    json_t *results = json_object_get(doc, "results");
    ck_assert_uint_eq(json_array_size(results), r.n);
    static const char *const rkeys[] = {
        "id",          "title",  "area",   "role",  "iut_role", "level",     "requirements",
        "verdict",     "message", "fingerprint", "known_failure", "seconds", "method", "suite",
        "transport",   "profile", "seed",   "sizes",  "budgets", "amplification", "file", "line", "transcript_path", "pcap_path",
        "iut_stdout_path", "iut_stderr_path", "unwritten", "timing", "transcript"};
    for (size_t i = 0; i < r.n; i++) {
        const sc_result *s = &r.results[i];
        json_t *o = json_array_get(results, i);
        k = 0;
        for (void *it = json_object_iter(o); it; it = json_object_iter_next(o, it), k++) {
            ck_assert_uint_lt(k, sizeof rkeys / sizeof *rkeys);
            ck_assert_str_eq(json_object_iter_key(it), rkeys[k]);
        }
        ck_assert_uint_eq(k, sizeof rkeys / sizeof *rkeys);
        ASSERT_JFIELD(o, "id", s->id);
        ASSERT_JFIELD(o, "title", s->title);
        ASSERT_JFIELD(o, "area", s->area);
        ASSERT_JFIELD(o, "unwritten", s->unwritten);
        json_t *tm = json_object_get(o, "timing");
        if (s->timing.job_ms > 0) {
            static const char *const tkeys[] = {"setup_ms", "spawn_ms", "ready_ms", "steps_ms",
                                                "stop_ms",  "files_ms", "job_ms"};
            const double want[] = {1.23, 2, 3.01, 4, 5, 6, s->timing.job_ms}; /* 1/100 */
            ck_assert_uint_eq(json_object_size(tm), 7);
            for (size_t t = 0; t < 7; t++)
                ck_assert_double_eq_tol(json_number_value(json_object_get(tm, tkeys[t])),
                                        want[t], 1e-9);
        } else {
            ck_assert(json_is_null(tm));
        }
        assert_jstr(o, "role", s->role);
        assert_jstr(o, "level", s->level);
        assert_jstr(o, "requirements", s->requirements); /* valid UTF-8: unchanged */
        assert_jstr(o, "verdict", verdict_name(s->v));
        ASSERT_JFIELD(o, "message", s->message);
        /* the fingerprint of what did not pass, the one a baseline uses */
        char fp[32];
        if (s->v == V_PASS || s->v == V_SKIPPED)
            ck_assert(json_is_null(json_object_get(o, "fingerprint")));
        else
            assert_jstr(o, "fingerprint", report_fingerprint(s, fp, sizeof fp));
        json_t *kf = json_object_get(o, "known_failure");
        if (s->v == V_XFAIL || s->v == V_XPASS) {
            ck_assert(json_is_object(kf));
            assert_jstr(kf, "reason", "known-bug");
            assert_jstr(kf, "note", s->kf_note);
        } else {
            ck_assert(json_is_null(kf));
        }
        ck_assert(json_is_real(json_object_get(o, "seconds")));
        ck_assert(json_real_value(json_object_get(o, "seconds")) == s->seconds);
        ck_assert_int_eq(json_integer_value(json_object_get(o, "method")), s->method);
        ck_assert_int_eq(json_integer_value(json_object_get(o, "suite")), s->suite);
        assert_jstr(o, "transport", s->transport);
        ck_assert(json_is_integer(json_object_get(o, "seed")));
        ck_assert_int_eq(json_integer_value(json_object_get(o, "seed")), (json_int_t)s->seed);
        json_t *sizes = json_object_get(o, "sizes");
        ck_assert_uint_eq(json_array_size(sizes), 4);
        for (size_t m = 0; m < 4; m++)
            ck_assert_int_eq(json_integer_value(json_array_get(sizes, m)), s->sizes[m]);
        json_t *budgets = json_object_get(o, "budgets");
        ck_assert(json_is_array(budgets));
        ck_assert_uint_eq(json_array_size(budgets), s->n_size_entries);
        static const char *const bkeys[] = {"message", "size",   "budget", "minimum",
                                            "profile", "from",   "prefix", "judged"};
        for (size_t m = 0; m < s->n_size_entries; m++) {
            const sc_size_entry *e = &s->size_entries[m];
            json_t *b = json_array_get(budgets, m);
            size_t kk = 0;
            for (void *it = json_object_iter(b); it; it = json_object_iter_next(b, it), kk++)
                ck_assert_str_eq(json_object_iter_key(it), bkeys[kk]);
            ck_assert_uint_eq(kk, sizeof bkeys / sizeof *bkeys);
            char name[16];
            snprintf(name, sizeof name, "message_%d", e->message);
            assert_jstr(b, "message", name);
            ck_assert_int_eq(json_integer_value(json_object_get(b, "size")), e->size);
            if (e->budget < 0)
                ck_assert(json_is_null(json_object_get(b, "budget")));
            else
                ck_assert_int_eq(json_integer_value(json_object_get(b, "budget")), e->budget);
            if (e->minimum < 0)
                ck_assert(json_is_null(json_object_get(b, "minimum")));
            else
                ck_assert_int_eq(json_integer_value(json_object_get(b, "minimum")), e->minimum);
            assert_jstr(b, "profile", e->profile);
            assert_jstr(b, "from", e->from_iut ? "iut" : "harness");
            ck_assert_int_eq(json_integer_value(json_object_get(b, "prefix")), e->prefix);
            ck_assert(json_is_boolean(json_object_get(b, "judged")));
            ck_assert(json_boolean_value(json_object_get(b, "judged")) == e->judged);
        }
        json_t *amp = json_object_get(o, "amplification");
        const sc_amplification *a = &s->amplification;
        if (!a->measured) {
            ck_assert(json_is_null(amp));
        } else {
            static const char *const akeys[] = {"reply", "request_bytes", "reply_bytes",
                                                "factor", "request_datagram_bytes",
                                                "reply_datagram_bytes", "datagram_factor"};
            size_t ak = 0;
            for (void *it = json_object_iter(amp); it; it = json_object_iter_next(amp, it), ak++)
                ck_assert_str_eq(json_object_iter_key(it), akeys[ak]);
            ck_assert_uint_eq(ak, 7);
            assert_jstr(amp, "reply", a->reply);
            ck_assert_int_eq(json_integer_value(json_object_get(amp, "request_bytes")), 39);
            ck_assert_int_eq(json_integer_value(json_object_get(amp, "reply_bytes")),
                             a->reply_bytes);
            ck_assert(json_real_value(json_object_get(amp, "factor")) ==
                      (a->reply_bytes ? 3.026 : 0.0));
            ck_assert_int_eq(json_integer_value(json_object_get(amp, "request_datagram_bytes")),
                             66);
            if (a->reply_datagram_bytes < 0) {
                ck_assert(json_is_null(json_object_get(amp, "reply_datagram_bytes")));
                ck_assert(json_is_null(json_object_get(amp, "datagram_factor")));
            } else {
                ck_assert_int_eq(
                    json_integer_value(json_object_get(amp, "reply_datagram_bytes")), 133);
                ck_assert(json_real_value(json_object_get(amp, "datagram_factor")) == 2.015);
            }
        }
        assert_jstr(o, "transcript_path", s->transcript_path);
        assert_jstr(o, "pcap_path", s->pcap_path);
        assert_jstr(o, "iut_stdout_path", s->iut_stdout_path);
        assert_jstr(o, "iut_stderr_path", s->iut_stderr_path);
        json_t *t = json_object_get(o, "transcript");
        if (!s->transcript) {
            ck_assert(json_is_null(t));
        } else if (strlen(s->transcript) >= BIG_TRANSCRIPT - 64) {
            /* the big one is valid UTF-8 (controls included): exactly as given */
            ck_assert(json_is_string(t));
            ck_assert_uint_eq(json_string_length(t), strlen(s->transcript));
            ck_assert(!strcmp(json_string_value(t), s->transcript));
        } else {
            char *want = clean(s->transcript, SIZE_MAX, false);
            assert_jstr(o, "transcript", want);
            free(want);
        }
    }
    json_decref(doc);
    run_report_free(&r);
    rm_tmpdir();
}
END_TEST

/* Odd input: an unknown verdict, blank names and role, NaN time, a seed
 * that fits, no started time. */
/* A JSON report read back (report_result_from_json, what `merge` uses)
 * writes the same JSON again: every field survives, hostile text included;
 * a wrong shape is refused naming its key. */
START_TEST(json_read_back)
{
    run_report r;
    build_report(&r);
    json_t *doc = report_json_doc(&r);
    ck_assert_ptr_nonnull(doc);
    json_t *results = json_object_get(doc, "results");
    char err[256];
    for (size_t i = 0; i < json_array_size(results); i++) {
        json_t *o = json_array_get(results, i);
        sc_result back;
        ck_assert_msg(report_result_from_json(o, &back, err, sizeof err) == 0, "%s", err);
        json_t *again = report_result_json(&back);
        ck_assert_ptr_nonnull(again);
        char *a = json_dumps(o, JSON_PRESERVE_ORDER), *b = json_dumps(again, JSON_PRESERVE_ORDER);
        ck_assert_ptr_nonnull(a);
        ck_assert_ptr_nonnull(b);
        if (strcmp(a, b) != 0) {
            size_t d = 0;
            while (a[d] == b[d])
                d++;
            ck_abort_msg("result %zu differs after reading it back at %zu: %.80s | %.80s", i, d,
                         a + (d > 20 ? d - 20 : 0), b + (d > 20 ? d - 20 : 0));
        }
        free(a), free(b);
        json_decref(again);
        free(back.transcript);
    }
    /* shapes that are refused, each naming its key */
    static const char *const bad[][2] = {
        {"{\"id\": 3, \"verdict\": \"pass\"}", "\"id\""},
        {"{\"verdict\": \"maybe\"}", "\"verdict\""},
        {"{\"verdict\": \"pass\", \"sizes\": [1, 2, 3, 4, 5]}", "\"sizes\""},
        {"{\"verdict\": \"pass\", \"seed\": \"12x\"}", "\"seed\""},
        {"{\"verdict\": \"pass\", \"budgets\": [{\"message\": \"message_9\"}]}", "\"budgets\""},
        {"{\"verdict\": \"pass\", \"line\": \"7\"}", "\"line\""},
        {"[]", "not an object"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *o = json_loads(bad[i][0], 0, NULL);
        sc_result back;
        ck_assert_ptr_nonnull(o);
        ck_assert_int_eq(report_result_from_json(o, &back, err, sizeof err), -1);
        ck_assert_msg(strstr(err, bad[i][1]) != NULL, "%s: %s", bad[i][0], err);
        ck_assert_ptr_null(back.transcript);
        json_decref(o);
    }
    json_decref(doc);
    run_report_free(&r);
}
END_TEST

START_TEST(odd_results)
{
    mk_tmpdir();
    run_report r;
    run_report_init(&r);
    r.seed = 7;
    sc_result s;
    memset(&s, 0, sizeof s);
    s.v = (verdict)(V_COUNT_ + 3);
    s.seconds = 0.0 / 0.0;
    snprintf(s.id, sizeof s.id, "  ");
    for (int m = 0; m < 5; m++)
        s.sizes[m] = -1;
    ck_assert_int_eq(run_report_add(&r, &s), 0);
    size_t c[V_COUNT_];
    run_report_counts(&r, c);
    ck_assert_uint_eq(c[V_ERROR], 1);

    char path[512], jpath[512];
    tmp_path(path, sizeof path, "odd.xml");
    tmp_path(jpath, sizeof jpath, "odd.json");
    ck_assert_int_eq(report_write_junit(&r, path), 0);
    ck_assert_int_eq(report_write_json(&r, jpath), 0);
    xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    ck_assert_ptr_nonnull(doc);
    xmlNode *root = xmlDocGetRootElement(doc);
    assert_attr(root, "errors", "1");
    xmlNode *ts = child(root, "testsuite", 0);
    ck_assert_ptr_nonnull(ts);
    assert_attr(ts, "name", "/iut-unspecified");
    assert_property(ts, "seed", "7");
    assert_property(ts, "started", NULL);
    xmlChar *stamp = xmlGetProp(ts, BAD_CAST "timestamp"); /* now, in UTC */
    ck_assert_ptr_nonnull(stamp);
    ck_assert_uint_eq(strlen((const char *)stamp), 20);
    ck_assert_int_eq(stamp[19], 'Z');
    xmlFree(stamp);
    xmlNode *tc = child(ts, "testcase", 0);
    assert_attr(tc, "name", "unnamed");
    assert_attr(tc, "classname", "iut-unspecified.unclassified");
    assert_attr(tc, "time", "0.000");
    assert_property(tc, "verdict", "unknown");
    ck_assert_ptr_nonnull(child(tc, "error", 0));
    ck_assert_ptr_null(child(tc, "system-out", 0));
    xmlFreeDoc(doc);

    json_t *j = json_load_file(jpath, 0, NULL);
    ck_assert_ptr_nonnull(j);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "seed")), 7);
    json_t *o = json_array_get(json_object_get(j, "results"), 0);
    assert_jstr(o, "verdict", "unknown");
    ck_assert(json_real_value(json_object_get(o, "seconds")) == 0.0);
    ck_assert(json_is_null(json_object_get(o, "transcript")));
    json_decref(j);
    run_report_free(&r);
    rm_tmpdir();
}
END_TEST

/* A transcript above REPORT_JUNIT_MAX_OUT is cut in system-out (at a
 * character boundary, with a note); the JSON report keeps all of it. */
START_TEST(junit_caps_system_out)
{
    mk_tmpdir();
    run_report r;
    run_report_init(&r);
    sc_result s;
    memset(&s, 0, sizeof s);
    snprintf(s.id, sizeof s.id, "big");
    snprintf(s.role, sizeof s.role, "responder");
    snprintf(s.transcript_path, sizeof s.transcript_path, "/tmp/big.txt");
    snprintf(s.level, sizeof s.level, "MUST");
    s.v = V_FAIL;
    /* "x" then U+00E9 (2 bytes) repeated: the cap falls inside a character */
    size_t len = REPORT_JUNIT_MAX_OUT + 4097;
    ck_assert_ptr_nonnull(s.transcript = malloc(len + 1));
    s.transcript[0] = 'x';
    for (size_t i = 1; i < len; i += 2)
        memcpy(s.transcript + i, "\xc3\xa9", 2);
    s.transcript[len] = '\0';
    ck_assert_int_eq(run_report_add(&r, &s), 0);
    char path[512], jpath[512];
    tmp_path(path, sizeof path, "big.xml");
    tmp_path(jpath, sizeof jpath, "big.json");
    ck_assert_int_eq(report_write_junit(&r, path), 0);
    ck_assert_int_eq(report_write_json(&r, jpath), 0);
    xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    ck_assert_ptr_nonnull(doc);
    xmlNode *tc = child(child(xmlDocGetRootElement(doc), "testsuite", 0), "testcase", 0);
    ck_assert_ptr_nonnull(tc);
    char *out = content(child(tc, "system-out", 0));
    const char *note = strstr(out, "\n[transcript truncated at");
    ck_assert_ptr_nonnull(note);
    ck_assert_ptr_nonnull(strstr(note, "/tmp/big.txt"));
    ck_assert_uint_eq((size_t)(note - out), REPORT_JUNIT_MAX_OUT - 1);
    ck_assert(!memcmp(out, r.results[0].transcript, (size_t)(note - out)));
    xmlFree(out);
    xmlFreeDoc(doc);
    json_t *j = json_load_file(jpath, 0, NULL);
    ck_assert_ptr_nonnull(j);
    json_t *t = json_object_get(json_array_get(json_object_get(j, "results"), 0), "transcript");
    ck_assert_uint_eq(json_string_length(t), len);
    json_decref(j);
    run_report_free(&r);
    rm_tmpdir();
}
END_TEST

START_TEST(empty_report)
{
    mk_tmpdir();
    run_report r;
    run_report_init(&r);
    char path[512], jpath[512];
    tmp_path(path, sizeof path, "empty.xml");
    tmp_path(jpath, sizeof jpath, "empty.json");
    ck_assert_int_eq(report_write_junit(&r, path), 0);
    ck_assert_int_eq(report_write_json(&r, jpath), 0);
    xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    ck_assert_ptr_nonnull(doc);
    xmlNode *root = xmlDocGetRootElement(doc);
    ck_assert_str_eq((const char *)root->name, "testsuites");
    assert_attr(root, "tests", "0");
    assert_attr(root, "time", "0.000");
    ck_assert_uint_eq(n_children(root, NULL), 0);
    xmlFreeDoc(doc);
    json_t *j = json_load_file(jpath, 0, NULL);
    ck_assert_ptr_nonnull(j);
    ck_assert_uint_eq(json_array_size(json_object_get(j, "results")), 0);
    ck_assert(json_is_false(json_object_get(j, "interrupted")));
    json_decref(j);
    run_report_free(&r);
    rm_tmpdir();
}
END_TEST

START_TEST(unwritable_paths_fail_cleanly)
{
    mk_tmpdir();
    run_report r;
    build_report(&r);
    /* no such directory: the temporary file cannot even be created */
    const char *missing = "/nonexistent-eh-report-dir/sub/report.xml";
    ck_assert_int_eq(report_write_junit(&r, missing), -1);
    ck_assert_int_eq(report_write_json(&r, missing), -1);
    ck_assert(!exists(missing));
    ck_assert(!tmp_file_remains(missing));
    /* the path is a directory: the whole report is written to PATH.tmp,
     * then the rename fails; neither a partial file nor PATH.tmp remains */
    char dir[512];
    tmp_path(dir, sizeof dir, "a-directory");
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    ck_assert_int_eq(report_write_junit(&r, dir), -1);
    ck_assert(!tmp_file_remains(dir));
    ck_assert_int_eq(report_write_json(&r, dir), -1);
    ck_assert(!tmp_file_remains(dir));
    struct stat st;
    ck_assert_int_eq(stat(dir, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    /* a FIFO nobody reads: an error at once (ENXIO), not a wait without end,
     * and the FIFO stays a FIFO */
    char fifo[512];
    tmp_path(fifo, sizeof fifo, "unread.fifo");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    errno = 0;
    ck_assert_int_eq(report_write_json(&r, fifo), -1);
    ck_assert_int_eq(errno, ENXIO);
    ck_assert_int_eq(stat(fifo, &st), 0);
    ck_assert(S_ISFIFO(st.st_mode));
    ck_assert(!tmp_file_remains(fifo));
    unlink(fifo);
    /* an existing report is left as it was: here its name leaves no room
     * for the temporary file's (NAME_MAX), which cannot be created */
    char keep[512], name[256];
    memset(name, 'k', 246);
    memcpy(name + 246, ".xml", 5); /* 250 characters */
    tmp_path(keep, sizeof keep, name);
    FILE *f = fopen(keep, "w");
    ck_assert_ptr_nonnull(f);
    fputs("old", f);
    fclose(f);
    ck_assert_int_eq(report_write_junit(&r, keep), -1);
    ck_assert_int_eq(errno, ENAMETOOLONG);
    ck_assert_int_eq(report_write_json(&r, keep), -1);
    ck_assert(!tmp_file_remains(keep));
    f = fopen(keep, "r");
    char got[8] = "";
    ck_assert_ptr_nonnull(fgets(got, sizeof got, f));
    fclose(f);
    ck_assert_str_eq(got, "old");
    /* bad arguments */
    ck_assert_int_eq(report_write_junit(&r, ""), -1);
    ck_assert_int_eq(report_write_json(NULL, keep), -1);
    ck_assert_int_eq(run_report_add(&r, NULL), -1);
    run_report_free(&r);
    rm_tmpdir();
}
END_TEST

/* Two runs that write the same report at once (two CI jobs in one
 * workspace): every write succeeds and what stays is one whole report,
 * never the two interleaved (they shared one PATH.tmp). */
START_TEST(concurrent_writers_each_publish_a_whole_file)
{
    mk_tmpdir();
    char path[512];
    tmp_path(path, sizeof path, "results.json");
    pid_t kid[2];
    for (int k = 0; k < 2; k++) {
        kid[k] = fork();
        ck_assert_int_ge(kid[k], 0);
        if (kid[k] == 0) {
            run_report r;
            build_report(&r);
            int failed = 0;
            for (int i = 0; i < 40; i++)
                failed += report_write_json(&r, path) != 0;
            run_report_free(&r);
            _exit(failed > 0);
        }
    }
    for (int k = 0; k < 2; k++) {
        int status = 0;
        ck_assert_int_eq(waitpid(kid[k], &status, 0), kid[k]);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a write failed");
    }
    json_error_t e;
    json_t *doc = json_load_file(path, 0, &e);
    ck_assert_msg(doc != NULL, "%s", e.text);
    json_decref(doc);
    ck_assert(!tmp_file_remains(path));
    rm_tmpdir();
}
END_TEST

Suite *eh_test_report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("report");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, verdict_names);
    tcase_add_test(tc, concurrent_writers_each_publish_a_whole_file);
    tcase_add_test(tc, amplification_factor);
    tcase_add_test(tc, add_moves_transcripts_and_grows);
    tcase_add_test(tc, clean_text);
    tcase_add_test(tc, json_round_trip);
    tcase_add_test(tc, json_read_back);
    tcase_add_test(tc, odd_results);
    tcase_add_test(tc, junit_caps_system_out);
    tcase_add_test(tc, empty_report);
    tcase_add_test(tc, unwritable_paths_fail_cleanly);
    suite_add_tcase(s, tc);
    /* a case of its own: tests/test_junit_schema.py runs only this one
     * (CK_RUN_CASE=junit_round_trip) to get its sample report */
    TCase *rt = tcase_create("junit_round_trip");
    tcase_set_timeout(rt, 60);
    tcase_add_test(rt, junit_round_trip);
    suite_add_tcase(s, rt);
    return s;
}

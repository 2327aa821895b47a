/* diff.c - see diff.h. */
#include "diff.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

static const char *const kind_keys[DIFF_KINDS] = {"new_failures", "changed_reasons", "fixed",
                                                  "no_longer_run", "newly_run"};
static const char *const kind_titles[DIFF_KINDS] = {"new failures", "changed reasons", "fixed",
                                                    "no longer run", "newly run"};

enum { NOT_RUN, PASSING, FAILING };

static int state_of(const json_t *r)
{
    const char *v = r ? json_string_value(json_object_get(r, "verdict")) : NULL;
    if (v == NULL || strcmp(v, "skipped") == 0)
        return NOT_RUN;
    if (strcmp(v, "fail") == 0 || strcmp(v, "error") == 0 || strcmp(v, "xpass") == 0)
        return FAILING;
    return PASSING;
}

/* report_fingerprint of a result's message. */
static void fingerprint_of(const json_t *r, char *out, size_t cap)
{
    static sc_result s; /* large: not on the stack */
    memset(&s, 0, sizeof s);
    const char *m = json_string_value(json_object_get(r, "message"));
    snprintf(s.message, sizeof s.message, "%s", m ? m : "");
    report_fingerprint(&s, out, cap);
}

static json_t *side(const json_t *r)
{
    if (r == NULL)
        return json_null();
    const char *v = json_string_value(json_object_get(r, "verdict"));
    const char *m = json_string_value(json_object_get(r, "message"));
    return json_pack("{s:s, s:s}", "verdict", v ? v : "", "message", m ? m : "");
}

static json_t *about(const json_t *doc)
{
    json_t *o = json_object();
    static const char *const keys[] = {"harness_version", "peer", "version", "started", NULL};
    for (size_t i = 0; keys[i]; i++) {
        json_t *v = json_object_get(doc, keys[i]);
        json_object_set_new(o, keys[i], json_is_string(v) ? json_copy(v) : json_string(""));
    }
    return o;
}

/* index of the results of doc: "id\x1fiut_role" -> result; NULL if not a report */
static json_t *index_of(const json_t *doc)
{
    json_t *results = json_object_get(doc, "results");
    if (!json_is_array(results))
        return NULL;
    json_t *ix = json_object();
    size_t i;
    json_t *r;
    json_array_foreach(results, i, r) {
        const char *id = json_string_value(json_object_get(r, "id"));
        const char *role = json_string_value(json_object_get(r, "iut_role"));
        if (id == NULL || role == NULL) {
            json_decref(ix);
            return NULL;
        }
        char key[600];
        snprintf(key, sizeof key, "%s\x1f%s", id, role);
        json_object_set(ix, key, r);
    }
    return ix;
}

static void add(json_t *diff, int kind, const char *key, const json_t *o, const json_t *n)
{
    const char *sep = strchr(key, '\x1f');
    json_t *e = json_pack("{s:s%, s:s, s:o, s:o}", "id", key, (size_t)(sep - key), "iut_role",
                          sep + 1, "old", side(o), "new", side(n));
    json_array_append_new(json_object_get(diff, kind_keys[kind]), e);
}

json_t *report_diff(const json_t *old_doc, const json_t *new_doc, const char **why)
{
    json_t *oi = index_of(old_doc), *ni = index_of(new_doc);
    if (oi == NULL || ni == NULL) {
        *why = "not a JSON report of `run` (a \"results\" array of objects with \"id\" and "
               "\"iut_role\")";
        json_decref(oi), json_decref(ni);
        return NULL;
    }
    json_t *diff = json_pack("{s:o, s:o}", "old", about(old_doc), "new", about(new_doc));
    for (int k = 0; k < DIFF_KINDS; k++)
        json_object_set_new(diff, kind_keys[k], json_array());
    /* NEW's order first, then what only OLD has */
    const char *key;
    json_t *n;
    json_object_foreach(ni, key, n) {
        const json_t *o = json_object_get(oi, key);
        int so = state_of(o), sn = state_of(n);
        if (sn == FAILING && so != FAILING) {
            add(diff, DIFF_NEW_FAILURE, key, o, n);
        } else if (sn == FAILING) {
            char fo[32], fn[32];
            fingerprint_of(o, fo, sizeof fo);
            fingerprint_of(n, fn, sizeof fn);
            if (strcmp(fo, fn) != 0 || strcmp(json_string_value(json_object_get(o, "verdict")),
                                              json_string_value(json_object_get(n, "verdict"))))
                add(diff, DIFF_CHANGED, key, o, n);
        } else if (sn == PASSING && so == FAILING) {
            add(diff, DIFF_FIXED, key, o, n);
        } else if (sn == NOT_RUN && so != NOT_RUN) {
            add(diff, DIFF_NOT_RUN, key, o, n);
        } else if (sn == PASSING && so == NOT_RUN) {
            add(diff, DIFF_NEWLY_RUN, key, o, n);
        }
    }
    json_t *o;
    json_object_foreach(oi, key, o) {
        if (json_object_get(ni, key) == NULL && state_of(o) != NOT_RUN)
            add(diff, DIFF_NOT_RUN, key, o, NULL);
    }
    json_t *counts = json_object();
    for (int k = 0; k < DIFF_KINDS; k++)
        json_object_set_new(counts, kind_keys[k],
                            json_integer((json_int_t)json_array_size(
                                json_object_get(diff, kind_keys[k]))));
    json_object_set_new(diff, "counts", counts);
    json_decref(oi), json_decref(ni);
    return diff;
}

bool report_diff_worse(const json_t *diff)
{
    return json_array_size(json_object_get(diff, kind_keys[DIFF_NEW_FAILURE])) > 0 ||
           json_array_size(json_object_get(diff, kind_keys[DIFF_CHANGED])) > 0;
}

/* The first line of a message, without its "[requirements: ...]" list. */
static void first_line(const json_t *side_obj, char *out, size_t cap)
{
    const char *m = json_string_value(json_object_get(side_obj, "message"));
    size_t n = m ? strcspn(m, "\n") : 0;
    const char *req = m ? strstr(m, " [requirements: ") : NULL;
    if (req != NULL && (size_t)(req - m) < n)
        n = (size_t)(req - m);
    snprintf(out, cap, "%.*s", (int)(n < cap - 1 ? n : cap - 1), m ? m : "");
}

/* One entry's two sides and the first line of each message. */
typedef struct entry_lines {
    const json_t *o, *n;
    char old_line[600], new_line[600];
} entry_lines;

static void entry_lines_of(const json_t *e, entry_lines *ln)
{
    ln->o = json_object_get(e, "old"), ln->n = json_object_get(e, "new");
    first_line(ln->o, ln->old_line, sizeof ln->old_line);
    first_line(ln->n, ln->new_line, sizeof ln->new_line);
}

static const char *verdict_of(const json_t *side_obj)
{
    const char *v = json_string_value(json_object_get(side_obj, "verdict"));
    return v ? v : "not run";
}

int report_diff_print(const json_t *diff, FILE *out)
{
    const json_t *od = json_object_get(diff, "old"), *nd = json_object_get(diff, "new");
    fprintf(out, "diff: %s %s (harness %s, %s) -> %s %s (harness %s, %s)\n",
            json_string_value(json_object_get(od, "peer")),
            json_string_value(json_object_get(od, "version")),
            json_string_value(json_object_get(od, "harness_version")),
            json_string_value(json_object_get(od, "started")),
            json_string_value(json_object_get(nd, "peer")),
            json_string_value(json_object_get(nd, "version")),
            json_string_value(json_object_get(nd, "harness_version")),
            json_string_value(json_object_get(nd, "started")));
    for (int k = 0; k < DIFF_KINDS; k++) {
        const json_t *a = json_object_get(diff, kind_keys[k]);
        if (json_array_size(a) == 0)
            continue;
        fprintf(out, "%s (%zu):\n", kind_titles[k], json_array_size(a));
        size_t i;
        json_t *e;
        json_array_foreach(a, i, e) {
            entry_lines ln;
            entry_lines_of(e, &ln);
            const json_t *o = ln.o, *n = ln.n;
            const char *ol = ln.old_line, *nl = ln.new_line;
            fprintf(out, "  %s (IUT %s): %s -> %s\n", json_string_value(json_object_get(e, "id")),
                    json_string_value(json_object_get(e, "iut_role")), verdict_of(o),
                    verdict_of(n));
            if (k == DIFF_CHANGED || k == DIFF_FIXED)
                fprintf(out, "      was: %s\n", ol);
            if (k == DIFF_NEW_FAILURE || k == DIFF_CHANGED)
                fprintf(out, "      now: %s\n", nl);
        }
    }
    const json_t *c = json_object_get(diff, "counts");
    fprintf(out, "summary: %lld new failures, %lld changed reasons, %lld fixed, %lld no longer "
                 "run, %lld newly run%s\n",
            (long long)json_integer_value(json_object_get(c, kind_keys[0])),
            (long long)json_integer_value(json_object_get(c, kind_keys[1])),
            (long long)json_integer_value(json_object_get(c, kind_keys[2])),
            (long long)json_integer_value(json_object_get(c, kind_keys[3])),
            (long long)json_integer_value(json_object_get(c, kind_keys[4])),
            report_diff_worse(diff) ? ": worse" : "");
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

/* ------------------------------------------------------------ HTML */

static int put_escaped(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
    return 0;
}

static int emit_html(int fd, void *ctx)
{
    const json_t *diff = ctx;
    FILE *f = fdopen(dup(fd), "w");
    if (f == NULL)
        return -1;
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<title>edhoc-harness diff</title><style>body{font-family:sans-serif;margin:1em}"
          "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;"
          "text-align:left;vertical-align:top}.worse{color:#a00}</style></head><body>\n",
          f);
    fputs("<h1>What changed</h1>\n<pre>", f);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (mem != NULL) {
        report_diff_print(diff, mem);
        fclose(mem);
        /* the summary line only, the tables below hold the rest */
        char *last = text ? strstr(text, "summary: ") : NULL;
        put_escaped(f, last ? last : "");
        free(text);
    }
    fputs("</pre>\n", f);
    for (int k = 0; k < DIFF_KINDS; k++) {
        const json_t *a = json_object_get(diff, kind_keys[k]);
        fprintf(f, "<h2 id=\"%s\"%s>%s (%zu)</h2>\n", kind_keys[k],
                k <= DIFF_CHANGED && json_array_size(a) ? " class=\"worse\"" : "",
                kind_titles[k], json_array_size(a));
        if (json_array_size(a) == 0)
            continue;
        fputs("<table><tr><th>scenario</th><th>IUT</th><th>before</th><th>now</th></tr>\n", f);
        size_t i;
        json_t *e;
        json_array_foreach(a, i, e) {
            entry_lines ln;
            entry_lines_of(e, &ln);
            const json_t *o = ln.o, *n = ln.n;
            const char *ol = ln.old_line, *nl = ln.new_line;
            fputs("<tr><td>", f);
            put_escaped(f, json_string_value(json_object_get(e, "id")));
            fputs("</td><td>", f);
            put_escaped(f, json_string_value(json_object_get(e, "iut_role")));
            fputs("</td><td>", f);
            put_escaped(f, verdict_of(o));
            fputs(ol[0] ? ": " : "", f);
            put_escaped(f, ol);
            fputs("</td><td>", f);
            put_escaped(f, verdict_of(n));
            fputs(nl[0] ? ": " : "", f);
            put_escaped(f, nl);
            fputs("</td></tr>\n", f);
        }
        fputs("</table>\n", f);
    }
    fputs("</body></html>\n", f);
    int rc = fflush(f) == 0 && !ferror(f) ? 0 : -1;
    fclose(f);
    return rc;
}

int report_diff_write_html(const json_t *diff, const char *path)
{
    return report_write_atomic(path, emit_html, (void *)diff);
}

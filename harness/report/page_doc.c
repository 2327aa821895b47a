/* page_doc.c - the results document of the HTML page (see page.h). */
#define _DEFAULT_SOURCE /* realpath */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/version.h"
#include "page.h"
#include "report.h"

static int put(json_t *o, const char *k, json_t *v)
{
    return v && json_object_set_new(o, k, v) == 0 ? 0 : -1;
}

json_t *page_doc_new(const char *kind)
{
    json_t *d = json_object();
    if (d && (put(d, "format", json_string("edhoc-harness-results-page")) ||
              put(d, "schema", json_integer(1)) || put(d, "kind", json_string(kind)) ||
              put(d, "harness_version", json_string(eh_version())) ||
              put(d, "peers", json_array()) || put(d, "pairs", json_array()))) {
        json_decref(d);
        return NULL;
    }
    return d;
}

/* ---------------------------------------------------------------- paths */

/* The absolute form of p with its existing part resolved. */
static int absolute(const char *p, char *out, size_t cap)
{
    char buf[PATH_MAX], parent[PATH_MAX];
    if (realpath(p, buf) != NULL)
        return (size_t)snprintf(out, cap, "%s", buf) < cap ? 0 : -1;
    const char *slash = strrchr(p, '/');
    if (slash == NULL)
        snprintf(parent, sizeof parent, ".");
    else
        snprintf(parent, sizeof parent, "%.*s", slash == p ? 1 : (int)(slash - p), p);
    const char *base = slash ? slash + 1 : p;
    if (realpath(parent, buf) != NULL)
        return (size_t)snprintf(out, cap, "%s%s%s", buf, strcmp(buf, "/") ? "/" : "", base) < cap
                   ? 0
                   : -1;
    if (p[0] == '/')
        return (size_t)snprintf(out, cap, "%s", p) < cap ? 0 : -1;
    if (getcwd(buf, sizeof buf) == NULL)
        return -1;
    return (size_t)snprintf(out, cap, "%s/%s", buf, p) < cap ? 0 : -1;
}

/* Split an absolute path into its components (in place); how many. */
static size_t components(char *s, char **v, size_t max)
{
    size_t n = 0;
    char *save = NULL;
    for (char *c = strtok_r(s, "/", &save); c != NULL && n < max; c = strtok_r(NULL, "/", &save))
        v[n++] = c;
    return n;
}

int page_relative_path(const char *dir, const char *path, char *out, size_t cap)
{
    static char d[PATH_MAX], p[PATH_MAX];
    static char *dv[PATH_MAX / 2], *pv[PATH_MAX / 2];
    if (cap == 0)
        return -1;
    out[0] = 0;
    if (path == NULL || path[0] == 0)
        return 0;
    if (absolute(dir, d, sizeof d) != 0 || absolute(path, p, sizeof p) != 0)
        return (size_t)snprintf(out, cap, "%s", path) < cap ? 0 : -1;
    size_t nd = components(d, dv, PATH_MAX / 2), np = components(p, pv, PATH_MAX / 2), c = 0;
    while (c < nd && c < np && strcmp(dv[c], pv[c]) == 0)
        c++;
    size_t k = 0;
    for (size_t i = c; i < nd; i++) {
        if (k + 3 >= cap)
            return -1;
        memcpy(out + k, "../", 4);
        k += 3;
    }
    for (size_t i = c; i < np; i++) {
        int w = snprintf(out + k, cap - k, "%s%s", pv[i], i + 1 < np ? "/" : "");
        if (w < 0 || (size_t)w >= cap - k)
            return -1;
        k += (size_t)w;
    }
    if (k == 0)
        snprintf(out, cap, ".");
    else if (out[k - 1] == '/')
        out[k - 1] = 0;
    return 0;
}

/* ---------------------------------------------------------------- peers */

json_t *page_counts(json_t *results, const char *iut_role)
{
    size_t c[V_COUNT_] = {0};
    size_t i;
    json_t *r;
    json_array_foreach(results, i, r)
    {
        const char *role = json_string_value(json_object_get(r, "iut_role"));
        if (iut_role && (!role || strcmp(role, iut_role) != 0))
            continue;
        const char *v = json_string_value(json_object_get(r, "verdict"));
        int k = 0;
        while (k < V_COUNT_ && (!v || strcmp(verdict_name((verdict)k), v) != 0))
            k++;
        c[k < V_COUNT_ ? k : V_ERROR]++;
    }
    json_t *o = json_object();
    for (int k = 0; o && k < V_COUNT_; k++)
        if (put(o, verdict_name((verdict)k), json_integer((json_int_t)c[k]))) {
            json_decref(o);
            return NULL;
        }
    return o;
}

static const char *const path_keys[] = {"transcript_path", "pcap_path", "iut_stdout_path",
                                        "iut_stderr_path", NULL};

int page_doc_add_peer(json_t *doc, json_t *info, json_t *results_doc, const char *base_dir)
{
    json_t *out = json_array(), *in = json_object_get(results_doc, "results");
    size_t i;
    json_t *r;
    int rc = info && out ? 0 : -1;
    json_array_foreach(in, i, r)
    {
        if (rc != 0)
            break;
        json_t *c = json_deep_copy(r);
        const char *hrole = json_string_value(json_object_get(r, "role"));
        rc = c ? put(c, "iut_role", json_string(hrole && strcmp(hrole, "initiator") == 0
                                                    ? "responder"
                                                    : "initiator"))
               : -1;
        for (int k = 0; rc == 0 && path_keys[k]; k++) {
            const char *p = json_string_value(json_object_get(c, path_keys[k]));
            char rel[PATH_MAX];
            if (p && p[0])
                rc = page_relative_path(base_dir, p, rel, sizeof rel) ||
                     put(c, path_keys[k], json_string(rel));
        }
        if (rc == 0)
            rc = json_array_append_new(out, c);
        else
            json_decref(c);
    }
    json_t *summary = json_object();
    if (rc == 0)
        rc = !summary || put(summary, "initiator", page_counts(out, "initiator")) ||
             put(summary, "responder", page_counts(out, "responder")) ||
             put(summary, "total", page_counts(out, NULL));
    if (rc == 0) {
        rc = put(info, "summary", summary);
        summary = NULL;
    }
    if (rc == 0) {
        rc = put(info, "results", out);
        out = NULL;
    }
    if (rc == 0) {
        rc = json_array_append_new(json_object_get(doc, "peers"), info);
        info = NULL;
    }
    json_decref(summary);
    json_decref(out);
    json_decref(info);
    return rc;
}

int page_doc_add_pair(json_t *doc, const char *initiator, const char *responder,
                      json_t *results)
{
    json_t *p = json_object();
    if (!p || !results || put(p, "initiator", json_string(initiator)) ||
        put(p, "responder", json_string(responder)) ||
        put(p, "summary", page_counts(results, NULL))) {
        json_decref(p);
        json_decref(results);
        return -1;
    }
    if (put(p, "results", results)) {
        json_decref(p);
        return -1;
    }
    return json_array_append_new(json_object_get(doc, "pairs"), p);
}

/* Counts over every "results" array of the list's elements. */
static json_t *total(json_t *list)
{
    json_t *all = json_array();
    size_t i, k;
    json_t *e, *r;
    json_array_foreach(list, i, e)
    {
        json_array_foreach(json_object_get(e, "results"), k, r)
        {
            if (all)
                json_array_append(all, r);
        }
    }
    json_t *c = all ? page_counts(all, NULL) : NULL;
    json_decref(all);
    return c;
}

int page_doc_finish(json_t *doc)
{
    json_t *s = json_object();
    if (!s || put(s, "peers", total(json_object_get(doc, "peers"))) ||
        put(s, "pairs", total(json_object_get(doc, "pairs")))) {
        json_decref(s);
        return -1;
    }
    return put(doc, "summary", s);
}

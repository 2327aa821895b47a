/* run_html.c - see run_html.h. */
#include "run_html.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "../report/page.h"
#include "../report/report_json.h"

static int put(json_t *o, const char *k, json_t *v)
{
    return v && json_object_set_new(o, k, v) == 0 ? 0 : -1;
}

static const char *role_kind(const peer_role_spec *r)
{
    return !r->present ? "none" : r->fixed_port && !r->per_run ? "address" : "command";
}

json_t *run_peer_info(const peer_file *pf)
{
    json_t *o = json_object(), *caps = json_array(), *roles = json_object();
    for (size_t i = 0; caps && i < pf->n_capabilities; i++)
        if (json_array_append_new(caps, json_string(pf->capabilities[i])) != 0) {
            json_decref(caps);
            caps = NULL;
        }
    if (!o || !roles || put(roles, "initiator", json_string(role_kind(&pf->initiator))) ||
        put(roles, "responder", json_string(role_kind(&pf->responder))) ||
        put(o, "name", json_string(pf->name)) || put(o, "version", json_string(pf->version)) ||
        put(o, "file", json_string(pf->file)) || put(o, "capabilities", caps) ||
        put(o, "roles", roles)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* An integer, or a decimal string above what a JSON integer holds here. */
static json_t *seed_json(unsigned long seed)
{
    char buf[32];
    if ((unsigned long long)seed <= (unsigned long long)LLONG_MAX / 2)
        return json_integer((json_int_t)seed);
    snprintf(buf, sizeof buf, "%lu", seed);
    return json_string(buf);
}

int run_write_html(const char *path, const peer_file *pf, const run_report *rep,
                   const char *budget, json_t *compare)
{
    return run_write_html_info(path, run_peer_info(pf), rep, budget, compare);
}

int run_write_html_info(const char *path, json_t *info, const run_report *rep,
                        const char *budget, json_t *compare)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + (slash == path) : 1,
             slash ? path : ".");
    json_t *doc = page_doc_new("run"), *results = report_json_doc(rep);
    int rc = doc && results && info ? 0 : -1;
    if (rc != 0)
        json_decref(info);
    if (rc == 0 && (put(doc, "started", json_string(rep->started)) ||
                    put(doc, "seed", seed_json(rep->seed)) ||
                    put(doc, "budget", json_string(budget)) ||
                    put(doc, "interrupted", json_boolean(rep->interrupted)) ||
                    put(doc, "strict", json_boolean(rep->strict)) ||
                    (compare && put(doc, "compare", json_incref(compare))))) {
        json_decref(info); /* not handed over */
        rc = -1;
    }
    if (rc == 0)
        rc = page_doc_add_peer(doc, info, results, dir) || page_doc_finish(doc) ||
             page_write_html(doc, path);
    json_decref(results);
    json_decref(doc);
    return rc ? -1 : 0;
}

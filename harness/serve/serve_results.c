/* serve_results.c - the results of `serve` per client and their files
 * (serve_internal.h): run's report writers, one set per client, and an
 * overview of all clients. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../report/page.h"
#include "../report/report_json.h"
#include "../runner/run_html.h"
#include "serve_internal.h"

/* ------------------------------------------------------------- results */

/* The client's result set (created when new); SIZE_MAX when full. */
size_t sv_client_of(serve_state *st, const char *name, const char *addr)
{
    for (size_t i = 0; i < st->n_clients; i++)
        if (strcmp(st->clients[i].name, name) == 0) {
            snprintf(st->clients[i].addr, sizeof st->clients[i].addr, "%s", addr);
            return i;
        }
    if (st->n_clients >= SERVE_MAX_CLIENTS)
        return SIZE_MAX;
    client *c = &st->clients[st->n_clients];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    snprintf(c->addr, sizeof c->addr, "%s", addr);
    char safe[sizeof c->name];
    size_t k = 0;
    for (; name[k] && k + 1 < sizeof safe; k++) /* an IPv6 address: ':' is no file name's */
        safe[k] = name[k] == ':' ? '_' : name[k];
    safe[k] = 0;
    snprintf(c->dir, sizeof c->dir, "%s/clients/%s", st->o->out_dir, safe);
    run_report_init(&c->rep);
    snprintf(c->rep.peer, sizeof c->rep.peer, "%s", name);
    snprintf(c->rep.peer_version, sizeof c->rep.peer_version, "%s", "remote");
    c->rep.seed = st->o->seed;
    snprintf(c->rep.started, sizeof c->rep.started, "%s", st->started);
    return st->n_clients++;
}

/* The latest result per (scenario, profile, role) stands. */
void sv_client_add(client *c, sc_result *res)
{
    run_report *r = &c->rep;
    /* the transcript is in its file (transcript_path): not kept, so that the
     * memory of a long-running server is the results' alone */
    free(res->transcript);
    res->transcript = NULL;
    for (size_t i = 0; i < r->n; i++) {
        sc_result *o = &r->results[i];
        if (strcmp(o->id, res->id) == 0 && strcmp(o->profile, res->profile) == 0 &&
            strcmp(o->role, res->role) == 0) {
            memmove(o, o + 1, (r->n - i - 1) * sizeof *o);
            r->n--;
            break;
        }
    }
    if (r->n >= SERVE_MAX_RESULTS) { /* the oldest goes */
        memmove(r->results, r->results + 1, (r->n - 1) * sizeof *r->results);
        r->n--;
    }
    (void)run_report_add(r, res);
}

static int emit_json(int fd, void *ctx)
{
    char *s = json_dumps(ctx, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    int rc = s ? report_write_all(fd, s, strlen(s)) : -1;
    if (rc == 0)
        rc = report_write_all(fd, "\n", 1);
    free(s);
    return rc;
}

static json_t *counts_json(const run_report *r)
{
    size_t counts[V_COUNT_];
    run_report_counts(r, counts);
    json_t *o = json_object();
    for (int v = 0; o && v < V_COUNT_; v++)
        json_object_set_new(o, verdict_name((verdict)v), json_integer((json_int_t)counts[v]));
    return o;
}

static void note_unwritten(serve_state *st, const char *path)
{
    st->unwritten++;
    fprintf(stderr, "serve: cannot write %s: %s\n", path, strerror(errno ? errno : EIO));
}

/* Every report: the client's three files, then the overview. */
void sv_write_reports(serve_state *st, size_t ci, bool interrupted)
{
    char path[1200];
    for (size_t i = 0; i < st->n_clients; i++) {
        client *c = &st->clients[i];
        c->rep.interrupted = interrupted;
        if (i != ci && ci != SIZE_MAX)
            continue;
        sv_mkdir_p(c->dir);
        snprintf(path, sizeof path, "%s/results.json", c->dir);
        errno = 0;
        if (report_write_json(&c->rep, path) != 0)
            note_unwritten(st, path);
        snprintf(path, sizeof path, "%s/junit.xml", c->dir);
        errno = 0;
        if (report_write_junit(&c->rep, path) != 0)
            note_unwritten(st, path);
        snprintf(path, sizeof path, "%s/index.html", c->dir);
        *st->named = *st->pf;
        snprintf(st->named->name, sizeof st->named->name, "%s", c->name);
        errno = 0;
        if (run_write_html(path, st->named, &c->rep, sc_budget_name(st->budget), NULL) != 0)
            note_unwritten(st, path);
    }
    /* the overview: every client as a peer of one page, and clients.json */
    json_t *doc = page_doc_new("run"), *list = json_array();
    int rc = doc && list ? 0 : -1;
    if (rc == 0)
        rc = json_object_set_new(doc, "started", json_string(st->started)) ||
             json_object_set_new(doc, "interrupted", json_boolean(interrupted));
    for (size_t i = 0; rc == 0 && i < st->n_clients; i++) {
        client *c = &st->clients[i];
        *st->named = *st->pf;
        snprintf(st->named->name, sizeof st->named->name, "%s", c->name);
        json_t *results = report_json_doc(&c->rep);
        rc = results ? page_doc_add_peer(doc, run_peer_info(st->named), results, st->o->out_dir)
                     : -1;
        json_decref(results);
        const char *rel = c->dir + strlen(st->o->out_dir) + 1;
        json_t *e = json_pack("{s:s, s:s, s:s, s:o}", "name", c->name, "address", c->addr,
                              "dir", rel, "summary", counts_json(&c->rep));
        if (rc == 0 && (e == NULL || json_array_append_new(list, e) != 0))
            rc = -1;
    }
    if (rc == 0)
        rc = page_doc_finish(doc);
    snprintf(path, sizeof path, "%s/index.html", st->o->out_dir);
    errno = 0;
    if (rc != 0 || page_write_html(doc, path) != 0)
        note_unwritten(st, path);
    json_t *idx = json_pack("{s:s, s:s, s:b, s:o}", "format", "edhoc-harness-serve", "started",
                            st->started, "interrupted", interrupted, "clients",
                            list ? json_incref(list) : json_array());
    snprintf(path, sizeof path, "%s/clients.json", st->o->out_dir);
    errno = 0;
    if (idx == NULL || report_write_atomic(path, emit_json, idx) != 0)
        note_unwritten(st, path);
    json_decref(idx);
    json_decref(list);
    json_decref(doc);
}

/* The answer to GET results: the summary and the latest results that fit
 * one CoAP datagram (no Block2 from the front). */
static json_t *result_entry(const sc_result *r)
{
    return json_pack("{s:s, s:s, s:s}", "id", r->id, "profile", r->profile, "verdict",
                     verdict_name(r->v));
}

/* The document with the results from index skip on (the earlier ones counted). */
static char *results_doc(const client *c, const char *name, size_t skip)
{
    json_t *o = json_object(), *arr = json_array();
    json_object_set_new(o, "client", json_string(name));
    if (c != NULL) {
        json_object_set_new(o, "summary", counts_json(&c->rep));
        for (size_t i = skip; i < c->rep.n; i++)
            json_array_append_new(arr, result_entry(&c->rep.results[i]));
        if (skip)
            json_object_set_new(o, "earlier", json_integer((json_int_t)skip));
    }
    json_object_set_new(o, "results", arr);
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return s;
}

size_t sv_results_body(const client *c, const char *name, char *out, size_t cap)
{
    /* where the newest results that fit begin: each entry's size once, not the
     * whole document again per result left out (a GET costs O(results)) */
    size_t skip = 0;
    if (c != NULL) {
        char *base = results_doc(c, name, c->rep.n);
        size_t used = base ? strlen(base) : cap;
        free(base);
        skip = c->rep.n;
        while (skip > 0) {
            json_t *entry = result_entry(&c->rep.results[skip - 1]);
            char *e = entry ? json_dumps(entry, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
            json_decref(entry);
            size_t len = e ? strlen(e) + 1 : cap; /* + the comma */
            free(e);
            if (used + len >= cap)
                break;
            used += len;
            skip--;
        }
    }
    for (;; skip++) { /* the estimate holds; this only guards it */
        char *s = results_doc(c, name, skip);
        size_t n = s ? strlen(s) : 0;
        if (s == NULL || n < cap || c == NULL || skip >= c->rep.n) {
            n = s && n < cap ? n : 0;
            if (n)
                memcpy(out, s, n);
            free(s);
            return n;
        }
        free(s);
    }
}


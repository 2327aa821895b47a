/* jobs.c - see jobs.h. */
#define _GNU_SOURCE /* fnmatch */
#include "jobs.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/datapath.h"
#include "../scenario/matrix.h"
#include "../scenario/profile.h"
#include "iut.h"

/* ------------------------------------------------------- scenario files */

/* The scenario files of a run: each found once, whatever links lead to it
 * (a folder or file is known by device and inode: a link back to a folder
 * above is not followed again), at most JOBS_MAX_FILES of them. */
#define JOBS_MAX_FILES 20000
#define JOBS_MAX_DEPTH 16

typedef struct seen_node {
    dev_t dev;
    ino_t ino;
    size_t file; /* a file: its index in paths; a folder: SIZE_MAX */
} seen_node;

typedef struct file_list {
    char **paths;
    size_t n, cap;
    seen_node *seen; /* folders entered and files taken */
    size_t n_seen, cap_seen;
    const char *root; /* the path given, for messages */
} file_list;

/* Was (dev, ino) seen (1, *at its entry)? If not (0), it is now, as file
 * (SIZE_MAX for a folder). -1 when out of memory. */
static int seen_before(file_list *l, const struct stat *st, size_t file, seen_node **at)
{
    for (size_t i = 0; i < l->n_seen; i++)
        if (l->seen[i].dev == st->st_dev && l->seen[i].ino == st->st_ino) {
            if (at)
                *at = &l->seen[i];
            return 1;
        }
    if (l->n_seen == l->cap_seen) {
        size_t cap = l->cap_seen ? 2 * l->cap_seen : 64;
        seen_node *p = realloc(l->seen, cap * sizeof *p);
        if (p == NULL)
            return -1;
        l->seen = p, l->cap_seen = cap;
    }
    l->seen[l->n_seen++] = (seen_node){st->st_dev, st->st_ino, file};
    return 0;
}

static int list_add(file_list *l, const char *path, const struct stat *st)
{
    seen_node *at = NULL;
    int seen = seen_before(l, st, l->n, &at);
    if (seen < 0)
        return -1;
    if (seen) { /* the same file again, through a link: the smaller path names it */
        if (at->file < l->n && strcmp(path, l->paths[at->file]) < 0) {
            char *p = strdup(path);
            if (p == NULL)
                return -1;
            free(l->paths[at->file]);
            l->paths[at->file] = p;
        }
        return 0;
    }
    if (l->n >= JOBS_MAX_FILES) {
        fprintf(stderr, "run: more than %d scenario files below %s\n", JOBS_MAX_FILES, l->root);
        return -2;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        char **p = realloc(l->paths, cap * sizeof *p);
        if (p == NULL)
            return -1;
        l->paths = p, l->cap = cap;
    }
    l->paths[l->n] = strdup(path);
    return l->paths[l->n++] ? 0 : -1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.yaml below path (sorted later), or path itself. 0, -1 out of
 * memory, -2 an error already printed. */
static int collect(const char *path, file_list *l, int depth)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "run: %s: %s\n", path, strerror(errno));
        return -2;
    }
    if (!S_ISDIR(st.st_mode))
        return list_add(l, path, &st);
    if (depth > JOBS_MAX_DEPTH)
        return 0;
    int seen = seen_before(l, &st, SIZE_MAX, NULL);
    if (seen != 0)
        return seen < 0 ? -1 : 0; /* a folder entered already (a link back up, or twice) */
    DIR *d = opendir(path);
    if (d == NULL) {
        fprintf(stderr, "run: %s: %s\n", path, strerror(errno));
        return -2;
    }
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) != NULL && rc == 0) {
        if (e->d_name[0] == '.')
            continue;
        char sub[4096];
        if (snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) >= (int)sizeof sub)
            continue;
        size_t n = strlen(e->d_name);
        struct stat s2;
        if (stat(sub, &s2) != 0)
            continue; /* a dangling link */
        if (S_ISDIR(s2.st_mode))
            rc = collect(sub, l, depth + 1);
        else if (n > 5 && strcmp(e->d_name + n - 5, ".yaml") == 0)
            rc = list_add(l, sub, &s2);
    }
    closedir(d);
    return rc;
}

static int collect_all(const char *const *paths, size_t n_paths, file_list *files)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n_paths; i++) {
        files->root = paths[i];
        rc = collect(paths[i], files, 0); /* prints what is wrong but memory */
    }
    if (rc == -1)
        fprintf(stderr, "run: out of memory\n");
    if (rc == 0)
        qsort(files->paths, files->n, sizeof *files->paths, cmp_str);
    return rc;
}

static void file_list_free(file_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->paths[i]);
    free(l->paths);
    free(l->seen);
}

/* Two files with one scenario id would share results and transcripts:
 * refused, naming both. 0 or -2 (printed). */
static int check_unique_ids(const job_list *l)
{
    for (size_t i = 0; i < l->n_tmpls; i++)
        for (size_t k = i + 1; k < l->n_tmpls; k++)
            if (strcmp(l->tmpls[i]->id, l->tmpls[k]->id) == 0) {
                fprintf(stderr, "run: two scenario files have the id %s: %s and %s\n",
                        l->tmpls[i]->id, l->tmpls[i]->file, l->tmpls[k]->file);
                return -2;
            }
    return 0;
}

/* ----------------------------------------------------------------- jobs */

/* Bounded copy that always terminates (names here fit; if not, cut). */
static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = 0;
}

int64_t job_bound_ms(const job *j, const peer_file *pf, int timeout_ms, job_bound_parts *parts)
{
    const peer_role_spec *spec =
        j->harness_role == SC_HARNESS_INITIATOR ? &pf->responder : &pf->initiator;
    job_bound_parts b = {.ready_ms = spec->present && !spec->fixed_port
                                         ? peer_ready_timeout_ms(spec)
                                         : 0,
                         .steps_ms = 0,
                         .after_ms = timeout_ms};
    size_t n = j->tmpl ? j->tmpl->n_steps : 1; /* a variant has at most as many */
    for (size_t i = 0; i < n; i++) {
        const sc_step *st = j->tmpl ? &j->tmpl->steps[i] : NULL;
        int64_t ms = timeout_ms;
        if (st != NULL && st->kind == SC_STEP_WAIT)
            ms = st->wait_ms;
        else if (st != NULL && st->kind == SC_STEP_FLOOD)
            ms = st->flood_ms;
        else if (st != NULL && st->timeout_ms > 0)
            ms = st->timeout_ms;
        b.steps_ms += ms;
    }
    if (parts)
        *parts = b;
    return b.ready_ms + b.steps_ms + b.after_ms + JOB_BOUND_MARGIN_MS;
}

const char *job_iut_role_name(sc_role harness_role)
{
    return harness_role == SC_HARNESS_INITIATOR ? "responder" : "initiator";
}

static job *push(job_list *l, const job *j)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        job *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            return NULL;
        l->v = v, l->cap = cap;
    }
    l->v[l->n] = *j;
    return &l->v[l->n++];
}

const scenario *job_scenario(const job *j, scenario *scratch, char *err, size_t cap)
{
    if (j->tmpl == NULL) {
        snprintf(err, cap, "%s", j->load_err);
        return NULL;
    }
    if (j->tmpl->matrix.n_methods == 0 && !j->has_profile)
        return j->tmpl;
    if (sc_variant(j->tmpl, j->variant, scratch, err, cap) != 0)
        return NULL;
    if (j->has_profile && sc_profile_apply(scratch, &j->profile, j->cred_files, err, cap) != 0)
        return NULL;
    return scratch;
}

/* The job j (pushed already) in its profile(s): one chosen, or with
 * o->all_profiles a copy per fitting profile after the first. */
static int add_profiles(const run_opts *o, const peer_file *pf, const scenario *sc, job_list *l)
{
    size_t fit[SC_MAX_PROFILES], n_fit = 0, at = l->n - 1;
    char why[160];
    job *j = &l->v[at];
    int k = sc_profile_choose(sc, pf, j->harness_role, o->seed, fit, &n_fit, why, sizeof why);
    if (k < 0) {
        if (!j->skip)
            snprintf(j->skip_text, sizeof j->skip_text, "%s", why);
        j->skip = true;
        return 0;
    }
    const peer_role_spec *spec =
        j->harness_role == SC_HARNESS_INITIATOR ? &pf->responder : &pf->initiator;
    if (j->harness_role == SC_HARNESS_INITIATOR && (spec->fixed_port || spec->per_run)) {
        /* an IUT Responder that is already there (an address, or per_run) is a
         * server: the reverse flow's Responder is the client that starts each
         * session, so such a profile does not fit */
        size_t n = 0;
        for (size_t i = 0; i < n_fit; i++)
            if (pf->profiles[fit[i]].flow != SC_FLOW_REVERSE)
                fit[n++] = fit[i];
        if (n == 0) {
            if (!j->skip)
                snprintf(j->skip_text, sizeof j->skip_text, "the profiles that fit are in the "
                         "reverse message flow, whose Responder is the CoAP client: not an IUT "
                         "Responder given by address or started once (per_run)");
            j->skip = true;
            return 0;
        }
        if (pf->profiles[k].flow == SC_FLOW_REVERSE)
            k = (int)fit[0];
        n_fit = n;
    }
    if (spec->per_run) {
        /* started once with the neutral placeholders (METHOD 3, suite 2, kid,
         * RFC 9529 trace 2 credentials): that profile, when it fits; a scenario
         * that pins another runs as written, as it always did */
        size_t n = 0;
        for (size_t i = 0; i < n_fit; i++) {
            const sc_profile *p = &pf->profiles[fit[i]];
            if (p->method == 3 && p->suite == 2 && strcmp(p->cred_id, "kid") == 0 &&
                !p->cred_i[0])
                fit[n++] = fit[i];
        }
        if (n > 0)
            n_fit = n, k = (int)fit[0];
    }
    j->has_profile = true;
    j->cred_files = peer_has_capability(pf, "cred-files");
    j->profile = pf->profiles[k];
    if (!o->all_profiles)
        return 0;
    j->profile = pf->profiles[fit[0]];
    /* a copy: push may move l->v, and with it the job being copied */
    job first = *j;
    for (size_t i = 1; i < n_fit; i++) {
        job *c = push(l, &first);
        if (c == NULL)
            return -1;
        c->profile = pf->profiles[fit[i]];
    }
    return 0;
}

/* The jobs of one variant: one per harness role it has and the run asks for. */
static int add_variant(const run_opts *o, const peer_file *pf, const job *base,
                       const scenario *sc, job_list *l)
{
    for (int r = SC_HARNESS_INITIATOR; r <= SC_HARNESS_RESPONDER; r <<= 1) {
        unsigned iut = r == SC_HARNESS_INITIATOR ? RUN_IUT_RESPONDER : RUN_IUT_INITIATOR;
        if (!(sc->role & r) || !(o->iut_roles & iut))
            continue;
        job *j = push(l, base);
        if (j == NULL)
            return -1;
        j->harness_role = (sc_role)r;
        copy_str(j->id, sizeof j->id, sc->id);
        const peer_role_spec *spec = r == SC_HARNESS_INITIATOR ? &pf->responder : &pf->initiator;
        if (!spec->present) {
            snprintf(j->skip_text, sizeof j->skip_text, "the peer file has no %s",
                     job_iut_role_name(j->harness_role));
            j->skip = true;
        }
        for (size_t k = 0; !j->skip && k < sc->n_needs; k++)
            if (!peer_has_capability(pf, sc->needs[k])) {
                snprintf(j->skip_text, sizeof j->skip_text, "the IUT lacks the capability '%s'",
                         sc->needs[k]);
                j->skip = true;
            }
        for (int k = 0; !j->skip && k < SC_ASK_COUNT_; k++)
            if (sc->iut_ask[k][0] && !iut_uses(spec->command, sc_ask_names[k])) {
                snprintf(j->skip_text, sizeof j->skip_text,
                         "the scenario asks the IUT for {%s} (%.40s), which the peer file's %s "
                         "command does not take", sc_ask_names[k], sc->iut_ask[k],
                         job_iut_role_name(j->harness_role));
                j->skip = true;
            }
        /* an IUT Initiator given a preference list (negotiation) must be told it */
        if (!j->skip && r == SC_HARNESS_RESPONDER && sc->n_suites > 1 &&
            !iut_uses(spec->command, "suites")) {
            snprintf(j->skip_text, sizeof j->skip_text,
                     "the scenario asks the IUT for {suites} (%s), which the peer file's "
                     "initiator command does not take",
                     sc->suites_other ? "another of its suites, then the profile's"
                                      : "a preference list");
            j->skip = true;
        }
        if (!o->no_profiles && !j->skip && add_profiles(o, pf, sc, l) != 0)
            return -1;
    }
    return 0;
}

static int add_file(const run_opts *o, const peer_file *pf, const char *path, scenario *scratch,
                    job_list *l)
{
    job base;
    memset(&base, 0, sizeof base);
    copy_str(base.file, sizeof base.file, path);
    base.harness_role = SC_HARNESS_INITIATOR;
    /* loaded in scratch, kept compact (scenario.h): every job process is
     * forked from the run, which holds one per file */
    if (scenario_load(path, scratch, base.load_err, sizeof base.load_err) != 0)
        return push(l, &base) ? 0 : -1; /* reported as an error */
    scenario *t = sc_scenario_compact(scratch);
    if (t == NULL)
        return -1;
    if (t->vector[0]) { /* written relative to the data directory (vectors/...) */
        char found[sizeof t->vector];
        copy_str(t->vector, sizeof t->vector, eh_data_path(t->vector, found, sizeof found));
    }
    scenario **ts = realloc(l->tmpls, (l->n_tmpls + 1) * sizeof *ts);
    if (ts == NULL) {
        free(t);
        return -1;
    }
    l->tmpls = ts;
    l->tmpls[l->n_tmpls++] = t;
    for (size_t v = 0; v < sc_variant_count(t); v++) {
        job vb = base;
        vb.tmpl = t, vb.variant = v;
        const scenario *sc = job_scenario(&vb, scratch, vb.load_err, sizeof vb.load_err);
        if (sc == NULL) {
            vb.tmpl = NULL;
            if (push(l, &vb) == NULL)
                return -1;
            continue;
        }
        if (o->filter && fnmatch(o->filter, sc->id, 0) != 0)
            continue;
        if (add_variant(o, pf, &vb, sc, l) != 0)
            return -1;
    }
    return 0;
}

int jobs_build(const run_opts *o, const peer_file *pf, job_list *l)
{
    file_list files = {0};
    scenario *scratch = malloc(sizeof *scratch);
    memset(l, 0, sizeof *l);
    int rc = collect_all(o->paths, o->n_paths, &files);
    for (size_t i = 0; rc == 0 && i < files.n; i++)
        if (scratch == NULL || add_file(o, pf, files.paths[i], scratch, l) != 0) {
            fprintf(stderr, "run: out of memory\n");
            rc = -1;
        }
    if (rc == 0)
        rc = check_unique_ids(l);
    l->n_files = files.n;
    file_list_free(&files);
    free(scratch);
    return rc;
}

int jobs_collect_files(const char *const *paths, size_t n_paths, char ***out, size_t *n)
{
    file_list files = {0};
    int rc = collect_all(paths, n_paths, &files);
    free(files.seen);
    if (rc != 0) {
        for (size_t i = 0; i < files.n; i++)
            free(files.paths[i]);
        free(files.paths);
        return -1;
    }
    *out = files.paths, *n = files.n;
    return 0;
}

void jobs_files_free(char **paths, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
}

void jobs_free(job_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].buf);
    free(l->v);
    for (size_t i = 0; i < l->n_tmpls; i++)
        free(l->tmpls[i]);
    free(l->tmpls);
    memset(l, 0, sizeof *l);
}

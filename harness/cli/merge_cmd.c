/*
 * merge_cmd.c - `merge OUT_DIR PART...`: the reports of a run's parts
 * (`run --shard K/N`, one per CI machine) joined into the whole run's, as
 * if one machine had run it: the results back in the order of the whole
 * job list, the JUnit, JSON and HTML reports written by the same writers,
 * and each part's files (transcripts, captures, the IUT's output) copied
 * into OUT_DIR with the paths they had below the part's --out directory.
 *
 * Parts must be parts of one run: the same harness version, peer file
 * (name, version), seed, --strict, budget and job list (its size and
 * digest, runner/shard.h); anything else is refused (exit 2). Every part
 * of the N must be there (a missing one is named; exit 3, nothing
 * written), each once.
 */
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../report/report.h"
#include "../common/mkdirs.h"
#include "../report/report_json.h"
#include "../report/page.h"
#include "../runner/run_html.h"
#include "../runner/shard.h"
#include "../runner/runner.h"
#include "cli.h"

static int usage(FILE *f, int rc)
{
    fprintf(f,
            "usage: edhoc-harness merge OUT_DIR PART... [--junit FILE] [--json FILE]\n"
            "                           [--html FILE]\n"
            "\n"
            "Joins the reports of a run made in parts (`run --shard K/N`, e.g. one per\n"
            "machine of a CI job matrix) into the whole run's: the results in the order of\n"
            "the whole job list, as one machine would have written them.\n"
            "\n"
            "  PART          a part's --out directory holding its results.json (as a CI\n"
            "                artifact), or the part's JSON report itself\n"
            "  --junit FILE  the JUnit report (default OUT_DIR/junit.xml)\n"
            "  --json FILE   the JSON report (default OUT_DIR/results.json)\n"
            "  --html FILE   the results page (default OUT_DIR/index.html)\n"
            "  -h, --help    this text\n"
            "\n"
            "Each part's transcripts, captures and IUT output are copied into OUT_DIR with\n"
            "their paths below the part's --out directory, and the reports name the copies.\n"
            "Parts of a matrix (`matrix --shard K/N`: each PART its --out directory, with\n"
            "matrix.json) give OUT_DIR/matrix.json, OUT_DIR/index.html and each peer's run\n"
            "merged into OUT_DIR/PEER/ (--junit, --json and --html are for runs only).\n"
            "Parts of different runs (harness version, peer, seed, --strict, budget, job\n"
            "list) are refused; every part of the N must be given, each once.\n"
            "\n"
            "exit codes: as `run`'s for the whole run: 0 at least one job ran, every report\n"
            "was written and nothing failed at MUST level; 1 a conformance failure; 2 usage\n"
            "or input error (a part unreadable, parts of different runs), nothing written;\n"
            "3 a part missing (nothing written), or a set-up error or no verdict (a part\n"
            "interrupted, its sanity conversation failed, a job in error, a report not\n"
            "written); 4 no job ran\n");
    return rc;
}

/* The most jobs (or pair tasks) a part may say its run has: far above any
 * suite (20000 scenario files at most), low enough to allocate for. */
#define MERGE_MAX_ITEMS 10000000

typedef struct part {
    const char *arg;
    char json_path[PATH_MAX], dir[PATH_MAX];
    json_t *doc;        /* the part's JSON report */
    const json_t *sh;   /* its "shard" object */
    int index;
    size_t leading;     /* results before the jobs' (failed sanity conversations) */
} part;

static const char *str_of(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static int load_part(part *p, const char *arg)
{
    struct stat st;
    p->arg = arg;
    if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(p->dir, sizeof p->dir, "%s", arg);
        snprintf(p->json_path, sizeof p->json_path, "%s/results.json", arg);
    } else {
        const char *slash = strrchr(arg, '/');
        snprintf(p->json_path, sizeof p->json_path, "%s", arg);
        snprintf(p->dir, sizeof p->dir, "%.*s", slash ? (int)(slash - arg) : 1,
                 slash ? arg : ".");
    }
    json_error_t err;
    p->doc = json_load_file(p->json_path, 0, &err);
    if (p->doc == NULL) {
        fprintf(stderr, "merge: %s: %s\n", p->json_path, err.text);
        return -1;
    }
    p->sh = json_object_get(p->doc, "shard");
    const json_t *idx = json_object_get(p->sh, "index");
    const json_t *results = json_object_get(p->doc, "results");
    const json_t *pos = json_object_get(p->sh, "positions");
    const json_t *lead = json_object_get(p->sh, "leading");
    if (!json_is_object(p->sh) || !json_is_integer(idx) ||
        !json_is_integer(json_object_get(p->sh, "count")) ||
        !json_is_integer(json_object_get(p->sh, "jobs")) || !json_is_array(pos) ||
        !json_is_integer(lead) || !json_is_array(results) ||
        (size_t)json_integer_value(lead) + json_array_size(pos) != json_array_size(results)) {
        fprintf(stderr,
                "merge: %s: not the JSON report of a part of a run (`run --shard K/N`): no "
                "complete \"shard\" object\n",
                p->json_path);
        return -1;
    }
    json_int_t count = json_integer_value(json_object_get(p->sh, "count"));
    json_int_t jobs = json_integer_value(json_object_get(p->sh, "jobs"));
    if (count < 1 || count > SHARD_MAX || jobs < 0 || jobs > MERGE_MAX_ITEMS ||
        json_integer_value(lead) < 0) {
        fprintf(stderr, "merge: %s: its \"shard\" object is out of range (count 1..%d, "
                        "jobs at most %d)\n",
                p->json_path, SHARD_MAX, MERGE_MAX_ITEMS);
        return -1;
    }
    p->index = (int)json_integer_value(idx);
    p->leading = (size_t)json_integer_value(lead);
    return 0;
}

/* Do the parts belong to one run? Else says which key differs. */
static int same_run(const part *a, const part *b)
{
    static const char *const top[] = {"harness_version", "peer", "version", NULL};
    static const char *const sh[] = {"digest", "budget", NULL};
    const char *what = NULL;
    for (size_t i = 0; top[i] && !what; i++)
        if (strcmp(str_of(a->doc, top[i]), str_of(b->doc, top[i])) != 0)
            what = top[i];
    for (size_t i = 0; sh[i] && !what; i++)
        if (strcmp(str_of(a->sh, sh[i]), str_of(b->sh, sh[i])) != 0)
            what = sh[i];
    if (!what && !json_equal(json_object_get(a->doc, "seed"), json_object_get(b->doc, "seed")))
        what = "seed";
    if (!what && json_is_true(json_object_get(a->doc, "strict")) !=
                     json_is_true(json_object_get(b->doc, "strict")))
        what = "strict";
    if (!what && !json_equal(json_object_get(a->sh, "count"), json_object_get(b->sh, "count")))
        what = "count of parts";
    if (!what && !json_equal(json_object_get(a->sh, "jobs"), json_object_get(b->sh, "jobs")))
        what = "jobs";
    if (what == NULL)
        return 0;
    fprintf(stderr, "merge: %s and %s are not parts of one run: their %s differ\n",
            a->json_path, b->json_path, what);
    return -1;
}

static int copy_file(const char *src, const char *dst)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", dst);
    char *slash = strrchr(dir, '/');
    if (slash != NULL && slash != dir) {
        *slash = '\0';
        if (eh_mkdirs(dir) != 0)
            return -1;
    }
    FILE *in = fopen(src, "rb");
    if (in == NULL)
        return -1;
    FILE *out = fopen(dst, "wb");
    int rc = out ? 0 : -1;
    char buf[65536];
    size_t n;
    while (rc == 0 && (n = fread(buf, 1, sizeof buf, in)) > 0)
        rc = fwrite(buf, 1, n, out) == n ? 0 : -1;
    if (ferror(in))
        rc = -1;
    fclose(in);
    if (out != NULL && fclose(out) != 0)
        rc = -1;
    return rc;
}

/* snprintf's result r fits a buffer of cap bytes */
static bool fits(int r, size_t cap)
{
    return r >= 0 && (size_t)r < cap;
}

typedef struct file_stats {
    size_t copied, missing;
    char first_missing[PATH_MAX];
} file_stats;

/* A result's file path written by part p: copied into out_dir with its path
 * below the part's --out directory (found in the part's directory as given,
 * else where the path says), and the field rewritten; "" when it cannot be
 * found (counted). */
static void take_file(const part *p, const char *out_dir, char *field, size_t cap,
                      file_stats *fs)
{
    if (field[0] == '\0')
        return;
    const char *part_out = str_of(p->sh, "out_dir");
    size_t n = strlen(part_out);
    char rel[PATH_MAX], src[PATH_MAX], dst[PATH_MAX];
    bool ok;
    if (n > 0 && strncmp(field, part_out, n) == 0 && field[n] == '/') {
        ok = fits(snprintf(rel, sizeof rel, "%s", field + n + 1), sizeof rel) &&
             fits(snprintf(src, sizeof src, "%s/%s", p->dir, rel), sizeof src);
        if (ok && access(src, R_OK) != 0)
            ok = fits(snprintf(src, sizeof src, "%s", field), sizeof src);
    } else { /* not below its --out: kept apart per part */
        const char *base = strrchr(field, '/');
        ok = fits(snprintf(rel, sizeof rel, "part-%d/%s", p->index, base ? base + 1 : field),
                  sizeof rel) &&
             fits(snprintf(src, sizeof src, "%s", field), sizeof src);
    }
    ok = ok && fits(snprintf(dst, sizeof dst, "%s/%s", out_dir, rel), sizeof dst) &&
         strlen(dst) < cap && copy_file(src, dst) == 0;
    if (!ok) {
        if (fs->missing++ == 0)
            snprintf(fs->first_missing, sizeof fs->first_missing, "%s", field);
        field[0] = '\0';
        return;
    }
    fs->copied++;
    memcpy(field, dst, strlen(dst) + 1);
}

typedef struct placed {
    size_t pos;
    const part *p;
    size_t index; /* in the part's results */
} placed;

static int by_pos(const void *a, const void *b)
{
    const placed *x = a, *y = b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int add_result(run_report *rep, const part *p, size_t i, const char *out_dir,
                      file_stats *fs)
{
    sc_result res;
    char err[256];
    const json_t *o = json_array_get(json_object_get(p->doc, "results"), i);
    if (report_result_from_json(o, &res, err, sizeof err) != 0) {
        fprintf(stderr, "merge: %s: result %zu: %s\n", p->json_path, i, err);
        return -1;
    }
    take_file(p, out_dir, res.transcript_path, sizeof res.transcript_path, fs);
    take_file(p, out_dir, res.pcap_path, sizeof res.pcap_path, fs);
    take_file(p, out_dir, res.iut_stdout_path, sizeof res.iut_stdout_path, fs);
    take_file(p, out_dir, res.iut_stderr_path, sizeof res.iut_stderr_path, fs);
    if (run_report_add(rep, &res) != 0) {
        free(res.transcript);
        fprintf(stderr, "merge: out of memory\n");
        return -1;
    }
    return 0;
}

static bool is_listed(const run_report *rep, size_t upto, const sc_result *s)
{
    for (size_t i = 0; i < upto; i++)
        if (strcmp(rep->results[i].id, s->id) == 0 && strcmp(rep->results[i].role, s->role) == 0)
            return true;
    return false;
}

/* Every result of every part reads back (before any file is copied or
 * directory made for a merge that would then be refused). 0 or -1. */
static int parts_read_back(const part *parts, int n, size_t jobs)
{
    char *taken = calloc(jobs ? jobs : 1, 1);
    if (taken == NULL)
        return -1;
    for (int k = 0; k < n; k++) { /* each position in the list, once */
        const json_t *pos = json_object_get(parts[k].sh, "positions");
        for (size_t i = 0; i < json_array_size(pos); i++) {
            const json_t *v = json_array_get(pos, i);
            json_int_t at = json_integer_value(v);
            if (!json_is_integer(v) || at < 0 || (size_t)at >= jobs || taken[at]) {
                fprintf(stderr, "merge: %s: position %zu of its results is %s\n",
                        parts[k].json_path, i,
                        json_is_integer(v) && at >= 0 && (size_t)at < jobs
                            ? "another part's"
                            : "outside the job list");
                free(taken);
                return -1;
            }
            taken[at] = 1;
        }
    }
    free(taken);
    for (int k = 0; k < n; k++) {
        const json_t *results = json_object_get(parts[k].doc, "results");
        for (size_t i = 0; i < json_array_size(results); i++) {
            sc_result res;
            char err[256];
            if (report_result_from_json(json_array_get(results, i), &res, err, sizeof err)) {
                fprintf(stderr, "merge: %s: result %zu: %s\n", parts[k].json_path, i, err);
                return -1;
            }
            free(res.transcript);
        }
    }
    return 0;
}

/* The merged report's results: the parts' failed sanity conversations
 * first (each id and role once), then the jobs in list order. */
static int gather(run_report *rep, part *parts, int n, size_t jobs, const char *out_dir,
                  file_stats *fs, size_t *sanity_failed)
{
    for (int k = 0; k < n; k++)
        for (size_t i = 0; i < parts[k].leading; i++) {
            size_t before = rep->n;
            if (add_result(rep, &parts[k], i, out_dir, fs) != 0)
                return -1;
            if (is_listed(rep, before, &rep->results[before])) { /* seen in another part */
                free(rep->results[before].transcript);
                rep->n = before;
            }
        }
    *sanity_failed = rep->n;
    /* positions: each inside the list and once (checked by parts_read_back) */
    placed *all = calloc(jobs ? jobs : 1, sizeof *all);
    size_t m = 0;
    int rc = all ? 0 : -1;
    for (int k = 0; rc == 0 && k < n; k++) {
        const json_t *pos = json_object_get(parts[k].sh, "positions");
        for (size_t i = 0; i < json_array_size(pos); i++)
            all[m++] = (placed){(size_t)json_integer_value(json_array_get(pos, i)), &parts[k],
                                parts[k].leading + i};
    }
    if (rc == 0)
        qsort(all, m, sizeof *all, by_pos);
    for (size_t i = 0; rc == 0 && i < m; i++)
        rc = add_result(rep, all[i].p, all[i].index, out_dir, fs);
    free(all);
    return rc;
}

static size_t cannot_write(const char *path)
{
    int e = errno;
    fprintf(stderr, "merge: cannot write %s: %s\n", path,
            e ? strerror(e) : "its directory does not exist or is not writable");
    return 1;
}

/*
 * The run parts args[0..n) merged into *rep_out (the caller frees it with
 * run_report_free, whatever is returned), their files copied into out_dir,
 * and the reports written where a path is given (NULL: not written). The
 * exit code `run` would have had for the whole run, or 2 / 3 as cli_merge
 * documents. *info_out (when not NULL) receives a copy of the parts' peer
 * info (the caller's), or stays NULL.
 */
static int merge_run(const char *out_dir, const char *const *args, int n_args, const char *junit,
                     const char *json, const char *html, run_report *rep_out, json_t **info_out)
{
    int rc = RUN_EXIT_USAGE;
    part *parts = calloc((size_t)n_args, sizeof *parts);
    run_report_init(rep_out);
    run_report *r = rep_out;
    if (parts == NULL)
        goto out;
    for (int i = 0; i < n_args; i++)
        if (load_part(&parts[i], args[i]) != 0 || (i > 0 && same_run(&parts[0], &parts[i]) != 0))
            goto out;
    int count = (int)json_integer_value(json_object_get(parts[0].sh, "count"));
    size_t jobs = (size_t)json_integer_value(json_object_get(parts[0].sh, "jobs"));
    bool *have = calloc((size_t)(count > 0 ? count : 1) + 1, sizeof *have);
    if (have == NULL)
        goto out;
    for (int i = 0; i < n_args; i++) {
        int k = parts[i].index;
        if (k < 1 || k > count || have[k]) {
            fprintf(stderr, "merge: %s: part %d of %d %s\n", parts[i].json_path, k, count,
                    k < 1 || k > count ? "does not exist" : "is given twice");
            free(have);
            goto out;
        }
        have[k] = true;
    }
    char missing[512] = "";
    size_t n_missing = 0;
    for (int k = 1; k <= count; k++)
        if (!have[k] && n_missing++ < 20)
            snprintf(missing + strlen(missing), sizeof missing - strlen(missing), "%s%d",
                     n_missing > 1 ? ", " : "", k);
    free(have);
    if (n_missing > 0) {
        fprintf(stderr, "merge: exit %d: %zu of the %d parts missing (%s%s): the whole run "
                        "cannot be told; nothing written\n",
                RUN_EXIT_SETUP, n_missing, count, missing, n_missing > 20 ? ", ..." : "");
        rc = RUN_EXIT_SETUP;
        goto out;
    }

    /* the run's own fields: the first part's, the earliest start, any interruption */
    snprintf(r->peer, sizeof r->peer, "%s", str_of(parts[0].doc, "peer"));
    snprintf(r->peer_version, sizeof r->peer_version, "%s", str_of(parts[0].doc, "version"));
    snprintf(r->started, sizeof r->started, "%s", str_of(parts[0].doc, "started"));
    const json_t *seed = json_object_get(parts[0].doc, "seed");
    r->seed = json_is_integer(seed)  ? (unsigned long)json_integer_value(seed)
               : json_is_string(seed) ? strtoul(json_string_value(seed), NULL, 10)
                                      : 0;
    r->strict = json_is_true(json_object_get(parts[0].doc, "strict"));
    for (int i = 0; i < n_args; i++) {
        const char *st = str_of(parts[i].doc, "started");
        if (st[0] && strcmp(st, r->started) < 0)
            snprintf(r->started, sizeof r->started, "%s", st);
        r->interrupted |= json_is_true(json_object_get(parts[i].doc, "interrupted"));
    }
    if (parts_read_back(parts, n_args, jobs) != 0)
        goto out;
    if (eh_mkdirs(out_dir) != 0) {
        fprintf(stderr, "merge: cannot make %s: %s\n", out_dir, strerror(errno));
        rc = RUN_EXIT_SETUP;
        goto out;
    }
    file_stats fs = {0};
    size_t sanity_failed = 0;
    if (gather(r, parts, n_args, jobs, out_dir, &fs, &sanity_failed) != 0)
        goto out;
    size_t n_jobs = r->n - sanity_failed;
    if (n_jobs != jobs && !r->interrupted) {
        fprintf(stderr, "merge: the parts hold %zu of the run's %zu jobs\n", n_jobs, jobs);
        rc = RUN_EXIT_SETUP;
        goto out;
    }
    if (fs.missing > 0)
        fprintf(stderr, "merge: %zu files the parts name were not found (the first: %s); "
                        "their results keep no path\n",
                fs.missing, fs.first_missing);

    size_t counts[V_COUNT_], failing = 0, errors = 0, ran = 0, unwritten = 0;
    for (size_t i = sanity_failed; i < r->n; i++) {
        const sc_result *res = &r->results[i];
        failing += report_fails_run(res, r->strict);
        errors += res->v == V_ERROR;
        ran += res->v != V_SKIPPED;
        unwritten += res->unwritten[0] != '\0';
    }
    run_report_counts(r, counts);
    printf("merge: %d parts, %zu jobs of %s %s\n", count, n_jobs, r->peer, r->peer_version);
    printf("summary: %zu pass, %zu fail, %zu non-strict, %zu skipped, %zu error, %zu xfail, "
           "%zu xpass\n",
           counts[V_PASS], counts[V_FAIL], counts[V_NONSTRICT], counts[V_SKIPPED], counts[V_ERROR],
           counts[V_XFAIL], counts[V_XPASS]);
    errno = 0;
    if (junit != NULL && report_write_junit(r, junit) != 0)
        unwritten += cannot_write(junit);
    errno = 0;
    if (json != NULL && report_write_json(r, json) != 0)
        unwritten += cannot_write(json);
    errno = 0;
    if (html != NULL &&
        run_write_html_info(html, json_deep_copy(json_object_get(parts[0].sh, "peer")), r,
                            str_of(parts[0].sh, "budget"), NULL) != 0)
        unwritten += cannot_write(html);
    if (unwritten > 0 || r->interrupted || sanity_failed > 0) {
        fprintf(stderr, "merge: exit %d (set-up error): %s\n", RUN_EXIT_SETUP,
                unwritten > 0      ? "a report or a job's file could not be written"
                : r->interrupted ? "a part was interrupted"
                                  : "a part's sanity conversation failed");
        rc = RUN_EXIT_SETUP;
    } else if (failing > 0) {
        rc = RUN_EXIT_FAILED;
    } else if (errors > 0) {
        fprintf(stderr, "merge: exit %d (no verdict): %zu jobs could not be judged\n",
                RUN_EXIT_SETUP, errors);
        rc = RUN_EXIT_SETUP;
    } else if (ran == 0) {
        fprintf(stderr, "merge: exit %d: no job ran in any part: nothing was tested\n",
                RUN_EXIT_EMPTY);
        rc = RUN_EXIT_EMPTY;
    } else {
        rc = RUN_EXIT_OK;
    }
out:
    for (int i = 0; parts != NULL && i < n_args; i++)
        json_decref(parts[i].doc);
    if (info_out != NULL && parts != NULL && n_args > 0 && parts[0].sh != NULL)
        *info_out = json_deep_copy(json_object_get(parts[0].sh, "peer"));
    free(parts);
    return rc;
}

/* ------------------------------------------------------------- matrix */

/* Is arg a matrix part's directory (it holds matrix.json)? */
static bool matrix_part_dir(const char *arg)
{
    char path[PATH_MAX];
    struct stat st;
    return stat(arg, &st) == 0 && S_ISDIR(st.st_mode) &&
           fits(snprintf(path, sizeof path, "%s/matrix.json", arg), sizeof path) &&
           access(path, R_OK) == 0;
}

typedef struct mpart {
    const char *dir;
    json_t *doc;
    const json_t *sh;
    int index;
} mpart;

/* Copy every "..._path" of a pair result (relative to the part's matrix
 * directory) into out_dir, at the same relative path. */
static void take_pair_files(const mpart *p, const char *out_dir, json_t *r, file_stats *fs)
{
    const char *key;
    json_t *v;
    json_object_foreach(r, key, v) {
        size_t kl = strlen(key);
        const char *rel = json_string_value(v);
        if (kl < 5 || strcmp(key + kl - 5, "_path") != 0 || rel == NULL || rel[0] == '\0' ||
            rel[0] == '/')
            continue;
        char src[PATH_MAX], dst[PATH_MAX];
        if (!fits(snprintf(src, sizeof src, "%s/%s", p->dir, rel), sizeof src) ||
            !fits(snprintf(dst, sizeof dst, "%s/%s", out_dir, rel), sizeof dst) ||
            copy_file(src, dst) != 0) {
            if (fs->missing++ == 0)
                snprintf(fs->first_missing, sizeof fs->first_missing, "%s", src);
            continue;
        }
        fs->copied++;
    }
}

static int load_mpart(mpart *p, const char *dir)
{
    char path[PATH_MAX];
    json_error_t err;
    p->dir = dir;
    snprintf(path, sizeof path, "%s/matrix.json", dir);
    p->doc = json_load_file(path, 0, &err);
    if (p->doc == NULL) {
        fprintf(stderr, "merge: %s: %s\n", path, err.text);
        return -1;
    }
    p->sh = json_object_get(p->doc, "shard");
    const json_t *pos = json_object_get(p->sh, "pair_positions");
    const json_t *pairs = json_object_get(p->doc, "pairs");
    if (!json_is_object(p->sh) || !json_is_integer(json_object_get(p->sh, "index")) ||
        !json_is_integer(json_object_get(p->sh, "tasks")) || !json_is_array(pos) ||
        !json_is_array(pairs) || json_array_size(pos) != json_array_size(pairs) ||
        !json_is_array(json_object_get(p->doc, "peers"))) {
        fprintf(stderr, "merge: %s: not the matrix.json of a part of a matrix (`matrix "
                        "--shard K/N`): no complete \"shard\" object\n",
                path);
        return -1;
    }
    json_int_t count = json_integer_value(json_object_get(p->sh, "count"));
    json_int_t tasks = json_integer_value(json_object_get(p->sh, "tasks"));
    if (count < 1 || count > SHARD_MAX || tasks < 0 || tasks > MERGE_MAX_ITEMS) {
        fprintf(stderr, "merge: %s: its \"shard\" object is out of range (count 1..%d, "
                        "tasks at most %d)\n",
                path, SHARD_MAX, MERGE_MAX_ITEMS);
        return -1;
    }
    p->index = (int)json_integer_value(json_object_get(p->sh, "index"));
    return 0;
}

/* The peers' names, in order, as one string (to compare parts). */
static void peer_names(const json_t *doc, char *out, size_t cap)
{
    size_t i;
    json_t *peer;
    out[0] = '\0';
    json_array_foreach(json_object_get(doc, "peers"), i, peer)
        snprintf(out + strlen(out), cap - strlen(out), "%s\n", str_of(peer, "name"));
}

static int same_matrix(const mpart *a, const mpart *b)
{
    static const char *const top[] = {"seed", "budget", "filter", "scenarios", "timeout_ms",
                                      NULL};
    static const char *const sh[] = {"count", "tasks", "digest", NULL};
    const char *what = NULL;
    for (size_t i = 0; top[i] && !what; i++)
        if (!json_equal(json_object_get(a->doc, top[i]), json_object_get(b->doc, top[i])) &&
            (json_object_get(a->doc, top[i]) || json_object_get(b->doc, top[i])))
            what = top[i];
    for (size_t i = 0; sh[i] && !what; i++)
        if (!json_equal(json_object_get(a->sh, sh[i]), json_object_get(b->sh, sh[i])))
            what = sh[i];
    char na[4096], nb[4096];
    peer_names(a->doc, na, sizeof na), peer_names(b->doc, nb, sizeof nb);
    if (!what && strcmp(na, nb) != 0)
        what = "peers";
    if (what == NULL)
        return 0;
    fprintf(stderr, "merge: %s and %s are not parts of one matrix: their %s differ\n", a->dir,
            b->dir, what);
    return -1;
}

typedef struct mplaced {
    json_int_t pos;
    json_t *r;
    const mpart *p;
} mplaced;

static int by_mpos(const void *a, const void *b)
{
    const mplaced *x = a, *y = b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static const char *verdict_of(const json_t *r)
{
    return str_of(r, "verdict");
}

/* Every part's pairs are the first part's, each result has its task number,
 * and each task of the matrix is in one part at most: checked before
 * anything is made or copied. 0 or -1 after saying why. */
static int mparts_check(const mpart *parts, int n, size_t tasks)
{
    const json_t *pairs = json_object_get(parts[0].doc, "pairs");
    char *taken = calloc(tasks ? tasks : 1, 1);
    int rc = taken ? 0 : -1;
    for (int k = 0; rc == 0 && k < n; k++) {
        const json_t *mine = json_object_get(parts[k].doc, "pairs");
        const json_t *pos_all = json_object_get(parts[k].sh, "pair_positions");
        if (json_array_size(mine) != json_array_size(pairs)) {
            fprintf(stderr, "merge: %s: its pairs do not match the other parts'\n",
                    parts[k].dir);
            rc = -1;
        }
        for (size_t q = 0; rc == 0 && q < json_array_size(pairs); q++) {
            const json_t *pr = json_array_get(mine, q), *p0 = json_array_get(pairs, q);
            const json_t *res = json_object_get(pr, "results");
            const json_t *pos = json_array_get(pos_all, q);
            if (json_array_size(res) != json_array_size(pos) ||
                strcmp(str_of(pr, "initiator"), str_of(p0, "initiator")) ||
                strcmp(str_of(pr, "responder"), str_of(p0, "responder"))) {
                fprintf(stderr, "merge: %s: its pairs do not match the other parts'\n",
                        parts[k].dir);
                rc = -1;
                break;
            }
            for (size_t j = 0; j < json_array_size(pos); j++) {
                const json_t *v = json_array_get(pos, j);
                json_int_t at = json_integer_value(v);
                if (!json_is_integer(v) || at < 0 || (size_t)at >= tasks || taken[at]) {
                    fprintf(stderr, "merge: %s: pair task %lld is %s\n", parts[k].dir,
                            (long long)at,
                            json_is_integer(v) && at >= 0 && (size_t)at < tasks
                                ? "another part's"
                                : "outside the matrix");
                    rc = -1;
                    break;
                }
                taken[at] = 1;
            }
        }
    }
    free(taken);
    return rc;
}

/*
 * The parts of a matrix (`matrix --shard K/N`, one directory each): every
 * peer's run merged as merge_run does into OUT_DIR/PEER/, the pairs'
 * results put back in task order, and OUT_DIR/matrix.json and index.html
 * written as the whole matrix would have written them.
 */
static int merge_matrix(const char *out_dir, const char *const *args, int n)
{
    mpart *parts = calloc((size_t)n, sizeof *parts);
    json_t *doc = NULL;
    int rc = RUN_EXIT_USAGE;
    if (parts == NULL)
        return rc;
    for (int i = 0; i < n; i++)
        if (load_mpart(&parts[i], args[i]) != 0 ||
            (i > 0 && same_matrix(&parts[0], &parts[i]) != 0))
            goto out;
    int count = (int)json_integer_value(json_object_get(parts[0].sh, "count"));
    size_t tasks = (size_t)json_integer_value(json_object_get(parts[0].sh, "tasks"));
    char seen[SHARD_MAX + 1] = {0};
    for (int i = 0; i < n; i++) {
        int k = parts[i].index;
        if (k < 1 || k > count || k > SHARD_MAX || seen[k]) {
            fprintf(stderr, "merge: %s: part %d of %d %s\n", parts[i].dir, k, count,
                    k < 1 || k > count ? "does not exist" : "is given twice");
            goto out;
        }
        seen[k] = 1;
    }
    if (n != count) {
        fprintf(stderr, "merge: exit %d: %d of the %d parts missing: the whole matrix cannot be "
                        "told; nothing written\n",
                RUN_EXIT_SETUP, count - n, count);
        rc = RUN_EXIT_SETUP;
        goto out;
    }
    if (mparts_check(parts, n, tasks) != 0)
        goto out;
    if (eh_mkdirs(out_dir) != 0) {
        fprintf(stderr, "merge: cannot make %s: %s\n", out_dir, strerror(errno));
        rc = RUN_EXIT_SETUP;
        goto out;
    }
    doc = page_doc_new("matrix");
    if (doc == NULL)
        goto out;
    bool failing = false, no_verdict = false, input_error = false, ran = false;
    bool interrupted = false;
    /* the peers: each one's run, merged */
    const json_t *peers = json_object_get(parts[0].doc, "peers");
    for (size_t i = 0; i < json_array_size(peers); i++) {
        const json_t *peer = json_array_get(peers, i);
        const char *name = str_of(peer, "name");
        char **pargs = calloc((size_t)n, sizeof *pargs);
        char pout[PATH_MAX];
        int prc = RUN_EXIT_USAGE;
        run_report rep;
        run_report_init(&rep);
        bool ok = pargs != NULL &&
                  fits(snprintf(pout, sizeof pout, "%s/%s", out_dir, name), sizeof pout);
        for (int k = 0; ok && k < n; k++)
            ok = asprintf(&pargs[k], "%s/%s", args[k], name) > 0;
        if (ok) {
            char junit[PATH_MAX + 16], json[PATH_MAX + 16];
            snprintf(junit, sizeof junit, "%s/junit.xml", pout);
            snprintf(json, sizeof json, "%s/results.json", pout);
            printf("== %s\n", name);
            prc = merge_run(pout, (const char *const *)pargs, n, junit, json, NULL, &rep, NULL);
        }
        for (int k = 0; pargs != NULL && k < n; k++)
            free(pargs[k]);
        free(pargs);
        if (prc == RUN_EXIT_USAGE && rep.n == 0) { /* the parts' runs do not merge */
            run_report_free(&rep);
            goto out;
        }
        failing |= prc == RUN_EXIT_FAILED;
        input_error |= prc == RUN_EXIT_USAGE;
        no_verdict |= prc == RUN_EXIT_SETUP;
        ran |= prc != RUN_EXIT_EMPTY && prc != RUN_EXIT_USAGE;
        interrupted |= rep.interrupted;
        json_t *info = json_deep_copy(peer), *results = report_json_doc(&rep);
        run_report_free(&rep);
        int bad = info == NULL || results == NULL;
        if (!bad) {
            json_object_del(info, "summary");
            json_object_del(info, "results");
            bad = json_object_set_new(info, "exit_code", json_integer(prc)) != 0 ||
                  page_doc_add_peer(doc, info, results, out_dir) != 0;
            info = NULL;
        }
        json_decref(info);
        json_decref(results);
        if (bad)
            goto out;
    }
    /* the pairs: each one's results from every part, in task order (their
     * shapes and task numbers checked by mparts_check) */
    file_stats fs = {0};
    size_t placed_total = 0;
    const json_t *pairs = json_object_get(parts[0].doc, "pairs");
    for (size_t q = 0; q < json_array_size(pairs); q++) {
        mplaced *all = calloc(tasks ? tasks : 1, sizeof *all);
        json_t *arr = all ? json_array() : NULL;
        size_t m = 0;
        if (arr == NULL) {
            free(all);
            goto out;
        }
        for (int k = 0; k < n; k++) {
            const json_t *pr = json_array_get(json_object_get(parts[k].doc, "pairs"), q);
            const json_t *res = json_object_get(pr, "results");
            const json_t *pos = json_array_get(json_object_get(parts[k].sh, "pair_positions"), q);
            for (size_t j = 0; j < json_array_size(res); j++)
                all[m++] = (mplaced){json_integer_value(json_array_get(pos, j)),
                                     json_array_get(res, j), &parts[k]};
        }
        qsort(all, m, sizeof *all, by_mpos);
        for (size_t j = 0; j < m; j++) {
            json_t *r = json_deep_copy(all[j].r);
            take_pair_files(all[j].p, out_dir, r, &fs);
            const char *v = verdict_of(r);
            failing |= !strcmp(v, "fail") || !strcmp(v, "xpass");
            no_verdict |= !strcmp(v, "error");
            ran |= strcmp(v, "skipped") != 0;
            json_array_append_new(arr, r);
        }
        placed_total += m;
        free(all);
        if (page_doc_add_pair(doc, str_of(json_array_get(pairs, q), "initiator"),
                              str_of(json_array_get(pairs, q), "responder"), arr) != 0)
            goto out;
    }
    for (int k = 0; k < n; k++)
        interrupted |= json_is_true(json_object_get(parts[k].doc, "interrupted"));
    if (placed_total != tasks && !interrupted) {
        fprintf(stderr, "merge: the parts hold %zu of the matrix's %zu pair tasks\n",
                placed_total, tasks);
        rc = RUN_EXIT_SETUP;
        goto out;
    }
    if (fs.missing > 0)
        fprintf(stderr, "merge: %zu files the pairs name were not found (the first: %s)\n",
                fs.missing, fs.first_missing);
    rc = interrupted   ? RUN_EXIT_SETUP
         : failing     ? RUN_EXIT_FAILED
         : input_error ? RUN_EXIT_USAGE
         : no_verdict  ? RUN_EXIT_SETUP
         : !ran        ? RUN_EXIT_EMPTY
                       : RUN_EXIT_OK;
    /* the matrix's own keys: the first part's, the earliest start */
    const char *started = str_of(parts[0].doc, "started");
    for (int k = 1; k < n; k++)
        if (str_of(parts[k].doc, "started")[0] && strcmp(str_of(parts[k].doc, "started"),
                                                         started) < 0)
            started = str_of(parts[k].doc, "started");
    static const char *const keep[] = {"seed", "timeout_ms", "budget", "scenarios", "filter",
                                       NULL};
    int bad = json_object_set_new(doc, "started", json_string(started)) != 0;
    for (size_t i = 0; !bad && keep[i]; i++) {
        json_t *v = json_object_get(parts[0].doc, keep[i]);
        bad = json_object_set_new(doc, keep[i], v ? json_deep_copy(v) : json_null()) != 0;
    }
    bad = bad || json_object_set_new(doc, "interrupted", json_boolean(interrupted)) != 0 ||
          json_object_set_new(doc, "exit_code", json_integer(rc)) != 0 ||
          page_doc_finish(doc) != 0;
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/matrix.json", out_dir);
    errno = 0;
    if (bad || report_write_json_doc(doc, path) != 0) {
        cannot_write(path);
        rc = RUN_EXIT_SETUP;
        goto out;
    }
    snprintf(path, sizeof path, "%s/index.html", out_dir);
    errno = 0;
    if (page_write_html(doc, path) != 0) {
        cannot_write(path);
        rc = RUN_EXIT_SETUP;
        goto out;
    }
    printf("merge: %d parts of a matrix: %s/matrix.json, %s/index.html\n", count, out_dir,
           out_dir);
out:
    for (int i = 0; i < n; i++)
        json_decref(parts[i].doc);
    free(parts);
    json_decref(doc);
    return rc;
}

int cli_merge(int argc, char **argv)
{
    const char *out_dir = NULL, *junit = NULL, *json = NULL, *html = NULL;
    const char **args = calloc((size_t)(argc > 0 ? argc : 1), sizeof *args);
    int n_args = 0;
    if (args == NULL)
        return 2;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            free(args);
            return usage(stdout, 0);
        }
        const char **dst = !strcmp(a, "--junit") ? &junit
                           : !strcmp(a, "--json") ? &json
                           : !strcmp(a, "--html") ? &html
                                                  : NULL;
        if (dst != NULL && i + 1 < argc) {
            *dst = argv[++i];
        } else if (a[0] == '-') {
            fprintf(stderr, "merge: unknown option %s (see --help)\n", a);
            free(args);
            return 2;
        } else if (out_dir == NULL) {
            out_dir = a;
        } else {
            args[n_args++] = a;
        }
    }
    if (out_dir == NULL || n_args == 0) {
        free(args);
        return usage(stderr, 2);
    }
    char junit_buf[PATH_MAX], json_buf[PATH_MAX], html_buf[PATH_MAX];
    snprintf(junit_buf, sizeof junit_buf, "%s/junit.xml", out_dir);
    snprintf(json_buf, sizeof json_buf, "%s/results.json", out_dir);
    snprintf(html_buf, sizeof html_buf, "%s/index.html", out_dir);
    junit = junit ? junit : junit_buf, json = json ? json : json_buf;
    html = html ? html : html_buf;

    int rc;
    if (matrix_part_dir(args[0])) {
        rc = merge_matrix(out_dir, args, n_args);
    } else {
        run_report rep;
        rc = merge_run(out_dir, args, n_args, junit, json, html, &rep, NULL);
        run_report_free(&rep);
    }
    free(args);
    return rc;
}

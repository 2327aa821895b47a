/*
 * coverage_cmd.c - `edhoc-harness coverage`: which requirement of the
 * catalogue (scenarios/requirements.md) is checked by which scenario, and
 * with what result in the last run (reports/results.json).
 *
 * A row counts as a testable MUST when its level says MUST or SHALL (in
 * any of the catalogue's spellings: "MUST NOT", "(SHALL)", "MUST (CDDL)")
 * and its test idea does not say "not wire-testable".
 *
 * Rows are GitHub-flavoured Markdown table rows: `\|` is a literal bar
 * inside a cell. A row with other than six cells is an error (a bar left
 * unescaped would silently shift the level column and the count).
 *
 * Relative scenario paths and --catalogue (and their defaults) not found
 * in the working directory are looked up in the data directories
 * (common/datapath.h); --results is the working directory's.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "../common/datapath.h"
#include "../runner/jobs.h"
#include "../scenario/scenario.h"
#include "cli.h"

typedef struct req_row {
    char id[32], section[16], level[48], text[1024];
    bool testable_must;
    char **scenarios;     /* ids (a matrix: its id, a slash and a star), each once, owned */
    size_t n_ids;
    size_t n_scenarios;   /* scenario files naming it */
    char last[32];        /* worst verdict of its scenarios in the last run */
} req_row;

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
        s[--n] = 0;
    return s;
}

/* Split "| a | b \| c |\n" in place into trimmed cells ("b | c" keeps
 * its bar); returns the number of cells, or max + 1 if there are more. */
static int split_row(char *line, char **cols, int max)
{
    char *w = line, *cell = NULL;
    int k = 0;
    for (char *r = line; *r && *r != '\n'; r++) {
        if (r[0] == '\\' && r[1] == '|') {
            *w++ = '|', r++;
        } else if (*r == '|') {
            *w++ = 0;
            if (cell != NULL) {
                if (k == max)
                    return max + 1;
                cols[k++] = trim(cell);
            }
            cell = w;
        } else {
            *w++ = *r;
        }
    }
    return k;
}

static int load_catalogue(const char *path, req_row **rows, size_t *n)
{
    FILE *f = fopen(path, "r");
    char line[2048];
    size_t cap = 0;
    if (f == NULL) {
        fprintf(stderr, "coverage: cannot read %s\n", path);
        return -1;
    }
    *rows = NULL, *n = 0;
    size_t lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (strncmp(line, "| R-", 4) != 0)
            continue;
        char *cols[6] = {0};
        int k = split_row(line, cols, 6);
        if (k != 6) {
            fprintf(stderr, "coverage: %s line %zu: %d cells, expected 6 (escape a bar inside "
                            "a cell as \\|)\n", path, lineno, k);
            fclose(f);
            return -1;
        }
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            req_row *r = realloc(*rows, cap * sizeof *r);
            if (r == NULL)
                break;
            *rows = r;
        }
        req_row *r = &(*rows)[(*n)++];
        memset(r, 0, sizeof *r);
        snprintf(r->id, sizeof r->id, "%.31s", cols[0]);
        snprintf(r->section, sizeof r->section, "%.15s", cols[1]);
        snprintf(r->text, sizeof r->text, "%.1023s", cols[2]);
        snprintf(r->level, sizeof r->level, "%.47s", cols[3]);
        bool must = strstr(cols[3], "MUST") || strstr(cols[3], "SHALL");
        r->testable_must = must && !strstr(cols[5], "not wire-testable") && strcmp(cols[4], "—");
    }
    fclose(f);
    return 0;
}

/* The requirements one scenario file covers, into rows. */
static void add_scenario(const char *path, req_row *rows, size_t n, int *unknown)
{
    scenario *sc = calloc(1, sizeof *sc);
    char err[512];
    if (sc == NULL)
        return;
    if (scenario_load(path, sc, err, sizeof err) != 0) {
        fprintf(stderr, "coverage: %s\n", err);
        (*unknown)++;
        free(sc);
        return;
    }
    for (size_t i = 0; i < sc->n_requirements; i++) {
        req_row *r = NULL;
        for (size_t k = 0; k < n && r == NULL; k++)
            if (!strcmp(rows[k].id, sc->requirements[i]))
                r = &rows[k];
        if (r == NULL) {
            fprintf(stderr, "coverage: %s: requirement %s is not in the catalogue\n", path,
                    sc->requirements[i]);
            (*unknown)++;
            continue;
        }
        char id[SC_MAX_ID + 2]; /* a matrix: its variants, "<id>/m<M>-s<S>-<kind>" */
        snprintf(id, sizeof id, "%s%s", sc->id, sc->matrix.n_methods ? "/*" : "");
        bool seen = false;
        for (size_t k = 0; k < r->n_ids && !seen; k++)
            seen = strcmp(r->scenarios[k], id) == 0;
        char **grown = seen ? r->scenarios : realloc(r->scenarios, (r->n_ids + 1) * sizeof *grown);
        if (grown == NULL || (!seen && (grown[r->n_ids] = strdup(id)) == NULL)) {
            fprintf(stderr, "coverage: out of memory\n");
            (*unknown)++;
            if (grown != NULL)
                r->scenarios = grown;
            break;
        }
        r->scenarios = grown;
        r->n_ids += !seen;
        r->n_scenarios++;
    }
    free(sc);
}

/* The worst verdict among the requirement's scenarios in results.json. */
static void last_results(const char *path, req_row *rows, size_t n)
{
    static const char *const order[] = {"pass", "skipped", "xfail", "nonstrict", "fail", "xpass",
                                        "error"};
    json_t *doc = json_load_file(path, 0, NULL);
    json_t *results = json_object_get(doc, "results"), *res;
    size_t i;
    json_array_foreach(results, i, res) {
        const char *id = json_string_value(json_object_get(res, "id"));
        const char *v = json_string_value(json_object_get(res, "verdict"));
        const char *reqs = json_string_value(json_object_get(res, "requirements"));
        if (!id || !v || !reqs)
            continue;
        for (size_t k = 0; k < n; k++) {
            char needle[40];
            snprintf(needle, sizeof needle, "%s", rows[k].id);
            const char *hit = strstr(reqs, needle);
            size_t nl = strlen(needle);
            if (!hit || (hit[nl] != 0 && hit[nl] != ',' && hit[nl] != ' '))
                continue;
            int cur = -1, now = -1;
            for (int o = 0; o < 7; o++) {
                if (!strcmp(order[o], rows[k].last))
                    cur = o;
                if (!strcmp(order[o], v))
                    now = o;
            }
            if (now > cur)
                snprintf(rows[k].last, sizeof rows[k].last, "%s", v);
        }
    }
    json_decref(doc);
}

int cli_coverage(int argc, char **argv)
{
    const char *format = "md", *catalogue = "scenarios/requirements.md",
               *results = "reports/results.json";
    const char *paths[64];
    size_t n_paths = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage: edhoc-harness coverage [SCENARIO-PATH...] [options]\n"
                   "\n"
                   "Requirement ID -> section -> level -> scenarios -> last result, for the\n"
                   "scenario files below the paths (default scenarios/).\n"
                   "\n"
                   "  --format md|json     Markdown table (default) or JSON\n"
                   "  --catalogue FILE     requirement catalogue (default scenarios/requirements.md)\n"
                   "  --results FILE       a run's JSON report for the last results\n"
                   "                       (default reports/results.json)\n"
                   "  -h, --help           this text\n"
                   "\n"
                   "exit codes: 0 done, 1 a scenario names a requirement that is not in the\n"
                   "catalogue, 2 usage error or an unreadable catalogue\n");
            return 0;
        }
        if (a[0] != '-') {
            if (n_paths < 64)
                paths[n_paths++] = a;
            continue;
        }
        if (strcmp(a, "--format") && strcmp(a, "--catalogue") && strcmp(a, "--results")) {
            fprintf(stderr, "coverage: unknown option %s (see --help)\n", a);
            return 2;
        }
        if (v == NULL) {
            fprintf(stderr, "coverage: %s needs a value\n", a);
            return 2;
        }
        i++;
        if (!strcmp(a, "--format") && (!strcmp(v, "md") || !strcmp(v, "json")))
            format = v;
        else if (!strcmp(a, "--catalogue"))
            catalogue = v;
        else if (!strcmp(a, "--results"))
            results = v;
        else {
            fprintf(stderr, "coverage: invalid value for %s: %s (see --help)\n", a, v);
            return 2;
        }
    }
    if (n_paths == 0)
        paths[n_paths++] = "scenarios";
    static char resolved[65][PATH_MAX];
    for (size_t i = 0; i < n_paths; i++)
        paths[i] = eh_data_path(paths[i], resolved[i], sizeof resolved[i]);
    catalogue = eh_data_path(catalogue, resolved[64], sizeof resolved[64]);
    req_row *rows;
    size_t n;
    int unknown = 0;
    if (load_catalogue(catalogue, &rows, &n) != 0)
        return 2;
    char **files;
    size_t n_files;
    if (jobs_collect_files(paths, n_paths, &files, &n_files) != 0) {
        free(rows);
        return 2;
    }
    for (size_t i = 0; i < n_files; i++)
        add_scenario(files[i], rows, n, &unknown);
    jobs_files_free(files, n_files);
    last_results(results, rows, n);
    size_t testable = 0, covered = 0;
    for (size_t k = 0; k < n; k++) {
        testable += rows[k].testable_must;
        covered += rows[k].testable_must && rows[k].n_scenarios > 0;
    }
    if (!strcmp(format, "json")) {
        json_t *doc = json_object(), *arr = json_array();
        json_object_set_new(doc, "must_testable", json_integer((json_int_t)testable));
        json_object_set_new(doc, "must_covered", json_integer((json_int_t)covered));
        for (size_t k = 0; k < n; k++) {
            json_t *ids = json_array();
            for (size_t i = 0; i < rows[k].n_ids; i++)
                json_array_append_new(ids, json_string(rows[k].scenarios[i]));
            json_t *r = json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:s}", "id", rows[k].id,
                                  "section", rows[k].section, "level", rows[k].level,
                                  "requirement", rows[k].text, "testable_must",
                                  rows[k].testable_must, "scenarios", ids,
                                  "last_result", rows[k].last[0] ? rows[k].last : "none");
            json_array_append_new(arr, r);
        }
        json_object_set_new(doc, "requirements", arr);
        json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
        json_decref(doc);
    } else {
        printf("| requirement | § | level | scenarios | last result |\n|---|---|---|---|---|\n");
        for (size_t k = 0; k < n; k++) {
            printf("| %s | %s | %s | ", rows[k].id, rows[k].section, rows[k].level);
            for (size_t i = 0; i < rows[k].n_ids; i++)
                printf("%s%s", i ? ", " : "", rows[k].scenarios[i]);
            printf("%s | %s |\n", rows[k].n_ids ? "" : "**none**",
                   rows[k].last[0] ? rows[k].last : "-");
        }
        printf("\ntestable MUST/SHALL requirements covered: %zu of %zu (%.0f%%)\n", covered,
               testable, testable ? 100.0 * (double)covered / (double)testable : 0.0);
        printf("not covered:");
        for (size_t k = 0; k < n; k++)
            if (rows[k].testable_must && rows[k].n_scenarios == 0)
                printf(" %s", rows[k].id);
        printf("\n");
    }
    for (size_t k = 0; k < n; k++) {
        for (size_t i = 0; i < rows[k].n_ids; i++)
            free(rows[k].scenarios[i]);
        free(rows[k].scenarios);
    }
    free(rows);
    return unknown ? 1 : 0;
}

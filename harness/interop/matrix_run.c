/* matrix_run.c - see matrix_run.h. */
#include "matrix_run.h"
#include "../common/mkdirs.h"

#include "../runner/shard.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../report/page.h"
#include "../report/report_json.h"
#include "../runner/jobs.h"
#include "../runner/run_html.h"
#include "../runner/peer_template.h"
#include "../runner/reaper.h"
#include "../runner/runner.h"
#include "../scenario/budget.h"
#include "../scenario/profile.h"
#include "child_pool.h"
#include "pair_job.h"
#include "../transport/pcap_file.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

typedef struct task {
    size_t a, b;         /* Initiator and Responder: indexes of the peers */
    size_t job;          /* the scenario: a job of the job list (harness Initiator) */
    json_t *result;      /* set once known */
    bool other_part;     /* --shard: another part's task (never run here) */
} task;

typedef struct ctx {
    const matrix_opts *o;
    peer_file **pf;
    size_t n_pf;
    int run_rc[64];
    job_list jl;
    size_t *cand;        /* jobs that are pair scenarios */
    size_t n_cand;
    task *tasks;
    size_t n_tasks;
    size_t *to_run;      /* tasks for the pool */
    size_t n_run;
    sc_budget budget;
    size_t printed;
    size_t bad_pairs;
    char digest[17];     /* --shard: of the peers and the pair scenarios */
} ctx;

static pair_job_opts job_opts(const ctx *c, const task *t, const scenario *sc)
{
    const matrix_opts *o = c->o;
    return (pair_job_opts){.sc = sc, .initiator = c->pf[t->a], .responder = c->pf[t->b],
                           .out_dir = o->out_dir, .cred_dir = o->cred_dir,
                           .harness_path = o->harness_path, .timeout_ms = o->timeout_ms,
                           .budget = c->budget, .seed = o->seed,
                           .reverse = pair_flow(c->pf[t->a], c->pf[t->b]) ==
                                      PAIR_FLOW_REVERSE,
                           .transport = sc ? pair_transport(sc, c->pf[t->a], c->pf[t->b])
                                           : SC_COAP};
}

/* ------------------------------------------------------------- printing */

static void print_pair(const ctx *c, const task *t)
{
    static const char *const tags[][2] = {{"pass", "PASS"},      {"fail", "FAIL"},
                                          {"skipped", "SKIP"},   {"nonstrict", "NONSTRICT"},
                                          {"error", "ERROR"},    {"xfail", "XFAIL"},
                                          {"xpass", "XPASS"}};
    const char *v = json_string_value(json_object_get(t->result, "verdict"));
    const char *tag = "ERROR";
    for (size_t k = 0; v && k < sizeof tags / sizeof tags[0]; k++)
        if (strcmp(tags[k][0], v) == 0)
            tag = tags[k][1];
    bool quiet_ok = v && (!strcmp(v, "pass") || !strcmp(v, "skipped"));
    if (c->o->quiet && quiet_ok)
        return;
    char who[160];
    snprintf(who, sizeof who, "%s -> %s", c->pf[t->a]->name, c->pf[t->b]->name);
    printf("%-9s %-40s %-30s %5.2fs\n", tag,
           json_string_value(json_object_get(t->result, "id")), who,
           json_real_value(json_object_get(t->result, "seconds")));
    const char *m = json_string_value(json_object_get(t->result, "message"));
    if (m && m[0] && !quiet_ok)
        printf("          %s\n", m);
    fflush(stdout);
}

static void print_ready(ctx *c)
{
    while (c->printed < c->n_tasks &&
           (c->tasks[c->printed].other_part || c->tasks[c->printed].result != NULL)) {
        if (!c->tasks[c->printed].other_part)
            print_pair(c, &c->tasks[c->printed]);
        c->printed++;
    }
}

/* ----------------------------------------------------------- pair jobs */

static int task_budget(size_t i, void *arg)
{
    ctx *c = arg;
    const task *t = &c->tasks[c->to_run[i]];
    const job *j = &c->jl.v[t->job];
    const peer_role_spec *rs = &c->pf[t->b]->responder;
    int ready = peer_ready_timeout_ms(rs);
    return (int)(j->tmpl->n_steps + 2) * c->o->timeout_ms + ready + 15000;
}

static void task_run(size_t i, int fd, void *arg)
{
    ctx *c = arg;
    const task *t = &c->tasks[c->to_run[i]];
    char err[512];
    scenario *scratch = malloc(sizeof *scratch);
    const scenario *sc = scratch ? job_scenario(&c->jl.v[t->job], scratch, err, sizeof err) : NULL;
    json_t *r = NULL;
    if (sc != NULL) {
        pair_job_opts po = job_opts(c, t, sc);
        r = pair_job_run(&po);
    }
    char *text = r ? json_dumps(r, JSON_COMPACT) : NULL;
    if (text != NULL)
        report_write_all(fd, text, strlen(text));
    free(text);
    json_decref(r);
    free(scratch);
}

static void task_done(size_t i, const char *out, size_t len, cp_end end, void *arg)
{
    ctx *c = arg;
    task *t = &c->tasks[c->to_run[i]];
    json_t *r = end == CP_DONE ? json_loadb(out, len, 0, NULL) : NULL;
    if (r == NULL) {
        char err[512];
        scenario *scratch = malloc(sizeof *scratch);
        const scenario *sc =
            scratch ? job_scenario(&c->jl.v[t->job], scratch, err, sizeof err) : NULL;
        if (sc != NULL) {
            pair_job_opts po = job_opts(c, t, sc);
            r = pair_job_result(&po, V_ERROR,
                                end == CP_LATE      ? "the harness did not finish the pair in time"
                                : end == CP_STOPPED ? "stopped: the matrix was interrupted"
                                : end == CP_NO_FORK ? "cannot fork"
                                                    : "the harness process running the pair "
                                                      "failed");
        }
        free(scratch);
    }
    t->result = r ? r : json_object();
    print_ready(c);
}

static void fnv(uint64_t *h, const char *s)
{
    for (; *s; s++)
        *h = (*h ^ (uint8_t)*s) * 1099511628211ull;
    *h = (*h ^ 0xff) * 1099511628211ull;
}

/* The seconds of task t in the earlier matrix (--shard-times), or -1. */
static double earlier_seconds(const ctx *c, const task *t)
{
    size_t i, j;
    json_t *pair, *r;
    json_array_foreach(json_object_get(c->o->shard_times, "pairs"), i, pair) {
        const char *ini = json_string_value(json_object_get(pair, "initiator"));
        const char *res = json_string_value(json_object_get(pair, "responder"));
        if (!ini || !res || strcmp(ini, c->pf[t->a]->name) || strcmp(res, c->pf[t->b]->name))
            continue;
        json_array_foreach(json_object_get(pair, "results"), j, r) {
            const char *id = json_string_value(json_object_get(r, "id"));
            if (id && strcmp(id, c->jl.v[t->job].id) == 0 &&
                json_is_number(json_object_get(r, "seconds")))
                return json_number_value(json_object_get(r, "seconds"));
        }
    }
    return -1;
}

/* --shard K/N: keep part K of the tasks (runner/shard.h's assignment, a
 * task weighing its seconds in --shard-times or its scenario's steps, one
 * skipped from the start nothing). */
static int shard_tasks(ctx *c)
{
    double *cost = malloc((c->n_tasks ? c->n_tasks : 1) * sizeof *cost);
    int *part = malloc((c->n_tasks ? c->n_tasks : 1) * sizeof *part);
    if (cost == NULL || part == NULL) {
        free(cost), free(part);
        return -1;
    }
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < c->n_pf; i++)
        fnv(&h, c->pf[i]->name), fnv(&h, c->pf[i]->version);
    for (size_t k = 0; k < c->n_cand; k++)
        fnv(&h, c->jl.v[c->cand[k]].id);
    snprintf(c->digest, sizeof c->digest, "%016llx", (unsigned long long)h);
    /* an earlier matrix's seconds per task where it has the task, else the
     * task's steps at that matrix's seconds per step (1 s without one) */
    double known_s = 0, known_steps = 0;
    for (size_t i = 0; i < c->n_tasks; i++) {
        const task *t = &c->tasks[i];
        cost[i] = t->result != NULL ? 0 : earlier_seconds(c, t);
        if (t->result == NULL && cost[i] >= 0)
            known_s += cost[i], known_steps += (double)c->jl.v[t->job].tmpl->n_steps;
    }
    double per_step = known_steps > 0 ? known_s / known_steps : 1.0;
    for (size_t i = 0; i < c->n_tasks; i++)
        if (cost[i] < 0)
            cost[i] = per_step * (double)(c->jl.v[c->tasks[i].job].tmpl->n_steps + 1);
    shard_assign(cost, c->n_tasks, c->o->shard_n, part);
    for (size_t i = 0; i < c->n_tasks; i++)
        if (part[i] != c->o->shard_k - 1) {
            c->tasks[i].other_part = true;
            json_decref(c->tasks[i].result);
            c->tasks[i].result = NULL;
        }
    free(cost), free(part);
    return 0;
}

/* The tasks: every ordered pair x every pair scenario; those that cannot
 * run get their skipped result now. -1 when out of memory. */
static int make_tasks(ctx *c)
{
    size_t n = c->n_pf * c->n_pf * c->n_cand;
    c->tasks = calloc(n ? n : 1, sizeof *c->tasks);
    c->to_run = calloc(n ? n : 1, sizeof *c->to_run);
    scenario *scratch = malloc(sizeof *scratch);
    if (!c->tasks || !c->to_run || !scratch) {
        free(scratch);
        return -1;
    }
    char err[512], why[256];
    for (size_t a = 0; a < c->n_pf; a++)
        for (size_t b = 0; b < c->n_pf; b++)
            for (size_t k = 0; k < c->n_cand; k++) {
                task *t = &c->tasks[c->n_tasks++];
                *t = (task){.a = a, .b = b, .job = c->cand[k]};
                const scenario *sc = job_scenario(&c->jl.v[t->job], scratch, err, sizeof err);
                pair_job_opts po = job_opts(c, t, sc);
                const char *no = sc ? pair_job_refusal(&po, why, sizeof why) : err;
                if (no != NULL && sc != NULL)
                    t->result = pair_job_result(&po, V_SKIPPED, no);
            }
    free(scratch);
    if (c->o->shard_n > 0 && shard_tasks(c) != 0)
        return -1;
    for (size_t i = 0; i < c->n_tasks; i++)
        if (!c->tasks[i].other_part && c->tasks[i].result == NULL)
            c->to_run[c->n_run++] = i;
    return 0;
}

/* The pair scenarios among the jobs (each variant once). */
static int find_candidates(ctx *c)
{
    run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.paths = c->o->paths;
    ro.n_paths = c->o->n_paths;
    ro.iut_roles = RUN_IUT_RESPONDER; /* one job per variant: the harness Initiator's */
    ro.filter = c->o->filter;
    ro.no_profiles = true; /* a pair runs the scenario as written (two IUTs' profiles) */
    if (jobs_build(&ro, c->pf[0], &c->jl) != 0)
        return -1;
    c->cand = calloc(c->jl.n ? c->jl.n : 1, sizeof *c->cand);
    scenario *scratch = malloc(sizeof *scratch);
    char err[512];
    if (c->cand == NULL || scratch == NULL) {
        free(scratch);
        return -1;
    }
    for (size_t i = 0; i < c->jl.n; i++) {
        const scenario *sc = c->jl.v[i].tmpl ? job_scenario(&c->jl.v[i], scratch, err, sizeof err)
                                             : NULL;
        if (sc != NULL && pair_scenario_ok(sc))
            c->cand[c->n_cand++] = i;
    }
    free(scratch);
    return 0;
}

/* --------------------------------------------------------------- peers */

static int run_peer(ctx *c, size_t i)
{
    const matrix_opts *o = c->o;
    char dir[PATH_MAX], junit[PATH_MAX + 16], json[PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s/%s", o->out_dir, c->pf[i]->name);
    snprintf(junit, sizeof junit, "%s/junit.xml", dir);
    snprintf(json, sizeof json, "%s/results.json", dir);
    run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.peer_file = o->peer_files[i];
    ro.paths = o->paths;
    ro.n_paths = o->n_paths;
    ro.iut_roles = RUN_IUT_INITIATOR | RUN_IUT_RESPONDER;
    ro.no_sanity = true; /* each IUT's results are the matrix's row, whatever they are */
    ro.jobs = o->jobs;
    ro.filter = o->filter;
    ro.junit = junit;
    ro.json = json;
    ro.out_dir = dir;
    ro.seed = o->seed;
    ro.timeout_ms = o->timeout_ms;
    ro.harness_path = o->harness_path;
    ro.cred_dir = o->cred_dir;
    ro.quiet = o->quiet;
    ro.allow_template = o->allow_template;
    ro.budget = o->budget;
    ro.shard_k = o->shard_k, ro.shard_n = o->shard_n;
    ro.allow_empty = o->shard_n > 0; /* a part may hold none of a peer's jobs */
    /* --shard-times: this peer's row of the earlier matrix, as a run's report */
    json_t *times = NULL;
    size_t k;
    json_t *peer;
    json_array_foreach(json_object_get(o->shard_times, "peers"), k, peer) {
        const char *name = json_string_value(json_object_get(peer, "name"));
        if (times == NULL && name && strcmp(name, c->pf[i]->name) == 0)
            times = json_pack("{s:O}", "results", json_object_get(peer, "results"));
    }
    ro.shard_times = times;
    printf("== %s against the reference harness (%s)\n", c->pf[i]->name, o->peer_files[i]);
    fflush(stdout);
    int rc = run_main(&ro);
    json_decref(times);
    catch_signals(); /* run_main installed its own handler */
    return rc;
}

static int put(json_t *o, const char *k, json_t *v)
{
    return v && json_object_set_new(o, k, v) == 0 ? 0 : -1;
}

static int add_peer(const ctx *c, json_t *doc, size_t i)
{
    const char *name = c->pf[i]->name;
    char path[PATH_MAX], rel[256];
    snprintf(path, sizeof path, "%s/%s/results.json", c->o->out_dir, name);
    json_t *results = json_load_file(path, 0, NULL);
    json_t *info = run_peer_info(c->pf[i]);
    int rc = info ? 0 : -1;
    if (rc == 0 && results == NULL) {
        results = json_pack("{s:[]}", "results");
        rc = put(info, "run_error", json_string("its run wrote no results.json"));
    }
    snprintf(rel, sizeof rel, "%s", name);
    rc = rc || put(info, "dir", json_string(rel));
    snprintf(rel, sizeof rel, "%s/results.json", name);
    rc = rc || put(info, "results_json", json_string(rel));
    snprintf(rel, sizeof rel, "%s/junit.xml", name);
    rc = rc || put(info, "junit", json_string(rel)) ||
         put(info, "exit_code", json_integer(c->run_rc[i]));
    if (rc == 0) {
        rc = page_doc_add_peer(doc, info, results, c->o->out_dir);
        info = NULL;
    }
    json_decref(info);
    json_decref(results);
    return rc;
}

/* ------------------------------------------------------------ document */

/* An integer, or a decimal string above what a JSON integer holds here. */
static json_t *seed_json(unsigned long seed)
{
    char buf[32];
    if ((unsigned long long)seed <= (unsigned long long)LLONG_MAX / 2)
        return json_integer((json_int_t)seed);
    snprintf(buf, sizeof buf, "%lu", seed);
    return json_string(buf);
}

static int write_documents(ctx *c, const char *started, bool interrupted, int exit_code)
{
    const matrix_opts *o = c->o;
    json_t *doc = page_doc_new("matrix"), *scen = json_array();
    int rc = doc && scen ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < c->n_pf; i++)
        rc = add_peer(c, doc, i);
    json_t *positions = json_array();
    rc = rc || positions == NULL;
    for (size_t a = 0; rc == 0 && a < c->n_pf; a++)
        for (size_t b = 0; rc == 0 && b < c->n_pf; b++) {
            json_t *arr = json_array(), *pos = json_array();
            for (size_t k = 0; arr && pos && k < c->n_tasks; k++) {
                task *t = &c->tasks[k];
                if (t->a == a && t->b == b && t->result) {
                    json_array_append(arr, t->result);
                    json_array_append_new(pos, json_integer((json_int_t)k));
                }
            }
            rc = json_array_append_new(positions, pos) != 0 ||
                 page_doc_add_pair(doc, c->pf[a]->name, c->pf[b]->name, arr);
        }
    if (rc == 0 && o->shard_n > 0)
        rc = put(doc, "shard", json_pack("{s:i, s:i, s:I, s:s, s:O}", "index", o->shard_k,
                                         "count", o->shard_n, "tasks", (json_int_t)c->n_tasks,
                                         "digest", c->digest, "pair_positions", positions));
    json_decref(positions);
    for (size_t i = 0; rc == 0 && i < o->n_paths; i++)
        rc = json_array_append_new(scen, json_string(o->paths[i]));
    if (rc == 0) {
        rc = put(doc, "started", json_string(started)) ||
             put(doc, "seed", seed_json(o->seed)) ||
             put(doc, "timeout_ms", json_integer(o->timeout_ms)) ||
             put(doc, "budget", json_string(sc_budget_name(c->budget))) ||
             put(doc, "scenarios", scen) ||
             put(doc, "filter", o->filter ? json_string(o->filter) : json_null()) ||
             put(doc, "interrupted", json_boolean(interrupted)) ||
             put(doc, "exit_code", json_integer(exit_code)) || page_doc_finish(doc);
        scen = NULL;
    }
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/matrix.json", o->out_dir);
    if (rc == 0 && report_write_json_doc(doc, path) != 0) {
        fprintf(stderr, "matrix: cannot write %s\n", path);
        rc = -1;
    }
    snprintf(path, sizeof path, "%s/index.html", o->out_dir);
    if (rc == 0 && page_write_html(doc, path) != 0) {
        fprintf(stderr, "matrix: cannot write %s\n", path);
        rc = -1;
    }
    json_decref(scen);
    json_decref(doc);
    return rc;
}

/* ----------------------------------------------------------------- main */

static int load_peers(ctx *c)
{
    char err[512];
    if (c->o->n_peers > sizeof c->run_rc / sizeof c->run_rc[0]) {
        fprintf(stderr, "matrix: at most %zu peers\n", sizeof c->run_rc / sizeof c->run_rc[0]);
        return -1;
    }
    c->pf = calloc(c->o->n_peers, sizeof *c->pf);
    if (c->pf == NULL)
        return -1;
    for (size_t i = 0; i < c->o->n_peers; i++) {
        c->pf[i] = calloc(1, sizeof *c->pf[i]);
        if (c->pf[i] == NULL || peer_file_load(c->o->peer_files[i], c->pf[i], err, sizeof err) ||
            peer_template_refused(c->pf[i], c->o->peer_files[i], c->o->allow_template, err,
                                  sizeof err)) {
            fprintf(stderr, "matrix: %s\n", c->pf[i] ? err : "out of memory");
            free(c->pf[i]);
            return -1;
        }
        c->n_pf++;
        const char *nm = c->pf[i]->name;
        if (!strcmp(nm, "pairs") || !strcmp(nm, "matrix.json") || !strcmp(nm, "index.html") ||
            nm[0] == '.') {
            fprintf(stderr, "matrix: %s: the peer name '%s' is taken in the output directory\n",
                    c->o->peer_files[i], nm);
            return -1;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(c->pf[k]->name, c->pf[i]->name) == 0) {
                fprintf(stderr, "matrix: %s and %s both name the peer '%s'; names must differ\n",
                        c->o->peer_files[k], c->o->peer_files[i], c->pf[i]->name);
                return -1;
            }
    }
    return 0;
}

static void free_ctx(ctx *c)
{
    for (size_t i = 0; i < c->n_pf; i++)
        free(c->pf[i]);
    free(c->pf);
    for (size_t i = 0; i < c->n_tasks; i++)
        json_decref(c->tasks[i].result);
    free(c->tasks);
    free(c->to_run);
    free(c->cand);
    jobs_free(&c->jl);
}

int matrix_main(const matrix_opts *o)
{
    ctx c;
    memset(&c, 0, sizeof c);
    c.o = o;
    int rc = 2;
    const char *budget_name = o->budget ? o->budget : "rfc9528";
    if (sc_budget_parse(budget_name, &c.budget) != 0) {
        fprintf(stderr, "matrix: unknown budget profile '%s'\n", budget_name);
        goto out;
    }
    if (o->n_peers == 0 || load_peers(&c) != 0)
        goto out;
    if (eh_mkdirs(o->out_dir) != 0) {
        fprintf(stderr, "matrix: exit %d (set-up error): cannot make %s: %s\n", RUN_EXIT_SETUP,
                o->out_dir, strerror(errno));
        rc = RUN_EXIT_SETUP;
        goto out;
    }
    if (find_candidates(&c) != 0)
        goto out;
    char pcap_err[256]; /* libpcap once here, not in each pair's process */
    (void)tr_pcap_load(pcap_err, sizeof pcap_err);
    char started[32];
    time_t now = time(NULL);
    strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    stop_flag = 0;
    catch_signals();
    (void)reaper_become(); /* orphans of a task stopped by a signal come back here */
    /* the exit code, as run's (RUN_EXIT_*): the runs' codes and the pairs' verdicts */
    bool failing = false, no_verdict = false, input_error = false, ran = false;
    for (size_t i = 0; i < c.n_pf && !stop_flag; i++) {
        c.run_rc[i] = run_peer(&c, i);
        failing |= c.run_rc[i] == RUN_EXIT_FAILED;
        input_error |= c.run_rc[i] == RUN_EXIT_USAGE;
        no_verdict |= c.run_rc[i] == RUN_EXIT_SETUP || c.run_rc[i] < 0 ||
                      c.run_rc[i] > RUN_EXIT_EMPTY;
        ran |= c.run_rc[i] != RUN_EXIT_EMPTY && c.run_rc[i] != RUN_EXIT_USAGE;
    }
    if (make_tasks(&c) != 0) {
        fprintf(stderr, "matrix: out of memory\n");
        goto out;
    }
    printf("== pairs: %zu peers, %zu ordered pairs x %zu positive handshake scenarios, %zu jobs "
           "to run\n",
           c.n_pf, c.n_pf * c.n_pf, c.n_cand, c.n_run);
    fflush(stdout);
    print_ready(&c);
    if (!stop_flag) {
        child_pool pool = {.n = c.n_run, .parallel = o->jobs, .budget_ms = task_budget,
                           .run = task_run, .done = task_done, .arg = &c, .stop = &stop_flag};
        child_pool_run(&pool);
    }
    reaper_sweep(); /* every task is over */
    size_t counts[V_COUNT_] = {0};
    for (size_t i = 0; i < c.n_tasks; i++) {
        if (c.tasks[i].other_part)
            continue;
        const char *v = c.tasks[i].result
                            ? json_string_value(json_object_get(c.tasks[i].result, "verdict"))
                            : NULL;
        int k = 0;
        while (k < V_COUNT_ && (!v || strcmp(verdict_name((verdict)k), v) != 0))
            k++;
        if (k == V_COUNT_ && !c.tasks[i].result)
            continue; /* never ran (interrupted) */
        counts[k < V_COUNT_ ? k : V_ERROR]++;
        failing |= k == V_FAIL || k == V_XPASS;
        no_verdict |= k == V_ERROR || k == V_COUNT_;
        ran |= k != V_SKIPPED;
    }
    printf("pairs: %zu pass, %zu fail, %zu skipped, %zu error\n", counts[V_PASS], counts[V_FAIL],
           counts[V_SKIPPED], counts[V_ERROR]);
    if (stop_flag)
        printf("matrix interrupted\n");
    rc = stop_flag     ? RUN_EXIT_SETUP
         : failing     ? RUN_EXIT_FAILED
         : input_error ? RUN_EXIT_USAGE
         : no_verdict  ? RUN_EXIT_SETUP
         : !ran        ? RUN_EXIT_EMPTY
                       : RUN_EXIT_OK;
    if (write_documents(&c, started, stop_flag != 0, rc) != 0) {
        rc = RUN_EXIT_SETUP;
        fprintf(stderr, "matrix: exit %d (set-up error): %s/matrix.json or index.html could "
                        "not be written\n", rc, o->out_dir);
    } else
        printf("matrix: %s/matrix.json, %s/index.html\n", o->out_dir, o->out_dir);
    if (rc == RUN_EXIT_SETUP && !stop_flag && no_verdict)
        fprintf(stderr, "matrix: exit %d (no verdict): a run or a pair could not be judged "
                        "(see the runs' messages and the pairs in error)\n", rc);
    else if (rc == RUN_EXIT_EMPTY)
        fprintf(stderr, "matrix: exit %d: no job and no pair ran: nothing was tested\n", rc);
out:
    free_ctx(&c);
    return rc;
}

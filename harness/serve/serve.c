/*
 * serve.c - the front of `edhoc-harness serve` (serve.h): listening
 * sockets, one poll loop, the relay between each client and its job's
 * process, and the results. The jobs themselves are `run`'s
 * (runner/remote_job.h); the reports are `run`'s writers (report.h,
 * run_html.h) per client.
 */
#define _GNU_SOURCE /* close_range */
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <jansson.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../common/datapath.h"
#include "../oscore/coap_codec.h"
#include "../report/page.h"
#include "../report/report.h"
#include "../report/report_json.h"
#include "../runner/jobs.h"
#include "../runner/remote_job.h"
#include "../runner/run_html.h"
#include "../scenario/budget.h"
#include "../scenario/profile.h"
#include "../transport/pcap_file.h"
#include "../transport/udp.h"
#include "serve_route.h"

#define SERVE_MAX_LISTENERS 16
#define SERVE_MAX_DATAGRAM 65535
#define SERVE_MAX_JOB_OUTPUT ((size_t)16 << 20) /* result + transcript from a job */
#define SERVE_BASELINE_ID "interop/handshake"
#define SERVE_STOP_GRACE_MS 2000

typedef struct listener {
    int fd;
    int family;
    int port;
    bool raw;          /* raw UDP: every session runs raw_job */
    size_t raw_job;
} listener;

typedef struct pending {
    uint8_t *d;
    size_t n;
} pending;

typedef struct sjob {
    bool used;
    bool detached;     /* the client moved on: its datagrams go elsewhere now */
    bool lingering;    /* the steps are over */
    bool late;         /* past its bound: stopped */
    pid_t pid;
    int fd;            /* the job's output: port, markers, result */
    int up;            /* our socket towards the job's executor */
    int port;          /* the executor's, 0 until known */
    bool port_known;
    struct sockaddr_storage client;
    socklen_t client_len;
    size_t lst;
    size_t client_idx;
    size_t job_idx;
    pending q[SERVE_QUEUE];
    size_t nq;
    uint16_t first_mid;   /* CoAP: the message ID of the request that started it */
    uint8_t first[64];    /* raw UDP: the start of the datagram that started it */
    size_t first_len;
    unsigned char *buf;
    size_t len, cap, off; /* off: what of buf is parsed (port, markers) */
    bool in_result;
    int64_t deadline, kill_at;
} sjob;

typedef struct client {
    char name[SERVE_MAX_NAME + 8];
    char addr[80];     /* where it last came from */
    char dir[1024];
    run_report rep;
} client;

typedef struct serve_state {
    const serve_opts *o;
    peer_file *pf, *named; /* named: pf with a client's name, for the pages */
    job_list jl;
    sc_budget budget;
    listener l[SERVE_MAX_LISTENERS];
    size_t n_l;
    sjob *jobs;        /* o->max_jobs slots */
    client *clients;   /* SERVE_MAX_CLIENTS */
    size_t n_clients;
    char started[32];
    uint16_t next_mid;
    size_t unwritten;  /* reports that could not be written */
    uint8_t dgram[SERVE_MAX_DATAGRAM];
} serve_state;

static int stop_pipe[2] = {-1, -1};
static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
    stop_signal = sig;
    int saved = errno;
    if (stop_pipe[1] >= 0)
        (void)!write(stop_pipe[1], "x", 1);
    errno = saved;
}

/* In a job's process. */
static volatile sig_atomic_t job_moved_on;
static char job_capture_tmp[1200];

static void on_job_moved_on(int sig)
{
    (void)sig;
    job_moved_on = 1;
}

static void on_job_stop(int sig)
{
    (void)sig;
    if (job_capture_tmp[0])
        unlink(job_capture_tmp);
    _exit(130);
}

/* ------------------------------------------------------------- helpers */

static void addr_text(const struct sockaddr_storage *a, char *host, size_t hcap, int *port)
{
    char h[INET6_ADDRSTRLEN] = "?";
    *port = 0;
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *s = (const void *)a;
        inet_ntop(AF_INET, &s->sin_addr, h, sizeof h);
        *port = ntohs(s->sin_port);
    } else if (a->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const void *)a;
        if (IN6_IS_ADDR_V4MAPPED(&s->sin6_addr))
            inet_ntop(AF_INET, &s->sin6_addr.s6_addr[12], h, sizeof h);
        else
            inet_ntop(AF_INET6, &s->sin6_addr, h, sizeof h);
        *port = ntohs(s->sin6_port);
    }
    snprintf(host, hcap, "%s", h);
}

static bool same_addr(const struct sockaddr_storage *a, socklen_t al,
                      const struct sockaddr_storage *b, socklen_t bl)
{
    return al == bl && memcmp(a, b, al) == 0;
}

static void mkdir_p(const char *dir)
{
    char path[1024];
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(path, 0777);
            *p = '/';
        }
    mkdir(path, 0777);
}

/* ------------------------------------------------------------- results */

/* The client's result set (created when new); SIZE_MAX when full. */
static size_t client_of(serve_state *st, const char *name, const char *addr)
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
static void client_add(client *c, sc_result *res)
{
    run_report *r = &c->rep;
    for (size_t i = 0; i < r->n; i++) {
        sc_result *o = &r->results[i];
        if (strcmp(o->id, res->id) == 0 && strcmp(o->profile, res->profile) == 0 &&
            strcmp(o->role, res->role) == 0) {
            free(o->transcript);
            memmove(o, o + 1, (r->n - i - 1) * sizeof *o);
            r->n--;
            break;
        }
    }
    if (run_report_add(r, res) != 0)
        free(res->transcript), res->transcript = NULL;
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
static void write_reports(serve_state *st, size_t ci, bool interrupted)
{
    char path[1200];
    for (size_t i = 0; i < st->n_clients; i++) {
        client *c = &st->clients[i];
        c->rep.interrupted = interrupted;
        if (i != ci && ci != SIZE_MAX)
            continue;
        mkdir_p(c->dir);
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
static size_t results_body(const client *c, const char *name, char *out, size_t cap)
{
    size_t skip = 0;
    for (;;) {
        json_t *o = json_object(), *arr = json_array();
        json_object_set_new(o, "client", json_string(name));
        if (c != NULL) {
            json_object_set_new(o, "summary", counts_json(&c->rep));
            for (size_t i = skip; i < c->rep.n; i++) {
                const sc_result *r = &c->rep.results[i];
                json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "id", r->id, "profile",
                                                     r->profile, "verdict", verdict_name(r->v)));
            }
            if (skip)
                json_object_set_new(o, "earlier", json_integer((json_int_t)skip));
        }
        json_object_set_new(o, "results", arr);
        char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(o);
        size_t n = s ? strlen(s) : 0;
        if (s != NULL && (n < cap || c == NULL || skip >= c->rep.n)) {
            n = n < cap ? n : 0;
            memcpy(out, s, n);
            free(s);
            return n;
        }
        free(s);
        if (s == NULL)
            return 0;
        skip++;
    }
}

/* ---------------------------------------------------------------- jobs */

static bool job_transport_fits(const job *j, bool raw)
{
    return j->tmpl != NULL && (raw ? j->tmpl->transport == SC_UDP : j->tmpl->transport == SC_COAP);
}

/* The job for a test id (and profile label, "" for the first fitting),
 * SIZE_MAX when none; *skipped set to a skipped one's index when that is
 * all there is. */
static size_t find_job(const serve_state *st, const char *id, const char *profile, bool raw,
                       int method, int suite, size_t *skipped)
{
    *skipped = SIZE_MAX;
    for (size_t i = 0; i < st->jl.n; i++) {
        const job *j = &st->jl.v[i];
        if (j->harness_role != SC_HARNESS_RESPONDER || strcmp(j->id, id) != 0 ||
            !job_transport_fits(j, raw))
            continue;
        if (j->skip) {
            if (*skipped == SIZE_MAX)
                *skipped = i;
            continue;
        }
        char label[64] = "";
        if (j->has_profile) {
            if (j->profile.flow == SC_FLOW_REVERSE)
                continue;
            sc_profile_label(&j->profile, label, sizeof label);
            if (method >= 0 && (j->profile.method != method || j->profile.suite != suite))
                continue;
        }
        if (profile[0] && strcmp(label, profile) != 0)
            continue;
        return i;
    }
    return SIZE_MAX;
}

static sjob *free_slot(serve_state *st)
{
    for (int i = 0; i < st->o->max_jobs; i++)
        if (!st->jobs[i].used)
            return &st->jobs[i];
    return NULL;
}

static void slot_clear(sjob *sj)
{
    if (sj->fd >= 0)
        close(sj->fd);
    if (sj->up >= 0)
        close(sj->up);
    for (size_t i = 0; i < sj->nq; i++)
        free(sj->q[i].d);
    free(sj->buf);
    memset(sj, 0, sizeof *sj);
    sj->fd = sj->up = -1;
}

typedef struct child_ctx {
    int fd;
} child_ctx;

static void child_port(void *arg, int port)
{
    child_ctx *c = arg;
    int32_t p = port;
    (void)!write(c->fd, &p, sizeof p);
}

static void child_linger(void *arg)
{
    child_ctx *c = arg;
    (void)!write(c->fd, "L", 1);
}

/* The job's process: never returns. */
static void child_main(serve_state *st, const sjob *sj, int wfd, const char *client_desc)
{
    /* nothing of the front's: its sockets, the other jobs' pipes */
    if (wfd != 3) {
        dup2(wfd, 3);
        wfd = 3;
    }
    close_range(4, ~0U, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_job_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_job_moved_on;
    sigaction(SIGUSR1, &sa, NULL);
    const job *j = &st->jl.v[sj->job_idx];
    const client *c = &st->clients[sj->client_idx];
    run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.out_dir = c->dir;
    ro.seed = st->o->seed;
    ro.timeout_ms = st->o->timeout_ms;
    ro.cred_dir = st->o->cred_dir;
    ro.all_profiles = true; /* the profile in the file names: one client may run several */
    mkdir_p(c->dir);
    child_ctx cc = {wfd};
    runner_remote rm = {.on_port = child_port,
                        .on_linger = child_linger,
                        .arg = &cc,
                        .linger_ms = st->o->linger_ms,
                        .moved_on = &job_moved_on,
                        .oscore = j->has_profile ? j->profile.oscore
                                                 : peer_has_capability(st->pf, "oscore"),
                        .client = client_desc,
                        .capture_tmp = job_capture_tmp,
                        .capture_tmp_cap = sizeof job_capture_tmp};
    sc_result res;
    char err[512];
    scenario *scratch = malloc(sizeof *scratch);
    const scenario *sc = scratch ? job_scenario(j, scratch, err, sizeof err) : NULL;
    if (sc != NULL) {
        runner_remote_job(j, sc, &ro, st->budget, &rm, &res);
    } else {
        child_port(&cc, 0);
        memset(&res, 0, sizeof res);
        snprintf(res.id, sizeof res.id, "%s", j->id);
        snprintf(res.role, sizeof res.role, "responder");
        res.v = V_ERROR;
        snprintf(res.message, sizeof res.message, "%s", scratch ? err : "out of memory");
    }
    job_capture_tmp[0] = 0;
    (void)!write(wfd, "R", 1);
    runner_result_send(wfd, &res);
    _exit(0);
}

static int start_job(serve_state *st, size_t lst, const struct sockaddr_storage *from,
                     socklen_t from_len, size_t ci, size_t ji, const uint8_t *d, size_t n)
{
    sjob *sj = free_slot(st);
    if (sj == NULL)
        return -1;
    slot_clear(sj);
    int p[2];
    if (pipe(p) != 0)
        return -1;
    sj->up = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (sj->up < 0) {
        close(p[0]), close(p[1]);
        return -1;
    }
    sj->used = true;
    sj->client = *from;
    sj->client_len = from_len;
    sj->lst = lst;
    sj->client_idx = ci;
    sj->job_idx = ji;
    serve_request r0;
    serve_route(d, n, &r0);
    sj->first_mid = r0.message_id;
    sj->first_len = n < sizeof sj->first ? n : sizeof sj->first;
    memcpy(sj->first, d, sj->first_len);
    sj->q[0].d = malloc(n ? n : 1);
    if (sj->q[0].d != NULL) {
        memcpy(sj->q[0].d, d, n);
        sj->q[0].n = n;
        sj->nq = 1;
    }
    char host[80], desc[200];
    int port;
    addr_text(from, host, sizeof host, &port);
    snprintf(desc, sizeof desc, "%s (%s port %d)", st->clients[ci].name, host, port);
    const job *j = &st->jl.v[ji];
    sj->deadline = tr_now_ms() + job_bound_ms(j, st->pf, st->o->timeout_ms, NULL) +
                   st->o->linger_ms;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]), close(p[1]);
        slot_clear(sj);
        return -1;
    }
    if (pid == 0) {
        close(p[0]);
        /* a group of its own: a terminal's ^C reaches the front alone, which
         * then lets each job finish or stops it (stop_jobs) */
        setpgid(0, 0);
        child_main(st, sj, p[1], desc);
    }
    close(p[1]);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    fcntl(p[0], F_SETFD, FD_CLOEXEC);
    sj->pid = pid;
    sj->fd = p[0];
    char label[64] = "";
    if (j->has_profile)
        sc_profile_label(&j->profile, label, sizeof label);
    printf("serve: %s: %s%s%s started\n", desc, j->id, label[0] ? " in " : "", label);
    fflush(stdout);
    return 0;
}

static void relay_to_job(sjob *sj, const uint8_t *d, size_t n)
{
    if (sj->port_known) {
        (void)send(sj->up, d, n, 0);
        return;
    }
    if (sj->nq >= SERVE_QUEUE)
        return; /* the job is still starting; the client will retransmit */
    sj->q[sj->nq].d = malloc(n ? n : 1);
    if (sj->q[sj->nq].d == NULL)
        return;
    memcpy(sj->q[sj->nq].d, d, n);
    sj->q[sj->nq].n = n;
    sj->nq++;
}

/* What the job's process sent: its port, the linger marker, its result. */
static void job_output(serve_state *st, sjob *sj)
{
    for (;;) {
        if (sj->len == sj->cap) {
            if (sj->cap >= SERVE_MAX_JOB_OUTPUT)
                return;
            size_t nc = sj->cap ? sj->cap * 2 : 65536;
            unsigned char *b = realloc(sj->buf, nc);
            if (b == NULL)
                return;
            sj->buf = b, sj->cap = nc;
        }
        ssize_t r = read(sj->fd, sj->buf + sj->len, sj->cap - sj->len);
        if (r <= 0)
            break;
        sj->len += (size_t)r;
    }
    while (!sj->in_result) {
        if (!sj->port_known) {
            int32_t p;
            if (sj->len - sj->off < sizeof p)
                return;
            memcpy(&p, sj->buf + sj->off, sizeof p);
            sj->off += sizeof p;
            sj->port_known = true;
            sj->port = p;
            if (p > 0 && p < 65536) {
                struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)p)};
                a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
                if (connect(sj->up, (struct sockaddr *)&a, sizeof a) == 0)
                    for (size_t i = 0; i < sj->nq; i++)
                        (void)send(sj->up, sj->q[i].d, sj->q[i].n, 0);
            }
            for (size_t i = 0; i < sj->nq; i++)
                free(sj->q[i].d);
            sj->nq = 0;
            continue;
        }
        if (sj->len - sj->off < 1)
            return;
        char m = (char)sj->buf[sj->off++];
        if (m == 'L')
            sj->lingering = true;
        else
            sj->in_result = true;
    }
    (void)st;
}

/* The job's process ended (its output closed): its result, recorded. */
static void job_done(serve_state *st, sjob *sj, const char *why_not)
{
    int status = 0;
    if (sj->pid > 0)
        waitpid(sj->pid, &status, 0);
    sc_result res;
    const job *j = &st->jl.v[sj->job_idx];
    bool have = sj->in_result &&
                runner_result_decode(sj->buf + sj->off, sj->len - sj->off, &res);
    if (!have) {
        memset(&res, 0, sizeof res);
        snprintf(res.id, sizeof res.id, "%s", j->id);
        snprintf(res.title, sizeof res.title, "%s", j->tmpl ? j->tmpl->title : "");
        snprintf(res.role, sizeof res.role, "responder");
        snprintf(res.level, sizeof res.level, "MUST");
        if (j->has_profile)
            sc_profile_label(&j->profile, res.profile, sizeof res.profile);
        for (int m = 0; m < 5; m++)
            res.sizes[m] = -1;
        res.v = V_ERROR;
        if (why_not != NULL)
            snprintf(res.message, sizeof res.message, "%s", why_not);
        else if (WIFSIGNALED(status))
            snprintf(res.message, sizeof res.message, "the job's process ended by signal %d "
                     "without a result (a harness bug: please report it)", WTERMSIG(status));
        else
            snprintf(res.message, sizeof res.message, "the job's process ended without a "
                     "result (status %d)", WEXITSTATUS(status));
    }
    client *c = &st->clients[sj->client_idx];
    char line[1200];
    snprintf(line, sizeof line, "serve: %s: %s%s%s: %s%s%.400s\n", c->name, res.id,
             res.profile[0] ? " in " : "", res.profile, verdict_name(res.v),
             res.message[0] ? ": " : "", res.message);
    client_add(c, &res);
    size_t ci = sj->client_idx;
    slot_clear(sj);
    write_reports(st, ci, false);
    fputs(line, stdout); /* after the reports: who reads it finds them written */
    fflush(stdout);
}

/* ------------------------------------------------------------- serving */

static void answer(serve_state *st, const listener *l, const serve_request *r,
                   const struct sockaddr_storage *to, socklen_t to_len, uint8_t code, int cf,
                   const char *body, size_t len)
{
    uint8_t out[1400];
    size_t n = serve_response(r, st->next_mid++, code, cf, (const uint8_t *)body, len, out,
                              sizeof out);
    if (n > 0)
        (void)sendto(l->fd, out, n, 0, (const struct sockaddr *)to, to_len);
}

static void on_datagram(serve_state *st, size_t li, const uint8_t *d, size_t n,
                        const struct sockaddr_storage *from, socklen_t from_len)
{
    listener *l = &st->l[li];
    serve_request r;
    memset(&r, 0, sizeof r);
    if (!l->raw)
        serve_route(d, n, &r);
    char host[80];
    int port;
    addr_text(from, host, sizeof host, &port);
    if (r.kind == SR_RESULTS) {
        const char *name = r.name[0] ? r.name : host;
        const client *c = NULL;
        for (size_t i = 0; i < st->n_clients; i++)
            if (strcmp(st->clients[i].name, name) == 0)
                c = &st->clients[i];
        char body[1024];
        size_t len = results_body(c, name, body, sizeof body);
        answer(st, l, &r, from, from_len, 0x45, 50, body, len); /* 2.05, application/json */
        return;
    }
    /* the client's running job, if any */
    sjob *sj = NULL;
    for (int i = 0; i < st->o->max_jobs; i++) {
        sjob *s = &st->jobs[i];
        if (s->used && !s->detached && s->lst == li &&
            same_addr(&s->client, s->client_len, from, from_len))
            sj = s;
    }
    bool starts = l->raw ? true : serve_route_starts_session(&r);
    if (sj != NULL) {
        /* the same client starting another session after the steps: the job
         * lets go (its linger ends), the new session gets a job of its own */
        bool moves_on =
            sj->lingering &&
            (l->raw ? n > 0 && d[0] == 0xf5 &&
                          !(n >= sj->first_len && memcmp(d, sj->first, sj->first_len) == 0)
                    : starts && r.message_id != sj->first_mid);
        if (!moves_on) {
            relay_to_job(sj, d, n);
            return;
        }
        sj->detached = true;
        kill(sj->pid, SIGUSR1);
    }
    if (l->raw) {
        size_t ci = client_of(st, host, host);
        if (ci == SIZE_MAX || start_job(st, li, from, from_len, ci, l->raw_job, d, n) != 0)
            fprintf(stderr, "serve: %s port %d: no job started (%s)\n", host, port,
                    ci == SIZE_MAX ? "too many clients" : "all job slots busy");
        return;
    }
    if (r.kind == SR_IGNORE)
        return;
    if (r.kind == SR_ANSWER) {
        answer(st, l, &r, from, from_len, r.answer_code, -1, r.answer_text,
               strlen(r.answer_text));
        return;
    }
    if (!starts) {
        static const char empty[] = "an empty POST: send message_1";
        answer(st, l, &r, from, from_len, 0x80, -1, empty, sizeof empty - 1);
        return;
    }
    int method = -1, suite = -1;
    const char *id = r.kind == SR_TEST ? r.test_id : SERVE_BASELINE_ID;
    if (r.kind == SR_BASELINE && !serve_message_1_peek(r.payload, r.payload_len, &method, &suite))
        method = suite = -1; /* not a message_1 it can read: the first profile judges it */
    size_t skipped, ji = find_job(st, id, r.profile, false, method, suite, &skipped);
    if (ji == SIZE_MAX && method >= 0) /* no profile of that METHOD and suite: the first */
        ji = find_job(st, id, r.profile, false, -1, -1, &skipped);
    if (ji == SIZE_MAX) {
        char text[320];
        if (skipped != SIZE_MAX)
            snprintf(text, sizeof text, "test %.60s cannot run here: %.120s", id,
                     st->jl.v[skipped].skip_text);
        else
            snprintf(text, sizeof text, "no test %.80s%s%.40s over CoAP with the harness the "
                     "Responder", id, r.profile[0] ? " in profile " : "", r.profile);
        answer(st, l, &r, from, from_len, 0x84, -1, text, strlen(text));
        return;
    }
    size_t ci = client_of(st, r.name[0] ? r.name : host, host);
    bool full = ci == SIZE_MAX || start_job(st, li, from, from_len, ci, ji, d, n) != 0;
    if (full) {
        static const char busy[] = "busy: try again";
        serve_request rr = r;
        uint8_t out[256];
        /* 5.03 with Max-Age 1 (RFC 7252 §5.9.3.4) */
        eh_coap_udp_hdr h = {.type = rr.type == EH_COAP_CON ? EH_COAP_ACK : EH_COAP_NON,
                             .message_id = rr.type == EH_COAP_CON ? rr.message_id : st->next_mid++,
                             .token = rr.token,
                             .token_len = rr.token_len};
        eh_coap_msg m;
        memset(&m, 0, sizeof m);
        static const uint8_t one = 1;
        m.code = 0xa3;
        m.opts[0] = (eh_coap_option){14, &one, 1};
        m.n_opts = 1;
        m.payload = (const uint8_t *)busy;
        m.payload_len = sizeof busy - 1;
        size_t len = 0;
        if (eh_coap_udp_encode(&h, &m, out, sizeof out, &len) == EH_OK)
            (void)sendto(l->fd, out, len, 0, (const struct sockaddr *)from, from_len);
    }
}

/* Bind every address of host (port 0: the first one picks, the rest
 * follow); raw: a raw UDP listener for job ji. 0, or -1 after printing. */
static int bind_all(serve_state *st, const char *host, int port, bool raw, size_t ji,
                    int *bound_port)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_PASSIVE;
    int gai = getaddrinfo(host, NULL, &hints, &res);
    if (gai != 0) {
        fprintf(stderr, "serve: --host %s: %s\n", host, gai_strerror(gai));
        return -1;
    }
    int rc = 0, n = 0;
    for (struct addrinfo *a = res; a != NULL && rc == 0; a = a->ai_next) {
        if (st->n_l >= SERVE_MAX_LISTENERS)
            break;
        struct sockaddr_storage ss;
        memcpy(&ss, a->ai_addr, a->ai_addrlen);
        if (ss.ss_family == AF_INET)
            ((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
        else if (ss.ss_family == AF_INET6)
            ((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
        else
            continue;
        int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        int on = 1;
        if (fd >= 0 && ss.ss_family == AF_INET6)
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
        if (fd < 0 || bind(fd, (struct sockaddr *)&ss, a->ai_addrlen) != 0) {
            char h[80];
            int p;
            addr_text(&ss, h, sizeof h, &p);
            fprintf(stderr, "serve: cannot bind %s port %d: %s\n", h, port, strerror(errno));
            if (fd >= 0)
                close(fd);
            rc = -1;
            break;
        }
        socklen_t sl = sizeof ss;
        getsockname(fd, (struct sockaddr *)&ss, &sl);
        char h[80];
        int p;
        addr_text(&ss, h, sizeof h, &p);
        if (port == 0)
            port = p; /* the other addresses take the same port */
        listener *l = &st->l[st->n_l++];
        l->fd = fd, l->family = ss.ss_family, l->port = p, l->raw = raw, l->raw_job = ji;
        if (raw)
            printf("serve: listening on %s%s%s port %d (raw UDP: %s)\n",
                   ss.ss_family == AF_INET6 ? "[" : "", h, ss.ss_family == AF_INET6 ? "]" : "",
                   p, st->jl.v[ji].id);
        else
            printf("serve: listening on coap://%s%s%s:%d (CoAP over UDP)\n",
                   ss.ss_family == AF_INET6 ? "[" : "", h, ss.ss_family == AF_INET6 ? "]" : "",
                   p);
        n++;
    }
    freeaddrinfo(res);
    if (rc == 0 && n == 0) {
        fprintf(stderr, "serve: --host %s: no IPv4 or IPv6 address\n", host);
        rc = -1;
    }
    *bound_port = port;
    return rc;
}

/* A job whose steps are over ends its linger and sends its result; the
 * others are stopped (their results: interrupted). */
static void stop_jobs(serve_state *st)
{
    int64_t until = tr_now_ms() + SERVE_STOP_GRACE_MS;
    for (int i = 0; i < st->o->max_jobs; i++)
        if (st->jobs[i].used) {
            job_output(st, &st->jobs[i]);
            kill(st->jobs[i].pid, st->jobs[i].lingering ? SIGUSR1 : SIGTERM);
        }
    for (int i = 0; i < st->o->max_jobs; i++) {
        sjob *sj = &st->jobs[i];
        if (!sj->used)
            continue;
        int status;
        while (waitpid(sj->pid, &status, WNOHANG) == 0 && tr_now_ms() < until) {
            job_output(st, sj); /* a result larger than the pipe holds */
            struct pollfd w = {.fd = sj->fd, .events = POLLIN};
            (void)poll(&w, 1, 10);
        }
        if (waitpid(sj->pid, &status, WNOHANG) == 0) {
            kill(sj->pid, SIGKILL);
            waitpid(sj->pid, &status, 0);
        }
        sj->pid = 0; /* reaped */
        job_output(st, sj);
        job_done(st, sj, "interrupted: serve was stopped while this job ran");
    }
}

static void on_late(serve_state *st, sjob *sj, int64_t now)
{
    if (!sj->late) {
        sj->late = true;
        kill(sj->pid, SIGTERM);
        sj->kill_at = now + SERVE_STOP_GRACE_MS;
    } else if (now >= sj->kill_at) {
        kill(sj->pid, SIGKILL);
        sj->kill_at = now + 60000;
    }
    (void)st;
}

static void serve_loop(serve_state *st)
{
    struct pollfd *pfd = calloc(2 + SERVE_MAX_LISTENERS + 2 * (size_t)st->o->max_jobs, sizeof *pfd);
    if (pfd == NULL)
        return;
    while (!stop_signal) {
        size_t k = 0;
        pfd[k++] = (struct pollfd){.fd = stop_pipe[0], .events = POLLIN};
        for (size_t i = 0; i < st->n_l; i++)
            pfd[k++] = (struct pollfd){.fd = st->l[i].fd, .events = POLLIN};
        int64_t now = tr_now_ms(), wake = now + 1000;
        for (int i = 0; i < st->o->max_jobs; i++) {
            sjob *sj = &st->jobs[i];
            pfd[k++] = (struct pollfd){.fd = sj->used ? sj->fd : -1, .events = POLLIN};
            pfd[k++] = (struct pollfd){.fd = sj->used ? sj->up : -1, .events = POLLIN};
            if (sj->used) {
                int64_t t = sj->late ? sj->kill_at : sj->deadline;
                if (t < wake)
                    wake = t;
            }
        }
        int timeout = wake > now ? (int)(wake - now) : 0;
        if (poll(pfd, k, timeout) < 0 && errno != EINTR)
            break;
        if (stop_signal)
            break;
        for (size_t i = 0; i < st->n_l; i++) {
            if (!(pfd[1 + i].revents & POLLIN))
                continue;
            for (int burst = 0; burst < 64; burst++) {
                struct sockaddr_storage from;
                socklen_t fl = sizeof from;
                ssize_t r = recvfrom(st->l[i].fd, st->dgram, sizeof st->dgram, 0,
                                     (struct sockaddr *)&from, &fl);
                if (r < 0)
                    break;
                on_datagram(st, i, st->dgram, (size_t)r, &from, fl);
            }
        }
        now = tr_now_ms();
        for (int i = 0; i < st->o->max_jobs; i++) {
            sjob *sj = &st->jobs[i];
            size_t at = 1 + st->n_l + 2 * (size_t)i;
            if (!sj->used)
                continue;
            if (pfd[at + 1].revents & POLLIN) {
                for (int burst = 0; burst < 64; burst++) {
                    ssize_t r = recv(sj->up, st->dgram, sizeof st->dgram, 0);
                    if (r < 0)
                        break;
                    if (!sj->detached)
                        (void)sendto(st->l[sj->lst].fd, st->dgram, (size_t)r, 0,
                                     (struct sockaddr *)&sj->client, sj->client_len);
                }
            }
            if (pfd[at].revents & (POLLIN | POLLHUP | POLLERR)) {
                job_output(st, sj);
                char probe;
                ssize_t r = read(sj->fd, &probe, 1);
                if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
                    job_done(st, sj, sj->late ? "the job ran past its bound and was stopped"
                                              : NULL);
                    continue;
                }
                if (r == 1) { /* over the output's bound: the rest is not read */
                    if (!sj->late)
                        on_late(st, sj, now);
                }
            }
            if (sj->used && now >= (sj->late ? sj->kill_at : sj->deadline))
                on_late(st, sj, now);
        }
    }
    free(pfd);
}

/* ---------------------------------------------------------------- main */

int serve_main(const serve_opts *o)
{
    serve_state *st = calloc(1, sizeof *st);
    int rc = 2;
    char err[512];
    if (st == NULL)
        return 3;
    st->o = o;
    st->pf = calloc(1, sizeof *st->pf);
    st->named = calloc(1, sizeof *st->named);
    st->jobs = calloc((size_t)o->max_jobs, sizeof *st->jobs);
    st->clients = calloc(SERVE_MAX_CLIENTS, sizeof *st->clients);
    if (!st->pf || !st->named || !st->jobs || !st->clients) {
        fprintf(stderr, "serve: out of memory\n");
        rc = 3;
        goto out;
    }
    for (int i = 0; i < o->max_jobs; i++)
        st->jobs[i].fd = st->jobs[i].up = -1;
    if (peer_file_load(o->peer_profile, st->pf, err, sizeof err) != 0) {
        fprintf(stderr, "serve: --peer-profile: %s\n", err);
        goto out;
    }
    /* the clients are Initiators nobody launches: what the scenarios ask of
     * one ({c_i}, ...) only a command of the peer file says it takes */
    st->pf->initiator.present = true;
    st->pf->initiator.fixed_port = 0;
    st->pf->initiator.per_run = false;
    const char *budget_name = st->pf->budget[0] ? st->pf->budget : "rfc9528";
    if (sc_budget_parse(budget_name, &st->budget) != 0) {
        fprintf(stderr, "serve: unknown budget profile '%s'\n", budget_name);
        goto out;
    }
    struct stat sb;
    if (o->cred_dir && (stat(o->cred_dir, &sb) != 0 || !S_ISDIR(sb.st_mode))) {
        fprintf(stderr, "serve: --creds %s: not a directory\n", o->cred_dir);
        goto out;
    }
    /* the scenarios, and the baseline's file whatever they are */
    char baseline[1024];
    const char *paths[65];
    size_t np = 0;
    for (size_t i = 0; i < o->n_paths && np < 64; i++)
        paths[np++] = o->paths[i];
    paths[np++] = eh_data_path("scenarios/interop/handshake.yaml", baseline, sizeof baseline);
    run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.paths = paths;
    ro.n_paths = np;
    ro.iut_roles = RUN_IUT_INITIATOR;
    ro.all_profiles = true;
    ro.seed = o->seed;
    ro.filter = NULL;
    if (jobs_build(&ro, st->pf, &st->jl) != 0)
        goto out;
    if (o->filter) /* the baseline stays */
        for (size_t i = 0; i < st->jl.n; i++)
            if (strcmp(st->jl.v[i].id, SERVE_BASELINE_ID) != 0 &&
                fnmatch(o->filter, st->jl.v[i].id, 0) != 0)
                st->jl.v[i].harness_role = SC_HARNESS_INITIATOR; /* out of reach */
    size_t n_tests = 0;
    for (size_t i = 0; i < st->jl.n; i++)
        n_tests += st->jl.v[i].harness_role == SC_HARNESS_RESPONDER && !st->jl.v[i].skip;
    size_t raw_job[SERVE_MAX_RAW];
    for (size_t i = 0; i < o->n_raw; i++) {
        char id[SC_MAX_ID], *at;
        snprintf(id, sizeof id, "%s", o->raw[i].id);
        at = strchr(id, '@');
        if (at)
            *at++ = 0;
        size_t skipped;
        raw_job[i] = find_job(st, id, at ? at : "", true, -1, -1, &skipped);
        if (raw_job[i] == SIZE_MAX) {
            fprintf(stderr, "serve: --raw %d=%s: %s\n", o->raw[i].port, o->raw[i].id,
                    skipped != SIZE_MAX ? st->jl.v[skipped].skip_text
                                        : "no such raw UDP scenario (transport: udp) with the "
                                          "harness the Responder");
            goto out;
        }
    }
    mkdir_p(o->out_dir);
    if (stat(o->out_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "serve: --out %s: cannot create it\n", o->out_dir);
        goto out;
    }
    (void)tr_pcap_load(err, sizeof err);
    time_t now = time(NULL);
    strftime(st->started, sizeof st->started, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    rc = 3;
    int bound;
    if (bind_all(st, o->host, o->port, false, 0, &bound) != 0)
        goto out;
    for (size_t i = 0; i < o->n_raw; i++)
        if (bind_all(st, o->host, o->raw[i].port, true, raw_job[i], &bound) != 0)
            goto out;
    if (pipe2(stop_pipe, O_NONBLOCK | O_CLOEXEC) != 0)
        goto out;
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    stop_signal = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    signal(SIGPIPE, SIG_IGN);
    write_reports(st, SIZE_MAX, false); /* the page exists from the start */
    printf("serve: %zu tests from %zu scenario files, profiles of %s; results in %s\n", n_tests,
           st->jl.n_files, st->pf->file, o->out_dir);
    fflush(stdout);
    serve_loop(st);
    printf("serve: stopping (%s)\n", stop_signal == SIGTERM ? "SIGTERM" : "SIGINT");
    stop_jobs(st);
    st->unwritten = 0; /* the final reports decide */
    write_reports(st, SIZE_MAX, true);
    for (size_t i = 0; i < st->n_clients; i++) /* every client's files, with interrupted */
        write_reports(st, i, true);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    rc = st->unwritten ? 3 : 0;
    fflush(stdout);
out:
    for (size_t i = 0; i < st->n_l; i++)
        close(st->l[i].fd);
    for (int i = 0; st->jobs && i < o->max_jobs; i++)
        if (st->jobs[i].used)
            slot_clear(&st->jobs[i]);
    for (size_t i = 0; st->clients && i < st->n_clients; i++)
        run_report_free(&st->clients[i].rep);
    if (stop_pipe[0] >= 0)
        close(stop_pipe[0]), close(stop_pipe[1]);
    stop_pipe[0] = stop_pipe[1] = -1;
    jobs_free(&st->jl);
    free(st->clients);
    free(st->jobs);
    free(st->named);
    free(st->pf);
    free(st);
    return rc;
}

/* serve_jobs.c - the jobs of `serve` (serve_internal.h): which job a
 * request asks for, the job's process (runner/remote_job.h), what it
 * reports through its pipe, its bounds, and the relay of a client's
 * datagrams to it. */
#define _GNU_SOURCE /* close_range */
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

#include "../runner/remote_job.h"
#include "../scenario/profile.h"
#include "../transport/udp.h"
#include "serve_internal.h"

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

/* ---------------------------------------------------------------- jobs */

/* Over CoAP over TCP, the scenarios written for it, and the baseline
 * (written for CoAP, run over TCP as the interop -tcp baselines are). */
static bool job_transport_fits(const job *j, sc_transport t)
{
    if (j->tmpl == NULL)
        return false;
    if (t == SC_COAP_TCP && j->tmpl->transport == SC_COAP)
        return strcmp(j->id, SERVE_BASELINE_ID) == 0;
    return j->tmpl->transport == t;
}

size_t sv_find_job(const serve_state *st, const char *id, const char *profile, int oscore,
                   sc_transport t, sc_role harness, int method, int suite, size_t *skipped)
{
    *skipped = SIZE_MAX;
    /* the harness Responder serves the forward flow; the harness Initiator
     * serves only in the reverse one (the client, the IUT Responder, triggers) */
    sc_flow flow = harness == SC_HARNESS_INITIATOR ? SC_FLOW_REVERSE : SC_FLOW_FORWARD;
    for (size_t i = 0; i < st->jl.n; i++) {
        const job *j = &st->jl.v[i];
        if (j->harness_role != harness || strcmp(j->id, id) != 0 || !job_transport_fits(j, t))
            continue;
        if (j->skip) {
            if (*skipped == SIZE_MAX)
                *skipped = i;
            continue;
        }
        char label[64] = "";
        if (j->has_profile) {
            if (j->profile.flow != flow)
                continue;
            sc_profile_label(&j->profile, label, sizeof label);
            if (method >= 0 && (j->profile.method != method || j->profile.suite != suite))
                continue;
            if (oscore >= 0 && j->profile.oscore != (oscore == 1))
                continue;
        } else if (flow == SC_FLOW_REVERSE) {
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

void sv_slot_clear(sjob *sj)
{
    if (sj->fd >= 0)
        close(sj->fd);
    if (sj->up >= 0)
        close(sj->up);
    if (sj->conn >= 0)
        close(sj->conn);
    for (size_t i = 0; i < sj->nq; i++)
        free(sj->q[i].d);
    free(sj->buf);
    free(sj->c2u.d);
    free(sj->u2c.d);
    memset(sj, 0, sizeof *sj);
    sj->fd = sj->up = sj->conn = -1;
}

static void job_markers(sjob *sj);

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
    sv_mkdir_p(c->dir);
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
    if (sc != NULL && sj->tcp && sc->transport != SC_COAP_TCP) {
        if (sc == scratch) { /* the baseline over TCP */
            scratch->transport = SC_COAP_TCP;
        } else {
            snprintf(err, sizeof err, "the scenario cannot run over CoAP over TCP");
            sc = NULL;
        }
    }
    if (sc != NULL) {
        runner_remote_job(j, sc, &ro, st->budget, &rm, &res);
    } else {
        child_port(&cc, 0);
        memset(&res, 0, sizeof res);
        snprintf(res.id, sizeof res.id, "%s", j->id);
        snprintf(res.role, sizeof res.role, "%s",
                 j->harness_role == SC_HARNESS_INITIATOR ? "initiator" : "responder");
        res.v = V_ERROR;
        snprintf(res.message, sizeof res.message, "%s", scratch ? err : "out of memory");
    }
    job_capture_tmp[0] = 0;
    (void)!write(wfd, "R", 1);
    runner_result_send(wfd, &res);
    /* what this process allocated; the front's state stays reachable (the copy
     * fork made of it), as in run's job processes (runner.c, run_state) */
    free(res.transcript);
    free(scratch);
    _exit(0);
}

int sv_start_job(serve_state *st, size_t lst, const struct sockaddr_storage *from,
                 socklen_t from_len, size_t ci, size_t ji, const uint8_t *d, size_t n, int conn)
{
    sjob *sj = free_slot(st);
    if (sj == NULL)
        return -1;
    sv_slot_clear(sj);
    int p[2];
    if (pipe(p) != 0)
        return -1;
    if (conn < 0) {
        sj->up = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (sj->up < 0) {
            close(p[0]), close(p[1]);
            return -1;
        }
    } else { /* the client's bytes so far wait for the job's server */
        sj->tcp = true;
        sj->c2u.d = malloc(SERVE_TCP_BUF);
        sj->u2c.d = malloc(SERVE_TCP_BUF);
        if (!sj->c2u.d || !sj->u2c.d || n > SERVE_TCP_BUF) {
            close(p[0]), close(p[1]);
            sv_slot_clear(sj);
            return -1;
        }
        memcpy(sj->c2u.d, d, n);
        sj->c2u.len = n;
        sj->conn = conn;
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
    sj->q[0].d = conn >= 0 ? NULL : malloc(n ? n : 1);
    if (sj->q[0].d != NULL) {
        memcpy(sj->q[0].d, d, n);
        sj->q[0].n = n;
        sj->nq = 1;
    }
    char host[80], desc[200];
    int port;
    sv_addr_text(from, host, sizeof host, &port);
    snprintf(desc, sizeof desc, "%s (%s port %d)", st->clients[ci].name, host, port);
    const job *j = &st->jl.v[ji];
    sj->deadline = tr_now_ms() + job_bound_ms(j, st->pf, st->o->timeout_ms, NULL) +
                   st->o->linger_ms;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]), close(p[1]);
        sj->conn = -1; /* the caller keeps it */
        sv_slot_clear(sj);
        return -1;
    }
    if (pid == 0) {
        close(p[0]);
        /* a group of its own: a terminal's ^C reaches the front alone, which
         * then lets each job finish or stops it (sv_stop_jobs) */
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

void sv_relay_to_job(sjob *sj, const uint8_t *d, size_t n)
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
int sv_job_output(serve_state *st, sjob *sj)
{
    int state = SV_OUT_MORE;
    for (;;) {
        if (sj->len == sj->cap) {
            size_t nc = sj->cap ? sj->cap * 2 : 65536;
            unsigned char *b = sj->cap >= SERVE_MAX_JOB_OUTPUT ? NULL : realloc(sj->buf, nc);
            if (b == NULL) {
                state = SV_OUT_FULL;
                break;
            }
            sj->buf = b, sj->cap = nc;
        }
        ssize_t r = read(sj->fd, sj->buf + sj->len, sj->cap - sj->len);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            state = SV_OUT_EOF;
            break;
        }
        if (r < 0)
            break;
        sj->len += (size_t)r;
    }
    job_markers(sj);
    (void)st;
    return state;
}

/* The port and the markers before the result. */
static void job_markers(sjob *sj)
{
    while (!sj->in_result) {
        if (!sj->port_known) {
            int32_t p;
            if (sj->len - sj->off < sizeof p)
                return;
            memcpy(&p, sj->buf + sj->off, sizeof p);
            sj->off += sizeof p;
            sj->port_known = true;
            sj->port = p;
            if (p > 0 && p < 65536 && sj->tcp) {
                sv_tcp_connect_up(sj);
            } else if (p > 0 && p < 65536) {
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
}

/* The job's process ended (its output closed): its result, recorded. */
void sv_job_done(serve_state *st, sjob *sj, const char *why_not)
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
        snprintf(res.role, sizeof res.role, "%s",
                 j->harness_role == SC_HARNESS_INITIATOR ? "initiator" : "responder");
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
    sv_client_add(c, &res);
    size_t ci = sj->client_idx;
    sv_slot_clear(sj);
    sv_write_reports(st, ci, false);
    fputs(line, stdout); /* after the reports: who reads it finds them written */
    fflush(stdout);
}

/* A job whose steps are over ends its linger and sends its result; the
 * others are stopped (their results: interrupted). */
void sv_stop_jobs(serve_state *st)
{
    int64_t until = tr_now_ms() + SERVE_STOP_GRACE_MS;
    for (int i = 0; i < st->o->max_jobs; i++)
        if (st->jobs[i].used) {
            sv_job_output(st, &st->jobs[i]);
            kill(st->jobs[i].pid, st->jobs[i].lingering ? SIGUSR1 : SIGTERM);
        }
    for (int i = 0; i < st->o->max_jobs; i++) {
        sjob *sj = &st->jobs[i];
        if (!sj->used)
            continue;
        int status;
        while (waitpid(sj->pid, &status, WNOHANG) == 0 && tr_now_ms() < until) {
            sv_job_output(st, sj); /* a result larger than the pipe holds */
            struct pollfd w = {.fd = sj->fd, .events = POLLIN};
            (void)poll(&w, 1, 10);
        }
        if (waitpid(sj->pid, &status, WNOHANG) == 0) {
            kill(sj->pid, SIGKILL);
            waitpid(sj->pid, &status, 0);
        }
        sj->pid = 0; /* reaped */
        sv_job_output(st, sj);
        sv_job_done(st, sj, "interrupted: serve was stopped while this job ran");
    }
}

void sv_on_late(serve_state *st, sjob *sj, int64_t now)
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


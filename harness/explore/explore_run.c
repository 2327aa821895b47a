/*
 * explore_run.c - running compiled sequences against the IUT: o->jobs
 * worker processes, each running its share with the scenario executor and
 * sending one fixed-size record per sequence back through a pipe.
 *
 * An IUT Responder is started once per worker and reused for its share
 * (sessions are independent in the model: each sequence starts its own
 * with a message_1 from a new client port), unless `fresh`; it is started
 * again if it exits. An IUT Initiator runs one handshake, so it is started
 * for every sequence, after the harness's server is bound. In the reverse
 * message flow (RFC 9528 Appendix A.2.2) the IUT runs one session per
 * process in both roles, so it is started for every sequence: the
 * Responder, a CoAP client, after the harness's server is bound, the
 * Initiator, a server, before the harness's first request. Every wait is
 * bounded: the executor's steps by the timeout, readiness by the peer
 * file's, a worker as a whole by a deadline after which it is stopped (its
 * handler stops its IUT first).
 */
#define _GNU_SOURCE /* strsignal */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../runner/iut.h"
#include "../runner/iut_outcome.h"
#include "../runner/reaper.h"
#include "../scenario/exec.h"
#include "../scenario/profile.h"
#include "../transport/free_port.h"
#include "../transport/udp.h"
#include "explore_internal.h"

volatile sig_atomic_t explore_stop;
static volatile sig_atomic_t worker_iut_pgid;

static void on_worker_signal(int sig)
{
    (void)sig;
    if (worker_iut_pgid > 0)
        kill(-(pid_t)worker_iut_pgid, SIGKILL);
    _exit(130);
}

typedef struct worker {
    const xctx *c;
    int w;
    iut_proc *iut;
    int port;
    char out_path[1024], err_path[1024];
    xrec *rec;                  /* the record being filled */
} worker;

static int iut_state_cb(void *arg, char *desc, size_t cap)
{
    worker *wk = arg;
    iut_exit ex;
    if (wk->iut == NULL || !iut_poll(wk->iut, &ex))
        return 0;
    iut_exit_describe(&ex, desc, cap);
    return iut_exit_is_crash(&ex) ? 2 : 1;
}

static void on_observe(void *arg, size_t step, int outcome, const char *kind, const char *branch)
{
    worker *wk = arg;
    (void)branch;
    if (step >= SC_MAX_STEPS)
        return;
    wk->rec->outcome[step] = outcome;
    wk->rec->seen[step] = true;
    snprintf(wk->rec->kind[step], sizeof wk->rec->kind[step], "%s", kind);
}

static void stop_iut(worker *wk)
{
    if (wk->iut != NULL)
        iut_stop_tracked(wk->iut, 300, NULL, &worker_iut_pgid);
    wk->iut = NULL;
}

/* Start the IUT in the role the model tests, on port. 0, or -1 with why. */
static int start_iut(worker *wk, const scenario *sc, int port, char *why, size_t cap)
{
    const xctx *c = wk->c;
    bool iut_responder = c->m->iut_role == SC_HARNESS_INITIATOR;
    const peer_role_spec *spec = iut_responder ? &c->pf->responder : &c->pf->initiator;
    char port_s[16], suite_s[8], suites_s[64], method_s[8], cmd[SC_MAX_CMD];
    const char *h_own, *h_peer;
    size_t k = 0;
    sc_cred_names(sc, iut_responder ? SC_HARNESS_INITIATOR : SC_HARNESS_RESPONDER, &h_own,
                  &h_peer);
    snprintf(port_s, sizeof port_s, "%d", port);
    snprintf(method_s, sizeof method_s, "%d", sc->method);
    snprintf(suite_s, sizeof suite_s, "%d", c->suites[c->n_suites - 1]);
    suites_s[0] = 0;
    for (size_t i = 0; i < c->n_suites; i++) {
        int w = snprintf(suites_s + k, sizeof suites_s - k, "%s%d", i ? "," : "", c->suites[i]);
        if (w > 0)
            k += (size_t)w;
    }
    iut_vars v = {.host = "127.0.0.1",
                  .edhoc_path = c->udp ? "" : c->pf->edhoc_path,
                  .port = port_s,
                  .creds_dir = c->o->cred_dir,
                  .method = method_s,
                  .suite = suite_s,
                  .suites = suites_s,
                  .vector = "",
                  .harness = c->o->harness_path,
                  .cred = h_peer,
                  .peer_cred = h_own,
                  .transport = c->udp ? "udp" : "coap",
                  .flow = c->reverse ? "reverse" : "forward",
                  .cred_id = sc->cred_id[0] ? sc->cred_id : "kid",
                  .message_4 = (c->profile & XM_IF_M4) ? "message_4" : "",
                  .oscore = iut_oscore_value(true, c->oscore)};
    if (iut_expand(spec->command, &v, cmd, sizeof cmd) != 0) {
        snprintf(why, cap, "peer file: command template does not expand");
        return -1;
    }
    wk->iut = iut_start_tracked(cmd, wk->out_path, wk->err_path, &worker_iut_pgid);
    if (wk->iut == NULL) {
        snprintf(why, cap, "cannot start the IUT: %.400s", cmd);
        return -1;
    }
    /* a client (the reverse flow's Responder) listens for nothing: its first
     * request is awaited, as `run` does */
    if ((spec->ready_line[0] || spec->ready_probe) && !(c->reverse && iut_responder)) {
        iut_ready r = iut_wait_ready(wk->iut, spec->ready_probe ? NULL : spec->ready_line,
                                     "127.0.0.1", port,
                                     peer_ready_timeout_ms(spec));
        if (r != IUT_READY) {
            iut_exit ex;
            sc_result nr;
            memset(&ex, 0, sizeof ex);
            memset(&nr, 0, sizeof nr);
            iut_stop_tracked(wk->iut, 300, &ex, &worker_iut_pgid);
            wk->iut = NULL;
            snprintf(nr.iut_stderr_path, sizeof nr.iut_stderr_path, "%.*s",
                     (int)sizeof nr.iut_stderr_path - 1, wk->err_path);
            iut_outcome_not_ready(r, &ex, spec->ready_probe ? NULL : spec->ready_line,
                                  peer_ready_timeout_ms(spec), c->pf->not_implemented_exit, &nr);
            snprintf(why, cap, "%.*s", (int)(cap > 0 ? cap - 1 : 0), nr.message);
            return -1;
        }
    }
    return 0;
}

static void write_transcript(const xctx *c, const char *id, const char *text, xrec *r)
{
    char dir[320], name[SC_MAX_ID];
    size_t i = 0;
    for (; id[i] && i + 1 < sizeof name; i++)
        name[i] = id[i] == '/' ? '_' : id[i];
    name[i] = 0;
    snprintf(dir, sizeof dir, "%.300s/transcripts", c->o->out_dir);
    mkdir(dir, 0777);
    snprintf(r->transcript, sizeof r->transcript, "%.320s/%.120s.txt", dir, name);
    FILE *f = fopen(r->transcript, "w");
    if (f == NULL) {
        r->transcript[0] = 0;
        return;
    }
    fputs(text, f);
    fclose(f);
}

/* An IUT process that ended while the steps ran, in a way the model has no
 * output for: a Responder that exited at all (it runs until stopped), an
 * Initiator that crashed or exited with a status the adapter contract does
 * not define (0 done, 1 failed, not_implemented_exit). A sequence that
 * passed becomes a deviation at the step where it was seen gone, answered
 * with "crash" or "exit" (a failing one already is one). */
static void judge_iut_death(const worker *wk, const sc_exec *x, const xcompiled *cp, xrec *r)
{
    const char *how;
    size_t gone = sc_exec_iut_gone_step(x, &how);
    iut_exit ex;
    /* a Responder runs until stopped, except in the reverse flow, where it
     * is a client that ends after its session, as an Initiator does */
    bool runs_on = wk->c->m->iut_role == SC_HARNESS_INITIATOR && !wk->c->reverse;
    if (gone == 0 || (r->v != V_PASS && r->v != V_NONSTRICT) || wk->iut == NULL ||
        !iut_poll(wk->iut, &ex))
        return;
    bool crash = iut_exit_is_crash(&ex);
    if (!runs_on && !crash && !ex.signal &&
        (ex.code == 0 || ex.code == 1 || ex.code == wk->c->pf->not_implemented_exit))
        return;
    size_t j = 0;
    while (j + 1 < cp->n && cp->expect_step[j] + 1 < gone)
        j++;
    size_t st = cp->expect_step[j];
    if (st >= SC_MAX_STEPS)
        return;
    r->v = V_FAIL;
    r->outcome[st] = -1;
    r->seen[st] = true;
    snprintf(r->kind[st], sizeof r->kind[st], "%s", crash ? "crash" : "exit");
    snprintf(r->message, sizeof r->message, "step %zu: the IUT %s %s this input: no state of "
             "the model has that output (%s)", st + 1, how, crash ? "on" : "after",
             runs_on ? "a Responder runs until it is stopped"
                     : "an IUT that ends by itself exits 0 done or 1 failed");
}

/* The reverse flow's Responder, a CoAP client: after message_3 its silence
 * was read as a rejection or, where the step allows acceptance, as one; its
 * exit status (0 done, 1 failed) confirms or contradicts that reading
 * (iut_outcome.c, as `run` judges it). A contradiction is a deviation at
 * that expect step, its output "exit-0" or "exit-1". */
static void judge_client_responder(const worker *wk, const scenario *sc, const sc_exec *x,
                                   sc_result *res, xrec *r)
{
    iut_end e;
    memset(&e, 0, sizeof e);
    e.not_implemented = wk->c->pf->not_implemented_exit;
    e.client_responder = true;
    if (wk->iut == NULL || (r->v != V_PASS && r->v != V_NONSTRICT))
        return;
    e.by_itself = iut_poll(wk->iut, &e.ex) || iut_wait(wk->iut, 200, &e.ex);
    if (!e.by_itself || e.ex.signal || iut_exit_is_crash(&e.ex))
        return; /* a crash is judge_iut_death's */
    sc_exec_ending_of(x, &e.run);
    e.gone_step = sc_exec_iut_gone_step(x, NULL);
    res->v = (verdict)r->v; /* as judge_iut_death left it */
    iut_outcome_after_run(&e, res);
    /* the step whose silence the exit status contradicts */
    for (size_t st = 0; res->v == V_FAIL && st < sc->n_steps && st < SC_MAX_STEPS; st++)
        if (sc->steps[st].line == e.run.step_line) {
            r->outcome[st] = -1;
            r->seen[st] = true;
            snprintf(r->kind[st], sizeof r->kind[st], "exit-%d", e.ex.code);
        }
    r->v = res->v;
    snprintf(r->message, sizeof r->message, "%s", res->message);
}

/* One sequence: IUT (started or reused), executor, record. */
static void run_one(worker *wk, const scenario *sc, const xcompiled *cp, bool fresh, xrec *r)
{
    const char *id = cp->id;
    const xctx *c = wk->c;
    bool iut_responder = c->m->iut_role == SC_HARNESS_INITIATOR;
    bool iut_server = iut_responder != c->reverse; /* started before the executor runs */
    const peer_role_spec *spec = iut_responder ? &c->pf->responder : &c->pf->initiator;
    sc_result res;
    char err[512];
    sc_exec_opts eo;
    memset(&res, 0, sizeof res);
    memset(&eo, 0, sizeof eo);
    eo.sc = sc;
    eo.role = iut_responder ? SC_HARNESS_INITIATOR : SC_HARNESS_RESPONDER;
    eo.host = "127.0.0.1";
    eo.cred_dir = c->o->cred_dir;
    eo.timeout_ms = c->o->timeout_ms;
    eo.seed = c->o->seed;
    eo.budget = c->budget;
    eo.iut_state = iut_state_cb;
    eo.iut_arg = wk;
    eo.iut_shared = true;
    eo.iut_without_oscore = !c->oscore;
    eo.edhoc_path = c->pf->edhoc_path;
    if (!spec->fixed_port) /* its first request (or its port) waits for its start */
        eo.first_request_ms = peer_ready_timeout_ms(spec);
    eo.observe = on_observe;
    eo.observe_arg = wk;
    wk->rec = r;
    sc_exec *x = NULL;
    if (iut_server) {
        if (spec->fixed_port) {
            eo.host = spec->fixed_host, eo.port = spec->fixed_port;
        } else {
            iut_exit ex;
            if (wk->iut != NULL && (fresh || iut_poll(wk->iut, &ex)))
                stop_iut(wk);
            /* a port another process took between tr_free_port and the IUT's
             * bind (explorations side by side): another port, at most 4 tries */
            for (int tries = 0; wk->iut == NULL; tries++) {
                wk->port = tr_free_port("127.0.0.1");
                if (start_iut(wk, sc, wk->port, err, sizeof err) == 0)
                    break;
                if (tries == 3 || !tr_port_taken("127.0.0.1", wk->port))
                    goto error;
            }
            eo.port = wk->port;
        }
        if ((x = sc_exec_new(&eo, err, sizeof err)) == NULL)
            goto error;
        sc_exec_run(x, &res);
    } else {
        if ((x = sc_exec_new(&eo, err, sizeof err)) == NULL)
            goto error;
        if (start_iut(wk, sc, sc_exec_port(x), err, sizeof err) != 0)
            goto error;
        sc_exec_run(x, &res);
    }
    r->v = res.v;
    r->seconds = res.seconds;
    snprintf(r->message, sizeof r->message, "%s", res.message);
    judge_iut_death(wk, x, cp, r);
    if (c->reverse && iut_responder)
        judge_client_responder(wk, sc, x, &res, r);
    if (!iut_responder || c->reverse)
        stop_iut(wk); /* one session per process: what it does after is not judged */
    if (res.transcript && res.v != V_PASS)
        write_transcript(c, id, res.transcript, r);
    free(res.transcript);
    sc_exec_free(x);
    if (fresh)
        stop_iut(wk);
    return;
error:
    sc_exec_free(x);
    stop_iut(wk);
    r->v = V_ERROR;
    snprintf(r->message, sizeof r->message, "%s", err);
}

static void worker_main(const xctx *c, xcompiled *comp, size_t n, int w, int jobs, bool fresh,
                        int fd)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_worker_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    (void)reaper_become(); /* what its IUTs leave behind comes back here */
    worker wk;
    memset(&wk, 0, sizeof wk);
    wk.c = c, wk.w = w;
    char dir[900];
    snprintf(dir, sizeof dir, "%.800s/iut-%s", c->o->out_dir, c->m->role);
    mkdir(dir, 0777);
    snprintf(wk.out_path, sizeof wk.out_path, "%s/worker-%d.stdout", dir, w);
    snprintf(wk.err_path, sizeof wk.err_path, "%s/worker-%d.stderr", dir, w);
    scenario *sc = malloc(sizeof *sc);
    xrec *r = malloc(sizeof *r);
    /* explore_stop: a signal that came before this worker's own handler was
     * in place (the parent's, inherited, only sets the flag) */
    for (size_t i = (size_t)w; sc && r && i < n && !explore_stop; i += (size_t)jobs) {
        char err[512];
        memset(r, 0, sizeof *r);
        r->idx = i;
        for (size_t s = 0; s < SC_MAX_STEPS; s++)
            r->outcome[s] = -1;
        if (scenario_load_mem(comp[i].id, comp[i].yaml, strlen(comp[i].yaml), sc, err,
                              sizeof err) != 0) {
            r->v = V_ERROR;
            snprintf(r->message, sizeof r->message, "scenario does not load: %s", err);
        } else {
            sc->flow = c->reverse ? SC_FLOW_REVERSE : SC_FLOW_FORWARD;
            if (c->has_prof && sc_profile_apply(sc, &c->prof, c->cred_files, err,
                                                sizeof err) != 0) {
                r->v = V_ERROR;
                snprintf(r->message, sizeof r->message, "--profile: %s", err);
            } else {
                run_one(&wk, sc, &comp[i], fresh, r);
            }
        }
        if (report_write_all(fd, r, sizeof *r) != 0)
            break;
    }
    stop_iut(&wk);
    reaper_sweep();
    free(sc);
    free(r);
}

int xrun_batch(const xctx *c, xcompiled *comp, size_t n, bool fresh, xrec *recs)
{
    int jobs = c->o->jobs < 1 ? 1 : c->o->jobs;
    if ((size_t)jobs > n)
        jobs = (int)n;
    pid_t pid[64];
    int fd[64];
    unsigned char *buf[64];
    size_t have[64];
    bool *got = calloc(n ? n : 1, sizeof *got);
    if (got == NULL)
        return -1;
    fflush(stdout);
    fflush(stderr);
    for (int w = 0; w < jobs; w++) {
        int p[2];
        bool piped = pipe(p) == 0;
        pid[w] = piped ? fork() : -1;
        if (pid[w] < 0) {
            /* the sequences of the workers not started are reported as not run */
            if (piped)
                close(p[0]), close(p[1]);
            if (w == 0) {
                free(got);
                return -1;
            }
            jobs = w;
            break;
        }
        if (pid[w] == 0) {
            close(p[0]);
            for (int k = 0; k < w; k++)
                close(fd[k]), free(buf[k]);
            free(got); /* the parent's: a worker reports through its pipe */
            worker_main(c, comp, n, w, jobs, fresh, p[1]);
            _exit(0);
        }
        close(p[1]);
        fd[w] = p[0];
        fcntl(fd[w], F_SETFL, O_NONBLOCK);
        buf[w] = malloc(sizeof(xrec));
        have[w] = 0;
    }
    /* each worker's share, at worst every step waiting its timeout */
    int64_t share = (int64_t)((n + (size_t)jobs - 1) / (size_t)jobs);
    int64_t deadline =
        tr_now_ms() + share * (int64_t)(2 * EXPLORE_MAX_DEPTH + 4) * c->o->timeout_ms + 20000;
    int open_fds = jobs;
    while (open_fds > 0) {
        struct pollfd pfd[64];
        int idx[64], k = 0;
        for (int w = 0; w < jobs; w++)
            if (fd[w] >= 0)
                pfd[k] = (struct pollfd){.fd = fd[w], .events = POLLIN}, idx[k++] = w;
        poll(pfd, (nfds_t)k, 200);
        bool late = tr_now_ms() > deadline || explore_stop;
        for (int i = 0; i < k; i++) {
            int w = idx[i];
            for (;;) {
                ssize_t r = read(fd[w], buf[w] + have[w], sizeof(xrec) - have[w]);
                if (r > 0) {
                    have[w] += (size_t)r;
                    if (have[w] == sizeof(xrec)) {
                        xrec *rec = (xrec *)buf[w];
                        if (rec->idx < n) {
                            recs[rec->idx] = *rec;
                            got[rec->idx] = true;
                        }
                        have[w] = 0;
                    }
                    continue;
                }
                if (r < 0 && errno == EAGAIN && !late)
                    break;
                if (r < 0 && errno == EAGAIN) { /* late: stop it (its handler stops its IUT) */
                    kill(pid[w], SIGTERM);
                    usleep(200000);
                    kill(pid[w], SIGKILL);
                }
                close(fd[w]);
                fd[w] = -1;
                open_fds--;
                waitpid(pid[w], NULL, 0);
                break;
            }
        }
    }
    reaper_sweep(); /* the workers are over: what a stopped one left behind */
    for (size_t i = 0; i < n; i++)
        if (!got[i]) {
            memset(&recs[i], 0, sizeof recs[i]);
            recs[i].idx = i;
            recs[i].v = V_ERROR;
            for (size_t s = 0; s < SC_MAX_STEPS; s++)
                recs[i].outcome[s] = -1;
            snprintf(recs[i].message, sizeof recs[i].message, "%s",
                     explore_stop ? "not run: the exploration was interrupted"
                                  : "the worker running this sequence did not report (stopped "
                                    "at its deadline, or crashed)");
        }
    for (int w = 0; w < jobs; w++)
        free(buf[w]);
    free(got);
    return 0;
}

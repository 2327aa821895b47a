/* runner.c - see runner.h. */
#define _GNU_SOURCE /* strsignal, fnmatch */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../report/baseline.h"
#include "../report/diff.h"
#include "../report/report_json.h"
#include "../report/report.h"
#include "../scenario/budget.h"
#include "../scenario/exec.h"
#include "../scenario/scenario.h"
#include "../peer/credfile.h"
#include "../transport/free_port.h"
#include "../transport/pcap_file.h"
#include "../transport/udp.h"
#include "capture.h"
#include "iut.h"
#include "iut_outcome.h"
#include "peer_template.h"
#include "per_run.h"
#include "reaper.h"
#include "jobs.h"
#include "../report/keylog.h"
#include "quick.h"
#include "remote_job.h"
#include "run_html.h"
#include "sanity.h"
#include "shard.h"

static volatile sig_atomic_t interrupted; /* the signal that stopped the run, or 0 */

static void on_signal(int sig)
{
    interrupted = sig;
}

/* In a job's child process: the IUT's process group (its own session,
 * iut.c), so that a SIGTERM from the runner (interrupted) or a SIGINT from
 * the terminal stops the IUT too instead of leaving it running. 0: none. */
static volatile sig_atomic_t job_iut_pgid;

static void on_job_signal(int sig)
{
    (void)sig;
    if (job_iut_pgid > 0)
        kill(-(pid_t)job_iut_pgid, SIGKILL);
    _exit(130);
}

/* ----------------------------------------------------------------- jobs */

/* Bounded copy that always terminates (names here fit; if not, cut). */
static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = 0;
}

static void safe_name(const char *id, char *out, size_t cap)
{
    size_t i = 0;
    for (; id[i] && i + 1 < cap; i++)
        out[i] = (id[i] == '/' || id[i] == ' ') ? '_' : id[i];
    out[i] = 0;
}

/* The file name of a job's transcript, capture and IUT output: its id,
 * and with --all-profiles its profile (one job per profile). */
static void job_file_name(const scenario *sc, const run_opts *o, char *out, size_t cap)
{
    char id[SC_MAX_ID + SC_MAX_NAME + 2];
    bool by_profile = (o->all_profiles || strcmp(sc->id, SANITY_ID) == 0) && sc->profile[0];
    snprintf(id, sizeof id, "%s%s%s", sc->id, by_profile ? "@" : "", by_profile ? sc->profile : "");
    safe_name(id, out, cap);
}

static void area_of(const char *id, char *out, size_t cap)
{
    /* "rfc9528/6.3/selected-suite" -> "rfc9528.6.3" */
    copy_str(out, cap, id);
    char *last = strrchr(out, '/');
    if (last != NULL)
        *last = 0;
    for (char *p = out; *p; p++)
        if (*p == '/')
            *p = '.';
}

/* What a result says before the scenario runs; sc NULL: the file did not
 * load (or its variant could not be made). */
static void base_result(const job *j, const scenario *sc, sc_result *res, const run_opts *o)
{
    memset(res, 0, sizeof *res);
    copy_str(res->id, sizeof res->id, sc ? sc->id : j->file);
    copy_str(res->title, sizeof res->title, sc ? sc->title : "scenario file did not load");
    copy_str(res->file, sizeof res->file, sc ? sc->file : j->file);
    res->line = sc && sc->n_steps ? sc->steps[0].line : 0;
    area_of(res->id, res->area, sizeof res->area);
    snprintf(res->role, sizeof res->role, "%s",
             j->harness_role == SC_HARNESS_INITIATOR ? "initiator" : "responder");
    snprintf(res->level, sizeof res->level, "%s",
             !sc ? "MUST" : sc->level == SC_MUST ? "MUST" : sc->level == SC_SHOULD ? "SHOULD" : "INFO");
    size_t k = 0;
    for (size_t i = 0; sc && i < sc->n_requirements && k + 1 < sizeof res->requirements; i++) {
        int w = snprintf(res->requirements + k, sizeof res->requirements - k, "%s%s", i ? ", " : "",
                         sc->requirements[i]);
        if (w < 0)
            break;
        k += (size_t)w;
    }
    res->method = sc ? sc->method : -1;
    copy_str(res->profile, sizeof res->profile, sc ? sc->profile : "");
    res->suite = sc && sc->n_suites ? sc->suites[sc->n_suites - 1] : -1;
    snprintf(res->transport, sizeof res->transport, "%s",
             !sc                             ? "coap"
             : sc->transport == SC_UDP       ? "udp"
             : sc->transport == SC_COAP_TCP ? "coap-tcp"
                                             : "coap");
    res->seed = o->seed;
    res->no_scenario = sc == NULL;
    for (int m = 0; m < 5; m++)
        res->sizes[m] = -1;
}

/* Where a job's wire capture goes: next to its transcript. */
static void pcap_path_of(const job *j, const scenario *sc, const run_opts *o, char *out,
                         size_t cap)
{
    char name[SC_MAX_ID + SC_MAX_NAME + 2];
    job_file_name(sc, o, name, sizeof name);
    snprintf(out, cap, "%s/iut-%s/%s.pcap", o->out_dir, job_iut_role_name(j->harness_role), name);
}

/* A job that sent no result (killed when late or when the run is
 * interrupted, or crashed) never finished its capture: remove the temporary
 * file it leaves (capture.h). */
static void remove_partial_capture(const job *j, const run_opts *o, scenario *scratch)
{
    char err[512], path[1024], tmp[1100];
    const scenario *sc = job_scenario(j, scratch, err, sizeof err);
    if (sc == NULL)
        return;
    pcap_path_of(j, sc, o, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    unlink(tmp);
}

typedef struct iut_watch {
    iut_proc *p;
} iut_watch;

static int iut_state_cb(void *arg, char *desc, size_t cap)
{
    iut_watch *w = arg;
    iut_exit ex;
    if (w->p == NULL || !iut_poll(w->p, &ex))
        return 0;
    iut_exit_describe(&ex, desc, cap);
    return iut_exit_is_crash(&ex) ? 2 : 1;
}

static void join_list(char *out, size_t cap, const int *v, size_t n)
{
    size_t k = 0;
    out[0] = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        int w = snprintf(out + k, cap - k, "%s%d", i ? "," : "", v[i]);
        if (w < 0)
            break;
        k += (size_t)w;
    }
}

/* A file of the job that could not be written (errno err, 0: none): the
 * first one is kept in res->unwritten, and the run exits as a set-up
 * error (a full disk must not look like a clean run). */
static void note_unwritten(sc_result *res, const char *path, int err)
{
    if (err != 0 && res->unwritten[0] == 0)
        snprintf(res->unwritten, sizeof res->unwritten, "cannot write %.500s: %s", path,
                 strerror(err));
}

/* The IUT's output files, after iut_stop filled ex. */
static void note_capture(const iut_exit *ex, sc_result *res)
{
    note_unwritten(res, res->iut_stdout_path, ex->stdout_errno);
    note_unwritten(res, res->iut_stderr_path, ex->stderr_errno);
}

/* After the scenario: an IUT Initiator may finish (the executor answers it
 * as the engine would, at most the run's timeout, then 200 ms more to exit);
 * then the IUT is stopped and how it ended judged (iut_outcome.h). */
static void finish_iut(sc_exec *x, iut_watch *w, sc_role harness_role, bool reverse,
                       const run_opts *o, const peer_file *pf, sc_result *res)
{
    iut_end e;
    memset(&e, 0, sizeof e);
    e.not_implemented = pf->not_implemented_exit;
    e.iut_initiator = harness_role == SC_HARNESS_RESPONDER;
    e.client_responder = reverse && !e.iut_initiator;
    if (e.iut_initiator)
        sc_exec_drain(x, o->timeout_ms, res);
    e.by_itself = iut_poll(w->p, &e.ex);
    if (!e.by_itself && (e.iut_initiator || e.client_responder)) /* both end by themselves */
        e.by_itself = iut_wait(w->p, 200, &e.ex);
    iut_exit stopped;
    iut_stop_tracked(w->p, 1000, &stopped, &job_iut_pgid);
    w->p = NULL;
    note_capture(&stopped, res);
    if (!e.by_itself)
        e.ex = stopped;
    if (e.iut_initiator || e.client_responder)
        sc_exec_ending_of(x, &e.run);
    e.gone_step = sc_exec_iut_gone_step(x, NULL);
    iut_outcome_after_run(&e, res);
}

static void job_files_end(tr_pcap *pcap, const char *pcap_err, int port, const run_opts *o,
                          const char *dir, const char *name, sc_result *res);

/* What every job's executor gets from the run. */
static void job_exec_opts(const job *j, const scenario *sc, const run_opts *o, sc_budget budget,
                          sc_exec_opts *eo)
{
    memset(eo, 0, sizeof *eo);
    eo->sc = sc;
    eo->role = j->harness_role;
    eo->cred_dir = o->cred_dir;
    eo->timeout_ms = o->timeout_ms;
    eo->seed = o->seed;
    eo->budget = budget;
    eo->keylog = o->keylog != NULL;
}

/* CLOCK_MONOTONIC in milliseconds, with fractions. */
static double mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Run one job (in the child process): IUT, executor, verdict. */
static void run_job(const job *j, const scenario *sc, const run_opts *o, const peer_file *pf,
                    sc_budget budget,
                    sc_result *res)
{
    /* where the time goes (sc_job_timing): each mark the end of a phase */
    double t_mark = mono_ms();
#define JOB_PHASE(field)                                                                       \
    do {                                                                                       \
        double now_ = mono_ms();                                                               \
        res->timing.field += now_ - t_mark;                                                    \
        t_mark = now_;                                                                         \
    } while (0)
    const peer_role_spec *spec =
        j->harness_role == SC_HARNESS_INITIATOR ? &pf->responder : &pf->initiator;
    char dir[SC_MAX_PATH + 64], name[SC_MAX_ID + SC_MAX_NAME + 2], path_out[1024], path_err[1024], cmd[SC_MAX_CMD];
    char port_s[16], method_s[8], suite_s[8], suites_s[128], err[512];
    const char *host = "127.0.0.1";
    iut_watch w = {NULL};
    base_result(j, sc, res, o);
    job_file_name(sc, o, name, sizeof name);
    snprintf(dir, sizeof dir, "%s/iut-%s", o->out_dir, job_iut_role_name(j->harness_role));
    mkdir(o->out_dir, 0777);
    mkdir(dir, 0777);
    snprintf(path_out, sizeof path_out, "%s/%s.iut.stdout", dir, name);
    snprintf(path_err, sizeof path_err, "%s/%s.iut.stderr", dir, name);
    /* Every datagram of the job from here on: the IUT is not started yet. */
    char pcap_path[1024], pcap_err[512] = "";
    pcap_path_of(j, sc, o, pcap_path, sizeof pcap_path);
    tr_pcap *pcap = job_capture_begin(pcap_path, pcap_err, sizeof pcap_err);

    sc_exec_opts eo;
    job_exec_opts(j, sc, o, budget, &eo);
    eo.host = spec->fixed_port ? spec->fixed_host : host;
    eo.iut_state = iut_state_cb;
    eo.iut_arg = &w;
    eo.iut_shared = spec->fixed_port != 0; /* an address, or per_run */
    eo.iut_without_oscore = !(j->has_profile ? j->profile.oscore : peer_has_capability(pf, "oscore"));
    eo.edhoc_path = pf->edhoc_path;
    if (!spec->fixed_port) /* a launched IUT Initiator: its first request waits for its start */
        eo.first_request_ms = peer_ready_timeout_ms(spec);

    int port = spec->fixed_port;
    sc_exec *x = NULL;
    /* Which side is the CoAP server: the harness Responder in the forward
     * flow, the harness Initiator in the reverse one (RFC 9528 A.2.2). */
    bool reverse = sc->flow == SC_FLOW_REVERSE;
    bool harness_server = (j->harness_role == SC_HARNESS_RESPONDER) != reverse;
    if (harness_server) {
        eo.host = host;
        x = sc_exec_new(&eo, err, sizeof err);
        if (x == NULL)
            goto harness_error;
        port = sc_exec_port(x);
    } else if (port == 0) {
        port = tr_free_port(host);
    }
    int port_tries = 0;
start_iut:
    snprintf(port_s, sizeof port_s, "%d", port);
    snprintf(method_s, sizeof method_s, "%d", sc->method);
    snprintf(suite_s, sizeof suite_s, "%d", res->suite);
    join_list(suites_s, sizeof suites_s, sc->suites, sc->n_suites);
    if (!spec->fixed_port) {
        const char *h_own, *h_peer;
        sc_cred_names(sc, j->harness_role, &h_own, &h_peer);
        if (sc->iut_peer_cred[0])
            h_own = sc->iut_peer_cred; /* what the IUT is told about the harness */
        iut_vars v = {.host = host,
                      .edhoc_path = sc->transport == SC_UDP ? "" : pf->edhoc_path,
                      .port = port_s,
                      .creds_dir = o->cred_dir,
                      .method = method_s,
                      .suite = suite_s,
                      .suites = suites_s,
                      .vector = sc->vector,
                      .harness = o->harness_path,
                      .cred = h_peer,
                      .peer_cred = h_own,
                      .transport = res->transport,
                      .cred_id = sc->cred_id[0] ? sc->cred_id : "kid",
                      .message_4 = sc->message_4 ? "message_4" : ""};
        /* the IUT's framing, also in a scenario about Appendix A.2 (which pins
         * the harness's own to rfc9528) */
        v.framing = (j->has_profile ? j->profile.framing : sc->framing) == SC_FRAMING_BARE
                        ? "bare"
                        : "rfc9528";
        v.flow = reverse ? "reverse" : "forward";
        v.oscore = iut_oscore_value(sc_uses_oscore(sc), j->has_profile
                                                             ? j->profile.oscore
                                                             : peer_has_capability(pf, "oscore"));
        for (int k = 0; k < SC_ASK_COUNT_; k++)
            v.ask[k] = sc->iut_ask[k];
        if (iut_expand(spec->command, &v, cmd, sizeof cmd) != 0) {
            snprintf(err, sizeof err, "peer file: command template does not expand");
            goto harness_error;
        }
        JOB_PHASE(setup_ms);
        w.p = iut_start_tracked(cmd, path_out, path_err, &job_iut_pgid);
        JOB_PHASE(spawn_ms);
        if (w.p == NULL) {
            snprintf(err, sizeof err, "cannot start the IUT: %.400s", cmd);
            goto harness_error;
        }
        copy_str(res->iut_stdout_path, sizeof res->iut_stdout_path, path_out);
        copy_str(res->iut_stderr_path, sizeof res->iut_stderr_path, path_err);
        /* An IUT that is the CoAP client (the Initiator forward, the Responder
         * reverse) listens for nothing: its first request is awaited. A reverse
         * Initiator with `ready: none` is awaited by the harness's first
         * request, tried again while it is refused (exec_reverse.c). */
        if ((spec->ready_line[0] || spec->ready_probe) && !(reverse && harness_server)) {
            int ready_ms = peer_ready_timeout_ms(spec);
            iut_ready r = iut_wait_ready(w.p, spec->ready_probe ? NULL : spec->ready_line, host,
                                         port, ready_ms);
            JOB_PHASE(ready_ms);
            if (r != IUT_READY) {
                iut_exit ex;
                memset(&ex, 0, sizeof ex);
                iut_stop_tracked(w.p, 1000, &ex, &job_iut_pgid);
                JOB_PHASE(stop_ms);
                w.p = NULL;
                /* another process took the port between tr_free_port and the
                 * IUT's bind (parallel jobs, other runs): another port, at
                 * most 4 tries; a port still free means the IUT failed */
                if (!harness_server && port_tries < 3 && tr_port_taken(host, port)) {
                    port_tries++;
                    port = tr_free_port(host);
                    goto start_iut;
                }
                note_capture(&ex, res);
                iut_outcome_not_ready(r, &ex, spec->ready_probe ? NULL : spec->ready_line,
                                      ready_ms, pf->not_implemented_exit, res);
                goto done;
            }
        }
    }
    if (x == NULL) {
        eo.port = port;
        x = sc_exec_new(&eo, err, sizeof err);
        if (x == NULL)
            goto harness_error;
    }
    JOB_PHASE(setup_ms);
    sc_exec_run(x, res);
    JOB_PHASE(steps_ms);
    if (w.p != NULL)
        finish_iut(x, &w, j->harness_role, reverse, o, pf, res);
    JOB_PHASE(stop_ms);
    goto done;
harness_error:
    res->v = V_ERROR;
    copy_str(res->message, sizeof res->message, err);
done:
    if (w.p != NULL) {
        iut_exit ex;
        iut_stop_tracked(w.p, 1000, &ex, &job_iut_pgid);
        note_capture(&ex, res);
        JOB_PHASE(stop_ms);
    }
    sc_exec_free(x);
    job_files_end(pcap, pcap_err, port, o, dir, name, res);
    JOB_PHASE(files_ms);
#undef JOB_PHASE
}

/* The end of a job's files: its capture, and its transcript next to it. */
static void job_files_end(tr_pcap *pcap, const char *pcap_err, int port, const run_opts *o,
                          const char *dir, const char *name, sc_result *res)
{
    job_capture_end(pcap, pcap_err, port, res);
    job_capture_wireshark_hint(res, port, o->keylog);
    if (res->transcript != NULL) {
        char tpath[1024];
        snprintf(tpath, sizeof tpath, "%s/%s.txt", dir, name);
        copy_str(res->transcript_path, sizeof res->transcript_path, tpath);
        errno = 0;
        FILE *f = fopen(res->transcript_path, "w");
        bool ok = f != NULL && fputs(res->transcript, f) >= 0;
        if (f != NULL && fclose(f) != 0)
            ok = false;
        if (!ok)
            note_unwritten(res, res->transcript_path, errno ? errno : EIO);
    }
}

/* A remote job's wait for its client (remote_job.h): the linger ends when
 * the caller says the client has moved on. */
static int remote_state_cb(void *arg, char *desc, size_t cap)
{
    const runner_remote *rm = arg;
    if (rm->moved_on == NULL || !*rm->moved_on)
        return 0;
    snprintf(desc, cap, "moved on (it started another handshake)");
    return 1;
}

void runner_remote_job(const job *j, const scenario *sc, const run_opts *o, sc_budget budget,
                       const runner_remote *rm, sc_result *res)
{
    char dir[SC_MAX_PATH + 64], name[SC_MAX_ID + SC_MAX_NAME + 2], err[512];
    base_result(j, sc, res, o);
    job_file_name(sc, o, name, sizeof name);
    snprintf(dir, sizeof dir, "%s/iut-%s", o->out_dir, job_iut_role_name(j->harness_role));
    mkdir(o->out_dir, 0777);
    mkdir(dir, 0777);
    char pcap_path[1024], pcap_err[512] = "";
    pcap_path_of(j, sc, o, pcap_path, sizeof pcap_path);
    if (rm->capture_tmp != NULL)
        snprintf(rm->capture_tmp, rm->capture_tmp_cap, "%s.tmp", pcap_path);
    tr_pcap *pcap = job_capture_begin(pcap_path, pcap_err, sizeof pcap_err);
    sc_exec_opts eo;
    job_exec_opts(j, sc, o, budget, &eo);
    eo.host = "127.0.0.1";
    eo.iut_state = remote_state_cb;
    eo.iut_arg = (void *)rm;
    eo.iut_shared = true; /* no flood against somebody's device */
    eo.iut_without_oscore = !rm->oscore;
    int port = 0;
    sc_exec *x = sc_exec_new(&eo, err, sizeof err);
    if (x == NULL) {
        res->v = V_ERROR;
        copy_str(res->message, sizeof res->message, err);
        rm->on_port(rm->arg, 0);
    } else {
        port = sc_exec_port(x);
        rm->on_port(rm->arg, port);
        sc_exec_run(x, res);
        if (rm->on_linger)
            rm->on_linger(rm->arg);
        sc_exec_drain(x, rm->linger_ms, res);
        if (res->transcript != NULL && rm->client[0]) {
            char line[300];
            snprintf(line, sizeof line, "remote client %s: no process, so no exit status to judge "
                     "(the verdict is the wire's)\n", rm->client);
            size_t a = strlen(res->transcript), b = strlen(line);
            char *t = realloc(res->transcript, a + b + 1);
            if (t != NULL) {
                memcpy(t + a, line, b + 1);
                res->transcript = t;
            }
        }
    }
    sc_exec_free(x);
    job_files_end(pcap, pcap_err, port, o, dir, name, res);
}

/* Child -> parent: the result struct, then the transcript. */
void runner_result_send(int fd, const sc_result *res)
{
    size_t tl = res->transcript ? strlen(res->transcript) : 0;
    sc_result copy = *res;
    copy.transcript = NULL;
    if (write(fd, &copy, sizeof copy) != (ssize_t)sizeof copy || write(fd, &tl, sizeof tl) < 0)
        return;
    for (size_t off = 0; off < tl;) {
        ssize_t n = write(fd, res->transcript + off, tl - off);
        if (n <= 0)
            return;
        off += (size_t)n;
    }
}

bool runner_result_decode(const unsigned char *buf, size_t len, sc_result *res)
{
    size_t tl;
    if (len < sizeof *res + sizeof tl)
        return false;
    memcpy(res, buf, sizeof *res);
    memcpy(&tl, buf + sizeof *res, sizeof tl);
    res->transcript = NULL;
    if (tl > len - sizeof *res - sizeof tl)
        tl = len - sizeof *res - sizeof tl;
    res->transcript = malloc(tl + 1);
    if (res->transcript) {
        memcpy(res->transcript, buf + sizeof *res + sizeof tl, tl);
        res->transcript[tl] = 0;
    }
    return true;
}

static bool recv_result(job *j, sc_result *res)
{
    return runner_result_decode(j->buf, j->len, res);
}

/* What run_main owns on the heap. A job child (start_job) gets a copy of it
 * all with fork() and ends with _exit() without freeing that copy: it stays
 * reachable through `st` until the exit (a leak checker that follows the
 * children, make memcheck's valgrind, lists it as "still reachable", no
 * leak), and freeing it would touch, and so copy, every page of it: a third
 * of a whole run's CPU time. */
typedef struct run_state {
    peer_file *pf;
    scenario *scratch; /* a variant, for results not run */
    job_list jl;
    run_report rep;
    sc_result *results; /* n_results, in job order */
    bool *done;
    size_t n_results;
    iut_proc *per_run; /* started by the parent; a child only frees the handle */
    job_list sanity;   /* the sanity conversations (sanity.h) and their results */
    sc_result *sanity_results;
    size_t n_sanity;
    char per_run_failure[600]; /* why the per-run IUT did not start, or "" */
    shard_info shard;  /* --shard: the whole list's size and digest */
} run_state;

static void run_state_free(run_state *st)
{
    for (size_t i = 0; st->results != NULL && i < st->n_results; i++)
        free(st->results[i].transcript);
    free(st->results);
    free(st->done);
    jobs_free(&st->jl);
    for (size_t i = 0; st->sanity_results != NULL && i < st->n_sanity; i++)
        free(st->sanity_results[i].transcript);
    free(st->sanity_results);
    jobs_free(&st->sanity);
    free(st->scratch);
    run_report_free(&st->rep);
    shard_info_free(&st->shard);
    free(st->pf);
}

/* A job past its bound: SIGTERM, which its handler turns into stopping its
 * IUT, then SIGKILL if it has not ended within 2 s. True when reaped
 * (*status set). */
static bool stop_late_job(pid_t pid, int *status)
{
    kill(pid, SIGTERM);
    for (int i = 0; i < 200; i++) {
        if (waitpid(pid, status, WNOHANG) == pid)
            return true;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    return false;
}

static int start_job(job *j, const run_opts *o, run_state *st, sc_budget budget)
{
    const peer_file *pf = st->pf;
    int p[2];
    if (pipe(p) != 0)
        return -1;
    fflush(NULL); /* else the child holds a copy of unwritten output, which any
                     flush in it (libc's at exit, valgrind's) writes a second time */
    j->started_ms = mono_ms();
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]), close(p[1]);
        return -1;
    }
    if (pid == 0) {
        close(p[0]);
        (void)reaper_become(); /* what the IUT leaves behind comes back here */
        struct sigaction ja;
        memset(&ja, 0, sizeof ja);
        ja.sa_handler = on_job_signal;
        sigaction(SIGINT, &ja, NULL);
        sigaction(SIGTERM, &ja, NULL);
        sigaction(SIGHUP, &ja, NULL);
        sc_result res;
        char err[512];
        scenario *scratch = malloc(sizeof *scratch);
        const scenario *sc = scratch ? job_scenario(j, scratch, err, sizeof err) : NULL;
        if (sc != NULL) {
            run_job(j, sc, o, pf, budget, &res);
        } else {
            base_result(j, NULL, &res, o);
            res.v = V_ERROR;
            snprintf(res.message, sizeof res.message, "%s", scratch ? err : "out of memory");
        }
        runner_result_send(p[1], &res);
        free(res.transcript);
        free(scratch);
        iut_release_inherited(st->per_run);
        reaper_sweep(); /* the IUT is stopped: whatever of it left its session */
        _exit(0); /* st: see run_state */
    }
    close(p[1]);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    j->pid = pid, j->fd = p[0];
    j->deadline = tr_now_ms() + job_bound_ms(j, pf, o->timeout_ms, NULL);
    return 0;
}

/*
 * `per_run: true` (IUT Responder only): start it once before the jobs, on a
 * free port, and let every job use it like an already-running IUT. The
 * scenario placeholders get neutral values ({method} 3, {suite} 2).
 */
static iut_proc *start_per_run(peer_file *pf, const run_opts *o, char *failure, size_t cap)
{
    peer_role_spec *spec = &pf->responder;
    if (!spec->present || !spec->per_run || spec->fixed_port)
        return NULL;
    snprintf(failure, cap, "the per-run IUT Responder could not be started");
    char port_s[16], cmd[SC_MAX_CMD], out[1024], err[1024];
    int port = tr_free_port("127.0.0.1");
    snprintf(port_s, sizeof port_s, "%d", port);
    iut_vars v = {.host = "127.0.0.1",
                  .edhoc_path = pf->edhoc_path, /* CoAP: the per-run Responder's transport */
                  .port = port_s,
                  .creds_dir = o->cred_dir,
                  .method = "3",
                  .suite = "2",
                  .suites = "2",
                  .vector = "",
                  .harness = o->harness_path,
                  .cred = "rfc9529-trace2-r",
                  .peer_cred = "rfc9529-trace2-i",
                  .transport = "coap",
                  .cred_id = "kid",
                  .message_4 = "",
                  .oscore = iut_oscore_value(true, peer_has_capability(pf, "oscore"))};
    if (port <= 0 || iut_expand(spec->command, &v, cmd, sizeof cmd) != 0)
        return NULL;
    snprintf(out, sizeof out, "%s/iut-responder-per-run.stdout", o->out_dir);
    snprintf(err, sizeof err, "%s/iut-responder-per-run.stderr", o->out_dir);
    iut_proc *p = iut_start(cmd, out, err);
    if (p == NULL)
        return NULL;
    int ready_ms = peer_ready_timeout_ms(spec);
    iut_ready r = iut_wait_ready(p, spec->ready_probe ? NULL : spec->ready_line, "127.0.0.1",
                                 port, ready_ms);
    if (r != IUT_READY) {
        iut_exit ex;
        sc_result why;
        iut_stop(p, 1000, &ex);
        memset(&why, 0, sizeof why);
        iut_outcome_not_ready(r, &ex, spec->ready_probe ? NULL : spec->ready_line, ready_ms,
                              pf->not_implemented_exit, &why);
        snprintf(failure, cap, "the per-run IUT Responder did not start: %.300s (see %.250s)",
                 why.message, err);
        fprintf(stderr, "run: %s (%s)\n", failure, cmd);
        return NULL;
    }
    failure[0] = 0;
    snprintf(spec->fixed_host, sizeof spec->fixed_host, "127.0.0.1");
    spec->fixed_port = port;
    printf("per-run IUT Responder listening on port %d\n", port);
    return p;
}

/* An IUT given by address whose host name resolves to several addresses
 * (localhost: ::1 first on a stock Debian) is talked to at the one that
 * answers (iut.h, iut_pick_address); the choice is printed. */
static void pick_addresses(peer_file *pf)
{
    peer_role_spec *specs[2] = {&pf->responder, &pf->initiator};
    for (size_t i = 0; i < 2; i++) {
        peer_role_spec *s = specs[i];
        char picked[64];
        if (!s->present || !s->fixed_port || s->per_run)
            continue;
        if (iut_pick_address(s->fixed_host, s->fixed_port, peer_ready_timeout_ms(s), picked,
                             sizeof picked) == 0 &&
            strcmp(picked, s->fixed_host) != 0) {
            printf("IUT %s at %s port %d: %s answers there\n", i == 0 ? "responder" : "initiator",
                   s->fixed_host, s->fixed_port, picked);
            copy_str(s->fixed_host, sizeof s->fixed_host, picked);
        }
    }
}

/* The run's own directories, before anything is judged (issue 15: a run's
 * mistake is a usage error naming it, never the IUT "failing to start"):
 * --creds must be a directory; --out is created with its parents. */
static bool run_dirs_ok(const run_opts *o)
{
    struct stat st;
    if (o->cred_dir && stat(o->cred_dir, &st) != 0) {
        fprintf(stderr, "run: --creds %s: %s\n", o->cred_dir, strerror(errno));
        return false;
    }
    if (o->cred_dir && !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "run: --creds %s: not a directory\n", o->cred_dir);
        return false;
    }
    char path[SC_MAX_PATH];
    copy_str(path, sizeof path, o->out_dir);
    for (char *p = path + 1; *p; p++) /* mkdir -p */
        if (*p == '/') {
            *p = 0;
            mkdir(path, 0777);
            *p = '/';
        }
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "run: --out %s: cannot create it: %s\n", o->out_dir, strerror(errno));
        return false;
    }
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "run: --out %s: not a directory\n", o->out_dir);
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------- verdicts */

static void apply_known_failures(const peer_file *pf, sc_result *res)
{
    sc_role harness_role =
        strcmp(res->role, "initiator") == 0 ? SC_HARNESS_INITIATOR : SC_HARNESS_RESPONDER;
    char fp[32], other[40] = "";
    bool failing = res->v == V_FAIL || res->v == V_ERROR;
    if (failing)
        report_fingerprint(res, fp, sizeof fp);
    for (size_t i = 0; i < pf->n_known; i++) {
        const known_failure *k = &pf->known[i];
        if (!(k->harness_roles & harness_role) || fnmatch(k->pattern, res->id, 0) != 0)
            continue;
        if (failing && k->fingerprint[0] && strcmp(k->fingerprint, fp) != 0) {
            snprintf(other, sizeof other, "%s", k->fingerprint); /* listed, another reason */
            continue;
        }
        static const char *const reasons[] = {"unsupported", "known-bug", "spec-ambiguity"};
        copy_str(res->kf_reason, sizeof res->kf_reason, reasons[k->reason]);
        copy_str(res->kf_note, sizeof res->kf_note, k->note);
        if (res->v == V_FAIL || res->v == V_ERROR)
            res->v = V_XFAIL;
        else if (res->v == V_PASS || res->v == V_NONSTRICT)
            res->v = V_XPASS;
        return;
    }
    if (other[0]) { /* a known failure that now fails for another reason: a new failure */
        char add[320];
        snprintf(add, sizeof add, REPORT_OTHER_REASON " (baseline fingerprint %s, now %s): a "
                 "new failure (refresh the baseline if it is expected)", other, fp);
        size_t k = strnlen(res->message, sizeof res->message);
        snprintf(res->message + k, sizeof res->message - k, "%s", add);
    }
}

/* "run: cannot write PATH: reason" on stderr; 1 (one report unwritten). */
static size_t cannot_write(const char *path)
{
    int e = errno;
    fprintf(stderr, "run: cannot write %s: %s\n", path,
            e ? strerror(e) : "its directory does not exist or is not writable");
    return 1;
}

/* The jobs an IUT marked not implemented (its declared exit code), listed
 * on the console so that a run that skipped them does not look clean. */
/* --compare: the jobs that changed since an earlier run (report/diff.h), for
 * the page; on the console the jobs that got worse, then the counts. NULL
 * when out of memory (said). */
/* The JSON report; a shard's also says which part of which list it is, and
 * what `merge` needs to make the whole run's page (shard.h): "positions",
 * each job result's place in the whole list (the results that come first,
 * "leading", are failed sanity conversations, no job's). */
static int write_json(const run_opts *o, const peer_file *pf, const run_report *rep,
                      const shard_info *sh, const char *budget, size_t leading, size_t jobs)
{
    if (o->shard_n == 0)
        return report_write_json(rep, o->json);
    json_t *doc = report_json_doc(rep), *pos = json_array();
    for (size_t i = 0; pos != NULL && i < jobs; i++)
        if (json_array_append_new(pos, json_integer((json_int_t)sh->pos[i])) != 0) {
            json_decref(pos);
            pos = NULL;
        }
    json_t *shard = json_pack("{s:i, s:i, s:I, s:s, s:s, s:s, s:o?, s:I, s:o?}", "index", sh->k,
                              "count", sh->n, "jobs", (json_int_t)sh->jobs, "digest",
                              sh->digest, "out_dir", o->out_dir ? o->out_dir : "", "budget",
                              budget, "peer", run_peer_info(pf), "leading", (json_int_t)leading,
                              "positions", pos);
    int rc = -1;
    if (doc != NULL && shard != NULL) {
        if (json_object_set_new(doc, "shard", shard) == 0) /* taken either way */
            rc = report_write_json_doc(doc, o->json);
    } else {
        json_decref(shard);
    }
    json_decref(doc);
    return rc;
}

static json_t *compare_with(const json_t *old, const run_report *rep)
{
    json_t *now = report_json_doc(rep);
    const char *why = "out of memory";
    json_t *d = now ? report_diff(old, now, &why) : NULL;
    json_decref(now);
    if (d == NULL) {
        fprintf(stderr, "run: --compare: %s\n", why);
        return NULL;
    }
    static const char *const worse[][2] = {{"new_failures", "new failure"},
                                            {"changed_reasons", "failing for another reason"}};
    for (size_t k = 0; k < 2; k++) {
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(d, worse[k][0]), i, e)
            printf("compare: %s: %s (IUT %s)\n", worse[k][1],
                   json_string_value(json_object_get(e, "id")),
                   json_string_value(json_object_get(e, "iut_role")));
    }
    const json_t *c = json_object_get(d, "counts");
    printf("compare: with the run of %s: %lld new failures, %lld changed reasons, %lld fixed, "
           "%lld no longer run, %lld newly run\n",
           json_string_value(json_object_get(json_object_get(d, "old"), "started")),
           (long long)json_integer_value(json_object_get(c, "new_failures")),
           (long long)json_integer_value(json_object_get(c, "changed_reasons")),
           (long long)json_integer_value(json_object_get(c, "fixed")),
           (long long)json_integer_value(json_object_get(c, "no_longer_run")),
           (long long)json_integer_value(json_object_get(c, "newly_run")));
    return d;
}

static void print_not_implemented(const run_report *rep)
{
    size_t n = 0;
    for (size_t i = 0; i < rep->n; i++)
        n += rep->results[i].v == V_SKIPPED &&
             strstr(rep->results[i].message, NOT_IMPLEMENTED_TEXT) != NULL;
    if (n == 0)
        return;
    printf("not implemented by the IUT (its declared exit code): %zu jobs:\n", n);
    for (size_t i = 0; i < rep->n; i++) {
        const sc_result *r = &rep->results[i];
        if (r->v == V_SKIPPED && strstr(r->message, NOT_IMPLEMENTED_TEXT) != NULL)
            printf("  %s (IUT %s)\n", r->id,
                   strcmp(r->role, "initiator") == 0 ? "responder" : "initiator");
    }
}

/* RUN_EXIT_* (runner.h), with the line that says why for the codes a
 * summary alone does not explain. */
static int exit_code(const run_opts *o, bool sanity_failed, bool stopped, size_t unwritten,
                     size_t failing, size_t errors, size_t ran)
{
    if (unwritten > 0 || stopped || sanity_failed) {
        fprintf(stderr, "run: exit %d (set-up error): %s\n", RUN_EXIT_SETUP,
                unwritten > 0 ? "a report or a job's file could not be written"
                : stopped     ? "the run was interrupted"
                              : "the sanity conversation failed, so the suite did not run");
        return RUN_EXIT_SETUP;
    }
    if (failing > 0)
        return RUN_EXIT_FAILED;
    if (errors > 0) {
        fprintf(stderr, "run: exit %d (no verdict): %zu jobs could not be judged (verdict "
                        "error: the IUT not reachable, not started, gone before it was ready "
                        "or crashed, or a harness problem; see their messages)\n",
                RUN_EXIT_SETUP, errors);
        return RUN_EXIT_SETUP;
    }
    if (ran == 0 && !o->allow_empty) {
        fprintf(stderr, "run: exit %d: no job ran (every one was skipped, or --filter / --role "
                        "selected none): nothing was tested; --allow-empty accepts that\n",
                RUN_EXIT_EMPTY);
        return RUN_EXIT_EMPTY;
    }
    return RUN_EXIT_OK;
}

/* A conformance failure of the IUT (RUN_EXIT_FAILED); an error is counted
 * apart (RUN_EXIT_SETUP). The JUnit report marks the same (report.h). */
static bool fails_run(const sc_result *r, bool strict)
{
    return r->v != V_ERROR && report_fails_run(r, strict);
}

static void print_result(const sc_result *r, bool quiet)
{
    static const char *const tags[V_COUNT_] = {"PASS", "FAIL", "SKIP", "NONSTRICT", "ERROR",
                                               "XFAIL", "XPASS"};
    if (quiet && (r->v == V_PASS || r->v == V_SKIPPED || r->v == V_XFAIL))
        return;
    const char *iut = strcmp(r->role, "initiator") == 0 ? "IUT responder" : "IUT initiator";
    printf("%-9s %-58s %-13s %5.2fs\n", tags[r->v], r->id, iut, r->seconds);
    if (r->message[0]) /* on a pass: what the scenario reports (e.g. amplification) */
        printf("          %s\n", r->message);
    if (r->kf_reason[0])
        printf("          known failure (%s): %s\n", r->kf_reason, r->kf_note);
    fflush(stdout);
}

/* One line on the IUT Responder's amplification (RFC 9528 §9.7) over the
 * jobs that measured it: the largest factor, and where. Nothing if none. */
static void print_amplification(const run_report *rep)
{
    long best = -1, best_dg = -1;
    size_t n = 0, at = 0, at_dg = 0;
    for (size_t i = 0; i < rep->n; i++) {
        const sc_amplification *a = &rep->results[i].amplification;
        if (!a->measured)
            continue;
        n++;
        long f = report_amplification_milli(a->reply_bytes, a->request_bytes);
        long d = report_amplification_milli(a->reply_datagram_bytes, a->request_datagram_bytes);
        if (f > best)
            best = f, at = i;
        if (d > best_dg)
            best_dg = d, at_dg = i;
    }
    if (n == 0)
        return;
    printf("amplification (IUT responder, first answer / message_1, %zu jobs): ", n);
    if (best >= 0)
        printf("at most %ld.%03ld (%s)", best / 1000, best % 1000, rep->results[at].id);
    else
        printf("unknown");
    if (best_dg >= 0)
        printf(", datagrams at most %ld.%03ld (%s)", best_dg / 1000, best_dg % 1000,
               rep->results[at_dg].id);
    printf("\n");
}

/* Run jobs[0..n_jobs) in up to o->jobs children at a time, results in job
 * order; each result is printed when it and all before it are done (known
 * failures applied when apply_known). On an interrupt the running children
 * are stopped. Returns the number of results finished (in order). */
/* What run_pool prints: the suite's results (known failures applied), the
 * sanity conversations' failures, or nothing (jobs run ahead of the suite,
 * printed in its turn). */
typedef enum pool_mode { POOL_SUITE, POOL_SANITY, POOL_SILENT } pool_mode;

static size_t run_pool(run_state *st, const run_opts *o, sc_budget budget, job *jobs,
                       size_t n_jobs, sc_result *results, bool *done, pool_mode mode)
{
    const peer_file *pf = st->pf;
    scenario *scratch = st->scratch;
    char err[512];
    size_t next = 0, running = 0, printed = 0;
    int max_jobs = o->jobs > 0 ? o->jobs : 1;
    while ((next < n_jobs || running > 0) && !interrupted) {
        while (next < n_jobs && running < (size_t)max_jobs && !interrupted) {
            job *j = &jobs[next];
            if (done[next]) { /* run ahead, as a sanity conversation */
                next++;
                continue;
            }
            if (j->tmpl == NULL || j->skip) {
                const scenario *sc = job_scenario(j, scratch, err, sizeof err);
                base_result(j, sc, &results[next], o);
                results[next].v = sc == NULL ? V_ERROR : V_SKIPPED;
                snprintf(results[next].message, sizeof results[next].message, "%s",
                         sc == NULL ? err : j->skip_text);
                done[next++] = true;
                continue;
            }
            if (j->harness_role == SC_HARNESS_INITIATOR &&
                per_run_refuses(st->per_run, st->per_run_failure, &results[next])) {
                sc_result why = results[next];
                base_result(j, job_scenario(j, scratch, err, sizeof err), &results[next], o);
                results[next].v = why.v;
                copy_str(results[next].message, sizeof results[next].message, why.message);
                done[next++] = true;
                continue;
            }
            if (start_job(j, o, st, budget) != 0) {
                base_result(j, job_scenario(j, scratch, err, sizeof err), &results[next], o);
                results[next].v = V_ERROR;
                snprintf(results[next].message, sizeof results[next].message, "cannot fork");
                done[next++] = true;
                continue;
            }
            running++, next++;
        }
        struct pollfd pfds[64];
        size_t idx[64], n = 0;
        for (size_t i = 0; i < next && n < 64; i++)
            if (!done[i] && jobs[i].fd > 0)
                pfds[n] = (struct pollfd){.fd = jobs[i].fd, .events = POLLIN}, idx[n++] = i;
        if (n > 0)
            poll(pfds, n, 100);
        for (size_t k = 0; k < n; k++) {
            job *j = &jobs[idx[k]];
            for (;;) {
                if (j->len == j->cap) {
                    size_t cap = j->cap ? 2 * j->cap : 65536;
                    unsigned char *b = realloc(j->buf, cap);
                    if (b == NULL)
                        break;
                    j->buf = b, j->cap = cap;
                }
                ssize_t r = read(j->fd, j->buf + j->len, j->cap - j->len);
                if (r > 0) {
                    j->len += (size_t)r;
                    continue;
                }
                bool eof = r == 0, late = tr_now_ms() > j->deadline;
                if (!eof && !late)
                    break;
                int status = 0;
                bool reaped = false;
                if (late && !eof) /* its IUT first: the job's handler stops it */
                    reaped = stop_late_job(j->pid, &status);
                close(j->fd);
                j->fd = -1;
                if (!reaped)
                    waitpid(j->pid, &status, 0);
                sc_result *res = &results[idx[k]];
                if (!recv_result(j, res)) {
                    remove_partial_capture(j, o, scratch);
                    base_result(j, job_scenario(j, scratch, err, sizeof err), res, o);
                    res->v = V_ERROR;
                    job_bound_parts b;
                    int64_t bound = job_bound_ms(j, pf, o->timeout_ms, &b);
                    if (late)
                        snprintf(res->message, sizeof res->message,
                                 "the scenario did not end within its bound of %lld ms (the "
                                 "IUT's start-up %lld ms, the steps' timeouts and waits %lld "
                                 "ms, the IUT's finish %lld ms, a margin of %d ms): stopped, "
                                 "its IUT first",
                                 (long long)bound, (long long)b.ready_ms, (long long)b.steps_ms,
                                 (long long)b.after_ms, JOB_BOUND_MARGIN_MS);
                    else
                        snprintf(res->message, sizeof res->message,
                                 "the harness process running the scenario failed (%s)",
                                 WIFSIGNALED(status) ? strsignal(WTERMSIG(status))
                                                     : "no result");
                }
                res->timing.job_ms = mono_ms() - j->started_ms;
                if (j->harness_role == SC_HARNESS_INITIATOR)
                    per_run_job_done(st->per_run, res);
                done[idx[k]] = true;
                running--;
                free(j->buf);
                j->buf = NULL;
                break;
            }
        }
        while (printed < n_jobs && done[printed]) {
            sc_result *res = &results[printed];
            if (mode == POOL_SUITE && (res->v != V_ERROR || jobs[printed].tmpl != NULL))
                apply_known_failures(pf, res);
            if (mode == POOL_SUITE || (mode == POOL_SANITY && !sanity_passed(res)))
                print_result(res, o->quiet);
            printed++;
        }
    }
    if (interrupted) {
        for (size_t i = 0; i < next; i++)
            if (!done[i] && jobs[i].fd > 0) {
                kill(jobs[i].pid, SIGTERM);
                waitpid(jobs[i].pid, NULL, 0);
                close(jobs[i].fd);
                remove_partial_capture(&jobs[i], o, scratch);
            }
    }
    return printed;
}

/* Every job loads its two credentials (and maybe a third it tells the IUT
 * about) from o->cred_dir: those of the runnable jobs are loaded once here,
 * and the forked jobs copy them (credfile_preload_one). Only what the jobs
 * use: a run of one scenario loads two, not the folder. */
static void preload_credentials(run_state *st, const run_opts *o)
{
    char err[512];
    for (size_t i = 0; i < st->jl.n; i++) {
        const job *j = &st->jl.v[i];
        if (j->tmpl == NULL || j->skip)
            continue;
        const scenario *sc = job_scenario(j, st->scratch, err, sizeof err);
        credfile_id id = CREDFILE_KID;
        if (sc == NULL || sc->vector[0] || (sc->cred_id[0] && credfile_id_parse(sc->cred_id, &id)))
            continue;
        const char *own, *peer;
        sc_cred_names(sc, j->harness_role, &own, &peer);
        (void)credfile_preload_one(o->cred_dir, own, id);
        (void)credfile_preload_one(o->cred_dir, peer, id);
        if (sc->id_cred_of_iut_peer)
            (void)credfile_preload_one(o->cred_dir, sc->iut_peer_cred, id);
    }
}

/* The sanity conversations (sanity.h): run before the suite; a failed one
 * is printed with what failed and kept for the reports, and sets *failed.
 * The suite's jobs that stand in for a conversation run first (with the
 * suite's budget, their results st->results', marked done); the built-in
 * conversation runs where none does, or where it did not pass.
 * 0, or -1 (cannot set it up: printed). */
static int run_sanity(run_state *st, const run_opts *o, sc_budget suite_budget, bool *failed)
{
    char err[512];
    job_list *sj = &st->sanity;
    if (sanity_jobs(&st->jl, st->pf, sj, err, sizeof err) != 0) {
        fprintf(stderr, "run: sanity conversation: %s\n", err);
        return -1;
    }
    size_t n = sj->n, n_in = 0, n_conv = 0, n_by_suite = 0;
    long *subst = calloc(n ? n : 1, sizeof *subst);
    job *ahead = calloc(n ? n : 1, sizeof *ahead), *conv = calloc(n ? n : 1, sizeof *conv);
    sc_result *r_ahead = calloc(n ? n : 1, sizeof *r_ahead);
    bool *d_ahead = calloc(n ? n : 1, sizeof *d_ahead), *d_conv = calloc(n ? n : 1, sizeof *d_conv);
    st->sanity_results = calloc(n ? n : 1, sizeof *st->sanity_results);
    int rc = -1;
    if (subst == NULL || ahead == NULL || conv == NULL || r_ahead == NULL || d_ahead == NULL ||
        d_conv == NULL || st->sanity_results == NULL) {
        fprintf(stderr, "run: out of memory\n");
        goto out;
    }
    if (sanity_substitutes(&st->jl, sj, subst, err, sizeof err) != 0) {
        fprintf(stderr, "run: sanity conversation: %s\n", err);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (subst[i] >= 0)
            ahead[n_in++] = st->jl.v[subst[i]];
    size_t ran = run_pool(st, o, suite_budget, ahead, n_in, r_ahead, d_ahead, POOL_SILENT);
    for (size_t i = 0, t = 0; i < n; i++) {
        if (subst[i] < 0 || t >= ran) {
            if (subst[i] >= 0)
                t++;
            conv[n_conv++] = sj->v[i];
            continue;
        }
        sc_result *res = &r_ahead[t++];
        size_t k = (size_t)subst[i];
        if (res->v == V_PASS) { /* a stand-in holds it only by passing outright */
            n_by_suite++;
        } else {
            conv[n_conv++] = sj->v[i];
        }
        st->results[k] = *res; /* the suite's result, printed in its turn */
        res->transcript = NULL;
        st->done[k] = true;
    }
    size_t ran_conv = interrupted ? 0 : run_pool(st, o, SC_BUDGET_NONE, conv, n_conv,
                                                 st->sanity_results, d_conv, POOL_SANITY);
    st->n_sanity = ran_conv;
    size_t n_failed = 0;
    for (size_t i = 0; i < st->n_sanity; i++)
        if (!sanity_passed(&st->sanity_results[i])) {
            char line[1024];
            sanity_explain(&st->sanity_results[i], line, sizeof line);
            printf("%s\n", line);
            n_failed++;
        }
    size_t n_done = n_by_suite + ran_conv;
    printf("sanity conversation: %zu of %zu plain handshakes (IUT role x profile) passed%s\n",
           n_done - n_failed, n,
           n_failed ? "; the suite does not run (--no-sanity runs it anyway)" : "");
    if (n_by_suite > 0)
        printf("sanity conversation: %zu of them held by a job of the suite, which ran first "
               "(its result is the suite's)\n", n_by_suite);
    fflush(stdout);
    *failed = n_failed > 0 || interrupted || n_done < n;
    rc = 0;
out:
    for (size_t t = 0; r_ahead != NULL && t < n_in; t++)
        free(r_ahead[t].transcript);
    free(subst);
    free(ahead);
    free(conv);
    free(r_ahead);
    free(d_ahead);
    free(d_conv);
    return rc;
}

int run_main(const run_opts *o)
{
    run_state st = {.pf = calloc(1, sizeof *st.pf), .scratch = malloc(sizeof *st.scratch)};
    peer_file *pf = st.pf;
    scenario *scratch = st.scratch;
    char err[512];
    job_list *jl = &st.jl;
    job *jobs;
    size_t n_jobs;
    run_report *rep = &st.rep;
    int rc = 2;
    /* the caller's handlers (the matrix's), given back at the end with the
     * signal that stopped this run, so that it stops too */
    struct sigaction old_int, old_term, old_hup;
    bool handlers = false;
    interrupted = 0;
    (void)reaper_become(); /* orphans of a job stopped by a signal come back here */
    run_report_init(rep);
    if (!run_dirs_ok(o))
        goto out;
    /* Every job writes a capture: libpcap is loaded here, once, not in each
     * job process (a failure is told by each job's capture note). */
    (void)tr_pcap_load(err, sizeof err);
    if (pf == NULL || scratch == NULL || peer_file_load(o->peer_file, pf, err, sizeof err) != 0 ||
        peer_template_refused(pf, o->peer_file, o->allow_template, err, sizeof err)) {
        fprintf(stderr, "run: %s\n", pf && scratch ? err : "out of memory");
        goto out;
    }
    /* the command line's profile wins over the peer file's */
    const char *budget_name = o->budget ? o->budget : pf->budget[0] ? pf->budget : "rfc9528";
    sc_budget budget;
    if (sc_budget_parse(budget_name, &budget) != 0) {
        fprintf(stderr, "run: unknown budget profile '%s' (rfc9528, lorawan-sf12, 6tisch, none)\n",
                budget_name);
        goto out;
    }
    if (jobs_build(o, pf, jl) != 0)
        goto out;
    if (o->quick && jobs_select_quick(jl) != 0) {
        fprintf(stderr, "run: out of memory\n");
        goto out;
    }
    if (o->shard_n > 0 &&
        jobs_select_shard(jl, o->shard_k, o->shard_n, o->shard_times, &st.shard) != 0) {
        fprintf(stderr, "run: out of memory\n");
        goto out;
    }
    jobs = jl->v, n_jobs = jl->n;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup); /* the terminal went away */
    handlers = true;
    copy_str(rep->peer, sizeof rep->peer, pf->name);
    copy_str(rep->peer_version, sizeof rep->peer_version, pf->version);
    rep->seed = o->seed;
    rep->strict = o->strict;
    time_t now = time(NULL);
    strftime(rep->started, sizeof rep->started, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    char shard_text[96] = "";
    if (o->shard_n > 0)
        snprintf(shard_text, sizeof shard_text, " (shard %d/%d of %zu jobs)", o->shard_k,
                 o->shard_n, st.shard.jobs);
    printf("edhoc-harness run: %zu jobs%s%s from %zu scenario files against %s %s, size "
           "budgets: %s\n",
           n_jobs, o->quick ? " (--quick selection)" : "", shard_text, jl->n_files, pf->name,
           pf->version, sc_budget_name(budget));
    fflush(stdout);
    pick_addresses(pf);
    st.per_run = start_per_run(pf, o, st.per_run_failure, sizeof st.per_run_failure);

    /* The sanity conversation first: an IUT that cannot do a plain handshake in
     * a profile stops the run (sanity.h). */
    /* Results in job order; up to o->jobs children at a time. */
    sc_result *results = st.results = calloc(n_jobs ? n_jobs : 1, sizeof *results);
    bool *done = st.done = calloc(n_jobs ? n_jobs : 1, sizeof *done);
    st.n_results = results ? n_jobs : 0;
    if (results == NULL || done == NULL)
        goto out;
    preload_credentials(&st, o);
    bool sanity_failed = false;
    double t_phase = mono_ms();
    if (!o->no_sanity && run_sanity(&st, o, budget, &sanity_failed) != 0)
        goto out;
    rep->sanity_s = (mono_ms() - t_phase) / 1e3;
    if (sanity_failed)
        for (size_t i = 0; i < n_jobs; i++) {
            if (done[i]) { /* run ahead as a conversation: the suite did not run */
                free(results[i].transcript);
                memset(&results[i], 0, sizeof results[i]);
                done[i] = false;
            }
            if (jobs[i].tmpl != NULL && !jobs[i].skip) {
                jobs[i].skip = true;
                snprintf(jobs[i].skip_text, sizeof jobs[i].skip_text,
                         "not run: the sanity conversation failed (see the sanity/handshake "
                         "result)");
            }
        }
    t_phase = mono_ms();
    size_t printed = run_pool(&st, o, budget, jobs, n_jobs, results, done, POOL_SUITE);
    rep->suite_s = (mono_ms() - t_phase) / 1e3;
    if (interrupted) {
        rep->interrupted = true;
        printf("run interrupted: %zu of %zu jobs finished\n", printed, n_jobs);
    }
    if (st.per_run != NULL)
        iut_stop(st.per_run, 1000, NULL);
    st.per_run = NULL;
    size_t failing = 0, errors = 0, ran = 0;
    for (size_t i = 0; i < st.n_sanity; i++) /* the failed conversations: why nothing ran */
        if (!sanity_passed(&st.sanity_results[i]))
            run_report_add(rep, &st.sanity_results[i]);
    for (size_t i = 0; i < printed; i++) {
        failing += fails_run(&results[i], o->strict);
        errors += results[i].v == V_ERROR;
        ran += results[i].v != V_SKIPPED;
        run_report_add(rep, &results[i]);
    }
    size_t counts[V_COUNT_];
    run_report_counts(rep, counts);
    printf("summary: %zu pass, %zu fail, %zu non-strict, %zu skipped, %zu error, %zu xfail, "
           "%zu xpass\n",
           counts[V_PASS], counts[V_FAIL], counts[V_NONSTRICT], counts[V_SKIPPED], counts[V_ERROR],
           counts[V_XFAIL], counts[V_XPASS]);
    print_amplification(rep);
    print_not_implemented(rep);
    size_t unwritten = 0;
    for (size_t i = 0; i < printed; i++) /* a job's transcript, pcap, IUT output */
        if (results[i].unwritten[0] && unwritten++ < 5)
            fprintf(stderr, "run: %s (job %s, harness %s)\n", results[i].unwritten,
                    results[i].id, results[i].role);
    if (unwritten > 5)
        fprintf(stderr, "run: and %zu more jobs with a file that could not be written\n",
                unwritten - 5);
    errno = 0;
    t_phase = mono_ms();
    if (o->junit && report_write_junit(rep, o->junit) != 0)
        unwritten += cannot_write(o->junit);
    rep->junit_s = (mono_ms() - t_phase) / 1e3;
    errno = 0;
    if (o->json && write_json(o, pf, rep, &st.shard, sc_budget_name(budget),
                              rep->n - printed, printed) != 0)
        unwritten += cannot_write(o->json);
    if (o->baseline && rep->interrupted) {
        fprintf(stderr, "run: interrupted: no baseline written to %s\n", o->baseline);
    } else if (o->baseline) {
        errno = 0;
        long entries = report_write_baseline(rep, o->baseline);
        if (entries < 0)
            unwritten += cannot_write(o->baseline);
        else
            printf("baseline: %ld known failures written to %s\n", entries, o->baseline);
    }
    if (o->keylog) {
        errno = 0;
        long lines = report_write_keylog(rep, o->keylog);
        if (lines < 0)
            unwritten += cannot_write(o->keylog);
        else
            printf("keylog: %ld derived values written to %s (testing only)\n", lines,
                   o->keylog);
    }
    json_t *compare = o->compare ? compare_with(o->compare, rep) : NULL;
    errno = 0;
    if (o->html && run_write_html(o->html, pf, rep, sc_budget_name(budget), compare) != 0)
        unwritten += cannot_write(o->html);
    json_decref(compare);
    rc = exit_code(o, sanity_failed, rep->interrupted, unwritten, failing, errors, ran);
out:
    credfile_cache_clear();
    run_state_free(&st);
    if (handlers) {
        reaper_sweep(); /* the jobs are over: what a stopped job's IUT left behind */
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
        sigaction(SIGHUP, &old_hup, NULL);
        const struct sigaction *old = interrupted == SIGTERM  ? &old_term
                                      : interrupted == SIGHUP ? &old_hup
                                                              : &old_int;
        if (interrupted && old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN)
            raise(interrupted);
    }
    return rc;
}

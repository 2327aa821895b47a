/*
 * bench_wire.c - the measurements with separate processes: the reference
 * Initiator against the reference Responder over loopback CoAP and UDP, the
 * Responder's memory per half-open session, and the wall time of the
 * conformance suite. Every wait is on an event (output, exit, a datagram)
 * with a bound; nothing sleeps.
 */
#define _GNU_SOURCE /* pipe2, nftw */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

extern char **environ;

/* ------------------------------------------------------------ processes */

int bench_proc_start(bench_proc *pr, char *const argv[])
{
    return bench_proc_start_in(pr, argv, NULL);
}

int bench_proc_start_in(bench_proc *pr, char *const argv[], const char *cwd)
{
    int fds[2];
    posix_spawn_file_actions_t fa;
    memset(pr, 0, sizeof *pr);
    pr->out_fd = -1;
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    if (cwd != NULL)
        posix_spawn_file_actions_addchdir_np(&fa, cwd);
    int rc = posix_spawn(&pr->pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        fprintf(stderr, "edhoc-bench: cannot start %s: %s\n", argv[0], strerror(rc));
        return -1;
    }
    pr->out_fd = fds[0];
    return 0;
}

/* Split complete lines off the buffer; a line containing `needle` is
 * copied to pr->line. True when one did. */
static bool take_lines(bench_proc *pr, const char *needle)
{
    bool found = false;
    char *start = pr->buf, *nl;
    while ((nl = memchr(start, '\n', pr->len - (size_t)(start - pr->buf))) != NULL) {
        *nl = 0;
        if (needle != NULL && strstr(start, needle) != NULL) {
            snprintf(pr->line, sizeof pr->line, "%.511s", start);
            found = true;
        }
        start = nl + 1;
    }
    pr->len -= (size_t)(start - pr->buf);
    memmove(pr->buf, start, pr->len);
    if (pr->len == sizeof pr->buf) /* a line longer than the buffer: dropped */
        pr->len = 0;
    return found;
}

/* One read; false at EOF or error (the descriptor is then closed). */
static bool read_some(bench_proc *pr)
{
    ssize_t n = read(pr->out_fd, pr->buf + pr->len, sizeof pr->buf - pr->len);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0) {
        close(pr->out_fd);
        pr->out_fd = -1;
        return false;
    }
    pr->len += (size_t)n;
    return true;
}

int bench_proc_wait_line(bench_proc *pr, const char *needle, int timeout_ms)
{
    double deadline = bench_now_us() + timeout_ms * 1000.0;
    for (;;) {
        if (take_lines(pr, needle))
            return 0;
        double left = (deadline - bench_now_us()) / 1000.0;
        if (pr->out_fd < 0 || left <= 0)
            return -1;
        struct pollfd p = {.fd = pr->out_fd, .events = POLLIN};
        int rc = poll(&p, 1, (int)left + 1);
        if (rc < 0 && errno != EINTR)
            return -1;
        if (rc > 0)
            read_some(pr);
    }
}

void bench_proc_drain(bench_proc *pr)
{
    struct pollfd p = {.fd = pr->out_fd, .events = POLLIN};
    while (pr->out_fd >= 0 && poll(&p, 1, 0) > 0 && read_some(pr))
        take_lines(pr, NULL);
}

int bench_proc_finish(bench_proc *pr, const char *keep, bench_proc *other, int timeout_ms)
{
    double deadline = bench_now_us() + timeout_ms * 1000.0;
    int status = -1;
    while (pr->out_fd >= 0) {
        struct pollfd p[2] = {{.fd = pr->out_fd, .events = POLLIN},
                              {.fd = other ? other->out_fd : -1, .events = POLLIN}};
        double left = (deadline - bench_now_us()) / 1000.0;
        if (left <= 0) {
            kill(pr->pid, SIGKILL);
            break;
        }
        int rc = poll(p, 2, (int)left + 1);
        if (rc < 0 && errno != EINTR)
            break;
        if (rc > 0 && p[1].revents != 0)
            bench_proc_drain(other);
        if (rc > 0 && p[0].revents != 0 && read_some(pr))
            take_lines(pr, keep);
    }
    take_lines(pr, keep);
    if (pr->out_fd >= 0)
        close(pr->out_fd), pr->out_fd = -1;
    while (waitpid(pr->pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

int bench_proc_stop(bench_proc *pr, const char *keep)
{
    kill(pr->pid, SIGTERM);
    return bench_proc_finish(pr, keep, NULL, 5000);
}

long bench_rss_kib(pid_t pid)
{
    char path[64], line[256];
    long kib = -1;
    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "VmRSS:", 6) == 0)
            kib = strtol(line + 6, NULL, 10);
    fclose(f);
    return kib;
}

/* The port a Responder reports: "responder: listening on udp://127.0.0.1:PORT". */
static int responder_start(bench_proc *pr, char *const argv[])
{
    if (bench_proc_start(pr, argv) != 0)
        return -1;
    if (bench_proc_wait_line(pr, "listening on", 10000) != 0) {
        fprintf(stderr, "edhoc-bench: the Responder did not start\n");
        bench_proc_stop(pr, NULL);
        return -1;
    }
    const char *colon = strrchr(pr->line, ':');
    int port = colon ? atoi(colon + 1) : 0;
    if (port <= 0) {
        bench_proc_stop(pr, NULL);
        return -1;
    }
    return port;
}

/* ----------------------------------------------------------- loopback */

double bench_loopback(const char *harness, const char *cred_dir, const bench_pair *p,
                      const char *transport, long n, int runs)
{
    char method[16], suite[16], port[16], repeat[24];
    snprintf(method, sizeof method, "%d", p->method);
    snprintf(suite, sizeof suite, "%d", p->suite->id);
    snprintf(repeat, sizeof repeat, "%ld", n);
    char *resp_argv[] = {(char *)harness, "peer", "responder", "--host", "127.0.0.1", "--port",
                         "0", "--transport", (char *)transport, "--cred-dir", (char *)cred_dir,
                         "--cred", (char *)p->cred_r, "--peer-cred", (char *)p->cred_i,
                         "--cred-id", "kid", "--methods", method, "--suites", suite,
                         "--message-4", NULL};
    bench_proc resp, init;
    int rport = responder_start(&resp, resp_argv);
    if (rport < 0)
        return -1;
    snprintf(port, sizeof port, "%d", rport);
    char *init_argv[] = {(char *)harness, "peer", "initiator", "--host", "127.0.0.1", "--port",
                         port, "--transport", (char *)transport, "--cred-dir", (char *)cred_dir,
                         "--cred", (char *)p->cred_i, "--peer-cred", (char *)p->cred_r,
                         "--cred-id", "kid", "--method", method, "--suites", suite,
                         "--message-4", "--no-oscore", "--repeat", repeat, NULL};
    double result = -1;
    for (int run = 0; run < runs; run++) {
        if (bench_proc_start(&init, init_argv) != 0)
            break;
        int st = bench_proc_finish(&init, "in a row in", &resp, 600000);
        const char *at = strstr(init.line, "in a row in ");
        double ms = at ? strtod(at + strlen("in a row in "), NULL) : 0;
        if (st != 0 || ms <= 0) {
            fprintf(stderr, "edhoc-bench: %s loopback, METHOD %d suite %d: initiator failed: %s\n",
                    transport, p->method, p->suite->id, init.line);
            result = -1;
            break;
        }
        double hs_s = (double)n / (ms / 1000.0);
        if (hs_s > result)
            result = hs_s;
    }
    bench_proc_stop(&resp, NULL);
    return result;
}

/* ------------------------------------------------ memory per session */

int bench_memory_measure(const char *harness, const char *cred_dir, long n, bench_memory *m)
{
    static credfile ci, cr;
    static eh_session s;
    eh_config c;
    struct sockaddr_in to;
    char max[24];
    memset(m, 0, sizeof *m);
    snprintf(max, sizeof max, "%ld", n);
    char *resp_argv[] = {(char *)harness, "peer",     "responder",       "--host",
                         "127.0.0.1",     "--port",   "0",               "--transport",
                         "udp",           "--cred-dir", (char *)cred_dir, "--max-sessions",
                         max,             NULL};
    bench_proc resp;
    int rport = responder_start(&resp, resp_argv);
    if (rport < 0)
        return -1;
    int rc = -1, fd = -1;
    if (credfile_load(cred_dir, "rfc9529-trace2-i", CREDFILE_KID, &ci) != 0 ||
        credfile_load(cred_dir, "rfc9529-trace2-r", CREDFILE_KID, &cr) != 0)
        goto out;
    memset(&c, 0, sizeof c);
    c.role = EH_INITIATOR;
    c.method = 3;
    c.suites[0] = 2, c.n_suites = 1;
    c.own_cred = ci.c, c.own_priv = ci.priv, c.own_priv_len = ci.priv_len;
    c.own_sign_alg = ci.sign_alg, c.own_sign_key = ci.sign_key;
    c.peer_creds = &cr.c, c.n_peer_creds = 1;
    c.rng = eh_crypto_random;
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons((uint16_t)rport);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof to) != 0)
        goto out;
    m->rss_before_kib = bench_rss_kib(resp.pid);
    double t0 = bench_now_us();
    for (long i = 0; i < n; i++) {
        /* distinct C_I: three bytes (a bstr on the wire) */
        uint8_t id[3] = {(uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i}, d[512], ans[2048];
        size_t len = 0;
        eh_session_init(&s, &c);
        eh_session_set_conn_id(&s, id, sizeof id);
        d[0] = 0xf5; /* Appendix A.2 prefix of message_1 */
        if (eh_initiator_message_1(&s, d + 1, sizeof d - 1, &len) != EH_OK ||
            send(fd, d, len + 1, 0) != (ssize_t)(len + 1))
            goto out;
        /* the Responder's answer (message_2), read and dropped: the next
         * message_1 goes only once this one was processed */
        struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = resp.out_fd, .events = POLLIN}};
        bool answered = false;
        while (!answered) {
            int prc = poll(p, 2, 5000);
            if (prc <= 0) {
                fprintf(stderr, "edhoc-bench: no answer to message_1 number %ld\n", i + 1);
                goto out;
            }
            if (p[1].revents)
                bench_proc_drain(&resp), p[1].fd = resp.out_fd;
            if (p[0].revents)
                answered = recv(fd, ans, sizeof ans, 0) >= 0;
        }
    }
    m->seconds = (bench_now_us() - t0) / 1e6;
    m->rss_after_kib = bench_rss_kib(resp.pid);
    m->sessions = n;
    m->bytes_per_session = (double)(m->rss_after_kib - m->rss_before_kib) * 1024.0 / (double)n;
    rc = m->rss_before_kib > 0 && m->rss_after_kib > 0 ? 0 : -1;
out:
    if (fd >= 0)
        close(fd);
    eh_session_wipe(&s);
    credfile_wipe(&ci);
    credfile_wipe(&cr);
    bench_proc_stop(&resp, "sessions open");
    /* "responder: stopped: ..., N sessions open, M evicted, ..." */
    const char *open = strstr(resp.line, " sessions open");
    if (rc == 0 && open != NULL) {
        const char *num = open;
        while (num > resp.line && num[-1] >= '0' && num[-1] <= '9')
            num--;
        if (strtol(num, NULL, 10) != n) {
            fprintf(stderr, "edhoc-bench: the Responder kept %ld sessions, not %ld\n",
                    strtol(num, NULL, 10), n);
            rc = -1;
        }
    }
    return rc;
}

/* -------------------------------------------------------- suite wall time */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

const char *const bench_phase_names[BENCH_PHASES] = {
    "setup_ms", "spawn_ms", "ready_ms", "steps_ms", "stop_ms", "files_ms", "job_ms"};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The phases of the run whose JSON report is at path (bench_suite_time). */
static void read_phases(const char *path, bench_suite_time *t)
{
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je), *results = json_object_get(doc, "results");
    json_t *timing = json_object_get(doc, "timing");
    size_t n = json_array_size(results);
    double *v = n ? calloc(n, sizeof *v) : NULL;
    if (doc == NULL || v == NULL || !json_is_object(timing)) {
        free(v);
        json_decref(doc);
        return;
    }
    t->sanity_s = json_number_value(json_object_get(timing, "sanity_s"));
    t->suite_s = json_number_value(json_object_get(timing, "suite_s"));
    t->junit_s = json_number_value(json_object_get(timing, "junit_s"));
    for (int k = 0; k < BENCH_PHASES; k++) {
        size_t m = 0;
        t->phase_sum_ms[k] = 0;
        for (size_t i = 0; i < n; i++) {
            json_t *jt = json_object_get(json_array_get(results, i), "timing");
            if (!json_is_object(jt))
                continue;
            v[m] = json_number_value(json_object_get(jt, bench_phase_names[k]));
            t->phase_sum_ms[k] += v[m++];
        }
        qsort(v, m, sizeof *v, cmp_double);
        t->phase_median_ms[k] = m == 0 ? 0 : m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
        t->jobs = m;
    }
    t->have_phases = t->jobs > 0;
    free(v);
    json_decref(doc);
}

int bench_suite_run(const char *harness, const char *cwd, const char *const *extra,
                    bench_suite_time *t)
{
    char dir[] = "/tmp/edhoc-bench-XXXXXX", junit[64], json[64];
    char *argv[40];
    int k = 0;
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(junit, sizeof junit, "%s/junit.xml", dir);
    snprintf(json, sizeof json, "%s/results.json", dir);
    const char *fixed[] = {harness, "run", "--peer", "peers/reference.yaml", "--role", "both",
                           "--quiet", "--out", dir, "--junit", junit, "--json", json};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        argv[k++] = (char *)fixed[i];
    for (size_t i = 0; extra[i] != NULL && k < 39; i++)
        argv[k++] = (char *)extra[i];
    argv[k] = NULL;
    bench_proc pr;
    double t0 = bench_now_us();
    int rc = -1;
    if (bench_proc_start_in(&pr, argv, cwd) == 0) {
        t->exit_status = bench_proc_finish(&pr, "summary:", NULL, 900000);
        t->seconds = (bench_now_us() - t0) / 1e6;
        snprintf(t->summary, sizeof t->summary, "%.255s", pr.line);
        rc = WIFEXITED(t->exit_status) && WEXITSTATUS(t->exit_status) == 0 ? 0 : -1;
        if (rc != 0)
            fprintf(stderr, "edhoc-bench: %s: the run failed (%s)\n", t->label, t->summary);
        else
            read_phases(json, t);
    }
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return rc;
}

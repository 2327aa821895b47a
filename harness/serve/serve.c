#define _GNU_SOURCE /* pipe2, accept4 */
/*
 * serve.c - the front of `edhoc-harness serve` (serve.h): the listening
 * sockets, the poll loop, what a UDP datagram starts or where it goes, and
 * the start and stop. The jobs are serve_jobs.c's, the results
 * serve_results.c's, CoAP over TCP serve_tcp.c's (serve_internal.h).
 */
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
#include "../report/report.h"
#include "../runner/jobs.h"
#include "../scenario/budget.h"
#include "../scenario/profile.h"
#include "../transport/pcap_file.h"
#include "../transport/udp.h"
#include "serve_internal.h"

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


/* ------------------------------------------------------------- helpers */

void sv_addr_text(const struct sockaddr_storage *a, char *host, size_t hcap, int *port)
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

void sv_mkdir_p(const char *dir)
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

/* ------------------------------------------------------------- serving */

void sv_answer(serve_state *st, const sv_reply *rp, const serve_request *r, uint8_t code,
               int cf, int max_age, const char *body, size_t len)
{
    uint8_t out[1400];
    size_t n;
    if (rp->conn != NULL) {
        if (!rp->conn->csm_sent) { /* RFC 8323 §5.3: a CSM (7.01), empty, first */
            static const uint8_t csm[] = {0x00, 0xe1};
            (void)!write(rp->conn->fd, csm, sizeof csm);
            rp->conn->csm_sent = true;
        }
        n = serve_response_tcp(r, code, cf, max_age, (const uint8_t *)body, len, out,
                               sizeof out);
        if (n > 0)
            (void)!write(rp->conn->fd, out, n);
        return;
    }
    n = serve_response(r, st->next_mid++, code, cf, max_age, (const uint8_t *)body, len, out,
                       sizeof out);
    if (n > 0)
        (void)sendto(rp->l->fd, out, n, 0, (const struct sockaddr *)rp->to, rp->to_len);
}

bool sv_take_request(serve_state *st, size_t li, const serve_request *r, const sv_reply *rp,
                     const uint8_t *d, size_t n, sc_transport t)
{
    char host[80];
    int port;
    sv_addr_text(rp->to, host, sizeof host, &port);
    if (r->kind == SR_IGNORE)
        return false;
    if (r->kind == SR_RESULTS) {
        const char *name = r->name[0] ? r->name : host;
        const client *c = NULL;
        for (size_t i = 0; i < st->n_clients; i++)
            if (strcmp(st->clients[i].name, name) == 0)
                c = &st->clients[i];
        char body[1024];
        size_t len = sv_results_body(c, name, body, sizeof body);
        sv_answer(st, rp, r, 0x45, 50, -1, body, len); /* 2.05, application/json */
        return false;
    }
    if (r->kind == SR_ANSWER) {
        sv_answer(st, rp, r, r->answer_code, -1, -1, r->answer_text, strlen(r->answer_text));
        return false;
    }
    int method = -1, suite = -1;
    const char *id = r->kind == SR_TEST ? r->test_id : SERVE_BASELINE_ID;
    /* an empty POST is the reverse flow's trigger (RFC 9528 Appendix A.2.2):
     * the client is the Responder, the harness the Initiator */
    sc_role harness = r->payload_len == 0 ? SC_HARNESS_INITIATOR : SC_HARNESS_RESPONDER;
    if (r->kind == SR_BASELINE && r->payload_len > 0 &&
        !serve_message_1_peek(r->payload, r->payload_len, &method, &suite))
        method = suite = -1; /* not a message_1 it can read: the first profile judges it */
    size_t skipped, ji = sv_find_job(st, id, r->profile, r->oscore, t, harness, method, suite,
                                     &skipped);
    if (ji == SIZE_MAX && method >= 0) /* no profile of that METHOD and suite: the first */
        ji = sv_find_job(st, id, r->profile, r->oscore, t, harness, -1, -1, &skipped);
    if (ji == SIZE_MAX) {
        char text[320];
        if (skipped != SIZE_MAX)
            snprintf(text, sizeof text, "test %.60s cannot run here: %.120s", id,
                     st->jl.v[skipped].skip_text);
        else
            snprintf(text, sizeof text, "no test %.80s%s%.40s%s over %s with the harness the "
                     "%s", id, r->profile[0] ? " in profile " : "", r->profile,
                     r->oscore < 0 ? "" : r->oscore ? " with OSCORE" : " without OSCORE",
                     t == SC_COAP_TCP ? "CoAP over TCP" : "CoAP",
                     harness == SC_HARNESS_INITIATOR ? "Initiator (an empty POST: the reverse "
                                                       "flow)" : "Responder");
        sv_answer(st, rp, r, 0x84, -1, -1, text, strlen(text));
        return false;
    }
    size_t ci = sv_client_of(st, r->name[0] ? r->name : host, host);
    if (ci != SIZE_MAX && sv_start_job(st, li, rp->to, rp->to_len, ci, ji, d, n,
                                       rp->conn ? rp->conn->fd : -1) == 0)
        return true;
    static const char busy[] = "busy: try again";
    sv_answer(st, rp, r, 0xa3, -1, 1, busy, sizeof busy - 1); /* 5.03, Max-Age 1 */
    return false;
}

static void on_datagram(serve_state *st, size_t li, const uint8_t *d, size_t n,
                        const struct sockaddr_storage *from, socklen_t from_len)
{
    listener *l = &st->l[li];
    serve_request r;
    memset(&r, 0, sizeof r);
    if (!l->raw)
        serve_route(d, n, &r);
    sv_reply rp = {.l = l, .to = from, .to_len = from_len, .conn = NULL};
    if (r.kind == SR_RESULTS) { /* also from a client with a running job */
        sv_take_request(st, li, &r, &rp, d, n, SC_COAP);
        return;
    }
    /* the client's running job, if any */
    sjob *sj = NULL;
    for (int i = 0; i < st->o->max_jobs; i++) {
        sjob *s = &st->jobs[i];
        if (s->used && !s->detached && !s->tcp && s->lst == li &&
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
            sv_relay_to_job(sj, d, n);
            return;
        }
        sj->detached = true;
        kill(sj->pid, SIGUSR1);
    }
    if (l->raw) {
        char host[80];
        int port;
        sv_addr_text(from, host, sizeof host, &port);
        size_t ci = sv_client_of(st, host, host);
        if (ci == SIZE_MAX ||
            sv_start_job(st, li, from, from_len, ci, l->raw_job, d, n, -1) != 0) {
            /* raw UDP has no 5.03: the datagram is dropped, said at most once a second */
            static int64_t last_said;
            static unsigned dropped;
            int64_t now = tr_now_ms();
            dropped++;
            if (now - last_said >= 1000) {
                fprintf(stderr, "serve: raw UDP from %s port %d: no job started (%s); %u "
                        "datagram(s) dropped so\n", host, port,
                        ci == SIZE_MAX ? "too many clients" : "all job slots busy", dropped);
                last_said = now;
                dropped = 0;
            }
        }
        return;
    }
    sv_take_request(st, li, &r, &rp, d, n, SC_COAP);
}

enum { BIND_COAP, BIND_RAW, BIND_TCP };
static bool bind_quiet; /* a failure is retried: not printed */

/* Bind every address of host (port 0: the first one picks, the rest
 * follow): CoAP over UDP, raw UDP for job ji, or CoAP over TCP. IPv6
 * sockets are IPv6-only when the host has IPv4 addresses too (bound on
 * their own), else dual-stack (--host ::). 0, or -1 after printing. */
static int bind_all(serve_state *st, const char *host, int port, int kind, size_t ji,
                    int *bound_port)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = kind == BIND_TCP ? SOCK_STREAM : SOCK_DGRAM;
    hints.ai_flags = AI_PASSIVE;
    int gai = getaddrinfo(host, NULL, &hints, &res);
    if (gai != 0) {
        fprintf(stderr, "serve: --host %s: %s\n", host, gai_strerror(gai));
        return -1;
    }
    bool has_v4 = false;
    for (struct addrinfo *a = res; a != NULL; a = a->ai_next)
        has_v4 |= a->ai_family == AF_INET;
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
        int fd = socket(ss.ss_family, hints.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        int on = 1, v6only = has_v4;
        if (fd >= 0 && ss.ss_family == AF_INET6)
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
        if (fd >= 0 && kind == BIND_TCP)
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        if (fd < 0 || bind(fd, (struct sockaddr *)&ss, a->ai_addrlen) != 0 ||
            (kind == BIND_TCP && listen(fd, 64) != 0)) {
            char h[80];
            int p;
            sv_addr_text(&ss, h, sizeof h, &p);
            if (!bind_quiet)
                fprintf(stderr, "serve: cannot bind %s port %d (%s): %s\n", h, port,
                        kind == BIND_TCP ? "TCP" : "UDP", strerror(errno));
            if (fd >= 0)
                close(fd);
            rc = -1;
            break;
        }
        socklen_t sl = sizeof ss;
        getsockname(fd, (struct sockaddr *)&ss, &sl);
        char h[80];
        int p;
        sv_addr_text(&ss, h, sizeof h, &p);
        (void)h;
        if (port == 0)
            port = p; /* the other addresses take the same port */
        listener *l = &st->l[st->n_l++];
        l->fd = fd, l->family = ss.ss_family, l->port = p, l->raw = kind == BIND_RAW;
        l->tcp = kind == BIND_TCP, l->raw_job = ji;
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

static void print_listeners(const serve_state *st)
{
    for (size_t i = 0; i < st->n_l; i++) {
        const listener *l = &st->l[i];
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        char h[80];
        int p;
        getsockname(l->fd, (struct sockaddr *)&ss, &sl);
        sv_addr_text(&ss, h, sizeof h, &p);
        const char *lb = l->family == AF_INET6 ? "[" : "", *rb = l->family == AF_INET6 ? "]" : "";
        if (l->raw)
            printf("serve: listening on %s%s%s port %d (raw UDP: %s)\n", lb, h, rb, p,
                   st->jl.v[l->raw_job].id);
        else
            printf("serve: listening on %s://%s%s%s:%d (CoAP over %s)\n",
                   l->tcp ? "coap+tcp" : "coap", lb, h, rb, p, l->tcp ? "TCP" : "UDP");
    }
}

/* A UDP job's answers, to its client from the listening socket. */
static void udp_job_answers(serve_state *st, sjob *sj)
{
    for (int burst = 0; burst < 64; burst++) {
        ssize_t r = recv(sj->up, st->dgram, sizeof st->dgram, 0);
        if (r < 0)
            break;
        if (!sj->detached)
            (void)sendto(st->l[sj->lst].fd, st->dgram, (size_t)r, 0,
                         (struct sockaddr *)&sj->client, sj->client_len);
    }
}

static void on_listener(serve_state *st, size_t i)
{
    if (st->l[i].tcp) {
        sv_tcp_accept(st, i);
        return;
    }
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

/* Poll slots: the stop pipe, the listeners, per job its output, its socket
 * towards the job, the client's connection (TCP), then the connections
 * before their first request. */
static void serve_loop(serve_state *st)
{
    size_t n_jobs = (size_t)st->o->max_jobs;
    struct pollfd *pfd = calloc(1 + SERVE_MAX_LISTENERS + 3 * n_jobs + SERVE_MAX_CONNS,
                                sizeof *pfd);
    if (pfd == NULL)
        return;
    while (!stop_signal) {
        size_t k = 0;
        pfd[k++] = (struct pollfd){.fd = stop_pipe[0], .events = POLLIN};
        for (size_t i = 0; i < st->n_l; i++)
            pfd[k++] = (struct pollfd){.fd = st->l[i].fd, .events = POLLIN};
        int64_t now = tr_now_ms(), wake = now + 1000;
        for (size_t i = 0; i < n_jobs; i++) {
            sjob *sj = &st->jobs[i];
            bool on = sj->used;
            /* a TCP side with nothing to wait for is not polled: a socket whose peer
             * hung up reports POLLHUP whatever the events asked, and would spin */
            short up_ev = sj->tcp ? sv_tcp_up_wants(sj) : POLLIN,
                  conn_ev = sj->tcp ? sv_tcp_conn_wants(sj) : 0;
            pfd[k++] = (struct pollfd){.fd = on ? sj->fd : -1, .events = POLLIN};
            pfd[k++] = (struct pollfd){.fd = on && up_ev ? sj->up : -1, .events = up_ev};
            pfd[k++] = (struct pollfd){.fd = on && conn_ev ? sj->conn : -1, .events = conn_ev};
            int64_t t = sj->late ? sj->kill_at : sj->deadline;
            if (on && t < wake)
                wake = t;
        }
        for (size_t i = 0; i < SERVE_MAX_CONNS; i++) {
            pfd[k++] = (struct pollfd){.fd = st->conns[i].fd, .events = POLLIN};
            if (st->conns[i].fd >= 0 && st->conns[i].deadline < wake)
                wake = st->conns[i].deadline;
        }
        int timeout = wake > now ? (int)(wake - now) : 0;
        if (poll(pfd, k, timeout) < 0 && errno != EINTR)
            break;
        if (stop_signal)
            break;
        for (size_t i = 0; i < st->n_l; i++)
            if (pfd[1 + i].revents & POLLIN)
                on_listener(st, i);
        now = tr_now_ms();
        size_t base = 1 + st->n_l;
        for (size_t i = 0; i < n_jobs; i++) {
            sjob *sj = &st->jobs[i];
            const struct pollfd *p = &pfd[base + 3 * i];
            if (!sj->used)
                continue;
            if (sj->tcp)
                sv_tcp_job_io(sj, p[2].revents, p[1].revents);
            else if (p[1].revents & POLLIN)
                udp_job_answers(st, sj);
            if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
                int out = sv_job_output(st, sj);
                if (out == SV_OUT_EOF) {
                    sv_job_done(st, sj, sj->late ? "the job ran past its bound and was stopped"
                                                 : NULL);
                    continue;
                }
                if (out == SV_OUT_FULL && !sj->late) /* the rest is not read */
                    sv_on_late(st, sj, now);
            }
            if (now >= (sj->late ? sj->kill_at : sj->deadline))
                sv_on_late(st, sj, now);
        }
        base += 3 * n_jobs;
        for (size_t i = 0; i < SERVE_MAX_CONNS; i++) {
            sv_conn *c = &st->conns[i];
            if (c->fd >= 0 && (pfd[base + i].revents & (POLLIN | POLLHUP | POLLERR)))
                sv_tcp_conn_io(st, c);
            if (c->fd >= 0 && now >= c->deadline) /* no first request in time */
                sv_conn_close(c);
        }
    }
    free(pfd);
}

/* ---------------------------------------------------------------- main */

/* As `run`'s (runner.h), over every client's results, so that a project's CI
 * can gate on serve: 1 a conformance failure (a MUST-level fail, an xpass),
 * else 3 a report not written or a job in error (interrupted included),
 * else 4 no job ran, else 0. */
static int exit_code(const serve_state *st)
{
    size_t n = 0, failing = 0, errors = 0;
    for (size_t i = 0; i < st->n_clients; i++)
        for (size_t k = 0; k < st->clients[i].rep.n; k++) {
            const sc_result *r = &st->clients[i].rep.results[k];
            n += r->v != V_SKIPPED;
            failing += r->v != V_ERROR && report_fails_run(r, false);
            errors += r->v == V_ERROR;
        }
    if (failing)
        return 1;
    if (st->unwritten || errors)
        return 3;
    return n == 0 ? 4 : 0;
}

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
        st->jobs[i].fd = st->jobs[i].up = st->jobs[i].conn = -1;
    for (size_t i = 0; i < SERVE_MAX_CONNS; i++)
        st->conns[i].fd = -1;
    if (peer_file_load(o->peer_profile, st->pf, err, sizeof err) != 0) {
        fprintf(stderr, "serve: --peer-profile: %s\n", err);
        goto out;
    }
    /* the clients are Initiators nobody launches: what the scenarios ask of
     * one ({c_i}, ...) only a command of the peer file says it takes */
    st->pf->initiator.present = true;
    st->pf->initiator.fixed_port = 0;
    st->pf->initiator.per_run = false;
    /* and Responders that are clients (the reverse flow): a reverse profile */
    st->pf->responder.present = true;
    st->pf->responder.fixed_port = 0;
    st->pf->responder.per_run = false;
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
    ro.iut_roles = RUN_IUT_INITIATOR | RUN_IUT_RESPONDER;
    ro.all_profiles = true;
    ro.seed = o->seed;
    ro.filter = NULL;
    if (jobs_build(&ro, st->pf, &st->jl) != 0)
        goto out;
    if (o->filter) /* the baseline stays */
        for (size_t i = 0; i < st->jl.n; i++) {
            job *j = &st->jl.v[i];
            if (strcmp(j->id, SERVE_BASELINE_ID) != 0 && fnmatch(o->filter, j->id, 0) != 0 &&
                !j->skip) {
                j->skip = true;
                snprintf(j->skip_text, sizeof j->skip_text, "not offered (--filter %.100s)",
                         o->filter);
            }
        }
    size_t n_tests = 0, n_reverse = 0;
    for (size_t i = 0; i < st->jl.n; i++) {
        const job *j = &st->jl.v[i];
        bool reverse = j->has_profile && j->profile.flow == SC_FLOW_REVERSE;
        bool fits = j->harness_role == (reverse ? SC_HARNESS_INITIATOR : SC_HARNESS_RESPONDER);
        n_tests += !j->skip && fits;
        n_reverse += !j->skip && fits && reverse;
    }
    size_t raw_job[SERVE_MAX_RAW];
    for (size_t i = 0; i < o->n_raw; i++) {
        char id[SC_MAX_ID], *at;
        snprintf(id, sizeof id, "%s", o->raw[i].id);
        at = strchr(id, '@');
        if (at)
            *at++ = 0;
        size_t skipped;
        raw_job[i] = sv_find_job(st, id, at ? at : "", -1, SC_UDP, SC_HARNESS_RESPONDER, -1,
                                 -1, &skipped);
        if (raw_job[i] == SIZE_MAX) {
            fprintf(stderr, "serve: --raw %d=%s: %s\n", o->raw[i].port, o->raw[i].id,
                    skipped != SIZE_MAX ? st->jl.v[skipped].skip_text
                                        : "no such raw UDP scenario (transport: udp) with the "
                                          "harness the Responder");
            goto out;
        }
    }
    sv_mkdir_p(o->out_dir);
    if (stat(o->out_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "serve: --out %s: cannot create it\n", o->out_dir);
        goto out;
    }
    (void)tr_pcap_load(err, sizeof err);
    time_t now = time(NULL);
    strftime(st->started, sizeof st->started, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    rc = 3;
    int bound;
    /* --port 0: the free UDP port may be taken for TCP; then another one */
    for (int attempt = 0;; attempt++) {
        bool retry = o->port == 0 && o->tcp && o->tcp_port == 0 && attempt < 20;
        size_t n_l = st->n_l;
        if (bind_all(st, o->host, o->port, BIND_COAP, 0, &bound) != 0)
            goto out;
        if (!o->tcp)
            break;
        bind_quiet = retry;
        int tcp_bound, rc_tcp = bind_all(st, o->host, o->tcp_port ? o->tcp_port : bound,
                                         BIND_TCP, 0, &tcp_bound);
        bind_quiet = false;
        if (rc_tcp == 0)
            break;
        if (!retry)
            goto out;
        while (st->n_l > n_l) /* not this port: all of its sockets closed */
            close(st->l[--st->n_l].fd);
    }
    for (size_t i = 0; i < o->n_raw; i++)
        if (bind_all(st, o->host, o->raw[i].port, BIND_RAW, raw_job[i], &bound) != 0)
            goto out;
    if (pipe2(stop_pipe, O_NONBLOCK | O_CLOEXEC) != 0)
        goto out;
    print_listeners(st);
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    stop_signal = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    signal(SIGPIPE, SIG_IGN);
    sv_write_reports(st, SIZE_MAX, false); /* the page exists from the start */
    printf("serve: %zu tests (%zu of them in the reverse flow) from %zu scenario files, "
           "profiles of %s; results in %s\n", n_tests, n_reverse, st->jl.n_files, st->pf->file,
           o->out_dir);
    fflush(stdout);
    serve_loop(st);
    printf("serve: stopping (%s)\n", stop_signal == SIGTERM ? "SIGTERM" : "SIGINT");
    sv_stop_jobs(st);
    st->unwritten = 0; /* the final reports decide */
    sv_write_reports(st, SIZE_MAX, true); /* every client's files, marked interrupted */
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    rc = exit_code(st);
    fflush(stdout);
out:
    for (size_t i = 0; i < st->n_l; i++)
        close(st->l[i].fd);
    for (size_t i = 0; i < SERVE_MAX_CONNS; i++)
        if (st->conns[i].fd >= 0)
            sv_conn_close(&st->conns[i]);
    for (int i = 0; st->jobs && i < o->max_jobs; i++)
        if (st->jobs[i].used)
            sv_slot_clear(&st->jobs[i]);
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

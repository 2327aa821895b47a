/* child_pool.c - see child_pool.h. */
#define _GNU_SOURCE /* pipe2 */
#include "child_pool.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../runner/reaper.h"
#include "../transport/udp.h" /* tr_now_ms */

#define MAX_PARALLEL 64

typedef struct slot {
    bool busy;
    size_t task;
    pid_t pid;
    int fd;
    int64_t deadline;
    char *buf;
    size_t len, cap;
} slot;

static volatile sig_atomic_t tracked_iut[2]; /* in a task's child */

volatile sig_atomic_t *child_pool_iut_slot(int slot_index)
{
    return &tracked_iut[slot_index == 0 ? 0 : 1];
}

static void on_child_signal(int sig)
{
    (void)sig;
    for (int k = 0; k < 2; k++)
        if (tracked_iut[k] > 0)
            kill(-(pid_t)tracked_iut[k], SIGKILL);
    _exit(130);
}

static int start(const child_pool *p, size_t i, slot *s)
{
    int pp[2];
    if (pipe2(pp, O_CLOEXEC) != 0) /* no IUT the child starts may hold the write end */
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(pp[0]), close(pp[1]);
        return -1;
    }
    if (pid == 0) {
        close(pp[0]);
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_child_signal;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
        (void)reaper_become(); /* what the task's IUTs leave behind comes back here */
        p->run(i, pp[1], p->arg);
        close(pp[1]);
        reaper_sweep();
        _exit(0);
    }
    close(pp[1]);
    fcntl(pp[0], F_SETFL, O_NONBLOCK);
    *s = (slot){.busy = true, .task = i, .pid = pid, .fd = pp[0],
                .deadline = tr_now_ms() + (p->budget_ms ? p->budget_ms(i, p->arg) : 60000)};
    return 0;
}

/* Read what is available; true at EOF (or a read error). */
static bool pump(slot *s)
{
    for (;;) {
        if (s->cap - s->len < 4096) {
            size_t cap = s->cap ? 2 * s->cap : 65536;
            char *b = realloc(s->buf, cap);
            if (b == NULL)
                return true;
            s->buf = b, s->cap = cap;
        }
        ssize_t r = read(s->fd, s->buf + s->len, s->cap - s->len - 1);
        if (r > 0) {
            s->len += (size_t)r;
            continue;
        }
        if (r < 0 && errno == EINTR)
            continue;
        return r == 0 || errno != EAGAIN;
    }
}

/* Reap the child if it exits within ms: woken by its pidfd (Linux >= 5.3)
 * when it does; without one, looking every 10 ms. */
static bool reap_within(pid_t pid, int ms)
{
    int64_t until = tr_now_ms() + ms;
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    bool reaped;
    while (!(reaped = waitpid(pid, NULL, WNOHANG) == pid)) {
        int64_t left = until - tr_now_ms();
        if (left <= 0)
            break;
        struct pollfd pf = {.fd = pidfd, .events = POLLIN};
        poll(&pf, pidfd >= 0 ? 1 : 0, pidfd >= 0 ? (int)left : (left < 10 ? (int)left : 10));
    }
    if (pidfd >= 0)
        close(pidfd);
    return reaped;
}

static void finish(const child_pool *p, slot *s, cp_end end)
{
    bool reaped = false;
    if (end != CP_DONE) {
        /* SIGTERM lets it stop its IUTs; SIGKILL if it lingers. The child holds
         * SIGTERM back while it starts an IUT (iut_start_tracked: until the IUT's
         * exec, so that the IUT's process group is known to its handler), which
         * takes a fork and an exec: under load and a sanitizer build more than
         * half a second, and a SIGKILL then would leave that IUT running. */
        kill(s->pid, SIGTERM);
        if (!(reaped = reap_within(s->pid, 3000)))
            kill(s->pid, SIGKILL);
    }
    close(s->fd);
    if (!reaped)
        waitpid(s->pid, NULL, 0);
    if (s->buf == NULL)
        s->buf = calloc(1, 1);
    if (s->buf != NULL)
        s->buf[s->len] = 0;
    p->done(s->task, s->buf ? s->buf : "", s->buf ? s->len : 0, end, p->arg);
    free(s->buf);
    *s = (slot){0};
}

size_t child_pool_run(const child_pool *p)
{
    slot slots[MAX_PARALLEL];
    int par = p->parallel < 1 ? 1 : p->parallel > MAX_PARALLEL ? MAX_PARALLEL : p->parallel;
    size_t next = 0, finished = 0;
    int running = 0;
    memset(slots, 0, sizeof slots);
    for (;;) {
        bool stopping = p->stop && *p->stop;
        while (!stopping && next < p->n && running < par) {
            int k = 0;
            while (slots[k].busy)
                k++;
            if (start(p, next, &slots[k]) != 0) {
                p->done(next, "", 0, CP_NO_FORK, p->arg);
                finished++;
            } else {
                running++;
            }
            next++;
        }
        if (running == 0)
            break;
        struct pollfd pf[MAX_PARALLEL];
        int idx[MAX_PARALLEL], n = 0;
        int64_t now = tr_now_ms(), wait = 1000;
        for (int k = 0; k < par; k++)
            if (slots[k].busy) {
                pf[n] = (struct pollfd){.fd = slots[k].fd, .events = POLLIN};
                idx[n++] = k;
                int64_t left = slots[k].deadline - now;
                if (left < wait)
                    wait = left < 0 ? 0 : left;
            }
        if (!stopping)
            poll(pf, (nfds_t)n, (int)wait);
        now = tr_now_ms();
        for (int j = 0; j < n; j++) {
            slot *s = &slots[idx[j]];
            bool eof = (pf[j].revents != 0 || stopping) && pump(s);
            if (eof || stopping || now >= s->deadline) {
                finish(p, s, eof ? CP_DONE : stopping ? CP_STOPPED : CP_LATE);
                running--;
                finished++;
            }
        }
        if (stopping && next < p->n)
            next = p->n; /* never started: no done() */
    }
    return finished;
}

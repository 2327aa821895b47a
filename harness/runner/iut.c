/*
 * iut.c - launching and controlling an implementation under test (IUT).
 *
 * Design:
 *  - iut_start spawns (posix_spawn: no page tables copied from the large
 *    job process) the command, directly when it needs no shell
 *    (iut_argv.h), else /bin/sh -c command, in its own session and process
 *    group, stdin at /dev/null, stdout/stderr at two pipes, signal
 *    dispositions and mask reset, no other descriptor inherited.
 *    posix_spawn returns once the exec happened (or failed), so setsid() is
 *    done before iut_start returns and every later kill(-pgid) reaches the
 *    whole group.
 *  - Every fd the harness keeps is O_CLOEXEC, so one IUT never inherits
 *    another's pipe ends (which would hide EOF).
 *  - One capture thread per IUT polls the two pipe read ends, a stop pipe
 *    and (Linux >= 5.3) a pidfd of the child. It copies each stream to its
 *    file up to IUT_MAX_CAPTURE bytes and counts the rest; it keeps the last
 *    TAIL_CAP bytes of stdout and, while iut_wait_ready waits for a line,
 *    searches every new piece (plus the want_len-1 bytes before it, so lines
 *    split across reads match). Found / exited / EOF are published under a
 *    mutex with a condition variable (CLOCK_MONOTONIC); waiters never sleep
 *    in loops. Without pidfd the thread falls back to a 50 ms poll timeout
 *    and waitid(WNOWAIT).
 *  - The child is reaped only in iut_stop: iut_poll/iut_wait read its status
 *    with waitid(WNOWAIT), so its pid (and so the pgid) stays reserved by the
 *    zombie until the final kill(-pgid) calls are made.
 *  - iut_stop: SIGTERM to the group; wait (condition variable, deadline =
 *    grace) until the child has exited and both pipes reached EOF; SIGKILL
 *    to the group (stragglers too; `killed` is set if the child had not
 *    exited or the pipes were still open when the grace time ended); wait
 *    a bounded time for the exit, reap; give the
 *    thread a short moment to see EOF, then tell it to stop through the stop
 *    pipe (it drains what is buffered, bounded) so a grandchild that escaped
 *    the group while holding the pipe cannot hang the join; join; free.
 */
#define _GNU_SOURCE
#include "iut.h"
#include "iut_argv.h"

#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define TAIL_CAP 8192u            /* stdout bytes kept in memory for matching */
#define WANT_MAX (TAIL_CAP / 2u)  /* longest ready line accepted */
#define CHUNK 65536u              /* read size */
#define DRAIN_MAX (1u << 20)      /* bytes drained per stream on exit / stop */
#define KILL_WAIT_MS 500          /* after SIGKILL: wait for the child */
#define EOF_WAIT_MS 200           /* after reaping: wait for pipe EOF */
#define FALLBACK_POLL_MS 50       /* capture thread poll period without pidfd */

typedef struct stream {
    int rd;          /* pipe read end, -1 at EOF */
    int file;        /* capture file, -1 if none or after a write error */
    size_t total;    /* bytes read */
    size_t captured; /* bytes written to the file */
    int write_errno; /* why a write to the file failed (it is then closed), 0 */
} stream;

struct iut_proc {
    pid_t pid;
    int pidfd; /* -1 if pidfd_open is unavailable */
    int stop_rd, stop_wr;
    pthread_t thread;

    pthread_mutex_t mu; /* guards everything below and the stream counters */
    pthread_cond_t cv;
    stream out, err;
    bool out_eof, err_eof, thread_done;
    bool exited;   /* set by the capture thread only: the child has terminated
                      and the output it wrote before that has been read */
    bool have_status;
    int code, sig; /* valid when have_status */
    bool reaped;
    char tail[TAIL_CAP];
    size_t tail_len;
    char *want;
    size_t want_len;
    bool found;
    char chunk[CHUNK]; /* the capture thread's read buffer: part of the handle, so
                          that a forked copy of it is freed with it */
};

/* ---- time helpers ---- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct timespec abs_deadline(int64_t deadline_ms)
{
    struct timespec ts;
    ts.tv_sec = (time_t)(deadline_ms / 1000);
    ts.tv_nsec = (long)(deadline_ms % 1000) * 1000000L;
    return ts;
}

/* Wait on p->cv until deadline_ms; false on timeout. Caller holds p->mu. */
static bool cv_wait_until(iut_proc *p, int64_t deadline_ms)
{
    if (now_ms() >= deadline_ms)
        return false;
    struct timespec ts = abs_deadline(deadline_ms);
    int rc = pthread_cond_timedwait(&p->cv, &p->mu, &ts);
    return rc != ETIMEDOUT;
}

/* ---- template expansion ---- */

static int put(char *out, size_t cap, size_t *n, const char *s, size_t len)
{
    if (len >= cap - *n) /* keep room for the NUL */
        return -1;
    memcpy(out + *n, s, len);
    *n += len;
    return 0;
}

bool iut_uses(const char *tmpl, const char *name)
{
    size_t n = strlen(name);
    for (const char *s = tmpl; s && (s = strchr(s, '{')) != NULL; s++) {
        if (s[1] == '{') { /* a literal brace */
            s++;
            continue;
        }
        if (strncmp(s + 1, name, n) == 0 &&
            (s[1 + n] == '}' || s[1 + n] == '?' || s[1 + n] == '!'))
            return true;
    }
    return false;
}


const char *iut_oscore_value(bool scenario_uses_oscore, bool oscore_claimed)
{
    return scenario_uses_oscore && oscore_claimed ? "oscore" : "";
}

typedef struct placeholder {
    const char *name;
    const char *val;
} placeholder;

/* Expand s[0..len) into out at *n: {name}, {name?TEXT}, {name!TEXT} (TEXT
 * expanded in turn, at most a few levels deep), {{ and }}. */
static int expand_range(const char *s, size_t len, const placeholder *tab, size_t n_tab,
                        int depth, char *out, size_t cap, size_t *n)
{
    const char *end_all = s + len;
    while (s < end_all) {
        if ((s[0] == '{' && s + 1 < end_all && s[1] == '{') ||
            (s[0] == '}' && s + 1 < end_all && s[1] == '}')) {
            if (put(out, cap, n, s, 1))
                return -1;
            s += 2;
        } else if (s[0] == '{') {
            size_t whole = peer_placeholder_end(s, (size_t)(end_all - s));
            if (whole == 0)
                return -1;
            size_t name_len = 0;
            while (s[1 + name_len] != '}' && s[1 + name_len] != '?' && s[1 + name_len] != '!')
                name_len++;
            size_t i;
            for (i = 0; i < n_tab; i++)
                if (strlen(tab[i].name) == name_len && memcmp(tab[i].name, s + 1, name_len) == 0)
                    break;
            if (i == n_tab)
                return -1;
            const char *v = tab[i].val ? tab[i].val : "";
            char kind = s[1 + name_len];
            if (kind == '}') {
                if (put(out, cap, n, v, strlen(v)))
                    return -1;
            } else if ((kind == '?') == (v[0] != 0)) {
                if (depth >= 4 || expand_range(s + 2 + name_len, whole - 3 - name_len, tab, n_tab,
                                               depth + 1, out, cap, n))
                    return -1;
            }
            s += whole;
        } else {
            if (put(out, cap, n, s, 1)) /* a lone '}' is copied as is */
                return -1;
            s++;
        }
    }
    return 0;
}

int iut_expand(const char *tmpl, const iut_vars *vars, char *out, size_t cap)
{
    if (out == NULL || cap == 0)
        return -1;
    out[0] = '\0';
    if (tmpl == NULL)
        return -1;
    static const iut_vars none = {0};
    if (vars == NULL)
        vars = &none;
    const placeholder tab[] = {
        {"host", vars->host},       {"port", vars->port},     {"creds_dir", vars->creds_dir},
        {"method", vars->method},   {"suite", vars->suite},   {"suites", vars->suites},
        {"vector", vars->vector},   {"harness", vars->harness}, {"cred", vars->cred},
        {"peer_cred", vars->peer_cred}, {"transport", vars->transport},
        {"cred_id", vars->cred_id}, {"message_4", vars->message_4},
        {"framing", vars->framing ? vars->framing : "rfc9528"}, {"oscore", vars->oscore},
        {"flow", vars->flow ? vars->flow : "forward"},
        {"edhoc_path", vars->edhoc_path},
        {"c_i", vars->ask[SC_ASK_C_I]}, {"c_r", vars->ask[SC_ASK_C_R]},
        {"ead_1", vars->ask[SC_ASK_EAD_1]}, {"ead_2", vars->ask[SC_ASK_EAD_2]},
        {"ead_3", vars->ask[SC_ASK_EAD_3]}, {"ead_4", vars->ask[SC_ASK_EAD_4]},
    };
    size_t n = 0;
    if (expand_range(tmpl, strlen(tmpl), tab, sizeof tab / sizeof tab[0], 0, out, cap, &n)) {
        out[0] = '\0';
        return -1;
    }
    out[n] = '\0';
    return 0;
}

/* ---- capture thread ---- */

static void write_all(stream *st, const char *buf, size_t len)
{
    while (len > 0 && st->file >= 0) {
        ssize_t w = write(st->file, buf, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            st->write_errno = errno;
            close(st->file); /* disk full or similar: stop capturing, keep counting */
            st->file = -1;
            return;
        }
        buf += w;
        len -= (size_t)w;
        st->captured += (size_t)w;
    }
}

/* Append stdout bytes to the tail and look for the wanted line.
 * Caller holds p->mu. */
static void tail_append(iut_proc *p, const char *data, size_t n)
{
    while (n > 0) {
        size_t piece = n < TAIL_CAP / 2 ? n : TAIL_CAP / 2;
        if (p->tail_len + piece > TAIL_CAP) {
            size_t drop = p->tail_len + piece - TAIL_CAP;
            memmove(p->tail, p->tail + drop, p->tail_len - drop);
            p->tail_len -= drop;
        }
        size_t old = p->tail_len;
        memcpy(p->tail + old, data, piece);
        p->tail_len += piece;
        if (p->want != NULL && !p->found) {
            /* at least TAIL_CAP/2 >= want_len old bytes survive the drop */
            size_t start = old >= p->want_len - 1 ? old - (p->want_len - 1) : 0;
            if (memmem(p->tail + start, p->tail_len - start, p->want, p->want_len) != NULL)
                p->found = true;
        }
        data += piece;
        n -= piece;
    }
}

/* Read once from a stream; returns bytes read, 0 at EOF (fd closed), -1 if
 * nothing is available now. */
static ssize_t pump(iut_proc *p, stream *st, bool is_out, char *buf)
{
    ssize_t r = read(st->rd, buf, CHUNK);
    if (r < 0 && (errno == EAGAIN || errno == EINTR))
        return -1;
    pthread_mutex_lock(&p->mu);
    if (r <= 0) { /* EOF or a read error: treat both as the end */
        close(st->rd);
        st->rd = -1;
        if (is_out)
            p->out_eof = true;
        else
            p->err_eof = true;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        return 0;
    }
    size_t n = (size_t)r;
    size_t room = st->captured < IUT_MAX_CAPTURE ? IUT_MAX_CAPTURE - st->captured : 0;
    pthread_mutex_unlock(&p->mu);
    /* file writes happen outside the lock; only this thread touches files */
    write_all(st, buf, n < room ? n : room);
    pthread_mutex_lock(&p->mu);
    st->total += n;
    if (is_out) {
        bool was = p->found;
        tail_append(p, buf, n);
        if (p->found && !was)
            pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    return r;
}

/* Read what is buffered now (bounded), e.g. output written just before the
 * child exited, so a ready line printed before exit is still seen. */
static void drain(iut_proc *p, stream *st, bool is_out, char *buf)
{
    size_t got = 0;
    while (st->rd >= 0 && got < DRAIN_MAX) {
        ssize_t r = pump(p, st, is_out, buf);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
}

static void mark_exited(iut_proc *p)
{
    pthread_mutex_lock(&p->mu);
    p->exited = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

static void *capture_main(void *arg)
{
    iut_proc *p = arg;
    char *buf = p->chunk;
    bool pid_open = p->pidfd >= 0, exited = false;
    for (;;) {
        struct pollfd fds[4];
        stream *which[4] = {NULL, NULL, NULL, NULL};
        nfds_t nf = 0;
        if (p->out.rd >= 0) {
            which[nf] = &p->out;
            fds[nf++] = (struct pollfd){.fd = p->out.rd, .events = POLLIN};
        }
        if (p->err.rd >= 0) {
            which[nf] = &p->err;
            fds[nf++] = (struct pollfd){.fd = p->err.rd, .events = POLLIN};
        }
        if (nf == 0 && exited)
            break; /* both streams at EOF and the child is gone */
        nfds_t stop_i = nf;
        fds[nf++] = (struct pollfd){.fd = p->stop_rd, .events = POLLIN};
        nfds_t pid_i = nf;
        if (pid_open && !exited)
            fds[nf++] = (struct pollfd){.fd = p->pidfd, .events = POLLIN};
        int timeout = (!pid_open && !exited) ? FALLBACK_POLL_MS : -1;
        int rc = poll(fds, nf, timeout);
        if (rc < 0 && errno != EINTR)
            break;
        if (rc > 0) {
            for (nfds_t i = 0; i < stop_i; i++)
                if (fds[i].revents != 0)
                    pump(p, which[i], which[i] == &p->out, buf);
            if (fds[stop_i].revents != 0) {
                drain(p, &p->out, true, buf);
                drain(p, &p->err, false, buf);
                break;
            }
            if (pid_i < nf && fds[pid_i].revents != 0) {
                drain(p, &p->out, true, buf);
                drain(p, &p->err, false, buf);
                exited = true;
                mark_exited(p);
            }
        }
        if (!pid_open && !exited) {
            /* fallback: is the child a zombie yet? (WNOWAIT: do not reap) */
            pthread_mutex_lock(&p->mu);
            if (!p->reaped) {
                siginfo_t si;
                memset(&si, 0, sizeof si);
                int w = waitid(P_PID, (id_t)p->pid, &si, WEXITED | WNOHANG | WNOWAIT);
                if ((w == 0 && si.si_pid == p->pid) || (w < 0 && errno == ECHILD)) {
                    pthread_mutex_unlock(&p->mu);
                    drain(p, &p->out, true, buf);
                    drain(p, &p->err, false, buf);
                    pthread_mutex_lock(&p->mu);
                    exited = true;
                    p->exited = true;
                    pthread_cond_broadcast(&p->cv);
                }
            }
            pthread_mutex_unlock(&p->mu);
        }
    }
    pthread_mutex_lock(&p->mu);
    p->thread_done = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* ---- start ---- */

/* fds that the child dup2()s onto 0..2 must not be 0..2 themselves. */
static int fd_above2(int fd)
{
    if (fd < 0 || fd > 2)
        return fd;
    int nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    close(fd);
    return nfd;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static int open_capture(const char *path)
{
    if (path == NULL || *path == '\0')
        return -1; /* no file: output is counted and discarded */
    return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

/* Start argv[0] (path) in its own session, stdin from /dev/null, stdout and
 * stderr to the two pipes, every signal at its default and none blocked,
 * no other descriptor of ours. posix_spawn (clone with CLONE_VM|CLONE_VFORK
 * in glibc) copies no page tables: the job process that starts the IUT is
 * a fork of the whole harness. 0, or an errno value. */
static int spawn(const char *path, char *const argv[], int devnull, int out_w, int err_w,
                 pid_t *pid)
{
    posix_spawnattr_t at;
    posix_spawn_file_actions_t fa;
    int e = posix_spawnattr_init(&at);
    if (e != 0)
        return e;
    if ((e = posix_spawn_file_actions_init(&fa)) != 0) {
        posix_spawnattr_destroy(&at);
        return e;
    }
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    if ((e = posix_spawnattr_setsigdefault(&at, &all)) == 0 &&
        (e = posix_spawnattr_setsigmask(&at, &none)) == 0 &&
        (e = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK |
                                               POSIX_SPAWN_SETSID)) == 0 &&
        (e = posix_spawn_file_actions_adddup2(&fa, devnull, 0)) == 0 &&
        (e = posix_spawn_file_actions_adddup2(&fa, out_w, 1)) == 0 &&
        (e = posix_spawn_file_actions_adddup2(&fa, err_w, 2)) == 0 &&
        /* descriptors other code in this process opened without O_CLOEXEC
         * (libraries, test frameworks) must not reach the IUT either */
        (e = posix_spawn_file_actions_addclosefrom_np(&fa, 3)) == 0)
        e = posix_spawn(pid, path, &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    return e;
}

iut_proc *iut_start(const char *command, const char *stdout_path, const char *stderr_path)
{
    if (command == NULL) {
        fprintf(stderr, "iut_start: no command\n");
        return NULL;
    }
    iut_proc *p = calloc(1, sizeof *p);
    if (p == NULL) {
        fprintf(stderr, "iut_start: out of memory\n");
        return NULL;
    }
    p->pid = -1;
    p->pidfd = p->stop_rd = p->stop_wr = -1;
    p->out.rd = p->err.rd = p->out.file = p->err.file = -1;
    int out_p[2] = {-1, -1}, err_p[2] = {-1, -1}, stop_p[2] = {-1, -1};
    int devnull = -1;
    bool mu_init = false, cv_init = false;
    const char *what = "";

    what = "capture file";
    if ((stdout_path && *stdout_path && (p->out.file = open_capture(stdout_path)) < 0) ||
        (stderr_path && *stderr_path && (p->err.file = open_capture(stderr_path)) < 0))
        goto fail;
    what = "pipe";
    if (pipe2(out_p, O_CLOEXEC) || pipe2(err_p, O_CLOEXEC) || pipe2(stop_p, O_CLOEXEC))
        goto fail;
    what = "/dev/null";
    if ((devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0)
        goto fail;
    what = "fd";
    devnull = fd_above2(devnull);
    out_p[1] = fd_above2(out_p[1]);
    err_p[1] = fd_above2(err_p[1]);
    if (devnull < 0 || out_p[1] < 0 || err_p[1] < 0)
        goto fail;
    what = "pthread";
    pthread_condattr_t ca;
    if (pthread_mutex_init(&p->mu, NULL))
        goto fail;
    mu_init = true;
    if (pthread_condattr_init(&ca))
        goto fail;
    if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) || pthread_cond_init(&p->cv, &ca)) {
        pthread_condattr_destroy(&ca);
        goto fail;
    }
    pthread_condattr_destroy(&ca);
    cv_init = true;

    char words[4096], *argv[IUT_ARGV_MAX];
    char *shell[] = {"sh", "-c", (char *)command, NULL};
    bool direct = iut_argv_split(command, words, sizeof words, argv);
    pid_t pid = -1;
    what = "posix_spawn";
    int e = spawn(direct ? argv[0] : "/bin/sh", direct ? argv : shell, devnull, out_p[1],
                  err_p[1], &pid);
    if (e != 0) {
        errno = e;
        goto fail;
    }
    p->pid = pid;
    close_fd(&devnull);
    close_fd(&out_p[1]);
    close_fd(&err_p[1]);

#if defined(SYS_pidfd_open) && !defined(IUT_NO_PIDFD) /* -DIUT_NO_PIDFD: test the fallback */
    p->pidfd = (int)syscall(SYS_pidfd_open, pid, 0); /* close-on-exec by default */
    if (p->pidfd >= 0)
        (void)fcntl(p->pidfd, F_SETFD, FD_CLOEXEC);
#endif
    p->out.rd = out_p[0];
    p->err.rd = err_p[0];
    out_p[0] = err_p[0] = -1;
    (void)fcntl(p->out.rd, F_SETFL, O_NONBLOCK);
    (void)fcntl(p->err.rd, F_SETFL, O_NONBLOCK);
    p->stop_rd = stop_p[0];
    p->stop_wr = stop_p[1];
    stop_p[0] = stop_p[1] = -1;

    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old); /* the thread takes no signals */
    int trc = pthread_create(&p->thread, NULL, capture_main, p);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (trc != 0) {
        fprintf(stderr, "iut_start: pthread_create: %s\n", strerror(trc));
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
        }
        close_fd(&p->out.rd);
        close_fd(&p->err.rd);
        close_fd(&p->out.file);
        close_fd(&p->err.file);
        close_fd(&p->stop_rd);
        close_fd(&p->stop_wr);
        close_fd(&p->pidfd);
        pthread_cond_destroy(&p->cv);
        pthread_mutex_destroy(&p->mu);
        free(p);
        return NULL;
    }
    return p;

fail:
    fprintf(stderr, "iut_start: %s: %s\n", what, strerror(errno));
    close_fd(&p->out.file);
    close_fd(&p->err.file);
    close_fd(&devnull);
    for (int i = 0; i < 2; i++) {
        close_fd(&out_p[i]);
        close_fd(&err_p[i]);
        close_fd(&stop_p[i]);
    }
    if (cv_init)
        pthread_cond_destroy(&p->cv);
    if (mu_init)
        pthread_mutex_destroy(&p->mu);
    free(p);
    return NULL;
}

pid_t iut_pid(const iut_proc *p)
{
    return p ? p->pid : -1;
}

/* ---- exit status ---- */

/* Look at the child's status without reaping it. Caller holds p->mu. */
static bool peek_status(iut_proc *p)
{
    if (p->have_status)
        return true;
    if (p->reaped)
        return false;
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (waitid(P_PID, (id_t)p->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0) {
        if (errno == ECHILD) { /* reaped behind our back (SIGCHLD ignored?) */
            p->have_status = true;
            p->code = -1;
            p->sig = 0;
            return true;
        }
        return false;
    }
    if (si.si_pid != p->pid)
        return false;
    p->have_status = true;
    if (si.si_code == CLD_EXITED) {
        p->code = si.si_status;
        p->sig = 0;
    } else {
        p->code = -1;
        p->sig = si.si_status;
    }
    return true;
}

static void fill_exit(iut_proc *p, iut_exit *ex, bool killed)
{
    if (ex == NULL)
        return;
    memset(ex, 0, sizeof *ex);
    ex->exited = p->have_status;
    ex->code = p->have_status ? p->code : -1;
    ex->signal = p->have_status ? p->sig : 0;
    ex->killed = killed;
    ex->stdout_bytes = p->out.total;
    ex->stderr_bytes = p->err.total;
    ex->stdout_errno = p->out.write_errno;
    ex->stderr_errno = p->err.write_errno;
}

/* Signals that end a program that went wrong (as opposed to one that was
 * stopped): an IUT started through /bin/sh -c that dies of one of them
 * usually shows up as the shell's exit code 128 + the signal. */
static bool crash_signal(int sig)
{
    return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGABRT ||
           sig == SIGSYS || sig == SIGTRAP;
}

/* How a Rust program ends on a panic (std's default panic handler unwinds
 * the main thread and the process exits with 101): an implementation that
 * panics on what it received has crashed as surely as one that segfaults. */
#define RUST_PANIC_EXIT 101

bool iut_exit_is_crash(const iut_exit *ex)
{
    if (!ex->exited)
        return false;
    if (ex->signal)
        return ex->signal != SIGTERM && ex->signal != SIGKILL;
    return crash_signal(ex->code - 128) || ex->code == RUST_PANIC_EXIT;
}

void iut_exit_describe(const iut_exit *ex, char *out, size_t cap)
{
    if (!ex->exited)
        snprintf(out, cap, "had not exited");
    else if (ex->signal && iut_exit_is_crash(ex))
        snprintf(out, cap, "crashed (signal %d, %s)", ex->signal, strsignal(ex->signal));
    else if (ex->signal)
        snprintf(out, cap, "was killed by signal %d (%s)", ex->signal, strsignal(ex->signal));
    else if (crash_signal(ex->code - 128))
        snprintf(out, cap, "crashed (exit code %d: a shell's report of a command killed by "
                           "signal %d, %s)", ex->code, ex->code - 128, strsignal(ex->code - 128));
    else if (ex->code == RUST_PANIC_EXIT)
        snprintf(out, cap, "crashed (exit code %d: how a Rust program ends on a panic)",
                 ex->code);
    else
        snprintf(out, cap, "exited with code %d", ex->code);
}

bool iut_poll(iut_proc *p, iut_exit *ex)
{
    if (p == NULL)
        return false;
    pthread_mutex_lock(&p->mu);
    bool done = peek_status(p);
    fill_exit(p, ex, false);
    pthread_mutex_unlock(&p->mu);
    return done;
}

bool iut_wait(iut_proc *p, int timeout_ms, iut_exit *ex)
{
    if (p == NULL)
        return false;
    int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    pthread_mutex_lock(&p->mu);
    /* p->exited is set by the capture thread (pidfd or fallback poll) */
    while (!p->exited && !p->thread_done && cv_wait_until(p, deadline)) {
    }
    bool done = peek_status(p);
    fill_exit(p, ex, false);
    pthread_mutex_unlock(&p->mu);
    return done;
}

/* ---- readiness ---- */

static iut_ready wait_line(iut_proc *p, const char *line, int timeout_ms)
{
    size_t len = strlen(line);
    if (len > WANT_MAX) {
        fprintf(stderr, "iut_wait_ready: ready line longer than %u bytes\n", WANT_MAX);
        return IUT_NOT_READY;
    }
    char *want = malloc(len);
    if (want == NULL)
        return IUT_NOT_READY;
    memcpy(want, line, len);
    int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    iut_ready res;
    pthread_mutex_lock(&p->mu);
    free(p->want);
    p->want = want;
    p->want_len = len;
    p->found = memmem(p->tail, p->tail_len, want, len) != NULL;
    for (;;) {
        if (p->found) {
            res = IUT_READY;
            break;
        }
        /* p->exited, not peek_status(): the thread sets it only after
         * reading what the child wrote before exiting */
        if (p->exited || (p->thread_done && peek_status(p))) {
            res = IUT_EXITED;
            break;
        }
        if (!cv_wait_until(p, deadline)) {
            res = p->found ? IUT_READY : IUT_NOT_READY;
            break;
        }
    }
    free(p->want);
    p->want = NULL;
    p->want_len = 0;
    pthread_mutex_unlock(&p->mu);
    return res;
}

static bool has_exited(iut_proc *p)
{
    pthread_mutex_lock(&p->mu);
    bool e = p->exited || peek_status(p);
    pthread_mutex_unlock(&p->mu);
    return e;
}

/* At most this many of the addresses a host name resolves to are probed
 * (localhost: ::1 and 127.0.0.1 on a stock Debian, in that order). */
#define PROBE_MAX_ADDRS 8

static iut_ready wait_probe(iut_proc *p, const char *host, int port, int timeout_ms)
{
    int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    char portstr[16];
    if (port <= 0 || port > 65535) {
        fprintf(stderr, "iut_wait_ready: bad port %d\n", port);
        return IUT_NOT_READY;
    }
    snprintf(portstr, sizeof portstr, "%d", port);
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    int gai = getaddrinfo(host && *host ? host : "127.0.0.1", portstr, &hints, &res);
    if (gai != 0 || res == NULL) {
        fprintf(stderr, "iut_wait_ready: %s: %s\n", host ? host : "", gai_strerror(gai));
        return IUT_NOT_READY;
    }
    /* One socket per address: the IUT may listen on any one of them. */
    int socks[PROBE_MAX_ADDRS];
    bool sock_ok[PROBE_MAX_ADDRS];
    size_t n_socks = 0;
    for (struct addrinfo *ai = res; ai != NULL && n_socks < PROBE_MAX_ADDRS; ai = ai->ai_next) {
        int s = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (s >= 0 && connect(s, ai->ai_addr, ai->ai_addrlen) == 0) {
            socks[n_socks++] = s;
            continue;
        }
        if (s >= 0)
            close(s);
    }
    freeaddrinfo(res);
    if (n_socks == 0) {
        fprintf(stderr, "iut_wait_ready: socket: %s\n", strerror(errno));
        return IUT_NOT_READY;
    }

    uint16_t mid = (uint16_t)((unsigned)p->pid * 2654435761u >> 16);
    /* No event says that a UDP port got bound: ping again after 10 ms, then
     * doubling up to 500 ms, so an IUT is seen ready at most about twice its
     * start-up time after it started (a first interval of 100 ms found an IUT
     * that needs 150 ms only after 300 ms). */
    int interval = 10;
    iut_ready result = IUT_NOT_READY;
    while (result == IUT_NOT_READY) {
        if (has_exited(p)) {
            result = IUT_EXITED;
            break;
        }
        int64_t now = now_ms();
        if (now >= deadline)
            break;
        /* CoAP ping: version 1, CON, TKL 0, code 0.00 (empty), message ID */
        uint8_t ping[4] = {0x40, 0x00, (uint8_t)(mid >> 8), (uint8_t)mid};
        mid++;
        for (size_t i = 0; i < n_socks; i++)
            sock_ok[i] = send(socks[i], ping, sizeof ping, 0) == (ssize_t)sizeof ping;
        int64_t attempt_end = now + interval < deadline ? now + interval : deadline;
        interval = interval * 2 > 500 ? 500 : interval * 2;
        while (result == IUT_NOT_READY && (now = now_ms()) < attempt_end) {
            struct pollfd fds[PROBE_MAX_ADDRS + 1];
            size_t fd_sock[PROBE_MAX_ADDRS + 1];
            nfds_t nf = 0;
            int pid_i = -1;
            for (size_t i = 0; i < n_socks; i++) {
                if (!sock_ok[i])
                    continue;
                fd_sock[nf] = i;
                fds[nf++] = (struct pollfd){.fd = socks[i], .events = POLLIN};
            }
            if (p->pidfd >= 0) {
                pid_i = (int)nf;
                fds[nf++] = (struct pollfd){.fd = p->pidfd, .events = POLLIN};
            }
            int rc = poll(nf ? fds : NULL, nf, (int)(attempt_end - now));
            if (rc < 0 && errno != EINTR)
                break;
            if (rc <= 0)
                continue;
            if (pid_i >= 0 && fds[pid_i].revents != 0) {
                result = IUT_EXITED;
                break;
            }
            for (nfds_t k = 0; k < nf && result == IUT_NOT_READY; k++) {
                if ((int)k == pid_i || fds[k].revents == 0)
                    continue;
                size_t i = fd_sock[k];
                uint8_t buf[1500];
                ssize_t n = recv(socks[i], buf, sizeof buf, MSG_DONTWAIT);
                if (n >= 0) /* any datagram back (Reset or ACK) */
                    result = IUT_READY;
                else if (errno != EAGAIN && errno != EINTR)
                    sock_ok[i] = false; /* ICMP unreachable: not on this address */
            }
        }
    }
    for (size_t i = 0; i < n_socks; i++)
        close(socks[i]);
    return result;
}

int iut_pick_address(const char *host, int port, int timeout_ms, char *out, size_t cap)
{
    char name[256], portstr[16];
    size_t n = host ? strlen(host) : 0;
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
        host++, n -= 2;
    if (n == 0 || n >= sizeof name || port <= 0 || port > 65535 || cap == 0)
        return -1;
    memcpy(name, host, n);
    name[n] = 0;
    snprintf(portstr, sizeof portstr, "%d", port);
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    if (getaddrinfo(name, portstr, &hints, &res) != 0 || res == NULL)
        return -1;
    int socks[PROBE_MAX_ADDRS];
    char addr[PROBE_MAX_ADDRS][INET6_ADDRSTRLEN];
    int state[PROBE_MAX_ADDRS]; /* 0 silent, 1 answered, -1 refused */
    size_t k = 0;
    for (struct addrinfo *ai = res; ai != NULL && k < PROBE_MAX_ADDRS; ai = ai->ai_next) {
        const void *a = ai->ai_family == AF_INET6
                            ? (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr
                            : (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr;
        if (inet_ntop(ai->ai_family, a, addr[k], sizeof addr[k]) == NULL)
            continue;
        bool dup = false;
        for (size_t i = 0; i < k && !dup; i++)
            dup = strcmp(addr[i], addr[k]) == 0;
        int sk = dup ? -1 : socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sk >= 0 && connect(sk, ai->ai_addr, ai->ai_addrlen) != 0) {
            close(sk);
            sk = -1;
        }
        if (sk < 0)
            continue;
        socks[k] = sk, state[k] = 0, k++;
    }
    freeaddrinfo(res);
    if (k == 0)
        return -1;
    snprintf(out, cap, "%s", addr[0]);
    if (k == 1) { /* nothing to choose */
        close(socks[0]);
        return 0;
    }
    uint16_t mid = (uint16_t)(now_ms() & 0xffff);
    int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0), next = 0;
    int interval = 20;
    bool answered = false;
    while (!answered && now_ms() < deadline) {
        size_t silent = 0;
        for (size_t i = 0; i < k; i++)
            silent += state[i] == 0;
        if (silent <= 1) /* one address left (or none): no answer can change the choice */
            break;
        if (now_ms() >= next) { /* a ping to each address not yet refused */
            uint8_t ping[4] = {0x40, 0x00, (uint8_t)(mid >> 8), (uint8_t)mid};
            mid++;
            for (size_t i = 0; i < k; i++)
                if (state[i] == 0 && send(socks[i], ping, sizeof ping, 0) < 0 &&
                    errno == ECONNREFUSED)
                    state[i] = -1;
            next = now_ms() + interval;
            interval = interval * 2 > 400 ? 400 : interval * 2;
        }
        struct pollfd fds[PROBE_MAX_ADDRS];
        for (size_t i = 0; i < k; i++)
            fds[i] = (struct pollfd){.fd = state[i] == 0 ? socks[i] : -1, .events = POLLIN};
        int64_t wait = (next < deadline ? next : deadline) - now_ms();
        if (poll(fds, k, wait > 0 ? (int)wait : 0) <= 0)
            continue;
        for (size_t i = 0; i < k && !answered; i++) {
            if (fds[i].revents == 0)
                continue;
            uint8_t buf[64];
            if (recv(socks[i], buf, sizeof buf, 0) >= 0) {
                snprintf(out, cap, "%s", addr[i]);
                answered = true;
            } else if (errno == ECONNREFUSED) {
                state[i] = -1; /* ICMP port unreachable: nothing listens there */
            }
        }
    }
    int rc = answered ? 0 : -1;
    for (size_t i = 0; i < k && !answered; i++)
        if (state[i] == 0) { /* silent, not refused: maybe a raw-UDP IUT */
            snprintf(out, cap, "%s", addr[i]);
            rc = 0;
            break;
        }
    for (size_t i = 0; i < k; i++)
        close(socks[i]);
    return rc;
}

iut_ready iut_wait_ready(iut_proc *p, const char *line, const char *host, int port,
                         int timeout_ms)
{
    if (p == NULL)
        return IUT_NOT_READY;
    if (line != NULL && *line != '\0')
        return wait_line(p, line, timeout_ms);
    return wait_probe(p, host, port, timeout_ms);
}

/* ---- stop ---- */

static void signal_group(iut_proc *p, int sig)
{
    /* The child is not reaped yet, so its pid (= pgid) cannot be reused. */
    if (kill(-p->pid, sig) < 0 && errno == ESRCH && !p->exited)
        kill(p->pid, sig);
}

void iut_stop(iut_proc *p, int grace_ms, iut_exit *ex)
{
    if (p == NULL) {
        if (ex)
            memset(ex, 0, sizeof *ex);
        return;
    }
    bool killed = false;
    int64_t deadline = now_ms() + (grace_ms > 0 ? grace_ms : 0);

    pthread_mutex_lock(&p->mu);
    peek_status(p);
    signal_group(p, SIGTERM);
    /* grace: until the child has exited and the pipes are closed (the whole
     * group is gone, as far as we can see), or the deadline */
    while (!((p->exited || peek_status(p)) && p->out_eof && p->err_eof) && !p->thread_done &&
           cv_wait_until(p, deadline)) {
    }
    /* killed: the child, or something else in its group still holding the
     * output pipes, had not finished within the grace time */
    if (!((p->exited || peek_status(p)) && p->out_eof && p->err_eof))
        killed = true;
    signal_group(p, SIGKILL); /* the child, if needed, and any straggler */
    int64_t kdeadline = now_ms() + KILL_WAIT_MS;
    while (!(p->exited || peek_status(p)) && !p->thread_done && cv_wait_until(p, kdeadline)) {
    }
    if (!p->have_status && p->thread_done) { /* thread gone: no more wakeups */
        while (!peek_status(p) && now_ms() < kdeadline) {
            struct timespec ts = {0, 10 * 1000000L}; /* fallback only */
            nanosleep(&ts, NULL);
        }
    }
    if (peek_status(p)) {
        int st;
        while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR) {
        }
        p->reaped = true;
    } else {
        /* unkillable (e.g. stuck in the kernel): leave it, never hang */
        fprintf(stderr, "iut_stop: pid %ld did not die after SIGKILL\n", (long)p->pid);
    }
    /* let the thread see EOF, then make it stop anyway (an escaped
     * grandchild may hold the pipes open forever) */
    int64_t edeadline = now_ms() + EOF_WAIT_MS;
    while (!(p->out_eof && p->err_eof) && !p->thread_done && cv_wait_until(p, edeadline)) {
    }
    pthread_mutex_unlock(&p->mu);

    char b = 1;
    while (write(p->stop_wr, &b, 1) < 0 && errno == EINTR) {
    }
    pthread_join(p->thread, NULL);

    pthread_mutex_lock(&p->mu);
    fill_exit(p, ex, killed);
    pthread_mutex_unlock(&p->mu);

    close_fd(&p->out.rd);
    close_fd(&p->err.rd);
    close_fd(&p->out.file);
    close_fd(&p->err.file);
    close_fd(&p->stop_rd);
    close_fd(&p->stop_wr);
    close_fd(&p->pidfd);
    free(p->want);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

void iut_release_inherited(iut_proc *p)
{
    if (p == NULL)
        return;
    /* no lock: the mutex may have been held by the parent's thread at fork */
    close_fd(&p->out.rd);
    close_fd(&p->err.rd);
    close_fd(&p->out.file);
    close_fd(&p->err.file);
    close_fd(&p->stop_rd);
    close_fd(&p->stop_wr);
    close_fd(&p->pidfd);
    free(p->want);
    free(p);
}

iut_proc *iut_start_tracked(const char *command, const char *stdout_path,
                            const char *stderr_path, volatile sig_atomic_t *pgid_slot)
{
    sigset_t hold, old;
    sigemptyset(&hold);
    sigaddset(&hold, SIGINT);
    sigaddset(&hold, SIGTERM);
    sigaddset(&hold, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &hold, &old);
    iut_proc *p = iut_start(command, stdout_path, stderr_path);
    *pgid_slot = p ? (sig_atomic_t)p->pid : 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return p;
}

void iut_stop_tracked(iut_proc *p, int grace_ms, iut_exit *ex, volatile sig_atomic_t *pgid_slot)
{
    iut_stop(p, grace_ms, ex);
    *pgid_slot = 0;
}

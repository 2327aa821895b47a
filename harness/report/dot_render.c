/* dot_render.c - atomic dot files and their SVG rendering (dot_render.h). */
#define _GNU_SOURCE
#include "dot_render.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "report.h"

extern char **environ;

typedef struct buf {
    const char *p;
    size_t n;
} buf;

static int emit_buf(int fd, void *ctx)
{
    const buf *b = ctx;
    return report_write_all(fd, b->p, b->n);
}

int dot_write_atomic(const char *path, void (*fill)(FILE *f, void *arg), void *arg)
{
    char *p = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&p, &n);
    if (f == NULL)
        return -1;
    fill(f, arg);
    bool ok = !ferror(f);
    if (fclose(f) != 0)
        ok = false;
    buf b = {p, n};
    int rc = ok ? report_write_atomic(path, emit_buf, &b) : -1;
    free(p);
    return rc;
}

bool dot_find(char *found, size_t cap)
{
    const char *path = getenv("PATH");
    if (path == NULL || cap == 0)
        return false;
    while (*path) {
        size_t len = strcspn(path, ":");
        int w = snprintf(found, cap, "%.*s/dot", (int)len, len ? path : ".");
        if (w > 0 && (size_t)w < cap && access(found, X_OK) == 0)
            return true;
        path += len + (path[len] == ':');
    }
    found[0] = 0;
    return false;
}

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void append(char *why, size_t cap, const char *fmt, const char *a, const char *b)
{
    size_t l = strlen(why);
    if (l < cap)
        snprintf(why + l, cap - l, fmt, a, b);
}

int dot_render_svgs(const char *const *dot_paths, const char *const *svg_paths, size_t n,
                    int timeout_ms, char *why, size_t cap)
{
    char dot[1024], tmp[8][1100];
    pid_t pid[8];
    int rendered = 0;
    if (cap)
        why[0] = 0;
    if (n > 8)
        n = 8;
    if (!dot_find(dot, sizeof dot)) {
        append(why, cap, "%s%s", "Graphviz's dot is not on PATH", "");
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        pid[i] = -1;
        snprintf(tmp[i], sizeof tmp[i], "%s.tmp%ld", svg_paths[i], (long)getpid());
        char *argv[] = {dot, "-Tsvg", "-o", tmp[i], (char *)dot_paths[i], NULL};
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
        if (posix_spawn(&pid[i], dot, &fa, NULL, argv, environ) != 0) {
            pid[i] = -1;
            append(why, cap, "%s: cannot start %s; ", svg_paths[i], dot);
        }
        posix_spawn_file_actions_destroy(&fa);
    }
    int64_t deadline = now_ms() + timeout_ms;
    size_t left = 0;
    for (size_t i = 0; i < n; i++)
        left += pid[i] > 0;
    while (left > 0) {
        bool late = now_ms() >= deadline;
        for (size_t i = 0; i < n; i++) {
            if (pid[i] <= 0)
                continue;
            int st = 0;
            pid_t r = waitpid(pid[i], &st, WNOHANG);
            if (r == 0 && late) { /* killed: it ends at once */
                kill(pid[i], SIGKILL);
                while ((r = waitpid(pid[i], &st, 0)) < 0 && errno == EINTR)
                    ;
                st = -1;
            }
            if (r == 0 || (r < 0 && errno == EINTR))
                continue;
            pid[i] = -1;
            left--;
            if (r > 0 && st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0 && access(tmp[i], R_OK) == 0 &&
                rename(tmp[i], svg_paths[i]) == 0) {
                rendered++;
                continue;
            }
            unlink(tmp[i]);
            append(why, cap, "%s: %s failed or timed out; ", svg_paths[i], dot);
        }
        if (left > 0 && !late) {
            struct timespec ms10 = {0, 10 * 1000000};
            nanosleep(&ms10, NULL);
        }
    }
    return rendered;
}

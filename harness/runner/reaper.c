/* reaper.c - see reaper.h. */
#define _GNU_SOURCE /* prctl */
#include "reaper.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int reaper_become(void)
{
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? 0 : -1;
}

/* The parent pid in /proc/PID/stat (after the command's closing paren), or -1. */
static pid_t parent_of(const char *pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%s/stat", pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *close = strrchr(buf, ')');
    char state;
    int ppid;
    if (close == NULL || sscanf(close + 1, " %c %d", &state, &ppid) != 2)
        return -1;
    return (pid_t)ppid;
}

static void stop_child(pid_t pid)
{
    kill(-pid, SIGKILL); /* its group, when it leads one (after setsid) */
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/* Stop the children the kernel lists for this process's threads in
 * /proc/self/task/TID/children (Linux 3.5 and later with
 * CONFIG_PROC_CHILDREN): a few reads instead of one per process of the
 * machine. How many, or -1 when the kernel has no such list. */
static long stop_listed_children(void)
{
    DIR *d = opendir("/proc/self/task");
    if (d == NULL)
        return -1;
    long found = 0;
    struct dirent *e;
    while (found >= 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        char path[64];
        snprintf(path, sizeof path, "/proc/self/task/%.20s/children", e->d_name);
        FILE *f = fopen(path, "r");
        if (f == NULL) {
            found = -1;
            break;
        }
        long pid;
        while (fscanf(f, "%ld", &pid) == 1)
            if (pid > 0) {
                stop_child((pid_t)pid);
                found++;
            }
        fclose(f);
    }
    closedir(d);
    return found;
}

size_t reaper_sweep(void)
{
    pid_t self = getpid();
    size_t stopped = 0;
    for (int round = 0; round < 32; round++) {
        long listed = stop_listed_children();
        if (listed >= 0) {
            while (waitpid(-1, NULL, WNOHANG) > 0)
                ;
            stopped += (size_t)listed;
            if (listed == 0)
                break;
            continue;
        }
        DIR *d = opendir("/proc");
        if (d == NULL)
            break;
        size_t found = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] < '1' || e->d_name[0] > '9' || parent_of(e->d_name) != self)
                continue;
            stop_child((pid_t)strtol(e->d_name, NULL, 10));
            found++;
        }
        closedir(d);
        /* anything else that ended: reap it */
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        stopped += found;
        if (found == 0)
            break;
    }
    return stopped;
}

/* datapath.c - see datapath.h. */
#define _DEFAULT_SOURCE /* realpath */
#include "datapath.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* dir/path into out when it fits and exists; 0 then, else -1. */
static int try_in(const char *dir, size_t dir_len, const char *path, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%.*s/%s", (int)dir_len, dir, path);
    return n > 0 && (size_t)n < cap && exists(out) ? 0 : -1;
}

const char *eh_data_path_in(const char *path, const char *env, const char *exe, char *out,
                            size_t cap)
{
    if (cap == 0)
        return out;
    if (path[0] != '/' && path[0] != '\0' && !exists(path)) {
        if (env != NULL && env[0] && try_in(env, strlen(env), path, out, cap) == 0)
            return out;
        const char *slash = exe ? strrchr(exe, '/') : NULL;
        char share[PATH_MAX], real[PATH_MAX];
        if (slash != NULL) {
            int n = snprintf(share, sizeof share, "%.*s/%s", (int)(slash - exe), exe,
                             EH_DATA_SHARE);
            /* canonical, so that what is passed on names no "bin/.." */
            if (n > 0 && (size_t)n < sizeof share && realpath(share, real) != NULL &&
                try_in(real, strlen(real), path, out, cap) == 0)
                return out;
        }
    }
    snprintf(out, cap, "%s", path);
    return out;
}

const char *eh_data_path(const char *path, char *out, size_t cap)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    return eh_data_path_in(path, getenv(EH_DATA_ENV), exe, out, cap);
}

/* selfexec.c - see selfexec.h. */
#include "selfexec.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *eh_self_command_in(const char *env, const char *exe, char *out, size_t cap)
{
    if (cap == 0)
        return out;
    const char *src = env != NULL && env[0] ? env : exe != NULL ? exe : "";
    size_t n = strlen(src);
    if (n >= cap)
        n = 0; /* cut, it would name another program: nothing */
    memcpy(out, src, n);
    out[n] = 0;
    return out;
}

const char *eh_self_command(char *out, size_t cap)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    return eh_self_command_in(getenv(EH_SELF_EXEC_ENV), exe, out, cap);
}

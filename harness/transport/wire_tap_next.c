/*
 * wire_tap_next.c - the next definition of a symbol after this program's
 * own (dlsym with RTLD_NEXT), for wire_tap.c. A file of its own because
 * RTLD_NEXT needs _GNU_SOURCE, which would also give sys/socket.h's
 * prototypes the transparent-union address arguments that wire_tap.c's
 * plain POSIX definitions must match.
 */
#define _GNU_SOURCE
#include <dlfcn.h>

/* NULL when there is none (a statically linked program). */
void *tr_tap__next(const char *name);

void *tr_tap__next(const char *name)
{
    return dlsym(RTLD_NEXT, name);
}

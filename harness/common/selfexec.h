/*
 * selfexec.h - the command the {harness} placeholder of a peer file expands
 * to (peers/README.md): how the harness starts itself as an IUT.
 *
 * Contract: $EDHOC_HARNESS_EXEC when it is set and not empty, else the path
 * of the running executable (/proc/self/exe). The variable exists so that a
 * wrapper can put the reference peers the harness starts under the same
 * tool as the harness itself: `make memcheck` runs tools/valgrind-harness,
 * which sets it to its own path, so every {harness} IUT runs under valgrind
 * too. The value is pasted into a /bin/sh command line as it is (no quoting),
 * like the executable's path. No allocation; a value longer than the buffer
 * gives "".
 */
#ifndef EH_SELFEXEC_H
#define EH_SELFEXEC_H

#include <stddef.h>

/* Name of the environment variable. */
#define EH_SELF_EXEC_ENV "EDHOC_HARNESS_EXEC"

/* The rule above with env (the variable's value, may be NULL) and exe (the
 * executable's path, may be NULL) given explicitly; writes out, returns it. */
const char *eh_self_command_in(const char *env, const char *exe, char *out, size_t cap);

/* The same with getenv(EH_SELF_EXEC_ENV) and /proc/self/exe. */
const char *eh_self_command(char *out, size_t cap);

#endif

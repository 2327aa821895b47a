/*
 * iut_argv.h - a peer file's command as an argument vector, where no shell
 * is needed to run it.
 *
 * The harness runs an IUT's command with /bin/sh -c. Debian's dash does not
 * exec the last command of -c in place: it forks, so every job paid for a
 * shell process (its exec, its dynamic loading, a fork) besides the IUT
 * itself. A command made only of plain words, the first an absolute or
 * relative path to an executable file (a binary, or a script with its "#!"
 * line), means the same with or without a
 * shell; such a command is run directly. Everything else (quotes,
 * variables, redirections, globs, builtins such as `exit`, a program found
 * through PATH, a path that is not executable, whose "not found" the
 * shell reports with exit code 127) still goes through the shell.
 */
#ifndef EH_RUNNER_IUT_ARGV_H
#define EH_RUNNER_IUT_ARGV_H

#include <stdbool.h>
#include <stddef.h>

#define IUT_ARGV_MAX 128

/* Split command into argv (at most IUT_ARGV_MAX - 1 words, NULL-terminated),
 * the words copied into buf (cap bytes). True when it can run without a
 * shell: only the characters A-Z a-z 0-9 _ - . / , : @ + = % ^ and spaces,
 * a first word with a '/' and no '=' naming an executable regular file
 * that is an ELF binary or starts with "#!".
 * False (argv untouched beyond argv[0] = NULL) otherwise. */
bool iut_argv_split(const char *command, char *buf, size_t cap, char *argv[IUT_ARGV_MAX]);

#endif

/*
 * peer_template.h - a peer file marked `template: true` (peers/README.md)
 * has local paths to edit first (/path/to/...): run as it is, its commands
 * fail to start (the shell's 127, which reads as "not implemented") and a
 * run would look clean while testing nothing. The commands that launch a
 * peer file's IUT (run, matrix, explore) refuse a template, as a usage
 * error, unless --allow-template says to run it as it is.
 */
#ifndef EH_RUNNER_PEER_TEMPLATE_H
#define EH_RUNNER_PEER_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "../scenario/scenario.h"

/* True when pf (loaded from path) must not run: a template, and not allow.
 * why then gets one line saying so, naming --allow-template. */
bool peer_template_refused(const peer_file *pf, const char *path, bool allow, char *why,
                           size_t cap);

#endif

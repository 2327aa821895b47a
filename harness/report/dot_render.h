/*
 * dot_render.h - write a Graphviz dot text atomically, and render a dot file
 * to SVG with Graphviz's `dot` where it is installed.
 *
 * Graphviz is not among the required packages: without `dot` on PATH no SVG
 * is written and that is not an error. `dot` runs as a child process with
 * its output to /dev/null, bounded by a deadline; it is killed at the
 * deadline.
 */
#ifndef EH_DOT_RENDER_H
#define EH_DOT_RENDER_H

#include <stddef.h>
#include <stdio.h>

/* Call fill(f, arg) on a memory stream and write what it wrote to path
 * atomically (report_write_atomic). 0, or -1 (nothing written). */
int dot_write_atomic(const char *path, void (*fill)(FILE *f, void *arg), void *arg);

/* The path of an executable `dot` on PATH in found[cap]: true when there is one. */
_Bool dot_find(char *found, size_t cap);

/* Render each dot_paths[i] to svg_paths[i] (n of them, at most 8), all at
 * once, within timeout_ms in all. Each SVG is written to a temporary name
 * and renamed into place only when `dot` exited 0, so an SVG is never half
 * written. Returns how many were rendered; why[cap] says what went wrong
 * with the others ("" when nothing did). Without `dot` on PATH: 0, and why
 * says so. */
int dot_render_svgs(const char *const *dot_paths, const char *const *svg_paths, size_t n,
                    int timeout_ms, char *why, size_t cap);

#endif

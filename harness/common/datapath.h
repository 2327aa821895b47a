/*
 * datapath.h - where edhoc-harness finds its data files (scenarios/,
 * peers/, vectors/) when they are not in the working directory: an
 * installed binary, or a CI job that runs it from another directory.
 *
 * Contract: a relative input path that exists relative to the working
 * directory is used as it is (the source-tree behaviour). Otherwise it is
 * looked up, in this order, in
 *   1. $EDHOC_HARNESS_DATA, when set and not empty;
 *   2. <directory of the executable>/../share/edhoc-harness, the layout
 *      `make install` writes (PREFIX/bin and PREFIX/share/edhoc-harness);
 * and the first DIR/path that exists wins. An absolute path, or one found
 * nowhere, is returned unchanged (so an error names what was asked for).
 * No allocation; results longer than the buffer are not used.
 */
#ifndef EH_DATAPATH_H
#define EH_DATAPATH_H

#include <stddef.h>

/* Name of the environment variable of step 1. */
#define EH_DATA_ENV "EDHOC_HARNESS_DATA"
/* Install layout of step 2, relative to the executable's directory. */
#define EH_DATA_SHARE "../share/edhoc-harness"

/* Resolve path as above into out (cap bytes; must not overlap path) and
 * return out. env and exe (the executable's path) are given explicitly,
 * either may be NULL or empty (that step is left out). */
const char *eh_data_path_in(const char *path, const char *env, const char *exe, char *out,
                            size_t cap);

/* The same with getenv(EH_DATA_ENV) and /proc/self/exe. */
const char *eh_data_path(const char *path, char *out, size_t cap);

#endif

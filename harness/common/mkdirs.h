/*
 * mkdirs.h - make a directory and its missing parents (mkdir -p).
 */
#ifndef EH_COMMON_MKDIRS_H
#define EH_COMMON_MKDIRS_H

/* Make path and every missing directory above it (mode 0777 less the
 * umask). 0 when it exists as a directory afterwards (made or not), -1
 * with errno otherwise (ENAMETOOLONG for a path of PATH_MAX bytes or
 * more). */
int eh_mkdirs(const char *path);

#endif

/*
 * lazylib.h - a shared library loaded on first use (dlopen), for the two
 * libraries only the report and capture writers need: libxml2 (JUnit) and
 * libpcap (pcap files).
 *
 * Why not link them: with them, every start of edhoc-harness also loads
 * their dependencies (ICU and libstdc++ for libxml2; D-Bus, systemd and
 * libgcrypt for libpcap), and relocating those is half of the cost of
 * starting the binary (measured: 11 ms and 390 page faults for an empty
 * program linked like edhoc-harness, 5 ms and 200 without these two). The
 * reference peer starts once per job and never writes a report or a
 * capture, nor do most CLI commands; `run` loads them once, in the parent,
 * before its job processes fork.
 *
 * The header files and the check for them stay at build time (pkg-config);
 * the sonames are the ones the build found (Makefile: EH_SONAME_*), so a
 * library that is missing or of another ABI is a clear error at first use.
 */
#ifndef EH_COMMON_LAZYLIB_H
#define EH_COMMON_LAZYLIB_H

#include <stddef.h>

typedef struct lazylib_sym {
    const char *name;
    void **slot; /* where the address goes (a function pointer, through a cast) */
} lazylib_sym;

typedef struct lazylib {
    const char *soname;
    const lazylib_sym *syms;
    size_t n_syms;
    int state;          /* 0 not tried, 1 loaded, -1 failed (err says why) */
    char err[256];
} lazylib;

/* Load lib and resolve every symbol, once; later calls return the same
 * answer. 0 when all are there, -1 with lib->err set otherwise. Not
 * thread-safe: call it before starting threads (the harness uses none
 * around these writers). */
int lazylib_load(lazylib *lib);

#endif

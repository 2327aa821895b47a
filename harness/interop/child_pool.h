/*
 * child_pool.h - run n tasks, each in a child process of its own, at most
 * `parallel` at a time, each bounded in time; collect what each child
 * writes to its pipe.
 *
 * A task's child calls run(i, fd, arg), writes its output to fd and
 * exits (the pool calls _exit(0) after run returns). The parent reads the
 * output as it comes (so a large output never blocks the child), and once
 * the pipe reaches EOF, or the task's time bound (budget_ms from its
 * start) passes, reaps the child (SIGKILL first when late) and calls
 * done(i, out, len, end, arg) with the output NUL-terminated. Every wait is
 * a poll bounded by the nearest deadline. When *stop becomes non-zero (a
 * signal handler), no task is started any more and the running ones are
 * killed and reported with CP_STOPPED; tasks never started get no done().
 */
#ifndef EH_INTEROP_CHILD_POOL_H
#define EH_INTEROP_CHILD_POOL_H

#include <signal.h>
#include <stddef.h>

typedef enum cp_end {
    CP_DONE = 0,   /* the child closed its pipe (normally: it exited) */
    CP_LATE,       /* its time bound passed: killed */
    CP_STOPPED,    /* *stop was set: killed */
    CP_NO_FORK     /* the child could not be started */
} cp_end;

typedef struct child_pool {
    size_t n;
    int parallel;                             /* >= 1 */
    int (*budget_ms)(size_t i, void *arg);    /* time bound of task i */
    void (*run)(size_t i, int fd, void *arg); /* in the child */
    void (*done)(size_t i, const char *out, size_t len, cp_end end, void *arg); /* parent */
    void *arg;
    volatile sig_atomic_t *stop;              /* may be NULL */
} child_pool;

/* Run every task; returns the number of tasks that got done(). A child
 * that must be stopped (late, or *stop set) gets SIGTERM, then SIGKILL if it
 * is still there 500 ms later. */
size_t child_pool_run(const child_pool *p);

/* In a task's child: slot 0 or 1 for the process group of an IUT it
 * started (its own session), 0 when none. Fill and clear it with
 * iut_start_tracked/iut_stop_tracked (runner/iut.h). On SIGTERM or SIGINT
 * the child kills the groups named and exits, so no IUT outlives its task. */
volatile sig_atomic_t *child_pool_iut_slot(int slot);

#endif

/* keylog.c - see keylog.h. */
#include "keylog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct keylog_ctx {
    const run_report *r;
    long lines;
} keylog_ctx;

const char *keylog_last_block(const char *transcript)
{
    const char *last = NULL;
    for (const char *t = transcript; t && (t = strstr(t, KEYLOG_BLOCK "\n")) != NULL; t++)
        last = t;
    return last;
}

static int emit_block(int fd, const sc_result *s, const char *t, long *lines);

/* Every block of one transcript (each session's values; a session that went on
 * after the steps has its block again, complete). */
static int emit_result(int fd, const sc_result *s, long *lines)
{
    for (const char *b = s->transcript; b && (b = strstr(b, KEYLOG_BLOCK "\n")) != NULL;
         b += sizeof KEYLOG_BLOCK)
        if (emit_block(fd, s, b + sizeof KEYLOG_BLOCK, lines) != 0)
            return -1;
    return 0;
}

/* The "  NAME: HEX" lines of one block, t after its header line. */
static int emit_block(int fd, const sc_result *s, const char *t, long *lines)
{
    while (t[0] == ' ' && t[1] == ' ') {
        const char *end = strchr(t, '\n');
        size_t n = end ? (size_t)(end - t) : strlen(t);
        const char *colon = memchr(t, ':', n);
        if (colon == NULL)
            break;
        /* "ID ROLE NAME " then the value as it is (KEYSTREAM_2 can be long) */
        char head[512];
        int w = snprintf(head, sizeof head, "%s %s %.*s ", s->id, s->role,
                         (int)(colon - t - 2), t + 2);
        size_t value = n - (size_t)(colon - t) - 2;
        if (w < 0 || (size_t)w >= sizeof head) {
            errno = EOVERFLOW;
            return -1;
        }
        if (report_write_all(fd, head, (size_t)w) != 0 ||
            report_write_all(fd, colon + 2, value) != 0 || report_write_all(fd, "\n", 1) != 0)
            return -1;
        (*lines)++;
        if (end == NULL)
            break;
        t = end + 1;
    }
    return 0;
}

static int emit(int fd, void *arg)
{
    keylog_ctx *c = arg;
    if (fchmod(fd, 0600) != 0)
        return -1;
    for (size_t i = 0; i < c->r->n; i++)
        if (emit_result(fd, &c->r->results[i], &c->lines) != 0)
            return -1;
    return 0;
}

long report_write_keylog(const run_report *r, const char *path)
{
    keylog_ctx c = {r, 0};
    return report_write_atomic(path, emit, &c) == 0 ? c.lines : -1;
}

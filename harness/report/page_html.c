/*
 * page_html.c - the static HTML page with its document embedded (see
 * page.h). The page's source is harness/report/page.html; the build turns
 * it into the string below (page_html.inc, one C string literal per line).
 */
#include <stdlib.h>
#include <string.h>

#include "page.h"
#include "report.h"

static const char page_template[] =
#include "page_html.inc"
    ;

#define MARKER "@EH_DATA@"

typedef struct out {
    int fd;
    int err;
} out;

/* JSON text into the page: "<" and ">" only occur inside JSON strings,
 * where \u003c / \u003e mean the same characters. */
static int dump_escaped(const char *buf, size_t size, void *data)
{
    out *o = data;
    size_t start = 0;
    for (size_t i = 0; i < size && !o->err; i++) {
        if (buf[i] != '<' && buf[i] != '>')
            continue;
        if (report_write_all(o->fd, buf + start, i - start) != 0 ||
            report_write_all(o->fd, buf[i] == '<' ? "\\u003c" : "\\u003e", 6) != 0)
            o->err = 1;
        start = i + 1;
    }
    if (!o->err && report_write_all(o->fd, buf + start, size - start) != 0)
        o->err = 1;
    return o->err ? -1 : 0;
}

static int emit(int fd, void *ctx)
{
    json_t *doc = ctx;
    const char *at = strstr(page_template, MARKER);
    if (at == NULL)
        return -1;
    out o = {fd, 0};
    if (report_write_all(fd, page_template, (size_t)(at - page_template)) != 0 ||
        json_dump_callback(doc, dump_escaped, &o, JSON_PRESERVE_ORDER | JSON_COMPACT) != 0 ||
        o.err)
        return -1;
    at += strlen(MARKER);
    return report_write_all(fd, at, strlen(at));
}

int page_write_html(json_t *doc, const char *path)
{
    return doc && path ? report_write_atomic(path, emit, doc) : -1;
}

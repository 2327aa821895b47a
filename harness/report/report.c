/*
 * report.c - the run report (a growing array of results), verdict names,
 * and what both writers share: text cleaning and atomic file writes.
 */
#define _DEFAULT_SOURCE /* realpath */
#include "report.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const verdict_names[V_COUNT_] = {
    [V_PASS] = "pass",           [V_FAIL] = "fail",   [V_SKIPPED] = "skipped",
    [V_NONSTRICT] = "nonstrict", [V_ERROR] = "error", [V_XFAIL] = "xfail",
    [V_XPASS] = "xpass",
};

const char *verdict_name(verdict v)
{
    if ((int)v < 0 || v >= V_COUNT_)
        return "unknown";
    return verdict_names[v];
}

long report_amplification_milli(long reply, long request)
{
    if (reply < 0 || request <= 0 || reply > LONG_MAX / 1000 - request)
        return -1;
    return (reply * 1000 + request / 2) / request;
}

void run_report_init(run_report *r)
{
    memset(r, 0, sizeof *r);
}

int run_report_add(run_report *r, sc_result *res)
{
    if (!r || !res)
        return -1;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        if (cap < r->cap || cap > SIZE_MAX / sizeof *r->results)
            return -1;
        sc_result *p = realloc(r->results, cap * sizeof *p);
        if (!p)
            return -1;
        r->results = p;
        r->cap = cap;
    }
    r->results[r->n++] = *res;
    res->transcript = NULL;
    return 0;
}

void run_report_free(run_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        free(r->results[i].transcript);
    free(r->results);
    r->results = NULL;
    r->n = r->cap = 0;
}

void run_report_counts(const run_report *r, size_t counts[V_COUNT_])
{
    for (int v = 0; v < V_COUNT_; v++)
        counts[v] = 0;
    for (size_t i = 0; i < r->n; i++) {
        verdict v = r->results[i].v;
        /* An out-of-range verdict is reported as an error. */
        counts[((int)v < 0 || v >= V_COUNT_) ? V_ERROR : v]++;
    }
}

/* Length of the well-formed UTF-8 sequence at s (n bytes available), its
 * code point in *cp; 0 if the bytes there are not one (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF). */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xbf; /* range of the second byte */
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        *cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        *cp = c & 0x0f;
        if (c == 0xe0)
            lo = 0xa0;
        else if (c == 0xed)
            hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        *cp = c & 0x07;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3f);
    }
    return len;
}

static bool xml_char_ok(uint32_t cp)
{
    return cp == 0x9 || cp == 0xa || cp == 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
           (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

char *report_clean_text(const char *s, size_t n, bool xml, size_t max_out, bool *truncated)
{
    if (truncated)
        *truncated = false;
    if (!s)
        s = "";
    n = strnlen(s, n);
    /* Worst case: every byte becomes "\xNN" (4 bytes) or U+FFFD (3). */
    size_t cap = n > (SIZE_MAX - 1) / 4 ? SIZE_MAX - 1 : n * 4;
    if (cap > max_out)
        cap = max_out;
    char *out = malloc(cap + 1);
    if (!out)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, o = 0;
    while (i < n) {
        /* a run of printable ASCII (and tab, newline, return), valid in XML and
         * JSON text alike, is copied at once: transcripts are mostly that */
        size_t run = 0;
        while (i + run < n && ((p[i + run] >= 0x20 && p[i + run] < 0x7f) || p[i + run] == '\n' ||
                               p[i + run] == '\t' || p[i + run] == '\r'))
            run++;
        if (run > 0) {
            size_t take = run <= cap - o ? run : cap - o;
            memcpy(out + o, p + i, take);
            o += take;
            i += take;
            if (take < run) {
                if (truncated)
                    *truncated = true;
                break;
            }
            continue;
        }
        char piece[20];
        size_t plen;
        uint32_t cp = 0;
        size_t len = utf8_seq(p + i, n - i, &cp);
        if (len == 0) {
            memcpy(piece, "\xef\xbf\xbd", 3); /* U+FFFD */
            plen = 3;
            len = 1;
        } else if (xml && !xml_char_ok(cp)) {
            plen = 0;
            for (size_t k = 0; k < len; k++)
                plen += (size_t)snprintf(piece + plen, sizeof piece - plen, "\\x%02x", p[i + k]);
        } else {
            memcpy(piece, p + i, len);
            plen = len;
        }
        if (o + plen > cap) {
            if (truncated)
                *truncated = true;
            break;
        }
        memcpy(out + o, piece, plen);
        o += plen;
        i += len;
    }
    out[o] = '\0';
    return out;
}

int report_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (w == 0) {
            errno = EIO;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* fsync the directory holding path, so the rename is durable. Best effort. */
static void sync_parent_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    if (!slash)
        dir = strdup(".");
    else if (slash == path)
        dir = strdup("/");
    else
        dir = strndup(path, (size_t)(slash - path));
    if (!dir)
        return;
    int fd = open(dir, O_RDONLY | O_CLOEXEC);
    free(dir);
    if (fd < 0)
        return;
    (void)fsync(fd);
    close(fd);
}

/* Something that is not a regular file (/dev/null, /dev/stdout, a FIFO): the
 * text is written to it as it is, nothing replaced. */
static int write_in_place(const char *path, int (*emit)(int fd, void *ctx), void *ctx)
{
    /* O_NONBLOCK: a FIFO nobody reads is ENXIO at once, not a wait without
     * end; then blocking writes as usual */
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return -1;
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    int rc = emit(fd, ctx);
    int saved = errno;
    if (close(fd) != 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    errno = saved;
    return rc;
}

/* The file a path names, links followed: realpath for an existing one; for
 * a dangling link its target (relative to the link's folder), which is then
 * created. NULL with errno when neither applies. */
static char *link_target(const char *path)
{
    char *real = realpath(path, NULL);
    if (real != NULL)
        return real;
    char target[4096];
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n < 0)
        return NULL;
    target[n] = 0;
    const char *slash = strrchr(path, '/');
    if (target[0] == '/' || slash == NULL)
        return strdup(target);
    size_t dir = (size_t)(slash - path) + 1;
    char *out = malloc(dir + (size_t)n + 1);
    if (out != NULL) {
        memcpy(out, path, dir);
        memcpy(out + dir, target, (size_t)n + 1);
    }
    return out;
}

int report_write_atomic(const char *path, int (*emit)(int fd, void *ctx), void *ctx)
{
    if (!path || !*path || !emit) {
        errno = EINVAL;
        return -1;
    }
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            errno = EISDIR;
            return -1;
        }
        return write_in_place(path, emit, ctx);
    }
    char *target = NULL; /* a link: the file it names is replaced, not the link */
    struct stat lst;
    if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
        target = link_target(path);
        if (target == NULL)
            return -1;
        if (strcmp(target, path) != 0 && lstat(target, &lst) == 0 && S_ISLNK(lst.st_mode)) {
            free(target); /* a chain of dangling links: refused */
            errno = ELOOP;
            return -1;
        }
        path = target;
    }
    /* A temporary file of this process's own (PATH.PID-K.tmp, O_EXCL): two
     * runs that write the same report at once (two CI jobs in one
     * workspace) each rename a whole file over it, the last one wins; with
     * one shared PATH.tmp the second truncated the first's while it wrote,
     * and one rename found nothing left to move. */
    size_t cap = strlen(path) + 48;
    char *tmp = malloc(cap);
    if (!tmp) {
        free(target);
        return -1;
    }
    int fd = -1;
    for (unsigned k = 0; fd < 0 && k < 64; k++) {
        snprintf(tmp, cap, "%s.%ld-%u.tmp", path, (long)getpid(), k);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        int saved = errno;
        free(tmp);
        free(target);
        errno = saved;
        return -1;
    }
    int rc = emit(fd, ctx);
    if (rc == 0 && fsync(fd) != 0)
        rc = -1;
    int saved = errno;
    if (close(fd) != 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        rc = -1;
        saved = errno;
    }
    if (rc != 0) {
        unlink(tmp);
        free(tmp);
        free(target);
        errno = saved;
        return -1;
    }
    free(tmp);
    sync_parent_dir(path);
    free(target);
    return 0;
}

bool report_fails_run(const sc_result *s, bool strict)
{
    if (s->v == V_XPASS || s->v == V_ERROR)
        return true;
    if (s->v == V_FAIL)
        return strict || strncmp(s->level, "MUST", sizeof s->level) == 0;
    return strict && s->v == V_NONSTRICT;
}

/* Length of "; expected HEX, received HEX" or "; received HEX" at m (an
 * engine finding's values, exec_roles.c), else 0. */
static size_t value_tail(const char *m, size_t n)
{
    static const char *const heads[] = {"; expected ", "; received "};
    for (size_t h = 0; h < 2; h++) {
        size_t k = strlen(heads[h]), i;
        if (n < k || memcmp(m, heads[h], k) != 0)
            continue;
        for (i = k; i < n && isxdigit((unsigned char)m[i]);)
            i++;
        if (i == k)
            return 0;
        if (h == 0) {
            static const char rcv[] = ", received ";
            size_t r = sizeof rcv - 1, j;
            if (n - i < r || memcmp(m + i, rcv, r) != 0)
                return 0;
            for (j = i + r; j < n && isxdigit((unsigned char)m[j]);)
                j++;
            return j > i + r ? j : 0;
        }
        return i;
    }
    return 0;
}

const char *report_fingerprint(const sc_result *s, char *out, size_t cap)
{
    if (s->fingerprint[0] != '\0') { /* read back from a report: as it was computed */
        snprintf(out, cap, "%s", s->fingerprint);
        return out;
    }
    const char *m = s->message;
    size_t end = strnlen(m, sizeof s->message);
    const char *cite = strstr(m, " [requirements: ");
    if (cite != NULL && (size_t)(cite - m) < end)
        end = (size_t)(cite - m);
    const char *other = strstr(m, REPORT_OTHER_REASON);
    if (other != NULL && (size_t)(other - m) < end)
        end = (size_t)(other - m);
    unsigned step = 0;
    if (strncmp(m, "step ", 5) == 0)
        step = (unsigned)strtoul(m + 5, NULL, 10);
    uint32_t h = 2166136261u;
#define FP_MIX(c) (h = (h ^ (uint8_t)(c)) * 16777619u)
    for (size_t i = 0; i < end;) {
        size_t values = value_tail(m + i, end - i);
        if (values) { /* "; expected HEX, received HEX": the bytes, not the reason */
            i += values;
            continue;
        }
        unsigned char c = (unsigned char)m[i];
        bool token_start = i == 0 || m[i - 1] == ' ' || m[i - 1] == '(' || m[i - 1] == '"';
        if (c == '/' && token_start) { /* a path: to the next space, ')', ',', ';', '"' */
            while (i < end && !strchr(" ),;\"", m[i]))
                i++;
            FP_MIX('P');
            continue;
        }
        if (isxdigit(c)) { /* a run of hex digits holding a digit is a number */
            size_t j = i;
            bool digit = false;
            while (j < end && isxdigit((unsigned char)m[j]))
                digit |= isdigit((unsigned char)m[j++]) != 0;
            if (digit) {
                FP_MIX('N');
                i = j;
                continue;
            }
            for (; i < j; i++)
                FP_MIX(m[i]);
            continue;
        }
        FP_MIX(c);
        i++;
    }
#undef FP_MIX
    snprintf(out, cap, "s%u-%08x", step, (unsigned)h);
    return out;
}

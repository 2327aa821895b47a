/* sc_yaml.c - schema-walking helpers over a libyaml document (see sc_yaml.h). */
#include "sc_yaml.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/hex.h"

/* A value quoted for a message: at most 40 characters, non-printables as '?'. */
typedef struct shown {
    char s[48];
} shown;

static shown show(const char *v);

const char *sy_show(const char *v, char buf[48])
{
    shown r = show(v);
    memcpy(buf, r.s, sizeof r.s);
    return buf;
}

static shown show(const char *v)
{
    shown r;
    size_t i = 0;
    for (; v && v[i] && i < 40; i++)
        r.s[i] = (v[i] >= 0x20 && v[i] < 0x7f) ? v[i] : '?';
    if (v && v[i])
        r.s[i++] = '.', r.s[i++] = '.', r.s[i++] = '.';
    r.s[i] = '\0';
    return r;
}

static void put_err(char *err, size_t cap, const char *file, unsigned long line, const char *fmt,
                    va_list ap)
{
    if (!err || cap == 0)
        return;
    int k = line ? snprintf(err, cap, "%s:%lu: ", file, line) : snprintf(err, cap, "%s: ", file);
    if (k < 0)
        k = 0;
    if ((size_t)k < cap)
        vsnprintf(err + k, cap - (size_t)k, fmt, ap);
}

static void put_errf(char *err, size_t cap, const char *file, unsigned long line, const char *fmt,
                     ...) __attribute__((format(printf, 5, 6)));
static void put_errf(char *err, size_t cap, const char *file, unsigned long line, const char *fmt,
                     ...)
{
    va_list ap;
    va_start(ap, fmt);
    put_err(err, cap, file, line, fmt, ap);
    va_end(ap);
}

int sy_fail(sy_ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
    if (c->failed)
        return -1;
    c->failed = true;
    va_list ap;
    va_start(ap, fmt);
    put_err(c->err, c->cap, c->file, n ? sy_line(n) : 0, fmt, ap);
    va_end(ap);
    return -1;
}

unsigned long sy_line(const yaml_node_t *n)
{
    return (unsigned long)n->start_mark.line + 1;
}

const char *sy_text(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

bool sy_is_null(const yaml_node_t *n)
{
    if (!n || n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *s = sy_text(n);
    return !strcmp(s, "") || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
           !strcmp(s, "NULL");
}

static const char *type_name(const yaml_node_t *n)
{
    if (sy_is_null(n))
        return "nothing";
    switch (n->type) {
    case YAML_SCALAR_NODE: return "a scalar";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE: return "a map";
    default: return "nothing";
    }
}

/* A block list or map starts on the line after its key; messages about the
 * whole collection point at the key instead (found by searching the maps). */
const yaml_node_t *sy_anchor(sy_ctx *c, const yaml_node_t *n)
{
    if (!n || !c->have_doc)
        return n;
    bool block = (n->type == YAML_SEQUENCE_NODE &&
                  n->data.sequence.style == YAML_BLOCK_SEQUENCE_STYLE) ||
                 (n->type == YAML_MAPPING_NODE &&
                  n->data.mapping.style == YAML_BLOCK_MAPPING_STYLE);
    if (!block)
        return n;
    int id = (int)(n - c->doc.nodes.start) + 1;
    for (yaml_node_t *m = c->doc.nodes.start; m < c->doc.nodes.top; m++) {
        if (m->type != YAML_MAPPING_NODE)
            continue;
        for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++)
            if (p->value == id) {
                yaml_node_t *k = yaml_document_get_node(&c->doc, p->key);
                return k && k->start_mark.line < n->start_mark.line ? k : n;
            }
    }
    return n;
}

/* ---------------------------------------------------------------- open */

static unsigned long line_at(const char *buf, size_t len, size_t off)
{
    unsigned long line = 1;
    for (size_t i = 0; i < off && i < len; i++)
        line += buf[i] == '\n';
    return line;
}

static void parse_error(sy_ctx *c, const yaml_parser_t *p, const char *buf, size_t len)
{
    c->failed = true;
    const char *problem = p->problem ? p->problem : "malformed YAML";
    if (p->error == YAML_READER_ERROR) {
        put_errf(c->err, c->cap, c->file, line_at(buf, len, p->problem_offset),
                 "YAML: %s", problem);
    } else if (p->error == YAML_MEMORY_ERROR) {
        put_errf(c->err, c->cap, c->file, 0, "YAML: out of memory");
    } else if (p->context) {
        put_errf(c->err, c->cap, c->file, (unsigned long)p->problem_mark.line + 1,
                 "YAML: %s %s (line %lu)", problem, p->context,
                 (unsigned long)p->context_mark.line + 1);
    } else {
        put_errf(c->err, c->cap, c->file, (unsigned long)p->problem_mark.line + 1, "YAML: %s",
                 problem);
    }
}

/* libyaml's scanner costs O(depth) per token, so a deeply nested file takes
 * quadratic time: an event pass first refuses nesting deeper than
 * SY_MAX_DEPTH before the document is built. */
static int depth_check(sy_ctx *c, const char *buf, size_t len)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        c->failed = true;
        put_errf(c->err, c->cap, c->file, 0, "YAML: out of memory");
        return -1;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
    int depth = 0, rc = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            parse_error(c, &p, buf, len);
            rc = -1;
            break;
        }
        yaml_event_type_t type = ev.type;
        unsigned long line = (unsigned long)ev.start_mark.line + 1;
        yaml_event_delete(&ev);
        if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT) {
            if (++depth > SY_MAX_DEPTH) {
                c->failed = true;
                put_errf(c->err, c->cap, c->file, line, "nested deeper than %d levels",
                         SY_MAX_DEPTH);
                rc = -1;
                break;
            }
        } else if (type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT) {
            depth--;
        } else if (type == YAML_STREAM_END_EVENT) {
            break;
        }
    }
    yaml_parser_delete(&p);
    return rc;
}

static int read_file(sy_ctx *c, const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        c->failed = true;
        put_errf(c->err, c->cap, c->file, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    /* a buffer of the file's size (a scenario file is a few hundred bytes),
     * grown while reading for what is not a regular file or grows meanwhile;
     * never more than SY_MAX_FILE + 1 bytes, the one past the bound telling
     * that the file is too large */
    struct stat st;
    size_t cap = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
                         (uintmax_t)st.st_size < SY_MAX_FILE
                     ? (size_t)st.st_size + 1
                     : 65536;
    char *buf = malloc(cap + 1);
    size_t n = 0;
    bool bad = buf == NULL;
    while (!bad) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap || cap > SY_MAX_FILE || ferror(f))
            break;
        size_t grown = 2 * cap > SY_MAX_FILE + 1 ? SY_MAX_FILE + 1 : 2 * cap;
        char *b = realloc(buf, grown + 1);
        if (b == NULL) {
            bad = true;
            break;
        }
        buf = b, cap = grown;
    }
    bad = bad || ferror(f);
    fclose(f);
    if (bad || n > SY_MAX_FILE) {
        c->failed = true;
        put_errf(c->err, c->cap, c->file, 0, bad ? "cannot read" : "larger than %u bytes",
                 SY_MAX_FILE);
        free(buf);
        return -1;
    }
    *out = buf;
    *len = n;
    return 0;
}

static void ctx_init(sy_ctx *c, const char *name, char *err, size_t cap)
{
    memset(c, 0, sizeof *c);
    c->file = name;
    c->err = err;
    c->cap = cap;
    if (err && cap)
        err[0] = '\0';
}

/* Parse the file's bytes buf[0..len) into c->doc (see sy_open). */
static int parse_doc(sy_ctx *c, const char *buf, size_t len, yaml_node_t **root)
{
    if (depth_check(c, buf, len) != 0)
        return -1;

    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        c->failed = true;
        put_errf(c->err, c->cap, c->file, 0, "YAML: out of memory");
        return -1;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
    int rc = -1;
    if (!yaml_parser_load(&p, &c->doc)) {
        parse_error(c, &p, buf, len);
        goto out;
    }
    c->have_doc = true;
    *root = yaml_document_get_root_node(&c->doc);
    if (!*root) {
        c->failed = true;
        put_errf(c->err, c->cap, c->file, 1, "empty file: expected a map with id, title, ...");
        goto out;
    }
    yaml_document_t next;
    if (!yaml_parser_load(&p, &next)) {
        parse_error(c, &p, buf, len);
        goto out;
    }
    yaml_node_t *second = yaml_document_get_root_node(&next);
    unsigned long second_line = second ? sy_line(second) : 0;
    yaml_document_delete(&next);
    if (second) {
        c->failed = true;
        put_errf(c->err, c->cap, c->file, second_line,
                 "a second YAML document (only one per file)");
        goto out;
    }
    if ((*root)->type != YAML_MAPPING_NODE) {
        sy_fail(c, *root, "expected a map at the top level, got %s", type_name(*root));
        goto out;
    }
    rc = 0;
out:
    yaml_parser_delete(&p);
    return rc;
}

int sy_open(sy_ctx *c, const char *path, char *err, size_t cap, yaml_node_t **root)
{
    ctx_init(c, path, err, cap);
    char *buf;
    size_t len;
    if (read_file(c, path, &buf, &len) != 0)
        return -1;
    int rc = parse_doc(c, buf, len, root);
    free(buf);
    return rc;
}

int sy_open_mem(sy_ctx *c, const char *name, const char *text, size_t len, char *err, size_t cap,
                yaml_node_t **root)
{
    ctx_init(c, name, err, cap);
    if (len > SY_MAX_FILE) {
        c->failed = true;
        put_errf(err, cap, name, 0, "larger than %u bytes", SY_MAX_FILE);
        return -1;
    }
    /* libyaml wants an input pointer even for no input */
    return parse_doc(c, text != NULL ? text : "", len, root);
}

void sy_close(sy_ctx *c)
{
    if (c->have_doc)
        yaml_document_delete(&c->doc);
    c->have_doc = false;
}

/* ------------------------------------------------------------- mappings */

static yaml_node_t *node(sy_ctx *c, int id)
{
    return yaml_document_get_node(&c->doc, id);
}

size_t sy_map_len(const yaml_node_t *map)
{
    return (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
}

yaml_node_t *sy_map_key(sy_ctx *c, const yaml_node_t *map, size_t i)
{
    return node(c, map->data.mapping.pairs.start[i].key);
}

yaml_node_t *sy_map_value(sy_ctx *c, const yaml_node_t *map, size_t i)
{
    return node(c, map->data.mapping.pairs.start[i].value);
}

/* Edit distance of two short strings (longer ones: "far"). */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    size_t row[64], prev[64];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t best = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
        }
        memcpy(prev, row, (lb + 1) * sizeof row[0]);
    }
    return prev[lb];
}

const char *sy_suggest(const char *word, const char *const known[])
{
    const char *best = NULL;
    size_t bd = 3;
    for (size_t i = 0; known[i]; i++) {
        size_t d = distance(word, known[i]);
        if (d < bd && d <= (strlen(known[i]) >= 5 ? 2u : 1u))
            bd = d, best = known[i];
    }
    return best;
}

int sy_keys(sy_ctx *c, const yaml_node_t *map, const char *what, const char *const known[])
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return sy_fail(c, sy_anchor(c, map), "%s: expected a map, got %s", what,
                       map ? type_name(map) : "nothing");
    size_t n = sy_map_len(map);
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *k = sy_map_key(c, map, i);
        const char *name = sy_text(k);
        if (!k || !name)
            return sy_fail(c, k ? k : map, "%s: a key must be a plain name", what);
        size_t j = 0;
        while (known[j] && strcmp(known[j], name) != 0)
            j++;
        if (!known[j]) {
            const char *s = sy_suggest(name, known);
            if (s)
                return sy_fail(c, k, "%s: unknown key '%s' (did you mean '%s'?)", what,
                               show(name).s, s);
            return sy_fail(c, k, "%s: unknown key '%s'", what, show(name).s);
        }
        for (size_t m = 0; m < i; m++) {
            yaml_node_t *prev = sy_map_key(c, map, m);
            if (strcmp(sy_text(prev), name) == 0)
                return sy_fail(c, k, "%s: duplicate key '%s' (first on line %lu)", what,
                               show(name).s,
                               sy_line(prev));
        }
    }
    return 0;
}

yaml_node_t *sy_get(sy_ctx *c, const yaml_node_t *map, const char *key)
{
    size_t n = sy_map_len(map);
    for (size_t i = 0; i < n; i++) {
        const char *name = sy_text(sy_map_key(c, map, i));
        if (name && strcmp(name, key) == 0)
            return sy_map_value(c, map, i);
    }
    return NULL;
}

int sy_require(sy_ctx *c, const yaml_node_t *map, const char *key, yaml_node_t **out)
{
    *out = sy_get(c, map, key);
    if (!*out)
        return sy_fail(c, sy_anchor(c, map), "missing required key '%s'", key);
    return 0;
}

/* --------------------------------------------------------------- values */

static const char *scalar(sy_ctx *c, const yaml_node_t *n, const char *key, const char *expected)
{
    if (!n || n->type != YAML_SCALAR_NODE || sy_is_null(n)) {
        sy_fail(c, sy_anchor(c, n), "%s: expected %s, got %s", key, expected,
                n ? type_name(n) : "nothing");
        return NULL;
    }
    if (strlen(sy_text(n)) != n->data.scalar.length) {
        sy_fail(c, n, "%s: contains a NUL character", key);
        return NULL;
    }
    return sy_text(n);
}

int sy_str(sy_ctx *c, const yaml_node_t *n, const char *key, char *out, size_t cap)
{
    const char *s = scalar(c, n, key, "a string");
    if (!s)
        return -1;
    size_t len = strlen(s);
    if (len >= cap)
        return sy_fail(c, n, "%s: longer than %zu characters", key, cap - 1);
    memcpy(out, s, len + 1);
    return 0;
}

int sy_name(sy_ctx *c, const yaml_node_t *n, const char *key, char *out, size_t cap,
            bool allow_slash)
{
    if (sy_str(c, n, key, out, cap) != 0)
        return -1;
    if (!out[0])
        return sy_fail(c, n, "%s: must not be empty", key);
    for (const char *p = out; *p; p++) {
        bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                  (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-' ||
                  (allow_slash && *p == '/');
        if (!ok)
            return sy_fail(c, n, "%s: '%s' has a character outside [A-Za-z0-9._%s-]", key,
                           show(out).s, allow_slash ? "/" : "");
    }
    return 0;
}

int sy_long(sy_ctx *c, const yaml_node_t *n, const char *key, long lo, long hi, long *out)
{
    const char *s = scalar(c, n, key, "an integer");
    if (!s)
        return -1;
    if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return sy_fail(c, n, "%s: expected an integer, got the quoted string '%s'", key,
                       show(s).s);
    const char *p = s + (*s == '-' || *s == '+');
    bool digits = *p != '\0';
    for (; *p; p++)
        digits = digits && *p >= '0' && *p <= '9';
    if (!digits)
        return sy_fail(c, n, "%s: expected an integer, got '%s'", key, show(s).s);
    errno = 0;
    long v = strtol(s, NULL, 10);
    if (errno == ERANGE || v < lo || v > hi)
        return sy_fail(c, n, "%s: %s out of range %ld..%ld", key, show(s).s, lo, hi);
    *out = v;
    return 0;
}

int sy_int(sy_ctx *c, const yaml_node_t *n, const char *key, int lo, int hi, int *out)
{
    long v;
    if (sy_long(c, n, key, lo, hi, &v) != 0)
        return -1;
    *out = (int)v;
    return 0;
}

int sy_bool(sy_ctx *c, const yaml_node_t *n, const char *key, bool *out)
{
    const char *s = scalar(c, n, key, "true or false");
    if (!s)
        return -1;
    bool plain = n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    if (plain && (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")))
        *out = true;
    else if (plain && (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")))
        *out = false;
    else
        return sy_fail(c, n, "%s: expected true or false, got '%s'", key, show(s).s);
    return 0;
}

int sy_hex(sy_ctx *c, const yaml_node_t *n, const char *key, sc_bytes *out)
{
    if (!n || n->type != YAML_SCALAR_NODE || sy_is_null(n))
        return sy_fail(c, sy_anchor(c, n), "%s: expected a hex string, got %s", key,
                       n ? type_name(n) : "nothing");
    const char *s = sy_text(n);
    size_t len = n->data.scalar.length, nb = 0;
    for (size_t i = 0; i < len;) {
        char ch = s[i];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            i++;
            continue;
        }
        int hi = eh_hex_digit(ch), lo = i + 1 < len ? eh_hex_digit(s[i + 1]) : -1;
        if (hi < 0 || lo < 0)
            return sy_fail(c, n, "%s: not hex bytes (pairs of hex digits): '%s'", key,
                           show(s).s);
        if (nb == SC_MAX_BYTES)
            return sy_fail(c, n, "%s: more than %d bytes", key, SC_MAX_BYTES);
        out->b[nb++] = (uint8_t)(hi << 4 | lo);
        i += 2;
    }
    out->n = nb;
    return 0;
}

int sy_enum(sy_ctx *c, const yaml_node_t *n, const char *key, const char *const names[],
            int *out)
{
    char list[256] = "";
    for (size_t i = 0; names[i]; i++) {
        size_t l = strlen(list);
        snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", names[i]);
    }
    char expected[280];
    snprintf(expected, sizeof expected, "one of %s", list);
    const char *s = scalar(c, n, key, expected);
    if (!s)
        return -1;
    for (int i = 0; names[i]; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            return 0;
        }
    const char *sug = sy_suggest(s, names);
    if (sug)
        return sy_fail(c, n, "%s: unknown value '%s' (did you mean '%s'? expected one of %s)",
                       key, show(s).s, sug, list);
    return sy_fail(c, n, "%s: unknown value '%s' (expected one of %s)", key, show(s).s, list);
}

/* ------------------------------------------------------------ sequences */

int sy_seq(sy_ctx *c, const yaml_node_t *n, const char *key, size_t min, size_t max,
           size_t *count)
{
    if (!n || n->type != YAML_SEQUENCE_NODE)
        return sy_fail(c, sy_anchor(c, n), "%s: expected a list, got %s", key,
                       n ? type_name(n) : "nothing");
    size_t k = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (k > max)
        return sy_fail(c, sy_anchor(c, n), "%s: %zu items, at most %zu allowed", key, k, max);
    if (k < min)
        return sy_fail(c, sy_anchor(c, n), "%s: needs at least %zu item%s", key, min,
                       min == 1 ? "" : "s");
    *count = k;
    return 0;
}

yaml_node_t *sy_seq_item(sy_ctx *c, const yaml_node_t *seq, size_t i)
{
    return node(c, seq->data.sequence.items.start[i]);
}

int sy_name_list(sy_ctx *c, const yaml_node_t *n, const char *key, char (*out)[SC_MAX_NAME],
                 size_t max, size_t *count)
{
    size_t k;
    if (sy_seq(c, n, key, 0, max, &k) != 0)
        return -1;
    for (size_t i = 0; i < k; i++) {
        yaml_node_t *it = sy_seq_item(c, n, i);
        if (sy_name(c, it, key, out[i], SC_MAX_NAME, false) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(out[i], out[j]) == 0)
                return sy_fail(c, it, "%s: '%s' listed twice", key, out[i]);
    }
    *count = k;
    return 0;
}

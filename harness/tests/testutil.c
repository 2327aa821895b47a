#include "testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t tu_hex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = strlen(hex);
    ck_assert_msg(n % 2 == 0, "odd hex length: %s", hex);
    ck_assert_msg(n / 2 <= cap, "hex too long (%zu > %zu)", n / 2, cap);
    for (size_t i = 0; i < n / 2; i++) {
        int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
        ck_assert_msg(hi >= 0 && lo >= 0, "bad hex digit in %s", hex);
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return n / 2;
}

json_t *tu_load_json(const char *relpath)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", EH_SOURCE_DIR, relpath);
    json_error_t jerr;
    json_t *j = json_load_file(path, 0, &jerr);
    ck_assert_msg(j != NULL, "cannot load %s: %s", path, jerr.text);
    return j;
}

size_t tu_vec(json_t *obj, const char *key, uint8_t *out, size_t cap)
{
    json_t *v = json_object_get(obj, key);
    ck_assert_msg(json_is_string(v), "vector key %s missing", key);
    return tu_hex(json_string_value(v), out, cap);
}

const char *tu_tohex(const uint8_t *data, size_t len)
{
    static char buf[8192];
    size_t n = 0;
    for (size_t i = 0; i < len && n + 3 < sizeof buf; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%02x", data[i]);
    buf[n] = 0;
    return buf;
}

eh_err tu_rng(void *arg, uint8_t *out, size_t len)
{
    uint64_t *state = arg;
    for (size_t i = 0; i < len; i++) {
        uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        out[i] = (uint8_t)(z ^ (z >> 31));
    }
    return EH_OK;
}

void tu_trace(void *arg, const char *name, const uint8_t *val, size_t len)
{
    tu_log *log = arg;
    ck_assert_msg(log->n < sizeof log->e / sizeof log->e[0], "trace log full");
    snprintf(log->e[log->n].name, sizeof log->e[log->n].name, "%s", name);
    log->e[log->n].val = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(log->e[log->n].val);
    if (len)
        memcpy(log->e[log->n].val, val, len);
    log->e[log->n].len = len;
    log->n++;
}

const uint8_t *tu_log_get(const tu_log *log, const char *name, size_t *len)
{
    for (size_t i = log->n; i-- > 0;)
        if (strcmp(log->e[i].name, name) == 0) {
            *len = log->e[i].len;
            return log->e[i].val;
        }
    return NULL;
}

void tu_log_free(tu_log *log)
{
    for (size_t i = 0; i < log->n; i++)
        free(log->e[i].val);
    log->n = 0;
}

#include "trace_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *hex_encode(const uint8_t *v, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char *s = malloc(2 * n + 1);
    if (s == NULL)
        abort();
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = digits[v[i] >> 4];
        s[2 * i + 1] = digits[v[i] & 15];
    }
    s[2 * n] = 0;
    return s;
}

int trace_log_init(trace_log *log)
{
    log->prefix = NULL;
    log->values = json_object();
    return log->values ? 0 : -1;
}

void trace_log_free(trace_log *log)
{
    json_decref(log->values);
    log->values = NULL;
}

void trace_log_put(trace_log *log, const char *name, const uint8_t *val, size_t len)
{
    char key[128];
    snprintf(key, sizeof key, "%s%s", log->prefix ? log->prefix : "", name);
    char *hex = hex_encode(val, len);
    json_object_set_new(log->values, key, json_string(hex));
    free(hex);
}

void trace_log_cb(void *arg, const char *name, const uint8_t *val, size_t len)
{
    trace_log_put(arg, name, val, len);
}

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

long trace_log_get(const trace_log *log, const char *key, uint8_t *buf, size_t cap)
{
    const char *h = json_string_value(json_object_get(log->values, key));
    if (h == NULL)
        return -1;
    size_t n = strlen(h) / 2;
    if (n > cap)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int hi = nibble(h[2 * i]), lo = nibble(h[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        buf[i] = (uint8_t)(hi << 4 | lo);
    }
    return (long)n;
}

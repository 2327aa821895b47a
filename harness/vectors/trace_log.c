#include "trace_log.h"

#include "../common/hex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *hex_encode(const uint8_t *v, size_t n)
{
    char *s = malloc(2 * n + 1);
    if (s == NULL)
        abort();
    eh_hex_encode(v, n, s);
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


long trace_log_get(const trace_log *log, const char *key, uint8_t *buf, size_t cap)
{
    const char *h = json_string_value(json_object_get(log->values, key));
    if (h == NULL)
        return -1;
    size_t n;
    return eh_hex_decode(h, buf, cap, &n) == 0 ? (long)n : -1;
}

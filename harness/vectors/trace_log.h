/*
 * trace_log.h - collects the values an EDHOC session traces, as
 * key -> lower-case hex in a JSON object (insertion order kept), for the
 * vector checker and generator.
 */
#ifndef EH_TRACE_LOG_H
#define EH_TRACE_LOG_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct trace_log {
    json_t *values;     /* owned; key -> hex string */
    const char *prefix; /* prepended to names while set (e.g. "first_") */
} trace_log;

/* 0, or -1 when out of memory. */
int trace_log_init(trace_log *log);
void trace_log_free(trace_log *log);
void trace_log_put(trace_log *log, const char *name, const uint8_t *val, size_t len);
/* eh_trace_fn adapter: arg is a trace_log. */
void trace_log_cb(void *arg, const char *name, const uint8_t *val, size_t len);
/* Decode the hex value of key into buf; returns the length or -1. */
long trace_log_get(const trace_log *log, const char *key, uint8_t *buf, size_t cap);

/* Heap-allocated lower-case hex of v (never NULL; aborts when out of memory). */
char *hex_encode(const uint8_t *v, size_t n);

#endif

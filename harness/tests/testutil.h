/*
 * Test-only helpers: hex parsing and RFC 9529 vector loading. Not part of
 * the product (the CLI has its own validated loader in harness/cli/).
 */
#ifndef EH_TESTUTIL_H
#define EH_TESTUTIL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Decode hex into out (cap bytes); returns the byte count, aborts the test
 * (ck_abort) on odd length, bad digits or overflow. */
size_t tu_hex(const char *hex, uint8_t *out, size_t cap);

/* Load a JSON file relative to the repository root (EH_SOURCE_DIR);
 * aborts the test on failure. Caller json_decref()s. */
json_t *tu_load_json(const char *relpath);

/* Hex value of key in obj decoded into out; aborts if missing. */
size_t tu_vec(json_t *obj, const char *key, uint8_t *out, size_t cap);

/* Lower-case hex of data (static buffer, for messages). */
const char *tu_tohex(const uint8_t *data, size_t len);


#include "../edhoc/edhoc.h"

/* Deterministic test RNG (splitmix64 stream); arg points to a uint64_t seed. */
eh_err tu_rng(void *arg, uint8_t *out, size_t len);

/* Trace log: every (name, value) an engine reported, in order. */
typedef struct tu_log {
    size_t n;
    struct {
        char name[48];
        uint8_t *val;
        size_t len;
    } e[256];
} tu_log;
void tu_trace(void *arg, const char *name, const uint8_t *val, size_t len);
/* Latest value traced under name, or NULL. */
const uint8_t *tu_log_get(const tu_log *log, const char *name, size_t *len);
void tu_log_free(tu_log *log);

#endif

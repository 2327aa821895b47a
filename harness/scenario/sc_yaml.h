/*
 * sc_yaml.h - private helpers of the scenario and peer loaders: one YAML
 * document (libyaml document API) walked by schema, every value checked,
 * the first problem reported as "FILE:LINE: message". Not a public API.
 *
 * Conventions: every function returns 0, or -1 after writing the error
 * (only the first error of a load is kept). `key` names the value in
 * messages. A "null" value is a plain scalar that is empty, ~ or null.
 */
#ifndef EH_SC_YAML_H
#define EH_SC_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "scenario.h"

#define SY_MAX_FILE (1u << 20) /* bytes of one scenario or peer file */
#define SY_MAX_DEPTH 32        /* nesting of lists and maps */

typedef struct sy_ctx {
    yaml_document_t doc;
    bool have_doc;
    const char *file;
    char *err;
    size_t cap;
    bool failed;
} sy_ctx;

/* Read and parse path (exactly one document, a mapping at the top). */
int sy_open(sy_ctx *c, const char *path, char *err, size_t cap, yaml_node_t **root);
/* The same from text[0..len) (not copied, read only during the call; NULL
 * only with len 0), named `name` in messages. */
int sy_open_mem(sy_ctx *c, const char *name, const char *text, size_t len, char *err, size_t cap,
                yaml_node_t **root);
void sy_close(sy_ctx *c);

int sy_fail(sy_ctx *c, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* v made safe for a one-line message (at most 40 characters, non-printable
 * bytes as '?'), written into buf. */
const char *sy_show(const char *v, char buf[48]);

/* The node to report a problem of the whole of n at: for a block list or
 * map (which starts on the line after its key), its key; else n. */
const yaml_node_t *sy_anchor(sy_ctx *c, const yaml_node_t *n);

/* 1-based line of n. */
unsigned long sy_line(const yaml_node_t *n);
bool sy_is_null(const yaml_node_t *n);
/* Scalar text (NUL-terminated) or NULL when n is not a scalar. */
const char *sy_text(const yaml_node_t *n);

/* n is a mapping whose keys are scalars from known[] (NULL-terminated),
 * each at most once. `what` names the mapping in messages. */
int sy_keys(sy_ctx *c, const yaml_node_t *map, const char *what, const char *const known[]);
/* Value of key in map (keys checked by sy_keys), or NULL. */
yaml_node_t *sy_get(sy_ctx *c, const yaml_node_t *map, const char *key);
/* Like sy_get, but a missing key is an error (at the mapping's line). */
int sy_require(sy_ctx *c, const yaml_node_t *map, const char *key, yaml_node_t **out);
/* Number of pairs of a mapping; the i-th key and value. */
size_t sy_map_len(const yaml_node_t *map);
yaml_node_t *sy_map_key(sy_ctx *c, const yaml_node_t *map, size_t i);
yaml_node_t *sy_map_value(sy_ctx *c, const yaml_node_t *map, size_t i);

/* A string (any scalar, not null) shorter than cap. */
int sy_str(sy_ctx *c, const yaml_node_t *n, const char *key, char *out, size_t cap);
/* sy_str restricted to a non-empty [A-Za-z0-9._/-]+ (slash only if allow_slash). */
int sy_name(sy_ctx *c, const yaml_node_t *n, const char *key, char *out, size_t cap,
            bool allow_slash);
/* A plain decimal integer in lo..hi. */
int sy_long(sy_ctx *c, const yaml_node_t *n, const char *key, long lo, long hi, long *out);
int sy_int(sy_ctx *c, const yaml_node_t *n, const char *key, int lo, int hi, int *out);
/* A plain true/false (also True, TRUE, False, FALSE). */
int sy_bool(sy_ctx *c, const yaml_node_t *n, const char *key, bool *out);
/* Hex digits (either case; blanks and newlines between digit pairs are
 * ignored) into out; at most SC_MAX_BYTES bytes. Quoted "" = no bytes. */
int sy_hex(sy_ctx *c, const yaml_node_t *n, const char *key, sc_bytes *out);
/* A scalar equal to one of names[] (NULL-terminated); its index. */
int sy_enum(sy_ctx *c, const yaml_node_t *n, const char *key, const char *const names[],
            int *out);
/* A sequence of at most max items (min at least). */
int sy_seq(sy_ctx *c, const yaml_node_t *n, const char *key, size_t min, size_t max,
           size_t *count);
yaml_node_t *sy_seq_item(sy_ctx *c, const yaml_node_t *seq, size_t i);
/* A sequence of at most max names (sy_name) into out[][SC_MAX_NAME]. */
int sy_name_list(sy_ctx *c, const yaml_node_t *n, const char *key, char (*out)[SC_MAX_NAME],
                 size_t max, size_t *count);

/* The name of known (NULL-terminated) closest to word, if close enough to
 * be a typo (edit distance 1, or 2 for names of 5 or more characters); else
 * NULL. */
const char *sy_suggest(const char *word, const char *const known[]);

/* Each of the n names (the items of the sequence `list`, under key) is one
 * of sc_capability_names (scenario.h); else -1 after sy_fail naming the
 * closest valid name. (In profile.c, with the list.) */
int sc_capabilities_check(sy_ctx *c, const yaml_node_t *list, const char *key,
                          const char (*names)[SC_MAX_NAME], size_t n);

#endif

/*
 * vector_gen.h - building vector files: one handshake from generator
 * options (vectors_generate.c) and negative files derived from a valid
 * vector (vectors_negative.c).
 */
#ifndef EH_VECTOR_GEN_H
#define EH_VECTOR_GEN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../edhoc/edhoc.h"

typedef enum gen_cred_kind { GEN_KID, GEN_KCCS, GEN_X5T, GEN_X5CHAIN } gen_cred_kind;

typedef struct gen_opts {
    int method, suite;
    gen_cred_kind kind_i, kind_r;
    uint8_t ead[5][64];
    size_t ead_len[5];
    uint8_t c_i[EH_MAX_CONN_ID], c_r[EH_MAX_CONN_ID];
    size_t c_i_len, c_r_len;
    bool message_4;
    uint64_t seed;
    const char *variant; /* NULL = "base" */
} gen_opts;

/* "kid" "kccs" "x5t" "x5chain" <-> kind; parse returns 0 or -1. */
int gen_kind_parse(const char *s, gen_cred_kind *kind);
const char *gen_kind_name(gen_cred_kind kind);

/* The complete vector (inputs and every intermediate value) as an ordered
 * JSON object, or NULL after printing why. Caller json_decref()s. */
json_t *gen_vector(const gen_opts *o);

/* Write atomically (temporary file + rename); 0 or 2 after printing. */
int gen_write_json(const json_t *j, const char *path);

/* Negative vector files derived from `base`, one per category of
 * vectors/README.md; written into dir as neg-<category>[-n].json. Returns
 * 0 or 2 after printing; *count receives the number written. */
int gen_negatives(const json_t *base, const char *dir, int *count);

#endif

/*
 * vector_setup.h - an Initiator and a Responder configured from a vector
 * file's inputs (vectors/README.md): shared by `vectors check` and by the
 * deterministic mode of `peer --vector`.
 */
#ifndef EH_VECTOR_SETUP_H
#define EH_VECTOR_SETUP_H

#include "../edhoc/edhoc.h"
#include "trace_log.h"
#include "vector_file.h"

#define VMAX 16384
#define VS_MAX_EAD_KNOWN 32 /* critical EAD labels an endpoint of a vector understands */

typedef struct bytes {
    uint8_t b[VMAX];
    size_t n;
} bytes;

typedef struct vector_inputs {
    bytes method, suites_i, x, y, c_i, c_r, ead[5], sk_i, sk_r, id_cred_i, id_cred_r, cred_i,
        cred_r, first_suites_i, first_x, first_g_x, first_c_i, keyupdate_context,
        exporter_context;
    bytes msg1, msg2, msg3, msg4, first_msg1, error_msg;
} vector_inputs;

typedef struct vector_setup {
    vector_inputs in;
    int method;
    const eh_suite *suite;              /* the selected (last) suite of suites_i */
    int prefs[EH_MAX_SUITES];           /* suites_i: the Initiator's preference list */
    size_t n_prefs;
    int first_sel[EH_MAX_SUITES];       /* first_suites_i, if any */
    size_t n_first;
    uint8_t pub_i[EH_MAX_SIG_PUB_LEN], pub_r[EH_MAX_SIG_PUB_LEN];
    size_t pub_i_len, pub_r_len;
    eh_cred cred_i, cred_r;
    eh_config ci, cr;                   /* point into this struct: do not move it */
    /* the critical EAD labels each endpoint understands (ci/cr.ead_known) */
    int64_t ead_known_i[VS_MAX_EAD_KNOWN], ead_known_r[VS_MAX_EAD_KNOWN];
} vector_setup;

/*
 * Load the inputs of vf and configure both roles (no trace callbacks, no
 * signer override). Values the set-up derives itself (public keys of the
 * private keys, ephemeral public keys and y-coordinates, identifiers)
 * go to `derived` when it is not NULL. Returns 0, or 2 after printing one
 * line naming the file and the key.
 *
 * EAD (vectors/README.md, "EAD"): each endpoint understands the critical
 * labels that `_ead_understood_i` / `_ead_understood_r` list (JSON arrays of
 * integers) when the file has that key; otherwise, in a positive vector,
 * every critical label of ead_1..ead_4 (the run it documents completed, so
 * both endpoints understood its items), and in a negative one (with
 * `invalid_message`) none, so that an unknown critical item is rejected.
 */
int vector_setup_load(const vfile *vf, vector_setup *vs, trace_log *derived);

/* Decode a CBOR int or [2* int]; 0 or -1. */
int parse_int_list(const uint8_t *b, size_t n, int *out, size_t *count);

#endif

/*
 * vector_gen.h - building vector files: one handshake from generator
 * options (vectors_generate.c), negative files derived from a valid
 * vector (vectors_negative.c), and credential files for every key type of
 * the cipher suites (vectors_creds.c). Everything is reproducible from a
 * seed.
 */
#ifndef EH_VECTOR_GEN_H
#define EH_VECTOR_GEN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../crypto/x509.h"
#include "../edhoc/edhoc.h"

typedef enum gen_cred_kind { GEN_KID, GEN_KCCS, GEN_X5T, GEN_X5CHAIN } gen_cred_kind;

/* EAD bytes per message: enough for a PLAINTEXT_2 that needs RFC 9528
 * Appendix G (over 255 x the hash length) within the engine's EH_WORK_SIZE */
#define GEN_MAX_EAD 16016

typedef struct gen_opts {
    int method, suite;
    gen_cred_kind kind_i, kind_r;
    uint8_t ead[5][GEN_MAX_EAD];
    size_t ead_len[5];
    uint8_t c_i[EH_MAX_CONN_ID], c_r[EH_MAX_CONN_ID];
    size_t c_i_len, c_r_len;
    bool message_4;
    uint64_t seed;
    const char *variant; /* NULL: "mixed" when the kinds differ, else "base" */
    const char *command; /* _source: the command that writes this file; NULL: the
                          * generator's name */
} gen_opts;

/* "kid" "kccs" "x5t" "x5chain" <-> kind; parse returns 0 or -1. */
int gen_kind_parse(const char *s, gen_cred_kind *kind);
const char *gen_kind_name(gen_cred_kind kind);

/* The complete vector (inputs and every intermediate value) as an ordered
 * JSON object, or NULL after printing why. Caller json_decref()s. */
json_t *gen_vector(const gen_opts *o);

/* Deterministic bytes for a use named by label (at most 64 bytes of it
 * count): SHA-256(seed as 8 bytes little-endian || label || 32-bit counter)
 * blocks, concatenated. */
void gen_drbg(uint64_t seed, const char *label, uint8_t *out, size_t len);

/* An authentication key pair in the raw forms of x509.h. */
typedef struct gen_keypair {
    eh_key_type type;
    uint8_t priv[EH_MAX_PRIV_LEN];
    size_t priv_len;
    uint8_t pub[EH_MAX_SIG_PUB_LEN]; /* EC2: x || y */
    size_t pub_len;
} gen_keypair;

/* A static-DH key pair of dh (dh != NULL), else a signature key pair of
 * sig, from gen_drbg(seed, "LABEL/ATTEMPT"), ATTEMPT = 0, 1, ... until
 * the private key is in range (at most 16). 0, or -1 with *k wiped. The
 * private key is a secret: wipe *k after use. */
int gen_keypair_make(uint64_t seed, const char *label, const eh_ecdh_alg *dh,
                     const eh_sig_alg *sig, gen_keypair *k);

/* COSE crv of a key type (RFC 9053 §7.1): 1 P-256, 2 P-384, 4 X25519,
 * 5 X448, 6 Ed25519, 7 Ed448. */
int gen_cose_crv(eh_key_type type);

/* The CCS of RFC 9529 §3's layout, {2: subject, 8: {1: COSE_Key}}, whose
 * COSE_Key has kty (OKP / EC2), kid h'KID', crv, x (and y for EC2), in
 * deterministic CBOR. Returns its length, or 0 if cap is too small. */
size_t gen_ccs_encode(eh_key_type type, const uint8_t *pub, size_t pub_len,
                      const char *subject, uint8_t kid, uint8_t *out, size_t cap);

/* Credential files (vectors/creds/README.md) for every static-DH curve and
 * signature algorithm of the cipher suites, for the Initiator and the
 * Responder, written into dir (see vectors_creds.c for the names). 0, or
 * 2 after printing why; *count receives the number of files written. */
int gen_creds(uint64_t seed, const char *dir, int *count);

/* Write atomically (temporary file + rename); 0 or 2 after printing. */
int gen_write_json(const json_t *j, const char *path);

/* Negative vector files derived from `base`, one per category of
 * vectors/README.md; written into dir as neg-<category>[-n].json. Returns
 * 0 or 2 after printing; *count receives the number written. */
int gen_negatives(const json_t *base, const char *dir, int *count);

#endif

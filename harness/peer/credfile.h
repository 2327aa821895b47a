/*
 * credfile.h - load an authentication credential from hand-editable files
 * (format: vectors/creds/README.md).
 *
 * A credential NAME is a set of files in one directory:
 *   NAME.key.pem   optional: the private authentication key, unencrypted
 *                  PKCS#8 PEM (only the credential's owner has it)
 *   NAME.cert.pem  an X.509 certificate (PEM)          } exactly one
 *   NAME.ccs.hex   a CWT Claims Set (CCS), hex         } of these two
 * In NAME.ccs.hex whitespace is ignored and `#` starts a comment that runs
 * to the end of the line.
 *
 * Everything is copied into the credfile struct; it owns no other memory.
 */
#ifndef EH_CREDFILE_H
#define EH_CREDFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../crypto/x509.h"
#include "../edhoc/edhoc.h"

/* Largest file the loader reads (larger ones are refused). */
#define CREDFILE_MAX_FILE 65536

/* How the credential is identified in ID_CRED (RFC 9528 §3.5.3). */
typedef enum credfile_id { CREDFILE_KID, CREDFILE_KCCS, CREDFILE_X5T, CREDFILE_X5CHAIN } credfile_id;

typedef struct credfile {
    uint8_t cred[2048]; size_t cred_len;        /* CRED: bstr(DER) for X.509, the CCS map for CCS */
    uint8_t id_cred[2304]; size_t id_cred_len;  /* ID_CRED map for the chosen identification */
    uint8_t pub[96]; size_t pub_len;            /* authentication public key in the engine's raw form */
    uint8_t priv[57]; size_t priv_len;          /* 0 when NAME.key.pem is absent */
    /* priv prepared for signing (eh_sig_alg.prepare) when it is an EdDSA
     * key (Ed25519, Ed448), where that saves time; else sign_alg NULL */
    const eh_sig_alg *sign_alg;
    uint8_t sign_key[EH_MAX_SIG_PREPARED_LEN];
    eh_key_type type;                           /* type of pub (and priv) */
    bool is_x509;
    uint8_t der[2048]; size_t der_len;          /* certificate DER (X.509 only, else 0) */
    eh_cred c;                                  /* points into this struct */
} credfile;

/*
 * Load credential `name` from directory `dir` (NULL or "" = current
 * directory) into *out.
 *
 * `id` chooses how ID_CRED is formed:
 *   CREDFILE_KID      {4: kid}: CCS only, kid = the COSE_Key's kid (label 2,
 *                     a bstr; error if absent). For an X.509 credential this
 *                     is an error: a certificate has no kid (identify it
 *                     with x5t / x5chain, or set one with credfile_set_kid).
 *   CREDFILE_KCCS     {14: CCS}            CCS only
 *   CREDFILE_X5T      {34: [-15, first 8 bytes of SHA-256(DER)]}  X.509 only
 *   CREDFILE_X5CHAIN  {33: bstr DER}       X.509 only
 *
 * CRED: for a certificate bstr(DER) (DER at most 2045 bytes); for a CCS the
 * map exactly as written in the file (one well-formed CBOR map, at most 2048
 * bytes, used byte for byte and never re-encoded).
 *
 * Public key (in the raw forms of x509.h): for a certificate its subject
 * key (eh_x509_public_key); for a CCS the COSE_Key in cnf (8) / COSE_Key (1):
 * kty 1 (OKP) crv 4/5/6/7 -> x (-2); kty 2 (EC2) crv 1/2 -> x (-2) || y (-3),
 * which must be a point on the curve. Lengths are checked against the curve.
 *
 * If NAME.key.pem exists, its key must have the credential's key type and
 * its public key must equal the credential's, else the load fails.
 *
 * Returns 0 on success (out->c points into *out), or 2 after printing one
 * line to stderr naming the file and the problem: a missing or unreadable
 * file, both or neither of NAME.cert.pem / NAME.ccs.hex, a file larger than
 * CREDFILE_MAX_FILE bytes, malformed PEM / hex / CBOR, an unsupported key,
 * a private key that does not match, or an identification the credential
 * kind does not allow. On failure *out is zeroed. Never reads past a buffer.
 * The private key is a secret: wipe *out with credfile_wipe() after use.
 */
int credfile_load(const char *dir, const char *name, credfile_id id, credfile *out);

/* "kid" / "kccs" / "x5t" / "x5chain" -> *id, returns 0; anything else
 * (including NULL) -> -1, *id unchanged. */
int credfile_id_parse(const char *s, credfile_id *id);

/* Name of an identification ("kid", ...), or "?" for an unknown value. */
const char *credfile_id_name(credfile_id id);

/*
 * Replace ID_CRED by {4: bstr kid} (1..64 bytes) for any credential kind,
 * e.g. to identify an X.509 credential by kid. 0, or -1 (no change) on a
 * bad length or NULL argument. Prints nothing.
 */
int credfile_set_kid(credfile *cf, const uint8_t *kid, size_t kid_len);

/*
 * Credential name of dir as identification id, loaded once before a process
 * forks its jobs and kept in this process (and the forked children) until
 * credfile_cache_clear: credfile_load(dir, name, id) with the same dir
 * string then copies it instead of reading and decoding its files again (a
 * PEM private key through OpenSSL: ~0.4 ms, the first one in a process
 * ~2.5 ms more). Quiet: 0 when it is cached now (or was), -1 when it does
 * not load (credfile_load says why when asked for it). Not for use while
 * another thread loads credentials; the files must not change while
 * cached. At most CREDFILE_CACHE_MAX are kept.
 */
#define CREDFILE_CACHE_MAX 1024
int credfile_preload_one(const char *dir, const char *name, credfile_id id);

/* Wipe (private keys included) and drop the cache. */
void credfile_cache_clear(void);

/* After copying a credfile struct, re-point c into the copy. */
void credfile_fixup(credfile *cf);

/* Erase the whole struct (including the private key). */
void credfile_wipe(credfile *cf);

#endif

/*
 * vectors_creds.c - `vectors generate --creds DIR --seed N`: credential
 * files (format: vectors/creds/README.md) for every key type the cipher
 * suites use, so that any IUT can run every METHOD x suite x credential
 * kind with the same keys as the harness.
 *
 * For each static-DH curve (X25519, P-256, P-384, X448) and each signature
 * algorithm (Ed25519, ES256 on P-256, ES384 on P-384, Ed448), for the
 * Initiator, the Responder and a third identity ("other", which negative
 * scenarios tell an IUT about so that it must not recognise the harness), a key pair from gen_drbg(seed,
 * "cred/NAME/ATTEMPT") with NAME = sc_gen_cred_name() (matrix.h), written
 * as
 *   NAME.key.pem        PKCS#8 private key
 *   NAME.ccs.hex        CCS with the COSE_Key and a kid (commented hex)
 *   NAME-x509.key.pem   the same private key
 *   NAME-x509.cert.pem  an X.509 certificate of the same public key, signed
 *                       with Ed25519 by a generated root
 *   gen-root.pub.hex    that root's public key (not a credential)
 * Kids are one byte, distinct, and neither RFC 9529's h'2b' nor h'32':
 * Initiator 0x10 + i, Responder 0x18 + i, other 0x20 + i for the i-th key
 * type of the list above (0x10..0x17 and 0x20..0x27 are one-byte CBOR
 * integers, so the compact ID_CRED is the integer, 0x20.. a negative one;
 * 0x18..0x1f are not, so it is the byte string, RFC 9528 §3.5.3.2). Output depends only on the seed; files are written atomically.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../cbor/cbor.h"
#include "../common/hex.h"
#include "../crypto/x509.h"
#include "../scenario/matrix.h"
#include "vector_gen.h"

#define ROOT_CN "edhoc-harness generated root"
#define NOT_BEFORE "20250101000000Z"
#define NOT_AFTER "20491231235959Z"

static const struct {
    const eh_ecdh_alg *dh;  /* static DH, or */
    const eh_sig_alg *sig;  /* signature */
    const char *what;
} key_kinds[] = {
    {&eh_ecdh_x25519, NULL, "X25519 static-DH"}, {&eh_ecdh_p256, NULL, "P-256 static-DH"},
    {&eh_ecdh_p384, NULL, "P-384 static-DH"},    {&eh_ecdh_x448, NULL, "X448 static-DH"},
    {NULL, &eh_sig_ed25519, "Ed25519 signature"}, {NULL, &eh_sig_es256, "ES256 (P-256) signature"},
    {NULL, &eh_sig_es384, "ES384 (P-384) signature"}, {NULL, &eh_sig_ed448, "Ed448 signature"},
};
#define N_KINDS (sizeof key_kinds / sizeof key_kinds[0])

/* A growing text buffer; a failed append sets oom. */
typedef struct text {
    char *s;
    size_t len, cap;
    bool oom;
} text;

static void tx_printf(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || t->oom) {
        t->oom = true;
        return;
    }
    if (t->len + (size_t)n + 1 > t->cap) {
        size_t cap = (t->len + (size_t)n + 1) * 2;
        char *s = realloc(t->s, cap);
        if (s == NULL) {
            t->oom = true;
            return;
        }
        t->s = s, t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

static void tx_hex(text *t, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tx_printf(t, "%02x", b[i]);
}

/* Write len bytes to DIR/NAME via a temporary file and a rename. */
static int write_file(const char *dir, const char *name, const char *data, size_t len)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    bool ok = f != NULL && fwrite(data, 1, len, f) == len;
    if (f != NULL && fclose(f) != 0)
        ok = false;
    if (!ok || rename(tmp, path) != 0) {
        fprintf(stderr, "vectors generate: cannot write %s: %s\n", path, strerror(errno));
        remove(tmp);
        return 2;
    }
    return 0;
}

/* One line of the commented CCS: indentation, then the encoded map key,
 * the value's head and its content as separate hex groups. The bytes are
 * also appended to all (to check the layout against the encoding). */
static void ccs_line(text *t, text *all, int indent, const uint8_t *item, size_t n,
                     size_t key_len, size_t head_len)
{
    tx_printf(t, "%*s", indent, "");
    size_t cuts[3] = {key_len, key_len + head_len, n};
    size_t from = 0;
    for (int i = 0; i < 3; i++) {
        if (cuts[i] == from)
            continue;
        tx_printf(t, "%s", from ? " " : "");
        tx_hex(t, item + from, cuts[i] - from);
        from = cuts[i];
    }
    tx_printf(t, "\n");
    tx_hex(all, item, n);
}

/* One encoded map entry (an int key and its value), with the sizes of the
 * key and of the value's head (for byte and text strings). */
typedef struct entry {
    uint8_t b[160];
    size_t n, key_len, head_len;
} entry;

static void entry_int_key(entry *e, int64_t key)
{
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, e->b, sizeof e->b);
    eh_cbor_write_int(&w, key);
    e->n = e->key_len = w.len;
    e->head_len = 0;
}

static void entry_uint(entry *e, int64_t key, uint64_t v)
{
    entry_int_key(e, key);
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, e->b + e->n, sizeof e->b - e->n);
    eh_cbor_write_uint(&w, v);
    e->n += w.len;
}

static void entry_bytes(entry *e, int64_t key, bool text_string, const uint8_t *v, size_t len)
{
    entry_int_key(e, key);
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, e->b + e->n, sizeof e->b - e->n);
    if (text_string)
        eh_cbor_write_tstr(&w, (const char *)v, len);
    else
        eh_cbor_write_bstr(&w, v, len);
    e->head_len = w.len - len;
    e->n += w.len;
}

static void entry_map(entry *e, int64_t key, size_t count)
{
    entry_int_key(e, key);
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, e->b + e->n, sizeof e->b - e->n);
    eh_cbor_write_map(&w, count);
    e->n += w.len;
}

/* NAME.ccs.hex: a comment block (what it is, ID_CRED by kid, the CCS in
 * diagnostic notation) and the CCS, one map entry a line. */
static int write_ccs(const char *dir, const char *name, const char *what, const char *whose,
                     const gen_keypair *k, uint8_t kid, uint64_t seed)
{
    uint8_t ccs[512];
    char subject[96], diag[2048], file[160];
    snprintf(subject, sizeof subject, "%s.edhoc-harness.example", name);
    size_t n = gen_ccs_encode(k->type, k->pub, k->pub_len, subject, kid, ccs, sizeof ccs);
    if (n == 0 || eh_cbor_diag(ccs, n, diag, sizeof diag) != EH_OK)
        return 2;
    bool ec2 = k->type == EH_KEY_P256 || k->type == EH_KEY_P384;
    size_t half = ec2 ? k->pub_len / 2 : k->pub_len;
    text t = {0}, all = {0};
    tx_printf(&t, "# %s\n", name);
    tx_printf(&t, "# Generated by `edhoc-harness vectors generate --creds DIR --seed %llu`.\n",
              (unsigned long long)seed);
    tx_printf(&t, "# %s %s key in a CWT Claims Set (CCS) whose\n", whose, what);
    tx_printf(&t, "# cnf holds the COSE_Key; identified by kid (COSE_Key label 2).\n");
    tx_printf(&t, "# ID_CRED with kid: a10441%02x\n#\n# %s\n#\n", kid, diag);
    uint8_t one[4];
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, one, sizeof one);
    eh_cbor_write_map(&w, 2);
    ccs_line(&t, &all, 0, one, w.len, 0, 0);
    entry e;
    entry_bytes(&e, 2, true, (const uint8_t *)subject, strlen(subject));
    ccs_line(&t, &all, 2, e.b, e.n, e.key_len, e.head_len);
    entry_map(&e, 8, 1);
    ccs_line(&t, &all, 2, e.b, e.n, e.key_len, 0);
    entry_map(&e, 1, ec2 ? 5 : 4);
    ccs_line(&t, &all, 4, e.b, e.n, e.key_len, 0);
    entry_uint(&e, 1, ec2 ? 2 : 1);
    ccs_line(&t, &all, 6, e.b, e.n, e.key_len, 0);
    entry_bytes(&e, 2, false, &kid, 1);
    ccs_line(&t, &all, 6, e.b, e.n, e.key_len, e.head_len);
    entry_int_key(&e, -1);
    eh_cbor_writer_init(&w, e.b + e.n, sizeof e.b - e.n);
    eh_cbor_write_uint(&w, (uint64_t)gen_cose_crv(k->type));
    e.n += w.len;
    ccs_line(&t, &all, 6, e.b, e.n, e.key_len, 0);
    entry_bytes(&e, -2, false, k->pub, half);
    ccs_line(&t, &all, 6, e.b, e.n, e.key_len, e.head_len);
    if (ec2) {
        entry_bytes(&e, -3, false, k->pub + half, half);
        ccs_line(&t, &all, 6, e.b, e.n, e.key_len, e.head_len);
    }
    /* the commented layout must be exactly the encoding */
    char want[2 * sizeof ccs + 1];
    eh_hex_encode(ccs, n, want);
    int rc = 2;
    if (t.oom || all.oom || all.len != 2 * n || memcmp(all.s, want, all.len) != 0)
        fprintf(stderr, "vectors generate: internal error: the CCS layout of %s\n", name);
    else {
        snprintf(file, sizeof file, "%s.ccs.hex", name);
        rc = write_file(dir, file, t.s, t.len);
    }
    free(t.s), free(all.s);
    return rc;
}

static int write_key(const char *dir, const char *name, const gen_keypair *k)
{
    char pem[1024], file[160];
    size_t len;
    if (eh_pem_private_key_write(k->type, k->priv, k->priv_len, pem, sizeof pem, &len) != EH_OK) {
        fprintf(stderr, "vectors generate: cannot encode the private key of %s\n", name);
        return 2;
    }
    snprintf(file, sizeof file, "%s.key.pem", name);
    int rc = write_file(dir, file, pem, len);
    eh_wipe(pem, sizeof pem);
    return rc;
}

static int write_cert(const char *dir, const char *name, const gen_keypair *k,
                      const uint8_t root_seed[32], uint64_t seed)
{
    uint8_t der[1024], serial[4];
    char pem[2048], file[160], label[96];
    size_t der_len, pem_len;
    snprintf(label, sizeof label, "cred/%s/serial", name);
    gen_drbg(seed, label, serial, sizeof serial);
    uint32_t sn = ((uint32_t)serial[0] << 24 | (uint32_t)serial[1] << 16 |
                   (uint32_t)serial[2] << 8 | serial[3]) & 0x7fffffffu;
    if (eh_x509_create(k->type, k->pub, k->pub_len, name, root_seed, ROOT_CN, sn ? sn : 1,
                       NOT_BEFORE, NOT_AFTER, der, sizeof der, &der_len) != EH_OK ||
        eh_pem_cert_write(der, der_len, pem, sizeof pem, &pem_len) != EH_OK) {
        fprintf(stderr, "vectors generate: cannot make the certificate of %s\n", name);
        return 2;
    }
    snprintf(file, sizeof file, "%s.cert.pem", name);
    return write_file(dir, file, pem, pem_len);
}

static int write_root(const char *dir, const uint8_t root_pub[32], uint64_t seed)
{
    text t = {0};
    tx_printf(&t, "# gen-root\n");
    tx_printf(&t, "# Generated by `edhoc-harness vectors generate --creds DIR --seed %llu`:\n",
              (unsigned long long)seed);
    tx_printf(&t, "# the Ed25519 public key of \"%s\", which signed every\n", ROOT_CN);
    tx_printf(&t, "# gen-*-x509.cert.pem. Not a credential (no loader reads it).\n");
    tx_hex(&t, root_pub, 32);
    tx_printf(&t, "\n");
    int rc = t.oom ? 2 : write_file(dir, "gen-root.pub.hex", t.s, t.len);
    free(t.s);
    return rc;
}

int gen_creds(uint64_t seed, const char *dir, int *count)
{
    uint8_t root_seed[32], root_pub[32];
    int rc = 0;
    *count = 0;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "vectors generate: cannot create %s: %s\n", dir, strerror(errno));
        return 2;
    }
    gen_drbg(seed, "cred/root", root_seed, sizeof root_seed);
    if (eh_sig_ed25519.public_key(root_seed, root_pub) != EH_OK ||
        (rc = write_root(dir, root_pub, seed)) != 0)
        goto done;
    (*count)++;
    for (size_t i = 0; i < N_KINDS && rc == 0; i++)
        for (int r = 0; r < 3 && rc == 0; r++) {
            static const char *const whose[] = {"The Initiator's", "The Responder's",
                                                "A third identity's"};
            sc_gen_role role = r == 0 ? SC_GEN_INITIATOR : r == 1 ? SC_GEN_RESPONDER : SC_GEN_OTHER;
            bool dh = key_kinds[i].dh != NULL;
            int crv = dh ? key_kinds[i].dh->cose_crv : key_kinds[i].sig->cose_crv;
            char name[64], x509_name[64], label[96];
            gen_keypair k;
            if (sc_gen_cred_name(crv, dh, role, false, name, sizeof name) != 0 ||
                sc_gen_cred_name(crv, dh, role, true, x509_name, sizeof x509_name) != 0) {
                rc = 2;
                break;
            }
            snprintf(label, sizeof label, "cred/%s", name);
            if (gen_keypair_make(seed, label, key_kinds[i].dh, key_kinds[i].sig, &k) != 0) {
                fprintf(stderr, "vectors generate: cannot make the key of %s\n", name);
                rc = 2;
                break;
            }
            uint8_t kid = (uint8_t)(0x10 + 8 * r + i);
            if ((rc = write_key(dir, name, &k)) == 0 &&
                (rc = write_ccs(dir, name, key_kinds[i].what, whose[r], &k, kid, seed)) == 0 &&
                (rc = write_key(dir, x509_name, &k)) == 0)
                rc = write_cert(dir, x509_name, &k, root_seed, seed);
            eh_wipe(&k, sizeof k);
            if (rc == 0)
                *count += 4;
        }
done:
    eh_wipe(root_seed, sizeof root_seed);
    return rc;
}

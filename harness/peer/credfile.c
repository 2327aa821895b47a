/*
 * credfile.c - credential files (see credfile.h, vectors/creds/README.md).
 */
#include "credfile.h"

#include "../common/hex.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cbor/cbor.h"
#include "../crypto/crypto.h"

#define PATH_CAP 4096

/* COSE labels (RFC 9052 §7.1, RFC 9053 §7, RFC 8392, RFC 8747). */
enum { CCS_CNF = 8, CNF_COSE_KEY = 1 };
enum { KEY_KTY = 1, KEY_KID = 2, KEY_CRV = -1, KEY_X = -2, KEY_Y = -3 };
enum { KTY_OKP = 1, KTY_EC2 = 2 };
enum { HDR_KID = 4, HDR_KCCS = 14, HDR_X5CHAIN = 33, HDR_X5T = 34 };

static const char *const id_names[] = {"kid", "kccs", "x5t", "x5chain"};

/* credfile_preload_one loads quietly: a credential that does not load is
 * reported by the job's own credfile_load, not twice. */
static bool quiet;

/* One line on stderr: "<file>: <problem>" (unless quiet). Always returns 2. */
static int fail(const char *file, const char *fmt, ...)
{
    if (quiet)
        return 2;
    va_list ap;
    fprintf(stderr, "%s: ", file);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 2;
}

static const char *key_type_name(eh_key_type t)
{
    switch (t) {
    case EH_KEY_ED25519: return "Ed25519";
    case EH_KEY_ED448: return "Ed448";
    case EH_KEY_X25519: return "X25519";
    case EH_KEY_X448: return "X448";
    case EH_KEY_P256: return "P-256";
    case EH_KEY_P384: return "P-384";
    }
    return "unknown";
}

/* --------------------------------------------------------------- files -- */

/*
 * Read a whole file into a fresh heap buffer (*data, NUL-terminated, caller
 * frees). 0 = read; 1 = the file does not exist (nothing printed); 2 =
 * printed why (unreadable, larger than CREDFILE_MAX_FILE, out of memory).
 */
static int read_file(const char *path, char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        if (errno == ENOENT)
            return 1;
        return fail(path, "cannot open: %s", strerror(errno));
    }
    char *buf = malloc(CREDFILE_MAX_FILE + 2);
    if (buf == NULL) {
        fclose(f);
        return fail(path, "out of memory");
    }
    size_t n = fread(buf, 1, CREDFILE_MAX_FILE + 1, f);
    int rd_err = ferror(f);
    int saved = errno;
    fclose(f);
    if (rd_err) {
        free(buf);
        return fail(path, "cannot read: %s", strerror(saved));
    }
    if (n > CREDFILE_MAX_FILE) {
        eh_wipe(buf, n);
        free(buf);
        return fail(path, "file larger than %d bytes (64 KiB): refused", CREDFILE_MAX_FILE);
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

static void free_secret(char *data, size_t len)
{
    if (data != NULL) {
        eh_wipe(data, len);
        free(data);
    }
}

/* ----------------------------------------------------------------- hex -- */


/* Annotated hex (whitespace ignored, `#` to end of line a comment) -> out. */
static int hex_decode(const char *path, const char *text, size_t len, uint8_t *out, size_t cap,
                      size_t *out_len)
{
    size_t n = 0, line = 1, col = 0;
    int hi = -1;
    size_t hi_line = 0, hi_col = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        col++;
        if (c == '\n') {
            line++;
            col = 0;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f')
            continue;
        if (c == '#') {
            while (i + 1 < len && text[i + 1] != '\n')
                i++;
            continue;
        }
        int v = eh_hex_digit(c);
        if (v < 0) {
            unsigned char uc = (unsigned char)c;
            if (uc >= 0x20 && uc < 0x7f)
                return fail(path, "line %zu, column %zu: '%c' is not a hex digit", line, col, c);
            return fail(path, "line %zu, column %zu: byte 0x%02x is not a hex digit", line, col,
                        uc);
        }
        if (hi < 0) {
            hi = v;
            hi_line = line;
            hi_col = col;
            continue;
        }
        if (n == cap)
            return fail(path, "CCS longer than %zu bytes", cap);
        out[n++] = (uint8_t)(hi << 4 | v);
        hi = -1;
    }
    if (hi >= 0)
        return fail(path, "line %zu, column %zu: odd number of hex digits (a lone digit)",
                    hi_line, hi_col);
    if (n == 0)
        return fail(path, "no hex bytes (only whitespace and comments)");
    *out_len = n;
    return 0;
}

/* ---------------------------------------------------------------- CCS -- */

typedef struct cose_key {
    int64_t kty, crv;
    bool has_kty, has_crv;
    const uint8_t *kid, *x, *y;
    size_t kid_len, x_len, y_len;
    bool y_not_bstr;
} cose_key;

/* Parse the COSE_Key map `key` (raw item bytes). */
static int parse_cose_key(const char *path, const uint8_t *key, size_t len, cose_key *k)
{
    eh_cbor_reader r;
    size_t n;
    memset(k, 0, sizeof *k);
    eh_cbor_reader_init(&r, key, len);
    r.lenient = true;
    if (eh_cbor_read_map(&r, &n) != EH_OK)
        return fail(path, "cnf COSE_Key (1) is not a CBOR map");
    for (size_t i = 0; i < n; i++) {
        int64_t label;
        size_t at = r.pos;
        if (eh_cbor_peek_major(&r) == EH_CBOR_TSTR) { /* text labels: skip pair */
            if (eh_cbor_read_item(&r, NULL, NULL) != EH_OK ||
                eh_cbor_read_item(&r, NULL, NULL) != EH_OK)
                return fail(path, "COSE_Key: malformed entry at byte %zu of the key", at);
            continue;
        }
        if (eh_cbor_read_int(&r, &label) != EH_OK)
            return fail(path, "COSE_Key: label at byte %zu of the key is not an integer", at);
        at = r.pos;
        eh_err err = EH_OK;
        bool dup = false;
        switch (label) {
        case KEY_KTY:
            dup = k->has_kty;
            err = eh_cbor_read_int(&r, &k->kty);
            k->has_kty = true;
            break;
        case KEY_CRV:
            dup = k->has_crv;
            err = eh_cbor_read_int(&r, &k->crv);
            k->has_crv = true;
            break;
        case KEY_KID:
            dup = k->kid != NULL;
            err = eh_cbor_read_bstr(&r, &k->kid, &k->kid_len);
            break;
        case KEY_X:
            dup = k->x != NULL;
            err = eh_cbor_read_bstr(&r, &k->x, &k->x_len);
            break;
        case KEY_Y:
            dup = k->y != NULL || k->y_not_bstr;
            if (eh_cbor_peek_major(&r) == EH_CBOR_BSTR) {
                err = eh_cbor_read_bstr(&r, &k->y, &k->y_len);
            } else {
                k->y_not_bstr = true;
                err = eh_cbor_read_item(&r, NULL, NULL);
            }
            break;
        default:
            err = eh_cbor_read_item(&r, NULL, NULL);
            break;
        }
        if (dup)
            return fail(path, "COSE_Key: label %lld appears twice", (long long)label);
        if (err != EH_OK)
            return fail(path, "COSE_Key: value of label %lld has the wrong type (%s)",
                        (long long)label, eh_err_name(err));
    }
    return 0;
}

/* Key type and raw public key of a COSE_Key. */
static int cose_key_public(const char *path, const cose_key *k, credfile *out)
{
    if (!k->has_kty)
        return fail(path, "COSE_Key has no kty (1)");
    if (!k->has_crv)
        return fail(path, "COSE_Key has no crv (-1)");
    if (k->x == NULL)
        return fail(path, "COSE_Key has no x (-2) byte string");
    if (k->kty == KTY_OKP) {
        switch (k->crv) {
        case 4: out->type = EH_KEY_X25519; break;
        case 5: out->type = EH_KEY_X448; break;
        case 6: out->type = EH_KEY_ED25519; break;
        case 7: out->type = EH_KEY_ED448; break;
        default:
            return fail(path, "COSE_Key: OKP crv %lld not supported (4 X25519, 5 X448, "
                              "6 Ed25519, 7 Ed448)", (long long)k->crv);
        }
        size_t want = eh_key_type_pub_len(out->type);
        if (k->x_len != want)
            return fail(path, "COSE_Key: %s x (-2) is %zu bytes, expected %zu",
                        key_type_name(out->type), k->x_len, want);
        if (k->y != NULL || k->y_not_bstr)
            return fail(path, "COSE_Key: an OKP key has no y (-3)");
        memcpy(out->pub, k->x, k->x_len);
        out->pub_len = k->x_len;
        return 0;
    }
    if (k->kty != KTY_EC2)
        return fail(path, "COSE_Key: kty %lld not supported (1 OKP, 2 EC2)", (long long)k->kty);
    const eh_ecdh_alg *alg;
    switch (k->crv) {
    case 1: out->type = EH_KEY_P256; alg = &eh_ecdh_p256; break;
    case 2: out->type = EH_KEY_P384; alg = &eh_ecdh_p384; break;
    default:
        return fail(path, "COSE_Key: EC2 crv %lld not supported (1 P-256, 2 P-384)",
                    (long long)k->crv);
    }
    size_t coord = alg->coord_len;
    if (k->y == NULL)
        return fail(path, "COSE_Key: EC2 key needs y (-3) as a byte string (compressed "
                          "points are not supported)");
    if (k->x_len != coord || k->y_len != coord)
        return fail(path, "COSE_Key: %s x / y are %zu / %zu bytes, expected %zu each",
                    key_type_name(out->type), k->x_len, k->y_len, coord);
    if (alg->check_point(k->x, k->y) != EH_OK)
        return fail(path, "COSE_Key: (x, y) is not a point on %s", key_type_name(out->type));
    memcpy(out->pub, k->x, coord);
    memcpy(out->pub + coord, k->y, coord);
    out->pub_len = 2 * coord;
    return 0;
}

/* out->cred holds the CCS; check it and find its COSE_Key. */
static int parse_ccs(const char *path, credfile *out, cose_key *k)
{
    eh_cbor_reader r;
    const uint8_t *item;
    size_t item_len, n;
    eh_cbor_reader_init(&r, out->cred, out->cred_len);
    r.lenient = true;
    eh_err err = eh_cbor_read_item(&r, &item, &item_len);
    if (err != EH_OK)
        return fail(path, "not a well-formed CBOR item (%s at byte %zu)", eh_err_name(err),
                    r.err_offset);
    if (!eh_cbor_at_end(&r))
        return fail(path, "%zu bytes after the CCS map (at byte %zu): one CBOR item expected",
                    out->cred_len - r.pos, r.pos);
    eh_cbor_reader_init(&r, out->cred, out->cred_len);
    r.lenient = true;
    if (eh_cbor_read_map(&r, &n) != EH_OK)
        return fail(path, "the CCS is not a CBOR map");
    const uint8_t *cnf = NULL;
    size_t cnf_len = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t label = 0;
        bool int_label = eh_cbor_peek_major(&r) == EH_CBOR_UINT ||
                         eh_cbor_peek_major(&r) == EH_CBOR_NEGINT;
        size_t at = r.pos;
        if (int_label ? eh_cbor_read_int(&r, &label) != EH_OK
                      : eh_cbor_read_item(&r, NULL, NULL) != EH_OK)
            return fail(path, "CCS: unreadable claim label at byte %zu", at);
        const uint8_t *v;
        size_t v_len;
        if (eh_cbor_read_item(&r, &v, &v_len) != EH_OK)
            return fail(path, "CCS: unreadable claim value at byte %zu", r.pos);
        if (int_label && label == CCS_CNF) {
            if (cnf != NULL)
                return fail(path, "CCS: claim cnf (8) appears twice");
            cnf = v;
            cnf_len = v_len;
        }
    }
    if (cnf == NULL)
        return fail(path, "CCS has no cnf (8) claim: RFC 9528 §3.5.2 needs a COSE_Key in it");
    eh_cbor_reader_init(&r, cnf, cnf_len);
    r.lenient = true;
    if (eh_cbor_read_map(&r, &n) != EH_OK)
        return fail(path, "CCS: cnf (8) is not a CBOR map");
    const uint8_t *key = NULL;
    size_t key_len = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t label = 0;
        bool int_label = eh_cbor_peek_major(&r) == EH_CBOR_UINT ||
                         eh_cbor_peek_major(&r) == EH_CBOR_NEGINT;
        const uint8_t *v;
        size_t v_len;
        if ((int_label ? eh_cbor_read_int(&r, &label) : eh_cbor_read_item(&r, NULL, NULL)) !=
                EH_OK ||
            eh_cbor_read_item(&r, &v, &v_len) != EH_OK)
            return fail(path, "CCS: malformed cnf (8) map");
        if (int_label && label == CNF_COSE_KEY) {
            if (key != NULL)
                return fail(path, "CCS: cnf holds COSE_Key (1) twice");
            key = v;
            key_len = v_len;
        }
    }
    if (key == NULL)
        return fail(path, "CCS: cnf (8) holds no COSE_Key (1)");
    if (parse_cose_key(path, key, key_len, k) != 0)
        return 2;
    return cose_key_public(path, k, out);
}

/* --------------------------------------------------------- private key -- */

static eh_err derive_public(eh_key_type t, const uint8_t *priv, uint8_t *pub, size_t *pub_len)
{
    switch (t) {
    case EH_KEY_ED25519:
        *pub_len = eh_sig_ed25519.pub_len;
        return eh_sig_ed25519.public_key(priv, pub);
    case EH_KEY_ED448:
        *pub_len = eh_sig_ed448.pub_len;
        return eh_sig_ed448.public_key(priv, pub);
    case EH_KEY_X25519:
        *pub_len = eh_ecdh_x25519.coord_len;
        return eh_ecdh_x25519.public_key(priv, pub, NULL);
    case EH_KEY_X448:
        *pub_len = eh_ecdh_x448.coord_len;
        return eh_ecdh_x448.public_key(priv, pub, NULL);
    case EH_KEY_P256:
        *pub_len = 2 * eh_ecdh_p256.coord_len;
        return eh_ecdh_p256.public_key(priv, pub, pub + eh_ecdh_p256.coord_len);
    case EH_KEY_P384:
        *pub_len = 2 * eh_ecdh_p384.coord_len;
        return eh_ecdh_p384.public_key(priv, pub, pub + eh_ecdh_p384.coord_len);
    }
    return EH_ERR_ARG;
}

/* Read NAME.key.pem if it exists and check it against out->pub. */
static int load_private(const char *key_path, const char *cred_path, credfile *out)
{
    char *text;
    size_t len;
    int rc = read_file(key_path, &text, &len);
    if (rc == 1)
        return 0; /* optional */
    if (rc != 0)
        return rc;
    eh_key_type t;
    eh_err err = eh_pem_private_key_read(text, len, &t, out->priv, sizeof out->priv,
                                         &out->priv_len);
    free_secret(text, len);
    if (err != EH_OK) {
        out->priv_len = 0;
        return fail(key_path, "not an unencrypted PKCS#8 PEM private key of a supported type "
                              "(%s)", eh_err_name(err));
    }
    if (t != out->type)
        return fail(key_path, "holds a key of type %s, but %s holds one of type %s",
                    key_type_name(t), cred_path, key_type_name(out->type));
    uint8_t pub[EH_MAX_SIG_PUB_LEN];
    size_t pub_len = 0;
    err = derive_public(t, out->priv, pub, &pub_len);
    if (err != EH_OK)
        return fail(key_path, "cannot derive the public key (%s)", eh_err_name(err));
    if (pub_len != out->pub_len || memcmp(pub, out->pub, pub_len) != 0)
        return fail(key_path, "private key does not match the public key in %s", cred_path);
    if (t == EH_KEY_ED25519 || t == EH_KEY_ED448) {
        const eh_sig_alg *alg = t == EH_KEY_ED25519 ? &eh_sig_ed25519 : &eh_sig_ed448;
        err = alg->prepare(out->priv, out->sign_key);
        if (err != EH_OK)
            return fail(key_path, "cannot prepare the signing key (%s)", eh_err_name(err));
        out->sign_alg = alg;
    }
    return 0;
}

/* ------------------------------------------------------------- ID_CRED -- */

static int write_id_cred(credfile *out, credfile_id id, const uint8_t *kid, size_t kid_len)
{
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, out->id_cred, sizeof out->id_cred);
    eh_cbor_write_map(&w, 1);
    switch (id) {
    case CREDFILE_KID:
        eh_cbor_write_uint(&w, HDR_KID);
        eh_cbor_write_bstr(&w, kid, kid_len);
        break;
    case CREDFILE_KCCS:
        eh_cbor_write_uint(&w, HDR_KCCS);
        eh_cbor_write_raw(&w, out->cred, out->cred_len);
        break;
    case CREDFILE_X5T: {
        uint8_t h[32];
        if (eh_hash_sha256.digest(out->der, out->der_len, h) != EH_OK)
            return -1;
        eh_cbor_write_uint(&w, HDR_X5T);
        eh_cbor_write_array(&w, 2);
        eh_cbor_write_int(&w, -15); /* SHA-256/64 */
        eh_cbor_write_bstr(&w, h, 8);
        break;
    }
    case CREDFILE_X5CHAIN:
        eh_cbor_write_uint(&w, HDR_X5CHAIN);
        eh_cbor_write_bstr(&w, out->der, out->der_len);
        break;
    }
    if (eh_cbor_writer_status(&w) != EH_OK)
        return -1;
    out->id_cred_len = w.len;
    return 0;
}

/* -------------------------------------------------------------- public -- */

int credfile_id_parse(const char *s, credfile_id *id)
{
    if (s == NULL || id == NULL)
        return -1;
    for (size_t i = 0; i < sizeof id_names / sizeof id_names[0]; i++) {
        if (strcmp(s, id_names[i]) == 0) {
            *id = (credfile_id)i;
            return 0;
        }
    }
    return -1;
}

const char *credfile_id_name(credfile_id id)
{
    if ((unsigned)id < sizeof id_names / sizeof id_names[0])
        return id_names[id];
    return "?";
}

void credfile_fixup(credfile *cf)
{
    cf->c.cred = cf->cred;
    cf->c.cred_len = cf->cred_len;
    cf->c.id_cred = cf->id_cred;
    cf->c.id_cred_len = cf->id_cred_len;
    cf->c.pub = cf->pub;
    cf->c.pub_len = cf->pub_len;
}

void credfile_wipe(credfile *cf)
{
    if (cf != NULL)
        eh_wipe(cf, sizeof *cf);
}

int credfile_set_kid(credfile *cf, const uint8_t *kid, size_t kid_len)
{
    if (cf == NULL || kid == NULL || kid_len == 0 || kid_len > 64)
        return -1;
    if (write_id_cred(cf, CREDFILE_KID, kid, kid_len) != 0)
        return -1;
    credfile_fixup(cf);
    return 0;
}

static int load(const char *dir, const char *name, credfile_id id, credfile *out)
{
    char key_path[PATH_CAP], cert_path[PATH_CAP], ccs_path[PATH_CAP];
    if (dir == NULL || dir[0] == '\0')
        dir = ".";
    if (name == NULL || name[0] == '\0')
        return fail(dir, "empty credential name");
    if ((unsigned)id >= sizeof id_names / sizeof id_names[0])
        return fail(name, "unknown identification %d", (int)id);
    int a = snprintf(key_path, sizeof key_path, "%s/%s.key.pem", dir, name);
    int b = snprintf(cert_path, sizeof cert_path, "%s/%s.cert.pem", dir, name);
    int c = snprintf(ccs_path, sizeof ccs_path, "%s/%s.ccs.hex", dir, name);
    if (a < 0 || b < 0 || c < 0 || (size_t)a >= sizeof key_path ||
        (size_t)b >= sizeof cert_path || (size_t)c >= sizeof ccs_path)
        return fail(name, "path of the credential files longer than %d bytes", PATH_CAP - 1);

    char *cert_text = NULL, *ccs_text = NULL;
    size_t cert_len = 0, ccs_len = 0;
    int rc_cert = read_file(cert_path, &cert_text, &cert_len);
    if (rc_cert == 2)
        return 2;
    int rc_ccs = read_file(ccs_path, &ccs_text, &ccs_len);
    if (rc_ccs == 2) {
        free(cert_text);
        return 2;
    }
    if (rc_cert == 0 && rc_ccs == 0) {
        free(cert_text);
        free(ccs_text);
        return fail(cert_path, "both it and %s exist: a credential has exactly one of them",
                    ccs_path);
    }
    if (rc_cert == 1 && rc_ccs == 1)
        return fail(cert_path, "no such file (nor %s): credential '%s' not found", ccs_path,
                    name);

    const char *cred_path = rc_cert == 0 ? cert_path : ccs_path;
    int rc;
    if (rc_cert == 0) {
        out->is_x509 = true;
        eh_err err = eh_pem_cert_read(cert_text, cert_len, out->der, sizeof out->der,
                                      &out->der_len);
        free(cert_text);
        if (err == EH_ERR_BUFFER_TOO_SMALL)
            return fail(cert_path, "certificate larger than %zu bytes (DER)",
                        sizeof out->der - 3);
        if (err != EH_OK)
            return fail(cert_path, "no valid PEM CERTIFICATE block (%s)", eh_err_name(err));
        eh_cbor_writer w;
        eh_cbor_writer_init(&w, out->cred, sizeof out->cred);
        eh_cbor_write_bstr(&w, out->der, out->der_len);
        if (eh_cbor_writer_status(&w) != EH_OK)
            return fail(cert_path, "certificate of %zu bytes: CRED (bstr) exceeds %zu bytes",
                        out->der_len, sizeof out->cred);
        out->cred_len = w.len;
        err = eh_x509_public_key(out->der, out->der_len, &out->type, out->pub, sizeof out->pub,
                                 &out->pub_len);
        if (err != EH_OK)
            return fail(cert_path, "subject public key not usable (%s)", eh_err_name(err));
        switch (id) {
        case CREDFILE_KID:
            return fail(cert_path, "an X.509 certificate has no kid: identify it with x5t or "
                                   "x5chain (kid needs NAME.ccs.hex)");
        case CREDFILE_KCCS:
            return fail(cert_path, "kccs needs a CCS credential (NAME.ccs.hex), not an X.509 "
                                   "certificate");
        default:
            break;
        }
        if (write_id_cred(out, id, NULL, 0) != 0)
            return fail(cert_path, "cannot encode ID_CRED (%s)", credfile_id_name(id));
    } else {
        rc = hex_decode(ccs_path, ccs_text, ccs_len, out->cred, sizeof out->cred,
                        &out->cred_len);
        free(ccs_text);
        if (rc != 0)
            return rc;
        cose_key k;
        if (parse_ccs(ccs_path, out, &k) != 0)
            return 2;
        switch (id) {
        case CREDFILE_KID:
            if (k.kid == NULL)
                return fail(ccs_path, "kid identification needs a kid (2) in the COSE_Key");
            if (k.kid_len == 0)
                return fail(ccs_path, "COSE_Key kid (2) is empty");
            break;
        case CREDFILE_X5T:
        case CREDFILE_X5CHAIN:
            return fail(ccs_path, "%s needs an X.509 certificate (NAME.cert.pem), not a CCS",
                        credfile_id_name(id));
        default:
            break;
        }
        if (write_id_cred(out, id, k.kid, k.kid_len) != 0)
            return fail(ccs_path, "cannot encode ID_CRED (%s): too large", credfile_id_name(id));
    }
    rc = load_private(key_path, cred_path, out);
    if (rc != 0)
        return rc;
    credfile_fixup(out);
    return 0;
}

/* ---- the cache of credfile_preload_one ---- */

typedef struct cache_entry {
    char dir[PATH_CAP / 4], name[256];
    credfile_id id;
    credfile cf;
} cache_entry;

static cache_entry *cache;
static size_t cache_n;

static const cache_entry *cache_find(const char *dir, const char *name, credfile_id id)
{
    for (size_t i = 0; dir != NULL && name != NULL && i < cache_n; i++)
        if (cache[i].id == id && strcmp(cache[i].name, name) == 0 &&
            strcmp(cache[i].dir, dir) == 0)
            return &cache[i];
    return NULL;
}

/* Load name as id into the cache (quietly); 0 when it is there. */
static int cache_add(const char *dir, const char *name, credfile_id id)
{
    if (cache_find(dir != NULL ? dir : "", name, id) != NULL)
        return 0;
    if (cache_n >= CREDFILE_CACHE_MAX || strlen(dir != NULL ? dir : "") >= sizeof cache->dir ||
        strlen(name) >= sizeof cache->name)
        return -1;
    credfile tmp;
    quiet = true;
    int rc = credfile_load(dir, name, id, &tmp);
    quiet = false;
    if (rc != 0)
        return -1;
    cache_entry *grown = realloc(cache, (cache_n + 1) * sizeof *cache);
    if (grown == NULL) {
        credfile_wipe(&tmp);
        return -1;
    }
    cache = grown;
    cache_entry *c = &cache[cache_n++];
    memset(c, 0, sizeof *c);
    snprintf(c->dir, sizeof c->dir, "%s", dir != NULL ? dir : "");
    snprintf(c->name, sizeof c->name, "%s", name);
    c->id = id;
    c->cf = tmp;
    credfile_fixup(&c->cf);
    credfile_wipe(&tmp);
    return 0;
}

int credfile_preload_one(const char *dir, const char *name, credfile_id id)
{
    return name != NULL && name[0] ? cache_add(dir, name, id) : -1;
}

void credfile_cache_clear(void)
{
    if (cache != NULL)
        eh_wipe(cache, cache_n * sizeof *cache); /* private keys among them */
    free(cache);
    cache = NULL;
    cache_n = 0;
}

int credfile_load(const char *dir, const char *name, credfile_id id, credfile *out)
{
    if (out == NULL) {
        fprintf(stderr, "%s: credfile_load: no output\n", name != NULL ? name : "(null)");
        return 2;
    }
    const cache_entry *hit = cache_find(dir != NULL ? dir : "", name, id);
    if (hit != NULL) {
        *out = hit->cf;
        credfile_fixup(out);
        return 0;
    }
    memset(out, 0, sizeof *out);
    int rc = load(dir, name, id, out);
    if (rc != 0)
        credfile_wipe(out);
    return rc;
}

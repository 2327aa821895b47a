/*
 * test_credfile.c - unit tests of harness/cli/credfile.c (credential files).
 *
 * Known answers: the files of vectors/creds/ against RFC 9529 (vectors/
 * rfc9529-trace1.json, rfc9529-trace2.json): CRED, ID_CRED, public and
 * private keys. Error cases are built in a fresh temporary directory; each
 * must return 2 with exactly one line on stderr naming the file at fault.
 */
#include <check.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../peer/credfile.h"
#include "testutil.h"

#define CREDS_DIR EH_SOURCE_DIR "/vectors/creds"

/* ------------------------------------------------------------- helpers -- */

typedef struct tmpdir {
    char path[256];
} tmpdir;

static void tmp_make(tmpdir *t)
{
    snprintf(t->path, sizeof t->path, "/tmp/eh-credfile-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(t->path));
}

static void tmp_remove(tmpdir *t)
{
    DIR *d = opendir(t->path);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", t->path, e->d_name);
        ck_assert_int_eq(unlink(p), 0);
    }
    closedir(d);
    ck_assert_int_eq(rmdir(t->path), 0);
}

static void write_file(const char *dir, const char *fname, const void *data, size_t len)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, fname);
    FILE *f = fopen(p, "wb");
    ck_assert_msg(f != NULL, "cannot create %s", p);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

static void write_str(const char *dir, const char *fname, const char *s)
{
    write_file(dir, fname, s, strlen(s));
}

/* Contents of vectors/creds/<fname> (static buffer, NUL-terminated). */
static const char *shipped(const char *fname)
{
    static char buf[8192];
    char p[512];
    snprintf(p, sizeof p, "%s/%s", CREDS_DIR, fname);
    FILE *f = fopen(p, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", p);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    ck_assert(feof(f));
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static void copy_shipped(const char *dir, const char *from, const char *to)
{
    write_str(dir, to, shipped(from));
}

/* stderr into a temporary file from capture_begin until capture_end, which
 * puts what was written into msg (cap bytes). */
typedef struct capture {
    char path[32];
    int fd, saved;
} capture;

static void capture_begin(capture *c)
{
    snprintf(c->path, sizeof c->path, "/tmp/eh-credfile-err-XXXXXX");
    c->fd = mkstemp(c->path);
    ck_assert_int_ge(c->fd, 0);
    fflush(stderr);
    c->saved = dup(2);
    ck_assert_int_ge(c->saved, 0);
    ck_assert_int_ge(dup2(c->fd, 2), 0);
}

static void capture_end(capture *c, char *msg, size_t cap)
{
    fflush(stderr);
    ck_assert_int_ge(dup2(c->saved, 2), 0);
    close(c->saved);
    ssize_t n = pread(c->fd, msg, cap - 1, 0);
    ck_assert_int_ge(n, 0);
    msg[n] = '\0';
    close(c->fd);
    unlink(c->path);
}

/* credfile_load with stderr captured into msg (cap bytes). */
static int load_capture(const char *dir, const char *name, credfile_id id, credfile *cf,
                        char *msg, size_t cap)
{
    capture c;
    capture_begin(&c);
    int rc = credfile_load(dir, name, id, cf);
    capture_end(&c, msg, cap);
    return rc;
}

static bool all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

/* Expect failure (2), *cf zeroed, and one stderr line that contains
 * "<dir>/<file>" and `what`. */
static void expect_fail(const tmpdir *t, const char *name, credfile_id id, const char *file,
                        const char *what)
{
    static credfile cf;
    char msg[2048], want[512];
    memset(&cf, 0xa5, sizeof cf);
    int rc = load_capture(t->path, name, id, &cf, msg, sizeof msg);
    ck_assert_msg(rc == 2, "%s/%s (%s): expected 2, got %d", t->path, name,
                  credfile_id_name(id), rc);
    ck_assert_msg(all_zero(&cf, sizeof cf), "output not zeroed on failure");
    snprintf(want, sizeof want, "%s/%s", t->path, file);
    ck_assert_msg(strstr(msg, want) != NULL, "message does not name %s: %s", want, msg);
    ck_assert_msg(strstr(msg, what) != NULL, "message lacks \"%s\": %s", what, msg);
    size_t len = strlen(msg);
    ck_assert_msg(len > 0 && msg[len - 1] == '\n' && strchr(msg, '\n') == msg + len - 1,
                  "not exactly one line: %s", msg);
}

static void expect_bytes(const uint8_t *got, size_t got_len, const uint8_t *want,
                         size_t want_len, const char *what)
{
    ck_assert_msg(got_len == want_len && memcmp(got, want, want_len) == 0,
                  "%s: got %s", what, tu_tohex(got, got_len));
}

static void expect_pointers(const credfile *cf)
{
    ck_assert_ptr_eq(cf->c.cred, cf->cred);
    ck_assert_uint_eq(cf->c.cred_len, cf->cred_len);
    ck_assert_ptr_eq(cf->c.id_cred, cf->id_cred);
    ck_assert_uint_eq(cf->c.id_cred_len, cf->id_cred_len);
    ck_assert_ptr_eq(cf->c.pub, cf->pub);
    ck_assert_uint_eq(cf->c.pub_len, cf->pub_len);
}

static int load_quiet(const char *dir, const char *name, credfile_id id, credfile *cf)
{
    char msg[2048];
    int rc = load_capture(dir, name, id, cf, msg, sizeof msg);
    ck_assert_msg(rc != 0 || msg[0] == '\0', "success printed: %s", msg);
    if (rc != 0)
        ck_abort_msg("load %s/%s failed: %s", dir, name, msg);
    return rc;
}

/* ------------------------------------------------------ known answers -- */

/* Trace 2 (CCS, P-256 static DH, kid). */
static void check_trace2(const char *side)
{
    static credfile cf;
    uint8_t want[512], y[64];
    size_t n;
    char name[64], key[32];
    json_t *t = tu_load_json("vectors/rfc9529-trace2.json");
    snprintf(name, sizeof name, "rfc9529-trace2-%s", side);
    load_quiet(CREDS_DIR, name, CREDFILE_KID, &cf);
    ck_assert(!cf.is_x509);
    ck_assert_int_eq(cf.type, EH_KEY_P256);
    ck_assert_uint_eq(cf.der_len, 0);
    snprintf(key, sizeof key, "cred_%s", side);
    n = tu_vec(t, key, want, sizeof want);
    expect_bytes(cf.cred, cf.cred_len, want, n, key);
    snprintf(key, sizeof key, "id_cred_%s", side);
    n = tu_vec(t, key, want, sizeof want);
    expect_bytes(cf.id_cred, cf.id_cred_len, want, n, key);
    snprintf(key, sizeof key, "pk_%s_x", side);
    n = tu_vec(t, key, want, sizeof want);
    snprintf(key, sizeof key, "pk_%s_y", side);
    ck_assert_uint_eq(tu_vec(t, key, y, sizeof y), 32);
    memcpy(want + n, y, 32);
    expect_bytes(cf.pub, cf.pub_len, want, n + 32, "pk x || y");
    snprintf(key, sizeof key, "sk_%s", side);
    n = tu_vec(t, key, want, sizeof want);
    expect_bytes(cf.priv, cf.priv_len, want, n, key);
    expect_pointers(&cf);
    ck_assert_ptr_null(cf.sign_alg); /* P-256: nothing to prepare */

    /* kccs: {14: CCS} */
    load_quiet(CREDS_DIR, name, CREDFILE_KCCS, &cf);
    snprintf(key, sizeof key, "cred_%s", side);
    n = tu_vec(t, key, want + 2, sizeof want - 2);
    want[0] = 0xa1;
    want[1] = 0x0e;
    expect_bytes(cf.id_cred, cf.id_cred_len, want, n + 2, "kccs ID_CRED");
    expect_bytes(cf.cred, cf.cred_len, want + 2, n, "kccs CRED");
    expect_pointers(&cf);
    credfile_wipe(&cf);
    ck_assert(all_zero(&cf, sizeof cf));
    json_decref(t);
}

START_TEST(test_trace2_ccs)
{
    check_trace2("r");
    check_trace2("i");
}
END_TEST

/* Trace 1 (X.509, Ed25519 signatures, x5t). */
static void check_trace1(const char *side)
{
    static credfile cf;
    uint8_t want[2400], der[1024];
    size_t n, der_len;
    char name[64], key[32];
    json_t *t = tu_load_json("vectors/rfc9529-trace1.json");
    snprintf(name, sizeof name, "rfc9529-trace1-%s", side);
    load_quiet(CREDS_DIR, name, CREDFILE_X5T, &cf);
    ck_assert(cf.is_x509);
    ck_assert_int_eq(cf.type, EH_KEY_ED25519);
    snprintf(key, sizeof key, "cred_%s", side);
    n = tu_vec(t, key, want, sizeof want);
    expect_bytes(cf.cred, cf.cred_len, want, n, key);
    snprintf(key, sizeof key, "cred_%s_der", side);
    der_len = tu_vec(t, key, der, sizeof der);
    expect_bytes(cf.der, cf.der_len, der, der_len, key);
    snprintf(key, sizeof key, "id_cred_%s", side);
    n = tu_vec(t, key, want, sizeof want);
    expect_bytes(cf.id_cred, cf.id_cred_len, want, n, key);
    snprintf(key, sizeof key, "pk_%s", side);
    n = tu_vec(t, key, want, sizeof want);
    expect_bytes(cf.pub, cf.pub_len, want, n, key);
    snprintf(key, sizeof key, "sk_%s", side);
    n = tu_vec(t, key, want, sizeof want);
    expect_bytes(cf.priv, cf.priv_len, want, n, key);
    expect_pointers(&cf);
    /* The Ed25519 key prepared for signing: the trace's SK || PK. */
    ck_assert_ptr_eq(cf.sign_alg, &eh_sig_ed25519);
    expect_bytes(cf.sign_key, 32, want, n, "sign_key seed");
    snprintf(key, sizeof key, "pk_%s", side);
    n = tu_vec(t, key, want, sizeof want);
    expect_bytes(cf.sign_key + 32, 32, want, n, "sign_key public half");

    /* x5chain: {33: bstr DER}; the DER of RFC 9529 is 241 bytes. */
    load_quiet(CREDS_DIR, name, CREDFILE_X5CHAIN, &cf);
    ck_assert_uint_eq(der_len, 241);
    want[0] = 0xa1;
    want[1] = 0x18;
    want[2] = 0x21;
    want[3] = 0x58;
    want[4] = 0xf1;
    memcpy(want + 5, der, der_len);
    expect_bytes(cf.id_cred, cf.id_cred_len, want, der_len + 5, "x5chain ID_CRED");
    expect_pointers(&cf);
    json_decref(t);
}

START_TEST(test_trace1_x509)
{
    check_trace1("r");
    check_trace1("i");
}
END_TEST

START_TEST(test_id_parse)
{
    static const struct {
        const char *s;
        credfile_id id;
    } ok[] = {{"kid", CREDFILE_KID},
              {"kccs", CREDFILE_KCCS},
              {"x5t", CREDFILE_X5T},
              {"x5chain", CREDFILE_X5CHAIN}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        credfile_id id = (credfile_id)99;
        ck_assert_int_eq(credfile_id_parse(ok[i].s, &id), 0);
        ck_assert_int_eq(id, ok[i].id);
        ck_assert_str_eq(credfile_id_name(id), ok[i].s);
    }
    static const char *const bad[] = {"", "KID", "kid ", "x5", "x5chains", "kcwt", "4"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        credfile_id id = CREDFILE_X5T;
        ck_assert_int_eq(credfile_id_parse(bad[i], &id), -1);
        ck_assert_int_eq(id, CREDFILE_X5T);
    }
    credfile_id id;
    ck_assert_int_eq(credfile_id_parse(NULL, &id), -1);
    ck_assert_str_eq(credfile_id_name((credfile_id)17), "?");
}
END_TEST

START_TEST(test_copy_fixup_set_kid)
{
    static credfile a, b;
    load_quiet(CREDS_DIR, "rfc9529-trace1-r", CREDFILE_X5T, &a);
    b = a;
    ck_assert_ptr_eq(b.c.cred, a.cred); /* still points into the original */
    credfile_fixup(&b);
    expect_pointers(&b);
    ck_assert_mem_eq(b.c.cred, a.cred, a.cred_len);

    static const uint8_t kid[] = {0x18};
    static const uint8_t want[] = {0xa1, 0x04, 0x41, 0x18};
    ck_assert_int_eq(credfile_set_kid(&b, kid, 1), 0);
    expect_bytes(b.id_cred, b.id_cred_len, want, sizeof want, "set_kid ID_CRED");
    expect_pointers(&b);
    uint8_t long_kid[65] = {0};
    ck_assert_int_eq(credfile_set_kid(&b, long_kid, 65), -1);
    ck_assert_int_eq(credfile_set_kid(&b, long_kid, 0), -1);
    expect_bytes(b.id_cred, b.id_cred_len, want, sizeof want, "unchanged ID_CRED");
}
END_TEST

/* A peer's credential: no key file -> priv_len 0; hand-annotated hex with
 * trailing comments, CRLF and upper case; a file of exactly 64 KiB. */
START_TEST(test_peer_and_annotations)
{
    static credfile cf, ref;
    tmpdir t;
    tmp_make(&t);
    load_quiet(CREDS_DIR, "rfc9529-trace2-r", CREDFILE_KID, &ref);

    copy_shipped(t.path, "rfc9529-trace2-r.ccs.hex", "peer.ccs.hex");
    load_quiet(t.path, "peer", CREDFILE_KID, &cf);
    ck_assert_uint_eq(cf.priv_len, 0);
    ck_assert(all_zero(cf.priv, sizeof cf.priv));
    expect_bytes(cf.cred, cf.cred_len, ref.cred, ref.cred_len, "peer CRED");
    expect_bytes(cf.pub, cf.pub_len, ref.pub, ref.pub_len, "peer pub");

    /* The same bytes, annotated differently. */
    char text[1024] = "  # comment line\r\nA2 # map(2)\r\n\t02 6B 6578616D706C652E656475"
                      "#no space\n08a101a5 0102 024132 2001\n21 5820";
    size_t off = strlen(text);
    for (size_t i = 0; i < 64; i++)
        off += (size_t)snprintf(text + off, sizeof text - off, "%02x%s", ref.pub[i],
                                i == 31 ? "\n22 58 20 " : "");
    snprintf(text + off, sizeof text - off, "\n# end");
    write_str(t.path, "annot.ccs.hex", text);
    load_quiet(t.path, "annot", CREDFILE_KCCS, &cf);
    expect_bytes(cf.cred, cf.cred_len, ref.cred, ref.cred_len, "annotated CRED");

    /* Exactly CREDFILE_MAX_FILE bytes: accepted; one more: refused. */
    static char big[CREDFILE_MAX_FILE + 1];
    const char *src = shipped("rfc9529-trace2-r.ccs.hex");
    size_t src_len = strlen(src);
    memset(big, ' ', sizeof big);
    memcpy(big, src, src_len);
    big[src_len] = '#';
    big[sizeof big - 2] = '\n';
    write_file(t.path, "big.ccs.hex", big, CREDFILE_MAX_FILE);
    load_quiet(t.path, "big", CREDFILE_KID, &cf);
    expect_bytes(cf.cred, cf.cred_len, ref.cred, ref.cred_len, "64 KiB CRED");
    write_file(t.path, "big.ccs.hex", big, CREDFILE_MAX_FILE + 1);
    expect_fail(&t, "big", CREDFILE_KID, "big.ccs.hex", "larger than");
    tmp_remove(&t);
}
END_TEST

/* ------------------------------------------------------------- errors -- */

START_TEST(test_missing_and_ambiguous)
{
    tmpdir t;
    tmp_make(&t);
    expect_fail(&t, "nope", CREDFILE_KID, "nope.cert.pem", "nope.ccs.hex");
    /* A key alone is not a credential. */
    copy_shipped(t.path, "rfc9529-trace2-r.key.pem", "keyonly.key.pem");
    expect_fail(&t, "keyonly", CREDFILE_KID, "keyonly.cert.pem", "no such file");
    /* Both forms present. */
    copy_shipped(t.path, "rfc9529-trace1-r.cert.pem", "both.cert.pem");
    copy_shipped(t.path, "rfc9529-trace2-r.ccs.hex", "both.ccs.hex");
    expect_fail(&t, "both", CREDFILE_X5T, "both.cert.pem", "both.ccs.hex");
    /* A directory where a file is expected. */
    char p[512];
    snprintf(p, sizeof p, "%s/dir.ccs.hex", t.path);
    ck_assert_int_eq(mkdir(p, 0700), 0);
    expect_fail(&t, "dir", CREDFILE_KID, "dir.ccs.hex", "cannot");
    ck_assert_int_eq(rmdir(p), 0);
    /* Oversized certificate and key files. */
    static char big[CREDFILE_MAX_FILE + 100];
    memset(big, 'A', sizeof big);
    write_file(t.path, "hugecert.cert.pem", big, sizeof big);
    expect_fail(&t, "hugecert", CREDFILE_X5T, "hugecert.cert.pem", "larger than");
    copy_shipped(t.path, "rfc9529-trace1-r.cert.pem", "hugekey.cert.pem");
    write_file(t.path, "hugekey.key.pem", big, sizeof big);
    expect_fail(&t, "hugekey", CREDFILE_X5T, "hugekey.key.pem", "larger than");
    tmp_remove(&t);
}
END_TEST

START_TEST(test_malformed)
{
    tmpdir t;
    tmp_make(&t);
    /* PEM */
    write_str(t.path, "c1.cert.pem", "-----BEGIN CERTIFICATE-----\nnot base64!\n"
                                     "-----END CERTIFICATE-----\n");
    expect_fail(&t, "c1", CREDFILE_X5T, "c1.cert.pem", "CERTIFICATE");
    write_str(t.path, "c2.cert.pem", "");
    expect_fail(&t, "c2", CREDFILE_X5T, "c2.cert.pem", "CERTIFICATE");
    copy_shipped(t.path, "rfc9529-trace1-r.cert.pem", "k1.cert.pem");
    write_str(t.path, "k1.key.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n"
                                    "-----END PRIVATE KEY-----\n");
    expect_fail(&t, "k1", CREDFILE_X5T, "k1.key.pem", "PKCS#8");
    /* A certificate PEM where the key should be. */
    copy_shipped(t.path, "rfc9529-trace1-r.cert.pem", "k2.cert.pem");
    copy_shipped(t.path, "rfc9529-trace1-r.cert.pem", "k2.key.pem");
    expect_fail(&t, "k2", CREDFILE_X5T, "k2.key.pem", "PKCS#8");

    /* hex */
    write_str(t.path, "h1.ccs.hex", "a2 02 zz\n");
    expect_fail(&t, "h1", CREDFILE_KID, "h1.ccs.hex", "line 1, column 7: 'z'");
    write_str(t.path, "h2.ccs.hex", "# x\na2 0\n");
    expect_fail(&t, "h2", CREDFILE_KID, "h2.ccs.hex", "odd number");
    write_str(t.path, "h3.ccs.hex", "# only a comment\n\n");
    expect_fail(&t, "h3", CREDFILE_KID, "h3.ccs.hex", "no hex");
    write_file(t.path, "h4.ccs.hex", "a2\0" "02", 5);
    expect_fail(&t, "h4", CREDFILE_KID, "h4.ccs.hex", "byte 0x00");
    static char long_hex[2 * 2049 + 1];
    memset(long_hex, '0', sizeof long_hex - 1);
    write_str(t.path, "h5.ccs.hex", long_hex);
    expect_fail(&t, "h5", CREDFILE_KID, "h5.ccs.hex", "longer than 2048");

    /* CBOR */
    write_str(t.path, "b1.ccs.hex", "a2 02 6b 6578");
    expect_fail(&t, "b1", CREDFILE_KID, "b1.ccs.hex", "well-formed");
    write_str(t.path, "b2.ccs.hex", "a0 00");
    expect_fail(&t, "b2", CREDFILE_KID, "b2.ccs.hex", "after the CCS");
    write_str(t.path, "b3.ccs.hex", "80");
    expect_fail(&t, "b3", CREDFILE_KID, "b3.ccs.hex", "not a CBOR map");
    write_str(t.path, "b4.ccs.hex", "a1 02 61 78");
    expect_fail(&t, "b4", CREDFILE_KID, "b4.ccs.hex", "cnf");
    write_str(t.path, "b5.ccs.hex", "a1 08 a1 02 00");
    expect_fail(&t, "b5", CREDFILE_KID, "b5.ccs.hex", "COSE_Key");
    /* OKP Ed25519 key of the wrong length; unsupported curve; no kid. */
    write_str(t.path, "b6.ccs.hex", "a1 08 a1 01 a3 01 01 20 06 21 41 00");
    expect_fail(&t, "b6", CREDFILE_KID, "b6.ccs.hex", "expected 32");
    write_str(t.path, "b7.ccs.hex", "a1 08 a1 01 a3 01 01 20 09 21 41 00");
    expect_fail(&t, "b7", CREDFILE_KID, "b7.ccs.hex", "crv 9");
    char okp[256];
    snprintf(okp, sizeof okp, "a1 08 a1 01 a3 01 01 20 06 21 5820 %s",
             "a1db47b95184854ad12a0c1a354e418aace33aa0f2c662c00b3ac55de92f9359");
    write_str(t.path, "b8.ccs.hex", okp);
    expect_fail(&t, "b8", CREDFILE_KID, "b8.ccs.hex", "kid");
    /* ... that key is fine with kccs, and matches trace 1's sk_r. */
    copy_shipped(t.path, "rfc9529-trace1-r.key.pem", "b8.key.pem");
    static credfile cf;
    load_quiet(t.path, "b8", CREDFILE_KCCS, &cf);
    ck_assert_int_eq(cf.type, EH_KEY_ED25519);
    ck_assert_uint_eq(cf.priv_len, 32);
    /* EC2 point not on the curve: trace 2 CRED_R with y changed. */
    char ccs[1024];
    snprintf(ccs, sizeof ccs, "%s", shipped("rfc9529-trace2-r.ccs.hex"));
    char *y = strstr(ccs, "22 5820 4519");
    ck_assert_ptr_nonnull(y);
    y[8] = '5';
    write_str(t.path, "b9.ccs.hex", ccs);
    expect_fail(&t, "b9", CREDFILE_KID, "b9.ccs.hex", "not a point");
    tmp_remove(&t);
}
END_TEST

START_TEST(test_key_mismatch)
{
    tmpdir t;
    tmp_make(&t);
    /* Same type, other key. */
    copy_shipped(t.path, "rfc9529-trace2-r.ccs.hex", "m1.ccs.hex");
    copy_shipped(t.path, "rfc9529-trace2-i.key.pem", "m1.key.pem");
    expect_fail(&t, "m1", CREDFILE_KID, "m1.key.pem", "does not match");
    copy_shipped(t.path, "rfc9529-trace1-i.cert.pem", "m2.cert.pem");
    copy_shipped(t.path, "rfc9529-trace1-r.key.pem", "m2.key.pem");
    expect_fail(&t, "m2", CREDFILE_X5T, "m2.key.pem", "m2.cert.pem");
    /* Other type. */
    copy_shipped(t.path, "rfc9529-trace1-r.cert.pem", "m3.cert.pem");
    copy_shipped(t.path, "rfc9529-trace2-r.key.pem", "m3.key.pem");
    expect_fail(&t, "m3", CREDFILE_X5T, "m3.key.pem", "P-256");
    tmp_remove(&t);
}
END_TEST

START_TEST(test_wrong_identification)
{
    tmpdir t;
    tmp_make(&t);
    copy_shipped(t.path, "rfc9529-trace1-r.cert.pem", "x.cert.pem");
    expect_fail(&t, "x", CREDFILE_KCCS, "x.cert.pem", "kccs");
    expect_fail(&t, "x", CREDFILE_KID, "x.cert.pem", "kid");
    copy_shipped(t.path, "rfc9529-trace2-r.ccs.hex", "c.ccs.hex");
    expect_fail(&t, "c", CREDFILE_X5T, "c.ccs.hex", "x5t");
    expect_fail(&t, "c", CREDFILE_X5CHAIN, "c.ccs.hex", "x5chain");
    tmp_remove(&t);
}
END_TEST

/* credfile_preload_one: just that credential in that identification, and
 * silently (what does not apply or load is not cached, and its error is the
 * job's own load's to tell); a later load of it is a copy, even when the
 * file changed since (so the cache is what answered), with the private key
 * and the pointers of a fresh load; what it does not hold loads from disk;
 * cleared, the file is read again. */
START_TEST(test_preload_one)
{
    tmpdir t;
    tmp_make(&t);
    copy_shipped(t.path, "rfc9529-trace2-r.ccs.hex", "c.ccs.hex");
    copy_shipped(t.path, "rfc9529-trace2-r.key.pem", "c.key.pem");
    copy_shipped(t.path, "rfc9529-trace2-i.ccs.hex", "d.ccs.hex");
    copy_shipped(t.path, "rfc9529-trace1-r.cert.pem", "x.cert.pem");
    copy_shipped(t.path, "rfc9529-trace1-r.key.pem", "x.key.pem");
    credfile fresh, cached, x;
    ck_assert_int_eq(load_quiet(t.path, "c", CREDFILE_KID, &fresh), 0);
    char msg[256];
    capture cap;
    capture_begin(&cap);
    ck_assert_int_eq(credfile_preload_one(t.path, "c", CREDFILE_KID), 0);
    ck_assert_int_eq(credfile_preload_one(t.path, "c", CREDFILE_KID), 0); /* already */
    ck_assert_int_eq(credfile_preload_one(t.path, "x", CREDFILE_X5CHAIN), 0);
    ck_assert_int_eq(credfile_preload_one(t.path, "missing", CREDFILE_KID), -1);
    ck_assert_int_eq(credfile_preload_one(t.path, "c", CREDFILE_X5T), -1); /* a CCS */
    ck_assert_int_eq(credfile_preload_one(t.path, "x", CREDFILE_KID), -1); /* X.509 */
    capture_end(&cap, msg, sizeof msg);
    ck_assert_str_eq(msg, ""); /* printed nothing */
    /* the files change: the cache answers with what was loaded */
    write_str(t.path, "c.ccs.hex", "not hex at all");
    write_str(t.path, "d.ccs.hex", "zz");
    ck_assert_int_eq(credfile_load(t.path, "c", CREDFILE_KID, &cached), 0);
    ck_assert_mem_eq(cached.cred, fresh.cred, fresh.cred_len);
    ck_assert_uint_eq(cached.priv_len, fresh.priv_len);
    ck_assert_mem_eq(cached.priv, fresh.priv, fresh.priv_len);
    expect_pointers(&cached);
    ck_assert_int_eq(credfile_load(t.path, "x", CREDFILE_X5CHAIN, &x), 0);
    expect_pointers(&x);
    /* what it does not hold loads as ever: from the file (now malformed), c as
     * kccs too, and the error of a kid for X.509 */
    ck_assert_int_eq(load_capture(t.path, "d", CREDFILE_KID, &cached, msg, sizeof msg), 2);
    ck_assert_int_eq(load_capture(t.path, "c", CREDFILE_KCCS, &cached, msg, sizeof msg), 2);
    ck_assert_int_eq(load_capture(t.path, "x", CREDFILE_KID, &x, msg, sizeof msg), 2);
    ck_assert_ptr_nonnull(strstr(msg, "no kid"));
    /* cleared: the file is read again, and is now malformed */
    credfile_cache_clear();
    ck_assert_int_eq(load_capture(t.path, "c", CREDFILE_KID, &cached, msg, sizeof msg), 2);
    ck_assert_ptr_nonnull(strstr(msg, "is not a hex digit"));
    credfile_wipe(&fresh);
    credfile_wipe(&cached);
    credfile_wipe(&x);
    tmp_remove(&t);
}
END_TEST

Suite *eh_test_credfile_suite(void)
{
    Suite *s = suite_create("credfile");
    TCase *tc = tcase_create("credfile");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_trace2_ccs);
    tcase_add_test(tc, test_trace1_x509);
    tcase_add_test(tc, test_id_parse);
    tcase_add_test(tc, test_copy_fixup_set_kid);
    tcase_add_test(tc, test_peer_and_annotations);
    tcase_add_test(tc, test_missing_and_ambiguous);
    tcase_add_test(tc, test_malformed);
    tcase_add_test(tc, test_key_mismatch);
    tcase_add_test(tc, test_wrong_identification);
    tcase_add_test(tc, test_preload_one);
    suite_add_tcase(s, tc);
    return s;
}

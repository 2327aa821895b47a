/*
 * credential.c - find the peer's credential from a received ID_CRED
 * (RFC 9528 §3.5): by the exact ID_CRED map (kid, or any identifier the
 * application provisioned), by certificate hash (x5t), or taken by value
 * from the ID_CRED itself (kccs: a CCS; x5chain: certificates).
 *
 * ERR_CODE 3 (§6.4) is used only when a reference points to no available
 * credential; an ID_CRED kind this harness does not support is a plain
 * failure (ERR_CODE 1), as §6.4 requires.
 */
#include <string.h>

#include "../crypto/x509.h"
#include "edhoc_internal.h"

#define RFC_CRED "RFC 9528 §3.5"

/* COSE header labels (RFC 9052, RFC 9360, RFC 9528 §10.6). */
enum { LABEL_KID = 4, LABEL_KCWT = 13, LABEL_KCCS = 14, LABEL_X5CHAIN = 33, LABEL_X5T = 34 };

static bool cred_is_x509(const eh_cred *c, const uint8_t **der, size_t *der_len)
{
    eh_cbor_reader r;
    eh_cbor_reader_init(&r, c->cred, c->cred_len);
    return eh_cbor_read_bstr(&r, der, der_len) == EH_OK && eh_cbor_at_end(&r);
}

/* The kid of a provisioned credential: label 4 of its ID_CRED map. */
static bool cred_kid(const eh_cred *c, const uint8_t **kid, size_t *kid_len)
{
    eh_cbor_reader r;
    size_t n;
    eh_cbor_reader_init(&r, c->id_cred, c->id_cred_len);
    r.lenient = true;
    if (eh_cbor_read_map(&r, &n) != EH_OK)
        return false;
    for (size_t i = 0; i < n; i++) {
        int64_t label;
        const uint8_t *v;
        size_t v_len;
        if (eh_cbor_read_int(&r, &label) != EH_OK)
            return false;
        if (label == LABEL_KID)
            return eh_cbor_read_bstr(&r, kid, kid_len) == EH_OK;
        if (eh_cbor_read_item(&r, &v, &v_len) != EH_OK)
            return false;
    }
    return false;
}

/* kid in an ID_CRED map with other parameters too (RFC 9528 §3.5.3: a
 * COSE header map): a provisioned credential with that kid. */
static const eh_cred *match_kid(const eh_session *s, const uint8_t *item, size_t len)
{
    eh_cbor_reader r;
    const uint8_t *kid, *mine;
    size_t kid_len, mine_len;
    eh_cbor_reader_init(&r, item, len);
    r.lenient = true;
    if (eh_cbor_read_bstr(&r, &kid, &kid_len) != EH_OK)
        return NULL;
    for (size_t i = 0; i < s->cfg->n_peer_creds; i++) {
        const eh_cred *c = &s->cfg->peer_creds[i];
        if (cred_kid(c, &mine, &mine_len) && mine_len == kid_len &&
            memcmp(mine, kid, kid_len) == 0)
            return c;
    }
    return NULL;
}

/* x5t = [alg, hash]: SHA-256/64 (-15), SHA-256 (-16) or SHA-384 (-43). */
static const eh_cred *match_x5t(const eh_session *s, const uint8_t *x5t, size_t len)
{
    eh_cbor_reader r;
    size_t n, h_len;
    int64_t alg;
    const uint8_t *h;
    const eh_hash_alg *hash;
    size_t trunc;
    eh_cbor_reader_init(&r, x5t, len);
    r.lenient = true;
    if (eh_cbor_read_array(&r, &n) != EH_OK || n != 2 || eh_cbor_read_int(&r, &alg) != EH_OK ||
        eh_cbor_read_bstr(&r, &h, &h_len) != EH_OK)
        return NULL;
    if (alg == -15)
        hash = &eh_hash_sha256, trunc = 8;
    else if (alg == -16)
        hash = &eh_hash_sha256, trunc = 32;
    else if (alg == -43)
        hash = &eh_hash_sha384, trunc = 48;
    else
        return NULL;
    if (h_len != trunc)
        return NULL;
    for (size_t i = 0; i < s->cfg->n_peer_creds; i++) {
        const eh_cred *c = &s->cfg->peer_creds[i];
        const uint8_t *der;
        size_t der_len;
        uint8_t digest[EH_MAX_HASH_LEN];
        if (cred_is_x509(c, &der, &der_len) && hash->digest(der, der_len, digest) == EH_OK &&
            memcmp(digest, h, trunc) == 0)
            return c;
    }
    return NULL;
}

/* Public key of a COSE_Key (RFC 9052 §7): OKP x, or EC2 x || y. */
static eh_err cose_key_public(const uint8_t *key, size_t len, uint8_t *pub, size_t cap,
                              size_t *pub_len)
{
    eh_cbor_reader r;
    size_t n;
    int64_t kty = 0;
    const uint8_t *x = NULL, *y = NULL;
    size_t x_len = 0, y_len = 0;
    eh_cbor_reader_init(&r, key, len);
    r.lenient = true;
    if (eh_cbor_read_map(&r, &n) != EH_OK)
        return EH_ERR_CREDENTIAL;
    for (size_t i = 0; i < n; i++) {
        int64_t label;
        if (eh_cbor_read_int(&r, &label) != EH_OK)
            return EH_ERR_CREDENTIAL;
        eh_err err;
        if (label == 1)
            err = eh_cbor_read_int(&r, &kty);
        else if (label == -2)
            err = eh_cbor_read_bstr(&r, &x, &x_len);
        else if (label == -3 && eh_cbor_peek_major(&r) == EH_CBOR_BSTR)
            err = eh_cbor_read_bstr(&r, &y, &y_len);
        else
            err = eh_cbor_read_item(&r, NULL, NULL);
        if (err != EH_OK)
            return EH_ERR_CREDENTIAL;
    }
    if (x == NULL || (kty != 1 && kty != 2) || x_len + y_len > cap)
        return EH_ERR_CREDENTIAL;
    memcpy(pub, x, x_len);
    if (kty == 2 && y != NULL)
        memcpy(pub + x_len, y, y_len);
    *pub_len = x_len + (kty == 2 && y != NULL ? y_len : 0);
    return EH_OK;
}

/* A CCS (CWT Claims Set) carries its key in cnf (8) / COSE_Key (1). */
static eh_err ccs_public_key(const uint8_t *ccs, size_t len, uint8_t *pub, size_t cap,
                             size_t *pub_len)
{
    eh_cbor_reader r;
    size_t n;
    eh_cbor_reader_init(&r, ccs, len);
    r.lenient = true;
    if (eh_cbor_read_map(&r, &n) != EH_OK)
        return EH_ERR_CREDENTIAL;
    for (size_t i = 0; i < n; i++) {
        int64_t label;
        if (eh_cbor_read_int(&r, &label) != EH_OK)
            return EH_ERR_CREDENTIAL;
        if (label != 8) {
            if (eh_cbor_read_item(&r, NULL, NULL) != EH_OK)
                return EH_ERR_CREDENTIAL;
            continue;
        }
        size_t m;
        if (eh_cbor_read_map(&r, &m) != EH_OK)
            return EH_ERR_CREDENTIAL;
        for (size_t j = 0; j < m; j++) {
            int64_t cnf_label;
            const uint8_t *key;
            size_t key_len;
            if (eh_cbor_read_int(&r, &cnf_label) != EH_OK ||
                eh_cbor_read_item(&r, &key, &key_len) != EH_OK)
                return EH_ERR_CREDENTIAL;
            if (cnf_label == 1)
                return cose_key_public(key, key_len, pub, cap, pub_len);
        }
    }
    return EH_ERR_CREDENTIAL; /* §3.5.3.1: the CCS must hold a COSE_Key in cnf */
}

/* Adopt a credential received by value, unless a provisioned one has the
 * same CRED bytes (then that one is used). */
static eh_err adopt_by_value(eh_session *s, const char *field)
{
    for (size_t i = 0; i < s->cfg->n_peer_creds; i++) {
        const eh_cred *c = &s->cfg->peer_creds[i];
        if (c->cred_len == s->by_value.cred_len &&
            memcmp(c->cred, s->by_value_cred, c->cred_len) == 0) {
            s->peer_cred = c;
            return EH_OK;
        }
    }
    if (!s->cfg->trust_by_value)
        return eh_fail(s, EH_ERR_UNKNOWN_CREDENTIAL, field, 0,
                       "credential sent by value is not trusted by this peer", "RFC 9528 §6.4");
    s->by_value_used = true;
    return EH_OK;
}

const eh_cred *eh_peer_cred(eh_session *s)
{
    if (!s->by_value_used)
        return s->peer_cred;
    s->by_value.cred = s->by_value_cred;
    s->by_value.pub = s->by_value_pub;
    return &s->by_value;
}

static eh_err take_kccs(eh_session *s, const uint8_t *ccs, size_t len, const char *field)
{
    if (len > sizeof s->by_value_cred)
        return eh_fail(s, EH_ERR_LENGTH, field, 0, "kccs larger than supported", RFC_CRED);
    memcpy(s->by_value_cred, ccs, len);
    s->by_value.cred_len = len;
    if (ccs_public_key(ccs, len, s->by_value_pub, sizeof s->by_value_pub,
                       &s->by_value.pub_len) != EH_OK)
        return eh_fail(s, EH_ERR_CREDENTIAL, field, 0, "kccs holds no usable COSE_Key in cnf",
                       "RFC 9528 §3.5.3.1");
    return adopt_by_value(s, field);
}

static eh_err take_x5chain(eh_session *s, const uint8_t *chain, size_t len, const char *field)
{
    eh_cbor_reader r;
    const uint8_t *der;
    size_t der_len, n;
    eh_key_type type;
    eh_cbor_reader_init(&r, chain, len);
    r.lenient = true;
    /* x5chain = bstr / [2* bstr]; the end-entity certificate comes first. */
    if (eh_cbor_peek_major(&r) == EH_CBOR_ARRAY &&
        (eh_cbor_read_array(&r, &n) != EH_OK || n == 0))
        return eh_fail(s, EH_ERR_CREDENTIAL, field, 0, "empty x5chain", "RFC 9360 §2");
    if (eh_cbor_read_bstr(&r, &der, &der_len) != EH_OK)
        return eh_fail(s, EH_ERR_CREDENTIAL, field, 0, "x5chain is not bstr / [+ bstr]",
                       "RFC 9360 §2");
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, s->by_value_cred, sizeof s->by_value_cred);
    eh_cbor_write_bstr(&w, der, der_len); /* CRED = bstr(DER), §3.5.2 */
    if (eh_cbor_writer_status(&w) != EH_OK)
        return eh_fail(s, EH_ERR_LENGTH, field, 0, "certificate larger than supported", RFC_CRED);
    s->by_value.cred_len = w.len;
    if (eh_x509_public_key(der, der_len, &type, s->by_value_pub, sizeof s->by_value_pub,
                           &s->by_value.pub_len) != EH_OK)
        return eh_fail(s, EH_ERR_CREDENTIAL, field, 0,
                       "certificate not parsable or of an unsupported key type", RFC_CRED);
    return adopt_by_value(s, field);
}

eh_err eh_peer_cred_lookup(eh_session *s, const char *field)
{
    eh_cbor_reader r;
    size_t n;
    s->peer_cred = NULL;
    s->by_value_used = false;
    memset(&s->by_value, 0, sizeof s->by_value);
    for (size_t i = 0; i < s->cfg->n_peer_creds; i++) {
        const eh_cred *c = &s->cfg->peer_creds[i];
        if (c->id_cred_len == s->peer_id_cred_len &&
            memcmp(c->id_cred, s->peer_id_cred, c->id_cred_len) == 0) {
            s->peer_cred = c;
            return EH_OK;
        }
    }
    eh_cbor_reader_init(&r, s->peer_id_cred, s->peer_id_cred_len);
    r.lenient = true;
    if (eh_cbor_read_map(&r, &n) != EH_OK)
        return eh_fail(s, EH_ERR_CREDENTIAL, field, 0, "ID_CRED is not a map", RFC_CRED);
    bool reference = false;
    for (size_t i = 0; i < n; i++) {
        int64_t label = 0;
        const uint8_t *v;
        size_t v_len;
        int major = eh_cbor_peek_major(&r);
        bool int_label = (major == 0 || major == 1) && eh_cbor_read_int(&r, &label) == EH_OK;
        if ((!int_label && eh_cbor_read_item(&r, &v, &v_len) != EH_OK) ||
            eh_cbor_read_item(&r, &v, &v_len) != EH_OK)
            return eh_fail(s, EH_ERR_CREDENTIAL, field, r.err_offset,
                           "ID_CRED is not a well-formed map", RFC_CRED);
        if (!int_label)
            continue; /* a text label (RFC 9052 §3): a parameter this peer does not use */
        if (label == LABEL_KCCS)
            return take_kccs(s, v, v_len, field);
        if (label == LABEL_X5CHAIN)
            return take_x5chain(s, v, v_len, field);
        if (label == LABEL_X5T) {
            reference = true;
            if ((s->peer_cred = match_x5t(s, v, v_len)) != NULL)
                return EH_OK;
        }
        if (label == LABEL_KID) {
            reference = true;
            if ((s->peer_cred = match_kid(s, v, v_len)) != NULL)
                return EH_OK;
        }
    }
    if (reference)
        return eh_fail(s, EH_ERR_UNKNOWN_CREDENTIAL, field, 0,
                       "ID_CRED refers to no credential known to this peer", "RFC 9528 §6.4");
    return eh_fail(s, EH_ERR_CREDENTIAL, field, 0,
                   "ID_CRED holds no credential identifier this peer supports (kid, x5t, kccs, "
                   "x5chain)", "RFC 9528 §3.5.3");
}

/*
 * peer_log.c - what the peer saw and derived: every message (hex, CBOR
 * diagnostic notation, size, CoAP code), every traced value, notes, and
 * the verdict; written as JSON atomically (temporary file + rename).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../cbor/cbor.h"
#include "../common/hex.h"
#include "peer.h"

struct peer_log {
    json_t *messages, *values, *notes;
};

static char *hex(const uint8_t *v, size_t n)
{
    char *s = malloc(2 * n + 1);
    if (s == NULL)
        abort();
    eh_hex_encode(v, n, s);
    return s;
}

peer_log *peer_log_new(void)
{
    peer_log *l = calloc(1, sizeof *l);
    if (l == NULL)
        return NULL;
    l->messages = json_array();
    l->values = json_object();
    l->notes = json_array();
    if (!l->messages || !l->values || !l->notes) {
        peer_log_free(l);
        return NULL;
    }
    return l;
}

void peer_log_free(peer_log *l)
{
    if (l == NULL)
        return;
    json_decref(l->messages);
    json_decref(l->values);
    json_decref(l->notes);
    free(l);
}

void peer_log_wire(peer_log *l, const char *direction, const char *kind, const uint8_t *b,
                   size_t len, int coap_code)
{
    char diag[4096];
    char *h = hex(b, len);
    eh_cbor_diag(b, len, diag, sizeof diag);
    json_t *m = json_pack("{s:s, s:s, s:s, s:s, s:I}", "direction", direction, "kind", kind,
                          "hex", h, "diag", diag, "size", (json_int_t)len);
    if (m != NULL && coap_code)
        json_object_set_new(m, "coap_code", json_sprintf("%d.%02d", coap_code >> 5,
                                                         coap_code & 31));
    if (m != NULL)
        json_array_append_new(l->messages, m);
    free(h);
}

void peer_log_note(peer_log *l, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    json_array_append_new(l->notes, json_string(buf));
}

void peer_log_trace(void *arg, const char *name, const uint8_t *val, size_t len)
{
    peer_log *l = arg;
    char *h = hex(val, len);
    json_object_set_new(l->values, name, json_string(h));
    free(h);
}

static int write_atomically(json_t *doc, const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (json_dump_file(doc, tmp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
        remove(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        remove(tmp);
        return -1;
    }
    return 0;
}

int peer_log_write(peer_log *l, const char *path, const char *verdict)
{
    json_t *doc = json_object();
    json_object_set(doc, "messages", l->messages);
    json_object_set(doc, "values", l->values);
    json_object_set(doc, "notes", l->notes);
    json_object_set_new(doc, "verdict", json_string(verdict ? verdict : ""));
    int rc = write_atomically(doc, path);
    json_decref(doc);
    return rc;
}

int peer_oscore_write(const eh_oscore_material *p, const char *path)
{
    char *ms = hex(p->master_secret, p->master_secret_len);
    char *salt = hex(p->master_salt, p->master_salt_len);
    char *sid = hex(p->sender_id, p->sender_id_len);
    char *rid = hex(p->recipient_id, p->recipient_id_len);
    json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i}", "master_secret", ms,
                            "master_salt", salt, "sender_id", sid, "recipient_id", rid,
                            "aead_alg", p->aead_alg, "hkdf_hash_alg", p->hash_alg);
    int rc = doc ? write_atomically(doc, path) : -1;
    json_decref(doc);
    free(ms), free(salt), free(sid), free(rid);
    return rc;
}

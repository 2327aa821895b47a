/*
 * vectors_negative.c - negative vector files (vectors/README.md, "Negative
 * vector files") derived from a valid vector: one invalid message per
 * category, each with the receiver, the reason and, where RFC 9528 defines
 * one, the ERR_CODE the receiver must answer with.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../cbor/cbor.h"
#include "../common/hex.h"
#include "../vectors/trace_log.h"
#include "vector_gen.h"

typedef struct buf {
    uint8_t b[8192];
    size_t n;
} buf;

static int get(const json_t *base, const char *key, buf *out)
{
    const char *h = json_string_value(json_object_get(base, key));
    out->n = 0;
    return h != NULL ? eh_hex_decode(h, out->b, sizeof out->b, &out->n) : -1;
}

static void cat(buf *dst, const uint8_t *p, size_t n)
{
    if (n <= sizeof dst->b - dst->n) {
        memcpy(dst->b + dst->n, p, n);
        dst->n += n;
    }
}

typedef struct negative {
    const char *category, *applies_to, *receiver, *reason;
    int err_code; /* 0 = null */
    buf msg;
} negative;

static int emit(const json_t *base, const negative *ng, const char *dir, int *count)
{
    json_t *j = json_deep_copy(base);
    char path[4096], *hex = hex_encode(ng->msg.b, ng->msg.n);
    json_object_set_new(j, "_variant", json_string("neg"));
    json_object_set_new(j, "_applies_to", json_string(ng->applies_to));
    json_object_set_new(j, "_receiver", json_string(ng->receiver));
    json_object_set_new(j, "_category", json_string(ng->category));
    json_object_set_new(j, "_reason", json_string(ng->reason));
    json_object_set_new(j, "_expected", json_string("reject"));
    json_object_set_new(j, "_expected_err_code",
                        ng->err_code ? json_integer(ng->err_code) : json_null());
    json_object_set_new(j, "invalid_message", json_string(hex));
    free(hex);
    snprintf(path, sizeof path, "%s/neg-%s.json", dir, ng->category);
    int rc = gen_write_json(j, path);
    json_decref(j);
    if (rc == 0)
        (*count)++;
    return rc;
}

/* message_2 = bstr(G_Y || PLAINTEXT_2' XOR KEYSTREAM_2), same length. */
static void message_2_with_plaintext(const buf *g_y, const buf *pt, const buf *ks, buf *out)
{
    uint8_t body[8192 + 64];
    eh_cbor_writer w;
    memcpy(body, g_y->b, g_y->n);
    for (size_t i = 0; i < pt->n; i++)
        body[g_y->n + i] = pt->b[i] ^ ks->b[i];
    eh_cbor_writer_init(&w, out->b, sizeof out->b);
    eh_cbor_write_bstr(&w, body, g_y->n + pt->n);
    out->n = w.len;
}

int gen_negatives(const json_t *base, const char *dir, int *count)
{
    buf method, suites, g_x, c_i_cbor, ead_1, m3, g_y, pt2, ks2, sig2;
    negative ng;
    int rc = 0;
    *count = 0;
    if (get(base, "method", &method) || get(base, "suites_i", &suites) || get(base, "g_x", &g_x) ||
        get(base, "c_i_cbor", &c_i_cbor) || get(base, "message_3", &m3) ||
        get(base, "g_y", &g_y) || get(base, "plaintext_2", &pt2) ||
        get(base, "keystream_2", &ks2) || get(base, "sig_or_mac_2", &sig2)) {
        fprintf(stderr, "vectors generate: the base file lacks one of method, suites_i, g_x, "
                        "c_i_cbor, message_3, g_y, plaintext_2, keystream_2, sig_or_mac_2\n");
        return 2;
    }
    get(base, "ead_1", &ead_1);
    mkdir(dir, 0777);
    eh_cbor_writer w;

#define MESSAGE_1(m_, s_, gx_, ci_, ead_)                                                      \
    do {                                                                                       \
        ng.msg.n = 0;                                                                          \
        cat(&ng.msg, (m_).b, (m_).n);                                                          \
        cat(&ng.msg, (s_).b, (s_).n);                                                          \
        cat(&ng.msg, (gx_).b, (gx_).n);                                                        \
        cat(&ng.msg, (ci_).b, (ci_).n);                                                        \
        cat(&ng.msg, (ead_).b, (ead_).n);                                                      \
    } while (0)

    buf gx_cbor, alt;
    eh_cbor_writer_init(&w, gx_cbor.b, sizeof gx_cbor.b);
    eh_cbor_write_bstr(&w, g_x.b, g_x.n);
    gx_cbor.n = w.len;

    /* encoding: a one-byte C_I sent as a bstr (§3.3.2) */
    if (c_i_cbor.n == 1) {
        alt.b[0] = 0x41, alt.b[1] = c_i_cbor.b[0], alt.n = 2;
        ng = (negative){"encoding", "message_1", "responder",
                        "C_I that is a one-byte CBOR int sent as a bstr (RFC 9528 §3.3.2)", 0, {{0}, 0}};
        MESSAGE_1(method, suites, gx_cbor, alt, ead_1);
        rc |= emit(base, &ng, dir, count);
    }
    /* non-deterministic-cbor: METHOD with a non-shortest head */
    alt.b[0] = 0x18, alt.b[1] = method.b[0], alt.n = 2;
    ng = (negative){"non-deterministic-cbor", "message_1", "responder",
                    "METHOD encoded with a non-shortest head (RFC 9528 §3.1, RFC 8949 §4.2.1)",
                    0, {{0}, 0}};
    MESSAGE_1(alt, suites, gx_cbor, c_i_cbor, ead_1);
    rc |= emit(base, &ng, dir, count);
    /* truncated: message_3 without its last byte */
    ng = (negative){"truncated", "message_3", "responder",
                    "message_3 truncated by one byte (RFC 9528 §5.4.1)", 0, {{0}, 0}};
    cat(&ng.msg, m3.b, m3.n - 1);
    rc |= emit(base, &ng, dir, count);
    /* crypto-length: G_X one byte short */
    eh_cbor_writer_init(&w, alt.b, sizeof alt.b);
    eh_cbor_write_bstr(&w, g_x.b + 1, g_x.n - 1);
    alt.n = w.len;
    ng = (negative){"crypto-length", "message_1", "responder",
                    "G_X one byte shorter than the curve's coordinate (RFC 9528 §3.7, §9.8)", 0,
                    {{0}, 0}};
    MESSAGE_1(method, suites, alt, c_i_cbor, ead_1);
    rc |= emit(base, &ng, dir, count);
    /* crypto-point: an invalid public key of the right length */
    {
        uint8_t bad[64];
        const char *why;
        const eh_suite *st =
            eh_suite_by_id((int)json_integer_value(json_object_get(base, "_selected_suite")));
        int crv = st != NULL ? st->ecdh->cose_crv : 1;
        if (crv == 4) {
            memset(bad, 0xff, 32); /* a point of order 8 */
            bad[0] = 0xed, bad[31] = 0x7f;
            why = "G_X is a low-order X25519 point: all-zero shared secret (RFC 9528 §9.2)";
        } else if (crv == 5) {
            memset(bad, 0, 56);
            why = "G_X is the X448 point u = 0: all-zero shared secret (RFC 9528 §9.2)";
        } else {
            memset(bad, 0xff, g_x.n);
            why = "G_X x-coordinate is not below the field prime (RFC 9528 §9.2)";
        }
        eh_cbor_writer_init(&w, alt.b, sizeof alt.b);
        eh_cbor_write_bstr(&w, bad, g_x.n);
        alt.n = w.len;
        ng = (negative){"crypto-point", "message_1", "responder", why, 0, {{0}, 0}};
        MESSAGE_1(method, suites, alt, c_i_cbor, ead_1);
        rc |= emit(base, &ng, dir, count);
    }
    /* crypto-auth: Signature_or_MAC_2 with its last byte flipped */
    {
        buf pt = pt2;
        /* the signature or MAC ends PLAINTEXT_2 when EAD_2 is empty */
        buf ead_2;
        get(base, "ead_2", &ead_2);
        pt.b[pt.n - ead_2.n - 1] ^= 0x01;
        ng = (negative){"crypto-auth", "message_2", "initiator",
                        "Signature_or_MAC_2 does not verify (one bit flipped) (RFC 9528 §5.3.3)",
                        0, {{0}, 0}};
        message_2_with_plaintext(&g_y, &pt, &ks2, &ng.msg);
        rc |= emit(base, &ng, dir, count);
    }
    /* crypto-aead: last byte of the message_3 tag flipped */
    ng = (negative){"crypto-aead", "message_3", "responder",
                    "CIPHERTEXT_3 fails AEAD verification (tag bit flipped) (RFC 9528 §5.4.3)", 0,
                    {{0}, 0}};
    cat(&ng.msg, m3.b, m3.n);
    ng.msg.b[ng.msg.n - 1] ^= 0x01;
    rc |= emit(base, &ng, dir, count);
    /* negotiation: a selected suite the Responder does not support */
    {
        json_t *rs = json_object_get(base, "_responder_suites");
        int sel = (int)json_integer_value(json_object_get(base, "_selected_suite"));
        int pick = -1;
        static const int candidates[] = {0, 1, 2, 3, 4, 5, 6, 24, 25};
        for (size_t k = 0; k < 9 && pick < 0; k++) {
            bool supported = candidates[k] == sel;
            for (size_t j = 0; json_is_array(rs) && j < json_array_size(rs); j++)
                if (json_integer_value(json_array_get(rs, j)) == candidates[k])
                    supported = true;
            if (!supported)
                pick = candidates[k];
        }
        eh_cbor_writer_init(&w, alt.b, sizeof alt.b);
        eh_cbor_write_int(&w, pick);
        alt.n = w.len;
        ng = (negative){"negotiation", "message_1", "responder",
                        "selected cipher suite not supported by the Responder: error with "
                        "SUITES_R (RFC 9528 §6.3)", 2, {{0}, 0}};
        MESSAGE_1(method, alt, gx_cbor, c_i_cbor, ead_1);
        rc |= emit(base, &ng, dir, count);
    }
    /* method: an unregistered METHOD */
    alt.b[0] = 0x04, alt.n = 1;
    ng = (negative){"method", "message_1", "responder",
                    "METHOD 4 is not a registered method (RFC 9528 §3.2)", 0, {{0}, 0}};
    MESSAGE_1(alt, suites, gx_cbor, c_i_cbor, ead_1);
    rc |= emit(base, &ng, dir, count);
    /* ead: an unknown critical EAD item in message_1 */
    {
        buf e = ead_1;
        cat(&e, (const uint8_t *)"\x38\x63\x40", 3); /* label -100, empty value */
        ng = (negative){"ead", "message_1", "responder",
                        "unknown critical EAD item (label -100) (RFC 9528 §3.8)", 0, {{0}, 0}};
        MESSAGE_1(method, suites, gx_cbor, c_i_cbor, e);
        rc |= emit(base, &ng, dir, count);
    }
    /* credential: ID_CRED_R referring to no known credential */
    {
        eh_cbor_reader r;
        const uint8_t *item;
        size_t item_len;
        buf pt = pt2;
        eh_cbor_reader_init(&r, pt.b, pt.n);
        r.lenient = true;
        if (eh_cbor_read_item(&r, NULL, NULL) == EH_OK &&
            eh_cbor_read_item(&r, &item, &item_len) == EH_OK) {
            size_t off = (size_t)(item - pt.b);
            if (item_len == 1)
                pt.b[off] ^= 0x01; /* another one-byte int kid */
            else
                pt.b[off + item_len - 1] ^= 0x01; /* last byte of kid / x5t hash */
            ng = (negative){"credential", "message_2", "initiator",
                            "ID_CRED_R refers to a credential the Initiator does not have "
                            "(RFC 9528 §6.4)", 3, {{0}, 0}};
            message_2_with_plaintext(&g_y, &pt, &ks2, &ng.msg);
            rc |= emit(base, &ng, dir, count);
        }
    }
#undef MESSAGE_1
    return rc ? 2 : 0;
}

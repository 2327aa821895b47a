/* render.c - see render.h. */
#include "render.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../cbor/cbor.h"
#include "../common/hex.h"

enum { RAW, ITEM, SEQ };
static const char *const kind_names[] = {"Raw Value", "CBOR Data Item", "CBOR Sequence"};

enum { SEC_M1_FIRST, SEC_ERROR, SEC_M1, SEC_M2, SEC_M3, SEC_M4, SEC_OUT, SEC_OSCORE, SEC_KU,
       SEC_OTHER, SEC_INVALID, SEC_COUNT };

/* when a row applies: always, or in message_3 by how the Initiator
 * authenticates (PRK_4e3m before TH_3 for a signature, after it for static
 * DH, RFC 9528 §4.1.1.3) */
enum { ALWAYS, I_SIGNS, I_DH };

/* descriptions (RFC 9529's lines above a block); an EC2 key's public value
 * is its x-coordinate, which the description then says */
enum { D_NONE, D_X, D_GX, D_CI, D_Y, D_GY, D_CR, D_SKR, D_PKR, D_SKI, D_PKI };
static const char *const descs[] = {NULL,
                                    "Initiator's ephemeral private key",
                                    "Initiator's ephemeral public key",
                                    "Connection identifier chosen by Initiator",
                                    "Responder's ephemeral private key",
                                    "Responder's ephemeral public key",
                                    "Connection identifier chosen by Responder",
                                    "Responder's private authentication key",
                                    "Responder's public authentication key",
                                    "Initiator's private authentication key",
                                    "Initiator's public authentication key"};

typedef struct row {
    int sec;
    const char *key, *name;
    int kind, desc, when;
    bool diag; /* followed by the CBOR diagnostic notation */
} row;

/* RFC 9529 Sections 2 and 3, in their order, with the values the RFC does
 * not show (G_XY, G_RX, G_IY, the EC2 y-coordinates, context_x as bstr,
 * CIPHERTEXT_4, the error's SUITES_R) where they are computed. */
static const row rows[] = {
    {SEC_M1_FIRST, "first_method", "METHOD", ITEM, D_NONE, ALWAYS, true},
    {SEC_M1_FIRST, "first_suites_i", "SUITES_I", ITEM, D_NONE, ALWAYS, true},
    {SEC_M1_FIRST, "first_x", "X", RAW, D_X, ALWAYS, false},
    {SEC_M1_FIRST, "first_g_x", "G_X", RAW, D_GX, ALWAYS, false},
    {SEC_M1_FIRST, "first_g_x_cbor", "G_X", ITEM, D_GX, ALWAYS, false},
    {SEC_M1_FIRST, "first_c_i", "C_I", RAW, D_CI, ALWAYS, false},
    {SEC_M1_FIRST, "first_c_i_cbor", "C_I", ITEM, D_CI, ALWAYS, false},
    {SEC_M1_FIRST, "first_ead_1", "EAD_1", SEQ, D_NONE, ALWAYS, false},
    {SEC_M1_FIRST, "first_message_1", "message_1", SEQ, D_NONE, ALWAYS, true},
    {SEC_ERROR, "suites_r", "SUITES_R", ITEM, D_NONE, ALWAYS, true},
    {SEC_ERROR, "error_message", "error", SEQ, D_NONE, ALWAYS, true},
    {SEC_M1, "method", "METHOD", ITEM, D_NONE, ALWAYS, true},
    {SEC_M1, "suites_i", "SUITES_I", ITEM, D_NONE, ALWAYS, true},
    {SEC_M1, "x", "X", RAW, D_X, ALWAYS, false},
    {SEC_M1, "g_x", "G_X", RAW, D_GX, ALWAYS, false},
    {SEC_M1, "g_x_y_coord", "G_X, 'y'-coordinate", RAW, D_NONE, ALWAYS, false},
    {SEC_M1, "g_x_cbor", "G_X", ITEM, D_GX, ALWAYS, false},
    {SEC_M1, "c_i", "C_I", RAW, D_CI, ALWAYS, false},
    {SEC_M1, "c_i_cbor", "C_I", ITEM, D_CI, ALWAYS, false},
    {SEC_M1, "ead_1", "EAD_1", SEQ, D_NONE, ALWAYS, true},
    {SEC_M1, "message_1", "message_1", SEQ, D_NONE, ALWAYS, true},
    {SEC_M2, "y", "Y", RAW, D_Y, ALWAYS, false},
    {SEC_M2, "g_y", "G_Y", RAW, D_GY, ALWAYS, false},
    {SEC_M2, "g_y_y_coord", "G_Y, 'y'-coordinate", RAW, D_NONE, ALWAYS, false},
    {SEC_M2, "g_y_cbor", "G_Y", ITEM, D_GY, ALWAYS, false},
    {SEC_M2, "c_r", "C_R", RAW, D_CR, ALWAYS, false},
    {SEC_M2, "c_r_cbor", "C_R", ITEM, D_CR, ALWAYS, false},
    {SEC_M2, "h_message_1", "H(message_1)", RAW, D_NONE, ALWAYS, false},
    {SEC_M2, "h_message_1_cbor", "H(message_1)", ITEM, D_NONE, ALWAYS, false},
    {SEC_M2, "input_th_2", "Input to calculate TH_2", SEQ, D_NONE, ALWAYS, true},
    {SEC_M2, "th_2", "TH_2", RAW, D_NONE, ALWAYS, false},
    {SEC_M2, "th_2_cbor", "TH_2", ITEM, D_NONE, ALWAYS, false},
    {SEC_M2, "g_xy", "G_XY", RAW, D_NONE, ALWAYS, false},
    {SEC_M2, "salt_2e", "salt", RAW, D_NONE, ALWAYS, false},
    {SEC_M2, "prk_2e", "PRK_2e", RAW, D_NONE, ALWAYS, false},
    {SEC_M2, "sk_r", "SK_R", RAW, D_SKR, ALWAYS, false},
    {SEC_M2, "pk_r", "PK_R", RAW, D_PKR, ALWAYS, false},
    {SEC_M2, "pk_r_x", "PK_R, 'x'-coordinate", RAW, D_PKR, ALWAYS, false},
    {SEC_M2, "pk_r_y", "PK_R, 'y'-coordinate", RAW, D_PKR, ALWAYS, false},
    {SEC_M2, "info_salt_3e2m", "info for SALT_3e2m", SEQ, D_NONE, ALWAYS, true},
    {SEC_M2, "salt_3e2m", "SALT_3e2m", RAW, D_NONE, ALWAYS, false},
    {SEC_M2, "g_rx", "G_RX", RAW, D_NONE, ALWAYS, false},
    {SEC_M2, "prk_3e2m", "PRK_3e2m", RAW, D_NONE, ALWAYS, false},
    {SEC_M2, "id_cred_r", "ID_CRED_R", ITEM, D_NONE, ALWAYS, true},
    {SEC_M2, "cred_r_der", "CRED_R", RAW, D_NONE, ALWAYS, false},
    {SEC_M2, "cred_r", "CRED_R", ITEM, D_NONE, ALWAYS, false},
    {SEC_M2, "ead_2", "EAD_2", SEQ, D_NONE, ALWAYS, true},
    {SEC_M2, "context_2", "context_2", SEQ, D_NONE, ALWAYS, true},
    {SEC_M2, "context_2_bstr", "context_2", ITEM, D_NONE, ALWAYS, false},
    {SEC_M2, "info_mac_2", "info for MAC_2", SEQ, D_NONE, ALWAYS, true},
    {SEC_M2, "mac_2", "MAC_2", RAW, D_NONE, ALWAYS, false},
    {SEC_M2, "mac_2_cbor", "MAC_2", ITEM, D_NONE, ALWAYS, false},
    {SEC_M2, "to_be_signed_2", "Message to be signed 2", ITEM, D_NONE, ALWAYS, true},
    {SEC_M2, "sig_or_mac_2", "Signature_or_MAC_2", RAW, D_NONE, ALWAYS, false},
    {SEC_M2, "sig_or_mac_2_cbor", "Signature_or_MAC_2", ITEM, D_NONE, ALWAYS, false},
    {SEC_M2, "plaintext_2", "PLAINTEXT_2", SEQ, D_NONE, ALWAYS, true},
    {SEC_M2, "info_keystream_2", "info for KEYSTREAM_2", SEQ, D_NONE, ALWAYS, true},
    {SEC_M2, "keystream_2", "KEYSTREAM_2", RAW, D_NONE, ALWAYS, false},
    {SEC_M2, "ciphertext_2", "CIPHERTEXT_2", RAW, D_NONE, ALWAYS, false},
    {SEC_M2, "message_2", "message_2", SEQ, D_NONE, ALWAYS, true},
    /* message_3: PRK_4e3m = PRK_3e2m for a signing Initiator, before TH_3 */
    {SEC_M3, "sk_i", "SK_I", RAW, D_SKI, I_SIGNS, false},
    {SEC_M3, "pk_i", "PK_I", RAW, D_PKI, I_SIGNS, false},
    {SEC_M3, "pk_i_x", "PK_I, 'x'-coordinate", RAW, D_PKI, I_SIGNS, false},
    {SEC_M3, "pk_i_y", "PK_I, 'y'-coordinate", RAW, D_PKI, I_SIGNS, false},
    {SEC_M3, "prk_4e3m", "PRK_4e3m", RAW, D_NONE, I_SIGNS, false},
    {SEC_M3, "input_th_3", "Input to calculate TH_3", SEQ, D_NONE, ALWAYS, true},
    {SEC_M3, "th_3", "TH_3", RAW, D_NONE, ALWAYS, false},
    {SEC_M3, "th_3_cbor", "TH_3", ITEM, D_NONE, ALWAYS, false},
    /* ... and derived from TH_3 for static DH */
    {SEC_M3, "sk_i", "SK_I", RAW, D_SKI, I_DH, false},
    {SEC_M3, "pk_i", "PK_I", RAW, D_PKI, I_DH, false},
    {SEC_M3, "pk_i_x", "PK_I, 'x'-coordinate", RAW, D_PKI, I_DH, false},
    {SEC_M3, "pk_i_y", "PK_I, 'y'-coordinate", RAW, D_PKI, I_DH, false},
    {SEC_M3, "info_salt_4e3m", "info for SALT_4e3m", SEQ, D_NONE, I_DH, true},
    {SEC_M3, "salt_4e3m", "SALT_4e3m", RAW, D_NONE, I_DH, false},
    {SEC_M3, "g_iy", "G_IY", RAW, D_NONE, I_DH, false},
    {SEC_M3, "prk_4e3m", "PRK_4e3m", RAW, D_NONE, I_DH, false},
    {SEC_M3, "id_cred_i", "ID_CRED_I", ITEM, D_NONE, ALWAYS, true},
    {SEC_M3, "cred_i_der", "CRED_I", RAW, D_NONE, ALWAYS, false},
    {SEC_M3, "cred_i", "CRED_I", ITEM, D_NONE, ALWAYS, false},
    {SEC_M3, "ead_3", "EAD_3", SEQ, D_NONE, ALWAYS, true},
    {SEC_M3, "context_3", "context_3", SEQ, D_NONE, ALWAYS, true},
    {SEC_M3, "context_3_bstr", "context_3", ITEM, D_NONE, ALWAYS, false},
    {SEC_M3, "info_mac_3", "info for MAC_3", SEQ, D_NONE, ALWAYS, true},
    {SEC_M3, "mac_3", "MAC_3", RAW, D_NONE, ALWAYS, false},
    {SEC_M3, "mac_3_cbor", "MAC_3", ITEM, D_NONE, ALWAYS, false},
    {SEC_M3, "to_be_signed_3", "Message to be signed 3", ITEM, D_NONE, ALWAYS, true},
    {SEC_M3, "sig_or_mac_3", "Signature_or_MAC_3", RAW, D_NONE, ALWAYS, false},
    {SEC_M3, "sig_or_mac_3_cbor", "Signature_or_MAC_3", ITEM, D_NONE, ALWAYS, false},
    {SEC_M3, "plaintext_3", "PLAINTEXT_3", SEQ, D_NONE, ALWAYS, true},
    {SEC_M3, "a_3", "A_3", ITEM, D_NONE, ALWAYS, true},
    {SEC_M3, "info_k_3", "info for K_3", SEQ, D_NONE, ALWAYS, true},
    {SEC_M3, "k_3", "K_3", RAW, D_NONE, ALWAYS, false},
    {SEC_M3, "info_iv_3", "info for IV_3", SEQ, D_NONE, ALWAYS, true},
    {SEC_M3, "iv_3", "IV_3", RAW, D_NONE, ALWAYS, false},
    {SEC_M3, "ciphertext_3", "CIPHERTEXT_3", RAW, D_NONE, ALWAYS, false},
    {SEC_M3, "message_3", "message_3", SEQ, D_NONE, ALWAYS, true},
    {SEC_M3, "input_th_4", "Input to calculate TH_4", SEQ, D_NONE, ALWAYS, true},
    {SEC_M3, "th_4", "TH_4", RAW, D_NONE, ALWAYS, false},
    {SEC_M3, "th_4_cbor", "TH_4", ITEM, D_NONE, ALWAYS, false},
    {SEC_M4, "ead_4", "EAD_4", SEQ, D_NONE, ALWAYS, true},
    {SEC_M4, "plaintext_4", "PLAINTEXT_4", SEQ, D_NONE, ALWAYS, true},
    {SEC_M4, "a_4", "A_4", ITEM, D_NONE, ALWAYS, true},
    {SEC_M4, "info_k_4", "info for K_4", SEQ, D_NONE, ALWAYS, true},
    {SEC_M4, "k_4", "K_4", RAW, D_NONE, ALWAYS, false},
    {SEC_M4, "info_iv_4", "info for IV_4", SEQ, D_NONE, ALWAYS, true},
    {SEC_M4, "iv_4", "IV_4", RAW, D_NONE, ALWAYS, false},
    {SEC_M4, "ciphertext_4", "CIPHERTEXT_4", RAW, D_NONE, ALWAYS, false},
    {SEC_M4, "message_4", "message_4", SEQ, D_NONE, ALWAYS, true},
    {SEC_OUT, "info_prk_out", "info for PRK_out", SEQ, D_NONE, ALWAYS, true},
    {SEC_OUT, "prk_out", "PRK_out", RAW, D_NONE, ALWAYS, false},
    {SEC_OUT, "info_prk_exporter", "info for PRK_exporter", SEQ, D_NONE, ALWAYS, true},
    {SEC_OUT, "prk_exporter", "PRK_exporter", RAW, D_NONE, ALWAYS, false},
    {SEC_OSCORE, "oscore_client_sender_id", "Client's OSCORE Sender ID", RAW, D_NONE, ALWAYS,
     false},
    {SEC_OSCORE, "oscore_server_sender_id", "Server's OSCORE Sender ID", RAW, D_NONE, ALWAYS,
     false},
    {SEC_OSCORE, "info_oscore_master_secret", "info for OSCORE Master Secret", SEQ, D_NONE,
     ALWAYS, true},
    {SEC_OSCORE, "oscore_master_secret", "OSCORE Master Secret", RAW, D_NONE, ALWAYS, false},
    {SEC_OSCORE, "info_oscore_master_salt", "info for OSCORE Master Salt", SEQ, D_NONE, ALWAYS,
     true},
    {SEC_OSCORE, "oscore_master_salt", "OSCORE Master Salt", RAW, D_NONE, ALWAYS, false},
    {SEC_KU, "keyupdate_context", "context for KeyUpdate", RAW, D_NONE, ALWAYS, false},
    {SEC_KU, "keyupdate_context_cbor", "context for KeyUpdate", ITEM, D_NONE, ALWAYS, false},
    {SEC_KU, "keyupdate_prk_out", "PRK_out after KeyUpdate", RAW, D_NONE, ALWAYS, false},
    {SEC_KU, "keyupdate_prk_exporter", "PRK_exporter after KeyUpdate", RAW, D_NONE, ALWAYS,
     false},
    {SEC_KU, "keyupdate_oscore_master_secret", "OSCORE Master Secret after KeyUpdate", RAW,
     D_NONE, ALWAYS, false},
    {SEC_KU, "keyupdate_oscore_master_salt", "OSCORE Master Salt after KeyUpdate", RAW, D_NONE,
     ALWAYS, false},
    {SEC_INVALID, "invalid_message", "invalid message", SEQ, D_NONE, ALWAYS, true},
};
#define N_ROWS (sizeof rows / sizeof rows[0])

/* One block, whatever the format. */
typedef struct block {
    const char *desc; /* NULL: none */
    char desc_buf[96];
    const char *name;
    int kind;
    const char *hex; /* the file's value: lower-case hex */
    size_t len;
    char *diag;      /* malloc'd, or NULL */
} block;

typedef struct renderer {
    render_format fmt;
    FILE *out;
    json_t *sections, *cur; /* RENDER_JSON */
    bool started;
} renderer;

static void section_begin(renderer *r, const char *title)
{
    if (r->fmt == RENDER_JSON) {
        r->cur = json_array();
        json_array_append_new(r->sections,
                              json_pack("{s:s, s:o}", "title", title, "blocks", r->cur));
        return;
    }
    if (r->fmt == RENDER_MARKDOWN)
        fprintf(r->out, "%s## %s\n\n", r->started ? "\n" : "", title);
    else
        fprintf(r->out, "%s%s\n\n", r->started ? "\n" : "", title);
    r->started = true;
}

static void block_emit(renderer *r, const block *b)
{
    if (r->fmt == RENDER_JSON) {
        json_t *o = json_pack("{s:s?, s:s, s:s, s:I, s:s, s:s?}", "description", b->desc, "name",
                              b->name, "kind", kind_names[b->kind], "length", (json_int_t)b->len,
                              "hex", b->hex, "diagnostic", b->diag);
        json_array_append_new(r->cur, o);
        return;
    }
    bool md = r->fmt == RENDER_MARKDOWN;
    if (md)
        fputs("~~~~~~~~\n", r->out);
    if (b->desc)
        fprintf(r->out, "%s\n", b->desc);
    fprintf(r->out, "%s (%s) (%zu byte%s)\n", b->name, kind_names[b->kind], b->len,
            b->len == 1 ? "" : "s");
    for (size_t i = 0; i < b->len; i++)
        fprintf(r->out, "%.2s%s", b->hex + 2 * i, (i + 1) % 23 == 0 || i + 1 == b->len ? "\n" : " ");
    if (md)
        fputs("~~~~~~~~\n", r->out);
    if (b->diag != NULL)
        fprintf(r->out, "%s%s\n", md ? "\n    " : "    diagnostic: ", b->diag);
    fputs("\n", r->out);
}

/* The CBOR diagnostic notation of hex (a sequence: items comma-separated),
 * malloc'd; NULL when it is not CBOR. */
static char *diag_of(const char *hex, size_t len)
{
    uint8_t *b = malloc(len ? len : 1);
    size_t n = 0, cap = 64 + 8 * len;
    char *out = malloc(cap);
    if (b == NULL || out == NULL || eh_hex_decode(hex, b, len ? len : 1, &n) != 0 ||
        eh_cbor_diag(b, n, out, cap) != EH_OK) {
        free(b), free(out);
        return NULL;
    }
    free(b);
    return out;
}

static bool initiator_signs(const vfile *vf)
{
    json_t *m = json_object_get(vf->root, "_method_int");
    long long method = json_is_integer(m) ? json_integer_value(m) : -1;
    if (method < 0) { /* METHOD as sent: one byte, 00..03 */
        const char *h = json_string_value(json_object_get(vf->root, "method"));
        method = h && strlen(h) == 2 && h[0] == '0' && h[1] >= '0' && h[1] <= '3' ? h[1] - '0'
                                                                                  : 0;
    }
    return method == 0 || method == 2; /* RFC 9528 §3.2: the Initiator signs */
}

static void fill_block(const vfile *vf, const row *rw, const char *hex, block *b)
{
    memset(b, 0, sizeof *b);
    b->name = rw->name, b->kind = rw->kind, b->hex = hex, b->len = strlen(hex) / 2;
    if (rw->desc != D_NONE) {
        /* an EC2 public key on the wire is its x-coordinate (the file then
         * records the y-coordinate too) */
        bool ec2 = (rw->desc == D_GX && json_object_get(vf->root, "g_x_y_coord")) ||
                   (rw->desc == D_GY && json_object_get(vf->root, "g_y_y_coord"));
        snprintf(b->desc_buf, sizeof b->desc_buf, "%s%s", descs[rw->desc],
                 ec2 ? ", 'x'-coordinate" : "");
        b->desc = b->desc_buf;
    }
    if (rw->diag && rw->kind != RAW && b->len > 0)
        b->diag = diag_of(hex, b->len);
}

static const char *section_title(const vfile *vf, int sec)
{
    static const char *const titles[SEC_COUNT] = {
        "message_1 (first time)", "error", "message_1", "message_2", "message_3", "message_4",
        "PRK_out and PRK_exporter", "OSCORE Parameters", "Key Update", "Other values",
        "Invalid message"};
    if (sec == SEC_M1 && json_object_get(vf->root, "first_message_1"))
        return "message_1 (second time)";
    return titles[sec];
}

int vector_render(const vfile *vf, render_format fmt, FILE *out)
{
    renderer r = {.fmt = fmt, .out = out};
    bool signs = initiator_signs(vf);
    json_t *used = json_object();
    if (fmt == RENDER_JSON)
        r.sections = json_array();
    for (int sec = 0; sec < SEC_COUNT; sec++) {
        bool open = false;
        if (sec == SEC_OTHER) { /* keys outside the table, in the file's order */
            const char *key;
            json_t *v;
            json_object_foreach(vf->root, key, v) {
                if (key[0] == '_' || json_object_get(used, key) != NULL ||
                    strcmp(key, "invalid_message") == 0)
                    continue;
                if (!open)
                    section_begin(&r, section_title(vf, sec)), open = true;
                if (json_is_integer(v)) { /* app_aead_alg, exporter_label, ... */
                    char num[32];
                    snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
                    if (fmt == RENDER_JSON)
                        json_array_append_new(r.cur, json_pack("{s:s, s:s, s:s}", "name", key,
                                                               "kind", "integer", "value", num));
                    else
                        fprintf(out, "%s = %s\n\n", key, num);
                    continue;
                }
                const char *hex = json_string_value(v);
                size_t klen = strlen(key);
                bool cbor = klen > 5 && strcmp(key + klen - 5, "_cbor") == 0;
                row rw = {sec, key, key, cbor ? ITEM : RAW, D_NONE, ALWAYS, false};
                block b;
                fill_block(vf, &rw, hex ? hex : "", &b);
                block_emit(&r, &b);
            }
            continue;
        }
        for (size_t i = 0; i < N_ROWS; i++) {
            const row *rw = &rows[i];
            if (rw->sec != sec || (rw->when == I_SIGNS && !signs) || (rw->when == I_DH && signs))
                continue;
            const char *hex = json_string_value(json_object_get(vf->root, rw->key));
            if (hex == NULL)
                continue;
            json_object_set_new(used, rw->key, json_true());
            if (!open)
                section_begin(&r, section_title(vf, sec)), open = true;
            block b;
            fill_block(vf, rw, hex, &b);
            block_emit(&r, &b);
            free(b.diag);
        }
        if (sec == SEC_INVALID && open && fmt != RENDER_JSON) {
            static const char *const meta[] = {"_applies_to", "_receiver", "_category",
                                               "_reason", "_expected", NULL};
            for (size_t k = 0; meta[k]; k++) {
                const char *v = json_string_value(json_object_get(vf->root, meta[k]));
                if (v != NULL)
                    fprintf(out, "%s: %s\n", meta[k] + 1, v);
            }
        }
    }
    json_decref(used);
    int rc = 0;
    if (fmt == RENDER_JSON) {
        json_t *doc = json_pack("{s:o}", "sections", r.sections);
        rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0;
        fputc('\n', out);
        json_decref(doc);
    }
    if (fflush(out) != 0 || ferror(out))
        rc = 1;
    return rc;
}

/* pair_wire.c - see pair_wire.h. */
#include "pair_wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/hex.h"
#include "../oscore/coap_codec.h"

#define MAX_TOKENS 256
#define MAX_SEEN 1024
#define OPT_BLOCK2 23
#define OPT_BLOCK1 27
#define OPT_ECHO 252       /* RFC 9175 */
#define CODE_CONTINUE 0x5f /* 2.31 */
#define CODE_UNAUTHORIZED 0x81 /* 4.01 */

typedef struct token {
    uint8_t b[EH_COAP_MAX_TOKEN_LEN];
    size_t n;
} token;

typedef struct seen_id {
    relay_dir dir;
    int client;
    bool ack;        /* ACK / RST (else CON / NON) */
    uint16_t mid;
} seen_id;

/* A payload being put together from blocks, per direction. */
typedef struct assembly {
    uint8_t *buf;
    size_t len;
    bool truncated;
} assembly;

typedef struct splitter {
    pw_result *out;
    const char *edhoc_path; /* "/.well-known/edhoc" or the server's own */
    token tokens[MAX_TOKENS];
    size_t n_tokens;
    seen_id seen[MAX_SEEN];
    size_t n_seen;
    assembly as[2];
} splitter;

void pw_code_name(int code, char *out, size_t cap)
{
    static const char *const methods[] = {"EMPTY", "GET", "POST", "PUT", "DELETE",
                                          "FETCH", "PATCH", "iPATCH"};
    if (code >= 0 && code < 8)
        snprintf(out, cap, "%s", methods[code]);
    else
        snprintf(out, cap, "%d.%02d", (code >> 5) & 7, code & 31);
}

static int add_body(splitter *s, relay_dir dir, size_t frame, const uint8_t *d, size_t n,
                    int code, bool combined, bool truncated)
{
    pw_result *w = s->out;
    pw_body *b = realloc(w->bodies, (w->n_bodies + 1) * sizeof *b);
    if (b == NULL)
        return -1;
    w->bodies = b;
    uint8_t *copy = malloc(n ? n : 1);
    if (copy == NULL)
        return -1;
    if (n)
        memcpy(copy, d, n);
    w->bodies[w->n_bodies] = (pw_body){.dir = dir, .frame = frame, .data = copy, .len = n,
                                       .coap_code = code, .combined = combined,
                                       .truncated = truncated};
    w->frames[frame].body = (int)w->n_bodies++;
    w->frames[frame].kind = PW_EDHOC;
    return 0;
}

/* ------------------------------------------------------------- raw UDP */

static int split_raw(splitter *s, const relay_datagram *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bool copy = false;
        for (size_t j = 0; j < i && !copy; j++)
            copy = d[j].dir == d[i].dir && d[j].client == d[i].client && d[j].len == d[i].len &&
                   memcmp(d[j].data, d[i].data, d[i].len) == 0;
        if (copy)
            s->out->frames[i].kind = PW_RETRANSMISSION;
        else if (add_body(s, d[i].dir, i, d[i].data, d[i].len, 0, false, false) != 0)
            return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- CoAP */

static const eh_coap_option *find_opt(const eh_coap_msg *m, uint16_t number)
{
    int k = eh_coap_find_option(m, number);
    return k < 0 ? NULL : &m->opts[k];
}

static uint32_t opt_uint(const eh_coap_option *o)
{
    uint32_t v = 0;
    for (size_t i = 0; o && i < o->len && i < 4; i++)
        v = v << 8 | o->value[i];
    return v;
}

/* Do m's Uri-Path options spell path ("/seg/seg", segments without '/')? */
static bool is_edhoc_path(const eh_coap_msg *m, const char *path)
{
    const char *p = path;
    for (size_t i = 0; i < m->n_opts; i++) {
        const eh_coap_option *o = &m->opts[i];
        if (o->number != EH_COAP_OPT_URI_PATH)
            continue;
        if (*p != '/')
            return false; /* more segments than the path */
        p++;
        size_t seg = strcspn(p, "/");
        if (o->len != seg || memcmp(o->value, p, seg) != 0)
            return false;
        p += seg;
    }
    return *p == 0 && p != path;
}

static bool known_token(const splitter *s, const eh_coap_udp_hdr *h)
{
    for (size_t i = 0; i < s->n_tokens; i++)
        if (s->tokens[i].n == h->token_len && memcmp(s->tokens[i].b, h->token, h->token_len) == 0)
            return true;
    return false;
}

static void add_token(splitter *s, const eh_coap_udp_hdr *h)
{
    if (known_token(s, h) || s->n_tokens >= MAX_TOKENS)
        return;
    memcpy(s->tokens[s->n_tokens].b, h->token, h->token_len);
    s->tokens[s->n_tokens++].n = h->token_len;
}

/* A message ID already seen in this direction (a retransmission)? Records it. */
static bool repeated_mid(splitter *s, const relay_datagram *d, const eh_coap_udp_hdr *h)
{
    bool ack = h->type == EH_COAP_ACK || h->type == EH_COAP_RST;
    for (size_t i = 0; i < s->n_seen; i++) {
        const seen_id *x = &s->seen[i];
        if (x->dir == d->dir && x->client == d->client && x->ack == ack &&
            x->mid == h->message_id)
            return true;
    }
    if (s->n_seen < MAX_SEEN)
        s->seen[s->n_seen++] = (seen_id){d->dir, d->client, ack, h->message_id};
    return false;
}

static void describe(const eh_coap_udp_hdr *h, const eh_coap_msg *m, char *out, size_t cap)
{
    static const char *const types[] = {"CON", "NON", "ACK", "RST"};
    char code[16], tok[2 * EH_COAP_MAX_TOKEN_LEN + 1], path[96] = "";
    size_t k = 0;
    pw_code_name(m->code, code, sizeof code);
    eh_hex_encode(h->token, h->token_len, tok);
    for (size_t i = 0; i < m->n_opts && k + 2 < sizeof path; i++) {
        const eh_coap_option *o = &m->opts[i];
        if (o->number != EH_COAP_OPT_URI_PATH)
            continue;
        int w = snprintf(path + k, sizeof path - k, "/%.*s", (int)o->len, (const char *)o->value);
        if (w < 0)
            break;
        k += (size_t)w < sizeof path - k ? (size_t)w : sizeof path - k - 1;
    }
    /* option values are peer-controlled bytes: keep the summary printable */
    for (char *p = path; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
            *p = '?';
    const eh_coap_option *cf = find_opt(m, EH_COAP_OPT_CONTENT_FORMAT);
    char extra[64] = "";
    if (cf != NULL)
        snprintf(extra, sizeof extra, " Content-Format %u", (unsigned)opt_uint(cf));
    char line[512]; /* everything fits; cut to cap below */
    snprintf(line, sizeof line, "%s %s%s%s mid 0x%04x token %s%s%s%s%s", types[h->type & 3], code,
             path[0] ? " " : "", path, (unsigned)h->message_id, h->token_len ? tok : "(none)",
             extra, find_opt(m, EH_COAP_OPT_OSCORE) ? " OSCORE" : "",
             find_opt(m, EH_COAP_OPT_EDHOC) ? " EDHOC-option" : "",
             find_opt(m, OPT_BLOCK1) || find_opt(m, OPT_BLOCK2) ? " block-wise" : "");
    size_t n = strnlen(line, cap - 1);
    memcpy(out, line, n);
    out[n] = 0;
}

/* Add a block (Block1 / Block2 value v) to the direction's assembly; true
 * when the payload is complete (the last block). */
static bool assemble(assembly *a, uint32_t v, const uint8_t *p, size_t n)
{
    size_t size = (size_t)1 << ((v & 7) + 4), at = (size_t)(v >> 4) * size;
    if (at == 0)
        a->len = 0, a->truncated = false;
    if (at > a->len) { /* a block is missing: the payload cannot be complete */
        a->truncated = true;
        return !(v & 8);
    }
    size_t room = PW_MAX_BODY - at;
    if (n > room)
        a->truncated = true, n = room;
    if (n)
        memcpy(a->buf + at, p, n);
    a->len = at + n;
    return !(v & 8);
}

static int split_coap_one(splitter *s, const relay_datagram *d, size_t i)
{
    pw_frame *f = &s->out->frames[i];
    eh_coap_udp_hdr h;
    eh_coap_msg m;
    if (eh_coap_udp_decode(d->data, d->len, &h, &m) != EH_OK) {
        f->kind = PW_MALFORMED;
        snprintf(f->coap, sizeof f->coap, "not a CoAP message (RFC 7252 §3)");
        return 0;
    }
    describe(&h, &m, f->coap, sizeof f->coap);
    if (repeated_mid(s, d, &h)) {
        f->kind = PW_RETRANSMISSION;
        return 0;
    }
    if (m.code == EH_COAP_CODE_EMPTY) {
        f->kind = PW_EMPTY;
        return 0;
    }
    bool request = m.code < 32;
    bool oscore = find_opt(&m, EH_COAP_OPT_OSCORE) != NULL;
    const eh_coap_option *b1 = find_opt(&m, OPT_BLOCK1), *b2 = find_opt(&m, OPT_BLOCK2);
    assembly *a = &s->as[d->dir];
    if (request && find_opt(&m, EH_COAP_OPT_EDHOC) != NULL) /* RFC 9668 */
        return add_body(s, d->dir, i, m.payload, m.payload_len, m.code, true, false);
    if (request && is_edhoc_path(&m, s->edhoc_path)) {
        add_token(s, &h);
        if (b2 != NULL && (opt_uint(b2) >> 4) > 0 && m.payload_len == 0) {
            f->kind = PW_OTHER; /* asks for the next block of a response */
            return 0;
        }
        if (b1 == NULL)
            return add_body(s, d->dir, i, m.payload, m.payload_len, m.code, false, false);
        if (!assemble(a, opt_uint(b1), m.payload, m.payload_len)) {
            f->kind = PW_BLOCK;
            return 0;
        }
        return add_body(s, d->dir, i, a->buf, a->len, m.code, false, a->truncated);
    }
    if (!request && !oscore && known_token(s, &h)) {
        if (m.code == CODE_CONTINUE ||
            (m.code == CODE_UNAUTHORIZED && find_opt(&m, OPT_ECHO) != NULL)) {
            f->kind = PW_OTHER; /* 2.31 Continue; 4.01 + Echo: the client asks again */
            return 0;
        }
        if (b2 == NULL)
            return add_body(s, d->dir, i, m.payload, m.payload_len, m.code, false, false);
        if (!assemble(a, opt_uint(b2), m.payload, m.payload_len)) {
            f->kind = PW_BLOCK;
            return 0;
        }
        return add_body(s, d->dir, i, a->buf, a->len, m.code, false, a->truncated);
    }
    f->kind = oscore ? PW_OSCORE : PW_OTHER;
    return 0;
}

int pw_split(bool coap, const relay_datagram *d, size_t n, const char *edhoc_path,
             pw_result *out)
{
    memset(out, 0, sizeof *out);
    splitter *s = calloc(1, sizeof *s);
    out->frames = calloc(n ? n : 1, sizeof *out->frames);
    int rc = s && out->frames ? 0 : -1;
    if (rc == 0) {
        s->out = out;
        s->edhoc_path = edhoc_path && edhoc_path[0] ? edhoc_path : "/.well-known/edhoc";
        out->n_frames = n;
        for (size_t i = 0; i < n; i++)
            out->frames[i].body = -1;
    }
    if (rc == 0 && !coap)
        rc = split_raw(s, d, n);
    for (int k = 0; rc == 0 && coap && k < 2; k++)
        if ((s->as[k].buf = malloc(PW_MAX_BODY)) == NULL)
            rc = -1;
    for (size_t i = 0; rc == 0 && coap && i < n; i++)
        rc = split_coap_one(s, &d[i], i);
    if (s != NULL)
        free(s->as[0].buf), free(s->as[1].buf);
    free(s);
    if (rc != 0)
        pw_free(out);
    return rc;
}

void pw_free(pw_result *w)
{
    for (size_t i = 0; i < w->n_bodies; i++)
        free(w->bodies[i].data);
    free(w->bodies);
    free(w->frames);
    memset(w, 0, sizeof *w);
}

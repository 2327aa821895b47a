/* serve_route.c - see serve_route.h. */
#include "serve_route.h"

#include <stdio.h>
#include <string.h>

#include "../cbor/cbor.h"
#include "../oscore/coap_codec.h"

enum { OPT_URI_QUERY = 15 };

static size_t response_options(int content_format, int max_age, uint8_t v[2][2],
                               eh_coap_option *o);

static void answer(serve_request *r, uint8_t code, const char *text)
{
    r->kind = SR_ANSWER;
    r->answer_code = code;
    snprintf(r->answer_text, sizeof r->answer_text, "%s", text);
}

static bool name_ok(const uint8_t *v, size_t n)
{
    if (n == 0 || n >= SERVE_MAX_NAME || v[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = v[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* A Uri-Query option: name= or profile=; others are ignored. false: a value
 * that cannot be taken (r answered). */
static bool take_query(serve_request *r, const uint8_t *v, size_t n)
{
    if (n >= 5 && memcmp(v, "name=", 5) == 0) {
        if (!name_ok(v + 5, n - 5)) {
            answer(r, 0x80, "name: 1 to 32 letters, digits, '.', '_' or '-', not starting "
                            "with '.'");
            return false;
        }
        memcpy(r->name, v + 5, n - 5);
        r->name[n - 5] = 0;
    } else if (n == 8 && memcmp(v, "oscore=", 7) == 0 && (v[7] == '0' || v[7] == '1')) {
        r->oscore = v[7] - '0';
    } else if (n >= 7 && memcmp(v, "oscore=", 7) == 0) {
        answer(r, 0x80, "oscore: 1 (the OSCORE exchange after the handshake) or 0");
        return false;
    } else if (n >= 8 && memcmp(v, "profile=", 8) == 0) {
        if (n - 8 == 0 || n - 8 >= sizeof r->profile || !name_ok(v + 8, n - 8)) {
            answer(r, 0x80, "profile: a profile label such as m3-s2-kid");
            return false;
        }
        memcpy(r->profile, v + 8, n - 8);
        r->profile[n - 8] = 0;
    }
    return true;
}

static void route_message(const eh_coap_msg *m, serve_request *r);

void serve_route(const uint8_t *d, size_t n, serve_request *r)
{
    memset(r, 0, sizeof *r);
    r->oscore = -1;
    eh_coap_udp_hdr h;
    eh_coap_msg m;
    if (eh_coap_udp_decode(d, n, &h, &m) != EH_OK || (h.type != EH_COAP_CON && h.type != EH_COAP_NON) ||
        m.code == 0 || (m.code >> 5) != 0)
        return; /* SR_IGNORE */
    r->type = h.type;
    r->message_id = h.message_id;
    r->token_len = h.token_len;
    if (h.token_len)
        memcpy(r->token, h.token, h.token_len);
    route_message(&m, r);
}

/* RFC 8323 §3.2: Len (4 bits) and TKL (4 bits), extended length, code,
 * token, then Len bytes of options and payload. */
size_t serve_route_tcp(const uint8_t *d, size_t n, serve_request *r)
{
    memset(r, 0, sizeof *r);
    r->oscore = -1;
    if (n < 2)
        return 0;
    unsigned nib = d[0] >> 4, tkl = d[0] & 15;
    size_t ext = nib == 13 ? 1 : nib == 14 ? 2 : nib == 15 ? 4 : 0, len = nib;
    if (tkl > 8)
        return SERVE_TCP_BAD;
    if (n < 1 + ext + 1 + tkl)
        return 0;
    if (nib == 13)
        len = 13u + d[1];
    else if (nib == 14)
        len = 269u + ((size_t)d[1] << 8 | d[2]);
    else if (nib == 15) {
        uint64_t v = (uint64_t)d[1] << 24 | (uint64_t)d[2] << 16 | (uint64_t)d[3] << 8 | d[4];
        if (v > SERVE_TCP_MAX_FRAME)
            return SERVE_TCP_BAD;
        len = 65805u + (size_t)v;
    }
    size_t head = 1 + ext + 1 + tkl;
    if (len > SERVE_TCP_MAX_FRAME)
        return SERVE_TCP_BAD;
    if (n < head + len)
        return 0;
    uint8_t code = d[1 + ext];
    r->type = EH_COAP_NON; /* no messaging layer over TCP: never piggybacked */
    r->token_len = tkl;
    memcpy(r->token, d + 2 + ext, tkl);
    if (code == 0 || (code >> 5) != 0)
        return head + len; /* signaling (7.xx, CSM first) or a response: SR_IGNORE */
    eh_coap_msg m;
    memset(&m, 0, sizeof m);
    m.code = code;
    size_t used = 0;
    const uint8_t *o = d + head;
    if (eh_coap_options_decode(o, len, m.opts, EH_COAP_MAX_OPTIONS, &m.n_opts, &used) != EH_OK)
        return SERVE_TCP_BAD;
    if (used < len) { /* the payload marker, then at least one byte */
        if (o[used] != 0xff || used + 1 == len)
            return SERVE_TCP_BAD;
        m.payload = o + used + 1;
        m.payload_len = len - used - 1;
    }
    route_message(&m, r);
    return head + len;
}

size_t serve_response_tcp(const serve_request *r, uint8_t code, int content_format,
                          int max_age, const uint8_t *payload, size_t len, uint8_t *out,
                          size_t cap)
{
    uint8_t v[2][2], opts[16];
    eh_coap_option o[2];
    size_t no = response_options(content_format, max_age, v, o), ol = 0;
    if (no && eh_coap_options_encode(o, no, opts, sizeof opts, &ol) != EH_OK)
        return 0;
    size_t body = ol + (len ? 1 + len : 0), ext = body < 13 ? 0 : body < 269 ? 1 : 2;
    size_t total = 1 + ext + 1 + r->token_len + body;
    if (body >= 65805 || total > cap)
        return 0;
    size_t k = 0;
    out[k++] = (uint8_t)((body < 13 ? body : body < 269 ? 13 : 14) << 4 | r->token_len);
    if (ext == 1)
        out[k++] = (uint8_t)(body - 13);
    else if (ext == 2)
        out[k++] = (uint8_t)((body - 269) >> 8), out[k++] = (uint8_t)(body - 269);
    out[k++] = code;
    memcpy(out + k, r->token, r->token_len);
    k += r->token_len;
    memcpy(out + k, opts, ol);
    k += ol;
    if (len) {
        out[k++] = 0xff;
        memcpy(out + k, payload, len);
        k += len;
    }
    return k;
}

/* The request layer: path, queries, payload. */
static void route_message(const eh_coap_msg *mp, serve_request *r)
{
    const eh_coap_msg m = *mp;
    r->code = m.code;
    r->payload = m.payload;
    r->payload_len = m.payload_len;
    /* the path, segments joined by '/' */
    char path[SC_MAX_ID + 64];
    size_t k = 0;
    bool oscore = false;
    for (size_t i = 0; i < m.n_opts; i++) {
        const eh_coap_option *o = &m.opts[i];
        if (o->number == EH_COAP_OPT_OSCORE)
            oscore = true;
        if (o->number == OPT_URI_QUERY && !take_query(r, o->value, o->len))
            return;
        if (o->number != EH_COAP_OPT_URI_PATH)
            continue;
        if (k + 1 + o->len >= sizeof path) {
            answer(r, 0x84, "no such resource (path too long)");
            return;
        }
        path[k++] = '/';
        if (o->len)
            memcpy(path + k, o->value, o->len);
        k += o->len;
    }
    path[k] = 0;
    static const char base[] = "/.well-known/edhoc", test[] = "/.well-known/edhoc/test/",
                      results[] = "/.well-known/edhoc/results";
    if (oscore) {
        /* an OSCORE request belongs to a session a job served: there is none now */
        answer(r, 0x81, "no security context: the handshake it belongs to has ended");
        return;
    }
    if (strcmp(path, base) == 0) {
        if (m.code != EH_COAP_CODE_POST)
            answer(r, 0x85, "POST message_1 to start the interop handshake");
        else
            r->kind = SR_BASELINE;
    } else if (strncmp(path, test, sizeof test - 1) == 0 && path[sizeof test - 1]) {
        if (m.code != EH_COAP_CODE_POST) {
            answer(r, 0x85, "POST message_1 to start this test");
        } else if (strlen(path + sizeof test - 1) >= sizeof r->test_id) {
            answer(r, 0x84, "no such test (its id is too long)");
        } else {
            r->kind = SR_TEST;
            memcpy(r->test_id, path + sizeof test - 1, strlen(path + sizeof test - 1) + 1);
        }
    } else if (strcmp(path, results) == 0) {
        if (m.code != EH_COAP_CODE_GET)
            answer(r, 0x85, "GET the results");
        else
            r->kind = SR_RESULTS;
    } else {
        answer(r, 0x84, "no such resource: POST to /.well-known/edhoc or "
                        "/.well-known/edhoc/test/<scenario id>; GET /.well-known/edhoc/results");
    }
}

bool serve_route_starts_session(const serve_request *r)
{
    return r->kind == SR_BASELINE || r->kind == SR_TEST;
}

/* Content-Format and Max-Age options (-1: absent) into o[0..2), their
 * values in v; returns how many. */
static size_t response_options(int content_format, int max_age, uint8_t v[2][2],
                               eh_coap_option *o)
{
    size_t n = 0;
    int nums[2] = {content_format, max_age};
    uint16_t numbers[2] = {EH_COAP_OPT_CONTENT_FORMAT, 14};
    for (int i = 0; i < 2; i++) {
        if (nums[i] < 0)
            continue;
        size_t l = nums[i] == 0 ? 0 : nums[i] < 256 ? 1 : 2;
        if (l == 1)
            v[i][0] = (uint8_t)nums[i];
        else if (l == 2)
            v[i][0] = (uint8_t)(nums[i] >> 8), v[i][1] = (uint8_t)nums[i];
        o[n++] = (eh_coap_option){numbers[i], v[i], l};
    }
    return n;
}

size_t serve_response(const serve_request *r, uint16_t mid, uint8_t code, int content_format,
                      int max_age, const uint8_t *payload, size_t len, uint8_t *out,
                      size_t cap)
{
    eh_coap_udp_hdr h = {.type = r->type == EH_COAP_CON ? EH_COAP_ACK : EH_COAP_NON,
                         .message_id = r->type == EH_COAP_CON ? r->message_id : mid,
                         .token = r->token,
                         .token_len = r->token_len};
    eh_coap_msg m;
    memset(&m, 0, sizeof m);
    m.code = code;
    uint8_t v[2][2];
    m.n_opts = response_options(content_format, max_age, v, m.opts);
    m.payload = payload;
    m.payload_len = len;
    size_t out_len = 0;
    if (eh_coap_udp_encode(&h, &m, out, cap, &out_len) != EH_OK)
        return 0;
    return out_len;
}

bool serve_message_1_peek(const uint8_t *p, size_t n, int *method, int *suite)
{
    eh_cbor_reader rd;
    if (n > 0 && p[0] == 0xf5)
        p++, n--;
    eh_cbor_reader_init(&rd, p, n);
    int64_t m, s = -1;
    size_t count;
    if (eh_cbor_read_int(&rd, &m) != EH_OK || m < 0 || m > 255)
        return false;
    if (eh_cbor_peek_major(&rd) == 4) {
        if (eh_cbor_read_array(&rd, &count) != EH_OK || count == 0 || count > 64)
            return false;
        for (size_t i = 0; i < count; i++)
            if (eh_cbor_read_int(&rd, &s) != EH_OK)
                return false;
    } else if (eh_cbor_read_int(&rd, &s) != EH_OK) {
        return false;
    }
    if (s < -65536 || s > 65535)
        return false;
    *method = (int)m;
    *suite = (int)s;
    return true;
}

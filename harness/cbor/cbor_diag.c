/*
 * cbor_diag.c - diagnostic notation (RFC 8949 §8) of a CBOR sequence.
 *
 * Prints whatever it is given, deterministic or not, so that a report can
 * show the bytes a peer actually sent. The walk is iterative with an
 * explicit stack of EH_CBOR_MAX_DEPTH frames, like the checker in cbor.c;
 * the head decoding is repeated here because diag needs the raw float bits
 * and must not reject non-shortest heads.
 */
#include "cbor.h"

#include <string.h>

#define BREAK_BYTE 0xff
#define AI_INDEFINITE 31

/* ---------------------------------------------------------------- output */

/* Bounded text output; `cut` once something did not fit. */
typedef struct diag_out {
    char *buf;
    size_t cap;
    size_t len;
    bool cut;
} diag_out;

static void out_char(diag_out *o, char c)
{
    if (o->cut)
        return;
    if (o->cap == 0 || o->len >= o->cap - 1) { /* keep room for the NUL */
        o->cut = true;
        return;
    }
    o->buf[o->len++] = c;
}

static void out_str(diag_out *o, const char *s)
{
    while (*s && !o->cut)
        out_char(o, *s++);
}

static void out_u64(diag_out *o, uint64_t v)
{
    char digits[20];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        out_char(o, digits[--n]);
}

static const char hex_digits[] = "0123456789abcdef";

static void out_hex_byte(diag_out *o, uint8_t b)
{
    out_char(o, hex_digits[b >> 4]);
    out_char(o, hex_digits[b & 0xf]);
}

/* Terminate; a cut output ends with "..." without splitting a UTF-8 sequence. */
static void out_finish(diag_out *o)
{
    if (o->cap == 0)
        return;
    if (o->cut) {
        size_t room = o->cap - 1;
        size_t dots = room < 3 ? room : 3;
        size_t at = o->len < room - dots ? o->len : room - dots;
        while (at > 0 && at < o->len && ((uint8_t)o->buf[at] & 0xc0) == 0x80)
            at--;
        memset(o->buf + at, '.', dots);
        o->len = at + dots;
    }
    o->buf[o->len] = '\0';
}

/* ------------------------------------------------------------ item heads */

typedef struct diag_head {
    uint64_t arg;
    size_t size;
    uint8_t major;
    uint8_t ai;
} diag_head;

/* Well-formedness of one head at buf[pos] (RFC 8949 §3); a break is
 * MALFORMED here, callers that accept one test for it first. */
static eh_err diag_decode_head(const uint8_t *buf, size_t len, size_t pos, diag_head *h)
{
    if (pos >= len)
        return EH_ERR_CBOR_TRUNCATED;
    h->major = (uint8_t)(buf[pos] >> 5);
    h->ai = (uint8_t)(buf[pos] & 0x1f);
    h->arg = h->ai;
    h->size = 1;
    if (h->ai >= 24 && h->ai <= 27) {
        size_t width = (size_t)1 << (h->ai - 24);
        if (width > len - pos - 1)
            return EH_ERR_CBOR_TRUNCATED;
        h->arg = 0;
        for (size_t i = 0; i < width; i++)
            h->arg = (h->arg << 8) | buf[pos + 1 + i];
        h->size = 1 + width;
        if (h->major == EH_CBOR_SIMPLE && h->ai == 24 && h->arg < 32)
            return EH_ERR_CBOR_MALFORMED;
    } else if (h->ai > 27 && h->ai < AI_INDEFINITE) {
        return EH_ERR_CBOR_MALFORMED;
    } else if (h->ai == AI_INDEFINITE &&
               (h->major < EH_CBOR_BSTR || h->major > EH_CBOR_MAP)) {
        return EH_ERR_CBOR_MALFORMED; /* break, or indefinite int/tag */
    }
    return EH_OK;
}

static bool diag_payload_fits(size_t len, size_t pos, const diag_head *h)
{
    return h->arg <= (uint64_t)(len - pos - h->size);
}

/* --------------------------------------------------------------- scalars */

static void print_negint(diag_out *o, uint64_t arg)
{
    out_char(o, '-');
    if (arg == UINT64_MAX)
        out_str(o, "18446744073709551616"); /* -1 - arg does not fit 64 bits */
    else
        out_u64(o, arg + 1);
}

static void print_bstr(diag_out *o, const uint8_t *data, size_t len)
{
    out_str(o, "h'");
    for (size_t i = 0; i < len && !o->cut; i++)
        out_hex_byte(o, data[i]);
    out_char(o, '\'');
}

/* The length of the well-formed UTF-8 sequence at p[0..n) (RFC 3629: no
 * overlong forms, no surrogates, at most U+10FFFF), 0 when there is none. */
static size_t utf8_sequence(const uint8_t *p, size_t n)
{
    uint8_t c = p[0];
    size_t len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
                 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len == 0 || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f) || /* overlong, surrogate */
        (c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f))   /* overlong, > U+10FFFF */
        return 0;
    return len;
}

/* JSON-style escapes; well-formed UTF-8 passes through unchanged, any other
 * byte >= 0x80 is written \xNN (the text is not valid CBOR then, RFC 8949
 * §5.3.1, and the transcript stays valid UTF-8). */
static void print_tstr(diag_out *o, const uint8_t *data, size_t len)
{
    out_char(o, '"');
    for (size_t i = 0; i < len && !o->cut; i++) {
        uint8_t c = data[i];
        if (c >= 0x80) {
            size_t k = utf8_sequence(data + i, len - i);
            if (k == 0) {
                out_str(o, "\\x");
                out_hex_byte(o, c);
                continue;
            }
            for (size_t j = 0; j < k; j++)
                out_char(o, (char)data[i + j]);
            i += k - 1;
        } else if (c == '"' || c == '\\') {
            out_char(o, '\\');
            out_char(o, (char)c);
        } else if (c == '\n') {
            out_str(o, "\\n");
        } else if (c == '\r') {
            out_str(o, "\\r");
        } else if (c == '\t') {
            out_str(o, "\\t");
        } else if (c < 0x20 || c == 0x7f) {
            out_str(o, "\\u00");
            out_hex_byte(o, c);
        } else {
            out_char(o, (char)c);
        }
    }
    out_char(o, '"');
}

static void print_string(diag_out *o, uint8_t major, const uint8_t *data, size_t len)
{
    if (major == EH_CBOR_BSTR)
        print_bstr(o, data, len);
    else
        print_tstr(o, data, len);
}

static void print_simple(diag_out *o, const diag_head *h)
{
    static const char *const float_names[] = { "float16(0x", "float32(0x", "float64(0x" };
    if (h->ai >= 25 && h->ai <= 27) {
        unsigned bytes = 1u << (h->ai - 24);
        out_str(o, float_names[h->ai - 25]);
        for (unsigned i = bytes; i-- > 0;)
            out_hex_byte(o, (uint8_t)(h->arg >> (8 * i)));
        out_char(o, ')');
        return;
    }
    switch (h->arg) {
    case EH_CBOR_FALSE: out_str(o, "false"); return;
    case EH_CBOR_TRUE: out_str(o, "true"); return;
    case EH_CBOR_NULL: out_str(o, "null"); return;
    case 23: out_str(o, "undefined"); return;
    default:
        out_str(o, "simple(");
        out_u64(o, h->arg);
        out_char(o, ')');
        return;
    }
}

/* ---------------------------------------------------------------- walker */

typedef struct diag_walk {
    const uint8_t *buf;
    size_t len;
    size_t pos;
    diag_out *out;
    const char *item_separator; /* printed before a top-level item once its
                                   head is known to be well-formed */
    size_t err_offset;
} diag_walk;

static eh_err diag_fail(diag_walk *d, eh_err err, size_t offset)
{
    d->err_offset = offset;
    return err;
}

/* `(_ h'01', h'02')` for an indefinite string whose head is at d->pos;
 * chunks must be definite strings of the same major type (§3.2.3). */
static eh_err diag_string_chunks(diag_walk *d, uint8_t major)
{
    d->pos++;
    if (d->pos < d->len && d->buf[d->pos] == BREAK_BYTE) {
        d->pos++;
        out_str(d->out, major == EH_CBOR_BSTR ? "''_" : "\"\"_");
        return EH_OK;
    }
    out_str(d->out, "(_ ");
    for (size_t chunks = 0;; chunks++) {
        if (d->pos >= d->len)
            return diag_fail(d, EH_ERR_CBOR_TRUNCATED, d->pos);
        if (d->buf[d->pos] == BREAK_BYTE) {
            d->pos++;
            out_char(d->out, ')');
            return EH_OK;
        }
        diag_head h;
        eh_err err = diag_decode_head(d->buf, d->len, d->pos, &h);
        if (err)
            return diag_fail(d, err, d->pos);
        if (h.major != major || h.ai == AI_INDEFINITE)
            return diag_fail(d, EH_ERR_CBOR_MALFORMED, d->pos);
        if (!diag_payload_fits(d->len, d->pos, &h))
            return diag_fail(d, EH_ERR_CBOR_TRUNCATED, d->pos);
        if (chunks)
            out_str(d->out, ", ");
        print_string(d->out, major, d->buf + d->pos + h.size, (size_t)h.arg);
        d->pos += h.size + (size_t)h.arg;
    }
}

enum diag_kind { DIAG_ARRAY, DIAG_MAP, DIAG_TAG };

typedef struct diag_frame {
    uint64_t left;   /* definite: items (array, tag) or entries (map) to come */
    uint64_t printed;
    uint8_t kind;
    bool indefinite;
    bool in_value;   /* map: the next item is a value */
} diag_frame;

static void diag_close(diag_out *o, const diag_frame *f)
{
    out_char(o, f->kind == DIAG_ARRAY ? ']' : f->kind == DIAG_MAP ? '}' : ')');
}

static void diag_separator(diag_out *o, const diag_frame *f)
{
    if (f->kind == DIAG_MAP && f->in_value)
        out_str(o, ": ");
    else if (f->kind != DIAG_TAG && f->printed > 0)
        out_str(o, ", ");
}

static void diag_item_done(diag_frame *f)
{
    if (!f)
        return;
    f->printed++;
    if (f->kind == DIAG_MAP) {
        f->in_value = !f->in_value;
        if (f->in_value)
            return;
    }
    if (!f->indefinite)
        f->left--;
}

/* Open a container whose head h is at d->pos. */
static void diag_open(diag_walk *d, diag_frame *f, const diag_head *h)
{
    bool indefinite = h->ai == AI_INDEFINITE;
    memset(f, 0, sizeof *f);
    f->indefinite = indefinite;
    if (h->major == EH_CBOR_TAG) {
        f->kind = DIAG_TAG;
        f->left = 1;
        out_u64(d->out, h->arg);
        out_char(d->out, '(');
    } else {
        f->kind = h->major == EH_CBOR_ARRAY ? DIAG_ARRAY : DIAG_MAP;
        f->left = h->arg;
        out_char(d->out, f->kind == DIAG_ARRAY ? '[' : '{');
        if (indefinite)
            out_str(d->out, "_ ");
    }
    d->pos += h->size;
}

/* Print one complete item starting at d->pos. Stops early once the output
 * is cut: the rest could not be shown anyway. */
static eh_err diag_item(diag_walk *d)
{
    diag_frame stack[EH_CBOR_MAX_DEPTH];
    size_t depth = 0;
    while (!d->out->cut) {
        diag_frame *top = depth ? &stack[depth - 1] : NULL;
        if (top) {
            bool ends = !top->indefinite && top->left == 0;
            if (top->indefinite && d->pos < d->len && d->buf[d->pos] == BREAK_BYTE) {
                if (top->kind == DIAG_MAP && top->in_value)
                    return diag_fail(d, EH_ERR_CBOR_MALFORMED, d->pos);
                d->pos++;
                ends = true;
            }
            if (ends) {
                diag_close(d->out, top);
                depth--;
                diag_item_done(depth ? &stack[depth - 1] : NULL);
                if (depth == 0)
                    return EH_OK;
                continue;
            }
        }

        size_t start = d->pos;
        diag_head h;
        eh_err err = diag_decode_head(d->buf, d->len, start, &h);
        if (err)
            return diag_fail(d, err, start);
        bool definite_string = (h.major == EH_CBOR_BSTR || h.major == EH_CBOR_TSTR) &&
                               h.ai != AI_INDEFINITE;
        if (definite_string && !diag_payload_fits(d->len, start, &h))
            return diag_fail(d, EH_ERR_CBOR_TRUNCATED, start);
        if (top)
            diag_separator(d->out, top);
        else
            out_str(d->out, d->item_separator);

        switch (h.major) {
        case EH_CBOR_UINT:
            out_u64(d->out, h.arg);
            d->pos += h.size;
            break;
        case EH_CBOR_NEGINT:
            print_negint(d->out, h.arg);
            d->pos += h.size;
            break;
        case EH_CBOR_BSTR:
        case EH_CBOR_TSTR:
            if (h.ai == AI_INDEFINITE) {
                err = diag_string_chunks(d, h.major);
                if (err)
                    return err;
                break;
            }
            print_string(d->out, h.major, d->buf + start + h.size, (size_t)h.arg);
            d->pos += h.size + (size_t)h.arg;
            break;
        case EH_CBOR_SIMPLE:
            print_simple(d->out, &h);
            d->pos += h.size;
            break;
        default: /* array, map, tag */
            if (depth == EH_CBOR_MAX_DEPTH)
                return diag_fail(d, EH_ERR_CBOR_DEPTH, start);
            diag_open(d, &stack[depth++], &h);
            continue;
        }
        diag_item_done(top);
        if (depth == 0)
            return EH_OK;
    }
    return EH_OK;
}

eh_err eh_cbor_diag(const uint8_t *buf, size_t len, char *out, size_t cap)
{
    diag_out o = { .buf = out, .cap = out ? cap : 0 };
    diag_walk d = { .buf = buf, .len = buf ? len : 0, .out = &o };
    eh_err err = EH_OK;
    for (size_t items = 0; d.pos < d.len && !o.cut; items++) {
        d.item_separator = items ? ", " : "";
        err = diag_item(&d);
        if (err)
            break;
    }
    if (err) {
        out_str(&o, o.len ? " <error at offset " : "<error at offset ");
        out_u64(&o, (uint64_t)d.err_offset);
        out_char(&o, '>');
    }
    out_finish(&o);
    if (err)
        return err;
    return o.cut ? EH_ERR_BUFFER_TOO_SMALL : EH_OK;
}

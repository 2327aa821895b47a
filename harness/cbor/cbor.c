/*
 * cbor.c - strict CBOR reader and sequence checker (see cbor.h); the writer
 * is in cbor_write.c, the diagnostic printer in cbor_diag.c.
 *
 * Every length is checked against what is left of the buffer before it is
 * used (`n > len - pos`, never `pos + n > len`, so nothing can wrap), and
 * nesting is walked with an explicit stack of EH_CBOR_MAX_DEPTH frames
 * instead of recursion.
 */
#include "cbor.h"

#include <string.h>

#define BREAK_BYTE 0xff
#define AI_INDEFINITE 31

/* ------------------------------------------------------------ item heads */

typedef struct cbor_head {
    uint64_t arg;  /* argument (0 for indefinite heads) */
    size_t size;   /* bytes of the head itself */
    uint8_t major;
    uint8_t ai;    /* additional information, 0..31 */
} cbor_head;

/*
 * Decode the head at buf[pos]. Checks only well-formedness of the head
 * (RFC 8949 §3): a break byte or an indefinite integer/tag is MALFORMED here
 * because callers that accept a break look for it before decoding.
 */
static eh_err decode_head(const uint8_t *buf, size_t len, size_t pos, cbor_head *h,
                          const char **what)
{
    if (pos >= len) {
        *what = "input ends where an item was expected";
        return EH_ERR_CBOR_TRUNCATED;
    }
    uint8_t initial = buf[pos];
    h->major = (uint8_t)(initial >> 5);
    h->ai = (uint8_t)(initial & 0x1f);
    h->arg = 0;
    h->size = 1;
    if (h->ai < 24) {
        h->arg = h->ai;
    } else if (h->ai <= 27) {
        size_t width = (size_t)1 << (h->ai - 24);
        if (width > len - pos - 1) {
            *what = "input ends inside an item head";
            return EH_ERR_CBOR_TRUNCATED;
        }
        for (size_t i = 0; i < width; i++)
            h->arg = (h->arg << 8) | buf[pos + 1 + i];
        h->size = 1 + width;
        if (h->major == EH_CBOR_SIMPLE && h->ai == 24 && h->arg < 32) {
            *what = "two-byte simple value below 32";
            return EH_ERR_CBOR_MALFORMED;
        }
    } else if (h->ai < AI_INDEFINITE) {
        *what = "reserved additional information (28..30)";
        return EH_ERR_CBOR_MALFORMED;
    } else if (h->major == EH_CBOR_SIMPLE) {
        *what = "break where an item was expected";
        return EH_ERR_CBOR_MALFORMED;
    } else if (h->major == EH_CBOR_UINT || h->major == EH_CBOR_NEGINT ||
               h->major == EH_CBOR_TAG) {
        *what = "indefinite length on an integer or tag";
        return EH_ERR_CBOR_MALFORMED;
    }
    return EH_OK;
}

static bool head_is_indefinite(const cbor_head *h)
{
    return h->ai == AI_INDEFINITE;
}

/* Floats are not judged: any float width counts as deterministic here. */
static bool head_is_shortest(const cbor_head *h)
{
    if (h->major == EH_CBOR_SIMPLE)
        return true;
    switch (h->ai) {
    case 24: return h->arg >= 24;
    case 25: return h->arg > 0xff;
    case 26: return h->arg > 0xffff;
    case 27: return h->arg > 0xffffffffu;
    default: return true;
    }
}

/* Payload bytes after a definite string head at pos: do they all exist? */
static bool payload_fits(size_t len, size_t pos, const cbor_head *h)
{
    return h->arg <= (uint64_t)(len - pos - h->size);
}

/* Bytewise lexicographic comparison of two encodings (RFC 8949 §4.2.1). */
static int compare_encodings(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    size_t common = alen < blen ? alen : blen;
    int c = common ? memcmp(a, b, common) : 0;
    if (c != 0)
        return c;
    return (alen > blen) - (alen < blen);
}

/* ---------------------------------------------------------------- reader */

void eh_cbor_reader_init(eh_cbor_reader *r, const uint8_t *buf, size_t len)
{
    r->buf = buf;
    r->len = buf ? len : 0;
    r->pos = 0;
    r->lenient = false;
    r->err = EH_OK;
    r->err_offset = 0;
}

bool eh_cbor_at_end(const eh_cbor_reader *r)
{
    return r->pos >= r->len;
}

int eh_cbor_peek_major(const eh_cbor_reader *r)
{
    if (r->pos >= r->len)
        return -1;
    return r->buf[r->pos] >> 5;
}

static eh_err reader_fail(eh_cbor_reader *r, eh_err err, size_t offset)
{
    r->err = err;
    r->err_offset = offset;
    return err;
}

#define MAJOR_BIT(m) (1u << (m))

/* Decode the head at r->pos and check it is one of `majors` and, in strict
 * mode, deterministic. Does not advance. */
static eh_err reader_head(eh_cbor_reader *r, unsigned majors, cbor_head *h)
{
    const char *what;
    eh_err err = decode_head(r->buf, r->len, r->pos, h, &what);
    if (err)
        return reader_fail(r, err, r->pos);
    if (!(majors & MAJOR_BIT(h->major)))
        return reader_fail(r, EH_ERR_CBOR_TYPE, r->pos);
    if (head_is_indefinite(h))
        return reader_fail(r, r->lenient ? EH_ERR_CBOR_MALFORMED : EH_ERR_CBOR_NONDETERMINISTIC,
                           r->pos);
    if (!r->lenient && !head_is_shortest(h))
        return reader_fail(r, EH_ERR_CBOR_NONDETERMINISTIC, r->pos);
    return EH_OK;
}

eh_err eh_cbor_read_int(eh_cbor_reader *r, int64_t *value)
{
    cbor_head h;
    eh_err err = reader_head(r, MAJOR_BIT(EH_CBOR_UINT) | MAJOR_BIT(EH_CBOR_NEGINT), &h);
    if (err)
        return err;
    if (h.arg > (uint64_t)INT64_MAX)
        return reader_fail(r, EH_ERR_CBOR_RANGE, r->pos);
    if (value)
        *value = h.major == EH_CBOR_UINT ? (int64_t)h.arg : -1 - (int64_t)h.arg;
    r->pos += h.size;
    return EH_OK;
}

eh_err eh_cbor_read_uint(eh_cbor_reader *r, uint64_t *value)
{
    cbor_head h;
    eh_err err = reader_head(r, MAJOR_BIT(EH_CBOR_UINT), &h);
    if (err)
        return err;
    if (value)
        *value = h.arg;
    r->pos += h.size;
    return EH_OK;
}

static eh_err read_string(eh_cbor_reader *r, int major, const uint8_t **data, size_t *len)
{
    cbor_head h;
    eh_err err = reader_head(r, MAJOR_BIT(major), &h);
    if (err)
        return err;
    if (!payload_fits(r->len, r->pos, &h))
        return reader_fail(r, EH_ERR_CBOR_TRUNCATED, r->pos);
    if (data)
        *data = r->buf + r->pos + h.size;
    if (len)
        *len = (size_t)h.arg;
    r->pos += h.size + (size_t)h.arg;
    return EH_OK;
}

eh_err eh_cbor_read_bstr(eh_cbor_reader *r, const uint8_t **data, size_t *len)
{
    return read_string(r, EH_CBOR_BSTR, data, len);
}

eh_err eh_cbor_read_tstr(eh_cbor_reader *r, const uint8_t **data, size_t *len)
{
    return read_string(r, EH_CBOR_TSTR, data, len);
}

/*
 * Every item takes at least one byte, so a count larger than the bytes left
 * is already known to be truncated; refusing it here also spares callers a
 * loop over a huge count.
 */
static eh_err read_container(eh_cbor_reader *r, int major, size_t *count)
{
    cbor_head h;
    eh_err err = reader_head(r, MAJOR_BIT(major), &h);
    if (err)
        return err;
    uint64_t left = (uint64_t)(r->len - r->pos - h.size);
    uint64_t needed_per_entry = major == EH_CBOR_MAP ? 2 : 1;
    if (h.arg > left / needed_per_entry)
        return reader_fail(r, EH_ERR_CBOR_TRUNCATED, r->pos);
    if (count)
        *count = (size_t)h.arg;
    r->pos += h.size;
    return EH_OK;
}

eh_err eh_cbor_read_array(eh_cbor_reader *r, size_t *count)
{
    return read_container(r, EH_CBOR_ARRAY, count);
}

eh_err eh_cbor_read_map(eh_cbor_reader *r, size_t *count)
{
    return read_container(r, EH_CBOR_MAP, count);
}

eh_err eh_cbor_read_tag(eh_cbor_reader *r, uint64_t *tag)
{
    cbor_head h;
    eh_err err = reader_head(r, MAJOR_BIT(EH_CBOR_TAG), &h);
    if (err)
        return err;
    if (tag)
        *tag = h.arg;
    r->pos += h.size;
    return EH_OK;
}

eh_err eh_cbor_read_simple(eh_cbor_reader *r, uint8_t *value)
{
    cbor_head h;
    eh_err err = reader_head(r, MAJOR_BIT(EH_CBOR_SIMPLE), &h);
    if (err)
        return err;
    if (h.ai > 24)
        return reader_fail(r, EH_ERR_CBOR_TYPE, r->pos); /* a float */
    if (value)
        *value = (uint8_t)h.arg;
    r->pos += h.size;
    return EH_OK;
}

/* ---------------------------------------------------------------- walker */

/*
 * One walker serves read_item (strict or lenient) and eh_cbor_check. The
 * modes differ only in what they do with a non-deterministic encoding:
 * strict stops with NONDETERMINISTIC, lenient ignores it (but refuses
 * indefinite lengths as MALFORMED), check notes the first one and goes on.
 */
enum walk_mode { WALK_STRICT, WALK_LENIENT, WALK_CHECK };

enum frame_kind { FRAME_ARRAY, FRAME_MAP, FRAME_TAG };

typedef struct walk_frame {
    uint64_t left;       /* definite: items (array, tag) or entries (map) to come */
    size_t key_start;    /* map: offset of the key being read */
    size_t prev_key;     /* map: offset and length of the previous key */
    size_t prev_key_len;
    uint8_t kind;
    bool indefinite;
    bool in_value;       /* map: the next item is a value */
    bool has_prev_key;
} walk_frame;

typedef struct walker {
    const uint8_t *buf;
    size_t len;
    size_t pos;
    enum walk_mode mode;
    /* the error that stopped the walk */
    size_t err_offset;
    const char *what;
    /* first non-deterministic encoding seen (check mode) */
    bool nondet_seen;
    size_t nondet_offset;
    const char *nondet_what;
} walker;

static eh_err walk_fail(walker *w, eh_err err, size_t offset, const char *what)
{
    w->err_offset = offset;
    w->what = what;
    return err;
}

/* A non-deterministic encoding at offset: EH_OK to go on, else the error. */
static eh_err walk_nondet(walker *w, size_t offset, const char *what)
{
    if (w->mode == WALK_LENIENT)
        return EH_OK;
    if (w->mode == WALK_STRICT)
        return walk_fail(w, EH_ERR_CBOR_NONDETERMINISTIC, offset, what);
    if (!w->nondet_seen) {
        w->nondet_seen = true;
        w->nondet_offset = offset;
        w->nondet_what = what;
    }
    return EH_OK;
}

static eh_err walk_indefinite(walker *w, size_t offset)
{
    if (w->mode == WALK_LENIENT)
        return walk_fail(w, EH_ERR_CBOR_MALFORMED, offset, "indefinite length");
    return walk_nondet(w, offset, "indefinite length");
}

static eh_err walk_head(walker *w, cbor_head *h)
{
    const char *what = NULL;
    eh_err err = decode_head(w->buf, w->len, w->pos, h, &what);
    if (err)
        return walk_fail(w, err, w->pos, what);
    if (!head_is_shortest(h))
        return walk_nondet(w, w->pos, "non-shortest head");
    return EH_OK;
}

/* Chunks of an indefinite string whose head is at w->pos (RFC 8949 §3.2.3). */
static eh_err walk_string_chunks(walker *w, uint8_t major)
{
    w->pos++;
    for (;;) {
        if (w->pos >= w->len)
            return walk_fail(w, EH_ERR_CBOR_TRUNCATED, w->pos,
                             "input ends inside an indefinite-length string");
        if (w->buf[w->pos] == BREAK_BYTE) {
            w->pos++;
            return EH_OK;
        }
        cbor_head h;
        eh_err err = walk_head(w, &h);
        if (err)
            return err;
        if (h.major != major || head_is_indefinite(&h))
            return walk_fail(w, EH_ERR_CBOR_MALFORMED, w->pos,
                             "indefinite-length string chunk is not a definite string "
                             "of the same type");
        if (!payload_fits(w->len, w->pos, &h))
            return walk_fail(w, EH_ERR_CBOR_TRUNCATED, w->pos, "input ends inside a string");
        w->pos += h.size + (size_t)h.arg;
    }
}

/* A map key ended at w->pos: compare it with the previous key of the map. */
static eh_err walk_map_key_done(walker *w, walk_frame *f)
{
    size_t key_len = w->pos - f->key_start;
    if (f->has_prev_key) {
        int order = compare_encodings(w->buf + f->prev_key, f->prev_key_len,
                                      w->buf + f->key_start, key_len);
        eh_err err = EH_OK;
        if (order == 0)
            err = walk_nondet(w, f->key_start, "duplicate map key");
        else if (order > 0)
            err = walk_nondet(w, f->key_start, "map keys not in bytewise lexicographic order");
        if (err)
            return err;
    }
    f->prev_key = f->key_start;
    f->prev_key_len = key_len;
    f->has_prev_key = true;
    return EH_OK;
}

/* An item inside frame f (NULL: top level) has been read completely. */
static eh_err walk_item_done(walker *w, walk_frame *f)
{
    if (!f)
        return EH_OK;
    if (f->kind == FRAME_MAP) {
        if (!f->in_value) {
            f->in_value = true;
            return walk_map_key_done(w, f);
        }
        f->in_value = false;
    }
    if (!f->indefinite)
        f->left--;
    return EH_OK;
}

/* Does the innermost container end here? Consumes its break byte. */
static eh_err walk_frame_ends(walker *w, const walk_frame *f, bool *ends)
{
    *ends = false;
    if (!f->indefinite) {
        *ends = f->left == 0;
        return EH_OK;
    }
    if (w->pos < w->len && w->buf[w->pos] == BREAK_BYTE) {
        if (f->kind == FRAME_MAP && f->in_value)
            return walk_fail(w, EH_ERR_CBOR_MALFORMED, w->pos, "break after a map key");
        w->pos++;
        *ends = true;
    }
    return EH_OK;
}

/* Walk one complete item starting at w->pos; w->pos ends after it. */
static eh_err walk_item(walker *w)
{
    walk_frame stack[EH_CBOR_MAX_DEPTH];
    size_t depth = 0;
    for (;;) {
        walk_frame *top = depth ? &stack[depth - 1] : NULL;
        eh_err err;
        if (top) {
            bool ends;
            err = walk_frame_ends(w, top, &ends);
            if (err)
                return err;
            if (ends) {
                depth--;
                err = walk_item_done(w, depth ? &stack[depth - 1] : NULL);
                if (err)
                    return err;
                if (depth == 0)
                    return EH_OK;
                continue;
            }
            if (top->kind == FRAME_MAP && !top->in_value)
                top->key_start = w->pos;
        }

        size_t start = w->pos;
        cbor_head h;
        err = walk_head(w, &h);
        if (err)
            return err;
        bool indefinite = head_is_indefinite(&h);
        if (indefinite) {
            err = walk_indefinite(w, start);
            if (err)
                return err;
        }

        if (h.major == EH_CBOR_ARRAY || h.major == EH_CBOR_MAP || h.major == EH_CBOR_TAG) {
            if (depth == EH_CBOR_MAX_DEPTH)
                return walk_fail(w, EH_ERR_CBOR_DEPTH, start, "nesting too deep");
            walk_frame *f = &stack[depth++];
            memset(f, 0, sizeof *f);
            f->kind = h.major == EH_CBOR_ARRAY ? FRAME_ARRAY
                      : h.major == EH_CBOR_MAP ? FRAME_MAP : FRAME_TAG;
            f->indefinite = indefinite;
            f->left = h.major == EH_CBOR_TAG ? 1 : h.arg;
            w->pos += h.size;
            continue;
        }

        if (indefinite) {
            err = walk_string_chunks(w, h.major);
        } else if (h.major == EH_CBOR_BSTR || h.major == EH_CBOR_TSTR) {
            if (!payload_fits(w->len, start, &h))
                return walk_fail(w, EH_ERR_CBOR_TRUNCATED, start, "input ends inside a string");
            w->pos += h.size + (size_t)h.arg;
        } else {
            w->pos += h.size;
        }
        if (!err)
            err = walk_item_done(w, top);
        if (err || depth == 0)
            return err;
    }
}

eh_err eh_cbor_read_item(eh_cbor_reader *r, const uint8_t **item, size_t *len)
{
    walker w = {
        .buf = r->buf,
        .len = r->len,
        .pos = r->pos,
        .mode = r->lenient ? WALK_LENIENT : WALK_STRICT,
    };
    eh_err err = walk_item(&w);
    if (err)
        return reader_fail(r, err, w.err_offset);
    if (item)
        *item = r->buf + r->pos;
    if (len)
        *len = w.pos - r->pos;
    r->pos = w.pos;
    return EH_OK;
}

/* ------------------------------------------------------------ validation */

eh_err eh_cbor_check(const uint8_t *buf, size_t len, eh_cbor_check_result *res)
{
    eh_cbor_check_result local;
    if (!res)
        res = &local;
    walker w = { .buf = buf, .len = buf ? len : 0, .mode = WALK_CHECK };
    res->items = 0;
    while (w.pos < w.len) {
        eh_err err = walk_item(&w);
        if (err) {
            res->err = err;
            res->offset = w.err_offset;
            res->what = w.what;
            return err;
        }
        res->items++;
    }
    if (w.nondet_seen) {
        res->err = EH_ERR_CBOR_NONDETERMINISTIC;
        res->offset = w.nondet_offset;
        res->what = w.nondet_what;
    } else {
        res->err = EH_OK;
        res->offset = 0;
        res->what = "well-formed and deterministic";
    }
    return res->err;
}

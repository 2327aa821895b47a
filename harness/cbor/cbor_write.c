/*
 * cbor_write.c - CBOR writer (see cbor.h): shortest-form writes, plus
 * deliberately chosen head widths and indefinite lengths for negative tests.
 *
 * `len` counts every byte asked for, even those that did not fit, so a
 * writer over (NULL, 0) measures an encoding exactly.
 */
#include "cbor.h"

#include <string.h>

#define BREAK_BYTE 0xff
#define AI_INDEFINITE 31

/* ---------------------------------------------------------------- writer */

void eh_cbor_writer_init(eh_cbor_writer *w, uint8_t *buf, size_t cap)
{
    w->buf = buf;
    w->cap = buf ? cap : 0;
    w->len = 0;
    w->overflow = false;
}

eh_err eh_cbor_writer_status(const eh_cbor_writer *w)
{
    return w->overflow ? EH_ERR_BUFFER_TOO_SMALL : EH_OK;
}

/* Count n bytes; copy the part that still fits so buf keeps a true prefix. */
static void put_bytes(eh_cbor_writer *w, const uint8_t *data, size_t n)
{
    size_t room = w->len < w->cap ? w->cap - w->len : 0;
    size_t copy = n < room ? n : room;
    if (copy)
        memcpy(w->buf + w->len, data, copy);
    if (copy < n)
        w->overflow = true;
    if (n > SIZE_MAX - w->len) {
        w->len = SIZE_MAX;
        w->overflow = true;
    } else {
        w->len += n;
    }
}

/* Head with a given argument width in bytes (0 = inside the initial byte). */
static size_t encode_head(uint8_t out[9], int major, uint64_t value, int width)
{
    uint8_t major_bits = (uint8_t)(major << 5);
    if (width == 0) {
        out[0] = (uint8_t)(major_bits | value);
        return 1;
    }
    int ai = width == 1 ? 24 : width == 2 ? 25 : width == 4 ? 26 : 27;
    out[0] = (uint8_t)(major_bits | ai);
    for (int i = 0; i < width; i++)
        out[1 + i] = (uint8_t)(value >> (8 * (width - 1 - i)));
    return 1 + (size_t)width;
}

static int shortest_width(uint64_t value)
{
    if (value < 24)
        return 0;
    if (value <= 0xff)
        return 1;
    if (value <= 0xffff)
        return 2;
    if (value <= 0xffffffffu)
        return 4;
    return 8;
}

size_t eh_cbor_head_size(uint64_t value)
{
    return 1 + (size_t)shortest_width(value);
}

static void write_head(eh_cbor_writer *w, int major, uint64_t value)
{
    uint8_t head[9];
    size_t n = encode_head(head, major, value, shortest_width(value));
    put_bytes(w, head, n);
}

void eh_cbor_write_uint(eh_cbor_writer *w, uint64_t value)
{
    write_head(w, EH_CBOR_UINT, value);
}

void eh_cbor_write_int(eh_cbor_writer *w, int64_t value)
{
    if (value >= 0)
        write_head(w, EH_CBOR_UINT, (uint64_t)value);
    else /* -1 - value, computed without signed overflow for INT64_MIN */
        write_head(w, EH_CBOR_NEGINT, ~(uint64_t)value);
}

void eh_cbor_write_bstr(eh_cbor_writer *w, const uint8_t *data, size_t len)
{
    write_head(w, EH_CBOR_BSTR, (uint64_t)len);
    put_bytes(w, data, len);
}

void eh_cbor_write_tstr(eh_cbor_writer *w, const char *data, size_t len)
{
    write_head(w, EH_CBOR_TSTR, (uint64_t)len);
    put_bytes(w, (const uint8_t *)data, len);
}

void eh_cbor_write_array(eh_cbor_writer *w, size_t count)
{
    write_head(w, EH_CBOR_ARRAY, (uint64_t)count);
}

void eh_cbor_write_map(eh_cbor_writer *w, size_t count)
{
    write_head(w, EH_CBOR_MAP, (uint64_t)count);
}

void eh_cbor_write_tag(eh_cbor_writer *w, uint64_t tag)
{
    write_head(w, EH_CBOR_TAG, tag);
}

/* Simple values 24..31 have no well-formed encoding (RFC 8949 §3.3): they
 * are refused like a write that does not fit. */
void eh_cbor_write_simple(eh_cbor_writer *w, uint8_t value)
{
    if (value >= 24 && value < 32) {
        w->overflow = true;
        return;
    }
    write_head(w, EH_CBOR_SIMPLE, value);
}

void eh_cbor_write_bool(eh_cbor_writer *w, bool value)
{
    eh_cbor_write_simple(w, value ? EH_CBOR_TRUE : EH_CBOR_FALSE);
}

void eh_cbor_write_raw(eh_cbor_writer *w, const uint8_t *data, size_t len)
{
    put_bytes(w, data, len);
}

void eh_cbor_write_head_width(eh_cbor_writer *w, int major, uint64_t value, int width)
{
    bool fits;
    switch (width) {
    case 0: fits = value < 24; break;
    case 1: fits = value <= 0xff; break;
    case 2: fits = value <= 0xffff; break;
    case 4: fits = value <= 0xffffffffu; break;
    case 8: fits = true; break;
    default: fits = false; break;
    }
    if (!fits || major < 0 || major > 7) {
        w->overflow = true;
        return;
    }
    uint8_t head[9];
    size_t n = encode_head(head, major, value, width);
    put_bytes(w, head, n);
}

void eh_cbor_write_indefinite(eh_cbor_writer *w, int major)
{
    if (major < EH_CBOR_BSTR || major > EH_CBOR_MAP) {
        w->overflow = true;
        return;
    }
    uint8_t head = (uint8_t)(major << 5 | AI_INDEFINITE);
    put_bytes(w, &head, 1);
}

void eh_cbor_write_break(eh_cbor_writer *w)
{
    uint8_t brk = BREAK_BYTE;
    put_bytes(w, &brk, 1);
}

/* RFC 8949 §4.2.1: bytewise lexicographic order of the encoded keys. */
static int key_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    return c != 0 ? c : (alen > blen) - (alen < blen);
}

eh_err eh_cbor_map_insert(const uint8_t *map, size_t len, const uint8_t *entry, size_t elen,
                          uint8_t *out, size_t cap, size_t *out_len)
{
    eh_cbor_reader r;
    const uint8_t *ekey, *evalue, *key, *value;
    size_t ekey_len, evalue_len, key_len, value_len, count;
    eh_err e;
    eh_cbor_reader_init(&r, entry, elen);
    if ((e = eh_cbor_read_item(&r, &ekey, &ekey_len)) != EH_OK ||
        (e = eh_cbor_read_item(&r, &evalue, &evalue_len)) != EH_OK)
        return e;
    if (!eh_cbor_at_end(&r))
        return EH_ERR_CBOR_TYPE;
    eh_cbor_reader_init(&r, map, len);
    if ((e = eh_cbor_read_map(&r, &count)) != EH_OK)
        return e;
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, out, cap);
    eh_cbor_write_map(&w, count + 1);
    bool placed = false;
    for (size_t i = 0; i < count; i++) {
        if ((e = eh_cbor_read_item(&r, &key, &key_len)) != EH_OK ||
            (e = eh_cbor_read_item(&r, &value, &value_len)) != EH_OK)
            return e;
        int c = key_cmp(ekey, ekey_len, key, key_len);
        if (c == 0)
            return EH_ERR_ARG;
        if (c < 0 && !placed) {
            eh_cbor_write_raw(&w, entry, elen);
            placed = true;
        }
        eh_cbor_write_raw(&w, key, key_len);
        eh_cbor_write_raw(&w, value, value_len);
    }
    if (!eh_cbor_at_end(&r))
        return EH_ERR_CBOR_TYPE;
    if (!placed)
        eh_cbor_write_raw(&w, entry, elen);
    if ((e = eh_cbor_writer_status(&w)) != EH_OK)
        return e;
    *out_len = w.len;
    return EH_OK;
}

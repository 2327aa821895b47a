/*
 * cbor.h - strict CBOR (RFC 8949) reader and writer for the EDHOC/COSE subset,
 * plus a diagnostic-notation printer.
 *
 * Why our own codec: a conformance tool must *see* encodings that general
 * libraries silently normalise (non-shortest heads, indefinite lengths,
 * unsorted map keys) and report each with its byte offset, and it must be
 * able to *write* such encodings on purpose for negative tests. Existing
 * Debian CBOR libraries (libcbor, tinycbor) either accept and normalise or
 * reject without offsets. The subset is small: ints, bstr, tstr, arrays,
 * maps, tags (skipped/printed only), simple values.
 *
 * No allocation anywhere. Reader and writer are cursors over caller-owned
 * buffers; neither keeps a pointer beyond the buffer it was given.
 */
#ifndef EH_CBOR_H
#define EH_CBOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/eh_err.h"

/* Major types (RFC 8949 §3.1). */
enum {
    EH_CBOR_UINT = 0,
    EH_CBOR_NEGINT = 1,
    EH_CBOR_BSTR = 2,
    EH_CBOR_TSTR = 3,
    EH_CBOR_ARRAY = 4,
    EH_CBOR_MAP = 5,
    EH_CBOR_TAG = 6,
    EH_CBOR_SIMPLE = 7 /* simple values and floats */
};

/* Simple values. */
enum { EH_CBOR_FALSE = 20, EH_CBOR_TRUE = 21, EH_CBOR_NULL = 22 };

/* Maximum nesting depth accepted by skip/check/diag. */
#define EH_CBOR_MAX_DEPTH 16

/* ---------------------------------------------------------------- reader */

typedef struct eh_cbor_reader {
    const uint8_t *buf;
    size_t len;
    size_t pos;           /* offset of the next unread byte */
    bool lenient;         /* accept non-shortest heads and unsorted map keys */
    /* Set on failure of any read: offset of the item's first byte and the
     * error. A failed read leaves `pos` unchanged. */
    eh_err err;
    size_t err_offset;
} eh_cbor_reader;

/* Initialise a strict reader over buf[0..len). buf may be NULL if len is 0. */
void eh_cbor_reader_init(eh_cbor_reader *r, const uint8_t *buf, size_t len);

/* True when every byte has been consumed. */
bool eh_cbor_at_end(const eh_cbor_reader *r);

/* Major type (EH_CBOR_*) of the next item, or -1 at end of input. */
int eh_cbor_peek_major(const eh_cbor_reader *r);

/*
 * Typed reads. Each reads one item head (and for strings the payload),
 * advances `pos` past it and returns EH_OK; or returns an error without
 * advancing:
 *   EH_ERR_CBOR_TRUNCATED        input ends inside the item
 *   EH_ERR_CBOR_TYPE             next item has another major type
 *   EH_ERR_CBOR_NONDETERMINISTIC (strict mode) non-shortest head or
 *                                indefinite length
 *   EH_ERR_CBOR_MALFORMED        reserved additional info (28..30), or an
 *                                indefinite length where none is allowed
 *   EH_ERR_CBOR_RANGE            integer outside int64_t
 * Indefinite-length items are never decoded by these calls (they are
 * reported as NONDETERMINISTIC in strict mode, MALFORMED in lenient mode);
 * eh_cbor_check() walks them.
 */
eh_err eh_cbor_read_int(eh_cbor_reader *r, int64_t *value);   /* major 0 or 1 */
eh_err eh_cbor_read_uint(eh_cbor_reader *r, uint64_t *value); /* major 0 */
/* *data points into the reader's buffer. */
eh_err eh_cbor_read_bstr(eh_cbor_reader *r, const uint8_t **data, size_t *len);
eh_err eh_cbor_read_tstr(eh_cbor_reader *r, const uint8_t **data, size_t *len);
/* Reads only the head; the caller then reads *count items (2*count for maps). */
eh_err eh_cbor_read_array(eh_cbor_reader *r, size_t *count);
eh_err eh_cbor_read_map(eh_cbor_reader *r, size_t *count);
eh_err eh_cbor_read_tag(eh_cbor_reader *r, uint64_t *tag);
/* Simple value 0..255 (true = 21, false = 20, null = 22). Floats: TYPE. */
eh_err eh_cbor_read_simple(eh_cbor_reader *r, uint8_t *value);

/*
 * Read one complete data item of any type (nested up to EH_CBOR_MAX_DEPTH)
 * and return its raw encoded bytes (pointing into the buffer). In strict mode
 * also enforces deterministic encoding inside the item, including the
 * bytewise-lexicographic order of map keys (RFC 8949 §4.2.1).
 */
eh_err eh_cbor_read_item(eh_cbor_reader *r, const uint8_t **item, size_t *len);

/* ------------------------------------------------------------ validation */

/* What eh_cbor_check found: the first problem and where it is. */
typedef struct eh_cbor_check_result {
    eh_err err;     /* EH_OK, or the first error found */
    size_t offset;  /* byte offset of that problem */
    const char *what; /* static text, e.g. "non-shortest integer head" */
    size_t items;   /* number of top-level items read */
} eh_cbor_check_result;

/*
 * Walk buf as a CBOR sequence (zero or more items), accepting indefinite
 * lengths and non-shortest forms, and report the first ill-formedness
 * (TRUNCATED / MALFORMED / DEPTH, which stop the walk) or else the first
 * non-deterministic encoding (NONDETERMINISTIC: non-shortest head,
 * indefinite length, unsorted or duplicate map keys). Never reads outside
 * buf. Returns res->err.
 */
eh_err eh_cbor_check(const uint8_t *buf, size_t len, eh_cbor_check_result *res);

/* ---------------------------------------------------------------- writer */

typedef struct eh_cbor_writer {
    uint8_t *buf;
    size_t cap;
    size_t len;    /* bytes written, or that would have been written */
    bool overflow; /* sticky: some write did not fit; buf holds a prefix */
} eh_cbor_writer;

/* buf may be NULL with cap 0: the writer then only counts bytes. */
void eh_cbor_writer_init(eh_cbor_writer *w, uint8_t *buf, size_t cap);
/* EH_OK, or EH_ERR_BUFFER_TOO_SMALL if any write overflowed. */
eh_err eh_cbor_writer_status(const eh_cbor_writer *w);

/* Deterministic (shortest-form) writes. */
void eh_cbor_write_uint(eh_cbor_writer *w, uint64_t value);
void eh_cbor_write_int(eh_cbor_writer *w, int64_t value);
void eh_cbor_write_bstr(eh_cbor_writer *w, const uint8_t *data, size_t len);
void eh_cbor_write_tstr(eh_cbor_writer *w, const char *data, size_t len);
void eh_cbor_write_array(eh_cbor_writer *w, size_t count);
void eh_cbor_write_map(eh_cbor_writer *w, size_t count);
void eh_cbor_write_tag(eh_cbor_writer *w, uint64_t tag);
void eh_cbor_write_simple(eh_cbor_writer *w, uint8_t value);
void eh_cbor_write_bool(eh_cbor_writer *w, bool value);
/* Copy already-encoded bytes (an item or a sequence) verbatim. */
void eh_cbor_write_raw(eh_cbor_writer *w, const uint8_t *data, size_t len);

/*
 * Deliberately chosen head width, for negative tests: writes major type
 * `major` with argument `value` using `width` argument bytes (0 = in the
 * initial byte, or 1, 2, 4, 8), even when a shorter form exists. If value
 * does not fit the width, nothing is written and the writer is marked
 * overflowed.
 */
void eh_cbor_write_head_width(eh_cbor_writer *w, int major, uint64_t value, int width);
/* Indefinite-length head (major 2..5) and the break byte 0xff. */
void eh_cbor_write_indefinite(eh_cbor_writer *w, int major);
void eh_cbor_write_break(eh_cbor_writer *w);

/* Number of bytes of the deterministic encoding of a head with this value. */
size_t eh_cbor_head_size(uint64_t value);

/*
 * Copy the definite-length map `map` (len bytes, one item) to out with one
 * more entry (`entry`: its key item then its value item, elen bytes) placed
 * in the bytewise-lexicographic order of the encoded keys (RFC 8949
 * §4.2.1); *out_len its length. EH_OK; the reader's error when map or
 * entry is not well-formed deterministic CBOR, EH_ERR_CBOR_TYPE when map is
 * no map or entry not exactly two items, EH_ERR_ARG when map already has
 * that key, EH_ERR_BUFFER_TOO_SMALL when out (cap bytes) cannot hold it.
 */
eh_err eh_cbor_map_insert(const uint8_t *map, size_t len, const uint8_t *entry, size_t elen,
                          uint8_t *out, size_t cap, size_t *out_len);

/* ------------------------------------------------------------ diagnostic */

/*
 * Print buf as a CBOR sequence in diagnostic notation (RFC 8949 §8), items
 * separated by ", ": e.g. `3, [6, 2], h'8af6…', 55`. Byte strings in hex
 * (h'..'), text strings quoted with JSON-style escapes, indefinite items
 * with `_`, simple values as true/false/null/undefined/simple(N), floats by
 * their bits (`float16(0x3c00)` style). Output is always NUL-terminated when
 * cap > 0; if it does not fit it is cut and ends with "...".
 * Returns EH_OK, EH_ERR_BUFFER_TOO_SMALL (cut), or the error of the first
 * ill-formed item (what was printed so far is kept, followed by
 * " <error at offset N>").
 */
eh_err eh_cbor_diag(const uint8_t *buf, size_t len, char *out, size_t cap);

#endif

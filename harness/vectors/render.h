/*
 * render.h - a vector file (vectors/README.md) as a spec presents a trace:
 * RFC 9529's layout of labelled value blocks, one section per message.
 *
 * A block is an optional description line, then "NAME (KIND) (N bytes)"
 * with KIND "Raw Value", "CBOR Data Item" or "CBOR Sequence" and "1 byte"
 * for one, then the bytes as lower-case hex pairs, 23 to a line (RFC 9529
 * §1.2 conventions). Messages, PLAINTEXTs, info and context structures are
 * followed by their CBOR diagnostic notation (RFC 8949 §8). The sections
 * and the order within them are RFC 9529's (Sections 2 and 3): the first,
 * rejected message_1 and the error when the file has them, message_1 to
 * message_4, PRK_out and PRK_exporter, OSCORE parameters, Key Update; in
 * message_3, PRK_4e3m comes before TH_3 when the Initiator signs and after
 * it when it authenticates with static DH (SALT_4e3m needs TH_3). Values
 * the RFC does not show (a raw C_R of an int-encoded identifier, G_XY, ...)
 * are shown where they are computed; keys outside the table follow in a
 * last section, and a negative vector's invalid message in its own.
 */
#ifndef EH_VECTORS_RENDER_H
#define EH_VECTORS_RENDER_H

#include <stdio.h>

#include "vector_file.h"

typedef enum render_format {
    RENDER_RFC9529 = 0, /* plain text, RFC 9529's layout */
    RENDER_MARKDOWN,    /* the same, sections as headings, blocks in ~~~~ fences */
    RENDER_JSON         /* {"sections": [{"title", "blocks": [{"description", "name",
                         * "kind", "length", "hex", "diagnostic"}]}]} */
} render_format;

/* Write vf to out in fmt. 0, or 1 when out fails (a write error). */
int vector_render(const vfile *vf, render_format fmt, FILE *out);

#endif

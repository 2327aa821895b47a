/*
 * ead_arg.h - the EAD item options of `peer` and `vectors generate`
 * (--ead-1 .. --ead-4): one argument, one EAD item (RFC 9528 §3.8).
 */
#ifndef EH_CLI_EAD_ARG_H
#define EH_CLI_EAD_ARG_H

#include <stddef.h>
#include <stdint.h>

/* The largest EAD value one argument gives (bytes). */
#define EAD_ARG_MAX_VALUE 16000

/*
 * Append the EAD item `arg` describes to buf[*len..cap), as CBOR (ead_label
 * : int, ? ead_value : bstr): LABEL (-65536..65535), LABEL:HEX, or
 * LABEL:HEX*COUNT, HEX (at most 64 bytes) repeated COUNT times (`0:00*8200`:
 * a padding item of 8200 bytes, long enough for RFC 9528 Appendix G in
 * EAD_2). 0, or -1 (nothing appended) for a malformed argument or one that
 * does not fit.
 */
int ead_arg_append(uint8_t *buf, size_t cap, size_t *len, const char *arg);

#endif

/*
 * hex.h - lower-case hex text <-> bytes, for vector files, options and
 * reports. No allocation.
 */
#ifndef EH_HEX_H
#define EH_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Value of one hex digit (either case), or -1. */
int eh_hex_digit(char c);

/* True when s is an even number of hex digits (the empty string too). */
bool eh_hex_valid(const char *s);

/* Decode the hex string s (even length, digits only) into out. Returns 0,
 * or -1 when s is not valid hex or needs more than cap bytes (*len is the
 * decoded length on success). */
int eh_hex_decode(const char *s, uint8_t *out, size_t cap, size_t *len);

/* Write 2 * n lower-case digits and a NUL into out (2 * n + 1 bytes). */
void eh_hex_encode(const uint8_t *in, size_t n, char *out);

#endif

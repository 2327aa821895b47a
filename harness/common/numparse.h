/*
 * numparse.h - strict decimal numbers for command-line options.
 *
 * strtol/strtoul accept what an option must not: an empty string, leading
 * blanks, a sign on an unsigned value ("-1" is ULONG_MAX), and a value
 * that does not fit, which a cast to int then wraps ("4294967297" is 1).
 * These take only [+|-]digits for signed, digits for unsigned, within
 * [min, max], and report anything else as an error.
 */
#ifndef EH_COMMON_NUMPARSE_H
#define EH_COMMON_NUMPARSE_H

/* 0 with *out set, or -1 (out untouched): not a decimal integer, or
 * outside [min, max]. */
int eh_parse_long(const char *s, long min, long max, long *out);
int eh_parse_int(const char *s, int min, int max, int *out);
/* Digits only (no sign), at most max. */
int eh_parse_ulong(const char *s, unsigned long max, unsigned long *out);

#endif

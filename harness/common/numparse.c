/* numparse.c - see numparse.h. */
#include "numparse.h"

#include <errno.h>
#include <stdlib.h>

int eh_parse_long(const char *s, long min, long max, long *out)
{
    const char *d = s && (*s == '-' || *s == '+') ? s + 1 : s;
    if (d == NULL || *d < '0' || *d > '9')
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*end != 0 || errno == ERANGE || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int eh_parse_int(const char *s, int min, int max, int *out)
{
    long v;
    if (eh_parse_long(s, min, max, &v) != 0)
        return -1;
    *out = (int)v;
    return 0;
}

int eh_parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (*end != 0 || errno == ERANGE || v > max)
        return -1;
    *out = v;
    return 0;
}

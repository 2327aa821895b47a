/* ead_arg.c - see ead_arg.h. */
#include "ead_arg.h"

#include <stdlib.h>
#include <string.h>

#include "../cbor/cbor.h"
#include "../common/hex.h"

/* HEX or HEX*COUNT into val[0..cap); 0 or -1. */
static int value_parse(const char *v, uint8_t *val, size_t cap, size_t *val_len)
{
    const char *star = strchr(v, '*');
    if (star == NULL)
        return eh_hex_decode(v, val, cap, val_len) ? -1 : 0;
    char hex[129], *end;
    uint8_t unit[64];
    size_t unit_len = 0;
    if ((size_t)(star - v) >= sizeof hex || star[1] < '0' || star[1] > '9')
        return -1;
    unsigned long count = strtoul(star + 1, &end, 10);
    memcpy(hex, v, (size_t)(star - v));
    hex[star - v] = 0;
    if (*end != 0 || count > cap || eh_hex_decode(hex, unit, sizeof unit, &unit_len) ||
        unit_len * count > cap)
        return -1;
    for (unsigned long i = 0; i < count; i++)
        memcpy(val + i * unit_len, unit, unit_len);
    *val_len = unit_len * count;
    return 0;
}

int ead_arg_append(uint8_t *buf, size_t cap, size_t *len, const char *arg)
{
    static uint8_t val[EAD_ARG_MAX_VALUE]; /* single-threaded option parsing */
    char *end;
    size_t val_len = 0;
    long label = strtol(arg, &end, 10);
    if (end == arg || (*end != 0 && *end != ':') || label < -65536 || label > 65535 ||
        *len > cap)
        return -1;
    if (*end == ':' && value_parse(end + 1, val, sizeof val, &val_len) != 0)
        return -1;
    eh_cbor_writer w;
    eh_cbor_writer_init(&w, buf + *len, cap - *len);
    eh_cbor_write_int(&w, label);
    if (*end == ':')
        eh_cbor_write_bstr(&w, val, val_len);
    if (eh_cbor_writer_status(&w) != EH_OK)
        return -1;
    *len += w.len;
    return 0;
}

#include "hex.h"

#include <string.h>

int eh_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool eh_hex_valid(const char *s)
{
    size_t n = strlen(s);
    if (n % 2 != 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (eh_hex_digit(s[i]) < 0)
            return false;
    return true;
}

int eh_hex_decode(const char *s, uint8_t *out, size_t cap, size_t *len)
{
    size_t n = strlen(s);
    if (!eh_hex_valid(s) || n / 2 > cap)
        return -1;
    for (size_t i = 0; i < n / 2; i++)
        out[i] = (uint8_t)(eh_hex_digit(s[2 * i]) << 4 | eh_hex_digit(s[2 * i + 1]));
    *len = n / 2;
    return 0;
}

void eh_hex_encode(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = 0;
}

/*
 * coap_guard.c - the guard's view of a CoAP-over-UDP datagram (RFC 7252
 * §3), for the receive filters of coap.c and coap_server.c (see coap.c,
 * top): parsed by us before libcoap sees it.
 */
#include <string.h>

#include "coap_internal.h"

/* Critical options libcoap 4.3.1 knows (coap_option_check_critical: its
 * built-in ones) and the two the harness registers. */
static bool critical_known(unsigned num)
{
    static const unsigned known[] = {COAP_OPTION_IF_MATCH,    COAP_OPTION_URI_HOST,
                                     COAP_OPTION_IF_NONE_MATCH, COAP_OPTION_URI_PORT,
                                     COAP_OPTION_URI_PATH,    COAP_OPTION_URI_QUERY,
                                     COAP_OPTION_ACCEPT,      COAP_OPTION_PROXY_URI,
                                     COAP_OPTION_PROXY_SCHEME, COAP_OPTION_BLOCK2,
                                     COAP_OPTION_BLOCK1,      TR_OPTION_OSCORE,
                                     TR_OPTION_EDHOC};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (known[i] == num)
            return true;
    return false;
}

/* One option header's delta or length nibble with its extension bytes. */
static bool peek_ext(const uint8_t *d, size_t n, size_t *i, unsigned nibble, unsigned *out)
{
    if (nibble < 13) {
        *out = nibble;
    } else if (nibble == 13 && *i + 1 <= n) {
        *out = d[*i] + 13u, *i += 1;
    } else if (nibble == 14 && *i + 2 <= n) {
        *out = ((unsigned)d[*i] << 8 | d[*i + 1]) + 269u, *i += 2;
    } else {
        return false;
    }
    return true;
}

static uint64_t peek_uint(const uint8_t *v, unsigned len)
{
    uint64_t x = 0;
    for (unsigned k = 0; k < len && k < 8; k++)
        x = x << 8 | v[k];
    return x;
}

bool tr_coap__not_coap_at_all(const uint8_t *d, size_t n)
{
    return n < 4 || d[0] >> 6 != 1;
}

bool tr_coap__peek_parse(const uint8_t *d, size_t n, tr_coap__peek *p)
{
    memset(p, 0, sizeof *p);
    if (n < 4 || d[0] >> 6 != 1 || (d[0] & 0x0f) > 8 || n < 4u + (d[0] & 0x0f))
        return false;
    p->code = d[1];
    size_t i = 4u + (d[0] & 0x0f);
    unsigned num = 0;
    while (i < n) {
        uint8_t h = d[i++];
        if (h == 0xff) {
            if (i == n)
                return false; /* a payload marker without a payload */
            p->payload_len = n - i;
            return true;
        }
        unsigned delta, len;
        if (!peek_ext(d, n, &i, h >> 4, &delta) || !peek_ext(d, n, &i, h & 0x0f, &len) ||
            len > n - i)
            return false;
        num += delta;
        if (num == COAP_OPTION_BLOCK1 && len <= 3)
            p->block1 = true, p->block1_value = (uint32_t)peek_uint(d + i, len);
        else if (num == COAP_OPTION_BLOCK2 && len <= 3)
            p->block2 = true, p->block2_value = (uint32_t)peek_uint(d + i, len);
        else if (num == COAP_OPTION_SIZE1 && len <= 4)
            p->size1 = true, p->size1_value = peek_uint(d + i, len);
        else if (num == COAP_OPTION_SIZE2 && len <= 4)
            p->size2 = true, p->size2_value = peek_uint(d + i, len);
        else if ((num & 1) && !critical_known(num) && p->unknown_critical == 0)
            p->unknown_critical = num;
        i += len;
    }
    return true;
}

uint64_t tr_coap__block_end(uint32_t block_value, size_t payload_len)
{
    unsigned szx = block_value & 7;
    return (uint64_t)(block_value >> 4) * ((uint64_t)16 << (szx == 7 ? 6 : szx)) + payload_len;
}

/* fuzz_cbor.c - the strict CBOR reader (eh_cbor_check walks every item of a
 * CBOR sequence) and the diagnostic-notation printer, on any bytes. The
 * printer's output goes into transcripts and reports: it must be valid
 * UTF-8 whatever the input (checked here with a decoder of its own). */
#include <stdlib.h>
#include <string.h>

#include "../cbor/cbor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* RFC 3629 well-formedness, written as a table-free decoder. */
static int valid_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i], need;
        unsigned long cp, min;
        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xe0) == 0xc0)
            need = 1, cp = c & 0x1f, min = 0x80;
        else if ((c & 0xf0) == 0xe0)
            need = 2, cp = c & 0x0f, min = 0x800;
        else if ((c & 0xf8) == 0xf0)
            need = 3, cp = c & 0x07, min = 0x10000;
        else
            return 0;
        if (i + need >= n)
            return 0;
        for (unsigned k = 1; k <= need; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += need + 1;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    eh_cbor_check_result res;
    char diag[4096];
    (void)eh_cbor_check(data, size, &res);
    /* what went wrong is printed too ("<error at offset N>"): always checked */
    diag[0] = 0;
    (void)eh_cbor_diag(data, size, diag, sizeof diag);
    if (memchr(diag, 0, sizeof diag) == NULL || !valid_utf8((const unsigned char *)diag, strlen(diag)))
        abort();
    return 0;
}

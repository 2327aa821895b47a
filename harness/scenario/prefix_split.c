/* prefix_split.c - see prefix_split.h. */
#include "prefix_split.h"

#include <string.h>

#include "../cbor/cbor.h"

bool sc_prefix_split(const uint8_t *p, size_t n, const uint8_t *own_c_r, size_t k,
                     sc_split *out)
{
    memset(out, 0, sizeof *out);
    if (n > 0 && p[0] == 0xf5) {
        out->kind = "message_1", out->msg_offset = 1;
        return true;
    }
    /* our C_R, then message_3 (a bstr) or an error (an int) */
    if (k > 0 && n > k && memcmp(p, own_c_r, k) == 0) {
        int major = p[k] >> 5;
        out->msg_offset = k;
        out->kind = major == EH_CBOR_BSTR ? "message_3" : "error";
        return true;
    }
    /* Another identifier (e.g. an Initiator that could not decrypt
     * PLAINTEXT_2 and so took a garbage C_R, or one that encodes it
     * wrongly) followed by an error message (an int) or a message_3 (a
     * bstr). A bare message_1 is METHOD (int), SUITES_I (int or array),
     * G_X (bstr), ...: so a bstr first item is a prefix before message_3
     * or an error; an int first item is a prefix before a bstr (message_3),
     * or before an int (ERR_CODE) unless a bstr (G_X) follows that. */
    eh_cbor_reader r;
    eh_cbor_reader_init(&r, p, n);
    r.lenient = true;
    const uint8_t *item;
    size_t len;
    int first = eh_cbor_peek_major(&r);
    bool first_int = first == EH_CBOR_UINT || first == EH_CBOR_NEGINT;
    if ((first == EH_CBOR_BSTR || first_int) && eh_cbor_read_item(&r, &item, &len) == EH_OK &&
        !eh_cbor_at_end(&r)) {
        int major = eh_cbor_peek_major(&r);
        bool then_int = major == EH_CBOR_UINT || major == EH_CBOR_NEGINT;
        if (then_int && first_int) {
            eh_cbor_reader third = r;
            if (eh_cbor_read_item(&third, &item, &len) != EH_OK ||
                (!eh_cbor_at_end(&third) && eh_cbor_peek_major(&third) == EH_CBOR_BSTR))
                then_int = false; /* METHOD, SUITES_I, G_X: a bare message_1 */
        }
        if (major == EH_CBOR_BSTR || then_int) {
            out->msg_offset = r.pos;
            out->kind = major == EH_CBOR_BSTR ? "message_3" : "error";
            out->foreign_prefix = true;
            return true;
        }
    }
    return false;
}

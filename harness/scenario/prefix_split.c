/* prefix_split.c - see prefix_split.h. */
#include "prefix_split.h"

#include <string.h>

#include "../cbor/cbor.h"

bool sc_looks_like_message_1(const uint8_t *p, size_t n)
{
    eh_cbor_reader r;
    const uint8_t *item;
    size_t len;
    eh_cbor_reader_init(&r, p, n);
    r.lenient = true;
    int m = eh_cbor_peek_major(&r);
    if ((m != EH_CBOR_UINT && m != EH_CBOR_NEGINT) || eh_cbor_read_item(&r, &item, &len) != EH_OK)
        return false;
    m = eh_cbor_peek_major(&r);
    if ((m != EH_CBOR_UINT && m != EH_CBOR_NEGINT && m != EH_CBOR_ARRAY) ||
        eh_cbor_read_item(&r, &item, &len) != EH_OK)
        return false;
    return !eh_cbor_at_end(&r) && eh_cbor_peek_major(&r) == EH_CBOR_BSTR;
}

bool sc_prefix_split(const uint8_t *p, size_t n, const uint8_t *own_c_r, size_t k,
                     sc_split *out)
{
    memset(out, 0, sizeof *out);
    if (n > 0 && p[0] == 0xf5) {
        out->kind = "message_1", out->msg_offset = 1;
        return true;
    }
    if (sc_looks_like_message_1(p, n))
        return false; /* a bare message_1 */
    /* One CBOR item in the prefix's place. A message_1 after it (METHOD,
     * SUITES_I, G_X: never the start of message_3 or of an error message)
     * has a prefix other than true, e.g. false or C_I. */
    eh_cbor_reader r;
    eh_cbor_reader_init(&r, p, n);
    r.lenient = true;
    const uint8_t *item;
    size_t len;
    if (eh_cbor_read_item(&r, &item, &len) != EH_OK || eh_cbor_at_end(&r))
        return false;
    if (sc_looks_like_message_1(p + r.pos, n - r.pos)) {
        out->kind = "message_1", out->msg_offset = r.pos, out->foreign_prefix = true;
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
     * wrongly), or something else in its place (false, a text string),
     * followed by an error message (an int) or a message_3 (a bstr). */
    int major = eh_cbor_peek_major(&r);
    if (major != EH_CBOR_BSTR && major != EH_CBOR_UINT && major != EH_CBOR_NEGINT)
        return false;
    out->msg_offset = r.pos;
    out->kind = major == EH_CBOR_BSTR ? "message_3" : "error";
    out->foreign_prefix = true;
    return true;
}

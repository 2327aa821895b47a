/*
 * sizes.c - message sizes from the encoding rules (see sizes.h).
 *
 *   message_1 = METHOD, SUITES_I, G_X (bstr), C_I, ? EAD_1          §5.2.1
 *   message_2 = bstr(G_Y || CIPHERTEXT_2), |CIPHERTEXT_2| = |PLAINTEXT_2|
 *     PLAINTEXT_2 = C_R, ID_CRED_R, Signature_or_MAC_2 (bstr), ? EAD_2   §5.3
 *   message_3 = bstr(CIPHERTEXT_3), |CIPHERTEXT_3| = |PLAINTEXT_3| + tag
 *     PLAINTEXT_3 = ID_CRED_I, Signature_or_MAC_3 (bstr), ? EAD_3        §5.4
 *   message_4 = bstr(CIPHERTEXT_4), PLAINTEXT_4 = ? EAD_4               §5.5
 */
#include "sizes.h"

#include "../cbor/cbor.h"
#include "edhoc.h"
#include "edhoc_internal.h"

size_t eh_int_size(int64_t v)
{
    return eh_cbor_head_size(v >= 0 ? (uint64_t)v : (uint64_t)(-1 - v));
}

static size_t bstr_size(size_t n)
{
    return eh_cbor_head_size(n) + n;
}

static size_t or_one(size_t n)
{
    return n ? n : 1;
}

size_t eh_suites_i_size(const int *suites, size_t sel)
{
    if (sel == 0)
        return eh_int_size(suites[0]);
    size_t n = eh_cbor_head_size(sel + 1);
    for (size_t i = 0; i <= sel; i++)
        n += eh_int_size(suites[i]);
    return n;
}

size_t eh_id_cred_size(const uint8_t *id_cred, size_t len)
{
    const uint8_t *kid;
    size_t kid_len;
    if (len == 0)
        return 0;
    if (!eh_id_cred_kid_only(id_cred, len, &kid, &kid_len))
        return len;
    return eh_conn_id_is_int(kid, kid_len) ? 1 : bstr_size(kid_len);
}

size_t eh_message_size(const eh_size_opts *o, int n)
{
    const eh_suite *s = eh_suite_by_id(o->suite);
    if (s == NULL || o->method < 0 || o->method > 3)
        return 0;
    /* METHOD bit 1: the Initiator uses static DH; bit 0: the Responder */
    bool i_static = (o->method & 2) != 0, r_static = (o->method & 1) != 0;
    size_t g = s->ecdh->coord_len, tag = s->aead->tag_len;
    switch (n) {
    case 1:
        return eh_int_size(o->method) + (o->suites_i_len ? o->suites_i_len : eh_int_size(o->suite)) +
               bstr_size(g) + or_one(o->c_i_len) + o->ead_len[1];
    case 2: {
        size_t sig = r_static ? s->mac_len : s->sig->sig_len;
        size_t pt = or_one(o->c_r_len) + or_one(o->id_cred_r_len) + bstr_size(sig) + o->ead_len[2];
        return bstr_size(g + pt);
    }
    case 3: {
        size_t sig = i_static ? s->mac_len : s->sig->sig_len;
        size_t pt = or_one(o->id_cred_i_len) + bstr_size(sig) + o->ead_len[3];
        return bstr_size(pt + tag);
    }
    case 4:
        return bstr_size(o->ead_len[4] + tag);
    }
    return 0;
}

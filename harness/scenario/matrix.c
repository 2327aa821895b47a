/*
 * matrix.c - the names of the generated credentials (see matrix.h).
 */
#include "matrix.h"

#include <stdio.h>
#include <string.h>

#include "../edhoc/edhoc.h"

static const char *key_name(int cose_crv)
{
    switch (cose_crv) {
    case 1:
        return "p256";
    case 2:
        return "p384";
    case 4:
        return "x25519";
    case 5:
        return "x448";
    case 6:
        return "ed25519";
    case 7:
        return "ed448";
    default:
        return NULL;
    }
}

int sc_gen_cred_name(int cose_crv, bool static_dh, bool initiator, bool x509, char *out,
                     size_t cap)
{
    const char *key = key_name(cose_crv);
    if (key == NULL || out == NULL)
        return -1;
    int n = snprintf(out, cap, "gen-%s-%s-%s%s", key, static_dh ? "dh" : "sig",
                     initiator ? "i" : "r", x509 ? "-x509" : "");
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

int sc_matrix_cred_name(int method, int suite, bool initiator, bool x509, char *out,
                        size_t cap)
{
    const eh_suite *s = eh_suite_by_id(suite);
    if (s == NULL || method < 0 || method > 3)
        return -1;
    /* RFC 9528 §3.2 Table 1: METHOD 0 sig/sig, 1 sig/DH, 2 DH/sig, 3 DH/DH */
    bool static_dh = initiator ? method >= 2 : method % 2 == 1;
    return sc_gen_cred_name(static_dh ? s->ecdh->cose_crv : s->sig->cose_crv, static_dh,
                            initiator, x509, out, cap);
}

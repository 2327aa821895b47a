/* fuzz_cose_header.c - ID_CRED as the engine reads it from PLAINTEXT_2 or
 * PLAINTEXT_3 (RFC 9528 §3.5.3: a COSE header map, or a compact kid as a
 * bstr or int; eh_id_cred_read), then the credential lookup the engine
 * runs on it (eh_peer_cred_lookup: exact map, kid among other parameters,
 * x5t against a certificate, kccs and x5chain taken by value, so the CCS
 * and X.509 parsers too). The Responder knows trace 2's Initiator (CCS,
 * kid 0x2b) and trace 1's (X.509, x5t) and trusts credentials by value; the
 * input is read with strict CBOR, then with lenient. Uses the engine's
 * internal header: these are not public entry points. */
#include "../edhoc/edhoc_internal.h"
#include "fuzz_common.h"
#include "trace1.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fz_peer r;
    static eh_cred known[2];
    static eh_session s;
    fz_crypto_init();
    fz_peer_init(&r, 0);
    known[0] = r.peer;
    known[1] = (eh_cred){T1_CRED_I, sizeof T1_CRED_I, T1_ID_CRED_I, sizeof T1_ID_CRED_I,
                         T1_PK_I, sizeof T1_PK_I};
    r.cfg.peer_creds = known;
    r.cfg.n_peer_creds = 2;
    for (int lenient = 0; lenient < 2; lenient++) {
        eh_cbor_reader rd;
        r.cfg.lenient_cbor = lenient;
        if (eh_session_init(&s, &r.cfg) != EH_OK)
            return 0;
        eh_reader_init(&s, &rd, data, size);
        if (eh_id_cred_read(&s, &rd, "ID_CRED_I") == EH_OK &&
            eh_peer_cred_lookup(&s, "ID_CRED_I") == EH_OK) {
            const eh_cred *c = eh_peer_cred(&s);
            /* a credential was found: it has CRED bytes and a key */
            if (c == NULL || c->cred == NULL || c->pub == NULL)
                __builtin_trap();
        }
        eh_session_wipe(&s);
    }
    return 0;
}

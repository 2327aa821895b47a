/* fuzz_ccs.c - a CCS (CWT Claims Set, RFC 8392) received by value in
 * ID_CRED = {14 (kccs): CCS} (RFC 9528 §3.5.3.1): the engine's lookup
 * copies it as CRED and takes the authentication key from its cnf claim
 * (COSE_Key, RFC 9052 §7: OKP x, or EC2 x and y). The input is the CCS
 * item; the Responder knows trace 2's Initiator and trusts credentials by
 * value, so an unknown CCS with a usable key is adopted, and a CCS equal to
 * the provisioned one is matched. Uses the engine's internal header. */
#include "../edhoc/edhoc_internal.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fz_peer r;
    static eh_session s;
    eh_cbor_writer w;
    fz_crypto_init();
    fz_peer_init(&r, 0);
    if (eh_session_init(&s, &r.cfg) != EH_OK)
        return 0;
    eh_cbor_writer_init(&w, s.peer_id_cred, sizeof s.peer_id_cred);
    eh_cbor_write_map(&w, 1);
    eh_cbor_write_uint(&w, 14);
    eh_cbor_write_raw(&w, data, size);
    if (eh_cbor_writer_status(&w) != EH_OK)
        return 0;
    s.peer_id_cred_len = w.len;
    if (eh_peer_cred_lookup(&s, "ID_CRED_I") == EH_OK) {
        const eh_cred *c = eh_peer_cred(&s);
        /* what was adopted is the CCS item itself (a prefix of the input) */
        if (c == NULL || c->cred_len > size || memcmp(c->cred, data, c->cred_len) != 0 ||
            c->pub_len > EH_MAX_SIG_PUB_LEN)
            __builtin_trap();
    }
    eh_session_wipe(&s);
    return 0;
}

/* fuzz_message_3.c - trace 2's Responder, after the trace's message_1 and
 * its own message_2 (the trace's Y), processing any bytes as message_3:
 * AEAD, PLAINTEXT_3 (ID_CRED_I, MAC_3, EAD_3), the credential lookup; then
 * message_4 if it was accepted. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fz_peer r;
    static eh_session s;
    uint8_t out[2048];
    size_t n = 0;
    fz_crypto_init();
    fz_peer_init(&r, 0);
    if (eh_session_init(&s, &r.cfg) != EH_OK)
        return 0;
    eh_session_set_ephemeral(&s, T2_Y, sizeof T2_Y, NULL, 0);
    if (eh_responder_process_message_1(&s, T2_MESSAGE_1, sizeof T2_MESSAGE_1) != EH_OK ||
        eh_responder_message_2(&s, out, sizeof out, &n) != EH_OK)
        return 0;
    if (eh_responder_process_message_3(&s, data, size) == EH_OK)
        (void)eh_responder_message_4(&s, out, sizeof out, &n);
    else
        (void)eh_error_message(&s, out, sizeof out, &n);
    eh_session_wipe(&s);
    return 0;
}

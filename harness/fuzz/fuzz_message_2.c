/* fuzz_message_2.c - trace 2's Initiator, after sending message_1 with the
 * trace's X, processing any bytes as message_2 (an error message included):
 * G_Y, the keystream, PLAINTEXT_2 (C_R, ID_CRED_R, MAC_2, EAD_2), the
 * credential lookup; then message_3 if it was accepted. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fz_peer i;
    static eh_session s;
    uint8_t out[2048];
    size_t n = 0;
    fz_crypto_init();
    fz_peer_init(&i, 1);
    if (eh_session_init(&s, &i.cfg) != EH_OK)
        return 0;
    eh_session_set_ephemeral(&s, T2_X, sizeof T2_X, NULL, 0);
    if (eh_initiator_message_1(&s, out, sizeof out, &n) != EH_OK)
        return 0;
    if (eh_initiator_process_message_2(&s, data, size) == EH_OK)
        (void)eh_initiator_message_3(&s, out, sizeof out, &n);
    else
        (void)eh_error_message(&s, out, sizeof out, &n);
    eh_session_wipe(&s);
    return 0;
}

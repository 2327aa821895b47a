/* fuzz_message_4.c - trace 2's Initiator after the whole trace up to its
 * message_3, processing any bytes as message_4 (or an error message). */
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
    if (eh_initiator_message_1(&s, out, sizeof out, &n) != EH_OK ||
        eh_initiator_process_message_2(&s, T2_MESSAGE_2, sizeof T2_MESSAGE_2) != EH_OK ||
        eh_initiator_message_3(&s, out, sizeof out, &n) != EH_OK)
        return 0;
    (void)eh_initiator_process_message_4(&s, data, size);
    eh_session_wipe(&s);
    return 0;
}

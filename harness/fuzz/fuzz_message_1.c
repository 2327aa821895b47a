/* fuzz_message_1.c - a Responder (trace 2's) processing any bytes as
 * message_1, then, if it accepted them, building message_2 or the error
 * message it owes. */
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
    if (eh_responder_process_message_1(&s, data, size) == EH_OK)
        (void)eh_responder_message_2(&s, out, sizeof out, &n);
    else
        (void)eh_error_message(&s, out, sizeof out, &n);
    eh_session_wipe(&s);
    return 0;
}

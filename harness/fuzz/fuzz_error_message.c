/* fuzz_error_message.c - the EDHOC error message parser (RFC 9528 §6:
 * eh_error_message_check, which the engine runs first on every message_2,
 * message_3 and message_4 it receives) on any bytes, in the three states
 * that can receive one, each with strict and with lenient CBOR: trace 2's
 * Initiator waiting for message_2 (where ERR_CODE 2 with SUITES_R may
 * allow a retry: a new message_1 is then built), its Responder waiting for
 * message_3 and its Initiator waiting for message_4. The states are built
 * once and copied (a session is plain data). Uses the engine's internal
 * header: the parser is not a public entry point. */
#include "../edhoc/edhoc_internal.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { WAIT_M2, WAIT_M3, WAIT_M4, N_STATES };

static fz_peer peers[2][2]; /* [lenient][initiator] */
static eh_session states[2][N_STATES];
static int ready;

/* The three states of one CBOR mode; false if the trace did not play. */
static bool build_states(int lenient)
{
    uint8_t out[2048];
    size_t n = 0;
    eh_session s;
    fz_peer *i = &peers[lenient][1], *r = &peers[lenient][0];
    fz_peer_init(i, 1);
    fz_peer_init(r, 0);
    i->cfg.lenient_cbor = r->cfg.lenient_cbor = lenient;
    if (eh_session_init(&s, &i->cfg) != EH_OK ||
        eh_session_set_ephemeral(&s, T2_X, sizeof T2_X, NULL, 0) != EH_OK ||
        eh_initiator_message_1(&s, out, sizeof out, &n) != EH_OK)
        return false;
    states[lenient][WAIT_M2] = s;
    if (eh_initiator_process_message_2(&s, T2_MESSAGE_2, sizeof T2_MESSAGE_2) != EH_OK ||
        eh_initiator_message_3(&s, out, sizeof out, &n) != EH_OK)
        return false;
    states[lenient][WAIT_M4] = s;
    if (eh_session_init(&s, &r->cfg) != EH_OK ||
        eh_session_set_ephemeral(&s, T2_Y, sizeof T2_Y, NULL, 0) != EH_OK ||
        eh_responder_process_message_1(&s, T2_MESSAGE_1, sizeof T2_MESSAGE_1) != EH_OK ||
        eh_responder_message_2(&s, out, sizeof out, &n) != EH_OK)
        return false;
    states[lenient][WAIT_M3] = s;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static eh_session s;
    uint8_t out[2048];
    size_t n = 0;
    fz_crypto_init();
    if (!ready) {
        if (!build_states(0) || !build_states(1))
            return 0;
        ready = 1;
    }
    for (int lenient = 0; lenient < 2; lenient++) {
        for (int k = 0; k < N_STATES; k++) {
            s = states[lenient][k];
            if (eh_error_message_check(&s, data, size) == EH_ERR_PEER_ERROR) {
                /* never answered with an error; after a usable SUITES_R the
                 * Initiator may start again with the suite it selected */
                (void)eh_error_message(&s, out, sizeof out, &n);
                if (s.state == EH_STATE_START)
                    (void)eh_initiator_message_1(&s, out, sizeof out, &n);
            }
            eh_session_wipe(&s);
        }
    }
    return 0;
}

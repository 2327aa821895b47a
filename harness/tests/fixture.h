/*
 * fixture.h - Initiator and Responder configured from an RFC 9529 trace
 * (vectors/rfc9529-trace{1,2}.json), for the engine's unit tests.
 */
#ifndef EH_FIXTURE_H
#define EH_FIXTURE_H

#include "testutil.h"

typedef struct fx_bytes {
    uint8_t b[2048];
    size_t n;
} fx_bytes;

typedef struct fixture {
    json_t *json;
    int method;
    const eh_suite *suite;
    fx_bytes x, y, c_i, c_r, sk_i, sk_r, id_cred_i, id_cred_r, cred_i, cred_r;
    fx_bytes m1, m2, m3, m4;
    uint8_t pub_i[EH_MAX_SIG_PUB_LEN], pub_r[EH_MAX_SIG_PUB_LEN];
    eh_cred cred_i_s, cred_r_s;
    eh_config ci, cr;
    tu_log log_i, log_r;
} fixture;

/* Load trace n (1 or 2) and configure both roles (traces into log_i/log_r). */
fixture *fx_load(int n);
void fx_free(fixture *f);

/* Run the Initiator up to WAIT_M2 (message_1 built with the trace's X, C_I). */
void fx_initiator_to_wait_m2(fixture *f, eh_session *s);
/* ... to WAIT_M4/COMPLETED after feeding the trace's message_2. */
void fx_initiator_to_m3_sent(fixture *f, eh_session *s);
/* Run the Responder up to WAIT_M3 (trace message_1 processed, message_2 built). */
void fx_responder_to_wait_m3(fixture *f, eh_session *s);
/* ... to COMPLETED after the trace's message_3. */
void fx_responder_to_completed(fixture *f, eh_session *s);

#endif

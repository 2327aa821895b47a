#include "fixture.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static void get(fixture *f, const char *key, fx_bytes *b)
{
    b->n = tu_vec(f->json, key, b->b, sizeof b->b);
}

static int cbor_int(const fx_bytes *b)
{
    ck_assert_uint_eq(b->n, 1);
    return b->b[0] < 0x20 ? b->b[0] : -1 - (b->b[0] - 0x20);
}

fixture *fx_load(int n)
{
    fixture *f = calloc(1, sizeof *f);
    ck_assert_ptr_nonnull(f);
    f->json = tu_load_json(n == 1 ? "vectors/rfc9529-trace1.json" : "vectors/rfc9529-trace2.json");
    fx_bytes method;
    get(f, "method", &method);
    f->method = cbor_int(&method);
    f->suite = eh_suite_by_id(n == 1 ? 0 : 2);
    get(f, "x", &f->x);
    get(f, "y", &f->y);
    get(f, "c_i", &f->c_i);
    get(f, "c_r", &f->c_r);
    get(f, "sk_i", &f->sk_i);
    get(f, "sk_r", &f->sk_r);
    get(f, "id_cred_i", &f->id_cred_i);
    get(f, "id_cred_r", &f->id_cred_r);
    get(f, "cred_i", &f->cred_i);
    get(f, "cred_r", &f->cred_r);
    get(f, "message_1", &f->m1);
    get(f, "message_2", &f->m2);
    get(f, "message_3", &f->m3);
    get(f, "message_4", &f->m4);

    /* Authentication public keys come from the RFC, not from our code. */
    size_t len;
    if (n == 1) {
        len = tu_vec(f->json, "pk_i", f->pub_i, sizeof f->pub_i);
        f->cred_i_s.pub_len = len;
        len = tu_vec(f->json, "pk_r", f->pub_r, sizeof f->pub_r);
        f->cred_r_s.pub_len = len;
    } else {
        len = tu_vec(f->json, "pk_i_x", f->pub_i, 32);
        len += tu_vec(f->json, "pk_i_y", f->pub_i + 32, 32);
        f->cred_i_s.pub_len = len;
        len = tu_vec(f->json, "pk_r_x", f->pub_r, 32);
        len += tu_vec(f->json, "pk_r_y", f->pub_r + 32, 32);
        f->cred_r_s.pub_len = len;
    }
    f->cred_i_s.cred = f->cred_i.b, f->cred_i_s.cred_len = f->cred_i.n;
    f->cred_i_s.id_cred = f->id_cred_i.b, f->cred_i_s.id_cred_len = f->id_cred_i.n;
    f->cred_i_s.pub = f->pub_i;
    f->cred_r_s.cred = f->cred_r.b, f->cred_r_s.cred_len = f->cred_r.n;
    f->cred_r_s.id_cred = f->id_cred_r.b, f->cred_r_s.id_cred_len = f->id_cred_r.n;
    f->cred_r_s.pub = f->pub_r;

    eh_config *c = &f->ci;
    c->role = EH_INITIATOR;
    c->method = f->method;
    if (n == 1) {
        c->suites[0] = 0;
        c->n_suites = 1;
    } else {
        c->suites[0] = 6, c->suites[1] = 2;
        c->n_suites = 2;
        c->initial_suite_index = 1; /* the second attempt of the trace */
    }
    c->conn_id = f->c_i.b, c->conn_id_len = f->c_i.n;
    c->own_cred = f->cred_i_s;
    c->own_priv = f->sk_i.b, c->own_priv_len = f->sk_i.n;
    c->peer_creds = &f->cred_r_s, c->n_peer_creds = 1;
    c->message_4 = true;
    c->trace = tu_trace, c->trace_arg = &f->log_i;

    c = &f->cr;
    c->role = EH_RESPONDER;
    c->method = f->method;
    c->suites[0] = n == 1 ? 0 : 2;
    c->n_suites = 1;
    c->conn_id = f->c_r.b, c->conn_id_len = f->c_r.n;
    c->own_cred = f->cred_r_s;
    c->own_priv = f->sk_r.b, c->own_priv_len = f->sk_r.n;
    c->peer_creds = &f->cred_i_s, c->n_peer_creds = 1;
    c->message_4 = true;
    c->trace = tu_trace, c->trace_arg = &f->log_r;
    return f;
}

void fx_free(fixture *f)
{
    tu_log_free(&f->log_i);
    tu_log_free(&f->log_r);
    json_decref(f->json);
    free(f);
}

void fx_initiator_to_wait_m2(fixture *f, eh_session *s)
{
    uint8_t out[512];
    size_t len;
    ck_assert_int_eq(eh_session_init(s, &f->ci), EH_OK);
    ck_assert_int_eq(eh_session_set_ephemeral(s, f->x.b, f->x.n, NULL, 0), EH_OK);
    ck_assert_int_eq(eh_initiator_message_1(s, out, sizeof out, &len), EH_OK);
}

void fx_initiator_to_m3_sent(fixture *f, eh_session *s)
{
    uint8_t out[512];
    size_t len;
    fx_initiator_to_wait_m2(f, s);
    ck_assert_int_eq(eh_initiator_process_message_2(s, f->m2.b, f->m2.n), EH_OK);
    ck_assert_int_eq(eh_initiator_message_3(s, out, sizeof out, &len), EH_OK);
}

void fx_responder_to_wait_m3(fixture *f, eh_session *s)
{
    uint8_t out[512];
    size_t len;
    ck_assert_int_eq(eh_session_init(s, &f->cr), EH_OK);
    ck_assert_int_eq(eh_session_set_ephemeral(s, f->y.b, f->y.n, NULL, 0), EH_OK);
    ck_assert_int_eq(eh_responder_process_message_1(s, f->m1.b, f->m1.n), EH_OK);
    ck_assert_int_eq(eh_responder_message_2(s, out, sizeof out, &len), EH_OK);
}

void fx_responder_to_completed(fixture *f, eh_session *s)
{
    fx_responder_to_wait_m3(f, s);
    ck_assert_int_eq(eh_responder_process_message_3(s, f->m3.b, f->m3.n), EH_OK);
}

/*
 * test_relay.c - the interop relay (interop/relay.h): datagrams forwarded
 * both ways and recorded in order with direction, client and time; each
 * client its own upstream socket; relay_stop bounded, and what was queued
 * before it forwarded and recorded; a target that does not listen hangs
 * nothing.
 *
 * The target is a thread answering each datagram with "R:" + the datagram
 * (a bounded tr_udp_recv per datagram). No sleeps: the clients wait for
 * their answers with bounded receives.
 */
#include <check.h>
#include <pthread.h>
#include <string.h>

#include "../interop/relay.h"
#include "../transport/udp.h"

typedef struct target {
    tr_udp u;
    pthread_t thread;
    int answers; /* datagrams to answer before the thread ends */
} target;

static void *serve(void *arg)
{
    target *t = arg;
    uint8_t d[256], out[260];
    for (int k = 0; k < t->answers; k++) {
        size_t n = 0;
        tr_addr from;
        if (tr_udp_recv(&t->u, d, sizeof d, &n, 5000, &from) != TR_OK)
            return NULL;
        memcpy(out, "R:", 2);
        memcpy(out + 2, d, n);
        tr_udp_send(&t->u, out, n + 2, &from);
    }
    return NULL;
}

static void target_start(target *t, int answers)
{
    ck_assert_int_eq(tr_udp_bind(&t->u, "127.0.0.1", 0), EH_OK);
    t->answers = answers;
    ck_assert_int_eq(pthread_create(&t->thread, NULL, serve, t), 0);
}

static void target_end(target *t)
{
    pthread_join(t->thread, NULL);
    tr_udp_close(&t->u);
}

/* Send text from client c and expect "R:" + text back through the relay. */
static void ask(tr_udp *c, const char *text)
{
    uint8_t buf[300];
    size_t n = 0;
    ck_assert_int_eq(tr_udp_send(c, (const uint8_t *)text, strlen(text), NULL), TR_OK);
    ck_assert_int_eq(tr_udp_recv(c, buf, sizeof buf, &n, 5000, NULL), TR_OK);
    ck_assert_uint_eq(n, strlen(text) + 2);
    ck_assert(memcmp(buf, "R:", 2) == 0 && memcmp(buf + 2, text, strlen(text)) == 0);
}

static void expect_record(const relay_datagram *d, relay_dir dir, int client, const char *text)
{
    ck_assert_int_eq(d->dir, dir);
    ck_assert_int_eq(d->client, client);
    ck_assert(d->forwarded);
    ck_assert_uint_eq(d->len, strlen(text));
    ck_assert(memcmp(d->data, text, d->len) == 0);
}

START_TEST(forwards_both_ways_in_order)
{
    target t;
    char err[128];
    target_start(&t, 2);
    relay *r = relay_start("127.0.0.1", tr_udp_local_port(&t.u), err, sizeof err);
    ck_assert_msg(r != NULL, "%s", err);
    ck_assert_int_gt(relay_port(r), 0);
    ck_assert_int_ne(relay_port(r), tr_udp_local_port(&t.u));
    tr_udp c;
    ck_assert_int_eq(tr_udp_connect(&c, "127.0.0.1", (uint16_t)relay_port(r)), EH_OK);
    ask(&c, "message_1");
    ask(&c, "message_3");
    relay_stop(r);
    size_t n;
    const relay_datagram *d = relay_records(r, &n);
    ck_assert_uint_eq(n, 4);
    expect_record(&d[0], RELAY_TO_RESPONDER, 0, "message_1");
    expect_record(&d[1], RELAY_TO_INITIATOR, 0, "R:message_1");
    expect_record(&d[2], RELAY_TO_RESPONDER, 0, "message_3");
    expect_record(&d[3], RELAY_TO_INITIATOR, 0, "R:message_3");
    for (size_t i = 1; i < n; i++)
        ck_assert(d[i].t_us >= d[i - 1].t_us);
    ck_assert_uint_eq(relay_unrecorded(r), 0);
    tr_udp_close(&c);
    relay_free(r);
    target_end(&t);
}
END_TEST

START_TEST(each_client_gets_its_own_answers)
{
    target t;
    char err[128];
    target_start(&t, 3);
    relay *r = relay_start("127.0.0.1", tr_udp_local_port(&t.u), err, sizeof err);
    ck_assert_msg(r != NULL, "%s", err);
    tr_udp a, b;
    ck_assert_int_eq(tr_udp_connect(&a, "127.0.0.1", (uint16_t)relay_port(r)), EH_OK);
    ck_assert_int_eq(tr_udp_connect(&b, "127.0.0.1", (uint16_t)relay_port(r)), EH_OK);
    ask(&a, "from a");
    ask(&b, "from b");
    ask(&a, "a again");
    relay_stop(r);
    size_t n;
    const relay_datagram *d = relay_records(r, &n);
    ck_assert_uint_eq(n, 6);
    expect_record(&d[0], RELAY_TO_RESPONDER, 0, "from a");
    expect_record(&d[1], RELAY_TO_INITIATOR, 0, "R:from a");
    expect_record(&d[2], RELAY_TO_RESPONDER, 1, "from b");
    expect_record(&d[3], RELAY_TO_INITIATOR, 1, "R:from b");
    expect_record(&d[4], RELAY_TO_RESPONDER, 0, "a again");
    expect_record(&d[5], RELAY_TO_INITIATOR, 0, "R:a again");
    tr_udp_close(&a);
    tr_udp_close(&b);
    relay_free(r);
    target_end(&t);
}
END_TEST

/* A datagram queued at the relay when it is stopped is still forwarded
 * and recorded; the stop itself does not wait for a poll timeout. */
START_TEST(stop_forwards_what_is_queued_and_is_prompt)
{
    tr_udp t;
    char err[128];
    ck_assert_int_eq(tr_udp_bind(&t, "127.0.0.1", 0), EH_OK);
    relay *r = relay_start("127.0.0.1", tr_udp_local_port(&t), err, sizeof err);
    ck_assert_msg(r != NULL, "%s", err);
    tr_udp c;
    ck_assert_int_eq(tr_udp_connect(&c, "127.0.0.1", (uint16_t)relay_port(r)), EH_OK);
    ck_assert_int_eq(tr_udp_send(&c, (const uint8_t *)"last", 4, NULL), TR_OK);
    int64_t t0 = tr_now_ms();
    relay_stop(r);
    ck_assert_int_lt(tr_now_ms() - t0, RELAY_POLL_MS + 500);
    size_t n;
    const relay_datagram *d = relay_records(r, &n);
    ck_assert_uint_eq(n, 1);
    expect_record(&d[0], RELAY_TO_RESPONDER, 0, "last");
    uint8_t buf[16];
    size_t len = 0;
    ck_assert_int_eq(tr_udp_recv(&t, buf, sizeof buf, &len, 2000, NULL), TR_OK);
    ck_assert_uint_eq(len, 4);
    relay_stop(r); /* idempotent */
    tr_udp_close(&c);
    tr_udp_close(&t);
    relay_free(r);
}
END_TEST

/* Nothing listens at the target: the datagram is recorded, no answer
 * comes, and stopping is still prompt. */
START_TEST(silent_target_hangs_nothing)
{
    tr_udp gone;
    char err[128];
    ck_assert_int_eq(tr_udp_bind(&gone, "127.0.0.1", 0), EH_OK);
    int port = tr_udp_local_port(&gone);
    tr_udp_close(&gone);
    relay *r = relay_start("127.0.0.1", port, err, sizeof err);
    ck_assert_msg(r != NULL, "%s", err);
    tr_udp c;
    ck_assert_int_eq(tr_udp_connect(&c, "127.0.0.1", (uint16_t)relay_port(r)), EH_OK);
    ck_assert_int_eq(tr_udp_send(&c, (const uint8_t *)"hello", 5, NULL), TR_OK);
    uint8_t buf[16];
    size_t len = 0;
    ck_assert_int_eq(tr_udp_recv(&c, buf, sizeof buf, &len, 100, NULL), TR_TIMEOUT);
    int64_t t0 = tr_now_ms();
    relay_stop(r);
    ck_assert_int_lt(tr_now_ms() - t0, RELAY_POLL_MS + 500);
    size_t n;
    const relay_datagram *d = relay_records(r, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(d[0].dir, RELAY_TO_RESPONDER);
    tr_udp_close(&c);
    relay_free(r);
}
END_TEST

START_TEST(records_unavailable_while_running)
{
    tr_udp t;
    char err[128];
    ck_assert_int_eq(tr_udp_bind(&t, "127.0.0.1", 0), EH_OK);
    relay *r = relay_start("127.0.0.1", tr_udp_local_port(&t), err, sizeof err);
    ck_assert_msg(r != NULL, "%s", err);
    size_t n = 99;
    ck_assert_ptr_null(relay_records(r, &n));
    ck_assert_uint_eq(n, 0);
    relay_free(r); /* stops it */
    tr_udp_close(&t);
    ck_assert_ptr_null(relay_start("127.0.0.1", 0, err, sizeof err));
    ck_assert(strstr(err, "relay") != NULL);
}
END_TEST

Suite *eh_test_relay_suite(void)
{
    Suite *s = suite_create("relay");
    TCase *tc = tcase_create("relay");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, forwards_both_ways_in_order);
    tcase_add_test(tc, each_client_gets_its_own_answers);
    tcase_add_test(tc, stop_forwards_what_is_queued_and_is_prompt);
    tcase_add_test(tc, silent_target_hangs_nothing);
    tcase_add_test(tc, records_unavailable_while_running);
    suite_add_tcase(s, tc);
    return s;
}

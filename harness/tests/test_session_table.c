/* harness/peer/session_table: the reference Responder's indexed table of
 * sessions. What a walk of the whole table used to answer (the lowest slot
 * with a C_R, a retransmitted message_1, the oldest half-open session), the
 * indexes answer the same. (Their cost at 1k, 10k and 100k sessions: make bench.) */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "../peer/peer_internal.h"
#include "../peer/session_table.h"

/* A session in slot order with the two-byte C_R n and state. */
static resp_session *add(session_table *t, unsigned n, eh_state state)
{
    bool evicted;
    resp_session *rs = st_alloc(t, true, &evicted);
    ck_assert_ptr_nonnull(rs);
    rs->c_r[0] = (uint8_t)(n >> 8), rs->c_r[1] = (uint8_t)n;
    rs->c_r_len = 2;
    rs->s.state = state;
    st_index_c_r(t, rs);
    st_relist(t, rs);
    return rs;
}

START_TEST(lowest_free_slot_and_lookup_by_c_r)
{
    session_table *t = st_new(10000);
    ck_assert_ptr_nonnull(t);
    for (unsigned i = 0; i < 10000; i++) {
        resp_session *rs = add(t, i % 4096, EH_STATE_WAIT_M3);
        ck_assert_ptr_eq(rs, st_at(t, i)); /* the lowest free slot */
    }
    ck_assert_uint_eq(st_active(t), 10000);
    /* C_R 0x0005 is in slots 5, 4101 and 8197: the lowest first, then the others */
    uint8_t c_r[2] = {0x00, 0x05};
    ck_assert_ptr_eq(st_by_c_r(t, c_r, 2, NULL), st_at(t, 5));
    ck_assert_ptr_eq(st_by_c_r(t, c_r, 2, st_at(t, 5)), st_at(t, 4101));
    uint8_t none[3] = {1, 2, 3};
    ck_assert_ptr_null(st_by_c_r(t, none, 3, NULL));
    /* released: not found, and its slot is the next one allocated */
    st_release(t, st_at(t, 5));
    ck_assert_ptr_eq(st_by_c_r(t, c_r, 2, NULL), st_at(t, 4101));
    ck_assert_uint_eq(st_active(t), 9999);
    bool evicted = true;
    ck_assert_ptr_eq(st_alloc(t, false, &evicted), st_at(t, 5));
    ck_assert(!evicted);
    /* full, without eviction: none */
    ck_assert_ptr_null(st_alloc(t, false, &evicted));
    st_free(t);
}
END_TEST

START_TEST(eviction_takes_the_oldest_half_open_then_the_least_recently_completed)
{
    session_table *t = st_new(4);
    resp_session *a = add(t, 1, EH_STATE_WAIT_M3), *b = add(t, 2, EH_STATE_WAIT_M3);
    resp_session *c = add(t, 3, EH_STATE_WAIT_M3), *d = add(t, 4, EH_STATE_WAIT_M3);
    a->s.state = EH_STATE_COMPLETED, st_relist(t, a); /* completed first */
    c->s.state = EH_STATE_COMPLETED, st_relist(t, c);
    bool evicted = false;
    uint8_t two[2] = {0, 2};
    resp_session *e = st_alloc(t, true, &evicted); /* b: the oldest half-open */
    ck_assert(evicted);
    ck_assert_ptr_eq(e, b);
    ck_assert_ptr_null(st_by_c_r(t, two, 2, NULL));
    e->s.state = EH_STATE_COMPLETED, st_relist(t, e); /* completed last */
    ck_assert_ptr_eq(st_alloc(t, true, &evicted), d); /* the only half-open one */
    d->s.state = EH_STATE_COMPLETED, st_relist(t, d);
    /* none half-open: the least recently completed, a, then c */
    ck_assert_ptr_eq(st_alloc(t, true, &evicted), a);
    a->s.state = EH_STATE_COMPLETED, st_relist(t, a);
    /* c back before message_3 (a fault restores it): half-open again, evicted first */
    c->s.state = EH_STATE_WAIT_M3, st_relist(t, c);
    ck_assert_ptr_eq(st_alloc(t, true, &evicted), c);
    st_free(t);
}
END_TEST

START_TEST(one_byte_identifiers_in_use_are_counted)
{
    session_table *t = st_new(8);
    bool evicted;
    resp_session *x = st_alloc(t, true, &evicted), *y = st_alloc(t, true, &evicted);
    x->c_r[0] = y->c_r[0] = 0x17, x->c_r_len = y->c_r_len = 1;
    st_index_c_r(t, x);
    st_index_c_r(t, x); /* once only */
    ck_assert_uint_eq(st_one_byte_users(t, 0x17), 1);
    st_index_c_r(t, y);
    ck_assert_uint_eq(st_one_byte_users(t, 0x17), 2);
    st_release(t, x);
    ck_assert_uint_eq(st_one_byte_users(t, 0x17), 1);
    st_release(t, y);
    ck_assert_uint_eq(st_one_byte_users(t, 0x17), 0);
    ck_assert_uint_eq(st_active(t), 0);
    st_free(t);
}
END_TEST

START_TEST(a_retransmitted_message_1_is_found_by_client_and_bytes)
{
    session_table *t = st_new(64);
    static const uint8_t m1[] = {0x03, 0x02, 0x41, 0x07, 0x37}, other[] = {0x03, 0x02};
    for (int i = 0; i < 40; i++) { /* other clients, other bytes */
        resp_session *rs = add(t, (unsigned)i, EH_STATE_WAIT_M3);
        snprintf(rs->client, sizeof rs->client, "127.0.0.1:%d", 1000 + i);
        memcpy(rs->last_req, m1, sizeof m1);
        rs->last_req_len = sizeof m1;
        st_index_message_1(t, rs, rs->client, m1, sizeof m1);
    }
    resp_session *want = st_at(t, 17);
    ck_assert_ptr_eq(st_duplicate_message_1(t, "127.0.0.1:1017", m1, sizeof m1), want);
    ck_assert_ptr_null(st_duplicate_message_1(t, "127.0.0.1:1017", other, sizeof other));
    ck_assert_ptr_null(st_duplicate_message_1(t, "127.0.0.1:9999", m1, sizeof m1));
    want->s.state = EH_STATE_COMPLETED; /* only while it waits for message_3 */
    ck_assert_ptr_null(st_duplicate_message_1(t, "127.0.0.1:1017", m1, sizeof m1));
    st_release(t, st_at(t, 18));
    ck_assert_ptr_null(st_duplicate_message_1(t, "127.0.0.1:1018", m1, sizeof m1));
    st_free(t);
}
END_TEST

Suite *eh_test_session_table_suite(void)
{
    Suite *s = suite_create("session_table");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, lowest_free_slot_and_lookup_by_c_r);
    tcase_add_test(tc, eviction_takes_the_oldest_half_open_then_the_least_recently_completed);
    tcase_add_test(tc, one_byte_identifiers_in_use_are_counted);
    tcase_add_test(tc, a_retransmitted_message_1_is_found_by_client_and_bytes);
    suite_add_tcase(s, tc);
    return s;
}

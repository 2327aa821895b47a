/* test_secret_residue.c - no secret of a handshake stays on the stack after
 * an engine call returns, on the success path and on the error paths.
 *
 * Method: paint a 64 KiB stack area below the caller's frame, make one
 * engine call (its frames and those of the crypto libraries land in the
 * painted area), then read the same area back and look for every secret of
 * the RFC 9529 trace in progress: the ephemeral and static private keys,
 * G_XY, G_RX, G_IY, the salts and PRKs, KEYSTREAM_2, K_3/IV_3, K_4/IV_4,
 * PRK_out, PRK_exporter and the OSCORE master secret. The known answers are
 * the trace's own values (vectors/rfc9529-trace{1,2}.json); a secret found
 * means a buffer that was not wiped before return. The trace callback is
 * switched off, so no copy made for logging can be mistaken for a residue.
 *
 * Reading the painted area back reads memory the compiler considers dead;
 * it is done through volatile accesses in functions that are never inlined,
 * which is the usual way such checks are written (and what ASan permits).
 */
#include <check.h>
#include <string.h>

#include "fixture.h"

static fixture *load(int n)
{
    fixture *f = fx_load(n);
    f->ci.trace = f->cr.trace = NULL;
    return f;
}

/* eh_session_wipe leaves no byte of the session non-zero. */
START_TEST(test_session_wipe_clears_everything)
{
    fixture *f = load(2);
    static eh_session s;
    fx_initiator_to_m3_sent(f, &s);
    eh_session_wipe(&s);
    const uint8_t *p = (const uint8_t *)&s;
    size_t nonzero = 0;
    for (size_t i = 0; i < sizeof s; i++)
        nonzero += p[i] != 0;
    ck_assert_uint_eq(nonzero, 0);
    fx_free(f);
}
END_TEST

#ifndef __SANITIZE_ADDRESS__
/* AddressSanitizer lays stack frames out its own way (redzones, frames moved
 * off the stack), so the painted area no longer overlays the engine's frames
 * and even the control fails there: the residue checks are built in the
 * plain build, which make test runs too. */

#define AREA (64 * 1024)
#define PAINT 0xa5

static const char *const secret_keys[] = {
    "x",         "y",          "sk_i",       "sk_r",         "g_xy",
    "prk_2e",    "keystream_2", "salt_3e2m", "g_rx",         "prk_3e2m",    "salt_4e3m",
    "g_iy",      "prk_4e3m",   "k_3",        "iv_3",         "k_4",         "iv_4",
    "prk_out",   "prk_exporter", "oscore_master_secret", NULL};

/* The area is written here and read, uninitialised on purpose, there. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
__attribute__((noinline)) static void stack_paint(void)
{
    volatile uint8_t area[AREA];
    for (size_t i = 0; i < AREA; i++)
        area[i] = PAINT;
}

/* Offset in the painted area where `needle` occurs, or -1. */
__attribute__((noinline)) static long stack_find(const uint8_t *needle, size_t n)
{
    volatile uint8_t area[AREA];
    for (size_t i = 0; i + n <= AREA; i++) {
        size_t k = 0;
        while (k < n && area[i + k] == needle[k])
            k++;
        if (k == n)
            return (long)i;
    }
    return -1;
}
#pragma GCC diagnostic pop

/* Fails naming every trace secret found on the stack after `step`. Secrets
 * shorter than 12 bytes are not looked for (a chance match is too likely). */
static void assert_no_residue(fixture *f, const char *step)
{
    char found[1024] = "";
    for (size_t i = 0; secret_keys[i] != NULL; i++) {
        uint8_t v[256];
        if (json_object_get(f->json, secret_keys[i]) == NULL)
            continue; /* not in this trace (G_RX and others are METHOD 3's) */
        size_t n = tu_vec(f->json, secret_keys[i], v, sizeof v);
        if (n < 12)
            continue;
        long at = stack_find(v, n);
        if (at >= 0) {
            size_t used = strlen(found);
            snprintf(found + used, sizeof found - used, " %s (at %ld)", secret_keys[i], at);
        }
    }
    ck_assert_msg(found[0] == 0, "after %s, secrets left on the stack:%s", step, found);
}

/* The whole handshake, each call checked: _i the Initiator, _r the Responder. */
static void handshake_leaves_no_residue(int trace)
{
    fixture *f = load(trace);
    static eh_session si, sr;
    uint8_t out[2048];
    size_t n;
    eh_oscore_material om;

    ck_assert_int_eq(eh_session_init(&si, &f->ci), EH_OK);
    ck_assert_int_eq(eh_session_set_ephemeral(&si, f->x.b, f->x.n, NULL, 0), EH_OK);
    stack_paint();
    ck_assert_int_eq(eh_initiator_message_1(&si, out, sizeof out, &n), EH_OK);
    assert_no_residue(f, "eh_initiator_message_1");

    ck_assert_int_eq(eh_session_init(&sr, &f->cr), EH_OK);
    ck_assert_int_eq(eh_session_set_ephemeral(&sr, f->y.b, f->y.n, NULL, 0), EH_OK);
    stack_paint();
    ck_assert_int_eq(eh_responder_process_message_1(&sr, f->m1.b, f->m1.n), EH_OK);
    assert_no_residue(f, "eh_responder_process_message_1");
    stack_paint();
    ck_assert_int_eq(eh_responder_message_2(&sr, out, sizeof out, &n), EH_OK);
    assert_no_residue(f, "eh_responder_message_2");

    stack_paint();
    ck_assert_int_eq(eh_initiator_process_message_2(&si, f->m2.b, f->m2.n), EH_OK);
    assert_no_residue(f, "eh_initiator_process_message_2");
    stack_paint();
    ck_assert_int_eq(eh_initiator_message_3(&si, out, sizeof out, &n), EH_OK);
    assert_no_residue(f, "eh_initiator_message_3");

    stack_paint();
    ck_assert_int_eq(eh_responder_process_message_3(&sr, f->m3.b, f->m3.n), EH_OK);
    assert_no_residue(f, "eh_responder_process_message_3");
    stack_paint();
    ck_assert_int_eq(eh_responder_message_4(&sr, out, sizeof out, &n), EH_OK);
    assert_no_residue(f, "eh_responder_message_4");

    stack_paint();
    ck_assert_int_eq(eh_initiator_process_message_4(&si, f->m4.b, f->m4.n), EH_OK);
    assert_no_residue(f, "eh_initiator_process_message_4");

    stack_paint();
    ck_assert_int_eq(eh_oscore_material_derive(&si, &om), EH_OK);
    eh_wipe(&om, sizeof om);
    assert_no_residue(f, "eh_oscore_material_derive");

    eh_session_wipe(&si);
    eh_session_wipe(&sr);
    fx_free(f);
}

START_TEST(test_trace_1_handshake_leaves_no_secret_on_the_stack)
{
    handshake_leaves_no_residue(1);
}
END_TEST

START_TEST(test_trace_2_handshake_leaves_no_secret_on_the_stack)
{
    handshake_leaves_no_residue(2);
}
END_TEST

/* The error paths: a message whose last byte is flipped fails its MAC or
 * its AEAD tag after the keys for it were derived. */
static void flipped_messages_leave_no_residue(int trace)
{
    fixture *f = load(trace);
    static eh_session s;
    uint8_t bad[2048];

    fx_initiator_to_wait_m2(f, &s);
    memcpy(bad, f->m2.b, f->m2.n);
    bad[f->m2.n - 1] ^= 1;
    stack_paint();
    ck_assert_int_ne(eh_initiator_process_message_2(&s, bad, f->m2.n), EH_OK);
    assert_no_residue(f, "eh_initiator_process_message_2 (message_2 with a flipped bit)");
    eh_session_wipe(&s);

    fx_responder_to_wait_m3(f, &s);
    memcpy(bad, f->m3.b, f->m3.n);
    bad[f->m3.n - 1] ^= 1;
    stack_paint();
    ck_assert_int_ne(eh_responder_process_message_3(&s, bad, f->m3.n), EH_OK);
    assert_no_residue(f, "eh_responder_process_message_3 (message_3 with a flipped bit)");
    eh_session_wipe(&s);

    fx_initiator_to_m3_sent(f, &s);
    memcpy(bad, f->m4.b, f->m4.n);
    bad[f->m4.n - 1] ^= 1;
    stack_paint();
    ck_assert_int_ne(eh_initiator_process_message_4(&s, bad, f->m4.n), EH_OK);
    assert_no_residue(f, "eh_initiator_process_message_4 (message_4 with a flipped bit)");
    eh_session_wipe(&s);
    fx_free(f);
}

START_TEST(test_trace_1_error_paths_leave_no_secret_on_the_stack)
{
    flipped_messages_leave_no_residue(1);
}
END_TEST

START_TEST(test_trace_2_error_paths_leave_no_secret_on_the_stack)
{
    flipped_messages_leave_no_residue(2);
}
END_TEST

/* The control: a buffer that is not wiped is found, so the method works. */
__attribute__((noinline)) static void leave_a_copy(const uint8_t *secret, size_t n)
{
    volatile uint8_t copy[64];
    for (size_t i = 0; i < n && i < sizeof copy; i++)
        copy[i] = secret[i];
}

START_TEST(test_control_an_unwiped_copy_is_found)
{
    fixture *f = load(2);
    uint8_t prk[64];
    size_t n = tu_vec(f->json, "prk_out", prk, sizeof prk);
    stack_paint();
    leave_a_copy(prk, n);
    ck_assert_int_ge(stack_find(prk, n), 0);
    fx_free(f);
}
END_TEST

#endif /* __SANITIZE_ADDRESS__ */

Suite *eh_test_secret_residue_suite(void)
{
    Suite *s = suite_create("secret_residue");
    TCase *tc = tcase_create("core");
#ifndef __SANITIZE_ADDRESS__
    tcase_add_test(tc, test_control_an_unwiped_copy_is_found);
    tcase_add_test(tc, test_trace_1_handshake_leaves_no_secret_on_the_stack);
    tcase_add_test(tc, test_trace_2_handshake_leaves_no_secret_on_the_stack);
    tcase_add_test(tc, test_trace_1_error_paths_leave_no_secret_on_the_stack);
    tcase_add_test(tc, test_trace_2_error_paths_leave_no_secret_on_the_stack);
#endif
    tcase_add_test(tc, test_session_wipe_clears_everything);
    suite_add_tcase(s, tc);
    return s;
}

/* The suite's jobs that stand in for the sanity conversation (sanity.h):
 * only a plain handshake in the same role, transport and profile does. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runner/sanity.h"

/* The built-in conversation's steps over CoAP (sanity.c). */
#define CONVERSATION                                                                           \
    "steps:\n"                                                                                 \
    "  - send: message_1\n"                                                                    \
    "  - expect: message_2\n"                                                                  \
    "  - send: message_3\n"                                                                    \
    "  - expect:\n"                                                                            \
    "      any_of: [accepted, message_4]\n"

static scenario *load(const char *head, const char *steps)
{
    char text[4096], err[512];
    snprintf(text, sizeof text,
             "id: t/x\ntitle: t\nrequirements: [R-3.2-a]\nlevel: MUST\nrole: both\n%s%s", head,
             steps);
    scenario *sc = malloc(sizeof *sc);
    ck_assert_ptr_nonnull(sc);
    ck_assert_msg(scenario_load_mem("t.yaml", text, strlen(text), sc, err, sizeof err) == 0,
                  "%s", err);
    return sc;
}

static bool stands_in(const char *head, const char *steps)
{
    scenario *conv = load("transport: coap\n", CONVERSATION);
    scenario *js = load(head, steps);
    bool r = sanity_stands_in(js, conv);
    free(conv);
    free(js);
    return r;
}

START_TEST(a_plain_handshake_stands_in)
{
    /* interop/handshake: stricter checks and more steps after it are fine */
    ck_assert(stands_in("transport: coap\n", "steps:\n  - send: message_1\n"
                                              "  - expect: message_2\n"
                                              "    deterministic: true\n"
                                              "  - send: message_3\n"
                                              "  - expect: accepted\n"
                                              "  - oscore: /hello\n"));
    ck_assert(stands_in("transport: coap\n", CONVERSATION));
}
END_TEST

START_TEST(anything_that_changes_the_conversation_does_not)
{
    static const char *const heads[] = {
        "transport: udp\n", "transport: coap-tcp\n", "method: 0\n", "suites: [0]\n",
        "c_i: \"0a\"\n", "message_4: true\n", "ead: {1: \"00\"}\n",
        "credentials:\n  id: x5t\n", "iut: {c_i: \"0e\"}\n"};
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
        ck_assert_msg(!stands_in(heads[i], CONVERSATION), "%s", heads[i]);
    static const char *const steps[] = {
        /* too short */
        "steps:\n  - send: message_1\n  - expect: message_2\n",
        /* a mutated message */
        "steps:\n  - send: message_1\n    mutate:\n      - flip: {offset: 1, bit: 0}\n"
        "  - expect: message_2\n  - send: message_3\n  - expect: accepted\n",
        /* an engine fault */
        "steps:\n  - send: message_1\n  - expect: message_2\n  - send: message_3\n"
        "    faults: [wrong-mac-3]\n  - expect: accepted\n",
        /* an outcome the conversation does not allow */
        "steps:\n  - send: message_1\n  - expect:\n      any_of: [message_2, error]\n"
        "  - send: message_3\n  - expect: accepted\n",
        /* another message */
        "steps:\n  - send: message_1\n  - expect: message_2\n  - send: error\n"
        "    code: 1\n  - expect: silence\n"};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        ck_assert_msg(!stands_in("transport: coap\n", steps[i]), "%s", steps[i]);
}
END_TEST

Suite *eh_test_sanity_stand_in_suite(void)
{
    Suite *s = suite_create("sanity_stand_in");
    TCase *tc = tcase_create("sanity");
    tcase_add_test(tc, a_plain_handshake_stands_in);
    tcase_add_test(tc, anything_that_changes_the_conversation_does_not);
    suite_add_tcase(s, tc);
    return s;
}

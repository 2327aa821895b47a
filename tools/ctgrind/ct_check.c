/*
 * ct_check.c - a constant-time check in the style of ctgrind (Adam
 * Langley): the secret bytes are marked undefined for valgrind's memcheck,
 * so that any branch or memory index that depends on them is reported
 * ("Conditional jump or move depends on uninitialised value"). Only the
 * final result is marked defined again before it is used.
 *
 *   valgrind --error-exitcode=9 build/ct-check eh      # eh_ct_equal: no report
 *   valgrind --error-exitcode=9 build/ct-check naive   # memcmp: reported (control)
 *
 * tests/test_constant_time.py runs both; the control shows the check can
 * fail. eh_ct_equal is the one comparison of MACs and tags in the engine
 * (harness/crypto/crypto.h).
 */
#include <stdio.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "../../harness/crypto/crypto.h"

int main(int argc, char **argv)
{
    uint8_t mac[32], tag[32];
    for (size_t i = 0; i < sizeof mac; i++)
        mac[i] = (uint8_t)(i * 7), tag[i] = (uint8_t)(i * 7);
    tag[31] ^= 1; /* differs only in the last byte */
    VALGRIND_MAKE_MEM_UNDEFINED(mac, sizeof mac);
    VALGRIND_MAKE_MEM_UNDEFINED(tag, sizeof tag);
    int same;
    if (argc > 1 && strcmp(argv[1], "naive") == 0)
        same = memcmp(mac, tag, sizeof mac) == 0;
    else
        same = eh_ct_equal(mac, tag, sizeof mac);
    VALGRIND_MAKE_MEM_DEFINED(&same, sizeof same);
    printf("%s\n", same ? "equal" : "different");
    return same ? 1 : 0;
}

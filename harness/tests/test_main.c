/*
 * Runs every check suite of harness/tests/. Suites register themselves by
 * defining `Suite *eh_test_<name>_suite(void)`; the Makefile collects those
 * names into test_suites.h, so adding a test file needs no edit here.
 */
#include <check.h>
#include <stdlib.h>

#include "../crypto/crypto.h"

#define X(fn) Suite *fn(void);
#include "test_suites.h"
#undef X

int main(void)
{
    if (eh_crypto_init() != EH_OK)
        return 2;
    SRunner *runner = srunner_create(NULL);
#define X(fn) srunner_add_suite(runner, fn());
#include "test_suites.h"
#undef X
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

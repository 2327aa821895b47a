/* faults.c - names of the deliberate deviations of edhoc.h (EH_FAULT_*). */
#include <string.h>

#include "edhoc.h"

static const char *const names[EH_FAULT_COUNT_] = {
    "wrong-mac-2",        "wrong-mac-3",         "skip-mac-2-check",   "skip-mac-3-check",
    "ignore-suites-order", "conn-id-bstr",       "accept-bstr-conn-id", "accept-critical-ead",
    "no-error-message",   "wrong-err-code",      "suites-r-wrong",     "trailing-bytes",
    "nondeterministic-cbor", "id-cred-map",      "extra-padding",      "accept-any-method",
    "id-cred-x5u",        "err-code-3-unsupported-cred", "th-2-other-message-1",
    "c-r-equals-c-i",     "mac-for-signature",   "kccs-no-cnf",        "id-cred-kid-bstr",
    "mac-truncated",      "accept-id-cred-map",  "reject-ead-padding",
};

unsigned long eh_fault_parse(const char *name)
{
    for (unsigned i = 0; i < EH_FAULT_COUNT_; i++)
        if (strcmp(name, names[i]) == 0)
            return 1ul << i;
    return 0;
}

const char *eh_fault_name(unsigned long bit)
{
    for (unsigned i = 0; i < EH_FAULT_COUNT_; i++)
        if (bit == 1ul << i)
            return names[i];
    return NULL;
}

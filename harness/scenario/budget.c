/* budget.c - message size budget profiles (see budget.h). */
#include "budget.h"

#include <string.h>

#define LORAWAN_SF12_BYTES 51 /* draft-ietf-lake-reqs §2.11.1 */
#define SIXTISCH_PAYLOAD_BYTES 45 /* draft-ietf-lake-reqs §2.11.2 (downlink, 5 hops) */

const char *const sc_budget_names[SC_BUDGET_COUNT_ + 1] = {
    [SC_BUDGET_RFC9528] = "rfc9528",
    [SC_BUDGET_LORAWAN_SF12] = "lorawan-sf12",
    [SC_BUDGET_6TISCH] = "6tisch",
    [SC_BUDGET_NONE] = "none",
    [SC_BUDGET_COUNT_] = NULL,
};

int sc_budget_parse(const char *name, sc_budget *out)
{
    for (int b = 0; name != NULL && b < SC_BUDGET_COUNT_; b++)
        if (strcmp(name, sc_budget_names[b]) == 0) {
            *out = (sc_budget)b;
            return 0;
        }
    return -1;
}

const char *sc_budget_name(sc_budget b)
{
    return (int)b >= 0 && b < SC_BUDGET_COUNT_ ? sc_budget_names[b] : "unknown";
}

long sc_budget_bytes(sc_budget b, long minimum, size_t prefix)
{
    switch (b) {
    case SC_BUDGET_RFC9528:
        return minimum >= 0 ? minimum : -1;
    case SC_BUDGET_LORAWAN_SF12:
        return LORAWAN_SF12_BYTES;
    case SC_BUDGET_6TISCH:
        return prefix < SIXTISCH_PAYLOAD_BYTES ? SIXTISCH_PAYLOAD_BYTES - (long)prefix : 0;
    case SC_BUDGET_NONE:
    case SC_BUDGET_COUNT_:
        break;
    }
    return -1;
}

verdict sc_budget_verdict(sc_budget b)
{
    return b == SC_BUDGET_RFC9528                                   ? V_NONSTRICT
           : b == SC_BUDGET_LORAWAN_SF12 || b == SC_BUDGET_6TISCH ? V_FAIL
                                                                    : V_PASS;
}

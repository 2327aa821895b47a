/*
 * budget.h - message size budgets: the profiles a run judges the size of
 * each EDHOC message by, and what exceeding one means for the verdict.
 *
 *   rfc9528       (default) a message's budget is the minimum size possible
 *                 for the options of the run (edhoc/sizes.h: METHOD, suite,
 *                 credentials; RFC 9528 §1.2 Table 1 where it applies).
 *                 RFC 9528 allows larger messages (longer identifiers, EAD,
 *                 a SUITES_I list), so exceeding it grades the scenario
 *                 non-strict, never fail.
 *   lorawan-sf12  51 bytes per EDHOC message: the LoRaWAN payload at
 *                 spreading factor 12 (draft-ietf-lake-reqs §2.11.1).
 *                 Exceeding it fails the scenario: the user asked for the gate.
 *   6tisch        45 bytes of CoAP payload per message: the EDHOC message
 *                 plus its Appendix A.2 prefix (0xf5 before message_1, C_R
 *                 before message_3) (draft-ietf-lake-reqs §2.11.2). Fails too.
 *   none          sizes are reported, never judged.
 */
#ifndef EH_SCENARIO_BUDGET_H
#define EH_SCENARIO_BUDGET_H

#include <stddef.h>

#include "../report/report.h"

typedef enum sc_budget {
    SC_BUDGET_RFC9528 = 0, /* the default: zero-initialised options get it */
    SC_BUDGET_LORAWAN_SF12,
    SC_BUDGET_6TISCH,
    SC_BUDGET_NONE,
    SC_BUDGET_COUNT_
} sc_budget;

/* The profile names in enum order, NULL-terminated ("rfc9528", ...). */
extern const char *const sc_budget_names[SC_BUDGET_COUNT_ + 1];

/* Profile by name: 0, or -1 when the name is not a profile. */
int sc_budget_parse(const char *name, sc_budget *out);
/* Name of a profile; "unknown" out of range. */
const char *sc_budget_name(sc_budget b);

/*
 * Budget in bytes of an EDHOC message whose minimum size for the run's
 * options is `minimum` (-1 when unknown) and that travels after `prefix`
 * bytes (Appendix A.2) in its CoAP payload or datagram. -1 = no budget
 * (profile none, or rfc9528 with an unknown minimum).
 */
long sc_budget_bytes(sc_budget b, long minimum, size_t prefix);

/* The verdict of a scenario whose IUT sent a message over its budget:
 * V_NONSTRICT (rfc9528), V_FAIL (lorawan-sf12, 6tisch), V_PASS (none). */
verdict sc_budget_verdict(sc_budget b);

#endif

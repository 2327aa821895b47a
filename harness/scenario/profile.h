/*
 * profile.h - the profiles of an IUT (sc_profile, scenario.h) and how a
 * scenario runs in one (peers/README.md, "Profiles"; scenarios/README.md,
 * "What a scenario pins").
 *
 * A scenario is about something (a METHOD, a suite, a kind of ID_CRED,
 * OSCORE) or merely uses it to get a handshake going. What it is about it
 * pins (sc->pins, the `method:`, `suites:` and `credentials:` keys, a
 * `vector:`, a matrix variant) or needs (`needs: [oscore]`); everything
 * else comes from the profile of the job:
 *
 *   method, suites [suite], credentials.id, the credential names;
 *   the framing (rfc9528 | bare);
 *   oscore steps are dropped when the profile has no OSCORE and the
 *   scenario does not need it (with the expect steps that judge them).
 *
 * A profile fits a scenario when it agrees with every pin, has message_4
 * when the scenario uses it, OSCORE / error messages when the scenario
 * needs them, and credentials can be named for it.
 *
 * Default credentials of a profile without names: RFC 9529 trace 2
 * (rfc9529-trace2-i/-r, P-256 static DH) for METHOD 3, suite 2 or 3 with kid
 * or kccs; trace 1 (rfc9529-trace1-i/-r, Ed25519 in certificates) for
 * METHOD 0, suite 0 or 1 with x5t or x5chain; else
 * the generated ones of the matrix (sc_matrix_cred_name), which only an
 * IUT with the capability `cred-files` can load.
 */
#ifndef EH_SCENARIO_PROFILE_H
#define EH_SCENARIO_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"

/* "m3-s2-kid", with "-bare" for bare framing, "-reverse" for the reverse
 * flow, then the profile's label_extra; 0 or -1 (too small). */
int sc_profile_label(const sc_profile *p, char *out, size_t cap);

/* Give each profile of pf a label of its own: profiles that share one (say
 * two that differ only in message_4) get label_extra from what differs
 * among them ("+m4", "+oscore", "+noerr"), then "#2", "#3"... if that is not
 * enough. Reports and transcripts are named by the label. */
void sc_profiles_label_apart(peer_file *pf);

/* For each profile of pf, its other_suite: the lowest suite of another of
 * pf's profiles with the same METHOD, kind of credential, framing and flow
 * (has_other_suite false if none). A scenario with `suites: [other,
 * profile]` (two suites of the IUT: negotiation) runs only in a profile
 * that has one. The loader calls it, after sc_profiles_label_apart. */
void sc_profiles_pair_suites(peer_file *pf);

/* Encode the lists of suites sc's steps write with `profile` and `other`
 * (a field check's SUITES_I, an ERR_CODE 2's SUITES_R) for the suites sc
 * has now: `profile` is the selected one (the last of sc->suites), `other`
 * the given one. The loader calls it (other 6: `suites: [other, profile]`
 * is [6, 2] until a profile applies), and sc_profile_apply again. */
void sc_suites_resolve(scenario *sc, int other);

/* Fill pf->profiles from its capabilities (the cross product of method-*,
 * suite-* and cred-*; a dimension the list does not name is METHOD 3,
 * suite 2 or kid, the scenarios' historical defaults), message-4, oscore and
 * error-messages for every one; framing as given. Suite 25 gets no OSCORE
 * (its hash gives OSCORE no HKDF). */
/* Can the scenario run in the reverse message flow (RFC 9528 Appendix A.2.2)
 * as the executor has it: over CoAP, with send steps of message_1..4 (and
 * error, for the harness Initiator) and expect and oscore steps in the
 * handshake's order? If not, why (e.g.
 * "step 3: an RFC 9668 combined request (forward flow only)"). */
bool sc_runs_in_reverse_flow(const scenario *sc, char *why, size_t cap);
/* Has the peer file a profile in the forward message flow (a file without
 * profiles: yes)? In the reverse one (without profiles: no)? */
bool sc_peer_has_forward_flow(const peer_file *pf);
bool sc_peer_has_reverse_flow(const peer_file *pf);
void sc_profiles_from_capabilities(peer_file *pf, sc_framing framing);

/* The credential names of p: the Initiator's and the Responder's (cap
 * bytes each). 0, or -1 when p names none and no default exists for it
 * without `cred-files` (needs_files then true). */
int sc_profile_creds(const sc_profile *p, bool cred_files, char *cred_i, char *cred_r,
                     size_t cap);

/* Does p fit sc (a matrix variant or a plain scenario)? If not, why (one
 * short phrase into why). */
bool sc_profile_fits(const scenario *sc, const sc_profile *p, bool cred_files, char *why,
                     size_t cap);

/* Index in pf->profiles of the profile a job of sc runs in, among the
 * fitting ones: FNV-1a of "<seed>/<id>/<harness role>" modulo their number,
 * so that a scenario keeps its profile whatever else the run holds and
 * the scenarios spread over the profiles. -1 when none fits (why filled).
 * With fit != NULL, every fitting index is written there (n_fit of them;
 * fit holds SC_MAX_PROFILES). */
int sc_profile_choose(const scenario *sc, const peer_file *pf, sc_role harness_role,
                      unsigned long seed, size_t *fit, size_t *n_fit, char *why, size_t cap);

/* With `credentials: {iut_peer: other}`, name sc->iut_peer_cred: the
 * generated third identity (sc_other_cred_name) with the key type of the
 * harness's credential for sc's METHOD, selected suite and kind (X.509 for
 * x5t / x5chain). 0 (also without it), or -1 for a suite or METHOD that has
 * none. The loader calls it, and sc_profile_apply again for the profile. */
int sc_name_other_cred(scenario *sc);

/* Apply p to sc in place (see above). 0, or -1 with err filled (no
 * credentials for p). */
int sc_profile_apply(scenario *sc, const sc_profile *p, bool cred_files, char *err, size_t cap);

#endif

/*
 * matrix.h - the `matrix:` key of scenario files (scenarios/README.md): one
 * file stands for one scenario per METHOD x cipher suite x credential kind
 * (a "variant"), and the names of the generated credentials
 * (vectors/creds/README.md) each variant uses.
 *
 * Variant k of a file with a matrix (methods M[], suites S[], kinds C[]):
 * method M[k / (|S||C|)], suite S[(k / |C|) % |S|], kind C[k % |C|], i.e.
 * in the file's order with the kind varying fastest. Its scenario is the
 * file's, with
 *   id       "<id>/m<M>-s<S>-<kind>"          (stable: never renumbered)
 *   title    "<title> (METHOD M, suite S, kind)"
 *   method M, suites [S], credentials.id kind,
 *   credentials own/peer  sc_matrix_cred_name() of the Initiator / the
 *            Responder (named from the harness Initiator's side, as any
 *            `role: both` scenario),
 *   needs    [method-M, suite-S, cred-<kind>] followed by the file's needs,
 *   and, when the suite defines no OSCORE (sc_suite_has_oscore), without
 *   its oscore steps and without the need `oscore`.
 * A file without a matrix has one variant: itself.
 */
#ifndef EH_SCENARIO_MATRIX_H
#define EH_SCENARIO_MATRIX_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"

/* Number of variants: the product of the matrix's list lengths, or 1. */
size_t sc_variant_count(const scenario *sc);

/* Variant k (< sc_variant_count) of tmpl as a complete scenario in *out
 * (which may not alias tmpl). 0, or -1 with err filled (k out of range, or
 * a name that does not fit: the loader refuses such files, so this is a
 * programming error). */
int sc_variant(const scenario *tmpl, size_t k, scenario *out, char *err, size_t cap);

/* Does the suite's application hash give OSCORE its HKDF (RFC 8613
 * §3.2.1; RFC 9528 Appendix A.1)? False for suite 25 (SHAKE256) and for
 * unregistered suites. */
bool sc_suite_has_oscore(int suite);

/* Whose generated credential: the Initiator's, the Responder's, or a third
 * identity ("other": a key and kid neither side uses, for scenarios that
 * tell an IUT about a credential the harness does not hold). */
typedef enum sc_gen_role { SC_GEN_INITIATOR, SC_GEN_RESPONDER, SC_GEN_OTHER } sc_gen_role;

/*
 * Name of a generated credential: "gen-<key>-<dh|sig>-<i|r|o>[-x509]", key
 * by COSE crv: 1 p256, 2 p384, 4 x25519, 5 x448, 6 ed25519, 7 ed448;
 * `-x509` for the X.509 form (NAME.cert.pem), none for the CCS form
 * (NAME.ccs.hex). 0, or -1 for another crv or a too small buffer.
 */
int sc_gen_cred_name(int cose_crv, bool static_dh, sc_gen_role role, bool x509, char *out,
                     size_t cap);

/*
 * The generated credential of the Initiator (initiator true) or the
 * Responder for METHOD and suite: a static-DH key of the suite's ECDH curve
 * where the METHOD authenticates that side with static DH (RFC 9528 §3.2,
 * Table 1: the Initiator in METHOD 2 and 3, the Responder in 1 and 3), else
 * a signature key of the suite's signature algorithm; X.509 (x509 true)
 * or CCS. 0, or -1 for an unregistered suite, a METHOD outside 0..3 or a
 * too small buffer.
 */
int sc_matrix_cred_name(int method, int suite, bool initiator, bool x509, char *out,
                        size_t cap);

/* The generated "other" credential (SC_GEN_OTHER) with the key type that
 * the Initiator's (initiator true) or the Responder's credential has for
 * METHOD and suite (as sc_matrix_cred_name): what an IUT is told the
 * harness's credential is when it must not recognise the harness
 * (`credentials: {iut_peer: other}`, scenarios/README.md). Same returns. */
int sc_other_cred_name(int method, int suite, bool initiator, bool x509, char *out,
                       size_t cap);

#endif

/*
 * matrix.h - the names of the generated credentials
 * (vectors/creds/README.md) and which one a METHOD and suite use.
 */
#ifndef EH_SCENARIO_MATRIX_H
#define EH_SCENARIO_MATRIX_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Name of a generated credential: "gen-<key>-<dh|sig>-<i|r>[-x509]", key
 * by COSE crv: 1 p256, 2 p384, 4 x25519, 5 x448, 6 ed25519, 7 ed448;
 * `-x509` for the X.509 form (NAME.cert.pem), none for the CCS form
 * (NAME.ccs.hex). 0, or -1 for another crv or a too small buffer.
 */
int sc_gen_cred_name(int cose_crv, bool static_dh, bool initiator, bool x509, char *out,
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

#endif

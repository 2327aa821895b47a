/*
 * bench_floor.h - the rows of the crypto floor (bench_floor.c) and their
 * measurement, shared by the two floors: through the crypto provider
 * (bench_floor.c) and with the best primitives (bench_best.c).
 */
#ifndef EH_BENCH_FLOOR_H
#define EH_BENCH_FLOOR_H

#include "bench.h"

typedef enum op_kind {
    KEYGEN, DECODE, ECDH, SIGN, VERIFY, HASH, EXTRACT, EXPAND, SEAL, OPEN
} op_kind;
/* EC2_KEYS: suites whose curve sends x-only EC2 keys (P-256, P-384) */
typedef enum op_when { ALWAYS, R_STATIC, I_STATIC, R_SIGNS, I_SIGNS, EC2_KEYS } op_when;
/* Which named input an operation takes. */
typedef enum op_input {
    IN_NONE, IN_M1, IN_TH2, IN_TH3, IN_TH4, IN_TBS2, IN_TBS3, IN_CT3, IN_CT4, IN_KDF
} op_input;

typedef struct floor_row {
    op_kind kind;
    op_when when;
    int count;
    op_input input;
    int label;          /* EDHOC_KDF label for IN_KDF */
    const char *what, *rfc;
} floor_row;

/* The operations RFC 9528 requires of one handshake (both parties). */
const floor_row *bench_floor_rows(size_t *n);
/* Does the row apply to METHOD method (who signs, who has static DH) with
 * suite s (its curve)? */
bool bench_floor_row_applies(const floor_row *r, int method, const eh_suite *s);

/* One operation of row r on the context c: EH_OK or an error. */
typedef eh_err (*floor_op_fn)(void *c, const floor_row *r);
/* Microseconds per call of op(c, r), calibrated to about b->op_ms; -1 when
 * a call failed. */
double bench_floor_time_op(floor_op_fn op, void *c, const floor_row *r, const bench_budget *b);

#endif

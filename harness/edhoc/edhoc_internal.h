/*
 * edhoc_internal.h - shared by the engine's files only; not a public API.
 */
#ifndef EH_EDHOC_INTERNAL_H
#define EH_EDHOC_INTERNAL_H

#include "../cbor/cbor.h"
#include "edhoc.h"

/* Run a fallible call; on failure jump to the function's `out:` label. */
#define TRY(expr)            \
    do {                     \
        err = (expr);        \
        if (err != EH_OK)    \
            goto out;        \
    } while (0)

/* Is the deliberate deviation F (EH_FAULT_*) switched on? */
#define EH_FAULTY(s, F) (((s)->cfg->faults & (F)) != 0)

/* Report an intermediate value to the configured trace callback. */
void eh_trace(const eh_session *s, const char *name, const uint8_t *val, size_t len);

/*
 * Record why processing failed, abort the session and choose the ERR_CODE
 * to answer with (2 for EH_ERR_SUITE, 3 for EH_ERR_UNKNOWN_CREDENTIAL, 1
 * otherwise). Returns err, so callers can `return eh_fail(...)`.
 */
eh_err eh_fail(eh_session *s, eh_err err, const char *field, size_t offset, const char *reason,
               const char *rfc);
/* After eh_fail: the value computed and the value received (eh_finding);
 * either may be empty (length 0); longer ones are cut to
 * EH_FINDING_VALUE_MAX. */
void eh_finding_values(eh_session *s, const uint8_t *expected, size_t expected_len,
                       const uint8_t *received, size_t received_len);
/* Map a CBOR reader error on `field` to a finding (structural errors become
 * EH_ERR_MESSAGE_FORMAT, non-deterministic encodings keep their code). */
eh_err eh_fail_cbor(eh_session *s, const eh_cbor_reader *r, eh_err cbor_err, const char *field,
                    const char *rfc);

/* A reader over input, strict unless the config says lenient. */
void eh_reader_init(const eh_session *s, eh_cbor_reader *r, const uint8_t *buf, size_t len);

/* EDHOC_KDF with the info and output traced under the given names (either
 * may be NULL). */
eh_err eh_kdf_traced(const eh_session *s, const uint8_t *prk, int64_t label, const uint8_t *ctx,
                     size_t ctx_len, uint8_t *out, size_t out_len, const char *info_name,
                     const char *out_name);
/* TH = H(parts...) of a concatenation built in `work`, traced as
 * input_name / th_name. */
eh_err eh_transcript_hash(const eh_session *s, const uint8_t *input, size_t input_len,
                          uint8_t *th, const char *input_name, const char *th_name);
/* Own ephemeral key: injected, or drawn from the RNG; fills eph_priv and
 * g_own. */
eh_err eh_ephemeral_generate(eh_session *s);
/* ECDH with the session's suite; traced as `name`. own_pub: priv's public
 * key when known (g_own, the own credential's), else NULL; peer_y: the y of
 * an EC2 key when known (a credential's x || y), else NULL (both as
 * shared_secret_xy takes them). */
eh_err eh_ecdh(const eh_session *s, const uint8_t *priv, const uint8_t *own_pub,
               const uint8_t *peer_x, const uint8_t *peer_y, uint8_t *secret, const char *name);
/* ECDH of priv with the peer's ephemeral key s->g_peer, decoded once per
 * session (an EC2 key's y is kept in s->g_peer_y): EH_ERR_INVALID_PUBLIC_KEY
 * or EH_ERR_LOW_ORDER_POINT when it fails validation. */
eh_err eh_ecdh_peer_ephemeral(eh_session *s, const uint8_t *priv, const uint8_t *own_pub,
                              uint8_t *secret, const char *name);
/* The own static DH public key of the configuration (own_cred.pub) when it
 * has the suite's length, else NULL. */
const uint8_t *eh_own_static_pub(const eh_session *s);
/* The y half of a credential's EC2 public key when it has one, else NULL. */
const uint8_t *eh_cred_pub_y(const eh_session *s, const eh_cred *c);

/* Write a connection identifier / compact kid (§3.3.2). */
void eh_conn_id_write(eh_cbor_writer *w, const uint8_t *id, size_t len);
/* The session's own identifier (honours EH_FAULT_CONN_ID_BSTR). */
void eh_conn_id_write_own(const eh_session *s, eh_cbor_writer *w, const uint8_t *id, size_t len);
/* bstr(body) for message_2/3/4 (honours EH_FAULT_NONDETERMINISTIC and
 * EH_FAULT_TRAILING_BYTES). */
void eh_message_bstr_write(const eh_session *s, eh_cbor_writer *w, const uint8_t *body,
                           size_t len);
/* Read one; field names the item for findings. EH_OK or the failure. *known
 * (if not NULL) tells whether id/len hold the identifier's bytes: on EH_OK,
 * and also when it is rejected for its form (a one-byte identifier sent as
 * a bstr), so that an error message can still be addressed with it
 * (Appendix A.2). eh_peer_conn_id_read adds cfg->max_peer_conn_id. */
eh_err eh_conn_id_read(eh_session *s, eh_cbor_reader *r, uint8_t *id, size_t *len, bool *known,
                       const char *field);
/* The peer's C_I (message_1) or C_R (message_2): eh_conn_id_read, then
 * rejected (EH_ERR_LENGTH, *known still set) when longer than
 * cfg->max_peer_conn_id. */
eh_err eh_peer_conn_id_read(eh_session *s, eh_cbor_reader *r, uint8_t *id, size_t *len, bool *known,
                       const char *field);

/* If the ID_CRED map is exactly {4: bstr}, point kid at the kid. */
bool eh_id_cred_kid_only(const uint8_t *map, size_t len, const uint8_t **kid, size_t *kid_len);
/* Write ID_CRED_x for a PLAINTEXT: compact kid when the map is exactly
 * {4: kid} (§3.5.3.2), else the map. */
eh_err eh_id_cred_write_compact(const eh_session *s, eh_cbor_writer *w, const eh_cred *cred);
/* Read ID_CRED_x from a PLAINTEXT into s->peer_id_cred (full map form). */
eh_err eh_id_cred_read(eh_session *s, eh_cbor_reader *r, const char *field);
/* The peer's credential once looked up (NULL before). */
const eh_cred *eh_peer_cred(eh_session *s);
/* Find the peer credential for s->peer_id_cred; EH_ERR_UNKNOWN_CREDENTIAL. */
eh_err eh_peer_cred_lookup(eh_session *s, const char *field);

/* Parse the EAD items remaining in r (may be none), copy them to
 * s->ead_recv and apply the critical-item rule of §3.8. */
eh_err eh_ead_read(eh_session *s, eh_cbor_reader *r, const char *field);

/* If msg is an EDHOC error message (first item an int), parse it into the
 * session, abort (or allow a suite retry) and return EH_ERR_PEER_ERROR;
 * otherwise return EH_OK. */
eh_err eh_error_message_check(eh_session *s, const uint8_t *msg, size_t len);

/*
 * Shared by message_2 and message_3: MAC_x = KDF(prk, label, context_x,
 * mac_length) and Signature_or_MAC_x. `n` is 2 or 3 (for trace names).
 * context = [C_R,] ID_CRED_x, TH_x, CRED_x, ? EAD_x (C_R only for n=2).
 */
typedef struct eh_auth_input {
    int n;                       /* 2 or 3 */
    const uint8_t *prk;          /* PRK_3e2m / PRK_4e3m */
    const uint8_t *c_r_enc;      /* encoded C_R (n = 2), else NULL */
    size_t c_r_enc_len;
    const uint8_t *id_cred;      /* full map */
    size_t id_cred_len;
    const uint8_t *cred;
    size_t cred_len;
    const uint8_t *ead;
    size_t ead_len;
    const uint8_t *pub;          /* peer's authentication key (verify only) */
    size_t pub_len;
    bool static_dh;              /* authenticating party uses static DH */
} eh_auth_input;

/* Produce Signature_or_MAC_x with own_priv (sign) or the MAC. */
eh_err eh_sig_or_mac_make(const eh_session *s, const eh_auth_input *in, uint8_t *out,
                          size_t *out_len);
/* Verify a received Signature_or_MAC_x with the peer credential: EH_OK,
 * EH_ERR_MAC or EH_ERR_SIGNATURE. On EH_ERR_MAC the MAC computed is put in
 * expected (EH_MAX_HASH_LEN bytes; the caller wipes it) and its length in
 * *expected_len; 0 otherwise. */
eh_err eh_sig_or_mac_verify(const eh_session *s, const eh_auth_input *in, uint8_t *expected,
                            size_t *expected_len, const uint8_t *sig,
                            size_t sig_len);
/* Expected length of Signature_or_MAC_x. */
size_t eh_sig_or_mac_len(const eh_session *s, bool static_dh);

/*
 * COSE_Encrypt0 of message_n (n = 3: K_3/IV_3 from `prk` with labels 3/4;
 * n = 4: K_4/IV_4 with labels 8/9), keyed on TH = s->th, with
 * A_n = ["Encrypt0", h'', TH]. seal writes pt_len + tag bytes to ct; open
 * writes ct_len - tag bytes to pt, or fails with EH_ERR_AEAD_TAG.
 */
eh_err eh_encrypt0_seal(const eh_session *s, const uint8_t *prk, int n, const uint8_t *pt,
                        size_t pt_len, uint8_t *ct);
eh_err eh_encrypt0_open(const eh_session *s, const uint8_t *prk, int n, const uint8_t *ct,
                        size_t ct_len, uint8_t *pt);

/* METHOD m: does the Initiator / Responder authenticate with static DH? */
static inline bool eh_method_i_static(int m) { return m == 2 || m == 3; }
static inline bool eh_method_r_static(int m) { return m == 1 || m == 3; }

#endif

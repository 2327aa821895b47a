/*
 * edhoc.h - sans-I/O EDHOC engine (RFC 9528): bytes in, bytes out.
 *
 * No sockets, no clock, no globals, no hidden randomness. The caller owns
 * every buffer: the configuration (and everything it points to) must stay
 * valid and unchanged for the life of a session; output buffers are filled
 * up to `cap` and their length returned. A session is a plain struct the
 * caller allocates (about 1.5 KiB); eh_session_wipe() erases its secrets.
 *
 * Flow (forward, RFC 9528 §5):
 *   Initiator                              Responder
 *   eh_initiator_message_1  -- message_1 -> eh_responder_process_message_1
 *   eh_initiator_process_message_2 <- message_2 -- eh_responder_message_2
 *   eh_initiator_message_3  -- message_3 -> eh_responder_process_message_3
 *   eh_initiator_process_message_4 <- message_4 -- eh_responder_message_4 (optional)
 *
 * A process_* call that fails leaves the session ABORTED (except a received
 * ERR_CODE 2 at the Initiator, which allows a retry with another suite),
 * fills `s->finding` (field, byte offset, reason, RFC section) and sets the
 * ERR_CODE the session must answer with; eh_error_message() encodes it.
 *
 * Every intermediate value is passed to the optional trace callback under
 * the key names of vectors/README.md ("th_2", "prk_3e2m", ...).
 */
#ifndef EH_EDHOC_H
#define EH_EDHOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/eh_err.h"
#include "../crypto/crypto.h"

#define EH_MAX_SUITES 10
#define EH_MAX_CONN_ID 24     /* bytes of a connection identifier */
#define EH_MAX_ID_CRED 512    /* bytes of a received ID_CRED map kept */
#define EH_MAX_EAD_RECV 512   /* bytes of a received EAD kept */
#define EH_MAX_ERR_INFO 256   /* bytes of a received ERR_INFO kept */
#define EH_MAX_CRED 2048      /* bytes of a credential received by value */
#define EH_WORK_SIZE 16384    /* largest context_x / TH input / plaintext */

/* --------------------------------------------------------- cipher suites */

typedef struct eh_suite {
    int id;
    const eh_aead_alg *aead;     /* EDHOC AEAD */
    const eh_hash_alg *hash;     /* EDHOC hash */
    size_t mac_len;              /* EDHOC MAC length (methods with static DH) */
    const eh_ecdh_alg *ecdh;     /* EDHOC key exchange */
    const eh_sig_alg *sig;       /* EDHOC signature algorithm */
    const eh_aead_alg *app_aead; /* application AEAD (OSCORE) */
    const eh_hash_alg *app_hash; /* application hash (OSCORE HKDF) */
} eh_suite;

/* Registered suite by its value (RFC 9528 §3.6), or NULL. */
const eh_suite *eh_suite_by_id(int id);

/* ------------------------------------------------------------ credentials */

/*
 * An authentication credential as both peers must see it (RFC 9528 §3.5).
 * The engine never re-encodes these bytes.
 */
typedef struct eh_cred {
    const uint8_t *cred;    /* CRED_x exactly as in context_x and TH: bstr-wrapped
                             * DER for X.509, the CCS map for CCS */
    size_t cred_len;
    const uint8_t *id_cred; /* ID_CRED_x: the complete COSE header map */
    size_t id_cred_len;
    /* Authentication public key. Signature methods: the suite's signature
     * key (OKP raw, EC2 x || y). Static DH: the ECDH key; for EC2 x || y
     * or x alone (only x is used). */
    const uint8_t *pub;
    size_t pub_len;
} eh_cred;

/* ------------------------------------------------------------- callbacks */

/* Fill out[0..len) with random bytes; EH_OK or EH_ERR_RNG. */
typedef eh_err (*eh_rng_fn)(void *arg, uint8_t *out, size_t len);
/* Produce Signature_or_MAC_x as a signature over to_be_signed (sig_len
 * bytes of the suite's algorithm) instead of the built-in signer; used by a
 * vector checker to reproduce a file's randomised ECDSA signature after
 * verifying it. */
typedef eh_err (*eh_sign_fn)(void *arg, const uint8_t *to_be_signed, size_t len, uint8_t *sig);
/* Observe an intermediate value; val is valid only during the call. */
typedef void (*eh_trace_fn)(void *arg, const char *name, const uint8_t *val, size_t len);
/* Tests only: rewrite PLAINTEXT_n (n = 2 or 3) the engine just built, in
 * place (*len bytes of cap), before it is encrypted and hashed into TH_3 /
 * TH_4, so that the transcript follows the bytes the peer decrypts. The
 * MAC / signature inside were computed over the unmodified fields. A
 * result other than EH_OK makes the message's build fail with it. */
typedef eh_err (*eh_plaintext_fn)(void *arg, int n, uint8_t *pt, size_t *len, size_t cap);

/* --------------------------------------------------------- configuration */

typedef enum eh_role { EH_INITIATOR = 0, EH_RESPONDER = 1 } eh_role;

/*
 * Deliberate deviations from RFC 9528 (bit flags in eh_config.faults). The
 * reference peer's `--fault NAME` switches and a scenario's `faults:` use
 * them to make a peer misbehave on purpose, so that the conformance suite
 * can show it catches each one. Never set in normal operation.
 */
enum {
    EH_FAULT_WRONG_MAC_2 = 1u << 0,          /* Signature_or_MAC_2 with a flipped bit */
    EH_FAULT_WRONG_MAC_3 = 1u << 1,          /* Signature_or_MAC_3 with a flipped bit */
    EH_FAULT_SKIP_MAC_2_CHECK = 1u << 2,     /* accept any Signature_or_MAC_2 */
    EH_FAULT_SKIP_MAC_3_CHECK = 1u << 3,     /* accept any Signature_or_MAC_3 */
    EH_FAULT_IGNORE_SUITES_ORDER = 1u << 4,  /* accept a selected suite although I prefers
                                              * another supported one (§6.3.1) */
    EH_FAULT_CONN_ID_BSTR = 1u << 5,         /* own one-byte-int identifier sent as bstr */
    EH_FAULT_ACCEPT_BSTR_CONN_ID = 1u << 6,  /* accept a bstr-encoded one-byte-int id */
    EH_FAULT_ACCEPT_CRITICAL_EAD = 1u << 7,  /* ignore unknown critical EAD items */
    EH_FAULT_NO_ERROR_MESSAGE = 1u << 8,     /* abort without sending an error message */
    EH_FAULT_WRONG_ERR_CODE = 1u << 9,       /* ERR_CODE 1 where 2 or 3 is due */
    EH_FAULT_SUITES_R_WRONG = 1u << 10,      /* SUITES_R lists no supported suite */
    EH_FAULT_TRAILING_BYTES = 1u << 11,      /* an extra 0x00 after message_2 / message_3 */
    EH_FAULT_NONDETERMINISTIC = 1u << 12,    /* non-shortest CBOR head on message_2 / 3 */
    EH_FAULT_ID_CRED_MAP = 1u << 13,         /* {4: kid} sent as a map, not compact */
    EH_FAULT_EXTRA_PADDING = 1u << 14,       /* 40 bytes of padding EAD in message_2 */
    EH_FAULT_ACCEPT_ANY_METHOD = 1u << 15,   /* accept METHOD values it does not support */
    EH_FAULT_ID_CRED_X5U = 1u << 16,         /* ID_CRED sent as {35 (x5u): uri}, a kind of
                                                credential identifier hardly anyone supports */
    EH_FAULT_ERR_CODE_3_UNSUPPORTED = 1u << 17, /* ERR_CODE 3 (unknown credential) also for an
                                                   unsupported ID_CRED kind (§6.4 forbids) */
    EH_FAULT_TH_2_OTHER_MESSAGE_1 = 1u << 18, /* Responder's TH_2 covers another message_1
                                                 (as when a man in the middle rewrote
                                                 SUITES_I): H(message_1) with a flipped bit */
    EH_FAULT_C_R_EQUALS_C_I = 1u << 19,      /* Responder takes C_I as its C_R (RFC 9668
                                                §4.1.2 forbids: equal OSCORE Recipient IDs) */
    EH_FAULT_MAC_FOR_SIGNATURE = 1u << 20,   /* a signature METHOD, authenticated as with a
                                                static DH key: MAC_x sent, not signed (§3.5.1) */
    EH_FAULT_KCCS_NO_CNF = 1u << 21,         /* ID_CRED kccs: the CCS without its cnf claim,
                                                so no COSE_Key (§3.5.3.1) */
    EH_FAULT_ID_CRED_KID_BSTR = 1u << 22,    /* compact kid always a bstr: 41 32 where the
                                                one-byte rule wants 32 (§3.5.3.2) */
    EH_FAULT_MAC_TRUNCATED = 1u << 23,       /* Signature_or_MAC_x cut to 4 bytes (a MAC
                                                must be at least 8: §3.6, §9.3) */
    EH_FAULT_ACCEPT_ID_CRED_MAP = 1u << 24,  /* lenient, not wrong: accept ID_CRED {4: kid}
                                                sent as the map where the sender owes the
                                                compact kid (§3.5.3.2 binds the sender) */
    EH_FAULT_REJECT_EAD_PADDING = 1u << 25,  /* take a padding EAD item (label 0) for an
                                                unknown critical one: ERR_CODE 1 (§3.8.1
                                                says padding is ignored) */
    EH_FAULT_COUNT_ = 26
};

/* Fault name ("wrong-mac-2") <-> bit; eh_fault_parse returns 0 when unknown. */
unsigned long eh_fault_parse(const char *name);
const char *eh_fault_name(unsigned long bit);

typedef struct eh_config {
    eh_role role;
    int method;              /* Initiator: METHOD to send (0..3) */
    unsigned methods;        /* Responder: bit m set = METHOD m accepted;
                              * 0 = only `method` */
    /* Initiator: supported suites in preference order (most preferred first).
     * Responder: supported suites (sent as SUITES_R in this order). */
    int suites[EH_MAX_SUITES];
    size_t n_suites;
    /* Initiator: index in `suites` of the suite selected in the first
     * message_1 (0 = most preferred, the normal choice). */
    size_t initial_suite_index;

    /* Own connection identifier (C_I or C_R), raw bytes; may be changed per
     * attempt with eh_session_set_conn_id(). */
    const uint8_t *conn_id;
    size_t conn_id_len;
    /* The longest identifier accepted from the peer (C_I in message_1, C_R
     * in message_2), in bytes: 0 = EH_MAX_CONN_ID. RFC 9528 sets no length
     * an implementation must take (§3.3); a constrained one may take less. */
    size_t max_peer_conn_id;

    /* Own credential and its private key (signature key or static DH key). */
    eh_cred own_cred;
    const uint8_t *own_priv;
    size_t own_priv_len;
    /* Optional: own_priv prepared once for the signature algorithm
     * own_sign_alg (eh_sig_alg.prepare; for Ed25519 the expanded key), e.g.
     * when the credential is loaded. The engine signs with it when the
     * selected suite's algorithm is own_sign_alg, else with own_priv. It
     * must be prepared from own_priv. */
    const eh_sig_alg *own_sign_alg;
    const uint8_t *own_sign_key;

    /* Credentials accepted from the peer: matched by their ID_CRED map, by
     * the certificate hash of an x5t, or (sent by value: kccs, x5chain) by
     * their CRED bytes. */
    const eh_cred *peer_creds;
    size_t n_peer_creds;
    /* Also accept any credential the peer sends by value (kccs, x5chain)
     * that is not in peer_creds: a test peer trusts what it is shown. */
    bool trust_by_value;

    /* EAD to send, as the raw EAD item sequence (NULL/0 = none). Index by
     * message number: ead[1] and ead[3] for the Initiator, ead[2] and
     * ead[4] for the Responder. */
    const uint8_t *ead[5];
    size_t ead_len[5];
    /* Critical EAD labels (negative) this application processes; an unknown
     * critical item aborts (RFC 9528 §3.8). Padding (0) is always ignored. */
    const int64_t *ead_known;
    size_t n_ead_known;

    bool message_4;          /* Responder sends, Initiator expects message_4 */
    unsigned long faults;    /* EH_FAULT_* deliberate deviations (tests only) */
    bool lenient_cbor;       /* accept non-shortest CBOR heads in input, and
                              * SUITES_I as an indefinite-length array
                              * (RFC 9528 §9.8 allows either) */

    eh_sign_fn sign;         /* optional signer override, see eh_sign_fn */
    void *sign_arg;
    eh_rng_fn rng;           /* required unless every key is injected */
    void *rng_arg;
    eh_trace_fn trace;       /* optional */
    void *trace_arg;
    eh_plaintext_fn plaintext_hook; /* optional, tests only (eh_plaintext_fn) */
    void *plaintext_arg;
} eh_config;

/* ---------------------------------------------------------------- session */

typedef enum eh_state {
    EH_STATE_START = 0,   /* Initiator: may send message_1 */
    EH_STATE_WAIT_M2,     /* Initiator sent message_1 */
    EH_STATE_VERIFIED_M2, /* Initiator processed message_2, may send message_3 */
    EH_STATE_WAIT_M4,     /* Initiator sent message_3, expects message_4 */
    EH_STATE_WAIT_M1,     /* Responder: nothing received yet */
    EH_STATE_RECEIVED_M1, /* Responder processed message_1, may send message_2 */
    EH_STATE_WAIT_M3,     /* Responder sent message_2 */
    EH_STATE_COMPLETED,   /* keys available (Responder may still send message_4) */
    EH_STATE_ABORTED
} eh_state;

typedef struct eh_session {
    const eh_config *cfg;
    eh_state state;
    int method;
    const eh_suite *suite;
    size_t suite_index;           /* Initiator: index of the selected suite */

    uint8_t eph_priv[EH_MAX_PRIV_LEN];
    uint8_t g_own[EH_MAX_COORD_LEN];  /* own ephemeral public key (x) */
    uint8_t g_peer[EH_MAX_COORD_LEN]; /* peer's ephemeral public key (x) */
    uint8_t g_peer_y[EH_MAX_COORD_LEN]; /* EC2: its y, decoded once (g_peer_y_known) */
    bool g_peer_y_known;
    uint8_t g_xy[EH_MAX_COORD_LEN];   /* Responder: computed with message_1 */
    bool eph_injected, eph_pub_injected;

    uint8_t c_i[EH_MAX_CONN_ID], c_r[EH_MAX_CONN_ID];
    size_t c_i_len, c_r_len;
    bool c_r_known;               /* Initiator: c_r holds message_2's C_R, also one
                                   * rejected for its form or length (an error message
                                   * is prefixed with it, Appendix A.2) */
    const uint8_t *conn_id;       /* own identifier for the next message */
    size_t conn_id_len;

    uint8_t h_message_1[EH_MAX_HASH_LEN];
    uint8_t th[EH_MAX_HASH_LEN];  /* latest transcript hash: TH_2, TH_3, TH_4 */
    uint8_t prk_3e2m[EH_MAX_HASH_LEN];
    uint8_t prk_4e3m[EH_MAX_HASH_LEN];
    uint8_t prk_out[EH_MAX_HASH_LEN];
    uint8_t prk_exporter[EH_MAX_HASH_LEN];

    /* Matched credential of the peer: a provisioned one, or (by_value_used)
     * the one received by value, kept inside the session so that a session
     * stays plain data that can be copied to snapshot its state. */
    const eh_cred *peer_cred;
    bool by_value_used;
    eh_cred by_value;             /* pointers refreshed by eh_peer_cred() */
    uint8_t by_value_cred[EH_MAX_CRED];
    uint8_t by_value_pub[EH_MAX_SIG_PUB_LEN];
    uint8_t peer_id_cred[EH_MAX_ID_CRED]; /* full ID_CRED map as received */
    size_t peer_id_cred_len;
    uint8_t ead_recv[EH_MAX_EAD_RECV];    /* last EAD received (raw items) */
    size_t ead_recv_len;
    bool ead_recv_truncated;      /* the EAD was longer than ead_recv */
    bool message_4_sent;
    bool key_updated;             /* EDHOC_KeyUpdate has been run */

    /* Why the session failed, and the error it must send (0 = none). */
    eh_finding finding;
    int err_code_to_send;
    /* The peer's error message, if one was received. */
    int64_t peer_err_code;
    uint8_t peer_err_info[EH_MAX_ERR_INFO]; /* ERR_INFO as encoded */
    size_t peer_err_info_len;
    int suites_r[EH_MAX_SUITES];  /* SUITES_R of a received ERR_CODE 2 */
    size_t n_suites_r;
} eh_session;

/* Start a session in the role of cfg->role. EH_ERR_ARG on a bad config.
 * A session holds no pointer into itself: copying the struct snapshots its
 * state (the copy shares the caller's config). */
eh_err eh_session_init(eh_session *s, const eh_config *cfg);

/*
 * Add the critical (negative) labels of the EAD items in ead[0..len), a
 * sequence of (ead_label : int, ? ead_value : bstr) as RFC 9528 §3.8
 * defines it, to labels[0..n) (those already collected, e.g. from another
 * message): each label once, in order of appearance, within cap. Returns
 * the new count, or -1 when ead is not such a sequence or the labels do not
 * fit cap (the caller's n still counts what is valid). For a vector file,
 * whose EAD items both endpoints understood.
 */
long eh_ead_critical_labels(const uint8_t *ead, size_t len, int64_t *labels, size_t n,
                            size_t cap);
/* Erase keys and secrets; the session must be initialised again to reuse. */
void eh_session_wipe(eh_session *s);

/*
 * Inject the ephemeral key for the next message_1 (Initiator) or the next
 * message_1 processing (Responder), instead of drawing it from the RNG.
 * pub may be NULL (derived from priv); if given it is used verbatim, as a
 * vector file may dictate. Copied; used once.
 */
eh_err eh_session_set_ephemeral(eh_session *s, const uint8_t *priv, size_t priv_len,
                                const uint8_t *pub, size_t pub_len);
/* Own connection identifier for the next message_1 / message_2 (the bytes
 * must stay valid until that message is built). */
eh_err eh_session_set_conn_id(eh_session *s, const uint8_t *id, size_t len);

/* Initiator. */
eh_err eh_initiator_message_1(eh_session *s, uint8_t *out, size_t cap, size_t *out_len);

/*
 * The fields of a message_1 read leniently (CBOR heads of any width,
 * SUITES_I also as an indefinite-length array), without judging them: for
 * a test harness that must know what a message_1 it changed, or wrote by
 * hand, carries. C_I: an int in -24..23 is the byte of its one-byte
 * encoding (§3.3.2), a bstr its bytes. Whatever follows C_I is EAD_1.
 */
typedef struct eh_message_1_view {
    int64_t method;
    int selected_suite;          /* the last suite of SUITES_I */
    const uint8_t *g_x;          /* points into the message */
    size_t g_x_len;
    uint8_t c_i[EH_MAX_CONN_ID];
    size_t c_i_len;
} eh_message_1_view;
/* EH_OK, or EH_ERR_MESSAGE_FORMAT with *field (if not NULL) naming the
 * first item that is not what a message_1 has there. */
eh_err eh_message_1_view_parse(const uint8_t *msg, size_t len, eh_message_1_view *v,
                               const char **field);

/*
 * For a test harness that sends other bytes than eh_initiator_message_1
 * built (a mutated message_1) or a message_1 of its own writing: make the
 * session follow message_1 as actually sent, so that TH_2 covers those
 * bytes (RFC 9528 §5.3.2) and C_I is the one sent. It must read as a
 * message_1 (eh_message_1_view_parse) with the session's METHOD, select a
 * configured suite, and carry a G_X whose private key the session holds:
 * the one eh_initiator_message_1 drew (state WAIT_M2) or one injected
 * with eh_session_set_ephemeral (state START). Then the session takes
 * H(msg), that suite and C_I, and waits for message_2: EH_OK. Otherwise
 * the session is unchanged and the result is EH_ERR_MESSAGE_FORMAT (not a
 * message_1), EH_ERR_UNSUPPORTED (a message_1 the session cannot stand
 * behind) or EH_ERR_STATE; *why (if not NULL) says what differs.
 */
eh_err eh_initiator_message_1_sent(eh_session *s, const uint8_t *msg, size_t len,
                                   const char **why);
/* Also accepts an error message: returns EH_ERR_PEER_ERROR; on ERR_CODE 2
 * with a usable SUITES_R the session returns to START with a new selected
 * suite (RFC 9528 §6.3.2), else it is ABORTED. */
eh_err eh_initiator_process_message_2(eh_session *s, const uint8_t *msg, size_t len);
eh_err eh_initiator_message_3(eh_session *s, uint8_t *out, size_t cap, size_t *out_len);
eh_err eh_initiator_process_message_4(eh_session *s, const uint8_t *msg, size_t len);

/* Responder. */
eh_err eh_responder_process_message_1(eh_session *s, const uint8_t *msg, size_t len);
eh_err eh_responder_message_2(eh_session *s, uint8_t *out, size_t cap, size_t *out_len);
eh_err eh_responder_process_message_3(eh_session *s, const uint8_t *msg, size_t len);
eh_err eh_responder_message_4(eh_session *s, uint8_t *out, size_t cap, size_t *out_len);

/*
 * The error message the session must send after a failed process_* call
 * (RFC 9528 §6): ERR_CODE 1 with a text naming the finding, 2 with
 * SUITES_R, or 3 with `true`. EH_ERR_STATE if no error is due (for
 * instance after receiving an error message, which is never answered).
 */
eh_err eh_error_message(const eh_session *s, uint8_t *out, size_t cap, size_t *out_len);

/* Encode an error message with arbitrary content (ERR_INFO pre-encoded). */
eh_err eh_error_message_encode(int64_t err_code, const uint8_t *err_info, size_t info_len,
                               uint8_t *out, size_t cap, size_t *out_len);

/* ---------------------------------------------------- after the handshake */

/* EDHOC_Exporter(label, context, length) (RFC 9528 §4.2.1). Available once
 * the Initiator has sent message_3 or the Responder has verified it. */
eh_err eh_exporter(eh_session *s, uint64_t label, const uint8_t *context, size_t context_len,
                   uint8_t *out, size_t out_len);

/* OSCORE security context parameters (RFC 9528 Appendix A.1). */
typedef struct eh_oscore_material {
    uint8_t master_secret[EH_MAX_AEAD_KEY_LEN];
    size_t master_secret_len;   /* key length of the application AEAD */
    uint8_t master_salt[8];
    size_t master_salt_len;     /* 8 */
    uint8_t sender_id[EH_MAX_CONN_ID], recipient_id[EH_MAX_CONN_ID];
    size_t sender_id_len, recipient_id_len;
    int aead_alg;               /* COSE id of the application AEAD */
    int hash_alg;               /* COSE id of the application hash */
} eh_oscore_material;

eh_err eh_oscore_material_derive(eh_session *s, eh_oscore_material *out);

/* EDHOC_KeyUpdate(context) (RFC 9528 Appendix H): new PRK_out, PRK_exporter. */
eh_err eh_key_update(eh_session *s, const uint8_t *context, size_t context_len);

/* --------------------------------------------------------------- helpers */

/* Connection identifier / compact kid encoding of §3.3.2: a one-byte id
 * that is a one-byte CBOR integer encoding is sent as that byte. */
bool eh_conn_id_is_int(const uint8_t *id, size_t len);
/* Encode a connection identifier (or compact kid) as on the wire; returns
 * the length, or 0 if it does not fit cap (an empty id encodes as 0x40). */
size_t eh_conn_id_encode(const uint8_t *id, size_t len, uint8_t *out, size_t cap);

/* EDHOC_KDF(PRK, label, context, length) with the suite's hash (§4.1.2). */
eh_err eh_kdf(const eh_suite *suite, const uint8_t *prk, int64_t label, const uint8_t *context,
              size_t context_len, uint8_t *out, size_t out_len);

#endif

/*
 * session_table.h - the reference Responder's table of sessions (issue 19
 * item 3): a fixed number of slots, allocated once, and indexes so that a
 * message_1 and a message_3 cost the same whatever the number of sessions:
 *   - lookup by C_R: hash buckets, each a chain in slot order (a C_R that
 *     several sessions share, a fixed --c-r, finds the lowest slot first);
 *   - a retransmitted message_1: hash of (client address, message_1 bytes);
 *   - allocation: the lowest free slot (a two-level bitmap);
 *   - eviction when full: the oldest half-open session (creation order), else
 *     the least recently completed one; two lists, O(1);
 *   - which one-byte C_R are in use: a count per byte.
 * Memory: cap slots of sizeof(resp_session) (about 6 KB: the engine's session,
 * the last request and answer for duplicate detection, the OSCORE context),
 * plus 16 bytes of index per slot, all allocated by st_new. Raw-framing
 * correlation by client address (a bare message_3) still walks the table.
 * Not thread-safe; no I/O.
 */
#ifndef EH_PEER_SESSION_TABLE_H
#define EH_PEER_SESSION_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct resp_session resp_session;
typedef struct session_table session_table;

/* A table of cap (>= 1) empty slots; NULL when out of memory. */
session_table *st_new(size_t cap);
/* Clears every session (resp_session_clear) and frees the table; NULL is fine. */
void st_free(session_table *t);

size_t st_cap(const session_table *t);
size_t st_active(const session_table *t);
/* Slot i (0 <= i < cap), used or not: for the walks that are not indexed. */
resp_session *st_at(session_table *t, size_t i);

/* A cleared, used slot with a new creation time: the lowest free one, else
 * (evict) the oldest half-open session or the least recently completed one,
 * cleared, and *evicted set; NULL when the table is full and !evict. */
resp_session *st_alloc(session_table *t, bool evict, bool *evicted);
/* Unindex rs and clear it (resp_session_clear); the slot is free again. */
void st_release(session_table *t, resp_session *rs);

/* rs's C_R is final (rs->c_r, rs->c_r_len): index it (once). */
void st_index_c_r(session_table *t, resp_session *rs);
/* The used, indexed session with this C_R, other than except (may be NULL). */
resp_session *st_by_c_r(session_table *t, const uint8_t *c_r, size_t len,
                        const resp_session *except);
/* Sessions whose indexed C_R is the one byte b. */
unsigned st_one_byte_users(const session_table *t, uint8_t b);

/* rs answered message_1 m1 from client: index it for st_duplicate_message_1. */
void st_index_message_1(session_table *t, resp_session *rs, const char *client,
                        const uint8_t *m1, size_t len);
/* A session of client waiting for message_3 whose message_1 was exactly m1. */
resp_session *st_duplicate_message_1(session_table *t, const char *client, const uint8_t *m1,
                                     size_t len);

/* rs's state changed (completed, or back before message_3): keep the eviction
 * lists right. */
void st_relist(session_table *t, resp_session *rs);

#endif

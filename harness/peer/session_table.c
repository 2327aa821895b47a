/* session_table.c - see session_table.h. */
#include "session_table.h"

#include <stdlib.h>
#include <string.h>

#include "peer_internal.h"

typedef struct st_list {
    uint32_t head, tail; /* slot + 1 */
} st_list;

struct session_table {
    resp_session *slots;
    size_t cap, active;
    uint64_t clock;
    uint64_t *free_bits, *free_summary; /* bit set: slot free / word not all used */
    size_t n_words, n_summary;
    uint32_t *c_r_buckets, *m1_buckets; /* slot + 1 of each chain's head */
    size_t n_buckets;                   /* a power of two >= cap */
    st_list half_open, completed;
    unsigned one_byte[256];
};

#define SLOT(t, id) (&(t)->slots[(id)-1])
#define ID(t, rs) ((uint32_t)((rs) - (t)->slots) + 1)

static uint32_t fnv(uint32_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

session_table *st_new(size_t cap)
{
    if (cap == 0 || cap > UINT32_MAX - 1)
        return NULL;
    session_table *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->cap = cap;
    t->n_words = (cap + 63) / 64;
    t->n_summary = (t->n_words + 63) / 64;
    for (t->n_buckets = 64; t->n_buckets < cap; t->n_buckets *= 2)
        ;
    t->slots = calloc(cap, sizeof *t->slots);
    t->free_bits = calloc(t->n_words, sizeof *t->free_bits);
    t->free_summary = calloc(t->n_summary, sizeof *t->free_summary);
    t->c_r_buckets = calloc(t->n_buckets, sizeof *t->c_r_buckets);
    t->m1_buckets = calloc(t->n_buckets, sizeof *t->m1_buckets);
    if (!t->slots || !t->free_bits || !t->free_summary || !t->c_r_buckets || !t->m1_buckets) {
        st_free(t);
        return NULL;
    }
    for (size_t i = 0; i < cap; i++)
        t->free_bits[i / 64] |= 1ull << (i % 64);
    for (size_t w = 0; w < t->n_words; w++)
        t->free_summary[w / 64] |= 1ull << (w % 64);
    return t;
}

void st_free(session_table *t)
{
    if (t == NULL)
        return;
    /* Only the slots in use are visited (a clear bit in free_bits): reading
     * every slot would fault in pages of the table never written, a cost
     * paid at every Responder's exit. */
    for (size_t w = 0; t->slots && t->free_bits && w < t->n_words; w++) {
        uint64_t in_use = ~t->free_bits[w];
        while (in_use) {
            size_t i = w * 64 + (size_t)__builtin_ctzll(in_use);
            in_use &= in_use - 1;
            if (i < t->cap && t->slots[i].used)
                resp_session_clear(&t->slots[i]);
        }
    }
    free(t->slots);
    free(t->free_bits);
    free(t->free_summary);
    free(t->c_r_buckets);
    free(t->m1_buckets);
    free(t);
}

size_t st_cap(const session_table *t) { return t->cap; }
size_t st_active(const session_table *t) { return t->active; }
resp_session *st_at(session_table *t, size_t i) { return &t->slots[i]; }

/* ------------------------------------------------------------ free slots */

static void mark_free(session_table *t, size_t i, bool is_free)
{
    size_t w = i / 64;
    if (is_free)
        t->free_bits[w] |= 1ull << (i % 64);
    else
        t->free_bits[w] &= ~(1ull << (i % 64));
    if (t->free_bits[w])
        t->free_summary[w / 64] |= 1ull << (w % 64);
    else
        t->free_summary[w / 64] &= ~(1ull << (w % 64));
}

/* The lowest free slot, or -1. */
static long lowest_free(const session_table *t)
{
    for (size_t s = 0; s < t->n_summary; s++) {
        if (t->free_summary[s] == 0)
            continue;
        size_t w = s * 64 + (size_t)__builtin_ctzll(t->free_summary[s]);
        return (long)(w * 64 + (size_t)__builtin_ctzll(t->free_bits[w]));
    }
    return -1;
}

/* ----------------------------------------------------------------- lists */

static void list_unlink(session_table *t, st_list *l, resp_session *rs)
{
    if (rs->prev)
        SLOT(t, rs->prev)->next = rs->next;
    else
        l->head = rs->next;
    if (rs->next)
        SLOT(t, rs->next)->prev = rs->prev;
    else
        l->tail = rs->prev;
    rs->prev = rs->next = 0;
}

static void list_append(session_table *t, st_list *l, resp_session *rs)
{
    rs->prev = l->tail, rs->next = 0;
    if (l->tail)
        SLOT(t, l->tail)->next = ID(t, rs);
    else
        l->head = ID(t, rs);
    l->tail = ID(t, rs);
}

/* Into the half-open list in creation order (from the tail: a session that
 * goes back there is rarely old). */
static void half_open_insert(session_table *t, resp_session *rs)
{
    uint32_t after = t->half_open.tail;
    while (after && SLOT(t, after)->created > rs->created)
        after = SLOT(t, after)->prev;
    if (after == 0) {
        rs->prev = 0, rs->next = t->half_open.head;
        if (t->half_open.head)
            SLOT(t, t->half_open.head)->prev = ID(t, rs);
        else
            t->half_open.tail = ID(t, rs);
        t->half_open.head = ID(t, rs);
        return;
    }
    resp_session *a = SLOT(t, after);
    rs->prev = after, rs->next = a->next;
    if (a->next)
        SLOT(t, a->next)->prev = ID(t, rs);
    else
        t->half_open.tail = ID(t, rs);
    a->next = ID(t, rs);
}

void st_relist(session_table *t, resp_session *rs)
{
    bool done = rs->s.state == EH_STATE_COMPLETED;
    if (!rs->used || done == rs->in_completed)
        return;
    list_unlink(t, rs->in_completed ? &t->completed : &t->half_open, rs);
    rs->in_completed = done;
    if (done)
        list_append(t, &t->completed, rs);
    else
        half_open_insert(t, rs);
}

/* --------------------------------------------------------------- indexes */

static uint32_t c_r_bucket(const session_table *t, const uint8_t *c_r, size_t len)
{
    uint8_t n = (uint8_t)len;
    return fnv(fnv(2166136261u, &n, 1), c_r, len) & (uint32_t)(t->n_buckets - 1);
}

static uint32_t m1_bucket(const session_table *t, const char *client, const uint8_t *m1,
                          size_t len)
{
    return fnv(fnv(2166136261u, client, strlen(client) + 1), m1, len) &
           (uint32_t)(t->n_buckets - 1);
}

void st_index_c_r(session_table *t, resp_session *rs)
{
    if (rs->c_r_indexed || !rs->used)
        return;
    uint32_t *link = &t->c_r_buckets[c_r_bucket(t, rs->c_r, rs->c_r_len)];
    while (*link && *link < ID(t, rs)) /* chains in slot order */
        link = &SLOT(t, *link)->next_c_r;
    rs->next_c_r = *link;
    *link = ID(t, rs);
    rs->c_r_indexed = true;
    if (rs->c_r_len == 1)
        t->one_byte[rs->c_r[0]]++;
}

static void unindex_c_r(session_table *t, resp_session *rs)
{
    if (!rs->c_r_indexed)
        return;
    uint32_t *link = &t->c_r_buckets[c_r_bucket(t, rs->c_r, rs->c_r_len)];
    while (*link && *link != ID(t, rs))
        link = &SLOT(t, *link)->next_c_r;
    if (*link)
        *link = rs->next_c_r;
    rs->c_r_indexed = false;
    if (rs->c_r_len == 1)
        t->one_byte[rs->c_r[0]]--;
}

resp_session *st_by_c_r(session_table *t, const uint8_t *c_r, size_t len,
                        const resp_session *except)
{
    for (uint32_t id = t->c_r_buckets[c_r_bucket(t, c_r, len)]; id; id = SLOT(t, id)->next_c_r) {
        resp_session *rs = SLOT(t, id);
        if (rs != except && rs->used && rs->c_r_len == len && memcmp(rs->c_r, c_r, len) == 0)
            return rs;
    }
    return NULL;
}

unsigned st_one_byte_users(const session_table *t, uint8_t b)
{
    return t->one_byte[b];
}

void st_index_message_1(session_table *t, resp_session *rs, const char *client,
                        const uint8_t *m1, size_t len)
{
    if (rs->m1_indexed || !rs->used)
        return;
    rs->m1_bucket = m1_bucket(t, client, m1, len);
    rs->next_m1 = t->m1_buckets[rs->m1_bucket];
    t->m1_buckets[rs->m1_bucket] = ID(t, rs);
    rs->m1_indexed = true;
}

static void unindex_message_1(session_table *t, resp_session *rs)
{
    if (!rs->m1_indexed)
        return;
    uint32_t *link = &t->m1_buckets[rs->m1_bucket];
    while (*link && *link != ID(t, rs))
        link = &SLOT(t, *link)->next_m1;
    if (*link)
        *link = rs->next_m1;
    rs->m1_indexed = false;
}

resp_session *st_duplicate_message_1(session_table *t, const char *client, const uint8_t *m1,
                                     size_t len)
{
    resp_session *best = NULL;
    for (uint32_t id = t->m1_buckets[m1_bucket(t, client, m1, len)]; id;
         id = SLOT(t, id)->next_m1) {
        resp_session *rs = SLOT(t, id);
        if (rs->used && rs->s.state == EH_STATE_WAIT_M3 && strcmp(rs->client, client) == 0 &&
            rs->last_req_len == len && len > 0 && memcmp(rs->last_req, m1, len) == 0 &&
            (best == NULL || rs < best)) /* the lowest slot, as a walk of the table */
            best = rs;
    }
    return best;
}

/* ---------------------------------------------------- allocate / release */

void st_release(session_table *t, resp_session *rs)
{
    if (rs->used) {
        unindex_c_r(t, rs);
        unindex_message_1(t, rs);
        list_unlink(t, rs->in_completed ? &t->completed : &t->half_open, rs);
        t->active--;
        mark_free(t, (size_t)(rs - t->slots), true);
    }
    resp_session_clear(rs);
}

resp_session *st_alloc(session_table *t, bool evict, bool *evicted)
{
    *evicted = false;
    long i = lowest_free(t);
    resp_session *rs;
    if (i >= 0) {
        rs = &t->slots[i];
    } else {
        if (!evict)
            return NULL;
        uint32_t victim = t->half_open.head ? t->half_open.head : t->completed.head;
        rs = SLOT(t, victim);
        st_release(t, rs);
        *evicted = true;
    }
    resp_session_clear(rs);
    rs->used = true;
    rs->created = ++t->clock;
    mark_free(t, (size_t)(rs - t->slots), false);
    t->active++;
    list_append(t, &t->half_open, rs);
    return rs;
}

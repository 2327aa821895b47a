/*
 * pubkey_cache.c - ECDSA public keys imported into OpenSSL once per key.
 *
 * Importing x || y as an EVP_PKEY (EVP_PKEY_fromdata: parameters built,
 * point decoded and checked) costs ~17 us on P-256, a quarter of the
 * verification itself; a credential's key is verified against again and
 * again (every handshake of a run, every job of a bench). Sessions and
 * credentials stay plain bytes (a session is copied to snapshot it), so
 * the imported keys live here, keyed by their bytes: a small table shared
 * by the process, public keys only, so nothing in it is secret.
 *
 * Thread-safe (one mutex, held only for the look-up and the insertion, and
 * taken around fork() so that a child never inherits it locked). A hit
 * returns a new reference: the caller frees it, and an entry replaced
 * meanwhile stays valid for whoever holds it.
 */
#include "crypto_internal.h"

#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/params.h>

#define SLOTS 16

typedef struct slot {
    int nid;
    size_t len;
    uint8_t pub[EH_MAX_SIG_PUB_LEN];
    EVP_PKEY *key;
} slot;

static slot slots[SLOTS];
static size_t next_victim;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void fork_prepare(void)
{
    pthread_mutex_lock(&lock);
}

static void fork_done(void)
{
    pthread_mutex_unlock(&lock);
}

static void atfork_register(void)
{
    pthread_atfork(fork_prepare, fork_done, fork_done);
}

static EVP_PKEY *import(const char *group, const uint8_t *pub, size_t coord_len)
{
    uint8_t point[1 + EH_MAX_SIG_PUB_LEN];
    EVP_PKEY *key = NULL;
    OSSL_PARAM params[3];

    point[0] = 0x04; /* SEC 1 uncompressed point */
    memcpy(point + 1, pub, 2 * coord_len);
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)group, 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point,
                                                  1 + 2 * coord_len);
    params[2] = OSSL_PARAM_construct_end();
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
        EVP_PKEY_free(key);
        key = NULL;
    }
    EVP_PKEY_CTX_free(ctx);
    ERR_clear_error();
    return key;
}

EVP_PKEY *eh_ec_pubkey(int nid, const char *group, const uint8_t *pub, size_t coord_len,
                       eh_err (*check)(const uint8_t *x, const uint8_t *y))
{
    size_t len = 2 * coord_len;
    EVP_PKEY *key = NULL;

    if (pub == NULL || len > EH_MAX_SIG_PUB_LEN)
        return NULL;
    pthread_once(&atfork_once, atfork_register);
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < SLOTS && key == NULL; i++)
        if (slots[i].key != NULL && slots[i].nid == nid && slots[i].len == len &&
            memcmp(slots[i].pub, pub, len) == 0 && EVP_PKEY_up_ref(slots[i].key) == 1)
            key = slots[i].key;
    pthread_mutex_unlock(&lock);
    if (key != NULL)
        return key;

    if (check != NULL && check(pub, pub + coord_len) != EH_OK)
        return NULL;
    key = import(group, pub, coord_len);
    if (key == NULL || EVP_PKEY_up_ref(key) != 1)
        return key; /* not kept: NULL, or used once */
    pthread_mutex_lock(&lock);
    slot *s = &slots[next_victim];
    next_victim = (next_victim + 1) % SLOTS;
    EVP_PKEY *old = s->key;
    s->nid = nid, s->len = len, s->key = key;
    memcpy(s->pub, pub, len);
    pthread_mutex_unlock(&lock);
    EVP_PKEY_free(old);
    return key;
}

void eh_ec_pubkey_cache_clear(void)
{
    EVP_PKEY *old[SLOTS];
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < SLOTS; i++) {
        old[i] = slots[i].key;
        slots[i] = (slot){0};
    }
    next_victim = 0;
    pthread_mutex_unlock(&lock);
    for (size_t i = 0; i < SLOTS; i++)
        EVP_PKEY_free(old[i]);
}

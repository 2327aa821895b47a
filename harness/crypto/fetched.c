/*
 * fetched.c - the OpenSSL digests and MACs the provider uses, fetched once
 * per process and then only read (a fetched EVP_MD / EVP_MAC may be shared
 * between threads). Fetching by name costs about as much as hashing a
 * short input again (EVP_Digest with EVP_sha256() 0.32 us, with a fetched
 * SHA-256 0.15 us for 80 bytes: make bench's micro-figures, harness/crypto/README.md).
 */
#include "crypto_internal.h"

#include <pthread.h>

static EVP_MD *mds[EH_MD_COUNT_];
static EVP_MAC *kmac;
static pthread_once_t fetched_once = PTHREAD_ONCE_INIT;

static void fetch_all(void)
{
    mds[EH_MD_SHA256] = EVP_MD_fetch(NULL, "SHA2-256", NULL);
    mds[EH_MD_SHA384] = EVP_MD_fetch(NULL, "SHA2-384", NULL);
    mds[EH_MD_SHAKE256] = EVP_MD_fetch(NULL, "SHAKE-256", NULL);
    kmac = EVP_MAC_fetch(NULL, "KMAC-256", NULL);
}

const EVP_MD *eh_md(eh_md_id id)
{
    if ((unsigned)id >= EH_MD_COUNT_)
        return NULL;
    pthread_once(&fetched_once, fetch_all);
    return mds[id];
}

EVP_MAC *eh_mac_kmac256(void)
{
    pthread_once(&fetched_once, fetch_all);
    return kmac;
}

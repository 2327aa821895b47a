/*
 * ec_group.c - the EC2 curves' OpenSSL groups, made once per process and
 * then only read (an EC_GROUP may be shared between threads for reading).
 * Building one for every ECDH, key pair or ECDSA signature cost a tenth of
 * a P-256 ECDH and half of a key pair (make bench: METHOD 3 suite 2
 * handshake 382 -> 320 us).
 */
#include "crypto_internal.h"

#include <openssl/obj_mac.h>
#include <pthread.h>

static EC_GROUP *groups[2];
static pthread_once_t groups_once = PTHREAD_ONCE_INIT;

static void groups_make(void)
{
    groups[0] = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    groups[1] = EC_GROUP_new_by_curve_name(NID_secp384r1);
}

const EC_GROUP *eh_ec_group(int nid)
{
    if (nid != NID_X9_62_prime256v1 && nid != NID_secp384r1)
        return NULL;
    pthread_once(&groups_once, groups_make);
    return groups[nid == NID_X9_62_prime256v1 ? 0 : 1];
}

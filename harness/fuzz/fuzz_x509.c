/* fuzz_x509.c - the X.509 readers (harness/crypto/x509.h) on any bytes,
 * as DER and as PEM text: the subject's public key of a DER certificate
 * (eh_x509_public_key, as for an x5chain received by value), its Ed25519
 * signature against RFC 9529's root key, and the first certificate of PEM
 * text (eh_pem_cert_read, as for credential files). A certificate that was
 * read is written as PEM and read again: the same bytes. (PEM private keys:
 * fuzz_pem_key.c, apart because OpenSSL's key decoders are slow.) */
#include <string.h>

#include "../crypto/crypto.h"
#include "../crypto/x509.h"
#include "trace1.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_cert(const uint8_t *der, size_t der_len)
{
    static char pem[8192];
    static uint8_t again[4096];
    uint8_t pub[EH_MAX_SIG_PUB_LEN];
    size_t pem_len, n, pub_len;
    eh_key_type type;
    if (eh_x509_public_key(der, der_len, &type, pub, sizeof pub, &pub_len) == EH_OK &&
        pub_len != eh_key_type_pub_len(type))
        __builtin_trap();
    (void)eh_x509_verify_ed25519(der, der_len, T1_ROOT_CA_PK);
    if (eh_pem_cert_write(der, der_len, pem, sizeof pem, &pem_len) != EH_OK)
        return;
    if (eh_pem_cert_read(pem, pem_len, again, sizeof again, &n) != EH_OK || n != der_len ||
        memcmp(again, der, n) != 0)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t der[4096];
    size_t n;
    (void)eh_crypto_init(); /* idempotent */
    check_cert(data, size);
    if (eh_pem_cert_read((const char *)data, size, der, sizeof der, &n) == EH_OK)
        check_cert(der, n);
    return 0;
}

/* fuzz_pem_key.c - the PEM private key reader (eh_pem_private_key_read,
 * harness/crypto/x509.h: credential files' *.key.pem) on any bytes as
 * text. A key that was read is written as PEM and read again: the same type
 * and bytes; a key that could not be read leaves its buffer zeroed. Apart
 * from fuzz_x509.c because every call builds OpenSSL's key decoders (about
 * 1 ms under the sanitizers): make fuzz-smoke gives it fewer runs. */
#include <stdbool.h>
#include <string.h>

#include "../crypto/crypto.h"
#include "../crypto/x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool all_zero(const uint8_t *b, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= b[i];
    return acc == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char pem[8192];
    uint8_t priv[64], again[64];
    size_t n, priv_len, again_len;
    eh_key_type type, type2;
    (void)eh_crypto_init(); /* idempotent */
    memset(priv, 0xa5, sizeof priv);
    if (eh_pem_private_key_read((const char *)data, size, &type, priv, sizeof priv, &priv_len) !=
        EH_OK) {
        if (!all_zero(priv, sizeof priv))
            __builtin_trap();
        return 0;
    }
    if (priv_len != eh_key_type_priv_len(type))
        __builtin_trap();
    if (eh_pem_private_key_write(type, priv, priv_len, pem, sizeof pem, &n) == EH_OK &&
        (eh_pem_private_key_read(pem, n, &type2, again, sizeof again, &again_len) != EH_OK ||
         type2 != type || again_len != priv_len || memcmp(again, priv, priv_len) != 0))
        __builtin_trap();
    return 0;
}

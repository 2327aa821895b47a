/* fuzz_cbor.c - the strict CBOR reader (eh_cbor_check walks every item of a
 * CBOR sequence) and the diagnostic-notation printer, on any bytes. */
#include "../cbor/cbor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    eh_cbor_check_result res;
    char diag[4096];
    (void)eh_cbor_check(data, size, &res);
    (void)eh_cbor_diag(data, size, diag, sizeof diag);
    return 0;
}

/* fuzz_exec_prefix.c - the scenario executor's split of a request payload
 * it received as Responder (harness/scenario/prefix_split.h: CBOR true
 * before message_1, C_R before message_3 or an error, another identifier
 * before them). Input: one byte k (0..4, the length of the harness's own
 * encoded C_R), those k bytes, then the payload. Checks what the split
 * promises: an offset inside the payload, a known kind, message_1 after
 * 0xf5 or flagged as after another prefix. */
#include <stdint.h>
#include <string.h>

#include "../scenario/prefix_split.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t k = data[0] % 5;
    if (size < 1 + k)
        return 0;
    const uint8_t *own = data + 1, *p = data + 1 + k;
    size_t n = size - 1 - k;
    sc_split sp;
    if (sc_prefix_split(p, n, own, k, &sp)) {
        if (sp.kind == NULL || sp.msg_offset > n)
            __builtin_trap();
        if (strcmp(sp.kind, "message_1") == 0 && !sp.foreign_prefix &&
            (sp.msg_offset != 1 || p[0] != 0xf5))
            __builtin_trap();
        if (sp.foreign_prefix && (sp.msg_offset == 0 || (sp.msg_offset == 1 && p[0] == 0xf5)))
            __builtin_trap();
        if (strcmp(sp.kind, "message_1") != 0 && strcmp(sp.kind, "message_3") != 0 &&
            strcmp(sp.kind, "error") != 0)
            __builtin_trap();
    }
    return 0;
}

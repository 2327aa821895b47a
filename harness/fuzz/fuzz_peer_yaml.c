/* fuzz_peer_yaml.c - the peer file loader (peer_file_load_mem: libyaml, then
 * the schema of peers/README.md: launch commands, capabilities, known
 * failures, size budget) on any bytes as a file's content. */
#include "../scenario/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static peer_file pf;
    char err[512];
    if (peer_file_load_mem("fuzz.yaml", (const char *)data, size, &pf, err, sizeof err) == 0)
        (void)peer_has_capability(&pf, "coap");
    return 0;
}

/* fuzz_scenario_yaml.c - the scenario file loader (scenario_load_mem: libyaml,
 * then every key checked against the schema of scenarios/README.md) on any
 * bytes as a file's content; a file that loads with a `matrix:` is
 * expanded into its first variants (sc_variant), as the runner does. */
#include "../scenario/matrix.h"
#include "../scenario/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static scenario sc, variant;
    char err[512];
    if (scenario_load_mem("fuzz.yaml", (const char *)data, size, &sc, err, sizeof err) != 0)
        return 0;
    size_t n = sc_variant_count(&sc);
    for (size_t k = 0; k < n && k < 4; k++)
        (void)sc_variant(&sc, k, &variant, err, sizeof err);
    return 0;
}

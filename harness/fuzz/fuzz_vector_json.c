/* fuzz_vector_json.c - the vector file loader (vfile_load_mem: jansson,
 * every value hex or an allowed integer; vectors/README.md) on any bytes as
 * a file's content, then what `vectors check` and `peer --vector` do with
 * a file that loads: both roles configured from its inputs
 * (vector_setup_load: METHOD, suites, keys, credentials, identifiers) and
 * their sessions started. The loader complains on stderr: run with
 * -close_fd_mask=2 to keep it quiet (make fuzz does). */
#include "../crypto/crypto.h"
#include "../vectors/trace_log.h"
#include "../vectors/vector_setup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static vector_setup vs;
    static eh_session s;
    vfile vf;
    trace_log derived;
    (void)eh_crypto_init(); /* idempotent */
    if (vfile_load_mem(&vf, "fuzz.json", (const char *)data, size) != 0)
        return 0;
    if (trace_log_init(&derived) == 0) {
        if (vector_setup_load(&vf, &vs, &derived) == 0) {
            if (eh_session_init(&s, &vs.ci) == EH_OK)
                eh_session_wipe(&s);
            if (eh_session_init(&s, &vs.cr) == EH_OK)
                eh_session_wipe(&s);
        }
        trace_log_free(&derived);
    }
    vfile_free(&vf);
    return 0;
}

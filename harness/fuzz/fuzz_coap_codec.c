/* fuzz_coap_codec.c - the CoAP message codec (harness/oscore/coap_codec.h)
 * on any bytes as a whole CoAP-over-UDP datagram (eh_coap_udp_decode, as
 * the reference peer's raw-UDP side and the OSCORE tests use it), and as a
 * bare option list. RFC 7252 §3 leaves one encoding per message (an option
 * delta or length has one form, options come sorted), so a datagram that
 * decodes must encode back to the same bytes. */
#include <string.h>

#include "../oscore/coap_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t out[70000];
    static eh_coap_msg msg;
    eh_coap_udp_hdr hdr;
    size_t n = 0, n_opts = 0, consumed = 0;
    if (eh_coap_udp_decode(data, size, &hdr, &msg) == EH_OK) {
        (void)eh_coap_find_option(&msg, EH_COAP_OPT_OSCORE);
        if (eh_coap_udp_encode(&hdr, &msg, out, sizeof out, &n) != EH_OK || n != size ||
            memcmp(out, data, size) != 0)
            __builtin_trap();
    }
    if (eh_coap_options_decode(data, size, msg.opts, EH_COAP_MAX_OPTIONS, &n_opts, &consumed) ==
        EH_OK) {
        if (consumed > size ||
            eh_coap_options_encode(msg.opts, n_opts, out, sizeof out, &n) != EH_OK ||
            n != consumed || memcmp(out, data, n) != 0)
            __builtin_trap();
    }
    return 0;
}

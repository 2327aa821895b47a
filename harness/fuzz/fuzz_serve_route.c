/* fuzz_serve_route.c - what `serve` reads from any client before a job
 * holds it (harness/serve/serve_route.h): any bytes as a CoAP-over-UDP
 * datagram and as a CoAP-over-TCP stream, cut into frames as the front
 * cuts a connection's bytes, each frame inside the input; a route's
 * strings stay terminated; answers are encoded into a small buffer. */
#include <string.h>

#include "../serve/serve_route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void answer(const serve_request *r)
{
    uint8_t out[256];
    int method, suite;
    if (strlen(r->test_id) >= sizeof r->test_id || strlen(r->name) >= sizeof r->name ||
        strlen(r->profile) >= sizeof r->profile)
        __builtin_trap();
    (void)serve_response(r, 1, r->answer_code, 50, 1, (const uint8_t *)r->answer_text,
                         strlen(r->answer_text), out, sizeof out);
    (void)serve_response_tcp(r, 0x45, -1, -1, r->payload, r->payload_len, out, sizeof out);
    if (r->payload_len)
        (void)serve_message_1_peek(r->payload, r->payload_len, &method, &suite);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    serve_request r;
    serve_route(data, size, &r);
    if (r.payload_len && (r.payload < data || r.payload + r.payload_len > data + size))
        __builtin_trap();
    answer(&r);
    for (size_t off = 0; off < size;) {
        size_t n = serve_route_tcp(data + off, size - off, &r);
        if (n == 0 || n == SERVE_TCP_BAD)
            break;
        if (n > size - off)
            __builtin_trap();
        answer(&r);
        off += n;
    }
    return 0;
}

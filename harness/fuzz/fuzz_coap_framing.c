/* fuzz_coap_framing.c - the reference Responder on raw UDP, fed any
 * datagrams: peer_udp_request_parse (a CoAP message when it parses and
 * carries an OSCORE option, else a bare EDHOC payload), then
 * peer_responder_handle with the framing of RFC 9528 Appendix A.2 (0xf5
 * before message_1, C_R before message_3 or an error; `auto` also takes
 * bare messages), its session table, and the OSCORE resource behind a
 * completed handshake (RFC 9668 combined request included); the answer is
 * encoded as the datagram to send.
 *
 * Input: up to 8 datagrams, each a 2-byte big-endian length and that many
 * bytes (the last one takes what is left if it is shorter), handled in
 * order by one Responder: trace 2's, with the trace's C_R and Y, so that
 * the trace's message_1 and message_3 complete a handshake and an OSCORE
 * request protected with the trace's OSCORE context is served. */
#include <stdlib.h>

#include "../peer/peer.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fz_peer rp;
    static uint8_t out[TR_UDP_MAX_DATAGRAM];
    fz_crypto_init();
    fz_peer_init(&rp, 0);
    rp.cfg.message_4 = false; /* else the combined request is refused */
    peer_responder_opts o;
    memset(&o, 0, sizeof o);
    o.edhoc = &rp.cfg;
    o.fixed_c_r = true;
    o.framing = PEER_FRAMING_AUTO;
    o.max_sessions = 4;
    o.resource = "/hello";
    o.eph_priv = T2_Y;
    o.eph_priv_len = sizeof T2_Y;
    peer_responder *r = peer_responder_new(&o);
    if (r == NULL)
        return 0;
    for (int k = 0; k < 8 && size >= 2; k++) {
        size_t len = (size_t)data[0] << 8 | data[1];
        data += 2, size -= 2;
        if (len > size)
            len = size;
        peer_udp_request rq;
        tr_message resp;
        const uint8_t *dgram;
        size_t n;
        memset(&resp, 0, sizeof resp);
        peer_udp_request_parse(data, len, &rq);
        peer_responder_handle(r, &rq.req, "192.0.2.1:5683", &resp);
        (void)peer_udp_response_encode(&rq, &resp, out, sizeof out, &dgram, &n);
        data += len, size -= len;
    }
    peer_responder_free(r);
    return 0;
}

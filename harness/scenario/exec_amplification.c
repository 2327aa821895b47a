/*
 * exec_amplification.c - the amplification factor of an IUT Responder
 * (RFC 9528 §9.7: a flood of message_1 can make the Responder "amplify
 * messages"; Appendix A.2: a CoAP server MAY answer the first POST with
 * 4.01 and an Echo option, RFC 9175, to make the client prove its address).
 *
 * Measured, never judged: the RFC sets no limit on the size of message_2
 * relative to message_1. The harness Initiator records, for the first
 * message_1 a job sends that gets an answer, the bytes of message_1 as sent
 * (without the 0xf5 prefix) and of the answer's EDHOC payload, and the
 * sizes of the two datagrams (x_exchange). An IUT that first answers 4.01
 * with an Echo option gets the request again from the CoAP stack (RFC
 * 9175 §2.3); that first answer is recorded as "coap 4.01 echo" with
 * unknown sizes (the stack consumed it). The expect check
 * `amplification: true` states the numbers in the verdict text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "exec_internal.h"

void x_info(sc_exec *x, const char *fmt, ...)
{
    char text[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    size_t k = strlen(x->info);
    snprintf(x->info + k, sizeof x->info - k, "%s%s", k ? "; " : "", text);
}

/* What the answer was, for the record: the EDHOC message, or the CoAP code. */
static void reply_name(const received *rx, char *out, size_t cap)
{
    if (strcmp(rx->kind, "message_2") == 0 || strcmp(rx->kind, "error") == 0)
        snprintf(out, cap, "%s", rx->kind);
    else if (rx->code)
        snprintf(out, cap, "coap %d.%02d", (rx->code >> 5) & 7, rx->code & 31);
    else
        snprintf(out, cap, "other");
}

/* "3.026" from thousandths, "?" when unknown. */
static const char *factor_text(long milli, char buf[24])
{
    if (milli < 0)
        return "?";
    snprintf(buf, 24, "%ld.%03ld", milli / 1000, milli % 1000);
    return buf;
}

/* A byte count, "?" when unknown. */
static const char *count_text(long n, char buf[24])
{
    if (n < 0)
        return "?";
    snprintf(buf, 24, "%ld", n);
    return buf;
}

void x_amplification_record(sc_exec *x, const uint8_t *payload, size_t len, bool message_1)
{
    memset(&x->last_amp, 0, sizeof x->last_amp);
    /* a message_1 step, or a raw payload that is one (0xf5, then the message) */
    if (!(message_1 || (len > 0 && payload[0] == 0xf5)) || x->rx.st != TR_OK)
        return;
    sc_amplification *a = &x->last_amp;
    a->measured = true;
    reply_name(&x->rx, a->reply, sizeof a->reply);
    a->request_bytes = len > 0 ? (long)len - 1 : 0;
    a->reply_bytes = (long)x->rx.len;
    a->request_datagram_bytes = x->wire_req;
    a->reply_datagram_bytes = x->wire_resp;
    if (x->echo_retry) {
        /* the first answer was the 4.01 with Echo, which the CoAP stack
         * consumed: what it carried besides the option is not known */
        snprintf(a->reply, sizeof a->reply, "coap 4.01 echo");
        a->reply_bytes = a->reply_datagram_bytes = -1;
    }
    char f1[24], f2[24], d1[24], d2[24], r1[24];
    xt_printf(x, "     amplification: %s of %s bytes for a message_1 of %ld: %s; datagrams "
                 "%s / %s bytes: %s\n",
              a->reply, count_text(a->reply_bytes, r1), a->request_bytes,
              factor_text(report_amplification_milli(a->reply_bytes, a->request_bytes), f1),
              count_text(a->reply_datagram_bytes, d1), count_text(a->request_datagram_bytes, d2),
              factor_text(report_amplification_milli(a->reply_datagram_bytes,
                                                     a->request_datagram_bytes),
                          f2));
    if (!x->amp.measured)
        x->amp = *a;
}

void x_amplification_report(sc_exec *x)
{
    if (x->o.role != SC_HARNESS_INITIATOR) {
        x_fail(x, V_ERROR, "scenario error: amplification: true applies to the answer to a "
                           "message_1 the harness sends (role: initiator)");
        return;
    }
    const sc_amplification *a = &x->last_amp;
    if (!a->measured) {
        if (x->rx.st == TR_OK)
            x_fail(x, V_ERROR, "scenario error: amplification: true, but the step before did "
                               "not send a message_1");
        else
            x_info(x, "amplification: no answer to message_1, nothing amplified");
        return;
    }
    char f1[24], f2[24], d1[24], d2[24], r1[24];
    x_info(x,
           "amplification (RFC 9528 §9.7): %s of %s bytes for a message_1 of %ld bytes, "
           "factor %s; datagrams %s / %s bytes, factor %s",
           a->reply, count_text(a->reply_bytes, r1), a->request_bytes,
           factor_text(report_amplification_milli(a->reply_bytes, a->request_bytes), f1),
           count_text(a->reply_datagram_bytes, d1), count_text(a->request_datagram_bytes, d2),
           factor_text(report_amplification_milli(a->reply_datagram_bytes,
                                                  a->request_datagram_bytes),
                       f2));
}

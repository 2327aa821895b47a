# Found (a bug of the reference peer, since fixed) by `edhoc-harness explore --role responder --depth 3 --seed 1 --message-4` against reference 0.1:
# the minimal sequence m1, m3_combined, m3 (no shorter prefix or subsequence shows the deviation).
# Observed: m3 answered with message_4; the model (harness/explore/model_responder.yaml) accepts:
# error, coap, silence. Added to the suite from --write-scenarios DIR with: cp -r DIR/explore scenarios/
id: explore/responder-m4/m1.m3-combined.m3
title: "Explored sequence m1, m3_combined, m3: the IUT's answer to m3 is one the state model of RFC 9528 accepts (§6 (after sending an error the sender MUST abort: the session's message_3 is not accepted any more))"
requirements: [R-6-b, R-5.4.3-a]
level: MUST
role: initiator
transport: coap
message_4: true
needs: [coap, oscore, rfc9668, message-4]
steps:
  - {send: message_1}
  - expect:
      any_of:
        - {message: message_2, state: wait_m3}
        - {error: null, grade: inconclusive}
        - {coap: any, grade: inconclusive}
        - {silence: null, grade: inconclusive}
    timeout: 1000
  - {send: message_3, combined: {resource: /hello}}
  - expect:
      any_of:
        - {error: null, in: [wait_m3], state: aborted}
        - {coap: any, in: [wait_m3], grade: inconclusive}
    timeout: 1000
  - {send: message_3, again: true}
  - expect:
      any_of:
        - {error: null, in: [aborted], state: aborted}
        - {coap: any, in: [aborted], state: aborted}
        - {silence: null, in: [aborted], state: aborted}
    timeout: 1000

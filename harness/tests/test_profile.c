/*
 * harness/scenario/profile: a peer file's profiles (explicit, or the cross
 * product of its capabilities), which profiles fit a scenario (its pins and
 * needs), the deterministic choice among them, and a scenario in a profile
 * (METHOD, suite, credentials, SUITES_R, OSCORE steps).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../scenario/profile.h"
#include "../scenario/scenario.h"

#define PEER_HEAD "name: t\nresponder: {command: x}\n"
#define SC_HEAD "id: a/b\ntitle: t\nlevel: MUST\nrole: initiator\n"

static peer_file *peer(const char *text)
{
    peer_file *pf = malloc(sizeof *pf);
    char err[512] = "";
    ck_assert_ptr_nonnull(pf);
    ck_assert_msg(peer_file_load_mem("p.yaml", text, strlen(text), pf, err, sizeof err) == 0,
                  "%s", err);
    return pf;
}

static void peer_refused(const char *text, const char *why)
{
    peer_file *pf = malloc(sizeof *pf);
    char err[512] = "";
    ck_assert_ptr_nonnull(pf);
    ck_assert_msg(peer_file_load_mem("p.yaml", text, strlen(text), pf, err, sizeof err) != 0,
                  "loaded: %s", text);
    ck_assert_msg(strstr(err, why) != NULL, "'%s' not in '%s'", why, err);
    free(pf);
}

static scenario *scen(const char *text)
{
    scenario *sc = malloc(sizeof *sc);
    char err[512] = "";
    ck_assert_ptr_nonnull(sc);
    ck_assert_msg(scenario_load_mem("s.yaml", text, strlen(text), sc, err, sizeof err) == 0,
                  "%s", err);
    return sc;
}

static bool fits(const scenario *sc, const sc_profile *p, bool files)
{
    char why[128];
    return sc_profile_fits(sc, p, files, why, sizeof why);
}

START_TEST(capabilities_are_a_cross_product_with_defaults)
{
    peer_file *pf = peer(PEER_HEAD "capabilities: [method-0, method-3, suite-0, suite-25, "
                                   "cred-x5t, oscore, error-messages]\n");
    ck_assert_uint_eq(pf->n_profiles, 4);
    ck_assert_int_eq(pf->profiles[0].method, 0);
    ck_assert_int_eq(pf->profiles[0].suite, 0);
    ck_assert_str_eq(pf->profiles[0].cred_id, "x5t");
    ck_assert(pf->profiles[0].oscore && pf->profiles[0].error_messages);
    ck_assert(!pf->profiles[0].message_4);
    ck_assert_int_eq(pf->profiles[1].suite, 25);
    ck_assert(!pf->profiles[1].oscore); /* SHAKE256: no HKDF for OSCORE */
    ck_assert_int_eq(pf->profiles[3].method, 3);
    free(pf);
    /* a dimension not named: METHOD 3, suite 2, kid */
    pf = peer(PEER_HEAD "capabilities: [coap]\n");
    ck_assert_uint_eq(pf->n_profiles, 1);
    ck_assert_int_eq(pf->profiles[0].method, 3);
    ck_assert_int_eq(pf->profiles[0].suite, 2);
    ck_assert_str_eq(pf->profiles[0].cred_id, "kid");
    ck_assert_int_eq(pf->profiles[0].framing, SC_FRAMING_RFC9528);
    ck_assert(!peer_has_capability(pf, "method-3")); /* not claimed */
    free(pf);
    pf = peer(PEER_HEAD "framing: bare\ncapabilities: [method-1]\n");
    ck_assert_int_eq(pf->profiles[0].framing, SC_FRAMING_BARE);
    char label[64];
    ck_assert_int_eq(sc_profile_label(&pf->profiles[0], label, sizeof label), 0);
    ck_assert_str_eq(label, "m1-s2-kid-bare");
    free(pf);
}
END_TEST

START_TEST(explicit_profiles_expand_their_lists)
{
    peer_file *pf = peer(PEER_HEAD "capabilities: [coap, cred-files]\nprofiles:\n"
                                   "  - {method: 0, suite: 0, credentials: {id: x5t}}\n"
                                   "  - method: [1, 3]\n    suite: [2, 3]\n"
                                   "    credentials: {id: [kid, kccs], initiator: a, "
                                   "responder: b}\n    message_4: true\n    oscore: true\n"
                                   "    error_messages: false\n    framing: bare\n");
    ck_assert_uint_eq(pf->n_profiles, 1 + 2 * 2 * 2);
    ck_assert(pf->explicit_profiles);
    ck_assert(pf->profiles[0].error_messages); /* the default */
    ck_assert(!pf->profiles[0].oscore && !pf->profiles[0].message_4);
    const sc_profile *p = &pf->profiles[8];
    ck_assert_int_eq(p->method, 3);
    ck_assert_int_eq(p->suite, 3);
    ck_assert_str_eq(p->cred_id, "kccs");
    ck_assert_str_eq(p->cred_i, "a");
    ck_assert_str_eq(p->cred_r, "b");
    ck_assert(p->message_4 && p->oscore && !p->error_messages);
    ck_assert_int_eq(p->framing, SC_FRAMING_BARE);
    /* capabilities the profiles state */
    ck_assert(peer_has_capability(pf, "method-1"));
    ck_assert(peer_has_capability(pf, "suite-3"));
    ck_assert(peer_has_capability(pf, "cred-kccs"));
    ck_assert(peer_has_capability(pf, "oscore"));
    ck_assert(peer_has_capability(pf, "coap"));
    ck_assert(!peer_has_capability(pf, "method-2"));
    ck_assert(!peer_has_capability(pf, "cred-x5chain"));
    free(pf);
}
END_TEST

START_TEST(bad_profiles_are_refused)
{
    peer_refused(PEER_HEAD "profiles:\n  - {suite: 2}\n", "'method'");
    peer_refused(PEER_HEAD "profiles:\n  - {method: 4, suite: 2}\n", "profiles.method");
    peer_refused(PEER_HEAD "profiles:\n  - {method: 3, suite: 7}\n", "not a registered");
    peer_refused(PEER_HEAD "profiles:\n  - {method: 3, suite: 25, oscore: true}\n",
                 "defines no OSCORE");
    peer_refused(PEER_HEAD "profiles:\n  - {method: 3, suite: 2, credentials: {initiator: a}}\n",
                 "or neither");
    peer_refused(PEER_HEAD "profiles:\n  - {method: 3, suite: 2, credentials: {id: x509}}\n",
                 "profiles.credentials.id");
    peer_refused(PEER_HEAD "profiles:\n  - {method: 3, suite: 2, colour: red}\n", "colour");
    peer_refused(PEER_HEAD "capabilities: [suite-2]\nprofiles:\n  - {method: 3, suite: 2}\n",
                 "'suite-2' is stated by each of profiles");
    peer_refused(PEER_HEAD "framing: bare\nprofiles:\n  - {method: 3, suite: 2}\n",
                 "give it in each profile");
    peer_refused(PEER_HEAD "framing: a2\n", "framing");
}
END_TEST

START_TEST(a_profile_fits_what_a_scenario_pins)
{
    sc_profile p = {.method = 0, .suite = 0, .cred_id = "x5t", .error_messages = true};
    scenario *free_sc = scen(SC_HEAD "steps: [{send: message_1}]\n");
    ck_assert(fits(free_sc, &p, false)); /* trace 1 credentials: no cred-files needed */
    scenario *m = scen(SC_HEAD "method: [0, 1]\nsteps: [{send: message_1}]\n");
    ck_assert(fits(m, &p, false));
    p.method = 2;
    char why[128];
    ck_assert(!sc_profile_fits(m, &p, true, why, sizeof why));
    ck_assert_str_eq(why, "METHOD 0 or 1");
    /* METHOD 2 with suite 0 and x5t has no default credentials but the generated ones */
    ck_assert(!fits(free_sc, &p, false));
    ck_assert(fits(free_sc, &p, true));
    p.method = 0;
    scenario *s = scen(SC_HEAD "suites: [6, 2]\nsteps: [{send: message_1}]\n");
    ck_assert(!sc_profile_fits(s, &p, true, why, sizeof why));
    ck_assert_str_eq(why, "suite 2");
    scenario *k = scen(SC_HEAD "credentials: {id: kccs}\nsteps: [{send: message_1}]\n");
    ck_assert(!fits(k, &p, true));
    /* credential names pin METHOD 3, suite 2 and kid (the scenario's defaults) */
    scenario *n = scen(SC_HEAD "credentials: {iut_peer: negative-kid-07}\n"
                               "steps: [{send: message_1}]\n");
    ck_assert(!sc_profile_fits(n, &p, true, why, sizeof why));
    ck_assert_str_eq(why, "METHOD 3");
    sc_profile t2 = {.method = 3, .suite = 2, .cred_id = "kid"};
    ck_assert(fits(n, &t2, false));
    scenario *o = scen(SC_HEAD "needs: [oscore]\nsteps: [{send: message_1}]\n");
    ck_assert(!sc_profile_fits(o, &p, true, why, sizeof why));
    ck_assert_str_eq(why, "OSCORE");
    scenario *m4 = scen(SC_HEAD "message_4: true\nsteps: [{send: message_1}]\n");
    ck_assert(!fits(m4, &p, true));
    p.message_4 = true;
    ck_assert(fits(m4, &p, true));
    scenario *e = scen(SC_HEAD "needs: [error-messages]\nsteps: [{send: message_1}]\n");
    ck_assert(fits(e, &p, true));
    p.error_messages = false;
    ck_assert(!fits(e, &p, true));
    free(free_sc), free(m), free(s), free(k), free(n), free(o), free(m4), free(e);
}
END_TEST

/* suites: {one_of: [..]}: the profile's suite if it is one of them (offered
 * alone), else the profile does not fit, naming the list; an ERR_CODE 2 the
 * scenario sends with the default SUITES_R names the profile's suite. */
START_TEST(a_suite_of_a_list_is_the_profiles)
{
    scenario *s = scen(SC_HEAD "suites: {one_of: [2, 3, 5]}\nsteps: [{send: message_1}]\n");
    ck_assert_uint_eq(s->n_suites, 1);
    ck_assert_int_eq(s->suites[0], 2);
    ck_assert(s->pins & SC_PIN_SUITE);
    char why[128], err[256];
    sc_profile p = {.method = 0, .suite = 0, .cred_id = "x5t"};
    ck_assert(!sc_profile_fits(s, &p, true, why, sizeof why));
    ck_assert_str_eq(why, "suite 2, 3 or 5");
    sc_profile q = {.method = 1, .suite = 5, .cred_id = "kccs"};
    ck_assert(fits(s, &q, true));
    ck_assert_int_eq(sc_profile_apply(s, &q, true, err, sizeof err), 0);
    ck_assert_uint_eq(s->n_suites, 1);
    ck_assert_int_eq(s->suites[0], 5);
    ck_assert_int_eq(s->method, 1);
    scenario *one = scen(SC_HEAD "suites: {one_of: [24]}\nsteps: [{send: message_1}]\n");
    ck_assert(!sc_profile_fits(one, &q, true, why, sizeof why));
    ck_assert_str_eq(why, "suite 24");
    scenario *two = scen("id: a/c\ntitle: t\nlevel: MUST\nrole: responder\n"
                         "suites: {one_of: [0, 25]}\nsteps:\n  - expect: message_1\n"
                         "  - send: error\n    code: 2\n    info: \"02\"\n");
    sc_profile x448 = {.method = 3, .suite = 25, .cred_id = "kid"};
    ck_assert(!sc_profile_fits(two, &q, true, why, sizeof why));
    ck_assert_str_eq(why, "suite 0 or 25");
    ck_assert_int_eq(sc_profile_apply(two, &x448, true, err, sizeof err), 0);
    ck_assert_int_eq(two->suites[0], 25);
    ck_assert_uint_eq(two->steps[1].err_info.n, 2); /* SUITES_R 25: 18 19 */
    ck_assert_mem_eq(two->steps[1].err_info.b, "\x18\x19", 2);
    free(s), free(one), free(two);
}
END_TEST

/* `flow: reverse` (RFC 9528 Appendix A.2.2): parsed, named in the label, and
 * fitting only scenarios the reverse flow can take, with the reason why not. */
START_TEST(a_reverse_flow_profile_takes_what_the_reverse_flow_can_run)
{
    peer_file *pf = peer(PEER_HEAD "capabilities: [coap]\nprofiles:\n"
                                   "  - {method: 3, suite: 2, flow: reverse}\n"
                                   "  - {method: 3, suite: 2}\n");
    ck_assert_int_eq(pf->profiles[0].flow, SC_FLOW_REVERSE);
    ck_assert_int_eq(pf->profiles[1].flow, SC_FLOW_FORWARD);
    char label[64], why[160];
    ck_assert_int_eq(sc_profile_label(&pf->profiles[0], label, sizeof label), 0);
    ck_assert_str_eq(label, "m3-s2-kid-reverse");
    peer_refused(PEER_HEAD "profiles:\n  - {method: 3, suite: 2, flow: sideways}\n",
                 "profiles.flow");
    const sc_profile *rev = &pf->profiles[0];
    scenario *hs = scen(SC_HEAD "steps: [{send: message_1}, {expect: message_2}, "
                                "{send: message_3}, {expect: accepted}, {oscore: /hello}]\n");
    ck_assert(sc_profile_fits(hs, rev, true, why, sizeof why));
    scenario *udp = scen(SC_HEAD "transport: udp\nsteps: [{send: message_1}]\n");
    ck_assert(!sc_profile_fits(udp, rev, true, why, sizeof why));
    ck_assert_str_eq(why, "the forward message flow (raw UDP has no CoAP client and server)");
    ck_assert(sc_profile_fits(udp, &pf->profiles[1], true, why, sizeof why));
    scenario *two = scen(SC_HEAD "steps: [{send: message_1}, {expect: message_2}, "
                                 "{send: message_1}, {expect: message_2}]\n");
    ck_assert(!sc_profile_fits(two, rev, true, why, sizeof why));
    ck_assert_ptr_nonnull(strstr(why, "step 3: a second session"));
    scenario *raw = scen(SC_HEAD "steps: [{send: raw, mutate: [{raw: \"f500\"}]}]\n");
    ck_assert(!sc_profile_fits(raw, rev, true, why, sizeof why));
    ck_assert_ptr_nonnull(strstr(why, "step 1: a send step"));
    scenario *applied = scen(SC_HEAD "steps: [{send: message_1}]\n");
    ck_assert_int_eq(sc_profile_apply(applied, rev, true, why, sizeof why), 0);
    ck_assert_int_eq(applied->flow, SC_FLOW_REVERSE);
    free(pf), free(hs), free(udp), free(two), free(raw), free(applied);
}
END_TEST

/* `credentials: {iut_peer: other}` pins nothing and names the generated third
 * identity of the harness's key type in each profile; `id: [kid, x5t]` lets
 * the profile choose among the kinds listed; `id_cred: iut_peer` is kept. */
START_TEST(other_credential_follows_the_profile)
{
    char why[128], err[256];
    scenario *u = scen("id: a/b\ntitle: t\nlevel: MUST\nrole: responder\n"
                       "credentials: {iut_peer: other, id: [kid, x5t]}\n"
                       "steps: [{expect: message_1}]\n");
    ck_assert(u->iut_peer_other && !(u->pins & SC_PIN_CREDS));
    ck_assert_str_eq(u->iut_peer_cred, "gen-p256-dh-o"); /* METHOD 3, suite 2, kid */
    sc_profile x5t = {.method = 0, .suite = 0, .cred_id = "x5t", .error_messages = true};
    sc_profile kccs = {.method = 3, .suite = 0, .cred_id = "kccs"};
    ck_assert(fits(u, &x5t, true));
    ck_assert(!sc_profile_fits(u, &kccs, true, why, sizeof why));
    ck_assert_str_eq(why, "ID_CRED by kid or x5t");
    /* the IUT must load a generated credential */
    ck_assert(!sc_profile_fits(u, &x5t, false, why, sizeof why));
    ck_assert(strstr(why, "cred-files") != NULL);
    ck_assert_int_eq(sc_profile_apply(u, &x5t, true, err, sizeof err), 0);
    ck_assert_str_eq(u->cred_id, "x5t");
    ck_assert_str_eq(u->iut_peer_cred, "gen-ed25519-sig-o-x509"); /* Responder signs */
    scenario *k = scen(SC_HEAD "credentials: {iut_peer: other, id_cred: iut_peer}\n"
                               "steps: [{send: message_1}]\n");
    ck_assert(k->id_cred_of_iut_peer && k->own_id_cred.n == 0);
    sc_profile m2 = {.method = 2, .suite = 0, .cred_id = "kccs"};
    ck_assert(fits(k, &m2, true));
    ck_assert_int_eq(sc_profile_apply(k, &m2, true, err, sizeof err), 0);
    ck_assert_str_eq(k->iut_peer_cred, "gen-x25519-dh-o"); /* METHOD 2: the Initiator's DH */
    free(u), free(k);
}
END_TEST

/* A scenario that needs a second suite (negotiation) needs it in the job's
 * METHOD and kind: a peer file whose suite 0 exists only with METHOD 0 and
 * x5t has none to prefer in a METHOD 3 session by kid. */
START_TEST(a_second_suite_is_one_of_the_same_method_and_kind)
{
    scenario *sc = scen(SC_HEAD "suites: [0, 2]\nneeds: [suite-0, suite-2]\n"
                                "steps: [{send: message_1}]\n");
    char why[160];
    size_t fit[SC_MAX_PROFILES], n_fit;
    peer_file *apart = peer(PEER_HEAD "capabilities: [coap]\nprofiles:\n"
                                      "  - {method: 3, suite: 2, credentials: {id: kid}}\n"
                                      "  - {method: 0, suite: 0, credentials: {id: x5t}}\n");
    ck_assert_int_lt(sc_profile_choose(sc, apart, SC_HARNESS_INITIATOR, 1, fit, &n_fit, why,
                                       sizeof why), 0);
    ck_assert_str_eq(why, "no profile of the IUT has suite 0 beside suite 2 in METHOD 3 with kid");
    peer_file *together = peer(PEER_HEAD "capabilities: [coap]\nprofiles:\n"
                                         "  - {method: 3, suite: [0, 2], credentials: {id: kid}}\n"
                                         "  - {method: 0, suite: 0, credentials: {id: x5t}}\n");
    int k = sc_profile_choose(sc, together, SC_HARNESS_INITIATOR, 1, fit, &n_fit, why,
                              sizeof why);
    ck_assert_int_ge(k, 0);
    ck_assert_uint_eq(n_fit, 1);
    ck_assert_int_eq(together->profiles[k].method, 3);
    ck_assert_int_eq(together->profiles[k].suite, 2);
    /* capabilities are a cross product: every METHOD has every suite */
    peer_file *flat = peer(PEER_HEAD "capabilities: [method-0, method-3, suite-0, suite-2, "
                                     "cred-kid, cred-files]\n");
    ck_assert_int_ge(sc_profile_choose(sc, flat, SC_HARNESS_INITIATOR, 1, fit, &n_fit, why,
                                       sizeof why), 0);
    ck_assert_uint_eq(n_fit, 2);
    free(sc), free(apart), free(together), free(flat);
}
END_TEST

static void bytes_are(const sc_short_bytes *b, const char *hex)
{
    char got[2 * 16 + 1] = "";
    for (size_t i = 0; i < b->n && i < 16; i++)
        snprintf(got + 2 * i, 3, "%02x", b->b[i]);
    ck_assert_str_eq(got, hex);
}

/* suites: [other, profile] (negotiation): any two suites of the IUT in one
 * METHOD, kind and flow; the fields and SUITES_R written with them follow. */
START_TEST(a_negotiation_takes_two_suites_of_the_profile)
{
    scenario *sc = scen("id: a/b\ntitle: t\nlevel: MUST\nrole: responder\n"
                        "suites: [other, profile]\nsteps:\n"
                        "  - {expect: message_1, fields: {SUITES_I: [other]}}\n"
                        "  - {send: error, code: 2, info: [profile]}\n"
                        "  - {expect: message_1, fields: {SUITES_I: [other, profile]}}\n"
                        "  - expect: {error: {code: 2, suites_include: [other, profile]}}\n");
    /* not a pin; until a profile applies, RFC 9529 trace 2's [6, 2] */
    ck_assert(sc->suites_other);
    ck_assert_uint_eq(sc->pins & SC_PIN_SUITE, 0);
    ck_assert_uint_eq(sc->n_suites, 2);
    bytes_are(&sc->steps[0].checks.fields[0].equals, "06");
    bytes_are(&sc->steps[1].err_info, "02");
    bytes_are(&sc->steps[2].checks.fields[0].equals, "820602");
    /* the other suite is the lowest of the same METHOD, kind, framing and flow */
    peer_file *pf = peer(PEER_HEAD "capabilities: [coap]\nprofiles:\n"
                                   "  - {method: 0, suite: [24, 1, 0], credentials: {id: x5t}}\n"
                                   "  - {method: 3, suite: 2, credentials: {id: x5t}}\n"
                                   "  - {method: 0, suite: 4, credentials: {id: kid}}\n");
    ck_assert_uint_eq(pf->n_profiles, 5);
    for (size_t i = 0; i < pf->n_profiles; i++) {
        const sc_profile *q = &pf->profiles[i];
        bool m0x5t = q->method == 0 && strcmp(q->cred_id, "x5t") == 0;
        ck_assert_int_eq(q->has_other_suite, m0x5t);
        if (m0x5t)
            ck_assert_int_eq(q->other_suite, q->suite == 0 ? 1 : 0);
    }
    char why[160], err[256];
    ck_assert(!sc_profile_fits(sc, &pf->profiles[3], true, why, sizeof why));
    ck_assert_str_eq(why, "a second suite beside suite 2 in METHOD 3 with x5t");
    sc_profile p24 = pf->profiles[0];
    ck_assert_int_eq(p24.suite, 24);
    ck_assert(fits(sc, &p24, true));
    ck_assert_int_eq(sc_profile_apply(sc, &p24, true, err, sizeof err), 0);
    ck_assert_uint_eq(sc->n_suites, 2);
    ck_assert_int_eq(sc->suites[0], 0);
    ck_assert_int_eq(sc->suites[1], 24);
    bytes_are(&sc->steps[0].checks.fields[0].equals, "00");
    bytes_are(&sc->steps[1].err_info, "1818");
    bytes_are(&sc->steps[2].checks.fields[0].equals, "82001818");
    /* a scenario of one suite writes [profile] for its selected suite */
    scenario *one = scen(SC_HEAD "steps:\n  - {send: message_1}\n"
                                 "  - {send: error, code: 2, info: [profile, -24]}\n");
    bytes_are(&one->steps[1].err_info, "820237");
    ck_assert_int_eq(sc_profile_apply(one, &pf->profiles[4], true, err, sizeof err), 0);
    bytes_are(&one->steps[1].err_info, "820437");
    /* the loader's refusals of these forms: test_scenario_load.c */
    free(sc), free(pf), free(one);
}
END_TEST

/* Profiles of one label (two that differ only in message_4, say) get
 * labels of their own: reports and transcripts are named by them. */
START_TEST(profiles_of_one_label_are_told_apart)
{
    peer_file *pf = peer(PEER_HEAD "capabilities: [coap]\nprofiles:\n"
                                   "  - {method: 3, suite: 2, credentials: {id: kid}}\n"
                                   "  - {method: 3, suite: 2, credentials: {id: kid}, "
                                   "message_4: true}\n"
                                   "  - {method: 3, suite: 2, credentials: {id: kid}, "
                                   "oscore: true, error_messages: false}\n"
                                   "  - {method: 0, suite: 0, credentials: {id: x5t}}\n"
                                   "  - {method: 0, suite: 0, credentials: {id: x5t}}\n");
    char l[SC_MAX_NAME];
    static const char *const want[] = {"m3-s2-kid", "m3-s2-kid+m4", "m3-s2-kid+oscore+noerr",
                                       "m0-s0-x5t", "m0-s0-x5t#2"};
    ck_assert_uint_eq(pf->n_profiles, 5);
    for (size_t i = 0; i < 5; i++) {
        ck_assert_int_eq(sc_profile_label(&pf->profiles[i], l, sizeof l), 0);
        ck_assert_str_eq(l, want[i]);
    }
    /* whatever the order in the file */
    peer_file *other = peer(PEER_HEAD "capabilities: [coap]\nprofiles:\n"
                                      "  - {method: 3, suite: 2, message_4: true}\n"
                                      "  - {method: 3, suite: 2}\n"
                                      "  - {method: 3, suite: 2, oscore: true}\n");
    static const char *const want2[] = {"m3-s2-kid+m4", "m3-s2-kid", "m3-s2-kid+oscore"};
    for (size_t i = 0; i < 3; i++) {
        ck_assert_int_eq(sc_profile_label(&other->profiles[i], l, sizeof l), 0);
        ck_assert_str_eq(l, want2[i]);
    }
    free(other);
    /* capabilities (a cross product) never share a label: nothing added */
    peer_file *flat = peer(PEER_HEAD "capabilities: [method-3, suite-2, cred-kid, message-4, "
                                     "oscore]\n");
    ck_assert_int_eq(sc_profile_label(&flat->profiles[0], l, sizeof l), 0);
    ck_assert_str_eq(l, "m3-s2-kid");
    free(pf), free(flat);
}
END_TEST

START_TEST(the_choice_is_deterministic_and_spread)
{
    peer_file *pf = peer(PEER_HEAD "capabilities: [method-0, method-3, suite-0, suite-2, "
                                   "cred-kid, cred-files]\n");
    ck_assert_uint_eq(pf->n_profiles, 4);
    scenario *sc = scen(SC_HEAD "steps: [{send: message_1}]\n");
    size_t used[4] = {0}, fit[SC_MAX_PROFILES], n_fit;
    char why[128];
    for (int i = 0; i < 200; i++) {
        snprintf(sc->id, sizeof sc->id, "a/b%d", i);
        int k = sc_profile_choose(sc, pf, SC_HARNESS_INITIATOR, 1, fit, &n_fit, why, sizeof why);
        ck_assert_int_ge(k, 0);
        ck_assert_uint_eq(n_fit, 4);
        ck_assert_int_eq(k, sc_profile_choose(sc, pf, SC_HARNESS_INITIATOR, 1, NULL, NULL, why,
                                              sizeof why));
        used[k]++;
    }
    for (int k = 0; k < 4; k++)
        ck_assert_msg(used[k] >= 20, "profile %d chosen %zu times of 200", k, used[k]);
    /* another seed moves some scenarios to other profiles */
    int moved = 0;
    for (int i = 0; i < 50; i++) {
        snprintf(sc->id, sizeof sc->id, "a/b%d", i);
        moved += sc_profile_choose(sc, pf, SC_HARNESS_INITIATOR, 1, NULL, NULL, why, sizeof why) !=
                 sc_profile_choose(sc, pf, SC_HARNESS_INITIATOR, 2, NULL, NULL, why, sizeof why);
    }
    ck_assert_int_gt(moved, 0);
    /* pinned to METHOD 1: none fits, and the reason says what is missing */
    scenario *m1 = scen(SC_HEAD "method: 1\nsteps: [{send: message_1}]\n");
    ck_assert_int_eq(sc_profile_choose(m1, pf, SC_HARNESS_INITIATOR, 1, fit, &n_fit, why,
                                       sizeof why), -1);
    ck_assert_uint_eq(n_fit, 0);
    ck_assert_str_eq(why, "no profile of the IUT has METHOD 1");
    free(pf), free(sc), free(m1);
}
END_TEST

START_TEST(a_scenario_takes_the_profile)
{
    sc_profile p = {.method = 0, .suite = 24, .cred_id = "x5chain", .oscore = false};
    scenario *sc = scen(SC_HEAD "steps:\n  - send: message_1\n  - send: error\n    code: 2\n"
                                "    info: \"02\"\n  - oscore: /hello\n  - expect: {coap: any}\n"
                                "  - wait: 1\n  - oscore: /hello\n");
    char err[256];
    ck_assert_int_eq(sc_profile_apply(sc, &p, true, err, sizeof err), 0);
    ck_assert_int_eq(sc->method, 0);
    ck_assert_uint_eq(sc->n_suites, 1);
    ck_assert_int_eq(sc->suites[0], 24);
    ck_assert_str_eq(sc->cred_id, "x5chain");
    ck_assert_str_eq(sc->cred, "gen-p384-sig-i-x509");
    ck_assert_str_eq(sc->peer_cred, "gen-p384-sig-r-x509");
    ck_assert_str_eq(sc->profile, "m0-s24-x5chain");
    /* SUITES_R of the ERR_CODE 2 the harness sends: 24 (18 18), not 2 */
    ck_assert_uint_eq(sc->steps[1].err_info.n, 2);
    ck_assert_int_eq(sc->steps[1].err_info.b[0], 0x18);
    ck_assert_int_eq(sc->steps[1].err_info.b[1], 24);
    /* no OSCORE: both oscore steps go, with the expect that judged the first */
    ck_assert_uint_eq(sc->n_steps, 3);
    ck_assert_int_eq(sc->steps[2].kind, SC_STEP_WAIT);
    /* a scenario that pins what it is about keeps it */
    scenario *pinned = scen(SC_HEAD "method: [3, 1]\nsuites: [2]\ncredentials: {id: kid}\n"
                                    "needs: [oscore]\nsteps: [{send: message_1}, {oscore: /x}]\n");
    sc_profile q = {.method = 1, .suite = 2, .cred_id = "kid"};
    ck_assert_int_eq(sc_profile_apply(pinned, &q, true, err, sizeof err), 0);
    ck_assert_int_eq(pinned->method, 1); /* one of its METHODs: the profile's */
    ck_assert_str_eq(pinned->cred, "gen-p256-sig-i");
    ck_assert_uint_eq(pinned->n_steps, 2); /* needs OSCORE: kept */
    /* RFC 9529 trace 2 credentials for METHOD 3, suite 2, kid; none without cred-files */
    sc_profile t2 = {.method = 3, .suite = 2, .cred_id = "kccs"};
    scenario *plain = scen(SC_HEAD "steps: [{send: message_1}]\n");
    ck_assert_int_eq(sc_profile_apply(plain, &t2, false, err, sizeof err), 0);
    ck_assert_str_eq(plain->cred, "rfc9529-trace2-i");
    sc_profile none = {.method = 2, .suite = 6, .cred_id = "kid"};
    ck_assert_int_eq(sc_profile_apply(plain, &none, false, err, sizeof err), -1);
    ck_assert(strstr(err, "no credentials") != NULL);
    /* a Responder-only scenario: own is the Responder's credential */
    scenario *r = scen("id: a/b\ntitle: t\nlevel: MUST\nrole: responder\n"
                       "steps: [{expect: message_1}]\n");
    sc_profile m1 = {.method = 1, .suite = 0, .cred_id = "x5t"};
    ck_assert_int_eq(sc_profile_apply(r, &m1, true, err, sizeof err), 0);
    ck_assert_str_eq(r->cred, "gen-x25519-dh-r-x509");
    ck_assert_str_eq(r->peer_cred, "gen-ed25519-sig-i-x509");
    /* as Responder the harness answers within the oscore step: without OSCORE
     * it goes, and the expect after it (what the IUT does next) stays */
    scenario *rs = scen("id: a/c\ntitle: t\nlevel: MUST\nrole: responder\n"
                        "steps: [{expect: message_1}, {send: message_2}, {expect: message_3},"
                        " {oscore: /hello}, {expect: silence}]\n");
    ck_assert_int_eq(sc_profile_apply(rs, &m1, true, err, sizeof err), 0);
    ck_assert_uint_eq(rs->n_steps, 4);
    ck_assert_int_eq(rs->steps[3].kind, SC_STEP_EXPECT);
    free(sc), free(pinned), free(plain), free(r), free(rs);
}
END_TEST

/* A scenario that names no transport runs over the IUT's: CoAP when it
 * claims coap, else raw UDP, else CoAP over TCP; one that names its own keeps
 * it (it is about that transport, and needs it). */
START_TEST(a_scenario_without_a_transport_takes_the_iuts)
{
    static const struct {
        const char *caps;
        sc_transport t;
    } cases[] = {{"[udp]", SC_UDP},
                 {"[coap, udp]", SC_COAP},
                 {"[udp, coap]", SC_COAP},
                 {"[coap-tcp]", SC_COAP_TCP},
                 {"[udp, coap-tcp]", SC_UDP},
                 {"[cred-files]", SC_COAP}};
    char err[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, PEER_HEAD "capabilities: %s\n", cases[i].caps);
        peer_file *pf = peer(text);
        ck_assert_uint_gt(pf->n_profiles, 0);
        for (size_t k = 0; k < pf->n_profiles; k++)
            ck_assert_msg(pf->profiles[k].transport == cases[i].t, "%s", cases[i].caps);
        scenario *sc = scen(SC_HEAD "steps: [{send: message_1}]\n");
        ck_assert_int_eq(sc_profile_apply(sc, &pf->profiles[0], true, err, sizeof err), 0);
        ck_assert_int_eq(sc->transport, cases[i].t);
        scenario *coap = scen(SC_HEAD "transport: coap\nneeds: [coap]\n"
                                      "steps: [{send: message_1}]\n");
        ck_assert_int_eq(sc_profile_apply(coap, &pf->profiles[0], true, err, sizeof err), 0);
        ck_assert_int_eq(coap->transport, SC_COAP);
        free(sc), free(coap), free(pf);
    }
    /* with profiles: the same, from the capabilities beside them */
    peer_file *pf = peer(PEER_HEAD "capabilities: [udp]\nprofiles:\n"
                                   "  - {method: 0, suite: 0, credentials: {id: x5t}}\n");
    ck_assert_int_eq(pf->profiles[0].transport, SC_UDP);
    free(pf);
}
END_TEST

Suite *eh_test_profile_suite(void)
{
    Suite *s = suite_create("profile");
    TCase *tc = tcase_create("profile");
    tcase_add_test(tc, capabilities_are_a_cross_product_with_defaults);
    tcase_add_test(tc, a_scenario_without_a_transport_takes_the_iuts);
    tcase_add_test(tc, explicit_profiles_expand_their_lists);
    tcase_add_test(tc, bad_profiles_are_refused);
    tcase_add_test(tc, a_suite_of_a_list_is_the_profiles);
    tcase_add_test(tc, profiles_of_one_label_are_told_apart);
    tcase_add_test(tc, a_second_suite_is_one_of_the_same_method_and_kind);
    tcase_add_test(tc, a_negotiation_takes_two_suites_of_the_profile);
    tcase_add_test(tc, a_profile_fits_what_a_scenario_pins);
    tcase_add_test(tc, a_reverse_flow_profile_takes_what_the_reverse_flow_can_run);
    tcase_add_test(tc, other_credential_follows_the_profile);
    tcase_add_test(tc, the_choice_is_deterministic_and_spread);
    tcase_add_test(tc, a_scenario_takes_the_profile);
    suite_add_tcase(s, tc);
    return s;
}

/*
 * peer_cmd.c - `edhoc-harness peer initiator|responder`: the reference peer
 * on the wire, over CoAP (libcoap) or raw UDP. A relative --cred-dir (and
 * its default) or --vector not found in the working directory is looked up
 * in the data directories (common/datapath.h).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/numparse.h"
#include "../cbor/cbor.h"
#include "../common/datapath.h"
#include "../common/hex.h"
#include "../peer/peer.h"
#include "../transport/udp.h"
#include "cli.h"
#include "ead_arg.h"
#include "../peer/credfile.h"
#include "../vectors/vector_setup.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

typedef struct peer_args {
    bool initiator;
    peer_transport transport;
    const char *host;
    long port;
    int method;
    unsigned methods;
    int suites[EH_MAX_SUITES];
    size_t n_suites;
    const char *cred_dir, *cred, *peer_creds[8];
    size_t n_peer_creds;
    credfile_id cred_id;
    bool trust_by_value;
    bool lenient_cbor;
    uint8_t conn_id[EH_MAX_CONN_ID];
    size_t conn_id_len;
    bool conn_id_set;
    uint8_t ead[5][EAD_ARG_MAX_VALUE + 8];
    size_t ead_len[5];
    bool message_4, combined, no_oscore;
    bool reverse; /* --flow reverse: RFC 9528 Appendix A.2.2 */
    peer_framing framing;
    const char *resource, *vector, *transcript, *oscore_out, *edhoc_path;
    int timeout_ms;
    long max_sessions, exit_after, repeat, max_conn_id;
    unsigned long engine_faults;
    unsigned peer_faults;
    char cred_dir_buf[PATH_MAX], vector_buf[PATH_MAX]; /* resolved paths */
} peer_args;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: edhoc-harness peer initiator|responder [options]\n"
            "\n"
            "  --transport coap|coap-tcp|udp   CoAP over UDP (RFC 9528 Appendix A.2), CoAP over\n"
            "                            TCP (RFC 8323) or raw UDP (default coap)\n"
            "  --host ADDR --port N      initiator: where the Responder is; responder: where to\n"
            "                            listen (port 0 = any free port; default 127.0.0.1:5683)\n"
            "  --method M                initiator: METHOD 0..3 (default 3)\n"
            "  --methods LIST            responder: accepted METHODs (default 0,1,2,3)\n"
            "  --suites LIST             initiator: suites in preference order (default 2);\n"
            "                            responder: supported suites (default all nine)\n"
            "  --cred NAME               own credential in --cred-dir (NAME.key.pem + NAME.cert.pem\n"
            "                            or NAME.ccs.hex; default rfc9529-trace2-i / -r)\n"
            "  --cred-id kid|kccs|x5t|x5chain   how ID_CRED identifies it (default kid)\n"
            "  --peer-cred NAME          a credential accepted from the peer (repeatable)\n"
            "  --cred-dir DIR            credential files (default vectors/creds)\n"
            "  --trust-by-value          accept any credential sent by value (kccs, x5chain)\n"
            "  --lenient-cbor            accept non-deterministic CBOR in received messages\n"
            "                            (wider heads, an indefinite-length SUITES_I): RFC 9528\n"
            "                            §9.8 allows accepting or rejecting them\n"
            "  --c-i HEX | --c-r HEX     own connection identifier (responder: fixed C_R,\n"
            "                            another one when it equals the Initiator's C_I)\n"
            "  --ead-1..--ead-4 L[:HEX[*N]]  EAD item to send (repeatable; HEX*N: HEX N times)\n"
            "  --message-4               the Responder sends / the Initiator expects message_4\n"
            "  --framing rfc9528|raw|auto  payload prefixes (raw, also `bare`: none; auto: responder\n"
            "                            decides per message_1)\n"
            "  --flow forward|reverse    CoAP message flow (RFC 9528 Appendix A.2): forward (the\n"
            "                            default): the Initiator is the CoAP client; reverse\n"
            "                            (A.2.2): the Initiator is the CoAP server (it listens on\n"
            "                            --host/--port and serves one handshake), the Responder\n"
            "                            the client (it triggers the session with an empty POST)\n"
            "  --combined                initiator: RFC 9668 EDHOC + OSCORE combined request\n"
            "  --no-oscore               initiator: skip the OSCORE check after the handshake;\n"
            "                            responder: serve no OSCORE (a request with an OSCORE\n"
            "                            option gets 4.02 Bad Option, as without OSCORE support)\n"
            "  --resource PATH           OSCORE resource (default /hello)\n"
            "  --edhoc-path PATH         CoAP: the EDHOC resource, which the client POSTs to and\n"
            "                            the server serves (default /.well-known/edhoc; RFC 9528\n"
            "                            Appendix A.2 lets an application define its own); a\n"
            "                            client sends a ?a=1&b=2 part as Uri-Query options\n"
            "  --timeout MS              bound of every wait (default 3000)\n"
            "  --vector FILE             deterministic: keys, identifiers and EAD from a vector file\n"
            "  --transcript FILE         write every message and derived value as JSON\n"
            "  --oscore-out FILE         write the OSCORE security context as JSON\n"
            "  --max-sessions N          responder: concurrent sessions kept (default 1024)\n"
            "  --max-conn-id-len N       the longest C_I (responder) or C_R (initiator) taken\n"
            "                            from the peer, 1..24 bytes (default 24): a constrained\n"
            "                            implementation's limit (RFC 9528 sets none)\n"
            "  --exit-after N            responder: exit after N completed handshakes\n"
            "  --repeat N                initiator: N handshakes in a row over one client,\n"
            "                            stopping at the first failure; prints one summary\n"
            "                            line with the time they took (for benchmarks)\n"
            "  -h, --help                this text\n"
            "  --fault NAME              misbehave on purpose (testing the test suite; repeatable):\n"
            "                            wrong-mac-2 wrong-mac-3 skip-mac-2-check skip-mac-3-check\n"
            "                            ignore-suites-order conn-id-bstr\n"
            "                            accept-critical-ead wrong-err-code\n"
            "                            suites-r-wrong trailing-bytes nondeterministic-cbor\n"
            "                            id-cred-map accept-any-method\n"
            "                            reuse-ephemeral no-message-4 oscore-swap-ids\n"
            "                            id-cred-x5u err-code-3-unsupported-cred th-2-other-message-1\n"
            "                            c-r-prefix-bstr duplicate-new-message-2 c-r-equals-c-i\n"
            "                            mac-for-signature kccs-no-cnf id-cred-kid-bstr mac-truncated\n"
            "                            no-eviction replay-message-3 keep-session-after-error\n"
            "                            answer-aborted-message-3 reprocess-message-2\n"
            "                            forget-suite-after-err-2 plain-coap-without-context\n"
            "                            reject-message-4 resend-new-message-3\n"
            "                            reject-ead-padding\n"
            "                            reverse-no-prefix (responder, --flow reverse)\n"
            "                            (allowed by RFC 9528, graded lower:\n"
            "                            accept-bstr-conn-id accept-id-cred-map extra-padding\n"
            "                            no-error-message)\n"
            "\n"
            "exit codes: 0 success, 1 the other peer misbehaved (verdict printed),\n"
            "            2 usage or local error, 3 the other peer did not answer in time\n");
}


static int parse_int_csv(const char *s, int *out, size_t max, size_t *n)
{
    char buf[256], *save = NULL;
    snprintf(buf, sizeof buf, "%s", s);
    *n = 0;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int v;
        if (*n >= max || eh_parse_int(t, -65536, 65535, &v) != 0)
            return -1;
        out[(*n)++] = v;
    }
    return *n ? 0 : -1;
}

static int add_ead(peer_args *a, int k, const char *arg)
{
    return ead_arg_append(a->ead[k], sizeof a->ead[k], &a->ead_len[k], arg);
}

/* Options that take a value (the rest are flags). */
static bool takes_value(const char *o)
{
    static const char *const names[] = {
        "--transport", "--host",    "--port",      "--method",     "--methods",
        "--suites",    "--cred",    "--cred-id",   "--peer-cred",  "--cred-dir",
        "--c-i",       "--c-r",     "--ead-1",     "--ead-2",      "--ead-3",
        "--ead-4",     "--framing", "--resource",  "--timeout",    "--vector",
        "--transcript", "--oscore-out", "--max-sessions", "--fault", "--exit-after",
        "--max-conn-id-len",
        "--repeat", "--flow", "--edhoc-path", NULL};
    for (size_t i = 0; names[i]; i++)
        if (!strcmp(o, names[i]))
            return true;
    return false;
}

static int parse_args(int argc, char **argv, peer_args *a)
{
    memset(a, 0, sizeof *a);
    a->host = "127.0.0.1";
    a->port = 5683;
    a->method = 3;
    a->cred_dir = "vectors/creds";
    a->resource = "/hello";
    a->timeout_ms = 3000;
    a->max_sessions = 1024;
    a->framing = PEER_FRAMING_RFC9528;
    if (argc < 1 || (strcmp(argv[0], "initiator") && strcmp(argv[0], "responder"))) {
        if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
            usage(stdout);
            return -1;
        }
        usage(stderr);
        return 2;
    }
    a->initiator = strcmp(argv[0], "initiator") == 0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            usage(stdout);
            return -1;
        }
        if (!strcmp(o, "--message-4")) { a->message_4 = true; continue; }
        if (!strcmp(o, "--combined")) { a->combined = true; continue; }
        if (!strcmp(o, "--no-oscore")) { a->no_oscore = true; continue; }
        if (!strcmp(o, "--trust-by-value")) { a->trust_by_value = true; continue; }
        if (!strcmp(o, "--lenient-cbor")) { a->lenient_cbor = true; continue; }
        if (!takes_value(o)) {
            fprintf(stderr, "peer: unknown option %s (see --help)\n", o);
            return 2;
        }
        if (v == NULL) {
            fprintf(stderr, "peer: %s needs a value (see --help)\n", o);
            return 2;
        }
        i++;
        bool bad = false;
        if (!strcmp(o, "--transport")) {
            bad = strcmp(v, "coap") && strcmp(v, "udp") && strcmp(v, "coap-tcp");
            a->transport = !strcmp(v, "udp")        ? PEER_UDP
                           : !strcmp(v, "coap-tcp") ? PEER_COAP_TCP
                                                    : PEER_COAP;
        } else if (!strcmp(o, "--host")) {
            a->host = v;
        } else if (!strcmp(o, "--port")) {
            bad = eh_parse_long(v, 0, 65535, &a->port) != 0;
        } else if (!strcmp(o, "--method")) {
            bad = eh_parse_int(v, 0, 3, &a->method) != 0;
        } else if (!strcmp(o, "--methods")) {
            int m[4];
            size_t n;
            bad = parse_int_csv(v, m, 4, &n) != 0;
            for (size_t k = 0; !bad && k < n; k++) {
                bad = m[k] < 0 || m[k] > 3;
                a->methods |= 1u << (m[k] & 3);
            }
        } else if (!strcmp(o, "--suites")) {
            bad = parse_int_csv(v, a->suites, EH_MAX_SUITES, &a->n_suites) != 0;
            for (size_t k = 0; !bad && k < a->n_suites; k++)
                bad = eh_suite_by_id(a->suites[k]) == NULL;
        } else if (!strcmp(o, "--cred")) {
            a->cred = v;
        } else if (!strcmp(o, "--cred-id")) {
            bad = credfile_id_parse(v, &a->cred_id) != 0;
        } else if (!strcmp(o, "--peer-cred")) {
            bad = a->n_peer_creds >= 8;
            if (!bad)
                a->peer_creds[a->n_peer_creds++] = v;
        } else if (!strcmp(o, "--cred-dir")) {
            a->cred_dir = v;
        } else if (!strcmp(o, "--c-i") || !strcmp(o, "--c-r")) {
            bad = eh_hex_decode(v, a->conn_id, sizeof a->conn_id, &a->conn_id_len) != 0;
            a->conn_id_set = true;
        } else if (!strncmp(o, "--ead-", 6) && o[6] >= '1' && o[6] <= '4' && !o[7]) {
            bad = add_ead(a, o[6] - '0', v) != 0;
        } else if (!strcmp(o, "--framing")) {
            bad = strcmp(v, "rfc9528") && strcmp(v, "raw") && strcmp(v, "bare") &&
                  strcmp(v, "auto");
            a->framing = !strcmp(v, "raw") || !strcmp(v, "bare") ? PEER_FRAMING_RAW
                         : !strcmp(v, "auto") ? PEER_FRAMING_AUTO : PEER_FRAMING_RFC9528;
        } else if (!strcmp(o, "--flow")) {
            bad = strcmp(v, "forward") && strcmp(v, "reverse");
            a->reverse = !strcmp(v, "reverse");
        } else if (!strcmp(o, "--edhoc-path")) {
            bad = v[0] != '/' || strlen(v) > 255;
            a->edhoc_path = v;
        } else if (!strcmp(o, "--resource")) {
            a->resource = v;
        } else if (!strcmp(o, "--timeout")) {
            bad = eh_parse_int(v, 10, 600000, &a->timeout_ms) != 0;
        } else if (!strcmp(o, "--vector")) {
            a->vector = v;
        } else if (!strcmp(o, "--transcript")) {
            a->transcript = v;
        } else if (!strcmp(o, "--oscore-out")) {
            a->oscore_out = v;
        } else if (!strcmp(o, "--max-sessions")) {
            bad = eh_parse_long(v, 1, 100000, &a->max_sessions) != 0;
        } else if (!strcmp(o, "--max-conn-id-len")) {
            bad = eh_parse_long(v, 1, EH_MAX_CONN_ID, &a->max_conn_id) != 0;
        } else if (!strcmp(o, "--fault")) {
            unsigned long f = eh_fault_parse(v);
            unsigned pf = peer_fault_parse(v);
            bad = f == 0 && pf == 0;
            a->engine_faults |= f;
            a->peer_faults |= pf;
        } else if (!strcmp(o, "--exit-after")) {
            bad = eh_parse_long(v, 0, 1000000000, &a->exit_after) != 0;
        } else if (!strcmp(o, "--repeat")) {
            bad = eh_parse_long(v, 1, 1000000, &a->repeat) != 0;
        } else {
            fprintf(stderr, "peer: unknown option %s (see --help)\n", o);
            return 2;
        }
        if (bad) {
            fprintf(stderr, "peer: invalid value for %s: %s (see --help)\n", o, v);
            return 2;
        }
    }
    if (a->repeat > 1 && (!a->initiator || a->transcript || a->oscore_out || a->vector)) {
        fprintf(stderr, "peer: --repeat is for the initiator, without --transcript, "
                        "--oscore-out and --vector\n");
        return 2;
    }
    if (a->reverse && (a->transport == PEER_UDP || a->framing != PEER_FRAMING_RFC9528 ||
                       a->combined || a->repeat > 1 ||
                       (a->peer_faults & ~(unsigned)PEER_FAULT_REVERSE_NO_PREFIX))) {
        fprintf(stderr, "peer: --flow reverse is CoAP's (Appendix A.2.2): not with --transport "
                        "udp, --framing raw|auto, --combined, --repeat or the peer's own faults "
                        "but reverse-no-prefix\n");
        return 2;
    }
    if ((a->peer_faults & PEER_FAULT_REVERSE_NO_PREFIX) && (!a->reverse || a->initiator)) {
        fprintf(stderr, "peer: --fault reverse-no-prefix is for the responder with --flow "
                        "reverse\n");
        return 2;
    }
    if (a->edhoc_path && a->transport == PEER_UDP) {
        fprintf(stderr, "peer: --edhoc-path is CoAP's: raw UDP has no resources\n");
        return 2;
    }
    if (a->initiator && a->framing == PEER_FRAMING_AUTO) {
        fprintf(stderr, "peer: --framing auto is for the responder\n");
        return 2;
    }
    a->cred_dir = eh_data_path(a->cred_dir, a->cred_dir_buf, sizeof a->cred_dir_buf);
    if (a->vector != NULL)
        a->vector = eh_data_path(a->vector, a->vector_buf, sizeof a->vector_buf);
    return 0;
}

/* Credentials and keys: from credential files, or from a vector file. */
typedef struct peer_setup {
    credfile own, peers[8];
    eh_cred peer_creds[8];
    eh_config cfg;
    vector_setup *vs;
    const uint8_t *eph;
    size_t eph_len;
    uint8_t fixed_eph[EH_MAX_PRIV_LEN];
} peer_setup;

static int setup_from_files(const peer_args *a, peer_setup *ps)
{
    const char *own = a->cred ? a->cred : a->initiator ? "rfc9529-trace2-i" : "rfc9529-trace2-r";
    if (credfile_load(a->cred_dir, own, a->cred_id, &ps->own) != 0)
        return 2;
    if (ps->own.priv_len == 0) {
        fprintf(stderr, "peer: credential %s has no private key (%s.key.pem)\n", own, own);
        return 2;
    }
    size_t n = a->n_peer_creds;
    const char *def = a->initiator ? "rfc9529-trace2-r" : "rfc9529-trace2-i";
    for (size_t i = 0; i < (n ? n : 1); i++) {
        const char *name = n ? a->peer_creds[i] : def;
        /* the identification kind matters only for matching; load as kid
         * where possible, else as x5t */
        if (credfile_load(a->cred_dir, name, a->cred_id, &ps->peers[i]) != 0)
            return 2;
        ps->peer_creds[i] = ps->peers[i].c;
    }
    eh_config *c = &ps->cfg;
    c->role = a->initiator ? EH_INITIATOR : EH_RESPONDER;
    c->method = a->method;
    c->methods = a->methods ? a->methods : 0xf;
    static const int all[] = {2, 3, 0, 1, 4, 5, 6, 24, 25};
    if (a->n_suites) {
        memcpy(c->suites, a->suites, a->n_suites * sizeof a->suites[0]);
        c->n_suites = a->n_suites;
    } else if (a->initiator) {
        c->suites[0] = 2, c->n_suites = 1;
    } else {
        memcpy(c->suites, all, sizeof all);
        c->n_suites = 9;
    }
    c->own_cred = ps->own.c;
    c->own_priv = ps->own.priv, c->own_priv_len = ps->own.priv_len;
    c->own_sign_alg = ps->own.sign_alg, c->own_sign_key = ps->own.sign_key;
    c->peer_creds = ps->peer_creds, c->n_peer_creds = n ? n : 1;
    c->trust_by_value = a->trust_by_value;
    c->max_peer_conn_id = (size_t)a->max_conn_id; /* 0: EH_MAX_CONN_ID */
    if (a->conn_id_set) {
        c->conn_id = a->conn_id, c->conn_id_len = a->conn_id_len;
    } else {
        static const uint8_t default_c_i = 0x37;
        c->conn_id = &default_c_i, c->conn_id_len = 1;
    }
    for (int k = 1; k <= 4; k++)
        c->ead[k] = a->ead[k], c->ead_len[k] = a->ead_len[k];
    c->message_4 = a->message_4;
    c->rng = eh_crypto_random;
    return 0;
}

static int setup_from_vector(const peer_args *a, peer_setup *ps)
{
    vfile vf;
    if (vfile_load(&vf, a->vector) != 0)
        return 2;
    ps->vs = calloc(1, sizeof *ps->vs);
    int rc = ps->vs ? vector_setup_load(&vf, ps->vs, NULL) : 2;
    vfile_free(&vf);
    if (rc != 0)
        return rc;
    ps->cfg = a->initiator ? ps->vs->ci : ps->vs->cr;
    ps->eph = a->initiator ? ps->vs->in.x.b : ps->vs->in.y.b;
    ps->eph_len = a->initiator ? ps->vs->in.x.n : ps->vs->in.y.n;
    if (a->message_4)
        ps->cfg.message_4 = true;
    return 0;
}

/* ------------------------------------------------------------ transports */

static tr_status coap_exchange(void *arg, const tr_message *req, tr_message *resp, uint8_t *buf,
                               size_t cap)
{
    void **ctx = arg;
    return tr_coap_client_request(ctx[0], req, *(int *)ctx[1], resp, buf, cap);
}

static void coap_handler(void *arg, const tr_message *req, const char *peer_addr,
                         tr_message *resp)
{
    peer_responder_handle(arg, req, peer_addr, resp);
}

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One handshake, or --repeat N of them in a row over the same client (each
 * with a fresh session and ephemeral key); the first failure ends the loop. */
static void initiate(const peer_args *a, const peer_initiator_opts *o, peer_exchange_fn exchange,
                     void *arg, peer_result *res)
{
    long n = a->repeat > 1 ? a->repeat : 1, done = 0;
    double t0 = mono_ms();
    for (; done < n; done++) {
        peer_initiator_run(o, exchange, arg, res);
        if (res->exit_code != PEER_EXIT_OK)
            break;
    }
    if (n > 1 && res->exit_code == PEER_EXIT_OK) {
        double ms = mono_ms() - t0;
        size_t k = strlen(res->verdict);
        snprintf(res->verdict + k, sizeof res->verdict - k, " (%ld in a row in %.1f ms, %.3f ms each)",
                 n, ms, ms / (double)n);
    } else if (n > 1) {
        printf("initiator: handshake %ld of %ld failed\n", done + 1, n);
    }
}

static peer_reverse_opts reverse_opts(const peer_args *a, peer_setup *ps, peer_log *log)
{
    return (peer_reverse_opts){.edhoc = &ps->cfg, .fixed_conn_id = a->vector != NULL ||
                                                                   a->conn_id_set,
                               .oscore = !a->no_oscore, .resource = a->resource,
                               .eph_priv = ps->eph, .eph_priv_len = ps->eph_len, .log = log,
                               .out = stdout, .faults = a->peer_faults,
                               .edhoc_path = a->edhoc_path};
}

/* The result of one handshake, as both roles end it: the verdict line, the
 * transcript, the OSCORE context. */
static int finish_one(const peer_args *a, const char *role, peer_result *res, peer_log *log)
{
    printf("%s: %s\n", role, res->verdict);
    if (a->transcript && peer_log_write(log, a->transcript, res->verdict) != 0)
        fprintf(stderr, "peer: cannot write %s\n", a->transcript);
    if (a->oscore_out && res->completed && peer_oscore_write(&res->oscore, a->oscore_out) != 0)
        fprintf(stderr, "peer: cannot write %s\n", a->oscore_out);
    eh_wipe(&res->oscore, sizeof res->oscore);
    return res->exit_code;
}

static void reverse_handler(void *arg, const tr_message *req, const char *peer_addr,
                            tr_message *resp)
{
    peer_initiator_server_handle(arg, req, peer_addr, resp);
}

/* Reverse flow, Initiator: a CoAP server until its one handshake has ended.
 * Each wait for the Responder's next request is bounded by --timeout. */
static int run_initiator_server(const peer_args *a, peer_setup *ps, peer_log *log)
{
    peer_reverse_opts ro = reverse_opts(a, ps, log);
    peer_initiator_server *sv = peer_initiator_server_new(&ro);
    tr_coap_server *srv = NULL;
    peer_result res;
    memset(&res, 0, sizeof res);
    if (sv == NULL || tr_coap_server_open_proto(&srv, a->host, (uint16_t)a->port,
                                                a->transport == PEER_COAP_TCP ? TR_COAP_TCP
                                                                              : TR_COAP_UDP,
                                                reverse_handler, sv) != EH_OK) {
        fprintf(stderr, "peer: cannot listen on %s port %ld\n", a->host, a->port);
        peer_initiator_server_free(sv);
        return PEER_EXIT_USAGE;
    }
    printf("initiator: listening on %s://%s:%u (reverse message flow)\n",
           a->transport == PEER_COAP_TCP ? "coap+tcp" : "coap", a->host,
           tr_coap_server_port(srv));
    fflush(stdout);
    double last = mono_ms();
    int rc = PEER_EXIT_OK;
    unsigned long before = 0;
    while (!stop_requested && !peer_initiator_server_done(sv, &res)) {
        if (tr_coap_server_run(srv, 100) != EH_OK) {
            snprintf(res.verdict, sizeof res.verdict, "ERROR: CoAP server failure");
            rc = PEER_EXIT_USAGE;
            break;
        }
        if (peer_initiator_server_activity(sv) != before) { /* a request restarts the wait */
            before = peer_initiator_server_activity(sv);
            last = mono_ms();
        } else if (mono_ms() - last > a->timeout_ms) {
            snprintf(res.verdict, sizeof res.verdict, "FAIL: no request from the Responder "
                     "for %d ms (reverse message flow)", a->timeout_ms);
            rc = PEER_EXIT_TIMEOUT;
            break;
        }
    }
    /* the last response is sent by libcoap before the handler's return is
     * acted on; one more round lets a retransmitted request be answered */
    tr_coap_server_run(srv, 0);
    tr_coap_server_close(srv);
    peer_initiator_server_free(sv);
    if (rc != PEER_EXIT_OK)
        res.exit_code = rc;
    else if (stop_requested && res.verdict[0] == 0) {
        snprintf(res.verdict, sizeof res.verdict, "ERROR: stopped before the handshake ended");
        res.exit_code = PEER_EXIT_USAGE;
    }
    return finish_one(a, "initiator", &res, log);
}

/* The CoAP client of the other peer, or NULL (said on stderr). */
static tr_coap_client *open_client(const peer_args *a)
{
    tr_coap_client *c = NULL;
    if (tr_coap_client_open_proto(&c, a->host, (uint16_t)a->port,
                                  a->transport == PEER_COAP_TCP ? TR_COAP_TCP : TR_COAP_UDP) !=
        EH_OK) {
        fprintf(stderr, "peer: cannot reach %s port %ld\n", a->host, a->port);
        return NULL;
    }
    return c;
}

/* Reverse flow, Responder: a CoAP client of the Initiator. */
static int run_responder_client(const peer_args *a, peer_setup *ps, peer_log *log)
{
    peer_reverse_opts ro = reverse_opts(a, ps, log);
    tr_coap_client *c = open_client(a);
    peer_result res;
    if (c == NULL)
        return PEER_EXIT_USAGE;
    int timeout = a->timeout_ms;
    void *ctx[2] = {c, &timeout};
    peer_responder_client_run(&ro, coap_exchange, ctx, &res);
    tr_coap_client_close(c);
    return finish_one(a, "responder", &res, log);
}

static int run_initiator(const peer_args *a, peer_setup *ps, peer_log *log)
{
    peer_initiator_opts o;
    peer_result res;
    memset(&o, 0, sizeof o);
    o.edhoc = &ps->cfg;
    o.framing = a->framing;
    o.combined = a->combined;
    o.oscore = !a->no_oscore;
    o.resource = a->resource;
    o.edhoc_path = a->edhoc_path;
    o.max_attempts = 3;
    o.eph_priv = ps->eph, o.eph_priv_len = ps->eph_len;
    o.log = log;
    o.out = stdout;
    o.faults = a->peer_faults;
    if (a->transport != PEER_UDP) {
        tr_coap_client *c = open_client(a);
        if (c == NULL)
            return PEER_EXIT_USAGE;
        int timeout = a->timeout_ms;
        void *ctx[2] = {c, &timeout};
        initiate(a, &o, coap_exchange, ctx, &res);
        tr_coap_client_close(c);
    } else {
        peer_udp_client *uc = calloc(1, sizeof *uc);
        if (uc == NULL || tr_udp_connect(&uc->u, a->host, (uint16_t)a->port) != EH_OK) {
            fprintf(stderr, "peer: cannot reach %s port %ld\n", a->host, a->port);
            free(uc);
            return PEER_EXIT_USAGE;
        }
        uc->timeout_ms = a->timeout_ms;
        uc->keep_copies =
            (a->peer_faults & (PEER_FAULT_REPROCESS_MESSAGE_2 | PEER_FAULT_RESEND_NEW_MESSAGE_3)) != 0;
        o.m3_once = &uc->once;
        initiate(a, &o, peer_udp_exchange, uc, &res);
        tr_udp_close(&uc->u);
        free(uc);
    }
    return finish_one(a, "initiator", &res, log);
}

static void udp_serve_one(peer_responder *r, tr_udp *u, peer_udp_replay *replay,
                          const uint8_t *d, size_t n, const tr_addr *from, uint8_t *out)
{
    char client[64];
    peer_udp_request rq;
    tr_message resp;
    const uint8_t *dgram = NULL;
    size_t len = 0;
    int64_t now = tr_now_ms();
    if (peer_udp_replay_lookup(replay, from, d, n, now, &dgram, &len)) {
        if (dgram != NULL)
            tr_udp_send(u, dgram, len, from);
        return;
    }
    tr_addr_format(from, client, sizeof client);
    peer_udp_request_parse_for(d, n, peer_responder_awaits_m3, r, &rq);
    peer_responder_handle(r, &rq.req, client, &resp);
    if (peer_udp_response_encode(&rq, &resp, out, TR_UDP_MAX_DATAGRAM, &dgram, &len))
        tr_udp_send(u, dgram, len, from);
    else
        dgram = NULL;
    peer_udp_replay_store(replay, from, d, n, dgram, len, now);
}

static int run_responder(const peer_args *a, peer_setup *ps, peer_log *log)
{
    peer_responder_opts o;
    memset(&o, 0, sizeof o);
    o.edhoc = &ps->cfg;
    o.fixed_c_r = a->vector != NULL || a->conn_id_set;
    o.framing = a->framing;
    o.max_sessions = (size_t)a->max_sessions;
    o.resource = a->resource;
    o.edhoc_path = a->edhoc_path;
    o.eph_priv = ps->eph, o.eph_priv_len = ps->eph_len;
    o.log = log;
    o.out = stdout;
    o.faults = a->peer_faults;
    o.no_oscore = a->no_oscore;
    peer_responder *r = peer_responder_new(&o);
    if (r == NULL)
        return PEER_EXIT_USAGE;
    int rc = PEER_EXIT_OK;
    peer_responder_stats st;
    const char *scheme = a->transport == PEER_COAP       ? "coap"
                         : a->transport == PEER_COAP_TCP ? "coap+tcp"
                                                         : "udp";
    if (a->transport != PEER_UDP) {
        tr_coap_server *srv = NULL;
        if (tr_coap_server_open_proto(&srv, a->host, (uint16_t)a->port,
                                      a->transport == PEER_COAP_TCP ? TR_COAP_TCP : TR_COAP_UDP,
                                      coap_handler, r) != EH_OK) {
            fprintf(stderr, "peer: cannot listen on %s port %ld\n", a->host, a->port);
            peer_responder_free(r);
            return PEER_EXIT_USAGE;
        }
        printf("responder: listening on %s://%s:%u\n", scheme, a->host, tr_coap_server_port(srv));
        fflush(stdout);
        while (!stop_requested) {
            if (tr_coap_server_run(srv, 100) != EH_OK) {
                rc = PEER_EXIT_USAGE;
                break;
            }
            /* (the statistics scan the whole session table) */
            if (a->exit_after && (peer_responder_get_stats(r, &st),
                                  st.handshakes_completed >= (unsigned long)a->exit_after))
                break;
        }
        tr_coap_server_close(srv);
    } else {
        tr_udp u;
        uint8_t *d = malloc(TR_UDP_MAX_DATAGRAM), *out = malloc(TR_UDP_MAX_DATAGRAM);
        peer_udp_replay *replay = calloc(1, sizeof *replay);
        if (d == NULL || out == NULL || replay == NULL ||
            tr_udp_bind(&u, a->host, (uint16_t)a->port) != EH_OK) {
            fprintf(stderr, "peer: cannot listen on %s port %ld\n", a->host, a->port);
            free(d), free(out), free(replay);
            peer_responder_free(r);
            return PEER_EXIT_USAGE;
        }
        printf("responder: listening on %s://%s:%u\n", scheme, a->host, tr_udp_local_port(&u));
        fflush(stdout);
        while (!stop_requested) {
            size_t n = 0;
            tr_addr from;
            tr_status s = tr_udp_recv(&u, d, TR_UDP_MAX_DATAGRAM, &n, 100, &from);
            if (s == TR_OK)
                udp_serve_one(r, &u, replay, d, n, &from, out);
            /* (the statistics scan the whole session table) */
            if (a->exit_after && (peer_responder_get_stats(r, &st),
                                  st.handshakes_completed >= (unsigned long)a->exit_after))
                break;
        }
        tr_udp_close(&u);
        peer_udp_replay_free(replay);
        free(d), free(out), free(replay);
    }
    peer_responder_get_stats(r, &st);
    printf("responder: stopped: %lu handshakes completed, %lu OSCORE requests served, "
           "%lu errors sent, %zu sessions open, %lu evicted, %lu refused\n",
           st.handshakes_completed, st.oscore_ok, st.errors_sent, st.active_sessions,
           st.evictions, st.refused);
    if (a->transcript && peer_log_write(log, a->transcript, "responder") != 0)
        fprintf(stderr, "peer: cannot write %s\n", a->transcript);
    peer_responder_free(r);
    return rc;
}

int cli_peer(int argc, char **argv)
{
    peer_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    peer_setup *ps = calloc(1, sizeof *ps);
    peer_log *log = a.transcript ? peer_log_new() : NULL;
    if (ps == NULL || (a.transcript && log == NULL))
        return PEER_EXIT_USAGE;
    rc = a.vector ? setup_from_vector(&a, ps) : setup_from_files(&a, ps);
    if (rc == 0) {
        if (log)
            ps->cfg.trace = peer_log_trace, ps->cfg.trace_arg = log;
        ps->cfg.faults |= a.engine_faults;
        ps->cfg.lenient_cbor = a.lenient_cbor;
        if ((a.peer_faults & PEER_FAULT_REUSE_EPHEMERAL) && ps->eph == NULL) {
            /* one key for every session: its first bytes serve any curve */
            eh_crypto_random(NULL, ps->fixed_eph, sizeof ps->fixed_eph);
            ps->eph = ps->fixed_eph, ps->eph_len = sizeof ps->fixed_eph;
        }
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        /* The Responder stops cleanly (summary, transcript); an Initiator
         * has nothing to finish and ends at once. */
        if (!a.initiator || a.reverse) {
            sigaction(SIGINT, &sa, NULL);
            sigaction(SIGTERM, &sa, NULL);
            sigaction(SIGHUP, &sa, NULL);
        }
        signal(SIGPIPE, SIG_IGN);
        rc = a.reverse ? (a.initiator ? run_initiator_server(&a, ps, log)
                                      : run_responder_client(&a, ps, log))
             : a.initiator ? run_initiator(&a, ps, log) : run_responder(&a, ps, log);
    }
    peer_log_free(log);
    if (ps->vs)
        eh_wipe(ps->vs, sizeof *ps->vs);
    free(ps->vs);
    eh_wipe(ps, sizeof *ps);
    free(ps);
    return rc;
}

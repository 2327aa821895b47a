/*
 * vectors_check.c - `edhoc-harness vectors check FILE...`
 *
 * Runs an Initiator and a Responder from a vector file's inputs. Each role
 * is fed the file's messages (not the other role's output), so a fault in
 * one role cannot hide or cause a mismatch in the other. Every value the
 * engine traces is compared with the file's value of the same key; values
 * the checker derives itself (public keys, y-coordinates, identifier
 * encodings) form a third column. A file key that nothing computed is
 * reported as not checked.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../cbor/cbor.h"
#include "../common/datapath.h"
#include "../edhoc/edhoc.h"
#include "cli.h"
#include "../vectors/trace_log.h"
#include "../vectors/vector_file.h"
#include "../vectors/vector_setup.h"


/* Inputs of a vector file: never derived, never compared. */
static const char *const input_keys[] = {
    "method", "suites_i", "x", "y", "c_i", "c_r", "ead_1", "ead_2", "ead_3", "ead_4",
    "sk_i", "sk_r", "id_cred_i", "id_cred_r", "cred_i", "cred_r", "cred_i_der", "cred_r_der",
    "root_ca_pk", "exporter_label", "exporter_context", "exporter_length", "keyupdate_context",
    "first_method", "first_suites_i", "first_x", "first_c_i", "first_ead_1", NULL};

static bool is_input(const char *key)
{
    for (size_t i = 0; input_keys[i] != NULL; i++)
        if (strcmp(key, input_keys[i]) == 0)
            return true;
    return false;
}

typedef struct checker {
    const vfile *vf;
    int failures; /* engine failures and mismatches */
    trace_log log_i, log_r, log_derived;
} checker;

static void report_engine_failure(checker *ck, const char *role, const char *step, eh_err err,
                                  const eh_session *s)
{
    ck->failures++;
    if (s != NULL && s->finding.err != EH_OK)
        fprintf(stdout, "%s: %s: %s failed: %s (%s at offset %zu: %s; %s)\n", ck->vf->path, role,
                step, eh_err_name(err), s->finding.field ? s->finding.field : "?",
                s->finding.offset, s->finding.reason ? s->finding.reason : "",
                s->finding.rfc ? s->finding.rfc : "");
    else
        fprintf(stdout, "%s: %s: %s failed: %s\n", ck->vf->path, role, step, eh_err_name(err));
}

/* Compare every non-input key of the file with what was computed. */
static void compare_all(checker *ck, int *checked_i, int *checked_r)
{
    const char *key;
    json_t *value;
    json_object_foreach(ck->vf->root, key, value) {
        if (key[0] == '_' || is_input(key))
            continue;
        char expected[64];
        const char *exp = NULL;
        if (json_is_integer(value)) {
            snprintf(expected, sizeof expected, "%lld", (long long)json_integer_value(value));
            exp = expected;
        } else {
            exp = json_string_value(value);
        }
        bool any = false;
        trace_log *logs[3] = {&ck->log_i, &ck->log_r, &ck->log_derived};
        const char *names[3] = {"initiator", "responder", "derived"};
        for (int l = 0; l < 3; l++) {
            json_t *got = json_object_get(logs[l]->values, key);
            if (got == NULL)
                continue;
            any = true;
            const char *g = json_string_value(got);
            if (strcasecmp(g, exp) != 0) {
                ck->failures++;
                fprintf(stdout, "%s: %s: expected %s got %s [%s]\n", ck->vf->path, key, exp, g,
                        names[l]);
            }
            if (l == 0)
                (*checked_i)++;
            if (l == 1)
                (*checked_r)++;
        }
        if (!any)
            fprintf(stdout, "%s: note: key '%s' was not checked (not computed by this harness)\n",
                    ck->vf->path, key);
    }
}

/* Add `<name>_cbor` entries for every traced raw value the file wants
 * CBOR-encoded (bstr), except identifiers which follow §3.3.2. */
static void add_cbor_forms(const vfile *vf, trace_log *log)
{
    const char *key;
    json_t *value;
    json_object_foreach(vf->root, key, value) {
        size_t n = strlen(key);
        if (n < 6 || strcmp(key + n - 5, "_cbor") != 0 || json_object_get(log->values, key))
            continue;
        char base[128];
        snprintf(base, sizeof base, "%.*s", (int)(n - 5), key);
        json_t *raw = json_object_get(log->values, base);
        if (raw == NULL)
            continue;
        static uint8_t b[VMAX], enc[VMAX + 9];
        const char *h = json_string_value(raw);
        size_t len = strlen(h) / 2;
        for (size_t i = 0; i < len; i++)
            sscanf(h + 2 * i, "%2hhx", &b[i]);
        eh_cbor_writer w;
        eh_cbor_writer_init(&w, enc, sizeof enc);
        bool ident = strcmp(base, "c_i") == 0 || strcmp(base, "c_r") == 0 ||
                     strcmp(base, "first_c_i") == 0;
        if (ident && eh_conn_id_is_int(b, len))
            eh_cbor_write_raw(&w, b, 1);
        else
            eh_cbor_write_bstr(&w, b, len);
        char *hex = hex_encode(enc, w.len);
        json_object_set_new(log->values, key, json_string(hex));
        free(hex);
    }
}

static void finish_session(checker *ck, eh_session *s, const vector_inputs *in, const char *role)
{
    eh_oscore_material o;
    eh_err err = eh_oscore_material_derive(s, &o);
    if (err != EH_OK) {
        report_engine_failure(ck, role, "OSCORE parameters", err, s);
        return;
    }
    trace_log *log = s->cfg->trace_arg;
    char num[32];
    snprintf(num, sizeof num, "%d", o.aead_alg);
    json_object_set_new(log->values, "app_aead_alg", json_string(num));
    snprintf(num, sizeof num, "%d", o.hash_alg);
    json_object_set_new(log->values, "app_hash_alg", json_string(num));
    if (vfile_has(ck->vf, "exporter_label")) {
        long long label = 0, length = 0;
        uint8_t outb[1024];
        if (vfile_int(ck->vf, "exporter_label", &label) == 0 &&
            vfile_int(ck->vf, "exporter_length", &length) == 0 && label >= 0 && length > 0 &&
            length <= (long long)sizeof outb) {
            err = eh_exporter(s, (uint64_t)label, in->exporter_context.b,
                              in->exporter_context.n, outb, (size_t)length);
            if (err != EH_OK)
                report_engine_failure(ck, role, "EDHOC_Exporter", err, s);
        }
    }
    if (vfile_has(ck->vf, "keyupdate_context")) {
        err = eh_key_update(s, in->keyupdate_context.b, in->keyupdate_context.n);
        if (err == EH_OK)
            err = eh_oscore_material_derive(s, &o);
        if (err != EH_OK)
            report_engine_failure(ck, role, "EDHOC_KeyUpdate", err, s);
    }
    eh_wipe(&o, sizeof o);
}

/* Bring a session to the state in which it receives `applies_to`. */
static eh_err to_receiving_state(const vector_inputs *in, const char *applies_to, eh_session *s,
                                 const eh_config *ci, const eh_config *cr, uint8_t *out)
{
    size_t n;
    eh_err err;
    bool initiator = strcmp(applies_to, "message_2") == 0 || strcmp(applies_to, "message_4") == 0;
    if ((err = eh_session_init(s, initiator ? ci : cr)) != EH_OK)
        return err;
    if ((err = eh_session_set_ephemeral(s, initiator ? in->x.b : in->y.b,
                                        initiator ? in->x.n : in->y.n, NULL, 0)) != EH_OK)
        return err;
    if (strcmp(applies_to, "message_1") == 0)
        return EH_OK;
    if (initiator) {
        if ((err = eh_initiator_message_1(s, out, VMAX, &n)) != EH_OK ||
            strcmp(applies_to, "message_2") == 0)
            return err;
        if ((err = eh_initiator_process_message_2(s, in->msg2.b, in->msg2.n)) != EH_OK)
            return err;
        return eh_initiator_message_3(s, out, VMAX, &n);
    }
    if ((err = eh_responder_process_message_1(s, in->msg1.b, in->msg1.n)) != EH_OK)
        return err;
    return eh_responder_message_2(s, out, VMAX, &n);
}

static eh_err deliver(eh_session *s, const char *applies_to, const uint8_t *m, size_t n)
{
    if (strcmp(applies_to, "message_1") == 0)
        return eh_responder_process_message_1(s, m, n);
    if (strcmp(applies_to, "message_2") == 0)
        return eh_initiator_process_message_2(s, m, n);
    if (strcmp(applies_to, "message_3") == 0)
        return eh_responder_process_message_3(s, m, n);
    return eh_initiator_process_message_4(s, m, n);
}

/*
 * A negative vector: run the valid transcript to the receiver's state,
 * deliver invalid_message, and pass only if the receiver aborts (with the
 * expected ERR_CODE where given) while the valid message from the same
 * state is accepted.
 */
static int check_negative(checker *ck, const vector_inputs *in, eh_config *ci, eh_config *cr,
                          uint8_t *out)
{
    const vfile *vf = ck->vf;
    const char *applies = json_string_value(json_object_get(vf->root, "_applies_to"));
    const char *receiver = json_string_value(json_object_get(vf->root, "_receiver"));
    json_t *code_j = json_object_get(vf->root, "_expected_err_code");
    static const char *const kinds[] = {"message_1", "message_2", "message_3", "message_4"};
    const bytes *valid = NULL;
    bytes *bad = malloc(sizeof *bad);
    eh_session *base = malloc(sizeof *base), *trial = malloc(sizeof *trial);
    int rc = 2;
    if (bad == NULL || base == NULL || trial == NULL)
        goto done;
    for (int k = 0; k < 4; k++)
        if (applies != NULL && strcmp(applies, kinds[k]) == 0)
            valid = k == 0 ? &in->msg1 : k == 1 ? &in->msg2 : k == 2 ? &in->msg3 : &in->msg4;
    bool to_initiator = valid == &in->msg2 || valid == &in->msg4;
    if (valid == NULL || valid->n == 0 || receiver == NULL ||
        strcmp(receiver, to_initiator ? "initiator" : "responder") != 0 ||
        (code_j != NULL && !json_is_null(code_j) && !json_is_integer(code_j))) {
        fprintf(stderr, "%s: negative vector needs _applies_to message_1..4 (with that message "
                        "in the file), a matching _receiver, and an integer or null "
                        "_expected_err_code\n", vf->path);
        goto done;
    }
    if (vfile_hex(vf, "invalid_message", bad->b, VMAX, &bad->n, true))
        goto done;
    ci->trace = cr->trace = NULL;
    eh_err err = to_receiving_state(in, applies, base, ci, cr, out);
    if (err != EH_OK) {
        report_engine_failure(ck, receiver, "the valid transcript", err, base);
        rc = 1;
        goto done;
    }
    rc = 0;
    *trial = *base;
    err = deliver(trial, applies, bad->b, bad->n);
    if (err == EH_OK || err == EH_ERR_STATE) {
        fprintf(stdout, "%s: the %s accepted the invalid %s\n", vf->path, receiver, applies);
        rc = 1;
    } else {
        size_t em_len = 0;
        char *em_hex = NULL;
        if (eh_error_message(trial, out, VMAX, &em_len) == EH_OK)
            em_hex = hex_encode(out, em_len);
        fprintf(stdout, "%s: invalid %s rejected by the %s: %s (%s at offset %zu: %s; %s), "
                        "error message %s\n", vf->path, applies, receiver, eh_err_name(err),
                trial->finding.field ? trial->finding.field : "?", trial->finding.offset,
                trial->finding.reason ? trial->finding.reason : "",
                trial->finding.rfc ? trial->finding.rfc : "", em_hex ? em_hex : "(none)");
        free(em_hex);
        if (json_is_integer(code_j) && trial->err_code_to_send != json_integer_value(code_j)) {
            fprintf(stdout, "%s: _expected_err_code: expected %lld got %d\n", vf->path,
                    (long long)json_integer_value(code_j), trial->err_code_to_send);
            rc = 1;
        }
    }
    eh_session_wipe(trial);
    *trial = *base;
    err = deliver(trial, applies, valid->b, valid->n);
    if (err != EH_OK) {
        report_engine_failure(ck, receiver, "the valid message from the same state", err, trial);
        rc = 1;
    }
    fprintf(stdout, "%s: %s\n", vf->path, rc == 0 ? "OK: negative vector" : "FAILED: negative vector");
done:
    if (base)
        eh_session_wipe(base);
    if (trial)
        eh_session_wipe(trial);
    free(base);
    free(trial);
    free(bad);
    return rc;
}

/* Signatures of randomised schemes (ECDSA) cannot be recomputed: the
 * file's signature is verified over our to_be_signed with the signer's
 * public key and then used, so the rest of the transcript can be checked
 * byte for byte (vectors/README.md). */
typedef struct file_signature {
    checker *ck;
    const char *key; /* "sig_or_mac_2" (Responder) or "sig_or_mac_3" (Initiator) */
    const eh_sig_alg *alg;
    const uint8_t *pub, *priv;
} file_signature;

static eh_err file_signature_cb(void *arg, const uint8_t *tbs, size_t len, uint8_t *sig)
{
    file_signature *fs = arg;
    uint8_t recorded[EH_MAX_SIG_LEN];
    size_t n = 0;
    if (vfile_hex(fs->ck->vf, fs->key, recorded, sizeof recorded, &n, false) == 0 &&
        n == fs->alg->sig_len && fs->alg->verify(fs->pub, tbs, len, recorded) == EH_OK) {
        memcpy(sig, recorded, n);
        fprintf(stdout, "%s: note: %s (%s) verified with the public key, not recomputed\n",
                fs->ck->vf->path, fs->key, fs->alg->name);
        return EH_OK;
    }
    if (n != 0) {
        fs->ck->failures++;
        fprintf(stdout, "%s: %s: the recorded %s signature does not verify over to_be_signed\n",
                fs->ck->vf->path, fs->key, fs->alg->name);
    }
    return fs->alg->sign(fs->priv, tbs, len, sig);
}

static int check_file(const char *path)
{
    vfile vf;
    int rc = vfile_load(&vf, path);
    if (rc != 0)
        return rc;
    vector_setup *vs = calloc(1, sizeof *vs);
    checker ck = {.vf = &vf};
    ck.log_i.values = json_object();
    ck.log_r.values = json_object();
    ck.log_derived.values = json_object();
    eh_session *si = calloc(1, sizeof *si), *sr = calloc(1, sizeof *sr);
    uint8_t *out = malloc(VMAX);
    if (!vs || !si || !sr || !out || !ck.log_i.values || !ck.log_r.values ||
        !ck.log_derived.values) {
        fprintf(stderr, "%s: out of memory\n", path);
        rc = 2;
        goto done;
    }
    if ((rc = vector_setup_load(&vf, vs, &ck.log_derived)) != 0)
        goto done;
    const vector_inputs *in = &vs->in;
    eh_config *ci = &vs->ci, *cr = &vs->cr;
    const eh_suite *suite = vs->suite;
    const int *prefs = vs->prefs, *first_sel = vs->first_sel;
    size_t n_prefs = vs->n_prefs, n_first = vs->n_first;
    uint8_t *pub_i = vs->pub_i, *pub_r = vs->pub_r;
    eh_err err;
    ci->trace = cr->trace = trace_log_cb;
    ci->trace_arg = &ck.log_i;
    cr->trace_arg = &ck.log_r;

    file_signature fs_i = {&ck, "sig_or_mac_3", suite->sig, pub_i, in->sk_i.b};
    file_signature fs_r = {&ck, "sig_or_mac_2", suite->sig, pub_r, in->sk_r.b};
    if (suite->sig->cose_alg == -7 || suite->sig->cose_alg == -35) {
        ci->sign = file_signature_cb, ci->sign_arg = &fs_i;
        cr->sign = file_signature_cb, cr->sign_arg = &fs_r;
    }
    if (vfile_has(&vf, "invalid_message")) {
        rc = check_negative(&ck, in, ci, cr, out);
        goto done;
    }

    size_t out_len = 0;
    /* ------------------------------------------------ Initiator */
    if (eh_session_init(si, ci) != EH_OK) {
        fprintf(stderr, "%s: cannot configure the Initiator from the file\n", path);
        rc = 2;
        goto done;
    }
    if (in->first_msg1.n) {
        /* First attempt (rejected with ERR_CODE 2 in the file). */
        size_t idx = n_prefs;
        for (size_t i = 0; i < n_prefs; i++)
            if (prefs[i] == first_sel[n_first - 1])
                idx = i;
        if (idx == n_prefs) {
            fprintf(stderr, "%s: key 'first_suites_i': its selected suite is not in suites_i\n",
                    path);
            rc = 2;
            goto done;
        }
        si->suite_index = idx;
        const eh_suite *fs = eh_suite_by_id(prefs[idx]);
        uint8_t g[EH_MAX_COORD_LEN];
        bool pub_verbatim = false;
        if (fs != NULL && in->first_x.n == fs->ecdh->priv_len &&
            fs->ecdh->public_key(in->first_x.b, g, NULL) == EH_OK &&
            (in->first_g_x.n != fs->ecdh->coord_len || memcmp(g, in->first_g_x.b, in->first_g_x.n))) {
            /* RFC 9529 trace 2 quirk: first_g_x is the P-256 key of first_x. */
            uint8_t g256[32];
            if (in->first_x.n == 32 && eh_ecdh_p256.public_key(in->first_x.b, g256, NULL) == EH_OK &&
                in->first_g_x.n == 32 && memcmp(g256, in->first_g_x.b, 32) == 0) {
                fprintf(stdout, "%s: note: first_g_x is the P-256 public key of first_x although "
                                "suite %d uses %s (known RFC 9529 quirk; nothing depends on it)\n",
                        path, fs->id, fs->ecdh->name);
                trace_log_put(&ck.log_derived, "first_g_x", g256, 32);
            } else {
                trace_log_put(&ck.log_derived, "first_g_x", g, fs->ecdh->coord_len);
            }
            pub_verbatim = true;
        } else if (fs != NULL) {
            trace_log_put(&ck.log_derived, "first_g_x", g, fs->ecdh->coord_len);
        }
        eh_session_set_ephemeral(si, in->first_x.b, in->first_x.n,
                                 pub_verbatim ? in->first_g_x.b : NULL, in->first_g_x.n);
        eh_session_set_conn_id(si, in->first_c_i.b, in->first_c_i.n);
        ck.log_i.prefix = "first_";
        err = eh_initiator_message_1(si, out, VMAX, &out_len);
        if (pub_verbatim)
            json_object_del(ck.log_i.values, "first_g_x"); /* not computed: injected */
        ck.log_i.prefix = NULL;
        if (err != EH_OK)
            report_engine_failure(&ck, "initiator", "first message_1", err, si);
        err = eh_initiator_process_message_2(si, in->error_msg.b, in->error_msg.n);
        if (err != EH_ERR_PEER_ERROR || si->state != EH_STATE_START)
            report_engine_failure(&ck, "initiator", "error message (ERR_CODE 2) handling",
                                  err == EH_OK ? EH_ERR_STATE : err, si);
        eh_session_set_conn_id(si, in->c_i.b, in->c_i.n);
    }
    eh_session_set_ephemeral(si, in->x.b, in->x.n, NULL, 0);
    if ((err = eh_initiator_message_1(si, out, VMAX, &out_len)) != EH_OK)
        report_engine_failure(&ck, "initiator", "message_1", err, si);
    else if ((err = eh_initiator_process_message_2(si, in->msg2.b, in->msg2.n)) != EH_OK)
        report_engine_failure(&ck, "initiator", "processing message_2", err, si);
    else if ((err = eh_initiator_message_3(si, out, VMAX, &out_len)) != EH_OK)
        report_engine_failure(&ck, "initiator", "message_3", err, si);
    else if (ci->message_4 &&
             (err = eh_initiator_process_message_4(si, in->msg4.b, in->msg4.n)) != EH_OK)
        report_engine_failure(&ck, "initiator", "processing message_4", err, si);
    else
        finish_session(&ck, si, in, "initiator");

    /* ------------------------------------------------ Responder */
    if (in->first_msg1.n) {
        eh_session first;
        eh_session_init(&first, cr);
        eh_session_set_ephemeral(&first, in->y.b, in->y.n, NULL, 0);
        ck.log_r.prefix = "first_";
        err = eh_responder_process_message_1(&first, in->first_msg1.b, in->first_msg1.n);
        ck.log_r.prefix = NULL;
        if (err != EH_ERR_SUITE) {
            report_engine_failure(&ck, "responder", "rejecting first_message_1 with ERR_CODE 2",
                                  err == EH_OK ? EH_ERR_STATE : err, &first);
        } else if ((err = eh_error_message(&first, out, VMAX, &out_len)) != EH_OK) {
            report_engine_failure(&ck, "responder", "error message", err, &first);
        } else {
            eh_cbor_reader r;
            int64_t code;
            trace_log_put(&ck.log_r, "error_message", out, out_len);
            eh_cbor_reader_init(&r, out, out_len);
            if (eh_cbor_read_int(&r, &code) == EH_OK)
                trace_log_put(&ck.log_r, "suites_r", out + r.pos, out_len - r.pos);
        }
        eh_session_wipe(&first);
    }
    eh_session_init(sr, cr);
    eh_session_set_ephemeral(sr, in->y.b, in->y.n, NULL, 0);
    if ((err = eh_responder_process_message_1(sr, in->msg1.b, in->msg1.n)) != EH_OK)
        report_engine_failure(&ck, "responder", "processing message_1", err, sr);
    else if ((err = eh_responder_message_2(sr, out, VMAX, &out_len)) != EH_OK)
        report_engine_failure(&ck, "responder", "message_2", err, sr);
    else if ((err = eh_responder_process_message_3(sr, in->msg3.b, in->msg3.n)) != EH_OK)
        report_engine_failure(&ck, "responder", "processing message_3", err, sr);
    else if (cr->message_4 && (err = eh_responder_message_4(sr, out, VMAX, &out_len)) != EH_OK)
        report_engine_failure(&ck, "responder", "message_4", err, sr);
    else
        finish_session(&ck, sr, in, "responder");

    add_cbor_forms(&vf, &ck.log_i);
    add_cbor_forms(&vf, &ck.log_r);
    add_cbor_forms(&vf, &ck.log_derived);
    int checked_i = 0, checked_r = 0;
    compare_all(&ck, &checked_i, &checked_r);
    if (ck.failures == 0)
        fprintf(stdout, "%s: OK: %d values reproduced by the Initiator, %d by the Responder\n",
                path, checked_i, checked_r);
    else
        fprintf(stdout, "%s: FAILED: %d mismatches or failures\n", path, ck.failures);
    rc = ck.failures == 0 ? 0 : 1;
done:
    if (si)
        eh_session_wipe(si);
    if (sr)
        eh_session_wipe(sr);
    free(si);
    free(sr);
    free(out);
    if (vs)
        eh_wipe(vs, sizeof *vs);
    free(vs);
    json_decref(ck.log_i.values);
    json_decref(ck.log_r.values);
    json_decref(ck.log_derived.values);
    vfile_free(&vf);
    return rc;
}

static void vectors_usage(FILE *f)
{
    fprintf(f, "usage: edhoc-harness vectors check FILE...\n"
               "       edhoc-harness vectors generate [options]   (see vectors generate --help)\n"
               "       edhoc-harness vectors render FILE [options]   (see vectors render --help)\n"
               "\n"
               "check: recompute every value of each EDHOC vector file (format:\n"
               "vectors/README.md) in both roles. A relative FILE not found in the working\n"
               "directory is looked up in $EDHOC_HARNESS_DATA, then in\n"
               "<bin>/../share/edhoc-harness (installed).\n"
               "\n"
               "  -h, --help   this text\n"
               "\n"
               "exit codes: 0 all values reproduced, 1 a mismatch or a processing failure,\n"
               "            2 unusable input or a usage error\n");
}

static bool is_help(const char *a)
{
    return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

int cli_vectors(int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "generate") == 0)
        return cli_vectors_generate(argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "render") == 0)
        return cli_vectors_render(argc - 1, argv + 1);
    if (argc < 1 || strcmp(argv[0], "check") != 0) {
        bool help = argc >= 1 && is_help(argv[0]);
        vectors_usage(help ? stdout : stderr);
        return help ? 0 : 2;
    }
    for (int i = 1; i < argc; i++) {
        if (is_help(argv[i])) {
            vectors_usage(stdout);
            return 0;
        }
        if (argv[i][0] == '-' && argv[i][1] != 0) {
            fprintf(stderr, "vectors check: unknown option %s (see --help)\n", argv[i]);
            return 2;
        }
    }
    if (argc < 2) {
        vectors_usage(stderr);
        return 2;
    }
    int worst = 0;
    for (int i = 1; i < argc; i++) {
        char path[PATH_MAX];
        int rc = check_file(eh_data_path(argv[i], path, sizeof path));
        if (rc > worst)
            worst = rc;
    }
    return worst;
}

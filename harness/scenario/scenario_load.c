/*
 * scenario_load.c - scenario files (scenarios/<dir>/<name>.yaml) into `scenario`
 * (scenario.h). Schema-driven: every key is known, every value checked
 * (type, range, size); the first problem is reported as "FILE:LINE: ...".
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cbor/cbor.h"
#include "../edhoc/edhoc.h"
#include "sc_yaml.h"
#include "scenario.h"
#include "profile.h"

#define MAX_MS 600000         /* timeouts and waits: at most 10 minutes */
#define MAX_MSG_OFFSET 65536L /* flip offsets, truncate lengths */
#define MAX_SIZE 1048576L     /* max_size budget */

static const char *const top_keys[] = {
    "id", "title", "requirements", "level", "role", "transport", "method", "suites",
    "credentials", "vector", "ead", "c_i", "c_r", "message_4", "needs", "matrix", "steps",
    "framing", "iut", NULL};
const char *const sc_ask_names[SC_ASK_COUNT_ + 1] = {"c_i",   "c_r",   "ead_1", "ead_2",
                                                     "ead_3", "ead_4", NULL};
static const char *const framing_names[] = {"rfc9528", "bare", NULL};
static const char *const levels[] = {"MUST", "SHOULD", "INFO", NULL};
static const char *const roles[] = {"initiator", "responder", "both", NULL};
static const char *const transports[] = {"coap", "udp", "coap-tcp", NULL};
static const char *const cred_keys[] = {"own", "peer", "id", "iut_peer", "id_cred",
                                        "id_cred_extra", NULL};
static const char *const cred_ids[] = {"kid", "kccs", "x5t", "x5chain", NULL};
static const char *const matrix_keys[] = {"methods", "suites", "credentials", NULL};
/* keys a matrix sets per variant (matrix.h) */
static const char *const matrix_conflicts[] = {"method", "suites", "credentials", "vector", NULL};

static const char *const step_keys[] = {
    "send", "expect", "wait", "oscore", "flood", "faults", "mutate", "plaintext", "code", "info",
    "timeout",
    "max_size", "deterministic", "equals_vector", "fields", "combined", "with_c_r",
    "ead_labels", "again", "amplification", "prefix", "ead", NULL};
static const char *const send_keys[] = {"send", "faults", "mutate", "plaintext", "code", "info",
                                        "combined", "with_c_r", "again", "prefix", "ead", NULL};
static const char *const combined_keys[] = {"resource", "edhoc_option", "oscore_option", NULL};
static const char *const expect_keys[] = {
    "expect", "timeout", "max_size", "deterministic", "equals_vector", "fields", "ead_labels",
    "amplification", NULL};
static const char *const wait_keys[] = {"wait", NULL};
static const char *const flood_keys[] = {"flood", NULL};
static const char *const flood_map_keys[] = {"count", "distinct_c_i", "time", NULL};
static const char *const oscore_keys[] = {"oscore", "timeout", NULL};
static const char *const oscore_map_keys[] = {"resource", "timeout", "replay", "early", NULL};
static const char *const send_msgs[] = {"message_1", "message_2", "message_3", "message_4",
                                        "error", "raw", "repeat", "none", NULL};

static const char *const mut_keys[] = {"replace", "flip", "truncate", "append",
                                       "nondeterministic", "raw", "overwrite", "insert",
                                       NULL};
static const char *const overwrite_keys[] = {"offset", "hex", NULL};
static const char *const insert_keys[] = {"offset", "field", "hex", NULL};
static const char *const replace_keys[] = {"field", "hex", NULL};
static const char *const flip_keys[] = {"offset", "bit", NULL};
static const char *const nondet_keys[] = {"field", "width", NULL};

static const char *const outcome_keys[] = {"error", "coap", "message", "silence", "close",
                                           "same",  "grade", "any_of", "in",      "state",
                                           "suite", "rule", "end", NULL};
static const char *const suite_kinds[] = {"any", "supported", "unsupported", NULL};
static const char *const outcome_msgs[] = {"message_1", "message_2", "message_3", "message_4",
                                           "oscore", "accepted", NULL};
static const char *const error_keys[] = {"code", "info", "suites_include", NULL};
static const char *const err_infos[] = {"tstr", "true", "suites", NULL};
static const char *const grades[] = {"strict", "non-strict", "inconclusive", NULL};

static bool in_list(const char *s, const char *const list[])
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

/* A field name as in the RFC: [A-Z][A-Z0-9_]* (METHOD, SUITES_I, C_R, ...). */
static int field_name(sy_ctx *c, const yaml_node_t *n, const char *key, char out[SC_MAX_NAME])
{
    if (sy_str(c, n, key, out, SC_MAX_NAME) != 0)
        return -1;
    bool ok = out[0] >= 'A' && out[0] <= 'Z';
    for (const char *p = out; ok && *p; p++)
        ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
             *p == '_';
    if (!ok)
        return sy_fail(c, n, "%s: '%s' is not a field name (e.g. SUITES_I, C_R, "
                             "Signature_or_MAC_2)", key, sy_show(out, (char[48]){0}));
    return 0;
}

static int suite_list(sy_ctx *c, const yaml_node_t *n, const char *key, size_t min, int *out,
                      size_t *count)
{
    size_t k;
    if (sy_seq(c, n, key, min, SC_MAX_LIST, &k) != 0)
        return -1;
    for (size_t i = 0; i < k; i++) {
        yaml_node_t *it = sy_seq_item(c, n, i);
        if (sy_int(c, it, key, -65536, 65535, &out[i]) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (out[j] == out[i])
                return sy_fail(c, it, "%s: suite %d listed twice", key, out[i]);
    }
    *count = k;
    return 0;
}

/* A list of suites that may name them by role: `profile` (the job's
 * selected suite, SC_SUITE_OF_PROFILE) and `other` (SC_SUITE_OTHER), each
 * at most once, beside registered or private-use values. */
static int suite_words(sy_ctx *c, const yaml_node_t *n, const char *key, int *out,
                       size_t *count)
{
    size_t k;
    if (sy_seq(c, n, key, 1, SC_MAX_LIST, &k) != 0)
        return -1;
    for (size_t i = 0; i < k; i++) {
        yaml_node_t *it = sy_seq_item(c, n, i);
        const char *t = it->type == YAML_SCALAR_NODE ? sy_text(it) : "";
        if (strcmp(t, "profile") == 0)
            out[i] = SC_SUITE_OF_PROFILE;
        else if (strcmp(t, "other") == 0)
            out[i] = SC_SUITE_OTHER;
        else if (sy_int(c, it, key, -65536, 65535, &out[i]) != 0)
            return sy_fail(c, it, "%s: a suite, `profile` or `other`", key);
        for (size_t j = 0; j < i; j++)
            if (out[j] == out[i])
                return out[i] == SC_SUITE_OF_PROFILE || out[i] == SC_SUITE_OTHER
                           ? sy_fail(c, it, "%s: %s listed twice", key, t)
                           : sy_fail(c, it, "%s: suite %d listed twice", key, out[i]);
    }
    *count = k;
    return 0;
}

/* ------------------------------------------------------------ mutations */

/* Hex of a mutation into the step's mut_bytes (all of a step's mutations
 * share SC_MAX_BYTES). */
static int mutation_hex(sy_ctx *c, const yaml_node_t *n, const char *key, sc_step *st,
                        sc_mutation *m)
{
    sc_bytes tmp;
    if (sy_hex(c, n, key, &tmp) != 0)
        return -1;
    if (tmp.n > sizeof st->mut_bytes - st->mut_bytes_used)
        return sy_fail(c, n, "%s: the step's mutations hold more than %d bytes in all", key,
                       SC_MAX_BYTES);
    memcpy(st->mut_bytes + st->mut_bytes_used, tmp.b, tmp.n);
    m->bytes_off = st->mut_bytes_used;
    m->bytes_n = tmp.n;
    st->mut_bytes_used += tmp.n;
    return 0;
}

static int load_mutation(sy_ctx *c, const yaml_node_t *n, sc_step *st, sc_mutation *m)
{
    if (sy_keys(c, n, "mutate", mut_keys) != 0)
        return -1;
    if (sy_map_len(n) != 1)
        return sy_fail(c, n, "mutate: each item is a map with exactly one key "
                             "(replace, flip, truncate, append, nondeterministic, raw, "
                             "overwrite, insert)");
    const char *kind = sy_text(sy_map_key(c, n, 0));
    yaml_node_t *v = sy_map_value(c, n, 0), *x;
    if (!strcmp(kind, "replace")) {
        m->kind = SC_MUT_REPLACE;
        return sy_keys(c, v, "replace", replace_keys) || sy_require(c, v, "field", &x) ||
                       field_name(c, x, "replace.field", m->field) ||
                       sy_require(c, v, "hex", &x) || mutation_hex(c, x, "replace.hex", st, m)
                   ? -1
                   : 0;
    }
    if (!strcmp(kind, "flip")) {
        m->kind = SC_MUT_FLIP;
        if (sy_keys(c, v, "flip", flip_keys) || sy_require(c, v, "offset", &x) ||
            sy_long(c, x, "flip.offset", -MAX_MSG_OFFSET, MAX_MSG_OFFSET, &m->offset))
            return -1;
        x = sy_get(c, v, "bit");
        return x && sy_int(c, x, "flip.bit", 0, 7, &m->bit) ? -1 : 0;
    }
    if (!strcmp(kind, "truncate")) {
        m->kind = SC_MUT_TRUNCATE;
        return sy_long(c, v, "truncate", -MAX_MSG_OFFSET, MAX_MSG_OFFSET, &m->offset);
    }
    if (!strcmp(kind, "append")) {
        m->kind = SC_MUT_APPEND;
        return mutation_hex(c, v, "append", st, m);
    }
    if (!strcmp(kind, "nondeterministic")) {
        m->kind = SC_MUT_NONDET;
        if (sy_keys(c, v, "nondeterministic", nondet_keys) || sy_require(c, v, "field", &x) ||
            field_name(c, x, "nondeterministic.field", m->field) ||
            sy_require(c, v, "width", &x) ||
            sy_int(c, x, "nondeterministic.width", 1, 8, &m->width))
            return -1;
        if (m->width != 1 && m->width != 2 && m->width != 4 && m->width != 8)
            return sy_fail(c, x, "nondeterministic.width: %d is not 1, 2, 4 or 8", m->width);
        return 0;
    }
    if (!strcmp(kind, "overwrite")) {
        m->kind = SC_MUT_OVERWRITE;
        if (sy_keys(c, v, "overwrite", overwrite_keys) || sy_require(c, v, "offset", &x) ||
            sy_long(c, x, "overwrite.offset", -MAX_MSG_OFFSET, MAX_MSG_OFFSET, &m->offset) ||
            sy_require(c, v, "hex", &x) || mutation_hex(c, x, "overwrite.hex", st, m))
            return -1;
        return 0;
    }
    if (!strcmp(kind, "insert")) {
        m->kind = SC_MUT_INSERT;
        yaml_node_t *off = sy_get(c, v, "offset"), *field = sy_get(c, v, "field");
        if (sy_keys(c, v, "insert", insert_keys) != 0)
            return -1;
        if ((off == NULL) == (field == NULL))
            return sy_fail(c, v, "insert: exactly one of offset and field");
        if (off && sy_long(c, off, "insert.offset", -MAX_MSG_OFFSET, MAX_MSG_OFFSET,
                           &m->offset))
            return -1;
        if (field && field_name(c, field, "insert.field", m->field))
            return -1;
        return sy_require(c, v, "hex", &x) || mutation_hex(c, x, "insert.hex", st, m) ? -1 : 0;
    }
    m->kind = SC_MUT_RAW; /* "raw": sy_keys admitted nothing else */
    return mutation_hex(c, v, "raw", st, m);
}

/* ---------------------------------------------------------------- steps */

/* Hex into one of a step's smaller byte strings (scenario.h). */
static int load_short_hex(sy_ctx *c, const yaml_node_t *n, const char *key, sc_short_bytes *out)
{
    sc_bytes tmp;
    if (sy_hex(c, n, key, &tmp) != 0)
        return -1;
    if (tmp.n > sizeof out->b)
        return sy_fail(c, n, "%s: more than %zu bytes", key, sizeof out->b);
    memcpy(out->b, tmp.b, tmp.n);
    out->n = tmp.n;
    return 0;
}

static int load_faults(sy_ctx *c, const yaml_node_t *n, sc_step *st)
{
    if (sy_name_list(c, n, "faults", st->faults, SC_MAX_LIST, &st->n_faults) != 0)
        return -1;
    for (size_t i = 0; i < st->n_faults; i++)
        if (eh_fault_parse(st->faults[i]) == 0) {
            char known[512] = "";
            for (unsigned b = 0; b < EH_FAULT_COUNT_; b++) {
                size_t l = strlen(known);
                snprintf(known + l, sizeof known - l, "%s%s", b ? ", " : "",
                         eh_fault_name(1ul << b));
            }
            return sy_fail(c, sy_seq_item(c, n, i), "faults: unknown fault '%s' (known: %s)",
                           st->faults[i], known);
        }
    return 0;
}

static int load_send(sy_ctx *c, const yaml_node_t *n, sc_step *st)
{
    yaml_node_t *v = sy_get(c, n, "send");
    int which;
    if (sy_enum(c, v, "send", send_msgs, &which) != 0)
        return -1;
    snprintf(st->message, sizeof st->message, "%s", send_msgs[which]);
    bool is_error = !strcmp(st->message, "error");
    if ((v = sy_get(c, n, "faults")) && load_faults(c, v, st) != 0)
        return -1;
    if ((v = sy_get(c, n, "mutate"))) {
        if (sy_seq(c, v, "mutate", 0, SC_MAX_MUTATIONS, &st->n_mutations) != 0)
            return -1;
        for (size_t i = 0; i < st->n_mutations; i++)
            if (load_mutation(c, sy_seq_item(c, v, i), st, &st->mutations[i]) != 0)
                return -1;
    }
    if ((v = sy_get(c, n, "plaintext"))) {
        static const char *const pt2[] = {"C_R", "ID_CRED_R", "Signature_or_MAC_2", "EAD_2", NULL};
        static const char *const pt3[] = {"ID_CRED_I", "Signature_or_MAC_3", "EAD_3", NULL};
        bool m2 = !strcmp(st->message, "message_2");
        size_t k;
        if (!m2 && strcmp(st->message, "message_3") != 0)
            return sy_fail(c, v, "plaintext: only with 'send: message_2' or 'send: message_3'");
        if (sy_seq(c, v, "plaintext", 1, SC_MAX_MUTATIONS - st->n_mutations, &k) != 0)
            return -1;
        for (size_t i = 0; i < k; i++) {
            sc_mutation *m = &st->mutations[st->n_mutations];
            if (load_mutation(c, sy_seq_item(c, v, i), st, m) != 0)
                return -1;
            m->plaintext = true;
            if (m->kind == SC_MUT_REPLACE || m->kind == SC_MUT_NONDET ||
                (m->kind == SC_MUT_INSERT && m->field[0])) {
                bool known = false;
                for (const char *const *f = m2 ? pt2 : pt3; *f; f++)
                    known = known || !strcmp(*f, m->field);
                if (!known)
                    return sy_fail(c, sy_seq_item(c, v, i),
                                   "plaintext: %s has no field %s (%s)", m2 ? "PLAINTEXT_2" :
                                   "PLAINTEXT_3", m->field, m2 ? "C_R, ID_CRED_R, "
                                   "Signature_or_MAC_2, EAD_2" : "ID_CRED_I, Signature_or_MAC_3, "
                                   "EAD_3");
            }
            st->n_mutations++;
        }
    }
    bool repeat = !strcmp(st->message, "repeat"), none = !strcmp(st->message, "none");
    if ((repeat || none) && (st->n_mutations > 0 || st->n_faults > 0))
        return sy_fail(c, n, "send: %s takes no mutate or faults", st->message);
    snprintf(st->resource, sizeof st->resource, "/hello");
    if ((v = sy_get(c, n, "combined"))) {
        yaml_node_t *x;
        bool oscore_option = true;
        if (strcmp(st->message, "message_3") != 0)
            return sy_fail(c, v, "combined: only valid with 'send: message_3' (RFC 9668)");
        st->combined = true;
        if (v->type == YAML_MAPPING_NODE) {
            if (sy_keys(c, v, "combined", combined_keys) != 0)
                return -1;
            if ((x = sy_get(c, v, "resource")) &&
                (sy_str(c, x, "combined.resource", st->resource, sizeof st->resource) != 0))
                return -1;
            if (st->resource[0] != '/')
                return sy_fail(c, x, "combined.resource: must start with '/'");
            if ((x = sy_get(c, v, "edhoc_option")) &&
                load_short_hex(c, x, "combined.edhoc_option", &st->edhoc_option) != 0)
                return -1;
            if ((x = sy_get(c, v, "oscore_option")) &&
                sy_bool(c, x, "combined.oscore_option", &oscore_option) != 0)
                return -1;
        } else if (sy_bool(c, v, "combined", &st->combined) != 0) {
            return -1;
        }
        st->no_oscore_option = !oscore_option;
    }
    if ((v = sy_get(c, n, "again"))) {
        if (strcmp(st->message, "message_3") != 0)
            return sy_fail(c, v, "again: only valid with 'send: message_3'");
        if (sy_bool(c, v, "again", &st->again) != 0)
            return -1;
    }
    if ((v = sy_get(c, n, "prefix"))) {
        if (load_short_hex(c, v, "prefix", &st->prefix) != 0)
            return -1;
        st->has_prefix = true;
    }
    if ((v = sy_get(c, n, "ead"))) {
        sc_bytes ead;
        if (strncmp(st->message, "message_", 8) != 0)
            return sy_fail(c, v, "ead: only valid with 'send: message_1' .. 'message_4'");
        if (sy_hex(c, v, "ead", &ead) != 0)
            return -1;
        if (ead.n == 0 || ead.n > sizeof st->ead)
            return sy_fail(c, v, "ead: 1 to %zu bytes (the encoded EAD items)", sizeof st->ead);
        memcpy(st->ead, ead.b, ead.n);
        st->ead_len = ead.n;
        st->has_ead = true;
    }
    if ((v = sy_get(c, n, "with_c_r"))) {
        if (strcmp(st->message, "raw") != 0)
            return sy_fail(c, v, "with_c_r: only valid with 'send: raw'");
        if (sy_bool(c, v, "with_c_r", &st->with_c_r) != 0)
            return -1;
    }
    if (!strcmp(st->message, "raw") &&
        (st->n_mutations == 0 || st->mutations[0].kind != SC_MUT_RAW))
        return sy_fail(c, n, "send: raw needs a first mutation 'raw: HEX' (the message bytes)");
    for (size_t i = 0; i < 2; i++) {
        const char *key = i ? "info" : "code";
        if ((v = sy_get(c, n, key)) && !is_error)
            return sy_fail(c, v, "%s: only valid with 'send: error'", key);
    }
    if (is_error) {
        if (sy_require(c, n, "code", &v) || sy_int(c, v, "code", INT_MIN, INT_MAX, &st->err_code))
            return -1;
        /* info: hex, or (ERR_CODE 2) SUITES_R as a list of suites: [profile] */
        if ((v = sy_get(c, n, "info")) && v->type == YAML_SEQUENCE_NODE) {
            if (st->err_code != 2)
                return sy_fail(c, v, "info: a list of suites only with code: 2 (SUITES_R)");
            if (suite_words(c, v, "info", st->err_suites, &st->n_err_suites) != 0)
                return -1;
        } else if (v && load_short_hex(c, v, "info", &st->err_info) != 0)
            return -1;
    }
    return 0;
}

/* "D.DD" (class 2..5, detail 00..31) -> class << 5 | detail; "any" -> 0. */
static int coap_code(sy_ctx *c, const yaml_node_t *n, int *out)
{
    char s[SC_MAX_NAME];
    if (sy_str(c, n, "coap", s, sizeof s) != 0)
        return -1;
    if (!strcmp(s, "any")) {
        *out = 0;
        return 0;
    }
    bool ok = strlen(s) == 4 && s[0] >= '2' && s[0] <= '5' && s[1] == '.' && s[2] >= '0' &&
              s[2] <= '3' && s[3] >= '0' && s[3] <= '9' && (s[2] - '0') * 10 + (s[3] - '0') <= 31;
    if (!ok)
        return sy_fail(c, n, "coap: '%s' is not a CoAP error code like \"4.00\" (class 2..5, "
                             "detail 00..31) or any", sy_show(s, (char[48]){0}));
    *out = (s[0] - '0') << 5 | ((s[2] - '0') * 10 + (s[3] - '0'));
    return 0;
}

static int load_error_outcome(sy_ctx *c, const yaml_node_t *v, sc_outcome *o)
{
    o->kind = SC_OUT_ERROR;
    if (sy_is_null(v))
        return 0; /* error: (any) */
    if (sy_keys(c, v, "error", error_keys) != 0)
        return -1;
    yaml_node_t *x;
    if ((x = sy_get(c, v, "code")) && sy_int(c, x, "error.code", 0, 65535, &o->err_code) != 0)
        return -1;
    int info;
    if ((x = sy_get(c, v, "info"))) {
        if (sy_enum(c, x, "error.info", err_infos, &info) != 0)
            return -1;
        snprintf(o->err_info, sizeof o->err_info, "%s", err_infos[info]);
    }
    if ((x = sy_get(c, v, "suites_include"))) {
        if (o->err_code != 2)
            return sy_fail(c, x, "error.suites_include: only valid with code: 2");
        if (sy_seq(c, x, "error.suites_include", 0, SC_MAX_LIST, &o->n_suites_include) != 0)
            return -1;
        for (size_t i = 0; i < o->n_suites_include; i++) {
            yaml_node_t *it = sy_seq_item(c, x, i);
            const char *t = it->type == YAML_SCALAR_NODE ? sy_text(it) : "";
            if (strcmp(t, "profile") == 0)
                o->suites_include[i] = SC_SUITE_OF_PROFILE;
            else if (strcmp(t, "other") == 0)
                o->suites_include[i] = SC_SUITE_OTHER;
            else if (sy_int(c, it, "error.suites_include (a suite, `profile` or `other`)",
                            -65536, 65535, &o->suites_include[i]) != 0)
                return -1;
        }
    }
    return 0;
}

/* One outcome: a bare name, or a map {error|coap|message: ..., grade: ...}. */
static int load_outcome(sy_ctx *c, const yaml_node_t *n, sc_outcome *o, bool nested)
{
    memset(o, 0, sizeof *o);
    o->err_code = -1;
    if (n && n->type == YAML_SCALAR_NODE && !sy_is_null(n)) {
        const char *s = sy_text(n);
        if (!strcmp(s, "silence"))
            o->kind = SC_OUT_SILENCE;
        else if (!strcmp(s, "close"))
            o->kind = SC_OUT_CLOSE;
        else if (!strcmp(s, "error"))
            o->kind = SC_OUT_ERROR;
        else if (!strcmp(s, "same"))
            o->kind = SC_OUT_SAME;
        else if (in_list(s, outcome_msgs)) {
            o->kind = SC_OUT_MESSAGE;
            snprintf(o->message, sizeof o->message, "%s", s);
        } else {
            return sy_fail(c, n, "expect: unknown outcome '%s' (expected silence, close, "
                                 "error, same, message_1..message_4, accepted, oscore, or a map with error:, "
                                 "coap: or message:)", sy_show(s, (char[48]){0}));
        }
        return 0;
    }
    if (!n || sy_is_null(n))
        return sy_fail(c, n, "expect: missing outcome (e.g. message_2, silence, "
                             "{error: {code: 1}} or any_of: [...])");
    if (sy_keys(c, n, "expect", outcome_keys) != 0)
        return -1;
    yaml_node_t *x;
    if ((x = sy_get(c, n, "any_of")))
        return sy_fail(c, x, nested ? "expect: any_of cannot be nested"
                                    : "expect: any_of cannot be combined with other keys");
    int kinds = 0;
    if ((x = sy_get(c, n, "error"))) {
        kinds++;
        if (load_error_outcome(c, x, o) != 0)
            return -1;
    }
    if ((x = sy_get(c, n, "coap"))) {
        kinds++;
        o->kind = SC_OUT_COAP;
        if (coap_code(c, x, &o->coap_code) != 0)
            return -1;
    }
    if ((x = sy_get(c, n, "message"))) {
        kinds++;
        o->kind = SC_OUT_MESSAGE;
        int m;
        if (sy_enum(c, x, "message", outcome_msgs, &m) != 0)
            return -1;
        snprintf(o->message, sizeof o->message, "%s", outcome_msgs[m]);
    }
    static const char *const bare[] = {"silence", "close", "same"};
    static const sc_outcome_kind bare_kind[] = {SC_OUT_SILENCE, SC_OUT_CLOSE, SC_OUT_SAME};
    for (int i = 0; i < 3; i++)
        if ((x = sy_get(c, n, bare[i]))) {
            kinds++;
            o->kind = bare_kind[i];
            if (!sy_is_null(x))
                return sy_fail(c, x, "%s: takes no value (write %s: null)", bare[i], bare[i]);
        }
    if (kinds != 1)
        return sy_fail(c, n, "expect: an outcome map has exactly one of error, coap, message, "
                             "silence, close, same (besides grade, in, state, suite)");
    int g;
    if ((x = sy_get(c, n, "grade"))) {
        if (sy_enum(c, x, "grade", grades, &g) != 0)
            return -1;
        o->non_strict = g == 1;
        o->inconclusive = g == 2;
    }
    if ((x = sy_get(c, n, "end"))) {
        if (sy_bool(c, x, "end", &o->end) != 0)
            return -1;
        if (o->end && o->kind == SC_OUT_MESSAGE)
            return sy_fail(c, x, "end: only for an outcome that ends the conversation (error, "
                                 "coap, silence, close), not a message");
    }
    if ((x = sy_get(c, n, "suite"))) {
        if (o->kind != SC_OUT_MESSAGE || strcmp(o->message, "message_1") != 0)
            return sy_fail(c, x, "suite: only valid with message: message_1");
        if (sy_enum(c, x, "suite", suite_kinds, &o->suite) != 0)
            return -1;
    }
    char labels[SC_MAX_BRANCH][SC_MAX_NAME];
    if ((x = sy_get(c, n, "in"))) {
        if (sy_name_list(c, x, "in", labels, SC_MAX_BRANCH, &o->n_in) != 0)
            return -1;
        for (size_t i = 0; i < o->n_in; i++) {
            if (strlen(labels[i]) >= SC_MAX_LABEL)
                return sy_fail(c, x, "in: label '%s' longer than %d characters", labels[i],
                               SC_MAX_LABEL - 1);
            memcpy(o->in[i], labels[i], strlen(labels[i]) + 1);
        }
    }
    if ((x = sy_get(c, n, "state"))) {
        if (sy_name(c, x, "state", labels[0], SC_MAX_NAME, false) != 0)
            return -1;
        if (strlen(labels[0]) >= SC_MAX_LABEL)
            return sy_fail(c, x, "state: label longer than %d characters", SC_MAX_LABEL - 1);
        memcpy(o->state, labels[0], strlen(labels[0]) + 1);
    }
    return 0;
}

/* ------------------------------------------------------------ outcome rules */

/* The outcome rules (harness/scenario/outcome_rules.yaml, compiled in by the
 * Makefile as C string literals, as the explore models are). */
static const char outcome_rules_text[] =
#include "outcome_rules.inc"
    ;

const char *sc_rules_text(void)
{
    return outcome_rules_text;
}

static const char *const rule_keys[] = {"text", "rfc", "level", "accept", NULL};

/* Rule `name` of the table into r; its first problem into err ("outcome
 * rule NAME: ..." for an unknown name, else "outcome_rules.yaml:LINE: ..."). */
int sc_rule_get(const char *name, sc_rule *r, char *err, size_t cap)
{
    sy_ctx c;
    yaml_node_t *root, *rules, *v = NULL, *x;
    memset(r, 0, sizeof *r);
    if (sy_open_mem(&c, "harness/scenario/outcome_rules.yaml", outcome_rules_text,
                    sizeof outcome_rules_text - 1, err, cap, &root) != 0)
        return -1;
    int rc = -1, lv;
    if (sy_keys(&c, root, "outcome rules", (const char *const[]){"rules", NULL}) != 0 ||
        sy_require(&c, root, "rules", &rules) != 0)
        goto out;
    if (rules->type != YAML_MAPPING_NODE) {
        sy_fail(&c, rules, "rules: expected a map NAME: {text, rfc, level, accept}");
        goto out;
    }
    for (size_t i = 0; i < sy_map_len(rules) && !v; i++)
        if (strcmp(sy_text(sy_map_key(&c, rules, i)) ? sy_text(sy_map_key(&c, rules, i)) : "",
                   name) == 0)
            v = sy_map_value(&c, rules, i);
    if (!v) {
        snprintf(err, cap, "unknown outcome rule '%s' (harness/scenario/outcome_rules.yaml)",
                 sy_show(name, (char[48]){0}));
        goto out;
    }
    snprintf(r->name, sizeof r->name, "%s", name);
    if (sy_keys(&c, v, name, rule_keys) != 0 || sy_require(&c, v, "text", &x) != 0 ||
        sy_require(&c, v, "rfc", &x) != 0 || sy_str(&c, x, "rfc", r->rfc, sizeof r->rfc) != 0 ||
        sy_require(&c, v, "level", &x) != 0 || sy_enum(&c, x, "level", levels, &lv) != 0 ||
        sy_require(&c, v, "accept", &x) != 0 ||
        sy_seq(&c, x, "accept", 1, SC_MAX_OUTCOMES, &r->n) != 0)
        goto out;
    r->level = (sc_level)lv;
    for (size_t i = 0; i < r->n; i++) {
        if (load_outcome(&c, sy_seq_item(&c, x, i), &r->alt[i], true) != 0)
            goto out;
        if (r->alt[i].n_in || r->alt[i].state[0] || r->alt[i].inconclusive) {
            sy_fail(&c, sy_seq_item(&c, x, i), "accept: a rule's outcome has no in, state or "
                                               "grade: inconclusive");
            goto out;
        }
    }
    rc = 0;
out:
    sy_close(&c);
    return rc;
}

size_t sc_rule_names(char names[][SC_MAX_NAME], size_t max)
{
    sy_ctx c;
    yaml_node_t *root, *rules;
    char err[8];
    size_t n = 0;
    if (sy_open_mem(&c, "outcome_rules.yaml", outcome_rules_text, sizeof outcome_rules_text - 1,
                    err, sizeof err, &root) != 0)
        return 0;
    if (sy_keys(&c, root, "outcome rules", (const char *const[]){"rules", NULL}) == 0 &&
        (rules = sy_get(&c, root, "rules")) && rules->type == YAML_MAPPING_NODE)
        for (size_t i = 0; i < sy_map_len(rules) && n < max; i++) {
            const char *s = sy_text(sy_map_key(&c, rules, i));
            if (s)
                snprintf(names[n++], SC_MAX_NAME, "%s", s);
        }
    sy_close(&c);
    return n;
}

int sc_outcome_parse(const char *text, sc_outcome *o, char *err, size_t cap)
{
    char buf[512];
    int w = snprintf(buf, sizeof buf, "{%s}", text);
    if (w < 0 || (size_t)w >= sizeof buf) {
        snprintf(err, cap, "outcome: longer than %zu bytes", sizeof buf - 3);
        return -1;
    }
    sy_ctx c;
    yaml_node_t *root;
    if (sy_open_mem(&c, "outcome", buf, (size_t)w, err, cap, &root) != 0)
        return -1;
    int rc = load_outcome(&c, root, o, true);
    sy_close(&c);
    return rc;
}

bool sc_outcome_same(const sc_outcome *a, const sc_outcome *b)
{
    return a->kind == b->kind && strcmp(a->message, b->message) == 0 &&
           a->err_code == b->err_code && strcmp(a->err_info, b->err_info) == 0 &&
           a->n_suites_include == b->n_suites_include &&
           memcmp(a->suites_include, b->suites_include,
                  a->n_suites_include * sizeof a->suites_include[0]) == 0 &&
           a->coap_code == b->coap_code && a->suite == b->suite;
}

/* expect: {rule: NAME}: the rule's outcomes. */
static int load_expect_rule(sy_ctx *c, const yaml_node_t *v, const yaml_node_t *x, sc_step *st)
{
    char name[SC_MAX_NAME], why[256];
    sc_rule r;
    if (sy_keys(c, v, "expect", (const char *const[]){"rule", NULL}) != 0 ||
        sy_name(c, x, "rule", name, sizeof name, false) != 0)
        return -1;
    if (sc_rule_get(name, &r, why, sizeof why) != 0)
        return sy_fail(c, x, "rule: %s", why);
    memcpy(st->outcomes, r.alt, r.n * sizeof r.alt[0]);
    st->n_outcomes = r.n;
    snprintf(st->rule, sizeof st->rule, "%s", name);
    st->rule_level = (int)r.level;
    return 0;
}

static int load_expect(sy_ctx *c, const yaml_node_t *n, sc_step *st)
{
    yaml_node_t *v = sy_get(c, n, "expect"), *x;
    if (v && v->type == YAML_MAPPING_NODE && (x = sy_get(c, v, "rule"))) {
        if (load_expect_rule(c, v, x, st) != 0)
            return -1;
    } else if (v && v->type == YAML_MAPPING_NODE && (x = sy_get(c, v, "any_of"))) {
        if (sy_keys(c, v, "expect", (const char *const[]){"any_of", NULL}) != 0 ||
            sy_seq(c, x, "any_of", 1, SC_MAX_OUTCOMES, &st->n_outcomes) != 0)
            return -1;
        for (size_t i = 0; i < st->n_outcomes; i++)
            if (load_outcome(c, sy_seq_item(c, x, i), &st->outcomes[i], true) != 0)
                return -1;
    } else {
        if (load_outcome(c, v, &st->outcomes[0], false) != 0)
            return -1;
        st->n_outcomes = 1;
    }
    sc_checks *ck = &st->checks;
    if ((x = sy_get(c, n, "timeout")) && sy_int(c, x, "timeout", 1, MAX_MS, &st->timeout_ms))
        return -1;
    if ((x = sy_get(c, n, "max_size")) && sy_long(c, x, "max_size", 0, MAX_SIZE, &ck->max_size))
        return -1;
    if ((x = sy_get(c, n, "deterministic")) && sy_bool(c, x, "deterministic", &ck->deterministic))
        return -1;
    if ((x = sy_get(c, n, "equals_vector")) && sy_bool(c, x, "equals_vector", &ck->equals_vector))
        return -1;
    if ((x = sy_get(c, n, "ead_labels"))) {
        if (sy_seq(c, x, "ead_labels", 0, SC_MAX_LIST, &ck->n_ead_labels) != 0)
            return -1;
        for (size_t i = 0; i < ck->n_ead_labels; i++)
            if (sy_int(c, sy_seq_item(c, x, i), "ead_labels", 0, 65535, &ck->ead_labels[i]) != 0)
                return -1;
        ck->has_ead_labels = true;
    }
    if ((x = sy_get(c, n, "amplification")) && sy_bool(c, x, "amplification", &ck->amplification))
        return -1;
    if ((x = sy_get(c, n, "fields"))) {
        if (x->type != YAML_MAPPING_NODE)
            return sy_fail(c, sy_anchor(c, x), "fields: expected a map of FIELD: hex");
        size_t k = sy_map_len(x);
        if (k > SC_MAX_FIELD_CHECKS)
            return sy_fail(c, sy_anchor(c, x), "fields: %zu entries, at most %d allowed", k,
                           SC_MAX_FIELD_CHECKS);
        for (size_t i = 0; i < k; i++) {
            sc_field_check *f = &ck->fields[i];
            yaml_node_t *key = sy_map_key(c, x, i);
            yaml_node_t *val = sy_map_value(c, x, i);
            if (field_name(c, key, "fields", f->field) != 0)
                return -1;
            if (val && val->type == YAML_SEQUENCE_NODE) {
                /* SUITES_I: [other, profile]: encoded as SUITES_I is (sc_suites_resolve) */
                if (strcmp(f->field, "SUITES_I") != 0)
                    return sy_fail(c, val, "fields: a list of suites only for SUITES_I");
                if (suite_words(c, val, "fields.SUITES_I", f->suites, &f->n_suites) != 0)
                    return -1;
            } else if (load_short_hex(c, val, f->field, &f->equals) != 0)
                return -1;
            for (size_t j = 0; j < i; j++)
                if (!strcmp(ck->fields[j].field, f->field))
                    return sy_fail(c, key, "fields: duplicate field '%s'", f->field);
        }
        ck->n_fields = k;
    }
    return 0;
}

static int load_oscore(sy_ctx *c, const yaml_node_t *n, sc_step *st)
{
    yaml_node_t *v = sy_get(c, n, "oscore"), *res = NULL, *x;
    yaml_node_t *timeout = sy_get(c, n, "timeout");
    if (v->type == YAML_MAPPING_NODE) {
        if (sy_keys(c, v, "oscore", oscore_map_keys) != 0)
            return -1;
        res = sy_get(c, v, "resource");
        if ((x = sy_get(c, v, "timeout"))) {
            if (timeout)
                return sy_fail(c, x, "oscore: timeout given twice");
            timeout = x;
        }
    } else if (!sy_is_null(v)) {
        res = v;
    }
    snprintf(st->resource, sizeof st->resource, "/hello");
    if (res) {
        if (sy_str(c, res, "oscore.resource", st->resource, sizeof st->resource) != 0)
            return -1;
        if (st->resource[0] != '/')
            return sy_fail(c, res, "oscore.resource: '%s' must start with '/'",
                           sy_show(st->resource, (char[48]){0}));
    }
    if (timeout && sy_int(c, timeout, "timeout", 1, MAX_MS, &st->timeout_ms) != 0)
        return -1;
    if (v->type == YAML_MAPPING_NODE && (x = sy_get(c, v, "replay")) &&
        sy_bool(c, x, "oscore.replay", &st->replay) != 0)
        return -1;
    if (v->type == YAML_MAPPING_NODE && (x = sy_get(c, v, "early")) &&
        sy_bool(c, x, "oscore.early", &st->early) != 0)
        return -1;
    if (st->early && st->replay)
        return sy_fail(c, v, "oscore: early and replay exclude each other");
    return 0;
}

/* flood: {count: N, distinct_c_i: true, time: MS} */
static int load_flood(sy_ctx *c, const yaml_node_t *n, sc_step *st)
{
    yaml_node_t *v = sy_get(c, n, "flood"), *x;
    if (v->type != YAML_MAPPING_NODE)
        return sy_fail(c, v, "flood: expected a map {count: N, distinct_c_i: true|false, "
                             "time: MS}");
    if (sy_keys(c, v, "flood", flood_map_keys) || sy_require(c, v, "count", &x) ||
        sy_int(c, x, "flood.count", 1, SC_FLOOD_MAX_COUNT, &st->flood_count))
        return -1;
    st->flood_distinct_c_i = true;
    if ((x = sy_get(c, v, "distinct_c_i")) &&
        sy_bool(c, x, "flood.distinct_c_i", &st->flood_distinct_c_i))
        return -1;
    st->flood_ms = SC_FLOOD_DEFAULT_MS;
    if ((x = sy_get(c, v, "time")) && sy_int(c, x, "flood.time", 1, SC_FLOOD_MAX_MS, &st->flood_ms))
        return -1;
    return 0;
}

static int load_step(sy_ctx *c, const yaml_node_t *n, size_t idx, sc_step *st)
{
    char what[32];
    snprintf(what, sizeof what, "step %zu", idx + 1);
    st->checks.max_size = -1;
    if (sy_keys(c, n, what, step_keys) != 0)
        return -1;
    st->line = (int)sy_line(n);
    static const char *const kinds[] = {"send", "expect", "wait", "oscore", "flood", NULL};
    static const char *const *const allowed[] = {send_keys, expect_keys, wait_keys, oscore_keys,
                                                 flood_keys};
    int kind = -1;
    for (int k = 0; kinds[k]; k++)
        if (sy_get(c, n, kinds[k])) {
            if (kind >= 0)
                return sy_fail(c, n, "%s: has both '%s' and '%s' (one action per step)", what,
                               kinds[kind], kinds[k]);
            kind = k;
        }
    if (kind < 0)
        return sy_fail(c, n, "%s: needs one of send, expect, wait, oscore, flood", what);
    for (size_t i = 0; i < sy_map_len(n); i++) {
        const char *key = sy_text(sy_map_key(c, n, i));
        if (!in_list(key, allowed[kind]))
            return sy_fail(c, sy_map_key(c, n, i), "%s: '%s' does not apply to a %s step", what,
                           key, kinds[kind]);
    }
    switch (kind) {
    case 0:
        st->kind = SC_STEP_SEND;
        return load_send(c, n, st);
    case 1:
        st->kind = SC_STEP_EXPECT;
        return load_expect(c, n, st);
    case 2:
        st->kind = SC_STEP_WAIT;
        return sy_int(c, sy_get(c, n, "wait"), "wait", 0, MAX_MS, &st->wait_ms);
    case 4:
        st->kind = SC_STEP_FLOOD;
        return load_flood(c, n, st);
    default:
        st->kind = SC_STEP_OSCORE;
        return load_oscore(c, n, st);
    }
}

/* ------------------------------------------------------------- top level */

static int load_ead(sy_ctx *c, const yaml_node_t *n, scenario *sc)
{
    if (n->type != YAML_MAPPING_NODE)
        return sy_fail(c, sy_anchor(c, n), "ead: expected a map of message number (1..4): hex");
    bool seen[5] = {false};
    for (size_t i = 0; i < sy_map_len(n); i++) {
        yaml_node_t *k = sy_map_key(c, n, i);
        int m;
        if (sy_int(c, k, "ead (message number)", 1, 4, &m) != 0)
            return -1;
        if (seen[m])
            return sy_fail(c, k, "ead: message %d given twice", m);
        seen[m] = true;
        char key[8];
        snprintf(key, sizeof key, "ead.%d", m);
        if (sy_hex(c, sy_map_value(c, n, i), key, &sc->ead[m]) != 0)
            return -1;
    }
    return 0;
}

/* iut: {c_i: HEX, c_r: HEX, ead_1: "LABEL[:HEX]", ...} */
static int load_iut_asks(sy_ctx *c, const yaml_node_t *n, scenario *sc)
{
    if (sy_keys(c, n, "iut", sc_ask_names) != 0)
        return -1;
    for (int k = 0; k < SC_ASK_COUNT_; k++) {
        yaml_node_t *v = sy_get(c, n, sc_ask_names[k]);
        char key[16], *val = sc->iut_ask[k], b[48];
        if (v == NULL)
            continue;
        snprintf(key, sizeof key, "iut.%s", sc_ask_names[k]);
        if (sy_str(c, v, key, val, SC_MAX_ASK) != 0)
            return -1;
        if (k <= SC_ASK_C_R) {
            size_t len = strlen(val);
            if (len == 0 || len % 2 || len > 2 * EH_MAX_CONN_ID ||
                val[strspn(val, "0123456789abcdef")] != '\0')
                return sy_fail(c, v, "%s: '%s' is not a connection identifier in lowercase hex "
                                     "(1..%d bytes)", key, sy_show(val, b), EH_MAX_CONN_ID);
            continue;
        }
        /* LABEL[:HEX] */
        const char *p = val + (val[0] == '-');
        size_t digits = strspn(p, "0123456789");
        const char *hex = p + digits;
        if (digits == 0 || (hex[0] && (hex[0] != ':' || strlen(hex + 1) % 2 ||
                                       hex[1 + strspn(hex + 1, "0123456789abcdef")] != '\0')))
            return sy_fail(c, v, "%s: '%s' is not an EAD item LABEL or LABEL:HEX (e.g. 0:0000)",
                           key, sy_show(val, b));
    }
    return 0;
}

static int load_credentials(sy_ctx *c, const yaml_node_t *n, scenario *sc)
{
    yaml_node_t *x;
    int id;
    if (sy_keys(c, n, "credentials", cred_keys) != 0)
        return -1;
    if ((x = sy_get(c, n, "own")) && sy_name(c, x, "credentials.own", sc->cred, SC_MAX_NAME, false))
        return -1;
    if ((x = sy_get(c, n, "peer")) &&
        sy_name(c, x, "credentials.peer", sc->peer_cred, SC_MAX_NAME, false))
        return -1;
    if ((x = sy_get(c, n, "iut_peer")) &&
        sy_name(c, x, "credentials.iut_peer", sc->iut_peer_cred, SC_MAX_NAME, false))
        return -1;
    if (strcmp(sc->iut_peer_cred, "other") == 0) /* named for each profile */
        sc->iut_peer_other = true, sc->iut_peer_cred[0] = '\0';
    if ((x = sy_get(c, n, "id_cred"))) {
        if (x->type == YAML_SCALAR_NODE &&
            strcmp((const char *)x->data.scalar.value, "iut_peer") == 0) {
            if (!sc->iut_peer_other && !sc->iut_peer_cred[0])
                return sy_fail(c, x, "credentials.id_cred: iut_peer needs credentials.iut_peer");
            sc->id_cred_of_iut_peer = true;
        } else if (sy_hex(c, x, "credentials.id_cred", &sc->own_id_cred)) {
            return -1;
        }
    }
    if ((x = sy_get(c, n, "id_cred_extra"))) {
        if (sy_hex(c, x, "credentials.id_cred_extra", &sc->id_cred_extra))
            return -1;
        /* exactly a map key (an int or a text string) and its value */
        eh_cbor_reader r;
        const uint8_t *item;
        size_t len;
        eh_cbor_reader_init(&r, sc->id_cred_extra.b, sc->id_cred_extra.n);
        int major = eh_cbor_peek_major(&r);
        if ((major != 0 && major != 1 && major != 3) ||
            eh_cbor_read_item(&r, &item, &len) != EH_OK ||
            eh_cbor_read_item(&r, &item, &len) != EH_OK || !eh_cbor_at_end(&r))
            return sy_fail(c, x, "credentials.id_cred_extra: not one map entry (an int or text "
                                 "key, then its value, deterministically encoded)");
    }
    if ((x = sy_get(c, n, "id")) && x->type == YAML_SEQUENCE_NODE) {
        size_t k;
        if (sy_seq(c, x, "credentials.id", 1, 4, &k) != 0)
            return -1;
        for (size_t i = 0; i < k; i++) {
            yaml_node_t *it = sy_seq_item(c, x, i);
            if (sy_enum(c, it, "credentials.id", cred_ids, &id) != 0)
                return -1;
            if (sc->cred_id_set & (1u << id))
                return sy_fail(c, it, "credentials.id: %s listed twice", cred_ids[id]);
            if (i == 0)
                snprintf(sc->cred_id, sizeof sc->cred_id, "%s", cred_ids[id]);
            sc->cred_id_set |= 1u << id;
        }
        sc->pins |= SC_PIN_CRED_ID;
    } else if (x) {
        if (sy_enum(c, x, "credentials.id", cred_ids, &id) != 0)
            return -1;
        snprintf(sc->cred_id, sizeof sc->cred_id, "%s", cred_ids[id]);
        sc->pins |= SC_PIN_CRED_ID;
    }
    if (sc->cred[0] || sc->peer_cred[0] || sc->iut_peer_cred[0] || sc->own_id_cred.n > 0)
        sc->pins |= SC_PIN_CREDS;
    return 0;
}

/* A need for one METHOD, one suite or one credential kind that no key of
 * the file fixes pins it: the scenario is about it (scenario/profile.h). */
static void pins_from_needs(scenario *sc)
{
    int method = -1, suite = -1, n_methods = 0, n_suites = 0, n_kinds = 0;
    const char *kind = NULL;
    for (size_t i = 0; i < sc->n_needs; i++) {
        const char *n = sc->needs[i];
        char *end;
        if (strncmp(n, "method-", 7) == 0) {
            method = (int)strtol(n + 7, &end, 10), n_methods++;
            n_methods += *end != 0; /* not a METHOD: never pins */
        } else if (strncmp(n, "suite-", 6) == 0) {
            suite = (int)strtol(n + 6, &end, 10), n_suites++;
            n_suites += *end != 0;
        } else {
            for (size_t k = 0; cred_ids[k]; k++)
                if (strncmp(n, "cred-", 5) == 0 && strcmp(n + 5, cred_ids[k]) == 0)
                    kind = cred_ids[k], n_kinds++;
        }
    }
    if (n_methods == 1 && !(sc->pins & SC_PIN_METHOD) && method >= 0 && method <= 3)
        sc->method = method, sc->pins |= SC_PIN_METHOD;
    if (n_suites == 1 && !(sc->pins & SC_PIN_SUITE) && suite >= 0)
        sc->suites[0] = suite, sc->n_suites = 1, sc->pins |= SC_PIN_SUITE;
    if (n_kinds == 1 && !(sc->pins & SC_PIN_CRED_ID)) {
        snprintf(sc->cred_id, sizeof sc->cred_id, "%s", kind);
        sc->pins |= SC_PIN_CRED_ID;
    }
}

/* method: M, or a list of the METHODs the scenario can run in (the
 * profile chooses among them; scenario/profile.h). */
static int load_method(sy_ctx *c, yaml_node_t *v, scenario *sc)
{
    sc->pins |= SC_PIN_METHOD;
    if (v->type != YAML_SEQUENCE_NODE)
        return sy_int(c, v, "method", 0, 3, &sc->method);
    size_t n;
    if (sy_seq(c, v, "method", 1, 4, &n) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int m;
        if (sy_int(c, sy_seq_item(c, v, i), "method", 0, 3, &m) != 0)
            return -1;
        if (sc->method_set & (1u << m))
            return sy_fail(c, sy_seq_item(c, v, i), "method: %d listed twice", m);
        if (i == 0)
            sc->method = m;
        sc->method_set |= 1u << m;
    }
    return 0;
}

/* suites: [..] (offered in order, the last selected), or {one_of: [..]}:
 * registered suites the scenario can run in, one offered alone (the
 * profile's; scenario/profile.h). */
static int load_suites(sy_ctx *c, yaml_node_t *v, scenario *sc)
{
    static const char *const keys[] = {"one_of", NULL};
    yaml_node_t *x;
    if (v->type == YAML_SEQUENCE_NODE) {
        int words[SC_MAX_LIST];
        size_t n;
        bool named = false;
        if (suite_words(c, v, "suites", words, &n) != 0)
            return -1;
        for (size_t i = 0; i < n; i++)
            named |= words[i] == SC_SUITE_OTHER || words[i] == SC_SUITE_OF_PROFILE;
        if (named) {
            /* [other, profile]: two suites of the IUT, not a pin (sc_suites_resolve) */
            if (n != 2 || words[0] != SC_SUITE_OTHER || words[1] != SC_SUITE_OF_PROFILE)
                return sy_fail(c, sy_anchor(c, v), "suites: [other, profile] is the one list "
                                                   "that names suites by role");
            sc->suites_other = true;
            return 0;
        }
    }
    if (v->type != YAML_MAPPING_NODE)
        return suite_list(c, v, "suites", 1, sc->suites, &sc->n_suites);
    size_t n;
    int list[SC_MAX_LIST];
    if (sy_keys(c, v, "suites", keys) || sy_require(c, v, "one_of", &x) ||
        suite_list(c, x, "suites.one_of", 1, list, &n))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (eh_suite_by_id(list[i]) == NULL || list[i] < 0 || list[i] > 31)
            return sy_fail(c, sy_seq_item(c, x, i), "suites.one_of: %d is not a registered "
                                                     "cipher suite (0-6, 24, 25)", list[i]);
        else
            sc->suite_set |= 1ul << list[i];
    sc->suites[0] = list[0], sc->n_suites = 1;
    return 0;
}

/* matrix: {methods: [..], suites: [..], credentials: [..]} (matrix.h). */
static int load_matrix(sy_ctx *c, const yaml_node_t *root, const yaml_node_t *n, scenario *sc)
{
    sc_matrix *m = &sc->matrix;
    yaml_node_t *x;
    if (n->type != YAML_MAPPING_NODE)
        return sy_fail(c, sy_anchor(c, n), "matrix: expected a map with methods, suites and "
                                           "credentials");
    if (sy_keys(c, n, "matrix", matrix_keys) != 0)
        return -1;
    for (size_t i = 0; matrix_conflicts[i]; i++)
        if ((x = sy_get(c, root, matrix_conflicts[i])))
            return sy_fail(c, sy_anchor(c, x), "%s: not with matrix (each combination sets "
                                               "method, suites and credentials)",
                           matrix_conflicts[i]);
    if (sy_require(c, n, "methods", &x) || sy_seq(c, x, "matrix.methods", 1, 4, &m->n_methods))
        return -1;
    for (size_t i = 0; i < m->n_methods; i++) {
        yaml_node_t *it = sy_seq_item(c, x, i);
        if (sy_int(c, it, "matrix.methods", 0, 3, &m->methods[i]) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (m->methods[j] == m->methods[i])
                return sy_fail(c, it, "matrix.methods: %d listed twice", m->methods[i]);
    }
    if (sy_require(c, n, "suites", &x) ||
        suite_list(c, x, "matrix.suites", 1, m->suites, &m->n_suites))
        return -1;
    for (size_t i = 0; i < m->n_suites; i++)
        if (eh_suite_by_id(m->suites[i]) == NULL)
            return sy_fail(c, sy_seq_item(c, x, i), "matrix.suites: %d is not a registered "
                                                     "cipher suite (0-6, 24, 25)", m->suites[i]);
    if (sy_require(c, n, "credentials", &x) ||
        sy_seq(c, x, "matrix.credentials", 1, 4, &m->n_cred_ids))
        return -1;
    for (size_t i = 0; i < m->n_cred_ids; i++) {
        yaml_node_t *it = sy_seq_item(c, x, i);
        int id;
        if (sy_enum(c, it, "matrix.credentials", cred_ids, &id) != 0)
            return -1;
        snprintf(m->cred_ids[i], sizeof m->cred_ids[i], "%s", cred_ids[id]);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(m->cred_ids[j], m->cred_ids[i]))
                return sy_fail(c, it, "matrix.credentials: %s listed twice", m->cred_ids[i]);
    }
    /* every variant must fit: the longest id and title suffix, three more needs */
    if (strlen(sc->id) + sizeof "/m3-s25-x5chain" > sizeof sc->id ||
        strlen(sc->title) + sizeof " (METHOD 3, suite 25, x5chain)" > sizeof sc->title)
        return sy_fail(c, sy_anchor(c, n), "matrix: the id or the title is too long to name "
                                            "each combination");
    if (sc->n_needs + 3 > SC_MAX_LIST)
        return sy_fail(c, sy_anchor(c, n), "matrix: at most %d needs besides the three it adds",
                       SC_MAX_LIST - 3);
    bool only_oscore = true;
    for (size_t i = 0; i < sc->n_steps; i++)
        only_oscore &= sc->steps[i].kind == SC_STEP_OSCORE;
    if (only_oscore)
        return sy_fail(c, sy_anchor(c, n), "matrix: needs a step other than oscore (suites "
                                            "without OSCORE drop those steps)");
    return 0;
}

/* Does a step name `other` (a field's list of suites, SUITES_R, suites_include)? */
static bool uses_other_suite(const scenario *sc)
{
    for (size_t i = 0; i < sc->n_steps; i++) {
        const sc_step *st = &sc->steps[i];
        for (size_t k = 0; k < st->n_err_suites; k++)
            if (st->err_suites[k] == SC_SUITE_OTHER)
                return true;
        for (size_t f = 0; f < st->checks.n_fields; f++)
            for (size_t k = 0; k < st->checks.fields[f].n_suites; k++)
                if (st->checks.fields[f].suites[k] == SC_SUITE_OTHER)
                    return true;
        for (size_t o = 0; o < st->n_outcomes; o++)
            for (size_t k = 0; k < st->outcomes[o].n_suites_include; k++)
                if (st->outcomes[o].suites_include[k] == SC_SUITE_OTHER)
                    return true;
    }
    return false;
}

static int load_top(sy_ctx *c, const yaml_node_t *root, scenario *sc)
{
    yaml_node_t *v;
    int e;
    if (sy_keys(c, root, "scenario", top_keys) != 0)
        return -1;
    if (sy_require(c, root, "id", &v) || sy_name(c, v, "id", sc->id, sizeof sc->id, true) ||
        sy_require(c, root, "title", &v) || sy_str(c, v, "title", sc->title, sizeof sc->title))
        return -1;
    if (!sc->title[0])
        return sy_fail(c, v, "title: must not be empty");
    if (sy_require(c, root, "level", &v) || sy_enum(c, v, "level", levels, &e))
        return -1;
    sc->level = (sc_level)e;
    if (sy_require(c, root, "role", &v) || sy_enum(c, v, "role", roles, &e))
        return -1;
    sc->role = (sc_role)(e + 1);
    if (sy_require(c, root, "steps", &v))
        return -1;
    if ((v = sy_get(c, root, "requirements")) &&
        sy_name_list(c, v, "requirements", sc->requirements, SC_MAX_LIST, &sc->n_requirements))
        return -1;
    if ((v = sy_get(c, root, "transport"))) {
        if (sy_enum(c, v, "transport", transports, &e) != 0)
            return -1;
        sc->transport = (sc_transport)e;
        sc->pins_transport = true;
    }
    if ((v = sy_get(c, root, "method")) && load_method(c, v, sc))
        return -1;
    if ((v = sy_get(c, root, "suites")) && load_suites(c, v, sc))
        return -1;
    if (v != NULL && !sc->suites_other)
        sc->pins |= SC_PIN_SUITE;
    if (sc->suites_other) /* until a profile applies: trace 2's negotiation */
        sc->suites[0] = 6, sc->suites[1] = 2, sc->n_suites = 2;
    if ((v = sy_get(c, root, "credentials")) && load_credentials(c, v, sc))
        return -1;
    if ((v = sy_get(c, root, "vector"))) {
        if (sy_str(c, v, "vector", sc->vector, sizeof sc->vector) != 0)
            return -1;
        if (!sc->vector[0])
            return sy_fail(c, v, "vector: must not be empty");
        sc->pins = SC_PIN_ALL; /* the vector's keys, identifiers and credentials */
    }
    if ((v = sy_get(c, root, "ead")) && load_ead(c, v, sc))
        return -1;
    if ((v = sy_get(c, root, "c_i"))) {
        if (sy_hex(c, v, "c_i", &sc->c_i) != 0)
            return -1;
        sc->has_conn_id = true;
    }
    if ((v = sy_get(c, root, "c_r"))) {
        if (sy_hex(c, v, "c_r", &sc->c_r) != 0)
            return -1;
        sc->has_conn_id = true;
    }
    if ((v = sy_get(c, root, "message_4")) && sy_bool(c, v, "message_4", &sc->message_4))
        return -1;
    if ((v = sy_get(c, root, "framing"))) {
        if (sy_enum(c, v, "framing", framing_names, &e) != 0)
            return -1;
        if (e != SC_FRAMING_RFC9528)
            return sy_fail(c, v, "framing: a scenario can pin only rfc9528 (Appendix A.2); bare "
                                 "framing comes from the IUT's profile");
        sc->pins_framing = true;
    }
    if ((v = sy_get(c, root, "iut")) && load_iut_asks(c, v, sc) != 0)
        return -1;
    if ((v = sy_get(c, root, "needs")) &&
        (sy_name_list(c, v, "needs", sc->needs, SC_MAX_LIST, &sc->n_needs) ||
         sc_capabilities_check(c, v, "needs", sc->needs, sc->n_needs)))
        return -1;
    pins_from_needs(sc);
    if (sc->suites_other && (sc->pins & (SC_PIN_SUITE | SC_PIN_CREDS)))
        return sy_fail(c, sy_get(c, root, "suites"),
                       "suites: [other, profile] takes both suites from the IUT's profiles: "
                       "not with a suite-N need, credential names or a vector");
    if ((sc->iut_peer_cred[0] || sc->iut_peer_other) && sc->role == SC_BOTH)
        return sy_fail(c, sy_get(c, root, "credentials"),
                       "credentials.iut_peer: needs role initiator or responder, not both");
    if ((sc->own_id_cred.n > 0 || sc->id_cred_of_iut_peer || sc->id_cred_extra.n > 0) &&
        sc->role == SC_BOTH)
        return sy_fail(c, sy_get(c, root, "credentials"),
                       "credentials.id_cred: needs role initiator or responder, not both");
    if (sc_name_other_cred(sc) != 0)
        return sy_fail(c, sy_get(c, root, "credentials"),
                       "credentials.iut_peer: no generated credential for METHOD %d, suite %d",
                       sc->method, sc->n_suites ? sc->suites[sc->n_suites - 1] : 2);
    v = sy_get(c, root, "steps");
    if (sy_seq(c, v, "steps", 1, SC_MAX_STEPS, &sc->n_steps) != 0)
        return -1;
    for (size_t i = 0; i < sc->n_steps; i++) {
        if (load_step(c, sy_seq_item(c, v, i), i, &sc->steps[i]) != 0)
            return -1;
        if (sc->steps[i].rule[0] && sc->steps[i].rule_level != (int)sc->level)
            return sy_fail(c, sy_seq_item(c, v, i), "step %zu: rule %s is of level %s, the "
                                                    "scenario of level %s", i + 1,
                           sc->steps[i].rule, levels[sc->steps[i].rule_level], levels[sc->level]);
        if (sc->steps[i].kind == SC_STEP_FLOOD && sc->role != SC_HARNESS_INITIATOR)
            return sy_fail(c, sy_seq_item(c, v, i), "step %zu: a flood is sent by the harness "
                                                    "as Initiator: needs role: initiator", i + 1);
    }
    if ((v = sy_get(c, root, "matrix")) && load_matrix(c, root, v, sc) != 0)
        return -1;
    for (size_t i = 0; i < sc->n_steps && sc->role != SC_HARNESS_INITIATOR; i++)
        for (size_t k = 0; k < sc->steps[i].n_outcomes; k++)
            if (sc->steps[i].outcomes[k].end)
                return sy_fail(c, sy_get(c, root, "role"), "step %zu: end: true needs role: "
                                                          "initiator (the harness Initiator "
                                                          "stops sending)", i + 1);
    if (!sc->suites_other && uses_other_suite(sc))
        return sy_fail(c, sy_get(c, root, "steps"), "steps: `other` names the second suite of "
                                                    "`suites: [other, profile]`, which the "
                                                    "scenario does not have");
    sc_suites_resolve(sc, sc->suites_other ? sc->suites[0] : 6);
    return 0;
}

/* Defaults, and `name` as the file name; -1 with err filled if it does not fit. */
static int scenario_begin(const char *name, scenario *sc, char *err, size_t cap)
{
    memset(sc, 0, sizeof *sc);
    sc->transport = SC_COAP;
    sc->method = 3;
    sc->suites[0] = 2;
    sc->n_suites = 1;
    if (strlen(name) >= sizeof sc->file) {
        if (err && cap)
            snprintf(err, cap, "%.64s...: path longer than %d characters", name, SC_MAX_PATH - 1);
        return -1;
    }
    memcpy(sc->file, name, strlen(name) + 1);
    return 0;
}

scenario *sc_scenario_compact(const scenario *sc)
{
    scenario *c = malloc(sc_scenario_size(sc));
    if (c != NULL)
        memcpy(c, sc, sc_scenario_size(sc));
    return c;
}

int scenario_load(const char *path, scenario *sc, char *err, size_t cap)
{
    if (scenario_begin(path, sc, err, cap) != 0)
        return -1;
    sy_ctx c;
    yaml_node_t *root;
    int rc = sy_open(&c, path, err, cap, &root);
    if (rc == 0)
        rc = load_top(&c, root, sc);
    sy_close(&c);
    return rc;
}

int scenario_load_mem(const char *name, const char *text, size_t len, scenario *sc, char *err,
                      size_t cap)
{
    if (scenario_begin(name, sc, err, cap) != 0)
        return -1;
    sy_ctx c;
    yaml_node_t *root;
    int rc = sy_open_mem(&c, name, text, len, err, cap, &root);
    if (rc == 0)
        rc = load_top(&c, root, sc);
    sy_close(&c);
    return rc;
}

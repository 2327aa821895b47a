/*
 * peer_load.c - peer files (peers/<name>.yaml) into `peer_file` (scenario.h):
 * how to launch or reach the IUT in each role, its capabilities, its
 * known failures. Same checking and error style as scenario_load.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "../edhoc/edhoc.h"
#include "budget.h"
#include "matrix.h"
#include "profile.h"
#include "sc_yaml.h"
#include "scenario.h"

static const char *const top_keys[] = {
    "name",      "version",   "template", "capabilities",
    "initiator", "responder", "known_failures", "budget", "profiles", "framing",
    "not_implemented_exit", "edhoc_path", NULL};
static const char *const profile_keys[] = {"method", "suite", "credentials", "framing", "flow",
                                           "message_4", "oscore", "error_messages", NULL};
static const char *const profile_cred_keys[] = {"id", "initiator", "responder", NULL};
static const char *const framings[] = {"rfc9528", "bare", NULL};
static const char *const flows[] = {"forward", "reverse", NULL};
static const char *const cred_kinds[] = {"kid", "kccs", "x5t", "x5chain", NULL};
/* Capabilities that profiles: states per profile (peer_has_capability). */
static const char *const profile_caps[] = {"method-", "suite-", "cred-kid", "cred-kccs",
                                           "cred-x5t", "cred-x5chain", "message-4", "oscore",
                                           "error-messages", NULL};
static const char *const role_keys[] = {"command", "address", "ready", "timeout", "per_run", NULL};
static const char *const address_keys[] = {"host", "port", NULL};
static const char *const kf_keys[] = {"id", "role", "reason", "note", "fingerprint", NULL};
static const char *const kf_roles[] = {"initiator", "responder", "both", NULL};
static const char *const kf_reasons[] = {"unsupported", "known-bug", "spec-ambiguity", NULL};

/* The placeholders of a command template (runner/iut.h, iut_expand). */
static const char *const placeholders[] = {
    "host",    "port",  "creds_dir", "method",  "suite", "suites", "vector", "harness",
    "cred",    "peer_cred", "transport", "cred_id", "message_4", "framing", "flow", "oscore",
    "c_i",     "c_r",   "ead_1",     "ead_2",   "ead_3", "ead_4",  "edhoc_path", NULL};

/* edhoc_path: "/" and path segments of RFC 3986 unreserved characters
 * (no query, no percent-encoding: the Uri-Path options sent are these). */
static int load_edhoc_path(sy_ctx *c, const yaml_node_t *v, peer_file *pf)
{
    if (sy_str(c, v, "edhoc_path", pf->edhoc_path, sizeof pf->edhoc_path) != 0)
        return -1;
    const char *p = pf->edhoc_path;
    bool ok = p[0] == '/' && p[1] != 0;
    for (size_t i = 1; ok && p[i]; i++)
        ok = isalnum((unsigned char)p[i]) || strchr("-._~/", p[i]) != NULL;
    ok = ok && strstr(p, "//") == NULL && p[strlen(p) - 1] != '/';
    if (!ok)
        return sy_fail(c, v, "edhoc_path: '%s' is no path like /.well-known/edhoc (segments of "
                             "letters, digits and -._~, no query)", sy_show(p, (char[48]){0}));
    return 0;
}

size_t peer_placeholder_end(const char *s, size_t n)
{
    if (n < 2 || s[0] != '{')
        return 0;
    size_t i = 1;
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                     (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
        i++;
    if (i < n && s[i] == '}')
        return i + 1;
    if (i >= n || (s[i] != '?' && s[i] != '!'))
        return 0;
    /* TEXT: {{ and }} are literal braces where no placeholder of its own is
     * open (so "{vector?--vector {vector}}" ends where it seems to) */
    int depth = 0;
    for (i++; i < n; i++) {
        bool pair = i + 1 < n && s[i + 1] == s[i];
        if (depth == 0 && pair && (s[i] == '{' || s[i] == '}'))
            i++;
        else if (s[i] == '{')
            depth++;
        else if (s[i] == '}' && depth-- == 0)
            return i + 1;
    }
    return 0;
}

/* Every {name}, {name?TEXT} and {name!TEXT} of the command names a
 * placeholder, also inside TEXT ({{ and }} are braces): else a load error
 * naming the closest (a misspelt one would only fail later, in every job). */
static int check_placeholders(sy_ctx *c, const yaml_node_t *cmd, const char *key,
                              const char *s, size_t n)
{
    for (const char *stop = s + n; s < stop; s++) {
        if ((s[0] == '{' && s[1] == '{') || (s[0] == '}' && s[1] == '}')) {
            s++;
            continue;
        }
        if (s[0] != '{')
            continue;
        size_t whole = peer_placeholder_end(s, (size_t)(stop - s));
        char name[64];
        size_t len = 0;
        while (whole && s[1 + len] != '}' && s[1 + len] != '?' && s[1 + len] != '!')
            len++;
        if (whole == 0 || s + whole > stop || len == 0 || len >= sizeof name)
            return sy_fail(c, cmd, "%s: a '{' that opens no placeholder (write {{ for a "
                                   "brace)", key);
        memcpy(name, s + 1, len);
        name[len] = 0;
        size_t k = 0;
        while (placeholders[k] && strcmp(placeholders[k], name) != 0)
            k++;
        if (placeholders[k] == NULL) {
            const char *sug = sy_suggest(name, placeholders);
            return sy_fail(c, cmd, "%s: unknown placeholder {%s}%s%s%s (peers/README.md, "
                                   "\"Placeholders\"; {{ for a literal brace)", key, name,
                           sug ? " (did you mean {" : "", sug ? sug : "", sug ? "}?)" : "");
        }
        if (s[1 + len] != '}' && /* {name?TEXT} / {name!TEXT}: TEXT's own */
            check_placeholders(c, cmd, key, s + 2 + len, whole - 3 - len) != 0)
            return -1;
        s += whole - 1;
    }
    return 0;
}

static int load_role(sy_ctx *c, const yaml_node_t *n, const char *role, peer_role_spec *r)
{
    char key[48];
    yaml_node_t *v, *cmd, *addr;
    if (sy_keys(c, n, role, role_keys) != 0)
        return -1;
    r->present = true;
    r->ready_timeout_ms = 5000;
    cmd = sy_get(c, n, "command");
    addr = sy_get(c, n, "address");
    if (!cmd == !addr)
        return sy_fail(c, n, "%s: needs exactly one of 'command' or 'address'", role);
    if (cmd) {
        snprintf(key, sizeof key, "%s.command", role);
        if (sy_str(c, cmd, key, r->command, sizeof r->command) != 0)
            return -1;
        if (!r->command[0])
            return sy_fail(c, cmd, "%s: must not be empty", key);
        if (check_placeholders(c, cmd, key, r->command, strlen(r->command)) != 0)
            return -1;
    } else {
        snprintf(key, sizeof key, "%s.address", role);
        if (sy_keys(c, addr, key, address_keys) != 0 || sy_require(c, addr, "host", &v))
            return -1;
        snprintf(key, sizeof key, "%s.address.host", role);
        if (sy_str(c, v, key, r->fixed_host, sizeof r->fixed_host) != 0)
            return -1;
        if (!r->fixed_host[0])
            return sy_fail(c, v, "%s: must not be empty", key);
        snprintf(key, sizeof key, "%s.address.port", role);
        if (sy_require(c, addr, "port", &v) || sy_int(c, v, key, 1, 65535, &r->fixed_port))
            return -1;
    }
    if ((v = sy_get(c, n, "ready"))) {
        snprintf(key, sizeof key, "%s.ready", role);
        if (sy_str(c, v, key, r->ready_line, sizeof r->ready_line) != 0)
            return -1;
        if (!strcmp(r->ready_line, "exit") || !strcmp(r->ready_line, "none")) {
            r->ready_line[0] = '\0';
        } else if (!strcmp(r->ready_line, "probe")) {
            r->ready_line[0] = '\0';
            r->ready_probe = true;
        }
    }
    snprintf(key, sizeof key, "%s.timeout", role);
    if ((v = sy_get(c, n, "timeout")) && sy_int(c, v, key, 1, 600000, &r->ready_timeout_ms))
        return -1;
    snprintf(key, sizeof key, "%s.per_run", role);
    if ((v = sy_get(c, n, "per_run")) && sy_bool(c, v, key, &r->per_run))
        return -1;
    return 0;
}

#define ID_GLOB_CHARS                                                                      \
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/-*?[]!"

static int load_known(sy_ctx *c, const yaml_node_t *n, peer_file *pf)
{
    size_t cap = sizeof pf->known / sizeof pf->known[0];
    if (sy_seq(c, n, "known_failures", 0, cap, &pf->n_known) != 0)
        return -1;
    for (size_t i = 0; i < pf->n_known; i++) {
        known_failure *k = &pf->known[i];
        yaml_node_t *it = sy_seq_item(c, n, i), *v;
        int reason;
        if (sy_keys(c, it, "known_failures", kf_keys) || sy_require(c, it, "id", &v) ||
            sy_str(c, v, "known_failures.id", k->pattern, sizeof k->pattern))
            return -1;
        char b[48];
        if (!k->pattern[0] || k->pattern[strspn(k->pattern, ID_GLOB_CHARS)] != '\0')
            return sy_fail(c, v, "known_failures.id: '%s' is not a scenario id or glob "
                                 "([A-Za-z0-9._/-] and * ? [ ] !)", sy_show(k->pattern, b));
        if (sy_require(c, it, "reason", &v) ||
            sy_enum(c, v, "known_failures.reason", kf_reasons, &reason))
            return -1;
        k->reason = (kf_reason)reason;
        int role = 2; /* the IUT's role; the harness plays the other one */
        if ((v = sy_get(c, it, "role")) && sy_enum(c, v, "known_failures.role", kf_roles, &role))
            return -1;
        static const sc_role by_iut_role[] = {SC_HARNESS_RESPONDER, SC_HARNESS_INITIATOR,
                                              SC_BOTH};
        k->harness_roles = by_iut_role[role];
        if ((v = sy_get(c, it, "note")) &&
            sy_str(c, v, "known_failures.note", k->note, sizeof k->note))
            return -1;
        if ((v = sy_get(c, it, "fingerprint")) &&
            sy_str(c, v, "known_failures.fingerprint", k->fingerprint, sizeof k->fingerprint))
            return -1;
    }
    return 0;
}

/* A scalar or a list of them (at most max): the values' nodes into out. */
static int one_or_list(sy_ctx *c, yaml_node_t *n, const char *key, yaml_node_t **out, size_t max,
                       size_t *count)
{
    if (n->type != YAML_SEQUENCE_NODE) {
        out[0] = n, *count = 1;
        return 0;
    }
    if (sy_seq(c, n, key, 1, max, count) != 0)
        return -1;
    for (size_t i = 0; i < *count; i++)
        out[i] = sy_seq_item(c, n, i);
    return 0;
}

/* One entry of profiles: (its lists expand to their cross product). */
static int load_profile(sy_ctx *c, yaml_node_t *n, peer_file *pf)
{
    yaml_node_t *v, *ms[4], *ss[9], *ks[4];
    size_t nm, ns, nk = 1;
    sc_profile base;
    memset(&base, 0, sizeof base);
    base.error_messages = true;
    snprintf(base.cred_id, sizeof base.cred_id, "kid");
    if (sy_keys(c, n, "profiles", profile_keys) != 0 || sy_require(c, n, "method", &v) ||
        one_or_list(c, v, "profiles.method", ms, 4, &nm) || sy_require(c, n, "suite", &v) ||
        one_or_list(c, v, "profiles.suite", ss, 9, &ns))
        return -1;
    ks[0] = NULL;
    if ((v = sy_get(c, n, "credentials"))) {
        yaml_node_t *x;
        if (sy_keys(c, v, "profiles.credentials", profile_cred_keys) != 0)
            return -1;
        if ((x = sy_get(c, v, "id")) && one_or_list(c, x, "profiles.credentials.id", ks, 4, &nk))
            return -1;
        if ((x = sy_get(c, v, "initiator")) &&
            sy_name(c, x, "profiles.credentials.initiator", base.cred_i, SC_MAX_NAME, false))
            return -1;
        if ((x = sy_get(c, v, "responder")) &&
            sy_name(c, x, "profiles.credentials.responder", base.cred_r, SC_MAX_NAME, false))
            return -1;
        if (!base.cred_i[0] != !base.cred_r[0])
            return sy_fail(c, v, "profiles.credentials: name both 'initiator' and 'responder', "
                                 "or neither");
    }
    int e;
    if ((v = sy_get(c, n, "framing"))) {
        if (sy_enum(c, v, "profiles.framing", framings, &e) != 0)
            return -1;
        base.framing = (sc_framing)e;
    }
    if ((v = sy_get(c, n, "flow"))) {
        if (sy_enum(c, v, "profiles.flow", flows, &e) != 0)
            return -1;
        base.flow = (sc_flow)e;
    }
    if (((v = sy_get(c, n, "message_4")) && sy_bool(c, v, "profiles.message_4", &base.message_4)) ||
        ((v = sy_get(c, n, "oscore")) && sy_bool(c, v, "profiles.oscore", &base.oscore)) ||
        ((v = sy_get(c, n, "error_messages")) &&
         sy_bool(c, v, "profiles.error_messages", &base.error_messages)))
        return -1;
    for (size_t a = 0; a < nm; a++)
        for (size_t b = 0; b < ns; b++)
            for (size_t k = 0; k < nk; k++) {
                sc_profile p = base;
                if (sy_int(c, ms[a], "profiles.method", 0, 3, &p.method) != 0 ||
                    sy_int(c, ss[b], "profiles.suite", 0, 255, &p.suite) != 0)
                    return -1;
                if (eh_suite_by_id(p.suite) == NULL)
                    return sy_fail(c, ss[b], "profiles.suite: %d is not a registered cipher "
                                             "suite", p.suite);
                if (p.oscore && !sc_suite_has_oscore(p.suite))
                    return sy_fail(c, ss[b], "profiles: suite %d defines no OSCORE (its hash "
                                             "gives OSCORE no HKDF): oscore: false", p.suite);
                if (ks[0] != NULL) {
                    if (sy_enum(c, ks[k], "profiles.credentials.id", cred_kinds, &e) != 0)
                        return -1;
                    snprintf(p.cred_id, sizeof p.cred_id, "%s", cred_kinds[e]);
                }
                if (pf->n_profiles == SC_MAX_PROFILES)
                    return sy_fail(c, n, "profiles: more than %d combinations", SC_MAX_PROFILES);
                pf->profiles[pf->n_profiles++] = p;
            }
    return 0;
}

/* Each profile's transport, from pf's capabilities: CoAP when it claims
 * `coap` (and when it claims no transport), else raw UDP (`udp`), else CoAP
 * over TCP. A scenario that names no transport runs over it: most are about
 * EDHOC, not CoAP, and an IUT that speaks raw UDP only must be judged too. */
static void profiles_transport(peer_file *pf)
{
    sc_transport t = peer_has_capability(pf, "coap")       ? SC_COAP
                     : peer_has_capability(pf, "udp")      ? SC_UDP
                     : peer_has_capability(pf, "coap-tcp") ? SC_COAP_TCP
                                                           : SC_COAP;
    for (size_t i = 0; i < pf->n_profiles; i++)
        pf->profiles[i].transport = t;
}

static int load_profiles(sy_ctx *c, yaml_node_t *n, peer_file *pf)
{
    size_t count;
    if (sy_seq(c, n, "profiles", 1, SC_MAX_PROFILES, &count) != 0)
        return -1;
    for (size_t i = 0; i < count; i++)
        if (load_profile(c, sy_seq_item(c, n, i), pf) != 0)
            return -1;
    pf->explicit_profiles = true;
    for (size_t i = 0; i < pf->n_capabilities; i++)
        for (size_t k = 0; profile_caps[k]; k++)
            if (strncmp(pf->capabilities[i], profile_caps[k], strlen(profile_caps[k])) == 0)
                return sy_fail(c, n, "capabilities: '%s' is stated by each of profiles: "
                                     "(remove it from capabilities)", pf->capabilities[i]);
    return 0;
}

static int load_top(sy_ctx *c, const yaml_node_t *root, peer_file *pf)
{
    yaml_node_t *v;
    if (sy_keys(c, root, "peer", top_keys) != 0)
        return -1;
    if (sy_require(c, root, "name", &v) || sy_name(c, v, "name", pf->name, sizeof pf->name, false))
        return -1;
    if ((v = sy_get(c, root, "version")) &&
        sy_str(c, v, "version", pf->version, sizeof pf->version))
        return -1;
    if ((v = sy_get(c, root, "template")) && sy_bool(c, v, "template", &pf->is_template))
        return -1;
    size_t capn = sizeof pf->capabilities / sizeof pf->capabilities[0];
    if ((v = sy_get(c, root, "capabilities")) &&
        (sy_name_list(c, v, "capabilities", pf->capabilities, capn, &pf->n_capabilities) ||
         sc_capabilities_check(c, v, "capabilities", pf->capabilities, pf->n_capabilities)))
        return -1;
    yaml_node_t *ini = sy_get(c, root, "initiator"), *res = sy_get(c, root, "responder");
    if (!ini && !res)
        return sy_fail(c, root, "missing required key 'initiator' or 'responder' (at least one "
                                "role)");
    if (ini && load_role(c, ini, "initiator", &pf->initiator) != 0)
        return -1;
    if (res && load_role(c, res, "responder", &pf->responder) != 0)
        return -1;
    if ((v = sy_get(c, root, "known_failures")) && load_known(c, v, pf) != 0)
        return -1;
    int budget;
    if ((v = sy_get(c, root, "budget"))) {
        if (sy_enum(c, v, "budget", sc_budget_names, &budget) != 0)
            return -1;
        snprintf(pf->budget, sizeof pf->budget, "%s", sc_budget_names[budget]);
    }
    if ((v = sy_get(c, root, "edhoc_path")) && load_edhoc_path(c, v, pf) != 0)
        return -1;
    pf->not_implemented_exit = 77;
    if ((v = sy_get(c, root, "not_implemented_exit")) &&
        sy_int(c, v, "not_implemented_exit", 2, 255, &pf->not_implemented_exit))
        return -1;
    int framing = SC_FRAMING_RFC9528;
    yaml_node_t *fr = sy_get(c, root, "framing");
    if (fr && sy_enum(c, fr, "framing", framings, &framing) != 0)
        return -1;
    if ((v = sy_get(c, root, "profiles"))) {
        if (fr)
            return sy_fail(c, fr, "framing: with profiles:, give it in each profile");
        if (load_profiles(c, v, pf) != 0)
            return -1;
        sc_profiles_label_apart(pf);
        sc_profiles_pair_suites(pf);
        profiles_transport(pf);
        return 0;
    }
    sc_profiles_from_capabilities(pf, (sc_framing)framing);
    sc_profiles_label_apart(pf);
    sc_profiles_pair_suites(pf);
    profiles_transport(pf);
    return 0;
}

/* `name` as the file name; -1 with err filled if it does not fit. */
static int peer_file_begin(const char *name, peer_file *pf, char *err, size_t cap)
{
    memset(pf, 0, sizeof *pf);
    if (strlen(name) >= sizeof pf->file) {
        if (err && cap)
            snprintf(err, cap, "%.64s...: path longer than %d characters", name, SC_MAX_PATH - 1);
        return -1;
    }
    memcpy(pf->file, name, strlen(name) + 1);
    return 0;
}

int peer_file_load(const char *path, peer_file *pf, char *err, size_t cap)
{
    if (peer_file_begin(path, pf, err, cap) != 0)
        return -1;
    sy_ctx c;
    yaml_node_t *root;
    int rc = sy_open(&c, path, err, cap, &root);
    if (rc == 0)
        rc = load_top(&c, root, pf);
    sy_close(&c);
    return rc;
}

int peer_file_load_mem(const char *name, const char *text, size_t len, peer_file *pf, char *err,
                       size_t cap)
{
    if (peer_file_begin(name, pf, err, cap) != 0)
        return -1;
    sy_ctx c;
    yaml_node_t *root;
    int rc = sy_open_mem(&c, name, text, len, err, cap, &root);
    if (rc == 0)
        rc = load_top(&c, root, pf);
    sy_close(&c);
    return rc;
}

/* Does profile p have the capability named cap (one of profile_caps)? */
static bool profile_has(const sc_profile *p, const char *cap)
{
    char name[SC_MAX_NAME];
    if (strcmp(cap, "message-4") == 0)
        return p->message_4;
    if (strcmp(cap, "oscore") == 0)
        return p->oscore;
    if (strcmp(cap, "error-messages") == 0)
        return p->error_messages;
    snprintf(name, sizeof name, "method-%d", p->method);
    if (strcmp(cap, name) == 0)
        return true;
    snprintf(name, sizeof name, "suite-%d", p->suite);
    if (strcmp(cap, name) == 0)
        return true;
    snprintf(name, sizeof name, "cred-%s", p->cred_id);
    return strcmp(cap, name) == 0;
}

int peer_ready_timeout_ms(const peer_role_spec *spec)
{
    return spec->ready_timeout_ms > 0 ? spec->ready_timeout_ms : 5000;
}

bool peer_has_capability(const peer_file *pf, const char *cap)
{
    for (size_t i = 0; i < pf->n_capabilities; i++)
        if (strcmp(pf->capabilities[i], cap) == 0)
            return true;
    if (!pf->explicit_profiles)
        return false;
    for (size_t i = 0; i < pf->n_profiles; i++)
        if (profile_has(&pf->profiles[i], cap))
            return true;
    return false;
}

/*
 * peer_load.c - peer files (peers/<name>.yaml) into `peer_file` (scenario.h):
 * how to launch or reach the IUT in each role, its capabilities, its
 * known failures. Same checking and error style as scenario_load.c.
 */
#include <stdio.h>
#include <string.h>

#include "budget.h"
#include "sc_yaml.h"
#include "scenario.h"

static const char *const top_keys[] = {
    "name",      "version",   "template", "capabilities",
    "initiator", "responder", "known_failures", "budget", NULL};
static const char *const role_keys[] = {"command", "address", "ready", "timeout", "per_run", NULL};
static const char *const address_keys[] = {"host", "port", NULL};
static const char *const kf_keys[] = {"id", "role", "reason", "note", NULL};
static const char *const kf_roles[] = {"initiator", "responder", "both", NULL};
static const char *const kf_reasons[] = {"unsupported", "known-bug", "spec-ambiguity", NULL};

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
    }
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
        sy_name_list(c, v, "capabilities", pf->capabilities, capn, &pf->n_capabilities))
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

bool peer_has_capability(const peer_file *pf, const char *cap)
{
    for (size_t i = 0; i < pf->n_capabilities; i++)
        if (strcmp(pf->capabilities[i], cap) == 0)
            return true;
    return false;
}

/*
 * model.c - loading and checking the explore state models (model.h), and
 * their Graphviz rendering. The YAML is walked with the scenario loader's
 * helpers (scenario/sc_yaml.h), so errors read "FILE:LINE: message".
 */
#include "model.h"

#include <stdio.h>
#include <string.h>

#include "../scenario/sc_yaml.h"

/* The compiled-in model texts (Makefile: harness/explore/model_*.yaml as
 * C string literals). */
static const char model_responder_text[] =
#include "model_responder.inc"
    ;
static const char model_initiator_text[] =
#include "model_initiator.inc"
    ;
static const char model_responder_reverse_text[] =
#include "model_responder_reverse.inc"
    ;
static const char model_initiator_reverse_text[] =
#include "model_initiator_reverse.inc"
    ;

const char *xm_builtin_text(const char *iut_role, bool reverse)
{
    if (strcmp(iut_role, "responder") == 0)
        return reverse ? model_responder_reverse_text : model_responder_text;
    if (strcmp(iut_role, "initiator") == 0)
        return reverse ? model_initiator_reverse_text : model_initiator_text;
    return NULL;
}

static const char *const top_keys[] = {"role", "flow", "title", "initial", "settled", "states",
                                       "outputs", "inputs", "transitions", NULL};
static const char *const output_keys[] = {"text", "outcome", NULL};
static const char *const input_keys[] = {"text", "needs", "steps", "scenario", NULL};
static const char *const trans_keys[] = {"states", "inputs", "level", "rfc", "requirements",
                                         "accept", "na", NULL};
static const char *const alt_keys[] = {"out", "to", "grade", "if", "rule", "without", NULL};
static const char *const roles[] = {"responder", "initiator", NULL};
static const char *const flows[] = {"forward", "reverse", NULL};
static const char *const levels[] = {"MUST", "SHOULD", "INFO", NULL};
static const char *const grades[] = {"strict", "non-strict", NULL};
static const char *const conds[] = {"m4", "no-m4", "oscore", "no-oscore", NULL};
static const char *const needs[] = {"c_r",     "m3_sent",    "oscore_ok",     "oscore_sent",
                                    "last_edhoc", "udp",     "first",         "pending",
                                    "pending_m1", "pending_m1_ok", "pending_m3", "rfc9668",
                                    "m4",         "no_m3",   "oscore",        "pending_m2",
                                    "no_m4",      "other_suite", "kid", NULL};

int xm_state_index(const xm_model *m, const char *name)
{
    for (size_t i = 0; i < m->n_states; i++)
        if (strcmp(m->state[i], name) == 0)
            return (int)i;
    return -1;
}

int xm_input_index(const xm_model *m, const char *name)
{
    for (size_t i = 0; i < m->n_in; i++)
        if (strcmp(m->in[i].name, name) == 0)
            return (int)i;
    return -1;
}

int xm_output_index(const xm_model *m, const char *name)
{
    for (size_t i = 0; i < m->n_out; i++)
        if (strcmp(m->out[i].name, name) == 0)
            return (int)i;
    return -1;
}

unsigned xm_profile(bool message_4, bool oscore)
{
    return (message_4 ? XM_IF_M4 : XM_IF_NO_M4) | (oscore ? XM_IF_OSCORE : XM_IF_NO_OSCORE);
}

bool xm_alt_active(const xm_alt *a, unsigned profile)
{
    return (a->cond & profile) == a->cond;
}

int xm_alt_to(const xm_alt *a, int s)
{
    return a->to == XM_SAME ? s : a->to;
}

const xm_alt *xm_find(const xm_model *m, int s, int in, int out, unsigned profile)
{
    const xm_trans *t = &m->t[s][in];
    for (size_t i = 0; t->defined && !t->na && i < t->n_alts; i++)
        if (t->alts[i].out == out && xm_alt_active(&t->alts[i], profile))
            return &t->alts[i];
    return NULL;
}

/* --------------------------------------------------------------- YAML */

/* A node as YAML flow text (maps {k: v}, lists [a, b], scalars plain or
 * double-quoted as written), for scenario steps. */
static int emit_flow(sy_ctx *c, const yaml_node_t *n, char *out, size_t cap, size_t *k)
{
#define PUT(...)                                                                                 \
    do {                                                                                         \
        int w_ = snprintf(out + *k, cap - *k, __VA_ARGS__);                                     \
        if (w_ < 0 || (size_t)w_ >= cap - *k)                                                    \
            return sy_fail(c, n, "step: longer than %zu bytes", cap);                           \
        *k += (size_t)w_;                                                                        \
    } while (0)
    if (n->type == YAML_SCALAR_NODE) {
        const char *s = sy_text(n);
        bool quoted = n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                      n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
        if (!quoted) {
            PUT("%s", sy_is_null(n) ? "null" : s);
            return 0;
        }
        for (const char *p = s; *p; p++)
            if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20)
                return sy_fail(c, n, "step: a quoted value with '\"', '\\' or a control "
                                     "character");
        PUT("\"%s\"", s);
        return 0;
    }
    if (n->type == YAML_SEQUENCE_NODE) {
        size_t len = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
        PUT("[");
        for (size_t i = 0; i < len; i++) {
            if (i)
                PUT(", ");
            if (emit_flow(c, sy_seq_item(c, n, i), out, cap, k) != 0)
                return -1;
        }
        PUT("]");
        return 0;
    }
    PUT("{");
    for (size_t i = 0; i < sy_map_len(n); i++) {
        if (i)
            PUT(", ");
        if (emit_flow(c, sy_map_key(c, n, i), out, cap, k) != 0)
            return -1;
        PUT(": ");
        if (emit_flow(c, sy_map_value(c, n, i), out, cap, k) != 0)
            return -1;
    }
    PUT("}");
    return 0;
#undef PUT
}

/* A list (at least min items, at most 16) of names[] into bits (1 << index). */
static int enum_bits(sy_ctx *c, const yaml_node_t *x, const char *key, const char *const names[],
                     size_t min, unsigned *bits)
{
    size_t k;
    if (sy_seq(c, x, key, min, 16, &k) != 0)
        return -1;
    for (size_t j = 0; j < k; j++) {
        int w;
        if (sy_enum(c, sy_seq_item(c, x, j), key, names, &w) != 0)
            return -1;
        *bits |= 1u << w;
    }
    return 0;
}

static int load_states(sy_ctx *c, const yaml_node_t *n, xm_model *m)
{
    if (n->type != YAML_MAPPING_NODE)
        return sy_fail(c, n, "states: expected a map NAME: description");
    m->n_states = sy_map_len(n);
    if (m->n_states == 0 || m->n_states > XM_MAX_STATES)
        return sy_fail(c, n, "states: 1 to %d states", XM_MAX_STATES);
    for (size_t i = 0; i < m->n_states; i++) {
        if (sy_name(c, sy_map_key(c, n, i), "state", m->state[i], XM_NAME, false) != 0 ||
            sy_str(c, sy_map_value(c, n, i), m->state[i], m->state_text[i], XM_TEXT) != 0)
            return -1;
        if (strcmp(m->state[i], "$same") == 0 || xm_state_index(m, m->state[i]) != (int)i)
            return sy_fail(c, sy_map_key(c, n, i), "states: '%s' twice", m->state[i]);
    }
    return 0;
}

static int load_outputs(sy_ctx *c, const yaml_node_t *n, xm_model *m)
{
    if (n->type != YAML_MAPPING_NODE)
        return sy_fail(c, n, "outputs: expected a map NAME: {text, outcome}");
    m->n_out = sy_map_len(n);
    if (m->n_out == 0 || m->n_out > XM_MAX_OUTPUTS)
        return sy_fail(c, n, "outputs: 1 to %d outputs", XM_MAX_OUTPUTS);
    for (size_t i = 0; i < m->n_out; i++) {
        xm_output *o = &m->out[i];
        yaml_node_t *v = sy_map_value(c, n, i), *x;
        if (sy_name(c, sy_map_key(c, n, i), "output", o->name, XM_NAME, false) != 0 ||
            sy_keys(c, v, o->name, output_keys) != 0 || sy_require(c, v, "text", &x) != 0 ||
            sy_str(c, x, "text", o->text, XM_TEXT) != 0 ||
            sy_require(c, v, "outcome", &x) != 0 ||
            sy_str(c, x, "outcome", o->outcome, XM_STEP) != 0)
            return -1;
        if (xm_output_index(m, o->name) != (int)i)
            return sy_fail(c, sy_map_key(c, n, i), "outputs: '%s' twice", o->name);
    }
    return 0;
}

static int load_inputs(sy_ctx *c, const yaml_node_t *n, xm_model *m)
{
    if (n->type != YAML_MAPPING_NODE)
        return sy_fail(c, n, "inputs: expected a map NAME: {text, needs, steps}");
    m->n_in = sy_map_len(n);
    if (m->n_in == 0 || m->n_in > XM_MAX_INPUTS)
        return sy_fail(c, n, "inputs: 1 to %d inputs", XM_MAX_INPUTS);
    for (size_t i = 0; i < m->n_in; i++) {
        xm_input *in = &m->in[i];
        yaml_node_t *v = sy_map_value(c, n, i), *x;
        if (sy_name(c, sy_map_key(c, n, i), "input", in->name, XM_NAME, false) != 0 ||
            sy_keys(c, v, in->name, input_keys) != 0 || sy_require(c, v, "text", &x) != 0 ||
            sy_str(c, x, "text", in->text, XM_TEXT) != 0)
            return -1;
        if (xm_input_index(m, in->name) != (int)i)
            return sy_fail(c, sy_map_key(c, n, i), "inputs: '%s' twice", in->name);
        if ((x = sy_get(c, v, "needs")) && enum_bits(c, x, "needs", needs, 0, &in->needs) != 0)
            return -1;
        if ((x = sy_get(c, v, "scenario"))) {
            yaml_node_t *y;
            char state[XM_NAME];
            if (sy_keys(c, x, "scenario", (const char *const[]){"id", "state", NULL}) != 0 ||
                sy_require(c, x, "id", &y) != 0 ||
                sy_name(c, y, "scenario.id", in->scenario, sizeof in->scenario, true) != 0 ||
                sy_require(c, x, "state", &y) != 0 ||
                sy_name(c, y, "scenario.state", state, sizeof state, false) != 0)
                return -1;
            if ((in->scenario_state = xm_state_index(m, state)) < 0)
                return sy_fail(c, y, "scenario.state: unknown state '%s'", state);
        }
        if (sy_require(c, v, "steps", &x) != 0 ||
            sy_seq(c, x, "steps", 0, XM_MAX_STEPS, &in->n_steps) != 0)
            return -1;
        for (size_t j = 0; j < in->n_steps; j++) {
            size_t len = 0;
            yaml_node_t *st = sy_seq_item(c, x, j);
            if (st->type != YAML_MAPPING_NODE)
                return sy_fail(c, st, "steps: each step is a map, e.g. {send: message_1}");
            if (emit_flow(c, st, in->steps[j], XM_STEP, &len) != 0)
                return -1;
        }
    }
    return 0;
}

/* A name or a list of names, each resolved by `find` (-1: unknown). */
static int name_list(sy_ctx *c, const yaml_node_t *n, const char *key, const xm_model *m,
                     int (*find)(const xm_model *, const char *), int *out, size_t max,
                     size_t *count)
{
    char name[XM_NAME];
    if (n->type == YAML_SCALAR_NODE) {
        if (sy_name(c, n, key, name, sizeof name, false) != 0)
            return -1;
        if ((out[0] = find(m, name)) < 0)
            return sy_fail(c, n, "%s: unknown '%s'", key, name);
        *count = 1;
        return 0;
    }
    if (sy_seq(c, n, key, 1, max, count) != 0)
        return -1;
    for (size_t i = 0; i < *count; i++) {
        yaml_node_t *x = sy_seq_item(c, n, i);
        if (sy_name(c, x, key, name, sizeof name, false) != 0)
            return -1;
        if ((out[i] = find(m, name)) < 0)
            return sy_fail(c, x, "%s: unknown '%s'", key, name);
    }
    return 0;
}

/* `to` and `if` of an accept item into a. */
static int load_alt_to_if(sy_ctx *c, const yaml_node_t *n, const xm_model *m, xm_alt *a)
{
    yaml_node_t *x;
    char name[XM_NAME];
    if (sy_require(c, n, "to", &x) != 0 || sy_str(c, x, "to", name, sizeof name) != 0)
        return -1;
    a->to = strcmp(name, "$same") == 0 ? XM_SAME : xm_state_index(m, name);
    if (a->to == -1)
        return sy_fail(c, x, "to: unknown state '%s'", name);
    int g;
    if ((x = sy_get(c, n, "if"))) {
        if (sy_enum(c, x, "if", conds, &g) != 0)
            return -1;
        a->cond = 1u << g;
    }
    return 0;
}

static const char *const outcome_kinds[] = {"error", "coap", "silence", NULL};

/* {rule: NAME, to: STATE, if?, without?: [error|coap|silence]}: one
 * alternative per outcome of the rule (harness/scenario/outcome_rules.yaml),
 * each the model's output that recognises the same answers, with the
 * rule's grade; `without` leaves out the kinds this model's flow cannot
 * observe (a CoAP error from a client). The rule's level must be t's. */
static int load_rule_alts(sy_ctx *c, const yaml_node_t *n, const xm_model *m, xm_trans *t,
                          int *item_of, int item)
{
    yaml_node_t *x;
    char name[SC_MAX_NAME], why[256];
    sc_rule r;
    if (sy_get(c, n, "out") || sy_get(c, n, "grade"))
        return sy_fail(c, n, "accept: rule excludes out and grade (the rule gives both)");
    if (sy_require(c, n, "rule", &x) != 0 || sy_name(c, x, "rule", name, sizeof name, false) != 0)
        return -1;
    if (sc_rule_get(name, &r, why, sizeof why) != 0)
        return sy_fail(c, x, "rule: %s", why);
    if (r.level != t->level)
        return sy_fail(c, x, "rule: %s is of level %s, the transition of level %s", name,
                       levels[r.level], levels[t->level]);
    unsigned without = 0; /* bits: error, coap, silence */
    if ((x = sy_get(c, n, "without")) &&
        enum_bits(c, x, "without", outcome_kinds, 1, &without) != 0)
        return -1;
    if (!t->rule[0])
        snprintf(t->rule, sizeof t->rule, "%s", name);
    for (size_t i = 0; i < r.n; i++) {
        const sc_outcome *o = &r.alt[i];
        if ((o->kind == SC_OUT_ERROR && (without & 1u)) ||
            (o->kind == SC_OUT_COAP && (without & 2u)) ||
            (o->kind == SC_OUT_SILENCE && (without & 4u)))
            continue;
        int out = -1;
        for (size_t j = 0; j < m->n_out && out < 0; j++) {
            sc_outcome mo;
            if (strchr(m->out[j].outcome, '$'))
                continue; /* filled in per run ($PREFERRED): no rule's outcome */
            if (sc_outcome_parse(m->out[j].outcome, &mo, why, sizeof why) != 0)
                return sy_fail(c, n, "outputs: %s: %s", m->out[j].name, why);
            if (sc_outcome_same(&mo, o))
                out = (int)j;
        }
        if (out < 0)
            return sy_fail(c, n, "rule: %s allows an answer (its outcome %zu) that no output of "
                                 "this model recognises: add the output, or leave its kind out "
                                 "with without:", name, i + 1);
        if (t->n_alts == XM_MAX_ALTS)
            return sy_fail(c, n, "accept: more than %d alternatives", XM_MAX_ALTS);
        xm_alt *a = &t->alts[t->n_alts];
        memset(a, 0, sizeof *a);
        a->out = out;
        a->non_strict = o->non_strict;
        if (load_alt_to_if(c, n, m, a) != 0)
            return -1;
        item_of[t->n_alts++] = item;
    }
    return 0;
}

/* One accept item: {out, to, grade?, if?} or a rule; appended to t. */
static int load_alt(sy_ctx *c, const yaml_node_t *n, const xm_model *m, xm_trans *t,
                    int *item_of, int item)
{
    yaml_node_t *x;
    char name[XM_NAME];
    if (sy_keys(c, n, "accept", alt_keys) != 0)
        return -1;
    if (sy_get(c, n, "rule"))
        return load_rule_alts(c, n, m, t, item_of, item);
    if (sy_get(c, n, "without"))
        return sy_fail(c, n, "accept: without goes with rule");
    if (t->n_alts == XM_MAX_ALTS)
        return sy_fail(c, n, "accept: more than %d alternatives", XM_MAX_ALTS);
    xm_alt *a = &t->alts[t->n_alts];
    memset(a, 0, sizeof *a);
    if (sy_require(c, n, "out", &x) != 0 || sy_name(c, x, "out", name, sizeof name, false) != 0)
        return -1;
    if ((a->out = xm_output_index(m, name)) < 0)
        return sy_fail(c, x, "out: unknown output '%s'", name);
    if (load_alt_to_if(c, n, m, a) != 0)
        return -1;
    int g;
    if ((x = sy_get(c, n, "grade"))) {
        if (sy_enum(c, x, "grade", grades, &g) != 0)
            return -1;
        a->non_strict = g == 1;
    }
    item_of[t->n_alts++] = item;
    return 0;
}

static int load_transition(sy_ctx *c, const yaml_node_t *n, xm_model *m)
{
    int states[XM_MAX_STATES], inputs[XM_MAX_INPUTS];
    size_t ns, ni;
    yaml_node_t *x;
    xm_trans t;
    memset(&t, 0, sizeof t);
    t.defined = true;
    t.line = (int)sy_line(n);
    if (sy_keys(c, n, "transition", trans_keys) != 0 || sy_require(c, n, "states", &x) != 0 ||
        name_list(c, x, "states", m, xm_state_index, states, XM_MAX_STATES, &ns) != 0 ||
        sy_require(c, n, "inputs", &x) != 0 ||
        name_list(c, x, "inputs", m, xm_input_index, inputs, XM_MAX_INPUTS, &ni) != 0)
        return -1;
    if ((x = sy_get(c, n, "na"))) {
        if (sy_get(c, n, "accept") || sy_get(c, n, "level") || sy_get(c, n, "requirements"))
            return sy_fail(c, n, "transition: na excludes accept, level and requirements");
        t.na = true;
        if (sy_str(c, x, "na", t.na_why, sizeof t.na_why) != 0)
            return -1;
    } else {
        int lv;
        if (sy_require(c, n, "level", &x) != 0 || sy_enum(c, x, "level", levels, &lv) != 0)
            return -1;
        t.level = (sc_level)lv;
        if (sy_require(c, n, "rfc", &x) != 0 || sy_str(c, x, "rfc", t.rfc, sizeof t.rfc) != 0)
            return -1;
        if (sy_require(c, n, "requirements", &x) != 0 ||
            sy_name_list(c, x, "requirements", t.reqs, XM_MAX_REQS, &t.n_reqs) != 0)
            return -1;
        size_t items;
        int item_of[XM_MAX_ALTS];
        if (sy_require(c, n, "accept", &x) != 0 ||
            sy_seq(c, x, "accept", 1, XM_MAX_ALTS, &items) != 0)
            return -1;
        for (size_t i = 0; i < items; i++)
            if (load_alt(c, sy_seq_item(c, x, i), m, &t, item_of, (int)i) != 0)
                return -1;
        /* deterministic: under every profile an output at most once */
        for (unsigned p = 0; p < 4; p++) {
            unsigned prof = xm_profile(p & 1, p & 2);
            for (size_t i = 0; i < t.n_alts; i++)
                for (size_t j = i + 1; j < t.n_alts; j++)
                    if (t.alts[i].out == t.alts[j].out && xm_alt_active(&t.alts[i], prof) &&
                        xm_alt_active(&t.alts[j], prof))
                        return sy_fail(c, sy_seq_item(c, x, (size_t)item_of[j]),
                                       "accept: output '%s' twice (the next state must follow "
                                       "from the output)", m->out[t.alts[j].out].name);
            bool any = false, givable = false;
            for (size_t i = 0; i < t.n_alts; i++)
                any |= xm_alt_active(&t.alts[i], prof);
            /* an input that needs message_4 is never given without it (one
             * that needs its absence, never with it) */
            for (size_t j = 0; j < ni; j++)
                givable |= (!(m->in[inputs[j]].needs & XM_NEED_M4) || (p & 1)) &&
                           (!(m->in[inputs[j]].needs & XM_NEED_NO_M4) || !(p & 1));
            if (!any && givable)
                return sy_fail(c, x, "accept: nothing is acceptable under the profile %s, %s",
                               p & 1 ? "m4" : "no-m4", p & 2 ? "oscore" : "no-oscore");
        }
    }
    for (size_t i = 0; i < ns; i++)
        for (size_t j = 0; j < ni; j++) {
            xm_trans *dst = &m->t[states[i]][inputs[j]];
            if (dst->defined)
                return sy_fail(c, n, "transition (%s, %s) is defined twice (first at line %d)",
                               m->state[states[i]], m->in[inputs[j]].name, dst->line);
            *dst = t;
        }
    return 0;
}

/* Completeness and reachability. */
static int check_model(sy_ctx *c, const yaml_node_t *root, xm_model *m)
{
    for (size_t s = 0; s < m->n_states; s++)
        for (size_t i = 0; i < m->n_in; i++)
            if (!m->t[s][i].defined)
                return sy_fail(c, root, "incomplete: no transition for state %s, input %s",
                               m->state[s], m->in[i].name);
    bool seen[XM_MAX_STATES] = {false};
    int queue[XM_MAX_STATES], head = 0, tail = 0;
    seen[m->initial] = true;
    queue[tail++] = m->initial;
    while (head < tail) {
        int s = queue[head++];
        for (size_t i = 0; i < m->n_in; i++) {
            const xm_trans *t = &m->t[s][i];
            for (size_t a = 0; !t->na && a < t->n_alts; a++) {
                int to = xm_alt_to(&t->alts[a], s);
                if (!seen[to])
                    seen[to] = true, queue[tail++] = to;
            }
        }
    }
    for (size_t s = 0; s < m->n_states; s++)
        if (!seen[s])
            return sy_fail(c, root, "state %s cannot be reached from %s", m->state[s],
                           m->state[m->initial]);
    return 0;
}

static int load_doc(sy_ctx *c, yaml_node_t *root, xm_model *m)
{
    yaml_node_t *x;
    int role;
    char name[XM_NAME];
    if (sy_keys(c, root, "model", top_keys) != 0 || sy_require(c, root, "role", &x) != 0 ||
        sy_enum(c, x, "role", roles, &role) != 0)
        return -1;
    snprintf(m->role, sizeof m->role, "%s", roles[role]);
    m->iut_role = role == 0 ? SC_HARNESS_INITIATOR : SC_HARNESS_RESPONDER;
    int flow = 0;
    if ((x = sy_get(c, root, "flow")) && sy_enum(c, x, "flow", flows, &flow) != 0)
        return -1;
    m->reverse = flow == 1;
    if (sy_require(c, root, "title", &x) != 0 || sy_str(c, x, "title", m->title, XM_TEXT) != 0)
        return -1;
    if (sy_require(c, root, "states", &x) != 0 || load_states(c, x, m) != 0 ||
        sy_require(c, root, "outputs", &x) != 0 || load_outputs(c, x, m) != 0 ||
        sy_require(c, root, "inputs", &x) != 0 || load_inputs(c, x, m) != 0)
        return -1;
    if (sy_require(c, root, "initial", &x) != 0 || sy_name(c, x, "initial", name, XM_NAME, false))
        return -1;
    if ((m->initial = xm_state_index(m, name)) < 0)
        return sy_fail(c, x, "initial: unknown state '%s'", name);
    int settled[XM_MAX_STATES];
    size_t ns = 0;
    if ((x = sy_get(c, root, "settled")) &&
        name_list(c, x, "settled", m, xm_state_index, settled, XM_MAX_STATES, &ns) != 0)
        return -1;
    for (size_t i = 0; i < ns; i++)
        m->settled[settled[i]] = true;
    size_t n;
    if (sy_require(c, root, "transitions", &x) != 0 ||
        sy_seq(c, x, "transitions", 1, 1024, &n) != 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (load_transition(c, sy_seq_item(c, x, i), m) != 0)
            return -1;
    return check_model(c, root, m);
}

int xm_load_mem(xm_model *m, const char *name, const char *text, size_t len, char *err,
                size_t cap)
{
    sy_ctx c;
    yaml_node_t *root;
    memset(m, 0, sizeof *m);
    snprintf(m->file, sizeof m->file, "%s", name);
    int rc = sy_open_mem(&c, name, text, len, err, cap, &root);
    if (rc == 0)
        rc = load_doc(&c, root, m);
    sy_close(&c);
    return rc;
}

int xm_load_file(xm_model *m, const char *path, char *err, size_t cap)
{
    sy_ctx c;
    yaml_node_t *root;
    memset(m, 0, sizeof *m);
    snprintf(m->file, sizeof m->file, "%s", path);
    int rc = sy_open(&c, path, err, cap, &root);
    if (rc == 0)
        rc = load_doc(&c, root, m);
    sy_close(&c);
    return rc;
}

int xm_load_builtin(xm_model *m, const char *iut_role, bool reverse, char *err, size_t cap)
{
    const char *text = xm_builtin_text(iut_role, reverse);
    char name[64];
    if (text == NULL) {
        snprintf(err, cap, "no built-in model for role '%s'", iut_role);
        return -1;
    }
    snprintf(name, sizeof name, "harness/explore/model_%s%s.yaml", iut_role,
             reverse ? "_reverse" : "");
    return xm_load_mem(m, name, text, strlen(text), err, cap);
}

/* ---------------------------------------------------------------- dot */

static void dot_escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        fputc(*s, f);
    }
}

static const char *cond_name(unsigned cond)
{
    return cond == XM_IF_M4 ? "m4" : cond == XM_IF_NO_M4 ? "no-m4"
           : cond == XM_IF_OSCORE ? "oscore" : cond == XM_IF_NO_OSCORE ? "no-oscore" : "";
}

void xm_write_dot(const xm_model *m, unsigned profile, FILE *f)
{
    fprintf(f, "// generated from %s by `edhoc-harness explore --model-dot %s%s`; do not "
               "edit\n", m->file, m->role, m->reverse ? " --flow reverse" : "");
    fprintf(f, "digraph \"%s\" {\n  rankdir=LR;\n  node [shape=box, style=rounded, "
               "fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=9];\n",
            m->role);
    fprintf(f, "  label=\"");
    dot_escape(f, m->title);
    fprintf(f, "\\ninput / acceptable outputs; dashed: allowed but non-strict\";\n");
    for (size_t s = 0; s < m->n_states; s++) {
        fprintf(f, "  %s [label=\"%s\", tooltip=\"", m->state[s], m->state[s]);
        dot_escape(f, m->state_text[s]);
        fprintf(f, "\"%s];\n", (int)s == m->initial ? ", penwidth=2" : "");
    }
    /* one edge per (from, to, strictness): its label lists input / outputs */
    for (size_t s = 0; s < m->n_states; s++)
        for (size_t to = 0; to < m->n_states; to++)
            for (int ns = 0; ns < 2; ns++) {
                char label[2048];
                size_t k = 0;
                label[0] = 0;
                for (size_t i = 0; i < m->n_in; i++) {
                    const xm_trans *t = &m->t[s][i];
                    char outs[512];
                    size_t ko = 0;
                    outs[0] = 0;
                    for (size_t a = 0; !t->na && a < t->n_alts; a++) {
                        const xm_alt *al = &t->alts[a];
                        if (xm_alt_to(al, (int)s) != (int)to || al->non_strict != (ns == 1) ||
                            (profile && !xm_alt_active(al, profile)))
                            continue;
                        int w = snprintf(outs + ko, sizeof outs - ko, "%s%s%s%s%s",
                                         ko ? "|" : "", m->out[al->out].name,
                                         !profile && al->cond ? " [" : "",
                                         !profile && al->cond ? cond_name(al->cond) : "",
                                         !profile && al->cond ? "]" : "");
                        if (w > 0 && (size_t)w < sizeof outs - ko)
                            ko += (size_t)w;
                    }
                    if (ko == 0)
                        continue;
                    int w = snprintf(label + k, sizeof label - k, "%s%s / %s", k ? "\\n" : "",
                                     m->in[i].name, outs);
                    if (w > 0 && (size_t)w < sizeof label - k)
                        k += (size_t)w;
                }
                if (k == 0)
                    continue;
                fprintf(f, "  %s -> %s [label=\"%s\"%s];\n", m->state[s], m->state[to], label,
                        ns ? ", style=dashed" : "");
            }
    fprintf(f, "}\n");
}

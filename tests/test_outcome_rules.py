"""Issue 22 item 1: one source of truth for the answers RFC 9528 allows.

harness/scenario/outcome_rules.yaml names outcome sets; scenarios use them with
`expect: {rule: NAME}`, explore's models with `accept: [{rule: NAME, to: STATE}]`.
These tests read the YAML files directly (independently of the C loaders, which
have their own unit tests in harness/tests/test_explore_model.c) and check that the
two judges cannot drift apart:
- a model input that names the suite's scenario sending the same message
  (`scenario: {id, state}`) is judged in that state by the same rule as that
  scenario's last expect, at the same level;
- no scenario and no model transition writes out a set that a rule names.
The silence policy (a rejection may come without an error message) is checked on
every scenario, rules expanded, by tests/test_scenarios.py.
"""
import json
import pathlib

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
RULES = yaml.safe_load((ROOT / "harness/scenario/outcome_rules.yaml").read_text())["rules"]
MODELS = sorted((ROOT / "harness/explore").glob("model_*.yaml"))


def canon(outcome):
    """An outcome (scenario any_of item) as (answer, grade), the answer as JSON."""
    if isinstance(outcome, str):  # a bare name: a kind, or a message (scenarios/README.md)
        outcome = {outcome: None} if outcome in ("silence", "close", "error", "same") \
            else {"message": outcome}
    outcome = dict(outcome)
    grade = outcome.pop("grade", "strict")
    return json.dumps(outcome, sort_keys=True), grade


def rule_set(name, without=()):
    return sorted(canon(a) for a in RULES[name]["accept"]
                  if not any(k in (a if isinstance(a, dict) else {a: None}) for k in without))


def scenarios():
    for p in sorted((ROOT / "scenarios").rglob("*.yaml")):
        if p.relative_to(ROOT / "scenarios").parts[0] == "explore":
            continue  # written by explore from the models
        doc = yaml.safe_load(p.read_text())
        if isinstance(doc, dict) and "steps" in doc:
            yield p, doc


def expects(doc):
    return [s["expect"] for s in doc["steps"] if isinstance(s, dict) and "expect" in s]


def alternatives(expect):
    if isinstance(expect, dict) and "any_of" in expect:
        return expect["any_of"]
    return [expect]


SCENARIOS = {doc["id"]: doc for _, doc in scenarios()}


def model_links():
    for path in MODELS:
        doc = yaml.safe_load(path.read_text())
        for name, spec in doc["inputs"].items():
            if "scenario" in spec:
                yield path.name, doc, name, spec["scenario"]


LINKS = list(model_links())


def test_the_table_is_well_formed_and_every_rule_is_used():
    assert len(RULES) >= 5
    used = {e["rule"] for doc in SCENARIOS.values() for e in expects(doc)
            if isinstance(e, dict) and "rule" in e}
    for name, rule in RULES.items():
        assert set(rule) == {"text", "rfc", "level", "accept"}, name
        assert rule["level"] in ("MUST", "SHOULD", "INFO"), name
        assert name in used, f"rule {name} is used by no scenario"
        answers = [canon(a)[0] for a in rule["accept"]]
        assert len(answers) == len(set(answers)), name


def transition_outcomes(doc, t):
    """The answers a transition accepts under the profile without message_4 (with
    OSCORE), as (answer, grade) pairs, rules expanded; CoAP errors left out (whether
    an IUT can send one depends on the flow, not on the rule)."""
    outcome = {name: yaml.safe_load("{" + o["outcome"] + "}") for name, o in doc["outputs"].items()}
    got = []
    for a in t["accept"]:
        if a.get("if") in ("m4", "no-oscore"):
            continue
        if "rule" in a:
            got += [canon(x) for x in RULES[a["rule"]]["accept"]]
        else:
            got.append(canon({**outcome[a["out"]], **({"grade": a["grade"]} if "grade" in a
                                                       else {})}))
    return sorted(x for x in got if "coap" not in json.loads(x[0]))


@pytest.mark.parametrize("model,doc,symbol,link", LINKS,
                         ids=[f"{m}:{s}" for m, _, s, _ in LINKS])
def test_a_model_input_and_its_scenario_allow_the_same_answers(model, doc, symbol, link):
    """Where the transition uses a rule, the scenario's last expect uses the same rule;
    elsewhere both list the same answers at the same grades."""
    found = [t for t in doc["transitions"]
             if link["state"] in t["states"] and symbol in t["inputs"]]
    assert len(found) == 1, found
    t = found[0]
    rules = [a["rule"] for a in t["accept"] if "rule" in a]
    sc = SCENARIOS[link["id"]]
    last = expects(sc)[-1]
    assert t["level"] == sc["level"]
    if rules:
        assert len(rules) == 1, (model, symbol, t["accept"])
        assert last == {"rule": rules[0]}, (model, symbol, link["id"], last)
        assert sc["level"] == RULES[rules[0]]["level"]
    else:
        want = sorted(x for x in (canon(a) for a in alternatives(last))
                      if "coap" not in json.loads(x[0]))
        assert transition_outcomes(doc, t) == want, (model, symbol, link["id"])
    assert set(t["requirements"]) & set(sc["requirements"]), (t["requirements"],
                                                              sc["requirements"])


def test_the_links_cover_the_inputs_that_send_what_a_scenario_sends():
    """Every model has links, and each linked scenario exists (a renamed scenario
    would otherwise drop out of the check above silently)."""
    per_model = {}
    for model, _, _, link in LINKS:
        assert link["id"] in SCENARIOS, link
        per_model[model] = per_model.get(model, 0) + 1
    assert set(per_model) == {p.name for p in MODELS}, per_model
    assert sum(per_model.values()) >= 20


def test_no_scenario_writes_out_a_set_that_a_rule_names():
    sets = {}
    for name in RULES:
        sets[json.dumps(rule_set(name))] = name
        sets[json.dumps(rule_set(name, without=("coap",)))] = name
    for p, doc in scenarios():
        for e in expects(doc):
            if isinstance(e, dict) and "rule" in e:
                continue
            got = json.dumps(sorted(canon(a) for a in alternatives(e)))
            assert got not in sets, f"{p}: write expect: {{rule: {sets[got]}}}"


def test_no_model_transition_writes_out_a_set_that_a_rule_names():
    for path in MODELS:
        doc = yaml.safe_load(path.read_text())
        outcome = {name: yaml.safe_load("{" + o["outcome"] + "}")
                   for name, o in doc["outputs"].items()}
        sets = {}
        for name in RULES:
            sets[json.dumps(rule_set(name))] = name
            sets[json.dumps(rule_set(name, without=("coap",)))] = name
        for t in doc["transitions"]:
            if "accept" not in t or any("rule" in a for a in t["accept"]):
                continue
            plain = t["accept"]
            got = json.dumps(sorted(canon({**{k: v for k, v in outcome[a["out"]].items()},
                                           **({"grade": a["grade"]} if "grade" in a else {})})
                                    for a in plain))
            assert got not in sets, f"{path.name}: {t['inputs']} in {t['states']}: " \
                                    f"use rule {sets[got]}"

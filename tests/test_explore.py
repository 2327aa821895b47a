"""`edhoc-harness explore` (issue 10): the state models' diagrams, and the
exploration of the reference peer's state machine in both roles."""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent


def dot_structure(text):
    """Nodes declared and edges drawn in a dot text, checked for the subset
    of the dot language the generator writes (no Graphviz needed)."""
    assert text.count("{") == text.count("}") and re.search(r"^digraph \"\w+\" \{", text, re.M)
    nodes = set(re.findall(r"^  (\w+) \[label=", text, re.M))
    edges = re.findall(r"^  (\w+) -> (\w+) \[label=\"([^\"]*)\"", text, re.M)
    for line in text.splitlines()[1:]:
        if line.strip() and not line.startswith("//"):
            # every attribute string is closed on its line
            assert len(re.findall(r'(?<!\\)"', line)) % 2 == 0, line
    return nodes, edges


def test_model_diagrams_are_drawn_from_the_models(run):
    """docs/model/*.dot is what `explore --model-dot` writes (make model-docs):
    the diagrams cannot drift from the models."""
    for role in ("responder", "initiator"):
        r = run("explore", "--model-dot", role)
        assert r.returncode == 0, r.stderr
        assert r.stdout == (ROOT / "docs/model" / f"{role}.dot").read_text(), \
            f"docs/model/{role}.dot is stale: run make model-docs"
        nodes, edges = dot_structure(r.stdout)
        model = (ROOT / "harness/explore" / f"model_{role}.yaml").read_text()
        states = re.search(r"^states:\n((?:  .*\n)+)", model, re.M).group(1)
        assert nodes == set(re.findall(r"^  (\w+):", states, re.M))
        assert all(a in nodes and b in nodes for a, b, _ in edges)
    r = run("explore", "--model-dot", "both")
    assert r.returncode == 2

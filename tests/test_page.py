"""The results page's landing view (issue 18 items 1 and 4), rendered by headless
Chromium: a one-line verdict, the failures grouped by cause, search, deep links by
scenario id that survive a change of the scenario set, keyboard reachability, failing
names inside the cells, expected vs received values, and `run --compare`.

What the page should show is computed here from the JSON reports with rules of this
file (what fails a run, a search match, which jobs got worse), not read back from the
page's own code; the MAC values come from RFC 9529 (vectors/rfc9529-trace2.json)."""
import html.parser
import json

import pytest

from test_matrix import render
from test_run import REFERENCE, ROOT, run_suite, with_fault

PEER = "reference"
A_PATHS = [ROOT / "scenarios/rfc9528/5.4.3", ROOT / "scenarios/interop/rfc9529-trace-2.yaml"]
# B adds scenarios whose ids sort before those of A: the same result has another
# position in the cell, so only a link by id finds it on both pages
B_PATHS = [ROOT / "scenarios/rfc9528/5.3.3", ROOT / "scenarios/rfc9528/5.4.1", *A_PATHS]
WRONG_MAC_3 = "rfc9528/5.4.3/wrong-mac-3"


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.walk()

    def find(self, pred):
        return [n for n in self.walk() if pred(n)]

    def by_id(self, ident):
        found = self.find(lambda n: n.attrs.get("id") == ident)
        assert len(found) == 1, (ident, len(found))
        return found[0]

    def has_class(self, cls):
        return cls in (self.attrs.get("class") or "").split()


class Tree(html.parser.HTMLParser):
    VOID = {"meta", "link", "br", "img", "input", "hr", "col", "source", "wbr"}

    def __init__(self, text):
        super().__init__()
        self.root = self.cur = Node("#root", {}, None)
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        n = Node(tag, dict(attrs), self.cur)
        self.cur.children.append(n)
        if tag not in self.VOID:
            self.cur = n

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def dom(tmp_path, page, fragment=""):
    """The page after its script ran, as a tree (render() checks Chromium's exit)."""
    d = render(tmp_path, page, fragment)
    return Tree(d.raw).root


def fails_run(r):
    """What fails a run without --strict (README, "Exit codes")."""
    return r["verdict"] in ("error", "xpass") or (r["verdict"] == "fail" and r["level"] == "MUST")


def matches(r, q):
    q = q.lower()
    return any(q in (r.get(k) or "").lower() for k in ("id", "title", "requirements", "message"))


@pytest.fixture(scope="module")
def pages(harness, tmp_path_factory):
    """A: the healthy reference peer on A_PATHS; B: the reference peer with a wrong
    MAC_2 on B_PATHS, compared with A. Each with its page."""
    out = {}
    for name, text, paths, extra in (("a", REFERENCE, A_PATHS, ()),
                                      ("b", with_fault("wrong-mac-2"), B_PATHS, ("--compare",))):
        d = tmp_path_factory.mktemp(name)
        args = ["-j", "2", "--html", str(d / "page.html")]
        if extra:
            args += ["--compare", str(out["a"]["dir"] / "results.json")]
        r, results, _ = run_suite(harness, d, text, *args, paths=paths)
        assert r.returncode == (0 if name == "a" else 1), r.stdout + r.stderr
        out[name] = {"dir": d, "page": d / "page.html", "results": results, "stdout": r.stdout}
    return out


def responder_cell(results):
    return [r for r in results if r["iut_role"] == "responder"]


@pytest.mark.plain_only
def test_landing_view_leads_with_the_grouped_failures(pages, tmp_path):
    """The landing sections are there whatever the link opens (one render: Chromium
    is the costly part); this one opens a result with a wrong MAC_2, whose expected
    value is RFC 9529's MAC_2 and whose received one differs in the bit the fault flips."""
    b = pages["b"]
    results = b["results"]
    root = dom(tmp_path, b["page"], "#id=interop/rfc9529-trace-2&role=responder")
    check_wrong_mac(root)

    # the one-line verdict of the run
    ran = [r for r in results if r["verdict"] != "skipped"]
    failing = [r for r in results if fails_run(r)]
    assert len(failing) >= 5 and len(ran) > len(failing)
    line = root.by_id("verdict-line")
    assert line.attrs["data-verdict"] == "FAIL"
    assert line.text().startswith(f"FAIL: {len(failing)} of {len(ran)} jobs fail the run"), \
        line.text()

    # the failures, grouped by fingerprint, largest group first, without a click
    want = {}
    for r in failing:
        assert r["fingerprint"], r
        want.setdefault(r["fingerprint"], set()).add((r["id"], r["iut_role"]))
    groups = root.by_id("groups").find(lambda n: n.tag == "li" and "data-fingerprint" in n.attrs)
    got = {}
    for g in groups:
        links = g.find(lambda n: n.tag == "a" and "data-id" in n.attrs)
        roles = [a.parent.text().rsplit("(IUT ", 1)[1].rstrip(")") for a in links]
        got[g.attrs["data-fingerprint"]] = {(a.attrs["data-id"], role)
                                            for a, role in zip(links, roles)}
        assert int(g.attrs["data-count"]) == len(links)
        for a in links:  # each scenario is a deep link by id
            assert a.attrs["href"] == (f"#cell=peer%3A{PEER}%3A{a.parent.text().rsplit('(IUT ', 1)[1].rstrip(')')}"
                                       f"&id={a.attrs['data-id'].replace('/', '%2F')}")
    assert got == want
    sizes = [int(g.attrs["data-count"]) for g in groups]
    assert sizes == sorted(sizes, reverse=True)
    first = groups[0].find(lambda n: n.tag == "details")[0]
    assert "open" in first.attrs  # the largest cause is open: no click needed
    assert root.by_id("failures-title").text() == \
        f"What failed: {len(failing)} jobs, {len(want)} causes"

    # failing scenario names inside the matrix cell, in order, at most six
    cell = root.find(lambda n: n.attrs.get("data-cell") == f"peer:{PEER}:responder")[0]
    listed = [n.attrs["data-id"] for n in cell.find(lambda n: n.tag == "li" and "data-id" in n.attrs)]
    cell_failing = [r["id"] for r in responder_cell(results) if fails_run(r)]
    assert listed == cell_failing[:6]
    if len(cell_failing) > 6:
        assert f"and {len(cell_failing) - 6} more" in cell.text()

    # keyboard: every cell is focusable and acts as a button; console labels
    cells = root.find(lambda n: n.tag == "td" and "data-cell" in n.attrs)
    assert cells and all(c.attrs.get("tabindex") == "0" and c.attrs.get("role") == "button"
                         for c in cells)
    legend = root.by_id("legend").text()
    assert "non-strict" in legend and "nonstrict" not in legend

    # run --compare: the jobs that got worse and those newly run, from the two reports
    old = {(r["id"], r["iut_role"]): r for r in pages["a"]["results"]}
    new_failures = {(r["id"], r["iut_role"]) for r in failing
                    if (r["id"], r["iut_role"]) not in old
                    or not fails_run(old[(r["id"], r["iut_role"])])}
    newly_run = {(r["id"], r["iut_role"]) for r in ran
                 if (r["id"], r["iut_role"]) not in old and not fails_run(r)}
    assert new_failures and newly_run

    def listed_in(category):
        uls = root.by_id("compare").find(lambda n: n.tag == "ul" and
                                         n.attrs.get("data-category") == category)
        if not uls:
            return set()
        items = uls[0].find(lambda n: n.tag == "li")
        return {(li.children[0].text(), li.text().split("(IUT ")[1].split(")")[0])
                for li in items}

    assert listed_in("new_failures") == new_failures
    assert listed_in("newly_run") == newly_run
    assert "compare: with the run of " in b["stdout"]
    assert f"compare: new failure: {WRONG_MAC_3} (IUT responder)" in b["stdout"]


def check_wrong_mac(root):
    """The result opened by #id=interop/rfc9529-trace-2&role=responder: expected vs
    received, the differing byte marked, the result's own link."""
    vec = json.loads((ROOT / "vectors/rfc9529-trace2.json").read_text())
    mac_2 = vec["mac_2"]
    box = root.by_id("result")
    assert box.attrs["data-result-id"] == "interop/rfc9529-trace-2"
    table = box.find(lambda n: n.tag == "table" and n.has_class("mismatch"))[0]
    assert table.attrs["data-field"] == "Signature_or_MAC_2"
    rows = {tr.attrs["data-row"]: tr for tr in table.find(lambda n: n.tag == "tr")}
    expected = rows["expected"].find(lambda n: n.tag == "td")[0].text()
    received = rows["received"].find(lambda n: n.tag == "td")[0].text()
    assert expected == mac_2
    diff = int(expected, 16) ^ int(received, 16)
    assert len(received) == len(expected) and bin(diff).count("1") == 1
    # the differing byte is marked, in both rows
    marked = [m.text() for m in rows["received"].find(lambda n: n.tag == "mark")]
    at = [i for i in range(0, len(mac_2), 2) if mac_2[i:i + 2] != received[i:i + 2]]
    assert marked == [received[i:i + 2] for i in at]
    perma = box.by_id("permalink")
    assert perma.attrs["href"] == f"#cell=peer%3A{PEER}%3Aresponder&id=interop%2Frfc9529-trace-2"


@pytest.mark.plain_only
def test_search_and_a_link_by_id_that_survives_another_scenario_set(pages, tmp_path):
    """Page B with a search and a result opened by id; page A (another scenario set,
    where the same result has another position) with the same link."""
    results = pages["b"]["results"]
    q = "Wrong-MAC-3"  # any case
    link = f"#cell=peer:{PEER}:responder&id={WRONG_MAC_3}"
    root = dom(tmp_path, pages["b"]["page"], f"{link}&q={q}")
    groups = root.by_id("groups").find(lambda n: n.tag == "a" and "data-id" in n.attrs)
    want = {r["id"] for r in results if fails_run(r) and matches(r, q)}
    assert want and {a.attrs["data-id"] for a in groups} == want
    cell = root.find(lambda n: n.attrs.get("data-cell") == f"peer:{PEER}:responder")[0]
    assert int(cell.attrs["data-total"]) == len([r for r in responder_cell(results)
                                                 if matches(r, q)])
    rows = root.by_id("results-list").find(lambda n: n.tag == "tr" and "data-id" in n.attrs)
    assert {r.attrs["data-id"] for r in rows} == {r["id"] for r in responder_cell(results)
                                                  if matches(r, q)}
    assert all(r.attrs.get("tabindex") == "0" for r in rows)  # rows reachable by keyboard

    positions = []
    for name, page_root in (("b", root), ("a", None)):
        cell = responder_cell(pages[name]["results"])
        positions.append([r["id"] for r in cell].index(WRONG_MAC_3))
        page_root = page_root or dom(tmp_path, pages[name]["page"], link)
        box = page_root.by_id("result")
        assert box.attrs["data-result-id"] == WRONG_MAC_3, name
        want_v = [r for r in cell if r["id"] == WRONG_MAC_3][0]["verdict"]
        assert box.attrs["data-verdict"] == want_v
    assert positions[0] != positions[1]  # a link by position would open another result

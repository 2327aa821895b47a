"""`edhoc-harness vectors render` (issue 17 item 3): a vector file in RFC 9529's
presentation. Rendering the two RFC 9529 traces reproduces every value block of RFC 9529
Sections 2 and 3 in the RFC's order and layout: tests/rfc9529_blocks.json holds those
blocks as the RFC shows them (description line, name, kind, byte count, hex lines),
extracted from the RFC's source (draft-ietf-lake-traces-09), not produced by this
harness."""
import json
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
RFC = json.loads((ROOT / "tests/rfc9529_blocks.json").read_text())["blocks"]
TITLES = {"message_1 (first time)", "error", "message_1", "message_1 (second time)",
          "message_2", "message_3", "message_4", "PRK_out and PRK_exporter",
          "OSCORE Parameters", "Key Update"}


def rendered_blocks(run, path):
    r = run("vectors", "render", path, "--format", "json")
    assert r.returncode == 0, r.stderr
    out = []
    for sec in json.loads(r.stdout)["sections"]:
        for b in sec["blocks"]:
            out.append({"section": sec["title"], **b})
    return out


@pytest.mark.parametrize("trace", [1, 2])
def test_every_rfc_value_block_in_the_rfcs_order(run, trace):
    """Each block of the RFC, in order, is a block of the rendering (same section,
    description, name, kind, length and bytes); the rendering may show more values than
    the RFC (G_XY, a raw C_R of an int-encoded identifier, ...) between them."""
    ours = rendered_blocks(run, ROOT / f"vectors/rfc9529-trace{trace}.json")
    want = [b for b in RFC if b["trace"] == trace]
    assert len(want) > 90
    at = 0
    for b in want:
        key = (b["section"], b["description"], b["name"], b["kind"], b["length"],
               "".join(b["lines"]).replace(" ", ""))
        while at < len(ours) and (ours[at]["section"], ours[at].get("description"),
                                  ours[at]["name"], ours[at]["kind"], ours[at]["length"],
                                  ours[at]["hex"]) != key:
            at += 1
        assert at < len(ours), f"RFC block not rendered in order: {key[:5]}"
        at += 1


def lines_23(b):
    """The block's bytes laid out as RFC 9529 lays them out: 23 a line."""
    pairs = " ".join(b["lines"]).split()
    return [" ".join(pairs[i:i + 23]) for i in range(0, len(pairs), 23)]


def test_one_rfc_block_breaks_its_own_layout():
    """RFC 9529 lays out hex 23 bytes a line, except the CBOR MAC_3 of trace 1 (24 bytes on
    its first line): the rendering keeps to the rule there, and this test keeps the list
    of such exceptions at that one."""
    odd = [(b["trace"], b["name"], b["kind"]) for b in RFC if b["lines"] != lines_23(b)]
    assert odd == [(1, "MAC_3", "CBOR Data Item")]


@pytest.mark.parametrize("trace", [1, 2])
def test_the_text_layout_is_the_rfcs(run, trace):
    """In the rfc9529 format each RFC block appears verbatim, in order: its description
    line, "NAME (KIND) (N bytes)" ("1 byte" for one), and lower-case hex pairs 23 to a
    line; each section starts with its title."""
    r = run("vectors", "render", ROOT / f"vectors/rfc9529-trace{trace}.json")
    assert r.returncode == 0, r.stderr
    text = r.stdout
    at = 0
    for b in (x for x in RFC if x["trace"] == trace):
        head = f"{b['name']} ({b['kind']}) ({b['length']} byte{'' if b['length'] == 1 else 's'})"
        chunk = "\n".join(([b["description"]] if b["description"] else []) + [head] +
                          lines_23(b))
        found = text.find(chunk + "\n", at)
        assert found >= 0, f"not found after offset {at}:\n{chunk}"
        at = found + len(chunk)
    titles = [line for line in text.splitlines() if line in TITLES]
    assert titles[0] == ("message_1" if trace == 1 else "message_1 (first time)"), titles
    assert "Key Update" in titles
    # the diagnostic notation follows the messages
    assert "    diagnostic: 0, 0, h'31f82c7b5b9cbbf0f194d913cc12ef1532d328ef32632a4881a1c0701e237f04', -14" \
        in text if trace == 1 else "    diagnostic: 3, [6, 2]" in text, text[:2000]


def test_markdown_and_other_files(run, tmp_path):
    """markdown: headings and ~~~~ blocks; a negative vector gets its invalid message in a
    section of its own; a generated file's values outside the RFC's table (the exporter,
    the y-coordinates) follow in "Other values"."""
    r = run("vectors", "render", ROOT / "vectors/rfc9529-trace2.json", "--format", "markdown")
    assert r.returncode == 0 and "## message_1 (first time)\n\n~~~~~~~~\nMETHOD (CBOR Data Item) " \
        "(1 byte)\n03\n~~~~~~~~\n" in r.stdout, r.stdout[:500]
    r = run("vectors", "render", ROOT / "vectors/negative/trace1/neg-ead.json")
    assert r.returncode == 0 and "\nInvalid message\n\ninvalid message (CBOR Sequence)" in r.stdout
    assert "reason: unknown critical EAD item" in r.stdout
    gen = tmp_path / "g.json"
    assert run("vectors", "generate", "--method", "1", "--suite", "24", "--cred-i", "x5chain",
               "--cred-r", "kccs", "--seed", "3", "--out", gen).returncode == 0
    r = run("vectors", "render", gen)
    assert r.returncode == 0 and "\nOther values\n" in r.stdout
    assert "G_X, 'y'-coordinate (Raw Value) (48 bytes)" in r.stdout
    assert "Initiator's ephemeral public key, 'x'-coordinate\nG_X (Raw Value) (48 bytes)" in \
        r.stdout
    assert "exporter_label = 32768" in r.stdout
    r = run("vectors", "render", gen, "--format", "yaml")
    assert r.returncode == 2
    r = run("vectors", "render", tmp_path / "missing.json")
    assert r.returncode == 2

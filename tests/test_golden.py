"""Golden verdicts: a change that moves any labelled reply's verdict fails with a readable list of what moved.

Update the files with `make golden` (python bench/golden.py --write) when the move is meant, and say why in
the commit. Two absurd insult patterns once moved nine clean replies to "violation" with every other test green.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from coachbot.content.models import RedFlag
from coachbot.grading.golden import example_items, labelled_set, moved, parse, verdicts

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
GOLDEN = ROOT / "tests" / "golden"
SETS = ["examples", *(p.stem for p in sorted(DATA.glob("*.yaml")))]


def test_every_labelled_set_has_a_golden_file():
    assert sorted(p.stem for p in GOLDEN.glob("*.tsv")) == sorted(SETS)


@pytest.mark.parametrize("name", SETS)
def test_no_verdict_moved(name, library):
    items = example_items(library) if name == "examples" else labelled_set(DATA / f"{name}.yaml")
    lines = moved(parse((GOLDEN / f"{name}.tsv").read_text(encoding="utf-8")), verdicts(library, name, items))
    assert not lines, f"{len(lines)} verdicts moved in {name} (run `make golden` if meant):\n" + "\n".join(lines)


def test_an_absurd_pattern_shows_as_moved_verdicts_with_the_words(library):
    """The reviewer's 笔交易 / 收款卡 'insults': the golden diff names each clean reply they would have failed."""
    absurd = RedFlag(id="absurd", category="insult", label="x", rule="x", patterns=("笔交易", "收款卡"))
    broken = replace(library, shared=replace(library.shared, red_flags=(*library.shared.red_flags, absurd)))
    items = labelled_set(DATA / "grader-G1.yaml")
    before = parse((GOLDEN / "grader-G1.tsv").read_text(encoding="utf-8"))
    lines = moved(before, verdicts(broken, "grader-G1", items))
    assert lines and all("+absurd" in line and "categories +insult" in line for line in lines)
    assert any("no longer passes" in line for line in lines)

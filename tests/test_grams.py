"""Necessary grams and probes (coachbot/grading/grams.py, flags.Probe): shortcuts that must never change a verdict."""

from __future__ import annotations

import random
import re
from dataclasses import replace

import pytest

from coachbot.content.models import RedFlag
from coachbot.grading.flags import PROBE_SIZE, compile_flag
from coachbot.grading.golden import labelled_set
from coachbot.grading.grader import compiled
from coachbot.grading.grams import grams, necessary
from coachbot.grading.prepared import prepare
from tests.test_golden import DATA


@pytest.mark.parametrize(("patterns", "gate"), [
    (("坐牢",), {"坐牢"}),
    (("(法院|律师)来",), {"法院", "律师"}),
    (("[叫让]你家人",), {"你家"}),                    # one pair, not the two of 叫你/让你
    (("(到|直到)你家",), {"你家"}),
    (("(?:就|会)?起诉",), {"起诉"}),                  # an optional group requires nothing
    (("起\\b诉",), {"起诉"}),                          # zero width: the two stay adjacent
    (("上门.{0,4}找",), {"上门"}),
])
def test_the_gate_of_a_pattern(patterns, gate):
    assert necessary(patterns) == gate


@pytest.mark.parametrize("pattern", [
    "(你|)(家|)",        # empty branches: the pattern can match the empty string
    "(?i)ab",            # case-folded: a gate on exact grams would miss "AB"
    ".{2,}",
    "[^你]+",
    "\\p{Han}",          # a construct re does not read
])
def test_no_gate_where_a_pattern_needs_nothing_certain(pattern):
    assert necessary((pattern,)) is None


def _random_pattern(rng: random.Random, depth: int = 0) -> str:
    """A small pattern over a four-letter alphabet with the constructs content uses."""
    parts = []
    for _ in range(rng.randint(1, 4)):
        kind = rng.random()
        if kind < 0.35 or depth > 2:
            parts.append(rng.choice("ab不还"))
        elif kind < 0.5:
            parts.append("[" + "".join(rng.sample("ab不还", rng.randint(1, 3))) + "]")
        elif kind < 0.65:
            parts.append("(?:" + "|".join(_random_pattern(rng, depth + 1) for _ in range(rng.randint(1, 3))) + ")")
        elif kind < 0.8:
            parts.append("(?:" + _random_pattern(rng, depth + 1) + ")" + rng.choice(["?", "*", "+", "{1,2}", "{0,2}"]))
        elif kind < 0.9:
            parts.append(rng.choice([".", "(?=a)", "(?!b)", "\\b", "[^a]", ".{0,2}"]))
        else:
            parts.append(rng.choice(["(?:)", "(?:a|)"]))
    return "".join(parts)


def test_a_gate_never_rules_out_a_text_its_pattern_matches():
    """Thousands of random patterns against random texts: a match always holds one of the gate's grams."""
    rng = random.Random(20261207)
    texts = ["".join(rng.choice("ab不还|x") for _ in range(rng.randint(0, 12))) for _ in range(300)]
    checked = gated = 0
    for _ in range(3000):
        pattern = _random_pattern(rng)
        gate = necessary((pattern,))
        compiled = re.compile(pattern)
        for text in texts:
            if compiled.search(text):
                checked += 1
                if gate is not None:
                    gated += 1
                    assert not gate.isdisjoint(grams(text)), (pattern, text, sorted(gate))
    assert checked > 10_000 and gated > 5_000   # the property was exercised, gates included


def test_a_large_flag_is_searched_in_gated_probes_with_the_same_verdicts(library):
    """The flag with the most patterns, with and without its gate and probes, on two writers' replies."""
    flag = max(library.shared.red_flags, key=lambda f: len(f.patterns))
    fast = compile_flag(flag, shipped=True)
    slow = replace(fast, probes=(), gate=None)
    assert len(fast.probes) >= len(flag.patterns) // PROBE_SIZE > 1
    assert fast.gate is not None and all(p.gate is not None for p in fast.probes)
    replies = [prepare(text) for name in ("grader-G1", "grader-G20") for _, _, text in labelled_set(DATA / f"{name}.yaml")]
    found = [(fast.find(r), slow.find(r)) for r in replies]
    assert all(a == b for a, b in found)
    assert sum(a is not None for a, _ in found) >= 5   # it did match some replies
    ruled_out = sum(fast.gate.isdisjoint(r.grams) for r in replies)
    assert ruled_out > 0


def test_a_teams_flag_runs_without_gates_read_from_re():
    """A team's patterns run on ``regex``, which reads ``[[:digit:]]`` as a class: no gate from ``re``'s parser."""
    flag = RedFlag(id="team-x", category="threat", label="x", rule="x", patterns=("打[[:digit:]]+次",))
    compiled = compile_flag(flag)
    assert compiled.gate is None
    assert compiled.find(prepare("我一天给你打10次")) is not None


def test_a_shared_flag_compiles_once_for_every_rubric(library):
    a, b = list(library.challenges.values())[:2]
    shared_a = compiled(a, library.shared).flags[:len(library.shared.red_flags)]
    shared_b = compiled(b, library.shared).flags[:len(library.shared.red_flags)]
    assert all(x is y for x, y in zip(shared_a, shared_b, strict=True))

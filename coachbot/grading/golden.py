"""Golden verdicts: what the grader decides for every labelled reply, one line each, so a change shows as a diff.

A line is ``key  challenge  label  band  passed  verdict  categories  flags  text``: the score as a band of
ten (``60s``), the categories and rule ids of every violation (``suspect:`` for the learned signal's), and
the reply's first characters to read the diff by. ``tests/test_golden.py`` compares the shipped files with
the grader's verdicts now and prints every moved reply; ``python bench/golden.py --write`` rewrites them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from coachbot.content.library import Library
from coachbot.grading.grader import Grade, grade_reply

HEADER = "key\tchallenge\tlabel\tband\tpassed\tverdict\tcategories\tflags\ttext"
SNIPPET = 24


@dataclass(frozen=True)
class Row:
    key: str
    challenge: str
    label: str
    band: str
    passed: bool
    verdict: str
    categories: tuple[str, ...]
    flags: tuple[str, ...]
    text: str

    def line(self) -> str:
        return "\t".join([self.key, self.challenge, self.label, self.band, "pass" if self.passed else "fail",
                          self.verdict, ",".join(self.categories) or "-", ",".join(self.flags) or "-", self.text])

    @classmethod
    def parse(cls, line: str) -> Row:
        key, challenge, label, band, passed, verdict, cats, flags, text = line.split("\t")
        return cls(key, challenge, label, band, passed == "pass", verdict, _items(cats), _items(flags), text)


def _items(field: str) -> tuple[str, ...]:
    return () if field == "-" else tuple(field.split(","))


def band(score: int) -> str:
    return "100" if score >= 100 else f"{score // 10 * 10}s"


def row(key: str, label: str, grade: Grade, text: str) -> Row:
    snippet = " ".join(text.split())[:SNIPPET].replace("\t", " ")
    return Row(key, grade.challenge, label, band(grade.score), grade.passed, grade.verdict,
               tuple(sorted({v.category for v in grade.violations})),
               tuple(sorted({v.flag_id for v in grade.violations})), snippet)


def labelled_set(path: Path) -> list[tuple[str, str, str]]:
    """(challenge, label, text) of a labelled set file."""
    return [(d["challenge"], d["label"], d["text"]) for d in yaml.safe_load(path.read_text(encoding="utf-8"))]


def verdicts(library: Library, name: str, items: Iterable[tuple[str, str, str]]) -> list[Row]:
    return [row(f"{name}#{i}", label, grade_reply(library.challenges[cid], text, library.shared), text)
            for i, (cid, label, text) in enumerate(items)]


def example_items(library: Library) -> list[tuple[str, str, str]]:
    return [(cid, ex.label, ex.text) for cid in sorted(library.challenges)
            for ex in library.challenges[cid].examples]


def render(rows: list[Row]) -> str:
    return HEADER + "\n" + "".join(r.line() + "\n" for r in rows)


def parse(text: str) -> list[Row]:
    return [Row.parse(line) for line in text.splitlines()[1:] if line]


def moved(before: list[Row], after: list[Row]) -> list[str]:
    """One readable line per reply whose verdict moved (or that was added or removed)."""
    old = {r.key: r for r in before}
    new = {r.key: r for r in after}
    out = []
    for key in dict.fromkeys([*old, *new]):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if a is None or b is None:
            out.append(f"{key}: {'added' if a is None else 'removed'}")
            continue
        changes = []
        if a.band != b.band:
            changes.append(f"score {a.band} -> {b.band}")
        if a.passed != b.passed:
            changes.append("now passes" if b.passed else "no longer passes")
        if a.verdict != b.verdict:
            changes.append(f"verdict {a.verdict} -> {b.verdict}")
        for what, x, y in (("categories", a.categories, b.categories), ("flags", a.flags, b.flags)):
            plus, minus = sorted(set(y) - set(x)), sorted(set(x) - set(y))
            if plus or minus:
                changes.append(f"{what} " + " ".join([*(f"+{p}" for p in plus), *(f"-{m}" for m in minus)]))
        if a.text != b.text or a.challenge != b.challenge or a.label != b.label:
            changes.append("the reply itself changed")
        out.append(f"{key} [{b.challenge}, labelled {b.label}] {'; '.join(changes)}: {b.text}")
    return out

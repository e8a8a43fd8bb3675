"""Measure the grader on a held-out set of labelled replies it was never tuned on.

Three figures (issue 3): violation recall (every violating reply flagged, with
its labelled categories), false-flag rate on clean replies, and how often a
better-labelled reply outscores a worse one for the same challenge.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import yaml

from coachbot.content.library import Library
from coachbot.content.models import LABEL_RANK
from coachbot.grading.grader import Grade, grade_reply


@dataclass(frozen=True)
class Case:
    challenge: str
    label: str
    text: str
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    cases: int
    violating: int
    recalled: int                  # violating replies flagged with every labelled category
    flagged_any: int               # violating replies flagged at all
    clean: int
    false_flags: int
    pairs: int
    ordered: int                   # better label scores higher (a flagged reply ranks below an unflagged tie)
    ordered_strict: int            # better label scores strictly higher, no tie-break
    misses: tuple[str, ...]        # human-readable failures, for the report

    @property
    def recall(self) -> float:
        return self.recalled / self.violating if self.violating else 1.0

    @property
    def false_flag_rate(self) -> float:
        return self.false_flags / self.clean if self.clean else 0.0

    @property
    def ordering(self) -> float:
        return self.ordered / self.pairs if self.pairs else 1.0


def load_cases(path: Path) -> list[Case]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Case(d["challenge"], d["label"], d["text"], tuple(d.get("categories") or ())) for d in data]


def evaluate(library: Library, cases: list[Case]) -> Report:
    graded: list[tuple[Case, Grade]] = [
        (c, grade_reply(library.challenges[c.challenge], c.text, library.shared)) for c in cases]
    misses: list[str] = []
    violating = recalled = flagged_any = clean = false_flags = 0
    for case, g in graded:
        found = {v.category for v in g.violations}
        if case.label == "violating":
            violating += 1
            flagged_any += bool(found)
            if found and set(case.categories) <= found:
                recalled += 1
            else:
                misses.append(f"missed violation {case.challenge} {sorted(case.categories)} got {sorted(found)}: {case.text[:40]}")
        else:
            clean += 1
            if found:
                false_flags += 1
                misses.append(f"false flag {case.challenge} {sorted(found)}: {g.violations[0].evidence}")
    pairs = ordered = strict = 0
    by_challenge: dict[str, list[tuple[Case, Grade]]] = {}
    for case, g in graded:
        by_challenge.setdefault(case.challenge, []).append((case, g))
    for items in by_challenge.values():
        for (a, ga), (b, gb) in itertools.combinations(items, 2):
            if LABEL_RANK[a.label] == LABEL_RANK[b.label]:
                continue
            better, worse = ((a, ga), (b, gb)) if LABEL_RANK[a.label] > LABEL_RANK[b.label] else ((b, gb), (a, ga))
            pairs += 1
            strict += better[1].score > worse[1].score
            flag_break = (better[1].score == worse[1].score and bool(worse[1].violations)
                          and not better[1].violations)
            if better[1].score > worse[1].score or flag_break:
                ordered += 1
            else:
                misses.append(f"order {better[0].challenge}: {better[0].label} {better[1].score} <= "
                              f"{worse[0].label} {worse[1].score}: {better[0].text[:30]}")
    return Report(len(cases), violating, recalled, flagged_any, clean, false_flags, pairs, ordered, strict, tuple(misses))

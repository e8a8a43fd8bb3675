"""Compile rubric phrases into regular expressions over normalised text.

A phrase is plain text (normalised the same way as replies), ``re:<regex>``,
or ``@group`` naming a synonym group in the shared lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coachbot.content.models import Criterion, Shared
from coachbot.domain.text import normalize
from coachbot.grading import rx
from coachbot.grading.prepared import Prepared


def _expand(phrases: tuple[str, ...], lexicon: dict[str, tuple[str, ...]], used: set[str],
            depth: int = 0) -> list[str]:
    """The regex alternatives of ``phrases``; the synonym groups they name are added to ``used``."""
    out: list[str] = []
    for p in phrases:
        if p.startswith("@") and depth < 3:
            used.add(p[1:])
            out.extend(_expand(lexicon.get(p[1:], ()), lexicon, used, depth + 1))
        elif p.startswith("re:"):
            out.append(p[3:])
        else:
            norm = normalize(p)
            if norm:
                out.append(re.escape(norm))
    return out


def compile_phrases(phrases: tuple[str, ...], shared: Shared, source: str = "phrases", *,
                    shipped: bool = False) -> rx.Matcher | None:
    """One pattern for a list of phrases; it runs on ``re`` only if the phrases and every group they
    name are coachbot's own (see :func:`coachbot.grading.rx.compile`)."""
    used: set[str] = set()
    parts = _expand(phrases, shared.lexicon, used)
    if not parts:
        return None
    # Longer alternatives first so the quoted evidence is the most specific phrase.
    parts.sort(key=len, reverse=True)
    return rx.compile("|".join(f"(?:{p})" for p in parts), source,
                      shipped=shipped and used <= shared.shipped_groups)


@dataclass(frozen=True)
class CompiledCriterion:
    criterion: Criterion
    any: rx.Matcher | None
    all: tuple[rx.Matcher, ...]

    def match(self, reply: Prepared) -> tuple[bool, list[tuple[int, int]]]:
        """Whether the criterion is met, and the spans of ``reply.flat`` that show it."""
        spans: list[tuple[int, int]] = []
        for pattern in (self.any, *self.all) if self.any is not None else self.all:
            span = _search(pattern, reply)
            if span is None:
                return False, []
            spans.append(span)
        return True, spans


def _search(pattern: rx.Matcher, reply: Prepared) -> tuple[int, int] | None:
    """The span of ``reply.flat`` where ``pattern`` first matches; where two numbers typed apart meet in ``flat``,
    also searched with the clause breaks kept, so "尾号3306，20号还1500" shows both 20号 and 1500."""
    if m := pattern.search(reply.flat):
        return m.span()
    if reply.digits_glued and (m := pattern.search(reply.marked)):
        return reply.flat_span(*m.span())
    return None


def compile_criterion(criterion: Criterion, shared: Shared, *, shipped: bool = False) -> CompiledCriterion:
    source = f"criterion {criterion.id}"
    groups = tuple(p for g in criterion.evidence.all
                   if (p := compile_phrases(g, shared, source, shipped=shipped)) is not None)
    return CompiledCriterion(criterion, compile_phrases(criterion.evidence.any, shared, source, shipped=shipped),
                             groups)



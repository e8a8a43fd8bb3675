"""Compile rubric phrases into regular expressions over normalised text.

A phrase is plain text (normalised the same way as replies), ``re:<regex>``,
or ``@group`` naming a synonym group in the shared lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coachbot.content.models import Criterion
from coachbot.domain.text import normalize
from coachbot.grading.prepared import Prepared


def _expand(phrases: tuple[str, ...], lexicon: dict[str, tuple[str, ...]], depth: int = 0) -> list[str]:
    out: list[str] = []
    for p in phrases:
        if p.startswith("@") and depth < 3:
            out.extend(_expand(lexicon.get(p[1:], ()), lexicon, depth + 1))
        elif p.startswith("re:"):
            out.append(p[3:])
        else:
            norm = normalize(p)
            if norm:
                out.append(re.escape(norm))
    return out


def compile_phrases(phrases: tuple[str, ...], lexicon: dict[str, tuple[str, ...]]) -> re.Pattern[str] | None:
    parts = _expand(phrases, lexicon)
    if not parts:
        return None
    # Longer alternatives first so the quoted evidence is the most specific phrase.
    parts.sort(key=len, reverse=True)
    return re.compile("|".join(f"(?:{p})" for p in parts))


@dataclass(frozen=True)
class CompiledCriterion:
    criterion: Criterion
    any: re.Pattern[str] | None
    all: tuple[re.Pattern[str], ...]

    def match(self, reply: Prepared) -> tuple[bool, list[tuple[int, int]]]:
        """Whether the criterion is met, and the spans of ``reply.flat`` that show it."""
        spans: list[tuple[int, int]] = []
        if self.any is not None:
            m = self.any.search(reply.flat)
            if not m:
                return False, []
            spans.append(m.span())
        for pattern in self.all:
            m = pattern.search(reply.flat)
            if not m:
                return False, []
            spans.append(m.span())
        return True, spans


def compile_criterion(criterion: Criterion, lexicon: dict[str, tuple[str, ...]]) -> CompiledCriterion:
    groups = tuple(p for g in criterion.evidence.all if (p := compile_phrases(g, lexicon)) is not None)
    return CompiledCriterion(criterion, compile_phrases(criterion.evidence.any, lexicon), groups)



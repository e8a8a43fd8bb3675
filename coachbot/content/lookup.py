"""Find the playbook script an agent means.

Order: exact slug, then alias (both after normalisation, so Traditional,
full width, case and ``broken promise`` vs ``broken-promise`` do not matter),
then a fuzzy score that handles typos and partial phrases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

from coachbot.content.models import Script
from coachbot.domain.text import normalize

CONFIDENT = 75.0
# Filler that says nothing about the situation ("客户说…怎么办").
_FILLER = re.compile(r"怎么办|怎么处理|怎么说|怎么回|如何处理|客户|对方|债务人|的|了|说|呢|吗|啊")


def _core(text: str) -> str:
    stripped = _FILLER.sub("", text)
    return stripped or text
MARGIN = 6.0
SUGGEST_MIN = 35.0


@dataclass(frozen=True)
class LookupResult:
    match: Script | None
    suggestions: tuple[Script, ...]
    score: float = 0.0

    def as_json(self) -> dict:
        return {
            "match": self.match.id if self.match else None,
            "suggestions": [s.id for s in self.suggestions],
            "script": self.match.as_dict() if self.match else None,
        }


class ScriptIndex:
    """Normalised keys (slug, aliases, title) → script id, built once."""

    def __init__(self, scripts: dict[str, Script]) -> None:
        self.scripts = scripts
        self.exact: dict[str, str] = {}
        self.keys: list[tuple[str, str]] = []  # (normalised key, script id)
        for script in scripts.values():
            self.exact.setdefault(normalize(script.id), script.id)
        for script in scripts.values():
            for key in (*script.aliases, script.title):
                norm = normalize(key)
                if norm:
                    self.exact.setdefault(norm, script.id)
                    self.keys.append((_core(norm), script.id))
            self.keys.append((normalize(script.id), script.id))

    @staticmethod
    def _score(q: str, key: str) -> float:
        """0-100: how well ``key`` explains query ``q``.

        A key found whole inside the query scores by the share of the query it
        covers; otherwise the longest common subsequence does, provided most of
        the key is there (typos, a word added or dropped).
        """
        if q == key:
            return 100.0
        if len(key) >= 2 and key in q:
            return 72.0 + 26.0 * len(key) / len(q)
        if len(q) >= 2 and q in key:
            return 72.0 + 26.0 * len(q) / len(key)
        lcs = LCSseq.similarity(q, key)
        if lcs >= 2 and lcs / len(key) >= 0.75:
            return 50.0 + 48.0 * lcs / max(len(q), len(key))
        return fuzz.ratio(q, key) * 0.8

    def ranked(self, query: str) -> list[tuple[float, str]]:
        q = _core(normalize(query))
        if not q:
            return []
        scores: dict[str, list[float]] = {}
        for key, sid in self.keys:
            scores.setdefault(sid, []).append(self._score(q, key))
        best: dict[str, float] = {}
        for sid, values in scores.items():
            values.sort(reverse=True)
            # Several aliases agreeing is more evidence than one.
            support = sum(1 for v in values[1:4] if v >= 70.0)
            best[sid] = min(100.0, values[0] + 2.0 * support)
        return sorted(((s, sid) for sid, s in best.items()), key=lambda t: (-t[0], t[1]))

    def lookup(self, query: str, *, limit: int = 5) -> LookupResult:
        q = normalize(query)
        if not q:
            return LookupResult(None, ())
        slug = "-".join(query.strip().lower().replace("_", " ").split())
        if slug in self.scripts:
            return LookupResult(self.scripts[slug], (), 100.0)
        if q in self.exact:
            return LookupResult(self.scripts[self.exact[q]], (), 100.0)
        ranked = self.ranked(query)
        if ranked:
            top, sid = ranked[0]
            runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
            if top >= CONFIDENT and (top - runner_up >= MARGIN or top >= 95.0):
                return LookupResult(self.scripts[sid], (), top)
        suggestions = tuple(self.scripts[sid] for s, sid in ranked[:limit] if s >= SUGGEST_MIN)
        return LookupResult(None, suggestions, ranked[0][0] if ranked else 0.0)

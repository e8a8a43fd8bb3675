"""Find the playbook script an agent means, from a name or from the situation.

Mid-shift nobody types a slug: they paste what the customer said, narrate the
call, or type pinyin. So a lookup goes:

1. the exact slug, alias or title (after normalisation: Traditional, full
   width, case and ``broken promise`` vs ``broken-promise`` do not matter);
2. otherwise every script is ranked with BM25F over what it says and how it
   sounds (see :mod:`coachbot.content.ranking`): names, keywords, what
   customers say, the when-to-use line, steps and the challenges that practise
   it, weighted in that order; a phrase that *sounds* like a name (双约, ``shuangyue``,
   ``sy``) counts as one; an overdue age (逾期两天, 大半年) points at its stage;
3. the top script is the ``match`` only when it is well clear of the next one.
   Otherwise the closest scripts are ``suggestions``; when two or three are
   close (``close``), the answer puts them side by side with when to use which.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from coachbot.content.library import builtin_synonyms
from coachbot.content.models import Script
from coachbot.content.ranking import Ranker
from coachbot.domain.text import normalize

# The top score must reach CONFIDENT and be RATIO times the runner-up's to be a match.
CONFIDENT = 3.0
RATIO = 1.3
# Suggestions: at least SUGGEST_MIN and SUGGEST_SHARE of the top score; "close" when within CLOSE of it.
SUGGEST_MIN = 0.8
SUGGEST_SHARE = 0.3
CLOSE = 0.6
ALSO_SHARE = 0.5    # with a match, scripts this close are offered as suggestions too
NAME_MIN = 35.0     # a query too common to rank on offers the scripts whose names look like it, from here up
MAX_QUERY = 300     # characters of a query that are read (a whole call pasted in stays a quick lookup)


@dataclass(frozen=True)
class LookupResult:
    match: Script | None
    suggestions: tuple[Script, ...]
    score: float = 0.0
    close: bool = False   # no match because two or three scripts are about as likely: a colleague would ask which

    def as_json(self) -> dict:
        return {
            "match": self.match.id if self.match else None,
            "suggestions": [s.id for s in self.suggestions],
            "script": self.match.as_dict() if self.match else None,
        }


class ScriptIndex:
    """Everything a lookup needs, built once per library (pinyin and all); a lookup takes well under 20 ms."""

    def __init__(self, scripts: Mapping[str, Script], *, synonyms: Mapping[str, tuple[str, ...]] | None = None) -> None:
        self.scripts = dict(scripts)
        self.exact: dict[str, str] = {}
        for script in self.scripts.values():
            self.exact.setdefault(normalize(script.id), script.id)
        for script in self.scripts.values():
            for key in (*script.aliases, script.title):
                if norm := normalize(key):
                    self.exact.setdefault(norm, script.id)
        self.ranker = Ranker(self.scripts.values(), builtin_synonyms() if synonyms is None else synonyms)

    def ranked(self, query: str) -> list[tuple[float, str]]:
        """(score, script id), best first; only scripts with some evidence."""
        return self.ranker.rank(query[:MAX_QUERY])

    def lookup(self, query: str, *, limit: int = 5) -> LookupResult:
        query = query[:MAX_QUERY]
        q = normalize(query)
        if not q:
            return LookupResult(None, ())
        slug = "-".join(query.strip().lower().replace("_", " ").split())
        if slug in self.scripts:
            return LookupResult(self.scripts[slug], (), 100.0)
        if q in self.exact:
            return LookupResult(self.scripts[self.exact[q]], (), 100.0)
        ranked = self.ranked(query)
        if not ranked or ranked[0][0] < SUGGEST_MIN:
            named = [sid for score, sid in self.ranker.by_name(query)[:limit] if score >= NAME_MIN]
            return LookupResult(None, tuple(self.scripts[s] for s in named), ranked[0][0] if ranked else 0.0)
        top, sid = ranked[0]
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        if top >= CONFIDENT and top >= RATIO * runner_up:
            also = tuple(self.scripts[s] for score, s in ranked[1:4] if score >= max(SUGGEST_MIN, ALSO_SHARE * top))
            return LookupResult(self.scripts[sid], also, top)
        floor = max(SUGGEST_MIN, SUGGEST_SHARE * top)
        found = [(score, s) for score, s in ranked[:limit] if score >= floor]
        close = 2 <= sum(1 for score, _ in found if score >= CLOSE * top) <= 3
        return LookupResult(None, tuple(self.scripts[s] for _, s in found), top, close=close)

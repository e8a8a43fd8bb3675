"""Content items as frozen values. Built by :mod:`coachbot.content.schema`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

TOPICS = (
    "principles", "listening", "expression", "emotion", "customer-types", "stages",
    "hard-cases", "compliance", "negotiation", "psychology", "self-care", "workflow",
)
STAGES = ("early", "mid", "late", "any")
STAGE_LABELS = {"early": "早期（逾期1-5天）", "mid": "中期（逾期6-18天）", "late": "后期（逾期19天以上）", "any": "通用"}
CATEGORIES = (
    "threat", "insult", "impersonation", "third-party-disclosure",
    "false-consequence", "harassment", "debt-inducement",
)
LABELS = ("excellent", "adequate", "weak", "violating")
LABEL_RANK = {"violating": 0, "weak": 1, "adequate": 2, "excellent": 3}


@dataclass(frozen=True)
class Tip:
    id: str
    title: str
    body: str
    try_today: str
    tags: tuple[str, ...]
    source: str
    path: Path | None = None


@dataclass(frozen=True)
class Step:
    move: str
    say: tuple[str, ...]


@dataclass(frozen=True)
class Avoid:
    say: str
    rule: str


@dataclass(frozen=True)
class Script:
    id: str
    title: str
    aliases: tuple[str, ...]
    stage: str
    tags: tuple[str, ...]
    when: str
    steps: tuple[Step, ...]
    avoid: tuple[Avoid, ...]
    related: tuple[str, ...]
    source: str = ""
    path: Path | None = None
    # For /script only (never shown): words agents use for the situation, and what customers say in it.
    keywords: tuple[str, ...] = ()
    says: tuple[str, ...] = ()
    # The challenges practising this script, as (customer line, title, situation); filled in when the
    # library loads (see ``coachbot.content.library.link_cases``).
    cases: tuple[tuple[str, str, str], ...] = field(default=(), compare=False)

    def as_dict(self) -> dict:
        return {
            "id": self.id, "title": self.title, "aliases": list(self.aliases),
            "stage": self.stage, "tags": list(self.tags), "when": self.when,
            "steps": [{"move": s.move, "say": list(s.say)} for s in self.steps],
            "avoid": [{"say": a.say, "rule": a.rule} for a in self.avoid],
            "related": list(self.related), "source": self.source,
        }


@dataclass(frozen=True)
class Evidence:
    """Phrases (or ``re:`` patterns) that show a criterion is met.

    Met when one ``any`` phrase matches (if any are given) and every ``all``
    group has a matching phrase.
    """

    any: tuple[str, ...] = ()
    all: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    points: int
    evidence: Evidence
    feedback: str
    critical: bool = False


@dataclass(frozen=True)
class RedFlag:
    id: str
    category: str
    label: str
    rule: str
    patterns: tuple[str, ...]
    unless: tuple[str, ...] = ()
    threatening: bool = False   # a match is also a threat: the step it announces is pressure in itself
    shipped: bool = False       # from coachbot's own content (see ``Shared.shipped_groups``)


@dataclass(frozen=True)
class Example:
    label: str
    text: str
    band: tuple[int, int]
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Challenge:
    id: str
    title: str
    tags: tuple[str, ...]
    difficulty: int
    stage: str
    situation: str
    customer_says: str
    model_answer: str
    criteria: tuple[Criterion, ...]
    red_flags: tuple[RedFlag, ...]
    examples: tuple[Example, ...]
    pass_score: int = 60
    source: str = ""
    path: Path | None = None

    @property
    def max_points(self) -> int:
        return sum(c.points for c in self.criteria)


@dataclass(frozen=True)
class Shared:
    """Data shared by every challenge: red-flag catalogue and synonym groups."""

    red_flags: tuple[RedFlag, ...] = ()
    lexicon: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Synonym groups last defined by coachbot's own content. Shipped content is tested with the product, so
    # its patterns run on the faster ``re``; a team's own run under the grading time budget.
    shipped_groups: frozenset[str] = frozenset()

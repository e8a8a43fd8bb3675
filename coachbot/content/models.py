"""Content items as frozen values. Built by :mod:`coachbot.content.schema`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
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
# Citations: how binding a cited rule is, and whether it may be cited at all.
BINDINGS = ("law", "regulation", "national_standard", "self_regulation", "company_policy", "us_comparison")  # strongest first
STATUSES = ("in_force", "superseded", "unverified")
SOURCE_KINDS = ("official", "official-database-mirror", "secondary-copy", "news-report", "internal", "none")
LABEL_RANK = {"violating": 0, "weak": 1, "adequate": 2, "excellent": 3}


@dataclass(frozen=True)
class Citation:
    """One citable provision (instrument + article/paragraph/item), as the registry records it.

    ``status`` says whether it may be cited as binding (``in_force`` only); ``binding`` how binding it is
    (law ... company policy, or a US rule quoted for comparison); ``verified_on`` when someone last read
    ``quote`` in ``source``.
    """

    id: str
    title: str
    short_title: str
    issuer: str
    doc_number: str
    version: str
    effective: date | None
    article: str
    paragraph: str
    item: str
    quote: str
    source: str
    source_kind: str
    verified_on: date
    status: str
    binding: str
    jurisdiction: str = "cn"
    superseded_by: str = ""
    note: str = ""
    path: Path | None = None
    line: int = 1                # of ``verified_on``, for validate's messages
    key: str = ""                # e.g. ``entries.3``


@dataclass(frozen=True)
class Registry:
    """Every citation by id, and the label shown before a citation of each binding level ("" for none)."""

    entries: dict[str, Citation] = field(default_factory=dict)
    levels: dict[str, str] = field(default_factory=dict)

    def get(self, citation_id: str) -> Citation | None:
        return self.entries.get(citation_id)


@dataclass(frozen=True)
class Tip:
    id: str
    title: str
    body: str
    try_today: str
    tags: tuple[str, ...]
    source: str
    path: Path | None = None
    cites: tuple[str, ...] = ()
    basis: str = ""              # the cited provisions, rendered from the registry ("" without cites)


@dataclass(frozen=True)
class Step:
    move: str
    say: tuple[str, ...]


@dataclass(frozen=True)
class Avoid:
    say: str
    rule: str                    # as shown: the principle followed by its rendered citations
    cites: tuple[str, ...] = ()
    principle: str = ""          # the rule as written in the file


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
            "avoid": [{"say": a.say, "rule": a.rule, "cites": list(a.cites)} for a in self.avoid],
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
class Fixtures:
    """A rule's own test sentences: ``match`` must set it off (a criterion met, a red flag raised), ``no_match``
    must not. ``where`` and the line numbers say where each sentence is written, for ``coachbot validate``."""

    match: tuple[str, ...] = ()
    no_match: tuple[str, ...] = ()
    where: str = ""
    match_lines: tuple[int, ...] = ()
    no_match_lines: tuple[int, ...] = ()
    line: int = 0                # the rule's own line (where a missing ``examples`` is reported)
    field: str = ""              # the rule's field path, e.g. ``rubric.criteria.2``

    def __bool__(self) -> bool:
        return bool(self.match or self.no_match)


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    points: int
    evidence: Evidence
    feedback: str                # as shown: the hint followed by its rendered citations, if any
    critical: bool = False
    cites: tuple[str, ...] = ()
    examples: Fixtures = Fixtures()


@dataclass(frozen=True)
class RedFlag:
    id: str
    category: str
    label: str
    rule: str
    patterns: tuple[str, ...]
    unless: tuple[str, ...] = ()
    unless_before: tuple[str, ...] = ()   # lawful context in the clause just before ("开个自动还款，从工资卡里扣")
    threatening: bool = False   # a match is also a threat: the step it announces is pressure in itself
    shipped: bool = False       # from coachbot's own content (see ``Shared.shipped_groups``)
    cites: tuple[str, ...] = ()  # registry ids; ``rule`` is the principle followed by their rendering
    also: tuple[str, ...] = ()   # other categories every match breaks too (a visit announced is harassment and threat)
    with_other: bool = False    # counts only in a reply that breaks another rule (a laughing emoji under a threat mocks)
    examples: Fixtures = Fixtures()


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
class FixedRule:
    """A rule the grader quotes on its own account: a label and the rule, citations rendered."""

    label: str = ""
    rule: str = ""
    cites: tuple[str, ...] = ()


@dataclass(frozen=True)
class Shared:
    """Data shared by every challenge: red-flag catalogue, synonym groups and the citations registry."""

    red_flags: tuple[RedFlag, ...] = ()
    lexicon: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Synonym groups last defined by coachbot's own content. Shipped content is tested with the product, so
    # its patterns run on the faster ``re``; a team's own run under the grading time budget.
    shipped_groups: frozenset[str] = frozenset()
    citations: Registry = field(default_factory=Registry)
    coercion: FixedRule = FixedRule()   # reported as a threat when a consequence is made conditional on paying
    # category -> patterns of lawful wording the learned signal must not suspect (it has no disclaimers of its own)
    lawful: dict[str, tuple[str, ...]] = field(default_factory=dict)
    general: FixedRule = FixedRule()    # quoted by the learned signal for a category without a red flag

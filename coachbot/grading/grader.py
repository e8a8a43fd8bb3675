"""Grade one reply to one challenge. A library function first; chat and CLI wrap it.

>>> grade_reply(challenge, "王先生您好，想先了解一下这次没还上的原因……", shared).score
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from coachbot.content.library import shipped
from coachbot.content.models import Challenge, FixedRule, Shared
from coachbot.domain.scoring import UNJUDGED
from coachbot.domain.text import clean
from coachbot.grading import rx
from coachbot.grading.flags import (
    REJECTABLE,
    CompiledFlag,
    Finding,
    Violation,
    compile_flag,
    findings,
    rejected_around,
    rejects_borrowing,
)
from coachbot.grading.gaming import MAX_SPAN_CREDIT, MIN_CHARS, keyword_list, too_short
from coachbot.grading.matcher import CompiledCriterion, compile_criterion
from coachbot.grading.prepared import Prepared, prepare
from coachbot.grading.suspect import FLAG_PREFIX, Suspicion, suspicions
from coachbot.grading.suspect import LABELS as SUSPECT_LABELS

VERDICT_OK = "ok"
VERDICT_TOO_SHORT = "too_short"
VERDICT_KEYWORDS = "keyword_list"
VERDICT_VIOLATION = "violation"
VERDICT_CRITICAL = "critical_missed"
VERDICT_TIMEOUT = "timeout"            # a rule ran past the grading budget: nothing judged
assert set(UNJUDGED) == {VERDICT_TOO_SHORT, VERDICT_TIMEOUT}
KEYWORD_CAP = 30


@dataclass(frozen=True)
class CriterionResult:
    id: str
    label: str
    met: bool
    points: int
    max_points: int
    evidence: str | None
    feedback: str | None
    critical: bool = False

    def as_json(self) -> dict:
        return {"id": self.id, "label": self.label, "met": self.met, "points": self.points,
                "max_points": self.max_points, "evidence": self.evidence, "feedback": self.feedback}


@dataclass(frozen=True)
class Grade:
    challenge: str
    score: int
    passed: bool
    criteria: tuple[CriterionResult, ...]
    violations: tuple[Violation, ...]
    verdict: str = VERDICT_OK
    notes: tuple[str, ...] = field(default_factory=tuple)
    slow_rule: str | None = None     # with the timeout verdict: the rule that ran out of time

    def as_json(self) -> dict:
        out = {
            "challenge": self.challenge, "score": self.score, "passed": self.passed,
            "criteria": [c.as_json() for c in self.criteria],
            "violations": [v.as_json() for v in self.violations],
            "verdict": self.verdict, "notes": list(self.notes),
            "findings": [f.as_json() for f in self.findings],
        }
        if self.slow_rule is not None:
            out["slow_rule"] = self.slow_rule
        return out

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The violations grouped by quoted words: each span once, with all its categories."""
        return findings(self.violations)

    @property
    def certain(self) -> bool:
        """False when every violation is only the learned signal's suspicion (provisional: a lead reviews it)."""
        return not self.violations or any(v.certain for v in self.violations)

    @property
    def missed(self) -> tuple[CriterionResult, ...]:
        return tuple(c for c in self.criteria if not c.met)

    @property
    def hint(self) -> str | None:
        """The single most useful next step: a violated rule, else the biggest miss."""
        if self.violations:
            f = self.findings[0]
            return f"先把合规放在第一位：「{f.evidence}」违反了{f.rule}。"
        if self.missed:
            return max(self.missed, key=lambda c: (c.critical, c.max_points)).feedback
        return None


@dataclass(frozen=True)
class CompiledRubric:
    challenge: Challenge
    criteria: tuple[CompiledCriterion, ...]
    flags: tuple[CompiledFlag, ...]
    lawful: dict[str, rx.Matcher] = field(default_factory=dict)

    @cached_property
    def with_other(self) -> tuple[CompiledFlag, ...]:
        """The flags that count only beside another violation (``RedFlag.with_other``)."""
        return tuple(f for f in self.flags if f.flag.with_other)


_CACHE: dict[tuple[int, int], tuple[Challenge, Shared, CompiledRubric]] = {}


def compiled(challenge: Challenge, shared: Shared) -> CompiledRubric:
    """Compile a rubric once per (challenge, shared) object pair."""
    key = (id(challenge), id(shared))
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is challenge and hit[1] is shared:
        return hit[2]
    own = shipped(challenge.path)
    rubric = CompiledRubric(
        challenge,
        tuple(compile_criterion(c, shared, shipped=own) for c in challenge.criteria),
        (*(compile_flag(f) for f in shared.red_flags), *(compile_flag(f, shipped=own) for f in challenge.red_flags)),
        {cat: rx.compile("|".join(f"(?:{p})" for p in ps), f"lawful {cat}")
         for cat, ps in shared.lawful.items()},
    )
    if len(_CACHE) > 512:
        _CACHE.clear()
    _CACHE[key] = (challenge, shared, rubric)
    return rubric


_NO_RULE = FixedRule()


def find_violations(reply: Prepared, flags: tuple[CompiledFlag, ...],
                    coercion: FixedRule = _NO_RULE, rules: dict[str, str] | None = None) -> tuple[Violation, ...]:
    """Every red flag's violation, one per category and quote; a consequence made conditional on paying is
    also reported as a threat, with ``coercion``'s label and rule (``Shared.coercion``), and a flag's ``also``
    categories with the flag's label and the rule of its category (``rules``: category -> rule). A flag
    marked ``with_other`` counts only when another flag has found something (a 😂 under a threat mocks;
    under a friendly reminder it does not)."""
    found: dict[tuple[str, str], Violation] = {}
    for flag in flags:
        if not flag.flag.with_other and (v := flag.find(reply)) is not None:
            _add(found, flag, v, coercion, rules)
    if found:
        for flag in flags:
            if flag.flag.with_other and (v := flag.find(reply)) is not None:
                _add(found, flag, v, coercion, rules)
    return tuple(found.values())


def _add(found: dict[tuple[str, str], Violation], flag: CompiledFlag, v: Violation, coercion: FixedRule,
         rules: dict[str, str] | None) -> None:
    found.setdefault((v.category, v.evidence), v)   # one line per category and quote
    for extra in flag.flag.also:
        if extra != v.category:
            found.setdefault((extra, v.evidence), Violation(
                extra, v.label, (rules or {}).get(extra, v.rule), v.evidence, f"{v.flag_id}:{extra}"))
    if v.coercive and v.category != "threat" and not flag.flag.with_other:
        found.setdefault(("threat", v.evidence), Violation(
            "threat", coercion.label, coercion.rule, v.evidence, f"{v.flag_id}:coercion"))


def category_rules(shared: Shared) -> dict[str, str]:
    """The rule quoted for a category a flag breaks by ``also``: its first shared red flag's, else the general one."""
    out: dict[str, str] = {}
    for f in shared.red_flags:
        out.setdefault(f.category, f.rule)
    return out


def _disclaimed_suspicion(found: Suspicion, reply: Prepared, lawful: dict[str, rx.Matcher]) -> bool:
    """A suspicion the content answers: lawful wording of its category (``lawful`` in _red-flags.yaml: a
    correct statement of spouse liability, asking a relative only for a call back), or advice against
    borrowing within two clauses ("千万别为了还卡去借网贷") read as pushing it."""
    if found.category in REJECTABLE:
        clauses = reply.clauses()
        first = next((i for i, (s, e) in enumerate(clauses) if s <= found.start < e), 0)
        if rejects_borrowing(reply.flat, *_near(reply, found, 2)) or rejected_around(reply.flat, clauses, first):
            return True
    ok = lawful.get(found.category)
    return ok is not None and ok.search(reply.flat, found.start, found.end) is not None


def _near(reply: Prepared, found: Suspicion, n: int) -> tuple[int, int]:
    """The suspicious span widened by ``n`` clauses either side."""
    clauses = reply.clauses()
    if not clauses:
        return found.start, found.end
    first = next((i for i, (s, e) in enumerate(clauses) if s <= found.start < e), 0)
    last = next((i for i, (s, e) in enumerate(clauses) if s < found.end <= e), first)
    return clauses[max(0, first - n)][0], clauses[min(len(clauses) - 1, last + n)][1]


def _as_violation(found: Suspicion, reply: Prepared, shared: Shared) -> Violation:
    rule = next((f.rule for f in shared.red_flags if f.category == found.category), shared.general.rule)
    return Violation(found.category, SUSPECT_LABELS.get(found.category, "疑似违规：措辞可能被客户理解为不当施压"),
                     rule, reply.span_text(found.start, found.end), FLAG_PREFIX + found.category, certain=False)


def suspected_violations(reply: Prepared, shared: Shared, known: tuple[Violation, ...] = (),
                         lawful: dict[str, rx.Matcher] | None = None,
                         alone: tuple[CompiledFlag, ...] = ()) -> tuple[Violation, ...]:
    """The learned second signal: likely violations of categories the red flags did not report, less those
    the flags' own disclaimers answer (see ``_disclaimed_suspicion``) and those that are little more than the
    words of a flag in ``alone``: a ``with_other`` flag that counts only beside another violation ("您掂量掂量"
    after a plan and its fees), when there is none. "忙到连一千多块都忘了还啊😂" is more than its emoji.

    Each carries the wording of the first shared red flag of its category as its rule.
    """
    seen = {v.category for v in known}
    return tuple(_as_violation(f, reply, shared) for f in suspicions(reply)
                 if f.category not in seen and not _disclaimed_suspicion(f, reply, lawful or {})
                 and not any(_only_words_of(q, reply, f) for q in alone))


def _only_words_of(flag: CompiledFlag, reply: Prepared, found: Suspicion) -> bool:
    """Whether ``flag`` matches the suspicious span with at most three characters to spare (您, 再, 自己)."""
    m = flag.pattern.search(reply.flat, found.start, found.end)
    return m is not None and (found.end - found.start) - (m.end() - m.start()) <= 3


def grade_reply(challenge: Challenge, text: str, shared: Shared, *, seconds: float = rx.BUDGET_SECONDS) -> Grade:
    """Score ``text`` against ``challenge``'s rubric; every point won or lost is explained.

    Grading has a hard budget of ``seconds``: a rule that runs past it (a slow
    pattern in a team's own content) ends grading with the ``timeout`` verdict,
    which scores nothing and uses up no attempt, and names the rule.
    """
    rubric = compiled(challenge, shared)
    try:
        with rx.budget(seconds):   # invisible characters go first: 阿\u200b拉 is read as 阿拉, 唔\u200b使 as 唔使
            return _grade(challenge, rubric, prepare(clean(text)), shared)
    except rx.OutOfTime as slow:
        return Grade(challenge.id, 0, False, (), (), VERDICT_TIMEOUT, slow_rule=slow.source)


def _grade(challenge: Challenge, rubric: CompiledRubric, reply: Prepared, shared: Shared) -> Grade:
    violations = find_violations(reply, rubric.flags, shared.coercion, category_rules(shared))
    violations += suspected_violations(reply, shared, violations, rubric.lawful, () if violations else rubric.with_other)

    results: list[CriterionResult] = []
    covered: set[int] = set()
    for cc in rubric.criteria:
        crit = cc.criterion
        met, spans = cc.match(reply)
        for s, e in spans:
            covered.update(range(s, min(e, s + MAX_SPAN_CREDIT)))
        evidence = "、".join(dict.fromkeys(reply.span_text(s, e) for s, e in spans)) if met else None
        results.append(CriterionResult(
            id=crit.id, label=crit.label, met=met, points=crit.points if met else 0,
            max_points=crit.points, evidence=evidence, feedback=None if met else crit.feedback,
            critical=crit.critical,
        ))
    total = sum(c.max_points for c in results) or 1
    score = round(100 * sum(c.points for c in results) / total)
    passed = score >= challenge.pass_score
    verdict = VERDICT_OK
    notes: list[str] = []

    critical_missed = [c for c in results if c.critical and not c.met]
    if critical_missed:
        passed = False
        score = min(score, challenge.pass_score - 1)
        verdict = VERDICT_CRITICAL
        notes.append("缺少关键一步：" + "、".join(c.label for c in critical_missed) + "，这一步没有做到，回答不能通过。")
    if too_short(reply):
        score, passed, verdict = 0, False, VERDICT_TOO_SHORT
        notes = [f"回答太短了（不到{MIN_CHARS}个字）。请写出你在电话里会对客户说的完整的话。"]
    elif keyword_list(reply, len(covered)):
        score, passed, verdict = min(score, KEYWORD_CAP), False, VERDICT_KEYWORDS
        notes = ["这像是关键词的罗列，不是对客户说的话。请用完整的句子回答，就像在电话里那样。"]
    if violations:
        score, passed, verdict = 0, False, VERDICT_VIOLATION
        items = "；".join(f"「{f.evidence}」（{f.label}）" for f in findings(violations))
        if any(v.certain for v in violations):
            notes = ["出现合规问题，本题记 0 分，也不能通过：" + items]
        else:
            notes = [f"疑似合规问题（只有辅助模型发现，已交组长复核），本题暂记 0 分：{items}"]
    return Grade(challenge.id, score, passed, tuple(results), violations, verdict, tuple(notes))

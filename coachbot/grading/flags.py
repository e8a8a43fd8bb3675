"""Compliance red flags: patterns that fail a reply whatever else it says.

A match is not a violation when the same clause disclaims it just before
("我们不会联系您的同事", "我不是法院的", "不会上门打扰您") or when the flag's
own ``unless`` pattern matches the clause (lawful statements such as
"银行有权依法起诉").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..content.models import RedFlag
from .prepared import Prepared

# Disclaimers: a negation that ends at most WINDOW characters before the match.
_NEGATION = re.compile(
    r"(不会|不是|绝不|决不|绝对不|并不|并没有|没有|从不|从来不|不能|不可能|不存在|不得|严禁|禁止|无需|不用|不必|"
    r"不建议|不鼓励|不提倡|不会去|也不|不要担心|别担心|不需要|没打算|不打算|不允许|不应该|不该|不可以|没法|无法)"
)
_WEAK_NEGATION = re.compile(r"(别|不要|勿)$")
WINDOW = 8


def _disclaimed(flat: str, start: int, end: int) -> bool:
    """A negation just before ``end`` in ``flat[start:end]`` that is not an A-not-A question.

    是不是 / 能不能 / 会不会 / 可不可以 / 要不要 ask, they do not deny: 你是不是想坐牢 is a threat.
    """
    for neg in _NEGATION.finditer(flat, start, end):
        i = neg.start() + neg.group().find("不")
        if 0 < i < len(flat) - 1 and flat[i - 1] == flat[i + 1] and neg.group().find("不") >= 0:
            continue
        return True
    weak = _WEAK_NEGATION.search(flat[max(start, end - 2): end])
    if weak:
        i = max(start, end - 2) + weak.start()
        return not (i > 0 and flat[i] == "不" and i + 1 < len(flat) and flat[i - 1] == flat[i + 1])
    return False


@dataclass(frozen=True)
class Violation:
    category: str
    label: str
    rule: str
    evidence: str
    flag_id: str

    def as_json(self) -> dict:
        return {"category": self.category, "label": self.label, "rule": self.rule, "evidence": self.evidence}


@dataclass(frozen=True)
class CompiledFlag:
    flag: RedFlag
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None

    def find(self, reply: Prepared) -> Violation | None:
        for m in self.pattern.finditer(reply.flat):
            c_start, c_end = reply.clause_of(m.start())
            clause = reply.flat[c_start:c_end]
            if self.unless is not None and self.unless.search(clause):
                continue
            if _disclaimed(reply.flat, max(c_start, m.start() - WINDOW), m.start()):
                continue
            quote = reply.span_text(c_start, c_end)
            if len(quote) > 40:
                quote = reply.span_text(max(c_start, m.start() - 8), min(c_end, m.end() + 8))
            return Violation(self.flag.category, self.flag.label, self.flag.rule, quote, self.flag.id)
        return None


def compile_flag(flag: RedFlag) -> CompiledFlag:
    pattern = re.compile("|".join(f"(?:{p})" for p in flag.patterns))
    unless = re.compile("|".join(f"(?:{p})" for p in flag.unless)) if flag.unless else None
    return CompiledFlag(flag, pattern, unless)

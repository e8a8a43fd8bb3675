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
# "If you don't pay, then …": a consequence used as leverage is a threat.
_CONDITION = re.compile(
    r"再不还|不还的话|要是不还|如果不还|要是还不上|再拖|不然|否则|到时候|那(我|我们)就|只能|要是.{0,8}没(还|到账|看到|收到)|"
    r"如果.{0,8}没(还|到账|看到|收到)|还不上.{0,3}就|不还.{0,2}就|没到账.{0,2}就"
)
COERCION_LABEL = "以后果相要挟（不还就……）"
COERCION_RULE = "治安管理处罚法第42条；催收不得以威胁、恐吓手段迫使还款（商业银行信用卡业务监督管理办法第68条）"


def _disclaimed(flat: str, start: int, end: int, *, weak: bool = True) -> bool:
    """A negation just before ``end`` in ``flat[start:end]`` that is not an A-not-A question.

    是不是 / 能不能 / 会不会 / 可不可以 / 要不要 ask, they do not deny: 你是不是想坐牢 is a threat.
    """
    for neg in _NEGATION.finditer(flat, start, end):
        i = neg.start() + neg.group().find("不")
        if 0 < i < len(flat) - 1 and flat[i - 1] == flat[i + 1] and neg.group().find("不") >= 0:
            continue
        return True
    found = _WEAK_NEGATION.search(flat[max(start, end - 2): end]) if weak else None
    if found:
        i = max(start, end - 2) + found.start()
        return not (i > 0 and flat[i] == "不" and i + 1 < len(flat) and flat[i - 1] == flat[i + 1])
    return False


@dataclass(frozen=True)
class Violation:
    category: str
    label: str
    rule: str
    evidence: str
    flag_id: str
    coercive: bool = False   # made conditional on paying: "再不还就…"

    def as_json(self) -> dict:
        return {"category": self.category, "label": self.label, "rule": self.rule, "evidence": self.evidence}


@dataclass(frozen=True)
class CompiledFlag:
    flag: RedFlag
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None

    def find(self, reply: Prepared) -> Violation | None:
        """The first undisclaimed match, searched clause by clause.

        A match never runs across a clause boundary: "我这边是银行的，不是法院"
        must not read as "我这边是…法院".
        """
        for c_start, c_end in reply.clauses():
            clause = reply.flat[c_start:c_end]
            if self.unless is not None and self.unless.search(clause):
                continue
            for m in self.pattern.finditer(reply.flat, c_start, c_end):
                if _disclaimed(reply.flat, max(c_start, m.start() - WINDOW), m.start(),
                               weak=self.flag.category != "insult"):  # 别装穷 still insults
                    continue
                quote = reply.span_text(c_start, c_end)
                if len(quote) > 40:
                    quote = reply.span_text(max(c_start, m.start() - 8), min(c_end, m.end() + 8))
                return Violation(self.flag.category, self.flag.label, self.flag.rule, quote, self.flag.id,
                                 coercive=bool(_CONDITION.search(reply.flat, max(0, c_start - 12), m.start())))
        return None


def compile_flag(flag: RedFlag) -> CompiledFlag:
    pattern = re.compile("|".join(f"(?:{p})" for p in flag.patterns))
    unless = re.compile("|".join(f"(?:{p})" for p in flag.unless)) if flag.unless else None
    return CompiledFlag(flag, pattern, unless)

"""Compliance red flags: patterns that fail a reply whatever else it says.

A match is not a violation when the same clause disclaims it just before
("我们不会联系您的同事", "我不是法院的", "不会上门打扰您"), when the next
clause opens by rejecting it ("借网贷来还，我真的不建议"), or when the flag's
own ``unless`` pattern matches the clause (lawful statements such as
"银行有权依法起诉"), or its ``unless_before`` the clause just before the match's
("可以开个自动还款，从工资卡里直接扣": the deduction is the customer's own set-up).
"""

from __future__ import annotations

import re

# The regex parser (Python >= 3.11), used only to find the characters a pattern can start with.
import re._constants as _sc  # type: ignore[import-not-found]
import re._parser as _sp  # type: ignore[import-not-found]
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import regex

from coachbot.content.models import RedFlag
from coachbot.grading import rx
from coachbot.grading.grams import Gate, necessary
from coachbot.grading.prepared import Prepared

# Disclaimers: a negation that ends at most WINDOW characters before the match.
_NEGATION = re.compile(
    r"(不会|不是|绝不|决不|绝对不|并不|并没有|没有|从不|从来不|不能|不可能|不存在|不得|严禁|禁止|无需|不用|不必|"
    r"不建议|不鼓励|不提倡|不会去|也不|不要担心|别担心|不需要|没打算|不打算|不允许|不应该|不该|不可以|没法|无法|"
    # 我就不再天天打电话 denies; 你不再接我就天天打 does not (the customer's act is the condition)
    r"不再(?!接|回|还|理|联系|躲|给|缴)|没办法(?!只能|只好|了|就)|不劝|不(?=反复|频繁|不停|轮番|密集)|"
    # a promise about when not to call: "不在您工作时间反复打", "尽量不在您陪床的时候打扰"; not someone absent:
    # "他不在你就转告他欠了三千" (the look-ahead sees at most two characters into the match: see _disclaimed)
    r"不在(?=(您|你)(?!就|也|那|的话))|不方便(?=跟|和|向|对|同|给|透露|告诉|说|讲)|避免|以免)"
)
_WEAK_NEGATION = re.compile(r"(别|不要|勿)$")
# A rejection opening the next clause: "借网贷来还，我真的不建议" / "晚上11点打，是违规的".
_REJECTED_AFTER = re.compile(
    r"(我|我们|这|这个|这样|那样|这种事)?(真的|是|也|都|可|绝对|肯定)*"
    r"(不建议|不推荐|不提倡|不鼓励|不会这么做|不会这样做|不能这么做|不能这样做|不允许|不合规|违规|违法|不行(?!的话)|(千万|可)?(别|甭|不要)(这么|这样)(干|做|弄|搞))"
)
# A lead-in the rejection may come after: "借网贷还信用卡，我劝您一句：千万甭这么干".
_LEAD_IN = re.compile(r"(我)?(劝|提醒|说)(您|你)(一句|一声)|说句(实话|实在话|心里话)")
WINDOW = 8
# Advice against borrowing, and the categories it answers: "千万别为了还卡去借网贷", "也不建议您找亲戚朋友借".
REJECTABLE = frozenset({"debt-inducement", "third-party-disclosure"})
_REJECTS_BORROWING = re.compile(
    r"(别|不要|勿|甭|千万别|不建议|不推荐|不提倡|不鼓励|不希望|不能|没必要|犯不着|不值得|不划算|劝您别|劝你别)"
    r"(您|你|咱|咱们|大家)?(真的?|千万|再|也|都|可|轻易)?(为了[^|]{0,10}?)?(去|再去|跑去)?"
    r"(借(?!口)|找[^|]{0,6}借(?!口)|网贷|套现|高利贷|以贷养贷|以卡养卡|拆东墙|贷款|刷别的卡|用别的卡|用其他信用卡)"
)
# A prohibition reaching forward to the match ("请您不要去借网贷或者找亲戚朋友借钱") unless a condition or
# a dare comes between ("你不要不还，不然找你家人" / "别逼我联系你家人").
_PROHIBIT = re.compile(r"(不会(叫|让|要|劝)(你|您)?|不建议|不推荐|不希望|千万别|千万不要|可别|甭|别再|不要再|请勿|请不要|请别|不要去|别去|不要|别|勿)")
_SCOPE_BREAK = re.compile(r"不然|否则|就|要不|的话|不还|不接|不回|再不|逼|怪|等|怕|以为")
PROHIBIT_WINDOW = 14
# A list continuing an earlier rejection: "借钱还钱这条路，我们不推荐，不管是网贷、套现，还是找亲戚朋友借".
_LIST_GOES_ON = re.compile(r"(不管是|无论是|不论是|还是|或者|或是|以及|包括|甚至|更别说|也别|也不要|也不建议|比如|像是?)")
_REJECTION = re.compile(r"不推荐|不建议|不提倡|不鼓励|不希望|不划算|没(有)?必要|划不来|千万别|千万不要|不是好办法|不是办法|走不通")
# The next clause turns back on "this way" to reject it: "借网贷来还卡，这个办法我真心劝您慎重".
_WAY_REJECTED = re.compile(
    r"(这个|这种|这条|那个|这些|这几种|这几条|这两种|这两条|这类|这)(办法|路|路子|做法|方法|法子)(?:[^|]){0,8}"
    r"(劝(您|你)(慎重|三思|别|不要)|慎重|三思|不可取|行不通|不建议|不推荐)|"
    r"(这些|这几样|这类|这种)(东西)?(都|也|可|千万)?(别|不要|甭)(去)?(碰|沾|考虑)"
)
# A harm of borrowing stated right after it: "……都可能让您背上更贵的债", "利息高，拆东墙补西墙".
_HARM_AFTER = re.compile(
    r"(都|也|只)?(可能|会|只会)?(让|使)(您|你)(背上|多背|压力更大|越陷越深|更难)|利息(还|反而|只会)?(太|很|更|特别)高|"
    r"越滚越(大|多|重|高)|得不偿失|等于换了?(个)?(更贵的)?(债主|地方|家)|不划算|划不来|拆东墙补西墙|不是(个)?好办法|等于(用|拿)?(一笔)?(更贵|多背|多付|多花|白白)|"
    r"(只会|会)让压力更大|压力(只会|会)?更大"
)


BORROWING = re.compile(r"借(?!口)|网贷|套现|高利贷|贷款|以贷养贷|以卡养卡")


def rejects_borrowing(flat: str, start: int, end: int) -> bool:
    """Whether ``flat[start:end]`` advises against borrowing to repay."""
    return _REJECTS_BORROWING.search(flat, start, end) is not None


def list_after_rejection(flat: str, clauses: list[tuple[int, int]], k: int) -> bool:
    """Clause ``k`` goes on with a list ("不管是网贷……", "还是找亲戚朋友借") from a rejection up to two clauses before."""
    if not _LIST_GOES_ON.match(flat, *clauses[k]):
        return False
    return any(_REJECTION.search(flat, *clauses[j]) or rejects_borrowing(flat, *clauses[j])
               for j in range(max(0, k - 2), k))


def rejected_around(flat: str, clauses: list[tuple[int, int]], k: int) -> bool:
    """Borrowing ruled out around clause ``k``: a list going on from a rejection up to two clauses
    before, or the next clause (after a lead-in such as "我劝您一句") rejecting it ("我都不建议"), stating a
    harm of borrowing or rejecting "this way" of paying."""
    n = k + 2 if k + 2 < len(clauses) and _LEAD_IN.fullmatch(flat, *clauses[k + 1]) else k + 1
    if n < len(clauses) and (_HARM_AFTER.search(flat, *clauses[n])
                             or _WAY_REJECTED.match(flat, *clauses[n])
                             or _REJECTED_AFTER.match(flat, *clauses[n])):
        return True
    return list_after_rejection(flat, clauses, k)


_OR_GOES_ON = re.compile(r"(或者|或是|或|以及|还有|甚至)")
# A promise not to do something, whose scope runs on to the end of its clause ("我们没有别的办法了" is no promise).
_DENIAL = re.compile(r"不会|绝不|决不|绝对不|从不|从来不|不用担心|别担心|不要担心|不去")


def continues_denial(flat: str, clauses: list[tuple[int, int]], k: int) -> bool:
    """Clause ``k`` is one more item of a denial in the clause before: "我们不会去找您家里其他人，或者打到您单位"."""
    if k == 0 or not _OR_GOES_ON.match(flat, *clauses[k]):
        return False
    start, end = clauses[k - 1]
    if _CONDITION.search(flat, start, end):
        return False
    return any(not _asks(flat, d) and not _SCOPE_BREAK.search(flat, d.end(), end)
               for d in _DENIAL.finditer(flat, start, end))


def _prohibited(flat: str, start: int, m_start: int) -> bool:
    """A prohibition within PROHIBIT_WINDOW before ``m_start`` (from ``start``) whose scope reaches the match."""
    for neg in _PROHIBIT.finditer(flat, max(start, m_start - PROHIBIT_WINDOW), m_start):
        if not _SCOPE_BREAK.search(flat, neg.end(), m_start):
            return True
    return False
# "If you don't pay, then …": a consequence used as leverage is a threat.
_CONDITION = re.compile(
    r"再不还|不还的话|要是不还|如果不还|(要是|如果)[^|]{0,4}不管|不还[^|]{0,4}(那好|那行)|(没|没有)(看见|看到|收到)钱|不接[^|]{0,3}那(我|我们)|(今天|今晚|现在)(不|没)(定|定下来|说定|交)|要是还不上|再拖|不然|否则|到时候|过了(今天|今晚|明天|这周|本周|月底|[0-9一二三四五六七八九十]+号)就|那(我|我们)(就|也|只能|只好)|只能|只好|"
    r"(要是|如果|假如|万一).{0,8}(没|不)(全额)?(还|结清|到账|看到|收到|处理|回|接|联系|来办|办理)|(要是|如果|假如|万一|若).{0,6}还不(上|起)|"
    r"(不|没)缴(的话|就)|不(重复|再|按时|马上|及时|全额|足额|一次性)还的话|只还(本金|一部分|最低(还款)?)(的话|就)|再(不|没)缴|缴不(上|起)|逾期(不|未)(处理|还款|还)|(要是|如果|若|万一)(这次)?再逾期|"
    r"不(一次|全额|马上|按时)?(还清|结清|还上|缴清)(的话|就)|"
    r"再不(回|接|处理|联系|理|交|付|给|见钱)|再(挂|拉黑|躲|闹|放鸽子|敢|磨叽|忘)|(晚|迟)(一|1)(分钟|秒)就|"
    r"(要是|如果|假如|万一).{0,8}(查|看|收)不到|(要是|如果|假如|万一)(?:[^|]){0,4}(不|没)见(钱|款)|不(同意|借|答应|签)(的话|就)|不(接|回|还|理)(我|我们)就|"
    r"还不上.{0,3}就|不还.{0,2}就|没到账.{0,2}就|不(回电|回复|接电话|处理).{0,2}(的话|就)|"
    r"(要|想|敢)(闹|闹大|投诉|告|报警|曝光)(是吧|的话|就)|"
    r"(如果|要是|假如)(您|你)?只还(本金|一部分|最低)|(要是|如果)(您|你)?(一直|再|还)拖|(不|没|无)到账|不配合|拿不出(来|证明|材料|手续)\|?(就|那)|打不通[^|]{0,3}\|?就|少(一|1)(块|分|毛)(钱)?(都|就)|再晚(?=[^|]{0,2}(法院|就|直接))|那(我|我们)直接|(今天|今晚|明天|这周|月底|号前|号)(还|钱)?(不|没)(还|缴|签|到|打过来|处理)|"
    r"(如|若)(今日|今天|明天|逾期|仍|再)*(未|不|没)(回电|回复|还款|处理|联系)|"
    r"(如|若|如果|要是)[^|]{0,8}(仍|还)(未|不|没)(回电|回复|还款|处理|联系|到账)|既然(您|你)(这边)?(不配合|沟通不畅|不接(?!受)|不还|不回)|"
    r"要不(然)?(我|我们|就)|(您|你)不(回|接|理|配合)[^|]{0,3}(的话|就|我|我们)|不(回|接)(的话|就)|"
    r"不给(个|一个)?(准话|答复|说法|时间|日子|回复|交代)|拖[^|]{0,4}就|再晚(一|两|二|三|四|五|六|七|八|九|十|几)(天|周|个月)|"
    r"(敢|要|想)(闹|闹大|投诉|告|报警|曝光)(我|我们)(就|也|只能)|不(跟我|和我|给我)?(说定|定下来|敲定)|嫌[^|]{0,8}(是吧|的话)|"
    r"(内|前)(不|未|没)(提交|还|结清|处理|联系|回电)|再放(我|我们)?(的)?鸽子|拒(付|还|缴)[^|]{0,4}就|"
    r"(没有|没钱|不还|不接|不给)(那好|那行|行啊|好啊)|不还(好|行)(那)?(我|我们)|"
    # written notices: "如三日内未补缴……", "逾期未办理的……", "如您坚持投诉，我司将……", "在您还款之前"
    r"(如|若|如果|倘若)[^|]{0,10}(未|不|没)(补缴|补还|缴|还|还款|结清|办理|清偿|处理|到账|见款|见到款项|回电|联系|回复)|"
    r"逾期未(办理|还款|处理|结清)|(如|若)(您|你)?(坚持|执意|继续)(投诉|拒绝|拖欠|不还)|在(您|你)(还款|结清|还清)之前|"
    r"(没|未)[^|]{0,6}之前|找不到(他|她|人|你|您)?(我|我们)?就|(你|您)(要是)?不开口|受不了(了)?(那|就)|再(装|赖|拖)(下去)?|"
    r"不(交|缴|转|给)[^|]{0,4}就|(再|第[二三四五两])次?(违约|爽约|逾期)(将|就|会)|看不到(钱|款)|(今天|今晚|这周|月底)一过|凑不(齐|够|上)(?=[^|]{0,3}(我|我们)(就|只能|只好))"
)
# Leverage stated around the consequence, in the clause before it or the one after:
# "今天下午不还，明天利息直接翻倍", "漏还一天就取消分期", "你什么时候还钱我什么时候停".
_LEVERAGE = re.compile(
    r"不(先)?(还|到庭|说清楚|处理)(?!上|清|完|起)|(你|您)(自己)?慢慢算|不信(你|您)(自己)?算|(没|不)还(钱)?的话|晚(一|1)周|漏还|"
    r"什么时候(还|还钱|还清)(?:[^|]){0,6}什么时候停|(你|您)最好|连(你|您)(也)?一起|连(你|您)(也|都)|全家|(想好|想清楚)了?再(说|回答)|不想(接|被打扰)的话|(哪天|什么时候)还钱(?:[^|]){0,3}(我)?(哪天|什么时候)停|"
    r"(投诉|报警|拉黑)(一次|的话|就)|(您|你)(自己)?看着办|省得[^|]{0,10}(我们|我)(还得|再)|"
    r"省得(您|你)[^|]{0,4}(解释|费口舌|传话|转告)|(您|你)(可)?(得|要)?想清楚(哈|啊|了|喽)|"
    r"届时[^|]{0,10}(由(您|你)|(您|你)自行)?(承担|负责|自负)|概不负责|(您|你)(自己)?掂量|(你|您)?不配合(就|的话)|不然[^|]{0,4}(无效|不算|作废|不给办|不受理)|(钱)?到账了?(自然)?就(不|停)(打|联系)|改(打|找)(给)?(您|你)的?(老公|老婆|家人|公司|单位|同事|领导|爸妈|父母)|(我们|我)照样"
)
_LEVERAGE_CATEGORIES = frozenset({"false-consequence", "harassment", "third-party-disclosure", "impersonation"})
# The label and rule of a consequence used as leverage are content: ``coercion`` in challenges/_red-flags.yaml.


def _asks(flat: str, neg: re.Match[str]) -> bool:
    """Whether the 不 of negation ``neg`` is the middle of an A-not-A question (会不会, 是不是)."""
    offset = neg.group().find("不")
    i = neg.start() + offset
    return offset >= 0 and 0 < i < len(flat) - 1 and flat[i - 1] == flat[i + 1]


def _disclaimed(flat: str, start: int, end: int, *, weak: bool = True) -> bool:
    """A negation just before ``end`` in ``flat[start:end]`` that is not an A-not-A question.

    是不是 / 能不能 / 会不会 / 可不可以 / 要不要 ask, they do not deny: 你是不是想坐牢 is a threat.
    """
    # A negation may end inside the match's first characters: 不会有人上门 denies 会有人上门; not when the
    # match opens with a negation of its own (也不想你家里人…: the pattern is 不想…, a threat).
    reach = end + 2 if end < len(flat) and flat[end] not in "不没别无非" else end
    for neg in _NEGATION.finditer(flat, start, min(len(flat), reach)):
        if neg.start() < end and not _asks(flat, neg):
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
    certain: bool = True     # False when only the learned signal raised it (a suspicion, for a lead to review)

    def as_json(self) -> dict:
        return {"category": self.category, "label": self.label, "rule": self.rule, "evidence": self.evidence,
                "flag": self.flag_id, "certain": self.certain}


@dataclass(frozen=True)
class Finding:
    """One quoted span and every rule it breaks: feedback names the words once, with all their categories."""
    evidence: str
    violations: tuple[Violation, ...]

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v.category for v in self.violations))

    @property
    def label(self) -> str:
        return "；".join(dict.fromkeys(v.label for v in self.violations))

    @property
    def rule(self) -> str:
        return "；".join(dict.fromkeys(v.rule for v in self.violations))

    @property
    def certain(self) -> bool:
        return any(v.certain for v in self.violations)

    def as_json(self) -> dict:
        return {"evidence": self.evidence, "categories": list(self.categories),
                "flags": [v.flag_id for v in self.violations], "certain": self.certain}


def findings(violations: tuple[Violation, ...]) -> tuple[Finding, ...]:
    """Violations grouped by the words they quote, in order of first appearance.

    A quote inside another one (a clause and the pair of clauses holding it) joins the longer one.
    """
    groups: list[tuple[str, list[Violation]]] = []
    for v in violations:
        for i, (quote, members) in enumerate(groups):
            if v.evidence in quote or quote in v.evidence:
                groups[i] = (max(quote, v.evidence, key=len), [*members, v])
                break
        else:
            groups.append((v.evidence, [v]))
    return tuple(Finding(quote, tuple(members)) for quote, members in groups)


@dataclass(frozen=True)
class Probe:
    """Some of a flag's patterns, searched together over ``Prepared.marked`` unless their gate rules them out."""

    gate: Gate | None
    pattern: rx.Matcher

    def may_match(self, reply: Prepared) -> bool:
        if self.gate is not None and self.gate.isdisjoint(reply.grams):
            return False
        return self.pattern.search(reply.marked) is not None


@dataclass(frozen=True)
class CompiledFlag:
    flag: RedFlag
    pattern: rx.Matcher
    unless: rx.Matcher | None
    probes: tuple[Probe, ...] = ()  # when some of them match ``Prepared.marked``, so may a clause; else none does
    unless_before: rx.Matcher | None = None
    gate: Gate | None = None  # grams one of which every match holds (see :mod:`coachbot.grading.grams`)

    def find(self, reply: Prepared) -> Violation | None:
        """The first undisclaimed match used as leverage, else the first undisclaimed match, clause by clause.

        A match never runs across a clause boundary: "我这边是银行的，不是法院"
        must not read as "我这边是…法院". Most replies match few flags. A reply
        holding none of a flag's necessary grams cannot match it at all. A flag
        whose patterns allow it is then searched over the whole reply with ``|``
        between clauses, a few patterns at a time, each few behind its own gate:
        that search finds a match whenever some clause holds one (see
        ``_prefilter_safe``), so a miss there ends it.
        """
        if self.gate is not None and self.gate.isdisjoint(reply.grams):
            return None
        live = [probe for probe in self.probes if probe.may_match(reply)]
        if self.probes and not live:
            return None
        first: Violation | None = None
        for found in self._matches(reply, live):
            if found.coercive:
                return found   # "晚上11点打过来，没到账的话我就半小时打一次": the match used as leverage is the one to name
            first = first or found
        return first

    def _matches(self, reply: Prepared, live: list[Probe]) -> Iterator[Violation]:
        """Each clause's first undisclaimed match, in order; a clause none of the ``live`` probes match is passed by."""
        clauses = reply.clauses()
        for k, (c_start, c_end) in enumerate(clauses):
            if live and not any(probe.pattern.search(reply.flat, c_start, c_end) for probe in live):
                continue
            clause = reply.flat[c_start:c_end]
            if self.unless is not None and self.unless.search(clause):
                continue
            if self.unless_before is not None and k > 0 and self.unless_before.search(reply.flat, *clauses[k - 1]):
                continue
            if continues_denial(reply.flat, clauses, k):
                continue
            rejectable = self.flag.category in REJECTABLE
            for m in self.pattern.finditer(reply.flat, c_start, c_end):
                if reply.reported and reply.is_reported(m.start(), m.end()):
                    continue   # the customer's words quoted back: "您说“天天打”，……"
                if _disclaimed(reply.flat, max(c_start, m.start() - WINDOW), m.start(),
                               weak=self.flag.category != "insult"):  # 别装穷 still insults
                    continue
                if rejectable and BORROWING.search(reply.flat, c_start, c_end) and (
                        _prohibited(reply.flat, c_start, m.start()) or rejects_borrowing(reply.flat, m.start(), m.end())):
                    continue   # "请您不要去借网贷" / "网贷咱真甭去借"
                if k + 1 < len(clauses) and _REJECTED_AFTER.match(reply.flat, *clauses[k + 1]):
                    break  # the next clause rejects this one: "借网贷来还，我真的不建议"
                if rejectable and (rejected_around(reply.flat, clauses, k)
                                   or _WAY_REJECTED.search(reply.flat, m.end(), c_end)):
                    break   # or later in its clause: "借网贷、找亲戚朋友借这些路子我都不推荐您走"
                quote = reply.span_text(c_start, c_end)
                if len(quote) > 40:
                    quote = reply.span_text(max(c_start, m.start() - 8), min(c_end, m.end() + 8))
                yield Violation(self.flag.category, self.flag.label, self.flag.rule, quote, self.flag.id,
                                coercive=self._coercive(reply, clauses, k, m))
                break

    def _coercive(self, reply: Prepared, clauses: list[tuple[int, int]], k: int, m: re.Match[str] | regex.Match[str]) -> bool:
        """Whether the match in clause ``k`` is also a threat: used as leverage, or threatening by nature."""
        if self.flag.threatening:
            return True
        # A condition just before; the connective may open the match itself: "那我就跟您的紧急联系人沟通".
        if _CONDITION.search(reply.flat, max(0, clauses[k][0] - 12), min(m.end(), m.start() + 3)):
            return True
        if self.flag.category not in _LEVERAGE_CATEGORIES:
            return False
        # Leverage in this clause or a neighbour; in ``marked`` clause j starts j characters later than in ``flat``.
        j0, j1 = max(0, k - 1), min(len(clauses) - 1, k + 1)
        return bool(_LEVERAGE.search(reply.marked, clauses[j0][0] + j0, clauses[j1][1] + j1))


def _first_of_seq(items) -> tuple[set[str] | None, bool]:
    """Characters a parsed sequence can start with, and whether it can match empty."""
    out: set[str] = set()
    for op, av in items:
        chars, nullable = _first_of_op(op, av)
        if chars is None:
            return None, False
        out |= chars
        if not nullable:
            return out, False
    return out, True


def _first_of_op(op, av) -> tuple[set[str] | None, bool]:
    if op is _sc.LITERAL:
        return {chr(av)}, False
    if op is _sc.IN:
        chars: set[str] = set()
        for o, a in av:
            if o is _sc.LITERAL:
                chars.add(chr(a))
            elif o is _sc.RANGE and a[1] - a[0] < 256:
                chars.update(map(chr, range(a[0], a[1] + 1)))
            else:
                return None, False          # [^…], \w, …: any character may start it
        return chars, False
    if op is _sc.SUBPATTERN:
        return _first_of_seq(av[-1])
    if op is _sc.BRANCH:
        out: set[str] = set()
        empty = False
        for branch in av[1]:
            starts, nullable = _first_of_seq(branch)
            if starts is None:
                return None, False
            out |= starts
            empty |= nullable
        return out, empty
    if op in (_sc.MAX_REPEAT, _sc.MIN_REPEAT):
        starts, nullable = _first_of_seq(av[2])
        return starts, nullable or av[0] == 0
    if op in (_sc.ASSERT, _sc.ASSERT_NOT, _sc.AT):
        return set(), True                   # zero width: look at what follows
    return None, False


@lru_cache(maxsize=8192)
def _first_chars(pattern: str) -> frozenset[str] | None:
    """The characters a match of ``pattern`` can start with; ``None`` if any, or if it can match empty."""
    try:
        chars, nullable = _first_of_seq(_sp.parse(pattern))
    except Exception:  # an unfamiliar construct
        return None
    return None if chars is None or nullable else frozenset(chars)


def _led(compiled: re.Pattern[str]) -> re.Pattern[str]:
    """``compiled`` led by a look-ahead on the characters a match can start with (see ``_alternation``): the
    same matches, found without trying every branch at every position."""
    first = _first_chars(compiled.pattern)
    if first is None:
        return compiled
    return re.compile(_led_by(first, compiled.pattern), compiled.flags)


def _led_by(first: set[str] | frozenset[str], body: str) -> str:
    """``body`` behind a look-ahead on ``first``, the characters any of its matches starts with."""
    return f"(?=[{''.join(re.escape(c) for c in sorted(first))}])(?:{body})"


# The condition and leverage words are searched around every candidate match (``CompiledFlag._coercive``).
_CONDITION = _led(_CONDITION)
_LEVERAGE = _led(_LEVERAGE)


def _alternation(patterns: tuple[str, ...], source: str, shipped: bool) -> rx.Matcher:
    """One regex for a list of alternatives, led by a look-ahead on the characters a match can start with.

    Python's ``re`` cannot skip ahead through an alternation of groups, so it tries every
    branch at every position; the look-ahead rejects most positions with one set test.
    The set is derived from the patterns, so matches are exactly those of the plain alternation.
    Only for ``shipped`` patterns, which run on ``re``: the set is read with ``re``'s parser, and
    ``regex`` reads a few constructs ``re`` also accepts otherwise (``[[:alpha:]]``, ``{e<=1}``).
    """
    body = "|".join(f"(?:{p})" for p in patterns)
    if not shipped:
        return rx.compile(body, source, shipped=shipped)
    first: set[str] = set()
    for p in patterns:
        chars = _first_chars(p)
        if chars is None:
            return rx.compile(body, source, shipped=shipped)
        first |= chars
    return rx.compile(_led_by(first, body), source, shipped=shipped)


# Constructs whose meaning at a clause's edge differs between a clause searched on its own and the
# same clause followed by "|" in ``Prepared.marked``: end anchors, look-behinds that must see a
# character, and [\s\S] (which also matches "|").
_EDGE_SENSITIVE = re.compile(r"\$|\\Z|\(\?<=|\[\\s\\S\]")


def _prefilter_safe(patterns: tuple[str, ...]) -> bool:
    """Whether a search over ``Prepared.marked`` finds a match whenever a clause-bounded search would.

    A clause-bounded match at position p is a match of the same text in ``marked``: what follows
    the clause there is "|", which no ``[^|]`` class and no literal accepts, and a negative
    look-ahead or look-behind that held at the clause's edge still holds next to "|".
    """
    return not any(_EDGE_SENSITIVE.search(p) for p in patterns)


@lru_cache(maxsize=4096)   # a shared flag is in every rubric: compile it once
def compile_flag(flag: RedFlag, *, shipped: bool | None = None) -> CompiledFlag:
    """``shipped`` (else the flag's own) says whether its patterns may run outside the grading budget."""
    own = flag.shipped if shipped is None else shipped
    pattern = _alternation(flag.patterns, f"red flag {flag.id}", own)
    unless = _alternation(flag.unless, f"red flag {flag.id} (unless)", own) if flag.unless else None
    before = (_alternation(flag.unless_before, f"red flag {flag.id} (unless_before)", own)
              if flag.unless_before else None)
    if not _prefilter_safe(flag.patterns):
        probes: tuple[Probe, ...] = ()
    elif own:
        probes = _probes(flag.patterns, f"red flag {flag.id}", own)
    else:   # gates are read with ``re``'s parser (see ``_alternation``): a team's patterns get one plain probe
        probes = (Probe(None, pattern),)
    return CompiledFlag(flag, pattern, unless, probes, unless_before=before,
                        gate=necessary(flag.patterns) if own else None)


PROBE_SIZE = 4   # patterns a probe searches at once: small enough that most probes' gates rule them out


def _probes(patterns: tuple[str, ...], source: str, shipped: bool) -> tuple[Probe, ...]:
    """The patterns in probes of ``PROBE_SIZE``, patterns with like gates together so that gates stay narrow.

    A reply matches some probe exactly when it matches the flag's whole alternation; most probes'
    gates rule them out, and the rest search ``PROBE_SIZE`` patterns instead of a few hundred.
    """
    gated = sorted(((necessary((p,)), p) for p in patterns), key=lambda gp: (gp[0] is None, sorted(gp[0] or ())))
    out = []
    for i in range(0, len(gated), PROBE_SIZE):
        chunk = gated[i:i + PROBE_SIZE]
        out.append(Probe(necessary(p for _, p in chunk), _alternation(tuple(p for _, p in chunk), source, shipped)))
    return tuple(out)

"""Rank scripts for a free-text query: BM25F over how the text sounds, plus a few signals a colleague would use.

Tokens (see :func:`tokens`): pairs of adjacent syllables (so a homophone typo
and raw pinyin hit the same token as the characters), single characters (weak),
English words and numbers. Each script is one document with weighted fields;
term weights are precomputed, so scoring a query is a few dictionary look-ups.

On top of BM25F:

- a query that *sounds* exactly like one of a script's names or keywords
  (双约 for 爽约, ``shuangyue``) counts as naming it;
- a query that is a run of initials (``sy``, ``lxbs``) is compared with the
  initials of names and keywords;
- an overdue age (逾期两天, 拖了大半年, M3) points at the scripts of that stage.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import pairwise, product

from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from coachbot.content.models import Script
from coachbot.content.sounds import fold, readings, split_pinyin
from coachbot.domain.text import normalize, to_simplified

# Field weights and BM25F constants.
FIELDS = {"name": 3.0, "says": 2.0, "when": 1.2, "body": 0.4}
B = {"name": 0.3, "says": 0.5, "when": 0.6, "body": 0.75}
K1 = 1.2
# Query-side weights by token kind.
# A pair of characters counts twice: as written (W_PAIR) and as it sounds (W_SOUND), so a homophone
# typo still matches, with less weight than the right characters.
W_CHAR, W_PAIR, W_SOUND, W_WORD, W_NUM, W_STAGE = 0.3, 0.6, 0.6, 1.0, 1.0, 2.0
SOUND_NAME, SOUND_KEYWORD = 4.0, 2.0       # whole query sounds like a name / a keyword of the script
INITIALS_NAME, INITIALS_KEYWORD = 3.0, 1.5
SIGNAL_MIN = 2.0        # a matched signal adds the best unsignalled score, and at least this...
SIGNAL_LEAD = 1.7       # ... and leads it by this factor at least
# The query is spelled (nearly) like one script's names (typos, a word dropped) and clearly more than any
# other's: similarity (0-100) from SPELLING_FROM, SPELLING_MARGIN ahead; a bonus of SPELLED up to 2x.
SPELLING_FROM, SPELLING_MARGIN, SPELLED = 75.0, 6.0, 6.0
ENGLISH_TYPO = 80.0     # an unknown English word counts as the known one this similar (idenity → identity)

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_RUNS = re.compile(rf"[{_CJK}]+|[a-z]+(?:[\s'’-]+[a-z]+)*|\d+")
_WORD_SPLIT = re.compile(r"[\s'’-]+")
# 不是不想还 / 也不是不还: a double negative is the positive (想还, 还).
_DOUBLE_NEGATIVE = re.compile(r"不是不|并不是不|也不是不")
# Filler that says nothing about the situation ("客户说…怎么办"), for comparing spellings.
_FILLER = re.compile(r"怎么办|怎么处理|怎么说|怎么回|如何处理|客户|对方|债务人|的|了|说|呢|吗|啊")
# What agents wrap every query in; it says nothing about which script.
_WRAPPER = re.compile(r"该怎么办|怎么办|怎么处理|如何处理|如何应对|怎么应对|怎么说|怎么回|客户|对方|债务人")


# English words that say nothing about which script (a, the, customer, says...).
_EN_STOP = frozenset(re.findall(r"\w+", """
    a an the is are was were be been am i me my you your he him his she her it its they them their we us our
    to of in on at for with and or but so do does did has have had can could would will t s re ve ll d
    customer client debtor borrower says said say tells told wants want what how when this that there
"""))
_PINYIN_WRAPPER = frozenset({"kehu", "duifang", "zenmeban", "zenmechuli"})


def _core(text: str) -> str:
    return _FILLER.sub("", text) or text


def spelling(q: str, key: str) -> float:
    """0-100: how well name ``key`` explains query ``q`` as spelled (both normalised, filler dropped).

    A key found whole inside the query scores by the share of the query it covers;
    otherwise the longest common subsequence does, provided most of the key is
    there (typos, a word added or dropped).
    """
    if q == key:
        return 100.0
    if len(q) >= 2 and sorted(q) == sorted(key):   # characters swapped (错打了)
        return 90.0
    if len(key) >= 2 and key in q:
        return 72.0 + 26.0 * len(key) / len(q)
    if len(q) >= 2 and q in key:
        return 72.0 + 26.0 * len(q) / len(key)
    lcs = LCSseq.similarity(q, key)
    if lcs >= 2 and lcs / len(key) >= 0.75:
        return 50.0 + 48.0 * lcs / max(len(q), len(key))
    return fuzz.ratio(q, key) * 0.8


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


class Rewriter:
    """Colloquial and dialect variants read as their plain word (咋 → 怎么, 冇 → 没有)."""

    def __init__(self, synonyms: Mapping[str, tuple[str, ...]]) -> None:
        self.to = {to_simplified(v).lower(): to_simplified(word).lower()
                   for word, variants in synonyms.items() for v in variants if v}
        keys = sorted(self.to, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, keys))) if keys else None

    def __call__(self, text: str) -> str:
        s = to_simplified(text).lower()
        if self.pattern is not None:
            s = self.pattern.sub(lambda m: self.to[m.group(0)], s)
        return _WRAPPER.sub(" ", _DOUBLE_NEGATIVE.sub("", s))


def tokens(text: str) -> dict[str, float]:
    """Token → weight for prepared (simplified, lower-case) text."""
    out: dict[str, float] = defaultdict(float)
    for run in _RUNS.findall(text):
        first = run[0]
        if first >= "\u3400":
            sounds = [readings(ch) or (ch,) for ch in run]
            for ch in run:
                out["c" + ch] += W_CHAR
            for i, (a, b) in enumerate(pairwise(sounds)):
                out["w" + run[i: i + 2]] += W_PAIR
                combos = list(product(a, b))
                for x, y in combos:
                    out[f"{x}_{y}"] += W_SOUND / len(combos)
        elif first.isdigit():
            out["n" + run] += W_NUM
        else:
            words = [w for w in _WORD_SPLIT.split(run) if w]
            for w in words:
                if w not in _EN_STOP:
                    out["e" + _stem(w)] += W_WORD
            syllables: list[str] = []
            for w in words:
                if w in _PINYIN_WRAPPER:
                    continue
                split = split_pinyin(w)
                if split is None:
                    syllables = []
                    break
                syllables += [fold(s) for s in split]
            for x, y in pairwise(syllables):   # typed as pinyin, the sound is all there is
                out[f"{x}_{y}"] += W_SOUND + W_PAIR
    return out


# ------------------------------------------------------------------ overdue age → stage

_NUM = "0-9零一二两三四五六七八九十百几半"
_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "几": 3}
_UNITS = {"天": 1, "日": 1, "周": 7, "星期": 7, "礼拜": 7, "月": 30, "年": 365,
          "day": 1, "week": 7, "month": 30, "year": 365}
_FEW = {"a few": 3, "few": 3, "several": 4, "many": 6}
_AGE = (  # (number, unit): 逾期两天, 拖了大半年, 三个月没还, 5 days overdue, overdue for months
    re.compile(rf"(?:逾期|预期|晚了|晚还|拖了|拖欠|欠了|超期|过期|迟了|拖)[^，。,.!?！？;；]{{0,4}}?"
               rf"([{_NUM}]+)多?个?(天|日|周|星期|礼拜|月|年)"),
    re.compile(rf"([{_NUM}]+)多?个?(天|日|周|星期|礼拜|月|年)[^，。,.!?！？;；]{{0,2}}(?:逾期|没还|未还|没动静)"),
    re.compile(r"(\d+|a few|few|several|many)?\s*(day|week|month|year)s?\s*(?:overdue|late|past due)"),
    re.compile(r"(?:overdue|late|past due)\s*(?:for\s*)?(\d+|a few|few|several|many)?\s*(day|week|month|year)s?"),
    re.compile(rf"(?:overdue|late|past due|dpd)\s*(?:for\s*)?([{_NUM}]+)\s*多?个?(天|日|周|星期|礼拜|月|年)"),   # mixed
)
_BUCKET = re.compile(r"(?<![a-z])(?:m([0-9])|dpd\s*(\d+))(?![0-9])")


def _number(text: str | None) -> float:
    if not text:
        return 2.0                # "overdue for months": at least two
    if text in _FEW:
        return _FEW[text]
    if text.isdigit():
        return float(text)
    if text == "半":
        return 0.5
    total, current = 0.0, 0.0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "半":
            current += 0.5
    return total + current


def overdue_stage(text: str) -> str | None:
    """``early`` (1-5 days), ``late`` (19+) or None, from an overdue age in prepared text.

    >>> overdue_stage("才逾期两天"), overdue_stage("拖了大半年"), overdue_stage("m3的老客户")
    ('early', 'late', 'late')
    """
    days = None
    for pattern in _AGE:
        if m := pattern.search(text):
            days = _number(m.group(1)) * _UNITS[m.group(2)]
            break
    else:
        if (m := _BUCKET.search(text)) and m.group(1):
            bucket = int(m.group(1))
            days = 3 if bucket == 0 else 45 if bucket >= 2 else None
        elif m:
            days = float(m.group(2))
    if days is None:
        return None
    return "early" if days <= 5 else "late" if days >= 19 else None


# ------------------------------------------------------------------ the index


def _initials(phrase: str) -> set[str]:
    letters: list[tuple[str, ...]] = []
    for ch in phrase:
        if r := readings(ch):
            letters.append(tuple(dict.fromkeys(s[0] for s in r)))
        elif ch.isascii() and ch.isalpha():
            return set()
    if len(letters) < 2 or math.prod(len(x) for x in letters) > 16:
        return set()
    return {"".join(p) for p in product(*letters)}


class Ranker:
    def __init__(self, scripts: Iterable[Script], synonyms: Mapping[str, tuple[str, ...]]) -> None:
        self.prepare = Rewriter(synonyms)
        fields: dict[str, dict[str, list[str]]] = {}
        self.sound_phrases: list[tuple[list[tuple[str, ...]], str, float]] = []
        self.initials: dict[str, dict[str, float]] = defaultdict(dict)
        self.spellings: list[tuple[str, str]] = []
        self.signals: list[tuple[re.Pattern[str], str]] = []
        stages: dict[str, str] = {}
        for s in scripts:
            self.signals += [(re.compile(k[3:]), s.id) for k in s.keywords if k.startswith("re:")]
            keywords = [k for k in s.keywords if not k.startswith("re:")]
            names = [s.title, *s.aliases, " ".join(s.id.split("-"))]
            self.spellings += [(_core(k), s.id) for n in names if (k := normalize(n))]
            fields[s.id] = {
                "name": names + keywords,
                "says": list(s.says) + [c[0] for c in s.cases],
                "when": [s.when] + [c[1] for c in s.cases],
                "body": [m for st in s.steps for m in (st.move, *st.say)] + [c[2] for c in s.cases],
            }
            for phrase, weight in [(n, SOUND_NAME) for n in names] + [(k, SOUND_KEYWORD) for k in keywords]:
                text = self.prepare(phrase)
                seq = [readings(ch) for ch in text if readings(ch)]
                if len(seq) >= 2 and len(seq) == len(re.sub(rf"[^{_CJK}]", "", text)):
                    self.sound_phrases.append((seq, s.id, weight))
                for ini in _initials(text):
                    w = INITIALS_NAME if weight == SOUND_NAME else INITIALS_KEYWORD
                    self.initials[ini][s.id] = max(self.initials[ini].get(s.id, 0.0), w)
            stages[s.id] = s.stage
        self.postings = self._build(fields, stages)
        self.english = [t[1:] for t in self.postings if t.startswith("e")]

    def _build(self, fields: dict[str, dict[str, list[str]]],
               stages: dict[str, str]) -> dict[str, list[tuple[str, float]]]:
        per_field: dict[str, dict[str, dict[str, float]]] = {}
        lengths: dict[str, dict[str, float]] = defaultdict(dict)
        for sid, by_field in fields.items():
            per_field[sid] = {}
            for name, texts in by_field.items():
                counts: dict[str, float] = defaultdict(float)
                for t in texts:
                    for tok, w in tokens(self.prepare(t)).items():
                        counts[tok] += w
                if name == "name" and stages[sid] != "any":
                    counts["s:" + stages[sid]] += 1.0
                per_field[sid][name] = counts
                lengths[name][sid] = sum(counts.values())
        avg = {name: (sum(v.values()) / len(v) if v else 1.0) or 1.0 for name, v in lengths.items()}
        df: dict[str, int] = defaultdict(int)
        tf: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for sid, counted in per_field.items():
            seen: set[str] = set()
            for name, counts in counted.items():
                norm = 1 - B[name] + B[name] * lengths[name][sid] / avg[name]
                for tok, c in counts.items():
                    tf[tok][sid] += FIELDS[name] * c / norm
                    seen.add(tok)
            for tok in seen:
                df[tok] += 1
        n = len(per_field)
        postings: dict[str, list[tuple[str, float]]] = {}
        for tok, by_sid in tf.items():
            idf = math.log(1 + (n - df[tok] + 0.5) / (df[tok] + 0.5))
            postings[tok] = [(sid, idf * x * (K1 + 1) / (x + K1)) for sid, x in by_sid.items()]
        return postings

    def rank(self, query: str) -> list[tuple[float, str]]:
        text = self.prepare(query)
        scores: dict[str, float] = defaultdict(float)
        for tok, qw in self._known(tokens(text)).items():
            for sid, contrib in self.postings.get(tok, ()):
                scores[sid] += min(qw, 2.0) * contrib
        for sid, bonus in self._spelled(query).items():
            scores[sid] += bonus
        for sid, bonus in self._sounds_like(text).items():
            scores[sid] += bonus
        for sid, bonus in self._initials(text).items():
            scores[sid] += bonus
        if stage := overdue_stage(text):
            for sid, contrib in self.postings.get("s:" + stage, ()):
                scores[sid] += W_STAGE * contrib
        signalled = {sid for pattern, sid in self.signals if pattern.search(text)}
        if signalled:
            floor = max((v for sid, v in scores.items() if sid not in signalled), default=0.0)
            for sid in signalled:
                scores[sid] = max(scores[sid] + max(floor, SIGNAL_MIN), SIGNAL_LEAD * floor)
        return sorted(((round(v, 4), sid) for sid, v in scores.items() if v > 0), key=lambda t: (-t[0], t[1]))

    def _known(self, query: dict[str, float]) -> dict[str, float]:
        """An English word the index does not know stands for the known word it is a typo of."""
        out = dict(query)
        for tok, w in query.items():
            if tok.startswith("e") and tok not in self.postings and len(tok) > 4:
                found = process.extractOne(tok[1:], self.english, scorer=fuzz.ratio, score_cutoff=ENGLISH_TYPO)
                if found:
                    out["e" + found[0]] = out.get("e" + found[0], 0.0) + w
        return out

    def by_name(self, query: str) -> list[tuple[float, str]]:
        """(0-100, script id) by how the query is spelled against each script's names, best first.

        What a query too common to rank on (还款: every script has it) is offered by.
        """
        q = _core(normalize(query))
        if not q:
            return []
        best: dict[str, list[float]] = defaultdict(list)
        for key, sid in self.spellings:
            best[sid].append(spelling(q, key))
        ranked = []
        for sid, values in best.items():
            values.sort(reverse=True)
            support = sum(1 for v in values[1:4] if v >= 70.0)   # several names agreeing is more evidence
            ranked.append((min(100.0, values[0] + 2.0 * support), sid))
        return sorted(ranked, key=lambda t: (-t[0], t[1]))

    def _spelled(self, query: str) -> dict[str, float]:
        ranked = self.by_name(query)
        if not ranked:
            return {}
        (top, sid), runner_up = ranked[0], ranked[1][0] if len(ranked) > 1 else 0.0
        if top >= SPELLING_FROM and (top - runner_up >= SPELLING_MARGIN or top >= 95.0):
            return {sid: SPELLED * (1 + (top - SPELLING_FROM) / (100.0 - SPELLING_FROM))}
        return {}

    def _sounds_like(self, text: str) -> dict[str, float]:
        runs = _RUNS.findall(text)
        if len(runs) != 1:
            return {}
        run = runs[0]
        if run[0] >= "\u3400":
            query: list[set[str]] = [set(readings(ch)) for ch in run]
        else:
            split = [split_pinyin(w) for w in _WORD_SPLIT.split(run) if w and w not in _PINYIN_WRAPPER]
            if any(s is None for s in split):
                return {}
            query = [{fold(x)} for s in split for x in s or ()]
        found: dict[str, float] = {}
        for seq, sid, weight in self.sound_phrases:
            if len(seq) == len(query) and all(q & set(r) for q, r in zip(query, seq)):
                found[sid] = max(found.get(sid, 0.0), weight)
        return found

    def _initials(self, text: str) -> dict[str, float]:
        word = text.strip()
        if not (2 <= len(word) <= 6 and word.isascii() and word.isalpha()) or split_pinyin(word) is not None:
            return {}
        if self.postings.get("e" + _stem(word)):
            return {}
        return dict(self.initials.get(word, {}))

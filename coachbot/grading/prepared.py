"""A reply prepared for matching, with a way back to the words the agent typed.

``flat`` is the normalised text (full width folded, Traditional→Simplified,
lower case, no punctuation or spaces) that rubric phrases and red-flag
patterns run against. ``span_text`` maps a span of ``flat`` back to the
original characters, so feedback quotes what the agent wrote.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise

from coachbot.domain.text import to_simplified
from coachbot.grading.cantonese import as_mandarin
from coachbot.grading.disguise import undisguise
from coachbot.grading.grams import grams

# Words, and the few emoji that carry contempt: on their own (an eye-roll after "月底就月底" mocks), or
# laughing or smirking at a customer under a threat (😂, 🤣, 😅, 🙂, 👍: the `with_other` flag `mocking-emoji`).
# A space between two Chinese characters is a pause, as a comma would be: dictated or hurried replies
# come unpunctuated ("马女士您说得对 反复打电话谁都烦 那咱们今天就一次说清楚").
_PAUSE = re.compile(r"[\u3400-\u9fff]\s+[\u3400-\u9fff]")
# Fillers of spoken replies (呃, 嗯) are left out, like punctuation: "您别，呃，别去借网贷" reads as "您别别去借网贷".
_KEEP = re.compile(r"[^\s\W_呃嗯]+|[🙄😒😏🤡💩🖕👎🙃🤮😂🤣😅🙂👍]+", re.UNICODE)
_CLAUSE_BREAK = re.compile(r"[,.!?;:\n。！？；：…~]")
# A separator inside a number ("8,900", "2.5") does not end a clause; a full-width comma always does
# ("8900，3天内"), so the separator is read in what the agent typed.
_IN_NUMBER = re.compile(r"\d(,\d{3}(?!\d)|\.\d)")
# The commonest typo of the trade, 在 for 再 before a verb of contacting ("明天在联系您", "不会在打扰您"),
# read as meant; the same length, so quotes still map back to what the agent typed.
_ZAI_TYPO = re.compile(
    r"(?<=[不会别就我咱们周天后时候然点半到])在(?=打|联系|约|跟进|拨|来电|商量|确认|提醒|给您|给你|回电|催|找您)"
)

# Homophone slips of a phone IME that hide a rubric step, read as meant (same length): 您心苦了, 我计一下, 却认.
_TYPOS = {"心苦了": "辛苦了", "却认": "确认", "计一下": "记一下", "计下来": "记下来", "办的到": "办得到"}
_TYPO = re.compile("|".join(_TYPOS))

# The customer's own words quoted back ("您说“天天打”", "您问“是不是想让我再还一遍”"): what the agent
# answers, not what the agent says. Only after 您/你 and a verb of saying, and only inside quotation marks.
_REPORTED = re.compile(
    r"(?<![跟和给对向替帮同])(您|你)(刚才|刚刚|方才|之前|上次|一直|也|又|还)?(这|介)?(一)?(句|说|问|讲|提到|提|喊|嚷|骂)(的|了|过|道)?"
    r"[:：,，]?\s*[“「『‘\"'](?P<words>[^“”「」『』‘’\"'\n]{1,40})[”」』’\"']"
)
# The same without quotation marks, when the agent's own answer follows: "您说晚上11点以后打，我心领了，可……".
# The customer is the one saying it: "跟您说明一下：……" is the agent speaking.
_REPORTED_PLAIN = re.compile(
    r"(?<![跟和给对向替帮同])(您|你|恁)(刚才|刚刚|方才|还|也)?(说|问|讲|提到)(?P<words>[^，,。！？!?；;\n“”「」]{2,30})[，,。]\s*"
    r"(我|俺|额|咱)?(也)?(心领了|理解|明白|知道|谢谢|感谢|可是|不过|但是|但|只是|不好意思|非常抱歉|抱歉|对不起|听明白了)"
)
# An agent who mirrors the customer paraphrases, then breaks off with a dash or an ellipsis before answering
# ("您说我们天天打、您在上班，再打就拉黑——我听明白了", "您说11点以后打……那个时间我们不打的"), or asks whether
# that is what was meant ("您的意思是先借网贷把我们这边堵上，对吧？"). The words may run over commas.
_REPORTED_ECHO = re.compile(
    r"(?:(?<![跟和给对向替帮同])(您|你|恁)(刚才|刚刚|方才|还|也)?(说|问|讲|提到|担心|怕|觉得|以为)"
    r"|(?<=[，,])(还|也)?(问|担心)(?=(我们)?(是不是|是否|为什么)))"
    r"(?P<words>[^。！？!?；;\n“”「」—….]{2,40})(——|—|…|\.\.)"
    r"|(您|你)的?意思是(说)?(?P<meant>[^。！？!?；;\n“”「」]{2,40}?)[，,]?\s*(对吧|是吧|对不对|没错吧|是这样吧|是这个意思吧)"
    # a quotation opening a sentence, answered at once: "“天天打、我在上班”，这个我理解"
    r"|(?:^|(?<=[。！？!?]))\s*[“「『\"](?P<quoted>[^“”「」『』\"\n]{1,40})[”」』\"][，,]?\s*(这个|这|我|您的|你的|明白|理解)"
)

# The agent's own story, told to build rapport: "我刚工作那几年也是卡还不上，就借网贷来还，结果……",
# "我老公被裁那年……他那时想去借网贷，我拦着没让", "我妈前年住院那会儿……到处找亲戚借钱交押金". It is her past, not
# advice or a threat to the customer: read up to the end of the sentence, or up to the first 您/你 ("我当年就是找
# 我哥借的，您也去找您哥借嘛" still urges the customer). A colleague counts only with a time in the past: "我同事
# 明天上门" is no story.
_FAMILY = "老公|老婆|爱人|妈|爸|妈妈|爸爸|婆婆|公公|女儿|儿子|表妹|表弟|表姐|表哥|姐姐|哥哥|弟弟|妹妹|闺蜜|前夫|家里人"
_PAST = "那年|那时候|那会儿|那阵子|那几年|那两年|小时候|以前|当年|前年|去年|当时"
_OWN_STORY = re.compile(
    rf"(?:^|(?<=[。！？!?，,；;…]))\s*(?P<story>我(自己)?(以前|之前|当年|那时候|那会儿|刚工作那(几年|会儿|年)|刚入行(的时候|那会儿)|年轻(的)?时候|前年|去年)"
    rf"[^。！？!?\n您你]{{2,80}}"
    rf"|我(的)?({_FAMILY}|同事|朋友|邻居)[^。！？!?\n，,您你]{{0,6}}({_PAST})[^。！？!?\n您你]{{2,80}}"
    rf"|我(的)?({_FAMILY})也(是|老|总|常|经常|被|曾)[^。！？!?\n您你]{{2,80}}"
    rf"|我(们)?家(里)?(的钱|买|花|也)[^。！？!?\n您你]{{2,80}}"
    rf"|我[^。！？!?\n，,您你]{{1,4}}那(两|几)?年[^。！？!?\n您你]{{2,80}})"
)


# A scam the agent warns of: what "有人" says or asks, up to the warning ("要是有人打电话说您还款失败、让您
# 往个人账户再转一笔，那都是骗子") is the scammer's, not the agent's. The warning must be about a scam:
# "明天有人上门找你，千万别不开门" is a threat, not a warning.
_SCAM_WARNING = re.compile(
    r"有人(?P<words>[^。！？!?\n]{1,60}?)[，,]\s*(那|这)?(都|全|一律)?"
    r"(是骗子|是诈骗|是骗局|(千万)?(别|不要)(相信|信|理|上当|转))"
)


@dataclass(frozen=True)
class Prepared:
    original: str
    display: str
    flat: str
    index: tuple[int, ...]          # flat position -> display position
    clause_starts: tuple[int, ...]  # flat positions where a clause begins
    reported: tuple[tuple[int, int], ...] = ()   # flat spans of the customer's (or a scammer's) words, or the agent's own story

    def is_reported(self, start: int, end: int) -> bool:
        """Whether ``flat[start:end]`` lies inside the customer's words quoted back, a scam warned of or the
        agent's own story."""
        return any(a <= start and end <= b for a, b in self.reported)

    def span_text(self, start: int, end: int) -> str:
        if start >= end or not self.index:
            return ""
        return self.display[self.index[start]: self.index[end - 1] + 1].strip()

    @cached_property
    def marked(self) -> str:
        """``flat`` with ``|`` between clauses (no pattern character class admits it: ``[^|]``)."""
        return "|".join(self.flat[s:e] for s, e in self.clauses())

    @cached_property
    def digits_glued(self) -> bool:
        """Whether two numbers typed apart meet in ``flat`` ("尾号3306，20号" reads "330620号" there)."""
        return any(0 < s < len(self.flat) and self.flat[s - 1].isdigit() and self.flat[s].isdigit()
                   for s in self.clause_starts)

    def flat_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of ``flat`` that ``marked[start:end]`` shows (``marked`` has one ``|`` per clause break)."""
        return start - self.marked.count("|", 0, start), end - self.marked.count("|", 0, end)

    @cached_property
    def grams(self) -> frozenset[str]:
        """Every character and adjacent pair of ``marked``: what a flag's gate is tested against."""
        return grams(self.marked)

    def clauses(self) -> list[tuple[int, int]]:
        """(start, end) of every clause of ``flat``."""
        bounds = [*self.clause_starts, len(self.flat)]
        return [(a, b) for a, b in pairwise(bounds) if b > a]

    def clause_of(self, pos: int) -> tuple[int, int]:
        start, end = 0, len(self.flat)
        for s in self.clause_starts:
            if s <= pos:
                start = s
            else:
                end = s
                break
        return start, end


def _ends_clause(text: str, lower: str, gap_start: int, gap_end: int, typed_same_length: bool) -> bool:
    """Whether the gap between two kept runs ends a clause: punctuation not inside a number, or a pause."""
    if _CLAUSE_BREAK.search(lower, gap_start, gap_end):
        return not (typed_same_length and _IN_NUMBER.match(text, gap_start - 1))
    return _PAUSE.fullmatch(lower, gap_start - 1, gap_end + 1) is not None


def prepare(text: str) -> Prepared:
    text = undisguise(text)   # zuo牢, fa-院, J察: what a keyword filter was meant not to see
    display = unicodedata.normalize("NFKC", text)
    # Taiwan wording of the trade, same length: 繳 is paying back (繳款, 最低應繳), 聯徵 the credit bureau.
    simp = to_simplified(as_mandarin(text)).replace("缴", "还").replace("联征", "征信")
    if len(simp) != len(display):
        display = simp
    lower = simp.lower()
    if len(lower) != len(simp):
        lower = simp
    typed_same_length = len(text) == len(lower)
    flat_parts: list[str] = []
    index: list[int] = []
    clause_starts: list[int] = [0]
    last_end = 0
    pos = 0
    for m in _KEEP.finditer(lower):
        if pos and _ends_clause(text, lower, last_end, m.start(), typed_same_length):
            clause_starts.append(pos)
        flat_parts.append(m.group())
        index.extend(range(m.start(), m.end()))
        pos += m.end() - m.start()
        last_end = m.end()
    flat = _TYPO.sub(lambda m: _TYPOS[m.group()], _ZAI_TYPO.sub("再", "".join(flat_parts)))
    return Prepared(text, display, flat, tuple(index), tuple(clause_starts), _reported(lower, index))


def _reported(lower: str, index: list[int]) -> tuple[tuple[int, int], ...]:
    """Flat spans of the customer's words quoted back or mirrored, of a scam warned of and of the agent's own
    story, from spans of ``lower`` (which ``index`` maps to)."""
    spans = []
    for m in (*_REPORTED.finditer(lower), *_REPORTED_PLAIN.finditer(lower), *_REPORTED_ECHO.finditer(lower),
              *_SCAM_WARNING.finditer(lower), *_OWN_STORY.finditer(lower)):
        group = next(g for g in ("words", "meant", "quoted", "story") if g in m.re.groupindex and m.start(g) >= 0)
        start, end = bisect_left(index, m.start(group)), bisect_left(index, m.end(group))
        if end > start:
            spans.append((start, end))
    return tuple(spans)

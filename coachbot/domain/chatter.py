"""Is a channel message an answer to the challenge, or team chatter?

A real team talks all day in its channel: "收到", "好的👌", "+1", a lead's
"今天的挑战大家认真做哦", a question to a colleague. None of that is an answer,
so none of it is graded or stored. :func:`chatter_reason` says why a message
is chatter (or None when it may be an answer); each rule below carries the
sentences it must and must not catch, and a test holds them.

The rules look at what the message does, not at its quality: an answer
speaks to the customer (您/你, a salutation, the debt, a plan); chatter
acknowledges, reacts, or speaks to the team about the challenge.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from coachbot.domain.text import to_simplified


@dataclass(frozen=True)
class ChatterRule:
    id: str
    why: str
    pattern: re.Pattern[str]
    match: tuple[str, ...]       # must be caught
    no_match: tuple[str, ...]    # must not be caught (real answers)


_EMOJI_OR_MARK = re.compile(r"[\W_]+", re.UNICODE)
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060\ufeff]")
MIN_ANSWER_CHARS = 6   # letters and CJK characters; fewer is an acknowledgement, never an answer


def letters(text: str) -> str:
    """The words of ``text``: letters, digits and CJK, without emoji, marks, punctuation or spaces."""
    folded = to_simplified(_ZERO_WIDTH.sub("", text)).lower()
    kept = "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")
    return _EMOJI_OR_MARK.sub("", kept)


_ACK = (r"(收到|好的?|好滴|嗯+|哦+|噢|ok|okay|okk|明白了?|了解了?|知道了?|懂了|谢谢(大家|组长|老大)?|多谢|辛苦了?|"
        r"加油|赞|点赞|厉害|牛|666+|哈+|呵+|嘿+|对|是的?|没问题|可以|行|好嘞|得嘞|收|1|\+?1|yes|no|thx|thanks|"
        r"早上好|早|下午好|晚上好|大家好|拜拜|再见|在的?|来了)+")

RULES: tuple[ChatterRule, ...] = (
    ChatterRule(
        "acknowledgement", "an acknowledgement or a greeting to the team",
        re.compile(rf"^{_ACK}$"),
        match=("收到", "好的", "好的👌", "+1", "OK", "收到收到", "明白了，谢谢组长", "嗯嗯", "666", "辛苦了",
               "好嘞", "大家好", "1", "ok 👍", "了解～"),
        no_match=("王先生，收到您的还款了", "好的，王先生，那我们约好周五前还1000元", "明白您的难处，这次是遇到什么情况了？"),
    ),
    ChatterRule(
        "about-the-challenge", "talk about the challenge or the answer, addressed to the team",
        re.compile(r"(今天的?|这道|这个|本周的?)(挑战|题)|挑战(题)?大家|(大家|各位|同事们|兄弟们|小伙伴们?)"
                   r"(认真|记得|快|赶紧)|答案(什么时候|几点|啥时候)|(什么时候|几点)(公布|出答案|揭晓)|"
                   r"(谁|有人)(知道|会)(这题|这道|答案|怎么)|怎么(答|回答|写)(啊|呀|呢|\?|？)|这题(怎么|好难|太难)|"
                   r"(排行榜|积分|得分|分数)(怎么|多少|出来)|我(得了|拿了|才)\d+分"),
        match=("今天的挑战大家认真做哦", "这道题怎么答啊？", "答案几点公布？", "有人知道这题怎么写吗", "大家记得做挑战",
               "我才40分，太难了", "排行榜怎么看"),
        no_match=("王先生，今天打给您是想跟您确认一下还款安排", "您好，这次是遇到什么情况了？我们一起看看怎么安排",
                  "谁知道你是不是随口一说，今天先还2000", "让大家都知道你欠钱的事"),
    ),
    ChatterRule(
        "to-a-colleague", "a message to a colleague, not to the customer",
        re.compile(r"^(@\S+|\S{0,3}(组长|经理|老师|主管|班长))[，,：:\s]"
                   r"(?!.*(您|先生|女士|小姐|还款|还钱|欠款|逾期|账单|分期|征信|利息|违约金))"),
        match=("@小李 你做了吗", "张组长，我下午请个假", "李经理：我下午要早点走"),
        no_match=("张先生，您好，关于本期账单想跟您确认一下", "@coachbot 王先生，理解您最近手头紧，这周能先还一部分吗？",
                  "李小姐，你说还了就拿截图出来"),
    ),
)
# Words that only make sense said to the customer: a message holding one is never taken for team talk.
_TO_CUSTOMER = re.compile(r"您|你|妳|先生|女士|小姐|还款|还钱|欠|账|卡|逾期|分期|征信|催收|利息|违约金|滞纳金")


def chatter_reason(text: str) -> str | None:
    """Why ``text`` is chatter rather than an answer, or None when it may be an answer."""
    words = letters(text)
    if not words:
        return "emoji or punctuation only"
    plain = to_simplified(_ZERO_WIDTH.sub("", text)).strip()
    if RULES[0].pattern.search(words):
        return RULES[0].why
    if RULES[2].pattern.search(plain):
        return RULES[2].why
    if not _TO_CUSTOMER.search(plain) and RULES[1].pattern.search(plain):
        return RULES[1].why
    if len(words) < MIN_ANSWER_CHARS:
        return "too short to be something said to a customer"
    return None

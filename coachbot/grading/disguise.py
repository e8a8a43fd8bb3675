"""Words of the trade disguised to slip past a keyword check, read as written plainly.

Agents whose chat is keyword-checked learn to write the sensitive words in pinyin or
initials (zuo牢, fa院, jia人, J察), or to split them (法-院, 坐*牢, 家 人). Only the words in
``WORDS`` are read back, and only when part of the word is disguised: a pinyin syllable or
initial standing for one of its characters, or a separator between its characters. Ordinary
pinyin, English and pauses elsewhere are left alone. The text gets shorter, so a quote is
shown as read (see :func:`coachbot.grading.prepared.prepare`).
"""

from __future__ import annotations

import re

# word -> pinyin of each character
WORDS: dict[str, tuple[str, ...]] = {
    "坐牢": ("zuo", "lao"), "法院": ("fa", "yuan"), "家人": ("jia", "ren"), "家里": ("jia", "li"),
    "公司": ("gong", "si"), "单位": ("dan", "wei"), "领导": ("ling", "dao"), "老板": ("lao", "ban"),
    "同事": ("tong", "shi"), "老赖": ("lao", "lai"), "网贷": ("wang", "dai"), "套现": ("tao", "xian"),
    "传票": ("chuan", "piao"), "警察": ("jing", "cha"), "公安": ("gong", "an"), "征信": ("zheng", "xin"),
    "起诉": ("qi", "su"), "黑名单": ("hei", "ming", "dan"), "通讯录": ("tong", "xun", "lu"),
    "经侦": ("jing", "zhen"), "诈骗": ("zha", "pian"), "判刑": ("pan", "xing"), "派出所": ("pai", "chu", "suo"),
    "上门": ("shang", "men"), "孩子": ("hai", "zi"), "老婆": ("lao", "po"), "老公": ("lao", "gong"),
    "高利贷": ("gao", "li", "dai"), "花呗": ("hua", "bei"), "律师": ("lv|lü|lu", "shi"), "拘留": ("ju", "liu"),
    "坐监": ("zuo", "jian"), "放屁": ("fang", "pi"), "房东": ("fang", "dong"), "主管": ("zhu", "guan"),
    "为止": ("wei", "zhi"), "决定": ("jue", "ding"), "好看": ("hao", "kan"), "律所": ("lv|lü|lu", "suo"),
}
# An initial standing for the first character, only right before the second one: J察, G安.
INITIALS: dict[str, str] = {"j察": "警察", "g安": "公安"}
_SEP = r"[\s*\-_.·/~|+]*"


def _word(word: str, syllables: tuple[str, ...]) -> str:
    return _SEP.join(f"(?:{re.escape(c)}|{s})" for c, s in zip(word, syllables, strict=True))


_WORD = re.compile(
    r"(?<![a-z])(?:" + "|".join(
        [_word(w, s) for w, s in sorted(WORDS.items(), key=lambda kv: -len(kv[0]))]
        + [re.escape(k) for k in INITIALS]) + r")(?![a-z])",
    re.IGNORECASE)
_PLAIN = {**{w: w for w in WORDS}, **INITIALS}
_CJK = re.compile(r"[\u4e00-\u9fff]")
_HINT = re.compile(r"[A-Za-z]|[\u4e00-\u9fff][\s*\-_.·/~|+]+[\u4e00-\u9fff]")


def _plain(match: re.Match[str]) -> str:
    found = match.group()
    squeezed = re.sub(r"[\s*\-_.·/~|+]", "", found).lower()
    if squeezed in INITIALS:
        return INITIALS[squeezed]
    if not _CJK.search(found) and len(squeezed) < 5:
        return found        # short bare pinyin ("fayu…"): too likely something else
    for word, syllables in WORDS.items():
        if re.fullmatch(_word(word, syllables), squeezed, re.IGNORECASE):
            return word
    return found


def undisguise(text: str) -> str:
    """``text`` with the disguised words of ``WORDS`` written plainly; everything else as it was."""
    if not _HINT.search(text):
        return text
    return _WORD.sub(_plain, text)

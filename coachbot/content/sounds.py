"""How text sounds, for lookups typed on a pinyin keyboard.

Agents type fast with a pinyin IME: a homophone (双约 for 爽约), raw pinyin
(``shuangyue``) or initials (``sy``). Comparing how things *sound* catches all
three. Each Chinese character becomes its toneless readings (up to two, so
还 is ``huan`` and ``hai``), folded the way IME "fuzzy pinyin" folds them:
zh/ch/sh as z/c/s, -ang/-eng/-ing as -an/-en/-in, ü as u (so 复诉 sounds like
复述, 投述 like 投诉).

pypinyin (and its dictionaries) is imported on first use, not at import time.

>>> readings("爽")
('suan',)
>>> split_pinyin("shuangyue")
['shuang', 'yue']
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

MAX_READINGS = 2
# Characters whose second reading is everyday Chinese (还 hai/huan, 长 chang/zhang…); every other
# character keeps its most common reading only, since pypinyin also lists rare ones (已 si, 款 xin).
POLYPHONES = frozenset(
    "还了长行重得地的着率约朝传种发都和为便只折调差处强假数乐解结少应给没更参教血觉散干曾藏仔盛转中那卡系"
    "弄倒落省降累难看空当好分间相背扇单奇称冲恶舍似量正胖宿提挣泊会几尽载晃兴露漂朴缝吓壳削参供奔"
)
_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"))


def fold(syllable: str) -> str:
    """One spelling for the sounds an IME's fuzzy mode treats as one."""
    s = syllable.replace("ü", "v").replace("v", "u")
    if s[:2] in ("zh", "ch", "sh"):
        s = s[0] + s[2:]
    for long, short in _FINALS:
        if s.endswith(long):
            s = s[: -len(long)] + short
            break
    return s


def _toneless(reading: str) -> str:
    reading = reading.replace("ü", "v")
    return "".join(ch for ch in unicodedata.normalize("NFD", reading) if not 0x300 <= ord(ch) <= 0x36F)


@lru_cache(maxsize=8192)
def readings(char: str) -> tuple[str, ...]:
    """Folded readings of one character, most common first; () for anything that is not Chinese."""
    from pypinyin import Style, pinyin

    found = pinyin(char, style=Style.NORMAL, heteronym=char in POLYPHONES, errors="ignore")
    out: list[str] = []
    for r in found[0] if found else ():
        f = fold(r)
        if f and f not in out:
            out.append(f)
    return tuple(out[:MAX_READINGS])


@lru_cache(maxsize=1)
def syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (with a vowel), as typed: ``lv`` and ``lu`` both."""
    from pypinyin.pinyin_dict import pinyin_dict

    found: set[str] = set()
    for value in pinyin_dict.values():
        for reading in value.split(","):
            s = _toneless(reading)
            if any(v in s for v in "aeiouv"):
                found.add(s)
                found.add(s.replace("v", "u"))
    return frozenset(found)


@lru_cache(maxsize=2048)
def split_pinyin(word: str) -> list[str] | None:
    """``word`` as whole pinyin syllables (fewest syllables wins), or None when it is not pinyin.

    >>> split_pinyin("lianxibushang")
    ['lian', 'xi', 'bu', 'shang']
    >>> split_pinyin("yjhl") is None
    True
    """
    known = syllables()
    n = len(word)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for i in range(n):
        path = best[i]
        if path is None:
            continue
        for j in range(i + 1, min(n, i + 6) + 1):
            piece = word[i:j]
            candidate = best[j]
            if piece in known and (candidate is None or len(path) + 1 < len(candidate)):
                best[j] = [*path, piece]
    return best[n]


def sounds(text: str) -> list[tuple[str, ...]]:
    """The readings of each Chinese character of ``text`` (others are skipped)."""
    return [r for ch in text if (r := readings(ch))]


def sound_alike(a: str, b: str) -> bool:
    """Whether two names of Chinese characters can sound the same (爽约 / 双约), as an IME would type them.

    >>> sound_alike("爽约", "双约"), sound_alike("爽约", "失约")
    (True, False)
    """
    if len(a) != len(b) or len(a) < 2 or a == b:
        return a == b and len(a) >= 2
    ra, rb = [readings(ch) for ch in a], [readings(ch) for ch in b]
    return all(x and y and set(x) & set(y) for x, y in zip(ra, rb))

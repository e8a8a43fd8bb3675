"""Text normalisation shared by lookup and grading, and the one "did you mean" rule.

Order matters (see platform facts): NFKC folds full width, OpenCC folds
Traditional to Simplified, then case, punctuation and whitespace are dropped.
Example: ``normalize("屢次爽約， Broken  Promise！") == "屡次爽约brokenpromise"``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import opencc
from rapidfuzz import process

_T2S = opencc.OpenCC("t2s")
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


@lru_cache(maxsize=4096)
def to_simplified(text: str) -> str:
    """Fold full width and Traditional characters; keep punctuation and spacing."""
    # OpenCC keeps 著 (ambiguous: 著名 / 等著); in replies it is nearly always 着.
    # It turns 帳 into 帐, which Simplified also writes 账 (账单, 入账): one spelling for matching.
    # It keeps 妳, the feminine "you" of Traditional writing: read as 你, like every rule and evidence phrase.
    return (_T2S.convert(unicodedata.normalize("NFKC", text))
            .replace("著", "着").replace("帐", "账").replace("妳", "你"))


def normalize(text: str) -> str:
    """Simplified, lower-case text with punctuation and whitespace removed."""
    return _DROP.sub("", to_simplified(text).lower())


def cjk_count(text: str) -> int:
    """Number of CJK unified ideographs in ``text``."""
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf")


SUGGEST_CUTOFF = 50.0   # rapidfuzz WRatio; below this a suggestion misleads more than it helps


def closest(word: str, choices: Iterable[str], *, limit: int = 3, cutoff: float = SUGGEST_CUTOFF) -> list[str]:
    """Up to ``limit`` of ``choices`` that look like ``word``, best first: the one "did you mean" rule.

    >>> closest("broken-promis", ["broken-promise", "installment"])
    ['broken-promise']
    """
    found = process.extract(word, list(dict.fromkeys(choices)), limit=limit, score_cutoff=cutoff)
    return [choice for choice, _, _ in found]


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
MAX_REPLY_CHARS = 2000   # what the answer form allows; longer text is graded and kept up to here


def clean(text: str) -> str:
    """Text as it may be stored and shown: control characters, NUL, zero-width and direction marks removed.

    >>> clean("收到\x00\u200b了")
    '收到了'
    """
    return _CONTROLS.sub("", text)


def bounded(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"

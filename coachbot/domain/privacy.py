"""Mask personal data agents sometimes paste into replies (个人信息保护法: minimum necessary).

Mainland mobile numbers, resident ID numbers (18 and the older 15 digits) and
bank-card numbers are masked before a reply is stored, graded, shown or
echoed, keeping the last 4 digits:

>>> mask("客户电话 １３８ １２３４ ５６７８").text
'客户电话 *******5678'

A number is found however it is written: full-width digits, spaces (one,
several, or between every digit), the ideographic space U+3000, dots,
slashes, dashes, zero-width characters between the digits, a ``+86`` or
``0086`` prefix. What it is (ID, card, mobile) is decided from its digits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ID_CARD, BANK_CARD, MOBILE = "身份证号", "银行卡号", "手机号"

_DIGIT = r"[0-9０-９]"
_SEP = r"[\s\u3000\u00a0.．/／\-－_—–‐·・\u200b-\u200d\u2060\ufeff]"
# digits, allowing up to three separator characters between any two; an ID may end in X
_RUN = re.compile(rf"(?<![0-9０-９A-Za-zＡ-Ｚａ-ｚ]){_DIGIT}(?:{_SEP}{{0,3}}{_DIGIT})*(?:{_SEP}{{0,3}}[XxＸｘ])?"
                  rf"(?![0-9０-９A-Za-zＡ-Ｚａ-ｚ])")
_AREA = r"[1-9]\d{5}"
_MMDD = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_ID18 = re.compile(rf"^{_AREA}(?:18|19|20)\d{{2}}{_MMDD}\d{{3}}[\dX]$")
_ID15 = re.compile(rf"^{_AREA}\d{{2}}{_MMDD}\d{{3}}$")
_MOBILE = re.compile(r"^(?:0086|86)?1[3-9]\d{9}$")


@dataclass(frozen=True)
class Masked:
    text: str
    kinds: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.kinds)


def _digits(run: str) -> str:
    """The run's digits (and a final X) in ASCII, separators dropped."""
    folded = unicodedata.normalize("NFKC", run).upper()
    return "".join(ch for ch in folded if ch.isdigit() or ch == "X")


def kind_of(digits: str) -> str | None:
    """What a run of digits is, by its shape; None when it is not personal data (an amount, a date)."""
    if _ID18.match(digits) or _ID15.match(digits):
        return ID_CARD
    if "X" in digits:
        return None
    if _MOBILE.match(digits):
        return MOBILE
    if 15 <= len(digits) <= 19:
        return BANK_CARD
    return None


def mask(text: str) -> Masked:
    kinds: list[str] = []

    def repl(m: re.Match[str]) -> str:
        digits = _digits(m.group())
        kind = kind_of(digits)
        if kind is None:
            return m.group()
        if kind not in kinds:
            kinds.append(kind)
        return "*" * (len(digits) - 4) + digits[-4:]

    return Masked(_RUN.sub(repl, text), tuple(kinds))

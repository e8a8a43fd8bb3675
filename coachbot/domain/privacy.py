"""Mask personal data agents sometimes paste into replies (个人信息保护法: minimum necessary).

Mainland mobile numbers, resident ID numbers and bank-card numbers are masked
before a reply is stored, graded, shown or echoed, keeping the last 4 digits.
Numbers split by spaces or dashes are caught too.

>>> mask("客户电话 138-1234-5678")
Masked(text='客户电话 *******5678', kinds=('手机号',))
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SEP = r"[ \-\u00a0\u3000]?"
_D = r"\d"


def _digits(n: int) -> str:
    return _SEP.join([_D] * n)


# Order matters: ID cards (18) before bank cards (16-19) before mobiles (11).
_ID_CARD = re.compile(
    r"(?<![\dA-Za-z])[1-9]" + _SEP + _digits(5) + _SEP
    + r"(?:1[89]|20)" + _SEP + _digits(2) + _SEP + r"(?:0[1-9]|1[0-2])" + _SEP
    + r"(?:0[1-9]|[12]\d|3[01])" + _SEP + _digits(3) + _SEP + r"[\dXx](?![\dA-Za-z])"
)
_BANK_CARD = re.compile(r"(?<!\d)(?:\d[ \-]?){15,18}\d(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[ \-]?)?1[3-9]\d(?:[ \-]?\d){8}(?!\d)")


@dataclass(frozen=True)
class Masked:
    text: str
    kinds: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.kinds)


def _mask_match(m: re.Match[str]) -> str:
    digits = re.sub(r"[^\dXx]", "", m.group())
    return "*" * (len(digits) - 4) + digits[-4:]


def mask(text: str) -> Masked:
    kinds: list[str] = []

    def sub(pattern: re.Pattern[str], label: str, s: str, check=None) -> str:
        def repl(m: re.Match[str]) -> str:
            digits = re.sub(r"[^\dXx]", "", m.group())
            if check is not None and not check(digits):
                return m.group()
            if label not in kinds:
                kinds.append(label)
            return _mask_match(m)
        return pattern.sub(repl, s)

    out = sub(_ID_CARD, "身份证号", text)
    out = sub(_BANK_CARD, "银行卡号", out, check=lambda d: 16 <= len(d) <= 19)
    out = sub(_MOBILE, "手机号", out)
    return Masked(out, tuple(kinds))

"""Personal data pasted into replies is masked, keeping the last 4 digits."""

from __future__ import annotations

import pytest

from coachbot.domain.privacy import mask


@pytest.mark.parametrize("raw, kind, kept", [
    ("客户手机 13812345678 不接", "手机号", "5678"),
    ("打 138 1234 5678 没人接", "手机号", "5678"),
    ("号码138-1234-5678", "手机号", "5678"),
    ("+86 159-0011-2233 是他老婆的", "手机号", "2233"),
    ("身份证 110101199003071234", "身份证号", "1234"),
    ("身份证：32010619851231002X", "身份证号", "002X"),
    ("证件 110101 19900307 1234", "身份证号", "1234"),
    ("卡号 6222 0212 3456 7890 123", "银行卡号", "0123"),
    ("还到 6217-0000-1111-2222 这张卡", "银行卡号", "2222"),
    ("卡号6228480402564890018", "银行卡号", "0018"),
])
def test_realistic_numbers_are_masked(raw, kind, kept):
    masked = mask(raw)
    assert kind in masked.kinds
    digits = "".join(ch for ch in masked.text if ch.isdigit() or ch in "Xx*")
    assert digits.endswith(kept) and "*" in masked.text
    original_digits = "".join(ch for ch in raw if ch.isdigit())
    assert original_digits not in "".join(ch for ch in masked.text if ch.isdigit())


@pytest.mark.parametrize("raw", [
    "本期应还3200元，逾期12天",
    "周五前先还1,000元，日期2026-11-27",
    "工号 1025，分机 8801",
    "合同编号 20261125",
])
def test_ordinary_numbers_are_left_alone(raw):
    masked = mask(raw)
    assert masked.text == raw and not masked.changed

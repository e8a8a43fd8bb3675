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


ZW = "\u200b"
FORMATS = [  # (how an agent wrote it, what it is)
    ("13812345678", "手机号"), ("138 1234 5678", "手机号"), ("138-1234-5678", "手机号"),
    ("１３８１２３４５６７８", "手机号"), ("１３８－１２３４－５６７８", "手机号"), ("１３８\u3000１２３４\u3000５６７８", "手机号"),
    ("138.1234.5678", "手机号"), ("138/1234/5678", "手机号"), ("138—1234—5678", "手机号"),
    ("138  1234  5678", "手机号"), ("1 3 8 1 2 3 4 5 6 7 8", "手机号"), (f"138{ZW}1234{ZW}5678", "手机号"),
    (ZW.join("13812345678"), "手机号"), ("0086 138 1234 5678", "手机号"), ("008613812345678", "手机号"),
    ("+86 138 1234 5678", "手机号"), ("＋８６\u3000１３８１２３４５６７８", "手机号"), ("86-138-1234-5678", "手机号"),
    ("138–1234–5678", "手机号"), ("138 · 1234 · 5678", "手机号"),
    ("110101199003071234", "身份证号"), ("32010619851231002X", "身份证号"), ("32010619851231002x", "身份证号"),
    ("１１０１０１１９９００３０７１２３４", "身份证号"), ("３２０１０６１９８５１２３１００２Ｘ", "身份证号"),
    ("110101 19900307 1234", "身份证号"), ("110101-19900307-1234", "身份证号"), ("110101900307123", "身份证号"),
    ("110101 900307 123", "身份证号"), ("１１０１０１９００３０７１２３", "身份证号"), ("1101 0119 9003 0712 34", "身份证号"),
    ("6222021234567890123", "银行卡号"), ("6222 0212 3456 7890 123", "银行卡号"),
    ("6222\u30000212\u30003456\u30007890", "银行卡号"), ("6222.0212.3456.7890", "银行卡号"),
    ("6217-0000-1111-2222", "银行卡号"), ("６２２２０２１２３４５６７８９０", "银行卡号"), ("6222/0212/3456/7890", "银行卡号"),
    ("6 2 2 2 0 2 1 2 3 4 5 6 7 8 9 0", "银行卡号"), (f"6222{ZW}0212{ZW}3456{ZW}7890", "银行卡号"),
    ("6228 4804 0256 4890 018", "银行卡号"), ("6222 0212  3456\u30007890", "银行卡号"),
]


def _plain_digits(text: str) -> str:
    import unicodedata
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).upper() if ch.isdigit() or ch == "X")


@pytest.mark.parametrize(("written", "kind"), FORMATS, ids=range(len(FORMATS)))
def test_a_number_however_written_never_reaches_the_store_the_export_or_the_reveal(written, kind, tmp_path, library):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from coachbot.domain.teams import Schedule, Settings, Team
    from coachbot.platforms.fake import FakeChat
    from coachbot.runtime.app import build
    from coachbot.usecases.dispatch import handle
    from coachbot.usecases.ports import Incoming
    from tests.test_coach import GOOD

    morning = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    team = Team(id="t1", name="一组", channels={"fake": ("C1",)}, schedule=Schedule(reveal="16:00"))
    chat = FakeChat()
    bot = build(Settings(teams=(team,), database=str(tmp_path / "p.db")), chat, library=library)
    try:
        [posted] = bot.coach.post_challenge(team, morning, content_id="broken-promise")
        answer = f"{GOOD}客户给的号码是 {written}，我记下了。"
        [feedback] = handle(bot.coach, Incoming("fake", "C1", "U1", answer, user_name="小王"), morning + timedelta(minutes=5))
        bot.coach.reveal(bot.store.post(posted.post.id), morning + timedelta(hours=7))
        secret = _plain_digits(written)
        [sub] = bot.store.submissions_for_post(posted.post.id)
        exported = " ".join(str(v) for row in bot.store.export_submissions(now=morning + timedelta(hours=8))
                            for v in row.values())
        [reveal] = chat.posts("reveal")
        for where, text in (("stored", sub.submission.text), ("export", exported),
                            ("reveal", reveal.message.fallback), ("feedback", feedback.message.fallback)):
            assert secret not in _plain_digits(text), where
            if where != "feedback":                        # feedback quotes evidence, not the whole reply
                assert "*" * (len(secret) - 4) + secret[-4:] in text, where
        assert f"你的回答里有{kind}" in feedback.message.fallback
        assert sub.submission.passed and "小王" in reveal.message.fallback
    finally:
        bot.close()


def test_the_table_has_at_least_forty_formats():
    assert len(FORMATS) >= 40 and {k for _, k in FORMATS} == {"手机号", "身份证号", "银行卡号"}

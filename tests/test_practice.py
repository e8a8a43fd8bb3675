"""Per-agent spaced practice over National Day: the missed steps come back on the right working days,
privately, until met twice in a row; never on the leaderboard."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from coachbot.domain.review import PracticeItem, next_round, practice_met
from coachbot.domain.teams import Schedule, Settings, Team
from coachbot.domain.timetable import add_posting_days
from coachbot.platforms.fake import FakeChat
from coachbot.runtime.app import build
from coachbot.usecases.dispatch import handle
from coachbot.usecases.due import run_due
from coachbot.usecases.ports import Incoming

SH = ZoneInfo("Asia/Shanghai")
NEAR = "上周您答应过要还款的。下周三前先还1000元，可以吗？我给您记下来。"     # misses 3 steps
FULL = ("王先生，理解您这周手头紧。不过上周五您说发工资就还，到现在还没到账，想先了解一下这次是遇到什么情况了？"
        "如果全额有困难，您看周五前能不能先还 1,000 元？我跟您确认一下，周五前还 1,000 元，对吗？我给您备注上。"
        "也如实提醒您，持续逾期会按规定报送征信。")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), SH)


def team() -> Team:
    return Team(id="t1", name="电催一组", channels={"fake": ("C1",)}, leads=("boss",),
                schedule=Schedule(lesson="09:00", challenge="10:00", reveal="16:00", summary="fri 17:30"))


@pytest.fixture
def bot(tmp_path, library):
    made = build(Settings(teams=(team(),), database=str(tmp_path / "coach.db")), FakeChat(), library=library)
    yield made
    made.close()


def say(bot, user, text, when):
    return handle(bot.coach, Incoming(platform="fake", channel="C1", user=user, user_name=user, text=text), when)


def practice_to(bot, user):
    return [s for s in bot.coach.chat.private_to(user) if s.message.kind == "practice"]


def test_missed_steps_come_back_on_working_days_until_met_twice_in_a_row(bot):
    bot.coach.post_challenge(bot.settings.teams[0], at(date(2026, 9, 30), 10), content_id="broken-promise")
    say(bot, "alice", NEAR, at(date(2026, 9, 30), 10, 30))            # Wednesday before National Day
    for when in (at(date(2026, 10, 2), 10), at(date(2026, 10, 8), 11), at(date(2026, 10, 9), 9, 59)):
        run_due(bot.coach, when)
    assert practice_to(bot, "alice") == []                             # holidays skipped: due the 2nd working day
    run_due(bot.coach, at(date(2026, 10, 9), 10))
    run_due(bot.coach, at(date(2026, 10, 9), 10, 1))                   # again: sent once
    [card] = practice_to(bot, "alice")
    assert card.kind == "dm" and "个人练习｜第二次爽约之后" in card.message.fallback
    assert "「问清这次没还上的原因」" in card.message.fallback and "不计入排行榜" in card.message.fallback

    first = say(bot, "alice", f"/教练 练习 {FULL}", at(date(2026, 10, 9), 11))[0].message.fallback
    assert "这次做到了。再做到 1 次就完成；下一轮在 4 个工作日后（10-14）" in first   # Sat 10-10 is a 调休 working day
    run_due(bot.coach, at(date(2026, 10, 13), 10))
    assert len(practice_to(bot, "alice")) == 1
    run_due(bot.coach, at(date(2026, 10, 14), 10))
    assert len(practice_to(bot, "alice")) == 2
    assert "连续 2 次做到了，这道练习完成" in say(bot, "alice", f"/coach practice {FULL}",
                                             at(date(2026, 10, 14), 11))[0].message.fallback
    assert "没有待回答的练习" in say(bot, "alice", f"/coach practice {FULL}", at(date(2026, 10, 14), 12))[0].message.fallback

    # practice never reaches the leaderboard; it shows in the member's stats
    board = say(bot, "alice", "/leaderboard all", at(date(2026, 10, 14), 12))[0].message.fallback
    assert "alice  55 分｜作答 1" in board
    stats = say(bot, "alice", "/coach stats", at(date(2026, 10, 14), 12))[0].message.fallback
    assert "个人练习：作答 2 次，做到 2 次，还有 0 道在练" in stats


def test_practice_on_demand_gives_the_open_item_or_one_on_the_weakest_skill(bot):
    [reply] = say(bot, "bob", "/coach practice", at(date(2026, 10, 12), 9))
    assert reply.private and "个人练习｜" in reply.message.fallback and "最弱的技能" in reply.message.fallback
    again = say(bot, "bob", "/coach practice", at(date(2026, 10, 12), 9, 5))[0].message
    assert again.title == reply.message.title                          # the same open item, not a new one
    missed = say(bot, "bob", "/coach practice 好的", at(date(2026, 10, 12), 9, 6))[0].message.fallback
    assert "2 个工作日后（10-14）再练一次" in missed


def test_the_spacing_rules():
    item = PracticeItem(1, 1, "t1", "x", ("a",), "2026-10-09", 2, 0, 1, "sent")
    assert next_round(item, True) == (1, 4, False)
    assert next_round(PracticeItem(**{**item.__dict__, "met_in_row": 1, "interval": 4}), True) == (2, 8, True)
    assert next_round(PracticeItem(**{**item.__dict__, "met_in_row": 1, "interval": 4}), False) == (0, 2, False)
    grade = {"criteria": [{"id": "a", "met": True}, {"id": "b", "met": False}], "violations": [], "passed": False}
    assert practice_met(grade, ("a",)) and not practice_met(grade, ("a", "b")) and not practice_met(grade, ())
    assert not practice_met({**grade, "violations": [{"category": "insult"}]}, ("a",))
    assert add_posting_days(team(), date(2026, 9, 30), 2) == date(2026, 10, 9)


def test_a_team_can_let_practice_count_toward_its_leaderboard(tmp_path, library):
    counting = Team(**{**team().__dict__, "practice_counts": True})
    made = build(Settings(teams=(counting,), database=str(tmp_path / "counts.db")), FakeChat(), library=library)
    try:
        made.coach.post_challenge(counting, at(date(2026, 10, 12), 10), content_id="broken-promise")
        say(made, "alice", NEAR, at(date(2026, 10, 12), 10, 30))
        before = say(made, "alice", "/leaderboard all", at(date(2026, 10, 12), 12))[0].message.fallback
        assert "个人练习｜" in say(made, "alice", "/教练 练习", at(date(2026, 10, 12), 13))[0].message.fallback
        practiced = say(made, "alice", f"/教练 练习 {FULL}", at(date(2026, 10, 12), 13, 5))[0].message.fallback
        assert "分" in practiced and "没有待回答的练习" not in practiced
        after = say(made, "alice", "/leaderboard all", at(date(2026, 10, 12), 14))[0].message.fallback
        assert "作答 1" in before and "作答 2" in after               # the practice answer counts here
        week = made.store.leaderboard(period="all", team_id="t1", now=at(date(2026, 10, 12), 14))
        assert week.rows[0].answers == 1                                # only through the team's setting
    finally:
        made.close()

"""Seasons: leaderboards by month or quarter, past seasons' standings, and teams side by side."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from coachbot.domain.errors import StoreError
from coachbot.domain.reports import season_named, season_of
from coachbot.domain.teams import Schedule, Settings, Team
from coachbot.platforms.fake import FakeChat
from coachbot.runtime.app import build
from coachbot.usecases.dispatch import handle
from coachbot.usecases.ports import Incoming

SH = ZoneInfo("Asia/Shanghai")
GOOD = "王先生理解您手头紧，上周您说会还，这次是遇到什么情况了？您看周五前能还多少？"                     # 80
NEAR = "上周您答应过要还款的。下周三前先还1000元，可以吗？我给您记下来。"          # 55


def at(day: date, hour: int = 11) -> datetime:
    return datetime.combine(day, time(hour), SH)


def test_season_names_and_bounds():
    assert season_of("quarter", date(2026, 11, 25)) == ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31))
    assert season_of("month", date(2026, 2, 10)) == ("2026-02", date(2026, 2, 1), date(2026, 2, 28))
    assert season_named("quarter", "2026q3") == ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30))
    assert season_named("month", "2026-13") is None and season_named("quarter", "2026-10") is None
    with pytest.raises(StoreError):
        season_of("none", date(2026, 1, 1))


@pytest.fixture
def bot(tmp_path, library):
    sched = Schedule(lesson="09:00", challenge="10:00", reveal="16:00", summary="fri 17:30")
    a = Team(id="a", name="一组", channels={"fake": ("CA",)}, leads=("boss",), schedule=sched, seasons="month")
    b = Team(id="b", name="二组", channels={"fake": ("CB",)}, leads=("boss2",), schedule=sched)
    made = build(Settings(teams=(a, b), database=str(tmp_path / "s.db")), FakeChat(), library=library)
    yield made
    made.close()


def say(bot, channel, user, text, when):
    return handle(bot.coach, Incoming(platform="fake", channel=channel, user=user, user_name=user, text=text), when)


def test_a_season_board_a_past_season_and_the_team_vs_team_board(bot):
    a, b = bot.settings.teams
    for day, answers in ((date(2026, 10, 28), {"alice": NEAR, "bob": GOOD}), (date(2026, 11, 4), {"alice": GOOD})):
        bot.coach.post_challenge(a, at(day, 10), content_id="broken-promise")
        for user, text in answers.items():
            say(bot, "CA", user, text, at(day))
    bot.coach.post_challenge(b, at(date(2026, 11, 4), 10), content_id="broken-promise")
    say(bot, "CB", "carol", NEAR, at(date(2026, 11, 4)))
    say(bot, "CB", "dave", "/coach stats", at(date(2026, 11, 4)))
    bot.store.ensure_member("fake", "dave", team_id="b")           # an agent of team b who never answered

    now = at(date(2026, 11, 6), 12)
    season = say(bot, "CA", "alice", "/leaderboard season", now)[0].message.fallback
    assert "一组赛季 2026-11 排行榜" in season and "1. alice  80 分" in season and "bob" not in season
    past = say(bot, "CA", "alice", "/排行榜 赛季 2026-10", now)[0].message.fallback
    assert "赛季 2026-10" in past and "1. bob  80 分" in past and "2. alice  55 分" in past
    assert "没有设置赛季" in say(bot, "CB", "carol", "/leaderboard season", now)[0].message.fallback
    assert "看不懂赛季「2026-Q4」" in say(bot, "CA", "alice", "/leaderboard season 2026-Q4", now)[0].message.fallback

    board = say(bot, "CA", "alice", "/排行榜 团队对抗 本月", now)[0].message.fallback
    lines = [ln.strip() for ln in board.splitlines() if ". " in ln]
    assert board.startswith("【团队对抗｜本月】")
    assert lines[0].startswith("1. 一组  人均 40 分｜参与 1/2｜通过率 100%")   # alice 80 in November; bob did not answer
    assert lines[1].startswith("2. 二组  人均 28 分｜参与 1/2｜通过率 0%")     # carol 55, dave 0


def test_a_closed_season_keeps_its_table_whatever_happens_later(bot):
    a = bot.settings.teams[0]
    bot.coach.post_challenge(a, at(date(2026, 10, 28), 10), content_id="broken-promise")
    say(bot, "CA", "alice", NEAR, at(date(2026, 10, 28)))
    say(bot, "CA", "bob", GOOD, at(date(2026, 10, 28)))
    assert bot.coach.close_seasons(at(date(2026, 11, 2), 12)) == []         # the appeal window is still open
    assert bot.coach.close_seasons(at(date(2026, 11, 5), 12)) == [("a", "2026-10")]
    assert bot.coach.close_seasons(at(date(2026, 11, 6), 12)) == []         # once
    bot.store.forget_member(bot.store.member("fake", "bob"))               # erased afterwards (个人信息保护法)
    past = say(bot, "CA", "alice", "/排行榜 赛季 2026-10", at(date(2026, 11, 6), 12))[0].message.fallback
    assert "1. （已删除的成员）  80 分" in past and "2. alice  55 分" in past    # the table as it closed, nameless
    assert "bob" not in past
    live = bot.store.leaderboard(period="range", team_id="a", start=date(2026, 10, 1), end=date(2026, 10, 31),
                                 now=at(date(2026, 11, 6), 12), tz="Asia/Shanghai")
    assert [r.member.user for r in live.rows] == ["alice"]                  # the record itself moved on

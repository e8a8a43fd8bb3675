"""Leaderboards, periods, member stats, team insight and the export."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from coachbot.domain.errors import StoreError
from coachbot.domain.reports import EXPORT_COLUMNS, Period, period_for
from coachbot.store import Store
from tests.test_store import MON, at, challenge, reply, store  # noqa: F401  (fixture)

WED = MON + timedelta(days=2)


# ---------------------------------------------------------------- periods


@pytest.mark.parametrize("name, start, end", [
    ("today", date(2026, 3, 4), date(2026, 3, 4)),
    ("week", date(2026, 3, 2), date(2026, 3, 8)),
    ("month", date(2026, 3, 1), date(2026, 3, 31)),
    ("all", None, None),
])
def test_periods_are_local_days(name, start, end):
    period = period_for(name, now=at(WED, 12), tz="Asia/Shanghai")
    assert (period.start, period.end) == (start, end)


def test_periods_follow_the_time_zone():
    sunday_evening_utc = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)  # Monday 04:00 in Shanghai
    assert period_for("week", now=sunday_evening_utc, tz="Asia/Shanghai").start == date(2026, 3, 2)
    assert period_for("week", now=sunday_evening_utc, tz="UTC").start == date(2026, 2, 23)
    assert period_for("month", now=at(date(2026, 12, 31), 12), tz="Asia/Shanghai").end == date(2026, 12, 31)
    assert Period("today", MON, MON, "Asia/Shanghai").bounds() == (
        "2026-03-01T16:00:00.000000+00:00", "2026-03-02T16:00:00.000000+00:00")


def test_bad_periods_are_refused():
    now = at(WED, 12)
    with pytest.raises(StoreError, match="时间范围"):
        period_for("year", now=now, tz="Asia/Shanghai")
    with pytest.raises(StoreError, match="晚于"):
        period_for("week", now=now, tz="Asia/Shanghai", start=WED, end=MON)
    with pytest.raises(StoreError, match="时区"):
        period_for("week", now=now, tz="Mars/Olympus")
    assert period_for("week", now=now, tz="UTC", start=MON).name == "range"


# ---------------------------------------------------------------- ranking


@pytest.fixture
def four(store: Store):
    """Four members of t1 answering Monday's challenge with 90, 80, 80, 70."""
    post = challenge(store, MON)
    members = [store.ensure_member("slack", f"U{i}", team_id="t1", display_name=name)
               for i, name in enumerate(["安", "波", "春", "丁"])]
    for member, score in zip(members, [90, 80, 80, 70]):
        reply(store, post, member, score)
    return members


def test_equal_points_share_a_rank(store, four):
    board = store.leaderboard(team_id="t1", now=at(MON, 12))
    assert [(r.rank, r.member.name, r.points) for r in board.rows] == [
        (1, "安", 90), (2, "波", 80), (2, "春", 80), (4, "丁", 70)]
    assert board.ranked == 4 and board.asker_row is None


def test_top_n_plus_the_askers_own_line(store, four):
    board = store.leaderboard(team_id="t1", now=at(MON, 12), top=2, asker=("slack", "U3"))
    assert [r.member.name for r in board.rows] == ["安", "波"]
    assert (board.asker_row.rank, board.asker_row.member.name, board.asker_row.points) == (4, "丁", 70)
    inside = store.leaderboard(team_id="t1", now=at(MON, 12), top=2, asker=("slack", "U0"))
    assert inside.asker_row is None


def test_no_asker_line_on_another_teams_board(store, four):
    store.ensure_member("slack", "X1", team_id="t2", display_name="外组")
    board = store.leaderboard(team_id="t1", top=2, asker=("slack", "X1"), now=at(MON, 12))
    assert board.asker_row is None
    everyone = store.leaderboard(scope="everyone", top=2, asker=("slack", "X1"), now=at(MON, 12))
    assert (everyone.asker_row.member.user, everyone.asker_row.rank) == ("X1", 5)


def test_an_asker_without_answers_ranks_after_every_scorer(store, four):
    store.ensure_member("slack", "U9", team_id="t1", display_name="新人")
    board = store.leaderboard(top=2, asker=("slack", "U9"), now=at(MON, 12))  # their own team
    mine = board.asker_row
    assert (mine.rank, mine.points, mine.answers, mine.pass_rate, mine.streak) == (5, 0, 0, None, 0)


def test_answers_pass_rate_and_streak_per_row(store):
    ann = store.ensure_member("slack", "U1", team_id="t1", display_name="安")
    for offset, score in enumerate([90, 40, 70]):
        reply(store, challenge(store, MON + timedelta(days=offset), content=f"c{offset}"), ann, score)
    row = store.leaderboard(team_id="t1", now=at(WED, 12)).rows[0]
    assert (row.points, row.answers, row.pass_rate, row.streak) == (200, 3, 2 / 3, 3)


def test_scopes_team_channel_and_everyone(store):
    ann = store.ensure_member("slack", "U1", team_id="t1", display_name="安")
    bo = store.ensure_member("slack", "U2", team_id="t2", display_name="波")
    reply(store, challenge(store, MON, team="t1", channel="C1"), ann, 70)
    reply(store, challenge(store, MON, team="t2", channel="C2"), bo, 90)
    now = at(MON, 12)

    def names(**kw):
        return [r.member.name for r in store.leaderboard(now=now, **kw).rows]

    assert names(team_id="t1") == ["安"]
    assert names(scope="everyone") == ["波", "安"]
    assert names(scope="channel", platform="slack", channel="C2") == ["波"]
    with pytest.raises(StoreError, match="团队"):
        store.leaderboard(now=now)


def test_the_week_ends_at_local_midnight(store):
    ann = store.ensure_member("slack", "U1", team_id="t1", display_name="安")
    sunday = MON - timedelta(days=1)
    for day in (sunday, MON):
        post = store.claim_post(team_id="t1", platform="slack", channel="C1", kind="challenge",
                                content_id=f"c{day}", post_date=day, reveal_at=None, now=at(day, 9))
        store.mark_posted(post.id, message_id=str(day), at=at(day, 9))
    reply(store, store.post_for(platform="slack", channel="C1", kind="challenge", post_date=sunday),
          ann, 40, hour=23, minute=30)  # Sunday 15:30 UTC: last week
    reply(store, store.post_for(platform="slack", channel="C1", kind="challenge", post_date=MON),
          ann, 70, hour=0, minute=30)  # Sunday 16:30 UTC: this week
    assert store.leaderboard(team_id="t1", now=at(MON, 12)).rows[0].points == 70
    assert store.leaderboard(team_id="t1", period="all", now=at(MON, 12)).rows[0].points == 110
    ranged = store.leaderboard(team_id="t1", start=sunday, end=sunday, now=at(MON, 12))
    assert ranged.rows[0].points == 40 and ranged.period.name == "range"


# ---------------------------------------------------------------- member stats


def test_member_stats(store):
    ann = store.ensure_member("slack", "U1", team_id="t1", display_name="安")
    bo = store.ensure_member("slack", "U2", team_id="t1", display_name="波")
    last_week = MON - timedelta(days=7)
    reply(store, challenge(store, last_week, content="old", tags=("listening",)), ann, 100)
    monday = challenge(store, MON, content="neg", tags=("negotiation", "listening"))
    reply(store, monday, ann, 50)
    reply(store, monday, ann, 90, hour=11)  # practice
    reply(store, monday, bo, 80)
    tuesday = challenge(store, MON + timedelta(days=1), content="law", tags=("compliance",))
    reply(store, tuesday, ann, 70, violations=("threat",))

    stats = store.member_stats(ann, now=at(MON + timedelta(days=1), 12))
    assert (stats.points_week, stats.points_all, stats.team_rank, stats.team_members) == (50, 150, 2, 2)
    assert (stats.answers, stats.pass_rate, stats.streak) == (3, 1 / 3, 3)  # no challenge in between
    assert [(s.skill, s.average, s.answers) for s in stats.skills] == [
        ("listening", 75.0, 2), ("negotiation", 50.0, 1), ("compliance", 0.0, 1)]
    assert [(r.content_id, r.score, r.points, r.reason) for r in stats.recent] == [
        ("law", 70, 0, "violation"), ("neg", 90, 0, "practice"), ("neg", 50, 50, "counted"),
        ("old", 100, 100, "counted")]


# ---------------------------------------------------------------- team insight


@pytest.fixture
def team_week(store: Store):
    """A hand-made week for team t1 (see each reply), plus noise outside it."""
    names = {"U1": "安", "U2": "波", "U3": "春", "U4": "丁"}
    ann, bo, cy, dee = (store.ensure_member("slack", u, team_id="t1", display_name=n)
                        for u, n in names.items())
    boss = store.ensure_member("slack", "L1", team_id="t1", display_name="组长", role="lead")
    eve = store.ensure_member("slack", "U5", team_id="t2", display_name="伊")
    a = challenge(store, MON, content="a", tags=("negotiation", "listening"))
    b = challenge(store, MON + timedelta(days=1), content="b", tags=("compliance",))
    reply(store, a, ann, 80, criteria=(("ask", True), ("confirm", False)))
    reply(store, a, bo, 40, criteria=(("ask", False), ("confirm", False)))
    reply(store, a, cy, 90, violations=("threat",), criteria=(("ask", True), ("confirm", True)))
    reply(store, b, ann, 60, criteria=(("law", False),))
    reply(store, b, bo, 50, criteria=(("law", False),))
    reply(store, b, bo, 20, hour=11, violations=("insult",), criteria=(("law", False),))  # practice
    reply(store, b, boss, 100, criteria=(("law", True),))
    reply(store, challenge(store, MON, team="t2", channel="C2"), eve, 10, violations=("threat",),
          criteria=(("ask", False),))
    reply(store, challenge(store, MON - timedelta(days=7), content="old"), dee, 30,
          criteria=(("ask", False),))
    return ann, bo, cy, dee


def test_team_insight_on_a_hand_made_week(store, team_week):
    ann, bo, cy, dee = team_week
    insight = store.team_insight("t1", now=at(MON + timedelta(days=2), 12))
    assert (insight.answers, insight.average) == (6, 55.0)
    assert [(s.skill, s.average, s.answers) for s in insight.skills] == [
        ("listening", 40.0, 3), ("negotiation", 40.0, 3), ("compliance", 70.0, 3)]
    assert [(c.id, c.label, c.misses, c.graded, round(c.miss_rate, 3))
            for c in insight.missed_criteria] == [
        ("confirm", "confirm-label", 2, 3, 0.667), ("law", "law-label", 2, 3, 0.667),
        ("ask", "ask-label", 1, 3, 0.333)]
    assert insight.violations_by_category == (("insult", 1), ("threat", 1))
    assert [(m.name, n) for m, n in insight.violations_by_agent] == [("波", 1), ("春", 1)]
    assert (insight.participants, insight.agents, insight.participation) == (3, 4, 0.75)


def test_team_insight_over_all_time_includes_earlier_weeks(store, team_week):
    insight = store.team_insight("t1", period="all", now=at(MON + timedelta(days=2), 12))
    assert (insight.participants, insight.agents, insight.answers) == (4, 4, 7)
    ask = next(c for c in insight.missed_criteria if c.id == "ask")
    assert (ask.misses, ask.graded, ask.miss_rate) == (2, 4, 0.5)


# ---------------------------------------------------------------- export


def test_export_rows_are_flat_and_filterable(store, team_week):
    now = at(MON + timedelta(days=2), 12)
    everything = list(store.export_submissions(now=now))
    assert len(everything) == 9 and tuple(everything[0]) == EXPORT_COLUMNS
    practice = next(r for r in everything if r["violations"] == "insult")
    assert (practice["display_name"], practice["attempt"], practice["counted"], practice["violations"],
            practice["local_time"]) == ("波", 2, 0, "insult", "2026-03-03 11:00")
    assert len(list(store.export_submissions(now=now, team_id="t2"))) == 1
    assert len(list(store.export_submissions(now=now, start=MON, end=MON))) == 4

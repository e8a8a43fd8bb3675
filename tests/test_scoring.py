"""Scoring: policies, the reveal, violations and streaks — as rules and as stored."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from coachbot.domain.errors import StoreError
from coachbot.domain.scoring import Outcome, Policy, Prior, decide, read_grade, streak
from tests.test_store import MON, at, challenge, grade, reply, store  # noqa: F401  (fixture)

FIRST = Policy.parse("first")


@pytest.mark.parametrize("text, attempts", [
    ("first", 1), ("best_of:3", 3), ("best_of: 2", 2), ("BEST_OF 4", 4), ("best_of=1", 1),
])
def test_policies_parse(text, attempts):
    assert Policy.parse(text).counted_attempts == attempts


@pytest.mark.parametrize("text", ["", "last", "best_of:0", "best_of:x", "best_of"])
def test_unknown_policies_are_refused(text):
    with pytest.raises(StoreError, match="计分规则"):
        Policy.parse(text)


def test_first_reply_counts_and_later_ones_are_practice():
    assert decide(Prior(), score=70, passed=True, violation=False, after_reveal=False,
                  policy=FIRST) == Outcome(1, True, "counted", 70, True, 1, 1)
    later = decide(Prior(1, 1, 70, True), score=95, passed=True, violation=False,
                   after_reveal=False, policy=FIRST)
    assert later == Outcome(2, False, "practice", 0, True, 0, 0)


def test_best_of_awards_only_the_improvement():
    best_of_2 = Policy.parse("best_of:2")
    second = decide(Prior(1, 1, 55, False), score=75, passed=True, violation=False,
                    after_reveal=False, policy=best_of_2)
    assert (second.counted, second.points, second.answer, second.pass_credit) == (True, 20, 0, 1)
    worse = decide(Prior(1, 1, 75, True), score=40, passed=False, violation=False,
                   after_reveal=False, policy=best_of_2)
    assert (worse.counted, worse.points, worse.pass_credit) == (True, 0, 0)


def test_a_violation_earns_nothing_and_cannot_pass():
    outcome = decide(Prior(), score=90, passed=True, violation=True, after_reveal=False, policy=FIRST)
    assert outcome == Outcome(1, True, "violation", 0, False, 1, 0)
    practice = decide(Prior(1, 1, 80, True), score=90, passed=True, violation=True,
                      after_reveal=False, policy=FIRST)
    assert (practice.counted, practice.reason) == (False, "violation")


def test_after_the_reveal_nothing_counts():
    outcome = decide(Prior(), score=90, passed=True, violation=False, after_reveal=True, policy=FIRST)
    assert outcome == Outcome(1, False, "after_reveal", 0, True, 0, 0)


def test_grade_is_read_strictly():
    assert read_grade(grade(72.4, violations=("threat", "insult", "threat"))) == (72, True, ("insult", "threat"))
    for bad in (101, -1, "80", True, None):
        with pytest.raises(ValueError):
            read_grade({"score": bad})


# ---------------------------------------------------------------- stored


def test_policy_first_stores_one_counted_reply(store):
    post = challenge(store, MON)
    member = store.ensure_member("slack", "U1", team_id="t1")
    first = reply(store, post, member, 60)
    second = reply(store, post, member, 95, hour=11)
    assert (first.attempt, first.counted, first.reason, first.points) == (1, True, "counted", 60)
    assert (second.attempt, second.counted, second.reason, second.points) == (2, False, "practice", 0)
    board = store.leaderboard(period="all", team_id="t1", now=at(MON, 12))
    assert (board.rows[0].points, board.rows[0].answers) == (60, 1)


def test_best_of_counts_the_best_of_n_replies(store):
    post = challenge(store, MON)
    member = store.ensure_member("slack", "U1", team_id="t1")
    subs = [reply(store, post, member, score, minute=i, policy="best_of:3")
            for i, score in enumerate([50, 80, 70, 100])]
    assert [(s.counted, s.points, s.reason) for s in subs] == [
        (True, 50, "counted"), (True, 30, "counted"), (True, 0, "counted"), (False, 0, "practice")]
    row = store.leaderboard(period="all", team_id="t1", now=at(MON, 12)).rows[0]
    assert (row.points, row.answers, row.pass_rate) == (80, 1, 1.0)


def test_a_reply_after_the_reveal_gets_feedback_and_no_points(store):
    post = challenge(store, MON)
    member = store.ensure_member("slack", "U1", team_id="t1")
    late = reply(store, post, member, 90, hour=17, minute=1)
    assert (late.counted, late.reason, late.points, late.score) == (False, "after_reveal", 0, 90)


def test_an_early_reveal_closes_the_challenge_before_reveal_at(store):
    post = challenge(store, MON)
    store.mark_revealed(post.id, at=at(MON, 12))
    member = store.ensure_member("slack", "U1", team_id="t1")
    assert reply(store, post, member, 90, hour=13).reason == "after_reveal"


def test_a_violation_is_recorded_with_zero_points(store):
    post = challenge(store, MON)
    member = store.ensure_member("slack", "U1", team_id="t1")
    sub = reply(store, post, member, 85, violations=("threat",))
    assert (sub.counted, sub.reason, sub.points, sub.passed, sub.violations) == (
        True, "violation", 0, False, ("threat",))
    assert store.submissions_for_post(post.id)[0].submission.violations == ("threat",)


# ---------------------------------------------------------------- streaks


def test_streak_rule():
    d = [date(2026, 3, n) for n in (9, 6, 5, 4)]  # Mon, then Fri Thu Wed: the weekend is absent
    assert streak([(d[0], False), (d[1], False), (d[2], False)], {d[0], d[1], d[2]}) == 3
    assert streak([(d[0], True), (d[1], False), (d[2], False)], {d[1], d[2]}) == 2
    assert streak([(d[0], False), (d[1], False)], {d[1]}) == 0
    assert streak([(d[0], False), (d[1], False), (d[2], False), (d[3], False)], {d[0], d[1], d[3]}) == 2
    assert streak([], set()) == 0


def test_streak_skips_days_without_a_challenge(store):
    member = store.ensure_member("slack", "U1", team_id="t1")
    thursday, friday, monday = MON + timedelta(days=3), MON + timedelta(days=4), MON + timedelta(days=7)
    challenge(store, MON)  # missed
    for day in (thursday, friday, monday):
        reply(store, challenge(store, day, content=f"c{day.day}"), member, 70)
    tuesday = challenge(store, monday + timedelta(days=1), content="open")

    def current(now):
        return store.member_stats(member, now=now).streak

    assert current(at(tuesday.post_date, 12)) == 3  # today's open challenge does not break it
    assert current(at(tuesday.post_date, 18)) == 0  # past reveal_at, unanswered: broken
    store.mark_revealed(tuesday.id, at=at(tuesday.post_date, 12, 30))
    assert current(at(tuesday.post_date, 13)) == 0  # revealed early, unanswered: broken


def test_a_long_history_with_a_gap_counts_only_the_run_since_the_gap(store):
    member = store.ensure_member("slack", "U1", team_id="t1")
    days = [MON + timedelta(days=n) for n in range(12) if (MON + timedelta(days=n)).weekday() < 5]
    for n, day in enumerate(days):
        post = challenge(store, day, content=f"c{n}")
        if n != 3:  # missed the fourth challenge day
            reply(store, post, member, 70)
    assert store.member_stats(member, now=at(days[-1], 18)).streak == len(days) - 4


def test_a_challenge_posted_on_a_day_off_never_breaks_a_streak(store):
    """A lead posts an extra challenge on Saturday and a National Day Thursday; unanswered, they break nothing,
    answered, they count — and so does the unanswered bonus day that runs over the usual look-back depth."""
    from coachbot.domain.teams import Team
    from coachbot.domain.timetable import days_off

    off = days_off([Team(id="t1", name="一组")])
    member = store.ensure_member("slack", "U1", team_id="t1")
    friday, saturday = date(2026, 10, 9), date(2026, 10, 10 + 7)        # 2026-10-17: a plain Saturday
    days = [date(2026, 9, 28), date(2026, 9, 29), date(2026, 9, 30), date(2026, 10, 1),   # 10-01 National Day
            friday, friday + timedelta(days=3), friday + timedelta(days=4), saturday - timedelta(days=1),
            saturday, saturday + timedelta(days=2)]
    for day in days:
        post = challenge(store, day, content=f"c{day.isoformat()}")
        if day not in (date(2026, 10, 1), saturday):
            reply(store, post, member, 70)
    now = at(days[-1], 18)
    assert store.member_stats(member, now=now).streak == 1                  # without the calendar: broken
    assert store.member_stats(member, now=now, bonus_day=off).streak == 8
    board = store.leaderboard(period="month", team_id="t1", now=now, bonus_day=off)
    assert board.rows[0].streak == 8


def test_a_violating_answer_keeps_the_streak_but_a_late_one_does_not(store):
    member = store.ensure_member("slack", "U1", team_id="t1")
    monday = challenge(store, MON)
    tuesday = challenge(store, MON + timedelta(days=1), content="c2")
    reply(store, monday, member, 30, violations=("insult",))  # answered, with a violation
    reply(store, tuesday, member, 90, hour=18)  # after the reveal
    store.mark_revealed(tuesday.id, at=at(tuesday.post_date, 17))
    assert store.member_stats(member, now=at(tuesday.post_date, 19)).streak == 0
    assert store.member_stats(member, now=at(monday.post_date, 19)).streak == 1

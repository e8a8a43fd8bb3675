"""The due logic: what goes out when, exactly once, across restarts, crashes, races and clock jumps.

Every test drives the clock explicitly (``now=``); nothing sleeps. The helpers
at the top (``at``, ``FakeClock``, ``team``, ``Rig``) are shared with
``test_schedule.py``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from coachbot.domain.teams import Schedule, Settings, Team
from coachbot.domain.timetable import plan, reveal_at, slot_time, slots_for
from coachbot.platforms.fake import FakeChat
from coachbot.store import Store
from coachbot.store.sqlite import PENDING_TIMEOUT
from coachbot.usecases.coach import Coach
from coachbot.usecases.due import catch_up, run_due
from coachbot.usecases.outbox import Outbox

SH = ZoneInfo("Asia/Shanghai")
FRI = date(2026, 10, 9)           # an ordinary Friday
NATIONAL_DAY = date(2026, 10, 1)  # Thursday, statutory holiday
ADJUSTED_SAT = date(2026, 10, 10)  # Saturday, adjusted working day after National Day (调休)
PLAIN_SAT = date(2026, 10, 17)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), SH)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> None:
        self.now = now


def team(**schedule: object) -> Team:
    holidays = schedule.pop("holidays", "cn")
    workdays = schedule.pop("workdays", ())
    return Team(id="t1", name="一组", channels={"fake": ("C1",)}, schedule=Schedule(**schedule),
                holidays=holidays, workdays=workdays)


class Crash(BaseException):
    """The process dies here (not an Exception: nothing may catch it)."""


@dataclass
class Rig:
    """One SQLite file and one chat platform; each ``coach()`` is a bot process on them."""

    path: Path
    library: object
    settings: Settings
    platform: list = field(default_factory=list)     # the channel history every process sees
    stores: list = field(default_factory=list)

    def coach(self, *, history: bool = True, chat: FakeChat | None = None) -> Coach:
        chat = chat or FakeChat(sent=self.platform,
                                capabilities=frozenset({"update", "history"} if history else {"update"}))
        store = Store(self.path)
        self.stores.append(store)
        outbox = Outbox(store, {chat.platform: chat}, clock=lambda: datetime.now(SH), inline=True)
        return Coach(store=store, library=self.library, settings=self.settings, chat=chat, outbox=outbox)

    def posts(self, kind: str | None = None) -> list:
        return [s for s in self.platform if s.kind == "post" and (kind is None or s.message.kind == kind)]

    def kinds(self) -> list[str]:
        return [s.message.kind for s in self.posts()]

    def daily(self) -> list[str]:
        """Lessons and challenges only (an earlier day's reveal may come out too)."""
        return [k for k in self.kinds() if k in ("lesson", "challenge")]

    def state(self, kind: str, day: date) -> str | None:
        post = self.stores[0].post_for(platform="fake", channel="C1", kind=kind, post_date=day)
        return post.state if post else None


@contextmanager
def rigs(tmp_path: Path, library) -> Iterator:
    """``make(team, **settings) -> Rig`` on ``tmp_path/bot.db``; closes every store afterwards."""
    made: list[Rig] = []

    def make(t: Team | None = None, **settings: object) -> Rig:
        cfg = Settings(teams=(t or team(),), database=str(tmp_path / "bot.db"), **settings)
        made.append(Rig(tmp_path / "bot.db", library, cfg))
        return made[-1]

    try:
        yield make
    finally:
        for r in made:
            for store in r.stores:
                store.close()


@pytest.fixture
def rig(tmp_path, library):
    with rigs(tmp_path, library) as make:
        yield make


# ------------------------------------------------------------ on time, on working days

def test_lesson_challenge_reveal_and_summary_go_out_at_their_times_once(rig):
    r = rig()
    coach = r.coach()
    for hour, minute in [(8, 59), (9, 0), (9, 1), (9, 59), (10, 0), (10, 30), (16, 0), (16, 1), (17, 30), (23, 59)]:
        run_due(coach, at(FRI, hour, minute))
        if (hour, minute) == (8, 59):
            assert r.kinds() == []
        if (hour, minute) == (9, 59):
            assert r.kinds() == ["lesson"]
    assert r.kinds() == ["lesson", "challenge", "reveal", "summary"]
    reveal = r.posts("reveal")[0]
    assert reveal.thread == r.posts("challenge")[0].message_id


def test_national_day_is_skipped(rig):
    r = rig()
    coach = r.coach()
    for hour in range(8, 24):
        run_due(coach, at(NATIONAL_DAY, hour))
    assert r.kinds() == []
    assert r.state("lesson", NATIONAL_DAY) is None  # nothing due, nothing recorded


def test_adjusted_saturday_working_day_posts_and_a_plain_saturday_does_not(rig):
    r = rig()
    coach = r.coach()
    run_due(coach, at(ADJUSTED_SAT, 10, 5))
    assert r.kinds() == ["lesson", "challenge"]
    run_due(coach, at(PLAIN_SAT, 10, 5))
    assert r.daily() == ["lesson", "challenge"]


def test_custom_holiday_list_replaces_the_official_calendar(rig):
    wed, sat = date(2026, 3, 4), date(2026, 3, 7)
    r = rig(team(holidays=("2026-03-04",), workdays=("2026-03-07",)))
    coach = r.coach()
    run_due(coach, at(wed, 10, 5))
    assert r.kinds() == []
    run_due(coach, at(sat, 10, 5))
    assert r.kinds() == ["lesson", "challenge"]
    run_due(coach, at(NATIONAL_DAY, 10, 5))            # not on the team's list: a working day
    assert r.daily() == ["lesson", "challenge"] * 2


def test_holidays_none_means_monday_to_friday(rig):
    r = rig(team(holidays="none"))
    coach = r.coach()
    run_due(coach, at(NATIONAL_DAY, 10, 5))
    run_due(coach, at(ADJUSTED_SAT, 10, 5))
    assert r.daily() == ["lesson", "challenge"]
    assert r.state("lesson", NATIONAL_DAY) == "posted"


def test_cron_times_use_standard_weekday_numbers_and_mon_fri_means_working_days(rig):
    r = rig(team(lesson="30 8 * * 1-5", challenge="0 11 * * mon-fri"))
    coach = r.coach()
    run_due(coach, at(FRI, 8, 29))
    assert r.kinds() == []
    run_due(coach, at(FRI, 8, 30))
    assert r.kinds() == ["lesson"]
    for day in (FRI, ADJUSTED_SAT, PLAIN_SAT, NATIONAL_DAY):   # 调休 Saturday counts as a working day
        run_due(coach, at(day, 8, 30))
        run_due(coach, at(day, 11, 0))
    assert r.daily() == ["lesson", "challenge", "lesson", "challenge"]
    mon = date(2026, 10, 12)
    assert slot_time("0 9 * * 1", mon, team()) == at(mon, 9)       # 1 = Monday, as in crontab
    assert slot_time("0 9 * * 1", mon + timedelta(days=1), team()) is None


def test_other_weekday_lists_narrow_the_working_days(rig):
    t = team(lesson="0 9 * * 1,3,5")
    assert [s.kind for s in slots_for(t, FRI)] == ["lesson", "challenge", "summary"]
    assert [s.kind for s in slots_for(t, FRI - timedelta(days=1))] == ["challenge"]
    assert [s.kind for s in slots_for(t, ADJUSTED_SAT)] == ["challenge"]


def test_a_saturday_time_posts_on_saturdays_but_not_on_a_holiday_saturday():
    t = team(lesson="0 9 * * 6", challenge="0 10 * * sat")
    assert [s.kind for s in slots_for(t, PLAIN_SAT)] == ["lesson", "challenge"]
    assert [s.kind for s in slots_for(t, FRI)] == ["summary"]
    assert slots_for(t, date(2026, 10, 3)) == []                 # National Day Saturday
    assert [s.kind for s in slots_for(team(lesson="0 9 * * 6", holidays="none"), date(2026, 10, 3))] == ["lesson"]


@pytest.mark.parametrize(("days", "sunday", "plain_sat", "national_day"), [
    ("workdays", False, False, False),
    ("every day", True, True, False),
    ("mon-sat", False, True, False),
    ("sat,sun", True, True, False),
])
def test_days_picks_the_weekdays_and_holidays_the_days_off(days, sunday, plain_sat, national_day):
    def posts(t: Team, day: date) -> bool:
        return [s.kind for s in slots_for(t, day) if s.kind != "summary"] == ["lesson", "challenge"]

    t = team(days=days)
    assert posts(t, PLAIN_SAT + timedelta(days=1)) is sunday
    assert posts(t, PLAIN_SAT) is plain_sat
    assert posts(t, NATIONAL_DAY) is national_day
    assert posts(team(days=days, holidays="none"), NATIONAL_DAY) is (days != "sat,sun")   # a Thursday


def test_every_day_team_posts_on_a_sunday_through_the_real_loop(rig):
    r = rig(team(days="every day"))
    coach = r.coach()
    sunday = PLAIN_SAT + timedelta(days=1)
    run_due(coach, at(sunday, 10, 31))
    run_due(coach, at(sunday, 10, 45))
    assert r.daily() == ["lesson", "challenge"]


def test_weekly_summary_on_its_day_only_once(rig):
    r = rig(team(summary="fri 17:30"))
    coach = r.coach()
    thu = FRI - timedelta(days=1)
    run_due(coach, at(thu, 18))
    assert r.posts("summary") == []
    for minute in (29, 30, 31, 45):
        run_due(coach, at(FRI, 17, minute))
    assert len(r.posts("summary")) == 1
    assert r.posts("summary")[0].message.title.startswith("一组")


def test_weekly_summary_moves_before_a_holiday_friday(rig):
    r = rig(team(summary="fri 17:30"))
    coach = r.coach()
    run_due(coach, at(date(2026, 10, 2), 17, 31))        # National Day holiday, a Friday: nobody reads it
    assert r.kinds() == []
    run_due(coach, at(date(2026, 9, 30), 17, 31))        # the last working day of that week
    assert r.kinds().count("summary") == 1


def test_reveal_after_a_delay_counts_from_the_challenge(rig):
    r = rig(team(reveal=None, reveal_after=timedelta(hours=6)))
    coach = r.coach()
    run_due(coach, at(FRI, 10, 20))                     # challenge 20 minutes late
    post = r.stores[0].post_for(platform="fake", channel="C1", kind="challenge", post_date=FRI)
    assert post.reveal_at == at(FRI, 16, 20)
    run_due(coach, at(FRI, 16, 19))
    assert "reveal" not in r.kinds()
    run_due(coach, at(FRI, 16, 20))
    assert r.kinds().count("reveal") == 1


def test_reveal_time_as_cron_and_fallbacks():
    t = team(reveal="0 16 * * mon-fri")
    assert reveal_at(t, at(FRI, 10)) == at(FRI, 16)
    assert reveal_at(t, at(ADJUSTED_SAT, 10)) == at(ADJUSTED_SAT, 16)   # mon-fri = working days
    assert reveal_at(t, at(FRI, 17)) == at(FRI, 19)                     # already past: two hours after
    assert reveal_at(team(reveal="09:00"), at(FRI, 10)) == at(FRI, 12)


# ------------------------------------------------------------ restarts and missed runs

def test_restart_within_grace_posts_now_and_only_once(rig):
    r = rig()
    catch_up(r.coach(), at(FRI, 10, 30))                  # down from 08:00: lesson 1 h 30 late
    assert r.kinds() == ["lesson", "challenge"]
    catch_up(r.coach(), at(FRI, 10, 31))                  # restarted again
    assert r.kinds() == ["lesson", "challenge"]


def test_restart_beyond_grace_skips_and_logs_once(rig, caplog):
    r = rig()
    caplog.set_level(logging.INFO, logger="coachbot")
    done = catch_up(r.coach(), at(FRI, 11, 30))           # lesson 2 h 30 late, challenge 1 h 30
    assert [(s.kind, outcome) for s, outcome in done] == [("lesson", "skipped"), ("challenge", "posted")]
    assert r.kinds() == ["challenge"]
    assert r.state("lesson", FRI) == "skipped"
    skipped = [m for m in caplog.messages if m.startswith("event=post_skipped")]
    assert len(skipped) == 1 and "kind=lesson" in skipped[0] and "late_by=2:30:00" in skipped[0]
    run_due(r.coach(), at(FRI, 11, 31))
    assert len([m for m in caplog.messages if m.startswith("event=post_skipped")]) == 1


def test_grace_comes_from_settings(rig):
    r = rig(grace=timedelta(minutes=30))
    run_due(r.coach(), at(FRI, 9, 45))
    assert r.kinds() == [] and r.state("lesson", FRI) == "skipped"


def test_grace_zero_still_posts_what_the_trigger_or_tick_brings_on_time(rig):
    r = rig(grace=timedelta(0))
    coach = r.coach()
    run_due(coach, at(FRI, 9) + timedelta(milliseconds=3))
    run_due(coach, at(FRI, 10, 1))
    assert r.kinds() == ["lesson", "challenge"]


def test_reveal_due_during_downtime_happens_at_start(rig):
    r = rig()
    run_due(r.coach(), at(FRI, 10))                       # challenge out, reveal at 16:00; then down
    catch_up(r.coach(), at(FRI, 18))
    assert r.kinds().count("reveal") == 1
    catch_up(r.coach(), at(FRI, 18, 5))
    assert r.kinds().count("reveal") == 1


def test_missed_days_are_settled_at_start_back_to_the_last_day_with_posts(rig, caplog):
    r = rig()
    thu = FRI - timedelta(days=1)
    run_due(r.coach(), at(thu, 9))                         # Thursday: lesson out, then down until Monday
    caplog.set_level(logging.INFO, logger="coachbot")
    mon = date(2026, 10, 12)
    catch_up(r.coach(), at(mon, 8))
    assert r.state("challenge", thu) == "skipped"
    assert r.state("lesson", FRI) == r.state("challenge", FRI) == r.state("summary", FRI) == "skipped"
    assert r.state("lesson", ADJUSTED_SAT) == "skipped"    # 调休 Saturday was a working day too
    assert len([m for m in caplog.messages if m.startswith("event=post_skipped")]) == 6
    assert r.kinds() == ["lesson"]


def test_a_new_team_does_not_settle_days_before_it_existed(rig):
    r = rig()
    assert catch_up(r.coach(), at(FRI, 8)) == []
    assert r.state("lesson", FRI - timedelta(days=1)) is None


def test_a_post_the_platform_refused_stays_queued_and_the_next_run_delivers_it(rig):
    r = rig()
    coach = r.coach()
    coach.chat.fail_next = 1
    assert [o for _, o in run_due(coach, at(FRI, 9))] == ["queued"]
    assert r.state("lesson", FRI) == "pending" and r.kinds() == []
    assert [o for _, o in run_due(coach, at(FRI, 9, 1))] == []     # the outbox delivered it first
    assert r.kinds() == ["lesson"] and r.state("lesson", FRI) == "posted"


# ------------------------------------------------------------ crash between posting and recording

def crash_after_posting(coach: Coach) -> None:
    """The platform took the post; the process dies before the outbox records it."""
    def delivered(*args, **kwargs):
        raise Crash()
    coach.store.delivered = delivered


def test_crash_between_post_and_record_then_restart_reconciles_without_duplicate(rig, caplog):
    r = rig()
    first = r.coach()
    crash_after_posting(first)
    with pytest.raises(Crash):
        run_due(first, at(FRI, 9))
    assert r.kinds() == ["lesson"] and r.state("lesson", FRI) == "pending"
    caplog.set_level(logging.INFO, logger="coachbot")
    second = r.coach()                                     # restart, same file, same channel history
    catch_up(second, at(FRI, 9, 1))                        # claim still fresh: could be in flight
    assert r.kinds() == ["lesson"] and r.state("lesson", FRI) == "pending"
    run_due(second, at(FRI, 9) + PENDING_TIMEOUT + timedelta(seconds=1))
    assert r.kinds() == ["lesson"]
    post = r.stores[0].post_for(platform="fake", channel="C1", kind="lesson", post_date=FRI)
    assert (post.state, post.message_id) == ("posted", r.posts("lesson")[0].message_id)


def test_crash_of_a_challenge_then_restart_next_day_reconciles_and_reveals(rig):
    r = rig()
    run_due(r.coach(), at(FRI, 9))
    first = r.coach()
    crash_after_posting(first)
    with pytest.raises(Crash):
        run_due(first, at(FRI, 10))
    catch_up(r.coach(), at(ADJUSTED_SAT, 8))
    assert r.state("challenge", FRI) == "revealed"
    assert r.kinds() == ["lesson", "challenge", "reveal"]


def test_crash_without_history_posts_again_at_least_once(rig):
    r = rig()
    first = r.coach(history=False)
    crash_after_posting(first)
    with pytest.raises(Crash):
        run_due(first, at(FRI, 9))
    run_due(r.coach(history=False), at(FRI, 9, 10))
    assert r.kinds() == ["lesson", "lesson"]              # documented: a rare duplicate, never a lost post
    assert r.state("lesson", FRI) == "posted"


def test_crash_beyond_grace_without_trace_on_the_platform_is_skipped(rig):
    r = rig()
    first = r.coach(chat=FakeChat(fail_next=0))            # its own history: lost with the process
    crash_after_posting(first)
    with pytest.raises(Crash):
        run_due(first, at(FRI, 9))
    run_due(r.coach(), at(FRI, 11, 30))
    assert r.state("lesson", FRI) == "skipped"


# ------------------------------------------------------------ two processes

class HeldChat(FakeChat):
    """A platform call that waits until the test lets it finish."""

    def __init__(self, sent: list) -> None:
        super().__init__(sent=sent)
        self.entered, self.release = threading.Event(), threading.Event()

    def send(self, delivery, msg, on_part):
        self.entered.set()
        assert self.release.wait(5)
        return super().send(delivery, msg, on_part)


def test_a_process_that_loses_the_claim_never_posts(rig):
    r = rig()
    held = HeldChat(r.platform)
    a, b = r.coach(chat=held), r.coach()
    worker = threading.Thread(target=run_due, args=(a, at(FRI, 9)))
    worker.start()
    try:
        assert held.entered.wait(5)                        # A claimed and is inside chat.post
        outcomes = [o for _, o in run_due(b, at(FRI, 9))]
        sent_meanwhile = r.kinds()
    finally:
        held.release.set()
        worker.join(5)
    assert outcomes == ["already"] and sent_meanwhile == []   # B saw A's fresh claim and did not post
    assert r.kinds() == ["lesson"] and r.state("lesson", FRI) == "posted"


def test_processes_racing_on_one_sqlite_file_post_once(rig):
    r = rig()
    coaches = [r.coach() for _ in range(4)]
    start = threading.Barrier(len(coaches))
    errors: list[BaseException] = []

    def run(coach: Coach) -> None:
        try:
            start.wait(5)
            for minute in (5, 6):
                run_due(coach, at(FRI, 10, minute))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(c,)) for c in coaches]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert errors == []
    assert sorted(r.kinds()) == ["challenge", "lesson"]


PROCESS = """
import json, sys
from datetime import datetime
from coachbot.usecases.coach import Coach
from coachbot.content.library import load_library
from coachbot.usecases.due import run_due
from coachbot.usecases.outbox import Outbox
from coachbot.platforms.fake import FakeChat
from coachbot.domain.teams import Settings, Team
from coachbot.store import Store

class FileChat(FakeChat):  # the platform both processes post to: one line per message
    def send(self, delivery, msg, on_part):
        with open(sys.argv[2], "a", encoding="utf-8") as f:
            f.write(json.dumps([delivery.channel, msg.kind]) + "\\n")
        return "m"

settings = Settings(teams=(Team(id="t1", name="t", channels={"fake": ("C1",)}),), database=sys.argv[1])
store, chat = Store(sys.argv[1]), FileChat()
outbox = Outbox(store, {"fake": chat}, clock=datetime.now, inline=True)
coach = Coach(store=store, library=load_library()[0], settings=settings, chat=chat, outbox=outbox)
print("ready", flush=True)
sys.stdin.readline()
run_due(coach, datetime.fromisoformat(sys.argv[3]))
"""


def test_two_bot_processes_on_one_sqlite_file_post_once(tmp_path):
    import subprocess
    import sys

    db, platform = tmp_path / "bot.db", tmp_path / "platform.txt"
    Store(db).close()
    cmd = [sys.executable, "-c", PROCESS, str(db), str(platform), at(FRI, 10, 5).isoformat()]
    procs = [subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    for p in procs:
        assert p.stdout.readline().strip() == "ready"
    for p in procs:                                        # go, both at once
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        p.communicate(timeout=20)
        assert p.returncode == 0
    assert sorted(platform.read_text().splitlines()) == ['["C1", "challenge"]', '["C1", "lesson"]']


def test_retake_has_one_winner_and_never_takes_a_fresh_claim(tmp_path):
    with Store(tmp_path / "s.db") as one, Store(tmp_path / "s.db") as two:
        post = one.claim_post(team_id="t1", platform="fake", channel="C1", kind="lesson", content_id="x",
                              post_date=FRI, reveal_at=None, now=at(FRI, 9))
        assert not two.retake_post(post.id, now=at(FRI, 9, 4))
        later = at(FRI, 9) + PENDING_TIMEOUT
        assert two.retake_post(post.id, now=later)
        assert not one.retake_post(post.id, now=later)     # the other process lost
        one.mark_failed(post.id, reason="down")
        assert one.retake_post(post.id, now=later) and not two.retake_post(post.id, now=later)
        assert one.mark_posted(post.id, message_id="m1", at=later)
        assert not two.retake_post(post.id, now=later + timedelta(days=1))


# ------------------------------------------------------------ clock jumps

def test_clock_jumping_backward_then_forward_posts_nothing_twice(rig):
    r = rig()
    coach = r.coach()
    for now in [at(FRI, 10, 5), at(FRI, 8, 30), at(FRI, 9, 1), at(FRI, 10, 5), at(FRI, 10, 6)]:
        run_due(coach, now)
    assert r.kinds() == ["lesson", "challenge"]


def test_clock_jumping_forward_past_grace_skips_what_it_jumped_over(rig):
    r = rig()
    coach = r.coach()
    run_due(coach, at(FRI, 8))
    run_due(coach, at(FRI, 11, 30))
    assert r.kinds() == ["challenge"] and r.state("lesson", FRI) == "skipped"


def test_tick_after_midnight_settles_yesterday(rig):
    r = rig()
    coach = r.coach()
    run_due(coach, at(FRI - timedelta(days=1), 9))         # Thursday lesson, then the clock leaps a day
    run_due(coach, at(FRI, 0, 1))
    assert r.state("challenge", FRI - timedelta(days=1)) == "skipped"


# ------------------------------------------------------------ the timetable

def test_plan_lists_posts_in_local_time_with_calendar_notes():
    days = plan(team(reveal_after=timedelta(hours=20)), date(2026, 9, 30), 11)
    by_day = {d.day: d for d in days}
    assert [k for k, _ in by_day[date(2026, 9, 30)].posts] == ["lesson", "challenge", "summary", "reveal"]
    assert by_day[date(2026, 9, 30)].posts[3][1] == at(date(2026, 10, 1), 6)
    assert by_day[NATIONAL_DAY].info.note == "National Day" and by_day[NATIONAL_DAY].posts == ()
    assert by_day[date(2026, 10, 2)].posts == ()          # the holiday Friday's summary came on Wednesday
    assert by_day[ADJUSTED_SAT].info.marker == "班" and len(by_day[ADJUSTED_SAT].posts) == 3

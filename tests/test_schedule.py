"""APScheduler wiring: jobs per team and kind in the team's zone, a catch-up at start, idempotent runs.

The due logic reads a FakeClock; nothing sleeps. One test lets the real
BackgroundScheduler thread run a job, waiting on its "executed" event.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from coachbot.domain.records import Delivery
from coachbot.domain.workdays import covered_years
from coachbot.runtime.schedule import (
    EVENTS_KEPT,
    HOUSEKEEPING_ID,
    TICK_ID,
    start_scheduler,
    trigger_for,
)
from tests.test_due import ADJUSTED_SAT, FRI, SH, FakeClock, at, rigs, team

SUN = date(2026, 10, 11)


@pytest.fixture
def rig(tmp_path, library):
    with rigs(tmp_path, library) as make:
        yield make


@pytest.fixture
def started():
    schedulers = []
    yield schedulers
    for s in schedulers:
        s.shutdown()


def test_jobs_have_explicit_ids_cron_triggers_in_team_time_and_grace(rig, started):
    r = rig(team(lesson="30 8 * * 1-5", reveal="16:00", summary="fri 17:30"))
    sched = start_scheduler(r.coach(), clock=FakeClock(at(FRI, 7)), paused=True)
    started.append(sched)
    jobs = {job.id: job for job in sched.jobs()}
    assert set(jobs) == {"t1:lesson", "t1:challenge", "t1:reveal", "t1:summary", TICK_ID, HOUSEKEEPING_ID}
    for kind in ("lesson", "challenge", "reveal", "summary"):
        job = jobs[f"t1:{kind}"]
        assert isinstance(job.trigger, CronTrigger) and job.trigger.timezone == ZoneInfo("Asia/Shanghai")
        assert job.misfire_grace_time == 7200 and job.coalesce and job.max_instances == 1
        assert job.next_run_time.utcoffset() == timedelta(hours=8)
    assert (jobs["t1:lesson"].next_run_time.hour, jobs["t1:lesson"].next_run_time.minute) == (8, 30)
    assert jobs["t1:summary"].next_run_time.weekday() == 4
    assert isinstance(jobs[TICK_ID].trigger, IntervalTrigger)
    assert jobs[TICK_ID].trigger.interval == timedelta(minutes=1)


def test_housekeeping_forgets_old_deduplication_keys_daily(rig, started):
    r = rig(team())
    clock = FakeClock(at(FRI, 7))
    coach = r.coach()
    sched = start_scheduler(coach, clock=clock, paused=True)
    started.append(sched)
    job = {j.id: j for j in sched.jobs()}[HOUSEKEEPING_ID]
    assert isinstance(job.trigger, CronTrigger)
    now = clock()
    old = now - EVENTS_KEPT - timedelta(minutes=1)
    coach.store.mark_event("slack:event:old", at=old)
    coach.store.mark_event("slack:event:new", at=now - timedelta(days=1))
    coach.store.accept(key="old-item", platform="fake", kind="message", payload={}, at=old)
    coach.store.inbox_done(coach.store.claim_inbox(now=old, stale_after=timedelta(seconds=60)).id, at=old)
    coach.store.accept(key="waiting-item", platform="fake", kind="message", payload={}, at=old)
    coach.store.enqueue([Delivery(key="old-sent", platform="fake", route="dm", payload={}, user="U1")], now=old)
    coach.store.delivered(coach.store.claim_delivery(now=old).id, message_id="m1", at=old)
    assert sched.housekeep() == 3       # the old key, the handled item, the settled delivery
    assert not coach.store.event_seen("slack:event:old") and coach.store.event_seen("slack:event:new")
    assert coach.store.inbox_waiting() == 1 and coach.store.delivery("old-sent") is None


def test_reveal_after_has_no_reveal_job_the_tick_does_it(rig, started):
    r = rig(team(reveal=None, reveal_after=timedelta(hours=6)))
    sched = start_scheduler(r.coach(), clock=FakeClock(at(FRI, 7)), paused=True)
    started.append(sched)
    assert "t1:reveal" not in {job.id for job in sched.jobs()}


def test_cron_weekdays_reach_apscheduler_as_names_not_from_crontab_numbers():
    monday_trigger = trigger_for("0 9 * * 1", SH)
    assert monday_trigger.get_next_fire_time(None, at(SUN, 12)) == at(date(2026, 10, 12), 9)   # Monday, not Tuesday
    weekdays = trigger_for("0 9 * * 1-5", SH)
    assert weekdays.get_next_fire_time(None, at(FRI, 10)) == at(date(2026, 10, 12), 9)
    working = trigger_for("0 9 * * 1-5", SH, working_days=True)   # wakes daily; the calendar decides
    assert working.get_next_fire_time(None, at(FRI, 10)) == at(ADJUSTED_SAT, 9)
    either = trigger_for("0 9 13 * fri", SH)
    assert isinstance(either, OrTrigger)
    assert either.get_next_fire_time(None, at(date(2026, 10, 12), 10)) == at(date(2026, 10, 13), 9)


def test_start_catches_up_before_returning(rig, started):
    r = rig()
    started.append(start_scheduler(r.coach(), clock=FakeClock(at(FRI, 10, 30)), paused=True))
    assert r.kinds() == ["lesson", "challenge"]


def test_a_job_fired_twice_and_by_two_processes_posts_once(rig, started):
    r = rig()
    clock = FakeClock(at(FRI, 8))
    one = start_scheduler(r.coach(), clock=clock, paused=True)
    two = start_scheduler(r.coach(), clock=clock, paused=True)
    started += [one, two]
    clock.set(at(FRI, 9))
    for sched in (one, one, two):
        job = sched.aps.get_job("t1:lesson")
        job.func(*job.args)
    tick = two.aps.get_job(TICK_ID)
    tick.func(*tick.args)
    assert r.kinds() == ["lesson"]


def test_tick_does_reveals_retries_and_clock_jumps(rig, started):
    r = rig(team(reveal=None, reveal_after=timedelta(hours=6)))
    coach = r.coach()
    clock = FakeClock(at(FRI, 8))
    sched = start_scheduler(coach, clock=clock, paused=True)
    started.append(sched)
    coach.chat.fail_next = 1
    for now in [at(FRI, 9), at(FRI, 9, 1), at(FRI, 10), at(FRI, 8, 30), at(FRI, 10, 1), at(FRI, 16, 1)]:
        clock.set(now)
        sched.tick()
    assert r.kinds() == ["lesson", "challenge", "reveal"]


def test_startup_warns_when_the_current_year_has_no_holiday_data(rig, started, caplog):
    caplog.set_level(logging.INFO, logger="coachbot")
    year = covered_years()[1] + 1
    r = rig()
    sched = start_scheduler(r.coach(), clock=FakeClock(datetime(year, 3, 2, 1, tzinfo=UTC)), paused=True)
    started.append(sched)
    [line] = [m for m in caplog.messages if m.startswith("event=holiday_data_missing")]
    assert f"year={year} teams=t1 source=holidays-cn.yaml" in line
    assert sched.check_holiday_data() == []                   # once per process, not every minute


def test_the_real_scheduler_thread_runs_a_job(rig, started):
    r = rig()
    clock = FakeClock(at(FRI, 8))
    sched = start_scheduler(r.coach(), clock=clock)
    started.append(sched)
    ran = threading.Event()
    outcome: list[int] = []
    sched.aps.add_listener(lambda event: (outcome.append(event.code), ran.set()), EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    clock.set(at(FRI, 9))
    sched.aps.modify_job("t1:lesson", next_run_time=datetime.now(UTC))   # due now: the thread wakes
    assert ran.wait(5)
    assert outcome == [EVENT_JOB_EXECUTED] and r.kinds() == ["lesson"]
    sched.shutdown()
    assert not sched.aps.running

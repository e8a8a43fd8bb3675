"""APScheduler wiring, nothing else: when to wake up and hand over to :mod:`coachbot.usecases.due`.

    scheduler = start_scheduler(bot.coach)      # catch-up run, then jobs in a background thread
    ...
    scheduler.shutdown()

Triggers only wake the bot up; the due logic decides what goes out, and the
store's unique key plus its claim make every run idempotent. So a job firing
twice, a second bot process started by mistake, or the clock jumping back or
forward cannot post twice, and a run a trigger missed is picked up by the next
one. The jobs:

- ``<team>:lesson``, ``<team>:challenge``, ``<team>:summary`` and, when the
  reveal is a time rather than a delay, ``<team>:reveal``: cron triggers in the
  team's time zone, from the same time specs the due logic reads
  (:mod:`coachbot.domain.timespec`; cron weekdays as names, never ``from_crontab``).
- ``coachbot:tick`` every minute: reveals due (also ``reveal_after`` ones),
  retries of failed posts, takeover of posts whose process crashed, and the
  year-turn holiday-data check.
- Before the scheduler thread starts, a catch-up run (:func:`coachbot.usecases.due.catch_up`)
  in the caller's thread: posts late by less than ``grace`` go out, older ones
  are skipped and logged, reveals that fell due while the bot was down happen.

Jobs run one at a time (a one-thread executor), ``coalesce=True``,
``max_instances=1``, ``misfire_grace_time`` = the settings' grace.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from coachbot.domain import timespec
from coachbot.domain.workdays import holiday_data_warnings
from coachbot.usecases import due

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
TICK = timedelta(minutes=1)
TICK_ID = "coachbot:tick"
HOUSEKEEPING_ID = "coachbot:housekeeping"
EVENTS_KEPT = timedelta(days=30)   # platforms retry within minutes; older de-duplication keys are dead weight


def system_clock() -> datetime:
    return datetime.now(UTC)


def _values(values: tuple[int, ...] | None, size: int) -> str:
    return "*" if values is None or len(values) == size else ",".join(map(str, values))


def trigger_for(spec: str, tz: ZoneInfo, *, working_days: bool = False) -> BaseTrigger:
    """A trigger firing when ``spec`` does. Weekdays go over as names (0 = Sunday in cron, Monday in APScheduler).

    ``working_days``: a Monday-Friday spec fires every day, for 调休 weekends; the due logic skips the rest.
    """
    ts = timespec.parse(spec)
    ts = ts.for_working_days() if working_days else ts
    common = {"minute": _values(ts.minutes, 60), "hour": _values(ts.hours, 24),
              "month": _values(ts.months, 12), "timezone": tz}
    days = _values(ts.days, 31)
    if ts.either_day:  # cron fires on a day matching either day field; CronTrigger wants both
        return OrTrigger([CronTrigger(day=days, day_of_week="*", **common),
                          CronTrigger(day="*", day_of_week=ts.weekday_names, **common)])
    return CronTrigger(day=days, day_of_week=ts.weekday_names, **common)


class Scheduler:
    """The running scheduler: its APScheduler, the coaches it drives (one per platform) and the clock it reads."""

    def __init__(self, coach, clock: Clock, aps: BackgroundScheduler, *, more: tuple = ()) -> None:
        self.coach = coach
        self.coaches = (coach, *more)
        self.clock = clock
        self.aps = aps
        self._warned: set[str] = set()

    def run(self, teams: Iterable[str] | None = None) -> list[tuple[due.Slot, str]]:
        """A trigger fired: do whatever is due now (for ``teams``, reveals for everyone), on every platform."""
        done: list[tuple[due.Slot, str]] = []
        for coach in self.coaches:
            try:
                done += due.run_due(coach, self.clock(), teams=teams)
            except Exception:
                log.exception("event=scheduler_error job=run platform=%s teams=%s", coach.platform,
                              ",".join(teams or ["*"]))
        return done

    def tick(self) -> list[tuple[due.Slot, str]]:
        """The safety net every minute: everything due for every team, and the holiday data."""
        self.check_holiday_data()
        return self.run()

    def check_holiday_data(self) -> list[str]:
        """Log ``event=holiday_data_missing`` once per process for each uncovered year in use."""
        fresh = [w for w in holiday_data_warnings(self.coach.settings.teams, self.clock()) if w not in self._warned]
        for line in fresh:
            self._warned.add(line)
            log.warning(line)
        return fresh

    def housekeep(self) -> int:
        """Daily: forget de-duplication keys, handled inbox items and settled deliveries older than
        ``EVENTS_KEPT`` (platforms retry within minutes), and with ``retention_days`` erase the text of
        older replies (scores stay); how many rows were removed or erased."""
        before = self.clock() - EVENTS_KEPT
        store = self.coach.store
        days = self.coach.settings.retention_days
        try:
            removed = {"events": store.purge_events(before=before), "inbox": store.purge_inbox(before=before),
                       "outbox": store.purge_outbox(before=before),
                       "texts": store.erase_text_before(self.clock() - timedelta(days=days)) if days else 0}
        except Exception:
            log.exception("event=scheduler_error job=housekeeping")
            return 0
        log.info("event=events_purged %s", " ".join(f"{k}={v}" for k, v in removed.items()))
        try:
            self.coach.close_seasons(self.clock())
        except Exception:
            log.exception("event=scheduler_error job=close_seasons")
        return sum(removed.values())

    def jobs(self) -> list[Job]:
        return self.aps.get_jobs()

    def shutdown(self, wait: bool = True) -> None:
        if self.aps.running:
            self.aps.shutdown(wait=wait)
            log.info("event=scheduler_stopped")


def add_jobs(sched: Scheduler) -> None:
    """One job per team and kind, with explicit ids (re-adding replaces), plus the tick and housekeeping."""
    aps, settings = sched.aps, sched.coach.settings
    for team in settings.teams:
        if not any(coach.channels(team) for coach in sched.coaches):
            continue
        kinds = ["lesson", "challenge", "summary"]
        if team.schedule.reveal_after is None and team.schedule.reveal:
            kinds.insert(2, "reveal")
        for kind in kinds:
            trigger = trigger_for(getattr(team.schedule, kind), team.tz, working_days=kind != "summary")
            aps.add_job(sched.run, trigger, args=[[team.id]],
                        id=f"{team.id}:{kind}", name=f"{team.name} {kind}", replace_existing=True)
    aps.add_job(sched.tick, IntervalTrigger(seconds=int(TICK.total_seconds()), timezone=UTC),
                id=TICK_ID, name="due posts, reveals, retries", replace_existing=True)
    aps.add_job(sched.housekeep, CronTrigger(hour=3, minute=17, timezone=UTC),
                id=HOUSEKEEPING_ID, name="forget old de-duplication keys", replace_existing=True)


def start_scheduler(coach, *more, clock: Clock | None = None, paused: bool = False) -> Scheduler:
    """Catch up after downtime, then run the jobs in a background (daemon) thread; ``more`` coaches (other
    platforms of the same process) are driven by the same jobs.

    ``clock`` is what the due logic reads (tests pass a fake); the trigger
    timing itself is APScheduler's own. ``paused`` registers the jobs without
    running them (for inspection).
    """
    grace = max(1, int(coach.settings.grace.total_seconds()))
    aps = BackgroundScheduler(
        timezone=UTC,
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": grace},
    )
    sched = Scheduler(coach, clock or system_clock, aps, more=more)
    sched.check_holiday_data()
    for each in sched.coaches:
        try:
            due.catch_up(each, sched.clock())
        except Exception:  # never keep the bot from starting; the tick tries again
            log.exception("event=scheduler_error job=catch_up platform=%s", each.platform)
    add_jobs(sched)
    aps.start(paused=paused)
    log.info("event=scheduler_started jobs=%d tick=%ss grace=%ss paused=%s",
             len(aps.get_jobs()), int(TICK.total_seconds()), grace, paused)
    return sched

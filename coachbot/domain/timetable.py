"""A team's timetable: when lessons, challenges, reveals and summaries fall on a given day. Pure.

Shared by the due logic (what to post now), ``coachbot schedule`` (what is
coming) and the coach (when today's challenge is revealed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from coachbot.domain import timespec
from coachbot.domain.scoring import BonusDay
from coachbot.domain.teams import Team
from coachbot.domain.workdays import REST, DayInfo, day_info

POST_KINDS = ("lesson", "challenge", "summary")
DEFAULT_REVEAL_DELAY = timedelta(hours=2)


@dataclass(frozen=True)
class Slot:
    team: Team
    kind: str          # lesson | challenge | summary
    at: datetime       # aware, team-local

    @property
    def day(self) -> date:
        return self.at.date()


@dataclass(frozen=True)
class DayPlan:
    """One local day of a team's timetable, for ``coachbot schedule``."""

    day: date
    info: DayInfo
    posts: tuple[tuple[str, datetime], ...]   # (lesson|challenge|reveal|summary, team-local time)


def slot_time(spec: str, day: date, team: Team, *, working_days: bool = False) -> datetime | None:
    """When ``spec`` first fires on ``day`` (team-local), or None if not that day.

    ``working_days``: a Monday-Friday spec also fires on adjusted weekend working days.
    """
    ts = timespec.parse(spec)
    return (ts.for_working_days() if working_days else ts).first_on(day, team.tz)


def reveal_at(team: Team, challenge_at: datetime) -> datetime:
    """When a challenge posted at ``challenge_at`` is revealed.

    ``reveal_after`` counts from the challenge; a ``reveal`` time (or cron) on
    the challenge's day is used if it is later; otherwise two hours after.
    """
    sched = team.schedule
    if sched.reveal_after is not None:
        return challenge_at + sched.reveal_after
    if sched.reveal:
        at = slot_time(sched.reveal, challenge_at.astimezone(team.tz).date(), team, working_days=True)
        if at is not None and at > challenge_at:
            return at
    return challenge_at + DEFAULT_REVEAL_DELAY


def posting_day(team: Team, day: date, spec: str | None = None) -> bool:
    """Whether lessons and challenges go out on ``day`` for ``team`` (and so whether it counts for streaks).

    ``days`` picks the weekdays and ``holidays`` the days off: ``days: workdays``
    (the default) is the team's working days, 调休 Saturdays included — unless the
    time itself names other weekdays (``0 9 * * 6``: Saturdays); ``days: every day``
    is every day and a weekday list (``mon-sat``) exactly those weekdays, in both
    cases except the team's holidays (``holidays: none`` to post through them).
    """
    info = day_info(day, team.holidays, team.workdays)
    days = team.schedule.days
    if days == "every day":
        return info.marker != REST
    if days != "workdays":
        return day.weekday() in timespec.weekdays(days) and info.marker != REST
    parsed = timespec.parse(spec) if spec else None
    if parsed is not None and parsed.weekdays not in (None, timespec.MON_FRI):
        return parsed.matches(day) and info.marker != REST
    return info.workday


def days_off(teams: Iterable[Team]) -> BonusDay:
    """``(team id, day) -> bool``: whether ``day`` is not a posting day for that team, so a challenge
    posted by hand on it is a bonus that an unanswered streak skips."""
    by_id = {t.id: t for t in teams}

    def off(team_id: str, day: date) -> bool:
        team = by_id.get(team_id)
        return team is not None and not posting_day(team, day, team.schedule.challenge)

    return off


def _daily(team: Team, kind: str, day: date) -> datetime | None:
    spec = getattr(team.schedule, kind)
    if not posting_day(team, day, spec):
        return None
    ts = timespec.parse(spec)
    if team.schedule.days == "workdays" and ts.weekdays in (None, timespec.MON_FRI):
        ts = ts.for_working_days()   # a working Saturday (调休) gets its lesson too
    elif team.schedule.days != "workdays":
        ts = ts.any_weekday()        # the day list decides the days
    return ts.first_on(day, team.tz)


def _summary(team: Team, day: date) -> datetime | None:
    """The weekly summary: on its day, or — when its day is a holiday — on the last working day before it
    in the same week (a holiday Friday's summary comes on Thursday)."""
    spec = timespec.parse(team.schedule.summary)
    monday = day - timedelta(days=day.weekday())
    for offset in range(7):
        target = monday + timedelta(days=offset)
        fires = spec.first_on(target, team.tz)
        if fires is None:
            continue
        moved = target
        if not day_info(target, team.holidays, team.workdays).workday:
            earlier = [monday + timedelta(days=k) for k in range(offset - 1, -1, -1)
                       if day_info(monday + timedelta(days=k), team.holidays, team.workdays).workday]
            moved = earlier[0] if earlier else target
        if moved == day:
            return datetime.combine(day, fires.timetz())
    return None


def slots_for(team: Team, day: date) -> list[Slot]:
    out = []
    for kind in POST_KINDS:
        at = _summary(team, day) if kind == "summary" else _daily(team, kind, day)
        if at is not None:
            out.append(Slot(team, kind, at))
    return sorted(out, key=lambda s: s.at)


def plan(team: Team, start: date, days: int) -> list[DayPlan]:
    """The coming ``days`` from ``start``: each day's calendar note and post times, reveal included."""
    out = []
    for i in range(days):
        day = start + timedelta(days=i)
        posts: list[tuple[str, datetime]] = []
        for slot in slots_for(team, day):
            posts.append((slot.kind, slot.at))
            if slot.kind == "challenge":
                posts.append(("reveal", reveal_at(team, slot.at).astimezone(team.tz)))
        posts.sort(key=lambda p: p[1])
        out.append(DayPlan(day, day_info(day, team.holidays, team.workdays), tuple(posts)))
    return out


def add_posting_days(team: Team, day: date, n: int) -> date:
    """The ``n``-th posting day after ``day`` (holidays and days off skipped; 调休 working days counted)."""
    spec = team.schedule.challenge
    for _ in range(366 * 2):
        day += timedelta(days=1)
        if posting_day(team, day, spec):
            n -= 1
            if n <= 0:
                return day
    return day

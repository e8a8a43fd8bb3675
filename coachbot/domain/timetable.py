"""A team's timetable: when lessons, challenges, reveals and summaries fall on a given day. Pure.

Shared by the due logic (what to post now), ``coachbot schedule`` (what is
coming) and the coach (when today's challenge is revealed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from coachbot.domain import timespec
from coachbot.domain.teams import Team
from coachbot.domain.workdays import DayInfo, day_info

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


def slots_for(team: Team, day: date) -> list[Slot]:
    working = day_info(day, team.holidays, team.workdays).workday
    out = []
    for kind in POST_KINDS:
        if kind != "summary" and not working:
            continue
        if (at := slot_time(getattr(team.schedule, kind), day, team, working_days=kind != "summary")) is not None:
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

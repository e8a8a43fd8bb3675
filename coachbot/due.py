"""What should have been posted by now, today, and posting it exactly once.

Shared by the scheduler (on every tick and at start after downtime) and the
console. A post late by less than the grace period goes out now; older ones
are skipped and logged. Duplicates are prevented by the store's unique key.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .settings import Team
from .workdays import is_workday

log = logging.getLogger("coachbot")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HM = re.compile(r"^(\d{1,2}):(\d{2})$")
_WHM = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)\s+(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class Slot:
    team: Team
    kind: str          # lesson | challenge | summary
    at: datetime       # aware, team-local


def _at(day: date, h: int, m: int, team: Team) -> datetime:
    return datetime.combine(day, time(h, m), team.tz)


def slot_time(spec: str, day: date, team: Team) -> datetime | None:
    """When ``spec`` fires on ``day`` (team-local), or None if not that day."""
    spec = spec.strip().lower()
    if m := _HM.match(spec):
        return _at(day, int(m.group(1)), int(m.group(2)), team)
    if m := _WHM.match(spec):
        if WEEKDAYS.index(m.group(1)) != day.weekday():
            return None
        return _at(day, int(m.group(2)), int(m.group(3)), team)
    return cron_time(spec, day, team)


def cron_time(spec: str, day: date, team: Team) -> datetime | None:
    from apscheduler.triggers.cron import CronTrigger  # computation only

    trigger = CronTrigger.from_crontab(spec, timezone=team.tz)
    start = datetime.combine(day, time(0, 0), team.tz)
    fire = trigger.get_next_fire_time(None, start)
    return fire if fire is not None and fire.date() == day else None


def slots_for(team: Team, day: date) -> list[Slot]:
    working, _ = is_workday(day, team.holidays, team.workdays)
    out = []
    if working:
        for kind in ("lesson", "challenge"):
            if (at := slot_time(getattr(team.schedule, kind), day, team)) is not None:
                out.append(Slot(team, kind, at))
    if (at := slot_time(team.schedule.summary, day, team)) is not None:
        out.append(Slot(team, "summary", at))
    return sorted(out, key=lambda s: s.at)


def run_due(coach, now: datetime, *, grace: timedelta | None = None) -> list[tuple[Slot, str]]:
    """Post what is due today and not yet posted; reveal what fell due. Returns (slot, outcome)."""
    grace = coach.settings.grace if grace is None else grace
    done: list[tuple[Slot, str]] = []
    for team in coach.settings.teams:
        if not coach.channels(team):
            continue
        day = now.astimezone(team.tz).date()
        for slot in slots_for(team, day):
            if slot.at > now:
                continue
            states = [getattr(coach.store.post_for(platform=coach.chat.platform, channel=ch, kind=slot.kind,
                                                   post_date=day), "state", None) for ch in coach.channels(team)]
            if all(st in ("posted", "revealed", "skipped") for st in states):
                continue
            if now - slot.at > grace:
                for ch in coach.channels(team):
                    claimed = coach.store.claim_post(team_id=team.id, platform=coach.chat.platform, channel=ch,
                                                     kind=slot.kind, content_id="", post_date=day, reveal_at=None, now=now)
                    if claimed is not None:
                        coach.store.mark_skipped(claimed.id, reason=f"late by {now - slot.at}")
                log.warning("event=post_skipped team=%s kind=%s due=%s late_by=%s", team.id, slot.kind,
                            slot.at.isoformat(), now - slot.at)
                done.append((slot, "skipped"))
                continue
            posted = {"lesson": coach.post_lesson, "challenge": coach.post_challenge,
                      "summary": coach.post_summary}[slot.kind](team, now)
            done.append((slot, "posted" if any(p.fresh for p in posted) else "already"))
    coach.reveal_due(now)
    return done

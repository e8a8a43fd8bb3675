"""Times in the config: ``"09:00"``, ``"fri 17:30"``, or a standard 5-field cron expression.

Cron means what it means in crontab(5), *not* APScheduler's ``from_crontab``:
day of week 0 or 7 is Sunday and 1 is Monday, so ``"0 9 * * 1-5"`` is Monday
to Friday at 09:00 (``from_crontab`` would read it as Tuesday to Saturday).
Names work too (``mon-fri``, ``jan``). When both day-of-month and day-of-week
are restricted, a day matching either one fires, as in cron. For lessons and
challenges a Monday-Friday weekday field means "working days"
(:meth:`TimeSpec.for_working_days`); any other weekday list narrows the
working days further.

    >>> parse("30 9 * * mon-fri").first_on(date(2026, 10, 9), ZoneInfo("Asia/Shanghai"))
    datetime.datetime(2026, 10, 9, 9, 30, tzinfo=zoneinfo.ZoneInfo(key='Asia/Shanghai'))

Pure Python, no scheduler import: the due logic, the settings check and
``coachbot schedule`` share it; :mod:`coachbot.runtime.schedule` turns it into triggers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")       # Python weekday() order
MON_FRI = (0, 1, 2, 3, 4)
_CRON_DOW = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")       # cron numbering, 7 = sun too
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_HM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_DAY_HM = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)\s+([01]?\d|2[0-3]):([0-5]\d)$")
_PART = re.compile(r"^(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:/(\d+))?$")


@dataclass(frozen=True)
class TimeSpec:
    """When something happens, as sets of allowed values (``None`` = any)."""

    text: str
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: tuple[int, ...] | None = None        # day of month
    months: tuple[int, ...] | None = None
    weekdays: tuple[int, ...] | None = None    # Python numbering: 0 = Monday
    either_day: bool = False                   # both day fields restricted: a day matching either fires

    def matches(self, day: date) -> bool:
        if self.months is not None and day.month not in self.months:
            return False
        dom = self.days is None or day.day in self.days
        dow = self.weekdays is None or day.weekday() in self.weekdays
        return (dom or dow) if self.either_day else (dom and dow)

    def times_on(self, day: date, tz: ZoneInfo) -> list[datetime]:
        if not self.matches(day):
            return []
        return [datetime.combine(day, time(h, m), tz) for h in self.hours for m in self.minutes]

    def first_on(self, day: date, tz: ZoneInfo) -> datetime | None:
        """The first time on ``day`` (a kind posts at most once a day), or None."""
        times = self.times_on(day, tz)
        return times[0] if times else None

    def for_working_days(self) -> TimeSpec:
        """A Monday-Friday spec means "working days" to people: drop the weekday so 调休 weekends fire too.

        For lessons and challenges, whose days the working-day calendar already
        decides (holidays off, adjusted weekend days on). Other specs unchanged.
        """
        if self.weekdays == MON_FRI and self.days is None:
            return replace(self, weekdays=None, either_day=False)
        return self

    def any_weekday(self) -> TimeSpec:
        """The same times on any day (another rule decides the days)."""
        return replace(self, weekdays=None, days=None, either_day=False)

    @property
    def weekday_names(self) -> str:
        """Day-of-week as names for APScheduler (``"mon,tue"``); ``"*"`` for any."""
        return "*" if self.weekdays is None else ",".join(DAY_NAMES[d] for d in self.weekdays)


def _value(token: str, names: tuple[str, ...], offset: int) -> int:
    if token.isdigit():
        return int(token)
    if token in names:
        return names.index(token) + offset
    raise ValueError(f"{token!r} is not a number or a name like {names[0]!r}" if names else f"{token!r} is not a number")


def _field(text: str, name: str, lo: int, hi: int, names: tuple[str, ...] = (), offset: int = 0) -> tuple[int, ...]:
    """One cron field as its sorted allowed values."""
    out: set[int] = set()
    for part in text.split(","):
        m = _PART.match(part)
        if not m:
            raise ValueError(f"{name} field {text!r}: cannot read {part!r}")
        body, step = m.group(1), int(m.group(2) or 1)
        if step < 1:
            raise ValueError(f"{name} field {text!r}: step must be at least 1")
        if body == "*":
            first, last = lo, hi
        elif "-" in body:
            a, b = body.split("-")
            first, last = _value(a, names, offset), _value(b, names, offset)
        else:
            first = _value(body, names, offset)
            last = hi if m.group(2) else first
        if not (lo <= first <= hi and lo <= last <= hi) or first > last:
            raise ValueError(f"{name} field {text!r}: {part!r} is outside {lo}-{hi} or backwards")
        out.update(range(first, last + 1, step))
    return tuple(sorted(out))


@lru_cache(maxsize=256)
def parse(text: str) -> TimeSpec:
    """Read a config time; raises ValueError with a message fit for ``path:line: field: message``."""
    spec = " ".join(text.strip().lower().split())
    if m := _HM.match(spec):
        return TimeSpec(text, minutes=(int(m.group(2)),), hours=(int(m.group(1)),))
    if m := _DAY_HM.match(spec):
        return TimeSpec(text, minutes=(int(m.group(3)),), hours=(int(m.group(2)),),
                        weekdays=(DAY_NAMES.index(m.group(1)),))
    fields = spec.split(" ")
    if len(fields) != 5:
        raise ValueError(f"{text!r} is not HH:MM, 'fri 17:30' or a 5-field cron expression")
    minute, hour, dom, month, dow = fields
    days = _field(dom, "day-of-month", 1, 31)
    weekdays = tuple(sorted({(d - 1) % 7 for d in _field(dow, "day-of-week", 0, 7, _CRON_DOW)}))
    months = _field(month, "month", 1, 12, _MONTHS, 1)
    return TimeSpec(
        text, minutes=_field(minute, "minute", 0, 59), hours=_field(hour, "hour", 0, 23),
        days=None if dom == "*" else days, months=None if month == "*" else months,
        weekdays=None if dow == "*" else weekdays,
        either_day=not dom.startswith("*") and not dow.startswith("*"),
    )


@lru_cache(maxsize=64)
def weekdays(text: str) -> tuple[int, ...]:
    """A weekday list as cron writes it (``mon-sat``, ``1-6``, ``mon,wed,fri``), Python numbering (0 = Monday)."""
    return tuple(sorted({(d - 1) % 7 for d in _field(text.strip().lower(), "days", 0, 7, _CRON_DOW)}))


def check(text: str) -> str | None:
    """The problem with ``text`` as a config time, or None if it reads."""
    try:
        parse(text)
    except ValueError as exc:
        return str(exc)
    return None

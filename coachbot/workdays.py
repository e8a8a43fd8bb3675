"""Working days: weekends and mainland China's statutory holidays off, adjusted working days (调休) on.

Data source: the ``chinesecalendar`` package (State Council holiday notices),
which covers 2004 through the last year it was released for. Outside that
range we fall back to Monday-Friday and say so.
"""

from __future__ import annotations

import logging
from datetime import date

log = logging.getLogger("coachbot")
_warned: set[int] = set()


def covered_years() -> tuple[int, int]:
    try:
        import chinese_calendar
        from chinese_calendar.constants import holidays, workdays
        years = {d.year for d in holidays} | {d.year for d in workdays}
        return min(years), max(years)
    except Exception:  # pragma: no cover - package missing
        return (0, -1)


def cn_workday(day: date) -> tuple[bool, str | None]:
    """(is a working day, note) using the official calendar, weekday fallback outside it."""
    lo, hi = covered_years()
    if not lo <= day.year <= hi:
        if day.year not in _warned:
            _warned.add(day.year)
            log.warning("event=holiday_data_missing year=%s covered=%s-%s fallback=mon-fri", day.year, lo, hi)
        return day.weekday() < 5, "no-holiday-data"
    import chinese_calendar
    on, name = chinese_calendar.get_holiday_detail(day)
    if not on:
        return True, ("adjusted-workday" if day.weekday() >= 5 else None)
    return False, (name or "weekend")


def is_workday(day: date, holidays: str | tuple[str, ...] = "cn", workdays: tuple[str, ...] = ()) -> tuple[bool, str | None]:
    if day.isoformat() in workdays:
        return True, "adjusted-workday"
    if holidays == "cn":
        return cn_workday(day)
    if isinstance(holidays, tuple) and day.isoformat() in holidays:
        return False, "team-holiday"
    return day.weekday() < 5, (None if day.weekday() < 5 else "weekend")

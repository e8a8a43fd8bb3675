"""Working days: weekends and mainland China's statutory holidays off, adjusted working days (调休) on.

Data source for ``holidays: cn``: the ``chinesecalendar`` package, which
transcribes the State Council General Office's yearly holiday notices
(国务院办公厅关于部分节假日安排的通知). Each release covers 2004 through the
year of the latest notice (1.11.0: 2004-2026); the notice usually comes out in
November, so bump the package every year. Outside the covered years we fall
back to Monday-Friday, mark the day "no holiday data", and the scheduler logs
``event=holiday_data_missing`` at start.

A team may instead list its own holidays (``holidays: [2026-10-01, ...]``, plus
``workdays:`` for weekend working days), or use ``holidays: none`` (Mon-Fri).

Everything here is pure: it classifies days and describes the data; callers log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

SOURCE = "chinesecalendar"
AUTHORITY = "State Council holiday notices"
REST, WORK = "休", "班"


@dataclass(frozen=True)
class DayInfo:
    day: date
    workday: bool
    note: str | None = None     # "National Day", "adjusted working day (National Day)", "weekend", ...
    marker: str | None = None   # 休 a holiday, 班 a weekend working day; None for ordinary days


@dataclass(frozen=True)
class HolidaySource:
    kind: str                          # cn | list | none
    text: str                          # for people: what the days come from
    years: tuple[int, int] | None = None   # covered years (cn only)

    def as_json(self) -> dict:
        return {"kind": self.kind, "text": self.text, "years": list(self.years) if self.years else None}


@lru_cache(maxsize=1)
def cn_data() -> tuple[str | None, tuple[int, int] | None]:
    """(package version, (first, last) covered year); (None, None) if the package is missing."""
    try:
        import chinese_calendar
        from chinese_calendar.constants import holidays, workdays
    except ImportError:  # pragma: no cover - it is a dependency
        return None, None
    years = {d.year for d in holidays} | {d.year for d in workdays}
    return getattr(chinese_calendar, "__version__", None), (min(years), max(years))


def covered_years() -> tuple[int, int]:
    return cn_data()[1] or (0, -1)


def covers(year: int) -> bool:
    lo, hi = covered_years()
    return lo <= year <= hi


def holiday_source(holidays: str | tuple[str, ...]) -> HolidaySource:
    if holidays == "cn":
        version, years = cn_data()
        if years is None:  # pragma: no cover
            return HolidaySource("cn", f"{SOURCE} not installed: Mon-Fri only")
        return HolidaySource("cn", f"{SOURCE} {version} ({AUTHORITY}), covers {years[0]}-{years[1]}", years)
    if holidays == "none":
        return HolidaySource("none", "none: Mon-Fri, no holidays")
    return HolidaySource("list", f"team list ({len(holidays)} date{'' if len(holidays) == 1 else 's'})")


def missing_years(holidays: str | tuple[str, ...], *years: int) -> list[int]:
    """Which of ``years`` have no holiday data, for a team on ``holidays: cn``."""
    return [y for y in years if not covers(y)] if holidays == "cn" else []


def holiday_data_warnings(teams: Iterable, now: datetime) -> list[str]:
    """Log lines for the teams on ``holidays: cn`` whose current year has no data.

    From December on, also the coming year (the package is usually released
    after the State Council's November notice).
    """
    version, years = cn_data()
    covered = f"{years[0]}-{years[1]}" if years else "none"
    missing: dict[tuple[str, int], list[str]] = {}
    for team in teams:
        today = now.astimezone(team.tz).date()
        for event, year in (("holiday_data_missing", today.year),
                            ("holiday_data_next_year_missing", today.year + 1 if today.month == 12 else None)):
            if year is not None and missing_years(team.holidays, year):
                missing.setdefault((event, year), []).append(team.id)
    return [f"event={event} year={year} teams={','.join(ids)} source={SOURCE} version={version} "
            f"covered={covered} fallback=mon-fri hint='upgrade chinesecalendar once the State Council notice is out'"
            for (event, year), ids in sorted(missing.items())]


def _weekday(day: date) -> DayInfo:
    return DayInfo(day, True) if day.weekday() < 5 else DayInfo(day, False, "weekend")


def cn_day(day: date) -> DayInfo:
    """The official calendar, Monday-Friday outside the covered years."""
    if not covers(day.year):
        return DayInfo(day, day.weekday() < 5, f"no holiday data for {day.year}: Mon-Fri")
    import chinese_calendar
    try:
        off, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:  # pragma: no cover - covers() said yes
        return DayInfo(day, day.weekday() < 5, f"no holiday data for {day.year}: Mon-Fri")
    if off:
        return DayInfo(day, False, name, REST) if name else _weekday(day)
    if day.weekday() >= 5:
        return DayInfo(day, True, f"adjusted working day ({name})" if name else "adjusted working day", WORK)
    return DayInfo(day, True)


def day_info(day: date, holidays: str | tuple[str, ...] = "cn", workdays: tuple[str, ...] = ()) -> DayInfo:
    """Is ``day`` a working day for a team with these ``holidays`` and extra ``workdays``?"""
    iso = day.isoformat()
    if iso in workdays:
        return DayInfo(day, True, "working day (team list)", WORK)
    if holidays == "cn":
        return cn_day(day)
    if isinstance(holidays, tuple) and iso in holidays:
        return DayInfo(day, False, "team holiday", REST)
    return _weekday(day)


def is_workday(day: date, holidays: str | tuple[str, ...] = "cn", workdays: tuple[str, ...] = ()) -> tuple[bool, str | None]:
    """(working day, note): :func:`day_info` as a pair."""
    info = day_info(day, holidays, workdays)
    return info.workday, info.note

"""Working days: weekends and mainland China's statutory holidays off, adjusted working days (调休) on.

Data for ``holidays: cn`` is a maintained data file shipped with coachbot,
``domain/data/holidays-cn.yaml``: each year transcribed from the State Council
General Office's notice (国务院办公厅关于部分节假日安排的通知), which usually comes
out in November. A release adds the next year by adding its section; no code
changes. For a year the file does not cover, Monday-Friday is assumed, the
day is marked "no holiday data", and every runner and ``coachbot schedule``
warn as soon as a team's coming 30 days reach such a year.

A team may also list days of its own: ``holidays: [cn, 2027-01-01, ...]``
adds days off to the official calendar, ``holidays: [2026-10-01, ...]`` (no
``cn``) replaces it, ``workdays:`` adds working days, ``holidays: none`` is
Monday-Friday.

Everything here is pure: it classifies days and describes the data; callers log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).resolve().parent / "data" / "holidays-cn.yaml"
SOURCE = "holidays-cn.yaml"
AUTHORITY = "State Council holiday notices"
REST, WORK = "休", "班"
WARN_AHEAD = timedelta(days=30)   # warn this long before the data runs out

Holidays = str | tuple[str, ...]  # "cn", "none", or ISO dates (with "cn" among them: the official ones too)


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


@dataclass(frozen=True)
class Calendar:
    """The official days, as the data file gives them."""

    off: dict[date, str]        # day -> English holiday name
    on: dict[date, str]         # weekend working day -> the holiday it makes up for
    years: frozenset[int]


def _days(entry: list) -> Iterable[tuple[date, str]]:
    span, _, english = entry
    first, _, last = str(span).partition("..")
    start = date.fromisoformat(first)
    end = date.fromisoformat(last) if last else start
    while start <= end:
        yield start, english
        start += timedelta(days=1)


def load_calendar(path: Path = DATA_FILE) -> Calendar:
    """Read the data file (``coachbot validate`` checks it; a broken one fails loudly here)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    off: dict[date, str] = {}
    on: dict[date, str] = {}
    for year, section in (data.get("years") or {}).items():
        for key, into in (("holidays", off), ("workdays", on)):
            for entry in section.get(key) or ():
                days = dict(_days(entry))
                first = min(days)   # a New Year break may run on into the next year; it starts in its own
                if first.year != int(year):
                    raise ValueError(f"{path}: {first} is filed under {year}")
                into.update(days)
    return Calendar(off, on, frozenset(int(y) for y in data["years"]))


@lru_cache(maxsize=1)
def calendar() -> Calendar:
    return load_calendar()


def covered_years() -> tuple[int, int]:
    years = calendar().years
    return (min(years), max(years)) if years else (0, -1)


def covers(year: int) -> bool:
    return year in calendar().years


def official(holidays: Holidays) -> bool:
    """Whether a team's days follow the official calendar."""
    return holidays == "cn" or (isinstance(holidays, tuple) and "cn" in holidays)


def holiday_source(holidays: Holidays) -> HolidaySource:
    if holidays == "cn":
        lo, hi = covered_years()
        return HolidaySource("cn", f"{SOURCE} ({AUTHORITY}), covers {lo}-{hi}", (lo, hi))
    if holidays == "none":
        return HolidaySource("none", "none: Mon-Fri, no holidays")
    own = [d for d in holidays if d != "cn"]
    extra = f"team list ({len(own)} date{'' if len(own) == 1 else 's'})"
    if "cn" in holidays:
        lo, hi = covered_years()
        return HolidaySource("cn", f"{SOURCE} ({AUTHORITY}), covers {lo}-{hi}, plus {extra}", (lo, hi))
    return HolidaySource("list", extra)


def missing_years(holidays: Holidays, *years: int) -> list[int]:
    """Which of ``years`` have no holiday data, for a team on the official calendar."""
    return [y for y in years if not covers(y)] if official(holidays) else []


def uncovered_soon(holidays: Holidays, today: date, ahead: timedelta = WARN_AHEAD) -> list[int]:
    """Years without data that a team's next ``ahead`` days reach."""
    return missing_years(holidays, *sorted({today.year, (today + ahead).year}))


def holiday_data_warnings(teams: Iterable, now: datetime, ahead: timedelta = WARN_AHEAD) -> list[str]:
    """Log lines for the teams on the official calendar whose coming ``ahead`` days reach a year with no data."""
    lo, hi = covered_years()
    missing: dict[int, list[str]] = {}
    for team in teams:
        for year in uncovered_soon(team.holidays, now.astimezone(team.tz).date(), ahead):
            missing.setdefault(year, []).append(team.id)
    return [f"event=holiday_data_missing year={year} teams={','.join(ids)} source={SOURCE} covered={lo}-{hi} "
            f'fallback=mon-fri hint="add {year} from the State Council notice to {SOURCE}, or list the holidays '
            f'of the team in coachbot.yaml"'
            for year, ids in sorted(missing.items())]


def _weekday(day: date) -> DayInfo:
    return DayInfo(day, True) if day.weekday() < 5 else DayInfo(day, False, "weekend")


def cn_day(day: date) -> DayInfo:
    """The official calendar, Monday-Friday outside the covered years."""
    if not covers(day.year):
        return DayInfo(day, day.weekday() < 5, f"no holiday data for {day.year}: Mon-Fri")
    cal = calendar()
    if day in cal.off:
        return DayInfo(day, False, cal.off[day], REST)
    if day in cal.on:
        return DayInfo(day, True, f"adjusted working day ({cal.on[day]})", WORK)
    return _weekday(day)


def day_info(day: date, holidays: Holidays = "cn", workdays: tuple[str, ...] = ()) -> DayInfo:
    """Is ``day`` a working day for a team with these ``holidays`` and extra ``workdays``?"""
    iso = day.isoformat()
    if iso in workdays:
        return DayInfo(day, True, "working day (team list)", WORK)
    if isinstance(holidays, tuple) and iso in holidays:
        return DayInfo(day, False, "team holiday", REST)
    if official(holidays):
        return cn_day(day)
    return _weekday(day)


def is_workday(day: date, holidays: Holidays = "cn", workdays: tuple[str, ...] = ()) -> tuple[bool, str | None]:
    """(working day, note): :func:`day_info` as a pair."""
    info = day_info(day, holidays, workdays)
    return info.workday, info.note

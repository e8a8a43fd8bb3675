"""Config times: HH:MM, 'fri 17:30' and standard cron (0 or 7 = Sunday, 1 = Monday)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from coachbot.domain.timespec import check, parse

SH = ZoneInfo("Asia/Shanghai")
MON = date(2026, 10, 12)


def days_of_week(spec: str) -> list[str]:
    return [f"{d:%a}" for d in (date.fromordinal(MON.toordinal() + i) for i in range(7)) if parse(spec).matches(d)]


def test_simple_times():
    assert parse("09:00").first_on(MON, SH) == datetime(2026, 10, 12, 9, 0, tzinfo=SH)
    assert parse("fri 17:30").first_on(MON, SH) is None
    assert days_of_week("fri 17:30") == ["Fri"]


@pytest.mark.parametrize(("spec", "days"), [
    ("0 9 * * 1-5", ["Mon", "Tue", "Wed", "Thu", "Fri"]),
    ("0 9 * * mon-fri", ["Mon", "Tue", "Wed", "Thu", "Fri"]),
    ("0 9 * * 1", ["Mon"]),
    ("0 9 * * 0", ["Sun"]),
    ("0 9 * * 7", ["Sun"]),
    ("0 9 * * 5-7", ["Fri", "Sat", "Sun"]),
    ("0 9 * * sat,sun", ["Sat", "Sun"]),
    ("0 9 * * *", ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]),
])
def test_cron_weekdays_mean_what_crontab_means(spec, days):
    assert days_of_week(spec) == days


def test_cron_fields():
    spec = parse("*/20 9-10 * * *")
    assert [f"{t:%H:%M}" for t in spec.times_on(MON, SH)] == ["09:00", "09:20", "09:40", "10:00", "10:20", "10:40"]
    assert parse("0 9 * jan-mar *").matches(date(2026, 2, 3)) and not parse("0 9 * jan-mar *").matches(MON)
    either = parse("0 9 13 * fri")                     # cron: the 13th, or any Friday
    assert either.matches(date(2026, 10, 13)) and either.matches(date(2026, 10, 16)) and not either.matches(MON)
    assert not parse("0 9 */2 * mon").matches(MON)        # a '*' day field: both must match (12 is even)


def test_working_days_reading_only_for_exactly_monday_to_friday():
    sat = date(2026, 10, 10)
    assert not parse("0 9 * * 1-5").matches(sat) and parse("0 9 * * 1-5").for_working_days().matches(sat)
    assert not parse("0 9 * * 1,3,5").for_working_days().matches(sat)


@pytest.mark.parametrize(("spec", "problem"), [
    ("9am", "'9am' is not HH:MM, 'fri 17:30' or a 5-field cron expression"),
    ("0 24 * * *", "hour field '24': '24' is outside 0-23 or backwards"),
    ("0 9 * * 8", "day-of-week field '8': '8' is outside 0-7 or backwards"),
    ("0 9 * * funday", "'funday' is not a number or a name like 'sun'"),
    ("0 9 L * *", "'l' is not a number"),
])
def test_bad_specs_are_explained(spec, problem):
    assert check(spec) == problem
    assert check("0 9 * * 1-5") is None

"""Working days: the official calendar with 调休, its data source and years, team lists, none."""

from __future__ import annotations

from datetime import UTC, date, datetime

import chinese_calendar

from coachbot.domain.teams import Team
from coachbot.domain.workdays import (
    covered_years,
    day_info,
    holiday_data_warnings,
    holiday_source,
    is_workday,
    missing_years,
)

LAST = covered_years()[1]


def test_national_day_is_a_holiday_with_its_name():
    info = day_info(date(2026, 10, 1))
    assert (info.workday, info.note, info.marker) == (False, "National Day", "休")
    assert day_info(date(2026, 10, 3)).note == "National Day"       # a Saturday inside the holiday


def test_adjusted_weekend_working_days_in_2026_are_working_days():
    adjusted = [d for d in chinese_calendar.get_workdays(date(2026, 1, 1), date(2026, 12, 31)) if d.weekday() >= 5]
    assert date(2026, 10, 10) in adjusted and date(2026, 2, 14) in adjusted
    for day in adjusted:
        info = day_info(day)
        assert info.workday and info.marker == "班", day
    assert day_info(date(2026, 10, 10)).note == "adjusted working day (National Day)"


def test_plain_weekend_and_weekday():
    assert day_info(date(2026, 10, 17)) == day_info(date(2026, 10, 17), "cn")
    assert (day_info(date(2026, 10, 17)).workday, day_info(date(2026, 10, 17)).note) == (False, "weekend")
    assert day_info(date(2026, 10, 9)).workday and day_info(date(2026, 10, 9)).note is None


def test_years_without_data_fall_back_to_monday_to_friday():
    year = LAST + 1
    monday = next(date(year, 1, d) for d in range(1, 8) if date(year, 1, d).weekday() == 0)
    assert day_info(monday).workday and day_info(monday).note == f"no holiday data for {year}: Mon-Fri"
    saturday = date.fromordinal(monday.toordinal() + 5)
    assert not day_info(saturday).workday
    assert missing_years("cn", LAST, year) == [year] and missing_years("none", year) == []


def test_team_holiday_list_and_extra_working_days():
    holidays, workdays = ("2026-03-04",), ("2026-03-07",)
    assert day_info(date(2026, 3, 4), holidays, workdays).note == "team holiday"
    assert day_info(date(2026, 3, 7), holidays, workdays).marker == "班"
    assert day_info(date(2026, 10, 1), holidays, workdays).workday          # the official calendar is not used
    assert not day_info(date(2026, 3, 8), holidays, workdays).workday


def test_holidays_none_is_monday_to_friday():
    assert is_workday(date(2026, 10, 1), "none") == (True, None)
    assert is_workday(date(2026, 10, 10), "none") == (False, "weekend")


def test_the_data_source_is_named_with_its_years():
    src = holiday_source("cn")
    assert src.kind == "cn" and src.years == (2004, LAST) and LAST >= 2026
    assert src.text == f"chinesecalendar {chinese_calendar.__version__} (State Council holiday notices), covers 2004-{LAST}"
    assert holiday_source("none").text == "none: Mon-Fri, no holidays"
    assert holiday_source(("2026-03-04", "2026-03-05")).as_json() == {"kind": "list", "text": "team list (2 dates)",
                                                                     "years": None}


def test_warnings_for_uncovered_years_name_the_teams_on_the_official_calendar():
    teams = [Team(id="a", name="a"), Team(id="b", name="b", holidays="none"), Team(id="c", name="c")]
    assert holiday_data_warnings(teams, datetime(LAST, 6, 1, tzinfo=UTC)) == []
    [line] = holiday_data_warnings(teams, datetime(LAST + 1, 6, 1, tzinfo=UTC))
    assert line.startswith(f"event=holiday_data_missing year={LAST + 1} teams=a,c source=chinesecalendar ")
    assert f"covered=2004-{LAST} fallback=mon-fri" in line
    [soon] = holiday_data_warnings(teams, datetime(LAST, 12, 2, tzinfo=UTC))
    assert soon.startswith(f"event=holiday_data_next_year_missing year={LAST + 1} teams=a,c ")

"""Working days: the official calendar with 调休, its data source and years, team lists, none."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

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


# The State Council's notice for 2026 (2025-11-04): these weekend days are working days.
ADJUSTED_2026 = [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20),
                 date(2026, 10, 10)]
HOLIDAYS_2026 = [(date(2026, 1, 1), 3), (date(2026, 2, 15), 9), (date(2026, 4, 4), 3), (date(2026, 5, 1), 5),
                 (date(2026, 6, 19), 3), (date(2026, 9, 25), 3), (date(2026, 10, 1), 7)]


def test_2026_holidays_follow_the_state_council_notice():
    from datetime import timedelta

    for first, days in HOLIDAYS_2026:
        for n in range(days):
            assert day_info(first + timedelta(days=n)).marker == "休", first + timedelta(days=n)
        assert day_info(first + timedelta(days=days)).marker != "休"


def test_adjusted_weekend_working_days_in_2026_are_working_days():
    adjusted = ADJUSTED_2026
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
    assert src.text == f"holidays-cn.yaml (State Council holiday notices), covers 2004-{LAST}"
    assert holiday_source("none").text == "none: Mon-Fri, no holidays"
    assert holiday_source(("2026-03-04", "2026-03-05")).as_json() == {"kind": "list", "text": "team list (2 dates)",
                                                                     "years": None}


def test_warnings_for_uncovered_years_name_the_teams_on_the_official_calendar():
    teams = [Team(id="a", name="a"), Team(id="b", name="b", holidays="none"), Team(id="c", name="c")]
    assert holiday_data_warnings(teams, datetime(LAST, 6, 1, tzinfo=UTC)) == []
    [line] = holiday_data_warnings(teams, datetime(LAST + 1, 6, 1, tzinfo=UTC))
    assert line.startswith(f"event=holiday_data_missing year={LAST + 1} teams=a,c source=holidays-cn.yaml ")
    assert f"covered=2004-{LAST} fallback=mon-fri" in line
    assert holiday_data_warnings(teams, datetime(LAST, 11, 30, tzinfo=UTC)) == []   # 31 days away: not yet
    [soon] = holiday_data_warnings(teams, datetime(LAST, 12, 2, tzinfo=UTC))   # the coming 30 days reach it
    assert soon.startswith(f"event=holiday_data_missing year={LAST + 1} teams=a,c ")


def test_a_team_can_add_its_own_days_off_to_the_official_calendar():
    holidays = ("cn", "2027-01-01", "2027-02-05")
    assert day_info(date(2027, 1, 1), holidays).note == "team holiday"
    assert day_info(date(2026, 10, 1), holidays).note == "National Day"      # the official days still count
    assert day_info(date(2027, 1, 4), holidays).workday
    assert holiday_source(holidays).text.endswith("plus team list (2 dates)")


def test_the_data_file_is_well_formed_and_each_year_holds_its_own_days():
    from coachbot.domain.workdays import DATA_FILE, load_calendar

    cal = load_calendar(DATA_FILE)
    assert all(day.year in cal.years for day in [*cal.off, *cal.on])
    assert not set(cal.off) & set(cal.on)


def test_a_misfiled_day_in_the_data_file_is_refused_by_name(tmp_path):
    from coachbot.domain.workdays import load_calendar

    bad = tmp_path / "holidays-cn.yaml"
    bad.write_text("years:\n  2027:\n    holidays:\n      - ['2026-10-01', 国庆节, National Day]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="2026-10-01 is filed under 2027"):
        load_calendar(bad)
    ok = tmp_path / "ok.yaml"      # a New Year break that starts in December belongs to its own year
    ok.write_text("years:\n  2027:\n    holidays:\n      - ['2027-12-31..2028-01-01', 元旦, New Year]\n", encoding="utf-8")
    assert date(2028, 1, 1) in load_calendar(ok).off

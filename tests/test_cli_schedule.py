"""``coachbot schedule``: the coming posts per team in local time, holidays and 调休 marked; exact output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from coachbot.cli.main import main
from coachbot.domain.workdays import covered_years, holiday_source

CONFIG = """\
teams:
  - id: a
    name: 一组
    channels: {fake: [C1]}
    schedule: {lesson: "0 9 * * 1-5", challenge: "10:30", reveal: "16:00", summary: "fri 17:30"}
  - id: b
    name: 二组
    timezone: Europe/London
    holidays: [2026-10-05]
    workdays: [2026-10-10]
    schedule: {reveal_after: 20h}
"""


@pytest.fixture
def config(tmp_path: Path) -> str:
    path = tmp_path / "coachbot.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    return str(path)


def run(*args: str):
    return CliRunner().invoke(main, ["schedule", *args], catch_exceptions=False)


def test_human_output_marks_holidays_and_adjusted_working_days(config):
    result = run("--config", config, "--team", "a", "--from", "2026-09-30", "--days", "12")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "a 一组 · Asia/Shanghai",
        f"holidays: {holiday_source('cn').text}",
        "  2026-09-30 Wed  lesson 09:00  challenge 10:30  reveal 16:00  summary 17:30",
        "  2026-10-01 Thu  「休」 National Day (skipped)",
        "  2026-10-02 Fri  「休」 National Day (skipped)",
        "  2026-10-03 Sat  「休」 National Day (skipped)",
        "  2026-10-04 Sun  「休」 National Day (skipped)",
        "  2026-10-05 Mon  「休」 National Day (skipped)",
        "  2026-10-06 Tue  「休」 National Day (skipped)",
        "  2026-10-07 Wed  「休」 National Day (skipped)",
        "  2026-10-08 Thu  lesson 09:00  challenge 10:30  reveal 16:00",
        "  2026-10-09 Fri  lesson 09:00  challenge 10:30  reveal 16:00  summary 17:30",
        "  2026-10-10 Sat  「班」 adjusted working day (National Day)  lesson 09:00  challenge 10:30  reveal 16:00",
        "  2026-10-11 Sun  weekend",
    ]


def test_a_team_list_and_a_reveal_delay_in_another_time_zone(config):
    out = run("--config", config, "--team", "b", "--from", "2026-10-05", "--days", "6").output.splitlines()
    assert out[:2] == ["b 二组 · Europe/London", "holidays: team list (1 date)"]
    assert out[2] == "  2026-10-05 Mon  「休」 team holiday (skipped)"
    assert out[3] == "  2026-10-06 Tue  lesson 09:00  challenge 10:00  reveal 10-07 06:00"
    assert out[7] == "  2026-10-10 Sat  「班」 working day (team list)  lesson 09:00  challenge 10:00  reveal 10-11 06:00"


def test_json(config):
    result = run("--config", config, "--from", "2026-10-09", "--days", "2", "--json")
    data = json.loads(result.output)
    assert [t["team"] for t in data["teams"]] == ["a", "b"]
    a = data["teams"][0]
    assert a["timezone"] == "Asia/Shanghai" and a["warnings"] == []
    assert a["holiday_source"] == {"kind": "cn", "text": holiday_source("cn").text, "years": list(covered_years())}
    assert a["days"][1] == {
        "date": "2026-10-10", "workday": True, "note": "adjusted working day (National Day)", "marker": "班",
        "posts": [{"kind": "lesson", "at": "2026-10-10T09:00:00+08:00"},
                  {"kind": "challenge", "at": "2026-10-10T10:30:00+08:00"},
                  {"kind": "reveal", "at": "2026-10-10T16:00:00+08:00"}],
    }
    assert data["teams"][1]["days"][0]["posts"][0] == {"kind": "lesson", "at": "2026-10-09T09:00:00+01:00"}


def test_days_without_holiday_data_are_flagged(config):
    year = covered_years()[1] + 1
    out = run("--config", config, "--team", "a", "--from", f"{year - 1}-12-31", "--days", "2").output.splitlines()
    assert out[-1] == (f"warning: no holiday data for {year} ({holiday_source('cn').text}): "
                       f"Monday-Friday assumed; add {year} from the State Council notice to holidays-cn.yaml, "
                       "or list the team's holidays: in coachbot.yaml")
    assert f"no holiday data for {year}: Mon-Fri" in out[-2]


def test_default_settings_and_default_range():
    result = run()
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "demo 演示团队 · Asia/Shanghai" and len([x for x in lines if x.startswith("  ")]) == 14


def test_errors(config, tmp_path):
    assert run("--config", config, "--team", "zz").output == "Error: no team 'zz'; teams: a, b\n"
    bad = run("--config", config, "--from", "10/01/2026")
    assert bad.exit_code == 2 and "'10/01/2026' is not a date like 2026-10-01" in bad.output
    broken = tmp_path / "broken.yaml"
    broken.write_text(CONFIG.replace('"10:30"', '"0 10 * * 8"').replace("2026-10-05", '"2026-02-30"'), encoding="utf-8")
    result = run("--config", str(broken))
    assert result.exit_code == 1
    assert f"{broken}:5: teams.0.schedule.challenge: day-of-week field '8': '8' is outside 0-7 or backwards" in result.output
    assert f"{broken}:9: teams.1.holidays.0: '2026-02-30' is not a date like 2026-10-01" in result.output
    broken.write_text(CONFIG.replace('challenge: "10:30"', "challenge: 10:30"), encoding="utf-8")   # not YAML 1.1's 630
    unquoted = run("--config", str(broken), "--team", "a", "--from", "2026-09-30", "--days", "1")
    assert unquoted.exit_code == 0 and "challenge 10:30" in unquoted.output
    broken.write_text(CONFIG.replace("2026-10-05", "2026-13-05"), encoding="utf-8")
    assert f"{broken}:9: yaml: cannot read '2026-13-05': month must be in 1..12" in run("--config", str(broken)).output


def test_the_coming_30_days_reaching_a_year_without_data_are_warned_about(config):
    year = covered_years()[1] + 1
    out = run("--config", config, "--team", "a", "--from", f"{year - 1}-12-10", "--days", "3").output
    assert f"warning: no holiday data for {year}" in out
    quiet = run("--config", config, "--team", "a", "--from", f"{year - 1}-11-20", "--days", "3").output
    assert "warning" not in quiet

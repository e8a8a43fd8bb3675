"""coachbot.yaml: validated once, path:line errors, starter file from `coachbot init`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner

from coachbot.cli.main import main
from coachbot.domain.errors import ConfigError
from coachbot.settings import load_settings, settings_from_env


def test_init_writes_a_starter_that_loads(tmp_path):
    path = tmp_path / "coachbot.yaml"
    result = CliRunner().invoke(main, ["init", str(path)])
    assert result.exit_code == 0
    settings = load_settings(path)
    team = settings.teams[0]
    assert team.id == "team-a" and team.timezone == "Asia/Shanghai"
    assert team.channels["slack"] == ("C0123456789",)
    assert settings.policy == "first"
    again = CliRunner().invoke(main, ["init", str(path)])
    assert again.exit_code == 1 and "already exists" in again.output


def test_bad_config_reports_path_and_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "teams:\n"
        "  - id: a\n"
        "    timezone: Mars/Olympus\n"
        "    channels:\n"
        "      teams: [x]\n"
        "    schedule:\n"
        "      lesson: nine o'clock\n"
        "scoring:\n"
        "  policy: random\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    text = str(info.value)
    assert f"{path}:3: teams.0.timezone:" in text
    assert f"{path}:5: teams.0.channels.teams:" in text
    assert f"{path}:7: teams.0.schedule.lesson:" in text
    assert f"{path}:9: scoring.policy:" in text


def test_reveal_after_and_best_of(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("teams:\n  - id: a\n    channels: {console: [demo]}\n    schedule: {reveal_after: 6h}\n"
                    "scoring: {best_of: 3}\n", encoding="utf-8")
    s = load_settings(path)
    assert s.teams[0].schedule.reveal_after == timedelta(hours=6) and s.teams[0].schedule.reveal is None
    assert s.policy == "best_of:3"


def test_without_config_the_demo_default_is_used(monkeypatch):
    monkeypatch.delenv("COACHBOT_CONFIG", raising=False)
    s = settings_from_env(None, "x.db")
    assert s.teams[0].id == "demo" and s.database == "x.db"


def test_missing_config_file_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["console", "--config", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1 and "coachbot init" in result.output


def test_answers_setting_defaults_to_channel_and_rejects_unknown_values(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("teams:\n  - id: a\n    channels: {fake: [x]}\n  - id: b\n    channels: {fake: [y]}\n"
                    "    answers: thread\n", encoding="utf-8")
    a, b = load_settings(path).teams
    assert (a.answers, b.answers) == ("channel", "thread")
    path.write_text("teams:\n  - id: a\n    channels: {fake: [x]}\n    answers: dm\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert "c.yaml:4: teams.0.answers:" in str(info.value)


def test_one_id_written_without_brackets_is_a_list_of_one(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("admins: lead\nteams:\n  - id: a\n    channels: {console: demo, slack: 'C1, C2'}\n"
                    "    leads: U0LEAD，Li Wei\n", encoding="utf-8")
    s = load_settings(path)
    assert s.admins == ("lead",)
    assert s.teams[0].leads == ("U0LEAD", "Li Wei")
    assert s.teams[0].channels == {"console": ("demo",), "slack": ("C1", "C2")}


def test_times_and_words_mean_what_they_look_like(tmp_path):
    """YAML 1.1 would read 9:30 as the number 570 and ``off`` as false; the config reads them as written."""
    path = tmp_path / "c.yaml"
    path.write_text("teams:\n  - id: a\n    channels: {console: [demo]}\n"
                    "    schedule: {lesson: 9:30, challenge: 10:30, reveal: 16:00, days: everyday}\n", encoding="utf-8")
    schedule = load_settings(path).teams[0].schedule
    assert (schedule.lesson, schedule.challenge, schedule.reveal) == ("9:30", "10:30", "16:00")
    assert schedule.days == "every day"


@pytest.mark.parametrize(("days", "read"), [
    ("workdays", "workdays"), ("working days", "workdays"), ("every day", "every day"), ("daily", "every day"),
    ("mon-sat", "mon-sat"), ("sat,sun", "sat,sun"),
])
def test_schedule_days(tmp_path, days, read):
    path = tmp_path / "c.yaml"
    path.write_text(f"teams:\n  - id: a\n    channels: {{console: [demo]}}\n    schedule: {{days: '{days}'}}\n",
                    encoding="utf-8")
    assert load_settings(path).teams[0].schedule.days == read


def test_unknown_schedule_days_name_the_choices(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("teams:\n  - id: a\n    channels: {console: [demo]}\n    schedule:\n      days: fortnightly\n",
                    encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert f"{path}:5: teams.0.schedule.days:" in str(info.value) and "every day" in str(info.value)


def test_alias_bombs_and_self_references_are_refused_with_a_line(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8))
    path = tmp_path / "bomb.yaml"
    path.write_text(bomb, encoding="utf-8")
    with pytest.raises(ConfigError, match="once aliases are expanded"):
        load_settings(path)
    path.write_text("teams: &t\n  - id: a\n    channels: {console: [demo]}\n    leads: *t\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bomb.yaml:4: .*alias refers to the value that contains it"):
        load_settings(path)

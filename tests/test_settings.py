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

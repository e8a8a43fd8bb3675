"""Log lines cannot be forged by what members or requests supply."""

from __future__ import annotations

import logging

from coachbot.logfmt import LineFormatter, q
from coachbot.settings import Env


def test_values_with_spaces_quotes_or_equals_are_quoted():
    assert q("ok") == "ok"
    assert q("add channel ids here") == '"add channel ids here"'
    assert q('say "hi"') == '"say \\"hi\\""'
    assert q("a=b") == '"a=b"'
    assert q("") == '""'


def test_a_newline_in_user_text_cannot_start_a_log_line():
    record = logging.LogRecord("coachbot", logging.WARNING, __file__, 1,
                               "event=slack_auth_failed user=%s", ("x\n2026-01-01 INFO coachbot event=forged",), None)
    line = LineFormatter("%(levelname)s %(message)s").format(record)
    assert "\n" not in line and "\\n2026-01-01 INFO coachbot event=forged" in line


def test_a_traceback_stays_below_its_line_indented():
    try:
        raise ValueError("bad\nevent=forged")
    except ValueError:
        import sys
        record = logging.LogRecord("coachbot", logging.ERROR, __file__, 1, "event=handler_error", (), sys.exc_info())
    first, *rest = LineFormatter("%(message)s").format(record).split("\n")
    assert first == "event=handler_error" and rest and all(line.startswith("    ") for line in rest)


def test_the_environment_is_read_in_one_place():
    env = Env.read({"COACHBOT_DB": " /tmp/x.db ", "COACHBOT_TZ": "Asia/Tokyo", "SLACK_BOT_TOKEN": "xoxb-1",
                    "HOME": "/root", "COACHBOT_LOG_LEVEL": ""})
    assert (env.db, env.tz, env.log_level, env.config) == ("/tmp/x.db", "Asia/Tokyo", "INFO", None)
    assert env.platform == {"SLACK_BOT_TOKEN": "xoxb-1"}


def test_every_environment_variable_is_documented_and_read_only_by_settings():
    from pathlib import Path

    from coachbot.settings import ENV_VARS

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert [name for name in ENV_VARS if name not in readme] == []
    readers = sorted(str(p.relative_to(root)) for p in (root / "coachbot").rglob("*.py")
                     if "os.environ" in p.read_text(encoding="utf-8") or "getenv(" in p.read_text(encoding="utf-8"))
    assert readers == ["coachbot/settings.py"]

"""The command table is the one source of commands: chat help, the Slack manifest and the README agree with it."""

from __future__ import annotations

from pathlib import Path

import yaml

from coachbot.present.strings import En, Zh
from coachbot.usecases.commands import COMMANDS, help_message

ROOT = Path(__file__).resolve().parents[1]


def every_command():
    for command in COMMANDS:
        yield command
        yield from command.sub


def test_every_command_has_usage_and_help_in_both_languages():
    for command in every_command():
        for s in (Zh, En):
            assert s.command_usage[command.key].startswith("/"), command.key
            assert s.command_help[command.key].strip(), command.key


def test_chat_help_lists_every_command_and_marks_the_leads_ones():
    for lang, s in (("zh", Zh), ("en", En)):
        shown = help_message(lang).fallback
        for command in every_command():
            if not command.listed or command.sub:
                continue
            line = next(li for li in shown.splitlines() if li.strip().startswith(command.usage(lang)))
            assert command.leads_only == line.endswith(s.leads_only_mark.strip()), (lang, command.key, line)


def test_the_slack_manifest_declares_exactly_the_slash_commands_of_the_table():
    manifest = yaml.safe_load((ROOT / "slack" / "manifest.yaml").read_text(encoding="utf-8"))
    declared = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    wanted = {f"/{c.name}": c for c in COMMANDS if c.slash}
    assert set(declared) == set(wanted)
    for name, command in wanted.items():
        assert declared[name]["description"] == Zh.command_help[command.key]
        assert declared[name]["usage_hint"] == Zh.slash_hint[command.key]


def test_the_readme_names_every_command_word():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in every_command():
        assert command.name in readme, command.key
    for command in COMMANDS:
        for word in command.words[1:]:
            assert f"/{word}" in readme or word in readme, word

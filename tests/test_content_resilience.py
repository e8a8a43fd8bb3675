"""One broken file in a team's content folder never takes the bot down: the item is stood in for (its last
good version, the built-in item, or left out), everything else keeps serving, the log and the leads are told,
and `coachbot validate` checks the configured folders too."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from coachbot.cli.main import main
from coachbot.content.library import load_library, validate_paths
from coachbot.domain.teams import Schedule, Settings, Team
from coachbot.platforms.fake import FakeChat
from coachbot.runtime.app import build
from coachbot.store import Store

from .conftest import ROOT

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
GOOD_TIP = "id: {id}\ntitle: {title}\nbody: 先听完客户的话，再回应。\ntry_today: 今天每通电话都先听完。\ntags: [listening]\nsource: team\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path) -> Path:
    """A team's folder: a good tip of its own, a broken override of a shipped script, a broken new challenge."""
    root = tmp_path / "team-content"
    write(root / "tips" / "team-listen.yaml", GOOD_TIP.format(id="team-listen", title="团队：先听完"))
    write(root / "playbook" / "broken-promise.yaml", "id: broken-promise\ntitle: [团队版\n")     # YAML error
    write(root / "challenges" / "team-new.yaml", "id: team-new\ntitle: 新题\n")                   # fields missing
    return root


def settings(tmp_path: Path, folder: Path) -> Settings:
    team = Team(id="t1", name="电催一组", channels={"fake": ("C1",)}, leads=("U0LEAD",),
                schedule=Schedule(lesson="09:00", challenge="10:00", reveal="16:00", summary="fri 17:30"))
    return Settings(teams=(team,), database=str(tmp_path / "coach.db"), content_dirs=(str(folder),))


def test_the_bot_starts_serves_everything_else_and_tells_log_and_leads(tmp_path, folder, caplog):
    caplog.set_level(logging.ERROR)
    chat = FakeChat()
    bot = build(settings(tmp_path, folder), chat, clock=lambda: NOW)
    try:
        broken = {folder / "playbook" / "broken-promise.yaml", folder / "challenges" / "team-new.yaml"}
        assert {Path(p.path) for p in bot.content_problems} == broken
        assert bot.library.standins == {folder / "playbook" / "broken-promise.yaml": "builtin",
                                        folder / "challenges" / "team-new.yaml": "none"}
        assert bot.coach.lookup_script("爽约").match.id == "broken-promise"        # the built-in one serves
        assert "team-listen" in bot.library.tips and "team-new" not in bot.library.challenges
        logged = [r.getMessage() for r in caplog.records if "event=content_problem" in r.getMessage()]
        assert any("broken-promise.yaml" in line and "standin=builtin" in line for line in logged)
        assert any("team-new.yaml" in line and "standin=none" in line for line in logged)
        told = chat.private_to("U0LEAD")
        assert len(told) == 1 and told[0].kind == "dm"
        said = "\n".join(s.text for s in told[0].message.sections)
        assert "broken-promise.yaml：正在使用同名的内置版本" in said and "team-new.yaml：这一条暂时下线" in said
        assert "coachbot validate" in said and str(folder / "challenges" / "team-new.yaml") in said
    finally:
        bot.close()
    again = build(settings(tmp_path, folder), chat, clock=lambda: NOW)     # a restart with the same problems
    again.close()
    assert len(chat.private_to("U0LEAD")) == 1


def test_a_broken_edit_serves_the_last_good_version(tmp_path, folder):
    tip = folder / "tips" / "team-listen.yaml"
    first = build(settings(tmp_path, folder), FakeChat(), clock=lambda: NOW)
    first.close()
    write(tip, "id: team-listen\ntitle: 改坏了\nbody: 这里少了 try_today\ntags: [listening]\nsource: team\n")
    chat = FakeChat()
    bot = build(settings(tmp_path, folder), chat, clock=lambda: NOW)
    try:
        assert bot.library.tips["team-listen"].title == "团队：先听完"
        assert bot.library.standins[tip] == "last_good"
        assert "team-listen.yaml：正在使用它上次正常加载的版本" in "\n".join(
            s.text for s in chat.private_to("U0LEAD")[0].message.sections)
    finally:
        bot.close()
    write(tip, GOOD_TIP.format(id="team-listen", title="团队：修好了"))     # fixed: the new text is the last good one
    fixed = build(settings(tmp_path, folder), FakeChat(), clock=lambda: NOW)
    fixed.close()
    write(tip, "id: team-listen\n")
    store = Store(tmp_path / "coach.db")
    try:
        lib, _ = load_library([folder], last_good=store.content_snapshot)
    finally:
        store.close()
    assert lib.tips["team-listen"].title == "团队：修好了"


def test_validate_checks_the_configured_and_content_folders(tmp_path, folder):
    config = write(tmp_path / "coachbot.yaml", f"content_dirs: [{folder}]\nteams:\n  - id: a\n"
                                                "    channels: {console: [demo]}\n")
    runner = CliRunner()
    configured = runner.invoke(main, ["validate", "--config", str(config)])
    assert configured.exit_code == 1
    assert "broken-promise.yaml:2: yaml:" in configured.output and "team-new.yaml" in configured.output
    by_flag = runner.invoke(main, ["--content", str(folder), "validate"], env={"COACHBOT_CONFIG": ""})
    assert by_flag.exit_code == 1 and "team-new.yaml" in by_flag.output
    clean = runner.invoke(main, ["validate"], env={"COACHBOT_CONFIG": ""})
    assert clean.exit_code == 0 and "no problems" in clean.output


def test_a_yaml_and_a_yml_with_the_same_id_are_both_refused(tmp_path):
    write(tmp_path / "tips" / "same.yaml", GOOD_TIP.format(id="same", title="一"))
    write(tmp_path / "tips" / "same.yml", GOOD_TIP.format(id="same", title="二"))
    problems, _ = validate_paths([tmp_path])
    assert sorted((Path(p.path).name, p.field) for p in problems) == [("same.yaml", "id"), ("same.yml", "id")]
    lib, problems = load_library([tmp_path])
    assert "same" not in lib.tips and len(problems) == 2


def test_tip_length_counts_every_character(tmp_path):
    write(tmp_path / "tips" / "huge.yaml", GOOD_TIP.format(id="huge", title="长").replace(
        "先听完客户的话，再回应。", "x" * 1_000_000))
    problems, _ = validate_paths([tmp_path])
    assert [p.field for p in problems] == ["body"] and "1000000 characters" in problems[0].message


def test_a_problem_in_coachbots_own_content_still_refuses_to_start(tmp_path, monkeypatch):
    """A broken release is not papered over: only a team's own files are stood in for."""
    import shutil

    import coachbot.content.library as library_module
    from coachbot.domain.errors import ContentError
    from coachbot.runtime.app import load_content

    release = tmp_path / "release"
    shutil.copytree(ROOT / "tips", release / "tips")
    shutil.copytree(ROOT / "citations", release / "citations")   # tips cite the registry
    write(release / "tips" / "listen-to-the-end.yaml", "id: listen-to-the-end\n")
    monkeypatch.setattr(library_module, "builtin_root", lambda: release)
    with pytest.raises(ContentError) as refused:
        load_content(Settings(teams=(), database=str(tmp_path / "x.db")))
    assert "listen-to-the-end.yaml" in str(refused.value)

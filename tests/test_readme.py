"""The README tells the truth: its tour plays out as shown, and its worked example of a team's own challenge
validates and calibrates."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

from click.testing import CliRunner

from coachbot.cli.main import main

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    start = README.index(title)
    return README[start:README.index("\n## ", start + 1)]


def block(text: str, lang: str, n: int = 0) -> str:
    return re.findall(rf"```{lang}\n(.*?)```", text, re.S)[n]


def tour() -> tuple[list[str], list[str], list[str]]:
    """The tour's command line, the lines typed (comments dropped) and the replies it shows."""
    lines = block(section("## A short tour"), "text").splitlines()
    command = shlex.split(lines[0].removeprefix("$ "))
    typed = [re.sub(r"\s{2,}#.*$", "", line.split("> ", 1)[1]) for line in lines[1:] if re.match(r"^\S+> ", line)]
    shown = [line for line in lines if line.startswith("[coachbot")]
    return command, typed, shown


def test_the_tour_plays_out_as_the_readme_shows(tmp_path):
    command, typed, shown = tour()
    assert command[:2] == ["coachbot", "console"] and "--now" in command
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("COACHBOT_CONFIG", None)
    result = subprocess.run([sys.executable, "-m", "coachbot", *command[1:]], input="\n".join(typed) + "\n",
                            capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "tour.db").exists()
    out = result.stdout
    assert len(shown) >= 4
    for line in shown:
        header, _, said = line.partition("] ")
        assert header + "]" in out, header
        for part in said.split(" … ")[0].split("。 "):      # what the README quotes of the reply
            part = part.strip().strip("。")
            assert part in out, part
    assert "已经发过了" not in out and "Traceback" not in out + result.stderr


def test_the_worked_example_validates_calibrates_and_grades(tmp_path):
    text = section("### Your own content: a worked example")
    yaml_text = block(text, "yaml")
    folder = tmp_path / "our-content"
    (folder / "challenges").mkdir(parents=True)
    name = re.search(r"^id: (\S+)$", yaml_text, re.M)[1]
    (folder / "challenges" / f"{name}.yaml").write_text(yaml_text, encoding="utf-8")
    runner = CliRunner(env={"COACHBOT_CONFIG": ""})
    for line in block(text, "sh").splitlines():
        args = shlex.split(line.split("  #")[0])
        if args[:1] != ["coachbot"]:
            continue
        args = [str(folder) if a == "our-content" else a for a in args[1:]]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, (line, result.output)
        if "calibrate" in args:
            assert "4/4 examples inside their band" in result.output
        if "grade" in args:
            assert "得分" in result.output


def test_post_now_of_another_challenge_says_which_one_went_out(tmp_path, library):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("COACHBOT_CONFIG", None)

    def console(lines: str) -> str:
        result = subprocess.run([sys.executable, "-m", "coachbot", "console", "--db", str(tmp_path / "late.db"),
                                 "--now", "2026-11-25T10:30+08:00"], input=lines, capture_output=True, text=True,
                                env=env, timeout=120, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        return result.stdout

    posted = re.search(r"【今日挑战｜(.+?)】", console(""))[1]        # started late: the 10:00 challenge went out
    other = next(c.id for c in library.challenges.values() if c.title != posted)
    out = console(f"/coach post-now challenge {other}\n")
    assert f"今天的挑战已经发过了，是「{posted}」，所以没有再发 {other}" in out
    assert "【今日挑战｜" not in out


def test_the_leads_appeal_and_review_walkthrough_plays_out_in_the_console(tmp_path):
    """The README's appeal and review example, through the real console: what it shows is what happens."""
    lines = block(section("## For team leads"), "text").splitlines()
    command = shlex.split(lines[0].removeprefix("$ "))
    typed = [line.split("> ", 1)[1] for line in lines[1:] if re.match(r"^\S+> ", line)]
    shown = [line for line in lines[1:] if not re.match(r"^\S+> ", line)]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("COACHBOT_CONFIG", None)
    result = subprocess.run([sys.executable, "-m", "coachbot", *command[1:]], input="\n".join(typed) + "\n",
                            capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for line in shown:
        header, _, said = line.partition("] ") if line.startswith("[coachbot") else ("", "", line)
        if header:
            assert header + "]" in out, header
        for part in said.split("…"):
            if part.strip():
                assert part.strip() in out, part
    assert "Traceback" not in out + result.stderr

"""The console, driven non-interactively on stdin, as a newcomer would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from coachbot.content.library import load_library
from coachbot.grading import grade_reply

from .test_coach import GOOD, VIOLATING, WEAK

ROOT = Path(__file__).resolve().parents[1]


def run_console(db: Path, lines: list[str], now: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("COACHBOT_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "coachbot", "console", "--db", str(db), "--now", now],
        input="\n".join(lines) + "\n", capture_output=True, text=True, env=env, timeout=120, cwd=ROOT,
    )


def test_console_runs_a_whole_day_from_stdin(tmp_path):
    lib, _ = load_library()
    challenge = lib.challenges["broken-promise"]
    score = {name: grade_reply(challenge, text, lib.shared).score for name, text in
             (("小王", GOOD), ("小李", WEAK), ("小张", VIOLATING))}
    result = run_console(tmp_path / "day.db", [
        "/coach post-now lesson",
        "/coach post-now challenge broken-promise",
        "/as 小王", GOOD,
        "/as 小李", WEAK,
        "/as 小张", VIOLATING,
        "/as lead", "/coach reveal",
        "/leaderboard today",
        "/as 小李", "/coach post-now lesson",
        "/nonsense",
    ], now="2026-11-25T08:30:00+08:00")
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in out + result.stderr
    assert out.count("【今日一课｜") == 1
    assert out.count(f"【今日挑战｜{challenge.title}】") == 1
    assert "[coachbot → 小王（仅你可见）]" in out and f"得分 {score['小王']}/100，通过" in out
    assert f"得分 {score['小李']}/100，未通过" in out
    assert "有合规问题，本题记 0 分" in out and "「你这种老赖" in out
    assert f"【答案揭晓｜{challenge.title}】" in out
    board = out[out.index("今日排行榜"):]
    assert f" 1. 小王  {score['小王']} 分" in board
    assert " 2. 小李  0 分" in board and " 2. 小张  0 分" in board
    assert "只有组长和管理员可以用" in out
    assert "没有 /nonsense 这个命令" in out
    assert out.rstrip().endswith("再见！")


def test_restart_in_the_middle_of_the_day_does_not_post_twice(tmp_path):
    db = tmp_path / "restart.db"
    # 10:30 on a working day: lesson (09:00) and challenge (10:00) are due within the grace period
    first = run_console(db, ["/coach today"], now="2026-11-25T10:30:00+08:00")
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("【今日一课｜") >= 1 and "【今日挑战｜" in first.stdout
    posted_first = first.stdout.count("[coachbot → #demo]")
    assert posted_first == 2
    second = run_console(db, ["/as 小王", GOOD, "/coach today"], now="2026-11-25T10:45:00+08:00")
    assert second.returncode == 0, second.stderr
    assert second.stdout.count("[coachbot → #demo]") == 0          # nothing posted again
    assert "你的挑战反馈" in second.stdout                          # the reply still finds today's challenge
    assert "【今日挑战｜" in second.stdout                            # /coach today shows it privately


def test_holiday_posts_nothing_and_late_start_skips(tmp_path):
    holiday = run_console(tmp_path / "h.db", ["/coach today"], now="2026-10-01T10:30:00+08:00")
    assert "[coachbot → #demo]" not in holiday.stdout
    late = run_console(tmp_path / "late.db", ["/coach today"], now="2026-11-25T15:00:00+08:00")
    assert "[coachbot → #demo]" not in late.stdout and "今天还没有发布" in late.stdout

"""A team's own content cannot stall the bot: `validate` refuses nested repetition, grading has a hard budget,
and a slow rule never holds up lookups or other threads while it runs."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from coachbot.content.library import load_library, shipped, validate_paths
from coachbot.content.lookup import ScriptIndex
from coachbot.domain.scoring import Policy, Prior, decide
from coachbot.grading import grade_reply
from coachbot.grading.grader import VERDICT_TIMEOUT
from coachbot.present.views import feedback

from .conftest import ROOT

SLOW_REPLY = "a" * 60 + "b"      # (a|aa)+$ tries every way to split 60 a's before it fails


def team_folder(tmp_path: Path, pattern: str, *, flag: bool = False) -> Path:
    """A team's content folder with a copy of a shipped challenge whose first criterion (or a red flag)
    carries ``pattern``."""
    source = (ROOT / "challenges" / "already-paid.yaml").read_text(encoding="utf-8")
    text = source.replace("id: already-paid", "id: team-already-paid", 1)
    if flag:
        text = text.replace("  red_flags:\n", "  red_flags:\n    - id: team-slow\n      category: threat\n"
                            f"      label: 慢规则\n      rule: 测试\n      patterns: ['{pattern}']\n", 1)
    else:
        text = text.replace('          - "@empathy"\n', f'          - "@empathy"\n          - "re:{pattern}"\n', 1)
    folder = tmp_path / "team"
    (folder / "challenges").mkdir(parents=True)
    (folder / "challenges" / "team-already-paid.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("flag", [False, True])
def test_validate_refuses_nested_repetition_with_path_and_line(tmp_path, flag):
    folder = team_folder(tmp_path, "(a+)+$", flag=flag)
    problems, _ = validate_paths([folder])
    assert len(problems) == 1
    problem = problems[0]
    assert problem.path.endswith("team-already-paid.yaml") and problem.line > 1
    assert "repetition inside a repetition" in problem.message
    _, problems = load_library([folder])          # loading reports it too
    assert any("repetition inside a repetition" in p.message for p in problems)


def test_a_slow_team_rule_ends_grading_at_the_budget_with_its_own_verdict(tmp_path):
    lib, problems = load_library([team_folder(tmp_path, "(a|aa)+$")])   # not refused: overlapping alternatives
    assert problems == []
    challenge = lib.challenges["team-already-paid"]
    assert not shipped(challenge.path) and shipped(lib.challenges["already-paid"].path)
    grade = grade_reply(challenge, SLOW_REPLY, lib.shared, seconds=0.2)
    assert grade.verdict == VERDICT_TIMEOUT and grade.score == 0 and not grade.passed
    assert grade.slow_rule == "criterion accept-no-blame"
    assert grade.as_json()["slow_rule"] == "criterion accept-no-blame"
    assert grade_reply(challenge, "李女士，不好意思给您添麻烦了，我马上帮您查。", lib.shared).verdict != VERDICT_TIMEOUT


def test_a_slow_shared_red_flag_from_a_team_folder_runs_under_the_budget(tmp_path):
    folder = tmp_path / "team"
    (folder / "challenges").mkdir(parents=True)
    (folder / "challenges" / "_red-flags.yaml").write_text(
        "flags:\n  - id: team-slow\n    category: threat\n    label: 慢规则\n    rule: 测试\n"
        "    patterns: ['(a|aa)+$']\n", encoding="utf-8")
    lib, problems = load_library([folder])
    assert problems == []
    assert [f.shipped for f in lib.shared.red_flags if f.id == "team-slow"] == [False]
    assert all(f.shipped for f in lib.shared.red_flags if f.id != "team-slow")
    grade = grade_reply(lib.challenges["already-paid"], SLOW_REPLY, lib.shared, seconds=0.2)
    assert (grade.verdict, grade.slow_rule) == (VERDICT_TIMEOUT, "red flag team-slow")


def test_a_reply_that_ran_out_of_time_uses_up_no_attempt_and_says_so(tmp_path):
    lib, _ = load_library([team_folder(tmp_path, "(a|aa)+$")])
    grade = grade_reply(lib.challenges["team-already-paid"], SLOW_REPLY, lib.shared, seconds=0.1)
    first = decide(Prior(0, 0, 0, False), score=grade.score, passed=grade.passed, violation=False,
                   after_reveal=False, policy=Policy.parse("first"), unjudged=grade.verdict == VERDICT_TIMEOUT)
    assert not first.counted and first.reason == "practice"
    message = feedback(grade, reason=first.reason, points=first.points, attempt=first.attempt)
    said = "\n".join(s.text for s in message.sections)
    assert "没有评完" in said and "不占用" in said and "1 秒" in said
    english = "\n".join(s.text for s in feedback(grade, reason="practice", points=0, attempt=1, lang="en").sections)
    assert "did not finish" in english


def test_lookups_run_while_a_slow_rule_is_grading(tmp_path, library):
    """The slow pattern lets other threads run (``re`` would hold the interpreter for the whole match)."""
    lib, _ = load_library([team_folder(tmp_path, "(a|aa)+$")])
    index = ScriptIndex(library.scripts)
    started, results = threading.Event(), []

    def grade() -> None:
        started.set()
        results.append(grade_reply(lib.challenges["team-already-paid"], SLOW_REPLY, lib.shared, seconds=3))

    worker = threading.Thread(target=grade)
    worker.start()
    started.wait()
    answers = [index.lookup(q) for q in ("爽约", "已经还了", "投诉", "协商还款", "爽约")]
    still_grading = worker.is_alive()
    worker.join()
    assert all(a.match is not None or a.suggestions for a in answers)
    assert still_grading, "the lookups waited for the slow rule"
    assert results[0].verdict == VERDICT_TIMEOUT

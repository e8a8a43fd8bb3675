"""coachbot grade --batch: JSON Lines in, one grade --json object per line out, in order, in one process."""

from __future__ import annotations

import json

from click.testing import CliRunner

from coachbot.cli.main import main
from coachbot.grading.batch import grade_lines

GOOD = "王先生您好，理解您这周手头紧。想先了解一下这次没还上的原因？您看周五前能先还1000元吗？我记下来，周五下午再跟您确认。"
BAD = "再不还就让你坐牢，老赖。"


def _lines(*items: object) -> str:
    return "".join((x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)) + "\n" for x in items)


def test_each_line_is_exactly_the_single_grade_object_plus_the_other_input_fields(tmp_path):
    src = tmp_path / "calls.jsonl"
    src.write_text(_lines({"challenge": "broken-promise", "text": GOOD, "call": "A-17", "agent": "u1"},
                          {"challenge": "broken-promise", "text": BAD, "call": "A-18"}), encoding="utf-8")
    out = CliRunner().invoke(main, ["grade", "--batch", str(src)])
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    single = [json.loads(CliRunner().invoke(main, ["grade", "broken-promise", "--json", "--text", t]).stdout)
              for t in (GOOD, BAD)]
    assert [{k: v for k, v in r.items() if k not in ("call", "agent")} for r in rows] == single
    assert [r["call"] for r in rows] == ["A-17", "A-18"] and rows[0]["agent"] == "u1"
    assert list(rows[0])[:len(single[0])] == list(single[0])       # the grade's keys first, in its order


def test_stdin_dash_and_order_kept_with_bad_lines_answered_in_place():
    text = _lines({"challenge": "broken-promise", "text": BAD, "n": 1}, "not json",
                  {"challenge": "broken-promis", "text": GOOD, "n": 3}, {"challenge": "broken-promise", "n": 4},
                  {"challenge": "broken-promise", "text": GOOD, "n": 5})
    out = CliRunner().invoke(main, ["grade", "--batch", "-"], input=text.encode("utf-8"))
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert out.exit_code == 1 and "3 line(s) could not be graded" in out.stderr
    assert len(rows) == 5
    assert rows[0]["n"] == 1 and rows[0]["verdict"] == "violation"
    assert rows[1] == {"line": 2, "error": rows[1]["error"]} and rows[1]["error"].startswith("not JSON")
    assert rows[2]["n"] == 3 and "broken-promise" in rows[2]["error"]        # did you mean
    assert rows[3]["line"] == 4 and "text" in rows[3]["error"]
    assert rows[4]["n"] == 5 and rows[4]["passed"] is True


def test_batch_refuses_a_challenge_argument_and_a_missing_file(tmp_path):
    both = CliRunner().invoke(main, ["grade", "broken-promise", "--batch", "-"], input="")
    assert both.exit_code == 2 and "--batch" in both.output
    missing = CliRunner().invoke(main, ["grade", "--batch", str(tmp_path / "none.jsonl")])
    assert missing.exit_code == 2 and "no such file" in missing.output


def test_progress_goes_to_stderr_never_into_the_json(tmp_path):
    src = tmp_path / "many.jsonl"
    src.write_text(_lines(*({"challenge": "broken-promise", "text": GOOD, "i": i} for i in range(30))), encoding="utf-8")
    out = CliRunner().invoke(main, ["grade", "--batch", str(src)])
    assert [json.loads(line)["i"] for line in out.stdout.splitlines()] == list(range(30))
    assert "grading" in out.stderr


def test_grade_lines_is_lazy_and_in_process(library):
    rows = grade_lines(iter([json.dumps({"challenge": "broken-promise", "text": GOOD, "k": 1})]), library)
    first = next(rows)
    assert first["k"] == 1 and first["passed"] is True

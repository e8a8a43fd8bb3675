"""Every red flag and criterion carries its own fixtures, and `coachbot validate` runs them (coachbot/grading/fixtures.py)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from click.testing import CliRunner

from coachbot.cli.main import main
from coachbot.domain.text import normalize
from coachbot.grading.fixtures import fixture_problems

DATA = Path(__file__).resolve().parent / "data"


def _rules(library):
    yield from library.shared.red_flags
    for ch in library.challenges.values():
        yield from ch.criteria
        yield from ch.red_flags


def test_every_shipped_rule_has_fixtures_that_behave(library):
    rules = list(_rules(library))
    assert all(r.examples.match for r in rules), [r.id for r in rules if not r.examples.match]
    assert all(r.examples.no_match for r in rules), [r.id for r in rules if not r.examples.no_match]
    assert fixture_problems(library) == []


def _team_flag(folder: Path, examples: str) -> Path:
    path = folder / "challenges" / "_red-flags.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"""\
flags:
  - id: team-weekend-call
    category: harassment
    label: 约在周末打催收电话
    rule: 周末不打催收电话
    cites: [policy-no-late-callbacks]
    patterns: ["(周六|周日|周末)(我|我们)?(再)?(给您|给你)?打"]
{examples}""", encoding="utf-8")
    return path


def test_a_fixture_that_misbehaves_fails_validate_at_its_own_line(tmp_path):
    path = _team_flag(tmp_path, """\
    examples:
      match:
        - 那我周六给您打。
        - 周一上午我再联系您。
      no_match:
        - 周末我们不打电话。
        - 周日我再给您打过去。
""")
    out = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert out.exit_code == 1, out.output
    lines = [line for line in out.output.splitlines() if "team-weekend-call" in line]
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}:11: flags.0.examples.match.1: red flag 'team-weekend-call': this sentence "
                               "does not set it off: 周一上午我再联系您。")
    assert lines[1].startswith(f"{path}:14: flags.0.examples.no_match.1:") and "sets it off" in lines[1]


def test_a_team_rule_without_fixtures_is_a_warning_not_a_problem(tmp_path):
    _team_flag(tmp_path, "")
    out = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert out.exit_code == 0, out.output
    assert "has no fixtures" in out.output and "1 warning(s)" in out.output


def test_a_criterion_fixture_is_checked_like_a_flag(library, tmp_path):
    ch = library.challenges["broken-promise"]
    text = ch.path.read_text(encoding="utf-8")
    crit = ch.criteria[0]
    bad = text.replace(f"- {_quoted(crit.examples.match[0])}", "- 今天天气不错。", 1)
    assert bad != text
    (tmp_path / "challenges").mkdir()
    (tmp_path / "challenges" / "broken-promise.yaml").write_text(bad, encoding="utf-8")
    out = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert out.exit_code == 1
    assert re.search(rf"broken-promise\.yaml:\d+: rubric\.criteria\.0\.examples\.match\.0: criterion '{crit.id}': "
                     r"this sentence does not meet it: 今天天气不错。", out.output), out.output


def _quoted(s: str) -> str:
    import json
    return json.dumps(s, ensure_ascii=False)


def test_fixtures_are_never_pasted_from_a_labelled_set(library):
    """Fixtures are written for the rule (or taken from the content's own model answers and examples), never
    from a set the grader is measured on: fix classes, not sentences."""
    replies = [normalize(d["text"]) for p in sorted(DATA.glob("*.yaml"))
               for d in yaml.safe_load(p.read_text(encoding="utf-8"))]
    content = " ".join(normalize(t) for ch in library.challenges.values()
                       for t in (ch.model_answer, *(ex.text for ex in ch.examples)))
    content += " ".join(normalize(t) for s in library.scripts.values()
                        for t in (*(x for st in s.steps for x in st.say), *(a.say for a in s.avoid)))
    for rule in _rules(library):
        for text in (*rule.examples.match, *rule.examples.no_match):
            norm = normalize(text)
            if norm in content:
                continue            # the content's own words (a model answer, an example), which the sets may echo
            runs = [norm[i:i + 20] for i in range(max(1, len(norm) - 19))] if len(norm) >= 20 else []
            hits = [r for r in runs if any(r in reply for reply in replies)]
            assert not hits, (rule.id, text, hits[:1])

"""Shipped content is valid, complete and distinct; broken content is reported with path:line."""

from __future__ import annotations

import itertools
import re

from click.testing import CliRunner
from rapidfuzz import fuzz

from coachbot.cli.main import main
from coachbot.content.library import builtin_root, load_library, validate_paths
from coachbot.content.models import TOPICS
from coachbot.domain.text import cjk_count, normalize

from .conftest import FIXTURES

REQUIRED_SCRIPTS = ["first-contact", "early-reminder", "broken-promise", "refuse-to-pay", "deceased", "unable-to-pay", "third-party", "no-answer", "identity-dispute", "fee-dispute", "installment", "angry-debtor", "complaint", "hesitant", "rational", "emotional", "straightforward", "late-stage"]


def test_shipped_content_validates_with_exit_zero():
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK:")


def test_at_least_sixty_tips_covering_every_topic(library):
    assert len(library.tips) >= 60
    covered = {tag for tip in library.tips.values() for tag in tip.tags}
    assert covered == set(TOPICS)
    for tip in library.tips.values():
        assert cjk_count(tip.body) <= 300, tip.id
        assert tip.try_today


def test_tips_are_not_near_duplicates(library):
    bodies = {t.id: normalize(t.body) for t in library.tips.values()}
    titles = {t.id: normalize(t.title) for t in library.tips.values()}
    for a, b in itertools.combinations(sorted(bodies), 2):
        assert fuzz.ratio(bodies[a], bodies[b]) < 60, (a, b)
        assert titles[a] != titles[b], (a, b)


def test_required_scripts_exist_with_steps_and_aliases(library):
    assert len(library.scripts) >= 18
    for slug in REQUIRED_SCRIPTS:
        script = library.scripts[slug]
        assert script.aliases and script.steps and script.avoid
        assert all(1 <= len(step.say) <= 2 for step in script.steps)


def test_content_never_pastes_long_runs_from_the_seeds(library):
    seeds_dir = builtin_root().parent / "shared" / "seeds"
    if not seeds_dir.is_dir():
        seeds_dir = builtin_root().parents[1] / "shared" / "seeds"
    seeds = [normalize(p.read_text(encoding="utf-8")) for p in sorted(seeds_dir.glob("0*.txt"))] if seeds_dir.is_dir() else []
    if not seeds:
        import pytest
        pytest.skip("seed material not beside the checkout")
    seeds = [re.sub(r"[a-z]+", "", s) for s in seeds]
    texts = [t.body for t in library.tips.values()] + [
        line for s in library.scripts.values() for step in s.steps for line in step.say
    ]
    for text in texts:
        norm = re.sub(r"[a-z0-9]+", "", normalize(text))
        for i in range(max(0, len(norm) - 20)):
            window = norm[i:i + 20]
            assert not any(window in seed for seed in seeds), window


def test_broken_fixtures_report_every_problem_with_path_and_line():
    result = CliRunner().invoke(main, ["validate", str(FIXTURES / "broken")])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    pattern = re.compile(r"^(?P<path>\S+\.yaml):(?P<line>\d+): (?P<field>\S+): .+$")
    parsed = [pattern.match(line) for line in lines if ".yaml:" in line]
    assert parsed and all(parsed)
    found = {(m["path"].split("broken/")[1], int(m["line"]), m["field"]) for m in parsed}
    assert ("tips/bad-tip.yaml", 5, "tags.1") in found
    assert ("tips/bad-tip.yaml", 1, "try_today") in found
    assert ("tips/malformed.yaml", 4, "yaml") in found
    assert ("tips/Wrong_Name.yaml", 1, "id") in found
    assert ("playbook/dup-alias.yaml", 3, "aliases.0") in found
    assert ("playbook/dup-alias.yaml", 4, "stage") in found
    assert ("playbook/dup-alias.yaml", 13, "related.0") in found
    assert ("challenges/bad-challenge.yaml", 4, "difficulty") in found
    assert ("challenges/bad-challenge.yaml", 15, "rubric.criteria.0.evidence.any.0") in found
    assert "Traceback" not in result.output


def test_validate_single_file_and_missing_path(tmp_path):
    problems, count = validate_paths([FIXTURES / "broken" / "tips" / "malformed.yaml", tmp_path / "nope.yaml"])
    assert count == 1
    assert {p.field for p in problems} == {"yaml", "(file)"}


def test_extra_content_folder_overrides_builtin_by_id(tmp_path, library):
    (tmp_path / "tips").mkdir()
    original = library.tips["listen-to-the-end"]
    (tmp_path / "tips" / "listen-to-the-end.yaml").write_text(
        "id: listen-to-the-end\ntitle: 本团队版本\nbody: 听完再说。\ntry_today: 今天每通电话都先听完。\n"
        "tags: [listening]\nsource: team\n", encoding="utf-8")
    (tmp_path / "tips" / "team-only-tip.yaml").write_text(
        "id: team-only-tip\ntitle: 团队自己的课\nbody: 团队内容。\ntry_today: 试一次。\ntags: [workflow]\nsource: team\n",
        encoding="utf-8")
    lib, problems = load_library([tmp_path])
    assert problems == []
    assert lib.tips["listen-to-the-end"].title == "本团队版本" != original.title
    assert "team-only-tip" in lib.tips
    assert len(lib.tips) == len(library.tips) + 1


def test_red_flag_threatening_must_be_a_boolean(tmp_path):
    (tmp_path / "challenges").mkdir()
    (tmp_path / "challenges" / "_red-flags.yaml").write_text(
        "flags:\n  - id: f1\n    category: threat\n    label: x\n    rule: y\n    patterns: [坐牢]\n"
        "    threatening: maybe\n", encoding="utf-8")
    problems, _ = validate_paths([tmp_path / "challenges" / "_red-flags.yaml"])
    assert [(p.line, p.field) for p in problems] == [(7, "flags.0.threatening")]

"""The grader on labelled replies written apart from the rubrics.

``heldout.yaml`` and ``blind-*.yaml`` were written blind and have never been used
to tune patterns (one threshold choice of the learned signal saw only the
pass/fail of these tests on ``heldout.yaml``; each blind set was measured once
at the end of the round it was written for);
``dev-replies*.yaml`` were blind once, then used to improve the grader. The
figures are reported in the README; these tests hold the line against
regressions where the issue's targets are met, and the floor reached on the
blind set where they are not (violation recall).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coachbot.content.models import CATEGORIES, LABELS
from coachbot.grading.evaluate import evaluate, load_cases

DATA = Path(__file__).resolve().parent / "data"


BLIND = ["heldout.yaml", *(f"blind-{n}.yaml" for n in range(5, 12))]


@pytest.fixture(scope="module", params=BLIND)
def heldout(request):
    return load_cases(DATA / request.param)


def test_heldout_set_is_well_formed(heldout, library):
    assert len(heldout) >= 60
    assert {c.challenge for c in heldout} <= set(library.challenges)
    assert {c.label for c in heldout} == set(LABELS)
    for c in heldout:
        assert (c.label == "violating") == bool(c.categories)
        assert set(c.categories) <= set(CATEGORIES)


def test_heldout_false_flags_and_ordering_meet_targets(heldout, library):
    report = evaluate(library, heldout)
    assert report.false_flag_rate <= 0.05, report.misses
    assert report.ordering >= 0.90


# Every labelled category named, as measured with the current grader (docs/grader-quality.md).
CATEGORY_FLOOR = {"heldout.yaml": 0.90, "blind-5.yaml": 0.90, "blind-6.yaml": 0.88, "blind-7.yaml": 0.80,
                  "blind-8.yaml": 0.86, "blind-9.yaml": 0.90, "blind-10.yaml": 0.90, "blind-11.yaml": 0.88}


def test_heldout_violation_recall_does_not_regress(heldout, library, request):
    report = evaluate(library, heldout)
    # Measured with the current grader: 50/50 (held-out, blind 5, 6), 75/75 (blind 7, 11), 74/75 (blind 8, 9),
    # 73/75 (blind 10).
    assert report.flagged_any / report.violating >= 0.96
    assert report.recall >= CATEGORY_FLOOR[request.node.callspec.params["heldout"]]


def test_issue_targets_hold_on_the_held_out_set(library):
    """Issue 3's targets, on the held-out set it asks for: every violation flagged, at most 5% false
    flags, at least 90% of better/worse pairs ordered."""
    report = evaluate(library, load_cases(DATA / "heldout.yaml"))
    assert report.flagged_any == report.violating, report.misses
    assert report.false_flag_rate <= 0.05
    assert report.ordering >= 0.90


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("dev-replies*.yaml")))
def test_dev_sets_stay_where_tuning_left_them(name, library):
    report = evaluate(library, load_cases(DATA / name))
    assert report.false_flag_rate <= 0.05
    assert report.ordering >= 0.90
    assert report.violating - report.flagged_any <= max(1, report.violating // 50)   # at most 2% missed

"""Reviews of grades, as values and pure rules: what a grade is made of, when the grader is unsure, and the
grade that stands after a lead's decision.

A grade (the grader's JSON, see ``coachbot.grading.grader.Grade.as_json``) is made of *parts*: each rubric
criterion (met or missed) and each violation (a red flag, or a suspicion of the learned signal). People
name a part by its place (``c2``: the second criterion, ``f1``: the first flag) or by its id; labels are kept
under a stable reference (``criterion:<id>``, ``flag:<rule id>``), plus ``verdict`` for pass or fail.

    >>> grade = {"score": 58, "passed": False, "verdict": "ok", "criteria": [], "violations": []}
    >>> uncertain_reasons(grade, pass_score=60, margin=5)
    ('near_pass',)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from coachbot.domain.records import Member, Submission

SOURCES = ("appeal", "grader")
STATES = ("open", "upheld", "overridden")
ACTIONS = ("routed", "appealed", "upheld", "overridden", "judged")
VERDICT = "verdict"                      # the label of pass or fail as a whole
SUSPECT_PREFIX = "suspect:"              # a violation only the learned signal raised (``certain`` False)
UNJUDGED = ("too_short", "timeout")      # see coachbot.domain.scoring.UNJUDGED
CAPPED = {"keyword_list": 30}            # verdicts whose score the grader caps, kept when a lead judges parts


@dataclass(frozen=True)
class Part:
    key: str              # c1, c2 … f1 …: how a person names it in a command
    ref: str              # criterion:<id> | flag:<rule id>: stable, for labels
    kind: str             # criterion | flag
    label: str
    graded: bool          # the grader's value: criterion met / flag raised (always True for a flag)
    certain: bool = True  # a flag a red flag raised (False: only the learned signal)
    points: int = 0
    max_points: int = 0
    evidence: str | None = None
    category: str | None = None
    critical: bool = False


def parts(grade: Mapping[str, Any]) -> list[Part]:
    """The criteria, then the violations, of a grade, numbered as people see them."""
    out: list[Part] = []
    for i, c in enumerate(grade.get("criteria") or (), 1):
        out.append(Part(f"c{i}", f"criterion:{c.get('id')}", "criterion", str(c.get("label") or c.get("id")),
                        bool(c.get("met")), points=int(c.get("points") or 0), max_points=int(c.get("max_points") or 0),
                        evidence=c.get("evidence"), critical=bool(c.get("critical"))))
    for i, v in enumerate(grade.get("violations") or (), 1):
        flag = str(v.get("flag") or f"{SUSPECT_PREFIX if v.get('certain') is False else ''}{v.get('category')}")
        out.append(Part(f"f{i}", f"flag:{flag}", "flag", str(v.get("label") or v.get("category")), True,
                        certain=v.get("certain", True) is not False and not flag.startswith(SUSPECT_PREFIX),
                        evidence=v.get("evidence"), category=v.get("category")))
    return out


def find_part(grade: Mapping[str, Any], word: str) -> Part | None:
    """The part ``word`` names: its place (``c2``, ``F1``), its reference, or the criterion's or rule's id."""
    w = word.strip().lower()
    for p in parts(grade):
        if w in (p.key, p.ref.lower(), p.ref.split(":", 1)[1].lower()):
            return p
    return None


def is_suspicion(v: Mapping[str, Any]) -> bool:
    return v.get("certain") is False or str(v.get("flag") or "").startswith(SUSPECT_PREFIX)


def uncertain_reasons(grade: Mapping[str, Any], *, pass_score: int, margin: int) -> tuple[str, ...]:
    """Why the grader is not sure of this verdict, or ``()``.

    - ``suspect:<category>``: the reply scored 0 only because of the learned signal (no red flag raised
      anything); a suspicion beside a red flag changes nothing, so it is not asked about;
    - ``near_pass``: a judged reply within ``margin`` points of the pass mark, either side;
    - ``timeout``: grading ran out of its time budget and judged nothing.
    """
    verdict = grade.get("verdict")
    if verdict == "timeout":
        return ("timeout",)
    violations = list(grade.get("violations") or ())
    if violations:
        if all(is_suspicion(v) for v in violations):
            return tuple(dict.fromkeys(f"{SUSPECT_PREFIX}{v.get('category')}" for v in violations))
        return ()
    score = grade.get("score")
    if verdict == "ok" and isinstance(score, (int, float)) and margin > 0 and abs(score - pass_score) <= margin:
        return ("near_pass",)
    return ()


def regrade(grade: Mapping[str, Any], labels: Mapping[str, bool], *, pass_score: int,
            critical: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The grade after a lead's labels: criteria met or missed as labelled, rejected flags dropped, and the
    score, verdict and pass worked out again the way the grader does (a violation scores 0; a missed critical
    criterion cannot pass; a keyword list stays capped; a reply too short or not judged stays 0). ``critical``:
    the ids of the challenge's critical criteria (the grade does not record them)."""
    out = json.loads(json.dumps(dict(grade)))
    total = got = 0
    critical_missed = False
    for c in out.get("criteria") or ():
        ref = f"criterion:{c.get('id')}"
        if ref in labels:
            c["met"] = bool(labels[ref])
            c["points"] = int(c.get("max_points") or 0) if c["met"] else 0
        total += int(c.get("max_points") or 0)
        got += int(c.get("points") or 0)
        critical_missed = critical_missed or (c.get("id") in critical and not c.get("met"))
    flags = [p for p in parts(grade) if p.kind == "flag"]
    kept = [v for v, p in zip(out.get("violations") or (), flags) if labels.get(p.ref, True)]
    out["violations"] = kept
    verdict = str(grade.get("verdict") or "ok")
    if kept:
        score, passed, verdict = 0, False, "violation"
    elif verdict in UNJUDGED:
        score, passed = 0, False
    else:
        score = round(100 * got / (total or 1))
        passed = score >= pass_score
        if verdict == "violation":
            verdict = "ok"
        if verdict in CAPPED:
            score, passed = min(score, CAPPED[verdict]), False
        elif critical_missed:
            score, passed, verdict = min(score, pass_score - 1), False, "critical_missed"
        elif verdict == "critical_missed":
            verdict = "ok"
    out.update(score=score, passed=passed, verdict=verdict)
    return out


def overridden(grade: Mapping[str, Any], score: int, *, pass_score: int) -> dict[str, Any]:
    """The grade with the score a lead set. A score above 0 means no violation stands (a violation always
    scores 0), so the violations go; the reply passes when the score reaches the pass mark."""
    out = json.loads(json.dumps(dict(grade)))
    if score > 0:
        out["violations"] = []
    out.update(score=score, passed=score >= pass_score and not out.get("violations"), verdict="overridden")
    return out


def implied_labels(grade: Mapping[str, Any], final: Mapping[str, Any], *, disputed: str | None,
                   upheld: bool) -> dict[str, bool]:
    """What a decision says about each part, as labels for calibration.

    Upholding confirms every part the lead was shown, and the verdict. An override of the score says
    whether the reply passes, that every flag is rejected (a score above 0), and about the disputed part
    when the score moved the way the appeal asked; nothing about parts nobody pointed at.
    """
    shown = parts(grade)
    if upheld:
        out = {p.ref: p.graded for p in shown}
        out[VERDICT] = bool(grade.get("passed"))
        return out
    out = {VERDICT: bool(final.get("passed"))}
    before, after = int(grade.get("score") or 0), int(final.get("score") or 0)
    if after > 0:
        out.update({p.ref: False for p in shown if p.kind == "flag"})
    part = next((p for p in shown if p.ref == disputed), None)
    if part is not None and part.kind == "criterion" and (after > before) != part.graded and after != before:
        out[part.ref] = not part.graded
    return out


@dataclass(frozen=True)
class Review:
    """One item in a team's review queue: a graded reply an agent appealed or the grader was unsure of."""

    id: int
    submission_id: int
    team_id: str
    source: str                    # appeal | grader
    reasons: tuple[str, ...]       # why the grader sent it (suspect:<category>, near_pass, timeout)
    disputed: str | None           # the part an appeal disputes (a ref), None for the whole grade
    appeal_note: str | None
    opened_at: datetime
    state: str                     # open | upheld | overridden
    grade_before: dict             # the grader's
    score_before: int
    score_after: int | None
    labels: dict                   # ref -> the lead's value
    decided_by: str | None         # platform:user
    decided_name: str | None
    decided_at: datetime | None
    decision_note: str | None
    appealed_by: str | None = None

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Review:
        def when(v: str | None) -> datetime | None:
            return datetime.fromisoformat(v) if v else None

        opened = when(row["opened_at"])
        assert opened is not None
        return cls(
            id=row["id"], submission_id=row["submission_id"], team_id=row["team_id"], source=row["source"],
            reasons=tuple(json.loads(row["reasons"])), disputed=row["disputed"], appeal_note=row["appeal_note"],
            opened_at=opened, state=row["state"], grade_before=json.loads(row["grade_before"]),
            score_before=row["score_before"], score_after=row["score_after"], labels=json.loads(row["labels"]),
            decided_by=row["decided_by"], decided_name=row["decided_name"], decided_at=when(row["decided_at"]),
            decision_note=row["decision_note"], appealed_by=row.get("appealed_by"),
        )


@dataclass(frozen=True)
class TrailEntry:
    """One step in a review's history: who did what, when, from what to what, and why."""

    review_id: int
    submission_id: int
    at: datetime
    actor: str
    actor_name: str | None
    action: str                    # routed | appealed | upheld | overridden | judged
    part: str | None
    before: str | None
    after: str | None
    note: str | None


@dataclass(frozen=True)
class ReviewItem:
    """A review with what a lead needs to judge it: the reply, its author and its challenge."""

    review: Review
    submission: Submission
    member: Member
    content_id: str
    post_date: str
    grade: dict            # the grade that stands now


@dataclass(frozen=True)
class Decided:
    review: Review
    trail_id: int                 # the trail entry this decision wrote (keys the member's notice)
    points_before: int            # what the reply's challenge earned the member, before and after
    points_after: int


@dataclass(frozen=True)
class Judged:
    """One part of one reply, as the grader and a lead judged it: a labelled example."""

    challenge: str
    ref: str                  # criterion:<id> | flag:<rule> | verdict
    label: str
    grader: bool              # criterion met / flag raised / passed
    lead: bool
    lead_id: str              # platform:user of the lead (or the session's rater)
    source: str = "review"    # review | session (a blind calibration session)
    item: int = 0             # the review, or the session item


def judged(item: ReviewItem) -> list[Judged]:
    """What a decided review says about each part, against what the grader said."""
    review = item.review
    if review.is_open:
        return []
    shown = {p.ref: p for p in parts(review.grade_before)}
    out = []
    for ref, value in review.labels.items():
        if ref == VERDICT:
            out.append(Judged(item.content_id, VERDICT, VERDICT, bool(review.grade_before.get("passed")), bool(value),
                              review.decided_by or "", item=review.id))
        elif ref in shown:
            out.append(Judged(item.content_id, ref, shown[ref].label, shown[ref].graded, bool(value),
                              review.decided_by or "", item=review.id))
    return out


def training_label(final: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    """The label a decided grade gives a reply in the grader's data sets (tests/data/*.yaml):
    violating (with its categories), else excellent (80+, the shipped examples' band), adequate (passed) or weak."""
    categories = tuple(sorted({str(v.get("category")) for v in final.get("violations") or ()}))
    if categories:
        return "violating", categories
    if final.get("passed"):
        return ("excellent" if int(final.get("score") or 0) >= 80 else "adequate"), ()
    return "weak", ()


FIRST_INTERVAL = 2       # working days before a missed step first comes back
DONE_AFTER = 2           # met this many times in a row: the practice item is done


@dataclass(frozen=True)
class PracticeItem:
    id: int
    member_id: int
    team_id: str
    challenge: str
    criteria: tuple[str, ...]     # the steps to meet (empty: pass the whole challenge)
    due: str                      # YYYY-MM-DD
    interval: int
    met_in_row: int
    rounds: int
    state: str                    # waiting | sent | done

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> PracticeItem:
        return cls(row["id"], row["member_id"], row["team_id"], row["challenge"], tuple(json.loads(row["criteria"])),
                   row["due"], row["interval"], row["met_in_row"], row["rounds"], row["state"])


def practice_met(grade: Mapping[str, Any], criteria: tuple[str, ...]) -> bool:
    """Whether a practice reply meets the steps it practises (all of them, with no violation)."""
    if grade.get("violations") or grade.get("verdict") in UNJUDGED:
        return False
    if not criteria:
        return bool(grade.get("passed"))
    met = {c.get("id") for c in grade.get("criteria") or () if c.get("met")}
    return set(criteria) <= met


def next_round(item: PracticeItem, met: bool) -> tuple[int, int, bool]:
    """Qstream-style spacing after an answer: (met in a row, next interval in working days, done).

    Met: the interval doubles, and the second time in a row ends it. Missed: back to the first interval.
    """
    if not met:
        return 0, FIRST_INTERVAL, False
    row = item.met_in_row + 1
    return row, item.interval * 2, row >= DONE_AFTER

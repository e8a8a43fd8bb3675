"""The scoring rules: what a reply is worth and how streaks count. Pure Python, no SQL.

The store (writes) and its reads both build on this module, so the rules that
decide what a reply is worth live in one place and can be tested without a
database::

    >>> decide(Prior(), score=80, passed=True, violation=False,
    ...        after_reveal=False, policy=Policy.parse("first")).points
    80
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from coachbot.domain.errors import StoreError

# ---------------------------------------------------------------- rules


@dataclass(frozen=True)
class Policy:
    """How many replies before the reveal count: ``first`` is 1, ``best_of:N`` is N."""

    counted_attempts: int

    @classmethod
    def parse(cls, text: str) -> Policy:
        """Read ``first``, ``best_of:3``, ``best_of: 3`` or ``best_of 3``."""
        spec = str(text).strip().lower()
        if spec == "first":
            return cls(1)
        match = re.fullmatch(r"best_of\s*[:=]?\s*(\d+)", spec)
        if match and int(match.group(1)) >= 1:
            return cls(int(match.group(1)))
        raise StoreError(f"未知的计分规则 {text!r}：应为 first 或 best_of:N（N ≥ 1）")


def read_grade(grade: Mapping[str, Any]) -> tuple[int, bool, tuple[str, ...]]:
    """Score, verdict and sorted violation categories from the grader's JSON object."""
    score = grade.get("score")
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not 0 <= score <= 100:
        raise ValueError(f"grade score must be a number 0-100, got {score!r}")
    categories = {str(v.get("category") or "other") for v in grade.get("violations") or ()}
    return round(score), bool(grade.get("passed")), tuple(sorted(categories))


@dataclass(frozen=True)
class Prior:
    """What a member already did on one challenge post."""

    attempts: int = 0  # every earlier reply
    counted: int = 0  # earlier replies that counted
    best: int = 0  # best points-bearing score among them (violations count 0)
    passed: bool = False  # whether a counted reply already passed


@dataclass(frozen=True)
class Outcome:
    """What one reply is worth, and what it adds to the aggregates.

    ``answer`` and ``pass_credit`` are 1 only on the reply that first answers or
    first passes the challenge, so sums over submissions give per-challenge
    counts even under ``best_of:N``; likewise ``points`` is the improvement on
    the member's best so far, so the sum of points is the sum of the bests.
    """

    attempt: int
    counted: bool
    reason: str
    points: int
    passed: bool
    answer: int
    pass_credit: int


def decide(
    prior: Prior, *, score: int, passed: bool, violation: bool, after_reveal: bool, policy: Policy,
    unjudged: bool = False,
) -> Outcome:
    """Score one reply given the member's earlier replies to the same post.

    A violation always earns 0 and is reported as ``violation`` (in a counted
    slot it uses that slot up: a breach cannot be retried away). A reply that
    could not be judged (too short, or grading ran out of time) is practice:
    it never uses up a scored attempt.
    """
    attempt = prior.attempts + 1
    passed = passed and not violation
    counted = not after_reveal and not (unjudged and not violation) and prior.counted < policy.counted_attempts
    if not counted:
        reason = "violation" if violation else ("after_reveal" if after_reveal else "practice")
        return Outcome(attempt, False, reason, 0, passed, 0, 0)
    effective = 0 if violation else score
    return Outcome(
        attempt=attempt,
        counted=True,
        reason="violation" if violation else "counted",
        points=max(0, effective - prior.best),
        passed=passed,
        answer=1 if prior.counted == 0 else 0,
        pass_credit=1 if passed and not prior.passed else 0,
    )


UNJUDGED = ("too_short", "timeout")   # grader verdicts that judged nothing, so use up no attempt

BonusDay = Callable[[str, date], bool]   # (team id, day): is it a day off for that team?


def streak(days: Iterable[tuple[date, bool]], answered: set[date],
           bonus: Callable[[date], bool] | None = None) -> int:
    """Consecutive challenge days answered, most recent first.

    ``days`` are the team's challenge days, newest first, each with whether its
    challenge is still open. Days without a challenge are simply absent, so
    weekends and holidays never break a streak; the newest day, while still
    open and unanswered, does not break it either. A challenge a lead posts on
    a day off (``bonus`` says which days those are) counts when answered and
    breaks nothing when not.

        >>> streak([(date(2026, 3, 9), True), (date(2026, 3, 6), False)], {date(2026, 3, 6)})
        1
        >>> streak([(date(2026, 3, 8), False), (date(2026, 3, 6), False)], {date(2026, 3, 6)},
        ...        bonus=lambda day: day.weekday() == 6)
        1
    """
    count = 0
    for index, (day, is_open) in enumerate(days):
        if day in answered:
            count += 1
        elif (index == 0 and is_open) or (bonus is not None and bonus(day)):
            continue
        else:
            break
    return count

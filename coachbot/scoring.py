"""The scoring domain: its records, its rules and its error — pure Python, no SQL.

``store.py`` (writes) and ``leaderboard.py`` (reads) both build on this module,
so the rules that decide what a reply is worth live in one place and can be
tested without a database::

    >>> decide(Prior(), score=80, passed=True, violation=False,
    ...        after_reveal=False, policy=Policy.parse("first")).points
    80
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from coachbot.errors import CoachError

KINDS = ("lesson", "challenge", "summary")
ROLES = ("agent", "lead", "admin")
STATES = ("pending", "posted", "revealed", "failed", "skipped")
REASONS = ("counted", "practice", "after_reveal", "violation")


class StoreError(CoachError):
    """An expected failure of the store; the message is safe to show a member."""


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class Member:
    id: int
    platform: str
    user: str
    display_name: str | None
    team_id: str
    role: str

    @property
    def name(self) -> str:
        """What people see: the display name, else the platform user id."""
        return self.display_name or self.user

    @classmethod
    def from_row(cls, row: Mapping[str, Any], prefix: str = "") -> Member:
        """From a ``members`` row, its columns optionally prefixed (``m_id``, ...)."""
        return cls(*(row[prefix + f] for f in ("id", "platform", "user", "display_name", "team_id", "role")))


@dataclass(frozen=True)
class Post:
    id: int
    team_id: str
    platform: str
    channel: str
    kind: str
    content_id: str
    post_date: date
    tags: tuple[str, ...]
    state: str
    message_id: str | None
    reveal_at: datetime | None
    posted_at: datetime | None
    revealed_at: datetime | None

    def is_open(self, now: datetime) -> bool:
        """True while a reply still earns points: posted and before the reveal."""
        return self.state == "posted" and (self.reveal_at is None or now < self.reveal_at)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Post:
        return cls(
            id=row["id"], team_id=row["team_id"], platform=row["platform"], channel=row["channel"],
            kind=row["kind"], content_id=row["content_id"],
            post_date=date.fromisoformat(row["post_date"]), tags=tuple(json.loads(row["tags"])),
            state=row["state"], message_id=row["message_id"],
            reveal_at=from_utc_text(row["reveal_at"]), posted_at=from_utc_text(row["posted_at"]),
            revealed_at=from_utc_text(row["revealed_at"]),
        )


@dataclass(frozen=True)
class Submission:
    id: int
    post_id: int
    member_id: int
    attempt: int
    counted: bool
    reason: str  # counted | practice | after_reveal | violation
    points: int  # awarded by this reply (best_of: the improvement on the best so far)
    score: int  # the grader's 0-100
    passed: bool  # the grader's verdict, False whenever there is a violation
    violations: tuple[str, ...]  # categories, sorted
    text: str
    submitted_at: datetime

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Submission:
        return cls(
            id=row["id"], post_id=row["post_id"], member_id=row["member_id"],
            attempt=row["attempt"], counted=bool(row["counted"]), reason=row["reason"],
            points=row["points"], score=row["score"], passed=bool(row["passed"]),
            violations=tuple(json.loads(row["violations"])), text=row["text"],
            submitted_at=from_utc_text(row["submitted_at"]),
        )


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
    prior: Prior, *, score: int, passed: bool, violation: bool, after_reveal: bool, policy: Policy
) -> Outcome:
    """Score one reply given the member's earlier replies to the same post.

    A violation always earns 0 and is reported as ``violation`` (in a counted
    slot it uses that slot up: a breach cannot be retried away).
    """
    attempt = prior.attempts + 1
    passed = passed and not violation
    counted = not after_reveal and prior.counted < policy.counted_attempts
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


def streak(days: Iterable[tuple[date, bool]], answered: set[date]) -> int:
    """Consecutive challenge days answered, most recent first.

    ``days`` are the team's challenge days, newest first, each with whether its
    challenge is still open. Days without a challenge are simply absent, so
    weekends and holidays never break a streak; the newest day, while still
    open and unanswered, does not break it either.

        >>> streak([(date(2026, 3, 9), True), (date(2026, 3, 6), False)], {date(2026, 3, 6)})
        1
    """
    count = 0
    for index, (day, is_open) in enumerate(days):
        if day in answered:
            count += 1
        elif index == 0 and is_open:
            continue
        else:
            break
    return count


# ---------------------------------------------------------------- time


def utc_text(at: datetime) -> str:
    """ISO-8601 UTC text of fixed width, so text order is time order."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"an aware datetime is required, got {at.isoformat()}")
    return at.astimezone(timezone.utc).isoformat(timespec="microseconds")


def from_utc_text(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)

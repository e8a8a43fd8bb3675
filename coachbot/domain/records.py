"""The records the bot keeps: members, posts, submissions, and their time stamps. Pure values."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

KINDS = ("lesson", "challenge", "summary")
ROLES = ("agent", "lead", "admin")
STATES = ("pending", "posted", "revealed", "failed", "skipped")
REASONS = ("counted", "practice", "after_reveal", "violation")


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
            submitted_at=at_utc(row["submitted_at"]),
        )


@dataclass(frozen=True)
class Answer:
    """A submission with the member who wrote it, e.g. for the reveal."""

    submission: Submission
    member: Member


# ---------------------------------------------------------------- time


def utc_text(at: datetime) -> str:
    """ISO-8601 UTC text of fixed width, so text order is time order."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"an aware datetime is required, got {at.isoformat()}")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def at_utc(text: str) -> datetime:
    """The moment :func:`utc_text` wrote."""
    return datetime.fromisoformat(text)


def from_utc_text(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)

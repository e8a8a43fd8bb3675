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
SUBMISSION_STATUSES = ("active", "superseded", "withdrawn")


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
    note: str | None = None          # why it failed or was skipped

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
            revealed_at=from_utc_text(row["revealed_at"]), note=row.get("note"),
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
    status: str = "active"  # active | superseded (the member edited it) | withdrawn (deleted)
    event_id: str | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Submission:
        return cls(
            id=row["id"], post_id=row["post_id"], member_id=row["member_id"],
            attempt=row["attempt"], counted=bool(row["counted"]), reason=row["reason"],
            points=row["points"], score=row["score"], passed=bool(row["passed"]),
            violations=tuple(json.loads(row["violations"])), text=row["text"],
            submitted_at=at_utc(row["submitted_at"]), status=row.get("status", "active"),
            event_id=row.get("event_id"),
        )


@dataclass(frozen=True)
class Answer:
    """A submission with the member who wrote it, e.g. for the reveal."""

    submission: Submission
    member: Member


@dataclass(frozen=True)
class InboxItem:
    """An inbound platform event, stored before it was acknowledged."""

    id: int
    key: str                 # the platform's delivery id: one row however often it is delivered
    platform: str
    kind: str                # what the payload holds: message, command, edit, delete, joined, home …
    payload: dict[str, Any]
    attempts: int
    received_at: datetime

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> InboxItem:
        return cls(row["id"], row["key"], row["platform"], row["kind"], json.loads(row["payload"]),
                   row["attempts"], at_utc(row["received_at"]))


ROUTES = ("post", "tell", "dm", "respond", "update", "home")
DELIVERY_STATES = ("pending", "sending", "unknown", "sent", "failed")


@dataclass(frozen=True)
class Delivery:
    """A message the bot means to send, with its idempotency key and how to deliver it.

    ``route``: ``post`` (in a channel, or a thread of it), ``tell`` (privately in
    a channel: ephemeral where the platform has it), ``dm`` (one-to-one),
    ``respond`` (a command's reply URL), ``update`` (replace ``thread``'s
    message), ``home`` (a member's home view). ``payload`` holds the message
    and route details as JSON-able values.
    """

    key: str
    platform: str
    route: str
    payload: dict[str, Any]
    channel: str = ""
    user: str = ""
    thread: str | None = None
    post_id: int | None = None
    id: int | None = None
    state: str = "pending"
    attempts: int = 0
    progress: tuple[str, ...] = ()   # message ids of the parts already sent (a long message is several)
    created_at: datetime | None = None
    message_id: str | None = None
    error: str | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Delivery:
        return cls(
            key=row["key"], platform=row["platform"], route=row["route"], payload=json.loads(row["payload"]),
            channel=row["channel"], user=row["user"], thread=row["thread"], post_id=row["post_id"], id=row["id"],
            state=row["state"], attempts=row["attempts"], progress=tuple(json.loads(row["progress"])),
            created_at=at_utc(row["created_at"]), message_id=row["message_id"], error=row["error"],
        )


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

"""The use cases' edges: what they need from a chat platform and from the record, and the neutral
types that cross them. Adapters and the store implement these protocols without importing use cases.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from coachbot.domain.records import Answer, Member, Post, Submission
from coachbot.domain.reports import Leaderboard, MemberStats, TeamInsight
from coachbot.present.messages import Message


@dataclass(frozen=True)
class Incoming:
    """A message someone sent: a command, or a reply to a challenge."""

    platform: str
    channel: str
    user: str
    text: str
    user_name: str | None = None
    thread: str | None = None        # platform id of the message this replies to
    event_id: str | None = None      # for de-duplication of platform retries


@dataclass(frozen=True)
class Reply:
    """What a handler returns; the adapter delivers it."""

    message: Message
    private: bool = True             # ephemeral/DM to the sender; False = in the channel
    thread: str | None = None


class Chat(Protocol):
    """A chat platform as the coach sees it."""

    platform: str
    capabilities: frozenset[str]     # optional features: "history", "forms", "update", "buttons", "ephemeral"

    def post(self, channel: str, msg: Message, *, thread: str | None = None) -> str:
        """Post publicly; returns the platform message id."""

    def tell(self, channel: str, user: str, msg: Message) -> None:
        """Send privately to one member (ephemeral, else a direct message)."""

    def update(self, channel: str, message_id: str, msg: Message) -> None:
        """Replace a message the bot posted earlier."""

    def find_post(self, channel: str, kind: str, content_id: str, day: date) -> str | None:
        """With the "history" capability: the id of a post already in the channel, after a crash."""


class Records(Protocol):
    """The record as the use cases see it (:class:`coachbot.store.Store` implements it)."""

    def ensure_team(self, team_id: str, *, name: str | None = None) -> None: ...
    def ensure_channel(self, platform: str, channel: str, team_id: str) -> None: ...
    def team_for_channel(self, platform: str, channel: str) -> str | None: ...
    def ensure_member(self, platform: str, user: str, *, team_id: str, display_name: str | None = None,
                      role: str | None = None) -> Member: ...
    def member(self, platform: str, user: str) -> Member | None: ...
    def find_member(self, query: str) -> Member | None: ...
    def claim_post(self, *, team_id: str, platform: str, channel: str, kind: str, content_id: str, post_date: date,
                   reveal_at: datetime | None, now: datetime, tags: Sequence[str] = ()) -> Post | None: ...
    def post_for(self, *, platform: str, channel: str, kind: str, post_date: date) -> Post | None: ...
    def retake_post(self, post_id: int, *, now: datetime, stale_after: timedelta = ...) -> bool: ...
    def mark_posted(self, post_id: int, *, message_id: str, at: datetime) -> bool: ...
    def mark_revealed(self, post_id: int, *, at: datetime) -> bool: ...
    def mark_failed(self, post_id: int, *, reason: str) -> bool: ...
    def mark_skipped(self, post_id: int, *, reason: str) -> bool: ...
    def open_challenge(self, platform: str, channel: str, *, thread: str | None, now: datetime) -> Post | None: ...
    def challenges_due_for_reveal(self, now: datetime) -> list[Post]: ...
    def used_content(self, team_id: str, kind: str) -> list[str]: ...
    def record_submission(self, *, post: Post, member: Member, text: str, grade: Mapping[str, Any], at: datetime,
                          event_id: str | None, policy: str = "first") -> Submission | None: ...
    def submissions_for_post(self, post_id: int) -> list[Answer]: ...
    def mark_event(self, event_id: str, *, at: datetime | None = None) -> bool: ...
    def claim_event(self, event_id: str, *, now: datetime, stale_after: timedelta) -> bool: ...
    def finish_event(self, event_id: str, *, at: datetime) -> None: ...
    def leaderboard(self, *, period: str = "week", scope: str = "team", team_id: str | None = None,
                    platform: str | None = None, channel: str | None = None, start: date | None = None,
                    end: date | None = None, now: datetime, tz: str = ..., top: int = 10,
                    asker: tuple[str, str] | None = None) -> Leaderboard: ...
    def member_stats(self, member: Member, *, now: datetime, tz: str = ...) -> MemberStats: ...
    def team_insight(self, team_id: str, *, period: str = "week", now: datetime, tz: str = ...,
                     start: date | None = None, end: date | None = None) -> TeamInsight: ...

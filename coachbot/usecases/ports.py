"""The use cases' edges: what they need from a chat platform and from the record, and the neutral
types that cross them. Adapters and the store implement these protocols without importing use cases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from coachbot.domain.records import Answer, Delivery, InboxItem, Member, Post, Submission
from coachbot.domain.reports import Leaderboard, MemberStats, TeamInsight
from coachbot.domain.review import Decided, Review, ReviewItem
from coachbot.domain.scoring import BonusDay
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
    event_id: str | None = None      # the message's own key: de-duplicates platform retries
    direct: bool = False             # a one-to-one chat with the bot
    mention: bool = False            # the bot was mentioned (an explicit answer path in a group)
    explicit: bool = False           # sent through an answer path: form, button, quote of the challenge
    masked: tuple[str, ...] = ()     # kinds of personal data already hidden in ``text`` when it was stored

    def as_json(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.__dict__.items() if v not in (None, False, ())}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Incoming:
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if "masked" in fields:
            fields["masked"] = tuple(fields["masked"])
        return cls(**fields)


@dataclass(frozen=True)
class Reply:
    """What a handler returns; the adapter delivers it."""

    message: Message
    private: bool = True             # ephemeral/DM to the sender; False = in the channel
    thread: str | None = None


class DeliveryError(Exception):
    """A send did not go through; the subclass says what to do next."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RateLimited(DeliveryError):
    """The platform said "too fast": wait ``retry_after`` seconds (for this channel or method)."""

    def __init__(self, reason: str, retry_after: float) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Unavailable(DeliveryError):
    """Not sent (5xx, refused connection, expired or rejected credentials): try again later."""


class OutcomeUnknown(DeliveryError):
    """The request may have reached the platform (the connection dropped): reconcile before any re-send."""


class Undeliverable(DeliveryError):
    """This route cannot work (no such channel, not a member): reroute if there is another way, else give up."""


class Chat(Protocol):
    """A chat platform as the coach sees it: what it can do, and sending one delivery.

    ``send`` raises a :class:`DeliveryError` subclass instead of retrying or
    sleeping: the outbox decides when to try again, so no thread waits.
    """

    platform: str
    capabilities: frozenset[str]     # optional features: "history", "forms", "update", "buttons", "ephemeral"

    def send(self, delivery: Delivery, message: Message, on_part: Callable[[tuple[str, ...]], None]) -> str:
        """Deliver ``message`` as ``delivery`` says; the platform id of what was sent (its first part).

        A message too long for one platform message goes as several parts;
        ``delivery.progress`` holds the ids of parts an earlier attempt sent
        (continue after them) and ``on_part`` is told after each part.
        """

    def pace(self, delivery: Delivery) -> tuple[str, float]:
        """The pacing bucket of ``delivery`` and the seconds to leave between sends in it."""

    def find(self, delivery: Delivery) -> str | None:
        """After a lost outcome: the id of ``delivery``'s message if it is on the platform, else None.

        Raise :class:`DeliveryError` when the platform cannot be asked now.
        """

    def display_name(self, user: str) -> str | None:
        """The member's display name, best effort (cached; None when unknown)."""


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
    def reclaim_skipped(self, post_id: int, *, content_id: str, reveal_at: datetime | None, tags: Sequence[str],
                        now: datetime) -> Post | None: ...
    def post(self, post_id: int) -> Post | None: ...
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
    def submission(self, submission_id: int) -> Submission | None: ...
    def submission_grade(self, submission_id: int) -> dict: ...
    def latest_submission(self, member_id: int) -> Submission | None: ...
    def route_review(self, *, submission_id: int, team_id: str, reasons: tuple[str, ...], at: datetime
                     ) -> Review | None: ...
    def appeal_review(self, *, submission_id: int, team_id: str, actor: str, actor_name: str | None,
                      disputed: str | None, note: str | None, at: datetime) -> tuple[Review, bool]: ...
    def review(self, review_id: int) -> Review | None: ...
    def review_for_submission(self, submission_id: int) -> Review | None: ...
    def review_item(self, review_id: int) -> ReviewItem | None: ...
    def review_items(self, *, team_id: str | None = None, state: str | None = "open", since: datetime | None = None,
                     until: datetime | None = None) -> list[ReviewItem]: ...
    def decide_review(self, review_id: int, *, final: Mapping[str, Any], labels: Mapping[str, bool], state: str,
                      action: str, actor: str, actor_name: str | None, at: datetime, policy: str = "first",
                      part: str | None = None, before: object = None, after: object = None,
                      note: str | None = None, only_open: bool = False) -> Decided | None: ...
    def submission_for_event(self, event_id: str) -> Submission | None: ...
    def withdraw_submission(self, event_id: str) -> Submission | None: ...
    def supersede_submission(self, event_id: str) -> Submission | None: ...
    def accept(self, *, key: str, platform: str, kind: str, payload: dict[str, Any], at: datetime) -> bool: ...
    def claim_inbox(self, *, now: datetime, stale_after: timedelta, platforms: Iterable[str] | None = None
                    ) -> InboxItem | None: ...
    def inbox_done(self, item_id: int, *, at: datetime, error: str | None = None) -> None: ...
    def enqueue(self, deliveries: Iterable[Delivery], *, now: datetime, at: datetime | None = None) -> int: ...
    def claim_delivery(self, *, now: datetime, cooling: Iterable[str] = (), platforms: Iterable[str] | None = None
                       ) -> Delivery | None: ...
    def delivered(self, delivery_id: int, *, message_id: str, at: datetime) -> None: ...
    def retry_delivery(self, delivery_id: int, *, at: datetime, error: str, unknown: bool = False) -> None: ...
    def record_progress(self, delivery_id: int, progress: tuple[str, ...]) -> None: ...
    def reroute_delivery(self, delivery_id: int, *, route: str, at: datetime, error: str) -> None: ...
    def give_up_delivery(self, delivery_id: int, *, error: str, at: datetime) -> None: ...
    def delivery(self, key: str) -> Delivery | None: ...
    def deliveries_for_post(self, post_id: int) -> list[Delivery]: ...
    def purge_events(self, *, before: datetime) -> int: ...
    def purge_inbox(self, *, before: datetime) -> int: ...
    def purge_outbox(self, *, before: datetime) -> int: ...
    def erase_text_before(self, before: datetime) -> int: ...
    def forget_member(self, member: Member) -> Any: ...
    def transaction(self) -> AbstractContextManager[Any]: ...
    def mark_event(self, event_id: str, *, at: datetime | None = None) -> bool: ...
    def claim_event(self, event_id: str, *, now: datetime, stale_after: timedelta) -> bool: ...
    def finish_event(self, event_id: str, *, at: datetime) -> None: ...
    def leaderboard(self, *, period: str = "week", scope: str = "team", team_id: str | None = None,
                    platform: str | None = None, channel: str | None = None, start: date | None = None,
                    end: date | None = None, now: datetime, tz: str = ..., top: int = 10,
                    asker: tuple[str, str] | None = None, bonus_day: BonusDay | None = None) -> Leaderboard: ...
    def member_stats(self, member: Member, *, now: datetime, tz: str = ...,
                     bonus_day: BonusDay | None = None) -> MemberStats: ...
    def team_insight(self, team_id: str, *, period: str = "week", now: datetime, tz: str = ...,
                     start: date | None = None, end: date | None = None) -> TeamInsight: ...

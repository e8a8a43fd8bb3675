"""A chat platform that records everything, for tests and demos."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from coachbot.domain.records import Delivery
from coachbot.present.messages import Message
from coachbot.usecases.ports import Unavailable


@dataclass
class Sent:
    kind: str              # post | tell | dm | respond | update | home
    channel: str
    message: Message
    user: str | None = None
    thread: str | None = None
    message_id: str | None = None
    key: str | None = None


@dataclass
class FakeChat:
    platform: str = "fake"
    capabilities: frozenset[str] = frozenset({"update", "history"})
    sent: list[Sent] = field(default_factory=list)
    fail_next: int = 0     # make the next N sends fail (the platform is down), to test retries
    names: dict[str, str] = field(default_factory=dict)

    def send(self, delivery: Delivery, message: Message, on_part: Callable[[tuple[str, ...]], None]) -> str:
        if self.fail_next > 0:
            self.fail_next -= 1
            raise Unavailable("fake platform is down")
        message_id = f"m{len(self.sent) + 1}"
        user = delivery.user or None
        self.sent.append(Sent(delivery.route, delivery.channel, message, user=user, thread=delivery.thread,
                              message_id=message_id, key=delivery.key))
        return message_id

    def find(self, delivery: Delivery) -> str | None:
        """Reconcile a lost outcome: look in the channel's history for the delivery's own key."""
        if "history" not in self.capabilities:
            return None
        return next((s.message_id for s in self.sent if s.key == delivery.key), None)

    def pace(self, delivery: Delivery) -> tuple[str, float]:
        return f"{delivery.route}:{delivery.channel or delivery.user}", 0.0

    def display_name(self, user: str) -> str | None:
        return self.names.get(user)

    # test helpers
    def posts(self, kind: str | None = None) -> list[Sent]:
        return [s for s in self.sent if s.kind == "post" and (kind is None or s.message.kind == kind)]

    def private_to(self, user: str) -> list[Sent]:
        return [s for s in self.sent if s.kind in ("tell", "dm", "respond") and s.user == user]

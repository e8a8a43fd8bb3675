"""A chat platform that records everything, for tests and demos."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from coachbot.present.messages import Message


@dataclass
class Sent:
    kind: str              # post | tell | update
    channel: str
    message: Message
    user: str | None = None
    thread: str | None = None
    message_id: str | None = None


@dataclass
class FakeChat:
    platform: str = "fake"
    capabilities: frozenset[str] = frozenset({"update", "history"})
    sent: list[Sent] = field(default_factory=list)
    fail_next: int = 0     # make the next N posts raise, to test retries

    def post(self, channel: str, msg: Message, *, thread: str | None = None) -> str:
        if self.fail_next > 0:
            self.fail_next -= 1
            raise ConnectionError("fake platform is down")
        message_id = f"m{len(self.sent) + 1}"
        self.sent.append(Sent("post", channel, msg, thread=thread, message_id=message_id))
        return message_id

    def tell(self, channel: str, user: str, msg: Message) -> None:
        self.sent.append(Sent("tell", channel, msg, user=user))

    def update(self, channel: str, message_id: str, msg: Message) -> None:
        self.sent.append(Sent("update", channel, msg, message_id=message_id))

    def find_post(self, channel: str, kind: str, content_id: str, day: date) -> str | None:
        """Reconcile after a crash between posting and recording: look in the channel's history."""
        kinds = {"lesson": "lesson", "challenge": "challenge", "summary": "summary"}
        for s in self.sent:
            if (s.kind == "post" and s.channel == channel and s.message.kind == kinds.get(kind)
                    and s.message.meta.get("content_id", content_id) == content_id and s.thread is None):
                return s.message_id
        return None

    # test helpers
    def posts(self, kind: str | None = None) -> list[Sent]:
        return [s for s in self.sent if s.kind == "post" and (kind is None or s.message.kind == kind)]

    def private_to(self, user: str) -> list[Sent]:
        return [s for s in self.sent if s.kind == "tell" and s.user == user]

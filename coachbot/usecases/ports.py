"""What the coach needs from a chat platform, and the neutral types that cross it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

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
    platform: str
    capabilities: frozenset[str]     # optional features, e.g. {"forms", "update"}

    def post(self, channel: str, msg: Message, *, thread: str | None = None) -> str:
        """Post publicly; returns the platform message id."""

    def tell(self, channel: str, user: str, msg: Message) -> None:
        """Send privately to one member (ephemeral, else a direct message)."""

    def update(self, channel: str, message_id: str, msg: Message) -> None:
        """Replace a message the bot posted earlier."""

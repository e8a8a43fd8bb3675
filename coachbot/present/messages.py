"""Platform-neutral messages. Adapters render them (plain text, Block Kit, WeCom markdown).

A message is a title plus sections; a section is a short heading and text.
Buttons and a private/public flag are hints an adapter may honour.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Button:
    label: str
    action: str          # e.g. "answer", "script", "share"
    value: str = ""


@dataclass(frozen=True)
class Section:
    text: str
    heading: str | None = None
    quote: bool = False   # user-written text shown as a quotation


@dataclass(frozen=True)
class Attachment:
    """A file that goes with a message (a chart): uploaded where the platform can, saved by the console."""

    name: str            # file name, e.g. digest-t1-2026-W48.png
    data: bytes
    mime: str = "image/png"
    title: str = ""

    def as_json(self) -> dict[str, str]:
        return {"name": self.name, "mime": self.mime, "title": self.title,
                "data": base64.b64encode(self.data).decode("ascii")}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Attachment:
        return cls(str(data["name"]), base64.b64decode(data["data"]), str(data.get("mime") or "image/png"),
                   str(data.get("title") or ""))


@dataclass(frozen=True)
class Message:
    title: str | None = None
    sections: tuple[Section, ...] = ()
    buttons: tuple[Button, ...] = ()
    footer: str | None = None
    kind: str = "info"    # lesson | challenge | reveal | summary | feedback | script | leaderboard | stats | help | info | error
    meta: dict = field(default_factory=dict, compare=False, hash=False)
    attachment: Attachment | None = None   # a file (a chart) that goes with the message

    @property
    def fallback(self) -> str:
        """Plain text for notifications and platforms without rich layout."""
        return render_plain(self)


def text(body: str, *, kind: str = "info", title: str | None = None) -> Message:
    return Message(title=title, sections=(Section(body),), kind=kind)


def render_plain(msg: Message) -> str:
    """The console's rendering: title, headed sections, quotes indented, buttons listed."""
    parts: list[str] = []
    if msg.title:
        parts.append(f"【{msg.title}】")
    for s in msg.sections:
        body = "\n".join(f"  > {line}" for line in s.text.splitlines()) if s.quote else s.text
        parts.append(f"{s.heading}\n{body}" if s.heading else body)
    if msg.buttons:
        parts.append("  ".join(f"[{b.label}]" for b in msg.buttons))
    if msg.footer:
        parts.append(msg.footer)
    if msg.attachment:
        parts.append(f"[{msg.attachment.title or msg.attachment.name}]")
    return "\n\n".join(p for p in parts if p)


def message_to_json(msg: Message) -> dict[str, Any]:
    """A message as JSON-able values, for the outbox."""
    out = {
        "title": msg.title, "kind": msg.kind, "footer": msg.footer, "meta": dict(msg.meta),
        "sections": [{"text": s.text, "heading": s.heading, "quote": s.quote} for s in msg.sections],
        "buttons": [{"label": b.label, "action": b.action, "value": b.value} for b in msg.buttons],
    }
    if msg.attachment is not None:
        out["attachment"] = msg.attachment.as_json()
    return out


def message_from_json(data: dict[str, Any]) -> Message:
    return Message(
        title=data.get("title"), kind=data.get("kind", "info"), footer=data.get("footer"), meta=data.get("meta") or {},
        sections=tuple(Section(s["text"], s.get("heading"), bool(s.get("quote"))) for s in data.get("sections", ())),
        buttons=tuple(Button(b["label"], b["action"], b.get("value", "")) for b in data.get("buttons", ())),
        attachment=Attachment.from_json(data["attachment"]) if data.get("attachment") else None,
    )

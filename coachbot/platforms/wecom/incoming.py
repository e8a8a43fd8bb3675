"""What WeCom sends, as the coach's :class:`coachbot.usecases.ports.Incoming`.

Two sources speak two formats: the AI bot (智能机器人) sends JSON — the same body over its long
connection and, decrypted, on its HTTP callback — and the self-built app sends XML on its callback.

Conversations become channel ids: a group keeps WeCom's chat id; the bot's one-to-one chat with a
member is ``single:<userid>`` and the app's is ``app:<userid>``. In a group the bot only hears messages
that @mention it, so every group message is an explicit answer path; the mention is removed from the
text. WeCom has no slash commands: a line whose first word is a command's (``话术 爽约``) is one
(:func:`coachbot.usecases.commands.command_line`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from coachbot.usecases.commands import command_line
from coachbot.usecases.ports import Incoming

PLATFORM = "wecom"
SINGLE, APP = "single:", "app:"
CHALLENGE_MARK = "今日挑战"          # in the title of every challenge post: a quote of it answers the challenge
_MENTION = re.compile(r"^\s*(?:[@＠][^\s@＠]+\s*)+")
_UNSAFE_XML = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class BadPayload(ValueError):
    """Not a message WeCom would send: refuse it (400)."""


@dataclass(frozen=True)
class Inbound:
    key: str                          # the inbox key, "wecom:<msgid>": a redelivery is the same key
    kind: str                         # message | command | card | enter_chat | ignore
    incoming: Incoming | None = None
    req_id: str | None = None         # long connection: the frame a reply answers
    response_url: str | None = None   # the AI bot's one-shot reply URL
    action: str | None = None         # a card button's key, "answer:<value>" or "script:<id>"
    via: str = "bot"                  # bot | app


def obj(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one (WeCom omits what does not apply)."""
    return value if isinstance(value, dict) else {}


def strip_mentions(text: str) -> str:
    return _MENTION.sub("", text, count=1).strip()


def _message(channel: str, user: str, text: str, *, key: str, direct: bool, mention: bool,
             explicit: bool = False) -> tuple[str, Incoming]:
    line = command_line(text)
    kind = "command" if line is not None else "message"
    return kind, Incoming(platform=PLATFORM, channel=channel, user=user, text=line if line is not None else text,
                          event_id=key, direct=direct, mention=mention, explicit=explicit)


def _text_of(body: dict[str, Any]) -> str:
    kind = body.get("msgtype")
    if kind == "text":
        return str(obj(body.get("text")).get("content") or "")
    if kind == "voice":                                    # WeCom transcribes voice to text
        return str(obj(body.get("voice")).get("content") or "")
    if kind == "mixed":
        items = obj(body.get("mixed")).get("msg_item") or []
        return "".join(str(obj(obj(i).get("text")).get("content") or "") for i in items
                       if obj(i).get("msgtype") == "text")
    return ""


def from_bot(body: Any, *, req_id: str | None = None) -> Inbound:
    """An AI bot message or event (a long-connection frame's body, or a decrypted callback)."""
    if not isinstance(body, dict):
        raise BadPayload("not a JSON object")
    msgid = str(body.get("msgid") or "")
    sender = obj(body.get("from"))
    user = str(sender.get("userid") or "")
    if not msgid or not user:
        raise BadPayload("no msgid or sender")
    key = f"{PLATFORM}:{msgid}"
    group = body.get("chattype") == "group" and bool(body.get("chatid"))
    channel = str(body["chatid"]) if group else SINGLE + user
    url = str(body.get("response_url") or "") or None
    if body.get("msgtype") == "event":
        event = obj(body.get("event"))
        kind = event.get("eventtype")
        base = Incoming(platform=PLATFORM, channel=channel, user=user, text="", event_id=key, direct=not group)
        if kind == "template_card_event":
            card = obj(event.get("template_card_event")) or event
            return Inbound(key, "card", base, req_id, url, action=str(card.get("event_key") or ""))
        if kind == "enter_chat":
            return Inbound(key, "enter_chat", base, req_id, url)
        return Inbound(key, "ignore", base, req_id, url)
    text = strip_mentions(_text_of(body)) if group else _text_of(body).strip()
    if not text:
        return Inbound(key, "ignore", None, req_id, url)
    quote = obj(body.get("quote"))
    quoted = CHALLENGE_MARK in _text_of(quote) if quote else False
    kind, incoming = _message(channel, user, text, key=key, direct=not group, mention=group, explicit=quoted)
    return Inbound(key, kind, incoming, req_id, url)


def parse_xml(text: str) -> dict[str, str]:
    """A flat WeCom XML packet as a dict; no DTDs or entities (nothing can expand), nothing nested."""
    if _UNSAFE_XML.search(text):
        raise BadPayload("XML with a DTD or entities")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise BadPayload(f"malformed XML: {exc}") from None
    if root.tag != "xml":
        raise BadPayload("not a WeCom packet")
    return {child.tag: (child.text or "").strip() for child in root}


def from_app(xml_text: str) -> Inbound:
    """A self-built app callback (decrypted): a member's message in the app's one-to-one chat, or a card click."""
    fields = parse_xml(xml_text)
    user = fields.get("FromUserName", "")
    if not user:
        raise BadPayload("no sender")
    kind = fields.get("MsgType", "")
    if kind == "event":
        key = f"{PLATFORM}:app:{user}:{fields.get('CreateTime', '')}:{fields.get('Event', '')}"
        base = Incoming(platform=PLATFORM, channel=APP + user, user=user, text="", event_id=key, direct=True)
        if fields.get("Event") == "template_card_event":
            return Inbound(key, "card", base, action=fields.get("EventKey", ""), via="app")
        if fields.get("Event") == "enter_agent":
            return Inbound(key, "enter_chat", base, via="app")
        return Inbound(key, "ignore", base, via="app")
    msgid = fields.get("MsgId", "")
    if not msgid:
        raise BadPayload("no MsgId")
    key = f"{PLATFORM}:app:{msgid}"
    text = fields.get("Content", "") if kind == "text" else fields.get("Recognition", "") if kind == "voice" else ""
    if not text.strip():
        return Inbound(key, "ignore", via="app")
    kind, incoming = _message(APP + user, user, text.strip(), key=key, direct=True, mention=False)
    return Inbound(key, kind, incoming, via="app")

"""Slack payloads to what the inbox stores. Pure: payload in, value out.

A message is keyed by :func:`message_key` (its channel and ts), not by the
envelope's event id, because one message can arrive twice with different
envelope ids (``app_mention`` and ``message``) and the same ts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from coachbot.domain.text import normalize
from coachbot.platforms.slack.escape import slack_text_to_plain
from coachbot.usecases.ports import Incoming

PLATFORM = "slack"
_ACCEPTED_SUBTYPES = (None, "thread_broadcast", "file_share")


@dataclass(frozen=True)
class Inbound:
    """One inbound event as the inbox stores it (see :mod:`coachbot.usecases.inbox`)."""

    key: str
    kind: str
    payload: dict[str, Any]


def message_key(channel: str, ts: str) -> str:
    """One Slack message, however many times or ways it is delivered (retries, mention + message)."""
    return f"slack:msg:{channel}:{ts}"


def _from_bot(message: dict, bot_user_id: str | None) -> bool:
    return bool(message.get("bot_id") or message.get("bot_profile")
                or (bot_user_id and message.get("user") == bot_user_id))


def _body(raw: str, bot_user_id: str | None) -> tuple[str, bool]:
    """The text without the bot's mention, and whether it mentioned the bot."""
    mentioned = bool(bot_user_id) and f"<@{bot_user_id}" in raw
    if bot_user_id:
        raw = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", raw)
    return slack_text_to_plain(raw).strip(), mentioned


def slack_event_to_incoming(payload: dict, *, bot_user_id: str | None = None) -> Incoming | None:
    """A member's message or mention from an Events API envelope; None for anything else.

    Ignored: bots (this one and others), edits, deletions, joins and other
    subtypes, and empty text.
    """
    event = payload.get("event") or {}
    if event.get("type") not in ("message", "app_mention"):
        return None
    if event.get("subtype") not in _ACCEPTED_SUBTYPES or _from_bot(event, bot_user_id):
        return None
    user, channel, ts = event.get("user"), event.get("channel"), event.get("ts")
    if not user or not channel or not ts:
        return None
    body, mentioned = _body(event.get("text") or "", bot_user_id)
    if not body:
        return None
    thread = event.get("thread_ts")
    return Incoming(platform=PLATFORM, channel=channel, user=user, text=body,
                    thread=thread if thread and thread != ts else None, event_id=message_key(channel, ts),
                    direct=event.get("channel_type") == "im" or channel.startswith("D"),
                    mention=mentioned or event.get("type") == "app_mention")


def _edit(event: dict, bot_user_id: str | None) -> Inbound | None:
    new, old = event.get("message") or {}, event.get("previous_message") or {}
    channel, ts = event.get("channel"), new.get("ts")
    if not channel or not ts or not new.get("user") or _from_bot(new, bot_user_id):
        return None
    body, mentioned = _body(new.get("text") or "", bot_user_id)
    before, _ = _body(old.get("text") or "", bot_user_id)
    if not body or normalize(body) == normalize(before):
        return None   # a thread reply or an unfurl changed the message, not its words
    original = message_key(channel, ts)
    key = f"{original}:edit:{(new.get('edited') or {}).get('ts') or event.get('event_ts') or event.get('ts')}"
    thread = new.get("thread_ts")
    incoming = Incoming(platform=PLATFORM, channel=channel, user=new["user"], text=body,
                        thread=thread if thread and thread != ts else None, event_id=key,
                        direct=event.get("channel_type") == "im" or channel.startswith("D"), mention=mentioned)
    return Inbound(key, "edit", {"incoming": incoming.as_json(), "original": original})


def _delete(event: dict, bot_user_id: str | None) -> Inbound | None:
    old = event.get("previous_message") or {}
    channel, ts = event.get("channel"), event.get("deleted_ts") or old.get("ts")
    if not channel or not ts or _from_bot(old, bot_user_id):
        return None
    original = message_key(channel, ts)
    return Inbound(f"{original}:delete", "delete", {"original": original, "channel": channel,
                                                    "user": old.get("user", "")})


def slack_event_to_inbound(body: dict, *, bot_user_id: str | None = None) -> Inbound | None:
    """What an Events API envelope asks of the bot, or None when it asks nothing."""
    event = body.get("event") or {}
    kind, subtype = event.get("type"), event.get("subtype")
    if kind == "message" and subtype == "message_changed":
        return _edit(event, bot_user_id)
    if kind == "message" and subtype == "message_deleted":
        return _delete(event, bot_user_id)
    if kind in ("message", "app_mention"):
        incoming = slack_event_to_incoming(body, bot_user_id=bot_user_id)
        if incoming is None or incoming.event_id is None:
            return None
        route = "command" if incoming.text.startswith("/") else "message"
        return Inbound(incoming.event_id, route, {"incoming": incoming.as_json()})
    if kind == "member_joined_channel" and event.get("user") == bot_user_id and event.get("channel"):
        return Inbound(f"slack:joined:{event['channel']}:{event.get('event_ts', '')}", "joined",
                       {"channel": event["channel"]})
    if kind == "app_home_opened" and event.get("tab", "home") == "home" and event.get("user"):
        return Inbound(f"slack:home:{body.get('event_id') or event.get('event_ts')}", "home", {"user": event["user"]})
    return None


_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def slack_command_to_incoming(command: dict, *, user_name: str | None = None) -> Incoming:
    """A slash command payload as the command line the command table reads: ``/script 爽约``.

    A member mentioned in it stays a mention by id (``<@U1>``), so ``/coach stats @小王`` finds them.
    """
    raw = _USER_MENTION.sub(lambda m: f"\x00{m.group(1)}\x01", command.get("text") or "")
    words = slack_text_to_plain(raw).strip().replace("\x00", "<@").replace("\x01", ">")
    line = f"{command.get('command', '').strip()} {words}".strip()
    return Incoming(platform=PLATFORM, channel=command.get("channel_id", ""), user=command.get("user_id", ""),
                    text=line, user_name=user_name, direct=str(command.get("channel_id", "")).startswith("D"))

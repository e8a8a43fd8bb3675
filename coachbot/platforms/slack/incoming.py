"""Slack payloads to :class:`coachbot.usecases.ports.Incoming`. Pure: payload in, value out."""

from __future__ import annotations

import re

from coachbot.platforms.slack.escape import slack_text_to_plain
from coachbot.usecases.ports import Incoming

PLATFORM = "slack"
_ACCEPTED_SUBTYPES = (None, "thread_broadcast", "file_share")


def message_key(channel: str, ts: str) -> str:
    """One Slack message, however many times or ways it is delivered (retries, mention + message)."""
    return f"slack:msg:{channel}:{ts}"


def slack_event_to_incoming(payload: dict, *, bot_user_id: str | None = None) -> Incoming | None:
    """A member's message or mention from an Events API envelope; None for anything else.

    Ignored: bots (this one and others), edits, deletions, joins and other
    subtypes, and empty text. ``event_id`` is :func:`message_key`, not the
    envelope's id, because a mention arrives twice (``app_mention`` and
    ``message``) with different envelope ids but the same message.
    """
    event = payload.get("event") or {}
    if event.get("type") not in ("message", "app_mention"):
        return None
    if event.get("subtype") not in _ACCEPTED_SUBTYPES or event.get("bot_id") or event.get("bot_profile"):
        return None
    user, channel, ts = event.get("user"), event.get("channel"), event.get("ts")
    if not user or not channel or not ts or (bot_user_id and user == bot_user_id):
        return None
    raw = event.get("text") or ""
    if bot_user_id:
        raw = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", raw)
    body = slack_text_to_plain(raw).strip()
    if not body:
        return None
    thread = event.get("thread_ts")
    return Incoming(platform=PLATFORM, channel=channel, user=user, text=body,
                    thread=thread if thread and thread != ts else None, event_id=message_key(channel, ts))


def slack_command_to_incoming(command: dict, *, user_name: str | None = None) -> Incoming:
    """A slash command payload as the command line the command table reads: ``/script 爽约``."""
    line = f"{command.get('command', '').strip()} {slack_text_to_plain(command.get('text') or '').strip()}".strip()
    return Incoming(platform=PLATFORM, channel=command.get("channel_id", ""), user=command.get("user_id", ""),
                    text=line, user_name=user_name)

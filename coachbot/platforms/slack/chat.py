"""Slack as the coach's :class:`coachbot.usecases.ports.Chat`: posts, private messages, updates, history."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from coachbot.logfmt import q
from coachbot.platforms.slack.blocks import fallback_text, post_marker, render_messages
from coachbot.platforms.slack.client import api_error, is_auth_error
from coachbot.platforms.slack.incoming import PLATFORM
from coachbot.platforms.slack.limits import AUTH_ERRORS
from coachbot.platforms.slack.names import UserNames
from coachbot.platforms.slack.pacing import Pacer
from coachbot.present.messages import Message

log = logging.getLogger(__name__)

log = logging.getLogger(__name__)


class SlackChat:
    """:class:`coachbot.usecases.ports.Chat` over the Slack Web API. Thread-safe."""

    platform = PLATFORM
    capabilities = frozenset({"update", "history", "buttons", "forms", "ephemeral"})

    def __init__(self, client: WebClient, *, pacer: Pacer | None = None, names: UserNames | None = None) -> None:
        self.client = client
        self.pacer = pacer or Pacer()
        self.names = names or UserNames(client)

    def _call(self, method: str, **kwargs):
        try:
            return getattr(self.client, method)(**kwargs)
        except SlackApiError as exc:
            error = api_error(exc)
            if error in AUTH_ERRORS:
                log.error("event=slack_auth_failed method=%s error=%s hint=%s", method, error,
                          q("the bot token was rejected; reinstall the app and update SLACK_BOT_TOKEN"))
            else:
                log.warning("event=slack_api_error method=%s channel=%s error=%s", method,
                            kwargs.get("channel"), error)
            raise
        except Exception as exc:
            log.warning("event=slack_unreachable method=%s channel=%s error=%r", method, kwargs.get("channel"), exc)
            raise

    def _send(self, method: str, msg: Message, **kwargs) -> list[str]:
        fallback, stamps = fallback_text(msg), []
        for blocks in render_messages(msg):
            resp = self._call(method, text=fallback, blocks=blocks, **kwargs)
            stamps.append(resp.get("ts") or resp.get("message_ts") or "")
        return stamps

    def post(self, channel: str, msg: Message, *, thread: str | None = None) -> str:
        """Post in a channel (or a thread); a message over 50 blocks continues in its own thread."""
        first: str | None = None
        fallback = fallback_text(msg)
        for blocks in render_messages(msg):
            self.pacer.wait(channel)
            resp = self._call("chat_postMessage", channel=channel, text=fallback, blocks=blocks,
                              thread_ts=thread or first, unfurl_links=False, unfurl_media=False)
            first = first or resp["ts"]
        assert first is not None
        return first

    def tell(self, channel: str, user: str, msg: Message, *, thread: str | None = None) -> None:
        """Ephemeral in the channel (and thread); a direct message when ephemeral is not possible."""
        if channel.startswith("D") or not channel:
            self.dm(user, msg)
            return
        try:
            self._send("chat_postEphemeral", msg, channel=channel, user=user, thread_ts=thread)
        except SlackApiError as exc:
            if is_auth_error(exc):
                raise
            log.info("event=slack_ephemeral_fallback_dm channel=%s user=%s error=%s", channel, user, api_error(exc))
            self.dm(user, msg)

    def dm(self, user: str, msg: Message) -> None:
        self._send("chat_postMessage", msg, channel=user, unfurl_links=False, unfurl_media=False)

    def update(self, channel: str, message_id: str, msg: Message) -> None:
        blocks = render_messages(msg)[0]
        self._call("chat_update", channel=channel, ts=message_id, text=fallback_text(msg), blocks=blocks)

    def find_post(self, channel: str, kind: str, content_id: str, day: date) -> str | None:
        """After a crash between posting and recording: the post already in the channel, if any."""
        oldest = datetime.combine(day - timedelta(days=1), dtime(), UTC).timestamp()
        try:
            resp = self._call("conversations_history", channel=channel, oldest=f"{oldest:.6f}", limit=200)
        except Exception:
            return None
        for m in resp.get("messages", []):
            blocks = m.get("blocks") or []
            if m.get("thread_ts") not in (None, m.get("ts")) or not blocks:
                continue
            marker = blocks[0].get("block_id", "")
            if marker in (post_marker(kind, content_id), post_marker(kind, None)):
                return m.get("ts")
        return None

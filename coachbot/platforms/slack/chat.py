"""Slack as the coach's :class:`coachbot.usecases.ports.Chat`: one delivery, one attempt, a clear outcome.

Routes: ``post`` (chat.postMessage in a channel or thread), ``tell``
(chat.postEphemeral: only the member sees it), ``dm`` (conversations.open,
then chat.postMessage), ``respond`` (a slash command's or button's
``response_url``), ``update`` (chat.update), ``home`` (views.publish).

Nothing here sleeps or retries: a failure is raised as what it means
(:func:`coachbot.platforms.slack.client.classify`) and the outbox decides.
Every part of every delivery carries a marker in its first block's
``block_id``, so :meth:`SlackChat.find` can tell whether a send whose outcome
was lost did reach the channel before anything is sent again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from coachbot.domain.records import Delivery
from coachbot.logfmt import q
from coachbot.platforms.slack.blocks import delivery_marker, fallback_text, render_messages, render_surface
from coachbot.platforms.slack.client import AUTH_ERRORS, api_error, classify
from coachbot.platforms.slack.incoming import PLATFORM
from coachbot.platforms.slack.names import UserNames
from coachbot.present.messages import Attachment, Message, message_from_json
from coachbot.usecases.ports import DeliveryError, OutcomeUnknown, RateLimited, Unavailable, Undeliverable

log = logging.getLogger(__name__)
POST_INTERVAL = 1.0   # chat.postMessage: about one message per second per channel


class SlackChat:
    """:class:`coachbot.usecases.ports.Chat` over the Slack Web API. Thread-safe."""

    platform = PLATFORM
    capabilities = frozenset({"update", "history", "buttons", "forms", "ephemeral"})

    def __init__(self, client: WebClient, *, names: UserNames | None = None, post_interval: float = POST_INTERVAL,
                 webhook_timeout: float = 10) -> None:
        self.client = client
        self.names = names or UserNames(client)
        self.post_interval = post_interval
        self.webhook_timeout = webhook_timeout
        self._dm: dict[str, str] = {}
        self._lock = threading.Lock()
        self.last_ok: float | None = None     # monotonic time of the last call Slack answered
        self.last_error: str | None = None

    # ------------------------------------------------------------ calls

    def _call(self, method: str, **kwargs):
        try:
            resp = getattr(self.client, method)(**kwargs)
        except Exception as exc:
            error = classify(exc)
            self._failed(method, kwargs.get("channel"), exc, error)
            raise error from exc
        self.last_ok, self.last_error = time.monotonic(), None
        return resp

    def _failed(self, method: str, channel: object, exc: Exception, error: DeliveryError) -> None:
        self.last_error = error.reason
        if api_error(exc) in AUTH_ERRORS:
            log.error("event=slack_auth_failed method=%s error=%s hint=%s", method, api_error(exc),
                      q("the bot token was rejected; reinstall the app and update SLACK_BOT_TOKEN"))
        elif isinstance(exc, SlackApiError):
            self.last_ok = time.monotonic()   # Slack answered; it said no
            log.warning("event=slack_api_error method=%s channel=%s error=%s", method, q(channel), q(error.reason))
        else:
            log.warning("event=slack_unreachable method=%s channel=%s error=%s", method, q(channel), q(error.reason))

    # ------------------------------------------------------------ Chat

    def send(self, delivery: Delivery, message: Message, on_part: Callable[[tuple[str, ...]], None]) -> str:
        route = delivery.route
        if route == "home":
            messages = [message_from_json(m) for m in delivery.payload.get("messages", ())]
            self._call("views_publish", user_id=delivery.user, view={"type": "home", "blocks": render_surface(messages)})
            return f"home:{delivery.user}"
        if route == "respond":
            return self._respond(delivery, message)
        if route == "update":
            blocks = render_messages(message)[0]
            self._call("chat_update", channel=delivery.channel, ts=delivery.thread, text=fallback_text(message),
                       blocks=blocks)
            return delivery.thread or ""
        parts = render_messages(message, key=delivery.key)
        text = fallback_text(message)
        sent = list(delivery.progress)
        channel = delivery.user if route == "dm" else delivery.channel   # a user id opens the member's DM
        many = len(parts) + (message.attachment is not None) > 1
        for blocks in parts[len(sent):]:
            if route == "tell":
                try:
                    resp = self._call("chat_postEphemeral", channel=channel, user=delivery.user, text=text,
                                      blocks=blocks, thread_ts=delivery.thread)
                except OutcomeUnknown as exc:
                    if exc.reason.startswith("HTTP"):   # Slack answered 5xx: not shown; try the same way again
                        raise Unavailable(exc.reason) from exc
                    raise
                ts = resp.get("message_ts") or ""
            else:
                resp = self._call("chat_postMessage", channel=channel, text=text, blocks=blocks,
                                  thread_ts=delivery.thread or (sent[0] if sent else None),
                                  unfurl_links=False, unfurl_media=False)
                ts = resp["ts"]
            sent.append(ts)
            if many:
                on_part(tuple(sent))
        if message.attachment is not None and len(sent) <= len(parts):
            where = delivery.channel if route == "post" else self.dm_channel(delivery.user)
            thread = (delivery.thread or sent[0]) if route == "post" else None
            sent.append(self._upload(where, message.attachment, thread=thread))
            on_part(tuple(sent))
        return sent[0]

    def _upload(self, channel: str, attachment: Attachment, *, thread: str | None = None) -> str:
        """A file (a chart) into a channel or DM with files.upload v2; the file's id.

        An ephemeral message cannot carry a file, so a private message's file goes to the member's DM.
        """
        resp = self._call("files_upload_v2", channel=channel, file=attachment.data, filename=attachment.name,
                          title=attachment.title or attachment.name, thread_ts=thread)
        files = resp.get("files") or [resp.get("file") or {}]
        return f"file:{files[0].get('id', '')}"

    def _respond(self, delivery: Delivery, message: Message) -> str:
        answered = self._respond_text(delivery, message)
        if message.attachment is not None and delivery.user:
            self._upload(self.dm_channel(delivery.user), message.attachment)
        return answered

    def _respond_text(self, delivery: Delivery, message: Message) -> str:
        url = str(delivery.payload.get("url") or "")
        options = delivery.payload.get("response") or {}
        hook = WebhookClient(url, timeout=int(self.webhook_timeout))
        try:
            if options.get("delete_original"):
                resp = hook.send_dict({"delete_original": True})
            else:
                blocks = render_messages(message)[0]
                resp = hook.send(text=fallback_text(message), blocks=blocks,
                                 response_type="in_channel" if options.get("public") else "ephemeral",
                                 replace_original=bool(options.get("replace_original")))
        except Exception as exc:
            raise classify(exc) from exc
        if resp.status_code == 429:
            raise RateLimited("response_url rate limited", _seconds(resp.headers.get("Retry-After")))
        if resp.status_code >= 500:
            raise OutcomeUnknown(f"response_url HTTP {resp.status_code}")
        if resp.status_code >= 400:
            raise Undeliverable(f"response_url HTTP {resp.status_code}: {resp.body[:100]}")
        self.last_ok = time.monotonic()
        return f"respond:{delivery.key}"

    def dm_channel(self, user: str) -> str:
        """The member's direct-message channel with the bot (opened once, cached)."""
        with self._lock:
            known = self._dm.get(user)
        if known:
            return known
        channel = self._call("conversations_open", users=user)["channel"]["id"]
        with self._lock:
            self._dm[user] = channel
        return channel

    def find(self, delivery: Delivery) -> str | None:
        """Whether a post (or DM) whose send lost its outcome is in the channel, by its marker."""
        if delivery.route not in ("post", "dm"):
            return None       # update and home are safe to send again; tell/respond are rerouted before
        channel = self.dm_channel(delivery.user) if delivery.route == "dm" else delivery.channel
        marker = delivery_marker(delivery.key, 0)
        if delivery.thread:
            resp = self._call("conversations_replies", channel=channel, ts=delivery.thread, limit=200)
        else:
            created = delivery.created_at.timestamp() if delivery.created_at else time.time() - 86400
            oldest = created - timedelta(minutes=10).total_seconds()
            resp = self._call("conversations_history", channel=channel, oldest=f"{oldest:.6f}", limit=200)
        for m in resp.get("messages", []):
            blocks = m.get("blocks") or []
            if blocks and str(blocks[0].get("block_id", "")).endswith(marker):
                return str(m.get("ts"))
        return None

    def pace(self, delivery: Delivery) -> tuple[str, float]:
        if delivery.route in ("post", "update"):
            return f"channel:{delivery.channel}", self.post_interval
        if delivery.route == "dm":
            return f"dm:{delivery.user}", self.post_interval
        return f"{delivery.route}:{delivery.channel}", 0.0

    def display_name(self, user: str) -> str | None:
        return self.names.get(user)

    def health(self) -> dict[str, object]:
        """For /readyz: when Slack last answered, and the last error."""
        ago = None if self.last_ok is None else round(time.monotonic() - self.last_ok, 1)
        return {"last_ok_seconds_ago": ago, "last_error": self.last_error}


def _seconds(value: object) -> float:
    """A Retry-After header (a value, or a list of them), in seconds."""
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return max(0.0, float(str(value)))
    except ValueError:
        return 1.0

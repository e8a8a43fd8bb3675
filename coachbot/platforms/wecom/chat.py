"""WeCom as the coach's :class:`coachbot.usecases.ports.Chat`: one delivery, one attempt, a clear outcome.

Where a delivery goes:

- ``post`` to a group (WeCom chat id): the AI bot's long connection (``aibot_send_msg``) while it is up,
  else the group's robot webhook if ``wecom.webhooks`` names one; ``webhook:ENV`` channels always go
  through the robot whose key is in ``$ENV``; ``single:<user>`` and ``app:<user>`` are one-to-one chats.
- ``tell`` / ``dm`` (WeCom has no ephemeral messages): one-to-one with the member, through the self-built
  app (``message/send``) or the bot (``aibot_send_msg`` to the userid), as ``wecom.private`` says.
- ``respond``: the AI bot's one-shot ``response_url`` (callback mode).
- ``update`` and ``home`` do not exist in WeCom: refused, so the outbox reroutes or gives up and says so.

Pacing (:meth:`WeComChat.pace`) keeps every bucket under WeCom's limits, because the app's excess over
30/min or 1,000/h per member is dropped silently: never sent, never reported. WeCom keeps no history a
bot can search, so a send whose answer was lost cannot be looked up (:meth:`find` is None) and is sent
again; app messages carry WeCom's duplicate check, which makes that safe for them.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from coachbot.domain.records import Delivery
from coachbot.logfmt import q
from coachbot.platforms.wecom.api import RATE_WAIT, WeComAPI, WeComError, classify
from coachbot.platforms.wecom.incoming import APP, PLATFORM, SINGLE
from coachbot.platforms.wecom.longconn import LongConnection
from coachbot.platforms.wecom.render import APP_MARKDOWN, BOT_MARKDOWN, ROBOT_MARKDOWN, card, markdown_parts
from coachbot.present.messages import Attachment, Message, message_from_json
from coachbot.present.strings import strings
from coachbot.usecases.ports import DeliveryError, Undeliverable

log = logging.getLogger(__name__)
WEBHOOK = "webhook:"
ROBOT_INTERVAL = 3.1      # group robot: 20 messages a minute per robot
MEMBER_INTERVAL = 3.7     # app: 30 a minute and 1,000 an hour per member (3.6 s), excess silently dropped
BOT_INTERVAL = 3.7        # AI bot: no documented figure; reported 30/min and 1,000/h per conversation
NAME_TTL = 3600.0

Target = tuple[str, str]  # (surface, address): ("bot", chat id or userid), ("app", userid), ("hook", env name)


class WeComChat:
    """:class:`coachbot.usecases.ports.Chat` over WeCom's surfaces. Thread-safe."""

    platform = PLATFORM

    def __init__(self, api: WeComAPI, *, link: LongConnection | None = None, private: str = "bot",
                 names: Mapping[str, str] | None = None, hooks: Mapping[str, str] | None = None,
                 chat_hooks: Mapping[str, str] | None = None, app_cards: bool = False,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.api, self.link, self.private = api, link, private
        self.names = dict(names or {})
        self.hooks = dict(hooks or {})                 # env variable name -> robot key
        self.chat_hooks = dict(chat_hooks or {})       # group chat id -> env variable name
        self.app_cards = app_cards                     # the app's callback is set up, so its card clicks arrive
        self.clock = clock
        self.intervals = {"hook": ROBOT_INTERVAL, "app": MEMBER_INTERVAL, "bot": BOT_INTERVAL}
        self.rate_wait = RATE_WAIT
        self._names: dict[str, tuple[str | None, float]] = {}
        self._lock = threading.Lock()

    @property
    def capabilities(self) -> frozenset[str]:
        return frozenset({"buttons"}) if self.link is not None or self.app_cards else frozenset()

    # ------------------------------------------------------------ where

    def _private(self, user: str) -> Target:
        if self.private == "app" and self.api.has_app:
            return "app", user
        if self.link is not None:
            return "bot", user
        if self.api.has_app:
            return "app", user
        raise Undeliverable("no surface can message a member first (no long connection, no self-built app)")

    def target(self, d: Delivery) -> Target:
        if d.route in ("tell", "dm"):
            return self._private(d.user)
        channel = d.channel
        if channel.startswith(WEBHOOK):
            return "hook", channel[len(WEBHOOK):]
        if channel.startswith(SINGLE):
            return ("bot", channel[len(SINGLE):]) if self.link is not None else self._private(channel[len(SINGLE):])
        if channel.startswith(APP):
            return "app", channel[len(APP):]
        hook = self.chat_hooks.get(channel)
        if self.link is not None and (self.link.ready.is_set() or hook is None):
            return "bot", channel
        if hook is not None:
            return "hook", hook
        raise Undeliverable(f"no way to post into group {channel}: no long connection and no robot webhook for it")

    def _parts(self, target: Target, d: Delivery, message: Message) -> list[dict[str, Any]]:
        surface = target[0]
        limit = {"hook": ROBOT_MARKDOWN, "app": APP_MARKDOWN, "bot": BOT_MARKDOWN}[surface]
        lang = str(message.meta.get("lang") or "zh")
        parts = markdown_parts(message, limit, lang=lang)
        cards = surface == "bot" or (surface == "app" and self.app_cards)
        if cards and (extra := card(message, d.key, lang=lang)) is not None:
            parts.append(extra)
        if message.attachment is not None:
            parts.append(self._file_part(surface, message.attachment, lang))
        return parts

    @staticmethod
    def _file_part(surface: str, attachment: Attachment, lang: str) -> dict[str, Any]:
        """A chart as WeCom can carry it: the app sends an uploaded image (media/upload first), a group robot an
        inline base64 image; the AI bot's long connection has no image message, so it says so in words."""
        if surface == "hook":
            return {"msgtype": "image", "image": {"base64": base64.b64encode(attachment.data).decode("ascii"),
                                                  "md5": hashlib.md5(attachment.data).hexdigest()}}
        if surface == "app":
            return {"msgtype": "image", "image": {"media_id": ""}, "upload": attachment.name}
        note = strings(lang).wecom_no_image.format(name=attachment.name)
        return {"msgtype": "markdown", "markdown": {"content": note}}

    # ------------------------------------------------------------ Chat

    def send(self, delivery: Delivery, message: Message, on_part: Callable[[tuple[str, ...]], None]) -> str:
        route = delivery.route
        if route in ("update", "home"):
            raise Undeliverable(f"WeCom has no {route} of a sent message")
        if route == "respond":
            return self._respond(delivery, message)
        target = self.target(delivery)
        parts = self._parts(target, delivery, message)
        sent = list(delivery.progress)
        for part in parts[len(sent):]:
            sent.append(self._send_one(target, part, delivery))
            if len(parts) > 1:
                on_part(tuple(sent))
        return sent[0]

    def _send_one(self, target: Target, part: dict[str, Any], d: Delivery) -> str:
        surface, address = target
        try:
            if surface == "bot":
                assert self.link is not None
                ack = self.link.request("aibot_send_msg", {"chatid": address, **part})
                return str((ack.get("headers") or {}).get("req_id") or "")
            if surface == "app":
                if "upload" in part:   # the chart: uploaded on each attempt (a media id lives three days)
                    attachment = message_from_json(d.payload.get("message") or {}).attachment
                    assert attachment is not None
                    media = self.api.upload_media(attachment.data, attachment.name)
                    part = {"msgtype": "image", "image": {"media_id": media}}
                return self.api.send_app(address, part) or f"app:{d.key}"
            key = self.hooks.get(address)
            if not key:
                raise Undeliverable(f"{address} is not set: the group robot's webhook key")
            self.api.send_webhook(key, part)
            return f"hook:{d.key}"
        except WeComError as exc:
            error = classify(exc, rate_wait=self.rate_wait)
            log.warning("event=wecom_send_failed surface=%s to=%s errcode=%d error=%s", surface, q(address),
                        exc.errcode, q(exc.errmsg))
            raise error from exc

    def _respond(self, d: Delivery, message: Message) -> str:
        url = str(d.payload.get("url") or "")
        if not url:
            raise Undeliverable("no response_url")
        content = markdown_parts(message, 20480, lang=str(message.meta.get("lang") or "zh"))[0]
        try:
            self.api.respond(url, content)
        except WeComError as exc:
            raise Undeliverable(f"response_url: errcode {exc.errcode} {exc.errmsg}") from exc   # used or expired
        return f"respond:{d.key}"

    def find(self, delivery: Delivery) -> str | None:
        return None   # WeCom keeps no history a bot can search

    def pace(self, delivery: Delivery) -> tuple[str, float]:
        if delivery.route == "respond":
            return "respond", 0.0
        try:
            surface, address = self.target(delivery)
        except DeliveryError:
            return "undeliverable", 0.0
        interval = self.intervals[surface]
        message = delivery.payload.get("message")
        parts = len(self._parts((surface, address), delivery, message_from_json(message))) \
            if isinstance(message, dict) else 1
        return f"{surface}:{address}", interval * max(1, parts - len(delivery.progress))

    def display_name(self, user: str) -> str | None:
        if user in self.names:
            return self.names[user]
        now = self.clock()
        with self._lock:
            known = self._names.get(user)
        if known is not None and known[1] > now:
            return known[0]
        name = None
        if self.api.has_app:
            try:
                name = self.api.user_name(user)
            except (WeComError, DeliveryError) as exc:
                log.info("event=wecom_name_unknown user=%s error=%s", q(user), q(str(exc)))
        with self._lock:
            self._names[user] = (name, now + NAME_TTL)
        return name

    def health(self) -> dict[str, object]:
        out: dict[str, object] = {"api_last_error": self.api.last_error}
        if self.link is not None:
            out["long_connection"] = self.link.health()
        return out


"""What arrives from WeCom goes to the inbox before WeCom hears back; quick reads are answered at once.

- Lookups and leaderboards (``话术 爽约``, ``/排行榜 本周``) are answered in the same exchange: over the long
  connection as a reply to the message's frame (``aibot_respond_msg``, a finished stream), on the AI bot's
  callback as the passive reply, for the app through the outbox straight away.
- Everything else (answers, ``/coach …``, card buttons) is stored first (:func:`coachbot.usecases.inbox.accept`,
  keyed by WeCom's msgid, so a retried callback or a frame redelivered after a reconnect is handled once),
  then graded and answered by the inbox workers. Feedback to a group answer goes one-to-one (WeCom has no
  ephemeral messages), and the group hears "已收到 @小王，反馈已私信" once it went (``wecom.group_ack``).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from coachbot.logfmt import q
from coachbot.platforms.wecom.api import WeComError
from coachbot.platforms.wecom.chat import WeComChat
from coachbot.platforms.wecom.incoming import APP, PLATFORM, SINGLE, Inbound, from_app, from_bot
from coachbot.platforms.wecom.render import markdown
from coachbot.present.messages import Message, text
from coachbot.present.strings import strings
from coachbot.usecases.coach import Coach
from coachbot.usecases.commands import quick_read
from coachbot.usecases.dispatch import handle
from coachbot.usecases.inbox import accept
from coachbot.usecases.outbox import delivery
from coachbot.usecases.ports import DeliveryError, Incoming

log = logging.getLogger(__name__)
STREAM_LIMIT = 20480


def utcnow() -> datetime:
    return datetime.now(UTC)


def stream(message: Message, lang: str) -> dict[str, Any]:
    """A finished stream: the AI bot's way to answer a message with markdown."""
    content = markdown(message, lang=lang).encode()[:STREAM_LIMIT].decode("utf-8", "ignore")
    return {"msgtype": "stream", "stream": {"id": uuid.uuid4().hex, "finish": True, "content": content}}


class WeComReceiver:
    def __init__(self, coach: Coach, chat: WeComChat, *, group_ack: bool = True,
                 clock: Callable[[], datetime] = utcnow, quick_threads: int = 4) -> None:
        self.coach, self.chat, self.group_ack, self.clock = coach, chat, group_ack, clock
        self.quick = ThreadPoolExecutor(quick_threads, thread_name_prefix="wecom-quick")

    def close(self) -> None:
        self.quick.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------ sources

    def on_frame(self, frame: dict[str, Any]) -> None:
        """A long-connection frame (called in the connection's reader thread: nothing here waits on WeCom)."""
        if frame.get("cmd") not in ("aibot_msg_callback", "aibot_event_callback"):
            return
        req_id = str((frame.get("headers") or {}).get("req_id") or "")
        inbound = from_bot(frame.get("body"), req_id=req_id)
        reply = self.take(inbound, quick_reply=True)
        if reply is not None:
            self.quick.submit(self._respond, inbound, *reply)

    def on_callback(self, body: dict[str, Any]) -> dict[str, Any] | None:
        """A decrypted AI bot callback; what to answer passively (or None for an empty answer)."""
        inbound = from_bot(body)
        reply = self.take(inbound, quick_reply=True)
        if reply is None:
            return None
        message, lang, cmd = reply
        if cmd == "aibot_respond_welcome_msg":
            return {"msgtype": "text", "text": {"content": "\n".join(s.text for s in message.sections)}}
        return stream(message, lang)

    def on_app(self, xml_text: str) -> None:
        """A decrypted self-built app callback."""
        self.take(from_app(xml_text), quick_reply=False)

    # ------------------------------------------------------------ one inbound event

    def lang(self, incoming: Incoming) -> str:
        return self.coach.language_for(incoming)

    def accept(self, key: str, kind: str, payload: dict[str, Any]) -> bool:
        fresh = accept(self.coach.store, key=key, platform=PLATFORM, kind=kind, payload=payload, now=self.clock())
        if fresh:
            self.coach.outbox.wake.set()
        else:
            log.info("event=wecom_duplicate_dropped key=%s", q(key))
        return fresh

    def take(self, inbound: Inbound, *, quick_reply: bool) -> tuple[Message, str, str] | None:
        """Store or answer ``inbound``; a (message, language, command) to answer it with at once, or None."""
        msg = inbound.incoming
        if inbound.kind == "ignore" or msg is None:
            return None
        if inbound.kind == "enter_chat":
            intro = text(strings(self.lang(msg)).bot_intro, kind="help")
            if quick_reply:
                return intro, self.lang(msg), "aibot_respond_welcome_msg"
            self._queue_reply(inbound, intro)
            return None
        if inbound.kind == "card":
            self._card(inbound, msg)
            return None
        if inbound.kind == "command" and quick_read(msg.text):
            replies = handle(self.coach, msg, self.clock())     # marks the msgid: a redelivery answers nothing
            if not replies:
                return None
            if quick_reply:
                return replies[0].message, self.lang(msg), "aibot_respond_msg"
            self._queue_reply(inbound, replies[0].message)
            return None
        payload: dict[str, Any] = {"incoming": msg.as_json(), "private": self._private_route(inbound)}
        if inbound.response_url:
            payload["url"] = inbound.response_url
        if not msg.direct and self.group_ack:
            payload["public_ack"] = True
        self.accept(inbound.key, inbound.kind, payload)
        return None

    def _private_route(self, inbound: Inbound) -> str:
        """How a reply reaches only the sender: one-to-one in their own chat with the bot or app, or a DM."""
        msg = inbound.incoming
        assert msg is not None
        if not msg.direct:
            return "dm"
        if inbound.via == "bot" and self.chat.link is None and inbound.response_url:
            return "respond"     # callback mode: the message's own reply URL answers in its chat
        return "post"

    def _card(self, inbound: Inbound, msg: Incoming) -> None:
        action, _, value = (inbound.action or "").partition(":")
        if action == "script" and value:
            command = Incoming(platform=PLATFORM, channel=SINGLE + msg.user if msg.channel.startswith(SINGLE)
                               else msg.channel, user=msg.user, text=f"/script {value}", event_id=inbound.key,
                               direct=True)
            self.accept(inbound.key, "command", {"incoming": command.as_json(), "private": "dm"})
        elif action == "command" and value.split()[:1] == ["/coach"]:
            command = Incoming(platform=PLATFORM, channel=msg.channel, user=msg.user, text=value, event_id=inbound.key,
                               direct=msg.channel.startswith((SINGLE, APP)))
            self.accept(inbound.key, "command", {"incoming": command.as_json(), "private": "dm"})
        elif action == "answer":
            challenge = self.coach.library.challenge(value.partition("@")[0])
            title = challenge.title if challenge else value
            note = strings(self.lang(msg)).wecom_answer_prompt.format(title=title)
            self.accept(inbound.key, "notice", {"text": note, "user": msg.user, "channel": msg.channel})
        else:
            log.info("event=wecom_card_unknown key=%s action=%s", q(inbound.key), q(inbound.action))

    def _queue_reply(self, inbound: Inbound, message: Message) -> None:
        """An immediate answer through the outbox, in the conversation the message came from."""
        msg = inbound.incoming
        assert msg is not None
        d = delivery(f"{inbound.key}:quick", PLATFORM, "post" if msg.direct else "dm", message,
                     channel=msg.channel, user=msg.user)
        self.coach.outbox.enqueue([d], now=self.clock())

    def _respond(self, inbound: Inbound, message: Message, lang: str, cmd: str) -> None:
        """Answer a long-connection message in its own exchange; if that fails, through the outbox."""
        link = self.chat.link
        try:
            if link is None or not inbound.req_id:
                raise DeliveryError("no long connection")
            body = ({"msgtype": "text", "text": {"content": "\n".join(s.text for s in message.sections)}}
                    if cmd == "aibot_respond_welcome_msg" else stream(message, lang))
            link.request(cmd, body, req_id=inbound.req_id)
        except (DeliveryError, WeComError) as exc:
            log.warning("event=wecom_quick_reply_failed key=%s error=%s", q(inbound.key), q(str(exc)))
            if cmd != "aibot_respond_welcome_msg":
                self._queue_reply(inbound, message)
        except Exception:
            log.exception("event=wecom_quick_reply_error key=%s", q(inbound.key))

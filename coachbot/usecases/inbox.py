"""What arrives is stored before it is acknowledged, then handled from the store, exactly once.

    inbox.accept(store, key=..., platform="slack", kind="message", payload=..., now=now)   # the adapter, before its ack
    worker.work_one(now)                                                                  # a worker thread

The adapter acknowledges the platform only after :func:`accept` returned, so
an acknowledged event is on disk; a restart resumes whatever was not finished.
Handling is idempotent by key: a reply is stored under its message key, and
every answer to it is enqueued in the outbox under ``<item key>:reply:<n>``,
so an item handled twice (a crash between storing and finishing) still
grades once and answers once.

Payload kinds (``InboxItem.kind``):

- ``message``: ``{"incoming": Incoming, "private": route, "url": reply URL}``
  — a channel message, a mention, a direct message, a form submission;
- ``command``: the same, for a command line (answered on ``private``);
- ``edit``: ``{"incoming": Incoming (the new text), "original": message key}``;
- ``delete``: ``{"original": message key, "channel", "user"}``;
- ``joined``: ``{"channel"}`` — the bot was added to a channel;
- ``home``: ``{"user"}`` — a member opened the bot's home.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from coachbot.domain.privacy import mask
from coachbot.domain.records import Delivery, InboxItem
from coachbot.domain.text import clean
from coachbot.logfmt import q
from coachbot.present import views
from coachbot.present.messages import message_to_json, text
from coachbot.present.strings import strings
from coachbot.usecases.coach import Coach
from coachbot.usecases.dispatch import handle, is_command
from coachbot.usecases.home import home
from coachbot.usecases.outbox import Outbox, chained, delivery, reply_deliveries
from coachbot.usecases.ports import Incoming, Records, Reply

log = logging.getLogger(__name__)
STALE_CLAIM = timedelta(seconds=60)   # a claim this old belongs to a worker that died


def accept(store: Records, *, key: str, platform: str, kind: str, payload: dict[str, Any], now: datetime) -> bool:
    """Store an inbound event before acknowledging it; False for a repeat of ``key``.

    Personal data in the text is masked here, so it is never stored (个人信息保护法), and control
    characters, NUL and invisible characters are removed.
    """
    incoming = payload.get("incoming")
    if isinstance(incoming, dict) and incoming.get("text"):
        masked = mask(incoming["text"])
        text = clean(masked.text)
        if masked.changed or text != incoming["text"]:
            payload = {**payload, "incoming": {**incoming, "text": text, "masked": list(masked.kinds)}}
    return store.accept(key=key, platform=platform, kind=kind, payload=payload, at=now)


class InboxWorker:
    """Handles stored inbound events one at a time; several may run in threads."""

    def __init__(self, store: Records, coaches: Mapping[str, Coach], outbox: Outbox, *,
                 clock: Callable[[], datetime], stale_after: timedelta = STALE_CLAIM) -> None:
        self.store, self.coaches, self.outbox, self.clock = store, dict(coaches), outbox, clock
        self.stale_after = stale_after

    def work_one(self, now: datetime | None = None) -> bool:
        """Handle the oldest waiting item; False when there is none."""
        now = now or self.clock()
        item = self.store.claim_inbox(now=now, stale_after=self.stale_after, platforms=list(self.coaches))
        if item is None:
            return False
        try:
            deliveries = self.deliveries(self.coaches[item.platform], item, now)
        except Exception:
            # dispatch.handle never raises; this is a failure of the store or the adapter: try again later
            log.exception("event=inbox_error key=%s kind=%s attempts=%d", q(item.key), item.kind, item.attempts)
            if item.attempts >= 5:
                self.store.inbox_done(item.id, at=self.clock(), error="gave up after 5 attempts")
            return True
        with self.store.transaction():   # the answers and "handled" commit together
            self.store.enqueue(deliveries, now=self.clock())
            self.store.inbox_done(item.id, at=self.clock())
        self.outbox.kick()
        return True

    def drain(self, now: datetime | None = None) -> int:
        done = 0
        while self.work_one(now):
            done += 1
        return done

    # ------------------------------------------------------------ one item

    def deliveries(self, coach: Coach, item: InboxItem, now: datetime) -> list[Delivery]:
        payload = item.payload
        if item.kind in ("message", "command", "edit"):
            msg = self._incoming(coach, payload)
            if item.kind == "edit":
                replies = coach.edit_answer(msg, payload.get("original", ""), now)
            else:
                replies = handle(coach, msg, now) or self._unanswered(coach, msg)
            # in a one-to-one chat the chat itself is private: answer there
            private = payload.get("private") or ("post" if msg.direct else "tell")
            extra = {k: payload[k] for k in ("url", "response") if payload.get(k)} or None
            hint = [] if msg.direct else self._hint(coach, msg.channel)
            out = reply_deliveries(replies, key=item.key, platform=item.platform, channel=msg.channel,
                                   user=msg.user, thread=payload.get("private_thread", msg.thread),
                                   private_route=private, public_thread=msg.thread, extra=extra)
            if payload.get("public_ack") and not msg.direct:
                out = self._with_public_ack(coach, msg, item.key, out)
            return hint + out
        if item.kind == "delete":
            replies = coach.withdraw_answer(payload.get("original", ""), channel=payload.get("channel", ""))
            return reply_deliveries(replies, key=item.key, platform=item.platform, channel=payload.get("channel", ""),
                                    user=payload.get("user", ""), thread=None, private_route="tell")
        if item.kind == "share":
            return self._share(coach, item, now)
        if item.kind == "notice":
            return [delivery(f"{item.key}:notice", item.platform, "respond" if payload.get("url") else "tell",
                             text(str(payload.get("text", ""))), channel=payload.get("channel", ""),
                             user=payload.get("user", ""), extra={"url": payload.get("url")})]
        if item.kind == "joined":
            return self._hint(coach, payload.get("channel", ""))
        if item.kind == "home":
            user = payload.get("user", "")
            parts = home(coach, item.platform, user, now)
            return [Delivery(key=f"{item.key}:home", platform=item.platform, route="home", user=user,
                             payload={"messages": [message_to_json(m) for m in parts]})]
        log.warning("event=inbox_unknown_kind key=%s kind=%s", q(item.key), q(item.kind))
        return []

    def _incoming(self, coach: Coach, payload: dict[str, Any]) -> Incoming:
        msg = Incoming.from_json(payload.get("incoming") or {})
        if msg.user_name is None and msg.platform not in ("console", "fake"):
            msg = replace(msg, user_name=coach.chat.display_name(msg.user))
        return msg

    def _unanswered(self, coach: Coach, msg: Incoming) -> list[Reply]:
        """Nothing to say to a message: help where the member spoke to the bot directly or by name, and the
        truth where they sent an answer through the form but no challenge took it."""
        s = strings(coach.language_for(msg))
        if msg.explicit:
            return [Reply(text(s.answer_not_recorded, kind="error"))]
        if msg.direct or (msg.mention and not is_command(msg)):
            return [Reply(text(s.bot_intro, kind="help"))]
        return []

    def _share(self, coach: Coach, item: InboxItem, now: datetime) -> list[Delivery]:
        """A private lookup posted for the whole channel; the private copy goes once the post is in.

        If the post cannot go out (the bot is not in the channel), the member is
        told on the lookup's reply URL instead.
        """
        payload = item.payload
        msg = self._incoming(coach, payload)
        replies = handle(coach, msg, now)
        url = {"url": payload.get("url")}
        s = strings(coach.language_for(msg))
        if not replies or replies[0].message.kind == "error":
            return reply_deliveries(replies, key=item.key, platform=item.platform, channel=msg.channel, user=msg.user,
                                    thread=None, private_route="respond", extra=url)
        shared = views.shared_copy(replies[0].message, msg.user_name or msg.user, lang=coach.language_for(msg))
        done = delivery(f"{item.key}:done", item.platform, "respond", text(""), channel=msg.channel, user=msg.user,
                        extra={**url, "response": {"delete_original": True}})
        failed = delivery(f"{item.key}:failed", item.platform, "respond", text(s.share_failed), channel=msg.channel,
                          user=msg.user, extra={**url, "by_reason": {
                              "not_in_channel": s.not_in_channel, "channel_not_found": s.not_in_channel}})
        return [delivery(f"{item.key}:post", item.platform, "post", shared, channel=msg.channel,
                         extra={"on_sent": chained(done), "on_fail": chained(failed)})]

    def _with_public_ack(self, coach: Coach, msg: Incoming, key: str, out: list[Delivery]) -> list[Delivery]:
        """On a platform without ephemeral messages a private reply to a group message goes one-to-one; the
        group then hears that it did (or, truthfully, that it could not and why)."""
        first = next((i for i, d in enumerate(out) if d.route != "post"), None)
        if first is None:
            return out
        s = strings(coach.language_for(msg))
        name = msg.user_name or msg.user
        sent = delivery(f"{key}:ack", msg.platform, "post", text(s.private_reply_ack.format(name=name)),
                        channel=msg.channel)
        failed = delivery(f"{key}:ack", msg.platform, "post", text(s.private_reply_failed.format(
            name=name, error="{error}")), channel=msg.channel)
        d = out[first]
        out[first] = replace(d, payload={**d.payload, "on_sent": chained(sent), "on_fail": chained(failed)})
        return out

    def _hint(self, coach: Coach, channel: str) -> list[Delivery]:
        """A channel the bot is in but no team owns hears about it once (the key makes it once)."""
        if not channel or coach.team_of(channel) is not None:
            return []
        log.info("event=unconfigured_channel platform=%s channel=%s", coach.platform, q(channel))
        return [delivery(f"hint:{coach.platform}:{channel}", coach.platform, "post",
                         views.unconfigured_hint(channel, coach.platform), channel=channel)]


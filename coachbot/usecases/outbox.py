"""Everything the bot sends goes through the outbox: recorded, then delivered, then settled.

    outbox.enqueue([delivery], now=now)     # in the use case, with the state change it announces
    outbox.deliver_due(now)                 # a worker: send what is due, once each

Each delivery has an idempotency key, so enqueueing the same thing twice is a
no-op. Delivery never sleeps or retries inside a platform call: the platform
adapter (:class:`coachbot.usecases.ports.Chat`) raises what happened and the
outbox decides:

- sent → ``sent`` (a linked post becomes ``posted`` with its message id);
- :class:`RateLimited` → again after ``Retry-After``, and the delivery's pacing
  bucket (its channel, or the member) cools down for as long;
- :class:`Unavailable` (5xx, refused connection, rejected token) → again after
  an exponential backoff (1 s, 2 s, 4 s … at most 5 minutes);
- :class:`OutcomeUnknown` (the connection dropped: the platform may have
  accepted it) → ``unknown``: the next attempt first asks the platform
  (``Chat.find``) and only sends if the message is not there. A private
  message that cannot be looked up (ephemeral, a command's reply URL) is
  delivered by direct message instead, which can. One whose send was cut
  short by the process dying (its claim went stale) is counted as delivered
  (``event=delivery_unconfirmed``): its request was written before the wait,
  so the platform had almost always taken it;
- :class:`Undeliverable` → a private message goes by direct message instead;
  anything else fails for good with the reason (a linked post becomes
  ``failed``, so a lead can post it again);
- after :data:`GIVE_UP_AFTER` of trying, it fails for good with the last reason;
  a scheduled post carries a ``deadline`` (its slot plus the grace period)
  after which it is not sent late but fails, so the day's plan records it as
  skipped and a lead can post it by hand.

Pacing: each delivery belongs to a bucket the platform names (Slack: one post
per channel per second); a bucket that is cooling down is skipped, not waited
for, so one slow channel never holds the others.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from coachbot.domain.records import Delivery
from coachbot.logfmt import q
from coachbot.present.messages import Message, Section, message_from_json, message_to_json
from coachbot.usecases.ports import (
    Chat,
    DeliveryError,
    OutcomeUnknown,
    RateLimited,
    Records,
    Reply,
    Unavailable,
    Undeliverable,
)

log = logging.getLogger(__name__)
GIVE_UP_AFTER = timedelta(hours=24)
MAX_BACKOFF = timedelta(minutes=5)
PRIVATE_ROUTES = ("tell", "respond")   # private, but cannot be looked up afterwards: a DM can
Clock = Callable[[], datetime]


def delivery(key: str, platform: str, route: str, message: Message, *, channel: str = "", user: str = "",
             thread: str | None = None, post_id: int | None = None,
             extra: Mapping[str, object] | None = None) -> Delivery:
    """A new delivery of ``message``; ``extra`` adds route details (e.g. a reply URL) to the payload."""
    return Delivery(key=key, platform=platform, route=route, channel=channel, user=user, thread=thread,
                    post_id=post_id, payload={"message": message_to_json(message), **(extra or {})})


def chained(d: Delivery) -> dict[str, object]:
    """``d`` as a payload value, to be enqueued when another delivery is sent (``on_sent``) or fails (``on_fail``).

    An ``on_fail`` delivery may carry ``by_reason``: message lines for given
    failure reasons; other reasons fill ``{error}`` in its own message.
    """
    return {"key": d.key, "platform": d.platform, "route": d.route, "channel": d.channel, "user": d.user,
            "thread": d.thread, "payload": d.payload}


def unchained(data: Mapping[str, object], *, reason: str | None = None) -> Delivery:
    payload = dict(data.get("payload") or {})  # type: ignore[call-overload]
    if reason is not None:
        by_reason = payload.pop("by_reason", {}) or {}
        message = message_of(Delivery(key="", platform="", route="", payload=payload))
        line = by_reason.get(reason)
        body = line if line else "\n".join(s.text for s in message.sections).replace("{error}", reason)
        payload["message"] = message_to_json(Message(sections=(Section(body),), kind="error"))
    return Delivery(key=str(data["key"]), platform=str(data["platform"]), route=str(data["route"]),
                    channel=str(data.get("channel") or ""), user=str(data.get("user") or ""),
                    thread=data.get("thread") or None, payload=payload)  # type: ignore[arg-type]


def message_of(d: Delivery) -> Message:
    return message_from_json(d.payload.get("message") or {})


def backoff(attempts: int) -> timedelta:
    """1 s, 2 s, 4 s … at most :data:`MAX_BACKOFF`, with a little jitter so retries do not move in step."""
    base = min(MAX_BACKOFF.total_seconds(), 2.0 ** max(0, attempts - 1))
    return timedelta(seconds=base * random.uniform(0.9, 1.1))


@dataclass
class Pacing:
    """When each bucket may send again (in memory: after a restart the platform's 429 re-teaches it)."""

    ready_at: dict[str, datetime]
    lock: threading.Lock

    @classmethod
    def new(cls) -> Pacing:
        return cls({}, threading.Lock())

    def cooling(self, now: datetime) -> list[str]:
        with self.lock:
            return [b for b, at in self.ready_at.items() if at > now]

    def hold(self, bucket: str, until: datetime) -> None:
        with self.lock:
            if self.ready_at.get(bucket, until) <= until:
                self.ready_at[bucket] = until

    def ready(self, bucket: str, now: datetime) -> bool:
        with self.lock:
            return self.ready_at.get(bucket, now) <= now


class Outbox:
    """Enqueue deliveries and deliver them; ``inline`` delivers at once in the caller (console, tests)."""

    def __init__(self, store: Records, chats: Mapping[str, Chat], *, clock: Clock, inline: bool = False) -> None:
        self.store, self.chats, self.clock, self.inline = store, dict(chats), clock, inline
        self.pacing = Pacing.new()
        self.wake = threading.Event()

    # ------------------------------------------------------------ enqueueing

    def enqueue(self, deliveries: Iterable[Delivery], *, now: datetime | None = None) -> int:
        """Record deliveries (idempotent by key); with ``inline``, deliver what is due right away."""
        now = now or self.clock()
        added = self.store.enqueue(list(deliveries), now=now)
        if added:
            self.wake.set()
        if self.inline:
            self.deliver_due(now)
        return added

    def kick(self, now: datetime | None = None) -> None:
        """Deliveries were enqueued in a caller's transaction: wake the workers, or deliver now when inline."""
        self.wake.set()
        if self.inline:
            self.deliver_due(now or self.clock())

    def state(self, key: str) -> Delivery | None:
        return self.store.delivery(key)

    def wait(self, keys: Iterable[str], *, timeout: float, sleep: Callable[[float], None] | None = None
             ) -> list[Delivery | None]:
        """The deliveries behind ``keys`` once all are settled (sent or failed), or as they are at ``timeout``.

        The waiting thread lends a hand: it delivers whatever is due meanwhile
        (claims are atomic, so it never competes with the workers for a row).
        """
        keys = list(keys)
        pause = sleep or (lambda s: threading.Event().wait(s))
        until = time.monotonic() + timeout
        while True:
            found = [self.store.delivery(k) for k in keys]
            if all(d is None or d.state in ("sent", "failed") for d in found) or time.monotonic() >= until:
                return found
            if not self.deliver_one(self.clock()):
                pause(0.1)

    # ------------------------------------------------------------ delivering

    def deliver_due(self, now: datetime | None = None, *, limit: int | None = None,
                    platforms: Iterable[str] | None = None) -> int:
        """Deliver due deliveries one at a time until none is due (or ``limit``); how many were settled."""
        done = 0
        while limit is None or done < limit:
            if not self.deliver_one(now or self.clock(), platforms=platforms):
                return done
            done += 1
        return done

    def deliver_one(self, now: datetime, *, platforms: Iterable[str] | None = None) -> bool:
        """Claim one due delivery whose bucket is not cooling, and settle it. False when none is due."""
        d = self.store.claim_delivery(now=now, cooling=self.pacing.cooling(now),
                                      platforms=platforms if platforms is not None else list(self.chats))
        if d is None:
            return False
        assert d.id is not None
        chat = self.chats.get(d.platform)
        if chat is None:
            self.store.give_up_delivery(d.id, error=f"no adapter for platform {d.platform}", at=now)
            return True
        bucket, interval = chat.pace(d)
        if not self.pacing.ready(bucket, now):   # another worker used the bucket meanwhile
            self.store.retry_delivery(d.id, at=now + timedelta(milliseconds=200), error=d.error or "paced",
                                      unknown=d.state == "unknown")
            return True
        self.pacing.hold(bucket, now + timedelta(seconds=interval))
        self._attempt(chat, d, bucket, now)
        return True

    def _attempt(self, chat: Chat, d: Delivery, bucket: str, now: datetime) -> None:
        assert d.id is not None
        deadline = d.payload.get("deadline")
        if d.state == "unknown" and d.route in PRIVATE_ROUTES:
            # A send to a route nobody can look up (ephemeral, reply URL) cut short by the process ending.
            # Its request was written before the wait, so the platform almost always took it: count it as
            # delivered rather than show it twice (the member's result is in /coach stats either way).
            self.store.delivered(d.id, message_id="unconfirmed", at=now)
            log.warning("event=delivery_unconfirmed key=%s route=%s user=%s", q(d.key), d.route, q(d.user))
            return
        try:
            if d.state == "unknown":
                found = chat.find(d)
                if found is not None:
                    log.info("event=delivery_reconciled key=%s route=%s message=%s", q(d.key), d.route, found)
                    self._delivered(d, found, now)
                    return
            if deadline and now > datetime.fromisoformat(deadline):
                self._give_up(d, now, f"missed its time ({deadline})")
                return
            message_id = chat.send(d, message_of(d), lambda parts: self.store.record_progress(d.id or 0, parts))
        except RateLimited as e:
            until = now + timedelta(seconds=max(e.retry_after, 1.0))
            self.pacing.hold(bucket, until)
            self._retry(d, until, e, unknown=d.state == "unknown")
        except OutcomeUnknown as e:
            if d.route in PRIVATE_ROUTES:
                self._reroute(d, "dm", now, e)
            else:
                self._retry(d, now + backoff(d.attempts), e, unknown=True)
        except Undeliverable as e:
            if d.route in PRIVATE_ROUTES and d.user:
                self._reroute(d, "dm", now, e)
            else:
                self._give_up(d, now, e.reason)
        except Unavailable as e:
            self._retry(d, now + backoff(d.attempts), e, unknown=d.state == "unknown")
        except Exception as e:  # a bug in rendering or the adapter: keep the message, log loudly
            log.exception("event=delivery_error key=%s route=%s", q(d.key), d.route)
            self._retry(d, now + backoff(d.attempts), DeliveryError(repr(e)[:200]), unknown=d.state == "unknown")
        else:
            self._delivered(d, message_id, now)

    def _delivered(self, d: Delivery, message_id: str, now: datetime) -> None:
        assert d.id is not None
        with self.store.transaction():
            self.store.delivered(d.id, message_id=message_id, at=now)
            if isinstance(then := d.payload.get("on_sent"), dict):
                self.store.enqueue([unchained(then)], now=now)
        log.info("event=delivered key=%s route=%s platform=%s attempts=%d", q(d.key), d.route, d.platform,
                 d.attempts)

    def _retry(self, d: Delivery, at: datetime, error: DeliveryError, *, unknown: bool) -> None:
        assert d.id is not None
        if d.created_at is not None and at - d.created_at > GIVE_UP_AFTER:
            self._give_up(d, at, f"gave up after {GIVE_UP_AFTER}: {error.reason}")
            return
        self.store.retry_delivery(d.id, at=at, error=f"{type(error).__name__}: {error.reason}", unknown=unknown)
        log.warning("event=delivery_retry key=%s route=%s error=%s retry_at=%s unknown=%s", q(d.key), d.route,
                    q(error.reason), at.isoformat(), unknown)

    def _reroute(self, d: Delivery, route: str, now: datetime, error: DeliveryError) -> None:
        assert d.id is not None
        self.store.reroute_delivery(d.id, route=route, at=now, error=f"{type(error).__name__}: {error.reason}")
        log.info("event=delivery_rerouted key=%s from=%s to=%s error=%s", q(d.key), d.route, route, q(error.reason))

    def _give_up(self, d: Delivery, now: datetime, reason: str) -> None:
        assert d.id is not None
        with self.store.transaction():
            self.store.give_up_delivery(d.id, error=reason, at=now)
            if isinstance(then := d.payload.get("on_fail"), dict):
                self.store.enqueue([unchained(then, reason=reason)], now=now)
        log.error("event=delivery_failed key=%s route=%s channel=%s user=%s error=%s", q(d.key), d.route,
                  q(d.channel), q(d.user), q(reason))


def reply_deliveries(replies: Iterable[Reply], *, key: str, platform: str, channel: str, user: str,
                     thread: str | None, private_route: str, public_thread: str | None = None,
                     extra: Mapping[str, object] | None = None) -> list[Delivery]:
    """The deliveries for a handler's replies to one inbound message, keyed ``<key>:reply:<n>``.

    ``private_route`` is how this platform and this message reach only its
    sender (``tell``, ``dm`` or ``respond``); public replies are posted in the
    channel (in ``public_thread`` or the reply's own thread).
    """
    out = []
    for n, r in enumerate(replies):
        if r.private:
            out.append(delivery(f"{key}:reply:{n}", platform, private_route, r.message, channel=channel, user=user,
                                thread=thread, extra=extra))
        else:
            out.append(delivery(f"{key}:reply:{n}", platform, "post", r.message, channel=channel,
                                thread=r.thread or public_thread))
    return out

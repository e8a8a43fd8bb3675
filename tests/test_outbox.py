"""The outbox: every message sent once, whatever the platform does. A scripted platform, a driven clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from coachbot.domain.records import Delivery
from coachbot.present.messages import Message, text
from coachbot.store import Store
from coachbot.usecases.outbox import Outbox, chained, delivery
from coachbot.usecases.ports import OutcomeUnknown, RateLimited, Unavailable, Undeliverable

T0 = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


@dataclass
class Scripted:
    """A platform whose next answers the test scripts: an exception to raise, or None to accept."""

    platform: str = "fake"
    capabilities: frozenset[str] = frozenset({"history"})
    script: list[BaseException | None] = field(default_factory=list)
    history: dict[str, str] = field(default_factory=dict)     # delivery key -> message id, as the channel shows
    sent: list[tuple[str, str, str]] = field(default_factory=list)   # (route, where, key) of every accepted send
    interval: float = 0.0

    def send(self, d: Delivery, message: Message, on_part: Callable[[tuple[str, ...]], None]) -> str:
        outcome = self.script.pop(0) if self.script else None
        accepted = outcome is None or (isinstance(outcome, OutcomeUnknown) and outcome.reason == "accepted")
        if accepted:
            message_id = f"m{len(self.sent) + 1}"
            self.sent.append((d.route, d.channel or d.user, d.key))
            self.history[d.key] = message_id
        if outcome is not None:
            raise outcome
        return message_id

    def find(self, d: Delivery) -> str | None:
        return self.history.get(d.key)

    def pace(self, d: Delivery) -> tuple[str, float]:
        return f"{d.route}:{d.channel}", self.interval

    def display_name(self, user: str) -> str | None:
        return None


@pytest.fixture
def rig(tmp_path):
    store = Store(tmp_path / "out.db")
    chat = Scripted()
    outbox = Outbox(store, {"fake": chat}, clock=lambda: T0)
    yield store, chat, outbox
    store.close()


def post(key: str = "p1", channel: str = "C1", **kw) -> Delivery:
    return delivery(key, "fake", kw.pop("route", "post"), text("你好"), channel=channel, **kw)


def states(store: Store) -> list[str]:
    return [d.state for d in store.iter_outbox()]


def test_enqueueing_the_same_key_twice_sends_once(rig):
    store, chat, outbox = rig
    assert outbox.enqueue([post(), post()], now=T0) == 1
    assert outbox.enqueue([post()], now=T0) == 0
    outbox.deliver_due(T0)
    assert len(chat.sent) == 1 and states(store) == ["sent"]


def test_a_dropped_connection_after_the_platform_accepted_does_not_double_the_post(rig):
    store, chat, outbox = rig
    chat.script = [OutcomeUnknown("accepted")]        # the platform took it; the answer was lost
    outbox.enqueue([post()], now=T0)
    outbox.deliver_due(T0)
    assert states(store) == ["unknown"] and len(chat.sent) == 1
    outbox.deliver_due(T0 + timedelta(seconds=5))     # asks the platform first: it is there
    assert states(store) == ["sent"] and len(chat.sent) == 1


def test_a_dropped_connection_before_the_platform_took_it_is_sent_after_the_look(rig):
    store, chat, outbox = rig
    chat.script = [OutcomeUnknown("reset")]
    outbox.enqueue([post()], now=T0)
    outbox.deliver_due(T0)
    outbox.deliver_due(T0 + timedelta(seconds=5))
    assert states(store) == ["sent"] and len(chat.sent) == 1


def test_rate_limits_are_waited_out_without_sleeping_and_only_for_that_channel(rig):
    store, chat, outbox = rig
    chat.script = [RateLimited("ratelimited", retry_after=10)]
    outbox.enqueue([post("a", "C1"), post("b", "C1"), post("c", "C2")], now=T0)
    outbox.deliver_due(T0)
    assert [(r, w) for r, w, _ in chat.sent] == [("post", "C2")]    # C1 cools down, C2 goes on
    outbox.deliver_due(T0 + timedelta(seconds=9))
    assert len(chat.sent) == 1
    outbox.deliver_due(T0 + timedelta(seconds=11))
    assert sorted(k for _, _, k in chat.sent) == ["a", "b", "c"]


def test_a_storm_of_errors_on_feedback_ends_in_exactly_one_delivery_when_the_platform_recovers(rig):
    store, chat, outbox = rig
    chat.script = [RateLimited("ratelimited", 1)] * 3 + [Unavailable("HTTP 503")] * 4
    outbox.enqueue([post("fb", route="tell", user="U1")], now=T0)
    now = T0
    for _ in range(20):
        outbox.deliver_due(now)
        now += timedelta(minutes=1)
    assert states(store) == ["sent"] and [k for _, _, k in chat.sent] == ["fb"]
    assert store.delivery("fb").attempts == 8


def test_private_feedback_that_cannot_go_privately_in_the_channel_goes_by_direct_message(rig):
    store, chat, outbox = rig
    chat.script = [Undeliverable("user_not_in_channel")]
    outbox.enqueue([post("fb", route="tell", user="U1")], now=T0)
    outbox.deliver_due(T0)
    assert [(r, k) for r, _, k in chat.sent] == [("dm", "fb")] and states(store) == ["sent"]


def test_a_lost_outcome_on_an_ephemeral_is_settled_by_a_direct_message_not_a_second_guess(rig):
    store, chat, outbox = rig
    chat.script = [OutcomeUnknown("accepted")]
    outbox.enqueue([post("fb", route="tell", user="U1")], now=T0)
    outbox.deliver_due(T0)
    assert [r for r, _, _ in chat.sent] == ["tell", "dm"]
    assert store.delivery("fb").state == "sent"


def test_a_post_to_a_channel_that_does_not_exist_fails_for_good_with_its_reason(rig):
    store, chat, outbox = rig
    chat.script = [Undeliverable("channel_not_found")]
    outbox.enqueue([post()], now=T0)
    outbox.deliver_due(T0)
    d = store.delivery("p1")
    assert (d.state, d.error) == ("failed", "channel_not_found")


def test_a_scheduled_post_past_its_deadline_is_not_sent_late(rig):
    store, chat, outbox = rig
    chat.script = [Unavailable("HTTP 503")]
    outbox.enqueue([post(extra={"deadline": (T0 + timedelta(minutes=30)).isoformat()})], now=T0)
    outbox.deliver_due(T0)
    outbox.deliver_due(T0 + timedelta(hours=1))
    assert chat.sent == [] and store.delivery("p1").state == "failed"
    assert "missed its time" in store.delivery("p1").error


def test_retries_stop_after_a_day_with_the_last_reason(rig):
    store, chat, outbox = rig
    chat.script = [Unavailable("HTTP 503")] * 1000
    outbox.enqueue([post()], now=T0)
    now = T0
    while store.delivery("p1").state != "failed" and now < T0 + timedelta(days=2):
        outbox.deliver_due(now)
        now += timedelta(minutes=5)
    d = store.delivery("p1")
    assert d.state == "failed" and "gave up" in d.error and "HTTP 503" in d.error


def test_a_send_cut_short_by_a_dead_process_is_reconciled_once_its_claim_is_stale(rig):
    store, chat, outbox = rig
    outbox.enqueue([post()], now=T0)
    d = store.claim_delivery(now=T0)                   # a worker took it ...
    chat.send(d, text("你好"), lambda parts: None)    # ... the platform accepted ... and the process died
    outbox.deliver_due(T0 + timedelta(seconds=30))
    assert states(store) == ["sending"]                # may still be in flight
    outbox.deliver_due(T0 + timedelta(seconds=61))
    assert states(store) == ["sent"] and len(chat.sent) == 1


def test_pacing_spaces_posts_in_one_channel_and_not_across_channels(rig):
    store, chat, outbox = rig
    chat.interval = 1.0
    outbox.enqueue([post("a", "C1"), post("b", "C1"), post("c", "C2")], now=T0)
    outbox.deliver_due(T0)
    assert sorted(k for _, _, k in chat.sent) == ["a", "c"]
    outbox.deliver_due(T0 + timedelta(seconds=1.5))
    assert sorted(k for _, _, k in chat.sent) == ["a", "b", "c"]


def test_a_chained_delivery_follows_success_and_another_follows_failure(rig):
    store, chat, outbox = rig
    done = post("done", route="respond", user="U1")
    failed = delivery("failed", "fake", "respond", text("分享失败（{error}）"), user="U1",
                      extra={"by_reason": {"not_in_channel": "我还不在这个频道里"}})
    chat.script = [None, Undeliverable("not_in_channel")]
    outbox.enqueue([post("ok", extra={"on_sent": chained(done)}),
                    post("no", "C2", extra={"on_fail": chained(failed)})], now=T0)
    outbox.deliver_due(T0)
    assert [k for _, _, k in chat.sent] == ["ok", "done", "failed"]
    assert [d.state for d in store.iter_outbox()] == ["sent", "failed", "sent", "sent"]


def test_the_waiting_thread_delivers_while_it_waits(rig):
    store, chat, outbox = rig
    outbox.enqueue([post()], now=T0)
    [d] = outbox.wait(["p1"], timeout=5)
    assert d.state == "sent"


def test_an_ephemeral_cut_short_by_a_dead_process_is_counted_delivered_not_shown_twice(rig, caplog):
    store, chat, outbox = rig
    outbox.enqueue([post("fb", route="tell", user="U1")], now=T0)
    d = store.claim_delivery(now=T0)
    chat.send(d, text("你好"), lambda parts: None)    # shown; then the process died
    outbox.deliver_due(T0 + timedelta(seconds=61))
    assert [r for r, _, _ in chat.sent] == ["tell"]
    assert store.delivery("fb").message_id == "unconfirmed" and "event=delivery_unconfirmed" in caplog.text

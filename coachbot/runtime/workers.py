"""The threads that work the inbox and the outbox in a running bot, and stopping them cleanly.

    workers = Workers(bot).start()
    ...
    workers.stop(timeout=10)     # finish what is in hand, leave the rest on disk for the next start

Inbox workers handle stored inbound events (grading, commands); outbox
workers deliver. They are separate, so a slow platform never holds up
grading, and a burst of answers never holds up deliveries. Nothing in
either ever sleeps inside a platform call: when idle they wait on an event
that a new inbox item or delivery sets, or for a short while.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from coachbot.runtime.app import Bot

log = logging.getLogger(__name__)
IDLE_WAIT = 0.5   # seconds an idle worker waits before looking again (a new item wakes it sooner)


class Workers:
    def __init__(self, bot: Bot, *, inbox_threads: int = 2, outbox_threads: int = 8) -> None:
        self.bot = bot
        self.inbox_threads, self.outbox_threads = inbox_threads, outbox_threads
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> Workers:
        for i in range(self.inbox_threads):
            self._spawn(f"inbox-{i}", self.bot.inbox.work_one)
        for i in range(self.outbox_threads):
            self._spawn(f"outbox-{i}", lambda: self.bot.outbox.deliver_one(self.bot.outbox.clock()))
        log.info("event=workers_started inbox=%d outbox=%d", self.inbox_threads, self.outbox_threads)
        return self

    def _spawn(self, name: str, step: Callable[[], bool]) -> None:
        thread = threading.Thread(target=self._loop, args=(step,), name=name, daemon=True)
        self.threads.append(thread)
        thread.start()

    def _loop(self, step: Callable[[], bool]) -> None:
        wake = self.bot.outbox.wake
        while not self.stopping.is_set():
            try:
                busy = step()
            except Exception:
                log.exception("event=worker_error thread=%s", threading.current_thread().name)
                busy = False
            if not busy:
                wake.wait(IDLE_WAIT)
                wake.clear()

    def stop(self, timeout: float = 10.0) -> bool:
        """Stop taking new work; wait up to ``timeout`` for the work in hand. True if every thread ended."""
        self.stopping.set()
        self.bot.outbox.wake.set()
        deadline = threading.Event()
        timer = threading.Timer(timeout, deadline.set)
        timer.start()
        try:
            for thread in self.threads:
                while thread.is_alive() and not deadline.is_set():
                    thread.join(0.05)
        finally:
            timer.cancel()
        alive = [t.name for t in self.threads if t.is_alive()]
        waiting = self.bot.store.inbox_waiting()
        log.info("event=workers_stopped unfinished_threads=%s inbox_waiting=%d", ",".join(alive) or "none", waiting)
        return not alive

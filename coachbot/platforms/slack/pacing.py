"""Posting no faster than Slack allows per channel."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Pacer:
    """At most one post per ``interval`` seconds per channel (Slack's chat.postMessage limit).

    Waiting happens outside the lock, so posts to different channels never wait for each other.
    """

    def __init__(self, interval: float = 1.0, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval, self.clock, self.sleep = interval, clock, sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, channel: str) -> None:
        with self._lock:
            now = self.clock()
            at = max(now, self._next.get(channel, now))
            self._next[channel] = at + self.interval
        if at > now:
            self.sleep(at - now)

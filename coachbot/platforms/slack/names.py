"""Display names from ``users.info``, cached, and never worth holding up grading for.

A name not yet known is looked up in a small pool of its own; the caller
waits at most ``wait`` seconds for it and otherwise goes on without it (the
member shows by id until a later message, or the reveal, finds the name in
the cache).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from slack_sdk import WebClient

from coachbot.logfmt import q
from coachbot.platforms.slack.client import api_error

log = logging.getLogger(__name__)


class UserNames:
    def __init__(self, client: WebClient, *, ttl: float = 3600, clock: Callable[[], float] = time.monotonic,
                 threads: int = 2) -> None:
        self.client, self.ttl, self.clock = client, ttl, clock
        self._cache: dict[str, tuple[str | None, float]] = {}
        self._pending: dict[str, Future[str | None]] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="slack-names")

    def get(self, user: str, *, wait: float = 0.3) -> str | None:
        """The name if known (or found within ``wait`` seconds); None otherwise, with a lookup under way."""
        now = self.clock()
        with self._lock:
            hit = self._cache.get(user)
            if hit and hit[1] > now:
                return hit[0]
            future = self._pending.get(user)
            if future is None:
                future = self._pool.submit(self._lookup, user, hit[0] if hit else None)
                self._pending[user] = future
        try:
            return future.result(timeout=wait)
        except Exception:
            return hit[0] if hit else None

    def _lookup(self, user: str, stale: str | None) -> str | None:
        now = self.clock()
        try:
            info = self.client.users_info(user=user)["user"]
        except Exception as exc:
            log.warning("event=slack_name_lookup_failed user=%s error=%s", q(user), q(api_error(exc)))
            name, expires = stale, now + 60
        else:
            profile = info.get("profile") or {}
            name = (profile.get("display_name") or profile.get("real_name") or info.get("real_name")
                    or info.get("name") or None)
            expires = now + self.ttl
        with self._lock:
            self._cache[user] = (name, expires)
            self._pending.pop(user, None)
        return name

"""Display names from ``users.info``, cached."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient

from coachbot.platforms.slack.client import api_error

log = logging.getLogger(__name__)


class UserNames:
    """Display names from users.info, cached; a failed lookup never blocks grading."""

    def __init__(self, client: WebClient, *, ttl: float = 3600, clock: Callable[[], float] = time.monotonic) -> None:
        self.client, self.ttl, self.clock = client, ttl, clock
        self._cache: dict[str, tuple[str | None, float]] = {}
        self._lock = threading.Lock()

    def get(self, user: str) -> str | None:
        now = self.clock()
        with self._lock:
            hit = self._cache.get(user)
        if hit and hit[1] > now:
            return hit[0]
        try:
            info = self.client.users_info(user=user)["user"]
        except Exception as exc:
            log.warning("event=slack_name_lookup_failed user=%s error=%s", user, api_error(exc))
            name, expires = (hit[0] if hit else None), now + 60
        else:
            profile = info.get("profile") or {}
            name = (profile.get("display_name") or profile.get("real_name") or info.get("real_name")
                    or info.get("name") or None)
            expires = now + self.ttl
        with self._lock:
            self._cache[user] = (name, expires)
        return name

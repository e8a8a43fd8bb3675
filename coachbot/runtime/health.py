"""``/readyz`` for a running bot, whatever platforms it serves."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from coachbot.platforms.http import Readiness
from coachbot.runtime.app import Bot, utcnow

OVERDUE = timedelta(minutes=5)        # deliveries older than this count as overdue …
MAX_OVERDUE = 100                     # … and more than this many of them means not ready
MAX_WAITING = 1000                    # inbound events waiting to be handled

Health = Callable[[], tuple[bool, dict[str, Any]]]


def readiness(bot: Bot, platforms: Mapping[str, Health], *, clock: Callable[[], datetime] = utcnow) -> Readiness:
    """``/readyz``: the database takes writes, every platform is reachable, the queues are not backing up."""

    def check() -> tuple[bool, dict[str, Any]]:
        detail: dict[str, Any] = {}
        ok = True
        try:
            bot.store.check_writable()
            detail["database"] = "writable"
        except Exception as exc:
            ok, detail["database"] = False, f"{type(exc).__name__}: {exc}"
        for name, health in platforms.items():
            fine, detail[name] = health()
            ok = ok and fine
        detail["outbox_overdue"] = bot.store.outbox_backlog(now=clock(), older_than=OVERDUE)
        detail["inbox_waiting"] = bot.store.inbox_waiting()
        if detail["outbox_overdue"] > MAX_OVERDUE or detail["inbox_waiting"] > MAX_WAITING:
            ok = False
        return ok, detail

    return check

"""Assemble the bot from settings: store, content library, coach. Shared by every entry point."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from coachbot.content.library import Library, load_library, shipped
from coachbot.domain.errors import ContentError, Problem
from coachbot.domain.teams import LOCAL_PLATFORMS, Settings
from coachbot.logfmt import LineFormatter
from coachbot.store import Store
from coachbot.usecases.coach import Coach
from coachbot.usecases.content_notice import log_content_problems, notify_leads
from coachbot.usecases.inbox import InboxWorker
from coachbot.usecases.outbox import Outbox
from coachbot.usecases.ports import Chat


@dataclass
class Bot:
    """One process's bot: the store, the content, and per platform a coach; an inbox and an outbox shared by all."""

    settings: Settings
    store: Store
    library: Library
    coaches: dict[str, Coach]
    outbox: Outbox
    inbox: InboxWorker
    content_problems: tuple[Problem, ...] = ()   # in a team's content folders: reported, stood in for

    @property
    def coach(self) -> Coach:
        """The first platform's coach (most processes serve one platform)."""
        return next(iter(self.coaches.values()))

    def settle(self, now: datetime | None = None) -> None:
        """Handle every waiting inbound event and deliver everything due, here and now (console, tests)."""
        while self.inbox.work_one(now) or self.outbox.deliver_one(now or self.outbox.clock()):
            pass

    def close(self) -> None:
        self.store.close()


def load_content(settings: Settings, store: Store | None = None) -> tuple[Library, list[Problem]]:
    """Built-in content and the configured folders.

    A problem in coachbot's own content stops the start (a broken release). A
    team's broken file does not: it is reported and stood in for by the version
    that last loaded without problems (kept in the store), else the built-in item
    of that id, else left out — and every other item keeps serving.
    """
    library, problems = load_library(settings.content_dirs, last_good=store.content_snapshot if store else None)
    ours = [p for p in problems if shipped(Path(p.path))]
    if ours:
        raise ContentError(ours)
    if store is not None and not store.read_only:
        store.keep_content(library.good_files, at=utcnow())
    return library, problems


def utcnow() -> datetime:
    return datetime.now(UTC)


def build(settings: Settings, *chats: Chat, library: Library | None = None, inline: bool | None = None,
          clock: Callable[[], datetime] = utcnow) -> Bot:
    """The bot over ``chats``. ``inline`` (the default for the console and the fake platform) delivers each
    message as it is queued, in the caller; otherwise worker threads do (:mod:`coachbot.runtime.workers`)."""
    store = Store(settings.database)
    problems: list[Problem] = []
    if library is None:
        library, problems = load_content(settings, store)
    store.release_inbox()
    if inline is None:
        inline = all(chat.platform in LOCAL_PLATFORMS for chat in chats)
    outbox = Outbox(store, {chat.platform: chat for chat in chats}, clock=clock, inline=inline)
    coaches = {chat.platform: Coach(store=store, library=library, settings=settings, chat=chat, outbox=outbox)
               for chat in chats}
    if problems:
        log_content_problems(problems, library.standins)
        notify_leads(outbox, settings, coaches, problems, library.standins, now=clock())
    return Bot(settings, store, library, coaches, outbox, InboxWorker(store, coaches, outbox, clock=clock),
               tuple(problems))


def warm_lookups(bot: Bot) -> None:
    """Build the /script index before the first lookup, which Slack answers inside its 3 s acknowledgement."""
    started = time.perf_counter()
    index = bot.coach.script_index
    logging.getLogger(__name__).info("event=script_index_built scripts=%d ms=%.0f", len(index.scripts), (time.perf_counter() - started) * 1000)


def setup_logging(level: str = "INFO") -> None:
    """One line per record on stderr (control characters escaped), at ``COACHBOT_LOG_LEVEL``."""
    handler = logging.StreamHandler()
    handler.setFormatter(LineFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.basicConfig(level=getattr(logging, level.upper(), logging.INFO), handlers=[handler])

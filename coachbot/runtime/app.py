"""Assemble the bot from settings: store, content library, coach. Shared by every entry point."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from coachbot.content.library import Library, load_library
from coachbot.domain.errors import ContentError
from coachbot.domain.teams import Settings
from coachbot.logfmt import LineFormatter
from coachbot.store import Store
from coachbot.usecases.coach import Coach
from coachbot.usecases.ports import Chat


@dataclass
class Bot:
    settings: Settings
    store: Store
    library: Library
    coach: Coach

    def close(self) -> None:
        self.store.close()


def load_content(settings: Settings) -> Library:
    library, problems = load_library(settings.content_dirs)
    if problems:
        raise ContentError(problems)
    return library


def build(settings: Settings, chat: Chat, *, library: Library | None = None) -> Bot:
    library = library or load_content(settings)
    store = Store(settings.database)
    return Bot(settings, store, library, Coach(store=store, library=library, settings=settings, chat=chat))


def setup_logging(level: str = "INFO") -> None:
    """One line per record on stderr (control characters escaped), at ``COACHBOT_LOG_LEVEL``."""
    handler = logging.StreamHandler()
    handler.setFormatter(LineFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.basicConfig(level=getattr(logging, level.upper(), logging.INFO), handlers=[handler])

"""What every part of the Store kept in its own module (queues, reviews, practice…) relies on the Store for."""

from __future__ import annotations

from contextlib import AbstractContextManager

from sqlite_utils import Database


class StorePart:
    """A mixin of :class:`coachbot.store.sqlite.Store`; the Store supplies these."""

    def _write(self) -> AbstractContextManager[Database]:
        raise NotImplementedError

    def _db(self) -> Database:
        raise NotImplementedError

    @staticmethod
    def _rescore(db: Database, post_id: int, member_id: int) -> None:
        raise NotImplementedError

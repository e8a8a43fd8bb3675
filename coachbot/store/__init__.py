"""Persistence: the SQLite file, its migrations and the queries that read it."""

from coachbot.store.sqlite import Store

__all__ = ["Store"]

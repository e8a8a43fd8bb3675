"""Content patterns, matched under a hard time budget per reply.

Patterns that come from content (rubric phrases written as ``re:…``, red flags
and their ``unless``) run on the ``regex`` package rather than ``re``: its
matcher takes a timeout and, with ``concurrent=True``, lets other threads run
while it works. With ``re`` one slow pattern in a team's own content would hold
the interpreter until it finished — the reply never graded, and every lookup
and reply in the meantime unanswered. ``validate`` refuses the usual culprits
(see :mod:`coachbot.validation.regexes`); this budget catches the rest.

Patterns compile in regex's ``VERSION0`` mode, its ``re``-compatible one.

    >>> with budget(0.05):
    ...     compile("(a|aa)+$", "rule x").search("a" * 60 + "b")
    Traceback (most recent call last):
    ...
    coachbot.grading.rx.OutOfTime: rule x took longer than the grading budget
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

import regex

BUDGET_SECONDS = 1.0   # a reply takes about 3 ms to grade; a second means a rule is pathological

_deadline: ContextVar[float | None] = ContextVar("grading_deadline", default=None)


class OutOfTime(Exception):
    """Grading one reply ran past its budget; ``source`` names the rule that was running."""

    def __init__(self, source: str) -> None:
        super().__init__(f"{source} took longer than the grading budget")
        self.source = source


@contextmanager
def budget(seconds: float = BUDGET_SECONDS) -> Iterator[None]:
    """Every content pattern matched inside shares this many seconds."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


class Pattern:
    """A compiled content pattern: ``search`` and ``finditer`` as in ``re``, within the current budget."""

    __slots__ = ("compiled", "source")

    def __init__(self, compiled: regex.Pattern[str], source: str) -> None:
        self.compiled = compiled
        self.source = source

    def _left(self) -> float | None:
        deadline = _deadline.get()
        if deadline is None:
            return None
        left = deadline - time.monotonic()
        if left <= 0:
            raise OutOfTime(self.source)
        return left

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> regex.Match[str] | None:
        try:
            return self.compiled.search(string, pos, endpos, concurrent=True, timeout=self._left())
        except TimeoutError:
            raise OutOfTime(self.source) from None

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[regex.Match[str]]:
        try:
            yield from self.compiled.finditer(string, pos, endpos, concurrent=True, timeout=self._left())
        except TimeoutError:
            raise OutOfTime(self.source) from None

    @property
    def pattern(self) -> str:
        return str(self.compiled.pattern)


class Matcher(Protocol):
    """What grading asks of a pattern: ``re.Pattern`` and :class:`Pattern` both answer it."""

    @property
    def pattern(self) -> str: ...
    def search(self, string: str, pos: int = ..., endpos: int = ...) -> Any: ...
    def finditer(self, string: str, pos: int = ..., endpos: int = ...) -> Iterator[Any]: ...


def compile(text: str, source: str, *, shipped: bool = False) -> Matcher:
    """A content pattern; ``source`` names the rule for the log when it runs out of time ("red flag x").

    ``shipped`` patterns — coachbot's own content, tested with every release
    (``validate``, the grader's examples and its benchmark) — run on ``re``,
    which matches them about three times faster than a budgeted ``regex``;
    a team's own patterns run under the budget.
    """
    if shipped:
        return re.compile(text)
    return Pattern(regex.compile(text, flags=regex.VERSION0), source)

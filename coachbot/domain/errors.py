"""One error hierarchy. Every expected failure is a :class:`CoachbotError`.

Its ``message`` is safe to show a person (a member in chat, a lead at the
command line) and its ``exit_code`` is what the CLI exits with. Anything that
is not a ``CoachbotError`` is a bug: chat answers it with an apology and a
reference id, the CLI with a traceback. The mapping lives in one place each:
:meth:`coachbot.usecases.coach.Coach.handle` for chat and
:class:`coachbot.cli.main.Coachbot` for the CLI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class CoachbotError(Exception):
    """An expected failure; ``message`` may be shown as it is."""

    exit_code = 1

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class CoachError(CoachbotError):
    """A use case refused (unknown id, not allowed, nothing posted today); said to the member."""


class StoreError(CoachError):
    """The store refused (unknown value, newer file, not a database)."""


class SetupError(CoachbotError):
    """A platform cannot start as configured; the message names the variable to set."""


class UsageError(CoachbotError):
    """A command line names something that does not exist (exit 2, as click's usage errors)."""

    exit_code = 2


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a YAML file, reported as ``path:line: field: message``."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class ProblemsError(CoachbotError):
    """A file (or several) did not validate; ``problems`` lists each one."""

    heading = "problems"
    shown = 20

    def __init__(self, problems: Sequence[Problem], *, hint: str | None = None) -> None:
        self.problems = list(problems)
        lines = "\n".join(str(p) for p in self.problems[: self.shown])
        more = len(self.problems) - self.shown
        text = f"{self.title()}:\n{lines}" + (f"\n... and {more} more" if more > 0 else "")
        super().__init__(text + (f"\n{hint}" if hint else ""))

    def title(self) -> str:
        return self.heading


class ConfigError(ProblemsError):
    """``coachbot.yaml`` does not validate."""

    shown = 10_000

    def title(self) -> str:
        return "configuration has problems"


class ContentError(ProblemsError):
    """Content files do not validate."""

    def title(self) -> str:
        return f"content has {len(self.problems)} problem(s)"

"""The bot's own wording in a team's language: ``zh`` (the default) or ``en``.

Only the bot's framing switches (titles, headings, labels, help, errors). Content
is data written in Chinese (tip bodies, scripts, challenge situations, rubric
labels and hints, red-flag labels and rules) and is shown as written.

    pick(team.language, "今日一课", "Today's lesson")
"""

from __future__ import annotations

from coachbot.domain.teams import LANGUAGES

DEFAULT = LANGUAGES[0]


def pick(lang: str | None, zh: str, en: str) -> str:
    """``en`` for an English team, ``zh`` otherwise (unknown or missing means Chinese)."""
    return en if lang == "en" else zh


def lang_of(team) -> str:
    """A team's language; ``zh`` when no team is known."""
    return getattr(team, "language", DEFAULT) if team is not None else DEFAULT

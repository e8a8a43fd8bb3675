"""The bot's own wording, one module per language: :mod:`.zh` (default) and :mod:`.en`.

    s = strings(team.language)
    s.lesson_title.format(title=tip.title)
"""

from __future__ import annotations

from coachbot.present.strings.en import En
from coachbot.present.strings.zh import Zh

Strings = type[Zh]
_BY_LANG: dict[str, Strings] = {"zh": Zh, "en": En}


def strings(lang: str | None) -> Strings:
    """The wording for ``lang``; Chinese for anything unknown or missing."""
    return _BY_LANG.get(lang or "zh", Zh)
__all__ = ["En", "Strings", "Zh", "strings"]

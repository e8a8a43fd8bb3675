"""Text to and from Slack: escaping what members wrote, measuring and splitting it to Block Kit's limits.

Text is escaped once, here, on the way out: whatever a member typed can never
become ``<!channel>``, ``<!here>`` or a mention.

>>> escape("<@U1> & @here")
'&lt;@U1&gt; &amp; @\u2060here'
"""

from __future__ import annotations

import re

from coachbot.platforms.slack.limits import SECTION_LIMIT
from coachbot.present.sizing import cut, pack

_BROADCAST = re.compile(r"([@＠])(channel|here|everyone)", re.IGNORECASE)
_WORD_JOINER = "\u2060"


def escape(value: str) -> str:
    """Make text inert in mrkdwn: ``& < >`` escaped, bare ``@here``-style words broken.

    >>> escape("<@U1> & @here")
    '&lt;@U1&gt; &amp; @\u2060here'
    """
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: m.group(1) + _WORD_JOINER + m.group(2), value)


def units(value: str) -> int:
    """Length as Slack counts it (UTF-16 code units), to stay under limits with emoji too."""
    return len(value.encode("utf-16-le")) // 2


def _char_cost(ch: str) -> int:
    # An "@" may gain a word joiner when escaped; count it as two to stay an upper bound.
    return 2 if ch in "@＠" else units(escape(ch))


def _cut(line: str, budget: int) -> list[str]:
    """Split one raw line into pieces whose escaped length fits ``budget``."""
    return cut(line, budget, _char_cost)


def split_text(raw: str, *, limit: int = SECTION_LIMIT, prefix: str = "", first: str = "") -> list[str]:
    """Escape ``raw`` and pack it into chunks of at most ``limit`` units, breaking at lines.

    ``prefix`` starts every line (``>`` for a quotation); ``first`` starts the
    first chunk (a bold heading). A line longer than a chunk is cut.
    """
    budget = limit - units(prefix)
    lines: list[str] = []
    for line in raw.split("\n"):
        pieces = [line] if units(escape(line)) <= budget else _cut(line, budget)
        lines.extend(prefix + escape(p) for p in pieces)
    return pack(lines, limit, units, first=first)


def truncate(value: str, limit: int) -> str:
    return value if units(value) <= limit else value[: max(limit - 2, 1)] + "…"


_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_SPECIAL = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}


def _markup(m: re.Match) -> str:
    target, label = m.group(1), m.group(2)
    if target.startswith(("@", "#")):
        return target[0] + (label or target[1:])
    if target.startswith("!"):
        word = target[1:].split("^")[0]
        return label or _SPECIAL.get(word, "")
    return label or target


def slack_text_to_plain(value: str) -> str:
    """Slack's wire text to what the member typed: links and mentions unwrapped, entities decoded.

    >>> slack_text_to_plain("&lt;好&gt; <@U1> <https://x.cn|链接> <!here>")
    '<好> @U1 链接 @here'
    """
    value = _MARKUP.sub(_markup, value)
    return value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")

"""Neutral messages as Block Kit: sections, buttons, footers, one or more messages' worth, surfaces.

>>> render_blocks(text("你好 <!channel>"))[0]["text"]["text"]
'你好 &lt;!channel&gt;'
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import replace

from coachbot.platforms.slack.escape import escape, split_text, truncate, units
from coachbot.platforms.slack.limits import (
    ACTIONS_PER_BLOCK,
    BUTTON_TEXT_LIMIT,
    BUTTON_VALUE_LIMIT,
    CONTEXT_ELEMENTS,
    FALLBACK_LIMIT,
    HEADER_LIMIT,
    MESSAGE_BLOCKS,
    SURFACE_BLOCKS,
)
from coachbot.present.messages import Button, Message, Section, render_plain
from coachbot.present.strings import strings

ACTION_ID = re.compile(r"^(?P<action>[a-z_-]+)(?::\d+)?$")


def _mrkdwn(value: str) -> dict:
    return {"type": "mrkdwn", "text": value, "verbatim": True}


def plain(value: str, limit: int) -> dict:
    return {"type": "plain_text", "text": truncate(value.strip() or "-", limit), "emoji": True}


def action_id(action: str, index: int, unique: bool) -> str:
    return action if unique else f"{action}:{index}"


def action_name(action_id_value: str) -> str:
    """``"script:2"`` -> ``"script"``: the neutral :class:`Button` action behind a Slack action_id."""
    m = ACTION_ID.match(action_id_value)
    return m.group("action") if m else action_id_value


def _section_blocks(s: Section) -> list[dict]:
    first = f"*{escape(s.heading)}*" if s.heading else ""
    chunks = split_text(s.text.strip("\n"), prefix=">" if s.quote else "", first=first)
    return [{"type": "section", "text": _mrkdwn(chunk)} for chunk in chunks if chunk]


def _button_blocks(buttons: tuple[Button, ...]) -> list[dict]:
    counts: dict[str, int] = {}
    for b in buttons:
        counts[b.action] = counts.get(b.action, 0) + 1
    elements = [{
        "type": "button", "text": plain(b.label, BUTTON_TEXT_LIMIT),
        "action_id": action_id(b.action, i, counts[b.action] == 1),
        "value": b.value[:BUTTON_VALUE_LIMIT],
        **({"style": "primary"} if b.action == "answer" else {}),
    } for i, b in enumerate(buttons)]
    return [{"type": "actions", "elements": elements[i:i + ACTIONS_PER_BLOCK]}
            for i in range(0, len(elements), ACTIONS_PER_BLOCK)]


def _context_blocks(raw: str) -> list[dict]:
    chunks = split_text(raw)
    return [{"type": "context", "elements": [_mrkdwn(c) for c in chunks[i:i + CONTEXT_ELEMENTS]]}
            for i in range(0, len(chunks), CONTEXT_ELEMENTS)]


def post_marker(kind: str, content_id: str | None) -> str:
    """The first block's block_id: what the message is (kind and content)."""
    return f"coachbot:{kind}:{content_id or ''}"[:200]


def delivery_marker(key: str, part: int) -> str:
    """The block_id that makes one part of one outbox delivery recognisable in the channel's history."""
    return f"d:{hashlib.sha1(key.encode()).hexdigest()[:16]}:{part}"


def render_blocks(msg: Message) -> list[dict]:
    """All the blocks for ``msg``, each within Block Kit's limits (not yet split into messages)."""
    blocks: list[dict] = []
    if msg.title and units(msg.title) <= HEADER_LIMIT:
        blocks.append({"type": "header", "text": plain(msg.title, HEADER_LIMIT)})
    elif msg.title:
        blocks.extend(_section_blocks(Section(msg.title, heading=None)))
    for s in msg.sections:
        blocks.extend(_section_blocks(s))
    blocks.extend(_button_blocks(msg.buttons))
    if msg.footer:
        blocks.extend(_context_blocks(msg.footer))
    if not blocks:
        blocks.append({"type": "section", "text": _mrkdwn(" ")})
    blocks[0] = {**blocks[0], "block_id": post_marker(msg.kind, msg.meta.get("content_id"))}
    return blocks


def split_blocks(blocks: list[dict], limit: int = MESSAGE_BLOCKS) -> list[list[dict]]:
    return [blocks[i:i + limit] for i in range(0, len(blocks), limit)] or [[]]


def render_messages(msg: Message, *, key: str | None = None) -> list[list[dict]]:
    """``msg`` as one or more messages' worth of blocks; usually exactly one.

    With an outbox ``key``, each part's first block carries :func:`delivery_marker`
    after the content marker, so a lost send can be looked up before it is sent again.
    """
    parts = split_blocks(render_blocks(msg))
    if key is not None:
        for i, part in enumerate(parts):
            first = part[0].get("block_id") or post_marker(msg.kind, None)
            part[0] = {**part[0], "block_id": f"{first}|{delivery_marker(key, i)}"[:255]}
    return parts


def fallback_text(msg: Message) -> str:
    """The top-level ``text`` Slack shows in notifications and where blocks cannot render."""
    plain = render_plain(Message(title=msg.title, sections=msg.sections, kind=msg.kind))
    return escape(truncate(plain, FALLBACK_LIMIT - 200))


def render_surface(messages: Iterable[Message], *, limit: int = SURFACE_BLOCKS) -> list[dict]:
    """Several messages stacked with dividers, for the Home tab or a modal (100 blocks)."""
    blocks: list[dict] = []
    for msg in messages:
        if blocks:
            blocks.append({"type": "divider"})
        blocks.extend({k: v for k, v in b.items() if k != "block_id"} for b in render_blocks(msg))
    if len(blocks) > limit:
        blocks = blocks[: limit - 1] + [{"type": "context", "elements": [_mrkdwn(strings(None).too_long_surface)]}]
    return blocks


def with_share(msg: Message, command: str, *, lang: str = "zh") -> Message:
    """Add "分享到频道" to a private lookup that has no buttons of its own (e.g. a leaderboard)."""
    if msg.buttons or msg.kind not in ("leaderboard",):
        return msg
    return replace(msg, buttons=(Button(strings(lang).share, "share", command),))

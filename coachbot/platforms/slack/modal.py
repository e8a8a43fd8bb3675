"""The "回答 / Answer" modal and reading its submission."""

from __future__ import annotations

import json

from coachbot.content.models import Challenge
from coachbot.platforms.slack.blocks import plain, render_surface
from coachbot.platforms.slack.limits import (
    ANSWER_LIMIT,
    MODAL_TITLE_LIMIT,
    SURFACE_BLOCKS,
)
from coachbot.present.messages import Message, Section, text
from coachbot.present.strings import strings


def answer_modal(challenge: Challenge | None, *, channel: str, thread: str, lang: str = "zh") -> dict:
    """The "回答 / Answer" modal; the channel and challenge message ride in private_metadata."""
    meta = json.dumps({"channel": channel, "thread": thread})
    s = strings(lang)
    if challenge is None:
        return {"type": "modal", "callback_id": "answer_gone",
                "title": plain(s.modal_today, MODAL_TITLE_LIMIT),
                "close": plain(s.modal_close, MODAL_TITLE_LIMIT),
                "blocks": render_surface([text(s.challenge_withdrawn)])}
    card = Message(sections=(Section(challenge.situation.strip(), heading=s.situation),
                             Section(challenge.customer_says.strip(), heading=s.customer_says,
                                     quote=True)))
    blocks = render_surface([card], limit=SURFACE_BLOCKS - 1)
    blocks.append({
        "type": "input", "block_id": "answer",
        "label": plain(s.modal_label, 2000),
        "hint": plain(s.modal_hint, 2000),
        "element": {"type": "plain_text_input", "action_id": "text", "multiline": True,
                    "min_length": 2, "max_length": ANSWER_LIMIT},
    })
    return {"type": "modal", "callback_id": "answer", "private_metadata": meta,
            "title": plain(s.modal_title.format(title=challenge.title), MODAL_TITLE_LIMIT),
            "submit": plain(s.modal_submit, MODAL_TITLE_LIMIT),
            "close": plain(s.modal_cancel, MODAL_TITLE_LIMIT),
            "blocks": blocks}


def modal_answer(view: dict) -> tuple[str, str, str]:
    """(channel, thread, answer text) from a submitted :func:`answer_modal`."""
    meta = json.loads(view.get("private_metadata") or "{}")
    value = view["state"]["values"].get("answer", {}).get("text", {}).get("value") or ""
    return meta.get("channel", ""), meta.get("thread", ""), value

"""Messages as WeCom sees them: markdown within each surface's byte limit, and template cards for buttons.

Everything a member wrote (and everything else, since content carries no markup) is escaped once, here:
it can never become a mention (``<@userid>``, ``@all``), a link, or a colour tag. Parts are cut at line
boundaries, and a line longer than a part at character boundaries — never inside a UTF-8 sequence.

>>> escape("<@u1> 看 [这里](http://x) @all")
'＜@u1＞ 看 ［这里］(http://x) @\u2060all'
"""

from __future__ import annotations

import re
from typing import Any

from coachbot.present.messages import Button, Message
from coachbot.present.sizing import cut, pack
from coachbot.present.strings import strings

APP_MARKDOWN = 2048          # message/send markdown and text, bytes
ROBOT_MARKDOWN = 4096        # group robot webhook markdown, bytes
BOT_MARKDOWN = 4096          # aibot_send_msg markdown: no documented figure, so the robot's
CARD_TITLE, CARD_DESC, CARD_TEXT, CARD_BUTTON, CARD_BUTTONS = 26, 30, 112, 10, 6   # template card field limits

_BROADCAST = re.compile(r"([@＠])(all|所有人|everyone)", re.IGNORECASE)
_TASK_ID = re.compile(r"[^0-9A-Za-z_@-]")


def escape(value: str) -> str:
    """Inert in WeCom markdown: no tags (``<@…>``, ``<font>``), no links, no ``@all``."""
    value = value.replace("<", "＜").replace(">", "＞").replace("[", "［").replace("]", "］")
    return _BROADCAST.sub(lambda m: m.group(1) + "\u2060" + m.group(2), value)


def utf8(value: str) -> int:
    return len(value.encode("utf-8"))


def split(text: str, limit: int) -> list[str]:
    """``text`` packed into parts of at most ``limit`` bytes, breaking at lines where it can."""
    return pack((piece for line in text.split("\n") for piece in cut(line, limit, utf8)), limit, utf8)


def _hint(buttons: tuple[Button, ...], lang: str) -> str | None:
    """What a button would have done, said in words (markdown has no buttons)."""
    s = strings(lang)
    if any(b.action == "answer" for b in buttons):
        return s.wecom_answer_hint
    scripts = [b for b in buttons if b.action == "script"]
    if scripts:
        return "\n".join(f"/script {b.value}  {escape(b.label)}" for b in scripts)
    return None


def markdown(msg: Message, *, lang: str = "zh") -> str:
    """The whole message as WeCom markdown (before splitting)."""
    lines: list[str] = []
    if msg.title:
        lines.append(f"**【{escape(msg.title)}】**")
    for section in msg.sections:
        if lines:
            lines.append("")
        if section.heading:
            lines.append(f"**{escape(section.heading)}**")
        body = escape(section.text)
        lines.extend(f"> {line}" if section.quote else line for line in body.split("\n"))
    if msg.buttons and (hint := _hint(msg.buttons, lang)):
        lines += ["", hint]
    if msg.footer:
        lines += ["", f'<font color="comment">{escape(msg.footer)}</font>']
    return "\n".join(lines)


def markdown_parts(msg: Message, limit: int, *, lang: str = "zh") -> list[dict[str, Any]]:
    return [{"msgtype": "markdown", "markdown": {"content": part}} for part in split(markdown(msg, lang=lang), limit)]


def _short(value: str, limit: int) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def task_id(key: str) -> str:
    """A template card's task id from a delivery key: letters, digits, ``_-@``, at most 128 bytes."""
    return _TASK_ID.sub("_", key)[-128:]


def card(msg: Message, key: str, *, lang: str = "zh") -> dict[str, Any] | None:
    """A button-interaction template card for a message's buttons (answer, script), or None."""
    # a command button (appeal, review) gets a card where it is what the message is for (the appeal menu, an item
    # to review); feedback says how to appeal in words, rather than doubling every feedback with a card
    actions = ("answer", "script") if msg.kind == "feedback" else ("answer", "script", "command")
    buttons = [b for b in msg.buttons if b.action in actions][:CARD_BUTTONS]
    if not buttons:
        return None
    s = strings(lang)
    summary = next((sec.text for sec in msg.sections if sec.quote), msg.sections[0].text if msg.sections else "")
    return {
        "msgtype": "template_card",
        "template_card": {
            "card_type": "button_interaction",
            "main_title": {"title": _short(msg.title or s.wecom_card_title, CARD_TITLE),
                           "desc": _short(s.wecom_card_desc.get(msg.kind, ""), CARD_DESC)},
            "sub_title_text": _short(summary, CARD_TEXT),
            "button_list": [{"text": _short(s.wecom_answer_button if b.action == "answer" else b.label, CARD_BUTTON),
                             "style": 1, "key": f"{b.action}:{b.value}"} for b in buttons],
            "task_id": task_id(key),
        },
    }

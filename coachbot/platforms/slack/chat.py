"""Slack adapter: neutral messages to Block Kit, Slack payloads to :class:`Incoming`, and
:class:`SlackChat`, the :class:`coachbot.usecases.ports.Chat` the coach posts through.

Everything above ``SlackChat`` is pure (payload in, value out), so most of the
adapter is tested without a server:

>>> render_blocks(text("你好 <!channel>"))[0]["text"]["text"]
'你好 &lt;!channel&gt;'

Text is escaped once, here, on the way out: whatever a member typed can never
become ``<!channel>``, ``<!here>`` or a mention. Long content is split to Block
Kit's limits (3,000 characters a section, 50 blocks a message) instead of being
rejected by Slack.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from datetime import time as dtime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.interval_calculator import RetryIntervalCalculator

from coachbot.usecases.ports import Incoming
from coachbot.content.models import Challenge
from coachbot.present.i18n import pick
from coachbot.present.messages import Button, Message, Section, render_plain, text

log = logging.getLogger("coachbot.slack")

PLATFORM = "slack"
SECTION_LIMIT = 3000        # section / context text
MESSAGE_BLOCKS = 50         # chat.postMessage, chat.postEphemeral, responses
SURFACE_BLOCKS = 100        # modals and the Home tab
HEADER_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
ACTIONS_PER_BLOCK = 25
CONTEXT_ELEMENTS = 10
FALLBACK_LIMIT = 3000       # the notification text; Slack truncates at 40,000
MODAL_TITLE_LIMIT = 24
ANSWER_LIMIT = 2000
AUTH_ERRORS = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired",
                         "account_inactive", "missing_scope", "no_permission"})
ACTION_ID = re.compile(r"^(?P<action>[a-z_-]+)(?::\d+)?$")
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


# ---------------------------------------------------------------- escaping


_BROADCAST = re.compile(r"([@＠])(channel|here|everyone)", re.IGNORECASE)
_WORD_JOINER = "\u2060"


def escape(value: str) -> str:
    """Make text inert in mrkdwn: ``& < >`` escaped, bare ``@here``-style words broken.

    >>> escape("<@U1> & @here")
    '&lt;@U1&gt; &amp; @\u2060here'
    """
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: m.group(1) + _WORD_JOINER + m.group(2), value)


def _units(value: str) -> int:
    """Length as Slack counts it (UTF-16 code units), to stay under limits with emoji too."""
    return len(value.encode("utf-16-le")) // 2


def _char_cost(ch: str) -> int:
    # An "@" may gain a word joiner when escaped; count it as two to stay an upper bound.
    return 2 if ch in "@＠" else _units(escape(ch))


def _cut(line: str, budget: int) -> list[str]:
    """Split one raw line into pieces whose escaped length fits ``budget``."""
    pieces, current, used = [], [], 0
    for ch in line:
        cost = _char_cost(ch)
        if used + cost > budget and current:
            pieces.append("".join(current))
            current, used = [], 0
        current.append(ch)
        used += cost
    pieces.append("".join(current))
    return pieces


def split_text(raw: str, *, limit: int = SECTION_LIMIT, prefix: str = "", first: str = "") -> list[str]:
    """Escape ``raw`` and pack it into chunks of at most ``limit`` units, breaking at lines.

    ``prefix`` starts every line (``>`` for a quotation); ``first`` starts the
    first chunk (a bold heading). A line longer than a chunk is cut.
    """
    budget = limit - _units(prefix)
    lines: list[str] = []
    for line in raw.split("\n"):
        pieces = [line] if _units(escape(line)) <= budget else _cut(line, budget)
        lines.extend(prefix + escape(p) for p in pieces)
    chunks: list[str] = []
    current = first
    for line in lines:
        joined = f"{current}\n{line}" if current else line
        if _units(joined) <= limit:
            current = joined
            continue
        if current:
            chunks.append(current)
        current = line
    if current or not chunks:
        chunks.append(current)
    return chunks


def _truncate(value: str, limit: int) -> str:
    return value if _units(value) <= limit else value[: max(limit - 2, 1)] + "…"


# ---------------------------------------------------------------- Block Kit


def _mrkdwn(value: str) -> dict:
    return {"type": "mrkdwn", "text": value, "verbatim": True}


def _plain(value: str, limit: int) -> dict:
    return {"type": "plain_text", "text": _truncate(value.strip() or "-", limit), "emoji": True}


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
        "type": "button", "text": _plain(b.label, BUTTON_TEXT_LIMIT),
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
    """The first block's block_id: lets :meth:`SlackChat.find_post` recognise its own posts."""
    return f"coachbot:{kind}:{content_id or ''}"[:255]


def render_blocks(msg: Message) -> list[dict]:
    """All the blocks for ``msg``, each within Block Kit's limits (not yet split into messages)."""
    blocks: list[dict] = []
    if msg.title and _units(msg.title) <= HEADER_LIMIT:
        blocks.append({"type": "header", "text": _plain(msg.title, HEADER_LIMIT)})
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


def render_messages(msg: Message) -> list[list[dict]]:
    """``msg`` as one or more messages' worth of blocks; usually exactly one."""
    return split_blocks(render_blocks(msg))


def fallback_text(msg: Message) -> str:
    """The top-level ``text`` Slack shows in notifications and where blocks cannot render."""
    plain = render_plain(Message(title=msg.title, sections=msg.sections, kind=msg.kind))
    return escape(_truncate(plain, FALLBACK_LIMIT - 200))


def render_surface(messages: Iterable[Message], *, limit: int = SURFACE_BLOCKS) -> list[dict]:
    """Several messages stacked with dividers, for the Home tab or a modal (100 blocks)."""
    blocks: list[dict] = []
    for msg in messages:
        if blocks:
            blocks.append({"type": "divider"})
        blocks.extend({k: v for k, v in b.items() if k != "block_id"} for b in render_blocks(msg))
    if len(blocks) > limit:
        blocks = blocks[: limit - 1] + [{"type": "context", "elements": [_mrkdwn("（内容太长，只显示前面部分）")]}]
    return blocks


def answer_modal(challenge: Challenge | None, *, channel: str, thread: str, lang: str = "zh") -> dict:
    """The "回答 / Answer" modal; the channel and challenge message ride in private_metadata."""
    meta = json.dumps({"channel": channel, "thread": thread})
    if challenge is None:
        return {"type": "modal", "callback_id": "answer_gone",
                "title": _plain(pick(lang, "今日挑战", "Today's challenge"), MODAL_TITLE_LIMIT),
                "close": _plain(pick(lang, "关闭", "Close"), MODAL_TITLE_LIMIT),
                "blocks": render_surface([text(pick(lang, "这道挑战已经下线了，请等下一题。",
                                                    "This challenge has been withdrawn. Please wait for the next one."))])}
    card = Message(sections=(Section(challenge.situation.strip(), heading=pick(lang, "情境", "Situation")),
                             Section(challenge.customer_says.strip(), heading=pick(lang, "客户说", "The customer says"),
                                     quote=True)))
    blocks = render_surface([card], limit=SURFACE_BLOCKS - 1)
    blocks.append({
        "type": "input", "block_id": "answer",
        "label": _plain(pick(lang, "你会怎么说？", "What would you say?"), 2000),
        "hint": _plain(pick(lang, "只有你能看到评分反馈。请不要写客户的真实姓名、电话或证件号。",
                            "Only you see the feedback. Don't write the customer's real name, phone or ID number."), 2000),
        "element": {"type": "plain_text_input", "action_id": "text", "multiline": True,
                    "min_length": 2, "max_length": ANSWER_LIMIT},
    })
    return {"type": "modal", "callback_id": "answer", "private_metadata": meta,
            "title": _plain(pick(lang, f"回答｜{challenge.title}", f"Answer | {challenge.title}"), MODAL_TITLE_LIMIT),
            "submit": _plain(pick(lang, "提交", "Submit"), MODAL_TITLE_LIMIT),
            "close": _plain(pick(lang, "取消", "Cancel"), MODAL_TITLE_LIMIT),
            "blocks": blocks}


def modal_answer(view: dict) -> tuple[str, str, str]:
    """(channel, thread, answer text) from a submitted :func:`answer_modal`."""
    meta = json.loads(view.get("private_metadata") or "{}")
    value = view["state"]["values"].get("answer", {}).get("text", {}).get("value") or ""
    return meta.get("channel", ""), meta.get("thread", ""), value


# ---------------------------------------------------------------- incoming


_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_SPECIAL = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}
_ACCEPTED_SUBTYPES = (None, "thread_broadcast", "file_share")


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


def message_key(channel: str, ts: str) -> str:
    """One Slack message, however many times or ways it is delivered (retries, mention + message)."""
    return f"slack:msg:{channel}:{ts}"


def slack_event_to_incoming(payload: dict, *, bot_user_id: str | None = None) -> Incoming | None:
    """A member's message or mention from an Events API envelope; None for anything else.

    Ignored: bots (this one and others), edits, deletions, joins and other
    subtypes, and empty text. ``event_id`` is :func:`message_key`, not the
    envelope's id, because a mention arrives twice (``app_mention`` and
    ``message``) with different envelope ids but the same message.
    """
    event = payload.get("event") or {}
    if event.get("type") not in ("message", "app_mention"):
        return None
    if event.get("subtype") not in _ACCEPTED_SUBTYPES or event.get("bot_id") or event.get("bot_profile"):
        return None
    user, channel, ts = event.get("user"), event.get("channel"), event.get("ts")
    if not user or not channel or not ts or (bot_user_id and user == bot_user_id):
        return None
    raw = event.get("text") or ""
    if bot_user_id:
        raw = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", raw)
    body = slack_text_to_plain(raw).strip()
    if not body:
        return None
    thread = event.get("thread_ts")
    return Incoming(platform=PLATFORM, channel=channel, user=user, text=body,
                    thread=thread if thread and thread != ts else None, event_id=message_key(channel, ts))


def slack_command_to_incoming(command: dict, *, user_name: str | None = None) -> Incoming:
    """A slash command payload as the command line the command table reads: ``/script 爽约``."""
    line = f"{command.get('command', '').strip()} {slack_text_to_plain(command.get('text') or '').strip()}".strip()
    return Incoming(platform=PLATFORM, channel=command.get("channel_id", ""), user=command.get("user_id", ""),
                    text=line, user_name=user_name)


def with_share(msg: Message, command: str, *, lang: str = "zh") -> Message:
    """Add "分享到频道" to a private lookup that has no buttons of its own (e.g. a leaderboard)."""
    if msg.buttons or msg.kind not in ("leaderboard",):
        return msg
    return replace(msg, buttons=(Button(pick(lang, "分享到频道", "Share to channel"), "share", command),))


def shared_copy(msg: Message, by: str, *, lang: str = "zh") -> Message:
    """What a share posts in the channel: no share button, and who shared it."""
    footer = f"{msg.footer}\n" if msg.footer else ""
    return replace(msg, buttons=tuple(b for b in msg.buttons if b.action != "share"),
                   footer=footer + pick(lang, f"由 {by} 分享到频道", f"Shared to the channel by {by}"))


# ---------------------------------------------------------------- Web API


def make_client(token: str, *, base_url: str | None = None, rate_limit_retries: int = 3,
                server_error_retries: int = 2, connection_retries: int = 2,
                backoff: RetryIntervalCalculator | None = None, timeout: int = 15) -> WebClient:
    """A WebClient that waits out 429s (``Retry-After``) and backs off on 5xx and dropped connections."""
    interval = backoff or BackoffRetryIntervalCalculator(backoff_factor=0.5)
    url = base_url or WebClient.BASE_URL
    return WebClient(
        token=token, base_url=url if url.endswith("/") else url + "/", timeout=timeout,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=connection_retries, interval_calculator=interval),
            RateLimitErrorRetryHandler(max_retry_count=rate_limit_retries),
            ServerErrorRetryHandler(max_retry_count=server_error_retries, interval_calculator=interval),
        ],
    )


def api_error(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc.response.status_code)
    return type(exc).__name__


def is_auth_error(exc: Exception) -> bool:
    return api_error(exc) in AUTH_ERRORS


class Pacer:
    """At most one post per ``interval`` seconds per channel (Slack's chat.postMessage limit).

    Waiting happens outside the lock, so posts to different channels never wait for each other.
    """

    def __init__(self, interval: float = 1.0, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval, self.clock, self.sleep = interval, clock, sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, channel: str) -> None:
        with self._lock:
            now = self.clock()
            at = max(now, self._next.get(channel, now))
            self._next[channel] = at + self.interval
        if at > now:
            self.sleep(at - now)


class UserNames:
    """Display names from users.info, cached; a failed lookup never blocks grading."""

    def __init__(self, client: WebClient, *, ttl: float = 3600, clock: Callable[[], float] = time.monotonic) -> None:
        self.client, self.ttl, self.clock = client, ttl, clock
        self._cache: dict[str, tuple[str | None, float]] = {}
        self._lock = threading.Lock()

    def get(self, user: str) -> str | None:
        now = self.clock()
        with self._lock:
            hit = self._cache.get(user)
        if hit and hit[1] > now:
            return hit[0]
        try:
            info = self.client.users_info(user=user)["user"]
        except Exception as exc:
            log.warning("event=slack_name_lookup_failed user=%s error=%s", user, api_error(exc))
            name, expires = (hit[0] if hit else None), now + 60
        else:
            profile = info.get("profile") or {}
            name = (profile.get("display_name") or profile.get("real_name") or info.get("real_name")
                    or info.get("name") or None)
            expires = now + self.ttl
        with self._lock:
            self._cache[user] = (name, expires)
        return name


class SlackChat:
    """:class:`coachbot.usecases.ports.Chat` over the Slack Web API. Thread-safe."""

    platform = PLATFORM
    capabilities = frozenset({"update", "history", "buttons", "forms", "ephemeral"})

    def __init__(self, client: WebClient, *, pacer: Pacer | None = None, names: UserNames | None = None) -> None:
        self.client = client
        self.pacer = pacer or Pacer()
        self.names = names or UserNames(client)

    def _call(self, method: str, **kwargs):
        try:
            return getattr(self.client, method)(**kwargs)
        except SlackApiError as exc:
            error = api_error(exc)
            if error in AUTH_ERRORS:
                log.error("event=slack_auth_failed method=%s error=%s hint=the bot token was rejected; "
                          "reinstall the app and update SLACK_BOT_TOKEN (will retry)", method, error)
            else:
                log.warning("event=slack_api_error method=%s channel=%s error=%s", method,
                            kwargs.get("channel"), error)
            raise
        except Exception as exc:
            log.warning("event=slack_unreachable method=%s channel=%s error=%r", method, kwargs.get("channel"), exc)
            raise

    def _send(self, method: str, msg: Message, **kwargs) -> list[str]:
        fallback, stamps = fallback_text(msg), []
        for blocks in render_messages(msg):
            resp = self._call(method, text=fallback, blocks=blocks, **kwargs)
            stamps.append(resp.get("ts") or resp.get("message_ts") or "")
        return stamps

    def post(self, channel: str, msg: Message, *, thread: str | None = None) -> str:
        """Post in a channel (or a thread); a message over 50 blocks continues in its own thread."""
        first: str | None = None
        fallback = fallback_text(msg)
        for blocks in render_messages(msg):
            self.pacer.wait(channel)
            resp = self._call("chat_postMessage", channel=channel, text=fallback, blocks=blocks,
                              thread_ts=thread or first, unfurl_links=False, unfurl_media=False)
            first = first or resp["ts"]
        assert first is not None
        return first

    def tell(self, channel: str, user: str, msg: Message, *, thread: str | None = None) -> None:
        """Ephemeral in the channel (and thread); a direct message when ephemeral is not possible."""
        if channel.startswith("D") or not channel:
            self.dm(user, msg)
            return
        try:
            self._send("chat_postEphemeral", msg, channel=channel, user=user, thread_ts=thread)
        except SlackApiError as exc:
            if is_auth_error(exc):
                raise
            log.info("event=slack_ephemeral_fallback_dm channel=%s user=%s error=%s", channel, user, api_error(exc))
            self.dm(user, msg)

    def dm(self, user: str, msg: Message) -> None:
        self._send("chat_postMessage", msg, channel=user, unfurl_links=False, unfurl_media=False)

    def update(self, channel: str, message_id: str, msg: Message) -> None:
        blocks = render_messages(msg)[0]
        self._call("chat_update", channel=channel, ts=message_id, text=fallback_text(msg), blocks=blocks)

    def find_post(self, channel: str, kind: str, content_id: str, day: date) -> str | None:
        """After a crash between posting and recording: the post already in the channel, if any."""
        oldest = datetime.combine(day - timedelta(days=1), dtime(), timezone.utc).timestamp()
        try:
            resp = self._call("conversations_history", channel=channel, oldest=f"{oldest:.6f}", limit=200)
        except Exception:
            return None
        for m in resp.get("messages", []):
            blocks = m.get("blocks") or []
            if m.get("thread_ts") not in (None, m.get("ts")) or not blocks:
                continue
            marker = blocks[0].get("block_id", "")
            if marker in (post_marker(kind, content_id), post_marker(kind, None)):
                return m.get("ts")
        return None

"""The Bolt app: Slack requests in, acknowledged fast, the work left to the inbox and the outbox.

    app = build_app(bot.coach, chat, signing_secret=secret)
    SlackRequestHandler(app)        # HTTP (WSGI), or SocketModeHandler(app, app_token)

What runs on Bolt's listener pool is only ever quick (the fast lane), so a
slow or rate-limited Web API, or a thousand replies waiting to be graded,
never delays an acknowledgement:

- **Events** (messages, mentions, edits, deletions, the bot joining a
  channel, the Home tab) are written to the inbox by a middleware and
  acknowledged; no listener runs for them. Inbox workers grade and answer.
- **/script and /leaderboard** are answered in the acknowledgement itself.
- **/coach**, the answer form, the share and suggestion buttons are
  acknowledged at once; their work goes through the inbox and their replies
  through the outbox.
- The answer button opens the form within Slack's 3 seconds from a small
  executor of its own (a ``trigger_id`` expires), never behind deliveries.

Nothing is registered on a global app: :func:`build_app` makes a new one.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient

from coachbot.logfmt import q
from coachbot.platforms.slack.blocks import fallback_text, render_messages, with_share
from coachbot.platforms.slack.chat import SlackChat
from coachbot.platforms.slack.client import api_error
from coachbot.platforms.slack.incoming import PLATFORM, slack_command_to_incoming, slack_event_to_inbound
from coachbot.platforms.slack.modal import answer_modal, modal_answer
from coachbot.present.strings import strings
from coachbot.usecases.coach import Coach
from coachbot.usecases.dispatch import handle
from coachbot.usecases.inbox import accept
from coachbot.usecases.ports import Incoming

log = logging.getLogger(__name__)
LISTENER_THREADS = 16        # every listener is quick (no Web API call waits on this pool)
INTERACTIVE_THREADS = 4      # views.open for the answer button: its own lane
SHAREABLE = ("/script", "/leaderboard")   # lookups only: a share re-runs the lookup publicly


def utcnow() -> datetime:
    return datetime.now(UTC)


def _action_re(action: str) -> re.Pattern:
    return re.compile(rf"^{action}(:\d+)?$")


class SlackListeners:
    """Every Bolt listener, as methods over one coach and its store."""

    def __init__(self, coach: Coach, chat: SlackChat, *, clock: Callable[[], datetime] = utcnow,
                 interactive: Executor | None = None, fast_client: WebClient | None = None) -> None:
        self.coach, self.chat, self.clock = coach, chat, clock
        self.store = coach.store
        self.interactive = interactive or ThreadPoolExecutor(INTERACTIVE_THREADS, thread_name_prefix="slack-ui")
        self.fast_client = fast_client or chat.client

    def lang(self, channel: str) -> str:
        """The language of the team that owns ``channel``; Chinese where none does."""
        team = self.coach.team_of(channel) if channel else None
        return team.language if team is not None else "zh"

    def register(self, app: App) -> None:
        app.use(self.inbox_events)
        app.error(self.on_error)
        app.command("/script")(self.lookup_command)
        app.command("/leaderboard")(self.lookup_command)
        app.command("/coach")(self.coach_command)
        app.action(_action_re("answer"))(self.on_answer_button)
        app.action(_action_re("share"))(self.on_share_button)
        app.action(_action_re("script"))(self.on_script_button)
        app.action(_action_re("command"))(self.on_command_button)
        app.view("answer")(self.on_answer_submitted)

    def accept(self, key: str, kind: str, payload: dict[str, Any]) -> bool:
        fresh = accept(self.store, key=key, platform=PLATFORM, kind=kind, payload=payload, now=self.clock())
        if fresh:
            self.coach.outbox.wake.set()
        return fresh

    # ------------------------------------------------------------ events: straight to the inbox

    def inbox_events(self, body: dict, context, next):
        """Store an Events API delivery in the inbox and acknowledge it; no listener runs for events."""
        if body.get("type") != "event_callback":
            return next()
        self.accept_event(body, bot_user_id=context.bot_user_id)
        return BoltResponse(status=200, body="")

    def accept_event(self, body: dict, *, bot_user_id: str | None) -> None:
        """Store what an Events API envelope asks of the bot (nothing, for most events)."""
        inbound = slack_event_to_inbound(body, bot_user_id=bot_user_id)
        if inbound is not None and not self.accept(inbound.key, inbound.kind, inbound.payload):
            log.info("event=slack_duplicate_dropped key=%s", q(inbound.key))

    def on_error(self, error: Exception, body: dict, respond=None) -> None:
        ref = uuid.uuid4().hex[:8]
        log.error("event=slack_listener_error ref=%s type=%s error=%s", ref, q(body.get("type")), q(api_error(error)),
                  exc_info=error)
        if respond is not None:
            try:
                channel = (body.get("channel") or {}).get("id") or body.get("channel_id") or ""
                respond(text=strings(self.lang(channel)).apology.format(ref=ref), response_type="ephemeral",
                        replace_original=False)
            except Exception:
                log.warning("event=slack_error_reply_failed ref=%s", ref)

    # ------------------------------------------------------------ slash commands

    def lookup_command(self, ack, command: dict) -> None:
        """/script and /leaderboard are quick reads: the answer travels in the ack itself."""
        incoming = slack_command_to_incoming(command)
        replies = handle(self.coach, incoming, self.clock())
        lang = self.lang(incoming.channel)
        first = replies[0] if replies else None
        if first is None:
            ack()
            return
        msg = with_share(first.message, incoming.text, lang=lang) if first.private else first.message
        ack(text=fallback_text(msg), blocks=render_messages(msg)[0],
            response_type="ephemeral" if first.private else "in_channel")

    def coach_command(self, ack, command: dict) -> None:
        """/coach may post to channels (post-now, reveal): acknowledged at once, answered on the reply URL."""
        incoming = slack_command_to_incoming(command)
        key = f"slack:cmd:{command.get('trigger_id') or uuid.uuid4().hex}"
        self.accept(key, "command", {"incoming": incoming.as_json(), "private": "respond",
                                     "url": command.get("response_url", "")})
        ack()

    # ------------------------------------------------------------ buttons and the answer form

    def on_answer_button(self, ack, action: dict, body: dict) -> None:
        ack()
        channel = (body.get("channel") or {}).get("id", "")
        message = body.get("message") or {}
        content_id, _, posted_ts = action.get("value", "").partition("@")
        thread = message.get("thread_ts") or message.get("ts") or posted_ts \
            or (body.get("container") or {}).get("message_ts", "")
        challenge = self.coach.library.challenges.get(content_id)
        view = answer_modal(challenge, channel=channel, thread=thread, lang=self.lang(channel))
        self.interactive.submit(self._open_view, body.get("trigger_id", ""), view, channel, body)

    def _open_view(self, trigger_id: str, view: dict, channel: str, body: dict) -> None:
        try:
            self.fast_client.views_open(trigger_id=trigger_id, view=view)
        except Exception as exc:
            log.warning("event=slack_form_not_opened error=%s", q(api_error(exc)))
            url = body.get("response_url")
            if url:
                self.accept(f"slack:form-failed:{body.get('trigger_id')}", "notice",
                            {"url": url, "channel": channel, "user": (body.get("user") or {}).get("id", ""),
                             "text": strings(self.lang(channel)).form_not_opened})

    def on_answer_submitted(self, ack, body: dict, view: dict) -> None:
        channel, thread, answer = modal_answer(view)
        if len(answer.strip()) < 2:
            ack(response_action="errors", errors={"answer": strings(self.lang(channel)).write_your_answer})
            return
        user = body["user"]["id"]
        incoming = Incoming(platform=PLATFORM, channel=channel, user=user, text=answer.strip(), thread=thread or None,
                            event_id=f"slack:view:{view.get('id')}", explicit=True)
        # feedback as a private message in the channel itself, not inside the thread the form came from
        self.accept(f"slack:view:{view.get('id')}", "message",
                    {"incoming": incoming.as_json(), "private": "tell", "private_thread": None})
        ack()

    def on_script_button(self, ack, action: dict, body: dict) -> None:
        """A suggestion under "你是不是要找": replace the suggestions with that script."""
        ack()
        self._rerun(body, f"/script {action.get('value', '')}", response={"replace_original": True})

    def on_command_button(self, ack, action: dict, body: dict) -> None:
        """A button that runs a /coach command (an appeal, a review decision), as if the member had typed it."""
        ack()
        value = action.get("value", "").strip()
        if value.split()[:1] == ["/coach"]:
            self._rerun(body, value)

    def on_share_button(self, ack, action: dict, body: dict) -> None:
        """Post the lookup in the channel for everyone, then remove the private copy."""
        ack()
        value = action.get("value", "").strip()
        command = value if value.startswith("/") else f"/script {value}"
        if command.split()[0] not in SHAREABLE:
            self._notice(body, strings(self.lang((body.get("channel") or {}).get("id", ""))).not_shareable)
            return
        self._rerun(body, command, share=True)

    def _rerun(self, body: dict, command: str, *, response: dict | None = None, share: bool = False) -> None:
        user = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id", "")
        incoming = Incoming(platform=PLATFORM, channel=channel, user=user, text=command)
        key = f"slack:action:{body.get('trigger_id') or uuid.uuid4().hex}"
        self.accept(key, "share" if share else "command",
                    {"incoming": incoming.as_json(), "private": "respond", "url": body.get("response_url", ""),
                     "response": response or {}})

    def _notice(self, body: dict, text: str) -> None:
        self.accept(f"slack:notice:{body.get('trigger_id') or uuid.uuid4().hex}", "notice",
                    {"url": body.get("response_url", ""), "channel": (body.get("channel") or {}).get("id", ""),
                     "user": (body.get("user") or {}).get("id", ""), "text": text})


def build_app(coach: Coach, chat: SlackChat, *, signing_secret: str | None, clock: Callable[[], datetime] = utcnow,
              listener_executor: Executor | None = None, auth: dict | None = None,
              interactive: Executor | None = None, fast_client: WebClient | None = None,
              listeners: SlackListeners | None = None) -> App:
    """A Bolt app wired to ``coach``; request verification stays on (401 for a bad signature).

    ``auth`` (from ``auth.test``, fetched once at start) lets requests be
    authorised without calling Slack again; without it Bolt asks Slack once.
    """
    options: dict[str, Any] = {}
    if auth:
        def authorize(**_: object) -> AuthorizeResult:
            return AuthorizeResult(enterprise_id=auth.get("enterprise_id"), team_id=auth.get("team_id"),
                                   bot_token=chat.client.token, bot_user_id=auth.get("user_id"),
                                   bot_id=auth.get("bot_id"))
        options["authorize"] = authorize
    bolt_log = logging.getLogger("slack_bolt.App")
    quiet = _ClientOverToken()
    bolt_log.addFilter(quiet)
    try:
        app = App(client=chat.client, signing_secret=signing_secret or "", token_verification_enabled=False,
                  name="coachbot",
                  listener_executor=listener_executor or ThreadPoolExecutor(LISTENER_THREADS,
                                                                            thread_name_prefix="slack"),
                  **options)
    finally:
        bolt_log.removeFilter(quiet)
    (listeners or SlackListeners(coach, chat, clock=clock, interactive=interactive, fast_client=fast_client)
     ).register(app)
    return app


class _ClientOverToken(logging.Filter):
    """Bolt warns that SLACK_BOT_TOKEN is unused when given a client; that is intended here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


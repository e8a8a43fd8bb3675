"""The Bolt app: Slack requests in, :class:`coachbot.usecases.coach.Coach` use cases, replies out.

    app = build_app(bot.coach, chat, signing_secret=secret)
    SlackRequestHandler(app)        # HTTP (WSGI), or SocketModeHandler(app, app_token)

Nothing is registered on a global app: :func:`build_app` makes a new one with
its listeners. Listeners run on Bolt's listener pool, so they only use the
thread-safe :class:`coachbot.store.sqlite.Store` and :class:`SlackChat`.

De-duplication happens twice, for two different reasons:

- the envelope's ``event_id`` (the same on every Slack retry) is claimed in the
  store by :meth:`SlackListeners.dedupe_events` before any listener runs and
  finished when the listener returns, so a retry, even one arriving while the
  first attempt is still running, is acked and dropped; a claim left
  unfinished for ``EVENT_CLAIM_STALE`` (its process died) is taken over by the
  next retry instead, so that delivery is not lost;
- a reply's ``Incoming.event_id`` is the message's own key, so a mention that
  also arrives as a channel message is graded once, in the same transaction
  that stores it.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from slack_bolt import App, BoltResponse
from slack_sdk.errors import SlackApiError

from coachbot.platforms.slack.blocks import (
    fallback_text,
    render_messages,
    render_surface,
    shared_copy,
    with_share,
)
from coachbot.platforms.slack.chat import SlackChat
from coachbot.platforms.slack.client import api_error
from coachbot.platforms.slack.incoming import (
    PLATFORM,
    slack_command_to_incoming,
    slack_event_to_incoming,
)
from coachbot.platforms.slack.modal import answer_modal, modal_answer
from coachbot.present import views
from coachbot.present.messages import Message, text
from coachbot.present.strings import strings
from coachbot.usecases.coach import Coach
from coachbot.usecases.dispatch import handle
from coachbot.usecases.home import home
from coachbot.usecases.ports import Incoming, Reply

log = logging.getLogger(__name__)
LISTENER_THREADS = 32   # Bolt's default is 5; listeners mostly wait on the Web API (and on Retry-After)
EVENT_CLAIM_STALE = timedelta(seconds=30)   # an unfinished claim this old lost its process: a retry takes it over
SHAREABLE = ("/script", "/leaderboard")   # lookups only: a share re-runs the lookup publicly


def utcnow() -> datetime:
    return datetime.now(UTC)


def _action_re(action: str) -> re.Pattern:
    return re.compile(rf"^{action}(:\d+)?$")


class SlackListeners:
    """Every Bolt listener, as methods over one coach and one chat."""

    def __init__(self, coach: Coach, chat: SlackChat, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.coach, self.chat, self.clock = coach, chat, clock
        self.store = coach.store

    def lang(self, channel: str) -> str:
        """The language of the team that owns ``channel``; Chinese where none does."""
        team = self.coach.team_of(channel) if channel else None
        return team.language if team is not None else "zh"

    def register(self, app: App) -> None:
        app.use(self.dedupe_events)
        app.error(self.on_error)
        app.command("/script")(self.lookup_command)
        app.command("/leaderboard")(self.lookup_command)
        app.command("/coach")(ack=self.ack_quietly, lazy=[self.coach_command])
        app.event("message")(self.on_message)
        app.event("app_mention")(self.on_mention)
        app.event("member_joined_channel")(self.on_member_joined)
        app.event("app_home_opened")(self.on_home_opened)
        app.action(_action_re("answer"))(self.on_answer_button)
        app.action(_action_re("share"))(self.on_share_button)
        app.action(_action_re("script"))(self.on_script_button)
        app.view("answer")(self.on_answer_submitted)

    # ------------------------------------------------------------ middleware and errors

    def dedupe_events(self, body: dict, request, context, next):
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            key = f"slack:event:{event_id}"
            if not self.store.claim_event(key, now=self.clock(), stale_after=EVENT_CLAIM_STALE):
                retry = request.headers.get("x-slack-retry-num", [None])[0]
                reason = request.headers.get("x-slack-retry-reason", [None])[0]
                log.info("event=slack_duplicate_dropped event_id=%s retry_num=%s reason=%s", event_id, retry, reason)
                return BoltResponse(status=200, body="")
            context["event_key"] = key
        return next()

    def finished(self, context) -> None:
        """An event listener is done with its delivery: retries of it are dropped from now on."""
        key = context.get("event_key")
        if key:
            self.store.finish_event(key, at=self.clock())

    def on_error(self, error: Exception, body: dict, respond=None) -> None:
        ref = uuid.uuid4().hex[:8]
        log.error("event=slack_listener_error ref=%s type=%s error=%s", ref, body.get("type"), api_error(error),
                  exc_info=error)
        if respond is not None:
            try:
                respond(text=strings(None).apology.format(ref=ref), response_type="ephemeral", replace_original=False)
            except Exception:
                log.warning("event=slack_error_reply_failed ref=%s", ref)

    def ack_quietly(self, ack) -> None:
        ack()

    # ------------------------------------------------------------ slash commands

    def _respond_args(self, msg: Message, blocks: list[dict], private: bool) -> dict:
        return {"text": fallback_text(msg), "blocks": blocks, "response_type": "ephemeral" if private else "in_channel"}

    def _answer(self, replies: list[Reply], command: str, first: Callable | None, respond,
                lang: str = "zh") -> None:
        """Reply to a command: the first message in ``first`` (the ack) if given, the rest via respond()."""
        for reply in replies:
            msg = with_share(reply.message, command, lang=lang) if reply.private else reply.message
            for blocks in render_messages(msg):
                args = self._respond_args(msg, blocks, reply.private)
                if first is not None:
                    first(**args)
                    first = None
                else:
                    respond(**args, replace_original=False)
        if first is not None:
            first()

    def lookup_command(self, ack, command: dict, respond) -> None:
        """/script and /leaderboard are quick reads: the answer travels in the ack itself."""
        incoming = slack_command_to_incoming(command)
        self._answer(handle(self.coach, incoming, self.clock()), incoming.text, ack, respond,
                     lang=self.lang(incoming.channel))

    def coach_command(self, command: dict, respond) -> None:
        """/coach may post to channels (post-now, reveal): acked at once, answered from here."""
        user = command.get("user_id", "")
        incoming = slack_command_to_incoming(command, user_name=self.chat.names.get(user))
        self._answer(handle(self.coach, incoming, self.clock()), incoming.text, None, respond,
                     lang=self.lang(incoming.channel))

    # ------------------------------------------------------------ messages

    def on_message(self, body: dict, event: dict, context) -> None:
        try:
            incoming = slack_event_to_incoming(body, bot_user_id=context.bot_user_id)
            if incoming is not None:
                self.handle_message(incoming, channel_type=event.get("channel_type"), mention=False)
        finally:
            self.finished(context)

    def on_mention(self, body: dict, context) -> None:
        try:
            incoming = slack_event_to_incoming(body, bot_user_id=context.bot_user_id)
            if incoming is not None:
                self.handle_message(incoming, channel_type=None, mention=True)
        finally:
            self.finished(context)

    def handle_message(self, incoming: Incoming, *, channel_type: str | None, mention: bool) -> None:
        if channel_type == "im":
            self.chat.post(incoming.channel, text(strings(self.lang(incoming.channel)).bot_intro, kind="help"))
            return
        team = self.coach.team_of(incoming.channel)
        if team is None:
            self.hint_once(incoming.channel)
            return
        incoming = replace(incoming, user_name=self.chat.names.get(incoming.user))
        now = self.clock()
        replies = handle(self.coach, incoming, now)
        if not replies and mention and self.coach.challenge_for(incoming, team, now) is None:
            replies = [Reply(text(strings(team.language).bot_intro, kind="help"))]
        self.deliver(incoming, replies)

    def deliver(self, incoming: Incoming, replies: list[Reply]) -> None:
        for r in replies:
            if r.private:
                self.chat.tell(incoming.channel, incoming.user, r.message, thread=incoming.thread)
            else:
                self.chat.post(incoming.channel, r.message, thread=r.thread or incoming.thread)

    def hint_once(self, channel: str) -> None:
        """A channel the bot is in but no team owns hears about it once, not never."""
        if channel.startswith("D") or not self.store.mark_event(f"slack:hint:{channel}"):
            return
        log.info("event=slack_unconfigured_channel channel=%s", channel)
        try:
            self.chat.post(channel, views.unconfigured_hint(channel, PLATFORM))
        except Exception:
            pass  # logged by SlackChat

    def on_member_joined(self, event: dict, context) -> None:
        try:
            if event.get("user") == context.bot_user_id and self.coach.team_of(event.get("channel", "")) is None:
                self.hint_once(event["channel"])
        finally:
            self.finished(context)

    # ------------------------------------------------------------ App Home

    def on_home_opened(self, event: dict, client, context) -> None:
        try:
            if event.get("tab", "home") == "home":
                parts = home(self.coach, PLATFORM, event["user"], self.clock())
                client.views_publish(user_id=event["user"], view={"type": "home", "blocks": render_surface(parts)})
        finally:
            self.finished(context)

    # ------------------------------------------------------------ buttons and the answer modal

    def on_answer_button(self, ack, action: dict, body: dict, client) -> None:
        ack()
        message = body.get("message") or {}
        thread = message.get("thread_ts") or message.get("ts") or (body.get("container") or {}).get("message_ts", "")
        challenge = self.coach.library.challenges.get(action.get("value", ""))
        client.views_open(trigger_id=body["trigger_id"],
                          view=answer_modal(challenge, channel=body["channel"]["id"], thread=thread,
                                            lang=self.lang(body["channel"]["id"])))

    def on_answer_submitted(self, ack, body: dict, view: dict) -> None:
        channel, thread, answer = modal_answer(view)
        if len(answer.strip()) < 2:
            ack(response_action="errors", errors={"answer": strings(self.lang(channel)).write_your_answer})
            return
        ack()
        user = body["user"]["id"]
        incoming = Incoming(platform=PLATFORM, channel=channel, user=user, text=answer.strip(),
                            user_name=self.chat.names.get(user), thread=thread or None,
                            event_id=f"slack:view:{view.get('id')}")
        replies = handle(self.coach, incoming, self.clock())
        if not replies:
            replies = [Reply(text(strings(self.lang(channel)).answer_not_recorded, kind="error"))]
        self.deliver(incoming, replies)

    def _rerun(self, body: dict, command: str) -> tuple[Incoming, list[Reply]]:
        user = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id", "")
        incoming = Incoming(platform=PLATFORM, channel=channel, user=user, text=command,
                            user_name=self.chat.names.get(user))
        return incoming, handle(self.coach, incoming, self.clock())

    def on_script_button(self, ack, action: dict, body: dict, respond) -> None:
        """A suggestion under "你是不是要找": replace the suggestions with that script."""
        ack()
        command = f"/script {action.get('value', '')}"
        _, replies = self._rerun(body, command)
        for reply in replies[:1]:
            blocks = render_messages(reply.message)[0]
            respond(text=fallback_text(reply.message), blocks=blocks, replace_original=True)

    def on_share_button(self, ack, action: dict, body: dict, respond) -> None:
        """Post the lookup in the channel for everyone, then remove the private copy."""
        ack()
        value = action.get("value", "").strip()
        command = value if value.startswith("/") else f"/script {value}"
        if command.split()[0] not in SHAREABLE:
            respond(text=strings(self.lang((body.get("channel") or {}).get("id", ""))).not_shareable,
                    replace_original=False)
            return
        incoming, replies = self._rerun(body, command)
        by = incoming.user_name or incoming.user
        try:
            for reply in replies:
                if reply.message.kind == "error":
                    respond(text=fallback_text(reply.message), replace_original=False)
                    return
                self.chat.post(incoming.channel, shared_copy(reply.message, by, lang=self.lang(incoming.channel)))
        except SlackApiError as exc:
            s = strings(self.lang(incoming.channel))
            problem = s.not_in_channel if api_error(exc) in ("not_in_channel", "channel_not_found") else \
                s.share_failed.format(error=api_error(exc))
            respond(text=problem, replace_original=False)
            return
        respond(delete_original=True)


class _ClientOverToken(logging.Filter):
    """Bolt warns that SLACK_BOT_TOKEN is unused when given a client; that is intended here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def build_app(coach: Coach, chat: SlackChat, *, signing_secret: str | None,
              clock: Callable[[], datetime] = utcnow, listener_executor: Executor | None = None,
              token_verification: bool = True) -> App:
    """A Bolt app wired to ``coach``; request verification stays on (401 for a bad signature)."""
    bolt_log = logging.getLogger("slack_bolt.App")
    quiet = _ClientOverToken()
    bolt_log.addFilter(quiet)
    try:
        app = App(
            client=chat.client, signing_secret=signing_secret or "", token_verification_enabled=token_verification,
            listener_executor=listener_executor or ThreadPoolExecutor(LISTENER_THREADS, thread_name_prefix="slack"),
            name="coachbot",
        )
    finally:
        bolt_log.removeFilter(quiet)
    SlackListeners(coach, chat, clock=clock).register(app)
    return app

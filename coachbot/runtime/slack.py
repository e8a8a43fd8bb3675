"""``coachbot run --platform slack``: one process with the Bolt app, a production server and the scheduler.

- ``SLACK_APP_TOKEN`` set: Socket Mode (outbound WebSocket, no public URL).
- otherwise ``SLACK_SIGNING_SECRET``: HTTP on ``--port`` (``/slack/events`` for
  events, commands and interactivity) served by waitress through Bolt's WSGI
  adapter, not Bolt's development server.
- ``SLACK_API_URL`` points the Web API client elsewhere (GovSlack, a proxy, tests).

Secrets come from the environment only; a missing one is named in the error.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient

from coachbot.domain.errors import SetupError
from coachbot.domain.teams import Settings
from coachbot.logfmt import q
from coachbot.platforms.slack.chat import SlackChat
from coachbot.platforms.slack.client import api_error, is_auth_error, make_client
from coachbot.platforms.slack.listeners import SlackListeners, build_app
from coachbot.platforms.slack.server import DEFAULT_HOST, EVENTS_PATH, Readiness, create_server, wsgi_app
from coachbot.runtime.app import Bot, build, setup_logging, utcnow, warm_lookups
from coachbot.runtime.schedule import start_scheduler
from coachbot.runtime.workers import Workers
from coachbot.settings import Env

log = logging.getLogger(__name__)
DRAIN_SECONDS = 10.0                  # how long a stop waits for work in hand
FORM_TIMEOUT = 2.5                    # views.open must beat the trigger's 3 s
OVERDUE = timedelta(minutes=5)        # /readyz: deliveries older than this count as overdue …
MAX_OVERDUE = 100                     # … and more than this many of them means not ready
MAX_WAITING = 1000                    # inbound events waiting to be handled


class SlackSetupError(SetupError):
    """Slack cannot start as configured; the message says which variable to set."""


@dataclass(frozen=True)
class SlackEnv:
    bot_token: str
    app_token: str | None
    signing_secret: str | None
    api_url: str | None

    @property
    def mode(self) -> str:
        return "socket" if self.app_token else "http"


def slack_env(env: Mapping[str, str]) -> SlackEnv:
    """Read and check the Slack variables; raise :class:`SlackSetupError` naming what is missing."""
    bot = env.get("SLACK_BOT_TOKEN", "").strip()
    app_token = env.get("SLACK_APP_TOKEN", "").strip() or None
    secret = env.get("SLACK_SIGNING_SECRET", "").strip() or None
    if not bot:
        raise SlackSetupError("SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) "
                              "from your Slack app's OAuth & Permissions page.")
    if not bot.startswith("xoxb-"):
        raise SlackSetupError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-.")
    if app_token and not app_token.startswith("xapp-"):
        raise SlackSetupError("SLACK_APP_TOKEN must be an app-level token starting with xapp- "
                              "(Basic Information > App-Level Tokens, scope connections:write).")
    if not app_token and not secret:
        raise SlackSetupError("Set SLACK_APP_TOKEN (xapp-…, Socket Mode: no public URL needed) or "
                              "SLACK_SIGNING_SECRET (HTTP mode, Basic Information > Signing Secret).")
    return SlackEnv(bot, app_token, secret, env.get("SLACK_API_URL", "").strip() or None)


def wait_for_slack(client: WebClient, *, sleep: Callable[[float], None] = time.sleep,
                   first_delay: float = 5.0, max_delay: float = 300.0, attempts: int | None = None) -> dict:
    """auth.test until it works: an outage or a revoked token is logged and retried, not fatal."""
    delay, tried = first_delay, 0
    while True:
        tried += 1
        try:
            auth = client.auth_test()
            log.info("event=slack_connected team=%s bot_user=%s url=%s", auth.get("team"), auth.get("user_id"),
                     client.base_url)
            return dict(auth.data) if isinstance(auth.data, dict) else {}
        except Exception as exc:
            if attempts is not None and tried >= attempts:
                raise
            if is_auth_error(exc):
                log.error("event=slack_auth_failed error=%s hint=%s retry_in=%.0fs", api_error(exc),
                          q("the bot token was rejected; reinstall the app and update SLACK_BOT_TOKEN"), delay)
            else:
                log.warning("event=slack_unreachable error=%s url=%s retry_in=%.0fs", api_error(exc),
                            client.base_url, delay)
            sleep(delay)
            delay = min(delay * 2, max_delay)


def readiness(bot: Bot, chat: SlackChat, *, clock: Callable[[], datetime] = utcnow) -> Readiness:
    """``/readyz``: the database takes writes, Slack answered the last call, the queues are not backing up."""

    def check() -> tuple[bool, dict[str, Any]]:
        detail: dict[str, Any] = {}
        ok = True
        try:
            bot.store.check_writable()
            detail["database"] = "writable"
        except Exception as exc:
            ok, detail["database"] = False, f"{type(exc).__name__}: {exc}"
        health = chat.health()
        detail["slack"] = health
        if health["last_error"] is not None:
            ok = False
        detail["outbox_overdue"] = bot.store.outbox_backlog(now=clock(), older_than=OVERDUE)
        detail["inbox_waiting"] = bot.store.inbox_waiting()
        if detail["outbox_overdue"] > MAX_OVERDUE or detail["inbox_waiting"] > MAX_WAITING:
            ok = False
        return ok, detail

    return check


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop_on_sigterm() -> Any:
    """Let ``docker stop``/systemd shut down cleanly: stop accepting, drain, close the database."""
    if threading.current_thread() is threading.main_thread():
        return signal.signal(signal.SIGTERM, _interrupt)
    return None


def run_slack(settings: Settings, port: int = 3000, *, host: str = DEFAULT_HOST, env: Mapping[str, str] | None = None,
              drain_seconds: float = DRAIN_SECONDS) -> None:
    """Run until interrupted: connect, build the bot, start its workers and the scheduler, serve Slack.

    On SIGTERM or Ctrl-C: stop accepting (close the socket or the server), stop
    the scheduler, let the workers finish what they hold for ``drain_seconds``,
    close the database. Whatever was acknowledged and not finished stays in the
    inbox and the outbox for the next start.
    """
    environment = Env.read(env)
    cfg = slack_env(environment.platform)
    setup_logging(environment.log_level)
    client = make_client(cfg.bot_token, base_url=cfg.api_url)
    auth = wait_for_slack(client)
    chat = SlackChat(client)
    chat.last_ok = time.monotonic()
    bot = build(settings, chat)
    warm_lookups(bot)
    unmapped = [t.id for t in settings.teams if not t.channels.get("slack")]
    if unmapped:
        log.warning("event=teams_without_slack_channels teams=%s hint=%s", ",".join(unmapped),
                    q("add channel ids under teams[].channels.slack in coachbot.yaml"))
    workers = Workers(bot, inbox_threads=environment.inbox_threads,
                      outbox_threads=environment.outbox_threads).start()
    listeners = SlackListeners(bot.coach, chat,
                               fast_client=make_client(cfg.bot_token, base_url=cfg.api_url, timeout=FORM_TIMEOUT))
    app = build_app(bot.coach, chat, signing_secret=cfg.signing_secret, auth=auth, listeners=listeners)
    scheduler = start_scheduler(bot.coach)
    previous = _stop_on_sigterm()
    stop: Callable[[], None] = lambda: None  # noqa: E731
    try:
        if cfg.app_token:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            handler = SocketModeHandler(app, cfg.app_token, web_client=client)
            stop = handler.close
            log.info("event=slack_starting mode=socket")
            handler.start()
        else:
            bot_user = auth.get("user_id")
            server = create_server(wsgi_app(app, signing_secret=cfg.signing_secret, readiness=readiness(bot, chat),
                                            events=lambda body: listeners.accept_event(body, bot_user_id=bot_user)),
                                   host=host, port=port)
            stop = server.close
            log.info("event=slack_starting mode=http url=http://%s:%s%s", host, port, EVENTS_PATH)
            server.run()
    except KeyboardInterrupt:
        log.info("event=slack_stopping")
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        try:
            stop()
        except Exception:
            log.warning("event=slack_stop_failed", exc_info=True)
        scheduler.shutdown(wait=False)
        workers.stop(drain_seconds)
        bot.close()

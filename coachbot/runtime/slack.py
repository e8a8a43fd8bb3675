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
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk import WebClient

from coachbot.domain.errors import SetupError
from coachbot.domain.teams import Settings
from coachbot.logfmt import q
from coachbot.platforms.slack.chat import SlackChat
from coachbot.platforms.slack.client import api_error, is_auth_error, make_client
from coachbot.platforms.slack.listeners import SlackListeners, build_app
from coachbot.platforms.slack.server import Readiness, wsgi_app
from coachbot.runtime.app import Bot, utcnow
from coachbot.runtime.health import readiness as combined

log = logging.getLogger(__name__)
DRAIN_SECONDS = 10.0                  # how long a stop waits for work in hand
FORM_TIMEOUT = 2.5                    # views.open must beat the trigger's 3 s


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
    """``/readyz`` for Slack alone: see :func:`coachbot.runtime.health.readiness`."""
    return combined(bot, {"slack": lambda: (chat.health()["last_error"] is None, chat.health())}, clock=clock)


@dataclass
class SlackPart:
    """Slack's share of a running bot: its client and chat, and once attached, the Bolt app."""

    cfg: SlackEnv
    client: WebClient
    auth: dict
    chat: SlackChat
    app: Any = None
    listeners: SlackListeners | None = None
    handler: Any = None

    @property
    def http(self) -> bool:
        return self.cfg.mode == "http"

    def attach(self, bot: Bot) -> None:
        coach = bot.coaches[self.chat.platform]
        unmapped = [t.id for t in bot.settings.teams if not t.channels.get("slack")]
        if unmapped:
            log.warning("event=teams_without_slack_channels teams=%s hint=%s", ",".join(unmapped),
                        q("add channel ids under teams[].channels.slack in coachbot.yaml"))
        self.listeners = SlackListeners(coach, self.chat, fast_client=make_client(
            self.cfg.bot_token, base_url=self.cfg.api_url, timeout=FORM_TIMEOUT))
        self.app = build_app(coach, self.chat, signing_secret=self.cfg.signing_secret, auth=self.auth,
                             listeners=self.listeners)

    def wsgi(self, ready: Readiness | None) -> Callable[..., Any]:
        listeners = self.listeners
        assert listeners is not None
        bot_user = self.auth.get("user_id")
        return wsgi_app(self.app, signing_secret=self.cfg.signing_secret, readiness=ready,
                        events=lambda body: listeners.accept_event(body, bot_user_id=bot_user))

    def connect(self) -> None:
        """Socket Mode: open the outbound WebSocket (returns at once; the handler keeps it up)."""
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        self.handler = SocketModeHandler(self.app, self.cfg.app_token, web_client=self.client)
        log.info("event=slack_starting mode=socket")
        self.handler.connect()

    def health(self) -> tuple[bool, dict[str, Any]]:
        health = self.chat.health()
        return health["last_error"] is None, health

    def stop(self) -> None:
        if self.handler is not None:
            self.handler.close()


def prepare_slack(settings: Settings, env: Mapping[str, str]) -> SlackPart:
    """Check the variables, wait until Slack answers (an outage is retried, not fatal), build the chat."""
    cfg = slack_env(env)
    client = make_client(cfg.bot_token, base_url=cfg.api_url)
    auth = wait_for_slack(client)
    chat = SlackChat(client)
    chat.last_ok = time.monotonic()
    return SlackPart(cfg, client, auth, chat)

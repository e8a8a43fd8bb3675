"""``coachbot run --platform wecom``: WeCom's surfaces from the environment and ``coachbot.yaml``'s ``wecom:``.

Which surfaces run follows the variables that are set (``wecom.bot`` / ``wecom.app`` may say it outright):

- ``WECOM_BOT_ID`` + ``WECOM_BOT_SECRET``: the AI bot's long connection (outbound WebSocket to
  ``WECOM_WS_URL``, default ``wss://openws.work.weixin.qq.com``): answers, commands, group posts, DMs.
- ``WECOM_TOKEN`` + ``WECOM_AES_KEY``: the AI bot's HTTP callback at ``/wecom/aibot`` on ``--port``.
- ``WECOM_CORP_ID`` + ``WECOM_APP_SECRET`` + ``WECOM_AGENT_ID``: the self-built app (private messages);
  with ``WECOM_APP_TOKEN`` + ``WECOM_APP_AES_KEY`` (else the two above) its callback at ``/wecom/callback``.
- ``webhook:ENV`` channels and ``wecom.webhooks``: group robots whose keys are in those variables.

A variable a configured surface needs and that is missing stops the start, naming it. With no team
mapped to WeCom yet the bot still starts (lookups and commands work) and logs what is not configured,
so a lead can check the callback URL in the admin console before mapping teams.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from coachbot.domain.errors import SetupError
from coachbot.domain.teams import Settings
from coachbot.logfmt import q
from coachbot.platforms.http import Readiness, WSGIApp
from coachbot.platforms.wecom.api import WeComAPI
from coachbot.platforms.wecom.chat import WEBHOOK, WeComChat
from coachbot.platforms.wecom.crypto import CryptoError, WeComCrypto
from coachbot.platforms.wecom.longconn import LongConnection
from coachbot.platforms.wecom.receiver import WeComReceiver
from coachbot.platforms.wecom.server import AIBOT_PATH, APP_PATH, wecom_wsgi
from coachbot.runtime.app import Bot
from coachbot.settings import WeComOptions, wecom_problems, wecom_surfaces

log = logging.getLogger(__name__)


class WeComSetupError(SetupError):
    """WeCom cannot start as configured; the message says which variable or setting is missing."""


def _get(env: Mapping[str, str], name: str) -> str:
    return (env.get(name) or "").strip()


@dataclass
class WeComPart:
    """WeCom's share of a running bot: its chat, and once attached, its receiver and long connection."""

    options: WeComOptions
    chat: WeComChat
    link: LongConnection | None
    bot_crypto: WeComCrypto | None
    app_crypto: WeComCrypto | None
    receiver: WeComReceiver | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def http(self) -> bool:
        return self.bot_crypto is not None or self.app_crypto is not None

    def attach(self, bot: Bot) -> None:
        coach = bot.coaches[self.chat.platform]
        self.receiver = WeComReceiver(coach, self.chat, group_ack=self.options.group_ack)
        if self.link is not None:
            self.link.on_frame = self.receiver.on_frame
            self.link.start()

    def wsgi(self, readiness: Readiness | None) -> WSGIApp:
        assert self.receiver is not None
        return wecom_wsgi(self.receiver, bot=self.bot_crypto, app=self.app_crypto, readiness=readiness)

    def health(self) -> tuple[bool, dict[str, Any]]:
        detail = self.chat.health()
        ok = self.link is None or (self.link.ready.is_set() and not self.link.kicked)
        return ok, detail

    def stop(self) -> None:
        if self.link is not None:
            self.link.stop()
        if self.receiver is not None:
            self.receiver.close()


def _crypto(token: str, key: str, receive_id: str, names: tuple[str, str]) -> WeComCrypto:
    try:
        return WeComCrypto(token, key, receive_id)
    except CryptoError as exc:
        raise WeComSetupError(f"{names[1]}: {exc} (the EncodingAESKey shown next to {names[0]} in the admin "
                              "console)") from None


def prepare_wecom(settings: Settings, env: Mapping[str, str]) -> WeComPart:
    """Check the variables and the combination, and build WeCom's chat (nothing connects yet)."""
    declared = settings.platforms.get("wecom") or WeComOptions()
    options = wecom_surfaces(declared, env)
    missing: list[str] = []

    def need(*names: str) -> None:
        missing.extend(n for n in names if not _get(env, n))

    if options.bot == "long-connection":
        need("WECOM_BOT_ID", "WECOM_BOT_SECRET")
    if options.bot == "callback":
        need("WECOM_TOKEN", "WECOM_AES_KEY")
    if options.app:
        need("WECOM_CORP_ID", "WECOM_APP_SECRET", "WECOM_AGENT_ID")
    teams = [t for t in settings.teams if t.channels.get("wecom")]
    hooks: dict[str, str] = {}
    for name in {c[len(WEBHOOK):] for t in teams for c in t.channels["wecom"] if c.startswith(WEBHOOK)} | \
            set(options.webhooks.values()):
        if _get(env, name):
            hooks[name] = _get(env, name)
        else:
            missing.append(name)
    if options.bot == "none" and not options.app:
        raise WeComSetupError(
            "No WeCom surface is configured. Set WECOM_BOT_ID and WECOM_BOT_SECRET (智能机器人, long connection: "
            "no public URL needed), or WECOM_TOKEN and WECOM_AES_KEY (智能机器人, HTTP callback at /wecom/aibot), "
            "or WECOM_CORP_ID, WECOM_APP_SECRET and WECOM_AGENT_ID (自建应用). See the README's WeCom section.")
    if missing:
        raise WeComSetupError(f"{', '.join(sorted(set(missing)))} not set: WeCom cannot start as configured "
                              f"(bot: {options.bot}, app: {str(options.app).lower()}). See the README's WeCom section.")
    agent = _get(env, "WECOM_AGENT_ID")
    if agent and not agent.isdigit():
        raise WeComSetupError(f"WECOM_AGENT_ID must be the app's AgentId (a number), got {agent!r}")
    problems = wecom_problems(options, settings.teams)
    notes = [message for _, message in problems]
    if problems and teams:
        raise WeComSetupError("WeCom cannot serve these teams as configured:\n" + "\n".join(f"- {n}" for n in notes))
    api = WeComAPI(_get(env, "WECOM_API_URL") or None, corp_id=_get(env, "WECOM_CORP_ID"),
                   app_secret=_get(env, "WECOM_APP_SECRET") if options.app else "",
                   agent_id=int(agent) if agent and options.app else None)
    link = None
    if options.bot == "long-connection":
        link = LongConnection(_get(env, "WECOM_WS_URL") or None, _get(env, "WECOM_BOT_ID"),
                              _get(env, "WECOM_BOT_SECRET"), on_frame=lambda frame: None)
    bot_crypto = app_crypto = None
    if _get(env, "WECOM_TOKEN") and _get(env, "WECOM_AES_KEY") and options.bot != "long-connection":
        bot_crypto = _crypto(_get(env, "WECOM_TOKEN"), _get(env, "WECOM_AES_KEY"), "",
                             ("WECOM_TOKEN", "WECOM_AES_KEY"))
    if options.app:
        token = _get(env, "WECOM_APP_TOKEN") or _get(env, "WECOM_TOKEN")
        key = _get(env, "WECOM_APP_AES_KEY") or _get(env, "WECOM_AES_KEY")
        if token and key:
            app_crypto = _crypto(token, key, _get(env, "WECOM_CORP_ID"), ("WECOM_APP_TOKEN", "WECOM_APP_AES_KEY"))
    chat = WeComChat(api, link=link, private=options.private or "bot", names=options.names, hooks=hooks,
                     chat_hooks=options.webhooks, app_cards=app_crypto is not None)
    return WeComPart(options, chat, link, bot_crypto, app_crypto, notes=notes)


def log_wecom_start(part: WeComPart, settings: Settings, *, port: int, host: str) -> None:
    o = part.options
    log.info("event=wecom_starting bot=%s app=%s private=%s group_ack=%s long_connection=%s callbacks=%s",
             o.bot, str(o.app).lower(), o.private, str(o.group_ack).lower(),
             part.link.url if part.link else "off",
             ",".join(p for p, c in ((AIBOT_PATH, part.bot_crypto), (APP_PATH, part.app_crypto)) if c) or "off")
    if part.http:
        log.info("event=wecom_callback_url url=%s hint=%s", f"http://{host}:{port}",
                 q("put your public https address + /wecom/aibot (or /wecom/callback) in the admin console"))
    unmapped = [t.id for t in settings.teams if not t.channels.get("wecom")]
    if unmapped:
        log.warning("event=teams_without_wecom_channels teams=%s hint=%s", ",".join(unmapped),
                    q("add group chat ids (shown in the bot's hint in each group) or webhook:ENV under "
                      "teams[].channels.wecom in coachbot.yaml"))
    for note in part.notes:
        log.warning("event=wecom_not_configured detail=%s", q(note))

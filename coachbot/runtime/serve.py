"""``coachbot run --platform slack,wecom``: one process, one store, every platform it is given.

Each platform contributes a *part* (:class:`coachbot.runtime.slack.SlackPart`,
:class:`coachbot.runtime.wecom.WeComPart`): its chat for the bot, its listeners once the bot exists, its
HTTP routes (one waitress server on ``--port`` serves them all, by path prefix), and its outbound
connections (Slack's Socket Mode, WeCom's long connection). The scheduler drives every platform's coach
from the same jobs; the inbox and outbox workers serve all of them.

On SIGTERM or Ctrl-C: stop accepting (close the connections and the server), stop the scheduler, let the
workers finish what they hold for ``drain_seconds``, close the database. Whatever was acknowledged and not
finished stays in the inbox and the outbox for the next start.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from coachbot.domain.errors import SetupError
from coachbot.domain.teams import Settings
from coachbot.platforms.http import DEFAULT_HOST, Readiness, by_prefix, create_server
from coachbot.runtime.app import Bot, build, setup_logging, warm_lookups
from coachbot.runtime.health import readiness
from coachbot.runtime.schedule import start_scheduler
from coachbot.runtime.workers import Workers
from coachbot.settings import Env

log = logging.getLogger(__name__)
DRAIN_SECONDS = 10.0
PLATFORM_NAMES = ("slack", "wecom")

Health = Callable[[], tuple[bool, dict[str, Any]]]


class Part(Protocol):
    chat: Any

    @property
    def http(self) -> bool: ...
    def attach(self, bot: Bot) -> None: ...
    def wsgi(self, ready: Readiness | None) -> Callable[..., Any]: ...
    def health(self) -> tuple[bool, dict[str, Any]]: ...
    def stop(self) -> None: ...


def parse_platforms(value: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(p.strip().lower() for p in value.split(",") if p.strip()))
    unknown = [n for n in names if n not in PLATFORM_NAMES]
    if unknown or not names:
        raise SetupError(f"--platform {value!r}: choose from {', '.join(PLATFORM_NAMES)} (comma-separated)")
    return names


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def prepare(settings: Settings, platforms: Sequence[str], env: Mapping[str, str], *, port: int,
            host: str) -> dict[str, Part]:
    parts: dict[str, Part] = {}
    for name in platforms:          # check every platform's variables before connecting to any
        if name == "wecom":
            from coachbot.runtime.wecom import log_wecom_start, prepare_wecom

            wecom = prepare_wecom(settings, env)
            log_wecom_start(wecom, settings, port=port, host=host)
            parts[name] = wecom
        else:
            from coachbot.runtime.slack import slack_env

            slack_env(env)
    if "slack" in platforms:
        from coachbot.runtime.slack import prepare_slack

        parts = {"slack": prepare_slack(settings, env), **parts}
    return parts


def run_slack(settings: Settings, port: int = 3000, *, host: str = DEFAULT_HOST, env: Mapping[str, str] | None = None,
              drain_seconds: float = DRAIN_SECONDS) -> None:
    """``coachbot run --platform slack``."""
    serve(settings, ("slack",), port=port, host=host, env=env, drain_seconds=drain_seconds)


def serve(settings: Settings, platforms: Sequence[str], *, port: int = 3000, host: str = DEFAULT_HOST,
          env: Mapping[str, str] | None = None, drain_seconds: float = DRAIN_SECONDS,
          stop: threading.Event | None = None) -> None:
    """Run until interrupted (or ``stop`` is set): build the bot over every platform, start its workers, the
    scheduler, the connections and the HTTP server."""
    environment = Env.read(env)
    setup_logging(environment.log_level)
    parts = prepare(settings, platforms, environment.platform, port=port, host=host)
    bot = build(settings, *(part.chat for part in parts.values()))
    warm_lookups(bot)
    workers = Workers(bot, inbox_threads=environment.inbox_threads,
                      outbox_threads=environment.outbox_threads).start()
    for part in parts.values():
        part.attach(bot)
    scheduler = start_scheduler(*(bot.coaches[name] for name in parts))
    ready = readiness(bot, {name: part.health for name, part in parts.items()})
    stop = stop or threading.Event()
    previous = signal.signal(signal.SIGTERM, _interrupt) if threading.current_thread() is threading.main_thread() \
        else None
    server: Any = None
    try:
        for part in parts.values():
            if hasattr(part, "connect") and not part.http:
                part.connect()                  # Slack's Socket Mode
        http = {name: part for name, part in parts.items() if part.http}
        if http:
            apps = {name: part.wsgi(ready) for name, part in http.items()}
            first = next(iter(apps.values()))
            app = by_prefix({f"/{name}/": a for name, a in apps.items()}, first) if len(apps) > 1 else first
            server = create_server(app, host=host, port=port)
            log.info("event=http_listening url=http://%s:%s platforms=%s", host,
                     getattr(server, "effective_port", port), ",".join(http))
            threading.Thread(target=lambda: (stop.wait(), server.close()), daemon=True).start()
            server.run()
        else:
            while not stop.wait(1.0):
                pass
    except KeyboardInterrupt:
        log.info("event=stopping platforms=%s", ",".join(parts))
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        for part in parts.values():
            try:
                part.stop()
            except Exception:
                log.warning("event=platform_stop_failed", exc_info=True)
        if server is not None:
            try:
                server.close()
            except Exception:
                pass
        scheduler.shutdown(wait=False)
        workers.stop(drain_seconds)
        bot.close()

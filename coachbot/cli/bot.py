"""CLI commands that run the bot: ``console``, ``run``, ``init``."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from coachbot.cli import context
from coachbot.domain.errors import CoachbotError
from coachbot.domain.teams import DEFAULT_TZ
from coachbot.domain.workdays import holiday_data_warnings
from coachbot.settings import STARTER


def _parse_now(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date-time like 2026-11-25T10:30+08:00") from None
    if at.tzinfo is None:
        from zoneinfo import ZoneInfo
        at = at.replace(tzinfo=ZoneInfo(DEFAULT_TZ))
    return at


def run_console_cmd(config: str | None, db: str | None, now: str | None) -> None:
    from coachbot.platforms.console import ConsoleChat, run_console, stdin_reader
    from coachbot.runtime.app import build, setup_logging
    from coachbot.usecases.due import run_due

    setup_logging("WARNING")
    settings = context.settings(config, db)
    fixed = _parse_now(now)
    clock = (lambda: fixed) if fixed else (lambda: datetime.now(UTC))
    chat = ConsoleChat(sys.stdout, files=Path(settings.database).resolve().parent / "coachbot-files")
    bot = build(settings, chat, clock=clock)   # logs (to stderr) any problem in the team's content folders
    for line in holiday_data_warnings(settings.teams, clock()):
        logging.getLogger("coachbot.console").warning(line)
    interactive = sys.stdin.isatty()
    try:
        run_console(bot.inbox, chat, clock, db=settings.database, read_line=stdin_reader(interactive),
                    echo=not interactive, on_tick=lambda at: run_due(bot.coach, at))
    except KeyboardInterrupt:
        click.echo("\n再见！")
    finally:
        bot.close()


@click.command()
@click.option("--config", type=click.Path(dir_okay=False), help="coachbot.yaml (or COACHBOT_CONFIG).")
@click.option("--db", help="SQLite file (default from config, else ./coachbot.db).")
@click.option("--now", help="Pretend it is this time (ISO 8601), for demos and scripted runs.")
def console(config: str | None, db: str | None, now: str | None) -> None:
    """Chat with the bot in the terminal: demo team, local SQLite, no accounts."""
    run_console_cmd(config, db, now)


@click.command()
@click.option("--config", type=click.Path(dir_okay=False), help="coachbot.yaml (or COACHBOT_CONFIG).")
@click.option("--db", help="SQLite file.")
@click.option("--platform", default=None, metavar="NAMES",
              help="console, slack, wecom, or several at once: slack,wecom (one process, one database). "
                   "Default: the platforms coachbot.yaml maps teams to, else the local console.")
@click.option("--port", type=int, default=3000, show_default=True,
              help="HTTP port (Slack HTTP mode, WeCom callbacks, /healthz, /readyz).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on (HTTP mode). The default serves a reverse proxy on this machine; "
                   "use 0.0.0.0 to listen on every interface (e.g. in a container).")
def run(config: str | None, db: str | None, platform: str | None, port: int, host: str) -> None:
    """Start the bot: the console when no platform is configured."""
    from coachbot.runtime.serve import PLATFORM_NAMES, parse_platforms

    settings = context.settings(config, db)
    configured = [p for p in PLATFORM_NAMES if any(t.channels.get(p) for t in settings.teams)]
    console = platform.strip().lower() == "console" if platform is not None else not configured
    if console:
        run_console_cmd(config, db, None)
        return
    try:
        chosen = parse_platforms(platform) if platform is not None else tuple(configured)
    except CoachbotError as exc:
        raise click.BadParameter(exc.message, param_hint="--platform") from None
    from coachbot.runtime.serve import serve

    serve(settings, chosen, port=port, host=host)


@click.command()
@click.argument("path", default="coachbot.yaml", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: str, force: bool) -> None:
    """Write a commented starter coachbot.yaml."""
    target = Path(path)
    if target.exists() and not force:
        raise click.ClickException(f"{target} already exists; use --force to overwrite it.")
    target.write_text(STARTER, encoding="utf-8")
    click.echo(f"Wrote {target}. Edit the teams and channels, then run: coachbot run --config {target}")


COMMANDS = (console, run, init)

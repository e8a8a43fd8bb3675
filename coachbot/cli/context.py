"""What every CLI command shares: the content library and settings, loaded once per invocation.

Library and settings errors are raised as :class:`coachbot.domain.errors.CoachbotError`
subclasses; :func:`coachbot.cli.main.main` turns them into exit codes in one place.
"""

from __future__ import annotations

import click

from coachbot.content.library import ContentError, Library, load_library
from coachbot.domain.teams import Settings
from coachbot.settings import Env, settings_from_env


def settings(config: str | None = None, db: str | None = None) -> Settings:
    """``--config``/``COACHBOT_CONFIG`` (else the embedded demo default), ``--db`` overriding."""
    return settings_from_env(config, db)


def library(ctx: click.Context) -> Library:
    """Built-in content, the configured content folders, then ``--content`` folders (later ones override)."""
    obj = ctx.ensure_object(dict)
    if "library" not in obj:
        lib, problems = load_library([*settings().content_dirs, *obj.get("content_dirs", ())])
        if problems:
            raise ContentError(problems, hint="运行 `coachbot validate` 查看详情。")
        obj["library"] = lib
    return obj["library"]


def report_tz(tz: str | None) -> str:
    """``--tz``, else ``COACHBOT_TZ``, else Asia/Shanghai."""
    return tz or Env.read().tz

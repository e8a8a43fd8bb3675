"""The one command line: ``coachbot``. Thin click wrappers over the core."""

from __future__ import annotations

import json
import sys

import click

from .content.library import ContentError, Library, load_library, validate_paths
from .content.lookup import ScriptIndex
from .messages import render_plain
from .render_text import script_index_text, script_text
from .views import suggestions


def _configured_content_dirs() -> tuple[str, ...]:
    """Extra content folders named by COACHBOT_CONFIG, if one is set."""
    from .settings import ConfigError, settings_from_env
    try:
        return settings_from_env(None).content_dirs
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _library(ctx: click.Context) -> Library:
    obj = ctx.ensure_object(dict)
    if "library" not in obj:
        lib, problems = load_library([*_configured_content_dirs(), *obj.get("content_dirs", ())])
        if problems:
            raise click.ClickException(str(ContentError(problems)) + "\n运行 `coachbot validate` 查看详情。")
        obj["library"] = lib
    return obj["library"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--content", "content_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Extra content folder (with tips/, playbook/, challenges/); repeatable. Same id overrides built-in.")
@click.pass_context
def main(ctx: click.Context, content_dirs: tuple[str, ...]) -> None:
    """coachbot: daily coaching for collection call-centre teams."""
    ctx.ensure_object(dict)["content_dirs"] = content_dirs


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
def validate(paths: tuple[str, ...]) -> None:
    """Check content files against the schema; report every problem as path:line: field: message."""
    from .content.library import builtin_root

    targets = list(paths) or [str(builtin_root())]
    problems, count = validate_paths(targets)
    for p in problems:
        click.echo(str(p))
    if problems:
        click.echo(f"{len(problems)} problem(s) in {count} file(s).", err=True)
        sys.exit(1)
    click.echo(f"OK: {count} file(s) checked, no problems.")


@main.command()
@click.argument("query", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print {match, suggestions, script} as JSON.")
@click.pass_context
def script(ctx: click.Context, query: tuple[str, ...], as_json: bool) -> None:
    """Look up a call script: /script broken-promise, /script 爽约."""
    lib = _library(ctx)
    text = " ".join(query).strip()
    if not text:
        if as_json:
            click.echo(json.dumps({"match": None, "suggestions": sorted(lib.scripts), "script": None}, ensure_ascii=False))
        else:
            click.echo(script_index_text(list(lib.scripts.values())))
        return
    result = ScriptIndex(lib.scripts).lookup(text)
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False))
    elif result.match:
        click.echo(script_text(result.match))
    else:
        click.echo(render_plain(suggestions(text, list(result.suggestions))))


def _register_optional() -> None:
    from . import cli_bot, cli_grade, cli_schedule
    cli_grade.register(main)
    cli_bot.register(main)
    cli_schedule.register(main)
    try:
        from . import cli_store
    except ImportError:  # pragma: no cover - during bootstrap only
        return
    cli_store.register(main)


_register_optional()

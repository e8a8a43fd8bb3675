"""``coachbot validate`` and ``coachbot script``: content checks and playbook lookups."""

from __future__ import annotations

import json
import sys

import click

from coachbot.cli import context
from coachbot.content.library import validate_paths
from coachbot.content.lookup import ScriptIndex
from coachbot.domain.errors import Problem
from coachbot.present.messages import render_plain
from coachbot.present.plain import script_index_text, script_text
from coachbot.present.views import suggestions


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--config", type=click.Path(dir_okay=False),
              help="coachbot.yaml whose content_dirs to check (default: COACHBOT_CONFIG).")
@click.pass_context
def validate(ctx: click.Context, paths: tuple[str, ...], config: str | None) -> None:
    """Check content files against the schema; report every problem as path:line: field: message.

    Without PATHS: the built-in content, the configured content_dirs and every --content folder.
    """
    from coachbot.content.library import builtin_root

    targets = list(paths) or [str(builtin_root()), *context.settings(config).content_dirs,
                              *ctx.ensure_object(dict).get("content_dirs", ())]
    warnings: list[Problem] = []
    problems, count = validate_paths(targets, warnings)
    for p in problems + warnings:
        click.echo(str(p))
    if problems:
        click.echo(f"{len(problems)} problem(s) in {count} file(s).", err=True)
        sys.exit(1)
    also = f", {len(warnings)} warning(s)" if warnings else ""
    click.echo(f"OK: {count} file(s) checked in {', '.join(targets)}, no problems{also}.")


@click.command()
@click.argument("query", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print {match, suggestions, script} as JSON.")
@click.pass_context
def script(ctx: click.Context, query: tuple[str, ...], as_json: bool) -> None:
    """Look up a call script: /script broken-promise, /script 爽约."""
    lib = context.library(ctx)
    text = " ".join(query).strip()
    if not text:
        if as_json:
            click.echo(json.dumps({"match": None, "suggestions": sorted(lib.scripts), "script": None}, ensure_ascii=False))
        else:
            click.echo(script_index_text(list(lib.scripts.values())))
        return
    result = ScriptIndex(lib.scripts, synonyms=lib.synonyms).lookup(text)
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False))
    elif result.match:
        click.echo(script_text(result.match))
    else:
        click.echo(render_plain(suggestions(text, list(result.suggestions), close=result.close,
                                            library=lib.scripts.values())))


COMMANDS = (validate, script)

"""``coachbot validate`` and ``coachbot script``: content checks and playbook lookups."""

from __future__ import annotations

import json
import sys
from datetime import date

import click

from coachbot.cli import context
from coachbot.content.citations import render
from coachbot.content.library import citation_counts, validate_paths
from coachbot.content.lookup import ScriptIndex
from coachbot.domain.errors import Problem
from coachbot.grading.fixtures import fixture_problems
from coachbot.present.messages import render_plain
from coachbot.present.plain import citations_text, script_index_text, script_text
from coachbot.present.views import suggestions


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--config", type=click.Path(dir_okay=False),
              help="coachbot.yaml whose content_dirs to check (default: COACHBOT_CONFIG).")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Judge how old each citation's verification is on this day (default: today).")
@click.pass_context
def validate(ctx: click.Context, paths: tuple[str, ...], config: str | None, as_of: object) -> None:
    """Check content files against the schema; report every problem as path:line: field: message.

    Without PATHS: the built-in content, the configured content_dirs and every --content folder.
    Citations must name registry entries in force; an entry verified more than 12 months ago is a problem.
    """
    from coachbot.content.library import builtin_root

    targets = list(paths) or [str(builtin_root()), *context.settings(config).content_dirs,
                              *ctx.ensure_object(dict).get("content_dirs", ())]
    today = as_of.date() if hasattr(as_of, "date") else date.today()
    warnings: list[Problem] = []
    problems, count = validate_paths(targets, warnings, today=today,
                                     rule_check=lambda lib, paths, warn: fixture_problems(lib, paths, warn))
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


@click.command()
@click.option("-v", "--verbose", is_flag=True, help="Add each entry's quote, source and note.")
@click.option("--json", "as_json", is_flag=True, help="Print every entry with its fields and count as JSON.")
@click.pass_context
def citations(ctx: click.Context, verbose: bool, as_json: bool) -> None:
    """List the citations registry (built-in and --content folders) and how often the content cites each entry."""
    lib = context.library(ctx)
    registry, counts = lib.shared.citations, citation_counts(lib)
    if not as_json:
        click.echo(citations_text(registry, counts, verbose=verbose))
        return
    rows = [{
        "id": c.id, "citation": render(c, registry.levels), "cited": counts.get(c.id, 0),
        "title": c.title, "short_title": c.short_title, "issuer": c.issuer, "doc_number": c.doc_number,
        "version": c.version, "effective": c.effective.isoformat() if c.effective else None,
        "article": c.article, "paragraph": c.paragraph, "item": c.item, "quote": c.quote, "source": c.source,
        "source_kind": c.source_kind, "verified_on": c.verified_on.isoformat(), "status": c.status,
        "binding": c.binding, "jurisdiction": c.jurisdiction, "superseded_by": c.superseded_by, "note": c.note,
        "file": str(c.path) if c.path else None,
    } for c in registry.entries.values()]
    click.echo(json.dumps(rows, ensure_ascii=False, indent=1))


COMMANDS = (validate, script, citations)

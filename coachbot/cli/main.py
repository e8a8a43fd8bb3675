"""The ``coachbot`` command group. Expected failures become exit codes here, and only here."""

from __future__ import annotations

from typing import Any

import click

from coachbot.cli import bot, content, grade, leads, privacy, schedule, store
from coachbot.domain.errors import CoachbotError


class Coachbot(click.Group):
    """The group: a :class:`CoachbotError` is shown as click shows its own (``Error: <message>`` on
    stderr) and exits with the error's code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CoachbotError as error:
            click.echo(f"Error: {error.message}", err=True)
            ctx.exit(error.exit_code)


@click.group(cls=Coachbot, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--content", "content_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Extra content folder (with tips/, playbook/, challenges/); repeatable. Same id overrides built-in.")
@click.pass_context
def main(ctx: click.Context, content_dirs: tuple[str, ...]) -> None:
    """coachbot: daily coaching for collection call-centre teams."""
    ctx.ensure_object(dict)["content_dirs"] = content_dirs


for module in (content, grade, bot, schedule, store, privacy, leads):
    for command in module.COMMANDS:
        main.add_command(command)
for command in leads.EXPORTS:
    store.export_group.add_command(command)

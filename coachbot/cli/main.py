"""The ``coachbot`` command group. Expected failures become exit codes here, and only here."""

from __future__ import annotations

from typing import Any

import click

from coachbot.cli import bot, content, grade, schedule, store
from coachbot.domain.errors import CoachbotError


class CliError(click.ClickException):
    """A :class:`CoachbotError` as click shows it: ``Error: <message>`` on stderr, its exit code."""

    def __init__(self, error: CoachbotError) -> None:
        super().__init__(error.message)
        self.exit_code = error.exit_code


class Coachbot(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CoachbotError as error:
            raise CliError(error) from None


@click.group(cls=Coachbot, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--content", "content_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Extra content folder (with tips/, playbook/, challenges/); repeatable. Same id overrides built-in.")
@click.pass_context
def main(ctx: click.Context, content_dirs: tuple[str, ...]) -> None:
    """coachbot: daily coaching for collection call-centre teams."""
    ctx.ensure_object(dict)["content_dirs"] = content_dirs


for module in (content, grade, bot, schedule, store):
    for command in module.COMMANDS:
        main.add_command(command)

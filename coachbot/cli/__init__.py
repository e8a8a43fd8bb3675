"""The one command line, ``coachbot``: thin click commands over the core."""

from coachbot.cli.main import main

__all__ = ["main"]

"""Telling the leads that a file in a team's content folder did not load, and what serves in its place.

A broken file never takes the bot down (see :func:`coachbot.content.library.load_library`); the leads hear
about it once per set of problems — a restart with the same problems sends nothing new.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from coachbot.domain.errors import Problem
from coachbot.domain.teams import Settings
from coachbot.logfmt import q
from coachbot.present.messages import Message, Section
from coachbot.present.strings import strings
from coachbot.usecases.outbox import Outbox, delivery

log = logging.getLogger(__name__)

SHOWN = 8   # problems listed in the message; the log has every one


def log_content_problems(problems: Sequence[Problem], standins: Mapping[Path, str]) -> None:
    by_path = {str(path): standin for path, standin in standins.items()}
    for p in problems:
        log.error("event=content_problem path=%s line=%d field=%s problem=%s standin=%s "
                  'hint="fix the file and run coachbot validate; the rest of the content is in use"',
                  q(p.path), p.line, q(p.field), q(p.message), by_path.get(p.path, "none"))


def content_notice(problems: Sequence[Problem], standins: Mapping[Path, str], lang: str) -> Message:
    s = strings(lang)
    files = sorted({p.path for p in problems})
    by_path = {str(path): standin for path, standin in standins.items()}
    lines = [s.content_problem_file.format(file=Path(f).name, standin=s.content_standins[by_path.get(f, "none")])
             for f in files]
    details = [str(p) for p in problems[:SHOWN]]
    if len(problems) > SHOWN:
        details.append(s.content_problem_more.format(more=len(problems) - SHOWN))
    return Message(title=s.content_problem_title, kind="error", sections=(
        Section(s.content_problem_intro.format(files=len(files)) + "\n" + "\n".join(f"• {line}" for line in lines)),
        Section(s.content_problem_fix),
        Section("\n".join(details)),
    ))


def notify_leads(outbox: Outbox, settings: Settings, platforms: Iterable[str], problems: Sequence[Problem],
                 standins: Mapping[Path, str], *, now: datetime) -> int:
    """A private message to every lead of every team on ``platforms``; returns how many were queued."""
    if not problems:
        return 0
    digest = hashlib.sha256("\n".join(sorted(map(str, problems))).encode()).hexdigest()[:16]
    out = []
    for platform in platforms:
        told: set[str] = set()
        for team in settings.teams:
            if not team.channels.get(platform):
                continue
            for lead in team.leads:
                if lead in told:
                    continue
                told.add(lead)
                out.append(delivery(f"content-problems:{digest}:{platform}:{lead}", platform, "dm",
                                    content_notice(problems, standins, team.language), user=lead))
    return outbox.enqueue(out, now=now)

"""Everything a member sends comes through :func:`handle`: a command line goes to the command table,
anything else to the challenge it may answer. This is chat's one error path.

An expected failure (:class:`coachbot.domain.errors.CoachbotError`) is answered
with its message; anything else is logged with a short reference id and the
member gets an apology carrying that id — never a traceback, never silence.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from coachbot.domain.errors import CoachbotError
from coachbot.present.messages import text
from coachbot.present.strings import strings
from coachbot.usecases.coach import Coach
from coachbot.usecases.commands import run_command
from coachbot.usecases.ports import Incoming, Reply

log = logging.getLogger(__name__)


def is_command(msg: Incoming) -> bool:
    return msg.text.strip().startswith("/")


def handle(coach: Coach, msg: Incoming, now: datetime) -> list[Reply]:
    """The replies to ``msg``; never raises."""
    try:
        if is_command(msg):
            if msg.event_id and not coach.store.mark_event(msg.event_id, at=now):
                return []
            return run_command(coach, msg, now)
        return coach.handle_reply(msg, now)
    except CoachbotError as exc:
        return [Reply(text(exc.message, kind="error"))]
    except Exception:
        ref = uuid.uuid4().hex[:8]
        log.exception("event=handler_error ref=%s platform=%s channel=%s user=%s", ref, msg.platform, msg.channel,
                      msg.user)
        return [Reply(text(strings(_lang_safe(coach, msg)).apology.format(ref=ref), kind="error"))]


def _lang_safe(coach: Coach, msg: Incoming) -> str:
    """The member's team language for an apology; Chinese if even that lookup fails."""
    try:
        return coach.language_for(msg)
    except Exception:
        return "zh"

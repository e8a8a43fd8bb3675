"""Messages of per-agent practice: the practice card and the feedback on a practice answer."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from coachbot.content.models import Challenge
from coachbot.domain.review import DONE_AFTER, PracticeItem
from coachbot.domain.text import bounded
from coachbot.present.messages import Message, Section
from coachbot.present.strings import strings

QUOTE_LIMIT = 60


def _steps(challenge: Challenge, ids: tuple[str, ...], lang: str) -> str:
    s = strings(lang)
    labels = [c.label for c in challenge.criteria if c.id in ids]
    return s.list_sep.join(f"「{label}」" if lang != "en" else f'"{label}"' for label in labels)


def card(challenge: Challenge, item: PracticeItem, *, lang: str = "zh") -> Message:
    s = strings(lang)
    why = (s.practice_why_steps.format(steps=_steps(challenge, item.criteria, lang)) if item.criteria
           else s.practice_why_whole)
    return Message(
        title=s.practice_title.format(title=challenge.title),
        sections=(Section(why), Section(challenge.situation.strip(), heading=s.situation),
                  Section(challenge.customer_says.strip(), heading=s.customer_says, quote=True),
                  Section(s.practice_how, heading=s.how_to_answer)),
        kind="practice", meta={"content_id": challenge.id, "practice": item.id})


def feedback(challenge: Challenge, item: PracticeItem, grade: Mapping[str, Any], *, met: bool, in_row: int,
             done: bool, due: date, interval: int, lang: str = "zh") -> Message:
    s = strings(lang)
    lines = [s.practice_score.format(score=grade.get("score", 0))]
    for c in grade.get("criteria") or ():
        if c.get("met"):
            lines.append(s.met_line.format(label=c["label"], points=c["points"], max_points=c["max_points"],
                                           evidence=bounded(c.get("evidence") or "", QUOTE_LIMIT)))
        else:
            lines.append(s.missed_line.format(label=c["label"], max_points=c["max_points"],
                                              feedback=c.get("feedback") or ""))
    for v in grade.get("violations") or ():
        lines.append(s.violation_line.format(label=v.get("label"), evidence=bounded(v.get("evidence") or "", QUOTE_LIMIT),
                                             rule=v.get("rule")))
    if done:
        status = s.practice_done.format(times=DONE_AFTER)
    elif met:
        status = s.practice_met_once.format(left=DONE_AFTER - in_row, days=interval, due=f"{due:%m-%d}")
    else:
        what = _steps(challenge, item.criteria, lang) if item.criteria else s.practice_whole
        status = s.practice_missed.format(steps=what, days=interval, due=f"{due:%m-%d}")
    return Message(title=s.practice_feedback_title.format(title=challenge.title),
                   sections=(Section("\n".join(lines)), Section(status), Section(s.practice_not_counted)),
                   kind="feedback", meta={"score": grade.get("score"), "practice": item.id})

"""Messages about reviews: the appeal menu, the queue, one item to judge, the notice to the member."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from coachbot.domain.records import Submission
from coachbot.domain.review import Part, Review, parts
from coachbot.domain.text import bounded
from coachbot.present.messages import Button, Message, Section
from coachbot.present.strings import strings
from coachbot.present.views import reason_label, review_reasons

LABEL_LIMIT = 14     # characters of a criterion's label on a button
QUOTE_LIMIT = 60


def _day(at: datetime) -> str:
    return f"{at:%m-%d}"


def part_line(p: Part, lang: str = "zh") -> str:
    s = strings(lang)
    if p.kind == "criterion":
        mark = "✓" if p.graded else "✗"
        return s.part_criterion.format(key=p.key, mark=mark, label=p.label, points=p.points, max_points=p.max_points)
    signal = s.part_certain if p.certain else s.part_suspect
    return s.part_flag.format(key=p.key, label=p.label, signal=signal, evidence=bounded(p.evidence or "", QUOTE_LIMIT))


def part_name(grade: Mapping[str, Any], ref: str | None, lang: str = "zh") -> str:
    """What an appeal disputes, as people read it: ``c2 先接住情绪``, or the whole grade."""
    s = strings(lang)
    found = next((p for p in parts(grade) if p.ref == ref), None) if ref else None
    if found is None:
        return s.whole_grade if ref is None else ref
    return f"{found.key} {found.label}"


def why(review: Review, lang: str = "zh") -> str:
    s = strings(lang)
    if review.source == "appeal":
        note = s.quoted.format(text=bounded(review.appeal_note, QUOTE_LIMIT)) if review.appeal_note else ""
        return s.why_appeal.format(what=part_name(review.grade_before, review.disputed, lang), note=note)
    return s.why_grader.format(reasons=review_reasons(review.reasons, lang))


def outcome_words(review: Review, lang: str = "zh") -> str:
    s = strings(lang)
    if review.state == "open":
        return s.outcome_open
    if review.state == "upheld":
        return s.outcome_upheld.format(score=review.score_after)
    return s.outcome_overridden.format(before=review.score_before, after=review.score_after)


def appeal_menu(sub: Submission, grade: Mapping[str, Any], *, title: str, lang: str = "zh", buttons: bool = False,
                days: int = 3) -> Message:
    """The member's reply's parts to choose from, with how to appeal each (buttons where the platform has them)."""
    s = strings(lang)
    shown = parts(grade)
    lines = [part_line(p, lang) for p in shown]
    sections = [Section(s.appeal_menu_head.format(day=_day(sub.submitted_at), score=sub.score))]
    if lines:
        sections.append(Section("\n".join(lines)))
    sections.append(Section(s.appeal_menu_how.format(days=days)))
    choices: tuple[Button, ...] = ()
    if buttons:
        choices = tuple(Button(f"{p.key} {bounded(p.label, LABEL_LIMIT)}", "command", f"/coach appeal s{sub.id} {p.key}")
                        for p in shown) + (Button(s.whole_grade, "command", f"/coach appeal s{sub.id} all"),)
    return Message(title=s.appeal_menu_title.format(title=title), sections=tuple(sections), buttons=choices,
                   kind="info")


def queue(items: Sequence[Any], titles: Mapping[str, str], *, team_name: str, me: int | None,
          lang: str = "zh") -> Message:
    """A team's open items, numbered by their review number (it stays the same while others are decided)."""
    s = strings(lang)
    if not items:
        return Message(title=s.queue_title.format(team=team_name, count=0), sections=(Section(s.queue_empty),),
                       kind="info")
    lines = []
    for i in items:
        line = s.queue_line.format(id=i.review.id, name=i.member.name, title=titles.get(i.content_id, i.content_id),
                                   day=_day(i.submission.submitted_at), score=i.review.score_before,
                                   why=why(i.review, lang))
        if me is not None and i.member.id == me:
            line += s.queue_own
        lines.append(line)
    return Message(title=s.queue_title.format(team=team_name, count=len(items)),
                   sections=(Section("\n".join(lines)), Section(s.queue_hint)), kind="info")


def item(it: Any, *, title: str, lang: str = "zh", buttons: bool = False) -> Message:
    """One item in full: the reply, the grader's verdict part by part, why it is here, how to decide."""
    s = strings(lang)
    review: Review = it.review
    grade = review.grade_before
    shown = parts(grade)
    verdict = s.review_verdict.format(score=review.score_before,
                                      passed=s.passed if grade.get("passed") else s.not_passed)
    sections = [
        Section(it.submission.text or s.review_text_erased, heading=s.review_reply.format(
            name=it.member.name, day=_day(it.submission.submitted_at)), quote=bool(it.submission.text)),
        Section("\n".join([verdict, *(part_line(p, lang) for p in shown)]), heading=s.review_verdict_heading),
        Section(why(review, lang), heading=s.review_why_heading),
    ]
    if not review.is_open:
        sections.append(Section(s.review_decided.format(
            name=review.decided_name or review.decided_by or "", day=_day(review.decided_at) if review.decided_at else "",
            outcome=outcome_words(review, lang),
            note=s.quoted.format(text=review.decision_note) if review.decision_note else "")))
    sections.append(Section(s.review_how.format(id=review.id), heading=s.review_how_heading))
    choices: list[Button] = []
    if buttons:
        if review.is_open:
            choices.append(Button(s.button_uphold, "command", f"/coach uphold {review.id}"))
        for p in shown:
            if p.kind == "criterion":
                label = s.button_met if not p.graded else s.button_missed
                value = "yes" if not p.graded else "no"
            else:
                choices.append(Button(s.button_confirm.format(key=p.key), "command", f"/coach judge {review.id} {p.key} yes"))
                label, value = s.button_reject, "no"
            choices.append(Button(label.format(key=p.key), "command", f"/coach judge {review.id} {p.key} {value}"))
    return Message(title=s.review_title.format(id=review.id, title=title), sections=tuple(sections),
                   buttons=tuple(choices), kind="info")


def decision_notice(review: Review, sub: Submission, *, title: str, lead: str, counted: Submission | None,
                    points: tuple[int, int], note: str | None, lang: str = "zh") -> Message:
    """What the member hears: the outcome, what it did to their points, and the lead's note."""
    s = strings(lang)
    lines = [s.notice_head.format(day=_day(sub.submitted_at), title=title, lead=lead,
                                  outcome=outcome_words(review, lang))]
    now = counted or sub
    if now.counted:
        lines.append(s.notice_points.format(before=points[0], after=points[1]))
    else:
        lines.append(s.notice_not_counted.format(reason=reason_label(now.reason, lang)))
    if note:
        lines.append(s.notice_note.format(note=note))
    return Message(title=s.notice_title, sections=(Section("\n".join(lines)),), kind="info")

"""Messages of a blind calibration session: the intro, one item to grade, the results."""

from __future__ import annotations

from collections.abc import Sequence

from coachbot.content.models import Challenge
from coachbot.domain.agreement import Agreement
from coachbot.present.messages import Button, Message, Section
from coachbot.present.strings import strings


def _rate(a: Agreement) -> str:
    return "-" if a.rate is None else f"{a.rate:.0%}"


def _kappa(a: Agreement) -> str:
    return "-" if a.kappa is None else f"{a.kappa:.2f}"


def intro(session_id: int, count: int, *, lang: str = "zh") -> Message:
    s = strings(lang)
    return Message(title=s.calibrate_title.format(id=session_id),
                   sections=(Section(s.calibrate_intro.format(id=session_id, count=count)),), kind="info")


def item(session_id: int, index: int, count: int, challenge: Challenge, reply: str, *, lang: str = "zh",
         buttons: bool = False) -> Message:
    s = strings(lang)
    steps = [f"{i}. {c.label}" for i, c in enumerate(challenge.criteria, 1)]
    steps.append(f"{len(challenge.criteria) + 1}. {s.calibrate_violation}")
    example = "y" * len(challenge.criteria) + "n"
    return Message(
        title=s.calibrate_item_title.format(id=session_id, index=index, count=count, title=challenge.title),
        sections=(Section(challenge.situation.strip(), heading=s.situation),
                  Section(challenge.customer_says.strip(), heading=s.customer_says, quote=True),
                  Section(reply, heading=s.calibrate_reply, quote=True),
                  Section("\n".join(steps), heading=s.calibrate_steps),
                  Section(s.calibrate_how.format(id=session_id, item=index, count=len(steps), example=example))),
        buttons=(Button(s.calibrate_all_met, "command", f"/coach calibrate #{session_id} {index} {example}"),)
        if buttons else (),
        kind="info")


def noted(index: int, *, lang: str = "zh") -> Message:
    return Message(sections=(Section(strings(lang).calibrate_noted.format(item=index)),), kind="info")


def results(session_id: int, graded: int, total: int, with_bot: Agreement, misses: Sequence[tuple[str, int]],
            others: Sequence[tuple[str, Agreement]], *, lang: str = "zh") -> Message:
    s = strings(lang)
    sections = [Section(s.calibrate_with_bot.format(graded=graded, total=total, agree=with_bot.agree, n=with_bot.n,
                                                    rate=_rate(with_bot), kappa=_kappa(with_bot)))]
    if misses:
        sections.append(Section("\n".join(s.calibrate_miss.format(label=label, count=n) for label, n in misses[:5]),
                                heading=s.calibrate_misses_heading))
    if others:
        sections.append(Section("\n".join(s.calibrate_with_lead.format(name=name, agree=a.agree, n=a.n, rate=_rate(a),
                                                                       kappa=_kappa(a)) for name, a in others),
                                heading=s.calibrate_leads_heading))
    else:
        sections.append(Section(s.calibrate_no_others.format(id=session_id)))
    return Message(title=s.calibrate_results_title.format(id=session_id), sections=tuple(sections), kind="info")

"""The leads' weekly digest as a message (its chart is :mod:`coachbot.present.chart`)."""

from __future__ import annotations

from coachbot.domain.digest import Digest
from coachbot.domain.text import bounded
from coachbot.present.messages import Message, Section
from coachbot.present.strings import strings
from coachbot.present.views import category_label

QUOTE_LIMIT = 40


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def chart_title(team_name: str, *, lang: str = "zh") -> str:
    return strings(lang).digest_chart.format(team=team_name)


def digest(d: Digest, *, lang: str = "zh") -> Message:
    s = strings(lang)
    sections = [Section(s.digest_participation.format(
        participants=d.participants, agents=d.agents, all=_score(d.average_all), answered=_score(d.average_answered)),
        heading=s.participation_heading)]
    if d.weakest:
        lines = []
        for w in d.weakest:
            scripts = s.list_sep.join(f"/script {sid}（{title}）" if lang != "en" else f"/script {sid} ({title})"
                                      for sid, title in w.scripts) or s.digest_no_script
            lines.append(s.digest_weak.format(label=w.label, misses=w.misses, graded=w.graded, scripts=scripts))
        sections.append(Section("\n".join(lines), heading=s.digest_weak_heading))
    if d.slips:
        lines = []
        for slip in d.slips:
            lines.append(s.insight_category.format(label=category_label(slip.category, lang), count=slip.count))
            lines += [s.digest_quote.format(name=who, quote=bounded(what, QUOTE_LIMIT)) for who, what in slip.quotes]
        sections.append(Section("\n".join(lines), heading=s.compliance_issues))
    else:
        sections.append(Section(s.digest_no_slips, heading=s.compliance_issues))
    if d.improved:
        sections.append(Section("\n".join(s.digest_improved.format(name=i.member.name, before=_score(i.before),
                                                                   after=_score(i.after)) for i in d.improved),
                                heading=s.digest_improved_heading))
    sections.append(Section(s.digest_queue.format(appeals=d.open_appeals, doubts=d.open_doubts),
                            heading=s.digest_queue_heading))
    if d.practice_sent:
        sections.append(Section(s.digest_practice.format(sent=d.practice_sent, answered=d.practice_answered,
                                                         met=d.practice_met), heading=s.digest_practice_heading))
    return Message(title=s.digest_title.format(team=d.team_name, start=f"{d.week_start:%m-%d}",
                                               end=f"{d.week_end:%m-%d}"),
                   sections=tuple(sections), footer=s.digest_footer, kind="digest")

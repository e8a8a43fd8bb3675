"""The leads' weekly digest: on the team's summary slot each lead gets it privately, with a chart.

    digest = build_digest(store, library, team, now)      # values (also ``coachbot digest`` on the CLI)
    send_digests(coach, team, now)                        # the summary slot: one per lead per week, once

What it says (see :class:`coachbot.domain.digest.Digest`): participation, with the team's mean counting
agents who did not answer as 0 (as Qstream reports it) beside the mean of those who did; the criteria
missed most, each with the scripts that teach it; compliance slips per category with quotes; the agents
who improved most on last week; the review queue; practice. The chart shows each skill's mean score over
the last eight weeks and the pass rate trend.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from coachbot.content.library import Library, serves
from coachbot.domain.digest import Digest, Improved, WeakCriterion
from coachbot.domain.teams import Team
from coachbot.present import digest as digest_views
from coachbot.present.chart import weekly_chart
from coachbot.present.messages import Attachment, Message
from coachbot.usecases.coach import Coach, local_day
from coachbot.usecases.outbox import delivery
from coachbot.usecases.ports import Records

log = logging.getLogger(__name__)
WEEKS = 8
WEAKEST = 3
IMPROVED = 3


def scripts_for(library: Library, criterion_id: str) -> tuple[tuple[str, str], ...]:
    """The scripts that teach a criterion: those the challenges holding it practise."""
    challenges = [c.id for c in library.challenges.values() if any(k.id == criterion_id for k in c.criteria)]
    return tuple((s.id, s.title) for s in sorted(library.scripts.values(), key=lambda s: s.id)
                 if any(serves(c, s.id) for c in challenges))


def build_digest(store: Records, library: Library, team: Team, now: datetime) -> Digest:
    tz = team.timezone
    insight = store.team_insight(team.id, period="week", now=now, tz=tz)
    assert insight.period.start is not None and insight.period.end is not None
    means = store.member_means(team.id, period="week", now=now, tz=tz)
    last_start = insight.period.start - timedelta(days=7)
    before = store.member_means(team.id, now=now, tz=tz, start=last_start, end=last_start + timedelta(days=6))
    agents = insight.agents
    total = sum(mean for _, mean, _ in means.values())
    improved = sorted((Improved(m, before[mid][1], mean) for mid, (m, mean, _) in means.items()
                       if mid in before and mean > before[mid][1]), key=lambda i: (i.before - i.after, i.member.id))
    queue = store.review_items(team_id=team.id)
    monday = datetime.combine(insight.period.start, time(), team.tz)
    practice = store.practice_counts(team.id, since=monday, until=monday + timedelta(days=7))
    return Digest(
        team_id=team.id, team_name=team.name, week_start=insight.period.start, week_end=insight.period.end,
        agents=agents, participants=len(means),
        average_all=total / agents if agents else None,
        average_answered=total / len(means) if means else None,
        weakest=tuple(WeakCriterion(m.id, m.label, m.misses, m.graded, scripts_for(library, m.id))
                      for m in insight.missed_criteria[:WEAKEST]),
        slips=tuple(store.slips(team.id, period="week", now=now, tz=tz)),
        improved=tuple(improved[:IMPROVED]),
        open_appeals=sum(i.review.source == "appeal" for i in queue),
        open_doubts=sum(i.review.source == "grader" for i in queue),
        weeks=tuple(store.week_points(team.id, weeks=WEEKS, now=now, tz=tz)),
        practice_sent=practice[0], practice_answered=practice[1], practice_met=practice[2],
    )


def week_id(team: Team, now: datetime) -> str:
    iso = local_day(now, team).isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def digest_message(store: Records, library: Library, team: Team, now: datetime, *, chart: bool = True) -> Message:
    """The digest as a message, its chart attached."""
    found = build_digest(store, library, team, now)
    msg = digest_views.digest(found, lang=team.language)
    if not chart:
        return msg
    png, _ = weekly_chart(found.weeks, title=team.name, lang=team.language)
    name = f"digest-{team.id}-{week_id(team, now)}.png"
    return Message(title=msg.title, sections=msg.sections, footer=msg.footer, kind=msg.kind, meta=msg.meta,
                   attachment=Attachment(name, png, title=digest_views.chart_title(team.name, lang=team.language)))


def leads_here(coach: Coach, team: Team) -> list[str]:
    """The team's leads to reach on this coach's platform: those known here, or known on no platform at all
    (a lead's id on another platform of the same process would not reach them here)."""
    platforms = {p for p in team.channels if p != coach.platform}
    out = []
    for lead in team.leads:
        if coach.store.member(coach.platform, lead) is not None or not any(coach.store.member(p, lead) is not None for p in platforms):
            out.append(lead)
    return out


def send_digests(coach: Coach, team: Team, now: datetime) -> int:
    """Each lead's private digest for this week, once (the key is the team, week, platform and lead)."""
    leads = leads_here(coach, team)
    if not leads or not coach.channels(team):
        return 0
    msg = digest_message(coach.store, coach.library, team, now)
    week = week_id(team, now)
    added = coach.store.enqueue([delivery(f"digest:{team.id}:{week}:{coach.platform}:{lead}", coach.platform, "dm",
                                          msg, user=lead) for lead in leads], now=now)
    coach.outbox.kick(now)
    log.info("event=digest_queued team=%s week=%s leads=%d new=%d", team.id, week, len(leads), added)
    return added

"""A member's home: my record, my team's top 10 this week, and for leads the team's weak spots.

Platform-neutral: Slack renders it as the App Home tab; other platforms may
show it as a reply.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from coachbot.domain.teams import DEFAULT_TZ, Team, role_for
from coachbot.present import views
from coachbot.present.messages import Message, Section
from coachbot.present.strings import strings
from coachbot.usecases.coach import Coach


def home(coach: Coach, platform: str, user: str, now: datetime) -> list[Message]:
    store, settings = coach.store, coach.settings
    member = store.member(platform, user)
    team: Team | None = settings.team(member.team_id) if member else None
    if team is None:
        team = next((t for t in settings.teams if user in t.leads), None)
    lead = role_for(settings, team, platform=platform, user=user) != "agent"
    tz = team.timezone if team else DEFAULT_TZ
    lang = team.language if team else "zh"
    s = strings(lang)
    parts: list[Message] = []
    if member is not None:
        stats = store.member_stats(member, now=now, tz=tz, bonus_day=coach.days_off, practice_teams=coach.practice_teams)
        parts.append(replace(views.stats(stats, lang=lang), title=s.home_mine))
    else:
        parts.append(Message(title=s.home_mine, sections=(Section(s.no_answers_yet),)))
    if team is not None:
        board = store.leaderboard(period="week", scope="team", team_id=team.id, now=now, tz=tz, top=10,
                                  asker=(platform, user), bonus_day=coach.days_off, practice_teams=coach.practice_teams)
        parts.append(views.leaderboard(board, title=s.home_top.format(team=team.name), lang=lang))
        if lead:
            parts.append(replace(views.insight(coach.insight(team, now), team.name, lang=lang),
                                 title=s.home_weak.format(team=team.name)))
    parts.append(Message(sections=(Section(s.bot_intro),), kind="help"))
    return parts

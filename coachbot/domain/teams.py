"""Teams as the bot knows them: channels per platform, schedule, language, leads. Frozen values.

Built once from ``coachbot.yaml`` by :mod:`coachbot.settings` (or the embedded
demo default) and read everywhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Asia/Shanghai"
LANGUAGES = ("zh", "en")        # the bot's own wording; content stays Chinese
ANSWERS = ("channel", "thread")   # where a challenge's answers are taken from


@dataclass(frozen=True)
class Schedule:
    lesson: str = "09:00"
    challenge: str = "10:00"
    reveal: str | None = "16:00"
    reveal_after: timedelta | None = None
    summary: str = "fri 17:30"
    days: str = "workdays"                   # lessons and challenges: workdays | every day | a weekday list (mon-sat)


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    timezone: str = DEFAULT_TZ
    channels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    leads: tuple[str, ...] = ()
    show_names: bool = True
    schedule: Schedule = field(default_factory=Schedule)
    holidays: str | tuple[str, ...] = "cn"   # "cn", "none", or a list of ISO dates
    workdays: tuple[str, ...] = ()           # extra working days for a custom list
    language: str = "zh"                     # the bot's own wording: "zh" or "en"; content stays Chinese
    seasons: str = "none"                    # leaderboards by season: "month", "quarter" or "none"
    practice_counts: bool = False            # spaced-practice answers count toward the team's leaderboard
    answers: str = "channel"                 # "channel": top-level messages on a challenge day are answers too;
                                             # "thread": only replies in the challenge's thread are

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class ReviewRules:
    """``reviews:`` in coachbot.yaml: appeals and the grader's uncertain verdicts."""

    appeal_days: int = 3          # an agent may appeal a grade this many days after answering
    near_pass: int = 5            # a judged score this close to the pass mark (either side) goes to the queue
    uncertain: bool = True        # route the grader's uncertain verdicts to the queue


@dataclass(frozen=True)
class Settings:
    teams: tuple[Team, ...]
    admins: tuple[str, ...] = ()
    policy: str = "first"                    # "first" or "best_of:N"
    content_dirs: tuple[str, ...] = ()
    database: str = "coachbot.db"
    grace: timedelta = timedelta(hours=2)
    path: Path | None = None
    retention_days: int | None = None        # replies' text is erased after this many days; scores stay
    platforms: Mapping[str, Any] = field(default_factory=dict)   # per-platform options, read by its adapter
    reviews: ReviewRules = field(default_factory=ReviewRules)

    def team(self, team_id: str) -> Team | None:
        return next((t for t in self.teams if t.id == team_id), None)

    def team_for(self, platform: str, channel: str) -> Team | None:
        return next((t for t in self.teams if channel in t.channels.get(platform, ())), None)

    def is_admin(self, team: Team | None, *names: str) -> bool:
        """Whether any of ``names`` is a global admin or one of ``team``'s leads."""
        keys = {n for n in names if n}
        return bool(keys & set(self.admins)) or (team is not None and bool(keys & set(team.leads)))


DEMO_TEAM = Team(id="demo", name="演示团队", channels={"console": ("demo",), "fake": ("demo",)}, leads=("lead",))


def default_settings(database: str | None = None) -> Settings:
    """The embedded default: one demo team, console channel, no accounts."""
    return Settings(teams=(DEMO_TEAM,), database=database or "coachbot.db")




LOCAL_PLATFORMS = ("console", "fake")   # no accounts: a person is known by the name they type


def identity_keys(platform: str, user: str, user_name: str | None) -> tuple[str, ...]:
    """What may match ``leads`` and ``admins``: the user id, and on local platforms the name too.

    On Slack or WeCom a display name can be changed by anyone, so only the id counts.
    """
    return (user, user_name or "") if platform in LOCAL_PLATFORMS else (user,)


def role_for(settings: Settings, team: Team | None, *, platform: str, user: str, user_name: str | None = None) -> str:
    """``admin`` (``admins`` in coachbot.yaml), ``lead`` (the team's ``leads``) or ``agent``.

    The configuration is the only source: removing someone from ``leads`` takes
    their lead commands away at once.
    """
    keys = identity_keys(platform, user, user_name)
    if settings.is_admin(None, *keys):
        return "admin"
    return "lead" if settings.is_admin(team, *keys) else "agent"

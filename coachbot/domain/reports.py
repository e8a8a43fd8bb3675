"""What the record says, as values: periods, leaderboards, a member's stats, a team's insight.

:mod:`coachbot.store.reads` computes them with SQL; views and use cases read
them without knowing there is a database.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from coachbot.domain.errors import StoreError
from coachbot.domain.records import Member, utc_text

PERIODS = ("today", "week", "month", "all", "last_week", "last_month")
SCOPES = ("channel", "team", "everyone")


def zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise StoreError(f"未知的时区 {tz!r}") from error


@dataclass(frozen=True)
class Period:
    """Local days ``start``..``end`` inclusive; ``None`` is open-ended."""

    name: str  # one of PERIODS, or range
    start: date | None
    end: date | None
    tz: str

    def bounds(self) -> tuple[str | None, str | None]:
        """UTC text bounds ``[start, end)`` for ``submitted_at``."""
        tz = zone(self.tz)
        lo = utc_text(datetime.combine(self.start, time(), tz)) if self.start else None
        hi = utc_text(datetime.combine(self.end + timedelta(days=1), time(), tz)) if self.end else None
        return lo, hi


def period_for(
    period: str, *, now: datetime, tz: str, start: date | None = None, end: date | None = None
) -> Period:
    """Resolve ``today``/``week``/``month``/``all``/``last_week``/``last_month`` in ``tz``, or a from-to range.

    Weeks start on Monday. Giving ``start`` or ``end`` makes a range.

        >>> period_for("last_month", now=datetime(2027, 1, 5, 12, tzinfo=zone("UTC")), tz="Asia/Shanghai").start
        datetime.date(2026, 12, 1)
    """
    today = now.astimezone(zone(tz)).date()
    if start is not None or end is not None:
        if start and end and start > end:
            raise StoreError(f"起始日期 {start} 晚于结束日期 {end}")
        return Period("range", start, end, tz)
    if period == "today":
        return Period(period, today, today, tz)
    if period in ("week", "last_week"):
        monday = today - timedelta(days=today.weekday() + (7 if period == "last_week" else 0))
        return Period(period, monday, monday + timedelta(days=6), tz)
    if period in ("month", "last_month"):
        first = today.replace(day=1)
        if period == "last_month":
            first = (first - timedelta(days=1)).replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return Period(period, first, following - timedelta(days=1), tz)
    if period == "all":
        return Period(period, None, None, tz)
    raise StoreError(f"未知的时间范围 {period!r}：可选 {', '.join(PERIODS)}")


@dataclass(frozen=True)
class Standing:
    rank: int  # equal points share a rank: 1, 2, 2, 4
    member: Member
    points: int
    answers: int
    pass_rate: float | None  # None before any answer
    streak: int


@dataclass(frozen=True)
class Leaderboard:
    period: Period
    scope: str
    team_id: str | None
    ranked: int  # members with a counted reply in the period
    rows: tuple[Standing, ...]
    asker_row: Standing | None  # the asker's line when outside ``rows``


@dataclass(frozen=True)
class SkillScore:
    skill: str  # a challenge tag
    average: float  # mean score of counted replies, violations as 0
    answers: int


@dataclass(frozen=True)
class RecentReply:
    post_date: date
    content_id: str
    score: int
    passed: bool
    points: int
    reason: str
    submitted_at: datetime


@dataclass(frozen=True)
class MemberStats:
    member: Member
    points_week: int
    points_all: int
    team_rank: int  # this week, in the member's team: 1 + members with more points
    team_members: int
    streak: int
    answers: int  # all time
    pass_rate: float | None
    skills: tuple[SkillScore, ...]
    recent: tuple[RecentReply, ...]  # newest first, at most 5


@dataclass(frozen=True)
class MissedCriterion:
    id: str
    label: str
    misses: int
    graded: int  # counted replies graded on this criterion
    miss_rate: float


@dataclass(frozen=True)
class TeamInsight:
    team_id: str
    period: Period
    answers: int  # counted replies
    average: float | None  # their mean score, violations as 0
    skills: tuple[SkillScore, ...]  # weakest first
    missed_criteria: tuple[MissedCriterion, ...]  # most missed first
    violations_by_category: tuple[tuple[str, int], ...]  # every reply, practice included
    violations_by_agent: tuple[tuple[Member, int], ...]
    participants: int  # agents with a counted reply in the period
    agents: int
    participation: float | None


EXPORT_COLUMNS = (
    "id", "submitted_at", "local_time", "team", "platform", "user", "display_name", "kind",
    "content_id", "post_date", "attempt", "counted", "reason", "score", "passed", "points",
    "violations", "text",
)


# ---------------------------------------------------------------- seasons and the team-vs-team board

SEASONS = ("none", "month", "quarter")


def season_of(kind: str, day: date) -> tuple[str, date, date]:
    """The season ``day`` falls in: (name, first day, last day); ``month`` is ``2026-11``, ``quarter`` ``2026-Q4``."""
    if kind == "quarter":
        q = (day.month - 1) // 3
        first = date(day.year, 3 * q + 1, 1)
        name = f"{day.year}-Q{q + 1}"
    elif kind == "month":
        first = day.replace(day=1)
        name = f"{day:%Y-%m}"
    else:
        raise StoreError("这个团队没有设置赛季（seasons: month 或 quarter）")
    months = 3 if kind == "quarter" else 1
    following = date(first.year + (first.month + months - 1) // 12, (first.month + months - 1) % 12 + 1, 1)
    return name, first, following - timedelta(days=1)


def board_json(board: Leaderboard) -> dict[str, Any]:
    """A leaderboard as JSON values (dates as ISO text), for keeping."""
    return json.loads(json.dumps(asdict(board), default=str))


def board_from_json(data: dict[str, Any]) -> Leaderboard:
    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    def standing(row: dict[str, Any]) -> Standing:
        return Standing(row["rank"], Member(**row["member"]), row["points"], row["answers"], row["pass_rate"],
                        row["streak"])

    p = data["period"]
    return Leaderboard(Period(p["name"], day(p["start"]), day(p["end"]), p["tz"]), data["scope"], data["team_id"],
                       data["ranked"], tuple(standing(r) for r in data["rows"]),
                       standing(data["asker_row"]) if data.get("asker_row") else None)


def season_named(kind: str, name: str) -> tuple[str, date, date] | None:
    """A season by its name (``2026-10``, ``2026-Q3``, ``2026q3``), or None when the name is not one."""
    text = name.strip().upper()
    if kind == "quarter" and (m := re.fullmatch(r"(\d{4})-?Q([1-4])", text)):
        return season_of(kind, date(int(m.group(1)), 3 * (int(m.group(2)) - 1) + 1, 1))
    if kind == "month" and (m := re.fullmatch(r"(\d{4})-(\d{1,2})", text)) and 1 <= int(m.group(2)) <= 12:
        return season_of(kind, date(int(m.group(1)), int(m.group(2)), 1))
    return None


@dataclass(frozen=True)
class TeamStanding:
    """One team on the team-vs-team board: fair across sizes, by points per agent."""

    rank: int
    team_id: str
    agents: int
    participants: int
    points: int
    per_agent: float
    pass_rate: float | None

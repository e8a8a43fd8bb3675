"""A lead's weekly digest, as values: participation, weakest criteria, compliance slips, who improved, the
review queue, practice, and the weeks behind the chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from coachbot.domain.records import Member


@dataclass(frozen=True)
class WeekPoint:
    """One week of a team: each skill's mean score (violations as 0) with its count, answers and pass rate."""

    start: date                                   # the Monday
    skills: dict[str, tuple[float, int]]          # skill tag -> (mean score, counted replies)
    answers: int                                  # challenges answered (first counted reply each)
    pass_rate: float | None


@dataclass(frozen=True)
class Slip:
    category: str
    count: int
    quotes: tuple[tuple[str, str], ...]           # (who, what they said), a few


@dataclass(frozen=True)
class Improved:
    member: Member
    before: float                                 # mean score the week before
    after: float                                  # this week


@dataclass(frozen=True)
class WeakCriterion:
    id: str
    label: str
    misses: int
    graded: int
    scripts: tuple[tuple[str, str], ...]          # (script id, title) that teach it


@dataclass(frozen=True)
class Digest:
    team_id: str
    team_name: str
    week_start: date
    week_end: date
    agents: int
    participants: int
    average_all: float | None                     # the team's mean, counting agents who did not answer as 0
    average_answered: float | None                # the mean over those who did
    weakest: tuple[WeakCriterion, ...]
    slips: tuple[Slip, ...]
    improved: tuple[Improved, ...]
    open_appeals: int
    open_doubts: int                              # the grader's own uncertain verdicts waiting
    weeks: tuple[WeekPoint, ...] = field(default=())
    practice_sent: int = 0
    practice_answered: int = 0
    practice_met: int = 0

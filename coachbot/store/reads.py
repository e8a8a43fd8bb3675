"""Reading the record: leaderboards, a member's stats, a team's insight, the export.

Functions here take an open ``Database`` and only read; :class:`coachbot.store.sqlite.Store`
calls them inside one read transaction, so every figure comes from one snapshot.

Sums over submissions give the standings directly, because each row carries
what it adds (see :class:`coachbot.domain.scoring.Outcome`): ``points``, ``answer``
(1 on the first counted reply to a challenge) and ``pass_credit`` (1 on the
first passing one). Periods are filtered on ``submitted_at`` with UTC bounds
computed from local days, so the time zone is chosen when reading.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator
from datetime import date, datetime
from functools import partial

from sqlite_utils import Database

from coachbot.domain.digest import Slip, WeekPoint
from coachbot.domain.errors import StoreError
from coachbot.domain.records import Member, at_utc, utc_text
from coachbot.domain.reports import (
    EXPORT_COLUMNS,
    SCOPES,
    Leaderboard,
    MemberStats,
    MissedCriterion,
    Period,
    RecentReply,
    SkillScore,
    Standing,
    TeamInsight,
    TeamStanding,
    period_for,
    zone,
)
from coachbot.domain.scoring import BonusDay, streak

MEMBER_COLUMNS = (
    "m.id AS m_id, m.platform AS m_platform, m.user AS m_user,"
    " m.display_name AS m_display_name, m.team_id AS m_team_id, m.role AS m_role"
)


def _time_filter(period: Period, column: str = "s.submitted_at") -> tuple[str, dict]:
    lo, hi = period.bounds()
    sql = (f" AND {column} >= :lo" if lo else "") + (f" AND {column} < :hi" if hi else "")
    return sql, {"lo": lo, "hi": hi}


# ---------------------------------------------------------------- leaderboard


_SUMS = ("s.member_id, SUM(s.points) AS points, SUM(s.answer) AS answers,"
         " SUM(s.pass_credit) AS passes")
_TOTALS = {  # INDEXED BY pins the plans the benchmark measured
    "everyone": f"""
        SELECT {_SUMS} FROM submissions s INDEXED BY submissions_counted_time
        WHERE s.counted = 1 {{time}} GROUP BY s.member_id""",
    "team": f"""
        SELECT {_SUMS}
        FROM members tm JOIN submissions s INDEXED BY submissions_member_time ON s.member_id = tm.id
        WHERE tm.team_id = :team AND s.counted = 1 {{time}} GROUP BY s.member_id""",
    "channel": f"""
        SELECT {_SUMS} FROM posts p JOIN submissions s ON s.post_id = p.id
        WHERE p.platform = :platform AND p.channel = :channel AND s.counted = 1 {{time}}
        GROUP BY s.member_id""",
}

_WITH_PRACTICE = """
        SELECT member_id, SUM(points) AS points, SUM(answers) AS answers, SUM(passes) AS passes FROM (
            {totals}
            UNION ALL
            SELECT pa.member_id, SUM(pa.score), COUNT(*), SUM(pa.met)
            FROM practice_answers pa JOIN members pm ON pm.id = pa.member_id
            WHERE pm.team_id IN ({teams}) {time} GROUP BY pa.member_id)
        GROUP BY member_id"""

_BOARD = """
    WITH totals AS MATERIALIZED ({totals}),
    stats AS (
        SELECT COUNT(*) AS ranked,
               COUNT(*) FILTER (WHERE points > coalesce(
                   (SELECT points FROM totals WHERE member_id = :asker), 0)) AS above
        FROM totals),
    picked AS (
        SELECT * FROM (SELECT * FROM totals ORDER BY points DESC, member_id LIMIT :top)
        UNION SELECT * FROM totals WHERE member_id = :asker)
    SELECT p.*, stats.ranked, stats.above, {members}
    FROM picked p JOIN members m ON m.id = p.member_id, stats
    ORDER BY p.points DESC, p.member_id"""


def leaderboard(
    db: Database,
    *,
    period: Period,
    scope: str,
    now: datetime,
    team_id: str | None = None,
    platform: str | None = None,
    channel: str | None = None,
    top: int = 10,
    asker: Member | None = None,
    bonus_day: BonusDay | None = None,
    practice_teams: Collection[str] = (),
) -> Leaderboard:
    """Rank members by points in ``period`` within ``scope``; top N plus the asker.

    The asker's line is given when the asker is outside the top N, unless the
    board is another team's. One statement aggregates once, then takes the top N, the asker's line and
    how many members score above the asker. Ranks of the top rows follow from
    their order; window functions were measured and cost more than the rest
    of the query together.
    """
    if scope not in SCOPES:
        raise StoreError(f"未知的排行范围 {scope!r}：可选 {', '.join(SCOPES)}")
    if scope == "team" and not team_id:
        raise StoreError("团队排行需要指定团队")
    if scope == "channel" and not (platform and channel):
        raise StoreError("频道排行需要指定平台和频道")
    if top < 1:
        raise StoreError("排行至少显示 1 名")
    if scope == "team" and asker and asker.team_id != team_id:
        asker = None
    time_sql, params = _time_filter(period)
    totals = _TOTALS[scope].format(time=time_sql)
    if practice_teams and scope != "channel":   # practice is private: it belongs to no channel
        teams = sorted(practice_teams if scope == "everyone" else set(practice_teams) & {team_id})
        if teams:
            params |= {f"practice_team_{i}": t for i, t in enumerate(teams)}
            totals = _WITH_PRACTICE.format(
                totals=totals, time=_time_filter(period, "pa.answered_at")[0],
                teams=", ".join(f":practice_team_{i}" for i in range(len(teams))))
    sql = _BOARD.format(totals=totals, members=MEMBER_COLUMNS)
    params |= {"team": team_id, "platform": platform, "channel": channel, "top": top,
               "asker": asker.id if asker else None}
    found = list(db.query(sql, params))
    ranked, above = (found[0]["ranked"], found[0]["above"]) if found else (0, 0)
    members = [Member.from_row(row, "m_") for row in found]
    if asker and all(m.id != asker.id for m in members):
        members.append(asker)
    streaks = current_streaks(db, members, now=now, today=now.astimezone(zone(period.tz)).date(),
                              bonus_day=bonus_day)

    def standing(rank: int, member: Member, row: dict) -> Standing:
        rate = row["passes"] / row["answers"] if row["answers"] else None
        return Standing(rank, member, row["points"], row["answers"], rate, streaks[member.id])

    rows: list[Standing] = []
    asker_row = None
    for place, (row, member) in enumerate(zip(found, members), 1):
        if place > top:  # only the asker sorts after the top N
            asker_row = standing(above + 1, member, row)
        else:
            same = bool(rows) and rows[-1].points == row["points"]
            rows.append(standing(rows[-1].rank if same else place, member, row))
    if asker and asker_row is None and all(s.member.id != asker.id for s in rows):
        asker_row = standing(above + 1, asker, {"points": 0, "answers": 0, "passes": 0})
    return Leaderboard(period, scope, team_id, ranked, tuple(rows), asker_row)


def current_streaks(
    db: Database, members: list[Member], *, now: datetime, today: date, bonus_day: BonusDay | None = None
) -> dict[int, int]:
    """Each member's current streak (see :func:`coachbot.domain.scoring.streak`).

    A streak looks back over at most its answered days plus two challenge days
    (an open one skipped, one that breaks it) plus the bonus days it skips, so
    each team reads only that many of its most recent days rather than its
    whole history. ``bonus_day(team_id, day)`` says which days are days off.
    """
    if not members:
        return {}
    answered: dict[int, set[date]] = {m.id: set() for m in members}
    for member_id, day in db.execute(
        f"""SELECT DISTINCT s.member_id, p.post_date
            FROM submissions s JOIN posts p ON p.id = s.post_id
            WHERE s.member_id IN ({", ".join("?" * len(answered))}) AND s.counted = 1""",
        list(answered),
    ):
        answered[member_id].add(date.fromisoformat(day))
    depth: dict[str, int] = {}
    for m in members:
        depth[m.team_id] = max(depth.get(m.team_id, 0), len(answered[m.id]) + 2)

    def recent(team: str, limit: int) -> list[tuple[date, bool]]:
        return [(date.fromisoformat(day), bool(is_open)) for day, is_open in db.execute(
            """SELECT post_date, MAX(state = 'posted' AND (reveal_at IS NULL OR reveal_at > ?))
               FROM posts
               WHERE team_id = ? AND kind = 'challenge' AND state IN ('posted', 'revealed')
                 AND post_date <= ?
               GROUP BY post_date ORDER BY post_date DESC LIMIT ?""",
            [utc_text(now), team, today.isoformat(), limit],
        )]

    days: dict[str, list[tuple[date, bool]]] = {}
    bonus: dict[str, Callable[[date], bool] | None] = {}
    for team, limit in depth.items():
        bonus[team] = None if bonus_day is None else partial(bonus_day, team)
        days[team] = recent(team, limit)
        while (check := bonus[team]) is not None and len(days[team]) == limit:
            wanted = depth[team] + sum(check(day) for day, _ in days[team])
            if wanted == limit:
                break
            limit = wanted
            days[team] = recent(team, limit)
    return {m.id: streak(days[m.team_id], answered[m.id], bonus[m.team_id]) for m in members}


# ---------------------------------------------------------------- member stats


_EFFECTIVE = "CASE WHEN s.reason = 'violation' THEN 0 ELSE s.score END"


def member_stats(db: Database, member: Member, *, now: datetime, tz: str,
                 bonus_day: BonusDay | None = None, practice_teams: Collection[str] = ()) -> MemberStats:
    week = period_for("week", now=now, tz=tz)
    board = leaderboard(db, period=week, scope="team", team_id=member.team_id, now=now,
                        top=1, asker=member, bonus_day=bonus_day, practice_teams=practice_teams)
    mine = board.rows[0] if board.rows and board.rows[0].member.id == member.id else board.asker_row
    assert mine is not None
    points, answers, passes = db.execute(
        """SELECT COALESCE(SUM(points), 0), COALESCE(SUM(answer), 0), COALESCE(SUM(pass_credit), 0)
           FROM submissions WHERE member_id = ? AND counted = 1""",
        [member.id],
    ).fetchone()
    (team_members,) = db.execute(
        "SELECT COUNT(*) FROM members WHERE team_id = ?", [member.team_id]
    ).fetchone()
    skills = tuple(
        SkillScore(skill, average, count)
        for skill, average, count in db.execute(
            f"""SELECT t.value, AVG({_EFFECTIVE}), COUNT(*)
                FROM submissions s JOIN posts p ON p.id = s.post_id, json_each(p.tags) t
                WHERE s.member_id = ? AND s.counted = 1
                GROUP BY t.value ORDER BY AVG({_EFFECTIVE}) DESC, t.value""",
            [member.id],
        )
    )
    recent = tuple(
        RecentReply(date.fromisoformat(day), content, score, bool(passed), pts, reason,
                    at_utc(at))
        for day, content, score, passed, pts, reason, at in db.execute(
            """SELECT p.post_date, p.content_id, s.score, s.passed, s.points, s.reason, s.submitted_at
               FROM submissions s JOIN posts p ON p.id = s.post_id
               WHERE s.member_id = ? ORDER BY s.submitted_at DESC, s.id DESC LIMIT 5""",
            [member.id],
        )
    )
    return MemberStats(
        member=member, points_week=mine.points, points_all=points, team_rank=mine.rank,
        team_members=team_members, streak=mine.streak, answers=answers,
        pass_rate=passes / answers if answers else None, skills=skills, recent=recent,
    )


# ---------------------------------------------------------------- team insight


def team_insight(db: Database, team_id: str, *, period: Period) -> TeamInsight:
    """What a lead needs: weak skills, missed criteria, violations, participation."""
    time_sql, params = _time_filter(period)
    params["team"] = team_id
    subs = f"""WITH team_subs AS (
        SELECT s.* FROM members m JOIN submissions s INDEXED BY submissions_member_time
            ON s.member_id = m.id
        WHERE m.team_id = :team {time_sql})"""

    def rows(sql: str) -> list[tuple]:
        return db.execute(subs + sql, params).fetchall()

    [(answers, average)] = rows(f"SELECT COUNT(*), AVG({_EFFECTIVE}) FROM team_subs s WHERE s.counted = 1")
    skills = tuple(SkillScore(*r) for r in rows(f"""
        SELECT t.value, AVG({_EFFECTIVE}), COUNT(*)
        FROM team_subs s JOIN posts p ON p.id = s.post_id, json_each(p.tags) t
        WHERE s.counted = 1 GROUP BY t.value ORDER BY AVG({_EFFECTIVE}), t.value"""))
    missed = tuple(
        MissedCriterion(cid, label or cid, misses, graded, misses / graded)
        for cid, label, misses, graded in rows("""
        SELECT json_extract(c.value, '$.id') AS cid, MAX(json_extract(c.value, '$.label')),
               SUM(COALESCE(json_extract(c.value, '$.met'), 0) = 0) AS misses, COUNT(*) AS graded
        FROM team_subs s, json_each(s.grade, '$.criteria') c
        WHERE s.counted = 1 GROUP BY cid HAVING misses > 0
        ORDER BY misses DESC, 1.0 * misses / graded DESC, cid""")
    )
    by_category = tuple(rows("""
        SELECT v.value, COUNT(*) FROM team_subs s, json_each(s.violations) v
        GROUP BY v.value ORDER BY COUNT(*) DESC, v.value"""))
    by_agent = tuple(
        (Member.from_row(row, "m_"), row["n"])
        for row in db.query(subs + f"""
        SELECT {MEMBER_COLUMNS}, COUNT(*) AS n FROM team_subs s JOIN members m ON m.id = s.member_id
        WHERE s.violations != '[]' GROUP BY m.id ORDER BY n DESC, m.id""", params)
    )
    [(agents, participants)] = rows("""
        SELECT COUNT(*), COUNT(*) FILTER (WHERE EXISTS (
            SELECT 1 FROM team_subs s WHERE s.member_id = m.id AND s.counted = 1))
        FROM members m WHERE m.team_id = :team AND m.role = 'agent'""")
    return TeamInsight(
        team_id=team_id, period=period, answers=answers, average=average, skills=skills,
        missed_criteria=missed, violations_by_category=by_category, violations_by_agent=by_agent,
        participants=participants, agents=agents,
        participation=participants / agents if agents else None,
    )


# ---------------------------------------------------------------- export



def export_rows(db: Database, *, period: Period, team_id: str | None = None) -> Iterator[dict]:
    """Every submission as a flat row for spreadsheets, in recording order (streams)."""
    time_sql, params = _time_filter(period)
    team_sql = " AND m.team_id = :team" if team_id else ""
    tz = zone(period.tz)
    for row in db.query(
        f"""SELECT s.id, s.submitted_at, m.team_id AS team, m.platform, m.user, m.display_name,
                   p.kind, p.content_id, p.post_date, s.attempt, s.counted, s.reason, s.score,
                   s.passed, s.points, s.violations, s.text
            FROM submissions s JOIN members m ON m.id = s.member_id JOIN posts p ON p.id = s.post_id
            WHERE 1 = 1 {time_sql}{team_sql} ORDER BY s.id""",
        params | {"team": team_id},
    ):
        local = datetime.fromisoformat(row["submitted_at"]).astimezone(tz)
        row["local_time"] = local.strftime("%Y-%m-%d %H:%M")
        row["violations"] = ";".join(json.loads(row["violations"]))
        yield {column: row[column] for column in EXPORT_COLUMNS}


# ---------------------------------------------------------------- the weekly digest


def _team_subs(period: Period) -> tuple[str, dict]:
    time_sql, params = _time_filter(period)
    return (f"""WITH team_subs AS (
        SELECT s.* FROM members m JOIN submissions s INDEXED BY submissions_member_time ON s.member_id = m.id
        WHERE m.team_id = :team {time_sql})"""), params


def week_point(db: Database, team_id: str, *, period: Period) -> WeekPoint:
    """A week's skills (mean score per challenge tag, violations as 0), answers and pass rate."""
    subs, params = _team_subs(period)
    params["team"] = team_id
    skills = {tag: (average, n) for tag, average, n in db.execute(subs + f"""
        SELECT t.value, AVG({_EFFECTIVE}), COUNT(*)
        FROM team_subs s JOIN posts p ON p.id = s.post_id, json_each(p.tags) t
        WHERE s.counted = 1 GROUP BY t.value""", params)}
    answers, passes = db.execute(subs + """
        SELECT COALESCE(SUM(answer), 0), COALESCE(SUM(pass_credit), 0) FROM team_subs WHERE counted = 1""",
                                 params).fetchone()
    assert period.start is not None
    return WeekPoint(period.start, skills, answers, passes / answers if answers else None)


def member_means(db: Database, team_id: str, *, period: Period) -> dict[int, tuple[Member, float, int]]:
    """Each of the team's agents with counted replies in ``period``: (member, mean score, replies)."""
    subs, params = _team_subs(period)
    params["team"] = team_id
    return {row["m_id"]: (Member.from_row(row, "m_"), row["mean"], row["n"]) for row in db.query(subs + f"""
        SELECT {MEMBER_COLUMNS}, AVG({_EFFECTIVE}) AS mean, COUNT(*) AS n
        FROM team_subs s JOIN members m ON m.id = s.member_id
        WHERE s.counted = 1 AND m.role = 'agent' GROUP BY m.id""", params)}


def slips(db: Database, team_id: str, *, period: Period, quotes: int = 3) -> list[Slip]:
    """Compliance slips per category, most first, each with a few quotes (practice replies included)."""
    subs, params = _team_subs(period)
    params["team"] = team_id
    found: dict[str, list[tuple[str, str]]] = {}
    counts: dict[str, int] = {}
    for row in db.query(subs + f"""
        SELECT {MEMBER_COLUMNS}, json_extract(v.value, '$.category') AS category,
               json_extract(v.value, '$.evidence') AS evidence
        FROM team_subs s JOIN members m ON m.id = s.member_id, json_each(s.grade, '$.violations') v
        WHERE s.violations != '[]' ORDER BY s.submitted_at DESC, s.id DESC""", params):
        category = str(row["category"] or "other")
        counts[category] = counts.get(category, 0) + 1
        if row["evidence"] and len(found.setdefault(category, [])) < quotes:
            found[category].append((Member.from_row(row, "m_").name, str(row["evidence"])))
    order = sorted(counts, key=lambda c: (-counts[c], c))
    return [Slip(c, counts[c], tuple(found.get(c, ()))) for c in order]


def team_board(db: Database, *, period: Period, team_ids: list[str]) -> list[TeamStanding]:
    """Teams side by side: points per agent (agents who did not answer count, as 0), participation, pass rate."""
    time_sql, params = _time_filter(period)
    rows = {}
    for team_id in team_ids:
        (agents,) = db.execute("SELECT COUNT(*) FROM members WHERE team_id = ? AND role = 'agent'", [team_id]).fetchone()
        points, answers, passes, participants = db.execute(f"""
            SELECT COALESCE(SUM(s.points), 0), COALESCE(SUM(s.answer), 0), COALESCE(SUM(s.pass_credit), 0),
                   COUNT(DISTINCT s.member_id)
            FROM members m JOIN submissions s INDEXED BY submissions_member_time ON s.member_id = m.id
            WHERE m.team_id = :team AND m.role = 'agent' AND s.counted = 1 {time_sql}""",
                                                          params | {"team": team_id}).fetchone()
        rows[team_id] = (agents, participants, points, points / agents if agents else 0.0,
                         passes / answers if answers else None)
    order = sorted(rows, key=lambda t: (-rows[t][3], t))
    out: list[TeamStanding] = []
    for place, team_id in enumerate(order, 1):
        agents, participants, points, per_agent, rate = rows[team_id]
        same = bool(out) and out[-1].per_agent == per_agent
        out.append(TeamStanding(out[-1].rank if same else place, team_id, agents, participants, points, per_agent,
                                rate))
    return out

"""``coachbot leaderboard | stats | export submissions``: thin click commands over the store.

Store errors reach :class:`coachbot.cli.main.Coachbot`, which shows their message (exit 1).
"""

from __future__ import annotations

import csv
import json
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

import click

from coachbot.cli import context
from coachbot.domain.reports import (
    EXPORT_COLUMNS,
    PERIODS,
    Leaderboard,
    MemberStats,
    Period,
    Standing,
)
from coachbot.domain.scoring import BonusDay
from coachbot.domain.text import closest
from coachbot.domain.timetable import days_off
from coachbot.present.views import skill as skill_label
from coachbot.store import Store

REASON_LABELS = {"counted": "计分", "practice": "练习", "after_reveal": "揭晓后", "violation": "违规"}
PERIOD_LABELS = {"today": "今天", "week": "本周", "month": "本月", "all": "全部", "last_week": "上周", "last_month": "上月",
                 "range": ""}

db_option = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
    default=None, help="数据库文件（环境变量 COACHBOT_DB；默认取 COACHBOT_CONFIG 里的 database，否则 ./coachbot.db）",
)
tz_option = click.option(
    "--tz", default=None,
    help="按哪个时区划分日期（默认取环境变量 COACHBOT_TZ，否则 Asia/Shanghai）",
)
config_option = click.option("--config", type=click.Path(dir_okay=False),
                             help="coachbot.yaml（或环境变量 COACHBOT_CONFIG）：数据库位置和团队时区")
range_options = [
    click.option("--from", "start", metavar="DATE", help="起始日期 YYYY-MM-DD（含）"),
    click.option("--to", "end", metavar="DATE", help="结束日期 YYYY-MM-DD（含）"),
]


def _with(options: Sequence[Any]) -> Any:
    def decorate(fn: Any) -> Any:
        for option in reversed(options):
            fn = option(fn)
        return fn
    return decorate


@contextmanager
def _open(path: Path | None, config: str | None, *, read_only: bool = True) -> Iterator[Store]:
    """The store at ``--db`` (else the configured database), which must exist. Reports open it read-only."""
    if path is None:
        path = Path(context.settings(config).database)
    if not path.exists():
        raise click.ClickException(f"找不到数据库 {path}（用 --db 或环境变量 COACHBOT_DB 指定）")
    store = Store(path, read_only=read_only)
    try:
        yield store
    finally:
        store.close()


def _zone(tz: str | None, config: str | None, team_id: str | None) -> str:
    """``--tz``, else the team's time zone in coachbot.yaml, else COACHBOT_TZ, else Asia/Shanghai."""
    if tz:
        return tz
    if team_id and (team := context.settings(config).team(team_id)) is not None:
        return team.timezone
    return context.report_tz(None)


def _days_off(config: str | None) -> BonusDay:
    """The teams' days off from coachbot.yaml, so streaks here match the ones the bot shows."""
    return days_off(context.settings(config).teams)


def _practice_teams(config: str | None) -> frozenset[str]:
    """Teams whose spaced-practice answers count toward their leaderboard (coachbot.yaml)."""
    return frozenset(t.id for t in context.settings(config).teams if t.practice_counts)


def _period(period: str | None, start: str | None, end: str | None) -> str:
    if period is not None and (start or end):
        raise click.UsageError("--period 和 --from/--to 只能选一种：要么按时段，要么按日期范围")
    return period or "week"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run as a formula (a leading ``'`` where it could)."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.ClickException(f"{option} 的日期应写成 YYYY-MM-DD，收到 {value!r}") from None


def _now() -> datetime:
    return datetime.now(UTC)


def _jsonable(value: Any) -> str:
    return value.isoformat()


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=_jsonable))


# ---------------------------------------------------------------- text tables


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, right: Sequence[int] = ()) -> str:
    """A plain text table aligned for CJK; columns in ``right`` are right-aligned."""
    cells = [[str(c) for c in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        padded = [
            (" " * (w - _width(c)) + c) if i in right else (c + " " * (w - _width(c)))
            for i, (c, w) in enumerate(zip(row, widths))
        ]
        return "  ".join(padded).rstrip()

    return "\n".join(line(row) for row in cells)


def _rate(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def _period_label(period: Period) -> str:
    if period.name == "all":
        return "全部"
    span = f"{period.start or ''} 至 {period.end or ''}".strip()
    return f"{PERIOD_LABELS[period.name]} {span}".strip()


# ---------------------------------------------------------------- leaderboard

BOARD_HEADERS = ("排名", "成员", "积分", "作答", "通过率", "连续天数")
CSV_HEADERS = ("rank", "platform", "user", "display_name", "team", "points", "answers",
               "pass_rate", "streak")


def _board_text(board: Leaderboard, team_name: str | None) -> str:
    scope = "所有成员"
    if board.scope == "team":
        scope = f"团队 {board.team_id}" + (f"（{team_name}）" if team_name else "")
    title = f"排行榜 · {_period_label(board.period)} · {scope}"
    if not board.rows:
        return f"{title}\n（这段时间还没有人作答）"

    def cells(s: Standing) -> list[Any]:
        return [s.rank, s.member.name, s.points, s.answers, _rate(s.pass_rate), s.streak]

    rows = [cells(s) for s in board.rows]
    if board.asker_row:
        rows.append(cells(board.asker_row))
    return f"{title}\n{table(BOARD_HEADERS, rows, right=(0, 2, 3, 4, 5))}"


def _board_csv(board: Leaderboard, out: TextIO) -> None:
    writer = csv.writer(out)
    writer.writerow(CSV_HEADERS)
    for s in board.rows:
        m = s.member
        rate = "" if s.pass_rate is None else round(s.pass_rate, 4)
        writer.writerow([safe_cell(v) for v in (s.rank, m.platform, m.user, m.display_name or "", m.team_id,
                                                s.points, s.answers, rate, s.streak)])


@click.command("leaderboard")
@click.option("--team", "team_id", metavar="TEAM_ID", help="只看这个团队（默认所有成员）")
@click.option("--period", type=click.Choice(PERIODS), default=None,
              help="today|week|month|all|last_week|last_month（默认 week）")
@_with(range_options)
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@click.option("--csv", "as_csv", is_flag=True, help="输出 CSV")
@db_option
@config_option
@tz_option
def leaderboard_command(
    team_id: str | None, period: str | None, start: str | None, end: str | None, top: int,
    as_json: bool, as_csv: bool, db_path: Path, config: str | None, tz: str | None,
) -> None:
    """排行榜：积分、作答、通过率、连续天数。"""
    if as_json and as_csv:
        raise click.ClickException("--json 和 --csv 只能选一个")
    period = _period(period, start, end)
    first, last = _date(start, "--from"), _date(end, "--to")
    tz = _zone(tz, config, team_id)
    with _open(db_path, config) as store:
        teams = store.teams()
        if team_id is not None and team_id not in teams:
            known = "、".join(teams) or "（还没有团队）"
            raise click.ClickException(f"没有团队 {team_id!r}；已有：{known}")
        board = store.leaderboard(
            period=period, scope="team" if team_id else "everyone", team_id=team_id,
            start=first, end=last, now=_now(), tz=tz, top=top, bonus_day=_days_off(config), practice_teams=_practice_teams(config),
        )
    if as_json:
        _echo_json(asdict(board))
    elif as_csv:
        _board_csv(board, sys.stdout)
    else:
        click.echo(_board_text(board, teams.get(team_id) if team_id else None))


# ---------------------------------------------------------------- stats


def _stats_text(stats: MemberStats) -> str:
    m = stats.member
    lines = [
        f"{m.name}（{m.platform}:{m.user}）· 团队 {m.team_id} · {m.role}",
        f"本周积分 {stats.points_week} · 累计积分 {stats.points_all}"
        f" · 团队本周排名 {stats.team_rank}/{stats.team_members}",
        f"作答 {stats.answers} · 通过率 {_rate(stats.pass_rate)} · 连续天数 {stats.streak}",
    ]
    if stats.skills:
        rows = [[skill_label(s.skill), f"{s.average:.1f}", s.answers] for s in stats.skills]
        lines += ["", table(("技能", "平均分", "作答"), rows, right=(1, 2))]
    if stats.recent:
        rows = [[r.post_date, r.content_id, r.score, "是" if r.passed else "否", r.points,
                 REASON_LABELS[r.reason]] for r in stats.recent]
        lines += ["", "最近作答",
                  table(("日期", "题目", "得分", "通过", "积分", "类型"), rows, right=(2, 4))]
    return "\n".join(lines)


@click.command("stats")
@click.argument("member")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@db_option
@config_option
@tz_option
def stats_command(member: str, as_json: bool, db_path: Path, config: str | None, tz: str | None) -> None:
    """一位成员的积分、排名、连续天数、各技能平均分和最近作答。

    MEMBER 可以是显示名、用户 ID，或 平台:用户ID。
    """
    with _open(db_path, config) as store:
        found = store.find_member(member)
        if found is None:
            names = {n for m in store.members() for n in (m.display_name, m.user) if n}
            close = closest(member, names)
            hint = f"；你是不是要找：{'、'.join(close)}" if close else ""
            raise click.ClickException(f"找不到成员 {member!r}{hint}")
        stats = store.member_stats(found, now=_now(), tz=_zone(tz, config, found.team_id),
                                   bonus_day=_days_off(config), practice_teams=_practice_teams(config))
    if as_json:
        _echo_json(asdict(stats))
    else:
        click.echo(_stats_text(stats))


# ---------------------------------------------------------------- export


@click.group("export")
def export_group() -> None:
    """导出数据（给表格软件用）。"""


@export_group.command("submissions")
@click.option("--csv", "as_csv", is_flag=True, help="CSV 格式（目前唯一的格式）")
@click.option("--team", "team_id", metavar="TEAM_ID", help="只导出这个团队")
@_with(range_options)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="写入文件（默认标准输出）")
@click.option("--bom", is_flag=True, help="加 UTF-8 BOM，Excel 打开中文不乱码")
@db_option
@config_option
@tz_option
def export_submissions_command(
    as_csv: bool, team_id: str | None, start: str | None, end: str | None,
    output: Path | None, bom: bool, db_path: Path, config: str | None, tz: str | None,
) -> None:
    """每条作答一行：时间、成员、题目、得分、积分、违规类别、原文。

    以 = + - @ 开头的单元格前加一个 '，表格软件不会把它当公式执行。
    """
    if not as_csv:
        raise click.ClickException("请加 --csv：目前只支持导出 CSV")
    first, last = _date(start, "--from"), _date(end, "--to")
    tz = _zone(tz, config, team_id)
    with _open(db_path, config) as store:
        rows = store.export_submissions(now=_now(), tz=tz, start=first, end=last, team_id=team_id)
        with open(output, "w", encoding="utf-8", newline="") if output else _stdout() as out:
            if bom:
                out.write("\ufeff")
            writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS)
            writer.writeheader()
            writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in rows)


@contextmanager
def _stdout() -> Iterator[TextIO]:
    yield sys.stdout


COMMANDS = (leaderboard_command, stats_command, export_group)

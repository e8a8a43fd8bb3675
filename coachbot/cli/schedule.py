"""``coachbot schedule``: the coming posts per team in local time, with the holiday calendar they follow."""

from __future__ import annotations

import json
from datetime import date, datetime

import click

from coachbot.cli import context
from coachbot.domain.teams import Settings, Team
from coachbot.domain.timetable import DayPlan, plan
from coachbot.domain.workdays import REST, WARN_AHEAD, holiday_source, missing_years


def _teams(settings: Settings, team_id: str | None) -> tuple[Team, ...]:
    if team_id is None:
        return settings.teams
    team = settings.team(team_id)
    if team is None:
        raise click.ClickException(f"no team {team_id!r}; teams: {', '.join(t.id for t in settings.teams)}")
    return (team,)


def _start(value: str | None, team: Team) -> date:
    if value is None:
        return datetime.now(team.tz).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-10-01", param_hint="--from") from None


def _warnings(team: Team, days: list[DayPlan]) -> list[str]:
    src = holiday_source(team.holidays)
    return [f"no holiday data for {year} ({src.text}): Monday-Friday assumed; add {year} from the State Council "
            f"notice to holidays-cn.yaml, or list the team's holidays: in coachbot.yaml"
            for year in missing_years(team.holidays, *sorted({d.day.year for d in days} | {
                (d.day + WARN_AHEAD).year for d in days[:1]}))]


def day_line(d: DayPlan, tz) -> str:
    """``2026-10-01 Thu  「休」 National Day (skipped)``, or the day's posts in local time."""
    parts = []
    if d.info.marker:
        skipped = " (skipped)" if d.info.marker == REST else ""
        parts.append(f"「{d.info.marker}」 {d.info.note}{skipped}")
    elif d.info.note:
        parts.append(d.info.note)
    for kind, at in d.posts:
        local = at.astimezone(tz)
        parts.append(f"{kind} {local:%H:%M}" if local.date() == d.day else f"{kind} {local:%m-%d %H:%M}")
    return f"{d.day.isoformat()} {d.day:%a}  " + "  ".join(parts)


def team_json(team: Team, days: list[DayPlan]) -> dict:
    return {
        "team": team.id, "name": team.name, "timezone": team.timezone,
        "holiday_source": holiday_source(team.holidays).as_json(), "warnings": _warnings(team, days),
        "days": [{"date": d.day.isoformat(), "workday": d.info.workday, "note": d.info.note, "marker": d.info.marker,
                  "posts": [{"kind": kind, "at": at.astimezone(team.tz).isoformat()} for kind, at in d.posts]}
                 for d in days],
    }


def team_text(team: Team, days: list[DayPlan]) -> str:
    lines = [f"{team.id} {team.name} · {team.timezone}", f"holidays: {holiday_source(team.holidays).text}"]
    lines += [f"  {day_line(d, team.tz)}" for d in days]
    lines += [f"warning: {w}" for w in _warnings(team, days)]
    return "\n".join(lines)


@click.command()
@click.option("--config", type=click.Path(dir_okay=False), help="coachbot.yaml (or COACHBOT_CONFIG).")
@click.option("--team", "team_id", help="Only this team (its id).")
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First day (default: today in the team's time zone).")
@click.option("--days", type=click.IntRange(1, 366), default=14, show_default=True, help="How many days.")
@click.option("--json", "as_json", is_flag=True, help="Print {teams: [{team, timezone, holiday_source, days}]} as JSON.")
def schedule(config: str | None, team_id: str | None, start: str | None, days: int, as_json: bool) -> None:
    """The coming posts per team in local time; 「休」 holidays skipped, 「班」 adjusted working days."""
    settings = context.settings(config)
    plans = [(team, plan(team, _start(start, team), days)) for team in _teams(settings, team_id)]
    if as_json:
        click.echo(json.dumps({"teams": [team_json(t, p) for t, p in plans]}, ensure_ascii=False, indent=2))
    else:
        click.echo("\n\n".join(team_text(t, p) for t, p in plans))


COMMANDS = (schedule,)

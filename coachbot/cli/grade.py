"""CLI commands over the grader: ``grade`` and ``calibrate``."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterable
from pathlib import Path

import click

from coachbot.cli import context
from coachbot.cli.leads import agreement_report
from coachbot.content.library import Library
from coachbot.domain.errors import CoachbotError, UsageError
from coachbot.domain.text import closest
from coachbot.grading.batch import grade_lines
from coachbot.grading.calibrate import calibrate
from coachbot.grading.grader import Grade, grade_reply
from coachbot.present.views import grade_notes


def grade_text(grade: Grade) -> str:
    lines = [f"得分 {grade.score}/100  {'通过' if grade.passed else '未通过'}"]
    lines.extend(grade_notes(grade))
    for c in grade.criteria:
        mark = "✓" if c.met else "✗"
        detail = f"命中：{c.evidence}" if c.met else f"建议：{c.feedback}"
        lines.append(f"  {mark} {c.label} {c.points}/{c.max_points}  {detail}")
    for f in grade.findings:
        lines.append(f"  ⚠ 合规问题 [{','.join(f.categories)}] {f.label}：「{f.evidence}」 违反 {f.rule}")
    return "\n".join(lines)


def _stdin_text() -> str:
    """The reply from stdin as UTF-8 (a GBK file from a Windows export is the usual surprise)."""
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"the reply on stdin is not UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 1]!r}); "
                         "convert it first, e.g. iconv -f GBK -t UTF-8 reply.txt | coachbot grade …") from None


@click.command()
@click.argument("challenge_id", required=False)
@click.option("--text", help="The reply to grade; read from stdin when absent.")
@click.option("--json", "as_json", is_flag=True, help="Print the grade as one JSON object.")
@click.option("--batch", "batch", metavar="FILE",
              help='Grade JSON Lines {"challenge": ID, "text": REPLY, ...} from FILE (- for stdin): '
                   "one grade --json object per line, in order, other fields passed through.")
@click.pass_context
def grade(ctx: click.Context, challenge_id: str | None, text: str | None, as_json: bool, batch: str | None) -> None:
    """Grade one reply to a challenge against its rubric (or a batch of them with --batch)."""
    lib = context.library(ctx)
    if batch is not None:
        if challenge_id is not None or text is not None:
            raise UsageError("--batch reads the challenge and text of each line: give no CHALLENGE_ID or --text")
        _grade_batch(lib, batch)
        return
    if challenge_id is None:
        raise UsageError("give a CHALLENGE_ID (or --batch FILE)")
    challenge = lib.challenge(challenge_id)
    if challenge is None:
        close = closest(challenge_id, lib.challenges)
        raise UsageError(f"no challenge {challenge_id!r}. Did you mean: {', '.join(close)}?")
    reply = text if text is not None else _stdin_text()
    result = grade_reply(challenge, reply, lib.shared)
    click.echo(json.dumps(result.as_json(), ensure_ascii=False) if as_json else grade_text(result))

def _grade_batch(lib: Library, source: str) -> None:
    """Grade in this process (the library and compiled rubrics are reused); progress on stderr."""
    if source == "-":
        _grade_stream(lib, io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig"), None)
        return
    path = Path(source)
    if not path.is_file():
        raise UsageError(f"no such file: {source}")
    with path.open("rb") as raw:
        total = sum(1 for _ in raw)
    with path.open(encoding="utf-8-sig") as f:
        _grade_stream(lib, f, total)


def _grade_stream(lib: Library, lines: Iterable[str], total: int | None) -> None:
    failed = 0
    out = sys.stdout
    results = grade_lines(lines, lib)
    with click.progressbar(results, length=total, label="grading", file=sys.stderr, show_pos=True) as bar:
        try:
            for result in bar:
                failed += "score" not in result
                out.write(json.dumps(result, ensure_ascii=False) + "\n")
        except UnicodeDecodeError as exc:
            raise UsageError(f"the batch input is not UTF-8 (byte {exc.start} of a line); "
                             "convert it first, e.g. iconv -f GBK -t UTF-8") from None
    out.flush()
    if failed:
        click.echo(f"{failed} line(s) could not be graded: see their \"error\"", err=True)
        sys.exit(1)


@click.command("calibrate")
@click.argument("challenge_ids", nargs=-1)
@click.option("-v", "--verbose", is_flag=True, help="Show every example, not only those outside their band.")
@click.option("--leads", is_flag=True, help="Instead: the grader's agreement with the leads' decisions (reviews and "
                                            "calibration sessions), per criterion and flag, with Cohen's kappa.")
@click.option("--team", "team_id", metavar="TEAM_ID", help="With --leads: one team's decisions only.")
@click.option("--json", "as_json", is_flag=True, help="With --leads: print JSON.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="With --leads: the database (COACHBOT_DB; else the configured one).")
@click.option("--config", type=click.Path(dir_okay=False), help="coachbot.yaml (or COACHBOT_CONFIG)")
@click.pass_context
def calibrate_cmd(ctx: click.Context, challenge_ids: tuple[str, ...], verbose: bool, leads: bool,
                  team_id: str | None, as_json: bool, db_path: Path | None, config: str | None) -> None:
    """Grade every example of every challenge; report how many fall inside their band.

    With --leads: how often the grader agrees with the leads' decisions, per criterion and per flag.
    """
    if leads:
        agreement_report(team_id=team_id, as_json=as_json, db_path=db_path, config=config)
        return
    lib = context.library(ctx)
    unknown = [c for c in challenge_ids if c not in lib.challenges]
    if unknown:
        raise CoachbotError(f"no such challenge: {', '.join(unknown)}")
    results = calibrate(lib, list(challenge_ids) or None)
    by: dict[str, list] = {}
    for r in results:
        by.setdefault(r.challenge, []).append(r)
    for cid, rs in by.items():
        inside = sum(r.inside for r in rs)
        click.echo(f"{cid:<24} {inside}/{len(rs)}")
        for r in rs:
            if verbose or not r.inside:
                lo, hi = r.example.band
                cats = ",".join(v.category for v in r.grade.violations)
                click.echo(f"    {'ok ' if r.inside else 'OUT'} {r.example.label:<9} [{lo}-{hi}] got {r.grade.score}"
                           f"{' violations=' + cats if cats else ''} {r.grade.verdict}: {r.example.text[:40]}")
    total = sum(r.inside for r in results)
    click.echo(f"overall: {total}/{len(results)} examples inside their band")
    if total != len(results):
        sys.exit(1)


COMMANDS = (grade, calibrate_cmd)

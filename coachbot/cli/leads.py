"""What the leads' decisions teach the grader, on the command line.

- ``coachbot calibrate --leads``: the grader's agreement with the leads per criterion, per flag and on pass or
  fail (rate and Cohen's κ, with counts), and the rules leads overrule most.
- ``coachbot export reviews``: the decided reviews as a labelled set in the grader's own data format
  (``tests/data/*.yaml``: challenge, label, categories, text), plus the lead's part-by-part labels, for the next
  content or model update to be trained and checked on. Nothing retrains at run time.
- ``coachbot export trail --csv``: every step of every review (who, when, before → after, why).
- ``coachbot digest --team T [--png PATH]``: a lead's weekly digest, and its chart saved as a PNG.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path

import click
import yaml

from coachbot.cli import context
from coachbot.cli.store import _now, _open, _stdout, _zone, config_option, db_option, safe_cell, table, tz_option
from coachbot.domain.agreement import Agreement, agreement, pooled
from coachbot.domain.reports import zone
from coachbot.domain.review import VERDICT, Judged, judged, training_label
from coachbot.present.messages import Message, render_plain
from coachbot.usecases.digest import digest_message

TOP_OVERRULED = 5


def part_key(j: Judged) -> str:
    """Criteria are a challenge's own; flags are shared rules; the verdict is pass or fail overall."""
    if j.ref in (VERDICT, "violation"):     # pass or fail; "has a compliance problem" (calibration sessions)
        return j.ref
    kind, _, name = j.ref.partition(":")
    return f"{j.challenge}/{name}" if kind == "criterion" else f"flag {name}"


def by_part(rows: Iterable[Judged]) -> list[Agreement]:
    """One agreement per part (grader vs leads), the verdict first, then most judged."""
    groups: dict[str, list[Judged]] = defaultdict(list)
    for j in rows:
        groups[part_key(j)].append(j)
    out = [agreement(key, [(j.grader, j.lead) for j in js], label=js[0].label) for key, js in groups.items()]
    return sorted(out, key=lambda a: (a.part != VERDICT, not a.part.startswith("flag"), -a.n, a.part))


def _kappa(a: Agreement) -> str:
    return "-" if a.kappa is None else f"{a.kappa:.2f}"


def _rate(a: Agreement) -> str:
    return "-" if a.rate is None else f"{a.rate:.0%}"


def report_text(rows: Sequence[Judged], *, reviews: int, sessions: int) -> str:
    if not rows:
        return ("还没有组长的判定可以比较：复核队列里的决定（/coach uphold、override、judge）和校准练习"
                "（/coach calibrate）都会成为标注样本。")
    parts = by_part(rows)
    lines = [f"评分器与组长的一致程度：{reviews} 条复核、{sessions} 次校准练习，共 {len(rows)} 个判定", ""]
    body = [[a.part, a.label if a.label != a.part else "", a.n, _rate(a), _kappa(a), a.a_yes, a.b_yes]
            for a in parts]
    everything = pooled("全部判定", parts)
    body.append([everything.part, "", everything.n, _rate(everything), _kappa(everything), everything.a_yes,
                 everything.b_yes])
    lines.append(table(("评分项 / 规则", "名称", "判定数", "一致率", "κ", "评分器判是", "组长判是"), body,
                       right=(2, 3, 4, 5, 6)))
    overruled = sorted((a for a in parts if a.disagree and a.part != VERDICT), key=lambda a: (-a.disagree, a.part))
    lines += ["", "组长推翻最多的规则："]
    if not overruled:
        lines.append("  （没有：组长同意评分器的每一个判定）")
    for i, a in enumerate(overruled[:TOP_OVERRULED], 1):
        lines.append(f"  {i}. {a.part}（{a.label}）：{a.disagree}/{a.n} 次被推翻")
    lines += ["", "κ：超出偶然一致的程度（1 完全一致，0 与随机相当）；一方全判“是”或全判“否”时无法计算，记为 -。"]
    return "\n".join(lines)


def agreement_report(*, team_id: str | None, as_json: bool, db_path: Path | None, config: str | None) -> None:
    with _open(db_path, config) as store:
        items = store.review_items(team_id=team_id, state=None)
        rows = [j for item in items for j in judged(item)]
        session_rows = list(store.session_judgements(team_id=team_id))
    decided = len({j.item for j in rows})
    sessions = len({j.item for j in session_rows})
    rows += session_rows
    if as_json:
        click.echo(json.dumps({
            "reviews": decided, "sessions": sessions, "judgements": len(rows),
            "parts": [{**asdict(a), "rate": a.rate, "kappa": a.kappa} for a in by_part(rows)],
        }, ensure_ascii=False, indent=2))
        return
    click.echo(report_text(rows, reviews=decided, sessions=sessions))


# ---------------------------------------------------------------- exports


@click.command("reviews")
@click.option("--team", "team_id", metavar="TEAM_ID", help="只导出这个团队")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="写入文件（默认标准输出）")
@db_option
@config_option
def export_reviews(team_id: str | None, output: Path | None, db_path: Path | None, config: str | None) -> None:
    """组长复核过的回答，写成评分器数据集的格式（tests/data/*.yaml）：challenge、label、categories、text，

    另附组长逐项的判定（criteria、flags）、最终分数和评分器的原分数。原文已按保存期限删除的不导出。
    """
    with _open(db_path, config) as store:
        items = [i for i in store.review_items(team_id=team_id, state=None) if not i.review.is_open]
    rows = []
    for item in items:
        if not item.submission.text:
            continue
        label, categories = training_label(item.grade)
        labels = item.review.labels
        rows.append({
            "challenge": item.content_id, "label": label, "categories": list(categories), "text": item.submission.text,
            "score": item.review.score_after, "grader_score": item.review.score_before,
            "criteria": {k.split(":", 1)[1]: v for k, v in labels.items() if k.startswith("criterion:")},
            "flags": {k.split(":", 1)[1]: v for k, v in labels.items() if k.startswith("flag:")},
            "source": f"review-{item.review.id}", "decided_by": item.review.decided_by or "",
        })
    text = yaml.safe_dump(rows, allow_unicode=True, sort_keys=False, width=1000) if rows else "[]\n"
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"已导出 {len(rows)} 条复核过的回答到 {output}", err=True)
    else:
        click.echo(text, nl=False)


TRAIL_COLUMNS = ("review", "submission", "at", "local_time", "actor", "actor_name", "action", "part", "before",
                 "after", "note")


@click.command("trail")
@click.option("--csv", "as_csv", is_flag=True, help="CSV 格式（目前唯一的格式）")
@click.option("--team", "team_id", metavar="TEAM_ID", help="只导出这个团队")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="写入文件（默认标准输出）")
@db_option
@config_option
@tz_option
def export_trail(as_csv: bool, team_id: str | None, output: Path | None, db_path: Path | None, config: str | None,
                 tz: str | None) -> None:
    """复核的完整记录：每一步谁、何时、从什么改成什么、为什么（申诉、机器转交、维持、改分、逐项判定）。"""
    if not as_csv:
        raise click.ClickException("请加 --csv：目前只支持导出 CSV")
    where = zone(_zone(tz, config, team_id))
    with _open(db_path, config) as store, \
            (open(output, "w", encoding="utf-8", newline="") if output else _stdout()) as out:
        writer = csv.writer(out)
        writer.writerow(TRAIL_COLUMNS)
        for t in store.review_trail(team_id=team_id):
            writer.writerow([safe_cell(v) for v in (
                t.review_id, t.submission_id, t.at.isoformat(), t.at.astimezone(where).strftime("%Y-%m-%d %H:%M"),
                t.actor, t.actor_name or "", t.action, t.part or "", t.before or "", t.after or "", t.note or "")])
    if output is None:
        sys.stdout.flush()


@click.command("digest")
@click.option("--team", "team_id", metavar="TEAM_ID", help="团队（只有一个团队时可省略）")
@click.option("--png", "png", type=click.Path(dir_okay=False, path_type=Path), help="把图表存成 PNG 文件")
@db_option
@config_option
@click.pass_context
def digest_command(ctx: click.Context, team_id: str | None, png: Path | None, db_path: Path | None,
                   config: str | None) -> None:
    """组长周报：参与、最常漏掉的步骤和对应话术、合规问题、进步最大、复核队列；--png 保存近 8 周的图表。"""
    settings = context.settings(config)
    team = settings.team(team_id) if team_id else settings.teams[0] if len(settings.teams) == 1 else None
    if team is None:
        known = "、".join(t.id for t in settings.teams)
        raise click.ClickException(f"请用 --team 指定团队（{known}）" if not team_id else f"没有团队 {team_id!r}；已有：{known}")
    library = context.library(ctx)
    with _open(db_path, config) as store:
        msg = digest_message(store, library, team, _now(), chart=png is not None)
    click.echo(render_plain(Message(title=msg.title, sections=msg.sections, footer=msg.footer)))
    if png is not None and msg.attachment is not None:
        png.write_bytes(msg.attachment.data)
        click.echo(f"图表已保存到 {png}")


COMMANDS = (digest_command,)
EXPORTS = (export_reviews, export_trail)

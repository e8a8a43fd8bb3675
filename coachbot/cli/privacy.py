"""``coachbot forget`` and ``coachbot backup``: erasing personal data, and a consistent copy of the database."""

from __future__ import annotations

from pathlib import Path

import click

from coachbot.cli import context
from coachbot.domain.errors import UsageError
from coachbot.store import Store


def _store(config: str | None, db: str | None) -> Store:
    path = Path(db) if db else Path(context.settings(config).database)
    if not path.exists():
        raise click.ClickException(f"找不到数据库 {path}（用 --db 或环境变量 COACHBOT_DB 指定）")
    return Store(path)


@click.command()
@click.argument("member", required=False)
@click.option("--submission", type=int, help="只删除这一条作答（编号见 coachbot export submissions 的 id 列）")
@click.option("--config", type=click.Path(dir_okay=False), help="coachbot.yaml (or COACHBOT_CONFIG).")
@click.option("--db", help="SQLite file.")
@click.option("--yes", is_flag=True, help="不再确认，直接删除")
def forget(member: str | None, submission: int | None, config: str | None, db: str | None, yes: bool) -> None:
    """删除一位成员的全部作答和记录（个人信息保护法：删除权），或用 --submission 删除一条作答。

    MEMBER 可以是显示名、用户 ID，或 平台:用户ID。删除后排行榜按剩下的作答重新计算；无法恢复（除非有备份）。
    """
    if (member is None) == (submission is None):
        raise UsageError("请给出一位成员，或用 --submission 指定一条作答（二选一）")
    store = _store(config, db)
    try:
        if submission is not None:
            if not yes:
                click.confirm(f"删除作答 {submission}？", abort=True)
            if not store.forget_submission(submission):
                raise UsageError(f"没有编号为 {submission} 的作答")
            click.echo(f"已删除作答 {submission}。")
            return
        assert member is not None
        found = store.find_member(member)
        if found is None:
            raise UsageError(f"找不到成员 {member!r}")
        if not yes:
            click.confirm(f"删除 {found.name}（{found.platform}:{found.user}）的全部作答和记录？", abort=True)
        gone = store.forget_member(found)
        click.echo(f"已删除 {found.name}（{found.platform}:{found.user}）：{gone.replies} 条作答，"
                   f"{gone.waiting} 条待处理的消息。")
    finally:
        store.close()


@click.command()
@click.argument("target", type=click.Path(dir_okay=False))
@click.option("--config", type=click.Path(dir_okay=False), help="coachbot.yaml (or COACHBOT_CONFIG).")
@click.option("--db", help="SQLite file.")
def backup(target: str, config: str | None, db: str | None) -> None:
    """把正在使用的数据库完整复制到 TARGET（SQLite 在线备份：bot 不用停）。恢复方法见 README。"""
    store = _store(config, db)
    try:
        copy = store.backup(target)
    finally:
        store.close()
    click.echo(f"已备份到 {copy}（{copy.stat().st_size:,} 字节）。")


COMMANDS = (forget, backup)

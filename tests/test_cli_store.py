"""``coachbot leaderboard | stats | export submissions`` on a real file, exact output."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from coachbot.cli import main as coachbot
from coachbot.cli import store as cli_store
from coachbot.cli.store import table
from coachbot.store import Store
from tests.test_store import MON, at, challenge, reply

NOW = at(MON + timedelta(days=2), 12)  # Wednesday of the seeded week


@pytest.fixture
def main(monkeypatch) -> click.Group:
    monkeypatch.setattr(cli_store, "_now", lambda: NOW)
    return coachbot


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Team t1 (一组): 安 160, 波波 80 (one violation), Chris 80, 丁 50; 伊 of t2 answers last week."""
    path = tmp_path / "coachbot.db"
    with Store(path) as store:
        store.ensure_team("t1", name="一组")
        names = {"U1": "安", "U2": "波波", "U3": "Chris", "U4": "丁"}
        ann, bo, chris, dee = (store.ensure_member("slack", u, team_id="t1", display_name=n)
                               for u, n in names.items())
        eve = store.ensure_member("slack", "U5", team_id="t2", display_name="伊")
        a = challenge(store, MON, content="broken-promise", tags=("negotiation",))
        b = challenge(store, MON + timedelta(days=1), content="third-party", tags=("compliance",))
        for member, score in ((ann, 90), (bo, 80), (chris, 80), (dee, 50)):
            reply(store, a, member, score)
        reply(store, b, ann, 70)
        reply(store, b, bo, 85, violations=("threat",))
        reply(store, challenge(store, MON - timedelta(days=7), team="t2", channel="C2"), eve, 99)
    return path


def run(main: click.Group, *args: str, **kw):
    return CliRunner().invoke(main, list(args), **kw)


# ---------------------------------------------------------------- leaderboard


def test_leaderboard_prints_the_weeks_table(main, db):
    result = run(main, "leaderboard", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "排行榜 · 本周 2026-03-02 至 2026-03-08 · 所有成员",
        "排名  成员   积分  作答  通过率  连续天数",
        "   1  安      160     2    100%         2",
        "   2  波波     80     2     50%         2",
        "   2  Chris    80     1    100%         0",
        "   4  丁       50     1      0%         0",
    ]


def test_leaderboard_for_a_team_over_dates(main, db):
    result = run(main, "leaderboard", "--db", str(db), "--team", "t1", "--from", "2026-03-03",
                 "--to", "2026-03-03", "--top", "1")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "排行榜 · 2026-03-03 至 2026-03-03 · 团队 t1（一组）",
        "排名  成员  积分  作答  通过率  连续天数",
        "   1  安      70     1    100%         2",
    ]


def test_leaderboard_with_nobody_answering(main, db):
    result = run(main, "leaderboard", "--db", str(db), "--period", "today")
    assert result.output.splitlines() == [
        "排行榜 · 今天 2026-03-04 至 2026-03-04 · 所有成员", "（这段时间还没有人作答）"]


def test_leaderboard_as_csv_and_json(main, db):
    out = run(main, "leaderboard", "--db", str(db), "--period", "all", "--csv", "--top", "2").output
    assert list(csv.reader(io.StringIO(out))) == [
        ["rank", "platform", "user", "display_name", "team", "points", "answers", "pass_rate", "streak"],
        ["1", "slack", "U1", "安", "t1", "160", "2", "1.0", "2"],
        ["2", "slack", "U5", "伊", "t2", "99", "1", "1.0", "1"],
    ]
    data = json.loads(run(main, "leaderboard", "--db", str(db), "--team", "t1", "--json").output)
    assert (data["period"]["name"], data["scope"], data["team_id"], data["ranked"]) == ("week", "team", "t1", 4)
    assert [(r["rank"], r["member"]["display_name"], r["points"], r["pass_rate"]) for r in data["rows"]] == [
        (1, "安", 160, 1.0), (2, "波波", 80, 0.5), (2, "Chris", 80, 1.0), (4, "丁", 50, 0.0)]


def test_the_database_can_come_from_the_environment(main, db):
    result = run(main, "leaderboard", "--period", "all", env={"COACHBOT_DB": str(db)})
    assert result.exit_code == 0 and "伊" in result.output


@pytest.mark.parametrize("args, message", [
    (["--from", "2026-3-1"], "Error: --from 的日期应写成 YYYY-MM-DD，收到 '2026-3-1'"),
    (["--from", "2026-03-09", "--to", "2026-03-01"], "Error: 起始日期 2026-03-09 晚于结束日期 2026-03-01"),
    (["--team", "t9"], "Error: 没有团队 't9'；已有：t1、t2"),
    (["--json", "--csv"], "Error: --json 和 --csv 只能选一个"),
    (["--tz", "Mars/Olympus"], "Error: 未知的时区 'Mars/Olympus'"),
])
def test_bad_leaderboard_input_exits_1_with_a_message(main, db, args, message):
    result = run(main, "leaderboard", "--db", str(db), *args)
    assert (result.exit_code, result.output.strip()) == (1, message)


def test_a_missing_database_is_named(main, tmp_path):
    result = run(main, "leaderboard", "--db", str(tmp_path / "nope.db"))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: 找不到数据库 {tmp_path / 'nope.db'}")
    assert not (tmp_path / "nope.db").exists()


def test_a_newer_database_is_refused(main, db):
    Database(db)["_sqlite_migrations"].insert(
        {"migration_set": "coachbot", "name": "m999_next", "applied_at": "2027"})
    result = run(main, "stats", "安", "--db", str(db))
    assert result.exit_code == 1 and "m999_next" in result.output


# ---------------------------------------------------------------- stats


def test_stats_for_a_member(main, db):
    result = run(main, "stats", "安", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "安（slack:U1）· 团队 t1 · agent",
        "本周积分 160 · 累计积分 160 · 团队本周排名 1/4",
        "作答 2 · 通过率 100% · 连续天数 2",
        "",
        "技能      平均分  作答",
        "协商谈判    90.0     1",
        "合规底线    70.0     1",
        "",
        "最近作答",
        "日期        题目            得分  通过  积分  类型",
        "2026-03-03  third-party       70  是      70  计分",
        "2026-03-02  broken-promise    90  是      90  计分",
    ]


def test_stats_as_json_by_user_id(main, db):
    data = json.loads(run(main, "stats", "slack:U2", "--db", str(db), "--json").output)
    assert (data["member"]["display_name"], data["points_all"], data["team_rank"], data["pass_rate"]) == (
        "波波", 80, 2, 0.5)
    assert data["recent"][0] == {"post_date": "2026-03-03", "content_id": "third-party", "score": 85,
                                 "passed": False, "points": 0, "reason": "violation",
                                 "submitted_at": "2026-03-03T02:00:00+00:00"}


def test_an_unknown_member_gets_a_suggestion(main, db):
    result = run(main, "stats", "波", "--db", str(db))
    assert (result.exit_code, result.output.strip()) == (1, "Error: 找不到成员 '波'；你是不是要找：波波")


def test_an_ambiguous_member_is_refused(main, db):
    with Store(db) as store:
        store.ensure_member("wecom", "U1", team_id="t1", display_name="另一个安")
    result = run(main, "stats", "U1", "--db", str(db))
    assert result.exit_code == 1 and "slack:U1、wecom:U1" in result.output


# ---------------------------------------------------------------- export


def test_export_submissions_as_csv(main, db):
    result = run(main, "export", "submissions", "--csv", "--db", str(db), "--team", "t1")
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["id", "submitted_at", "local_time", "team", "platform", "user", "display_name",
                       "kind", "content_id", "post_date", "attempt", "counted", "reason", "score",
                       "passed", "points", "violations", "text"]
    assert rows[6] == ["6", "2026-03-03T02:00:00.000000+00:00", "2026-03-03 10:00", "t1", "slack", "U2",
                       "波波", "challenge", "third-party", "2026-03-03", "1", "1", "violation", "85",
                       "0", "0", "threat", "答复 85"]
    assert len(rows) == 7


def test_export_to_a_file_with_a_bom_for_excel(main, db, tmp_path):
    out = tmp_path / "subs.csv"
    result = run(main, "export", "submissions", "--csv", "--bom", "-o", str(out), "--db", str(db),
                 "--from", "2026-03-01", "--to", "2026-03-02")
    assert result.exit_code == 0 and result.output == ""
    raw = out.read_bytes()
    assert raw.startswith("\ufeffid,".encode()) and raw.count(b"\r\n") == 5


def test_export_needs_a_format(main, db):
    result = run(main, "export", "submissions", "--db", str(db))
    assert (result.exit_code, result.output.strip()) == (1, "Error: 请加 --csv：目前只支持导出 CSV")


def test_tables_align_chinese_by_display_width():
    assert table(("名", "分"), [("安", 5), ("Chris", 10)], right=(1,)).splitlines() == [
        "名     分", "安      5", "Chris  10"]


# ---------------------------------------------------------------- personal data, backups, read-only reports


def test_forget_erases_a_member_and_the_leaderboard_recounts(main, db):
    result = run(main, "forget", "安", "--db", str(db), "--yes")
    assert result.exit_code == 0, result.output
    assert "已删除 安（slack:U1）：2 条作答" in result.output
    board = run(main, "leaderboard", "--db", str(db), "--json")
    assert "安" not in board.output
    assert run(main, "stats", "安", "--db", str(db)).exit_code == 1


def test_forget_one_submission_rescores_the_rest(main, db):
    with Store(db) as store:
        bo = store.find_member("波波")
        ids = [r["id"] for r in store.export_submissions(now=NOW) if r["user"] == "U2"]
    assert run(main, "forget", "--submission", str(ids[0]), "--db", str(db), "--yes").exit_code == 0
    with Store(db) as store:
        assert [r["id"] for r in store.export_submissions(now=NOW) if r["user"] == "U2"] == ids[1:]
        assert store.member_stats(bo, now=NOW).points_all == 0     # the violation left scores 0
    missing = run(main, "forget", "--submission", "99999", "--db", str(db), "--yes")
    assert missing.exit_code == 2 and "没有编号为 99999 的作答" in missing.output
    both = run(main, "forget", "安", "--submission", "1", "--db", str(db), "--yes")
    assert both.exit_code == 2


def test_backup_copies_the_live_database_while_it_is_open(main, db, tmp_path):
    with Store(db) as live:                                   # the bot keeps it open meanwhile
        result = run(main, "backup", str(tmp_path / "copy.db"), "--db", str(db))
        assert result.exit_code == 0, result.output
        assert live.teams()
    with Store(tmp_path / "copy.db") as copy:
        assert len(list(copy.export_submissions(now=NOW))) == 7
    again = run(main, "backup", str(tmp_path / "copy.db"), "--db", str(db))
    assert again.exit_code == 1 and "已经存在" in again.output


def test_reports_open_the_database_read_only(main, db):
    db.chmod(0o444)
    try:
        for args in (("leaderboard",), ("stats", "安"), ("export", "submissions", "--csv")):
            result = run(main, *args, "--db", str(db))
            assert result.exit_code == 0, (args, result.output)
    finally:
        db.chmod(0o644)


def test_period_and_a_date_range_together_are_an_error(main, db):
    result = run(main, "leaderboard", "--period", "month", "--from", "2026-11-01", "--db", str(db))
    assert result.exit_code == 2 and "--period 和 --from/--to 只能选一种" in result.output


def test_csv_cells_cannot_run_as_spreadsheet_formulas(main, db):
    with Store(db) as store:
        evil = store.ensure_member("slack", "U9", team_id="t1", display_name="=HYPERLINK(\"http://x\")")
        post = store.post_for(platform="slack", channel="C1", kind="challenge", post_date=MON)
        store.record_submission(post=post, member=evil, text="@SUM(1+1)", grade={"score": 10, "passed": False},
                                at=at(MON, 11), event_id=None)
    exported = run(main, "export", "submissions", "--csv", "--db", str(db)).output
    rows = list(csv.DictReader(io.StringIO(exported)))
    mine = next(r for r in rows if r["user"] == "U9")
    assert mine["display_name"] == "'=HYPERLINK(\"http://x\")" and mine["text"] == "'@SUM(1+1)"
    board = run(main, "leaderboard", "--csv", "--period", "all", "--db", str(db)).output
    assert "'=HYPERLINK" in board and ",=HYPERLINK" not in board


def test_retention_erases_old_replies_text_but_keeps_their_scores(db):
    with Store(db) as store:
        before = store.member_stats(store.find_member("安"), now=NOW)
        assert store.erase_text_before(at(MON, 23)) == 5       # Monday's four replies and last week's one
        rows = {r["id"]: r for r in store.export_submissions(now=NOW)}
        assert [r["text"] for r in rows.values() if r["post_date"] == str(MON)] == [""] * 4
        assert store.member_stats(store.find_member("安"), now=NOW).points_all == before.points_all


def test_a_damaged_database_is_refused_with_the_restore_steps(tmp_path, main):
    path = tmp_path / "broken.db"
    with Store(path) as store:
        store.ensure_team("t1")
        for i in range(300):
            store.ensure_member("slack", f"U{i}", team_id="t1", display_name="名字" * 20)
    data = bytearray(path.read_bytes())
    page = 4096
    data[page * 3: page * 3 + 200] = b"\xff" * 200              # scribble over a b-tree page
    path.write_bytes(bytes(data))
    result = run(main, "stats", "U1", "--db", str(path))
    assert result.exit_code == 1 and "已损坏" in result.output and "coachbot backup" in result.output

"""The store: schema and migrations, posts, members, events, threads and crashes.

The helpers at the top (``store``, ``at``, ``grade``, ``challenge``, ``reply``)
are shared by the scoring, leaderboard and CLI tests.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlite_utils import Database, Migrations

from coachbot.domain.errors import StoreError
from coachbot.domain.records import Member, Post, Submission
from coachbot.store import Store
from coachbot.store.migrations import MIGRATIONS, m001_initial, upgrade

ROOT = Path(__file__).resolve().parents[1]
SH = ZoneInfo("Asia/Shanghai")
MON = date(2026, 3, 2)  # a Monday


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """Shanghai wall-clock time on ``day``."""
    return datetime.combine(day, time(hour, minute), SH)


def grade(score: int = 80, *, passed: bool | None = None, violations: tuple[str, ...] = (),
          criteria: tuple[tuple[str, bool], ...] = ()) -> dict:
    """A grader JSON object; criteria are (id, met) pairs labelled ``<id>-label``."""
    return {
        "challenge": "c",
        "score": score,
        "passed": score >= 60 if passed is None else passed,
        "criteria": [{"id": cid, "label": f"{cid}-label", "met": met, "points": 10 if met else 0,
                      "max_points": 10, "evidence": None, "feedback": None} for cid, met in criteria],
        "violations": [{"category": c, "label": c, "rule": "r", "evidence": "e"} for c in violations],
    }


def challenge(store: Store, day: date, *, team: str = "t1", channel: str = "C1",
              content: str = "c1", tags: tuple[str, ...] = ()) -> Post:
    """A challenge posted at 09:00 and revealed at 17:00 Shanghai time."""
    post = store.claim_post(team_id=team, platform="slack", channel=channel, kind="challenge",
                            content_id=content, post_date=day, reveal_at=at(day, 17),
                            now=at(day, 9), tags=tags)
    assert post is not None
    store.mark_posted(post.id, message_id=f"{channel}-{day}", at=at(day, 9))
    return store.post(post.id)


def reply(store: Store, post: Post, member: Member, score: int = 80, *, hour: int = 10,
          minute: int = 0, policy: str = "first", event_id: str | None = None,
          **grading: object) -> Submission:
    sub = store.record_submission(post=post, member=member, text=f"答复 {score}",
                                  grade=grade(score, **grading), at=at(post.post_date, hour, minute),
                                  event_id=event_id, policy=policy)
    assert sub is not None
    return sub


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "coachbot.db") as opened:
        yield opened


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- schema


def test_new_file_is_wal_with_foreign_keys_and_every_migration(tmp_path):
    with Store(tmp_path / "new.db") as store:
        db = store._db()
        assert db.journal_mode == "wal"
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        applied = [m.name for m in MIGRATIONS.applied(db)]
    assert applied == ["m001_initial", "m002_leaderboard_indexes", "m003_event_outcome", "m004_inbox_outbox",
                       "m005_content_snapshots", "m006_reviews", "m007_practice",
                       "m008_calibration_sessions", "m009_season_archive"]


def test_event_rows_from_before_claims_count_as_done(tmp_path):
    path = tmp_path / "old.db"
    old = Database(path)
    MIGRATIONS.apply(old, stop_before="m003_event_outcome")
    old.execute("INSERT INTO events (event_id, seen_at) VALUES ('slack:event:Ev0', '2026-01-01T00:00:00+00:00')")
    old.conn.commit()
    old.close()
    with Store(path) as store:
        # a retry of an event handled before the upgrade is still dropped, however late
        assert not store.claim_event("slack:event:Ev0", now=datetime(2026, 6, 1, tzinfo=UTC),
                                     stale_after=timedelta(seconds=30))


def test_event_claims_drop_retries_until_a_dead_claim_goes_stale(tmp_path):
    t0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    stale = timedelta(seconds=30)
    with Store(tmp_path / "c.db") as store:
        assert store.claim_event("e1", now=t0, stale_after=stale)                               # first delivery
        assert not store.claim_event("e1", now=t0 + timedelta(seconds=5), stale_after=stale)     # still running
        assert store.claim_event("e1", now=t0 + timedelta(seconds=31), stale_after=stale)        # holder died
        assert not store.claim_event("e1", now=t0 + timedelta(seconds=40), stale_after=stale)    # new holder fresh
        store.finish_event("e1", at=t0 + timedelta(seconds=41))
        assert not store.claim_event("e1", now=t0 + timedelta(hours=1), stale_after=stale)       # done for good
        assert store.mark_event("e2") and not store.claim_event(
            "e2", now=t0 + timedelta(days=400), stale_after=stale)                              # marks are done at once


def test_older_file_upgrades_in_place_keeping_its_rows(tmp_path):
    path = tmp_path / "old.db"
    old = Database(path)
    MIGRATIONS.apply(old, stop_before="m002_leaderboard_indexes")
    old.execute("INSERT INTO teams (id, name) VALUES ('t1', '一组')")
    old.execute("INSERT INTO members (platform, user, team_id) VALUES ('slack', 'U1', 't1')")
    old.close()

    with Store(path) as store:
        assert store.member("slack", "U1").team_id == "t1"
        assert store.teams() == {"t1": "一组"}
        indexes = {i.name for i in store._db()["submissions"].indexes}
    assert {"submissions_member_time", "submissions_counted_time"} <= indexes


def test_newer_file_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "newer.db"
    Store(path).close()
    db = Database(path)
    db["_sqlite_migrations"].insert(
        {"migration_set": "coachbot", "name": "m999_from_the_future", "applied_at": "2027"})
    db.close()
    before = _sha(path)

    with pytest.raises(StoreError, match="m999_from_the_future") as refused:
        Store(path)

    assert "更新版本" in str(refused.value) and str(path) in str(refused.value)
    assert _sha(path) == before


def test_a_failing_migration_leaves_the_file_at_its_previous_version(tmp_path):
    registry = Migrations("coachbot")
    registry()(m001_initial)

    @registry()
    def m002_broken(db: Database) -> None:
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    db = Database(tmp_path / "half.db")
    with pytest.raises(RuntimeError):
        upgrade(db, registry)
    assert db.table_names() == []
    assert registry.applied(db) == []


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("not sqlite " * 100)
    with pytest.raises(StoreError, match="无法打开数据库"):
        Store(path)


# ---------------------------------------------------------------- teams, members, posts


def test_members_upsert_keeps_role_unless_given(store):
    store.ensure_team("t1", name="一组")
    lead = store.ensure_member("slack", "U1", team_id="t1", display_name="王组长", role="lead")
    again = store.ensure_member("slack", "U1", team_id="t2")
    assert (again.id, again.role, again.display_name, again.team_id) == (lead.id, "lead", "王组长", "t2")
    assert store.ensure_member("slack", "U2", team_id="t1").role == "agent"
    with pytest.raises(StoreError, match="角色"):
        store.ensure_member("slack", "U3", team_id="t1", role="boss")
    assert store.teams() == {"t1": "一组", "t2": None}


def test_find_member_by_name_user_or_platform_and_user(store):
    zhang = store.ensure_member("slack", "U1", team_id="t1", display_name="张三")
    store.ensure_member("wecom", "U1", team_id="t1", display_name="李四")
    assert store.find_member("张三") == zhang
    assert store.find_member("slack:U1") == zhang
    assert store.find_member("nobody") is None
    with pytest.raises(StoreError, match="slack:U1、wecom:U1"):
        store.find_member("u1")


def test_channels_map_to_teams(store):
    store.ensure_channel("slack", "C1", "t1")
    assert store.team_for_channel("slack", "C1") == "t1"
    store.ensure_channel("slack", "C1", "t2")
    assert store.team_for_channel("slack", "C1") == "t2"
    assert store.team_for_channel("slack", "C9") is None


def test_a_days_post_is_claimed_once(store):
    args = dict(team_id="t1", platform="slack", channel="C1", kind="lesson", content_id="tip-1",
                post_date=MON, reveal_at=None, now=at(MON, 9))
    first = store.claim_post(**args)
    assert first.state == "pending" and first.tags == ()
    assert store.claim_post(**args) is None
    assert store.post_for(platform="slack", channel="C1", kind="lesson", post_date=MON) == first
    with pytest.raises(StoreError, match="帖子类型"):
        store.claim_post(**{**args, "kind": "poem"})


def test_post_lifecycle_moves_forward_once(store):
    post = store.claim_post(team_id="t1", platform="slack", channel="C1", kind="challenge",
                            content_id="c1", post_date=MON, reveal_at=at(MON, 17), now=at(MON, 9))
    assert store.mark_failed(post.id, reason="rate limited")
    assert store.mark_posted(post.id, message_id="M1", at=at(MON, 9, 5))
    assert not store.mark_posted(post.id, message_id="M2", at=at(MON, 9, 6))
    assert store.challenges_due_for_reveal(at(MON, 16, 59)) == []
    assert [p.id for p in store.challenges_due_for_reveal(at(MON, 17))] == [post.id]
    assert store.mark_revealed(post.id, at=at(MON, 17))
    assert not store.mark_revealed(post.id, at=at(MON, 17, 1))
    revealed = store.post(post.id)
    assert (revealed.state, revealed.message_id, revealed.revealed_at) == ("revealed", "M1", at(MON, 17))
    with pytest.raises(StoreError, match="没有编号为 999"):
        store.mark_posted(999, message_id="x", at=at(MON, 9))


def test_a_failed_or_abandoned_claim_is_retaken_by_one_caller(store):
    post = store.claim_post(team_id="t1", platform="slack", channel="C1", kind="lesson",
                            content_id="tip-1", post_date=MON, reveal_at=None, now=at(MON, 9))
    assert not store.retake_post(post.id, now=at(MON, 9, 1))  # a fresh claim belongs to its run
    assert store.retake_post(post.id, now=at(MON, 9, 10))  # abandoned for 10 minutes
    assert not store.retake_post(post.id, now=at(MON, 9, 11))
    store.mark_failed(post.id, reason="timeout")
    assert store.retake_post(post.id, now=at(MON, 9, 12))
    store.mark_posted(post.id, message_id="M1", at=at(MON, 9, 13))
    assert not store.retake_post(post.id, now=at(MON, 10))


def test_open_challenge_by_thread_or_latest_in_channel(store):
    monday = challenge(store, MON)
    tuesday = challenge(store, MON + timedelta(days=1), content="c2")
    assert store.open_challenge("slack", "C1", thread=None, now=at(MON, 12)) == monday
    assert store.open_challenge("slack", "C1", thread=None, now=at(MON + timedelta(days=1), 12)) == tuesday
    assert store.open_challenge("slack", "C1", thread=f"C1-{MON}", now=at(MON, 20)) == monday
    assert store.open_challenge("slack", "C1", thread="elsewhere", now=at(MON, 12)) is None
    assert store.open_challenge("slack", "C2", thread=None, now=at(MON, 12)) is None


def test_used_content_lists_each_id_least_recently_posted_first(store):
    for offset, content in enumerate(["a", "b", "a", "c"]):
        challenge(store, MON + timedelta(days=offset), content=content)
    store.claim_post(team_id="t1", platform="slack", channel="C1", kind="challenge", content_id="d",
                     post_date=MON + timedelta(days=9), reveal_at=None, now=at(MON, 9))  # never posted
    assert store.used_content("t1", "challenge") == ["b", "a", "c"]
    assert store.used_content("t1", "lesson") == []


def test_submissions_for_post_best_first_with_authors(store):
    post = challenge(store, MON)
    ann = store.ensure_member("slack", "U1", team_id="t1", display_name="安")
    bo = store.ensure_member("slack", "U2", team_id="t1", display_name="波")
    reply(store, post, ann, 70)
    reply(store, post, bo, 90, hour=11)
    replies = store.submissions_for_post(post.id)
    assert [(r.member.name, r.submission.score) for r in replies] == [("波", 90), ("安", 70)]


# ---------------------------------------------------------------- events and concurrency


def test_the_same_event_twice_is_stored_and_scored_once(store):
    post = challenge(store, MON)
    member = store.ensure_member("slack", "U1", team_id="t1")
    first = reply(store, post, member, 80, event_id="Ev1")
    again = store.record_submission(post=post, member=member, text="retry", grade=grade(80),
                                    at=at(MON, 10, 1), event_id="Ev1")
    assert again is None
    assert [r.submission.id for r in store.submissions_for_post(post.id)] == [first.id]
    assert store.event_seen("Ev1")


def test_the_same_events_from_two_threads_are_stored_once(store):
    post = challenge(store, MON)
    member = store.ensure_member("slack", "U1", team_id="t1")
    start = threading.Barrier(2)

    def deliver() -> list[Submission | None]:
        start.wait()
        return [store.record_submission(post=post, member=member, text=f"r{i}", grade=grade(50 + i),
                                        at=at(MON, 10, i), event_id=f"Ev{i}") for i in range(40)]

    with ThreadPoolExecutor(2) as pool:
        results = [f.result() for f in [pool.submit(deliver), pool.submit(deliver)]]
    stored = [s for batch in results for s in batch if s is not None]
    assert len(stored) == 40
    attempts = sorted(r.submission.attempt for r in store.submissions_for_post(post.id))
    assert attempts == list(range(1, 41))


def test_writers_on_many_threads_all_land(store):
    post = challenge(store, MON)
    members = [store.ensure_member("slack", f"U{i}", team_id="t1") for i in range(8)]

    def answer(member: Member) -> None:
        for n in range(10):
            reply(store, post, member, 60 + n, minute=n, policy="best_of:3")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(answer, members))
    replies = store.submissions_for_post(post.id)
    assert len(replies) == 80
    assert sum(r.submission.points for r in replies) == 8 * 62


def test_marking_command_events(store):
    assert store.mark_event("cmd-1", at=at(MON, 9)) is True
    assert store.mark_event("cmd-1") is False
    assert store.mark_event("cmd-2") is True
    assert store.purge_events(before=at(MON, 10)) == 1
    assert not store.event_seen("cmd-1") and store.event_seen("cmd-2")


def test_a_failed_write_keeps_nothing_not_even_the_event(store):
    post = challenge(store, MON)
    ghost = Member(id=999, platform="slack", user="ghost", display_name=None, team_id="t1", role="agent")
    with pytest.raises(sqlite3.IntegrityError):
        store.record_submission(post=post, member=ghost, text="x", grade=grade(), at=at(MON, 10),
                                event_id="Ev-ghost")
    assert not store.event_seen("Ev-ghost")
    assert store.submissions_for_post(post.id) == []


WRITER = """
import sys
from datetime import datetime, timedelta, timezone
from coachbot.store import Store
store = Store(sys.argv[1])
post = store.post(int(sys.argv[2]))
members = store.members()
start = datetime(2026, 3, 2, 2, tzinfo=timezone.utc)
grade = {"score": 70, "passed": True, "criteria": [], "violations": []}
i = 0
while True:
    store.record_submission(post=post, member=members[i % len(members)], text="x" * 500,
                            grade=grade, at=start + timedelta(microseconds=i), event_id=f"kill-{i}")
    i += 1
    if i == 300:
        print("ready", flush=True)
"""


def test_a_killed_writer_leaves_a_consistent_file(tmp_path):
    path = tmp_path / "killed.db"
    with Store(path) as store:
        post = challenge(store, MON)
        for i in range(5):
            store.ensure_member("slack", f"U{i}", team_id="t1")
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(post.id)],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert writer.stdout.readline().strip() == "ready"
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        writer.stdout.close()

    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    events = raw.execute("SELECT COUNT(*) FROM events WHERE event_id LIKE 'kill-%'").fetchone()[0]
    subs = raw.execute("SELECT COUNT(*) FROM submissions WHERE event_id LIKE 'kill-%'").fetchone()[0]
    gaps = raw.execute(
        "SELECT COUNT(*) FROM (SELECT member_id, MAX(attempt) AS top, COUNT(*) AS n"
        " FROM submissions GROUP BY member_id) WHERE top != n").fetchone()[0]
    raw.close()
    assert events == subs >= 300
    assert gaps == 0
    with Store(path) as reopened:
        assert len(reopened.submissions_for_post(post.id)) == subs

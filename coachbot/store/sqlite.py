"""Everything the bot records, in one SQLite file, in the domain's words.

    store = Store("coachbot.db")
    post = store.claim_post(team_id="t1", platform="slack", channel="C1", kind="challenge",
                            content_id="broken-promise", post_date=day, reveal_at=five_pm, now=now)

How it stays correct:

- **One transaction per use case.** Writes run in ``BEGIN IMMEDIATE``, which
  takes the write lock up front: concurrent writers queue on the busy timeout
  instead of failing when a read lock cannot be upgraded, and a crash leaves
  either the whole use case or none of it.
- **One connection per thread** (``threading.local``); the ``Store`` object is
  shared freely. WAL lets readers run while one writer writes; this process's
  writers queue on a lock for their turn (SQLite's own busy handler sleeps
  between retries, which under many threads wastes more time than it waits),
  and another process's writers wait on the busy timeout.
- **``synchronous = NORMAL``** in WAL mode: a killed process loses nothing that
  was committed; a power cut may lose the last few commits but never corrupts
  the file. That keeps recording a reply well under 2 ms.
- **Events are deduplicated in the same transaction** as what they cause, so a
  platform retry is stored and scored once, and a failed write does not
  swallow the event.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from coachbot.domain.digest import Slip, WeekPoint
from coachbot.domain.errors import StoreError
from coachbot.domain.records import (
    KINDS,
    ROLES,
    Answer,
    Member,
    Post,
    Submission,
    at_utc,
    utc_text,
)
from coachbot.domain.reports import Leaderboard, MemberStats, TeamInsight, TeamStanding
from coachbot.domain.scoring import UNJUDGED, BonusDay, Policy, Prior, decide, read_grade
from coachbot.domain.teams import DEFAULT_TZ
from coachbot.store import reads as read
from coachbot.store.erasure import ErasureStore
from coachbot.store.migrations import pending, unknown, upgrade
from coachbot.store.practice import PracticeStore
from coachbot.store.queues import QueueStore
from coachbot.store.reads import MEMBER_COLUMNS
from coachbot.store.reviews import ReviewStore
from coachbot.store.seasons import SeasonStore
from coachbot.store.sessions import SessionStore

BUSY_TIMEOUT_S = 10.0
PENDING_TIMEOUT = timedelta(minutes=5)  # a post claimed longer ago than this lost its owner
_SQLITE_NOW = "strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now')"  # same shape as utc_text()


def _one(db: Database, sql: str, params: Sequence | dict = ()) -> dict | None:
    return next(db.query(sql, params), None)


class Store(QueueStore, ErasureStore, ReviewStore, PracticeStore, SessionStore, SeasonStore):
    """The bot's SQLite file. Safe to share across threads."""

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        """Open or create the file, check it is sound, and bring its schema up to date.

        Raises :class:`StoreError` if the file is not a database, is damaged
        (``PRAGMA quick_check``) or was written by a newer coachbot; such a file
        is left exactly as it was. ``read_only`` (reports) never writes: the
        file must exist and be up to date.
        """
        self.path = Path(path)
        self.read_only = read_only
        self._local = threading.local()
        self._lock = threading.Lock()
        self._writer = threading.Lock()
        self._connections: list[Database] = []
        self._closed = False
        try:
            db = self._db()
            self._check_sound(db)
            if read_only:
                if newer := unknown(db):
                    raise StoreError(f"{self.path} 由更新版本的 coachbot 写入（本版本不认识的迁移：{', '.join(newer)}），"
                                     "请升级 coachbot。")
                if pending(db):
                    raise StoreError(f"数据库 {self.path} 需要升级（{', '.join(pending(db))}），只读命令不会改动它；"
                                     "先启动一次 coachbot（run 或 console）即可自动升级。")
            else:
                upgrade(db)
                db.enable_wal()
        except sqlite3.DatabaseError as error:
            self.close()
            raise StoreError(f"无法打开数据库 {self.path}：{error}") from error
        except BaseException:
            self.close()
            raise

    def _check_sound(self, db: Database) -> None:
        try:
            problems = [row[0] for row in db.execute("PRAGMA quick_check(3)").fetchall()]
        except sqlite3.DatabaseError as error:
            if "not a database" in str(error):
                raise
            problems = [str(error)]
        if problems != ["ok"]:
            raise StoreError(
                f"数据库 {self.path} 已损坏（PRAGMA quick_check：{'；'.join(problems)}）。coachbot 不会在损坏的文件上"
                "继续写入。请停下 coachbot，把这个文件改名留存，再用最近一次 `coachbot backup` 的备份复制回原路径"
                "（见 README「备份与恢复」）。")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every thread's connection; the store cannot be used afterwards."""
        with self._lock:
            self._closed = True
            connections, self._connections = self._connections, []
        for db in connections:
            db.close()

    # ------------------------------------------------------------ plumbing

    def _db(self) -> Database:
        if self._closed:
            raise StoreError("数据库已关闭")
        db = getattr(self._local, "db", None)
        if db is None:
            if self.read_only:
                if not self.path.exists():
                    raise StoreError(f"找不到数据库 {self.path}")
                conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S,
                                       isolation_level=None, check_same_thread=False)
            else:
                conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                       check_same_thread=False)
            db = Database(conn, execute_plugins=False)
            db.execute("PRAGMA foreign_keys = ON")
            if not self.read_only:
                db.execute("PRAGMA synchronous = NORMAL")
            with self._lock:
                self._connections.append(db)
            self._local.db = db
        return db

    @contextmanager
    def _write(self) -> Iterator[Database]:
        """One use case, one transaction; inside an open one (this thread's), a savepoint of it."""
        db = self._db()
        depth = getattr(self._local, "depth", 0)
        if depth:
            name = f"sp{depth}"
            db.execute(f"SAVEPOINT {name}")
            self._local.depth = depth + 1
            try:
                yield db
                db.execute(f"RELEASE {name}")
            except BaseException:
                db.execute(f"ROLLBACK TO {name}")
                db.execute(f"RELEASE {name}")
                raise
            finally:
                self._local.depth = depth
            return
        with self._writer:   # this process's writers queue here, in order, instead of SQLite's sleeping retries
            db.execute("BEGIN IMMEDIATE")
            self._local.depth = 1
            try:
                yield db
                db.commit()
            except BaseException:
                db.rollback()
                raise
            finally:
                self._local.depth = 0

    def check_writable(self) -> None:
        """Take the write lock and let go (for readiness checks); raises when the file cannot be written."""
        with self._write() as db:
            db.execute("SELECT 1")

    def transaction(self) -> AbstractContextManager[Database]:
        """Several store calls as one transaction: all of them or none."""
        return self._write()

    @contextmanager
    def _read(self) -> Iterator[Database]:
        """One snapshot for a read made of several queries."""
        db = self._db()
        db.execute("BEGIN")
        try:
            yield db
        finally:
            db.rollback()

    # ------------------------------------------------------------ teams and members

    def ensure_team(self, team_id: str, *, name: str | None = None) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO teams (id, name) VALUES (?, ?)"
                " ON CONFLICT (id) DO UPDATE SET name = coalesce(excluded.name, name)",
                [team_id, name],
            )

    def teams(self) -> dict[str, str | None]:
        """Team id -> name."""
        return dict(self._db().execute("SELECT id, name FROM teams ORDER BY id").fetchall())

    def ensure_channel(self, platform: str, channel: str, team_id: str) -> None:
        """Map a channel to a team (registering the team if new)."""
        with self._write() as db:
            db.execute("INSERT OR IGNORE INTO teams (id) VALUES (?)", [team_id])
            db.execute(
                "INSERT INTO channels (platform, channel, team_id) VALUES (?, ?, ?)"
                " ON CONFLICT (platform, channel) DO UPDATE SET team_id = excluded.team_id",
                [platform, channel, team_id],
            )

    def team_for_channel(self, platform: str, channel: str) -> str | None:
        row = self._db().execute(
            "SELECT team_id FROM channels WHERE platform = ? AND channel = ?", [platform, channel]
        ).fetchone()
        return row[0] if row else None

    def ensure_member(
        self,
        platform: str,
        user: str,
        *,
        team_id: str,
        display_name: str | None = None,
        role: str | None = None,
    ) -> Member:
        """Create or update a member. Team is always set; name and role only when given.

        A new member without a role is an ``agent``; an existing lead stays a
        lead when a later call leaves ``role`` out.
        """
        if role is not None and role not in ROLES:
            raise StoreError(f"未知的角色 {role!r}：可选 {', '.join(ROLES)}")
        known = self.member(platform, user)
        if known is not None and known.team_id == team_id and display_name in (None, known.display_name) \
                and role in (None, known.role):
            return known   # nothing to change: no write (this runs for every reply)
        with self._write() as db:
            db.execute("INSERT OR IGNORE INTO teams (id) VALUES (?)", [team_id])
            row = _one(
                db,
                "INSERT INTO members (platform, user, display_name, team_id, role)"
                " VALUES (:platform, :user, :name, :team, coalesce(:role, 'agent'))"
                " ON CONFLICT (platform, user) DO UPDATE SET team_id = excluded.team_id,"
                "  display_name = coalesce(:name, display_name), role = coalesce(:role, role)"
                " RETURNING *",
                {"platform": platform, "user": user, "name": display_name, "team": team_id,
                 "role": role},
            )
        assert row is not None  # an upsert with RETURNING always returns its row
        return Member.from_row(row)

    def member(self, platform: str, user: str) -> Member | None:
        row = _one(self._db(), "SELECT * FROM members WHERE platform = ? AND user = ?",
                   [platform, user])
        return Member.from_row(row) if row else None

    def member_by_id(self, member_id: int) -> Member | None:
        row = _one(self._db(), "SELECT * FROM members WHERE id = ?", [member_id])
        return Member.from_row(row) if row else None

    def members(self, *, team_id: str | None = None) -> list[Member]:
        sql = "SELECT * FROM members" + (" WHERE team_id = ?" if team_id else "") + " ORDER BY id"
        return [Member.from_row(row) for row in self._db().query(sql, [team_id] if team_id else [])]

    def find_member(self, query: str) -> Member | None:
        """By ``platform:user``, user id, or display name (case-insensitive).

        Raises :class:`StoreError` when the words fit several members.
        """
        text = query.strip()
        platform, _, user = text.partition(":")
        if user and (found := self.member(platform, user)):
            return found
        for column in ("user", "display_name"):
            rows = list(self._db().query(
                f"SELECT * FROM members WHERE {column} = ? COLLATE NOCASE ORDER BY id", [text]))
            if len(rows) > 1:
                names = "、".join(f"{r['platform']}:{r['user']}" for r in rows)
                raise StoreError(f"“{text}”对应多位成员（{names}），请用 平台:用户ID 指定")
            if rows:
                return Member.from_row(rows[0])
        return None

    # ------------------------------------------------------------ posts

    def claim_post(
        self,
        *,
        team_id: str,
        platform: str,
        channel: str,
        kind: str,
        content_id: str,
        post_date: date,
        reveal_at: datetime | None,
        now: datetime,
        tags: Sequence[str] = (),
    ) -> Post | None:
        """Reserve the day's post in a channel; ``None`` if it is already claimed.

        The unique key (platform, channel, kind, post_date) makes posting
        idempotent across restarts and duplicate scheduler runs.
        """
        if kind not in KINDS:
            raise StoreError(f"未知的帖子类型 {kind!r}：可选 {', '.join(KINDS)}")
        with self._write() as db:
            db.execute("INSERT OR IGNORE INTO teams (id) VALUES (?)", [team_id])
            db.execute("INSERT OR IGNORE INTO channels (platform, channel, team_id) VALUES (?, ?, ?)",
                       [platform, channel, team_id])
            row = _one(
                db,
                "INSERT INTO posts (team_id, platform, channel, kind, content_id, post_date, tags,"
                " claimed_at, reveal_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (platform, channel, kind, post_date) DO NOTHING RETURNING *",
                [team_id, platform, channel, kind, content_id, post_date.isoformat(),
                 json.dumps(list(tags), ensure_ascii=False), utc_text(now),
                 utc_text(reveal_at) if reveal_at else None],
            )
        return Post.from_row(row) if row else None

    def post(self, post_id: int) -> Post | None:
        row = _one(self._db(), "SELECT * FROM posts WHERE id = ?", [post_id])
        return Post.from_row(row) if row else None

    def post_for(self, *, platform: str, channel: str, kind: str, post_date: date) -> Post | None:
        row = _one(
            self._db(),
            "SELECT * FROM posts WHERE platform = ? AND channel = ? AND kind = ? AND post_date = ?",
            [platform, channel, kind, post_date.isoformat()],
        )
        return Post.from_row(row) if row else None

    def _move(self, post_id: int, state: str, allowed: tuple[str, ...], **columns: Any) -> bool:
        sets = "".join(f", {column} = :{column}" for column in columns)
        with self._write() as db:
            row = db.execute("SELECT state FROM posts WHERE id = ?", [post_id]).fetchone()
            if row is None:
                raise StoreError(f"没有编号为 {post_id} 的帖子")
            if row[0] not in allowed:
                return False
            db.execute(f"UPDATE posts SET state = :state{sets} WHERE id = :id",
                       {"state": state, "id": post_id, **columns})
        return True

    def retake_post(self, post_id: int, *, now: datetime, stale_after: timedelta = PENDING_TIMEOUT) -> bool:
        """Take over a claimed post that did not go out; True if this caller now owns it.

        A ``failed`` post, or a ``pending`` one claimed more than ``stale_after``
        ago (its run died between claiming and recording), becomes ``pending``
        again, claimed ``now``. Compare-and-set in one transaction, so of two
        runs or processes only one wins; a fresh ``pending`` claim is never taken.
        """
        with self._write() as db:
            cursor = db.execute(
                "UPDATE posts SET state = 'pending', claimed_at = :now WHERE id = :id"
                " AND (state = 'failed' OR (state = 'pending' AND claimed_at <= :stale))",
                {"id": post_id, "now": utc_text(now), "stale": utc_text(now - stale_after)},
            )
        return cursor.rowcount == 1

    def reclaim_skipped(self, post_id: int, *, content_id: str, reveal_at: datetime | None, tags: Sequence[str],
                        now: datetime) -> Post | None:
        """A lead posts by hand what the schedule skipped: skipped -> pending with the content now chosen.

        Compare-and-set, so of two leads asking at once only one posts it. None if it is not skipped.
        """
        with self._write() as db:
            row = _one(
                db,
                "UPDATE posts SET state = 'pending', content_id = ?, reveal_at = ?, tags = ?, claimed_at = ?,"
                " note = NULL WHERE id = ? AND state = 'skipped' RETURNING *",
                [content_id, utc_text(reveal_at) if reveal_at else None, json.dumps(list(tags), ensure_ascii=False),
                 utc_text(now), post_id],
            )
        return Post.from_row(row) if row else None

    def mark_posted(self, post_id: int, *, message_id: str, at: datetime) -> bool:
        """pending/failed -> posted. False (nothing changed) from any other state."""
        return self._move(post_id, "posted", ("pending", "failed"),
                          message_id=message_id, posted_at=utc_text(at), note=None)

    def mark_revealed(self, post_id: int, *, at: datetime) -> bool:
        """posted -> revealed. False if already revealed, so only one caller reveals."""
        return self._move(post_id, "revealed", ("posted",), revealed_at=utc_text(at))

    def mark_failed(self, post_id: int, *, reason: str) -> bool:
        """pending -> failed; a failed post may still be posted on a retry."""
        return self._move(post_id, "failed", ("pending",), note=reason)

    def mark_skipped(self, post_id: int, *, reason: str) -> bool:
        """pending/failed -> skipped (e.g. no content left, holiday)."""
        return self._move(post_id, "skipped", ("pending", "failed"), note=reason)

    def open_challenge(
        self, platform: str, channel: str, *, thread: str | None, now: datetime
    ) -> Post | None:
        """The challenge a reply answers: the thread's post, else the channel's latest.

        A post whose delivery is in flight (being sent, or sent with its outcome
        lost) counts as posted: the channel may already show it, and an answer
        to it must not be taken for a greeting while the bot waits to hear back.
        """
        if thread is not None:
            row = _one(
                self._db(),
                "SELECT * FROM posts WHERE platform = ? AND channel = ? AND message_id = ?"
                " AND kind = 'challenge' AND state IN ('posted', 'revealed')",
                [platform, channel, thread],
            )
        else:
            row = _one(
                self._db(),
                "SELECT * FROM posts WHERE platform = ? AND channel = ? AND kind = 'challenge'"
                " AND ((state IN ('posted', 'revealed') AND posted_at <= ?)"
                "  OR (state = 'pending' AND claimed_at <= ? AND EXISTS (SELECT 1 FROM outbox"
                "      WHERE outbox.post_id = posts.id AND outbox.state IN ('sending', 'unknown'))))"
                " ORDER BY post_date DESC, id DESC LIMIT 1",
                [platform, channel, utc_text(now), utc_text(now)],
            )
        return Post.from_row(row) if row else None

    def challenges_due_for_reveal(self, now: datetime) -> list[Post]:
        return [Post.from_row(row) for row in self._db().query(
            "SELECT * FROM posts WHERE state = 'posted' AND kind = 'challenge' AND reveal_at <= ?"
            " ORDER BY reveal_at, id",
            [utc_text(now)],
        )]

    def used_content(self, team_id: str, kind: str) -> list[str]:
        """Content ids posted for the team, each once, least recently posted first."""
        return [content for (content,) in self._db().execute(
            "SELECT content_id FROM posts WHERE team_id = ? AND kind = ?"
            " AND state IN ('posted', 'revealed')"
            " GROUP BY content_id ORDER BY MAX(post_date), MAX(id)",
            [team_id, kind],
        )]

    # ------------------------------------------------------------ replies

    def record_submission(
        self,
        *,
        post: Post,
        member: Member,
        text: str,
        grade: Mapping[str, Any],
        at: datetime,
        event_id: str | None,
        policy: str = "first",
    ) -> Submission | None:
        """Store and score one graded reply; ``None`` if ``event_id`` was already processed.

        Scoring rules are :func:`coachbot.domain.scoring.decide`: before the reveal the
        first reply (or the first N under ``best_of:N``) earns its score, later
        ones are practice; after the reveal no points; a violation earns 0.
        """
        rules = Policy.parse(policy)
        score, passed, categories = read_grade(grade)
        grade_json = json.dumps(dict(grade), ensure_ascii=False)
        when = utc_text(at)
        with self._write() as db:
            if event_id is not None and not self._mark_event(db, event_id, when):
                return None
            row = db.execute("SELECT kind, state, reveal_at FROM posts WHERE id = ?",
                             [post.id]).fetchone()
            if row is None or row[0] != "challenge":
                raise StoreError(f"编号 {post.id} 不是挑战题，不能作答")
            after_reveal = row[1] == "revealed" or (row[2] is not None and when >= row[2])
            attempts, counted, best, passed_before = db.execute(
                "SELECT COUNT(*), COALESCE(SUM(counted), 0),"
                " COALESCE(MAX(CASE WHEN counted = 1 AND reason = 'counted' THEN score END), 0),"
                " COALESCE(MAX(counted = 1 AND passed = 1), 0)"
                " FROM submissions WHERE post_id = ? AND member_id = ?",
                [post.id, member.id],
            ).fetchone()
            outcome = decide(
                Prior(attempts, counted, best, bool(passed_before)), score=score, passed=passed,
                violation=bool(categories), after_reveal=after_reveal, policy=rules,
                unjudged=grade.get("verdict") in UNJUDGED,
            )
            cursor = db.execute(
                "INSERT INTO submissions (post_id, member_id, attempt, event_id, text, submitted_at,"
                " grade, score, passed, violations, reason, counted, points, answer, pass_credit)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [post.id, member.id, outcome.attempt, event_id, text, when, grade_json, score,
                 int(outcome.passed), json.dumps(categories), outcome.reason, int(outcome.counted),
                 outcome.points, outcome.answer, outcome.pass_credit],
            )
        assert cursor.lastrowid is not None
        return Submission(
            id=cursor.lastrowid, post_id=post.id, member_id=member.id, attempt=outcome.attempt,
            counted=outcome.counted, reason=outcome.reason, points=outcome.points, score=score,
            passed=outcome.passed, violations=categories, text=text, submitted_at=at_utc(when),
        )

    def submission_for_event(self, event_id: str) -> Submission | None:
        """The reply stored under a platform message key (to answer it again after a crash, or edit it)."""
        row = _one(self._db(), "SELECT * FROM submissions WHERE event_id = ?", [event_id])
        return Submission.from_row(row) if row else None

    def withdraw_submission(self, event_id: str) -> Submission | None:
        """The member deleted the message: the reply is withdrawn.

        It no longer shows (reveal, best replies) and earns nothing, and its text
        is erased; it keeps its place among the member's attempts, so deleting an
        answer never buys a new scored attempt. ``None`` if no reply has that key.
        """
        with self._write() as db:
            row = _one(db, "SELECT * FROM submissions WHERE event_id = ?", [event_id])
            if row is None:
                return None
            db.execute("UPDATE submissions SET status = 'withdrawn', text = '' WHERE id = ?", [row["id"]])
            self._rescore(db, row["post_id"], row["member_id"])
            row = _one(db, "SELECT * FROM submissions WHERE id = ?", [row["id"]])
        assert row is not None
        return Submission.from_row(row)

    def supersede_submission(self, event_id: str) -> Submission | None:
        """The member edited the message: the reply keeps its score but is no longer shown in the reveal."""
        with self._write() as db:
            row = _one(db, "UPDATE submissions SET status = 'superseded' WHERE event_id = ? AND status = 'active'"
                           " RETURNING *", [event_id])
        return Submission.from_row(row) if row else None

    @staticmethod
    def _rescore(db: Database, post_id: int, member_id: int) -> None:
        """Recompute what each of a member's replies to a post adds, in attempt order.

        A withdrawn reply or a violation is worth 0; which replies counted does
        not change. Keeps the sums over ``points``, ``answer`` and ``pass_credit``
        equal to the member's best, first answer and first pass (see
        :class:`coachbot.domain.scoring.Outcome`).
        """
        best, answered, passed = 0, False, False
        for sub_id, counted, score, ok, reason, status in db.execute(
            "SELECT id, counted, score, passed, reason, status FROM submissions"
            " WHERE post_id = ? AND member_id = ? ORDER BY attempt", [post_id, member_id]).fetchall():
            if not counted:
                continue
            live = status != "withdrawn"
            effective = score if live and reason == "counted" else 0
            points, best = max(0, effective - best), max(best, effective)
            pass_credit = int(bool(ok) and live and not passed)
            passed = passed or bool(pass_credit)
            db.execute("UPDATE submissions SET points = ?, answer = ?, pass_credit = ? WHERE id = ?",
                       [points, int(not answered), pass_credit, sub_id])
            answered = True

    def submissions_for_post(self, post_id: int) -> list[Answer]:
        """Every reply to a post with its author, best score first, then earliest."""
        return [
            Answer(Submission.from_row(row), Member.from_row(row, "m_"))
            for row in self._db().query(
                f"SELECT s.*, {MEMBER_COLUMNS} FROM submissions s JOIN members m"
                " ON m.id = s.member_id WHERE s.post_id = ? ORDER BY s.score DESC, s.submitted_at, s.id",
                [post_id],
            )
        ]

    # ------------------------------------------------------------ events

    @staticmethod
    def _mark_event(db: Database, event_id: str, seen_at: str | None) -> bool:
        cursor = db.execute(   # seen and done at once: nothing holds it
            f"INSERT INTO events (event_id, seen_at, done_at) VALUES (:id, coalesce(:at, {_SQLITE_NOW}),"
            f" coalesce(:at, {_SQLITE_NOW})) ON CONFLICT (event_id) DO NOTHING",
            {"id": event_id, "at": seen_at},
        )
        return cursor.rowcount == 1

    def event_seen(self, event_id: str) -> bool:
        return self._db().execute("SELECT 1 FROM events WHERE event_id = ?",
                                  [event_id]).fetchone() is not None

    def mark_event(self, event_id: str, *, at: datetime | None = None) -> bool:
        """Insert-if-new for events that are not replies (commands); True if new.

        ``at`` defaults to SQLite's clock: it only dates the row for :meth:`purge_events`.
        """
        with self._write() as db:
            return self._mark_event(db, event_id, utc_text(at) if at else None)

    def claim_event(self, event_id: str, *, now: datetime, stale_after: timedelta) -> bool:
        """Claim a delivery before handling it; True if this caller should handle it.

        False while another handler holds a claim younger than ``stale_after`` or
        once the event is finished. A claim older than that whose handler never
        finished (its process died) is taken over, so a platform's retry of it is
        handled rather than lost; what the handler stores has its own key.
        """
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO events (event_id, seen_at, done_at) VALUES (?, ?, NULL)"
                " ON CONFLICT (event_id) DO UPDATE SET seen_at = excluded.seen_at"
                " WHERE events.done_at IS NULL AND events.seen_at < ?",
                [event_id, utc_text(now), utc_text(now - stale_after)],
            )
            return cursor.rowcount == 1

    def finish_event(self, event_id: str, *, at: datetime) -> None:
        """Record that a claimed event was handled: retries of it are dropped from now on."""
        with self._write() as db:
            db.execute("UPDATE events SET done_at = ? WHERE event_id = ? AND done_at IS NULL",
                       [utc_text(at), event_id])

    def purge_events(self, *, before: datetime) -> int:
        """Forget event ids seen before ``before`` (platforms retry within minutes)."""
        with self._write() as db:
            return db.execute("DELETE FROM events WHERE seen_at < ?", [utc_text(before)]).rowcount

    # ------------------------------------------------------------ a team's content, as it last loaded

    def content_snapshot(self, path: Path) -> str | None:
        """The text of a team's content file as it last loaded without problems."""
        with self._read() as db:
            row = db.execute("SELECT text FROM content_snapshots WHERE path = ?", [str(path.resolve())]).fetchone()
        return row[0] if row else None

    def keep_content(self, files: Mapping[Path, str], *, at: datetime) -> int:
        """Keep these texts as the last good versions of their files; returns how many changed."""
        changed = 0
        with self._write() as db:
            for path, text in files.items():
                changed += db.execute(
                    """INSERT INTO content_snapshots (path, text, saved_at) VALUES (?, ?, ?)
                       ON CONFLICT (path) DO UPDATE SET text = excluded.text, saved_at = excluded.saved_at
                       WHERE content_snapshots.text != excluded.text""",
                    [str(path.resolve()), text, utc_text(at)]).rowcount
        return changed

    # ------------------------------------------------------------ reading

    def leaderboard(
        self,
        *,
        period: str = "week",
        scope: str = "team",
        team_id: str | None = None,
        platform: str | None = None,
        channel: str | None = None,
        start: date | None = None,
        end: date | None = None,
        now: datetime,
        tz: str = DEFAULT_TZ,
        top: int = 10,
        asker: tuple[str, str] | None = None,
        bonus_day: BonusDay | None = None,
        practice_teams: Collection[str] = (),
    ) -> Leaderboard:
        """Standings for a period and scope; see :func:`coachbot.store.reads.leaderboard`.

        ``asker`` is (platform, user); a team board without ``team_id`` uses the
        asker's team.
        """
        who = self.member(*asker) if asker else None
        if scope == "team" and team_id is None and who is not None:
            team_id = who.team_id
        window = read.period_for(period, now=now, tz=tz, start=start, end=end)
        with self._read() as db:
            return read.leaderboard(db, period=window, scope=scope, now=now, team_id=team_id,
                                    platform=platform, channel=channel, top=top, asker=who, bonus_day=bonus_day,
                                    practice_teams=practice_teams)

    def team_board(self, *, team_ids: list[str], period: str = "week", now: datetime, tz: str = DEFAULT_TZ,
                   start: date | None = None, end: date | None = None) -> list[TeamStanding]:
        """Teams side by side (see :func:`coachbot.store.reads.team_board`)."""
        window = read.period_for(period, now=now, tz=tz, start=start, end=end)
        with self._read() as db:
            return read.team_board(db, period=window, team_ids=team_ids)

    def member_stats(self, member: Member, *, now: datetime, tz: str = DEFAULT_TZ,
                     bonus_day: BonusDay | None = None, practice_teams: Collection[str] = ()) -> MemberStats:
        with self._read() as db:
            return read.member_stats(db, member, now=now, tz=tz, bonus_day=bonus_day, practice_teams=practice_teams)

    def team_insight(
        self, team_id: str, *, period: str = "week", now: datetime, tz: str = DEFAULT_TZ,
        start: date | None = None, end: date | None = None,
    ) -> TeamInsight:
        window = read.period_for(period, now=now, tz=tz, start=start, end=end)
        with self._read() as db:
            return read.team_insight(db, team_id, period=window)

    def week_points(self, team_id: str, *, weeks: int, now: datetime, tz: str = DEFAULT_TZ) -> list[WeekPoint]:
        """The last ``weeks`` weeks (this one last), for the digest's chart."""
        this = read.period_for("week", now=now, tz=tz)
        assert this.start is not None
        periods = [read.period_for("range", now=now, tz=tz, start=this.start - timedelta(weeks=k),
                                   end=this.start - timedelta(weeks=k) + timedelta(days=6))
                   for k in range(weeks - 1, -1, -1)]
        with self._read() as db:
            return [read.week_point(db, team_id, period=p) for p in periods]

    def member_means(self, team_id: str, *, period: str = "week", now: datetime, tz: str = DEFAULT_TZ,
                     start: date | None = None, end: date | None = None) -> dict[int, tuple[Member, float, int]]:
        window = read.period_for(period, now=now, tz=tz, start=start, end=end)
        with self._read() as db:
            return read.member_means(db, team_id, period=window)

    def slips(self, team_id: str, *, period: str = "week", now: datetime, tz: str = DEFAULT_TZ) -> list[Slip]:
        window = read.period_for(period, now=now, tz=tz)
        with self._read() as db:
            return read.slips(db, team_id, period=window)

    def export_submissions(
        self, *, now: datetime, tz: str = DEFAULT_TZ, period: str = "all",
        start: date | None = None, end: date | None = None, team_id: str | None = None,
    ) -> Iterator[dict]:
        """Flat rows for spreadsheets (streamed; see :data:`coachbot.store.reads.EXPORT_COLUMNS`)."""
        window = read.period_for(period, now=now, tz=tz, start=start, end=end)
        return read.export_rows(self._db(), period=window, team_id=team_id)

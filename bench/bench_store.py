"""Benchmark the store at call-centre scale.

    python bench/bench_store.py [--members 20000 --teams 200 --submissions 1000000 --db PATH]

Seeds a synthetic year (one challenge per team per weekday, replies before
the reveal, a few practice replies and violations, an event id for every
reply), then measures, on the same file:

- a week's leaderboard for one team and for everyone (p50/p99 over --runs),
  each against a plain in-Python aggregation over the same rows, with a check
  that both give the same standings;
- ``record_submission`` latency (p50/p99 over --records calls).

Progress goes to stderr, results (Markdown) to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlite_utils import Database

from coachbot.domain.records import Member
from coachbot.domain.reports import period_for
from coachbot.store import Store
from coachbot.store.reads import current_streaks

TZ = "Asia/Shanghai"
SH = ZoneInfo(TZ)
NOW = datetime(2026, 6, 26, 12, 0, tzinfo=SH)  # a Friday: today's challenge is still open
TAGS = ["principles", "listening", "expression", "emotion", "customer-types", "stages",
        "hard-cases", "compliance", "negotiation", "psychology", "self-care", "workflow"]
CRITERIA = [("ask-reason", "问清原因"), ("confirm", "复述确认"), ("amount", "明确金额"),
            ("empathy", "表达理解")]
BATCH = 50_000


class Progress:
    """A hand-written progress bar on stderr."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total, self.done, self.drawn = label, total, 0, -1
        self.start = self.last = time.perf_counter()

    def add(self, n: int) -> None:
        self.done += n
        now = time.perf_counter()
        if now - self.last >= 0.2:
            self.last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        self.drawn = self.done
        frac = self.done / self.total if self.total else 1.0
        elapsed = now - self.start
        eta = elapsed / frac - elapsed if frac else 0.0
        bar = "#" * int(frac * 30)
        sys.stderr.write(f"\r{self.label} [{bar:<30}] {frac:6.1%} {self.done:>10,}/{self.total:,}"
                         f"  {elapsed:5.1f}s  eta {eta:5.1f}s ")
        sys.stderr.flush()

    def close(self) -> float:
        if self.drawn != self.done:
            self._draw(time.perf_counter())
        sys.stderr.write("\n")
        return time.perf_counter() - self.start


def utc(at: datetime) -> str:
    return at.astimezone(ZoneInfo("UTC")).isoformat(timespec="microseconds")


def weekdays(end: date, days: int) -> list[date]:
    return [d for d in (end - timedelta(days=n) for n in range(days - 1, -1, -1)) if d.weekday() < 5]


def grade_json(rng: random.Random, content: str, score: int, passed: bool, violation: bool) -> str:
    criteria = [{"id": cid, "label": label, "met": rng.random() < score / 100}
                for cid, label in CRITERIA]
    violations = [{"category": "threat", "label": "威胁", "rule": "r", "evidence": "e"}] if violation else []
    return json.dumps({"challenge": content, "score": score, "passed": passed,
                       "criteria": criteria, "violations": violations}, ensure_ascii=False)


def seed(path: Path, *, members: int, teams: int, submissions: int, rng: random.Random) -> dict:
    """Bulk-insert a synthetic year straight into the schema the Store created."""
    Store(path).close()  # schema, WAL
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -400000")
    per_team = members // teams
    days = weekdays(NOW.date(), 365)

    def batches(rows: Iterator[tuple], sql: str, progress: Progress | None = None) -> None:
        chunk: list[tuple] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == BATCH:
                _flush(conn, sql, chunk, progress)
                chunk = []
        _flush(conn, sql, chunk, progress)

    batches(((f"t{t:03d}", f"第{t}组") for t in range(teams)), "INSERT INTO teams VALUES (?, ?)")
    batches((("slack", f"C{t:03d}", f"t{t:03d}") for t in range(teams)),
            "INSERT INTO channels VALUES (?, ?, ?)")
    batches(((m + 1, "slack", f"U{m:05d}", f"成员{m}", f"t{m // per_team:03d}", "agent")
             for m in range(members)), "INSERT INTO members VALUES (?, ?, ?, ?, ?, ?)")

    posts = []  # (id, team index, day, content)
    post_rows = []
    for day in days:
        for t in range(teams):
            content = f"challenge-{rng.randrange(40):02d}"
            state = "posted" if day == NOW.date() else "revealed"
            reveal = utc(datetime.combine(day, datetime.min.time(), SH) + timedelta(hours=17))
            posted = utc(datetime.combine(day, datetime.min.time(), SH) + timedelta(hours=9))
            post_id = len(posts) + 1
            posts.append((post_id, t, day, content))
            post_rows.append((post_id, f"t{t:03d}", "slack", f"C{t:03d}", "challenge", content,
                              day.isoformat(), json.dumps(rng.sample(TAGS, rng.randint(1, 2))), state,
                              None, f"M{post_id}", posted, posted, reveal,
                              None if state == "posted" else reveal))
    batches(iter(post_rows), "INSERT INTO posts VALUES (" + ", ".join("?" * 15) + ")")

    progress = Progress("seeding submissions", submissions)

    def replies() -> Iterator[tuple]:
        """Each post gets an even share of the rows left; 5% of repliers try twice (practice)."""
        made = 0
        for index, (post_id, t, day, content) in enumerate(posts):
            quota = (submissions - made) // (len(posts) - index)
            nine = datetime.combine(day, datetime.min.time(), SH) + timedelta(hours=9)
            team_members = range(t * per_team + 1, (t + 1) * per_team + 1)
            for member in rng.sample(team_members, min(quota, per_team)):
                for attempt in (1, 2):
                    if quota == 0 or (attempt == 2 and rng.random() >= 0.05):
                        break
                    quota -= 1
                    made += 1
                    yield reply_row(made, post_id, member, attempt, content,
                                    nine + timedelta(seconds=rng.randrange(9000), minutes=attempt))

    def reply_row(n: int, post_id: int, member: int, attempt: int, content: str, at: datetime) -> tuple:
        score = min(100, max(0, int(rng.gauss(68, 18))))
        violation = rng.random() < 0.02
        passed = score >= 60 and not violation
        counted = attempt == 1
        reason = "violation" if violation else ("counted" if counted else "practice")
        return (n, post_id, member, attempt, f"Ev{n:07d}", "您好，理解您的难处，我们看看怎么安排……",
                utc(at), grade_json(rng, content, score, passed, violation), score, int(passed),
                '["threat"]' if violation else "[]", reason, int(counted),
                score if counted and not violation else 0, int(counted), int(counted and passed))

    batches(replies(), "INSERT INTO submissions VALUES (" + ", ".join("?" * 16) + ")", progress)
    seconds = progress.close()
    events = Progress("seeding event ids  ", submissions)
    batches(((f"Ev{n:07d}", utc(NOW - timedelta(days=1))) for n in range(1, submissions + 1)),
            "INSERT INTO events VALUES (?, ?)", events)
    events.close()
    count = conn.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return {"posts": len(posts), "submissions": count, "seconds": seconds}


def _flush(conn: sqlite3.Connection, sql: str, chunk: list[tuple], progress: Progress | None) -> None:
    if not chunk:
        return
    conn.execute("BEGIN")
    conn.executemany(sql, chunk)
    conn.execute("COMMIT")
    if progress:
        progress.add(len(chunk))


# ---------------------------------------------------------------- measuring


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds per call."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def python_board(db: Database, *, team: str | None, asker_id: int, top: int = 10) -> list[tuple]:
    """The same standings by fetching the same rows and aggregating in Python."""
    lo, hi = period_for("week", now=NOW, tz=TZ).bounds()
    if team:
        rows = db.execute(
            "SELECT s.member_id, s.points, s.answer, s.pass_credit FROM members m"
            " JOIN submissions s ON s.member_id = m.id WHERE m.team_id = ? AND s.counted = 1"
            " AND s.submitted_at >= ? AND s.submitted_at < ?", [team, lo, hi])
    else:
        rows = db.execute(
            "SELECT member_id, points, answer, pass_credit FROM submissions"
            " WHERE counted = 1 AND submitted_at >= ? AND submitted_at < ?", [lo, hi])
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for member_id, points, answer, credit in rows:
        total = totals[member_id]
        total[0] += points
        total[1] += answer
        total[2] += credit
    ordered = sorted(totals.items(), key=lambda kv: (-kv[1][0], kv[0]))
    out, rank, previous = [], 0, None
    for place, (member_id, (points, answers, passes)) in enumerate(ordered, 1):
        if points != previous:
            rank, previous = place, points
        if place <= top or member_id == asker_id:
            out.append((rank, member_id, points, answers, passes))
    if asker_id not in totals:
        out.append((1 + sum(1 for t in totals.values() if t[0] > 0), asker_id, 0, 0, 0))
    shown = [Member.from_row(next(db.query("SELECT * FROM members WHERE id = ?", [member_id])))
             for _, member_id, *_ in out]
    current_streaks(db, shown, now=NOW, today=NOW.date())  # the same streak work: only aggregation differs
    return out


def sql_rows(board) -> list[tuple]:
    rows = list(board.rows) + ([board.asker_row] if board.asker_row else [])
    return [(r.rank, r.member.id, r.points, r.answers, round(r.pass_rate * r.answers) if r.answers else 0)
            for r in rows]


def measure(path: Path, *, members: int, teams: int, runs: int, records: int,
            rng: random.Random) -> list[str]:
    store = Store(path)
    plain = Database(sqlite3.connect(path))
    per_team = members // teams
    lines = ["| measurement | p50 | p99 | max | in-Python p50 | Python / SQL |",
             "|---|---:|---:|---:|---:|---:|"]

    for label, scope in (("week leaderboard, one team", "team"), ("week leaderboard, everyone", "everyone")):
        askers = [rng.randrange(members) for _ in range(runs)]

        def team_of(m: int) -> str | None:
            return f"t{m // per_team:03d}" if scope == "team" else None

        def by_sql(m: int):
            return store.leaderboard(period="week", scope=scope, team_id=team_of(m), now=NOW, tz=TZ,
                                     top=10, asker=("slack", f"U{m:05d}"))

        def by_python(m: int):
            return python_board(plain, team=team_of(m), asker_id=m + 1)

        for _ in range(3):  # warm the page cache for both
            by_sql(askers[0]), by_python(askers[0])
        sql_ms = timed(lambda it=iter(askers): by_sql(next(it)), runs)
        py_ms = timed(lambda it=iter(askers): by_python(next(it)), runs)
        for m in askers[:5]:
            assert sql_rows(by_sql(m)) == by_python(m), m
        lines.append(f"| {label} | {pct(sql_ms, 50):.2f} ms | {pct(sql_ms, 99):.2f} ms "
                     f"| {max(sql_ms):.2f} ms | {pct(py_ms, 50):.2f} ms "
                     f"| {pct(py_ms, 50) / pct(sql_ms, 50):.1f}x |")

    posts = {post.team_id: post for post in store.challenges_due_for_reveal(NOW + timedelta(hours=6))}
    member_rows = {m.id: m for m in store.members()}
    grade = {"challenge": "c", "score": 75, "passed": True,
             "criteria": [{"id": cid, "label": label, "met": True} for cid, label in CRITERIA],
             "violations": []}
    run_id = f"bench-{os.getpid()}"
    counter = iter(range(records))

    def record():
        n = next(counter)
        member = member_rows[rng.randrange(members) + 1]
        return store.record_submission(post=posts[member.team_id], member=member, text="您好……",
                                       grade=grade, at=NOW + timedelta(milliseconds=n),
                                       event_id=f"{run_id}-{n}")

    record_ms = timed(record, records)
    reasons = dict(plain.execute("SELECT reason, COUNT(*) FROM submissions WHERE event_id LIKE ?"
                                 " GROUP BY reason", [f"{run_id}-%"]).fetchall())
    lines.append(f"| record_submission ({records:,} calls: "
                 + ", ".join(f"{n:,} {r}" for r, n in sorted(reasons.items()))
                 + f") | {pct(record_ms, 50):.2f} ms | {pct(record_ms, 99):.2f} ms "
                 f"| {max(record_ms):.2f} ms | | |")
    store.close()
    plain.close()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--submissions", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=Path("bench/out/bench-store.db"))
    parser.add_argument("--runs", type=int, default=200, help="leaderboard runs per measurement")
    parser.add_argument("--records", type=int, default=5_000, help="record_submission calls")
    parser.add_argument("--reuse", action="store_true", help="measure an already seeded --db")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    if not args.reuse:
        args.db.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
        seeded = seed(args.db, members=args.members, teams=args.teams,
                      submissions=args.submissions, rng=rng)
        print(f"Seeded {args.members:,} members in {args.teams} teams, {seeded['posts']:,} challenge "
              f"posts and {seeded['submissions']:,} submissions (+ as many event ids) in "
              f"{seeded['seconds']:.1f} s; file {args.db.stat().st_size / 2**20:,.0f} MiB.\n")
    week = period_for("week", now=NOW, tz=TZ)
    conn = sqlite3.connect(args.db)
    in_week = conn.execute("SELECT COUNT(*) FROM submissions WHERE counted = 1 AND submitted_at >= ?"
                           " AND submitted_at < ?", week.bounds()).fetchone()[0]
    conn.close()
    print(f"Week {week.start} to {week.end} ({TZ}), now {NOW.isoformat()}: {in_week:,} counted replies "
          f"in the week. Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}.\n")
    for line in measure(args.db, members=args.members, teams=args.teams, runs=args.runs,
                        records=args.records, rng=rng):
        print(line)
    print("\nBoth leaderboards were checked equal to the in-Python result (rank, member, points,"
          " answers, passes).")


if __name__ == "__main__":
    main()

"""The review queue in the record: appeals, the grader's uncertain verdicts, leads' decisions and their trail.

Mixed into :class:`coachbot.store.sqlite.Store`, which supplies the plumbing. A decision rewrites the
reply's own row (score, pass, violations, reason, points) in the same transaction as the review and its
trail entry, so leaderboards, streaks, insight and exports read the grade that stands, and the grader's
verdict stays in ``reviews.grade_before``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from coachbot.domain.errors import StoreError
from coachbot.domain.records import Member, Submission, at_utc, utc_text
from coachbot.domain.review import Decided, Review, ReviewItem, TrailEntry
from coachbot.domain.scoring import UNJUDGED, Policy, read_grade
from coachbot.store.part import StorePart

GRADER = "coachbot"    # the actor of the grader's own steps


def _graded(db: Database, submission_id: int) -> dict[str, Any]:
    """The submission's grade and score, as a review keeps them from before a decision."""
    row = _one(db, "SELECT grade, score FROM submissions WHERE id = ?", [submission_id])
    if row is None:
        raise StoreError(f"没有编号为 {submission_id} 的作答")
    return row


def _one(db: Database, sql: str, params: Any = ()) -> dict | None:
    return next(db.query(sql, params), None)


class ReviewStore(StorePart):
    """Review operations; see the module docstring."""

    # ------------------------------------------------------------ opening

    @staticmethod
    def _trail(db: Database, review_id: int, *, at: datetime, actor: str, actor_name: str | None, action: str,
               part: str | None = None, before: object = None, after: object = None, note: str | None = None) -> int:
        cursor = db.execute(
            "INSERT INTO review_trail (review_id, at, actor, actor_name, action, part, before, after, note)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [review_id, utc_text(at), actor, actor_name, action, part,
             None if before is None else str(before), None if after is None else str(after), note])
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def route_review(self, *, submission_id: int, team_id: str, reasons: tuple[str, ...], at: datetime
                     ) -> Review | None:
        """The grader is unsure of this reply's verdict: put it in the team's queue (once)."""
        with self._write() as db:
            row = _graded(db, submission_id)
            cursor = db.execute(
                "INSERT INTO reviews (submission_id, team_id, source, reasons, opened_at, grade_before, score_before)"
                " VALUES (?, ?, 'grader', ?, ?, ?, ?) ON CONFLICT (submission_id) DO NOTHING",
                [submission_id, team_id, json.dumps(list(reasons)), utc_text(at), row["grade"], row["score"]])
            if cursor.rowcount != 1:
                return None
            assert cursor.lastrowid is not None
            self._trail(db, cursor.lastrowid, at=at, actor=GRADER, actor_name=None, action="routed",
                        note=",".join(reasons))
            found = _one(db, "SELECT * FROM reviews WHERE id = ?", [cursor.lastrowid])
        assert found is not None
        return Review.from_row(found)

    def appeal_review(self, *, submission_id: int, team_id: str, actor: str, actor_name: str | None,
                      disputed: str | None, note: str | None, at: datetime) -> tuple[Review, bool]:
        """An agent appeals a grade: a new item, or the grader's own open item becomes an appeal.

        Returns the review and whether this call filed the appeal (False: it was appealed or decided before).
        """
        with self._write() as db:
            row = _one(db, "SELECT * FROM reviews WHERE submission_id = ?", [submission_id])
            if row is not None and (row["source"] == "appeal" or row["state"] != "open"):
                return Review.from_row(row), False
            if row is None:
                sub = _graded(db, submission_id)
                cursor = db.execute(
                    "INSERT INTO reviews (submission_id, team_id, source, disputed, appeal_note, appealed_by,"
                    " opened_at, grade_before, score_before) VALUES (?, ?, 'appeal', ?, ?, ?, ?, ?, ?)",
                    [submission_id, team_id, disputed, note, actor, utc_text(at), sub["grade"], sub["score"]])
                review_id = cursor.lastrowid
            else:
                review_id = row["id"]
                db.execute("UPDATE reviews SET source = 'appeal', disputed = ?, appeal_note = ?, appealed_by = ?"
                           " WHERE id = ?", [disputed, note, actor, review_id])
            assert review_id is not None
            self._trail(db, review_id, at=at, actor=actor, actor_name=actor_name, action="appealed", part=disputed,
                        note=note)
            found = _one(db, "SELECT * FROM reviews WHERE id = ?", [review_id])
        assert found is not None
        return Review.from_row(found), True

    # ------------------------------------------------------------ reading

    def submission(self, submission_id: int) -> Submission | None:
        row = _one(self._db(), "SELECT * FROM submissions WHERE id = ?", [submission_id])
        return Submission.from_row(row) if row else None

    def submission_grade(self, submission_id: int) -> dict:
        """The grade that stands for a reply (the grader's, or a lead's decision)."""
        row = _one(self._db(), "SELECT grade FROM submissions WHERE id = ?", [submission_id])
        return json.loads(row["grade"]) if row else {}

    def latest_submission(self, member_id: int) -> Submission | None:
        """A member's latest reply that still stands (not withdrawn)."""
        row = _one(self._db(), "SELECT * FROM submissions WHERE member_id = ? AND status != 'withdrawn'"
                               " ORDER BY submitted_at DESC, id DESC LIMIT 1", [member_id])
        return Submission.from_row(row) if row else None

    def review(self, review_id: int) -> Review | None:
        row = _one(self._db(), "SELECT * FROM reviews WHERE id = ?", [review_id])
        return Review.from_row(row) if row else None

    def review_for_submission(self, submission_id: int) -> Review | None:
        row = _one(self._db(), "SELECT * FROM reviews WHERE submission_id = ?", [submission_id])
        return Review.from_row(row) if row else None

    _ITEM = """SELECT r.*, s.id AS s_id, s.post_id AS s_post_id, s.member_id AS s_member_id, s.attempt AS s_attempt,
                      s.counted AS s_counted, s.reason AS s_reason, s.points AS s_points, s.score AS s_score,
                      s.passed AS s_passed, s.violations AS s_violations, s.text AS s_text,
                      s.submitted_at AS s_submitted_at, s.status AS s_status, s.event_id AS s_event_id,
                      s.grade AS s_grade, p.content_id, p.post_date,
                      m.id AS m_id, m.platform AS m_platform, m.user AS m_user, m.display_name AS m_display_name,
                      m.team_id AS m_team_id, m.role AS m_role
               FROM reviews r JOIN submissions s ON s.id = r.submission_id JOIN posts p ON p.id = s.post_id
               JOIN members m ON m.id = s.member_id"""

    @staticmethod
    def _item(row: dict) -> ReviewItem:
        sub = Submission.from_row({k[2:]: v for k, v in row.items() if k.startswith("s_")})
        return ReviewItem(Review.from_row(row), sub, Member.from_row(row, "m_"), row["content_id"], row["post_date"],
                          json.loads(row["s_grade"]))

    def review_item(self, review_id: int) -> ReviewItem | None:
        row = _one(self._db(), self._ITEM + " WHERE r.id = ?", [review_id])
        return self._item(row) if row else None

    def review_items(self, *, team_id: str | None = None, state: str | None = "open", since: datetime | None = None,
                     until: datetime | None = None) -> list[ReviewItem]:
        """A team's items (every team's without ``team_id``), oldest first; ``state`` None for every state."""
        where, params = ["1 = 1"], []
        if team_id is not None:
            where.append("r.team_id = ?")
            params.append(team_id)
        if state is not None:
            where.append("r.state = ?")
            params.append(state)
        if since is not None:
            where.append("coalesce(r.decided_at, r.opened_at) >= ?")
            params.append(utc_text(since))
        if until is not None:
            where.append("r.opened_at < ?")
            params.append(utc_text(until))
        return [self._item(row) for row in self._db().query(
            self._ITEM + " WHERE " + " AND ".join(where) + " ORDER BY r.id", params)]

    def review_trail(self, *, team_id: str | None = None) -> Iterator[TrailEntry]:
        """Every step of every review, in order (streams)."""
        sql = ("SELECT t.*, r.submission_id FROM review_trail t JOIN reviews r ON r.id = t.review_id"
               + (" WHERE r.team_id = ?" if team_id else "") + " ORDER BY t.id")
        for row in self._db().query(sql, [team_id] if team_id else []):
            yield TrailEntry(row["review_id"], row["submission_id"], at_utc(row["at"]), row["actor"],
                             row["actor_name"], row["action"], row["part"], row["before"], row["after"], row["note"])

    # ------------------------------------------------------------ deciding

    def decide_review(self, review_id: int, *, final: Mapping[str, Any], labels: Mapping[str, bool], state: str,
                      action: str, actor: str, actor_name: str | None, at: datetime, policy: str = "first",
                      part: str | None = None, before: object = None, after: object = None,
                      note: str | None = None, only_open: bool = False) -> Decided | None:
        """Record a lead's decision and make ``final`` the reply's grade, in one transaction.

        ``labels`` are merged into the review's; ``only_open`` refuses (None) an item decided meanwhile.
        """
        with self._write() as db:
            row = _one(db, "SELECT * FROM reviews WHERE id = ?", [review_id])
            if row is None:
                raise StoreError(f"没有编号为 {review_id} 的复核")
            if only_open and row["state"] != "open":
                return None
            sub = _one(db, "SELECT * FROM submissions WHERE id = ?", [row["submission_id"]])
            assert sub is not None
            points_before = self._post_points(db, sub["post_id"], sub["member_id"])
            self._apply_grade(db, sub, final, Policy.parse(policy))
            merged = {**json.loads(row["labels"]), **{k: bool(v) for k, v in labels.items()}}
            db.execute(
                "UPDATE reviews SET state = ?, score_after = ?, labels = ?, decided_by = ?, decided_name = ?,"
                " decided_at = ?, decision_note = ? WHERE id = ?",
                [state, read_grade(final)[0], json.dumps(merged, ensure_ascii=False), actor, actor_name,
                 utc_text(at), note, review_id])
            trail_id = self._trail(db, review_id, at=at, actor=actor, actor_name=actor_name, action=action,
                                   part=part, before=before, after=after, note=note)
            points_after = self._post_points(db, sub["post_id"], sub["member_id"])
            found = _one(db, "SELECT * FROM reviews WHERE id = ?", [review_id])
        assert found is not None
        return Decided(Review.from_row(found), trail_id, points_before, points_after)

    @staticmethod
    def _post_points(db: Database, post_id: int, member_id: int) -> int:
        (points,) = db.execute("SELECT COALESCE(SUM(points), 0) FROM submissions WHERE post_id = ? AND member_id = ?",
                               [post_id, member_id]).fetchone()
        return int(points)

    def _apply_grade(self, db: Database, sub: dict, final: Mapping[str, Any], policy: Policy) -> None:
        """The reply's row as ``final`` grades it; what it adds to the totals worked out again.

        A reply the grader could not judge (it timed out) used up no scored attempt; judged by a lead it
        counts if the member still had one then (before the reveal, fewer counted replies than the policy
        allows), like a reply the grader had judged.
        """
        score, passed, categories = read_grade(final)
        violation = bool(categories)
        post = _one(db, "SELECT state, reveal_at FROM posts WHERE id = ?", [sub["post_id"]])
        assert post is not None
        after_reveal = post["reveal_at"] is not None and sub["submitted_at"] >= post["reveal_at"]
        counted = bool(sub["counted"])
        was_unjudged = json.loads(sub["grade"]).get("verdict") in UNJUDGED
        if not counted and was_unjudged and final.get("verdict") not in UNJUDGED and not after_reveal \
                and sub["status"] != "withdrawn":
            (others,) = db.execute(
                "SELECT COUNT(*) FROM submissions WHERE post_id = ? AND member_id = ? AND counted = 1 AND attempt < ?",
                [sub["post_id"], sub["member_id"], sub["attempt"]]).fetchone()
            counted = others < policy.counted_attempts
        if violation:
            reason = "violation"
        elif counted:
            reason = "counted"
        else:
            reason = "after_reveal" if after_reveal else "practice"
        db.execute(
            "UPDATE submissions SET score = ?, passed = ?, violations = ?, reason = ?, counted = ?, grade = ?"
            " WHERE id = ?",
            [score, int(passed and not violation), json.dumps(list(categories)), reason, int(counted),
             json.dumps(dict(final), ensure_ascii=False), sub["id"]])
        self._rescore(db, sub["post_id"], sub["member_id"])

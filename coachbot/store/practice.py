"""Per-agent spaced practice in the record: items due on working days, their rounds and answers.

Mixed into :class:`coachbot.store.sqlite.Store`. Practice answers live in their own table, never in
``submissions``: no leaderboard, streak or team insight reads them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlite_utils import Database

from coachbot.domain.records import utc_text
from coachbot.domain.review import FIRST_INTERVAL, PracticeItem
from coachbot.store.part import StorePart


def _one(db: Database, sql: str, params: Any = ()) -> dict | None:
    return next(db.query(sql, params), None)


class PracticeStore(StorePart):
    def schedule_practice(self, *, member_id: int, team_id: str, challenge: str, criteria: tuple[str, ...],
                          due: date, at: datetime) -> PracticeItem:
        """A missed step comes back on ``due``: a new item, or the missed steps added to the open one (a finished
        item starts again)."""
        with self._write() as db:
            row = _one(db, "SELECT * FROM practice WHERE member_id = ? AND challenge = ?", [member_id, challenge])
            if row is None:
                db.execute("INSERT INTO practice (member_id, team_id, challenge, criteria, due, interval, created_at)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [member_id, team_id, challenge, json.dumps(sorted(criteria)), due.isoformat(),
                            FIRST_INTERVAL, utc_text(at)])
            elif row["state"] == "done":
                db.execute("UPDATE practice SET criteria = ?, due = ?, interval = ?, met_in_row = 0, state = 'waiting',"
                           " done_at = NULL WHERE id = ?",
                           [json.dumps(sorted(criteria)), due.isoformat(), FIRST_INTERVAL, row["id"]])
            else:
                merged = sorted(set(json.loads(row["criteria"])) | set(criteria))
                db.execute("UPDATE practice SET criteria = ?, met_in_row = 0 WHERE id = ?",
                           [json.dumps(merged), row["id"]])
            found = _one(db, "SELECT * FROM practice WHERE member_id = ? AND challenge = ?", [member_id, challenge])
        assert found is not None
        return PracticeItem.from_row(found)

    def practice_due(self, team_id: str, day: date) -> list[PracticeItem]:
        return [PracticeItem.from_row(r) for r in self._db().query(
            "SELECT * FROM practice WHERE team_id = ? AND state = 'waiting' AND due <= ? ORDER BY due, id",
            [team_id, day.isoformat()])]

    def practice_items(self, member_id: int, *, states: tuple[str, ...] = ("waiting", "sent")) -> list[PracticeItem]:
        """A member's items in ``states``: the one sent most recently first, then by due day."""
        marks = ", ".join("?" * len(states))
        return [PracticeItem.from_row(r) for r in self._db().query(
            f"SELECT * FROM practice WHERE member_id = ? AND state IN ({marks})"
            " ORDER BY state = 'sent' DESC, sent_at DESC, due, id", [member_id, *states])]

    def practice_item(self, item_id: int) -> PracticeItem | None:
        row = _one(self._db(), "SELECT * FROM practice WHERE id = ?", [item_id])
        return PracticeItem.from_row(row) if row else None

    def mark_practice_sent(self, item_id: int, *, at: datetime) -> PracticeItem | None:
        """waiting -> sent (one more round); None if someone else sent it meanwhile."""
        with self._write() as db:
            row = _one(db, "UPDATE practice SET state = 'sent', rounds = rounds + 1, sent_at = ?"
                           " WHERE id = ? AND state = 'waiting' RETURNING *", [utc_text(at), item_id])
        return PracticeItem.from_row(row) if row else None

    def record_practice_answer(self, item: PracticeItem, *, text: str, grade: Mapping[str, Any], met: bool,
                               met_in_row: int, interval: int, due: date, done: bool, at: datetime) -> bool:
        """Store a practice answer and move the item to its next round (or finish it); False if it was not open."""
        with self._write() as db:
            moved = db.execute(
                "UPDATE practice SET met_in_row = ?, interval = ?, due = ?, state = ?, done_at = ?"
                " WHERE id = ? AND state = 'sent'",
                [met_in_row, interval, due.isoformat(), "done" if done else "waiting", utc_text(at) if done else None,
                 item.id]).rowcount
            if not moved:
                return False
            db.execute("INSERT INTO practice_answers (practice_id, member_id, text, grade, score, met, answered_at)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [item.id, item.member_id, text, json.dumps(dict(grade), ensure_ascii=False),
                        int(grade.get("score") or 0), int(met), utc_text(at)])
        return True

    def practice_summary(self, member_id: int) -> tuple[int, int, int]:
        """(answers, met, items still open) for a member's stats."""
        answers, met = self._db().execute(
            "SELECT COUNT(*), COALESCE(SUM(met), 0) FROM practice_answers WHERE member_id = ?", [member_id]).fetchone()
        (open_items,) = self._db().execute(
            "SELECT COUNT(*) FROM practice WHERE member_id = ? AND state != 'done'", [member_id]).fetchone()
        return answers, met, open_items

    def practice_counts(self, team_id: str, *, since: datetime, until: datetime) -> tuple[int, int, int]:
        """(rounds sent, answered, met) for a team between two moments, for the digest."""
        (sent,) = self._db().execute(
            "SELECT COUNT(*) FROM practice WHERE team_id = ? AND sent_at >= ? AND sent_at < ?",
            [team_id, utc_text(since), utc_text(until)]).fetchone()
        answered, met = self._db().execute(
            "SELECT COUNT(*), COALESCE(SUM(a.met), 0) FROM practice_answers a JOIN practice p ON p.id = a.practice_id"
            " WHERE p.team_id = ? AND a.answered_at >= ? AND a.answered_at < ?",
            [team_id, utc_text(since), utc_text(until)]).fetchone()
        return sent, answered, met

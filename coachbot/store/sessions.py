"""Blind calibration sessions in the record: the sample and every rater's marks. Mixed into the Store."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime

from coachbot.domain.records import utc_text
from coachbot.domain.review import VERDICT, Judged
from coachbot.store.part import StorePart


class SessionStore(StorePart):
    def week_sample_pool(self, team_id: str, *, since: datetime, until: datetime) -> list[int]:
        """The team's replies in a window that a lead can grade blind: scored, standing, text kept."""
        return [r[0] for r in self._db().execute(
            "SELECT s.id FROM submissions s JOIN members m ON m.id = s.member_id WHERE m.team_id = ?"
            " AND s.submitted_at >= ? AND s.submitted_at < ? AND s.counted = 1 AND s.status != 'withdrawn'"
            " AND s.text != '' ORDER BY s.id", [team_id, utc_text(since), utc_text(until)]).fetchall()]

    def create_session(self, *, team_id: str, by: str, items: list[int], at: datetime) -> int:
        with self._write() as db:
            cursor = db.execute("INSERT INTO calibration_sessions (team_id, created_by, created_at, items)"
                                " VALUES (?, ?, ?, ?)", [team_id, by, utc_text(at), json.dumps(items)])
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def session(self, session_id: int) -> tuple[str, list[int]] | None:
        """(team id, submission ids in order)."""
        row = self._db().execute("SELECT team_id, items FROM calibration_sessions WHERE id = ?",
                                 [session_id]).fetchone()
        return (row[0], json.loads(row[1])) if row else None

    def mark_item(self, *, session_id: int, item: int, submission_id: int, rater: str, rater_name: str | None,
                  challenge: str, marks: Mapping[str, bool], grader: Mapping[str, bool], labels: Mapping[str, str],
                  at: datetime) -> None:
        """One rater's marks on one item (marking it again replaces them)."""
        with self._write() as db:
            db.execute(
                "INSERT INTO calibration_marks (session_id, item, submission_id, rater, rater_name, challenge, marks,"
                " grader, labels, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (session_id, item, rater) DO UPDATE SET marks = excluded.marks, at = excluded.at",
                [session_id, item, submission_id, rater, rater_name, challenge, json.dumps(dict(marks)),
                 json.dumps(dict(grader)), json.dumps(dict(labels), ensure_ascii=False), utc_text(at)])

    def session_marks(self, session_id: int) -> list[dict]:
        """Every mark of a session: item, rater, rater_name, challenge, marks, grader, labels."""
        return [{**row, "marks": json.loads(row["marks"]), "grader": json.loads(row["grader"]),
                 "labels": json.loads(row["labels"])}
                for row in self._db().query("SELECT * FROM calibration_marks WHERE session_id = ? ORDER BY item, rater",
                                            [session_id])]

    def session_judgements(self, *, team_id: str | None = None) -> Iterator[Judged]:
        """Every blind mark as a labelled example (the bot against the lead), for ``calibrate --leads``."""
        sql = ("SELECT k.* FROM calibration_marks k JOIN calibration_sessions c ON c.id = k.session_id"
               + (" WHERE c.team_id = ?" if team_id else "") + " ORDER BY k.session_id, k.item, k.rater")
        for row in self._db().query(sql, [team_id] if team_id else []):
            marks, grader, labels = json.loads(row["marks"]), json.loads(row["grader"]), json.loads(row["labels"])
            for ref, value in marks.items():
                if ref in grader:
                    yield Judged(row["challenge"], ref, labels.get(ref, VERDICT if ref == VERDICT else ref),
                                 bool(grader[ref]), bool(value), row["rater"], source="session",
                                 item=row["session_id"])

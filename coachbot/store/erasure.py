"""Keeping no more than needed (个人信息保护法): erasing a member or one reply, old replies' text, backups.

Mixed into :class:`coachbot.store.sqlite.Store`, which supplies the plumbing.

- :meth:`forget_member` deletes a member's replies and record, and anything
  of theirs still waiting in the inbox or the outbox; leaderboards recount
  without them.
- :meth:`forget_submission` deletes one reply; the member's other replies to
  that challenge are rescored so their totals stay right.
- :meth:`erase_text_before` empties the text of old replies, and the quotes
  of it in their grades, keeping every score (``retention_days``).
- :meth:`backup` copies the live file with SQLite's online backup: a
  consistent copy, taken while the bot keeps running.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from coachbot.domain.errors import StoreError
from coachbot.domain.records import Member, utc_text
from coachbot.store.part import StorePart


@dataclass(frozen=True)
class Forgotten:
    member: Member
    replies: int
    waiting: int   # inbox items and deliveries removed


class ErasureStore(StorePart):
    path: Path

    def forget_member(self, member: Member) -> Forgotten:
        """Delete everything the bot keeps about ``member``."""
        with self._write() as db:
            replies = db.execute("DELETE FROM submissions WHERE member_id = ?", [member.id]).rowcount
            waiting = db.execute(
                "DELETE FROM inbox WHERE platform = ? AND state != 'done'"
                " AND json_extract(payload, '$.incoming.user') = ?", [member.platform, member.user]).rowcount
            waiting += db.execute("DELETE FROM outbox WHERE platform = ? AND user = ? AND post_id IS NULL",
                                  [member.platform, member.user]).rowcount
            who = f"{member.platform}:{member.user}"
            db.execute("UPDATE reviews SET decided_by = '', decided_name = NULL WHERE decided_by = ?", [who])
            db.execute("UPDATE reviews SET appealed_by = '' WHERE appealed_by = ?", [who])
            db.execute("UPDATE review_trail SET actor = '', actor_name = NULL WHERE actor = ?", [who])
            # a closed season keeps its points, not the person: the row stays, nameless
            db.execute(
                """UPDATE season_archive SET board = json_set(board, '$.rows', (
                       SELECT json_group_array(CASE WHEN json_extract(r.value, '$.member.id') = :id
                           THEN json_set(r.value, '$.member.user', '', '$.member.display_name', NULL,
                                         '$.member.platform', '')
                           ELSE json(r.value) END)
                       FROM json_each(board, '$.rows') r))
                   WHERE team_id = :team""", {"id": member.id, "team": member.team_id})
            db.execute("DELETE FROM members WHERE id = ?", [member.id])
        return Forgotten(member, replies, waiting)

    def forget_submission(self, submission_id: int) -> bool:
        """Delete one reply; the member's other replies to that challenge are rescored."""
        with self._write() as db:
            row = db.execute("SELECT post_id, member_id FROM submissions WHERE id = ?", [submission_id]).fetchone()
            if row is None:
                return False
            db.execute("DELETE FROM submissions WHERE id = ?", [submission_id])
            self._rescore(db, row[0], row[1])
        return True

    def erase_text_before(self, before: datetime) -> int:
        """Empty the text of replies submitted before ``before``, and their grades' quotes; scores stay."""
        erased = 0
        with self._write() as db:
            rows = db.execute("SELECT id, grade FROM submissions WHERE submitted_at < ? AND text != ''",
                              [utc_text(before)]).fetchall()
            for sub_id, grade_json in rows:
                db.execute("UPDATE submissions SET text = '', grade = ? WHERE id = ?", [_unquoted(grade_json), sub_id])
                for review_id, graded in db.execute("SELECT id, grade_before FROM reviews WHERE submission_id = ?",
                                                    [sub_id]).fetchall():
                    db.execute("UPDATE reviews SET grade_before = ? WHERE id = ?", [_unquoted(graded), review_id])
                erased += 1
            erased += db.execute("UPDATE practice_answers SET text = '', grade = '{}' WHERE answered_at < ? AND text != ''",
                                 [utc_text(before)]).rowcount
        return erased

    def backup(self, target: str | Path) -> Path:
        """A consistent copy of the live database at ``target`` (which must not exist yet)."""
        target = Path(target)
        if target.exists():
            raise StoreError(f"{target} 已经存在，不会覆盖；请换一个文件名。")
        source = sqlite3.connect(self.path, timeout=30)
        try:
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
            finally:
                copy.close()
        finally:
            source.close()
        return target


def _unquoted(grade_json: str) -> str:
    """A grade without the quotes of the reply it holds (its criteria's evidence, its violations' quotes)."""
    grade = json.loads(grade_json)
    for c in grade.get("criteria") or ():
        c["evidence"] = None
    for v in grade.get("violations") or ():
        v["evidence"] = ""
    return json.dumps(grade, ensure_ascii=False)

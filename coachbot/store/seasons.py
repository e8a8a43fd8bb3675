"""Past seasons' standings as they were when each season was closed. Mixed into the Store."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from coachbot.domain.records import utc_text
from coachbot.store.part import StorePart


class SeasonStore(StorePart):
    def archive_season(self, team_id: str, season: str, board: dict[str, Any], *, at: datetime) -> bool:
        """Keep a season's final table; False when it was kept before (the first one stands)."""
        with self._write() as db:
            return db.execute("INSERT OR IGNORE INTO season_archive (team_id, season, archived_at, board)"
                              " VALUES (?, ?, ?, ?)", [team_id, season, utc_text(at),
                                                       json.dumps(board, ensure_ascii=False)]).rowcount == 1

    def archived_season(self, team_id: str, season: str) -> dict[str, Any] | None:
        row = self._db().execute("SELECT board FROM season_archive WHERE team_id = ? AND season = ?",
                                 [team_id, season]).fetchone()
        return json.loads(row[0]) if row else None

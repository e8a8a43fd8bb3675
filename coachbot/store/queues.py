"""The inbox and the outbox: what arrived and what is to be sent, as rows that survive a restart.

Mixed into :class:`coachbot.store.sqlite.Store`, which supplies the connection
and the one-transaction-per-call plumbing (``_write`` / ``_db``).

- **Inbox.** :meth:`accept` stores an inbound event under its platform key
  before the platform is acknowledged (a repeat of the key is a no-op). A
  worker :meth:`claim_inbox`-es one item at a time, handles it and marks it
  :meth:`inbox_done`, which also drops the payload (the key stays for
  de-duplication). An item a dead worker held is taken over once its claim is
  stale; a restart releases every claim at once (one process per database).
- **Outbox.** :meth:`enqueue` adds a delivery under its idempotency key (a
  repeat is a no-op), in the caller's transaction when one is open, so a use
  case's state change and the message announcing it commit together. A worker
  :meth:`claim_delivery`-es the oldest due row whose bucket is not cooling
  down, and settles it: :meth:`delivered` (linked post marked posted in the
  same transaction), :meth:`retry_delivery` (later, ``pending`` or ``unknown``
  when the outcome was lost), :meth:`reroute_delivery` or
  :meth:`give_up_delivery` (linked post marked failed).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from coachbot.domain.records import Delivery, InboxItem, utc_text
from coachbot.store.part import StorePart


class QueueStore(StorePart):
    """Inbox and outbox operations; see the module docstring."""

    # ------------------------------------------------------------ inbox

    def accept(self, *, key: str, platform: str, kind: str, payload: dict[str, Any], at: datetime) -> bool:
        """Store an inbound event; False if its key was stored before (a platform retry)."""
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO inbox (key, platform, kind, payload, received_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (key) DO NOTHING",
                [key, platform, kind, json.dumps(payload, ensure_ascii=False), utc_text(at)],
            )
        return cursor.rowcount == 1

    def claim_inbox(self, *, now: datetime, stale_after: timedelta, platforms: Iterable[str] | None = None
                    ) -> InboxItem | None:
        """The oldest waiting item, now claimed by the caller; an item claimed before ``stale_after`` is retaken."""
        wanted = list(platforms) if platforms is not None else None
        only = f" AND platform IN ({', '.join('?' * len(wanted))})" if wanted else ""
        with self._write() as db:
            row = db.execute(
                "UPDATE inbox SET state = 'working', claimed_at = ?, attempts = attempts + 1 WHERE id = ("
                " SELECT id FROM inbox WHERE (state = 'new' OR (state = 'working' AND claimed_at < ?))" + only +
                " ORDER BY id LIMIT 1) RETURNING *",
                [utc_text(now), utc_text(now - stale_after), *(wanted or [])],
            ).fetchone()
            if row is None:
                return None
            columns = [d[0] for d in db.execute("SELECT * FROM inbox LIMIT 0").description]
        return InboxItem.from_row(dict(zip(columns, row)))

    def inbox_done(self, item_id: int, *, at: datetime, error: str | None = None) -> None:
        """Handled (or given up on, with ``error``): the payload is dropped, the key kept."""
        with self._write() as db:
            db.execute("UPDATE inbox SET state = 'done', done_at = ?, payload = '{}', error = ? WHERE id = ?",
                       [utc_text(at), error, item_id])

    def release_inbox(self) -> int:
        """At start: claims held by a process that is gone become waiting again."""
        with self._write() as db:
            return db.execute("UPDATE inbox SET state = 'new', claimed_at = NULL WHERE state = 'working'").rowcount

    def inbox_waiting(self) -> int:
        return self._db().execute("SELECT COUNT(*) FROM inbox WHERE state != 'done'").fetchone()[0]

    def purge_inbox(self, *, before: datetime) -> int:
        """Forget handled items received before ``before`` (platforms retry within minutes)."""
        with self._write() as db:
            return db.execute("DELETE FROM inbox WHERE state = 'done' AND received_at < ?",
                              [utc_text(before)]).rowcount

    # ------------------------------------------------------------ outbox

    @staticmethod
    def _enqueue(db: Database, d: Delivery, now: datetime, at: datetime | None = None) -> bool:
        cursor = db.execute(
            "INSERT INTO outbox (key, platform, route, channel, user, thread, payload, post_id, state, created_at,"
            " next_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
            [d.key, d.platform, d.route, d.channel, d.user, d.thread, json.dumps(d.payload, ensure_ascii=False),
             d.post_id, "unknown" if d.state == "unknown" else "pending", utc_text(now), utc_text(at or now)],
        )
        return cursor.rowcount == 1

    def enqueue(self, deliveries: Iterable[Delivery], *, now: datetime, at: datetime | None = None) -> int:
        """Add deliveries (a key already present is left alone); how many were new."""
        with self._write() as db:
            return sum(self._enqueue(db, d, now, at) for d in deliveries)

    def claim_delivery(self, *, now: datetime, cooling: Iterable[str] = (), platforms: Iterable[str] | None = None,
                       stale_after: timedelta = timedelta(seconds=60)) -> Delivery | None:
        """The oldest due delivery whose channel is not in ``cooling``, claimed for sending.

        A row left ``sending`` for longer than ``stale_after`` belongs to a send
        that was cut short (its process died): it is claimed as ``unknown``, so
        the platform is asked before anything is sent again.
        """
        busy = list(cooling)
        wanted = list(platforms) if platforms is not None else None
        skip = f" AND (route IN ('dm', 'respond', 'home') OR channel NOT IN ({', '.join('?' * len(busy))}))" \
            if busy else ""
        only = f" AND platform IN ({', '.join('?' * len(wanted))})" if wanted else ""
        with self._write() as db:
            # A claimed row's next_at is pushed past the stale window: other workers leave it alone,
            # and if this worker dies it comes due again, as ``unknown`` (it may have been sent).
            row = db.execute(
                "UPDATE outbox SET state = CASE state WHEN 'pending' THEN 'sending' ELSE 'unknown' END,"
                " next_at = ?, claimed_at = ?, attempts = attempts + 1 WHERE id = ("
                " SELECT id FROM outbox WHERE state IN ('pending', 'unknown', 'sending') AND next_at <= ?"
                + skip + only + " ORDER BY next_at, id LIMIT 1) RETURNING *",
                [utc_text(now + stale_after + timedelta(milliseconds=1)), utc_text(now), utc_text(now), *busy,
                 *(wanted or [])],
            ).fetchone()
            if row is None:
                return None
            columns = [d[0] for d in db.execute("SELECT * FROM outbox LIMIT 0").description]
        return Delivery.from_row(dict(zip(columns, row)))

    def delivered(self, delivery_id: int, *, message_id: str, at: datetime) -> None:
        """Sent (or found already sent): the linked post, if any, is posted with this id."""
        with self._write() as db:
            db.execute("UPDATE outbox SET state = 'sent', sent_at = ?, message_id = ?, error = NULL,"
                       " payload = CASE route WHEN 'post' THEN payload ELSE '{}' END WHERE id = ?",
                       [utc_text(at), message_id, delivery_id])
            db.execute(
                "UPDATE posts SET state = 'posted', message_id = ?, posted_at = ?, note = NULL"
                " WHERE id = (SELECT post_id FROM outbox WHERE id = ?) AND state IN ('pending', 'failed')",
                [message_id, utc_text(at), delivery_id])

    def retry_delivery(self, delivery_id: int, *, at: datetime, error: str, unknown: bool = False) -> None:
        """Not sent this time: try again at ``at``; ``unknown`` when it may have been sent (reconcile first)."""
        with self._write() as db:
            db.execute("UPDATE outbox SET state = ?, next_at = ?, error = ? WHERE id = ? AND state != 'sent'",
                       ["unknown" if unknown else "pending", utc_text(at), error[:300], delivery_id])

    def record_progress(self, delivery_id: int, progress: tuple[str, ...]) -> None:
        """The parts of a long message already sent, so a retry continues after them."""
        with self._write() as db:
            db.execute("UPDATE outbox SET progress = ? WHERE id = ?", [json.dumps(list(progress)), delivery_id])

    def reroute_delivery(self, delivery_id: int, *, route: str, at: datetime, error: str) -> None:
        """Deliver another way (e.g. a direct message when a private message in the channel is impossible)."""
        with self._write() as db:
            db.execute("UPDATE outbox SET route = ?, state = 'pending', next_at = ?, error = ?, progress = '[]'"
                       " WHERE id = ?", [route, utc_text(at), error[:300], delivery_id])

    def give_up_delivery(self, delivery_id: int, *, error: str, at: datetime) -> None:
        """Failed for good; a linked post is marked failed with the reason, so it may be posted again by hand."""
        with self._write() as db:
            db.execute("UPDATE outbox SET state = 'failed', error = ?, sent_at = ? WHERE id = ?",
                       [error[:300], utc_text(at), delivery_id])
            db.execute("UPDATE posts SET state = 'failed', note = ? WHERE id = (SELECT post_id FROM outbox"
                       " WHERE id = ?) AND state = 'pending'", [error[:300], delivery_id])

    def delivery(self, key: str) -> Delivery | None:
        row = next(self._db().query("SELECT * FROM outbox WHERE key = ?", [key]), None)
        return Delivery.from_row(row) if row else None

    def deliveries_for_post(self, post_id: int) -> list[Delivery]:
        return [Delivery.from_row(r) for r in self._db().query(
            "SELECT * FROM outbox WHERE post_id = ? ORDER BY id", [post_id])]

    def outbox_backlog(self, *, now: datetime, older_than: timedelta = timedelta(0)) -> int:
        """Deliveries still to send that were created more than ``older_than`` ago."""
        return self._db().execute(
            "SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'sending', 'unknown') AND created_at <= ?",
            [utc_text(now - older_than)]).fetchone()[0]

    def outbox_counts(self) -> dict[str, int]:
        return dict(self._db().execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall())

    def purge_outbox(self, *, before: datetime) -> int:
        """Forget settled deliveries created before ``before`` (their keys only guard against near repeats)."""
        with self._write() as db:
            return db.execute("DELETE FROM outbox WHERE state IN ('sent', 'failed') AND created_at < ?"
                              " AND post_id IS NULL", [utc_text(before)]).rowcount

    def iter_outbox(self) -> Iterator[Delivery]:
        """Every row, oldest first (tests and `coachbot outbox`)."""
        for row in self._db().query("SELECT * FROM outbox ORDER BY id"):
            yield Delivery.from_row(row)

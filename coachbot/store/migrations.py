"""The schema as an ordered registry of migrations (``sqlite_utils.Migrations``).

Add a change as a new function at the end; never edit one that has shipped.
The schema is written as SQL rather than with ``table.create()`` because it
relies on CHECK constraints, compound keys and partial indexes, which the
Python table API does not express.

``upgrade()`` applies every pending migration inside one ``BEGIN IMMEDIATE``
transaction (each migration becomes a savepoint within it), so a file is at
one version or the next, never in between, and two processes starting at once
cannot both migrate. A file that records migrations this code does not know
was written by a newer coachbot: ``upgrade()`` refuses it before writing
anything.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from coachbot.domain.errors import StoreError

MIGRATIONS = Migrations("coachbot")


@MIGRATIONS()
def m001_initial(db: Database) -> None:
    """Teams, channels, members, posts, submissions and processed events."""
    db.executescript(
        """
        CREATE TABLE teams (
            id   TEXT PRIMARY KEY,
            name TEXT
        ) STRICT;

        CREATE TABLE channels (
            platform TEXT NOT NULL,
            channel  TEXT NOT NULL,
            team_id  TEXT NOT NULL REFERENCES teams(id),
            PRIMARY KEY (platform, channel)
        ) STRICT;

        CREATE TABLE members (
            id           INTEGER PRIMARY KEY,
            platform     TEXT NOT NULL,
            user         TEXT NOT NULL,
            display_name TEXT,
            team_id      TEXT NOT NULL REFERENCES teams(id),
            role         TEXT NOT NULL DEFAULT 'agent' CHECK (role IN ('agent', 'lead', 'admin')),
            UNIQUE (platform, user)
        ) STRICT;
        CREATE INDEX members_team ON members(team_id);

        CREATE TABLE posts (
            id          INTEGER PRIMARY KEY,
            team_id     TEXT NOT NULL REFERENCES teams(id),
            platform    TEXT NOT NULL,
            channel     TEXT NOT NULL,
            kind        TEXT NOT NULL CHECK (kind IN ('lesson', 'challenge', 'summary')),
            content_id  TEXT NOT NULL,
            post_date   TEXT NOT NULL,              -- YYYY-MM-DD, the team's local day
            tags        TEXT NOT NULL DEFAULT '[]', -- JSON list: the challenge's skills
            state       TEXT NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'posted', 'revealed', 'failed', 'skipped')),
            note        TEXT,                       -- why it failed or was skipped
            message_id  TEXT,
            claimed_at  TEXT NOT NULL,              -- ISO-8601 UTC, like every *_at
            posted_at   TEXT,
            reveal_at   TEXT,
            revealed_at TEXT,
            FOREIGN KEY (platform, channel) REFERENCES channels(platform, channel),
            UNIQUE (platform, channel, kind, post_date)
        ) STRICT;
        CREATE INDEX posts_team_kind_date ON posts(team_id, kind, post_date);
        CREATE INDEX posts_state_reveal ON posts(state, reveal_at);
        CREATE INDEX posts_channel_message ON posts(platform, channel, message_id);

        CREATE TABLE submissions (
            id           INTEGER PRIMARY KEY,
            post_id      INTEGER NOT NULL REFERENCES posts(id),
            member_id    INTEGER NOT NULL REFERENCES members(id),
            attempt      INTEGER NOT NULL CHECK (attempt >= 1),
            event_id     TEXT,
            text         TEXT NOT NULL,
            submitted_at TEXT NOT NULL,
            grade        TEXT NOT NULL,              -- the grader's JSON object
            score        INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
            passed       INTEGER NOT NULL CHECK (passed IN (0, 1)),
            violations   TEXT NOT NULL DEFAULT '[]', -- JSON list of categories
            reason       TEXT NOT NULL
                         CHECK (reason IN ('counted', 'practice', 'after_reveal', 'violation')),
            counted      INTEGER NOT NULL CHECK (counted IN (0, 1)),
            points       INTEGER NOT NULL CHECK (points >= 0),
            answer       INTEGER NOT NULL CHECK (answer IN (0, 1)),
            pass_credit  INTEGER NOT NULL CHECK (pass_credit IN (0, 1)),
            UNIQUE (post_id, member_id, attempt)
        ) STRICT;

        CREATE TABLE events (
            event_id TEXT PRIMARY KEY,
            seen_at  TEXT NOT NULL
        ) STRICT, WITHOUT ROWID;
        """
    )


@MIGRATIONS()
def m002_leaderboard_indexes(db: Database) -> None:
    """Indexes that keep a week's leaderboard under 50 ms at a million submissions.

    - ``submissions_member_time`` serves one member or one team (a team is a
      hundred members, each a short range scan), member stats and streaks.
    - ``submissions_counted_time`` is a partial covering index for the
      everyone-scope board: the week's counted rows are read from the index
      alone, in time order, without touching the table.

    A per-member-per-day aggregate table was considered and not taken:
    members answer about once a week, so it would hold nearly as many rows as
    submissions, cost a second write per reply, and bake one time zone into
    its day boundaries.
    """
    db.executescript(
        """
        CREATE INDEX submissions_member_time ON submissions(member_id, submitted_at);
        CREATE INDEX submissions_counted_time
            ON submissions(submitted_at, member_id, points, answer, pass_credit)
            WHERE counted = 1;
        """
    )


@MIGRATIONS()
def m003_event_outcome(db: Database) -> None:
    """When an event's handling finished (NULL while a handler holds it).

    A platform delivery is claimed before its handler runs and finished after,
    so a retry of a delivery whose handler died with its process can be taken
    over instead of dropped. Rows written before this migration count as done.
    """
    db.executescript(
        """
        ALTER TABLE events ADD COLUMN done_at TEXT;
        UPDATE events SET done_at = seen_at;
        """
    )


@MIGRATIONS()
def m004_inbox_outbox(db: Database) -> None:
    """Durable edges: what arrived (inbox) and what is to be sent (outbox); answers can be withdrawn.

    - ``inbox``: one row per inbound platform event, keyed by the platform's
      delivery id, written before the platform is acknowledged and worked from
      there, so an acknowledged event survives a restart. Its payload is
      dropped once handled; the key stays for de-duplication.
    - ``outbox``: one row per message the bot means to send, keyed by an
      idempotency key, delivered by a worker with retries; ``unknown`` marks a
      send whose outcome was lost (the connection dropped), to be reconciled
      before any re-send. ``post_id`` links a channel post to its row in ``posts``.
    - ``submissions.status``: ``superseded`` when the member edited the message,
      ``withdrawn`` when they deleted it.
    """
    db.executescript(
        """
        CREATE TABLE inbox (
            id          INTEGER PRIMARY KEY,
            key         TEXT NOT NULL UNIQUE,
            platform    TEXT NOT NULL,
            kind        TEXT NOT NULL,
            payload     TEXT NOT NULL,
            state       TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'working', 'done')),
            attempts    INTEGER NOT NULL DEFAULT 0,
            received_at TEXT NOT NULL,
            claimed_at  TEXT,
            done_at     TEXT,
            error       TEXT
        ) STRICT;
        CREATE INDEX inbox_waiting ON inbox(state, id) WHERE state != 'done';
        CREATE INDEX inbox_received ON inbox(received_at);

        CREATE TABLE outbox (
            id         INTEGER PRIMARY KEY,
            key        TEXT NOT NULL UNIQUE,
            platform   TEXT NOT NULL,
            route      TEXT NOT NULL,
            channel    TEXT NOT NULL DEFAULT '',
            user       TEXT NOT NULL DEFAULT '',
            thread     TEXT,
            payload    TEXT NOT NULL,
            post_id    INTEGER REFERENCES posts(id),
            state      TEXT NOT NULL DEFAULT 'pending'
                       CHECK (state IN ('pending', 'sending', 'unknown', 'sent', 'failed')),
            attempts   INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            next_at    TEXT NOT NULL,
            claimed_at TEXT,
            sent_at    TEXT,
            message_id TEXT,
            progress   TEXT NOT NULL DEFAULT '[]',
            error      TEXT
        ) STRICT;
        CREATE INDEX outbox_due ON outbox(next_at) WHERE state IN ('pending', 'unknown', 'sending');
        CREATE INDEX outbox_post ON outbox(post_id);
        CREATE INDEX outbox_created ON outbox(created_at);

        ALTER TABLE submissions ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
            CHECK (status IN ('active', 'superseded', 'withdrawn'));
        """
    )


@MIGRATIONS()
def m005_content_snapshots(db: Database) -> None:
    """The last good version of each file in a team's content folders, so a broken edit never takes its
    item away: the bot serves the version that last loaded without problems until the file is fixed."""
    db.executescript(
        """
        CREATE TABLE content_snapshots (
            path     TEXT PRIMARY KEY,      -- the file, absolute
            text     TEXT NOT NULL,
            saved_at TEXT NOT NULL
        ) STRICT;
        """
    )


@MIGRATIONS()
def m006_reviews(db: Database) -> None:
    """The review queue: grades an agent appealed or the grader was unsure of, each lead's decision, and the
    trail of every step (who, when, before and after, why).

    - ``reviews``: one per reply. ``grade_before`` keeps the grader's verdict; the reply's own row in
      ``submissions`` carries the grade that stands (score, pass, violations, points), so every report
      reads the final score without knowing reviews exist. ``labels`` holds what the decisions say about
      each part (``criterion:<id>``, ``flag:<rule>``, ``verdict``): the labelled examples calibration reads.
    - ``review_trail``: append-only; ``actor`` is ``platform:user`` (a member erased with ``forget`` is
      blanked here too).
    """
    db.executescript(
        """
        CREATE TABLE reviews (
            id            INTEGER PRIMARY KEY,
            submission_id INTEGER NOT NULL UNIQUE REFERENCES submissions(id) ON DELETE CASCADE,
            team_id       TEXT NOT NULL,
            source        TEXT NOT NULL CHECK (source IN ('appeal', 'grader')),
            reasons       TEXT NOT NULL DEFAULT '[]',   -- why the grader sent it: suspect:<category>, near_pass, timeout
            disputed      TEXT,                          -- the part an appeal disputes (criterion:<id>, flag:<rule>)
            appeal_note   TEXT,
            appealed_by   TEXT,
            opened_at     TEXT NOT NULL,
            state         TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'upheld', 'overridden')),
            grade_before  TEXT NOT NULL,                 -- the grader's JSON object
            score_before  INTEGER NOT NULL,
            score_after   INTEGER,
            labels        TEXT NOT NULL DEFAULT '{}',    -- part -> the lead's value (JSON object)
            decided_by    TEXT,
            decided_name  TEXT,
            decided_at    TEXT,
            decision_note TEXT
        ) STRICT;
        CREATE INDEX reviews_team_state ON reviews(team_id, state, id);

        CREATE TABLE review_trail (
            id         INTEGER PRIMARY KEY,
            review_id  INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
            at         TEXT NOT NULL,
            actor      TEXT NOT NULL,
            actor_name TEXT,
            action     TEXT NOT NULL CHECK (action IN ('routed', 'appealed', 'upheld', 'overridden', 'judged')),
            part       TEXT,
            before     TEXT,
            after      TEXT,
            note       TEXT
        ) STRICT;
        CREATE INDEX review_trail_review ON review_trail(review_id, id);
        """
    )


@MIGRATIONS()
def m007_practice(db: Database) -> None:
    """Per-agent spaced practice: a challenge an agent missed steps of comes back to them privately, a few
    working days later and then at growing intervals, until they meet those steps twice in a row.

    - ``practice``: one item per member and challenge; ``criteria`` the steps to meet (JSON list, empty for the
      whole challenge), ``due`` the team's local day it is next sent, ``rounds`` how often it was sent.
    - ``practice_answers``: each practice reply with its grade; never in ``submissions``, so never on the
      leaderboard.
    """
    db.executescript(
        """
        CREATE TABLE practice (
            id          INTEGER PRIMARY KEY,
            member_id   INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
            team_id     TEXT NOT NULL,
            challenge   TEXT NOT NULL,
            criteria    TEXT NOT NULL DEFAULT '[]',
            due         TEXT NOT NULL,                 -- YYYY-MM-DD, the team's local working day
            interval    INTEGER NOT NULL DEFAULT 2,    -- working days until the next round
            met_in_row  INTEGER NOT NULL DEFAULT 0,
            rounds      INTEGER NOT NULL DEFAULT 0,
            state       TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'sent', 'done')),
            created_at  TEXT NOT NULL,
            sent_at     TEXT,
            done_at     TEXT,
            UNIQUE (member_id, challenge)
        ) STRICT;
        CREATE INDEX practice_due ON practice(team_id, state, due);

        CREATE TABLE practice_answers (
            id          INTEGER PRIMARY KEY,
            practice_id INTEGER NOT NULL REFERENCES practice(id) ON DELETE CASCADE,
            member_id   INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
            text        TEXT NOT NULL,
            grade       TEXT NOT NULL,
            score       INTEGER NOT NULL,
            met         INTEGER NOT NULL CHECK (met IN (0, 1)),
            answered_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX practice_answers_member ON practice_answers(member_id, answered_at);
        """
    )


@MIGRATIONS()
def m008_calibration_sessions(db: Database) -> None:
    """Blind calibration sessions: a lead grades a sample of the week's replies step by step without seeing the
    bot's verdict; several leads may grade the same sample.

    - ``calibration_sessions``: the sample (JSON list of submission ids), in order.
    - ``calibration_marks``: one rater's judgement of one item: ``marks`` (part -> yes/no) and, beside it, the
      bot's own values at that moment (``grader``), so a later review does not change the comparison.
    """
    db.executescript(
        """
        CREATE TABLE calibration_sessions (
            id         INTEGER PRIMARY KEY,
            team_id    TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            items      TEXT NOT NULL             -- JSON list of submission ids
        ) STRICT;

        CREATE TABLE calibration_marks (
            session_id    INTEGER NOT NULL REFERENCES calibration_sessions(id) ON DELETE CASCADE,
            item          INTEGER NOT NULL,      -- 1-based place in the sample
            submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
            rater         TEXT NOT NULL,         -- platform:user
            rater_name    TEXT,
            challenge     TEXT NOT NULL,
            marks         TEXT NOT NULL,         -- part -> the rater's yes/no (JSON object)
            grader        TEXT NOT NULL,         -- part -> the bot's value when marked
            labels        TEXT NOT NULL DEFAULT '{}',  -- part -> its label, for reports
            at            TEXT NOT NULL,
            PRIMARY KEY (session_id, item, rater)
        ) STRICT;
        """
    )


@MIGRATIONS()
def m009_season_archive(db: Database) -> None:
    """Each team's final standings of a season, kept as they were when the season was closed (once its
    appeal window had passed), so a later erasure or review never rewrites a past season's table."""
    db.executescript(
        """
        CREATE TABLE season_archive (
            team_id     TEXT NOT NULL,
            season      TEXT NOT NULL,               -- 2026-11, 2026-Q4
            archived_at TEXT NOT NULL,
            board       TEXT NOT NULL,               -- the whole table as JSON (coachbot.domain.reports.board_json)
            PRIMARY KEY (team_id, season)
        ) STRICT;
        """
    )


def unknown(db: Database, migrations: Migrations = MIGRATIONS) -> list[str]:
    """Applied migrations this code does not know, i.e. the file is newer. Read-only."""
    known = {m.name for m in migrations._migrations}  # Migrations lists its names nowhere public
    return [m.name for m in migrations.applied(db) if m.name not in known]


def pending(db: Database, migrations: Migrations = MIGRATIONS) -> list[str]:
    """Names of the migrations this file still needs (read-only)."""
    return [m.name for m in migrations.pending(db)]


def upgrade(db: Database, migrations: Migrations = MIGRATIONS) -> list[str]:
    """Apply all pending migrations in one transaction; return their names.

    Raises :class:`StoreError`, having written nothing, if the file records
    migrations this code does not know.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        newer = unknown(db, migrations)
        if newer:
            path = db.execute("PRAGMA database_list").fetchone()[2] or ":memory:"
            raise StoreError(
                f"{path} 由更新版本的 coachbot 写入（本版本不认识的迁移：{', '.join(newer)}），"
                "拒绝打开，文件未做任何修改。请升级 coachbot 或换一个 --db 文件。"
            )
        names = [m.name for m in migrations.pending(db)]
        migrations.apply(db)
        db.commit()
    except BaseException:
        db.rollback()
        raise
    return names

"""What should have been posted by now, and posting it exactly once.

Shared by the scheduler (at start, on its triggers and on a one-minute tick)
and the console. The due logic, not trigger timing, decides what goes out: a
trigger firing twice, two bot processes, or the clock jumping either way
cannot post twice, because each (channel, kind, local day) is claimed in the
store under a unique key before anything is sent, and only the claimant sends.

For each team, in its own time zone:

- Lessons and challenges go out on working days (:mod:`coachbot.domain.workdays`),
  at their time spec's time; a Monday-Friday cron counts as "working days",
  so adjusted weekend working days (调休) get them too. The weekly summary
  goes out on its day whatever the calendar.
- A post is due from its slot time. Up to ``grace`` late (settings, default
  2 h, never under :data:`MIN_GRACE`) it goes out now; later it is recorded as skipped and logged
  (``event=post_skipped``). Slots of earlier days are never posted late (a
  post belongs to its day), only settled: skipped or reconciled, looking back
  to the last day the team had any post (at most ``lookback`` days).
- Reveals due by now happen on every run, so those that fell due while the
  bot was down happen at start.
- A post that failed for good (the outbox gave up) is queued again on the
  next run within grace, its platform history checked first.

Posting itself is the outbox's job (:mod:`coachbot.usecases.outbox`): the
claim and its delivery are written in one transaction, so a crash can lose
neither; a send whose outcome was lost is reconciled against the platform's
history before any re-send, so it cannot double either. A post still in the
outbox when its day ends stays there until it goes out or fails for good.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from coachbot.domain.records import Post
from coachbot.domain.teams import Team
from coachbot.domain.timetable import POST_KINDS, Slot, slots_for
from coachbot.logfmt import q
from coachbot.usecases.coach import Coach, Posted
from coachbot.usecases.digest import send_digests
from coachbot.usecases.practice import send_due as send_practice

log = logging.getLogger(__name__)


def post_summary(coach: Coach, team: Team, now: datetime, *, deadline: datetime | None = None) -> list[Posted]:
    """The weekly summary in the team's channels, and each lead's private digest with its chart."""
    posted = coach.post_summary(team, now, deadline=deadline)
    try:
        send_digests(coach, team, now)
    except Exception:   # the channel's summary went out; a digest problem is logged, never blocks it
        log.exception("event=digest_error team=%s", team.id)
    return posted


POSTERS: dict[str, Callable[..., list[Posted]]] = {"lesson": Coach.post_lesson, "challenge": Coach.post_challenge,
                                                   "summary": post_summary}
DONE = ("posted", "revealed", "skipped")
LOOKBACK_DAYS = 7
MIN_GRACE = timedelta(minutes=2)   # a trigger is a few ms late and the tick a minute apart: never "missed"


# ------------------------------------------------------------ running what is due

def run_due(coach: Coach, now: datetime, *, grace: timedelta | None = None, teams: Iterable[str] | None = None,
            lookback: int = 1) -> list[tuple[Slot, str]]:
    """Post what is due and not yet posted, settle missed slots, reveal what fell due.

    Returns (slot, outcome) for the slots acted on; outcome is posted (sent),
    queued (on its way: the platform has not taken it yet), already (posted or
    on its way before this run), skipped or error. With an inline outbox
    (console, tests) whatever is due in it is delivered first, so a post that
    missed its deadline is settled in the same run.
    """
    grace = max(coach.settings.grace if grace is None else grace, MIN_GRACE)
    if coach.outbox.inline:
        coach.outbox.deliver_due(now)
    wanted = None if teams is None else set(teams)
    done: list[tuple[Slot, str]] = []
    for team in coach.settings.teams:
        if (wanted is not None and team.id not in wanted) or not coach.channels(team):
            continue
        today = now.astimezone(team.tz).date()
        for day in _days_to_settle(coach, team, today, lookback):
            for slot in slots_for(team, day):
                if outcome := _settle(coach, slot, now, reason="missed on its day"):
                    done.append((slot, outcome))
        for slot in slots_for(team, today):
            if slot.at <= now and (outcome := _due(coach, slot, now, grace)):
                done.append((slot, outcome))
    try:
        coach.reveal_due(now)
    except Exception:
        log.exception("event=due_error what=reveal")
    for team in coach.settings.teams:
        if wanted is None or team.id in wanted:
            try:
                send_practice(coach, team, now)
            except Exception:
                log.exception("event=due_error what=practice team=%s", team.id)
    return done


def catch_up(coach: Coach, now: datetime, *, grace: timedelta | None = None) -> list[tuple[Slot, str]]:
    """The run at start: :func:`run_due` looking back up to :data:`LOOKBACK_DAYS` for missed slots."""
    done = run_due(coach, now, grace=grace, lookback=LOOKBACK_DAYS)
    counts = Counter(outcome for _, outcome in done)
    log.info("event=catch_up at=%s %s", now.isoformat(),
             " ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "nothing=due")
    return done


def _posts(coach: Coach, slot: Slot) -> dict[str, Post | None]:
    return {ch: coach.store.post_for(platform=coach.chat.platform, channel=ch, kind=slot.kind, post_date=slot.day)
            for ch in coach.channels(slot.team)}


def _due(coach: Coach, slot: Slot, now: datetime, grace: timedelta) -> str | None:
    posts = _posts(coach, slot)
    if all(p is not None and p.state in DONE for p in posts.values()):
        return None
    if now - slot.at > grace:
        return _settle(coach, slot, now, reason=f"late by {now - slot.at}", posts=posts)
    try:
        posted = POSTERS[slot.kind](coach, slot.team, now, deadline=slot.at + grace)
    except Exception:
        log.exception("event=due_error team=%s kind=%s due=%s", slot.team.id, slot.kind, slot.at.isoformat())
        return "error"
    fresh = [p for p in posted if p.fresh]
    if not fresh:
        return "already"
    states = [d.state if (d := coach.outbox.state(p.key or "")) else None for p in fresh]
    return "posted" if all(state == "sent" for state in states) else "queued"


def _settle(coach: Coach, slot: Slot, now: datetime, *, reason: str,
            posts: dict[str, Post | None] | None = None) -> str | None:
    """A slot that will not be posted now: record it skipped, unless its post is already on its way.

    A post with a delivery in the outbox belongs to the outbox (which retries it,
    and reconciles a lost outcome against the platform's history); only a post
    that failed for good, or was never queued, is skipped here.
    """
    store, team = coach.store, slot.team
    skipped = 0
    for ch, post in (posts if posts is not None else _posts(coach, slot)).items():
        if post is None:
            claimed = store.claim_post(team_id=team.id, platform=coach.platform, channel=ch, kind=slot.kind,
                                       content_id="", post_date=slot.day, reveal_at=None, now=now)
            skipped += bool(claimed and store.mark_skipped(claimed.id, reason=reason))
        elif post.state == "failed" or (post.state == "pending" and not store.deliveries_for_post(post.id)
                                        and store.retake_post(post.id, now=now)):
            skipped += store.mark_skipped(post.id, reason=reason)
    if skipped:
        log.warning("event=post_skipped team=%s kind=%s due=%s late_by=%s reason=%s channels=%d",
                    team.id, slot.kind, slot.at.isoformat(), now - slot.at, q(reason), skipped)
    return "skipped" if skipped else None


def _days_to_settle(coach: Coach, team: Team, today: date, lookback: int) -> list[date]:
    """Earlier days to settle: from the first of the last ``lookback`` days on which the team had any post.

    A team with no posts in that window (new, or down for longer) has nothing to settle.
    """
    days = [today - timedelta(days=k) for k in range(lookback, 0, -1)]
    for i, day in enumerate(days):
        if any(coach.store.post_for(platform=coach.chat.platform, channel=ch, kind=kind, post_date=day)
               for ch in coach.channels(team) for kind in POST_KINDS):
            return days[i:]
    return []

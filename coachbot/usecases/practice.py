"""Per-agent spaced practice (Qstream-style): what an agent missed comes back to them, privately.

- A scored answer that missed steps schedules the challenge for the member, two working days later
  (:meth:`coachbot.usecases.coach.Coach._schedule_practice`; holidays skipped, 调休 days counted).
- On each posting day, from the team's challenge time, items that are due go out privately
  (:func:`send_due`, run with the due posts), once per round (the key is the item and its round).
- ``/coach practice <reply>`` answers the open item; met, the next round comes twice as many working days
  later, and meeting the steps twice in a row ends it; missed, it comes back after two working days.
- ``/coach practice`` alone gives one now: the open item, else the next one waiting, else a challenge on the
  member's weakest skill.

Practice is graded like any answer but stored apart (``practice_answers``): it never counts toward the
leaderboard, streaks or team insight; it shows in the member's stats and the lead's digest.
"""

from __future__ import annotations

import logging
from datetime import datetime

from coachbot.content.models import Challenge
from coachbot.domain.errors import CoachError
from coachbot.domain.privacy import mask
from coachbot.domain.records import Member
from coachbot.domain.review import PracticeItem, next_round, practice_met
from coachbot.domain.teams import Team
from coachbot.domain.text import MAX_REPLY_CHARS, clean
from coachbot.domain.timetable import add_posting_days, posting_day, slot_time
from coachbot.grading import grade_reply
from coachbot.present import practice as views
from coachbot.present.strings import strings
from coachbot.usecases.coach import Coach, local_day
from coachbot.usecases.outbox import delivery
from coachbot.usecases.ports import Incoming, Reply

log = logging.getLogger(__name__)


def send_due(coach: Coach, team: Team, now: datetime) -> int:
    """Send the team's practice items due today, from its challenge time on posting days; how many."""
    today = local_day(now, team)
    if not coach.channels(team) or not posting_day(team, today, team.schedule.challenge):
        return 0
    start = slot_time(team.schedule.challenge, today, team, working_days=True)
    if start is not None and now < start:
        return 0
    sent = 0
    for item in coach.store.practice_due(team.id, today):
        member = coach.store.member_by_id(item.member_id)
        challenge = coach.library.challenges.get(item.challenge)
        if member is None or member.platform != coach.platform or challenge is None:
            continue
        with coach.store.transaction():
            taken = coach.store.mark_practice_sent(item.id, at=now)
            if taken is None:
                continue
            coach.store.enqueue([delivery(f"practice:{item.id}:{taken.rounds}", member.platform, "dm",
                                          views.card(challenge, taken, lang=team.language), user=member.user)],
                                now=now)
        sent += 1
    if sent:
        coach.outbox.kick(now)
        log.info("event=practice_sent team=%s items=%d", team.id, sent)
    return sent


def _member(coach: Coach, msg: Incoming, team: Team) -> Member:
    return coach.member(msg, team)


def _weakest_challenge(coach: Coach, member: Member, team: Team, now: datetime) -> Challenge | None:
    """A challenge on the member's weakest skill (else any), one they have no open item for."""
    taken = {i.challenge for i in coach.store.practice_items(member.id, states=("waiting", "sent", "done"))}
    stats = coach.store.member_stats(member, now=now, tz=team.timezone)
    skills = [k.skill for k in sorted(stats.skills, key=lambda k: (k.average, k.skill))]
    pool = sorted(coach.library.challenges.values(), key=lambda c: c.id)
    for skill in skills:
        for ch in pool:
            if skill in ch.tags and ch.id not in taken:
                return ch
    return next((ch for ch in pool if ch.id not in taken), pool[0] if pool else None)


def give_one(coach: Coach, msg: Incoming, team: Team, now: datetime) -> list[Reply]:
    """``/coach practice``: the open item again, else the next waiting one, else a new one on the weakest skill."""
    member = _member(coach, msg, team)
    items = coach.store.practice_items(member.id)
    item = next((i for i in items if i.state == "sent"), None)
    if item is None:
        waiting = next((i for i in items if i.state == "waiting"), None)
        if waiting is None:
            challenge = _weakest_challenge(coach, member, team, now)
            if challenge is None:
                raise CoachError(strings(team.language).practice_none)
            waiting = coach.store.schedule_practice(member_id=member.id, team_id=team.id, challenge=challenge.id,
                                                    criteria=(), due=local_day(now, team), at=now)
        item = coach.store.mark_practice_sent(waiting.id, at=now) or coach.store.practice_item(waiting.id)
    assert item is not None
    challenge = coach.library.challenges.get(item.challenge)
    if challenge is None:
        raise CoachError(strings(team.language).challenge_withdrawn)
    return [Reply(views.card(challenge, item, lang=team.language))]


def answer(coach: Coach, msg: Incoming, team: Team, text: str, now: datetime) -> list[Reply]:
    """``/coach practice <reply>``: grade it against the open item's steps and move the item on."""
    s = strings(team.language)
    member = _member(coach, msg, team)
    item: PracticeItem | None = next((i for i in coach.store.practice_items(member.id, states=("sent",))), None)
    if item is None:
        raise CoachError(s.practice_nothing_open)
    challenge = coach.library.challenges.get(item.challenge)
    if challenge is None:
        raise CoachError(s.challenge_withdrawn)
    reply = clean(mask(text).text)[:MAX_REPLY_CHARS]
    grade = grade_reply(challenge, reply, coach.library.shared).as_json()
    met = practice_met(grade, item.criteria)
    in_row, interval, done = next_round(item, met)
    due = add_posting_days(team, local_day(now, team), interval)
    if not coach.store.record_practice_answer(item, text=reply, grade=grade, met=met, met_in_row=in_row,
                                              interval=interval, due=due, done=done, at=now):
        raise CoachError(s.practice_nothing_open)
    log.info("event=practice_answered team=%s member=%s challenge=%s met=%s done=%s", team.id, member.id,
             challenge.id, met, done)
    return [Reply(views.feedback(challenge, item, grade, met=met, in_row=in_row, done=done, due=due,
                                 interval=interval, lang=team.language))]

"""Calibration sessions (as in Zendesk QA and MaestroQA): leads grade a blind sample of the week's replies.

    /coach calibrate 10            a new sample of ten of this week's scored replies, item 1 shown
    /coach calibrate #3            join (or go on with) session 3: the next item you have not graded
    /coach calibrate #3 2 yynyn    grade item 2: one y/n per rubric step, then one for "a compliance problem"

The bot's verdict is never shown while grading, nor who wrote the reply. After the last item each lead sees
how often they agreed with the bot and with every other lead who graded the same sample (rate and Cohen's
κ). The marks are labelled examples for ``coachbot calibrate --leads``, like review decisions.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from datetime import datetime, time, timedelta

from coachbot.domain.agreement import Agreement, agreement
from coachbot.domain.errors import CoachError
from coachbot.domain.teams import Team
from coachbot.present import calibration as views
from coachbot.present.strings import strings
from coachbot.usecases.coach import Coach, local_day
from coachbot.usecases.ports import Incoming, Reply

DEFAULT_SAMPLE = 10
MAX_SAMPLE = 30
VIOLATION = "violation"      # the part "this reply has a compliance problem"
YES, NO = set("yY是对1✓"), set("nN否不0✗")


def _rater(msg: Incoming) -> str:
    return f"{msg.platform}:{msg.user}"


def start(coach: Coach, msg: Incoming, team: Team, size: int, now: datetime) -> list[Reply]:
    s = strings(team.language)
    size = max(1, min(size, MAX_SAMPLE))
    today = local_day(now, team)
    monday = datetime.combine(today - timedelta(days=today.weekday()), time(), team.tz)
    pool = coach.store.week_sample_pool(team.id, since=monday, until=now)
    if not pool:
        raise CoachError(s.calibrate_empty)
    picked = sorted(random.Random(f"{team.id}:{monday.date()}:{len(pool)}").sample(pool, min(size, len(pool))))
    session_id = coach.store.create_session(team_id=team.id, by=_rater(msg), items=picked, at=now)
    return [Reply(views.intro(session_id, len(picked), lang=team.language)), *next_item(coach, msg, team, session_id)]


def _session(coach: Coach, msg: Incoming, team: Team, session_id: int) -> list[int]:
    found = coach.store.session(session_id)
    if found is None or found[0] != team.id:
        raise CoachError(strings(team.language).calibrate_no_session.format(id=session_id))
    return found[1]


def _bot_grade(coach: Coach, submission_id: int) -> dict:
    """The bot's own verdict on a reply (the grader's, even when a lead has since reviewed it)."""
    review = coach.store.review_for_submission(submission_id)
    return review.grade_before if review is not None else coach.store.submission_grade(submission_id)


def next_item(coach: Coach, msg: Incoming, team: Team, session_id: int) -> list[Reply]:
    items = _session(coach, msg, team, session_id)
    done = {m["item"] for m in coach.store.session_marks(session_id) if m["rater"] == _rater(msg)}
    todo = next((i for i in range(1, len(items) + 1) if i not in done), None)
    if todo is None:
        return results(coach, msg, team, session_id)
    sub = coach.store.submission(items[todo - 1])
    post = coach.store.post(sub.post_id) if sub else None
    challenge = coach.library.challenges.get(post.content_id) if post else None
    if sub is None or challenge is None:   # erased or withdrawn since: graded as nothing, skipped
        raise CoachError(strings(team.language).calibrate_item_gone.format(item=todo))
    return [Reply(views.item(session_id, todo, len(items), challenge, sub.text, lang=team.language,
                             buttons="buttons" in coach.chat.capabilities))]


def mark(coach: Coach, msg: Incoming, team: Team, session_id: int, item: int, marks: str, now: datetime
         ) -> list[Reply]:
    s = strings(team.language)
    items = _session(coach, msg, team, session_id)
    if not 1 <= item <= len(items):
        raise CoachError(s.calibrate_no_item.format(item=item, count=len(items)))
    sub = coach.store.submission(items[item - 1])
    post = coach.store.post(sub.post_id) if sub else None
    challenge = coach.library.challenges.get(post.content_id) if post else None
    if sub is None or challenge is None:
        raise CoachError(s.calibrate_item_gone.format(item=item))
    answers = list(re.sub(r"[\s,，/]", "", marks))
    wanted = len(challenge.criteria) + 1
    if len(answers) != wanted or any(c not in YES | NO for c in answers):
        raise CoachError(s.calibrate_marks.format(count=wanted, id=session_id, item=item))
    values = [c in YES for c in answers]
    refs = [f"criterion:{c.id}" for c in challenge.criteria] + [VIOLATION]
    labels = {f"criterion:{c.id}": c.label for c in challenge.criteria} | {VIOLATION: s.calibrate_violation}
    bot = _bot_grade(coach, sub.id)
    met = {str(c.get("id")): bool(c.get("met")) for c in bot.get("criteria") or ()}
    grader = {f"criterion:{cid}": v for cid, v in met.items()} | {VIOLATION: bool(bot.get("violations"))}
    coach.store.mark_item(session_id=session_id, item=item, submission_id=sub.id, rater=_rater(msg),
                          rater_name=msg.user_name, challenge=challenge.id, marks=dict(zip(refs, values)),
                          grader=grader, labels=labels, at=now)
    return [Reply(views.noted(item, lang=team.language)), *next_item(coach, msg, team, session_id)]


def results(coach: Coach, msg: Incoming, team: Team, session_id: int) -> list[Reply]:
    """A rater's agreement with the bot, and with each other lead, over the items both graded."""
    total = len(_session(coach, msg, team, session_id))
    marks = coach.store.session_marks(session_id)
    me = _rater(msg)
    mine = {m["item"]: m for m in marks if m["rater"] == me}
    with_bot = agreement("bot", [(m["grader"][ref], v) for m in mine.values() for ref, v in m["marks"].items()
                                 if ref in m["grader"]])
    misses: dict[str, int] = defaultdict(int)
    for m in mine.values():
        for ref, v in m["marks"].items():
            if ref in m["grader"] and m["grader"][ref] != v:
                misses[m["labels"].get(ref, ref)] += 1
    others: list[tuple[str, Agreement]] = []
    names: dict[str, str] = {m["rater"]: m["rater_name"] or m["rater"] for m in marks}
    for rater in sorted({m["rater"] for m in marks} - {me}):
        theirs = {m["item"]: m for m in marks if m["rater"] == rater}
        pairs = [(mine[i]["marks"][ref], theirs[i]["marks"][ref]) for i in mine if i in theirs
                 for ref in mine[i]["marks"] if ref in theirs[i]["marks"]]
        if pairs:
            others.append((names[rater], agreement(rater, pairs)))
    return [Reply(views.results(session_id, len(mine), total, with_bot, sorted(misses.items(), key=lambda x: -x[1]),
                                others, lang=team.language))]

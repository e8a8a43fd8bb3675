"""Appeals and the review queue: an agent disputes a grade, the grader sends what it is unsure of, a lead
decides, and the agent is told privately.

    appeal(coach, msg, team, words, now)                          # /coach appeal [c2] [reason]
    decide(coach, msg, team, review_id, how, now)                 # /coach uphold | override | judge

Rules: an appeal is on the member's own reply, within ``reviews.appeal_days``; only the leads of the reply's
team and admins decide, and nobody decides on their own reply. A decision and the notice to the member are
written in one transaction (the notice goes through the outbox under the decision's own key), so a decision
is never announced twice or lost.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from coachbot.domain.errors import CoachError
from coachbot.domain.records import Member
from coachbot.domain.review import (
    VERDICT,
    Review,
    find_part,
    implied_labels,
    overridden,
    regrade,
)
from coachbot.domain.teams import Team, role_for
from coachbot.logfmt import q
from coachbot.present import reviews as review_views
from coachbot.present.messages import Message, text
from coachbot.present.strings import strings
from coachbot.usecases.coach import Coach
from coachbot.usecases.outbox import delivery
from coachbot.usecases.ports import Incoming, Reply

log = logging.getLogger(__name__)
NOTICE_WAIT_SECONDS = 5.0
YES = {"yes", "y", "met", "confirm", "confirmed", "是", "对", "达成", "确认", "成立", "违规"}
NO = {"no", "n", "missed", "reject", "rejected", "否", "不", "未达成", "没达成", "驳回", "不算", "不成立", "不算违规"}
WHOLE = {"all", "whole", "全部", "整体", "总分"}


def _pass_score(coach: Coach, content_id: str) -> int:
    ch = coach.library.challenges.get(content_id)
    return ch.pass_score if ch else 60


def _critical(coach: Coach, content_id: str) -> frozenset[str]:
    ch = coach.library.challenges.get(content_id)
    return frozenset(c.id for c in ch.criteria if c.critical) if ch else frozenset()


# ------------------------------------------------------------ appeals


def appeal(coach: Coach, msg: Incoming, team: Team, words: list[str], now: datetime) -> list[Reply]:
    """``/coach appeal [s<ID>] [c2|f1|all] [reason]`` on the member's latest reply (or the one named)."""
    s = strings(team.language)
    me = coach.store.member(msg.platform, msg.user)
    sub = None
    if words and re.fullmatch(r"[sS#]\d+", words[0]):
        sub = coach.store.submission(int(words[0][1:]))
        words = words[1:]
        if sub is None or me is None or sub.member_id != me.id:
            raise CoachError(s.appeal_not_yours)
    elif me is not None:
        sub = coach.store.latest_submission(me.id)
    if sub is None or me is None:
        raise CoachError(s.appeal_nothing)
    window = timedelta(days=coach.settings.reviews.appeal_days)
    if now - sub.submitted_at > window:
        raise CoachError(s.appeal_too_late.format(days=coach.settings.reviews.appeal_days))
    grade = coach.store.submission_grade(sub.id)
    post = coach.store.post(sub.post_id)
    content_id = post.content_id if post else ""
    title = _title(coach, content_id)
    if not words:
        buttons = "buttons" in coach.chat.capabilities
        return [Reply(review_views.appeal_menu(sub, grade, title=title, lang=team.language, buttons=buttons,
                                               days=coach.settings.reviews.appeal_days))]
    disputed = None
    part = find_part(grade, words[0])
    if part is not None:
        disputed, words = part.ref, words[1:]
    elif words[0].lower() in WHOLE:
        words = words[1:]
    note = " ".join(words).strip() or None
    review, filed = coach.store.appeal_review(
        submission_id=sub.id, team_id=me.team_id, actor=f"{msg.platform}:{msg.user}",
        actor_name=msg.user_name or me.display_name, disputed=disputed, note=note, at=now)
    if not filed:
        if review.is_open:
            return [Reply(text(s.appeal_already.format(id=review.id)))]
        return [Reply(text(s.appeal_decided.format(id=review.id, name=review.decided_name or review.decided_by or "",
                                                   outcome=review_views.outcome_words(review, team.language))))]
    log.info("event=appeal_filed team=%s submission=%s review=%s part=%s", me.team_id, sub.id, review.id,
             q(disputed or "all"))
    what = review_views.part_name(grade, disputed, team.language)
    name = msg.user_name or me.name
    heads_up = [_private_to_lead(coach, lead, msg.platform, f"appeal:{review.id}:{lead}",
                                 text(s.appeal_to_leads.format(name=name, id=review.id, title=title, what=what,
                                                               note=note or "—")))
                for lead in team.leads if lead != msg.user]
    if heads_up:
        coach.outbox.enqueue(heads_up, now=now)
        coach.outbox.kick(now)
    return [Reply(text(s.appeal_filed.format(id=review.id, title=title, what=what)))]


def _title(coach: Coach, content_id: str) -> str:
    ch = coach.library.challenges.get(content_id)
    return ch.title if ch else content_id


# ------------------------------------------------------------ the queue


def may_review(coach: Coach, msg: Incoming, team_id: str) -> bool:
    """Leads of the reply's team and admins review."""
    team = coach.settings.team(team_id)
    return role_for(coach.settings, team, platform=msg.platform, user=msg.user, user_name=msg.user_name) != "agent"


def queue(coach: Coach, msg: Incoming, team: Team) -> list[Reply]:
    items = coach.store.review_items(team_id=team.id)
    me = coach.store.member(msg.platform, msg.user)
    titles = {i.content_id: _title(coach, i.content_id) for i in items}
    return [Reply(review_views.queue(items, titles, team_name=team.name, me=me.id if me else None,
                                     lang=team.language))]


def show(coach: Coach, msg: Incoming, team: Team, review_id: int) -> list[Reply]:
    item = _item(coach, msg, team, review_id, deciding=False)
    return [Reply(review_views.item(item, title=_title(coach, item.content_id), lang=team.language,
                                    buttons="buttons" in coach.chat.capabilities))]


def _item(coach: Coach, msg: Incoming, team: Team, review_id: int, *, deciding: bool) -> Any:
    s = strings(team.language)
    item = coach.store.review_item(review_id)
    if item is None or not may_review(coach, msg, item.review.team_id):
        raise CoachError(s.review_not_found.format(id=review_id))
    if deciding and item.member.platform == msg.platform and item.member.user == msg.user:
        raise CoachError(s.review_own_answer)
    return item


@dataclass(frozen=True)
class How:
    """A lead's decision: uphold, a new score, or one part judged."""

    action: str                    # upheld | overridden | judged
    score: int | None = None
    part: str | None = None        # c2, f1, or an id
    value: bool | None = None
    note: str | None = None


def parse_how(action: str, words: list[str], lang: str) -> tuple[int, How]:
    """The review number and the decision in ``/coach uphold N [note]``, ``override N SCORE [note]``,
    ``judge N PART yes|no [note]``."""
    s = strings(lang)
    usage = {"upheld": s.command_usage["coach uphold"], "overridden": s.command_usage["coach override"],
             "judged": s.command_usage["coach judge"]}[action]
    if not words or not words[0].lstrip("#").isdigit():
        raise CoachError(s.usage.format(usage=usage))
    review_id, rest = int(words[0].lstrip("#")), words[1:]
    if action == "upheld":
        return review_id, How(action, note=" ".join(rest).strip() or None)
    if action == "overridden":
        if not rest or not rest[0].isdigit() or not 0 <= int(rest[0]) <= 100:
            raise CoachError(s.override_score.format(usage=usage))
        return review_id, How(action, score=int(rest[0]), note=" ".join(rest[1:]).strip() or None)
    if len(rest) < 2 or rest[1].lower() not in YES | NO:
        raise CoachError(s.usage.format(usage=usage))
    return review_id, How(action, part=rest[0], value=rest[1].lower() in YES, note=" ".join(rest[2:]).strip() or None)


def decide(coach: Coach, msg: Incoming, team: Team, review_id: int, how: How, now: datetime) -> list[Reply]:
    """Record a lead's decision, make it the reply's grade, and tell the member privately."""
    s = strings(team.language)
    item = _item(coach, msg, team, review_id, deciding=True)
    review: Review = item.review
    before = review.grade_before
    pass_score = _pass_score(coach, item.content_id)
    actor, name = f"{msg.platform}:{msg.user}", msg.user_name or coach.chat.display_name(msg.user)
    part_ref: str | None = None
    was: object = review.score_before if review.is_open else review.score_after
    if how.action == "upheld":
        if not review.is_open:
            raise CoachError(s.review_already_decided.format(
                id=review.id, name=review.decided_name or review.decided_by or "",
                outcome=review_views.outcome_words(review, team.language)))
        final, state = item.grade, "upheld"
        labels = implied_labels(before, final, disputed=review.disputed, upheld=True)
        became: object = final.get("score")
    elif how.action == "overridden":
        assert how.score is not None
        final = overridden(before, how.score, pass_score=pass_score)
        state = "overridden" if how.score != review.score_before else "upheld"
        labels = implied_labels(before, final, disputed=review.disputed, upheld=False)
        became = how.score
    else:
        part = find_part(before, how.part or "")
        if part is None:
            raise CoachError(s.review_no_part.format(part=how.part, id=review.id))
        assert how.value is not None
        labels = {**review.labels, part.ref: how.value}
        final = regrade(before, labels, pass_score=pass_score, critical=_critical(coach, item.content_id))
        labels = {part.ref: how.value, VERDICT: bool(final.get("passed"))}
        changed = final.get("score") != review.score_before or bool(final.get("passed")) != bool(before.get("passed"))
        state = "overridden" if changed else "upheld"
        part_ref, was, became = part.ref, part.graded, how.value
    final = {**final, "review": {"id": review.id, "state": state, "grader_score": review.score_before}}
    with coach.store.transaction():
        done = coach.store.decide_review(
            review.id, final=final, labels=labels, state=state, action=how.action, actor=actor, actor_name=name,
            at=now, policy=coach.settings.policy, part=part_ref, before=was, after=became, note=how.note,
            only_open=how.action == "upheld")
        if done is None:
            raise CoachError(s.review_already_decided.format(id=review.id, name="", outcome=""))
        key = f"review:{review.id}:{done.trail_id}"
        notice = review_views.decision_notice(
            done.review, item.submission, title=_title(coach, item.content_id), lead=name or msg.user,
            counted=coach.store.submission(item.submission.id), points=(done.points_before, done.points_after),
            note=how.note, lang=team.language)
        coach.store.enqueue([_private(coach, item.member, key, notice)], now=now)
    coach.outbox.kick(now)
    log.info("event=review_decided team=%s review=%s state=%s by=%s before=%s after=%s", review.team_id, review.id,
             state, q(actor), review.score_before, done.review.score_after)
    told = _told(coach, key, item.member, team.language)
    return [Reply(text(s.review_done.format(id=review.id, outcome=review_views.outcome_words(done.review,
                                                                                             team.language),
                                            told=told)))]


def _private_to_lead(coach: Coach, lead: str, platform: str, key: str, message: Message) -> Any:
    """A heads-up to one of the team's leads, one-to-one on the platform the appeal came from."""
    return delivery(key, platform, "dm", message, user=lead)


def _private(coach: Coach, member: Member, key: str, message: Message) -> Any:
    """A private message to ``member`` on their own platform (a one-to-one chat with the bot)."""
    return delivery(key, member.platform, "dm", message, user=member.user)


def _told(coach: Coach, key: str, member: Member, lang: str) -> str:
    """The truth about the member's notice: sent, or still on its way and why."""
    s = strings(lang)
    found = coach.outbox.wait([key], timeout=NOTICE_WAIT_SECONDS)[0]
    if found is not None and found.state == "sent":
        return s.notice_sent.format(name=member.name)
    if found is not None and found.state == "failed":
        return s.notice_failed.format(name=member.name, error=found.error or "?")
    return s.notice_queued.format(name=member.name, error=(found.error if found else None) or s.no_answer_yet)

"""The coach's use cases, platform-neutral: post, grade, reveal, summarise, report.

Every use case takes the clock as ``now`` (an aware datetime) and talks to
the platform only through :class:`coachbot.usecases.ports.Chat` and to the
record only through :class:`coachbot.usecases.ports.Records`. What a member
sends is routed by :mod:`coachbot.usecases.dispatch`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cached_property

from coachbot.content.library import Library
from coachbot.content.lookup import LookupResult, ScriptIndex
from coachbot.domain.chatter import chatter_reason
from coachbot.domain.errors import CoachError
from coachbot.domain.privacy import mask
from coachbot.domain.records import Member, Post, Submission
from coachbot.domain.reports import (
    Leaderboard,
    MemberStats,
    TeamInsight,
    TeamStanding,
    board_from_json,
    board_json,
    season_of,
)
from coachbot.domain.review import FIRST_INTERVAL, uncertain_reasons
from coachbot.domain.rotation import pick_challenge, pick_tip
from coachbot.domain.scoring import UNJUDGED
from coachbot.domain.teams import DEFAULT_TZ, Settings, Team, role_for
from coachbot.domain.text import MAX_REPLY_CHARS, clean
from coachbot.domain.timetable import add_posting_days, days_off, reveal_at
from coachbot.grading import grade_reply
from coachbot.logfmt import q
from coachbot.present import views
from coachbot.present.messages import Message, text
from coachbot.present.strings import strings
from coachbot.usecases.outbox import Outbox, delivery
from coachbot.usecases.ports import Chat, Incoming, Records, Reply

log = logging.getLogger(__name__)
BEST_REPLIES = 3


@dataclass(frozen=True)
class Posted:
    post: Post
    key: str | None      # the outbox delivery carrying it
    fresh: bool          # False when it had already gone out or is already on its way (nothing new queued)
    message_id: str | None = None   # the platform's id once it went out
    state: str | None = None        # the delivery's state: sent, pending, unknown, failed


def _deadline(at: datetime | None) -> dict[str, str] | None:
    return {"deadline": at.isoformat()} if at else None


def local_day(now: datetime, team: Team) -> date:
    return now.astimezone(team.tz).date()


class Coach:
    def __init__(self, *, store: Records, library: Library, settings: Settings, chat: Chat, outbox: Outbox) -> None:
        self.store = store
        self.library = library
        self.settings = settings
        self.days_off = days_off(settings.teams)   # streaks skip unanswered challenges posted on days off
        self.practice_teams = frozenset(t.id for t in settings.teams if t.practice_counts)
        self.chat = chat
        self.outbox = outbox
        for team in settings.teams:
            store.ensure_team(team.id, name=team.name)
            for ch in team.channels.get(chat.platform, ()):
                store.ensure_channel(chat.platform, ch, team.id)

    # ------------------------------------------------------------ helpers

    @cached_property
    def script_index(self) -> ScriptIndex:
        return ScriptIndex(self.library.scripts, synonyms=self.library.synonyms)

    @property
    def platform(self) -> str:
        return self.chat.platform

    def language_for(self, msg: Incoming) -> str:
        """The language to answer ``msg`` in: its channel's team, else the sender's team, else Chinese."""
        team = self.team_of(msg.channel)
        if team is None and (member := self.store.member(msg.platform, msg.user)) is not None:
            team = self.settings.team(member.team_id)
        return team.language if team is not None else "zh"

    def channels(self, team: Team) -> tuple[str, ...]:
        return team.channels.get(self.chat.platform, ())

    def team_of(self, channel: str) -> Team | None:
        team = self.settings.team_for(self.chat.platform, channel)
        if team is None and (tid := self.store.team_for_channel(self.chat.platform, channel)):
            team = self.settings.team(tid)
        return team

    def role(self, msg: Incoming, team: Team | None) -> str:
        """``admin``, ``lead`` or ``agent``, from ``coachbot.yaml``: the one rule for who may do what."""
        return role_for(self.settings, team, platform=msg.platform, user=msg.user, user_name=msg.user_name)

    def is_lead(self, msg: Incoming, team: Team | None) -> bool:
        return self.role(msg, team) != "agent"

    def member(self, msg: Incoming, team: Team) -> Member:
        return self.store.ensure_member(msg.platform, msg.user, team_id=team.id,
                                        display_name=msg.user_name, role=self.role(msg, team))

    def _publish(self, team: Team, channel: str, kind: str, content_id: str, msg_for: Callable[[Post], Message],
                 now: datetime, *, reveal_at: datetime | None = None, tags: tuple[str, ...] = (),
                 day: date | None = None, deadline: datetime | None = None, manual: bool = False) -> Posted | None:
        """Claim the day's post and queue its delivery in one transaction: once per (channel, kind, day).

        A post that failed for good is queued again (its platform history is
        checked first, in case it did arrive); one that is posted, or on its way,
        is left alone. One the schedule skipped (the bot was down, or set up
        after its time) goes out when a lead posts it by hand (``manual``).
        """
        day = day or local_day(now, team)
        with self.store.transaction():
            post = self.store.claim_post(team_id=team.id, platform=self.platform, channel=channel, kind=kind,
                                         content_id=content_id, post_date=day, reveal_at=reveal_at, now=now,
                                         tags=list(tags))
            if post is not None:
                key: str | None = f"post:{post.id}"
                self.store.enqueue([delivery(f"post:{post.id}", self.platform, "post", msg_for(post),
                                             channel=channel, post_id=post.id, extra=_deadline(deadline))], now=now)
                fresh = True
            else:
                post = self.store.post_for(platform=self.platform, channel=channel, kind=kind, post_date=day)
                if post is None:
                    return None
                if manual and post.state == "skipped" and (taken := self.store.reclaim_skipped(
                        post.id, content_id=content_id, reveal_at=reveal_at, tags=tags, now=now)):
                    post = taken
                    key, fresh = f"post:{post.id}:manual", True
                    self.store.enqueue([delivery(key, self.platform, "post", msg_for(post), channel=channel,
                                                 post_id=post.id)], now=now)
                else:
                    key, fresh = self._requeue(post, msg_for, now, deadline)
        self.outbox.kick(now)
        if fresh:
            log.info("event=post_queued team=%s channel=%s kind=%s content=%s", team.id, channel, kind,
                     post.content_id)
        sent = self.store.delivery(key) if key else None
        return Posted(post, key, fresh, sent.message_id if sent else post.message_id, sent.state if sent else None)

    def _requeue(self, post: Post, msg_for: Callable[[Post], Message], now: datetime,
                 deadline: datetime | None) -> tuple[str | None, bool]:
        """A failed post goes out again (after a look at the platform's history); anything else stays as it is."""
        latest = self.store.deliveries_for_post(post.id)
        if post.state != "failed" or not self.store.retake_post(post.id, now=now):
            return (latest[-1].key if latest else None), False
        key = f"post:{post.id}:{len(latest) + 1}"
        self.store.enqueue([replace(delivery(key, self.platform, "post", msg_for(post), channel=post.channel,
                                             post_id=post.id, extra=_deadline(deadline)), state="unknown")], now=now)
        return key, True

    # ------------------------------------------------------------ scheduled use cases

    def post_lesson(self, team: Team, now: datetime, *, content_id: str | None = None,
                    deadline: datetime | None = None, manual: bool = False) -> list[Posted]:
        used = self.store.used_content(team.id, "lesson")
        tip_id = content_id or pick_tip(team.id, self.library.tips, used)
        if tip_id is None or tip_id not in self.library.tips:
            raise CoachError(strings(team.language).no_lesson.format(id=tip_id))
        out = []
        for ch in self.channels(team):
            res = self._publish(team, ch, "lesson", tip_id,
                                lambda post: views.lesson(self.library.tips[post.content_id], lang=team.language), now,
                                deadline=deadline, manual=manual)
            if res:
                out.append(res)
        return out

    def weak_skills(self, team: Team, now: datetime) -> list[str]:
        insight = self.store.team_insight(team.id, period="month", now=now, tz=team.timezone)
        return [s.skill for s in insight.skills if s.answers > 0]

    def post_challenge(self, team: Team, now: datetime, *, content_id: str | None = None,
                       deadline: datetime | None = None, manual: bool = False) -> list[Posted]:
        weak: str | None = None
        if content_id is None:
            used = self.store.used_content(team.id, "challenge")
            tags = {cid: ch.tags for cid, ch in self.library.challenges.items()}
            content_id, weak = pick_challenge(team.id, tags, used, self.weak_skills(team, now))
        if content_id is None or content_id not in self.library.challenges:
            raise CoachError(strings(team.language).no_challenge.format(id=content_id))
        ch = self.library.challenges[content_id]
        reveal = reveal_at(team, now)
        reason = views.weak_skill_reason(weak, team.language) if weak else None
        out = []
        for channel in self.channels(team):
            res = self._publish(
                team, channel, "challenge", content_id,
                lambda post: self.challenge_card(post, team, reason=reason), now, reveal_at=reveal, tags=ch.tags,
                deadline=deadline, manual=manual)
            if res:
                out.append(res)
        return out

    def challenge_card(self, post: Post, team: Team, *, reason: str | None = None, lang: str | None = None) -> Message:
        """The card for ``post``; shown again later (``post.message_id`` known), its button answers that post."""
        return views.challenge(self.library.challenges[post.content_id], reveal_at=post.reveal_at, tz=team.timezone,
                               reason=reason, answer_button="buttons" in self.chat.capabilities,
                               lang=lang or team.language, in_thread=team.answers == "thread",
                               posted_as=post.message_id)

    def reveal(self, post: Post, now: datetime) -> bool:
        """Post the model answer and the day's best replies in the challenge's thread, once."""
        team = self.settings.team(post.team_id)
        ch = self.library.challenges.get(post.content_id)
        if team is None or ch is None or post.state != "posted":
            return False
        answers = [r for r in self.store.submissions_for_post(post.id)
                   if r.submission.counted and r.submission.status != "withdrawn"]
        answered = len({r.member.id for r in answers})
        top = max((0 if r.submission.violations else r.submission.score for r in answers), default=None)
        replies = [r for r in answers if not r.submission.violations and r.submission.passed
                   and r.submission.status == "active"]
        replies.sort(key=lambda r: (-r.submission.score, r.submission.submitted_at))
        best: list[tuple[str, int, str]] = []
        seen: set[int] = set()
        for r in replies:
            if r.member.id in seen:
                continue
            seen.add(r.member.id)
            known = r.member.display_name or self.chat.display_name(r.member.user)   # looked up since, if missing
            name = (known or r.member.user) if team.show_names else views.anonymous(len(best), team.language)
            best.append((name, r.submission.score, r.submission.text))
            if len(best) == BEST_REPLIES:
                break
        with self.store.transaction():
            if not self.store.mark_revealed(post.id, at=now):
                return False
            self.store.enqueue([delivery(f"reveal:{post.id}", self.platform, "post",
                                         views.reveal(ch, best, answered=answered, top=top, lang=team.language),
                                         channel=post.channel, thread=post.message_id)], now=now)
        self.outbox.kick(now)
        return True

    def reveal_due(self, now: datetime) -> int:
        done = 0
        for post in self.store.challenges_due_for_reveal(now):
            if post.platform == self.chat.platform:
                done += self.reveal(post, now)
        return done

    def post_summary(self, team: Team, now: datetime, *, deadline: datetime | None = None,
                     manual: bool = False) -> list[Posted]:
        board = self.store.leaderboard(period="week", scope="team", team_id=team.id, now=now, tz=team.timezone, top=5,
                                       bonus_day=self.days_off, practice_teams=self.practice_teams)
        ins = self.store.team_insight(team.id, period="week", now=now, tz=team.timezone)
        lang = team.language
        msg = views.leaderboard(board, title=strings(lang).summary_title.format(team=team.name), lang=lang)
        extra = views.insight(ins, team.name, lang=lang)
        headings = views.summary_headings(lang)
        summary = Message(title=msg.title, sections=msg.sections + tuple(
            s for s in extra.sections if s.heading in headings), kind="summary")
        iso = local_day(now, team).isocalendar()
        week_id = f"week-{iso.year}-{iso.week:02d}"
        return [r for ch in self.channels(team)
                if (r := self._publish(team, ch, "summary", week_id, lambda post: summary, now, deadline=deadline,
                                       manual=manual))]

    # ------------------------------------------------------------ what members ask for

    def lookup_script(self, query: str) -> LookupResult:
        return self.script_index.lookup(query)

    def todays_posts(self, team: Team, platform: str, channel: str, now: datetime) -> dict[str, Post]:
        """Today's lesson and challenge in ``channel`` that actually went out, by kind."""
        day = local_day(now, team)
        found = {}
        for kind in ("lesson", "challenge"):
            post = self.store.post_for(platform=platform, channel=channel, kind=kind, post_date=day)
            if post is not None and post.state in ("posted", "revealed"):
                found[kind] = post
        return found

    def todays_challenge(self, team: Team, platform: str, channel: str, now: datetime) -> Post | None:
        return self.store.post_for(platform=platform, channel=channel, kind="challenge", post_date=local_day(now, team))

    def leaderboard(self, *, period: str, everyone: bool, team: Team | None, now: datetime,
                    asker: tuple[str, str], span: tuple[date, date] | None = None) -> Leaderboard:
        """Standings for a period, or for ``span`` (a season: its first and last day)."""
        tz = team.timezone if team else DEFAULT_TZ
        return self.store.leaderboard(period=period, scope="everyone" if everyone else "team",
                                      team_id=None if everyone or team is None else team.id,
                                      now=now, tz=tz, top=10, asker=asker, bonus_day=self.days_off,
                                      practice_teams=self.practice_teams,
                                      start=span[0] if span else None, end=span[1] if span else None)

    def season_board(self, team: Team, season: tuple[str, date, date], *, now: datetime,
                     asker: tuple[str, str]) -> Leaderboard:
        """A season's standings: as kept when the season was closed, else (still open, or not closed yet)
        from the record."""
        kept = self.store.archived_season(team.id, season[0])
        if kept is None:
            return self.leaderboard(period="range", everyone=False, team=team, now=now, asker=asker,
                                    span=(season[1], season[2]))
        board = board_from_json(kept)
        who = self.store.member(*asker)
        top = board.rows[:10]
        mine = next((r for r in board.rows[10:] if who is not None and r.member.id == who.id), None)
        return replace(board, rows=top, asker_row=mine)

    def close_seasons(self, now: datetime) -> list[tuple[str, str]]:
        """Keep each team's final table of its last season once the appeal window after it has passed
        (so settled reviews are in it); idempotent. The (team, season) pairs kept now."""
        kept = []
        for team in self.settings.teams:
            if team.seasons == "none":
                continue
            today = now.astimezone(team.tz).date()
            first = season_of(team.seasons, today)[1]
            last = season_of(team.seasons, first - timedelta(days=1))
            if (today - last[2]).days <= self.settings.reviews.appeal_days or \
                    self.store.archived_season(team.id, last[0]) is not None:
                continue
            board = self.store.leaderboard(period="range", scope="team", team_id=team.id, now=now,
                                           tz=team.timezone, top=100_000, start=last[1], end=last[2],
                                           bonus_day=self.days_off, practice_teams=self.practice_teams)
            if self.store.archive_season(team.id, last[0], board_json(board), at=now):
                kept.append((team.id, last[0]))
                log.info("event=season_closed team=%s season=%s members=%d", team.id, last[0], len(board.rows))
        return kept

    def team_board(self, *, period: str, now: datetime, season: tuple[str, date, date] | None = None
                   ) -> list[TeamStanding]:
        """Every team side by side (points per agent, participation, pass rate)."""
        tz = self.settings.teams[0].timezone if self.settings.teams else DEFAULT_TZ
        return self.store.team_board(team_ids=[t.id for t in self.settings.teams], period=period, now=now, tz=tz,
                                     start=season[1] if season else None, end=season[2] if season else None)

    def find_member(self, query: str) -> Member | None:
        return self.store.find_member(query)

    def own_record(self, msg: Incoming) -> Member | None:
        return self.store.member(msg.platform, msg.user)

    def member_stats(self, member: Member, team: Team, now: datetime) -> MemberStats:
        return self.store.member_stats(member, now=now, tz=team.timezone, bonus_day=self.days_off,
                                       practice_teams=self.practice_teams)

    def insight(self, team: Team, now: datetime, *, period: str = "month") -> TeamInsight:
        return self.store.team_insight(team.id, period=period, now=now, tz=team.timezone)

    # ------------------------------------------------------------ replies to challenges

    def challenge_for(self, msg: Incoming, team: Team, now: datetime) -> Post | None:
        """The open challenge ``msg`` answers, or None.

        A reply in the challenge's thread, through its form or its button answers
        that challenge. A top-level channel message answers today's challenge
        when the team takes answers in the channel (``answers: channel``); with
        ``answers: thread`` only the explicit paths do. A message to the bot
        one to one answers the member's team's challenge of the day.
        """
        if msg.direct:
            return self._todays_open_challenge(team, now)
        post = self.store.open_challenge(msg.platform, msg.channel, thread=msg.thread, now=now)
        if post is None:
            return None
        explicit = msg.thread is not None or msg.explicit or msg.mention
        if not explicit and (team.answers == "thread" or post.post_date != local_day(now, team)):
            return None  # ordinary chatter: a day without a challenge, or a team that answers in threads
        return post

    def _todays_open_challenge(self, team: Team, now: datetime) -> Post | None:
        for channel in self.channels(team):
            post = self.store.open_challenge(self.platform, channel, thread=None, now=now)
            if post is not None and post.post_date == local_day(now, team):
                return post
        return None

    def team_for_member(self, msg: Incoming) -> Team | None:
        """The team of a member writing one to one: their record's team, else the only team there is."""
        member = self.store.member(msg.platform, msg.user)
        if member is not None and (team := self.settings.team(member.team_id)) is not None:
            return team
        led = [t for t in self.settings.teams if msg.user in t.leads]
        if len(led) == 1:
            return led[0]
        here = [t for t in self.settings.teams if self.channels(t)]
        return here[0] if len(here) == 1 else None

    def handle_reply(self, msg: Incoming, now: datetime) -> list[Reply]:
        """Grade a message that answers a challenge; chatter and leads' channel talk are left alone.

        Only real answers are scored (see :mod:`coachbot.domain.chatter`): an
        acknowledgement, an emoji, a question to a colleague is never graded or
        stored. A lead's or admin's top-level channel message is never an answer
        either, unless sent through an explicit answer path (the challenge's
        thread, the form, one to one, or mentioning the bot).
        """
        team = self.team_for_member(msg) if msg.direct else self.team_of(msg.channel)
        if team is None:
            return []
        post = self.challenge_for(msg, team, now)
        if post is None:
            return []
        explicit = msg.thread is not None or msg.explicit or msg.mention or msg.direct
        if (why := chatter_reason(msg.text)) is not None:
            log.debug("event=chatter_ignored channel=%s user=%s why=%s", q(msg.channel), q(msg.user), q(why))
            return [Reply(text(strings(team.language).not_an_answer), private=True)] if msg.explicit else []
        if not explicit and self.is_lead(msg, team):
            return []
        challenge = self.library.challenges.get(post.content_id)
        if challenge is None:
            raise CoachError(strings(team.language).challenge_withdrawn)
        member = self.member(msg, team)
        masked = mask(msg.text)
        kinds = masked.kinds or msg.masked
        answer = clean(masked.text)
        cut = len(answer) > MAX_REPLY_CHARS
        answer = answer[:MAX_REPLY_CHARS]
        grade = grade_reply(challenge, answer, self.library.shared)
        if grade.slow_rule is not None:
            log.error("event=grading_timeout team=%s challenge=%s rule=%s chars=%d "
                      'hint="a pattern in this challenge or the red flags is too slow; fix it and run coachbot validate"',
                      team.id, challenge.id, q(grade.slow_rule), len(answer))
        grade_json = grade.as_json()
        with self.store.transaction():   # the reply and its place in the review queue, together
            sub = self.store.record_submission(post=post, member=member, text=answer, grade=grade_json,
                                               at=now, event_id=msg.event_id, policy=self.settings.policy)
            if sub is not None:
                self._route_uncertain(team, sub, grade_json, challenge.pass_score, now)
                self._schedule_practice(team, member, sub, grade_json, challenge.id, now)
        if sub is None:
            # stored before (this message is being handled again after a crash): answer it as it was scored
            sub = self.store.submission_for_event(msg.event_id) if msg.event_id else None
            if sub is None:
                return []
        else:
            log.info("event=reply_graded team=%s challenge=%s member=%s score=%s reason=%s",
                     team.id, challenge.id, q(member.user), grade.score, sub.reason)
        note = views.privacy_notice(kinds, lang=team.language) if kinds else None
        if cut:
            note = "\n".join(filter(None, [strings(team.language).answer_cut.format(limit=MAX_REPLY_CHARS), note]))
        review = self.store.review_for_submission(sub.id)
        queued = review.reasons if review is not None and review.source == "grader" and review.is_open else ()
        return [Reply(views.feedback(grade, reason=sub.reason, points=sub.points, attempt=sub.attempt, privacy_note=note,
                                     lang=team.language, queued=queued, appeal_days=self.settings.reviews.appeal_days,
                                     appeal_button=f"/coach appeal s{sub.id}" if "buttons" in self.chat.capabilities
                                     else None), private=True)]

    def _schedule_practice(self, team: Team, member: Member, sub: Submission, grade: dict, challenge: str,
                           now: datetime) -> None:
        """A scored answer that missed steps: the challenge comes back to the member privately, a few working
        days later (:mod:`coachbot.usecases.practice`)."""
        missed = tuple(str(c.get("id")) for c in grade.get("criteria") or () if not c.get("met"))
        if not sub.counted or not missed or grade.get("verdict") in UNJUDGED:
            return
        due = add_posting_days(team, local_day(now, team), FIRST_INTERVAL)
        self.store.schedule_practice(member_id=member.id, team_id=team.id, challenge=challenge, criteria=missed,
                                     due=due, at=now)

    def _route_uncertain(self, team: Team, sub: Submission, grade: dict, pass_score: int, now: datetime) -> None:
        """Queue a reply for the team's leads when the grader is unsure of its verdict (``reviews:`` settings)."""
        rules = self.settings.reviews
        reasons = uncertain_reasons(grade, pass_score=pass_score, margin=rules.near_pass) if rules.uncertain else ()
        if reasons and self.store.route_review(submission_id=sub.id, team_id=team.id, reasons=reasons, at=now):
            log.info("event=review_routed team=%s submission=%s reasons=%s", team.id, sub.id, ",".join(reasons))

    def edit_answer(self, msg: Incoming, original: str, now: datetime) -> list[Reply]:
        """The member edited a message: graded as a new attempt; an earlier answer in it is no longer revealed.

        The scoring policy decides whether the edited wording counts (``first``:
        practice; ``best_of:N``: the next attempt if one is left), so an edit
        after seeing the feedback cannot improve a counted score.
        """
        before = self.store.supersede_submission(original) if original else None
        replies = self.handle_reply(msg, now)
        if before is not None and replies:
            lang = self.language_for(msg)
            replies = [Reply(text(strings(lang).answer_edited), private=True), *replies]
        return replies

    def withdraw_answer(self, original: str, *, channel: str) -> list[Reply]:
        """The member deleted a message that was an answer: withdrawn, and they are told what that means."""
        sub = self.store.withdraw_submission(original) if original else None
        if sub is None:
            return []
        team = self.team_of(channel)
        log.info("event=reply_withdrawn submission=%s post=%s", sub.id, sub.post_id)
        return [Reply(text(strings(team.language if team else "zh").answer_withdrawn), private=True)]

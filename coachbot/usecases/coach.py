"""The coach's use cases, platform-neutral: post, grade, reveal, summarise, answer commands.

Every use case takes the clock as ``now`` (an aware datetime) and talks to
the platform only through :class:`coachbot.usecases.ports.Chat`; what a member asked
for comes back as :class:`coachbot.usecases.ports.Reply` values for the adapter to send.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from functools import cached_property
from datetime import date, datetime

from coachbot.present import views
from coachbot.usecases.ports import Chat, Incoming, Reply
from coachbot.content.library import Library
from coachbot.content.lookup import ScriptIndex
from coachbot.domain.errors import CoachError
from coachbot.grading import grade_reply
from coachbot.present.i18n import lang_of, pick
from coachbot.present.messages import Message, text
from coachbot.domain.privacy import mask, privacy_notice
from coachbot.domain.rotation import pick_challenge, pick_tip
from coachbot.domain.records import Member, Post
from coachbot.domain.teams import Settings, Team
from coachbot.store import Store

log = logging.getLogger("coachbot")
BEST_REPLIES = 3
ANON = "ABCDEFGHIJ"


@dataclass(frozen=True)
class Posted:
    post: Post
    message_id: str | None
    fresh: bool          # False when it had already gone out (nothing sent now)


def admin_keys(msg: Incoming) -> tuple[str, ...]:
    """What may match the leads and admins in config: the user id, and on local
    platforms the name (a Slack display name can be changed by anyone)."""
    return (msg.user, msg.user_name or "") if msg.platform in ("console", "fake") else (msg.user,)


def local_day(now: datetime, team: Team) -> date:
    return now.astimezone(team.tz).date()


class Coach:
    def __init__(self, *, store: Store, library: Library, settings: Settings, chat: Chat) -> None:
        self.store = store
        self.library = library
        self.settings = settings
        self.chat = chat
        for team in settings.teams:
            store.ensure_team(team.id, name=team.name)
            for ch in team.channels.get(chat.platform, ()):
                store.ensure_channel(chat.platform, ch, team.id)

    # ------------------------------------------------------------ helpers

    @cached_property
    def script_index(self) -> ScriptIndex:
        return ScriptIndex(self.library.scripts)

    def channels(self, team: Team) -> tuple[str, ...]:
        return team.channels.get(self.chat.platform, ())

    def team_of(self, channel: str) -> Team | None:
        team = self.settings.team_for(self.chat.platform, channel)
        if team is None and (tid := self.store.team_for_channel(self.chat.platform, channel)):
            team = self.settings.team(tid)
        return team

    def member(self, msg: Incoming, team: Team) -> Member:
        role = "lead" if self.settings.is_admin(team, *admin_keys(msg)) else "agent"
        existing = self.store.member(msg.platform, msg.user)
        if existing is not None and existing.role in ("lead", "admin") and role == "agent":
            role = existing.role
        return self.store.ensure_member(msg.platform, msg.user, team_id=team.id,
                                        display_name=msg.user_name, role=role)

    def reveal_time(self, team: Team, now: datetime) -> datetime:
        from coachbot.usecases.due import reveal_at  # one rule for times, cron and reveal_after, shared with `coachbot schedule`
        return reveal_at(team, now)

    def _publish(self, team: Team, channel: str, kind: str, content_id: str, msg_for, now: datetime,
                 *, reveal_at: datetime | None = None, tags: tuple[str, ...] = (), day: date | None = None) -> Posted | None:
        """Record the intent, post, record the message id: once per (channel, kind, day)."""
        day = day or local_day(now, team)
        post = self.store.claim_post(team_id=team.id, platform=self.chat.platform, channel=channel, kind=kind,
                                     content_id=content_id, post_date=day, reveal_at=reveal_at, now=now, tags=list(tags))
        if post is None:
            post = self.store.post_for(platform=self.chat.platform, channel=channel, kind=kind, post_date=day)
            if post is None or post.state not in ("pending", "failed"):
                return Posted(post, post.message_id, False) if post else None
            if not self.store.retake_post(post.id, now=now):
                return Posted(post, post.message_id, False)  # another run is posting it right now
            found = self.already_posted(channel, post)
            if found:
                self.store.mark_posted(post.id, message_id=found, at=now)
                return Posted(post, found, False)
        try:
            message_id = self.chat.post(channel, msg_for(post))
        except Exception as exc:  # the platform failed; keep the intent for a retry
            log.warning("event=post_failed team=%s channel=%s kind=%s error=%r", team.id, channel, kind, exc)
            self.store.mark_failed(post.id, reason=repr(exc)[:300])
            return None
        self.store.mark_posted(post.id, message_id=message_id, at=now)
        log.info("event=posted team=%s channel=%s kind=%s content=%s", team.id, channel, kind, post.content_id)
        return Posted(post, message_id, True)

    def already_posted(self, channel: str, post: Post) -> str | None:
        """The message id of ``post`` in the channel's history, if the adapter can look."""
        finder = getattr(self.chat, "find_post", None)
        if "history" in getattr(self.chat, "capabilities", ()) and finder is not None:
            return finder(channel, post.kind, post.content_id, post.post_date)
        return None

    # ------------------------------------------------------------ scheduled use cases

    def post_lesson(self, team: Team, now: datetime, *, content_id: str | None = None) -> list[Posted]:
        used = self.store.used_content(team.id, "lesson")
        tip_id = content_id or pick_tip(team.id, self.library.tips, used)
        if tip_id is None or tip_id not in self.library.tips:
            raise CoachError(pick(team.language, f"没有找到小课 {tip_id}。", f"No lesson {tip_id} found."))
        out = []
        for ch in self.channels(team):
            res = self._publish(team, ch, "lesson", tip_id,
                                lambda post: views.lesson(self.library.tips[post.content_id], lang=team.language), now)
            if res:
                out.append(res)
        return out

    def weak_skills(self, team: Team, now: datetime) -> list[str]:
        insight = self.store.team_insight(team.id, period="month", now=now, tz=team.timezone)
        return [s.skill for s in insight.skills if s.answers > 0]

    def post_challenge(self, team: Team, now: datetime, *, content_id: str | None = None) -> list[Posted]:
        weak: str | None = None
        if content_id is None:
            used = self.store.used_content(team.id, "challenge")
            tags = {cid: ch.tags for cid, ch in self.library.challenges.items()}
            content_id, weak = pick_challenge(team.id, tags, used, self.weak_skills(team, now))
        if content_id is None or content_id not in self.library.challenges:
            raise CoachError(pick(team.language, f"没有找到挑战 {content_id}。", f"No challenge {content_id} found."))
        ch = self.library.challenges[content_id]
        reveal_at = self.reveal_time(team, now)
        reason = pick(team.language, f"最近团队在「{views.skill(weak)}」上得分最低，今天专门练这一项。",
                      f"Lately the team has scored lowest on “{views.skill(weak, 'en')}”, so today we practise it.") \
            if weak else None
        out = []
        for channel in self.channels(team):
            res = self._publish(
                team, channel, "challenge", content_id,
                lambda post: views.challenge(self.library.challenges[post.content_id],
                                             reveal_at=post.reveal_at or reveal_at, tz=team.timezone, reason=reason,
                                             answer_button="forms" in self.chat.capabilities, lang=team.language,
                                             in_thread=team.answers == "thread"),
                now, reveal_at=reveal_at, tags=ch.tags)
            if res:
                out.append(res)
        return out

    def reveal(self, post: Post, now: datetime) -> bool:
        """Post the model answer and the day's best replies in the challenge's thread, once."""
        team = self.settings.team(post.team_id)
        ch = self.library.challenges.get(post.content_id)
        if team is None or ch is None or post.state != "posted":
            return False
        replies = [r for r in self.store.submissions_for_post(post.id)
                   if r.submission.counted and not r.submission.violations and r.submission.passed]
        replies.sort(key=lambda r: (-r.submission.score, r.submission.submitted_at))
        best, seen = [], set()
        for r in replies:
            if r.member.id in seen:
                continue
            seen.add(r.member.id)
            name = (r.member.display_name or r.member.user) if team.show_names else pick(team.language, "学员", "Member ") + ANON[len(best)]
            best.append((name, r.submission.score, r.submission.text))
            if len(best) == BEST_REPLIES:
                break
        if not self.store.mark_revealed(post.id, at=now):
            return False
        try:
            self.chat.post(post.channel, views.reveal(ch, best, lang=team.language), thread=post.message_id)
        except Exception as exc:
            log.warning("event=reveal_failed post=%s error=%r", post.id, exc)
        return True

    def reveal_due(self, now: datetime) -> int:
        done = 0
        for post in self.store.challenges_due_for_reveal(now):
            if post.platform == self.chat.platform:
                done += self.reveal(post, now)
        return done

    def post_summary(self, team: Team, now: datetime) -> list[Posted]:
        board = self.store.leaderboard(period="week", scope="team", team_id=team.id, now=now, tz=team.timezone, top=5)
        ins = self.store.team_insight(team.id, period="week", now=now, tz=team.timezone)
        lang = team.language
        msg = views.leaderboard(board, title=pick(lang, f"{team.name}｜本周小结", f"{team.name} | Weekly summary"), lang=lang)
        extra = views.insight(ins, team.name, lang=lang)
        summary = Message(title=msg.title, sections=msg.sections + tuple(
            s for s in extra.sections if s.heading in views.SUMMARY_HEADINGS[pick(lang, "zh", "en")]), kind="summary")
        iso = local_day(now, team).isocalendar()
        week_id = f"week-{iso.year}-{iso.week:02d}"
        return [r for ch in self.channels(team)
                if (r := self._publish(team, ch, "summary", week_id, lambda post: summary, now))]

    # ------------------------------------------------------------ incoming

    def handle(self, msg: Incoming, now: datetime) -> list[Reply]:
        """Everything a member sends comes through here; never raises, never silent on error."""
        try:
            if msg.text.strip().startswith("/"):
                from coachbot.usecases.commands import run_command
                if msg.event_id and not self.store.mark_event(msg.event_id, at=now):
                    return []
                return run_command(self, msg, now)
            return self.handle_reply(msg, now)
        except CoachError as exc:
            return [Reply(text(exc.message, kind="error"))]
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception("event=handler_error ref=%s platform=%s channel=%s user=%s", ref, msg.platform, msg.channel, msg.user)
            return [Reply(text(pick(self._lang_safe(msg.channel),
                                    f"抱歉，处理你的消息时出了点问题（编号 {ref}）。请稍后再试，或把编号告诉组长。",
                                    f"Sorry, something went wrong with your message (reference {ref}). "
                                    "Please try again later, or give the reference to your team lead."), kind="error"))]

    def _lang_safe(self, channel: str) -> str:
        """The channel's team language for an apology; Chinese if even that lookup fails."""
        try:
            return lang_of(self.team_of(channel))
        except Exception:
            return "zh"

    def challenge_for(self, msg: Incoming, team: Team, now: datetime) -> Post | None:
        post = self.store.open_challenge(msg.platform, msg.channel, thread=msg.thread, now=now)
        if post is None:
            return None
        if msg.thread is None and (team.answers == "thread" or post.post_date != local_day(now, team)):
            return None  # ordinary chatter: a day without a challenge, or a team that answers in threads
        return post

    def handle_reply(self, msg: Incoming, now: datetime) -> list[Reply]:
        team = self.team_of(msg.channel)
        if team is None:
            return []
        post = self.challenge_for(msg, team, now)
        if post is None:
            return []
        challenge = self.library.challenges.get(post.content_id)
        if challenge is None:
            raise CoachError(pick(team.language, "这道挑战已经下线了，请等下一题。",
                                  "This challenge has been withdrawn. Please wait for the next one."))
        member = self.member(msg, team)
        masked = mask(msg.text)
        grade = grade_reply(challenge, masked.text, self.library.shared)
        sub = self.store.record_submission(post=post, member=member, text=masked.text, grade=grade.as_json(),
                                           at=now, event_id=msg.event_id, policy=self.settings.policy)
        if sub is None:
            return []  # the same platform event again: already graded
        log.info("event=reply_graded team=%s challenge=%s member=%s score=%s reason=%s",
                 team.id, challenge.id, member.user, grade.score, sub.reason)
        note = privacy_notice(masked, lang=team.language) if masked.changed else None
        return [Reply(views.feedback(grade, reason=sub.reason, points=sub.points, attempt=sub.attempt, privacy_note=note,
                                     lang=team.language), private=True)]

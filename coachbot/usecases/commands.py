"""The command table: the same words on every platform. A handler's return value is its reply.

:data:`COMMANDS` is the one source of commands, their words (English first,
then Chinese aliases), who may run them, and their usage and help (from
:mod:`coachbot.present.strings`, per language). Chat help, the Slack
manifest's slash commands and the README's list are generated from it or
checked against it by tests.

    /script <query>            /话术 <关键词>
    /leaderboard [period] [team|everyone]     /排行榜
    /coach help|today|stats [member]|appeal|skills|post-now lesson|challenge|summary [ID]|reveal|review
    /coach uphold N [note] | override N SCORE [note] | judge N c2|f1 yes|no [note]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from coachbot.domain.errors import CoachError
from coachbot.domain.reports import season_named, season_of
from coachbot.domain.teams import Team
from coachbot.domain.text import closest, to_simplified
from coachbot.present import views
from coachbot.present.messages import Message, Section, text
from coachbot.present.plain import script_index_text
from coachbot.present.strings import Strings, strings
from coachbot.usecases import calibration, digest, practice, reviews
from coachbot.usecases.coach import Coach, Posted
from coachbot.usecases.ports import Incoming, Reply

PERIOD_WORDS = {"today": "today", "今天": "today", "今日": "today", "week": "week", "本周": "week", "周": "week",
                "month": "month", "本月": "month", "月": "month", "all": "all", "全部": "all", "总": "all",
                "累计": "all", "上周": "last_week", "last-week": "last_week", "lastweek": "last_week",
                "上月": "last_month", "上个月": "last_month", "last-month": "last_month", "lastmonth": "last_month"}
EVERYONE = {"everyone", "all-teams", "全员", "所有人", "全部团队"}
SEASON_WORDS = {"season", "赛季", "本赛季"}
TEAMS_WORDS = {"teams", "team-vs-team", "团队对抗", "对抗", "各团队"}
POST_KINDS = {"lesson": "lesson", "challenge": "challenge", "summary": "summary",
              "小课": "lesson", "挑战": "challenge", "小结": "summary"}


@dataclass(frozen=True)
class Ctx:
    coach: Coach
    msg: Incoming
    now: datetime
    team: Team | None

    @property
    def lang(self) -> str:
        """The team's language for the bot's own wording; Chinese where no team is known."""
        return self.team.language if self.team is not None else "zh"

    @property
    def s(self) -> Strings:
        return strings(self.lang)

    def require_team(self) -> Team:
        if self.team is None:
            raise CoachError(self.s.no_team_here)
        return self.team


Handler = Callable[[Ctx, list[str]], list[Reply]]


@dataclass(frozen=True)
class Command:
    """One command. ``key`` names its usage and help in the strings (``"coach stats"``)."""

    key: str
    words: tuple[str, ...]           # the English word first, then aliases
    handler: Handler
    leads_only: bool = False
    admins_only: bool = False
    slash: bool = False              # a slash command of its own on platforms that have them
    sub: tuple[Command, ...] = ()
    listed: bool = True              # shown in help (an alias of another command is not)

    @property
    def name(self) -> str:
        return self.words[0]

    def usage(self, lang: str = "zh") -> str:
        return strings(lang).command_usage[self.key]

    def help(self, lang: str = "zh") -> str:
        return strings(lang).command_help[self.key]


def _reply(msg: Message, private: bool = True) -> list[Reply]:
    return [Reply(msg, private=private)]


def _say(ctx: Ctx, line: str) -> list[Reply]:
    return _reply(text(line))


# ------------------------------------------------------------------ /script

def cmd_script(ctx: Ctx, args: list[str]) -> list[Reply]:
    query = " ".join(args).strip()
    if not query:
        index = script_index_text(list(ctx.coach.library.scripts.values()), lang=ctx.lang)
        return _reply(Message(sections=(Section(index),), kind="script"))
    result = ctx.coach.lookup_script(query)
    if result.match:
        return _reply(views.script(result.match, lang=ctx.lang, also=result.suggestions))
    return _reply(views.suggestions(query, list(result.suggestions), lang=ctx.lang, close=result.close,
                                    library=ctx.coach.library.scripts.values()))


# ------------------------------------------------------------------ /leaderboard

def cmd_leaderboard(ctx: Ctx, args: list[str]) -> list[Reply]:
    period, everyone, team, teams = "week", False, ctx.team, False
    season: tuple[str, date, date] | None = None
    wants_season, season_name = False, None
    for raw in args:
        word = to_simplified(raw).lower()
        if word in PERIOD_WORDS:
            period = PERIOD_WORDS[word]
        elif word in EVERYONE:
            everyone = True
        elif word in SEASON_WORDS:
            wants_season = True
        elif word in TEAMS_WORDS:
            teams = True
        elif wants_season and season_name is None and re.fullmatch(r"\d{4}-?(q[1-4]|\d{1,2})", word):
            season_name = raw
        elif (t := ctx.coach.settings.team(raw)) is not None:
            team = t
        else:
            raise CoachError(ctx.s.unknown_word.format(word=raw, usage=LEADERBOARD.usage(ctx.lang)))
    if wants_season:
        kind = team.seasons if team is not None else "none"
        if kind == "none":
            raise CoachError(ctx.s.no_seasons)
        season = season_named(kind, season_name) if season_name else season_of(kind, ctx.now.astimezone(
            team.tz if team else ctx.coach.settings.teams[0].tz).date())
        if season is None:
            raise CoachError(ctx.s.unknown_season.format(name=season_name, example=season_of(kind, ctx.now.date())[0]))
    if teams:
        return _reply(views.team_board(ctx.coach.team_board(period=period, now=ctx.now, season=season),
                                       {t.id: t.name for t in ctx.coach.settings.teams},
                                       title=views.team_board_title(period, season[0] if season else None,
                                                                    lang=ctx.lang), lang=ctx.lang))
    if not everyone and team is None:
        raise CoachError(ctx.s.no_team_leaderboard)
    asker = (ctx.msg.platform, ctx.msg.user)
    if season is not None and team is not None and not everyone:
        board = ctx.coach.season_board(team, season, now=ctx.now, asker=asker)
    else:
        board = ctx.coach.leaderboard(period=period, everyone=everyone, team=team, now=ctx.now, asker=asker,
                                      span=(season[1], season[2]) if season else None)
    title = views.leaderboard_title(team.name if team else None, period, everyone=everyone, lang=ctx.lang,
                                    season=season[0] if season else None)
    return _reply(views.leaderboard(board, title=title, lang=ctx.lang))


# ------------------------------------------------------------------ /coach

def help_message(lang: str = "zh") -> Message:
    """Every command with its usage, generated from the table."""
    s = strings(lang)
    lines = [s.help_intro, "", s.help_commands]
    for command in COMMANDS:
        if command.listed and not command.sub:
            lines.append(f"  {command.usage(lang)}")
        for sub in command.sub:
            if not sub.listed:
                continue
            mark = s.admins_only_mark if sub.admins_only else s.leads_only_mark if sub.leads_only else ""
            lines.append(f"  {sub.usage(lang):<18} {sub.help(lang)}{mark}")
    lines += ["", s.help_chinese]
    return Message(title=s.help_title, sections=(Section("\n".join(lines)),), kind="help")


def coach_help(ctx: Ctx, args: list[str]) -> list[Reply]:
    return _reply(help_message(ctx.lang))


def coach_today(ctx: Ctx, args: list[str]) -> list[Reply]:
    team = ctx.require_team()
    coach, out = ctx.coach, []
    posts = coach.todays_posts(team, ctx.msg.platform, ctx.msg.channel, ctx.now)
    if (lesson := posts.get("lesson")) and (tip := coach.library.tips.get(lesson.content_id)):
        out.append(Reply(views.lesson(tip, lang=ctx.lang)))
    if (challenge := posts.get("challenge")) and challenge.content_id in coach.library.challenges:
        out.append(Reply(coach.challenge_card(challenge, team, lang=ctx.lang)))
    return out or _say(ctx, ctx.s.nothing_posted_today)


def coach_stats(ctx: Ctx, args: list[str]) -> list[Reply]:
    team = ctx.require_team()
    if args:
        wanted = member_reference(" ".join(args), ctx.msg.platform)
        who = ctx.coach.find_member(wanted)
        if who is None:
            raise CoachError(ctx.s.member_not_found.format(who=" ".join(args)))
        own = who.platform == ctx.msg.platform and who.user == ctx.msg.user
        role = ctx.coach.role(ctx.msg, team)
        # a member sees their own record; a lead their team's; an admin everyone's (compliance slips are personal)
        if not own and not (role == "admin" or (role == "lead" and who.team_id == team.id)):
            raise CoachError(ctx.s.stats_not_yours)
    else:
        who = ctx.coach.own_record(ctx.msg)
        if who is None:
            return _say(ctx, ctx.s.no_answers_yet)
    shown = views.stats(ctx.coach.member_stats(who, team, ctx.now), lang=ctx.lang)
    answers, met, still = ctx.coach.store.practice_summary(who.id)
    if answers or still:
        shown = Message(title=shown.title, kind=shown.kind, sections=shown.sections + (Section(
            ctx.s.practice_stats.format(answers=answers, met=met, open=still), heading=ctx.s.practice_heading),))
    return _reply(shown)


def member_reference(text: str, platform: str) -> str:
    """What a member was called in a command: ``<@U1>`` (a platform mention) is ``platform:U1``;
    ``@小王`` or ``＠小王`` is the name ``小王``."""
    text = text.strip()
    if mention := re.fullmatch(r"<@([A-Za-z0-9_.\-]+)(?:\|[^>]*)?>", text):
        return f"{platform}:{mention.group(1)}"
    return text.lstrip("@＠").strip()


def coach_skills(ctx: Ctx, args: list[str]) -> list[Reply]:
    team = ctx.require_team()
    return _reply(views.insight(ctx.coach.insight(team, ctx.now), team.name, lang=ctx.lang))


def coach_challenges(ctx: Ctx, args: list[str]) -> list[Reply]:
    return _reply(views.challenge_list(ctx.coach.library.challenges.values(), lang=ctx.lang))


def coach_post_now(ctx: Ctx, args: list[str]) -> list[Reply]:
    team = ctx.require_team()
    if not args or args[0] not in POST_KINDS:
        raise CoachError(ctx.s.usage.format(usage=POST_NOW.usage(ctx.lang)))
    kind = POST_KINDS[args[0]]
    content_id = args[1] if len(args) > 1 else None
    coach = ctx.coach
    if kind == "lesson":
        if content_id and content_id not in coach.library.tips:
            raise CoachError(ctx.s.no_lesson_id.format(id=content_id))
        posted = coach.post_lesson(team, ctx.now, content_id=content_id, manual=True)
    elif kind == "challenge":
        if content_id and content_id not in coach.library.challenges:
            close = ctx.s.list_sep.join(closest(content_id, coach.library.challenges))
            raise CoachError(ctx.s.no_challenge_id.format(id=content_id, close=close))
        posted = coach.post_challenge(team, ctx.now, content_id=content_id, manual=True)
    else:
        posted = coach.post_summary(team, ctx.now, manual=True)
    return _say(ctx, post_outcome(ctx, kind, posted, asked=content_id))


POST_WAIT_SECONDS = 5.0   # how long /coach post-now waits to see the platform take the post


def post_outcome(ctx: Ctx, kind: str, posted: list[Posted], *, asked: str | None = None) -> str:
    """What really happened to a post-now, channel by channel: sent, still trying (and why), or failed (and why)."""
    what = ctx.s.post_kinds[kind]
    if not posted:
        return ctx.s.not_posted_no_channel.format(what=what)
    fresh = [p for p in posted if p.fresh]
    if not fresh:
        other = next((p.post for p in posted if asked and p.post.content_id != asked), None)
        if other is not None:   # today's went out already, and it is not the one asked for
            item = ctx.coach.library.challenge(other.content_id) or ctx.coach.library.tip(other.content_id)
            return ctx.s.already_posted_other.format(what=what, title=item.title if item else other.content_id,
                                                     asked=asked)
        on_its_way = any(p.post.state == "pending" for p in posted)
        return (ctx.s.already_on_its_way if on_its_way else ctx.s.already_posted).format(what=what)
    found = ctx.coach.outbox.wait([p.key for p in fresh if p.key], timeout=POST_WAIT_SECONDS)
    states = [d for d in found if d is not None]
    if all(d.state == "sent" for d in states):
        return ctx.s.posted.format(what=what)
    failed = [d for d in states if d.state == "failed"]
    if failed:
        return ctx.s.post_failed.format(what=what, error=failed[0].error or "?")
    waiting = next(d for d in states if d.state != "sent")
    return ctx.s.post_queued.format(what=what, error=waiting.error or ctx.s.no_answer_yet)


def coach_forget(ctx: Ctx, args: list[str]) -> list[Reply]:
    """Erase a member: every reply and the record (个人信息保护法). Admins only."""
    if not args:
        raise CoachError(ctx.s.usage.format(usage=FORGET.usage(ctx.lang)))
    who = ctx.coach.find_member(member_reference(" ".join(args), ctx.msg.platform))
    if who is None:
        raise CoachError(ctx.s.member_not_found.format(who=" ".join(args)))
    gone = ctx.coach.store.forget_member(who)
    return _say(ctx, ctx.s.forgotten.format(name=who.name, replies=gone.replies))


def coach_reveal(ctx: Ctx, args: list[str]) -> list[Reply]:
    team = ctx.require_team()
    post = ctx.coach.todays_challenge(team, ctx.msg.platform, ctx.msg.channel, ctx.now)
    if post is None or post.state in ("skipped", "failed"):
        raise CoachError(ctx.s.no_challenge_today)
    if post.state == "pending":
        return _say(ctx, ctx.s.challenge_not_out_yet)
    if post.state == "revealed":
        return _say(ctx, ctx.s.already_revealed)
    if not ctx.coach.reveal(post, ctx.now):
        return _say(ctx, ctx.s.already_revealed)
    return _say(ctx, ctx.s.revealed)


# ------------------------------------------------------------------ appeals and reviews

def coach_appeal(ctx: Ctx, args: list[str]) -> list[Reply]:
    """An agent appeals the grade of their latest answer (or one part of it)."""
    team = ctx.team or ctx.coach.team_for_member(ctx.msg)
    if team is None:
        raise CoachError(ctx.s.no_team_here)
    return reviews.appeal(ctx.coach, ctx.msg, team, args, ctx.now)


def coach_practice(ctx: Ctx, args: list[str]) -> list[Reply]:
    """Personal practice: ``/coach practice`` gives one now, ``/coach practice <reply>`` answers it."""
    team = ctx.team or ctx.coach.team_for_member(ctx.msg)
    if team is None:
        raise CoachError(ctx.s.no_team_here)
    if not args:
        return practice.give_one(ctx.coach, ctx.msg, team, ctx.now)
    parts = ctx.msg.text.strip().split(maxsplit=2)   # the reply as written, spaces kept
    return practice.answer(ctx.coach, ctx.msg, team, parts[2] if len(parts) > 2 else " ".join(args), ctx.now)


def coach_review(ctx: Ctx, args: list[str]) -> list[Reply]:
    team = ctx.require_team()
    if not args:
        return reviews.queue(ctx.coach, ctx.msg, team)
    if not args[0].lstrip("#").isdigit():
        raise CoachError(ctx.s.usage.format(usage=REVIEW.usage(ctx.lang)))
    return reviews.show(ctx.coach, ctx.msg, team, int(args[0].lstrip("#")))


def coach_calibrate(ctx: Ctx, args: list[str]) -> list[Reply]:
    """A blind calibration session: ``[N]`` starts one, ``#S`` joins it, ``#S ITEM y/n…`` grades an item."""
    team = ctx.require_team()
    if args and re.fullmatch(r"[#sS]\d+", args[0]):
        session_id = int(args[0][1:])
        if len(args) == 1:
            return calibration.next_item(ctx.coach, ctx.msg, team, session_id)
        if not args[1].isdigit() or len(args) < 3:
            raise CoachError(ctx.s.usage.format(usage=CALIBRATE.usage(ctx.lang)))
        return calibration.mark(ctx.coach, ctx.msg, team, session_id, int(args[1]), "".join(args[2:]), ctx.now)
    if args and not args[0].isdigit():
        raise CoachError(ctx.s.usage.format(usage=CALIBRATE.usage(ctx.lang)))
    size = int(args[0]) if args else calibration.DEFAULT_SAMPLE
    return calibration.start(ctx.coach, ctx.msg, team, size, ctx.now)


def coach_digest(ctx: Ctx, args: list[str]) -> list[Reply]:
    """This week's lead digest, now, privately (it also comes by itself on the team's summary slot)."""
    team = ctx.require_team()
    return _reply(digest.digest_message(ctx.coach.store, ctx.coach.library, team, ctx.now))


def _decision(action: str) -> Handler:
    def handler(ctx: Ctx, args: list[str]) -> list[Reply]:
        team = ctx.require_team()
        review_id, how = reviews.parse_how(action, args, ctx.lang)
        return reviews.decide(ctx.coach, ctx.msg, team, review_id, how, ctx.now)
    return handler


def _lookup(table: Sequence[Command], word: str) -> Command | None:
    folded = to_simplified(word).lower()
    return next((c for c in table if folded in c.words), None)


def _english_words(table: Sequence[Command]) -> list[str]:
    return [w for c in table for w in c.words if w.isascii()]


def cmd_coach(ctx: Ctx, args: list[str]) -> list[Reply]:
    if not args:
        return coach_help(ctx, [])

    def unknown(word: str) -> CoachError:
        close = _close(word, COACH.sub)
        hint = ctx.s.unknown_subcommand_hint.format(close=close[0]) if close else ""
        return CoachError(ctx.s.unknown_subcommand.format(word=word, hint=hint, usage=COACH.usage(ctx.lang)))

    return run(ctx, COACH.sub, args, unknown=unknown)


def _close(word: str, table: Sequence[Command]) -> list[str]:
    return closest(to_simplified(word).lower(), _english_words(table), limit=1, cutoff=60)


# ------------------------------------------------------------------ the table

POST_NOW = Command("coach post-now", ("post-now", "发布"), coach_post_now, leads_only=True)
FORGET = Command("coach forget", ("forget", "删除成员"), coach_forget, admins_only=True)
REVIEW = Command("coach review", ("review", "复核", "复核队列"), coach_review, leads_only=True)
CALIBRATE = Command("coach calibrate", ("calibrate", "校准"), coach_calibrate, leads_only=True)
COACH = Command("coach", ("coach", "教练"), cmd_coach, slash=True, sub=(
    Command("coach help", ("help", "帮助"), coach_help, listed=False),
    Command("coach today", ("today", "今天", "今日"), coach_today),
    Command("coach stats", ("stats", "我的", "成绩"), coach_stats),
    Command("coach appeal", ("appeal", "申诉"), coach_appeal),
    Command("coach practice", ("practice", "练习"), coach_practice),
    Command("coach skills", ("skills", "技能"), coach_skills, leads_only=True),
    Command("coach challenges", ("challenges", "题目", "挑战列表"), coach_challenges),
    POST_NOW,
    Command("coach reveal", ("reveal", "公布", "揭晓"), coach_reveal, leads_only=True),
    REVIEW,
    Command("coach digest", ("digest", "周报"), coach_digest, leads_only=True),
    CALIBRATE,
    Command("coach uphold", ("uphold", "维持"), _decision("upheld"), leads_only=True),
    Command("coach override", ("override", "改分"), _decision("overridden"), leads_only=True),
    Command("coach judge", ("judge", "判定"), _decision("judged"), leads_only=True),
    FORGET,
))
SCRIPT = Command("script", ("script", "话术"), cmd_script, slash=True)
LEADERBOARD = Command("leaderboard", ("leaderboard", "排行榜", "排行"), cmd_leaderboard, slash=True)
HELP = Command("help", ("help", "帮助"), coach_help, listed=False)
COMMANDS: tuple[Command, ...] = (SCRIPT, LEADERBOARD, COACH, HELP)


def quick_read(text: str) -> bool:
    """A command line that only reads (a lookup, a leaderboard): an adapter may answer it straight away,
    in the same exchange, instead of through the inbox."""
    words = text.strip().lstrip("/").split()
    return bool(words) and _lookup((SCRIPT, LEADERBOARD), words[0]) is not None


def command_line(text: str) -> str | None:
    """``text`` as a command line when it reads as one on a platform without slash commands: a leading
    full-width slash, or a first word that is a command's (``话术 爽约``, ``排行榜 上周``, ``帮助``) followed by a
    space or nothing. Anything else (an answer that happens to start with 帮助您…) is not a command.

        >>> command_line("话术 爽约"), command_line("／排行榜"), command_line("帮助您了解一下")
        ('/话术 爽约', '/排行榜', None)
    """
    stripped = text.replace("\u3000", " ").strip()
    if stripped.startswith(("/", "／")):
        return "/" + stripped[1:]
    first, _, rest = stripped.partition(" ")
    if first and _lookup(COMMANDS, first) is not None:
        return f"/{first} {rest.strip()}".rstrip()
    return None


def run(ctx: Ctx, table: Sequence[Command], words: list[str], *, unknown: Callable[[str], CoachError]) -> list[Reply]:
    """Find ``words[0]`` in ``table``, check who may run it, run it with the rest."""
    command = _lookup(table, words[0])
    if command is None:
        raise unknown(words[0])
    if command.leads_only and not ctx.coach.is_lead(ctx.msg, ctx.team):
        raise CoachError(ctx.s.leads_only)
    if command.admins_only and ctx.coach.role(ctx.msg, ctx.team) != "admin":
        raise CoachError(ctx.s.admins_only)
    return command.handler(ctx, words[1:])


def run_command(coach: Coach, msg: Incoming, now: datetime) -> list[Reply]:
    """``msg.text`` is a command line (``/script 爽约``); its reply, or a CoachError saying what is wrong."""
    words = msg.text.strip()[1:].split()
    team = coach.team_of(msg.channel)
    if team is None and msg.direct:   # one to one with the bot: the sender's team
        team = coach.team_for_member(msg)
    ctx = Ctx(coach, msg, now, team)
    if not words:
        return coach_help(ctx, [])

    def unknown(word: str) -> CoachError:
        close = _close(word, COMMANDS)
        hint = ctx.s.unknown_command_hint.format(close=close[0]) if close else ""
        return CoachError(ctx.s.unknown_command.format(word=word, hint=hint))

    return run(ctx, COMMANDS, words, unknown=unknown)

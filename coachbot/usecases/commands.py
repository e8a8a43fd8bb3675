"""The command table: the same words on every platform. A handler's return value is its reply.

    /script <query>            /话术 <关键词>
    /leaderboard [period] [team|all]     /排行榜
    /coach help|today|stats [member]|skills|post-now lesson|challenge|summary [ID]|reveal
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from rapidfuzz import process

from coachbot.present import views
from coachbot.usecases.ports import Incoming, Reply
from coachbot.domain.errors import CoachError
from coachbot.present.i18n import lang_of, pick
from coachbot.present.messages import Message, Section, text
from coachbot.present.plain import script_index_text
from coachbot.domain.teams import Team
from coachbot.domain.text import to_simplified

if TYPE_CHECKING:
    from coachbot.usecases.coach import Coach

PERIODS = {"today": "today", "今天": "today", "今日": "today", "week": "week", "本周": "week", "周": "week",
           "month": "month", "本月": "month", "月": "month", "all": "all", "全部": "all", "总": "all", "累计": "all"}
EVERYONE = {"everyone", "all-teams", "全员", "所有人", "全部团队"}

USAGE = {
    "script": "/script <情况或关键词>，例如 /script 爽约、/script broken-promise；不带参数列出全部话术",
    "leaderboard": "/leaderboard [today|week|month|all] [团队ID|everyone]，例如 /排行榜 本周",
    "coach": ("/coach help｜today｜stats [成员]｜skills｜post-now lesson|challenge|summary [ID]｜reveal"),
}
USAGE_EN = {
    "script": "/script <situation or keyword>, e.g. /script broken-promise; with no argument it lists every script",
    "leaderboard": "/leaderboard [today|week|month|all] [team id|everyone], e.g. /leaderboard week",
    "coach": "/coach help | today | stats [member] | skills | post-now lesson|challenge|summary [ID] | reveal",
}


def usage(name: str, lang: str = "zh") -> str:
    return (USAGE_EN if lang == "en" else USAGE)[name]


@dataclass(frozen=True)
class Ctx:
    coach: Coach
    msg: Incoming
    now: datetime
    team: Team | None

    @property
    def is_admin(self) -> bool:
        from coachbot.usecases.coach import admin_keys
        return self.coach.settings.is_admin(self.team, *admin_keys(self.msg))

    @property
    def lang(self) -> str:
        """The team's language for the bot's own wording; Chinese where no team is known."""
        return lang_of(self.team)

    def say(self, zh: str, en: str) -> str:
        return pick(self.lang, zh, en)

    def require_team(self) -> Team:
        if self.team is None:
            raise CoachError("这个频道还没有关联到任何团队。请组长在 coachbot.yaml 的 teams.channels 里加上它。")
        return self.team

    def require_admin(self) -> None:
        if not self.is_admin:
            raise CoachError(self.say("抱歉，这个命令只有组长和管理员可以用。需要的话请联系你的组长。",
                                      "Sorry, only team leads and admins can use this command. "
                                      "Please ask your team lead if you need it."))


Handler = Callable[[Ctx, list[str]], list[Reply] | Reply]


def _reply(msg: Message, private: bool = True) -> list[Reply]:
    return [Reply(msg, private=private)]


# ------------------------------------------------------------------ /script

def cmd_script(ctx: Ctx, args: list[str]) -> list[Reply]:
    lib = ctx.coach.library
    query = " ".join(args).strip()
    if not query:
        return _reply(Message(sections=(Section(script_index_text(list(lib.scripts.values()), lang=ctx.lang)),),
                              kind="script"))
    result = ctx.coach.script_index.lookup(query)
    if result.match:
        return _reply(views.script(result.match, lang=ctx.lang))
    return _reply(views.suggestions(query, list(result.suggestions), lang=ctx.lang))


# ------------------------------------------------------------------ /leaderboard

def cmd_leaderboard(ctx: Ctx, args: list[str]) -> list[Reply]:
    period, scope, team = "week", "team", ctx.team
    for raw in args:
        word = to_simplified(raw).lower()
        if word in PERIODS:
            period = PERIODS[word]
        elif word in EVERYONE:
            scope = "everyone"
        elif (t := ctx.coach.settings.team(raw)) is not None:
            team = t
        else:
            raise CoachError(ctx.say(f"看不懂「{raw}」。用法：{USAGE['leaderboard']}",
                                     f"I don't understand “{raw}”. Usage: {USAGE_EN['leaderboard']}"))
    if scope == "team" and team is None:
        raise CoachError(ctx.say("这个频道还没有关联团队，可以用 /leaderboard week everyone 看全员排行。",
                                 "This channel has no team yet; try /leaderboard week everyone for everyone's ranking."))
    tz = (team or ctx.require_team()).timezone if team else "Asia/Shanghai"
    board = ctx.coach.store.leaderboard(period=period, scope=scope, team_id=team.id if scope == "team" and team else None,
                                        now=ctx.now, tz=tz, top=10, asker=(ctx.msg.platform, ctx.msg.user))
    if ctx.lang == "en":
        names = {"today": "today", "week": "this week", "month": "this month", "all": "all time"}
        where = "Everyone" if scope == "everyone" else (team.name if team else "")
        title = f"{where} | Leaderboard, {names[period]}"
    else:
        names = {"today": "今日", "week": "本周", "month": "本月", "all": "累计"}
        where = "全员" if scope == "everyone" else (team.name if team else "")
        title = f"{where}{names[period]}排行榜"
    return _reply(views.leaderboard(board, title=title, lang=ctx.lang))


# ------------------------------------------------------------------ /coach

def coach_help(ctx: Ctx, args: list[str]) -> list[Reply]:
    if ctx.lang == "en":
        lines = [
            ("Every working day: a short lesson in the morning, then a role-play challenge. Write what you would say "
             "to the customer right in the channel; the bot scores it and gives you feedback privately."),
            "", "Commands:",
            f"  {USAGE_EN['script']}",
            f"  {USAGE_EN['leaderboard']}",
            "  /coach today        today's lesson and challenge",
            "  /coach stats [member]  my points, rank, streak and recent feedback",
            "  /coach skills       the team's weakest skills and most often missed steps (leads)",
            "  /coach post-now lesson|challenge|summary [ID]   post now (leads)",
            "  /coach reveal       reveal today's model answer now (leads)",
            "", "Chinese works too: /话术 爽约, /排行榜 本周, /教练 帮助",
        ]
        return _reply(Message(title="coachbot help", sections=(Section("\n".join(lines)),), kind="help"))
    lines = [
        "每个工作日：上午一节小课，随后一道情景挑战。直接在频道里写下你会对客户说的话，机器人私下给你打分和点评。",
        "", "命令：",
        f"  {USAGE['script']}",
        f"  {USAGE['leaderboard']}",
        "  /coach today        今天的小课和挑战",
        "  /coach stats [成员]  我的积分、排名、连续天数和最近反馈",
        "  /coach skills       团队最弱的技能和最常失分的步骤（组长）",
        "  /coach post-now lesson|challenge|summary [ID]   立即发布（组长）",
        "  /coach reveal       立即公布今天的参考答案（组长）",
        "", "中文也可以：/话术 爽约、/排行榜 本周、/教练 帮助",
    ]
    return _reply(Message(title="coachbot 使用说明", sections=(Section("\n".join(lines)),), kind="help"))


def coach_today(ctx: Ctx, args: list[str]) -> list[Reply]:
    team = ctx.require_team()
    coach, day = ctx.coach, ctx.now.astimezone(team.tz).date()
    out: list[Reply] = []
    for kind in ("lesson", "challenge"):
        post = coach.store.post_for(platform=ctx.msg.platform, channel=ctx.msg.channel, kind=kind, post_date=day)
        if post is None or post.state not in ("posted", "revealed"):
            continue
        if kind == "lesson" and (tip := coach.library.tips.get(post.content_id)):
            out.append(Reply(views.lesson(tip, lang=ctx.lang)))
        elif kind == "challenge" and (ch := coach.library.challenges.get(post.content_id)):
            out.append(Reply(views.challenge(ch, reveal_at=post.reveal_at, tz=team.timezone, reason=None,
                                             answer_button="forms" in coach.chat.capabilities, lang=ctx.lang,
                                             in_thread=team.answers == "thread")))
    return out or _reply(text(ctx.say("今天还没有发布小课或挑战。", "No lesson or challenge has been posted today.")))


def coach_stats(ctx: Ctx, args: list[str]) -> list[Reply]:
    team = ctx.require_team()
    store = ctx.coach.store
    if args:
        who = store.find_member(" ".join(args))
        if who is None:
            raise CoachError(ctx.say(f"没有找到成员「{' '.join(args)}」。", f"No member “{' '.join(args)}” found."))
    else:
        who = store.member(ctx.msg.platform, ctx.msg.user)
        if who is None:
            return _reply(text(ctx.say("你还没有回答过挑战。回答今天的挑战就会有成绩了！",
                                       "You haven't answered a challenge yet. Answer today's to get your first result!")))
    return _reply(views.stats(store.member_stats(who, now=ctx.now, tz=team.timezone), lang=ctx.lang))


def coach_skills(ctx: Ctx, args: list[str]) -> list[Reply]:
    team = ctx.require_team()
    ctx.require_admin()
    ins = ctx.coach.store.team_insight(team.id, period="month", now=ctx.now, tz=team.timezone)
    return _reply(views.insight(ins, team.name, lang=ctx.lang))


def coach_post_now(ctx: Ctx, args: list[str]) -> list[Reply]:
    team = ctx.require_team()
    ctx.require_admin()
    if not args or args[0] not in ("lesson", "challenge", "summary", "小课", "挑战", "小结"):
        raise CoachError(ctx.say("用法：/coach post-now lesson|challenge|summary [ID]",
                                 "Usage: /coach post-now lesson|challenge|summary [ID]"))
    kind = {"小课": "lesson", "挑战": "challenge", "小结": "summary"}.get(args[0], args[0])
    content_id = args[1] if len(args) > 1 else None
    coach = ctx.coach
    if kind == "lesson":
        if content_id and content_id not in coach.library.tips:
            raise CoachError(ctx.say(f"没有 id 为 {content_id} 的小课。", f"There is no lesson with id {content_id}."))
        posted = coach.post_lesson(team, ctx.now, content_id=content_id)
    elif kind == "challenge":
        if content_id and content_id not in coach.library.challenges:
            close = [m[0] for m in process.extract(content_id, list(coach.library.challenges), limit=3)]
            raise CoachError(ctx.say(f"没有 id 为 {content_id} 的挑战。你是不是要找：{'、'.join(close)}",
                                     f"There is no challenge with id {content_id}. Did you mean: {', '.join(close)}"))
        posted = coach.post_challenge(team, ctx.now, content_id=content_id)
    else:
        posted = coach.post_summary(team, ctx.now)
    what = _KIND_EN[kind]
    if posted and not any(p.fresh for p in posted):
        return _reply(text(ctx.say(f"今天的{_KIND_CN[kind]}已经发过了，不会重复发布。",
                                   f"Today's {what} has already gone out; it won't be posted twice.")))
    if not posted:
        return _reply(text(ctx.say(f"{_KIND_CN[kind]}没有发出去，请稍后再试（已记录，会自动重试）。",
                                   f"The {what} didn't go out. Please try again later (it is recorded and will be retried).")))
    return _reply(text(ctx.say(f"已发布{_KIND_CN[kind]}。", f"Posted the {what}.")))


_KIND_CN = {"lesson": "小课", "challenge": "挑战", "summary": "本周小结"}
_KIND_EN = {"lesson": "lesson", "challenge": "challenge", "summary": "weekly summary"}


def coach_reveal(ctx: Ctx, args: list[str]) -> list[Reply]:
    team = ctx.require_team()
    ctx.require_admin()
    day = ctx.now.astimezone(team.tz).date()
    post = ctx.coach.store.post_for(platform=ctx.msg.platform, channel=ctx.msg.channel, kind="challenge", post_date=day)
    if post is None:
        raise CoachError(ctx.say("今天还没有发布挑战。", "No challenge has been posted today."))
    if post.state == "revealed":
        return _reply(text(ctx.say("今天的答案已经公布过了。", "Today's answer has already been revealed.")))
    ctx.coach.reveal(post, ctx.now)
    return _reply(text(ctx.say("已公布参考答案。", "Revealed the model answer.")))


COACH_SUB: dict[str, Handler] = {
    "help": coach_help, "帮助": coach_help,
    "today": coach_today, "今天": coach_today, "今日": coach_today,
    "stats": coach_stats, "我的": coach_stats, "成绩": coach_stats,
    "skills": coach_skills, "技能": coach_skills,
    "post-now": coach_post_now, "发布": coach_post_now,
    "reveal": coach_reveal, "公布": coach_reveal, "揭晓": coach_reveal,
}


def _closest(word: str, table: dict[str, Handler]) -> str | None:
    """The English command word closest to ``word``, if it is close enough to suggest."""
    close = process.extractOne(word, [k for k in table if k.isascii()])
    return close[0] if close and close[1] >= 60 else None


def cmd_coach(ctx: Ctx, args: list[str]) -> list[Reply]:
    if not args:
        return coach_help(ctx, [])
    sub = to_simplified(args[0]).lower()
    handler = COACH_SUB.get(sub)
    if handler is None:
        close = _closest(sub, COACH_SUB)
        if ctx.lang == "en":
            hint = f" Did you mean /coach {close}?" if close else ""
            raise CoachError(f"There is no subcommand “{args[0]}”.{hint}\nUsage: {USAGE_EN['coach']}")
        hint = f"你是不是要用 /coach {close}？" if close else ""
        raise CoachError(f"没有「{args[0]}」这个子命令。{hint}\n用法：{USAGE['coach']}")
    return handler(ctx, args[1:])


COMMANDS: dict[str, Handler] = {
    "script": cmd_script, "话术": cmd_script,
    "leaderboard": cmd_leaderboard, "排行榜": cmd_leaderboard, "排行": cmd_leaderboard,
    "coach": cmd_coach, "教练": cmd_coach, "帮助": coach_help, "help": coach_help,
}


def run_command(coach, msg: Incoming, now: datetime) -> list[Reply]:
    words = msg.text.strip()[1:].split()
    if not words:
        return coach_help(Ctx(coach, msg, now, coach.team_of(msg.channel)), [])
    name = to_simplified(words[0]).lower()
    handler = COMMANDS.get(name)
    ctx = Ctx(coach, msg, now, coach.team_of(msg.channel))
    if handler is None:
        close = _closest(name, COMMANDS)
        if ctx.lang == "en":
            hint = f" Did you mean /{close}?" if close else ""
            raise CoachError(f"There is no /{words[0]} command.{hint} Type /coach help to see every command.")
        hint = f"你是不是要用 /{close}？" if close else ""
        raise CoachError(f"没有 /{words[0]} 这个命令。{hint}输入 /coach help 查看全部命令。")
    result = handler(ctx, words[1:])
    return [result] if isinstance(result, Reply) else result

"""``coachbot.yaml``: teams, channels, schedules, scoring, roles. Validated once at start.

Secrets never live here: they come from environment variables only.
Every problem is reported as ``path:line: field: message``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from coachbot.domain import timespec
from coachbot.domain.errors import ConfigError, Problem, SetupError
from coachbot.domain.reports import SEASONS
from coachbot.domain.teams import (
    ANSWERS,
    DEFAULT_TZ,
    LANGUAGES,
    ReviewRules,
    Schedule,
    Settings,
    Team,
    default_settings,
)
from coachbot.validation.checker import Checker
from coachbot.validation.yamlfile import YamlError, load

PLATFORMS = ("console", "slack", "wecom", "fake")
_DURATION = re.compile(r"^(\d+)\s*(h|m|min|hours?|minutes?)$")


def _dates(c: Checker, key: tuple, *, allow_cn: bool = False) -> tuple[str, ...]:
    """ISO dates; YAML reads an unquoted 2026-10-01 as a date, which is fine too. With ``allow_cn`` the word
    ``cn`` may stand among them (the official calendar plus these days)."""
    out = []
    for i, value in enumerate(c.seq(key, required=False)):
        if isinstance(value, date):
            out.append(date(value.year, value.month, value.day).isoformat())
            continue
        text = c.text(key + (i,))
        if allow_cn and text == "cn":
            out.append("cn")
            continue
        try:
            out.append(date.fromisoformat(text).isoformat())
        except ValueError:
            c.problem(key + (i,), f"{text!r} is not a date like 2026-10-01" + (" (or cn)" if allow_cn else ""))
    return tuple(out)


def _schedule(c: Checker, key: tuple) -> Schedule:
    node = c.get(key)
    if node is None:
        return Schedule()
    if not c.mapping(key):
        return Schedule()
    c.known_fields(key, {"lesson", "challenge", "reveal", "reveal_after", "summary", "days"})
    values: dict = {}
    for name in ("lesson", "challenge", "reveal", "summary"):
        if c.get(key + (name,)) is not None:
            v = c.text(key + (name,))
            if v and (problem := timespec.check(v)):
                c.problem(key + (name,), problem)
            values[name] = v
    if c.get(key + ("days",)) is not None:
        days = " ".join(c.text(key + ("days",)).lower().replace("_", " ").replace("-day", " day").split())
        days = {"everyday": "every day", "daily": "every day", "weekdays": "workdays", "working days": "workdays"}.get(
            days, days)
        if days not in ("workdays", "every day"):
            try:
                timespec.weekdays(days)
            except ValueError as exc:
                c.problem(key + ("days",), f"{exc}; use workdays, every day, or weekdays like mon-sat")
                days = "workdays"
        values["days"] = days
    if (after := c.get(key + ("reveal_after",))) is not None:
        m = _DURATION.match(str(after).strip())
        if not m:
            c.problem(key + ("reveal_after",), f"{after!r} is not a duration like 6h or 90m")
        else:
            n, unit = int(m.group(1)), m.group(2)
            values["reveal_after"] = timedelta(hours=n) if unit.startswith("h") else timedelta(minutes=n)
            values.setdefault("reveal", None)
    return Schedule(**values)


# ---------------------------------------------------------------- WeCom

WECOM_BOT_MODES = ("long-connection", "callback", "none")
WEBHOOK_PREFIX = "webhook:"
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")


@dataclass(frozen=True)
class WeComOptions:
    """The ``wecom:`` section: which WeCom surfaces this deployment uses. Secrets stay in the environment.

    ``bot`` is the AI bot (智能机器人): its long connection (answers, commands and posts, no public URL) or its
    HTTP callback (answers and commands; it cannot message anyone first). ``app`` is the self-built app
    (自建应用): private messages to any member, and a one-to-one chat of its own. Group robot webhooks post
    into groups. ``None`` means "from the environment" (see :func:`wecom_surfaces`).
    """

    bot: str | None = None
    app: bool | None = None
    private: str | None = None          # bot | app: where private feedback goes (default: app when there is one)
    group_ack: bool = True              # "已收到 @小王，反馈已私信" in the group after a group answer
    names: Mapping[str, str] = field(default_factory=dict)      # userid -> display name
    webhooks: Mapping[str, str] = field(default_factory=dict)   # group chat id -> env variable with its robot key


def wecom_surfaces(options: WeComOptions, env: Mapping[str, str]) -> WeComOptions:
    """``options`` with the surfaces it leaves open read from which variables are set."""
    bot = options.bot
    if bot is None:
        bot = "long-connection" if env.get("WECOM_BOT_ID") else "callback" if env.get("WECOM_TOKEN") and \
            not env.get("WECOM_APP_SECRET") else "none"
    app = options.app if options.app is not None else bool(env.get("WECOM_APP_SECRET"))
    private = options.private or ("app" if app else "bot")
    return WeComOptions(bot, app, private, options.group_ack, options.names, options.webhooks)


def wecom_problems(options: WeComOptions, teams: Sequence[Team]) -> list[tuple[tuple, str]]:
    """What a combination of WeCom surfaces cannot do, as (config key, message): it must receive answers,
    send private feedback, and reach every team's groups. ``options`` has its surfaces resolved."""
    out: list[tuple[tuple, str]] = []
    if options.bot == "none" and not options.app:
        out.append((("wecom",), "nothing receives answers or commands: set bot: long-connection or callback "
                                "(智能机器人), or app: true (自建应用)"))
    if options.private == "bot" and options.bot != "long-connection":
        out.append((("wecom", "private"), "private feedback needs a surface that can message a member first: the AI "
                                          "bot's long connection (bot: long-connection) or the self-built app "
                                          "(app: true, WECOM_APP_SECRET and WECOM_AGENT_ID); the AI bot's callback "
                                          "can only answer in the chat a message came from, so a group answer's "
                                          "feedback would be seen by the whole group"))
    if options.private == "app" and not options.app:
        out.append((("wecom", "private"), "private: app needs the self-built app (app: true)"))
    for i, team in enumerate(teams):
        for chat in team.channels.get("wecom", ()):
            if chat.startswith(WEBHOOK_PREFIX):
                continue
            if options.bot != "long-connection" and chat not in options.webhooks:
                out.append((("teams", i, "channels", "wecom"),
                            f"scheduled posts cannot reach group {chat!r}: only the AI bot's long connection can post "
                            f"into a group by itself; use it (bot: long-connection), or give the group a robot "
                            f"webhook (wecom.webhooks: {{{chat}: WECOM_WEBHOOK_…}} or webhook:WECOM_WEBHOOK_…)"))
    return out


def _wecom(c: Checker) -> WeComOptions:
    key: tuple = ("wecom",)
    if c.get(key) is None or not c.mapping(key):
        return WeComOptions()
    c.known_fields(key, {"bot", "app", "private", "group_ack", "names", "webhooks"})
    bot = c.choice(key + ("bot",), WECOM_BOT_MODES) if c.get(key + ("bot",)) is not None else None
    flags: dict[str, bool | None] = {}
    for name in ("app", "group_ack"):
        value = c.get(key + (name,))
        if value is not None and not isinstance(value, bool):
            c.problem(key + (name,), "must be true or false")
        flags[name] = value if isinstance(value, bool) else None
    private = c.choice(key + ("private",), ("bot", "app")) if c.get(key + ("private",)) is not None else None
    maps: dict[str, dict[str, str]] = {}
    for name in ("names", "webhooks"):
        maps[name] = {}
        if c.get(key + (name,)) is not None and c.mapping(key + (name,)):
            for k in c.get(key + (name,)):
                maps[name][str(k)] = c.text(key + (name, k))
    for chat, var in maps["webhooks"].items():
        if var and not _ENV_NAME.match(var):
            c.problem(key + ("webhooks", chat), f"{var!r} must name an environment variable (like "
                                                "WECOM_WEBHOOK_TEAM_A) holding the robot's key, never the key itself")
    return WeComOptions(bot or None, flags["app"], private or None,
                        True if flags["group_ack"] is None else bool(flags["group_ack"]), maps["names"],
                        maps["webhooks"])


def _reviews(c: Checker) -> ReviewRules:
    key: tuple = ("reviews",)
    if c.get(key) is None or not c.mapping(key):
        return ReviewRules()
    c.known_fields(key, {"appeal_days", "near_pass", "uncertain"})
    uncertain = c.get(key + ("uncertain",))
    if uncertain is not None and not isinstance(uncertain, bool):
        c.problem(key + ("uncertain",), "must be true or false")
    return ReviewRules(appeal_days=c.integer(key + ("appeal_days",), lo=0, hi=90, default=3),
                       near_pass=c.integer(key + ("near_pass",), lo=0, hi=50, default=5),
                       uncertain=uncertain if isinstance(uncertain, bool) else True)


def _flag(c: Checker, key: tuple) -> bool:
    value = c.get(key)
    if value is not None and not isinstance(value, bool):
        c.problem(key, "must be true or false")
    return value is True


def _team(c: Checker, i: int, problems: list[Problem]) -> Team | None:
    key = ("teams", i)
    if not c.mapping(key):
        return None
    c.known_fields(key, {"id", "name", "timezone", "channels", "leads", "show_names", "schedule",
                         "holidays", "workdays", "language", "answers", "seasons", "practice_counts"})
    team_id = c.text(key + ("id",))
    tz = c.text(key + ("timezone",), required=False) or DEFAULT_TZ
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        c.problem(key + ("timezone",), f"unknown time zone {tz!r} (e.g. Asia/Shanghai)")
        tz = DEFAULT_TZ
    channels: dict[str, tuple[str, ...]] = {}
    node = c.get(key + ("channels",))
    if isinstance(node, dict):
        for platform in node:
            if platform not in PLATFORMS:
                c.problem(key + ("channels", platform), f"unknown platform; use one of: {', '.join(PLATFORMS)}")
            channels[str(platform)] = c.texts(key + ("channels", platform), ids=True)
            if platform == "wecom":
                for j, chat in enumerate(channels["wecom"]):
                    if chat.startswith(WEBHOOK_PREFIX) and not _ENV_NAME.match(chat[len(WEBHOOK_PREFIX):]):
                        c.problem(key + ("channels", platform, j),
                                  f"{chat!r}: after webhook: comes the name of the environment variable holding "
                                  "the group robot's key (like webhook:WECOM_WEBHOOK_TEAM_A), never the key itself")
    elif node is not None:
        c.problem(key + ("channels",), "must map a platform to a list of channel ids")
    show = c.get(key + ("show_names",))
    if show is not None and not isinstance(show, bool):
        c.problem(key + ("show_names",), "must be true or false")
    holidays_node = c.get(key + ("holidays",))
    holidays: str | tuple[str, ...] = "cn"
    if isinstance(holidays_node, list):
        holidays = _dates(c, key + ("holidays",), allow_cn=True)
    elif holidays_node is not None:
        holidays = c.choice(key + ("holidays",), ("cn", "none"))
    language = c.text(key + ("language",), required=False) or LANGUAGES[0]
    if language not in LANGUAGES:
        c.problem(key + ("language",), f"{language!r} is not one of: {', '.join(LANGUAGES)}")
        language = LANGUAGES[0]
    seasons = c.choice(key + ("seasons",), SEASONS) if c.get(key + ("seasons",)) is not None else "none"
    if seasons not in SEASONS:
        seasons = "none"
    answers = c.choice(key + ("answers",), ANSWERS) if c.get(key + ("answers",)) is not None else ANSWERS[0]
    if answers not in ANSWERS:
        answers = ANSWERS[0]
    return Team(
        id=team_id, name=c.text(key + ("name",), required=False) or team_id, timezone=tz,
        channels=channels, leads=c.texts(key + ("leads",), required=False, ids=True),
        show_names=True if show is None else bool(show), schedule=_schedule(c, key + ("schedule",)),
        holidays=holidays, workdays=_dates(c, key + ("workdays",)), language=language, answers=answers,
        seasons=seasons, practice_counts=_flag(c, key + ("practice_counts",)),
    )


def load_settings(path: str | Path) -> Settings:
    path = Path(path)
    problems: list[Problem] = []
    if not path.is_file():
        raise ConfigError([Problem(str(path), 1, "(file)", "configuration file not found; run `coachbot init` to write one")])
    try:
        loaded = load(path)
    except YamlError as exc:
        raise ConfigError([Problem(str(path), exc.line, "yaml", exc.message)]) from None
    c = Checker(loaded, problems)
    if not isinstance(loaded.data, dict):
        raise ConfigError([Problem(str(path), 1, "(file)", "must be a mapping")])
    c.known_fields((), {"teams", "admins", "scoring", "content_dirs", "database", "grace_minutes", "retention_days",
                        "wecom", "reviews"})
    teams = [t for i, _ in enumerate(c.seq(("teams",), min_len=1)) if (t := _team(c, i, problems))]
    seen: set[str] = set()
    for i, t in enumerate(teams):
        if t.id in seen:
            c.problem(("teams", i, "id"), f"duplicate team id {t.id!r}")
        seen.add(t.id)
    owners: dict[tuple[str, str], str] = {}
    for i, t in enumerate(teams):
        for platform, chans in t.channels.items():
            for ch in chans:
                if (platform, ch) in owners:
                    c.problem(("teams", i, "channels", platform), f"channel {ch!r} already belongs to team {owners[(platform, ch)]!r}")
                owners[(platform, ch)] = t.id
    policy = "first"
    if c.get(("scoring",)) is not None and c.mapping(("scoring",)):
        c.known_fields(("scoring",), {"policy", "best_of"})
        if c.get(("scoring", "best_of")) is not None:
            policy = f"best_of:{c.integer(('scoring', 'best_of'), lo=1, hi=20)}"
        else:
            raw = c.text(("scoring", "policy"), required=False) or "first"
            if raw != "first" and not re.match(r"^best_of:\d+$", raw):
                c.problem(("scoring", "policy"), f"{raw!r} must be 'first' or best_of: N")
            policy = raw
    base = path.parent
    content_dirs = tuple(str((base / d).resolve()) for d in c.texts(("content_dirs",), required=False))
    for i, d in enumerate(content_dirs):
        if not Path(d).is_dir():
            c.problem(("content_dirs", i), f"folder {d} does not exist")
    database = c.text(("database",), required=False) or "coachbot.db"
    grace = timedelta(minutes=c.integer(("grace_minutes",), lo=0, hi=24 * 60, default=120))
    retention = c.integer(("retention_days",), lo=1, hi=3650, default=0) if c.get(("retention_days",)) is not None \
        else None
    wecom = _wecom(c)
    reviews = _reviews(c)
    if wecom.bot is not None or wecom.app is not None:   # declared: check the combination now (else at start)
        declared = WeComOptions(wecom.bot or "none", bool(wecom.app), wecom.private or ("app" if wecom.app else "bot"),
                                wecom.group_ack, wecom.names, wecom.webhooks)
        for where, message in wecom_problems(declared, teams):
            c.problem(where, message)
    if problems:
        raise ConfigError(sorted(problems))
    return Settings(
        teams=tuple(teams), admins=c.texts(("admins",), required=False, ids=True), policy=policy,
        content_dirs=content_dirs, database=str(base / database) if not Path(database).is_absolute() else database,
        grace=grace, path=path, retention_days=retention, platforms={"wecom": wecom}, reviews=reviews,
    )


# Every environment variable coachbot reads, in one table (README and a test check it).
ENV_VARS = {
    "COACHBOT_CONFIG": "coachbot.yaml to use when --config is not given",
    "COACHBOT_DB": "SQLite file when --db is not given (overrides the config's database)",
    "COACHBOT_TZ": "time zone for reports that name no team (default Asia/Shanghai)",
    "COACHBOT_LOG_LEVEL": "INFO (default), WARNING or DEBUG",
    "COACHBOT_INBOX_THREADS": "threads handling inbound messages (default 2: grading is CPU work)",
    "COACHBOT_OUTBOX_THREADS": "threads delivering messages (default 8: deliveries mostly wait on the platform)",
    "SLACK_BOT_TOKEN": "Slack bot token, xoxb-…",
    "SLACK_APP_TOKEN": "Slack app-level token, xapp-… (Socket Mode)",
    "SLACK_SIGNING_SECRET": "Slack signing secret (HTTP mode)",
    "SLACK_API_URL": "Slack Web API base URL (GovSlack, a proxy, tests)",
    "WECOM_BOT_ID": "WeCom AI bot (智能机器人) Bot ID: its long connection",
    "WECOM_BOT_SECRET": "WeCom AI bot Secret (long connection)",
    "WECOM_TOKEN": "WeCom callback Token (the AI bot's HTTP callback at /wecom/aibot)",
    "WECOM_AES_KEY": "WeCom callback EncodingAESKey, 43 characters (with WECOM_TOKEN)",
    "WECOM_CORP_ID": "WeCom corp id (企业ID), for the self-built app",
    "WECOM_APP_SECRET": "WeCom self-built app (自建应用) Secret",
    "WECOM_AGENT_ID": "WeCom self-built app AgentId",
    "WECOM_APP_TOKEN": "Token of the self-built app's callback at /wecom/callback (default WECOM_TOKEN)",
    "WECOM_APP_AES_KEY": "EncodingAESKey of the self-built app's callback (default WECOM_AES_KEY)",
    "WECOM_API_URL": "WeCom API base URL (default https://qyapi.weixin.qq.com/cgi-bin/; private deployments, tests)",
    "WECOM_WS_URL": "WeCom long-connection URL (default wss://openws.work.weixin.qq.com)",
    "WECOM_WEBHOOK_…": "a group robot's webhook key, under the name coachbot.yaml gives it (webhook:WECOM_WEBHOOK_A)",
}


@dataclass(frozen=True)
class Env:
    """The environment, read once: coachbot's own variables and the platforms' secrets.

    Secrets never live in ``coachbot.yaml``; adapters take theirs from ``platform``.
    """

    config: str | None = None
    db: str | None = None
    tz: str = DEFAULT_TZ
    log_level: str = "INFO"
    inbox_threads: int = 2
    outbox_threads: int = 8
    platform: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, environ: Mapping[str, str] | None = None) -> Env:
        environ = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            return (environ.get(name) or "").strip() or None

        return cls(
            config=get("COACHBOT_CONFIG"), db=get("COACHBOT_DB"), tz=get("COACHBOT_TZ") or DEFAULT_TZ,
            log_level=get("COACHBOT_LOG_LEVEL") or "INFO",
            inbox_threads=_count(get("COACHBOT_INBOX_THREADS"), 2, "COACHBOT_INBOX_THREADS"),
            outbox_threads=_count(get("COACHBOT_OUTBOX_THREADS"), 8, "COACHBOT_OUTBOX_THREADS"),
            platform={k: v for k, v in environ.items() if k.startswith(PLATFORM_PREFIXES)},
        )


PLATFORM_PREFIXES = ("SLACK_", "WECOM_")


def _count(value: str | None, default: int, name: str) -> int:
    if value is None:
        return default
    if not value.isdigit() or not 1 <= int(value) <= 64:
        raise SetupError(f"{name} must be a whole number from 1 to 64, got {value!r}")
    return int(value)


def settings_from_env(config: str | None, database: str | None = None, *, env: Env | None = None) -> Settings:
    """``--config`` or ``COACHBOT_CONFIG`` (else the embedded demo default); ``--db`` or ``COACHBOT_DB`` overrides
    the database. The same rule for every command."""
    env = env or Env.read()
    path = config or env.config
    database = database or env.db
    if not path:
        return default_settings(database)
    settings = load_settings(path)
    if database:
        settings = Settings(**{**settings.__dict__, "database": database})
    return settings


STARTER = """\
# coachbot configuration. Secrets (tokens, signing secrets, keys) come from environment
# variables only: SLACK_BOT_TOKEN, SLACK_APP_TOKEN or SLACK_SIGNING_SECRET for Slack;
# WECOM_BOT_ID + WECOM_BOT_SECRET (AI bot), WECOM_CORP_ID + WECOM_APP_SECRET + WECOM_AGENT_ID
# (self-built app), webhook keys in the variables named below, for WeCom (企业微信).
database: coachbot.db          # SQLite file; --db overrides
# content_dirs: [./our-content] # extra tips/, playbook/, challenges/; same id overrides built-in
admins: []                     # user ids or names allowed to run admin commands in every team
scoring:
  policy: first                # first reply counts; or use `best_of: 3`
grace_minutes: 120             # a post missed by less than this goes out on start
reviews:
  appeal_days: 3               # an agent may appeal a grade (/coach appeal) this many days after answering
  near_pass: 5                 # a score this close to the pass mark goes to the leads' review queue
  uncertain: true              # also queue suspicions of the learned signal alone and replies that timed out

teams:
  - id: team-a
    name: 电催一组
    timezone: Asia/Shanghai
    language: zh               # the bot's own wording: zh (default) or en; lessons and scripts stay Chinese
    answers: channel           # channel (default): any message on a challenge day is an answer; thread: only thread replies
    seasons: month             # leaderboards by season (/leaderboard season): month, quarter or none
    practice_counts: false     # true: spaced-practice answers count toward the team's leaderboard too
    leads: [U0LEAD]            # team leads: post-now, reveal, team insight
    show_names: true           # show names in the reveal's best replies (false = anonymised)
    channels:
      slack: [C0123456789]
      # wecom: [wrOgQhDgAAxxxx]            # WeCom group chat ids (the bot's hint in a group shows it),
      # wecom: ["webhook:WECOM_WEBHOOK_A"] # and/or groups reached by a robot whose key is in $WECOM_WEBHOOK_A
    schedule:
      lesson: "09:00"          # HH:MM, or a cron expression like "0 9 * * mon-fri"
      challenge: "10:00"
      reveal: "16:00"          # or reveal_after: 6h
      summary: "fri 17:30"
    holidays: cn               # cn (mainland statutory holidays + 调休), none, or a list of dates

# wecom:                       # WeCom (企业微信); without this section the surfaces follow the variables set
#   bot: long-connection       # the AI bot (智能机器人): long-connection | callback | none
#   app: false                 # the self-built app (自建应用): private messages to any member
#   private: bot               # where private feedback goes: bot | app
#   group_ack: true            # "已收到 @小王，反馈已私信" in the group after an answer there
#   names: {zhangsan: 张三}     # display names where WeCom does not give them
#   webhooks: {wrOgQhDgAAxxxx: WECOM_WEBHOOK_A}   # a group's robot, for posts when the bot cannot post
"""

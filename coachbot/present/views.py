"""Build the platform-neutral messages the coach sends. No I/O here; wording comes from :mod:`.strings`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from coachbot.content.models import Challenge, Script, Tip
from coachbot.domain.reports import Leaderboard, MemberStats, TeamInsight, TeamStanding
from coachbot.domain.text import bounded
from coachbot.grading.gaming import MIN_CHARS
from coachbot.grading.grader import (
    VERDICT_CRITICAL,
    VERDICT_KEYWORDS,
    VERDICT_TIMEOUT,
    VERDICT_TOO_SHORT,
    VERDICT_VIOLATION,
    Grade,
)
from coachbot.grading.rx import BUDGET_SECONDS
from coachbot.present.messages import Button, Message, Section
from coachbot.present.plain import script_index_text, script_text
from coachbot.present.strings import Strings, strings

QUOTE_LIMIT = 80   # characters of a member's own words quoted back in feedback


def skill(tag: str | None, lang: str = "zh") -> str:
    return strings(lang).skills.get(tag or "", tag or "")


def reason_label(reason: str, lang: str = "zh") -> str:
    return strings(lang).reasons.get(reason, reason)


def category_label(category: str, lang: str = "zh") -> str:
    return strings(lang).categories.get(category, category)


def summary_headings(lang: str = "zh") -> tuple[str, ...]:
    """The insight sections a weekly summary carries."""
    s = strings(lang)
    return (s.missed_heading, s.weakest_heading, s.participation_heading)


def _join(s: Strings, items: Iterable[str]) -> str:
    return s.list_sep.join(items)


def local_hm(at: datetime | None, tz: str) -> str:
    return at.astimezone(ZoneInfo(tz)).strftime("%H:%M") if at else "--:--"


def lesson(tip: Tip, *, lang: str = "zh") -> Message:
    s = strings(lang)
    return Message(
        title=s.lesson_title.format(title=tip.title),
        sections=(Section(tip.body.strip()), Section(tip.try_today, heading=s.try_today),
                  *((Section(tip.basis, heading=s.basis),) if tip.basis else ())),
        footer=s.tags + _join(s, (skill(t, lang) for t in tip.tags)),
        kind="lesson", meta={"content_id": tip.id},
    )


def challenge(ch: Challenge, *, reveal_at: datetime | None, tz: str, reason: str | None,
              answer_button: bool = True, lang: str = "zh", in_thread: bool = False,
              posted_as: str | None = None) -> Message:
    """The challenge card. ``posted_as``: the message id of the post this card shows again (e.g. privately
    in ``/coach today``), so its answer button still answers that post."""
    s = strings(lang)
    where = s.answer_in_thread if in_thread else s.answer_in_channel
    sections = [
        Section(ch.situation.strip(), heading=s.situation),
        Section(ch.customer_says.strip(), heading=s.customer_says, quote=True),
        Section(s.answer_prompt.format(where=where, hm=local_hm(reveal_at, tz)), heading=s.how_to_answer),
    ]
    if reason:
        sections.append(Section(reason, heading=s.why_this_one))
    stars = "★" * ch.difficulty + "☆" * (3 - ch.difficulty)
    return Message(
        title=s.challenge_title.format(title=ch.title), sections=tuple(sections),
        buttons=(Button(s.answer_button, "answer", f"{ch.id}@{posted_as}" if posted_as else ch.id),)
        if answer_button else (),
        footer=s.difficulty.format(stars=stars) + _join(s, (skill(t, lang) for t in ch.tags)),
        kind="challenge", meta={"content_id": ch.id},
    )


def weak_skill_reason(weak: str, lang: str = "zh") -> str:
    return strings(lang).weak_skill_reason.format(skill=skill(weak, lang))


def grade_notes(grade: Grade, lang: str = "zh") -> tuple[str, ...]:
    """The grader's verdict notes: its own Chinese notes, or the team language's built from the verdict."""
    s = strings(lang)
    if grade.verdict == VERDICT_TIMEOUT:
        return (s.note_timeout.format(seconds=f"{BUDGET_SECONDS:g}"),)
    if lang != "en":
        return grade.notes
    if grade.verdict == VERDICT_VIOLATION:
        items = "; ".join(s.note_violation_item.format(evidence=f.evidence, label=f.label) for f in grade.findings)
        return (s.note_violation.format(items=items),)
    if grade.verdict == VERDICT_TOO_SHORT:
        return (s.note_too_short.format(min_chars=MIN_CHARS),)
    if grade.verdict == VERDICT_KEYWORDS:
        return (s.note_keywords,)
    if grade.verdict == VERDICT_CRITICAL:
        missed = ", ".join(c.label for c in grade.criteria if c.critical and not c.met)
        return (s.note_critical.format(missed=missed),)
    return ()


def privacy_notice(kinds: Iterable[str], *, lang: str = "zh") -> str:
    """Why personal data in a reply was hidden (个人信息保护法: minimum necessary)."""
    s = strings(lang)
    return s.privacy_notice.format(kinds=_join(s, (s.personal_data.get(k, k) for k in kinds)))


def review_reasons(reasons: Iterable[str], lang: str = "zh") -> str:
    """Why the grader sent a reply to the review queue, in words (``suspect:threat`` → 疑似威胁恐吓……)."""
    s = strings(lang)
    out = []
    for r in reasons:
        kind, _, category = r.partition(":")
        template = s.review_reasons.get(kind)
        out.append(template.format(category=category_label(category, lang) if category else "") if template else r)
    return _join(s, out)


def feedback(grade: Grade, *, reason: str, points: int, attempt: int, privacy_note: str | None = None,
             lang: str = "zh", queued: Iterable[str] = (), appeal_days: int = 0,
             appeal_button: str | None = None) -> Message:
    """The member's private feedback. ``queued``: why the grader sent it to the leads; ``appeal_days``: how long
    it may be appealed (0: not at all); ``appeal_button``: the command an appeal button runs, where buttons exist."""
    s = strings(lang)
    head = s.score_head.format(score=grade.score, verdict=s.passed if grade.passed else s.not_passed)
    head += reason_label(reason, lang)
    if reason == "counted":
        head += s.earned.format(points=points)
    elif grade.verdict == VERDICT_TOO_SHORT and reason == "practice":
        head += s.still_open
    elif grade.verdict == VERDICT_TIMEOUT and reason == "practice":
        head += s.not_judged
    elif attempt > 1:
        head += s.attempt.format(attempt=attempt)
    if lang == "en" and not head.endswith("."):
        head += "."
    sections = [Section(head)]
    sections.extend(Section(n) for n in grade_notes(grade, lang))
    if grade.violations:
        sections.append(Section("\n".join(
            s.violation_line.format(label=f.label, evidence=bounded(f.evidence, QUOTE_LIMIT), rule=f.rule)
            for f in grade.findings),
            heading=s.compliance_issues))
    lines = [s.met_line.format(label=c.label, points=c.points, max_points=c.max_points,
                               evidence=bounded(c.evidence or "", QUOTE_LIMIT))
             if c.met else s.missed_line.format(label=c.label, max_points=c.max_points, feedback=c.feedback)
             for c in grade.criteria]
    sections.append(Section("\n".join(lines), heading=s.step_by_step))
    if grade.hint and not grade.violations:
        sections.append(Section(grade.hint, heading=s.next_time))
    if privacy_note:
        sections.append(Section(privacy_note, heading=s.privacy_reminder))
    queued = tuple(queued)
    if queued:
        sections.append(Section(s.queued_for_review.format(why=review_reasons(queued, lang))))
    elif appeal_days:
        sections.append(Section(s.appeal_hint.format(days=appeal_days)))
    buttons = (Button(s.appeal_button, "command", appeal_button),) if appeal_button and appeal_days else ()
    return Message(title=s.feedback_title, sections=tuple(sections), kind="feedback", buttons=buttons,
                   meta={"score": grade.score, "passed": grade.passed})


def reveal(ch: Challenge, best: list[tuple[str, int, str]], *, answered: int = 0, top: int | None = None,
           lang: str = "zh") -> Message:
    """The model answer and the best passing replies; when nobody passed, what did happen."""
    s = strings(lang)
    sections = [Section(ch.model_answer.strip(), heading=s.model_answer)]
    if best:
        sections.append(Section("\n".join(s.best_line.format(name=name, score=score, text=text)
                                          for name, score, text in best), heading=s.best_replies))
    elif answered:
        sections.append(Section(s.nobody_passed.format(answered=answered, top=top or 0)))
    else:
        sections.append(Section(s.nobody_answered))
    return Message(title=s.reveal_title.format(title=ch.title), sections=tuple(sections), kind="reveal",
                   meta={"content_id": ch.id})


def anonymous(index: int, lang: str = "zh") -> str:
    """What the reveal calls the ``index``-th best reply's author when names are hidden."""
    return strings(lang).anonymous.format(letter="ABCDEFGHIJ"[index])


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{round(value * 100)}%"


def leaderboard_title(team_name: str | None, period: str, *, everyone: bool, lang: str = "zh",
                      season: str | None = None) -> str:
    s = strings(lang)
    name = s.season_period.format(season=season) if season else s.periods[period]
    return s.board_title_everyone.format(period=name) if everyone else s.board_title_team.format(
        team=team_name or "", period=name)


def leaderboard(board: Leaderboard, *, title: str, lang: str = "zh") -> Message:
    s = strings(lang)
    if not board.rows:
        return Message(title=title, sections=(Section(s.board_empty),), kind="leaderboard")
    lines = [s.board_row.format(rank=r.rank, name=r.member.name or s.forgotten_member, points=r.points, answers=r.answers,
                                rate=_rate(r.pass_rate), streak=r.streak) for r in board.rows]
    if board.asker_row:
        r = board.asker_row
        lines += ["…", s.board_you.format(rank=r.rank, name=r.member.name or s.forgotten_member, points=r.points, answers=r.answers,
                                           streak=r.streak)]
    return Message(title=title, sections=(Section("\n".join(lines)),), kind="leaderboard")


def team_board_title(period: str, season: str | None, *, lang: str = "zh") -> str:
    s = strings(lang)
    return s.teams_board_title.format(period=s.season_period.format(season=season) if season else s.periods[period])


def team_board(rows: Iterable[TeamStanding], names: dict[str, str], *, title: str, lang: str = "zh") -> Message:
    """Teams side by side: points per agent (those who did not answer count as 0), participation, pass rate."""
    s = strings(lang)
    lines = [s.teams_board_row.format(rank=r.rank, team=names.get(r.team_id, r.team_id), per_agent=round(r.per_agent),
                                      participants=r.participants, agents=r.agents, rate=_rate(r.pass_rate),
                                      points=r.points) for r in rows]
    return Message(title=title, sections=(Section("\n".join(lines) or s.board_empty), Section(s.teams_board_note)),
                   kind="leaderboard")


def stats(st: MemberStats, *, lang: str = "zh") -> Message:
    s = strings(lang)
    head = s.stats_head.format(week=st.points_week, rank=st.team_rank, members=st.team_members, total=st.points_all,
                               answers=st.answers, rate=_rate(st.pass_rate), streak=st.streak)
    sections = [Section(head)]
    if st.skills:
        sections.append(Section("\n".join(
            s.stats_skill.format(skill=skill(k.skill, lang), average=round(k.average), answers=k.answers)
            for k in st.skills), heading=s.skills_heading))
    if st.recent:
        sections.append(Section("\n".join(
            s.stats_recent.format(day=f"{r.post_date:%m-%d}", content=r.content_id, score=r.score,
                                  passed=s.stats_recent_passed if r.passed else "", reason=reason_label(r.reason, lang))
            for r in st.recent), heading=s.recent_heading))
    return Message(title=s.stats_title.format(name=st.member.name), sections=tuple(sections), kind="stats")


def insight(ins: TeamInsight, team_name: str, *, lang: str = "zh") -> Message:
    s = strings(lang)
    sections = []
    if ins.skills:
        sections.append(Section("\n".join(
            s.insight_skill.format(skill=skill(k.skill, lang), average=round(k.average), answers=k.answers)
            for k in ins.skills[:5]), heading=s.weakest_heading))
    if ins.missed_criteria:
        sections.append(Section("\n".join(
            s.insight_missed.format(label=m.label, misses=m.misses, graded=m.graded, rate=_rate(m.miss_rate))
            for m in ins.missed_criteria[:5]), heading=s.missed_heading))
    if ins.violations_by_category:
        lines = [s.insight_category.format(label=category_label(c, lang), count=n) for c, n in ins.violations_by_category]
        lines += [s.insight_agent.format(name=m.name, count=n) for m, n in ins.violations_by_agent[:5]]
        sections.append(Section("\n".join(lines), heading=s.compliance_issues))
    sections.append(Section(s.participation.format(rate=_rate(ins.participation), participants=ins.participants,
                                                   agents=ins.agents, answers=ins.answers),
                            heading=s.participation_heading))
    return Message(title=s.insight_title.format(team=team_name), sections=tuple(sections), kind="stats")


def script(sc: Script, *, lang: str = "zh", also: Iterable[Script] = ()) -> Message:
    """A script card; ``also``: scripts a lookup found nearly as likely, named in the footer."""
    close = "、".join(f"/script {a.id}（{a.title}）" for a in also)
    return Message(title=None, sections=(Section(script_text(sc)),),
                   buttons=(Button(strings(lang).share, "share", sc.id),), kind="script",
                   footer=strings(lang).also_scripts.format(scripts=close) if close else None,
                   meta={"content_id": sc.id})


def challenge_list(challenges: Iterable[Challenge], *, lang: str = "zh") -> Message:
    """Every challenge a lead can post: id, title, difficulty and skills."""
    s = strings(lang)
    rows = [f"{ch.id}  {ch.title}  {'★' * ch.difficulty}{'☆' * (3 - ch.difficulty)}  "
            + _join(s, (skill(t, lang) for t in ch.tags)) for ch in sorted(challenges, key=lambda c: c.id)]
    return Message(title=s.challenge_list_title.format(count=len(rows)), kind="info",
                   sections=(Section("\n".join(rows)), Section(s.challenge_list_hint)))


def when_line(sc: Script) -> str:
    """The first clause of a script's when-to-use line: what tells it apart from a neighbour."""
    return re.split(r"[；;]", sc.when, maxsplit=1)[0].rstrip("。.")


def suggestions(query: str, found: list[Script], *, lang: str = "zh", close: bool = False,
                library: Iterable[Script] = ()) -> Message:
    """Scripts a lookup found without a confident match, each with when to use it; ``close`` when two or
    three are about as likely (a colleague would ask which). Nothing found: what was searched, and the index."""
    s = strings(lang)
    if not found:
        scripts = list(library)
        sections = [Section(s.no_script.format(query=query, count=len(scripts)))]
        if scripts:
            sections.append(Section(script_index_text(scripts, lang=lang)))
        return Message(sections=tuple(sections), kind="script")
    heading = s.close_scripts if close else s.did_you_mean_script
    rows = "\n".join(f"/script {sc.id}  {sc.title}\n    {s.script_when}{when_line(sc)}" for sc in found)
    return Message(
        sections=(Section(heading.format(query=query)), Section(rows)),
        buttons=tuple(Button(sc.title, "script", sc.id) for sc in found), kind="script",
    )


def unconfigured_hint(channel: str, platform: str) -> Message:
    """A channel no team owns: no team language is known, so the hint is in both languages."""
    zh, en = strings("zh"), strings("en")
    return Message(title=zh.unconfigured_title, kind="info", sections=(
        Section(zh.unconfigured.format(channel=channel, platform=platform)),
        Section(en.unconfigured.format(channel=channel, platform=platform)),
    ))


def shared_copy(msg: Message, by: str, *, lang: str = "zh") -> Message:
    """What sharing a private lookup posts in the channel: no share button, and who shared it."""
    footer = f"{msg.footer}\n" if msg.footer else ""
    return replace(msg, buttons=tuple(b for b in msg.buttons if b.action != "share"),
                   footer=footer + strings(lang).shared_by.format(by=by))

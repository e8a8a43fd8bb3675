"""Build the platform-neutral messages the coach sends. No I/O here."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from coachbot.content.models import Challenge, Script, Tip
from coachbot.grading.gaming import MIN_CHARS
from coachbot.grading.grader import (
    VERDICT_CRITICAL,
    VERDICT_KEYWORDS,
    VERDICT_TOO_SHORT,
    VERDICT_VIOLATION,
    Grade,
)
from coachbot.present.i18n import pick
from coachbot.domain.reports import Leaderboard, MemberStats, TeamInsight
from coachbot.present.messages import Button, Message, Section
from coachbot.present.plain import script_text

SKILL_LABELS = {
    "principles": "基本原则", "listening": "倾听确认", "expression": "清晰表达", "emotion": "情绪管理",
    "customer-types": "客户类型", "stages": "逾期阶段", "hard-cases": "疑难场景", "compliance": "合规底线",
    "negotiation": "协商谈判", "psychology": "心理洞察", "self-care": "自我调适", "workflow": "工作流程",
}
CATEGORY_LABELS = {
    "threat": "威胁恐吓", "insult": "辱骂贬损", "impersonation": "冒充机构", "third-party-disclosure": "向第三方透露",
    "false-consequence": "虚假/夸大后果", "harassment": "骚扰", "debt-inducement": "诱导借贷",
}
REASON_LABELS = {
    "counted": "计入积分", "practice": "练习（不计分）", "after_reveal": "答案已公布，本次只给反馈，不计分",
    "violation": "有合规问题，本题记 0 分",
}

SKILL_LABELS_EN = {
    "principles": "Principles", "listening": "Listening", "expression": "Clear expression", "emotion": "Emotions",
    "customer-types": "Customer types", "stages": "Overdue stages", "hard-cases": "Hard cases",
    "compliance": "Compliance", "negotiation": "Negotiation", "psychology": "Psychology", "self-care": "Self-care",
    "workflow": "Workflow",
}
CATEGORY_LABELS_EN = {
    "threat": "Threats", "insult": "Insults", "impersonation": "Impersonation",
    "third-party-disclosure": "Disclosure to third parties", "false-consequence": "False or exaggerated consequences",
    "harassment": "Harassment", "debt-inducement": "Pushing new borrowing",
}
REASON_LABELS_EN = {
    "counted": "Counts for points", "practice": "Practice (not scored)",
    "after_reveal": "The answer is already out: feedback only, no points",
    "violation": "Compliance problem: this challenge scores 0",
}
# the insight sections a weekly summary carries
SUMMARY_HEADINGS = {
    "zh": ("最常失分的步骤", "最弱的技能（从低到高）", "参与"),
    "en": ("Most often missed steps", "Weakest skills (lowest first)", "Participation"),
}


def skill(tag: str, lang: str = "zh") -> str:
    return (SKILL_LABELS_EN if lang == "en" else SKILL_LABELS).get(tag, tag)


def reason_label(reason: str, lang: str = "zh") -> str:
    return (REASON_LABELS_EN if lang == "en" else REASON_LABELS).get(reason, reason)


def _join(items, lang: str) -> str:
    return pick(lang, "、", ", ").join(items)


def local_hm(at: datetime | None, tz: str) -> str:
    return at.astimezone(ZoneInfo(tz)).strftime("%H:%M") if at else "--:--"


def lesson(tip: Tip, *, lang: str = "zh") -> Message:
    return Message(
        title=pick(lang, f"今日一课｜{tip.title}", f"Today's lesson | {tip.title}"),
        sections=(Section(tip.body.strip()), Section(tip.try_today, heading=pick(lang, "今天试试", "Try it today"))),
        footer=pick(lang, "标签：", "Tags: ") + _join((skill(t, lang) for t in tip.tags), lang),
        kind="lesson", meta={"content_id": tip.id},
    )


def challenge(ch: Challenge, *, reveal_at: datetime | None, tz: str, reason: str | None,
              answer_button: bool = True, lang: str = "zh", in_thread: bool = False) -> Message:
    hm = local_hm(reveal_at, tz)
    where = (pick(lang, "在本帖的回复（thread）里写下你的回答，频道里的其他消息不算作答。",
                  "Write your answer as a reply to this post (in its thread); other channel messages are not answers.")
             if in_thread else
             pick(lang, "直接在频道里（或在本帖的回复里）写下你的回答。",
                  "Write your answer right in the channel (or as a reply to this post)."))
    sections = [
        Section(ch.situation.strip(), heading=pick(lang, "情境", "Situation")),
        Section(ch.customer_says.strip(), heading=pick(lang, "客户说", "The customer says"), quote=True),
        Section(pick(lang, f"你接下来会怎么说？{where}{hm} 公布参考答案，公布前的第一次回答计分。",
                     f"What would you say next? {where} "
                     f"The model answer comes out at {hm}; your first answer before then counts."),
                heading=pick(lang, "怎么答", "How to answer")),
    ]
    if reason:
        sections.append(Section(reason, heading=pick(lang, "为什么是这题", "Why this one")))
    stars = "★" * ch.difficulty + "☆" * (3 - ch.difficulty)
    return Message(
        title=pick(lang, f"今日挑战｜{ch.title}", f"Today's challenge | {ch.title}"), sections=tuple(sections),
        buttons=(Button("回答 / Answer", "answer", ch.id),) if answer_button else (),
        footer=pick(lang, f"难度 {stars}　技能：", f"Difficulty {stars}  Skills: ") + _join((skill(t, lang) for t in ch.tags), lang),
        kind="challenge", meta={"content_id": ch.id},
    )


def grade_notes(grade: Grade, lang: str = "zh") -> tuple[str, ...]:
    """The grader's verdict notes: its own Chinese notes, or English ones built from the verdict."""
    if lang != "en":
        return grade.notes
    if grade.verdict == VERDICT_VIOLATION:
        return ("Compliance problem: this reply scores 0 and cannot pass: "
                + "; ".join(f"“{v.evidence}” ({v.label})" for v in grade.violations),)
    if grade.verdict == VERDICT_TOO_SHORT:
        return ((f"Your reply is too short (under {MIN_CHARS} characters). "
                 "Write out everything you would actually say to the customer on the call."),)
    if grade.verdict == VERDICT_KEYWORDS:
        return (("This reads like a list of keywords, not something you would say to a customer. "
                 "Answer in full sentences, as you would on the phone."),)
    if grade.verdict == VERDICT_CRITICAL:
        missed = [c.label for c in grade.criteria if c.critical and not c.met]
        return ("A key step is missing: " + ", ".join(missed) + ". Without it the reply cannot pass.",)
    return ()


def feedback(grade: Grade, *, reason: str, points: int, attempt: int, privacy_note: str | None = None,
             lang: str = "zh") -> Message:
    verdict = pick(lang, "通过 ✅" if grade.passed else "未通过", "passed ✅" if grade.passed else "not passed")
    head = pick(lang, f"得分 {grade.score}/100，{verdict}。", f"Score {grade.score}/100, {verdict}. ") + reason_label(reason, lang)
    if reason == "counted":
        head += pick(lang, f"，获得 {points} 分。", f": you earn {points} points.")
    elif attempt > 1:
        head += pick(lang, f"（第 {attempt} 次回答）", f" (attempt {attempt})")
    if lang == "en" and not head.endswith("."):
        head += "."
    sections = [Section(head)]
    sections.extend(Section(n) for n in grade_notes(grade, lang))
    if grade.violations:
        sections.append(Section("\n".join(
            pick(lang, f"⚠ {v.label}：「{v.evidence}」——违反{v.rule}", f"⚠ {v.label}: “{v.evidence}” — breaks {v.rule}")
            for v in grade.violations), heading=pick(lang, "合规问题", "Compliance issues")))
    lines = []
    for c in grade.criteria:
        if c.met:
            lines.append(pick(lang, f"✓ {c.label}（{c.points}/{c.max_points}）命中：{c.evidence}",
                              f"✓ {c.label} ({c.points}/{c.max_points}) found: {c.evidence}"))
        else:
            lines.append(pick(lang, f"✗ {c.label}（0/{c.max_points}）{c.feedback}",
                              f"✗ {c.label} (0/{c.max_points}) {c.feedback}"))
    sections.append(Section("\n".join(lines), heading=pick(lang, "逐项点评", "Step by step")))
    if grade.hint and not grade.violations:
        sections.append(Section(grade.hint, heading=pick(lang, "下次试试", "Next time, try")))
    if privacy_note:
        sections.append(Section(privacy_note, heading=pick(lang, "隐私提醒", "Privacy reminder")))
    return Message(title=pick(lang, "你的挑战反馈（仅你可见）", "Your challenge feedback (only you can see this)"),
                   sections=tuple(sections), kind="feedback",
                   meta={"score": grade.score, "passed": grade.passed})


def reveal(ch: Challenge, best: list[tuple[str, int, str]], *, lang: str = "zh") -> Message:
    sections = [Section(ch.model_answer.strip(), heading=pick(lang, "参考答案", "Model answer"))]
    if best:
        sections.append(Section("\n".join(pick(lang, f"{name}（{score} 分）：{text}", f"{name} ({score} points): {text}")
                                          for name, score, text in best),
                                heading=pick(lang, "今日最佳回答", "Today's best replies")))
    else:
        sections.append(Section(pick(lang, "今天还没有人作答，明天见！", "Nobody answered today. See you tomorrow!")))
    return Message(title=pick(lang, f"答案揭晓｜{ch.title}", f"Answer revealed | {ch.title}"), sections=tuple(sections),
                   kind="reveal",
                   meta={"content_id": ch.id})


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{round(value * 100)}%"


def leaderboard(board: Leaderboard, *, title: str, lang: str = "zh") -> Message:
    if not board.rows:
        return Message(title=title, sections=(Section(pick(
            lang, "这个时间段还没有人得分。回答今天的挑战就能上榜！",
            "Nobody has scored in this period yet. Answer today's challenge to get on the board!")),), kind="leaderboard")
    lines = [pick(lang,
                  f"{r.rank:>2}. {r.member.display_name or r.member.user}  {r.points} 分｜作答 {r.answers}｜通过率 {_rate(r.pass_rate)}｜连续 {r.streak} 天",
                  f"{r.rank:>2}. {r.member.display_name or r.member.user}  {r.points} pts | answers {r.answers} | "
                  f"pass rate {_rate(r.pass_rate)} | streak {r.streak} days")
             for r in board.rows]
    if board.asker_row:
        r = board.asker_row
        lines += ["…", pick(lang,
                            f"{r.rank:>2}. {r.member.display_name or r.member.user}（你）  {r.points} 分｜作答 {r.answers}｜连续 {r.streak} 天",
                            f"{r.rank:>2}. {r.member.display_name or r.member.user} (you)  {r.points} pts | "
                            f"answers {r.answers} | streak {r.streak} days")]
    return Message(title=title, sections=(Section("\n".join(lines)),), kind="leaderboard")


def stats(s: MemberStats, *, lang: str = "zh") -> Message:
    name = s.member.display_name or s.member.user
    head = pick(lang,
                f"本周 {s.points_week} 分（团队第 {s.team_rank}/{s.team_members} 名），累计 {s.points_all} 分，"
                f"作答 {s.answers} 次，通过率 {_rate(s.pass_rate)}，连续 {s.streak} 天。",
                f"This week {s.points_week} points (#{s.team_rank} of {s.team_members} in the team), {s.points_all} in all, "
                f"{s.answers} answers, pass rate {_rate(s.pass_rate)}, streak {s.streak} days.")
    sections = [Section(head)]
    if s.skills:
        sections.append(Section("\n".join(pick(lang, f"{skill(k.skill)}：平均 {round(k.average)} 分（{k.answers} 题）",
                                               f"{skill(k.skill, lang)}: average {round(k.average)} ({k.answers} challenges)")
                                          for k in s.skills),
                                heading=pick(lang, "各项技能", "Skills")))
    if s.recent:
        sections.append(Section("\n".join(pick(
            lang,
            f"{r.post_date:%m-%d} {r.content_id}：{r.score} 分{'，通过' if r.passed else ''}（{reason_label(r.reason)}）",
            f"{r.post_date:%m-%d} {r.content_id}: {r.score} points{', passed' if r.passed else ''} ({reason_label(r.reason, lang)})")
            for r in s.recent), heading=pick(lang, "最近的回答", "Recent answers")))
    return Message(title=pick(lang, f"{name} 的成绩", f"{name}'s results"), sections=tuple(sections), kind="stats")


def insight(ins: TeamInsight, team_name: str, *, lang: str = "zh") -> Message:
    missed, weakest, participation = SUMMARY_HEADINGS["en" if lang == "en" else "zh"]
    sections = []
    if ins.skills:
        sections.append(Section("\n".join(pick(lang, f"{skill(k.skill)}：平均 {round(k.average)} 分（{k.answers} 份回答）",
                                               f"{skill(k.skill, lang)}: average {round(k.average)} ({k.answers} answers)")
                                          for k in ins.skills[:5]), heading=weakest))
    if ins.missed_criteria:
        sections.append(Section("\n".join(pick(lang, f"{m.label}：漏掉 {m.misses}/{m.graded} 次（{_rate(m.miss_rate)}）",
                                               f"{m.label}: missed {m.misses}/{m.graded} times ({_rate(m.miss_rate)})")
                                          for m in ins.missed_criteria[:5]), heading=missed))
    if ins.violations_by_category:
        labels = CATEGORY_LABELS_EN if lang == "en" else CATEGORY_LABELS
        lines = [pick(lang, f"{labels.get(c, c)}：{n} 次", f"{labels.get(c, c)}: {n} times") for c, n in ins.violations_by_category]
        lines += [pick(lang, f"  {m.display_name or m.user}：{n} 次", f"  {m.display_name or m.user}: {n} times")
                  for m, n in ins.violations_by_agent[:5]]
        sections.append(Section("\n".join(lines), heading=pick(lang, "合规问题", "Compliance issues")))
    sections.append(Section(pick(lang, f"参与率 {_rate(ins.participation)}（{ins.participants}/{ins.agents} 人作答），"
                                       f"共 {ins.answers} 份计分回答。",
                                 f"Participation {_rate(ins.participation)} ({ins.participants}/{ins.agents} members answered), "
                                 f"{ins.answers} scored answers in all."), heading=participation))
    return Message(title=pick(lang, f"{team_name}｜团队技能洞察", f"{team_name} | Team skill insight"),
                   sections=tuple(sections), kind="stats")


def script(s: Script, *, lang: str = "zh") -> Message:
    return Message(title=None, sections=(Section(script_text(s)),),
                   buttons=(Button(pick(lang, "分享到频道", "Share to channel"), "share", s.id),), kind="script",
                   meta={"content_id": s.id})


def suggestions(query: str, found: list[Script], *, lang: str = "zh") -> Message:
    if not found:
        return Message(sections=(Section(pick(lang, f"没有找到与「{query}」相关的话术。输入 /script 查看全部话术。",
                                              f"No script found for “{query}”. Type /script to see them all.")),),
                       kind="script")
    return Message(
        sections=(Section(pick(lang, f"没有找到与「{query}」完全对应的话术，你是不是要找：",
                               f"No script matches “{query}” exactly. Did you mean:")),
                  Section("\n".join(f"/script {s.id}  {s.title}" for s in found))),
        buttons=tuple(Button(s.title, "script", s.id) for s in found), kind="script",
    )

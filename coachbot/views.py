"""Build the platform-neutral messages the coach sends. No I/O here."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from .content.models import Challenge, Script, Tip
from .grading.grader import Grade
from .leaderboard import Leaderboard, MemberStats, TeamInsight
from .messages import Button, Message, Section
from .render_text import script_text

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


def skill(tag: str) -> str:
    return SKILL_LABELS.get(tag, tag)


def local_hm(at: datetime | None, tz: str) -> str:
    return at.astimezone(ZoneInfo(tz)).strftime("%H:%M") if at else "--:--"


def lesson(tip: Tip) -> Message:
    return Message(
        title=f"今日一课｜{tip.title}",
        sections=(Section(tip.body.strip()), Section(tip.try_today, heading="今天试试")),
        footer="标签：" + "、".join(skill(t) for t in tip.tags),
        kind="lesson", meta={"content_id": tip.id},
    )


def challenge(ch: Challenge, *, reveal_at: datetime | None, tz: str, reason: str | None,
              answer_button: bool = True) -> Message:
    sections = [
        Section(ch.situation.strip(), heading="情境"),
        Section(ch.customer_says.strip(), heading="客户说", quote=True),
        Section(f"你接下来会怎么说？直接在频道里（或在本帖的回复里）写下你的回答。"
                f"{local_hm(reveal_at, tz)} 公布参考答案，公布前的第一次回答计分。", heading="怎么答"),
    ]
    if reason:
        sections.append(Section(reason, heading="为什么是这题"))
    stars = "★" * ch.difficulty + "☆" * (3 - ch.difficulty)
    return Message(
        title=f"今日挑战｜{ch.title}", sections=tuple(sections),
        buttons=(Button("回答 / Answer", "answer", ch.id),) if answer_button else (),
        footer=f"难度 {stars}　技能：" + "、".join(skill(t) for t in ch.tags),
        kind="challenge", meta={"content_id": ch.id},
    )


def feedback(grade: Grade, *, reason: str, points: int, attempt: int, privacy_note: str | None = None) -> Message:
    verdict = "通过 ✅" if grade.passed else "未通过"
    head = f"得分 {grade.score}/100，{verdict}。{REASON_LABELS.get(reason, reason)}"
    if reason == "counted":
        head += f"，获得 {points} 分。"
    elif attempt > 1:
        head += f"（第 {attempt} 次回答）"
    sections = [Section(head)]
    sections.extend(Section(n) for n in grade.notes)
    if grade.violations:
        sections.append(Section("\n".join(
            f"⚠ {v.label}：「{v.evidence}」——违反{v.rule}" for v in grade.violations), heading="合规问题"))
    lines = []
    for c in grade.criteria:
        if c.met:
            lines.append(f"✓ {c.label}（{c.points}/{c.max_points}）命中：{c.evidence}")
        else:
            lines.append(f"✗ {c.label}（0/{c.max_points}）{c.feedback}")
    sections.append(Section("\n".join(lines), heading="逐项点评"))
    if grade.hint and not grade.violations:
        sections.append(Section(grade.hint, heading="下次试试"))
    if privacy_note:
        sections.append(Section(privacy_note, heading="隐私提醒"))
    return Message(title="你的挑战反馈（仅你可见）", sections=tuple(sections), kind="feedback",
                   meta={"score": grade.score, "passed": grade.passed})


def reveal(ch: Challenge, best: list[tuple[str, int, str]]) -> Message:
    sections = [Section(ch.model_answer.strip(), heading="参考答案")]
    if best:
        sections.append(Section("\n".join(f"{name}（{score} 分）：{text}" for name, score, text in best),
                                heading="今日最佳回答"))
    else:
        sections.append(Section("今天还没有人作答，明天见！"))
    return Message(title=f"答案揭晓｜{ch.title}", sections=tuple(sections), kind="reveal",
                   meta={"content_id": ch.id})


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{round(value * 100)}%"


def leaderboard(board: Leaderboard, *, title: str) -> Message:
    if not board.rows:
        return Message(title=title, sections=(Section("这个时间段还没有人得分。回答今天的挑战就能上榜！"),), kind="leaderboard")
    lines = [f"{r.rank:>2}. {r.member.display_name or r.member.user}  {r.points} 分｜作答 {r.answers}｜通过率 {_rate(r.pass_rate)}｜连续 {r.streak} 天"
             for r in board.rows]
    if board.asker_row:
        r = board.asker_row
        lines += ["…", f"{r.rank:>2}. {r.member.display_name or r.member.user}（你）  {r.points} 分｜作答 {r.answers}｜连续 {r.streak} 天"]
    return Message(title=title, sections=(Section("\n".join(lines)),), kind="leaderboard")


def stats(s: MemberStats) -> Message:
    name = s.member.display_name or s.member.user
    head = (f"本周 {s.points_week} 分（团队第 {s.team_rank}/{s.team_members} 名），累计 {s.points_all} 分，"
            f"作答 {s.answers} 次，通过率 {_rate(s.pass_rate)}，连续 {s.streak} 天。")
    sections = [Section(head)]
    if s.skills:
        sections.append(Section("\n".join(f"{skill(k.skill)}：平均 {round(k.average)} 分（{k.answers} 题）" for k in s.skills),
                                heading="各项技能"))
    if s.recent:
        sections.append(Section("\n".join(
            f"{r.post_date:%m-%d} {r.content_id}：{r.score} 分{'，通过' if r.passed else ''}（{REASON_LABELS.get(r.reason, r.reason)}）"
            for r in s.recent), heading="最近的回答"))
    return Message(title=f"{name} 的成绩", sections=tuple(sections), kind="stats")


def insight(ins: TeamInsight, team_name: str) -> Message:
    sections = []
    if ins.skills:
        sections.append(Section("\n".join(f"{skill(k.skill)}：平均 {round(k.average)} 分（{k.answers} 份回答）"
                                          for k in ins.skills[:5]), heading="最弱的技能（从低到高）"))
    if ins.missed_criteria:
        sections.append(Section("\n".join(f"{m.label}：漏掉 {m.misses}/{m.graded} 次（{_rate(m.miss_rate)}）"
                                          for m in ins.missed_criteria[:5]), heading="最常失分的步骤"))
    if ins.violations_by_category:
        lines = [f"{CATEGORY_LABELS.get(c, c)}：{n} 次" for c, n in ins.violations_by_category]
        lines += [f"  {m.display_name or m.user}：{n} 次" for m, n in ins.violations_by_agent[:5]]
        sections.append(Section("\n".join(lines), heading="合规问题"))
    sections.append(Section(f"参与率 {_rate(ins.participation)}（{ins.participants}/{ins.agents} 人作答），"
                            f"共 {ins.answers} 份计分回答。", heading="参与"))
    return Message(title=f"{team_name}｜团队技能洞察", sections=tuple(sections), kind="stats")


def script(s: Script) -> Message:
    return Message(title=None, sections=(Section(script_text(s)),),
                   buttons=(Button("分享到频道", "share", s.id),), kind="script", meta={"content_id": s.id})


def suggestions(query: str, found: list[Script]) -> Message:
    if not found:
        return Message(sections=(Section(f"没有找到与「{query}」相关的话术。输入 /script 查看全部话术。"),), kind="script")
    return Message(
        sections=(Section(f"没有找到与「{query}」完全对应的话术，你是不是要找："),
                  Section("\n".join(f"/script {s.id}  {s.title}" for s in found))),
        buttons=tuple(Button(s.title, "script", s.id) for s in found), kind="script",
    )

"""Plain-text rendering of content for the terminal (CLI and console)."""

from __future__ import annotations

from coachbot.content.models import STAGE_LABELS, STAGES, Script
from coachbot.present.strings import strings


def script_text(script: Script) -> str:
    lines = [f"【{script.title}】 /script {script.id}", f"阶段：{STAGE_LABELS.get(script.stage, script.stage)}", "",
             f"什么时候用：{script.when}", ""]
    for i, step in enumerate(script.steps, 1):
        lines.append(f"{i}. {step.move}")
        lines.extend(f"   「{line}」" for line in step.say)
    lines += ["", "不要这样说："]
    lines.extend(f"  ✗ 「{a.say}」 —— {a.rule}" for a in script.avoid)
    if script.related:
        lines += ["", "相关话术：" + "、".join(f"/script {r}" for r in script.related)]
    return "\n".join(lines)


def script_index_text(scripts: list[Script], *, lang: str = "zh") -> str:
    lines = [strings(lang).script_index]
    for stage in STAGES:
        group = sorted((s for s in scripts if s.stage == stage), key=lambda s: s.id)
        if group:
            lines.append(f"\n{STAGE_LABELS[stage]}")
            lines.extend(f"  {s.id:<22} {s.title}" for s in group)
    return "\n".join(lines)

"""Plain-text rendering of content for the terminal (CLI and console)."""

from __future__ import annotations

from collections import Counter

from coachbot.content.citations import render
from coachbot.content.models import STAGE_LABELS, STAGES, STATUSES, Registry, Script
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


def citations_text(registry: Registry, counts: Counter[str], *, verbose: bool = False) -> str:
    """``coachbot citations``: every registry entry, how often the content cites it, and a summary line;
    ``verbose`` adds each entry's quote, source and note, for a compliance officer's review."""
    lines = [f"{'id':<28} {'status':<11} {'binding':<18} {'cited':>5}  verified    citation"]
    for c in registry.entries.values():
        lines.append(f"{c.id:<28} {c.status:<11} {c.binding:<18} {counts.get(c.id, 0):>5}  "
                     f"{c.verified_on.isoformat()}  {render(c, registry.levels)}")
        if verbose:
            lines.extend(f"    {name}: {' '.join(value.split())}" for name, value in
                         (("quote", c.quote), ("source", c.source), ("source kind", c.source_kind),
                          ("note", c.note)) if value)
    entries = list(registry.entries.values())
    by_status = Counter(c.status for c in entries)
    summary = ", ".join(f"{by_status[s]} {s.replace('_', ' ')}" for s in STATUSES if by_status[s])
    dates = sorted(c.verified_on for c in entries)
    span = f"; verified {dates[0].isoformat()} to {dates[-1].isoformat()}" if dates else ""
    cited = sum(n for cid, n in counts.items() if cid in registry.entries)
    lines.append(f"{len(entries)} entries ({summary}); {cited} citations in the content{span}.")
    return "\n".join(lines)

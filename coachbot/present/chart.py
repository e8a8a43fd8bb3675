"""The weekly digest's picture: skills by week and the pass rate trend, as a PNG (matplotlib, Agg backend).

Chinese labels need a font with CJK glyphs. One is looked for among the fonts matplotlib can see (system
fonts such as Noto Sans CJK, Source Han Sans, WenQuanYi, Droid Sans Fallback, SimHei, Microsoft YaHei,
PingFang); on a machine with none the chart is drawn with English labels (skill names included), so it is
always readable rather than a row of empty boxes. matplotlib is imported on first use only.

    png = weekly_chart(weeks, title="电催一组", lang="zh")
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from functools import lru_cache

from coachbot.domain.digest import WeekPoint
from coachbot.present.strings import strings

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei",
             "WenQuanYi Zen Hei", "Droid Sans Fallback", "SimHei", "Microsoft YaHei", "PingFang SC",
             "Heiti SC", "AR PL UMing CN", "Noto Sans CJK JP")
MAX_SKILLS = 6
_LOCK = threading.Lock()   # one chart at a time: font loading and caches are shared (pyplot is never used)


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The name of a font with Chinese glyphs that matplotlib can use, or None."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in CJK_FONTS if n in names), None)


def weekly_chart(weeks: Sequence[WeekPoint], *, title: str, lang: str = "zh", dpi: int = 110) -> tuple[bytes, str]:
    """The PNG, and the language its labels are in (``en`` when no CJK font was found for Chinese)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    font = cjk_font()
    if lang != "en" and font is None:
        lang = "en"
    s = strings(lang)
    with _LOCK:
        fig = Figure(figsize=(8, 6.2), dpi=dpi, layout="constrained")
        family = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
        top, bottom = fig.subplots(2, 1, height_ratios=(3, 2), sharex=True)
        labels = [f"{w.start:%m-%d}" for w in weeks]
        x = list(range(len(weeks)))
        totals: dict[str, int] = {}
        for w in weeks:
            for skill, (_, n) in w.skills.items():
                totals[skill] = totals.get(skill, 0) + n
        shown = sorted(totals, key=lambda k: (-totals[k], k))[:MAX_SKILLS]
        for skill in shown:
            ys = [w.skills[skill][0] if skill in w.skills else float("nan") for w in weeks]
            top.plot(x, ys, marker="o", linewidth=1.8, label=s.skills.get(skill, skill))
        top.set_ylim(0, 100)
        top.set_ylabel(s.chart_score, fontfamily=family)
        top.set_title(s.chart_skills_title.format(team=title, weeks=len(weeks)), fontfamily=family, fontsize=12)
        top.grid(True, alpha=0.3)
        if shown:
            top.legend(loc="lower left", fontsize=8, ncols=min(3, len(shown)), prop={"family": family, "size": 8})
        else:
            top.text(0.5, 0.5, s.chart_no_answers, ha="center", va="center", transform=top.transAxes,
                     fontfamily=family, color="grey")
        rates = [w.pass_rate * 100 if w.pass_rate is not None else float("nan") for w in weeks]
        bottom.bar(x, [w.answers for w in weeks], color="#c9d6ea", label=s.chart_answers)
        right = bottom.twinx()
        right.plot(x, rates, marker="o", color="#1d4f91", linewidth=2, label=s.chart_pass_rate)
        right.set_ylim(0, 100)
        right.set_ylabel(s.chart_pass_rate, fontfamily=family)
        bottom.set_ylabel(s.chart_answers, fontfamily=family)
        bottom.set_title(s.chart_pass_title, fontfamily=family, fontsize=12)
        bottom.yaxis.set_major_locator(MaxNLocator(integer=True))
        bottom.set_xticks(x, labels)
        bottom.set_xlabel(s.chart_week, fontfamily=family)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
    return buffer.getvalue(), lang

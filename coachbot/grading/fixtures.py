"""Every red flag and rubric criterion carries its own fixtures; ``coachbot validate`` runs them.

Like Semgrep's ``ruleid:`` / ``ok:`` annotations or ruff's per-rule fixture files: a rule's
``examples: {match: [...], no_match: [...]}`` are sentences it must and must not set off. A red flag
is run on its own (with its disclaimers and ``unless``), a criterion on its own; a sentence that
misbehaves is a problem at its own line. A shipped rule without fixtures is a problem too; a team's
is a warning (teams add them as they can).

>>> fixture_problems(library)   # [] when every rule behaves
[]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from coachbot.content.library import Library, shipped
from coachbot.content.models import Criterion, Fixtures, RedFlag
from coachbot.domain.errors import Problem
from coachbot.grading import rx
from coachbot.grading.flags import compile_flag
from coachbot.grading.matcher import compile_criterion
from coachbot.grading.prepared import prepare

REQUIRE_SHIPPED = True    # a shipped rule without fixtures is a problem; a team's is a warning


def _rules(library: Library) -> Iterator[tuple[str, RedFlag | Criterion]]:
    for flag in library.shared.red_flags:
        yield "red flag", flag
    for cid in sorted(library.challenges):
        ch = library.challenges[cid]
        for crit in ch.criteria:
            yield "criterion", crit
        for flag in ch.red_flags:
            yield "red flag", flag


def _fires(rule: RedFlag | Criterion, library: Library, own: bool):
    if isinstance(rule, RedFlag):
        compiled = compile_flag(rule, shipped=own)
        return lambda text: compiled.find(prepare(text)) is not None
    crit = compile_criterion(rule, library.shared, shipped=own)
    return lambda text: crit.match(prepare(text))[0]


def fixture_problems(library: Library, only: Iterable[Path] | None = None,
                     warnings: list[Problem] | None = None) -> list[Problem]:
    """Problems of every rule whose fixtures misbehave (or, shipped, are missing); ``only``: rules from files
    at or under these paths."""
    wanted = [Path(p).resolve() for p in only] if only is not None else None
    problems: list[Problem] = []
    for kind, rule in _rules(library):
        fx: Fixtures = rule.examples
        if wanted is not None and not any(Path(fx.where).resolve().is_relative_to(w) for w in wanted):
            continue
        own = shipped(Path(fx.where)) if fx.where else False
        if not fx:
            missing = Problem(fx.where or "(unknown)", fx.line, f"{fx.field}.examples" if fx.field else "examples",
                              f"{kind} {rule.id!r} has no fixtures: add examples: {{match: [...], no_match: [...]}}")
            if not own:
                (warnings if warnings is not None else []).append(missing)
            elif REQUIRE_SHIPPED:
                problems.append(missing)
            continue
        if isinstance(rule, RedFlag) and not fx.match:
            problems.append(Problem(fx.where, fx.line, f"{fx.field}.examples.match",
                                    f"red flag {rule.id!r} needs at least one sentence it must match"))
        try:
            with rx.budget(5.0):
                fires = _fires(rule, library, own)
                for field, texts, lines, want in (("match", fx.match, fx.match_lines, True),
                                                  ("no_match", fx.no_match, fx.no_match_lines, False)):
                    for i, (text, line) in enumerate(zip(texts, lines)):
                        if fires(text) != want:
                            what = ("does not set it off" if want else "sets it off") if kind == "red flag" \
                                else ("does not meet it" if want else "meets it")
                            problems.append(Problem(fx.where, line, f"{fx.field}.examples.{field}.{i}",
                                                    f"{kind} {rule.id!r}: this sentence {what}: {text}"))
        except rx.OutOfTime as slow:
            problems.append(Problem(fx.where, fx.line, f"{fx.field}.examples", f"{kind} {rule.id!r} ran out of "
                                    f"time on its fixtures ({slow.source})"))
    return problems

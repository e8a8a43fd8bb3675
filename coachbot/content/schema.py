"""Check one content file against its schema and build the item.

Every problem is collected (never raised) as a :class:`Problem`, so one run of
``coachbot validate`` reports all of them as ``path:line: field: message``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from coachbot.content.citations import check_plain, read_cites, render_ids, with_citations
from coachbot.content.models import (
    CATEGORIES,
    LABELS,
    STAGES,
    TOPICS,
    Avoid,
    Challenge,
    Criterion,
    Evidence,
    Example,
    FixedRule,
    Fixtures,
    RedFlag,
    Registry,
    Script,
    Shared,
    Step,
    Tip,
)
from coachbot.domain.errors import Problem
from coachbot.validation.checker import Checker
from coachbot.validation.regexes import regex_problem
from coachbot.validation.yamlfile import Key, Loaded

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TIP_BODY_MAX = 300


class ContentChecker(Checker):
    """The generic checker plus the content's own fields: topic tags and ids that match file names."""

    def tags(self, key: Key = ("tags",)) -> tuple[str, ...]:
        tags = self.texts(key, min_len=1)
        for i, tag in enumerate(tags):
            if tag not in TOPICS:
                self.problem(key + (i,), f"unknown tag {tag!r}; use one of: {', '.join(TOPICS)}")
        return tags

    def id_matches_stem(self) -> str:
        stem = self.loaded.path.stem
        if not ID_RE.match(stem):
            self.problem((), f"file name {stem!r} is not a kebab-case ASCII id")
        value = self.text(("id",))
        if value and value != stem:
            self.problem(("id",), f"{value!r} must equal the file name {stem!r}")
        return stem


def _root_ok(c: Checker) -> bool:
    if not isinstance(c.loaded.data, dict):
        c.problem((), "the file must hold one mapping (an item)")
        return False
    return True


TIP_FIELDS = {"id", "title", "body", "try_today", "tags", "source", "cites"}


def parse_tip(loaded: Loaded, problems: list[Problem], shared: Shared | None = None) -> Tip | None:
    registry = shared.citations if shared is not None else Registry()
    c = ContentChecker(loaded, problems)
    if not _root_ok(c):
        return None
    c.known_fields((), TIP_FIELDS)
    tip_id = c.id_matches_stem()
    title = c.text(("title",), max_len=40)
    body = c.text(("body",))
    if body and len(body) > TIP_BODY_MAX:   # every character counts: a tip is read on a phone mid-shift
        c.problem(("body",), f"has {len(body)} characters, at most {TIP_BODY_MAX}")
    try_today = c.text(("try_today",))
    check_plain(c, ("body",), body)
    check_plain(c, ("try_today",), try_today)
    cites = read_cites(c, ("cites",), registry)
    tip = Tip(
        id=tip_id, title=title, body=body, try_today=try_today,
        tags=c.tags(), source=c.text(("source",)), path=loaded.path,
        cites=cites, basis=render_ids(registry, cites),
    )
    return tip


SCRIPT_FIELDS = {"id", "title", "aliases", "stage", "tags", "when", "steps", "avoid", "related", "source",
                 "keywords", "says"}


def parse_script(loaded: Loaded, problems: list[Problem], shared: Shared | None = None) -> Script | None:
    registry = shared.citations if shared is not None else Registry()
    c = ContentChecker(loaded, problems)
    if not _root_ok(c):
        return None
    c.known_fields((), SCRIPT_FIELDS)
    script_id = c.id_matches_stem()
    steps = []
    for i, _ in enumerate(c.seq(("steps",), min_len=1)):
        if c.mapping(("steps", i)):
            c.known_fields(("steps", i), {"move", "say"})
            say = c.texts(("steps", i, "say"), min_len=1)
            if len(say) > 2:
                c.problem(("steps", i, "say"), f"has {len(say)} lines; keep one or two")
            steps.append(Step(move=c.text(("steps", i, "move")), say=say))
    avoid = []
    for i, _ in enumerate(c.seq(("avoid",), min_len=1)):
        if c.mapping(("avoid", i)):
            c.known_fields(("avoid", i), {"say", "rule", "cites"})
            principle = c.text(("avoid", i, "rule"))
            check_plain(c, ("avoid", i, "rule"), principle)
            cites = read_cites(c, ("avoid", i, "cites"), registry)
            avoid.append(Avoid(say=c.text(("avoid", i, "say")), rule=with_citations(principle, cites, registry),
                               cites=cites, principle=principle))
    keywords = c.texts(("keywords",), required=False)
    for i, k in enumerate(keywords):   # "re:" marks a signal: a pattern that settles the script (see lookup)
        if k.startswith("re:") and (error := regex_problem(k[3:])) is not None:
            c.problem(("keywords", i), f"bad regular expression: {error}")
    script = Script(
        id=script_id, title=c.text(("title",), max_len=40), aliases=c.texts(("aliases",), min_len=1),
        stage=c.choice(("stage",), STAGES), tags=c.tags(), when=c.text(("when",)),
        steps=tuple(steps), avoid=tuple(avoid),
        related=c.texts(("related",), required=False), source=c.text(("source",), required=False),
        path=loaded.path, keywords=keywords, says=c.texts(("says",), required=False),
    )
    return script


def _check_pattern(c: Checker, key: Key, phrase: str, lexicon: dict[str, tuple[str, ...]] | None) -> None:
    if phrase.startswith("re:"):
        if (error := regex_problem(phrase[3:])) is not None:
            c.problem(key, f"bad regular expression: {error}")
    elif phrase.startswith("@") and lexicon is not None and phrase[1:] not in lexicon:
        c.problem(key, f"unknown synonym group {phrase!r} (not in _lexicon.yaml)")


def _fixtures(c: Checker, key: Key) -> Fixtures:
    """``examples: {match: [...], no_match: [...]}`` of a red flag or criterion (their behaviour is checked by
    ``coachbot validate`` through the grader: see ``coachbot.grading.fixtures``)."""
    name = ".".join(str(k) for k in key)
    own = Fixtures(where=str(c.loaded.path), line=c.loaded.line(key), field=name)
    ex = key + ("examples",)
    if c.get(ex) is None or not c.mapping(ex):
        return own
    c.known_fields(ex, {"match", "no_match"})
    match = c.texts(ex + ("match",), required=False)
    no_match = c.texts(ex + ("no_match",), required=False)
    if not match and not no_match:
        c.problem(ex, "needs `match` or `no_match` sentences")
    return Fixtures(match, no_match, own.where, tuple(c.loaded.line(ex + ("match", i)) for i in range(len(match))),
                    tuple(c.loaded.line(ex + ("no_match", i)) for i in range(len(no_match))), own.line, name)


def _parse_flag(c: Checker, key: Key, registry: Registry) -> RedFlag | None:
    if not c.mapping(key):
        return None
    c.known_fields(key, {"id", "category", "label", "rule", "cites", "patterns", "unless", "unless_before", "threatening",
                         "with_other", "also", "examples"})
    threatening, with_other = c.get(key + ("threatening",)), c.get(key + ("with_other",))
    for name, value in (("threatening", threatening), ("with_other", with_other)):
        if value is not None and not isinstance(value, bool):
            c.problem(key + (name,), "must be true or false")
    patterns = c.texts(key + ("patterns",), min_len=1)
    unless = c.texts(key + ("unless",), required=False)
    unless_before = c.texts(key + ("unless_before",), required=False)
    for field_name, items in (("patterns", patterns), ("unless", unless), ("unless_before", unless_before)):
        for i, p in enumerate(items):
            if (error := regex_problem(p)) is not None:
                c.problem(key + (field_name, i), f"bad regular expression: {error}")
    principle = c.text(key + ("rule",))
    check_plain(c, key + ("rule",), principle)
    cites = read_cites(c, key + ("cites",), registry)
    also = c.texts(key + ("also",), required=False)
    for i, cat in enumerate(also):
        if cat not in CATEGORIES:
            c.problem(key + ("also", i), f"{cat!r} is not one of: {', '.join(CATEGORIES)}")
    return RedFlag(
        id=c.text(key + ("id",)), category=c.choice(key + ("category",), CATEGORIES),
        label=c.text(key + ("label",)), rule=with_citations(principle, cites, registry), patterns=patterns,
        unless=unless, unless_before=unless_before, threatening=bool(threatening), with_other=bool(with_other), cites=cites,
        also=also, examples=_fixtures(c, key),
    )


def _fixed_rule(c: Checker, key: Key, registry: Registry, *, label: bool) -> FixedRule | None:
    if c.get(key) is None or not c.mapping(key):
        return None
    c.known_fields(key, {"label", "rule", "cites"} if label else {"rule", "cites"})
    principle = c.text(key + ("rule",))
    check_plain(c, key + ("rule",), principle)
    cites = read_cites(c, key + ("cites",), registry)
    return FixedRule(label=c.text(key + ("label",)) if label else "", rule=with_citations(principle, cites, registry),
                     cites=cites)


@dataclass(frozen=True)
class SharedFlags:
    """What ``_red-flags.yaml`` holds: the catalogue, and the rules the grader quotes on its own account."""

    flags: tuple[RedFlag, ...]
    coercion: FixedRule | None = None
    general: FixedRule | None = None
    lawful: dict[str, tuple[str, ...]] = field(default_factory=dict)


def parse_shared_flags(loaded: Loaded, problems: list[Problem], shared: Shared | None = None) -> SharedFlags:
    registry = shared.citations if shared is not None else Registry()
    c = ContentChecker(loaded, problems)
    if not _root_ok(c):
        return SharedFlags(())
    c.known_fields((), {"flags", "coercion", "general", "lawful"})
    flags = [_parse_flag(c, ("flags", i), registry) for i, _ in enumerate(c.seq(("flags",), min_len=1))]
    lawful: dict[str, tuple[str, ...]] = {}
    if c.get(("lawful",)) is not None and c.mapping(("lawful",)):
        for cat in c.get(("lawful",)):
            if cat not in CATEGORIES:
                c.problem(("lawful", cat), f"{cat!r} is not one of: {', '.join(CATEGORIES)}")
                continue
            lawful[cat] = c.texts(("lawful", cat), min_len=1)
            for i, p in enumerate(lawful[cat]):
                if (error := regex_problem(p)) is not None:
                    c.problem(("lawful", cat, i), f"bad regular expression: {error}")
    return SharedFlags(tuple(f for f in flags if f), coercion=_fixed_rule(c, ("coercion",), registry, label=True),
                       general=_fixed_rule(c, ("general",), registry, label=False), lawful=lawful)


def parse_lexicon(loaded: Loaded, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    c = ContentChecker(loaded, problems)
    if not _root_ok(c):
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for name in c.loaded.data:
        out[str(name)] = c.texts((name,), min_len=1)
        for i, p in enumerate(out[str(name)]):
            _check_pattern(c, (name, i), p, None)
    return out


def parse_synonyms(loaded: Loaded, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    """``playbook/_synonyms.yaml``: ``word: [variant, ...]``; a lookup reads each variant as the word."""
    c = ContentChecker(loaded, problems)
    if not _root_ok(c):
        return {}
    return {str(word): c.texts((word,), min_len=1) for word in c.loaded.data}


CHALLENGE_FIELDS = {
    "id", "title", "tags", "difficulty", "stage", "situation", "customer_says",
    "model_answer", "rubric", "examples", "source",
}


def _parse_evidence(c: Checker, key: Key, lexicon: dict[str, tuple[str, ...]]) -> Evidence:
    if not c.mapping(key):
        return Evidence()
    c.known_fields(key, {"any", "all"})
    any_ = c.texts(key + ("any",), required=False)
    groups = []
    for i, _ in enumerate(c.seq(key + ("all",), required=False)):
        groups.append(c.texts(key + ("all", i), min_len=1))
    if not any_ and not groups:
        c.problem(key, "needs `any` phrases or `all` groups")
    for i, p in enumerate(any_):
        _check_pattern(c, key + ("any", i), p, lexicon)
    for gi, group in enumerate(groups):
        for i, p in enumerate(group):
            _check_pattern(c, key + ("all", gi, i), p, lexicon)
    return Evidence(any=any_, all=tuple(groups))


def parse_challenge(loaded: Loaded, problems: list[Problem], shared: Shared) -> Challenge | None:
    c = ContentChecker(loaded, problems)
    if not _root_ok(c):
        return None
    c.known_fields((), CHALLENGE_FIELDS)
    challenge_id = c.id_matches_stem()
    criteria: list[Criterion] = []
    flags: list[RedFlag] = []
    pass_score = 60
    if c.mapping(("rubric",)):
        c.known_fields(("rubric",), {"criteria", "red_flags", "pass_score"})
        pass_score = c.integer(("rubric", "pass_score"), lo=1, hi=100, default=60)
        seen: set[str] = set()
        for i, _ in enumerate(c.seq(("rubric", "criteria"), min_len=1)):
            key = ("rubric", "criteria", i)
            if not c.mapping(key):
                continue
            c.known_fields(key, {"id", "label", "points", "evidence", "feedback", "critical", "cites", "examples"})
            crit_id = c.text(key + ("id",))
            if crit_id in seen:
                c.problem(key + ("id",), f"duplicate criterion id {crit_id!r}")
            seen.add(crit_id)
            critical = c.get(key + ("critical",))
            if critical is not None and not isinstance(critical, bool):
                c.problem(key + ("critical",), "must be true or false")
            feedback = c.text(key + ("feedback",))
            check_plain(c, key + ("feedback",), feedback)
            cites = read_cites(c, key + ("cites",), shared.citations)
            criteria.append(Criterion(
                id=crit_id, label=c.text(key + ("label",)), points=c.integer(key + ("points",), lo=1, hi=100),
                evidence=_parse_evidence(c, key + ("evidence",), shared.lexicon),
                feedback=with_citations(feedback, cites, shared.citations), critical=bool(critical), cites=cites,
                examples=_fixtures(c, key),
            ))
        for i, _ in enumerate(c.seq(("rubric", "red_flags"), required=False)):
            if flag := _parse_flag(c, ("rubric", "red_flags", i), shared.citations):
                flags.append(flag)
    examples: list[Example] = []
    for i, _ in enumerate(c.seq(("examples",), min_len=4)):
        ex_key = ("examples", i)
        if not c.mapping(ex_key):
            continue
        c.known_fields(ex_key, {"label", "text", "band", "categories", "note"})
        band = c.get(ex_key + ("band",))
        if not (isinstance(band, list) and len(band) == 2 and all(isinstance(b, int) for b in band)
                and 0 <= band[0] <= band[1] <= 100):
            c.problem(ex_key + ("band",), f"must be [low, high] with 0 <= low <= high <= 100, got {band!r}")
            band = [0, 100]
        cats = c.texts(ex_key + ("categories",), required=False)
        for j, cat in enumerate(cats):
            if cat not in CATEGORIES:
                c.problem(ex_key + ("categories", j), f"{cat!r} is not one of: {', '.join(CATEGORIES)}")
        label = c.choice(ex_key + ("label",), LABELS)
        if label == "violating" and not cats:
            c.problem(ex_key + ("categories",), "a violating example names its violation categories")
        examples.append(Example(label=label, text=c.text(ex_key + ("text",)), band=(band[0], band[1]), categories=cats))
    missing = set(LABELS) - {e.label for e in examples}
    if examples and missing:
        c.problem(("examples",), f"needs at least one example labelled: {', '.join(sorted(missing))}")
    challenge = Challenge(
        id=challenge_id, title=c.text(("title",), max_len=40), tags=c.tags(),
        difficulty=c.integer(("difficulty",), lo=1, hi=3), stage=c.choice(("stage",), STAGES),
        situation=c.text(("situation",)), customer_says=c.text(("customer_says",)),
        model_answer=c.text(("model_answer",)), criteria=tuple(criteria), red_flags=tuple(flags),
        examples=tuple(examples), pass_score=pass_score, source=c.text(("source",), required=False),
        path=loaded.path,
    )
    return challenge


Parser = Callable[[Loaded, list[Problem]], Any]

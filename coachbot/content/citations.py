"""The citations registry: every rule the content cites, traceable to its source.

Content cites provisions by id (``cites: [psl-2025-art50-1-5]``); the text people
see is rendered here from the registry, in one format::

    《治安管理处罚法》（2025修订）第50条第1款第（五）项
    行业自律：《金融机构个人消费类贷款催收工作指引（试行）》（2026-01-30发布）

A provision that is not law or regulation carries the label of its binding level
(the labels are registry data: ``binding_levels``). Only a provision ``in_force``
may be cited; one whose verification is more than a year old is reported by
``coachbot validate`` (:func:`stale_entries`).
"""

from __future__ import annotations

import re
from datetime import date
from difflib import get_close_matches
from typing import Any

from coachbot.content.models import BINDINGS, SOURCE_KINDS, STATUSES, Citation, Registry
from coachbot.domain.errors import Problem
from coachbot.validation.checker import Checker
from coachbot.validation.yamlfile import Key, Loaded

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
JURISDICTIONS = ("cn", "us")
ENTRY_FIELDS = {
    "id", "title", "short_title", "issuer", "doc_number", "version", "effective", "article", "paragraph", "item",
    "quote", "source", "source_kind", "verified_on", "status", "binding", "jurisdiction", "superseded_by", "note",
}
# A provision named in running text ("治安管理处罚法第42条", "§1692e"): it should be a registry id in ``cites``.
INLINE_ARTICLE = re.compile(r"(法|条例|办法|指引|规定|解释|民法典|公约|规范)》?(（[^）]{0,12}）)?第[0-9一二三四五六七八九十百零]+条|§\s*\d")
_CN_DIGITS = "零一二三四五六七八九"


def _cn_number(text: str) -> str:
    """``5`` → ``五``, ``12`` → ``十二``; anything else is kept as written."""
    if not text.isdigit() or not 0 < int(text) < 100:
        return text
    n = int(text)
    tens, ones = divmod(n, 10)
    if not tens:
        return _CN_DIGITS[ones]
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def locator(c: Citation) -> str:
    """Where in the instrument: ``第50条第1款第（五）项`` or, for a US rule, ``§1692e(4)``."""
    if c.jurisdiction == "us":
        out = f"§{c.article}" if c.article else ""
        return out + "".join(f"({part})" for part in (c.paragraph, c.item) if part)
    out = ""
    if c.article:
        base, sep, suffix = c.article.partition("之")
        out = f"第{base}条" + (f"之{suffix}" if sep else "")
    if c.paragraph:
        out += f"第{c.paragraph}款"
    if c.item:
        out += f"第（{_cn_number(c.item)}）项"
    return out


def _instrument(c: Citation, levels: dict[str, str]) -> str:
    """The part before the locator: level label, title and version."""
    if c.jurisdiction == "us":
        text = c.short_title + " "
    else:
        text = f"《{c.short_title}》" + (f"（{c.version}）" if c.version else "")
    label = levels.get(c.binding, "")
    return f"{label}：{text}" if label else text


def render(c: Citation, levels: dict[str, str]) -> str:
    """One citation as people read it, with its binding level's label when it has one."""
    return (_instrument(c, levels) + locator(c)).rstrip()


def render_ids(registry: Registry, ids: tuple[str, ...]) -> str:
    """The cited provisions joined with "；", strongest binding level first and provisions of one instrument
    together ("第1064条第1款、第1161条第1款"). Unknown ids are left out: they are reported elsewhere."""
    groups: dict[str, list[str]] = {}
    cited = [c for cid in ids if (c := registry.get(cid)) is not None]
    for c in sorted(cited, key=lambda c: BINDINGS.index(c.binding) if c.binding in BINDINGS else len(BINDINGS)):
        places = groups.setdefault(_instrument(c, registry.levels), [])
        if (where := locator(c)) and where not in places:
            places.append(where)
    return "；".join((name + "、".join(places)).rstrip() for name, places in groups.items())


def with_citations(text: str, ids: tuple[str, ...], registry: Registry) -> str:
    """``text（citation；citation）``: the one format for a rule and the provisions it rests on."""
    cited = render_ids(registry, ids)
    if not cited:
        return text
    stop = "。" if text.endswith("。") else ""
    return f"{text.removesuffix('。')}（{cited}）{stop}"


# ------------------------------------------------------------------ checking content that cites


def read_cites(c: Checker, key: Key, registry: Registry) -> tuple[str, ...]:
    """The ids under ``key``; each must be in the registry and in force (only those may be cited as binding)."""
    ids = c.texts(key, required=False)
    for i, cid in enumerate(ids):
        entry = registry.get(cid)
        if entry is None:
            close = get_close_matches(cid, list(registry.entries), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            c.problem(key + (i,), f"unknown citation id {cid!r}{hint} (coachbot citations lists the registry)")
        elif entry.status != "in_force":
            instead = f", replaced by {entry.superseded_by!r}" if entry.superseded_by else ""
            c.problem(key + (i,), f"{cid!r} is {entry.status}{instead}: only a provision in force may be cited "
                                  "as binding")
    return ids


def check_plain(c: Checker, key: Key, text: str) -> None:
    """Refuse an article number written into running text: cited provisions come from the registry."""
    if text and (found := INLINE_ARTICLE.search(text)):
        c.problem(key, f"names a provision in the text ({found.group()!r}); cite it by registry id in "
                       "`cites` instead, so it is checked and rendered from the registry")


# ------------------------------------------------------------------ the registry files


def _date(c: Checker, key: Key, *, required: bool) -> date | None:
    value = c.get(key)
    if value is None or value == "":
        if required:
            c.problem(key, "is required (YYYY-MM-DD)")
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    c.problem(key, f"must be a date YYYY-MM-DD, got {value!r}")
    return None


def _opt(c: Checker, key: Key) -> str:
    return c.text(key, required=False)


def _entry(c: Checker, key: Key) -> Citation | None:
    if not c.mapping(key):
        return None
    c.known_fields(key, ENTRY_FIELDS)
    cid = c.text(key + ("id",))
    if cid and not ID_RE.match(cid):
        c.problem(key + ("id",), f"{cid!r} is not a kebab-case ASCII id")
    title = c.text(key + ("title",))
    status = c.choice(key + ("status",), STATUSES)
    quote, source = _opt(c, key + ("quote",)), _opt(c, key + ("source",))
    if status == "in_force":
        for name, value in (("quote", quote), ("source", source)):
            if not value:
                c.problem(key + (name,), "is required for a provision in force: the words read and where")
    jurisdiction = _opt(c, key + ("jurisdiction",)) or "cn"
    if jurisdiction not in JURISDICTIONS:
        c.problem(key + ("jurisdiction",), f"{jurisdiction!r} is not one of: {', '.join(JURISDICTIONS)}")
    verified = _date(c, key + ("verified_on",), required=True)
    return Citation(
        id=cid, title=title, short_title=_opt(c, key + ("short_title",)) or title,
        issuer=c.text(key + ("issuer",)), doc_number=_opt(c, key + ("doc_number",)),
        version=_opt(c, key + ("version",)), effective=_date(c, key + ("effective",), required=False),
        article=_opt(c, key + ("article",)), paragraph=_opt(c, key + ("paragraph",)), item=_opt(c, key + ("item",)),
        quote=quote, source=source, source_kind=c.choice(key + ("source_kind",), SOURCE_KINDS),
        verified_on=verified or date.min, status=status, binding=c.choice(key + ("binding",), BINDINGS),
        jurisdiction=jurisdiction, superseded_by=_opt(c, key + ("superseded_by",)), note=_opt(c, key + ("note",)),
        path=c.loaded.path, line=c.loaded.line(key + ("verified_on",)), key=".".join(map(str, key)),
    )


def parse_registry(loaded: Loaded, problems: list[Problem]) -> Registry:
    """One registry file: ``entries`` (a list of citations) and optionally ``binding_levels`` (labels)."""
    c = Checker(loaded, problems)
    if not isinstance(loaded.data, dict):
        c.problem((), "the file must hold a mapping with `entries` (and optionally `binding_levels`)")
        return Registry()
    c.known_fields((), {"entries", "binding_levels"})
    levels: dict[str, str] = {}
    raw_levels: Any = c.get(("binding_levels",))
    if raw_levels is not None and c.mapping(("binding_levels",)):
        for name in raw_levels:
            if name not in BINDINGS:
                c.problem(("binding_levels", name), f"{name!r} is not one of: {', '.join(BINDINGS)}")
            else:
                levels[name] = c.text(("binding_levels", name), required=False)
    entries: dict[str, Citation] = {}
    for i, _ in enumerate(c.seq(("entries",), required=not levels)):
        entry = _entry(c, ("entries", i))
        if entry is None or not entry.id:
            continue
        if entry.id in entries:
            c.problem(("entries", i, "id"), f"duplicate citation id {entry.id!r}")
        entries[entry.id] = entry
    return Registry(entries=entries, levels=levels)


def merged(base: Registry, more: Registry) -> Registry:
    """``more`` added to ``base``: an entry with the same id replaces the earlier one, as content does."""
    return Registry(entries={**base.entries, **more.entries}, levels={**base.levels, **more.levels})


def cross_check_registry(registry: Registry, problems: list[Problem]) -> None:
    """``superseded_by`` names an entry that exists."""
    for entry in registry.entries.values():
        if entry.superseded_by and entry.superseded_by not in registry.entries and entry.path is not None:
            problems.append(Problem(str(entry.path), entry.line, f"{entry.key}.superseded_by",
                                    f"{entry.id}: no citation with id {entry.superseded_by!r}"))


def one_year_before(today: date) -> date:
    try:
        return today.replace(year=today.year - 1)
    except ValueError:   # 29 February
        return today.replace(year=today.year - 1, day=28)


def stale_entries(entries: list[Citation], today: date) -> list[Problem]:
    """Entries verified more than 12 months before ``today``: their source must be read again."""
    limit = one_year_before(today)
    return [Problem(str(e.path), e.line, f"{e.key}.verified_on",
                    f"{e.id} was last verified on {e.verified_on.isoformat()}, more than 12 months ago: read "
                    "the source again, then update quote, status and verified_on")
            for e in entries if e.path is not None and e.verified_on < limit]

"""The content library: every tip, script and challenge, loaded once.

Built-in content ships with the package; a deployment adds folders of its own
(``content_dirs`` in ``coachbot.yaml``) and an item there with the same id
overrides the built-in one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from coachbot.content.citations import cross_check_registry, merged, parse_registry, stale_entries
from coachbot.content.models import Challenge, Citation, Script, Shared, Tip
from coachbot.content.schema import (
    parse_challenge,
    parse_lexicon,
    parse_script,
    parse_shared_flags,
    parse_synonyms,
    parse_tip,
)
from coachbot.content.sounds import sound_alike
from coachbot.domain.errors import ContentError, Problem
from coachbot.domain.text import normalize
from coachbot.validation.yamlfile import Loaded, YamlError, load, loads

T = TypeVar("T")

KINDS = ("tips", "playbook", "challenges")
CITATIONS = "citations"      # the citations registry: every file in it holds `entries` (and `binding_levels`)
RED_FLAGS_FILE = "_red-flags.yaml"
LEXICON_FILE = "_lexicon.yaml"
SYNONYMS_FILE = "_synonyms.yaml"   # in playbook/: colloquial and dialect words a lookup reads as plain ones


def builtin_root() -> Path:
    """Folder holding ``tips/``, ``playbook/``, ``challenges/`` and ``citations/``.

    An installed wheel carries them in ``coachbot/_content``; a source checkout
    uses the top-level folders of the repository.
    """
    packaged = Path(__file__).resolve().parents[1] / "_content"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2]


LastGood = Callable[[Path], "str | None"]   # the text of a team's file as it last loaded without problems

STANDINS = ("last_good", "builtin", "none")   # what serves in place of a broken file of a team's


@dataclass
class Library:
    tips: dict[str, Tip] = field(default_factory=dict)
    scripts: dict[str, Script] = field(default_factory=dict)
    challenges: dict[str, Challenge] = field(default_factory=dict)
    shared: Shared = field(default_factory=Shared)
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)   # for /script (SYNONYMS_FILE)
    # A team's own files: the text of each that loaded without problems (to keep as its last good
    # version), and for each that did not, what serves instead (one of STANDINS).
    good_files: dict[Path, str] = field(default_factory=dict)
    standins: dict[Path, str] = field(default_factory=dict)

    def tip(self, tip_id: str) -> Tip | None:
        return self.tips.get(tip_id)

    def script(self, script_id: str) -> Script | None:
        return self.scripts.get(script_id)

    def challenge(self, challenge_id: str) -> Challenge | None:
        return self.challenges.get(challenge_id)


def kind_of(path: Path, data: object = None) -> str | None:
    """Which kind a file is: by its nearest content folder, else by its keys."""
    for parent in path.parents:
        if parent.name in KINDS:
            return parent.name
    if isinstance(data, dict):
        if "rubric" in data or "customer_says" in data:
            return "challenges"
        if "steps" in data or "aliases" in data:
            return "playbook"
        if "body" in data or "try_today" in data:
            return "tips"
    return None


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.y*ml") if p.suffix in (".yaml", ".yml") and p.is_file())


def shipped(path: Path | None) -> bool:
    """Whether ``path`` is part of coachbot's own content (not a team's folder, not made in code)."""
    if path is None:
        return False
    root, path = builtin_root().resolve(), path.resolve()
    return any(path.is_relative_to(root / kind) for kind in (*KINDS, CITATIONS))


def _parse(path: Path, text: str | None, parse: Callable[[Loaded, list[Problem]], T],
           problems: list[Problem]) -> T | None:
    try:
        loaded = loads(text, path) if text is not None else load(path)
    except YamlError as exc:
        problems.append(Problem(str(path), exc.line, "yaml", exc.message))
        return None
    return parse(loaded, problems)


def _guarded(lib: Library, path: Path, parse: Callable[[Loaded, list[Problem]], T], problems: list[Problem],
             last_good: LastGood | None, *, checking: bool = False) -> T | None:
    """Parse one file. With problems it is reported and left out — and a team's file is replaced by its last
    good version when there is one, so one broken file never takes the item (or the bot) down.
    ``checking`` (``validate``) keeps what parsed, so checks across files can report on it too."""
    found: list[Problem] = []
    result = _parse(path, None, parse, found)
    problems.extend(found)
    if checking:
        return result
    if shipped(path):
        return result if not found else None
    if not found:
        lib.good_files[path] = path.read_text(encoding="utf-8")
        return result
    lib.standins[path] = "none"
    if last_good is not None and (text := last_good(path)) is not None:
        spare: list[Problem] = []
        result = _parse(path, text, parse, spare)
        if not spare:
            lib.standins[path] = "last_good"
            return result
    return None


def _load_citations(lib: Library, files: Iterable[Path], problems: list[Problem],
                    last_good: LastGood | None = None, *, checking: bool = False) -> list[Citation]:
    """Add registry files to ``lib.shared.citations`` (an id defined again replaces the earlier entry).
    Returns the entries the files defined."""
    defined: list[Citation] = []
    for path in files:
        registry = _guarded(lib, path, parse_registry, problems, last_good, checking=checking)
        if registry is not None:
            lib.shared = replace(lib.shared, citations=merged(lib.shared.citations, registry))
            defined.extend(registry.entries.values())
    return defined


def _citation_files(folder: Path) -> list[Path]:
    return _yaml_files(folder / CITATIONS) if (folder / CITATIONS).is_dir() else []


def _load_shared(folder: Path, problems: list[Problem], base: Shared | None = None, *,
                 lib: Library | None = None, last_good: LastGood | None = None) -> Shared:
    lib = lib if lib is not None else Library()
    base = base if base is not None else Shared()
    flags = list(base.red_flags)
    lexicon = dict(base.lexicon)
    ours = set(base.shipped_groups)
    coercion, general = base.coercion, base.general
    lawful = dict(base.lawful)
    own = shipped(folder)
    for name in (LEXICON_FILE, RED_FLAGS_FILE):
        path = folder / name
        if not path.is_file():
            continue
        if name == LEXICON_FILE:
            groups = _guarded(lib, path, parse_lexicon, problems, last_good)
            if groups is None:
                continue
            lexicon.update(groups)
            ours = ours | set(groups) if own else ours - set(groups)
        else:
            parsed = _guarded(lib, path, lambda loaded, found: parse_shared_flags(loaded, found, base),
                              problems, last_good)
            if parsed is None:
                continue
            new = [replace(f, shipped=own) for f in parsed.flags]
            new_ids = {f.id for f in new}
            flags = [f for f in flags if f.id not in new_ids] + new
            coercion = parsed.coercion or coercion
            general = parsed.general or general
            for cat, patterns in parsed.lawful.items():
                lawful[cat] = tuple(dict.fromkeys((*lawful.get(cat, ()), *patterns)))
    return replace(base, red_flags=tuple(flags), lexicon=lexicon, shipped_groups=frozenset(ours),
                   coercion=coercion, general=general, lawful=lawful)


def _item(kind: str | None, shared: Shared) -> Callable[[Loaded, list[Problem]], Tip | Script | Challenge | None]:
    def parse(loaded: Loaded, problems: list[Problem]) -> Tip | Script | Challenge | None:
        found = kind or kind_of(loaded.path, loaded.data)
        if found == "tips":
            return parse_tip(loaded, problems, shared)
        if found == "playbook":
            return parse_script(loaded, problems, shared)
        if found == "challenges":
            return parse_challenge(loaded, problems, shared)
        problems.append(Problem(str(loaded.path), 1, "(file)", "cannot tell whether this is a tip, a script or a "
                                                               "challenge; put it under tips/, playbook/ or challenges/"))
        return None
    return parse


def _add_file(lib: Library, path: Path, kind: str | None, problems: list[Problem],
              last_good: LastGood | None = None, *, checking: bool = False) -> None:
    """Add one item; an item whose file has problems is left out (or stood in for, see :func:`_guarded`)."""
    item = _guarded(lib, path, _item(kind, lib.shared), problems, last_good, checking=checking)
    if isinstance(item, Tip):
        lib.tips[item.id] = item
    elif isinstance(item, Script):
        lib.scripts[item.id] = item
    elif isinstance(item, Challenge):
        lib.challenges[item.id] = item


def _same_ids(files: list[Path], problems: list[Problem]) -> list[Path]:
    """``x.yaml`` and ``x.yml`` in one folder would define one id twice: both are reported, neither loads."""
    stems: dict[str, list[Path]] = {}
    for path in files:
        stems.setdefault(path.stem, []).append(path)
    for stem, paths in stems.items():
        if len(paths) > 1:
            for path in paths:
                other = next(p for p in paths if p != path)
                problems.append(Problem(str(path), 1, "id", f"{other.name} defines the same id {stem!r}; keep one"))
    return [p for p in files if len(stems[p.stem]) == 1]


def _load_root(lib: Library, root: Path, problems: list[Problem], last_good: LastGood | None = None) -> None:
    """Load ``root/{tips,playbook,challenges}`` into ``lib`` (later roots override)."""
    if (root / "challenges").is_dir():
        lib.shared = _load_shared(root / "challenges", problems, lib.shared, lib=lib, last_good=last_good)
    if (path := root / "playbook" / SYNONYMS_FILE).is_file():
        lib.synonyms.update(_guarded(lib, path, parse_synonyms, problems, last_good) or {})
    for kind in KINDS:
        folder = root / kind
        if folder.is_dir():
            for path in _same_ids([p for p in _yaml_files(folder) if not p.name.startswith("_")], problems):
                _add_file(lib, path, kind, problems, last_good)


def serves(challenge_id: str, script_id: str) -> bool:
    """A challenge practises the script of its id, or of its id's first words (``complaint-threat``)."""
    return challenge_id == script_id or challenge_id.startswith(script_id + "-")


def link_cases(lib: Library) -> None:
    """Give each script what its challenges' customers say (and their titles and situations), for lookups."""
    for sid, script in lib.scripts.items():
        cases = [c for c in sorted(lib.challenges.values(), key=lambda c: c.id) if serves(c.id, sid)]
        lib.scripts[sid] = replace(script, cases=tuple((c.customer_says, c.title, c.situation) for c in cases))


@lru_cache(maxsize=1)
def builtin_synonyms() -> dict[str, tuple[str, ...]]:
    """The shipped ``playbook/_synonyms.yaml`` (for an index built from scripts alone)."""
    path = builtin_root() / "playbook" / SYNONYMS_FILE
    return (_parse(path, None, parse_synonyms, []) or {}) if path.is_file() else {}


def cross_check(lib: Library, problems: list[Problem], only: Iterable[Path] | None = None) -> None:
    """Checks across files: unique aliases, related ids exist."""
    wanted = None if only is None else {p.resolve() for p in only}

    def mine(item: Script | Challenge | Tip) -> bool:
        return wanted is None or (item.path is not None and item.path.resolve() in wanted)

    owner: dict[str, str] = {normalize(s.id): s.id for s in lib.scripts.values()}
    for script in sorted(lib.scripts.values(), key=lambda s: s.id):
        if script.path is None:
            continue
        lines = None
        for i, alias in enumerate(script.aliases):
            key = normalize(alias)
            other = owner.get(key)
            if other is not None and other != script.id and mine(script):
                lines = lines or load(script.path)
                problems.append(Problem(str(script.path), lines.line(("aliases", i)), f"aliases.{i}",
                                        f"{alias!r} is already used by script {other!r}"))
            owner.setdefault(key, script.id)
        for i, rel in enumerate(script.related):
            if rel not in lib.scripts and mine(script):
                lines = lines or load(script.path)
                problems.append(Problem(str(script.path), lines.line(("related", i)), f"related.{i}",
                                        f"no script with id {rel!r}"))
    seen: dict[str, str] = {}
    for flag in lib.shared.red_flags:
        if flag.id in seen:
            problems.append(Problem(RED_FLAGS_FILE, 1, "flags.id", f"duplicate red flag id {flag.id!r}"))
        seen[flag.id] = flag.id


def alias_warnings(lib: Library, only: Iterable[Path] | None = None) -> list[Problem]:
    """Names a lookup cannot tell apart, as warnings (``validate`` still passes).

    Two scripts' aliases or titles that sound the same (爽约 and 双约: typed as
    pinyin or with a homophone, either could be meant), and an alias of one
    script that another lists as a keyword (typed alone it opens the first).
    Identical aliases are errors (see :func:`cross_check`).
    """
    wanted = None if only is None else {p.resolve() for p in only}
    names = [(normalize(text), s, i) for s in sorted(lib.scripts.values(), key=lambda s: s.id)
             for i, text in [(-1, s.title), *enumerate(s.aliases)]]
    keywords = {normalize(k): s.id for s in lib.scripts.values() for k in s.keywords if not k.startswith("re:")}
    found: list[Problem] = []

    def warn(script: Script, i: int, message: str) -> None:
        if script.path is None or (wanted is not None and script.path.resolve() not in wanted):
            return
        field_name = "title" if i < 0 else f"aliases.{i}"
        line = load(script.path).line(("title",) if i < 0 else ("aliases", i))
        found.append(Problem(str(script.path), line, field_name, f"warning: {message}"))

    for a, (name, script, i) in enumerate(names):
        for other_name, other, j in names[a + 1:]:
            if other.id != script.id and name != other_name and sound_alike(name, other_name):
                tail = "; typed as pinyin or with a homophone, a lookup cannot tell them apart"
                warn(script, i, f"{name!r} sounds like {other_name!r} of script {other.id!r}{tail}")
                warn(other, j, f"{other_name!r} sounds like {name!r} of script {script.id!r}{tail}")
        owner = keywords.get(name)
        if i >= 0 and owner is not None and owner != script.id:
            warn(script, i, f"{name!r} is also a keyword of script {owner!r}; typed alone it opens {script.id!r}")
    return sorted(found)


def load_library(extra_dirs: Iterable[Path | str] = (), *, root: Path | None = None,
                 last_good: LastGood | None = None) -> tuple[Library, list[Problem]]:
    """Load built-in content plus ``extra_dirs`` (each a folder with tips/, playbook/, challenges/).

    Every problem is reported, and no item from a file with problems is loaded: a
    team's broken file is replaced by its ``last_good`` text when there is one, or
    leaves the built-in item of that id in place (``Library.standins`` says which).
    """
    lib = Library()
    problems: list[Problem] = []
    folders = [Path(f) for f in [root or builtin_root(), *extra_dirs]]
    for folder in folders:   # every registry first: content anywhere may cite a team's own entries
        if folder.is_dir():
            _load_citations(lib, _citation_files(folder), problems, last_good)
    cross_check_registry(lib.shared.citations, problems)
    for folder in folders:
        if not folder.is_dir():
            problems.append(Problem(str(folder), 1, "content_dirs", "folder does not exist"))
            continue
        _load_root(lib, folder, problems, last_good)
    for path, standin in lib.standins.items():
        by_kind: dict[str, dict] = {"tips": lib.tips, "playbook": lib.scripts, "challenges": lib.challenges}
        if standin == "none" and path.stem in by_kind.get(kind_of(path) or "", {}) and not path.name.startswith("_"):
            lib.standins[path] = "builtin"
    link_cases(lib)
    cross_check(lib, problems)
    return lib, sorted(problems)


def citation_counts(lib: Library) -> Counter[str]:
    """How often each registry id is cited: red flags (shared and per challenge), rubric feedback, the
    grader's own rules, playbook avoid rules and tips."""
    counts: Counter[str] = Counter()
    shared = lib.shared
    for flag in shared.red_flags:
        counts.update(flag.cites)
    counts.update(shared.coercion.cites)
    counts.update(shared.general.cites)
    for ch in lib.challenges.values():
        for crit in ch.criteria:
            counts.update(crit.cites)
        for flag in ch.red_flags:
            counts.update(flag.cites)
    for script in lib.scripts.values():
        for avoid in script.avoid:
            counts.update(avoid.cites)
    for tip in lib.tips.values():
        counts.update(tip.cites)
    return counts


def load_strict(extra_dirs: Iterable[Path | str] = ()) -> Library:
    lib, problems = load_library(extra_dirs)
    if problems:
        raise ContentError(problems)
    return lib


def _is_root(path: Path) -> bool:
    return path.is_dir() and any((path / k).is_dir() for k in (*KINDS, CITATIONS))


def _registry_files(path: Path) -> list[Path]:
    """The registry files a ``validate`` argument names: a content root's, a citations folder's, or itself."""
    if _is_root(path):
        return _citation_files(path)
    if path.is_dir():
        return _yaml_files(path) if path.name == CITATIONS else []
    return [path] if path.parent.name == CITATIONS and path.suffix in (".yaml", ".yml") else []


RuleCheck = Callable[["Library", list[Path], list[Problem]], list[Problem]]


def validate_paths(paths: Iterable[Path | str], warnings: list[Problem] | None = None, *,
                   today: date | None = None, rule_check: RuleCheck | None = None) -> tuple[list[Problem], int]:
    """Validate the given files or folders. Returns (problems, number of files checked); what is worth a
    look but not wrong (:func:`alias_warnings`) goes into ``warnings`` when given.

    A folder holding tips/, playbook/, challenges/ or citations/ is a content
    root; a folder named like a kind, or a single file, is checked on its own,
    with the built-in library as the context for cross-file checks. Registry
    files are read first, so content may cite the entries they add; with
    ``today``, an entry they define whose verification is more than 12 months
    old is a problem too. ``rule_check`` (the grader's fixture check, which content cannot
    import) runs the own examples of every red flag and criterion from the given paths.
    """
    lib, _ = load_library()  # context for related ids, shared data and the registry
    problems: list[Problem] = []
    checked: list[Path] = []
    targets = [Path(p) for p in paths]
    registry_files = [f for p in targets if p.exists() for f in _registry_files(p)]
    defined = _load_citations(lib, registry_files, problems, checking=True)
    checked.extend(registry_files)
    cross_check_registry(lib.shared.citations, problems)
    if today is not None:
        problems.extend(stale_entries(defined, today))
    for path in targets:
        if not path.exists():
            problems.append(Problem(str(path), 1, "(file)", "no such file or folder"))
            continue
        if path in registry_files or (path.is_dir() and path.name == CITATIONS):
            continue
        if _is_root(path):
            files = [f for k in KINDS if (path / k).is_dir()
                     for f in _same_ids([g for g in _yaml_files(path / k) if not g.name.startswith("_")], problems)]
            if (path / "challenges").is_dir():
                lib.shared = _load_shared(path / "challenges", problems, lib.shared)
        elif path.is_dir():
            if path.name == "challenges":
                lib.shared = _load_shared(path, problems, lib.shared)
            files = _same_ids([f for f in _yaml_files(path) if not f.name.startswith("_")], problems)
        else:
            files = [path]
        for f in files:
            if f.name.startswith("_") and f.parent.name == "challenges":
                lib.shared = _load_shared(f.parent, problems, lib.shared)
                continue
            _add_file(lib, f, kind_of(f) if path.is_file() else None, problems, checking=True)
            checked.append(f)
    cross_check(lib, problems, only=checked)
    if warnings is not None:
        warnings.extend(alias_warnings(lib, only=checked))
    if rule_check is not None:
        problems.extend(rule_check(lib, targets, warnings if warnings is not None else []))
    return sorted(set(problems)), len(checked)

"""YAML loading that remembers the line of every key.

``load(path)`` returns a :class:`Loaded` whose ``line(("steps", 2, "say"))``
answers the 1-based line of that key, so a validator can report
``path:line: field: message`` for the offending key, not just the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Key = tuple[Any, ...]


class YamlError(Exception):
    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: yaml: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass
class Loaded:
    path: Path
    data: Any
    lines: dict[Key, int] = field(default_factory=dict)

    def line(self, key: Key = ()) -> int:
        """Line of ``key``; falls back to the nearest enclosing key, then line 1."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), 1)


MAX_NODES = 100_000   # values after aliases expand: far above any real file, far below a "billion laughs"

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Safe loading with YAML 1.2's plain scalars: ``9:30`` stays text (YAML 1.1 reads it as the number 570)
    and only ``true``/``false`` are booleans (1.1 also turns ``no``, ``on`` and ``off`` into booleans)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:bool",
                                                              "tag:yaml.org,2002:float")]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"),
                              list("-+0123456789"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:float",
                              re.compile(r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]+(?:[eE][-+]?[0-9]+)?$"),
                              list("-+0123456789."))


@dataclass
class _Walk:
    loader: _Loader
    lines: dict[Key, int]
    budget: int = MAX_NODES
    open: set[int] = field(default_factory=set)   # nodes being built: an alias back to one of them is a loop

    def fail(self, node: yaml.Node, message: str, key: Key | None = None) -> YamlError:
        """An error at ``key``'s line (where an alias is used), else at the node's own."""
        line = self.lines.get(key, node.start_mark.line + 1) if key is not None else node.start_mark.line + 1
        return YamlError(Path(self.loader.name), line, message)

    def build(self, node: yaml.Node, key: Key) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise self.fail(node, f"more than {MAX_NODES:,} values once aliases are expanded; "
                                  "write the values out or use fewer aliases", key)
        if id(node) in self.open:
            raise self.fail(node, "an alias refers to the value that contains it", key)
        self.lines.setdefault(key, node.start_mark.line + 1)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            self.open.add(id(node))
            try:
                return self._mapping(node, key) if isinstance(node, yaml.MappingNode) else [
                    self.build(n, key + (i,)) for i, n in enumerate(node.value)]
            finally:
                self.open.discard(id(node))
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError as exc:  # e.g. an impossible date such as 2026-13-05
            raise self.fail(node, f"cannot read {node.value!r}: {exc}") from None

    def _mapping(self, node: yaml.MappingNode, key: Key) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        self.loader.flatten_mapping(node)
        for k_node, v_node in node.value:
            if not isinstance(k_node, yaml.ScalarNode):
                raise self.fail(k_node, "a key must be plain text")
            k = self.loader.construct_object(k_node, deep=True)
            self.lines[key + (k,)] = k_node.start_mark.line + 1
            if k in out:
                raise self.fail(k_node, f"duplicate key {k!r}")
            out[k] = self.build(v_node, key + (k,))
        return out


def loads(text: str, path: Path) -> Loaded:
    lines: dict[Key, int] = {}
    loader = _Loader(text)
    loader.name = str(path)
    try:
        node = loader.get_single_node()
        data = None if node is None else _Walk(loader, lines).build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        last_line = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
        line = min(mark.line + 1, last_line) if mark else 1
        message = (exc.problem or str(exc)).strip()
        if exc.context and exc.context_mark is not None:
            message += f" ({exc.context} at line {exc.context_mark.line + 1})"
        raise YamlError(path, line, message) from None
    except yaml.YAMLError as exc:
        raise YamlError(path, 1, str(exc)) from None
    finally:
        loader.dispose()
    return Loaded(path=path, data=data, lines=lines)


def load(path: Path) -> Loaded:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(path, 1, f"not UTF-8 ({exc.reason})") from None
    return loads(text, path)
